/* SPDX-License-Identifier: MIT */
/*
 * power.h - the guest's ways to end or restart the VM.
 *
 *  - power_acpi: ACPI hardware-reduced sleep control/status and reset
 *    registers at ACPI_PM_PORT (the FADT points at them). Writing
 *    SLP_EN | (ACPI_S5_SLP_TYP << 2) to the sleep control register is a
 *    power-off; writing ACPI_RESET_VALUE to the reset register is a reset.
 *  - i8042: the keyboard controller at I8042_DATA_PORT/I8042_CMD_PORT, enough
 *    for Linux's reboot=k path (command 0xfe pulses the reset line). Register
 *    it once at I8042_DATA_PORT with I8042_PORT_LEN bytes: offset 0 is the
 *    data port, offset 4 the status (read) / command (write) port. The status
 *    reads 0x1c (no data, system flag, not inhibited), a data read returns 0,
 *    other commands and data are accepted and ignored. Offsets 1-3 (0x61-0x63,
 *    normally the in-kernel PIT's speaker port) read all-ones, writes ignored.
 *  - pvpanic: the QEMU-compatible panic port at PVPANIC_PORT (1 byte); the
 *    guest's pvpanic driver writes bit 0 when the kernel panics. A read
 *    returns the supported events (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
 *    a CRASH_LOADED write is logged once and ignored.
 *  - debug_exit: a 1-byte write port at DEBUG_EXIT_PORT (QEMU's isa-debug-exit
 *    iobase, simpler semantics): the byte written is reported as is and
 *    tinyvmm exits with exactly that status (0..255; guests should use 0..63,
 *    64 and up overlap tinyvmm's own codes). Only offset 0 of a write counts;
 *    reads return all-ones.
 *  - post: ports POST_PORT..+POST_PORT_LEN (io_delay and the ISA DMA page
 *    registers, which Linux probes); reads all-ones, writes ignored,
 *    silently.
 *
 * ACPI registers (offsets from ACPI_PM_PORT, ACPI_PM_PORT_LEN bytes, 8 bits
 * each): 0 sleep control (a SLP_EN write with another SLP_TYP is logged once
 * and ignored), 1 sleep status (reads 0; WAK_STS write-1-to-clear ignored),
 * 2 reset (a write of another value than ACPI_RESET_VALUE is ignored), all
 * read 0. Every device treats a multi-byte access as consecutive bytes.
 *
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

#define ACPI_SLP_EN 0x20 /* sleep control: bit 5 starts the sleep */
#define ACPI_SLP_TYP(v) (((v) >> 2) & 7)
#define I8042_STATUS 0x1c /* no output data, system flag, keyboard enabled */
#define I8042_CMD_RESET 0xfe /* pulse output port bit 0: CPU reset */
#define PVPANIC_PANICKED 0x01
#define PVPANIC_CRASH_LOADED 0x02

/* Each returns a heap device (free it with d->ops->destroy) or NULL. */
struct device *power_acpi_create(power_fn fn, void *opaque);
struct device *i8042_create(power_fn fn, void *opaque);
struct device *pvpanic_create(power_fn fn, void *opaque);
struct device *post_create(void);
struct device *debug_exit_create(debug_exit_fn fn, void *opaque);

#endif
