// SPDX-License-Identifier: MIT
/* jail.c - the privileged parent and the unprivileged VM process; see jail.h. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/base/fd_reopen.h"
#include "vmm/base/out_file.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/base/parse.h"
#include "vmm/base/tty.h"
#include "vmm/base/util.h"
#include "vmm/cmd/jail.h"
#include "vmm/cmd/jail_root.h"

#define NOBODY_ID  65534
#define NOFILE_MAX 4096

/* ---- --run-as ---- */

int jail_parse(const char *run_as, struct jail *j)
{
	unsigned long uid, gid;
	const char *colon;

	memset(j, 0, sizeof(*j));
	if (geteuid() != 0 || (run_as && !strcmp(run_as, "none")))
		return 0; /* unprivileged already, or asked for one root process */
	j->on = true;
	if (!run_as)
		run_as = "nobody";
	colon = strchr(run_as, ':');
	if (colon) {
		char u[32];

		snprintf(u, sizeof(u), "%.*s", (int)(colon - run_as), run_as);
		if (parse_uint(u, 0xfffffffe, &uid) < 0 ||
		    parse_uint(colon + 1, 0xfffffffe, &gid) < 0)
			return err_user(-EINVAL,
					"--run-as %s: give a user name, UID:GID (numbers) or none",
					run_as);
	} else {
		struct passwd *pw = getpwnam(run_as);

		if (!pw && strcmp(run_as, "nobody") != 0)
			return err_user(
			    -EINVAL, "--run-as %s: no such user; give a user name, UID:GID or none",
			    run_as);
		uid = pw ? pw->pw_uid : NOBODY_ID;
		gid = pw ? pw->pw_gid : NOBODY_ID;
	}
	if (uid == 0 || gid == 0)
		return err_user(
		    -EINVAL,
		    "--run-as %s: the VM process must not be root; give another user, or "
		    "--run-as none for one root process",
		    run_as);
	j->uid = (uid_t)uid;
	j->gid = (gid_t)gid;
	snprintf(j->name, sizeof(j->name), "%s", run_as);
	return 0;
}

/* ---- the parent's side of the broker: what it opens, and how ---- */

/* The requests of the VM process: a header, then the op's payload. */
enum jail_op { JAIL_OPEN = 1, JAIL_TAKE, JAIL_GIVE_BACK };
struct jail_req {
	int op;
	int flags; /* JAIL_OPEN: the open flags asked for */
	union {
		char path[4096];	    /* JAIL_OPEN */
		struct tinyvmm_vf vf;	    /* JAIL_TAKE: a VF to hot-add */
		char bdf[TINYVMM_BDF_SIZE]; /* JAIL_GIVE_BACK */
	} u;
};

/* A VF the parent took on request while the VM runs (hot-add). */
struct jail_hot {
	char bdf[TINYVMM_BDF_SIZE];
	struct tinyvmm_vf_hold *hold;
	int group;
};

struct broker {
	int sock;
	const struct tinyvmm_config *cfg;
	struct tinyvmm_vf_hold *hold; /* the run's --vf VFs */
	int groups[TINYVMM_MAX_VFS];  /* theirs, -1 once given back */
	bool gone[TINYVMM_MAX_VFS];   /* given back (hot-removed) */
	unsigned int nr_groups;
	struct jail_hot hot[TINYVMM_MAX_VFS];
	unsigned int nr_hot;
	bool refused_logged;
};

