// SPDX-License-Identifier: MIT
/*
 * api_vm.c - the control API's operations on the running VM; see api.h.
 *
 * The server thread calls the handlers below with a->lock held, so a VM
 * is never detached (and destroyed) under a request. library_run.c attaches each
 * VM right after vm_create() and detaches it before vm_destroy(); with
 * --reboot=restart the same socket serves every boot.
 *
 * shutdown runs on a helper thread of its own, so the reply comes at once:
 * it sends the guest the magic SysRq keys s (sync), u (remount read-only)
 * and o (power off) on its serial console, each after a BREAK (Linux arms
 * SysRq for one key per BREAK), then waits for the VM to stop and stops it
 * hard when the timeout has passed.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/serial.h"
#include "vmm/sandbox/seccomp.h"
#include "vmm/api/api.h"
#include "vmm/core/events.h"
#include "vmm/base/err.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/json_write.h"
#include "vmm/base/log.h"
#include "vmm/base/version.h"
#include "vmm/pci/passthrough.h"
#include "vmm/base/thread.h"
#include "vmm/core/vcpu.h"
#include "vmm/core/vm.h"

#define SYSRQ_KEYS    "suo"
#define SYSRQ_GAP_MS  50  /* BREAK to its key */
#define SYSRQ_NEXT_MS 300 /* one key to the next BREAK: let sync and remount run */
#define PUSH_RETRY_MS 20  /* the guest's receive FIFO is full: try again */

struct api_vm_dev {
	char bdf[13];
	int slot; /* -1: not known (before the first VM) */
};

struct api_vm {
	const struct tinyvmm_config *cfg;
	struct api *api;
	pthread_mutex_t lock;
	struct vm *vm;		      /* attached, or NULL */
	bool ever;		      /* a VM was attached once */
	double last_uptime;	      /* the last VM's, at detach */
	enum vm_stop_reason last_why; /* ditto */
	bool stop_pending;	      /* stop asked between boots: stop the next one at once */
	unsigned int nr_devs;
	struct api_vm_dev devs[TINYVMM_MAX_VFS];
	struct passthrough *pt; /* the attached VM's PCI side: the VFs now, hotplug */

	/* The shutdown helper: at most one per attached VM. */
	pthread_t sd_thread;
	bool sd_running;
	int sd_cancel; /* eventfd: detach tells the helper to give up */
	double sd_timeout;
	struct timespec sd_t0;
};

/* ---- state ---- */

