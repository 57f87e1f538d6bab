// SPDX-License-Identifier: MIT
/*
 * test_iommu_resv.c - IOMMU reserved regions against guest RAM
 * (vmm/host/iommu_resv.c): the sysfs file's lines, malformed ones, the
 * overlap rule at the edges, and the check against a fake sysfs tree with
 * arm64's MSI window and x86's interrupt range: refused as the user's error
 * with the --mem that fits, or accepted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "tests/capture.h"
#include "tests/fake_sysfs.h"
#include "vmm/base/err.h"
#include "vmm/host/iommu_resv.h"

static char root[FAKE_ROOT_SZ];

static int setup(void **state UNUSED)
{
	fake_sysfs_create(root, "test_iommu_resv");
	return 0;
}

static int teardown(void **state UNUSED)
{
	fake_sysfs_destroy(root);
	return 0;
}

static void test_parse(void **state UNUSED)
{
	struct iommu_resv r[4];

	assert_int_equal(iommu_resv_parse("0x0000000008000000 0x00000000080fffff msi\n"
					  "0x00000000fee00000 0x00000000feefffff reserved\n",
					  r, 4),
			 2);
	assert_int_equal(r[0].start, 0x8000000);
	assert_int_equal(r[0].end, 0x80fffff);
	assert_string_equal(r[0].type, "msi");
	assert_string_equal(r[1].type, "reserved");
	assert_int_equal(iommu_resv_parse("", r, 4), 0);
	assert_int_equal(iommu_resv_parse("\n", r, 4), 0);
	/* no trailing newline */
	assert_int_equal(iommu_resv_parse("0x1 0x2 direct-relaxable", r, 4), 1);
	assert_string_equal(r[0].type, "direct-relaxable");
	/* malformed */
	static const char *const bad[] = {
	    "0x10 0x1 msi\n",	/* start > end */
	    "10 0x20 msi\n",	/* no 0x */
	    "0x 0x20 msi\n",	/* no digits */
	    "0x10 0x20\n",	/* no type */
	    "0x10 0x20 \n",	/* empty type */
	    "0x10 0x20 a b\n",	/* two words */
	    "0x10  0x20 msi\n", /* two spaces */
	    "0x10 0x20 "
	    "aaaaaaaaaaaaaaaaaaaaaaaaa\n",   /* type too long */
	    "0x1ffffffffffffffff 0x2 msi\n", /* out of range */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (iommu_resv_parse(bad[i], r, 4) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(iommu_resv_parse("0x1 0x2 a\n0x3 0x4 b\n0x5 0x6 c\n", r, 2), -E2BIG);
}

static void test_overlap(void **state UNUSED)
{
	const struct ram_range ram[] = {{0x40000000, 0x10000000}, {0x100000000ULL, 0x1000}};
	struct iommu_resv r[] = {{0x8000000, 0x80fffff, "msi"}};
	unsigned int j = 9;

	assert_int_equal(iommu_resv_find_overlap(r, 1, ram, 2, &j), -1);
	/* touching the first byte of RAM, then the last */
	r[0] = (struct iommu_resv){0x3ff00000, 0x40000000, "msi"};
	assert_int_equal(iommu_resv_find_overlap(r, 1, ram, 2, &j), 0);
	assert_int_equal(j, 0);
	r[0] = (struct iommu_resv){0x4fffffff, 0x5fffffff, "msi"};
	assert_int_equal(iommu_resv_find_overlap(r, 1, ram, 2, &j), 0);
	/* just past the end, and just before the start */
	r[0] = (struct iommu_resv){0x50000000, 0x5fffffff, "msi"};
	assert_int_equal(iommu_resv_find_overlap(r, 1, ram, 2, &j), -1);
	r[0] = (struct iommu_resv){0x0, 0x3fffffff, "msi"};
	assert_int_equal(iommu_resv_find_overlap(r, 1, ram, 2, &j), -1);
	/* the second range */
	r[0] = (struct iommu_resv){0x100000fff, 0x100000fff, "reserved"};
	assert_int_equal(iommu_resv_find_overlap(r, 1, ram, 2, &j), 0);
	assert_int_equal(j, 1);
}

static int check(const char *text, const struct ram_range *ram, unsigned int nr, char *err,
		 size_t len)
{
	int r;

	if (text)
		fake_sysfs_write(root, text, "kernel/iommu_groups/7/reserved_regions");
	else
		fake_sysfs_remove(root, "kernel/iommu_groups/7/reserved_regions");
	capture_begin();
	r = iommu_resv_check(root, "vfio 0000:01:10.0", 7, ram, nr);
	capture_end(err, len, NULL, 0);
	return r;
}

static void test_check(void **state UNUSED)
{
	const struct ram_range arm[] = {{0x40000000, 512ULL << 20}};
	const struct ram_range x86[] = {{0, 0xc0000000}, {0x100000000ULL, 1ULL << 30}};
	char err[512];
	int r;

	fake_sysfs_mkdir(root, "kernel/iommu_groups/7");
	/* arm64's SMMU MSI window sits below RAM_BASE: fine */
	assert_int_equal(
	    check("0x0000000008000000 0x00000000080fffff msi\n", arm, 1, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	/* x86's interrupt range is in the PCI hole: fine */
	assert_int_equal(
	    check("0x00000000fee00000 0x00000000feefffff msi\n", x86, 2, err, sizeof(err)), 0);
	/* no file (an older kernel): nothing reserved */
	assert_int_equal(check(NULL, arm, 1, err, sizeof(err)), 0);
	/* a window inside RAM: the user's error, and the --mem that fits */
	r = check("0x0000000008000000 0x00000000080fffff msi\n0x50000000 0x500fffff msi\n", arm, 1,
		  err, sizeof(err));
	assert_int_equal(err_errno(r), -EADDRINUSE);
	assert_true(err_is_user(r));
	assert_non_null(strstr(err, "vfio 0000:01:10.0: IOMMU group 7 reserves "
				    "0x50000000-0x500fffff (msi) inside guest RAM"));
	assert_non_null(strstr(err, "give at most --mem 256M"));
	/* in x86's high RAM: low RAM counts towards the --mem that fits */
	r = check("0x120000000 0x1200fffff reserved\n", x86, 2, err, sizeof(err));
	assert_int_equal(err_errno(r), -EADDRINUSE);
	assert_non_null(strstr(err, "give at most --mem 3584M"));
	/* at the very start of RAM: no smaller --mem helps */
	r = check("0x40000000 0x40000fff direct\n", arm, 1, err, sizeof(err));
	assert_int_equal(err_errno(r), -EADDRINUSE);
	assert_non_null(strstr(err, "clash"));
	/* a malformed file is the host's problem */
	r = check("garbage\n", arm, 1, err, sizeof(err));
	assert_int_equal(r, -EIO);
	assert_false(err_is_user(r));
	assert_non_null(strstr(err, "reserved_regions: a line is not"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
