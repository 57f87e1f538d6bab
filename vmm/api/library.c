// SPDX-License-Identifier: MIT
/*
 * library.c - the library's public API (include/tinyvmm.h): the machine's
 * creation from its description, the run's thread and state, stop, pause,
 * status and stats. The run itself is library_run.c; the description's
 * copy and checks are config.c; the events file of a run split in two
 * processes (the sandbox) is split_events.c.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmm/sandbox/seccomp.h"
#include "vmm/api/config.h"
#include "vmm/api/library.h"
#include "vmm/base/err.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/log.h"
#include "vmm/base/regex_bound.h"
#include "vmm/base/thread.h"
#include "vmm/base/version.h"
#include "vmm/core/events.h"
#include "vmm/pci/passthrough.h"

_Static_assert(TINYVMM_EXIT_POWEROFF == EXIT_POWEROFF && TINYVMM_EXIT_USAGE == EXIT_USAGE &&
		   TINYVMM_EXIT_HOST == EXIT_HOST && TINYVMM_EXIT_CRASH == EXIT_CRASH &&
		   TINYVMM_EXIT_TIMEOUT == EXIT_TIMEOUT &&
		   TINYVMM_EXIT_EXPECT_FAILED == EXIT_EXPECT_FAILED &&
		   TINYVMM_EXIT_SIGNAL_BASE == EXIT_SIGNAL_BASE,
	       "tinyvmm.h's exit codes are exitcode.h's");
_Static_assert(VCPU_EXIT_KINDS <= TINYVMM_EXIT_KINDS_MAX, "tinyvmm_stats holds every exit kind");
_Static_assert(TINYVMM_ERR_USER == ERR_USER, "tinyvmm.h's error mark is err.h's");
_Static_assert((int)TINYVMM_LOG_ERR == LOG_ERR && (int)TINYVMM_LOG_WARN == LOG_WARN &&
		   (int)TINYVMM_LOG_INFO == LOG_INFO && (int)TINYVMM_LOG_DEBUG == LOG_DEBUG,
	       "tinyvmm.h's log levels are log.h's");

int tinyvmm_api_version(void)
{
	return TINYVMM_API_VERSION;
}

const char *tinyvmm_version(void)
{
	return TINYVMM_VERSION;
}

static tinyvmm_log_fn log_fn;

/* The log sink that hands each line to the caller's callback. */
static void log_to_callback(void *opaque, enum log_level level, const char *msg)
{
	log_fn(opaque, (enum tinyvmm_log_level)level, msg);
}

void tinyvmm_set_log_callback(tinyvmm_log_fn fn, void *opaque)
{
	log_set_sink(NULL, NULL); /* no call to the old callback from here on */
	log_fn = fn;
	if (fn)
		log_set_sink(log_to_callback, opaque);
}

/* ---- configuration ---- */

static int tinyvmm_alloc(struct tinyvmm **out)
{
	struct tinyvmm *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return err_host(-ENOMEM, "create: out of memory");
	t->done_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->done_efd < 0) {
		r = -errno;
		free(t);
		return err_host(r, "create: eventfd: %s", strerror(-r));
	}
	pthread_mutex_init(&t->vm_lock, NULL);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->done_cond, NULL);
	{
		pthread_condattr_t a;

		pthread_condattr_init(&a);
		pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
		pthread_cond_init(&t->stop_cond, &a);
		pthread_condattr_destroy(&a);
	}
	t->kernel = (struct input_file)INPUT_FILE_INIT("kernel");
	t->initrd = (struct input_file)INPUT_FILE_INIT("initrd");
	t->log_fd = -1;
	t->exit_code = -1;
	*out = t;
	return 0;
}

static void tinyvmm_free(struct tinyvmm *t)
{
	input_file_close(&t->kernel);
	input_file_close(&t->initrd);
	if (t->has_expect_re)
		regfree(&t->expect_re);
	if (t->has_cfg)
		config_free(&t->cfg);
	close(t->done_efd);
	pthread_cond_destroy(&t->done_cond);
	pthread_cond_destroy(&t->stop_cond);
	pthread_mutex_destroy(&t->lock);
	pthread_mutex_destroy(&t->vm_lock);
	free(t);
}

