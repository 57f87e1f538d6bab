// SPDX-License-Identifier: MIT
/*
 * test_pci_sysfs.c - the sysfs view of a host PCI function, on a fake sysfs
 * tree (tests/fake_sysfs.h): driver, IOMMU group and its other members,
 * netdevs, attributes, SR-IOV links, the bind sequence (its writes land in
 * plain files) and the sriov_numvfs change through 0 (a FIFO records them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm/host/pci_sysfs.h"
#include "tests/fake_sysfs.h"

#define VF0 "0000:01:10.0"
#define VF1 "0000:01:10.1"
#define PF  "0000:01:00.0"

static char root[FAKE_ROOT_SZ];

static int setup(void **state UNUSED)
{
	fake_sysfs_create(root, "test_pci_sysfs");
	return 0;
}

static int teardown(void **state UNUSED)
{
	fake_sysfs_destroy(root);
	return 0;
}

/* An attribute of a device, as the test wrote or the code left it. */
static const char *attr(const char *bdf, const char *name)
{
	static char buf[256];

	return fake_sysfs_read(root, buf, sizeof(buf), FAKE_DEVDIR "/%s/%s", bdf, name);
}

static const char *file(const char *rel)
{
	static char buf[256];

	return fake_sysfs_read(root, buf, sizeof(buf), "%s", rel);
}

/* ---- driver ---- */

static void test_driver(void **state UNUSED)
{
	char drv[PCI_SYSFS_NAME_SZ];

	fake_sysfs_dev(root, VF0, 3, "igbvf");
	fake_sysfs_dev(root, VF1, 3, NULL);
	assert_true(pci_sysfs_exists(root, VF0));
	assert_true(pci_sysfs_exists(root, VF1));
	assert_false(pci_sysfs_exists(root, "0000:07:00.0"));
	/* A plain file where the device directory should be is no device. */
	fake_sysfs_write(root, "", "bus/pci/devices/0000:07:00.1");
	assert_false(pci_sysfs_exists(root, "0000:07:00.1"));

	assert_int_equal(pci_sysfs_driver(root, VF0, drv, sizeof(drv)), 0);
	assert_string_equal(drv, "igbvf");
	strcpy(drv, "stale");
	assert_int_equal(pci_sysfs_driver(root, VF1, drv, sizeof(drv)), 0);
	assert_string_equal(drv, "");
	strcpy(drv, "stale");
	assert_int_equal(pci_sysfs_driver(root, "0000:07:00.0", drv, sizeof(drv)), -ENODEV);
	assert_string_equal(drv, "");
	/* A name that does not fit is refused, not cut. */
	assert_int_equal(pci_sysfs_driver(root, VF0, drv, 5), -ENAMETOOLONG);
	assert_int_equal(pci_sysfs_driver(root, VF0, drv, 6), 0);
	assert_string_equal(drv, "igbvf");
}

static void test_driver_classes(void **state UNUSED)
{
	assert_true(pci_sysfs_driver_is_vfio("vfio-pci"));
	assert_true(pci_sysfs_driver_is_vfio("mlx5_vfio_pci"));
	assert_true(pci_sysfs_driver_is_vfio("hisi_acc_vfio_pci"));
	assert_false(pci_sysfs_driver_is_vfio("igbvf"));
	assert_false(pci_sysfs_driver_is_vfio(""));
	assert_false(pci_sysfs_driver_is_vfio("vfio-pci2"));
	assert_false(pci_sysfs_driver_is_vfio("vfio"));

	assert_true(pci_sysfs_driver_dma_safe("vfio-pci"));
	assert_true(pci_sysfs_driver_dma_safe("mlx5_vfio_pci"));
	assert_true(pci_sysfs_driver_dma_safe("pci-stub"));
	assert_true(pci_sysfs_driver_dma_safe("pcieport"));
	assert_false(pci_sysfs_driver_dma_safe("igbvf"));
	assert_false(pci_sysfs_driver_dma_safe("e1000e"));
	assert_false(pci_sysfs_driver_dma_safe("pci-stubborn"));
}

/* ---- IOMMU group ---- */

