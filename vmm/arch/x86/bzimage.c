// SPDX-License-Identifier: MIT
/* bzimage.c - bzImage header parser; see bzimage.h and boot.rst. */
#include <asm/bootparam.h>
#include <stdio.h>
#include <string.h>

#include "vmm/arch/x86/bzimage.h"
#include "arch/layout.h"

/* The setup header sits at 0x1f1 in the file (and in the zero page). */
#define HDR_BASE   0x1f1
#define HDR(field) (HDR_BASE + offsetof(struct setup_header, field))
#define HDR_END	   (HDR_BASE + sizeof(struct setup_header))

#define BOOT_FLAG  0xaa55
#define HDRS_MAGIC 0x53726448 /* "HdrS" */

_Static_assert(HDR(boot_flag) == 0x1fe, "setup header layout");
_Static_assert(HDR(header) == 0x202, "setup header layout");
_Static_assert(HDR(init_size) == 0x260, "setup header layout");

static __thread char why_buf[160];

#define WHY(...)                                                                                   \
	({                                                                                         \
		snprintf(why_buf, sizeof(why_buf), __VA_ARGS__);                                   \
		*why = why_buf;                                                                    \
		-EINVAL;                                                                           \
	})

/* Recognise a few things people pass by mistake. */
static const char *not_a_bzimage(const u8 *b, size_t len)
{
	if (len >= 4 && memcmp(b,
			       "\x7f"
			       "ELF",
			       4) == 0)
		return "an ELF file, not a bzImage; use the bzImage (arch/x86/boot/bzImage)";
	if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return "a gzip file, not a bzImage; use the bzImage (arch/x86/boot/bzImage)";
	if (len >= 6 && (memcmp(b, "070701", 6) == 0 || memcmp(b, "070702", 6) == 0))
		return "a cpio archive, not a bzImage; did you mean --initrd?";
	return NULL;
}

static u64 runtime_start(const struct bzimage *bz)
{
	u64 start = bz->pref_address;

	if (bz->relocatable) {
		u64 aligned = ALIGN_UP(KERNEL_LOAD_GPA, (u64)bz->kernel_alignment);

		start = MAX(aligned, bz->pref_address);
	}
	return start;
}

int bzimage_parse(const void *buf, size_t len, u64 ram_bytes, struct bzimage *out, const char **why)
{
	return bzimage_parse_prefix(buf, len, len, ram_bytes, out, why);
}

int bzimage_parse_prefix(const void *buf, size_t len, u64 file_len, u64 ram_bytes,
			 struct bzimage *out, const char **why)
{
	const u8 *b = buf;

	len = (size_t)MIN((u64)len, file_len);
	unsigned int sects;
	u64 syssize_bytes, low_ram;
	const char *other;

	memset(out, 0, sizeof(*out));
	if (len == 0) {
		*why = "empty file";
		return -EINVAL;
	}
	other = not_a_bzimage(b, len);
	if (other) {
		*why = other;
		return -EINVAL;
	}
	if (len < HDR(version) + 2)
		return WHY("not a bzImage (only %zu bytes, too short for the boot header)", len);
	if (get_le16(b + HDR(boot_flag)) != BOOT_FLAG)
		return WHY("not a bzImage (no 0xAA55 boot flag at 0x1fe)");
	if (get_le32(b + HDR(header)) != HDRS_MAGIC) {
		if (b[0] == 'M' && b[1] == 'Z')
			return WHY("a PE/EFI file without a Linux boot header (no HdrS magic)");
		return WHY("not a bzImage (no HdrS magic at 0x202)");
	}
	out->protocol = get_le16(b + HDR(version));
	if (out->protocol < BZ_MIN_PROTOCOL)
		return WHY("boot protocol %u.%02u is too old (need 2.%02u or later)",
			   out->protocol >> 8, out->protocol & 0xff, BZ_MIN_PROTOCOL & 0xff);
	if (out->protocol < BZ_64BIT_PROTOCOL)
		return WHY("boot protocol %u.%02u has no 64-bit entry point (need 2.%02u or "
			   "later, Linux 3.8+)",
			   out->protocol >> 8, out->protocol & 0xff, BZ_64BIT_PROTOCOL & 0xff);

