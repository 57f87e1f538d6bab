// SPDX-License-Identifier: MIT
/*
 * test_lib.c - libtinyvmm (include/tinyvmm.h) end to end, in this process,
 * on this machine's /dev/kvm, with the synthetic bzImages test_tinyvmm.c
 * uses: configuration errors, a run on the caller's thread, a background run
 * paused, resumed and stopped, the event callback against the events file,
 * stats, --expect and --timeout, restart on reboot, the stdout console, a
 * dead events pipe, destroy at every stage.
 *
 * Only the public header is used. Without a usable /dev/kvm the tests that
 * boot skip and say why. This /dev/kvm can take seconds to tear a VM down
 * (see test_tinyvmm.c), so waits are generous and VMs few.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/fake_bzimage.h"
#include "tests/e2e_util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "include/tinyvmm.h"

static char skip_why[160];
static char dir[64], kernel[128], consf[128], evf[128], errf[128], outf[128], sockf[128];
static char rundir[128];
static char buf[16384];

#define REQUIRE_KVM()                                                                              \
	do {                                                                                       \
		if (skip_why[0]) {                                                                 \
			print_message("skipped: %s\n", skip_why);                                  \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static const u8 code_ok_off[] = {OUT_COM1('O'), OUT_COM1('K'), OUT_COM1('\n'),
				 OUT_PORT(0x600, 0x34), SPIN};
static const u8 code_spin[] = {SPIN};

static int setup(void **state UNUSED)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		snprintf(skip_why, sizeof(skip_why), "/dev/kvm: %s", strerror(errno));
	else
		close(fd);
	strcpy(dir, "/tmp/test_lib.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(kernel, sizeof(kernel), "%s/bzImage", dir);
	snprintf(consf, sizeof(consf), "%s/console", dir);
	snprintf(evf, sizeof(evf), "%s/events", dir);
	snprintf(errf, sizeof(errf), "%s/err", dir);
	snprintf(outf, sizeof(outf), "%s/out", dir);
	snprintf(sockf, sizeof(sockf), "%s/api.sock", dir);
	snprintf(rundir, sizeof(rundir), "%s/run", dir);
	/* Managed VFs keep their records here, not in /run/tinyvmm. */
	if (mkdir(rundir, 0700) < 0 || setenv("TINYVMM_RUN_DIR", rundir, 1) < 0)
		return -1;
	return 0;
}

static int teardown(void **state UNUSED)
{
	unlink(kernel);
	unlink(consf);
	unlink(evf);
	unlink(errf);
	unlink(outf);
	unlink(sockf);
	rmdir(rundir);
	rmdir(dir);
	return 0;
}

static void write_kernel(const u8 *code, size_t len)
{
	e2e_write_kernel(kernel, code, len);
}

static void slurp(const char *path, char *dst, size_t len)
{
	e2e_slurp(path, dst, len);
}

/* stderr into errf while capturing; stderr's text in buf at the end. */
static int saved_stderr = -1;

