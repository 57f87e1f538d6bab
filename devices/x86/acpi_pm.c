// SPDX-License-Identifier: MIT
/* acpi_pm.c - x86's ACPI sleep/reset registers and the POST port; see acpi_pm.h. */
#include <string.h>

#include "arch/layout.h"
#include "devices/x86/acpi_pm.h"
#include "vmm/base/log.h"

#define ACPI_SLEEP_CTL (ACPI_SLEEP_CTL_PORT - ACPI_PM_PORT)
#define ACPI_RESET     (ACPI_RESET_PORT - ACPI_PM_PORT)

static void acpi_write(struct device *d, u64 reg, u8 v)
{
	switch (reg) {
	case ACPI_SLEEP_CTL:
		if (!(v & ACPI_SLP_EN))
			break;
		if (ACPI_SLP_TYP(v) == ACPI_S5_SLP_TYP)
			power_report(d, POWER_OFF);
		else
			LOG_ONCE(LOG_WARN,
				 "acpi: guest asked for sleep type %u; only S5 "
				 "(power-off, type %u) is supported, ignored (logged once)",
				 ACPI_SLP_TYP(v), ACPI_S5_SLP_TYP);
		break;
	case ACPI_RESET:
		if (v == ACPI_RESET_VALUE)
			power_report(d, POWER_RESET);
		else
			LOG_ONCE(LOG_WARN,
				 "acpi: reset register written with %#x, expected %#x; "
				 "ignored (logged once)",
				 v, ACPI_RESET_VALUE);
		break;
	default: /* sleep status: WAK_STS write-1-to-clear has nothing to clear */
		break;
	}
}

static int acpi_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	u8 *p = data;

	for (u32 i = 0; i < len; i++) {
		if (write)
			acpi_write(d, off + i, p[i]);
		else
			p[i] = 0;
	}
	return 0;
}

static const struct dev_ops acpi_ops = {
    .pio = acpi_pio,
    .destroy = power_destroy,
};

struct device *power_acpi_create(power_fn fn, void *opaque)
{
	return power_alloc("acpi", &acpi_ops, fn, opaque);
}

static int post_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	(void)d;
	(void)off;
	if (!write)
		memset(data, 0xff, len);
	return 0;
}

static const struct dev_ops post_ops = {
    .pio = post_pio,
    .destroy = power_destroy,
};

struct device *post_create(void)
{
	return power_alloc("post", &post_ops, NULL, NULL);
}
