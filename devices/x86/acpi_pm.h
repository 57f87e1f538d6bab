/* SPDX-License-Identifier: MIT */
/*
 * acpi_pm.h - x86's power registers on I/O ports (devices/power.h's kind):
 *
 *  - power_acpi: ACPI hardware-reduced sleep control/status and reset
 *    registers at ACPI_PM_PORT (the FADT points at them). Writing
 *    SLP_EN | (ACPI_S5_SLP_TYP << 2) to the sleep control register is a
 *    power-off; writing ACPI_RESET_VALUE to the reset register is a reset.
 *    Offsets from ACPI_PM_PORT (ACPI_PM_PORT_LEN bytes, 8 bits each): 0 sleep
 *    control (a SLP_EN write with another SLP_TYP is logged once and
 *    ignored), 1 sleep status (reads 0; WAK_STS write-1-to-clear ignored), 2
 *    reset (a write of another value than ACPI_RESET_VALUE is ignored), all
 *    read 0.
 *  - post: ports POST_PORT..+POST_PORT_LEN (io_delay and the ISA DMA page
 *    registers, which Linux probes); reads all-ones, writes ignored,
 *    silently.
 */
#ifndef TINYVMM_ACPI_PM_H
#define TINYVMM_ACPI_PM_H

#include "devices/power.h"

#define ACPI_SLP_EN	0x20 /* sleep control: bit 5 starts the sleep */
#define ACPI_SLP_TYP(v) (((v) >> 2) & 7)

/* Each returns a heap device (free it with d->ops->destroy) or NULL. */
struct device *power_acpi_create(power_fn fn, void *opaque);
struct device *post_create(void);

#endif
