// SPDX-License-Identifier: MIT
/*
 * vfio.c - the VFIO container (type1v2 IOMMU), its groups and DMA maps,
 * opening a device, and the sysfs checks that turn every way a device can
 * be unusable into one line naming the fix; see vfio.h. The device fd
 * operations are in vfio_ops.c.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/host_open.h"
#include "vmm/base/bdf.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/host/pci_sysfs.h"
#include "vmm/pci/vfio_priv.h"

#define SYSFS_ROOT   "/sys"
#define VFIO_DEV_DIR "/dev/vfio"
#define MSG_LIST_MAX 480 /* room for the device lists in one log line */

/* ---- sysfs ---- */

/* Log why group is not viable; kernel: VFIO_GROUP_GET_STATUS said so. */
static int report_group(const char *root, const char *bdf, int group, bool kernel)
{
	char bad[MSG_LIST_MAX], ok[MSG_LIST_MAX / 2];
	int nbad = pci_sysfs_group_others(root, group, bdf, bad, sizeof(bad), ok, sizeof(ok));

	if (nbad < 0 && !kernel)
		return 0; /* cannot tell from sysfs; VFIO_GROUP_GET_STATUS decides */
	if (nbad > 0) {
		return err_user(-EXDEV,
				"vfio %s: IOMMU group %d is not viable: %s%s%s%s; bind %s to "
				"vfio-pci or pass %s with --vf too",
				bdf, group, bad, ok[0] ? " (the group also holds " : "", ok,
				ok[0] ? ")" : "", nbad > 1 ? "them" : "it",
				nbad > 1 ? "them" : "it");
	}
	if (!kernel)
		return 0;
	return err_user(-EXDEV,
			"vfio %s: IOMMU group %d is not viable (so says VFIO); its other devices: "
			"%s; bind every device of the group to vfio-pci or pass it with --vf too",
			bdf, group, ok[0] ? ok : "none found in sysfs");
}

int vfio_device_check(const char *root, const char *bdf, char out[13], int *group)
{
	char dev[PATH_MAX], drv[NAME_MAX + 1];
	struct stat st;
	int g;

	if (bdf_parse(bdf, out) < 0) {
		return err_user(-EINVAL,
				"vfio %s: not a PCI address; give it as DDDD:BB:DD.F or BB:DD.F, "
				"e.g. 0000:01:10.0 (see lspci -D)",
				bdf);
	}
	bdf = out;
	if ((size_t)snprintf(dev, sizeof(dev), "%s/bus/pci/devices/%s", root, bdf) >= sizeof(dev))
		return err_host(-ENAMETOOLONG, "vfio %s: sysfs path too long", bdf);
	if (stat(dev, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (errno == EACCES)
			return err_host(-EACCES, "vfio %s: cannot read %s: %s", bdf, dev,
					strerror(EACCES));
		return err_user(
		    -ENODEV, "vfio %s: no such PCI device (check the address with lspci -D)", bdf);
	}
	g = pci_sysfs_iommu_group(root, bdf);
	if (g < 0) {
		return err_host(-EOPNOTSUPP,
				"vfio %s: the device has no IOMMU group, so the IOMMU is off; boot "
				"the host with intel_iommu=on (Intel) or amd_iommu=on (AMD), and "
				"enable VT-d/AMD-Vi in the firmware",
				bdf);
	}
	*group = g;
	if (pci_sysfs_driver(root, bdf, drv, sizeof(drv)) < 0 || !drv[0]) {
		return err_user(-EMEDIUMTYPE,
				"vfio %s: not bound to any driver; drop managed=off, or bind it to "
				"vfio-pci: modprobe vfio-pci; "
				"echo vfio-pci > /sys/bus/pci/devices/%s/driver_override; "
				"echo %s > /sys/bus/pci/drivers_probe",
				bdf, bdf, bdf);
	}
	if (!pci_sysfs_driver_is_vfio(drv)) {
		return err_user(-EMEDIUMTYPE,
				"vfio %s: bound to %s, not vfio-pci; drop managed=off, or rebind "
				"it: modprobe vfio-pci; "
				"echo vfio-pci > /sys/bus/pci/devices/%s/driver_override; "
				"echo %s > /sys/bus/pci/devices/%s/driver/unbind; "
				"echo %s > /sys/bus/pci/drivers_probe",
				bdf, drv, bdf, bdf, bdf, bdf);
	}
	return report_group(root, bdf, *group, false);
}

/* ---- the container ---- */

int vfio_container_open(struct vfio_container *c)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->fd = host_open(VFIO_DEV_DIR "/vfio", O_RDWR | O_CLOEXEC, 0);
	if (c->fd < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ENODEV || r == -ENXIO)
			log_err("vfio: " VFIO_DEV_DIR "/vfio does not exist; load VFIO: modprobe "
				"vfio-pci");
		else if (r == -EACCES || r == -EPERM)
			log_err("vfio: " VFIO_DEV_DIR "/vfio: permission denied; run tinyvmm as "
				"root");
		else
			log_err("vfio: " VFIO_DEV_DIR "/vfio: %s", strerror(-r));
		return r;
	}
	r = ioctl_val(c->fd, VFIO_GET_API_VERSION, 0);
	if (r != VFIO_API_VERSION) {
		log_err("vfio: " VFIO_DEV_DIR "/vfio speaks VFIO API %d, tinyvmm needs %d", r,
			VFIO_API_VERSION);
		r = -ENOTSUP;
		goto err;
	}
	if (ioctl_val(c->fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		log_err("vfio: the kernel offers no type1v2 IOMMU; load it: modprobe "
			"vfio_iommu_type1");
		r = -ENOTSUP;
		goto err;
	}
	return 0;
err:
	close(c->fd);
	c->fd = -1;
	return r;
}

