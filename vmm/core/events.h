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

#include <stddef.h>
#include <time.h>

#define EVENTS_LINE_MAX 16384 /* one event line, extra fields included */

struct events;

/*
 * spec: a file (created or truncated, 0644) or "fd:N" (an open writable
 * descriptor, not closed by events_close()), or NULL: no log, the events go
 * only to the hook (events_set_hook). t0 is the start of the clock.
 * Returns 0 or -errno after logging one line naming spec.
 */
int events_open(struct events **out, const char *spec, const struct timespec *t0);

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
 * Emit one event. fmt (may be NULL) formats the extra members as a JSON
 * fragment without the leading comma, e.g. "\"code\": %d"; string values in
 * it must come from events_json_escape(). ev NULL is a no-op. Thread-safe.
 */
void events_emit(struct events *ev, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Seconds on CLOCK_MONOTONIC since t0. */
double events_since(const struct timespec *t0);

/*
 * Pure: escape len bytes of src as the inside of a JSON string into dst
 * (cap bytes, NUL-terminated): '"' and '\\' get a backslash, \b \f \n \r \t
 * their short forms, other bytes below 0x20 and 0x7f become \u00XX; every
 * other byte (UTF-8 included) passes through. Stops before an escape that
 * would not fit, so the output is always valid. Returns the length of dst.
 * cap must be at least 1.
 */
size_t events_json_escape(char *dst, size_t cap, const char *src, size_t len);

/*
 * Pure: format one event line, newline included, into buf:
 * {"ts": <ts with 6 decimals>, "event": "<name>"[, <extra>]}\n
 * name is escaped; extra (may be NULL or "") is copied as is. Returns the
 * length, or -ENOSPC when it does not fit in cap bytes (with the NUL).
 */
int events_format(char *buf, size_t cap, double ts, const char *name, const char *extra);

#endif
