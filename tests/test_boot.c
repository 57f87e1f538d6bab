// SPDX-License-Identifier: MIT
/* test_boot.c - boot page tables, GDT, entry state, initrd placement, and
 * loading a synthetic bzImage and vmlinux into guest RAM made by mem_create(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/fake_bzimage.h"
#include "tests/fake_vmlinux.h"

#include <asm/bootparam.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/arch/x86/boot.h"
#include "vmm/base/err.h"
#include "arch/layout.h"

/* ---- page tables ---- */

/* Walk the tables in buf (guest memory at BOOT_PML4_GPA) like the MMU. */
static bool walk(const u8 *pt, u64 va, u64 *pa)
{
	u64 e;

	e = get_le64(pt + 8 * ((va >> 39) & 511));
	if (!(e & PTE_P))
		return false;
	e = get_le64(pt + (e & ~0xfffULL) - BOOT_PML4_GPA + 8 * ((va >> 30) & 511));
	if (!(e & PTE_P))
		return false;
	if ((e & ~0xfffULL) < BOOT_PD_GPA || (e & ~0xfffULL) >= BOOT_PML4_GPA + BOOT_PT_SIZE)
		return false;
	e = get_le64(pt + (e & ~0xfffULL) - BOOT_PML4_GPA + 8 * ((va >> 21) & 511));
	if (!(e & PTE_P) || !(e & PTE_PS) || !(e & PTE_RW))
		return false;
	*pa = (e & ~0x1fffffULL) | (va & 0x1fffff);
	return true;
}

static void test_page_tables(void **state UNUSED)
{
	u8 *pt = malloc(BOOT_PT_SIZE);
	u64 pa;

	assert_non_null(pt);
	memset(pt, 0xcc, BOOT_PT_SIZE);
	assert_int_equal(boot_build_page_tables(pt, BOOT_PT_SIZE - 1), -ENOSPC);
	assert_int_equal(boot_build_page_tables(pt, BOOT_PT_SIZE), 0);

	/* Every 2 MiB page of 0-4 GiB maps to itself. */
	for (u64 va = 0; va < 4 * GiB; va += 2 * MiB) {
		assert_true(walk(pt, va + 0x1234, &pa));
		assert_int_equal(pa, va + 0x1234);
	}
	assert_true(walk(pt, 4 * GiB - 1, &pa));
	assert_int_equal(pa, 4 * GiB - 1);
	/* Nothing above 4 GiB, and only PML4 entry 0. */
	assert_false(walk(pt, 4 * GiB, &pa));
	assert_false(walk(pt, 1ULL << 39, &pa));
	for (int i = 1; i < 512; i++)
		assert_int_equal(get_le64(pt + 8 * i), 0);
	/* PDPT entries 4..511 are empty. */
	for (int i = BOOT_PD_PAGES; i < 512; i++)
		assert_int_equal(get_le64(pt + GUEST_PAGE_SIZE + 8 * i), 0);
	free(pt);
}

/* ---- GDT and entry state ---- */

