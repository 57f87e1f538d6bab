// SPDX-License-Identifier: MIT
/*
 * bus.c - address-range dispatch for port I/O and MMIO exits; see bus.h.
 *
 * The ranges live in one array sorted by base, so a lookup is a binary
 * search under the read lock. Registration takes the write lock; the lock
 * prefers writers so a busy guest cannot starve a BAR move.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/core/bus.h"
#include "vmm/base/log.h"

/* Kinds of bad access, each reported once per bus (struct bus.logged). */
enum {
	BUS_LOG_UNCLAIMED = 1u << 0, /* nothing there, or straddles an end */
	BUS_LOG_FAILED = 1u << 1,    /* the device returned an error */
	BUS_LOG_BADLEN = 1u << 2,    /* len not 1, 2, 4 or 8 */
};

/* The bus whose device callback this thread is running, if any. */
static __thread const struct bus *bus_dispatching;

int bus_init(struct bus *b, const char *name)
{
	pthread_rwlockattr_t attr;
	int ret;

	memset(b, 0, sizeof(*b));
	b->name = name;
	ret = pthread_rwlockattr_init(&attr);
	if (ret)
		return -ret;
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	ret = pthread_rwlock_init(&b->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	return -ret;
}

void bus_destroy(struct bus *b)
{
	pthread_rwlock_destroy(&b->lock);
	free(b->ranges);
	b->ranges = NULL;
	b->nr = b->cap = 0;
}

static bool bus_is_pio(const struct bus *b)
{
	return b->name && strcmp(b->name, "pio") == 0;
}

/* Last byte of a range; callers guarantee len > 0 and no wrap. */
static u64 range_last(const struct bus_range *r)
{
	return r->base + (r->len - 1);
}

/* Index of the first range whose base is > addr (0..nr). */
static size_t bus_upper(const struct bus *b, u64 addr)
{
	size_t lo = 0, hi = b->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->ranges[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int bus_register(struct bus *b, u64 base, u64 len, struct device *dev)
{
	u64 last;
	size_t i;
	int ret = 0;

	if (!dev || len == 0 || __builtin_add_overflow(base, len - 1, &last))
		return -EINVAL;
	if (bus_dispatching == b) {
		log_err("%s: a device tried to register [%#llx, +%#llx) from its own access; "
			"defer it",
			b->name, (unsigned long long)base, (unsigned long long)len);
		return -EDEADLK;
	}

	pthread_rwlock_wrlock(&b->lock);
	i = bus_upper(b, base);
	if ((i > 0 && range_last(&b->ranges[i - 1]) >= base) ||
	    (i < b->nr && b->ranges[i].base <= last)) {
		ret = -EEXIST;
		goto out;
	}
	if (b->nr == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct bus_range *r = realloc(b->ranges, cap * sizeof(*r));

		if (!r) {
			ret = -ENOMEM;
			goto out;
		}
		b->ranges = r;
		b->cap = cap;
	}
	memmove(&b->ranges[i + 1], &b->ranges[i], (b->nr - i) * sizeof(b->ranges[0]));
	b->ranges[i] = (struct bus_range){.base = base, .len = len, .dev = dev};
	b->nr++;
out:
	pthread_rwlock_unlock(&b->lock);
	return ret;
}

int bus_unregister(struct bus *b, u64 base, struct device *dev)
{
	size_t i;
	int ret = -ENOENT;

	if (bus_dispatching == b) {
		log_err("%s: a device tried to unregister %#llx from its own access; defer it",
			b->name, (unsigned long long)base);
		return -EDEADLK;
	}
	pthread_rwlock_wrlock(&b->lock);
	i = bus_upper(b, base);
	if (i > 0 && b->ranges[i - 1].base == base && b->ranges[i - 1].dev == dev) {
		i--;
		memmove(&b->ranges[i], &b->ranges[i + 1], (b->nr - i - 1) * sizeof(b->ranges[0]));
		b->nr--;
		ret = 0;
	}
	pthread_rwlock_unlock(&b->lock);
	return ret;
}

/* Report a bad access of the given kind, the first time this bus sees one. */
static void bus_log_once(struct bus *b, u32 kind, const char *what, u64 addr, u32 len, bool write,
			 const char *why)
{
	if (__atomic_fetch_or(&b->logged, kind, __ATOMIC_RELAXED) & kind)
		return;
	log_warn("%s: %s%u-byte %s %s %#llx%s (logged once)", b->name, what, len,
		 write ? "write" : "read",
		 bus_is_pio(b) ? (write ? "to port" : "from port") : (write ? "to" : "at"),
		 (unsigned long long)addr, why);
}

static void bus_fill_ones(void *data, u32 len, bool write)
{
	if (!write && data)
		memset(data, 0xff, MIN(len, 8u));
}

int bus_access(struct bus *b, u64 addr, void *data, u32 len, bool write)
{
	int (*fn)(struct device *, u64, void *, u32, bool) = NULL;
	const struct bus *outer;
	struct bus_range *r = NULL;
	struct device *dev;
	u64 last;
	size_t i;
	int ret;

	if (len != 1 && len != 2 && len != 4 && len != 8) {
		__atomic_add_fetch(&b->unclaimed, 1, __ATOMIC_RELAXED);
		bus_log_once(b, BUS_LOG_BADLEN, "unsupported ", addr, len, write, "");
		bus_fill_ones(data, len, write);
		return -EINVAL;
	}

	pthread_rwlock_rdlock(&b->lock);
	i = bus_upper(b, addr);
	if (i > 0 && range_last(&b->ranges[i - 1]) >= addr)
		r = &b->ranges[i - 1];
	if (!r || __builtin_add_overflow(addr, len - 1, &last) || last > range_last(r)) {
		char why[96] = "";

		if (r)
			snprintf(why, sizeof(why), " (straddles the end of %s)",
				 r->dev->name ? r->dev->name : "a device");
		pthread_rwlock_unlock(&b->lock);
		__atomic_add_fetch(&b->unclaimed, 1, __ATOMIC_RELAXED);
		bus_log_once(b, BUS_LOG_UNCLAIMED, "unhandled ", addr, len, write, why);
		bus_fill_ones(data, len, write);
		return -ENOENT;
	}
	dev = r->dev;
	if (dev->ops)
		fn = bus_is_pio(b) ? dev->ops->pio : dev->ops->mmio;
	if (!fn) {
		pthread_rwlock_unlock(&b->lock);
		__atomic_add_fetch(&b->unclaimed, 1, __ATOMIC_RELAXED);
		bus_log_once(b, BUS_LOG_UNCLAIMED, "unhandled ", addr, len, write,
			     " (its device has no handler for this bus)");
		bus_fill_ones(data, len, write);
		return -ENOENT;
	}

	__atomic_add_fetch(&dev->accesses, 1, __ATOMIC_RELAXED);
	outer = bus_dispatching;
	bus_dispatching = b;
	ret = fn(dev, addr - r->base, data, len, write);
	bus_dispatching = outer;
	pthread_rwlock_unlock(&b->lock);

	if (ret < 0) {
		char why[96];

		snprintf(why, sizeof(why), " failed in %s: %s", dev->name ? dev->name : "device",
			 strerror(-ret));
		bus_log_once(b, BUS_LOG_FAILED, "", addr, len, write, why);
		bus_fill_ones(data, len, write);
		return -EIO;
	}
	return 0;
}
