/* SPDX-License-Identifier: MIT */
/*
 * arch_x86.h - the x86 part of struct vm (struct arch_vm, vmm/arch/arch.h),
 * shared by the files of vmm/arch/x86 and nothing else.
 */
#ifndef TINYVMM_ARCH_X86_H
#define TINYVMM_ARCH_X86_H

#include <linux/kvm.h>

#include "vmm/base/util.h"

struct device;
struct pci_cf8;
struct vcpu;

struct arch_vm {
	struct kvm_cpuid2 *cpuid; /* KVM_GET_SUPPORTED_CPUID, shared by all vCPUs */
	/* The platform devices on I/O ports (arch_vm.c), each also on vm->pio. */
	struct device *power_acpi, *i8042, *pvpanic, *post, *debug_exit, *cmos;
	/* The PCI configuration-mechanism device (pci_host), also on vm->pio.
	 * vCPUs send port I/O at 0xcf8-0xcff to it directly, not under the
	 * bus lock (pio.h), so config writes can trap I/O BARs. Set by
	 * arch_pci_attach() before the vCPUs start, cleared by
	 * arch_pci_detach() after they are joined; NULL without PCI. */
	struct device *pci_cfg;
	struct pci_cf8 *cf8; /* the ports' device, made by arch_pci_attach() */
	/* The PCI hotplug controller on PCI_HOTPLUG_PORT; its events raise
	 * the ACPI GED's edge interrupt (ACPI_GED_GSI). */
	struct pcihp *pcihp;
};

/* The Linux 64-bit entry state (boot.h) on v, entering at entry (arch_boot.c). */
int arch_boot_set_entry(struct vcpu *v, gpa_t entry);

#endif
