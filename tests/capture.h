/* SPDX-License-Identifier: MIT */
/*
 * capture.h - what a call under test prints on stderr (and stdout), for
 * the tests that check one-line error messages:
 *
 *	capture_begin();
 *	r = function_under_test();
 *	capture_end(err, sizeof(err), NULL, 0);   // err holds what it printed
 *
 * Header-only: each test includes it once. Not reentrant.
 */
#ifndef TINYVMM_TESTS_CAPTURE_H
#define TINYVMM_TESTS_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

static FILE *capture_file[2];
static int capture_saved[2] = {-1, -1};

/* From now on stdout and stderr go to temporary files. */
static inline void capture_begin(void)
{
	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < 2; i++) {
		capture_file[i] = tmpfile();
		assert_non_null(capture_file[i]);
		capture_saved[i] = dup(1 + i);
		dup2(fileno(capture_file[i]), 1 + i);
	}
}

/* Back to the real stdout and stderr; what was printed into err and out (NULL: dropped). */
static inline void capture_end(char *err, size_t errlen, char *out, size_t outlen)
{
	char *bufs[2] = {out, err};
	size_t lens[2] = {outlen, errlen};

	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < 2; i++) {
		dup2(capture_saved[i], 1 + i);
		close(capture_saved[i]);
		capture_saved[i] = -1;
		rewind(capture_file[i]);
		if (bufs[i] && lens[i])
			bufs[i][fread(bufs[i], 1, lens[i] - 1, capture_file[i])] = '\0';
		fclose(capture_file[i]);
	}
}

#endif
