// SPDX-License-Identifier: MIT
/* test_vmlinux.c - ELF kernel parser and kernel_image_parse()'s format dispatch,
 * against synthetic files, every rejection included. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/fake_bzimage.h"
#include "tests/fake_vmlinux.h"

#include <stdlib.h>
#include <string.h>

#include "vmm/arch/x86/kernel_image.h"
#include "arch/layout.h"
#include "vmm/arch/x86/vmlinux.h"

#define CAP (64 * 1024)
#define RAM (256 * MiB)
#define KVA 0xffffffff81000000ULL /* __START_KERNEL_map + 16 MiB */

static u8 *img;
static size_t len;

/* Like a real vmlinux: text (R-X, virtual high), data, per-CPU (vaddr 0),
 * init + bss (memsz > filesz); entry at the physical start of text. */
static const struct fake_seg kernel_segs[] = {
    {.flags = PF_R | PF_X, .paddr = 0x1000000, .vaddr = KVA, .filesz = 0x800, .memsz = 0x800},
    {.flags = PF_R | PF_W,
     .paddr = 0x1200000,
     .vaddr = KVA + 0x200000,
     .filesz = 0x400,
     .memsz = 0x400},
    {.type = PT_NOTE, .flags = PF_R, .paddr = 0x1000100, .filesz = 0x20, .memsz = 0x20},
    {.flags = PF_R | PF_W, .paddr = 0x1400000, .vaddr = 0, .filesz = 0x100, .memsz = 0x100},
    {.flags = PF_R | PF_W | PF_X,
     .paddr = 0x1600000,
     .vaddr = KVA + 0x600000,
     .filesz = 0x200,
     .memsz = 0x300000},
};

static void build(u64 entry, const struct fake_seg *s, unsigned int n)
{
	len = fake_vmlinux(img, CAP, entry, s, n);
	assert_true(len > 0);
}

static int setup(void **state UNUSED)
{
	img = malloc(CAP);
	return img ? 0 : -1;
}

static int teardown(void **state UNUSED)
{
	free(img);
	return 0;
}

static void expect_reject(int err, const char *needle)
{
	struct kernel_image k;
	const char *why = NULL;

	assert_int_equal(vmlinux_parse(img, len, len, RAM, &k, &why), err);
	assert_non_null(why);
	if (!strstr(why, needle))
		fail_msg("reason \"%s\" does not contain \"%s\"", why, needle);
	/* kernel_image_parse sends an ELF file here and says the same */
	assert_int_equal(kernel_image_parse(img, len, len, RAM, &k, &why), err);
	assert_non_null(strstr(why, needle));
}

static void test_kernel_like(void **state UNUSED)
{
	struct kernel_image k;
	const char *why = "x";

	build(0x1000000, kernel_segs, ARRAY_SIZE(kernel_segs));
	assert_int_equal(vmlinux_parse(img, len, len, RAM, &k, &why), 0);
	assert_null(why);
	assert_int_equal(k.format, KERNEL_VMLINUX);
	assert_string_equal(kernel_image_format_name(k.format), "vmlinux");
	assert_int_equal(k.nr_seg, 4); /* the note is not loaded */
	assert_int_equal(k.seg[0].gpa, 0x1000000);
	assert_int_equal(k.seg[3].gpa, 0x1600000);
	assert_int_equal(k.seg[3].filesz, 0x200);
	assert_int_equal(k.seg[3].memsz, 0x300000);
	assert_int_equal(k.seg[0].offset, FAKE_ELF_DATA);
	assert_int_equal(k.seg[1].offset, FAKE_ELF_DATA + 0x800);
	assert_int_equal(k.entry, 0x1000000);
	assert_int_equal(k.kernel_end, 0x1900000);
	assert_int_equal(k.cmdline_size, KERNEL_ELF_CMDLINE_SIZE);
	assert_int_equal(k.initrd_addr_max, KERNEL_ELF_INITRD_ADDR_MAX);
	assert_null(k.setup);
	/* trailing bytes (section headers, relocations) are ignored */
	assert_int_equal(vmlinux_parse(img, CAP, CAP, RAM, &k, &why), 0);
}

