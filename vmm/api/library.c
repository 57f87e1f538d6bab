// SPDX-License-Identifier: MIT
/*
 * library.c - the library's public API (include/tinyvmm.h) and the
 * command's internal entries (library_cmd.h): the configuration, the
 * run's thread and state, stop, pause, status and stats. The run itself is
 * library_run.c.
 *
 * tinyvmm_create() turns struct tinyvmm_config into a command line and
 * parses it with cli_parse(), so the library and the command share one set
 * of checks and messages; t->argv owns the strings the config points into.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmm/core/events.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/log.h"
#include "vmm/api/library_cmd.h"
#include "vmm/api/library.h"

_Static_assert(TINYVMM_EXIT_POWEROFF == EXIT_POWEROFF && TINYVMM_EXIT_USAGE == EXIT_USAGE &&
		   TINYVMM_EXIT_HOST == EXIT_HOST && TINYVMM_EXIT_CRASH == EXIT_CRASH &&
		   TINYVMM_EXIT_TIMEOUT == EXIT_TIMEOUT &&
		   TINYVMM_EXIT_EXPECT_FAILED == EXIT_EXPECT_FAILED &&
		   TINYVMM_EXIT_SIGNAL_BASE == EXIT_SIGNAL_BASE,
	       "tinyvmm.h's exit codes are exitcode.h's");
_Static_assert(VCPU_EXIT_KINDS <= TINYVMM_EXIT_KINDS_MAX, "tinyvmm_stats holds every exit kind");

#define MAX_ARGS 32 /* the synthesized command line: 15 options at most */

int tinyvmm_api_version(void)
{
	return TINYVMM_API_VERSION;
}

const char *tinyvmm_version(void)
{
	return TINYVMM_VERSION;
}

/* ---- configuration ---- */

static void free_argv(char **argv, int argc)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Append "--name=value" (value NULL: "--name") to argv; -ENOMEM. */
static int add_arg(char **argv, int *argc, const char *name, const char *value)
{
	char *s;
	int n = value ? asprintf(&s, "--%s=%s", name, value) : asprintf(&s, "--%s", name);

	if (n < 0)
		return -ENOMEM;
	argv[(*argc)++] = s;
	return 0;
}

/* A double as text that reads back as the same value. */
static void format_double(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, len, "%.17g", v);
}

/* The command line that says what cfg says; *argv NULL on -ENOMEM. */
static int config_argv(const struct tinyvmm_config *cfg, char ***argvp, int *argcp)
{
	char **argv = calloc(MAX_ARGS, sizeof(*argv));
	char num[64];
	int argc = 0, r = 0;

	if (!argv)
		return -ENOMEM;
	argv[argc] = strdup("tinyvmm");
	if (!argv[argc++])
		r = -ENOMEM;
	if (!r && cfg->kernel)
		r = add_arg(argv, &argc, "kernel", cfg->kernel);
	if (!r && cfg->initrd)
		r = add_arg(argv, &argc, "initrd", cfg->initrd);
	if (!r && cfg->cmdline)
		r = add_arg(argv, &argc, "cmdline", cfg->cmdline);
	if (!r && cfg->mem_mib) {
		snprintf(num, sizeof(num), "%u", cfg->mem_mib);
		r = add_arg(argv, &argc, "mem", num);
	}
	if (!r && cfg->cpus) {
		snprintf(num, sizeof(num), "%u", cfg->cpus);
		r = add_arg(argv, &argc, "cpus", num);
	}
	if (!r && cfg->console)
		r = add_arg(argv, &argc, "console", cfg->console);
	if (!r && cfg->console_log)
		r = add_arg(argv, &argc, "console-log", cfg->console_log);
	if (!r && cfg->console_log_timestamps)
		r = add_arg(argv, &argc, "console-log-timestamps", NULL);
	if (!r && cfg->expect)
		r = add_arg(argv, &argc, "expect", cfg->expect);
	if (!r && cfg->timeout != 0) {
		format_double(num, sizeof(num), cfg->timeout);
		r = add_arg(argv, &argc, "timeout", num);
	}
	if (!r && cfg->events)
		r = add_arg(argv, &argc, "events", cfg->events);
	if (!r && cfg->api_socket)
		r = add_arg(argv, &argc, "api-socket", cfg->api_socket);
	if (!r && cfg->hugepages)
		r = add_arg(argv, &argc, "hugepages", NULL);
	if (!r && cfg->restart_on_reboot)
		r = add_arg(argv, &argc, "reboot", "restart");
	if (!r && cfg->stats)
		r = add_arg(argv, &argc, "stats", NULL);
	if (!r && cfg->verbose)
		r = add_arg(argv, &argc, "verbose", NULL);
	if (r < 0) {
		free_argv(argv, argc);
		return r;
	}
	*argvp = argv;
	*argcp = argc;
	return 0;
}

