/* SPDX-License-Identifier: MIT */
/*
 * power.h - the guest's ways to end or restart the VM, and what the devices
 * that report them share (power_alloc(): a device with a power_fn). The
 * architecture's own ones use it too: x86's ACPI PM registers and POST port
 * (devices/x86/acpi_pm.h) and i8042 (devices/x86/i8042.h).
 *
 *  - pvpanic: the QEMU-compatible panic port at PVPANIC_PORT (1 byte); the
 *    guest's pvpanic driver writes bit 0 when the kernel panics. A read
 *    returns the supported events (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
 *    a CRASH_LOADED write is logged once and ignored.
 *  - debug_exit: a 1-byte write port at DEBUG_EXIT_PORT (QEMU's isa-debug-exit
 *    iobase, simpler semantics): the byte written is reported as is and
 *    tinyvmm exits with exactly that status (0..255; guests should use 0..63,
 *    64 and up overlap tinyvmm's own codes). Only offset 0 of a write counts;
 *    reads return all-ones.
 *
 * Every device treats a multi-byte access as consecutive bytes, and works
 * the same on the port I/O bus (x86) and the MMIO bus (arm64: pvpanic-mmio,
 * the debug exit register at DEBUG_EXIT_GPA).
 * Each reports through one callback, called on the vCPU thread that made the
 * access. The callback must not block; it records the event and asks the VM
 * to stop.
 */
#ifndef TINYVMM_POWER_H
#define TINYVMM_POWER_H

#include "devices/device.h"

enum power_event {
	POWER_OFF,   /* ACPI S5 */
	POWER_RESET, /* ACPI reset register or i8042 0xfe */
	POWER_PANIC, /* pvpanic: guest kernel panicked */
};

typedef void (*power_fn)(void *opaque, enum power_event ev);
/* The debug exit port's report: the status byte the guest wrote. */
typedef void (*debug_exit_fn)(void *opaque, u8 code);

#define PVPANIC_PANICKED     0x01
#define PVPANIC_CRASH_LOADED 0x02

/* Each returns a heap device (free it with d->ops->destroy) or NULL. */
struct device *pvpanic_create(power_fn fn, void *opaque);
struct device *debug_exit_create(debug_exit_fn fn, void *opaque);

/* ---- for the power devices' own files ---- */

struct power_dev {
	struct device dev;
	power_fn fn;
	debug_exit_fn exit_fn; /* debug_exit only */
	void *opaque;
};

/* A device named name with ops whose events go to fn(opaque); NULL without memory. */
struct device *power_alloc(const char *name, const struct dev_ops *ops, power_fn fn, void *opaque);
/* Report ev through d's power_fn (none: nothing). */
void power_report(struct device *d, enum power_event ev);
/* The dev_ops destroy of every power device. */
void power_destroy(struct device *d);

#endif
