/* SPDX-License-Identifier: MIT */
/*
 * vfio_pci_fixture.h - shared set-up for the vfio_pci tests: a fake device,
 * a fake platform, config accesses the way the host bridge makes them, and
 * guest MMIO through the fake platform's traps. Include after cmocka.h.
 */
#ifndef TINYVMM_VFIO_PCI_FIXTURE_H
#define TINYVMM_VFIO_PCI_FIXTURE_H

#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "devices/vfio_pci.h"
#include "arch/layout.h"
#include "tests/fake_plat.h"
#include "tests/fake_vfio.h"

#define FX_NAME	    "vfio 0000:01:10.0"
#define FX_SLOT	    1
#define FX_INTX_GSI 17

#define RW_MMAP                                                                                    \
	(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP)
#define RW    (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)
#define MEM64 PCI_BASE_ADDRESS_MEM_TYPE_64
#define MEM32 PCI_BASE_ADDRESS_MEM_TYPE_32

/* The 82576-VF-like layout of fx_vf(). */
#define VF_PM	    0x40
#define VF_VPD	    0x50
#define VF_MSIX	    0x70
#define VF_EXP	    0xa0
#define VF_BAR_SIZE 0x4000
#define VF_NVEC	    3
#define VF_PBA_OFF  0x2000
#define BAR0_GPA    PCI_MMIO32_BASE
#define BAR3_GPA    (PCI_MMIO32_BASE + 0x10000)

struct fx {
	struct vfio_dev *d;
	struct fake_plat fp;
	struct vfio_pci *v;
	struct device *dev;
};

static inline struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->d = fake_vfio_new();
	fake_plat_init(&f->fp);
	return f;
}

static inline int fx_create(struct fx *f)
{
	int r =
	    vfio_pci_create(&f->v, &fake_vfio_ops, f->d, &f->fp.p, FX_NAME, FX_SLOT, FX_INTX_GSI);

	f->dev = r ? NULL : vfio_pci_device(f->v);
	return r;
}

/* Destroy, and check that nothing is left behind. */
static inline void fx_destroy(struct fx *f)
{
	vfio_pci_destroy(f->v);
	f->v = NULL;
	f->dev = NULL;
	assert_int_equal(fake_plat_live_maps(&f->fp), 0);
	assert_int_equal(fake_plat_live_traps(&f->fp), 0);
	assert_int_equal(fake_plat_live_routes(&f->fp), 0);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 0);
	assert_int_equal(f->d->irq_index, -1);
	assert_int_equal(f->d->mmaps, f->d->munmaps);
}

/* Destroy if still there; no protocol may have been broken. */
static inline void fx_free(struct fx *f)
{
	if (f->v)
		fx_destroy(f);
	assert_int_equal(f->fp.bad, 0);
	assert_int_equal(f->d->bad, 0);
	assert_int_equal(f->d->mmaps, f->d->munmaps);
	fake_vfio_free(f->d);
	free(f);
}

static inline u32 cfg_rd(struct fx *f, u32 off, u32 len)
{
	u32 v = f->dev->ops->cfg_read(f->dev, (u16)(off / 4)) >> (8 * (off % 4));

	return len == 4 ? v : v & ((1u << (8 * len)) - 1);
}

static inline void cfg_wr(struct fx *f, u32 off, u32 len, u32 val)
{
	u8 b[4];

	put_le32(b, val);
	f->dev->ops->cfg_write(f->dev, (u16)(off / 4), (u8)(off % 4), b, len);
}

static inline u64 mmio_rd(struct fx *f, u64 addr, u32 len)
{
	u8 b[8] = {0};

	assert_int_equal(fake_plat_access(&f->fp, false, addr, b, len, false), 0);
	return len == 8 ? get_le64(b) : len == 4 ? get_le32(b) : len == 2 ? get_le16(b) : b[0];
}

static inline void mmio_wr(struct fx *f, u64 addr, u32 len, u64 val)
{
	u8 b[8];

	put_le64(b, val);
	assert_int_equal(fake_plat_access(&f->fp, false, addr, b, len, true), 0);
}

/*
 * An 82576 VF as vfio-pci shows it: BAR0 and BAR3 64-bit 16 KiB, the MSI-X
 * table (3 vectors) at BAR3+0 and its PBA at BAR3+0x2000, the kernel's sparse
 * area leaving out the table page only; capabilities PM, VPD (to be hidden),
 * MSI-X, PCI Express v2; no INTx, no MSI.
 */
