/* SPDX-License-Identifier: MIT */
/*
 * err.h - whose fault an error is: the user's input, or the host.
 *
 * Functions that can fail return 0 or a negative errno value, captured
 * right after the failing call. The value also carries ERR_USER when the
 * cause is the user's input: a bad option or config value, a kernel file
 * that is not a kernel, a VF that cannot be used as given, a slot clash. The
 * mark is set once, where the cause is known, by the same call that logs
 * the error's one line:
 *
 *	return err_user(-EINVAL, "--mem %s: not a size; ...", arg);
 *	return err_host(r, "vfio: VFIO_SET_IOMMU: %s", strerror(-r));
 *
 * Callers pass the value up unchanged (never log it again) and never pick an
 * errno to steer the exit status. main() and the library's run turn it into
 * the status with err_exit_code(): EXIT_USAGE (64) when marked, EXIT_HOST
 * (65) otherwise. err_errno() strips the mark, e.g. for strerror().
 *
 * ERR_USER is TINYVMM_ERR_USER of the public header: the library's callers
 * see the same mark (tinyvmm_is_user_error()).
 */
#ifndef TINYVMM_ERR_H
#define TINYVMM_ERR_H

#include <stdbool.h>

#include "vmm/base/exitcode.h"
#include "vmm/base/util.h"

#define ERR_USER      0x10000 /* set in -r: the user's input is at fault */
#define ERR_ERRNO_MAX 0xffff  /* errno values fit below the mark */

/* The error e (a negative errno, marked or not) marked as the user's. */
static inline int err_mark_user(int e)
{
	return e < 0 ? -((-e) | ERR_USER) : e;
}

/* True when r is an error the user can fix by changing their input. */
static inline bool err_is_user(int r)
{
	return r < 0 && ((-r) & ERR_USER);
}

/* The plain negative errno of r (0 or positive r as they are). */
static inline int err_errno(int r)
{
	return r < 0 ? -((-r) & ERR_ERRNO_MAX) : r;
}

/* The exit status of an error: EXIT_USAGE when marked, else EXIT_HOST. */
static inline int err_exit_code(int r)
{
	return err_is_user(r) ? EXIT_USAGE : EXIT_HOST;
}

/* Log one error line (log_err) and return e marked as the user's. */
int err_user(int e, const char *fmt, ...) PRINTF(2, 3);
/* Log one error line and return e as it is: a host failure. */
int err_host(int e, const char *fmt, ...) PRINTF(2, 3);
/*
 * Log one error line about a file the user named (opened, read, written):
 * the user's fault (a wrong path, a permission, a wrong kind of file), but
 * the host's when the host ran out of something (EMFILE ENFILE ENOMEM
 * ENOBUFS ENOSPC EIO), which another file would not help (a sandboxed
 * run's broken channel to its privileged side is told as EIO).
 */
int err_file(int e, const char *fmt, ...) PRINTF(2, 3);

#endif
