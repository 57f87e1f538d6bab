// SPDX-License-Identifier: MIT
/*
 * vfio_pci.c - a VFIO PCI function as a guest PCI device; see vfio_pci.h.
 *
 * This file holds the life cycle (create: read the device, build the virtual
 * config space, start INTx; destroy: tear everything down, bus mastering
 * off), the per-device log-once helper and the counters. The rest is split
 * by concern, see vfio_pci_priv.h.
 *
 * No reset of its own: vfio-pci resets the function when its device is
 * opened and again when it is closed (vfio_pci_core_enable()/_disable()),
 * and the model lives between the two. A reset here took a second FLR
 * (100 ms or more each) on every start, hot add and hot remove.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/vfio_pci_priv.h"

void vp_log_once(struct vfio_pci *v, enum vp_log kind, enum log_level level, const char *fmt, ...)
{
	u64 bit = 1ULL << kind;
	char msg[512];
	va_list ap;

	if (__atomic_fetch_or(&v->logged, bit, __ATOMIC_RELAXED) & bit)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(level, "%s: %s", v->name, msg);
}

static u32 vp_dev_cfg_read(struct device *d, u16 reg)
{
	return vp_cfg_read(d->priv, reg);
}

static void vp_dev_cfg_write(struct device *d, u16 reg, u8 off, const void *data, u32 len)
{
	vp_cfg_write(d->priv, reg, off, data, len);
}

static const struct dev_ops vp_dev_ops = {
    .cfg_read = vp_dev_cfg_read,
    .cfg_write = vp_dev_cfg_write,
};

/* Read the device's own config space (256 bytes) into dcfg. */
static int vp_read_dev_cfg(struct vfio_pci *v, u8 *dcfg)
{
	struct vfio_region rg;
	ssize_t n;
	int r;

	r = v->ops->region_info(v->vdev, VFIO_PCI_CONFIG_REGION_INDEX, &rg);
	if (r < 0) {
		log_err("%s: cannot get the config region: %s", v->name, strerror(-r));
		return -EIO;
	}
	if (rg.size < VP_CFG_SIZE) {
		log_err("%s: config region is %llu bytes, less than %d", v->name,
			(unsigned long long)rg.size, VP_CFG_SIZE);
		return -EIO;
	}
	n = v->ops->read(v->vdev, VFIO_PCI_CONFIG_REGION_INDEX, 0, dcfg, VP_CFG_SIZE);
	if (n != VP_CFG_SIZE) {
		log_err("%s: cannot read config space: %s", v->name,
			n < 0 ? strerror((int)-n) : "short read");
		return -EIO;
	}
	if (get_le16(dcfg + PCI_VENDOR_ID) == 0xffff) {
		log_err("%s: config space reads all-ones (device gone?)", v->name);
		return -EIO;
	}
	if ((dcfg[PCI_HEADER_TYPE] & 0x7f) != PCI_HEADER_TYPE_NORMAL) {
		log_err("%s: header type %u is not an endpoint (type 0); only endpoints can be "
			"passed through",
			v->name, dcfg[PCI_HEADER_TYPE] & 0x7f);
		return -ENOTSUP;
	}
	return 0;
}

int vfio_pci_create(struct vfio_pci **out, const struct vfio_ops *ops, struct vfio_dev *vdev,
		    struct pci_platform *plat, const char *name, u8 slot, u32 intx_gsi)
{
	u32 flags = 0, nr_regions = 0, nr_irqs = 0;
	u8 dcfg[VP_CFG_SIZE];
	struct vfio_pci *v;
	int r;

	*out = NULL;
	v = calloc(1, sizeof(*v));
	if (!v) {
		log_err("%s: out of memory", name);
		return -ENOMEM;
	}
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->ops = ops;
	v->vdev = vdev;
	v->plat = plat;
	v->slot = slot;
	v->intx_gsi = intx_gsi;
	v->dev.name = v->name;
	v->dev.ops = &vp_dev_ops;
	v->dev.priv = v;
	v->msi.vec.efd = v->msi.vec.gsi = -1;
	v->intx.trigger = v->intx.resample = -1;
	v->vfio_irq = -1;
	pthread_mutex_init(&v->cfg_lock, NULL);
	pthread_mutex_init(&v->irq_lock, NULL);

