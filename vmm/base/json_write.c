// SPDX-License-Identifier: MIT
/*
 * json_write.c - the bounded JSON text writer and json_escape(); see
 * json_write.h.
 *
 * Each level of w->level is one open container: level 0 is the document
 * (one value) or, in member-list mode, the list itself. Every write is
 * checked against the level it lands in first (a misuse sets w->error and
 * stops everything), then appended whole or not at all: a write that does
 * not fit is rolled back to where it started and sets w->overflow. The
 * structure is still followed after an overflow, so a container left open
 * is reported as misuse even then.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/base/json_write.h"
#include "vmm/base/utf8.h"
#include "vmm/base/util.h"

enum {
	LEVEL_TOP,     /* the document: one value */
	LEVEL_MEMBERS, /* member-list mode: an object without braces */
	LEVEL_OBJECT,
	LEVEL_ARRAY,
	LEVEL_LINES, /* an array, one element per line */
};

/* ---- escaping ---- */

/* json_escape(), also saying how many bytes of src it took (*used). */
static size_t escape(char *dst, size_t cap, const char *src, size_t len, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;

	if (!cap) {
		*used = 0;
		return 0;
	}
	while (i < len) {
		unsigned char c = s[i];
		const char *piece;
		char esc[6];
		size_t n = 2, take = 1;

		piece = esc;
		esc[0] = '\\';
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			take = (c < 0x20 || c == 0x7f) ? 0 : utf8_len(s + i, len - i);
			if (take == 2 && c == 0xc2 && s[i + 1] <= 0x9f) {
				/* a C1 control, U+0080-U+009F: a terminal may act on it */
				c = s[i + 1]; /* its code point */
			} else if (take) {
				/* printable ASCII or a whole valid UTF-8 sequence */
				piece = src + i;
				n = take;
				break;
			} else {
				/* a control byte, or a byte that is not valid UTF-8 */
				take = 1; /* its Latin-1 code point */
			}
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		if (o + n + 1 > cap)
			break;
		memcpy(dst + o, piece, n);
		o += n;
		i += take;
	}
	dst[o] = '\0';
	*used = i;
	return o;
}

size_t json_escape(char *dst, size_t cap, const char *src, size_t len)
{
	size_t used;

	return escape(dst, cap, src, len, &used);
}

/* ---- appending ---- */

static bool stopped(const struct json_writer *w)
{
	return w->overflow || w->error;
}

static void misuse(struct json_writer *w)
{
	w->error = true;
}

