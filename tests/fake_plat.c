// SPDX-License-Identifier: MIT
/* fake_plat.c - a recording PCI platform; see fake_plat.h. */
#include <string.h>

#include "arch/layout.h"
#include "tests/fake_plat.h"

#define FP(p) ((struct fake_plat *)(p)->opaque)

static bool overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

static int fp_map(struct pci_platform *p, gpa_t gpa, u64 size, void *hva)
{
	struct fake_plat *fp = FP(p);

	fp->map_calls++;
	if (fp->fail_map)
		return fp->fail_map;
	if (!size || (gpa | size | (uintptr_t)hva) % GUEST_PAGE_SIZE) {
		fp->bad++;
		return -EINVAL;
	}
	for (unsigned int i = 0; i < FAKE_PLAT_MAPS; i++) {
		if (fp->maps[i].live && overlap(gpa, size, fp->maps[i].gpa, fp->maps[i].size)) {
			fp->bad++;
			return -EEXIST;
		}
	}
	for (unsigned int i = 0; i < FAKE_PLAT_TRAPS; i++) {
		const struct fake_trap *t = &fp->traps[i];

		if (t->live && !t->pio && overlap(gpa, size, t->addr, t->size)) {
			fp->bad++;
			return -EEXIST;
		}
	}
	for (unsigned int i = 0; i < FAKE_PLAT_MAPS; i++) {
		if (!fp->maps[i].live) {
			fp->maps[i] = (struct fake_map){true, gpa, size, hva};
			return (int)i;
		}
	}
	return -ENOSPC;
}

static void fp_unmap(struct pci_platform *p, int handle)
{
	struct fake_plat *fp = FP(p);

	if (handle < 0 || handle >= FAKE_PLAT_MAPS || !fp->maps[handle].live) {
		fp->bad++;
		return;
	}
	fp->maps[handle].live = false;
}

static int fp_trap(struct pci_platform *p, bool pio, u64 addr, u64 size, struct device *dev)
{
	struct fake_plat *fp = FP(p);
	u64 end;

	fp->trap_calls++;
	if (fp->fail_trap)
		return fp->fail_trap;
	if (!size || __builtin_add_overflow(addr, size, &end) || !dev || !dev->ops) {
		fp->bad++;
		return -EINVAL;
	}
	for (unsigned int i = 0; i < FAKE_PLAT_TRAPS; i++) {
		const struct fake_trap *t = &fp->traps[i];

		if (t->live && t->pio == pio && overlap(addr, size, t->addr, t->size)) {
			fp->bad++;
			return -EEXIST;
		}
	}
	for (unsigned int i = 0; !pio && i < FAKE_PLAT_MAPS; i++) {
		if (fp->maps[i].live && overlap(addr, size, fp->maps[i].gpa, fp->maps[i].size)) {
			fp->bad++;
			return -EEXIST;
		}
	}
	for (unsigned int i = 0; i < FAKE_PLAT_TRAPS; i++) {
		if (!fp->traps[i].live) {
			fp->traps[i] = (struct fake_trap){true, pio, addr, size, dev};
			return 0;
		}
	}
	return -ENOSPC;
}

static void fp_untrap(struct pci_platform *p, bool pio, u64 addr, struct device *dev)
{
	struct fake_plat *fp = FP(p);

	for (unsigned int i = 0; i < FAKE_PLAT_TRAPS; i++) {
		struct fake_trap *t = &fp->traps[i];

		if (t->live && t->pio == pio && t->addr == addr && t->dev == dev) {
			t->live = false;
			return;
		}
	}
	fp->bad++;
}

static int fp_msi_route(struct pci_platform *p, int *gsi, u64 addr, u32 data, u32 devid)
{
	struct fake_plat *fp = FP(p);
	struct fake_route *r;

	if (fp->fail_route)
		return fp->fail_route;
	if (*gsi >= 0) {
		r = (struct fake_route *)fake_plat_route(fp, *gsi);
		if (!r) {
			fp->bad++;
			return -ENOENT;
		}
		r->addr = addr;
		r->data = data;
		r->devid = devid;
		r->updates++;
		fp->route_updates++;
		return 0;
	}
	for (unsigned int i = 0; i < FAKE_PLAT_ROUTES; i++) {
		if (!fp->routes[i].live) {
			fp->routes[i] = (struct fake_route){true, addr, data, devid, 0};
			*gsi = MSI_GSI_BASE + (int)i;
			fp->route_allocs++;
			return 0;
		}
	}
	return -ENOSPC;
}

static void fp_msi_unroute(struct pci_platform *p, int gsi)
{
	struct fake_plat *fp = FP(p);
	struct fake_route *r = (struct fake_route *)fake_plat_route(fp, gsi);

	if (!r) {
		fp->bad++;
		return;
	}
	for (unsigned int i = 0; i < FAKE_PLAT_IRQFDS; i++)
		if (fp->irqfds[i].live && fp->irqfds[i].gsi == gsi)
			fp->bad++; /* route freed under a live irqfd */
	r->live = false;
}

