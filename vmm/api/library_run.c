// SPDX-License-Identifier: MIT
/*
 * library_run.c - one run of a struct tinyvmm: open the events and the
 * console log, read the kernel, open the control API, take the managed VFs,
 * boot the VM (again after each reboot with --reboot=restart) until it
 * stops, give everything back and say vmm-exit. Returns the exit status
 * (exitcode.h). The library's thread-facing half is library.c.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/out_file.h"
#include "vmm/base/host_open.h"
#include "vmm/sandbox/seccomp.h"
#include "vmm/api/api.h"
#include "vmm/api/config.h"
#include "vmm/arch/arch.h"
#include "vmm/core/console.h"
#include "vmm/core/events.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/err.h"
#include "vmm/base/json_write.h"
#include "vmm/base/log.h"
#include "vmm/pci/passthrough.h"
#include "vmm/api/library.h"
#include "vmm/host/smaps.h"
#include "vmm/host/vf_manage.h"

static void console_quit(void *opaque)
{
	log_info("console: Ctrl-A x, stopping the guest");
	vm_stop(opaque, VM_STOP_QUIT, EXIT_SIGNAL_BASE + SIGINT);
}

/* expect-matched carries the whole console line, every byte escaped if need be. */
_Static_assert(6 * CONSOLE_LINE_MAX + 256 <= EVENTS_LINE_MAX,
	       "EVENTS_LINE_MAX cannot hold an escaped console line");

/* On the console thread: a line matched --expect. */
static void run_matched(void *opaque, const char *line, const struct timespec *taken)
{
	struct tinyvmm *t = opaque;
	char buf[6 * CONSOLE_LINE_MAX + 16]; /* the line, every byte escaped */
	struct json_writer m;

	/* the line was complete when written out: that is the marker time */
	t->marker_ts =
	    (double)(taken->tv_sec - t->t0.tv_sec) + (double)(taken->tv_nsec - t->t0.tv_nsec) / 1e9;
	/* marker_ts before matched: read after it */
	__atomic_store_n(&t->matched, true, __ATOMIC_RELEASE);
	json_write_init_members(&m, buf, sizeof(buf));
	json_write_kv_str(&m, "line", line); /* the guest's bytes: escaped */
	events_emit_members(t->events, "expect-matched", &m);
	log_debug("expect: matched \"%s\"", line);
	vm_stop(t->vm, VM_STOP_EXPECT, EXIT_POWEROFF);
}

/* On the console thread: the guest's first console byte (of the whole run). */
static void run_first_output(void *opaque)
{
	struct tinyvmm *t = opaque;

	if (!__atomic_exchange_n(&t->first_byte, true, __ATOMIC_ACQ_REL))
		events_emit(t->events, "first-console-byte", NULL);
}

/* Milliseconds left before --timeout (0 when expired), or -1 without one. */
static int timeout_left_ms(const struct tinyvmm *t)
{
	double left;

	if (!t->cfg.timeout)
		return -1;
	left = t->cfg.timeout - events_since(&t->t0);
	if (left <= 0)
		return 0;
	return left > 3600 ? 3600 * 1000 : (int)(left * 1000) + 1;
}

/*
 * Sleep until the VM stops; turn --timeout into vm_stop(). Stops asked from
 * other threads (a signal, tinyvmm_stop(), the API) call vm_stop() there,
 * which makes stop_efd readable.
 */
static void wait_for_stop(struct vm *vm, const struct tinyvmm *t)
{
	struct pollfd p = {.fd = vm->stop_efd, .events = POLLIN};

	while (vm_stop_reason(vm) == VM_RUNNING) {
		int ms = timeout_left_ms(t);

		if (ms == 0) {
			/* said only when it won: a guest that stopped first keeps its code */
			if (vm_stop(vm, VM_STOP_TIMEOUT, EXIT_TIMEOUT))
				log_info("timeout: stopped the guest after %g s", t->cfg.timeout);
			break;
		}
		if (poll(&p, 1, ms) < 0 && errno != EINTR) {
			log_err("vm: poll: %s", strerror(errno));
			vm_stop(vm, VM_STOP_ERROR, EXIT_HOST);
			break;
		}
	}
}