static void test_entry(void **state UNUSED)
{
	struct kernel_image k;
	const char *why;

	/* a virtual entry point is translated through its segment */
	build(KVA + 0x40, kernel_segs, ARRAY_SIZE(kernel_segs));
	assert_int_equal(vmlinux_parse(img, len, len, RAM, &k, &why), 0);
	assert_int_equal(k.entry, 0x1000040);
	/* in the last executable segment's file bytes */
	build(0x16001ff, kernel_segs, ARRAY_SIZE(kernel_segs));
	assert_int_equal(vmlinux_parse(img, len, len, RAM, &k, &why), 0);
	assert_int_equal(k.entry, 0x16001ff);
	/* not executable, past the file bytes, nowhere */
	build(0x1200000, kernel_segs, ARRAY_SIZE(kernel_segs));
	expect_reject(-EINVAL, "entry point 0x1200000 is not inside an executable segment");
	build(0x1600200, kernel_segs, ARRAY_SIZE(kernel_segs));
	expect_reject(-EINVAL, "not inside an executable segment");
	build(0, kernel_segs, ARRAY_SIZE(kernel_segs));
	expect_reject(-EINVAL, "entry point 0x0");
}

static void test_segments_sorted(void **state UNUSED)
{
	const struct fake_seg s[] = {
	    {.flags = PF_R | PF_W, .paddr = 0x3000000, .filesz = 16, .memsz = 32},
	    {.flags = PF_R | PF_X, .paddr = 0x1000000, .filesz = 16, .memsz = 16},
	    {.flags = PF_R, .paddr = 0x2000000, .filesz = 0, .memsz = 0}, /* empty: skipped */
	    {.flags = PF_R | PF_W, .paddr = 0x2000000, .filesz = 0, .memsz = 0x1000}, /* bss only */
	};
	struct kernel_image k;
	const char *why;

	build(0x1000000, s, ARRAY_SIZE(s));
	assert_int_equal(vmlinux_parse(img, len, len, RAM, &k, &why), 0);
	assert_int_equal(k.nr_seg, 3);
	assert_int_equal(k.seg[0].gpa, 0x1000000);
	assert_int_equal(k.seg[1].gpa, 0x2000000);
	assert_int_equal(k.seg[1].filesz, 0);
	assert_int_equal(k.seg[2].gpa, 0x3000000);
	assert_int_equal(k.kernel_end, 0x3000020);
}

static void test_bad_segments(void **state UNUSED)
{
	struct fake_seg s[3] = {
	    {.flags = PF_R | PF_X, .paddr = 0x1000000, .filesz = 0x100, .memsz = 0x100},
	    {.flags = PF_R | PF_W, .paddr = 0x2000000, .filesz = 0x100, .memsz = 0x1000},
	};

	/* overlapping, in either order */
	s[1].paddr = 0x10000ff;
	build(0x1000000, s, 2);
	expect_reject(-EINVAL, "overlaps another");
	s[1].paddr = 0xfff100; /* ends 0x100 into segment 0 */
	build(0x1000000, s, 2);
	expect_reject(-EINVAL, "overlaps another");
	s[1].paddr = 0x2000000;
	/* more file bytes than memory */
	s[1].memsz = 0x80;
	build(0x1000000, s, 2);
	expect_reject(-EINVAL, "more file bytes (256) than memory (128)");
	s[1].memsz = 0x1000;
	/* below 1 MiB, where the zero page and page tables are */
	s[1].paddr = 0x9000;
	build(0x1000000, s, 2);
	expect_reject(-EINVAL, "below 1 MiB");
	/* past the guest's RAM, past the MMIO hole, wrapping around */
	s[1].paddr = RAM - 0x800;
	build(0x1000000, s, 2);
	expect_reject(-ENOMEM, "needs RAM up to 257 MiB (its segments end at 0x10000800)");
	expect_reject(-ENOMEM, "use a bigger --mem");
	struct kernel_image k;
	const char *why;
	assert_int_equal(vmlinux_parse(img, len, len, 8 * GiB, &k, &why), 0);
	s[1].paddr = MMIO_HOLE_START - 0x800;
	build(0x1000000, s, 2);
	assert_int_equal(vmlinux_parse(img, len, len, 8 * GiB, &k, &why), -ENOMEM);
	assert_non_null(strstr(why, "below the MMIO hole"));
	s[1].paddr = ~0ULL - 0x10;
	build(0x1000000, s, 2);
	expect_reject(-EINVAL, "wraps around the address space");
	s[1].paddr = 0x2000000;
	/* file bytes past the end of the file */
	build(0x1000000, s, 2);
	len -= 1;
	expect_reject(-EINVAL, "truncated: the segment at 0x2000000");
	put_le64(img + sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + offsetof(Elf64_Phdr, p_offset),
		 ~0ULL - 4);
	expect_reject(-EINVAL, "truncated");
	/* no loadable segment at all */
	s[0].type = s[1].type = PT_NOTE;
	build(0x1000000, s, 2);
	expect_reject(-EINVAL, "no loadable segment");
	/* an interpreter: a program, not a kernel */
	s[0].type = 0;
	s[1].type = PT_INTERP;
	build(0x1000000, s, 2);
	expect_reject(-EINVAL, "dynamically linked ELF program");
}