static void test_iommu_group(void **state UNUSED)
{
	fake_sysfs_dev(root, VF0, 5, "vfio-pci");
	fake_sysfs_dev(root, VF1, -1, "igbvf");
	fake_sysfs_dev(root, "0000:01:10.2", 0, NULL);
	fake_sysfs_dev(root, "0000:01:10.3", 4096, NULL);
	assert_int_equal(pci_sysfs_iommu_group(root, VF0), 5);
	assert_int_equal(pci_sysfs_iommu_group(root, "0000:01:10.2"), 0);
	assert_int_equal(pci_sysfs_iommu_group(root, "0000:01:10.3"), 4096);
	assert_int_equal(pci_sysfs_iommu_group(root, VF1), -ENOENT);
	assert_int_equal(pci_sysfs_iommu_group(root, "0000:07:00.0"), -ENOENT);
	/* A link whose last component is not a number. */
	fake_sysfs_symlink(root, "../../../kernel/iommu_groups/5x", FAKE_DEVDIR "/%s/iommu_group",
			   VF1);
	assert_int_equal(pci_sysfs_iommu_group(root, VF1), -ENOENT);
	fake_sysfs_symlink(root, "../../../kernel/iommu_groups/-3", FAKE_DEVDIR "/%s/iommu_group",
			   VF1);
	assert_int_equal(pci_sysfs_iommu_group(root, VF1), -ENOENT);
}

static void test_group_viable(void **state UNUSED)
{
	char bad[256], ok[256];

	fake_sysfs_dev(root, VF0, 7, "igbvf"); /* self: its own driver does not count */
	fake_sysfs_dev(root, "0000:00:1c.0", 7, "pcieport");
	fake_sysfs_dev(root, VF1, 7, "pci-stub");
	fake_sysfs_dev(root, "0000:01:10.2", 7, "vfio-pci");
	fake_sysfs_dev(root, "0000:01:10.3", 7, NULL);
	fake_sysfs_dev(root, "0000:01:10.4", 7, "mlx5_vfio_pci");
	fake_sysfs_dev(root, "0000:02:00.0", 8, "e1000e"); /* another group */
	strcpy(bad, "stale");
	assert_int_equal(pci_sysfs_group_others(root, 7, VF0, bad, sizeof(bad), ok, sizeof(ok)), 0);
	assert_string_equal(bad, "");
	assert_string_equal(ok, "0000:00:1c.0 (pcieport), 0000:01:10.1 (pci-stub), "
				"0000:01:10.2 (vfio-pci), 0000:01:10.3 (no driver), "
				"0000:01:10.4 (mlx5_vfio_pci)");
	/* Alone in its group: nothing to list. */
	assert_int_equal(
	    pci_sysfs_group_others(root, 8, "0000:02:00.0", bad, sizeof(bad), ok, sizeof(ok)), 0);
	assert_string_equal(ok, "");
	/* No such group. */
	assert_int_equal(pci_sysfs_group_others(root, 99, VF0, bad, sizeof(bad), ok, sizeof(ok)),
			 -ENOENT);
}

static void test_group_not_viable(void **state UNUSED)
{
	char bad[256], ok[256];

	fake_sysfs_dev(root, VF0, 7, "vfio-pci");
	fake_sysfs_dev(root, VF1, 7, "igbvf");
	fake_sysfs_dev(root, "0000:00:19.0", 7, "e1000e");
	fake_sysfs_dev(root, "0000:01:10.2", 7, "vfio-pci");
	assert_int_equal(pci_sysfs_group_others(root, 7, VF0, bad, sizeof(bad), ok, sizeof(ok)), 2);
	assert_string_equal(bad, "0000:00:19.0 is bound to e1000e, 0000:01:10.1 is bound to igbvf");
	assert_string_equal(ok, "0000:01:10.2 (vfio-pci)");
	/* Seen from the device on igbvf: the e1000e one is the only offender. */
	assert_int_equal(pci_sysfs_group_others(root, 7, VF1, bad, sizeof(bad), ok, sizeof(ok)), 1);
	assert_string_equal(bad, "0000:00:19.0 is bound to e1000e");
	assert_string_equal(ok, "0000:01:10.0 (vfio-pci), 0000:01:10.2 (vfio-pci)");
}

