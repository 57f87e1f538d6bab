// SPDX-License-Identifier: MIT
/*
 * markertime - run a VMM, time it to a console marker, measure its memory.
 *
 *   markertime [-m MARKER] [-M MARKER2] [-g GUEST_MIB] [-t SECS] [-o LOG] -- CMD [ARGS...]
 *
 * Starts CMD with stdout and stderr on a pipe, copies what it prints to LOG
 * (or discards it), and prints one line of key=value figures:
 *   marker_ms   from just before fork() to the end (the newline) of the first
 *               line holding MARKER (default "TINYVMM-GUEST-READY"), the
 *               moment tinyvmm's --expect can match it too; -1 if never seen
 *   marker2_ms  the same for MARKER2 (with -M only): a second point of the
 *               same run, such as the guest's boot marker before a marker
 *               that comes later
 *   t0_mono_ms  the CLOCK_MONOTONIC reading that marker_ms counts from (to
 *               line the figures up with tinyvmm's --events clock_monotonic)
 *   exit_ms     from fork() to the process's exit
 *   rc          its exit status (128+N if killed by signal N)
 *   rss_kib     its resident set when the marker appeared (/proc/PID/smaps)
 *   guest_kib   resident guest RAM then: the Rss of its largest mapping of
 *               exactly GUEST_MIB MiB (or, failing that, its largest mapping)
 *   vmm_kib     rss_kib - guest_kib: the VMM's own memory
 *   maxrss_kib  peak RSS over the whole run (getrusage of the child)
 * With -t, CMD is killed (SIGKILL) after SECS seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct mem_figures {
	long rss_kib, guest_kib;
};

/* Sum Rss over all mappings; guest = largest Rss among mappings of the guest size. */
static void read_smaps(pid_t pid, unsigned long guest_mib, struct mem_figures *m)
{
	char path[64], line[512];
	unsigned long start = 0, end = 0, best_size = 0;
	long rss, best_guest = -1, largest_rss = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	m->rss_kib = m->guest_kib = -1;
	if (!f)
		return;
	m->rss_kib = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			start = s;
			end = e;
			continue;
		}
		if (sscanf(line, "Rss: %ld kB", &rss) == 1) {
			unsigned long size = end - start;

			m->rss_kib += rss;
			if (guest_mib && size == guest_mib << 20 && rss > best_guest)
				best_guest = rss;
			if (size > best_size) {
				best_size = size;
				largest_rss = rss;
			}
		}
	}
	fclose(f);
	m->guest_kib = best_guest >= 0 ? best_guest : largest_rss;
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: markertime [-m MARKER] [-M MARKER2] [-g GUEST_MIB] [-t SECS] [-o LOG] -- CMD "
	    "[ARGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *marker = "TINYVMM-GUEST-READY", *marker2 = NULL, *logpath = NULL;
	unsigned long guest_mib = 0;
	double timeout_s = 0, t0, t_marker = -1, t_marker2 = -1, t_exit;
	struct mem_figures mem = {-1, -1};
	char buf[65536], linebuf[4096];
	size_t linelen = 0;
	int pfd[2], opt, status, logfd = -1, rc;
	struct rusage ru;
	pid_t pid;

	while ((opt = getopt(argc, argv, "m:M:g:t:o:")) != -1) {
		switch (opt) {
		case 'm':
			marker = optarg;
			break;
		case 'M':
			marker2 = optarg;
			break;
		case 'g':
			guest_mib = strtoul(optarg, NULL, 0);
			break;
		case 't':
			timeout_s = atof(optarg);
			break;
		case 'o':
			logpath = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (logpath) {
		logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (logfd < 0) {
			fprintf(stderr, "markertime: %s: %s\n", logpath, strerror(errno));
			return 2;
		}
	}
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return 2;
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "markertime: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		int wait_ms = -1;
		ssize_t n;

		if (timeout_s > 0) {
			double left = t0 + timeout_s * 1e3 - now_ms();

			if (left <= 0) {
				kill(pid, SIGKILL);
				break;
			}
			wait_ms = (int)left + 1;
		}
		if (poll(&p, 1, wait_ms) <= 0)
			continue;
		n = read(pfd[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		if (logfd >= 0 && write(logfd, buf, (size_t)n) != n)
			logfd = -1;
		for (ssize_t i = 0; i < n && (t_marker < 0 || (marker2 && t_marker2 < 0)); i++) {
			if (buf[i] != '\n' && linelen < sizeof(linebuf) - 1) {
				linebuf[linelen++] = buf[i];
				continue;
			}
			/* a whole line (or a full buffer of one) */
			linebuf[linelen] = '\0';
			linelen = 0;
			if (marker2 && t_marker2 < 0 && strstr(linebuf, marker2))
				t_marker2 = now_ms() - t0;
			if (t_marker < 0 && strstr(linebuf, marker)) {
				t_marker = now_ms() - t0;
				read_smaps(pid, guest_mib, &mem);
			}
			if (buf[i] != '\n')
				linebuf[linelen++] = buf[i];
		}
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return 2;
	t_exit = now_ms() - t0;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("marker_ms=%.1f exit_ms=%.1f rc=%d rss_kib=%ld guest_kib=%ld vmm_kib=%ld "
	       "maxrss_kib=%ld t0_mono_ms=%.3f",
	       t_marker, t_exit, rc, mem.rss_kib, mem.guest_kib,
	       mem.rss_kib >= 0 ? mem.rss_kib - mem.guest_kib : -1, ru.ru_maxrss, t0);
	if (marker2)
		printf(" marker2_ms=%.1f", t_marker2);
	printf("\n");
	return 0;
}
