// SPDX-License-Identifier: MIT
/* test_aml.c - the AML encoder: PkgLength, integers, names, EISAID,
 * resource descriptors, nesting, overflow and misuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "firmware/x86/aml.h"

#define GUARD	   32
#define GUARD_BYTE 0xa5

/* Decode a PkgLength at p: returns the value, stores its size in *n. */
static u32 pkglen_decode(const u8 *p, unsigned int *n)
{
	unsigned int follow = p[0] >> 6;
	u32 v;

	*n = follow + 1;
	if (!follow)
		return p[0] & 0x3f;
	assert_int_equal(p[0] & 0x30, 0); /* reserved bits */
	v = p[0] & 0x0f;
	for (unsigned int i = 1; i <= follow; i++)
		v |= (u32)p[i] << (4 + 8 * (i - 1));
	return v;
}

static void expect_bytes(const struct aml *a, const u8 *want, size_t n)
{
	assert_int_equal(aml_finish(a), (ssize_t)n);
	assert_memory_equal(a->buf, want, n);
}

static void test_pkglen_encode(void **state)
{
	static const struct {
		u32 len;
		unsigned int n;
		u8 b[4];
	} cases[] = {
	    {1, 1, {0x01}},
	    {63, 1, {0x3f}},
	    {64, 2, {0x40, 0x04}},
	    {0x123, 2, {0x43, 0x12}},
	    {4095, 2, {0x4f, 0xff}},
	    {4096, 3, {0x80, 0x00, 0x01}},
	    {0xfffff, 3, {0x8f, 0xff, 0xff}},
	    {0x100000, 4, {0xc0, 0x00, 0x00, 0x01}}, /* 1 MiB */
	    {0x0fffffff, 4, {0xcf, 0xff, 0xff, 0xff}},
	};
	u8 out[4];
	unsigned int n;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(out, 0xee, sizeof(out));
		assert_int_equal(aml_pkglen_encode(cases[i].len, out), cases[i].n);
		assert_memory_equal(out, cases[i].b, cases[i].n);
		assert_int_equal(pkglen_decode(out, &n), cases[i].len);
		assert_int_equal(n, cases[i].n);
	}
	assert_int_equal(aml_pkglen_encode(0, out), 0);
	assert_int_equal(aml_pkglen_encode(0x10000000, out), 0);
}

/*
 * A Scope with `content` bytes after its PkgLength: "\" NullName plus raw
 * filler. Its PkgLength must count itself, with the smallest encoding.
 */
static void check_scope_content(size_t content, unsigned int want_n)
{
	size_t filler = content - 2, total;
	u8 *buf = malloc(content + 16 + GUARD);
	u8 *fill = malloc(filler);
	unsigned int n;
	struct aml a;

	assert_non_null(buf);
	assert_non_null(fill);
	for (size_t i = 0; i < filler; i++)
		fill[i] = (u8)(i * 7 + 1);
	total = 1 + want_n + content;
	memset(buf, GUARD_BYTE, total + GUARD);

	/* Exactly the final size must be enough: no slack for reservations. */
	aml_init(&a, buf, total);
	aml_scope_begin(&a, "\\");
	aml_bytes(&a, fill, filler);
	aml_end(&a);
	assert_int_equal(aml_finish(&a), (ssize_t)total);
	assert_int_equal(buf[0], AML_SCOPE_OP);
	assert_int_equal(pkglen_decode(buf + 1, &n), want_n + content);
	assert_int_equal(n, want_n);
	assert_int_equal(buf[1 + n], '\\');
	assert_int_equal(buf[2 + n], 0);
	assert_memory_equal(buf + 3 + n, fill, filler);
	for (size_t i = total; i < total + GUARD; i++)
		assert_int_equal(buf[i], GUARD_BYTE);

	/* One byte less overflows, without writing past the end. */
	memset(buf, GUARD_BYTE, total + GUARD);
	aml_init(&a, buf, total - 1);
	aml_scope_begin(&a, "\\");
	aml_bytes(&a, fill, filler);
	aml_end(&a);
	assert_int_equal(aml_finish(&a), -ENOSPC);
	assert_int_equal(a.pos, total);
	for (size_t i = total - 1; i < total + GUARD; i++)
		assert_int_equal(buf[i], GUARD_BYTE);
	free(fill);
	free(buf);
}

