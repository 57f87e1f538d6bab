// SPDX-License-Identifier: MIT
/*
 * test_vf_record.c - the crash record's text: the documented format, the
 * round trip, and the parser's refusals (bad values, long lines, NUL
 * bytes, missing keys) on plain buffers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm/host/vf_record.h"

static const char full_text[] =
    "# tinyvmm: VF taken by pid 1234; `tinyvmm vf restore` gives it back\n"
    "bdf=0000:01:10.0\n"
    "pid=1234\n"
    "driver=igbvf\n"
    "driver_override=\n"
    "rebound=1\n"
    "pf=0000:01:00.0\n"
    "pf_netdev=eth0\n"
    "vf_index=0\n"
    "net_saved=1\n"
    "mac=52:54:00:12:34:56\n"
    "vlan=0\n"
    "qos=0\n"
    "vlan_proto=33024\n"
    "spoofchk=1\n"
    "trust=0\n"
    "link_state=-1\n";

/* The record the header's example shows. */
static void full_record(struct vf_record *r)
{
	static const u8 mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

	memset(r, 0, sizeof(*r));
	strcpy(r->bdf, "0000:01:10.0");
	r->pid = 1234;
	strcpy(r->driver, "igbvf");
	r->rebound = true;
	strcpy(r->pf, "0000:01:00.0");
	strcpy(r->pf_netdev, "eth0");
	r->vf_index = 0;
	r->net_saved = true;
	r->saved.index = 0;
	memcpy(r->saved.mac, mac, 6);
	r->saved.vlan_proto = 0x8100;
	r->saved.spoofchk = 1;
	r->saved.trust = 0;
	r->saved.link_state = -1;
}

static int parse_str(const char *text, struct vf_record *r)
{
	return vf_record_parse(text, strlen(text), r);
}

static void assert_records_equal(const struct vf_record *a, const struct vf_record *b)
{
	assert_string_equal(a->bdf, b->bdf);
	assert_int_equal(a->pid, b->pid);
	assert_string_equal(a->driver, b->driver);
	assert_string_equal(a->driver_override, b->driver_override);
	assert_int_equal(a->rebound, b->rebound);
	assert_string_equal(a->pf, b->pf);
	assert_string_equal(a->pf_netdev, b->pf_netdev);
	assert_int_equal(a->vf_index, b->vf_index);
	assert_int_equal(a->net_saved, b->net_saved);
	assert_int_equal(a->saved.index, b->saved.index);
	assert_memory_equal(a->saved.mac, b->saved.mac, 6);
	assert_int_equal(a->saved.vlan, b->saved.vlan);
	assert_int_equal(a->saved.qos, b->saved.qos);
	assert_int_equal(a->saved.vlan_proto, b->saved.vlan_proto);
	assert_int_equal(a->saved.spoofchk, b->saved.spoofchk);
	assert_int_equal(a->saved.trust, b->saved.trust);
	assert_int_equal(a->saved.link_state, b->saved.link_state);
}

static void test_format_documented(void **state UNUSED)
{
	struct vf_record r;
	char buf[1024];

	full_record(&r);
	assert_int_equal(vf_record_format(&r, buf, sizeof(buf)), (int)strlen(full_text));
	assert_string_equal(buf, full_text);
}

static void test_round_trip(void **state UNUSED)
{
	struct vf_record r, back;
	char buf[1024];
	int n;

	/* Every field away from its default. */
	full_record(&r);
	strcpy(r.bdf, "abcd:ef:1f.7");
	r.pid = 2147483647;
	strcpy(r.driver, "mlx5_core");
	strcpy(r.driver_override, "pci-stub");
	strcpy(r.pf, "abcd:ef:00.1");
	strcpy(r.pf_netdev, "enp239s0f1np1");
	r.vf_index = 65535;
	r.saved.index = 65535;
	r.saved.mac[0] = 0xfe;
	r.saved.vlan = 4094;
	r.saved.qos = 7;
	r.saved.vlan_proto = 0x88a8; /* 802.1ad survives a crash record too */
	r.saved.spoofchk = 0;
	r.saved.trust = 1;
	r.saved.link_state = 2;
	n = vf_record_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(vf_record_parse(buf, (size_t)n, &back), 0);
	assert_records_equal(&back, &r);

	/* A function that is not a VF, nothing saved: the defaults come back. */
	memset(&r, 0, sizeof(r));
	strcpy(r.bdf, "0000:00:02.0");
	r.pid = 1;
	r.vf_index = -1;
	r.saved.spoofchk = r.saved.trust = r.saved.link_state = -1;
	n = vf_record_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\npf=\npf_netdev=\nvf_index=-1\n"));
	memset(&back, 0xa5, sizeof(back));
	assert_int_equal(vf_record_parse(buf, (size_t)n, &back), 0);
	assert_records_equal(&back, &r);
}

