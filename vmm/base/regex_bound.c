// SPDX-License-Identifier: MIT
/* regex_bound.c - bound a regex's expansion before regcomp; see regex_bound.h. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/regex_bound.h"

#define MAX_DEPTH 64
#define SATURATE  (1UL << 30)

struct frame {
	unsigned long total; /* the group so far, alternatives added up */
	unsigned long last;  /* the last atom's weight, 0: none to quantify */
	bool quantified;     /* the last atom already has a quantifier */
};

static unsigned long mul(unsigned long a, unsigned long b)
{
	return a && b > SATURATE / a ? SATURATE : a * b;
}

static unsigned long add(unsigned long a, unsigned long b)
{
	return a + b > SATURATE ? SATURATE : a + b;
}

/* A {m}, {m,} or {m,n} bound at p; its length and the copies it makes, or 0. */
static size_t parse_bound(const char *p, unsigned long *copies)
{
	const char *q = p + 1;
	unsigned long m, n;
	char *end;

	/* glibc reads "{,n}" as "{0,n}" */
	if (*q == ',' && isdigit((unsigned char)q[1])) {
		m = 0;
		end = (char *)q;
	} else if (isdigit((unsigned char)*q)) {
		m = strtoul(q, &end, 10);
	} else {
		return 0;
	}
	n = m;
	if (*end == ',') {
		q = end + 1;
		n = isdigit((unsigned char)*q) ? strtoul(q, &end, 10) : m + 1;
		if (!isdigit((unsigned char)*q))
			end = (char *)q;
	}
	if (*end != '}')
		return 0;
	*copies = n > m ? n : m;
	if (*copies == 0)
		*copies = 1;
	return (size_t)(end - p) + 1;
}

/* The end of the bracket expression that starts at p ('['), or NULL. */
static const char *bracket_end(const char *p)
{
	const char *q = p + 1;

	if (*q == '^')
		q++;
	if (*q == ']')
		q++; /* a leading ']' is a member */
	for (; *q; q++) {
		if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			const char *close = strchr(q + 2, q[1]);

			while (close && close[1] != ']')
				close = strchr(close + 1, q[1]);
			if (!close)
				return NULL;
			q = close + 1;
			continue;
		}
		if (*q == ']')
			return q;
	}
	return NULL;
}

static void atom(struct frame *f, unsigned long w)
{
	f->total = add(f->total, w);
	f->last = w;
	f->quantified = false;
}

/* Quantify the last atom by copies; -1 when it has a quantifier already. */
static int quantify(struct frame *f, unsigned long copies)
{
	if (!f->last)
		return 0; /* nothing to repeat: regcomp's to judge */
	if (f->quantified)
		return -1;
	f->total = add(f->total, mul(f->last, copies - 1));
	f->last = mul(f->last, copies);
	f->quantified = true;
	return 0;
}

int regex_bound_check(const char *pattern, char *why, size_t why_len)
{
	struct frame st[MAX_DEPTH + 1] = {{0, 0, false}};
	unsigned int depth = 0;
	size_t len = strlen(pattern);

	why[0] = '\0';
	if (len > REGEX_MAX_LEN) {
		snprintf(why, why_len, "%zu bytes long; keep it to %d", len, REGEX_MAX_LEN);
		return -E2BIG;
	}
	for (const char *p = pattern; *p; p++) {
		struct frame *f = &st[depth];
		unsigned long copies = 0;
		size_t n;

		switch (*p) {
		case '\\':
			if (p[1] >= '1' && p[1] <= '9') {
				snprintf(why, why_len,
					 "\"\\%c\" is a back-reference, whose match can take "
					 "exponential time; --expect takes none",
					 p[1]);
				return -E2BIG;
			}
			atom(f, 1);
			if (p[1])
				p++;
			continue;
		case '[': {
			const char *e = bracket_end(p);

			atom(f, 1);
			if (e)
				p = e;
			continue;
		}
		case '(':
			if (depth == MAX_DEPTH) {
				snprintf(why, why_len, "groups nest deeper than %d", MAX_DEPTH);
				return -E2BIG;
			}
			st[++depth] = (struct frame){0, 0, false};
			continue;
		case ')':
			if (!depth) {
				atom(f, 1);
				continue;
			}
			depth--;
			atom(&st[depth], f->total ? f->total : 1);
			continue;
		case '|':
			f->last = 0;
			f->quantified = false;
			continue;
		case '*':
		case '?':
			copies = 1;
			n = 1;
			break;
		case '+':
			copies = 2;
			n = 1;
			break;
		case '{':
			n = parse_bound(p, &copies);
			if (!n) {
				atom(f, 1);
				continue;
			}
			break;
		default:
			atom(f, 1);
			continue;
		}
		if (quantify(f, copies) < 0) {
			snprintf(
			    why, why_len,
			    "\"%.*s\" stacks a quantifier on a quantified atom; give each atom "
			    "one (\"a+\", not \"a++\")",
			    (int)n, p);
			return -E2BIG;
		}
		p += n - 1;
	}
	while (depth) {
		unsigned long w = st[depth].total;

		depth--;
		atom(&st[depth], w ? w : 1);
	}
	if (st[0].total > REGEX_MAX_WEIGHT) {
		snprintf(why, why_len,
			 "its repetitions expand it to over %d atoms; use smaller {m,n} bounds "
			 "or nest fewer of them",
			 REGEX_MAX_WEIGHT);
		return -E2BIG;
	}
	return 0;
}
