// SPDX-License-Identifier: MIT
/* test_events.c - the event line format and the --events writer (escaping: test_json_write.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "include/tinyvmm.h"
#include "vmm/base/err.h"
#include "vmm/base/out_file.h"
#include "vmm/core/events.h"
#include "vmm/base/util.h"

static void test_format(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(events_format(buf, sizeof(buf), 1.5, "vmm-start", NULL),
			 (int)strlen("{\"ts\": 1.500000, \"event\": \"vmm-start\"}\n"));
	assert_string_equal(buf, "{\"ts\": 1.500000, \"event\": \"vmm-start\"}\n");
	events_format(buf, sizeof(buf), 0.000001, "guest-exit", "\"code\": 3");
	assert_string_equal(buf, "{\"ts\": 0.000001, \"event\": \"guest-exit\", \"code\": 3}\n");
	events_format(buf, sizeof(buf), 0, "a\"b", "");
	assert_string_equal(buf, "{\"ts\": 0.000000, \"event\": \"a\\\"b\"}\n");
	assert_int_equal(events_format(buf, 20, 0, "vmm-start", NULL), -ENOSPC);
}

static void test_writer(void **state)
{
	char path[] = "/tmp/test_events.XXXXXX", spec[64], buf[512], members[64];
	struct json_writer m;
	struct timespec t0;
	struct events *ev;
	FILE *f;
	size_t n;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(events_open(&ev, path, &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT), 0);
	events_emit(ev, "vmm-start", NULL);
	json_write_init_members(&m, members, sizeof(members));
	json_write_kv_int(&m, "code", 67);
	json_write_kv_str(&m, "reason", "time\"out");
	events_emit_members(ev, "vmm-exit", &m);
	events_emit(ev, "guest-exit", "\"code\": 3");
	/* members that overflowed their buffer, or left a key dangling: dropped */
	json_write_init_members(&m, members, 8);
	json_write_kv_str(&m, "reason", "too long");
	events_emit_members(ev, "dropped", &m);
	json_write_init_members(&m, members, sizeof(members));
	json_write_key(&m, "code");
	events_emit_members(ev, "dropped", &m);
	events_close(ev);
	events_emit(NULL, "ignored", NULL);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"event\": \"vmm-start\"}\n{\"ts\": "));
	assert_non_null(
	    strstr(buf, "\"event\": \"vmm-exit\", \"code\": 67, \"reason\": \"time\\\"out\"}\n{"));
	assert_non_null(strstr(buf, "\"event\": \"guest-exit\", \"code\": 3}\n"));
	assert_null(strstr(buf, "dropped"));
	assert_int_equal(strncmp(buf, "{\"ts\": 0.0", 10), 0);
	/* fd:N writes to N and leaves it open. */
	snprintf(spec, sizeof(spec), "fd:%d", fd);
	assert_int_equal(events_open(&ev, spec, &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT), 0);
	events_emit(ev, "x", NULL);
	events_close(ev);
	assert_true(lseek(fd, 0, SEEK_CUR) > 0);
	close(fd);
	unlink(path);
	/* Failure paths. */
	assert_int_equal(events_open(&ev, "fd:bad", &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT),
			 err_mark_user(-EINVAL));
	assert_int_equal(events_open(&ev, "fd:99999", &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT),
			 err_mark_user(-EINVAL));
	assert_int_equal(
	    events_open(&ev, "/nonexistent/dir/events", &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT),
	    err_mark_user(-ENOENT));
}

/*
 * A FIFO with no reader fails at once, named as such (it blocked the open
 * for good); with a reader the events go through it, the fd blocking.
 */
static void test_fifo(void **state UNUSED)
{
	struct timespec t0 = {0, 0};
	struct events *ev;
	char path[] = "/tmp/test_events_fifoXXXXXX", fifo[64], line[256];
	int rfd;
	ssize_t n;

	assert_non_null(mkdtemp(path));
	snprintf(fifo, sizeof(fifo), "%s/f", path);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(events_open(&ev, fifo, &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT),
			 err_mark_user(-ENXIO));
	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	assert_int_equal(events_open(&ev, fifo, &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT), 0);
	events_emit(ev, "x", NULL);
	events_close(ev);
	n = read(rfd, line, sizeof(line) - 1);
	assert_true(n > 0);
	line[n] = '\0';
	assert_non_null(strstr(line, "\"event\": \"x\""));
	close(rfd);
	unlink(fifo);
	rmdir(path);
}

