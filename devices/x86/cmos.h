/* SPDX-License-Identifier: MIT */
/*
 * cmos.h - the CMOS index/data ports (CMOS_PORT, 2 bytes): 128 bytes of
 * battery-backed RAM and nothing else.
 *
 * tinyvmm has no real-time clock (guests use kvm-clock, and the FADT says
 * there is no CMOS RTC), but Linux still writes CMOS RAM, e.g. the warm-reset
 * code (offset 0x0f) before it starts secondary CPUs, and the index port
 * carries the NMI-disable bit. So: the index register (bit 7 = NMI disable,
 * kept but without effect), reads and writes of the 128 bytes, all of them
 * initially 0. Offset 0x0a (RTC status A) reads 0 so a reader never sees
 * "update in progress".
 */
#ifndef TINYVMM_CMOS_H
#define TINYVMM_CMOS_H

#include "devices/device.h"

#define CMOS_SIZE 128

/* A heap device (free with d->ops->destroy), or NULL. */
struct device *cmos_create(void);

#endif
