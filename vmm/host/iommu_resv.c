// SPDX-License-Identifier: MIT
/* iommu_resv.c - IOMMU reserved regions against guest RAM; see iommu_resv.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/err.h"
#include "vmm/host/iommu_resv.h"
#include "vmm/host/pci_sysfs.h"

#define RESV_FILE_MAX 4096

/* A "0x..." number at *p; advances *p. */
static int hex(const char **p, u64 *out)
{
	char *end;

	if ((*p)[0] != '0' || ((*p)[1] != 'x' && (*p)[1] != 'X'))
		return -EINVAL;
	errno = 0;
	*out = strtoull(*p, &end, 16);
	if (errno || end == *p + 2)
		return -EINVAL;
	*p = end;
	return 0;
}

int iommu_resv_parse(const char *text, struct iommu_resv *out, unsigned int max)
{
	unsigned int n = 0;
	const char *p = text;

	while (*p) {
		struct iommu_resv r = {0};
		size_t tl;

		if (*p == '\n') {
			p++;
			continue;
		}
		if (hex(&p, &r.start) < 0 || *p++ != ' ' || hex(&p, &r.end) < 0 || *p++ != ' ' ||
		    r.start > r.end)
			return -EINVAL;
		tl = strcspn(p, "\n");
		if (tl == 0 || tl >= sizeof(r.type) || strcspn(p, " \t") < tl)
			return -EINVAL;
		memcpy(r.type, p, tl);
		p += tl;
		if (n == max)
			return -E2BIG;
		out[n++] = r;
	}
	return (int)n;
}

int iommu_resv_find_overlap(const struct iommu_resv *r, unsigned int n, const struct ram_range *ram,
			    unsigned int nr_ram, unsigned int *ram_index)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < nr_ram; j++) {
			if (!ram[j].size)
				continue;
			/* ram[j] is [gpa, gpa + size - 1], inclusive like the region */
			if (r[i].start <= ram[j].gpa + (ram[j].size - 1) &&
			    ram[j].gpa <= r[i].end) {
				*ram_index = j;
				return (int)i;
			}
		}
	return -1;
}

int iommu_resv_check(const char *root, const char *who, int group, const struct ram_range *ram,
		     unsigned int nr_ram)
{
	struct iommu_resv r[IOMMU_RESV_MAX];
	char path[256], text[RESV_FILE_MAX];
	unsigned int j = 0;
	u64 below = 0;
	ssize_t len;
	int n, i;

	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/reserved_regions", root, group);
	len = pci_sysfs_read_file(path, text, sizeof(text));
	if (len == -ENOENT)
		return 0;
	if (len < 0)
		return err_host((int)len, "%s: cannot read %s: %s", who, path, strerror((int)-len));
	n = iommu_resv_parse(text, r, IOMMU_RESV_MAX);
	if (n < 0)
		return err_host(-EIO, "%s: %s: %s", who, path,
				n == -E2BIG ? "more regions than tinyvmm reads"
					    : "a line is not \"0xSTART 0xEND TYPE\"");
	i = iommu_resv_find_overlap(r, (unsigned int)n, ram, nr_ram, &j);
	if (i < 0)
		return 0;
	for (unsigned int k = 0; k < j; k++) /* the RAM below the region: the --mem that fits */
		below += ram[k].size;
	if (r[i].start > ram[j].gpa)
		return err_user(-EADDRINUSE,
				"%s: IOMMU group %d reserves 0x%llx-0x%llx (%s) inside guest RAM "
				"0x%llx-0x%llx, where the device could not DMA; give at most "
				"--mem %lluM",
				who, group, (unsigned long long)r[i].start,
				(unsigned long long)r[i].end, r[i].type,
				(unsigned long long)ram[j].gpa,
				(unsigned long long)(ram[j].gpa + ram[j].size - 1),
				(unsigned long long)((below + r[i].start - ram[j].gpa) / MiB));
	return err_user(-EADDRINUSE,
			"%s: IOMMU group %d reserves 0x%llx-0x%llx (%s) inside guest RAM "
			"0x%llx-0x%llx, where the device could not DMA; this host's IOMMU and "
			"tinyvmm's guest layout clash",
			who, group, (unsigned long long)r[i].start, (unsigned long long)r[i].end,
			r[i].type, (unsigned long long)ram[j].gpa,
			(unsigned long long)(ram[j].gpa + ram[j].size - 1));
}