static void test_group_truncated(void **state UNUSED)
{
	char bad[40], ok[30], tiny[1];
	char name[16];

	fake_sysfs_dev(root, VF0, 7, "vfio-pci");
	for (int i = 1; i <= 6; i++) {
		snprintf(name, sizeof(name), "0000:01:10.%d", i);
		fake_sysfs_dev(root, name, 7, i % 2 ? "igbvf" : NULL);
	}
	/* Every offender is counted even when the list is cut. */
	memset(bad, 'x', sizeof(bad));
	memset(ok, 'x', sizeof(ok));
	assert_int_equal(pci_sysfs_group_others(root, 7, VF0, bad, sizeof(bad), ok, sizeof(ok)), 3);
	assert_int_equal(strlen(bad), sizeof(bad) - 1);
	assert_string_equal(bad + sizeof(bad) - 4, "...");
	assert_memory_equal(bad, "0000:01:10.1 is bound to igbvf, ", 32);
	assert_int_equal(strlen(ok), sizeof(ok) - 1);
	assert_string_equal(ok + sizeof(ok) - 4, "...");
	assert_memory_equal(ok, "0000:01:10.2 (no driver), ", 26);
	/* A one-byte buffer stays an empty string. */
	assert_int_equal(pci_sysfs_group_others(root, 7, VF0, tiny, sizeof(tiny), ok, sizeof(ok)),
			 3);
	assert_string_equal(tiny, "");
}

/* ---- netdev ---- */

static void test_netdev(void **state UNUSED)
{
	char ifname[PCI_SYSFS_NAME_SZ], bdf[PCI_SYSFS_BDF_SZ];

	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_dev(root, VF0, 2, "igbvf");
	fake_sysfs_dev(root, VF1, 3, "vfio-pci");
	fake_sysfs_netdev(root, PF, "eth1");
	fake_sysfs_netdev(root, PF, "eth0");
	fake_sysfs_netdev(root, VF0, "enp1s16");
	fake_sysfs_mkdir(root, FAKE_DEVDIR "/%s/net", VF1); /* empty net/ */

	assert_int_equal(pci_sysfs_netdev(root, PF, ifname, sizeof(ifname)), 0);
	assert_string_equal(ifname, "eth0"); /* the first by name */
	assert_int_equal(pci_sysfs_netdev(root, VF0, ifname, sizeof(ifname)), 0);
	assert_string_equal(ifname, "enp1s16");
	strcpy(ifname, "stale");
	assert_int_equal(pci_sysfs_netdev(root, VF1, ifname, sizeof(ifname)), -ENOENT);
	assert_string_equal(ifname, "");
	fake_sysfs_dev(root, "0000:01:10.2", 3, NULL); /* no net/ at all */
	assert_int_equal(pci_sysfs_netdev(root, "0000:01:10.2", ifname, sizeof(ifname)), -ENOENT);
	assert_int_equal(pci_sysfs_netdev(root, "0000:07:00.0", ifname, sizeof(ifname)), -ENOENT);
	assert_int_equal(pci_sysfs_netdev(root, VF0, ifname, 7), -ENAMETOOLONG);

	assert_int_equal(pci_sysfs_of_netdev(root, "eth1", bdf), 0);
	assert_string_equal(bdf, PF);
	assert_int_equal(pci_sysfs_of_netdev(root, "enp1s16", bdf), 0);
	assert_string_equal(bdf, VF0);
	assert_int_equal(pci_sysfs_of_netdev(root, "eth9", bdf), -ENODEV);
	assert_string_equal(bdf, "");
	assert_int_equal(pci_sysfs_of_netdev(root, "", bdf), -EINVAL);
	assert_int_equal(pci_sysfs_of_netdev(root, "../eth0", bdf), -EINVAL);
	assert_int_equal(pci_sysfs_of_netdev(root, "eth0/device", bdf), -EINVAL);
	/* A netdev with no device link (virtual, like lo). */
	fake_sysfs_mkdir(root, "class/net/lo");
	assert_int_equal(pci_sysfs_of_netdev(root, "lo", bdf), -ENODEV);
}

/* ---- attributes ---- */

