// SPDX-License-Identifier: MIT
/*
 * test_seccomp.c - the per-thread allow-lists (vmm/sandbox/seccomp.h): a
 * call on the list goes through, one off it ends the process with status 70
 * and one line naming the thread and the call; log mode lets it through.
 * Each case runs in a forked child (a filter cannot be lifted).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/vfio.h>
#include <net/if.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/arch/arch.h"
#include "vmm/base/util.h"
#include "vmm/sandbox/seccomp.h"

/* Run fn in a child with stderr into err; its exit status (or 128 + signal). */
static int in_child(void (*fn)(void), char *err, size_t cap)
{
	int p[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 2);
		fn();
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], err + got, cap - 1 - (size_t)got)) > 0)
		got += n;
	err[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void dma_then_socket(void)
{
	prctl(PR_SET_NAME, "dma-map");
	if (sb_enter(TINYVMM_SECCOMP_KILL, SB_DMA) < 0)
		_exit(1);
	if (write(2, "", 0) < 0) /* allowed */
		_exit(2);
	socket(AF_INET, SOCK_STREAM, 0); /* not a DMA thread's business */
	_exit(3);
}

static void test_forbidden_call_ends_with_70(void **state UNUSED)
{
	char err[512];

	assert_int_equal(in_child(dma_then_socket, err, sizeof(err)), 70);
	assert_string_equal(err,
			    "tinyvmm: seccomp: thread dma-map made the forbidden system call "
			    "socket (41); stopping with status 70 (--seccomp=log lets it through "
			    "and logs it)\n");
}

/* A SIGSYS sent from outside (kill -SYS) is no forbidden call: ignored. */
static void sigsys_from_outside(void)
{
	prctl(PR_SET_NAME, "vcpu0");
	if (sb_enter(TINYVMM_SECCOMP_KILL, SB_VCPU) < 0)
		_exit(1);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGSYS); /* as kill -SYS would */
	_exit(0);
}

static void test_sigsys_from_outside(void **state UNUSED)
{
	char err[512];

	assert_int_equal(in_child(sigsys_from_outside, err, sizeof(err)), 0);
	assert_int_equal(strncmp(err, "tinyvmm: seccomp: ignored a SIGSYS sent by pid ", 47), 0);
	assert_non_null(strstr(err, " (not a filter's trap)\n"));
}

/*
 * tgkill and prlimit64 of this process go through; of another (pid taken
 * before the filter), they end it.
 */
static void own_process_then(pid_t other, long nr)
{
	struct rlimit rl;

	prctl(PR_SET_NAME, "dma-map");
	if (sb_enter(TINYVMM_SECCOMP_KILL, SB_DMA) < 0)
		_exit(1);
	if (syscall(SYS_tgkill, getpid(), gettid(), 0) != 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0 ||
	    syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl) != 0)
		_exit(2);
	if (nr == SYS_tgkill)
		syscall(SYS_tgkill, other, other, 0);
	else
		syscall(SYS_prlimit64, other, RLIMIT_NOFILE, NULL, &rl);
	_exit(3);
}

static void tgkill_parent(void)
{
	own_process_then(getppid(), SYS_tgkill);
}

static void prlimit_parent(void)
{
	own_process_then(getppid(), SYS_prlimit64);
}

static void prlimit_init(void)
{
	own_process_then(1, SYS_prlimit64);
}

static void test_own_process_only(void **state UNUSED)
{
	char err[512];

	assert_int_equal(in_child(tgkill_parent, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "thread dma-map made the forbidden system call tgkill"));
	assert_int_equal(in_child(prlimit_parent, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "thread dma-map made the forbidden system call prlimit64"));
	assert_int_equal(in_child(prlimit_init, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "forbidden system call prlimit64"));
}

/*
 * fcntl on a descriptor's own state goes through; F_SETOWN, F_SETSIG and
 * O_ASYNC, which would have the kernel signal another process, end it.
 */
static void fcntl_then(int cmd)
{
	pid_t other = getppid(); /* taken before the filter */
	int p[2], fd, fl;

	prctl(PR_SET_NAME, "tinyvmm-run");
	if (pipe(p) < 0 || sb_enter(TINYVMM_SECCOMP_KILL, SB_MAIN) < 0)
		_exit(1);
	fl = fcntl(p[0], F_GETFL);
	fd = fcntl(p[0], F_DUPFD_CLOEXEC, 3);
	if (fl < 0 || fd < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD)) < 0)
		_exit(2);
	if (cmd == F_SETFL)
		fcntl(fd, F_SETFL, fl | O_ASYNC);
	else
		fcntl(fd, cmd, cmd == F_SETOWN ? other : SIGKILL);
	_exit(3);
}

