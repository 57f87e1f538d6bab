// SPDX-License-Identifier: MIT
/*
 * arch_vcpu.c - an arm64 vCPU (vmm/arch/arch.h): KVM_ARM_VCPU_INIT for the
 * host's target with PSCI 0.2 (secondaries start powered off until the
 * guest's PSCI CPU_ON), its MPIDR for the device tree, and its registers
 * for a dump. The boot vCPU's entry state is arch_boot.c's. arm64 has no
 * exits of its own beyond the core's (MMIO, system events).
 */
#include <string.h>

#include "vmm/arch/arch.h"
#include "vmm/arch/arm64/arch_arm64.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/core/vcpu.h"
#include "vmm/core/vm.h"

int arch_reg_get(struct vcpu *v, u64 id, u64 *val)
{
	struct kvm_one_reg reg = {.id = id, .addr = (u64)(uintptr_t)val};

	return ioctl_ptr(v->fd, KVM_GET_ONE_REG, &reg);
}

int arch_reg_set(struct vcpu *v, u64 id, u64 val)
{
	struct kvm_one_reg reg = {.id = id, .addr = (u64)(uintptr_t)&val};

	return ioctl_ptr(v->fd, KVM_SET_ONE_REG, &reg);
}

int arch_vcpu_init(struct vcpu *v)
{
	struct arch_vm *a = v->vm->arch;
	struct kvm_vcpu_init init = a->init;
	u64 mpidr = 0;
	int r;

	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (v->id > 0)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	r = ioctl_ptr(v->fd, KVM_ARM_VCPU_INIT, &init);
	if (r < 0)
		return err_host(r, "vcpu %u: KVM_ARM_VCPU_INIT (target %u): %s", v->id, init.target,
				strerror(-r));
	r = arch_reg_get(v, ARM64_MPIDR_EL1, &mpidr);
	if (r < 0)
		return err_host(r, "vcpu %u: cannot read its MPIDR_EL1: %s", v->id, strerror(-r));
	a->mpidr[v->id] = mpidr & ARM64_MPIDR_AFF_MASK;
	return 0;
}

void arch_vcpu_dump(struct vcpu *v)
{
	u64 pc = 0, pstate = 0, sp = 0, lr = 0, x0 = 0, elr = 0;

	if (arch_reg_get(v, ARM64_CORE_REG(regs.pc), &pc) < 0 ||
	    arch_reg_get(v, ARM64_CORE_REG(regs.pstate), &pstate) < 0) {
		log_err("vcpu %u: cannot read the registers for a dump", v->id);
		return;
	}
	arch_reg_get(v, ARM64_CORE_REG(sp_el1), &sp);
	arch_reg_get(v, ARM64_CORE_REG(regs.regs[30]), &lr);
	arch_reg_get(v, ARM64_CORE_REG(regs.regs[0]), &x0);
	arch_reg_get(v, ARM64_CORE_REG(elr_el1), &elr);
	log_err("vcpu %u: PC=%016llx PSTATE=%08llx SP_EL1=%016llx LR=%016llx X0=%016llx "
		"ELR_EL1=%016llx",
		v->id, (unsigned long long)pc, (unsigned long long)pstate, (unsigned long long)sp,
		(unsigned long long)lr, (unsigned long long)x0, (unsigned long long)elr);
}

int arch_vcpu_exit(struct vcpu *v)
{
	(void)v;
	return -ENOENT;
}
