// SPDX-License-Identifier: MIT
/*
 * hotplug.c - VFs added to and removed from a running guest; see
 * passthrough.h. The guest side is the architecture's hotplug controller
 * (x86: devices/pci_hotplug.h behind the DSDT's GED and slots).
 *
 * Locking: pt->lock guards pt->vfs[] and the container while the guest
 * runs. The control API's thread and the eject thread take it; a remove
 * waits for the guest's eject on pt->cond, which drops the lock so the
 * eject thread can detach the VF. vCPUs never take it: they reach a VF
 * through the host bridge's slot table (atomic) and its BAR traps, so a VF
 * leaves them with the vCPUs paused (vm_pause()).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/pci_host.h"
#include "devices/pci_hotplug.h"
#include "devices/vfio_pci.h"
#include "vmm/arch/arch.h"
#include "vmm/base/bdf.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/base/thread.h"
#include "vmm/core/vm.h"
#include "vmm/host/iommu_resv.h"
#include "vmm/host/vf_manage.h"
#include "vmm/pci/passthrough.h"
#include "vmm/pci/pci_platform.h"

#define SYSFS_ROOT   "/sys"
#define EJECT_POLL_S 0.2 /* a remove checks this often whether the VM still runs */
/* How long a slot emptied before the guest ejected it waits for that eject. */
#define EJECT_OWED_NS (10ULL * 1000 * 1000 * 1000)

_Static_assert(PCI_MAX_SLOTS <= 32, "slot masks and eject_owed_until[] hold 32 slots");

static const char *const why_names[PT_DETACH_WHYS] = {
    [PT_DETACH_GUEST] = "guest-eject", [PT_DETACH_API] = "api",
    [PT_DETACH_TIMEOUT] = "timeout",   [PT_DETACH_FORCED] = "forced",
    [PT_DETACH_VM_END] = "vm-end",     [PT_DETACH_ADD_FAILED] = "add-failed",
};
_Static_assert(ARRAY_SIZE(why_names) == PT_DETACH_WHYS, "name every detach reason");

const char *passthrough_detach_why_name(enum passthrough_detach_why why)
{
	return (unsigned int)why < PT_DETACH_WHYS ? why_names[why] : "?";
}

static void say(char *msg, size_t cap, const char *fmt, ...) PRINTF(3, 4);
static void say(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
}

/* ---- events ---- */

void passthrough_emit_detached(struct passthrough *pt, const struct passthrough_vf *vf,
			       enum passthrough_detach_why why)
{
	passthrough_emit_vf(pt->vm, "vf-detached", vf, true, passthrough_detach_why_name(why));
}

/* ---- the table ---- */

static struct passthrough_vf *find_vf(struct passthrough *pt, const char *bdf, unsigned int slot)
{
	for (unsigned int i = 0; i < pt->nr_vfs; i++) {
		struct passthrough_vf *vf = &pt->vfs[i];

		if (!vf->opts || !vf->pci)
			continue;
		if (bdf && bdf[0] ? !strcmp(vf->opts->bdf, bdf) : vf->slot == slot)
			return vf;
	}
	return NULL;
}

unsigned int passthrough_list(struct passthrough *pt, struct passthrough_dev *out, unsigned int cap)
{
	unsigned int n = 0;

	pthread_mutex_lock(&pt->lock);
	for (unsigned int s = 0; s < PCI_MAX_SLOTS; s++) {
		for (unsigned int i = 0; i < pt->nr_vfs; i++) {
			struct passthrough_vf *vf = &pt->vfs[i];

			if (!vf->opts || !vf->pci || vf->slot != s)
				continue;
			if (n < cap) {
				snprintf(out[n].bdf, sizeof(out[n].bdf), "%s", vf->opts->bdf);
				out[n].slot = vf->slot;
				out[n].hot = vf->hot;
			}
			n++;
		}
	}
	pthread_mutex_unlock(&pt->lock);
	return MIN(n, cap);
}

static bool any_in_group(struct passthrough *pt, int group)
{
	for (unsigned int i = 0; i < pt->nr_vfs; i++)
		if (pt->vfs[i].dev && pt->vfs[i].group == group)
			return true;
	return false;
}

static bool any_vf(struct passthrough *pt)
{
	for (unsigned int i = 0; i < pt->nr_vfs; i++)
		if (pt->vfs[i].dev)
			return true;
	return false;
}

/* A VF's device is closed: its group goes when no other VF is in it, the
 * container (which unmaps and unpins guest RAM first) with the last VF. */