static void capture_stderr(void)
{
	int fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(2);
	assert_true(saved_stderr >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
}

static const char *captured(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	saved_stderr = -1;
	slurp(errf, buf, sizeof(buf));
	return buf;
}

/* A machine on kernel with 32 MiB and the console in consf (truncated). */
static struct tinyvmm *make_vm(struct tinyvmm_config *cfg)
{
	struct tinyvmm *t = NULL;

	cfg->kernel = kernel;
	cfg->mem_mib = 32;
	if (!cfg->console) {
		unlink(consf);
		cfg->console = consf;
	}
	assert_int_equal(tinyvmm_create(cfg, &t), 0);
	assert_non_null(t);
	return t;
}

/* Poll until the status is state (5 s at most). */
static void wait_state(struct tinyvmm *t, enum tinyvmm_state state)
{
	struct tinyvmm_status st;

	for (int i = 0; i < 500; i++) {
		assert_int_equal(tinyvmm_status(t, &st), 0);
		if (st.state == state)
			return;
		sleep_ms(10);
	}
	fail_msg("state %d, never %d", st.state, state);
}

/* ---- configuration ---- */

/* r is a user error (TINYVMM_ERR_USER) whose plain errno is e. */
static void assert_user_error(int r, int e)
{
	if (!tinyvmm_is_user_error(r) || tinyvmm_errno(r) != -e)
		fail_msg("%d is not the user error -%d (errno %d, user %d)", r, e, tinyvmm_errno(r),
			 tinyvmm_is_user_error(r));
}

static void test_create_errors(void **state UNUSED)
{
	static struct tinyvmm_vf twenty[20];
	struct tinyvmm_vf_hold *hold = NULL;
	struct tinyvmm_config cfg = {0};
	struct tinyvmm_status st;
	struct tinyvmm *t = (struct tinyvmm *)&cfg;

	assert_int_equal(tinyvmm_api_version(), TINYVMM_API_VERSION);
	assert_non_null(tinyvmm_version());
	assert_int_equal(tinyvmm_create(NULL, &t), -EINVAL); /* a misuse: not marked */
	write_kernel(code_spin, sizeof(code_spin));

	capture_stderr();
	assert_user_error(tinyvmm_create(&cfg, &t), EINVAL);
	assert_contains(captured(), "no kernel given");
	assert_null(t);

	capture_stderr();
	cfg.kernel = "/nonexistent/bzImage";
	assert_user_error(tinyvmm_create(&cfg, &t), ENOENT);
	assert_contains(captured(), "kernel /nonexistent/bzImage: No such file or directory");

	cfg.kernel = kernel;
	cfg.seccomp = (enum tinyvmm_seccomp)7; /* no such mode: it ran as LOG */
	capture_stderr();
	assert_user_error(tinyvmm_create(&cfg, &t), EINVAL);
	assert_contains(captured(), "seccomp 7: give TINYVMM_SECCOMP_OFF, _KILL or _LOG");
	capture_stderr();
	assert_user_error(tinyvmm_seccomp_thread((enum tinyvmm_seccomp)99), EINVAL);
	assert_contains(captured(), "seccomp 99: give");
	cfg.seccomp = TINYVMM_SECCOMP_OFF;
	capture_stderr();
	assert_user_error(tinyvmm_vf_take(twenty, 20, &hold), EINVAL);
	assert_contains(captured(), "vf: 20 VFs to take: at most 16");
	assert_null(hold);
	cfg.initrd = dir; /* a directory */
	capture_stderr();
	assert_user_error(tinyvmm_create(&cfg, &t), EINVAL);
	assert_contains(captured(), "not a regular file");
	cfg.initrd = NULL;

	cfg.expect = "(";
	capture_stderr();
	assert_user_error(tinyvmm_create(&cfg, &t), EINVAL);
	assert_contains(captured(), "not a valid extended regular expression");
	cfg.expect = NULL;

	cfg.mem_mib = 8;
	capture_stderr();
	assert_user_error(tinyvmm_create(&cfg, &t), EINVAL);
	assert_contains(captured(), "too small");
	cfg.mem_mib = 32;

	cfg.timeout = -1;
	capture_stderr();
	assert_user_error(tinyvmm_create(&cfg, &t), EINVAL);
	assert_contains(captured(), "--timeout -1");
	cfg.timeout = 0;

	cfg.console_log_timestamps = true;
	capture_stderr();
	assert_user_error(tinyvmm_create(&cfg, &t), EINVAL);
	assert_contains(captured(), "needs --console-log");
	cfg.console_log_timestamps = false;

	cfg.console = "";
	capture_stderr();
	assert_user_error(tinyvmm_create(&cfg, &t), EINVAL);
	assert_contains(captured(), "empty file name");
	cfg.console = NULL;

	/* A good one, never run: the VF syntax is checked, nothing else happens. */
	assert_int_equal(tinyvmm_create(&cfg, &t), 0);
	capture_stderr();
	assert_user_error(tinyvmm_add_vf(t, "0000:01:10.0,slot=0"), EINVAL);
	assert_user_error(tinyvmm_add_vf(t, "nonsense"), EINVAL);
	assert_int_equal(tinyvmm_add_vf(t, "0000:01:10.0,mac=52:54:00:00:00:01"), 0);
	assert_user_error(tinyvmm_add_vf(t, "01:10.0"), EINVAL); /* the same function */
	assert_contains(captured(), "already passed");
	for (int i = 1; i < 16; i++) {
		char vf[32];

		snprintf(vf, sizeof(vf), "0000:01:10.%d", i % 8);
		if (i >= 8)
			snprintf(vf, sizeof(vf), "0000:01:11.%d", i % 8);
		assert_int_equal(tinyvmm_add_vf(t, vf), 0);
	}
	capture_stderr();
	assert_user_error(tinyvmm_add_vf(t, "0000:02:00.0"), EINVAL);
	assert_contains(captured(), "too many");
	assert_int_equal(tinyvmm_status(t, &st), 0);
	assert_int_equal(st.state, TINYVMM_CREATED);
	assert_int_equal(st.exit_code, -1);
	assert_string_equal(st.reason, "created");
	assert_int_equal(tinyvmm_wait(t), -ESRCH);
	assert_int_equal(tinyvmm_stop(t), -ESRCH);
	assert_int_equal(tinyvmm_pause(t), -ESRCH);
	assert_int_equal(tinyvmm_resume(t), -ESRCH);
	assert_int_equal(tinyvmm_status(t, NULL), -EINVAL);
	tinyvmm_destroy(t); /* never run: nothing to stop, all freed (LeakSanitizer) */
	tinyvmm_destroy(NULL);
}

/* ---- runs ---- */

static void test_run_poweroff(void **state UNUSED)
{
	struct tinyvmm_config cfg = {.cpus = 2};
	struct tinyvmm_status st;
	struct tinyvmm_stats stats;
	struct tinyvmm *t;
	unsigned long long io = 0;

	REQUIRE_KVM();
	write_kernel(code_ok_off, sizeof(code_ok_off));
	t = make_vm(&cfg);
	assert_int_equal(tinyvmm_stats(t, &stats), 0);
	assert_int_equal(stats.boots, 0);
	assert_true(stats.boot_to_marker < 0);
	assert_int_equal(tinyvmm_run(t), TINYVMM_EXIT_POWEROFF);
	slurp(consf, buf, sizeof(buf));
	assert_string_equal(buf, "OK\n");
	assert_int_equal(tinyvmm_status(t, &st), 0);
	assert_int_equal(st.state, TINYVMM_STOPPED);
	assert_int_equal(st.exit_code, 0);
	assert_string_equal(st.reason, "poweroff");
	assert_int_equal(st.boots, 1);
	assert_true(st.uptime > 0);
	assert_int_equal(tinyvmm_stats(t, &stats), 0);
	assert_int_equal(stats.vcpus, 2);
	assert_true(stats.nr_kinds >= 5 && stats.nr_kinds <= TINYVMM_EXIT_KINDS_MAX);
	for (unsigned int k = 0; k < stats.nr_kinds; k++)
		if (!strcmp(stats.exit_names[k], "io"))
			io = stats.exits[k];
	assert_true(io >= 4); /* three bytes to COM1 and the power-off write */
	/* once only; a stop after the end is a no-op */
	assert_int_equal(tinyvmm_run(t), -EBUSY);
	assert_int_equal(tinyvmm_start(t), -EBUSY);
	assert_int_equal(tinyvmm_add_vf(t, "0000:01:10.0"), -EBUSY);
	assert_int_equal(tinyvmm_set_event_callback(t, NULL, NULL), -EBUSY);
	assert_int_equal(tinyvmm_stop(t), 0);
	assert_int_equal(tinyvmm_pause(t), -ESRCH);
	assert_int_equal(tinyvmm_wait(t), 0);
	tinyvmm_destroy(t);
}

static void test_background_pause_stop(void **state UNUSED)
{
	struct tinyvmm_config cfg = {.api_socket = sockf};
	struct tinyvmm_status st;
	struct tinyvmm *t;
	long s1;

	REQUIRE_KVM();
	write_kernel(e2e_code_ticker, sizeof(e2e_code_ticker));
	t = make_vm(&cfg);
	assert_int_equal(tinyvmm_start(t), 0);
	assert_int_equal(tinyvmm_start(t), -EBUSY);
	e2e_wait_output_beyond(consf, 0);
	assert_int_equal(tinyvmm_status(t, &st), 0);
	assert_int_equal(st.state, TINYVMM_RUNNING);
	assert_string_equal(st.reason, "running");
	assert_int_equal(st.exit_code, -1);
	assert_int_equal(access(sockf, F_OK), 0); /* the control API is up */

	assert_int_equal(tinyvmm_pause(t), 0);
	assert_int_equal(tinyvmm_pause(t), 0); /* idempotent */
	wait_state(t, TINYVMM_PAUSED);
	sleep_ms(200); /* what was sent before the pause drains */
	s1 = e2e_file_size(consf);
	sleep_ms(600); /* several ticks if it ran */
	assert_int_equal(e2e_file_size(consf), s1);
	assert_int_equal(tinyvmm_resume(t), 0);
	wait_state(t, TINYVMM_RUNNING);
	e2e_wait_output_beyond(consf, s1);

	assert_int_equal(tinyvmm_stop(t), 0);
	assert_int_equal(tinyvmm_wait(t), TINYVMM_EXIT_POWEROFF);
	assert_int_equal(tinyvmm_wait(t), TINYVMM_EXIT_POWEROFF); /* again: the same */
	assert_int_equal(tinyvmm_status(t, &st), 0);
	assert_int_equal(st.state, TINYVMM_STOPPED);
	assert_string_equal(st.reason, "api-stop");
	assert_int_equal(access(sockf, F_OK), -1); /* closed with the run */
	assert_int_equal(tinyvmm_resume(t), -ESRCH);
	tinyvmm_destroy(t);
}

/* The events the callback saw; read after the run (the run's end orders it). */
struct seen {
	int n;
	char names[32][32];
	char lines[32][512];
	struct tinyvmm **stop; /* stop this machine at guest-entry */
};

static void record_event(void *opaque, const char *event, const char *json_line)
{
	struct seen *s = opaque;

	if (s->n < 32) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", event);
		snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s", json_line);
		s->n++;
	}
	if (s->stop && !strcmp(event, "guest-entry"))
		tinyvmm_stop(*s->stop); /* allowed from the callback */
}

