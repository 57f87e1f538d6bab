// SPDX-License-Identifier: MIT
/*
 * main.c - tinyvmm: parse the command line, build the VM, load the kernel,
 * run the vCPUs until the guest powers off (or something stops it), tear
 * everything down and return the exit code (exitcode.h). The only place
 * the process exits.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "api.h"
#include "boot.h"
#include "check.h"
#include "bzimage.h"
#include "cli.h"
#include "console.h"
#include "ctl.h"
#include "events.h"
#include "exitcode.h"
#include "log.h"
#include "passthrough.h"
#include "vcpu.h"
#include "vf_cmd.h"
#include "vf_manage.h"
#include "vm.h"

/* The CI boot-test mode's state across VM runs (--timeout, --expect, --events). */
struct ci {
	const struct config *cfg;
	struct timespec t0;    /* tinyvmm's start: ts 0 of the events and console log */
	struct events *events; /* NULL without --events */
	int log_fd;	       /* --console-log, or -1 */
	struct vm *vm;	       /* the running VM, for the console callbacks */
	bool matched;	       /* atomic: --expect matched */
	bool first_byte;       /* atomic: first-console-byte reported */
	double marker_ts;      /* seconds from start to the --expect match, or < 0 */
	const char *reason;    /* the last VM's stop reason name, for vmm-exit */
	struct api_vm *api;    /* --api-socket, or NULL */
};

/* Signals that stop the VM; blocked everywhere and read from a signalfd. */
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* Block the stop signals in this thread (and every thread made after). */
static int signals_setup(int *sfd)
{
	sigset_t set;
	int r;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaddset(&set, stop_signals[i]);
	r = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (r) {
		log_err("signals: cannot block SIGINT/SIGTERM/SIGHUP: %s", strerror(r));
		return -r;
	}
	*sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (*sfd < 0) {
		r = -errno;
		log_err("signals: signalfd: %s", strerror(-r));
		return r;
	}
	signal(SIGPIPE, SIG_IGN);
	r = vcpu_signals_init();
	if (r < 0)
		log_err("signals: cannot install the vCPU kick handler: %s", strerror(-r));
	return r;
}

static void console_quit(void *opaque)
{
	log_info("console: Ctrl-A x, stopping the guest");
	vm_stop(opaque, VM_STOP_QUIT, EXIT_SIGNAL_BASE + SIGINT);
}

/* On the console thread: a line matched --expect. */
static void ci_matched(void *opaque, const char *line)
{
	struct ci *ci = opaque;
	char esc[2 * CONSOLE_LINE_MAX];

	ci->marker_ts = events_since(&ci->t0); /* before matched: read after it */
	__atomic_store_n(&ci->matched, true, __ATOMIC_RELEASE);
	events_json_escape(esc, sizeof(esc), line, strlen(line));
	events_emit(ci->events, "expect-matched", "\"line\": \"%s\"", esc);
	log_debug("expect: matched \"%s\"", line);
	vm_stop(ci->vm, VM_STOP_EXPECT, EXIT_POWEROFF);
}

/* On the console thread: the guest's first console byte (of the whole run). */
static void ci_first_output(void *opaque)
{
	struct ci *ci = opaque;

	if (!__atomic_exchange_n(&ci->first_byte, true, __ATOMIC_ACQ_REL))
		events_emit(ci->events, "first-console-byte", NULL);
}

/* Milliseconds left before --timeout (0 when expired), or -1 without one. */
static int timeout_left_ms(const struct ci *ci)
{
	double left;

	if (!ci->cfg->timeout)
		return -1;
	left = ci->cfg->timeout - events_since(&ci->t0);
	if (left <= 0)
		return 0;
	return left > 3600 ? 3600 * 1000 : (int)(left * 1000) + 1;
}

