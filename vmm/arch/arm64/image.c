// SPDX-License-Identifier: MIT
/* image.c - the arm64 Image header, checked; see image.h. */
#include <stdio.h>
#include <string.h>

#include "arch/layout.h"
#include "vmm/arch/arm64/image.h"

static __thread char why_buf[160];

#define WHY(...) (snprintf(why_buf, sizeof(why_buf), __VA_ARGS__), (const char *)why_buf)

/*
 * An EFI-stub Image (every distribution kernel) is also a PE file: "MZ" at
 * 0, the PE header's offset at 60, whose section table says where each
 * section's bytes are in the file. The file must hold them all: a shorter
 * one was cut off. Returns the bytes the sections need, 0 when the Image
 * has no PE header, or -EINVAL (*why set) for one that is malformed or
 * beyond the len bytes read.
 */
static s64 pe_file_size(const u8 *h, size_t len, const char **why)
{
	u32 pe = get_le32(h + 60), sect;
	u16 nsect, opt;
	u64 need = 0;

	if (h[0] != 'M' || h[1] != 'Z' || pe == 0)
		return 0;
	if (pe > len || len - pe < 24 || memcmp(h + pe, "PE\0\0", 4) != 0) {
		*why =
		    WHY("its PE header offset 0x%x does not point at a PE header in the first %zu "
			"bytes",
			pe, len);
		return -EINVAL;
	}
	nsect = get_le16(h + pe + 6);
	opt = get_le16(h + pe + 20);
	sect = pe + 24 + opt;
	if (sect > len || (len - sect) / 40 < nsect) {
		*why = WHY("its PE section table (%u sections) is not in the first %zu bytes",
			   nsect, len);
		return -EINVAL;
	}
	for (u16 i = 0; i < nsect; i++) {
		const u8 *s = h + sect + 40u * i;
		u64 end = (u64)get_le32(s + 20) + get_le32(s + 16); /* PointerToRawData + size */

		need = MAX(need, end);
	}
	return (s64)need;
}

int image_parse(const void *buf, size_t len, u64 file_len, gpa_t ram_base, u64 ram_size,
		u64 reserve, struct arm64_image *out, const char **why)
{
	const u8 *h = buf;
	u64 end, ram_end, usable;

	memset(out, 0, sizeof(*out));
	if (len < IMAGE_HEADER_SIZE || file_len < IMAGE_HEADER_SIZE) {
		*why = WHY("%llu bytes, too short for an arm64 Image (its header is %d bytes)",
			   (unsigned long long)MIN((u64)len, file_len), IMAGE_HEADER_SIZE);
		return -EINVAL;
	}
	if (get_le32(h + 56) != IMAGE_MAGIC) {
		*why =
		    h[0] == 0x1f && h[1] == 0x8b
			? "gzip-compressed (a vmlinuz or Image.gz); unpack it first: gunzip -c "
			  "FILE > Image"
		    : memcmp(h, "\177ELF", 4) == 0
			? "an ELF file (a vmlinux?), not an arm64 Image; "
			  "boot arch/arm64/boot/Image"
		    : len >= 0x206 && memcmp(h + 0x202, "HdrS", 4) == 0
			? "an x86 bzImage, not an arm64 Image"
			: "not an arm64 Image (no \"ARM\\x64\" magic at offset 56); a compressed "
			  "Image.gz must be unpacked first";
		return -EINVAL;
	}
	out->text_offset = get_le64(h + 8);
	out->image_size = get_le64(h + 16);
	out->flags = get_le64(h + 24);
	out->file_size = file_len;
	if (out->image_size == 0) {
		*why =
		    "image_size is 0: a kernel older than Linux 3.17, which tinyvmm does not boot";
		return -EINVAL;
	}
	if (out->flags & IMAGE_FLAG_BE) {
		*why = "a big-endian kernel; tinyvmm boots little-endian arm64 kernels";
		return -EINVAL;
	}
	if (out->flags & ~IMAGE_FLAGS_KNOWN) {
		*why = WHY("unknown header flags 0x%llx (known: 0x%llx)",
			   (unsigned long long)out->flags, (unsigned long long)IMAGE_FLAGS_KNOWN);
		return -EINVAL;
	}
	if (out->text_offset >= IMAGE_TEXT_OFFSET_MAX || out->text_offset % 8) {
		*why = WHY("text_offset 0x%llx is not an 8-byte aligned offset below 2 MiB",
			   (unsigned long long)out->text_offset);
		return -EINVAL;
	}
	{
		s64 need = pe_file_size(h, len, why);

		if (need < 0)
			return -EINVAL;
		if ((u64)need > file_len) {
			*why = WHY("truncated: %llu bytes, but its PE sections end at byte %lld",
				   (unsigned long long)file_len, (long long)need);
			return -EINVAL;
		}
	}
	if (file_len > out->image_size) {
		*why = WHY("the file (%llu bytes) is larger than its image_size (%llu bytes): not "
			   "an Image, or a damaged one",
			   (unsigned long long)file_len, (unsigned long long)out->image_size);
		return -EINVAL;
	}
	out->load = ram_base + out->text_offset;
	if (__builtin_add_overflow(out->load, out->image_size, &end) ||
	    __builtin_add_overflow(ram_base, ram_size, &ram_end) || reserve > ram_size) {
		*why = "the kernel does not fit in the guest's address space";
		return -EINVAL;
	}
	out->end = end;
	usable = ram_end - reserve;
	if (end > usable) {
		*why =
		    WHY("needs %llu MiB of RAM for the kernel and %llu MiB for the device tree, "
			"more than the guest has (%llu MiB); use a bigger --mem",
			(unsigned long long)((end - ram_base + MiB - 1) / MiB),
			(unsigned long long)(reserve / MiB), (unsigned long long)(ram_size / MiB));
		return -ENOMEM;
	}
	return 0;
}

int image_place_initrd(const struct arm64_image *img, gpa_t ram_base, gpa_t dtb_gpa, u64 size,
		       gpa_t *out)
{
	u64 limit = MIN(dtb_gpa, ram_base + IMAGE_INITRD_WINDOW), start;

	if (size == 0 || size > limit)
		return -ENOSPC;
	start = (limit - size) & ~(GUEST_PAGE_SIZE - 1);
	if (start < img->end)
		return -ENOSPC;
	*out = start;
	return 0;
}
