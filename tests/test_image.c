// SPDX-License-Identifier: MIT
/*
 * test_image.c - the arm64 Image header (vmm/arch/arm64/image.c): a good
 * header and where it is loaded, and every refusal: the magic, an ELF or a
 * bzImage given instead, a truncated file, image_size 0, a big-endian or
 * unknown flag, a bad text_offset, a file larger than its image_size, too
 * little RAM, and every header byte set to bad values. Built natively with
 * the arm64 layout (it is pure code).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/layout.h"
#include "vmm/arch/arm64/image.h"

#define RAM  (256 * MiB)
#define KSIZ (20 * MiB)

static u8 hdr[IMAGE_PARSE_LEN];

#define PE_SECT (0x40 + 24 + 0xa0) /* the section table */

/* A plausible Image header: text_offset 0, image_size 20 MiB, 4K pages, anywhere in RAM. */
static void good_header(void)
{
	memset(hdr, 0, sizeof(hdr));
	put_le32(hdr, 0x91005a4d); /* "MZ" + add: the EFI stub's first instruction */
	put_le32(hdr + 4, 0x14000000);
	put_le64(hdr + 8, 0);
	put_le64(hdr + 16, KSIZ);
	put_le64(hdr + 24, 0xa); /* 4K pages, PHYS_ANY */
	put_le32(hdr + 56, IMAGE_MAGIC);
	put_le32(hdr + 60, 0x40);
	/* the EFI stub's PE header: two sections, whose bytes end at 15 MiB */
	memcpy(hdr + 0x40, "PE\0\0", 4);
	put_le16(hdr + 0x40 + 6, 2);
	put_le16(hdr + 0x40 + 20, 0xa0);
	put_le32(hdr + PE_SECT + 16, 0x10000); /* .text: SizeOfRawData, */
	put_le32(hdr + PE_SECT + 20, 0x1000);  /* PointerToRawData */
	put_le32(hdr + PE_SECT + 40 + 16, 15 * MiB - 0x11000);
	put_le32(hdr + PE_SECT + 40 + 20, 0x11000);
}

static int parse(u64 file_len, u64 ram, const char **why)
{
	struct arm64_image img;

	return image_parse(hdr, sizeof(hdr), file_len, RAM_BASE, ram, DTB_MAX_SIZE, &img, why);
}

static void expect_refused(u64 file_len, u64 ram, const char *needle)
{
	const char *why = NULL;
	int r = parse(file_len, ram, &why);

	assert_true(r == -EINVAL || r == -ENOMEM);
	assert_non_null(why);
	if (!strstr(why, needle))
		fail_msg("reason \"%s\" lacks \"%s\"", why, needle);
}

static void test_good(void **state UNUSED)
{
	struct arm64_image img;
	const char *why = NULL;

	good_header();
	assert_int_equal(
	    image_parse(hdr, sizeof(hdr), 15 * MiB, RAM_BASE, RAM, DTB_MAX_SIZE, &img, &why), 0);
	assert_int_equal(img.load, RAM_BASE);
	assert_int_equal(img.end, RAM_BASE + KSIZ);
	assert_int_equal(img.image_size, KSIZ);
	assert_int_equal(img.file_size, 15 * MiB);
	/* An older kernel's text_offset of 0x80000 moves the load address. */
	put_le64(hdr + 8, 0x80000);
	assert_int_equal(
	    image_parse(hdr, sizeof(hdr), 15 * MiB, RAM_BASE, RAM, DTB_MAX_SIZE, &img, &why), 0);
	/* An Image without the EFI stub (no "MZ") has no PE header to check. */
	hdr[0] = 0;
	assert_int_equal(image_parse(hdr, 64, 100, RAM_BASE, RAM, DTB_MAX_SIZE, &img, &why), 0);
	hdr[0] = 'M';
	assert_int_equal(img.load, RAM_BASE + 0x80000);
	/* Just enough RAM: the kernel ends where the device tree's room starts. */
	put_le64(hdr + 8, 0);
	assert_int_equal(parse(KSIZ, KSIZ + DTB_MAX_SIZE, &why), 0);
}

