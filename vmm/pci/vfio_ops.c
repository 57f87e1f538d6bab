// SPDX-License-Identifier: MIT
/*
 * vfio_ops.c - vfio_sys_ops: struct vfio_ops on a real VFIO device fd
 * (region and IRQ info, region reads/writes/mmaps, SET_IRQS, reset); see
 * vfio.h. Region offsets and sizes are cached at open, so every access is
 * bounds-checked against its region before it reaches the kernel.
 */
#include <linux/vfio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/base/log.h"
#include "vmm/pci/vfio_priv.h"

#define REGION_INFO_MAX	 (64 * KiB) /* larger argsz from the kernel is refused */
#define CAP_MAX_HOPS	 32
#define SET_IRQS_MAX_FDS 4096

/* ---- region info with its capability chain ---- */

/*
 * VFIO_DEVICE_GET_REGION_INFO with room for the capabilities: the kernel
 * raises argsz when they do not fit, so grow the buffer and ask again.
 */
static int region_info_query(int fd, u32 index, struct vfio_region_info **out)
{
	u32 sz = sizeof(struct vfio_region_info);

	for (int tries = 0; tries < 4; tries++) {
		struct vfio_region_info *ri = calloc(1, sz);
		int r;

		if (!ri)
			return -ENOMEM;
		ri->argsz = sz;
		ri->index = index;
		r = ioctl_val(fd, VFIO_DEVICE_GET_REGION_INFO, ri);
		if (r < 0) {
			free(ri);
			return r;
		}
		if (ri->argsz <= sz) {
			*out = ri;
			return 0;
		}
		sz = ri->argsz;
		free(ri);
		if (sz > REGION_INFO_MAX)
			return -E2BIG;
	}
	return -EAGAIN; /* argsz kept growing */
}

/* Copy the sparse-mmap areas that lie inside the region into out. */
static void sparse_copy(const struct vfio_region_info_cap_sparse_mmap *sp, u32 avail,
			struct vfio_region *out)
{
	u32 nr = sp->nr_areas;

	if ((avail - sizeof(*sp)) / sizeof(sp->areas[0]) < nr)
		nr = (u32)((avail - sizeof(*sp)) / sizeof(sp->areas[0]));
	out->nr_sparse = 0;
	for (u32 i = 0; i < nr; i++) {
		u64 off = sp->areas[i].offset, size = sp->areas[i].size;

		if (!size || !range_ok(off, size, out->size))
			continue;
		if (out->nr_sparse == VFIO_MAX_SPARSE) {
			/* The rest is trapped instead of mapped: slower, still right. */
			LOG_ONCE(LOG_DEBUG,
				 "vfio: region %u has more than %d mmap areas; trapping "
				 "the rest",
				 out->index, VFIO_MAX_SPARSE);
			break;
		}
		out->sparse[out->nr_sparse].offset = off;
		out->sparse[out->nr_sparse].size = size;
		out->nr_sparse++;
	}
	/* A sparse capability with no usable area: nothing may be mapped. */
	if (!out->nr_sparse)
		out->flags &= ~(u32)VFIO_REGION_INFO_FLAG_MMAP;
}

/* Walk the capability chain of ri (argsz bytes) for the sparse-mmap areas. */
static void region_caps(const struct vfio_region_info *ri, struct vfio_region *out)
{
	const u8 *base = (const u8 *)ri;
	u32 off = ri->cap_offset;

	if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return;
	for (int hops = 0; off && hops < CAP_MAX_HOPS; hops++) {
		const struct vfio_info_cap_header *h;

		if (off < sizeof(*ri) || !range_ok(off, sizeof(*h), ri->argsz) || off % 8)
			break;
		h = (const void *)(base + off);
		if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP &&
		    range_ok(off, sizeof(struct vfio_region_info_cap_sparse_mmap), ri->argsz))
			sparse_copy((const void *)h, ri->argsz - off, out);
		if (h->next <= off)
			break; /* chains only go forward; anything else is a loop */
		off = h->next;
	}
}

void vfio_region_parse(const struct vfio_region_info *ri, struct vfio_region *out)
{
	memset(out, 0, sizeof(*out));
	out->index = ri->index;
	out->flags = ri->flags & ~(u32)VFIO_REGION_INFO_FLAG_CAPS;
	out->size = ri->size;
	out->offset = ri->offset;
	region_caps(ri, out);
}

static int sys_region_info(struct vfio_dev *d, u32 index, struct vfio_region *out)
{
	struct vfio_region_info *ri;
	int r = region_info_query(d->fd, index, &ri);

	if (r < 0)
		return r;
	ri->index = index;
	vfio_region_parse(ri, out);
	free(ri);
	return 0;
}