static void release_group(struct passthrough *pt, int group)
{
	if (!any_vf(pt))
		vfio_container_close(&pt->c);
	else if (!any_in_group(pt, group))
		vfio_container_close_group(&pt->c, group);
}

/* ---- detach (pt->lock held) ---- */

static void detach_vf(struct passthrough *pt, struct passthrough_vf *vf,
		      enum passthrough_detach_why why)
{
	struct vm *vm = pt->vm;
	bool paused;
	int r;

	passthrough_dma_join(pt); /* the boot's map is done before the container may go */
	paused = vm_paused(vm);
	r = paused ? 0 : vm_pause(vm);

	if (r < 0 && r != -ESRCH)
		log_warn("%s: the vCPUs did not all stop (%s); removing the device anyway",
			 vf->name, strerror(-r));
	pci_host_remove(pt->host, vf->slot, vfio_pci_device(vf->pci));
	vfio_pci_destroy(vf->pci); /* irqfds, routes, memory slots, traps; the close resets it */
	vf->pci = NULL;
	if (!paused)
		vm_resume(vm);
	vfio_device_close(vf->dev);
	vf->dev = NULL;
	release_group(pt, vf->group);
	log_info("%s: detached from slot %u (%s)", vf->name, vf->slot,
		 passthrough_detach_why_name(why));
	if (why != PT_DETACH_ADD_FAILED) /* that VF had no vf-attached */
		passthrough_emit_detached(pt, vf, why);
	if (why == PT_DETACH_TIMEOUT || why == PT_DETACH_FORCED || why == PT_DETACH_ADD_FAILED) {
		/* asked to eject it, the guest has not yet: see eject_owed_until */
		pt->eject_owed_until[vf->slot] = mono_ns() + EJECT_OWED_NS;
	}
	if (vf->vfm && any_in_group(pt, vf->group) &&
	    (!vf->hot || pt->nr_parked < TINYVMM_MAX_VFS)) {
		/* The group is still open, its DMA owned by this process: a host
		 * driver would fail to bind. A --vf one goes back with the run. */
		log_info("%s: another VF in the guest keeps its IOMMU group %d open; it goes "
			 "back to its host driver when the VM ends",
			 vf->name, vf->group);
		if (vf->hot)
			pt->parked[pt->nr_parked++] = vf->vfm;
		vf->vfm = NULL;
	}
	if (vf->vfm) { /* back to its host driver now, a --vf one too */
		vf_manage_give_back(vf->vfm, SYSFS_ROOT);
		if (vf->hot)
			free(vf->vfm);
		vf->vfm = NULL;
	}
	vf->opts = NULL;
	vf->hot = false;
	vf->remove_asked = false;
	pthread_cond_broadcast(&pt->cond);
}

/* ---- add ---- */

/* A slot whose guest eject is still to come (eject_owed_until) and not overdue. */
static bool eject_owed(struct passthrough *pt, unsigned int s)
{
	if (!pt->eject_owed_until[s])
		return false;
	if (mono_ns() < pt->eject_owed_until[s])
		return true;
	pt->eject_owed_until[s] = 0; /* it never came: the slot is free again */
	log_debug("pci-hotplug: the guest never ejected slot %u; reusing it", s);
	return false;
}

static int pick_slot(struct passthrough *pt, const struct tinyvmm_vf *o, u8 *slot, char *msg,
		     size_t cap)
{
	if (o->slot) {
		if (o->slot == PCI_HOST_BRIDGE_SLOT || o->slot >= PCI_MAX_SLOTS) {
			say(msg, cap, "vf %s: slot=%u is out of range; use slot=%d..%d", o->bdf,
			    o->slot, PCI_FIRST_DEVICE_SLOT, PCI_MAX_SLOTS - 1);
			return -EINVAL;
		}
		if (pci_host_slot(pt->host, o->slot)) {
			say(msg, cap, "vf %s: slot %u is taken (by %s); pick another slot=", o->bdf,
			    o->slot, pci_host_slot(pt->host, o->slot)->name);
			return -EEXIST;
		}
		if (eject_owed(pt, o->slot)) {
			say(msg, cap,
			    "vf %s: the guest has not yet let go of the VF removed from slot %u; "
			    "try again in a moment, or pick another slot=",
			    o->bdf, o->slot);
			return -EBUSY;
		}
		*slot = (u8)o->slot;
		return 0;
	}
	for (unsigned int s = PCI_FIRST_DEVICE_SLOT; s < PCI_MAX_SLOTS; s++) {
		if (!pci_host_slot(pt->host, s) && !eject_owed(pt, s)) {
			*slot = (u8)s;
			return 0;
		}
	}
	say(msg, cap, "vf %s: no free PCI slot left", o->bdf);
	return -ENOSPC;
}

