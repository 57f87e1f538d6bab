// SPDX-License-Identifier: MIT
/* passthrough.c - the host bridge and the --vf functions of a VM; see passthrough.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/pci_host.h"
#include "devices/vfio_pci.h"
#include "vmm/sandbox/seccomp.h"
#include "vmm/core/events.h"
#include "vmm/arch/arch.h"
#include "vmm/base/err.h"
#include "vmm/base/json_write.h"
#include "vmm/base/log.h"
#include "vmm/base/thread.h"
#include "vmm/host/iommu_resv.h"
#include "vmm/host/smaps.h"
#include "vmm/host/vf_manage.h"
#include "vmm/pci/passthrough.h"
#include "vmm/pci/pci_platform.h"
#include "vmm/core/vm.h"

#define SYSFS_ROOT "/sys"
/* Test hook (tests/lab): delay the DMA map by this many milliseconds (at most 60 s). */
#define DMA_DELAY_ENV "TINYVMM_TEST_DMA_DELAY_MS"

/* The hotplug lock and condition (hotplug.c waits on CLOCK_MONOTONIC). */
static void hotplug_init(struct passthrough *pt)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&pt->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pt->cond, &ca);
	pthread_condattr_destroy(&ca);
}

/* Stable guest slots for the VFs into slots[]; a user error after one line. */
static int assign_slots(const struct tinyvmm_vf *vfs, unsigned int n, char (*names)[32], u8 *slots)
{
	struct pci_slot_req req[TINYVMM_MAX_VFS];
	char err[256];

	for (unsigned int i = 0; i < n; i++) {
		snprintf(names[i], 32, "vfio %s", vfs[i].bdf);
		req[i] = (struct pci_slot_req){.name = names[i],
					       .slot = vfs[i].slot ? (int)vfs[i].slot : -1};
	}
	if (pci_slots_assign(req, n, slots, err, sizeof(err)) < 0)
		return err_user(-EINVAL, "%s", err);
	return 0;
}

int passthrough_check_slots(const struct tinyvmm_vf *vfs, unsigned int n)
{
	char names[TINYVMM_MAX_VFS][32];
	u8 slots[TINYVMM_MAX_VFS];

	return assign_slots(vfs, MIN(n, (unsigned int)TINYVMM_MAX_VFS), names, slots);
}

int passthrough_prepare(struct passthrough *pt, const struct tinyvmm_vf *vfs, unsigned int n)
{
	char names[TINYVMM_MAX_VFS][32];
	u8 slots[TINYVMM_MAX_VFS];
	int r;

	memset(pt, 0, sizeof(*pt));
	pt->c = (struct vfio_container)VFIO_CONTAINER_INIT;
	hotplug_init(pt);
	pt->nr_vfs = MIN(n, (unsigned int)TINYVMM_MAX_VFS);
	r = assign_slots(vfs, pt->nr_vfs, names, slots);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < pt->nr_vfs; i++) {
		pt->vfs[i].opts = &vfs[i];
		memcpy(pt->vfs[i].name, names[i], sizeof(pt->vfs[i].name));
	}
	for (unsigned int i = 0; i < pt->nr_vfs; i++) {
		char bdf[13];
		int group;

		pt->vfs[i].slot = slots[i];
		r = vfio_device_check(SYSFS_ROOT, pt->vfs[i].opts->bdf, bdf, &group);
		if (r < 0)
			return r;
		log_debug("%s: IOMMU group %d, guest 0000:00:%02x.0", pt->vfs[i].name, group,
			  slots[i]);
	}
	return 0;
}

void passthrough_set_host_side(struct passthrough *pt, unsigned int i, struct vf_manage *m)
{
	if (i < pt->nr_vfs && !pt->vfs[i].hot)
		pt->vfs[i].vfm = m;
}

