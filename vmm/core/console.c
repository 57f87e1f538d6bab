// SPDX-License-Identifier: MIT
/*
 * console.c - the console thread between the guest's UART and the host; see
 * console.h.
 *
 * The thread owns every byte it moves: it reads input only into the UART's
 * free FIFO space (plus at most one FIFO's worth of Ctrl-A expansion), and
 * writes output straight from the UART's transmit ring. So memory stays
 * bounded whatever the guest or the host side does.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vmm/base/fd_reopen.h"
#include "vmm/base/out_file.h"
#include "vmm/base/host_open.h"
#include "vmm/sandbox/seccomp.h"
#include "vmm/core/console.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/base/thread.h"
#include "vmm/base/tty.h"

#define CTRL_A		 0x01
#define FLUSH_MS	 1000 /* console_close() waits this long for output */
#define WRITES_PER_ROUND 16   /* then poll again, so input is not starved */

struct console {
	struct serial *s;
	console_quit_fn quit;
	void *opaque;
	char *name; /* "stdout" or the file, for messages */
	int in_fd, out_fd, ev_fd;
	int restore_fl; /* flags to put back on out_fd's shared description, or -1 */
	bool raw;	/* Ctrl-A escapes */
	bool owns_tty;	/* console_close() restores the terminal */
	bool started;
	int stop; /* atomic: console_close() asked the thread to finish */
	pthread_t thread;

	/* Thread state. */
	bool in_eof, out_dead, esc;
	unsigned long long out_limit, out_written; /* console_limit_output() */
	unsigned long long log_written;
	u8 pend[2 * SERIAL_RX_FIFO]; /* input read but not yet in the FIFO */
	size_t pend_off, pend_len;

	/* console_watch(): the log file and the --expect line matcher. */
	struct console_watch w;
	bool seen_output, log_mid_line, matched;
	char line[CONSOLE_LINE_MAX];
	size_t line_len;
};

/*
 * The terminal we put in raw mode (through the raw console's input descriptor,
 * which stays open until console_close() restored it); console_restore_tty()
 * undoes it.
 */
static struct termios tty_saved;
static int tty_fd = -1;
static int tty_raw; /* atomic */

void console_restore_tty(void)
{
	/*
	 * Async-signal-safe: an atomic exchange, tty_in_background() and
	 * tcsetattr(). Not from the background (moved there by a job-control
	 * shell, which keeps its own mode): tcsetattr() would stop us with
	 * SIGTTOU.
	 */
	if (__atomic_exchange_n(&tty_raw, 0, __ATOMIC_SEQ_CST) && !tty_in_background(tty_fd))
		tcsetattr(tty_fd, TCSANOW, &tty_saved);
}

static int console_make_raw(int fd)
{
	static bool atexit_done;
	struct termios raw;

	if (__atomic_load_n(&tty_raw, __ATOMIC_SEQ_CST))
		return -EBUSY; /* another console already owns the terminal */
	if (tcgetattr(fd, &tty_saved) < 0)
		return -errno;
	raw = tty_saved;
	cfmakeraw(&raw); /* also clears OPOST: the guest sends its own \r\n */
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tty_fd = fd;
	if (!atexit_done) {
		atexit_done = true;
		atexit(console_restore_tty);
	}
	__atomic_store_n(&tty_raw, 1, __ATOMIC_SEQ_CST);
	if (tcsetattr(fd, TCSANOW, &raw) < 0) {
		int ret = -errno;

		__atomic_store_n(&tty_raw, 0, __ATOMIC_SEQ_CST);
		return ret;
	}
	return 0;
}

int console_open_fds(struct console **out, struct serial *s, int in_fd, int out_fd, bool raw,
		     console_quit_fn quit, void *opaque)
{
	struct console *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return err_host(-ENOMEM, "console: out of memory");
	c->ev_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->ev_fd < 0) {
		ret = -errno;
		log_err("console: eventfd: %s", strerror(-ret));
		free(c);
		return ret;
	}
	c->s = s;
	c->quit = quit;
	c->opaque = opaque;
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->out_limit = ~0ULL;
	c->raw = raw;
	c->restore_fl = -1;
	c->w.log_fd = -1;
	*out = c;
	return 0;
}

