// SPDX-License-Identifier: MIT
/*
 * fuzz_api.c - the control API's request parser and reply formatter
 * (vmm/api/api_proto.c): the input is one request line. The parse must
 * leave an id that is valid JSON (or none) and a one-line message, for
 * every message buffer size; the error and success replies built from them
 * must be one line of valid JSON that echoes the id.
 */
#include "tests/fuzz/fuzz.h"

#include "vmm/api/api.h"
#include "vmm/base/json.h"

static void check_reply(const char *buf, int n, const char *id)
{
	struct json *v = NULL;
	const struct json *m;
	char err[128];

	FUZZ_CHECK(n > 0 && (size_t)n == strlen(buf) && buf[n - 1] == '\n');
	FUZZ_CHECK(memchr(buf, '\n', (size_t)n) == buf + n - 1);
	FUZZ_CHECK(json_parse(buf, (size_t)n - 1, &v, err, sizeof(err)) == 0);
	FUZZ_CHECK(v->type == JSON_OBJECT);
	m = json_get(v, "ok");
	FUZZ_CHECK(m && m->type == JSON_BOOL);
	FUZZ_CHECK((json_get(v, "id") != NULL) == (id[0] != '\0'));
	json_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = {0, 1, 16, 256};
	struct api_request req;
	char msg[256], reply[API_REPLY_MAX];
	enum api_err e = API_OK;
	int n;

	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		memset(msg, 'x', sizeof(msg));
		e = api_parse_request((const char *)data, size, &req, msg, caps[i]);
		FUZZ_CHECK((unsigned int)e < API_ERRS);
		FUZZ_CHECK(strcmp(api_err_name(e), "?") != 0);
		if (caps[i]) {
			FUZZ_CHECK(memchr(msg, '\0', caps[i]));
			FUZZ_CHECK(!strchr(msg, '\n'));
			FUZZ_CHECK(e == API_OK || msg[0] || caps[i] == 1);
		} else {
			FUZZ_CHECK(msg[0] == 'x');
		}
		FUZZ_CHECK(memchr(req.id, '\0', sizeof(req.id)));
		if (e == API_OK) {
			FUZZ_CHECK((unsigned int)req.op < API_OPS);
			FUZZ_CHECK(strcmp(api_op_name(req.op), "?") != 0);
			if (req.op == API_OP_SHUTDOWN)
				FUZZ_CHECK(req.timeout > 0 && req.timeout <= API_SHUTDOWN_MAX);
		}
		if (req.id[0]) {
			struct json *id = NULL;
			char err[128];

			FUZZ_CHECK(json_parse(req.id, strlen(req.id), &id, err, sizeof(err)) == 0);
			FUZZ_CHECK(id->type == JSON_STRING || id->type == JSON_NUMBER);
			json_free(id);
		}
	}
	/* the last parse had the full message buffer */
	if (e != API_OK) {
		n = api_format_error(reply, sizeof(reply), req.id, e, msg);
		check_reply(reply, n, req.id);
	} else {
		n = api_format_ok(reply, sizeof(reply), req.id, "{\"state\": \"running\"}");
		check_reply(reply, n, req.id);
	}
	/* and too small a buffer is refused whole */
	n = api_format_error(reply, 8, req.id, e, msg);
	FUZZ_CHECK(n == -ENOSPC);
	return 0;
}
