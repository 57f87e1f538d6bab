// SPDX-License-Identifier: MIT
/*
 * test_vfio_pci_msix.c - MSI-X of the VFIO PCI device model: the table and
 * PBA (CVE-2020-13754 and CVE-2015-7549 classes: sizes, alignment, entries
 * past the end, a 2048-entry table), per-vector and function masking, VFIO
 * bindings, routes and irqfds, decode toggles with live vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/vfio_pci_fixture.h"

static void test_msix_enable_unmask_binds_and_routes(void **state)
{
	struct fx *f = vf_up();
	const struct fake_irq_call *c;
	const struct fake_irqfd *q;
	const struct fake_route *r;
	int efd;

	(void)state;
	msix_ctrl(f, EN | MASKALL);
	assert_int_equal(f->d->nr_irq_calls, 0); /* nothing in use yet */
	entry_set(f, 0, MSI_ADDR | 0x1000, 0x4021);
	entry_mask(f, 0, false);
	c = fake_vfio_last_irq_call(f->d);
	assert_non_null(c);
	assert_int_equal(c->index, MSIX_IDX);
	assert_int_equal(c->start, 0);
	assert_int_equal(c->count, 1);
	efd = fake_vfio_efd(f->d, MSIX_IDX, 0);
	assert_true(efd >= 0);
	assert_null(fake_plat_irqfd_of(&f->fp, efd)); /* function still masked */

	msix_ctrl(f, EN);
	q = fake_plat_irqfd_of(&f->fp, efd);
	assert_non_null(q);
	assert_int_equal(q->resample, -1);
	r = fake_plat_route(&f->fp, q->gsi);
	assert_non_null(r);
	assert_int_equal(r->addr, MSI_ADDR | 0x1000);
	assert_int_equal(r->data, 0x4021);
	assert_int_equal(r->devid, FX_SLOT << 3); /* from the guest slot, function 0 */
	assert_int_equal(cfg_rd(f, VF_MSIX + PCI_MSIX_FLAGS, 2), EN | (VF_NVEC - 1));

	/* The table reads back, in 4- and 8-byte accesses. */
	assert_int_equal(mmio_rd(f, TBL(0, 0), 4), MSI_ADDR | 0x1000);
	assert_int_equal(mmio_rd(f, TBL(0, 0), 8), MSI_ADDR | 0x1000);
	assert_int_equal(mmio_rd(f, TBL(0, 8), 8), 0x4021);
	assert_int_equal(mmio_rd(f, TBL(1, 12), 4), 1); /* reset state: masked */
	/* 8-byte writes work too. */
	mmio_wr(f, TBL(1, 0), 8, 0x00000000fee02000ULL);
	mmio_wr(f, TBL(1, 8), 8, 0x0000000000004022ULL); /* data, unmasked */
	q = vec_irqfd(f, MSIX_IDX, 1);
	assert_non_null(q);
	assert_int_equal(fake_plat_route(&f->fp, q->gsi)->data, 0x4022);
	/* Reserved bits read 0. */
	mmio_wr(f, TBL(2, 0), 4, MSI_ADDR | 3);
	assert_int_equal(mmio_rd(f, TBL(2, 0), 4), MSI_ADDR);
	mmio_wr(f, TBL(2, 12), 4, 0xffffffff);
	assert_int_equal(mmio_rd(f, TBL(2, 12), 4), 1);

	struct vfio_pci_stats s;
	vfio_pci_get_stats(f->v, &s);
	assert_true(s.msix_table >= 12);
	fx_free(f);
}

