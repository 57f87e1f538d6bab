// SPDX-License-Identifier: MIT
/* test_smaps.c - AnonHugePages of a range from /proc/self/smaps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/host/smaps.h"

/* Three VMAs: the guest RAM (1 GiB at 0x7f0000000000, 1000 MiB huge), a
 * neighbour with huge pages of its own, and the stack. */
static const char SAMPLE[] =
    "7f0000000000-7f0040000000 rw-p 00000000 00:00 0 \n"
    "Size:            1048576 kB\n"
    "Rss:             1048576 kB\n"
    "AnonHugePages:   1024000 kB\n"
    "THPeligible:    1\n"
    "VmFlags: rd wr mr mw me nr hg\n"
    "7f0040000000-7f0040400000 rw-p 00000000 00:00 0 \n"
    "AnonHugePages:      4096 kB\n"
    "VmFlags: rd wr mr mw me ac\n"
    "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]\n"
    "AnonHugePages:         0 kB\n";

#define RAM_LO 0x7f0000000000ULL
#define RAM_HI 0x7f0040000000ULL

static int scan_text(const char *text, u64 start, u64 end, u64 *huge)
{
	struct smaps_scan s;
	char *copy = strdup(text), *save = NULL;

	smaps_scan_init(&s, start, end);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		smaps_scan_line(&s, l);
	free(copy);
	return smaps_scan_finish(&s, huge);
}

static void test_ram_range(void **state UNUSED)
{
	u64 huge = 1;

	assert_int_equal(scan_text(SAMPLE, RAM_LO, RAM_HI, &huge), 0);
	assert_int_equal(huge, 1024000 * KiB);
	/* the neighbour is not counted; a range over both is */
	assert_int_equal(scan_text(SAMPLE, RAM_LO, RAM_HI + 4 * MiB, &huge), 0);
	assert_int_equal(huge, 1028096 * KiB);
}

/* A VMA only partly in the range counts at most the part inside it. */
static void test_partial_overlap(void **state UNUSED)
{
	u64 huge;

	assert_int_equal(scan_text(SAMPLE, RAM_LO, RAM_LO + 2 * MiB, &huge), 0);
	assert_int_equal(huge, 2 * MiB);
	assert_int_equal(scan_text(SAMPLE, RAM_HI + 2 * MiB, RAM_HI + 3 * MiB, &huge), 0);
	assert_int_equal(huge, MiB);
}

static void test_no_vma(void **state UNUSED)
{
	u64 huge = 1;

	assert_int_equal(scan_text(SAMPLE, 0x1000, 0x2000, &huge), -ENOENT);
	assert_int_equal(huge, 0);
	assert_int_equal(scan_text("", RAM_LO, RAM_HI, &huge), -ENOENT);
	/* a VMA without the line (no THP in the kernel): in the range, 0 huge */
	assert_int_equal(scan_text("7f0000000000-7f0040000000 rw-p 0 00:00 0\nRss: 4 kB\n", RAM_LO,
				   RAM_HI, &huge),
			 0);
	assert_int_equal(huge, 0);
}

static void test_malformed(void **state UNUSED)
{
	static const char *const bad[] = {
	    "7f0000000000 rw-p 0 00:00 0\n",		       /* no '-' */
	    "7f0000000000-7f0040000000rw-p\n",		       /* no blank */
	    "7f0040000000-7f0000000000 rw-p 0 00:00 0\n",      /* lo > hi */
	    "7f0000000000-7f0000000000 rw-p 0 00:00 0\n",      /* empty */
	    "7f0000000000-12345678901234567 rw-p 0 00:00 0\n", /* over 64 bits */
	    "7f0000000000-7f0040000000 rw-p 0 00:00 0\nAnonHugePages: kB\n",
	    "7f0000000000-7f0040000000 rw-p 0 00:00 0\nAnonHugePages: 12 MB\n",
	    "7f0000000000-7f0040000000 rw-p 0 00:00 0\nAnonHugePages: 12 kBx\n",
	    "7f0000000000-7f0040000000 rw-p 0 00:00 0\nAnonHugePages: 99999999999999999999 kB\n",
	    "7f0000000000-7f0040000000 rw-p 0 00:00 0\nAnonHugePages: -4 kB\n",
	};
	u64 huge;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[1024];

		/* then a good VMA: the scan stays failed */
		snprintf(text, sizeof(text), "%s%s", bad[i], SAMPLE);
		assert_int_equal(scan_text(text, RAM_LO, RAM_HI, &huge), -EINVAL);
		assert_int_equal(huge, 0);
	}
}

