// SPDX-License-Identifier: MIT
/*
 * pci_host.c - the virtual PCI host bridge: bus 0's slots and their
 * configuration accesses, the BIOS-style BAR assignment and stable slot
 * numbers; see pci_host.h.
 */
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/log.h"
#include "devices/pci_host.h"

#define REG_DWORD(off) ((u16)((off) / 4))
#define BAR_REG(i)     ((u16)(REG_DWORD(PCI_BASE_ADDRESS_0) + (i)))
#define MAX_SLOT       (PCI_MAX_SLOTS - 1)
#define CFG_SPACE_SIZE 256 /* conventional config space: beyond it reads all-ones */

struct pci_host {
	struct device bridge; /* slot 0: the host bridge's own function */
	struct device *slots[PCI_MAX_SLOTS];
	u64 cfg_reads, cfg_writes, cfg_unclaimed; /* atomic */
};

/* ---- the host bridge's own configuration space (read-only) ---- */

static u32 bridge_cfg_read(struct device *d UNUSED, u16 reg)
{
	switch (reg) {
	case REG_DWORD(PCI_VENDOR_ID):
		return (u32)PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID;
	case REG_DWORD(PCI_CLASS_REVISION):
		return (u32)PCI_HOST_CLASS << 8; /* revision 0 */
	default:
		return 0; /* command/status, header type 0, no BARs, no capabilities */
	}
}

static void bridge_cfg_write(struct device *d UNUSED, u16 reg UNUSED, u8 off UNUSED,
			     const void *data UNUSED, u32 len UNUSED)
{
}

static const struct dev_ops bridge_ops = {
    .cfg_read = bridge_cfg_read,
    .cfg_write = bridge_cfg_write,
};

/* ---- configuration accesses ---- */

void pci_host_config(struct pci_host *h, unsigned int bus, unsigned int slot, unsigned int fn,
		     u32 reg, void *data, u32 len, bool write)
{
	struct device *d = NULL;
	u8 *b = data;
	u32 off = reg % 4;

	if (bus == 0 && fn == 0 && slot <= MAX_SLOT && reg < CFG_SPACE_SIZE &&
	    (len == 1 || len == 2 || len == 4) && off + len <= 4)
		d = __atomic_load_n(&h->slots[slot], __ATOMIC_ACQUIRE);
	if (!d) {
		__atomic_add_fetch(&h->cfg_unclaimed, 1, __ATOMIC_RELAXED);
		if (!write)
			memset(data, 0xff, MIN(len, 8u));
		return;
	}
	if (write) {
		__atomic_add_fetch(&h->cfg_writes, 1, __ATOMIC_RELAXED);
		if (d->ops->cfg_write)
			d->ops->cfg_write(d, REG_DWORD(reg), (u8)off, data, len);
	} else {
		u32 v = d->ops->cfg_read ? d->ops->cfg_read(d, REG_DWORD(reg)) : ~0u;

		__atomic_add_fetch(&h->cfg_reads, 1, __ATOMIC_RELAXED);
		v >>= 8 * off;
		for (u32 i = 0; i < len; i++)
			b[i] = (u8)(v >> (8 * i));
	}
}

int pci_host_create(struct pci_host **out)
{
	struct pci_host *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h)
		return -ENOMEM;
	h->bridge = (struct device){.name = "pci host bridge", .ops = &bridge_ops, .priv = h};
	h->slots[PCI_HOST_BRIDGE_SLOT] = &h->bridge;
	*out = h;
	return 0;
}

void pci_host_destroy(struct pci_host *h)
{
	free(h);
}

int pci_host_add(struct pci_host *h, unsigned int slot, struct device *dev)
{
	if (slot == PCI_HOST_BRIDGE_SLOT || slot > MAX_SLOT || !dev || !dev->ops ||
	    !dev->ops->cfg_read)
		return -EINVAL;
	if (__atomic_load_n(&h->slots[slot], __ATOMIC_ACQUIRE))
		return -EEXIST;
	__atomic_store_n(&h->slots[slot], dev, __ATOMIC_RELEASE);
	return 0;
}

int pci_host_remove(struct pci_host *h, unsigned int slot, struct device *dev)
{
	if (slot == PCI_HOST_BRIDGE_SLOT || slot > MAX_SLOT)
		return -EINVAL;
	if (__atomic_load_n(&h->slots[slot], __ATOMIC_ACQUIRE) != dev || !dev)
		return -ENOENT;
	__atomic_store_n(&h->slots[slot], NULL, __ATOMIC_RELEASE);
	return 0;
}

