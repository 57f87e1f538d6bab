// SPDX-License-Identifier: MIT
/*
 * config_file.c - --config FILE: a JSON object of options, applied one by
 * one; see config_file.h.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/cmd/config_file.h"
#include "vmm/base/err.h"
#include "vmm/base/util.h"
#include "vmm/base/json_write.h"

/* A key from the file, for a one-line message: escaped as JSON writes it
 * (a \u escape may have put control characters in it), 64 bytes at most. */
#define KEY_ESC_MAX (64 * 6 + 1)
static const char *shown(const char *key, char *esc, size_t cap)
{
	json_escape(esc, cap, key, strnlen(key, 64));
	return esc;
}

/* Keys that name options but make no sense in a file. */
static const char *const refused_keys[] = {"config", "help", "version", NULL};

struct ctx {
	const char *path; /* for messages */
	config_file_apply_fn apply;
	void *opaque;
};

/* A number as an option's text: integers as such, others round-tripping. */
static void format_number(double d, char *buf, size_t len)
{
	int64_t i;
	struct json j = {.type = JSON_NUMBER, .number = d};

	if (json_int(&j, INT64_MIN, INT64_MAX, &i) == 0) {
		snprintf(buf, len, "%lld", (long long)i);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* Turn a number node into the string node of its text, so the text lives as
 * long as the document. */
static int number_to_string(struct ctx *x, struct json *v)
{
	char num[40];
	char *s;

	format_number(v->number, num, sizeof(num));
	s = strdup(num);
	if (!s)
		return err_host(-ENOMEM, "config %s: out of memory", x->path);
	v->type = JSON_STRING;
	v->str = s;
	v->str_len = strlen(s);
	return 0;
}

/* One --vf item: a string as is, or {"bdf": ..., key: value...} as "BDF,key=value,...". */
static int vf_item(struct ctx *x, const struct json *it, size_t idx)
{
	const char *bdf = json_get_str(it, "bdf");
	char *s = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (it->type == JSON_STRING)
		return x->apply(x->opaque, "vf", it->str);
	if (it->type != JSON_OBJECT)
		return err_user(-EINVAL,
				"config %s: key \"vf\" item %zu: expected a string or an object, "
				"got %s",
				x->path, idx, json_type_name(it->type));
	if (!bdf)
		return err_user(-EINVAL,
				"config %s: key \"vf\" item %zu: needs \"bdf\": a PCI address "
				"string, e.g. {\"bdf\": \"0000:01:10.0\"}",
				x->path, idx);
	f = open_memstream(&s, &len);
	if (!f)
		return err_host(-ENOMEM, "config %s: out of memory", x->path);
	fprintf(f, "%s", bdf);
	for (size_t i = 0; i < it->n; i++) {
		const struct json *m = &it->items[i];
		const char *k = it->keys[i];
		char esc[KEY_ESC_MAX];
		int64_t n;

		if (strcmp(k, "bdf") == 0)
			continue;
		if (!*k || strpbrk(k, ",=") || (m->type == JSON_STRING && strpbrk(m->str, ","))) {
			r = err_user(-EINVAL,
				     "config %s: key \"vf\" item %zu: \"%s\": keys must be "
				     "non-empty and without ',' or '=', values without ','",
				     x->path, idx, shown(k, esc, sizeof(esc)));
			goto out;
		}
		if (m->type == JSON_STRING) {
			fprintf(f, ",%s=%s", k, m->str);
		} else if (m->type == JSON_BOOL) {
			fprintf(f, ",%s=%s", k, m->boolean ? "on" : "off");
		} else if (json_int(m, INT64_MIN, INT64_MAX, &n) == 0) {
			fprintf(f, ",%s=%lld", k, (long long)n);
		} else {
			r = err_user(-EINVAL,
				     "config %s: key \"vf\" item %zu: \"%s\": expected a string, "
				     "an integer or true/false, got %s",
				     x->path, idx, k,
				     m->type == JSON_NUMBER ? "a fraction"
							    : json_type_name(m->type));
			goto out;
		}
	}
	if (fclose(f) != 0) {
		f = NULL;
		r = err_host(-ENOMEM, "config %s: out of memory", x->path);
		goto out;
	}
	f = NULL;
	r = x->apply(x->opaque, "vf", s); /* parsed into the config: s need not live on */
out:
	if (f)
		fclose(f);
	free(s);
	return r;
}

/* Apply one key. */
static int apply_key(struct ctx *x, const char *key, struct json *v, bool takes_arg)
{
	int r;

	if (!takes_arg) {
		if (v->type != JSON_BOOL)
			return err_user(-EINVAL,
					"config %s: key \"%s\": expected true or false, got %s",
					x->path, key, json_type_name(v->type));
		return v->boolean ? x->apply(x->opaque, key, NULL) : 0;
	}
	if (strcmp(key, "vf") == 0) {
		if (v->type != JSON_ARRAY)
			return err_user(
			    -EINVAL,
			    "config %s: key \"vf\": expected an array of --vf strings or "
			    "objects, got %s",
			    x->path, json_type_name(v->type));
		for (size_t i = 0; i < v->n; i++) {
			r = vf_item(x, &v->items[i], i);
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (v->type == JSON_NUMBER) {
		r = number_to_string(x, v);
		if (r < 0)
			return r;
	}
	if (v->type == JSON_STRING)
		return x->apply(x->opaque, key, v->str);
	return err_user(-EINVAL, "config %s: key \"%s\": expected a string or number, got %s",
			x->path, key, json_type_name(v->type));
}

static bool listed(const char *const *list, const char *key)
{
	for (; list && *list; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

int config_file_apply(struct json *root, const char *path, config_file_lookup_fn lookup,
		      config_file_apply_fn apply, void *opaque)
{
	struct ctx x = {.path = path, .apply = apply, .opaque = opaque};

	if (root->type != JSON_OBJECT)
		return err_user(
		    -EINVAL, "config %s: expected a JSON object of option names and values, got %s",
		    path, json_type_name(root->type));
	for (size_t i = 0; i < root->n; i++) {
		const char *key = root->keys[i];
		char esc[KEY_ESC_MAX];
		bool takes_arg = false;
		int r;

		if (listed(refused_keys, key))
			return err_user(-EINVAL,
					"config %s: key \"%s\" is not allowed in a config file",
					path, key);
		if (lookup(key, &takes_arg) < 0)
			return err_user(-EINVAL,
					"config %s: unknown key \"%s\" (see tinyvmm --help for the "
					"option names)",
					path, shown(key, esc, sizeof(esc)));
		r = apply_key(&x, key, &root->items[i], takes_arg);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The whole of path into a malloc'd buffer. */
static int read_file(const char *path, char **buf, size_t *len)
{
	int fd = *path ? open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : -1;
	size_t n = 0;
	struct stat st;
	char *b;
	int e;

	if (!*path)
		return err_user(-EINVAL, "--config: empty file name; give the path of a JSON file");
	if (fd < 0 || fstat(fd, &st) < 0) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		return err_file(r, "config %s: %s", path, strerror(-r));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_user(-EINVAL,
				"config %s: not a regular file; save the JSON to a file and give "
				"its path (a pipe or <(...) is not read)",
				path);
	}
	b = malloc(JSON_MAX_TEXT + 1);
	if (!b) {
		close(fd);
		return err_host(-ENOMEM, "config %s: out of memory", path);
	}
	for (;;) {
		ssize_t r = read(fd, b + n, JSON_MAX_TEXT + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = err_file(-errno, "config %s: %s", path, strerror(errno));
			goto err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > JSON_MAX_TEXT) {
			e = err_user(-EFBIG,
				     "config %s: larger than %u bytes; is it the right file?", path,
				     JSON_MAX_TEXT);
			goto err;
		}
	}
	close(fd);
	*buf = b;
	*len = n;
	return 0;
err:
	close(fd);
	free(b);
	return e;
}

int config_file_load(const char *path, config_file_lookup_fn lookup, config_file_apply_fn apply,
		     void *opaque, struct json **doc)
{
	struct json *root;
	char *text = NULL, err[160];
	size_t len = 0;
	int r;

	*doc = NULL;
	r = read_file(path, &text, &len);
	if (r < 0)
		return r;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		free(text);
		return err_user(-EINVAL,
				"config %s: starts with a UTF-8 byte-order mark, which JSON does "
				"not take; save the file as UTF-8 without a BOM",
				path);
	}
	r = json_parse(text, len, &root, err, sizeof(err));
	free(text);
	if (r < 0)
		return r == -ENOMEM ? err_host(r, "config %s: out of memory", path)
				    : err_user(-EINVAL, "config %s: %s", path, err);
	*doc = root;
	return config_file_apply(root, path, lookup, apply, opaque);
}