void vfio_container_close(struct vfio_container *c)
{
	for (unsigned int i = 0; c->fd >= 0 && i < c->nr_dma; i++) {
		struct vfio_iommu_type1_dma_unmap u = {
		    .argsz = sizeof(u), .iova = c->dma[i].iova, .size = c->dma[i].size};
		int r = ioctl_val(c->fd, VFIO_IOMMU_UNMAP_DMA, &u);

		if (r < 0)
			log_warn("vfio: cannot unmap DMA at iova %#llx: %s",
				 (unsigned long long)c->dma[i].iova, strerror(-r));
	}
	c->nr_dma = 0;
	for (unsigned int i = 0; i < c->nr_groups; i++)
		close(c->groups[i].fd); /* leaves the container too */
	c->nr_groups = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->iommu_set = false;
}

static void memlock_hint(const struct vfio_container *c, u64 size)
{
	u64 need = size, have = 0;
	struct rlimit rl;

	for (unsigned int i = 0; i < c->nr_dma; i++)
		need += c->dma[i].size;
	need = MAX(need, c->dma_total);
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0)
		have = rl.rlim_cur;
	if (have == RLIM_INFINITY || have >= need) {
		log_err("vfio: cannot pin %llu MiB of guest RAM for DMA: out of memory",
			(unsigned long long)(size / MiB));
		return;
	}
	log_err("vfio: cannot pin guest RAM for DMA: RLIMIT_MEMLOCK is %llu KiB, the DMA map "
		"needs %llu MiB (all guest RAM); raise it with ulimit -l %llu (or memlock in "
		"limits.conf, LimitMEMLOCK= for a service) or run as root",
		(unsigned long long)(have / KiB), (unsigned long long)((need + MiB - 1) / MiB),
		(unsigned long long)((need + KiB - 1) / KiB));
}

int vfio_container_dma_map(struct vfio_container *c, u64 iova, u64 size, void *hva)
{
	struct vfio_iommu_type1_dma_map m = {
	    .argsz = sizeof(m),
	    .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
	    .vaddr = (u64)(uintptr_t)hva,
	    .iova = iova,
	    .size = size,
	};
	struct vfio_dma_rec *tail = NULL;
	int r;

	if (c->fd < 0 || !c->iommu_set)
		return -EBADF;
	/* the next chunk of the last map: one record (one unmap covers both) */
	if (c->nr_dma && c->dma[c->nr_dma - 1].iova + c->dma[c->nr_dma - 1].size == iova)
		tail = &c->dma[c->nr_dma - 1];
	if (!tail && c->nr_dma == ARRAY_SIZE(c->dma))
		return -ENOSPC;
	r = ioctl_val(c->fd, VFIO_IOMMU_MAP_DMA, &m);
	if (r == -ENOMEM) {
		memlock_hint(c, size);
		return r;
	}
	if (r < 0) {
		log_err("vfio: cannot map guest RAM [%#llx, +%llu MiB) for DMA: %s",
			(unsigned long long)iova, (unsigned long long)(size / MiB), strerror(-r));
		return r;
	}
	if (tail) {
		tail->size += size;
		return 0;
	}
	c->dma[c->nr_dma].iova = iova;
	c->dma[c->nr_dma].size = size;
	c->nr_dma++;
	return 0;
}

/* ---- groups and devices ---- */

/*
 * The IOMMU's page sizes, for --verbose. Each RAM range is one DMA map (of
 * the type1 dma_entry_limit's 65535 by default, one or two are used); the
 * kernel maps each physically contiguous run of it with the largest of
 * these sizes that fits, so huge-page backed RAM gets huge IOMMU pages.
 */
