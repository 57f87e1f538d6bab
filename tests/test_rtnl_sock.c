// SPDX-License-Identifier: MIT
/*
 * test_rtnl_sock.c - rtnl_sock.c against this machine's kernel, no SR-IOV
 * needed: lo has no VFs, every netdev's real RTM_NEWLINK parses, a missing
 * netdev is -ENODEV, and setting a VF on lo goes all the way to the
 * kernel's ACK (-EOPNOTSUPP as root, -EPERM without CAP_NET_ADMIN).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "vmm/host/rtnl.h"

/* ---- this machine's kernel ---- */

static void require_netlink(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0) {
		print_message("skipped: cannot open a NETLINK_ROUTE socket here (%s); NOT counted "
			      "as a pass\n",
			      strerror(errno));
		skip();
	}
	close(fd);
}

static void test_live_query(void **state)
{
	struct rtnl_vf vfs[RTNL_MAX_VFS], one;
	unsigned int nr = 99;

	(void)state;
	require_netlink();
	/* Loopback has no VFs. */
	assert_int_equal(rtnl_vf_query("lo", vfs, RTNL_MAX_VFS, &nr), 0);
	assert_int_equal(nr, 0);
	assert_int_equal(rtnl_vf_query("lo", NULL, 0, &nr), 0);
	assert_int_equal(nr, 0);
	assert_int_equal(rtnl_vf_get("lo", 0, &one), -ENOENT);
	/* No such netdev, an empty name, one too long for IFNAMSIZ. */
	nr = 99;
	assert_int_equal(rtnl_vf_query("no-such-if0", vfs, RTNL_MAX_VFS, &nr), -ENODEV);
	assert_int_equal(nr, 0);
	assert_int_equal(rtnl_vf_query("", vfs, RTNL_MAX_VFS, &nr), -ENODEV);
	assert_int_equal(rtnl_vf_query("abcdefghijklmnopqrstuvwxyz", vfs, RTNL_MAX_VFS, &nr),
			 -ENODEV);
	assert_int_equal(rtnl_vf_query(NULL, vfs, RTNL_MAX_VFS, &nr), -ENODEV);
	assert_int_equal(rtnl_vf_query("lo", vfs, RTNL_MAX_VFS, NULL), -EINVAL);
	assert_int_equal(rtnl_vf_get("no-such-if0", 0, &one), -ENODEV);
}

/* Every netdev here parses: real replies carry stats, AF_SPEC and more. */
static void test_live_query_all(void **state)
{
	struct rtnl_vf vfs[RTNL_MAX_VFS];
	struct if_nameindex *ifs, *i;
	unsigned int nr, seen = 0;

	(void)state;
	require_netlink();
	ifs = if_nameindex();
	assert_non_null(ifs);
	for (i = ifs; i->if_index; i++) {
		nr = 99;
		if (rtnl_vf_query(i->if_name, vfs, RTNL_MAX_VFS, &nr) != 0)
			fail_msg("rtnl_vf_query(%s) failed", i->if_name);
		assert_true(nr <= RTNL_MAX_VFS);
		for (unsigned int k = 0; k < nr; k++) {
			assert_true(vfs[k].vlan <= RTNL_VLAN_MAX);
			assert_true(vfs[k].spoofchk >= -1 && vfs[k].spoofchk <= 1);
		}
		seen++;
	}
	if_freenameindex(ifs);
	assert_true(seen >= 1); /* lo at least */
}

/*
 * The whole set path against the kernel: lo has no ndo_set_vf_*, so the
 * kernel refuses with -EOPNOTSUPP (as root) or -EPERM (without
 * CAP_NET_ADMIN) and nothing changes. Either way the request was built,
 * sent, and the ACK matched and parsed.
 */
static void test_live_apply(void **state)
{
	struct rtnl_vf_set set = {.has_trust = true, .trust = false};
	struct rtnl_vf saved = {.index = 0, .spoofchk = -1, .trust = 0, .link_state = -1};
	int r;

	(void)state;
	require_netlink();
	r = rtnl_vf_apply("lo", 0, &set);
	if (r != -EOPNOTSUPP && r != -EPERM)
		fail_msg("rtnl_vf_apply(lo) = %d (%s), want -EOPNOTSUPP or -EPERM", r,
			 strerror(-r));
	set = (struct rtnl_vf_set){
	    .has_mac = true, .mac = {2, 0, 0, 0, 0, 1}, .has_vlan = true, .vlan = 10};
	r = rtnl_vf_apply("lo", 0, &set);
	assert_true(r == -EOPNOTSUPP || r == -EPERM);
	r = rtnl_vf_restore("lo", &saved);
	assert_true(r == -EOPNOTSUPP || r == -EPERM);

	assert_int_equal(rtnl_vf_apply("no-such-if0", 0, &set), -ENODEV);
	assert_int_equal(rtnl_vf_restore("no-such-if0", &saved), -ENODEV);
	/* Rejected before anything is sent. */
	set.vlan = 5000;
	assert_int_equal(rtnl_vf_apply("lo", 0, &set), -EINVAL);
	assert_int_equal(rtnl_vf_apply("lo", 0, NULL), -EINVAL);
	set = (struct rtnl_vf_set){0};
	assert_int_equal(rtnl_vf_apply("lo", 0, &set), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_live_query),
	    cmocka_unit_test(test_live_query_all),
	    cmocka_unit_test(test_live_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
