// SPDX-License-Identifier: MIT
/* seccomp.c - per-thread syscall allow-lists with libseccomp; see seccomp.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/vfio.h>
#include <asm/termbits.h> /* struct termios2: TCGETS2 and TCSETS*2 */
#include <linux/sockios.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h> /* CLONE_THREAD */
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/base/err.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/log.h"
#include "vmm/arch/arch.h"
#include "vmm/base/util.h"
#include "vmm/sandbox/seccomp.h"

/* What glibc needs under any code: locks, memory, clocks, signals, logging, exit. */
#define COMMON                                                                                     \
	"read", "write", "writev", "close", "futex", "mmap", "munmap", "mremap", "madvise", "brk", \
	    "mprotect", "clock_gettime", "clock_nanosleep", "nanosleep", "gettimeofday",           \
	    "sched_yield", "rt_sigprocmask", "rt_sigreturn", "getpid", "gettid", "tgkill", "exit", \
	    "exit_group", "restart_syscall", "getrandom", "fstat", "newfstatat",                   \
	    "sigaltstack" /* a thread exit under the sanitizers */

/* Reading sysfs and opening files by path (the run; a hot-add's checks). */
#define FILE_READS                                                                                 \
	"open", "openat", "readlink", "readlinkat", "getdents64", "lseek", "statx", "stat",        \
	    "lstat", "access", "faccessat", "faccessat2"

/* A VFIO device: its ioctls, its config space, a vector's eventfd. */
#define VFIO_DEVICE "ioctl", "pread64", "pwrite64", "eventfd2"

/*
 * A VF's host side, in a process that takes and gives back VFs itself (not
 * root's sandbox, whose parent does it): the run directory's lock and crash
 * record, rtnetlink to the PF (PF settings, if_nametoindex).
 */
#define VF_HOST_SIDE                                                                               \
	"socket", "bind", "setsockopt", "getsockname", "unlink", "unlinkat", "rename", "renameat", \
	    "renameat2", "flock", "ftruncate", "fsync", "fdatasync", "mkdir", "mkdirat", "fchmod"

/* Starting a thread and naming it (the filter of the one that starts it). */
#define THREAD_START "clone", "clone3", "set_robust_list", "rseq", "prctl"

static const char *const calls_vcpu[] = {
    COMMON,
    /* KVM_RUN; KVM_IRQ_LINE, KVM_IRQFD, KVM_SET_GSI_ROUTING,
     * VFIO_DEVICE_SET_IRQS, memory slots when a BAR moves; the VF's config
     * space; a vector's eventfd when the guest unmasks it */
    VFIO_DEVICE,
    "poll", /* is a masked vector pending */
    "ppoll",
    NULL,
};

static const char *const calls_console[] = {
    COMMON,  "poll", "ppoll", /* the guest's output, stdin, the wake eventfd */
    "ioctl",		      /* the terminal's mode, put back at the end */
    "fcntl",		      /* the output's O_NONBLOCK, put back at the end */
    NULL,
};

static const char *const calls_api[] = {
    COMMON,
    "accept4",
    "accept",
    "recvfrom",
    "recvmsg",
    "sendto",
    "sendmsg",
    "poll",
    "ppoll",
    "getsockopt", /* SO_PEERCRED */
    "geteuid",	  /* the peer check */
    "fcntl",
    "shutdown",
    THREAD_START, /* the shutdown op's thread */
    "seccomp",	  /* which adds its own filter, for its name */
    /* the shutdown op raises the UART's interrupt (ioctl KVM_IRQ_LINE);
     * vf-add and vf-remove (hotplug) run on this thread: the VF's sysfs
     * checks and its VFIO device; its lock, record and PF settings too
     * when this process takes the VF itself (not root's sandbox) */
    FILE_READS,
    VFIO_DEVICE,
    VF_HOST_SIDE,
    "dup",
    "dup3",
    /* a hot add's DMA map thread starts under this filter: its failed
     * pin's message reads RLIMIT_MEMLOCK */
    "prlimit64",
    "getrlimit",
    NULL,
};

static const char *const calls_dma[] = {
    COMMON,
    "ioctl", /* VFIO_IOMMU_MAP_DMA */
    /* /proc/self/smaps, kept open (smaps_keep_open()): how much of RAM is
     * on huge pages; opened by path only when it was not kept */
    "pread64",
    "open",
    "openat",
    /* a failed pin: RLIMIT_MEMLOCK, for the message that names the fix */
    "prlimit64",
    "getrlimit",
    NULL,
};

