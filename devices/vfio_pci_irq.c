// SPDX-License-Identifier: MIT
/*
 * vfio_pci_irq.c - interrupt delivery: INTx, MSI and MSI-X, all through
 * KVM irqfds, never through a VMM thread.
 *
 * One mode at a time, derived from the guest's config registers: MSI-X if
 * its Enable bit is set, else MSI if its Enable bit is set (MSI-X wins if a
 * guest sets both; logged once), else INTx if the device has it. Switching
 * modes tears the old one down in VFIO first (VFIO allows one IRQ index at a
 * time), so INTx is off while MSI or MSI-X is on and comes back after.
 *
 * A vector (MSI or MSI-X) in use has:
 *   - an eventfd (EFD_CLOEXEC | EFD_NONBLOCK) bound in VFIO: the device's
 *     interrupt increments it;
 *   - an MSI route carrying the guest's (address, data), created when the
 *     vector is first delivered and updated in place when the guest changes
 *     the message (checked whenever the vector is unmasked or rewritten);
 *   - an irqfd attaching the eventfd to the route while the vector is
 *     deliverable: MSI-X enabled, function not masked, vector not masked,
 *     address an MSI address (0xfeexxxxx). Masking detaches the irqfd only;
 *     the eventfd keeps counting, the PBA shows the pending bit, and
 *     attaching it again delivers the pending event (KVM does that).
 * MSI-X vectors are bound in VFIO when the guest first unmasks them with
 * MSI-X enabled, and stay bound until MSI-X is disabled. VFIO is asked for
 * vectors [0, highest used]; unused ones in that range are left unbound (-1).
 * When a higher vector comes into use and VFIO cannot grow the allocation
 * (VFIO_IRQ_INFO_NORESIZE), the index is disabled and re-enabled with every
 * eventfd again, as QEMU does. MSI uses one vector (the capability advertises
 * one message); with per-vector masking its mask bit works like an MSI-X one.
 *
 * INTx: a trigger eventfd bound with SET_IRQS, a resample eventfd given to
 * VFIO's unmask, and a level-triggered irqfd on intx_gsi with the resample
 * eventfd: the guest's EOI unmasks the line in the kernel.
 */
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "arch/layout.h"
#include "devices/vfio_pci_priv.h"

static int efd_new(struct vfio_pci *v)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		vp_log_once(v, VPL_EVENTFD, LOG_ERR, "eventfd: %s; interrupts will be lost",
			    strerror(errno));
	return fd;
}

static int set_irqs(struct vfio_pci *v, u32 index, u32 start, u32 count, const int *efds)
{
	static const char *const names[] = {"INTx", "MSI", "MSI-X"};
	int r = v->ops->set_irqs(v->vdev, index, start, count, efds);

	if (r == 0)
		v->vfio_irq = count ? (int)index : -1;
	if (r < 0)
		vp_log_once(v, VPL_SET_IRQS, LOG_ERR, "cannot %s %s vectors %u-%u in VFIO: %s",
			    count ? "bind" : "disable", index < 3 ? names[index] : "?", start,
			    start + count, strerror(-r));
	return r;
}

