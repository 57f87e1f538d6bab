/* SPDX-License-Identifier: MIT */
/*
 * kernel_image.h - the kernel image to boot, whichever format it came in. Pure:
 * works on a buffer holding the file's first bytes (its headers), never
 * touches guest memory or KVM; the loader (boot.h) reads the segments from
 * the file straight into guest RAM.
 *
 * Two formats, told apart by their first bytes:
 *   bzImage  the usual arch/x86/boot/bzImage (bzimage.h): one segment, the
 *            protected-mode kernel at KERNEL_LOAD_GPA, entered at +0x200; it
 *            decompresses itself in the guest.
 *   vmlinux  an uncompressed x86_64 ELF kernel (vmlinux.h), as Firecracker and
 *            Cloud Hypervisor boot: each PT_LOAD segment at its physical
 *            address, entered at startup_64 (e_entry). No in-guest
 *            decompression, so the guest reaches its first instruction of
 *            real work sooner.
 * Both are entered the same way (the Linux 64-bit boot protocol, boot.h).
 */
#ifndef TINYVMM_KERNEL_IMAGE_H
#define TINYVMM_KERNEL_IMAGE_H

#include "vmm/base/util.h"

#define KERNEL_MAX_SEGMENTS 16
/* What the parsers need of the file: a bzImage's setup code is at most this
 * long, and a vmlinux's program headers must end within it. */
#define KERNEL_HEADER_MAX (128 * 1024)

/* x86's COMMAND_LINE_SIZE is 2048: the longest command line an ELF kernel
 * (which has no setup header saying otherwise) takes, without the NUL. */
#define KERNEL_ELF_CMDLINE_SIZE 2047
/* The initrd limit a loader assumes without a setup header (boot.rst). */
#define KERNEL_ELF_INITRD_ADDR_MAX 0x7fffffffU

enum kernel_format { KERNEL_BZIMAGE, KERNEL_VMLINUX };

struct kernel_segment {
	gpa_t gpa;  /* guest physical load address */
	u64 offset; /* where its filesz bytes are in the file */
	u64 filesz;
	u64 memsz; /* >= filesz: the rest is zeroed (.bss) */
};

struct kernel_image {
	enum kernel_format format;
	struct kernel_segment seg[KERNEL_MAX_SEGMENTS]; /* sorted by gpa, disjoint */
	unsigned int nr_seg;
	gpa_t entry;	     /* the 64-bit entry point: RIP */
	u64 kernel_end;	     /* [KERNEL_LOAD_GPA, kernel_end): the kernel; initrd above it */
	u32 cmdline_size;    /* longest command line, without the NUL */
	u32 initrd_addr_max; /* highest address the initrd may occupy (inclusive) */
	const u8 *setup;     /* bzImage: its setup (header source); vmlinux: NULL */
	size_t setup_len;
	u16 protocol; /* bzImage boot protocol version; 0 for a vmlinux */
};

/* "bzImage" or "vmlinux", for messages. */
const char *kernel_image_format_name(enum kernel_format f);

/*
 * Parse and check the kernel file of file_len bytes, whose first len bytes
 * are in buf (min(file_len, KERNEL_HEADER_MAX) of them), for a guest with
 * ram_bytes of RAM: an ELF file is taken as a vmlinux, anything else as a
 * bzImage. Returns 0 and fills out, or -EINVAL (-ENOMEM when it does not fit
 * in the RAM below the MMIO hole) and sets *why to a one-phrase reason for
 * "kernel FILE: <why>" (a static string or a per-thread buffer valid until
 * this thread's next call). out->setup points into buf.
 */
int kernel_image_parse(const void *buf, size_t len, u64 file_len, u64 ram_bytes,
		       struct kernel_image *out, const char **why);

/*
 * The setup header a vmlinux does not have, as a loader would assume it:
 * written into buf (the first len bytes of a boot sector + setup, zeroed
 * first) so the zero page can be built the same way for both formats.
 * Protocol 2.15, LOADED_HIGH, cmdline_size and initrd_addr_max from k.
 * Returns the number of bytes used, or -ENOSPC if len is too small.
 */
int kernel_image_synth_setup(const struct kernel_image *k, u8 *buf, size_t len);

#endif
