/* SPDX-License-Identifier: MIT */
/*
 * pci_ecam.h - PCIe's enhanced configuration access mechanism in front of a
 * pci_host (devices/pci_host.h): a memory window in which function fn of
 * device dev on bus b has its 4 KiB of configuration space at
 * (b << 20) | (dev << 15) | (fn << 12). Register pci_ecam_device() on the
 * MMIO bus over the window (1 MiB per bus; tinyvmm has bus 0 only).
 * An access of 1, 2 or 4 bytes inside one dword reaches pci_host_config();
 * anything else reads all-ones and drops writes.
 */
#ifndef TINYVMM_PCI_ECAM_H
#define TINYVMM_PCI_ECAM_H

#include "devices/device.h"
#include "devices/pci_host.h"

#define PCI_ECAM_BUS_SIZE 0x100000ULL /* 1 MiB: 32 devices x 8 functions x 4 KiB */

struct pci_ecam;

/* -ENOMEM. h must outlive it. */
int pci_ecam_create(struct pci_ecam **out, struct pci_host *h);
void pci_ecam_destroy(struct pci_ecam *e); /* NULL is a no-op */
/* The MMIO device to register over the ECAM window. */
struct device *pci_ecam_device(struct pci_ecam *e);

#endif
