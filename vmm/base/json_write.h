/* SPDX-License-Identifier: MIT */
/*
 * json_write.h - a small, bounded JSON text writer beside the reader
 * (json.h), and the project's one JSON string escaping function.
 *
 * Every JSON text tinyvmm prints (the --events lines, the control API's
 * replies, `vf list --json`) is built here, in the project's one layout: a
 * space after ':' and after ',', nothing else:
 *
 *   {"ts": 1.234567, "event": "vmm-start", "pid": 12}
 *
 *   char buf[256];
 *   struct json_writer w;
 *
 *   json_write_init(&w, buf, sizeof(buf));
 *   json_write_object_begin(&w);
 *   json_write_kv_str(&w, "state", "running");
 *   json_write_key(&w, "exits");
 *   json_write_array_begin(&w);
 *   json_write_uint(&w, 3);
 *   json_write_array_end(&w);
 *   json_write_object_end(&w);
 *   if (json_write_finish(&w) < 0)
 *           ...                    // -ENOSPC: too long; -EINVAL: misuse
 *   // buf: {"state": "running", "exits": [3]}
 *
 * It is pure: no I/O, no allocation, no global state. The writer inserts
 * the separators itself and checks the structure as it goes. The write
 * functions return nothing: errors are sticky and reported once, by
 * json_write_finish():
 *  - overflow: a write that does not fit in the buffer is dropped whole and
 *    nothing more is written. Nothing is ever written past cap, and buf is
 *    always NUL-terminated (cap 0: never touched), holding the text of the
 *    writes before the one that did not fit.
 *  - error (misuse): a value where a key is needed or a key where a value
 *    is, an end without its begin (or of the other kind), a second value at
 *    the top, nesting deeper than JSON_MAX_DEPTH (what json_parse() reads),
 *    a bad argument (NULL string or raw text). Nothing more is written.
 *
 * Member-list mode (json_write_init_members) writes the inside of an object
 * without its braces, e.g. "code": 3, "reason": "x" (or nothing), to splice
 * into an object with json_write_members(): the --events extra members.
 * The list counts as one level of nesting.
 *
 * Strings are escaped by json_escape() and always come out as valid JSON
 * that json_parse() reads back, except that a NUL byte inside a counted
 * string (json_write_strn) is written as \u0000, which is valid JSON but
 * which json_parse() rejects by design.
 */
#ifndef TINYVMM_JSON_WRITE_H
#define TINYVMM_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/base/json.h"

/* json_write_double_g() digits that always read back as the same double. */
#define JSON_WRITE_ROUNDTRIP 17
/* Most decimals json_write_double() takes. */
#define JSON_WRITE_MAX_DECIMALS 17

/* One open container (or the top, or the member list); private to json_write.c. */
struct json_write_level {
	unsigned char kind;
	bool key;	/* an object: its key is written, its value not yet */
	unsigned int n; /* values, or members, written at this level */
};

struct json_writer {
	char *buf;
	size_t cap;    /* bytes at buf, the NUL included */
	size_t len;    /* bytes of text at buf, without the NUL */
	bool overflow; /* a write did not fit (sticky) */
	bool error;    /* misuse (sticky) */
	unsigned int depth;
	struct json_write_level level[JSON_MAX_DEPTH + 1];
};

/* A writer for one JSON value into buf (cap bytes, cap 0 overflows at once). */
void json_write_init(struct json_writer *w, char *buf, size_t cap);
/* A writer for a member list: keys and values, no braces; empty is "". */
void json_write_init_members(struct json_writer *w, char *buf, size_t cap);

/*
 * The length of the text, or -ENOSPC (overflow), -EINVAL (misuse, a
 * container left open, a key without its value, no value at all outside
 * member-list mode). The text is at w->buf either way.
 */
int json_write_finish(struct json_writer *w);
/* As json_write_finish(), then a '\n' (one JSON line: events, API replies). */
int json_write_finish_line(struct json_writer *w);

/*
 * A long document in pieces (e.g. printed as it is built): the length of the
 * text at w->buf so far, or -ENOSPC / -EINVAL as json_write_finish(), but
 * containers may be open. json_write_clear() then empties the buffer and
 * keeps the structure, so the next write continues the same document.
 */
int json_write_part(const struct json_writer *w);
void json_write_clear(struct json_writer *w);

/* Containers. */
void json_write_object_begin(struct json_writer *w);
void json_write_object_end(struct json_writer *w);
void json_write_array_begin(struct json_writer *w);
/*
 * An array laid out one element per line, as `vf list --json` prints its
 * PFs and VFs: each element after a newline and two spaces per line-array
 * open (this one included), the ']' after a newline and the indent of the
 * line-arrays around it. An empty one is [].
 */
void json_write_array_begin_lines(struct json_writer *w);
void json_write_array_end(struct json_writer *w); /* either kind */

/* A member's key (escaped); a value must follow. */
void json_write_key(struct json_writer *w, const char *key);

/* Values. */
void json_write_str(struct json_writer *w, const char *s);		/* NUL-terminated */
void json_write_strn(struct json_writer *w, const char *s, size_t len); /* len bytes */
void json_write_int(struct json_writer *w, long long v);
void json_write_uint(struct json_writer *w, unsigned long long v);
/* v with decimals digits after the point (printf %.*f): 6 for timestamps. */
void json_write_double(struct json_writer *w, double v, int decimals);
/*
 * v with digits significant digits (printf %.*g, 1 to 17): 6 is printf's
 * %g, JSON_WRITE_ROUNDTRIP reads back exactly (an integer below 1e17 as
 * its digits alone). A NaN or infinity, in either form, is null.
 */
void json_write_double_g(struct json_writer *w, double v, int digits);
void json_write_bool(struct json_writer *w, bool v);
void json_write_null(struct json_writer *w);
/* Already valid JSON text of one value (e.g. a nested result), as is. */
void json_write_raw(struct json_writer *w, const char *json);
/*
 * A member list (text from a member-list writer) into the open object or
 * member list, after ", " when members came before. NULL or "": nothing.
 */
void json_write_members(struct json_writer *w, const char *members);

/* Key and value in one call. */
void json_write_kv_str(struct json_writer *w, const char *key, const char *s);
void json_write_kv_int(struct json_writer *w, const char *key, long long v);
void json_write_kv_uint(struct json_writer *w, const char *key, unsigned long long v);
void json_write_kv_double(struct json_writer *w, const char *key, double v, int decimals);
void json_write_kv_double_g(struct json_writer *w, const char *key, double v, int digits);
void json_write_kv_bool(struct json_writer *w, const char *key, bool v);
void json_write_kv_null(struct json_writer *w, const char *key);
void json_write_kv_raw(struct json_writer *w, const char *key, const char *json);

/*
 * Pure: escape len bytes of src as the inside of a JSON string into dst
 * (cap bytes, NUL-terminated): '"' and '\\' get a backslash, \b \f \n \r \t
 * their short forms, other bytes below 0x20 and 0x7f become \u00XX. A
 * valid UTF-8 sequence passes through as is, but for the C1 controls
 * U+0080-U+009F (0xc2 0x80-0x9f), which become \u0080-\u009f: a terminal
 * may act on them, and they read back as the same string. A byte of 0x80
 * or more that is not part of a valid sequence becomes \u00XX (its Latin-1
 * code point), so the result is always valid JSON. Stops before an escape
 * (or a UTF-8 sequence) that would not fit. Returns the length of dst; cap
 * 0 writes nothing.
 */
size_t json_escape(char *dst, size_t cap, const char *src, size_t len);

#endif
