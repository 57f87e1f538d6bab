/* SPDX-License-Identifier: MIT */
/*
 * tty.h - when tinyvmm may use a terminal: not from its background.
 *
 * A job-control shell can move tinyvmm to the background of its terminal
 * (kill -TSTP, then bg). From there, reading the terminal stops the process
 * with SIGTTIN and tcsetattr() stops it with SIGTTOU, and the terminal's
 * mode is the shell's. So the console (vmm/core/console.c) reads stdin and
 * makes it raw, and puts it back, only when tty_in_background() is false,
 * and the sandbox's parent (vmm/cmd/jail.c) saves and puts back the mode by
 * the same rule.
 *
 * Header-only: the command links none of the library's objects (their
 * names are private to it), and both need this one rule.
 */
#ifndef TINYVMM_TTY_H
#define TINYVMM_TTY_H

#include <stdbool.h>
#include <unistd.h>

/*
 * Whether fd is our controlling terminal and another process group is in
 * its foreground. False for a terminal that is not our controlling one
 * (tcgetpgrp() fails), for one whose foreground we are in, and for a
 * descriptor that is no terminal. Async-signal-safe: tcgetpgrp() and
 * getpgrp() only.
 */
static inline bool tty_in_background(int fd)
{
	pid_t fg = tcgetpgrp(fd); /* -1: not our controlling terminal */

	return fg >= 0 && fg != getpgrp();
}

#endif
