// SPDX-License-Identifier: MIT
/* pci_platform.c - the PCI platform callbacks on a KVM VM; see pci_platform.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/layout.h"
#include "vmm/arch/arch.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/pci/pci_platform.h"
#include "vmm/core/vm.h"

#define ROUTES_INITIAL_CAP 64
_Static_assert(PCI_PLATFORM_GSI_LIMIT == VM_GSI_LIMIT, "one KVM_MAX_IRQ_ROUTES");

/* ---- the routing table (pure) ---- */

static int routes_reserve(struct gsi_routes *t, u32 need)
{
	struct kvm_irq_routing *r;
	u32 cap = t->cap ? t->cap : ROUTES_INITIAL_CAP;

	if (need <= t->cap)
		return 0;
	if (need > PCI_PLATFORM_GSI_LIMIT)
		return -ENOSPC;
	while (cap < need)
		cap *= 2;
	cap = MIN(cap, (u32)PCI_PLATFORM_GSI_LIMIT);
	r = realloc(t->r, sizeof(*r) + cap * sizeof(r->entries[0]));
	if (!r)
		return -ENOMEM;
	if (!t->r)
		memset(r, 0, sizeof(*r));
	t->r = r;
	t->cap = cap;
	return 0;
}

static void add_irqchip(struct gsi_routes *t, u32 gsi, u32 chip, u32 pin)
{
	struct kvm_irq_routing_entry *e = &t->r->entries[t->r->nr++];

	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_IRQCHIP;
	e->u.irqchip.irqchip = chip;
	e->u.irqchip.pin = pin;
}

int pci_platform_routes_init(struct gsi_routes *t)
{
	memset(t, 0, sizeof(*t));
	return routes_reserve(t, ROUTES_INITIAL_CAP);
}

int pci_platform_routes_add_irqchip(struct gsi_routes *t, u32 gsi, u32 chip, u32 pin)
{
	int r = routes_reserve(t, (t->r ? t->r->nr : 0) + 1);

	if (r < 0)
		return r;
	add_irqchip(t, gsi, chip, pin);
	return 0;
}

void pci_platform_routes_free(struct gsi_routes *t)
{
	free(t->r);
	t->r = NULL;
	t->cap = 0;
}

const struct kvm_irq_routing_entry *pci_platform_routes_find(const struct gsi_routes *t, u32 gsi,
							     u32 type)
{
	for (u32 i = 0; t->r && i < t->r->nr; i++)
		if (t->r->entries[i].gsi == gsi && t->r->entries[i].type == type)
			return &t->r->entries[i];
	return NULL;
}

static int lowest_free_gsi(const struct gsi_routes *t)
{
	u8 used[PCI_PLATFORM_GSI_LIMIT / 8] = {0};

	for (u32 i = 0; i < t->r->nr; i++) {
		u32 g = t->r->entries[i].gsi;

		if (g < PCI_PLATFORM_GSI_LIMIT)
			used[g / 8] |= (u8)(1u << (g % 8));
	}
	for (u32 g = MSI_GSI_BASE; g < PCI_PLATFORM_GSI_LIMIT; g++)
		if (!(used[g / 8] & (1u << (g % 8))))
			return (int)g;
	return -ENOSPC;
}

static void set_msi(struct kvm_irq_routing_entry *e, u32 gsi, u64 addr, u32 data, int devid)
{
	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_MSI;
	e->u.msi.address_lo = (u32)addr;
	e->u.msi.address_hi = (u32)(addr >> 32);
	e->u.msi.data = data;
	if (devid >= 0) {
		e->flags = KVM_MSI_VALID_DEVID;
		e->u.msi.devid = (u32)devid;
	}
}

int pci_platform_routes_set_msi(struct gsi_routes *t, int *gsi, u64 addr, u32 data, int devid)
{
	int g, r;

	if (!t->r)
		return -EINVAL;
	if (*gsi >= 0) {
		struct kvm_irq_routing_entry *e =
		    (struct kvm_irq_routing_entry *)pci_platform_routes_find(t, (u32)*gsi,
									     KVM_IRQ_ROUTING_MSI);

		if (!e)
			return -ENOENT;
		set_msi(e, (u32)*gsi, addr, data, devid);
		return 0;
	}
	g = lowest_free_gsi(t);
	if (g < 0)
		return g;
	r = routes_reserve(t, t->r->nr + 1);
	if (r < 0)
		return r;
	set_msi(&t->r->entries[t->r->nr++], (u32)g, addr, data, devid);
	*gsi = g;
	return 0;
}

