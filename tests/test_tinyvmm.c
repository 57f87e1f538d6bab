// SPDX-License-Identifier: MIT
/*
 * test_tinyvmm.c - the built build/tinyvmm end to end on this machine's
 * /dev/kvm, with synthetic bzImages (and a synthetic ELF vmlinux) whose
 * 64-bit entry point runs a few instructions: power off, reboot (ACPI and
 * i8042), panic (pvpanic), triple fault, and a signal while the guest spins.
 * Checks exit codes (exitcode.h), the console output and the one-line
 * messages.
 *
 * Without a usable /dev/kvm every test skips and says why.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/fake_bzimage.h"
#include "tests/fake_vmlinux.h"
#include "tests/e2e_util.h"

#include <asm/bootparam.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm/base/exitcode.h"
#include "vmm/base/util.h"

#define TINYVMM "build/tinyvmm"

static char skip_why[160];
static char dir[64], kernel[128], outf[128], errf[128], consf[128], evf[128];
static char sockf[128], ctlin[128], ctlout[128];
static char out[8192], err[8192];

#define REQUIRE_KVM()                                                                              \
	do {                                                                                       \
		if (skip_why[0]) {                                                                 \
			print_message("skipped: %s\n", skip_why);                                  \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static int setup(void **state UNUSED)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		snprintf(skip_why, sizeof(skip_why), "/dev/kvm: %s", strerror(errno));
	else
		close(fd);
	if (access(TINYVMM, X_OK) < 0)
		snprintf(skip_why, sizeof(skip_why), "%s: %s (run make first)", TINYVMM,
			 strerror(errno));
	strcpy(dir, "/tmp/test_tinyvmm.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(kernel, sizeof(kernel), "%s/bzImage", dir);
	snprintf(outf, sizeof(outf), "%s/out", dir);
	snprintf(errf, sizeof(errf), "%s/err", dir);
	snprintf(consf, sizeof(consf), "%s/console", dir);
	snprintf(evf, sizeof(evf), "%s/events", dir);
	snprintf(sockf, sizeof(sockf), "%s/api.sock", dir);
	snprintf(ctlin, sizeof(ctlin), "%s/ctl.in", dir);
	snprintf(ctlout, sizeof(ctlout), "%s/ctl.out", dir);
	return 0;
}

static int teardown(void **state UNUSED)
{
	unlink(kernel);
	unlink(outf);
	unlink(errf);
	unlink(consf);
	unlink(evf);
	unlink(sockf);
	unlink(ctlin);
	unlink(ctlout);
	rmdir(dir);
	return 0;
}

static void write_kernel(const u8 *code, size_t len)
{
	e2e_write_kernel(kernel, code, len);
}

static void slurp(const char *path, char *buf, size_t len)
{
	e2e_slurp(path, buf, len);
}

/* A terminal for the child's stdin (test_terminal), or -1: /dev/null. */
static int child_tty = -1;
/* run()'s signal goes to the sandbox's VM process, tinyvmm's child. */
static bool sig_to_vm_process;

/* p's first child (the sandbox's VM process), or -1; from /proc/PID/stat. */
static pid_t first_child(pid_t p)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t c = -1;

	while (d && c < 0 && (e = readdir(d))) {
		char path[300], comm[64];
		int pid, ppid;
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%d (%63[^)]) %*c %d", &pid, comm, &ppid) == 3 && ppid == p)
			c = pid;
		fclose(f);
	}
	if (d)
		closedir(d);
	return c;
}

/* Whether child_tty is raw (the console's mode): no canonical input. */
static bool tty_raw(void)
{
	struct termios t;

	return child_tty >= 0 && tcgetattr(child_tty, &t) == 0 && !(t.c_lflag & ICANON);
}

/* After a terminal test, however it ended: the next tests get /dev/null. */
static int tty_reset(void **state UNUSED)
{
	child_tty = -1;
	sig_to_vm_process = false;
	return 0;
}

/*
 * In a forked child: stdin from /dev/null (or child_tty, made its controlling
 * terminal in a new session, in the foreground), stdout to outf, stderr to errf.
 */
static bool child_no_stdout; /* the child runs with stdout closed */

static void child_stdio(void)
{
	int in = child_tty;

	if (in >= 0 && (setsid() < 0 || ioctl(in, TIOCSCTTY, 0) < 0))
		_exit(127);
	if (in < 0)
		in = open("/dev/null", O_RDONLY);
	int o = open(outf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
		_exit(127);
	if (child_no_stdout)
		close(1);
}

/*
 * Run tinyvmm with the given extra arguments (NULL-terminated), sending
 * signal sig after delay_ms if sig != 0; 60 s at most. Returns the exit code.
 * The limit is generous on purpose: on this machine's paravirtual KVM,
 * tearing a VM down sometimes waits seconds in the kernel's
 * synchronize_srcu() (seen in KVM_SET_USER_MEMORY_REGION and in the PIT's
 * teardown inside close(vm_fd)), which is slow but not a hang of tinyvmm's.
 */
static int run(int sig, int delay_ms, ...)
{
	const char *argv[24] = {TINYVMM, "--kernel", kernel, "--mem", "32"};
	int argc = 5, status = 0;
	struct timespec t0, now;
	bool sent = false;
	va_list ap;
	pid_t pid;

	va_start(ap, delay_ms);
	for (const char *a; (a = va_arg(ap, const char *));)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		child_stdio();
		execv(TINYVMM, (char *const *)argv);
		_exit(127);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long ms;
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		assert_int_equal(r, 0);
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		/* to the VM process: once it made the terminal raw, if there is one */
		if (sig && !sent && ms >= delay_ms &&
		    (!sig_to_vm_process || child_tty < 0 || tty_raw())) {
			pid_t to = sig_to_vm_process ? first_child(pid) : pid;

			if (to > 0) {
				kill(to, sig);
				sent = true;
			}
		}
		if (ms > 60000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("tinyvmm did not exit within 60 s");
		}
		usleep(10 * 1000);
	}
	slurp(outf, out, sizeof(out));
	slurp(errf, err, sizeof(err));
	if (!WIFEXITED(status))
		fail_msg("tinyvmm died of signal %d; stderr: %s", WTERMSIG(status), err);
	return WEXITSTATUS(status);
}

