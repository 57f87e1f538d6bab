// SPDX-License-Identifier: MIT
/*
 * test_json_escape.c - json_escape(), the one JSON string escaping function
 * (vmm/base/json_write.c): the short forms, every control byte (C1 too),
 * UTF-8 that passes and invalid UTF-8 that is escaped, truncation, and
 * every single byte and random byte strings read back by the strict reader,
 * json_parse().
 * The writer around it: test_json_write.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/json.h"
#include "vmm/base/json_write.h"
#include "vmm/base/util.h"

static void test_escape(void **state UNUSED)
{
	char out[64];
	size_t n;

	n = json_escape(out, sizeof(out), "a\"b\\c", 5);
	assert_string_equal(out, "a\\\"b\\\\c");
	assert_int_equal(n, 7);
	json_escape(out, sizeof(out), "\n\r\t\b\f", 5);
	assert_string_equal(out, "\\n\\r\\t\\b\\f");
	json_escape(out, sizeof(out), "\x01\x1f\x7f", 3);
	assert_string_equal(out, "\\u0001\\u001f\\u007f");
	/* A NUL inside the given length is escaped too. */
	json_escape(out, sizeof(out), "x\0y", 3);
	assert_string_equal(out, "x\\u0000y");
	/* '/' and every other printable byte pass */
	json_escape(out, sizeof(out), "a/b ~{}", 7);
	assert_string_equal(out, "a/b ~{}");
}

static void test_escape_controls(void **state UNUSED)
{
	char out[16], want[16];

	for (int c = 0; c < 0x20; c++) {
		char in = (char)c;
		const char *sh = strchr("\b\f\n\r\t", c);

		json_escape(out, sizeof(out), &in, 1);
		if (c && sh)
			snprintf(want, sizeof(want), "\\%c", "bfnrt"[sh - "\b\f\n\r\t"]);
		else
			snprintf(want, sizeof(want), "\\u%04x", c);
		assert_string_equal(out, want);
	}
	json_escape(out, sizeof(out), "\x7f", 1);
	assert_string_equal(out, "\\u007f");
}

/* The C1 controls, U+0080-U+009F in UTF-8: a terminal may act on them. */
static void test_escape_c1(void **state UNUSED)
{
	char in[2] = {(char)0xc2, 0}, out[16], want[16];

	for (int c = 0x80; c < 0xa0; c++) {
		in[1] = (char)c;
		assert_int_equal(json_escape(out, sizeof(out), in, 2), 6);
		snprintf(want, sizeof(want), "\\u%04x", c);
		assert_string_equal(out, want);
	}
	json_escape(out, sizeof(out), "a\xc2\x9b[2Jb\xc2\xa0", 9);
	assert_string_equal(out, "a\\u009b[2Jb\xc2\xa0"); /* CSI escaped, U+00A0 not */
	/* the escape is whole or not at all, like the others */
	assert_int_equal(json_escape(out, 7, "a\xc2\x85", 3), 1);
	assert_string_equal(out, "a");
	/* a lone 0xc2 at the end is not a C1 control but an invalid byte */
	json_escape(out, sizeof(out), "\xc2\x85", 1);
	assert_string_equal(out, "\\u00c2");
}

static void test_escape_utf8(void **state UNUSED)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    /* valid: 2, 3 and 4 bytes, the ends of the ranges */
	    {"h\xc3\xa9 \xe2\x9c\x93", "h\xc3\xa9 \xe2\x9c\x93"},
	    {"\xc2\xa0\xdf\xbf", "\xc2\xa0\xdf\xbf"}, /* past the C1 controls */
	    {"\xe0\xa0\x80\xef\xbf\xbf", "\xe0\xa0\x80\xef\xbf\xbf"},
	    {"\xed\x9f\xbf\xee\x80\x80", "\xed\x9f\xbf\xee\x80\x80"},
	    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
	    {"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"},
	    /* invalid: each byte as its Latin-1 code point */
	    {"\x80", "\\u0080"},
	    {"a\xffz", "a\\u00ffz"},
	    {"\xc0\xaf", "\\u00c0\\u00af"},			  /* overlong '/' */
	    {"\xc1\xbf", "\\u00c1\\u00bf"},			  /* overlong */
	    {"\xe0\x9f\xbf", "\\u00e0\\u009f\\u00bf"},		  /* overlong 3-byte */
	    {"\xf0\x8f\xbf\xbf", "\\u00f0\\u008f\\u00bf\\u00bf"}, /* overlong 4-byte */
	    {"\xed\xa0\x80", "\\u00ed\\u00a0\\u0080"},		  /* surrogate D800 */
	    {"\xf4\x90\x80\x80", "\\u00f4\\u0090\\u0080\\u0080"}, /* past U+10FFFF */
	    {"\xf5\x80", "\\u00f5\\u0080"},
	    {"\xe2\x9c", "\\u00e2\\u009c"},	 /* cut at the end */
	    {"\xe2\x9cx", "\\u00e2\\u009cx"},	 /* cut before ASCII */
	    {"\xc3\xc3\xa9", "\\u00c3\xc3\xa9"}, /* a bad lead, then a good sequence */
	    {"\xe2\x9c\n", "\\u00e2\\u009c\\n"}, /* cut before a control */
	};
	char out[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_escape(out, sizeof(out), cases[i].in, strlen(cases[i].in));
		assert_string_equal(out, cases[i].want);
	}
}

