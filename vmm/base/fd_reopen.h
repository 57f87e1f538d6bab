/* SPDX-License-Identifier: MIT */
/*
 * fd_reopen.h - open what a descriptor refers to again, as a description
 * of its own.
 *
 * A dup() shares the open file description: its flags (O_NONBLOCK) and its
 * offset. Opening /proc/self/fd/N gives a new description of the same file,
 * pipe, FIFO or terminal, with flags of its own, and it is the same object,
 * not a path looked up again. A socket cannot be opened this way (ENXIO).
 * Header-only, like out_file.h: the command's sandbox parent links only
 * vmm/base.
 */
#ifndef TINYVMM_FD_REOPEN_H
#define TINYVMM_FD_REOPEN_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

/* A new descriptor for what fd refers to, opened with flags; or -errno. */
static inline int fd_reopen(int fd, int flags)
{
	char path[32];
	int nfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, flags);
	return nfd < 0 ? -errno : nfd;
}

#endif
