/* SPDX-License-Identifier: MIT */
/*
 * fake_plat.h - a recording struct pci_platform for device-model tests.
 *
 * Keeps what KVM and the buses would hold (memory slots, trapped ranges,
 * MSI routes, irqfds) and counts protocol violations in `bad` (tests assert
 * it stays 0): overlapping slots or traps, a trap over a slot, unaligned
 * slots, unmapping/untrapping/unrouting something not there, an irqfd
 * attached twice or on a GSI with no route, detaching one that is not
 * attached. bar_ok accepts the tinyvmm PCI windows only (vmm/layout.h), and
 * does not check for wrap-around, so the device model's own check is tested.
 * fake_plat_access() plays the bus: it sends a guest access to the trap that
 * holds it, so tests reach the device by guest address.
 */
#ifndef TINYVMM_FAKE_PLAT_H
#define TINYVMM_FAKE_PLAT_H

#include "devices/pci.h"

#define FAKE_PLAT_MAPS	 128
#define FAKE_PLAT_TRAPS	 128
#define FAKE_PLAT_ROUTES 4096
#define FAKE_PLAT_IRQFDS 4200

struct fake_map {
	bool live;
	gpa_t gpa;
	u64 size;
	void *hva;
};

struct fake_trap {
	bool live, pio;
	u64 addr, size;
	struct device *dev;
};

struct fake_route {
	bool live;
	u64 addr;
	u32 data;
	u32 devid; /* the requester ID the device said the MSI comes from */
	unsigned int updates;
};

struct fake_irqfd {
	bool live;
	int gsi, efd, resample;
};

struct fake_plat {
	struct pci_platform p;
	int bad;
	struct fake_map maps[FAKE_PLAT_MAPS];
	struct fake_trap traps[FAKE_PLAT_TRAPS];
	struct fake_route routes[FAKE_PLAT_ROUTES]; /* gsi = MSI_GSI_BASE + index */
	struct fake_irqfd irqfds[FAKE_PLAT_IRQFDS];
	unsigned int map_calls, trap_calls, route_allocs, route_updates, irqfd_assigns,
	    irqfd_deassigns, bar_ok_calls, dma_waits;
	/* failure injection: -errno returned by the call, 0 for none */
	int fail_map, fail_trap, fail_route, fail_irqfd, fail_dma;
};

void fake_plat_init(struct fake_plat *fp);

unsigned int fake_plat_live_maps(const struct fake_plat *fp);
unsigned int fake_plat_live_traps(const struct fake_plat *fp);
unsigned int fake_plat_live_routes(const struct fake_plat *fp);
unsigned int fake_plat_live_irqfds(const struct fake_plat *fp);

/* The live slot that starts exactly at gpa with this size, or NULL. */
const struct fake_map *fake_plat_map_at(const struct fake_plat *fp, gpa_t gpa, u64 size);
/* Does any live slot overlap [gpa, gpa+size)? */
bool fake_plat_mapped(const struct fake_plat *fp, gpa_t gpa, u64 size);
/* The live trap that starts exactly at addr with this size, or NULL. */
const struct fake_trap *fake_plat_trap_at(const struct fake_plat *fp, bool pio, u64 addr, u64 size);
/* The live irqfd on efd, or NULL. */
const struct fake_irqfd *fake_plat_irqfd_of(const struct fake_plat *fp, int efd);
/* The live route of gsi, or NULL. */
const struct fake_route *fake_plat_route(const struct fake_plat *fp, int gsi);

/* A guest access at addr, dispatched like the bus does; -ENOENT if nothing is trapped there. */
int fake_plat_access(struct fake_plat *fp, bool pio, u64 addr, void *data, u32 len, bool write);

#endif