static void test_too_many_segments(void **state UNUSED)
{
	struct fake_seg s[KERNEL_MAX_SEGMENTS + 1];

	memset(s, 0, sizeof(s));
	for (unsigned int i = 0; i < ARRAY_SIZE(s); i++)
		s[i] = (struct fake_seg){.flags = PF_R | PF_X,
					 .paddr = 0x1000000 + i * 0x1000,
					 .filesz = 16,
					 .memsz = 16};
	build(0x1000000, s, KERNEL_MAX_SEGMENTS);
	struct kernel_image k;
	const char *why;
	assert_int_equal(vmlinux_parse(img, len, len, RAM, &k, &why), 0);
	assert_int_equal(k.nr_seg, KERNEL_MAX_SEGMENTS);
	build(0x1000000, s, ARRAY_SIZE(s));
	expect_reject(-EINVAL, "more than 16 loadable segments");
}

static void test_bad_headers(void **state UNUSED)
{
	build(0x1000000, kernel_segs, ARRAY_SIZE(kernel_segs));
	const size_t good = len;

	len = 40;
	expect_reject(-EINVAL, "truncated ELF file (40 bytes");
	len = good;
	img[EI_CLASS] = ELFCLASS32;
	expect_reject(-EINVAL, "a 32-bit ELF file");
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = ELFDATA2MSB;
	expect_reject(-EINVAL, "big-endian");
	img[EI_DATA] = ELFDATA2LSB;
	put_le16(img + offsetof(Elf64_Ehdr, e_machine), EM_AARCH64);
	expect_reject(-EINVAL, "for machine 183, not x86_64");
	put_le16(img + offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
	put_le16(img + offsetof(Elf64_Ehdr, e_type), ET_DYN);
	expect_reject(-EINVAL, "shared object or PIE");
	put_le16(img + offsetof(Elf64_Ehdr, e_type), ET_REL);
	expect_reject(-EINVAL, "object file (.o or .ko)");
	put_le16(img + offsetof(Elf64_Ehdr, e_type), ET_CORE);
	expect_reject(-EINVAL, "of type 4");
	put_le16(img + offsetof(Elf64_Ehdr, e_type), ET_EXEC);
	put_le16(img + offsetof(Elf64_Ehdr, e_phentsize), 32);
	expect_reject(-EINVAL, "program headers of 32 bytes");
	put_le16(img + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr));
	put_le16(img + offsetof(Elf64_Ehdr, e_phnum), 0);
	expect_reject(-EINVAL, "without program headers");
	put_le16(img + offsetof(Elf64_Ehdr, e_phnum), VMLINUX_MAX_PHDRS + 1);
	expect_reject(-EINVAL, "65 ELF program headers");
	put_le16(img + offsetof(Elf64_Ehdr, e_phnum), ARRAY_SIZE(kernel_segs));
	put_le64(img + offsetof(Elf64_Ehdr, e_phoff), good - 8);
	expect_reject(-EINVAL, "program headers end past the end of the file");
	put_le64(img + offsetof(Elf64_Ehdr, e_phoff), ~0ULL - 8);
	expect_reject(-EINVAL, "program headers end past the end of the file");
	memcpy(img, "\177ELX", 4);
	struct kernel_image k;
	const char *why;
	assert_int_equal(vmlinux_parse(img, len, len, RAM, &k, &why), -EINVAL);
	assert_string_equal(why, "not an ELF file");
}

