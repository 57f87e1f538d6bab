/* SPDX-License-Identifier: MIT */
/*
 * pci_platform.h - struct pci_platform_ops (devices/pci.h) for a KVM VM:
 *
 *   map/unmap      KVM memory slots, numbered from the first one after the
 *                  RAM slots (KVM_SET_USER_MEMORY_REGION; unmap = size 0)
 *   trap/untrap    ranges on vm->pio / vm->mmio (bus_register/unregister)
 *   msi_route      MSI routes in the VM's GSI routing table, from
 *                  MSI_GSI_BASE up, lowest free GSI first. KVM_SET_GSI_ROUTING
 *                  replaces the whole table, so the table kept here holds
 *                  KVM's default IRQ chip routing (arch_pci_routes_init(); on
 *                  x86 IOAPIC pins 0-23, PIC pins for GSI 0-15) plus every MSI
 *                  route.
 *   irqfd          KVM_IRQFD, with KVM_IRQFD_FLAG_RESAMPLE for INTx
 *   bar_ok         arch_pci_bar_allowed() on the VM's RAM ranges
 *
 *   pci_platform_create(vm) -> vm->pci; &vm->pci->plat goes to the devices
 *   ... pci_platform_destroy(vm) after the devices are gone.
 *
 * Every callback is thread-safe (vCPU threads call in through config
 * writes): one mutex guards the routing table and the slot map.
 *
 * A guest config write may trap() an I/O BAR on vm->pio: on x86 the vCPUs
 * send ports 0xcf8-0xcff to the host bridge outside that bus's lock
 * (vmm/arch/x86/pio.h).
 * Any other PIO device that trapped a PIO range from inside its own access
 * would get -EDEADLK (bus.h).
 *
 * The table and BAR rules are pure functions below, so unit tests run them
 * without KVM.
 */
#ifndef TINYVMM_PCI_PLATFORM_H
#define TINYVMM_PCI_PLATFORM_H

#include <linux/kvm.h>
#include <pthread.h>

#include "devices/pci.h"
#include "vmm/base/util.h"

struct vm;

#define PCI_PLATFORM_GSI_LIMIT 4096 /* KVM_MAX_IRQ_ROUTES: GSIs and table entries */
#define PCI_PLATFORM_MAX_SLOTS 512  /* memory slot numbers this file hands out */

/* A GSI routing table in the KVM_SET_GSI_ROUTING format. */
struct gsi_routes {
	struct kvm_irq_routing *r; /* r->nr entries in use, room for cap */
	u32 cap;
};

/* An empty table (room reserved); -ENOMEM. */
int pci_platform_routes_init(struct gsi_routes *t);
/* Append an IRQ chip route: gsi to pin of chip (KVM_IRQCHIP_*). -ENOMEM, -ENOSPC. */
int pci_platform_routes_add_irqchip(struct gsi_routes *t, u32 gsi, u32 chip, u32 pin);
void pci_platform_routes_free(struct gsi_routes *t);
/*
 * *gsi < 0: add an MSI route on the lowest free GSI >= MSI_GSI_BASE and
 * store it (-ENOSPC when none is left below PCI_PLATFORM_GSI_LIMIT).
 * *gsi >= 0: update that MSI route in place (-ENOENT if it is not one).
 * devid >= 0 is the requester ID the route carries (KVM_MSI_VALID_DEVID);
 * -1 for none.
 */
int pci_platform_routes_set_msi(struct gsi_routes *t, int *gsi, u64 addr, u32 data, int devid);
/* Remove the MSI route of gsi; -ENOENT if there is none (IRQ chip entries stay). */
int pci_platform_routes_remove(struct gsi_routes *t, int gsi);
/* The entry for gsi of the given type, or NULL. */
const struct kvm_irq_routing_entry *pci_platform_routes_find(const struct gsi_routes *t, u32 gsi,
							     u32 type);

struct vm_pci {
	struct pci_platform plat; /* hand &plat to the device models */
	struct vm *vm;
	pthread_mutex_t lock;
	struct gsi_routes routes;
	bool routes_set; /* KVM_SET_GSI_ROUTING done at least once */
	bool msi_devid;	 /* KVM wants each MSI's requester ID (arm64's ITS) */
	/* Guest RAM's DMA map, made on a thread while the guest boots
	 * (passthrough.c): PCI_DMA_READY (also with nothing to map),
	 * PCI_DMA_PENDING, or -errno once it failed. Under lock; dma_cond
	 * signals a change. dma_wait_ns: vCPU time spent waiting for it. */
	int dma_state;
	pthread_cond_t dma_cond;
	u64 dma_wait_ns, dma_waits;
	u32 first_slot, nr_slots; /* slot numbers [first_slot, nr_slots) are ours */
	bool slot_used[PCI_PLATFORM_MAX_SLOTS];
};

#define PCI_DMA_READY	0
#define PCI_DMA_PENDING 1

/* Guest RAM is being mapped for DMA: dma_wait() blocks from now on. */
void pci_platform_dma_pending(struct vm *vm);
/* The map is done (r == 0) or failed (-errno): wakes every dma_wait(). */
void pci_platform_dma_done(struct vm *vm, int r);

/* Make vm->pci. Logs one line and returns -errno. */
int pci_platform_create(struct vm *vm);
/* Free vm->pci (memory slots and routes still set are left to the VM fd's close). */
void pci_platform_destroy(struct vm *vm);

#endif
