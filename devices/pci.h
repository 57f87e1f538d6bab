/* SPDX-License-Identifier: MIT */
/*
 * pci.h - what a PCI device model needs from the VM around it.
 *
 * Device models (devices/vfio_pci.c) never touch KVM. They ask the platform
 * through these callbacks; vmm/pci_platform.c implements them with KVM
 * memory slots, the PIO/MMIO buses, GSI routing and irqfds, and unit tests
 * implement them with recording fakes.
 *
 * All calls are made with the device's own lock held and must not call back
 * into the device. They return 0 (or a non-negative handle) or -errno.
 */
#ifndef TINYVMM_PCI_H
#define TINYVMM_PCI_H

#include "vmm/base/util.h"
#include "devices/device.h"

/* PCI configuration space: standard header offsets used across the tree. */
#define PCI_CFG_SPACE_SIZE     256
#define PCI_CFG_EXP_SPACE_SIZE 4096

struct pci_platform;

struct pci_platform_ops {
	/*
	 * Make host memory [hva, hva+size) appear at guest [gpa, gpa+size)
	 * (a KVM memory slot). gpa, size and hva are page aligned. Returns a
	 * handle >= 0 for unmap.
	 */
	int (*map)(struct pci_platform *p, gpa_t gpa, u64 size, void *hva);
	void (*unmap)(struct pci_platform *p, int handle);

	/*
	 * Trap guest accesses to [addr, addr+size) on the PIO bus (pio) or the
	 * MMIO bus and send them to dev, with offsets relative to addr.
	 */
	int (*trap)(struct pci_platform *p, bool pio, u64 addr, u64 size, struct device *dev);
	void (*untrap)(struct pci_platform *p, bool pio, u64 addr, struct device *dev);

	/*
	 * MSI route: *gsi < 0 allocates a GSI and stores it; otherwise the
	 * route of *gsi is updated in place. The route delivers the MSI
	 * (addr, data) message as sent by requester ID devid (bus << 8 |
	 * devfn, as the guest sees the function; arm64's ITS tells devices
	 * apart by it, x86 ignores it).
	 */
	int (*msi_route)(struct pci_platform *p, int *gsi, u64 addr, u32 data, u32 devid);
	void (*msi_unroute)(struct pci_platform *p, int gsi);

	/*
	 * Attach (assign) or detach an irqfd: signalling efd injects gsi in
	 * the kernel, with no VMM thread involved. resample_efd >= 0 makes it
	 * a level-triggered (INTx) irqfd with a resample eventfd. An event
	 * already pending on efd when it is attached is delivered at once.
	 */
	int (*irqfd)(struct pci_platform *p, int gsi, int efd, int resample_efd, bool assign);

	/*
	 * Block until guest RAM is mapped for device DMA (the VMM maps it
	 * while the guest boots). 0 once it is; -errno when mapping failed or
	 * the VM is stopping. A device model calls it before letting the
	 * device master the bus; it returns at once after the first success.
	 */
	int (*dma_wait)(struct pci_platform *p);

	/*
	 * May a BAR of size bytes sit at guest [gpa, gpa+size)? False if it
	 * overlaps RAM, the IOAPIC/LAPIC, the boot areas, or lies outside the
	 * PCI windows. (Overlap with other BARs is the device's own concern.)
	 */
	bool (*bar_ok)(struct pci_platform *p, bool io, u64 gpa, u64 size);
};

struct pci_platform {
	const struct pci_platform_ops *ops;
	void *opaque;
};

#endif
