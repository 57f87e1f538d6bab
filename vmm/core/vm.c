// SPDX-License-Identifier: MIT
/* vm.c - the KVM virtual machine and its platform; see vm.h. */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "devices/power.h"
#include "vmm/base/host_open.h"
#include "vmm/arch/arch.h"
#include "vmm/core/console.h"
#include "vmm/core/events.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/core/vcpu.h"
#include "vmm/core/vm.h"

#define KVM_API_VERSION_NEEDED 12
#define JOIN_KICK_NS	       100000000L /* re-kick a vCPU that has not left KVM_RUN */
#define PAUSE_TRIES	       20	  /* vm_pause() waits 20 x JOIN_KICK_NS at most */

static const char *const stop_reason_names[VM_STOP_REASONS] = {
    [VM_RUNNING] = "running",	   [VM_STOP_POWEROFF] = "poweroff",
    [VM_STOP_RESET] = "reset",	   [VM_STOP_PANIC] = "panic",
    [VM_STOP_CRASH] = "crash",	   [VM_STOP_HALT] = "halt",
    [VM_STOP_ERROR] = "error",	   [VM_STOP_SIGNAL] = "signal",
    [VM_STOP_QUIT] = "quit",	   [VM_STOP_GUEST_EXIT] = "guest-exit",
    [VM_STOP_TIMEOUT] = "timeout", [VM_STOP_EXPECT] = "expect-matched",
    [VM_STOP_API] = "api-stop",
};
_Static_assert(ARRAY_SIZE(stop_reason_names) == VM_STOP_REASONS, "name every stop reason");

const char *vm_stop_reason_name(enum vm_stop_reason why)
{
	if ((unsigned int)why < VM_STOP_REASONS && stop_reason_names[why])
		return stop_reason_names[why];
	return "?";
}

/* ---- stopping ---- */

