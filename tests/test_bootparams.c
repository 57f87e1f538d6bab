// SPDX-License-Identifier: MIT
/*
 * test_bootparams.c - the e820 map and the zero page. Zero-page fields are
 * checked at their offsets from Documentation/arch/x86/boot.rst and
 * zero-page.rst, not through struct boot_params.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "firmware/x86/bootparams.h"
#include "arch/layout.h"

#define RAM E820_TYPE_RAM
#define RES E820_TYPE_RESERVED

struct exp {
	u64 addr, size;
	u32 type;
};

static void check_e820(const struct boot_e820_entry *e, int n, const struct exp *want, int nwant)
{
	assert_int_equal(n, nwant);
	for (int i = 0; i < n; i++) {
		assert_int_equal(e[i].addr, want[i].addr);
		assert_int_equal(e[i].size, want[i].size);
		assert_int_equal(e[i].type, want[i].type);
	}
}

static int build_e820(const struct ram_range *r, unsigned int nr, struct boot_e820_entry *out)
{
	return e820_build(r, nr, out, E820_MAX_ENTRIES_ZEROPAGE);
}

/* The four entries every guest with RAM from 0 gets below 1 MiB and up. */
static const struct exp low_map[] = {
    {0, EBDA_GPA, RAM},
    {EBDA_GPA, LOW_RAM_END - EBDA_GPA, RES},
    {BIOS_AREA_GPA, BIOS_AREA_END - BIOS_AREA_GPA, RES},
};

static void test_e820_256m(void **state)
{
	const struct ram_range r[] = {{0, 256 * MiB}};
	struct boot_e820_entry e[E820_MAX_ENTRIES_ZEROPAGE];
	const struct exp want[] = {low_map[0], low_map[1], low_map[2], {1 * MiB, 255 * MiB, RAM}};
	(void)state;

	check_e820(e, build_e820(r, 1, e), want, 4);
}

static void test_e820_above_4g(void **state)
{
	const struct ram_range r[] = {{0, 3 * GiB}, {4 * GiB, 5 * GiB}};
	struct boot_e820_entry e[E820_MAX_ENTRIES_ZEROPAGE];
	const struct exp want[] = {low_map[0],
				   low_map[1],
				   low_map[2],
				   {1 * MiB, 3 * GiB - 1 * MiB, RAM},
				   {4 * GiB, 5 * GiB, RAM}};
	(void)state;

	check_e820(e, build_e820(r, 2, e), want, 5);
}

static void test_e820_legacy_overlaps(void **state)
{
	struct boot_e820_entry e[E820_MAX_ENTRIES_ZEROPAGE];
	(void)state;

	/* RAM up to the EBDA exactly, then from 1 MiB: same map. */
	{
		const struct ram_range r[] = {{0, EBDA_GPA}, {1 * MiB, 63 * MiB}};
		const struct exp want[] = {
		    low_map[0], low_map[1], low_map[2], {1 * MiB, 63 * MiB, RAM}};
		check_e820(e, build_e820(r, 2, e), want, 4);
	}
	/* Partly over the EBDA, and a range starting inside the BIOS area:
	 * both carved, the VGA hole never listed. */
	{
		const struct ram_range r[] = {{0, 0x9fe00}, {0xf0000, 2 * MiB - 0xf0000}};
		const struct exp want[] = {
		    low_map[0], low_map[1], low_map[2], {1 * MiB, 1 * MiB, RAM}};
		check_e820(e, build_e820(r, 2, e), want, 4);
	}
	/* One range over all of low memory, through the VGA hole. */
	{
		const struct ram_range r[] = {{0, 16 * MiB}};
		const struct exp want[] = {
		    low_map[0], low_map[1], low_map[2], {1 * MiB, 15 * MiB, RAM}};
		check_e820(e, build_e820(r, 1, e), want, 4);
	}
	/* RAM only above 1 MiB: the reserved areas are still listed, first. */
	{
		const struct ram_range r[] = {{1 * MiB, 1 * MiB}};
		const struct exp want[] = {low_map[1], low_map[2], {1 * MiB, 1 * MiB, RAM}};
		check_e820(e, build_e820(r, 1, e), want, 3);
	}
	/* Touching ranges merge; a range inside the VGA hole disappears. */
	{
		const struct ram_range r[] = {
		    {0x4000, 0x1000}, {0xa0000, 0x20000}, {2 * MiB, 1 * MiB}, {3 * MiB, 1 * MiB}};
		const struct exp want[] = {
		    {0x4000, 0x1000, RAM}, low_map[1], low_map[2], {2 * MiB, 2 * MiB, RAM}};
		check_e820(e, build_e820(r, 4, e), want, 4);
	}
}

