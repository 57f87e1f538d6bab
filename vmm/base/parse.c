// SPDX-License-Identifier: MIT
/* parse.c - strict number parsers for option values; see parse.h. */
#include <stdlib.h>
#include <string.h>

#include "vmm/base/parse.h"

int parse_size(const char *s, u64 *bytes)
{
	u64 v = 0, mult = MiB;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (u64)(*p - '0'), &v))
			return -ERANGE;
	if (*p) {
		static const char units[] = "KMGTPE";
		const char *u = strchr(units, *p & ~0x20);

		if (!u || !(*p & ~0x20) || p[1])
			return -EINVAL;
		mult = 1ULL << (10 * (u - units + 1));
	}
	if (__builtin_mul_overflow(v, mult, bytes))
		return -ERANGE;
	return 0;
}

int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	if (*s)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if ((*s < '0' || *s > '9') && *s != '.')
		return -EINVAL; /* no sign, space, "inf" or "nan" */
	if (s[strspn(s, "0123456789.eE+-")])
		return -EINVAL; /* decimal only: strtod also reads hex ("0x1p3") */
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno)
		return -EINVAL;
	*out = v;
	return 0;
}
