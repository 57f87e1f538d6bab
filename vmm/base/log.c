// SPDX-License-Identifier: MIT
/* log.c - one-line diagnostics on stderr; see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/base/log.h"

static enum log_level cur_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level log_get_level(void)
{
	return cur_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (level > cur_level)
		return;
	n = snprintf(line, sizeof(line), "tinyvmm: %s",
		     level == LOG_WARN ? "warning: " : "");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write per message so lines from vCPU threads never interleave. */
	n = (int)strlen(line);
	if (n < (int)sizeof(line) - 1) {
		line[n++] = '\n';
		line[n] = '\0';
	}
	fputs(line, stderr);
}