/* Reopen a pipe or terminal behind fd as its own non-blocking description. */
static int reopen_nonblock(int fd, int mode)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISREG(st.st_mode)) /* a new description would lose the offset */
		return fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return fd_reopen(fd, mode | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

/* stdin, if there is something to read from. */
static int stdin_fd(bool *tty)
{
	struct stat st;
	int fl = fcntl(STDIN_FILENO, F_GETFL), fd;

	*tty = false;
	if (fl < 0 || (fl & O_ACCMODE) == O_WRONLY || fstat(STDIN_FILENO, &st) < 0)
		return -1;
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
		return -1; /* /dev/null */
	if (isatty(STDIN_FILENO)) {
		if (tty_in_background(STDIN_FILENO))
			return -1; /* in the background: reading would stop us */
		*tty = true;
	}
	fd = reopen_nonblock(STDIN_FILENO, O_RDONLY);
	if (fd < 0)
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3); /* blocking; we poll first */
	return fd;
}

/* stdout (and stdin when input is set) as the console; see console_open(). */
static int console_open_stdio(struct console **out, struct serial *s, bool input,
			      console_quit_fn quit, void *opaque)
{
	int in_fd, out_fd, restore_fl = -1, ret;
	bool tty = false;

	out_fd = reopen_nonblock(STDOUT_FILENO, O_WRONLY);
	if (out_fd < 0 && fcntl(STDOUT_FILENO, F_GETFL) >= 0) {
		/* A socket, say: share the description, restore its flags at close. */
		out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (out_fd < 0) {
			ret = -errno;
			log_err("console stdout: %s", strerror(-ret));
			return ret;
		}
		restore_fl = fcntl(out_fd, F_GETFL);
		if (restore_fl >= 0 && !(restore_fl & O_NONBLOCK))
			fcntl(out_fd, F_SETFL, restore_fl | O_NONBLOCK);
		else
			restore_fl = -1;
	}
	/* out_fd < 0: stdout is closed; guest output is discarded. */
	in_fd = input ? stdin_fd(&tty) : -1;
	ret = console_open_fds(out, s, in_fd, out_fd, false, quit, opaque);
	if (ret < 0)
		goto err_close;
	(*out)->restore_fl = restore_fl;
	(*out)->name = strdup("stdout");
	if (tty && in_fd >= 0) {
		ret = console_make_raw(in_fd);
		if (ret == 0) {
			(*out)->raw = true;
			(*out)->owns_tty = true;
		} else {
			log_warn("console stdin: cannot put the terminal in raw mode: %s",
				 strerror(-ret));
		}
	}
	return 0;

err_close:
	if (restore_fl >= 0)
		fcntl(out_fd, F_SETFL, restore_fl);
	if (out_fd >= 0)
		close(out_fd);
	if (in_fd >= 0)
		close(in_fd);
	return ret;
}

int console_open_stdout(struct console **out, struct serial *s, console_quit_fn quit, void *opaque)
{
	return console_open_stdio(out, s, false, quit, opaque);
}

int console_open(struct console **out, struct serial *s, const char *path, console_quit_fn quit,
		 void *opaque)
{
	int fd, ret;

	if (!path)
		return console_open_stdio(out, s, true, quit, opaque);
	fd = host_open(path, OUT_FILE_FLAGS(O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC), 0600);
	fd = out_file_opened(fd);
	if (fd < 0)
		return err_file(fd, "console %s: cannot open for writing: %s", path,
				out_file_why(path, -fd));
	ret = console_open_fds(out, s, -1, fd, false, quit, opaque);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	(*out)->name = strdup(path);
	return 0;
}

static const char *console_name(const struct console *c)
{
	return c->name ? c->name : "output";
}

/* Move buffered input into the UART as far as its FIFO has room. */
static void console_push_pending(struct console *c)
{
	size_t n;

	if (!c->pend_len)
		return;
	n = serial_rx_push(c->s, c->pend + c->pend_off, c->pend_len);
	c->pend_off += n;
	c->pend_len -= n;
	if (!c->pend_len)
		c->pend_off = 0;
}

static void pend_add(struct console *c, u8 b)
{
	if (c->pend_off + c->pend_len < sizeof(c->pend))
		c->pend[c->pend_off + c->pend_len++] = b;
}

/* Ctrl-A x quits, Ctrl-A Ctrl-A is one Ctrl-A, Ctrl-A other passes both. */
static void console_input_byte(struct console *c, u8 b)
{
	if (!c->raw) {
		pend_add(c, b);
		return;
	}
	if (c->esc) {
		c->esc = false;
		if (b == 'x' || b == 'X') {
			if (c->quit)
				c->quit(c->opaque);
			return;
		}
		pend_add(c, CTRL_A);
		if (b != CTRL_A)
			pend_add(c, b);
		return;
	}
	if (b == CTRL_A)
		c->esc = true;
	else
		pend_add(c, b);
}

