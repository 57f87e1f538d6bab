// SPDX-License-Identifier: MIT
/* input_file.c - a user's input file, opened once and read in full; see input_file.h. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/err.h"
#include "vmm/base/input_file.h"

int input_file_open(struct input_file *f, const char *path)
{
	struct stat st;
	int fd, r;

	input_file_close(f);
	f->path = path;
	if (!*path)
		return err_user(-EINVAL, "--%s: empty file name; give the path of the %s", f->what,
				f->what);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		return err_file(r, "%s %s: %s", f->what, path, strerror(-r));
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return err_host(r, "%s %s: %s", f->what, path, strerror(-r));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_user(-EINVAL, "%s %s: not a regular file", f->what, path);
	}
	/* Reads are plain file reads from here on. */
	if (fcntl(fd, F_SETFL, 0) < 0) {
		r = -errno;
		close(fd);
		return err_host(r, "%s %s: %s", f->what, path, strerror(-r));
	}
	f->fd = fd;
	f->size = (u64)st.st_size;
	return 0;
}

void input_file_close(struct input_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int input_file_size(const struct input_file *f, u64 *size)
{
	struct stat st;

	if (fstat(f->fd, &st) < 0) {
		int r = -errno;

		return err_host(r, "%s %s: %s", f->what, f->path, strerror(-r));
	}
	*size = (u64)st.st_size;
	return 0;
}

int input_file_read_at(const struct input_file *f, u64 off, void *dst, u64 len)
{
	u64 done = 0;

	while (done < len) {
		size_t chunk = (size_t)MIN(len - done, 1ULL << 30);
		ssize_t n = pread(f->fd, (u8 *)dst + done, chunk, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			return err_host(r, "%s %s: %s", f->what, f->path, strerror(-r));
		}
		if (n == 0)
			return err_user(-EIO,
					"%s %s: the file shrank while it was read (%llu of %llu "
					"bytes at offset %llu)",
					f->what, f->path, (unsigned long long)done,
					(unsigned long long)len, (unsigned long long)off);
		done += (u64)n;
	}
	return 0;
}
