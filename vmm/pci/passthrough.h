/* SPDX-License-Identifier: MIT */
/*
 * passthrough.h - the PCI side of a VM: the host bridge on 0xcf8-0xcff and
 * the --vf functions passed through with VFIO. library_run.c's run_vm() calls:
 *
 *   passthrough_prepare(&pt, vfs, n) before vm_create(): stable slots
 *                                   (pci_slots_assign) and the sysfs checks
 *                                   of every --vf, so user errors come out
 *                                   before KVM or /dev/vfio is touched
 *   passthrough_attach(&pt, &vm)    after vm_create(), before the vCPUs run:
 *                                   host bridge on vm->pio, VFIO container,
 *                                   for each --vf vfio_device_open +
 *                                   vfio_pci_create + pci_host_add, DMA map
 *                                   of all guest RAM (iova = gpa), then the
 *                                   BAR assignment
 *   passthrough_print_stats(&pt, f) with --stats
 *   passthrough_detach(&pt)         on every exit path, after vm_join() and
 *                                   before vm_destroy(): destroys the device
 *                                   models (reset, irqfds, routes, maps),
 *                                   closes the devices, unmaps DMA, closes
 *                                   the container. Safe on a partial attach
 *                                   and twice.
 *
 * Errors are logged (one line) and returned as -errno, marked as the
 * user's (err.h) when their input is at fault: a bad BDF, a missing device,
 * one not bound to vfio-pci, a group that is not viable, a slot clash.
 */
#ifndef TINYVMM_PASSTHROUGH_H
#define TINYVMM_PASSTHROUGH_H

#include <pthread.h>
#include <stdio.h>

#include "include/tinyvmm.h"
#include "vmm/base/util.h"
#include "vmm/pci/vfio.h"

struct vm;
struct pci_host;
struct vfio_pci;

struct passthrough_vf {
	const struct tinyvmm_vf *opts;
	char name[32]; /* "vfio 0000:01:10.0" */
	u8 slot;
	struct vfio_dev *dev;
	struct vfio_pci *pci;
};

struct passthrough {
	struct vm *vm;
	struct pci_host *host;
	bool host_registered;
	struct vfio_container c;
	unsigned int nr_vfs;
	struct passthrough_vf vfs[TINYVMM_MAX_VFS];
	/* The DMA map of guest RAM, made by dma_thread while the guest boots:
	 * written by it, read once it is joined (passthrough_dma_join()). */
	pthread_t dma_thread;
	bool dma_started;
	u64 dma_bytes, dma_ns;
	u64 dma_wait_ns, dma_waits; /* vCPUs held at bus-master enable until it was done */
};

/*
 * Only the slot assignment of passthrough_prepare(), for a check before the
 * VFs are taken (an input error never rebinds anything). 0 or -EINVAL after
 * one line.
 */
int passthrough_check_slots(const struct tinyvmm_vf *vfs, unsigned int n);
int passthrough_prepare(struct passthrough *pt, const struct tinyvmm_vf *vfs, unsigned int n);
int passthrough_attach(struct passthrough *pt, struct vm *vm);
void passthrough_detach(struct passthrough *pt);
/* Wait for the DMA map of guest RAM to end (done or failed); idempotent. */
void passthrough_dma_join(struct passthrough *pt);
/* The PCI and VFIO part of --stats (joins the DMA map first). */
void passthrough_print_stats(struct passthrough *pt, FILE *f);

#endif
