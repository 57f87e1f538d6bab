// SPDX-License-Identifier: MIT
/*
 * test_vfio_pci_irq.c - MSI, INTx (trigger + resample irqfd, off while MSI-X
 * is on), failures of VFIO/routes/irqfds, MSI and MSI-X together, and
 * destroy with everything live.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/vfio_pci_fixture.h"

/* ---- MSI ---- */

static void msi_dev(struct fx *f, u16 flags)
{
	fake_vfio_bar(f->d, 0, MEM32, 16 * KiB, RW_MMAP);
	fake_vfio_cap(f->d, 0x50, PCI_CAP_ID_MSI);
	put_le16(f->d->cfg + 0x50 + PCI_MSI_FLAGS, flags);
	fake_vfio_irq(f->d, MSI_IDX, 8, VFIO_IRQ_INFO_EVENTFD);
}

static void test_msi_32bit(void **state)
{
	struct fx *f = fx_new();
	const struct fake_irq_call *c;
	const struct fake_irqfd *q;

	(void)state;
	msi_dev(f, PCI_MSI_FLAGS_QMASK); /* 32-bit, 8 messages capable */
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, 0x50 + PCI_MSI_FLAGS, 2), 0); /* one message */
	cfg_wr(f, 0x50 + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	assert_int_equal(cfg_rd(f, 0x50 + PCI_MSI_FLAGS, 2), PCI_MSI_FLAGS_ENABLE);
	c = fake_vfio_last_irq_call(f->d);
	assert_int_equal(c->index, MSI_IDX);
	assert_int_equal(c->count, 1);
	assert_null(vec_irqfd(f, MSI_IDX, 0)); /* no address yet */
	cfg_wr(f, 0x50 + PCI_MSI_ADDRESS_LO, 4, MSI_ADDR | 0x2003);
	cfg_wr(f, 0x50 + PCI_MSI_DATA_32, 2, 0x4041);
	assert_int_equal(cfg_rd(f, 0x50 + PCI_MSI_ADDRESS_LO, 4), MSI_ADDR | 0x2000);
	q = vec_irqfd(f, MSI_IDX, 0);
	assert_non_null(q);
	int gsi = q->gsi;
	assert_int_equal(fake_plat_route(&f->fp, gsi)->addr, MSI_ADDR | 0x2000);
	assert_int_equal(fake_plat_route(&f->fp, gsi)->data, 0x4041);
	cfg_wr(f, 0x50 + PCI_MSI_DATA_32, 2, 0x4042);
	assert_int_equal(fake_plat_route(&f->fp, gsi)->data, 0x4042);
	assert_int_equal(f->fp.route_allocs, 1);
	assert_int_equal(fake_vfio_cfg_writes_at(f->d, 0x50, 10), 0); /* all emulated */
	cfg_wr(f, 0x50 + PCI_MSI_FLAGS, 2, 0);
	c = fake_vfio_last_irq_call(f->d);
	assert_int_equal(c->count, 0);
	assert_int_equal(fake_plat_live_routes(&f->fp), 0);
	fx_free(f);
}

