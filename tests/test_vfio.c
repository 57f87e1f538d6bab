// SPDX-License-Identifier: MIT
/*
 * test_vfio.c - what the VFIO layer does without /dev/vfio: BDF parsing, the
 * sysfs checks and their messages (on a fake sysfs tree in a temp dir), the
 * region-info capability parse, and vfio_sys_ops' bounds checks on a plain
 * file standing in for the device fd.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/bdf.h"
#include "vmm/base/err.h"
#include "vmm/pci/vfio.h"
#include "vmm/pci/vfio_priv.h"

static char root[64];
static char err[4096];

/* ---- a fake sysfs ---- */

static void sh(const char *fmt, ...) PRINTF(1, 2);
static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

/* A PCI device in the tree: group < 0 for none, drv NULL for no driver. */
static void mkdev(const char *bdf, int group, const char *drv)
{
	sh("mkdir -p %s/devices/pci0000:00/%s %s/bus/pci/devices", root, bdf, root);
	sh("ln -s ../../../devices/pci0000:00/%s %s/bus/pci/devices/%s", bdf, root, bdf);
	if (group >= 0) {
		sh("mkdir -p %s/kernel/iommu_groups/%d/devices", root, group);
		sh("ln -s ../../../kernel/iommu_groups/%d %s/devices/pci0000:00/%s/iommu_group",
		   group, root, bdf);
		sh("ln -s ../../../../devices/pci0000:00/%s %s/kernel/iommu_groups/%d/devices/%s",
		   bdf, root, group, bdf);
	}
	if (drv) /* dangling like any symlink whose target we do not build */
		sh("ln -s ../../../bus/pci/drivers/%s %s/devices/pci0000:00/%s/driver", drv, root,
		   bdf);
}

static int setup(void **state UNUSED)
{
	strcpy(root, "/tmp/test_vfio.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	return 0;
}

static int teardown(void **state UNUSED)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* vfio_device_check() with stderr captured into err. */
static int check(const char *bdf, char out[13], int *group)
{
	FILE *f = tmpfile();
	int saved, r;
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(f), 2);
	r = vfio_device_check(root, bdf, out, group);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(err, 1, sizeof(err) - 1, f);
	err[n] = '\0';
	fclose(f);
	return r;
}

static void expect(const char *needle)
{
	if (!strstr(err, needle))
		fail_msg("message \"%s\" does not contain \"%s\"", err, needle);
}

/* One line, naming the device. */
static void one_line(const char *bdf)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "tinyvmm: vfio %s: ", bdf);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", err, prefix);
	assert_non_null(strchr(err, '\n'));
	assert_string_equal(strchr(err, '\n') + 1, "");
}

static void test_check_ok(void **state UNUSED)
{
	char out[13];
	int group = -1;

	mkdev("0000:01:10.0", 5, "vfio-pci");
	mkdev("0000:00:1c.0", 5, "pcieport"); /* a bridge in the group is fine */
	mkdev("0000:01:10.1", 5, "pci-stub");
	mkdev("0000:01:10.2", 5, "vfio-pci");
	mkdev("0000:01:10.3", 5, NULL); /* unbound is fine */
	assert_int_equal(check("0000:01:10.0", out, &group), 0);
	assert_string_equal(out, "0000:01:10.0");
	assert_int_equal(group, 5);
	assert_string_equal(err, "");
	/* The short form and upper case reach the same device. */
	assert_int_equal(check("01:10.0", out, &group), 0);
	assert_string_equal(out, "0000:01:10.0");
	/* A vendor's vfio-pci variant driver counts as vfio-pci. */
	mkdev("0000:02:00.0", 9, "mlx5_vfio_pci");
	assert_int_equal(check("0000:02:00.0", out, &group), 0);
	assert_int_equal(group, 9);
}

static void test_check_bad_bdf(void **state UNUSED)
{
	char out[13];
	int group;

	assert_int_equal(check("0000:01:10", out, &group), err_mark_user(-EINVAL));
	one_line("0000:01:10");
	expect("not a PCI address");
	expect("DDDD:BB:DD.F");
}

static void test_check_no_device(void **state UNUSED)
{
	char out[13];
	int group;

	assert_int_equal(check("0000:02:00.0", out, &group), err_mark_user(-ENODEV));
	one_line("0000:02:00.0");
	expect("no such PCI device (check the address with lspci -D)");
}

static void test_check_no_iommu(void **state UNUSED)
{
	char out[13];
	int group;

	mkdev("0000:01:10.0", -1, "igbvf");
	assert_int_equal(check("0000:01:10.0", out, &group), -EOPNOTSUPP);
	one_line("0000:01:10.0");
	expect("no IOMMU group");
	expect("intel_iommu=on");
	expect("amd_iommu=on");
}

