/* SPDX-License-Identifier: MIT */
/*
 * vcpu.h - one KVM vCPU and its thread.
 *
 * vcpu_create() makes the vCPU and maps its kvm_run; arch_vcpu_init() gives
 * it what its architecture needs (x86: CPUID with APIC id = index, reset
 * MSRs, LAPIC LINT pins). The boot vCPU's entry state is arch_boot()'s.
 *
 * The thread runs KVM_RUN until the VM stops, dispatching MMIO exits to the
 * VM's bus and the exits only an architecture has (x86: port I/O) to
 * arch_vcpu_exit(). SIGUSR1 (a no-op handler installed without SA_RESTART
 * by vcpu_signals_init) kicks it out of KVM_RUN.
 */
#ifndef TINYVMM_VCPU_H
#define TINYVMM_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>

#include "vmm/base/util.h"

struct vm;

#define VCPU_KICK_SIGNAL SIGUSR1

enum vcpu_exit_kind {
	VCPU_EXIT_IO,
	VCPU_EXIT_MMIO,
	VCPU_EXIT_HLT,
	VCPU_EXIT_SHUTDOWN,
	VCPU_EXIT_INTR, /* KVM_RUN interrupted (EINTR) or KVM_EXIT_INTR */
	VCPU_EXIT_OTHER,
	VCPU_EXIT_KINDS
};
extern const char *const vcpu_exit_kind_names[VCPU_EXIT_KINDS];

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;		    /* thread created (written by main only) */
	u64 exits[VCPU_EXIT_KINDS]; /* written by the vCPU thread only */
	unsigned int pause_seen;    /* vm->pause_seq last handled (vm_pause_point) */
};

/* Install the no-op SIGUSR1 handler (no SA_RESTART). Once per process. */
int vcpu_signals_init(void);

int vcpu_create(struct vm *vm, unsigned int id, struct vcpu *v);
void vcpu_destroy(struct vcpu *v);

int vcpu_start(struct vcpu *v);
/* Make KVM_RUN return: immediate_exit, then SIGUSR1 if the thread runs. */
void vcpu_kick(struct vcpu *v);

/* Log where the vCPU is: its registers (arch_vcpu_dump()), a few lines. */
void vcpu_dump(struct vcpu *v);

/* Name of a KVM_EXIT_* reason, "?" if unknown. */
const char *vcpu_exit_reason_name(u32 reason);

#endif
