// SPDX-License-Identifier: MIT
/*
 * split_events.c - the events file of a run split in two processes
 * (include/tinyvmm.h): the sandbox's parent keeps the file
 * (tinyvmm_events_keep()) and, when the VM process died without its last
 * line, writes the vmm-exit the VM process could not (tinyvmm_emit_exit()).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "include/tinyvmm.h"
#include "vmm/api/library.h"
#include "vmm/base/fd_reopen.h"
#include "vmm/base/json_write.h"
#include "vmm/base/log.h"
#include "vmm/core/events.h"

int tinyvmm_events_keep(const struct tinyvmm_config *cfg)
{
	int n, fd;

	if (!cfg || !cfg->events)
		return -ENOENT;
	n = events_spec_fd(cfg->events);
	if (n == -ENOENT) { /* write-only: a FIFO with no reader fails, as for the run */
		fd = open(cfg->events, EVENTS_FILE_FLAGS, 0600);
		return fd < 0 ? -errno : fd;
	}
	if (n < 0)
		return n;
	/*
	 * fd:N is the caller's, and the run's: a dup would share its flags,
	 * and O_NONBLOCK set on it would be set on theirs. Opened again
	 * instead (a file, a pipe, a terminal), where the offset keeps the
	 * file's size now, for events_ended(); a socket, which cannot be,
	 * is duplicated with its flags left alone.
	 */
	fd = fd_reopen(n, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		lseek(fd, 0, SEEK_END);
		return fd;
	}
	if (fcntl(n, F_GETFL) < 0)
		return -errno;
	fd = fcntl(n, F_DUPFD_CLOEXEC, 3);
	return fd < 0 ? -errno : fd;
}

/*
 * Whether fd, a file, ends with vmm-exit; a FIFO or the like cannot tell.
 * Read through a read-only descriptor of its own, /proc/self/fd/N: the
 * kept one is write-only, and that is the same file, not a path looked up
 * again.
 */
static bool events_ended(int fd)
{
	char tail[256];
	struct stat st;
	off_t at;
	ssize_t n;
	int rfd;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	/* nothing written since it was kept: a last line is an earlier run's */
	if (st.st_size <= lseek(fd, 0, SEEK_CUR))
		return false;
	rfd = fd_reopen(fd, O_RDONLY | O_CLOEXEC);
	if (rfd < 0)
		return false;
	at = st.st_size > (off_t)sizeof(tail) ? st.st_size - (off_t)sizeof(tail) : 0;
	n = pread(rfd, tail, sizeof(tail), at);
	close(rfd);
	return n > 0 && events_tail_is(tail, (size_t)n, "vmm-exit");
}

/* Whether fd takes a write within a second: a socket kept blocking might not. */
static bool writable_soon(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	int r;

	do
		r = poll(&p, 1, 1000);
	while (r < 0 && errno == EINTR);
	return r == 1 && (p.revents & POLLOUT) && !(p.revents & (POLLERR | POLLHUP | POLLNVAL));
}

int tinyvmm_emit_exit(struct tinyvmm *t, int fd, int code, const char *reason)
{
	struct timespec t0;
	struct events *ev;
	struct json_writer m;
	char buf[160], spec[24];
	int r;

	if (!t || !reason)
		return -EINVAL;
	if ((fd < 0 && !t->event_fn) || (fd >= 0 && events_ended(fd)))
		return 0;
	if (fd >= 0 && !writable_soon(fd)) {
		log_warn("events: not writable within 1 s; no vmm-exit written there");
		fd = -1;
	}
	if (t->t0_given)
		t0 = t->t0;
	else
		clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(spec, sizeof(spec), "fd:%d", fd);
	r = events_open(&ev, fd >= 0 ? spec : NULL, &t0, 0); /* limit 0: vmm-exit only */
	if (r < 0)
		return r;
	if (t->event_fn)
		events_set_hook(ev, t->event_fn, t->event_opaque);
	json_write_init_members(&m, buf, sizeof(buf));
	json_write_kv_int(&m, "code", code);
	json_write_kv_str(&m, "reason", reason);
	events_emit_members(ev, "vmm-exit", &m);
	events_close(ev);
	return 0;
}
