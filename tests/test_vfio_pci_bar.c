// SPDX-License-Identifier: MIT
/*
 * test_vfio_pci_bar.c - BARs of the VFIO PCI device model: sizing (32-bit,
 * 64-bit, I/O, ROM), decode gating, moves, refused places (RAM, APICs,
 * another BAR, half-updated 64-bit addresses: the CVE-2020-12888 class), and
 * the mapped/trapped pieces around the MSI-X table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/vfio_pci_fixture.h"

/* ---- BAR sizing ---- */

static void test_bar_sizing_32bit(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fake_vfio_bar(f->d, 0, MEM32 | PCI_BASE_ADDRESS_MEM_PREFETCH, 64 * KiB, RW_MMAP);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0x8);
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0xffff0008);
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, 0xc000000f); /* low bits are read-only */
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0xc0000008);
	/* Unimplemented BARs size to nothing. */
	for (u32 off = PCI_BASE_ADDRESS_1; off <= PCI_BASE_ADDRESS_5; off += 4) {
		cfg_wr(f, off, 4, 0xffffffff);
		assert_int_equal(cfg_rd(f, off, 4), 0);
	}
	/* Byte writes size the same way. */
	for (u32 i = 0; i < 4; i++)
		cfg_wr(f, PCI_BASE_ADDRESS_0 + i, 1, 0xff);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0xffff0008);
	fx_free(f);
}

static void test_bar_sizing_64bit_both_halves(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fake_vfio_bar(f->d, 0, MEM64, 16 * KiB, RW_MMAP);
	fake_vfio_bar(f->d, 2, MEM64 | PCI_BASE_ADDRESS_MEM_PREFETCH, 8 * GiB, RW_MMAP);
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0x4);
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0xffffc004);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_1, 4), 0);
	cfg_wr(f, PCI_BASE_ADDRESS_1, 4, 0xffffffff);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_1, 4), 0xffffffff);
	/* 8 GiB: the low half has no address bits, the high half loses bit 0. */
	cfg_wr(f, PCI_BASE_ADDRESS_2, 4, 0xffffffff);
	cfg_wr(f, PCI_BASE_ADDRESS_3, 4, 0xffffffff);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_2, 4), 0x0000000c);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_3, 4), 0xfffffffe);
	fx_free(f);
}

static void test_bar_sizing_io_and_rom(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fake_vfio_bar(f->d, 4, PCI_BASE_ADDRESS_SPACE_IO, 32, RW);
	put_le32(f->d->cfg + PCI_ROM_ADDRESS, 0xfeb00000);
	f->d->regions[VFIO_PCI_ROM_REGION_INDEX].info.size = 64 * KiB;
	assert_int_equal(fx_create(f), 0);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_4, 4), 0x1);
	cfg_wr(f, PCI_BASE_ADDRESS_4, 4, 0xffffffff);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_4, 4), 0xffffffe1);
	/* The ROM is hidden: all-ones reads back 0, so the guest sees no ROM. */
	assert_int_equal(cfg_rd(f, PCI_ROM_ADDRESS, 4), 0);
	cfg_wr(f, PCI_ROM_ADDRESS, 4, 0xfffff801);
	assert_int_equal(cfg_rd(f, PCI_ROM_ADDRESS, 4), 0);
	cfg_wr(f, PCI_ROM_ADDRESS, 4, 0xfeb00001);
	assert_int_equal(cfg_rd(f, PCI_ROM_ADDRESS, 4), 0);
	assert_int_equal(fake_vfio_cfg_writes_at(f->d, PCI_ROM_ADDRESS, 4), 0);
	fx_free(f);
}