static int add_host_bridge(struct passthrough *pt)
{
	int r = pci_host_create(&pt->host);

	if (r < 0)
		return err_host(r, "pci: cannot create the host bridge: %s", strerror(-r));
	r = arch_pci_attach(pt->vm, pt->host);
	if (r < 0)
		return r;
	pt->host_registered = true;
	return 0;
}

static int attach_vf(struct passthrough *pt, struct passthrough_vf *vf)
{
	const struct mem *m = &pt->vm->mem;
	char canon[13];
	int group, r;

	/* Guest RAM is mapped for DMA at iova = gpa: none of it may be reserved. */
	r = vfio_device_check(SYSFS_ROOT, vf->opts->bdf, canon, &group);
	if (r == 0)
		r = iommu_resv_check(SYSFS_ROOT, vf->name, group, m->ranges, m->nr);
	if (r == 0)
		r = vfio_device_open(&pt->c, vf->opts->bdf, &vf->dev);
	if (r < 0)
		return r;
	vf->group = group; /* a hot remove closes it when no other VF is in it */
	r = vfio_pci_create(&vf->pci, &vfio_sys_ops, vf->dev, &pt->vm->pci->plat, vf->name,
			    vf->slot, arch_pci_intx_gsi(vf->slot, 0));
	if (r < 0)
		return r; /* logged */
	r = pci_host_add(pt->host, vf->slot, vfio_pci_device(vf->pci));
	if (r < 0)
		return err_host(r, "%s: cannot put it in slot %u: %s", vf->name, vf->slot,
				strerror(-r));
	return 0;
}

/*
 * The map's figures, in the log and the dma-mapped event, with how much of
 * RAM is on huge pages (from /proc/self/smaps). After the map is done and
 * the guest let go on (pci_platform_dma_done()): it never waits for this.
 */
void passthrough_dma_report(struct passthrough *pt)
{
	const struct mem *mem = &pt->vm->mem;
	char buf[160], huge[48] = "";
	struct json_writer m;

	pt->dma_huge_known = smaps_anon_huge(NULL, (uintptr_t)mem->base,
					     (uintptr_t)mem->base + mem->size, &pt->dma_huge) == 0;
	if (pt->dma_huge_known)
		snprintf(huge, sizeof(huge), "; %llu MiB of it on huge pages",
			 (unsigned long long)(pt->dma_huge / MiB));
	log_msg(LOG_DEBUG, /* shown with --verbose */
		"vfio: mapped %llu MiB of guest RAM for DMA in %.1f ms%s",
		(unsigned long long)(pt->dma_bytes / MiB), (double)pt->dma_ns / 1e6, huge);
	json_write_init_members(&m, buf, sizeof(buf));
	json_write_kv_uint(&m, "bytes", pt->dma_bytes);
	json_write_kv_double(&m, "seconds", (double)pt->dma_ns / 1e9, 6);
	if (pt->dma_huge_known)
		json_write_kv_uint(&m, "huge_bytes", pt->dma_huge);
	else
		json_write_kv_null(&m, "huge_bytes");
	events_emit_members(pt->vm->events, "dma-mapped", &m);
}

/*
 * Map every RAM range for device DMA at iova = gpa, and time it. The kernel
 * pins each VFIO_IOMMU_MAP_DMA (faulting in what is not touched yet) and
 * maps each physically contiguous run with the largest IOMMU page that
 * fits, so RAM on transparent huge pages (mem.c) gets 2 MiB IOMMU pages.
 * A range goes in chunks of DMA_MAP_CHUNK (2 MiB aligned, so no huge page
 * is split; 4096 of type1's 65535 mappings for 1 TiB): a VM that stops
 * meanwhile (a kernel that does not fit, Ctrl-C) waits for one chunk, not
 * for all of RAM. -ECANCELED when it was cut short.
 */
#define DMA_MAP_CHUNK (256 * MiB)