static int tinyvmm_alloc(struct tinyvmm **out)
{
	struct tinyvmm *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	t->done_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->done_efd < 0) {
		r = -errno;
		log_err("tinyvmm: eventfd: %s", strerror(-r));
		free(t);
		return r;
	}
	pthread_mutex_init(&t->vm_lock, NULL);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->done_cond, NULL);
	t->log_fd = -1;
	t->exit_code = -1;
	*out = t;
	return 0;
}

static void tinyvmm_free(struct tinyvmm *t)
{
	if (t->owns_cfg)
		cli_release(&t->own);
	free_argv(t->argv, t->argc);
	for (unsigned int i = 0; i < t->nr_vf_args; i++)
		free(t->vf_args[i]);
	close(t->done_efd);
	pthread_cond_destroy(&t->done_cond);
	pthread_mutex_destroy(&t->lock);
	pthread_mutex_destroy(&t->vm_lock);
	free(t);
}

int tinyvmm_create(const struct tinyvmm_config *cfg, struct tinyvmm **out)
{
	struct tinyvmm *t;
	int r;

	if (!cfg || !out)
		return -EINVAL;
	*out = NULL;
	r = tinyvmm_alloc(&t);
	if (r < 0)
		return r;
	r = config_argv(cfg, &t->argv, &t->argc);
	if (r < 0)
		goto err;
	r = cli_parse(t->argc, t->argv, &t->own);
	if (r) {
		r = -EINVAL; /* logged; 1 (--help) cannot come from our argv */
		goto err;
	}
	t->owns_cfg = true;
	t->cfg = &t->own;
	if (t->cfg->verbose)
		log_set_level(LOG_DEBUG);
	*out = t;
	return 0;
err:
	tinyvmm_free(t);
	return r;
}

int tinyvmm_create_from_config(struct config *cfg, const struct timespec *t0,
			       struct tinyvmm **out)
{
	struct tinyvmm *t;
	int r = tinyvmm_alloc(&t);

	if (r < 0)
		return r;
	t->cfg = cfg;
	t->stdin_console = true;
	t->t0 = *t0;
	t->t0_given = true;
	if (cfg->verbose)
		log_set_level(LOG_DEBUG);
	*out = t;
	return 0;
}

int tinyvmm_add_vf(struct tinyvmm *t, const char *vf)
{
	char *arg;
	int r;

	if (!t || !vf)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	if (t->phase != TINYVMM_PHASE_CREATED) {
		r = -EBUSY;
		goto out;
	}
	arg = strdup(vf); /* vfs[].arg points into it, for messages */
	if (!arg) {
		r = -ENOMEM;
		goto out;
	}
	r = cli_add_vf(t->cfg, arg);
	if (r < 0)
		free(arg);
	else
		t->vf_args[t->nr_vf_args++] = arg; /* at most CLI_MAX_VFS: cli_add_vf() checks */
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

int tinyvmm_set_event_callback(struct tinyvmm *t, tinyvmm_event_fn fn, void *opaque)
{
	int r = 0;

	if (!t)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	if (t->phase != TINYVMM_PHASE_CREATED) {
		r = -EBUSY;
	} else {
		t->event_fn = fn;
		t->event_opaque = opaque;
	}
	pthread_mutex_unlock(&t->lock);
	return r;
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
		log_err("tinyvmm: cannot signal the end of the run: %s", strerror(errno));
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
	code = tinyvmm_run_main(t);
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
	run_end(t, tinyvmm_run_main(t));
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
		log_err("tinyvmm: cannot start the run's thread: %s", strerror(-r));
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
	log_debug("tinyvmm: stop requested");
	return request_stop(t, VM_STOP_API, EXIT_POWEROFF);
}

int tinyvmm_stop_signal(struct tinyvmm *t, int signo)
{
	return request_stop(t, VM_STOP_SIGNAL, EXIT_SIGNAL_BASE + signo);
}

int tinyvmm_done_fd(const struct tinyvmm *t)
{
	return t->done_efd;
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
				st->exits[k] += __atomic_load_n(&t->vm->vcpus[i].exits[k],
								__ATOMIC_RELAXED);
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
