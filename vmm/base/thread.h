/* SPDX-License-Identifier: MIT */
/*
 * thread.h - tinyvmm's worker threads (vCPUs, console, control API).
 *
 * thread_create() is pthread_create() with a THREAD_STACK_SIZE stack. The
 * default stack is 8 MiB, and on a host whose transparent huge pages are
 * "always" the first touch of a 2 MiB-aligned part of it brings in a whole
 * huge page: 2 MiB of RSS per thread for a few KiB of stack. A stack under
 * 2 MiB cannot hold an aligned huge page. 1 MiB is far above what the
 * threads use (the largest frames are the 32 KiB event line and the API's
 * reply buffers), sanitizer builds included.
 */
#ifndef TINYVMM_THREAD_H
#define TINYVMM_THREAD_H

#include <errno.h>
#include <pthread.h>
#include <string.h>

#define THREAD_STACK_SIZE (1u << 20)

/* 0 or -errno (nothing started). */
static inline int thread_create(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	int r = pthread_attr_init(&attr);

	if (r)
		return -r;
	r = pthread_attr_setstacksize(&attr, THREAD_STACK_SIZE);
	if (!r)
		r = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -r;
}

/*
 * Why a thread did not start (err > 0), for its message: EAGAIN, the usual
 * reason, names the limits behind it.
 */
static inline const char *thread_why(int err)
{
	return err == EAGAIN ? "Resource temporarily unavailable (a task or memory limit: "
			       "ulimit -u, ulimit -v, or the cgroup's pids.max)"
			     : strerror(err);
}

#endif
