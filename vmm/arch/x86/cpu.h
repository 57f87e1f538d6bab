/* SPDX-License-Identifier: MIT */
/*
 * cpu.h - per-vCPU architectural state tinyvmm hands to KVM: the CPUID
 * table, the MSRs a Linux guest expects at reset, and the local APIC's LINT
 * pins. Pure: these edit plain structs; vcpu.c does the ioctls.
 */
#ifndef TINYVMM_CPU_H
#define TINYVMM_CPU_H

#include <linux/kvm.h>

#include "vmm/base/util.h"

#define CPUID_HYPERVISOR_BIT (1U << 31) /* leaf 1 ECX */
#define CPUID_KVM_BASE	     0x40000000U

/*
 * Make KVM's supported CPUID fit vCPU index (its APIC id): leaf 1
 * EBX[31:24] = initial APIC id and the hypervisor bit; leaves 0xB and 0x1F
 * EDX = x2APIC id in every subleaf. Everything else, including KVM's
 * paravirt leaves (kvmclock), is kept.
 */
void cpu_fixup_cpuid(struct kvm_cpuid2 *c, u32 apic_id);

/* Find an entry (NULL if absent). */
struct kvm_cpuid_entry2 *cpu_cpuid_find(struct kvm_cpuid2 *c, u32 function, u32 index);

#define MSR_IA32_TSC		0x10
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_MISC_ENABLE	0x1a0
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MISC_ENABLE_FAST_STRING (1ULL << 0)
#define MTRR_DEF_TYPE_WB	6
#define MTRR_DEF_TYPE_E		(1ULL << 11)

#define CPU_BOOT_MSRS 11
/* Fill out[CPU_BOOT_MSRS] with the reset MSR values; returns the count. */
unsigned int cpu_boot_msrs(struct kvm_msr_entry *out);

#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_DM_MASK   (7U << 8)
#define APIC_DM_NMI    (4U << 8)
#define APIC_DM_EXTINT (7U << 8)
/* LINT0 = ExtINT (the PIC), LINT1 = NMI, as the MADT's LAPIC NMI says. */
void cpu_lapic_lints(struct kvm_lapic_state *l);

#endif
