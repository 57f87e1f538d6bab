/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz/ share: a reader that
 * takes typed values off the input (zeros once it runs dry, so every input
 * is a valid program), a quiet log sink that still formats every message
 * (a bad format argument is caught, the output is not flooded), and
 * FUZZ_CHECK() for the properties a target checks beyond the sanitizers.
 *
 * A target is one file fuzz_<name>.c with LLVMFuzzerTestOneInput(): it is
 * deterministic, touches nothing of the host (at most a private temporary
 * directory), frees what it allocates and resets global state per input.
 */
#ifndef TINYVMM_FUZZ_H
#define TINYVMM_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/log.h"
#include "vmm/base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property of the code under test does not hold: report it as a crash. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz: %s:%d: check failed: %s\n", __FILE__, __LINE__,     \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

struct fz {
	const u8 *p;
	size_t n;
};

static inline struct fz fz_init(const u8 *data, size_t size)
{
	return (struct fz){.p = data, .n = size};
}

static inline bool fz_empty(const struct fz *f)
{
	return f->n == 0;
}

static inline u8 fz_u8(struct fz *f)
{
	u8 v = 0;

	if (f->n) {
		v = *f->p++;
		f->n--;
	}
	return v;
}

static inline u16 fz_u16(struct fz *f)
{
	return (u16)(fz_u8(f) | (u16)fz_u8(f) << 8);
}

static inline u32 fz_u32(struct fz *f)
{
	return fz_u16(f) | (u32)fz_u16(f) << 16;
}

static inline u64 fz_u64(struct fz *f)
{
	return fz_u32(f) | (u64)fz_u32(f) << 32;
}

static inline bool fz_bool(struct fz *f)
{
	return fz_u8(f) & 1;
}

/* Up to len bytes into out (the rest zero); returns how many came from the input. */
static inline size_t fz_bytes(struct fz *f, void *out, size_t len)
{
	size_t n = MIN(len, f->n);

	memcpy(out, f->p, n);
	memset((u8 *)out + n, 0, len - n);
	f->p += n;
	f->n -= n;
	return n;
}

/* One of the values of a table, picked by the next byte. */
#define FZ_PICK(f, table) ((table)[fz_u8(f) % ARRAY_SIZE(table)])

static inline void fuzz_log_sink(void *opaque UNUSED, enum log_level level UNUSED, const char *msg)
{
	/* formatted (so a bad argument is caught), checked, then dropped: a log
	 * line is one line, with nothing a terminal would act on (an input's
	 * bytes must come out escaped) */
	for (const unsigned char *c = (const unsigned char *)msg; *c; c++) {
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			fprintf(stderr, "fuzz: a log line holds byte 0x%02x: %s\n", *c, msg);
		FUZZ_CHECK((*c >= 0x20 && *c != 0x7f) || *c == '\t');
	}
}

/* Every message formatted, none printed: call at the start of each input. */
static inline void fuzz_quiet_logs(void)
{
	log_set_sink(fuzz_log_sink, NULL);
	log_set_level(LOG_DEBUG);
}

#endif
