// SPDX-License-Identifier: MIT
/* test_cpu.c - per-vCPU CPUID fixups, reset MSRs and LAPIC LINT pins. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "vmm/arch/x86/cpu.h"

static struct kvm_cpuid2 *make_cpuid(void)
{
	static const struct kvm_cpuid_entry2 e[] = {
	    {.function = 0, .eax = 0x1f},
	    {.function = 1, .eax = 0x806f8, .ebx = 0x12345678, .ecx = 0x7ffa3203},
	    {.function = 0xb,
	     .index = 0,
	     .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	     .eax = 1,
	     .edx = 0xdead},
	    {.function = 0xb,
	     .index = 1,
	     .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	     .eax = 4,
	     .edx = 0xbeef},
	    {.function = 0x1f, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .edx = 0x77},
	    {.function = 0x40000000, .eax = 0x40000001, .ebx = 0x4b4d564b},
	    {.function = 0x40000001, .eax = 0x01007afb},
	};
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + sizeof(e));

	assert_non_null(c);
	c->nent = ARRAY_SIZE(e);
	memcpy(c->entries, e, sizeof(e));
	return c;
}

static void test_cpuid_fixup(void **state UNUSED)
{
	struct kvm_cpuid2 *c = make_cpuid();
	struct kvm_cpuid_entry2 *e;

	cpu_fixup_cpuid(c, 7);
	e = cpu_cpuid_find(c, 1, 0);
	assert_non_null(e);
	assert_int_equal(e->ebx, 0x07345678); /* APIC id in 31:24, the rest kept */
	assert_true(e->ecx & CPUID_HYPERVISOR_BIT);
	assert_int_equal(e->ecx & ~CPUID_HYPERVISOR_BIT, 0x7ffa3203);
	assert_int_equal(e->eax, 0x806f8);
	assert_int_equal(cpu_cpuid_find(c, 0xb, 0)->edx, 7);
	assert_int_equal(cpu_cpuid_find(c, 0xb, 1)->edx, 7);
	assert_int_equal(cpu_cpuid_find(c, 0xb, 1)->eax, 4);
	assert_int_equal(cpu_cpuid_find(c, 0x1f, 0)->edx, 7);
	/* KVM's paravirt leaves stay (kvmclock). */
	assert_int_equal(cpu_cpuid_find(c, 0x40000000, 0)->ebx, 0x4b4d564b);
	assert_int_equal(cpu_cpuid_find(c, 0x40000001, 0)->eax, 0x01007afb);
	assert_null(cpu_cpuid_find(c, 0xb, 2));
	assert_null(cpu_cpuid_find(c, 0x80000008, 0));

	/* Index 254 (the largest xAPIC id we hand out) fits in 8 bits. */
	cpu_fixup_cpuid(c, 254);
	assert_int_equal(cpu_cpuid_find(c, 1, 0)->ebx >> 24, 254);
	free(c);
}

static void test_boot_msrs(void **state UNUSED)
{
	struct kvm_msr_entry e[CPU_BOOT_MSRS];
	bool misc = false, tsc = false, mtrr = false, lstar = false;

	memset(e, 0xff, sizeof(e));
	assert_int_equal(cpu_boot_msrs(e), CPU_BOOT_MSRS);
	for (unsigned int i = 0; i < CPU_BOOT_MSRS; i++) {
		assert_int_equal(e[i].reserved, 0);
		for (unsigned int j = 0; j < i; j++)
			assert_int_not_equal(e[i].index, e[j].index);
		switch (e[i].index) {
		case MSR_IA32_MISC_ENABLE:
			misc = e[i].data == MISC_ENABLE_FAST_STRING;
			break;
		case MSR_IA32_TSC:
			tsc = e[i].data == 0;
			break;
		case MSR_MTRR_DEF_TYPE:
			mtrr = e[i].data == (MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_WB);
			break;
		case MSR_LSTAR:
			lstar = e[i].data == 0;
			break;
		}
	}
	assert_true(misc && tsc && mtrr && lstar);
}

static void test_lapic_lints(void **state UNUSED)
{
	struct kvm_lapic_state l;

	memset(&l, 0, sizeof(l));
	put_le32(&l.regs[APIC_LVT_LINT0], 0x10000); /* masked, fixed: reset value */
	put_le32(&l.regs[APIC_LVT_LINT1], 0x10000 | (2U << 8));
	put_le32(&l.regs[0x370], 0x12345678);
	cpu_lapic_lints(&l);
	assert_int_equal(get_le32(&l.regs[APIC_LVT_LINT0]), 0x10000 | APIC_DM_EXTINT);
	assert_int_equal(get_le32(&l.regs[APIC_LVT_LINT1]), 0x10000 | APIC_DM_NMI);
	assert_int_equal(get_le32(&l.regs[0x370]), 0x12345678); /* neighbours untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpuid_fixup),
	    cmocka_unit_test(test_boot_msrs),
	    cmocka_unit_test(test_lapic_lints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