static void test_e820_bad_input(void **state)
{
	struct boot_e820_entry e[E820_MAX_ENTRIES_ZEROPAGE];
	const struct ram_range unsorted[] = {{1 * MiB, 1 * MiB}, {0, 0x1000}};
	const struct ram_range overlap[] = {{0, 2 * MiB}, {1 * MiB, 2 * MiB}};
	const struct ram_range zero[] = {{0, 1 * MiB}, {2 * MiB, 0}};
	const struct ram_range wrap[] = {{0, 1 * MiB}, {~0ULL - 0xfff, 0x2000}};
	const struct ram_range to_top[] = {{~0ULL - 0xfff, 0x1000}}; /* end is 2^64 */
	const struct ram_range only_reserved[] = {{EBDA_GPA, LOW_RAM_END - EBDA_GPA},
						  {BIOS_AREA_GPA, 0x1000}};
	(void)state;

	assert_int_equal(e820_build(NULL, 1, e, 128), -EINVAL);
	assert_int_equal(e820_build(unsorted, 0, e, 128), -EINVAL);
	assert_int_equal(build_e820(unsorted, 2, e), -EINVAL);
	assert_int_equal(build_e820(overlap, 2, e), -EINVAL);
	assert_int_equal(build_e820(zero, 2, e), -EINVAL);
	assert_int_equal(build_e820(wrap, 2, e), -EINVAL);
	assert_int_equal(build_e820(to_top, 1, e), -EINVAL);
	assert_int_equal(build_e820(only_reserved, 2, e), -EINVAL);
}

static void test_e820_max(void **state)
{
	const struct ram_range r[] = {{0, 3 * GiB}, {4 * GiB, 1 * GiB}};
	struct boot_e820_entry e[6];
	(void)state;

	/* Five entries needed but four allowed: -ENOSPC, and the entry after
	 * the four allowed is not written. */
	memset(e, 0x5a, sizeof(e));
	assert_int_equal(e820_build(r, 2, e, 4), -ENOSPC);
	for (size_t i = 0; i < sizeof(e[0]); i++)
		assert_int_equal(((u8 *)&e[4])[i], 0x5a);
	assert_int_equal(e820_build(r, 2, e, 0), -ENOSPC);
	assert_int_equal(e820_build(r, 2, NULL, 0), -ENOSPC);
	assert_int_equal(e820_build(r, 2, e, 5), 5);
}

/* ---- zero page ---- */

#define SETUP_LEN      0x400
#define HDR_START      0x1f1
#define HDR_END_MODERN 0x26c /* 0x202 + 0x6a: boot protocol 2.15 */

static u8 setup[SETUP_LEN];
static u8 zp[4096 + 64];
static const struct ram_range ram256[] = {{0, 256 * MiB}};

/* A fake bzImage setup area: patterned bytes, a plausible header. */
static void make_setup(u16 version, u8 jump, u32 cmdline_size)
{
	for (size_t i = 0; i < SETUP_LEN; i++)
		setup[i] = (u8)(i * 13 + 7);
	setup[0x1ef] = 0xff; /* sentinel: must not reach the zero page */
	put_le16(setup + 0x1fe, 0xaa55);
	setup[0x200] = 0xeb;
	setup[0x201] = jump;
	memcpy(setup + 0x202, "HdrS", 4);
	put_le16(setup + 0x206, version);
	setup[0x211] = LOADED_HIGH;
	put_le32(setup + 0x238, cmdline_size);
}

