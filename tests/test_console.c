// SPDX-License-Identifier: MIT
/*
 * test_console.c - the console thread against a real UART model and pipes
 * (and a pseudo-terminal for raw mode). The test's main thread plays the
 * vCPU: it drives the UART through its PIO callback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/base/tty.h"
#include "vmm/core/console.h"

#define LSR	   5
#define TIMEOUT_MS 5000

struct fixture {
	struct serial *s;
	struct device *d;
	struct console *c;
	int quits;
	int in[2], out[2]; /* [0] read end, [1] write end */
};

static void kick(void *opaque)
{
	struct fixture *f = opaque;

	console_kick(__atomic_load_n(&f->c, __ATOMIC_ACQUIRE));
}

static void quit(void *opaque)
{
	struct fixture *f = opaque;

	__atomic_add_fetch(&f->quits, 1, __ATOMIC_SEQ_CST);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static u8 rd(struct fixture *f, u64 off)
{
	u8 v = 0;

	assert_int_equal(f->d->ops->pio(f->d, off, &v, 1, false), 0);
	return v;
}

static void wr(struct fixture *f, u64 off, u8 v)
{
	assert_int_equal(f->d->ops->pio(f->d, off, &v, 1, true), 0);
}

static void guest_puts(struct fixture *f, const char *str)
{
	while (*str)
		wr(f, 0, (u8)*str++);
}

/* Read exactly n bytes from fd within the timeout; returns bytes read. */
static size_t read_for(int fd, u8 *buf, size_t n, long ms)
{
	long end = now_ms() + ms;
	size_t got = 0;

	while (got < n && now_ms() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (poll(&p, 1, 50) <= 0)
			continue;
		r = read(fd, buf + got, n - got);
		if (r > 0)
			got += (size_t)r;
		else if (r == 0)
			break;
	}
	return got;
}

/* Pull what the guest would read from the UART until n bytes or timeout. */
static size_t guest_read_for(struct fixture *f, u8 *buf, size_t n, long ms)
{
	long end = now_ms() + ms;
	size_t got = 0;

	while (got < n && now_ms() < end) {
		if (rd(f, LSR) & 0x01)
			buf[got++] = rd(f, 0);
		else
			sleep_ms(1);
	}
	return got;
}

static size_t tx_pending(struct fixture *f)
{
	const u8 *buf;

	return serial_tx_peek(f->s, &buf);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(serial_create(&f->s, NULL, kick, f), 0);
	f->d = serial_device(f->s);
	assert_int_equal(pipe2(f->in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(f->out, O_CLOEXEC), 0);
	fcntl(f->out[1], F_SETFL, O_NONBLOCK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	console_close(f->c); /* closes in[0] and out[1] if it took them */
	for (int i = 0; i < 2; i++) {
		if (f->in[i] >= 0)
			close(f->in[i]);
		if (f->out[i] >= 0)
			close(f->out[i]);
	}
	serial_destroy(f->s);
	free(f);
	return 0;
}

/* Open on the fixture's pipes; the console owns in[0] and out[1] after. */
static void open_pipes(struct fixture *f, bool raw)
{
	struct console *c;

	assert_int_equal(console_open_fds(&c, f->s, f->in[0], f->out[1], raw, quit, f), 0);
	f->in[0] = f->out[1] = -1;
	__atomic_store_n(&f->c, c, __ATOMIC_RELEASE);
	assert_int_equal(console_start(c), 0);
	assert_int_equal(console_start(c), -EBUSY);
}

static void test_guest_output(void **state)
{
	struct fixture *f = *state;
	u8 buf[64];
	const char *msg = "Linux version 6.1\r\n";

	open_pipes(f, false);
	guest_puts(f, msg);
	assert_int_equal(read_for(f->out[0], buf, strlen(msg), TIMEOUT_MS), strlen(msg));
	assert_memory_equal(buf, msg, strlen(msg));
	/* The ring drains and the line is free again. */
	for (long end = now_ms() + TIMEOUT_MS; tx_pending(f) && now_ms() < end;)
		sleep_ms(1);
	assert_int_equal(tx_pending(f), 0);
	assert_int_equal(rd(f, LSR) & 0x60, 0x60);
	/* A second burst after the thread went idle is woken by the kick. */
	sleep_ms(20);
	guest_puts(f, "ok");
	assert_int_equal(read_for(f->out[0], buf, 2, TIMEOUT_MS), 2);
	assert_memory_equal(buf, "ok", 2);
}

static void test_input_bounded_by_fifo(void **state)
{
	struct fixture *f = *state;
	u8 in[100], got[100];
	int queued = -1;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (u8)(' ' + i);
	wr(f, 2, 0x01); /* FIFO on: 16 bytes of room */
	open_pipes(f, false);
	assert_int_equal(write(f->in[1], in, sizeof(in)), sizeof(in));
	for (long end = now_ms() + TIMEOUT_MS; serial_rx_room(f->s) && now_ms() < end;)
		sleep_ms(1);
	assert_int_equal(serial_rx_room(f->s), 0);
	/* Give the thread time to misbehave: it must not read past the room. */
	sleep_ms(100);
	assert_int_equal(ioctl(f->in[1], FIONREAD, &queued), 0);
	assert_int_equal(queued, sizeof(in) - SERIAL_RX_FIFO);
	/* The guest drains the FIFO; the rest follows in order. */
	assert_int_equal(guest_read_for(f, got, sizeof(got), TIMEOUT_MS), sizeof(got));
	assert_memory_equal(got, in, sizeof(in));
}

static void test_stuck_output_stays_bounded(void **state)
{
	struct fixture *f = *state;
	const size_t total = SERIAL_TX_RING + 10000;
	int in_pipe = -1, pipe_sz;
	long t0;

	pipe_sz = fcntl(f->out[1], F_SETPIPE_SZ, 4096);
	assert_true(pipe_sz >= 4096);
	open_pipes(f, false);
	/* Nobody reads out[0]. The writer (a vCPU) must never block. */
	t0 = now_ms();
	for (size_t i = 0; i < total; i++)
		wr(f, 0, (u8)i);
	assert_true(now_ms() - t0 < 5000);
	/*
	 * The console thread fills the pipe as far as poll() lets it: a pipe
	 * of one page is not writable again while its one buffer holds
	 * anything, so a first write of part of a page leaves the rest unused.
	 * Wait until the level holds for 300 ms (give a loaded machine 5 s).
	 */
	int last = -1;
	long stable = now_ms();

	for (t0 = now_ms(); now_ms() - t0 < 5000; sleep_ms(10)) {
		assert_int_equal(ioctl(f->out[0], FIONREAD, &in_pipe), 0);
		if (in_pipe != last) {
			last = in_pipe;
			stable = now_ms();
		} else if (in_pipe > 0 && now_ms() - stable >= 300) {
			break;
		}
	}
	assert_true(in_pipe > 0 && in_pipe <= pipe_sz);
	/* Nothing beyond the ring was buffered: the excess was dropped. */
	assert_true(serial_tx_dropped(f->s) > 0);
	assert_true(total - (size_t)in_pipe - serial_tx_dropped(f->s) <= SERIAL_TX_RING);
	/* A polling driver fills what room is left, then sees the line busy. */
	size_t extra = 0;
	while ((rd(f, LSR) & 0x20) && extra < 2 * SERIAL_TX_RING) {
		wr(f, 0, 'z');
		extra++;
	}
	assert_int_equal(rd(f, LSR) & 0x60, 0);
	assert_true(extra <= (size_t)pipe_sz);
	sleep_ms(50);
	assert_int_equal(ioctl(f->out[0], FIONREAD, &in_pipe), 0);
	assert_true(in_pipe >= last && in_pipe <= pipe_sz);
	assert_int_equal(rd(f, LSR) & 0x60, 0);
	/* Close gives up flushing after about a second. */
	t0 = now_ms();
	console_close(f->c);
	f->c = NULL;
	assert_true(now_ms() - t0 >= 900);
	assert_true(now_ms() - t0 < 5000);
}

static void test_output_flushed_at_close(void **state)
{
	struct fixture *f = *state;
	u8 buf[4096];
	size_t n = 0;

	open_pipes(f, false);
	/* Fill more than the pipe holds, then drain it from a slow reader. */
	for (size_t i = 0; i < 3000; i++)
		wr(f, 0, (u8)('a' + i % 26));
	console_close(f->c);
	f->c = NULL;
	n = read_for(f->out[0], buf, sizeof(buf), 200);
	assert_int_equal(n, 3000);
	assert_int_equal(buf[2999], (u8)('a' + 2999 % 26));
}

static void test_broken_pipe_discards(void **state)
{
	struct fixture *f = *state;

	close(f->out[0]); /* the reader went away: EPIPE (and a SIGPIPE) */
	f->out[0] = -1;
	open_pipes(f, false);
	for (int i = 0; i < 1000; i++)
		wr(f, 0, 'x');
	for (long end = now_ms() + TIMEOUT_MS; tx_pending(f) && now_ms() < end;)
		sleep_ms(1);
	assert_int_equal(tx_pending(f), 0); /* consumed, not stuck */
	for (int i = 0; i < 100000; i++)
		wr(f, 0, 'y');
	for (long end = now_ms() + TIMEOUT_MS; tx_pending(f) && now_ms() < end;)
		sleep_ms(1);
	assert_int_equal(tx_pending(f), 0);
	assert_int_equal(rd(f, LSR) & 0x60, 0x60);
}

static void test_input_eof(void **state)
{
	struct fixture *f = *state;
	u8 got[4];

	open_pipes(f, false);
	assert_int_equal(write(f->in[1], "ab", 2), 2);
	close(f->in[1]); /* EOF after two bytes (one at a time: FIFO off) */
	f->in[1] = -1;
	assert_int_equal(guest_read_for(f, got, 2, TIMEOUT_MS), 2);
	assert_memory_equal(got, "ab", 2);
	/* Still serves output after the input ended. */
	guest_puts(f, "z");
	assert_int_equal(read_for(f->out[0], got, 1, TIMEOUT_MS), 1);
	assert_int_equal(got[0], 'z');
}

static void test_escape_raw(void **state)
{
	struct fixture *f = *state;
	u8 got[8];
	const char in[] = "a\x01\x01"
			  "b\x01q\x01x";

	wr(f, 2, 0x01);
	open_pipes(f, true);
	assert_int_equal(write(f->in[1], in, sizeof(in) - 1), sizeof(in) - 1);
	for (long end = now_ms() + TIMEOUT_MS;
	     !__atomic_load_n(&f->quits, __ATOMIC_SEQ_CST) && now_ms() < end;)
		sleep_ms(1);
	assert_int_equal(f->quits, 1);
	/* Ctrl-A Ctrl-A is one Ctrl-A; Ctrl-A q passes both; Ctrl-A x is eaten. */
	assert_int_equal(guest_read_for(f, got, 5, TIMEOUT_MS), 5);
	assert_memory_equal(got,
			    "a\x01"
			    "b\x01q",
			    5);
	sleep_ms(50);
	assert_int_equal(rd(f, LSR) & 0x01, 0);
	/* An escape split across two reads still works. */
	assert_int_equal(write(f->in[1], "\x01", 1), 1);
	sleep_ms(50);
	assert_int_equal(write(f->in[1], "x", 1), 1);
	for (long end = now_ms() + TIMEOUT_MS;
	     __atomic_load_n(&f->quits, __ATOMIC_SEQ_CST) < 2 && now_ms() < end;)
		sleep_ms(1);
	assert_int_equal(f->quits, 2);
}

static void test_escape_not_raw(void **state)
{
	struct fixture *f = *state;
	u8 got[4];

	wr(f, 2, 0x01);
	open_pipes(f, false);
	assert_int_equal(write(f->in[1], "\x01x", 2), 2);
	assert_int_equal(guest_read_for(f, got, 2, TIMEOUT_MS), 2);
	assert_memory_equal(got, "\x01x", 2);
	sleep_ms(50);
	assert_int_equal(f->quits, 0);
}

static char warned[256];

static void last_warning(void *opaque UNUSED, enum log_level level UNUSED, const char *msg)
{
	snprintf(warned, sizeof(warned), "%s", msg);
}

static void test_file_mode_appends(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/tinyvmm-console-XXXXXX";
	char buf[64] = {0};
	struct console *c;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old\n", 4), 4);
	close(fd);
	assert_int_equal(console_open(&c, f->s, path, quit, f), 0);
	__atomic_store_n(&f->c, c, __ATOMIC_RELEASE);
	assert_int_equal(console_start(c), 0);
	guest_puts(f, "new\n");
	console_close(c); /* flushes */
	f->c = NULL;
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "old\nnew\n");
	close(fd);
	unlink(path);
	/* A limit: the file takes that many bytes, the rest is discarded. */
	assert_int_equal(console_open(&c, f->s, path, quit, f), 0);
	console_limit_output(c, 6);
	__atomic_store_n(&f->c, c, __ATOMIC_RELEASE);
	assert_int_equal(console_start(c), 0);
	guest_puts(f, "0123456789\n");
	guest_puts(f, "more\n");
	console_close(c);
	f->c = NULL;
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(read(fd, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "012345");
	{
		struct stat st;

		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600); /* made by console_open */
	}
	close(fd);
	unlink(path);
	/* The --console-log copy has its own limit. */
	strcpy(path, "/tmp/tinyvmm-console-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(console_open(&c, f->s, "/dev/null", quit, f), 0);
	console_set_watch(c, &(struct console_watch){.log_fd = fd, .log_limit = 5});
	__atomic_store_n(&f->c, c, __ATOMIC_RELEASE);
	assert_int_equal(console_start(c), 0);
	guest_puts(f, "abc\n");
	guest_puts(f, "defgh\n");
	console_close(c);
	f->c = NULL;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(pread(fd, buf, sizeof(buf), 0), 5);
	assert_string_equal(buf, "abc\nd");
	close(fd);
	unlink(path);
	/* A log that fails to take a write is named in the one warning. */
	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(console_open(&c, f->s, "/dev/null", quit, f), 0);
	console_set_watch(c, &(struct console_watch){.log_fd = fd, .log_name = "/dev/full"});
	__atomic_store_n(&f->c, c, __ATOMIC_RELEASE);
	log_set_sink(last_warning, NULL);
	assert_int_equal(console_start(c), 0);
	guest_puts(f, "abc\n");
	console_close(c);
	log_set_sink(NULL, NULL);
	f->c = NULL;
	close(fd);
	assert_string_equal(warned, "console-log /dev/full: No space left on device; no more "
				    "console logging");
	/* A file that cannot be created is an error, not a crash. */
	assert_int_equal(console_open(&c, f->s, "/nonexistent-dir/console.log", quit, f),
			 err_mark_user(-ENOENT));
}

/* Run with fd 0 and fd 1 replaced; put them back afterwards. */
struct stdio_swap {
	int saved_in, saved_out;
};

static void swap_stdio(struct stdio_swap *sw, int new_in, int new_out)
{
	fflush(stdout);
	sw->saved_in = dup(0);
	sw->saved_out = dup(1);
	assert_true(sw->saved_in >= 0 && sw->saved_out >= 0);
	assert_true(dup2(new_in, 0) == 0);
	assert_true(dup2(new_out, 1) == 1);
}

static void unswap_stdio(struct stdio_swap *sw)
{
	fflush(stdout);
	dup2(sw->saved_in, 0);
	dup2(sw->saved_out, 1);
	close(sw->saved_in);
	close(sw->saved_out);
}

static void test_stdio_pipes(void **state)
{
	struct fixture *f = *state;
	struct stdio_swap sw;
	struct console *c;
	u8 got[8];
	int fl_before, fl_during, fl_after;

	swap_stdio(&sw, f->in[0], f->out[1]);
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) & ~O_NONBLOCK);
	fl_before = fcntl(1, F_GETFL);
	wr(f, 2, 0x01);
	assert_int_equal(console_open(&c, f->s, NULL, quit, f), 0);
	__atomic_store_n(&f->c, c, __ATOMIC_RELEASE);
	assert_int_equal(console_start(c), 0);
	/* The shared stdout description keeps its flags (reopened, not dup'ed). */
	fl_during = fcntl(1, F_GETFL);
	guest_puts(f, "out");
	assert_int_equal(write(f->in[1], "in", 2), 2);
	assert_int_equal(guest_read_for(f, got, 2, TIMEOUT_MS), 2);
	assert_memory_equal(got, "in", 2);
	console_close(c);
	f->c = NULL;
	fl_after = fcntl(1, F_GETFL);
	unswap_stdio(&sw);
	assert_int_equal(fl_during, fl_before);
	assert_int_equal(fl_after, fl_before);
	assert_int_equal(read_for(f->out[0], got, 3, TIMEOUT_MS), 3);
	assert_memory_equal(got, "out", 3);
	/* A pipe is not a terminal: no escapes. */
	assert_int_equal(f->quits, 0);
}

static void test_stdio_devnull(void **state)
{
	struct fixture *f = *state;
	struct stdio_swap sw;
	struct console *c;
	u8 got[4];
	int null = open("/dev/null", O_RDONLY);

	assert_true(null >= 0);
	swap_stdio(&sw, null, f->out[1]);
	close(null);
	assert_int_equal(console_open(&c, f->s, NULL, quit, f), 0);
	__atomic_store_n(&f->c, c, __ATOMIC_RELEASE);
	assert_int_equal(console_start(c), 0);
	guest_puts(f, "hi");
	console_close(c);
	f->c = NULL;
	unswap_stdio(&sw);
	assert_int_equal(read_for(f->out[0], got, 2, TIMEOUT_MS), 2);
	assert_memory_equal(got, "hi", 2);
	assert_int_equal(rd(f, LSR) & 0x01, 0); /* nothing came from /dev/null */
}

/* A pseudo-terminal pair, neither our controlling terminal; false if there are none. */
static bool open_pty(int *master, int *slave)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master))
		return false;
	*slave = open(ptsname(*master), O_RDWR | O_NOCTTY);
	assert_true(*slave >= 0);
	return true;
}