static void test_gdt(void **state UNUSED)
{
	u8 g[BOOT_GDT_SIZE + 8];
	struct kvm_segment s;

	memset(g, 0xcc, sizeof(g));
	assert_int_equal(boot_build_gdt(g, BOOT_GDT_SIZE - 1), -ENOSPC);
	assert_int_equal(boot_build_gdt(g, sizeof(g)), 0);
	assert_int_equal(get_le64(g), 0);
	assert_int_equal(get_le64(g + 8), 0);
	assert_int_equal(g[BOOT_GDT_SIZE], 0xcc); /* nothing written past the GDT */

	boot_segment_from_desc(get_le64(g + BOOT_CS_SEL), BOOT_CS_SEL, &s);
	assert_int_equal(s.selector, 0x10);
	assert_int_equal(s.base, 0);
	assert_int_equal(s.limit, 0xffffffff);
	assert_int_equal(s.type, 0xb); /* execute/read, accessed */
	assert_int_equal(s.s, 1);
	assert_int_equal(s.present, 1);
	assert_int_equal(s.dpl, 0);
	assert_int_equal(s.l, 1);
	assert_int_equal(s.db, 0); /* L=1 requires D=0 */
	assert_int_equal(s.g, 1);
	assert_int_equal(s.unusable, 0);

	boot_segment_from_desc(get_le64(g + BOOT_DS_SEL), BOOT_DS_SEL, &s);
	assert_int_equal(s.selector, 0x18);
	assert_int_equal(s.limit, 0xffffffff);
	assert_int_equal(s.type, 0x3); /* read/write, accessed */
	assert_int_equal(s.s, 1);
	assert_int_equal(s.db, 1);
	assert_int_equal(s.l, 0);
	assert_int_equal(s.present, 1);

	boot_segment_from_desc(get_le64(g + BOOT_TSS_SEL), BOOT_TSS_SEL, &s);
	assert_int_equal(s.type, 0xb); /* busy 64-bit TSS */
	assert_int_equal(s.s, 0);
	assert_int_equal(s.present, 1);
	assert_int_equal(s.limit, 0x67);
	assert_int_equal(get_le64(g + BOOT_TSS_SEL + 8), 0); /* base 63:32 */

	/* A descriptor with every base and limit bit in use decodes right. */
	boot_segment_from_desc(0x12cf9a345678ffffULL, 8, &s);
	assert_int_equal(s.base, 0x12345678);
	assert_int_equal(s.limit, 0xffffffff);
	boot_segment_from_desc(0x000f9a000000abcdULL, 8, &s);
	assert_int_equal(s.limit, 0xfabcd);
	assert_int_equal(s.g, 0);
	boot_segment_from_desc(0, 0, &s);
	assert_int_equal(s.unusable, 1);
}

static void test_entry_state(void **state UNUSED)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	memset(&s, 0, sizeof(s));
	s.apic_base = 0xfee00900; /* kept */
	boot_sregs(&s);
	assert_int_equal(s.apic_base, 0xfee00900);
	assert_int_equal(s.cs.selector, BOOT_CS_SEL);
	assert_int_equal(s.cs.l, 1);
	assert_int_equal(s.cs.dpl, 0);
	assert_int_equal(s.ds.selector, BOOT_DS_SEL);
	assert_int_equal(s.es.selector, BOOT_DS_SEL);
	assert_int_equal(s.ss.selector, BOOT_DS_SEL);
	assert_int_equal(s.ss.type, 3);
	assert_int_equal(s.tr.selector, BOOT_TSS_SEL);
	assert_int_equal(s.gdt.base, BOOT_GDT_GPA);
	assert_int_equal(s.gdt.limit, BOOT_GDT_SIZE - 1);
	assert_true(s.cr0 & CR0_PE);
	assert_true(s.cr0 & CR0_PG);
	assert_int_equal(s.cr3, BOOT_PML4_GPA);
	assert_true(s.cr4 & CR4_PAE);
	assert_int_equal(s.efer & (EFER_LME | EFER_LMA), EFER_LME | EFER_LMA);

	memset(&r, 0xff, sizeof(r));
	boot_regs(&r, 0x1000000);
	assert_int_equal(r.rip, 0x1000000);
	assert_int_equal(r.rsi, BOOT_ZEROPAGE_GPA);
	assert_int_equal(r.rflags, 2); /* interrupts off */
	assert_int_equal(r.rax, 0);
}

/* ---- command line and initrd placement ---- */

static void test_cmdline_check(void **state UNUSED)
{
	assert_int_equal(boot_cmdline_check(0, 255), 0);
	assert_int_equal(boot_cmdline_check(255, 255), 0);
	assert_int_equal(boot_cmdline_check(256, 255), -E2BIG);
	assert_int_equal(boot_cmdline_check(BOOT_CMDLINE_MAX - 1, 0xffffffff), 0);
	assert_int_equal(boot_cmdline_check(BOOT_CMDLINE_MAX, 0xffffffff), -E2BIG);
}