static void test_event_callback(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('O'), OUT_COM1('K'), OUT_COM1('\n'), OUT_PORT(0x501, 5),
				  SPIN};
	static const char *const want[] = {"vmm-start",	 "kvm-ready", "guest-entry",
					   "guest-exit", "stats",     "vmm-exit"};
	struct tinyvmm_config cfg = {.events = evf};
	static struct seen s;
	char *line, *save = NULL;
	struct tinyvmm *t;
	int w = 0, first_byte = -1;

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	memset(&s, 0, sizeof(s));
	t = make_vm(&cfg);
	assert_int_equal(tinyvmm_set_event_callback(t, record_event, &s), 0);
	assert_int_equal(tinyvmm_run(t), 5); /* the guest's debug exit byte */
	assert_int_equal(s.n, (int)(sizeof(want) / sizeof(want[0])) + 1);
	for (int i = 0; i < s.n; i++) {
		char ev[64];

		if (!strcmp(s.names[i], "first-console-byte")) {
			first_byte = i;
			continue;
		}
		assert_string_equal(s.names[i], want[w++]);
		snprintf(ev, sizeof(ev), "\"event\": \"%s\"", s.names[i]);
		assert_contains(s.lines[i], ev);
	}
	if (first_byte < 3 || first_byte == s.n - 1)
		fail_msg("first-console-byte at %d of %d", first_byte, s.n);
	assert_contains(s.lines[s.n - 1], "\"code\": 5, \"reason\": \"guest-exit\"}");
	/* The callback's lines are the events file's, byte for byte. */
	slurp(evf, buf, sizeof(buf));
	line = strtok_r(buf, "\n", &save);
	for (int i = 0; i < s.n; i++, line = strtok_r(NULL, "\n", &save)) {
		assert_non_null(line);
		assert_string_equal(line, s.lines[i]);
	}
	assert_null(line);
	tinyvmm_destroy(t);

	/* No events file: the callback alone; it may stop the run. */
	write_kernel(code_spin, sizeof(code_spin));
	memset(&s, 0, sizeof(s));
	cfg.events = NULL;
	t = make_vm(&cfg);
	s.stop = &t;
	assert_int_equal(tinyvmm_set_event_callback(t, record_event, &s), 0);
	assert_int_equal(tinyvmm_run(t), TINYVMM_EXIT_POWEROFF);
	assert_true(s.n >= 4);
	assert_string_equal(s.names[0], "vmm-start");
	assert_string_equal(s.names[s.n - 1], "vmm-exit");
	assert_contains(s.lines[s.n - 1], "\"reason\": \"api-stop\"");
	tinyvmm_destroy(t);
}

