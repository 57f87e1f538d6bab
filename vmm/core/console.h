/* SPDX-License-Identifier: MIT */
/*
 * console.h - the console thread: moves bytes between the guest's UART and
 * the host (stdin/stdout, or a file with --console FILE).
 *
 * One thread polls the output fd for POLLOUT only while the UART has
 * transmit data, the input fd only while the UART's receive FIFO has room,
 * and an eventfd that serial's kick callback writes. Output is written
 * non-blocking, so a slow reader of stdout slows only the guest's UART
 * (THRE stays low), never a vCPU thread. When stdin is a terminal it is put
 * in raw mode and restored on every exit path (console_close(), and
 * console_restore_tty() which is async-signal-safe). In raw mode Ctrl-A x
 * asks the VM to quit and Ctrl-A Ctrl-A sends a literal Ctrl-A.
 */
#ifndef TINYVMM_CONSOLE_H
#define TINYVMM_CONSOLE_H

#include <regex.h>
#include <time.h>

#include "devices/serial.h"

struct console;

/* Called on the console thread (Ctrl-A x): must not block or close the console. */
typedef void (*console_quit_fn)(void *opaque);

/*
 * path NULL: guest output to stdout, input from stdin (if it is readable:
 * not closed, not /dev/null, not a terminal we are in the background of).
 * stdout and stdin are reopened through /proc/self/fd as their own
 * non-blocking descriptions, so the shared ones keep their flags (a regular
 * file is dup'ed instead; if reopening fails, the dup is set non-blocking and
 * its flags restored at close). A terminal stdin is put in raw mode.
 * path set: output appended to that file (created 0644), no input.
 * Returns 0 or -errno after logging one line naming the file. The thread
 * does not run until console_start().
 */
int console_open(struct console **out, struct serial *s, const char *path, console_quit_fn quit,
		 void *opaque);
/*
 * console_open(path NULL) without input: stdout only, stdin left alone (the
 * library's console when the embedding program owns stdin).
 */
int console_open_stdout(struct console **out, struct serial *s, console_quit_fn quit, void *opaque);
/*
 * The same with explicit descriptors, for tests and other callers: in_fd (or
 * -1 for no input) and out_fd (or -1 to discard output) are owned by the
 * console from success on and closed by console_close(); out_fd should be
 * non-blocking (a blocking one stalls only the console thread). raw turns
 * on the Ctrl-A escapes without touching any terminal.
 */
int console_open_fds(struct console **out, struct serial *s, int in_fd, int out_fd, bool raw,
		     console_quit_fn quit, void *opaque);
/*
 * CI watching of the guest's output (--console-log, --expect), set with
 * console_watch() before console_start(). Every byte the console moves to
 * its output (or discards, when there is none) is also:
 *  - appended to log_fd (>= 0; a blocking write on the console thread, the
 *    descriptor stays the caller's), each line prefixed with
 *    "[   S.uuuuuu] " (seconds on CLOCK_MONOTONIC since *t0) when
 *    log_timestamps is set;
 *  - collected into lines (\r and NUL bytes dropped) that are matched against
 *    expect (compiled with REG_NOSUB) when it is not NULL. The line buffer is
 *    CONSOLE_LINE_MAX bytes: a longer line is matched in chunks of
 *    CONSOLE_LINE_MAX - 1 bytes, so a match across a chunk boundary is
 *    missed. A final line without '\n' is never matched. After the first
 *    match, matched(opaque, line, taken) is called once on the console
 *    thread (it must not block or close the console) and matching stops;
 *    taken is when the line's last bytes were handed to the output
 *    (CLOCK_MONOTONIC, read just before the write), the moment a reader of
 *    the output could first see the whole line.
 * first_output(opaque), if set, is called on the console thread when the
 * first guest byte is moved.
 */
#define CONSOLE_LINE_MAX 4096

struct console_watch {
	int seccomp;	      /* enum tinyvmm_seccomp: the console thread's filter */
	int log_fd;	      /* -1: none */
	const char *log_name; /* log_fd's file, for messages; lives as long as the watch */
	unsigned long long
	    log_limit; /* bytes log_fd may take (0: no limit); then logging stops, logged */
	bool log_timestamps;
	struct timespec t0;
	const regex_t *expect;
	void (*matched)(void *opaque, const char *line, const struct timespec *taken);
	void (*first_output)(void *opaque);
	void *opaque;
};

/*
 * Let the console's output take at most limit bytes (the default is no
 * limit), then discard the rest (logged once; the watch still sees it).
 * For a file, so a guest cannot fill the disk. Call before console_start().
 */
void console_limit_output(struct console *c, unsigned long long limit);

/* Copy w into c; call before console_start(). */
void console_set_watch(struct console *c, const struct console_watch *w);

/* Start the thread (with every signal blocked); -EBUSY if already started. */
int console_start(struct console *c);
/*
 * Wake the thread: async-signal-safe, one eventfd write. NULL is a no-op, so
 * a serial kick wrapper may run before the console exists.
 */
void console_kick(struct console *c); /* serial_kick_fn-compatible via wrapper */
/*
 * Stop the thread after flushing pending output (at most ~1 s), restore tty,
 * close the descriptors and free c. Safe on a console never started, and on
 * NULL. The caller unhooks the serial kick first (or keeps c valid until the
 * UART can no longer kick).
 */
void console_close(struct console *c);
/*
 * Put the terminal back as console_open() found it; async-signal-safe, safe
 * to call more than once, and registered with atexit() on the first raw
 * console. Call it from fatal-signal handlers.
 */
void console_restore_tty(void);

#endif
