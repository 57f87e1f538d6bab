/* SPDX-License-Identifier: MIT */
/*
 * image.h - the arm64 Linux kernel Image (Documentation/arm64/booting.rst).
 * Pure: works on a buffer holding the file's first bytes, never touches
 * guest memory or KVM.
 *
 * The Image starts with a 64-byte little-endian header:
 *
 *   0  u32 code0, code1      executable code (a branch to the kernel)
 *   8  u64 text_offset       where in its 2 MiB-aligned region it is loaded
 *   16 u64 image_size        bytes it needs from the load address (its .bss too)
 *   24 u64 flags             bit 0 big-endian, bits 1-2 page size, bit 3 the
 *                            kernel may sit anywhere in RAM
 *   32 u64 res2, res3, res4
 *   56 u32 magic             "ARM\x64"
 *   60 u32 res5              the PE header's offset (EFI stub)
 *
 * An EFI-stub Image (CONFIG_EFI: "MZ" at 0, res5 the PE header's offset)
 * must hold all its PE sections' bytes: a shorter file was cut off. Pass
 * IMAGE_PARSE_LEN bytes (or the whole file when shorter) so the section
 * table is inside.
 *
 * The kernel is loaded at RAM_BASE + text_offset (RAM_BASE is 2 MiB aligned)
 * and entered at its first byte with the MMU off and x0 = the device tree.
 */
#ifndef TINYVMM_ARM64_IMAGE_H
#define TINYVMM_ARM64_IMAGE_H

#include "vmm/base/util.h"

#define IMAGE_HEADER_SIZE     64
#define IMAGE_PARSE_LEN	      4096 /* what image_parse() wants: the header, the PE sections */
#define IMAGE_MAGIC	      0x644d5241u /* "ARM\x64" */
#define IMAGE_FLAG_BE	      (1ULL << 0)
#define IMAGE_FLAG_PAGE(f)    (((f) >> 1) & 3) /* 0 unspecified, 1 4K, 2 16K, 3 64K */
#define IMAGE_FLAG_PHYS_ANY   (1ULL << 3)
#define IMAGE_FLAGS_KNOWN     0xfULL
#define IMAGE_TEXT_OFFSET_MAX 0x200000ULL /* inside the 2 MiB region */

struct arm64_image {
	u64 text_offset;
	u64 image_size; /* bytes from load: the file, then its .bss */
	u64 flags;
	u64 file_size;
	gpa_t load; /* where the file goes: ram_base + text_offset */
	gpa_t end;  /* load + image_size: the first byte after the kernel */
};

/*
 * Check the kernel file of file_len bytes whose first len bytes are in buf,
 * for a guest whose RAM is [ram_base, ram_base + ram_size) and keeps
 * reserve bytes at its top (the device tree). Returns 0 and fills out, or
 * -EINVAL (-ENOMEM when it does not fit in the RAM) with *why a phrase for
 * "kernel FILE: <why>" (a static string or a per-thread buffer valid until
 * this thread's next call).
 */
int image_parse(const void *buf, size_t len, u64 file_len, gpa_t ram_base, u64 ram_size,
		u64 reserve, struct arm64_image *out, const char **why);

/*
 * booting.rst: the initrd must lie, with the kernel, in one 1 GiB-aligned
 * window of at most 32 GiB; RAM_BASE is 1 GiB aligned and the kernel at its
 * start, so the window is [ram_base, ram_base + 32 GiB).
 */
#define IMAGE_INITRD_WINDOW (32ULL << 30)

/*
 * Where an initrd of size bytes goes: as high as it fits below the device
 * tree at dtb_gpa and the window's end, page aligned, above the kernel (img
 * from image_parse()). -ENOSPC when it does not fit.
 */
int image_place_initrd(const struct arm64_image *img, gpa_t ram_base, gpa_t dtb_gpa, u64 size,
		       gpa_t *out);

#endif
