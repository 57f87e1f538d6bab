// SPDX-License-Identifier: MIT
/* log.c - one-line diagnostics on stderr, or to a sink; see log.h. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
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

/*
 * msg as one line, into dst (cap bytes, NUL-terminated): a control
 * character (but a tab), DEL and a C1 control (U+0080-U+009F in UTF-8)
 * become \xNN, so an input a message quotes (an argument, a key, a path)
 * can neither break the line nor act on a terminal. Returns dst's length;
 * *cut: msg did not fit.
 */
static size_t one_line(char *dst, size_t cap, const char *msg, bool *cut)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)msg;
	size_t n = 0;

	while (*s && n + 1 < cap) {
		unsigned int c = *s++;

		if (c == 0xc2 && *s >= 0x80 && *s <= 0x9f)
			c = 0x100 | *s++; /* a C1 control: \xc2\xNN */
		if (!(c & 0x100) && ((c >= 0x20 && c != 0x7f) || c == '\t')) {
			dst[n++] = (char)c;
			continue;
		}
		if (n + 4 + (c & 0x100 ? 4 : 0) >= cap) {
			*cut = true;
			break;
		}
		if (c & 0x100) {
			memcpy(dst + n, "\\xc2", 4);
			n += 4;
		}
		dst[n++] = '\\';
		dst[n++] = 'x';
		dst[n++] = hex[(c >> 4) & 15];
		dst[n++] = hex[c & 15];
	}
	if (*s)
		*cut = true;
	dst[n] = '\0';
	return n;
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024], msg[1024];
	bool cut = false;
	size_t len;
	int n;

	if (level > log_get_level())
		return;
	n = snprintf(line, sizeof(line), "tinyvmm: %s", level == LOG_WARN ? "warning: " : "");
	/* room kept for "..." and the newline: a cut line says so, and ends */
	cut = vsnprintf(msg, sizeof(msg), fmt, ap) >= (int)sizeof(msg);
	len = one_line(line + n, sizeof(line) - (size_t)n - 4, msg, &cut);
	if (cut)
		memcpy(line + n + len, "...", 4);
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