static void test_expect_timeout(void **state UNUSED)
{
	static const u8 ok[] = {OUT_COM1('n'),	OUT_COM1('o'),	OUT_COM1('\r'),
				OUT_COM1('\n'), OUT_COM1('O'),	OUT_COM1('K'),
				OUT_COM1('\r'), OUT_COM1('\n'), SPIN};
	struct tinyvmm_config cfg = {.expect = "^OK$", .timeout = 10};
	struct tinyvmm_status st;
	struct tinyvmm_stats stats;
	struct tinyvmm *t;

	REQUIRE_KVM();
	write_kernel(ok, sizeof(ok));
	t = make_vm(&cfg);
	assert_int_equal(tinyvmm_run(t), TINYVMM_EXIT_POWEROFF);
	assert_int_equal(tinyvmm_status(t, &st), 0);
	assert_string_equal(st.reason, "expect-matched");
	assert_int_equal(tinyvmm_stats(t, &stats), 0);
	assert_true(stats.boot_to_marker > 0 && stats.boot_to_marker < st.uptime);
	tinyvmm_destroy(t);

	/* Never matched: the timeout (fractional) decides. */
	cfg.expect = "^KO$";
	cfg.timeout = 0.3;
	t = make_vm(&cfg);
	capture_stderr();
	assert_int_equal(tinyvmm_run(t), TINYVMM_EXIT_TIMEOUT);
	assert_contains(captured(), "timeout: stopped the guest after 0.3 s");
	assert_int_equal(tinyvmm_stats(t, &stats), 0);
	assert_true(stats.boot_to_marker < 0);
	tinyvmm_destroy(t);

	/* Stopped before it matched: not a pass. */
	cfg.timeout = 0;
	t = make_vm(&cfg);
	assert_int_equal(tinyvmm_start(t), 0);
	e2e_wait_output_beyond(consf, 0);
	capture_stderr();
	assert_int_equal(tinyvmm_stop(t), 0);
	assert_int_equal(tinyvmm_wait(t), TINYVMM_EXIT_EXPECT_FAILED);
	assert_contains(captured(), "before --expect matched");
	tinyvmm_destroy(t);
}

