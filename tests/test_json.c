// SPDX-License-Identifier: MIT
/* test_json.c - the strict JSON reader: accepted text, every rejection, accessors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm/base/json.h"
#include "vmm/base/util.h"

static char err[256];

/*
 * Parse exactly len bytes from a malloc'd copy of that size (no NUL after
 * it), so ASan catches any read past the end.
 */
static int parse_n(const char *text, size_t len, struct json **out)
{
	char *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = json_parse(copy, len, out, err, sizeof(err));
	free(copy);
	return r;
}

static struct json *parse_ok(const char *text)
{
	struct json *v = NULL;
	int r = parse_n(text, strlen(text), &v);

	if (r != 0)
		fail_msg("\"%s\": %d %s", text, r, err);
	assert_string_equal(err, "");
	assert_non_null(v);
	return v;
}

static void parse_bad(const char *text, const char *needle)
{
	struct json *v = (struct json *)1;
	int r = parse_n(text, strlen(text), &v);

	if (r != -EINVAL)
		fail_msg("\"%s\" was accepted (%d)", text, r);
	assert_null(v);
	if (!strstr(err, needle))
		fail_msg("\"%s\": error \"%s\" lacks \"%s\"", text, err, needle);
	assert_memory_equal(err, "line ", 5);
	for (const char *c = err; *c; c++) /* one line, nothing a terminal acts on */
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			fail_msg("\"%s\": error \"%s\" holds byte 0x%02x", text, err, *c);
}

static void test_scalars(void **state UNUSED)
{
	static const struct {
		const char *text;
		double value;
	} nums[] = {
	    {"0", 0},
	    {"-0", 0},
	    {"7", 7},
	    {"-12", -12},
	    {"1.5", 1.5},
	    {"-0.25", -0.25},
	    {"1e3", 1000},
	    {"1E+2", 100},
	    {"25e-2", 0.25},
	    {"0.5e1", 5},
	    {" \t\r\n3 \n", 3},
	    {"1e-400", 0},
	    {"9007199254740993", 9007199254740992.0},
	};
	struct json *v;

	v = parse_ok("null");
	assert_int_equal(v->type, JSON_NULL);
	json_free(v);
	v = parse_ok(" true ");
	assert_int_equal(v->type, JSON_BOOL);
	assert_true(v->boolean);
	json_free(v);
	v = parse_ok("false");
	assert_int_equal(v->type, JSON_BOOL);
	assert_false(v->boolean);
	json_free(v);
	for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
		v = parse_ok(nums[i].text);
		assert_int_equal(v->type, JSON_NUMBER);
		if (v->number != nums[i].value)
			fail_msg("%s parsed as %.17g", nums[i].text, v->number);
		json_free(v);
	}
	v = parse_ok("\"hello\"");
	assert_int_equal(v->type, JSON_STRING);
	assert_string_equal(v->str, "hello");
	assert_int_equal(v->str_len, 5);
	json_free(v);
	v = parse_ok("\"\"");
	assert_string_equal(v->str, "");
	assert_int_equal(v->str_len, 0);
	json_free(v);
}

static void test_containers(void **state UNUSED)
{
	struct json *v = parse_ok(" { \"a\" : [1, {\"b\": null}, []], \"c\": {}, \"d\": \"x\" } ");
	const struct json *a, *b;

	assert_int_equal(v->type, JSON_OBJECT);
	assert_int_equal(v->n, 3);
	assert_string_equal(v->keys[0], "a");
	assert_string_equal(v->keys[1], "c");
	assert_string_equal(v->keys[2], "d");
	a = json_get(v, "a");
	assert_ptr_equal(a, &v->items[0]);
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(a->n, 3);
	assert_null(a->keys);
	assert_int_equal(a->items[0].type, JSON_NUMBER);
	assert_true(a->items[0].number == 1);
	b = json_get(&a->items[1], "b");
	assert_non_null(b);
	assert_int_equal(b->type, JSON_NULL);
	assert_int_equal(a->items[2].type, JSON_ARRAY);
	assert_int_equal(a->items[2].n, 0);
	assert_int_equal(json_get(v, "c")->type, JSON_OBJECT);
	assert_int_equal(json_get(v, "c")->n, 0);
	assert_string_equal(json_get_str(v, "d"), "x");
	json_free(v);

	v = parse_ok("[[[[\"deep\"]]], [true, false, null, -1.5, \"s\", {}]]");
	assert_int_equal(v->n, 2);
	assert_string_equal(v->items[0].items[0].items[0].items[0].str, "deep");
	assert_int_equal(v->items[1].n, 6);
	assert_int_equal(v->items[1].items[5].type, JSON_OBJECT);
	json_free(v);
	json_free(NULL);
}

