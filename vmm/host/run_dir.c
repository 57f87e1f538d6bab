// SPDX-License-Identifier: MIT
/* run_dir.c - the private run directory and its files; see run_dir.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/host/run_dir.h"

#define NAME_MAX_LEN 240

/* A file or directory of ours that no one else can write. */
static int owned(const struct stat *st, char *why, size_t why_len)
{
	if (st->st_uid != geteuid()) {
		snprintf(why, why_len, "owned by uid %u, not by this user (uid %u)",
			 (unsigned int)st->st_uid, (unsigned int)geteuid());
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, why_len, "writable by %s (mode %04o)",
			 st->st_mode & S_IWOTH ? "every user" : "its group",
			 (unsigned int)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int run_dir_open(const char *path, bool create, char *why, size_t why_len)
{
	struct stat st;
	int fd, r;

	why[0] = '\0';
	if (create && mkdir(path, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(why, why_len, "cannot make it: %s", strerror(-r));
		return r;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(why, why_len, "a symbolic link, not a directory");
			return -ELOOP;
		}
		snprintf(why, why_len, "%s", strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(why, why_len, "%s", strerror(-r));
		close(fd);
		return r;
	}
	r = owned(&st, why, why_len);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* fd's file must be a regular file of ours, writable by no one else. */
static int check_file(int fd)
{
	char why[RUN_DIR_WHY_SZ];
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EPERM;
	return owned(&st, why, sizeof(why));
}

/* Open name under dir, never through a link; checked like check_file(). */
static int open_checked(int dir, const char *name, int flags)
{
	int fd = openat(dir, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	int r;

	if (fd < 0)
		return -errno;
	r = check_file(fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int run_dir_open_rw(int dir, const char *name)
{
	return open_checked(dir, name, O_RDWR | O_CREAT);
}

ssize_t run_dir_read(int dir, const char *name, char *buf, size_t cap)
{
	ssize_t n, total = 0;
	int fd = open_checked(dir, name, O_RDONLY);

	if (fd < 0)
		return fd;
	while ((size_t)total < cap) {
		n = read(fd, buf + total, cap - (size_t)total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			total = -errno;
			break;
		}
		if (n == 0)
			break;
		total += n;
	}
	if (total >= 0 && (size_t)total == cap)
		total = -EFBIG;
	close(fd);
	return total;
}

int run_dir_write(int dir, const char *name, const void *buf, size_t len)
{
	char tmp[NAME_MAX_LEN + 8];
	int fd, r = 0;

	if (strlen(name) > NAME_MAX_LEN)
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		/* a leftover of a crash mid-write (or a planted name): remove, retry */
		if (unlinkat(dir, tmp, 0) < 0 && errno != ENOENT)
			return -errno;
		fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	close(fd);
	if (!r && renameat(dir, tmp, dir, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dir, tmp, 0);
	return r;
}

int run_dir_remove(int dir, const char *name)
{
	return unlinkat(dir, name, 0) < 0 && errno != ENOENT ? -errno : 0;
}

int run_dir_name(char *out, size_t len, const char *bdf, const char *ext)
{
	int n = snprintf(out, len, "%s.%s", bdf, ext);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool run_dir_is(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e + 1 && name[n - e - 1] == '.' && strcmp(name + n - e, ext) == 0;
}