/* What create opens and compiles: the kernel, the initrd, the expect regex. */
static int open_inputs(struct tinyvmm *t)
{
	const struct tinyvmm_config *c = &t->cfg;
	int r = input_file_open(&t->kernel, c->kernel);

	if (r == 0 && c->initrd)
		r = input_file_open(&t->initrd, c->initrd);
	if (r == 0 && c->expect) {
		char big[160];

		if (regex_bound_check(c->expect, big, sizeof(big)) < 0)
			return err_user(-EINVAL,
					"--expect %.64s%s: too costly to compile or match: %s",
					c->expect, strlen(c->expect) > 64 ? "..." : "", big);
		r = regcomp(&t->expect_re, c->expect, REG_EXTENDED | REG_NOSUB);
		if (r) {
			char why[128];

			regerror(r, &t->expect_re, why, sizeof(why));
			return err_user(-EINVAL,
					"--expect %s: not a valid extended regular expression: %s",
					c->expect, why);
		}
		t->has_expect_re = true;
	}
	return r;
}

int tinyvmm_create(const struct tinyvmm_config *cfg, struct tinyvmm **out)
{
	struct tinyvmm *t = NULL;
	int r;

	if (!cfg || !out)
		return -EINVAL;
	*out = NULL;
	r = tinyvmm_alloc(&t);
	if (r < 0)
		return r;
	r = config_copy(&t->cfg, cfg);
	if (r < 0)
		goto err;
	t->has_cfg = true;
	sb_malloc_prepare(t->cfg.seccomp); /* before the run's threads start */
	r = config_check(&t->cfg);
	if (r == 0)
		r = open_inputs(t);
	if (r < 0)
		goto err;
	if (t->cfg.verbose)
		log_set_level(LOG_DEBUG);
	*out = t;
	return 0;
err:
	tinyvmm_free(t);
	return r;
}

/* Lock t for a setting made before the run only: 0 (locked), or -EBUSY. */
static int lock_before_run(struct tinyvmm *t)
{
	pthread_mutex_lock(&t->lock);
	if (t->phase == TINYVMM_PHASE_CREATED)
		return 0;
	pthread_mutex_unlock(&t->lock);
	return -EBUSY;
}

int tinyvmm_add_vf(struct tinyvmm *t, const char *vf)
{
	struct tinyvmm_vf v;
	int r;

	if (!t || !vf)
		return -EINVAL;
	r = tinyvmm_vf_parse(vf, &v);
	if (r < 0)
		return r;
	r = lock_before_run(t);
	if (r < 0)
		return r;
	r = config_add_vf(&t->cfg, &v, vf);
	pthread_mutex_unlock(&t->lock);
	return r;
}