/* The flags the parent opens path with, or -1 when the VM process may not have it. */
static int allowed(const struct broker *b, const char *path, int *mode)
{
	char g[32];

	*mode = 0;
	if (!strcmp(path, "/dev/kvm") || !strcmp(path, "/dev/vfio/vfio"))
		return O_RDWR | O_CLOEXEC;
	for (unsigned int i = 0; i < b->nr_groups + b->nr_hot; i++) {
		int id = i < b->nr_groups ? b->groups[i] : b->hot[i - b->nr_groups].group;

		snprintf(g, sizeof(g), "/dev/vfio/%d", id);
		if (id >= 0 && !strcmp(path, g))
			return O_RDWR | O_CLOEXEC;
	}
	if (b->cfg->console && !strcmp(path, b->cfg->console)) {
		*mode = 0600;
		return OUT_FILE_FLAGS(O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC);
	}
	if (b->cfg->dump_dtb && !strcmp(path, b->cfg->dump_dtb)) {
		*mode = 0644;
		return OUT_FILE_FLAGS(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
	}
	return -1;
}

/* Whether the VM process's VF is well-formed and not held already. */
static int hot_check(const struct broker *b, struct tinyvmm_vf *vf)
{
	struct tinyvmm_vf chk;

	vf->bdf[sizeof(vf->bdf) - 1] = '\0';
	if (tinyvmm_vf_parse(vf->bdf, &chk) < 0 || strcmp(chk.bdf, vf->bdf) != 0 || vf->slot > 31 ||
	    vf->vlan > 4094 || vf->qos > 7 || (unsigned int)vf->spoofchk > TINYVMM_OFF ||
	    (unsigned int)vf->trust > TINYVMM_OFF)
		return -EINVAL;
	for (unsigned int i = 0; i < b->cfg->nr_vfs; i++)
		if (!b->gone[i] && !strcmp(b->cfg->vfs[i].bdf, vf->bdf))
			return -EBUSY;
	for (unsigned int i = 0; i < b->nr_hot; i++)
		if (!strcmp(b->hot[i].bdf, vf->bdf))
			return -EBUSY;
	return b->nr_hot < TINYVMM_MAX_VFS ? 0 : -ENOSPC;
}

static int hot_take(struct broker *b, struct tinyvmm_vf *vf)
{
	struct jail_hot *h = &b->hot[b->nr_hot];
	int r = hot_check(b, vf);

	if (r < 0) {
		log_err("sandbox: the VM process asked to take %.32s: %s", vf->bdf,
			r == -EBUSY ? "it holds that VF already" : "not a valid VF");
		return err_mark_user(r);
	}
	r = tinyvmm_vf_take(vf, 1, &h->hold); /* logs why it cannot */
	if (r < 0)
		return r;
	snprintf(h->bdf, sizeof(h->bdf), "%s", vf->bdf);
	h->group = -1;
	tinyvmm_vf_hold_groups(h->hold, &h->group, 1);
	b->nr_hot++;
	return 0;
}

/*
 * A VF the VM process detached: back to its host driver, a --vf one
 * included, and its group no longer opens for the VM process. While the VM
 * process runs (running) a VF whose group it still holds, or a device in
 * it, is refused (-EBUSY; it goes back when the VM process ends): the
 * vfio-pci unbind would block this process until it let go, and the host
 * driver could not bind. -ENOENT: not held.
 */
static int hot_give_back(struct broker *b, const char *bdf, bool running)
{
	for (unsigned int i = 0; i < b->nr_hot; i++) {
		if (strcmp(b->hot[i].bdf, bdf) != 0)
			continue;
		if (running && tinyvmm_vf_group_busy(bdf))
			return -EBUSY;
		tinyvmm_vf_give_back(b->hot[i].hold);
		b->hot[i] = b->hot[--b->nr_hot];
		return 0;
	}
	for (unsigned int i = 0; i < b->cfg->nr_vfs && i < b->nr_groups; i++) {
		if (b->gone[i] || strcmp(b->cfg->vfs[i].bdf, bdf) != 0)
			continue;
		if (running && tinyvmm_vf_group_busy(bdf))
			return -EBUSY;
		if (tinyvmm_vf_give_back_one(b->hold, bdf) < 0)
			return -ENOENT;
		b->gone[i] = true;
		b->groups[i] = -1;
		return 0;
	}
	return -ENOENT;
}

/* Open what the VM process asked for, if it may have it; the fd or -errno. */
static int broker_open(struct broker *b, struct jail_req *q)
{
	int flags, mode, fd;

	q->u.path[sizeof(q->u.path) - 1] = '\0';
	flags = allowed(b, q->u.path, &mode);
	if (flags < 0) {
		if (!b->refused_logged)
			log_warn("sandbox: the VM process asked to open %.200s; refused (logged "
				 "once)",
				 q->u.path);
		b->refused_logged = true;
		return -EPERM;
	}
	fd = open(q->u.path, flags, (mode_t)mode);
	return fd < 0 ? -errno : fd;
}

/* One request; the answer is an int (0 or -errno), with the fd of an open. */
static int serve(struct broker *b)
{
	struct jail_req q;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	int fd = -1, res;
	ssize_t n;

	memset(&q, 0, sizeof(q));
	n = recv(b->sock, &q, sizeof(q), 0);
	if (n <= 0)
		return n == 0 ? -EPIPE : -errno;
	if ((size_t)n < offsetof(struct jail_req, u))
		q.op = 0;
	switch (q.op) {
	case JAIL_OPEN:
		fd = broker_open(b, &q);
		res = fd < 0 ? fd : 0;
		break;
	case JAIL_TAKE:
		res = hot_take(b, &q.u.vf);
		break;
	case JAIL_GIVE_BACK:
		q.u.bdf[sizeof(q.u.bdf) - 1] = '\0';
		res = hot_give_back(b, q.u.bdf, true);
		if (res < 0)
			log_warn("sandbox: the VM process handed back %.32s, %s", q.u.bdf,
				 res == -EBUSY ? "but still holds its IOMMU group: it goes back "
						 "when the VM process ends"
					       : "which it does not hold");
		break;
	default:
		res = -EINVAL;
	}
	iov = (struct iovec){.iov_base = &res, .iov_len = sizeof(res)};
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	n = sendmsg(b->sock, &mh, MSG_NOSIGNAL);
	if (fd >= 0)
		close(fd);
	return n < 0 ? -errno : 0;
}

/* ---- the VM process's side ---- */

struct child {
	pid_t parent; /* the privileged side: when it goes, this process goes */
	int sock;
	pthread_mutex_t lock;
	int locked; /* eventfd: the run thread gave up root */
	const struct jail *j;
	const struct tinyvmm_config *cfg;
};

/*
 * One request to the parent: 0 with its answer in *answer (0 or -errno from
 * the parent's own call) and the descriptor it sent in *fd (or -1); -EPIPE
 * when the channel broke (no answer, *answer -EPIPE too), which ask_open()
 * tells apart from a call of the parent's that failed so.
 */
static int ask(struct child *c, const struct jail_req *q, size_t len, int *answer, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;
	int res = 0, r = -EPIPE;

	*fd = -1;
	pthread_mutex_lock(&c->lock); /* one question, one answer: the run and API threads */
	if (send(c->sock, q, len, MSG_NOSIGNAL) < 0)
		goto out; /* EPIPE, ECONNRESET: the parent is gone */
	iov = (struct iovec){.iov_base = &res, .iov_len = sizeof(res)};
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (recvmsg(c->sock, &mh, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof(res))
		goto out;
	r = 0;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	else if ((mh.msg_flags & MSG_CTRUNC) && res >= 0)
		res = -EMFILE; /* the descriptor sent found no free slot here */
out:
	pthread_mutex_unlock(&c->lock);
	*answer = r < 0 ? r : res;
	return r;
}

static int ask_open(void *opaque, const char *path, int flags)
{
	struct jail_req q = {.op = JAIL_OPEN, .flags = flags};
	size_t len = strlen(path);
	int fd, res, r;

	if (len >= sizeof(q.u.path))
		return -ENAMETOOLONG;
	memcpy(q.u.path, path, len);
	r = ask(opaque, &q, offsetof(struct jail_req, u) + len + 1, &res, &fd);
	if (res < 0 && fd >= 0)
		close(fd);
	if (r < 0 || (res >= 0 && fd < 0)) {
		/* the channel, not the file: EIO, which err_file() calls the host's */
		log_err("sandbox: the privileged side gave no descriptor for %s (%s)", path,
			r < 0 ? "its channel broke" : "no descriptor in its answer");
		return -EIO;
	}
	return res < 0 ? res : fd;
}

static int ask_take(void *opaque, const struct tinyvmm_vf *vf)
{
	struct jail_req q = {.op = JAIL_TAKE};
	int fd, res;

	q.u.vf = *vf;
	ask(opaque, &q, offsetof(struct jail_req, u) + sizeof(q.u.vf), &res, &fd);
	if (fd >= 0)
		close(fd);
	if (res < 0) /* the parent said why on the same stderr; the API caller hears it */
		log_err("vf %s: the privileged side could not take it: %s", vf->bdf,
			strerror((-res) & 0xffff));
	return res;
}

static void ask_give_back(void *opaque, const char *bdf)
{
	struct jail_req q = {.op = JAIL_GIVE_BACK};
	int fd, res;

	snprintf(q.u.bdf, sizeof(q.u.bdf), "%s", bdf);
	ask(opaque, &q, offsetof(struct jail_req, u) + sizeof(q.u.bdf), &res, &fd);
	if (res < 0)
		log_err("vf %s: could not hand it back to the privileged side; it gives it back "
			"when the VM ends",
			bdf);
	if (fd >= 0)
		close(fd);
}

/*
 * The VM process's own descriptions of stdin and stdout (a pipe or a
 * terminal, reopened): the console makes its output non-blocking, which
 * must not reach the parent's stderr on the same terminal, and once it is
 * locked down there is no /proc/self/fd for the console to reopen them.
 */
static void own_stdio(void)
{
	static const int modes[2] = {O_RDONLY, O_WRONLY};

	for (int fd = 0; fd < 2; fd++) {
		struct stat st;
		int nfd;

		if (fstat(fd, &st) < 0 || S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode))
			continue;
		nfd = fd_reopen(fd, modes[fd] | O_NOCTTY);
		if (nfd < 0)
			continue; /* the console shares the description, as before */
		if (nfd != fd && dup2(nfd, fd) >= 0)
			close(nfd);
	}
}

static int lockdown(void *opaque)
{
	struct child *c = opaque;
	unsigned long long ram =
	    (unsigned long long)(c->cfg->mem_mib ? c->cfg->mem_mib : TINYVMM_DEFAULT_MEM_MIB) << 20;
	struct rlimit mem = {.rlim_cur = ram + TINYVMM_MEMLOCK_SLACK,
			     .rlim_max = ram + TINYVMM_MEMLOCK_SLACK};
	struct rlimit nofile, now;
	int r = 0;

	/* memlock: what the VFIO map pins. Without CAP_SYS_RESOURCE the hard
	 * limit cannot be raised: keep it, and say so when VFs need it. */
	if (setrlimit(RLIMIT_MEMLOCK, &mem) < 0 && getrlimit(RLIMIT_MEMLOCK, &now) == 0 &&
	    c->cfg->nr_vfs && now.rlim_max != RLIM_INFINITY && now.rlim_max < mem.rlim_cur)
		log_warn("sandbox: cannot raise RLIMIT_MEMLOCK to %llu MiB (it is %llu MiB): the "
			 "VFIO map of guest RAM will fail; raise it (ulimit -l) or run with "
			 "CAP_SYS_RESOURCE",
			 (unsigned long long)(mem.rlim_cur >> 20),
			 (unsigned long long)(now.rlim_max >> 20));
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
		nofile.rlim_max = MIN(nofile.rlim_max, (rlim_t)NOFILE_MAX);
		nofile.rlim_cur = MIN(nofile.rlim_cur, nofile.rlim_max);
		setrlimit(RLIMIT_NOFILE, &nofile); /* only ever lowered */
	}
	r = jail_root_enter(); /* logged */
	if (r < 0)
		return r;
	if (setgroups(0, NULL) < 0 || setresgid(c->j->gid, c->j->gid, c->j->gid) < 0 ||
	    setresuid(c->j->uid, c->j->uid, c->j->uid) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = -errno;
	if (r == 0 && (getuid() != c->j->uid || geteuid() != c->j->uid || getegid() != c->j->gid))
		r = -EPERM;
	/* A change of credentials clears the parent-death signal: set it again,
	 * and make sure the parent did not go meanwhile. */
	if (r == 0 && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		r = -errno;
	if (r == 0 && getppid() != c->parent)
		r = -ESRCH;
	if (r < 0) {
		log_err("sandbox: cannot give up root for --run-as %s (uid %u gid %u): %s",
			c->j->name, (unsigned int)c->j->uid, (unsigned int)c->j->gid, strerror(-r));
		return r;
	}
	if (eventfd_write(c->locked, 1) < 0)
		log_debug("sandbox: eventfd_write: %s", strerror(errno));
	log_debug("sandbox: the VM process runs as uid %u gid %u, no capabilities, memlock %llu "
		  "MiB",
		  (unsigned int)c->j->uid, (unsigned int)c->j->gid,
		  (unsigned long long)(mem.rlim_cur >> 20));
	return 0;
}

/*
 * The VM process's main thread: the run goes on its own thread; this one
 * turns stop signals into a stop, and once the run has given up root it
 * takes the run's allow-list itself (no thread of the VM process is left
 * unfiltered).
 */
static int child_run(struct tinyvmm *t, int sfd, struct child *c)
{
	struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
			      {.fd = tinyvmm_wait_fd(t), .events = POLLIN},
			      {.fd = c->locked, .events = POLLIN}};
	int r = tinyvmm_start(t);

	if (r < 0)
		return tinyvmm_is_user_error(r) ? TINYVMM_EXIT_USAGE : TINYVMM_EXIT_HOST;
	for (;;) {
		struct signalfd_siginfo si;
		eventfd_t v;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN)
			break;
		if ((p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si))
			tinyvmm_stop_signal(t, (int)si.ssi_signo);
		if ((p[2].revents & POLLIN) && eventfd_read(c->locked, &v) == 0) {
			p[2].fd = -1;
			if (tinyvmm_seccomp_thread(c->cfg->seccomp) < 0)
				tinyvmm_stop(t); /* logged */
		}
	}
	return tinyvmm_wait(t);
}

