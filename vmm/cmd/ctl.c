// SPDX-License-Identifier: MIT
/* ctl.c - tinyvmm ctl, the control API client; see ctl.h and api.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmm/api/api.h"
#include "vmm/cmd/ctl.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/json.h"
#include "vmm/base/json_write.h"
#include "vmm/base/log.h"

#define CTL_OK	   0
#define CTL_FAILED 1 /* the server replied an error */

/* Reply bytes read but not yet returned, for --raw's run of replies. */
struct ctl_in {
	size_t len;
	char buf[API_REPLY_MAX + 1];
};

/* How long to wait for a reply: vf-add and vf-remove wait for the guest. */
static int ctl_timeout_s = CTL_TIMEOUT_S;

static void ctl_usage(FILE *f)
{
	fprintf(f,
		"usage: tinyvmm ctl PATH OP [JSON-ARGS]\n"
		"       tinyvmm ctl PATH vf-add BDF[,slot=N][,mac=M][,vlan=V][,qos=Q]"
		"[,spoofchk=on|off][,trust=on|off][,managed=on|off]\n"
		"       tinyvmm ctl PATH vf-remove BDF|slot=N [timeout=SECS] [force]\n"
		"       tinyvmm ctl PATH --raw\n\n"
		"Talk to a tinyvmm started with --api-socket PATH. OP is one of info, status,\n"
		"pause, resume, stop, shutdown, stats, vf-add, vf-remove; JSON-ARGS is an object\n"
		"whose members are added to the request, e.g.  tinyvmm ctl vm.sock shutdown\n"
		"'{\"timeout\": 5}'.\n"
		"vf-add hot-adds a VF to the running guest (x86: ACPI PCI hotplug; the\n"
		"--vf keys); vf-remove asks the guest to eject it, waits up to timeout\n"
		"seconds (default 10) and then removes it anyway (force: at once); info\n"
		"lists the VFs in the guest. Both wait up to %d s for their reply.\n"
		"The reply line is printed. --raw sends each line of stdin as is and prints\n"
		"each reply. Gives up after %d s without an answer.\n\n"
		"exit status: 0 ok (--raw: every line answered), 1 the server replied an error,\n"
		"64 bad arguments, 65 cannot connect, no reply in time or a malformed reply.\n",
		CTL_VF_TIMEOUT_S, CTL_TIMEOUT_S);
}

static int ctl_connect(const char *path, int *fd)
{
	struct timeval tv = {.tv_sec = ctl_timeout_s};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int r;

	if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
		log_err("ctl %s: not a usable socket path (1 to %zu bytes)", path,
			sizeof(sa.sun_path) - 1);
		return EXIT_USAGE;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0) {
		log_err("ctl %s: socket: %s", path, strerror(errno));
		return EXIT_HOST;
	}
	if (setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(*fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(*fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = errno;
		if (r == EACCES || r == EPERM)
			log_err("ctl %s: %s; the socket is owner-only (0600): run as the user that "
				"started tinyvmm",
				path, strerror(r));
		else
			log_err(
			    "ctl %s: cannot connect: %s; is tinyvmm running with --api-socket %s?",
			    path, strerror(r), path);
		close(*fd);
		*fd = -1;
		return EXIT_HOST;
	}
	return 0;
}

/* Send len bytes of line and a newline. 0 or the exit status after logging. */
static int send_line(int fd, const char *path, const char *line, size_t len)
{
	for (int part = 0; part < 2; part++) {
		const char *p = part ? "\n" : line;
		size_t left = part ? 1 : len;

		while (left) {
			ssize_t n = send(fd, p, left, MSG_NOSIGNAL);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				log_err("ctl %s: cannot send the request: %s", path,
					errno == EAGAIN ? "timed out" : strerror(errno));
				return EXIT_HOST;
			}
			p += n;
			left -= (size_t)n;
		}
	}
	return 0;
}