static void test_poweroff(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('O'), OUT_COM1('K'), OUT_COM1('\n'),
				  OUT_PORT(0x600, 0x34), SPIN};

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	assert_int_equal(run(0, 0, "--cpus", "2", NULL), EXIT_POWEROFF);
	assert_string_equal(out, "OK\n");
	assert_string_equal(err, "");
}

/*
 * Started from a terminal, in its foreground (an operator's shell): the
 * console puts it in raw mode and reads it, in the sandbox when run as root
 * (its seccomp lists must allow the foreground check), and puts the mode back.
 */
static void test_terminal(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('O'), OUT_COM1('K'), OUT_COM1('\n'),
				  OUT_PORT(0x600, 0x34), SPIN};
	struct termios before, after;
	int master, slave;

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
	fcntl(master, F_SETFD, FD_CLOEXEC); /* tinyvmm gets the slave as stdin only */
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	assert_int_equal(tcgetattr(slave, &before), 0);
	assert_true(before.c_lflag & ICANON);
	child_tty = slave;
	assert_int_equal(run(0, 0, NULL), EXIT_POWEROFF);
	child_tty = -1;
	assert_string_equal(out, "OK\n");
	assert_string_equal(err, "");
	assert_int_equal(tcgetattr(slave, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag); /* raw mode undone */
	assert_int_equal(after.c_iflag, before.c_iflag);
	close(slave);
	close(master);
}

/*
 * The sandbox's VM process killed while the terminal is raw (SIGKILL; a
 * seccomp kill ends it as abruptly): the parent puts the mode back.
 */
static void test_terminal_vm_killed(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('O'), OUT_COM1('K'), OUT_COM1('\n'), SPIN};
	struct termios before, after;
	int master, slave;

	REQUIRE_KVM();
	if (geteuid() != 0) {
		print_message("skipped: the sandbox (a VM process apart) needs root\n");
		skip();
	}
	write_kernel(code, sizeof(code));
	assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	assert_int_equal(tcgetattr(slave, &before), 0);
	assert_true(before.c_lflag & ICANON);
	child_tty = slave;
	sig_to_vm_process = true; /* once the console has made the terminal raw */
	assert_int_equal(run(SIGKILL, 0, NULL), EXIT_SIGNAL_BASE + SIGKILL);
	sig_to_vm_process = false;
	child_tty = -1;
	assert_contains(err, "was killed by");
	assert_int_equal(tcgetattr(slave, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	assert_int_equal(after.c_iflag, before.c_iflag);
	close(slave);
	close(master);
}

static void test_stats_and_console_file(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('h'), OUT_COM1('i'), OUT_PORT(0x600, 0x34), SPIN};

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	unlink(consf);
	assert_int_equal(run(0, 0, "--stats", "--console", consf, NULL), EXIT_POWEROFF);
	assert_string_equal(out, "");
	assert_contains(err, "tinyvmm stats: VM exits (stopped: poweroff)");
	assert_contains(err, "serial");
	slurp(consf, out, sizeof(out));
	assert_string_equal(out, "hi");
}

/* How many times needle is in text. */
static unsigned int count(const char *text, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/*
 * The sandbox's VM process killed, or ended by its seccomp trap: it wrote
 * no vmm-exit, so the parent writes it, and the events still end with it.
 */
static void test_events_vm_killed(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('O'), OUT_COM1('K'), OUT_COM1('\n'), SPIN};
	char *last;

	REQUIRE_KVM();
	if (geteuid() != 0) {
		print_message("skipped: the sandbox (a VM process apart) needs root\n");
		skip();
	}
	write_kernel(code, sizeof(code));
	unlink(evf);
	sig_to_vm_process = true;
	assert_int_equal(run(SIGKILL, 1000, "--events", evf, NULL), EXIT_SIGNAL_BASE + SIGKILL);
	sig_to_vm_process = false;
	slurp(evf, out, sizeof(out));
	/* killed once the guest ran (its boot takes milliseconds), not before */
	assert_contains(out, "\"event\": \"first-console-byte\"");
	assert_int_equal(count(out, "\"event\": \"vmm-exit\""), 1);
	out[strlen(out) - 1] = '\0'; /* the last line, without its newline */
	last = strrchr(out, '\n');
	assert_non_null(last);
	assert_contains(last, "\"event\": \"vmm-exit\", \"code\": 137, \"reason\": "
			      "\"vm-process-killed\"}");
}

/*
 * Started with stdout closed: the guest's output goes nowhere, quietly. It
 * went into whatever took number 1 (/dev/kvm: "console stdout: Invalid
 * argument"; the events file would have got the guest's bytes).
 */
static void test_stdout_closed(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('h'), OUT_COM1('i'), OUT_PORT(0x600, 0x34), SPIN};

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	child_no_stdout = true;
	assert_int_equal(run(0, 0, "--events", evf, NULL), EXIT_POWEROFF);
	child_no_stdout = false;
	assert_string_equal(err, "");
	slurp(evf, out, sizeof(out));
	assert_contains(out, "\"event\": \"vmm-exit\"");
	assert_null(strstr(out, "hi"));
}

static void test_reboot_exit(void **state UNUSED)
{
	static const u8 acpi[] = {OUT_PORT(0x602, 0x04), SPIN};
	static const u8 i8042[] = {OUT_PORT(0x64, 0xfe), SPIN};

	REQUIRE_KVM();
	write_kernel(acpi, sizeof(acpi));
	assert_int_equal(run(0, 0, NULL), EXIT_POWEROFF);
	assert_contains(err, "guest rebooted");
	write_kernel(i8042, sizeof(i8042));
	assert_int_equal(run(0, 0, "--reboot=exit", NULL), EXIT_POWEROFF);
	assert_contains(err, "guest rebooted");
}

