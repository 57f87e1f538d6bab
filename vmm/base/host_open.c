// SPDX-License-Identifier: MIT
/* host_open.c - open host files directly or through a sandbox's hook; see host_open.h. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>

#include "vmm/base/host_open.h"

static host_open_fn hook;
static void *hook_opaque;

void host_open_set(host_open_fn fn, void *opaque)
{
	__atomic_store_n(&hook_opaque, opaque, __ATOMIC_RELAXED);
	__atomic_store_n(&hook, fn, __ATOMIC_RELEASE);
}

int host_open(const char *path, int flags, mode_t mode)
{
	host_open_fn fn = __atomic_load_n(&hook, __ATOMIC_ACQUIRE);
	int fd;

	if (!fn)
		return open(path, flags, mode);
	fd = fn(__atomic_load_n(&hook_opaque, __ATOMIC_RELAXED), path, flags);
	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}
