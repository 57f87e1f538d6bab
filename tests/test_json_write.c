// SPDX-License-Identifier: MIT
/*
 * test_json_write.c - the JSON writer: exact text for every value kind,
 * nesting, line-arrays and member lists, overflow at every buffer size,
 * misuse, and a round trip through json_parse(). json_escape() on its own
 * (every byte, random bytes, read back by the reader): test_json_escape.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/json.h"
#include "vmm/base/json_write.h"
#include "vmm/base/util.h"

static char buf[4096];
static struct json_writer w;

static void start(void)
{
	json_write_init(&w, buf, sizeof(buf));
}

/* Finish w and check its text is exactly want. */
static void assert_text(const char *want)
{
	assert_int_equal(json_write_finish(&w), (int)strlen(want));
	assert_string_equal(buf, want);
}

/* ---- values ---- */

static void test_scalars(void **state UNUSED)
{
	start();
	json_write_str(&w, "hi");
	assert_text("\"hi\"");
	start();
	json_write_strn(&w, "hi there", 2);
	assert_text("\"hi\"");
	start();
	json_write_str(&w, "");
	assert_text("\"\"");
	start();
	json_write_int(&w, 0);
	assert_text("0");
	start();
	json_write_int(&w, -12);
	assert_text("-12");
	start();
	json_write_int(&w, LLONG_MIN);
	assert_text("-9223372036854775808");
	start();
	json_write_uint(&w, ULLONG_MAX);
	assert_text("18446744073709551615");
	start();
	json_write_bool(&w, true);
	assert_text("true");
	start();
	json_write_bool(&w, false);
	assert_text("false");
	start();
	json_write_null(&w);
	assert_text("null");
	start();
	json_write_raw(&w, "{\"a\": [1, 2]}");
	assert_text("{\"a\": [1, 2]}");
}

