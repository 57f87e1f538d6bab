// SPDX-License-Identifier: MIT
/*
 * vfio_pci_bar.c - BARs: sizes and types, the pieces each BAR is cut into,
 * and their placement in the guest.
 *
 * Sizes come from the VFIO region (rounded up to the PCI minimum: 16 bytes
 * for memory, 4 for I/O), types (I/O, 64-bit, prefetchable) from the device's
 * own BAR registers. A BAR whose size is not a power of two, a 64-bit BAR in
 * the last slot, or a 32-bit memory BAR over 2 GiB is hidden (logged).
 *
 * Pieces: a memory BAR of at least a page whose region can be mmapped is
 * mapped as guest memory over its mmappable areas (the sparse areas VFIO
 * reports, or the whole region), shrunk to page boundaries and with the pages
 * that hold the MSI-X table and PBA cut out. Everything else in the BAR is
 * trapped: accesses to the MSI-X table/PBA are emulated (vfio_pci_msix.c),
 * the rest are forwarded to the region at the same offset. An mmap that
 * fails turns its piece into a trapped one. I/O BARs and BARs under a page
 * are trapped whole.
 *
 * Placement: a BAR is in the guest while its decode bit (command register)
 * is set and its address is sane: not 0, no overflow, under 4 GiB for a
 * 32-bit BAR, accepted by plat->bar_ok (no RAM, APICs or boot areas) and not
 * overlapping another placed BAR of this device. Otherwise it is not placed
 * at all (logged once per device per reason, except the all-ones sizing
 * pattern, which is normal). Every config write re-derives the placement
 * from the registers: a moved BAR is unmapped at the old place and mapped at
 * the new one, a refused one is retried when something changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/vfio_pci_priv.h"

static int seg_access(struct device *d, u64 off, void *data, u32 len, bool write)
{
	struct vp_seg *s = d->priv;
	struct vfio_pci *v = s->v;
	const struct vp_bar *b = &v->bars[s->bar];
	u32 region = VFIO_PCI_BAR0_REGION_INDEX + s->bar;
	u64 boff;
	ssize_t n;

	vp_count(&v->stats.bar_traps);
	if (!range_ok(off, len, s->size)) {
		vp_log_once(v, VPL_BAR_RANGE, LOG_WARN,
			    "BAR%u: access of %u bytes at 0x%llx runs past its range; ignored",
			    s->bar, len, (unsigned long long)(s->off + off));
		goto ignore;
	}
	boff = s->off + off;
	if (vp_msix_claims(v, s->bar, boff, len)) {
		vp_msix_access(v, s->bar, boff, data, len, write);
		return 0;
	}
	if (!range_ok(boff, len, b->rsize))
		goto ignore; /* padding above a region smaller than the PCI minimum */
	n = write ? v->ops->write(v->vdev, region, boff, data, len)
		  : v->ops->read(v->vdev, region, boff, data, len);
	if (n == (ssize_t)len)
		return 0;
	vp_log_once(v, VPL_BAR_IO, LOG_WARN, "BAR%u: %s of %u bytes at 0x%llx failed: %s", s->bar,
		    write ? "write" : "read", len, (unsigned long long)boff,
		    n < 0 ? strerror((int)-n) : "short");
ignore:
	if (!write)
		memset(data, 0xff, len);
	return 0;
}

static int seg_mmio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	return seg_access(d, off, data, len, write);
}

static int seg_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	return seg_access(d, off, data, len, write);
}

static const struct dev_ops seg_ops = {
    .mmio = seg_mmio,
    .pio = seg_pio,
};

