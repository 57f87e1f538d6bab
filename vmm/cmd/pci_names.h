/* SPDX-License-Identifier: MIT */
/*
 * pci_names.h - PCI vendor and device names from pci.ids, through libpci:
 * the names `tinyvmm vf list` shows. The command's, so that the library
 * (and every program that embeds it) needs no libpci.
 */
#ifndef TINYVMM_PCI_NAMES_H
#define TINYVMM_PCI_NAMES_H

#include <stddef.h>

/* The names of vendor_id:device_id into the buffers ("" when unknown). */
void pci_names_lookup(unsigned int vendor_id, unsigned int device_id, char *vendor,
		      size_t vendor_len, char *device, size_t device_len);

/* Free libpci's state (safe when nothing was looked up). */
void pci_names_close(void);

#endif