/*
 * A device that takes no writes fails at open, not at the first event:
 * /dev/full on every host, /dev/kvm where there is one, each a user error
 * named as such (/dev/full's ENOSPC is no full disk). /dev/null takes them.
 */
static void test_device_takes_no_writes(void **state UNUSED)
{
	struct timespec t0 = {0, 0};
	struct events *ev;

	assert_int_equal(events_open(&ev, "/dev/full", &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT),
			 err_mark_user(-EINVAL));
	assert_string_equal(out_file_why("/dev/full", EINVAL),
			    "a device that takes no writes (give a file, a FIFO or a terminal)");
	if (access("/dev/kvm", W_OK) != 0) {
		print_message("[ SKIPPED ] /dev/kvm as the events file: no /dev/kvm here\n");
	} else {
		assert_int_equal(events_open(&ev, "/dev/kvm", &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT),
				 err_mark_user(-EINVAL));
		assert_string_equal(
		    out_file_why("/dev/kvm", EINVAL),
		    "a device that takes no writes (give a file, a FIFO or a terminal)");
	}
	assert_int_equal(events_open(&ev, "/dev/null", &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT), 0);
	events_close(ev);
}

/* The hook: every line, without its newline, with a file or without one. */
struct hooked {
	int n;
	char names[4][32];
	char lines[4][128];
};

static void hook(void *opaque, const char *name, const char *line)
{
	struct hooked *h = opaque;

	if (h->n < 4) {
		snprintf(h->names[h->n], sizeof(h->names[0]), "%s", name);
		snprintf(h->lines[h->n], sizeof(h->lines[0]), "%s", line);
	}
	h->n++;
}

static void test_hook(void **state)
{
	char path[] = "/tmp/test_events.XXXXXX", buf[512];
	struct hooked h = {0};
	struct timespec t0;
	struct events *ev;
	ssize_t n;
	int fd;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* No file: the hook alone. */
	assert_int_equal(events_open(&ev, NULL, &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT), 0);
	events_emit(ev, "before-hook", NULL);
	events_set_hook(ev, hook, &h);
	events_emit(ev, "guest-exit", "\"code\": 3");
	events_set_hook(ev, NULL, NULL);
	events_emit(ev, "after-hook", NULL);
	events_close(ev);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.names[0], "guest-exit");
	assert_int_equal(strncmp(h.lines[0], "{\"ts\": 0.0", 10), 0);
	assert_non_null(strstr(h.lines[0], "\"event\": \"guest-exit\", \"code\": 3}"));
	assert_null(strchr(h.lines[0], '\n'));
	/* With a file: the same line in both. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(events_open(&ev, path, &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT), 0);
	events_set_hook(ev, hook, &h);
	events_emit(ev, "vmm-start", NULL);
	events_close(ev);
	assert_int_equal(h.n, 2);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_int_equal(buf[n - 1], '\n');
	buf[n - 1] = '\0';
	assert_string_equal(buf, h.lines[1]);
	close(fd);
	unlink(path);
}

static size_t long_len;

static void long_hook(void *opaque UNUSED, const char *name UNUSED, const char *line)
{
	long_len = strlen(line);
}

/* A member as long as a console line of control bytes fits; one too long is dropped. */
/* A capped file: events stop at the limit, vmm-exit still lands; mode 0600. */
static void test_limit(void **state UNUSED)
{
	char p[] = "/tmp/tinyvmm-events-XXXXXX", text[4096], *last;
	struct timespec t0;
	struct events *ev;
	struct stat st;
	ssize_t n;
	int fd = mkstemp(p);

	assert_true(fd >= 0);
	close(fd);
	unlink(p);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(events_open(&ev, p, &t0, 200), 0);
	for (int i = 0; i < 50; i++)
		events_emit(ev, "guest-reboot", NULL);
	events_emit_int(ev, "vmm-exit", "code", 0);
	events_close(ev);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	unlink(p);
	assert_true(n > 0);
	text[n] = '\0';
	/* whole lines up to 200 bytes, then vmm-exit */
	assert_int_equal(text[n - 1], '\n');
	text[n - 1] = '\0';
	last = strrchr(text, '\n');
	assert_non_null(last);
	assert_true(last - text + 1 <= 200);
	assert_true(last - text + 1 > 100);
	assert_string_equal(strstr(last, "\"event\""), "\"event\": \"vmm-exit\", \"code\": 0}");
	text[n - 1] = '\n';
	assert_int_equal(text[n - 1], '\n');
}