static bool vm_entered(const struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (__atomic_load_n(&vm->vcpus[i].started, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

static double uptime(const struct api_vm *a)
{
	if (!a->vm)
		return a->last_uptime;
	return vm_entered(a->vm) ? events_since(&a->vm->started_at) : 0;
}

static const char *state_name(const struct api_vm *a)
{
	if (!a->vm)
		return a->ever ? "stopped" : "starting";
	if (vm_stop_reason(a->vm) != VM_RUNNING)
		return "stopped";
	if (vm_paused(a->vm))
		return "paused";
	return vm_entered(a->vm) ? "running" : "starting";
}

static enum vm_stop_reason stop_why(const struct api_vm *a)
{
	return a->vm ? vm_stop_reason(a->vm) : a->last_why;
}

/* {"state": ..., "uptime": ..., "reason": ...} */
static int put_state(const struct api_vm *a, char *out, size_t cap)
{
	const char *state = state_name(a);
	struct json_writer w;

	json_write_init(&w, out, cap);
	json_write_object_begin(&w);
	json_write_kv_str(&w, "state", state);
	json_write_kv_double(&w, "uptime", uptime(a), 6);
	if (!strcmp(state, "stopped"))
		json_write_kv_str(&w, "reason", vm_stop_reason_name(stop_why(a)));
	json_write_object_end(&w);
	return json_write_finish(&w) < 0 ? -ENOSPC : 0;
}

/* Between two boots of --reboot=restart (as far as the API can tell). */
static bool restarting(const struct api_vm *a)
{
	return a->cfg->restart_on_reboot && stop_why(a) == VM_STOP_RESET;
}

/* The VM requests act on, or -errno with a message in out. */
static int need_running(const struct api_vm *a, char *out, size_t cap)
{
	if (!a->vm && !a->ever) {
		snprintf(out, cap, "the VM is not created yet; try again");
		return -ESRCH;
	}
	if (!a->vm || vm_stop_reason(a->vm) != VM_RUNNING) {
		snprintf(out, cap, "the VM has stopped (%s)%s", vm_stop_reason_name(stop_why(a)),
			 restarting(a) ? "; it boots again (--reboot=restart): try again" : "");
		return -ESRCH;
	}
	return 0;
}

/* ---- handlers (server thread, a->lock held) ---- */

static int op_info(struct api_vm *a, const struct api_request *req UNUSED, char *out, size_t cap)
{
	const struct tinyvmm_config *cfg = a->cfg;
	struct json_writer w;
	char guest_bdf[24];

	json_write_init(&w, out, cap);
	json_write_object_begin(&w);
	json_write_kv_str(&w, "version", TINYVMM_VERSION);
	json_write_kv_int(&w, "api_version", API_VERSION);
	json_write_kv_uint(&w, "mem_mib", cfg->mem_mib);
	json_write_kv_uint(&w, "cpus", cfg->cpus);
	json_write_kv_str(&w, "kernel", cfg->kernel ? cfg->kernel : "");
	json_write_kv_str(&w, "cmdline", cfg->cmdline ? cfg->cmdline : "");
	json_write_key(&w, "devices");
	json_write_array_begin(&w);
	if (a->vm && a->pt && a->pt->host) {
		/* The VM runs: the VFs in it now, hot-added ones too. */
		struct passthrough_dev d[TINYVMM_MAX_VFS];
		unsigned int n = passthrough_list(a->pt, d, ARRAY_SIZE(d));

		for (unsigned int i = 0; i < n; i++) {
			snprintf(guest_bdf, sizeof(guest_bdf), "0000:00:%02x.0", d[i].slot);
			json_write_object_begin(&w);
			json_write_kv_str(&w, "bdf", d[i].bdf);
			json_write_kv_int(&w, "slot", d[i].slot);
			json_write_kv_str(&w, "guest_bdf", guest_bdf);
			json_write_kv_bool(&w, "hotplug", d[i].hot);
			json_write_object_end(&w);
		}
	}
	for (unsigned int i = 0; !(a->vm && a->pt && a->pt->host) && i < a->nr_devs; i++) {
		const struct api_vm_dev *d = &a->devs[i];

		json_write_object_begin(&w);
		json_write_kv_str(&w, "bdf", d->bdf);
		if (d->slot < 0) {
			json_write_kv_null(&w, "slot");
			json_write_kv_null(&w, "guest_bdf");
		} else {
			snprintf(guest_bdf, sizeof(guest_bdf), "0000:00:%02x.0", d->slot);
			json_write_kv_int(&w, "slot", d->slot);
			json_write_kv_str(&w, "guest_bdf", guest_bdf);
		}
		json_write_object_end(&w);
	}
	json_write_array_end(&w);
	json_write_object_end(&w);
	if (json_write_finish(&w) < 0) {
		snprintf(out, cap, "info: reply too large");
		return -ENOSPC;
	}
	return 0;
}

static int op_status(struct api_vm *a, const struct api_request *req UNUSED, char *out, size_t cap)
{
	return put_state(a, out, cap);
}

static int op_pause(struct api_vm *a, const struct api_request *req UNUSED, char *out, size_t cap)
{
	int r = need_running(a, out, cap);

	if (r < 0)
		return r;
	if (!vm_paused(a->vm))
		log_info("api: pausing the guest");
	r = vm_pause(a->vm);
	if (r == -ETIMEDOUT) {
		snprintf(out, cap,
			 "a vCPU did not stop within 2 s; it will when it leaves KVM_RUN");
		return r;
	}
	if (r < 0)
		return need_running(a, out, cap) < 0 ? -ESRCH : r;
	return put_state(a, out, cap);
}

static int op_resume(struct api_vm *a, const struct api_request *req UNUSED, char *out, size_t cap)
{
	int r = need_running(a, out, cap);

	if (r < 0)
		return r;
	if (vm_paused(a->vm))
		log_info("api: resuming the guest");
	vm_resume(a->vm);
	return put_state(a, out, cap);
}

static int op_stop(struct api_vm *a, const struct api_request *req UNUSED, char *out, size_t cap)
{
	struct json_writer w;

	if (a->vm && vm_stop_reason(a->vm) == VM_RUNNING) {
		log_info("api: stop requested, stopping the guest");
		vm_stop(a->vm, VM_STOP_API, EXIT_POWEROFF);
		return put_state(a, out, cap);
	}
	/* No VM running: before the first boot or between two; the next one
	 * (if there is one) is stopped as soon as it exists. */
	if (!a->stop_pending)
		log_info("api: stop requested; no VM is running now, the next boot will not run");
	a->stop_pending = true;
	if (a->vm && !restarting(a))
		return put_state(a, out, cap); /* stopped for good */
	json_write_init(&w, out, cap);
	json_write_object_begin(&w);
	json_write_kv_str(&w, "state", "stopping");
	json_write_object_end(&w);
	return json_write_finish(&w) < 0 ? -ENOSPC : 0;
}

/* ---- shutdown ---- */

/* Sleep up to ms; true when the VM has stopped or detach cancelled us. */
static bool wait_stop(struct api_vm *a, struct vm *vm, long ms)
{
	struct pollfd p[2] = {{.fd = vm->stop_efd, .events = POLLIN},
			      {.fd = a->sd_cancel, .events = POLLIN}};

	if (ms < 0)
		ms = 0;
	if (poll(p, 2, (int)MIN(ms, 3600L * 1000)) < 0 && errno != EINTR)
		LOG_ONCE(LOG_WARN, "api: shutdown: poll: %s", strerror(errno));
	return vm_stop_reason(vm) != VM_RUNNING || (p[1].revents & POLLIN);
}

static long ms_left(const struct api_vm *a)
{
	return (long)((a->sd_timeout - events_since(&a->sd_t0)) * 1000);
}

/* Give the guest one byte (or a BREAK), waiting while its FIFO is full. */
static bool push_input(struct api_vm *a, struct vm *vm, int key)
{
	u8 c = (u8)key;

	for (;;) {
		int r = key < 0 ? serial_send_break(vm->serial)
				: (serial_rx_push(vm->serial, &c, 1) == 1 ? 0 : -EAGAIN);

		if (r == 0)
			return true;
		if (ms_left(a) <= 0 || wait_stop(a, vm, PUSH_RETRY_MS))
			return false;
	}
}

static void *shutdown_thread(void *arg)
{
	struct api_vm *a = arg;
	struct vm *vm = a->vm; /* stays attached until detach has joined us */

	pthread_setname_np(pthread_self(), "api-shutdown");
	if (sb_enter((enum tinyvmm_seccomp)a->cfg->seccomp, SB_API) < 0) {
		vm_stop(vm, VM_STOP_API, EXIT_HOST); /* logged; no clean shutdown then */
		return NULL;
	}
	for (const char *k = SYSRQ_KEYS; *k; k++) {
		if (!push_input(a, vm, -1) || wait_stop(a, vm, MIN(SYSRQ_GAP_MS, ms_left(a))))
			break;
		if (!push_input(a, vm, *k) || wait_stop(a, vm, MIN(SYSRQ_NEXT_MS, ms_left(a))))
			break;
	}
	while (ms_left(a) > 0 && !wait_stop(a, vm, ms_left(a)))
		;
	if (!wait_stop(a, vm, 0)) {
		log_info("api: shutdown: the guest did not power off within %g s; stopping it",
			 a->sd_timeout);
		vm_stop(vm, VM_STOP_API, EXIT_POWEROFF);
	}
	return NULL;
}

static int op_shutdown(struct api_vm *a, const struct api_request *req, char *out, size_t cap)
{
	struct json_writer w;
	int r = need_running(a, out, cap);

	if (r < 0)
		return r;
	if (!a->sd_running) {
		/* A paused guest could not act on the request. */
		vm_resume(a->vm);
		a->sd_timeout = req->timeout;
		clock_gettime(CLOCK_MONOTONIC, &a->sd_t0);
		r = thread_create(&a->sd_thread, shutdown_thread, a);
		if (r < 0) {
			snprintf(out, cap, "cannot start the shutdown thread: %s", thread_why(-r));
			return r;
		}
		a->sd_running = true;
		log_info(
		    "api: shutdown requested: SysRq s, u, o on the console, hard stop after %g s",
		    req->timeout);
	}
	json_write_init(&w, out, cap);
	json_write_object_begin(&w);
	json_write_kv_str(&w, "state", "shutting-down");
	json_write_kv_double_g(&w, "timeout", a->sd_timeout, 6); /* printf %g */
	json_write_object_end(&w);
	return json_write_finish(&w) < 0 ? -ENOSPC : 0;
}

/* ---- stats ---- */

/* {"io": N, ...}: one member per exit kind. */
static void put_exits(struct json_writer *w, const u64 *n)
{
	json_write_object_begin(w);
	for (int k = 0; k < VCPU_EXIT_KINDS; k++)
		json_write_kv_uint(w, vcpu_exit_kind_names[k], n[k]);
	json_write_object_end(w);
}

static int op_stats(struct api_vm *a, const struct api_request *req UNUSED, char *out, size_t cap)
{
	u64 total[VCPU_EXIT_KINDS] = {0};
	struct vm *vm = a->vm;
	struct json_writer w;

	if (!vm) {
		snprintf(out, cap, "%s",
			 a->ever ? "the VM has stopped" : "the VM is not created yet; try again");
		return -ESRCH;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		for (int k = 0; k < VCPU_EXIT_KINDS; k++)
			total[k] += __atomic_load_n(&vm->vcpus[i].exits[k], __ATOMIC_RELAXED);
	json_write_init(&w, out, cap);
	json_write_object_begin(&w);
	json_write_kv_double(&w, "uptime", uptime(a), 6);
	json_write_key(&w, "exits");
	put_exits(&w, total);
	json_write_key(&w, "vcpus");
	json_write_array_begin(&w);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		u64 n[VCPU_EXIT_KINDS];

		for (int k = 0; k < VCPU_EXIT_KINDS; k++)
			n[k] = __atomic_load_n(&vm->vcpus[i].exits[k], __ATOMIC_RELAXED);
		put_exits(&w, n);
	}
	json_write_array_end(&w);
	json_write_object_end(&w);
	if (json_write_finish(&w) < 0) {
		snprintf(out, cap, "stats: reply too large");
		return -ENOSPC;
	}
	return 0;
}

/* ---- hotplug ---- */

/* {"bdf": ..., "slot": N, "guest_bdf": ...[, "reason": ...]} */
static int put_vf(char *out, size_t cap, const char *bdf, unsigned int slot, const char *reason)
{
	struct json_writer w;
	char guest_bdf[24];

	snprintf(guest_bdf, sizeof(guest_bdf), "0000:00:%02x.0", slot);
	json_write_init(&w, out, cap);
	json_write_object_begin(&w);
	json_write_kv_str(&w, "bdf", bdf);
	json_write_kv_uint(&w, "slot", slot);
	json_write_kv_str(&w, "guest_bdf", guest_bdf);
	if (reason)
		json_write_kv_str(&w, "reason", reason);
	json_write_object_end(&w);
	return json_write_finish(&w) < 0 ? -ENOSPC : 0;
}

static int op_vf_add(struct api_vm *a, const struct api_request *req, char *out, size_t cap)
{
	struct tinyvmm_vf o;
	u8 slot;
	int r = need_running(a, out, cap);

	if (r < 0)
		return r;
	if (!req->vf[0]) {
		snprintf(out, cap,
			 "vf-add: vf missing, e.g. {\"op\": \"vf-add\", \"vf\": "
			 "\"0000:01:10.2,slot=6\"}");
		return -EINVAL;
	}
	log_capture(out, cap);
	r = tinyvmm_vf_parse(req->vf, &o);
	log_capture(NULL, 0);
	if (r < 0)
		return -EINVAL; /* the parser's line is in out */
	log_info("api: vf-add %s", req->vf);
	r = passthrough_hot_add(a->pt, &o, &slot, out, cap);
	if (r < 0)
		return err_errno(r) == -EINVAL ? -EINVAL : -EIO;
	return put_vf(out, cap, o.bdf, slot, NULL);
}

static int op_vf_remove(struct api_vm *a, const struct api_request *req, char *out, size_t cap)
{
	enum passthrough_detach_why why = PT_DETACH_API;
	struct passthrough_dev gone;
	int r = need_running(a, out, cap);

	if (r < 0)
		return r;
	if (!req->vf[0] && !req->slot) {
		snprintf(out, cap, "vf-remove: give vf (a BDF) or slot (1..31)");
		return -EINVAL;
	}
	if (req->vf[0])
		log_info("api: vf-remove %s%s", req->vf, req->force ? " (force)" : "");
	else
		log_info("api: vf-remove slot %u%s", req->slot, req->force ? " (force)" : "");
	r = passthrough_hot_remove(a->pt, req->vf, req->slot, req->timeout, req->force, &gone, &why,
				   out, cap);
	if (r < 0)
		return err_errno(r) == -EINVAL ? -EINVAL : -EIO;
	return put_vf(out, cap, gone.bdf, gone.slot, passthrough_detach_why_name(why));
}

/* ---- the glue ---- */

typedef int (*vm_handler_fn)(struct api_vm *a, const struct api_request *req, char *out,
			     size_t cap);

static const vm_handler_fn vm_handlers[API_OPS] = {
    [API_OP_INFO] = op_info,	 [API_OP_STATUS] = op_status, [API_OP_PAUSE] = op_pause,
    [API_OP_RESUME] = op_resume, [API_OP_STOP] = op_stop,     [API_OP_SHUTDOWN] = op_shutdown,
    [API_OP_STATS] = op_stats,	 [API_OP_VF_ADD] = op_vf_add, [API_OP_VF_REMOVE] = op_vf_remove,
};
_Static_assert(ARRAY_SIZE(vm_handlers) == API_OPS, "a handler for every API operation");

/* Every operation goes through here: one request at a time, under the lock. */
static int locked(void *opaque, const struct api_request *req, char *out, size_t cap)
{
	struct api_vm *a = opaque;
	int r;

	pthread_mutex_lock(&a->lock);
	r = vm_handlers[req->op](a, req, out, cap);
	pthread_mutex_unlock(&a->lock);
	return r;
}

static const struct api_ops vm_ops = {.handlers = {
					  [API_OP_INFO] = locked,
					  [API_OP_STATUS] = locked,
					  [API_OP_PAUSE] = locked,
					  [API_OP_RESUME] = locked,
					  [API_OP_STOP] = locked,
					  [API_OP_SHUTDOWN] = locked,
					  [API_OP_STATS] = locked,
					  [API_OP_VF_ADD] = locked,
					  [API_OP_VF_REMOVE] = locked,
				      }};

int api_vm_open(struct api_vm **out, const struct tinyvmm_config *cfg)
{
	struct api_vm *a;
	int r;

	*out = NULL;
	if (!cfg->api_socket)
		return 0;
	a = calloc(1, sizeof(*a));
	if (!a)
		return err_host(-ENOMEM, "api %s: out of memory", cfg->api_socket);
	a->cfg = cfg;
	a->lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	a->nr_devs = cfg->nr_vfs;
	for (unsigned int i = 0; i < cfg->nr_vfs; i++) {
		memcpy(a->devs[i].bdf, cfg->vfs[i].bdf, sizeof(a->devs[i].bdf));
		a->devs[i].slot = cfg->vfs[i].slot ? (int)cfg->vfs[i].slot : -1;
	}
	a->sd_cancel = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (a->sd_cancel < 0) {
		r = -errno;
		log_err("api %s: eventfd: %s", cfg->api_socket, strerror(-r));
		free(a);
		return r;
	}
	r = api_bind(&a->api, cfg->api_socket, &vm_ops, a, (int)cfg->seccomp);
	if (r < 0) {
		close(a->sd_cancel);
		free(a);
		return r;
	}
	*out = a;
	return 0;
}

int api_vm_start(struct api_vm *a)
{
	return a ? api_start(a->api) : 0;
}

void api_vm_attach(struct api_vm *a, struct vm *vm, const struct passthrough *pt)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->vm = vm;
	a->pt = (struct passthrough *)pt; /* hotplug changes its VFs */
	a->ever = true;
	if (a->stop_pending)
		vm_stop(vm, VM_STOP_API, EXIT_POWEROFF); /* before its vCPUs start */
	a->nr_devs = pt ? MIN(pt->nr_vfs, TINYVMM_MAX_VFS) : 0;
	for (unsigned int i = 0; i < a->nr_devs; i++) {
		memcpy(a->devs[i].bdf, pt->vfs[i].opts->bdf, sizeof(a->devs[i].bdf));
		a->devs[i].slot = pt->vfs[i].slot;
	}
	pthread_mutex_unlock(&a->lock);
}

void api_vm_detach(struct api_vm *a)
{
	eventfd_t v;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	if (a->sd_running) {
		/* The helper takes no lock: join it here, with the VM still attached. */
		if (eventfd_write(a->sd_cancel, 1) < 0)
			log_err("api: cannot cancel the shutdown thread: %s", strerror(errno));
		pthread_join(a->sd_thread, NULL);
		a->sd_running = false;
		while (eventfd_read(a->sd_cancel, &v) == 0)
			;
	}
	if (a->vm) {
		a->last_uptime = uptime(a);
		a->last_why = vm_stop_reason(a->vm);
		a->vm = NULL;
		a->pt = NULL;
	}
	pthread_mutex_unlock(&a->lock);
}

void api_vm_close(struct api_vm *a)
{
	if (!a)
		return;
	api_close(a->api);
	api_vm_detach(a);
	close(a->sd_cancel);
	pthread_mutex_destroy(&a->lock);
	free(a);
}