static struct bootparams_cfg base_cfg(void)
{
	struct bootparams_cfg c = {
	    .setup = setup,
	    .setup_len = SETUP_LEN,
	    .cmdline_gpa = BOOT_CMDLINE_GPA,
	    .cmdline_len = 100,
	    .initrd_gpa = 0x7000000,
	    .initrd_size = 0x123456,
	    .acpi_rsdp_gpa = ACPI_TABLES_GPA,
	    .ram = ram256,
	    .nr_ram = 1,
	};
	return c;
}

static bool in(size_t off, size_t start, size_t len)
{
	return off >= start && off < start + len;
}

/* Header bytes the loader writes, as opposed to copies from the image. */
static bool loader_field(size_t off)
{
	return in(off, 0x1fa, 2) || /* vid_mode */
	       in(off, 0x210, 2) || /* type_of_loader, loadflags */
	       in(off, 0x218, 8) || /* ramdisk_image, ramdisk_size */
	       in(off, 0x224, 2) || /* heap_end_ptr */
	       in(off, 0x228, 4);   /* cmd_line_ptr */
}

/* Every byte outside the header, the e820 table and the fields we set
 * must be zero; header bytes up to hdr_end are the image's. */
static void check_layout(size_t hdr_end, unsigned int nr_e820)
{
	for (size_t off = 0; off < 4096; off++) {
		if (loader_field(off))
			continue;
		if (in(off, HDR_START, hdr_end - HDR_START))
			assert_int_equal(zp[off], setup[off]);
		else if (!in(off, 0x70, 8) &&  /* acpi_rsdp_addr */
			 !in(off, 0xc0, 12) && /* ext_ramdisk_*, ext_cmd_line_ptr */
			 off != 0x1e8 &&       /* e820_entries */
			 !in(off, 0x2d0, 20 * (size_t)nr_e820)) /* e820_table */
			assert_int_equal(zp[off], 0);
	}
	/* Whatever the zero page was before, nothing past it was touched. */
	for (size_t off = 4096; off < sizeof(zp); off++)
		assert_int_equal(zp[off], 0xcc);
}

static void test_zeropage(void **state)
{
	struct bootparams_cfg c;
	struct boot_e820_entry e[E820_MAX_ENTRIES_ZEROPAGE];
	int n;
	(void)state;

	make_setup(0x020f, 0x6a, 2047);
	c = base_cfg();
	memset(zp, 0xcc, sizeof(zp));
	assert_int_equal(bootparams_build(zp, 4096, &c), 0);

	assert_int_equal(zp[0x210], 0xff);			  /* type_of_loader */
	assert_int_equal(zp[0x211], LOADED_HIGH | CAN_USE_HEAP);  /* loadflags */
	assert_int_equal(get_le16(zp + 0x224), 0xfe00);		  /* heap_end_ptr */
	assert_int_equal(get_le16(zp + 0x1fa), 0xffff);		  /* vid_mode */
	assert_int_equal(get_le32(zp + 0x228), BOOT_CMDLINE_GPA); /* cmd_line_ptr */
	assert_int_equal(get_le32(zp + 0xc8), 0);		  /* ext_cmd_line_ptr */
	assert_int_equal(get_le32(zp + 0x218), 0x7000000);	  /* ramdisk_image */
	assert_int_equal(get_le32(zp + 0x21c), 0x123456);	  /* ramdisk_size */
	assert_int_equal(get_le32(zp + 0xc0), 0);		  /* ext_ramdisk_image */
	assert_int_equal(get_le32(zp + 0xc4), 0);		  /* ext_ramdisk_size */
	assert_int_equal(get_le64(zp + 0x70), ACPI_TABLES_GPA);	  /* acpi_rsdp_addr */
	assert_int_equal(zp[0x1ef], 0);				  /* sentinel */
	assert_memory_equal(zp + 0x202, "HdrS", 4);

	n = build_e820(ram256, 1, e);
	assert_int_equal(n, 4);
	assert_int_equal(zp[0x1e8], n);
	for (int i = 0; i < n; i++) {
		const u8 *z = zp + 0x2d0 + 20 * i;

		assert_int_equal(get_le64(z), e[i].addr);
		assert_int_equal(get_le64(z + 8), e[i].size);
		assert_int_equal(get_le32(z + 16), e[i].type);
	}
	check_layout(HDR_END_MODERN, (unsigned int)n);
}

