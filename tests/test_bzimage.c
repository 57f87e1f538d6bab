// SPDX-License-Identifier: MIT
/* test_bzimage.c - bzImage header parser against synthetic images. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/fake_bzimage.h"

#include <asm/bootparam.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/arch/x86/bzimage.h"
#include "arch/layout.h"

#define SETUP_SECTS 4
#define SETUP_LEN   ((SETUP_SECTS + 1) * 512)
#define PAYLOAD_LEN (64 * 1024)
#define PAD	    4096 /* trailing bytes after syssize*16, like a signature */
#define IMG_LEN	    (SETUP_LEN + PAYLOAD_LEN + PAD)
#define RAM	    (256 * MiB)

#define OFF(field) FAKE_BZ_OFF(field)

static u8 *img;

/* A minimal but complete 2.15 bzImage: header, setup, payload, padding. */
static void make_image(void)
{
	memset(img, 0, IMG_LEN);
	for (size_t i = SETUP_LEN; i < IMG_LEN; i++)
		img[i] = (u8)(i * 7);
	fake_bzimage_header(
	    img, &(struct fake_bz){.setup_sects = SETUP_SECTS,
				   .payload_len = PAYLOAD_LEN,
				   .cmdline_size = 2047,
				   .init_size = 0x2000000,
				   .xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G});
}

static int setup(void **state UNUSED)
{
	img = malloc(IMG_LEN);
	make_image();
	return img ? 0 : -1;
}

static int teardown(void **state UNUSED)
{
	free(img);
	return 0;
}

static int parse_len(size_t len, u64 ram, struct bzimage *bz, const char **why)
{
	return bzimage_parse(img, len, ram, bz, why);
}

static void expect_reject(size_t len, const char *needle)
{
	struct bzimage bz;
	const char *why = NULL;

	assert_int_not_equal(parse_len(len, RAM, &bz, &why), 0);
	assert_non_null(why);
	if (!strstr(why, needle))
		fail_msg("reason \"%s\" does not mention \"%s\"", why, needle);
}

