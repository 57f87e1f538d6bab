/* SPDX-License-Identifier: MIT */
/*
 * layout.h - every guest physical address, I/O port and IRQ number tinyvmm
 * uses. Nothing else in the tree may hard-code one of these.
 *
 * Guest physical memory map (x86_64):
 *
 *   0x0000_0000  real-mode IVT/BDA (RAM)
 *   0x0000_0500  boot GDT
 *   0x0000_7000  boot_params ("zero page")
 *   0x0000_9000  boot page tables: PML4, PDPT, 4 x PD (identity map 0-4 GiB)
 *   0x0002_0000  kernel command line (BOOT_CMDLINE_MAX bytes)
 *   0x0009_fc00  EBDA (reserved in e820)
 *   0x000a_0000  legacy VGA/ROM hole (not RAM)
 *   0x000e_0000  ACPI tables, RSDP first (reserved in e820)
 *   0x0010_0000  protected-mode kernel (bzImage payload), then RAM
 *        ...     initrd at the top of low RAM, below initrd_addr_max
 *   0xc000_0000  MMIO hole start: 32-bit PCI BAR window
 *   0xfec0_0000  IOAPIC
 *   0xfee0_0000  LAPIC
 *   0xfffb_c000  KVM identity-map page, then the 3-page KVM TSS
 *   0x1_0000_0000  RAM that did not fit below the hole
 *   PCI_MMIO64_BASE  64-bit PCI BAR window
 */
#ifndef TINYVMM_LAYOUT_H
#define TINYVMM_LAYOUT_H

/* ---- guest physical memory ---- */
/* The guest learns the machine from ACPI tables, not a device tree. */
#define ARCH_HAS_DTB 0

#define GUEST_PAGE_SIZE 0x1000ULL

#define BOOT_GDT_GPA	  0x500ULL
#define BOOT_ZEROPAGE_GPA 0x7000ULL
#define BOOT_PML4_GPA	  0x9000ULL
#define BOOT_PDPT_GPA	  0xa000ULL
#define BOOT_PD_GPA	  0xb000ULL /* 4 pages: 0xb000-0xefff */
#define BOOT_PD_PAGES	  4
#define BOOT_STACK_GPA	  0x8ff0ULL /* initial rsp; the kernel sets its own */
#define BOOT_CMDLINE_GPA  0x20000ULL
#define BOOT_CMDLINE_MAX  0x10000ULL

#define EBDA_GPA	0x9fc00ULL
#define LOW_RAM_END	0xa0000ULL /* 640 KiB: end of conventional memory */
#define BIOS_AREA_GPA	0xe0000ULL /* RSDP must be in 0xe0000-0xfffff */
#define BIOS_AREA_END	0x100000ULL
#define ACPI_TABLES_GPA BIOS_AREA_GPA
#define ACPI_TABLES_MAX (BIOS_AREA_END - BIOS_AREA_GPA)

#define KERNEL_LOAD_GPA 0x100000ULL /* protected-mode kernel, 1 MiB */
#define HIGH_MEM_START	0x100000ULL /* first RAM byte above the legacy holes */

#define MMIO_HOLE_START 0xc0000000ULL /* low RAM ends here at the most */
#define MMIO_HOLE_END	0x100000000ULL
#define PCI_MMIO32_BASE MMIO_HOLE_START
#define PCI_MMIO32_END	0xfec00000ULL /* exclusive */
#define IOAPIC_GPA	0xfec00000ULL
#define IOAPIC_SIZE	0x1000ULL
#define LAPIC_GPA	0xfee00000ULL
/* Where a device's MSI writes go: the LAPICs' 1 MiB interrupt window. */
#define MSI_ADDR_BASE	     0xfee00000ULL
#define MSI_ADDR_SIZE	     0x100000ULL
#define LAPIC_SIZE	     0x1000ULL
#define KVM_IDENTITY_MAP_GPA 0xfffbc000ULL
#define KVM_TSS_GPA	     0xfffbd000ULL	   /* 3 pages */
#define KVM_TSS_SIZE	     (3 * GUEST_PAGE_SIZE) /* KVM_SET_TSS_ADDR takes 3 pages */

#define HIGH_RAM_START	0x100000000ULL	/* RAM above the hole starts at 4 GiB */
#define PCI_MMIO64_BASE 0x8000000000ULL /* 512 GiB */
#define PCI_MMIO64_SIZE 0x8000000000ULL
#define GUEST_MAX_RAM	(PCI_MMIO64_BASE - HIGH_RAM_START + MMIO_HOLE_START)

/* ---- I/O ports ---- */
#define COM1_PORT	  0x3f8
#define COM1_PORT_LEN	  8
#define I8042_DATA_PORT	  0x60
#define I8042_CMD_PORT	  0x64
#define I8042_PORT_LEN	  (I8042_CMD_PORT - I8042_DATA_PORT + 1) /* one i8042 range, 0x60-0x64 */
#define POST_PORT	  0x80 /* io_delay, and the ISA DMA page registers after it: */
#define POST_PORT_LEN	  16   /* swallowed silently (no ISA DMA here) */
#define CMOS_PORT	  0x70 /* CMOS index (bit 7: NMI disable), data at 0x71 */
#define CMOS_PORT_LEN	  2
#define PCI_CFG_ADDR_PORT 0xcf8
#define PCI_CFG_DATA_PORT 0xcfc
#define PVPANIC_PORT	  0x505
#define DEBUG_EXIT_PORT	  0x501
/* ACPI hardware-reduced sleep control/status and reset registers */
#define ACPI_PM_PORT	    0x600
#define ACPI_SLEEP_CTL_PORT (ACPI_PM_PORT + 0)
#define ACPI_SLEEP_STS_PORT (ACPI_PM_PORT + 1)
#define ACPI_RESET_PORT	    (ACPI_PM_PORT + 2)
#define ACPI_PM_PORT_LEN    4
#define ACPI_RESET_VALUE    0x4
#define ACPI_S5_SLP_TYP	    5 /* \_S5 value; SLP_TYP written on power-off */
/* PCI hotplug controller (devices/pci_hotplug.h): PCIU, PCID, B0EJ, as QEMU's PIIX */
#define PCI_HOTPLUG_PORT     0xae00
#define PCI_HOTPLUG_PORT_LEN 12

/* ---- interrupts (GSI = IOAPIC pin) ---- */
#define COM1_IRQ	   4
#define ACPI_SCI_IRQ	   9
#define IOAPIC_PINS	   24
#define PCI_INTX_GSI_BASE  16 /* INTA-INTD of slot s: 16 + (s + pin) % 4 */
#define PCI_INTX_GSI_COUNT 4
#define ACPI_GED_GSI	   20 /* the ACPI GED's edge interrupt: a PCI hotplug event */
#define MSI_GSI_BASE	   24 /* first GSI used for MSI/MSI-X routes */

/* ---- PCI ---- */
#define PCI_MAX_SLOTS	      32
#define PCI_HOST_BRIDGE_SLOT  0
#define PCI_FIRST_DEVICE_SLOT 1		 /* first slot handed to a passed-through VF */
#define PCI_IO_WINDOW_BASE    0xc000ULL	 /* I/O BARs: 0xc000-0xffff, inside the DSDT's PCI0 _CRS */
#define PCI_IO_WINDOW_END     0x10000ULL /* exclusive (PCI_IO_BASE is a pci_regs.h name) */

#endif
