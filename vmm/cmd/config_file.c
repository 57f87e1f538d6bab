// SPDX-License-Identifier: MIT
/* config_file.c - --config FILE into option words; see config_file.h. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/cmd/config_file.h"
#include "vmm/base/log.h"
#include "vmm/base/util.h"

/* Keys that name options but make no sense in a file. */
static const char *const refused_keys[] = {"config", "help", "version", NULL};

/* The words built so far, each malloc'd. */
struct words {
	char **w;
	size_t n, cap;
	const char *path; /* for messages */
};

static int PRINTF(2, 3) words_add(struct words *ws, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	if (ws->n == ws->cap) {
		size_t ncap = ws->cap ? ws->cap * 2 : 16;
		char **w = realloc(ws->w, ncap * sizeof(*w));

		if (!w)
			goto nomem;
		ws->w = w;
		ws->cap = ncap;
	}
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		goto nomem;
	ws->w[ws->n++] = s;
	return 0;
nomem:
	log_err("config %s: out of memory", ws->path);
	return -ENOMEM;
}

static void words_free(struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->w[i]);
	free(ws->w);
}

/* A number as an option argument: integers as such, others round-tripping. */
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

/* One --vf item: a string as is, or {"bdf": ..., key: value...} as "BDF,key=value,...". */
static int vf_item(struct words *ws, const struct json *it, size_t idx)
{
	const char *bdf = json_get_str(it, "bdf");
	char *s = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (it->type == JSON_STRING)
		return words_add(ws, "--vf=%s", it->str);
	if (it->type != JSON_OBJECT) {
		log_err("config %s: key \"vf\" item %zu: expected a string or an object, got %s",
			ws->path, idx, json_type_name(it->type));
		return -EINVAL;
	}
	if (!bdf) {
		log_err("config %s: key \"vf\" item %zu: needs \"bdf\": a PCI address string, "
			"e.g. {\"bdf\": \"0000:01:10.0\"}",
			ws->path, idx);
		return -EINVAL;
	}
	f = open_memstream(&s, &len);
	if (!f) {
		log_err("config %s: out of memory", ws->path);
		return -ENOMEM;
	}
	fprintf(f, "--vf=%s", bdf);
	for (size_t i = 0; i < it->n; i++) {
		const struct json *m = &it->items[i];
		const char *k = it->keys[i];
		char num[32];
		int64_t n;

		if (strcmp(k, "bdf") == 0)
			continue;
		if (!*k || strpbrk(k, ",=") || (m->type == JSON_STRING && strpbrk(m->str, ","))) {
			log_err(
			    "config %s: key \"vf\" item %zu: \"%s\": keys must be non-empty and "
			    "without ',' or '=', values without ','",
			    ws->path, idx, k);
			goto bad;
		}
		if (m->type == JSON_STRING) {
			fprintf(f, ",%s=%s", k, m->str);
		} else if (m->type == JSON_BOOL) {
			fprintf(f, ",%s=%s", k, m->boolean ? "on" : "off");
		} else if (json_int(m, INT64_MIN, INT64_MAX, &n) == 0) {
			snprintf(num, sizeof(num), "%lld", (long long)n);
			fprintf(f, ",%s=%s", k, num);
		} else {
			log_err("config %s: key \"vf\" item %zu: \"%s\": expected a string, an "
				"integer or true/false, got %s",
				ws->path, idx, k,
				m->type == JSON_NUMBER ? "a fraction" : json_type_name(m->type));
			goto bad;
		}
	}
	if (fclose(f) != 0) {
		free(s);
		log_err("config %s: out of memory", ws->path);
		return -ENOMEM;
	}
	r = words_add(ws, "%s", s);
	free(s);
	return r;
bad:
	fclose(f);
	free(s);
	return -EINVAL;
}

/* The words of one key. */
static int key_words(struct words *ws, const char *key, const struct json *v, bool takes_arg)
{
	char num[40];

	if (!takes_arg) {
		if (v->type != JSON_BOOL) {
			log_err("config %s: key \"%s\": expected true or false, got %s", ws->path,
				key, json_type_name(v->type));
			return -EINVAL;
		}
		return v->boolean ? words_add(ws, "--%s", key) : 0;
	}
	if (strcmp(key, "vf") == 0) {
		if (v->type != JSON_ARRAY) {
			log_err(
			    "config %s: key \"vf\": expected an array of --vf strings or objects, "
			    "got %s",
			    ws->path, json_type_name(v->type));
			return -EINVAL;
		}
		for (size_t i = 0; i < v->n; i++) {
			int r = vf_item(ws, &v->items[i], i);

			if (r < 0)
				return r;
		}
		return 0;
	}
	if (v->type == JSON_STRING)
		return words_add(ws, "--%s=%s", key, v->str);
	if (v->type == JSON_NUMBER) {
		format_number(v->number, num, sizeof(num));
		return words_add(ws, "--%s=%s", key, num);
	}
	log_err("config %s: key \"%s\": expected a string or number, got %s", ws->path, key,
		json_type_name(v->type));
	return -EINVAL;
}