static long run_ms(struct timespec *t0);

static void test_reboot_restart(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('R'), OUT_PORT(0x602, 0x04), SPIN};
	struct timespec t0;
	long ms;

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	/* Every boot prints R and reboots at once. Without a backoff that is
	 * dozens of boots in 1.2 s; with it, waits of 100, 200, 400 and 800 ms
	 * between boots leave 4 or 5 (under load, fewer). The SIGTERM at 1.2 s
	 * comes in a wait and ends it at once. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run(SIGTERM, 1200, "--reboot=restart", NULL), EXIT_SIGNAL_BASE + SIGTERM);
	ms = run_ms(&t0);
	if (strlen(out) < 1 || strlen(out) > 5 || strspn(out, "R") != strlen(out))
		fail_msg("expected 1 to 5 boots (R each), got \"%s\"", out);
	assert_contains(err, "restarting");
	assert_true(ms < 1200 + 700); /* the wait did not outlast the stop */

	/* --timeout counts between boots: the run ends at 2 s, in a wait.
	 * Before, the waits (100, 200, 400, 800, 1600 ms) ran out first and
	 * the run ended at the next boot, at 3.3 s. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run(0, 0, "--reboot=restart", "--timeout", "2", NULL), EXIT_TIMEOUT);
	ms = run_ms(&t0);
	assert_contains(err, "timeout: stopped"); /* "between boots", or in one under load */
	if (ms > 2000 + 700)
		fail_msg("the run took %ld ms, past --timeout 2", ms);
}

static void test_panic(void **state UNUSED)
{
	static const u8 code[] = {OUT_PORT(0x505, 0x01), SPIN};

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	assert_int_equal(run(0, 0, NULL), EXIT_CRASH);
	assert_contains(err, "panicked");
}

static void test_triple_fault(void **state UNUSED)
{
	static const u8 code[] = {0x0f, 0x0b}; /* ud2, no IDT */

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	assert_int_equal(run(0, 0, NULL), EXIT_CRASH);
	assert_contains(err, "triple fault");
	assert_contains(err, "RIP=0000000000100200");
	assert_contains(err, "EFER=00000500");
}

static void test_signals(void **state UNUSED)
{
	static const u8 code[] = {SPIN};
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		assert_int_equal(run(sigs[i], 300, "--cpus", "3", NULL),
				 EXIT_SIGNAL_BASE + sigs[i]);
		assert_contains(err, "stopping the guest");
	}
}

/*
 * Console flood (Firecracker's test_serial_dos is the model): the guest
 * writes 256 KiB to COM1 with rep outsb while nothing ever reads tinyvmm's
 * stdout, and 100 MiB is offered on its stdin. The vCPU must never block on
 * stdout (the loop finishes; the UART drops what its ring cannot hold, as
 * this guest ignores LSR.THRE), tinyvmm reads no more input than the UART's
 * FIFO takes, and its peak RSS stays within 1 MiB of a run with no flood.
 * 256 KiB rather than 100 MiB: this machine's paravirtual KVM exits once per
 * byte of rep outsb (~20 us each), so 100 MiB would take half an hour; 256
 * KiB is four times what the pipe and the UART's ring can hold.
 */
struct flood_result {
	int code;
	long ms, maxrss_kib;
	long long offered; /* bytes the stdin writer managed to write */
};

