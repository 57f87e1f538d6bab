// SPDX-License-Identifier: MIT
/*
 * api.c - the control API server: the Unix socket, one poll() thread, its
 * clients and their line buffers; see api.h for the protocol.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmm/sandbox/seccomp.h"
#include "vmm/api/api.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/base/thread.h"

#define API_BACKLOG 16

struct api_client {
	int fd;	      /* -1: free slot */
	bool discard; /* dropping the rest of a too-long line */
	size_t len;
	char buf[API_LINE_MAX + 1]; /* a whole line and its '\n' */
};

struct api {
	char *path;
	dev_t dev; /* the socket inode we made, so close unlinks only ours */
	ino_t ino;
	int lfd, efd;
	pthread_t thread;
	bool thread_started;
	int seccomp; /* enum tinyvmm_seccomp of the thread */
	const struct api_ops *ops;
	void *opaque;
	struct api_client clients[API_MAX_CLIENTS];
	char result[API_REPLY_MAX];
	char reply[API_REPLY_MAX];
};

/* ---- replies ---- */

/* Write the whole line now or drop the client: never wait for a slow reader. */
static bool client_send(struct api *a, struct api_client *c, const char *line, int len)
{
	ssize_t n;

	if (len < 0) {
		/* Cannot happen with the sizes used; answer something anyway. */
		len = api_format_error(a->reply, sizeof(a->reply), NULL, API_ERR_FAILED,
				       "reply: too large");
		line = a->reply;
	}
	do
		n = send(c->fd, line, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n == len)
		return true;
	log_debug("api %s: client %d: %s; dropping it", a->path, c->fd,
		  n < 0 ? strerror(errno) : "reply only partly written");
	return false;
}

static bool send_error(struct api *a, struct api_client *c, const char *id, enum api_err e,
		       const char *msg)
{
	int n = api_format_error(a->reply, sizeof(a->reply), id, e, msg);

	return client_send(a, c, a->reply, n);
}

/* One complete request line: parse, run, reply. False when the client must go. */
static bool handle_line(struct api *a, struct api_client *c, const char *line, size_t len)
{
	struct api_request req;
	char msg[256];
	enum api_err e = api_parse_request(line, len, &req, msg, sizeof(msg));
	api_handler_fn fn;
	int r, n;

	if (e != API_OK)
		return send_error(a, c, req.id, e, msg);
	fn = a->ops->handlers[req.op];
	if (!fn)
		return send_error(a, c, req.id, API_ERR_FAILED, "operation not supported");
	a->result[0] = '\0';
	r = fn(a->opaque, &req, a->result, sizeof(a->result));
	a->result[sizeof(a->result) - 1] = '\0';
	if (r < 0)
		return send_error(a, c, req.id, r == -EINVAL ? API_ERR_BAD_REQUEST : API_ERR_FAILED,
				  a->result[0] ? a->result : strerror(-r));
	n = api_format_ok(a->reply, sizeof(a->reply), req.id, a->result);
	return client_send(a, c, a->reply, n);
}

/* ---- clients ---- */

static void client_drop(struct api_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
	c->discard = false;
}

/*
 * One read (so no client can starve the others), then every complete line.
 * A line that fills the buffer without a newline gets too-long at once and
 * the rest of it is dropped as it comes.
 */
static void client_read(struct api *a, struct api_client *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	char *nl;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* EOF: a partial line is dropped without a reply */
		client_drop(c);
		return;
	}
	c->len += (size_t)n;
	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t line = (size_t)(nl - c->buf);

		if (c->discard)
			c->discard = false;
		else if (!handle_line(a, c, c->buf, line)) {
			client_drop(c);
			return;
		}
		c->len -= line + 1;
		memmove(c->buf, nl + 1, c->len);
	}
	if (c->len == sizeof(c->buf)) {
		char msg[64];

		snprintf(msg, sizeof(msg), "request: longer than %d bytes", API_LINE_MAX);
		if (!c->discard && !send_error(a, c, NULL, API_ERR_TOO_LONG, msg)) {
			client_drop(c);
			return;
		}
		c->discard = true;
		c->len = 0;
	}
}

static struct api_client *free_slot(struct api *a)
{
	for (size_t i = 0; i < API_MAX_CLIENTS; i++)
		if (a->clients[i].fd < 0)
			return &a->clients[i];
	return NULL;
}

/*
 * Every slot is taken: serve whatever the clients have sent, so the ones
 * that are gone (EOF waiting to be read) free their slots before a new
 * client is turned away.
 */