/*
 * An embedder that blocks every signal (the sigwait pattern) before the
 * run: the vCPU kick still stops a guest that never exits (it spun on in
 * KVM_RUN for good, past its timeout).
 */
static void test_all_signals_blocked(void **state UNUSED)
{
	struct tinyvmm_config cfg = {.timeout = 0.3};
	sigset_t all, old;
	struct tinyvmm *t;

	REQUIRE_KVM();
	write_kernel(code_spin, sizeof(code_spin));
	/* all but SIGALRM, so that a hang ends the test: alarm() below */
	sigfillset(&all);
	sigdelset(&all, SIGALRM);
	assert_int_equal(pthread_sigmask(SIG_SETMASK, &all, &old), 0);
	alarm(60);
	t = make_vm(&cfg);
	capture_stderr();
	assert_int_equal(tinyvmm_run(t), TINYVMM_EXIT_TIMEOUT);
	assert_contains(captured(), "timeout: stopped the guest after 0.3 s");
	tinyvmm_destroy(t);
	cfg.timeout = 0;
	t = make_vm(&cfg);
	assert_int_equal(tinyvmm_start(t), 0);
	assert_int_equal(tinyvmm_stop(t), 0);
	assert_int_equal(tinyvmm_wait(t), TINYVMM_EXIT_POWEROFF);
	tinyvmm_destroy(t);
	alarm(0);
	assert_int_equal(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
}

/* The run's clock start must be a CLOCK_MONOTONIC reading, not later than now. */
static void test_clock_start(void **state UNUSED)
{
	struct tinyvmm_config cfg = {0};
	struct timespec now, bad[] = {{-1, 0}, {0, -5}, {0, 1000000000L}, {0, 0}, {LONG_MAX, 0}};
	struct tinyvmm *t;

	REQUIRE_KVM();
	write_kernel(code_ok_off, sizeof(code_ok_off));
	t = make_vm(&cfg);
	clock_gettime(CLOCK_MONOTONIC, &now);
	bad[3] = (struct timespec){now.tv_sec + 60, 0};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(tinyvmm_set_clock_start(t, &bad[i]), -EINVAL);
	now.tv_sec -= 1;
	assert_int_equal(tinyvmm_set_clock_start(t, &now), 0);
	assert_int_equal(tinyvmm_run(t), TINYVMM_EXIT_POWEROFF);
	tinyvmm_destroy(t);
}

/*
 * The split run's events file: tinyvmm_events_keep() truncates the file
 * (or dups fd:N; a FIFO with no reader fails), and tinyvmm_emit_exit()
 * ends it with vmm-exit, once: not again when its last line is vmm-exit
 * already, though the kept descriptor is write-only.
 */
static void test_events_keep_emit_exit(void **state UNUSED)
{
	struct tinyvmm_config cfg = {0};
	struct tinyvmm *t;
	int fd, fd2, pfd[2];

	write_kernel(code_ok_off, sizeof(code_ok_off));
	t = make_vm(&cfg);
	assert_int_equal(tinyvmm_events_keep(&cfg), -ENOENT); /* no events */
	cfg.events = "fd:notanumber";
	assert_int_equal(tinyvmm_events_keep(&cfg), -EINVAL);
	cfg.events = "/nonexistent-dir/events";
	assert_int_equal(tinyvmm_events_keep(&cfg), -ENOENT);
	/* a FIFO with no reader fails, as the run's own open does */
	snprintf(buf, sizeof(buf), "%s/fifo", dir);
	assert_int_equal(mkfifo(buf, 0600), 0);
	cfg.events = buf;
	assert_int_equal(tinyvmm_events_keep(&cfg), -ENXIO);
	unlink(buf);
	cfg.events = evf;
	fd = open(evf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, "stale\n", 6), 6);
	close(fd);
	fd = tinyvmm_events_keep(&cfg);
	assert_true(fd >= 3);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
	e2e_slurp(evf, buf, sizeof(buf));
	assert_string_equal(buf, ""); /* truncated, as the run does */
	assert_int_equal(tinyvmm_emit_exit(t, fd, 70, "seccomp"), 0);
	e2e_slurp(evf, buf, sizeof(buf));
	assert_non_null(
	    strstr(buf, "\"event\": \"vmm-exit\", \"code\": 70, \"reason\": \"seccomp\"}\n"));
	assert_ptr_equal(strchr(buf, '\n'), buf + strlen(buf) - 1); /* one line */
	close(fd);
	/* the VM process wrote its vmm-exit (through its own descriptor), then
	 * died: the kept file's last line is it, and none is written again */
	fd = tinyvmm_events_keep(&cfg);
	assert_true(fd >= 3);
	fd2 = open(evf, O_WRONLY | O_APPEND);
	assert_true(fd2 >= 0);
	assert_true(write(fd2, buf, strlen(buf)) == (ssize_t)strlen(buf));
	close(fd2);
	assert_int_equal(tinyvmm_emit_exit(t, fd, 137, "vm-process-killed"), 0);
	e2e_slurp(evf, buf, sizeof(buf));
	assert_null(strstr(buf, "vm-process-killed"));
	close(fd);
	/* fd:N appended to a log whose last line is an earlier run's vmm-exit:
	 * that line does not count, this run's is written */
	fd2 = open(evf, O_WRONLY | O_APPEND);
	assert_true(fd2 >= 0);
	snprintf(buf, sizeof(buf), "fd:%d", fd2);
	cfg.events = buf;
	fd = tinyvmm_events_keep(&cfg);
	assert_true(fd >= 3 && fd != fd2);
	assert_int_equal(tinyvmm_emit_exit(t, fd, 137, "vm-process-killed"), 0);
	close(fd);
	close(fd2);
	e2e_slurp(evf, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"reason\": \"seccomp\"}\n{"));
	assert_non_null(strstr(buf, "\"reason\": \"vm-process-killed\"}\n"));
	/* fd:N of a pipe (which cannot tell its end) gets it; N stays blocking */
	assert_int_equal(pipe(pfd), 0);
	snprintf(buf, sizeof(buf), "fd:%d", pfd[1]);
	cfg.events = buf;
	fd2 = tinyvmm_events_keep(&cfg);
	assert_true(fd2 >= 3 && fd2 != pfd[1]);
	assert_false(fcntl(pfd[1], F_GETFL) & O_NONBLOCK);
	close(pfd[1]);
	assert_int_equal(tinyvmm_emit_exit(t, fd2, 137, "vm-process-killed"), 0);
	close(fd2);
	memset(buf, 0, sizeof(buf));
	assert_true(read(pfd[0], buf, sizeof(buf) - 1) > 0);
	assert_non_null(strstr(buf, "\"reason\": \"vm-process-killed\"}\n"));
	close(pfd[0]);
	cfg.events = NULL;
	tinyvmm_destroy(t);
}