static void test_msix_vector_mask_detaches_irqfd(void **state)
{
	struct fx *f = vf_up();
	const struct fake_irqfd *q;
	unsigned int calls, allocs;
	int efd, gsi;

	(void)state;
	linux_msix_up(f, 1);
	efd = fake_vfio_efd(f->d, MSIX_IDX, 0);
	q = fake_plat_irqfd_of(&f->fp, efd);
	assert_non_null(q);
	gsi = q->gsi;
	calls = f->d->nr_irq_calls;
	allocs = f->fp.route_allocs;

	entry_mask(f, 0, true);
	assert_null(fake_plat_irqfd_of(&f->fp, efd));
	assert_non_null(fake_plat_route(&f->fp, gsi));		 /* route kept */
	assert_int_equal(fake_vfio_efd(f->d, MSIX_IDX, 0), efd); /* still bound */
	assert_int_equal(mmio_rd(f, PBA, 8), 0);
	fake_vfio_fire(f->d, MSIX_IDX, 0); /* the device fires while masked */
	assert_int_equal(mmio_rd(f, PBA, 8), 1);
	assert_int_equal(mmio_rd(f, PBA, 4), 1);
	assert_int_equal(mmio_rd(f, PBA + 4, 4), 0);

	entry_mask(f, 0, false);
	q = fake_plat_irqfd_of(&f->fp, efd);
	assert_non_null(q);
	assert_int_equal(q->gsi, gsi);
	assert_int_equal(f->fp.route_allocs, allocs);
	assert_int_equal(f->d->nr_irq_calls, calls); /* masking never touches VFIO */
	assert_int_equal(mmio_rd(f, PBA, 8), 0);     /* delivered by the irqfd now */
	fx_free(f);
}

static void test_msix_function_mask(void **state)
{
	struct fx *f = vf_up();

	(void)state;
	linux_msix_up(f, 2);
	assert_non_null(vec_irqfd(f, MSIX_IDX, 0));
	assert_non_null(vec_irqfd(f, MSIX_IDX, 1));
	msix_ctrl(f, EN | MASKALL);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 0);
	assert_int_equal(fake_plat_live_routes(&f->fp), 2);
	fake_vfio_fire(f->d, MSIX_IDX, 1);
	assert_int_equal(mmio_rd(f, PBA, 8), 2);
	/* Unmasked under the function mask: bound, not delivered. */
	entry_set(f, 2, MSI_ADDR, 0x4030);
	entry_mask(f, 2, false);
	assert_true(fake_vfio_efd(f->d, MSIX_IDX, 2) >= 0);
	assert_null(vec_irqfd(f, MSIX_IDX, 2));
	msix_ctrl(f, EN);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 3);
	assert_int_equal(mmio_rd(f, PBA, 8), 0);
	fx_free(f);
}

static void test_msix_growth_noresize_and_dynamic(void **state)
{
	struct fx *f = vf_up();
	const struct fake_irq_call *c;
	int efd0;

	(void)state;
	msix_ctrl(f, EN);
	entry_set(f, 0, MSI_ADDR, 0x4020);
	entry_mask(f, 0, false);
	efd0 = fake_vfio_efd(f->d, MSIX_IDX, 0);
	assert_int_equal(f->d->nr_irq_calls, 1);
	entry_set(f, 2, MSI_ADDR, 0x4022);
	entry_mask(f, 2, false);
	/* NORESIZE: disable, then enable [0, 3) with every eventfd again. */
	assert_int_equal(f->d->nr_irq_calls, 3);
	c = &f->d->irq_calls[1];
	assert_int_equal(c->count, 0);
	c = &f->d->irq_calls[2];
	assert_int_equal(c->start, 0);
	assert_int_equal(c->count, 3);
	assert_int_equal(c->efd0, efd0);
	assert_int_equal(f->d->efds[1], -1);
	assert_non_null(vec_irqfd(f, MSIX_IDX, 0));
	assert_non_null(vec_irqfd(f, MSIX_IDX, 2));
	/* A vector inside the allocation is bound alone. */
	entry_set(f, 1, MSI_ADDR, 0x4021);
	entry_mask(f, 1, false);
	c = fake_vfio_last_irq_call(f->d);
	assert_int_equal(c->start, 1);
	assert_int_equal(c->count, 1);
	fx_free(f);

	/* Without NORESIZE, VFIO grows in place. */
	f = fx_new();
	fx_vf(f);
	f->d->irq_flags[MSIX_IDX] = VFIO_IRQ_INFO_EVENTFD;
	assert_int_equal(fx_create(f), 0);
	fx_program(f);
	msix_ctrl(f, EN);
	entry_set(f, 0, MSI_ADDR, 0x4020);
	entry_mask(f, 0, false);
	entry_set(f, 2, MSI_ADDR, 0x4022);
	entry_mask(f, 2, false);
	assert_int_equal(f->d->nr_irq_calls, 2);
	c = &f->d->irq_calls[1];
	assert_int_equal(c->start, 2);
	assert_int_equal(c->count, 1);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 2);
	fx_free(f);
}

