// SPDX-License-Identifier: MIT
/*
 * test_api.c - the control API: the pure request parser and reply
 * formatter, then the server on a real Unix socket with a fake backend
 * (socket mode, busy/stale/non-socket paths, oversized lines, malformed
 * JSON, clients that vanish mid-line, a client that never reads, too many
 * clients, and 4 x 250 requests in parallel).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "include/tinyvmm.h"
#include "vmm/api/api.h"
#include "vmm/base/err.h"
#include "vmm/base/json.h"
#include "vmm/base/json_write.h"

/* ---- pure: requests ---- */

static enum api_err parse(const char *line, struct api_request *req, char *msg)
{
	return api_parse_request(line, strlen(line), req, msg, 256);
}

#define assert_contains(hay, needle)                                                               \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle));               \
	} while (0)

static void test_parse_ok(void **state UNUSED)
{
	struct api_request req;
	char msg[256];

	assert_int_equal(parse("{\"op\": \"status\"}", &req, msg), API_OK);
	assert_int_equal(req.op, API_OP_STATUS);
	assert_string_equal(req.id, "");
	assert_int_equal(parse(" {\"version\": 1, \"op\": \"stats\", \"id\": 3} \r", &req, msg),
			 API_OK);
	assert_int_equal(req.op, API_OP_STATS);
	assert_string_equal(req.id, "3");
	for (int op = 0; op < API_OPS; op++) {
		char line[64];

		snprintf(line, sizeof(line), "{\"op\":\"%s\"}", api_op_name((enum api_op)op));
		assert_int_equal(parse(line, &req, msg), API_OK);
		assert_int_equal(req.op, op);
	}
}

static void test_parse_ids(void **state UNUSED)
{
	static const struct {
		const char *line, *id;
	} cases[] = {
	    {"{\"op\": \"info\", \"id\": \"a\\\"b\\n\"}", "\"a\\\"b\\n\""},
	    {"{\"op\": \"info\", \"id\": \"\"}", "\"\""},
	    {"{\"op\": \"info\", \"id\": \"\\u00e9\"}", "\"\xc3\xa9\""},
	    {"{\"op\": \"info\", \"id\": 7}", "7"},
	    {"{\"op\": \"info\", \"id\": -12}", "-12"},
	    {"{\"op\": \"info\", \"id\": 1.5}", "1.5"},
	    {"{\"op\": \"info\", \"id\": 1e20}", "1e+20"},
	    {"{\"op\": \"info\", \"id\": 0}", "0"},
	};
	struct api_request req;
	char msg[256], id[400], line[600];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse(cases[i].line, &req, msg), API_OK);
		assert_string_equal(req.id, cases[i].id);
	}
	/* ids that cannot be echoed */
	static const char *const bad[] = {"{}", "[1]", "true", "null"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(line, sizeof(line), "{\"op\": \"info\", \"id\": %s}", bad[i]);
		assert_int_equal(parse(line, &req, msg), API_ERR_BAD_REQUEST);
		assert_string_equal(req.id, "");
		assert_contains(msg, "id: must be a string or a number");
	}
	/* 253 bytes + quotes fit in API_ID_MAX - 1; 254 do not */
	memset(id, 'x', 253);
	id[253] = '\0';
	snprintf(line, sizeof(line), "{\"op\": \"info\", \"id\": \"%s\"}", id);
	assert_int_equal(parse(line, &req, msg), API_OK);
	assert_int_equal(strlen(req.id), 255);
	snprintf(line, sizeof(line), "{\"op\": \"info\", \"id\": \"%sy\"}", id);
	assert_int_equal(parse(line, &req, msg), API_ERR_BAD_REQUEST);
	assert_contains(msg, "id: longer than");
	assert_string_equal(req.id, "");
	/* escapes count: 100 tabs are 200 bytes, 100 control bytes 600 */
	snprintf(line, sizeof(line), "{\"op\": \"info\", \"id\": \"%s\"}",
		 "\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001"
		 "\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001"
		 "\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001"
		 "\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001\\u0001"
		 "\\u0001\\u0001\\u0001");
	assert_int_equal(parse(line, &req, msg), API_ERR_BAD_REQUEST); /* 43 x 6 = 258 */
}