static void test_zeropage_above_4g(void **state)
{
	const struct ram_range ram[] = {{0, 3 * GiB}, {4 * GiB, 8 * GiB}};
	struct bootparams_cfg c;
	(void)state;

	make_setup(0x020f, 0x6a, 2047);
	c = base_cfg();
	c.ram = ram;
	c.nr_ram = 2;
	c.cmdline_gpa = 0x123456000ULL;
	c.initrd_gpa = 0x200000000ULL;
	c.initrd_size = 0x100001000ULL;
	memset(zp, 0xcc, sizeof(zp));
	assert_int_equal(bootparams_build(zp, sizeof(zp) - 64, &c), 0);
	assert_int_equal(get_le32(zp + 0x228), 0x23456000);
	assert_int_equal(get_le32(zp + 0xc8), 0x1);
	assert_int_equal(get_le32(zp + 0x218), 0);
	assert_int_equal(get_le32(zp + 0xc0), 0x2);
	assert_int_equal(get_le32(zp + 0x21c), 0x1000);
	assert_int_equal(get_le32(zp + 0xc4), 0x1);
	assert_int_equal(zp[0x1e8], 5);
	assert_int_equal(get_le64(zp + 0x2d0 + 20 * 4), 4 * GiB);
	check_layout(HDR_END_MODERN, 5);
}

static void test_zeropage_rsdp_protocol(void **state)
{
	struct bootparams_cfg c;
	(void)state;

	make_setup(0x020d, 0x6a, 2047); /* 2.13: no acpi_rsdp_addr */
	c = base_cfg();
	assert_int_equal(bootparams_build(zp, 4096, &c), 0);
	assert_int_equal(get_le64(zp + 0x70), 0);

	make_setup(0x020e, 0x6a, 2047); /* 2.14 */
	assert_int_equal(bootparams_build(zp, 4096, &c), 0);
	assert_int_equal(get_le64(zp + 0x70), ACPI_TABLES_GPA);

	c.acpi_rsdp_gpa = 0; /* none */
	assert_int_equal(bootparams_build(zp, 4096, &c), 0);
	assert_int_equal(get_le64(zp + 0x70), 0);
}

static void test_zeropage_no_initrd(void **state)
{
	struct bootparams_cfg c;
	(void)state;

	make_setup(0x020f, 0x6a, 2047);
	c = base_cfg();
	c.initrd_gpa = 0x5000000;
	c.initrd_size = 0;
	assert_int_equal(bootparams_build(zp, 4096, &c), 0);
	assert_int_equal(get_le32(zp + 0x218), 0);
	assert_int_equal(get_le32(zp + 0x21c), 0);
	assert_int_equal(get_le32(zp + 0xc0), 0);
	assert_int_equal(get_le32(zp + 0xc4), 0);
}

/* An old kernel's shorter header: only its own bytes are copied, and the
 * command line is limited to 255 bytes. */