/* ---- the parent ---- */

static void forward(int sfd, pid_t child)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		log_info("received %s, stopping the guest", strsignal((int)si.ssi_signo));
		kill(child, (int)si.ssi_signo);
	}
}

/* Serve the VM process until it ends; its exit status. */
static int supervise(struct broker *b, pid_t child, int sfd, bool *killed)
{
	struct pollfd p[2] = {{.fd = sfd, .events = POLLIN}, {.fd = b->sock, .events = POLLIN}};
	int status;

	for (;;) {
		if (poll(p, p[1].fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN)
			forward(sfd, child);
		if (p[1].fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) && serve(b) < 0)
			break; /* the VM process closed its end: it is ending */
	}
	/* Signals still reach it while it finishes. */
	for (;;) {
		pid_t w = waitpid(child, &status, WNOHANG);

		if (w == child)
			break;
		if (w < 0 && errno != EINTR)
			return TINYVMM_EXIT_HOST;
		if (poll(p, 1, 50) > 0 && (p[0].revents & POLLIN))
			forward(sfd, child);
	}
	*killed = !WIFEXITED(status);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	log_err("sandbox: the VM process (pid %d) was killed by %s; giving its VFs back",
		(int)child, strsignal(WTERMSIG(status)));
	return 128 + WTERMSIG(status);
}