struct device *pci_host_slot(struct pci_host *h, unsigned int slot)
{
	return slot <= MAX_SLOT ? __atomic_load_n(&h->slots[slot], __ATOMIC_ACQUIRE) : NULL;
}

void pci_host_get_stats(const struct pci_host *h, struct pci_host_stats *out)
{
	out->cfg_reads = __atomic_load_n(&h->cfg_reads, __ATOMIC_RELAXED);
	out->cfg_writes = __atomic_load_n(&h->cfg_writes, __ATOMIC_RELAXED);
	out->cfg_unclaimed = __atomic_load_n(&h->cfg_unclaimed, __ATOMIC_RELAXED);
}

/* ---- BAR assignment ---- */

struct bar {
	bool io, is64;
	u32 lo;	  /* what the all-ones write read back */
	u64 size; /* 0: not implemented */
};

static u32 rd(struct device *d, u16 reg)
{
	return d->ops->cfg_read(d, reg);
}

static void wr(struct device *d, u16 reg, u32 v)
{
	u8 b[4];

	put_le32(b, v);
	if (d->ops->cfg_write)
		d->ops->cfg_write(d, reg, 0, b, 4);
}

/* True if mask is ones from the top down to its lowest set bit. */
static bool mask_ok(u64 mask, u64 size)
{
	return size && IS_POW2(size) && (mask | (size - 1)) == ~0ULL;
}

/* Size BAR i the BIOS way. -EINVAL when what reads back is malformed. */
static int bar_probe(struct device *d, unsigned int i, unsigned int nbars, struct bar *b)
{
	u64 mask;

	memset(b, 0, sizeof(*b));
	wr(d, BAR_REG(i), ~0u);
	b->lo = rd(d, BAR_REG(i));
	if (b->lo == 0)
		return 0;
	if (b->lo & PCI_BASE_ADDRESS_SPACE_IO) {
		u32 m = b->lo & (u32)PCI_BASE_ADDRESS_IO_MASK;

		b->io = true;
		if (b->lo & 2 || m == 0)
			return -EINVAL; /* bit 1 is reserved (an all-ones read) */
		if (!(m & 0xffff0000u))
			m |= 0xffff0000u; /* decodes 16 bits only */
		mask = 0xffffffff00000000ULL | m;
	} else {
		u32 type = b->lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK;
		u32 hi = 0xffffffffu;

		if (type == PCI_BASE_ADDRESS_MEM_TYPE_64) {
			if (i + 1 >= nbars)
				return -EINVAL;
			b->is64 = true;
			wr(d, BAR_REG(i + 1), ~0u);
			hi = rd(d, BAR_REG(i + 1));
		} else if (type != PCI_BASE_ADDRESS_MEM_TYPE_32 &&
			   type != PCI_BASE_ADDRESS_MEM_TYPE_1M) {
			return -EINVAL;
		}
		mask = (u64)hi << 32 | (b->lo & (u32)PCI_BASE_ADDRESS_MEM_MASK);
		if (mask == 0)
			return 0;
	}
	b->size = ~mask + 1;
	return mask_ok(mask, b->size) ? 0 : -EINVAL;
}

/* Take [base, base+size) from a window cursor, base aligned to align. */
static bool take(u64 *cursor, u64 end, u64 size, u64 align, u64 span, u64 *base)
{
	u64 b, last;

	if (__builtin_add_overflow(*cursor, align - 1, &b))
		return false;
	b &= ~(align - 1);
	if (__builtin_add_overflow(b, size, &last) || last > end ||
	    __builtin_add_overflow(b, span, &last))
		return false;
	*base = b;
	*cursor = last; /* may pass end: the next take() then fails */
	return true;
}

struct cursors {
	u64 io, m32, m64;
};

static int bar_place(const struct pci_windows *w, struct cursors *c, const struct bar *b, u64 *addr,
		     const char **where)
{
	u64 align = b->io ? MAX(b->size, 4) : MAX(b->size, GUEST_PAGE_SIZE);

	if (b->io) {
		*where = "I/O";
		return take(&c->io, w->io_end, b->size, align, b->size, addr) ? 0 : -ENOSPC;
	}
	*where = "32-bit";
	if (b->is64 && b->size >= PCI_BAR_HIGH_MIN)
		*where = "64-bit";
	else if (take(&c->m32, w->mmio32_end, b->size, align, align, addr))
		return 0;
	else if (b->is64)
		*where = "64-bit";
	else
		return -ENOSPC;
	return take(&c->m64, w->mmio64_end, b->size, align, align, addr) ? 0 : -ENOSPC;
}