static void fcntl_async(void)
{
	fcntl_then(F_SETFL);
}

static void fcntl_setown(void)
{
	fcntl_then(F_SETOWN);
}

static void fcntl_setsig(void)
{
	fcntl_then(F_SETSIG);
}

static void test_fcntl_own_state_only(void **state UNUSED)
{
	char err[512];

	assert_int_equal(in_child(fcntl_setown, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "thread tinyvmm-run made the forbidden system call fcntl"));
	assert_int_equal(in_child(fcntl_setsig, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "thread tinyvmm-run made the forbidden system call fcntl"));
	/* O_ASYNC: SIGIO to a terminal's foreground job, whoever owns it */
	assert_int_equal(in_child(fcntl_async, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "thread tinyvmm-run made the forbidden system call fcntl"));
}

static void *thread_body(void *arg)
{
	return arg;
}

/* The run's kind starts threads (clone3 says ENOSYS, clone goes), not processes. */
static void main_then_fork(void)
{
	static int token;
	pthread_t t;
	void *got = NULL;

	prctl(PR_SET_NAME, "tinyvmm-run");
	if (sb_enter(TINYVMM_SECCOMP_KILL, SB_MAIN) < 0)
		_exit(1);
	if (pthread_create(&t, NULL, thread_body, &token) != 0 || pthread_join(t, &got) != 0 ||
	    got != &token)
		_exit(2);
	fputs("thread joined\n", stderr);
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
		_exit(4);
	fork();
	_exit(3);
}

static void test_threads_not_processes(void **state UNUSED)
{
	char err[512];

	assert_int_equal(in_child(main_then_fork, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "thread joined\n"));
	assert_non_null(strstr(err, "thread tinyvmm-run made the forbidden system call clone ("));
}

static void vcpu_then_open(void)
{
	prctl(PR_SET_NAME, "vcpu0");
	if (sb_enter(TINYVMM_SECCOMP_KILL, SB_VCPU) < 0)
		_exit(1);
	open("/etc/hostname", O_RDONLY); /* a guest-driven vCPU never opens files */
	_exit(3);
}

static void test_vcpu_cannot_open(void **state UNUSED)
{
	char err[512];

	assert_int_equal(in_child(vcpu_then_open, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "thread vcpu0 made the forbidden system call openat"));
}

/* A vCPU's own requests go through (to /dev/null: ENOTTY), others end it. */
static void vcpu_ioctls(void)
{
	int fd = open("/dev/null", O_RDWR);
	char c = 'x';

	prctl(PR_SET_NAME, "vcpu0");
	if (fd < 0 || sb_enter(TINYVMM_SECCOMP_KILL, SB_VCPU) < 0)
		_exit(1);
	if (ioctl(fd, KVM_RUN, 0) != -1 || errno != ENOTTY)
		_exit(2);
	if (ioctl(fd, VFIO_DEVICE_SET_IRQS, NULL) != -1 || ioctl(fd, KVM_IRQFD, NULL) != -1)
		_exit(2);
	for (unsigned int i = 0; i < arch_nr_vcpu_ioctls; i++) /* its register dump */
		if (ioctl(fd, arch_vcpu_ioctls[i], NULL) != -1)
			_exit(2);
	ioctl(fd, TIOCSTI, &c); /* typing into a terminal: never */
	_exit(3);
}

static void test_vcpu_ioctl_requests(void **state UNUSED)
{
	char err[512], want[96];

	assert_int_equal(in_child(vcpu_ioctls, err, sizeof(err)), 70);
	snprintf(want, sizeof(want),
		 "thread vcpu0 made the forbidden system call ioctl (%d, "
		 "request 0x%x); stopping",
		 (int)seccomp_syscall_resolve_name("ioctl"), TIOCSTI);
	assert_non_null(strstr(err, want));
}

/* The DMA map thread maps, and nothing else: not even a VFIO unmap. */
static void dma_unmap(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0 || sb_enter(TINYVMM_SECCOMP_KILL, SB_DMA) < 0)
		_exit(1);
	if (ioctl(fd, VFIO_IOMMU_MAP_DMA, NULL) != -1 || errno != ENOTTY)
		_exit(2);
	ioctl(fd, VFIO_IOMMU_UNMAP_DMA, NULL);
	_exit(3);
}

