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

#endif
