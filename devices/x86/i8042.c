// SPDX-License-Identifier: MIT
/*
 * i8042.c - just enough of the PC keyboard controller for a reset; see
 * power.h. Registered once over 0x60-0x64 (I8042_PORT_LEN): offset 0 is the
 * data port, offset 4 the status/command port.
 */
#include <stdlib.h>

#include "arch/layout.h"
#include "vmm/base/log.h"
#include "devices/x86/i8042.h"

#define I8042_DATA 0
#define I8042_CMD  (I8042_CMD_PORT - I8042_DATA_PORT)

struct i8042 {
	struct device dev;
	power_fn fn;
	void *opaque;
};

static u8 i8042_read(u64 reg)
{
	switch (reg) {
	case I8042_DATA:
		return 0; /* no keyboard: nothing to read */
	case I8042_CMD:
		return I8042_STATUS;
	default: /* 0x61-0x63 belong to someone else */
		return 0xff;
	}
}

static void i8042_write(struct i8042 *k, u64 reg, u8 v)
{
	if (reg != I8042_CMD)
		return; /* data bytes (command arguments) are ignored */
	if (v == I8042_CMD_RESET) {
		if (k->fn)
			k->fn(k->opaque, POWER_RESET);
		return;
	}
	log_debug("i8042: command %#x ignored", v);
}

static int i8042_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	struct i8042 *k = d->priv;
	u8 *p = data;

	for (u32 i = 0; i < len; i++) {
		if (write)
			i8042_write(k, off + i, p[i]);
		else
			p[i] = i8042_read(off + i);
	}
	return 0;
}

static void i8042_destroy(struct device *d)
{
	free(d->priv);
}

static const struct dev_ops i8042_ops = {
    .pio = i8042_pio,
    .destroy = i8042_destroy,
};

struct device *i8042_create(power_fn fn, void *opaque)
{
	struct i8042 *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->dev.name = "i8042";
	k->dev.ops = &i8042_ops;
	k->dev.priv = k;
	k->fn = fn;
	k->opaque = opaque;
	return &k->dev;
}