static void test_initrd_placement(void **state UNUSED)
{
	const u64 ram = 256 * MiB, kend = 48 * MiB;
	gpa_t g = 0;

	/* Fits: ends at the top of RAM, page-aligned start. */
	assert_int_equal(boot_place_initrd(10 * MiB + 5, ram, 0x7fffffff, kend, &g), 0);
	assert_int_equal(g, ALIGN_DOWN(ram - (10 * MiB + 5), 4096));
	assert_int_equal(g % 4096, 0);
	assert_true(g + 10 * MiB + 5 <= ram);
	/* Exactly fits between the kernel and the end of RAM. */
	assert_int_equal(boot_place_initrd(ram - kend, ram, 0x7fffffff, kend, &g), 0);
	assert_int_equal(g, kend);
	/* One byte too big: would overlap the kernel's init_size area. */
	assert_int_equal(boot_place_initrd(ram - kend + 1, ram, 0x7fffffff, kend, &g), -ENOSPC);
	/* Bigger than all of RAM. */
	assert_int_equal(boot_place_initrd(ram + 1, ram, 0x7fffffff, kend, &g), -ENOSPC);
	assert_int_equal(boot_place_initrd(~0ULL, ram, 0x7fffffff, kend, &g), -ENOSPC);
	assert_int_equal(boot_place_initrd(0, ram, 0x7fffffff, kend, &g), -EINVAL);
	/* initrd_addr_max below the end of RAM is the limit (inclusive). */
	assert_int_equal(boot_place_initrd(MiB, 3 * GiB, 0x37ffffff, kend, &g), 0);
	assert_int_equal(g, 0x38000000 - MiB);
	assert_int_equal(boot_place_initrd(4096, 3 * GiB, 0x37ffffff, kend, &g), 0);
	assert_int_equal(g + 4096 - 1, 0x37ffffff);
	/* ... and a low initrd_addr_max can leave no room above the kernel. */
	assert_int_equal(boot_place_initrd(MiB, ram, (u32)kend, kend, &g), -ENOSPC);
}

/* ---- loading into guest memory ---- */

#define SETUP_LEN   (5 * 512)
#define PAYLOAD_LEN (128 * 1024)

static u8 *make_bzimage(size_t *len)
{
	u8 *img = calloc(1, SETUP_LEN + PAYLOAD_LEN);

	assert_non_null(img);
	for (size_t i = 0; i < PAYLOAD_LEN; i++)
		img[SETUP_LEN + i] = (u8)(i * 13 + 1);
	fake_bzimage_header(img, &(struct fake_bz){.setup_sects = 4,
						   .payload_len = PAYLOAD_LEN,
						   .cmdline_size = 64,
						   .init_size = 0x800000,
						   .xloadflags = XLF_KERNEL_64});
	*len = SETUP_LEN + PAYLOAD_LEN;
	return img;
}

static int make_file(struct input_file *f, const char *path, size_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	for (size_t i = 0; i < size; i++) {
		u8 b = (u8)(i ^ 0x5a);
		assert_int_equal(write(fd, &b, 1), 1);
	}
	f->what = "initrd";
	f->path = path;
	f->fd = fd;
	f->size = size;
	return fd;
}

/* A temporary file holding img[0..len), open in f; unlink it with f->path. */
static void image_file(struct input_file *f, char *path, const u8 *img, size_t len)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, img, len), (ssize_t)len);
	f->what = "kernel";
	f->path = path;
	f->fd = fd;
	f->size = len;
}