static void test_msix_disable_tears_down(void **state)
{
	struct fx *f = vf_up();
	const struct fake_irq_call *c;

	(void)state;
	linux_msix_up(f, 3);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 3);
	msix_ctrl(f, 0);
	c = fake_vfio_last_irq_call(f->d);
	assert_int_equal(c->index, MSIX_IDX);
	assert_int_equal(c->count, 0);
	assert_int_equal(f->d->irq_index, -1);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 0);
	assert_int_equal(fake_plat_live_routes(&f->fp), 0);
	/* Table contents survive; enabling again binds the unmasked ones at once. */
	assert_int_equal(mmio_rd(f, TBL(2, 8), 4), 0x4022);
	msix_ctrl(f, EN);
	c = fake_vfio_last_irq_call(f->d);
	assert_int_equal(c->start, 0);
	assert_int_equal(c->count, 3);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 3);
	fx_free(f);
}

static void test_msix_rewrite_updates_route_in_place(void **state)
{
	struct fx *f = vf_up();
	const struct fake_irqfd *q;
	const struct fake_route *r;
	unsigned int allocs;
	int gsi;

	(void)state;
	linux_msix_up(f, 1);
	q = vec_irqfd(f, MSIX_IDX, 0);
	gsi = q->gsi;
	allocs = f->fp.route_allocs;
	/* Rewritten while unmasked: the route follows each write. */
	mmio_wr(f, TBL(0, PCI_MSIX_ENTRY_DATA), 4, 0x4099);
	r = fake_plat_route(&f->fp, gsi);
	assert_int_equal(r->data, 0x4099);
	mmio_wr(f, TBL(0, PCI_MSIX_ENTRY_LOWER_ADDR), 4, MSI_ADDR | 0x3000);
	assert_int_equal(r->addr, MSI_ADDR | 0x3000);
	assert_int_equal(f->fp.route_allocs, allocs);
	assert_non_null(vec_irqfd(f, MSIX_IDX, 0));
	assert_int_equal(vec_irqfd(f, MSIX_IDX, 0)->gsi, gsi);
	/* Rewritten while masked: applied on unmask, still in place. */
	entry_mask(f, 0, true);
	unsigned int updates = r->updates;
	entry_set(f, 0, MSI_ADDR | 0x5000, 0x40aa);
	assert_int_equal(r->updates, updates);
	entry_mask(f, 0, false);
	assert_int_equal(r->addr, MSI_ADDR | 0x5000);
	assert_int_equal(r->data, 0x40aa);
	assert_int_equal(f->fp.route_allocs, allocs);
	fx_free(f);
}

