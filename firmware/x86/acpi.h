/* SPDX-License-Identifier: MIT */
/*
 * acpi.h - the guest's ACPI tables (hardware-reduced ACPI, as Firecracker,
 * Cloud Hypervisor and QEMU microvm use).
 *
 * acpi_build() lays out, each 16-byte aligned:
 *   RSDP (rev 2) -> XSDT -> FADT (rev 6.3, HW_REDUCED_ACPI) -> DSDT
 *                        -> MADT (LAPICs, IOAPIC, IRQ0 override, LINT1 NMI)
 * The FADT's sleep control/status and reset registers are the I/O ports of
 * the power_acpi device (devices/power.h). The DSDT holds \_S5_ (so Linux
 * can power off), the PCI host bridge \_SB.PCI0 with its windows and _PRT,
 * the COM1 UART \_SB.COM1, the pvpanic device \_SB.PEVT, and PCI hotplug:
 * slots \_SB.PCI0.S01-S1F (_ADR, _SUN, _EJ0), the controller's registers at
 * PCI_HOTPLUG_PORT (devices/pci_hotplug.h) and the Generic Event Device
 * \_SB.GED0 (ACPI0013), whose edge interrupt on ACPI_GED_GSI makes the guest
 * read them and Notify the slots (1: a device was added, 3: eject it).
 *
 * PCI INTx routing: slot s, pin p (0 = INTA) goes to IOAPIC GSI
 * acpi_pci_intx_gsi(s, p), level-triggered, active-low, as the _PRT says.
 * The PCI code must raise INTx on that same GSI.
 */
#ifndef TINYVMM_ACPI_H
#define TINYVMM_ACPI_H

#include <sys/types.h>

#include "arch/layout.h"
#include "vmm/base/util.h"

#define ACPI_MAX_CPUS 255 /* xAPIC ids only */

struct acpi_config {
	unsigned int ncpus; /* 1..ACPI_MAX_CPUS; LAPIC ids and ACPI processor ids 0..ncpus-1 */
};

/*
 * Build RSDP, XSDT, FADT, MADT and DSDT into buf, which the guest will see at
 * guest physical address gpa (must be 16-byte aligned). The RSDP is at buf[0].
 * Returns the number of bytes used, or -EINVAL (bad config or misaligned gpa),
 * -ENOSPC (buf too small: nothing is written then). Pure: no KVM, no I/O.
 */
ssize_t acpi_build(void *buf, size_t len, gpa_t gpa, const struct acpi_config *cfg);

/* The standard swizzle: INTA-INTD of slot s on GSIs 16-19, rotated by s.
 * slot < PCI_MAX_SLOTS, pin 0..3 (INTA..INTD). */
static inline u32 acpi_pci_intx_gsi(unsigned int slot, unsigned int pin)
{
	return PCI_INTX_GSI_BASE + (slot + pin) % PCI_INTX_GSI_COUNT;
}

#endif
