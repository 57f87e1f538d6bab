/* SPDX-License-Identifier: MIT */
/*
 * layout.h - every guest physical address and interrupt number of the
 * arm64 machine. Nothing else in the tree may hard-code one of these.
 *
 * Guest physical memory map (arm64), close to QEMU's virt board so that a
 * guest kernel finds nothing unusual:
 *
 *   0x0800_0000  GICv3 distributor (64 KiB)
 *   0x0808_0000  GICv3 ITS (128 KiB): MSIs are writes to its GITS_TRANSLATER
 *   0x080a_0000  GICv3 redistributors, 128 KiB a vCPU (up to 123 vCPUs)
 *   0x0900_0000  16550 UART (ns16550a, ttyS0), byte registers
 *   0x0901_0000  pvpanic-mmio (2 bytes)
 *   0x0902_0000  debug exit register (1 byte): the guest's own exit status
 *   0x1000_0000  32-bit PCI memory window
 *   0x3f00_0000  PCIe ECAM, bus 0 (1 MiB)
 *   0x4000_0000  RAM: the kernel at 2 MiB + text_offset, initrd and the
 *                device tree at the top
 *   PCI_MMIO64_BASE  64-bit PCI memory window
 *
 * Interrupts: GIC SPIs (INTID = 32 + SPI). The timer uses the architected
 * PPIs; PCI MSIs go through the ITS (KVM routes with the guest BDF as the
 * device id).
 */
#ifndef TINYVMM_ARCH_LAYOUT_H
#define TINYVMM_ARCH_LAYOUT_H

/* ---- guest physical memory ---- */
/* The guest learns the machine from a device tree (firmware/arm64/dtb.c). */
#define ARCH_HAS_DTB 1

#define GUEST_PAGE_SIZE 0x1000ULL

#define GIC_DIST_GPA	0x08000000ULL
#define GIC_DIST_SIZE	0x10000ULL
#define GIC_ITS_GPA	0x08080000ULL
#define GIC_ITS_SIZE	0x20000ULL
#define GIC_REDIST_GPA	0x080a0000ULL
#define GIC_REDIST_SIZE 0x20000ULL /* a vCPU's: RD_base and SGI_base frames */
#define GIC_REDIST_END	0x09000000ULL
#define GIC_MAX_VCPUS	((GIC_REDIST_END - GIC_REDIST_GPA) / GIC_REDIST_SIZE) /* 123 */
#define GITS_TRANSLATER 0x10040ULL /* offset in the ITS: the MSI doorbell */

/* Where a device's MSI writes go: the ITS's doorbell, GITS_TRANSLATER. */
#define MSI_ADDR_BASE (GIC_ITS_GPA + GITS_TRANSLATER)
#define MSI_ADDR_SIZE 4ULL

#define UART_GPA	0x09000000ULL
#define UART_SIZE	0x1000ULL
#define UART_CLOCK_HZ	1843200 /* the 16550's input clock, for clock-frequency */
#define PVPANIC_GPA	0x09010000ULL
#define PVPANIC_SIZE	2ULL
#define DEBUG_EXIT_GPA	0x09020000ULL
#define DEBUG_EXIT_SIZE 1ULL

#define PCI_MMIO32_BASE	   0x10000000ULL
#define PCI_MMIO32_END	   0x3f000000ULL /* exclusive */
#define PCI_ECAM_GPA	   0x3f000000ULL
#define PCI_ECAM_SIZE	   0x100000ULL /* bus 0: 32 devices x 8 functions x 4 KiB */
#define PCI_IO_WINDOW_BASE 0ULL	       /* no I/O window: I/O BARs stay unassigned */
#define PCI_IO_WINDOW_END  0ULL

#define RAM_BASE	0x40000000ULL
#define PCI_MMIO64_BASE 0x8000000000ULL /* 512 GiB */
#define PCI_MMIO64_SIZE 0x4000000000ULL
#define GUEST_MAX_RAM	(PCI_MMIO64_BASE - RAM_BASE) /* 511 GiB */

/* Where the boot puts things in RAM (arm64 booting.rst). */
#define KERNEL_ALIGN 0x200000ULL /* the Image goes at a 2 MiB boundary + text_offset */
#define DTB_MAX_SIZE 0x200000ULL /* 2 MiB, the protocol's limit */

/* ---- interrupts ---- */
#define GIC_SPI_BASE	   32 /* INTID of SPI 0 */
#define GIC_NR_SPIS	   64 /* SPIs the distributor has (a multiple of 32) */
#define UART_SPI	   1
#define PCI_INTX_SPI_BASE  4 /* INTA-INTD of slot s: SPI 4 + (s + pin) % 4 */
#define PCI_INTX_SPI_COUNT 4
#define TIMER_PPI_SEC	   13 /* the architected timer's PPIs: secure, non-secure, */
#define TIMER_PPI_NS	   14 /* virtual and hypervisor physical */
#define TIMER_PPI_VIRT	   11
#define TIMER_PPI_HYP	   10
#define MSI_GSI_BASE	   GIC_NR_SPIS /* KVM GSIs 0..63 route the SPIs; MSIs above */

/* ---- PCI ---- */
#define PCI_MAX_SLOTS	      32
#define PCI_HOST_BRIDGE_SLOT  0
#define PCI_FIRST_DEVICE_SLOT 1

#endif
