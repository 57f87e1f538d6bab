// SPDX-License-Identifier: MIT
/* err.c - log an error's one line and mark whose fault it is; see err.h. */
#include <errno.h>
#include <stdarg.h>

#include "vmm/base/err.h"
#include "vmm/base/log.h"

_Static_assert(ERR_USER > ERR_ERRNO_MAX, "the mark sits above every errno value");

int err_user(int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	return err_mark_user(e < 0 ? e : -EINVAL);
}

int err_host(int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	return e < 0 ? err_errno(e) : -EIO;
}

int err_file(int e, const char *fmt, ...)
{
	int en = e < 0 ? -err_errno(e) : EINVAL;
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	switch (en) {
	case EMFILE:
	case ENFILE:
	case ENOMEM:
	case ENOBUFS:
	case ENOSPC:
	case EIO:
		return -en;
	default:
		return err_mark_user(-en);
	}
}
