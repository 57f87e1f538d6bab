// SPDX-License-Identifier: MIT
/* cmos.c - CMOS RAM behind ports 0x70/0x71; see cmos.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices/x86/cmos.h"

struct cmos {
	struct device dev;
	pthread_mutex_t lock;
	u8 index; /* bit 7: NMI disable */
	u8 ram[CMOS_SIZE];
};

static int cmos_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	struct cmos *c = d->priv;
	u8 *b = data;

	if (len != 1 || off > 1) {
		if (!write)
			memset(data, 0xff, len);
		return 0;
	}
	pthread_mutex_lock(&c->lock);
	if (off == 0) {
		if (write)
			c->index = *b;
		else
			*b = c->index;
	} else if (write) {
		c->ram[c->index & (CMOS_SIZE - 1)] = *b;
	} else {
		*b = c->ram[c->index & (CMOS_SIZE - 1)];
	}
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static void cmos_destroy(struct device *d)
{
	struct cmos *c = d->priv;

	pthread_mutex_destroy(&c->lock);
	free(c);
}

static const struct dev_ops cmos_ops = {
    .pio = cmos_pio,
    .destroy = cmos_destroy,
};

struct device *cmos_create(void)
{
	struct cmos *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	pthread_mutex_init(&c->lock, NULL);
	c->dev = (struct device){.name = "cmos", .ops = &cmos_ops, .priv = c};
	return &c->dev;
}