/* The line is taken with or without its newline. */
static void test_line_ends(void **state UNUSED)
{
	struct smaps_scan s;
	u64 huge;

	smaps_scan_init(&s, RAM_LO, RAM_HI);
	assert_int_equal(smaps_scan_line(&s, "7f0000000000-7f0040000000 rw-p 0 00:00 0\n"), 0);
	assert_int_equal(smaps_scan_line(&s, "AnonHugePages:   2048 kB\n"), 0);
	assert_int_equal(smaps_scan_line(&s, "AnonHugePages:   2048 kB"), 0);
	assert_int_equal(smaps_scan_finish(&s, &huge), 0);
	assert_int_equal(huge, 4 * MiB);
	assert_int_equal(smaps_scan_line(&s, "zz"), 0); /* neither kind: ignored */
	assert_int_equal(smaps_scan_line(&s, "e-"), -EINVAL);
	assert_int_equal(smaps_scan_line(&s, "AnonHugePages: 4 kB"), -EINVAL); /* stays failed */
}

/* The file reader: a header longer than its line buffer, a missing file. */
static void test_file(void **state UNUSED)
{
	char path[] = "/tmp/test_smaps.XXXXXX", name[5000]; /* past the reader's 4 KiB */
	FILE *f;
	u64 huge;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	/* the header's path runs past the reader's buffer; its tail holds a
	 * text that would read as a header if taken for a line */
	fprintf(f, "1000-2000 rw-p 0 00:00 0 /%s 7f0000000000-7f0040000000 x\n", name);
	fprintf(f, "AnonHugePages: 4 kB\n%s", SAMPLE);
	fclose(f);
	assert_int_equal(smaps_anon_huge(path, RAM_LO, RAM_HI, &huge), 0);
	assert_int_equal(huge, 1024000 * KiB);
	unlink(path);
	assert_int_equal(smaps_anon_huge(path, RAM_LO, RAM_HI, &huge), -ENOENT);
}

/* hugetlbfs pages (--hugepages) count too, a VMA's lines together at most its size. */
static void test_hugetlb(void **state UNUSED)
{
	struct smaps_scan s;
	u64 huge;

	smaps_scan_init(&s, RAM_LO, RAM_HI);
	assert_int_equal(
	    smaps_scan_line(&s, "7f0000000000-7f0000400000 rw-s 0 00:0f 7 /anon_hugepage"), 0);
	assert_int_equal(smaps_scan_line(&s, "AnonHugePages:         0 kB"), 0);
	assert_int_equal(smaps_scan_line(&s, "Shared_Hugetlb:     2048 kB"), 0);
	assert_int_equal(smaps_scan_line(&s, "Private_Hugetlb:    4096 kB"), 0);
	assert_int_equal(smaps_scan_finish(&s, &huge), 0);
	assert_int_equal(huge, 4 * MiB); /* 6 MiB said, the VMA is 4 */
	assert_int_equal(smaps_scan_line(&s, "Private_Hugetlb: x kB"), -EINVAL);
}

/* This process's own smaps, by path and through the kept fd (twice: each
 * read starts at the top): a mapping of ours is found. */
static void test_self(void **state UNUSED)
{
	size_t len = 8 << 20;
	u8 *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	u64 huge = ~0ULL;

	assert_ptr_not_equal(p, MAP_FAILED);
	memset(p, 1, len);
	assert_int_equal(smaps_anon_huge(SMAPS_PATH, (uintptr_t)p, (uintptr_t)p + len, &huge), 0);
	assert_true(huge <= len);
	assert_int_equal(smaps_anon_huge(NULL, (uintptr_t)p, (uintptr_t)p + len, &huge), 0);
	assert_int_equal(smaps_keep_open(), 0);
	for (int i = 0; i < 2; i++) {
		huge = ~0ULL;
		assert_int_equal(smaps_anon_huge(NULL, (uintptr_t)p, (uintptr_t)p + len, &huge), 0);
		assert_true(huge <= len);
	}
	munmap(p, len);
	assert_int_equal(smaps_anon_huge(NULL, (uintptr_t)p, (uintptr_t)p + len, &huge), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ram_range), cmocka_unit_test(test_partial_overlap),
	    cmocka_unit_test(test_no_vma),    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_line_ends), cmocka_unit_test(test_file),
	    cmocka_unit_test(test_hugetlb),   cmocka_unit_test(test_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