static struct passthrough_vf *free_entry(struct passthrough *pt)
{
	for (unsigned int i = 0; i < pt->nr_vfs; i++)
		if (!pt->vfs[i].opts && !pt->vfs[i].dev)
			return &pt->vfs[i];
	if (pt->nr_vfs < TINYVMM_MAX_VFS)
		return &pt->vfs[pt->nr_vfs++];
	return NULL;
}

/*
 * The container for a first VF: opened, and all guest RAM being mapped for
 * DMA (*mapping: on the DMA thread, which wait_dma() joins once the guest
 * has been told).
 */
static int open_device(struct passthrough *pt, struct passthrough_vf *vf, bool *mapping)
{
	bool fresh = pt->c.fd < 0;
	int r;

	passthrough_dma_join(pt); /* a boot-time map still running */
	if (!pt->vm->pci) {
		r = pci_platform_create(pt->vm);
		if (r < 0)
			return r;
	}
	if (fresh) {
		r = vfio_container_open(&pt->c);
		if (r < 0)
			return r;
	}
	r = vfio_device_open(&pt->c, vf->opts->bdf, &vf->dev);
	if (r == 0 && pt->c.nr_dma == 0) {
		r = passthrough_dma_map_start(pt, true);
		*mapping = r == 0;
	}
	if (r < 0 && fresh) {
		vfio_device_close(vf->dev);
		vf->dev = NULL;
		vfio_container_close(&pt->c);
	}
	return r;
}

/*
 * The guest has been told of vf, its container's first VF, and probes it
 * while guest RAM is mapped (its bus-master enable waits for the map): wait
 * for the map's end. If it failed, the VF goes again (a surprise removal
 * for the guest), and the add fails with the map's error.
 */
static int wait_dma(struct passthrough *pt, struct passthrough_vf *vf, char *msg, size_t cap)
{
	passthrough_dma_join(pt);
	if (pt->dma_result == 0)
		return 0;
	if (pt->dma_result == -ECANCELED)
		say(msg, cap, "%s: the VM is stopping", vf->name);
	else if (pt->dma_msg[0])
		say(msg, cap, "%s", pt->dma_msg); /* "vfio: cannot pin ..." */
	else
		say(msg, cap, "%s: cannot map guest RAM for DMA: %s", vf->name,
		    strerror(-err_errno(pt->dma_result)));
	vf->remove_asked = true;
	pcihp_request(arch_pci_hotplug(pt->vm), vf->slot, false);
	detach_vf(pt, vf, PT_DETACH_ADD_FAILED); /* and gives it back */
	return pt->dma_result;
}