/* vf-add and vf-remove: their arguments, and the bad ones. */
static void test_parse_vf(void **state UNUSED)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
	    {"{\"op\": \"vf-add\", \"vf\": 5}", "vf must be a string"},
	    {"{\"op\": \"vf-add\", \"vf\": \"\"}", "vf must be a string"},
	    {"{\"op\": \"vf-add\", \"vf\": \"01:10.0\", \"slot\": 3}", "unknown member \"slot\""},
	    {"{\"op\": \"vf-add\", \"vf\": \"01:10.0\", \"force\": true}",
	     "unknown member \"force\""},
	    {"{\"op\": \"vf-remove\", \"vf\": \"01:10.0\", \"slot\": 3}", "not both"},
	    {"{\"op\": \"vf-remove\", \"slot\": 0}", "slot must be an integer 1..31"},
	    {"{\"op\": \"vf-remove\", \"slot\": 32}", "slot must be an integer 1..31"},
	    {"{\"op\": \"vf-remove\", \"slot\": 2.5}", "slot must be an integer 1..31"},
	    {"{\"op\": \"vf-remove\", \"slot\": \"3\"}", "slot must be an integer 1..31"},
	    {"{\"op\": \"vf-remove\", \"slot\": 3, \"timeout\": 0}", "0 < t <= 600"},
	    {"{\"op\": \"vf-remove\", \"slot\": 3, \"timeout\": 601}", "0 < t <= 600"},
	    {"{\"op\": \"vf-remove\", \"slot\": 3, \"force\": 1}", "force must be true or false"},
	};
	struct api_request req;
	char msg[256], line[API_VF_MAX + 64];

	assert_int_equal(
	    parse("{\"op\": \"vf-add\", \"vf\": \"0000:01:10.2,slot=6,mac=52:54:00:00:00:06\"}",
		  &req, msg),
	    API_OK);
	assert_int_equal(req.op, API_OP_VF_ADD);
	assert_string_equal(req.vf, "0000:01:10.2,slot=6,mac=52:54:00:00:00:06");
	assert_int_equal(parse("{\"op\": \"vf-remove\", \"vf\": \"0000:01:10.2\"}", &req, msg),
			 API_OK);
	assert_int_equal(req.op, API_OP_VF_REMOVE);
	assert_string_equal(req.vf, "0000:01:10.2");
	assert_int_equal(req.slot, 0);
	assert_true(req.timeout == API_REMOVE_TIMEOUT);
	assert_false(req.force);
	assert_int_equal(
	    parse("{\"op\": \"vf-remove\", \"slot\": 31, \"timeout\": 2.5, \"force\": true}", &req,
		  msg),
	    API_OK);
	assert_string_equal(req.vf, "");
	assert_int_equal(req.slot, 31);
	assert_true(req.timeout == 2.5);
	assert_true(req.force);
	/* Neither vf nor slot parses; the handler refuses it with its message. */
	assert_int_equal(parse("{\"op\": \"vf-remove\"}", &req, msg), API_OK);
	assert_int_equal(parse("{\"op\": \"vf-add\"}", &req, msg), API_OK);
	assert_string_equal(req.vf, "");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse(bad[i].line, &req, msg), API_ERR_BAD_REQUEST);
		assert_contains(msg, bad[i].msg);
	}
	/* A vf string that does not fit. */
	snprintf(line, sizeof(line), "{\"op\": \"vf-add\", \"vf\": \"%0*d\"}", API_VF_MAX, 0);
	assert_int_equal(parse(line, &req, msg), API_ERR_BAD_REQUEST);
	assert_contains(msg, "1 to 255 bytes");
}