static int dma_map_ram(struct passthrough *pt)
{
	const struct mem *m = &pt->vm->mem;
	u64 t0 = mono_ns();
	int r = 0;

	pt->c.dma_total = m->size;
	pt->dma_bytes = 0;
	for (unsigned int i = 0; r == 0 && i < m->nr; i++) {
		for (u64 off = 0; r == 0 && off < m->ranges[i].size; off += DMA_MAP_CHUNK) {
			u64 len = MIN(DMA_MAP_CHUNK, m->ranges[i].size - off);

			if (__atomic_load_n(&pt->dma_cancel, __ATOMIC_ACQUIRE))
				r = -ECANCELED;
			else
				r = vfio_container_dma_map(&pt->c, m->ranges[i].gpa + off, len,
							   (u8 *)m->hva[i] + off);
			if (r == 0)
				pt->dma_bytes += len;
		}
	}
	pt->dma_ns = mono_ns() - t0; /* also of a map that stopped: --stats says so */
	return r;
}

/*
 * The DMA map runs while the guest boots, or probes a hot-added first VF:
 * a device cannot DMA before its bus-master enable bit is set, and the
 * device model holds that write in dma_wait() until the map is done. A
 * failure stops the VM at boot; a hot add's is the add's (dma_msg).
 */
static void *dma_thread(void *arg)
{
	struct passthrough *pt = arg;
	const char *delay = getenv(DMA_DELAY_ENV);
	int r;

	pthread_setname_np(pthread_self(), "dma-map");
	if (pt->dma_hot)
		log_capture(pt->dma_msg, sizeof(pt->dma_msg)); /* the add's reply */
	if (sb_enter((enum tinyvmm_seccomp)pt->vm->seccomp, SB_DMA) < 0) {
		pt->dma_result = -EPERM;
		pci_platform_dma_done(pt->vm, -EPERM);
		if (!pt->dma_hot)
			vm_stop(pt->vm, VM_STOP_ERROR, EXIT_HOST);
		return NULL;
	}
	if (delay && *delay) {
		/* The lab's test hook: a map that ends late, so the guest's
		 * bus-master enable has to wait for it. */
		unsigned long ms = MIN(strtoul(delay, NULL, 10), 60000UL);

		log_warn("vfio: %s=%lu: the DMA map starts %lu ms late (a test hook)",
			 DMA_DELAY_ENV, ms, ms);
		for (; ms && !__atomic_load_n(&pt->dma_cancel, __ATOMIC_ACQUIRE);
		     ms -= MIN(ms, 100UL))
			usleep((useconds_t)MIN(ms, 100UL) * 1000);
	}
	r = dma_map_ram(pt);
	pt->dma_result = r;
	pci_platform_dma_done(pt->vm, r);
	if (r == -ECANCELED)
		log_debug("vfio: the DMA map stopped after %llu MiB: the VM is going",
			  (unsigned long long)(pt->dma_bytes / MiB));
	else if (r < 0 && !pt->dma_hot)
		vm_stop(pt->vm, VM_STOP_ERROR, err_exit_code(r)); /* logged */
	else if (r == 0 && !pt->dma_hot) /* a hot add reports it once it is done */
		passthrough_dma_report(pt);
	log_capture(NULL, 0);
	return NULL;
}

int passthrough_dma_map_start(struct passthrough *pt, bool hot)
{
	int r;

	pt->dma_hot = hot;
	pt->dma_result = 0;
	pt->dma_bytes = 0;
	__atomic_store_n(&pt->dma_cancel, false, __ATOMIC_RELEASE);
	pt->dma_msg[0] = '\0';
	pci_platform_dma_pending(pt->vm);
	r = thread_create(&pt->dma_thread, dma_thread, pt);
	if (r == 0) {
		pt->dma_started = true;
		return 0;
	}
	log_warn("vfio: cannot start the DMA map thread (%s); mapping guest RAM now",
		 thread_why(-r));
	r = dma_map_ram(pt);
	pt->dma_result = r;
	pci_platform_dma_done(pt->vm, r);
	if (r == 0)
		passthrough_dma_report(pt);
	return r;
}

