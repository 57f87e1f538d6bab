// SPDX-License-Identifier: MIT
/* log.c - one-line diagnostics on stderr, or to a sink; see log.h. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/base/log.h"

static enum log_level cur_level = LOG_INFO;
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static log_sink_fn sink;
static void *sink_opaque;

void log_set_level(enum log_level level)
{
	__atomic_store_n(&cur_level, level, __ATOMIC_RELAXED);
}

enum log_level log_get_level(void)
{
	return __atomic_load_n(&cur_level, __ATOMIC_RELAXED);
}

void log_set_sink(log_sink_fn fn, void *opaque)
{
	pthread_mutex_lock(&sink_lock);
	sink = fn;
	sink_opaque = opaque;
	pthread_mutex_unlock(&sink_lock);
}

static __thread char *capture_buf;
static __thread size_t capture_cap;

void log_capture(char *buf, size_t cap)
{
	capture_buf = cap ? buf : NULL;
	capture_cap = cap;
	if (capture_buf)
		capture_buf[0] = '\0';
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	if (level > log_get_level())
		return;
	n = snprintf(line, sizeof(line), "tinyvmm: %s", level == LOG_WARN ? "warning: " : "");
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (level == LOG_ERR && capture_buf && !capture_buf[0])
		snprintf(capture_buf, capture_cap, "%s", line + n);
	pthread_mutex_lock(&sink_lock);
	if (sink) {
		/* the sink gets the message alone: no prefix, no newline */
		sink(sink_opaque, level, line + n);
		pthread_mutex_unlock(&sink_lock);
		return;
	}
	pthread_mutex_unlock(&sink_lock);
	/* One write per message so lines from vCPU threads never interleave. */
	n = (int)strlen(line);
	if (n < (int)sizeof(line) - 1) {
		line[n++] = '\n';
		line[n] = '\0';
	}
	fputs(line, stderr);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