	sects = b[HDR(setup_sects)];
	if (sects == 0)
		sects = BZ_DEFAULT_SETUP_SECTS;
	out->setup_len = (size_t)(sects + 1) * BZ_SECTOR;
	if (out->setup_len >= file_len)
		return WHY("truncated: the setup code is %zu bytes but the file has only %llu",
			   out->setup_len, (unsigned long long)file_len);
	if (out->setup_len > len)
		return WHY("setup code of %zu bytes is more than the %zu bytes read",
			   out->setup_len, len);
	if (out->setup_len < HDR_END)
		return WHY("setup code of %zu bytes cannot hold the boot header", out->setup_len);
	out->setup = b;
	out->payload = out->setup_len < len ? b + out->setup_len : NULL;
	out->payload_len = file_len - out->setup_len;

	out->loadflags = b[HDR(loadflags)];
	if (!(out->loadflags & LOADED_HIGH))
		return WHY("a zImage (loaded low), not a bzImage; rebuild with make bzImage");
	out->xloadflags = get_le16(b + HDR(xloadflags));
	if (!(out->xloadflags & XLF_KERNEL_64))
		return WHY("no 64-bit entry point (XLF_KERNEL_64 clear); use an x86_64 kernel");

	/* The payload is syssize paragraphs; a signature or padding may follow. */
	syssize_bytes = (u64)get_le32(b + HDR(syssize)) * 16;
	if (syssize_bytes == 0)
		return WHY("syssize is 0 (no protected-mode kernel)");
	if (syssize_bytes > out->payload_len)
		return WHY("truncated: the header says %llu bytes of kernel after the setup code "
			   "but the file has only %llu",
			   (unsigned long long)syssize_bytes, (unsigned long long)out->payload_len);
	if (syssize_bytes <= BZ_ENTRY64_OFFSET)
		return WHY("the protected-mode kernel is only %llu bytes, so its 64-bit entry at "
			   "+0x%x is outside it; the file is not a whole kernel",
			   (unsigned long long)syssize_bytes, BZ_ENTRY64_OFFSET);

	out->kernel_alignment = get_le32(b + HDR(kernel_alignment));
	out->relocatable = b[HDR(relocatable_kernel)] != 0;
	if (out->relocatable && !IS_POW2(out->kernel_alignment))
		return WHY("kernel_alignment 0x%x is not a power of two", out->kernel_alignment);
	out->cmdline_size = get_le32(b + HDR(cmdline_size));
	if (out->cmdline_size == 0)
		return WHY("cmdline_size is 0 (the kernel accepts no command line)");
	out->initrd_addr_max = get_le32(b + HDR(initrd_addr_max));
	out->pref_address = get_le64(b + HDR(pref_address));
	out->init_size = get_le32(b + HDR(init_size));
	if (out->init_size == 0)
		return WHY("init_size is 0");
	if (out->pref_address < KERNEL_LOAD_GPA || out->pref_address >= MMIO_HOLE_START)
		return WHY("pref_address 0x%llx is outside low RAM",
			   (unsigned long long)out->pref_address);

	out->runtime_start = runtime_start(out);
	out->kernel_end = out->runtime_start + out->init_size; /* < 2^33: no overflow */
	out->kernel_end = MAX(out->kernel_end, KERNEL_LOAD_GPA + out->payload_len);
	low_ram = MIN(ram_bytes, MMIO_HOLE_START);
	if (out->kernel_end > low_ram) {
		snprintf(why_buf, sizeof(why_buf),
			 "needs RAM up to %llu MiB to decompress (init_size %u MiB at 0x%llx) but "
			 "the guest has %llu MiB below the MMIO hole; use a bigger --mem",
			 (unsigned long long)((out->kernel_end + MiB - 1) / MiB),
			 (unsigned)((out->init_size + MiB - 1) / MiB),
			 (unsigned long long)out->runtime_start,
			 (unsigned long long)(low_ram / MiB));
		*why = why_buf;
		return -ENOMEM;
	}
	*why = NULL;
	return 0;
}