static void test_read_attr(void **state UNUSED)
{
	static const struct {
		const char *text;
		int r;
		unsigned long v;
	} cases[] = {
	    {"4\n", 0, 4},
	    {"0", 0, 0},
	    {"64 \n", 0, 64},
	    {"junk\n", -EINVAL, 0},
	    {"", -EINVAL, 0},
	    {"\n", -EINVAL, 0},
	    {"-1\n", -EINVAL, 0},
	    {" 4\n", -EINVAL, 0},
	    {"12abc\n", -EINVAL, 0},
	    {"4 5\n", -EINVAL, 0},
	    {"0x10\n", -EINVAL, 0},
	    {"99999999999999999999999\n", -EINVAL, 0},
	    /* fuzz_pci_sysfs: a number, then more than the reader's buffer takes;
	     * 31 bytes fill it, 30 do not */
	    {"99\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n99\n", -EINVAL, 0},
	    {"7                              ", -EINVAL, 0},
	    {"7                             ", 0, 7},
	};
	char buf[16];
	unsigned long v;

	fake_sysfs_dev(root, PF, 1, "igb");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		fake_sysfs_write(root, cases[i].text, FAKE_DEVDIR "/%s/sriov_totalvfs", PF);
		v = 12345;
		if (pci_sysfs_read_uint(root, PF, "sriov_totalvfs", &v) != cases[i].r)
			fail_msg("\"%s\": expected %d", cases[i].text, cases[i].r);
		if (cases[i].r == 0)
			assert_int_equal(v, cases[i].v);
	}
	assert_int_equal(pci_sysfs_read_uint(root, PF, "sriov_numvfs", &v), -ENOENT);
	assert_int_equal(pci_sysfs_read_uint(root, "0000:07:00.0", "sriov_totalvfs", &v), -ENOENT);

	fake_sysfs_write(root, "(null)\n", FAKE_DEVDIR "/%s/driver_override", PF);
	assert_int_equal(pci_sysfs_read_attr(root, PF, "driver_override", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "(null)");
	fake_sysfs_write(root, "vfio-pci \n\n", FAKE_DEVDIR "/%s/driver_override", PF);
	assert_int_equal(pci_sysfs_read_attr(root, PF, "driver_override", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-pci");
	/* Longer than the buffer: the start, NUL-terminated. */
	assert_int_equal(pci_sysfs_read_attr(root, PF, "driver_override", buf, 5), 0);
	assert_string_equal(buf, "vfio");
	assert_int_equal(pci_sysfs_read_attr(root, PF, "nope", buf, sizeof(buf)), -ENOENT);
}

static void test_write_attr(void **state UNUSED)
{
	fake_sysfs_dev(root, PF, 1, "igb");
	assert_int_equal(pci_sysfs_write_attr(root, PF, "driver_override", "vfio-pci"), 0);
	assert_string_equal(attr(PF, "driver_override"), "vfio-pci");
	/* Like sysfs, nothing is created: a missing attribute is an error. */
	assert_int_equal(pci_sysfs_write_attr(root, PF, "sriov_numvfs", "2"), -ENOENT);
	assert_false(fake_sysfs_exists(root, FAKE_DEVDIR "/%s/sriov_numvfs", PF));
	assert_int_equal(pci_sysfs_write_attr(root, "0000:07:00.0", "driver_override", "x"),
			 -ENOENT);
}

/* ---- SR-IOV links ---- */

static void test_physfn(void **state UNUSED)
{
	static const char *const vfs[] = {VF0, VF1, "0000:01:10.2"};
	char pf[PCI_SYSFS_BDF_SZ];
	unsigned int idx = 99;

	fake_sysfs_dev(root, PF, 1, "igb");
	for (size_t i = 0; i < ARRAY_SIZE(vfs); i++)
		fake_sysfs_dev(root, vfs[i], 10 + (int)i, "igbvf");
	fake_sysfs_sriov(root, PF, 7, vfs, 3);

	assert_int_equal(pci_sysfs_physfn(root, "0000:01:10.2", pf, &idx), 0);
	assert_string_equal(pf, PF);
	assert_int_equal(idx, 2);
	assert_int_equal(pci_sysfs_physfn(root, VF0, pf, &idx), 0);
	assert_int_equal(idx, 0);
	/* The PF itself is not a VF. */
	idx = 99;
	assert_int_equal(pci_sysfs_physfn(root, PF, pf, &idx), -ENOENT);
	assert_string_equal(pf, "");
	assert_int_equal(idx, 99);
	/* A physfn link the PF does not list back. */
	fake_sysfs_dev(root, "0000:01:10.5", 20, NULL);
	fake_sysfs_symlink(root, "../" PF, FAKE_DEVDIR "/0000:01:10.5/physfn");
	assert_int_equal(pci_sysfs_physfn(root, "0000:01:10.5", pf, &idx), -ENOENT);
	assert_int_equal(idx, 99);
	assert_int_equal(pci_sysfs_physfn(root, "0000:07:00.0", pf, &idx), -ENOENT);
}

static void test_virtfns(void **state UNUSED)
{
	char names[12][PCI_SYSFS_BDF_SZ], vfs[16][PCI_SYSFS_BDF_SZ];
	const char *list[12];
	unsigned int nr = 99;

	fake_sysfs_dev(root, PF, 1, "igb");
	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "0000:02:%02x.%d", i / 8, i % 8);
		list[i] = names[i];
		fake_sysfs_dev(root, names[i], 20 + i, NULL);
	}
	fake_sysfs_sriov(root, PF, 16, list, 12);
	/* By index: virtfn10 comes after virtfn9, not after virtfn1. */
	assert_int_equal(pci_sysfs_virtfns(root, PF, vfs, 16, &nr), 0);
	assert_int_equal(nr, 12);
	for (int i = 0; i < 12; i++)
		assert_string_equal(vfs[i], names[i]);
	/* max caps the count. */
	assert_int_equal(pci_sysfs_virtfns(root, PF, vfs, 3, &nr), 0);
	assert_int_equal(nr, 3);
	assert_string_equal(vfs[2], names[2]);
	/* The list ends at the first missing index. */
	fake_sysfs_remove(root, FAKE_DEVDIR "/%s/virtfn4", PF);
	assert_int_equal(pci_sysfs_virtfns(root, PF, vfs, 16, &nr), 0);
	assert_int_equal(nr, 4);
	/* A function without SR-IOV has none; no device is an error. */
	assert_int_equal(pci_sysfs_virtfns(root, names[0], vfs, 16, &nr), 0);
	assert_int_equal(nr, 0);
	nr = 99;
	assert_int_equal(pci_sysfs_virtfns(root, "0000:07:00.0", vfs, 16, &nr), -ENODEV);
	assert_int_equal(nr, 0);
}

