// SPDX-License-Identifier: MIT
/*
 * test_vfio_pci.c - the VFIO PCI device model: life cycle (reset, failures),
 * the capability walk, config accesses at every edge, pass-through and
 * read-only registers. BARs are in test_vfio_pci_bar.c, MSI-X in
 * test_vfio_pci_msix.c, MSI/INTx/teardown in test_vfio_pci_irq.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/capture.h"
#include "tests/vfio_pci_fixture.h"

/* ---- life cycle ---- */

static void test_create_reads_ids(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	f->d->cfg[PCI_HEADER_TYPE] = 0x80; /* multi-function */
	f->d->cfg[PCI_BIST] = 0x80;
	f->d->cfg[PCI_INTERRUPT_PIN] = 1; /* but VFIO offers no INTx */
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_VENDOR_ID, 2), 0x8086);
	assert_int_equal(cfg_rd(f, PCI_DEVICE_ID, 2), 0x10ca);
	assert_int_equal(cfg_rd(f, PCI_CLASS_REVISION, 4), 0x02000001);
	assert_int_equal(cfg_rd(f, PCI_SUBSYSTEM_VENDOR_ID, 4), 0xa02c8086);
	assert_int_equal(cfg_rd(f, PCI_HEADER_TYPE, 1), 0);
	assert_int_equal(cfg_rd(f, PCI_BIST, 1), 0);
	assert_int_equal(cfg_rd(f, PCI_INTERRUPT_PIN, 1), 0);
	assert_int_equal(cfg_rd(f, PCI_COMMAND, 2), 0);
	/* Nothing is in the guest before the BARs are programmed. */
	assert_int_equal(fake_plat_live_maps(&f->fp), 0);
	assert_int_equal(fake_plat_live_traps(&f->fp), 0);
	fx_destroy(f);
	fx_free(f);
}

/* A device VFIO cannot reset (no VFIO_DEVICE_FLAGS_RESET) still works: it is said once. */
static void test_no_reset_flag_tolerated(void **state)
{
	struct fx *f = fx_new();
	char err[512];

	(void)state;
	fx_vf(f);
	f->d->dev_flags &= ~(u32)VFIO_DEVICE_FLAGS_RESET;
	capture_begin();
	assert_int_equal(fx_create(f), 0);
	capture_end(err, sizeof(err), NULL, 0);
	assert_non_null(strstr(err, "VFIO cannot reset the device"));
	assert_int_equal(cfg_rd(f, PCI_VENDOR_ID, 2), 0x8086);
	fx_destroy(f);
	fx_free(f);
}

static void expect_create_fails(struct fx *f, int err)
{
	assert_int_equal(fx_create(f), err);
	assert_null(f->v);
	assert_int_equal(f->d->mmaps, f->d->munmaps);
	assert_int_equal(fake_plat_live_maps(&f->fp), 0);
	assert_int_equal(fake_plat_live_traps(&f->fp), 0);
	assert_int_equal(f->d->irq_index, -1);
	fx_free(f);
}

static void test_create_failures(void **state)
{
	struct fx *f;

	(void)state;
	f = fx_new();
	fx_vf(f);
	f->d->dev_flags = VFIO_DEVICE_FLAGS_PLATFORM;
	expect_create_fails(f, -ENODEV);

	f = fx_new();
	fx_vf(f);
	f->d->fail_device_info = true;
	expect_create_fails(f, -EIO);

	f = fx_new();
	fx_vf(f);
	f->d->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_BRIDGE;
	expect_create_fails(f, -ENOTSUP);

	f = fx_new();
	fx_vf(f);
	f->d->fail_cfg_read = true;
	expect_create_fails(f, -EIO);

	f = fx_new();
	fx_vf(f);
	put_le16(f->d->cfg + PCI_VENDOR_ID, 0xffff);
	expect_create_fails(f, -EIO);

	f = fx_new();
	fx_vf(f);
	f->d->regions[VFIO_PCI_CONFIG_REGION_INDEX].info.size = 64;
	expect_create_fails(f, -EIO);
}

/* ---- capabilities ---- */