/* The run builds every VM: KVM, VFIO, sysfs, threads, files; and gives VFs
 * back in-process (sysfs writes, rtnetlink) when no one else does. */
static const char *const calls_run[] = {
    COMMON,
    FILE_READS,
    VFIO_DEVICE,
    THREAD_START,
    "creat",
    "fcntl",
    "rt_sigaction",
    /* rtnetlink, the run directory and its records */
    VF_HOST_SIDE,
    /* the API socket */
    "connect",
    "listen",
    "accept4",
    "sendto",
    "sendmsg",
    "recvfrom",
    "recvmsg",
    "getsockopt",
    "shutdown",
    "dup",
    "dup2",
    "dup3",
    "poll",
    "ppoll",
    "pipe2",
    "signalfd4",
    /* an embedder's tinyvmm_run() takes back a SIGPIPE its writes raised */
    "rt_sigpending",
    "rt_sigtimedwait",
    "sched_getaffinity",
    "prlimit64",
    "getrlimit",
    "setrlimit",
    "uname",
    "geteuid",
    "getuid",
    "getgid",
    "getegid",
    /* the console: is tinyvmm in the terminal's foreground (getpgrp is
     * getpgid(0) on arm64) */
    "getpgrp",
    "getpgid",
    /* the sandbox's drop (glibc makes every thread change its ids) */
    "setresuid",
    "setresgid",
    "setgroups",
    "setuid",
    "setgid",
    "wait4",
    "membarrier",
    "sysinfo",
    "seccomp", /* the threads it starts add their own filter */
    NULL,
};

/* The terminal's mode, got and set (termios2: glibc's arbitrary baud rates). */
#define TERMINAL_MODE TCGETS, TCSETS, TCSETSW, TCSETSF, TCGETS2, TCSETS2, TCSETSW2, TCSETSF2

/*
 * The ioctl requests of each kind: every kind's ioctls are limited to a set.
 * The vCPU threads, which the guest's exits drive, the console, which holds
 * the terminal, and the DMA map take a few. The run takes every request
 * tinyvmm makes anywhere (test_seccomp checks the sources against its list),
 * the api those of a hot add and remove. None may type into the terminal
 * (TIOCSTI: it could type into the user's shell) or make a request outside
 * its list, whatever the descriptor (the filter sees the request's number,
 * not the device).
 * TCGETS everywhere: glibc's isatty() under stdio (TCGETS2 where a newer
 * glibc asks for termios2).
 */
static const unsigned long ioctls_vcpu[] = {
    KVM_RUN,
    KVM_IRQ_LINE,		/* the platform devices' interrupts */
    KVM_SET_USER_MEMORY_REGION, /* a BAR mapped where the guest moved it */
    KVM_SET_GSI_ROUTING,	/* MSI and MSI-X routes */
    KVM_IRQFD,
    VFIO_DEVICE_SET_IRQS,	 /* vectors on and off, INTx unmask */
    VFIO_DEVICE_GET_REGION_INFO, /* a BAR's mmap areas when it moves */
    VFIO_DEVICE_GET_IRQ_INFO,
    VFIO_DEVICE_GET_INFO,
    TCGETS,
    TCGETS2,
};
/* KVM_IRQ_LINE: the UART's interrupt, as input arrives and output drains */
static const unsigned long ioctls_console[] = {KVM_IRQ_LINE, TERMINAL_MODE};
static const unsigned long ioctls_dma[] = {VFIO_IOMMU_MAP_DMA, TCGETS, TCGETS2};

/* A VF's VFIO container, group and device: opened, mapped, its vectors. */
#define VFIO_REQUESTS                                                                              \
	VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU, VFIO_IOMMU_GET_INFO,           \
	    VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA, VFIO_GROUP_GET_STATUS,                       \
	    VFIO_GROUP_SET_CONTAINER, VFIO_GROUP_GET_DEVICE_FD, VFIO_DEVICE_GET_INFO,              \
	    VFIO_DEVICE_GET_REGION_INFO, VFIO_DEVICE_GET_IRQ_INFO, VFIO_DEVICE_SET_IRQS

/* A VF on the VM: its BARs' memory slots, MSI routes, irqfds, a line's level. */
#define KVM_DEVICE_REQUESTS                                                                        \
	KVM_CHECK_EXTENSION, KVM_SET_USER_MEMORY_REGION, KVM_SET_GSI_ROUTING, KVM_IRQFD,           \
	    KVM_IRQ_LINE