static void test_msi_64bit_maskable(void **state)
{
	struct fx *f = fx_new();
	const u32 cap = 0x50, mask = cap + PCI_MSI_MASK_64, pend = mask + 4;
	int efd;

	(void)state;
	msi_dev(f, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, cap + PCI_MSI_FLAGS, 2),
			 PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
	cfg_wr(f, cap + PCI_MSI_ADDRESS_LO, 4, MSI_ADDR);
	cfg_wr(f, cap + PCI_MSI_ADDRESS_HI, 4, 0);
	cfg_wr(f, cap + PCI_MSI_DATA_64, 2, 0x4051);
	cfg_wr(f, cap + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	efd = fake_vfio_efd(f->d, MSI_IDX, 0);
	assert_non_null(fake_plat_irqfd_of(&f->fp, efd));
	assert_int_equal(fake_plat_route(&f->fp, fake_plat_irqfd_of(&f->fp, efd)->gsi)->data,
			 0x4051);
	cfg_wr(f, mask, 4, 0xffffffff); /* one vector: only bit 0 */
	assert_int_equal(cfg_rd(f, mask, 4), 1);
	assert_null(fake_plat_irqfd_of(&f->fp, efd));
	assert_int_equal(cfg_rd(f, pend, 4), 0);
	fake_vfio_fire(f->d, MSI_IDX, 0);
	assert_int_equal(cfg_rd(f, pend, 4), 1);
	cfg_wr(f, pend, 4, 0); /* read-only */
	assert_int_equal(cfg_rd(f, pend, 4), 1);
	cfg_wr(f, mask, 4, 0);
	assert_non_null(fake_plat_irqfd_of(&f->fp, efd));
	assert_int_equal(cfg_rd(f, pend, 4), 0);
	fx_free(f);
}

/* ---- INTx ---- */

static void intx_dev(struct fx *f)
{
	fx_vf(f);
	f->d->cfg[PCI_INTERRUPT_PIN] = 2; /* INTB on the host */
	fake_vfio_irq(f->d, INTX_IDX, 1, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE);
}

static void expect_intx_live(struct fx *f)
{
	int trigger = fake_vfio_efd(f->d, INTX_IDX, 0);
	const struct fake_irqfd *q = fake_plat_irqfd_of(&f->fp, trigger);

	assert_true(trigger >= 0);
	assert_non_null(q);
	assert_int_equal(q->gsi, FX_INTX_GSI);
	assert_true(q->resample >= 0);
	assert_int_equal(f->d->intx_resample, q->resample);
}

static void test_intx_route_and_msix_switch(void **state)
{
	struct fx *f = fx_new();
	const struct fake_irq_call *c;

	(void)state;
	intx_dev(f);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_INTERRUPT_PIN, 1), 1); /* INTA in the guest */
	cfg_wr(f, PCI_INTERRUPT_LINE, 1, 11);
	assert_int_equal(cfg_rd(f, PCI_INTERRUPT_LINE, 1), 11);
	expect_intx_live(f);
	/* INTx disable goes to the device (VFIO masks INTx on it). */
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	assert_true(get_le16(f->d->cfg + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);

	fx_program(f);
	linux_msix_up(f, 1);
	/* INTx went away before MSI-X came (the fake refuses two indexes). */
	assert_int_equal(f->d->irq_index, MSIX_IDX);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 1);
	assert_non_null(vec_irqfd(f, MSIX_IDX, 0));
	c = &f->d->irq_calls[1];
	assert_int_equal(c->index, INTX_IDX);
	assert_int_equal(c->count, 0);

	msix_ctrl(f, 0);
	expect_intx_live(f);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 1);
	fx_free(f);
}

static void test_intx_failures_hide_pin(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	intx_dev(f);
	f->fp.fail_irqfd = -EINVAL;
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_INTERRUPT_PIN, 1), 0);
	assert_int_equal(f->d->irq_index, -1);
	fx_free(f);

	f = fx_new();
	intx_dev(f);
	f->d->fail_intx_unmask = true;
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_INTERRUPT_PIN, 1), 0);
	assert_int_equal(f->d->irq_index, -1);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 0);
	fx_free(f);

	/* No INTx in VFIO: no pin, nothing set up. */
	f = fx_new();
	intx_dev(f);
	f->d->irq_count[INTX_IDX] = 0;
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_INTERRUPT_PIN, 1), 0);
	assert_int_equal(f->d->nr_irq_calls, 0);
	fx_free(f);
}

/* ---- failures and conflicts ---- */

static void test_vfio_and_route_failures(void **state)
{
	struct fx *f = vf_up();

	(void)state;
	f->d->fail_set_irqs = -EINVAL;
	linux_msix_up(f, 1);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 0);
	assert_int_equal(fake_plat_live_routes(&f->fp), 0);
	f->d->fail_set_irqs = 0;
	entry_mask(f, 0, true);
	entry_mask(f, 0, false); /* the guest retries */
	assert_non_null(vec_irqfd(f, MSIX_IDX, 0));

	f->fp.fail_route = -ENOSPC;
	entry_set(f, 1, MSI_ADDR, 0x4021);
	entry_mask(f, 1, false);
	assert_true(fake_vfio_efd(f->d, MSIX_IDX, 1) >= 0);
	assert_null(vec_irqfd(f, MSIX_IDX, 1));
	f->fp.fail_route = 0;
	mmio_wr(f, TBL(1, 8), 4, 0x4022);
	assert_non_null(vec_irqfd(f, MSIX_IDX, 1));

	f->fp.fail_irqfd = -ENOMEM;
	entry_set(f, 2, MSI_ADDR, 0x4023);
	entry_mask(f, 2, false);
	assert_null(vec_irqfd(f, MSIX_IDX, 2));
	f->fp.fail_irqfd = 0;
	fx_free(f);
}

