// SPDX-License-Identifier: MIT
/*
 * power.c - pvpanic, the debug exit register and what the power devices
 * share; see power.h. (x86's ACPI PM block and POST port are
 * devices/x86/acpi_pm.c, its i8042 devices/x86/i8042.c.)
 */
#include <stdlib.h>
#include <string.h>

#include "vmm/base/log.h"
#include "devices/power.h"

#define PVPANIC_EVENTS (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

void power_report(struct device *d, enum power_event ev)
{
	struct power_dev *p = d->priv;

	if (p->fn)
		p->fn(p->opaque, ev);
}

void power_destroy(struct device *d)
{
	free(d->priv);
}

struct device *power_alloc(const char *name, const struct dev_ops *ops, power_fn fn, void *opaque)
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
    .mmio = pvpanic_pio, /* pvpanic-mmio on arm64: the same byte register */
    .destroy = power_destroy,
};

struct device *pvpanic_create(power_fn fn, void *opaque)
{
	return power_alloc("pvpanic", &pvpanic_ops, fn, opaque);
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
    .mmio = debug_exit_pio,
    .destroy = power_destroy,
};

struct device *debug_exit_create(debug_exit_fn fn, void *opaque)
{
	struct device *d = power_alloc("debug-exit", &debug_exit_ops, NULL, opaque);

	if (d)
		((struct power_dev *)d->priv)->exit_fn = fn;
	return d;
}
