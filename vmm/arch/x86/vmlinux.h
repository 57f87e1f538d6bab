/* SPDX-License-Identifier: MIT */
/*
 * vmlinux.h - parser for an uncompressed x86_64 Linux kernel in ELF form
 * (the vmlinux the kernel build leaves at the top of its tree, or the one
 * inside a bzImage, unpacked). Pure: works on a buffer holding the file's
 * first bytes, which must include the ELF and program headers.
 *
 * Accepted: ELF64, little-endian, EM_X86_64, ET_EXEC, no interpreter; 1 to
 * KERNEL_MAX_SEGMENTS non-empty PT_LOAD segments with filesz <= memsz, whose
 * file bytes lie inside the file and whose physical ranges [p_paddr,
 * p_paddr + p_memsz) are disjoint, at or above KERNEL_LOAD_GPA and inside
 * the guest's low RAM (below MMIO_HOLE_START). The entry point e_entry is a
 * physical address inside an executable segment (Linux links ENTRY() to
 * phys_startup_64), or a virtual address inside one, translated to physical.
 * Bytes after what the segments cover (section headers, the relocation
 * table a bzImage appends) are ignored.
 */
#ifndef TINYVMM_VMLINUX_H
#define TINYVMM_VMLINUX_H

#include "vmm/arch/x86/kernel_image.h"

#define VMLINUX_MAX_PHDRS 64

/*
 * Parse the ELF kernel file of file_len bytes, whose first len bytes are in
 * buf, for a guest with ram_bytes of RAM into
 * out (format KERNEL_VMLINUX, segments sorted by address, cmdline_size
 * KERNEL_ELF_CMDLINE_SIZE, initrd_addr_max KERNEL_ELF_INITRD_ADDR_MAX).
 * Returns 0, -EINVAL or -ENOMEM (a segment ends past the guest's low RAM),
 * with *why as for kernel_image_parse().
 */
int vmlinux_parse(const void *buf, size_t len, u64 file_len, u64 ram_bytes,
		  struct kernel_image *out, const char **why);

#endif
