/* SPDX-License-Identifier: MIT */
/*
 * api.h - the control API (--api-socket PATH) and its protocol.
 *
 * Protocol, version 1. A client connects to the Unix stream socket and
 * sends requests, one JSON object per line ('\n'-terminated, at most
 * API_LINE_MAX bytes before the newline, a trailing '\r' is ignored):
 *
 *   {"op": "status"}
 *   {"op": "shutdown", "timeout": 5, "id": 7, "version": 1}
 *
 * "op" is required. "id" (a number, or a string whose JSON text is under
 * API_ID_MAX bytes) is optional and echoed in the reply. "version" is
 * optional; when given it must be API_VERSION. Any other member must be an argument of the op
 * (only shutdown has one: "timeout", seconds, 0 < t <= 3600, default
 * API_SHUTDOWN_TIMEOUT). Every request line gets exactly one reply line:
 *
 *   {"version": 1, "ok": true, "id": 7, "result": {...}}
 *   {"version": 1, "ok": false, "id": 7, "error": {"code": "unknown-op", "message": "..."}}
 *
 * ("id" only when the request had a readable one). Error codes:
 *   bad-json     the line is not JSON (the message has line and column)
 *   unknown-op   "op" names no operation
 *   too-long     the line is over API_LINE_MAX bytes; the rest of it, up to
 *                the next newline, is read and dropped: the connection stays
 *                usable
 *   bad-version  "version" is a number other than API_VERSION
 *   bad-request  valid JSON but not a valid request: not an object, "op"
 *                missing or not a string, a bad "id" or argument, an unknown
 *                member
 *   failed       the operation could not be done (e.g. pause on a stopped VM)
 * A client that disconnects in the middle of a line is dropped without a
 * reply. Nothing a client sends affects the VM except a valid operation.
 *
 * Operations and their results:
 *   info      {"version": "0.1", "mem_mib": 256, "cpus": 2, "kernel": PATH,
 *              "cmdline": STR, "devices": [{"bdf": "0000:01:10.0", "slot": 5,
 *              "guest_bdf": "0000:00:05.0"}, ...]}
 *   status    {"state": "starting"|"running"|"paused"|"stopped",
 *              "uptime": seconds since guest entry, "reason": why it stopped
 *              (only when stopped)}
 *   pause     {"state": "paused"}   every vCPU parked (idempotent)
 *   resume    {"state": "running"}  (idempotent)
 *   stop      {"state": "stopped", "reason": R}  hard stop, now; with no VM
 *             running (before the first boot, or between two with
 *             --reboot=restart) {"state": "stopping"}: the next boot is
 *             stopped before its vCPUs run
 *   shutdown  {"state": "shutting-down", "timeout": T}  asks the guest to
 *             power off (magic SysRq s, u, o on its serial console), replies
 *             at once, stops the VM hard after T seconds
 *   stats     {"uptime": S, "exits": {"io": N, ...}, "vcpus": [{"io": N, ...}, ...]}
 *   vf-add    {"vf": "0000:01:10.2,slot=6,mac=..."} (the --vf syntax): the VF is
 *             hot-added (x86: ACPI PCI hotplug); {"bdf", "slot", "guest_bdf"}
 *   vf-remove {"vf": BDF} or {"slot": N}, optional "timeout" (seconds to wait
 *             for the guest's eject, 0 < t <= 600, default 10) and "force"
 *             (true: do not wait); {"bdf", "slot", "reason": "api" (the guest
 *             ejected it), "timeout" or "forced" (removed without its eject)}
 *             Both fail ("failed", one line) and change nothing for a slot
 *             taken or empty, slot 0 or over 31, a bad or unknown BDF, a VF
 *             another tinyvmm uses, a paused VM or a guest not ready for
 *             hotplug. The server handles one request at a time: a remove
 *             holds the others until the guest has ejected or the timeout.
 *
 * The server (api_open) is one thread that polls the listening socket, up to
 * API_MAX_CLIENTS clients and an eventfd that stops it. Clients are
 * non-blocking with a line buffer each; a reply that cannot be written at
 * once in full drops that client, so a slow client never holds anything up.
 * The thread calls the handlers in struct api_ops, one request at a time;
 * they know the VM, this file does not (api_vm.c wires them to struct vm).
 */
#ifndef TINYVMM_API_H
#define TINYVMM_API_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/base/util.h"

#define API_VERSION	     1
#define API_LINE_MAX	     4096  /* a request line, without its '\n' */
#define API_REPLY_MAX	     65536 /* a reply line, '\n' included */
#define API_ID_MAX	     256   /* an id as JSON text, quotes and escapes included */
#define API_MAX_CLIENTS	     16
#define API_SHUTDOWN_TIMEOUT 10.0 /* seconds */
#define API_SHUTDOWN_MAX     3600.0
#define API_VF_MAX	     256  /* vf-add's "vf": BDF,key=value,... */
#define API_REMOVE_TIMEOUT   10.0 /* vf-remove: seconds to wait for the guest's eject */
#define API_REMOVE_MAX	     600.0

enum api_op {
	API_OP_INFO,
	API_OP_STATUS,
	API_OP_PAUSE,
	API_OP_RESUME,
	API_OP_STOP,
	API_OP_SHUTDOWN,
	API_OP_STATS,
	API_OP_VF_ADD,
	API_OP_VF_REMOVE,
	API_OPS
};

