/* SPDX-License-Identifier: MIT */
/*
 * boot.h - put a kernel (a bzImage or a vmlinux, kernel_image.h), its command line
 * and initrd, the ACPI tables, the zero page, a GDT and identity page tables
 * into guest memory, and describe the BSP's state for the Linux 64-bit boot
 * protocol:
 *
 *   64-bit mode, paging on, 0-4 GiB identity-mapped with 2 MiB pages;
 *   GDT with __BOOT_CS (0x10, flat 64-bit code) and __BOOT_DS (0x18, flat
 *   data); CS = 0x10, DS = ES = SS = FS = GS = 0x18; interrupts off;
 *   RIP = the kernel's entry (a bzImage: KERNEL_LOAD_GPA + 0x200; a vmlinux:
 *   startup_64), RSI = BOOT_ZEROPAGE_GPA.
 *
 * The builders and checks take plain buffers and values so they can be
 * tested without KVM; boot_load() ties them together on a struct mem.
 */
#ifndef TINYVMM_BOOT_H
#define TINYVMM_BOOT_H

#include <linux/kvm.h>

#include "vmm/base/input_file.h"
#include "vmm/arch/x86/kernel_image.h"
#include "vmm/core/mem.h"
#include "vmm/base/util.h"

/* Boot GDT at BOOT_GDT_GPA: the selectors the boot protocol expects. */
#define BOOT_CS_SEL	 0x10 /* __BOOT_CS: flat 64-bit code, DPL 0 */
#define BOOT_DS_SEL	 0x18 /* __BOOT_DS: flat read/write data */
#define BOOT_TSS_SEL	 0x20 /* 64-bit TSS (16-byte descriptor), for VM entry */
#define BOOT_GDT_ENTRIES 6
#define BOOT_GDT_SIZE	 (BOOT_GDT_ENTRIES * 8)

/* Page-table entry bits used by the boot page tables. */
#define PTE_P	      (1ULL << 0)
#define PTE_RW	      (1ULL << 1)
#define PTE_PS	      (1ULL << 7)	  /* 2 MiB page in a PD entry */
#define BOOT_PT_PAGES (2 + BOOT_PD_PAGES) /* PML4, PDPT, PDs: contiguous */
#define BOOT_PT_SIZE  (BOOT_PT_PAGES * GUEST_PAGE_SIZE)

/* Control register and EFER bits for the 64-bit entry. */
#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define RFLAGS_RESERVED (1ULL << 1) /* bit 1 always reads 1; IF clear */

/* ---- pure builders (buffers only) ---- */

/* Write the boot GDT (null, null, code 0x10, data 0x18, TSS 0x20) into buf.
 * -ENOSPC if len < BOOT_GDT_SIZE. */
int boot_build_gdt(void *buf, size_t len);

/*
 * Write PML4, PDPT and BOOT_PD_PAGES page directories, which identity-map
 * 0-4 GiB with 2 MiB pages, into buf: the guest memory at BOOT_PML4_GPA
 * (BOOT_PT_SIZE bytes; entries hold the layout.h guest addresses).
 * -ENOSPC if len is too small.
 */
int boot_build_page_tables(void *buf, size_t len);

/* Decode a GDT descriptor into the kvm_segment KVM wants for selector sel. */
void boot_segment_from_desc(u64 desc, u16 sel, struct kvm_segment *seg);

/* Set the long-mode state of the 64-bit entry in s (other fields kept). */
void boot_sregs(struct kvm_sregs *s);

/* The BSP's general registers for the 64-bit entry at entry (RIP). */
void boot_regs(struct kvm_regs *r, gpa_t entry);

/* 0 if a command line of len bytes (no NUL) fits cmdline_size and our
 * BOOT_CMDLINE_MAX buffer, -E2BIG otherwise. */
int boot_cmdline_check(size_t len, u32 cmdline_size);

/*
 * Highest page-aligned address for an initrd of size bytes that ends at or
 * below min(low_ram_end, initrd_addr_max + 1) and starts at or above
 * kernel_end. -EINVAL for size 0, -ENOSPC if it does not fit.
 */
int boot_place_initrd(u64 size, u64 low_ram_end, u32 initrd_addr_max, u64 kernel_end, gpa_t *out);

/* ---- loading into guest memory ---- */

/* Copy len bytes to guest memory at gpa; -EFAULT unless all of it is RAM. */
int boot_copy(struct mem *m, gpa_t gpa, const void *src, u64 len);

/*
 * Read the first min(size, KERNEL_HEADER_MAX) bytes of the kernel file f
 * into a new heap buffer for kernel_image_parse(), with a bounded read loop;
 * *file_len is the file's size. The rest is read by boot_load(), straight
 * into guest RAM, so a large unstripped vmlinux costs only what it loads.
 * Logs and returns -errno (marked as the user's for an empty file or one
 * that shrank).
 */
int boot_read_kernel_header(const struct input_file *f, u8 **buf, size_t *len, u64 *file_len);

struct boot_input {
	const struct input_file *kernel_file; /* the segments are read from here */
	/* its headers, by kernel_image_parse() for this RAM size */
	const struct kernel_image *kernel;
	const char *cmdline;
	const struct input_file *initrd; /* NULL or path NULL: none */
	unsigned int ncpus;
};

struct boot_info {
	gpa_t entry;	  /* RIP */
	gpa_t zero_page;  /* RSI */
	gpa_t initrd_gpa; /* 0 without an initrd */
	u64 initrd_size;
	size_t cmdline_len;
	size_t acpi_len;
};

/*
 * Load everything into m (freshly mapped, zeroed RAM). Logs one line naming
 * the file or table at fault and returns -errno, marked as the user's
 * (err.h) for a rejected input (a command line too long, a kernel or initrd
 * that does not fit, a file that shrank).
 */
int boot_load(struct mem *m, const struct boot_input *in, struct boot_info *info);

#endif