/*
 * The API socket the VM process could not remove once it gave up root: a
 * socket at path that nobody listens on (another tinyvmm's live socket, the
 * reason this one may have failed, is left alone).
 */
static void remove_api_socket(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, r;

	if (!path || strlen(path) >= sizeof(sa.sun_path) || lstat(path, &st) < 0 ||
	    !S_ISSOCK(st.st_mode))
		return;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	r = connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : -errno;
	close(fd);
	if (r == -ECONNREFUSED)
		unlink(path);
}

/*
 * The terminal's mode as the VM process found it. The VM process puts it
 * back when it ends, but not when it is killed (SIGKILL, or a seccomp kill's
 * exit_group): then the parent does. The terminals the console makes raw:
 * a stdin terminal we are not in the background of (vmm/base/tty.h).
 */
struct tty_mode {
	bool saved;
	struct termios t;
};

static bool tty_foreground(void)
{
	return isatty(STDIN_FILENO) && !tty_in_background(STDIN_FILENO);
}

static void tty_save(struct tty_mode *m)
{
	m->saved = tty_foreground() && tcgetattr(STDIN_FILENO, &m->t) == 0;
}

static void tty_put_back(const struct tty_mode *m)
{
	if (m->saved && tty_foreground())
		tcsetattr(STDIN_FILENO, TCSANOW, &m->t);
}