static inline void fx_vf(struct fx *f)
{
	struct vfio_dev *d = f->d;

	fake_vfio_bar(d, 0, MEM64, VF_BAR_SIZE, RW_MMAP);
	fake_vfio_bar(d, 3, MEM64, VF_BAR_SIZE, RW_MMAP);
	fake_vfio_sparse(d, 3, 0x1000, VF_BAR_SIZE - 0x1000);
	fake_vfio_cap(d, VF_PM, PCI_CAP_ID_PM);
	put_le16(d->cfg + VF_PM + PCI_PM_PMC, 0xc803); /* PME from D0/D3hot/D3cold, v3 */
	fake_vfio_cap(d, VF_VPD, PCI_CAP_ID_VPD);
	fake_vfio_cap(d, VF_MSIX, PCI_CAP_ID_MSIX);
	put_le16(d->cfg + VF_MSIX + PCI_MSIX_FLAGS, VF_NVEC - 1);
	put_le32(d->cfg + VF_MSIX + PCI_MSIX_TABLE, 3);
	put_le32(d->cfg + VF_MSIX + PCI_MSIX_PBA, VF_PBA_OFF | 3);
	fake_vfio_cap(d, VF_EXP, PCI_CAP_ID_EXP);
	put_le16(d->cfg + VF_EXP + PCI_EXP_FLAGS, 0x0002); /* v2 endpoint */
	put_le16(d->cfg + VF_EXP + PCI_EXP_DEVCTL, 0x2810);
	fake_vfio_irq(d, VFIO_PCI_MSIX_IRQ_INDEX, VF_NVEC,
		      VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
}

/* What firmware does: BAR0 and BAR3 in the 32-bit window, memory decode and bus master on. */
static inline void fx_program(struct fx *f)
{
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)BAR0_GPA);
	cfg_wr(f, PCI_BASE_ADDRESS_1, 4, 0);
	cfg_wr(f, PCI_BASE_ADDRESS_3, 4, (u32)BAR3_GPA);
	cfg_wr(f, PCI_BASE_ADDRESS_4, 4, 0);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* ---- interrupts ---- */

#define MSIX_IDX  VFIO_PCI_MSIX_IRQ_INDEX
#define MSI_IDX	  VFIO_PCI_MSI_IRQ_INDEX
#define INTX_IDX  VFIO_PCI_INTX_IRQ_INDEX
#define TBL(i, w) (BAR3_GPA + 16 * (u64)(i) + (w))
#define PBA	  (BAR3_GPA + VF_PBA_OFF)
#define MSI_ADDR  0xfee00000u
#define EN	  PCI_MSIX_FLAGS_ENABLE
#define MASKALL	  PCI_MSIX_FLAGS_MASKALL

static inline struct fx *vf_up(void)
{
	struct fx *f = fx_new();

	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	fx_program(f);
	return f;
}

static inline void msix_ctrl(struct fx *f, u16 ctrl)
{
	cfg_wr(f, VF_MSIX + PCI_MSIX_FLAGS, 2, ctrl);
}

static inline void entry_set(struct fx *f, u32 i, u64 addr, u32 data)
{
	mmio_wr(f, TBL(i, PCI_MSIX_ENTRY_LOWER_ADDR), 4, (u32)addr);
	mmio_wr(f, TBL(i, PCI_MSIX_ENTRY_UPPER_ADDR), 4, (u32)(addr >> 32));
	mmio_wr(f, TBL(i, PCI_MSIX_ENTRY_DATA), 4, data);
}

static inline void entry_mask(struct fx *f, u32 i, bool masked)
{
	mmio_wr(f, TBL(i, PCI_MSIX_ENTRY_VECTOR_CTRL), 4, masked);
}

/* The irqfd delivering vector i of an IRQ index right now, or NULL. */
static inline const struct fake_irqfd *vec_irqfd(struct fx *f, u32 index, u32 i)
{
	int efd = fake_vfio_efd(f->d, index, i);

	return efd < 0 ? NULL : fake_plat_irqfd_of(&f->fp, efd);
}

/* What Linux does: enable with all masked, program, unmask vectors, unmask the function. */
static inline void linux_msix_up(struct fx *f, u32 nvec)
{
	msix_ctrl(f, EN | MASKALL);
	for (u32 i = 0; i < nvec; i++) {
		entry_set(f, i, MSI_ADDR | (i << 12), 0x4020 + i);
		entry_mask(f, i, false);
	}
	msix_ctrl(f, EN);
}

#endif
