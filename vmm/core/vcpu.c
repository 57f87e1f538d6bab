// SPDX-License-Identifier: MIT
/* vcpu.c - a KVM vCPU, its setup and its run loop; see vcpu.h. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/sandbox/seccomp.h"
#include "vmm/arch/arch.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/log.h"
#include "vmm/base/thread.h"
#include "vmm/core/vcpu.h"
#include "vmm/core/vm.h"

const char *const vcpu_exit_kind_names[VCPU_EXIT_KINDS] = {
    [VCPU_EXIT_IO] = "io",     [VCPU_EXIT_MMIO] = "mmio",
    [VCPU_EXIT_HLT] = "hlt",   [VCPU_EXIT_SHUTDOWN] = "shutdown",
    [VCPU_EXIT_INTR] = "intr", [VCPU_EXIT_OTHER] = "other",
};

static const char *const exit_reason_names[] = {
    [KVM_EXIT_UNKNOWN] = "UNKNOWN",
    [KVM_EXIT_EXCEPTION] = "EXCEPTION",
    [KVM_EXIT_IO] = "IO",
    [KVM_EXIT_HYPERCALL] = "HYPERCALL",
    [KVM_EXIT_DEBUG] = "DEBUG",
    [KVM_EXIT_HLT] = "HLT",
    [KVM_EXIT_MMIO] = "MMIO",
    [KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
    [KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
    [KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
    [KVM_EXIT_INTR] = "INTR",
    [KVM_EXIT_SET_TPR] = "SET_TPR",
    [KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
    [KVM_EXIT_S390_SIEIC] = "S390_SIEIC",
    [KVM_EXIT_S390_RESET] = "S390_RESET",
    [KVM_EXIT_DCR] = "DCR",
    [KVM_EXIT_NMI] = "NMI",
    [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
    [KVM_EXIT_OSI] = "OSI",
    [KVM_EXIT_PAPR_HCALL] = "PAPR_HCALL",
    [KVM_EXIT_S390_UCONTROL] = "S390_UCONTROL",
    [KVM_EXIT_WATCHDOG] = "WATCHDOG",
    [KVM_EXIT_S390_TSCH] = "S390_TSCH",
    [KVM_EXIT_EPR] = "EPR",
    [KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
    [KVM_EXIT_S390_STSI] = "S390_STSI",
    [KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
    [KVM_EXIT_HYPERV] = "HYPERV",
    [KVM_EXIT_ARM_NISV] = "ARM_NISV",
    [KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
    [KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
    [KVM_EXIT_DIRTY_RING_FULL] = "DIRTY_RING_FULL",
    [KVM_EXIT_AP_RESET_HOLD] = "AP_RESET_HOLD",
    [KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
    [KVM_EXIT_XEN] = "XEN",
    [KVM_EXIT_RISCV_SBI] = "RISCV_SBI",
    [KVM_EXIT_RISCV_CSR] = "RISCV_CSR",
    [KVM_EXIT_NOTIFY] = "NOTIFY",
};
_Static_assert(ARRAY_SIZE(exit_reason_names) == KVM_EXIT_NOTIFY + 1,
	       "exit_reason_names[] must name every KVM_EXIT_* up to KVM_EXIT_NOTIFY");

const char *vcpu_exit_reason_name(u32 reason)
{
	if (reason < ARRAY_SIZE(exit_reason_names) && exit_reason_names[reason])
		return exit_reason_names[reason];
	return "?";
}

static void kick_handler(int sig UNUSED)
{
}

int vcpu_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler; /* no SA_RESTART: KVM_RUN returns EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL) < 0)
		return -errno;
	return 0;
}

int vcpu_create(struct vm *vm, unsigned int id, struct vcpu *v)
{
	void *run;
	int r;

	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->id = id;
	v->fd = -1;
	v->fd = ioctl_val(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0) {
		r = v->fd;
		log_err("vcpu %u: KVM_CREATE_VCPU: %s", id, strerror(-r));
		return r;
	}
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (run == MAP_FAILED) {
		r = -errno;
		log_err("vcpu %u: cannot map kvm_run: %s", id, strerror(-r));
		return r;
	}
	v->run = run;
	return arch_vcpu_init(v);
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->run)
		munmap(v->run, v->vm->run_size);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}

void vcpu_dump(struct vcpu *v)
{
	arch_vcpu_dump(v);
}

static void handle_system_event(struct vcpu *v)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_stop(v->vm, VM_STOP_POWEROFF, EXIT_POWEROFF);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_stop(v->vm, VM_STOP_RESET, EXIT_POWEROFF);
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		vm_stop(v->vm, VM_STOP_PANIC, EXIT_CRASH);
		break;
	default:
		log_warn("vcpu %u: ignoring system event %u", v->id, v->run->system_event.type);
	}
}

static void internal_error(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	char data[160] = "";
	size_t n = 0;

	for (u32 i = 0; i < run->internal.ndata && i < ARRAY_SIZE(run->internal.data); i++)
		n += (size_t)snprintf(data + n, n < sizeof(data) ? sizeof(data) - n : 0, " %llx",
				      (unsigned long long)run->internal.data[i]);
	log_err("vcpu %u: KVM internal error, suberror %u, data:%s", v->id, run->internal.suberror,
		n ? data : " none");
}

/* An MMIO access: to vm->mmio_direct's device if it is inside, else the bus. */
static void mmio_access(struct vm *vm, u64 addr, u8 *data, u32 len, bool write)
{
	struct device *d = vm->mmio_direct.dev;
	u64 off = addr - vm->mmio_direct.base;
	int r;

	if (!d || addr < vm->mmio_direct.base || off >= vm->mmio_direct.size ||
	    len > vm->mmio_direct.size - off) {
		bus_access(&vm->mmio, addr, data, len, write);
		return;
	}
	__atomic_add_fetch(&d->accesses, 1, __ATOMIC_RELAXED);
	r = d->ops->mmio(d, off, data, len, write);
	if (r < 0) {
		LOG_ONCE(LOG_WARN, "mmio: %u-byte %s 0x%llx failed in %s: %s (logged once)", len,
			 write ? "write to" : "read from", (unsigned long long)addr, d->name,
			 strerror(-r));
		if (!write)
			memset(data, 0xff, len);
	}
}

