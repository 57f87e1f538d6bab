/* SPDX-License-Identifier: MIT */
/*
 * host_open.h - how a run opens the host files a VM needs while it runs:
 * /dev/kvm, /dev/vfio/vfio, /dev/vfio/<group> and the console file (again
 * for each boot of --reboot=restart).
 *
 * By default host_open() is open(). A sandboxed run (the command's VM
 * process, which gives up its privileges before the guest runs) sets a hook
 * that asks the privileged side instead (tinyvmm_set_host_ops()). The hook
 * is process-wide: one sandboxed run per process.
 */
#ifndef TINYVMM_HOST_OPEN_H
#define TINYVMM_HOST_OPEN_H

#include <sys/types.h>

/* fd or -errno. */
typedef int (*host_open_fn)(void *opaque, const char *path, int flags);

/* Route host_open() through fn (NULL: plain open again). */
void host_open_set(host_open_fn fn, void *opaque);

/* open(path, flags, mode), or through the hook: the fd, or -1 with errno set. */
int host_open(const char *path, int flags, mode_t mode);

#endif
