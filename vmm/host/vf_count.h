/* SPDX-License-Identifier: MIT */
/*
 * vf_count.h - tinyvmm_vf_set_count(): how many VFs a PF has
 * (sriov_numvfs), never taking VFs from under a running VM.
 */
#ifndef TINYVMM_VF_COUNT_H
#define TINYVMM_VF_COUNT_H

#include "vmm/host/pci_sysfs.h"

/*
 * The PF named by arg (a BDF or its netdev) in canonical form, against the
 * sysfs tree at root. A user error (logged) when there is no such function
 * or interface.
 */
int vf_count_resolve_pf(const char *root, const char *arg, char bdf[PCI_SYSFS_BDF_SZ]);

/*
 * Set pf's sriov_numvfs to count (through 0 when it has others). A user
 * error for a PF that is not SR-IOV capable, a count over sriov_totalvfs,
 * or a VF of it in use (by a tinyvmm, or open through VFIO); a host error
 * when the kernel refuses or sysfs then shows another count. Logged.
 */
int vf_count_set(const char *root, const char *pf, unsigned int count);

#endif