static const unsigned long ioctls_run[] = {
    VFIO_REQUESTS, KVM_DEVICE_REQUESTS,
    /* /dev/kvm, the VM and its vCPUs (the architecture adds its own) */
    KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_GET_VCPU_MMAP_SIZE, KVM_CREATE_VCPU, KVM_RUN,
    /* the terminal: isatty(), the raw console's mode, whether we are in
     * the foreground (tcgetpgrp) */
    TERMINAL_MODE, TIOCGPGRP, SIOCGIFINDEX, /* if_nametoindex(): the PF, for a VF's settings */
};

/* A hot add and remove (vf-add, vf-remove), the shutdown op's interrupt. */
static const unsigned long ioctls_api[] = {
    VFIO_REQUESTS, KVM_DEVICE_REQUESTS, TCGETS, TCGETS2, SIOCGIFINDEX,
};

struct ioctl_set {
	const unsigned long *req[2]; /* [1]: the architecture's part */
	unsigned int n[2];
};

/* Part k of s: the n requests at req. */
static void set_part(struct ioctl_set *s, unsigned int k, const unsigned long *req, unsigned int n)
{
	s->req[k] = req;
	s->n[k] = n;
}

/* Part k of s: the array a (the architecture's arrays come with their counts). */
#define SET(s, k, a) set_part(s, k, a, ARRAY_SIZE(a))

/* A kind's set of requests. */
static void kind_ioctls(enum sb_kind kind, struct ioctl_set *s)
{
	memset(s, 0, sizeof(*s));
	switch (kind) {
	case SB_VCPU:
		SET(s, 0, ioctls_vcpu);
		set_part(s, 1, arch_vcpu_ioctls, arch_nr_vcpu_ioctls);
		break;
	case SB_CONSOLE:
		SET(s, 0, ioctls_console);
		break;
	case SB_DMA:
		SET(s, 0, ioctls_dma);
		break;
	case SB_API:
		SET(s, 0, ioctls_api);
		set_part(s, 1, arch_api_ioctls, arch_nr_api_ioctls);
		break;
	default:
		SET(s, 0, ioctls_run);
		set_part(s, 1, arch_run_ioctls, arch_nr_run_ioctls);
		break;
	}
}

bool sb_ioctl_allowed(enum sb_kind kind, unsigned long req)
{
	struct ioctl_set s;

	if (kind >= SB_KINDS)
		return false;
	kind_ioctls(kind, &s);
	for (unsigned int k = 0; k < 2; k++)
		for (unsigned int i = 0; i < s.n[k]; i++)
			if ((u32)s.req[k][i] == (u32)req)
				return true;
	return false;
}

unsigned int sb_kind_ioctls(enum sb_kind kind, unsigned long *out, unsigned int cap)
{
	struct ioctl_set s;
	unsigned int n = 0;

	if (kind >= SB_KINDS)
		return 0;
	kind_ioctls(kind, &s);
	for (unsigned int k = 0; k < 2; k++)
		for (unsigned int i = 0; i < s.n[k]; i++, n++)
			if (n < cap)
				out[n] = s.req[k][i];
	return n;
}

static const char *const *const kind_calls[SB_KINDS] = {
    [SB_MAIN] = calls_run, [SB_VCPU] = calls_vcpu, [SB_CONSOLE] = calls_console,
    [SB_API] = calls_api,  [SB_DMA] = calls_dma,
};

static const char *const kind_names[SB_KINDS] = {
    [SB_MAIN] = "main", [SB_VCPU] = "vcpu", [SB_CONSOLE] = "console",
    [SB_API] = "api",	[SB_DMA] = "dma",
};

const char *sb_kind_name(enum sb_kind kind)
{
	return kind < SB_KINDS ? kind_names[kind] : "?";
}

const char *const *sb_kind_calls(enum sb_kind kind)
{
	return kind < SB_KINDS ? kind_calls[kind] : NULL;
}

/* ---- a forbidden call: one line, then exit (async-signal-safe) ---- */

#define NAMES_MAX 512 /* syscall numbers named in the message */

static char *call_names[NAMES_MAX];
static __thread char thread_name[16];

static size_t put(char *buf, size_t n, size_t cap, const char *s)
{
	while (*s && n + 1 < cap)
		buf[n++] = *s++;
	return n;
}

static size_t put_uint(char *buf, size_t n, size_t cap, unsigned long v)
{
	char tmp[24];
	size_t k = 0;

	do
		tmp[k++] = (char)('0' + v % 10);
	while ((v /= 10) && k < sizeof(tmp));
	while (k && n + 1 < cap)
		buf[n++] = tmp[--k];
	return n;
}