static void log_iommu_info(int fd)
{
	struct vfio_iommu_type1_info info = {.argsz = sizeof(info)};

	if (ioctl_val(fd, VFIO_IOMMU_GET_INFO, &info) == 0 &&
	    (info.flags & VFIO_IOMMU_INFO_PGSIZES))
		log_debug("vfio: the IOMMU's page sizes: %#llx",
			  (unsigned long long)info.iova_pgsizes);
}

static int group_open(struct vfio_container *c, const char *bdf, int id)
{
	struct vfio_group_status st = {.argsz = sizeof(st)};
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), VFIO_DEV_DIR "/%d", id);
	fd = host_open(path, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		if (r == -EBUSY)
			log_err("vfio %s: %s is in use by another process (another tinyvmm or "
				"QEMU?); stop it or pass another VF",
				bdf, path);
		else if (r == -EACCES || r == -EPERM)
			log_err("vfio %s: %s: permission denied; run tinyvmm as root or give your "
				"user the device (chown) and a large enough ulimit -l",
				bdf, path);
		else if (r == -ENOENT)
			log_err("vfio %s: %s does not exist although the device is on vfio-pci; "
				"is the device being rebound? try again",
				bdf, path);
		else
			log_err("vfio %s: %s: %s", bdf, path, strerror(-r));
		return r;
	}
	r = ioctl_val(fd, VFIO_GROUP_GET_STATUS, &st);
	if (r < 0) {
		log_err("vfio %s: VFIO_GROUP_GET_STATUS on %s: %s", bdf, path, strerror(-r));
		goto err;
	}
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		r = report_group(SYSFS_ROOT, bdf, id, true);
		goto err;
	}
	r = ioctl_val(fd, VFIO_GROUP_SET_CONTAINER, &c->fd);
	if (r < 0) {
		log_err("vfio %s: cannot add IOMMU group %d to the container: %s", bdf, id,
			strerror(-r));
		goto err;
	}
	if (!c->iommu_set) {
		r = ioctl_val(c->fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
		if (r < 0) {
			log_err("vfio %s: VFIO_SET_IOMMU type1v2: %s", bdf, strerror(-r));
			goto err;
		}
		c->iommu_set = true;
		log_iommu_info(c->fd);
	}
	c->groups[c->nr_groups].id = id;
	c->groups[c->nr_groups].fd = fd;
	c->nr_groups++;
	return fd;
err:
	close(fd);
	return r;
}

int vfio_device_open(struct vfio_container *c, const char *bdf, struct vfio_dev **out)
{
	struct vfio_dev *d;
	char canon[13];
	int group, gfd = -1, r;

	*out = NULL;
	r = vfio_device_check(SYSFS_ROOT, bdf, canon, &group);
	if (r < 0)
		return r;
	if (c->fd < 0)
		return err_host(-EBADF, "vfio %s: no VFIO container open", canon);
	for (unsigned int i = 0; i < c->nr_groups; i++)
		if (c->groups[i].id == group)
			gfd = c->groups[i].fd;
	if (gfd < 0) {
		if (c->nr_groups == ARRAY_SIZE(c->groups)) {
			log_err("vfio %s: more than %zu IOMMU groups", canon,
				ARRAY_SIZE(c->groups));
			return -ENOSPC;
		}
		gfd = group_open(c, canon, group);
		if (gfd < 0)
			return gfd;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return err_host(-ENOMEM, "vfio %s: out of memory", canon);
	memcpy(d->bdf, canon, sizeof(d->bdf));
	d->fd = ioctl_val(gfd, VFIO_GROUP_GET_DEVICE_FD, canon);
	if (d->fd < 0) {
		r = d->fd;
		if (r == -EBUSY)
			log_err("vfio %s: the device is in use by another process (another tinyvmm "
				"or QEMU?)",
				canon);
		else
			log_err("vfio %s: VFIO_GROUP_GET_DEVICE_FD: %s", canon, strerror(-r));
		free(d);
		return r;
	}
	r = vfio_dev_load_info(d);
	if (r < 0) {
		log_err("vfio %s: VFIO_DEVICE_GET_INFO: %s", canon, strerror(-r));
		vfio_device_close(d);
		return r;
	}
	if (!(d->flags & VFIO_DEVICE_FLAGS_PCI)) {
		log_err("vfio %s: VFIO says this is not a PCI device", canon);
		vfio_device_close(d);
		return -EIO;
	}
	*out = d;
	return 0;
}

void vfio_device_close(struct vfio_dev *d)
{
	if (!d)
		return;
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

const char *vfio_device_name(const struct vfio_dev *d)
{
	return d->bdf;
}

void vfio_container_close_group(struct vfio_container *c, int id)
{
	for (unsigned int i = 0; i < c->nr_groups; i++) {
		if (c->groups[i].id != id)
			continue;
		close(c->groups[i].fd); /* leaves the container too */
		c->groups[i] = c->groups[c->nr_groups - 1];
		c->nr_groups--;
		return;
	}
}