/* The console sets its terminal's mode; a TIOCSTI ends it. */
static void console_ioctls(void)
{
	int fd = open("/dev/null", O_RDWR);
	char c = 'x';

	if (fd < 0 || sb_enter(TINYVMM_SECCOMP_KILL, SB_CONSOLE) < 0)
		_exit(1);
	if (isatty(fd) || ioctl(fd, TCSETS, NULL) != -1) /* TCGETS, TCSETS: ENOTTY */
		_exit(2);
	ioctl(fd, TIOCSTI, &c);
	_exit(3);
}

/*
 * The run's filter takes tinyvmm's own requests (on /dev/null: ENOTTY), the
 * terminal's and if_nametoindex()'s, and no other: a TIOCSTI ends it.
 */
static void main_ioctls(void)
{
	int fd = open("/dev/null", O_RDWR);
	struct termios t;
	char c = 'x';

	if (fd < 0 || sb_enter(TINYVMM_SECCOMP_KILL, SB_MAIN) < 0)
		_exit(1);
	if (ioctl(fd, KVM_CREATE_VM, 0) != -1 || errno != ENOTTY)
		_exit(2);
	if (isatty(fd) || tcgetattr(fd, &t) == 0 || if_nametoindex("lo") != 1)
		_exit(3);
	if (tcgetpgrp(fd) != -1 || getpgrp() != getpgid(0)) /* the console's foreground check */
		_exit(3);
	ioctl(fd, TIOCSTI, &c);
	_exit(4);
}

/* The api's takes a hot add's requests, but cannot make a VM. */
static void api_ioctls(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0 || sb_enter(TINYVMM_SECCOMP_KILL, SB_API) < 0)
		_exit(1);
	if (ioctl(fd, VFIO_GROUP_GET_DEVICE_FD, "x") != -1 || ioctl(fd, KVM_IRQFD, NULL) != -1)
		_exit(2);
	ioctl(fd, KVM_CREATE_VM, 0);
	_exit(3);
}

static void test_ioctl_limits(void **state UNUSED)
{
	char err[512], want[64];

	assert_int_equal(in_child(dma_unmap, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "forbidden system call ioctl"));
	assert_int_equal(in_child(console_ioctls, err, sizeof(err)), 70);
	assert_non_null(strstr(err, "forbidden system call ioctl"));
	assert_int_equal(in_child(main_ioctls, err, sizeof(err)), 70);
	snprintf(want, sizeof(want), "request 0x%x); stopping", TIOCSTI);
	assert_non_null(strstr(err, want));
	assert_int_equal(in_child(api_ioctls, err, sizeof(err)), 70);
	snprintf(want, sizeof(want), "request 0x%x); stopping", (u32)KVM_CREATE_VM);
	assert_non_null(strstr(err, want));

	assert_true(sb_ioctl_allowed(SB_VCPU, KVM_RUN));
	assert_true(sb_ioctl_allowed(SB_VCPU, arch_vcpu_ioctls[0]));
	assert_false(sb_ioctl_allowed(SB_VCPU, VFIO_IOMMU_MAP_DMA));
	assert_false(sb_ioctl_allowed(SB_VCPU, KVM_CREATE_VCPU));
	assert_false(sb_ioctl_allowed(SB_CONSOLE, TIOCSTI));
	assert_true(sb_ioctl_allowed(SB_CONSOLE, KVM_IRQ_LINE)); /* the UART's interrupt */
	assert_true(sb_ioctl_allowed(SB_DMA, VFIO_IOMMU_MAP_DMA));
	assert_false(sb_ioctl_allowed(SB_MAIN, TIOCSTI));
	assert_true(sb_ioctl_allowed(SB_MAIN, KVM_CREATE_VM));
	assert_true(sb_ioctl_allowed(SB_API, KVM_IRQ_LINE));
	assert_false(sb_ioctl_allowed(SB_API, KVM_CREATE_VCPU));
	assert_false(sb_ioctl_allowed(SB_API, KVM_RUN));
	assert_false(sb_ioctl_allowed(SB_KINDS, KVM_RUN));
}

static void log_mode(void)
{
	int fd;

	if (sb_enter(TINYVMM_SECCOMP_LOG, SB_DMA) < 0)
		_exit(1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0); /* logged by the kernel, not stopped */
	_exit(fd >= 0 ? 0 : 4);
}