static int hot_add_locked(struct passthrough *pt, const struct tinyvmm_vf *o, u8 *slot_out,
			  char *msg, size_t cap)
{
	bool mapping = false;
	struct pcihp *hp = arch_pci_hotplug(pt->vm);
	struct passthrough_vf *vf, *old;
	struct vf_manage *vfm = NULL;
	char bdf[BDF_SIZE], canon[BDF_SIZE];
	u8 slot;
	int group, r;

	if (bdf_parse(o->bdf, bdf) < 0) {
		say(msg, cap, "vf %s: not a PCI address; use DDDD:BB:DD.F (lspci -D)", o->bdf);
		return -EINVAL;
	}
	old = find_vf(pt, bdf, 0);
	if (old) {
		say(msg, cap, "vf %s: already in this guest, at slot %u", bdf, old->slot);
		return -EEXIST;
	}
	r = pick_slot(pt, o, &slot, msg, cap);
	if (r < 0)
		return r;
	vf = free_entry(pt);
	if (!vf) {
		say(msg, cap, "vf %s: this VM has %d VFs already, the most it takes", bdf,
		    TINYVMM_MAX_VFS);
		return -ENOSPC;
	}
	memset(vf, 0, sizeof(*vf));
	vf->hot_opts = *o;
	memcpy(vf->hot_opts.bdf, bdf, sizeof(bdf));
	vf->hot = true;
	vf->slot = slot;
	snprintf(vf->name, sizeof(vf->name), "vfio %s", bdf);

	log_capture(msg, cap); /* the first error a layer below logs is the reply */
	vfm = calloc(1, sizeof(*vfm));
	r = vfm ? vf_manage_take(vfm, &vf->hot_opts, SYSFS_ROOT) : -ENOMEM;
	if (r < 0)
		goto err_vfm;
	r = vfio_device_check(SYSFS_ROOT, bdf, canon, &group);
	if (r == 0)
		r = iommu_resv_check(SYSFS_ROOT, vf->name, group, pt->vm->mem.ranges,
				     pt->vm->mem.nr);
	if (r < 0)
		goto err_take;
	vf->group = group;
	vf->opts = &vf->hot_opts; /* an entry in use from here on */
	r = open_device(pt, vf, &mapping);
	if (r < 0)
		goto err_open;
	/* No BAR addresses: the guest places them, as it does for any hot-added device. */
	r = vfio_pci_create(&vf->pci, &vfio_sys_ops, vf->dev, &pt->vm->pci->plat, vf->name, slot,
			    arch_pci_intx_gsi(slot, 0));
	if (r < 0)
		goto err_dev;
	r = pci_host_add(pt->host, slot, vfio_pci_device(vf->pci));
	if (r < 0) {
		say(msg, cap, "%s: cannot put it in slot %u: %s", vf->name, slot, strerror(-r));
		goto err_pci;
	}
	log_capture(NULL, 0);
	vf->vfm = vfm;
	pcihp_request(hp, slot, true);
	if (mapping) {
		r = wait_dma(pt, vf, msg, cap);
		if (r < 0)
			return r;
		passthrough_dma_report(pt); /* dma-mapped: only for an add that worked */
	}
	log_info("%s: hot-added at slot %u (guest 0000:00:%02x.0)", vf->name, slot, slot);
	passthrough_emit_vf(pt->vm, "vf-attached", vf, true, NULL);
	*slot_out = slot;
	return 0;

err_pci:
	vfio_pci_destroy(vf->pci);
	vf->pci = NULL;
err_dev:
	passthrough_dma_join(pt); /* before the container may close */
	vfio_device_close(vf->dev);
	vf->dev = NULL;
err_open:
	release_group(pt, vf->group); /* also a group opened for a device that was not */
	vf->opts = NULL;
err_take:
	vf_manage_give_back(vfm, SYSFS_ROOT);
err_vfm:
	free(vfm);
	log_capture(NULL, 0);
	if (!msg[0])
		say(msg, cap, "vf %s: %s", bdf, strerror(-err_errno(r)));
	vf->hot = false;
	return r;
}

/* The VM state every request needs: running, not paused, hotplug ready. */
static int check_vm(struct passthrough *pt, bool force, char *msg, size_t cap)
{
	int r;

	if (!pt->host || !pt->vm) {
		say(msg, cap, "the VM is not started yet; try again");
		return -EAGAIN;
	}
	if (vm_stop_reason(pt->vm) != VM_RUNNING) {
		say(msg, cap, "the VM has stopped");
		return -ESRCH;
	}
	if (vm_paused(pt->vm)) {
		say(msg, cap,
		    "the VM is paused and cannot answer a hotplug event; resume it first");
		return -EBUSY;
	}
	r = arch_pci_hotplug_ready(pt->vm, msg, cap);
	if (r < 0 && !(force && r == -EAGAIN))
		return r;
	msg[0] = '\0';
	return 0;
}

int passthrough_hot_add(struct passthrough *pt, const struct tinyvmm_vf *o, u8 *slot, char *msg,
			size_t cap)
{
	int r;

	msg[0] = '\0';
	pthread_mutex_lock(&pt->lock);
	r = check_vm(pt, false, msg, cap);
	if (r == 0)
		r = hot_add_locked(pt, o, slot, msg, cap);
	pthread_mutex_unlock(&pt->lock);
	return r;
}

/* ---- remove ---- */

static void deadline_after(struct timespec *ts, double secs)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)secs;
	ts->tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int passthrough_hot_remove(struct passthrough *pt, const char *bdf, unsigned int slot,
			   double timeout, bool force, struct passthrough_dev *gone,
			   enum passthrough_detach_why *why, char *msg, size_t cap)
{
	struct pcihp *hp;
	struct passthrough_vf *vf;
	char canon[BDF_SIZE] = "";
	struct timespec dl;
	int r;