static void test_msix_bad_address_not_routed(void **state)
{
	struct fx *f = vf_up();

	(void)state;
	msix_ctrl(f, EN);
	entry_set(f, 0, 0x12345000, 0x4020); /* not an MSI address */
	entry_mask(f, 0, false);
	assert_true(fake_vfio_efd(f->d, MSIX_IDX, 0) >= 0);
	assert_null(vec_irqfd(f, MSIX_IDX, 0));
	assert_int_equal(fake_plat_live_routes(&f->fp), 0);
	fake_vfio_fire(f->d, MSIX_IDX, 0);
	assert_int_equal(mmio_rd(f, PBA, 4), 1); /* pending, like a masked vector */
	mmio_wr(f, TBL(0, 0), 4, MSI_ADDR);
	assert_non_null(vec_irqfd(f, MSIX_IDX, 0));
	assert_int_equal(fake_plat_live_routes(&f->fp), 1);
	fx_free(f);
}

static void test_msix_bad_accesses_ignored(void **state)
{
	struct fx *f = vf_up();
	u8 buf[16];

	(void)state;
	msix_ctrl(f, EN | MASKALL);
	entry_set(f, 0, MSI_ADDR | 0x1000, 0x4021);
	/* 1 and 2 bytes, unaligned 4, unaligned 8: reads all-ones, writes dropped. */
	assert_int_equal(mmio_rd(f, TBL(0, 0), 1), 0xff);
	assert_int_equal(mmio_rd(f, TBL(0, 2), 2), 0xffff);
	assert_int_equal(mmio_rd(f, TBL(0, 2), 4), 0xffffffff);
	assert_int_equal(mmio_rd(f, TBL(0, 4), 8), ~0ULL);
	mmio_wr(f, TBL(0, 0), 1, 0);
	mmio_wr(f, TBL(0, 0), 2, 0);
	mmio_wr(f, TBL(0, 1), 4, 0);
	mmio_wr(f, TBL(0, 4), 8, 0);
	mmio_wr(f, TBL(0, 12), 1, 0); /* a byte write cannot unmask */
	mmio_wr(f, TBL(0, 12), 2, 0);
	/* 16 bytes at once (SSE), straight to the trap. */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(fake_plat_access(&f->fp, false, TBL(0, 0), buf, 16, true), 0);
	assert_int_equal(fake_plat_access(&f->fp, false, TBL(0, 0), buf, 16, false), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xff);
	assert_int_equal(mmio_rd(f, TBL(0, 0), 4), MSI_ADDR | 0x1000);
	assert_int_equal(mmio_rd(f, TBL(0, 8), 4), 0x4021);
	assert_int_equal(mmio_rd(f, TBL(0, 12), 4), 1);
	assert_int_equal(f->d->nr_irq_calls, 0);
	fx_free(f);
}

static void test_msix_entry_past_table(void **state)
{
	struct fx *f = vf_up();
	unsigned int accesses;

	(void)state;
	msix_ctrl(f, EN);
	/* Entry N (one past the device's table) is plain BAR space: forwarded,
	 * never a vector. */
	mmio_wr(f, TBL(VF_NVEC, 12), 4, 0);
	assert_int_equal(f->d->last_bar.region, 3);
	assert_int_equal(f->d->last_bar.off, 16 * VF_NVEC + 12);
	(void)mmio_rd(f, TBL(VF_NVEC, 0), 8);
	assert_int_equal(f->d->nr_irq_calls, 0);
	fx_free(f);

	/* The device's table is larger than VFIO offers: entries past the
	 * emulated ones read all-ones and go nowhere. */
	f = fx_new();
	fx_vf(f);
	put_le16(f->d->cfg + VF_MSIX + PCI_MSIX_FLAGS, 7); /* 8 entries */
	assert_int_equal(fx_create(f), 0);
	fx_program(f);
	assert_int_equal(cfg_rd(f, VF_MSIX + PCI_MSIX_FLAGS, 2), VF_NVEC - 1);
	msix_ctrl(f, EN);
	accesses = f->d->bar_accesses;
	for (u32 i = VF_NVEC; i < 8; i++) {
		mmio_wr(f, TBL(i, 12), 4, 0);
		assert_int_equal(mmio_rd(f, TBL(i, 0), 4), 0xffffffff);
		assert_int_equal(mmio_rd(f, TBL(i, 8), 8), ~0ULL);
	}
	assert_int_equal(f->d->bar_accesses, accesses);
	assert_int_equal(f->d->nr_irq_calls, 0);
	fx_free(f);
}

