/* SPDX-License-Identifier: MIT */
/*
 * fake_sysfs.h - a fake /sys in a mkdtemp() directory, for the tests of the
 * modules that read sysfs through a root argument (pci_sysfs, vfio, vf_manage,
 * vf_list, check). Include after cmocka.h: the builders fail the test when
 * the file system refuses them.
 *
 * The layout is the kernel's, so relative links resolve as on a host:
 *   devices/pci0000:00/<bdf>/            vendor device class irq resource
 *                                        config (256 bytes) driver_override
 *   devices/pci0000:00/<bdf>/driver      -> ../../../bus/pci/drivers/<name>
 *   devices/pci0000:00/<bdf>/iommu_group -> ../../../kernel/iommu_groups/<n>
 *   devices/pci0000:00/<bdf>/physfn, virtfnN -> ../<bdf>
 *   devices/pci0000:00/<bdf>/net/<ifname>/device -> ../../../<bdf>
 *   bus/pci/devices/<bdf>                -> ../../../devices/pci0000:00/<bdf>
 *   bus/pci/drivers/<name>/{bind,unbind} plain files (writes land there)
 *   bus/pci/drivers_probe                plain file
 *   kernel/iommu_groups/<n>/devices/<bdf> -> ../../../../devices/pci0000:00/<bdf>
 *   class/net/<ifname>                   -> ../../devices/pci0000:00/<bdf>/net/<ifname>
 *
 * libpci 3.9's sysfs scan (vf_list) needs only vendor and device per
 * function (PCI_FILL_IDENT; without them it fails the whole scan); class,
 * irq, resource and config are there for what else may read them.
 *
 * A write to a plain file (pci_sysfs opens attributes without O_TRUNC)
 * overwrites from offset 0 and leaves any longer old content after it, so
 * a test empties a file before the write it checks.
 *
 * fake_kernel_start() turns every bus/pci/drivers/<name>/unbind and
 * bus/pci/drivers_probe into a FIFO served by a thread that acts like the
 * PCI core: unbind removes the device's driver link when it points to that
 * driver; drivers_probe binds an unbound device to the driver named in its
 * driver_override when that driver's directory exists. It keeps a log of
 * what it did ("unbind igbvf 0000:01:10.0; probe 0000:01:10.0 vfio-pci; ").
 * Unlike the kernel it empties driver_override when it reads it at probe
 * time (a plain file cannot tell one write from the next).
 *
 * fake_fifo_start() makes one attribute a FIFO that first answers a read
 * with a given value, then records the bytes written to it, in order (a
 * pipe keeps no write boundaries: "0" then "2" reads back "02").
 */
#ifndef TINYVMM_FAKE_SYSFS_H
#define TINYVMM_FAKE_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/base/util.h"

#define FAKE_ROOT_SZ 96
#define FAKE_DEVDIR  "devices/pci0000:00"

/* A fresh tree "/tmp/<tag>.XXXXXX" into root, with bus/pci/{devices,drivers}. */
void fake_sysfs_create(char root[FAKE_ROOT_SZ], const char *tag);
/* rm -rf root (FIFOs included). */
void fake_sysfs_destroy(const char *root);

/* Paths are printf formats relative to root; parents are created. */
void fake_sysfs_mkdir(const char *root, const char *fmt, ...) PRINTF(2, 3);
/* Create or truncate, then write text. */
void fake_sysfs_write(const char *root, const char *text, const char *fmt, ...) PRINTF(3, 4);
/* A symlink to target, replacing what was there. */
void fake_sysfs_symlink(const char *root, const char *target, const char *fmt, ...) PRINTF(3, 4);
/* Remove a file, a link or an empty directory (absent is fine). */
void fake_sysfs_remove(const char *root, const char *fmt, ...) PRINTF(2, 3);
bool fake_sysfs_exists(const char *root, const char *fmt, ...) PRINTF(2, 3);
/* The whole file into buf (NUL-terminated); fails the test if unreadable. */
const char *fake_sysfs_read(const char *root, char *buf, size_t len, const char *fmt, ...)
    PRINTF(4, 5);

/*
 * A PCI function with its attribute files (ids 8086:10ca, class 0x020000,
 * empty driver_override) in IOMMU group group (< 0: none), bound to drv
 * (NULL: unbound; the driver's directory is created).
 */
void fake_sysfs_dev(const char *root, const char *bdf, int group, const char *drv);
/* Change vendor, device, class files and config space. */
void fake_sysfs_ids(const char *root, const char *bdf, unsigned int vendor, unsigned int device,
		    unsigned int class_code);
/* Bind to drv (NULL: unbind), creating bus/pci/drivers/drv/. */
void fake_sysfs_bind(const char *root, const char *bdf, const char *drv);
void fake_sysfs_driver_dir(const char *root, const char *drv);
/* PF attributes sriov_totalvfs/sriov_numvfs and physfn/virtfnN links for vfs[0..nr). */
void fake_sysfs_sriov(const char *root, const char *pf, unsigned int total, const char *const *vfs,
		      unsigned int nr);
/* A netdev of bdf: net/<ifname>/ and class/net/<ifname>. */
void fake_sysfs_netdev(const char *root, const char *bdf, const char *ifname);

/* ---- the fake PCI core behind unbind and drivers_probe ---- */
struct fake_kernel;
struct fake_kernel *fake_kernel_start(const char *root);
/* What it did so far, "" when nothing. */
void fake_kernel_log(struct fake_kernel *k, char *buf, size_t len);
void fake_kernel_stop(struct fake_kernel *k);

/* ---- one attribute as a FIFO ---- */
struct fake_fifo;
/* Replace the file at root/rel with a FIFO; the first reader gets value (NULL: none). */
struct fake_fifo *fake_fifo_start(const char *root, const char *rel, const char *value);
/* Stop and return the bytes written since the start, in order. */
void fake_fifo_stop(struct fake_fifo *f, char *writes, size_t len);

#endif