static void test_parse_errors(void **state UNUSED)
{
	static const struct {
		const char *line;
		enum api_err e;
		const char *msg, *id;
	} cases[] = {
	    {"", API_ERR_BAD_JSON, "not JSON", ""},
	    {"   ", API_ERR_BAD_JSON, "not JSON", ""},
	    {"{op: status}", API_ERR_BAD_JSON, "column", ""},
	    {"{\"op\": \"status\"", API_ERR_BAD_JSON, "not JSON", ""},
	    {"{\"op\": \"status\"} x", API_ERR_BAD_JSON, "not JSON", ""},
	    {"{\"op\": \"status\", \"op\": \"info\"}", API_ERR_BAD_JSON, "not JSON", ""},
	    {"\xff", API_ERR_BAD_JSON, "not JSON", ""},
	    {"[\"status\"]", API_ERR_BAD_REQUEST, "must be an object, not array", ""},
	    {"\"status\"", API_ERR_BAD_REQUEST, "must be an object, not string", ""},
	    {"null", API_ERR_BAD_REQUEST, "must be an object", ""},
	    {"{}", API_ERR_BAD_REQUEST, "op: missing", ""},
	    {"{\"id\": 4}", API_ERR_BAD_REQUEST, "op: missing", "4"},
	    {"{\"op\": 5, \"id\": \"q\"}", API_ERR_BAD_REQUEST, "op: must be a string, not number",
	     "\"q\""},
	    {"{\"op\": null}", API_ERR_BAD_REQUEST, "op: must be a string, not null", ""},
	    {"{\"op\": [\"status\"]}", API_ERR_BAD_REQUEST, "not array", ""},
	    {"{\"op\": \"frob\", \"id\": 9}", API_ERR_UNKNOWN_OP, "op \"frob\": unknown", "9"},
	    {"{\"op\": \"STATUS\"}", API_ERR_UNKNOWN_OP, "unknown", ""},
	    {"{\"op\": \"status \"}", API_ERR_UNKNOWN_OP, "unknown", ""},
	    {"{\"op\": \"\"}", API_ERR_UNKNOWN_OP, "unknown", ""},
	    {"{\"op\": \"status\", \"version\": 2, \"id\": 1}", API_ERR_BAD_VERSION,
	     "version 2: this server speaks version 1", "1"},
	    {"{\"op\": \"status\", \"version\": 1.5}", API_ERR_BAD_VERSION, "version 1.5", ""},
	    {"{\"op\": \"status\", \"version\": 0}", API_ERR_BAD_VERSION, "version 0", ""},
	    {"{\"op\": \"status\", \"version\": \"1\"}", API_ERR_BAD_REQUEST,
	     "version: must be a number", ""},
	    /* bad-version wins over a bad op: the rest may be another protocol */
	    {"{\"op\": 1, \"version\": 2}", API_ERR_BAD_VERSION, "version 2", ""},
	    {"{\"op\": \"status\", \"x\": {\"y\": [1, {\"z\": null}]}}", API_ERR_BAD_REQUEST,
	     "status: unknown member \"x\"", ""},
	    {"{\"op\": \"status\", \"timeout\": 5}", API_ERR_BAD_REQUEST,
	     "status: unknown member \"timeout\"", ""},
	    {"{\"op\": \"shutdown\", \"timout\": 5}", API_ERR_BAD_REQUEST,
	     "unknown member \"timout\"", ""},
	    {"{\"op\": \"shutdown\", \"timeout\": 0}", API_ERR_BAD_REQUEST, "timeout", ""},
	    {"{\"op\": \"shutdown\", \"timeout\": -1}", API_ERR_BAD_REQUEST, "timeout", ""},
	    {"{\"op\": \"shutdown\", \"timeout\": 3601}", API_ERR_BAD_REQUEST, "timeout", ""},
	    {"{\"op\": \"shutdown\", \"timeout\": \"5\"}", API_ERR_BAD_REQUEST, "timeout", ""},
	    {"{\"op\": \"shutdown\", \"timeout\": null}", API_ERR_BAD_REQUEST, "timeout", ""},
	};
	struct api_request req;
	char msg[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum api_err e = parse(cases[i].line, &req, msg);

		if (e != cases[i].e)
			fail_msg("%s: got %s, want %s (%s)", cases[i].line, api_err_name(e),
				 api_err_name(cases[i].e), msg);
		assert_contains(msg, cases[i].msg);
		assert_string_equal(req.id, cases[i].id);
	}
}

static void test_parse_nesting_and_length(void **state UNUSED)
{
	static char line[API_LINE_MAX + 2];
	struct api_request req;
	char msg[256];
	size_t n;

	/* nested junk far beyond JSON_MAX_DEPTH: an error, not a crash */
	n = 0;
	n += (size_t)sprintf(line, "{\"op\": \"status\", \"x\": ");
	for (int i = 0; i < 1000; i++)
		line[n++] = '[';
	line[n] = '\0';
	assert_int_equal(parse(line, &req, msg), API_ERR_BAD_JSON);
	/* exactly API_LINE_MAX bytes is fine, one more is too long */
	memset(line, ' ', sizeof(line));
	memcpy(line, "{\"op\": \"shutdown\"", 17);
	line[API_LINE_MAX - 1] = '}';
	assert_int_equal(api_parse_request(line, API_LINE_MAX, &req, msg, sizeof(msg)), API_OK);
	assert_int_equal(req.op, API_OP_SHUTDOWN);
	assert_true(req.timeout == API_SHUTDOWN_TIMEOUT);
	line[API_LINE_MAX] = '}';
	line[API_LINE_MAX - 1] = ' ';
	assert_int_equal(api_parse_request(line, API_LINE_MAX + 1, &req, msg, sizeof(msg)),
			 API_ERR_TOO_LONG);
	assert_contains(msg, "longer than 4096 bytes");
	/* a NUL inside the line is not JSON */
	assert_int_equal(api_parse_request("{\"op\": \"info\"}\0", 15, &req, msg, sizeof(msg)),
			 API_ERR_BAD_JSON);
	/* the timeout argument */
	assert_int_equal(parse("{\"op\": \"shutdown\", \"timeout\": 2.5}", &req, msg), API_OK);
	assert_true(req.timeout == 2.5);
	assert_int_equal(parse("{\"op\": \"shutdown\", \"timeout\": 3600}", &req, msg), API_OK);
}