int pci_platform_routes_remove(struct gsi_routes *t, int gsi)
{
	const struct kvm_irq_routing_entry *e;
	u32 i;

	if (gsi < 0 || !t->r)
		return -ENOENT;
	e = pci_platform_routes_find(t, (u32)gsi, KVM_IRQ_ROUTING_MSI);
	if (!e)
		return -ENOENT;
	i = (u32)(e - t->r->entries);
	memmove(&t->r->entries[i], &t->r->entries[i + 1],
		(t->r->nr - i - 1) * sizeof(t->r->entries[0]));
	t->r->nr--;
	return 0;
}

/* ---- where a BAR may go (pure) ---- */

/* ---- the callbacks on a KVM VM ---- */

static struct vm_pci *to_pci(struct pci_platform *p)
{
	return p->opaque;
}

static int set_region(struct vm_pci *k, u32 slot, gpa_t gpa, u64 size, void *hva)
{
	struct kvm_userspace_memory_region reg = {
	    .slot = slot,
	    .guest_phys_addr = gpa,
	    .memory_size = size,
	    .userspace_addr = (u64)(uintptr_t)hva,
	};

	return ioctl_ptr(k->vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &reg);
}

static int plat_map(struct pci_platform *p, gpa_t gpa, u64 size, void *hva)
{
	struct vm_pci *k = to_pci(p);
	int r = -ENOSPC;

	if (!size || (gpa | size | (uintptr_t)hva) % GUEST_PAGE_SIZE)
		return -EINVAL;
	pthread_mutex_lock(&k->lock);
	for (u32 s = k->first_slot; s < k->nr_slots; s++) {
		if (k->slot_used[s])
			continue;
		r = set_region(k, s, gpa, size, hva);
		if (r == 0) {
			k->slot_used[s] = true;
			r = (int)s;
		}
		break;
	}
	pthread_mutex_unlock(&k->lock);
	if (r == -ENOSPC)
		LOG_ONCE(LOG_ERR, "pci: all %u KVM memory slots for BARs are in use",
			 k->nr_slots - k->first_slot);
	return r;
}

static void plat_unmap(struct pci_platform *p, int handle)
{
	struct vm_pci *k = to_pci(p);
	int r = -EINVAL;

	pthread_mutex_lock(&k->lock);
	if (handle >= (int)k->first_slot && handle < (int)k->nr_slots && k->slot_used[handle]) {
		r = set_region(k, (u32)handle, 0, 0, NULL);
		if (r == 0)
			k->slot_used[handle] = false;
	}
	pthread_mutex_unlock(&k->lock);
	if (r < 0)
		LOG_ONCE(LOG_ERR, "pci: cannot delete KVM memory slot %d: %s", handle,
			 strerror(-r));
}

static int plat_trap(struct pci_platform *p, bool pio, u64 addr, u64 size, struct device *dev)
{
	struct vm *vm = to_pci(p)->vm;

	return bus_register(pio ? &vm->pio : &vm->mmio, addr, size, dev);
}

static void plat_untrap(struct pci_platform *p, bool pio, u64 addr, struct device *dev)
{
	struct vm *vm = to_pci(p)->vm;
	int r = bus_unregister(pio ? &vm->pio : &vm->mmio, addr, dev);

	if (r < 0)
		LOG_ONCE(LOG_ERR, "%s: cannot release the trap at %#llx: %s",
			 dev && dev->name ? dev->name : "pci", (unsigned long long)addr,
			 strerror(-r));
}

static int commit_routes(struct vm_pci *k)
{
	int r = ioctl_ptr(k->vm->vm_fd, KVM_SET_GSI_ROUTING, k->routes.r);

	if (r == 0)
		k->routes_set = true;
	return r;
}

static int plat_msi_route(struct pci_platform *p, int *gsi, u64 addr, u32 data, u32 devid)
{
	struct vm_pci *k = to_pci(p);
	int id = k->msi_devid ? (int)devid : -1;
	struct kvm_irq_routing_entry old = {0};
	const struct kvm_irq_routing_entry *e;
	bool update = false;
	int g = *gsi, r;

	pthread_mutex_lock(&k->lock);
	e = g >= 0 ? pci_platform_routes_find(&k->routes, (u32)g, KVM_IRQ_ROUTING_MSI) : NULL;
	if (e) {
		old = *e;
		update = true;
	}
	r = pci_platform_routes_set_msi(&k->routes, &g, addr, data, id);
	if (r == 0) {
		/* On failure put the table back as KVM still has it. */
		r = commit_routes(k);
		if (r < 0 && update)
			pci_platform_routes_set_msi(
			    &k->routes, &g, (u64)old.u.msi.address_hi << 32 | old.u.msi.address_lo,
			    old.u.msi.data, id);
		else if (r < 0)
			pci_platform_routes_remove(&k->routes, g);
	}
	pthread_mutex_unlock(&k->lock);
	if (r == 0)
		*gsi = g;
	return r;
}