bool vp_vec_pending(const struct vp_vec *vec)
{
	struct pollfd pfd = {.fd = vec->efd, .events = POLLIN};

	return vec->efd >= 0 && !vec->irqfd && poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* Attach or detach the vector's irqfd, (re)routing it first when it goes live. */
static void vec_deliver(struct vfio_pci *v, struct vp_vec *vec, bool live, u64 addr, u32 data,
			const char *what, u32 i)
{
	const struct pci_platform_ops *p = v->plat->ops;
	int r;

	if (vec->efd < 0)
		live = false;
	if (live && (addr < MSI_ADDR_BASE || addr - MSI_ADDR_BASE >= MSI_ADDR_SIZE)) {
		vp_log_once(
		    v, VPL_MSI_ADDR, LOG_WARN,
		    "%s vector %u has address 0x%llx, not an MSI address; keeping it masked", what,
		    i, (unsigned long long)addr);
		live = false;
	}
	if (live && (vec->gsi < 0 || vec->route_addr != addr || vec->route_data != data)) {
		int gsi = vec->gsi;

		r = p->msi_route(v->plat, &gsi, addr, data, (u32)v->slot << 3);
		if (r < 0) {
			vp_log_once(v, VPL_ROUTE, LOG_ERR, "cannot route %s vector %u: %s", what, i,
				    strerror(-r));
			live = false;
		} else {
			vec->gsi = gsi;
			vec->route_addr = addr;
			vec->route_data = data;
		}
	}
	if (live == vec->irqfd)
		return;
	r = p->irqfd(v->plat, vec->gsi, vec->efd, -1, live);
	if (r < 0)
		vp_log_once(v, VPL_IRQFD, LOG_ERR, "cannot %s the irqfd of %s vector %u: %s",
			    live ? "attach" : "detach", what, i, strerror(-r));
	else
		vec->irqfd = live;
}

static void vec_free(struct vfio_pci *v, struct vp_vec *vec)
{
	if (vec->irqfd)
		v->plat->ops->irqfd(v->plat, vec->gsi, vec->efd, -1, false);
	if (vec->gsi >= 0)
		v->plat->ops->msi_unroute(v->plat, vec->gsi);
	if (vec->efd >= 0)
		close(vec->efd);
	*vec = (struct vp_vec){.efd = -1, .gsi = -1};
}

/* ---- MSI-X ---- */

static bool msix_masked(const struct vfio_pci *v, u32 i)
{
	return v->msix.table[4 * i + 3] & PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

static void msix_deliver(struct vfio_pci *v, u32 i)
{
	const u32 *e = &v->msix.table[4 * i];

	vec_deliver(v, &v->msix.vec[i], v->msix.enabled && !v->msix.fmask && !msix_masked(v, i),
		    e[0] | (u64)e[1] << 32, e[2], "MSI-X", i);
}

/* Bind the eventfds of vectors [lo, hi) in VFIO, growing the allocation if needed. */
static int msix_bind(struct vfio_pci *v, u32 lo, u32 hi)
{
	int efds[VP_MSIX_MAX];

	if (v->msix.nr_bound && hi > v->msix.nr_bound && !v->msix.dynamic) {
		if (set_irqs(v, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL) < 0)
			return -EIO; /* still enabled with the old count */
		v->msix.nr_bound = 0;
	}
	if (!v->msix.nr_bound)
		lo = 0; /* first enable: every eventfd up to hi */
	for (u32 j = lo; j < hi; j++)
		efds[j - lo] = v->msix.vec[j].efd;
	if (set_irqs(v, VFIO_PCI_MSIX_IRQ_INDEX, lo, hi - lo, efds) < 0)
		return -EIO;
	v->msix.nr_bound = MAX(v->msix.nr_bound, hi);
	return 0;
}

void vp_msix_sync(struct vfio_pci *v, u32 i)
{
	struct vp_vec *vec = &v->msix.vec[i];

	if (v->msix.enabled && !msix_masked(v, i) && vec->efd < 0) {
		vec->efd = efd_new(v);
		if (vec->efd < 0)
			return;
		if (msix_bind(v, i, i + 1) < 0) {
			close(vec->efd);
			vec->efd = -1;
			return;
		}
	}
	msix_deliver(v, i);
}

/* After MSI-X was enabled or the function mask changed: every vector. */
static void msix_sync_all(struct vfio_pci *v)
{
	u64 fresh[VP_MSIX_MAX / 64] = {0};
	u32 lo = v->msix.n, hi = 0, i;

	for (i = 0; v->msix.enabled && i < v->msix.n; i++) {
		if (msix_masked(v, i) || v->msix.vec[i].efd >= 0)
			continue;
		v->msix.vec[i].efd = efd_new(v);
		if (v->msix.vec[i].efd < 0)
			break;
		fresh[i / 64] |= 1ULL << (i % 64);
		lo = MIN(lo, i);
		hi = i + 1;
	}
	if (hi && msix_bind(v, lo, hi) < 0) {
		for (i = lo; i < hi; i++) {
			if (fresh[i / 64] & (1ULL << (i % 64))) {
				close(v->msix.vec[i].efd);
				v->msix.vec[i].efd = -1;
			}
		}
	}
	for (i = 0; i < v->msix.n; i++)
		msix_deliver(v, i);
}

/* The guest's side of MSI-X off; VFIO's is vfio_irq_off(). */
static void msix_off(struct vfio_pci *v)
{
	for (u32 i = 0; i < v->msix.n; i++)
		vec_free(v, &v->msix.vec[i]);
	v->msix.enabled = v->msix.fmask = false;
}

/* ---- MSI ---- */

static void msi_sync(struct vfio_pci *v)
{
	struct vp_vec *vec = &v->msi.vec;
	const u8 *c = v->cfg + v->msi_cap;
	u64 addr = get_le32(c + PCI_MSI_ADDRESS_LO);
	u32 data;
	bool masked = v->msi.pvm && (v->cfg[v->msi.mask_off] & 1);

	if (v->msi.is64) {
		addr |= (u64)get_le32(c + PCI_MSI_ADDRESS_HI) << 32;
		data = get_le16(c + PCI_MSI_DATA_64);
	} else {
		data = get_le16(c + PCI_MSI_DATA_32);
	}
	if (v->msi.enabled && vec->efd < 0) {
		vec->efd = efd_new(v);
		if (vec->efd < 0)
			return;
		if (set_irqs(v, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &vec->efd) < 0) {
			close(vec->efd);
			vec->efd = -1;
			return;
		}
	}
	vec_deliver(v, vec, v->msi.enabled && !masked, addr, data, "MSI", 0);
}

static void msi_off(struct vfio_pci *v)
{
	vec_free(v, &v->msi.vec);
	v->msi.enabled = false;
}

u32 vp_msi_pending(struct vfio_pci *v)
{
	bool pending;

	pthread_mutex_lock(&v->irq_lock);
	pending = vp_vec_pending(&v->msi.vec);
	pthread_mutex_unlock(&v->irq_lock);
	return pending;
}

/* ---- INTx ---- */

static void intx_off(struct vfio_pci *v)
{
	if (v->intx.trigger < 0)
		return;
	v->plat->ops->irqfd(v->plat, (int)v->intx_gsi, v->intx.trigger, v->intx.resample, false);
	close(v->intx.trigger);
	close(v->intx.resample);
	v->intx.trigger = v->intx.resample = -1;
}

static int intx_on(struct vfio_pci *v)
{
	int trigger = efd_new(v), resample = efd_new(v), r;

	if (trigger < 0 || resample < 0) {
		r = -EMFILE;
		goto err_fds;
	}
	r = v->plat->ops->irqfd(v->plat, (int)v->intx_gsi, trigger, resample, true);
	if (r < 0) {
		log_warn("%s: cannot attach the INTx irqfd on GSI %u: %s", v->name, v->intx_gsi,
			 strerror(-r));
		goto err_fds;
	}
	r = set_irqs(v, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &trigger);
	if (r < 0)
		goto err_irqfd;
	r = v->ops->intx_unmask(v->vdev, resample);
	if (r < 0) {
		log_warn("%s: cannot set the INTx unmask eventfd: %s", v->name, strerror(-r));
		set_irqs(v, VFIO_PCI_INTX_IRQ_INDEX, 0, 0, NULL);
		goto err_irqfd;
	}
	v->intx.trigger = trigger;
	v->intx.resample = resample;
	return 0;

err_irqfd:
	v->plat->ops->irqfd(v->plat, (int)v->intx_gsi, trigger, resample, false);
err_fds:
	if (trigger >= 0)
		close(trigger);
	if (resample >= 0)
		close(resample);
	return r;
}

/* ---- modes ---- */

void vp_irq_init(struct vfio_pci *v, const u8 *dcfg)
{
	u32 count = 0, flags = 0;

	if (!dcfg[PCI_INTERRUPT_PIN])
		return;
	if (v->ops->irq_info(v->vdev, VFIO_PCI_INTX_IRQ_INDEX, &count, &flags) < 0 || !count ||
	    !(flags & VFIO_IRQ_INFO_EVENTFD)) {
		log_info("%s: VFIO offers no INTx; the guest sees no interrupt pin", v->name);
		return;
	}
	v->intx.present = true;
}

/*
 * Disable the index enabled in VFIO. VFIO holds its own references to the
 * eventfds, so ours may be closed first. -EIO when it refuses: the index
 * stays in vfio_irq, and the next mode change tries again.
 */
static int vfio_irq_off(struct vfio_pci *v)
{
	if (v->vfio_irq < 0)
		return 0;
	if (set_irqs(v, (u32)v->vfio_irq, 0, 0, NULL) < 0)
		return -EIO;
	v->msix.nr_bound = 0;
	return 0;
}

/* Leave the current mode: the guest's side always, then VFIO's (-EIO if refused). */
static int mode_off(struct vfio_pci *v)
{
	switch (v->mode) {
	case VP_IRQ_INTX:
		intx_off(v);
		break;
	case VP_IRQ_MSI:
		msi_off(v);
		break;
	case VP_IRQ_MSIX:
		msix_off(v);
		break;
	case VP_IRQ_NONE:
		break;
	}
	v->mode = VP_IRQ_NONE;
	return vfio_irq_off(v);
}

void vp_irq_update(struct vfio_pci *v)
{
	bool msix_en = false, fmask = false, msi_en = false, resync;
	enum vp_irq_mode want = VP_IRQ_NONE;

	if (v->msix_cap) {
		u16 ctrl = get_le16(v->cfg + v->msix_cap + PCI_MSIX_FLAGS);

		msix_en = ctrl & PCI_MSIX_FLAGS_ENABLE;
		fmask = ctrl & PCI_MSIX_FLAGS_MASKALL;
	}
	if (v->msi_cap)
		msi_en = v->cfg[v->msi_cap + PCI_MSI_FLAGS] & PCI_MSI_FLAGS_ENABLE;
	if (msix_en && msi_en)
		vp_log_once(v, VPL_IRQ_CONFLICT, LOG_WARN,
			    "guest enabled both MSI and MSI-X; using MSI-X");
	if (msix_en)
		want = VP_IRQ_MSIX;
	else if (msi_en)
		want = VP_IRQ_MSI;
	else if (v->intx.present)
		want = VP_IRQ_INTX;

	pthread_mutex_lock(&v->irq_lock);
	/* A disable VFIO refused earlier: retried before anything else is enabled. */
	resync = want != v->mode || (v->mode == VP_IRQ_NONE && v->vfio_irq >= 0);
	if (resync && mode_off(v) < 0) {
		/* VFIO still has the old index on and would refuse the new one:
		 * the guest gets no interrupts until a later change succeeds
		 * (logged once by set_irqs). */
		v->msi.enabled = v->msix.enabled = false;
		pthread_mutex_unlock(&v->irq_lock);
		return;
	}
	if (resync) {
		if (want == VP_IRQ_INTX && intx_on(v) < 0) {
			log_warn("%s: INTx unavailable; the guest must use MSI or MSI-X", v->name);
			v->intx.present = false;
			want = VP_IRQ_NONE;
		}
		v->mode = want;
	}
	v->msi.enabled = want == VP_IRQ_MSI;
	if (want == VP_IRQ_MSIX) {
		resync |= !v->msix.enabled || v->msix.fmask != fmask;
		v->msix.enabled = true;
		v->msix.fmask = fmask;
		if (resync)
			msix_sync_all(v);
	} else if (want == VP_IRQ_MSI) {
		msi_sync(v);
	}
	pthread_mutex_unlock(&v->irq_lock);
}

void vp_irq_fini(struct vfio_pci *v)
{
	pthread_mutex_lock(&v->irq_lock);
	mode_off(v); /* a refused disable: closing the device ends it */
	pthread_mutex_unlock(&v->irq_lock);
}