static struct api_client *reap_clients(struct api *a)
{
	struct pollfd p[API_MAX_CLIENTS];

	for (size_t i = 0; i < API_MAX_CLIENTS; i++)
		p[i] = (struct pollfd){.fd = a->clients[i].fd, .events = POLLIN};
	if (poll(p, API_MAX_CLIENTS, 0) > 0)
		for (size_t i = 0; i < API_MAX_CLIENTS; i++)
			if (p[i].revents && a->clients[i].fd >= 0)
				client_read(a, &a->clients[i]);
	return free_slot(a);
}

/*
 * The socket file is owner-only, but a path can be reached in other ways (a
 * descriptor passed on, a mode changed later): only tinyvmm's own uid and
 * root may talk to it. *uid: the peer's, for the message.
 */
static bool peer_allowed(int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	*uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return false;
	*uid = cr.uid;
	return cr.uid == geteuid() || cr.uid == 0;
}

static void accept_clients(struct api *a)
{
	for (;;) {
		int fd = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct api_client *c;
		uid_t uid;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				LOG_ONCE(LOG_WARN, "api %s: accept: %s", a->path, strerror(errno));
			return;
		}
		if (!peer_allowed(fd, &uid)) {
			struct api_client tmp = {.fd = fd};
			char msg[96];

			snprintf(msg, sizeof(msg),
				 "uid %d may not use this socket (only uid %u and root)", (int)uid,
				 (unsigned int)geteuid());
			LOG_ONCE(LOG_WARN, "api %s: refused a client: %s (logged once)", a->path,
				 msg);
			send_error(a, &tmp, NULL, API_ERR_DENIED, msg);
			close(fd);
			continue;
		}
		c = free_slot(a);
		if (!c)
			c = reap_clients(a);
		if (!c) {
			struct api_client tmp = {.fd = fd};
			char msg[64];

			snprintf(msg, sizeof(msg), "too many clients (%d); try again later",
				 API_MAX_CLIENTS);
			send_error(a, &tmp, NULL, API_ERR_FAILED, msg);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->len = 0;
		c->discard = false;
	}
}

static void *api_thread(void *arg)
{
	struct api *a = arg;
	struct pollfd p[2 + API_MAX_CLIENTS];
	struct api_client *who[2 + API_MAX_CLIENTS];

	pthread_setname_np(pthread_self(), "api");
	if (sb_enter((enum tinyvmm_seccomp)a->seccomp, SB_API) < 0)
		return NULL; /* logged: no API for this run */
	for (;;) {
		nfds_t n = 2;

		p[0] = (struct pollfd){.fd = a->efd, .events = POLLIN};
		p[1] = (struct pollfd){.fd = a->lfd, .events = POLLIN};
		for (size_t i = 0; i < API_MAX_CLIENTS; i++) {
			if (a->clients[i].fd < 0)
				continue;
			who[n] = &a->clients[i];
			p[n++] = (struct pollfd){.fd = a->clients[i].fd, .events = POLLIN};
		}
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_err("api %s: poll: %s; the control API stops", a->path,
				strerror(errno));
			break;
		}
		if (p[0].revents)
			break;
		for (nfds_t i = 2; i < n; i++)
			if (p[i].revents)
				client_read(a, who[i]);
		if (p[1].revents & POLLIN)
			accept_clients(a);
	}
	return NULL;
}

/* ---- the socket ---- */

static int fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (!*path || strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

/* What is at path: 0 (free now), or -errno after logging. */
static int check_path(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		r = -errno;
		return err_user(r, "api %s: %s", path, strerror(-r));
	}
	if (!S_ISSOCK(st.st_mode))
		return err_user(-EEXIST,
				"api %s: exists and is not a socket; remove it or choose another "
				"path",
				path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		r = -errno;
		log_err("api %s: socket: %s", path, strerror(-r));
		return r;
	}
	r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ? 0 : -errno;
	close(fd);
	if (r == 0 || r == -EAGAIN || r == -EINPROGRESS)
		return err_user(-EADDRINUSE,
				"api %s: in use by another process (is another tinyvmm running "
				"with this --api-socket?)",
				path);
	if (r != -ECONNREFUSED)
		return err_user(r, "api %s: cannot check the existing socket: %s", path,
				strerror(-r));
	/* A socket nobody listens on: left by a process that died; reuse the path. */
	if (unlink(path) < 0 && errno != ENOENT) {
		r = -errno;
		return err_user(r, "api %s: cannot remove the stale socket: %s", path,
				strerror(-r));
	}
	log_debug("api %s: replaced a stale socket", path);
	return 0;
}

