// SPDX-License-Identifier: MIT
/* kernel_image.c - tell a bzImage from a vmlinux and describe either; see kernel_image.h. */
#include <asm/bootparam.h>
#include <elf.h>
#include <string.h>

#include "vmm/arch/x86/bzimage.h"
#include "vmm/arch/x86/kernel_image.h"
#include "arch/layout.h"
#include "vmm/arch/x86/vmlinux.h"

#define HDR_BASE   0x1f1
#define HDR(field) (HDR_BASE + offsetof(struct setup_header, field))
#define HDR_END	   (HDR_BASE + sizeof(struct setup_header))

const char *kernel_image_format_name(enum kernel_format f)
{
	return f == KERNEL_VMLINUX ? "vmlinux" : "bzImage";
}

int kernel_image_parse(const void *buf, size_t len, u64 file_len, u64 ram_bytes,
		       struct kernel_image *out, const char **why)
{
	struct bzimage bz;
	int r;

	if (len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0)
		return vmlinux_parse(buf, len, file_len, ram_bytes, out, why);
	memset(out, 0, sizeof(*out));
	r = bzimage_parse_prefix(buf, len, file_len, ram_bytes, &bz, why);
	if (r < 0)
		return r;
	out->format = KERNEL_BZIMAGE;
	out->seg[0] = (struct kernel_segment){.gpa = KERNEL_LOAD_GPA,
					      .offset = bz.setup_len,
					      .filesz = bz.payload_len,
					      .memsz = bz.payload_len};
	out->nr_seg = 1;
	out->entry = KERNEL_LOAD_GPA + BZ_ENTRY64_OFFSET;
	out->kernel_end = bz.kernel_end;
	out->cmdline_size = bz.cmdline_size;
	out->initrd_addr_max = bz.initrd_addr_max;
	out->setup = bz.setup;
	out->setup_len = bz.setup_len;
	out->protocol = bz.protocol;
	return 0;
}

int kernel_image_synth_setup(const struct kernel_image *k, u8 *buf, size_t len)
{
	if (len < HDR_END)
		return -ENOSPC;
	memset(buf, 0, HDR_END);
	put_le16(buf + HDR(boot_flag), 0xaa55);
	/* the jump over the header says where it ends: all of struct setup_header */
	buf[0x200] = 0xeb;
	buf[0x201] = (u8)(HDR_END - 0x202);
	memcpy(buf + HDR(header), "HdrS", 4);
	put_le16(buf + HDR(version), 0x020f);
	buf[HDR(loadflags)] = LOADED_HIGH;
	put_le32(buf + HDR(initrd_addr_max), k->initrd_addr_max);
	put_le16(buf + HDR(xloadflags), XLF_KERNEL_64);
	put_le32(buf + HDR(cmdline_size), k->cmdline_size);
	put_le64(buf + HDR(pref_address), k->seg[0].gpa);
	put_le32(buf + HDR(init_size), (u32)MIN(k->kernel_end - k->seg[0].gpa, 0xffffffffULL));
	return (int)HDR_END;
}