static void test_check_wrong_driver(void **state UNUSED)
{
	char out[13];
	int group;

	mkdev("0000:01:10.0", 3, "igbvf");
	assert_int_equal(check("0000:01:10.0", out, &group), err_mark_user(-EMEDIUMTYPE));
	one_line("0000:01:10.0");
	expect("bound to igbvf, not vfio-pci");
	expect("echo vfio-pci > /sys/bus/pci/devices/0000:01:10.0/driver_override");
	expect("echo 0000:01:10.0 > /sys/bus/pci/devices/0000:01:10.0/driver/unbind");
	expect("echo 0000:01:10.0 > /sys/bus/pci/drivers_probe");

	mkdev("0000:01:10.2", 4, NULL);
	assert_int_equal(check("0000:01:10.2", out, &group), err_mark_user(-EMEDIUMTYPE));
	one_line("0000:01:10.2");
	expect("not bound to any driver");
	expect("driver_override");
	expect("echo 0000:01:10.2 > /sys/bus/pci/drivers_probe");
}

static void test_check_not_viable(void **state UNUSED)
{
	char out[13];
	int group;

	mkdev("0000:01:10.0", 7, "vfio-pci");
	mkdev("0000:01:10.1", 7, "igbvf");
	mkdev("0000:01:10.2", 7, "vfio-pci");
	mkdev("0000:01:10.3", 7, NULL);
	assert_int_equal(check("0000:01:10.0", out, &group), err_mark_user(-EXDEV));
	one_line("0000:01:10.0");
	expect("IOMMU group 7 is not viable: 0000:01:10.1 is bound to igbvf");
	/* Every other device is listed with its driver. */
	expect("0000:01:10.2 (vfio-pci)");
	expect("0000:01:10.3 (no driver)");
	expect("bind it to vfio-pci or pass it with --vf too");
	assert_null(strstr(err, "0000:01:10.0 ("));

	/* Two offenders: both named. */
	mkdev("0000:00:19.0", 7, "e1000e");
	assert_int_equal(check("0000:01:10.2", out, &group), err_mark_user(-EXDEV));
	one_line("0000:01:10.2");
	expect("0000:00:19.0 is bound to e1000e, 0000:01:10.1 is bound to igbvf");
	expect("0000:01:10.0 (vfio-pci)");
	expect("bind them to vfio-pci or pass them with --vf too");
}

static void test_error_classes(void **state UNUSED)
{
	char out[13];
	int group;

	/* What the user can fix is marked as theirs (exit 64)... */
	assert_true(err_is_user(check("0000:01:10", out, &group)));
	assert_true(err_is_user(check("0000:02:00.0", out, &group)));
	mkdev("0000:01:10.0", 3, "igbvf");
	assert_true(err_is_user(check("0000:01:10.0", out, &group)));
	/* ...the IOMMU being off is the host's (exit 65). */
	mkdev("0000:01:10.2", -1, "vfio-pci");
	assert_false(err_is_user(check("0000:01:10.2", out, &group)));
	assert_int_equal(err_exit_code(check("0000:01:10.2", out, &group)), EXIT_HOST);
	assert_int_equal(err_exit_code(check("0000:02:00.0", out, &group)), EXIT_USAGE);
}

static void test_container_unopened(void **state UNUSED)
{
	struct vfio_container c = VFIO_CONTAINER_INIT;
	u8 page[4096];

	assert_int_equal(vfio_container_dma_map(&c, 0, sizeof(page), page), -EBADF);
	vfio_container_close(&c);
	vfio_container_close(&c); /* twice is fine */
	assert_int_equal(c.fd, -1);
}

/* ---- the container's DMA records: ioctls on FAKE_FD go to a fake ---- */

#define FAKE_FD 1000

int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);