	msg[0] = '\0';
	if (bdf && bdf[0] && bdf_parse(bdf, canon) < 0) {
		say(msg, cap, "vf %s: not a PCI address; use DDDD:BB:DD.F (lspci -D)", bdf);
		return -EINVAL;
	}
	if (!canon[0] && (slot == PCI_HOST_BRIDGE_SLOT || slot >= PCI_MAX_SLOTS)) {
		say(msg, cap, "slot %u: out of range; use 1..%d", slot, PCI_MAX_SLOTS - 1);
		return -EINVAL;
	}
	pthread_mutex_lock(&pt->lock);
	r = check_vm(pt, force, msg, cap);
	if (r < 0)
		goto out;
	vf = find_vf(pt, canon, slot);
	if (!vf) {
		if (canon[0])
			say(msg, cap, "vf %s: not in this guest", canon);
		else
			say(msg, cap, "slot %u: no VF there", slot);
		r = -ENOENT;
		goto out;
	}
	if (vf->remove_asked && !force) {
		say(msg, cap, "%s: a removal is already in progress", vf->name);
		r = -EBUSY;
		goto out;
	}
	snprintf(gone->bdf, sizeof(gone->bdf), "%s", vf->opts->bdf);
	gone->slot = vf->slot;
	gone->hot = vf->hot;
	hp = arch_pci_hotplug(pt->vm);
	vf->remove_asked = true;
	pcihp_request(hp, vf->slot, false); /* a forced one too: the guest lets go of it */
	if (!force) {
		const struct passthrough_vf *want = vf;
		const struct tinyvmm_vf *opts = vf->opts;

		/* The eject thread detaches it when the guest writes B0EJ. */
		for (double left = timeout; want->opts == opts && want->pci && left > 0;
		     left -= EJECT_POLL_S) {
			if (vm_stop_reason(pt->vm) != VM_RUNNING) {
				say(msg, cap, "%s: the VM stopped before the guest ejected it",
				    vf->name);
				r = -ESRCH;
				goto out; /* the VM's end detaches it */
			}
			deadline_after(&dl, MIN(left, EJECT_POLL_S));
			pthread_cond_timedwait(&pt->cond, &pt->lock, &dl);
		}
		if (!(want->opts == opts && want->pci)) {
			*why = PT_DETACH_API;
			goto out;
		}
		log_warn("%s: the guest did not eject it within %g s; removing it anyway", vf->name,
			 timeout);
	}
	*why = force ? PT_DETACH_FORCED : PT_DETACH_TIMEOUT;
	detach_vf(pt, vf, *why);
out:
	pthread_mutex_unlock(&pt->lock);
	return r;
}

/* ---- the eject thread ---- */

static void *eject_thread(void *arg)
{
	struct passthrough *pt = arg;
	struct pcihp *hp = arch_pci_hotplug(pt->vm);

	pthread_setname_np(pthread_self(), "pci-eject");
	for (;;) {
		u32 mask = pcihp_wait_ejected(hp, -1);

		pthread_mutex_lock(&pt->lock);
		if (pt->eject_stop) {
			pthread_mutex_unlock(&pt->lock);
			break;
		}
		if (vm_stop_reason(pt->vm) != VM_RUNNING)
			mask = 0; /* the VM's end detaches everything */
		for (unsigned int s = PCI_FIRST_DEVICE_SLOT; s < PCI_MAX_SLOTS; s++) {
			struct passthrough_vf *vf;

			if (!(mask & (1U << s)))
				continue;
			if (pt->eject_owed_until[s]) { /* what was there is gone already */
				pt->eject_owed_until[s] = 0;
				log_debug("pci-hotplug: the guest ejected slot %u, emptied before",
					  s);
				continue;
			}
			vf = find_vf(pt, NULL, s);
			if (!vf) {
				log_debug("pci-hotplug: the guest ejected slot %u, which is empty",
					  s);
				continue;
			}
			detach_vf(pt, vf, vf->remove_asked ? PT_DETACH_API : PT_DETACH_GUEST);
		}
		pthread_mutex_unlock(&pt->lock);
	}
	return NULL;
}

int passthrough_eject_start(struct passthrough *pt)
{
	int r;

	if (!arch_pci_hotplug(pt->vm))
		return 0;
	pt->eject_stop = false;
	r = thread_create(&pt->eject_thread, eject_thread, pt);
	if (r < 0)
		return err_host(r, "pci-hotplug: cannot start the eject thread: %s",
				thread_why(-r));
	pt->eject_started = true;
	return 0;
}

void passthrough_eject_stop(struct passthrough *pt)
{
	if (!pt->eject_started)
		return;
	pthread_mutex_lock(&pt->lock);
	pt->eject_stop = true;
	pthread_mutex_unlock(&pt->lock);
	pcihp_wake(arch_pci_hotplug(pt->vm));
	pthread_join(pt->eject_thread, NULL);
	pt->eject_started = false;
}
