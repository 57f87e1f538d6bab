// SPDX-License-Identifier: MIT
/* test_power.c - ACPI sleep/reset, i8042 reset, pvpanic and POST ports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "devices/power.h"
#include "devices/x86/acpi_pm.h"
#include "devices/x86/i8042.h"
#include "arch/layout.h"

struct rec {
	int n;
	enum power_event last;
};

static void rec_event(void *opaque, enum power_event ev)
{
	struct rec *r = opaque;

	r->n++;
	r->last = ev;
}

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

#define SLP_CTL (ACPI_SLEEP_CTL_PORT - ACPI_PM_PORT)
#define SLP_STS (ACPI_SLEEP_STS_PORT - ACPI_PM_PORT)
#define RESET	(ACPI_RESET_PORT - ACPI_PM_PORT)

static void test_acpi_poweroff(void **state)
{
	struct rec r = {0};
	struct device *d = power_acpi_create(rec_event, &r);
	(void)state;

	assert_non_null(d);
	assert_non_null(d->ops->destroy);
	/* SLP_TYP without SLP_EN does nothing. */
	wr(d, SLP_CTL, ACPI_S5_SLP_TYP << 2);
	assert_int_equal(r.n, 0);
	/* SLP_EN with S5: power off. */
	wr(d, SLP_CTL, ACPI_SLP_EN | ACPI_S5_SLP_TYP << 2);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.last, POWER_OFF);
	/* Other sleep types are ignored (S3 suspend, say). */
	for (u8 typ = 0; typ < 8; typ++) {
		if (typ == ACPI_S5_SLP_TYP)
			continue;
		wr(d, SLP_CTL, (u8)(ACPI_SLP_EN | typ << 2));
	}
	assert_int_equal(r.n, 1);
	/* Registers read 0; status writes are accepted. */
	assert_int_equal(rd(d, SLP_CTL), 0);
	wr(d, SLP_STS, 0x80);
	assert_int_equal(rd(d, SLP_STS), 0);
	assert_int_equal(r.n, 1);
	d->ops->destroy(d);
}

static void test_acpi_reset(void **state)
{
	struct rec r = {0};
	struct device *d = power_acpi_create(rec_event, &r);
	(void)state;

	assert_non_null(d);
	wr(d, RESET, ACPI_RESET_VALUE + 1);
	wr(d, RESET, 0);
	wr(d, RESET, 0xff);
	assert_int_equal(r.n, 0);
	wr(d, RESET, ACPI_RESET_VALUE);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.last, POWER_RESET);
	/* The reset value written to the sleep register is not a reset. */
	wr(d, SLP_CTL, ACPI_RESET_VALUE);
	assert_int_equal(r.n, 1);
	/* A word write covering both registers acts on each byte. */
	u16 w = (u16)(ACPI_SLP_EN | ACPI_S5_SLP_TYP << 2);
	assert_int_equal(d->ops->pio(d, SLP_CTL, &w, 2, true), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.last, POWER_OFF);
	u32 v = 0xdeadbeef;
	assert_int_equal(d->ops->pio(d, 0, &v, 4, false), 0);
	assert_int_equal(v, 0);
	d->ops->destroy(d);
}

#define KBD_DATA 0
#define KBD_CMD	 (I8042_CMD_PORT - I8042_DATA_PORT)

static void test_i8042(void **state)
{
	struct rec r = {0};
	struct device *d = i8042_create(rec_event, &r);
	(void)state;

	assert_non_null(d);
	assert_int_equal(I8042_PORT_LEN, 5);
	assert_int_equal(KBD_CMD, 4);
	/* Status: no output data (bit 0), input buffer free (bit 1), system flag. */
	u8 st = rd(d, KBD_CMD);
	assert_int_equal(st, I8042_STATUS);
	assert_int_equal(st & 0x03, 0);
	assert_int_equal(st & 0x04, 0x04);
	assert_int_equal(rd(d, KBD_DATA), 0);
	/* Other commands and data are ignored. */
	wr(d, KBD_CMD, 0xaa);
	wr(d, KBD_CMD, 0xd1);
	wr(d, KBD_DATA, 0xfe); /* 0xfe as data is not the reset command */
	wr(d, KBD_CMD, 0x20);
	assert_int_equal(rd(d, KBD_CMD), I8042_STATUS);
	assert_int_equal(r.n, 0);
	/* Ports 0x61-0x63 in the range are not the controller's. */
	wr(d, 1, I8042_CMD_RESET);
	assert_int_equal(rd(d, 1), 0xff);
	assert_int_equal(rd(d, 3), 0xff);
	assert_int_equal(r.n, 0);
	/* reboot=k: pulse the reset line. */
	wr(d, KBD_CMD, I8042_CMD_RESET);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.last, POWER_RESET);
	d->ops->destroy(d);
}

static void test_pvpanic(void **state)
{
	struct rec r = {0};
	struct device *d = pvpanic_create(rec_event, &r);
	(void)state;

	assert_non_null(d);
	assert_int_equal(rd(d, 0), PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
	assert_int_equal(rd(d, 0), 0x03);
	wr(d, 0, 0);
	wr(d, 0, PVPANIC_CRASH_LOADED); /* kdump loaded: logged, not an event */
	wr(d, 0, 0xfc);
	assert_int_equal(r.n, 0);
	wr(d, 0, PVPANIC_PANICKED);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.last, POWER_PANIC);
	wr(d, 0, PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
	assert_int_equal(r.n, 2);
	d->ops->destroy(d);
}

static void test_post_and_null_callback(void **state)
{
	struct device *d = post_create();
	u32 v = 0;
	(void)state;

	assert_non_null(d);
	wr(d, 0, 0x55);
	assert_int_equal(d->ops->pio(d, 0, &v, 1, false), 0);
	assert_int_equal(v & 0xff, 0xff);
	d->ops->destroy(d);

	/* Without a callback the events are dropped, nothing crashes. */
	d = power_acpi_create(NULL, NULL);
	assert_non_null(d);
	wr(d, SLP_CTL, ACPI_SLP_EN | ACPI_S5_SLP_TYP << 2);
	d->ops->destroy(d);
	d = i8042_create(NULL, NULL);
	assert_non_null(d);
	wr(d, KBD_CMD, I8042_CMD_RESET);
	d->ops->destroy(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_acpi_poweroff),
	    cmocka_unit_test(test_acpi_reset),
	    cmocka_unit_test(test_i8042),
	    cmocka_unit_test(test_pvpanic),
	    cmocka_unit_test(test_post_and_null_callback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
