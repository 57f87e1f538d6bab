/* SPDX-License-Identifier: MIT */
/*
 * bootparams.h - the Linux x86 boot protocol's "zero page" (struct
 * boot_params) and its e820 memory map.
 *
 * Only copying and filling: validating the bzImage header (magic, protocol
 * version, xloadflags) is the kernel loader's job. Both functions are pure
 * and write only into the caller's buffers.
 */
#ifndef TINYVMM_BOOTPARAMS_H
#define TINYVMM_BOOTPARAMS_H

#include <asm/bootparam.h>

#include "vmm/base/util.h"

#ifndef E820_TYPE_RAM
#define E820_TYPE_RAM 1
#endif
#ifndef E820_TYPE_RESERVED
#define E820_TYPE_RESERVED 2
#endif

/* Offsets in the bzImage / zero page (Documentation/arch/x86/boot.rst) */
#define BOOTPARAMS_HDR_OFFSET	    0x1f1 /* struct setup_header */
#define BOOTPARAMS_HDR_JUMP_OFFSET  0x201 /* header end = 0x202 + this byte */
#define BOOTPARAMS_HEAP_END	    0xfe00
#define BOOTPARAMS_LOADER_UNDEFINED 0xff /* type_of_loader: not registered */
#define BOOTPARAMS_VID_MODE_NORMAL  0xffff
#define BOOTPARAMS_PROTO_RSDP	    0x020e /* acpi_rsdp_addr honoured from 2.14 */

/*
 * Build the e820 map: RAM from the ranges, with [EBDA_GPA, LOW_RAM_END) and
 * [BIOS_AREA_GPA, BIOS_AREA_END) reserved (always listed, and carved out of
 * RAM where they overlap it); RAM in the VGA/ROM hole between them
 * [LOW_RAM_END, BIOS_AREA_GPA) is dropped, not listed. Entries sorted,
 * touching entries of one type merged. Returns the number of entries, or -EINVAL (no RAM left,
 * unsorted/overlapping/zero-size/overflowing ranges) / -ENOSPC (more than
 * max). out[] is scratch on failure.
 */
int e820_build(const struct ram_range *ram, unsigned int nr, struct boot_e820_entry *out,
	       unsigned int max);

struct bootparams_cfg {
	const void *setup; /* the bzImage's first setup bytes (at least up to the end of the setup
			      header) */
	size_t setup_len;
	gpa_t cmdline_gpa; /* where the command line is in guest memory */
	u32 cmdline_len;   /* length without the NUL */
	gpa_t initrd_gpa;  /* 0 with initrd_size 0: no initrd */
	u64 initrd_size;
	gpa_t acpi_rsdp_gpa; /* 0: none */
	const struct ram_range *ram;
	unsigned int nr_ram;
};

/*
 * Fill the zero page (zp_len >= sizeof(struct boot_params)): zero it, copy
 * the setup header from the image (offset 0x1f1 up to 0x202 + the byte at
 * 0x201, bounds-checked against setup_len and sizeof hdr), then set
 * type_of_loader 0xff, loadflags |= CAN_USE_HEAP (heap_end_ptr 0xfe00),
 * cmd_line_ptr + ext_cmd_line_ptr, ramdisk_image/size +
 * ext_ramdisk_image/size, acpi_rsdp_addr (only if the header's protocol >=
 * 0x20e), vid_mode 0xffff, and the e820 table from e820_build.
 * Returns 0 or -EINVAL / -ENOSPC. -EINVAL also covers a command line longer
 * than the header's cmdline_size (protocol >= 2.06) and an initrd whose end
 * overflows. The zero page's sentinel byte stays 0 (only the header is
 * copied), so the kernel trusts every field.
 */
int bootparams_build(void *zp, size_t zp_len, const struct bootparams_cfg *cfg);

#endif