/* ---- bind ---- */

static void clear_bind_files(const char *bdf)
{
	fake_sysfs_write(root, "", FAKE_DEVDIR "/%s/driver_override", bdf);
	fake_sysfs_write(root, "", "bus/pci/drivers_probe");
	fake_sysfs_write(root, "", "bus/pci/drivers/igbvf/unbind");
	fake_sysfs_write(root, "", "bus/pci/drivers/vfio-pci/unbind");
}

static void test_bind(void **state UNUSED)
{
	fake_sysfs_dev(root, VF0, 12, "igbvf");
	fake_sysfs_dev(root, VF1, 13, NULL);
	fake_sysfs_driver_dir(root, "vfio-pci");

	/* From igbvf: override, unbind from igbvf, probe. */
	clear_bind_files(VF0);
	assert_int_equal(pci_sysfs_bind(root, VF0, "vfio-pci"), 0);
	assert_string_equal(attr(VF0, "driver_override"), "vfio-pci");
	assert_string_equal(file("bus/pci/drivers/igbvf/unbind"), VF0);
	assert_string_equal(file("bus/pci/drivers/vfio-pci/unbind"), "");
	assert_string_equal(file("bus/pci/drivers_probe"), VF0);

	/* Unbound: nothing to unbind. */
	clear_bind_files(VF1);
	assert_int_equal(pci_sysfs_bind(root, VF1, "vfio-pci"), 0);
	assert_string_equal(attr(VF1, "driver_override"), "vfio-pci");
	assert_string_equal(file("bus/pci/drivers/igbvf/unbind"), "");
	assert_string_equal(file("bus/pci/drivers_probe"), VF1);

	/* Already on the driver: the override is set, no unbind, no probe. */
	fake_sysfs_bind(root, VF0, "vfio-pci");
	clear_bind_files(VF0);
	assert_int_equal(pci_sysfs_bind(root, VF0, "vfio-pci"), 0);
	assert_string_equal(attr(VF0, "driver_override"), "vfio-pci");
	assert_string_equal(file("bus/pci/drivers/vfio-pci/unbind"), "");
	assert_string_equal(file("bus/pci/drivers_probe"), "");

	/* "" leaves it unbound: override cleared with "\n", unbind, no probe. */
	clear_bind_files(VF0);
	assert_int_equal(pci_sysfs_bind(root, VF0, ""), 0);
	assert_string_equal(attr(VF0, "driver_override"), "\n");
	assert_string_equal(file("bus/pci/drivers/vfio-pci/unbind"), VF0);
	assert_string_equal(file("bus/pci/drivers_probe"), "");

	/* "" on an unbound device only clears the override. */
	clear_bind_files(VF1);
	assert_int_equal(pci_sysfs_bind(root, VF1, ""), 0);
	assert_string_equal(attr(VF1, "driver_override"), "\n");
	assert_string_equal(file("bus/pci/drivers_probe"), "");
}