static void test_bar_invalid_regions_hidden(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fake_vfio_bar(f->d, 0, MEM32, 0x3000, RW_MMAP);	  /* not a power of two */
	fake_vfio_bar(f->d, 1, MEM32, 4 * GiB, RW);	  /* 32-bit over 2 GiB */
	fake_vfio_bar(f->d, 5, MEM64, 16 * KiB, RW_MMAP); /* 64-bit in the last slot */
	fake_vfio_bar(f->d, 2, MEM32, 8, RW);		  /* smaller than 16: rounded up */
	assert_int_equal(fx_create(f), 0);
	for (u32 i = 0; i < 6; i++)
		cfg_wr(f, PCI_BASE_ADDRESS_0 + 4 * i, 4, 0xffffffff);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_1, 4), 0);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_5, 4), 0);
	assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_2, 4), 0xfffffff0);
	/* The padding above the 8-byte region reads all-ones and goes nowhere. */
	cfg_wr(f, PCI_BASE_ADDRESS_2, 4, (u32)BAR0_GPA);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR0_GPA, 16));
	f->d->regions[2].mem[4] = 0x77;
	assert_int_equal(mmio_rd(f, BAR0_GPA + 4, 1), 0x77);
	assert_int_equal(mmio_rd(f, BAR0_GPA + 8, 4), 0xffffffff);
	mmio_wr(f, BAR0_GPA + 12, 4, 0);
	assert_int_equal(f->d->bar_accesses, 1);
	fx_free(f);
}

/* ---- decode gating and moves ---- */

static void test_memory_decode_gates_mapping(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)BAR0_GPA);
	cfg_wr(f, PCI_BASE_ADDRESS_3, 4, (u32)BAR3_GPA);
	assert_int_equal(fake_plat_live_maps(&f->fp), 0);
	assert_int_equal(fake_plat_live_traps(&f->fp), 0);

	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(cfg_rd(f, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(get_le16(f->d->cfg + PCI_COMMAND),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	const struct fake_map *m = fake_plat_map_at(&f->fp, BAR0_GPA, VF_BAR_SIZE);
	assert_non_null(m);
	assert_ptr_equal(m->hva, f->d->regions[0].mem);

	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	assert_int_equal(fake_plat_live_maps(&f->fp), 0);
	assert_int_equal(fake_plat_live_traps(&f->fp), 0);
	assert_int_equal(get_le16(f->d->cfg + PCI_COMMAND), PCI_COMMAND_MASTER);

	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_non_null(fake_plat_map_at(&f->fp, BAR0_GPA, VF_BAR_SIZE));
	/* No I/O BAR: the I/O decode bit is read-only 0 and maps nothing. */
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	assert_int_equal(cfg_rd(f, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	/* mmaps are made once, not per placement. */
	assert_int_equal(f->d->mmaps, 3);
	fx_free(f);
}

static void test_bar_move_remaps(void **state)
{
	struct fx *f = fx_new();
	const u64 to = BAR0_GPA + 0x100000;

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	fx_program(f);
	assert_non_null(fake_plat_map_at(&f->fp, BAR0_GPA, VF_BAR_SIZE));
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)to);
	assert_false(fake_plat_mapped(&f->fp, BAR0_GPA, VF_BAR_SIZE));
	assert_non_null(fake_plat_map_at(&f->fp, to, VF_BAR_SIZE));
	/* Into the 64-bit window, low half first. */
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, 0);
	assert_false(fake_plat_mapped(&f->fp, to, VF_BAR_SIZE));
	cfg_wr(f, PCI_BASE_ADDRESS_1, 4, (u32)(PCI_MMIO64_BASE >> 32));
	assert_non_null(fake_plat_map_at(&f->fp, PCI_MMIO64_BASE, VF_BAR_SIZE));
	/* BAR3 moves with its trapped table page and mapped pieces. */
	cfg_wr(f, PCI_BASE_ADDRESS_3, 4, (u32)BAR0_GPA);
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR0_GPA, 0x1000));
	assert_null(fake_plat_trap_at(&f->fp, false, BAR3_GPA, 0x1000));
	assert_int_equal(fake_plat_live_maps(&f->fp), 3);
	fx_free(f);
}

