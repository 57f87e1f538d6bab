// SPDX-License-Identifier: MIT
/* smaps.c - AnonHugePages of a range from /proc/self/smaps; see smaps.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm/host/smaps.h"

#define HUGE_KEY "AnonHugePages:"

void smaps_scan_init(struct smaps_scan *s, u64 start, u64 end)
{
	memset(s, 0, sizeof(*s));
	s->start = start;
	s->end = end;
}

/* Hex digits at *p into *v; the number of digits, 0 for none or overflow. */
static int parse_hex(const char **p, u64 *v)
{
	const char *q = *p;
	int n = 0;

	*v = 0;
	for (;; q++, n++) {
		unsigned int d;

		if (*q >= '0' && *q <= '9')
			d = (unsigned int)(*q - '0');
		else if (*q >= 'a' && *q <= 'f')
			d = (unsigned int)(*q - 'a' + 10);
		else
			break;
		if (*v >> 60)
			return 0;
		*v = *v << 4 | d;
	}
	*p = q;
	return n;
}

static int fail(struct smaps_scan *s)
{
	s->err = -EINVAL;
	s->overlap = 0;
	return -EINVAL;
}

/* "lo-hi " at the start of a header line: the VMA's overlap with the range. */
static int header(struct smaps_scan *s, const char *p)
{
	u64 lo, hi;

	if (!parse_hex(&p, &lo) || *p++ != '-' || !parse_hex(&p, &hi) || *p != ' ' || lo >= hi)
		return fail(s);
	lo = MAX(lo, s->start);
	hi = MIN(hi, s->end);
	s->overlap = lo < hi ? hi - lo : 0;
	if (s->overlap)
		s->vmas++;
	return 0;
}

/* "AnonHugePages:   N kB": add N KiB, at most the VMA's overlap. */
static int huge_line(struct smaps_scan *s, const char *p)
{
	u64 kb = 0;
	int digits = 0;

	p += strlen(HUGE_KEY);
	while (*p == ' ' || *p == '\t')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (kb > (~0ULL >> 10) / 10)
			return fail(s);
		kb = kb * 10 + (u64)(*p - '0');
	}
	if (!digits || strncmp(p, " kB", 3) || (p[3] && p[3] != '\n'))
		return fail(s);
	s->huge += MIN(kb * KiB, s->overlap);
	return 0;
}

int smaps_scan_line(struct smaps_scan *s, const char *line)
{
	if (s->err)
		return s->err;
	if ((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f'))
		return header(s, line);
	if (!strncmp(line, HUGE_KEY, strlen(HUGE_KEY)))
		return huge_line(s, line);
	return 0;
}

int smaps_scan_finish(const struct smaps_scan *s, u64 *huge)
{
	*huge = 0;
	if (s->err)
		return s->err;
	if (!s->vmas)
		return -ENOENT;
	*huge = MIN(s->huge, s->end - s->start);
	return 0;
}

int smaps_anon_huge(const char *path, u64 start, u64 end, u64 *huge)
{
	struct smaps_scan s;
	char line[512];
	FILE *f;
	int r;

	*huge = 0;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	smaps_scan_init(&s, start, end);
	while (fgets(line, sizeof(line), f)) {
		/* a long path in a header: the rest of it is no line of its own */
		bool whole = strchr(line, '\n') || feof(f);

		smaps_scan_line(&s, line);
		while (!whole && fgets(line, sizeof(line), f))
			whole = strchr(line, '\n') || feof(f);
	}
	r = ferror(f) ? -EIO : 0;
	fclose(f);
	return r ? r : smaps_scan_finish(&s, huge);
}
