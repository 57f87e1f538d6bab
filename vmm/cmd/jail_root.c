// SPDX-License-Identifier: MIT
/* jail_root.c - the VM process's own mount namespace and empty root; see jail_root.h. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/base/log.h"
#include "vmm/cmd/jail_root.h"

/*
 * Where the new root is mounted, inside the private namespace only: the
 * host's /tmp stays as it was for everyone else.
 */
#define JAIL_ROOT "/tmp"

#define RO_FLAGS (MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

static int fail(const char *what)
{
	int r = -errno;

	log_err("sandbox: %s: %s; the VM process does not run without its own view of the "
		"file system (--run-as none runs no sandbox)",
		what, strerror(errno));
	return r;
}

/* A read-only bind of the host's dir at JAIL_ROOT/dir: its own mount only
 * (no sub-mounts: cgroup, debugfs, bpf stay out). */
static int bind_ro(const char *dir)
{
	char at[64];

	snprintf(at, sizeof(at), "%s%s", JAIL_ROOT, dir);
	if (mkdir(at, 0555) < 0)
		return fail(at);
	if (mount(dir, at, NULL, MS_BIND, NULL) < 0)
		return fail(dir);
	if (mount(NULL, at, NULL, RO_FLAGS, NULL) < 0)
		return fail(at);
	return 0;
}

/* A directory fd would lead out of the chroot (openat, fchdir): none is kept. */
static void close_dirs(void)
{
	struct rlimit lim;
	struct stat st;
	int max = 4096;

	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < (rlim_t)max)
		max = (int)lim.rlim_cur;
	for (int fd = 3; fd < max; fd++)
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			log_debug("sandbox: closed fd %d, a directory", fd);
			close(fd);
		}
}

int jail_root_unshare(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return fail("a mount namespace for the VM process");
	/* Nothing done from here on reaches the host's mounts. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail("making the VM process's mounts private");
	return 0;
}

int jail_root_enter(void)
{
	int r;

	if (mount("tinyvmm-root", JAIL_ROOT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=16k,nr_inodes=16") < 0)
		return fail("a tmpfs for the VM process's root at " JAIL_ROOT);
	r = bind_ro("/sys");
	if (r < 0)
		return r;
	if (mount(NULL, JAIL_ROOT, NULL, RO_FLAGS, NULL) < 0)
		return fail("the VM process's root read-only");
	close_dirs();
	if (chdir(JAIL_ROOT) < 0)
		return fail(JAIL_ROOT);
	/*
	 * pivot_root(".", "."): the new root goes under the host's, which is then
	 * stacked on it and detached with every host mount below it. So the
	 * namespace holds no host mount but /sys: it pins none of them (a disk
	 * the host unmounts is really gone) and none can be reached again. An
	 * initramfs root (rootfs, as in the lab host) cannot be pivoted
	 * (EINVAL), and a container's seccomp or LSM profile may refuse
	 * pivot_root (EPERM, EACCES): there the chroot alone is the jail, as it
	 * was before, and the host's mounts stay in the namespace, out of reach.
	 * Once pivoted, the old root must go: a failed detach is fatal.
	 */
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		if (umount2(".", MNT_DETACH) < 0)
			return fail("detaching the host's mounts from the VM process's namespace");
		log_debug("sandbox: pivot_root: the VM process's namespace holds no host mount but "
			  "/sys");
	} else {
		log_debug("sandbox: pivot_root: %s (an initramfs root, or a profile that refuses "
			  "it): chroot, the host's mounts kept in the namespace out of reach",
			  strerror(errno));
	}
	if (chroot(".") < 0 || chdir("/") < 0)
		return fail("chroot");
	return 0;
}
