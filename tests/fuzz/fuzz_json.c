// SPDX-License-Identifier: MIT
/*
 * fuzz_json.c - the JSON reader (vmm/base/json.c, json_get.c, utf8.c) and
 * writer (vmm/base/json_write.c) against each other: a document that
 * json_parse() accepts is written back with json_write_*(), which must
 * succeed (the writer takes every depth and string the reader does), and
 * read again into the same tree. The lookups (json_get(), json_int()) run
 * over every member on the way.
 */
#include <math.h>

#include "tests/fuzz/fuzz.h"

#include "vmm/base/json.h"
#include "vmm/base/json_write.h"

static void write_value(struct json_writer *w, const struct json *v)
{
	int64_t i;

	switch (v->type) {
	case JSON_NULL:
		json_write_null(w);
		break;
	case JSON_BOOL:
		json_write_bool(w, v->boolean);
		break;
	case JSON_NUMBER:
		FUZZ_CHECK(isfinite(v->number));
		if (json_int(v, INT64_MIN, INT64_MAX, &i) == 0)
			FUZZ_CHECK((double)i == v->number);
		json_write_double_g(w, v->number, JSON_WRITE_ROUNDTRIP);
		break;
	case JSON_STRING:
		FUZZ_CHECK(strlen(v->str) == v->str_len);
		json_write_strn(w, v->str, v->str_len);
		break;
	case JSON_ARRAY:
		json_write_array_begin(w);
		for (size_t k = 0; k < v->n; k++)
			write_value(w, &v->items[k]);
		json_write_array_end(w);
		break;
	case JSON_OBJECT:
		json_write_object_begin(w);
		for (size_t k = 0; k < v->n; k++) {
			/* keys are unique: the lookup finds this very member */
			FUZZ_CHECK(json_get(v, v->keys[k]) == &v->items[k]);
			json_write_key(w, v->keys[k]);
			write_value(w, &v->items[k]);
		}
		json_write_object_end(w);
		break;
	}
}

static bool same(const struct json *a, const struct json *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case JSON_NULL:
		return true;
	case JSON_BOOL:
		return a->boolean == b->boolean;
	case JSON_NUMBER:
		return a->number == b->number && signbit(a->number) == signbit(b->number);
	case JSON_STRING:
		return a->str_len == b->str_len && memcmp(a->str, b->str, a->str_len) == 0;
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (a->n != b->n)
			return false;
		for (size_t k = 0; k < a->n; k++) {
			if (a->type == JSON_OBJECT && strcmp(a->keys[k], b->keys[k]) != 0)
				return false;
			if (!same(&a->items[k], &b->items[k]))
				return false;
		}
		return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json *v = NULL, *back = NULL;
	struct json_writer w;
	size_t cap = 10 * size + 256;
	char err[128], *buf;
	int n, r;

	r = json_parse((const char *)data, size, &v, err, sizeof(err));
	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -E2BIG || r == -ENOMEM);
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) && err[0]);
		return 0;
	}
	buf = malloc(cap);
	if (!buf) {
		json_free(v);
		return 0;
	}
	json_write_init(&w, buf, cap);
	write_value(&w, v);
	n = json_write_finish(&w);
	FUZZ_CHECK(n >= 0);
	FUZZ_CHECK((size_t)n == strlen(buf));
	r = json_parse(buf, (size_t)n, &back, err, sizeof(err));
	if (r != 0)
		fprintf(stderr, "fuzz: written back as %s: %s\n", buf, err);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(same(v, back));
	json_free(back);
	json_free(v);
	free(buf);
	return 0;
}
