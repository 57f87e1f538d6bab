/* SPDX-License-Identifier: MIT */
/*
 * smaps.h - how much of a host mapping huge pages back: the AnonHugePages
 * (transparent huge pages) and Private_Hugetlb/Shared_Hugetlb (hugetlbfs,
 * --hugepages) of the VMAs that lie in [start, end) in /proc/self/smaps.
 *
 * The file is one block per VMA: a header line "lo-hi perms offset dev
 * inode [path]" (lo, hi in hex), then "Name:   N kB" lines. The scan takes
 * it a line at a time, so the reader needs no buffer for the whole file.
 */
#ifndef TINYVMM_SMAPS_H
#define TINYVMM_SMAPS_H

#include "vmm/base/util.h"

#define SMAPS_PATH "/proc/self/smaps"

struct smaps_scan {
	u64 start, end;	   /* the range asked about */
	u64 overlap;	   /* bytes of the current VMA inside it; 0: outside */
	u64 vma_huge;	   /* the current VMA's huge bytes so far */
	u64 huge;	   /* huge pages inside it so far, bytes */
	unsigned int vmas; /* VMAs that overlapped it */
	int err;	   /* the first malformed line: -EINVAL */
};

void smaps_scan_init(struct smaps_scan *s, u64 start, u64 end);

/*
 * One line of the file (with or without its '\n'). Pure. 0, or -EINVAL
 * for a malformed VMA header or AnonHugePages line (kept in s->err: the
 * scan fails from then on). Other lines are ignored.
 */
int smaps_scan_line(struct smaps_scan *s, const char *line);

/*
 * The AnonHugePages of [start, end) in bytes into *huge (never more than
 * end - start). Pure. -EINVAL after a malformed line, -ENOENT when no VMA
 * lay in the range.
 */
int smaps_scan_finish(const struct smaps_scan *s, u64 *huge);

/*
 * Read path and scan it: 0 or -errno, nothing logged. path NULL: this
 * process's own smaps, through the fd smaps_keep_open() kept if there is
 * one (a sandboxed VM process has no /proc once it is locked down).
 */
int smaps_anon_huge(const char *path, u64 start, u64 end, u64 *huge);
/* Open SMAPS_PATH now and keep it for smaps_anon_huge(NULL, ...): 0 or -errno. */
int smaps_keep_open(void);

#endif
