// SPDX-License-Identifier: MIT
/*
 * fuzz_bzimage.c - the bzImage header parser (vmm/arch/x86/bzimage.c) on a
 * file of random bytes: the whole file, and a prefix of it the way the
 * loader reads one (the first BZ_MAX_SETUP_LEN bytes of a longer file),
 * for a small and a large guest. What it accepts must describe the buffer.
 */
#include "tests/fuzz/fuzz.h"

#include "arch/layout.h"
#include "vmm/arch/x86/bzimage.h"

static void check(const u8 *buf, size_t len, u64 file_len, u64 ram, int r, const struct bzimage *bz,
		  const char *why)
{
	size_t seen = (size_t)MIN((u64)len, file_len);

	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -ENOMEM);
		FUZZ_CHECK(why && *why && strlen(why) < 200);
		return;
	}
	FUZZ_CHECK(r == 0 && why == NULL);
	FUZZ_CHECK(bz->setup == buf);
	FUZZ_CHECK(bz->setup_len <= seen && bz->setup_len < file_len);
	FUZZ_CHECK(bz->setup_len % BZ_SECTOR == 0 && bz->setup_len <= BZ_MAX_SETUP_LEN);
	FUZZ_CHECK(bz->payload_len == file_len - bz->setup_len);
	if (bz->payload)
		FUZZ_CHECK(bz->payload == buf + bz->setup_len && bz->setup_len < seen);
	else
		FUZZ_CHECK(bz->setup_len == seen);
	FUZZ_CHECK(bz->protocol >= BZ_64BIT_PROTOCOL);
	FUZZ_CHECK(bz->cmdline_size > 0 && bz->init_size > 0);
	FUZZ_CHECK(bz->runtime_start >= KERNEL_LOAD_GPA);
	FUZZ_CHECK(bz->kernel_end >= bz->runtime_start + bz->init_size);
	FUZZ_CHECK(bz->kernel_end <= MIN(ram, MMIO_HOLE_START));
	if (bz->relocatable)
		FUZZ_CHECK(IS_POW2(bz->kernel_alignment));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u64 rams[] = {16 * MiB, 256 * MiB, 64 * GiB};
	struct bzimage bz;
	const char *why;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(rams); i++) {
		why = "unset";
		r = bzimage_parse(data, size, rams[i], &bz, &why);
		check(data, size, size, rams[i], r, &bz, why);
	}
	/* the loader's view: the setup code read, the file longer than that */
	for (u64 extra = 0; extra <= 0x10000; extra += 0x8000) {
		size_t len = MIN(size, (size_t)BZ_MAX_SETUP_LEN);

		why = "unset";
		r = bzimage_parse_prefix(data, len, size + extra, 256 * MiB, &bz, &why);
		check(data, len, size + extra, 256 * MiB, r, &bz, why);
	}
	return 0;
}
