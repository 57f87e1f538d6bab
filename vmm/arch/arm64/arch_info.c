// SPDX-License-Identifier: MIT
/* arch_info.c - arm64 in words, for help texts (tinyvmm_arch(), include/tinyvmm.h). */
#include "arch/layout.h"
#include "include/tinyvmm.h"

#define STR_(x) #x
#define STR(x)	STR_(x)

const struct tinyvmm_arch *tinyvmm_arch(void)
{
	static const struct tinyvmm_arch a = {
	    .name = "arm64",
	    .kernel_arg = "Image",
	    .kernel_help = "Linux arm64 Image (uncompressed: gunzip an Image.gz) to boot "
			   "(required)",
	    .kernel_example = "Image",
	    .console = "the 16550 UART, ttyS0",
	    .guest_exit = "a 1-byte write of STATUS to " STR(
		DEBUG_EXIT_GPA) " (busybox: devmem " STR(DEBUG_EXIT_GPA) " 8 STATUS)",
	};

	return &a;
}
