// SPDX-License-Identifier: MIT
/*
 * test_jail_root.c - the sandboxed VM process's view of the file system
 * (vmm/cmd/jail_root.h), in a forked child: after jail_root_unshare() and
 * jail_root_enter() its root holds only a read-only /sys, no /proc, no host
 * file, no directory fd it had before; the host's mounts (and /tmp) are as
 * they were. Needs root (mount namespaces): skipped, and said so, without.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
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

static int child(int dir_fd, int file_fd)
{
	struct dirent *e;
	int n = 0, r = jail_root_unshare();
	DIR *d;

	if (r < 0)
		return r == -EPERM ? NO_UNSHARE : ENTER_FAILED;
	if (jail_root_enter() < 0)
		return ENTER_FAILED;
	d = opendir("/");
	if (!d)
		return ROOT_NOT_ONLY_SYS;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    (strcmp(e->d_name, "sys") || n++))
			return ROOT_NOT_ONLY_SYS;
	closedir(d);
	if (n != 1)
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

static void test_empty_root(void **state UNUSED)
{
	char marker[] = "/tmp/test_jail_root.XXXXXX";
	int dir_fd, file_fd, status;
	char mounts[65536];
	ssize_t n;
	pid_t pid;

	if (geteuid() != 0)
		skip(); /* counted as skipped: mount namespaces need root */
	file_fd = mkstemp(marker);
	assert_true(file_fd >= 0);
	dir_fd = open("/", O_RDONLY | O_DIRECTORY);
	assert_true(dir_fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child(dir_fd, file_fd));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(dir_fd);
	close(file_fd);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == NO_UNSHARE) {
		unlink(marker);
		skip(); /* a container without CAP_SYS_ADMIN */
	}
	assert_int_equal(WEXITSTATUS(status), OK);
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
