/* SPDX-License-Identifier: MIT */
/*
 * parse.h - strict number parsers for option values. Pure: no logging, no
 * global state; the caller names the option in its message.
 */
#ifndef TINYVMM_PARSE_H
#define TINYVMM_PARSE_H

#include "vmm/base/util.h"

/* Strict decimal unsigned: no sign, space or junk; -EINVAL, -ERANGE over max. */
int parse_uint(const char *s, unsigned long max, unsigned long *out);

/*
 * A size: a decimal number with an optional K, M, G, T, P or E suffix
 * (case-insensitive, powers of 1024); no suffix means MiB. -EINVAL for an
 * empty string, a sign, a space or trailing junk, -ERANGE on overflow.
 * Zero parses (the caller enforces its minimum).
 */
int parse_size(const char *s, u64 *bytes);

/*
 * Seconds: a decimal number, fractions allowed ("30", "0.5", "1e3"), no
 * sign, space, hex, "inf" or "nan". -EINVAL otherwise (the range is the
 * caller's).
 */
int parse_seconds(const char *s, double *out);

#endif