static void test_escapes(void **state UNUSED)
{
	struct json *v = parse_ok("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"");

	assert_string_equal(v->str, "\"\\/\b\f\n\r\t");
	assert_int_equal(v->str_len, 8);
	json_free(v);
	/* \u escapes become UTF-8: 2, 3 and (a surrogate pair) 4 bytes. */
	v = parse_ok("\"a\\u00e9b\\u20AC\\ud83d\\ude00\\u0041\"");
	assert_string_equal(v->str, "a\xc3\xa9"
				    "b\xe2\x82\xac\xf0\x9f\x98\x80"
				    "A");
	assert_int_equal(v->str_len, 1 + 2 + 1 + 3 + 4 + 1);
	json_free(v);
	v = parse_ok("\"\\udbff\\udfff\\u007f\\u0080\\u07ff\\u0800\\uffff\"");
	assert_string_equal(v->str, "\xf4\x8f\xbf\xbf\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf");
	json_free(v);
	/* Raw UTF-8 passes through, up to U+10FFFF. */
	v = parse_ok("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\x7f\"");
	assert_string_equal(v->str, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\x7f");
	json_free(v);
	v = parse_ok("{\"k\\u00e9y\": 1}");
	assert_string_equal(v->keys[0], "k\xc3\xa9y");
	assert_non_null(json_get(v, "k\xc3\xa9y"));
	json_free(v);
}

/* 64 and 63 bytes of key text */
#define KEY16 "abcdefghijklmnop"
#define KEY64 KEY16 KEY16 KEY16 KEY16
#define KEY63 KEY16 KEY16 KEY16 "abcdefghijklmno"

static void test_rejections(void **state UNUSED)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
	    {"", "expected a value, got end of input"},
	    {"  \n ", "expected a value, got end of input"},
	    {"[1,]", "trailing comma before ']'"},
	    {"{\"a\":1,}", "trailing comma before '}'"},
	    {"[,1]", "expected a value, got ','"},
	    {"01", "leading zeros"},
	    {"-01", "leading zeros"},
	    {"[00]", "leading zeros"},
	    {"+1", "expected a value, got '+'"},
	    {".5", "expected a value, got '.'"},
	    {"1.", "expected a digit after '.'"},
	    {"1.e5", "expected a digit after '.'"},
	    {"1e", "expected a digit in the exponent"},
	    {"1e+", "expected a digit in the exponent"},
	    {"-", "expected a digit after '-'"},
	    {"-a", "expected a digit after '-'"},
	    {"0x10", "unexpected 'x' after the value"},
	    {"NaN", "expected a value, got 'N'"},
	    {"Infinity", "expected a value, got 'I'"},
	    {"-Infinity", "expected a digit after '-'"},
	    {"1e999", "number out of range"},
	    {"-1e999", "number out of range"},
	    {"'a'", "double quotes"},
	    {"{'a': 1}", "expected a string key, got '''"},
	    {"// c\n1", "comments are not allowed"},
	    {"/* c */ 1", "comments are not allowed"},
	    {"[1 /* c */]", "expected ',' or ']' after array element, got '/'"},
	    {"\"a\tb\"", "control character 0x09"},
	    {"\"a\nb\"", "control character 0x0a"},
	    {"\"\x1f\"", "control character 0x1f"},
	    {"\"\\ud800\"", "high surrogate \\ud800 not followed by a low surrogate"},
	    {"\"\\ud800\\u0041\"", "not followed by a low surrogate"},
	    {"\"\\ud800\\ud800\"", "not followed by a low surrogate"},
	    {"\"\\udc00\"", "lone low surrogate \\udc00"},
	    {"\"\\u0000\"", "\\u0000 is not allowed"},
	    {"\"\\u12\"", "4 hex digits"},
	    {"\"\\u12g4\"", "4 hex digits"},
	    {"\"\\x\"", "invalid escape: '\\' followed by 'x'"},
	    {"\"\\'\"", "invalid escape"},
	    {"\"\xff\"", "invalid UTF-8"},
	    {"\"\x80\"", "invalid UTF-8"},
	    {"\"\xc0\xaf\"", "invalid UTF-8"},			   /* overlong '/' */
	    {"\"\xe0\x80\xaf\"", "invalid UTF-8"},		   /* overlong, 3 bytes */
	    {"\"\xed\xa0\x80\"", "invalid UTF-8"},		   /* an encoded surrogate */
	    {"\"\xf4\x90\x80\x80\"", "invalid UTF-8"},		   /* past U+10FFFF */
	    {"\"\xe2\x82\"", "invalid UTF-8"},			   /* truncated */
	    {"\"\xe2\x82", "invalid UTF-8"},			   /* truncated at the end */
	    {"\xef\xbb\xbf{}", "expected a value, got byte 0xef"}, /* BOM */
	    {"{\"a\":1,\"a\":2}", "duplicate key \"a\""},
	    {"{\"\\u0061\":1,\"a\":2}", "duplicate key \"a\""},
	    {"{\"a\":{\"b\":1,\"b\":1}}", "duplicate key \"b\""},
	    /* a key's control characters come out escaped (found by fuzz_api:
	     * the message was two lines) */
	    {"{\"t\\u000bIt\\n0002\":0,\"t\\u000bIt\\n0002\"",
	     "duplicate key \"t\\u000bIt\\n0002\""},
	    {"{\"\\u001b[2J\":1,\"\\u001b[2J\":2}", "duplicate key \"\\u001b[2J\""},
	    {"{\"\\u009b1m\":1,\"\\u009b1m\":2}", "duplicate key \"\\u009b1m\""}, /* C1 CSI */
	    /* KEY_SHOWN (64) bytes of a key at most, escaped as json_escape() does */
	    {"{\"" KEY64 "x\":1,\"" KEY64 "x\":2}", "duplicate key \"" KEY64 "...\""},
	    {"{\"" KEY64 "\":1,\"" KEY64 "\":2}", "duplicate key \"" KEY64 "\""},
	    {"{\"" KEY63 "\u00e9\":1,\"" KEY63 "\u00e9\":2}",
	     "duplicate key \"" KEY63 "\\u00c3...\""}, /* cut inside a character */
	    {"{\"q\\\"\\\\\":1,\"q\\\"\\\\\":2}", "duplicate key \"q\\\"\\\\\""},
	    {"{\"\\u007f\\u0001\":1,\"\\u007f\\u0001\":2}", "duplicate key \"\\u007f\\u0001\""},
	    {"{\"\u00e9\":1,\"\u00e9\":2}", "duplicate key \"\u00e9\""}, /* UTF-8 as is */
	    {"1 2", "unexpected '2' after the value"},
	    {"{} x", "unexpected 'x' after the value"},
	    {"[1 2]", "expected ',' or ']' after array element, got '2'"},
	    {"{\"a\" 1}", "expected ':' after object key, got '1'"},
	    {"{\"a\":1 \"b\":2}", "expected ',' or '}' after object member, got '\"'"},
	    {"{a:1}", "expected a string key, got 'a'"},
	    {"{1:1}", "expected a string key"},
	    {"{\"a\":}", "expected a value, got '}'"},
	    {"[", "expected a value, got end of input"},
	    {"[1", "expected ',' or ']' after array element, got end of input"},
	    {"{", "expected a string key, got end of input"},
	    {"{\"a\"", "expected ':' after object key, got end of input"},
	    {"{\"a\":1", "expected ',' or '}'"},
	    {"tru", "expected a value, got 't'"},
	    {"nul", "expected a value, got 'n'"},
	    {"True", "expected a value, got 'T'"},
	    {"truex", "unexpected 'x' after the value"},
	    {"[truefalse]", "expected ',' or ']' after array element, got 'f'"},
	    {"\"abc", "unterminated string"},
	    {"\"abc\\", "unterminated string"},
	    {"\"abc\\\"", "unterminated string"},
	    {"\x01", "expected a value, got byte 0x01"},
	    {"[1]\v", "unexpected byte 0x0b"},
	    {"1\f", "unexpected byte 0x0c"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		parse_bad(bad[i].text, bad[i].needle);
}

/* Line and column are 1-based and point at the offending byte. */
static void test_error_position(void **state UNUSED)
{
	const char *t = "{\n  \"a\": 1,\n  \"b\" 2\n}";
	struct json *v;

	assert_int_equal(parse_n(t, strlen(t), &v), -EINVAL);
	assert_string_equal(err, "line 3 column 7: expected ':' after object key, got '2'");
	parse_bad("[1,\n\n  \"x\",\n  ]", "line 4 column 3: trailing comma before ']'");
	parse_bad("\"ok\"  \"no\"", "line 1 column 7: unexpected '\"' after the value");
	parse_bad("{\"a\":1,\n \"a\":2}", "line 2 column 2: duplicate key \"a\"");
	parse_bad("[\"abc", "line 1 column 2: unterminated string");
	parse_bad("[\"a\\qb\"]", "line 1 column 4: invalid escape");
	/* A null err is allowed; a short one is truncated and still terminated. */
	assert_int_equal(json_parse("[1,]", 4, &v, NULL, 0), -EINVAL);
	assert_null(v);
	memset(err, 'x', sizeof(err));
	assert_int_equal(json_parse("[1,]", 4, &v, err, 8), -EINVAL);
	assert_string_equal(err, "line 1 ");
}

static void test_depth(void **state UNUSED)
{
	size_t n = 100000;
	char *s = malloc(2 * n);
	struct json *v;
	clock_t t0;

	assert_non_null(s);
	memset(s, '[', n);
	memset(s + n, ']', n);
	/* JSON_MAX_DEPTH levels parse, one more does not. */
	assert_int_equal(parse_n(s + n - JSON_MAX_DEPTH, 2 * JSON_MAX_DEPTH, &v), 0);
	assert_int_equal(v->n, 1);
	json_free(v);
	assert_int_equal(parse_n(s + n - JSON_MAX_DEPTH - 1, 2 * JSON_MAX_DEPTH + 2, &v), -EINVAL);
	assert_string_equal(err, "line 1 column 33: nested deeper than 32 levels");
	for (size_t i = 0; i < n; i++)
		s[i] = i % 2 ? '[' : '{';
	s[0] = '[';
	assert_int_equal(parse_n(s, 2 * n, &v), -EINVAL);
	assert_non_null(strstr(err, "expected a string key"));
	/* 100000 '[': an error at once, no deep recursion. */
	memset(s, '[', n);
	t0 = clock();
	assert_int_equal(parse_n(s, n, &v), -EINVAL);
	assert_null(v);
	assert_non_null(strstr(err, "nested deeper than 32 levels"));
	assert_true(clock() - t0 < CLOCKS_PER_SEC / 10);
	memcpy(s, "{\"a\":", 5);
	memset(s + 5, '{', n - 5);
	assert_int_equal(parse_n(s, n, &v), -EINVAL);
	assert_non_null(strstr(err, "expected a string key"));
	free(s);
}

static void test_size_limit(void **state UNUSED)
{
	char *s = malloc(JSON_MAX_TEXT + 1);
	struct json *v = (struct json *)1;

	assert_non_null(s);
	memset(s, ' ', JSON_MAX_TEXT + 1);
	s[0] = '7';
	assert_int_equal(json_parse(s, JSON_MAX_TEXT, &v, err, sizeof(err)), 0);
	assert_true(v->number == 7);
	json_free(v);
	assert_int_equal(json_parse(s, JSON_MAX_TEXT + 1, &v, err, sizeof(err)), -E2BIG);
	assert_null(v);
	assert_non_null(strstr(err, "over the 1048576-byte limit"));
	free(s);
}

/* Only len bytes are read: a bigger buffer's tail, or a missing NUL, do not matter. */
static void test_not_nul_terminated(void **state UNUSED)
{
	const char buf[] = "{\"a\":[12,\"xy\"]}garbage, \"more";
	struct json *v;

	assert_int_equal(json_parse(buf, 15, &v, err, sizeof(err)), 0);
	assert_string_equal(json_get(v, "a")->items[1].str, "xy");
	json_free(v);
	assert_int_equal(json_parse(buf, 16, &v, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1 column 16: unexpected 'g' after the value");
	/* Values cut at the end of the buffer (exact-size copies, checked by ASan). */
	assert_int_equal(parse_n("123", 3, &v), 0);
	assert_true(v->number == 123);
	json_free(v);
	assert_int_equal(parse_n("1234", 2, &v), 0);
	assert_true(v->number == 12);
	json_free(v);
	assert_int_equal(parse_n("true", 3, &v), -EINVAL);
	assert_int_equal(parse_n("\"ab\"", 3, &v), -EINVAL);
	assert_non_null(strstr(err, "unterminated string"));
	assert_int_equal(parse_n("\"\\u12", 5, &v), -EINVAL);
	assert_non_null(strstr(err, "4 hex digits"));
	assert_int_equal(parse_n("\"\\ud83d\\ude0", 12, &v), -EINVAL);
	assert_int_equal(parse_n("1e", 2, &v), -EINVAL);
	assert_int_equal(parse_n("-", 1, &v), -EINVAL);
	/* An embedded NUL is a byte like any other: outside a string it is junk. */
	assert_int_equal(json_parse("1\0", 2, &v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "byte 0x00"));
	assert_int_equal(json_parse("\"a\0b\"", 5, &v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "control character 0x00"));
}

/* Many keys: duplicates are found without quadratic cost, at any position. */
static void test_many_keys(void **state UNUSED)
{
	size_t nkeys = 50000, cap = nkeys * 16 + 64, n = 0;
	char *s = malloc(cap);
	struct json *v;

	assert_non_null(s);
	s[n++] = '{';
	for (size_t i = 0; i < nkeys; i++)
		n += (size_t)snprintf(s + n, cap - n, "%s\"k%zu\":%zu", i ? "," : "", i, i);
	s[n++] = '}';
	assert_int_equal(parse_n(s, n, &v), 0);
	assert_int_equal(v->n, nkeys);
	assert_true(json_get(v, "k49999")->number == 49999);
	assert_string_equal(v->keys[1234], "k1234");
	json_free(v);
	n--;
	n += (size_t)snprintf(s + n, cap - n, ",\"k777\":0}");
	assert_int_equal(parse_n(s, n, &v), -EINVAL);
	assert_non_null(strstr(err, "duplicate key \"k777\""));
	free(s);
}

/* Errors deep inside partly built trees free everything (ASan's leak check). */
static void test_partial_trees_freed(void **state UNUSED)
{
	parse_bad("[{\"a\":[1,2,{\"b\":\"x\"}],\"c\":[\"s\", tru]}]", "expected a value");
	parse_bad("{\"a\":{\"b\":[\"x\",{\"c\":\"y\"}]},\"d\":\"\\ud800\"}", "surrogate");
	parse_bad("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",]", "trailing comma");
	parse_bad("{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"a\":0}",
		  "duplicate key");
	parse_bad("{\"a\":\"1\",\"b\"}", "expected ':'");
	parse_bad("{\"a\":[1,2,3]", "expected ',' or '}'");
}

static void test_get(void **state UNUSED)
{
	struct json *v = parse_ok("{\"s\":\"str\",\"n\":5,\"o\":{\"s\":\"inner\"},\"z\":null}");
	struct json *arr = parse_ok("[\"s\"]");

	assert_string_equal(json_get_str(v, "s"), "str");
	assert_null(json_get_str(v, "n"));
	assert_null(json_get_str(v, "o"));
	assert_null(json_get_str(v, "z"));
	assert_null(json_get_str(v, "missing"));
	assert_null(json_get(v, "missing"));
	assert_null(json_get(v, "S"));
	assert_null(json_get(v, NULL));
	assert_null(json_get(NULL, "s"));
	assert_null(json_get_str(NULL, "s"));
	assert_null(json_get(arr, "s"));
	assert_null(json_get(&arr->items[0], "s"));
	assert_string_equal(json_get_str(json_get(v, "o"), "s"), "inner");
	assert_int_equal(json_get(v, "z")->type, JSON_NULL);
	json_free(arr);
	json_free(v);
}

static void test_int(void **state UNUSED)
{
	struct json *v = parse_ok("[5, -1, 1.5, 9007199254740992, 9007199254740991, "
				  "-9007199254740991, -9007199254740992, 1e3, -0, \"5\", true, "
				  "null, 1e300, 0.1e1]");
	const struct json *it = v->items;
	int64_t x = 42;

	assert_int_equal(json_int(&it[0], 0, 10, &x), 0);
	assert_int_equal(x, 5);
	assert_int_equal(json_int(&it[0], 5, 5, &x), 0);
	assert_int_equal(json_int(&it[0], 6, 10, &x), -ERANGE);
	assert_int_equal(json_int(&it[0], 0, 4, &x), -ERANGE);
	x = 42;
	assert_int_equal(json_int(&it[1], 0, 10, &x), -ERANGE);
	assert_int_equal(x, 42); /* untouched on error */
	assert_int_equal(json_int(&it[1], -1, 10, &x), 0);
	assert_int_equal(x, -1);
	assert_int_equal(json_int(&it[2], INT64_MIN, INT64_MAX, &x), -EINVAL);
	/* 2^53 is where doubles stop holding every integer: out of range. */
	assert_int_equal(json_int(&it[3], INT64_MIN, INT64_MAX, &x), -ERANGE);
	assert_int_equal(json_int(&it[4], INT64_MIN, INT64_MAX, &x), 0);
	assert_int_equal(x, 9007199254740991LL);
	assert_int_equal(json_int(&it[5], INT64_MIN, INT64_MAX, &x), 0);
	assert_int_equal(x, -9007199254740991LL);
	assert_int_equal(json_int(&it[6], INT64_MIN, INT64_MAX, &x), -ERANGE);
	assert_int_equal(json_int(&it[7], 0, 1000, &x), 0);
	assert_int_equal(x, 1000);
	assert_int_equal(json_int(&it[8], 0, 0, &x), 0);
	assert_int_equal(x, 0);
	assert_int_equal(json_int(&it[9], INT64_MIN, INT64_MAX, &x), -EINVAL);
	assert_int_equal(json_int(&it[10], INT64_MIN, INT64_MAX, &x), -EINVAL);
	assert_int_equal(json_int(&it[11], INT64_MIN, INT64_MAX, &x), -EINVAL);
	assert_int_equal(json_int(&it[12], INT64_MIN, INT64_MAX, &x), -ERANGE);
	assert_int_equal(json_int(&it[13], 1, 1, &x), 0);
	assert_int_equal(json_int(NULL, 0, 10, &x), -ENOENT);
	assert_int_equal(json_int(json_get(v, "x"), 0, 10, &x), -ENOENT);
	assert_int_equal(json_int(v, 0, 10, &x), -EINVAL);
	json_free(v);
}

static void test_type_names(void **state UNUSED)
{
	assert_string_equal(json_type_name(JSON_NULL), "null");
	assert_string_equal(json_type_name(JSON_BOOL), "boolean");
	assert_string_equal(json_type_name(JSON_NUMBER), "number");
	assert_string_equal(json_type_name(JSON_STRING), "string");
	assert_string_equal(json_type_name(JSON_ARRAY), "array");
	assert_string_equal(json_type_name(JSON_OBJECT), "object");
	assert_string_equal(json_type_name((enum json_type)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalars),
	    cmocka_unit_test(test_containers),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_rejections),
	    cmocka_unit_test(test_error_position),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_not_nul_terminated),
	    cmocka_unit_test(test_many_keys),
	    cmocka_unit_test(test_partial_trees_freed),
	    cmocka_unit_test(test_get),
	    cmocka_unit_test(test_int),
	    cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