static void off_mode(void)
{
	if (sb_enter(TINYVMM_SECCOMP_OFF, SB_VCPU) < 0)
		_exit(1);
	_exit(open("/dev/null", O_RDONLY) >= 0 ? 0 : 4);
}

static void test_log_and_off(void **state UNUSED)
{
	char err[512];

	assert_int_equal(in_child(log_mode, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(in_child(off_mode, err, sizeof(err)), 0);
}

/* The main filter lets a thread add its own (the vCPU under the run thread). */
static void stacked(void)
{
	if (sb_enter(TINYVMM_SECCOMP_KILL, SB_MAIN) < 0 ||
	    sb_enter(TINYVMM_SECCOMP_KILL, SB_CONSOLE) < 0)
		_exit(1);
	_exit(getpid() > 0 ? 0 : 4);
}

static void test_stacked(void **state UNUSED)
{
	char err[512];

	assert_int_equal(in_child(stacked, err, sizeof(err)), 0);
}

/* The requests the sources make (tests/gen-ioctl-uses, at build time). */
struct use {
	const char *name;
	unsigned long req;
	const char *where;
};
#define USE(r, w)		{#r, (unsigned long)(r), w},
#define USE_API(r, w)		/* below */
#define USE_NAME(a, list, r, w) /* below */
static const struct use uses[] = {
#include "ioctl_uses.h"
};
#undef USE
#undef USE_API
#define USE(r, w)     /* above */
#define USE_API(r, w) {#r, (unsigned long)(r), w},
/* Those a hot add or remove makes (the api thread's). */
static const struct use uses_api[] = {
#include "ioctl_uses.h"
};
#undef USE_API
#undef USE_NAME
#define USE_API(r, w) /* above */

/* Another architecture's: by name only. */
struct use_name {
	const char *arch, *list, *name, *where;
};
#define USE_NAME(a, list, r, w) {a, list, r, w},
static const struct use_name uses_other[] = {
#include "ioctl_uses.h"
    {NULL, NULL, NULL, NULL},
};
#undef USE
#undef USE_API
#undef USE_NAME

/* Whether a generic request named name is on kind's list. */
static bool generic_allowed(enum sb_kind kind, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(uses); i++)
		if (!strcmp(uses[i].name, name))
			return sb_ioctl_allowed(kind, uses[i].req);
	return false;
}

/* The names in arch's `list[] = {...}` (its source, comments left out). */
static void arch_list(const char *arch, const char *list, char *names, size_t cap)
{
	char path[512], text[8192], key[64], *p, *end;
	size_t n = 0, len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/vmm/arch/%s/arch_seccomp.c", SRC_ROOT, arch);
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	snprintf(key, sizeof(key), "%s[] = {", list);
	p = strstr(text, key);
	if (!p) {
		snprintf(key, sizeof(key), "%s[1];", list); /* an empty list */
		assert_non_null(strstr(text, key));
		names[0] = '\0';
		return;
	}
	p += strlen(key);
	end = strstr(p, "};");
	assert_non_null(end);
	while (p < end && n + 2 < cap) {
		if (p[0] == '/' && p[1] == '*') {
			char *c = strstr(p + 2, "*/");

			assert_non_null(c);
			p = c + 2;
		} else if (isupper((unsigned char)*p)) {
			while (p < end && (isalnum((unsigned char)*p) || *p == '_') && n + 2 < cap)
				names[n++] = *p++;
			names[n++] = ' ';
		} else {
			p++;
		}
	}
	names[n] = '\0';
}

static bool has_name(const char *names, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = names; (p = strstr(p, name)); p += len)
		if ((p == names || p[-1] == ' ') && p[len] == ' ')
			return true;
	return false;
}

/*
 * Every ioctl request the sources make is on the run's list, and each one
 * a hot add makes on the api's: the api thread starts before the run's
 * filter goes on, so its list stands alone.
 */