static int assign_device(struct device *d, unsigned int slot, const struct pci_windows *w,
			 struct cursors *c)
{
	u32 hdr = (rd(d, REG_DWORD(PCI_HEADER_TYPE)) >> 16) & 0x7f;
	unsigned int nbars = hdr == PCI_HEADER_TYPE_NORMAL   ? 6
			     : hdr == PCI_HEADER_TYPE_BRIDGE ? 2
							     : 0;

	for (unsigned int i = 0; i < nbars; i++) {
		unsigned int idx = i;
		const char *where;
		struct bar b;
		u64 addr;
		int r = bar_probe(d, i, nbars, &b);

		if (b.is64)
			i++;
		if (r < 0) {
			log_warn("pci 00:%02x.0 (%s): BAR%u reads back 0x%08x after sizing, not a "
				 "valid BAR; left unassigned",
				 slot, d->name, idx, b.lo);
			continue;
		}
		if (!b.size)
			continue;
		if (bar_place(w, c, &b, &addr, &where) < 0) {
			log_err("pci 00:%02x.0 (%s): BAR%u (%#llx bytes) does not fit in the %s "
				"PCI window",
				slot, d->name, idx, (unsigned long long)b.size, where);
			return -ENOSPC;
		}
		wr(d, BAR_REG(idx), (u32)addr);
		if (b.is64)
			wr(d, BAR_REG(idx + 1), (u32)(addr >> 32));
		log_debug("pci 00:%02x.0 (%s): BAR%u %s%s %#llx bytes at %#llx", slot, d->name, idx,
			  b.io ? "io" : "mem", b.is64 ? "64" : "", (unsigned long long)b.size,
			  (unsigned long long)addr);
	}
	return 0;
}

int pci_host_assign_bars(struct pci_host *h, const struct pci_windows *w)
{
	struct cursors c = {.io = w->io_base, .m32 = w->mmio32_base, .m64 = w->mmio64_base};

	for (unsigned int slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		int r;

		if (!h->slots[slot])
			continue;
		r = assign_device(h->slots[slot], slot, w, &c);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- stable slots ---- */

int pci_slots_assign(const struct pci_slot_req *req, unsigned int n, u8 *out, char *err,
		     size_t errlen)
{
	int owner[PCI_MAX_SLOTS]; /* request index + 1 in each slot, 0 free */
	unsigned int next = PCI_FIRST_DEVICE_SLOT;

	memset(owner, 0, sizeof(owner));
	for (unsigned int i = 0; i < n; i++) {
		int s = req[i].slot;

		if (s < 0)
			continue;
		if (s == PCI_HOST_BRIDGE_SLOT) {
			snprintf(err, errlen, "%s: slot=0 is the PCI host bridge; use slot=%d..%d",
				 req[i].name, PCI_FIRST_DEVICE_SLOT, MAX_SLOT);
			return -EINVAL;
		}
		if (s > MAX_SLOT) {
			snprintf(err, errlen, "%s: slot=%d is out of range; use slot=%d..%d",
				 req[i].name, s, PCI_FIRST_DEVICE_SLOT, MAX_SLOT);
			return -EINVAL;
		}
		if (owner[s]) {
			snprintf(err, errlen,
				 "%s and %s: both pinned to slot=%d; give one of them another slot",
				 req[owner[s] - 1].name, req[i].name, s);
			return -EINVAL;
		}
		owner[s] = (int)i + 1;
		out[i] = (u8)s;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (req[i].slot >= 0)
			continue;
		while (next <= MAX_SLOT && owner[next])
			next++;
		if (next > MAX_SLOT) {
			snprintf(err, errlen,
				 "%s: no free PCI slot left: %u devices for the %d slots %d-%d; "
				 "pass fewer devices",
				 req[i].name, n, MAX_SLOT - PCI_FIRST_DEVICE_SLOT + 1,
				 PCI_FIRST_DEVICE_SLOT, MAX_SLOT);
			return -EINVAL;
		}
		owner[next] = (int)i + 1;
		out[i] = (u8)next;
	}
	return 0;
}