static void console_read(struct console *c)
{
	u8 buf[SERIAL_RX_FIFO];
	size_t room = serial_rx_room(c->s);
	ssize_t n;

	if (!room)
		return;
	n = read(c->in_fd, buf, MIN(room, sizeof(buf)));
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		if (n < 0)
			log_warn("console input: %s; no more input", strerror(errno));
		c->in_eof = true; /* stop polling it: no spinning on EOF */
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		console_input_byte(c, buf[i]);
	console_push_pending(c);
}

void console_limit_output(struct console *c, unsigned long long limit)
{
	c->out_limit = limit;
}

void console_set_watch(struct console *c, const struct console_watch *w)
{
	c->w = *w;
	if (!c->w.log_name)
		c->w.log_name = ""; /* the messages name it: none given, none named */
}

static void log_write(struct console *c, const void *buf, size_t n)
{
	const char *p = buf;

	if (c->w.log_limit && n > c->w.log_limit - c->log_written)
		n = (size_t)(c->w.log_limit - c->log_written); /* up to the limit */
	if (!n) {
		log_warn("console-log %s: reached its limit of %llu bytes (--output-limit); no "
			 "more console logging",
			 c->w.log_name, c->w.log_limit);
		c->w.log_fd = -1;
		return;
	}
	c->log_written += n;
	while (n > 0) {
		ssize_t w = write(c->w.log_fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_warn("console-log %s: %s; no more console logging", c->w.log_name,
				 w < 0 ? strerror(errno) : "short write");
			c->w.log_fd = -1;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Append guest output to the --console-log file, timestamping each line. */
static void log_output(struct console *c, const u8 *buf, size_t n)
{
	while (n > 0 && c->w.log_fd >= 0) {
		const u8 *nl = memchr(buf, '\n', n);
		size_t len = nl ? (size_t)(nl - buf) + 1 : n;

		if (c->w.log_timestamps && !c->log_mid_line) {
			struct timespec now;
			char ts[32];
			long long sec, usec;
			int k;

			clock_gettime(CLOCK_MONOTONIC, &now);
			usec = ((long long)now.tv_sec - c->w.t0.tv_sec) * 1000000LL +
			       (now.tv_nsec - c->w.t0.tv_nsec) / 1000;
			sec = usec / 1000000;
			k = snprintf(ts, sizeof(ts), "[%4lld.%06lld] ", sec, usec % 1000000);
			log_write(c, ts, (size_t)k);
		}
		log_write(c, buf, len);
		c->log_mid_line = !nl;
		buf += len;
		n -= len;
	}
}

static void match_line(struct console *c, const struct timespec *taken)
{
	c->line[c->line_len] = '\0';
	c->line_len = 0;
	if (regexec(c->w.expect, c->line, 0, NULL, 0) == 0) {
		c->matched = true;
		if (c->w.matched)
			c->w.matched(c->w.opaque, c->line, taken);
	}
}

/* Everything the guest sent that the console moved on (or discarded) at
 * time taken (CLOCK_MONOTONIC, read just before it was handed on). */
static void console_watch_output(struct console *c, const u8 *buf, size_t n,
				 const struct timespec *taken)
{
	if (!n)
		return;
	if (!c->seen_output) {
		c->seen_output = true;
		if (c->w.first_output)
			c->w.first_output(c->w.opaque);
	}
	if (c->w.log_fd >= 0)
		log_output(c, buf, n);
	for (size_t i = 0; i < n && c->w.expect && !c->matched; i++) {
		if (buf[i] == '\n') {
			match_line(c, taken);
			continue;
		}
		if (buf[i] == '\r' || buf[i] == '\0')
			continue;
		c->line[c->line_len++] = (char)buf[i];
		if (c->line_len == sizeof(c->line) - 1)
			match_line(c, taken); /* a chunk of an over-long line */
	}
}

/* Write what the output takes without blocking. */
static void console_flush(struct console *c)
{
	for (int round = 0; round < WRITES_PER_ROUND; round++) {
		const u8 *buf;
		size_t n = serial_tx_peek(c->s, &buf);
		struct timespec taken;
		ssize_t w;

		if (!n)
			return;
		/* a reader may run before this thread does again: the time a
		 * line was handed on is the time it was written, not matched */
		clock_gettime(CLOCK_MONOTONIC, &taken);
		if (n > c->out_limit - c->out_written)
			n = (size_t)(c->out_limit - c->out_written); /* up to the limit */
		if (!n) {
			log_warn("console %s: reached its limit of %llu bytes (--output-limit); "
				 "discarding further guest output",
				 console_name(c), c->out_limit);
			c->out_dead = true;
			return;
		}
		w = write(c->out_fd, buf, n);
		if (w > 0)
			c->out_written += (unsigned long long)w;
		if (w > 0) {
			console_watch_output(c, buf, (size_t)w, &taken);
			serial_tx_consume(c->s, (size_t)w);
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		log_warn("console %s: %s; discarding further guest output", console_name(c),
			 w < 0 ? strerror(errno) : "short write");
		c->out_dead = true;
		return;
	}
}

static void console_discard(struct console *c)
{
	const u8 *buf;
	size_t n;
	struct timespec taken;

	while ((n = serial_tx_peek(c->s, &buf)) > 0) {
		clock_gettime(CLOCK_MONOTONIC, &taken);
		console_watch_output(c, buf, n, &taken);
		serial_tx_consume(c->s, n);
	}
}

static s64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (s64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *console_thread(void *arg)
{
	struct console *c = arg;
	s64 deadline = 0;
	bool stopping = false;

	pthread_setname_np(pthread_self(), "console");
	if (sb_enter((enum tinyvmm_seccomp)c->w.seccomp, SB_CONSOLE) < 0)
		return NULL; /* logged; the guest's output goes nowhere */

	for (;;) {
		struct pollfd fds[3];
		int nfds = 0, out_i = -1, in_i = -1, timeout = -1;
		const u8 *buf;
		size_t pending;

		if (!stopping && __atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
			stopping = true;
			deadline = now_ms() + FLUSH_MS;
		}
		console_push_pending(c);
		pending = serial_tx_peek(c->s, &buf);
		if (pending && (c->out_fd < 0 || c->out_dead)) {
			console_discard(c);
			pending = 0;
		}
		if (stopping) {
			s64 left = deadline - now_ms();

			if (!pending || left <= 0)
				break;
			timeout = (int)left;
		}

		fds[nfds++] = (struct pollfd){.fd = c->ev_fd, .events = POLLIN};
		if (pending) {
			out_i = nfds;
			fds[nfds++] = (struct pollfd){.fd = c->out_fd, .events = POLLOUT};
		}
		if (!stopping && c->in_fd >= 0 && !c->in_eof && !c->pend_len &&
		    serial_rx_room(c->s) > 0) {
			in_i = nfds;
			fds[nfds++] = (struct pollfd){.fd = c->in_fd, .events = POLLIN};
		}
		if (poll(fds, (nfds_t)nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			log_err("console: poll: %s", strerror(errno));
			break;
		}
		if (fds[0].revents) {
			u64 v;

			if (read(c->ev_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				log_err("console: eventfd: %s", strerror(errno));
		}
		if (out_i >= 0 && fds[out_i].revents)
			console_flush(c);
		if (in_i >= 0 && fds[in_i].revents) {
			if (fds[in_i].revents & POLLNVAL)
				c->in_eof = true;
			else
				console_read(c);
		}
		if (out_i >= 0 && (fds[out_i].revents & POLLNVAL))
			c->out_dead = true;
	}
	return NULL;
}

int console_start(struct console *c)
{
	sigset_t all, old;
	int ret;

	if (c->started)
		return -EBUSY;
	/* Signals go to the other threads; EPIPE comes back as an error. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -thread_create(&c->thread, console_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		log_err("console: cannot start its thread: %s", thread_why(ret));
		return -ret;
	}
	c->started = true;
	return 0;
}

void console_kick(struct console *c)
{
	u64 one = 1;
	ssize_t r;

	if (!c)
		return;
	r = write(c->ev_fd, &one, sizeof(one)); /* EAGAIN: already signalled */
	(void)r;
}

void console_close(struct console *c)
{
	if (!c)
		return;
	if (c->started) {
		__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
		console_kick(c);
		pthread_join(c->thread, NULL);
	}
	if (c->owns_tty)
		console_restore_tty();
	if (c->restore_fl >= 0)
		fcntl(c->out_fd, F_SETFL, c->restore_fl);
	if (c->out_fd >= 0)
		close(c->out_fd);
	if (c->in_fd >= 0)
		close(c->in_fd);
	close(c->ev_fd);
	free(c->name);
	free(c);
}
