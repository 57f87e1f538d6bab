/* SPDX-License-Identifier: MIT */
/*
 * vfio_priv.h - what vfio.c (container, groups, opening a device) and
 * vfio_ops.c (vfio_sys_ops on a device fd) share. Not an API.
 */
#ifndef TINYVMM_VFIO_PRIV_H
#define TINYVMM_VFIO_PRIV_H

#include "vmm/pci/vfio.h"

#define VFIO_DEV_MAX_REGIONS 16 /* cached: BARs 0-5, ROM, config, VGA, a few device-specific */

struct vfio_dev {
	int fd;
	char bdf[13];
	u32 flags, num_regions, num_irqs; /* VFIO_DEVICE_GET_INFO */
	struct {
		u64 offset, size; /* file offset and size; size 0: absent */
		u32 flags;
	} reg[VFIO_DEV_MAX_REGIONS];
};

/* Fill d->flags, num_* and the region cache from the device fd. */
int vfio_dev_load_info(struct vfio_dev *d);

/*
 * Turn a VFIO_DEVICE_GET_REGION_INFO answer (ri->argsz bytes, capability
 * chain included) into out: the sparse-mmap areas that lie inside the
 * region, at most VFIO_MAX_SPARSE (the rest stay trapped); a sparse
 * capability without a usable area clears FLAG_MMAP. Bad offsets and loops
 * in the chain end the walk. Pure.
 */
struct vfio_region_info;
void vfio_region_parse(const struct vfio_region_info *ri, struct vfio_region *out);

#endif
