// SPDX-License-Identifier: MIT
/*
 * test_input_file.c - the kernel and initrd files: opened once, checked to
 * be regular files (a FIFO must not block the open), read in full, a file
 * that shrinks under the reader refused; each error one line, the user's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/capture.h"
#include "vmm/base/err.h"
#include "vmm/base/input_file.h"

static char dir[64], kernel[128], fifo[128], missing[128];
static char err[4096];

static int setup(void **state UNUSED)
{
	int fd;

	strcpy(dir, "/tmp/test_input_file.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(kernel, sizeof(kernel), "%s/bzImage", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	fd = open(kernel, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "kernel", 6) != 6)
		return -1;
	close(fd);
	return mkfifo(fifo, 0644);
}

static int teardown(void **state UNUSED)
{
	unlink(kernel);
	unlink(fifo);
	rmdir(dir);
	return 0;
}

/* Open path as a kernel, capturing stderr; the plain errno, checked to be the user's. */
static int open_as(struct input_file *f, const char *what, const char *path)
{
	int r;

	*f = (struct input_file)INPUT_FILE_INIT(what);
	capture_begin();
	alarm(5); /* a FIFO must not block the open */
	r = input_file_open(f, path);
	alarm(0);
	capture_end(err, sizeof(err), NULL, 0);
	if (r < 0) {
		assert_true(err_is_user(r));
		assert_int_equal(f->fd, -1);
		assert_non_null(strchr(err, '\n'));
		assert_string_equal(strchr(err, '\n') + 1, "");
	}
	return err_errno(r);
}

#define assert_err(needle)                                                                         \
	do {                                                                                       \
		if (!strstr(err, (needle)))                                                        \
			fail_msg("stderr \"%s\" does not contain \"%s\"", err, (needle));          \
	} while (0)

static void test_open(void **state UNUSED)
{
	struct input_file f;
	u8 buf[8] = {0};

	assert_int_equal(open_as(&f, "kernel", kernel), 0);
	assert_string_equal(f.path, kernel);
	assert_int_equal(f.size, 6);
	/* Open for reading, blocking reads, close-on-exec. */
	assert_int_equal(fcntl(f.fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY);
	assert_true(fcntl(f.fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(input_file_read_at(&f, 2, buf, 4), 0);
	assert_memory_equal(buf, "rnel", 4);
	input_file_close(&f);
	assert_int_equal(f.fd, -1);
	input_file_close(&f); /* twice is fine */
}

static void test_refused(void **state UNUSED)
{
	struct input_file f;
	char msg[256];

	assert_int_equal(open_as(&f, "kernel", dir), -EINVAL);
	snprintf(msg, sizeof(msg), "kernel %s: not a regular file", dir);
	assert_err(msg);
	assert_int_equal(open_as(&f, "kernel", fifo), -EINVAL);
	snprintf(msg, sizeof(msg), "kernel %s: not a regular file", fifo);
	assert_err(msg);
	assert_int_equal(open_as(&f, "kernel", "/dev/zero"), -EINVAL);
	assert_err("kernel /dev/zero: not a regular file");
	assert_int_equal(open_as(&f, "initrd", "/dev/null"), -EINVAL);
	assert_err("initrd /dev/null: not a regular file");
	assert_int_equal(open_as(&f, "kernel", missing), -ENOENT);
	snprintf(msg, sizeof(msg), "kernel %s: No such file or directory", missing);
	assert_err(msg);
	assert_int_equal(open_as(&f, "kernel", ""), -EINVAL);
	assert_err("--kernel: empty file name; give the path of the kernel");
	assert_int_equal(open_as(&f, "initrd", ""), -EINVAL);
	assert_err("--initrd: empty file name; give the path of the initrd");
}

static void test_shrunk(void **state UNUSED)
{
	struct input_file f;
	u8 buf[16];
	u64 size;
	int r;

	assert_int_equal(open_as(&f, "kernel", kernel), 0);
	assert_int_equal(input_file_size(&f, &size), 0);
	assert_int_equal(size, 6);
	assert_int_equal(truncate(kernel, 3), 0);
	r = input_file_read_at(&f, 0, buf, 6);
	assert_true(err_is_user(r));
	assert_int_equal(err_errno(r), -EIO);
	/* Reading nothing always works. */
	assert_int_equal(input_file_read_at(&f, 100, buf, 0), 0);
	input_file_close(&f);
	assert_int_equal(truncate(kernel, 6), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_shrunk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