/* Say why the VM stopped; true when it should boot again. */
static bool report_stop(const struct vm *vm, const struct tinyvmm_config *cfg)
{
	switch (vm_stop_reason(vm)) {
	case VM_STOP_POWEROFF:
		log_debug("guest powered off");
		break;
	case VM_STOP_RESET:
		if (cfg->restart_on_reboot) {
			log_info("guest rebooted, restarting it");
			return true;
		}
		log_info("guest rebooted");
		break;
	case VM_STOP_PANIC:
		log_err("guest kernel panicked (pvpanic)");
		break;
	default:
		break; /* logged where it happened */
	}
	return false;
}

/* What each output file may grow by in this run. */
static unsigned long long output_limit(const struct tinyvmm_config *cfg)
{
	return cfg->output_limit ? cfg->output_limit : TINYVMM_DEFAULT_OUTPUT_LIMIT;
}

static int open_console(struct tinyvmm *t, struct vm *vm, struct console **con)
{
	const struct tinyvmm_config *cfg = &t->cfg;
	struct console_watch w = {
	    .seccomp = (int)cfg->seccomp,
	    .log_fd = t->log_fd,
	    .log_name = cfg->console_log,
	    .log_limit = output_limit(cfg),
	    .log_timestamps = cfg->console_log_timestamps,
	    .t0 = t->t0,
	    .expect = t->has_expect_re ? &t->expect_re : NULL,
	    .matched = run_matched,
	    .first_output = run_first_output,
	    .opaque = t,
	};
	int r;

	/* Only the command's console reads stdin; the library's writes stdout. */
	if (cfg->console || cfg->console_stdin)
		r = console_open(con, vm->serial, cfg->console, console_quit, vm);
	else
		r = console_open_stdout(con, vm->serial, console_quit, vm);
	if (r < 0)
		return err_exit_code(r);
	console_set_watch(*con, &w);
	if (cfg->console)
		console_limit_output(*con, output_limit(cfg));
	__atomic_store_n(&vm->console, *con, __ATOMIC_RELEASE);
	r = console_start(*con);
	return r < 0 ? EXIT_HOST : 0;
}

/* True when the guest itself ended the run (not tinyvmm, a signal or --timeout). */
static bool guest_ended(enum vm_stop_reason why)
{
	switch (why) {
	case VM_STOP_POWEROFF:
	case VM_STOP_RESET:
	case VM_STOP_PANIC:
	case VM_STOP_CRASH:
	case VM_STOP_HALT:
	case VM_STOP_GUEST_EXIT:
		return true;
	default:
		return false;
	}
}

/* --expect's verdict once the console has flushed everything the guest sent. */
static int expect_verdict(const struct tinyvmm *t, enum vm_stop_reason why, int code)
{
	bool matched = __atomic_load_n(&t->matched, __ATOMIC_ACQUIRE);

	if (why == VM_STOP_EXPECT || (matched && guest_ended(why)))
		return EXIT_POWEROFF;
	if (guest_ended(why)) {
		log_err("expect: guest ended (%s) before --expect matched",
			vm_stop_reason_name(why));
		return EXIT_EXPECT_FAILED;
	}
	if (why == VM_STOP_API && !matched) {
		/* Not a pass: CI must not read an operator's stop as success. */
		log_err("expect: stopped through the API before --expect matched");
		return EXIT_EXPECT_FAILED;
	}
	return code;
}

