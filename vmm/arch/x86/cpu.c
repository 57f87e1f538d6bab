// SPDX-License-Identifier: MIT
/* cpu.c - CPUID, MSR and LAPIC reset state for a vCPU; see cpu.h. */
#include <string.h>

#include "vmm/arch/x86/cpu.h"

struct kvm_cpuid_entry2 *cpu_cpuid_find(struct kvm_cpuid2 *c, u32 function, u32 index)
{
	for (u32 i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != function)
			continue;
		if (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index)
			return e;
	}
	return NULL;
}

void cpu_fixup_cpuid(struct kvm_cpuid2 *c, u32 apic_id)
{
	for (u32 i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & 0x00ffffffU) | (apic_id << 24);
			e->ecx |= CPUID_HYPERVISOR_BIT;
			break;
		case 0xb:
		case 0x1f:
			e->edx = apic_id;
			break;
		}
	}
}

unsigned int cpu_boot_msrs(struct kvm_msr_entry *out)
{
	static const struct {
		u32 index;
		u64 data;
	} msrs[] = {
	    {MSR_IA32_SYSENTER_CS, 0},
	    {MSR_IA32_SYSENTER_ESP, 0},
	    {MSR_IA32_SYSENTER_EIP, 0},
	    {MSR_STAR, 0},
	    {MSR_CSTAR, 0},
	    {MSR_KERNEL_GS_BASE, 0},
	    {MSR_SYSCALL_MASK, 0},
	    {MSR_LSTAR, 0},
	    {MSR_IA32_TSC, 0},
	    {MSR_IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING},
	    /* MTRRs on, default type write-back: no BIOS will program them. */
	    {MSR_MTRR_DEF_TYPE, MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_WB},
	};
	_Static_assert(ARRAY_SIZE(msrs) == CPU_BOOT_MSRS, "CPU_BOOT_MSRS is the table size");

	for (unsigned int i = 0; i < CPU_BOOT_MSRS; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].index = msrs[i].index;
		out[i].data = msrs[i].data;
	}
	return CPU_BOOT_MSRS;
}

static void lvt_set_mode(struct kvm_lapic_state *l, unsigned int reg, u32 mode)
{
	u32 v = get_le32(&l->regs[reg]);

	put_le32(&l->regs[reg], (v & ~APIC_DM_MASK) | mode);
}

void cpu_lapic_lints(struct kvm_lapic_state *l)
{
	lvt_set_mode(l, APIC_LVT_LINT0, APIC_DM_EXTINT);
	lvt_set_mode(l, APIC_LVT_LINT1, APIC_DM_NMI);
}