static void test_long_members(void **state UNUSED)
{
	static char text[EVENTS_LINE_MAX], members[EVENTS_LINE_MAX + 64];
	struct json_writer m;
	struct timespec t0;
	struct events *ev;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(events_open(&ev, NULL, &t0, TINYVMM_DEFAULT_OUTPUT_LIMIT), 0);
	events_set_hook(ev, long_hook, NULL);
	memset(text, 0x1b, 4095);
	json_write_init_members(&m, members, sizeof(members));
	json_write_kv_str(&m, "line", text);
	events_emit_members(ev, "expect-matched", &m);
	assert_true(long_len > 6 * 4095);
	long_len = 0;
	memset(text, 'x', sizeof(text) - 1);
	json_write_init_members(&m, members, sizeof(members));
	json_write_kv_str(&m, "line", text);
	assert_true(json_write_finish(&m) > 0);
	events_emit_members(ev, "too-long", &m);
	assert_int_equal(long_len, 0);
	events_close(ev);
}

static void test_spec_fd(void **state UNUSED)
{
	assert_int_equal(events_spec_fd("fd:3"), 3);
	assert_int_equal(events_spec_fd("fd:0"), 0);
	assert_int_equal(events_spec_fd("fd:2147483647"), 2147483647);
	assert_int_equal(events_spec_fd("fd:2147483648"), -EINVAL);
	assert_int_equal(events_spec_fd("fd:"), -EINVAL);
	assert_int_equal(events_spec_fd("fd:-1"), -EINVAL);
	assert_int_equal(events_spec_fd("fd: 3"), -EINVAL);
	assert_int_equal(events_spec_fd("fd:3x"), -EINVAL);
	assert_int_equal(events_spec_fd("/tmp/ev.jsonl"), -ENOENT);
	assert_int_equal(events_spec_fd("fd3"), -ENOENT);
}

static void test_tail_is(void **state UNUSED)
{
	char line[128];
	char tail[512];
	int n;

	n = events_format(line, sizeof(line), 2.0, "vmm-exit", "\"code\": 0");
	assert_true(n > 0);
	assert_true(events_tail_is(line, (size_t)n, "vmm-exit"));
	assert_false(events_tail_is(line, (size_t)n, "vmm-start"));
	assert_false(events_tail_is(line, (size_t)n - 1, "vmm-exit")); /* cut short */
	assert_false(events_tail_is(line, (size_t)n, "vmm-exi"));
	/* only the last line counts */
	snprintf(tail, sizeof(tail), "%s{\"ts\": 3.000000, \"event\": \"vf-detached\"}\n", line);
	assert_false(events_tail_is(tail, strlen(tail), "vmm-exit"));
	assert_true(events_tail_is(tail, strlen(tail), "vf-detached"));
	/* a tail that starts mid-line still finds the last line */
	snprintf(tail, sizeof(tail), "ason\": \"x\"}\n%s", line);
	assert_true(events_tail_is(tail, strlen(tail), "vmm-exit"));
	/* the event name, not a member that holds it */
	snprintf(tail, sizeof(tail),
		 "{\"ts\": 1.0, \"event\": \"x\", \"r\": \"\\\"event\\\": \\\"vmm-exit\\\"\"}\n");
	assert_false(events_tail_is(tail, strlen(tail), "vmm-exit"));
	assert_false(events_tail_is("\n", 1, "vmm-exit"));
	assert_false(events_tail_is("", 0, "vmm-exit"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format),	 cmocka_unit_test(test_writer),
	    cmocka_unit_test(test_fifo),	 cmocka_unit_test(test_device_takes_no_writes),
	    cmocka_unit_test(test_hook),	 cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_long_members), cmocka_unit_test(test_spec_fd),
	    cmocka_unit_test(test_tail_is),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
