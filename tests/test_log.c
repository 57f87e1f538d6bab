// SPDX-License-Identifier: MIT
/*
 * test_log.c - log lines (vmm/base/log.c) are one line each: a control
 * character an input puts in a message (an argument, a config key, a
 * path) comes out as \xNN, so it can neither break the line nor act on a
 * terminal; tabs and UTF-8 stay as they are.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/base/util.h"

static char got[2048];

static void sink(void *opaque UNUSED, enum log_level level UNUSED, const char *msg)
{
	snprintf(got, sizeof(got), "%s", msg);
}

static void test_control_characters_escaped(void **state UNUSED)
{
	char cap[256];

	log_set_sink(sink, NULL);
	log_capture(cap, sizeof(cap));
	log_err("--vf %s: bad", "a\nb\r\x1b[2J\tc\x7f\xc2\x9b"
				"1m d\xc3\xa9");
	assert_string_equal(got, "--vf a\\x0ab\\x0d\\x1b[2J\tc\\x7f\\xc2\\x9b1m d\xc3\xa9: bad");
	assert_string_equal(cap, got); /* what the control API replies */
	log_capture(NULL, 0);
	log_set_sink(NULL, NULL);
}

/* A long message is cut, never in the middle of an escape. */
static void test_long_message(void **state UNUSED)
{
	char in[1500];

	memset(in, '\n', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	log_set_sink(sink, NULL);
	log_err("%s", in);
	log_set_sink(NULL, NULL);
	assert_true(strlen(got) > 900);
	assert_true(strlen(got) % 4 == 3); /* escapes, then "..." */
	for (size_t i = 0; got[i + 3]; i += 4)
		assert_memory_equal(got + i, "\\x0a", 4);
	assert_string_equal(got + strlen(got) - 3, "...");
}

/* A cut line says so and still ends with its newline, on stderr too. */
static void test_cut_line_ends(void **state UNUSED)
{
	char in[5000], out[2048];
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(f);
	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	assert_true(saved >= 0 && dup2(fileno(f), 2) == 2);
	log_err("kernel %s: File name too long", in);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	fclose(f);
	out[n] = '\0';
	assert_true(n > 1000 && n < 1024);
	assert_string_equal(out + n - 4, "...\n");
	assert_memory_equal(out, "tinyvmm: kernel aaaa", 20);
	/* short lines are whole */
	log_set_sink(sink, NULL);
	log_err("short %d", 1);
	log_set_sink(NULL, NULL);
	assert_string_equal(got, "short 1");
}

/*
 * A file the user named that fails: the user's fault, but the host's when
 * the host ran out (out of descriptors: exit 65, not 64). One line each.
 */
static void test_err_file(void **state UNUSED)
{
	static const int host[] = {EMFILE, ENFILE, ENOMEM, ENOBUFS, ENOSPC, EIO};
	static const int user[] = {ENOENT, EACCES, EISDIR, ENXIO, EINVAL, ELOOP};

	log_set_sink(sink, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(host); i++) {
		assert_int_equal(err_file(-host[i], "kernel %s: %s", "k", strerror(host[i])),
				 -host[i]);
		assert_false(err_is_user(-host[i]));
	}
	for (size_t i = 0; i < ARRAY_SIZE(user); i++)
		assert_int_equal(err_file(-user[i], "kernel k"), err_mark_user(-user[i]));
	/* marked already, or no errno: judged on the errno, EINVAL for none */
	assert_int_equal(err_file(err_mark_user(-EMFILE), "x"), -EMFILE);
	assert_int_equal(err_file(0, "x"), err_mark_user(-EINVAL));
	assert_string_equal(got, "x");
	log_set_sink(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_control_characters_escaped),
	    cmocka_unit_test(test_long_message),
	    cmocka_unit_test(test_cut_line_ends),
	    cmocka_unit_test(test_err_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
