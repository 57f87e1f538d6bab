/* SPDX-License-Identifier: MIT */
/*
 * vf_print.h - how `tinyvmm vf list` shows the host's SR-IOV functions
 * (tinyvmm_vf_list()): aligned text columns, or the stable JSON document
 * described in README.md ("vf list --json"):
 *
 *   {"version": 1, "pfs": [{"bdf", "vendor_id", "device_id", "vendor",
 *     "device", "driver", "netdev", "iommu_group", "viable", "sriov_numvfs",
 *     "sriov_totalvfs", "vfs": [{"bdf", "index", "vendor_id", "device_id",
 *     "vendor", "device", "driver", "netdev", "iommu_group", "viable",
 *     "mac", "vlan", "qos", "spoofchk", "trust", "link_state"}]}]}
 *
 * Missing values are null (no driver, no netdev, no IOMMU group, a name
 * pci.ids lacks, settings the PF does not report). Names come from a lookup
 * callback (pci_names.c: libpci and pci.ids), so the printers are pure.
 */
#ifndef TINYVMM_VF_PRINT_H
#define TINYVMM_VF_PRINT_H

#include <stdio.h>

#include "include/tinyvmm.h"

/* Vendor and device names of the ids into the buffers ("" when unknown). */
typedef void (*vf_print_names_fn)(unsigned int vendor_id, unsigned int device_id, char *vendor,
				  size_t vendor_len, char *device, size_t device_len);

void vf_print_text(FILE *f, const struct tinyvmm_vf_list *l, vf_print_names_fn names);
void vf_print_json(FILE *f, const struct tinyvmm_vf_list *l, vf_print_names_fn names);

#endif
