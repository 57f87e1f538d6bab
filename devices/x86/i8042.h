/* SPDX-License-Identifier: MIT */
/*
 * i8042.h - the keyboard controller at I8042_DATA_PORT/I8042_CMD_PORT,
 * enough for Linux's reboot=k path (command 0xfe pulses the reset line:
 * POWER_RESET, devices/power.h). Register it once at I8042_DATA_PORT with
 * I8042_PORT_LEN bytes: offset 0 is the data port, offset 4 the status
 * (read) / command (write) port. The status reads 0x1c (no data, system
 * flag, not inhibited), a data read returns 0, other commands and data are
 * accepted and ignored. Offsets 1-3 (0x61-0x63, normally the in-kernel
 * PIT's speaker port) read all-ones, writes ignored.
 */
#ifndef TINYVMM_I8042_H
#define TINYVMM_I8042_H

#include "devices/power.h"

#define I8042_STATUS	0x1c /* no output data, system flag, keyboard enabled */
#define I8042_CMD_RESET 0xfe /* pulse output port bit 0: CPU reset */

/* A heap device (free it with d->ops->destroy) or NULL. */
struct device *i8042_create(power_fn fn, void *opaque);

#endif
