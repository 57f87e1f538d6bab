// SPDX-License-Identifier: MIT
/* smaps.c - AnonHugePages of a range from /proc/self/smaps; see smaps.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm/host/smaps.h"

/* The lines that count: THP, and hugetlbfs pages (--hugepages) */
static const char *const huge_keys[] = {"AnonHugePages:", "Private_Hugetlb:", "Shared_Hugetlb:"};

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
	s->vma_huge = 0;
	if (s->overlap)
		s->vmas++;
	return 0;
}

/* "AnonHugePages:   N kB" (or a hugetlb line): add N KiB, the VMA's lines
 * together at most its overlap. */
static int huge_line(struct smaps_scan *s, const char *p, size_t key_len)
{
	u64 kb = 0, add;
	int digits = 0;

	p += key_len;
	while (*p == ' ' || *p == '\t')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (kb > (~0ULL >> 10) / 10)
			return fail(s);
		kb = kb * 10 + (u64)(*p - '0');
	}
	if (!digits || strncmp(p, " kB", 3) || (p[3] && p[3] != '\n'))
		return fail(s);
	add = MIN(kb * KiB, s->overlap - s->vma_huge);
	s->vma_huge += add;
	s->huge += add;
	return 0;
}

int smaps_scan_line(struct smaps_scan *s, const char *line)
{
	if (s->err)
		return s->err;
	if ((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f'))
		return header(s, line);
	for (size_t i = 0; i < ARRAY_SIZE(huge_keys); i++)
		if (!strncmp(line, huge_keys[i], strlen(huge_keys[i])))
			return huge_line(s, line, strlen(huge_keys[i]));
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

/* The fd smaps_keep_open() opened, or -1. */
static int kept_fd = -1;

int smaps_keep_open(void)
{
	if (kept_fd < 0)
		kept_fd = open(SMAPS_PATH, O_RDONLY | O_CLOEXEC);
	return kept_fd < 0 ? -errno : 0;
}

/* Every line of fd, from offset 0 with pread (a kept fd has no position to
 * share); a line longer than the buffer counts by its first part only. */
static int scan_fd(int fd, struct smaps_scan *s)
{
	char buf[4096];
	size_t have = 0;
	off_t off = 0;
	bool skip = false; /* in the rest of a line cut short */

	for (;;) {
		ssize_t n = pread(fd, buf + have, sizeof(buf) - 1 - have, off);
		char *p = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += n;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = memchr(p, '\n', have - (size_t)(p - buf)))) {
			*nl = '\0';
			if (!skip)
				smaps_scan_line(s, p);
			skip = false;
			p = nl + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (n == 0) { /* the end: a last line without its newline */
			buf[have] = '\0';
			if (have && !skip)
				smaps_scan_line(s, buf);
			return 0;
		}
		if (have == sizeof(buf) - 1) { /* a line longer than buf */
			buf[have] = '\0';
			if (!skip)
				smaps_scan_line(s, buf);
			skip = true;
			have = 0;
		}
	}
}

int smaps_anon_huge(const char *path, u64 start, u64 end, u64 *huge)
{
	struct smaps_scan s;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : kept_fd, r;

	*huge = 0;
	if (!path && fd < 0)
		fd = open(SMAPS_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	smaps_scan_init(&s, start, end);
	r = scan_fd(fd, &s);
	if (fd != kept_fd)
		close(fd);
	return r ? r : smaps_scan_finish(&s, huge);
}