enum api_err {
	API_OK,
	API_ERR_BAD_JSON,
	API_ERR_UNKNOWN_OP,
	API_ERR_TOO_LONG,
	API_ERR_BAD_VERSION,
	API_ERR_BAD_REQUEST,
	API_ERR_FAILED,
	API_ERR_DENIED, /* the client's uid is neither tinyvmm's nor root's */
	API_ERRS
};

/* "info", "status", ...; "?" when out of range. */
const char *api_op_name(enum api_op op);
/* "bad-json", "unknown-op", ...; "ok" for API_OK, "?" when out of range. */
const char *api_err_name(enum api_err e);

/* ---- pure protocol functions (api_proto.c): buffers only, no I/O ----
 * Replies and results are written with a struct json_writer (json_write.h). */

struct api_request {
	enum api_op op;
	char id[API_ID_MAX]; /* the id as JSON text to echo, "" when none */
	double timeout;	     /* shutdown, vf-remove: seconds */
	char vf[API_VF_MAX]; /* vf-add: the --vf argument; vf-remove: a BDF, or "" */
	unsigned int slot;   /* vf-remove without "vf": the guest slot */
	bool force;	     /* vf-remove: detach without waiting for the guest */
};

/*
 * Parse one request line of len bytes (no '\n'; a final '\r' is ignored)
 * into req. Returns API_OK, or the error code with a one-line message in
 * msg (msgcap bytes, NUL-terminated). req->id is set whenever the request
 * carried a valid id, also on errors found after it, so the error reply can
 * echo it.
 */
enum api_err api_parse_request(const char *line, size_t len, struct api_request *req, char *msg,
			       size_t msgcap);

/*
 * Format a reply line, '\n' included, into buf (cap bytes, NUL-terminated).
 * id is JSON text from api_request.id ("" or NULL: no id member). result is
 * the JSON text of the result object (NULL or "": {}); message is plain
 * text, escaped here. Return the length, or -ENOSPC when it does not fit.
 */
int api_format_ok(char *buf, size_t cap, const char *id, const char *result);
int api_format_error(char *buf, size_t cap, const char *id, enum api_err code, const char *message);

/* ---- the server (api.c) ---- */

/*
 * An operation handler, called on the server thread. On success it writes
 * the JSON text of its result object into out (cap bytes) and returns 0.
 * On failure it writes a plain-text message into out and returns -EINVAL
 * (reply bad-request) or another -errno (reply failed). A NULL handler
 * replies failed ("not supported").
 */
typedef int (*api_handler_fn)(void *opaque, const struct api_request *req, char *out, size_t cap);

struct api_ops {
	api_handler_fn handlers[API_OPS];
};

struct api;

/*
 * Create the socket at path and start the server thread. The path:
 *  - exists and a connect() to it succeeds: -EADDRINUSE ("in use by another
 *    process"), left alone;
 *  - exists, is a socket, nobody listens: a stale socket, replaced;
 *  - exists and is not a socket: -EEXIST, left alone;
 *  - longer than a sockaddr_un holds: -ENAMETOOLONG.
 * The socket is made mode 0600 (fchmod before bind), and a client whose
 * uid is neither ours nor root's is refused (SO_PEERCRED). ops and opaque
 * must outlive the server. seccomp (enum tinyvmm_seccomp) is the server
 * thread's filter. Logs one line naming the path and returns -errno on
 * failure. Open it once the stop signals are blocked: the thread inherits
 * the signal mask.
 */
int api_open(struct api **out, const char *path, const struct api_ops *ops, void *opaque,
	     int seccomp);

/* api_open() in two steps: the socket (listening, no thread yet), then the
 * thread (a no-op once started). For a run that gives up its privileges in
 * between: the socket needs them, the thread must not have them. */
int api_bind(struct api **out, const char *path, const struct api_ops *ops, void *opaque,
	     int seccomp);
int api_start(struct api *a);

/* Stop the thread, close every client, unlink the socket (if it is still
 * ours) and free a. NULL is a no-op. */
void api_close(struct api *a);

/* ---- the VM backend (api_vm.c): the handlers over struct vm ---- */

struct api_vm;
struct tinyvmm_config;
struct vm;
struct passthrough;

/*
 * Open cfg->api_socket (nothing, *out NULL, when it is not set) with the VM
 * handlers; clients are served once api_vm_start() is called. -errno after one logged line, marked
 * as the user's (err.h) when they can fix it (a bad or busy path) rather than a host failure.
 */
int api_vm_open(struct api_vm **out, const struct tinyvmm_config *cfg);
/* Start serving (the socket is open already). NULL: 0. 0 or -errno (logged). */
int api_vm_start(struct api_vm *a);
/*
 * The VM that requests act on from now on: right after vm_create() (pause
 * and stop work before the vCPUs start; status says "starting" until
 * vm_start()). pt's slots (from passthrough_prepare) are copied for info.
 * A stop asked while no VM was attached stops this one at once. a NULL is
 * a no-op.
 */
void api_vm_attach(struct api_vm *a, struct vm *vm, const struct passthrough *pt);
/* Forget the VM (on every path before vm_destroy(), after vm_join() once it
 * ran; safe when nothing is attached): cancels and joins a shutdown in
 * progress. NULL is a no-op. */
void api_vm_detach(struct api_vm *a);
/* Close the server and free a; NULL is a no-op. */
void api_vm_close(struct api_vm *a);

#endif
