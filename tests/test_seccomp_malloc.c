// SPDX-License-Identifier: MIT
/*
 * test_seccomp_malloc.c - glibc's malloc under the filters (sb_malloc_prepare()
 * in vmm/sandbox/seccomp.h). The first time a thread's own arena shrinks,
 * glibc reads /proc/sys/vm/overcommit_memory: a console thread (no openat
 * on its list) that freed a few MiB died of it with status 70. With one
 * arena there is no such read. Built without the sanitizers, which replace
 * glibc's malloc; each case runs in a forked child, where glibc has not read
 * the file yet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/base/util.h"
#include "vmm/sandbox/seccomp.h"

#define BLOCKS 64
#define BLOCK  60000 /* under the mmap threshold: from the thread's arena */

static void *console_frees(void *arg UNUSED)
{
	static void *volatile blocks[BLOCKS];

	prctl(PR_SET_NAME, "console");
	if (sb_enter(TINYVMM_SECCOMP_KILL, SB_CONSOLE) < 0)
		_exit(1);
	for (int i = 0; i < BLOCKS; i++) {
		blocks[i] = malloc(BLOCK);
		if (!blocks[i])
			_exit(2);
		memset(blocks[i], 1, BLOCK);
	}
	for (int i = BLOCKS - 1; i >= 0; i--)
		free(blocks[i]);
	return NULL;
}

/* A child's status: a console thread that mallocs and frees 3.7 MiB. */
static int run(bool prepare)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		pthread_t t;

		if (prepare)
			sb_malloc_prepare(TINYVMM_SECCOMP_KILL);
		if (pthread_create(&t, NULL, console_frees, NULL) != 0 ||
		    pthread_join(t, NULL) != 0)
			_exit(3);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_one_arena_frees_under_the_filter(void **state UNUSED)
{
	assert_int_equal(run(true), 0);
}

/* The case it mends, so this test can fail: glibc 2.36's own arena dies. */
static void test_own_arena_dies_without(void **state UNUSED)
{
	assert_int_equal(run(false), 70);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_arena_frees_under_the_filter),
	    cmocka_unit_test(test_own_arena_dies_without),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
