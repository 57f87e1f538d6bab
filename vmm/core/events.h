/* SPDX-License-Identifier: MIT */
/*
 * events.h - the --events log: one JSON object per line,
 *
 *   {"ts": 1.234567, "event": "vmm-start"}
 *   {"ts": 1.300000, "event": "guest-exit", "code": 3}
 *
 * where ts is seconds on the monotonic clock since tinyvmm started (the t0
 * given to events_open()). Each line is formatted in full and written with
 * one write() under a mutex, so events from the vCPU, console and main
 * threads never interleave and appear in ts order. A write that fails is
 * logged once and the event dropped: the log never stops the VM. A slow
 * pipe reader blocks the thread emitting the event.
 */
#ifndef TINYVMM_EVENTS_H
#define TINYVMM_EVENTS_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "vmm/base/json_write.h"
#include "vmm/base/out_file.h"

/* One event line, extra members included: room for a whole console line
 * (CONSOLE_LINE_MAX) escaped at 6 bytes a byte in expect-matched. */
#define EVENTS_LINE_MAX 32768

struct events;

/* How an events file spec that names a path is opened (created, 0600). */
#define EVENTS_FILE_FLAGS OUT_FILE_FLAGS(O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC)

/*
 * Pure: the N of an "fd:N" spec (N decimal, at most INT32_MAX), -EINVAL for
 * an "fd:" spec that holds no such N, or -ENOENT when spec is a path.
 */
int events_spec_fd(const char *spec);

/*
 * spec: a file (created or truncated, 0600) or "fd:N" (an open writable
 * descriptor, not closed by events_close()), or NULL: no log, the events go
 * only to the hook (events_set_hook). t0 is the start of the clock. At most
 * limit bytes are written; past it events are dropped (logged once), but
 * vmm-exit, the last, is always written. The hook sees every event.
 * Returns 0 or -errno after logging one line naming spec.
 */
int events_open(struct events **out, const char *spec, const struct timespec *t0,
		unsigned long long limit);

/*
 * Called with every emitted event: its name and its line exactly as written
 * to the log, without the '\n'. Runs on the emitting thread (vCPU, console,
 * main) with the events lock held, so calls never overlap and come in ts
 * order; it must not emit an event itself.
 */
typedef void (*events_hook_fn)(void *opaque, const char *name, const char *line);
/* Set (or with fn NULL clear) the hook. Thread-safe. */
void events_set_hook(struct events *ev, events_hook_fn fn, void *opaque);
/* Close the file (not an fd:N descriptor) and free ev; NULL is a no-op. */
void events_close(struct events *ev);

/*
 * Emit one event. members (NULL or "": none) is the JSON text of its extra
 * members, written by a json_writer in member-list mode, e.g.
 * "code": 3, "reason": "x". ev NULL is a no-op. Thread-safe.
 */
void events_emit(struct events *ev, const char *name, const char *members);
/*
 * events_emit() with the members m wrote (json_write_init_members), or
 * none when m is NULL. Members that overflowed m or misused it drop the
 * event (logged once), as a line over EVENTS_LINE_MAX does.
 *
 *   char buf[64];
 *   struct json_writer m;
 *
 *   json_write_init_members(&m, buf, sizeof(buf));
 *   json_write_kv_int(&m, "code", 3);
 *   events_emit_members(ev, "guest-exit", &m);
 */
void events_emit_members(struct events *ev, const char *name, struct json_writer *m);
/* An event with one integer member: events_emit_int(ev, "guest-exit", "code", 3). */
void events_emit_int(struct events *ev, const char *name, const char *key, long long v);

/* Seconds on CLOCK_MONOTONIC since t0. */
double events_since(const struct timespec *t0);

/*
 * Pure: format one event line, newline included, into buf:
 * {"ts": <ts with 6 decimals>, "event": "<name>"[, <extra>]}\n
 * name is escaped; extra (may be NULL or "") is a member list, copied as
 * is. Returns the length, or -ENOSPC when it does not fit in cap bytes
 * (with the NUL).
 */
int events_format(char *buf, size_t cap, double ts, const char *name, const char *extra);

/*
 * Pure: whether the last line of tail (n bytes, the end of an events file,
 * ending with its newline) is the event name, as events_format() writes it.
 * A tail without a newline at its end (a line cut short) is not.
 */
bool events_tail_is(const char *tail, size_t n, const char *name);

#endif