/* Read one reply line into in->buf (NUL-terminated at its '\n'); *len is its length. */
static int recv_line(int fd, const char *path, struct ctl_in *in, size_t *len)
{
	char *nl;

	while (!(nl = memchr(in->buf, '\n', in->len))) {
		ssize_t n;

		if (in->len == sizeof(in->buf) - 1) {
			log_err("ctl %s: reply longer than %d bytes", path, API_REPLY_MAX);
			return EXIT_HOST;
		}
		n = recv(fd, in->buf + in->len, sizeof(in->buf) - 1 - in->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			log_err("ctl %s: no reply within %d s", path, ctl_timeout_s);
			return EXIT_HOST;
		}
		if (n <= 0) {
			log_err("ctl %s: the server closed the connection%s%s", path,
				n < 0 ? ": " : " without a reply", n < 0 ? strerror(errno) : "");
			return EXIT_HOST;
		}
		in->len += (size_t)n;
	}
	*nl = '\0';
	*len = (size_t)(nl - in->buf);
	return 0;
}

/* Drop the line recv_line() returned. */
static void consume_line(struct ctl_in *in, size_t len)
{
	in->len -= len + 1;
	memmove(in->buf, in->buf + len + 1, in->len);
}

/* Print the reply; CTL_OK, CTL_FAILED or EXIT_HOST (not a reply). */
static int show_reply(const char *path, const char *line, size_t len)
{
	const struct json *ok;
	struct json *v = NULL;
	char err[128];
	int code = EXIT_HOST;

	/* Not JSON: not printed raw (it could hold terminal escapes); the
	 * log line quotes its start with control characters escaped. */
	if (json_parse(line, len, &v, err, sizeof(err)) < 0) {
		log_err("ctl %s: malformed reply: %s: %.*s%s", path, err, (int)MIN(len, (size_t)80),
			line, len > 80 ? "..." : "");
		return EXIT_HOST;
	}
	printf("%.*s\n", (int)len, line);
	fflush(stdout);
	ok = json_get(v, "ok");
	if (ok && ok->type == JSON_BOOL)
		code = ok->boolean ? CTL_OK : CTL_FAILED;
	else
		log_err("ctl %s: malformed reply: no \"ok\"", path);
	json_free(v);
	return code;
}

/*
 * {"op": OP} with the members of args (a JSON object, or NULL) added, on one
 * line. Returns the malloc'd request or NULL after logging (bad arguments).
 */
