// SPDX-License-Identifier: MIT
/*
 * main.c - tinyvmm, the command: a client of the library (include/tinyvmm.h).
 * Dispatch the subcommands, parse the command line into the machine's
 * description, run the VM with the library on a thread of its own, and turn
 * the stop signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2, SIGALRM)
 * into a clean stop (status 128+N). The only
 * place the process exits: main() returns the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "include/tinyvmm.h"
#include "vmm/base/log.h"
#include "vmm/cmd/check_cmd.h"
#include "vmm/cmd/cli.h"
#include "vmm/cmd/ctl.h"
#include "vmm/cmd/jail.h"
#include "vmm/cmd/vf_cmd.h"

/*
 * Signals that stop the VM; blocked everywhere and read from a signalfd.
 * Not only the usual three: a signal whose default ends the process
 * (SIGQUIT, SIGUSR2, ...) would end it without giving the VFs back.
 * SIGUSR1 is the vCPU kick (vmm/core/vcpu.h), which must stay unblocked:
 * it is ignored until the kick's handler is installed.
 */
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2, SIGALRM};

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
		log_err("signals: cannot block the stop signals (SIGINT, SIGTERM, ...): %s",
			strerror(r));
		return -r;
	}
	*sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (*sfd < 0) {
		r = -errno;
		log_err("signals: signalfd: %s", strerror(-r));
		return r;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, SIG_IGN); /* the vCPU kick: a stray one must not end tinyvmm */
	return 0;
}

/* Until the run ends: each stop signal stops the VM (the first one counts). */
static void wait_run(struct tinyvmm *t, int sfd)
{
	struct pollfd p[2] = {{.fd = sfd, .events = POLLIN},
			      {.fd = tinyvmm_wait_fd(t), .events = POLLIN}};

	for (;;) {
		struct signalfd_siginfo si;

		if (poll(p, ARRAY_SIZE(p), -1) < 0) {
			if (errno == EINTR)
				continue;
			log_err("main: poll: %s", strerror(errno));
			return; /* tinyvmm_wait() still waits for the end */
		}
		if (p[1].revents & POLLIN)
			return;
		if ((p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			log_info("received %s, stopping the guest", strsignal((int)si.ssi_signo));
			tinyvmm_stop_signal(t, (int)si.ssi_signo);
		}
	}
}

/* The exit status of a library error: its mark says whose fault it is. */
static int error_status(int r)
{
	return tinyvmm_is_user_error(r) ? TINYVMM_EXIT_USAGE : TINYVMM_EXIT_HOST;
}

/* Run t on its own thread until it ends; its exit status. */
static int run(struct tinyvmm *t, int sfd)
{
	int r = tinyvmm_start(t);

	if (r < 0)
		return error_status(r);
	wait_run(t, sfd);
	return tinyvmm_wait(t);
}

/*
 * A closed stdin, stdout or stderr gets /dev/null: otherwise the next file
 * tinyvmm opened (/dev/kvm, the events file...) took its number, and the
 * console or the log wrote into it ("console stdout: Invalid argument"
 * from /dev/kvm). With /dev/null the output goes nowhere, as it would have.
 */
static void stdio_fill(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		n = open("/dev/null", O_RDWR); /* the lowest free number: fd */
		if (n >= 0 && n != fd)
			close(n);
	}
}

int main(int argc, char **argv)
{
	struct tinyvmm *t = NULL;
	struct timespec t0;
	struct jail jail;
	struct cli cli;
	int code, r, sfd = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0); /* ts 0 of the events */
	stdio_fill();
	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return ctl_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "vf") == 0)
		return vf_cmd_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return check_cmd_main(argc - 1, argv + 1);
	r = cli_parse(argc, argv, &cli);
	if (r)
		return r > 0 ? TINYVMM_EXIT_POWEROFF : error_status(r);
	r = jail_parse(cli.run_as, &jail);
	if (r < 0) {
		cli_release(&cli);
		return error_status(r);
	}
	/* The command's console: stdin (a terminal in raw mode) and stdout. */
	cli.cfg.console_stdin = true;
	r = tinyvmm_create(&cli.cfg, &t);
	if (r < 0) {
		cli_release(&cli);
		return error_status(r);
	}
	tinyvmm_set_clock_start(t, &t0);
	/* Before any thread: they all inherit the mask. */
	if (signals_setup(&sfd) < 0) {
		code = TINYVMM_EXIT_HOST;
		goto out;
	}
	code = jail.on ? jail_run(t, &cli.cfg, &jail, sfd) : run(t, sfd);
out:
	cli_release(&cli); /* after the run: the sandbox reads the description */
	tinyvmm_destroy(t);
	if (sfd >= 0)
		close(sfd);
	log_debug("exit %d", code);
	return code;
}