static int make_socket(struct api *a, const struct sockaddr_un *sa)
{
	struct stat st;
	int r;

	a->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (a->lfd < 0) {
		r = -errno;
		log_err("api %s: socket: %s", a->path, strerror(-r));
		return r;
	}
	/*
	 * Owner-only from the moment it exists: bind gives the file the socket's
	 * own mode less the umask, so the mode is set on the descriptor first.
	 * No umask() (process-wide: it would race with an embedding program's
	 * threads) and no chmod by path (it would follow a link swapped in).
	 */
	if (fchmod(a->lfd, 0600) < 0) {
		r = -errno;
		log_err("api %s: fchmod on the socket: %s", a->path, strerror(-r));
		return r;
	}
	r = bind(a->lfd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ? 0 : -errno;
	if (r < 0)
		return err_file(r, "api %s: cannot create the socket: %s", a->path, strerror(-r));
	if (lstat(a->path, &st) < 0) {
		r = -errno;
		return err_host(r, "api %s: cannot stat the new socket: %s", a->path, strerror(-r));
	}
	if (!S_ISSOCK(st.st_mode) || (st.st_mode & 0077)) {
		unlink(a->path);
		return err_host(-EPERM,
				"api %s: the socket did not come out owner-only (mode %04o)",
				a->path, (unsigned int)(st.st_mode & 07777));
	}
	a->dev = st.st_dev;
	a->ino = st.st_ino;
	if (listen(a->lfd, API_BACKLOG) < 0) {
		r = -errno;
		log_err("api %s: listen: %s", a->path, strerror(-r));
		unlink(a->path);
		a->ino = 0;
		return r;
	}
	return 0;
}

int api_bind(struct api **out, const char *path, const struct api_ops *ops, void *opaque,
	     int seccomp)
{
	struct sockaddr_un sa;
	struct api *a;
	int r;

	*out = NULL;
	if (fill_addr(&sa, path) < 0)
		return err_user(-ENAMETOOLONG, "api %s: %s; give a path of 1 to %zu bytes", path,
				*path ? "path too long for a Unix socket" : "empty path",
				sizeof(sa.sun_path) - 1);
	a = calloc(1, sizeof(*a));
	if (!a)
		return err_host(-ENOMEM, "api %s: out of memory", path);
	a->lfd = a->efd = -1;
	a->ops = ops;
	a->opaque = opaque;
	a->seccomp = seccomp;
	for (size_t i = 0; i < API_MAX_CLIENTS; i++)
		a->clients[i].fd = -1;
	a->path = strdup(path);
	if (!a->path) {
		r = err_host(-ENOMEM, "api %s: out of memory", path);
		goto err;
	}
	r = check_path(path, &sa);
	if (r == 0)
		r = make_socket(a, &sa);
	if (r < 0)
		goto err;
	a->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (a->efd < 0) {
		r = -errno;
		log_err("api %s: eventfd: %s", path, strerror(-r));
		goto err;
	}
	*out = a;
	return 0;
err:
	api_close(a);
	return r;
}

int api_start(struct api *a)
{
	int r;

	if (a->thread_started)
		return 0;
	r = thread_create(&a->thread, api_thread, a);
	if (r < 0) {
		log_err("api %s: cannot start the server thread: %s", a->path, thread_why(-r));
		return r;
	}
	a->thread_started = true;
	log_debug("api %s: listening", a->path);
	return 0;
}

int api_open(struct api **out, const char *path, const struct api_ops *ops, void *opaque,
	     int seccomp)
{
	int r = api_bind(out, path, ops, opaque, seccomp);

	if (r == 0) {
		r = api_start(*out);
		if (r < 0) {
			api_close(*out);
			*out = NULL;
		}
	}
	return r;
}

void api_close(struct api *a)
{
	struct stat st;

	if (!a)
		return;
	if (a->thread_started) {
		if (eventfd_write(a->efd, 1) < 0) {
			/* The thread still runs: leave it everything it uses. */
			log_err("api %s: cannot stop the server thread: %s", a->path,
				strerror(errno));
			return;
		}
		pthread_join(a->thread, NULL);
	}
	for (size_t i = 0; i < API_MAX_CLIENTS; i++)
		client_drop(&a->clients[i]);
	if (a->ino && lstat(a->path, &st) == 0 && st.st_dev == a->dev && st.st_ino == a->ino)
		unlink(a->path);
	if (a->lfd >= 0)
		close(a->lfd);
	if (a->efd >= 0)
		close(a->efd);
	free(a->path);
	free(a);
}