static void test_cap_chain_rebuilt(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	f->d->cfg[VF_VPD + 2] = 0x12;
	assert_int_equal(fx_create(f), 0);
	assert_true(cfg_rd(f, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	assert_int_equal(cfg_rd(f, PCI_CAPABILITY_LIST, 1), VF_PM);
	assert_int_equal(cfg_rd(f, VF_PM, 2), (VF_MSIX << 8) | PCI_CAP_ID_PM);
	assert_int_equal(cfg_rd(f, VF_MSIX, 2), (VF_EXP << 8) | PCI_CAP_ID_MSIX);
	assert_int_equal(cfg_rd(f, VF_EXP, 2), PCI_CAP_ID_EXP);
	assert_int_equal(cfg_rd(f, VF_VPD, 4), 0); /* hidden */
	/* PM: no PME support advertised; MSI-X: table size and location. */
	assert_int_equal(cfg_rd(f, VF_PM + PCI_PM_PMC, 2), 0x0003);
	assert_int_equal(cfg_rd(f, VF_MSIX + PCI_MSIX_FLAGS, 2), VF_NVEC - 1);
	assert_int_equal(cfg_rd(f, VF_MSIX + PCI_MSIX_TABLE, 4), 3);
	assert_int_equal(cfg_rd(f, VF_MSIX + PCI_MSIX_PBA, 4), VF_PBA_OFF | 3);
	/* PCI Express body is live from the device. */
	assert_int_equal(cfg_rd(f, VF_EXP + PCI_EXP_FLAGS, 2), 0x0002);
	put_le16(f->d->cfg + VF_EXP + PCI_EXP_DEVSTA, 0x0010);
	assert_int_equal(cfg_rd(f, VF_EXP + PCI_EXP_DEVSTA, 2), 0x0010);
	fx_free(f);
}

static void test_cap_walk_loop(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	f->d->cfg[VF_EXP + PCI_CAP_LIST_NEXT] = VF_PM; /* back to the start */
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, VF_PM + 1, 1), VF_MSIX);
	assert_int_equal(cfg_rd(f, VF_MSIX + 1, 1), VF_EXP);
	assert_int_equal(cfg_rd(f, VF_EXP + 1, 1), 0);
	fx_free(f);

	/* A capability pointing at itself. */
	f = fx_new();
	fx_vf(f);
	f->d->cfg[VF_PM + PCI_CAP_LIST_NEXT] = VF_PM;
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_CAPABILITY_LIST, 1), VF_PM);
	assert_int_equal(cfg_rd(f, VF_PM + 1, 1), 0);
	fx_free(f);
}

static void test_cap_walk_bad_pointers(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	f->d->cfg[VF_PM + PCI_CAP_LIST_NEXT] = 0x20; /* into the header */
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_CAPABILITY_LIST, 1), VF_PM);
	assert_int_equal(cfg_rd(f, VF_PM + 1, 1), 0);
	/* The unreachable MSI-X is not emulated: the PBA page is not cut out of
	 * the sparse area, and the table page (outside it) goes to the device. */
	fx_program(f);
	assert_non_null(fake_plat_map_at(&f->fp, BAR3_GPA + 0x1000, 0x3000));
	mmio_wr(f, BAR3_GPA + 0xc, 4, 0);
	assert_int_equal(f->d->last_bar.region, 3);
	assert_int_equal(f->d->last_bar.off, 0xc);
	fx_free(f);

	f = fx_new();
	fx_vf(f);
	f->d->cfg[VF_PM + PCI_CAP_LIST_NEXT] = VF_MSIX + 2; /* misaligned */
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, VF_PM + 1, 1), 0);
	fx_free(f);

	f = fx_new();
	fx_vf(f);
	f->d->cfg[PCI_CAPABILITY_LIST] = 0x3c; /* the first pointer already bad */
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_CAPABILITY_LIST, 1), 0);
	assert_int_equal(cfg_rd(f, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, 0);
	fx_free(f);

	/* Capability-list bit clear: the pointer is not followed. */
	f = fx_new();
	fx_vf(f);
	put_le16(f->d->cfg + PCI_STATUS, 0);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_CAPABILITY_LIST, 1), 0);
	fx_free(f);
}