void passthrough_dma_cancel(struct passthrough *pt)
{
	__atomic_store_n(&pt->dma_cancel, true, __ATOMIC_RELEASE);
}

void passthrough_dma_join(struct passthrough *pt)
{
	struct vm_pci *k = pt->vm ? pt->vm->pci : NULL;

	if (pt->dma_started) {
		pthread_join(pt->dma_thread, NULL);
		pt->dma_started = false;
	}
	if (k) {
		pthread_mutex_lock(&k->lock);
		pt->dma_wait_ns = k->dma_wait_ns;
		pt->dma_waits = k->dma_waits;
		pthread_mutex_unlock(&k->lock);
	}
}

void passthrough_emit_vf(struct vm *vm, const char *event, const struct passthrough_vf *vf,
			 bool hot, const char *reason)
{
	char buf[192], guest_bdf[16];
	struct json_writer m;

	snprintf(guest_bdf, sizeof(guest_bdf), "0000:00:%02x.0", vf->slot);
	json_write_init_members(&m, buf, sizeof(buf));
	json_write_kv_str(&m, "bdf", vf->opts->bdf);
	json_write_kv_uint(&m, "slot", vf->slot);
	json_write_kv_str(&m, "guest_bdf", guest_bdf);
	if (reason)
		json_write_kv_str(&m, "reason", reason);
	else if (hot)
		json_write_kv_bool(&m, "hotplug", true);
	events_emit_members(vm->events, event, &m);
}

int passthrough_attach(struct passthrough *pt, struct vm *vm)
{
	struct pci_windows w;
	int r;

	arch_pci_windows(&w);
	pt->vm = vm;
	r = add_host_bridge(pt);
	if (r < 0 || pt->nr_vfs == 0)
		goto bars;
	r = pci_platform_create(vm);
	if (r < 0)
		return r;
	r = vfio_container_open(&pt->c);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < pt->nr_vfs; i++) {
		r = attach_vf(pt, &pt->vfs[i]);
		if (r < 0)
			return r;
	}
	r = passthrough_dma_map_start(pt, false);
bars:
	if (r == 0)
		r = pci_host_assign_bars(pt->host, &w);
	/* Each VF is in the guest's PCI tree, its RAM mapped for DMA. */
	for (unsigned int i = 0; r == 0 && i < pt->nr_vfs; i++)
		passthrough_emit_vf(vm, "vf-attached", &pt->vfs[i], false, NULL);
	if (r == 0)
		r = passthrough_eject_start(pt); /* the guest may eject a VF */
	if (r == 0)
		vm->pt = pt; /* hotplug through the library */
	return r;
}

void passthrough_detach(struct passthrough *pt)
{
	passthrough_eject_stop(pt);    /* no hotplug from here on */
	pthread_mutex_lock(&pt->lock); /* a library hotplug call still on its way out */
	if (pt->vm)
		pt->vm->pt = NULL;
	/* before anything it maps into goes; a map still running stops at
	 * its next chunk (the VM ends before the map did) */
	passthrough_dma_cancel(pt);
	passthrough_dma_join(pt);
	for (unsigned int i = pt->nr_vfs; i-- > 0;) {
		struct passthrough_vf *vf = &pt->vfs[i];

		if (vf->pci && vf->opts)
			passthrough_emit_detached(pt, vf, PT_DETACH_VM_END);
		vfio_pci_destroy(vf->pci); /* frees irqfds/routes/maps; the close resets it */
		vf->pci = NULL;
		vfio_device_close(vf->dev);
		vf->dev = NULL;
	}
	vfio_container_close(&pt->c); /* unmaps DMA */
	for (unsigned int i = 0; i < pt->nr_vfs; i++) {
		if (pt->vfs[i].hot && pt->vfs[i].vfm) { /* back to the host driver */
			vf_manage_give_back(pt->vfs[i].vfm, SYSFS_ROOT);
			free(pt->vfs[i].vfm);
		}
		pt->vfs[i].vfm = NULL; /* a --vf's: the run gives it back, or keeps it */
	}
	for (unsigned int i = 0; i < pt->nr_parked; i++) {
		vf_manage_give_back(pt->parked[i], SYSFS_ROOT);
		free(pt->parked[i]);
	}
	pt->nr_parked = 0;
	pthread_mutex_unlock(&pt->lock);
	if (pt->host_registered)
		arch_pci_detach(pt->vm); /* the vCPUs are joined */
	pt->host_registered = false;
	if (pt->host)
		pci_host_destroy(pt->host);
	pt->host = NULL;
	if (pt->vm)
		pci_platform_destroy(pt->vm);
}