static void test_zeropage_old_header(void **state)
{
	struct bootparams_cfg c;
	(void)state;

	make_setup(0x0202, 0x20, 0); /* header ends at 0x222 */
	c = base_cfg();
	c.setup_len = 0x222;
	c.cmdline_len = 255;
	memset(zp, 0xcc, sizeof(zp));
	assert_int_equal(bootparams_build(zp, 4096, &c), 0);
	check_layout(0x222, 4);
	assert_int_equal(get_le64(zp + 0x70), 0); /* protocol < 2.14 */

	c.cmdline_len = 256;
	assert_int_equal(bootparams_build(zp, 4096, &c), -EINVAL);
}

/* A newer kernel's longer header is cut at the end of struct setup_header. */
static void test_zeropage_long_header(void **state)
{
	struct bootparams_cfg c;
	(void)state;

	make_setup(0x020f, 0x7f, 2047); /* header ends at 0x281 */
	c = base_cfg();
	c.setup_len = 0x281;
	memset(zp, 0xcc, sizeof(zp));
	assert_int_equal(bootparams_build(zp, 4096, &c), 0);
	check_layout(HDR_END_MODERN, 4); /* 0x26c..0x290 stays zero */
}

static void check_untouched(void)
{
	for (size_t i = 0; i < sizeof(zp); i++)
		assert_int_equal(zp[i], 0xcc);
}

static void test_zeropage_bad(void **state)
{
	const struct ram_range bad_ram[] = {{0, 0}};
	struct bootparams_cfg c;
	(void)state;

	make_setup(0x020f, 0x6a, 2047);
	memset(zp, 0xcc, sizeof(zp));

	c = base_cfg();
	assert_int_equal(bootparams_build(zp, 4095, &c), -EINVAL);
	assert_int_equal(bootparams_build(NULL, 4096, &c), -EINVAL);
	assert_int_equal(bootparams_build(zp, 4096, NULL), -EINVAL);

	c.setup_len = 0x201; /* not even the jump byte */
	assert_int_equal(bootparams_build(zp, 4096, &c), -EINVAL);
	c.setup_len = HDR_END_MODERN - 1; /* one byte short of the header */
	assert_int_equal(bootparams_build(zp, 4096, &c), -EINVAL);
	c.setup = NULL;
	c.setup_len = SETUP_LEN;
	assert_int_equal(bootparams_build(zp, 4096, &c), -EINVAL);

	c = base_cfg();
	c.cmdline_len = 2048; /* cmdline_size is 2047 */
	assert_int_equal(bootparams_build(zp, 4096, &c), -EINVAL);

	c = base_cfg();
	c.initrd_gpa = ~0ULL - 0xfff;
	c.initrd_size = 0x2000;
	assert_int_equal(bootparams_build(zp, 4096, &c), -EINVAL);

	c = base_cfg();
	c.cmdline_gpa = ~0ULL - 10;
	assert_int_equal(bootparams_build(zp, 4096, &c), -EINVAL);

	c = base_cfg();
	c.ram = bad_ram;
	assert_int_equal(bootparams_build(zp, 4096, &c), -EINVAL);
	c.nr_ram = 0;
	assert_int_equal(bootparams_build(zp, 4096, &c), -EINVAL);
	check_untouched();

	/* The limit itself is fine. */
	c = base_cfg();
	c.cmdline_len = 2047;
	assert_int_equal(bootparams_build(zp, 4096, &c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_e820_256m),
	    cmocka_unit_test(test_e820_above_4g),
	    cmocka_unit_test(test_e820_legacy_overlaps),
	    cmocka_unit_test(test_e820_bad_input),
	    cmocka_unit_test(test_e820_max),
	    cmocka_unit_test(test_zeropage),
	    cmocka_unit_test(test_zeropage_above_4g),
	    cmocka_unit_test(test_zeropage_rsdp_protocol),
	    cmocka_unit_test(test_zeropage_no_initrd),
	    cmocka_unit_test(test_zeropage_old_header),
	    cmocka_unit_test(test_zeropage_long_header),
	    cmocka_unit_test(test_zeropage_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