static void test_bind_failures(void **state UNUSED)
{
	fake_sysfs_dev(root, VF0, 12, "igbvf");
	fake_sysfs_driver_dir(root, "vfio-pci");

	/* No device: nothing written anywhere. */
	clear_bind_files(VF0);
	assert_int_equal(pci_sysfs_bind(root, "0000:07:00.0", "vfio-pci"), -ENODEV);
	assert_string_equal(file("bus/pci/drivers_probe"), "");

	/* A kernel without driver_override: refused before the unbind. */
	fake_sysfs_remove(root, FAKE_DEVDIR "/%s/driver_override", VF0);
	assert_int_equal(pci_sysfs_bind(root, VF0, "vfio-pci"), -ENOENT);
	assert_string_equal(file("bus/pci/drivers/igbvf/unbind"), "");
	assert_string_equal(file("bus/pci/drivers_probe"), "");

	/* A driver link whose driver has no unbind file (gone meanwhile): probe anyway. */
	clear_bind_files(VF0);
	fake_sysfs_bind(root, VF0, "gone");
	fake_sysfs_remove(root, "bus/pci/drivers/gone/unbind");
	assert_int_equal(pci_sysfs_bind(root, VF0, "vfio-pci"), 0);
	assert_string_equal(file("bus/pci/drivers_probe"), VF0);

	/* No drivers_probe: the error comes back. */
	clear_bind_files(VF0);
	fake_sysfs_remove(root, "bus/pci/drivers_probe");
	assert_int_equal(pci_sysfs_bind(root, VF0, "vfio-pci"), -ENOENT);
	assert_string_equal(attr(VF0, "driver_override"), "vfio-pci");
}

/* ---- sriov_numvfs ---- */

/* set_numvfs with sriov_numvfs a FIFO that reads as cur: the bytes written. */
static int numvfs_via_fifo(const char *cur, unsigned int n, char *writes, size_t len)
{
	struct fake_fifo *f = fake_fifo_start(root, FAKE_DEVDIR "/" PF "/sriov_numvfs", cur);
	int r = pci_sysfs_set_numvfs(root, PF, n);

	fake_fifo_stop(f, writes, len);
	return r;
}

static void test_set_numvfs(void **state UNUSED)
{
	char writes[64];

	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_sriov(root, PF, 7, NULL, 0);

	/* Non-zero to another non-zero count goes through 0. */
	assert_int_equal(numvfs_via_fifo("4\n", 2, writes, sizeof(writes)), 0);
	assert_string_equal(writes, "02");
	assert_int_equal(numvfs_via_fifo("0\n", 3, writes, sizeof(writes)), 0);
	assert_string_equal(writes, "3");
	assert_int_equal(numvfs_via_fifo("3\n", 0, writes, sizeof(writes)), 0);
	assert_string_equal(writes, "0");
	assert_int_equal(numvfs_via_fifo("2\n", 7, writes, sizeof(writes)), 0);
	assert_string_equal(writes, "07");
	/* The same count: nothing written. */
	assert_int_equal(numvfs_via_fifo("2\n", 2, writes, sizeof(writes)), 0);
	assert_string_equal(writes, "");
	/* A count that does not parse: nothing written. */
	assert_int_equal(numvfs_via_fifo("x\n", 2, writes, sizeof(writes)), -EINVAL);
	assert_string_equal(writes, "");

	/* Back to a plain file for the refusals. */
	fake_sysfs_remove(root, FAKE_DEVDIR "/%s/sriov_numvfs", PF);
	fake_sysfs_write(root, "1\n", FAKE_DEVDIR "/%s/sriov_numvfs", PF);
	assert_int_equal(pci_sysfs_set_numvfs(root, PF, 8), -ERANGE);
	assert_string_equal(attr(PF, "sriov_numvfs"), "1\n");
	assert_int_equal(pci_sysfs_set_numvfs(root, PF, 7), 0);
	assert_string_equal(attr(PF, "sriov_numvfs"), "7\n"); /* "0", then "7" over it */
	fake_sysfs_remove(root, FAKE_DEVDIR "/%s/sriov_totalvfs", PF);
	assert_int_equal(pci_sysfs_set_numvfs(root, PF, 1), -EOPNOTSUPP);
	fake_sysfs_write(root, "junk\n", FAKE_DEVDIR "/%s/sriov_totalvfs", PF);
	assert_int_equal(pci_sysfs_set_numvfs(root, PF, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_driver, setup, teardown),
	    cmocka_unit_test(test_driver_classes),
	    cmocka_unit_test_setup_teardown(test_iommu_group, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_group_viable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_group_not_viable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_group_truncated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_netdev, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_attr, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_attr, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_physfn, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_virtfns, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bind, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bind_failures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_numvfs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