static void test_load(void **state UNUSED)
{
	char path[] = "/tmp/test_boot_initrd.XXXXXX", kpath[] = "/tmp/test_boot_kernel.XXXXXX";
	struct input_file initrd, kf;
	struct boot_info info;
	struct kernel_image k;
	struct boot_params *zp;
	struct mem m;
	const char *why;
	size_t len;
	u8 *img = make_bzimage(&len), *p;
	int tmp = mkstemp(path);

	assert_true(tmp >= 0);
	close(tmp);
	make_file(&initrd, path, 10000);
	image_file(&kf, kpath, img, len);
	assert_int_equal(mem_create(&m, 64 * MiB, false), 0);
	/* only the headers in the buffer: the payload comes from the file */
	assert_int_equal(kernel_image_parse(img, SETUP_LEN, len, m.size, &k, &why), 0);

	struct boot_input in = {
	    .kernel_file = &kf,
	    .kernel = &k,
	    .cmdline = "console=ttyS0",
	    .initrd = &initrd,
	    .ncpus = 2,
	};
	assert_int_equal(boot_load(&m, &in, &info), 0);
	assert_int_equal(info.entry, KERNEL_LOAD_GPA + 0x200);
	assert_int_equal(info.zero_page, BOOT_ZEROPAGE_GPA);
	/* The payload is at 1 MiB, byte for byte. */
	p = mem_gpa_to_hva(&m, KERNEL_LOAD_GPA, PAYLOAD_LEN);
	assert_memory_equal(p, img + SETUP_LEN, PAYLOAD_LEN);
	/* The command line, NUL-terminated. */
	assert_string_equal((char *)mem_gpa_to_hva(&m, BOOT_CMDLINE_GPA, 14), "console=ttyS0");
	/* The initrd at the top of RAM, page-aligned, with the file's bytes. */
	assert_int_equal(info.initrd_size, 10000);
	assert_int_equal(info.initrd_gpa, ALIGN_DOWN(64 * MiB - 10000, 4096));
	p = mem_gpa_to_hva(&m, info.initrd_gpa, 10000);
	for (size_t i = 0; i < 10000; i++)
		if (p[i] != (u8)(i ^ 0x5a))
			fail_msg("initrd byte %zu differs", i);
	/* The zero page points at all of it. */
	zp = mem_gpa_to_hva(&m, BOOT_ZEROPAGE_GPA, sizeof(*zp));
	assert_int_equal(zp->hdr.cmd_line_ptr, BOOT_CMDLINE_GPA);
	assert_int_equal(zp->hdr.ramdisk_image, info.initrd_gpa);
	assert_int_equal(zp->hdr.ramdisk_size, 10000);
	assert_int_equal(zp->hdr.header, 0x53726448);
	assert_int_equal(zp->acpi_rsdp_addr, ACPI_TABLES_GPA);
	assert_true(zp->e820_entries > 0);
	/* ACPI tables, RSDP first; GDT and page tables in place. */
	assert_memory_equal(mem_gpa_to_hva(&m, ACPI_TABLES_GPA, 8), "RSD PTR ", 8);
	assert_true(info.acpi_len > 36);
	p = mem_gpa_to_hva(&m, BOOT_GDT_GPA, BOOT_GDT_SIZE);
	assert_int_equal(get_le64(p + BOOT_CS_SEL) >> 53 & 1, 1); /* L bit */
	p = mem_gpa_to_hva(&m, BOOT_PML4_GPA, 8);
	assert_int_equal(get_le64(p), BOOT_PDPT_GPA | PTE_P | PTE_RW);
	mem_destroy(&m);

	/* An initrd that does not fit above the kernel in 32 MiB. */
	assert_int_equal(ftruncate(initrd.fd, 20 * MiB), 0);
	assert_int_equal(mem_create(&m, 32 * MiB, false), 0);
	assert_int_equal(kernel_image_parse(img, len, len, m.size, &k, &why), 0);
	assert_int_equal(boot_load(&m, &in, &info), err_mark_user(-EINVAL));
	mem_destroy(&m);

	/* A kernel file that shrank after its headers were read. */
	assert_int_equal(mem_create(&m, 64 * MiB, false), 0);
	in.initrd = NULL;
	assert_int_equal(ftruncate(kf.fd, (off_t)len - 1), 0);
	assert_int_equal(boot_load(&m, &in, &info), err_mark_user(-EIO));
	mem_destroy(&m);

	close(initrd.fd);
	unlink(path);
	close(kf.fd);
	unlink(kpath);
	free(img);
}

/* A vmlinux: segments at their physical addresses, .bss zeroed, entry from
 * the ELF header, a zero page whose header tinyvmm wrote itself. */
