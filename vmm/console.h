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

#include "../devices/serial.h"

struct console;

typedef void (*console_quit_fn)(void *opaque);

/*
 * path NULL: guest output to stdout, input from stdin (if it is readable).
 * path set: output appended to that file, no input.
 */
int console_open(struct console **out, struct serial *s, const char *path,
		 console_quit_fn quit, void *opaque);
int console_start(struct console *c);
void console_kick(struct console *c);   /* serial_kick_fn-compatible via wrapper */
/* Stop the thread after flushing pending output (at most ~1 s), restore tty. */
void console_close(struct console *c);
void console_restore_tty(void);

#endif