/* ---- pure: replies ---- */

/* Parse a reply line (with its '\n') and check the common members. */
static struct json *check_reply(const char *line, bool ok)
{
	struct json *v = NULL;
	const struct json *m;
	size_t len = strlen(line);
	char err[128];
	int64_t ver;

	assert_true(len > 0 && line[len - 1] == '\n');
	assert_null(memchr(line, '\n', len - 1));
	if (json_parse(line, len, &v, err, sizeof(err)) < 0)
		fail_msg("reply is not JSON (%s): %s", err, line);
	assert_int_equal(v->type, JSON_OBJECT);
	assert_int_equal(json_int(json_get(v, "version"), 1, 1, &ver), 0);
	m = json_get(v, "ok");
	assert_non_null(m);
	assert_int_equal(m->type, JSON_BOOL);
	assert_int_equal(m->boolean, ok);
	return v;
}

static void test_format(void **state UNUSED)
{
	char buf[512];
	struct json *v;
	const struct json *e;
	int n = api_format_ok(buf, sizeof(buf), NULL, NULL);

	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "{\"version\": 1, \"ok\": true, \"result\": {}}\n");
	api_format_ok(buf, sizeof(buf), "\"x\"", "{\"state\": \"running\"}");
	assert_string_equal(buf, "{\"version\": 1, \"ok\": true, \"id\": \"x\", \"result\": "
				 "{\"state\": \"running\"}}\n");
	v = check_reply(buf, true);
	assert_string_equal(json_get_str(v, "id"), "x");
	assert_string_equal(json_get_str(json_get(v, "result"), "state"), "running");
	json_free(v);

	assert_true(api_format_error(buf, sizeof(buf), "12", API_ERR_UNKNOWN_OP,
				     "op \"a\\b\":\n\tbad\x01") > 0);
	v = check_reply(buf, false);
	assert_int_equal(json_get(v, "id")->number, 12);
	e = json_get(v, "error");
	assert_non_null(e);
	assert_string_equal(json_get_str(e, "code"), "unknown-op");
	assert_string_equal(json_get_str(e, "message"), "op \"a\\b\":\n\tbad\x01");
	assert_null(json_get(v, "result"));
	json_free(v);
	for (int c = API_ERR_BAD_JSON; c < API_ERRS; c++) {
		api_format_error(buf, sizeof(buf), "", (enum api_err)c, NULL);
		v = check_reply(buf, false);
		assert_null(json_get(v, "id"));
		assert_string_equal(json_get_str(json_get(v, "error"), "code"),
				    api_err_name((enum api_err)c));
		json_free(v);
	}
	/* too small: -ENOSPC, and the buffer is still a C string */
	assert_int_equal(api_format_ok(buf, 20, NULL, NULL), -ENOSPC);
	assert_true(strlen(buf) < 20);
	assert_int_equal(api_format_error(buf, 60, NULL, API_ERR_FAILED, "a long message here"),
			 -ENOSPC);
}

static void test_names(void **state UNUSED)
{
	assert_string_equal(api_err_name(API_ERR_BAD_JSON), "bad-json");
	assert_string_equal(api_err_name(API_ERR_UNKNOWN_OP), "unknown-op");
	assert_string_equal(api_err_name(API_ERR_TOO_LONG), "too-long");
	assert_string_equal(api_err_name(API_ERR_BAD_VERSION), "bad-version");
	assert_string_equal(api_err_name(API_ERR_BAD_REQUEST), "bad-request");
	assert_string_equal(api_err_name(API_ERR_FAILED), "failed");
	assert_string_equal(api_err_name(API_ERRS), "?");
	assert_string_equal(api_op_name(API_OPS), "?");
	assert_string_equal(api_op_name((enum api_op)99), "?");
	/* (the JSON writer the replies use: test_json_write.c) */
}

/* ---- the server, with a fake backend ---- */

struct fake {
	unsigned long calls; /* atomic */
};

