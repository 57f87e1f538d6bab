// SPDX-License-Identifier: MIT
/* test_parse.c - the strict number parsers of option values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/base/parse.h"

static void test_parse_size(void **state UNUSED)
{
	u64 b;

	assert_int_equal(parse_size("16", &b), 0);
	assert_int_equal(b, 16 * MiB);
	assert_int_equal(parse_size("16384k", &b), 0);
	assert_int_equal(b, 16 * MiB);
	assert_int_equal(parse_size("2g", &b), 0);
	assert_int_equal(b, 2 * GiB);
	assert_int_equal(parse_size("1E", &b), 0);
	assert_int_equal(b, 1ULL << 60);
	assert_int_equal(parse_size("15E", &b), 0);
	assert_int_equal(parse_size("16E", &b), -ERANGE);
	assert_int_equal(parse_size("1P", &b), 0);
	assert_int_equal(b, 1ULL << 50);
	assert_int_equal(parse_size("17592186044416", &b), -ERANGE); /* 2^44 MiB */
	assert_int_equal(parse_size("18446744073709551616K", &b), -ERANGE);
	assert_int_equal(parse_size("1X", &b), -EINVAL);
	assert_int_equal(parse_size("1 ", &b), -EINVAL);
	assert_int_equal(parse_size("", &b), -EINVAL);
	assert_int_equal(parse_size("-1", &b), -EINVAL);
	assert_int_equal(parse_size("1MB", &b), -EINVAL);
	assert_int_equal(parse_size("1.5G", &b), -EINVAL);
	assert_int_equal(parse_size("0K", &b), 0);
	assert_int_equal(b, 0);
}

static void test_parse_uint(void **state UNUSED)
{
	unsigned long v = 7;

	assert_int_equal(parse_uint("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_uint("255", 255, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(parse_uint("256", 255, &v), -ERANGE);
	assert_int_equal(parse_uint("99999999999999999999999", 255, &v), -ERANGE);
	assert_int_equal(parse_uint("", 10, &v), -EINVAL);
	assert_int_equal(parse_uint("+1", 10, &v), -EINVAL);
	assert_int_equal(parse_uint(" 1", 10, &v), -EINVAL);
	assert_int_equal(parse_uint("1x", 10, &v), -EINVAL);
	assert_int_equal(v, 255); /* untouched on errors */
}

static void test_parse_seconds(void **state UNUSED)
{
	static const char *const bad[] = {"",	"-1", "+1",   " 1",  "abc",   "1s",   "nan", "inf",
					  "1e", ".",  "1..2", "0x1", "0x1p3", "010x", "1e3 "};
	double v;

	assert_int_equal(parse_seconds("30", &v), 0);
	assert_true(v == 30);
	assert_int_equal(parse_seconds("0.5", &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(parse_seconds(".25", &v), 0);
	assert_true(v == 0.25);
	assert_int_equal(parse_seconds("1e3", &v), 0);
	assert_true(v == 1000);
	assert_int_equal(parse_seconds("0", &v), 0); /* the caller judges the range */
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (parse_seconds(bad[i], &v) != -EINVAL)
			fail_msg("\"%s\" parsed as seconds", bad[i]);
	assert_int_equal(parse_seconds("1e999", &v), -EINVAL); /* ERANGE from strtod */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_size),
	    cmocka_unit_test(test_parse_uint),
	    cmocka_unit_test(test_parse_seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
