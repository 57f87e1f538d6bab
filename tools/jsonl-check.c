// SPDX-License-Identifier: MIT
/*
 * jsonl-check - check a JSON-lines event log (tinyvmm --events) in the lab host,
 * which has no python or jq. Plain C, libc only, plus vmm/base/json.c.
 *
 *   jsonl-check [--require-order EV1,EV2,...] [--field EVENT.KEY=VALUE]... FILE
 *
 * Every line must be a JSON object with a number "ts" and a string "event",
 * and ts never decreases. --require-order: each event appears after (the
 * first match of) the one before it. --field: EVENT appears, and on every
 * line of that event member KEY renders as VALUE (strings unquoted, integers
 * as %lld, other numbers as %.17g, true/false/null). Prints one line per
 * problem ("jsonl-check FILE:LINE: ..."), then "jsonl-check: N lines ok" or
 * "jsonl-check: N problems in M lines". Exit 0 when all checks pass, 1 when
 * one fails, 2 on a usage error.
 *
 *   jsonl-check --json FILE
 *
 * checks instead that FILE as a whole is one JSON document (tinyvmm vf list
 * --json): "jsonl-check: FILE is valid JSON (<type>)" or the parse error.
 */
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/json.h"

#define MAX_ITEMS 64

struct field {
	char *event, *key, *value;
	unsigned long seen;
};

static const char *path;
static unsigned long problems;

static void __attribute__((format(printf, 2, 3))) problem(unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (line)
		printf("jsonl-check %s:%lu: ", path, line);
	else
		printf("jsonl-check %s: ", path);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	problems++;
}

static int usage(const char *why)
{
	fprintf(stderr,
		"jsonl-check: %s\nusage: jsonl-check [--require-order EV1,EV2,...] "
		"[--field EVENT.KEY=VALUE]... FILE\n       jsonl-check --json FILE\n",
		why);
	return 2;
}

/* --json: the whole file is one JSON document. */
static int check_document(const char *file)
{
	static char text[JSON_MAX_TEXT + 1];
	char err[160];
	struct json *v;
	size_t n;
	FILE *f = fopen(file, "r");

	if (!f) {
		fprintf(stderr, "jsonl-check %s: %s\n", file, strerror(errno));
		return 1;
	}
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	if (json_parse(text, n, &v, err, sizeof(err)) < 0) {
		printf("jsonl-check %s: %s\n", file, err);
		return 1;
	}
	printf("jsonl-check: %s is valid JSON (%s)\n", file, json_type_name(v->type));
	json_free(v);
	return 0;
}

/* The value as --field compares it. */
static const char *render(const struct json *m, char *buf, size_t len)
{
	int64_t i;

	switch (m->type) {
	case JSON_STRING:
		return m->str;
	case JSON_NUMBER:
		if (json_int(m, INT64_MIN, INT64_MAX, &i) == 0)
			snprintf(buf, len, "%lld", (long long)i);
		else
			snprintf(buf, len, "%.17g", m->number);
		return buf;
	case JSON_BOOL:
		return m->boolean ? "true" : "false";
	case JSON_NULL:
		return "null";
	default:
		snprintf(buf, len, "<%s>", json_type_name(m->type));
		return buf;
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"require-order", required_argument, NULL, 'o'},
	    {"field", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	char *order[MAX_ITEMS], *line = NULL, err[160], buf[64];
	struct field fields[MAX_ITEMS];
	size_t norder = 0, nfields = 0, next = 0, cap = 0;
	unsigned long lineno = 0, order_line = 0;
	double last_ts = -DBL_MAX;
	ssize_t len;
	bool document = false;
	FILE *f;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'o') {
			for (char *tok = strtok(optarg, ","); tok; tok = strtok(NULL, ",")) {
				if (norder == MAX_ITEMS)
					return usage("--require-order: too many events");
				order[norder++] = tok;
			}
		} else if (c == 'f') {
			struct field *fl = &fields[nfields];
			char *dot = strchr(optarg, '.'), *eq = dot ? strchr(dot, '=') : NULL;

			if (nfields == MAX_ITEMS)
				return usage("--field: given too many times");
			if (!dot || dot == optarg || !eq || eq == dot + 1)
				return usage(
				    "--field: give EVENT.KEY=VALUE, e.g. guest-exit.code=0");
			*dot = *eq = '\0';
			*fl = (struct field){optarg, dot + 1, eq + 1, 0};
			nfields++;
		} else if (c == 'j') {
			document = true;
		} else {
			return usage("unknown option or missing argument");
		}
	}
	if (optind != argc - 1)
		return usage("give exactly one FILE");
	path = argv[optind];
	if (document)
		return check_document(path);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "jsonl-check %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct json *v;
		const struct json *ts;
		const char *ev;

		lineno++;
		if (len && line[len - 1] == '\n')
			len--;
		if (json_parse(line, (size_t)len, &v, err, sizeof(err)) < 0) {
			problem(lineno, "%s", err);
			continue;
		}
		ts = json_get(v, "ts");
		ev = json_get_str(v, "event");
		if (v->type != JSON_OBJECT)
			problem(lineno, "not an object: got %s", json_type_name(v->type));
		else if (!ts || ts->type != JSON_NUMBER)
			problem(lineno, "no number \"ts\"");
		else if (!ev)
			problem(lineno, "no string \"event\"");
		if (ts && ts->type == JSON_NUMBER) {
			if (ts->number < last_ts)
				problem(lineno, "ts %.6f is before the previous %.6f", ts->number,
					last_ts);
			last_ts = ts->number;
		}
		if (ev && next < norder && strcmp(ev, order[next]) == 0) {
			next++;
			order_line = lineno;
		}
		for (size_t i = 0; ev && i < nfields; i++) {
			const struct json *m = json_get(v, fields[i].key);
			const char *got;

			if (strcmp(ev, fields[i].event) != 0)
				continue;
			fields[i].seen++;
			if (!m) {
				problem(lineno, "%s: no member \"%s\"", ev, fields[i].key);
				continue;
			}
			got = render(m, buf, sizeof(buf));
			if (strcmp(got, fields[i].value) != 0)
				problem(lineno, "%s: %s is \"%s\", expected \"%s\"", ev,
					fields[i].key, got, fields[i].value);
		}
		json_free(v);
	}
	if (ferror(f))
		problem(0, "read error: %s", strerror(errno));
	fclose(f);
	free(line);
	if (!lineno)
		problem(0, "empty; expected JSON lines");
	if (next < norder && next)
		problem(0, "no \"%s\" event after \"%s\" (line %lu)", order[next], order[next - 1],
			order_line);
	else if (next < norder)
		problem(0, "no \"%s\" event", order[next]);
	for (size_t i = 0; i < nfields; i++)
		if (!fields[i].seen)
			problem(0, "no \"%s\" event to check %s=%s", fields[i].event, fields[i].key,
				fields[i].value);
	if (problems) {
		printf("jsonl-check: %lu problem(s) in %lu lines\n", problems, lineno);
		return 1;
	}
	printf("jsonl-check: %lu lines ok\n", lineno);
	return 0;
}
