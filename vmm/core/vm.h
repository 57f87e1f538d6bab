/* SPDX-License-Identifier: MIT */
/*
 * vm.h - one KVM virtual machine: /dev/kvm, the VM fd, guest RAM and its
 * memory slots, the in-kernel IRQ chip and PIT, the PIO and MMIO buses with
 * the platform devices, the vCPUs, and the stop state.
 *
 * Lifecycle (library_run.c):
 *   vm_create() -> arch_boot() (RAM and the boot vCPU)
 *   -> console -> vm_start() -> wait until vm_stop_reason() != VM_RUNNING
 *   (vm->stop_efd becomes readable) -> vm_join() -> vm_destroy().
 *
 * Stopping: vm_stop() may be called from any thread (a vCPU on a power
 * event or a crash, the console on Ctrl-A x, main on a signal). The first
 * caller's reason and exit code win; every vCPU gets run->immediate_exit
 * set and a SIGUSR1 kick, so it leaves KVM_RUN or never enters it again.
 */
#ifndef TINYVMM_VM_H
#define TINYVMM_VM_H

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "devices/power.h"
#include "devices/serial.h"
#include "vmm/core/bus.h"
#include "vmm/core/mem.h"
#include "vmm/base/util.h"

struct arch_vm;
struct vcpu;
struct console;
struct vm_pci;
struct events;
struct passthrough;

#define VM_GSI_LIMIT 4096 /* KVM_MAX_IRQ_ROUTES in the kernel */

enum vm_stop_reason {
	VM_RUNNING,
	VM_STOP_POWEROFF,   /* ACPI S5, or KVM's shutdown system event */
	VM_STOP_RESET,	    /* the guest rebooted */
	VM_STOP_PANIC,	    /* pvpanic, or KVM's crash system event */
	VM_STOP_CRASH,	    /* triple fault */
	VM_STOP_HALT,	    /* HLT exit (only without the in-kernel LAPIC) */
	VM_STOP_ERROR,	    /* host or KVM failure */
	VM_STOP_SIGNAL,	    /* a stop signal: SIGINT, SIGTERM, SIGHUP, ... */
	VM_STOP_QUIT,	    /* Ctrl-A x on the console */
	VM_STOP_GUEST_EXIT, /* the guest wrote its status to the debug exit port */
	VM_STOP_TIMEOUT,    /* --timeout expired */
	VM_STOP_EXPECT,	    /* --expect matched a console line */
	VM_STOP_API,	    /* stop (or a shutdown that timed out) through the control API */
	VM_STOP_REASONS
};

struct vm {
	int kvm_fd;
	int vm_fd;
	u64 want_ram;		/* vm_create()'s: guest RAM bytes, */
	unsigned int want_cpus; /* vCPUs */
	bool want_hugepages;	/* and whether RAM is on hugetlb pages */
	struct mem mem;
	struct bus pio, mmio;
	bool buses_ready;
	/* One MMIO device vCPUs call directly, not under the bus lock: the PCI
	 * configuration window (arm64's ECAM), whose writes move BAR traps on
	 * the bus. Set before the vCPUs start, cleared after they are joined
	 * (vm_set_mmio_direct()); dev NULL: none. */
	struct {
		u64 base, size;
		struct device *dev;
	} mmio_direct;

	/* The UART (made by the architecture's arch_vm_devices(), on its bus). */
	struct serial *serial;
	struct events *events;	 /* --events log or NULL; set by the run before vm_start() */
	int seccomp;		 /* enum tinyvmm_seccomp for its threads; set by the run */
	struct console *console; /* set by the run; serial's kick goes here */
	struct arch_vm *arch;	 /* the architecture's part (vmm/arch/arch.h) */

	struct vcpu *vcpus;
	unsigned int nr_vcpus; /* created so far */
	size_t run_size;       /* KVM_GET_VCPU_MMAP_SIZE */
	bool immediate_exit;   /* KVM_CAP_IMMEDIATE_EXIT */

	int stop_efd;	/* eventfd: readable once the VM has stopped */
	int stop_state; /* reason << 8 | exit code; atomic, first writer wins */