/*
 * An embedder's tinyvmm_run() under the filters it asked for returns the
 * run's status: the caller's thread, under the main list, made
 * rt_sigpending after the run, and the process ended with status 70. In
 * a child, since the filter stays on the thread.
 */
static void test_run_under_seccomp(void **state UNUSED)
{
	struct tinyvmm_config cfg = {.seccomp = TINYVMM_SECCOMP_KILL};
	int status;
	pid_t pid;

	REQUIRE_KVM();
	write_kernel(code_ok_off, sizeof(code_ok_off));
	cfg.kernel = kernel;
	cfg.mem_mib = 32;
	cfg.console = consf;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tinyvmm *t = NULL;
		int code;

		alarm(60);
		if (tinyvmm_create(&cfg, &t) < 0)
			_exit(100);
		code = tinyvmm_run(t);
		tinyvmm_destroy(t);
		_exit(code);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), TINYVMM_EXIT_POWEROFF);
}

static void test_restart_on_reboot(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('R'), OUT_PORT(0x602, 0x04), SPIN};
	struct tinyvmm_config cfg = {.restart_on_reboot = true};
	struct tinyvmm_status st;
	struct tinyvmm *t;

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	t = make_vm(&cfg);
	capture_stderr();
	assert_int_equal(tinyvmm_start(t), 0);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(tinyvmm_status(t, &st), 0);
		if (st.boots >= 3)
			break;
		sleep_ms(10);
	}
	assert_int_equal(tinyvmm_stop(t), 0);
	assert_int_equal(tinyvmm_wait(t), TINYVMM_EXIT_POWEROFF);
	assert_contains(captured(), "restarting");
	assert_int_equal(tinyvmm_status(t, &st), 0);
	if (st.boots < 3)
		fail_msg("%u boots", st.boots);
	assert_string_equal(st.reason, "api-stop");
	slurp(consf, buf, sizeof(buf));
	assert_true(strlen(buf) >= st.boots - 1 && strspn(buf, "R") == strlen(buf));
	tinyvmm_destroy(t);
}

