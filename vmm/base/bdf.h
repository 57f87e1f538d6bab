/* SPDX-License-Identifier: MIT */
/*
 * bdf.h - a PCI address as the host names it: "DDDD:BB:DD.F" (domain, bus,
 * device, function; lspci -D). Pure.
 */
#ifndef TINYVMM_BDF_H
#define TINYVMM_BDF_H

#include "vmm/base/util.h"

#define BDF_SIZE 13 /* "DDDD:BB:DD.F" and its NUL */

/*
 * Parse "DDDD:BB:DD.F" or "BB:DD.F" (domain 0), hex digits in either case,
 * into the canonical lower-case form with the domain. -EINVAL (out "") for
 * anything else: a device over 0x1f, a function over 7, spaces, junk.
 */
int bdf_parse(const char *s, char out[BDF_SIZE]);

#endif
