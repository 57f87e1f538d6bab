// SPDX-License-Identifier: MIT
/* json_get.c - reading values out of a parsed JSON tree; see json.h. */
#include <errno.h>
#include <string.h>

#include "vmm/base/json.h"
#include "vmm/base/util.h"

static const char *const type_names[] = {
    [JSON_NULL] = "null",     [JSON_BOOL] = "boolean", [JSON_NUMBER] = "number",
    [JSON_STRING] = "string", [JSON_ARRAY] = "array",  [JSON_OBJECT] = "object",
};
_Static_assert(ARRAY_SIZE(type_names) == JSON_OBJECT + 1, "a JSON type has no name");

const char *json_type_name(enum json_type t)
{
	return (unsigned int)t < ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

const struct json *json_get(const struct json *v, const char *key)
{
	if (!v || v->type != JSON_OBJECT || !key)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

const char *json_get_str(const struct json *v, const char *key)
{
	const struct json *m = json_get(v, key);

	return m && m->type == JSON_STRING ? m->str : NULL;
}

int json_int(const struct json *v, int64_t min, int64_t max, int64_t *out)
{
	int64_t i;

	if (!v)
		return -ENOENT;
	if (v->type != JSON_NUMBER)
		return -EINVAL;
	/* Beyond 2^53 a double no longer holds every integer: refuse to guess. */
	if (v->number < -JSON_MAX_SAFE_INT || v->number > JSON_MAX_SAFE_INT)
		return -ERANGE;
	i = (int64_t)v->number;
	if ((double)i != v->number)
		return -EINVAL; /* a fraction */
	if (i < min || i > max)
		return -ERANGE;
	*out = i;
	return 0;
}