/* console NULL: stdout, and stdin is never read (that is the command's). */
static void test_stdout_console(void **state UNUSED)
{
	struct tinyvmm_config cfg = {.console = NULL};
	struct tinyvmm *t = NULL;
	int in[2], saved_in, saved_out, fd;
	char c;

	REQUIRE_KVM();
	write_kernel(code_ok_off, sizeof(code_ok_off));
	cfg.kernel = kernel;
	cfg.mem_mib = 32;
	assert_int_equal(tinyvmm_create(&cfg, &t), 0);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(write(in[1], "q", 1), 1);
	fd = open(outf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stdout);
	saved_in = dup(0);
	saved_out = dup(1);
	dup2(in[0], 0);
	dup2(fd, 1);
	close(fd);
	assert_int_equal(tinyvmm_run(t), TINYVMM_EXIT_POWEROFF);
	dup2(saved_in, 0);
	dup2(saved_out, 1);
	close(saved_in);
	close(saved_out);
	slurp(outf, buf, sizeof(buf));
	assert_string_equal(buf, "OK\n");
	assert_int_equal(fcntl(in[0], F_SETFL, O_NONBLOCK), 0); /* fail, not hang */
	assert_int_equal(read(in[0], &c, 1), 1);		/* still there */
	close(in[0]);
	close(in[1]);
	tinyvmm_destroy(t);
}