static void test_escape_truncates_whole_escapes(void **state UNUSED)
{
	char out[8];

	/* "ab" + \u0001 would need 2 + 6 + NUL = 9 bytes: the escape is left out. */
	assert_int_equal(json_escape(out, sizeof(out), "ab\x01", 3), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(json_escape(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
	assert_int_equal(json_escape(out, 4, "a\"b", 3), 3);
	assert_string_equal(out, "a\\\"");
	/* a UTF-8 sequence is never cut */
	assert_int_equal(json_escape(out, 4, "ab\xe2\x9c\x93", 5), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(json_escape(out, 6, "ab\xe2\x9c\x93", 5), 5);
	/* an invalid byte's escape is never cut either */
	assert_int_equal(json_escape(out, 7, "a\xff", 2), 1);
	/* cap 0: nothing written */
	out[0] = 'x';
	assert_int_equal(json_escape(out, 0, "abc", 3), 0);
	assert_int_equal(out[0], 'x');
}

/*
 * What json_parse() must decode the escape of in[0..len) to: every
 * well-formed UTF-8 sequence (Unicode table 3-7) as is, every other byte as
 * the UTF-8 of its Latin-1 code point. Written from the table, not from the
 * writer's code.
 */
static size_t well_formed(const unsigned char *s, size_t n)
{
	static const struct {
		unsigned char lo[4], hi[4];
		size_t len;
	} t[] = {
	    {{0x00}, {0x7f}, 1},
	    {{0xc2, 0x80}, {0xdf, 0xbf}, 2},
	    {{0xe0, 0xa0, 0x80}, {0xe0, 0xbf, 0xbf}, 3},
	    {{0xe1, 0x80, 0x80}, {0xec, 0xbf, 0xbf}, 3},
	    {{0xed, 0x80, 0x80}, {0xed, 0x9f, 0xbf}, 3},
	    {{0xee, 0x80, 0x80}, {0xef, 0xbf, 0xbf}, 3},
	    {{0xf0, 0x90, 0x80, 0x80}, {0xf0, 0xbf, 0xbf, 0xbf}, 4},
	    {{0xf1, 0x80, 0x80, 0x80}, {0xf3, 0xbf, 0xbf, 0xbf}, 4},
	    {{0xf4, 0x80, 0x80, 0x80}, {0xf4, 0x8f, 0xbf, 0xbf}, 4},
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		size_t k;

		if (t[i].len > n)
			continue;
		for (k = 0; k < t[i].len; k++)
			if (s[k] < t[i].lo[k] || s[k] > t[i].hi[k])
				break;
		if (k == t[i].len)
			return k;
	}
	return 0;
}

static size_t expected_decode(const unsigned char *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		size_t k = well_formed(in + i, len - i);

		if (k) {
			memcpy(out + o, in + i, k);
			o += k;
			i += k;
		} else {
			out[o++] = (char)(0xc0 | in[i] >> 6);
			out[o++] = (char)(0x80 | (in[i] & 0x3f));
			i++;
		}
	}
	return o;
}

/* Escape in as a JSON string, parse it back, compare with expected_decode(). */
static void check_reads_back(const unsigned char *in, size_t len)
{
	static char text[6 * 256 + 3], want[2 * 256];
	struct json *v = NULL;
	char err[128];
	size_t n, wn;

	assert_true(len <= 256);
	text[0] = '"';
	n = json_escape(text + 1, sizeof(text) - 2, (const char *)in, len);
	text[n + 1] = '"';
	if (json_parse(text, n + 2, &v, err, sizeof(err)) < 0)
		fail_msg("%.*s: %s", (int)(n + 2), text, err);
	assert_int_equal(v->type, JSON_STRING);
	wn = expected_decode(in, len, want);
	assert_int_equal(v->str_len, wn);
	assert_memory_equal(v->str, want, wn);
	json_free(v);
}

static void test_escape_every_byte_reads_back(void **state UNUSED)
{
	char out[8];
	struct json *v = NULL;

	/* 0x00 is escaped as \u0000: valid JSON, but the reader rejects it by design */
	json_escape(out, sizeof(out), "", 1);
	assert_string_equal(out, "\\u0000");
	assert_int_equal(json_parse("\"\\u0000\"", 8, &v, NULL, 0), -EINVAL);
	for (int c = 1; c < 256; c++) {
		unsigned char b = (unsigned char)c;

		check_reads_back(&b, 1);
	}
}

static void test_escape_random_reads_back(void **state UNUSED)
{
	/* lead and continuation bytes often, so valid and broken sequences both occur */
	static const unsigned char pick[] = {0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2,
					     0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
					     0xff, 'a',	 '"',  '\\', '\n', 0x01, 0x7f};
	unsigned char in[256];
	unsigned int seed = 12345;

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(rand_r(&seed) % 40);

		for (size_t i = 0; i < len; i++) {
			int r = rand_r(&seed);

			in[i] = r & 1 ? pick[(size_t)(r >> 1) % ARRAY_SIZE(pick)]
				      : (unsigned char)(r >> 8);
			if (!in[i])
				in[i] = 1; /* no NUL: see the test above */
		}
		check_reads_back(in, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_escape_controls),
	    cmocka_unit_test(test_escape_c1),
	    cmocka_unit_test(test_escape_utf8),
	    cmocka_unit_test(test_escape_truncates_whole_escapes),
	    cmocka_unit_test(test_escape_every_byte_reads_back),
	    cmocka_unit_test(test_escape_random_reads_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
