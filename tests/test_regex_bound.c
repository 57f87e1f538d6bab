// SPDX-License-Identifier: MIT
/*
 * test_regex_bound.c - --expect patterns that glibc's regcomp would blow up
 * on are refused before it runs; ordinary ones pass, and each that passes
 * really compiles small (its maximum RSS growth is measured).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <regex.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/base/regex_bound.h"
#include "vmm/base/util.h"

static char why[160];

static int check(const char *p)
{
	return regex_bound_check(p, why, sizeof(why));
}

/* The peak RSS in KiB of a child that compiles p. */
static long compile_kib(const char *p)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		regex_t re;

		if (regcomp(&re, p, REG_EXTENDED | REG_NOSUB) == 0)
			regfree(&re);
		_exit(0);
	}
	assert_int_equal(wait4(pid, &status, 0, &ru), pid);
	assert_true(WIFEXITED(status));
	return ru.ru_maxrss;
}

static void test_ordinary_patterns_pass(void **state UNUSED)
{
	static const char *const ok[] = {
	    "login:",
	    "TINYVMM-GUEST-READY",
	    "^guest: [0-9]+ replies$",
	    "(a|b)*c+d?",
	    "x{0,1000}",
	    "(a{1,30}){1,30}",
	    "[]a-z+*{]+", /* quantifier characters inside a bracket are members */
	    "[[:digit:]]{2}:[[:digit:]]{2}",
	    "a\\++", /* an escaped '+' is an atom */
	    "a{,",   /* not a bound: literal */
	    "(((((x)))))",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		if (check(ok[i]) != 0)
			fail_msg("\"%s\" refused: %s", ok[i], why);
		/* and it really compiles small */
		assert_true(compile_kib(ok[i]) < 64 * 1024);
	}
}

static void test_stacked_quantifiers_refused(void **state UNUSED)
{
	static const char *const bad[] = {
	    "logi++++++++++++++++++++++n:", "a**", "a+?", "a*{2}", "a{2}{3}", "(ab)+*", "x?+",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(check(bad[i]), -E2BIG);
		assert_non_null(strstr(why, "stacks a quantifier on a quantified atom"));
	}
	assert_int_equal(check("logi++n:"), -E2BIG);
	assert_string_equal(why, "\"+\" stacks a quantifier on a quantified atom; give each atom "
				 "one (\"a+\", not \"a++\")");
}

/* Back-references match by backtracking: "(y*)*\\1x" on a long line of y
 * ran for ever, growing by 70 MB/s. "\\." and "\\0"-free escapes pass. */
static void test_back_references_refused(void **state UNUSED)
{
	static const char *const bad[] = {"(y*)*\\1x", "(a)\\9", "x\\1", "\\\\\\2"};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(check(bad[i]), -E2BIG);
		assert_non_null(strstr(why, "is a back-reference"));
	}
	assert_int_equal(check("(y*)*\\1x"), -E2BIG);
	assert_string_equal(why, "\"\\1\" is a back-reference, whose match can take exponential "
				 "time; --expect takes none");
	assert_int_equal(check("a\\.b\\\\1"), 0); /* an escaped backslash, then "1" */
	assert_int_equal(check("v1\\.0 [0-9]"), 0);
}

static void test_expansion_refused(void **state UNUSED)
{
	assert_int_equal(check("((a{1,32}){1,32}){1,8}"), -E2BIG);
	assert_non_null(strstr(why, "expand it to over 1000 atoms"));
	assert_int_equal(check("x{0,1000}y{0,1000}"), -E2BIG);
	assert_int_equal(check("(abcdefghij){200}"), -E2BIG);
	/* Each "+" on a group doubles it: 2^9 copies pass (and compile small),
	 * 2^11 do not (glibc: 4 MiB, and 46 MiB at 2^15). */
	assert_int_equal(check("((((((((a+)+)+)+)+)+)+)+)+"), 0);
	assert_true(compile_kib("((((((((a+)+)+)+)+)+)+)+)+") < 64 * 1024);
	assert_int_equal(check("(((((((((((a+)+)+)+)+)+)+)+)+)+)+)+"), -E2BIG);
	assert_int_equal(check("a{99999999999999999999}"), -E2BIG); /* saturates */
	/* "{,n}" is "{0,n}" to glibc: counted, and stacked */
	assert_int_equal(check("(((a{,20}){,20}){,20}){,5}"), -E2BIG);
	assert_int_equal(check("a*{,3}"), -E2BIG);
	assert_int_equal(check("a{,3}"), 0);
}

static void test_length_and_depth(void **state UNUSED)
{
	char p[REGEX_MAX_LEN + 2];

	memset(p, 'a', REGEX_MAX_LEN);
	p[REGEX_MAX_LEN] = '\0';
	assert_int_equal(check(p), 0);
	p[REGEX_MAX_LEN] = 'a';
	p[REGEX_MAX_LEN + 1] = '\0';
	assert_int_equal(check(p), -E2BIG);
	assert_string_equal(why, "257 bytes long; keep it to 256");
	memset(p, '(', 100);
	p[100] = '\0';
	assert_int_equal(check(p), -E2BIG);
	assert_string_equal(why, "groups nest deeper than 64");
	/* Unbalanced or odd syntax is regcomp's to reject, not a crash here. */
	assert_int_equal(check(")))"), 0);
	assert_int_equal(check("[abc"), 0);
	assert_int_equal(check("\\"), 0);
	assert_int_equal(check("+*"), 0);
	assert_int_equal(check("(|+)"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ordinary_patterns_pass),
	    cmocka_unit_test(test_stacked_quantifiers_refused),
	    cmocka_unit_test(test_back_references_refused),
	    cmocka_unit_test(test_expansion_refused),
	    cmocka_unit_test(test_length_and_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