static void test_pba_read_only(void **state)
{
	struct fx *f = vf_up();
	unsigned int accesses;

	(void)state;
	linux_msix_up(f, 1);
	entry_mask(f, 0, true);
	fake_vfio_fire(f->d, MSIX_IDX, 0);
	accesses = f->d->bar_accesses;
	mmio_wr(f, PBA, 8, 0);
	mmio_wr(f, PBA, 4, 0xffffffff);
	mmio_wr(f, PBA + 4, 4, 0xffffffff);
	assert_int_equal(mmio_rd(f, PBA, 8), 1);
	assert_int_equal(mmio_rd(f, PBA, 1), 0xff); /* bad size */
	assert_int_equal(f->d->bar_accesses, accesses);
	/* Past the PBA: plain BAR space, forwarded. */
	mmio_wr(f, PBA + 8, 4, 0x1234);
	assert_int_equal(f->d->last_bar.off, VF_PBA_OFF + 8);
	assert_int_equal(get_le32(f->d->regions[3].mem + VF_PBA_OFF + 8), 0x1234);
	assert_int_equal(mmio_rd(f, PBA, 8), 1);
	struct vfio_pci_stats s;
	vfio_pci_get_stats(f->v, &s);
	assert_true(s.msix_pba >= 6);
	fx_free(f);
}

static void test_msix_table_size_2048(void **state)
{
	struct fx *f = fx_new();
	struct vfio_dev *d = f->d;
	const struct fake_irq_call *c;
	const u64 bar = BAR0_GPA, pba = bar + 0x8000;

	(void)state;
	fake_vfio_bar(d, 0, MEM64, 64 * KiB, RW_MMAP);
	fake_vfio_cap(d, 0x40, PCI_CAP_ID_MSIX);
	put_le16(d->cfg + 0x40 + PCI_MSIX_FLAGS, 2047);
	put_le32(d->cfg + 0x40 + PCI_MSIX_TABLE, 0);
	put_le32(d->cfg + 0x40 + PCI_MSIX_PBA, 0x8000);
	fake_vfio_irq(d, MSIX_IDX, 2048, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	assert_int_equal(fx_create(f), 0);
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)bar);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(cfg_rd(f, 0x40 + PCI_MSIX_FLAGS, 2), 2047);
	/* 32 KiB of table and the PBA page trapped, the rest mapped. */
	assert_non_null(fake_plat_trap_at(&f->fp, false, bar, 0x9000));
	assert_non_null(fake_plat_map_at(&f->fp, bar + 0x9000, 0x7000));

	cfg_wr(f, 0x40 + PCI_MSIX_FLAGS, 2, EN);
	mmio_wr(f, bar + 2047 * 16, 4, MSI_ADDR);
	mmio_wr(f, bar + 2047 * 16 + 8, 4, 0x4055);
	assert_int_equal(mmio_rd(f, bar + 2047 * 16 + 8, 4), 0x4055);
	mmio_wr(f, bar + 2047 * 16 + 12, 4, 0);
	c = fake_vfio_last_irq_call(d);
	assert_int_equal(c->start, 0);
	assert_int_equal(c->count, 2048);
	assert_true(fake_vfio_efd(d, MSIX_IDX, 2047) >= 0);
	assert_non_null(vec_irqfd(f, MSIX_IDX, 2047));
	/* "Entry 2048" is the PBA: read-only. */
	mmio_wr(f, bar + 2048 * 16 + 12, 4, 0);
	mmio_wr(f, bar + 2047 * 16 + 12, 4, 1);
	fake_vfio_fire(d, MSIX_IDX, 2047);
	assert_int_equal(mmio_rd(f, pba + 31 * 8, 8), 1ULL << 63);
	assert_int_equal(mmio_rd(f, pba + 31 * 8 + 4, 4), 1u << 31);
	fx_free(f);

	/* The same capability in a BAR too small for it: the table size shrinks. */
	f = fx_new();
	d = f->d;
	fake_vfio_bar(d, 0, MEM64, 16 * KiB, RW_MMAP);
	fake_vfio_cap(d, 0x40, PCI_CAP_ID_MSIX);
	put_le16(d->cfg + 0x40 + PCI_MSIX_FLAGS, 2047);
	put_le32(d->cfg + 0x40 + PCI_MSIX_TABLE, 0);
	put_le32(d->cfg + 0x40 + PCI_MSIX_PBA, 0x3f00);
	fake_vfio_irq(d, MSIX_IDX, 2048, VFIO_IRQ_INFO_EVENTFD);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, 0x40 + PCI_MSIX_FLAGS, 2), 0x3ef);
	fx_free(f);

	/* Table outside its BAR: MSI-X hidden. */
	f = fx_new();
	d = f->d;
	fake_vfio_bar(d, 0, MEM64, 16 * KiB, RW_MMAP);
	fake_vfio_cap(d, 0x40, PCI_CAP_ID_MSIX);
	put_le32(d->cfg + 0x40 + PCI_MSIX_TABLE, 0x4000);
	put_le32(d->cfg + 0x40 + PCI_MSIX_PBA, 0x3000);
	fake_vfio_irq(d, MSIX_IDX, 1, VFIO_IRQ_INFO_EVENTFD);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_CAPABILITY_LIST, 1), 0);
	fx_free(f);
}

