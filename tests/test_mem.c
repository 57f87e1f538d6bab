// SPDX-License-Identifier: MIT
/* test_mem.c - guest RAM layout and gpa -> hva translation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>
#include <string.h>

#include "arch/layout.h"
#include "vmm/arch/arch.h"
#include "vmm/core/mem.h"

static void test_layout_small(void **state UNUSED)
{
	struct ram_range r[MEM_MAX_RANGES];
	unsigned int nr = 99;

	assert_int_equal(arch_ram_layout(16 * MiB, r, &nr), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(r[0].gpa, 0);
	assert_int_equal(r[0].size, 16 * MiB);
}

static void test_layout_exactly_hole(void **state UNUSED)
{
	struct ram_range r[MEM_MAX_RANGES];
	unsigned int nr;

	assert_int_equal(arch_ram_layout(3 * GiB, r, &nr), 0);
	assert_int_equal(MMIO_HOLE_START, 3 * GiB);
	assert_int_equal(nr, 1);
	assert_int_equal(r[0].size, 3 * GiB);
}

static void test_layout_high(void **state UNUSED)
{
	struct ram_range r[MEM_MAX_RANGES];
	unsigned int nr;

	assert_int_equal(arch_ram_layout(3 * GiB + MiB, r, &nr), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(r[0].gpa, 0);
	assert_int_equal(r[0].size, MMIO_HOLE_START);
	assert_int_equal(r[1].gpa, HIGH_RAM_START);
	assert_int_equal(r[1].size, MiB);

	/* The largest size still ends at the 64-bit PCI window. */
	assert_int_equal(arch_ram_layout(GUEST_MAX_RAM, r, &nr), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(r[1].gpa + r[1].size, PCI_MMIO64_BASE);
}

static void test_layout_bad(void **state UNUSED)
{
	struct ram_range r[MEM_MAX_RANGES];
	unsigned int nr;

	assert_int_equal(arch_ram_layout(0, r, &nr), -EINVAL);
	assert_int_equal(arch_ram_layout(GUEST_MAX_RAM + GUEST_PAGE_SIZE, r, &nr), -EINVAL);
	assert_int_equal(arch_ram_layout(~0ULL, r, &nr), -EINVAL);
	assert_int_equal(arch_ram_layout(16 * MiB + 1, r, &nr), -EINVAL);
}

/* A fake mem: two ranges over a small buffer, same shape as mem_create's. */
static u8 backing[3 * 4096];

static void fake_mem(struct mem *m)
{
	memset(m, 0, sizeof(*m));
	m->nr = 2;
	m->ranges[0] = (struct ram_range){.gpa = 0, .size = 2 * 4096};
	m->ranges[1] = (struct ram_range){.gpa = HIGH_RAM_START, .size = 4096};
	m->hva[0] = backing;
	m->hva[1] = backing + 2 * 4096;
	m->base = backing;
	m->size = sizeof(backing);
}

static void test_gpa_to_hva(void **state UNUSED)
{
	struct mem m;

	fake_mem(&m);
	assert_ptr_equal(mem_gpa_to_hva(&m, 0, 1), backing);
	assert_ptr_equal(mem_gpa_to_hva(&m, 0, 2 * 4096), backing);
	assert_ptr_equal(mem_gpa_to_hva(&m, 2 * 4096 - 1, 1), backing + 2 * 4096 - 1);
	assert_ptr_equal(mem_gpa_to_hva(&m, 100, 0), backing + 100); /* len 0 acts as 1 */
	/* Past the end of the low range, and into the hole. */
	assert_null(mem_gpa_to_hva(&m, 2 * 4096, 1));
	assert_null(mem_gpa_to_hva(&m, 0, 2 * 4096 + 1));
	assert_null(mem_gpa_to_hva(&m, MMIO_HOLE_START - 1, 1));
	assert_null(mem_gpa_to_hva(&m, LAPIC_GPA, 4));
	/* The high range, and straddling its start or end. */
	assert_ptr_equal(mem_gpa_to_hva(&m, HIGH_RAM_START, 4096), backing + 2 * 4096);
	assert_ptr_equal(mem_gpa_to_hva(&m, HIGH_RAM_START + 4095, 1), backing + 3 * 4096 - 1);
	assert_null(mem_gpa_to_hva(&m, HIGH_RAM_START - 1, 2));
	assert_null(mem_gpa_to_hva(&m, HIGH_RAM_START + 4095, 2));
	/* Wrapping past 2^64. */
	assert_null(mem_gpa_to_hva(&m, ~0ULL, 1));
	assert_null(mem_gpa_to_hva(&m, ~0ULL - 10, 100));
	assert_null(mem_gpa_to_hva(&m, 1, ~0ULL));
	assert_null(mem_gpa_to_hva(&m, 0, ~0ULL));
}

static void test_create_maps_back_to_back(void **state UNUSED)
{
	struct mem m;
	u8 *p;

	assert_int_equal(mem_create(&m, 32 * MiB, false), 0);
	assert_non_null(m.base);
	assert_int_equal(m.nr, 1);
	assert_int_equal(m.size, 32 * MiB);
	assert_int_equal(mem_low_end(&m), 32 * MiB);
	p = mem_gpa_to_hva(&m, 32 * MiB - 8, 8);
	assert_ptr_equal(p, (u8 *)m.base + 32 * MiB - 8);
	memset(p, 0xab, 8); /* the mapping is writable */
	assert_null(mem_gpa_to_hva(&m, 32 * MiB - 8, 9));
	/* 2 MiB aligned, so transparent huge pages can back it */
	assert_int_equal((uintptr_t)m.base % MEM_HUGEPAGE_SIZE, 0);
	mem_destroy(&m);
	assert_null(m.base);

	/* Above the hole: one mapping, the high range right after the low one.
	 * MAP_NORESERVE: nothing is touched, so this costs no memory. */
	assert_int_equal(mem_create(&m, 4 * GiB, false), 0);
	assert_int_equal(m.nr, 2);
	assert_ptr_equal(m.hva[0], m.base);
	assert_ptr_equal(m.hva[1], (u8 *)m.base + MMIO_HOLE_START);
	assert_ptr_equal(mem_gpa_to_hva(&m, HIGH_RAM_START, 1), m.hva[1]);
	assert_int_equal(mem_low_end(&m), MMIO_HOLE_START);
	mem_destroy(&m);
}

static void test_create_bad(void **state UNUSED)
{
	struct mem m;

	assert_int_equal(mem_create(&m, 0, false), -EINVAL);
	assert_int_equal(mem_create(&m, 3 * MiB, true), -EINVAL); /* not 2 MiB-aligned */
}

/* Free 2 MiB huge pages per /proc/meminfo, or -1 if unknown. */
static long hugepages_free(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "HugePages_Free: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

static void test_hugepages_shortage(void **state UNUSED)
{
	struct mem m;
	long avail = hugepages_free();

	if (avail < 0) {
		print_message("skipped: no HugePages_Free line in /proc/meminfo\n");
		skip();
	}
	/* Ask for more than is free: mmap must fail now, not SIGBUS later. */
	assert_int_not_equal(mem_create(&m, (u64)(avail + 1) * MEM_HUGEPAGE_SIZE, true), 0);
	assert_null(m.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout_small), cmocka_unit_test(test_layout_exactly_hole),
	    cmocka_unit_test(test_layout_high),	 cmocka_unit_test(test_layout_bad),
	    cmocka_unit_test(test_gpa_to_hva),	 cmocka_unit_test(test_create_maps_back_to_back),
	    cmocka_unit_test(test_create_bad),	 cmocka_unit_test(test_hugepages_shortage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