int tinyvmm_set_event_callback(struct tinyvmm *t, tinyvmm_event_fn fn, void *opaque)
{
	if (!t)
		return -EINVAL;
	if (lock_before_run(t) < 0)
		return -EBUSY;
	t->event_fn = fn;
	t->event_opaque = opaque;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int tinyvmm_seccomp_thread(enum tinyvmm_seccomp mode)
{
	int r = config_check_seccomp(mode);

	if (r < 0)
		return r;
	sb_malloc_prepare(mode);
	return sb_enter(mode, SB_MAIN);
}

int tinyvmm_set_host_ops(struct tinyvmm *t, const struct tinyvmm_host_ops *ops, void *opaque)
{
	if (!t || !ops)
		return -EINVAL;
	if (lock_before_run(t) < 0)
		return -EBUSY;
	t->host_ops = *ops;
	t->host_opaque = opaque;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int tinyvmm_set_clock_start(struct tinyvmm *t, const struct timespec *t0)
{
	struct timespec now;

	/* a real CLOCK_MONOTONIC time, not after now: the clock's sums stay in range */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!t || !t0 || t0->tv_sec < 0 || t0->tv_nsec < 0 || t0->tv_nsec >= 1000000000L ||
	    t0->tv_sec > now.tv_sec || (t0->tv_sec == now.tv_sec && t0->tv_nsec > now.tv_nsec))
		return -EINVAL;
	if (lock_before_run(t) < 0)
		return -EBUSY;
	t->t0 = *t0;
	t->t0_given = true;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* ---- the run ---- */

/* CREATED -> RUNNING; -EBUSY if it ran already. */
static int run_begin(struct tinyvmm *t)
{
	int r = 0;

	pthread_mutex_lock(&t->lock);
	if (t->phase != TINYVMM_PHASE_CREATED) {
		r = -EBUSY;
	} else {
		t->phase = TINYVMM_PHASE_RUNNING;
		if (!t->t0_given)
			clock_gettime(CLOCK_MONOTONIC, &t->t0);
	}
	pthread_mutex_unlock(&t->lock);
	return r;
}

/* RUNNING -> STOPPED with the status; the last touch of t by the run. */
static void run_end(struct tinyvmm *t, int code)
{
	pthread_mutex_lock(&t->lock);
	t->exit_code = code;
	t->reason = t->run_reason ? t->run_reason : exit_code_name(code);
	t->end_uptime = events_since(&t->t0);
	t->phase = TINYVMM_PHASE_STOPPED;
	if (eventfd_write(t->done_efd, 1) < 0)
		log_err("run: cannot signal its end: %s", strerror(errno));
	pthread_cond_broadcast(&t->done_cond);
	pthread_mutex_unlock(&t->lock);
}

/* SIGPIPE blocked on the threads that run the VM: a dead pipe is EPIPE. */
static void block_sigpipe(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

int tinyvmm_run(struct tinyvmm *t)
{
	sigset_t old, pending, pipe_only;
	bool was_pending;
	int code, r;

	if (!t)
		return -EINVAL;
	r = run_begin(t);
	if (r < 0)
		return r;
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	block_sigpipe(&old);
	code = library_run(t);
	sigpending(&pending);
	if (!sigismember(&old, SIGPIPE) && !was_pending && sigismember(&pending, SIGPIPE)) {
		/* Raised by our writes while blocked: not the caller's to receive. */
		struct timespec zero = {0, 0};

		sigemptyset(&pipe_only);
		sigaddset(&pipe_only, SIGPIPE);
		sigtimedwait(&pipe_only, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	run_end(t, code);
	return code;
}

static void *run_thread(void *arg)
{
	struct tinyvmm *t = arg;
	sigset_t old;

	pthread_setname_np(pthread_self(), "tinyvmm-run");
	block_sigpipe(&old);
	run_end(t, library_run(t));
	return NULL;
}

int tinyvmm_start(struct tinyvmm *t)
{
	int r;

	if (!t)
		return -EINVAL;
	r = run_begin(t);
	if (r < 0)
		return r;
	r = -pthread_create(&t->thread, NULL, run_thread, t);
	pthread_mutex_lock(&t->lock);
	if (r < 0) {
		log_err("run: cannot start its thread: %s", thread_why(-r));
		t->phase = TINYVMM_PHASE_CREATED; /* nothing ran: it may be tried again */
		t->stop_pending = false;
	} else {
		t->has_thread = true;
	}
	pthread_mutex_unlock(&t->lock);
	return r;
}

int tinyvmm_wait(struct tinyvmm *t)
{
	int code;

	if (!t)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	if (t->phase == TINYVMM_PHASE_CREATED) {
		pthread_mutex_unlock(&t->lock);
		return -ESRCH;
	}
	while (t->phase != TINYVMM_PHASE_STOPPED)
		pthread_cond_wait(&t->done_cond, &t->lock);
	if (t->has_thread && !t->joined) {
		t->joined = true;
		pthread_mutex_unlock(&t->lock);
		pthread_join(t->thread, NULL);
		pthread_mutex_lock(&t->lock);
	}
	code = t->exit_code;
	pthread_mutex_unlock(&t->lock);
	return code;
}

/* ---- stop, pause ---- */

static int request_stop(struct tinyvmm *t, enum vm_stop_reason why, int code)
{
	int r = 0;

	pthread_mutex_lock(&t->lock);
	if (t->phase == TINYVMM_PHASE_CREATED) {
		r = -ESRCH;
	} else if (t->phase == TINYVMM_PHASE_RUNNING) {
		if (!t->stop_pending) { /* the first stop asked wins */
			t->stop_pending = true;
			t->stop_why = why;
			t->stop_code = code;
			pthread_cond_broadcast(&t->stop_cond);
		}
		if (t->vm)
			vm_stop(t->vm, why, code);
	}
	pthread_mutex_unlock(&t->lock);
	return r;
}

int tinyvmm_stop(struct tinyvmm *t)
{
	if (!t)
		return -EINVAL;
	log_debug("run: stop requested");
	return request_stop(t, VM_STOP_API, EXIT_POWEROFF);
}

int tinyvmm_stop_signal(struct tinyvmm *t, int signo)
{
	if (!t || signo < 1 || signo > 64)
		return -EINVAL;
	return request_stop(t, VM_STOP_SIGNAL, EXIT_SIGNAL_BASE + signo);
}

int tinyvmm_wait_fd(const struct tinyvmm *t)
{
	return t ? t->done_efd : -EINVAL;
}

void tinyvmm_attach_vm(struct tinyvmm *t, struct vm *vm)
{
	pthread_mutex_lock(&t->vm_lock);
	pthread_mutex_lock(&t->lock);
	if (t->vm && !vm) { /* detach: keep its counts for tinyvmm_stats() */
		for (int k = 0; k < VCPU_EXIT_KINDS; k++) {
			t->last_exits[k] = 0;
			for (unsigned int i = 0; i < t->vm->nr_vcpus; i++)
				t->last_exits[k] += t->vm->vcpus[i].exits[k];
		}
		t->last_vcpus = t->vm->nr_vcpus;
	}
	t->vm = vm;
	if (vm && t->stop_pending)
		vm_stop(vm, t->stop_why, t->stop_code); /* before its vCPUs start */
	pthread_mutex_unlock(&t->lock);
	pthread_mutex_unlock(&t->vm_lock);
}

bool tinyvmm_stop_asked(struct tinyvmm *t, enum vm_stop_reason *why, int *code)
{
	bool asked;

	pthread_mutex_lock(&t->lock);
	asked = t->stop_pending;
	*why = t->stop_why;
	*code = t->stop_code;
	pthread_mutex_unlock(&t->lock);
	return asked;
}

bool tinyvmm_wait_stop(struct tinyvmm *t, unsigned int ms)
{
	struct timespec until;
	bool asked;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&t->lock);
	while (!t->stop_pending &&
	       pthread_cond_timedwait(&t->stop_cond, &t->lock, &until) != ETIMEDOUT)
		;
	asked = t->stop_pending;
	pthread_mutex_unlock(&t->lock);
	return asked;
}

/* The attached VM if it is running, else NULL; under t->lock or t->vm_lock. */
static struct vm *running_vm(struct tinyvmm *t)
{
	return t->vm && vm_stop_reason(t->vm) == VM_RUNNING ? t->vm : NULL;
}

int tinyvmm_pause(struct tinyvmm *t)
{
	struct vm *vm;
	int r;

	if (!t)
		return -EINVAL;
	pthread_mutex_lock(&t->vm_lock); /* keeps the VM attached while we wait */
	vm = running_vm(t);
	r = vm ? vm_pause(vm) : -ESRCH;
	pthread_mutex_unlock(&t->vm_lock);
	return r;
}

int tinyvmm_resume(struct tinyvmm *t)
{
	struct vm *vm;

	if (!t)
		return -EINVAL;
	pthread_mutex_lock(&t->vm_lock);
	vm = running_vm(t);
	if (vm)
		vm_resume(vm);
	pthread_mutex_unlock(&t->vm_lock);
	return vm ? 0 : -ESRCH;
}

/* ---- VF hotplug ---- */

int tinyvmm_vf_attach(struct tinyvmm *t, const char *spec, struct tinyvmm_vf_hotplug *out)
{
	struct tinyvmm_vf o;
	struct vm *vm;
	u8 slot = 0;
	int r;

	if (!t || !spec || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	log_capture(out->error, sizeof(out->error));
	r = tinyvmm_vf_parse(spec, &o);
	log_capture(NULL, 0);
	if (r < 0)
		return r;
	pthread_mutex_lock(&t->vm_lock); /* keeps the VM attached */
	vm = running_vm(t);
	if (vm && vm->pt)
		r = passthrough_hot_add(vm->pt, &o, &slot, out->error, sizeof(out->error));
	else
		r = -ESRCH;
	pthread_mutex_unlock(&t->vm_lock);
	if (r == -ESRCH && !out->error[0])
		snprintf(out->error, sizeof(out->error), "no VM is running");
	if (r == 0) {
		snprintf(out->bdf, sizeof(out->bdf), "%s", o.bdf);
		out->slot = slot;
	}
	return r;
}

int tinyvmm_vf_detach(struct tinyvmm *t, const char *bdf, unsigned int slot, double timeout,
		      bool force, struct tinyvmm_vf_hotplug *out)
{
	enum passthrough_detach_why why = PT_DETACH_API;
	struct passthrough_dev gone;
	struct vm *vm;
	int r;

	if (!t || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!(timeout >= 0) || timeout > PT_REMOVE_TIMEOUT_MAX) {
		snprintf(out->error, sizeof(out->error), "timeout: 0 < t <= %g seconds",
			 PT_REMOVE_TIMEOUT_MAX);
		return -EINVAL;
	}
	pthread_mutex_lock(&t->vm_lock);
	vm = running_vm(t);
	if (vm && vm->pt)
		r = passthrough_hot_remove(vm->pt, bdf ? bdf : "", slot,
					   timeout > 0 ? timeout : PT_REMOVE_TIMEOUT, force, &gone,
					   &why, out->error, sizeof(out->error));
	else
		r = -ESRCH;
	pthread_mutex_unlock(&t->vm_lock);
	if (r == -ESRCH && !out->error[0])
		snprintf(out->error, sizeof(out->error), "no VM is running");
	if (r == 0) {
		snprintf(out->bdf, sizeof(out->bdf), "%s", gone.bdf);
		out->slot = gone.slot;
		out->reason = passthrough_detach_why_name(why);
	}
	return r;
}

/* ---- status ---- */

int tinyvmm_status(struct tinyvmm *t, struct tinyvmm_status *st)
{
	struct vm *vm;

	if (!t || !st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&t->lock);
	st->exit_code = -1;
	st->boots = __atomic_load_n(&t->boots, __ATOMIC_RELAXED);
	switch (t->phase) {
	case TINYVMM_PHASE_CREATED:
		st->state = TINYVMM_CREATED;
		st->reason = "created";
		break;
	case TINYVMM_PHASE_RUNNING:
		vm = running_vm(t);
		st->state = vm && vm_paused(vm) ? TINYVMM_PAUSED : TINYVMM_RUNNING;
		st->reason = st->state == TINYVMM_PAUSED ? "paused" : "running";
		st->uptime = events_since(&t->t0);
		break;
	case TINYVMM_PHASE_STOPPED:
		st->state = TINYVMM_STOPPED;
		st->reason = t->reason;
		st->exit_code = t->exit_code;
		st->uptime = t->end_uptime;
		break;
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int tinyvmm_stats(struct tinyvmm *t, struct tinyvmm_stats *st)
{
	if (!t || !st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->nr_kinds = VCPU_EXIT_KINDS;
	for (int k = 0; k < VCPU_EXIT_KINDS; k++)
		st->exit_names[k] = vcpu_exit_kind_names[k];
	pthread_mutex_lock(&t->lock);
	if (t->vm) {
		st->vcpus = t->vm->nr_vcpus;
		for (unsigned int i = 0; i < t->vm->nr_vcpus; i++)
			for (int k = 0; k < VCPU_EXIT_KINDS; k++)
				st->exits[k] +=
				    __atomic_load_n(&t->vm->vcpus[i].exits[k], __ATOMIC_RELAXED);
	} else {
		st->vcpus = t->last_vcpus;
		for (int k = 0; k < VCPU_EXIT_KINDS; k++)
			st->exits[k] = t->last_exits[k];
	}
	st->boots = __atomic_load_n(&t->boots, __ATOMIC_RELAXED);
	st->boot_to_marker = __atomic_load_n(&t->matched, __ATOMIC_ACQUIRE) ? t->marker_ts : -1;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

void tinyvmm_destroy(struct tinyvmm *t)
{
	if (!t)
		return;
	if (request_stop(t, VM_STOP_API, EXIT_POWEROFF) == 0)
		tinyvmm_wait(t); /* gives back the VFs, closes everything */
	tinyvmm_free(t);
}