/* The stats event: VM exits by kind, summed over the vCPUs. */
static void emit_stats(const struct tinyvmm *t, const struct vm *vm)
{
	char buf[1024];
	struct json_writer m;

	if (!t->events)
		return;
	json_write_init_members(&m, buf, sizeof(buf));
	json_write_key(&m, "exits");
	json_write_object_begin(&m);
	for (int k = 0; k < VCPU_EXIT_KINDS; k++) {
		unsigned long long n = 0;

		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			n += vm->vcpus[i].exits[k];
		json_write_kv_uint(&m, vcpu_exit_kind_names[k], n);
	}
	json_write_object_end(&m);
	/* boot_to_marker: the start to the console line --expect matched. */
	if (__atomic_load_n(&t->matched, __ATOMIC_ACQUIRE))
		json_write_kv_double(&m, "boot_to_marker", t->marker_ts, 6);
	else
		json_write_kv_null(&m, "boot_to_marker");
	events_emit_members(t->events, "stats", &m);
}

/* Read and check the kernel's headers into *k. 0, or the exit code (logged). */
static int read_kernel(const struct tinyvmm *t, struct arch_kernel **k)
{
	int r = arch_kernel_open(&t->kernel, config_mem_bytes(&t->cfg), k);

	return r < 0 ? err_exit_code(r) : 0;
}

/* After a boot has stopped: the verdicts, the stats event and table. */
static int finish_vm(struct tinyvmm *t, struct vm *vm, struct passthrough *pt, int code,
		     bool *again)
{
	const struct tinyvmm_config *cfg = &t->cfg;
	enum vm_stop_reason why = vm_stop_reason(vm);

	if (why == VM_RUNNING)
		return code; /* never started */
	t->run_reason = vm_stop_reason_name(why);
	if (__atomic_load_n(&t->matched, __ATOMIC_ACQUIRE))
		*again = false;
	if (cfg->expect && !*again) {
		code = expect_verdict(t, why, code);
		if (code == EXIT_POWEROFF) /* the match decided, whoever stopped the VM */
			t->run_reason = vm_stop_reason_name(VM_STOP_EXPECT);
	}
	emit_stats(t, vm);
	if (cfg->stats) {
		vm_print_stats(vm, stderr);
		passthrough_print_stats(pt, stderr);
	}
	return code;
}

/*
 * This boot's VFs: cfg.vfs less the ones hot-removed (given back) in an
 * earlier boot, each in the slot it had then; from[i] is vfs[i]'s index in
 * cfg.vfs. How many.
 */
static unsigned int boot_vfs(struct tinyvmm *t, struct tinyvmm_vf *vfs, unsigned int *from)
{
	const struct tinyvmm_config *cfg = &t->cfg;
	unsigned int n = 0;

	for (unsigned int i = 0; i < cfg->nr_vfs && i < TINYVMM_MAX_VFS; i++) {
		if (i < t->nr_vfm && !t->vfm[i].held)
			continue;
		vfs[n] = cfg->vfs[i];
		if (t->vf_slot[i])
			vfs[n].slot = t->vf_slot[i];
		from[n++] = i;
	}
	return n;
}

/*
 * Boot one VM from scratch and run it until it stops; returns the exit code.
 * The kernel's segments are read from its file straight into guest RAM, and
 * *kernel (its headers) is freed once the boot tables are built: the VMM
 * keeps no copy of the kernel for the guest's lifetime.
 */
