// SPDX-License-Identifier: MIT
/*
 * main.c - tinyvmm: parse the command line, build the VM, load the kernel,
 * run the vCPUs until the guest powers off (or something stops it), tear
 * everything down and return the exit code (exitcode.h). The only place
 * the process exits.
 */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "boot.h"
#include "bzimage.h"
#include "cli.h"
#include "console.h"
#include "exitcode.h"
#include "log.h"
#include "passthrough.h"
#include "vcpu.h"
#include "vm.h"

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

/* Sleep until the VM stops; turn a stop signal into vm_stop(). */
static void wait_for_stop(struct vm *vm, int sfd)
{
	struct pollfd p[2] = {{.fd = sfd, .events = POLLIN},
			      {.fd = vm->stop_efd, .events = POLLIN}};

	while (vm_stop_reason(vm) == VM_RUNNING) {
		struct signalfd_siginfo si;

		if (poll(p, ARRAY_SIZE(p), -1) < 0) {
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

static int open_console(struct vm *vm, const struct config *cfg, struct console **con)
{
	int r = console_open(con, vm->serial, cfg->console, console_quit, vm);

	if (r < 0)
		return r == -ENOMEM || !cfg->console ? EXIT_HOST : EXIT_USAGE;
	__atomic_store_n(&vm->console, *con, __ATOMIC_RELEASE);
	r = console_start(*con);
	return r < 0 ? EXIT_HOST : 0;
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
		  bool *again)
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
	code = open_console(&vm, cfg, &con);
	if (code)
		goto out_console;
	log_debug("vm: starting %u vCPU(s)", vm.nr_vcpus);
	vm_start(&vm); /* on failure the VM is already stopped */
	wait_for_stop(&vm, sfd);
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
		console_close(con);
	if (cfg->stats && vm_stop_reason(&vm) != VM_RUNNING) {
		vm_print_stats(&vm, stderr);
		passthrough_print_stats(&pt, stderr);
	}
out_vm:
	/* Every exit path: reset the VFs, free irqfds/routes/maps, unmap DMA. */
	passthrough_detach(&pt);
	vm_destroy(&vm);
	return code;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct bzimage bz;
	u8 *kernel = NULL;
	size_t kernel_len;
	int code, r, sfd = -1;
	bool again;

	r = cli_parse(argc, argv, &cfg);
	if (r)
		return r > 0 ? EXIT_POWEROFF : EXIT_USAGE;
	if (cfg.verbose)
		log_set_level(LOG_DEBUG);

	code = read_kernel(&cfg, &kernel, &kernel_len, &bz);
	if (code)
		goto out_cfg;
	if (signals_setup(&sfd) < 0) {
		code = EXIT_HOST;
		goto out_signals;
	}
	for (;;) {
		code = run_vm(&cfg, &kernel, &bz, sfd, &again);
		if (!again)
			break;
		/* --reboot=restart: boot again from the file, as a machine would */
		code = read_kernel(&cfg, &kernel, &kernel_len, &bz);
		if (code)
			break;
	}
out_signals:
	if (sfd >= 0)
		close(sfd);
	free(kernel);
out_cfg:
	cli_release(&cfg);
	log_debug("exit %d (%s)", code, exit_code_name(code));
	return code;
}
