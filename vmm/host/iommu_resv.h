/* SPDX-License-Identifier: MIT */
/*
 * iommu_resv.h - the IOVA ranges a host IOMMU group keeps for itself
 * (/sys/kernel/iommu_groups/N/reserved_regions: the MSI doorbell window
 * on arm64's SMMU, the interrupt range on x86), and whether guest RAM,
 * which is DMA-mapped at iova = guest physical address, runs into one.
 *
 * The file has one region a line: "0x<start> 0x<end> <type>", end
 * inclusive, type msi, direct, direct-relaxable or reserved.
 */
#ifndef TINYVMM_IOMMU_RESV_H
#define TINYVMM_IOMMU_RESV_H

#include "vmm/base/util.h"

#define IOMMU_RESV_MAX 32

struct iommu_resv {
	u64 start, end; /* inclusive */
	char type[20];
};

/*
 * Parse the file's text into out (room for max). Pure. Returns the number
 * of regions, or -EINVAL for a malformed line (start > end, not hex, no
 * type), -E2BIG for more than max.
 */
int iommu_resv_parse(const char *text, struct iommu_resv *out, unsigned int max);

/*
 * The first region of r[0..n) that overlaps a RAM range, or -1. Pure.
 * *ram_index is that RAM range.
 */
int iommu_resv_find_overlap(const struct iommu_resv *r, unsigned int n, const struct ram_range *ram,
			    unsigned int nr_ram, unsigned int *ram_index);

/*
 * Read group's reserved regions under root ("/sys") and refuse guest RAM
 * that overlaps one: logs one line for who (the --vf device's name), a user
 * error (-EADDRINUSE) with the --mem that would fit. A group without the
 * file (older kernels) has nothing reserved. Other read failures are the
 * host's (-errno).
 */
int iommu_resv_check(const char *root, const char *who, int group, const struct ram_range *ram,
		     unsigned int nr_ram);

#endif
