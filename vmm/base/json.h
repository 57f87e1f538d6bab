/* SPDX-License-Identifier: MIT */
/*
 * json.h - a small, strict JSON (RFC 8259) reader for --config files, the
 * control API's request lines and the lab's event-log checks.
 *
 * json_parse() builds a tree of struct json nodes from a buffer (not
 * necessarily NUL-terminated). It is pure: no I/O, no global state. Limits
 * keep hostile input cheap: nesting depth JSON_MAX_DEPTH, the whole text
 * JSON_MAX_TEXT bytes. Strings are decoded (escapes, \uXXXX with surrogate
 * pairs -> UTF-8) and NUL-terminated; a string containing \u0000 or
 * invalid UTF-8 is rejected. Numbers are kept as double; json_int() checks
 * a number is an integer in range. Duplicate object keys are an error.
 * Trailing bytes after the value (other than whitespace) are an error.
 *
 *   struct json *v; char err[128];
 *   if (json_parse(buf, len, &v, err, sizeof(err)) < 0)
 *           log_err("config %s: %s", path, err);   // "line 3 column 7: expected ':'"
 *   const struct json *mem = json_get(v, "mem");
 *   ...
 *   json_free(v);
 */
#ifndef TINYVMM_JSON_H
#define TINYVMM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH	  32
#define JSON_MAX_TEXT	  (1u << 20)	     /* 1 MiB */
#define JSON_MAX_SAFE_INT 9007199254740991.0 /* 2^53 - 1 */

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json {
	enum json_type type;
	bool boolean;	    /* JSON_BOOL */
	double number;	    /* JSON_NUMBER */
	char *str;	    /* JSON_STRING: decoded, NUL-terminated */
	size_t str_len;	    /* its length in bytes */
	size_t n;	    /* JSON_ARRAY / JSON_OBJECT: number of members */
	struct json *items; /* n values */
	char **keys;	    /* JSON_OBJECT: n decoded keys, in document order */
};

/*
 * Parse len bytes of text. On success *out is the root (free with
 * json_free) and 0 is returned. On error returns -EINVAL (or -ENOMEM,
 * -E2BIG for text over JSON_MAX_TEXT) and, when err is not NULL, writes a
 * one-line reason with the 1-based line and column (in bytes) into err.
 */
int json_parse(const char *text, size_t len, struct json **out, char *err, size_t errlen);
void json_free(struct json *v); /* NULL is a no-op */

/* Member key of an object, NULL when v is not an object or has no such key. */
const struct json *json_get(const struct json *v, const char *key);
/* The string of member key, or NULL when missing or not a string. */
const char *json_get_str(const struct json *v, const char *key);
/*
 * An integral number in [min, max] into *out: 0, -ENOENT (v NULL), -EINVAL
 * (not a number, or has a fraction), -ERANGE (outside [min, max], or beyond
 * +-JSON_MAX_SAFE_INT, where a double no longer holds every integer exactly).
 */
int json_int(const struct json *v, int64_t min, int64_t max, int64_t *out);
/* Name of a type ("object", "string", ...) for messages. */
const char *json_type_name(enum json_type t);

#endif
