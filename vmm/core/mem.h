/* SPDX-License-Identifier: MIT */
/*
 * mem.h - guest RAM: its host mapping, in the ranges the architecture lays
 * it out in (arch_ram_layout(): on x86 around the 32-bit MMIO hole).
 *
 * All of it is one anonymous host mapping, 2 MiB aligned and advised for
 * transparent huge pages, with the ranges back to back, so range i's host
 * address is base + (sum of the sizes before it): one KVM memory slot, and
 * later one VFIO DMA map (iova = gpa), per range.
 */
#ifndef TINYVMM_MEM_H
#define TINYVMM_MEM_H

#include "vmm/arch/arch.h"
#include "vmm/base/util.h"

#define MEM_MAX_RANGES	  ARCH_MAX_RAM_RANGES
#define MEM_HUGEPAGE_SIZE (2 * MiB)

struct mem {
	void *base;	/* the one host mapping of all guest RAM */
	u64 size;	/* guest RAM bytes (= mapping length) */
	bool hugepages; /* backed by 2 MiB hugetlb pages */
	unsigned int nr;
	struct ram_range ranges[MEM_MAX_RANGES]; /* ascending guest addresses */
	void *hva[MEM_MAX_RANGES];		 /* host address of each range */
};

/*
 * Map ram_bytes of guest RAM (MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, 2 MiB
 * aligned, MADV_HUGEPAGE; or MAP_HUGETLB with hugepages, where the pages are
 * reserved up front so a shortage is an error here, never a SIGBUS later). Logs one line and
 * returns -errno on failure.
 */
int mem_create(struct mem *m, u64 ram_bytes, bool hugepages);
void mem_destroy(struct mem *m);

/*
 * Host address of [gpa, gpa+len), or NULL unless all of it lies in one RAM
 * range. len 0 is treated as 1. Overflow-safe; never aborts.
 */
void *mem_gpa_to_hva(const struct mem *m, gpa_t gpa, u64 len);

/* End of the RAM below the MMIO hole (the first range's end). */
u64 mem_low_end(const struct mem *m);

#endif
