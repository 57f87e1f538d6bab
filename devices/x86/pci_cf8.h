/* SPDX-License-Identifier: MIT */
/*
 * pci_cf8.h - PCI configuration mechanism #1: x86's ports 0xcf8-0xcff in
 * front of a pci_host (devices/pci_host.h). Register pci_cf8_device() at
 * PCI_CFG_ADDR_PORT, PCI_HOST_PORT_LEN bytes.
 *
 * A 4-byte access to 0xcf8 reads or writes the address register (bit 31
 * enable, 23:16 bus, 15:11 device, 10:8 function, 7:2 register); any other
 * access to 0xcf8-0xcfb reads all-ones and is dropped. 0xcfc-0xcff are the
 * data port: 1, 2 or 4 bytes at offset 0-3 reach the selected dword at that
 * byte offset; an access that would run past 0xcff (4 bytes at 0xcfd-0xcff,
 * 2 bytes at 0xcff) reads all-ones and is dropped. The enable bit clear or
 * an extended register number (CF8 bits 27:24, AMD's extension; not
 * supported) reads all-ones and drops writes. The address register is one
 * atomic word, read once per data access; as on hardware the guest
 * serialises its use.
 */
#ifndef TINYVMM_PCI_CF8_H
#define TINYVMM_PCI_CF8_H

#include "devices/device.h"
#include "devices/pci_host.h"

#define PCI_HOST_PORT_LEN 8 /* 0xcf8-0xcff */

struct pci_cf8;

/* -ENOMEM. h must outlive it. */
int pci_cf8_create(struct pci_cf8 **out, struct pci_host *h);
void pci_cf8_destroy(struct pci_cf8 *c); /* NULL is a no-op */
/* The PIO device to register at PCI_CFG_ADDR_PORT. */
struct device *pci_cf8_device(struct pci_cf8 *c);

#endif