static int fake_status(void *opaque, const struct api_request *req, char *out, size_t cap)
{
	struct fake *f = opaque;
	unsigned long n = __atomic_add_fetch(&f->calls, 1, __ATOMIC_RELAXED);

	snprintf(out, cap, "{\"state\": \"running\", \"n\": %lu, \"op\": \"%s\"}", n,
		 api_op_name(req->op));
	return 0;
}

static int fake_fail(void *opaque UNUSED, const struct api_request *req UNUSED, char *out,
		     size_t cap)
{
	snprintf(out, cap, "the VM has \"stopped\"");
	return -ESRCH;
}

static int fake_bad(void *opaque UNUSED, const struct api_request *req UNUSED, char *out,
		    size_t cap)
{
	snprintf(out, cap, "nope");
	return -EINVAL;
}

/* A result much bigger than a line: replies can be big. */
static int fake_big(void *opaque UNUSED, const struct api_request *req UNUSED, char *out,
		    size_t cap)
{
	static char pad[20001];
	struct json_writer w;

	memset(pad, 'z', sizeof(pad) - 1);
	json_write_init(&w, out, cap);
	json_write_object_begin(&w);
	json_write_kv_str(&w, "pad", pad);
	json_write_object_end(&w);
	return json_write_finish(&w) < 0 ? -ENOSPC : 0;
}

static const struct api_ops fake_ops = {.handlers = {
					    [API_OP_INFO] = fake_big,
					    [API_OP_STATUS] = fake_status,
					    [API_OP_PAUSE] = fake_fail,
					    [API_OP_RESUME] = fake_bad,
					    [API_OP_SHUTDOWN] = fake_status,
					    /* stop, stats: not supported */
					}};

static char dir[64], sock[128];
static struct fake fake;

/*
 * umask() is process-wide: a server that set it around bind() would race
 * with an embedding program's threads creating files. This definition
 * takes the place of libc's for the code linked into this test, and counts.
 */
static unsigned int umask_calls;

mode_t umask(mode_t mask)
{
	umask_calls++;
	return (mode_t)syscall(SYS_umask, mask);
}

static int group_setup(void **state UNUSED)
{
	signal(SIGPIPE, SIG_IGN);
	strcpy(dir, "/tmp/test_api.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/api.sock", dir);
	return 0;
}

static int group_teardown(void **state UNUSED)
{
	unlink(sock);
	rmdir(dir);
	return 0;
}

static struct api *server(void)
{
	struct api *a = NULL;

	memset(&fake, 0, sizeof(fake));
	assert_int_equal(api_open(&a, sock, &fake_ops, &fake, TINYVMM_SECCOMP_OFF), 0);
	assert_non_null(a);
	return a;
}

static int client(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 5};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strcpy(sa.sun_path, sock);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail_msg("connect %s: %s", sock, strerror(errno));
	return fd;
}

static void send_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		assert_true(n > 0);
		s += n;
		len -= (size_t)n;
	}
}

/* One reply line into buf (NUL-terminated, '\n' kept); false on EOF/error. */
static bool recv_reply(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		ssize_t r = recv(fd, buf + n, 1, 0);

		if (r <= 0)
			return false;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return true;
}

/* Send one line, return the reply's error code name ("ok" when ok). */
static const char *ask(int fd, const char *line, char *reply, size_t cap)
{
	static char code[32];
	struct json *v;
	const struct json *ok;

	send_all(fd, line, strlen(line));
	if (!recv_reply(fd, reply, cap))
		fail_msg("no reply to %s", line);
	assert_int_equal(json_parse(reply, strlen(reply), &v, NULL, 0), 0);
	ok = json_get(v, "ok");
	assert_non_null(ok);
	snprintf(code, sizeof(code), "%s",
		 ok->boolean ? "ok" : json_get_str(json_get(v, "error"), "code"));
	json_free(v);
	return code;
}