/* Undo a write that did not fit: back to where it started. */
static void roll_back(struct json_writer *w, size_t start)
{
	if (!w->overflow || w->error || !w->cap)
		return;
	w->len = MIN(w->len, start);
	w->buf[w->len] = '\0';
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	if (stopped(w))
		return;
	if (n >= w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void PRINTF(2, 3) put_fmt(struct json_writer *w, const char *fmt, ...)
{
	size_t room = w->cap - w->len;
	va_list ap;
	int n;

	if (stopped(w))
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		w->overflow = true;
		w->buf[w->len] = '\0';
		return;
	}
	w->len += (size_t)n;
}

/* s as a quoted, escaped JSON string. */
static void put_string(struct json_writer *w, const char *s, size_t len)
{
	size_t used;

	put(w, "\"", 1);
	if (stopped(w))
		return;
	w->len += escape(w->buf + w->len, w->cap - w->len, s, len, &used);
	if (used < len) {
		w->overflow = true;
		return;
	}
	put(w, "\"", 1);
}

/* A newline and two spaces for each line-array open among levels 0..upto. */
static void put_line_break(struct json_writer *w, unsigned int upto)
{
	static const char spaces[] = "                                ";
	unsigned int indent = 0;

	for (unsigned int i = 0; i <= upto; i++)
		if (w->level[i].kind == LEVEL_LINES)
			indent += 2;
	put(w, "\n", 1);
	while (indent) {
		unsigned int n = MIN(indent, (unsigned int)sizeof(spaces) - 1);

		put(w, spaces, n);
		indent -= n;
	}
}

/* ---- structure ---- */

static void init(struct json_writer *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	if (cap > INT_MAX)
		cap = INT_MAX; /* lengths are returned as int */
	w->cap = cap;
	w->overflow = cap == 0;
	if (cap)
		buf[0] = '\0';
	w->level[0].kind = LEVEL_TOP;
}

void json_write_init(struct json_writer *w, char *buf, size_t cap)
{
	init(w, buf, cap);
}

void json_write_init_members(struct json_writer *w, char *buf, size_t cap)
{
	init(w, buf, cap);
	/* the top holds the (implicit) object the members will land in */
	w->level[0].n = 1;
	w->depth = 1;
	w->level[1].kind = LEVEL_MEMBERS;
}

/*
 * Before a value: check that one may come here and write the separator.
 * False on misuse. An overflow does not stop the bookkeeping.
 */
static bool value_sep(struct json_writer *w)
{
	struct json_write_level *l = &w->level[w->depth];

	if (w->error)
		return false;
	switch (l->kind) {
	case LEVEL_TOP:
		if (l->n) {
			misuse(w); /* a second value */
			return false;
		}
		break;
	case LEVEL_MEMBERS:
	case LEVEL_OBJECT:
		if (!l->key) {
			misuse(w); /* a value without its key */
			return false;
		}
		l->key = false;
		return true; /* the key counted the member */
	case LEVEL_ARRAY:
		if (l->n)
			put(w, ", ", 2);
		break;
	case LEVEL_LINES:
		if (l->n)
			put(w, ",", 1);
		put_line_break(w, w->depth);
		break;
	}
	l->n++;
	return true;
}

static void begin(struct json_writer *w, unsigned char kind, const char *open)
{
	size_t start = w->len;

	if (!value_sep(w))
		return;
	if (w->depth >= JSON_MAX_DEPTH) {
		misuse(w);
		return;
	}
	put(w, open, 1);
	roll_back(w, start);
	w->depth++;
	w->level[w->depth] = (struct json_write_level){.kind = kind};
}

static void end(struct json_writer *w, bool object)
{
	struct json_write_level *l = &w->level[w->depth];
	size_t start = w->len;

	if (w->error)
		return;
	if (object ? l->kind != LEVEL_OBJECT || l->key
		   : l->kind != LEVEL_ARRAY && l->kind != LEVEL_LINES) {
		misuse(w);
		return;
	}
	if (l->kind == LEVEL_LINES && l->n)
		put_line_break(w, w->depth - 1);
	put(w, object ? "}" : "]", 1);
	roll_back(w, start);
	w->depth--;
}

void json_write_object_begin(struct json_writer *w)
{
	begin(w, LEVEL_OBJECT, "{");
}

void json_write_object_end(struct json_writer *w)
{
	end(w, true);
}

void json_write_array_begin(struct json_writer *w)
{
	begin(w, LEVEL_ARRAY, "[");
}

void json_write_array_begin_lines(struct json_writer *w)
{
	begin(w, LEVEL_LINES, "[");
}

void json_write_array_end(struct json_writer *w)
{
	end(w, false);
}

void json_write_key(struct json_writer *w, const char *key)
{
	struct json_write_level *l = &w->level[w->depth];
	size_t start = w->len;

	if (w->error)
		return;
	if ((l->kind != LEVEL_OBJECT && l->kind != LEVEL_MEMBERS) || l->key || !key) {
		misuse(w);
		return;
	}
	if (l->n++)
		put(w, ", ", 2);
	put_string(w, key, strlen(key));
	put(w, ": ", 2);
	roll_back(w, start);
	l->key = true;
}

void json_write_members(struct json_writer *w, const char *members)
{
	struct json_write_level *l = &w->level[w->depth];
	size_t start = w->len;

	if (w->error)
		return;
	if ((l->kind != LEVEL_OBJECT && l->kind != LEVEL_MEMBERS) || l->key) {
		misuse(w);
		return;
	}
	if (!members || !*members)
		return;
	if (l->n++)
		put(w, ", ", 2);
	put(w, members, strlen(members));
	roll_back(w, start);
}

/* ---- values ---- */

void json_write_strn(struct json_writer *w, const char *s, size_t len)
{
	size_t start = w->len;

	if (!s)
		misuse(w);
	if (!value_sep(w))
		return;
	put_string(w, s, len);
	roll_back(w, start);
}

void json_write_str(struct json_writer *w, const char *s)
{
	json_write_strn(w, s, s ? strlen(s) : 0);
}

void json_write_int(struct json_writer *w, long long v)
{
	size_t start = w->len;

	if (!value_sep(w))
		return;
	put_fmt(w, "%lld", v);
	roll_back(w, start);
}

void json_write_uint(struct json_writer *w, unsigned long long v)
{
	size_t start = w->len;

	if (!value_sep(w))
		return;
	put_fmt(w, "%llu", v);
	roll_back(w, start);
}

void json_write_double(struct json_writer *w, double v, int decimals)
{
	size_t start = w->len;

	if (decimals < 0 || decimals > JSON_WRITE_MAX_DECIMALS)
		misuse(w);
	if (!value_sep(w))
		return;
	if (isfinite(v))
		put_fmt(w, "%.*f", decimals, v);
	else
		put(w, "null", 4);
	roll_back(w, start);
}

void json_write_double_g(struct json_writer *w, double v, int digits)
{
	size_t start = w->len;

	if (digits < 1 || digits > JSON_WRITE_ROUNDTRIP)
		misuse(w);
	if (!value_sep(w))
		return;
	if (isfinite(v))
		put_fmt(w, "%.*g", digits, v);
	else
		put(w, "null", 4);
	roll_back(w, start);
}

void json_write_bool(struct json_writer *w, bool v)
{
	size_t start = w->len;

	if (!value_sep(w))
		return;
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
	roll_back(w, start);
}

void json_write_null(struct json_writer *w)
{
	size_t start = w->len;

	if (!value_sep(w))
		return;
	put(w, "null", 4);
	roll_back(w, start);
}

void json_write_raw(struct json_writer *w, const char *json)
{
	size_t start = w->len;

	if (!json || !*json)
		misuse(w); /* not a value */
	if (!value_sep(w))
		return;
	put(w, json, strlen(json));
	roll_back(w, start);
}

/* ---- key and value ---- */

/*
 * The key and its value are one write: when the value does not fit, the
 * key goes too.
 */
#define KV(w, key, value_call)                                                                     \
	do {                                                                                       \
		size_t start_ = (w)->len;                                                          \
                                                                                                   \
		json_write_key(w, key);                                                            \
		value_call;                                                                        \
		roll_back(w, start_);                                                              \
	} while (0)

void json_write_kv_str(struct json_writer *w, const char *key, const char *s)
{
	KV(w, key, json_write_str(w, s));
}

void json_write_kv_int(struct json_writer *w, const char *key, long long v)
{
	KV(w, key, json_write_int(w, v));
}

void json_write_kv_uint(struct json_writer *w, const char *key, unsigned long long v)
{
	KV(w, key, json_write_uint(w, v));
}

void json_write_kv_double(struct json_writer *w, const char *key, double v, int decimals)
{
	KV(w, key, json_write_double(w, v, decimals));
}

void json_write_kv_double_g(struct json_writer *w, const char *key, double v, int digits)
{
	KV(w, key, json_write_double_g(w, v, digits));
}

void json_write_kv_bool(struct json_writer *w, const char *key, bool v)
{
	KV(w, key, json_write_bool(w, v));
}

void json_write_kv_null(struct json_writer *w, const char *key)
{
	KV(w, key, json_write_null(w));
}

void json_write_kv_raw(struct json_writer *w, const char *key, const char *json)
{
	KV(w, key, json_write_raw(w, json));
}

/* ---- the result ---- */

int json_write_part(const struct json_writer *w)
{
	if (w->error)
		return -EINVAL;
	if (w->overflow)
		return -ENOSPC;
	return (int)w->len;
}

void json_write_clear(struct json_writer *w)
{
	w->len = 0;
	if (w->cap)
		w->buf[0] = '\0';
}

int json_write_finish(struct json_writer *w)
{
	const struct json_write_level *l = &w->level[w->depth];
	int r = json_write_part(w);

	if (r == -EINVAL)
		return r;
	if (l->kind == LEVEL_MEMBERS ? l->key : (w->depth != 0 || !l->n)) {
		misuse(w); /* open containers, a dangling key, or no value at all */
		return -EINVAL;
	}
	return r;
}

int json_write_finish_line(struct json_writer *w)
{
	int r = json_write_finish(w);

	if (r < 0)
		return r;
	put(w, "\n", 1);
	return w->overflow ? -ENOSPC : (int)w->len;
}
