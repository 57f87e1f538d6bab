// SPDX-License-Identifier: MIT
/*
 * power.c - ACPI sleep/reset registers, pvpanic and the POST port; see
 * power.h. (The i8042 lives in i8042.c.)
 */
#include <stdlib.h>
#include <string.h>

#include "arch/layout.h"
#include "vmm/base/log.h"
#include "devices/power.h"

#define ACPI_SLEEP_CTL (ACPI_SLEEP_CTL_PORT - ACPI_PM_PORT)
#define ACPI_RESET     (ACPI_RESET_PORT - ACPI_PM_PORT)
#define PVPANIC_EVENTS (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

struct power_dev {
	struct device dev;
	power_fn fn;
	debug_exit_fn exit_fn; /* debug_exit only */
	void *opaque;
};

static void power_report(struct device *d, enum power_event ev)
{
	struct power_dev *p = d->priv;

	if (p->fn)
		p->fn(p->opaque, ev);
}

static void power_destroy(struct device *d)
{
	free(d->priv);
}

static struct device *power_alloc(const char *name, const struct dev_ops *ops, power_fn fn,
				  void *opaque)
{
	struct power_dev *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->dev.name = name;
	p->dev.ops = ops;
	p->dev.priv = p;
	p->fn = fn;
	p->opaque = opaque;
	return &p->dev;
}

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

static int pvpanic_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	u8 *p = data;

	for (u32 i = 0; i < len; i++) {
		if (!write) {
			p[i] = off + i == 0 ? PVPANIC_EVENTS : 0;
			continue;
		}
		if (off + i != 0)
			continue;
		if (p[i] & PVPANIC_PANICKED)
			power_report(d, POWER_PANIC);
		else if (p[i] & PVPANIC_CRASH_LOADED)
			LOG_ONCE(LOG_INFO, "pvpanic: guest loaded a crash kernel after a panic "
					   "(logged once)");
	}
	return 0;
}

static const struct dev_ops pvpanic_ops = {
    .pio = pvpanic_pio,
    .destroy = power_destroy,
};

struct device *pvpanic_create(power_fn fn, void *opaque)
{
	return power_alloc("pvpanic", &pvpanic_ops, fn, opaque);
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

static int debug_exit_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	struct power_dev *p = d->priv;

	if (!write) {
		memset(data, 0xff, len);
		return 0;
	}
	if (off == 0 && len > 0 && p->exit_fn)
		p->exit_fn(p->opaque, *(u8 *)data);
	return 0;
}

static const struct dev_ops debug_exit_ops = {
    .pio = debug_exit_pio,
    .destroy = power_destroy,
};

struct device *debug_exit_create(debug_exit_fn fn, void *opaque)
{
	struct device *d = power_alloc("debug-exit", &debug_exit_ops, NULL, opaque);

	if (d)
		((struct power_dev *)d->priv)->exit_fn = fn;
	return d;
}
