/* SPDX-License-Identifier: MIT */
/*
 * pci_sysfs.h - a host PCI function as sysfs shows it: its driver, IOMMU
 * group, netdev, SR-IOV attributes, and the writes that bind it to a
 * driver or change its VF count.
 *
 * Every function takes the sysfs root ("/sys"; unit tests pass a fake
 * tree made of directories, symlinks and plain files) and a canonical BDF
 * ("0000:01:10.0", see bdf_parse). Nothing here logs: callers name
 * the object and the fix. Functions return 0 or -errno.
 */
#ifndef TINYVMM_PCI_SYSFS_H
#define TINYVMM_PCI_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PCI_SYSFS_SYSFS	  "/sys"
#define PCI_SYSFS_BDF_SZ  13 /* "DDDD:BB:DD.F" + NUL */
#define PCI_SYSFS_NAME_SZ 64
#define PCI_SYSFS_MAX_VFS 2048 /* virtfnN links looked at */

/* root/bus/pci/devices/bdf is there. */
bool pci_sysfs_exists(const char *root, const char *bdf);

/* The bound driver's name into drv ("" and 0 when unbound); -ENODEV: no device. */
int pci_sysfs_driver(const char *root, const char *bdf, char *drv, size_t len);

/* vfio-pci, or a vendor's vfio-pci variant driver (mlx5_vfio_pci, ...). */
bool pci_sysfs_driver_is_vfio(const char *drv);
/* Drivers that may share an IOMMU group with a VFIO user (no DMA of their own). */
bool pci_sysfs_driver_dma_safe(const char *drv);

/* The IOMMU group number, or -ENOENT when there is none (IOMMU off). */
int pci_sysfs_iommu_group(const char *root, const char *bdf);

/*
 * Describe the devices of IOMMU group other than self: those bound to a
 * host driver go to bad ("X is bound to D, ..."), the others to ok
 * ("X (vfio-pci), Y (no driver)"); lists cut with "..." when full. Returns
 * how many are bad (0: viable for passthrough), or -errno.
 */
int pci_sysfs_group_others(const char *root, int group, const char *self, char *bad, size_t badlen,
			   char *ok, size_t oklen);

/* The first netdev under the device (net/<name>); -ENOENT when none. */
int pci_sysfs_netdev(const char *root, const char *bdf, char *ifname, size_t len);
/* The PCI function that has netdev ifname (via class/net/ifname/device). */
int pci_sysfs_of_netdev(const char *root, const char *ifname, char bdf[PCI_SYSFS_BDF_SZ]);

/*
 * An unsigned decimal attribute (sriov_numvfs, sriov_totalvfs, ...): the
 * whole file, at most 30 bytes of digits and then newlines or spaces;
 * -EINVAL otherwise.
 */
int pci_sysfs_read_uint(const char *root, const char *bdf, const char *attr, unsigned long *out);
/*
 * Up to len - 1 bytes of the file at path (any file: sysfs, procfs, a
 * record) into buf, NUL-terminated. Returns the bytes read or -errno.
 */
ssize_t pci_sysfs_read_file(const char *path, char *buf, size_t len);
/* A short text attribute, trailing newline removed ("(null)" kept as is). */
int pci_sysfs_read_attr(const char *root, const char *bdf, const char *attr, char *buf, size_t len);
/* Write val to the attribute; the kernel's error from write() is returned. */
int pci_sysfs_write_attr(const char *root, const char *bdf, const char *attr, const char *val);

/* A VF's PF (physfn link) and its index among the PF's virtfnN links. -ENOENT: not a VF. */
int pci_sysfs_physfn(const char *root, const char *vf, char pf[PCI_SYSFS_BDF_SZ],
		     unsigned int *index);
/*
 * The PF's VFs by index (virtfn0, virtfn1, ...) into vfs[max]; *nr is the
 * count found. A PF without SR-IOV has none (0, nr = 0).
 */
int pci_sysfs_virtfns(const char *root, const char *pf, char (*vfs)[PCI_SYSFS_BDF_SZ],
		      unsigned int max, unsigned int *nr);

/*
 * Bind bdf to driver drv the way the kernel intends: driver_override = drv,
 * unbind from the current driver (if another), then bus/pci/drivers_probe.
 * drv "" leaves the device unbound (driver_override cleared, then unbind).
 * The caller checks the outcome with pci_sysfs_driver().
 */
int pci_sysfs_bind(const char *root, const char *bdf, const char *drv);

/* Set sriov_numvfs to n, going through 0 when changing a non-zero count. */
int pci_sysfs_set_numvfs(const char *root, const char *pf, unsigned int n);

#endif
