/* SPDX-License-Identifier: MIT */
/*
 * vfio_pci.h - a PCI function passed through with VFIO (an SR-IOV VF, an
 * NVMe drive, ...), as the guest sees it.
 *
 * Pure logic between two interfaces: the device is reached only through
 * struct vfio_ops (vmm/vfio.h), the VM only through struct pci_platform_ops
 * (devices/pci.h). Unit tests drive it with an in-memory device and a
 * recording platform.
 *
 * What the guest sees (everything else is hidden):
 *   config header   emulated: IDs, class, revision and subsystem IDs copied
 *                   from the device and read-only; BARs, ROM BAR (hidden:
 *                   reads 0, sizes to nothing), capability pointer, interrupt
 *                   line (read-write) and pin (INTA if INTx works, else 0);
 *                   header type forced to single-function type 0.
 *   command         virtual; IO/MEM decode, bus master and INTx disable are
 *                   also written to the device. Decode bits gate the BAR
 *                   mappings.
 *   status          read from the device (cap-list bit virtual); error bits
 *                   are write-1-to-clear on the device.
 *   capabilities    Power Management (PMCSR power state emulated, never
 *                   reaches the device; PME hidden), MSI (one vector, see
 *                   below), MSI-X, PCI Express (read live from the device,
 *                   read-only except a few Device Control bits). Every other
 *                   capability is unlinked from the list and reads 0.
 *   0x40-0xff       bytes outside any capability pass through to the device
 *                   (reads and writes; the kernel's vfio-pci filters writes).
 *   0x100-0xfff     extended capabilities are hidden: reads 0, writes are
 *                   dropped (the guest's host bridge is conventional PCI, and
 *                   AER/ATS/SR-IOV/ARI describe the host, not the guest).
 *
 * BARs: mmappable parts of a memory BAR become guest memory slots (no exit
 * on access) while decode is on and the address is valid; the pages holding
 * the MSI-X table and PBA, non-mmappable regions, BARs smaller than a page
 * and I/O BARs are trapped, and accesses outside the MSI-X table/PBA are
 * forwarded to the device region at the same offset.
 *
 * Interrupts never pass through a VMM thread: every MSI/MSI-X vector in use
 * has an eventfd bound with VFIO_DEVICE_SET_IRQS and attached to a KVM MSI
 * route with an irqfd; INTx uses a level-triggered irqfd with a resample
 * eventfd that VFIO unmasks on. See vfio_pci_irq.c and vfio_pci_msix.c.
 *
 * Thread safety: config and trapped accesses may arrive from any vCPU
 * thread. The device has two locks: one for config space and BAR placement,
 * one for interrupt state (MSI-X table accesses take only that one, so a BAR
 * move, which unregisters traps under the bus's write lock, never waits on a
 * vCPU that sits in a trapped access). Platform callbacks are called with a
 * device lock held.
 */
#ifndef TINYVMM_VFIO_PCI_H
#define TINYVMM_VFIO_PCI_H

#include "vmm/base/util.h"
#include "vmm/pci/vfio.h"
#include "devices/device.h"
#include "devices/pci.h"

struct vfio_pci;

/*
 * Read the device's regions, IRQ info and config space through ops (just
 * opened: vfio-pci has reset it), and build the virtual config space. A
 * device VFIO cannot reset is logged at info level. name is the log prefix ("vfio 0000:01:10.0");
 * it is copied. slot is the guest slot (messages only). intx_gsi is the IOAPIC pin the guest is
 * told for INTA of this slot (from the ACPI _PRT), used if the device has INTx. Returns 0, or
 * -errno with one line logged: -ENODEV (not a PCI function), -ENOTSUP (not a type 0 header), -EIO
 * (config space unreadable), -ENOMEM. Nothing is mapped until the guest (or the host bridge playing
 * firmware) programs the BARs and sets the decode bits through config writes.
 */
int vfio_pci_create(struct vfio_pci **out, const struct vfio_ops *ops, struct vfio_dev *vdev,
		    struct pci_platform *plat, const char *name, u8 slot, u32 intx_gsi);

/*
 * The PCI function: cfg_read/cfg_write take a dword index (0..1023) and, for
 * writes, a byte offset in that dword and a length of 1, 2 or 4. A write
 * that runs past the dword is applied byte by byte; bytes beyond 0xff are
 * dropped. The device has no destroy callback: call vfio_pci_destroy().
 */
struct device *vfio_pci_device(struct vfio_pci *v);

/*
 * Stop everything: disable MSI/MSI-X/INTx in VFIO, detach irqfds, free
 * routes and eventfds, unmap and untrap all BARs, munmap the regions, turn
 * off decode and bus mastering on the device; closing its VFIO device next
 * resets it. Call it once the guest can no longer reach the config space
 * (removed from the host bridge, or vCPUs stopped) and while the platform
 * (buses, VM) still exists: untrapping waits for trapped accesses in
 * flight. NULL is a no-op.
 */
void vfio_pci_destroy(struct vfio_pci *v);

/*
 * Counters: config reads and writes, trapped BAR accesses (all of them,
 * including the MSI-X ones), and those that hit the MSI-X table or PBA.
 */
struct vfio_pci_stats {
	u64 cfg_reads, cfg_writes, bar_traps, msix_table, msix_pba;
};
void vfio_pci_get_stats(const struct vfio_pci *v, struct vfio_pci_stats *out);

#endif