static void test_cap_overflow_and_duplicates_hidden(void **state)
{
	struct fx *f = fx_new();
	struct vfio_dev *d = f->d;

	(void)state;
	fx_vf(f);
	d->cfg[VF_EXP + PCI_CAP_LIST_NEXT] = 0;
	fake_vfio_cap(d, 0xe0, PCI_CAP_ID_PM);	/* duplicate */
	fake_vfio_cap(d, 0xf8, PCI_CAP_ID_MSI); /* 64-bit + mask: past 0x100 */
	put_le16(d->cfg + 0xf8 + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, VF_EXP + 1, 1), 0);
	assert_int_equal(cfg_rd(f, 0xe0, 2), 0);
	assert_int_equal(cfg_rd(f, 0xf8, 2), 0);
	fx_free(f);
}

/* ---- config accesses at the edges ---- */

static void test_cfg_boundaries(void **state)
{
	struct fx *f = fx_new();
	struct vfio_dev *d = f->d;
	u8 b[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
	unsigned int writes;

	(void)state;
	fx_vf(f);
	memset(d->cfg_wmask + 0xf0, 0xff, 0x10);
	memcpy(d->cfg + 0xfc, "\xaa\xbb\xcc\xdd", 4);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, 0xfc, 4), 0xddccbbaa);

	f->dev->ops->cfg_write(f->dev, 63, 3, b, 4); /* 0xff, 4 bytes: only 0xff */
	assert_int_equal(cfg_rd(f, 0xfc, 4), 0x11ccbbaa);
	assert_int_equal(d->cfg[0x100], 0);
	assert_int_equal(d->cfg_writes[d->nr_cfg_writes - 1].off, 0xff);
	assert_int_equal(d->cfg_writes[d->nr_cfg_writes - 1].len, 1);
	f->dev->ops->cfg_write(f->dev, 63, 2, b, 2);
	f->dev->ops->cfg_write(f->dev, 63, 1, b, 4);
	assert_int_equal(cfg_rd(f, 0xfc, 4), 0x332211aa);
	f->dev->ops->cfg_write(f->dev, 63, 0, b, 4);
	assert_int_equal(cfg_rd(f, 0xfc, 4), 0x44332211);

	/* Extended config space: reads 0, writes go nowhere. */
	writes = d->nr_cfg_writes;
	for (unsigned int reg = 64; reg < 1024; reg += 97)
		assert_int_equal(f->dev->ops->cfg_read(f->dev, (u16)reg), 0);
	assert_int_equal(f->dev->ops->cfg_read(f->dev, 1023), 0);
	assert_int_equal(f->dev->ops->cfg_read(f->dev, 0xffff), 0);
	f->dev->ops->cfg_write(f->dev, 64, 0, b, 4);
	f->dev->ops->cfg_write(f->dev, 1023, 3, b, 4);
	f->dev->ops->cfg_write(f->dev, 0xffff, 3, b, 4);
	/* Malformed: offset past the dword, odd lengths. */
	f->dev->ops->cfg_write(f->dev, 0x3f, 4, b, 1);
	f->dev->ops->cfg_write(f->dev, 0x3f, 0xff, b, 4);
	f->dev->ops->cfg_write(f->dev, 0x3f, 0, b, 3);
	f->dev->ops->cfg_write(f->dev, 0x3f, 0, b, 0);
	f->dev->ops->cfg_write(f->dev, 0x3f, 0, b, 8);
	assert_int_equal(d->nr_cfg_writes, writes);
	assert_int_equal(cfg_rd(f, 0xfc, 4), 0x44332211);
	fx_free(f);
}

