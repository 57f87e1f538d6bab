// SPDX-License-Identifier: MIT
/* arch_seccomp.c - what x86 adds to the sandbox's filters (vmm/arch/arch.h). */
#include <linux/kvm.h>
#include <sys/ucontext.h>

#include "vmm/arch/arch.h"

/* arch_vcpu_dump(): a failed entry's or an unexpected exit's registers. */
const unsigned long arch_vcpu_ioctls[] = {KVM_GET_REGS, KVM_GET_SREGS};
const unsigned int arch_nr_vcpu_ioctls = ARRAY_SIZE(arch_vcpu_ioctls);

/* The run builds the VM: the in-kernel IRQ chip and PIT, the TSS, CPUID,
 * MSRs, the LAPIC's LINT pins, the boot registers, the register dump; a hot
 * add's check that the guest has unmasked its hotplug interrupt. */
const unsigned long arch_run_ioctls[] = {
    KVM_CREATE_IRQCHIP,	     KVM_CREATE_PIT2, KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR,
    KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2,  KVM_SET_MSRS,	KVM_GET_LAPIC,
    KVM_SET_LAPIC,	     KVM_GET_REGS,    KVM_SET_REGS,	KVM_GET_SREGS,
    KVM_SET_SREGS,	     KVM_GET_IRQCHIP,
};
const unsigned int arch_nr_run_ioctls = ARRAY_SIZE(arch_run_ioctls);

/* arch_pci_hotplug_ready(): is the ACPI GED interrupt unmasked in the IOAPIC. */
const unsigned long arch_api_ioctls[] = {KVM_GET_IRQCHIP};
const unsigned int arch_nr_api_ioctls = ARRAY_SIZE(arch_api_ioctls);

unsigned long arch_syscall_arg(const void *uc, unsigned int i)
{
	static const int regs[6] = {REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9};
	const ucontext_t *u = uc;

	return i < 6 ? (unsigned long)u->uc_mcontext.gregs[regs[i]] : 0;
}