static void test_pkglen_self_inclusion(void **state)
{
	(void)state;
	check_scope_content(2, 1);
	check_scope_content(62, 1);	     /* 62 + 1 = 63: one byte */
	check_scope_content(63, 2);	     /* 63 + 1 = 64 does not fit one byte */
	check_scope_content(4093, 2);	     /* 4095 */
	check_scope_content(4094, 3);	     /* 4096 needs three */
	check_scope_content(0xfffff - 3, 3); /* 1 MiB - 1 */
	check_scope_content(0xfffff - 2, 4); /* 1 MiB needs four */
}

/* An inner object growing its PkgLength shifts the outer content. */
static void test_nested_growth(void **state)
{
	static u8 buf[512], fill[100];
	unsigned int n1, n2;
	u32 outer, inner;
	struct aml a;
	(void)state;

	memset(fill, 0x5a, sizeof(fill));
	aml_init(&a, buf, sizeof(buf));
	aml_scope_begin(&a, "_SB");
	aml_buffer_begin(&a);
	aml_bytes(&a, fill, sizeof(fill));
	aml_end(&a);
	aml_byte(&a, 0x77);
	aml_end(&a);
	/* Buffer: 0x11, PkgLength(2) + BytePrefix 100 (2) + 100 = 104;
	 * Scope: PkgLength(2) + "_SB_" + 1 + 104 + 1 = 112. */
	assert_int_equal(aml_finish(&a), 1 + 112);
	outer = pkglen_decode(buf + 1, &n1);
	assert_int_equal(outer, 112);
	assert_int_equal(n1, 2);
	assert_memory_equal(buf + 3, "_SB_", 4);
	assert_int_equal(buf[7], AML_BUFFER_OP);
	inner = pkglen_decode(buf + 8, &n2);
	assert_int_equal(inner, 104);
	assert_int_equal(n2, 2);
	assert_int_equal(buf[10], AML_BYTE_PREFIX);
	assert_int_equal(buf[11], 100);
	assert_memory_equal(buf + 12, fill, sizeof(fill));
	assert_int_equal(buf[112], 0x77);
}

static void test_integers(void **state)
{
	static const struct {
		u64 v;
		unsigned int n;
		u8 b[9];
	} cases[] = {
	    {0, 1, {0x00}},
	    {1, 1, {0x01}},
	    {2, 2, {0x0a, 0x02}},
	    {0xff, 2, {0x0a, 0xff}},
	    {0x100, 3, {0x0b, 0x00, 0x01}},
	    {0xffff, 3, {0x0b, 0xff, 0xff}},
	    {0x10000, 5, {0x0c, 0x00, 0x00, 0x01, 0x00}},
	    {0xffffffff, 5, {0x0c, 0xff, 0xff, 0xff, 0xff}},
	    {0x100000000ULL, 9, {0x0e, 0, 0, 0, 0, 1, 0, 0, 0}},
	    {0x0123456789abcdefULL, 9, {0x0e, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01}},
	};
	u8 buf[16];
	struct aml a;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		aml_init(&a, buf, sizeof(buf));
		aml_integer(&a, cases[i].v);
		expect_bytes(&a, cases[i].b, cases[i].n);
	}
}

static void test_namesegs(void **state)
{
	static const char *const bad[] = {"", "ABCDE", "1ABC", "ab", "A-B", "A.B"};
	u8 buf[16];
	struct aml a;
	(void)state;

	aml_init(&a, buf, sizeof(buf));
	aml_nameseg(&a, "_HID");
	aml_nameseg(&a, "PCI");
	aml_nameseg(&a, "A");
	aml_nameseg(&a, "S5");
	expect_bytes(&a, (const u8 *)"_HIDPCI_A___S5__", 16);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		aml_init(&a, buf, sizeof(buf));
		aml_nameseg(&a, bad[i]);
		assert_int_equal(aml_finish(&a), -EINVAL);
		assert_int_equal(a.pos, 0); /* nothing emitted */
	}
}

