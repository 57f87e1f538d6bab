// SPDX-License-Identifier: MIT
/* api_proto.c - the control API's request parser and reply formatter; see api.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/api/api.h"
#include "vmm/base/json.h"
#include "vmm/base/json_write.h"

static const char *const op_names[API_OPS] = {
    [API_OP_INFO] = "info",	[API_OP_STATUS] = "status", [API_OP_PAUSE] = "pause",
    [API_OP_RESUME] = "resume", [API_OP_STOP] = "stop",	    [API_OP_SHUTDOWN] = "shutdown",
    [API_OP_STATS] = "stats",	[API_OP_VF_ADD] = "vf-add", [API_OP_VF_REMOVE] = "vf-remove",
};
_Static_assert(ARRAY_SIZE(op_names) == API_OPS, "name every API operation");

static const char *const err_names[API_ERRS] = {
    [API_OK] = "ok",
    [API_ERR_BAD_JSON] = "bad-json",
    [API_ERR_UNKNOWN_OP] = "unknown-op",
    [API_ERR_TOO_LONG] = "too-long",
    [API_ERR_BAD_VERSION] = "bad-version",
    [API_ERR_BAD_REQUEST] = "bad-request",
    [API_ERR_FAILED] = "failed",
    [API_ERR_DENIED] = "denied",
};
_Static_assert(ARRAY_SIZE(err_names) == API_ERRS, "name every API error code");

/* The arguments each operation takes, besides op, id and version. */
static const char *const op_args[API_OPS][4] = {
    [API_OP_SHUTDOWN] = {"timeout", NULL},
    [API_OP_VF_ADD] = {"vf", NULL},
    [API_OP_VF_REMOVE] = {"vf", "slot", "timeout", "force"},
};

const char *api_op_name(enum api_op op)
{
	return (unsigned int)op < API_OPS ? op_names[op] : "?";
}

const char *api_err_name(enum api_err e)
{
	return (unsigned int)e < API_ERRS ? err_names[e] : "?";
}

/* ---- requests ---- */

static enum api_err fail(char *msg, size_t cap, enum api_err e, const char *fmt, ...) PRINTF(4, 5);
static enum api_err fail(char *msg, size_t cap, enum api_err e, const char *fmt, ...)
{
	va_list ap;

	if (cap) {
		va_start(ap, fmt);
		vsnprintf(msg, cap, fmt, ap);
		va_end(ap);
	}
	return e;
}

/* A number for a message: integers without a fraction, others round-trip. */
static void format_number(char *out, size_t cap, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(out, cap, "%.0f", v);
	else
		snprintf(out, cap, "%.17g", v);
}

static enum api_err parse_id(const struct json *id, struct api_request *req, char *msg, size_t cap)
{
	struct json_writer w;

	if (!id)
		return API_OK;
	if (id->type != JSON_NUMBER && id->type != JSON_STRING)
		return fail(msg, cap, API_ERR_BAD_REQUEST,
			    "id: must be a string or a number, not %s", json_type_name(id->type));
	json_write_init(&w, req->id, sizeof(req->id));
	if (id->type == JSON_NUMBER)
		json_write_double_g(&w, id->number, JSON_WRITE_ROUNDTRIP);
	else
		json_write_strn(&w, id->str, id->str_len);
	if (json_write_finish(&w) < 0) {
		req->id[0] = '\0';
		return fail(msg, cap, API_ERR_BAD_REQUEST, "id: longer than %d bytes as JSON",
			    API_ID_MAX - 1);
	}
	return API_OK;
}

static enum api_err parse_version(const struct json *v, char *msg, size_t cap)
{
	char num[32];

	if (!v)
		return API_OK;
	if (v->type != JSON_NUMBER)
		return fail(msg, cap, API_ERR_BAD_REQUEST, "version: must be a number, not %s",
			    json_type_name(v->type));
	if (v->number != API_VERSION) {
		format_number(num, sizeof(num), v->number);
		return fail(msg, cap, API_ERR_BAD_VERSION,
			    "version %s: this server speaks version %d", num, API_VERSION);
	}
	return API_OK;
}

static enum api_err parse_op(const struct json *op, struct api_request *req, char *msg, size_t cap)
{
	char esc[64];

	if (!op)
		return fail(msg, cap, API_ERR_BAD_REQUEST,
			    "op: missing; e.g. {\"op\": \"status\"}");
	if (op->type != JSON_STRING)
		return fail(msg, cap, API_ERR_BAD_REQUEST, "op: must be a string, not %s",
			    json_type_name(op->type));
	for (int i = 0; i < API_OPS; i++) {
		if (strcmp(op->str, op_names[i]) == 0) {
			req->op = (enum api_op)i;
			return API_OK;
		}
	}
	json_escape(esc, sizeof(esc), op->str, op->str_len);
	return fail(msg, cap, API_ERR_UNKNOWN_OP,
		    "op \"%s\": unknown; the operations are info, status, pause, resume, stop, "
		    "shutdown, stats, vf-add, vf-remove",
		    esc);
}

