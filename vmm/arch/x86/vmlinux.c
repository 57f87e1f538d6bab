// SPDX-License-Identifier: MIT
/* vmlinux.c - ELF kernel parser; see vmlinux.h. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "arch/layout.h"
#include "vmm/arch/x86/vmlinux.h"

#define EH(field) offsetof(Elf64_Ehdr, field)
#define PH(field) offsetof(Elf64_Phdr, field)

static __thread char why_buf[200];

#define WHY(...)                                                                                   \
	({                                                                                         \
		snprintf(why_buf, sizeof(why_buf), __VA_ARGS__);                                   \
		*why = why_buf;                                                                    \
		-EINVAL;                                                                           \
	})

/* The ELF header's checks: what kind of file this is. */
static int check_ehdr(const u8 *b, size_t len, const char **why)
{
	u16 type, machine;

	if (len < sizeof(Elf64_Ehdr))
		return WHY("a truncated ELF file (%zu bytes, less than an ELF header)", len);
	if (b[EI_CLASS] != ELFCLASS64)
		return WHY("a 32-bit ELF file; tinyvmm boots x86_64 kernels (a 64-bit vmlinux or a "
			   "bzImage)");
	if (b[EI_DATA] != ELFDATA2LSB)
		return WHY("a big-endian ELF file, not an x86_64 kernel");
	machine = get_le16(b + EH(e_machine));
	if (machine != EM_X86_64)
		return WHY("an ELF file for machine %u, not x86_64 (%u)", machine, EM_X86_64);
	type = get_le16(b + EH(e_type));
	if (type == ET_REL)
		return WHY(
		    "an ELF object file (.o or .ko), not a kernel; use vmlinux or the bzImage");
	if (type == ET_DYN)
		return WHY("an ELF shared object or PIE program, not a kernel; use vmlinux or the "
			   "bzImage");
	if (type != ET_EXEC)
		return WHY("an ELF file of type %u, not an executable kernel", type);
	if (get_le16(b + EH(e_phentsize)) != sizeof(Elf64_Phdr))
		return WHY("ELF program headers of %u bytes (expected %zu)",
			   get_le16(b + EH(e_phentsize)), sizeof(Elf64_Phdr));
	return 0;
}

/* Insert s into out->seg[] keeping it sorted by address; -EINVAL on overlap. */
static int add_segment(struct kernel_image *out, const struct kernel_segment *s, const char **why)
{
	unsigned int i = out->nr_seg;

	if (out->nr_seg == KERNEL_MAX_SEGMENTS)
		return WHY("more than %u loadable segments", KERNEL_MAX_SEGMENTS);
	while (i > 0 && out->seg[i - 1].gpa > s->gpa) {
		out->seg[i] = out->seg[i - 1];
		i--;
	}
	out->seg[i] = *s;
	out->nr_seg++;
	if ((i > 0 && out->seg[i - 1].gpa + out->seg[i - 1].memsz > s->gpa) ||
	    (i + 1 < out->nr_seg && s->gpa + s->memsz > out->seg[i + 1].gpa))
		return WHY("loadable segment at 0x%llx (%llu bytes) overlaps another",
			   (unsigned long long)s->gpa, (unsigned long long)s->memsz);
	return 0;
}

/* One PT_LOAD program header at ph: checked, then added to out. */
static int load_phdr(u64 file_len, const u8 *ph, struct kernel_image *out, const char **why)
{
	u64 off = get_le64(ph + PH(p_offset)), paddr = get_le64(ph + PH(p_paddr));
	u64 filesz = get_le64(ph + PH(p_filesz)), memsz = get_le64(ph + PH(p_memsz));
	struct kernel_segment s = {.gpa = paddr, .offset = off, .filesz = filesz, .memsz = memsz};

	/* checked even for an empty one: find_entry() trusts filesz <= memsz */
	if (filesz > memsz)
		return WHY("segment at 0x%llx has more file bytes (%llu) than memory (%llu)",
			   (unsigned long long)paddr, (unsigned long long)filesz,
			   (unsigned long long)memsz);
	if (memsz == 0)
		return 0;
	if (!range_ok(off, filesz, file_len))
		return WHY("truncated: the segment at 0x%llx needs file bytes up to %llu but the "
			   "file has only %llu",
			   (unsigned long long)paddr, (unsigned long long)off + filesz,
			   (unsigned long long)file_len);
	if (paddr < KERNEL_LOAD_GPA)
		return WHY("segment at physical 0x%llx is below 1 MiB, where the boot tables go",
			   (unsigned long long)paddr);
	if (paddr > UINT64_MAX - memsz)
		return WHY("segment at 0x%llx (%llu bytes) wraps around the address space",
			   (unsigned long long)paddr, (unsigned long long)memsz);
	return add_segment(out, &s, why);
}