static void test_load_vmlinux(void **state UNUSED)
{
	const struct fake_seg segs[] = {
	    {.flags = PF_R | PF_X,
	     .paddr = 0x1000000,
	     .vaddr = 0xffffffff81000000ULL,
	     .filesz = 0x3000,
	     .memsz = 0x3000},
	    {.flags = PF_R | PF_W, .paddr = 0x1200000, .filesz = 0x100, .memsz = 0x2000},
	};
	char path[] = "/tmp/test_boot_initrd.XXXXXX", kpath[] = "/tmp/test_boot_kernel.XXXXXX";
	static u8 img[0x8000];
	char cmd[KERNEL_ELF_CMDLINE_SIZE + 2];
	struct input_file initrd, kf;
	struct boot_info info;
	struct kernel_image k;
	struct boot_params *zp;
	struct mem m;
	const char *why;
	size_t len = fake_vmlinux(img, sizeof(img), 0xffffffff81000010ULL, segs, 2);
	int tmp = mkstemp(path);
	u8 *p;

	assert_true(len > 0);
	assert_true(tmp >= 0);
	close(tmp);
	make_file(&initrd, path, 5000);
	image_file(&kf, kpath, img, len);
	assert_int_equal(mem_create(&m, 64 * MiB, false), 0);
	assert_int_equal(kernel_image_parse(img, len, len, m.size, &k, &why), 0);
	/* whatever was in RAM where .bss goes is cleared */
	memset(mem_gpa_to_hva(&m, 0x1200000, 0x2000), 0xcc, 0x2000);
	struct boot_input in = {
	    .kernel_file = &kf,
	    .kernel = &k,
	    .cmdline = "console=ttyS0",
	    .initrd = &initrd,
	    .ncpus = 1,
	};
	assert_int_equal(boot_load(&m, &in, &info), 0);
	assert_int_equal(info.entry, 0x1000010);
	assert_memory_equal(mem_gpa_to_hva(&m, 0x1000000, 0x3000), img + FAKE_ELF_DATA, 0x3000);
	p = mem_gpa_to_hva(&m, 0x1200000, 0x2000);
	assert_memory_equal(p, img + FAKE_ELF_DATA + 0x3000, 0x100);
	for (size_t i = 0x100; i < 0x2000; i++)
		if (p[i] != 0)
			fail_msg(".bss byte 0x%zx is 0x%x, not 0", i, p[i]);
	/* nothing at the bzImage's load address */
	assert_int_equal(*(u8 *)mem_gpa_to_hva(&m, KERNEL_LOAD_GPA, 1), 0);
	/* the initrd at the top of RAM, above the kernel */
	assert_int_equal(info.initrd_gpa, ALIGN_DOWN(64 * MiB - 5000, 4096));
	zp = mem_gpa_to_hva(&m, BOOT_ZEROPAGE_GPA, sizeof(*zp));
	assert_int_equal(zp->hdr.boot_flag, 0xaa55);
	assert_int_equal(zp->hdr.header, 0x53726448);
	assert_int_equal(zp->hdr.version, 0x020f);
	assert_int_equal(zp->hdr.type_of_loader, 0xff);
	assert_int_equal(zp->hdr.cmd_line_ptr, BOOT_CMDLINE_GPA);
	assert_int_equal(zp->hdr.cmdline_size, KERNEL_ELF_CMDLINE_SIZE);
	assert_int_equal(zp->hdr.ramdisk_image, info.initrd_gpa);
	assert_int_equal(zp->hdr.ramdisk_size, 5000);
	assert_int_equal(zp->acpi_rsdp_addr, ACPI_TABLES_GPA);
	assert_int_equal(zp->sentinel, 0);
	assert_true(zp->e820_entries > 0);
	/* x86's COMMAND_LINE_SIZE: 2047 bytes and the NUL */
	memset(cmd, 'a', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 2] = '\0';
	in.cmdline = cmd;
	in.initrd = NULL;
	assert_int_equal(boot_load(&m, &in, &info), 0);
	assert_int_equal(info.cmdline_len, KERNEL_ELF_CMDLINE_SIZE);
	cmd[sizeof(cmd) - 2] = 'a';
	cmd[sizeof(cmd) - 1] = '\0';
	assert_int_equal(boot_load(&m, &in, &info), err_mark_user(-EINVAL));
	mem_destroy(&m);
	close(initrd.fd);
	unlink(path);
	close(kf.fd);
	unlink(kpath);
}