static bool is_arg(enum api_op op, const char *key)
{
	if (!strcmp(key, "op") || !strcmp(key, "id") || !strcmp(key, "version"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(op_args[op]) && op_args[op][i]; i++)
		if (!strcmp(key, op_args[op][i]))
			return true;
	return false;
}

/* vf-add {"vf"}; vf-remove {"vf"} or {"slot"}, "timeout", "force". */
static enum api_err parse_vf_args(const struct json *root, struct api_request *req, char *msg,
				  size_t cap)
{
	const char *op = op_names[req->op];
	const struct json *vf = json_get(root, "vf"), *slot = json_get(root, "slot");
	const struct json *t = json_get(root, "timeout"), *force = json_get(root, "force");

	if (vf && (vf->type != JSON_STRING || vf->str_len == 0 || vf->str_len >= API_VF_MAX ||
		   strlen(vf->str) != vf->str_len))
		return fail(msg, cap, API_ERR_BAD_REQUEST,
			    "%s: vf must be a string of 1 to %d bytes, e.g. \"0000:01:10.2\"", op,
			    API_VF_MAX - 1);
	/* Missing ones are the handler's to report (req->vf "", slot 0). */
	if (req->op == API_OP_VF_ADD) {
		if (vf)
			memcpy(req->vf, vf->str, vf->str_len + 1);
		return API_OK;
	}
	if (vf && slot)
		return fail(msg, cap, API_ERR_BAD_REQUEST,
			    "vf-remove: give either vf (a BDF) or slot (1..31), not both");
	if (vf)
		memcpy(req->vf, vf->str, vf->str_len + 1);
	if (slot) {
		if (slot->type != JSON_NUMBER || !(slot->number >= 1 && slot->number <= 31) ||
		    (double)(unsigned int)slot->number != slot->number)
			return fail(
			    msg, cap, API_ERR_BAD_REQUEST,
			    "vf-remove: slot must be an integer 1..31 (0 is the host bridge)");
		req->slot = (unsigned int)slot->number;
	}
	req->timeout = API_REMOVE_TIMEOUT;
	if (t) {
		if (t->type != JSON_NUMBER || !(t->number > 0) || t->number > API_REMOVE_MAX)
			return fail(msg, cap, API_ERR_BAD_REQUEST,
				    "vf-remove: timeout must be a number of seconds, 0 < t <= %g",
				    API_REMOVE_MAX);
		req->timeout = t->number;
	}
	if (force) {
		if (force->type != JSON_BOOL)
			return fail(msg, cap, API_ERR_BAD_REQUEST,
				    "vf-remove: force must be true or false");
		req->force = force->boolean;
	}
	return API_OK;
}

static enum api_err parse_args(const struct json *root, struct api_request *req, char *msg,
			       size_t cap)
{
	const struct json *t;
	char esc[64];

	for (size_t i = 0; i < root->n; i++) {
		if (!is_arg(req->op, root->keys[i])) {
			json_escape(esc, sizeof(esc), root->keys[i], strlen(root->keys[i]));
			return fail(msg, cap, API_ERR_BAD_REQUEST, "%s: unknown member \"%s\"",
				    op_names[req->op], esc);
		}
	}
	req->timeout = API_SHUTDOWN_TIMEOUT;
	t = json_get(root, "timeout");
	if (req->op == API_OP_SHUTDOWN && t) {
		if (t->type != JSON_NUMBER || !(t->number > 0) || t->number > API_SHUTDOWN_MAX)
			return fail(msg, cap, API_ERR_BAD_REQUEST,
				    "shutdown: timeout must be a number of seconds, 0 < t <= %g",
				    API_SHUTDOWN_MAX);
		req->timeout = t->number;
	}
	if (req->op == API_OP_VF_ADD || req->op == API_OP_VF_REMOVE)
		return parse_vf_args(root, req, msg, cap);
	return API_OK;
}

enum api_err api_parse_request(const char *line, size_t len, struct api_request *req, char *msg,
			       size_t msgcap)
{
	struct json *root = NULL;
	char err[128];
	enum api_err e;

	memset(req, 0, sizeof(*req));
	if (msgcap)
		msg[0] = '\0';
	if (len > API_LINE_MAX)
		return fail(msg, msgcap, API_ERR_TOO_LONG, "request: longer than %d bytes",
			    API_LINE_MAX);
	if (len && line[len - 1] == '\r')
		len--;
	if (json_parse(line, len, &root, err, sizeof(err)) < 0)
		return fail(msg, msgcap, API_ERR_BAD_JSON, "request: not JSON: %s", err);
	if (root->type != JSON_OBJECT) {
		e = fail(msg, msgcap, API_ERR_BAD_REQUEST, "request: must be an object, not %s",
			 json_type_name(root->type));
		goto out;
	}
	e = parse_id(json_get(root, "id"), req, msg, msgcap);
	if (e == API_OK)
		e = parse_version(json_get(root, "version"), msg, msgcap);
	if (e == API_OK)
		e = parse_op(json_get(root, "op"), req, msg, msgcap);
	if (e == API_OK)
		e = parse_args(root, req, msg, msgcap);
out:
	json_free(root);
	return e;
}

/* ---- replies ---- */

/* {"version": 1, "ok": true|false[, "id": ID] */
static void head(struct json_writer *w, const char *id, bool ok)
{
	json_write_object_begin(w);
	json_write_kv_int(w, "version", API_VERSION);
	json_write_kv_bool(w, "ok", ok);
	if (id && *id)
		json_write_kv_raw(w, "id", id);
}

static int finish(struct json_writer *w)
{
	json_write_object_end(w);
	return json_write_finish_line(w) < 0 ? -ENOSPC : (int)w->len;
}

int api_format_ok(char *buf, size_t cap, const char *id, const char *result)
{
	struct json_writer w;

	json_write_init(&w, buf, cap);
	head(&w, id, true);
	json_write_kv_raw(&w, "result", result && *result ? result : "{}");
	return finish(&w);
}

int api_format_error(char *buf, size_t cap, const char *id, enum api_err code, const char *message)
{
	struct json_writer w;

	json_write_init(&w, buf, cap);
	head(&w, id, false);
	json_write_key(&w, "error");
	json_write_object_begin(&w);
	json_write_kv_str(&w, "code", api_err_name(code));
	json_write_kv_str(&w, "message", message ? message : "");
	json_write_object_end(&w);
	return finish(&w);
}
