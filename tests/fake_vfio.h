/* SPDX-License-Identifier: MIT */
/*
 * fake_vfio.h - an in-memory VFIO PCI device behind struct vfio_ops, for
 * unit tests of devices/vfio_pci*.c.
 *
 * It behaves like the kernel where the device model depends on it and
 * counts protocol violations in `bad` (tests assert it stays 0):
 *  - config space: 256 bytes; writes change only the bits in cfg_wmask (the
 *    "hardware" read-write bits, command register by default); every config
 *    write is logged;
 *  - BAR regions backed by memory (small ones) so forwarded accesses and
 *    mmaps can be checked; the last BAR access is recorded;
 *  - SET_IRQS like vfio-pci: one index enabled at a time; growing an enabled
 *    MSI-X allocation needs the index re-enabled unless the MSI-X IRQ info
 *    lacks VFIO_IRQ_INFO_NORESIZE; disabling an index that is not enabled
 *    is a violation; INTx unmask needs INTx enabled;
 *  - failure injection per operation.
 */
#ifndef TINYVMM_FAKE_VFIO_H
#define TINYVMM_FAKE_VFIO_H

#include <linux/vfio.h>

#include "devices/pci.h"
#include "vmm/pci/vfio.h"

#define FAKE_NR_REGIONS	 (VFIO_PCI_CONFIG_REGION_INDEX + 1)
#define FAKE_BACKING_MAX (1024 * 1024) /* larger regions have no backing */
#define FAKE_MAX_VEC	 2048
#define FAKE_LOG	 512

struct fake_region {
	struct vfio_region info;
	u8 *mem; /* backing, page aligned; NULL if too large */
};

struct fake_irq_call {
	u32 index, start, count;
	int efd0; /* efds[0], or -2 for a disable */
};

struct fake_cfg_write {
	u32 off, len;
	u8 val[8];
};

struct vfio_dev {
	u8 cfg[PCI_CFG_EXP_SPACE_SIZE];
	u8 cfg_wmask[PCI_CFG_SPACE_SIZE];
	struct fake_region regions[FAKE_NR_REGIONS];
	u32 irq_count[VFIO_PCI_NUM_IRQS], irq_flags[VFIO_PCI_NUM_IRQS];
	u32 dev_flags;

	/* IRQ state, as the kernel would hold it */
	int irq_index; /* enabled index, or -1 */
	u32 irq_nvec;
	int efds[FAKE_MAX_VEC];
	int intx_resample;

	/* records */
	int bad;
	int mmaps, munmaps;
	unsigned int nr_irq_calls; /* total; the log keeps the first FAKE_LOG */
	struct fake_irq_call irq_calls[FAKE_LOG];
	unsigned int nr_cfg_writes;
	struct fake_cfg_write cfg_writes[FAKE_LOG];
	struct {
		u32 region;
		u64 off;
		u32 len;
		bool write;
		u64 val;
	} last_bar;
	unsigned int bar_accesses;

	/* failure injection */
	bool fail_device_info, fail_cfg_read, fail_mmap, fail_intx_unmask;
	int fail_set_irqs; /* -errno returned by set_irqs, 0 for none */
	int fail_disable;  /* -errno returned by a set_irqs disable (count 0) */
};

extern const struct vfio_ops fake_vfio_ops;

/*
 * A function with a type 0 header: Intel 82576 VF IDs (8086:10ca), class
 * 020000, revision 1, subsystem 8086:a02c; no BARs, no capabilities, no
 * interrupts. Command bits IO/MEM/MASTER/INTX_DISABLE are writable.
 */
struct vfio_dev *fake_vfio_new(void);
void fake_vfio_free(struct vfio_dev *d);

/* BAR i: flags are the low bits of the BAR register (PCI_BASE_ADDRESS_*), rflags
 * the VFIO region flags. Backing memory is allocated if size allows. */
void fake_vfio_bar(struct vfio_dev *d, unsigned int i, u32 flags, u64 size, u32 rflags);
void fake_vfio_sparse(struct vfio_dev *d, unsigned int i, u64 off, u64 size);
/* Link a capability at off into the list (after the last one), id set, body zero. */
void fake_vfio_cap(struct vfio_dev *d, u8 off, u8 id);
void fake_vfio_irq(struct vfio_dev *d, u32 index, u32 count, u32 flags);

/* The eventfd bound to vector vec of the enabled index, or -1. */
int fake_vfio_efd(const struct vfio_dev *d, u32 index, u32 vec);
/* Signal vector vec as the device would. */
void fake_vfio_fire(struct vfio_dev *d, u32 index, u32 vec);
/* Config writes recorded that touched [off, off+len). */
unsigned int fake_vfio_cfg_writes_at(const struct vfio_dev *d, u32 off, u32 len);
/* The last recorded SET_IRQS call, or NULL. */
const struct fake_irq_call *fake_vfio_last_irq_call(const struct vfio_dev *d);

#endif