int jail_run(struct tinyvmm *t, const struct tinyvmm_config *cfg, const struct jail *j, int sfd)
{
	struct tty_mode tty;
	struct broker b = {.cfg = cfg};
	struct tinyvmm_vf_hold *hold = NULL;
	int sv[2], r, code, evfd;
	bool killed = false;
	pid_t pid, parent;

	r = tinyvmm_vf_take(cfg->vfs, cfg->nr_vfs, &hold);
	if (r < 0)
		return tinyvmm_is_user_error(r) ? TINYVMM_EXIT_USAGE : TINYVMM_EXIT_HOST;
	b.hold = hold;
	b.nr_groups = tinyvmm_vf_hold_groups(hold, b.groups, TINYVMM_MAX_VFS);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_err("sandbox: socketpair: %s", strerror(errno));
		tinyvmm_vf_give_back(hold);
		return TINYVMM_EXIT_HOST;
	}
	evfd = tinyvmm_events_keep(cfg); /* before the VM process opens it */
	fflush(NULL);
	tty_save(&tty);
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		log_err("sandbox: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		if (evfd >= 0)
			close(evfd);
		tinyvmm_vf_give_back(hold);
		return TINYVMM_EXIT_HOST;
	}
	if (pid == 0) {
		struct child c = {.parent = parent,
				  .sock = sv[1],
				  .lock = PTHREAD_MUTEX_INITIALIZER,
				  .j = j,
				  .cfg = cfg};
		struct tinyvmm_host_ops ops = {.open = ask_open,
					       .lockdown = lockdown,
					       .vfs_taken = true,
					       .take_vf = ask_take,
					       .give_back_vf = ask_give_back};

		close(sv[0]);
		if (evfd >= 0)
			close(evfd);	    /* the parent's; the run opens its own */
		tinyvmm_vf_hold_drop(hold); /* the parent's; their locks are not ours */
		own_stdio();
		if (jail_root_unshare() < 0) /* one thread yet: all will share it; logged */
			return TINYVMM_EXIT_HOST;
		/* The parent holds the VFs: if it goes, so does the VM. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != c.parent)
			_exit(TINYVMM_EXIT_HOST);
		c.locked = eventfd(0, EFD_CLOEXEC);
		r = c.locked < 0 ? -errno : tinyvmm_set_host_ops(t, &ops, &c);
		return r < 0 ? TINYVMM_EXIT_HOST : child_run(t, sfd, &c); /* main() ends it */
	}
	close(sv[1]);
	b.sock = sv[0];
	code = supervise(&b, pid, sfd, &killed);
	tty_put_back(&tty);
	close(sv[0]);
	remove_api_socket(cfg->api_socket);
	while (b.nr_hot) /* hot-added VFs the VM process had not handed back */
		hot_give_back(&b, b.hot[b.nr_hot - 1].bdf, false);
	tinyvmm_vf_give_back(hold);
	/* A VM process that a signal or its seccomp trap ended wrote no
	 * vmm-exit (unless it died after): the events' last line is written
	 * here for it, once the VFs are back. */
	if (killed || code == TINYVMM_EXIT_SECCOMP)
		tinyvmm_emit_exit(t, evfd, code, killed ? "vm-process-killed" : "seccomp");
	if (evfd >= 0)
		close(evfd);
	return code;
}
