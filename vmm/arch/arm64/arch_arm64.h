/* SPDX-License-Identifier: MIT */
/*
 * arch_arm64.h - the arm64 part of struct vm (struct arch_vm,
 * vmm/arch/arch.h), shared by the files of vmm/arch/arm64 and nothing else.
 */
#ifndef TINYVMM_ARCH_ARM64_H
#define TINYVMM_ARCH_ARM64_H

#include <linux/kvm.h>

#include "vmm/base/util.h"

struct device;
struct pci_ecam;
struct vcpu;

struct arch_vm {
	struct kvm_vcpu_init init; /* KVM_ARM_PREFERRED_TARGET: the host CPU's target */
	int gic_fd;		   /* the in-kernel GICv3 (KVM_DEV_TYPE_ARM_VGIC_V3) */
	int its_fd;		   /* its ITS (KVM_DEV_TYPE_ARM_VGIC_ITS), the MSI controller */
	u64 *mpidr;		   /* each vCPU's MPIDR_EL1, read after KVM_ARM_VCPU_INIT */
	/* The platform devices on MMIO (arch_vm.c), each also on vm->mmio. */
	struct device *pvpanic, *debug_exit;
	struct pci_ecam *ecam; /* the PCI configuration window, by arch_pci_attach() */
};

/* Read or write one 64-bit register of v (KVM_GET/SET_ONE_REG); -errno. */
int arch_reg_get(struct vcpu *v, u64 id, u64 *val);
int arch_reg_set(struct vcpu *v, u64 id, u64 val);

/* The ONE_REG id of core register x (a struct kvm_regs member: regs.pc, regs.regs[0]). */
#define ARM64_CORE_REG(x)                                                                          \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
/* MPIDR_EL1: op0 3, op1 0, CRn 0, CRm 0, op2 5 */
#define ARM64_MPIDR_EL1 ARM64_SYS_REG(3, 0, 0, 0, 5)
/* The affinity fields of an MPIDR (Aff3, Aff2, Aff1, Aff0): a cpu node's reg. */
#define ARM64_MPIDR_AFF_MASK 0xff00ffffffULL

#endif