static void test_valid(void **state UNUSED)
{
	struct bzimage bz;
	const char *why = "unset";

	make_image();
	assert_int_equal(parse_len(IMG_LEN, RAM, &bz, &why), 0);
	assert_null(why);
	assert_int_equal(bz.protocol, 0x020f);
	assert_ptr_equal(bz.setup, img);
	assert_int_equal(bz.setup_len, SETUP_LEN);
	assert_ptr_equal(bz.payload, img + SETUP_LEN);
	assert_int_equal(bz.payload_len, PAYLOAD_LEN + PAD);
	assert_int_equal(bz.cmdline_size, 2047);
	assert_int_equal(bz.initrd_addr_max, 0x7fffffff);
	assert_int_equal(bz.init_size, 0x2000000);
	assert_int_equal(bz.kernel_alignment, 0x200000);
	assert_true(bz.relocatable);
	assert_int_equal(bz.xloadflags, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	assert_int_equal(bz.pref_address, 0x1000000);
	/* 1 MiB aligned up to 2 MiB is below pref_address: runs at 16 MiB. */
	assert_int_equal(bz.runtime_start, 0x1000000);
	assert_int_equal(bz.kernel_end, 0x1000000 + 0x2000000);
}

static void test_runtime_start_alignment(void **state UNUSED)
{
	struct bzimage bz;
	const char *why;

	make_image();
	put_le64(img + OFF(pref_address), KERNEL_LOAD_GPA);
	put_le32(img + OFF(kernel_alignment), 0x1000000);
	assert_int_equal(parse_len(IMG_LEN, RAM, &bz, &why), 0);
	assert_int_equal(bz.runtime_start, 0x1000000); /* aligned up from 1 MiB */
	/* Not relocatable: pref_address, and the alignment is not checked. */
	img[OFF(relocatable_kernel)] = 0;
	put_le32(img + OFF(kernel_alignment), 3);
	assert_int_equal(parse_len(IMG_LEN, RAM, &bz, &why), 0);
	assert_int_equal(bz.runtime_start, KERNEL_LOAD_GPA);
	assert_false(bz.relocatable);
}

static void test_truncated(void **state UNUSED)
{
	make_image();
	expect_reject(0, "empty");
	expect_reject(511, "too short");
	expect_reject(0x250, "truncated");
	expect_reject(SETUP_LEN, "truncated");
	expect_reject(SETUP_LEN + PAYLOAD_LEN / 2, "truncated");
	expect_reject(SETUP_LEN + PAYLOAD_LEN - 1, "truncated");
}

static void test_exact_syssize_accepted(void **state UNUSED)
{
	struct bzimage bz;
	const char *why;

	make_image();
	assert_int_equal(parse_len(SETUP_LEN + PAYLOAD_LEN, RAM, &bz, &why), 0);
	assert_int_equal(bz.payload_len, PAYLOAD_LEN);
}

static void test_bad_magic(void **state UNUSED)
{
	make_image();
	put_le16(img + OFF(boot_flag), 0x55aa);
	expect_reject(IMG_LEN, "0xAA55");
	make_image();
	memcpy(img + OFF(header), "HdrZ", 4);
	expect_reject(IMG_LEN, "HdrS");
}

static void test_old_protocol(void **state UNUSED)
{
	make_image();
	put_le16(img + OFF(version), 0x0205);
	expect_reject(IMG_LEN, "2.05 is too old");
	put_le16(img + OFF(version), 0x020a);
	expect_reject(IMG_LEN, "no 64-bit entry");
	put_le16(img + OFF(version), 0x020c);
	struct bzimage bz;
	const char *why;
	assert_int_equal(parse_len(IMG_LEN, RAM, &bz, &why), 0);
}

static void test_setup_sects_zero_means_four(void **state UNUSED)
{
	struct bzimage bz;
	const char *why;

	make_image();
	img[OFF(setup_sects)] = 0;
	assert_int_equal(parse_len(IMG_LEN, RAM, &bz, &why), 0);
	assert_int_equal(bz.setup_len, 5 * 512);

	/* setup_sects 1: the payload starts after 2 sectors and is longer. */
	img[OFF(setup_sects)] = 1;
	assert_int_equal(parse_len(IMG_LEN, RAM, &bz, &why), 0);
	assert_int_equal(bz.setup_len, 1024);
	assert_int_equal(bz.payload_len, IMG_LEN - 1024);
}

static void test_setup_larger_than_file(void **state UNUSED)
{
	make_image();
	img[OFF(setup_sects)] = 200; /* 201 sectors > 69 KiB file */
	expect_reject(IMG_LEN, "truncated");
}

static void test_syssize(void **state UNUSED)
{
	make_image();
	put_le32(img + OFF(syssize), (PAYLOAD_LEN + PAD) / 16 + 1);
	expect_reject(IMG_LEN, "truncated");
	put_le32(img + OFF(syssize), 0);
	expect_reject(IMG_LEN, "syssize");
	/* A payload that ends before the 64-bit entry (+0x200): the guest
	 * would start in zeroed RAM. The file itself is cut just after it. */
	put_le32(img + OFF(syssize), 0x200 / 16);
	expect_reject(SETUP_LEN + 0x200, "the protected-mode kernel is only 512 bytes, so its "
					 "64-bit entry at +0x200 is outside it");
	put_le32(img + OFF(syssize), 0x100 / 16);
	expect_reject(SETUP_LEN + 0x100, "64-bit entry at +0x200 is outside it");
	/* One paragraph past the entry is enough for the header check. */
	put_le32(img + OFF(syssize), 0x210 / 16);
	{
		struct bzimage bz;
		const char *why;

		assert_int_equal(parse_len(SETUP_LEN + 0x210, RAM, &bz, &why), 0);
	}
}

static void test_flags(void **state UNUSED)
{
	make_image();
	put_le16(img + OFF(xloadflags), XLF_CAN_BE_LOADED_ABOVE_4G);
	expect_reject(IMG_LEN, "XLF_KERNEL_64");
	make_image();
	img[OFF(loadflags)] = 0;
	expect_reject(IMG_LEN, "zImage");
}

static void test_kernel_alignment(void **state UNUSED)
{
	make_image();
	put_le32(img + OFF(kernel_alignment), 0x300000);
	expect_reject(IMG_LEN, "power of two");
	put_le32(img + OFF(kernel_alignment), 0);
	expect_reject(IMG_LEN, "power of two");
}

static void test_cmdline_size_zero(void **state UNUSED)
{
	make_image();
	put_le32(img + OFF(cmdline_size), 0);
	expect_reject(IMG_LEN, "cmdline_size");
}

static void test_init_size(void **state UNUSED)
{
	struct bzimage bz;
	const char *why;

	make_image();
	put_le32(img + OFF(init_size), 0xffffffff);
	assert_int_equal(parse_len(IMG_LEN, RAM, &bz, &why), -ENOMEM);
	assert_non_null(strstr(why, "bigger --mem"));

	/* Exactly filling the RAM is fine; one page less RAM is not. */
	put_le32(img + OFF(init_size), (u32)(RAM - 0x1000000));
	assert_int_equal(parse_len(IMG_LEN, RAM, &bz, &why), 0);
	assert_int_equal(bz.kernel_end, RAM);
	assert_int_equal(parse_len(IMG_LEN, RAM - 4096, &bz, &why), -ENOMEM);

	/* RAM above the MMIO hole does not count. */
	put_le32(img + OFF(init_size), (u32)(MMIO_HOLE_START - 0x1000000 + 4096));
	assert_int_equal(parse_len(IMG_LEN, 8 * GiB, &bz, &why), -ENOMEM);

	put_le32(img + OFF(init_size), 0);
	expect_reject(IMG_LEN, "init_size");
}

static void test_elf_and_others(void **state UNUSED)
{
	make_image();
	memcpy(img,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	expect_reject(IMG_LEN, "an ELF file, not a bzImage");
	expect_reject(4, "an ELF file");
	make_image();
	img[0] = 0x1f;
	img[1] = 0x8b;
	expect_reject(IMG_LEN, "gzip");
	make_image();
	memcpy(img, "070701", 6);
	expect_reject(IMG_LEN, "cpio");
	make_image();
	put_le16(img + OFF(boot_flag), 0);
	memcpy(img + OFF(header), "XXXX", 4);
	img[0] = 'M';
	img[1] = 'Z';
	expect_reject(IMG_LEN, "0xAA55");
}

static void test_random_bytes(void **state UNUSED)
{
	struct bzimage bz;
	const char *why;
	unsigned int seed = 12345;

	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < IMG_LEN; i++) {
			seed = seed * 1103515245 + 12345;
			img[i] = (u8)(seed >> 16);
		}
		why = NULL;
		assert_int_not_equal(parse_len(IMG_LEN, RAM, &bz, &why), 0);
		assert_non_null(why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_runtime_start_alignment),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_exact_syssize_accepted),
	    cmocka_unit_test(test_bad_magic),
	    cmocka_unit_test(test_old_protocol),
	    cmocka_unit_test(test_setup_sects_zero_means_four),
	    cmocka_unit_test(test_setup_larger_than_file),
	    cmocka_unit_test(test_syssize),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_kernel_alignment),
	    cmocka_unit_test(test_cmdline_size_zero),
	    cmocka_unit_test(test_init_size),
	    cmocka_unit_test(test_elf_and_others),
	    cmocka_unit_test(test_random_bytes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
