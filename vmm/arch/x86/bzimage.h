/* SPDX-License-Identifier: MIT */
/*
 * bzimage.h - parser for the Linux/x86 bzImage header
 * (Documentation/arch/x86/boot.rst). Pure: works on a buffer holding the
 * whole file and never touches guest memory or KVM.
 *
 * A bzImage is the real-mode setup ((setup_sects + 1) sectors of 512 bytes,
 * the setup header at 0x1f1) followed by the protected-mode kernel, which
 * tinyvmm loads at KERNEL_LOAD_GPA and enters at its 64-bit entry point
 * (+0x200). The kernel then moves itself to its runtime address,
 * max(align_up(KERNEL_LOAD_GPA, kernel_alignment), pref_address) for a
 * relocatable kernel and pref_address otherwise, and decompresses itself
 * into [runtime, runtime + init_size).
 */
#ifndef TINYVMM_BZIMAGE_H
#define TINYVMM_BZIMAGE_H

#include "vmm/base/util.h"

#define BZ_MIN_PROTOCOL	       0x206 /* cmdline_size */
#define BZ_64BIT_PROTOCOL      0x20c /* xloadflags (XLF_KERNEL_64), init_size, pref_address */
#define BZ_SECTOR	       512
#define BZ_DEFAULT_SETUP_SECTS 4		       /* setup_sects 0 means 4 */
#define BZ_ENTRY64_OFFSET      0x200		       /* 64-bit entry: load address + 0x200 */
#define BZ_MAX_SETUP_LEN       ((255 + 1) * BZ_SECTOR) /* setup_sects is one byte */

struct bzimage {
	u16 protocol;	      /* e.g. 0x20f for 2.15 */
	const u8 *setup;      /* boot sector + real-mode setup: copy of the header source */
	size_t setup_len;     /* (setup_sects + 1) * 512 */
	const u8 *payload;    /* protected-mode kernel: the rest of the file (NULL if not in buf) */
	u64 payload_len;      /* >= syssize * 16 (signatures and padding may follow) */
	u32 cmdline_size;     /* longest command line, without the NUL */
	u32 initrd_addr_max;  /* highest address the initrd may occupy (inclusive) */
	u32 init_size;	      /* bytes needed from the runtime address to decompress */
	u32 kernel_alignment; /* a power of two for a relocatable kernel */
	bool relocatable;
	u8 loadflags;
	u16 xloadflags;
	u64 pref_address;  /* preferred (non-relocatable: required) runtime address */
	u64 runtime_start; /* where the kernel will decompress itself (see above) */
	u64 kernel_end;	   /* runtime_start + init_size: [KERNEL_LOAD_GPA, here) is busy */
};

/*
 * Parse and check the bzImage in buf[0..len) for a guest with ram_bytes of
 * RAM. Returns 0 and fills out, or -EINVAL (-ENOMEM when the kernel does
 * not fit in the RAM below the MMIO hole) and sets *why to a one-phrase
 * reason for "kernel FILE: <why>". *why points to a static string or to a
 * per-thread buffer that stays valid until this thread's next call.
 * out->payload and out->setup point into buf.
 */
int bzimage_parse(const void *buf, size_t len, u64 ram_bytes, struct bzimage *out,
		  const char **why);

/*
 * The same for a file of file_len bytes of which buf holds the first len
 * (at least the setup code: BZ_MAX_SETUP_LEN bytes, or the whole file if it
 * is shorter). out->payload is NULL when the payload starts past buf.
 */
int bzimage_parse_prefix(const void *buf, size_t len, u64 file_len, u64 ram_bytes,
			 struct bzimage *out, const char **why);

#endif