int vp_bars_init(struct vfio_pci *v, const u8 *dcfg)
{
	for (unsigned int i = 0; i < VP_NR_BARS; i++) {
		u32 reg = get_le32(dcfg + PCI_BASE_ADDRESS_0 + 4 * i);
		struct vp_bar *b = &v->bars[i];
		struct vfio_region rg;
		u64 size;
		bool io = reg & PCI_BASE_ADDRESS_SPACE_IO;
		bool is64 =
		    !io && (reg & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64;

		if (v->ops->region_info(v->vdev, VFIO_PCI_BAR0_REGION_INDEX + i, &rg) < 0 ||
		    !rg.size) {
			if (is64)
				i++;
			continue;
		}
		size = MAX(rg.size, io ? 4ULL : 16ULL);
		if (is64 && i == VP_NR_BARS - 1) {
			log_warn("%s: BAR5 claims to be 64-bit; hiding it", v->name);
			continue;
		}
		if (!IS_POW2(size) || (io && size > 64 * KiB) || (!io && !is64 && size > 2 * GiB)) {
			log_warn("%s: BAR%u: %s BAR of 0x%llx bytes is not valid; hiding it",
				 v->name, i, io ? "an I/O" : "a memory", (unsigned long long)size);
			if (is64)
				i++;
			continue;
		}
		b->size = size;
		b->rsize = rg.size;
		b->rflags = rg.flags;
		b->io = io;
		b->is64 = is64;
		if (io)
			b->flags = PCI_BASE_ADDRESS_SPACE_IO;
		else
			b->flags =
			    reg & (PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
		if (is64)
			i++; /* the upper half belongs to this BAR */
	}
	return 0;
}

/* ---- cutting a BAR into pieces ---- */

struct ival {
	u64 s, e;
};

/* Remove [xs, xe) from every interval; pieces may end up empty. */
static unsigned int ivals_cut(struct ival *iv, unsigned int n, u64 xs, u64 xe)
{
	unsigned int out = n;

	for (unsigned int k = 0; k < n; k++) {
		u64 s = iv[k].s, e = iv[k].e;

		if (xe <= s || xs >= e)
			continue;
		iv[k].e = MAX(xs, s);
		if (xe < e && out < VP_MAX_IVALS)
			iv[out++] = (struct ival){xe, e};
	}
	return out;
}

/* Sort, drop empty ones, trim overlaps. */
static unsigned int ivals_tidy(struct ival *iv, unsigned int n)
{
	unsigned int out = 0;

	for (unsigned int k = 1; k < n; k++) {
		struct ival t = iv[k];
		unsigned int j = k;

		for (; j > 0 && iv[j - 1].s > t.s; j--)
			iv[j] = iv[j - 1];
		iv[j] = t;
	}
	for (unsigned int k = 0; k < n; k++) {
		if (out && iv[k].s < iv[out - 1].e)
			iv[k].s = iv[out - 1].e;
		if (iv[k].s < iv[k].e)
			iv[out++] = iv[k];
	}
	return out;
}

/* The page-aligned intervals of BAR i that can be mapped as guest memory. */
static unsigned int bar_mappable(struct vfio_pci *v, unsigned int i, struct ival *iv)
{
	const struct vp_bar *b = &v->bars[i];
	struct vfio_region rg;
	unsigned int n = 0, nr_areas;

	if (b->io || !(b->rflags & VFIO_REGION_INFO_FLAG_MMAP) || b->size < VP_PAGE)
		return 0;
	if (v->ops->region_info(v->vdev, VFIO_PCI_BAR0_REGION_INDEX + i, &rg) < 0)
		return 0;
	nr_areas = rg.nr_sparse ? MIN(rg.nr_sparse, (unsigned int)VFIO_MAX_SPARSE) : 1;
	for (unsigned int k = 0; k < nr_areas; k++) {
		u64 off = rg.nr_sparse ? rg.sparse[k].offset : 0;
		u64 size = rg.nr_sparse ? rg.sparse[k].size : b->rsize;
		u64 s, e;

		if (!range_ok(off, size, b->rsize)) {
			log_warn("%s: BAR%u: sparse mmap area 0x%llx+0x%llx lies outside the "
				 "region; trapping it",
				 v->name, i, (unsigned long long)off, (unsigned long long)size);
			continue;
		}
		s = ALIGN_UP(off, VP_PAGE);
		e = ALIGN_DOWN(off + size, VP_PAGE);
		if (s < e)
			iv[n++] = (struct ival){s, e};
	}
	/* Never map the pages of the MSI-X table or PBA. */
	if (v->msix_cap && v->msix.table_bar == i)
		n = ivals_cut(iv, n, ALIGN_DOWN(v->msix.table_off, VP_PAGE),
			      ALIGN_UP(v->msix.table_off + v->msix.table_len, VP_PAGE));
	if (v->msix_cap && v->msix.pba_bar == i)
		n = ivals_cut(iv, n, ALIGN_DOWN(v->msix.pba_off, VP_PAGE),
			      ALIGN_UP(v->msix.pba_off + v->msix.pba_len, VP_PAGE));
	return ivals_tidy(iv, n);
}

static void seg_add(struct vfio_pci *v, unsigned int i, struct vp_seg *segs, unsigned int *n,
		    bool map, u64 s, u64 e)
{
	struct vp_seg *sg = &segs[(*n)++];

	sg->dev.name = v->name;
	sg->dev.ops = &seg_ops;
	sg->dev.priv = sg;
	sg->v = v;
	sg->bar = (u8)i;
	sg->off = s;
	sg->size = e - s;
	sg->handle = -1;
	if (!map)
		return;
	sg->hva = v->ops->mmap(v->vdev, VFIO_PCI_BAR0_REGION_INDEX + i, s, e - s);
	if (sg->hva) {
		sg->mmap = true;
		return;
	}
	log_info("%s: BAR%u: cannot mmap 0x%llx bytes at 0x%llx (%s); trapping them", v->name, i,
		 (unsigned long long)(e - s), (unsigned long long)s, strerror(errno));
}

int vp_bars_split(struct vfio_pci *v)
{
	for (unsigned int i = 0; i < VP_NR_BARS; i++) {
		struct vp_bar *b = &v->bars[i];
		struct ival iv[VP_MAX_IVALS];
		unsigned int n, nsegs = 0;
		u64 cur = 0;

		if (!b->size)
			continue;
		n = bar_mappable(v, i, iv);
		b->segs = calloc(2 * n + 1, sizeof(*b->segs));
		if (!b->segs) {
			log_err("%s: out of memory", v->name);
			return -ENOMEM;
		}
		for (unsigned int k = 0; k < n; k++) {
			if (iv[k].s > cur)
				seg_add(v, i, b->segs, &nsegs, false, cur, iv[k].s);
			seg_add(v, i, b->segs, &nsegs, true, iv[k].s, iv[k].e);
			cur = iv[k].e;
		}
		if (cur < b->size)
			seg_add(v, i, b->segs, &nsegs, false, cur, b->size);
		b->nr_segs = nsegs;
	}
	return 0;
}

/* ---- placement ---- */

u64 vp_bar_addr(const struct vfio_pci *v, unsigned int i)
{
	const u8 *reg = v->cfg + PCI_BASE_ADDRESS_0 + 4 * i;

	if (v->bars[i].io)
		return get_le32(reg) & PCI_BASE_ADDRESS_IO_MASK;
	return (get_le32(reg) & PCI_BASE_ADDRESS_MEM_MASK) |
	       (v->bars[i].is64 ? (u64)get_le32(reg + 4) << 32 : 0);
}

/* Does BAR i hold the all-ones sizing pattern (in either half)? */
static bool bar_sizing(const struct vfio_pci *v, unsigned int i)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * i;
	u32 wlo = get_le32(v->wmask + off), lo = get_le32(v->cfg + off);
	u32 whi = v->bars[i].is64 ? get_le32(v->wmask + off + 4) : 0;
	u32 hi = v->bars[i].is64 ? get_le32(v->cfg + off + 4) : 0;

	return (wlo && (lo & wlo) == wlo) || (whi && (hi & whi) == whi);
}

static void bar_unplace(struct vfio_pci *v, unsigned int i)
{
	struct vp_bar *b = &v->bars[i];
	const struct pci_platform_ops *p = v->plat->ops;

	for (unsigned int k = 0; k < b->nr_segs; k++) {
		struct vp_seg *s = &b->segs[k];

		if (!s->placed)
			continue;
		if (s->mmap)
			p->unmap(v->plat, s->handle);
		else
			p->untrap(v->plat, b->io, b->addr + s->off, &s->dev);
		s->placed = false;
		s->handle = -1;
	}
	b->placed = false;
}

static void bar_place(struct vfio_pci *v, unsigned int i, u64 addr)
{
	struct vp_bar *b = &v->bars[i];
	const struct pci_platform_ops *p = v->plat->ops;

	b->addr = addr;
	for (unsigned int k = 0; k < b->nr_segs; k++) {
		struct vp_seg *s = &b->segs[k];
		int r;

		if (s->mmap) {
			r = p->map(v->plat, addr + s->off, s->size, s->hva);
			s->handle = r;
		} else {
			r = p->trap(v->plat, b->io, addr + s->off, s->size, &s->dev);
		}
		if (r < 0) {
			vp_log_once(
			    v, VPL_BAR_PLACE, LOG_WARN,
			    "BAR%u: cannot %s 0x%llx bytes at 0x%llx: %s; leaving the BAR unmapped",
			    i, s->mmap ? "map" : "trap", (unsigned long long)s->size,
			    (unsigned long long)(addr + s->off), strerror(-r));
			s->handle = -1;
			bar_unplace(v, i);
			return;
		}
		s->placed = true;
	}
	b->placed = true;
	log_debug("%s: BAR%u at 0x%llx (0x%llx bytes)", v->name, i, (unsigned long long)addr,
		  (unsigned long long)b->size);
}

static bool bar_overlaps(const struct vfio_pci *v, unsigned int i, u64 addr)
{
	const struct vp_bar *b = &v->bars[i];

	for (unsigned int j = 0; j < VP_NR_BARS; j++) {
		const struct vp_bar *o = &v->bars[j];

		if (j != i && o->placed && o->io == b->io && addr < o->addr + o->size &&
		    o->addr < addr + b->size)
			return true;
	}
	return false;
}

static void bar_try_place(struct vfio_pci *v, unsigned int i, u64 addr)
{
	const struct vp_bar *b = &v->bars[i];
	u64 end;

	if (__builtin_add_overflow(addr, b->size, &end) || (!b->io && !b->is64 && end > 4 * GiB) ||
	    !v->plat->ops->bar_ok(v->plat, b->io, addr, b->size)) {
		if (!bar_sizing(v, i))
			vp_log_once(v, VPL_BAR_REFUSED, LOG_WARN,
				    "BAR%u at 0x%llx (0x%llx bytes) overlaps RAM, the APICs or "
				    "lies outside the PCI windows; leaving it unmapped",
				    i, (unsigned long long)addr, (unsigned long long)b->size);
		return;
	}
	if (bar_overlaps(v, i, addr)) {
		vp_log_once(v, VPL_BAR_OVERLAP, LOG_WARN,
			    "BAR%u at 0x%llx overlaps another BAR; leaving it unmapped", i,
			    (unsigned long long)addr);
		return;
	}
	bar_place(v, i, addr);
}

void vp_bars_update(struct vfio_pci *v, u16 cmd)
{
	bool want[VP_NR_BARS];
	u64 addr[VP_NR_BARS];
	unsigned int i;

	for (i = 0; i < VP_NR_BARS; i++) {
		const struct vp_bar *b = &v->bars[i];

		addr[i] = b->size ? vp_bar_addr(v, i) : 0;
		want[i] =
		    b->size && addr[i] && (cmd & (b->io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY));
	}
	/* Unplace everything that moved or lost decode first ... */
	for (i = 0; i < VP_NR_BARS; i++)
		if (v->bars[i].placed && (!want[i] || addr[i] != v->bars[i].addr))
			bar_unplace(v, i);
	/* ... so a BAR can move where another one just left. */
	for (i = 0; i < VP_NR_BARS; i++)
		if (want[i] && !v->bars[i].placed)
			bar_try_place(v, i, addr[i]);
}

void vp_bars_fini(struct vfio_pci *v)
{
	for (unsigned int i = 0; i < VP_NR_BARS; i++) {
		struct vp_bar *b = &v->bars[i];

		if (b->placed)
			bar_unplace(v, i);
		for (unsigned int k = 0; k < b->nr_segs; k++)
			if (b->segs[k].mmap)
				v->ops->munmap(v->vdev, b->segs[k].hva, b->segs[k].size);
		free(b->segs);
		b->segs = NULL;
		b->nr_segs = 0;
	}
}
