/* SPDX-License-Identifier: MIT */
/*
 * out_file.h - opening a file tinyvmm writes to by path (--console FILE,
 * --console-log, --events, arm64's --dump-dtb).
 *
 * A FIFO blocks open() for writing until a reader comes, and tinyvmm opens
 * these before its signal handling runs, so a FIFO nobody reads hung it for
 * good, deaf to SIGTERM. They are opened with O_NONBLOCK: such a FIFO then
 * fails at once (ENXIO, told as "a FIFO with no reader"), and the file is
 * made blocking again once open, as a file or a FIFO with a reader was
 * before. Header-only, like tty.h: the command's sandbox parent opens the
 * console file too.
 */
#ifndef TINYVMM_OUT_FILE_H
#define TINYVMM_OUT_FILE_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The flags to open an output file with: flags and O_NONBLOCK. */
#define OUT_FILE_FLAGS(flags) ((flags) | O_NONBLOCK)

/* fd opened with OUT_FILE_FLAGS, blocking again; fd, or -errno (fd closed). */
static inline int out_file_blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL), e;

	if (fl >= 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0)
		return fd;
	e = errno;
	close(fd);
	return -e;
}

/*
 * What open() with OUT_FILE_FLAGS returned: the fd, blocking, or -errno.
 * A device file other than a terminal gets a write of nothing, which finds
 * one that takes no writes (/dev/kvm, /dev/full: -EINVAL, whatever the
 * device said, since the pick of file is the user's to change) now, not
 * at the guest's first byte, when all tinyvmm could do was warn and run on
 * with the output lost. Files, FIFOs and terminals are not probed: a
 * terminal's write takes its lock and job control, and could wait or stop.
 */
static inline int out_file_opened(int fd)
{
	struct stat st;

	if (fd < 0)
		return -errno;
	fd = out_file_blocking(fd);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || isatty(fd))
		return fd; /* fstat fails only on a bad fd */
	if (write(fd, "", 0) < 0) {
		close(fd);
		return -EINVAL; /* whatever it said (EINVAL, ENOSPC): the user's pick */
	}
	return fd;
}

/*
 * Why the output file at path did not open: strerror(), but for a FIFO
 * nobody reads (ENXIO is also a socket's, or a device file's with no
 * device: the file's type tells them apart) and a device that takes no
 * writes.
 */
static inline const char *out_file_why(const char *path, int err)
{
	struct stat st;

	if (err == ENXIO && stat(path, &st) == 0 && S_ISFIFO(st.st_mode))
		return "a FIFO with no reader (start its reader first)";
	if (err == EINVAL && stat(path, &st) == 0 && S_ISCHR(st.st_mode))
		return "a device that takes no writes (give a file, a FIFO or a terminal)";
	return strerror(err);
}

#endif