static void test_refused(void **state UNUSED)
{
	good_header();
	expect_refused(63, RAM, "too short for an arm64 Image");
	hdr[56] ^= 1;
	expect_refused(15 * MiB, RAM, "no \"ARM\\x64\" magic at offset 56");
	memcpy(hdr, "\177ELF", 4);
	expect_refused(15 * MiB, RAM, "an ELF file");
	hdr[0] = 0x1f;
	hdr[1] = 0x8b;
	expect_refused(15 * MiB, RAM, "gunzip -c FILE > Image");
	good_header();
	put_le32(hdr + 56, 0);
	memcpy(hdr + 0x202, "HdrS", 4);
	expect_refused(15 * MiB, RAM, "an x86 bzImage");

	good_header();
	put_le64(hdr + 16, 0);
	expect_refused(15 * MiB, RAM, "image_size is 0");
	good_header();
	put_le64(hdr + 24, 0xb);
	expect_refused(15 * MiB, RAM, "big-endian");
	put_le64(hdr + 24, 0x1a);
	expect_refused(15 * MiB, RAM, "unknown header flags 0x1a");
	good_header();
	put_le64(hdr + 8, 0x200000);
	expect_refused(15 * MiB, RAM, "text_offset 0x200000");
	put_le64(hdr + 8, 0x80004);
	expect_refused(15 * MiB, RAM, "text_offset 0x80004");
	good_header();
	expect_refused(KSIZ + 1, RAM, "larger than its image_size");
	/* cut off: the PE sections end past the end of the file */
	expect_refused(15 * MiB - 1, RAM,
		       "truncated: 15728639 bytes, but its PE sections end at "
		       "byte 15728640");
	put_le32(hdr + 60, 0x2000);
	expect_refused(15 * MiB, RAM, "PE header offset 0x2000");
	put_le32(hdr + 60, 0x44);
	expect_refused(15 * MiB, RAM, "does not point at a PE header");
	put_le32(hdr + 60, 0x40);
	put_le16(hdr + 0x40 + 6, 200);
	expect_refused(15 * MiB, RAM, "PE section table (200 sections)");
	good_header();
	expect_refused(15 * MiB, KSIZ + DTB_MAX_SIZE - 1, "use a bigger --mem");
	assert_int_equal(parse(15 * MiB, 16 * MiB, &(const char *){NULL}), -ENOMEM);
	put_le64(hdr + 16, ~0ULL);
	expect_refused(15 * MiB, RAM, "address space");
	/* A header cut short in the buffer (the file claims more). */
	good_header();
	{
		struct arm64_image img;
		const char *why = NULL;

		assert_int_equal(
		    image_parse(hdr, 32, 15 * MiB, RAM_BASE, RAM, DTB_MAX_SIZE, &img, &why),
		    -EINVAL);
	}
}

/*
 * Found by tests/fuzz/fuzz_arm64_image.c: a file of 64 to 0x205 bytes
 * without the magic was read at 0x202-0x205 (the bzImage check) before its
 * length was. The file ends where an inaccessible page starts, so any read
 * past it faults.
 */
static void test_short_no_magic(void **state UNUSED)
{
	static const size_t lens[] = {64, 0x100, 0x205};
	long page = sysconf(_SC_PAGESIZE);
	u8 *map = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	struct arm64_image img;

	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		u8 *b = map + page - lens[i];
		const char *why = NULL;

		memset(b, 0, lens[i]);
		assert_int_equal(
		    image_parse(b, lens[i], lens[i], RAM_BASE, RAM, DTB_MAX_SIZE, &img, &why),
		    -EINVAL);
		assert_non_null(strstr(why, "no \"ARM\\x64\" magic"));
	}
	munmap(map, 2 * (size_t)page);
}

/* The initrd: as high as it fits below the device tree and the 32 GiB window. */
static void test_initrd_place(void **state UNUSED)
{
	struct arm64_image img = {.load = RAM_BASE, .end = RAM_BASE + KSIZ};
	gpa_t dtb = RAM_BASE + RAM - DTB_MAX_SIZE, g = 0;

	assert_int_equal(image_place_initrd(&img, RAM_BASE, dtb, 3 * MiB + 17, &g), 0);
	assert_int_equal(g, (dtb - 3 * MiB - 17) & ~0xfffULL);
	assert_true(g + 3 * MiB + 17 <= dtb);
	/* exactly filling the room between the kernel and the device tree */
	assert_int_equal(image_place_initrd(&img, RAM_BASE, dtb, dtb - img.end, &g), 0);
	assert_int_equal(g, img.end);
	assert_int_equal(image_place_initrd(&img, RAM_BASE, dtb, dtb - img.end + 1, &g), -ENOSPC);
	assert_int_equal(image_place_initrd(&img, RAM_BASE, dtb, 0, &g), -ENOSPC);
	assert_int_equal(image_place_initrd(&img, RAM_BASE, dtb, ~0ULL, &g), -ENOSPC);
	/* 64 GiB of RAM: the initrd stays under RAM_BASE + 32 GiB */
	dtb = RAM_BASE + (64ULL << 30) - DTB_MAX_SIZE;
	assert_int_equal(image_place_initrd(&img, RAM_BASE, dtb, 5 * MiB, &g), 0);
	assert_int_equal(g + 5 * MiB, RAM_BASE + IMAGE_INITRD_WINDOW);
}

/* Every byte of the header set to values that matter: a verdict each time, no crash. */
static void test_sweep(void **state UNUSED)
{
	static const u8 bad[] = {0x00, 0x01, 0x80, 0xfe, 0xff};
	struct arm64_image img;

	for (size_t i = 0; i < IMAGE_HEADER_SIZE; i++) {
		for (size_t k = 0; k < sizeof(bad); k++) {
			const char *why = NULL;
			int r;

			good_header();
			hdr[i] = bad[k];
			r = image_parse(hdr, IMAGE_HEADER_SIZE, 15 * MiB, RAM_BASE, RAM,
					DTB_MAX_SIZE, &img, &why);
			if (r == 0) {
				assert_true(img.load >= RAM_BASE && img.end <= RAM_BASE + RAM);
				assert_true(img.end - img.load >= 15 * MiB);
			} else {
				assert_true(r == -EINVAL || r == -ENOMEM);
				assert_non_null(why);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),	   cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_short_no_magic), cmocka_unit_test(test_initrd_place),
	    cmocka_unit_test(test_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
