// SPDX-License-Identifier: MIT
/* arch_seccomp.c - what arm64 adds to the sandbox's filters (vmm/arch/arch.h). */
#include <linux/kvm.h>
#include <sys/ucontext.h>

#include "vmm/arch/arch.h"

/* arch_vcpu_dump(): a failed entry's or an unexpected exit's registers. */
const unsigned long arch_vcpu_ioctls[] = {KVM_GET_ONE_REG};
const unsigned int arch_nr_vcpu_ioctls = ARRAY_SIZE(arch_vcpu_ioctls);

/* The run builds the VM: the GIC (a KVM device and its attributes), each
 * vCPU's target and boot registers, the register dump. */
const unsigned long arch_run_ioctls[] = {
    KVM_CREATE_DEVICE, KVM_SET_DEVICE_ATTR, KVM_ARM_PREFERRED_TARGET,
    KVM_ARM_VCPU_INIT, KVM_GET_ONE_REG,	    KVM_SET_ONE_REG,
};
const unsigned int arch_nr_run_ioctls = ARRAY_SIZE(arch_run_ioctls);

/* A hot add needs nothing of arm64's own. */
const unsigned long arch_api_ioctls[1];
const unsigned int arch_nr_api_ioctls = 0;

unsigned long arch_syscall_arg(const void *uc, unsigned int i)
{
	const ucontext_t *u = uc;

	return i < 6 ? (unsigned long)u->uc_mcontext.regs[i] : 0;
}
