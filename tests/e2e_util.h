/* SPDX-License-Identifier: MIT */
/*
 * e2e_util.h - shared by the end-to-end tests (test_tinyvmm, test_lib):
 * write a synthetic 64-bit bzImage around a code fragment, read a file back.
 * Include after <cmocka.h> and fake_bzimage.h.
 */
#ifndef TINYVMM_E2E_UTIL_H
#define TINYVMM_E2E_UTIL_H

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define assert_contains(hay, needle)                                                               \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle));               \
	} while (0)

/* Guest code fragments (64-bit). */
#define OUT_COM1(c)	  0x66, 0xba, 0xf8, 0x03, 0xb0, (c), 0xee /* mov dx,0x3f8; mov al,c; out */
#define OUT_PORT(port, v) 0x66, 0xba, (port)&0xff, (port) >> 8, 0xb0, (v), 0xee
#define SPIN		  0xeb, 0xfe /* jmp $ */

/* 'x' on COM1 every 65536 loop iterations (about 0.1 s here), forever. */
static const u8 e2e_code_ticker[] = {
    0x66, 0xba, 0xf8, 0x03,	  /* 0: mov dx, 0x3f8 */
    0xb0, 'x',			  /* mov al, 'x' */
    0xee,			  /* out dx, al */
    0xb9, 0x00, 0x00, 0x01, 0x00, /* mov ecx, 0x10000 */
    0xff, 0xc9,			  /* 1: dec ecx */
    0x75, 0xfc,			  /* jnz 1b */
    0xeb, 0xee,			  /* jmp 0b */
};

#define E2E_SETUP_LEN	(5 * 512)
#define E2E_PAYLOAD_LEN 4096

/* A 2.15 bzImage at path whose 64-bit entry (payload + 0x200) is code[]. */
static inline void e2e_write_kernel(const char *path, const u8 *code, size_t len)
{
	static u8 img[E2E_SETUP_LEN + E2E_PAYLOAD_LEN];
	FILE *f;

	assert_true(0x200 + len <= E2E_PAYLOAD_LEN);
	memset(img, 0, sizeof(img));
	fake_bzimage_header(img, &(struct fake_bz){.setup_sects = 4,
						   .payload_len = E2E_PAYLOAD_LEN,
						   .cmdline_size = 255,
						   .init_size = 0x100000,
						   .xloadflags = XLF_KERNEL_64});
	memcpy(img + E2E_SETUP_LEN + 0x200, code, len);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, sizeof(img), f), sizeof(img));
	assert_int_equal(fclose(f), 0);
}

/* The file's first len - 1 bytes into buf, NUL-terminated ("" if missing). */
static inline void e2e_slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

static inline long e2e_file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Wait up to 5 s for the file at path (the guest's console) to grow past size. */
static inline void e2e_wait_output_beyond(const char *path, long size)
{
	for (int i = 0; i < 500 && e2e_file_size(path) <= size; i++)
		usleep(10 * 1000);
	if (e2e_file_size(path) <= size)
		fail_msg("the guest printed nothing more after %ld bytes", size);
}

#endif
