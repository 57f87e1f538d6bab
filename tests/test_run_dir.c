// SPDX-License-Identifier: MIT
/*
 * test_run_dir.c - the run directory is trusted only when it is ours and
 * private, and its files are never reached through a link (run_dir.h).
 * Runs as root in CI, so files of another uid are made with chown; as
 * another user those cases are skipped with a message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/util.h"
#include "vmm/host/run_dir.h"

static char top[64], dir[96], victim[96];
static char why[RUN_DIR_WHY_SZ];

static int setup(void **state UNUSED)
{
	snprintf(top, sizeof(top), "/tmp/test_run_dir.XXXXXX");
	assert_non_null(mkdtemp(top));
	snprintf(dir, sizeof(dir), "%s/run", top);
	snprintf(victim, sizeof(victim), "%s/victim", top);
	return 0;
}

static int teardown(void **state UNUSED)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static const char *get(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void in_dir(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void test_open_makes_private_dir(void **state UNUSED)
{
	struct stat st;
	int fd;

	assert_int_equal(run_dir_open(dir, false, why, sizeof(why)), -ENOENT);
	fd = run_dir_open(dir, true, why, sizeof(why));
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* An existing private directory of ours is fine, 0755 too. */
	assert_int_equal(chmod(dir, 0755), 0);
	fd = run_dir_open(dir, true, why, sizeof(why));
	assert_true(fd >= 0);
	close(fd);
}

static void test_open_refuses_unsafe_dir(void **state UNUSED)
{
	char real[128];

	/* Writable by every user (a world-writable TINYVMM_RUN_DIR). */
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(run_dir_open(dir, true, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "writable by every user (mode 0777)");
	assert_int_equal(chmod(dir, 0770), 0);
	assert_int_equal(run_dir_open(dir, true, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "writable by its group (mode 0770)");
	/* Sticky /tmp-like modes are still shared. */
	assert_int_equal(chmod(dir, 01777), 0);
	assert_int_equal(run_dir_open(dir, true, why, sizeof(why)), -EPERM);
	assert_int_equal(chmod(dir, 0700), 0);
	/* A link to a private directory: the link itself could be swapped. */
	snprintf(real, sizeof(real), "%s/real", top);
	assert_int_equal(rename(dir, real), 0);
	assert_int_equal(symlink(real, dir), 0);
	assert_int_equal(run_dir_open(dir, true, why, sizeof(why)), -ELOOP);
	assert_string_equal(why, "a symbolic link, not a directory");
	/* A plain file. */
	assert_int_equal(unlink(dir), 0);
	put(dir, "x", 0600);
	assert_int_equal(run_dir_open(dir, true, why, sizeof(why)), -ENOTDIR);
	assert_int_equal(unlink(dir), 0);
	/* Owned by another user. */
	if (geteuid() != 0) {
		print_message("    (not root: the other-owner case needs chown; skipped)\n");
		return;
	}
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chown(dir, 1000, 1000), 0);
	assert_int_equal(run_dir_open(dir, true, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "owned by uid 1000, not by this user (uid 0)");
}

static void test_open_rw_never_follows(void **state UNUSED)
{
	char path[160];
	int d, fd;

	d = run_dir_open(dir, true, why, sizeof(why));
	assert_true(d >= 0);
	/* A planted link to a file elsewhere: refused, and the target untouched. */
	put(victim, "precious", 0644);
	in_dir(path, sizeof(path), "0000:01:10.0.lock");
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(run_dir_open_rw(d, "0000:01:10.0.lock"), -ELOOP);
	assert_string_equal(get(victim), "precious");
	/* A FIFO would block an open: refused without blocking. */
	in_dir(path, sizeof(path), "fifo.lock");
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(run_dir_open_rw(d, "fifo.lock"), -EPERM);
	/* A new file is made 0600; an existing one of ours is opened. */
	fd = run_dir_open_rw(d, "new.lock");
	assert_true(fd >= 0);
	close(fd);
	in_dir(path, sizeof(path), "new.lock");
	{
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
	}
	fd = run_dir_open_rw(d, "new.lock");
	assert_true(fd >= 0);
	close(fd);
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 1000, 1000), 0);
		assert_int_equal(run_dir_open_rw(d, "new.lock"), -EPERM);
	}
	close(d);
}

static void test_read_trusts_only_own_files(void **state UNUSED)
{
	char path[160], buf[16];
	int d;

	d = run_dir_open(dir, true, why, sizeof(why));
	assert_true(d >= 0);
	assert_int_equal(run_dir_read(d, "none.record", buf, sizeof(buf)), -ENOENT);
	in_dir(path, sizeof(path), "a.record");
	put(path, "bdf=x\n", 0600);
	assert_int_equal(run_dir_read(d, "a.record", buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "bdf=x\n", 6);
	/* Writable by others: anyone could have put it there. */
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(run_dir_read(d, "a.record", buf, sizeof(buf)), -EPERM);
	assert_int_equal(chmod(path, 0600), 0);
	/* Too big for the buffer: not cut short silently. */
	put(path, "0123456789abcdefXYZ", 0600);
	assert_int_equal(run_dir_read(d, "a.record", buf, sizeof(buf)), -EFBIG);
	/* A link. */
	put(victim, "bdf=y\n", 0600);
	in_dir(path, sizeof(path), "b.record");
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(run_dir_read(d, "b.record", buf, sizeof(buf)), -ELOOP);
	if (geteuid() == 0) {
		in_dir(path, sizeof(path), "c.record");
		put(path, "bdf=z\n", 0600);
		assert_int_equal(chown(path, 1000, 1000), 0);
		assert_int_equal(run_dir_read(d, "c.record", buf, sizeof(buf)), -EPERM);
	}
	close(d);
}

static void test_write_is_atomic_and_never_follows(void **state UNUSED)
{
	char path[160], buf[32];
	int d;

	d = run_dir_open(dir, true, why, sizeof(why));
	assert_true(d >= 0);
	/* A link planted at the temporary name is removed, not written through. */
	put(victim, "precious", 0644);
	in_dir(path, sizeof(path), "r.record.tmp");
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(run_dir_write(d, "r.record", "one\n", 4), 0);
	assert_string_equal(get(victim), "precious");
	assert_int_equal(access(path, F_OK), -1); /* no .tmp left */
	assert_int_equal(run_dir_read(d, "r.record", buf, sizeof(buf)), 4);
	/* Replaced whole. */
	assert_int_equal(run_dir_write(d, "r.record", "two!!\n", 6), 0);
	assert_int_equal(run_dir_read(d, "r.record", buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "two!!\n", 6);
	assert_int_equal(run_dir_remove(d, "r.record"), 0);
	assert_int_equal(run_dir_remove(d, "r.record"), 0); /* absent: fine */
	assert_int_equal(run_dir_read(d, "r.record", buf, sizeof(buf)), -ENOENT);
	close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_makes_private_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_refuses_unsafe_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_rw_never_follows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_trusts_only_own_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_is_atomic_and_never_follows, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
