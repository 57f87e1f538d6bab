// SPDX-License-Identifier: MIT
/* test_events.c - JSON escaping, event line format and the --events writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/base/err.h"
#include "vmm/core/events.h"

static void test_escape(void **state)
{
	char out[64];
	size_t n;

	(void)state;
	n = events_json_escape(out, sizeof(out), "a\"b\\c", 5);
	assert_string_equal(out, "a\\\"b\\\\c");
	assert_int_equal(n, 7);
	events_json_escape(out, sizeof(out), "\n\r\t\b\f", 5);
	assert_string_equal(out, "\\n\\r\\t\\b\\f");
	events_json_escape(out, sizeof(out), "\x01\x1f\x7f", 3);
	assert_string_equal(out, "\\u0001\\u001f\\u007f");
	/* A NUL inside the given length is escaped too. */
	events_json_escape(out, sizeof(out), "x\0y", 3);
	assert_string_equal(out, "x\\u0000y");
	/* UTF-8 passes through untouched. */
	events_json_escape(out, sizeof(out), "h\xc3\xa9 \xe2\x9c\x93", 7);
	assert_string_equal(out, "h\xc3\xa9 \xe2\x9c\x93");
}

static void test_escape_truncates_whole_escapes(void **state)
{
	char out[8];

	(void)state;
	/* "ab" + \u0001 would need 2 + 6 + NUL = 9 bytes: the escape is left out. */
	assert_int_equal(events_json_escape(out, sizeof(out), "ab\x01", 3), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(events_json_escape(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
	assert_int_equal(events_json_escape(out, 4, "a\"b", 3), 3);
	assert_string_equal(out, "a\\\"");
}

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
	char path[] = "/tmp/test_events.XXXXXX", spec[64], buf[512];
	struct timespec t0;
	struct events *ev;
	FILE *f;
	size_t n;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(events_open(&ev, path, &t0), 0);
	events_emit(ev, "vmm-start", NULL);
	events_emit(ev, "vmm-exit", "\"code\": %d, \"reason\": \"%s\"", 67, "timeout");
	events_close(ev);
	events_emit(NULL, "ignored", NULL);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"event\": \"vmm-start\"}\n{\"ts\": "));
	assert_non_null(strstr(buf, "\"event\": \"vmm-exit\", \"code\": 67, \"reason\": \"timeout\"}\n"));
	assert_int_equal(strncmp(buf, "{\"ts\": 0.0", 10), 0);
	/* fd:N writes to N and leaves it open. */
	snprintf(spec, sizeof(spec), "fd:%d", fd);
	assert_int_equal(events_open(&ev, spec, &t0), 0);
	events_emit(ev, "x", NULL);
	events_close(ev);
	assert_true(lseek(fd, 0, SEEK_CUR) > 0);
	close(fd);
	unlink(path);
	/* Failure paths. */
	assert_int_equal(events_open(&ev, "fd:bad", &t0), err_mark_user(-EINVAL));
	assert_int_equal(events_open(&ev, "fd:99999", &t0), err_mark_user(-EINVAL));
	assert_int_equal(events_open(&ev, "/nonexistent/dir/events", &t0), err_mark_user(-ENOENT));
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
	assert_int_equal(events_open(&ev, NULL, &t0), 0);
	events_emit(ev, "before-hook", NULL);
	events_set_hook(ev, hook, &h);
	events_emit(ev, "guest-exit", "\"code\": %d", 3);
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
	assert_int_equal(events_open(&ev, path, &t0), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_escape_truncates_whole_escapes),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_writer),
	    cmocka_unit_test(test_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
