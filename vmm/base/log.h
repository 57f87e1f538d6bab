/* SPDX-License-Identifier: MIT */
/*
 * log.h - one-line diagnostics on stderr.
 *
 * Every message names its object first, then says what happened and, where
 * there is one, the fix:
 *     log_err("vfio %s: IOMMU group %d is not viable: ...", bdf, group);
 * Messages go to stderr prefixed with "tinyvmm: " (and "warning: " at
 * LOG_WARN), or to the sink set with log_set_sink() (the library's log
 * callback). log_debug() prints only when the level is raised with
 * log_set_level(LOG_DEBUG) (--verbose).
 *
 * LOG_ONCE() logs a guest-triggered event the first time a given call site
 * sees it, so a misbehaving guest cannot flood the host log.
 */
#ifndef TINYVMM_LOG_H
#define TINYVMM_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "vmm/base/util.h"

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_msg(enum log_level level, const char *fmt, ...) PRINTF(2, 3);
void log_vmsg(enum log_level level, const char *fmt, va_list ap) PRINTF(2, 0);

/*
 * Where messages go instead of stderr (fn NULL: back to stderr). fn gets
 * each message at or below the level, without the "tinyvmm: " prefix and
 * newline, one call at a time (under a lock), on the thread that logs.
 */
typedef void (*log_sink_fn)(void *opaque, enum log_level level, const char *msg);
void log_set_sink(log_sink_fn fn, void *opaque);

/*
 * Keep a copy of the first error line this thread logs from now on in buf
 * (cap bytes, emptied here), besides logging it as usual; NULL stops. For
 * replies that must carry the error a lower layer logged (the control API).
 */
void log_capture(char *buf, size_t cap);

#define log_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#define LOG_ONCE(level, ...)                                                                       \
	do {                                                                                       \
		static bool log_once_done_;                                                        \
		if (!__atomic_exchange_n(&log_once_done_, true, __ATOMIC_RELAXED))                 \
			log_msg(level, __VA_ARGS__);                                               \
	} while (0)

#endif