static size_t put_hex(char *buf, size_t n, size_t cap, unsigned long v)
{
	char tmp[16];
	size_t k = 0;

	do
		tmp[k++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4) && k < sizeof(tmp));
	while (k && n + 1 < cap)
		buf[n++] = tmp[--k];
	return n;
}

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a filter's SIGSYS (asm-generic/siginfo.h) */
#endif

static int ioctl_nr = -1; /* this architecture's ioctl number, for the message */

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[256];
	size_t n = 0;
	int nr = si->si_syscall;

	(void)sig;
	if (si->si_code != SYS_SECCOMP) { /* kill -SYS from outside: no call was made */
		int saved = errno;	  /* the interrupted code's */

		n = put(line, n, sizeof(line), "tinyvmm: seccomp: ignored a SIGSYS sent by pid ");
		n = put_uint(line, n, sizeof(line), (unsigned long)(unsigned int)si->si_pid);
		n = put(line, n, sizeof(line), " (not a filter's trap)\n");
		if (write(2, line, n) < 0) {
			/* nothing more to do */
		}
		errno = saved;
		return;
	}
	n = put(line, n, sizeof(line), "tinyvmm: seccomp: thread ");
	n = put(line, n, sizeof(line), thread_name[0] ? thread_name : "?");
	n = put(line, n, sizeof(line), " made the forbidden system call ");
	n = put(line, n, sizeof(line),
		nr >= 0 && nr < NAMES_MAX && call_names[nr] ? call_names[nr] : "?");
	n = put(line, n, sizeof(line), " (");
	n = put_uint(line, n, sizeof(line), (unsigned long)(unsigned int)nr);
	if (nr == ioctl_nr && uc) { /* which request: the fd's kind is in its name */
		n = put(line, n, sizeof(line), ", request 0x");
		n = put_hex(line, n, sizeof(line), (u32)arch_syscall_arg(uc, 1));
	}
	n = put(line, n, sizeof(line),
		"); stopping with status 70 (--seccomp=log lets it through and logs it)\n");
	if (write(2, line, n) < 0) {
		/* nothing more to do */
	}
	syscall(SYS_exit_group, EXIT_SECCOMP); /* not _exit: no wrapper may run */
}

/* Once per process: the SIGSYS handler and the names it prints. */
static int trap_setup(void)
{
	static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;
	static bool done;
	struct sigaction sa = {.sa_sigaction = on_sigsys,
			       /* a SIGSYS from outside returns: no EINTR for it */
			       .sa_flags = SA_SIGINFO | SA_RESTART};
	int r = 0;

	pthread_mutex_lock(&once);
	if (!done) {
		for (int i = 0; i < NAMES_MAX; i++)
			call_names[i] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, i);
		ioctl_nr = seccomp_syscall_resolve_name("ioctl");
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0)
			r = -errno;
		done = r == 0;
	}
	pthread_mutex_unlock(&once);
	return r;
}

/* ioctl for each request of s only (compared as the kernel does: 32 bits). */
static int add_ioctls(scmp_filter_ctx ctx, int nr, const struct ioctl_set *s)
{
	for (unsigned int k = 0; k < 2; k++) {
		for (unsigned int i = 0; i < s->n[k]; i++) {
			int r = seccomp_rule_add(
			    ctx, SCMP_ACT_ALLOW, nr, 1,
			    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, (u32)s->req[k][i]));

			if (r < 0)
				return r;
		}
	}
	return 0;
}

/*
 * The calls whose arguments matter, each said once: every other call of a
 * kind's list is allowed whatever its arguments.
 * - ioctl: only the kind's requests (add_ioctls()).
 * - tgkill and prlimit64, which name a process: for this process only.
 *   tgkill is how a thread signals another of its own (pthread_kill(),
 *   raise(); the vCPU kick), and glibc's getrlimit() and setrlimit() are
 *   prlimit64 of pid 0. Otherwise a subverted thread could signal, or change
 *   the limits of, any process of the unprivileged uid it runs as (nobody's,
 *   by default). pids are compared in 32 bits, as the kernel reads them.
 * - fcntl: only the commands on a descriptor's own state that tinyvmm and
 *   glibc use, and F_SETFL without O_ASYNC. F_SETOWN and F_SETSIG would
 *   make the kernel send any signal to any process of that uid when the
 *   descriptor is ready (O_ASYNC), a way around tgkill's rule.
 * - clone and clone3: a thread, never a process. clone only with
 *   CLONE_THREAD (which the kernel takes only with CLONE_SIGHAND and
 *   CLONE_VM). clone3 passes its flags in memory, where a filter cannot see
 *   them, so it fails with ENOSYS and glibc's pthread_create() falls back to
 *   clone. A subverted thread can then start no process that would outlive
 *   the VM's, or reuse its pid.
 */
