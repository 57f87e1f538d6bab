/* SPDX-License-Identifier: MIT */
/*
 * vf_list.h - every SR-IOV PF on the host and its VFs: tinyvmm_vf_list()
 * and tinyvmm_vf_set_count() of the public header.
 *
 * vf_list_collect() scans the PCI functions in the sysfs tree at root
 * (bus/pci/devices), keeps those with SR-IOV (sriov_totalvfs), and fills in
 * for each PF and VF: vendor and device ids, driver, netdev, IOMMU group and
 * whether it is viable for passthrough, sriov_numvfs/totalvfs, and the VF's
 * MAC/VLAN/spoofchk/trust as the PF reports them (rtnetlink; skipped when
 * net is false, e.g. in tests). Names from pci.ids are the command's
 * (vmm/cmd/pci_names.c), so the library needs no libpci.
 */
#ifndef TINYVMM_VF_LIST_H
#define TINYVMM_VF_LIST_H

#include <stdbool.h>

#include "include/tinyvmm.h"

#define VF_LIST_MAX_PFS 32

/* 0 or -errno (logged); free with vf_list_free() even on failure. PFs by BDF. */
int vf_list_collect(struct tinyvmm_vf_list *l, const char *root, bool net);
void vf_list_free(struct tinyvmm_vf_list *l);

/* One PF (by BDF) and its VFs into pf; free with vf_list_free_pf(). -ENODEV: not SR-IOV. */
int vf_list_pf(struct tinyvmm_pf *pf, const char *root, const char *bdf, bool net);
void vf_list_free_pf(struct tinyvmm_pf *pf);

#endif
