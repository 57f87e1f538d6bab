// SPDX-License-Identifier: MIT
/* arch_info.c - x86 in words, for help texts (tinyvmm_arch(), include/tinyvmm.h). */
#include "arch/layout.h"
#include "include/tinyvmm.h"

#define STR_(x) #x
#define STR(x)	STR_(x)

const struct tinyvmm_arch *tinyvmm_arch(void)
{
	static const struct tinyvmm_arch a = {
	    .name = "x86_64",
	    .kernel_arg = "bzImage|vmlinux",
	    .kernel_help = "Linux bzImage, or uncompressed vmlinux (ELF), to boot (required)",
	    .kernel_example = "bzImage",
	    .console = "the first serial port, ttyS0 (COM1)",
	    .guest_exit = "outb(STATUS, " STR(DEBUG_EXIT_PORT) ") (the debug exit port)",
	};

	return &a;
}
