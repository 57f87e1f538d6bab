// SPDX-License-Identifier: MIT
/*
 * arch_mem.c - x86 guest RAM (vmm/arch/arch.h): [0, min(ram,
 * MMIO_HOLE_START)) and, when there is more, [HIGH_RAM_START, +rest), around
 * the 32-bit PCI and IOAPIC/LAPIC hole. Pure.
 */
#include "arch/layout.h"
#include "vmm/arch/arch.h"

int arch_ram_layout(u64 ram, struct ram_range *out, unsigned int *nr)
{
	u64 low, high;

	if (ram == 0 || ram > GUEST_MAX_RAM || ram % GUEST_PAGE_SIZE)
		return -EINVAL;
	low = MIN(ram, MMIO_HOLE_START);
	high = ram - low;
	out[0] = (struct ram_range){.gpa = 0, .size = low};
	*nr = 1;
	if (high) {
		u64 end;

		/* GUEST_MAX_RAM keeps this below PCI_MMIO64_BASE; check anyway. */
		if (__builtin_add_overflow(HIGH_RAM_START, high, &end) || end > PCI_MMIO64_BASE)
			return -EINVAL;
		out[1] = (struct ram_range){.gpa = HIGH_RAM_START, .size = high};
		*nr = 2;
	}
	return 0;
}