/* VFIO refuses to disable INTx: MSI-X must not be tried on top (VFIO would
 * refuse it, forever); the disable is retried at the guest's next change. */
static void test_refused_disable_is_retried(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	intx_dev(f);
	assert_int_equal(fx_create(f), 0);
	cfg_wr(f, PCI_INTERRUPT_LINE, 1, 11);
	expect_intx_live(f);
	fx_program(f);
	f->d->fail_disable = -EIO;
	linux_msix_up(f, 1);
	assert_int_equal(f->d->bad, 0); /* no second index while INTx is on */
	assert_int_equal(f->d->irq_index, INTX_IDX);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 0); /* INTx's detached too */
	assert_null(vec_irqfd(f, MSIX_IDX, 0));
	/* VFIO accepts the disable now; the guest's next control write wins. */
	f->d->fail_disable = 0;
	msix_ctrl(f, EN | MASKALL);
	msix_ctrl(f, EN);
	assert_int_equal(f->d->bad, 0);
	assert_int_equal(f->d->irq_index, MSIX_IDX);
	assert_non_null(vec_irqfd(f, MSIX_IDX, 0));
	/* And back: MSI-X's disable refused, so INTx is not enabled over it. */
	f->d->fail_disable = -EIO;
	msix_ctrl(f, 0);
	assert_int_equal(f->d->bad, 0);
	assert_int_equal(f->d->irq_index, MSIX_IDX);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 0);
	f->d->fail_disable = 0;
	msix_ctrl(f, 0); /* any later update retries */
	assert_int_equal(f->d->bad, 0);
	expect_intx_live(f);
	fx_free(f);
}

static void test_msi_and_msix_both_enabled(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	fake_vfio_cap(f->d, 0xe0, PCI_CAP_ID_MSI);
	fake_vfio_irq(f->d, MSI_IDX, 1, VFIO_IRQ_INFO_EVENTFD);
	assert_int_equal(fx_create(f), 0);
	fx_program(f);
	cfg_wr(f, 0xe0 + PCI_MSI_ADDRESS_LO, 4, MSI_ADDR);
	cfg_wr(f, 0xe0 + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	assert_int_equal(f->d->irq_index, MSI_IDX);
	linux_msix_up(f, 1); /* MSI-X wins */
	assert_int_equal(f->d->irq_index, MSIX_IDX);
	assert_int_equal(fake_plat_live_irqfds(&f->fp), 1);
	assert_non_null(vec_irqfd(f, MSIX_IDX, 0));
	msix_ctrl(f, 0); /* back to MSI */
	assert_int_equal(f->d->irq_index, MSI_IDX);
	assert_non_null(vec_irqfd(f, MSI_IDX, 0));
	fx_free(f);
}

static void test_destroy_with_everything_live(void **state)
{
	struct fx *f = vf_up();

	(void)state;
	linux_msix_up(f, 3);
	entry_mask(f, 1, true);
	assert_true(fake_plat_live_maps(&f->fp) > 0);
	fx_destroy(f); /* checks no slot, trap, route, irqfd or binding is left */
	assert_int_equal(
	    get_le16(f->d->cfg + PCI_COMMAND) & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER), 0);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_msi_32bit),
	    cmocka_unit_test(test_msi_64bit_maskable),
	    cmocka_unit_test(test_intx_route_and_msix_switch),
	    cmocka_unit_test(test_intx_failures_hide_pin),
	    cmocka_unit_test(test_vfio_and_route_failures),
	    cmocka_unit_test(test_refused_disable_is_retried),
	    cmocka_unit_test(test_msi_and_msix_both_enabled),
	    cmocka_unit_test(test_destroy_with_everything_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