int vfio_dev_load_info(struct vfio_dev *d)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	int r = ioctl_val(d->fd, VFIO_DEVICE_GET_INFO, &info);

	if (r < 0)
		return r;
	d->flags = info.flags;
	d->num_regions = info.num_regions;
	d->num_irqs = info.num_irqs;
	for (u32 i = 0; i < MIN(info.num_regions, (u32)VFIO_DEV_MAX_REGIONS); i++) {
		struct vfio_region_info ri = {.argsz = sizeof(ri), .index = i};

		/* Absent regions (a BAR the device lacks) may fail: size 0. */
		if (ioctl_val(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri) < 0)
			continue;
		d->reg[i].offset = ri.offset;
		d->reg[i].size = ri.size;
		d->reg[i].flags = ri.flags;
	}
	return 0;
}

/* ---- the rest of vfio_ops ---- */

static int sys_irq_info(struct vfio_dev *d, u32 index, u32 *count, u32 *flags)
{
	struct vfio_irq_info ii = {.argsz = sizeof(ii), .index = index};
	int r = ioctl_val(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii);

	if (r < 0)
		return r;
	*count = ii.count;
	*flags = ii.flags;
	return 0;
}

/* File offset of [off, off+len) in region, or -EINVAL outside it. */
static int region_pos(const struct vfio_dev *d, u32 region, u64 off, u64 len, off_t *pos)
{
	u64 p;

	if (region >= VFIO_DEV_MAX_REGIONS || !d->reg[region].size ||
	    !range_ok(off, len, d->reg[region].size) ||
	    __builtin_add_overflow(d->reg[region].offset, off, &p) || p > (u64)INT64_MAX)
		return -EINVAL;
	*pos = (off_t)p;
	return 0;
}

static ssize_t sys_read(struct vfio_dev *d, u32 region, u64 off, void *buf, size_t len)
{
	off_t pos;
	ssize_t n;

	if (region_pos(d, region, off, len, &pos) < 0)
		return -EINVAL;
	n = pread(d->fd, buf, len, pos);
	return n < 0 ? -errno : n;
}

static ssize_t sys_write(struct vfio_dev *d, u32 region, u64 off, const void *buf, size_t len)
{
	off_t pos;
	ssize_t n;

	if (region_pos(d, region, off, len, &pos) < 0)
		return -EINVAL;
	n = pwrite(d->fd, buf, len, pos);
	return n < 0 ? -errno : n;
}

static void *sys_mmap(struct vfio_dev *d, u32 region, u64 off, u64 size)
{
	off_t pos;
	void *p;

	if (!size || region_pos(d, region, off, size, &pos) < 0) {
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, pos);
	return p == MAP_FAILED ? NULL : p;
}

static void sys_munmap(struct vfio_dev *d UNUSED, void *addr, u64 size)
{
	if (addr && size)
		munmap(addr, size);
}

static int set_irqs(struct vfio_dev *d, u32 flags, u32 index, u32 start, u32 count, const int *fds)
{
	size_t sz = sizeof(struct vfio_irq_set) + (fds ? count * sizeof(int32_t) : 0);
	struct vfio_irq_set *s;
	int r;

	if (count > SET_IRQS_MAX_FDS)
		return -EINVAL;
	s = calloc(1, sz);
	if (!s)
		return -ENOMEM;
	s->argsz = (u32)sz;
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	for (u32 i = 0; fds && i < count; i++) {
		int32_t fd = fds[i];

		memcpy(s->data + i * sizeof(fd), &fd, sizeof(fd));
	}
	r = ioctl_val(d->fd, VFIO_DEVICE_SET_IRQS, s);
	free(s);
	return r < 0 ? r : 0;
}

static int sys_set_irqs(struct vfio_dev *d, u32 index, u32 start, u32 count, const int *efds)
{
	if (!count)
		return set_irqs(d, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, index, 0,
				0, NULL);
	if (!efds)
		return -EINVAL;
	return set_irqs(d, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index, start,
			count, efds);
}

static int sys_intx_unmask(struct vfio_dev *d, int resample_efd)
{
	if (resample_efd < 0)
		return set_irqs(d, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
				VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL);
	return set_irqs(d, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK,
			VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &resample_efd);
}

static int sys_device_info(struct vfio_dev *d, u32 *flags, u32 *num_regions, u32 *num_irqs)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	int r = ioctl_val(d->fd, VFIO_DEVICE_GET_INFO, &info);

	if (r < 0)
		return r;
	*flags = info.flags;
	*num_regions = info.num_regions;
	*num_irqs = info.num_irqs;
	return 0;
}

const struct vfio_ops vfio_sys_ops = {
    .region_info = sys_region_info,
    .irq_info = sys_irq_info,
    .read = sys_read,
    .write = sys_write,
    .mmap = sys_mmap,
    .munmap = sys_munmap,
    .set_irqs = sys_set_irqs,
    .intx_unmask = sys_intx_unmask,
    .device_info = sys_device_info,
};