static void test_cfg_straddling_writes(void **state)
{
	struct fx *f = fx_new();
	u8 b[4];

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	/* Device ID (read-only) and command in one 4-byte write at 0x02. */
	memcpy(b, "\xff\xff\x06\x00", 4);
	f->dev->ops->cfg_write(f->dev, 0, 2, b, 4);
	assert_int_equal(cfg_rd(f, PCI_DEVICE_ID, 2), 0x10ca);
	assert_int_equal(cfg_rd(f, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(get_le16(f->d->cfg + PCI_COMMAND),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* BAR0's upper bytes and BAR1's lower bytes in one write. */
	cfg_wr(f, PCI_BASE_ADDRESS_1, 4, 0);
	memcpy(b, "\x00\xc0\x00\x00", 4);
	f->dev->ops->cfg_write(f->dev, 4, 2, b, 4);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0xc0000004);
	assert_non_null(fake_plat_map_at(&f->fp, 0xc0000000, VF_BAR_SIZE));
	/* Interrupt line, pin, min_gnt, max_lat: only the line is writable. */
	cfg_wr(f, PCI_INTERRUPT_LINE, 4, 0xffffffff);
	assert_int_equal(cfg_rd(f, PCI_INTERRUPT_LINE, 4), 0x000000ff);
	fx_free(f);
}

static void test_cfg_read_only_fields(void **state)
{
	static const u32 ro[] = {PCI_VENDOR_ID, PCI_CLASS_REVISION, PCI_SUBSYSTEM_VENDOR_ID};
	struct fx *f = fx_new();
	u32 before[ARRAY_SIZE(ro)];

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		before[i] = cfg_rd(f, ro[i], 4);
		cfg_wr(f, ro[i], 4, 0x12345678);
		cfg_wr(f, ro[i], 2, 0);
		cfg_wr(f, ro[i] + 3, 1, 0);
		assert_int_equal(cfg_rd(f, ro[i], 4), before[i]);
		assert_int_equal(fake_vfio_cfg_writes_at(f->d, ro[i], 4), 0);
	}
	cfg_wr(f, PCI_HEADER_TYPE, 1, 0x81);
	assert_int_equal(cfg_rd(f, PCI_HEADER_TYPE, 1), 0);
	cfg_wr(f, PCI_CAPABILITY_LIST, 1, 0x80);
	assert_int_equal(cfg_rd(f, PCI_CAPABILITY_LIST, 1), VF_PM);
	cfg_wr(f, VF_MSIX + PCI_CAP_LIST_NEXT, 1, 0);
	assert_int_equal(cfg_rd(f, VF_MSIX + PCI_CAP_LIST_NEXT, 1), VF_EXP);
	cfg_wr(f, VF_MSIX + PCI_MSIX_FLAGS, 2, 0x07ff); /* table size is read-only */
	assert_int_equal(cfg_rd(f, VF_MSIX + PCI_MSIX_FLAGS, 2), VF_NVEC - 1);
	cfg_wr(f, VF_MSIX + PCI_MSIX_TABLE, 4, 0x1000);
	assert_int_equal(cfg_rd(f, VF_MSIX + PCI_MSIX_TABLE, 4), 3);
	fx_free(f);
}

static void test_cfg_status_and_passthrough(void **state)
{
	struct fx *f = fx_new();
	struct vfio_dev *d = f->d;
	const struct fake_cfg_write *w;

	(void)state;
	fx_vf(f);
	put_le16(d->cfg + PCI_STATUS, get_le16(d->cfg + PCI_STATUS) | PCI_STATUS_REC_MASTER_ABORT);
	put_le16(d->cfg_wmask + VF_EXP + PCI_EXP_DEVCTL, 0xffff);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_STATUS, 2),
			 PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_CAP_LIST);

	/* Command + status in one dword: command by read-modify-write, status
	 * error bits write-1-to-clear, nothing else sent. */
	unsigned int n = d->nr_cfg_writes;
	cfg_wr(f, PCI_COMMAND, 4, 0xffff0000 | PCI_COMMAND_MASTER);
	assert_int_equal(d->nr_cfg_writes, n + 2);
	w = &d->cfg_writes[n];
	assert_int_equal(w->off, PCI_COMMAND);
	assert_int_equal(w->len, 2);
	assert_int_equal(get_le16(w->val), PCI_COMMAND_MASTER);
	w = &d->cfg_writes[n + 1];
	assert_int_equal(w->off, PCI_STATUS + 1);
	assert_int_equal(w->len, 1);
	assert_int_equal(w->val[0], 0xf9);

	/* PCI Express Device Control: safe bits only; no FLR, no payload size. */
	cfg_wr(f, VF_EXP + PCI_EXP_DEVCTL, 2, 0xffff);
	assert_int_equal(get_le16(d->cfg + VF_EXP + PCI_EXP_DEVCTL), 0x791f);
	assert_int_equal(cfg_rd(f, VF_EXP + PCI_EXP_DEVCTL, 2), 0x791f);
	cfg_wr(f, VF_EXP + PCI_EXP_DEVCTL, 2, 0);
	assert_int_equal(get_le16(d->cfg + VF_EXP + PCI_EXP_DEVCTL), 0);
	n = d->nr_cfg_writes;
	cfg_wr(f, VF_EXP + PCI_EXP_FLAGS, 2, 0xffff);  /* read-only */
	cfg_wr(f, VF_EXP + PCI_EXP_LNKCTL, 2, 0xffff); /* not forwarded */
	assert_int_equal(d->nr_cfg_writes, n);

	/* A byte outside every capability passes through both ways. */
	cfg_wr(f, 0xe0, 1, 0x5a);
	assert_int_equal(d->nr_cfg_writes, n + 1);
	assert_int_equal(d->cfg_writes[n].off, 0xe0);
	assert_int_equal(d->cfg_writes[n].val[0], 0x5a);
	d->cfg[0xe4] = 0x77;
	assert_int_equal(cfg_rd(f, 0xe4, 1), 0x77);

	/* PM power state is the guest's alone. */
	cfg_wr(f, VF_PM + PCI_PM_CTRL, 2, 0x8103);
	assert_int_equal(cfg_rd(f, VF_PM + PCI_PM_CTRL, 2), 3);
	assert_int_equal(fake_vfio_cfg_writes_at(d, VF_PM, 8), 0);

	/* A config read that fails on the device reads all-ones for live bits. */
	d->fail_cfg_read = true;
	assert_int_equal(cfg_rd(f, VF_EXP + PCI_EXP_FLAGS, 2), 0xffff);
	assert_int_equal(cfg_rd(f, PCI_VENDOR_ID, 2), 0x8086);
	d->fail_cfg_read = false;
	fx_free(f);
}

