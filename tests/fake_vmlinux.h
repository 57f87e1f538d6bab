/* SPDX-License-Identifier: MIT */
/*
 * fake_vmlinux.h - write a synthetic x86_64 ELF kernel (ET_EXEC, program
 * headers only), shared by the tests that boot or parse a vmlinux.
 */
#ifndef TINYVMM_FAKE_VMLINUX_H
#define TINYVMM_FAKE_VMLINUX_H

#include <elf.h>
#include <string.h>

#include "vmm/base/util.h"

#define FAKE_ELF_DATA 0x1000 /* segment file bytes start here, each 16-aligned */

struct fake_seg {
	u32 type;  /* 0 means PT_LOAD */
	u32 flags; /* PF_R/PF_W/PF_X */
	u64 paddr;
	u64 vaddr; /* 0: same as paddr */
	u64 filesz;
	u64 memsz;
	const u8 *data; /* filesz bytes, or NULL for a pattern (i * 7 + segment) */
};

/*
 * Write the ELF file into img (cap bytes, zeroed first) and return its length,
 * or 0 if it does not fit.
 */
static inline size_t fake_vmlinux(u8 *img, size_t cap, u64 entry, const struct fake_seg *seg,
				  unsigned int n)
{
	u64 off = FAKE_ELF_DATA;

	if (cap < FAKE_ELF_DATA || sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr) > FAKE_ELF_DATA)
		return 0;
	memset(img, 0, cap);
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	put_le16(img + offsetof(Elf64_Ehdr, e_type), ET_EXEC);
	put_le16(img + offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
	put_le32(img + offsetof(Elf64_Ehdr, e_version), EV_CURRENT);
	put_le64(img + offsetof(Elf64_Ehdr, e_entry), entry);
	put_le64(img + offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr));
	put_le16(img + offsetof(Elf64_Ehdr, e_ehsize), sizeof(Elf64_Ehdr));
	put_le16(img + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr));
	put_le16(img + offsetof(Elf64_Ehdr, e_phnum), (u16)n);
	for (unsigned int i = 0; i < n; i++) {
		u8 *ph = img + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr);

		if (off + seg[i].filesz > cap)
			return 0;
		put_le32(ph + offsetof(Elf64_Phdr, p_type), seg[i].type ? seg[i].type : PT_LOAD);
		put_le32(ph + offsetof(Elf64_Phdr, p_flags), seg[i].flags);
		put_le64(ph + offsetof(Elf64_Phdr, p_offset), off);
		put_le64(ph + offsetof(Elf64_Phdr, p_vaddr),
			 seg[i].vaddr ? seg[i].vaddr : seg[i].paddr);
		put_le64(ph + offsetof(Elf64_Phdr, p_paddr), seg[i].paddr);
		put_le64(ph + offsetof(Elf64_Phdr, p_filesz), seg[i].filesz);
		put_le64(ph + offsetof(Elf64_Phdr, p_memsz), seg[i].memsz);
		put_le64(ph + offsetof(Elf64_Phdr, p_align), 16);
		for (u64 j = 0; j < seg[i].filesz; j++)
			img[off + j] = seg[i].data ? seg[i].data[j] : (u8)(j * 7 + i);
		off = ALIGN_UP(off + seg[i].filesz, 16);
	}
	return (size_t)off;
}

#endif
