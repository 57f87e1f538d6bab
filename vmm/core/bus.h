/* SPDX-License-Identifier: MIT */
/*
 * bus.h - address-range dispatch for port I/O and MMIO exits.
 *
 * A bus maps non-overlapping [base, base+len) ranges to devices. Lookups run
 * on every vCPU thread concurrently; registration may happen while the guest
 * runs (a PCI BAR move), so the table is guarded by a rwlock.
 */
#ifndef TINYVMM_BUS_H
#define TINYVMM_BUS_H

#include <pthread.h>

#include "devices/device.h"
#include "vmm/base/util.h"

struct bus_range {
	u64 base;
	u64 len;
	struct device *dev;
};

struct bus {
	const char *name; /* "pio" or "mmio", used in messages */
	pthread_rwlock_t lock;
	struct bus_range *ranges; /* sorted by base */
	size_t nr, cap;
	u64 unclaimed; /* accesses that hit no device; atomic */
	u32 logged;    /* kinds of bad access already reported; atomic */
};

/*
 * Prepare an empty bus. The name must outlive the bus; a bus named "pio"
 * dispatches to ops->pio, any other name to ops->mmio. bus_destroy() frees
 * the table, not the devices (their owners destroy them).
 */
int bus_init(struct bus *b, const char *name);
void bus_destroy(struct bus *b);

/*
 * Claim [base, base+len) for dev. -EINVAL for len 0 or a range that wraps
 * past 2^64, -EEXIST if it overlaps a registered range, -ENOMEM.
 */
int bus_register(struct bus *b, u64 base, u64 len, struct device *dev);

/* Release the range that starts at base and belongs to dev; -ENOENT if none. */
int bus_unregister(struct bus *b, u64 base, struct device *dev);

/*
 * Route one guest access (len 1, 2, 4 or 8 bytes) to the device whose range
 * holds all of [addr, addr+len). Calls dev->ops->pio for a "pio" bus and
 * dev->ops->mmio otherwise, with the offset into the range.
 * An access to nothing, one that straddles a range's end, or one the device
 * fails is logged once per bus and returns -ENOENT/-EIO; a read then returns
 * all-ones. The guest always runs on. Any other len returns -EINVAL (same
 * handling). dev->accesses counts the accesses handed to the device,
 * b->unclaimed those that reached none.
 *
 * The device callback runs under the bus's read lock, so a range cannot be
 * unregistered (and its device freed) while an access is in flight. A callback
 * must therefore not register or unregister ranges on the bus that is calling
 * it: that returns -EDEADLK instead of deadlocking. Other buses are fine. PCI
 * config accesses (0xcf8-0xcff) bypass this function (vmm/pio.h), so a config
 * write may move a BAR on "pio" as well as on "mmio".
 */
int bus_access(struct bus *b, u64 addr, void *data, u32 len, bool write);

#endif
