// SPDX-License-Identifier: MIT
/*
 * vfio_pci_cfg.c - the guest's view of the device's config space.
 *
 * 256 bytes with per-byte masks (see struct vfio_pci): emulated bits come
 * from cfg[], the others are read live from the device; a guest write
 * changes the guest-writable emulated bits and sends the forwarded bits to
 * the device. Extended config space (0x100-0xfff) is hidden: it reads 0 (so
 * "no extended capabilities") and writes are dropped.
 *
 * A guest access is applied byte by byte over [addr, addr+len) clipped to
 * 0x100, so a write at 0xff of 4 bytes changes byte 0xff only and a write
 * straddling two registers updates each through its own masks. Side effects
 * (BAR placement, decode, MSI/MSI-X state) are derived afterwards from the
 * resulting register values, so how a register was written (bytes, words,
 * dwords, straddling) never matters.
 *
 * Capabilities: the device's list is walked from 0x34 with loop protection
 * (a visited set and at most VP_CAP_MAX_HOPS hops); the walk stops at a
 * pointer into the header (< 0x40) or a misaligned one. Power Management,
 * MSI, MSI-X and PCI Express are kept (at most one of each, and only if
 * they fit and do not overlap an earlier one); the rest are unlinked and
 * their header (and known body) reads 0. The kept ones are relinked in the
 * device's order.
 */
#include <string.h>

#include "devices/vfio_pci_priv.h"

/* Command bits the guest may change on the device itself. */
#define CMD_FWD                                                                                    \
	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE)
/* Status bits that are write-1-to-clear. */
#define STATUS_RW1C                                                                                \
	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_REC_TARGET_ABORT |           \
	 PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY)
/*
 * PCI Express Device Control bits the guest may set on the device: error
 * reporting enables, relaxed ordering, extended tags, no snoop, max read
 * request size. Not max payload size (the host matched it to the fabric) and
 * not Initiate FLR (resets go through VFIO only).
 */
#define EXP_DEVCTL_FWD                                                                             \
	(PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE |  \
	 PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_EXT_TAG | PCI_EXP_DEVCTL_NOSNOOP_EN |            \
	 PCI_EXP_DEVCTL_READRQ)
/* Whole PCI Express capability, slot and root registers included. */
#define EXP_CAP_LEN_V2 0x3c
#define EXP_CAP_LEN_V1 0x24

static int dev_cfg_rw(struct vfio_pci *v, u32 off, void *buf, u32 len, bool write)
{
	ssize_t n = write ? v->ops->write(v->vdev, VFIO_PCI_CONFIG_REGION_INDEX, off, buf, len)
			  : v->ops->read(v->vdev, VFIO_PCI_CONFIG_REGION_INDEX, off, buf, len);

	if (n == (ssize_t)len)
		return 0;
	vp_log_once(v, VPL_CFG_DEV_IO, LOG_WARN, "config %s of %u bytes at 0x%x failed: %s",
		    write ? "write" : "read", len, off, n < 0 ? strerror((int)-n) : "short");
	return n < 0 ? (int)n : -EIO;
}

/* Make [off, off+len) emulated, read-only and 0 (clipped to the config space). */
static void cfg_claim(struct vfio_pci *v, unsigned int off, unsigned int len)
{
	if (off >= VP_CFG_SIZE)
		return;
	len = MIN(len, VP_CFG_SIZE - off);
	memset(v->cfg + off, 0, len);
	memset(v->emu + off, 0xff, len);
	memset(v->wmask + off, 0, len);
	memset(v->fwd + off, 0, len);
	memset(v->w0 + off, 0, len);
}

/* ---- capabilities ---- */

struct cap_ent {
	u8 off, id;
	u8 len; /* bytes it covers */
	bool keep;
};