static void test_every_request_listed(void **state UNUSED)
{
	char names[2048];
	unsigned int other = 0;

	assert_true(ARRAY_SIZE(uses) >= 40); /* the scan found the sources */
	assert_true(ARRAY_SIZE(uses_api) >= 15);
	for (size_t i = 0; i < ARRAY_SIZE(uses); i++)
		if (!sb_ioctl_allowed(SB_MAIN, uses[i].req))
			fail_msg("%s, made at %s, is not on the run's ioctl list "
				 "(vmm/sandbox/seccomp.c, arch_seccomp.c)",
				 uses[i].name, uses[i].where);
	for (size_t i = 0; i < ARRAY_SIZE(uses_api); i++)
		if (!sb_ioctl_allowed(SB_API, uses_api[i].req))
			fail_msg("%s, made at %s (a hot add's code), is not on the api's "
				 "ioctl list (vmm/sandbox/seccomp.c, arch_seccomp.c)",
				 uses_api[i].name, uses_api[i].where);
	for (const struct use_name *u = uses_other; u->name; u++, other++) {
		bool api = !strcmp(u->list, "api");

		arch_list(u->arch, api ? "arch_api_ioctls" : "arch_run_ioctls", names,
			  sizeof(names));
		if (!generic_allowed(api ? SB_API : SB_MAIN, u->name) && !has_name(names, u->name))
			fail_msg("%s, made at %s, is not on %s's %s list", u->name, u->where,
				 u->arch, u->list);
	}
	assert_true(other >= 5); /* the other architecture's scan found its sources */
}

/*
 * The lists threads carry together are nested: a vCPU thread and the DMA map
 * at boot keep the run's filter, the DMA map of a hot add the api's. Here
 * by value; the other architecture's own lists by name.
 */
static void test_kinds_nested(void **state UNUSED)
{
	static const char *const arches[] = {"x86", "arm64"};
	unsigned long req[128];
	char run[2048], names[2048];

	for (int k = 0; k < SB_KINDS; k++) {
		unsigned int n = sb_kind_ioctls((enum sb_kind)k, req, ARRAY_SIZE(req));

		assert_true(n > 0 && n <= ARRAY_SIZE(req));
		for (unsigned int i = 0; i < n; i++) {
			if (!sb_ioctl_allowed(SB_MAIN, req[i]))
				fail_msg("%s list: request 0x%lx is not on the run's",
					 sb_kind_name((enum sb_kind)k), req[i]);
			if (k == SB_DMA && !sb_ioctl_allowed(SB_API, req[i]))
				fail_msg("dma list: request 0x%lx is not on the api's", req[i]);
		}
	}
	assert_int_equal(sb_kind_ioctls(SB_KINDS, req, ARRAY_SIZE(req)), 0);
	for (size_t a = 0; a < ARRAY_SIZE(arches); a++) {
		arch_list(arches[a], "arch_run_ioctls", run, sizeof(run));
		assert_true(strlen(run) > 10);
		for (int l = 0; l < 2; l++) {
			char *save, *name;

			arch_list(arches[a], l ? "arch_api_ioctls" : "arch_vcpu_ioctls", names,
				  sizeof(names));
			for (name = strtok_r(names, " ", &save); name;
			     name = strtok_r(NULL, " ", &save))
				if (!has_name(run, name) && !generic_allowed(SB_MAIN, name))
					fail_msg("%s: %s of %s is not in arch_run_ioctls[]",
						 arches[a], name,
						 l ? "arch_api_ioctls[]" : "arch_vcpu_ioctls[]");
		}
	}
}

/* Every name on the lists is a system call on x86-64 or arm64. */
static void test_names_resolve(void **state UNUSED)
{
	for (int k = 0; k < SB_KINDS; k++) {
		const char *const *c = sb_kind_calls((enum sb_kind)k);

		assert_non_null(c);
		for (; *c; c++) {
			bool known = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, *c) !=
					 __NR_SCMP_ERROR ||
				     seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, *c) !=
					 __NR_SCMP_ERROR;

			if (!known)
				fail_msg("%s list: \"%s\" is no system call", sb_kind_name(k), *c);
		}
	}
	assert_string_equal(sb_kind_name(SB_VCPU), "vcpu");
	assert_null(sb_kind_calls(SB_KINDS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forbidden_call_ends_with_70),
	    cmocka_unit_test(test_sigsys_from_outside),
	    cmocka_unit_test(test_own_process_only),
	    cmocka_unit_test(test_fcntl_own_state_only),
	    cmocka_unit_test(test_threads_not_processes),
	    cmocka_unit_test(test_vcpu_cannot_open),
	    cmocka_unit_test(test_vcpu_ioctl_requests),
	    cmocka_unit_test(test_ioctl_limits),
	    cmocka_unit_test(test_log_and_off),
	    cmocka_unit_test(test_stacked),
	    cmocka_unit_test(test_names_resolve),
	    cmocka_unit_test(test_every_request_listed),
	    cmocka_unit_test(test_kinds_nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