static void test_decode_toggles_with_live_msix(void **state)
{
	struct fx *f = vf_up();
	unsigned int calls;

	(void)state;
	linux_msix_up(f, 2);
	calls = f->d->nr_irq_calls;
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	assert_int_equal(fake_plat_live_maps(&f->fp), 0);
	assert_int_equal(fake_plat_live_traps(&f->fp), 0);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 2); /* vectors survive */
	u8 b[4];
	assert_int_equal(fake_plat_access(&f->fp, false, TBL(0, 0), b, 4, false), -ENOENT);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_false(fake_plat_mapped(&f->fp, BAR3_GPA, 0x1000));
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR3_GPA, 0x1000));
	assert_int_equal(mmio_rd(f, TBL(1, 8), 4), 0x4021);
	/* Bus master off and on. */
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(get_le16(f->d->cfg + PCI_COMMAND) & PCI_COMMAND_MASTER, 0);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 2);
	assert_int_equal(f->d->nr_irq_calls, calls);
	/* Moving the BAR moves the table trap; the guest cannot get it mapped. */
	cfg_wr(f, PCI_BASE_ADDRESS_3, 4, (u32)BAR3_GPA + 0x10000);
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR3_GPA + 0x10000, 0x1000));
	assert_false(fake_plat_mapped(&f->fp, BAR3_GPA + 0x10000, 0x1000));
	assert_false(fake_plat_mapped(&f->fp, BAR3_GPA + 0x12000, 0x1000));
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 2);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_msix_enable_unmask_binds_and_routes),
	    cmocka_unit_test(test_msix_vector_mask_detaches_irqfd),
	    cmocka_unit_test(test_msix_function_mask),
	    cmocka_unit_test(test_msix_growth_noresize_and_dynamic),
	    cmocka_unit_test(test_msix_disable_tears_down),
	    cmocka_unit_test(test_msix_rewrite_updates_route_in_place),
	    cmocka_unit_test(test_msix_bad_address_not_routed),
	    cmocka_unit_test(test_msix_bad_accesses_ignored),
	    cmocka_unit_test(test_msix_entry_past_table),
	    cmocka_unit_test(test_pba_read_only),
	    cmocka_unit_test(test_msix_table_size_2048),
	    cmocka_unit_test(test_decode_toggles_with_live_msix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
