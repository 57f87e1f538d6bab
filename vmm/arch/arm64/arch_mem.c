// SPDX-License-Identifier: MIT
/*
 * arch_mem.c - arm64 guest RAM (vmm/arch/arch.h): one range from RAM_BASE,
 * below the 64-bit PCI window. Pure.
 */
#include "arch/layout.h"
#include "vmm/arch/arch.h"

int arch_ram_layout(u64 ram, struct ram_range *out, unsigned int *nr)
{
	if (ram == 0 || ram > GUEST_MAX_RAM || ram % GUEST_PAGE_SIZE)
		return -EINVAL;
	out[0] = (struct ram_range){.gpa = RAM_BASE, .size = ram};
	*nr = 1;
	return 0;
}
