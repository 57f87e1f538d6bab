// SPDX-License-Identifier: MIT
/*
 * fuzz_iommu_resv.c - the parser of an IOMMU group's reserved_regions
 * file (vmm/host/iommu_resv.c): the input is the file's text. What it
 * accepts must be well formed (start <= end, a type without blanks) and
 * the overlap search over it must agree with a plain one.
 */
#include "tests/fuzz/fuzz.h"

#include "vmm/host/iommu_resv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ram_range ram[] = {
	    {0, 0xa0000}, {0x100000, 0xbff00000}, {0x100000000ULL, 0x40000000}, {0xfee00000, 0}};
	struct iommu_resv r[IOMMU_RESV_MAX];
	char *text = malloc(size + 1);
	unsigned int idx = 0;
	int n, hit, want = -1;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	FUZZ_CHECK(iommu_resv_parse(text, r, 0) <= 0);
	n = iommu_resv_parse(text, r, IOMMU_RESV_MAX);
	free(text);
	if (n < 0) {
		FUZZ_CHECK(n == -EINVAL || n == -E2BIG);
		return 0;
	}
	FUZZ_CHECK(n <= IOMMU_RESV_MAX);
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(r[i].start <= r[i].end);
		FUZZ_CHECK(r[i].type[0] && memchr(r[i].type, '\0', sizeof(r[i].type)));
		FUZZ_CHECK(!strpbrk(r[i].type, " \t\n"));
		for (size_t j = 0; want < 0 && j < ARRAY_SIZE(ram); j++)
			if (ram[j].size && r[i].start < ram[j].gpa + ram[j].size &&
			    ram[j].gpa <= r[i].end)
				want = i;
	}
	hit = iommu_resv_find_overlap(r, (unsigned int)n, ram, ARRAY_SIZE(ram), &idx);
	FUZZ_CHECK(hit == want);
	if (hit >= 0)
		FUZZ_CHECK(idx < ARRAY_SIZE(ram));
	return 0;
}
