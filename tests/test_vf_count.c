// SPDX-License-Identifier: MIT
/*
 * test_vf_count.c - tinyvmm_vf_set_count()'s work on a fake sysfs tree:
 * the PF named by address or netdev, the count checked against
 * sriov_totalvfs, VFs in use refused, the kernel's refusal reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "tests/capture.h"
#include "tests/fake_sysfs.h"
#include "vmm/base/err.h"
#include "vmm/host/vf_count.h"

#define PF  "0000:01:00.0"
#define VF0 "0000:01:10.0"

static char root[FAKE_ROOT_SZ];
static char err[4096];

static int setup(void **state UNUSED)
{
	char run[FAKE_ROOT_SZ + 8];

	fake_sysfs_create(root, "test_vf_count");
	fake_sysfs_mkdir(root, "run");
	snprintf(run, sizeof(run), "%s/run", root);
	setenv("TINYVMM_RUN_DIR", run, 1);
	return 0;
}

static int teardown(void **state UNUSED)
{
	unsetenv("TINYVMM_RUN_DIR");
	fake_sysfs_destroy(root);
	return 0;
}

/* expr with stderr captured into err; its value as it is. */
#define CAPTURE(expr)                                                                              \
	({                                                                                         \
		int r_;                                                                            \
		capture_begin();                                                                   \
		r_ = (expr);                                                                       \
		capture_end(err, sizeof(err), NULL, 0);                                            \
		r_;                                                                                \
	})

static void expect_err(const char *needle)
{
	if (!strstr(err, needle))
		fail_msg("stderr \"%s\" does not contain \"%s\"", err, needle);
	assert_string_equal(strchr(err, '\n') + 1, "");
}

static void test_resolve(void **state UNUSED)
{
	char bdf[PCI_SYSFS_BDF_SZ];
	int r;

	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_netdev(root, PF, "eth0");
	assert_int_equal(vf_count_resolve_pf(root, "01:00.0", bdf), 0);
	assert_string_equal(bdf, PF);
	assert_int_equal(vf_count_resolve_pf(root, "eth0", bdf), 0);
	assert_string_equal(bdf, PF);
	r = CAPTURE(vf_count_resolve_pf(root, "0000:7f:1f.7", bdf));
	assert_true(err_is_user(r));
	expect_err("pf 0000:7f:1f.7: no such PCI device");
	r = CAPTURE(vf_count_resolve_pf(root, "nosuch0", bdf));
	assert_true(err_is_user(r));
	expect_err("pf nosuch0: neither a PCI address nor a PCI network interface");
}

static void test_set(void **state UNUSED)
{
	static const char *const vfs[] = {VF0};
	int r;

	fake_sysfs_dev(root, PF, 1, "igb");
	/* Not SR-IOV capable. */
	r = CAPTURE(vf_count_set(root, PF, 1));
	assert_true(err_is_user(r));
	expect_err("pf " PF ": not SR-IOV capable");
	/* More than it can have. */
	fake_sysfs_sriov(root, PF, 7, vfs, 1);
	r = CAPTURE(vf_count_set(root, PF, 8));
	assert_true(err_is_user(r));
	expect_err("pf " PF ": VF count \"8\": give 0 to 7");
	/* The fake kernel does not make VFs appear: the write is made, the count checked. */
	fake_sysfs_dev(root, VF0, 12, "igbvf");
	r = CAPTURE(vf_count_set(root, PF, 3));
	assert_false(err_is_user(r));
	assert_int_equal(err_errno(r), -EIO);
	expect_err("pf " PF ": asked for 3 VFs, sysfs shows 1");
	/* The count it has: nothing to report. */
	assert_int_equal(CAPTURE(vf_count_set(root, PF, 1)), 0);
	assert_string_equal(err, "");
}

static void test_in_use(void **state UNUSED)
{
	static const char *const vfs[] = {VF0};
	char path[FAKE_ROOT_SZ + 64], pid[32];
	int fd, r;

	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	fake_sysfs_sriov(root, PF, 7, vfs, 1);
	/* The VF's lock held as a running tinyvmm holds it (flock, its pid inside). */
	snprintf(path, sizeof(path), "%s/run/" VF0 ".lock", root);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	assert_int_equal(write(fd, pid, strlen(pid)), (ssize_t)strlen(pid));
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	r = CAPTURE(vf_count_set(root, PF, 0));
	assert_true(err_is_user(r));
	assert_int_equal(err_errno(r), -EBUSY);
	snprintf(path, sizeof(path), "pf " PF ": VF " VF0 " is in use by tinyvmm pid %ld",
		 (long)getpid());
	expect_err(path);
	/* Let go: the write is made (the fake kernel keeps its VF link, hence -EIO). */
	close(fd);
	r = CAPTURE(vf_count_set(root, PF, 0));
	assert_false(err_is_user(r));
	expect_err("pf " PF ": asked for 0 VFs, sysfs shows 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_in_use, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