static char *build_request(const char *op, const char *args)
{
	struct json *v = NULL;
	struct json_writer w;
	char err[128], *req, *members = NULL;
	size_t need;

	if (args) {
		if (json_parse(args, strlen(args), &v, err, sizeof(err)) < 0) {
			log_err("ctl: JSON-ARGS: %s", err);
			return NULL;
		}
		if (v->type != JSON_OBJECT || json_get(v, "op")) {
			log_err("ctl: JSON-ARGS: must be an object without \"op\", e.g. "
				"'{\"timeout\": 5}'");
			json_free(v);
			return NULL;
		}
		json_free(v);
	}
	/* Escaping makes a byte at most 6 */
	need = 16 + 6 * strlen(op) + (args ? strlen(args) : 0);
	req = malloc(need);
	if (args)
		members = strdup(args);
	if (!req || (args && !members)) {
		log_err("ctl: out of memory");
		free(req);
		free(members);
		return NULL;
	}
	json_write_init(&w, req, need);
	json_write_object_begin(&w);
	json_write_kv_str(&w, "op", op);
	if (members) {
		/* The object's members, as the user wrote them: between its outer
		 * braces, leading whitespace dropped. */
		char *open = strchr(members, '{') + 1, *close_brace = strrchr(members, '}');

		while (open < close_brace && strchr(" \t\r\n", *open))
			open++;
		*close_brace = '\0';
		json_write_members(&w, open);
	}
	json_write_object_end(&w);
	free(members);
	if (json_write_finish(&w) < 0) {
		log_err("ctl: cannot build the request"); /* need is enough: not reached */
		free(req);
		return NULL;
	}
	/* One line: a raw newline can only be whitespace between the members. */
	for (char *p = req; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return req;
}

static int ctl_one(const char *path, const char *op, const char *args)
{
	static struct ctl_in in;
	char *req = build_request(op, args);
	int fd = -1, code;
	size_t len;

	if (!req)
		return EXIT_USAGE;
	code = ctl_connect(path, &fd);
	if (!code)
		code = send_line(fd, path, req, strlen(req));
	if (!code)
		code = recv_line(fd, path, &in, &len);
	if (!code)
		code = show_reply(path, in.buf, len);
	if (fd >= 0)
		close(fd);
	free(req);
	return code;
}

/*
 * vf-add SPEC, vf-remove BDF|slot=N [timeout=SECS] [force]: the request's
 * members from words (a JSON-ARGS object is taken as it is).
 */
static int ctl_vf(const char *path, const char *op, int n, char **words)
{
	bool add = !strcmp(op, "vf-add");
	char args[API_LINE_MAX];
	struct json_writer w;
	char *end;

	ctl_timeout_s = CTL_VF_TIMEOUT_S;
	if (n == 1 && words[0][0] == '{')
		return ctl_one(path, op, words[0]);
	if (n < 1 || (add && n > 1)) {
		log_err("ctl: %s needs %s; see tinyvmm ctl --help", op,
			add ? "one BDF[,key=value...]"
			    : "a BDF or slot=N, then timeout=SECS, force");
		return EXIT_USAGE;
	}
	json_write_init(&w, args, sizeof(args));
	json_write_object_begin(&w);
	for (int i = 0; i < n; i++) {
		const char *a = words[i];

		if (add || (i == 0 && strncmp(a, "slot=", 5))) {
			json_write_kv_str(&w, "vf", a);
		} else if (i == 0) {
			unsigned long v = strtoul(a + 5, &end, 10);

			if (!a[5] || *end || v > 255) {
				log_err("ctl: vf-remove %s: slot must be a number 1..31", a);
				return EXIT_USAGE;
			}
			json_write_kv_uint(&w, "slot", v);
		} else if (!strncmp(a, "timeout=", 8)) {
			double t = strtod(a + 8, &end);

			if (!a[8] || *end) {
				log_err("ctl: vf-remove %s: not a number of seconds", a);
				return EXIT_USAGE;
			}
			json_write_kv_double(&w, "timeout", t, 3);
		} else if (!strcmp(a, "force")) {
			json_write_kv_bool(&w, "force", true);
		} else {
			log_err("ctl: vf-remove %s: unknown; use timeout=SECS or force", a);
			return EXIT_USAGE;
		}
	}
	json_write_object_end(&w);
	if (json_write_finish(&w) < 0) {
		log_err("ctl: %s: arguments too long", op);
		return EXIT_USAGE;
	}
	return ctl_one(path, op, args);
}

static int ctl_raw(const char *path)
{
	static struct ctl_in in;
	char *line = NULL;
	size_t cap = 0, len;
	ssize_t n;
	int fd = -1, code = ctl_connect(path, &fd);

	while (!code && (n = getline(&line, &cap, stdin)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		code = send_line(fd, path, line, (size_t)n);
		if (!code)
			code = recv_line(fd, path, &in, &len);
		if (!code) {
			printf("%s\n", in.buf);
			fflush(stdout);
			consume_line(&in, len);
		}
	}
	free(line);
	if (fd >= 0)
		close(fd);
	return code;
}

int ctl_main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		ctl_usage(stdout);
		return EXIT_POWEROFF;
	}
	if (argc == 3 && !strcmp(argv[2], "--raw"))
		return ctl_raw(argv[1]);
	if (argc < 3 || (argc > 4 && strncmp(argv[2], "vf-", 3)) || argc > 6 || argv[2][0] == '-') {
		log_err("ctl: %s; see tinyvmm ctl --help",
			argc < 3 ? "missing PATH or OP" : "too many or unknown arguments");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[2], "vf-add") || !strcmp(argv[2], "vf-remove"))
		return ctl_vf(argv[1], argv[2], argc - 3, argv + 3);
	return ctl_one(argv[1], argv[2], argc == 4 ? argv[3] : NULL);
}
