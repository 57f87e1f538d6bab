/* SPDX-License-Identifier: MIT */
/*
 * library_cmd.h - what the tinyvmm command (main.c) uses of the library
 * beyond the public include/tinyvmm.h: a machine from the config its command
 * line parsed, with the command-only behaviour (stdin as console input, t0
 * at the process's start), stops by signal, and an fd to poll for the end.
 */
#ifndef TINYVMM_LIBRARY_CMD_H
#define TINYVMM_LIBRARY_CMD_H

#include <time.h>

#include "include/tinyvmm.h"

struct config;

/*
 * Like tinyvmm_create() from a config cli_parse() filled. cfg is borrowed:
 * it must stay valid until tinyvmm_destroy(), and the caller
 * cli_release()s it after. With cfg->console NULL the console is stdin and
 * stdout (a terminal in raw mode, Ctrl-A x). t0: the clock's start for the
 * events, --timeout and boot_to_marker.
 */
int tinyvmm_create_from_config(struct config *cfg, const struct timespec *t0,
			       struct tinyvmm **out);

/*
 * Stop as signal signo does: the run ends with status 128 + signo and
 * reason "signal" (the first stop asked wins). 0, or -ESRCH before the run.
 */
int tinyvmm_stop_signal(struct tinyvmm *t, int signo);

/* An eventfd that becomes readable once the run has ended (never read it). */
int tinyvmm_done_fd(const struct tinyvmm *t);

#endif