	r = ops->device_info(vdev, &flags, &nr_regions, &nr_irqs);
	if (r < 0) {
		log_err("%s: cannot get device info: %s", v->name, strerror(-r));
		goto err;
	}
	if (!(flags & VFIO_DEVICE_FLAGS_PCI) || nr_regions <= VFIO_PCI_CONFIG_REGION_INDEX ||
	    nr_irqs <= VFIO_PCI_MSIX_IRQ_INDEX) {
		log_err("%s: not a VFIO PCI device (flags 0x%x, %u regions, %u IRQ indexes)",
			v->name, flags, nr_regions, nr_irqs);
		r = -ENODEV;
		goto err;
	}
	if (!(flags & VFIO_DEVICE_FLAGS_RESET))
		log_info("%s: VFIO cannot reset the device: it starts as the last user left it",
			 v->name);
	r = vp_read_dev_cfg(v, dcfg);
	if (r < 0)
		goto err;

	vp_irq_init(v, dcfg);
	r = vp_bars_init(v, dcfg);
	if (r < 0)
		goto err;
	r = vp_cfg_init(v, dcfg);
	if (r < 0)
		goto err;
	r = vp_bars_split(v);
	if (r < 0)
		goto err;

	pthread_mutex_lock(&v->cfg_lock);
	vp_irq_update(v);				     /* INTx, if the device has it */
	v->cfg[PCI_INTERRUPT_PIN] = v->intx.present ? 1 : 0; /* it may have failed */
	pthread_mutex_unlock(&v->cfg_lock);

	log_debug("%s: guest slot %u, vendor %04x device %04x", v->name, slot,
		  get_le16(v->cfg + PCI_VENDOR_ID), get_le16(v->cfg + PCI_DEVICE_ID));
	*out = v;
	return 0;

err:
	vp_bars_fini(v);
	vp_msix_fini(v);
	pthread_mutex_destroy(&v->cfg_lock);
	pthread_mutex_destroy(&v->irq_lock);
	free(v);
	return r;
}

struct device *vfio_pci_device(struct vfio_pci *v)
{
	return &v->dev;
}

/* Turn off decode and bus mastering on the device so DMA stops before reset. */
static void vp_quiesce(struct vfio_pci *v)
{
	u8 cmd[2];

	if (v->ops->read(v->vdev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND, cmd, 2) != 2)
		return;
	put_le16(cmd,
		 get_le16(cmd) & (u16) ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	if (v->ops->write(v->vdev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND, cmd, 2) != 2)
		log_warn("%s: cannot turn off bus mastering", v->name);
}

void vfio_pci_destroy(struct vfio_pci *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->cfg_lock);
	vp_irq_fini(v);
	vp_bars_fini(v);
	vp_msix_fini(v);
	vp_quiesce(v);
	pthread_mutex_unlock(&v->cfg_lock);
	pthread_mutex_destroy(&v->cfg_lock);
	pthread_mutex_destroy(&v->irq_lock);
	free(v);
}

void vfio_pci_get_stats(const struct vfio_pci *v, struct vfio_pci_stats *out)
{
	out->cfg_reads = __atomic_load_n(&v->stats.cfg_reads, __ATOMIC_RELAXED);
	out->cfg_writes = __atomic_load_n(&v->stats.cfg_writes, __ATOMIC_RELAXED);
	out->bar_traps = __atomic_load_n(&v->stats.bar_traps, __ATOMIC_RELAXED);
	out->msix_table = __atomic_load_n(&v->stats.msix_table, __ATOMIC_RELAXED);
	out->msix_pba = __atomic_load_n(&v->stats.msix_pba, __ATOMIC_RELAXED);
}
