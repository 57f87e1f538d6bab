/* SPDX-License-Identifier: MIT */
/*
 * pci_host.h - the virtual PCI host bridge: bus 0, its slots, and the
 * firmware's BAR assignment. How the guest reaches the configuration
 * space is the architecture's mechanism, each a device of its own that
 * calls pci_host_config(): x86's ports 0xcf8-0xcff (devices/x86/pci_cf8.h)
 * or a PCIe ECAM window (devices/pci_ecam.h).
 *
 *   pci_host_create(&h)
 *   the mechanism's device on its bus (arch_pci_attach())
 *   pci_host_add(h, slot, dev)          for every device, slot from pci_slots_assign()
 *   pci_host_assign_bars(h, &windows)   before the guest runs
 *   ... the guest runs ...
 *   the mechanism off its bus; pci_host_destroy(h)   (the slot devices are the caller's)
 *
 * Only bus 0, function 0 of each slot exists: another bus, another
 * function, an empty slot, a register past the conventional 256 bytes, or
 * an access that is not 1, 2 or 4 bytes inside one dword reads all-ones and
 * drops writes. Slot 0 is the host bridge itself
 * (PCI_HOST_VENDOR_ID:PCI_HOST_DEVICE_ID, class 06:00:00, header type 0, no
 * BARs, read-only).
 *
 * A slot's device gets cfg_read(dev, reg) with the dword index (0-63) and
 * cfg_write(dev, reg, byte offset 0-3, data, len). The slot table changes
 * only by pci_host_add() and pci_host_remove() (hotplug), atomically;
 * accesses from several vCPUs are safe without any outside lock. On x86 the vCPUs call the ports'
 * device directly, not under the pio bus lock (vmm/arch/x86/pio.h), so a slot device's cfg_write
 * may register or unregister ranges on that bus (I/O BAR traps).
 */
#ifndef TINYVMM_PCI_HOST_H
#define TINYVMM_PCI_HOST_H

#include "arch/layout.h"
#include "vmm/base/util.h"
#include "devices/device.h"

/* 8086:0d57, the ID Cloud Hypervisor's virtual host bridge uses: no Linux
 * driver or quirk claims it (8086:29c0, the Q35 MCH, would wake intel-agp). */
#define PCI_HOST_VENDOR_ID 0x8086
#define PCI_HOST_DEVICE_ID 0x0d57
#define PCI_HOST_CLASS	   0x060000 /* bridge, host bridge */

/* A 64-bit BAR at least this big goes to the 64-bit window. */
#define PCI_BAR_HIGH_MIN (256 * MiB)

struct pci_host;

/* Address windows BARs are placed in; every end is exclusive. */
struct pci_windows {
	u64 mmio32_base, mmio32_end;
	u64 mmio64_base, mmio64_end;
	u64 io_base, io_end;
};

/* The windows of the layout (on x86 the ones the DSDT's PCI0 _CRS declares). */
#define PCI_WINDOWS_DEFAULT                                                                        \
	((struct pci_windows){                                                                     \
	    .mmio32_base = PCI_MMIO32_BASE,                                                        \
	    .mmio32_end = PCI_MMIO32_END,                                                          \
	    .mmio64_base = PCI_MMIO64_BASE,                                                        \
	    .mmio64_end = PCI_MMIO64_BASE + PCI_MMIO64_SIZE,                                       \
	    .io_base = PCI_IO_WINDOW_BASE,                                                         \
	    .io_end = PCI_IO_WINDOW_END,                                                           \
	})

/* Configuration accesses, for --stats (x86's address register is not counted). */
struct pci_host_stats {
	u64 cfg_reads, cfg_writes; /* that reached a function (bridge or device) */
	u64 cfg_unclaimed;	   /* disabled, bus/function/slot absent, bad size */
};

/* -ENOMEM. The host bridge occupies slot 0. */
int pci_host_create(struct pci_host **out);
/* Frees the bridge; not the devices added to it. */
void pci_host_destroy(struct pci_host *h);

/*
 * One configuration access: byte reg (0-4095) of function fn of slot on bus,
 * len bytes at data. Any thread. Counted in the stats.
 */
void pci_host_config(struct pci_host *h, unsigned int bus, unsigned int slot, unsigned int fn,
		     u32 reg, void *data, u32 len, bool write);

/*
 * Put dev at 0000:00:slot.0. -EINVAL for slot 0 (the bridge) or >= 32 or a
 * device without cfg_read, -EEXIST if the slot is taken. Before the guest
 * runs, or (hotplug) while it runs: the slot table is read atomically.
 */
int pci_host_add(struct pci_host *h, unsigned int slot, struct device *dev);
/*
 * Empty the slot holding dev (hotplug). -EINVAL for slot 0 or >= 32, -ENOENT
 * when dev is not there. A vCPU may still be inside one of dev's callbacks:
 * free dev only once the vCPUs are out of it (passthrough pauses them).
 */
int pci_host_remove(struct pci_host *h, unsigned int slot, struct device *dev);

/* The device in a slot (slot 0: the bridge), NULL if empty or out of range. */
struct device *pci_host_slot(struct pci_host *h, unsigned int slot);

/*
 * Do what a BIOS does: for every device in slot order and every BAR in
 * order, write all-ones, read the size back, and program an address,
 * naturally aligned (memory BARs to at least a page, and no two in one
 * page, so each can be mapped on its own):
 *   - I/O BARs from [io_base, io_end);
 *   - 32-bit memory BARs from the 32-bit window;
 *   - 64-bit memory BARs of PCI_BAR_HIGH_MIN or more from the 64-bit
 *     window, smaller ones from the 32-bit window while they fit, then the
 *     64-bit window.
 * Expansion ROM BARs, the command register and everything else are left
 * alone (Linux enables decoding in pci_enable_device()). A BAR whose size
 * reads back malformed (not a power of two, a 64-bit BAR in the last slot)
 * is logged and skipped. The same devices in the same slots always get the
 * same addresses. -ENOSPC (logged, naming the device and the BAR) when a
 * BAR does not fit in its window.
 */
int pci_host_assign_bars(struct pci_host *h, const struct pci_windows *w);

void pci_host_get_stats(const struct pci_host *h, struct pci_host_stats *out);

/*
 * Stable slot numbers. Request i is pinned to slot req[i].slot (1..31), or
 * unpinned (slot < 0). Pinned requests get their slot; unpinned ones get the
 * lowest free slots from PCI_FIRST_DEVICE_SLOT upwards in request order, so
 * the same command line gives the same guest addresses whatever the host
 * addresses are. Pure. Returns 0 with out[i] set, or -EINVAL with a one-line
 * message in err naming the device(s):
 *   "vfio 0000:01:10.0 and vfio 0000:01:10.2: both pinned to slot=3; ..."
 *   "vfio 0000:01:10.0: slot=0 is the PCI host bridge; use slot=1..31"
 *   "vfio 0000:01:10.0: slot=32 is out of range; use slot=1..31"
 *   "vfio 0000:01:10.5: no free PCI slot left (...)"
 */
struct pci_slot_req {
	const char *name; /* for messages, e.g. "vfio 0000:01:10.0" */
	int slot;	  /* 1..31 pinned, < 0 unpinned */
};
int pci_slots_assign(const struct pci_slot_req *req, unsigned int n, u8 *out, char *err,
		     size_t errlen);

#endif
