// SPDX-License-Identifier: MIT
/* arch_seccomp.c - what x86 adds to the sandbox's filters (vmm/arch/arch.h). */
#include <linux/kvm.h>
#include <sys/ucontext.h>

#include "vmm/arch/arch.h"

/* arch_vcpu_dump(): a failed entry's or an unexpected exit's registers. */
const unsigned long arch_vcpu_ioctls[] = {KVM_GET_REGS, KVM_GET_SREGS};
const unsigned int arch_nr_vcpu_ioctls = ARRAY_SIZE(arch_vcpu_ioctls);

unsigned long arch_syscall_arg(const void *uc, unsigned int i)
{
	static const int regs[6] = {REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9};
	const ucontext_t *u = uc;

	return i < 6 ? (unsigned long)u->uc_mcontext.gregs[regs[i]] : 0;
}