static struct {
	unsigned int maps, unmaps;
	u64 unmap_iova[8], unmap_size[8];
} fake;

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != FAKE_FD)
		return __real_ioctl(fd, req, arg);
	if (req == VFIO_IOMMU_MAP_DMA) {
		fake.maps++;
		return 0;
	}
	if (req == VFIO_IOMMU_UNMAP_DMA && fake.unmaps < 8) {
		const struct vfio_iommu_type1_dma_unmap *u = arg;

		fake.unmap_iova[fake.unmaps] = u->iova;
		fake.unmap_size[fake.unmaps++] = u->size;
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

/* A range mapped in chunks is one record, unmapped at once; a gap starts
 * another; a full table still takes the next chunk of its last map. */
static void test_container_dma_chunks(void **state UNUSED)
{
	struct vfio_container c = VFIO_CONTAINER_INIT;
	static u8 ram[4 * 4096];

	memset(&fake, 0, sizeof(fake));
	c.fd = FAKE_FD;
	c.iommu_set = true;
	assert_int_equal(vfio_container_dma_map(&c, 0x0, 4096, ram), 0);
	assert_int_equal(vfio_container_dma_map(&c, 0x1000, 4096, ram + 4096), 0);
	assert_int_equal(vfio_container_dma_map(&c, 0x2000, 8192, ram + 8192), 0);
	assert_int_equal(c.nr_dma, 1);
	assert_int_equal(c.dma[0].size, 0x4000);
	for (u64 gap = 1; gap <= 3; gap++)
		assert_int_equal(vfio_container_dma_map(&c, gap * 0x100000, 4096, ram), 0);
	assert_int_equal(c.nr_dma, 4);
	assert_int_equal(vfio_container_dma_map(&c, 0x400000, 4096, ram), -ENOSPC);
	assert_int_equal(vfio_container_dma_map(&c, 0x301000, 4096, ram), 0);
	assert_int_equal(c.dma[3].size, 0x2000);
	assert_int_equal(fake.maps, 7);
	c.fd = FAKE_FD;
	vfio_container_close(&c);
	assert_int_equal(fake.unmaps, 4);
	assert_int_equal(fake.unmap_iova[0], 0);
	assert_int_equal(fake.unmap_size[0], 0x4000);
	assert_int_equal(fake.unmap_iova[3], 0x300000);
	assert_int_equal(fake.unmap_size[3], 0x2000);
	assert_int_equal(c.nr_dma, 0);
}

/* ---- region info ---- */

struct region_buf {
	struct vfio_region_info ri;
	u8 caps[512];
};

static struct vfio_region_info_cap_sparse_mmap *sparse_at(struct region_buf *b, u32 off, u32 nr)
{
	struct vfio_region_info_cap_sparse_mmap *sp = (void *)((u8 *)b + off);

	sp->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sp->header.version = 1;
	sp->nr_areas = nr;
	return sp;
}

static void test_region_parse(void **state UNUSED)
{
	struct region_buf b;
	struct vfio_region_info_cap_sparse_mmap *sp;
	struct vfio_info_cap_header *other;
	struct vfio_region r;

	/* No capabilities: mmap of all of it. */
	memset(&b, 0, sizeof(b));
	b.ri = (struct vfio_region_info){.argsz = sizeof(b.ri),
					 .flags = VFIO_REGION_INFO_FLAG_READ |
						  VFIO_REGION_INFO_FLAG_MMAP,
					 .index = 3,
					 .size = 0x4000,
					 .offset = 3ULL << 40};
	vfio_region_parse(&b.ri, &r);
	assert_int_equal(r.index, 3);
	assert_int_equal(r.size, 0x4000);
	assert_int_equal(r.offset, 3ULL << 40);
	assert_int_equal(r.nr_sparse, 0);
	assert_true(r.flags & VFIO_REGION_INFO_FLAG_MMAP);

	/* Another capability first, then the sparse one: a chain. */
	b.ri.flags |= VFIO_REGION_INFO_FLAG_CAPS;
	b.ri.argsz = sizeof(b);
	b.ri.cap_offset = sizeof(b.ri);
	other = (void *)((u8 *)&b + sizeof(b.ri));
	other->id = 99;
	other->next = sizeof(b.ri) + 16;
	sp = sparse_at(&b, sizeof(b.ri) + 16, 3);
	sp->areas[0] = (struct vfio_region_sparse_mmap_area){0x0, 0x1000};
	sp->areas[1] = (struct vfio_region_sparse_mmap_area){0x3000, 0x2000}; /* past the end */
	sp->areas[2] = (struct vfio_region_sparse_mmap_area){0x2000, 0x1000};
	vfio_region_parse(&b.ri, &r);
	assert_int_equal(r.nr_sparse, 2);
	assert_int_equal(r.sparse[0].offset, 0);
	assert_int_equal(r.sparse[0].size, 0x1000);
	assert_int_equal(r.sparse[1].offset, 0x2000);
	assert_int_equal(r.sparse[1].size, 0x1000);
	assert_false(r.flags & VFIO_REGION_INFO_FLAG_CAPS);

	/* A sparse capability with no area: nothing may be mmapped. */
	sp->nr_areas = 0;
	vfio_region_parse(&b.ri, &r);
	assert_int_equal(r.nr_sparse, 0);
	assert_false(r.flags & VFIO_REGION_INFO_FLAG_MMAP);

	/* More areas than VFIO_MAX_SPARSE: the first ones, the rest trapped. */
	sp->nr_areas = VFIO_MAX_SPARSE + 3;
	for (u32 i = 0; i < sp->nr_areas; i++)
		sp->areas[i] = (struct vfio_region_sparse_mmap_area){i * 0x100ULL, 0x80};
	vfio_region_parse(&b.ri, &r);
	assert_int_equal(r.nr_sparse, VFIO_MAX_SPARSE);
	assert_int_equal(r.sparse[VFIO_MAX_SPARSE - 1].offset, (VFIO_MAX_SPARSE - 1) * 0x100);

	/* nr_areas larger than argsz holds: only what is inside argsz is read. */
	sp->nr_areas = 1000000;
	vfio_region_parse(&b.ri, &r);
	assert_int_equal(r.nr_sparse, VFIO_MAX_SPARSE);

	/* A loop in the chain, and an offset outside argsz, end the walk. */
	other->next = sizeof(b.ri);
	vfio_region_parse(&b.ri, &r);
	assert_int_equal(r.nr_sparse, 0);
	assert_true(r.flags & VFIO_REGION_INFO_FLAG_MMAP);
	b.ri.cap_offset = sizeof(b) + 8;
	vfio_region_parse(&b.ri, &r);
	assert_int_equal(r.nr_sparse, 0);
	b.ri.cap_offset = 4; /* inside the header itself */
	vfio_region_parse(&b.ri, &r);
	assert_int_equal(r.nr_sparse, 0);
}

/* ---- vfio_sys_ops on a plain file ---- */

static void test_sys_ops_bounds(void **state UNUSED)
{
	char path[96];
	struct vfio_dev d;
	u8 buf[16], data[0x3000];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/devfile", root);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (u8)(i * 7);
	assert_int_equal(write(fd, data, sizeof(data)), sizeof(data));
	memset(&d, 0, sizeof(d));
	d.fd = fd;
	d.reg[0].offset = 0x1000; /* region 0: [0x1000, 0x3000) of the file */
	d.reg[0].size = 0x2000;
	d.reg[7].offset = 0; /* region 7: the first 256 bytes */
	d.reg[7].size = 256;

	assert_int_equal(vfio_sys_ops.read(&d, 0, 0x10, buf, 4), 4);
	assert_memory_equal(buf, data + 0x1010, 4);
	assert_int_equal(vfio_sys_ops.read(&d, 7, 252, buf, 4), 4);
	assert_memory_equal(buf, data + 252, 4);
	/* Outside the region, in an absent region, past the cache: refused. */
	assert_int_equal(vfio_sys_ops.read(&d, 7, 253, buf, 4), -EINVAL);
	assert_int_equal(vfio_sys_ops.read(&d, 0, 0x2000, buf, 1), -EINVAL);
	assert_int_equal(vfio_sys_ops.read(&d, 0, ~0ULL, buf, 2), -EINVAL);
	assert_int_equal(vfio_sys_ops.read(&d, 1, 0, buf, 1), -EINVAL);
	assert_int_equal(vfio_sys_ops.read(&d, 1000, 0, buf, 1), -EINVAL);
	assert_int_equal(vfio_sys_ops.write(&d, 7, 256, buf, 1), -EINVAL);

	/* A write lands at the region's offset in the file. */
	buf[0] = 0xab;
	assert_int_equal(vfio_sys_ops.write(&d, 0, 0x1fff, buf, 1), 1);
	assert_int_equal(pread(fd, buf + 1, 1, 0x2fff), 1);
	assert_int_equal(buf[1], 0xab);

	/* mmap: inside the region only. */
	p = vfio_sys_ops.mmap(&d, 0, 0x1000, 0x1000);
	assert_non_null(p);
	assert_memory_equal(p, data + 0x2000, 16);
	vfio_sys_ops.munmap(&d, p, 0x1000);
	assert_null(vfio_sys_ops.mmap(&d, 0, 0x1000, 0x2000));
	assert_null(vfio_sys_ops.mmap(&d, 0, 0, 0));

	/* A plain file is no VFIO device: the ioctls fail and say so. */
	assert_int_equal(vfio_sys_ops.set_irqs(&d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL), -ENOTTY);
	assert_int_equal(vfio_sys_ops.set_irqs(&d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, NULL), -EINVAL);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_check_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_bad_bdf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_no_device, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_no_iommu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_wrong_driver, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_not_viable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error_classes, setup, teardown),
	    cmocka_unit_test(test_container_unopened),
	    cmocka_unit_test(test_container_dma_chunks),
	    cmocka_unit_test(test_region_parse),
	    cmocka_unit_test_setup_teardown(test_sys_ops_bounds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