/* An events pipe nobody reads: a failed write, not a SIGPIPE for us. */
static void test_dead_events_pipe(void **state UNUSED)
{
	struct tinyvmm_config cfg = {0};
	char spec[32];
	sigset_t pending;
	struct tinyvmm *t;
	int p[2];

	REQUIRE_KVM();
	write_kernel(code_ok_off, sizeof(code_ok_off));
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	snprintf(spec, sizeof(spec), "fd:%d", p[1]);
	cfg.events = spec;
	t = make_vm(&cfg);
	capture_stderr();
	assert_int_equal(tinyvmm_run(t), TINYVMM_EXIT_POWEROFF); /* alive to see it */
	assert_contains(captured(), "write failed");
	assert_int_equal(sigpending(&pending), 0);
	assert_false(sigismember(&pending, SIGPIPE));
	close(p[1]);
	tinyvmm_destroy(t);
}

/* destroy while the guest runs: stops it and waits; a bad VF is a usage error. */
static void test_destroy_running_and_bad_vf(void **state UNUSED)
{
	struct tinyvmm_config cfg = {0};
	struct tinyvmm_status st;
	struct tinyvmm *t;

	REQUIRE_KVM();
	write_kernel(e2e_code_ticker, sizeof(e2e_code_ticker));
	t = make_vm(&cfg);
	assert_int_equal(tinyvmm_start(t), 0);
	e2e_wait_output_beyond(consf, 0);
	tinyvmm_destroy(t);

	t = make_vm(&cfg);
	assert_int_equal(tinyvmm_add_vf(t, "0000:ff:1f.7"), 0);
	capture_stderr();
	assert_int_equal(tinyvmm_run(t), TINYVMM_EXIT_USAGE);
	assert_contains(captured(), "0000:ff:1f.7");
	assert_int_equal(tinyvmm_status(t, &st), 0);
	assert_string_equal(st.reason, "usage");
	assert_int_equal(st.boots, 0);
	tinyvmm_destroy(t);
	assert_int_equal(rmdir(rundir), 0); /* nothing left behind */
	assert_int_equal(mkdir(rundir, 0700), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_errors),
	    cmocka_unit_test(test_run_poweroff),
	    cmocka_unit_test(test_background_pause_stop),
	    cmocka_unit_test(test_event_callback),
	    cmocka_unit_test(test_expect_timeout),
	    cmocka_unit_test(test_all_signals_blocked),
	    cmocka_unit_test(test_run_under_seccomp),
	    cmocka_unit_test(test_clock_start),
	    cmocka_unit_test(test_events_keep_emit_exit),
	    cmocka_unit_test(test_restart_on_reboot),
	    cmocka_unit_test(test_stdout_console),
	    cmocka_unit_test(test_dead_events_pipe),
	    cmocka_unit_test(test_destroy_running_and_bad_vf),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
