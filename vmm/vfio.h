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

#include "util.h"

#define VFIO_MAX_SPARSE 8

struct vfio_dev; /* opaque: the real one wraps a device fd */

struct vfio_region {
	u32 index; /* VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_CONFIG_REGION_INDEX */
	u32 flags; /* VFIO_REGION_INFO_FLAG_READ/WRITE/MMAP/CAPS */
	u64 size;
	u64 offset;	  /* file offset of the region in the device fd */
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
	/* VFIO_DEVICE_RESET; -ENOTTY when the device does not support it */
	int (*reset)(struct vfio_dev *d);
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
	struct {
		u64 iova, size;
	} dma[4];
};

int vfio_container_open(struct vfio_container *c);
void vfio_container_close(struct vfio_container *c);
/* Map host [hva, hva+size) for device DMA at iova. Logs one line on error. */
int vfio_container_dma_map(struct vfio_container *c, u64 iova, u64 size, void *hva);

/*
 * Open the device BDF ("0000:01:10.0") through its IOMMU group. Errors are
 * one line naming the device and the fix, e.g.
 *   vfio 0000:01:10.0: no such PCI device (check the address with lspci -D)
 *   vfio 0000:01:10.0: bound to igbvf, not vfio-pci; bind it: echo vfio-pci > .../driver_override ...
 *   vfio 0000:01:10.0: IOMMU group 5 is not viable: 0000:01:10.1 is bound to igbvf; bind it to vfio-pci or use --vf for it too
 */
int vfio_device_open(struct vfio_container *c, const char *bdf, struct vfio_dev **out);
void vfio_device_close(struct vfio_dev *d);
const char *vfio_device_name(const struct vfio_dev *d); /* the BDF */

extern const struct vfio_ops vfio_sys_ops;

/* Parse "DDDD:BB:DD.F" or "BB:DD.F" (domain 0) into canonical form; -EINVAL. */
int vfio_parse_bdf(const char *s, char out[13]);

#endif