/* Every byte of the headers set to a few bad values: never a crash, never
 * an accepted kernel whose segments or entry lie outside the rules. */
static void test_mutations(void **state UNUSED)
{
	static const u8 vals[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
	const size_t hdr_len = sizeof(Elf64_Ehdr) + ARRAY_SIZE(kernel_segs) * sizeof(Elf64_Phdr);
	unsigned int accepted = 0;

	build(0x1000000, kernel_segs, ARRAY_SIZE(kernel_segs));
	for (size_t i = 0; i < hdr_len; i++) {
		for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
			struct kernel_image k;
			const char *why;
			u8 old = img[i];

			img[i] = vals[v];
			if (vmlinux_parse(img, len, len, RAM, &k, &why) == 0) {
				accepted++;
				assert_true(k.nr_seg >= 1 && k.nr_seg <= KERNEL_MAX_SEGMENTS);
				for (unsigned int s = 0; s < k.nr_seg; s++) {
					assert_true(k.seg[s].gpa >= KERNEL_LOAD_GPA);
					assert_true(k.seg[s].gpa + k.seg[s].memsz <= RAM);
					assert_true(k.seg[s].filesz <= k.seg[s].memsz);
					assert_true(k.seg[s].offset + k.seg[s].filesz <= len);
					if (s > 0)
						assert_true(k.seg[s - 1].gpa + k.seg[s - 1].memsz <=
							    k.seg[s].gpa);
				}
				assert_true(k.entry >= k.seg[0].gpa && k.entry < k.kernel_end);
			} else {
				assert_non_null(why);
			}
			img[i] = old;
		}
	}
	assert_true(accepted > 0); /* padding and flag bytes do not matter */
}

/* A minimal 2.15 bzImage: 5 setup sectors, a 4 KiB payload (free it). */
static u8 *make_bz(void)
{
	u8 *bz = calloc(1, 5 * 512 + 4096);

	assert_non_null(bz);
	fake_bzimage_header(bz, &(struct fake_bz){.setup_sects = 4,
						  .payload_len = 4096,
						  .cmdline_size = 255,
						  .init_size = 0x100000,
						  .xloadflags = XLF_KERNEL_64});
	return bz;
}

static void test_kernel_parse_dispatch(void **state UNUSED)
{
	struct kernel_image k;
	const char *why;
	u8 *bz = make_bz();

	assert_int_equal(kernel_image_parse(bz, 5 * 512 + 4096, 5 * 512 + 4096, RAM, &k, &why), 0);
	assert_int_equal(k.format, KERNEL_BZIMAGE);
	assert_string_equal(kernel_image_format_name(k.format), "bzImage");
	assert_int_equal(k.nr_seg, 1);
	assert_int_equal(k.seg[0].gpa, KERNEL_LOAD_GPA);
	assert_int_equal(k.seg[0].offset, 5 * 512);
	assert_int_equal(k.seg[0].filesz, 4096);
	assert_int_equal(k.entry, KERNEL_LOAD_GPA + 0x200);
	assert_int_equal(k.kernel_end, 0x1000000 + 0x100000); /* pref_address + init_size */
	assert_int_equal(k.cmdline_size, 255);
	assert_ptr_equal(k.setup, bz);
	assert_int_equal(k.protocol, 0x20f);
	/* neither format */
	memset(bz, 0, 512);
	assert_int_equal(kernel_image_parse(bz, 5 * 512 + 4096, 5 * 512 + 4096, RAM, &k, &why),
			 -EINVAL);
	assert_non_null(strstr(why, "not a bzImage"));
	assert_int_equal(kernel_image_parse(bz, 0, 0, RAM, &k, &why), -EINVAL);
	free(bz);
}

