// SPDX-License-Identifier: MIT
/* events.c - the --events JSON lines log; see events.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/core/events.h"
#include "vmm/base/out_file.h"
#include "vmm/base/err.h"
#include "vmm/base/json_write.h"
#include "vmm/base/log.h"
#include "vmm/base/parse.h"

struct events {
	int fd;
	bool owns_fd;
	unsigned long long limit, written; /* bytes this run may write, and has */
	bool capped;			   /* the limit was reached (logged) */
	struct timespec t0;
	pthread_mutex_t lock;
	char *name;	     /* spec, for messages */
	events_hook_fn hook; /* events_set_hook(), or NULL */
	void *hook_opaque;
};

double events_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

int events_format(char *buf, size_t cap, double ts, const char *name, const char *extra)
{
	struct json_writer w;

	json_write_init(&w, buf, cap);
	json_write_object_begin(&w);
	json_write_kv_double(&w, "ts", ts, 6);
	json_write_kv_str(&w, "event", name);
	json_write_members(&w, extra);
	json_write_object_end(&w);
	return json_write_finish_line(&w) < 0 ? -ENOSPC : (int)w.len;
}

int events_spec_fd(const char *spec)
{
	unsigned long n;

	if (strncmp(spec, "fd:", 3) != 0)
		return -ENOENT;
	return parse_uint(spec + 3, INT32_MAX, &n) < 0 ? -EINVAL : (int)n;
}

bool events_tail_is(const char *tail, size_t n, const char *name)
{
	char want[96];
	size_t start, len;

	if (n < 2 || tail[n - 1] != '\n')
		return false;
	start = n - 1; /* the last line runs from after the newline before it */
	while (start > 0 && tail[start - 1] != '\n')
		start--;
	len = (size_t)snprintf(want, sizeof(want), "\"event\": \"%s\"", name);
	if (len >= sizeof(want))
		return false;
	return memmem(tail + start, n - 1 - start, want, len) != NULL;
}

int events_open(struct events **out, const char *spec, const struct timespec *t0,
		unsigned long long limit)
{
	struct events *ev = calloc(1, sizeof(*ev));
	int r;

	if (!ev)
		return err_host(-ENOMEM, "events: out of memory");
	if (!spec) {
		ev->fd = -1; /* no log: only the hook sees the events */
	} else if ((r = events_spec_fd(spec)) != -ENOENT) {
		if (r < 0 || fcntl(r, F_GETFL) < 0) {
			free(ev);
			return err_user(-EINVAL,
					"events %s: not an open descriptor; give fd:N with N open "
					"for writing, or a file",
					spec);
		}
		ev->fd = r;
	} else {
		ev->fd = out_file_opened(open(spec, EVENTS_FILE_FLAGS, 0600));
		if (ev->fd < 0) {
			r = ev->fd;
			free(ev);
			return err_file(r, "events %s: cannot open for writing: %s", spec,
					out_file_why(spec, -r));
		}
		ev->owns_fd = true;
	}
	ev->t0 = *t0;
	ev->limit = limit;
	ev->name = spec ? strdup(spec) : NULL;
	pthread_mutex_init(&ev->lock, NULL);
	*out = ev;
	return 0;
}

void events_close(struct events *ev)
{
	if (!ev)
		return;
	if (ev->owns_fd)
		close(ev->fd);
	pthread_mutex_destroy(&ev->lock);
	free(ev->name);
	free(ev);
}

void events_emit(struct events *ev, const char *name, const char *members)
{
	char line[EVENTS_LINE_MAX];
	int n;

	if (!ev)
		return;
	pthread_mutex_lock(&ev->lock);
	n = events_format(line, sizeof(line), events_since(&ev->t0), name, members);
	if (n < 0) {
		LOG_ONCE(LOG_WARN, "events %s: event %s too long, dropped (logged once)",
			 ev->name ? ev->name : "log", name);
	} else {
		bool last = strcmp(name, "vmm-exit") == 0;

		if (ev->fd >= 0 && !last && ev->written + (unsigned long long)n > ev->limit) {
			if (!ev->capped)
				log_warn("events %s: reached its limit of %llu bytes "
					 "(--output-limit); later events are dropped, but for "
					 "vmm-exit",
					 ev->name ? ev->name : "log", ev->limit);
			ev->capped = true;
		} else if (ev->fd >= 0 && write(ev->fd, line, (size_t)n) != n) {
			LOG_ONCE(LOG_WARN,
				 "events %s: write failed: %s; events dropped (logged once)",
				 ev->name ? ev->name : "log", strerror(errno));
		} else if (ev->fd >= 0) {
			ev->written += (unsigned long long)n;
		}
		if (ev->hook) {
			line[n - 1] = '\0'; /* the hook gets the line without its newline */
			ev->hook(ev->hook_opaque, name, line);
		}
	}
	pthread_mutex_unlock(&ev->lock);
}

void events_emit_members(struct events *ev, const char *name, struct json_writer *m)
{
	if (!ev)
		return;
	if (m && json_write_finish(m) < 0) {
		LOG_ONCE(LOG_WARN, "events %s: event %s: members %s, dropped (logged once)",
			 ev->name ? ev->name : "log", name, m->overflow ? "too long" : "malformed");
		return;
	}
	events_emit(ev, name, m ? m->buf : NULL);
}

void events_emit_int(struct events *ev, const char *name, const char *key, long long v)
{
	char buf[128];
	struct json_writer m;

	json_write_init_members(&m, buf, sizeof(buf));
	json_write_kv_int(&m, key, v);
	events_emit_members(ev, name, &m);
}

void events_set_hook(struct events *ev, events_hook_fn fn, void *opaque)
{
	pthread_mutex_lock(&ev->lock);
	ev->hook = fn;
	ev->hook_opaque = opaque;
	pthread_mutex_unlock(&ev->lock);
}
