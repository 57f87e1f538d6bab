// SPDX-License-Identifier: MIT
/* test_pci_slots.c - stable guest slot numbers for --vf devices (pci_slots_assign). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "devices/pci_host.h"

#define MAXN 40

static char err[512];
static u8 out[MAXN];

static int assign(const struct pci_slot_req *req, unsigned int n)
{
	memset(out, 0xee, sizeof(out));
	strcpy(err, "(untouched)");
	return pci_slots_assign(req, n, out, err, sizeof(err));
}

static void assert_has(const char *needle)
{
	if (!strstr(err, needle))
		fail_msg("\"%s\" does not contain \"%s\"", err, needle);
	assert_null(strchr(err, '\n')); /* one line */
}

static void test_unpinned_in_order(void **state UNUSED)
{
	const struct pci_slot_req req[] = {
	    {"vfio 0000:01:10.4", -1}, {"vfio 0000:01:10.0", -1}, {"vfio 0000:01:10.2", -1}};

	assert_int_equal(assign(req, 3), 0);
	/* Command-line order, not host address order. */
	assert_int_equal(out[0], PCI_FIRST_DEVICE_SLOT);
	assert_int_equal(out[1], PCI_FIRST_DEVICE_SLOT + 1);
	assert_int_equal(out[2], PCI_FIRST_DEVICE_SLOT + 2);
	assert_int_equal(assign(req, 0), 0);
}

static void test_mixed(void **state UNUSED)
{
	const struct pci_slot_req req[] = {
	    {"A", -1}, {"B", 2}, {"C", -1}, {"D", 1}, {"E", 31}, {"F", -1},
	};

	assert_int_equal(assign(req, 6), 0);
	assert_int_equal(out[0], 3); /* 1 and 2 are pinned by D and B */
	assert_int_equal(out[1], 2);
	assert_int_equal(out[2], 4);
	assert_int_equal(out[3], 1);
	assert_int_equal(out[4], 31);
	assert_int_equal(out[5], 5);
}

static void test_stable_whatever_the_host(void **state UNUSED)
{
	/* The same command line shape with other host functions: same slots. */
	const struct pci_slot_req a[] = {
	    {"vfio 0000:01:10.0", -1}, {"vfio 0000:01:10.2", 7}, {"vfio 0000:01:11.0", -1}};
	const struct pci_slot_req b[] = {
	    {"vfio 0000:82:00.5", -1}, {"vfio 0000:03:02.1", 7}, {"vfio 0000:00:1f.0", -1}};
	u8 first[3];

	assert_int_equal(assign(a, 3), 0);
	memcpy(first, out, 3);
	assert_int_equal(assign(b, 3), 0);
	assert_memory_equal(first, out, 3);
	assert_int_equal(first[0], 1);
	assert_int_equal(first[1], 7);
	assert_int_equal(first[2], 2);
	/* And again: nothing carries over between calls. */
	assert_int_equal(assign(a, 3), 0);
	assert_memory_equal(first, out, 3);
}

static void test_pinned_clash(void **state UNUSED)
{
	const struct pci_slot_req req[] = {
	    {"vfio 0000:01:10.0", 3}, {"vfio 0000:01:10.4", -1}, {"vfio 0000:01:10.2", 3}};

	assert_int_equal(assign(req, 3), -EINVAL);
	assert_has("vfio 0000:01:10.0 and vfio 0000:01:10.2: both pinned to slot=3");
}

static void test_bad_slots(void **state UNUSED)
{
	const struct pci_slot_req zero[] = {{"vfio 0000:01:10.0", -1}, {"vfio 0000:01:10.2", 0}};
	const struct pci_slot_req big[] = {{"vfio 0000:01:10.2", 32}};
	const struct pci_slot_req huge[] = {{"vfio 0000:01:10.2", 1000}};
	const struct pci_slot_req last[] = {{"vfio 0000:01:10.2", 31}};

	assert_int_equal(assign(zero, 2), -EINVAL);
	assert_has("vfio 0000:01:10.2: slot=0 is the PCI host bridge; use slot=1..31");
	assert_int_equal(assign(big, 1), -EINVAL);
	assert_has("vfio 0000:01:10.2: slot=32 is out of range; use slot=1..31");
	assert_int_equal(assign(huge, 1), -EINVAL);
	assert_has("slot=1000 is out of range");
	assert_int_equal(assign(last, 1), 0);
	assert_int_equal(out[0], 31);
}

static void test_too_many(void **state UNUSED)
{
	struct pci_slot_req req[MAXN];
	char names[MAXN][24];

	for (unsigned int i = 0; i < MAXN; i++) {
		snprintf(names[i], sizeof(names[i]), "dev%u", i);
		req[i] = (struct pci_slot_req){names[i], -1};
	}
	/* 31 devices fill slots 1-31 exactly. */
	assert_int_equal(assign(req, 31), 0);
	for (unsigned int i = 0; i < 31; i++)
		assert_int_equal(out[i], i + 1);
	/* The 32nd has nowhere to go; the message names it. */
	assert_int_equal(assign(req, 32), -EINVAL);
	assert_has("dev31: no free PCI slot left");
	/* A pinned device takes one of the 31 too. */
	req[0].slot = 31;
	assert_int_equal(assign(req, 31), 0);
	assert_int_equal(out[0], 31);
	assert_int_equal(out[1], 1);
	assert_int_equal(out[30], 30);
	req[31].slot = -1;
	assert_int_equal(assign(req, 32), -EINVAL);
	assert_has("dev31: no free PCI slot left");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unpinned_in_order),
	    cmocka_unit_test(test_mixed),
	    cmocka_unit_test(test_stable_whatever_the_host),
	    cmocka_unit_test(test_pinned_clash),
	    cmocka_unit_test(test_bad_slots),
	    cmocka_unit_test(test_too_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
