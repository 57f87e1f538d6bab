// SPDX-License-Identifier: MIT
/* fake_vfio.c - an in-memory VFIO PCI device; see fake_vfio.h. */
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fake_vfio.h"

#define FAKE_PAGE 4096

static int f_region_info(struct vfio_dev *d, u32 index, struct vfio_region *out)
{
	if (index >= FAKE_NR_REGIONS)
		return -EINVAL;
	*out = d->regions[index].info;
	out->index = index;
	return 0;
}

static int f_irq_info(struct vfio_dev *d, u32 index, u32 *count, u32 *flags)
{
	if (index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	*count = d->irq_count[index];
	*flags = d->irq_flags[index];
	return 0;
}

static ssize_t cfg_rw(struct vfio_dev *d, u64 off, void *buf, size_t len, bool write)
{
	if (!range_ok(off, len, PCI_CFG_SPACE_SIZE) || !len) {
		d->bad++;
		return -EINVAL;
	}
	if (!write) {
		if (d->fail_cfg_read)
			return -EIO;
		memcpy(buf, d->cfg + off, len);
		return (ssize_t)len;
	}
	if (d->nr_cfg_writes < FAKE_LOG) {
		struct fake_cfg_write *w = &d->cfg_writes[d->nr_cfg_writes];

		w->off = (u32)off;
		w->len = (u32)len;
		memcpy(w->val, buf, MIN(len, sizeof(w->val)));
	}
	d->nr_cfg_writes++;
	for (size_t i = 0; i < len; i++) {
		u8 m = d->cfg_wmask[off + i];

		d->cfg[off + i] = (u8)((d->cfg[off + i] & ~m) | (((const u8 *)buf)[i] & m));
	}
	return (ssize_t)len;
}

static ssize_t bar_rw(struct vfio_dev *d, u32 region, u64 off, void *buf, size_t len, bool write)
{
	struct fake_region *r = &d->regions[region];

	if (!range_ok(off, len, r->info.size)) {
		d->bad++;
		return -EINVAL;
	}
	if (!(r->info.flags & (write ? VFIO_REGION_INFO_FLAG_WRITE : VFIO_REGION_INFO_FLAG_READ)))
		return -EINVAL;
	d->bar_accesses++;
	d->last_bar.region = region;
	d->last_bar.off = off;
	d->last_bar.len = (u32)len;
	d->last_bar.write = write;
	d->last_bar.val = 0;
	memcpy(&d->last_bar.val, buf, MIN(len, sizeof(u64)));
	if (r->mem) {
		if (write)
			memcpy(r->mem + off, buf, len);
		else
			memcpy(buf, r->mem + off, len);
	} else if (!write) {
		memset(buf, 0, len);
	}
	return (ssize_t)len;
}

static ssize_t f_read(struct vfio_dev *d, u32 region, u64 off, void *buf, size_t len)
{
	if (region == VFIO_PCI_CONFIG_REGION_INDEX)
		return cfg_rw(d, off, buf, len, false);
	if (region >= FAKE_NR_REGIONS)
		return -EINVAL;
	return bar_rw(d, region, off, buf, len, false);
}

static ssize_t f_write(struct vfio_dev *d, u32 region, u64 off, const void *buf, size_t len)
{
	if (region == VFIO_PCI_CONFIG_REGION_INDEX)
		return cfg_rw(d, off, (void *)buf, len, true);
	if (region >= FAKE_NR_REGIONS)
		return -EINVAL;
	return bar_rw(d, region, off, (void *)buf, len, true);
}

static void *f_mmap(struct vfio_dev *d, u32 region, u64 off, u64 size)
{
	struct fake_region *r;

	if (region > VFIO_PCI_BAR5_REGION_INDEX) {
		errno = EINVAL;
		return NULL;
	}
	r = &d->regions[region];
	if (!(r->info.flags & VFIO_REGION_INFO_FLAG_MMAP) || (off | size) % FAKE_PAGE || !size ||
	    !range_ok(off, size, r->info.size)) {
		d->bad++;
		errno = EINVAL;
		return NULL;
	}
	if (d->fail_mmap) {
		errno = ENOMEM;
		return NULL;
	}
	d->mmaps++;
	if (r->mem)
		return r->mem + off;
	/* A page-aligned address nobody dereferences. */
	return (void *)(uintptr_t)(0x100000000000ULL + ((u64)region << 40) + off);
}

static void f_munmap(struct vfio_dev *d, void *addr, u64 size)
{
	if (!addr || !size)
		d->bad++;
	d->munmaps++;
}

static void record_irq_call(struct vfio_dev *d, u32 index, u32 start, u32 count, const int *efds)
{
	if (d->nr_irq_calls < FAKE_LOG) {
		struct fake_irq_call *c = &d->irq_calls[d->nr_irq_calls];

		c->index = index;
		c->start = start;
		c->count = count;
		c->efd0 = count ? efds[0] : -2;
	}
	d->nr_irq_calls++;
}

static int f_set_irqs(struct vfio_dev *d, u32 index, u32 start, u32 count, const int *efds)
{
	record_irq_call(d, index, start, count, efds);
	if (d->fail_set_irqs)
		return d->fail_set_irqs;
	if (!count && d->fail_disable)
		return d->fail_disable;
	if (index > VFIO_PCI_MSIX_IRQ_INDEX) {
		d->bad++;
		return -EINVAL;
	}
	if (!count) {
		if (d->irq_index != (int)index) {
			d->bad++; /* disabling what is not enabled */
			return -EINVAL;
		}
		d->irq_index = -1;
		d->irq_nvec = 0;
		d->intx_resample = -1;
		for (unsigned int i = 0; i < FAKE_MAX_VEC; i++)
			d->efds[i] = -1;
		return 0;
	}
	if ((u64)start + count > d->irq_count[index] || !efds) {
		d->bad++;
		return -EINVAL;
	}
	if (d->irq_index >= 0 && d->irq_index != (int)index) {
		d->bad++; /* vfio-pci: one index at a time */
		return -EINVAL;
	}
	if (d->irq_index < 0) {
		d->irq_index = (int)index;
		d->irq_nvec = start + count;
	} else if (start + count > d->irq_nvec) {
		if (index != VFIO_PCI_MSIX_IRQ_INDEX ||
		    (d->irq_flags[index] & VFIO_IRQ_INFO_NORESIZE)) {
			d->bad++;
			return -EINVAL;
		}
		d->irq_nvec = start + count;
	}
	for (u32 i = 0; i < count; i++)
		d->efds[start + i] = efds[i];
	return 0;
}

static int f_intx_unmask(struct vfio_dev *d, int resample_efd)
{
	if (d->fail_intx_unmask)
		return -EIO;
	if (d->irq_index != VFIO_PCI_INTX_IRQ_INDEX) {
		d->bad++;
		return -EINVAL;
	}
	d->intx_resample = resample_efd;
	return 0;
}

static int f_device_info(struct vfio_dev *d, u32 *flags, u32 *num_regions, u32 *num_irqs)
{
	if (d->fail_device_info)
		return -EIO;
	*flags = d->dev_flags;
	*num_regions = VFIO_PCI_NUM_REGIONS;
	*num_irqs = VFIO_PCI_NUM_IRQS;
	return 0;
}

const struct vfio_ops fake_vfio_ops = {
    .region_info = f_region_info,
    .irq_info = f_irq_info,
    .read = f_read,
    .write = f_write,
    .mmap = f_mmap,
    .munmap = f_munmap,
    .set_irqs = f_set_irqs,
    .intx_unmask = f_intx_unmask,
    .device_info = f_device_info,
};

struct vfio_dev *fake_vfio_new(void)
{
	struct vfio_dev *d = calloc(1, sizeof(*d));

	if (!d)
		abort();
	put_le16(d->cfg + PCI_VENDOR_ID, 0x8086);
	put_le16(d->cfg + PCI_DEVICE_ID, 0x10ca);
	d->cfg[PCI_REVISION_ID] = 0x01;
	d->cfg[PCI_CLASS_PROG] = 0x00;
	put_le16(d->cfg + PCI_CLASS_DEVICE, 0x0200);
	put_le16(d->cfg + PCI_SUBSYSTEM_VENDOR_ID, 0x8086);
	put_le16(d->cfg + PCI_SUBSYSTEM_ID, 0xa02c);
	put_le16(d->cfg_wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
						 PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].info.size = PCI_CFG_SPACE_SIZE;
	d->regions[VFIO_PCI_CONFIG_REGION_INDEX].info.flags =
	    VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	d->dev_flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	d->irq_index = -1;
	d->intx_resample = -1;
	for (unsigned int i = 0; i < FAKE_MAX_VEC; i++)
		d->efds[i] = -1;
	return d;
}

void fake_vfio_free(struct vfio_dev *d)
{
	for (unsigned int i = 0; i < FAKE_NR_REGIONS; i++)
		free(d->regions[i].mem);
	free(d);
}

void fake_vfio_bar(struct vfio_dev *d, unsigned int i, u32 flags, u64 size, u32 rflags)
{
	struct fake_region *r = &d->regions[i];

	put_le32(d->cfg + PCI_BASE_ADDRESS_0 + 4 * i, flags);
	r->info.size = size;
	r->info.flags = rflags;
	free(r->mem);
	r->mem = NULL;
	if (size && size <= FAKE_BACKING_MAX) {
		r->mem = aligned_alloc(FAKE_PAGE, ALIGN_UP(size, FAKE_PAGE));
		if (!r->mem)
			abort();
		memset(r->mem, 0, ALIGN_UP(size, FAKE_PAGE));
	}
}

void fake_vfio_sparse(struct vfio_dev *d, unsigned int i, u64 off, u64 size)
{
	struct vfio_region *r = &d->regions[i].info;

	r->sparse[r->nr_sparse].offset = off;
	r->sparse[r->nr_sparse].size = size;
	r->nr_sparse++;
}

void fake_vfio_cap(struct vfio_dev *d, u8 off, u8 id)
{
	u8 *link = &d->cfg[PCI_CAPABILITY_LIST];
	unsigned int hops = 0;

	while (*link && hops++ < 64)
		link = &d->cfg[*link + PCI_CAP_LIST_NEXT];
	*link = off;
	d->cfg[off] = id;
	d->cfg[off + PCI_CAP_LIST_NEXT] = 0;
	put_le16(d->cfg + PCI_STATUS, get_le16(d->cfg + PCI_STATUS) | PCI_STATUS_CAP_LIST);
}

void fake_vfio_irq(struct vfio_dev *d, u32 index, u32 count, u32 flags)
{
	d->irq_count[index] = count;
	d->irq_flags[index] = flags;
}

int fake_vfio_efd(const struct vfio_dev *d, u32 index, u32 vec)
{
	if (d->irq_index != (int)index || vec >= d->irq_nvec)
		return -1;
	return d->efds[vec];
}

void fake_vfio_fire(struct vfio_dev *d, u32 index, u32 vec)
{
	int efd = fake_vfio_efd(d, index, vec);
	u64 one = 1;

	if (efd < 0 || write(efd, &one, sizeof(one)) != sizeof(one))
		d->bad++;
}

unsigned int fake_vfio_cfg_writes_at(const struct vfio_dev *d, u32 off, u32 len)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MIN(d->nr_cfg_writes, (unsigned int)FAKE_LOG); i++) {
		const struct fake_cfg_write *w = &d->cfg_writes[i];

		if (w->off < off + len && off < w->off + w->len)
			n++;
	}
	return n;
}

const struct fake_irq_call *fake_vfio_last_irq_call(const struct vfio_dev *d)
{
	if (!d->nr_irq_calls || d->nr_irq_calls > FAKE_LOG)
		return NULL;
	return &d->irq_calls[d->nr_irq_calls - 1];
}