static void run_flood(struct flood_result *res, bool flood)
{
	int in[2], outp[2], status = 0, cnt[2];
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid, writer;

	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(outp), 0);
	assert_int_equal(pipe(cnt), 0);
	writer = fork();
	assert_true(writer >= 0);
	if (writer == 0) {
		static char buf[65536];
		long long done = 0;

		close(in[0]);
		close(outp[0]);
		close(outp[1]);
		close(cnt[0]);
		signal(SIGPIPE, SIG_IGN);
		memset(buf, 'y', sizeof(buf));
		while (flood && done < 100LL << 20) {
			ssize_t n = write(in[1], buf, sizeof(buf));

			if (n <= 0)
				break;
			done += n;
		}
		if (write(cnt[1], &done, sizeof(done)) != sizeof(done))
			_exit(1);
		_exit(0);
	}
	close(cnt[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (e < 0 || dup2(in[0], 0) < 0 || dup2(outp[1], 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		execl(TINYVMM, TINYVMM, "--kernel", kernel, "--mem", "32", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	/* nobody reads outp[0] until tinyvmm has exited */
	for (;;) {
		pid_t r = wait4(pid, &status, WNOHANG, &ru);

		if (r == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if ((t1.tv_sec - t0.tv_sec) > 60) {
			kill(pid, SIGKILL);
			wait4(pid, &status, 0, &ru);
			fail_msg("tinyvmm did not finish the flood within 60 s");
		}
		usleep(5000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(in[1]);
	close(outp[0]);
	/* with tinyvmm gone the writer's write fails with EPIPE and it reports
	 * its count; give it 10 s to get there before killing it */
	pid_t reaped = 0;

	for (int i = 0; i < 2000 && (reaped = waitpid(writer, NULL, WNOHANG)) == 0; i++)
		usleep(5000);
	if (reaped != writer) {
		kill(writer, SIGKILL);
		waitpid(writer, NULL, 0);
	}
	res->offered = -1;
	if (read(cnt[0], &res->offered, sizeof(res->offered)) != sizeof(res->offered))
		res->offered = -1;
	close(cnt[0]);
	slurp(errf, err, sizeof(err));
	res->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	res->ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	res->maxrss_kib = ru.ru_maxrss;
}

static void test_console_flood(void **state UNUSED)
{
	/* rbx = 64 rounds of rep outsb of 4096 bytes (256 KiB) to COM1 */
	/* clang-format off */
	static const u8 flood[] = {
	    0xbb, 0x40, 0x00, 0x00, 0x00, /* mov ebx, 64 */
	    0x66, 0xba, 0xf8, 0x03,	  /* mov dx, 0x3f8 */
	    0xbe, 0x00, 0x00, 0x10, 0x00, /* 1: mov esi, 0x100000 */
	    0xb9, 0x00, 0x10, 0x00, 0x00, /* mov ecx, 4096 */
	    0xf3, 0x6e,			  /* rep outsb */
	    0xff, 0xcb,			  /* dec ebx */
	    0x75, 0xf0,			  /* jnz 1b */
	    OUT_PORT(0x600, 0x34),	  /* power off */
	    SPIN};
	/* clang-format on */
	static const u8 quiet[] = {OUT_COM1('q'), OUT_PORT(0x600, 0x34), SPIN};
	struct flood_result base, f;

	REQUIRE_KVM();
	write_kernel(quiet, sizeof(quiet));
	run_flood(&base, false);
	assert_int_equal(base.code, EXIT_POWEROFF);
	write_kernel(flood, sizeof(flood));
	run_flood(&f, true);
	print_message("console flood: 256 KiB out in %ld ms (stdout never read), stdin writer got "
		      "%lld bytes in, peak RSS %ld KiB vs %ld KiB without a flood\n",
		      f.ms, f.offered, f.maxrss_kib, base.maxrss_kib);
	assert_int_equal(f.code, EXIT_POWEROFF);
	/* the vCPU never waited for stdout: a blocked vCPU would never finish;
	 * about 1 s of this is tinyvmm giving up the final flush */
	assert_true(f.ms < 45000);
	/* input: only what a pipe and the UART FIFO hold was taken */
	assert_true(f.offered >= 0 && f.offered < 4 << 20);
	assert_true(f.maxrss_kib - base.maxrss_kib < 1024);
}

/* ---- CI boot-test mode ---- */

static void test_debug_exit(void **state UNUSED)
{
	static const u8 code[] = {OUT_PORT(0x501, 3), SPIN};

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	assert_int_equal(run(0, 0, NULL), 3);
	assert_string_equal(err, "");
	/* A guest cannot pass for tinyvmm (65: a host error) or a signal (130). */
	{
		static const u8 host[] = {OUT_PORT(0x501, 65), SPIN};
		static const u8 sig[] = {OUT_PORT(0x501, 130), SPIN};

		write_kernel(host, sizeof(host));
		assert_int_equal(run(0, 0, NULL), EXIT_GUEST_RANGE);
		assert_contains(err,
				"debug-exit: the guest wrote status 65, but guests have 0..63; "
				"exiting with 69");
		write_kernel(sig, sizeof(sig));
		assert_int_equal(run(0, 0, NULL), 69);
		assert_contains(err, "status 130");
	}
}

static long run_ms(struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_timeout(void **state UNUSED)
{
	static const u8 code[] = {SPIN};
	struct timespec t0;
	long ms;

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run(0, 0, "--timeout", "1", NULL), EXIT_TIMEOUT);
	ms = run_ms(&t0);
	if (ms < 900 || ms > 2500)
		fail_msg("--timeout 1 took %ld ms", ms);
	assert_contains(err, "timeout: stopped the guest after 1 s");
}

static void test_expect(void **state UNUSED)
{
	static const u8 ok[] = {OUT_COM1('n'),	OUT_COM1('o'),	OUT_COM1('\r'),
				OUT_COM1('\n'), OUT_COM1('O'),	OUT_COM1('K'),
				OUT_COM1('\r'), OUT_COM1('\n'), SPIN};
	static const u8 off[] = {OUT_COM1('K'), OUT_COM1('O'), OUT_COM1('\n'),
				 OUT_PORT(0x600, 0x34), SPIN};

	REQUIRE_KVM();
	write_kernel(ok, sizeof(ok));
	assert_int_equal(run(0, 0, "--expect", "^OK$", "--timeout", "4", NULL), EXIT_POWEROFF);
	assert_string_equal(out, "no\r\nOK\r\n");
	/* A line that never matches, and the guest powers off: 68. */
	write_kernel(off, sizeof(off));
	assert_int_equal(run(0, 0, "--expect", "^OK$", "--timeout", "4", NULL), EXIT_EXPECT_FAILED);
	assert_contains(err, "guest ended (poweroff) before --expect matched");
	/* The same output matched before the power-off wins. */
	assert_int_equal(run(0, 0, "--expect", "KO", NULL), EXIT_POWEROFF);
	/* Never matched, spinning guest: the timeout decides. */
	write_kernel(ok, sizeof(ok));
	assert_int_equal(run(0, 0, "--expect", "^KO$", "--timeout", "0.3", NULL), EXIT_TIMEOUT);
	assert_int_equal(run(0, 0, "--expect", "(", NULL), EXIT_USAGE);
	assert_contains(err, "--expect (: not a valid extended regular expression");
	/* Stacked quantifiers made glibc's regcomp take 2.9 GiB: refused first. */
	assert_int_equal(run(0, 0, "--expect", "logi++++++++++++++++++++++n:", NULL), EXIT_USAGE);
	assert_contains(
	    err, "--expect logi++++++++++++++++++++++n:: too costly to compile or match: \"+\" "
		 "stacks a quantifier");
}

static void test_console_log(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('a'),  OUT_COM1('\n'),	 OUT_COM1('b'),
				  OUT_COM1('\n'), OUT_PORT(0x600, 0x34), SPIN};
	char log[256];

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	unlink(consf);
	assert_int_equal(run(0, 0, "--console-log", consf, NULL), EXIT_POWEROFF);
	assert_string_equal(out, "a\nb\n");
	slurp(consf, log, sizeof(log));
	assert_string_equal(log, "a\nb\n");
	unlink(consf);
	assert_int_equal(run(0, 0, "--console-log", consf, "--console-log-timestamps", NULL),
			 EXIT_POWEROFF);
	slurp(consf, log, sizeof(log));
	if (strlen(log) != 2 * 16 || log[0] != '[' || log[12] != ']' || log[14] != 'a' ||
	    log[15] != '\n' || log[16] != '[' || log[30] != 'b')
		fail_msg("timestamped console log: \"%s\"", log);
}

/* The events file: one JSON object per line, in order; returns the lines. */
static int event_lines(char lines[][512], int max)
{
	static char buf[8192];
	char *p, *save = NULL;
	int n = 0;

	slurp(evf, buf, sizeof(buf));
	for (p = strtok_r(buf, "\n", &save); p && n < max; p = strtok_r(NULL, "\n", &save)) {
		if (strncmp(p, "{\"ts\": ", 7) != 0 || p[strlen(p) - 1] != '}')
			fail_msg("not an event line: %s", p);
		snprintf(lines[n++], 512, "%s", p);
	}
	return n;
}

/* The matched line carries guest bytes: a byte that is not UTF-8 is escaped,
 * so the events file stays valid JSON. */
static void test_expect_event_escapes(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1(0xff), OUT_COM1(0xc3), OUT_COM1('O'), OUT_COM1('K'),
				  OUT_COM1('"'),  OUT_COM1('\n'), SPIN};
	char lines[16][512];
	int n, found = 0;

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	assert_int_equal(run(0, 0, "--events", evf, "--expect", "OK", NULL), 0);
	n = event_lines(lines, 16);
	for (int i = 0; i < n; i++) {
		for (const char *p = lines[i]; *p; p++)
			assert_true((unsigned char)*p < 0x80); /* all escaped here */
		if (strstr(lines[i], "\"event\": \"expect-matched\", \"line\": "
				     "\"\\u00ff\\u00c3OK\\\"\"}"))
			found++;
	}
	assert_int_equal(found, 1);
}

static void test_events(void **state UNUSED)
{
	static const u8 code[] = {OUT_COM1('O'), OUT_COM1('K'), OUT_COM1('\n'), OUT_PORT(0x501, 5),
				  SPIN};
	/* first-console-byte comes from the console thread: anywhere after guest-entry. */
	const char *want[] = {"\"event\": \"vmm-start\"",
			      "\"event\": \"kvm-ready\"",
			      "\"event\": \"guest-entry\", \"vcpus\": 1",
			      "\"event\": \"guest-exit\", \"code\": 5",
			      "\"event\": \"stats\", \"exits\": {\"io\": ",
			      "\"event\": \"vmm-exit\", \"code\": 5, \"reason\": \"guest-exit\"}"};
	char lines[16][512];
	double last = 0;
	int n, w = 0, first_byte = -1;

	struct timespec before, after;
	const char *mono;
	double t_start;

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	clock_gettime(CLOCK_MONOTONIC, &before);
	assert_int_equal(run(0, 0, "--events", evf, NULL), 5);
	clock_gettime(CLOCK_MONOTONIC, &after);
	n = event_lines(lines, 16);
	/* vmm-start says where ts 0 is on the host's monotonic clock */
	mono = strstr(lines[0], "\"clock_monotonic\": ");
	assert_non_null(mono);
	t_start = strtod(mono + strlen("\"clock_monotonic\": "), NULL);
	assert_true(t_start >= (double)before.tv_sec + (double)before.tv_nsec / 1e9);
	assert_true(t_start <= (double)after.tv_sec + (double)after.tv_nsec / 1e9);
	assert_contains(lines[0], "\"pid\": ");
	assert_int_equal(n, (int)ARRAY_SIZE(want) + 1);
	for (int i = 0; i < n; i++) {
		double ts = strtod(lines[i] + 7, NULL);

		if (ts < last)
			fail_msg("event %d goes back in time: %s", i, lines[i]);
		last = ts;
		if (strstr(lines[i], "\"event\": \"first-console-byte\"}")) {
			first_byte = i;
			continue;
		}
		assert_contains(lines[i], want[w]);
		w++;
	}
	if (first_byte < 3 || first_byte == n - 1)
		fail_msg("first-console-byte at line %d of %d", first_byte, n);
	/* --expect: the matched line, JSON-escaped; vmm-exit code 0. */
	assert_int_equal(run(0, 0, "--events", evf, "--expect", "O\"?K", NULL), EXIT_POWEROFF);
	n = event_lines(lines, 16);
	assert_true(n >= 3);
	assert_contains(lines[0], "\"vmm-start\"");
	assert_contains(out, "OK\n");
	for (int i = 0; i < n; i++)
		if (strstr(lines[i], "\"event\": \"expect-matched\""))
			assert_contains(lines[i], "\"line\": \"OK\"");
	assert_contains(lines[n - 1], "\"vmm-exit\", \"code\": 0, \"reason\": \"expect-matched\"");
	assert_int_equal(run(0, 0, "--events", "fd:bad", NULL), EXIT_USAGE);
}

static void write_file(const char *path, const u8 *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/*
 * A vmlinux: text at 16 MiB (linked high, entered at its physical e_entry
 * + 0x40) prints the first byte of a data segment at 18 MiB and the first
 * byte of its .bss (zero, printed as '0' + 0), then powers off.
 */
static void test_vmlinux(void **state UNUSED)
{
	/* clang-format off */
	static const u8 code[] = {
	    0x8a, 0x04, 0x25, 0x00, 0x00, 0x20, 0x01, /* mov al, [0x1200000] */
	    0x66, 0xba, 0xf8, 0x03, 0xee,	      /* mov dx, 0x3f8; out dx, al */
	    0x8a, 0x04, 0x25, 0x10, 0x00, 0x20, 0x01, /* mov al, [0x1200010] (.bss) */
	    0x04, '0', 0xee,			      /* add al, '0'; out dx, al */
	    OUT_COM1('\n'), OUT_PORT(0x600, 0x34), SPIN};
	/* clang-format on */
	static u8 text[0x40 + sizeof(code)], img[0x4000];
	const u8 data[16] = {'V'};
	const struct fake_seg segs[] = {
	    {.flags = PF_R | PF_X,
	     .paddr = 0x1000000,
	     .vaddr = 0xffffffff81000000ULL,
	     .filesz = sizeof(text),
	     .memsz = sizeof(text),
	     .data = text},
	    {.flags = PF_R | PF_W,
	     .paddr = 0x1200000,
	     .filesz = sizeof(data),
	     .memsz = 0x1000,
	     .data = data},
	};
	size_t len;

	REQUIRE_KVM();
	memset(text, 0xf4, sizeof(text)); /* hlt: entering anywhere else shows */
	memcpy(text + 0x40, code, sizeof(code));
	len = fake_vmlinux(img, sizeof(img), 0x1000040, segs, ARRAY_SIZE(segs));
	assert_true(len > 0);
	write_file(kernel, img, len);
	assert_int_equal(run(0, 0, NULL), EXIT_POWEROFF);
	assert_string_equal(out, "V0\n");
	assert_string_equal(err, "");
	/* an ELF file that is no kernel: exit 64, one line naming the file */
	put_le16(img + offsetof(Elf64_Ehdr, e_machine), EM_AARCH64);
	write_file(kernel, img, len);
	assert_int_equal(run(0, 0, NULL), EXIT_USAGE);
	assert_contains(err, "an ELF file for machine 183, not x86_64");
	assert_contains(err, kernel);
}

static void test_bad_input(void **state UNUSED)
{
	static const u8 code[] = {SPIN};

	REQUIRE_KVM();
	write_kernel(code, sizeof(code));
	/* init_size at pref_address needs 17 MiB: 16 is too small. */
	assert_int_equal(run(0, 0, "--mem", "16", NULL), EXIT_USAGE);
	assert_contains(err, "use a bigger --mem");
	assert_int_equal(run(0, 0, "--cpus", "0", NULL), EXIT_USAGE);
	assert_int_equal(run(0, 0, "--initrd", "/nonexistent", NULL), EXIT_USAGE);
	assert_contains(err, "initrd /nonexistent: No such file or directory");
	assert_int_equal(run(0, 0, "--help", NULL), EXIT_POWEROFF);
	assert_contains(out, "exit status:");
}

/* ---- subcommands: check, vf ---- */

/* Run build/tinyvmm with exactly argv (NULL-terminated); 30 s at most. */
static int run_cmd(const char *const *argv)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		child_stdio();
		alarm(30);
		execv(TINYVMM, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	slurp(outf, out, sizeof(out));
	slurp(errf, err, sizeof(err));
	if (!WIFEXITED(status))
		fail_msg("tinyvmm died of signal %d; stderr: %s", WTERMSIG(status), err);
	return WEXITSTATUS(status);
}

/* Outside the lab this machine has no IOMMU: check must say so, with the fix. */
static void test_check_no_iommu(void **state UNUSED)
{
	const char *const argv[] = {TINYVMM, "check", "--vf", "0000:7f:1f.7", "--mem", "64", NULL};
	DIR *d = opendir("/sys/kernel/iommu_groups");
	struct dirent *e;
	int groups = 0;

	while (d && (e = readdir(d)))
		groups += e->d_name[0] != '.';
	if (d)
		closedir(d);
	if (groups > 0) {
		/* The lab's check scenario covers the host with an IOMMU. */
		print_message("skipped: this machine has %d IOMMU groups\n", groups);
		skip();
	}
	assert_int_equal(run_cmd(argv), 1);
	assert_contains(
	    out, "FAIL  iommu      no IOMMU groups: the IOMMU is off; fix: boot the host with");
	assert_contains(out, "_iommu=on");
	assert_contains(out, "FAIL  vf 0000:7f:1f.7 no such PCI device; fix:");
	assert_contains(out, "OK    memlock");
	assert_contains(out, " failed\n");
	assert_string_equal(err, "");
}

/* check's own arguments: --help, and each bad one is exit 64 with one line. */
static void test_check_args(void **state UNUSED)
{
	/* the arguments, then what the one line says; --mem as the command says it */
	static const char *const bad[][6] = {
	    {TINYVMM, "check", "--frob", NULL, NULL, "check: --frob: unknown argument"},
	    {TINYVMM, "check", "--mem", NULL, NULL, "check: --mem: unknown argument or missing"},
	    {TINYVMM, "check", "--mem", "abc", NULL, "--mem abc: not a size"},
	    {TINYVMM, "check", "--mem", "8", NULL, "--mem 8: too small"},
	    {TINYVMM, "check", "--mem", "20000K", NULL, "--mem 20000K: not a whole number of MiB"},
	    {TINYVMM, "check", "--vf", NULL, NULL, "check: --vf: unknown argument or missing"},
	    {TINYVMM, "check", "--mem", "512G", NULL, "--mem 512G: too large"},
	    {TINYVMM, "check", "--mem=", NULL, NULL, "--mem : not a size"},
	    {TINYVMM, "check", "--vf", "00:03.0", "--vf=0000:00:03.0",
	     "check: --vf 0000:00:03.0: 0000:00:03.0 is already passed by --vf 00:03.0; give "},
	};
	const char *help[] = {TINYVMM, "check", "--help", NULL};
	const char *many[3 + 2 * 17] = {TINYVMM, "check"};
	static char bdfs[17][16];

	assert_int_equal(run_cmd(help), 0);
	assert_contains(out, "usage: tinyvmm check [--vf BDF[,key=value]...]... [--mem SIZE]");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(run_cmd(bad[i]), EXIT_USAGE);
		assert_contains(err, bad[i][5]);
		assert_non_null(strchr(err, '\n'));
		assert_string_equal(strchr(err, '\n') + 1, "");
	}
	for (int i = 0; i < 17; i++) {
		snprintf(bdfs[i], sizeof(bdfs[i]), "0000:7f:%02x.7", i); /* 17 distinct ones */
		many[2 + 2 * i] = "--vf";
		many[3 + 2 * i] = bdfs[i];
	}
	many[2 + 2 * 17] = NULL;
	assert_int_equal(run_cmd(many), EXIT_USAGE);
	assert_contains(err, "at most 16 --vf");
	/* a --vf spec's options are the main command's; a bad one is its error */
	many[2] = "--vf";
	many[3] = "0000:7f:1f.7,spoofchk=";
	many[4] = NULL;
	assert_int_equal(run_cmd(many), EXIT_USAGE);
	assert_contains(err, "--vf 0000:7f:1f.7,spoofchk=: spoofchk needs a value");
	many[2] = "--vf=bogus";
	many[3] = NULL;
	assert_int_equal(run_cmd(many), EXIT_USAGE);
	assert_contains(err, "\"bogus\" is not a PCI address");
}

static void test_vf_subcommands(void **state UNUSED)
{
	const char *const list[] = {TINYVMM, "vf", "list", "--json", NULL};
	const char *const create[] = {TINYVMM, "vf", "create", "0000:7f:1f.7", "2", NULL};
	const char *const create_if[] = {TINYVMM, "vf", "create", "no-such-if0", "2", NULL};
	const char *const restore[] = {TINYVMM, "vf", "restore", NULL};
	const char *const bad[] = {TINYVMM, "vf", "frobnicate", NULL};
	const char *const help[] = {TINYVMM, "vf", "--help", NULL};
	char rundir[160];

	assert_int_equal(run_cmd(list), 0);
	assert_contains(out, "{\"version\": 1, \"pfs\": [");
	assert_int_equal(run_cmd(create), EXIT_USAGE);
	assert_contains(err, "pf 0000:7f:1f.7: no such PCI device");
	assert_int_equal(run_cmd(create_if), EXIT_USAGE);
	assert_contains(err, "pf no-such-if0: neither a PCI address nor a PCI network interface");
	assert_int_equal(run_cmd(bad), EXIT_USAGE);
	assert_contains(err, "vf frobnicate: unknown command");
	assert_int_equal(run_cmd(help), 0);
	assert_contains(out, "tinyvmm vf restore [BDF]");
	snprintf(rundir, sizeof(rundir), "%s/run", dir);
	assert_int_equal(mkdir(rundir, 0700), 0);
	setenv("TINYVMM_RUN_DIR", rundir, 1);
	assert_int_equal(run_cmd(restore), 0);
	unsetenv("TINYVMM_RUN_DIR");
	rmdir(rundir);
	assert_contains(out, "vf restore: nothing to restore");
}

/* ---- the control API (--api-socket, tinyvmm ctl) ---- */

/* Start tinyvmm with --api-socket sockf (stdout outf, stderr errf). */
static pid_t spawn_api_vm(const char *extra)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		child_stdio();
		execl(TINYVMM, TINYVMM, "--kernel", kernel, "--mem", "32", "--api-socket", sockf,
		      extra, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait for pid (10 s at most); its exit code, stderr in err. */
static int reap(pid_t pid)
{
	int status = 0;

	for (int i = 0; waitpid(pid, &status, WNOHANG) == 0; i++) {
		if (i == 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("tinyvmm did not exit within 10 s");
		}
		usleep(10 * 1000);
	}
	slurp(errf, err, sizeof(err));
	if (!WIFEXITED(status))
		fail_msg("tinyvmm died of signal %d; stderr: %s", WTERMSIG(status), err);
	return WEXITSTATUS(status);
}

/* tinyvmm ctl SOCK ARGS... with stdin from ctlin (if in); its output in out. */
static int ctl(bool in, const char *op, const char *args)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int i = open(in ? ctlin : "/dev/null", O_RDONLY);
		int o = open(ctlout, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (i < 0 || o < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0)
			_exit(127);
		execl(TINYVMM, TINYVMM, "ctl", sockf, op, args, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	slurp(ctlout, out, sizeof(out));
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Wait until status says running (the socket is up before the vCPUs). */
static void wait_running(void)
{
	for (int i = 0; i < 500; i++) {
		if (access(sockf, F_OK) == 0 && ctl(false, "status", NULL) == 0 &&
		    strstr(out, "\"state\": \"running\""))
			return;
		usleep(10 * 1000);
	}
	fail_msg("tinyvmm's API never said running: %s", out);
}

static void test_api_ctl(void **state UNUSED)
{
	FILE *f;
	long s1;
	pid_t pid, pid2;
	char *p;
	int n;

	REQUIRE_KVM();
	write_kernel(e2e_code_ticker, sizeof(e2e_code_ticker));
	unlink(sockf);
	assert_int_equal(ctl(false, "status", NULL), EXIT_HOST); /* nobody there */
	pid = spawn_api_vm("--cpus=2");
	wait_running();
	assert_contains(out, "{\"version\": 1, \"ok\": true, \"result\": {\"state\": \"running\"");
	assert_int_equal(ctl(false, "info", NULL), 0);
	assert_contains(out, "\"mem_mib\": 32, \"cpus\": 2, \"kernel\": ");
	assert_contains(out, "\"devices\": []");
	/* a second tinyvmm on the same socket: refused, the first unharmed */
	pid2 = spawn_api_vm(NULL);
	n = reap(pid2);
	assert_int_equal(n, EXIT_USAGE);
	assert_contains(err, "in use by another process");

	/* pause: the console stops; resume: it goes on */
	e2e_wait_output_beyond(outf, 0);
	assert_int_equal(ctl(false, "pause", NULL), 0);
	assert_contains(out, "\"state\": \"paused\"");
	usleep(200 * 1000); /* what was sent before the pause drains */
	s1 = e2e_file_size(outf);
	usleep(1000 * 1000); /* a few bytes if it were running */
	assert_int_equal(e2e_file_size(outf), s1);
	assert_int_equal(ctl(false, "status", NULL), 0);
	assert_contains(out, "\"state\": \"paused\"");
	assert_int_equal(ctl(false, "pause", NULL), 0); /* idempotent */
	assert_int_equal(ctl(false, "resume", NULL), 0);
	assert_contains(out, "\"state\": \"running\"");
	e2e_wait_output_beyond(outf, s1);
	assert_int_equal(ctl(false, "stats", NULL), 0);
	assert_contains(out, "\"exits\": {\"io\": ");
	assert_contains(out, "\"vcpus\": [{");

	/* bad requests get errors, and the VM runs on */
	f = fopen(ctlin, "w");
	assert_non_null(f);
	fprintf(f, "{bad\n{\"op\": \"frob\", \"id\": 1}\n{\"op\": \"status\", \"version\": 2}\n");
	for (int i = 0; i < 10000; i++)
		fputc('{', f);
	fprintf(f, "\n{\"op\": \"status\"}\n");
	fclose(f);
	assert_int_equal(ctl(true, "--raw", NULL), 0);
	p = out;
	assert_contains(p, "\"code\": \"bad-json\"");
	assert_contains(p, "\"code\": \"unknown-op\"");
	assert_contains(p, "\"code\": \"bad-version\"");
	assert_contains(p, "\"code\": \"too-long\"");
	assert_contains(p, "\"ok\": true, \"result\": {\"state\": \"running\"");
	assert_int_equal(ctl(false, "frob", NULL), 1);
	assert_contains(out, "unknown-op");
	assert_int_equal(ctl(false, "shutdown", "[1]"), EXIT_USAGE);
	assert_int_equal(ctl(false, "shutdown", "{\"timeout\": -1}"), 1);
	assert_contains(out, "bad-request");

	/* 4 clients x 250 status requests in parallel: every one answered */
	f = fopen(ctlin, "w");
	assert_non_null(f);
	for (int i = 0; i < 250; i++)
		fprintf(f, "{\"op\": \"status\", \"id\": %d}\n", i);
	fclose(f);
	{
		pid_t c[4];
		char path[160];

		for (int k = 0; k < 4; k++) {
			c[k] = fork();
			assert_true(c[k] >= 0);
			if (c[k] == 0) {
				int i = open(ctlin, O_RDONLY);
				int o;

				snprintf(path, sizeof(path), "%s.%d", ctlout, k);
				o = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
				if (i < 0 || o < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0)
					_exit(127);
				execl(TINYVMM, TINYVMM, "ctl", sockf, "--raw", (char *)NULL);
				_exit(127);
			}
		}
		for (int k = 0; k < 4; k++) {
			static char buf[32768];
			int status, lines = 0;

			assert_int_equal(waitpid(c[k], &status, 0), c[k]);
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			snprintf(path, sizeof(path), "%s.%d", ctlout, k);
			slurp(path, buf, sizeof(buf));
			unlink(path);
			for (char *q = buf; (q = strstr(q, "\"ok\": true")); q++)
				lines++;
			assert_int_equal(lines, 250);
		}
	}
	assert_int_equal(ctl(false, "status", NULL), 0);
	assert_contains(out, "running");

	/* stop: exit 0, reason api-stop, the socket gone */
	assert_int_equal(ctl(false, "stop", NULL), 0);
	assert_contains(out, "\"reason\": \"api-stop\"");
	assert_int_equal(reap(pid), EXIT_POWEROFF);
	assert_contains(err, "api: stop requested");
	assert_int_equal(access(sockf, F_OK), -1);
}

/* shutdown on a guest that ignores SysRq: the hard stop after the timeout;
 * and stop while paused. */
static void test_api_shutdown_timeout(void **state UNUSED)
{
	struct timespec t0;
	pid_t pid;
	long ms;

	REQUIRE_KVM();
	write_kernel(e2e_code_ticker, sizeof(e2e_code_ticker));
	pid = spawn_api_vm(NULL);
	wait_running();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ctl(false, "shutdown", "{\"timeout\": 1.5}"), 0);
	assert_contains(out, "\"state\": \"shutting-down\", \"timeout\": 1.5");
	assert_int_equal(reap(pid), EXIT_POWEROFF);
	ms = run_ms(&t0);
	if (ms < 1400 || ms > 8000)
		fail_msg("shutdown with a 1.5 s timeout took %ld ms", ms);
	assert_contains(err, "did not power off within 1.5 s");

	pid = spawn_api_vm(NULL);
	wait_running();
	assert_int_equal(ctl(false, "pause", NULL), 0);
	assert_int_equal(ctl(false, "stop", NULL), 0);
	assert_int_equal(reap(pid), EXIT_POWEROFF);
	/* a path that cannot be a socket: 64 */
	assert_int_equal(run(0, 0, "--api-socket", dir, NULL), EXIT_USAGE);
	assert_contains(err, "is not a socket");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_poweroff),
	    cmocka_unit_test_teardown(test_terminal, tty_reset),
	    cmocka_unit_test_teardown(test_terminal_vm_killed, tty_reset),
	    cmocka_unit_test(test_stats_and_console_file),
	    cmocka_unit_test(test_stdout_closed),
	    cmocka_unit_test_teardown(test_events_vm_killed, tty_reset),
	    cmocka_unit_test(test_reboot_exit),
	    cmocka_unit_test(test_reboot_restart),
	    cmocka_unit_test(test_panic),
	    cmocka_unit_test(test_triple_fault),
	    cmocka_unit_test(test_signals),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_console_flood),
	    cmocka_unit_test(test_vmlinux),
	    cmocka_unit_test(test_debug_exit),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_expect),
	    cmocka_unit_test(test_console_log),
	    cmocka_unit_test(test_events),
	    cmocka_unit_test(test_expect_event_escapes),
	    cmocka_unit_test(test_check_no_iommu),
	    cmocka_unit_test(test_check_args),
	    cmocka_unit_test(test_vf_subcommands),
	    cmocka_unit_test(test_api_ctl),
	    cmocka_unit_test(test_api_shutdown_timeout),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
