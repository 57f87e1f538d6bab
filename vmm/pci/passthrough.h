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
struct vf_manage;

struct passthrough_vf {
	const struct tinyvmm_vf *opts; /* NULL: a free entry (a VF hot-removed) */
	char name[32];		       /* "vfio 0000:01:10.0" */
	u8 slot;
	struct vfio_dev *dev;
	struct vfio_pci *pci;
	/* Hotplug (hotplug.c): */
	bool hot;		    /* added by passthrough_hot_add(); opts is &hot_opts */
	struct tinyvmm_vf hot_opts; /* its --vf keys */
	struct vf_manage *vfm;	    /* its host side, given back at removal: hot ones
				       own it, a --vf one's is the run's (set_host_side) */
	int group;		    /* its IOMMU group (every VF's, not only hot ones) */
	bool remove_asked;	    /* the guest was asked to eject it */
};

struct passthrough {
	struct vm *vm;
	struct pci_host *host;
	bool host_registered;
	struct vfio_container c;
	unsigned int nr_vfs;
	struct passthrough_vf vfs[TINYVMM_MAX_VFS];
	/* The DMA map of guest RAM, made by dma_thread while the kernel loads
	 * and the guest boots: written by it, read once it is joined
	 * (passthrough_dma_join()). dma_cancel (atomic) cuts it short between
	 * two chunks when the VM goes before the map is done. */
	pthread_t dma_thread;
	bool dma_started;
	bool dma_cancel;
	u64 dma_bytes, dma_ns;
	u64 dma_huge;		    /* RAM on transparent huge pages after the map, bytes */
	bool dma_huge_known;	    /* dma_huge read from /proc/self/smaps */
	u64 dma_wait_ns, dma_waits; /* vCPUs held at bus-master enable until it was done */
	bool dma_hot;		    /* this map is a hot add's: a failure is the add's */
	int dma_result;		    /* the map's 0 or -errno, once joined */
	char dma_msg[256];	    /* the error it logged (a hot add's reply) */
	/* Hotplug (hotplug.c): lock guards vfs[] once the guest runs; cond
	 * signals a VF gone. The eject thread detaches what the guest ejects. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t eject_thread;
	bool eject_started, eject_stop;
	/* Hot-added VFs removed while another VF kept their IOMMU group open
	 * (the host driver could not bind): given back when the VM ends. */
	struct vf_manage *parked[TINYVMM_MAX_VFS];
	unsigned int nr_parked;
	/* Slots emptied before the guest ejected what was there (timeout,
	 * force, a failed add): its eject is still to come, and must not take
	 * the next VF put there. Until this deadline (mono_ns(); 0: none) the
	 * slot is not reused; the guest's eject is then only consumed. */
	u64 eject_owed_until[32];
};

/*
 * Only the slot assignment of passthrough_prepare(), for a check before the
 * VFs are taken (an input error never rebinds anything). 0 or -EINVAL after
 * one line.
 */
int passthrough_check_slots(const struct tinyvmm_vf *vfs, unsigned int n);
int passthrough_prepare(struct passthrough *pt, const struct tinyvmm_vf *vfs, unsigned int n);
/*
 * vfs[i] of passthrough_prepare() was taken by the run as m (which the run
 * keeps): a hot-remove of that VF gives it back through m at once, not at
 * the run's end. Without it, the VF stays taken until the run gives it back.
 */
void passthrough_set_host_side(struct passthrough *pt, unsigned int i, struct vf_manage *m);
int passthrough_attach(struct passthrough *pt, struct vm *vm);
void passthrough_detach(struct passthrough *pt);
/* Wait for the DMA map of guest RAM to end (done or failed); idempotent. */
void passthrough_dma_join(struct passthrough *pt);
/* The PCI and VFIO part of --stats (joins the DMA map first). */
void passthrough_print_stats(struct passthrough *pt, FILE *f);