bool vm_stop(struct vm *vm, enum vm_stop_reason why, int exit_code)
{
	int expected = 0, state = (int)why << 8 | (exit_code & 0xff);

	if (!__atomic_compare_exchange_n(&vm->stop_state, &expected, state, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return false;
	log_debug("vm: stopping (%s, exit code %d)", vm_stop_reason_name(why), exit_code & 0xff);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	/* Parked vCPUs (and a vm_pause() waiting for them) see the stop. */
	pthread_mutex_lock(&vm->pause_lock);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
	if (vm->stop_efd >= 0 && eventfd_write(vm->stop_efd, 1) < 0)
		LOG_ONCE(LOG_ERR, "vm: cannot signal the stop eventfd: %s", strerror(errno));
	return true;
}

int vm_exit_code(const struct vm *vm)
{
	return __atomic_load_n(&vm->stop_state, __ATOMIC_ACQUIRE) & 0xff;
}

/* ---- pausing ---- */

/* Now + ns on CLOCK_REALTIME (the condition variable's clock). */
static struct timespec deadline_in(long ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ns;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static unsigned int started_vcpus(const struct vm *vm)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		n += __atomic_load_n(&vm->vcpus[i].started, __ATOMIC_ACQUIRE);
	return n;
}

int vm_pause(struct vm *vm)
{
	int r = 0;

	pthread_mutex_lock(&vm->pause_lock);
	if (!vm->paused) {
		__atomic_store_n(&vm->paused, true, __ATOMIC_RELEASE);
		__atomic_add_fetch(&vm->pause_seq, 1, __ATOMIC_ACQ_REL);
	}
	for (int tries = 0;; tries++) {
		struct timespec ts;

		if (vm_stop_reason(vm) != VM_RUNNING) {
			r = -ESRCH;
			break;
		}
		if (vm->parked >= started_vcpus(vm))
			break;
		if (tries == PAUSE_TRIES) {
			r = -ETIMEDOUT;
			break;
		}
		/* Kicking a parked vCPU is harmless: it clears immediate_exit on resume. */
		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			vcpu_kick(&vm->vcpus[i]);
		ts = deadline_in(JOIN_KICK_NS);
		pthread_cond_timedwait(&vm->pause_cond, &vm->pause_lock, &ts);
	}
	pthread_mutex_unlock(&vm->pause_lock);
	return r;
}

void vm_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	__atomic_store_n(&vm->paused, false, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

bool vm_paused(const struct vm *vm)
{
	return __atomic_load_n(&vm->paused, __ATOMIC_ACQUIRE);
}

/* Whether vCPUs wait at their pause point: a pause, or vm_start() not done. */
static bool held(const struct vm *vm)
{
	return vm->paused || vm->starting;
}

void vm_pause_point(struct vcpu *v)
{
	struct vm *vm = v->vm;

	/* The fast path, every exit: no pause asked since this vCPU last looked. */
	if (__atomic_load_n(&vm->pause_seq, __ATOMIC_ACQUIRE) == v->pause_seen)
		return;
	pthread_mutex_lock(&vm->pause_lock);
	v->pause_seen = vm->pause_seq;
	if (held(vm) && vm_stop_reason(vm) == VM_RUNNING) {
		vm->parked++;
		pthread_cond_broadcast(&vm->pause_cond);
		while (held(vm) && vm_stop_reason(vm) == VM_RUNNING)
			pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
		vm->parked--;
	}
	/* The pause kicked this vCPU (immediate_exit): let KVM_RUN run again,
	 * unless the VM is stopping (vm_join() re-kicks anyway). */
	if (v->run && vm_stop_reason(vm) == VM_RUNNING)
		__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&vm->pause_lock);
}

/* ---- callbacks from devices ---- */

void vm_set_mmio_direct(struct vm *vm, u64 base, u64 size, struct device *dev)
{
	vm->mmio_direct.base = base;
	vm->mmio_direct.size = dev ? size : 0;
	vm->mmio_direct.dev = dev;
}

int vm_irq_line(struct vm *vm, u32 gsi, int level)
{
	struct kvm_irq_level l = {.irq = gsi, .level = (u32)level};

	return ioctl_ptr(vm->vm_fd, KVM_IRQ_LINE, &l);
}

void vm_power_event(struct vm *vm, enum power_event ev)
{
	switch (ev) {
	case POWER_OFF:
		vm_stop(vm, VM_STOP_POWEROFF, EXIT_POWEROFF);
		break;
	case POWER_RESET:
		vm_stop(vm, VM_STOP_RESET, EXIT_POWEROFF);
		break;
	case POWER_PANIC:
		vm_stop(vm, VM_STOP_PANIC, EXIT_CRASH);
		break;
	}
}

void vm_guest_exit(struct vm *vm, u8 code)
{
	bool first = vm_stop_reason(vm) == VM_RUNNING;

	log_debug("debug-exit: guest wrote status %u", code);
	if (first)
		events_emit_int(vm->events, "guest-exit", "code", code);
	if (code > EXIT_GUEST_LAST) {
		/* 64 and up are tinyvmm's own statuses (and 128+N a signal's) */
		if (first)
			log_warn("debug-exit: the guest wrote status %u, but guests have 0..%d; "
				 "exiting with %d",
				 code, EXIT_GUEST_LAST, EXIT_GUEST_RANGE);
		vm_stop(vm, VM_STOP_GUEST_EXIT, EXIT_GUEST_RANGE);
		return;
	}
	vm_stop(vm, VM_STOP_GUEST_EXIT, code);
}

/* ---- creation ---- */

static int kvm_open(struct vm *vm)
{
	int r;

	vm->kvm_fd = host_open("/dev/kvm", O_RDWR | O_CLOEXEC, 0);
	if (vm->kvm_fd < 0) {
		r = -errno;
		if (r == -EACCES || r == -EPERM)
			log_err("/dev/kvm: %s; add yourself to the kvm group (or run as root)",
				strerror(-r));
		else if (r == -ENOENT || r == -ENODEV || r == -ENXIO)
			log_err("/dev/kvm: %s; load kvm_intel or kvm_amd and enable "
				"virtualization in the firmware",
				strerror(-r));
		else
			log_err("/dev/kvm: %s", strerror(-r));
		return r;
	}
	r = ioctl_val(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION_NEEDED) {
		log_err("/dev/kvm: KVM API version %d, tinyvmm needs %d", r,
			KVM_API_VERSION_NEEDED);
		return -ENOTSUP;
	}
	return 0;
}

/* clang-format off */
#define CAP(c) {c, #c}
/* clang-format on */
/* What every architecture needs; arch_vm_check() adds its own. */
static const struct {
	long cap;
	const char *name;
} required_caps[] = {
    CAP(KVM_CAP_USER_MEMORY),
    CAP(KVM_CAP_IRQFD),
    CAP(KVM_CAP_IRQ_ROUTING),
};

static int check_caps(struct vm *vm)
{
	int max;

	for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++)
		if (ioctl_val(vm->kvm_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			return err_host(-ENOTSUP,
					"/dev/kvm: no %s; tinyvmm needs KVM with an "
					"in-kernel IRQ chip",
					required_caps[i].name);
	int r = arch_vm_check(vm);

	if (r < 0)
		return r;
	max = ioctl_val(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max <= 0)
		max = ioctl_val(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 4; /* what the KVM API documents when neither is there */
	if (vm->want_cpus > (unsigned int)max)
		return err_user(-ERANGE,
				"vm: %u vCPUs asked for, but this host's KVM supports at "
				"most %d; ask for fewer",
				vm->want_cpus, max);
	vm->immediate_exit = ioctl_val(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) > 0;
	return 0;
}

/* Log "vm: WHAT: error" for a failed ioctl and pass the error on. */
static int vm_ioctl_check(int r, const char *what)
{
	if (r < 0)
		log_err("vm: %s: %s", what, strerror(-r));
	return r < 0 ? r : 0;
}

static int create_vm(struct vm *vm)
{
	vm->vm_fd = ioctl_val(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return vm_ioctl_check(vm->vm_fd, "KVM_CREATE_VM");
	return arch_vm_create(vm);
}

static int map_memory(struct vm *vm)
{
	int r = mem_create(&vm->mem, vm->want_ram, vm->want_hugepages);

	for (unsigned int i = 0; r == 0 && i < vm->mem.nr; i++) {
		struct kvm_userspace_memory_region reg = {
		    .slot = i,
		    .guest_phys_addr = vm->mem.ranges[i].gpa,
		    .memory_size = vm->mem.ranges[i].size,
		    .userspace_addr = (u64)(uintptr_t)vm->mem.hva[i],
		};

		r = vm_ioctl_check(ioctl_ptr(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &reg),
				   "KVM_SET_USER_MEMORY_REGION");
	}
	return r;
}

static int add_devices(struct vm *vm)
{
	int r;

	r = bus_init(&vm->pio, "pio");
	if (r == 0) {
		r = bus_init(&vm->mmio, "mmio");
		if (r < 0)
			bus_destroy(&vm->pio);
	}
	if (r < 0)
		return err_host(r, "vm: cannot create the buses: %s", strerror(-r));
	vm->buses_ready = true;
	return arch_vm_devices(vm);
}

static int create_vcpus(struct vm *vm)
{
	int r = ioctl_val(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (r < (int)sizeof(struct kvm_run)) {
		log_err("/dev/kvm: KVM_GET_VCPU_MMAP_SIZE: %s", r < 0 ? strerror(-r) : "too small");
		return r < 0 ? r : -EINVAL;
	}
	vm->run_size = (size_t)r;
	vm->vcpus = calloc(vm->want_cpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return err_host(-ENOMEM, "vm: out of memory for %u vCPUs", vm->want_cpus);
	for (unsigned int i = 0; i < vm->want_cpus; i++) {
		vm->nr_vcpus = i + 1; /* so vm_destroy() cleans up a half-made one */
		r = vcpu_create(vm, i, &vm->vcpus[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int vm_create(struct vm *vm, u64 ram, unsigned int cpus, bool hugepages)
{
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->want_ram = ram;
	vm->want_cpus = cpus;
	vm->want_hugepages = hugepages;
	vm->kvm_fd = vm->vm_fd = -1;
	vm->pause_lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	vm->pause_cond = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
	vm->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_efd < 0) {
		r = -errno;
		log_err("vm: eventfd: %s", strerror(-r));
		return r;
	}
	r = kvm_open(vm);
	if (r == 0)
		r = check_caps(vm);
	if (r == 0)
		r = create_vm(vm);
	if (r == 0)
		r = map_memory(vm);
	if (r == 0)
		r = add_devices(vm);
	if (r == 0)
		r = create_vcpus(vm);
	if (r == 0)
		r = arch_vm_ready(vm);
	if (r == 0)
		log_debug("vm: %u vCPU(s), %llu MiB in %u range(s)%s", vm->nr_vcpus,
			  (unsigned long long)(vm->mem.size / MiB), vm->mem.nr,
			  vm->mem.hugepages ? " on 2 MiB huge pages" : "");
	return r;
}

/* ---- running ---- */

/* Hold (or let go) every vCPU at its first pause point. */
static void hold_vcpus(struct vm *vm, bool hold)
{
	pthread_mutex_lock(&vm->pause_lock);
	vm->starting = hold;
	if (hold)
		__atomic_add_fetch(&vm->pause_seq, 1, __ATOMIC_ACQ_REL);
	else
		pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

int vm_start(struct vm *vm)
{
	int r = 0;

	/*
	 * No vCPU runs until all have started: vCPU 0 could otherwise power
	 * the guest off before a later vCPU's thread failed to start, and the
	 * run would end as that poweroff (exit 0) with the failure logged.
	 */
	hold_vcpus(vm, true);
	/* Published to other threads by each vCPU's started flag (release). */
	clock_gettime(CLOCK_MONOTONIC, &vm->started_at);
	for (unsigned int i = 0; i < vm->nr_vcpus && r == 0; i++) {
		r = vcpu_start(&vm->vcpus[i]);
		if (r < 0)
			vm_stop(vm, VM_STOP_ERROR, EXIT_HOST);
	}
	hold_vcpus(vm, false);
	return r;
}

void vm_join(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->started)
			continue;
		for (;;) {
			struct timespec ts;
			int r;

			vcpu_kick(v);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += JOIN_KICK_NS;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			r = pthread_timedjoin_np(v->thread, NULL, &ts);
			if (r == 0)
				break;
			if (r != ETIMEDOUT) {
				log_err("vcpu %u: cannot join its thread: %s", i, strerror(r));
				break;
			}
		}
		__atomic_store_n(&v->started, false, __ATOMIC_RELEASE);
	}
}

void vm_destroy(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_destroy(&vm->vcpus[i]);
	free(vm->vcpus);
	vm->vcpus = NULL;
	vm->nr_vcpus = 0;
	if (vm->buses_ready) {
		bus_destroy(&vm->pio);
		bus_destroy(&vm->mmio);
		vm->buses_ready = false;
	}
	arch_vm_destroy(vm); /* its devices, once no bus points at them */
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
	mem_destroy(&vm->mem);
	if (vm->stop_efd >= 0)
		close(vm->stop_efd);
	vm->stop_efd = -1;
	pthread_cond_destroy(&vm->pause_cond);
	pthread_mutex_destroy(&vm->pause_lock);
}

/* ---- --stats ---- */

static void print_bus(const struct bus *b, FILE *f)
{
	for (size_t i = 0; i < b->nr; i++) {
		const struct bus_range *r = &b->ranges[i];

		fprintf(f, "  %-6s %#-10llx %-24s %12llu\n", b->name, (unsigned long long)r->base,
			r->dev->name,
			(unsigned long long)__atomic_load_n(&r->dev->accesses, __ATOMIC_RELAXED));
	}
	fprintf(f, "  %-6s %-10s %-24s %12llu\n", b->name, "-", "(unclaimed)",
		(unsigned long long)__atomic_load_n(&b->unclaimed, __ATOMIC_RELAXED));
}

void vm_print_stats(const struct vm *vm, FILE *f)
{
	u64 total[VCPU_EXIT_KINDS] = {0};

	fprintf(f, "tinyvmm stats: VM exits (stopped: %s)\n  %-6s",
		vm_stop_reason_name(vm_stop_reason(vm)), "vcpu");
	for (int k = 0; k < VCPU_EXIT_KINDS; k++)
		fprintf(f, " %12s", vcpu_exit_kind_names[k]);
	fputc('\n', f);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		fprintf(f, "  %-6u", i);
		for (int k = 0; k < VCPU_EXIT_KINDS; k++) {
			fprintf(f, " %12llu", (unsigned long long)vm->vcpus[i].exits[k]);
			total[k] += vm->vcpus[i].exits[k];
		}
		fputc('\n', f);
	}
	fprintf(f, "  %-6s", "total");
	for (int k = 0; k < VCPU_EXIT_KINDS; k++)
		fprintf(f, " %12llu", (unsigned long long)total[k]);
	fprintf(f, "\ntinyvmm stats: device accesses\n  %-6s %-10s %-24s %12s\n", "bus", "base",
		"device", "accesses");
	if (vm->buses_ready) {
		print_bus(&vm->pio, f);
		print_bus(&vm->mmio, f);
	}
}