static void plat_msi_unroute(struct pci_platform *p, int gsi)
{
	struct vm_pci *k = to_pci(p);
	int r;

	pthread_mutex_lock(&k->lock);
	r = pci_platform_routes_remove(&k->routes, gsi);
	if (r == 0)
		r = commit_routes(k);
	pthread_mutex_unlock(&k->lock);
	if (r < 0)
		LOG_ONCE(LOG_ERR, "pci: cannot remove the MSI route of GSI %d: %s", gsi,
			 strerror(-r));
}

static int plat_irqfd(struct pci_platform *p, int gsi, int efd, int resample_efd, bool assign)
{
	struct kvm_irqfd f = {.fd = (u32)efd, .gsi = (u32)gsi};

	if (gsi < 0 || efd < 0)
		return -EINVAL;
	if (!assign) {
		f.flags = KVM_IRQFD_FLAG_DEASSIGN;
	} else if (resample_efd >= 0) {
		f.flags = KVM_IRQFD_FLAG_RESAMPLE;
		f.resamplefd = (u32)resample_efd;
	}
	return ioctl_ptr(to_pci(p)->vm->vm_fd, KVM_IRQFD, &f);
}

#define DMA_WAIT_SLICE_NS (20 * 1000 * 1000) /* how often a waiter checks for a stop */

static int plat_dma_wait(struct pci_platform *p)
{
	struct vm_pci *k = to_pci(p);
	struct timespec t0, now, ts;
	int r;

	pthread_mutex_lock(&k->lock);
	if (k->dma_state == PCI_DMA_PENDING) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (k->dma_state == PCI_DMA_PENDING && vm_stop_reason(k->vm) == VM_RUNNING) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += DMA_WAIT_SLICE_NS;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&k->dma_cond, &k->lock, &ts);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		k->dma_wait_ns +=
		    (u64)((now.tv_sec - t0.tv_sec) * 1000000000L + (now.tv_nsec - t0.tv_nsec));
		k->dma_waits++;
	}
	r = k->dma_state == PCI_DMA_PENDING ? -ESHUTDOWN : k->dma_state;
	pthread_mutex_unlock(&k->lock);
	return r;
}

void pci_platform_dma_pending(struct vm *vm)
{
	struct vm_pci *k = vm->pci;

	pthread_mutex_lock(&k->lock);
	k->dma_state = PCI_DMA_PENDING;
	pthread_mutex_unlock(&k->lock);
}

void pci_platform_dma_done(struct vm *vm, int r)
{
	struct vm_pci *k = vm->pci;

	pthread_mutex_lock(&k->lock);
	k->dma_state = r < 0 ? r : PCI_DMA_READY;
	pthread_cond_broadcast(&k->dma_cond);
	pthread_mutex_unlock(&k->lock);
}

static bool plat_bar_ok(struct pci_platform *p, bool io, u64 gpa, u64 size)
{
	const struct mem *m = &to_pci(p)->vm->mem;

	return arch_pci_bar_allowed(m->ranges, m->nr, io, gpa, size);
}

static const struct pci_platform_ops kvm_pci_ops = {
    .map = plat_map,
    .unmap = plat_unmap,
    .trap = plat_trap,
    .untrap = plat_untrap,
    .msi_route = plat_msi_route,
    .msi_unroute = plat_msi_unroute,
    .irqfd = plat_irqfd,
    .dma_wait = plat_dma_wait,
    .bar_ok = plat_bar_ok,
};

int pci_platform_create(struct vm *vm)
{
	struct vm_pci *k = calloc(1, sizeof(*k));
	pthread_condattr_t ca;
	int n, r;

	if (!k)
		return err_host(-ENOMEM, "pci: out of memory");
	r = arch_pci_routes_init(&k->routes);
	if (r < 0) {
		pci_platform_routes_free(&k->routes);
		free(k);
		return err_host(r, "pci: cannot build the GSI routing table: %s", strerror(-r));
	}
	n = ioctl_val(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	k->nr_slots = n > 0 ? MIN((u32)n, (u32)PCI_PLATFORM_MAX_SLOTS) : 32;
	k->first_slot = vm->mem.nr;
	/* On the VM: true once an ITS exists (arm64). */
	k->msi_devid = ioctl_val(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MSI_DEVID) > 0;
	k->vm = vm;
	k->plat.ops = &kvm_pci_ops;
	k->plat.opaque = k;
	pthread_mutex_init(&k->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->dma_cond, &ca);
	pthread_condattr_destroy(&ca);
	vm->pci = k;
	return 0;
}

void pci_platform_destroy(struct vm *vm)
{
	struct vm_pci *k = vm->pci;

	if (!k)
		return;
	pci_platform_routes_free(&k->routes);
	pthread_cond_destroy(&k->dma_cond);
	pthread_mutex_destroy(&k->lock);
	free(k);
	vm->pci = NULL;
}