static void test_bar_half_updated_64bit_never_maps_garbage(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	fx_program(f);
	/* Sizing with decode on, one half at a time. */
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, 0xffffffff); /* 0x00000000_ffffc000 */
	assert_false(fake_plat_mapped(&f->fp, BAR0_GPA, VF_BAR_SIZE));
	assert_false(fake_plat_mapped(&f->fp, 0xffffc000, VF_BAR_SIZE));
	assert_int_equal(fake_plat_live_maps(&f->fp), 2); /* BAR3's two pieces */
	cfg_wr(f, PCI_BASE_ADDRESS_1, 4, 0xffffffff);	  /* 0xffffffff_ffffc000: wraps */
	assert_int_equal(fake_plat_live_maps(&f->fp), 2);
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)BAR0_GPA); /* 0xffffffff_c0000000 */
	assert_int_equal(fake_plat_live_maps(&f->fp), 2);
	cfg_wr(f, PCI_BASE_ADDRESS_1, 4, 0);
	assert_non_null(fake_plat_map_at(&f->fp, BAR0_GPA, VF_BAR_SIZE));
	assert_int_equal(fake_plat_live_maps(&f->fp), 3);
	fx_free(f);
}

static void test_bar_refused_over_ram_and_apics(void **state)
{
	static const u64 bad[] = {0x10000000, 0xa0000,	      LAPIC_GPA,
				  IOAPIC_GPA, PCI_MMIO32_END, 0xfffff000};
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned int calls = f->fp.bar_ok_calls;

		cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)bad[i]);
		assert_true(f->fp.bar_ok_calls > calls);
		assert_int_equal(fake_plat_live_maps(&f->fp), 0);
		assert_int_equal(fake_plat_live_traps(&f->fp), 0);
	}
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)BAR0_GPA);
	assert_non_null(fake_plat_map_at(&f->fp, BAR0_GPA, VF_BAR_SIZE));
	fx_free(f);
}

static void test_bar_over_another_bar_refused(void **state)
{
	struct fx *f = fx_new();
	const u64 away = BAR0_GPA + 0x100000;

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	fx_program(f);
	cfg_wr(f, PCI_BASE_ADDRESS_3, 4, (u32)BAR0_GPA); /* onto BAR0 */
	assert_non_null(fake_plat_map_at(&f->fp, BAR0_GPA, VF_BAR_SIZE));
	assert_int_equal(fake_plat_live_maps(&f->fp), 1);
	assert_int_equal(fake_plat_live_traps(&f->fp), 0);
	/* BAR0 leaves: BAR3 gets its place. */
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)away);
	assert_non_null(fake_plat_map_at(&f->fp, away, VF_BAR_SIZE));
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR0_GPA, 0x1000));
	assert_non_null(fake_plat_map_at(&f->fp, BAR0_GPA + 0x3000, 0x1000));
	/* BAR0 comes back over BAR3: refused, BAR3 stays. */
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)BAR0_GPA);
	assert_null(fake_plat_map_at(&f->fp, BAR0_GPA, VF_BAR_SIZE));
	assert_false(fake_plat_mapped(&f->fp, away, VF_BAR_SIZE));
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR0_GPA, 0x1000));
	assert_int_equal(fake_plat_live_maps(&f->fp), 2);
	fx_free(f);
}

/* ---- pieces: mapped vs trapped ---- */

static void test_msix_pages_trapped_rest_mapped(void **state)
{
	struct fx *f = fx_new();
	const struct fake_map *m;

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	fx_program(f);
	/* BAR3: table page trapped, PBA page trapped (the kernel's sparse area
	 * includes it), the rest mapped. */
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR3_GPA, 0x1000));
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR3_GPA + 0x2000, 0x1000));
	m = fake_plat_map_at(&f->fp, BAR3_GPA + 0x1000, 0x1000);
	assert_non_null(m);
	assert_ptr_equal(m->hva, f->d->regions[3].mem + 0x1000);
	assert_non_null(fake_plat_map_at(&f->fp, BAR3_GPA + 0x3000, 0x1000));
	assert_false(fake_plat_mapped(&f->fp, BAR3_GPA, 0x1000));
	assert_false(fake_plat_mapped(&f->fp, BAR3_GPA + 0x2000, 0x1000));
	assert_int_equal(fake_plat_live_maps(&f->fp), 3);
	assert_int_equal(fake_plat_live_traps(&f->fp), 2);
	fx_free(f);
}