enum rule { RULE_ANY, RULE_IOCTLS, RULE_OWN_PID, RULE_PID_0, RULE_FCNTL, RULE_THREAD, RULE_ENOSYS };

/* fcntl: O_NONBLOCK got and set (the console, input files, events), a
 * descriptor copied above stdio, close-on-exec got and set (glibc) */
static const unsigned int fcntl_cmds[] = {
    F_GETFL, F_SETFL, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD,
};

static const struct {
	const char *call;
	enum rule rule;
} rules[] = {
    {"ioctl", RULE_IOCTLS}, {"tgkill", RULE_OWN_PID}, {"prlimit64", RULE_PID_0},
    {"fcntl", RULE_FCNTL},  {"clone", RULE_THREAD},   {"clone3", RULE_ENOSYS},
};

static enum rule rule_of(const char *call)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].call, call))
			return rules[i].rule;
	return RULE_ANY;
}

/*
 * fcntl for each of fcntl_cmds only (32 bits, as the kernel reads them);
 * F_SETFL without O_ASYNC: on a terminal the kernel makes the foreground
 * process group the owner of its own accord, so SIGIO, which ends a
 * process, would reach the job tinyvmm runs in (a tee after it, say).
 */
static int add_fcntl(scmp_filter_ctx ctx, int nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(fcntl_cmds); i++) {
		struct scmp_arg_cmp cmd = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, fcntl_cmds[i]);
		int r = fcntl_cmds[i] == F_SETFL
			    ? seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, cmd,
					       SCMP_A2(SCMP_CMP_MASKED_EQ, O_ASYNC, 0))
			    : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, cmd);

		if (r < 0)
			return r;
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, int nr, enum rule rule, const struct ioctl_set *s)
{
	switch (rule) {
	case RULE_IOCTLS:
		return add_ioctls(ctx, nr, s);
	case RULE_OWN_PID:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffULL, (u32)getpid()));
	case RULE_PID_0:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffULL, 0));
	case RULE_FCNTL:
		return add_fcntl(ctx, nr);
	case RULE_THREAD:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	case RULE_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	case RULE_ANY:
		break;
	}
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
}

static int build(scmp_filter_ctx ctx, enum sb_kind kind)
{
	struct ioctl_set s;

	kind_ioctls(kind, &s);
	for (const char *const *calls = kind_calls[kind]; *calls; calls++) {
		int nr = seccomp_syscall_resolve_name(*calls), r;

		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture (open, poll, ... on arm64) */
		r = add_rule(ctx, nr, rule_of(*calls), &s);
		if (r < 0)
			return r;
	}
	return 0;
}

void sb_malloc_prepare(enum tinyvmm_seccomp mode)
{
	if (mode != TINYVMM_SECCOMP_OFF)
		mallopt(M_ARENA_MAX, 1);
}

int sb_enter(enum tinyvmm_seccomp mode, enum sb_kind kind)
{
	scmp_filter_ctx ctx;
	sigset_t sys;
	int r;

	if (mode == TINYVMM_SECCOMP_OFF)
		return 0;
	if (kind >= SB_KINDS)
		return -EINVAL;
	if (prctl(PR_GET_NAME, thread_name) < 0)
		snprintf(thread_name, sizeof(thread_name), "%s", sb_kind_name(kind));
	if (mode == TINYVMM_SECCOMP_KILL) {
		r = trap_setup();
		if (r < 0)
			return err_host(r, "seccomp: SIGSYS handler: %s", strerror(-r));
		/* the trap must reach the handler: SIGSYS unblocked here */
		sigemptyset(&sys);
		sigaddset(&sys, SIGSYS);
		pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
	}
	ctx = seccomp_init(mode == TINYVMM_SECCOMP_KILL ? SCMP_ACT_TRAP : SCMP_ACT_LOG);
	if (!ctx)
		return err_host(-ENOMEM, "seccomp: thread %s: cannot make a filter", thread_name);
	r = build(ctx, kind);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return err_host(r, "seccomp: thread %s (%s): cannot install the filter: %s",
				thread_name, sb_kind_name(kind), strerror(-r));
	log_debug("seccomp: thread %s: the %s allow-list is on (%s)", thread_name,
		  sb_kind_name(kind), mode == TINYVMM_SECCOMP_KILL ? "kill" : "log");
	return 0;
}