static void test_namepaths(void **state)
{
	static const struct {
		const char *path;
		const char *want;
		size_t n;
	} cases[] = {
	    {"\\", "\\\0", 2},
	    {"\\_SB", "\\_SB_", 5},
	    {"_SB.PCI0", "\x2e_SB_PCI0", 9},
	    {"\\_SB.PCI0", "\\\x2e_SB_PCI0", 10},
	    {"\\_SB.PCI0.COM1", "\\\x2f\x03_SB_PCI0COM1", 15},
	    {"^^FOO", "^^FOO_", 6},
	    {"^", "^\0", 2},
	};
	static const char *const bad[] = {"",	  "\\_SB.",    ".A",	  "\\_SB..X",
					  "\\^A", "A.TOOLONG", "\\\\_SB", "_sb"};
	u8 buf[32];
	struct aml a;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		aml_init(&a, buf, sizeof(buf));
		aml_namestring(&a, cases[i].path);
		expect_bytes(&a, (const u8 *)cases[i].want, cases[i].n);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		aml_init(&a, buf, sizeof(buf));
		aml_namestring(&a, bad[i]);
		assert_int_equal(aml_finish(&a), -EINVAL);
		assert_int_equal(a.pos, 0);
	}
}

static void test_eisaid(void **state)
{
	static const char *const bad[] = {"pnp0a03", "PNP0A0",	"PNP0A03X",
					  "PNP0A0G", "PNP0a03", "P1P0A03"};
	static const u8 want[] = {0x0c, 0x41, 0xd0, 0x05, 0x01};
	u8 buf[8];
	struct aml a;
	u32 v;
	(void)state;

	assert_int_equal(aml_eisaid_value("PNP0A03", &v), 0);
	assert_int_equal(v, 0x030AD041);
	assert_int_equal(aml_eisaid_value("QEM0001", &v), 0);
	assert_int_equal(v, 0x0100AD44);
	aml_init(&a, buf, sizeof(buf));
	aml_eisaid(&a, "PNP0501");
	expect_bytes(&a, want, sizeof(want));

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(aml_eisaid_value(bad[i], &v), -EINVAL);
		aml_init(&a, buf, sizeof(buf));
		aml_eisaid(&a, bad[i]);
		assert_int_equal(aml_finish(&a), -EINVAL);
	}
}

static void test_strings_names_packages(void **state)
{
	/* Name (\P, Package (0x02) { "abc", 0x100000000 }) */
	static const u8 want[] = {0x08, '\\', 'P',  '_', '_', '_', 0x12, 0x10, 0x02, 0x0d, 'a', 'b',
				  'c',	0x00, 0x0e, 0,	 0,   0,   0,	 1,    0,    0,	   0};
	char high[] = "x\x80";
	u8 buf[32];
	struct aml a;
	(void)state;

	aml_init(&a, buf, sizeof(buf));
	aml_name(&a, "\\P");
	aml_package_begin(&a, 2);
	aml_string(&a, "abc");
	aml_integer(&a, 0x100000000ULL);
	aml_end(&a);
	expect_bytes(&a, want, sizeof(want));

	aml_init(&a, buf, sizeof(buf));
	aml_string(&a, high);
	assert_int_equal(aml_finish(&a), -EINVAL);

	aml_init(&a, buf, sizeof(buf));
	aml_package_begin(&a, 256); /* needs a VarPackage */
	aml_end(&a);
	assert_int_equal(aml_finish(&a), -EINVAL);
}

static void test_method_device(void **state)
{
	/* Device (\_SB.X) { Method (_STA, 0, Serialized) { Return (0x0F) } } */
	static const u8 want[] = {0x5b, 0x82, 0x15, '\\', 0x2e, '_',  'S',  'B',
				  '_',	'X',  '_',  '_',  '_',	0x14, 0x09, '_',
				  'S',	'T',  'A',  0x08, 0xa4, 0x0a, 0x0f};
	u8 buf[32];
	struct aml a;
	(void)state;

	aml_init(&a, buf, sizeof(buf));
	aml_device_begin(&a, "\\_SB.X");
	aml_method_begin(&a, "_STA", 0, true);
	aml_byte(&a, AML_RETURN_OP);
	aml_integer(&a, 0x0f);
	aml_end(&a);
	aml_end(&a);
	expect_bytes(&a, want, sizeof(want));

	aml_init(&a, buf, sizeof(buf));
	aml_method_begin(&a, "FOO", 8, false);
	aml_end(&a);
	assert_int_equal(aml_finish(&a), -EINVAL);
}

