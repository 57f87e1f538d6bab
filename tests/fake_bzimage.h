/* SPDX-License-Identifier: MIT */
/*
 * fake_bzimage.h - the setup header of a minimal, valid boot protocol 2.15
 * bzImage, shared by the tests that build synthetic kernels.
 */
#ifndef TINYVMM_FAKE_BZIMAGE_H
#define TINYVMM_FAKE_BZIMAGE_H

#include <asm/bootparam.h>
#include <stddef.h>
#include <string.h>

#include "vmm/base/util.h"

#define FAKE_BZ_OFF(field) (0x1f1 + offsetof(struct setup_header, field))

struct fake_bz {
	u8 setup_sects;	  /* the setup code is (setup_sects + 1) * 512 bytes */
	u32 payload_len;  /* protected-mode kernel bytes after the setup */
	u32 cmdline_size; /* longest command line the kernel takes */
	u32 init_size;	  /* memory the kernel needs from its load address */
	u16 xloadflags;	  /* XLF_KERNEL_64 at least */
};

/* Write the setup header described by f into img (at least 0x268 bytes). */
static inline void fake_bzimage_header(u8 *img, const struct fake_bz *f)
{
	img[FAKE_BZ_OFF(setup_sects)] = f->setup_sects;
	put_le32(img + FAKE_BZ_OFF(syssize), f->payload_len / 16);
	put_le16(img + FAKE_BZ_OFF(boot_flag), 0xaa55);
	img[0x200] = 0xeb; /* the jump over the header: its length */
	img[0x201] = 0x6a;
	memcpy(img + FAKE_BZ_OFF(header), "HdrS", 4);
	put_le16(img + FAKE_BZ_OFF(version), 0x020f);
	img[FAKE_BZ_OFF(loadflags)] = LOADED_HIGH;
	put_le32(img + FAKE_BZ_OFF(initrd_addr_max), 0x7fffffff);
	put_le32(img + FAKE_BZ_OFF(kernel_alignment), 0x200000);
	img[FAKE_BZ_OFF(relocatable_kernel)] = 1;
	put_le16(img + FAKE_BZ_OFF(xloadflags), f->xloadflags);
	put_le32(img + FAKE_BZ_OFF(cmdline_size), f->cmdline_size);
	put_le64(img + FAKE_BZ_OFF(pref_address), 0x1000000);
	put_le32(img + FAKE_BZ_OFF(init_size), f->init_size);
}

#endif