static void test_socket_mode_and_close(void **state UNUSED)
{
	mode_t old = umask(0); /* the server must not rely on the caller's umask */
	unsigned int calls = umask_calls;
	struct api *a = server();
	struct stat st;
	char reply[512];
	int fd;

	assert_int_equal(umask_calls, calls); /* nor change it, even for a moment */
	umask(old);
	assert_int_equal(lstat(sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	fd = client();
	assert_string_equal(ask(fd, "{\"op\": \"status\", \"id\": \"a\"}\n", reply, sizeof(reply)),
			    "ok");
	assert_contains(reply, "\"id\": \"a\"");
	assert_contains(reply, "\"n\": 1");
	api_close(a);
	/* closed: the client sees EOF, the path is gone */
	assert_false(recv_reply(fd, reply, sizeof(reply)));
	close(fd);
	assert_int_equal(lstat(sock, &st), -1);
	assert_int_equal(errno, ENOENT);
	api_close(NULL);
}

/* Another uid that can reach the socket (a mode changed later, a path
 * passed on) is still refused: SO_PEERCRED. Needs root for setuid. */
static void test_peer_credentials(void **state UNUSED)
{
	struct api *a = server();
	char reply[512];
	int fd, status;
	pid_t pid;

	if (geteuid() != 0) {
		api_close(a);
		print_message("    (not root: another uid needs setuid; skipped)\n");
		return;
	}
	assert_int_equal(chmod(dir, 0711), 0);
	assert_int_equal(chmod(sock, 0666), 0); /* as a careless operator might */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		const char req[] = "{\"op\": \"status\"}\n";
		char buf[512];
		ssize_t n, got = 0;
		int c;

		if (setgid(1000) < 0 || setuid(1000) < 0)
			_exit(2);
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		strcpy(sa.sun_path, sock);
		if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			_exit(3);
		if (write(c, req, sizeof(req) - 1) < 0) {
			/* refused before the request: the reply is still there */
		}
		while ((n = read(c, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
			got += n;
		buf[got] = '\0';
		_exit(strstr(buf, "\"code\": \"denied\"") && strstr(buf, "uid 1000 may not use")
			  ? 0
			  : 4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The owner still gets in. */
	fd = client();
	assert_string_equal(ask(fd, "{\"op\": \"status\"}\n", reply, sizeof(reply)), "ok");
	close(fd);
	api_close(a);
}

static void test_path_checks(void **state UNUSED)
{
	struct api *a = server(), *b = (struct api *)1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char file[160], longp[200], reply[512];
	struct stat st;
	int fd;

	/* in use: refused, and the first server is untouched */
	assert_int_equal(api_open(&b, sock, &fake_ops, &fake, TINYVMM_SECCOMP_OFF),
			 err_mark_user(-EADDRINUSE));
	assert_null(b);
	fd = client();
	assert_string_equal(ask(fd, "{\"op\": \"status\"}\n", reply, sizeof(reply)), "ok");
	close(fd);
	/* replaced under it: close leaves the other file alone */
	assert_int_equal(unlink(sock), 0);
	fd = open(sock, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	api_close(a);
	assert_int_equal(lstat(sock, &st), 0);
	assert_int_equal(st.st_size, 4);
	/* not a socket: refused, not deleted */
	assert_int_equal(api_open(&b, sock, &fake_ops, &fake, TINYVMM_SECCOMP_OFF),
			 err_mark_user(-EEXIST));
	assert_int_equal(lstat(sock, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(sock);
	snprintf(file, sizeof(file), "%s/dir", dir);
	assert_int_equal(mkdir(file, 0700), 0);
	assert_int_equal(api_open(&b, file, &fake_ops, &fake, TINYVMM_SECCOMP_OFF),
			 err_mark_user(-EEXIST));
	rmdir(file);
	/* stale: a socket file nobody listens on is replaced */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sa.sun_path, sock);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(lstat(sock, &st), 0);
	a = server();
	fd = client();
	assert_string_equal(ask(fd, "{\"op\": \"status\"}\n", reply, sizeof(reply)), "ok");
	close(fd);
	api_close(a);
	/* paths a sockaddr_un cannot hold, a directory that does not exist */
	memset(longp, 'p', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(api_open(&b, longp, &fake_ops, &fake, TINYVMM_SECCOMP_OFF),
			 err_mark_user(-ENAMETOOLONG));
	assert_int_equal(api_open(&b, "", &fake_ops, &fake, TINYVMM_SECCOMP_OFF),
			 err_mark_user(-ENAMETOOLONG));
	snprintf(file, sizeof(file), "%s/no/such/dir/s", dir);
	assert_int_equal(api_open(&b, file, &fake_ops, &fake, TINYVMM_SECCOMP_OFF),
			 err_mark_user(-ENOENT));
	assert_null(b);
}

static void test_requests_and_errors(void **state UNUSED)
{
	struct api *a = server();
	char reply[API_REPLY_MAX];
	struct json *v;
	int fd = client();

	assert_string_equal(ask(fd, "{nope\n", reply, sizeof(reply)), "bad-json");
	assert_string_equal(ask(fd, "{\"op\": \"reboot\", \"id\": 5}\n", reply, sizeof(reply)),
			    "unknown-op");
	assert_contains(reply, "\"id\": 5");
	assert_string_equal(ask(fd, "{\"op\": \"status\", \"version\": 9}\n", reply, sizeof(reply)),
			    "bad-version");
	assert_string_equal(ask(fd, "[]\n", reply, sizeof(reply)), "bad-request");
	assert_string_equal(ask(fd, "\n", reply, sizeof(reply)), "bad-json");
	/* handler failures: -EINVAL is bad-request, others failed, with their message */
	assert_string_equal(ask(fd, "{\"op\": \"pause\", \"id\": \"p\"}\n", reply, sizeof(reply)),
			    "failed");
	assert_contains(reply, "\"id\": \"p\"");
	assert_contains(reply, "the VM has \\\"stopped\\\"");
	assert_string_equal(ask(fd, "{\"op\": \"resume\"}\r\n", reply, sizeof(reply)),
			    "bad-request");
	assert_contains(reply, "nope");
	assert_string_equal(ask(fd, "{\"op\": \"stop\"}\n", reply, sizeof(reply)), "failed");
	assert_contains(reply, "not supported");
	/* none of that reached the backend; a good request still works */
	assert_int_equal(__atomic_load_n(&fake.calls, __ATOMIC_RELAXED), 0);
	assert_string_equal(
	    ask(fd, "{\"op\": \"shutdown\", \"timeout\": 1}\n", reply, sizeof(reply)), "ok");
	assert_contains(reply, "\"op\": \"shutdown\"");
	/* a big reply arrives whole */
	assert_string_equal(ask(fd, "{\"op\": \"info\"}\n", reply, sizeof(reply)), "ok");
	assert_int_equal(json_parse(reply, strlen(reply), &v, NULL, 0), 0);
	assert_int_equal(strlen(json_get_str(json_get(v, "result"), "pad")), 20000);
	json_free(v);
	/* pipelined: three requests in one write, three replies in order */
	static const char three[] = "{\"op\":\"status\",\"id\":1}\n{\"op\":\"x\",\"id\":2}\n"
				    "{\"op\":\"status\",\"id\":3}\n";
	send_all(fd, three, strlen(three));
	for (int i = 1; i <= 3; i++) {
		char want[16];

		assert_true(recv_reply(fd, reply, sizeof(reply)));
		snprintf(want, sizeof(want), "\"id\": %d", i);
		assert_contains(reply, want);
	}
	close(fd);
	api_close(a);
}

static void test_too_long(void **state UNUSED)
{
	static char big[3 * API_LINE_MAX];
	struct api *a = server();
	char reply[512];
	int fd = client();

	/* 12 KiB without a newline: one too-long, the rest dropped up to '\n' */
	memset(big, '{', sizeof(big));
	send_all(fd, big, sizeof(big));
	assert_true(recv_reply(fd, reply, sizeof(reply)));
	assert_contains(reply, "\"code\": \"too-long\"");
	send_all(fd, "\"op\": \"status\"}\n", 16);
	assert_string_equal(ask(fd, "{\"op\": \"status\", \"id\": 1}\n", reply, sizeof(reply)),
			    "ok");
	assert_contains(reply, "\"id\": 1");
	/* exactly API_LINE_MAX bytes: fine; one more: too-long */
	memset(big, ' ', API_LINE_MAX);
	memcpy(big, "{\"op\": \"status\"", 15);
	big[API_LINE_MAX - 1] = '}';
	big[API_LINE_MAX] = '\n';
	send_all(fd, big, API_LINE_MAX + 1);
	assert_true(recv_reply(fd, reply, sizeof(reply)));
	assert_contains(reply, "\"ok\": true");
	big[API_LINE_MAX - 1] = ' ';
	big[API_LINE_MAX] = '}';
	big[API_LINE_MAX + 1] = '\n';
	send_all(fd, big, API_LINE_MAX + 2);
	assert_true(recv_reply(fd, reply, sizeof(reply)));
	assert_contains(reply, "too-long");
	assert_string_equal(ask(fd, "{\"op\": \"status\"}\n", reply, sizeof(reply)), "ok");
	close(fd);
	api_close(a);
}

static void test_disconnects(void **state UNUSED)
{
	struct api *a = server();
	char reply[512];
	int fd;

	/* 40 clients that leave mid-line or right away: none is answered or
	 * runs anything, and their slots come back (only 16 exist) */
	for (int i = 0; i < 40; i++) {
		fd = client();
		if (i % 2)
			send_all(fd, "{\"op\": \"sta", 11);
		close(fd);
	}
	fd = client();
	assert_string_equal(ask(fd, "{\"op\": \"status\"}\n", reply, sizeof(reply)), "ok");
	assert_contains(reply, "\"n\": 1,");
	close(fd);
	api_close(a);
}

static void test_too_many_clients(void **state UNUSED)
{
	struct api *a = server();
	int fds[API_MAX_CLIENTS], extra;
	char reply[512];

	for (int i = 0; i < API_MAX_CLIENTS; i++) {
		fds[i] = client();
		/* answered, so the server has it in a slot */
		assert_string_equal(ask(fds[i], "{\"op\": \"status\"}\n", reply, sizeof(reply)),
				    "ok");
	}
	extra = client();
	assert_true(recv_reply(extra, reply, sizeof(reply)));
	assert_contains(reply, "too many clients");
	assert_false(recv_reply(extra, reply, sizeof(reply))); /* then closed */
	close(extra);
	close(fds[0]);
	/* a slot is free again (the server sees the close before the connect) */
	for (int tries = 0;; tries++) {
		extra = client();
		send_all(extra, "{\"op\": \"status\"}\n", 17);
		assert_true(recv_reply(extra, reply, sizeof(reply)));
		close(extra);
		if (strstr(reply, "\"ok\": true"))
			break;
		assert_true(tries < 100);
		usleep(10000);
	}
	for (int i = 1; i < API_MAX_CLIENTS; i++)
		close(fds[i]);
	api_close(a);
}

/* A client that sends without ever reading is dropped; the others go on. */
static void test_slow_client(void **state UNUSED)
{
	static const char req[] = "{\"op\": \"info\"}\n"; /* 20 KB replies */
	struct api *a = server();
	struct timespec t0, now;
	char reply[512];
	bool dropped = false;
	int slow = client(), fd = client();

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!dropped) {
		ssize_t n = send(slow, req, sizeof(req) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			dropped = true;
		else if (n < 0 && errno == EAGAIN)
			usleep(1000);
		else
			assert_true(n > 0);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 10)
			fail_msg("the server never dropped a client that does not read");
	}
	assert_string_equal(ask(fd, "{\"op\": \"status\"}\n", reply, sizeof(reply)), "ok");
	close(slow);
	close(fd);
	api_close(a);
}

#define PAR_CLIENTS  4
#define PAR_REQUESTS 250

/* On its own thread: no cmocka asserts here (they are not thread-safe). */
static void *par_client(void *arg)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 5};
	int id = (int)(intptr_t)arg, good = 0;
	char line[64], reply[512], want[32];
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, sock);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out;
	for (int i = 0; i < PAR_REQUESTS; i++) {
		int len = snprintf(line, sizeof(line), "{\"op\": \"status\", \"id\": \"c%d-%d\"}\n",
				   id, i);

		snprintf(want, sizeof(want), "\"id\": \"c%d-%d\"", id, i);
		if (send(fd, line, (size_t)len, MSG_NOSIGNAL) != len ||
		    !recv_reply(fd, reply, sizeof(reply)))
			break;
		good += strstr(reply, want) && strstr(reply, "\"ok\": true");
	}
out:
	if (fd >= 0)
		close(fd);
	return (void *)(intptr_t)good;
}

static void test_parallel_clients(void **state UNUSED)
{
	struct api *a = server();
	pthread_t t[PAR_CLIENTS];

	for (int i = 0; i < PAR_CLIENTS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, par_client, (void *)(intptr_t)i), 0);
	for (int i = 0; i < PAR_CLIENTS; i++) {
		void *good;

		assert_int_equal(pthread_join(t[i], &good), 0);
		assert_int_equal((intptr_t)good, PAR_REQUESTS);
	}
	assert_int_equal(__atomic_load_n(&fake.calls, __ATOMIC_RELAXED),
			 PAR_CLIENTS * PAR_REQUESTS);
	api_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ok),
	    cmocka_unit_test(test_parse_ids),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_parse_vf),
	    cmocka_unit_test(test_parse_nesting_and_length),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_socket_mode_and_close),
	    cmocka_unit_test(test_peer_credentials),
	    cmocka_unit_test(test_path_checks),
	    cmocka_unit_test(test_requests_and_errors),
	    cmocka_unit_test(test_too_long),
	    cmocka_unit_test(test_disconnects),
	    cmocka_unit_test(test_too_many_clients),
	    cmocka_unit_test(test_slow_client),
	    cmocka_unit_test(test_parallel_clients),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