static int fp_irqfd(struct pci_platform *p, int gsi, int efd, int resample, bool assign)
{
	struct fake_plat *fp = FP(p);

	if (fp->fail_irqfd && assign)
		return fp->fail_irqfd;
	if (!assign) {
		fp->irqfd_deassigns++;
		for (unsigned int i = 0; i < FAKE_PLAT_IRQFDS; i++) {
			struct fake_irqfd *q = &fp->irqfds[i];

			if (q->live && q->gsi == gsi && q->efd == efd) {
				q->live = false;
				return 0;
			}
		}
		fp->bad++;
		return -ENOENT;
	}
	fp->irqfd_assigns++;
	if (efd < 0 || fake_plat_irqfd_of(fp, efd) || (resample < 0 && !fake_plat_route(fp, gsi)) ||
	    (resample >= 0 && (gsi < 0 || gsi >= IOAPIC_PINS))) {
		fp->bad++;
		return -EBUSY;
	}
	for (unsigned int i = 0; i < FAKE_PLAT_IRQFDS; i++) {
		if (!fp->irqfds[i].live) {
			fp->irqfds[i] = (struct fake_irqfd){true, gsi, efd, resample};
			return 0;
		}
	}
	return -ENOSPC;
}

static int fp_dma_wait(struct pci_platform *p)
{
	struct fake_plat *fp = FP(p);

	fp->dma_waits++;
	return fp->fail_dma;
}

static bool fp_bar_ok(struct pci_platform *p, bool io, u64 gpa, u64 size)
{
	struct fake_plat *fp = FP(p);
	u64 end;

	fp->bar_ok_calls++;
	/* Deliberately naive about wrap-around: the device model must check that itself. */
	end = gpa + size;
	if (io)
		return gpa >= 0x1000 && end <= 0x10000;
	return (gpa >= PCI_MMIO32_BASE && end <= PCI_MMIO32_END) ||
	       (gpa >= PCI_MMIO64_BASE && end <= PCI_MMIO64_BASE + PCI_MMIO64_SIZE);
}

static const struct pci_platform_ops fp_ops = {
    .map = fp_map,
    .unmap = fp_unmap,
    .trap = fp_trap,
    .untrap = fp_untrap,
    .msi_route = fp_msi_route,
    .msi_unroute = fp_msi_unroute,
    .irqfd = fp_irqfd,
    .dma_wait = fp_dma_wait,
    .bar_ok = fp_bar_ok,
};

void fake_plat_init(struct fake_plat *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->p.ops = &fp_ops;
	fp->p.opaque = fp;
}

unsigned int fake_plat_live_maps(const struct fake_plat *fp)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FAKE_PLAT_MAPS; i++)
		n += fp->maps[i].live;
	return n;
}

unsigned int fake_plat_live_traps(const struct fake_plat *fp)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FAKE_PLAT_TRAPS; i++)
		n += fp->traps[i].live;
	return n;
}

unsigned int fake_plat_live_routes(const struct fake_plat *fp)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FAKE_PLAT_ROUTES; i++)
		n += fp->routes[i].live;
	return n;
}

unsigned int fake_plat_live_irqfds(const struct fake_plat *fp)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FAKE_PLAT_IRQFDS; i++)
		n += fp->irqfds[i].live;
	return n;
}

const struct fake_map *fake_plat_map_at(const struct fake_plat *fp, gpa_t gpa, u64 size)
{
	for (unsigned int i = 0; i < FAKE_PLAT_MAPS; i++)
		if (fp->maps[i].live && fp->maps[i].gpa == gpa && fp->maps[i].size == size)
			return &fp->maps[i];
	return NULL;
}

bool fake_plat_mapped(const struct fake_plat *fp, gpa_t gpa, u64 size)
{
	for (unsigned int i = 0; i < FAKE_PLAT_MAPS; i++)
		if (fp->maps[i].live && overlap(gpa, size, fp->maps[i].gpa, fp->maps[i].size))
			return true;
	return false;
}

const struct fake_trap *fake_plat_trap_at(const struct fake_plat *fp, bool pio, u64 addr, u64 size)
{
	for (unsigned int i = 0; i < FAKE_PLAT_TRAPS; i++) {
		const struct fake_trap *t = &fp->traps[i];

		if (t->live && t->pio == pio && t->addr == addr && t->size == size)
			return t;
	}
	return NULL;
}

const struct fake_irqfd *fake_plat_irqfd_of(const struct fake_plat *fp, int efd)
{
	for (unsigned int i = 0; i < FAKE_PLAT_IRQFDS; i++)
		if (fp->irqfds[i].live && fp->irqfds[i].efd == efd)
			return &fp->irqfds[i];
	return NULL;
}

const struct fake_route *fake_plat_route(const struct fake_plat *fp, int gsi)
{
	int i = gsi - MSI_GSI_BASE;

	if (i < 0 || i >= FAKE_PLAT_ROUTES || !fp->routes[i].live)
		return NULL;
	return &fp->routes[i];
}

int fake_plat_access(struct fake_plat *fp, bool pio, u64 addr, void *data, u32 len, bool write)
{
	for (unsigned int i = 0; i < FAKE_PLAT_TRAPS; i++) {
		const struct fake_trap *t = &fp->traps[i];

		if (t->live && t->pio == pio && addr >= t->addr && addr - t->addr < t->size) {
			if (addr - t->addr + len > t->size)
				return -EIO; /* the bus refuses a straddling access */
			return (pio ? t->dev->ops->pio : t->dev->ops->mmio)(t->dev, addr - t->addr,
									    data, len, write);
		}
	}
	return -ENOENT;
}