static void test_hotplug_terms(void **state)
{
	/* OperationRegion (PCST, SystemIO, 0xAE00, 0x0C) */
	static const u8 region[] = {0x5b, 0x80, 'P',  'C',  'S',  'T',
				    0x01, 0x0b, 0x00, 0xae, 0x0a, 0x0c};
	/* Field (PCST, DWordAcc, NoLock, Preserve) { PCIU, 32, B0EJ, 8 } */
	static const u8 field[] = {0x5b, 0x81, 0x10, 'P',  'C', 'S', 'T', 0x03, 'P',
				   'C',	 'I',  'U',  0x20, 'B', '0', 'E', 'J',	0x08};
	/* If (And (Local1, 0x40, Zero)) { Notify (S06, 0x03) } */
	static const u8 cond[] = {0xa0, 0x0d, 0x7b, 0x61, 0x0a, 0x40, 0x00,
				  0x86, 'S',  '0',  '6',  '_',	0x0a, 0x03};
	/* Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { 20 } */
	static const u8 irq[] = {0x89, 0x06, 0x00, 0x03, 0x01, 0x14, 0x00, 0x00, 0x00};
	static const u8 irq_level_low[] = {0x89, 0x06, 0x00, 0x05, 0x01, 0x05, 0x00, 0x00, 0x00};
	u8 buf[64];
	struct aml a;
	(void)state;

	aml_init(&a, buf, sizeof(buf));
	aml_opregion(&a, "PCST", AML_SPACE_SYSTEM_IO, 0xae00, 12);
	expect_bytes(&a, region, sizeof(region));

	aml_init(&a, buf, sizeof(buf));
	aml_field_begin(&a, "PCST", AML_FIELD_DWORD_ACC);
	aml_field_unit(&a, "PCIU", 32);
	aml_field_unit(&a, "B0EJ", 8);
	aml_end(&a);
	expect_bytes(&a, field, sizeof(field));

	aml_init(&a, buf, sizeof(buf));
	aml_if_begin(&a);
	aml_byte(&a, AML_AND_OP);
	aml_byte(&a, AML_LOCAL0_OP + 1);
	aml_integer(&a, 0x40);
	aml_byte(&a, AML_NULL_NAME);
	aml_notify(&a, "S06", 3);
	aml_end(&a);
	expect_bytes(&a, cond, sizeof(cond));

	aml_init(&a, buf, sizeof(buf));
	aml_res_interrupt(&a, 20, true, false);
	expect_bytes(&a, irq, sizeof(irq));
	aml_init(&a, buf, sizeof(buf));
	aml_res_interrupt(&a, 5, false, true);
	expect_bytes(&a, irq_level_low, sizeof(irq_level_low));

	/* A field unit of 0 or 64+ bits, a bad unit name or region name. */
	aml_init(&a, buf, sizeof(buf));
	aml_field_unit(&a, "PCIU", 0);
	assert_int_equal(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_field_unit(&a, "PCIU", 64);
	assert_int_equal(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_field_unit(&a, "1BAD", 8);
	assert_int_equal(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_opregion(&a, "", AML_SPACE_SYSTEM_IO, 0, 1);
	assert_int_equal(aml_finish(&a), -EINVAL);
	/* An If left open. */
	aml_init(&a, buf, sizeof(buf));
	aml_if_begin(&a);
	assert_int_equal(aml_finish(&a), -EINVAL);
}

static void test_restemplate(void **state)
{
	/* ResourceTemplate () { IO (Decode16, 0x3F8, 0x3F8, 1, 8) IRQNoFlags () {4} } */
	static const u8 want[] = {0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01, 0xf8, 0x03, 0xf8,
				  0x03, 0x01, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00};
	static const u8 empty[] = {0x11, 0x05, 0x0a, 0x02, 0x79, 0x00};
	u8 buf[32];
	struct aml a;
	(void)state;

	aml_init(&a, buf, sizeof(buf));
	aml_restemplate_begin(&a);
	aml_res_io(&a, 0x3f8, 0x3f8, 1, 8);
	aml_res_irq_noflags(&a, 4);
	aml_restemplate_end(&a);
	expect_bytes(&a, want, sizeof(want));
	/* The last two bytes are the end tag with a zero checksum. */
	assert_int_equal(buf[sizeof(want) - 2], AML_RES_END_TAG);
	assert_int_equal(buf[sizeof(want) - 1], 0);

	aml_init(&a, buf, sizeof(buf));
	aml_restemplate_begin(&a);
	aml_restemplate_end(&a);
	expect_bytes(&a, empty, sizeof(empty));

	/* The end of a template that is not the innermost open object. */
	aml_init(&a, buf, sizeof(buf));
	aml_package_begin(&a, 1);
	aml_restemplate_end(&a);
	assert_true(a.invalid);

	aml_init(&a, buf, sizeof(buf));
	aml_restemplate_end(&a);
	assert_int_equal(aml_finish(&a), -EINVAL);
}

static void test_address_descriptors(void **state)
{
	static const u8 bus[] = {0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0x00, 0x00,
				 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x01};
	static const u8 io[] = {0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0x00, 0x00,
				0x00, 0x0d, 0xff, 0xff, 0x00, 0x00, 0x00, 0xf3};
	static const u8 dword[] = {0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0,    0,	   0,
				   0,	 0x00, 0x00, 0x00, 0xc0, 0xff, 0xff, 0xbf, 0xfe,
				   0,	 0,    0,    0,	   0x00, 0x00, 0xc0, 0x3e};
	static const u8 qword_head[] = {0x8a, 0x2b, 0x00, 0x00, 0x0c, 0x07};
	u8 buf[64];
	struct aml a;
	(void)state;

	aml_init(&a, buf, sizeof(buf));
	aml_res_word_bus(&a, 0, 0xff);
	expect_bytes(&a, bus, sizeof(bus));

	aml_init(&a, buf, sizeof(buf));
	aml_res_word_io(&a, 0x0d00, 0xffff);
	expect_bytes(&a, io, sizeof(io));

	aml_init(&a, buf, sizeof(buf));
	aml_res_dword_mem(&a, 0xc0000000, 0xfebfffff, AML_MEM_NONCACHEABLE, true);
	expect_bytes(&a, dword, sizeof(dword));

	aml_init(&a, buf, sizeof(buf));
	aml_res_qword_mem(&a, 0x8000000000ULL, 0xffffffffffULL, AML_MEM_PREFETCHABLE, true);
	assert_int_equal(aml_finish(&a), 46);
	assert_memory_equal(buf, qword_head, sizeof(qword_head));
	assert_int_equal(get_le64(buf + 6), 0);		       /* granularity */
	assert_int_equal(get_le64(buf + 14), 0x8000000000ULL); /* min */
	assert_int_equal(get_le64(buf + 22), 0xffffffffffULL); /* max */
	assert_int_equal(get_le64(buf + 30), 0);	       /* translation */
	assert_int_equal(get_le64(buf + 38), 0x8000000000ULL); /* length */

	/* min > max, lengths that do not fit the field, bad IRQ or type */
	aml_init(&a, buf, sizeof(buf));
	aml_res_word_io(&a, 0x10, 0x0f);
	assert_int_equal(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_res_word_io(&a, 0, 0xffff);
	assert_int_equal(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_res_qword_mem(&a, 0, ~0ULL, AML_MEM_CACHEABLE, true);
	assert_int_equal(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_res_dword_mem(&a, 0, 0xfff, 4, true);
	assert_int_equal(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_res_io(&a, 0x400, 0x3ff, 1, 1);
	assert_int_equal(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_res_irq_noflags(&a, 16);
	assert_int_equal(aml_finish(&a), -EINVAL);
}

/* A representative nested block, for the overflow tests. */
static void build_sample(struct aml *a)
{
	aml_name(a, "\\_S5_");
	aml_package_begin(a, 4);
	for (int i = 0; i < 4; i++)
		aml_integer(a, (u64)i * 0x3000);
	aml_end(a);
	aml_scope_begin(a, "\\_SB");
	aml_device_begin(a, "COM1");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0501");
	aml_name(a, "_CRS");
	aml_restemplate_begin(a);
	aml_res_io(a, 0x3f8, 0x3f8, 1, 8);
	aml_res_irq_noflags(a, 4);
	aml_res_qword_mem(a, 1ULL << 40, (1ULL << 41) - 1, AML_MEM_NONCACHEABLE, true);
	aml_restemplate_end(a);
	aml_name(a, "_PRT");
	aml_package_begin(a, 40);
	for (int i = 0; i < 40; i++) {
		aml_package_begin(a, 2);
		aml_integer(a, (u64)i << 16 | 0xffff);
		aml_string(a, "PADDING");
		aml_end(a);
	}
	aml_end(a);
	aml_end(a);
	aml_end(a);
}

static void test_overflow_guard(void **state)
{
	u8 ref[2048], buf[2048 + GUARD];
	struct aml a;
	ssize_t size;
	(void)state;

	/* Measure with no buffer, then build for real. */
	aml_init(&a, NULL, 0);
	build_sample(&a);
	assert_int_equal(aml_finish(&a), -ENOSPC);
	size = (ssize_t)a.pos;
	assert_true(size > 200 && size < (ssize_t)sizeof(ref));
	aml_init(&a, ref, sizeof(ref));
	build_sample(&a);
	assert_int_equal(aml_finish(&a), size);

	for (ssize_t len = 0; len <= size; len++) {
		memset(buf, GUARD_BYTE, sizeof(buf));
		aml_init(&a, buf, (size_t)len);
		build_sample(&a);
		assert_int_equal(a.pos, (size_t)size);
		if (len == size) {
			assert_int_equal(aml_finish(&a), size);
			assert_memory_equal(buf, ref, (size_t)size);
		} else {
			assert_int_equal(aml_finish(&a), -ENOSPC);
		}
		for (size_t i = (size_t)len; i < sizeof(buf); i++)
			assert_int_equal(buf[i], GUARD_BYTE);
	}
}

static void test_misuse(void **state)
{
	u8 buf[256];
	struct aml a;
	(void)state;

	/* aml_end() with nothing open */
	aml_init(&a, buf, sizeof(buf));
	aml_end(&a);
	assert_int_equal(aml_finish(&a), -EINVAL);

	/* an object left open */
	aml_init(&a, buf, sizeof(buf));
	aml_scope_begin(&a, "\\");
	assert_int_equal(aml_finish(&a), -EINVAL);

	/* nesting deeper than AML_MAX_DEPTH, even when closed properly */
	aml_init(&a, buf, sizeof(buf));
	for (int i = 0; i <= AML_MAX_DEPTH; i++)
		aml_package_begin(&a, 1);
	for (int i = 0; i <= AML_MAX_DEPTH; i++)
		aml_end(&a);
	assert_int_equal(a.depth, 0);
	assert_int_equal(aml_finish(&a), -EINVAL);

	/* exactly AML_MAX_DEPTH is fine */
	aml_init(&a, buf, sizeof(buf));
	for (int i = 0; i < AML_MAX_DEPTH; i++)
		aml_package_begin(&a, 1);
	for (int i = 0; i < AML_MAX_DEPTH; i++)
		aml_end(&a);
	assert_true(aml_finish(&a) > 0);

	/* misuse wins over overflow */
	aml_init(&a, buf, 1);
	aml_integer(&a, 0x1234);
	aml_nameseg(&a, "bad");
	assert_int_equal(aml_finish(&a), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pkglen_encode),
	    cmocka_unit_test(test_pkglen_self_inclusion),
	    cmocka_unit_test(test_nested_growth),
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_namesegs),
	    cmocka_unit_test(test_namepaths),
	    cmocka_unit_test(test_eisaid),
	    cmocka_unit_test(test_strings_names_packages),
	    cmocka_unit_test(test_method_device),
	    cmocka_unit_test(test_restemplate),
	    cmocka_unit_test(test_address_descriptors),
	    cmocka_unit_test(test_overflow_guard),
	    cmocka_unit_test(test_misuse),
	    cmocka_unit_test(test_hotplug_terms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