/* Length of a capability we keep; 0 for the ones we hide. */
static unsigned int cap_keep_len(const u8 *dcfg, u8 p, u8 id)
{
	u16 flags = get_le16(dcfg + p + 2);

	switch (id) {
	case PCI_CAP_ID_PM:
		return PCI_PM_SIZEOF;
	case PCI_CAP_ID_MSI:
		return 10u + (flags & PCI_MSI_FLAGS_64BIT ? 4u : 0u) +
		       (flags & PCI_MSI_FLAGS_MASKBIT ? 10u : 0u);
	case PCI_CAP_ID_MSIX:
		return PCI_CAP_MSIX_SIZEOF;
	case PCI_CAP_ID_EXP:
		return (flags & PCI_EXP_FLAGS_VERS) >= 2 ? EXP_CAP_LEN_V2 : EXP_CAP_LEN_V1;
	default:
		return 0;
	}
}

/* Bytes of a hidden capability that read 0: its header, and the body when known. */
static unsigned int cap_hide_len(const u8 *dcfg, u8 p, u8 id)
{
	if (id == PCI_CAP_ID_VPD)
		return PCI_CAP_VPD_SIZEOF;
	if (id == PCI_CAP_ID_VNDR && p + 2 < VP_CFG_SIZE && dcfg[p + 2] > 2)
		return dcfg[p + 2];
	return 2;
}

static void cap_setup_pm(struct vfio_pci *v, const u8 *dcfg, u8 p)
{
	/* PMC without PME support: the guest gets no PME events. */
	v->cfg[p + PCI_PM_PMC] = dcfg[p + PCI_PM_PMC];
	v->cfg[p + PCI_PM_PMC + 1] = dcfg[p + PCI_PM_PMC + 1] & 0x07;
	/* PMCSR: the power state is the guest's alone; the device stays in D0. */
	v->cfg[p + PCI_PM_CTRL] = dcfg[p + PCI_PM_CTRL] & PCI_PM_CTRL_NO_SOFT_RESET;
	v->wmask[p + PCI_PM_CTRL] = PCI_PM_CTRL_STATE_MASK;
}

static void cap_setup_msi(struct vfio_pci *v, const u8 *dcfg, u8 p)
{
	u16 flags = get_le16(dcfg + p + PCI_MSI_FLAGS);
	u8 data_off;

	v->msi.is64 = flags & PCI_MSI_FLAGS_64BIT;
	v->msi.pvm = flags & PCI_MSI_FLAGS_MASKBIT;
	/* One message: Multiple Message Capable reads 0, Enable is 0 and fixed. */
	put_le16(v->cfg + p + PCI_MSI_FLAGS, flags & (PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT));
	v->wmask[p + PCI_MSI_FLAGS] = PCI_MSI_FLAGS_ENABLE;
	put_le32(v->wmask + p + PCI_MSI_ADDRESS_LO, 0xfffffffc);
	if (v->msi.is64) {
		put_le32(v->wmask + p + PCI_MSI_ADDRESS_HI, 0xffffffff);
		data_off = PCI_MSI_DATA_64;
	} else {
		data_off = PCI_MSI_DATA_32;
	}
	put_le16(v->wmask + p + data_off, 0xffff);
	if (v->msi.pvm) {
		v->msi.mask_off = (u8)(p + (v->msi.is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32));
		v->msi.pend_off = (u8)(v->msi.mask_off + 4);
		v->wmask[v->msi.mask_off] = 0x01;
	}
	v->msi_cap = p;
}