static void test_stdio_tty_raw(void **state)
{
	struct fixture *f = *state;
	struct stdio_swap sw;
	struct termios before, during, after;
	struct console *c;
	u8 got[4];
	int master, slave;

	if (!open_pty(&master, &slave)) {
		skip(); /* no pseudo-terminals here */
		return;
	}
	assert_int_equal(tcgetattr(slave, &before), 0);
	assert_true(before.c_lflag & ICANON);
	swap_stdio(&sw, slave, f->out[1]);
	wr(f, 2, 0x01);
	assert_int_equal(console_open(&c, f->s, NULL, quit, f), 0);
	__atomic_store_n(&f->c, c, __ATOMIC_RELEASE);
	assert_int_equal(console_start(c), 0);
	assert_int_equal(tcgetattr(slave, &during), 0);
	assert_int_equal(during.c_lflag & (ICANON | ECHO | ISIG), 0);
	assert_int_equal(during.c_oflag & OPOST, 0);
	/* Keys typed at the terminal reach the guest; Ctrl-A x quits. */
	assert_int_equal(write(master, "k\x01x", 3), 3);
	assert_int_equal(guest_read_for(f, got, 1, TIMEOUT_MS), 1);
	assert_int_equal(got[0], 'k');
	for (long end = now_ms() + TIMEOUT_MS;
	     !__atomic_load_n(&f->quits, __ATOMIC_SEQ_CST) && now_ms() < end;)
		sleep_ms(1);
	assert_int_equal(f->quits, 1);
	/* The signal-safe restore puts the terminal back; close does not redo it. */
	console_restore_tty();
	assert_int_equal(tcgetattr(slave, &after), 0);
	assert_true(after.c_lflag & ICANON);
	assert_int_equal(after.c_lflag, before.c_lflag);
	assert_int_equal(after.c_oflag, before.c_oflag);
	console_close(c);
	f->c = NULL;
	unswap_stdio(&sw);
	assert_int_equal(tcgetattr(slave, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	close(slave);
	close(master);
}

/*
 * tty_in_background(), the rule the console and the sandbox's parent share.
 * A child makes a pseudo-terminal its controlling one (setsid(), TIOCSCTTY)
 * and is in its foreground; the child's child moves to a process group of
 * its own, in the background.
 */
static void test_tty_in_background(void **state UNUSED)
{
	int master, slave, null, st;
	pid_t pid;

	if (!open_pty(&master, &slave)) {
		skip(); /* no pseudo-terminals here */
		return;
	}
	assert_false(tty_in_background(slave)); /* not our controlling terminal */
	null = open("/dev/null", O_RDONLY);
	assert_true(null >= 0);
	assert_false(tty_in_background(null)); /* not a terminal */
	close(null);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pid_t bg;

		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
			_exit(1);
		if (tty_in_background(slave))
			_exit(2);
		bg = fork();
		if (bg == 0)
			_exit(setpgid(0, 0) < 0 ? 3 : tty_in_background(slave) ? 0 : 4);
		if (bg < 0 || waitpid(bg, &st, 0) != bg || !WIFEXITED(st))
			_exit(5);
		_exit(WEXITSTATUS(st));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(slave);
	close(master);
}

static void test_close_unstarted_and_null(void **state)
{
	struct fixture *f = *state;
	struct console *c;

	console_close(NULL);
	console_kick(NULL);
	assert_int_equal(console_open_fds(&c, f->s, -1, -1, false, NULL, NULL), 0);
	console_kick(c);
	console_close(c);
	/* No output fd at all: guest output is consumed, never stuck. */
	assert_int_equal(console_open_fds(&c, f->s, -1, -1, false, NULL, NULL), 0);
	__atomic_store_n(&f->c, c, __ATOMIC_RELEASE);
	assert_int_equal(console_start(c), 0);
	guest_puts(f, "into the void");
	for (long end = now_ms() + TIMEOUT_MS; tx_pending(f) && now_ms() < end;)
		sleep_ms(1);
	assert_int_equal(tx_pending(f), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_guest_output),
	    T(test_input_bounded_by_fifo),
	    T(test_stuck_output_stays_bounded),
	    T(test_output_flushed_at_close),
	    T(test_broken_pipe_discards),
	    T(test_input_eof),
	    T(test_escape_raw),
	    T(test_escape_not_raw),
	    T(test_file_mode_appends),
	    T(test_stdio_pipes),
	    T(test_stdio_devnull),
	    T(test_stdio_tty_raw),
	    cmocka_unit_test(test_tty_in_background),
	    T(test_close_unstarted_and_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