static int run_vm(struct tinyvmm *t, struct arch_kernel **kernel, bool *again)
{
	const struct tinyvmm_config *cfg = &t->cfg;
	struct arch_boot boot = {
	    .kernel_file = &t->kernel,
	    .kernel = *kernel,
	    .cmdline = cfg->cmdline,
	    .initrd = &t->initrd,
	    .ncpus = cfg->cpus,
	    .dump_dtb = cfg->dump_dtb,
	};
	struct console *con = NULL;
	struct tinyvmm_vf vfs[TINYVMM_MAX_VFS] = {0};
	unsigned int from[TINYVMM_MAX_VFS], nr;
	struct passthrough pt;
	struct vm vm;
	int code, r;

	*again = false;
	nr = boot_vfs(t, vfs, from);
	/* Slot clashes and unusable --vf devices are reported before KVM and /dev/vfio. */
	r = passthrough_prepare(&pt, vfs, nr);
	if (r < 0)
		return err_exit_code(r);
	for (unsigned int i = 0; i < nr; i++) {
		t->vf_slot[from[i]] = pt.vfs[i].slot;
		if (from[i] < t->nr_vfm)
			passthrough_set_host_side(&pt, i, &t->vfm[from[i]]);
	}
	r = vm_create(&vm, config_mem_bytes(cfg), cfg->cpus, cfg->hugepages);
	if (r < 0) {
		code = err_exit_code(r);
		goto out_vm;
	}
	vm.events = t->events;
	vm.seccomp = (int)cfg->seccomp;
	tinyvmm_attach_vm(t, &vm); /* a stop asked already stops it now */
	api_vm_attach(t->api, &vm, &pt);
	events_emit(t->events, "kvm-ready", NULL);
	/*
	 * The PCI host bridge and the --vf devices, wired up before any vCPU
	 * runs, and before the kernel is loaded: the DMA map of guest RAM starts
	 * here, in the background, so it runs while the kernel and initrd are
	 * copied in, not only while the guest boots. (--dump-dtb starts no
	 * guest: its tree does not depend on them.)
	 */
	r = cfg->dump_dtb ? 0 : passthrough_attach(&pt, &vm);
	if (r < 0) {
		code = err_exit_code(r);
		goto out_vm;
	}
	r = arch_boot(&vm, &boot);
	arch_kernel_free(*kernel);
	*kernel = NULL;
	if (r < 0) {
		code = err_exit_code(r);
		goto out_vm;
	}
	if (cfg->dump_dtb) { /* written by arch_boot(); the guest is not started */
		log_info("dtb: wrote the device tree to %s", cfg->dump_dtb);
		code = 0;
		goto out_vm;
	}
	code = open_console(t, &vm, &con);
	if (code)
		goto out_console;
	log_debug("vm: starting %u vCPU(s)", vm.nr_vcpus);
	/* Before the vCPUs start: a guest can exit (port 0x501) at once, and
	 * its guest-exit event must not come before guest-entry. */
	events_emit_int(t->events, "guest-entry", "vcpus", vm.nr_vcpus);
	__atomic_add_fetch(&t->boots, 1, __ATOMIC_RELAXED);
	vm_start(&vm); /* on failure the VM is already stopped */
	wait_for_stop(&vm, t);
	vm_join(&vm);
	passthrough_dma_cancel(&pt); /* a map not done yet: the guest is gone */
	code = vm_exit_code(&vm);
	if (cfg->verbose && vm_stop_reason(&vm) >= VM_STOP_SIGNAL) {
		/* Stopped from outside: show where each vCPU was. */
		for (unsigned int i = 0; i < vm.nr_vcpus; i++)
			vcpu_dump(&vm.vcpus[i]);
	}
	log_debug("vm: stopped (%s), exit code %d", vm_stop_reason_name(vm_stop_reason(&vm)), code);
	*again = report_stop(&vm, cfg);
out_console:
	__atomic_store_n(&vm.console, NULL, __ATOMIC_RELEASE);
	if (con)
		console_close(con); /* flushes: --expect sees all the guest sent */
	code = finish_vm(t, &vm, &pt, code, again);
out_vm:
	passthrough_dma_cancel(&pt); /* a hot add waiting for the map: not for long */
	api_vm_detach(t->api);	     /* before the VM goes away */
	/* Every exit path: reset the VFs, free irqfds/routes/maps, unmap DMA. */
	passthrough_detach(&pt);
	tinyvmm_attach_vm(t, NULL);
	vm_destroy(&vm);
	return code;
}

