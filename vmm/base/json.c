// SPDX-License-Identifier: MIT
/*
 * json.c - strict RFC 8259 reader; see json.h.
 *
 * A recursive-descent parser whose recursion is bounded by JSON_MAX_DEPTH
 * (checked before each descent), so hostile nesting costs one error, not the
 * stack. A node that fails to parse frees what it built and is left as a
 * JSON_NULL without allocations, so every error path unwinds cleanly.
 */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/json.h"
#include "vmm/base/json_write.h"
#include "vmm/base/utf8.h"
#include "vmm/base/util.h"

#define NUMBER_MAX 128 /* longest number text accepted, in bytes */

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	int depth;
	int rc; /* first error: -EINVAL or -ENOMEM */
	char *err;
	size_t errlen;
};

/* Record the first error at byte offset at, with its 1-based line and column. */
static int PRINTF(3, 4) fail(struct parser *p, size_t at, const char *fmt, ...)
{
	size_t line = 1, col = 1, n;
	va_list ap;

	if (p->rc)
		return p->rc;
	p->rc = -EINVAL;
	if (!p->err || !p->errlen)
		return p->rc;
	for (size_t i = 0; i < at && i < p->len; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	snprintf(p->err, p->errlen, "line %zu column %zu: ", line, col);
	n = strlen(p->err);
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return p->rc;
}

static int no_memory(struct parser *p)
{
	if (!p->rc && p->err && p->errlen)
		snprintf(p->err, p->errlen, "out of memory");
	p->rc = -ENOMEM;
	return p->rc;
}

/* What is at offset at, for "got ..." in messages. */
static const char *what_at(const struct parser *p, size_t at, char *buf, size_t len)
{
	unsigned char c;

	if (at >= p->len)
		return "end of input";
	c = (unsigned char)p->s[at];
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", c);
	return buf;
}

/*
 * A decoded key (klen bytes; \u escapes may have put control characters in
 * it) as one line of text for a message: escaped by json_escape(), C1
 * controls included; KEY_SHOWN bytes of it at most, then "...".
 */
#define KEY_SHOWN    64
#define KEY_TEXT_MAX (KEY_SHOWN * 6 + sizeof("..."))
static const char *key_text(const char *key, size_t klen, char *buf, size_t cap)
{
	size_t n = json_escape(buf, cap, key, MIN(klen, KEY_SHOWN));

	if (klen > KEY_SHOWN && n + sizeof("...") <= cap)
		memcpy(buf + n, "...", sizeof("..."));
	return buf;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static void node_clear(struct json *v)
{
	switch (v->type) {
	case JSON_STRING:
		free(v->str);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		for (size_t i = 0; i < v->n; i++) {
			node_clear(&v->items[i]);
			if (v->keys)
				free(v->keys[i]);
		}
		free(v->items);
		free(v->keys);
		break;
	default:
		break;
	}
	memset(v, 0, sizeof(*v));
}

void json_free(struct json *v)
{
	if (!v)
		return;
	node_clear(v);
	free(v);
}

static int parse_value(struct parser *p, struct json *v);

/* ---- strings ---- */

static int hex4(const char *s, unsigned int *out)
{
	char h[5] = "";

	for (int i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		h[i] = s[i];
	}
	*out = (unsigned int)strtoul(h, NULL, 16);
	return 0;
}

/* One \uXXXX escape (or a surrogate pair) at p->pos (the backslash) into o. */
static int parse_u_escape(struct parser *p, char *o, size_t *olen)
{
	const char *s = p->s;
	size_t at = p->pos;
	unsigned int cp, lo;

	if (p->len - at < 6 || hex4(s + at + 2, &cp) < 0)
		return fail(p, at, "\\u must be followed by 4 hex digits");
	if (cp == 0)
		return fail(p, at, "\\u0000 is not allowed in strings");
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(p, at, "lone low surrogate \\u%04x", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->len - at < 12 || s[at + 6] != '\\' || s[at + 7] != 'u' ||
		    hex4(s + at + 8, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return fail(p, at, "high surrogate \\u%04x not followed by a low surrogate",
				    cp);
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p->pos += 6;
	}
	p->pos += 6;
	*olen = utf8_put(o, cp);
	return 0;
}

/* A string at p->pos (the opening quote): decoded into a malloc'd *out. */
static int parse_string(struct parser *p, char **out, size_t *out_len)
{
	static const char esc_from[] = "\"\\/bfnrt", esc_to[] = "\"\\/\b\f\n\r\t";
	size_t start = p->pos, end, n = 0;
	char *buf;

	/* Decoding never grows the text, so the raw span bounds the buffer. */
	for (end = start + 1; end < p->len && p->s[end] != '"'; end++)
		if (p->s[end] == '\\')
			end++;
	buf = malloc(MIN(end, p->len) - start);
	if (!buf)
		return no_memory(p);
	p->pos++;
	for (;;) {
		unsigned char c;
		size_t k = 0;
		char esc;

		if (p->pos >= p->len) {
			fail(p, start, "unterminated string");
			goto err;
		}
		c = (unsigned char)p->s[p->pos];
		if (c == '"')
			break;
		if (c < 0x20) {
			fail(p, p->pos, "control character 0x%02x in a string; escape it", c);
			goto err;
		}
		if (c != '\\') {
			k = utf8_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
			if (!k) {
				fail(p, p->pos, "invalid UTF-8 in a string");
				goto err;
			}
			memcpy(buf + n, p->s + p->pos, k);
			n += k;
			p->pos += k;
			continue;
		}
		if (p->pos + 1 >= p->len) {
			fail(p, start, "unterminated string");
			goto err;
		}
		esc = p->s[p->pos + 1];
		if (esc == 'u') {
			if (parse_u_escape(p, buf + n, &k) < 0)
				goto err;
			n += k;
			continue;
		}
		if (!esc || !strchr(esc_from, esc)) {
			char what[16];

			fail(p, p->pos, "invalid escape: '\\' followed by %s",
			     what_at(p, p->pos + 1, what, sizeof(what)));
			goto err;
		}
		buf[n++] = esc_to[strchr(esc_from, esc) - esc_from];
		p->pos += 2;
	}
	p->pos++; /* the closing quote */
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return 0;
err:
	free(buf);
	return p->rc;
}

/* ---- numbers and literals ---- */

static bool is_digit(const struct parser *p, size_t at)
{
	return at < p->len && p->s[at] >= '0' && p->s[at] <= '9';
}

static int parse_number(struct parser *p, struct json *v)
{
	size_t start = p->pos, i = p->pos;
	char buf[NUMBER_MAX + 1], *end;
	double d;

	if (i < p->len && p->s[i] == '-')
		i++;
	if (!is_digit(p, i))
		return fail(p, i, "expected a digit after '-'");
	if (p->s[i] == '0' && is_digit(p, i + 1))
		return fail(p, start, "leading zeros are not allowed in numbers");
	while (is_digit(p, i))
		i++;
	if (i < p->len && p->s[i] == '.') {
		if (!is_digit(p, ++i))
			return fail(p, i, "expected a digit after '.'");
		while (is_digit(p, i))
			i++;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		if (++i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		if (!is_digit(p, i))
			return fail(p, i, "expected a digit in the exponent");
		while (is_digit(p, i))
			i++;
	}
	if (i - start > NUMBER_MAX)
		return fail(p, start, "number longer than %d characters", NUMBER_MAX);
	memcpy(buf, p->s + start, i - start);
	buf[i - start] = '\0';
	errno = 0;
	d = strtod(buf, &end);
	if (*end)
		return fail(p, start, "number not understood by strtod (locale?)");
	if (d > DBL_MAX || d < -DBL_MAX)
		return fail(p, start, "number out of range");
	v->type = JSON_NUMBER;
	v->number = d; /* an underflow (1e-400) is 0 or a denormal: fine */
	p->pos = i;
	return 0;
}

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return false;
	p->pos += n;
	return true;
}

/* ---- containers ---- */

/* Make room for one more member; items (and keys) have the same capacity. */
static int grow(struct parser *p, struct json *v, size_t *cap)
{
	struct json *items;
	size_t ncap;

	if (v->n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 4;
	items = realloc(v->items, ncap * sizeof(*items));
	if (!items)
		return no_memory(p);
	v->items = items;
	if (v->type == JSON_OBJECT) {
		char **keys = realloc(v->keys, ncap * sizeof(*keys));

		if (!keys)
			return no_memory(p);
		v->keys = keys;
	}
	*cap = ncap;
	return 0;
}

/* An open-addressing set of member indices, to find duplicate keys in O(n). */
struct keyset {
	size_t *slot; /* index + 1, or 0: empty */
	size_t cap;   /* a power of 2, kept over twice the members */
};

static size_t key_hash(const char *k)
{
	size_t h = 14695981039346656037ULL;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t keyset_find(const struct keyset *ks, char **keys, const char *key)
{
	size_t h = key_hash(key) & (ks->cap - 1);

	while (ks->slot[h] && strcmp(keys[ks->slot[h] - 1], key) != 0)
		h = (h + 1) & (ks->cap - 1);
	return h;
}

/* 1 when keys[i] repeats an earlier key, 0 after adding it, -ENOMEM. */
static int keyset_add(struct keyset *ks, char **keys, size_t i)
{
	size_t h;

	if (2 * (i + 1) > ks->cap) {
		size_t ncap = ks->cap ? ks->cap * 2 : 16;
		size_t *slot = calloc(ncap, sizeof(*slot));

		if (!slot)
			return -ENOMEM;
		free(ks->slot);
		ks->slot = slot;
		ks->cap = ncap;
		for (size_t j = 0; j < i; j++)
			ks->slot[keyset_find(ks, keys, keys[j])] = j + 1;
	}
	h = keyset_find(ks, keys, keys[i]);
	if (ks->slot[h])
		return 1;
	ks->slot[h] = i + 1;
	return 0;
}

static int parse_object(struct parser *p, struct json *v)
{
	struct keyset ks = {NULL, 0};
	size_t cap = 0;
	char what[16];

	v->type = JSON_OBJECT;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		return 0;
	}
	for (;;) {
		size_t key_at = p->pos, klen;
		char *key;
		int r;

		if (p->pos >= p->len || p->s[p->pos] != '"') {
			if (v->n && p->pos < p->len && p->s[p->pos] == '}')
				fail(p, p->pos, "trailing comma before '}'");
			else
				fail(p, p->pos, "expected a string key, got %s",
				     what_at(p, p->pos, what, sizeof(what)));
			goto err;
		}
		if (grow(p, v, &cap) < 0 || parse_string(p, &key, &klen) < 0)
			goto err;
		v->keys[v->n] = key;
		memset(&v->items[v->n], 0, sizeof(v->items[0]));
		v->n++; /* the value is a JSON_NULL until it parses */
		r = keyset_add(&ks, v->keys, v->n - 1);
		if (r < 0) {
			no_memory(p);
			goto err;
		}
		if (r) {
			char shown[KEY_TEXT_MAX];

			fail(p, key_at, "duplicate key \"%s\"",
			     key_text(key, klen, shown, sizeof(shown)));
			goto err;
		}
		skip_ws(p);
		if (p->pos >= p->len || p->s[p->pos] != ':') {
			fail(p, p->pos, "expected ':' after object key, got %s",
			     what_at(p, p->pos, what, sizeof(what)));
			goto err;
		}
		p->pos++;
		skip_ws(p);
		if (parse_value(p, &v->items[v->n - 1]) < 0)
			goto err;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == '}')
			break;
		if (p->pos >= p->len || p->s[p->pos] != ',') {
			fail(p, p->pos, "expected ',' or '}' after object member, got %s",
			     what_at(p, p->pos, what, sizeof(what)));
			goto err;
		}
		p->pos++;
		skip_ws(p);
	}
	p->pos++;
	free(ks.slot);
	return 0;
err:
	free(ks.slot);
	node_clear(v);
	return p->rc;
}

static int parse_array(struct parser *p, struct json *v)
{
	size_t cap = 0;
	char what[16];

	v->type = JSON_ARRAY;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == ']') {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (v->n && p->pos < p->len && p->s[p->pos] == ']') {
			fail(p, p->pos, "trailing comma before ']'");
			goto err;
		}
		if (grow(p, v, &cap) < 0)
			goto err;
		memset(&v->items[v->n], 0, sizeof(v->items[0]));
		v->n++;
		if (parse_value(p, &v->items[v->n - 1]) < 0)
			goto err;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ']')
			break;
		if (p->pos >= p->len || p->s[p->pos] != ',') {
			fail(p, p->pos, "expected ',' or ']' after array element, got %s",
			     what_at(p, p->pos, what, sizeof(what)));
			goto err;
		}
		p->pos++;
		skip_ws(p);
	}
	p->pos++;
	return 0;
err:
	node_clear(v);
	return p->rc;
}

/* A value at p->pos (whitespace skipped) into *v, which is zeroed. */
static int parse_value(struct parser *p, struct json *v)
{
	char what[16];
	int r;

	if (p->pos >= p->len)
		return fail(p, p->pos, "expected a value, got end of input");
	switch (p->s[p->pos]) {
	case '{':
	case '[':
		if (p->depth == JSON_MAX_DEPTH)
			return fail(p, p->pos, "nested deeper than %d levels", JSON_MAX_DEPTH);
		p->depth++;
		r = p->s[p->pos] == '{' ? parse_object(p, v) : parse_array(p, v);
		p->depth--;
		return r;
	case '"':
		v->type = JSON_STRING;
		r = parse_string(p, &v->str, &v->str_len);
		if (r < 0)
			v->type = JSON_NULL;
		return r;
	case '-':
	case '0' ... '9':
		return parse_number(p, v);
	case '\'':
		return fail(p, p->pos, "strings take double quotes, not single quotes");
	case '/':
		return fail(p, p->pos, "comments are not allowed in JSON");
	}
	if (literal(p, "true") || literal(p, "false")) {
		v->type = JSON_BOOL;
		v->boolean = p->s[p->pos - 4] == 't';
		return 0;
	}
	if (literal(p, "null"))
		return 0; /* v is a JSON_NULL already */
	return fail(p, p->pos, "expected a value, got %s", what_at(p, p->pos, what, sizeof(what)));
}

int json_parse(const char *text, size_t len, struct json **out, char *err, size_t errlen)
{
	struct parser p = {.s = text, .len = len, .err = err, .errlen = errlen};
	struct json *v;
	char what[16];

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (len > JSON_MAX_TEXT) {
		if (err && errlen)
			snprintf(err, errlen, "text is %zu bytes, over the %u-byte limit", len,
				 JSON_MAX_TEXT);
		return -E2BIG;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return no_memory(&p);
	skip_ws(&p);
	if (parse_value(&p, v) < 0)
		goto err;
	skip_ws(&p);
	if (p.pos < p.len) {
		fail(&p, p.pos, "unexpected %s after the value",
		     what_at(&p, p.pos, what, sizeof(what)));
		goto err;
	}
	*out = v;
	return 0;
err:
	json_free(v);
	return p.rc;
}