/* e_entry as a physical address inside an executable segment, or 0 (the
 * program headers were checked to lie inside buf, and every PT_LOAD with
 * file bytes to be one of the loaded segments). */
static gpa_t find_entry(const u8 *b, u64 entry)
{
	const u8 *phdrs = b + get_le64(b + EH(e_phoff));
	u16 phnum = get_le16(b + EH(e_phnum));

	/* physical first (Linux), then virtual */
	for (int pass = 0; pass < 2; pass++) {
		for (u16 i = 0; i < phnum; i++) {
			const u8 *ph = phdrs + (u64)i * sizeof(Elf64_Phdr);
			u64 base = get_le64(ph + (pass ? PH(p_vaddr) : PH(p_paddr)));

			if (get_le32(ph + PH(p_type)) != PT_LOAD ||
			    !(get_le32(ph + PH(p_flags)) & PF_X))
				continue;
			if (entry >= base && entry - base < get_le64(ph + PH(p_filesz)))
				return get_le64(ph + PH(p_paddr)) + (entry - base);
		}
	}
	return 0;
}

int vmlinux_parse(const void *buf, size_t len, u64 file_len, u64 ram_bytes,
		  struct kernel_image *out, const char **why)
{
	const u8 *b = buf;
	u64 phoff, low_ram = MIN(ram_bytes, MMIO_HOLE_START), entry;
	u16 phnum;
	int r;

	memset(out, 0, sizeof(*out));
	len = (size_t)MIN((u64)len, file_len);
	if (len < SELFMAG || memcmp(b, ELFMAG, SELFMAG) != 0)
		return WHY("not an ELF file");
	r = check_ehdr(b, len, why);
	if (r < 0)
		return r;
	phoff = get_le64(b + EH(e_phoff));
	phnum = get_le16(b + EH(e_phnum));
	if (phnum == 0)
		return WHY("an ELF file without program headers (nothing to load)");
	if (phnum > VMLINUX_MAX_PHDRS)
		return WHY("%u ELF program headers (at most %u)", phnum, VMLINUX_MAX_PHDRS);
	if (!range_ok(phoff, (u64)phnum * sizeof(Elf64_Phdr), file_len))
		return WHY("truncated: the program headers end past the end of the file");
	if (!range_ok(phoff, (u64)phnum * sizeof(Elf64_Phdr), len))
		return WHY("the program headers end past the first %zu bytes of the file", len);

	for (u16 i = 0; i < phnum; i++) {
		const u8 *ph = b + phoff + (u64)i * sizeof(Elf64_Phdr);
		u32 type = get_le32(ph + PH(p_type));

		if (type == PT_INTERP)
			return WHY("a dynamically linked ELF program, not a kernel");
		if (type != PT_LOAD)
			continue;
		r = load_phdr(file_len, ph, out, why);
		if (r < 0)
			return r;
	}
	if (out->nr_seg == 0)
		return WHY("an ELF file with no loadable segment");
	/* segments are sorted and disjoint: the last one ends highest */
	out->kernel_end = out->seg[out->nr_seg - 1].gpa + out->seg[out->nr_seg - 1].memsz;
	if (out->kernel_end > low_ram) {
		snprintf(why_buf, sizeof(why_buf),
			 "needs RAM up to %llu MiB (its segments end at 0x%llx) but the guest has "
			 "%llu MiB below the MMIO hole; use a bigger --mem",
			 (unsigned long long)((out->kernel_end + MiB - 1) / MiB),
			 (unsigned long long)out->kernel_end, (unsigned long long)(low_ram / MiB));
		*why = why_buf;
		return -ENOMEM;
	}

	entry = get_le64(b + EH(e_entry));
	out->entry = find_entry(b, entry);
	if (out->entry == 0)
		return WHY("entry point 0x%llx is not inside an executable segment",
			   (unsigned long long)entry);
	out->format = KERNEL_VMLINUX;
	out->cmdline_size = KERNEL_ELF_CMDLINE_SIZE;
	out->initrd_addr_max = KERNEL_ELF_INITRD_ADDR_MAX;
	*why = NULL;
	return 0;
}