/* Open the events (and say vmm-start) and the --console-log file. */
static int run_open(struct tinyvmm *t)
{
	const struct tinyvmm_config *cfg = &t->cfg;
	char buf[128];
	struct json_writer m;

	if (cfg->events || t->event_fn) {
		int r = events_open(&t->events, cfg->events, &t->t0, output_limit(cfg));

		if (r < 0)
			return err_exit_code(r);
		if (t->event_fn)
			events_set_hook(t->events, t->event_fn, t->event_opaque);
		/* ts 0 on the host's CLOCK_MONOTONIC, so others can line up their
		 * own timings (bench/markertime) with the events' */
		json_write_init_members(&m, buf, sizeof(buf));
		json_write_kv_double(&m, "clock_monotonic",
				     (double)t->t0.tv_sec + (double)t->t0.tv_nsec / 1e9, 6);
		json_write_kv_int(&m, "pid", getpid());
		events_emit_members(t->events, "vmm-start", &m);
	}
	if (cfg->console_log) {
		int fd = open(cfg->console_log,
			      OUT_FILE_FLAGS(O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC), 0600);

		fd = out_file_opened(fd);
		if (fd < 0)
			return err_exit_code(
			    err_file(fd, "console-log %s: cannot open for writing: %s",
				     cfg->console_log, out_file_why(cfg->console_log, -fd)));
		t->log_fd = fd;
	}
	return 0;
}

/*
 * A sandboxed run (host ops): from here on host files come through the
 * caller's open, and the caller drops privileges before any thread starts.
 */
static int lockdown(struct tinyvmm *t)
{
	int r;

	if (t->host_ops.open)
		host_open_set(t->host_ops.open, t->host_opaque);
	if (t->host_ops.vfs_taken) /* the caller holds the VFs, and takes hot-added ones */
		vf_manage_set_sandboxed(true, t->host_ops.take_vf, t->host_ops.give_back_vf,
					t->host_opaque);
	if (!t->host_ops.lockdown)
		return 0;
	r = t->host_ops.lockdown(t->host_opaque);
	return r < 0 ? err_errno(r) : 0; /* the hook said why; a host error */
}

/* The boots: one, or one after each reboot with --reboot=restart. */
/*
 * --reboot=restart with a guest that reboots at once would rebuild the VM,
 * reset its VFs and map all of RAM in a tight loop: a boot shorter than
 * REBOOT_QUICK_MS is followed by a wait that doubles from REBOOT_WAIT_MIN_MS
 * up to REBOOT_WAIT_MAX_MS, and a longer boot resets it. A stop ends the wait,
 * and so does --timeout, which then ends the run before the next boot.
 */
#define REBOOT_QUICK_MS	   2000
#define REBOOT_WAIT_MIN_MS 100
#define REBOOT_WAIT_MAX_MS 5000

static unsigned int reboot_wait(unsigned int wait_ms, long boot_ms)
{
	if (boot_ms >= REBOOT_QUICK_MS)
		return 0;
	return wait_ms ? MIN(2 * wait_ms, REBOOT_WAIT_MAX_MS) : REBOOT_WAIT_MIN_MS;
}

static long ms_since(const struct timespec *a)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - a->tv_sec) * 1000L + (now.tv_nsec - a->tv_nsec) / 1000000L;
}

static int run_boots(struct tinyvmm *t, struct arch_kernel **kernel)
{
	enum vm_stop_reason why;
	unsigned int wait_ms = 0, nap;
	int code, stop_code, left;
	struct timespec start;
	bool again, warned = false;

	for (;;) {
		if (tinyvmm_stop_asked(t, &why, &stop_code)) {
			/* Stopped before this boot could start: it never does. */
			t->run_reason = vm_stop_reason_name(why);
			return t->cfg.expect ? expect_verdict(t, why, stop_code) : stop_code;
		}
		clock_gettime(CLOCK_MONOTONIC, &start);
		code = run_vm(t, kernel, &again);
		if (!again)
			return code;
		wait_ms = reboot_wait(wait_ms, ms_since(&start));
		if (wait_ms == REBOOT_WAIT_MAX_MS && !warned)
			log_warn("reboot: the guest keeps rebooting within %d ms of its start; "
				 "waiting %d ms between boots",
				 REBOOT_QUICK_MS, REBOOT_WAIT_MAX_MS);
		warned = wait_ms == REBOOT_WAIT_MAX_MS;
		left = timeout_left_ms(t); /* --timeout counts between boots too */
		nap = left >= 0 ? MIN(wait_ms, (unsigned int)left) : wait_ms;
		if (nap && tinyvmm_wait_stop(t, nap))
			continue; /* stopped while waiting: reported above */
		if (timeout_left_ms(t) == 0) {
			log_info("timeout: stopped after %g s, between boots", t->cfg.timeout);
			t->run_reason = vm_stop_reason_name(VM_STOP_TIMEOUT);
			return t->cfg.expect ? expect_verdict(t, VM_STOP_TIMEOUT, EXIT_TIMEOUT)
					     : EXIT_TIMEOUT;
		}
		/* --reboot=restart: boot again from the file, as a machine would */
		code = read_kernel(t, kernel);
		if (code)
			return code;
	}
}