static void cap_setup_msix(struct vfio_pci *v, const u8 *dcfg, u8 p)
{
	u32 qsize = v->msix.n - 1;

	v->cfg[p + PCI_MSIX_FLAGS] = (u8)qsize;
	v->cfg[p + PCI_MSIX_FLAGS + 1] = (u8)(qsize >> 8) & 0x07;
	v->wmask[p + PCI_MSIX_FLAGS + 1] = (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
	memcpy(v->cfg + p + PCI_MSIX_TABLE, dcfg + p + PCI_MSIX_TABLE, 8);
	v->msix_cap = p;
}

static void cap_setup_exp(struct vfio_pci *v, u8 p, unsigned int len)
{
	unsigned int body = MIN(len, (unsigned int)VP_CFG_SIZE - p) - 2;

	/* Read live from the device, read-only ... */
	memset(v->emu + p + 2, 0, body);
	/* ... except the Device Control bits above, kept by read-modify-write. */
	put_le16(v->fwd + p + PCI_EXP_DEVCTL, EXP_DEVCTL_FWD);
}

static void cap_setup(struct vfio_pci *v, const u8 *dcfg, const struct cap_ent *c)
{
	cfg_claim(v, c->off, c->len);
	v->cfg[c->off] = c->id;
	switch (c->id) {
	case PCI_CAP_ID_PM:
		cap_setup_pm(v, dcfg, c->off);
		break;
	case PCI_CAP_ID_MSI:
		cap_setup_msi(v, dcfg, c->off);
		break;
	case PCI_CAP_ID_MSIX:
		cap_setup_msix(v, dcfg, c->off);
		break;
	case PCI_CAP_ID_EXP:
		cap_setup_exp(v, c->off, c->len);
		break;
	}
}

/* Decide whether the capability at p is kept; logs why not when it should be. */
static bool cap_keep(struct vfio_pci *v, const u8 *dcfg, struct cap_ent *c, const bool *claimed,
		     u32 ids_kept)
{
	if (!c->len)
		return false;
	if (ids_kept & (1u << (c->id & 31))) {
		log_warn("%s: duplicate capability 0x%02x at 0x%02x; hiding it", v->name, c->id,
			 c->off);
		return false;
	}
	if (c->off + c->len > VP_CFG_SIZE) {
		log_warn("%s: capability 0x%02x at 0x%02x runs past the config space; hiding it",
			 v->name, c->id, c->off);
		return false;
	}
	for (unsigned int i = 0; i < c->len; i++) {
		if (claimed[c->off + i]) {
			log_warn("%s: capability 0x%02x at 0x%02x overlaps another; hiding it",
				 v->name, c->id, c->off);
			return false;
		}
	}
	if (c->id == PCI_CAP_ID_MSIX && vp_msix_init(v, c->off, dcfg) < 0)
		return false;
	return true;
}

static void caps_init(struct vfio_pci *v, const u8 *dcfg)
{
	struct cap_ent caps[VP_CAP_MAX_HOPS];
	bool claimed[VP_CFG_SIZE] = {false};
	unsigned int n = 0, i, nkept = 0;
	u64 visited = 0; /* one bit per dword */
	u32 ids_kept = 0;
	u8 p, last = 0;

	if (get_le16(dcfg + PCI_STATUS) & PCI_STATUS_CAP_LIST)
		p = dcfg[PCI_CAPABILITY_LIST];
	else
		p = 0;
	while (p) {
		if (n == VP_CAP_MAX_HOPS) {
			log_warn("%s: capability list longer than %d entries; ignoring the rest",
				 v->name, VP_CAP_MAX_HOPS);
			break;
		}
		if (p < PCI_STD_HEADER_SIZEOF || (p & 3)) {
			log_warn("%s: capability pointer 0x%02x %s; ignoring the rest of the list",
				 v->name, p, p & 3 ? "is misaligned" : "points into the header");
			break;
		}
		if (visited & (1ULL << (p / 4))) {
			log_warn("%s: capability list loops back to 0x%02x; ignoring the rest",
				 v->name, p);
			break;
		}
		visited |= 1ULL << (p / 4);
		caps[n].off = p;
		caps[n].id = dcfg[p];
		caps[n].len = (u8)MIN(cap_keep_len(dcfg, p, dcfg[p]), 0xffu);
		caps[n].keep = cap_keep(v, dcfg, &caps[n], claimed, ids_kept);
		if (caps[n].keep) {
			memset(claimed + p, true, caps[n].len);
			ids_kept |= 1u << (caps[n].id & 31);
		} else {
			caps[n].len = (u8)MIN(cap_hide_len(dcfg, p, dcfg[p]), 0xffu);
		}
		p = dcfg[p + 1];
		n++;
	}

	/* Hidden ones first, so a kept capability always wins a shared byte. */
	for (i = 0; i < n; i++) {
		if (caps[i].keep)
			continue;
		log_debug("%s: hiding capability 0x%02x at 0x%02x", v->name, caps[i].id,
			  caps[i].off);
		for (unsigned int b = caps[i].off; b < caps[i].off + caps[i].len && b < VP_CFG_SIZE;
		     b++)
			if (!claimed[b])
				cfg_claim(v, b, 1);
	}
	for (i = 0; i < n; i++) {
		if (!caps[i].keep)
			continue;
		cap_setup(v, dcfg, &caps[i]);
		if (nkept++)
			v->cfg[last + PCI_CAP_LIST_NEXT] = caps[i].off;
		else
			v->cfg[PCI_CAPABILITY_LIST] = caps[i].off;
		last = caps[i].off;
	}
	if (nkept)
		v->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
}

/* ---- header ---- */

static void bars_setup(struct vfio_pci *v, u16 *cmd_wmask)
{
	for (unsigned int i = 0; i < VP_NR_BARS; i++) {
		const struct vp_bar *b = &v->bars[i];
		unsigned int off = PCI_BASE_ADDRESS_0 + 4 * i;
		u64 mask = ~(b->size - 1);

		if (!b->size)
			continue;
		put_le32(v->cfg + off, b->flags);
		if (b->io) {
			put_le32(v->wmask + off, (u32)(mask & PCI_BASE_ADDRESS_IO_MASK));
			*cmd_wmask |= PCI_COMMAND_IO;
		} else {
			put_le32(v->wmask + off, (u32)(mask & PCI_BASE_ADDRESS_MEM_MASK));
			if (b->is64)
				put_le32(v->wmask + off + 4, (u32)(mask >> 32));
			*cmd_wmask |= PCI_COMMAND_MEMORY;
		}
	}
}

int vp_cfg_init(struct vfio_pci *v, const u8 *dcfg)
{
	u16 cmd_wmask =
	    PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE;

	/* Bytes outside the header and outside any capability pass through. */
	memset(v->fwd + PCI_STD_HEADER_SIZEOF, 0xff, VP_CFG_SIZE - PCI_STD_HEADER_SIZEOF);

	/* The header is emulated, read-only and 0 unless set below. */
	cfg_claim(v, 0, PCI_STD_HEADER_SIZEOF);
	memcpy(v->cfg + PCI_VENDOR_ID, dcfg + PCI_VENDOR_ID, 4);
	memcpy(v->cfg + PCI_CLASS_REVISION, dcfg + PCI_CLASS_REVISION, 4);
	v->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL; /* one function, type 0 */
	memcpy(v->cfg + PCI_SUBSYSTEM_VENDOR_ID, dcfg + PCI_SUBSYSTEM_VENDOR_ID, 4);
	v->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	v->wmask[PCI_INTERRUPT_LINE] = 0xff;
	v->cfg[PCI_INTERRUPT_PIN] = v->intx.present ? 1 : 0; /* INTA */
	/* Expansion ROM hidden: the register reads 0 and sizes to nothing. */

	bars_setup(v, &cmd_wmask);
	put_le16(v->wmask + PCI_COMMAND, cmd_wmask);
	put_le16(v->fwd + PCI_COMMAND, cmd_wmask & CMD_FWD);

	/* Status: live from the device, but the capability-list bit is ours. */
	v->emu[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	v->emu[PCI_STATUS + 1] = 0;
	put_le16(v->fwd + PCI_STATUS, STATUS_RW1C);
	put_le16(v->w0 + PCI_STATUS, 0xffff);

	caps_init(v, dcfg);
	return 0;
}

/* ---- guest accesses ---- */

u32 vp_cfg_read(struct vfio_pci *v, u16 reg)
{
	u32 base = reg * 4u;
	u8 out[4], dev[4];
	bool live = false;

	vp_count(&v->stats.cfg_reads);
	if (base >= VP_CFG_SIZE)
		return 0; /* extended config space: no capabilities */
	pthread_mutex_lock(&v->cfg_lock);
	for (unsigned int i = 0; i < 4; i++)
		live |= v->emu[base + i] != 0xff;
	if (live && dev_cfg_rw(v, base, dev, 4, false) < 0)
		memset(dev, 0xff, sizeof(dev));
	for (unsigned int i = 0; i < 4; i++)
		out[i] = (u8)((v->cfg[base + i] & v->emu[base + i]) |
			      (live ? dev[i] & ~v->emu[base + i] : 0));
	if (v->msi_cap && v->msi.pvm && base == v->msi.pend_off)
		put_le32(out, vp_msi_pending(v));
	pthread_mutex_unlock(&v->cfg_lock);
	return get_le32(out);
}

/* Send the forwarded bits of guest bytes [addr, addr+len) to the device, run by run. */
static void cfg_forward(struct vfio_pci *v, u32 addr, const u8 *val, u32 len)
{
	u32 i = 0;

	while (i < len) {
		u8 cur[8] = {0}, out[8];
		bool rmw = false;
		u32 s = i, n;

		if (!v->fwd[addr + i]) {
			i++;
			continue;
		}
		while (i < len && v->fwd[addr + i])
			i++;
		n = i - s;
		for (u32 k = 0; k < n; k++)
			rmw |= (u8) ~(v->fwd[addr + s + k] | v->w0[addr + s + k]) != 0;
		if (rmw && dev_cfg_rw(v, addr + s, cur, n, false) < 0)
			continue; /* cannot keep the other bits: drop the write */
		for (u32 k = 0; k < n; k++) {
			u32 b = addr + s + k;

			out[k] =
			    (u8)((val[s + k] & v->fwd[b]) | (cur[k] & ~(v->fwd[b] | v->w0[b])));
		}
		dev_cfg_rw(v, addr + s, out, n, true);
	}
}

/*
 * A write that sets bus-master enable lets the device DMA into guest RAM:
 * hold it until the platform has RAM mapped (dma_wait()). If the map
 * failed, the write goes on with the bit cleared (the VM is stopping).
 */
static const u8 *hold_bus_master(struct vfio_pci *v, u32 addr, u32 end, const u8 *val, u8 copy[4])
{
	int r;

	if (!(addr <= PCI_COMMAND && PCI_COMMAND < end) ||
	    !(val[PCI_COMMAND - addr] & PCI_COMMAND_MASTER) || !v->plat->ops->dma_wait)
		return val;
	r = v->plat->ops->dma_wait(v->plat);
	if (r == 0)
		return val;
	vp_log_once(v, VPL_DMA, LOG_ERR,
		    "bus-master enable refused: guest RAM is not mapped for DMA (%s)",
		    strerror(-r));
	memcpy(copy, val, end - addr);
	copy[PCI_COMMAND - addr] &= (u8)~PCI_COMMAND_MASTER;
	return copy;
}

void vp_cfg_write(struct vfio_pci *v, u16 reg, u8 off, const void *data, u32 len)
{
	u32 addr = reg * 4u + off, end;
	const u8 *val = data;
	u16 old_cmd, new_cmd;
	u8 copy[4];

	vp_count(&v->stats.cfg_writes);
	if (off > 3 || (len != 1 && len != 2 && len != 4)) {
		vp_log_once(v, VPL_CFG_ACCESS, LOG_WARN,
			    "config write of %u bytes at dword 0x%x + %u ignored", len, reg, off);
		return;
	}
	if (addr >= VP_CFG_SIZE)
		return; /* extended config space: hidden */
	end = MIN(addr + len, (u32)VP_CFG_SIZE);
	val = hold_bus_master(v, addr, end, val, copy); /* not under cfg_lock: it may wait */

	pthread_mutex_lock(&v->cfg_lock);
	old_cmd = get_le16(v->cfg + PCI_COMMAND);
	for (u32 b = addr; b < end; b++)
		v->cfg[b] = (u8)((v->cfg[b] & ~v->wmask[b]) | (val[b - addr] & v->wmask[b]));
	new_cmd = get_le16(v->cfg + PCI_COMMAND);

	/*
	 * Unmap what the new registers no longer cover before the device stops
	 * decoding, map what they newly cover after it starts: a guest memory
	 * slot never points at a BAR the device does not decode.
	 */
	vp_bars_update(v, old_cmd & new_cmd);
	cfg_forward(v, addr, val, end - addr);
	vp_bars_update(v, new_cmd);
	vp_irq_update(v);
	pthread_mutex_unlock(&v->cfg_lock);
}
