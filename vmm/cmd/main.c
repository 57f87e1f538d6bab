// SPDX-License-Identifier: MIT
/*
 * main.c - tinyvmm, the command: a thin client of the library (tinyvmm.h).
 * Dispatch the subcommands, parse the command line, run the VM with the
 * library on a thread of its own, and turn SIGINT, SIGTERM and SIGHUP into
 * a clean stop (status 128+N). The only place the process exits: main()
 * returns the exit code (exitcode.h).
 */
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "vmm/host/preflight.h"
#include "vmm/cmd/cli.h"
#include "vmm/cmd/ctl.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/log.h"
#include "vmm/api/library_cmd.h"
#include "vmm/cmd/vf_cmd.h"

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
	return 0;
}

/* Until the run ends: each stop signal stops the VM (the first one counts). */
static void wait_run(struct tinyvmm *t, int sfd)
{
	struct pollfd p[2] = {{.fd = sfd, .events = POLLIN},
			      {.fd = tinyvmm_done_fd(t), .events = POLLIN}};

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

int main(int argc, char **argv)
{
	struct tinyvmm *t = NULL;
	struct timespec t0;
	struct config cfg;
	int code, r, sfd = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0); /* ts 0 of the events */
	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return ctl_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "vf") == 0)
		return vf_cmd_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return check_main(argc - 1, argv + 1);
	r = cli_parse(argc, argv, &cfg);
	if (r)
		return r > 0 ? EXIT_POWEROFF : EXIT_USAGE;

	/* Before any thread: they all inherit the mask. */
	if (signals_setup(&sfd) < 0) {
		code = EXIT_HOST;
		goto out;
	}
	if (tinyvmm_create_from_config(&cfg, &t0, &t) < 0) {
		code = EXIT_HOST;
		goto out;
	}
	r = tinyvmm_start(t);
	if (r < 0) {
		code = EXIT_HOST;
		goto out;
	}
	wait_run(t, sfd);
	code = tinyvmm_wait(t);
out:
	tinyvmm_destroy(t);
	if (sfd >= 0)
		close(sfd);
	cli_release(&cfg);
	log_debug("exit %d (%s)", code, exit_code_name(code));
	return code;
}