static void test_format_no_space(void **state UNUSED)
{
	struct vf_record r;
	char buf[1024];
	size_t len = strlen(full_text);

	full_record(&r);
	/* The NUL must fit too. */
	assert_int_equal(vf_record_format(&r, buf, len), -ENOSPC);
	assert_int_equal(vf_record_format(&r, buf, 10), -ENOSPC);
	assert_int_equal(vf_record_format(&r, buf, 0), -ENOSPC);
	assert_int_equal(vf_record_format(&r, buf, len + 1), (int)len);
	assert_string_equal(buf, full_text);
}

static void test_parse_lenient(void **state UNUSED)
{
	static const char text[] = "# a comment\n"
				   "\n"
				   "future_key=some value=with equals\n"
				   "bdf=01:10.0\n" /* the short form is canonicalised */
				   "pid=77\n"
				   "driver=\n"
				   "another.key=\n"
				   "rebound=0"; /* no newline at the end */
	struct vf_record r;
	char buf[256];

	assert_int_equal(parse_str(text, &r), 0);
	assert_string_equal(r.bdf, "0000:01:10.0");
	assert_int_equal(r.pid, 77);
	assert_string_equal(r.driver, "");
	assert_false(r.rebound);
	/* What is not in the text has its "none" value. */
	assert_string_equal(r.pf, "");
	assert_int_equal(r.vf_index, -1);
	assert_false(r.net_saved);
	assert_int_equal(r.saved.spoofchk, -1);
	assert_int_equal(r.saved.trust, -1);
	assert_int_equal(r.saved.link_state, -1);

	/* Only len bytes are read: what follows does not count. */
	snprintf(buf, sizeof(buf), "bdf=0000:01:10.0\npid=5\nvlan=99999\n");
	assert_int_equal(vf_record_parse(buf, strlen("bdf=0000:01:10.0\npid=5\n"), &r), 0);
	assert_int_equal(r.saved.vlan, 0);
	assert_int_equal(vf_record_parse(buf, strlen(buf), &r), -EINVAL);
}