/*
 * ---- hotplug (hotplug.c; x86: the ACPI GED and devices/pci_hotplug.h) ----
 *
 * passthrough_hot_add(): the whole --vf path while the guest runs: checks
 * (slot free and 1..31, BDF, not in this VM already), vf_manage_take()
 * (lock, crash record, PF settings, vfio-pci), the sysfs and IOMMU checks,
 * the container (opened, when this is the first VF, with all guest RAM
 * mapped for DMA on a thread while the guest already probes the device:
 * its bus-master enable waits for the map), the device model in its slot
 * with its BARs left for the guest to place, then the guest is told (PCIU
 * + the GED interrupt); once the map is done the vf-attached event says
 * "hotplug": true. A map that fails takes the VF out again (a surprise
 * removal for the guest) and fails the add.
 * passthrough_hot_remove(): asks the guest to eject the VF (PCID), waits
 * up to timeout seconds for its _EJ0, then detaches it; with force, or
 * after the timeout, detaches it at once (a surprise removal). Detaching
 * pauses the vCPUs while the device leaves the slot and its model goes
 * (irqfds, routes, memory slots, traps, reset), closes it and its group
 * (and the container with the last VF: pinned RAM is unpinned), gives a
 * hot-added VF back to its host driver, and emits vf-detached.
 * The eject thread does the same for a VF the guest ejects on its own.
 * Both return 0 or -errno with a one-line message in msg, and change
 * nothing on an error.
 */
enum passthrough_detach_why {
	PT_DETACH_GUEST,      /* the guest ejected it on its own */
	PT_DETACH_API,	      /* vf-remove, and the guest ejected it */
	PT_DETACH_TIMEOUT,    /* vf-remove, the guest did not eject it in time */
	PT_DETACH_FORCED,     /* vf-remove with force */
	PT_DETACH_VM_END,     /* the VM ended */
	PT_DETACH_ADD_FAILED, /* its hot add failed after the guest was told (no event) */
	PT_DETACH_WHYS
};
const char *passthrough_detach_why_name(enum passthrough_detach_why why);

#define PT_REMOVE_TIMEOUT     10.0 /* seconds */
#define PT_REMOVE_TIMEOUT_MAX 600.0

struct passthrough_dev {
	char bdf[13];
	u8 slot;
	bool hot;
};

int passthrough_hot_add(struct passthrough *pt, const struct tinyvmm_vf *o, u8 *slot, char *msg,
			size_t cap);
/* bdf "" picks the VF by slot; *why says how it went. */
int passthrough_hot_remove(struct passthrough *pt, const char *bdf, unsigned int slot,
			   double timeout, bool force, struct passthrough_dev *gone,
			   enum passthrough_detach_why *why, char *msg, size_t cap);
/* The VFs in the guest now (up to cap), in slot order; returns how many. */
unsigned int passthrough_list(struct passthrough *pt, struct passthrough_dev *out,
			      unsigned int cap);
/*
 * Map all guest RAM for DMA on a thread of its own, the vCPUs' bus-master
 * enable held until it is done (as at boot). hot: for a hot-added first VF,
 * whose add waits for it with passthrough_dma_join() and reads dma_result
 * and dma_msg: a failure does not stop the VM. 0, or -errno when even the
 * fallback (mapping on this thread) failed.
 */
int passthrough_dma_map_start(struct passthrough *pt, bool hot);
/*
 * The VM is going: a DMA map still running stops before its next chunk
 * (256 MiB), its result -ECANCELED, instead of pinning all of RAM first.
 * passthrough_detach() does it too; the run does it as soon as the vCPUs
 * are joined, so --stats and a hot add waiting for the map do not wait.
 */
void passthrough_dma_cancel(struct passthrough *pt);
/* The dma-mapped event and --verbose line of the map just done. */
void passthrough_dma_report(struct passthrough *pt);
/* The eject thread: started by passthrough_attach(), stopped by passthrough_detach(). */
int passthrough_eject_start(struct passthrough *pt);
void passthrough_eject_stop(struct passthrough *pt);
/*
 * A VF's event (vf-attached, vf-detached): {"bdf": host BDF, "slot": N,
 * "guest_bdf": "0000:00:NN.0"}, then "reason" when given, else
 * "hotplug": true for a hot-added one.
 */
void passthrough_emit_vf(struct vm *vm, const char *event, const struct passthrough_vf *vf,
			 bool hot, const char *reason);
/* The vf-detached event of vf (the VM end's too). */
void passthrough_emit_detached(struct passthrough *pt, const struct passthrough_vf *vf,
			       enum passthrough_detach_why why);

#endif
