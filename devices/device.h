/* SPDX-License-Identifier: MIT */
/*
 * device.h - the interface every device model implements.
 *
 * A device sees offsets into its own range, never absolute addresses. Every
 * callback is optional. pio/mmio return 0, or -errno when the access failed;
 * the bus then logs once, returns all-ones for a read and drops a write.
 */
#ifndef TINYVMM_DEVICE_H
#define TINYVMM_DEVICE_H

#include "vmm/base/util.h"

struct device;

struct dev_ops {
	int (*pio)(struct device *d, u64 off, void *data, u32 len, bool write);
	int (*mmio)(struct device *d, u64 off, void *data, u32 len, bool write);
	u32 (*cfg_read)(struct device *d, u16 reg); /* PCI config, dword index */
	void (*cfg_write)(struct device *d, u16 reg, u8 off, const void *data, u32 len);
	void (*destroy)(struct device *d);
};

struct device {
	const char *name; /* "serial", "i8042", "vfio 0000:01:10.0", ... */
	const struct dev_ops *ops;
	void *priv;
	u64 accesses; /* bus accesses routed here (for --stats); atomic */
};

#endif