/* Bus-master enable waits for guest RAM's DMA map; a failed map keeps it off. */
static void test_bus_master_waits_for_dma(void **state)
{
	struct fx *f = fx_new();
	struct vfio_dev *d = f->d;
	unsigned int n;

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	/* Memory decode alone does not wait. */
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(f->fp.dma_waits, 0);
	/* Bus mastering does, and is sent once the map is there. */
	n = d->nr_cfg_writes;
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(f->fp.dma_waits, 1);
	assert_int_equal(d->nr_cfg_writes, n + 1);
	assert_int_equal(get_le16(d->cfg_writes[n].val), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* A byte write to the command register counts too. */
	cfg_wr(f, PCI_COMMAND, 1, PCI_COMMAND_MASTER);
	assert_int_equal(f->fp.dma_waits, 2);
	/* A failed map: the device never masters the bus; the rest of the write goes on. */
	cfg_wr(f, PCI_COMMAND, 2, 0);
	f->fp.fail_dma = -EIO;
	n = d->nr_cfg_writes;
	cfg_wr(f, PCI_COMMAND, 4, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(f->fp.dma_waits, 3);
	assert_int_equal(cfg_rd(f, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	assert_true(d->nr_cfg_writes > n);
	assert_int_equal(get_le16(d->cfg_writes[n].val) & PCI_COMMAND_MASTER, 0);
	assert_int_equal(get_le16(d->cfg + PCI_COMMAND) & PCI_COMMAND_MASTER, 0);
	fx_free(f);
}

static void test_stats(void **state)
{
	struct fx *f = fx_new();
	struct vfio_pci_stats s;

	(void)state;
	fake_vfio_bar(f->d, 1, MEM32, 0x1000, RW);
	assert_int_equal(fx_create(f), 0);
	cfg_wr(f, PCI_BASE_ADDRESS_1, 4, (u32)BAR0_GPA);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	(void)cfg_rd(f, PCI_VENDOR_ID, 4);
	(void)mmio_rd(f, BAR0_GPA, 4);
	vfio_pci_get_stats(f->v, &s);
	assert_int_equal(s.cfg_writes, 2);
	assert_int_equal(s.cfg_reads, 1);
	assert_int_equal(s.bar_traps, 1);
	assert_int_equal(s.msix_table, 0);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_reads_ids),
	    cmocka_unit_test(test_no_reset_flag_tolerated),
	    cmocka_unit_test(test_create_failures),
	    cmocka_unit_test(test_cap_chain_rebuilt),
	    cmocka_unit_test(test_cap_walk_loop),
	    cmocka_unit_test(test_cap_walk_bad_pointers),
	    cmocka_unit_test(test_cap_overflow_and_duplicates_hidden),
	    cmocka_unit_test(test_cfg_boundaries),
	    cmocka_unit_test(test_cfg_straddling_writes),
	    cmocka_unit_test(test_cfg_read_only_fields),
	    cmocka_unit_test(test_cfg_status_and_passthrough),
	    cmocka_unit_test(test_bus_master_waits_for_dma),
	    cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
