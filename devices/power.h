/* SPDX-License-Identifier: MIT */
/*
 * power.h - the guest's ways to end or restart the VM.
 *
 *  - power_acpi: ACPI hardware-reduced sleep control/status and reset
 *    registers at ACPI_PM_PORT (the FADT points at them). Writing
 *    SLP_EN | (ACPI_S5_SLP_TYP << 2) to the sleep control register is a
 *    power-off; writing ACPI_RESET_VALUE to the reset register is a reset.
 *  - i8042: the keyboard controller at I8042_DATA_PORT/I8042_CMD_PORT, enough
 *    for Linux's reboot=k path (command 0xfe pulses the reset line).
 *  - pvpanic: the QEMU-compatible panic port at PVPANIC_PORT (1 byte); the
 *    guest's pvpanic driver writes bit 0 when the kernel panics.
 *  - post: port POST_PORT, used by io_delay; accepted and ignored.
 *
 * Each reports through one callback, called on the vCPU thread that made the
 * access. The callback must not block; it records the event and asks the VM
 * to stop.
 */
#ifndef TINYVMM_POWER_H
#define TINYVMM_POWER_H

#include "device.h"

enum power_event {
	POWER_OFF,   /* ACPI S5 */
	POWER_RESET, /* ACPI reset register or i8042 0xfe */
	POWER_PANIC, /* pvpanic: guest kernel panicked */
};

typedef void (*power_fn)(void *opaque, enum power_event ev);

/* Each returns a heap device (free it with d->ops->destroy) or NULL. */
struct device *power_acpi_create(power_fn fn, void *opaque);
struct device *i8042_create(power_fn fn, void *opaque);
struct device *pvpanic_create(power_fn fn, void *opaque);
struct device *post_create(void);

#endif
