// SPDX-License-Identifier: MIT
/*
 * test_jail_root.c - the sandboxed VM process's view of the file system
 * (vmm/cmd/jail_root.h), in a forked child: after jail_root_unshare() and
 * jail_root_enter() its root holds only a read-only /sys, no /proc, no host
 * file, no directory fd it had before; the host's mounts (and /tmp) are as
 * they were. Where the host's root is not an initramfs, the namespace
 * itself, entered from outside (setns), holds no host mount either: its
 * root is the jail's (pivot_root, the host's root detached). Needs root
 * (mount namespaces): skipped, and said so, without.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/base/util.h"
#include "vmm/cmd/jail_root.h"

/* What the child found, one exit status per failed check (0: all held). */
enum {
	OK,
	NO_UNSHARE = 10, /* not permitted here: the test is skipped */
	ENTER_FAILED,
	ROOT_NOT_ONLY_SYS,
	HOST_FILE_SEEN,
	PROC_SEEN,
	SYS_MISSING,
	ROOT_WRITABLE,
	SYS_WRITABLE,
	DIR_FD_KEPT,
	FILE_FD_LOST,
};

/* Only "sys" in the directory open as d (closed here). */
static bool only_sys(DIR *d)
{
	struct dirent *e;
	int n = 0;
	bool ok = true;

	if (!d)
		return false;
	while (ok && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    (strcmp(e->d_name, "sys") || n++))
			ok = false;
	closedir(d);
	return ok && n == 1;
}

static int checks(int dir_fd, int file_fd)
{
	int r = jail_root_unshare();

	if (r < 0)
		return r == -EPERM ? NO_UNSHARE : ENTER_FAILED;
	if (jail_root_enter() < 0)
		return ENTER_FAILED;
	if (!only_sys(opendir("/")))
		return ROOT_NOT_ONLY_SYS;
	if (access("/etc", F_OK) == 0 || access("/tmp", F_OK) == 0)
		return HOST_FILE_SEEN;
	if (access("/proc/self", F_OK) == 0)
		return PROC_SEEN;
	if (access("/sys/bus", F_OK) < 0)
		return SYS_MISSING;
	if (mkdir("/x", 0700) == 0 || errno != EROFS)
		return ROOT_WRITABLE;
	if (mkdir("/sys/x", 0700) == 0 || errno != EROFS)
		return SYS_WRITABLE;
	if (fcntl(dir_fd, F_GETFD) >= 0)
		return DIR_FD_KEPT;
	if (fcntl(file_fd, F_GETFD) < 0)
		return FILE_FD_LOST;
	return OK;
}

/* The child: its checks' status on report, then it stays (its namespace
 * with it) until release reads end of file. */
static int child(int dir_fd, int file_fd, int report, int release)
{
	char c = (char)checks(dir_fd, file_fd);

	if (write(report, &c, 1) != 1)
		return 1;
	while (read(release, &c, 1) > 0)
		;
	return 0;
}

/* The host's root is an initramfs (rootfs): it cannot be pivoted. */
static bool host_root_is_rootfs(void)
{
	char line[512];
	bool rootfs = false;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE ..." */
		char *sep = strstr(line, " - ");
		char at[8];

		if (sep && sscanf(line, "%*u %*u %*u:%*u %*s %7s", at) == 1 && !strcmp(at, "/") &&
		    !strncmp(sep + 3, "rootfs ", 7))
			rootfs = true;
	}
	fclose(f);
	return rootfs;
}

/*
 * Enter the child's mount namespace from outside, as setns() does: its root
 * becomes the namespace's own. After pivot_root that is the jail's root, with
 * only sys in it; a chroot alone would leave the host's root (and /etc) there.
 */
static int ns_root_status(pid_t pid)
{
	char path[64];
	int fd, status;
	pid_t helper;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	helper = fork();
	assert_true(helper >= 0);
	if (helper == 0) {
		if (setns(fd, CLONE_NEWNS) < 0)
			_exit(2);
		_exit(access("/etc", F_OK) < 0 && only_sys(opendir("/")) ? 0 : 1);
	}
	close(fd);
	assert_int_equal(waitpid(helper, &status, 0), helper);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_empty_root(void **state UNUSED)
{
	char marker[] = "/tmp/test_jail_root.XXXXXX";
	int dir_fd, file_fd, status, report[2], release[2];
	char mounts[65536], c;
	ssize_t n;
	pid_t pid;

	if (geteuid() != 0)
		skip(); /* counted as skipped: mount namespaces need root */
	file_fd = mkstemp(marker);
	assert_true(file_fd >= 0);
	dir_fd = open("/", O_RDONLY | O_DIRECTORY);
	assert_true(dir_fd >= 0);
	assert_int_equal(pipe(report), 0);
	assert_int_equal(pipe(release), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(report[0]);
		close(release[1]);
		_exit(child(dir_fd, file_fd, report[1], release[0]));
	}
	close(report[1]);
	close(release[0]);
	close(dir_fd);
	close(file_fd);
	assert_int_equal(read(report[0], &c, 1), 1);
	close(report[0]);
	if (c == OK && !host_root_is_rootfs())
		assert_int_equal(ns_root_status(pid), 0);
	else if (c == OK)
		print_message("host root is an initramfs: the namespace check does not apply\n");
	close(release[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	if (c == NO_UNSHARE) {
		unlink(marker);
		skip(); /* a container without CAP_SYS_ADMIN */
	}
	assert_int_equal(c, OK);
	/* The host's side: /tmp as it was, no tmpfs of the child's in its mounts. */
	assert_int_equal(access(marker, F_OK), 0);
	unlink(marker);
	file_fd = open("/proc/self/mountinfo", O_RDONLY);
	assert_true(file_fd >= 0);
	n = read(file_fd, mounts, sizeof(mounts) - 1);
	close(file_fd);
	assert_true(n > 0);
	mounts[n] = '\0';
	assert_null(strstr(mounts, "tinyvmm-root"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