static void test_doubles(void **state UNUSED)
{
	static const struct {
		double v;
		int prec;
		bool g;
		const char *want;
	} cases[] = {
	    {1.5, 6, false, "1.500000"},
	    {0.000001, 6, false, "0.000001"},
	    {1.2345675, 6, false, "1.234568"},
	    {-2, 6, false, "-2.000000"},
	    {3.4, 0, false, "3"},
	    {12345678.5, 1, false, "12345678.5"},
	    {2.5, 6, true, "2.5"},
	    {0.1, 6, true, "0.1"},
	    {3600, 6, true, "3600"},
	    {1e-7, 6, true, "1e-07"},
	    {0.123456789, 6, true, "0.123457"},
	    {0.1, JSON_WRITE_ROUNDTRIP, true, "0.10000000000000001"},
	    {7, JSON_WRITE_ROUNDTRIP, true, "7"},
	    {-7, JSON_WRITE_ROUNDTRIP, true, "-7"},
	    {1e14, JSON_WRITE_ROUNDTRIP, true, "100000000000000"},
	    {9007199254740993.0, JSON_WRITE_ROUNDTRIP, true, "9007199254740992"},
	    {1e300, JSON_WRITE_ROUNDTRIP, true, "1.0000000000000001e+300"},
	    {NAN, 6, false, "null"},
	    {INFINITY, 6, false, "null"},
	    {-INFINITY, 6, false, "null"},
	    {NAN, 6, true, "null"},
	    {INFINITY, JSON_WRITE_ROUNDTRIP, true, "null"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		start();
		if (cases[i].g)
			json_write_double_g(&w, cases[i].v, cases[i].prec);
		else
			json_write_double(&w, cases[i].v, cases[i].prec);
		assert_text(cases[i].want);
	}
	/* non-finite values in an object: the member is there, as null */
	start();
	json_write_object_begin(&w);
	json_write_kv_double(&w, "a", NAN, 6);
	json_write_kv_double_g(&w, "b", -INFINITY, 6);
	json_write_object_end(&w);
	assert_text("{\"a\": null, \"b\": null}");
}

/* ---- structure ---- */

static void test_nesting(void **state UNUSED)
{
	start();
	json_write_object_begin(&w);
	json_write_object_end(&w);
	assert_text("{}");
	start();
	json_write_array_begin(&w);
	json_write_array_end(&w);
	assert_text("[]");

	start();
	json_write_object_begin(&w);
	json_write_kv_double(&w, "ts", 1.234567, 6);
	json_write_kv_str(&w, "event", "vmm-start");
	json_write_kv_int(&w, "pid", 12);
	json_write_object_end(&w);
	assert_text("{\"ts\": 1.234567, \"event\": \"vmm-start\", \"pid\": 12}");

	start();
	json_write_object_begin(&w);
	json_write_key(&w, "a");
	json_write_array_begin(&w);
	json_write_int(&w, 1);
	json_write_uint(&w, 2);
	json_write_object_begin(&w);
	json_write_kv_null(&w, "b");
	json_write_object_end(&w);
	json_write_array_begin(&w);
	json_write_array_end(&w);
	json_write_array_end(&w);
	json_write_key(&w, "c");
	json_write_object_begin(&w);
	json_write_object_end(&w);
	json_write_kv_bool(&w, "d", true);
	json_write_kv_uint(&w, "e", 5);
	json_write_kv_raw(&w, "f", "[1]");
	json_write_kv_double_g(&w, "g", 10, 6);
	json_write_object_end(&w);
	assert_text("{\"a\": [1, 2, {\"b\": null}, []], \"c\": {}, \"d\": true, \"e\": 5, "
		    "\"f\": [1], \"g\": 10}");

	/* keys are escaped like strings */
	start();
	json_write_object_begin(&w);
	json_write_kv_str(&w, "a\"b\n", "x");
	json_write_object_end(&w);
	assert_text("{\"a\\\"b\\n\": \"x\"}");
}

/* The layout of `vf list --json`: one element per line. */
static void test_lines(void **state UNUSED)
{
	start();
	json_write_object_begin(&w);
	json_write_kv_int(&w, "version", 1);
	json_write_key(&w, "pfs");
	json_write_array_begin_lines(&w);
	for (int pf = 0; pf < 2; pf++) {
		json_write_object_begin(&w);
		json_write_kv_int(&w, "pf", pf);
		json_write_key(&w, "vfs");
		json_write_array_begin_lines(&w);
		for (int vf = 0; pf == 0 && vf < 2; vf++) {
			json_write_object_begin(&w);
			json_write_kv_int(&w, "i", vf);
			json_write_object_end(&w);
		}
		json_write_array_end(&w);
		json_write_object_end(&w);
	}
	json_write_array_end(&w);
	json_write_object_end(&w);
	assert_text("{\"version\": 1, \"pfs\": [\n"
		    "  {\"pf\": 0, \"vfs\": [\n"
		    "    {\"i\": 0},\n"
		    "    {\"i\": 1}\n"
		    "  ]},\n"
		    "  {\"pf\": 1, \"vfs\": []}\n"
		    "]}");
	start();
	json_write_object_begin(&w);
	json_write_key(&w, "pfs");
	json_write_array_begin_lines(&w);
	json_write_array_end(&w);
	json_write_object_end(&w);
	assert_text("{\"pfs\": []}");
}

static void test_members(void **state UNUSED)
{
	char members[128];
	struct json_writer m;

	json_write_init_members(&m, members, sizeof(members));
	assert_int_equal(json_write_finish(&m), 0);
	assert_string_equal(members, "");

	json_write_init_members(&m, members, sizeof(members));
	json_write_kv_int(&m, "code", 3);
	json_write_kv_str(&m, "reason", "x");
	assert_int_equal(json_write_finish(&m), (int)strlen("\"code\": 3, \"reason\": \"x\""));
	assert_string_equal(members, "\"code\": 3, \"reason\": \"x\"");

	/* spliced after other members, and as the first ones */
	start();
	json_write_object_begin(&w);
	json_write_kv_double(&w, "ts", 1, 6);
	json_write_members(&w, members);
	json_write_members(&w, "");
	json_write_members(&w, NULL);
	json_write_object_end(&w);
	assert_text("{\"ts\": 1.000000, \"code\": 3, \"reason\": \"x\"}");
	start();
	json_write_object_begin(&w);
	json_write_members(&w, members);
	json_write_kv_bool(&w, "last", false);
	json_write_object_end(&w);
	assert_text("{\"code\": 3, \"reason\": \"x\", \"last\": false}");

	/* containers inside a member list */
	json_write_init_members(&m, members, sizeof(members));
	json_write_key(&m, "exits");
	json_write_object_begin(&m);
	json_write_kv_uint(&m, "io", 4);
	json_write_object_end(&m);
	json_write_kv_null(&m, "boot_to_marker");
	assert_int_equal(json_write_finish(&m), (int)strlen(members));
	assert_string_equal(members, "\"exits\": {\"io\": 4}, \"boot_to_marker\": null");

	/* a member list has no end, takes no bare value, finishes with no dangling key */
	json_write_init_members(&m, members, sizeof(members));
	json_write_object_end(&m);
	assert_int_equal(json_write_finish(&m), -EINVAL);
	json_write_init_members(&m, members, sizeof(members));
	json_write_int(&m, 1);
	assert_true(m.error);
	json_write_init_members(&m, members, sizeof(members));
	json_write_key(&m, "a");
	assert_int_equal(json_write_finish(&m), -EINVAL);
	json_write_init_members(&m, members, sizeof(members));
	json_write_object_begin(&m);
	assert_true(m.error);
	/* members only go into an object, and not after a key */
	start();
	json_write_array_begin(&w);
	json_write_members(&w, "\"a\": 1");
	assert_int_equal(json_write_finish(&w), -EINVAL);
	start();
	json_write_object_begin(&w);
	json_write_key(&w, "k");
	json_write_members(&w, "\"a\": 1");
	assert_int_equal(json_write_finish(&w), -EINVAL);
}

static void test_finish_line(void **state UNUSED)
{
	char small[8];

	start();
	json_write_int(&w, 42);
	assert_int_equal(json_write_finish_line(&w), 3);
	assert_string_equal(buf, "42\n");
	/* "[12]" fits in 5 bytes, not its newline too */
	json_write_init(&w, small, 5);
	json_write_array_begin(&w);
	json_write_int(&w, 12);
	json_write_array_end(&w);
	assert_int_equal(json_write_finish(&w), 4);
	assert_int_equal(json_write_finish_line(&w), -ENOSPC);
	assert_string_equal(small, "[12]");
}

/* ---- overflow ---- */

/* A document with every kind of write. */
static void sample(struct json_writer *s)
{
	json_write_object_begin(s);
	json_write_kv_double(s, "ts", 12.5, 6);
	json_write_kv_str(s, "event", "vmm-\"start\"\n\xe2\x9c\x93\xff");
	json_write_kv_int(s, "code", -3);
	json_write_kv_uint(s, "big", 18446744073709551615ull);
	json_write_kv_double_g(s, "g", 0.1, JSON_WRITE_ROUNDTRIP);
	json_write_kv_bool(s, "ok", true);
	json_write_kv_null(s, "none");
	json_write_kv_raw(s, "raw", "{\"x\": [1, 2]}");
	json_write_members(s, "\"m\": 1, \"n\": \"two\"");
	json_write_key(s, "list");
	json_write_array_begin_lines(s);
	json_write_str(s, "a");
	json_write_array_begin(s);
	json_write_int(s, 1);
	json_write_null(s);
	json_write_array_end(s);
	json_write_object_begin(s);
	json_write_object_end(s);
	json_write_array_end(s);
	json_write_object_end(s);
}

static void test_overflow_every_cap(void **state UNUSED)
{
	static char full[1024];
	struct json_writer s;
	int len;

	json_write_init(&s, full, sizeof(full));
	sample(&s);
	len = json_write_finish(&s);
	assert_true(len > 100);
	for (size_t cap = 0; cap <= (size_t)len + 2; cap++) {
		char *p = malloc(cap); /* exactly cap bytes: ASan sees any write past it */
		int r;

		assert_true(p || !cap);
		json_write_init(&s, p, cap);
		sample(&s);
		r = json_write_finish(&s);
		if (cap > (size_t)len) {
			assert_int_equal(r, len);
			assert_string_equal(p, full);
		} else {
			assert_int_equal(r, -ENOSPC);
			assert_true(s.overflow);
			assert_false(s.error);
		}
		if (cap) {
			/* always a C string, and what it holds is the start of the text */
			assert_true(strlen(p) < cap);
			assert_int_equal(strncmp(p, full, strlen(p)), 0);
		}
		free(p);
	}
}

/* A write that does not fit is left out whole: no half key, no dangling ", ". */
static void test_overflow_whole_writes(void **state UNUSED)
{
	char small[16];

	json_write_init(&w, small, sizeof(small));
	json_write_object_begin(&w);
	json_write_kv_int(&w, "a", 1);	    /* {"a": 1 */
	json_write_kv_str(&w, "b", "long"); /* would need 11 more */
	assert_string_equal(small, "{\"a\": 1");
	json_write_kv_int(&w, "c", 2); /* would fit, but writing has stopped */
	assert_string_equal(small, "{\"a\": 1");
	json_write_object_end(&w);
	assert_int_equal(json_write_finish(&w), -ENOSPC);
	/* an escape cut inside a string is an overflow, not a broken string */
	json_write_init(&w, small, 8);
	json_write_str(&w, "ab\x01");
	assert_true(w.overflow);
	assert_string_equal(small, "");
	/* "ab" quoted fits in 5 (with the NUL); "abc" does not */
	json_write_init(&w, small, 5);
	json_write_str(&w, "ab");
	assert_int_equal(json_write_finish(&w), 4);
	assert_string_equal(small, "\"ab\"");
	json_write_init(&w, small, 5);
	json_write_str(&w, "abc");
	assert_int_equal(json_write_finish(&w), -ENOSPC);
	/* cap 0: overflow at once, the buffer untouched */
	small[0] = 'x';
	json_write_init(&w, small, 0);
	json_write_null(&w);
	assert_int_equal(json_write_finish(&w), -ENOSPC);
	assert_int_equal(small[0], 'x');
}

/* A document in pieces: part + clear, concatenated, is the whole. */
static void test_parts(void **state UNUSED)
{
	static char full[1024], joined[1024], piece[64];
	struct json_writer s;
	size_t o = 0;
	int n;

	json_write_init(&s, full, sizeof(full));
	json_write_array_begin_lines(&s);
	for (int i = 0; i < 20; i++) {
		json_write_object_begin(&s);
		json_write_kv_int(&s, "i", i);
		json_write_object_end(&s);
	}
	json_write_array_end(&s);
	assert_true(json_write_finish(&s) > 0);

	json_write_init(&s, piece, sizeof(piece));
	json_write_array_begin_lines(&s);
	for (int i = 0; i < 20; i++) {
		json_write_object_begin(&s);
		json_write_kv_int(&s, "i", i);
		json_write_object_end(&s);
		n = json_write_part(&s);
		assert_true(n > 0);
		memcpy(joined + o, piece, (size_t)n);
		o += (size_t)n;
		json_write_clear(&s);
		assert_string_equal(piece, "");
	}
	json_write_array_end(&s);
	n = json_write_finish(&s);
	assert_int_equal(n, 2);
	memcpy(joined + o, piece, (size_t)n + 1);
	assert_string_equal(joined, full);
	/* part reports errors like finish */
	json_write_init(&s, piece, 4);
	json_write_str(&s, "toolong");
	assert_int_equal(json_write_part(&s), -ENOSPC);
	json_write_init(&s, piece, sizeof(piece));
	json_write_key(&s, "k");
	assert_int_equal(json_write_part(&s), -EINVAL);
}

/* ---- misuse ---- */

static void expect_misuse(const char *before)
{
	assert_true(w.error);
	assert_int_equal(json_write_finish(&w), -EINVAL);
	assert_string_equal(buf, before);
}

static void test_misuse(void **state UNUSED)
{
	start();
	json_write_object_end(&w);
	expect_misuse("");
	start();
	json_write_array_end(&w);
	expect_misuse("");
	start();
	json_write_array_begin(&w);
	json_write_object_end(&w);
	expect_misuse("[");
	start();
	json_write_object_begin(&w);
	json_write_array_end(&w);
	expect_misuse("{");
	/* a value where a key is needed */
	start();
	json_write_object_begin(&w);
	json_write_int(&w, 1);
	expect_misuse("{");
	start();
	json_write_object_begin(&w);
	json_write_kv_int(&w, "a", 1);
	json_write_str(&w, "x");
	json_write_object_end(&w); /* nothing more is written */
	expect_misuse("{\"a\": 1");
	/* a key where a value is needed, or outside an object */
	start();
	json_write_object_begin(&w);
	json_write_key(&w, "a");
	json_write_key(&w, "b");
	expect_misuse("{\"a\": ");
	start();
	json_write_key(&w, "a");
	expect_misuse("");
	start();
	json_write_array_begin(&w);
	json_write_key(&w, "a");
	expect_misuse("[");
	/* an object closed after a key */
	start();
	json_write_object_begin(&w);
	json_write_key(&w, "a");
	json_write_object_end(&w);
	expect_misuse("{\"a\": ");
	/* two values at the top */
	start();
	json_write_int(&w, 1);
	json_write_int(&w, 2);
	expect_misuse("1");
	/* bad arguments */
	start();
	json_write_str(&w, NULL);
	expect_misuse("");
	start();
	json_write_raw(&w, NULL);
	expect_misuse("");
	start();
	json_write_raw(&w, "");
	expect_misuse("");
	start();
	json_write_object_begin(&w);
	json_write_key(&w, NULL);
	expect_misuse("{");
	start();
	json_write_double(&w, 1, -1);
	expect_misuse("");
	start();
	json_write_double(&w, 1, JSON_WRITE_MAX_DECIMALS + 1);
	expect_misuse("");
	start();
	json_write_double_g(&w, 1, 0);
	expect_misuse("");
	start();
	json_write_double_g(&w, 1, JSON_WRITE_ROUNDTRIP + 1);
	expect_misuse("");
	/* finished too early: open containers, nothing at all */
	start();
	json_write_array_begin(&w);
	assert_int_equal(json_write_finish(&w), -EINVAL);
	start();
	assert_int_equal(json_write_finish(&w), -EINVAL);
}

static void test_depth(void **state UNUSED)
{
	char members[256];
	struct json_writer m;
	struct json *v = NULL;
	int n;

	/* JSON_MAX_DEPTH levels: written, and read back */
	start();
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_write_array_begin(&w);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_write_array_end(&w);
	n = json_write_finish(&w);
	assert_int_equal(n, 2 * JSON_MAX_DEPTH);
	assert_int_equal(json_parse(buf, (size_t)n, &v, NULL, 0), 0);
	json_free(v);
	/* one more is misuse */
	start();
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_write_array_begin(&w);
	assert_true(w.error);
	assert_int_equal(strlen(buf), JSON_MAX_DEPTH);
	/* a member list is one level: JSON_MAX_DEPTH - 1 more inside it */
	json_write_init_members(&m, members, sizeof(members));
	json_write_key(&m, "a");
	for (int i = 0; i < JSON_MAX_DEPTH - 1; i++)
		json_write_array_begin(&m);
	assert_false(m.error);
	json_write_array_begin(&m);
	assert_true(m.error);
}

/* ---- round trip ---- */

static void test_round_trip(void **state UNUSED)
{
	static const char name[] = "ctl \"x\"\t\xc3\xa9\x80";
	const struct json *a;
	struct json *v = NULL;
	char err[128];
	int64_t i;
	int n;

	start();
	sample(&w);
	n = json_write_finish(&w);
	assert_true(n > 0);
	if (json_parse(buf, (size_t)n, &v, err, sizeof(err)) < 0)
		fail_msg("%s: %s", buf, err);
	assert_int_equal(json_int(json_get(v, "code"), -10, 10, &i), 0);
	assert_int_equal(i, -3);
	assert_true(json_get(v, "ts")->number == 12.5);
	assert_true(json_get(v, "g")->number == 0.1);
	assert_string_equal(json_get_str(v, "event"), "vmm-\"start\"\n\xe2\x9c\x93\xc3\xbf");
	assert_true(json_get(v, "ok")->boolean);
	assert_int_equal(json_get(v, "none")->type, JSON_NULL);
	assert_int_equal(json_get(json_get(v, "raw"), "x")->n, 2);
	assert_string_equal(json_get_str(v, "n"), "two");
	a = json_get(v, "list");
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(a->n, 3);
	assert_int_equal(a->items[1].n, 2);
	assert_int_equal(a->items[2].type, JSON_OBJECT);
	json_free(v);

	/* keys too */
	start();
	json_write_object_begin(&w);
	json_write_kv_str(&w, name, name);
	json_write_object_end(&w);
	n = json_write_finish(&w);
	assert_int_equal(json_parse(buf, (size_t)n, &v, err, sizeof(err)), 0);
	assert_string_equal(v->keys[0], "ctl \"x\"\t\xc3\xa9\xc2\x80");
	assert_string_equal(v->items[0].str, "ctl \"x\"\t\xc3\xa9\xc2\x80");
	json_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalars),
	    cmocka_unit_test(test_doubles),
	    cmocka_unit_test(test_nesting),
	    cmocka_unit_test(test_lines),
	    cmocka_unit_test(test_members),
	    cmocka_unit_test(test_finish_line),
	    cmocka_unit_test(test_overflow_every_cap),
	    cmocka_unit_test(test_overflow_whole_writes),
	    cmocka_unit_test(test_parts),
	    cmocka_unit_test(test_misuse),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