/* NVMe-style: registers, table and PBA share BAR0; no sparse info. */
static void test_shared_bar_split_around_table(void **state)
{
	struct fx *f = fx_new();
	struct vfio_dev *d = f->d;

	(void)state;
	fake_vfio_bar(d, 0, MEM64, 16 * KiB, RW_MMAP);
	fake_vfio_cap(d, 0x50, PCI_CAP_ID_MSIX);
	put_le16(d->cfg + 0x50 + PCI_MSIX_FLAGS, 31);	  /* 32 vectors */
	put_le32(d->cfg + 0x50 + PCI_MSIX_TABLE, 0x2000); /* BAR0 */
	put_le32(d->cfg + 0x50 + PCI_MSIX_PBA, 0x2800);
	fake_vfio_irq(d, VFIO_PCI_MSIX_IRQ_INDEX, 32, VFIO_IRQ_INFO_EVENTFD);
	assert_int_equal(fx_create(f), 0);
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)BAR0_GPA);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_non_null(fake_plat_map_at(&f->fp, BAR0_GPA, 0x2000)); /* doorbells etc. */
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR0_GPA + 0x2000, 0x1000));
	assert_non_null(fake_plat_map_at(&f->fp, BAR0_GPA + 0x3000, 0x1000));
	/* A register on the trapped page, outside table and PBA, reaches the device. */
	mmio_wr(f, BAR0_GPA + 0x2f00, 4, 0xabcd1234);
	assert_int_equal(get_le32(d->regions[0].mem + 0x2f00), 0xabcd1234);
	d->regions[0].mem[0x2f10] = 0x5a;
	assert_int_equal(mmio_rd(f, BAR0_GPA + 0x2f10, 1), 0x5a);
	fx_free(f);
}

static void test_small_and_unmappable_bars_trapped(void **state)
{
	struct fx *f = fx_new();
	struct vfio_dev *d = f->d;

	(void)state;
	fake_vfio_bar(d, 0, MEM32, 256, RW_MMAP); /* under a page */
	fake_vfio_bar(d, 1, MEM32, 0x1000, RW);	  /* no mmap */
	fake_vfio_bar(d, 2, PCI_BASE_ADDRESS_SPACE_IO, 32, RW);
	assert_int_equal(fx_create(f), 0);
	cfg_wr(f, PCI_BASE_ADDRESS_0, 4, (u32)BAR0_GPA + 0x1000);
	cfg_wr(f, PCI_BASE_ADDRESS_1, 4, (u32)BAR0_GPA + 0x2000);
	cfg_wr(f, PCI_BASE_ADDRESS_2, 4, 0xc000);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(fake_plat_live_maps(&f->fp), 0);
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR0_GPA + 0x1000, 256));
	assert_non_null(fake_plat_trap_at(&f->fp, false, BAR0_GPA + 0x2000, 0x1000));
	assert_null(fake_plat_trap_at(&f->fp, true, 0xc000, 32)); /* I/O decode off */

	mmio_wr(f, BAR0_GPA + 0x1000 + 0x10, 4, 0x11223344);
	assert_int_equal(get_le32(d->regions[0].mem + 0x10), 0x11223344);
	mmio_wr(f, BAR0_GPA + 0x2000 + 0x40, 8, 0x0102030405060708ULL);
	assert_int_equal(d->last_bar.region, 1);
	assert_int_equal(d->last_bar.off, 0x40);
	assert_int_equal(get_le64(d->regions[1].mem + 0x40), 0x0102030405060708ULL);
	d->regions[1].mem[0xfff] = 0x99;
	assert_int_equal(mmio_rd(f, BAR0_GPA + 0x2fff, 1), 0x99);

	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	assert_int_equal(get_le16(d->cfg + PCI_COMMAND), PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	assert_non_null(fake_plat_trap_at(&f->fp, true, 0xc000, 32));
	u8 b = 0x42;
	assert_int_equal(fake_plat_access(&f->fp, true, 0xc005, &b, 1, true), 0);
	assert_int_equal(d->regions[2].mem[5], 0x42);
	/* I/O BAR refused outside the I/O window. */
	cfg_wr(f, PCI_BASE_ADDRESS_2, 4, 0x100);
	assert_int_equal(fake_plat_live_traps(&f->fp), 2);
	fx_free(f);
}

