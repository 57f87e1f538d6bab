// SPDX-License-Identifier: MIT
/* jail_root.c - the VM process's own mount namespace and empty root; see jail_root.h. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

	log_warn("sandbox: %s: %s; the VM process keeps the host's view of the file system", what,
		 strerror(errno));
	return r;
}

/* A read-only bind of the host's dir at JAIL_ROOT/dir. */
static int bind_ro(const char *dir)
{
	char at[64];

	snprintf(at, sizeof(at), "%s%s", JAIL_ROOT, dir);
	if (mkdir(at, 0555) < 0)
		return fail(at);
	if (mount(dir, at, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(dir);
	if (mount(NULL, at, NULL, RO_FLAGS, NULL) < 0)
		return fail(at);
	return 0;
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
	if (r == 0)
		r = bind_ro("/proc");
	if (r < 0)
		return r;
	if (mount(NULL, JAIL_ROOT, NULL, RO_FLAGS, NULL) < 0)
		return fail("the VM process's root read-only");
	if (chroot(JAIL_ROOT) < 0 || chdir("/") < 0)
		return fail("chroot");
	return 0;
}
