// SPDX-License-Identifier: MIT
/*
 * test_vf_list.c - tinyvmm_vf_list(): the scan of a fake sysfs tree
 * (tests/fake_sysfs.h) into struct tinyvmm_vf_list. The printers are
 * test_vf_print.c's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/host/vf_list.h"
#include "tests/fake_sysfs.h"

#define PF  "0000:01:00.0"
#define PF2 "0000:02:00.0"
#define VF0 "0000:01:10.0"
#define VF1 "0000:01:10.1"

static char root[FAKE_ROOT_SZ];

static int setup(void **state UNUSED)
{
	fake_sysfs_create(root, "test_vf_list");
	return 0;
}

static int teardown(void **state UNUSED)
{
	fake_sysfs_destroy(root);
	return 0;
}

/* ---- collect ---- */

static const struct tinyvmm_pf *find_pf(const struct tinyvmm_vf_list *l, const char *bdf)
{
	for (unsigned int i = 0; i < l->nr_pfs; i++)
		if (!strcmp(l->pfs[i].fn.bdf, bdf))
			return &l->pfs[i];
	fail_msg("PF %s not listed", bdf);
	return NULL;
}

static void test_collect(void **state UNUSED)
{
	static const char *const vfs[] = {VF0, VF1};
	const struct tinyvmm_pf *pf;
	struct tinyvmm_vf_list l;

	/* An igb PF with two VFs: one on igbvf with a netdev, one unbound in a shared group. */
	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_ids(root, PF, 0x8086, 0x10c9, 0x020000);
	fake_sysfs_netdev(root, PF, "eth0");
	fake_sysfs_dev(root, VF0, 12, "igbvf");
	fake_sysfs_netdev(root, VF0, "eth1");
	fake_sysfs_dev(root, VF1, 13, NULL);
	fake_sysfs_sriov(root, PF, 7, vfs, 2);
	fake_sysfs_dev(root, "0000:00:19.0", 13, "e1000e"); /* no SR-IOV: not listed */
	/* A PF of an unknown vendor, no driver, no IOMMU, no VFs yet. */
	fake_sysfs_dev(root, PF2, -1, NULL);
	fake_sysfs_ids(root, PF2, 0xf00d, 0x0001, 0x020000);
	fake_sysfs_sriov(root, PF2, 8, NULL, 0);

	assert_int_equal(vf_list_collect(&l, root, false), 0);
	assert_int_equal(l.nr_pfs, 2);

	pf = find_pf(&l, PF);
	assert_int_equal(pf->fn.vendor_id, 0x8086);
	assert_int_equal(pf->fn.device_id, 0x10c9);
	assert_string_equal(pf->fn.driver, "igb");
	assert_string_equal(pf->fn.netdev, "eth0");
	assert_int_equal(pf->fn.iommu_group, 1);
	assert_true(pf->fn.viable);
	assert_int_equal(pf->fn.index, -1);
	assert_int_equal(pf->sriov_numvfs, 2);
	assert_int_equal(pf->sriov_totalvfs, 7);
	assert_int_equal(pf->nr_vfs, 2);
	assert_string_equal(pf->vfs[0].bdf, VF0);
	assert_int_equal(pf->vfs[0].index, 0);
	assert_int_equal(pf->vfs[0].vendor_id, 0x8086);
	assert_int_equal(pf->vfs[0].device_id, 0x10ca);
	assert_string_equal(pf->vfs[0].driver, "igbvf");
	assert_string_equal(pf->vfs[0].netdev, "eth1");
	assert_int_equal(pf->vfs[0].iommu_group, 12);
	assert_true(pf->vfs[0].viable);
	assert_false(pf->vfs[0].has_settings); /* net == false: no rtnetlink */
	assert_int_equal(pf->vfs[0].spoofchk, -1);
	assert_int_equal(pf->vfs[0].link_state, -1);
	assert_string_equal(pf->vfs[1].bdf, VF1);
	assert_int_equal(pf->vfs[1].index, 1);
	assert_string_equal(pf->vfs[1].driver, "");
	assert_string_equal(pf->vfs[1].netdev, "");
	assert_int_equal(pf->vfs[1].iommu_group, 13);
	assert_false(pf->vfs[1].viable); /* 0000:00:19.0 on e1000e shares group 13 */

	pf = find_pf(&l, PF2);
	assert_int_equal(pf->fn.vendor_id, 0xf00d);
	assert_int_equal(pf->fn.device_id, 0x0001);
	assert_string_equal(pf->fn.driver, "");
	assert_int_equal(pf->fn.iommu_group, -1);
	assert_false(pf->fn.viable);
	assert_int_equal(pf->sriov_numvfs, 0);
	assert_int_equal(pf->sriov_totalvfs, 8);
	assert_int_equal(pf->nr_vfs, 0);
	vf_list_free(&l);
	assert_int_equal(l.nr_pfs, 0);
	assert_null(l.pfs);
	vf_list_free(&l); /* twice is fine */

	/* One PF alone, as tinyvmm_vf_set_count() reports it; a function without SR-IOV. */
	{
		struct tinyvmm_pf one;

		assert_int_equal(vf_list_pf(&one, root, PF, false), 0);
		assert_int_equal(one.nr_vfs, 2);
		assert_string_equal(one.vfs[1].bdf, VF1);
		vf_list_free_pf(&one);
		assert_int_equal(vf_list_pf(&one, root, "0000:00:19.0", false), -ENODEV);
		vf_list_free_pf(&one);
	}
}

static void test_collect_empty(void **state UNUSED)
{
	struct tinyvmm_vf_list l;

	fake_sysfs_dev(root, "0000:00:19.0", 3, "e1000e");
	assert_int_equal(vf_list_collect(&l, root, false), 0);
	assert_int_equal(l.nr_pfs, 0);
	vf_list_free(&l);
}

static void test_collect_no_sysfs(void **state UNUSED)
{
	char missing[FAKE_ROOT_SZ + 16];
	struct tinyvmm_vf_list l;
	int r;

	/* No PCI tree at all: a host error naming the directory. */
	snprintf(missing, sizeof(missing), "%s/nothing", root);
	r = vf_list_collect(&l, missing, false);
	assert_int_equal(r, -ENOENT);
	assert_int_equal(l.nr_pfs, 0);
	vf_list_free(&l);
	/* A function whose ids cannot be read is still listed, with ids 0. */
	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_sriov(root, PF, 7, NULL, 0);
	fake_sysfs_remove(root, FAKE_DEVDIR "/%s/vendor", PF);
	assert_int_equal(vf_list_collect(&l, root, false), 0);
	assert_int_equal(l.nr_pfs, 1);
	assert_int_equal(l.pfs[0].fn.vendor_id, 0);
	vf_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_collect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_collect_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_collect_no_sysfs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