/* Only the file's first bytes in the buffer: enough for the headers; the
 * segments are checked against the file's length. */
static void test_prefix(void **state UNUSED)
{
	struct kernel_image k;
	const char *why;

	build(0x1000000, kernel_segs, ARRAY_SIZE(kernel_segs));
	assert_int_equal(vmlinux_parse(img, 0x200, len, RAM, &k, &why), 0);
	assert_int_equal(k.nr_seg, 4);
	assert_int_equal(k.seg[3].offset + k.seg[3].filesz, len);
	/* a file shorter than its segments says so, whatever the buffer holds */
	assert_int_equal(vmlinux_parse(img, 0x200, len - 1, RAM, &k, &why), -EINVAL);
	assert_non_null(strstr(why, "truncated: the segment at 0x1600000"));
	/* program headers past the buffer */
	assert_int_equal(vmlinux_parse(img, 0x80, len, RAM, &k, &why), -EINVAL);
	assert_non_null(strstr(why, "program headers end past the first 128 bytes"));
	/* a buffer longer than the file counts only the file */
	assert_int_equal(vmlinux_parse(img, CAP, 40, RAM, &k, &why), -EINVAL);
	assert_non_null(strstr(why, "truncated ELF file (40 bytes"));

	/* a bzImage: the setup code must be in the buffer */
	u8 *bz = make_bz();
	assert_int_equal(kernel_image_parse(bz, 5 * 512, 5 * 512 + 4096, RAM, &k, &why), 0);
	assert_int_equal(k.seg[0].offset, 5 * 512);
	assert_int_equal(k.seg[0].filesz, 4096);
	assert_int_equal(kernel_image_parse(bz, 4 * 512, 5 * 512 + 4096, RAM, &k, &why), -EINVAL);
	assert_non_null(strstr(why, "more than the 2048 bytes read"));
	assert_int_equal(kernel_image_parse(bz, 5 * 512, 5 * 512 + 4095, RAM, &k, &why), -EINVAL);
	assert_non_null(strstr(why, "truncated"));
	free(bz);
}

static void test_synth_setup(void **state UNUSED)
{
	struct kernel_image k;
	const char *why;
	u8 buf[0x300];

	build(0x1000000, kernel_segs, ARRAY_SIZE(kernel_segs));
	assert_int_equal(vmlinux_parse(img, len, len, RAM, &k, &why), 0);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(kernel_image_synth_setup(&k, buf, sizeof(buf)), 0x26c);
	assert_int_equal(buf[0], 0); /* zeroed */
	assert_int_equal(get_le16(buf + FAKE_BZ_OFF(boot_flag)), 0xaa55);
	assert_memory_equal(buf + FAKE_BZ_OFF(header), "HdrS", 4);
	assert_int_equal(get_le16(buf + FAKE_BZ_OFF(version)), 0x020f);
	assert_int_equal(0x202 + buf[0x201], 0x26c); /* the header's end */
	assert_int_equal(buf[FAKE_BZ_OFF(loadflags)], LOADED_HIGH);
	assert_int_equal(get_le32(buf + FAKE_BZ_OFF(cmdline_size)), 2047);
	assert_int_equal(get_le32(buf + FAKE_BZ_OFF(initrd_addr_max)), 0x7fffffff);
	assert_int_equal(get_le64(buf + FAKE_BZ_OFF(pref_address)), 0x1000000);
	assert_int_equal(get_le32(buf + FAKE_BZ_OFF(init_size)), 0x900000);
	assert_int_equal(buf[0x26c], 0xee); /* nothing past it */
	assert_int_equal(kernel_image_synth_setup(&k, buf, 0x26b), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kernel_like),	      cmocka_unit_test(test_entry),
	    cmocka_unit_test(test_segments_sorted),   cmocka_unit_test(test_bad_segments),
	    cmocka_unit_test(test_too_many_segments), cmocka_unit_test(test_bad_headers),
	    cmocka_unit_test(test_mutations),	      cmocka_unit_test(test_kernel_parse_dispatch),
	    cmocka_unit_test(test_synth_setup),	      cmocka_unit_test(test_prefix),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
