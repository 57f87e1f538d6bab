/* SPDX-License-Identifier: MIT */
/*
 * input_file.h - a file the user gave to read from (the kernel, the
 * initrd): opened once, checked to be a regular file, and read with bounded
 * pread loops, so the loader reads exactly the file that was checked.
 *
 * Errors are logged as one line naming the file ("kernel bzImage: No such
 * file or directory") and marked as the user's (err.h) when their file is
 * at fault: missing, unreadable, not a regular file, shrunk while read.
 */
#ifndef TINYVMM_INPUT_FILE_H
#define TINYVMM_INPUT_FILE_H

#include "vmm/base/util.h"

struct input_file {
	const char *what; /* "kernel", "initrd": the first word of messages */
	const char *path; /* NULL: not given */
	int fd;		  /* -1 when closed */
	u64 size;	  /* at open */
};

/* clang-format off */
#define INPUT_FILE_INIT(what_) {.what = (what_), .path = NULL, .fd = -1, .size = 0}
/* clang-format on */

/*
 * Open path (O_RDONLY|O_NONBLOCK|O_CLOEXEC, so a FIFO never blocks; then
 * blocking reads) and check it is a regular file. f->path points to path,
 * which must outlive f. Closes what f had open first.
 */
int input_file_open(struct input_file *f, const char *path);
void input_file_close(struct input_file *f); /* safe twice */

/* The file's size now (it may have changed since the open). */
int input_file_size(const struct input_file *f, u64 *size);

/* Read exactly len bytes at off into dst; a user error if the file shrank. */
int input_file_read_at(const struct input_file *f, u64 off, void *dst, u64 len);

#endif
