// SPDX-License-Identifier: MIT
/* test_cmos.c - CMOS RAM behind the index/data ports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "devices/x86/cmos.h"

static u8 rd(struct device *d, u64 off)
{
	u8 v = 0x5a;

	assert_int_equal(d->ops->pio(d, off, &v, 1, false), 0);
	return v;
}

static void wr(struct device *d, u64 off, u8 v)
{
	assert_int_equal(d->ops->pio(d, off, &v, 1, true), 0);
}

static void test_ram_and_index(void **state UNUSED)
{
	struct device *d = cmos_create();

	assert_non_null(d);
	/* Linux's warm-reset code: select 0x0f (NMI disabled), write 0x0a */
	wr(d, 0, 0x8f);
	wr(d, 1, 0x0a);
	assert_int_equal(rd(d, 0), 0x8f);
	assert_int_equal(rd(d, 1), 0x0a);
	/* the NMI bit does not change which byte is addressed */
	wr(d, 0, 0x0f);
	assert_int_equal(rd(d, 1), 0x0a);
	/* status A: never "update in progress" */
	wr(d, 0, 0x0a);
	assert_int_equal(rd(d, 1) & 0x80, 0);
	/* every byte is its own */
	for (unsigned int i = 0; i < CMOS_SIZE; i++) {
		wr(d, 0, (u8)i);
		wr(d, 1, (u8)(i ^ 0x55));
	}
	for (unsigned int i = 0; i < CMOS_SIZE; i++) {
		wr(d, 0, (u8)i);
		assert_int_equal(rd(d, 1), (u8)(i ^ 0x55));
	}
	d->ops->destroy(d);
}

static void test_bad_accesses(void **state UNUSED)
{
	struct device *d = cmos_create();
	u32 v = 0;

	assert_non_null(d);
	/* wider accesses and offsets past the two ports are ignored */
	assert_int_equal(d->ops->pio(d, 0, &v, 4, false), 0);
	assert_int_equal(v, 0xffffffff);
	v = 0x12345678;
	assert_int_equal(d->ops->pio(d, 0, &v, 2, true), 0);
	assert_int_equal(rd(d, 0), 0);
	assert_int_equal(d->ops->pio(d, 2, &v, 1, false), 0);
	assert_int_equal(v & 0xff, 0xff);
	d->ops->destroy(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ram_and_index),
	    cmocka_unit_test(test_bad_accesses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