/* Sleep until the VM stops; turn a stop signal or --timeout into vm_stop(). */
static void wait_for_stop(struct vm *vm, int sfd, const struct ci *ci)
{
	struct pollfd p[2] = {{.fd = sfd, .events = POLLIN},
			      {.fd = vm->stop_efd, .events = POLLIN}};

	while (vm_stop_reason(vm) == VM_RUNNING) {
		struct signalfd_siginfo si;
		int ms = timeout_left_ms(ci);

		if (ms == 0) {
			log_info("timeout: stopped the guest after %g s", ci->cfg->timeout);
			vm_stop(vm, VM_STOP_TIMEOUT, EXIT_TIMEOUT);
			break;
		}
		if (poll(p, ARRAY_SIZE(p), ms) < 0) {
			if (errno == EINTR)
				continue;
			log_err("main: poll: %s", strerror(errno));
			vm_stop(vm, VM_STOP_ERROR, EXIT_HOST);
			break;
		}
		if ((p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			log_info("received %s, stopping the guest", strsignal((int)si.ssi_signo));
			vm_stop(vm, VM_STOP_SIGNAL, EXIT_SIGNAL_BASE + (int)si.ssi_signo);
		}
	}
}

/* Say why the VM stopped; true when it should boot again. */
static bool report_stop(const struct vm *vm, const struct config *cfg)
{
	switch (vm_stop_reason(vm)) {
	case VM_STOP_POWEROFF:
		log_debug("guest powered off");
		break;
	case VM_STOP_RESET:
		if (cfg->reboot == REBOOT_RESTART) {
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

static int open_console(struct vm *vm, const struct config *cfg, struct console **con,
			struct ci *ci)
{
	struct console_watch w = {
	    .log_fd = ci->log_fd,
	    .log_timestamps = cfg->console_log_timestamps,
	    .t0 = ci->t0,
	    .expect = cfg->expect ? &cfg->expect_re : NULL,
	    .matched = ci_matched,
	    .first_output = ci_first_output,
	    .opaque = ci,
	};
	int r = console_open(con, vm->serial, cfg->console, console_quit, vm);

	if (r < 0)
		return r == -ENOMEM || !cfg->console ? EXIT_HOST : EXIT_USAGE;
	console_set_watch(*con, &w);
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
static int expect_verdict(const struct ci *ci, enum vm_stop_reason why, int code)
{
	bool matched = __atomic_load_n(&ci->matched, __ATOMIC_ACQUIRE);

	if (why == VM_STOP_EXPECT || (matched && guest_ended(why)))
		return EXIT_POWEROFF;
	if (guest_ended(why)) {
		log_err("expect: guest ended (%s) before --expect matched", vm_stop_reason_name(why));
		return EXIT_EXPECT_FAILED;
	}
	if (why == VM_STOP_API && !matched) {
		/* Not a pass: CI must not read an operator's stop as success. */
		log_err("expect: stopped through the API before --expect matched");
		return EXIT_EXPECT_FAILED;
	}
	return code;
}

/* The --events stats event: VM exits by kind, summed over the vCPUs. */
static void emit_stats(const struct ci *ci, const struct vm *vm)
{
	char buf[512];
	size_t o = 0;

	if (!ci->events)
		return;
	for (int k = 0; k < VCPU_EXIT_KINDS; k++) {
		unsigned long long n = 0;

		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			n += vm->vcpus[i].exits[k];
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s\"%s\": %llu", k ? ", " : "",
				      vcpu_exit_kind_names[k], n);
		if (o >= sizeof(buf))
			return;
	}
	/* boot_to_marker: start of tinyvmm to the console line --expect matched. */
	if (__atomic_load_n(&ci->matched, __ATOMIC_ACQUIRE))
		events_emit(ci->events, "stats", "\"exits\": {%s}, \"boot_to_marker\": %.6f", buf,
			    ci->marker_ts);
	else
		events_emit(ci->events, "stats", "\"exits\": {%s}, \"boot_to_marker\": null", buf);
}

/*
 * Read and check the kernel image. Returns 0, or the exit code for the
 * failure (already logged).
 */
static int read_kernel(const struct config *cfg, u8 **kernel, size_t *len, struct bzimage *bz)
{
	const char *why;
	int r;

	r = boot_read_file(&cfg->kernel, "kernel", cfg->mem, kernel, len);
	if (r < 0)
		return r == -EINVAL ? EXIT_USAGE : EXIT_HOST;
	if (bzimage_parse(*kernel, *len, cfg->mem, bz, &why) < 0) {
		log_err("kernel %s: %s", cfg->kernel.path, why);
		free(*kernel);
		*kernel = NULL;
		return EXIT_USAGE;
	}
	log_debug("kernel %s: bzImage protocol %u.%02u, %zu-byte payload, init_size %u",
		  cfg->kernel.path, bz->protocol >> 8, bz->protocol & 0xff, bz->payload_len,
		  bz->init_size);
	return 0;
}

/*
 * Boot one VM from scratch and run it until it stops; returns the exit code.
 * *kernel (the image bz points into) is freed once it is in guest memory:
 * the VMM does not keep a second copy of the kernel for the guest's lifetime.
 */
static int run_vm(const struct config *cfg, u8 **kernel, const struct bzimage *bz, int sfd,
		  bool *again, struct ci *ci)
{
	struct boot_input in = {
	    .kernel_path = cfg->kernel.path,
	    .bz = bz,
	    .cmdline = cfg->cmdline,
	    .initrd = &cfg->initrd,
	    .ncpus = cfg->cpus,
	};
	struct console *con = NULL;
	struct passthrough pt;
	struct boot_info info;
	struct vm vm;
	bool usage;
	int code, r;

	*again = false;
	/* Slot clashes and unusable --vf devices are reported before KVM and /dev/vfio. */
	r = passthrough_prepare(&pt, cfg, &usage);
	if (r < 0)
		return usage ? EXIT_USAGE : EXIT_HOST;
	r = vm_create(&vm, cfg);
	if (r < 0) {
		code = r == -ERANGE ? EXIT_USAGE : EXIT_HOST;
		goto out_vm;
	}
	vm.events = ci->events;
	ci->vm = &vm;
	api_vm_attach(ci->api, &vm, &pt);
	events_emit(ci->events, "kvm-ready", NULL);
	r = boot_load(&vm.mem, &in, &info);
	free(*kernel);
	*kernel = NULL;
	in.bz = bz = NULL; /* pointed into the image */
	if (r < 0) {
		code = r == -EINVAL ? EXIT_USAGE : EXIT_HOST;
		goto out_vm;
	}
	log_debug("boot: entry 0x%llx, zero page 0x%llx, initrd %llu bytes at 0x%llx",
		  (unsigned long long)info.entry, (unsigned long long)info.zero_page,
		  (unsigned long long)info.initrd_size, (unsigned long long)info.initrd_gpa);
	if (vcpu_set_boot_state(&vm.vcpus[0]) < 0) {
		code = EXIT_HOST;
		goto out_vm;
	}
	/* The PCI host bridge and the --vf devices, wired up before any vCPU runs. */
	r = passthrough_attach(&pt, &vm, &usage);
	if (r < 0) {
		code = usage ? EXIT_USAGE : EXIT_HOST;
		goto out_vm;
	}
	code = open_console(&vm, cfg, &con, ci);
	if (code)
		goto out_console;
	log_debug("vm: starting %u vCPU(s)", vm.nr_vcpus);
	/* Before the vCPUs start: a guest can exit (port 0x501) at once, and
	 * its guest-exit event must not come before guest-entry. */
	events_emit(ci->events, "guest-entry", "\"vcpus\": %u", vm.nr_vcpus);
	vm_start(&vm); /* on failure the VM is already stopped */
	wait_for_stop(&vm, sfd, ci);
	vm_join(&vm);
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
	if (vm_stop_reason(&vm) != VM_RUNNING) {
		ci->reason = vm_stop_reason_name(vm_stop_reason(&vm));
		if (__atomic_load_n(&ci->matched, __ATOMIC_ACQUIRE))
			*again = false;
		if (cfg->expect && !*again) {
			code = expect_verdict(ci, vm_stop_reason(&vm), code);
			if (code == EXIT_POWEROFF) /* the match decided, whoever stopped the VM */
				ci->reason = vm_stop_reason_name(VM_STOP_EXPECT);
		}
		emit_stats(ci, &vm);
	}
	if (cfg->stats && vm_stop_reason(&vm) != VM_RUNNING) {
		vm_print_stats(&vm, stderr);
		passthrough_print_stats(&pt, stderr);
	}
out_vm:
	api_vm_detach(ci->api); /* before the VM goes away */
	/* Every exit path: reset the VFs, free irqfds/routes/maps, unmap DMA. */
	passthrough_detach(&pt);
	ci->vm = NULL;
	vm_destroy(&vm);
	return code;
}

/* Open the --events log (and say vmm-start) and the --console-log file. */
static int ci_open(struct ci *ci, const struct config *cfg)
{
	if (cfg->events) {
		if (events_open(&ci->events, cfg->events, &ci->t0) < 0)
			return EXIT_USAGE;
		events_emit(ci->events, "vmm-start", NULL);
	}
	if (cfg->console_log) {
		ci->log_fd = open(cfg->console_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (ci->log_fd < 0) {
			log_err("console-log %s: cannot open for writing: %s", cfg->console_log,
				strerror(errno));
			return EXIT_USAGE;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct bzimage bz;
	u8 *kernel = NULL;
	size_t kernel_len;
	struct ci ci = {.cfg = &cfg, .log_fd = -1, .marker_ts = -1};
	struct vf_manage vfm[CLI_MAX_VFS];
	unsigned int nr_vfm = 0;
	int code, r, sfd = -1;
	bool again, usage;

	clock_gettime(CLOCK_MONOTONIC, &ci.t0);
	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return ctl_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "vf") == 0)
		return vf_cmd_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return check_main(argc - 1, argv + 1);
	r = cli_parse(argc, argv, &cfg);
	if (r)
		return r > 0 ? EXIT_POWEROFF : EXIT_USAGE;
	if (cfg.verbose)
		log_set_level(LOG_DEBUG);

	code = ci_open(&ci, &cfg);
	if (code)
		goto out_cfg;
	code = read_kernel(&cfg, &kernel, &kernel_len, &bz);
	if (code)
		goto out_cfg;
	if (signals_setup(&sfd) < 0) {
		code = EXIT_HOST;
		goto out_signals;
	}
	/* After the signals are blocked: the API threads inherit the mask. */
	if (api_vm_open(&ci.api, &cfg, &usage) < 0) {
		code = usage ? EXIT_USAGE : EXIT_HOST;
		goto out_signals;
	}
	/* Managed VFs onto vfio-pci, PF settings applied; given back at out_signals. */
	r = vf_manage_take_all(&cfg, vfm, &nr_vfm, &usage);
	if (r < 0) {
		code = usage ? EXIT_USAGE : EXIT_HOST;
		goto out_signals;
	}
	for (;;) {
		code = run_vm(&cfg, &kernel, &bz, sfd, &again, &ci);
		if (!again)
			break;
		/* --reboot=restart: boot again from the file, as a machine would */
		code = read_kernel(&cfg, &kernel, &kernel_len, &bz);
		if (code)
			break;
	}
out_signals:
	api_vm_close(ci.api);
	vf_manage_give_back_all(vfm, nr_vfm);
	if (sfd >= 0)
		close(sfd);
	free(kernel);
out_cfg:
	events_emit(ci.events, "vmm-exit", "\"code\": %d, \"reason\": \"%s\"", code,
		    ci.reason ? ci.reason : exit_code_name(code));
	events_close(ci.events);
	if (ci.log_fd >= 0)
		close(ci.log_fd);
	cli_release(&cfg);
	log_debug("exit %d (%s)", code, exit_code_name(code));
	return code;
}