static void test_device_errors_on_trapped_access(void **state)
{
	struct fx *f = fx_new();
	struct vfio_dev *d = f->d;

	(void)state;
	fake_vfio_bar(d, 1, MEM32, 0x1000, VFIO_REGION_INFO_FLAG_READ); /* read-only region */
	assert_int_equal(fx_create(f), 0);
	cfg_wr(f, PCI_BASE_ADDRESS_1, 4, (u32)BAR0_GPA);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	mmio_wr(f, BAR0_GPA, 4, 0xdeadbeef); /* the device refuses: dropped */
	assert_int_equal(get_le32(d->regions[1].mem), 0);
	d->regions[1].info.flags = 0; /* now reads fail too: all-ones */
	assert_int_equal(mmio_rd(f, BAR0_GPA, 4), 0xffffffff);
	fx_free(f);
}

static void test_mmap_failure_falls_back_to_trap(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	f->d->fail_mmap = true;
	assert_int_equal(fx_create(f), 0);
	fx_program(f);
	assert_int_equal(fake_plat_live_maps(&f->fp), 0);
	mmio_wr(f, BAR0_GPA + 0x3000, 4, 7);
	assert_int_equal(get_le32(f->d->regions[0].mem + 0x3000), 7);
	mmio_wr(f, BAR3_GPA + 0x1000, 4, 9);
	assert_int_equal(get_le32(f->d->regions[3].mem + 0x1000), 9);
	fx_free(f);
}

static void test_map_failure_leaves_bar_unplaced(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_vf(f);
	assert_int_equal(fx_create(f), 0);
	f->fp.fail_map = -ENOMEM;
	fx_program(f);
	/* Nothing half-placed: BAR3's traps were rolled back too. */
	assert_int_equal(fake_plat_live_maps(&f->fp), 0);
	assert_int_equal(fake_plat_live_traps(&f->fp), 0);
	f->fp.fail_map = 0;
	cfg_wr(f, PCI_COMMAND, 2, 0);
	cfg_wr(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(fake_plat_live_maps(&f->fp), 3);
	assert_int_equal(fake_plat_live_traps(&f->fp), 2);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bar_sizing_32bit),
	    cmocka_unit_test(test_bar_sizing_64bit_both_halves),
	    cmocka_unit_test(test_bar_sizing_io_and_rom),
	    cmocka_unit_test(test_bar_invalid_regions_hidden),
	    cmocka_unit_test(test_memory_decode_gates_mapping),
	    cmocka_unit_test(test_bar_move_remaps),
	    cmocka_unit_test(test_bar_half_updated_64bit_never_maps_garbage),
	    cmocka_unit_test(test_bar_refused_over_ram_and_apics),
	    cmocka_unit_test(test_bar_over_another_bar_refused),
	    cmocka_unit_test(test_msix_pages_trapped_rest_mapped),
	    cmocka_unit_test(test_shared_bar_split_around_table),
	    cmocka_unit_test(test_small_and_unmappable_bars_trapped),
	    cmocka_unit_test(test_device_errors_on_trapped_access),
	    cmocka_unit_test(test_mmap_failure_falls_back_to_trap),
	    cmocka_unit_test(test_map_failure_leaves_bar_unplaced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
