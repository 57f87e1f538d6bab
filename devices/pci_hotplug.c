// SPDX-License-Identifier: MIT
/* pci_hotplug.c - the PCIU/PCID/B0EJ hotplug controller; see pci_hotplug.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/pci_hotplug.h"

#define SLOT_BITS 0xfffffffeU /* slot 0 is the host bridge */

struct pcihp {
	struct device dev;
	pcihp_notify_fn notify;
	void *opaque;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	u32 up, down, ejected;
	bool woken; /* pcihp_wake() since the last wait */
};

static u32 take(u32 *reg)
{
	u32 v = *reg;

	*reg = 0;
	return v;
}

static int pcihp_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	struct pcihp *h = d->priv;
	u32 v = 0;

	if (len != 4 || off % 4 || off >= PCIHP_REG_LEN)
		return -EINVAL;
	if (write)
		memcpy(&v, data, 4);
	pthread_mutex_lock(&h->lock);
	if (!write && off == PCIHP_REG_UP)
		v = take(&h->up);
	else if (!write && off == PCIHP_REG_DOWN)
		v = take(&h->down);
	else if (write && off == PCIHP_REG_EJECT && (v & SLOT_BITS)) {
		h->ejected |= v & SLOT_BITS;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	if (!write)
		memcpy(data, &v, 4);
	return 0;
}

static void pcihp_dev_destroy(struct device *d)
{
	pcihp_destroy(d->priv);
}

static const struct dev_ops pcihp_ops = {
    .pio = pcihp_pio,
    .mmio = pcihp_pio,
    .destroy = pcihp_dev_destroy,
};

int pcihp_create(struct pcihp **out, pcihp_notify_fn notify, void *opaque)
{
	struct pcihp *h = calloc(1, sizeof(*h));
	pthread_condattr_t ca;

	*out = NULL;
	if (!h)
		return -ENOMEM;
	h->dev = (struct device){.name = "pci-hotplug", .ops = &pcihp_ops, .priv = h};
	h->notify = notify;
	h->opaque = opaque;
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cond, &ca);
	pthread_condattr_destroy(&ca);
	*out = h;
	return 0;
}

void pcihp_destroy(struct pcihp *h)
{
	if (!h)
		return;
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

struct device *pcihp_device(struct pcihp *h)
{
	return &h->dev;
}

int pcihp_request(struct pcihp *h, unsigned int slot, bool add)
{
	u32 bit;

	if (slot == 0 || slot >= PCIHP_SLOTS)
		return -EINVAL;
	bit = 1U << slot;
	pthread_mutex_lock(&h->lock);
	if (add) {
		h->up |= bit;
		h->down &= ~bit;
	} else {
		h->down |= bit;
		h->up &= ~bit;
	}
	pthread_mutex_unlock(&h->lock);
	if (h->notify)
		h->notify(h->opaque);
	return 0;
}

u32 pcihp_wait_ejected(struct pcihp *h, int timeout_ms)
{
	struct timespec dl;
	u32 v;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	if (timeout_ms > 0) {
		dl.tv_sec += timeout_ms / 1000;
		dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&h->lock);
	while (!h->ejected && timeout_ms != 0 && !h->woken) {
		if (timeout_ms < 0)
			pthread_cond_wait(&h->cond, &h->lock);
		else if (pthread_cond_timedwait(&h->cond, &h->lock, &dl) != 0)
			break;
	}
	v = take(&h->ejected);
	h->woken = false;
	pthread_mutex_unlock(&h->lock);
	return v;
}

void pcihp_wake(struct pcihp *h)
{
	pthread_mutex_lock(&h->lock);
	h->woken = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

void pcihp_pending(struct pcihp *h, u32 *up, u32 *down)
{
	pthread_mutex_lock(&h->lock);
	*up = h->up;
	*down = h->down;
	pthread_mutex_unlock(&h->lock);
}