int library_run(struct tinyvmm *t)
{
	const struct tinyvmm_config *cfg = &t->cfg;
	struct arch_kernel *kernel = NULL;
	struct json_writer m;
	char buf[128];
	int code, r;

	t->log_fd = -1;
	t->marker_ts = -1;
	code = run_open(t);
	if (code)
		goto out_events;
	code = read_kernel(t, &kernel);
	if (code)
		goto out_events;
	r = vcpu_signals_init();
	if (r < 0) {
		log_err("signals: cannot install the vCPU kick handler: %s", strerror(-r));
		code = EXIT_HOST;
		goto out_api;
	}
	/* The API thread inherits this thread's signal mask. */
	r = api_vm_open(&t->api, cfg);
	/* Input errors first: a slot clash must not rebind anything. */
	if (r == 0)
		r = passthrough_check_slots(cfg->vfs, cfg->nr_vfs);
	/* Managed VFs onto vfio-pci, PF settings applied; given back at out_api
	 * (unless a privileged caller did and does that: host ops). */
	t->nr_vfm = 0;
	memset(t->vf_slot, 0, sizeof(t->vf_slot));
	if (r == 0 && !t->host_ops.vfs_taken)
		r = vf_manage_take_all(cfg->vfs, cfg->nr_vfs, t->vfm, &t->nr_vfm);
	for (; r == 0 && t->host_ops.vfs_taken && t->nr_vfm < cfg->nr_vfs; t->nr_vfm++)
		vf_manage_remote_held(&t->vfm[t->nr_vfm], cfg->vfs[t->nr_vfm].bdf);
	if (r == 0)
		smaps_keep_open(); /* the huge-page report: no /proc once locked down */
	if (r == 0)
		r = lockdown(t);
	if (r == 0)
		r = api_vm_start(t->api);
	if (r < 0) {
		code = err_exit_code(r);
		goto out_api;
	}
	/* The run thread's own filter; the console, DMA and vCPU threads it
	 * starts keep it under theirs. */
	r = sb_enter(cfg->seccomp, SB_MAIN);
	if (r < 0) {
		code = err_exit_code(r);
		goto out_api;
	}
	code = run_boots(t, &kernel);
out_api:
	api_vm_close(t->api);
	t->api = NULL;
	if (t->host_ops.open)
		host_open_set(NULL, NULL);
	if (t->host_ops.vfs_taken)
		vf_manage_set_sandboxed(false, NULL, NULL, NULL);
	vf_manage_give_back_all(t->vfm, t->nr_vfm); /* sandboxed: the caller does */
	t->nr_vfm = 0;
	arch_kernel_free(kernel);
out_events:
	json_write_init_members(&m, buf, sizeof(buf));
	json_write_kv_int(&m, "code", code);
	json_write_kv_str(&m, "reason", t->run_reason ? t->run_reason : exit_code_name(code));
	events_emit_members(t->events, "vmm-exit", &m);
	events_close(t->events);
	t->events = NULL;
	if (t->log_fd >= 0)
		close(t->log_fd);
	t->log_fd = -1;
	return code;
}