static void test_load_cmdline_limit(void **state UNUSED)
{
	char cmd[66], kpath[] = "/tmp/test_boot_kernel.XXXXXX";
	struct input_file kf;
	struct boot_info info;
	struct kernel_image k;
	struct mem m;
	const char *why;
	size_t len;
	u8 *img = make_bzimage(&len);

	image_file(&kf, kpath, img, len);
	assert_int_equal(mem_create(&m, 32 * MiB, false), 0);
	assert_int_equal(kernel_image_parse(img, len, len, m.size, &k, &why), 0);
	struct boot_input in = {.kernel_file = &kf, .kernel = &k, .cmdline = cmd, .ncpus = 1};

	memset(cmd, 'a', 64);
	cmd[64] = '\0'; /* exactly cmdline_size */
	assert_int_equal(boot_load(&m, &in, &info), 0);
	assert_int_equal(info.cmdline_len, 64);
	assert_int_equal(info.initrd_gpa, 0);
	cmd[64] = 'b';
	cmd[65] = '\0'; /* one byte over */
	assert_int_equal(boot_load(&m, &in, &info), err_mark_user(-EINVAL));
	mem_destroy(&m);
	close(kf.fd);
	unlink(kpath);
	free(img);
}

static void test_load_past_ram(void **state UNUSED)
{
	char kpath[] = "/tmp/test_boot_kernel.XXXXXX";
	struct input_file kf;
	struct boot_info info;
	struct kernel_image k;
	struct mem m;
	const char *why;
	size_t len;
	u8 *img = make_bzimage(&len);

	image_file(&kf, kpath, img, len);
	assert_int_equal(mem_create(&m, 16 * MiB, false), 0);
	assert_int_equal(kernel_image_parse(img, len, len, 32 * MiB, &k, &why), 0);
	/* A payload that runs past the end of a 16 MiB guest is refused. */
	k.seg[0].memsz = 15 * MiB + 1;
	struct boot_input in = {.kernel_file = &kf, .kernel = &k, .cmdline = "", .ncpus = 1};
	assert_int_equal(boot_load(&m, &in, &info), err_mark_user(-EINVAL));
	/* boot_copy checks the whole length, not only the start. */
	assert_int_equal(boot_copy(&m, 16 * MiB - 4, "abcd", 4), 0);
	assert_int_equal(boot_copy(&m, 16 * MiB - 4, "abcde", 5), -EFAULT);
	assert_int_equal(boot_copy(&m, ~0ULL - 1, "abcd", 4), -EFAULT);
	mem_destroy(&m);
	close(kf.fd);
	unlink(kpath);
	free(img);
}

static void test_read_kernel_header(void **state UNUSED)
{
	char path[] = "/tmp/test_boot_read.XXXXXX";
	struct input_file f;
	u8 *buf = NULL;
	size_t len = 0;
	u64 file_len = 0;
	int tmp = mkstemp(path);

	assert_true(tmp >= 0);
	close(tmp);
	make_file(&f, path, 5000);
	assert_int_equal(boot_read_kernel_header(&f, &buf, &len, &file_len), 0);
	assert_int_equal(len, 5000);
	assert_int_equal(file_len, 5000);
	assert_int_equal(buf[4999], (u8)(4999 ^ 0x5a));
	free(buf);
	/* A large file: only its first KERNEL_HEADER_MAX bytes are read. */
	assert_int_equal(ftruncate(f.fd, 300 * MiB), 0);
	assert_int_equal(boot_read_kernel_header(&f, &buf, &len, &file_len), 0);
	assert_int_equal(len, KERNEL_HEADER_MAX);
	assert_int_equal(file_len, 300 * MiB);
	assert_int_equal(buf[4999], (u8)(4999 ^ 0x5a));
	assert_int_equal(buf[KERNEL_HEADER_MAX - 1], 0);
	free(buf);
	/* Empty. */
	assert_int_equal(ftruncate(f.fd, 0), 0);
	assert_int_equal(boot_read_kernel_header(&f, &buf, &len, &file_len),
			 err_mark_user(-EINVAL));
	close(f.fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_page_tables),	       cmocka_unit_test(test_gdt),
	    cmocka_unit_test(test_entry_state),	       cmocka_unit_test(test_cmdline_check),
	    cmocka_unit_test(test_initrd_placement),   cmocka_unit_test(test_load),
	    cmocka_unit_test(test_load_cmdline_limit), cmocka_unit_test(test_load_past_ram),
	    cmocka_unit_test(test_read_kernel_header), cmocka_unit_test(test_load_vmlinux),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
