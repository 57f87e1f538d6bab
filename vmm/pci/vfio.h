/* SPDX-License-Identifier: MIT */
/*
 * vfio.h - the VFIO layer: container, groups, devices (type1v2 IOMMU).
 *
 * The device model (devices/vfio_pci.c) reaches a device only through
 * struct vfio_ops, so unit tests substitute an in-memory fake device.
 * vfio_sys_ops is the real implementation on a device fd.
 *
 * Real use:
 *   vfio_container_open(&c)                       one per VM
 *   vfio_device_open(&c, "0000:01:10.0", &dev)    checks the IOMMU group is
 *                                                 viable, adds the group to the
 *                                                 container, sets type1v2
 *   vfio_container_dma_map(&c, gpa, size, hva)    for every RAM range, before
 *                                                 the guest runs (iova = gpa)
 *   ... vfio_sys_ops on dev ...
 *   vfio_device_close(dev); vfio_container_close(&c)  (unmaps DMA)
 */
#ifndef TINYVMM_VFIO_H
#define TINYVMM_VFIO_H

#include <sys/types.h>

#include "vmm/base/util.h"

#define VFIO_MAX_SPARSE 8

struct vfio_dev; /* opaque: the real one wraps a device fd */

struct vfio_region {
	u32 index; /* VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_CONFIG_REGION_INDEX */
	u32 flags; /* VFIO_REGION_INFO_FLAG_READ/WRITE/MMAP/CAPS */
	u64 size;
	u64 offset;		/* file offset of the region in the device fd */
	unsigned int nr_sparse; /* VFIO_REGION_INFO_CAP_SPARSE_MMAP areas; */
	struct {		/* 0 with FLAG_MMAP means all of it */
		u64 offset, size;
	} sparse[VFIO_MAX_SPARSE];
};

struct vfio_ops {
	int (*region_info)(struct vfio_dev *d, u32 index, struct vfio_region *out);
	/* count and VFIO_IRQ_INFO_* flags of an IRQ index (INTX, MSI, MSIX) */
	int (*irq_info)(struct vfio_dev *d, u32 index, u32 *count, u32 *flags);
	/* region access at offset off within the region; returns bytes or -errno */
	ssize_t (*read)(struct vfio_dev *d, u32 region, u64 off, void *buf, size_t len);
	ssize_t (*write)(struct vfio_dev *d, u32 region, u64 off, const void *buf, size_t len);
	/* mmap part of a region; NULL on failure (errno set) */
	void *(*mmap)(struct vfio_dev *d, u32 region, u64 off, u64 size);
	void (*munmap)(struct vfio_dev *d, void *addr, u64 size);
	/*
	 * VFIO_DEVICE_SET_IRQS, DATA_EVENTFD | ACTION_TRIGGER for vectors
	 * [start, start+count) of index; efds[i] == -1 unbinds one vector.
	 * count 0 disables the whole index (DATA_NONE | ACTION_TRIGGER).
	 */
	int (*set_irqs)(struct vfio_dev *d, u32 index, u32 start, u32 count, const int *efds);
	/* INTx: ACTION_UNMASK | DATA_EVENTFD with the resample eventfd (-1: plain unmask) */
	int (*intx_unmask)(struct vfio_dev *d, int resample_efd);
	/* VFIO_DEVICE_INFO flags and the number of regions and IRQ indexes */
	int (*device_info)(struct vfio_dev *d, u32 *flags, u32 *num_regions, u32 *num_irqs);
};

struct vfio_container {
	int fd;
	unsigned int nr_groups;
	struct vfio_group_ref {
		int id;
		int fd;
	} groups[32];
	bool iommu_set;
	unsigned int nr_dma;
	struct vfio_dma_rec {
		u64 iova, size;
	} dma[4];
	u64 dma_total; /* optional: bytes the caller will map in all (RLIMIT_MEMLOCK hint) */
};

/*
 * Open /dev/vfio/vfio and check the API version and the type1v2 IOMMU.
 * Sets c->fd = -1 first, so vfio_container_close() is always safe after it
 * (and on a container initialised with VFIO_CONTAINER_INIT).
 */
/* clang-format off */
#define VFIO_CONTAINER_INIT {.fd = -1}
/* clang-format on */
int vfio_container_open(struct vfio_container *c);
/* Unmap all DMA, close the groups and the container. Safe twice. */
void vfio_container_close(struct vfio_container *c);
/*
 * Map host [hva, hva+size) for device DMA at iova, readable and writable
 * (the pages are pinned). A map that starts where the last one ended (the
 * next chunk of a range) extends its record: vfio_container_close() unmaps
 * both at once, as type1v2 allows for whole mappings. Logs one line on error: -ENOMEM names
 * RLIMIT_MEMLOCK, the size needed (c->dma_total if set) and `ulimit -l`.
 */
int vfio_container_dma_map(struct vfio_container *c, u64 iova, u64 size, void *hva);

/*
 * Open the device BDF ("0000:01:10.0") through its IOMMU group. Errors are
 * one line naming the device and the fix, e.g.
 *   vfio 0000:01:10.0: no such PCI device (check the address with lspci -D)
 *   vfio 0000:01:10.0: bound to igbvf, not vfio-pci; rebind it: modprobe vfio-pci;
 *     echo vfio-pci > .../driver_override; ...
 *   vfio 0000:01:10.0: IOMMU group 5 is not viable: 0000:01:10.1 is bound to igbvf
 *     (the group also holds ...); bind it to vfio-pci or pass it with --vf too
 *   vfio 0000:01:10.0: /dev/vfio/5 is in use by another process (another tinyvmm or QEMU?); ...
 *   vfio: cannot pin guest RAM for DMA: RLIMIT_MEMLOCK is 8192 KiB, the DMA map needs
 *     512 MiB (all guest RAM); raise it with ulimit -l 524288 ...
 * All of vfio_device_check()'s checks come first (see below), then the group
 * (reused when an earlier device shares it), the container and the device fd.
 * Errors the user can fix carry ERR_USER (err.h); host failures do not.
 */
int vfio_device_open(struct vfio_container *c, const char *bdf, struct vfio_dev **out);
void vfio_device_close(struct vfio_dev *d);
/* Take IOMMU group id out of the container and close it (hotplug: its last
 * device is gone). With the last group the IOMMU drops the DMA map; close
 * the container then. Unknown ids are ignored. */
void vfio_container_close_group(struct vfio_container *c, int id);
const char *vfio_device_name(const struct vfio_dev *d); /* the BDF */

extern const struct vfio_ops vfio_sys_ops;

/*
 * The checks vfio_device_open() makes in sysfs before it touches /dev/vfio,
 * against the sysfs tree at root ("/sys"; tests pass a fake tree). Logs one
 * line naming the device and the fix and returns (err.h):
 *   -EINVAL, user       not DDDD:BB:DD.F
 *   -ENODEV, user       no root/bus/pci/devices/BDF
 *   -EMEDIUMTYPE, user  bound to another driver or none
 *   -EXDEV, user        another device of the IOMMU group is bound to a host
 *                       driver (also from vfio_device_open() when the kernel
 *                       says the group is not viable)
 *   -EOPNOTSUPP, host   no iommu_group: the IOMMU is off
 * vfio_device_open() may add host errors: -EBUSY (the group is open in
 * another process), -EACCES (no permission on /dev/vfio/N), other -errno.
 * On success out gets the canonical BDF and *group the IOMMU group number.
 */
int vfio_device_check(const char *root, const char *bdf, char out[13], int *group);

#endif
