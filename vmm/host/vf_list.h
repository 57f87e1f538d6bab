/* SPDX-License-Identifier: MIT */
/*
 * vf_list.h - every SR-IOV PF on the host and its VFs, for `tinyvmm vf list`.
 *
 * vf_list_collect() finds the PCI functions with libpci (scanning the sysfs
 * tree at root, names from pci.ids), keeps those with SR-IOV
 * (sriov_totalvfs), and fills in for each PF and VF: driver, netdev, IOMMU
 * group and whether it is viable for passthrough, sriov_numvfs/totalvfs,
 * and the VF's MAC/VLAN/spoofchk/trust as the PF reports them (rtnetlink;
 * skipped when net is false, e.g. in tests).
 *
 * vf_list_print_text() prints aligned columns; vf_list_print_json() prints
 * the stable document described in README.md ("vf list --json"):
 *
 *   {"version": 1, "pfs": [{"bdf", "vendor_id", "device_id", "vendor",
 *     "device", "driver", "netdev", "iommu_group", "viable", "sriov_numvfs",
 *     "sriov_totalvfs", "vfs": [{"bdf", "index", "vendor_id", "device_id",
 *     "vendor", "device", "driver", "netdev", "iommu_group", "viable",
 *     "mac", "vlan", "qos", "spoofchk", "trust", "link_state"}]}]}
 *
 * Missing values are null (no driver, no netdev, no IOMMU group, settings
 * the PF does not report).
 */
#ifndef TINYVMM_VF_LIST_H
#define TINYVMM_VF_LIST_H

#include <stdbool.h>
#include <stdio.h>

#include "vmm/host/pci_sysfs.h"
#include "vmm/host/rtnl.h"

#define VF_LIST_MAX_PFS 32

struct vf_fn {
	char bdf[PCI_SYSFS_BDF_SZ];
	unsigned int vendor_id, device_id;
	char vendor[128], device[128]; /* pci.ids names, "" when unknown */
	char driver[PCI_SYSFS_NAME_SZ];   /* "" none */
	char netdev[PCI_SYSFS_NAME_SZ];   /* "" none */
	int group;		       /* IOMMU group, -1 none */
	bool viable;		       /* every other device of the group is DMA-safe */
	int index;		       /* VF index on its PF, -1 for a PF */
	bool has_net;		       /* net holds the PF's view of this VF */
	struct rtnl_vf net;
};

struct vf_pf {
	struct vf_fn fn;
	unsigned long numvfs, totalvfs;
	unsigned int nr_vfs;
	struct vf_fn *vfs; /* nr_vfs, malloc'd */
};

struct vf_list {
	unsigned int nr_pfs;
	struct vf_pf pfs[VF_LIST_MAX_PFS];
};

/* 0 or -errno (logged); free with vf_list_free() even on failure. */
int vf_list_collect(struct vf_list *l, const char *root, bool net);
void vf_list_free(struct vf_list *l);

void vf_list_print_text(FILE *f, const struct vf_list *l);
void vf_list_print_json(FILE *f, const struct vf_list *l);

#endif