void passthrough_print_stats(struct passthrough *pt, FILE *f)
{
	struct pci_host_stats hs;
	char huge_mib[24];

	if (!pt->host)
		return;
	pthread_mutex_lock(&pt->lock); /* a hot add or remove still under way */
	pci_host_get_stats(pt->host, &hs);
	fprintf(f, "tinyvmm stats: PCI\n  %-7s %-24s %10s %10s %10s %10s %10s\n", "slot", "device",
		"cfg-reads", "cfg-writes", "bar-traps", "msix-table", "msix-pba");
	fprintf(f, "  %-7s %-24s %10llu %10llu %10s %10s %10s\n", "-", "pci-host",
		(unsigned long long)hs.cfg_reads, (unsigned long long)hs.cfg_writes, "-", "-", "-");
	for (unsigned int i = 0; i < pt->nr_vfs; i++) {
		const struct passthrough_vf *vf = &pt->vfs[i];
		struct vfio_pci_stats s;
		char slot[16];

		if (!vf->pci)
			continue;
		vfio_pci_get_stats(vf->pci, &s);
		snprintf(slot, sizeof(slot), "00:%02x.0", vf->slot);
		fprintf(f, "  %-7s %-24s %10llu %10llu %10llu %10llu %10llu\n", slot, vf->name,
			(unsigned long long)s.cfg_reads, (unsigned long long)s.cfg_writes,
			(unsigned long long)s.bar_traps, (unsigned long long)s.msix_table,
			(unsigned long long)s.msix_pba);
	}
	fprintf(f, "  config accesses to absent functions: %llu\n",
		(unsigned long long)hs.cfg_unclaimed);
	passthrough_dma_join(pt);
	snprintf(huge_mib, sizeof(huge_mib), "%llu", (unsigned long long)(pt->dma_huge / MiB));
	if (pt->dma_bytes && pt->dma_result == 0) {
		fprintf(f,
			"tinyvmm stats: vfio: mapped %llu MiB of guest RAM for DMA in %.1f ms "
			"(the last map), in the background; bus-master enable waited %.1f ms "
			"for it (%llu time(s))\n",
			(unsigned long long)(pt->dma_bytes / MiB), (double)pt->dma_ns / 1e6,
			(double)pt->dma_wait_ns / 1e6, (unsigned long long)pt->dma_waits);
		fprintf(f, "tinyvmm stats: vfio: %s MiB of guest RAM on transparent huge pages\n",
			pt->dma_huge_known ? huge_mib : "unknown");
	} else if (pt->dma_result < 0) {
		fprintf(f,
			"tinyvmm stats: vfio: the DMA map of guest RAM (the last map) stopped "
			"after %llu MiB in %.1f ms: %s\n",
			(unsigned long long)(pt->dma_bytes / MiB), (double)pt->dma_ns / 1e6,
			pt->dma_result == -ECANCELED ? "the VM ended first"
						     : strerror(-err_errno(pt->dma_result)));
	}
	pthread_mutex_unlock(&pt->lock);
}