static bool listed(const char *const *list, const char *key)
{
	for (; list && *list; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

/* argv[0], the file's words, then argv[1..], in one allocation. */
static int pack(struct words *ws, int argc, char **argv, char ***out, int *out_argc)
{
	size_t nargs = argc > 1 ? (size_t)argc - 1 : 0, count = 1 + ws->n + nargs;
	size_t size = (count + 1) * sizeof(char *);
	char **a, *s;
	size_t k = 0;

	for (size_t i = 0; i < ws->n; i++)
		size += strlen(ws->w[i]) + 1;
	a = malloc(size);
	if (!a) {
		log_err("config %s: out of memory", ws->path);
		return -ENOMEM;
	}
	s = (char *)(a + count + 1);
	a[k++] = argc > 0 && argv[0] ? argv[0] : (char *)"tinyvmm";
	for (size_t i = 0; i < ws->n; i++) {
		a[k++] = strcpy(s, ws->w[i]);
		s += strlen(s) + 1;
	}
	for (size_t i = 0; i < nargs; i++)
		a[k++] = argv[i + 1];
	a[k] = NULL;
	*out = a;
	*out_argc = (int)count;
	return 0;
}

int config_file_build(const struct json *root, const char *path, config_file_lookup_fn lookup,
		      const char *const *skip, int argc, char **argv, char ***out, int *out_argc)
{
	struct words ws = {.path = path};
	int r = 0;

	*out = NULL;
	*out_argc = 0;
	if (root->type != JSON_OBJECT) {
		log_err("config %s: expected a JSON object of option names and values, got %s",
			path, json_type_name(root->type));
		return -EINVAL;
	}
	for (size_t i = 0; i < root->n; i++) {
		const char *key = root->keys[i];
		size_t before = ws.n;
		bool takes_arg = false;

		if (listed(refused_keys, key)) {
			log_err("config %s: key \"%s\" is not allowed in a config file", path, key);
			r = -EINVAL;
			goto out;
		}
		if (lookup(key, &takes_arg) < 0) {
			log_err(
			    "config %s: unknown key \"%.64s\" (see tinyvmm --help for the option "
			    "names)",
			    path, key);
			r = -EINVAL;
			goto out;
		}
		r = key_words(&ws, key, &root->items[i], takes_arg);
		if (r < 0)
			goto out;
		if (listed(skip, key)) {
			/* checked above; now dropped, keeping the order of the rest */
			for (size_t j = before; j < ws.n; j++)
				free(ws.w[j]);
			ws.n = before;
		}
	}
	r = pack(&ws, argc, argv, out, out_argc);
out:
	words_free(&ws);
	return r;
}

/* The whole of path into a malloc'd buffer. */
static int read_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t n = 0;
	struct stat st;
	char *b;

	if (fd < 0 || fstat(fd, &st) < 0) {
		log_err("config %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	if (!S_ISREG(st.st_mode)) {
		log_err("config %s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	b = malloc(JSON_MAX_TEXT + 1);
	if (!b) {
		close(fd);
		log_err("config %s: out of memory", path);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r = read(fd, b + n, JSON_MAX_TEXT + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_err("config %s: %s", path, strerror(errno));
			goto err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > JSON_MAX_TEXT) {
			log_err("config %s: larger than %u bytes; is it the right file?", path,
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
	return -EINVAL;
}

int config_file_load(const char *path, config_file_lookup_fn lookup, const char *const *skip,
		     int argc, char **argv, char ***out, int *out_argc)
{
	struct json *root;
	char *text, err[160];
	size_t len;
	int r;

	*out = NULL;
	*out_argc = 0;
	r = read_file(path, &text, &len);
	if (r < 0)
		return r;
	r = json_parse(text, len, &root, err, sizeof(err));
	free(text);
	if (r < 0) {
		log_err("config %s: %s", path, err);
		return r == -ENOMEM ? r : -EINVAL;
	}
	r = config_file_build(root, path, lookup, skip, argc, argv, out, out_argc);
	json_free(root);
	return r;
}