/* Handle one exit; false when the thread should stop. */
static bool handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct vm *vm = v->vm;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		v->exits[VCPU_EXIT_MMIO]++;
		mmio_access(vm, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
			    run->mmio.is_write);
		return true;
	case KVM_EXIT_INTR:
		v->exits[VCPU_EXIT_INTR]++;
		return true;
	case KVM_EXIT_HLT:
		v->exits[VCPU_EXIT_HLT]++;
		log_info("vcpu %u: the guest halted", v->id);
		vm_stop(vm, VM_STOP_HALT, EXIT_POWEROFF);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		v->exits[VCPU_EXIT_OTHER]++;
		handle_system_event(v);
		return true;
	case KVM_EXIT_FAIL_ENTRY:
		v->exits[VCPU_EXIT_OTHER]++;
		log_err("vcpu %u: VM entry failed, hardware reason 0x%llx", v->id,
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		vcpu_dump(v);
		vm_stop(vm, VM_STOP_ERROR, EXIT_HOST);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		v->exits[VCPU_EXIT_OTHER]++;
		internal_error(v);
		vcpu_dump(v);
		vm_stop(vm, VM_STOP_ERROR, EXIT_HOST);
		return false;
	default: {
		int r = arch_vcpu_exit(v);

		if (r >= 0)
			return r > 0;
		v->exits[VCPU_EXIT_OTHER]++;
		log_err("vcpu %u: unexpected KVM exit %u (%s)", v->id, run->exit_reason,
			vcpu_exit_reason_name(run->exit_reason));
		vcpu_dump(v);
		vm_stop(vm, VM_STOP_ERROR, EXIT_HOST);
		return false;
	}
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	sigset_t kick;
	char name[16];

	snprintf(name, sizeof(name), "vcpu%u", v->id);
	pthread_setname_np(pthread_self(), name);
	/*
	 * The kick must reach KVM_RUN even when the embedder (or the command's
	 * parent, through exec) blocked it: blocked, it never interrupted a
	 * guest that does not exit, and nothing could stop that guest.
	 */
	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	if (sb_enter((enum tinyvmm_seccomp)vm->seccomp, SB_VCPU) < 0) {
		vm_stop(vm, VM_STOP_ERROR, EXIT_HOST);
		return NULL;
	}
	while (vm_stop_reason(vm) == VM_RUNNING) {
		int r;

		vm_pause_point(v); /* parks while the VM is paused */
		r = ioctl_val(v->fd, KVM_RUN, 0);

		if (r == -EINTR || r == -EAGAIN) {
			v->exits[VCPU_EXIT_INTR]++;
			continue;
		}
		if (r < 0) {
			log_err("vcpu %u: KVM_RUN: %s", v->id, strerror(-r));
			vm_stop(vm, VM_STOP_ERROR, EXIT_HOST);
			break;
		}
		if (!handle_exit(v))
			break;
	}
	log_debug("vcpu %u: thread exits", v->id);
	return NULL;
}

int vcpu_start(struct vcpu *v)
{
	pthread_t t;
	int r = -thread_create(&t, vcpu_thread, v);

	if (r) {
		log_err("vcpu %u: cannot create its thread: %s", v->id, thread_why(r));
		return -r;
	}
	v->thread = t;
	__atomic_store_n(&v->started, true, __ATOMIC_RELEASE);
	return 0;
}

void vcpu_kick(struct vcpu *v)
{
	if (v->run)
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&v->started, __ATOMIC_ACQUIRE))
		pthread_kill(v->thread, VCPU_KICK_SIGNAL);
}