static void test_parse_refusals(void **state UNUSED)
{
	static const char *const bad[] = {
	    "pid=5\n",			 /* no bdf */
	    "bdf=0000:01:10.0\n",	 /* no pid */
	    "bdf=0000:01:10.0\npid=0\n", /* pid out of range */
	    "bdf=0000:01:10.0\npid=-4\n",
	    "bdf=0000:01:10.0\npid=2147483648\n",
	    "bdf=0000:01:10.0\npid=12x\n",
	    "bdf=0000:01:10.0\npid=\n",
	    "bdf=0000:01:10\npid=5\n", /* not a BDF */
	    "bdf=0000:01:10.0\npid=5\npf=eth0\n",
	    "bdf=0000:01:10.0\npid=5\nmac=52:54:00:12:34\n",
	    "bdf=0000:01:10.0\npid=5\nmac=52:54:00:12:34:5g\n",
	    "bdf=0000:01:10.0\npid=5\nmac=52:54:00:12:34:56:78\n",
	    "bdf=0000:01:10.0\npid=5\nvlan=4096\n",
	    "bdf=0000:01:10.0\npid=5\nvlan=-1\n",
	    "bdf=0000:01:10.0\npid=5\nqos=8\n",
	    "bdf=0000:01:10.0\npid=5\nrebound=2\n",
	    "bdf=0000:01:10.0\npid=5\nnet_saved=yes\n",
	    "bdf=0000:01:10.0\npid=5\nvf_index=-2\n",
	    "bdf=0000:01:10.0\npid=5\nvf_index=65536\n",
	    "bdf=0000:01:10.0\npid=5\nspoofchk=-2\n",
	    "bdf=0000:01:10.0\npid=5\ntrust=3\n",
	    "bdf=0000:01:10.0\npid=5\nspoofchk=2\n", /* on, off or -1 only */
	    "bdf=0000:01:10.0\npid=5\ntrust=2\n",
	    "bdf=0000:01:10.0\npid=5\nvlan_proto=65536\n",
	    "bdf=0000:01:10.0\npid=5\nlink_state=x\n",
	    "bdf=0000:01:10.0\npid=5\ndriver=../../evil\n", /* '/' in a name */
	    "bdf=0000:01:10.0\npid=5\ndriver_override=a/b\n",
	    "bdf=0000:01:10.0\npid=5\npf_netdev=eth0/x\n",
	    "bdf=0000:01:10.0\npid=5\nrebound\n", /* no '=' */
	    "bdf=0000:01:10.0\npid=5\n=1\n",	  /* no key */
	};
	struct vf_record r;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (parse_str(bad[i], &r) != -EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
	assert_int_equal(parse_str("", &r), -EINVAL);
	assert_int_equal(parse_str("\n\n# only comments\n", &r), -EINVAL);
}

static void test_parse_limits(void **state UNUSED)
{
	char text[1024], name[PCI_SYSFS_NAME_SZ + 1];
	struct vf_record r;
	int n;

	/* A line of 255 bytes is fine, 256 is not, even as a comment. */
	n = snprintf(text, sizeof(text), "bdf=0000:01:10.0\npid=5\n#%0254d\n", 0);
	assert_int_equal(n, 23 + 256);
	assert_int_equal(vf_record_parse(text, (size_t)n, &r), 0);
	n = snprintf(text, sizeof(text), "bdf=0000:01:10.0\npid=5\n#%0255d\n", 0);
	assert_int_equal(vf_record_parse(text, (size_t)n, &r), -EINVAL);
	n = snprintf(text, sizeof(text), "bdf=0000:01:10.0\npid=5\nfuture=%0600d\n", 0);
	assert_int_equal(vf_record_parse(text, (size_t)n, &r), -EINVAL);

	/* A NUL byte anywhere is refused. */
	memcpy(text, "bdf=0000:01:10.0\npid=5\0\n", 24);
	assert_int_equal(vf_record_parse(text, 24, &r), -EINVAL);
	memcpy(text, "bdf=0000:01:10.0\npid=5\n\0", 24);
	assert_int_equal(vf_record_parse(text, 24, &r), -EINVAL);

	/* Names: PCI_SYSFS_NAME_SZ - 1 characters fit, one more does not. */
	memset(name, 'd', sizeof(name));
	name[PCI_SYSFS_NAME_SZ - 1] = '\0';
	snprintf(text, sizeof(text), "bdf=0000:01:10.0\npid=5\ndriver=%s\n", name);
	assert_int_equal(parse_str(text, &r), 0);
	assert_string_equal(r.driver, name);
	name[PCI_SYSFS_NAME_SZ - 1] = 'd';
	name[PCI_SYSFS_NAME_SZ] = '\0';
	snprintf(text, sizeof(text), "bdf=0000:01:10.0\npid=5\npf_netdev=%s\n", name);
	assert_int_equal(parse_str(text, &r), -EINVAL);

	/* The ranges' edges. */
	assert_int_equal(parse_str("bdf=0000:01:10.0\npid=2147483647\nvlan=4095\nqos=7\n"
				   "vf_index=65535\nspoofchk=-1\nlink_state=2\n",
				   &r),
			 0);
	assert_int_equal(r.pid, 2147483647);
	assert_int_equal(r.saved.vlan, 4095);
	assert_int_equal(r.saved.qos, 7);
	assert_int_equal(r.vf_index, 65535);
	assert_int_equal(r.saved.index, 65535);
	assert_int_equal(r.saved.link_state, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_documented), cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_format_no_space),   cmocka_unit_test(test_parse_lenient),
	    cmocka_unit_test(test_parse_refusals),    cmocka_unit_test(test_parse_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