	/* Pausing (vm_pause): vCPU threads park on pause_cond while paused. */
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	bool paused;		    /* written under pause_lock, read atomically */
	bool starting;		    /* vm_start() holds the vCPUs; under pause_lock */
	unsigned int pause_seq;	    /* bumped by each vm_pause() and vm_start(); atomic */
	unsigned int parked;	    /* vCPU threads parked now, under pause_lock */
	struct timespec started_at; /* CLOCK_MONOTONIC at vm_start(): guest entry */

	/* PCI platform (vmm/pci_platform.h): GSI routing table, BAR memory
	 * slots. Made by pci_platform_create(), NULL before. */
	struct vm_pci *pci;
	/* The run's PCI side (vmm/pci/passthrough.h) for hotplug: set by
	 * passthrough_attach(), cleared by passthrough_detach(). */
	struct passthrough *pt;
};

/*
 * Open /dev/kvm, check the API and capabilities, create the VM with its
 * ram bytes of RAM (hugetlb pages with hugepages), IRQ chip, PIT, buses,
 * devices and cpus vCPUs. Logs one line
 * and returns -errno: more vCPUs than KVM allows is the user's error (err.h),
 * anything else the host's. On failure vm_destroy() is still the cleanup.
 */
int vm_create(struct vm *vm, u64 ram, unsigned int cpus, bool hugepages);

/* Start one thread per vCPU (after setting started_at); none runs the
 * guest until all have started. -errno (stops the VM) if one cannot start. */
int vm_start(struct vm *vm);

/* Kick all vCPUs until their threads have exited, then reap them. */
void vm_join(struct vm *vm);

/* Free everything vm_create() made; safe on a partly created VM. */
void vm_destroy(struct vm *vm);

/* Ask the VM to stop; the first call's reason and exit code (0..255) win.
 * Callable from any thread; never blocks. True when this call was first. */
bool vm_stop(struct vm *vm, enum vm_stop_reason why, int exit_code);
static inline enum vm_stop_reason vm_stop_reason(const struct vm *vm)
{
	return (enum vm_stop_reason)(__atomic_load_n(&vm->stop_state, __ATOMIC_ACQUIRE) >> 8);
}
/* The exit code given with the winning vm_stop() (0 while running). */
int vm_exit_code(const struct vm *vm);
const char *vm_stop_reason_name(enum vm_stop_reason why);

/*
 * Pause: every vCPU is kicked out of KVM_RUN and parks (vm_pause_point)
 * until vm_resume() or vm_stop(); returns once every started vCPU is parked
 * (0), or -ESRCH when the VM has stopped, or -ETIMEDOUT when a vCPU did not
 * park within 2 s (it parks when it gets there; the VM stays paused).
 * Idempotent. vm_resume() lets them run again (idempotent). Both are
 * thread-safe; vm_stop() and vm_join() wake parked vCPUs. KVM's clocks
 * (kvm-clock, the TSC) keep running while paused.
 */
int vm_pause(struct vm *vm);
void vm_resume(struct vm *vm);
bool vm_paused(const struct vm *vm);
/* On a vCPU thread, before each KVM_RUN: park while the VM is paused. */
void vm_pause_point(struct vcpu *v);

/* Set (dev) or clear (NULL) vm->mmio_direct; only while no vCPU runs. */
void vm_set_mmio_direct(struct vm *vm, u64 base, u64 size, struct device *dev);

/* Drive an input line of the in-kernel IRQ chip (KVM_IRQ_LINE). */
int vm_irq_line(struct vm *vm, u32 gsi, int level);

/*
 * What the platform devices report, as the architecture wires them:
 * a power off, reset or panic stops the VM with its reason and status; the
 * guest's debug exit stops it with the guest's status (and the guest-exit
 * event). Any thread.
 */
void vm_power_event(struct vm *vm, enum power_event ev);
void vm_guest_exit(struct vm *vm, u8 code);

/* The --stats table: exits per vCPU and kind, accesses per device. */
void vm_print_stats(const struct vm *vm, FILE *f);

#endif
