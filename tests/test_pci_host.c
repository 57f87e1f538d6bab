// SPDX-License-Identifier: MIT
/* test_pci_host.c - CF8/CFC decoding, the host bridge, BIOS-style BAR assignment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/pci_regs.h>
#include <string.h>

#include "devices/pci_host.h"
#include "devices/pci_ecam.h"
#include "devices/x86/pci_cf8.h"

#define CFG_DWORDS 64
#define BAR0	   (PCI_BASE_ADDRESS_0 / 4)
#define ROM_REG	   (PCI_ROM_ADDRESS / 4)
#define CMD_REG	   (PCI_COMMAND / 4)
#define DATA_OFF   4 /* 0xcfc - 0xcf8 */

enum bar_kind { B_NONE, B_MEM32, B_MEM64, B_MEM64_HI, B_IO, B_IO16, B_RAW };

/* A PCI function with a config space and BARs that size like hardware. */
struct fake {
	struct device dev;
	u32 cfg[CFG_DWORDS];
	enum bar_kind kind[6];
	u64 size[6]; /* B_MEM64: the whole 64-bit size, on the low BAR */
	u32 raw[6];  /* B_RAW: what the BAR always reads */
	unsigned int writes[CFG_DWORDS];
	u32 first_write[CFG_DWORDS]; /* the first value written to each dword */
	/* the last cfg_write */
	u16 last_reg;
	u8 last_off, last_data[4];
	u32 last_len;
	unsigned int nr_writes;
};

static u32 bar_value(struct fake *f, unsigned int i, u32 v)
{
	u64 mask;

	switch (f->kind[i]) {
	case B_MEM32:
		return (v & ~(u32)(f->size[i] - 1) & ~0xfu) | PCI_BASE_ADDRESS_MEM_TYPE_32;
	case B_MEM64:
		mask = ~(f->size[i] - 1);
		return (v & (u32)mask & ~0xfu) | PCI_BASE_ADDRESS_MEM_TYPE_64;
	case B_MEM64_HI:
		mask = ~(f->size[i - 1] - 1);
		return v & (u32)(mask >> 32);
	case B_IO:
		return (v & ~(u32)(f->size[i] - 1) & ~0x3u) | PCI_BASE_ADDRESS_SPACE_IO;
	case B_IO16: /* decodes 16 bits: the upper half reads 0 */
		return (v & 0xffffu & ~(u32)(f->size[i] - 1) & ~0x3u) | PCI_BASE_ADDRESS_SPACE_IO;
	case B_RAW:
		return f->raw[i];
	case B_NONE:
		break;
	}
	return 0;
}

static u32 fake_read(struct device *d, u16 reg)
{
	struct fake *f = d->priv;

	assert_true(reg < CFG_DWORDS);
	return f->cfg[reg];
}

static void fake_write(struct device *d, u16 reg, u8 off, const void *data, u32 len)
{
	struct fake *f = d->priv;
	u32 v;

	assert_true(reg < CFG_DWORDS);
	assert_true(off + len <= 4);
	f->last_reg = reg;
	f->last_off = off;
	f->last_len = len;
	memcpy(f->last_data, data, len);
	f->nr_writes++;
	v = f->cfg[reg];
	for (u32 i = 0; i < len; i++) {
		v &= ~(0xffu << (8 * (off + i)));
		v |= (u32)((const u8 *)data)[i] << (8 * (off + i));
	}
	if (!f->writes[reg]++)
		f->first_write[reg] = v;
	if (reg >= BAR0 && reg < BAR0 + 6)
		v = bar_value(f, reg - BAR0, v);
	f->cfg[reg] = v;
}

static const struct dev_ops fake_ops = {.cfg_read = fake_read, .cfg_write = fake_write};

static void fake_init(struct fake *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	f->dev = (struct device){.name = name, .ops = &fake_ops, .priv = f};
	f->cfg[0] = 0x10ca8086;
	f->cfg[2] = 0x02000001;
}

static void fake_bar(struct fake *f, unsigned int i, enum bar_kind k, u64 size)
{
	f->kind[i] = k;
	f->size[i] = size;
	if (k == B_MEM64)
		f->kind[i + 1] = B_MEM64_HI;
	f->cfg[BAR0 + i] = bar_value(f, i, 0);
	if (k == B_MEM64)
		f->cfg[BAR0 + i + 1] = 0;
}

/* ---- port helpers ---- */

static struct pci_host *h;
static struct pci_cf8 *cf8_dev;
static struct device *port;

static int setup(void **state UNUSED)
{
	if (pci_host_create(&h) < 0 || pci_cf8_create(&cf8_dev, h) < 0)
		return -1;
	port = pci_cf8_device(cf8_dev);
	return 0;
}

static int teardown(void **state UNUSED)
{
	pci_cf8_destroy(cf8_dev);
	pci_host_destroy(h);
	return 0;
}

static void cf8(u32 v)
{
	u8 b[4];

	put_le32(b, v);
	assert_int_equal(port->ops->pio(port, 0, b, 4, true), 0);
}

static u32 addr(unsigned int bus, unsigned int slot, unsigned int fn, unsigned int reg)
{
	return 1u << 31 | bus << 16 | slot << 11 | fn << 8 | (reg & 0xfc);
}

/* Read len bytes at port 0xcf8 + off. */
static u32 in(u64 off, u32 len)
{
	u8 b[4] = {0x5a, 0x5a, 0x5a, 0x5a};
	u32 v = 0;

	assert_int_equal(port->ops->pio(port, off, b, len, false), 0);
	for (u32 i = 0; i < len; i++)
		v |= (u32)b[i] << (8 * i);
	return v;
}

static void out(u64 off, u32 len, u32 v)
{
	u8 b[4];

	put_le32(b, v);
	assert_int_equal(port->ops->pio(port, off, b, len, true), 0);
}

/* ---- decoding ---- */

static void test_address_register(void **state UNUSED)
{
	cf8(0x80001234);
	assert_int_equal(in(0, 4), 0x80001234);
	cf8(0x8000ab07); /* bits 1:0 read as 0 */
	assert_int_equal(in(0, 4), 0x8000ab04);
	/* Byte and word accesses to 0xcf8-0xcfb are not the address register. */
	assert_int_equal(in(0, 1), 0xff);
	assert_int_equal(in(1, 1), 0xff);
	assert_int_equal(in(2, 2), 0xffff);
	{
		u8 q[8] = {0};

		/* An 8-byte access (not a port size): all-ones, nothing else. */
		assert_int_equal(port->ops->pio(port, 0, q, 8, false), 0);
		assert_int_equal(get_le64(q), ~0ULL);
		assert_int_equal(port->ops->pio(port, DATA_OFF, q, 8, false), 0);
		assert_int_equal(get_le64(q), ~0ULL);
	}
	out(1, 1, 0x06); /* the 0xcf9 reset register of some chipsets: ignored */
	out(0, 2, 0x0000);
	assert_int_equal(in(0, 4), 0x8000ab04);
}

static void test_host_bridge(void **state UNUSED)
{
	struct device *b = pci_host_slot(h, 0);

	assert_non_null(b);
	cf8(addr(0, 0, 0, PCI_VENDOR_ID));
	assert_int_equal(in(DATA_OFF, 4), (u32)PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID);
	assert_int_equal(in(DATA_OFF, 2), PCI_HOST_VENDOR_ID);
	assert_int_equal(in(DATA_OFF + 2, 2), PCI_HOST_DEVICE_ID);
	assert_int_equal(in(DATA_OFF + 1, 1), PCI_HOST_VENDOR_ID >> 8);
	cf8(addr(0, 0, 0, PCI_CLASS_REVISION));
	assert_int_equal(in(DATA_OFF, 4), (u32)PCI_HOST_CLASS << 8);
	assert_int_equal(in(DATA_OFF + 3, 1), 0x06); /* base class: bridge */
	assert_int_equal(in(DATA_OFF + 2, 1), 0x00); /* subclass: host */
	cf8(addr(0, 0, 0, PCI_HEADER_TYPE));
	assert_int_equal(in(DATA_OFF + 2, 1), 0); /* header type 0, single function */
	/* Read-only, and no BARs: a sizing write reads back 0. */
	cf8(addr(0, 0, 0, PCI_BASE_ADDRESS_0));
	out(DATA_OFF, 4, 0xffffffff);
	assert_int_equal(in(DATA_OFF, 4), 0);
	cf8(addr(0, 0, 0, PCI_VENDOR_ID));
	out(DATA_OFF, 4, 0);
	assert_int_equal(in(DATA_OFF, 2), PCI_HOST_VENDOR_ID);
}

/* Hotplug: a slot filled and emptied while the "guest" reads it. */
static void test_hotplug_add_remove(void **state UNUSED)
{
	struct fake f, g;

	fake_init(&f, "fake");
	fake_init(&g, "other");
	f.cfg[0] = 0x10ca8086;
	cf8(addr(0, 6, 0, 0));
	assert_int_equal(in(DATA_OFF, 4), 0xffffffff);
	assert_int_equal(pci_host_add(h, 6, &f.dev), 0);
	assert_int_equal(in(DATA_OFF, 4), 0x10ca8086);
	assert_ptr_equal(pci_host_slot(h, 6), &f.dev);
	/* Only the device in the slot can be removed, and not twice. */
	assert_int_equal(pci_host_remove(h, 6, &g.dev), -ENOENT);
	assert_int_equal(pci_host_remove(h, 7, &f.dev), -ENOENT);
	assert_int_equal(pci_host_remove(h, 0, &f.dev), -EINVAL);
	assert_int_equal(pci_host_remove(h, 32, &f.dev), -EINVAL);
	assert_int_equal(pci_host_remove(h, 6, NULL), -ENOENT);
	assert_int_equal(pci_host_remove(h, 6, &f.dev), 0);
	assert_int_equal(pci_host_remove(h, 6, &f.dev), -ENOENT);
	assert_null(pci_host_slot(h, 6));
	assert_int_equal(in(DATA_OFF, 4), 0xffffffff);
	/* The slot takes another device afterwards. */
	assert_int_equal(pci_host_add(h, 6, &g.dev), 0);
	assert_int_equal(pci_host_remove(h, 6, &g.dev), 0);
}

static void test_data_port_offsets(void **state UNUSED)
{
	struct fake f;

	fake_init(&f, "fake");
	f.cfg[0x40 / 4] = 0x44332211;
	assert_int_equal(pci_host_add(h, 2, &f.dev), 0);
	cf8(addr(0, 2, 0, 0x40));
	assert_int_equal(in(DATA_OFF, 4), 0x44332211);
	assert_int_equal(in(DATA_OFF + 0, 1), 0x11);
	assert_int_equal(in(DATA_OFF + 1, 1), 0x22);
	assert_int_equal(in(DATA_OFF + 2, 1), 0x33);
	assert_int_equal(in(DATA_OFF + 3, 1), 0x44);
	assert_int_equal(in(DATA_OFF + 0, 2), 0x2211);
	assert_int_equal(in(DATA_OFF + 1, 2), 0x3322);
	assert_int_equal(in(DATA_OFF + 2, 2), 0x4433);
	/* The register bits of CF8 pick the dword: 0x42 is still dword 0x40. */
	cf8(addr(0, 2, 0, 0x42));
	assert_int_equal(in(DATA_OFF, 4), 0x44332211);

	/* Writes reach cfg_write with the dword index, byte offset and length. */
	cf8(addr(0, 2, 0, 0x40));
	for (u32 off = 0; off < 4; off++) {
		out(DATA_OFF + off, 1, 0xa0 + off);
		assert_int_equal(f.last_reg, 0x40 / 4);
		assert_int_equal(f.last_off, off);
		assert_int_equal(f.last_len, 1);
		assert_int_equal(f.last_data[0], 0xa0 + off);
	}
	assert_int_equal(f.cfg[0x40 / 4], 0xa3a2a1a0);
	out(DATA_OFF + 2, 2, 0xbeef);
	assert_int_equal(f.last_off, 2);
	assert_int_equal(f.last_len, 2);
	assert_int_equal(f.cfg[0x40 / 4], 0xbeefa1a0);
	out(DATA_OFF, 4, 0x12345678);
	assert_int_equal(f.cfg[0x40 / 4], 0x12345678);
	/* The last dword of the 256-byte space is reachable (reg 63). */
	cf8(addr(0, 2, 0, 0xfc));
	out(DATA_OFF, 4, 0xcafef00d);
	assert_int_equal(f.last_reg, 63);
}

static void test_past_cff(void **state UNUSED)
{
	struct fake f;
	unsigned int before;

	fake_init(&f, "fake");
	f.cfg[0x40 / 4] = 0x44332211;
	assert_int_equal(pci_host_add(h, 3, &f.dev), 0);
	cf8(addr(0, 3, 0, 0x40));
	before = f.nr_writes;
	/* 4 bytes at 0xcfd-0xcff and 2 bytes at 0xcff run past the port: ignored. */
	assert_int_equal(in(DATA_OFF + 3, 4), 0xffffffff);
	assert_int_equal(in(DATA_OFF + 2, 4), 0xffffffff);
	assert_int_equal(in(DATA_OFF + 1, 4), 0xffffffff);
	assert_int_equal(in(DATA_OFF + 3, 2), 0xffff);
	out(DATA_OFF + 3, 4, 0);
	out(DATA_OFF + 3, 2, 0);
	out(DATA_OFF + 1, 4, 0);
	assert_int_equal(f.nr_writes, before);
	assert_int_equal(f.cfg[0x40 / 4], 0x44332211);
	/* One byte at 0xcff is fine. */
	assert_int_equal(in(DATA_OFF + 3, 1), 0x44);
}

static void test_absent_functions(void **state UNUSED)
{
	struct fake f;
	struct pci_host_stats s0, s1;

	fake_init(&f, "fake");
	assert_int_equal(pci_host_add(h, 4, &f.dev), 0);
	pci_host_get_stats(h, &s0);
	/* Enable bit clear. */
	cf8(addr(0, 4, 0, 0) & ~(1u << 31));
	assert_int_equal(in(DATA_OFF, 4), 0xffffffff);
	assert_int_equal(in(DATA_OFF, 2), 0xffff);
	assert_int_equal(in(DATA_OFF + 3, 1), 0xff);
	out(DATA_OFF, 4, 0);
	/* Bus 1, function 1, extended register bits, an empty slot. */
	cf8(addr(1, 4, 0, 0));
	assert_int_equal(in(DATA_OFF, 4), 0xffffffff);
	out(DATA_OFF, 4, 0);
	cf8(addr(0, 4, 1, 0));
	assert_int_equal(in(DATA_OFF, 4), 0xffffffff);
	out(DATA_OFF, 4, 0);
	cf8(addr(0, 4, 7, 0));
	assert_int_equal(in(DATA_OFF, 4), 0xffffffff);
	cf8(addr(0, 4, 0, 0) | 1u << 24);
	assert_int_equal(in(DATA_OFF, 4), 0xffffffff);
	out(DATA_OFF, 4, 0);
	cf8(addr(0, 5, 0, 0));
	assert_int_equal(in(DATA_OFF, 4), 0xffffffff);
	out(DATA_OFF, 4, 0); /* dropped, nothing to crash on */
	cf8(addr(0, 31, 0, 0));
	assert_int_equal(in(DATA_OFF, 4), 0xffffffff);
	assert_int_equal(f.nr_writes, 0);
	pci_host_get_stats(h, &s1);
	assert_int_equal(s1.cfg_reads, s0.cfg_reads);
	assert_int_equal(s1.cfg_writes, s0.cfg_writes);
	assert_int_equal(s1.cfg_unclaimed, s0.cfg_unclaimed + 14);
	/* The real function is there all along. */
	cf8(addr(0, 4, 0, 0));
	assert_int_equal(in(DATA_OFF, 4), 0x10ca8086);
	out(DATA_OFF + 0x4 - 4, 1, 0);
	pci_host_get_stats(h, &s0);
	assert_int_equal(s0.cfg_reads, s1.cfg_reads + 1);
	assert_int_equal(s0.cfg_writes, s1.cfg_writes + 1);
}

static void test_add_errors(void **state UNUSED)
{
	static const struct dev_ops no_cfg = {0};
	struct device bare = {.name = "bare", .ops = &no_cfg};
	struct fake f, g;

	fake_init(&f, "f");
	fake_init(&g, "g");
	assert_int_equal(pci_host_add(h, 0, &f.dev), -EINVAL);
	assert_int_equal(pci_host_add(h, 32, &f.dev), -EINVAL);
	assert_int_equal(pci_host_add(h, 6, &bare), -EINVAL);
	assert_int_equal(pci_host_add(h, 6, NULL), -EINVAL);
	assert_int_equal(pci_host_add(h, 6, &f.dev), 0);
	assert_int_equal(pci_host_add(h, 6, &g.dev), -EEXIST);
	assert_ptr_equal(pci_host_slot(h, 6), &f.dev);
	assert_null(pci_host_slot(h, 7));
	assert_null(pci_host_slot(h, 32));
}

/* ---- BAR assignment ---- */

static void bridge_and(struct pci_host *hh, unsigned int slot, struct fake *f)
{
	assert_int_equal(pci_host_add(hh, slot, &f->dev), 0);
}

static u64 bar64(const struct fake *f, unsigned int i)
{
	return (u64)f->cfg[BAR0 + i + 1] << 32 | (f->cfg[BAR0 + i] & ~0xfu);
}

/* Two devices whose every BAR kind and placement rule shows. */
static void two_devices(struct fake *a, struct fake *b)
{
	fake_init(a, "a");
	fake_bar(a, 0, B_MEM32, 16 * KiB);
	fake_bar(a, 2, B_MEM64, 1 * MiB);
	fake_bar(a, 4, B_IO, 32);
	fake_init(b, "b");
	fake_bar(b, 0, B_MEM64, 512 * MiB); /* >= 256 MiB: the 64-bit window */
	fake_bar(b, 2, B_MEM32, 4 * KiB);
	fake_bar(b, 3, B_MEM32, 64); /* smaller than a page: own page */
	fake_bar(b, 4, B_IO16, 256);
	b->cfg[ROM_REG] = 0;
}

static void check_two(const struct fake *a, const struct fake *b)
{
	assert_int_equal(a->cfg[BAR0 + 0], 0xc0000000);
	assert_int_equal(a->cfg[BAR0 + 1], 0); /* not implemented */
	assert_int_equal(bar64(a, 2), 0xc0100000ULL);
	assert_int_equal(a->cfg[BAR0 + 2] & 0xf, PCI_BASE_ADDRESS_MEM_TYPE_64);
	assert_int_equal(a->cfg[BAR0 + 4], 0xc000 | PCI_BASE_ADDRESS_SPACE_IO);
	assert_int_equal(bar64(b, 0), PCI_MMIO64_BASE);
	assert_int_equal(b->cfg[BAR0 + 2], 0xc0200000);
	assert_int_equal(b->cfg[BAR0 + 3], 0xc0201000);
	assert_int_equal(b->cfg[BAR0 + 4], 0xc100 | PCI_BASE_ADDRESS_SPACE_IO);
}

static void test_assign_bars(void **state UNUSED)
{
	struct pci_windows w = PCI_WINDOWS_DEFAULT;
	struct pci_host *hh;
	struct fake a, b;

	two_devices(&a, &b);
	assert_int_equal(pci_host_create(&hh), 0);
	bridge_and(hh, 1, &a);
	bridge_and(hh, 3, &b);
	assert_int_equal(pci_host_assign_bars(hh, &w), 0);
	check_two(&a, &b);
	/* Sized the BIOS way: all-ones first, then the address. */
	assert_int_equal(a.first_write[BAR0], 0xffffffff);
	assert_int_equal(a.writes[BAR0], 2);
	assert_int_equal(a.first_write[BAR0 + 3], 0xffffffff); /* the upper half too */
	assert_int_equal(a.writes[BAR0 + 3], 2);
	assert_int_equal(a.writes[BAR0 + 1], 1); /* unimplemented: sized, left alone */
	/* Nothing else: no decode enable, no ROM BAR. */
	assert_int_equal(a.writes[CMD_REG], 0);
	assert_int_equal(b.writes[CMD_REG], 0);
	assert_int_equal(a.writes[ROM_REG], 0);
	assert_int_equal(b.writes[ROM_REG], 0);
	assert_int_equal(b.cfg[ROM_REG], 0);
	pci_host_destroy(hh);
}

static void test_assign_deterministic(void **state UNUSED)
{
	struct pci_windows w = PCI_WINDOWS_DEFAULT;
	struct pci_host *hh;
	struct fake a, b;

	/* Added in the other order: slot order decides, not add order. */
	two_devices(&a, &b);
	assert_int_equal(pci_host_create(&hh), 0);
	bridge_and(hh, 3, &b);
	bridge_and(hh, 1, &a);
	assert_int_equal(pci_host_assign_bars(hh, &w), 0);
	check_two(&a, &b);
	/* Again on the same devices (now holding addresses): the same result. */
	assert_int_equal(pci_host_assign_bars(hh, &w), 0);
	check_two(&a, &b);
	pci_host_destroy(hh);
}

static void test_assign_alignment(void **state UNUSED)
{
	struct pci_windows w = PCI_WINDOWS_DEFAULT;
	static const u64 sizes[] = {4 * KiB, 2 * MiB, 16 * KiB, 128 * KiB, 8 * KiB, 64 * MiB};
	struct pci_host *hh;
	struct fake f[3];

	assert_int_equal(pci_host_create(&hh), 0);
	for (unsigned int d = 0; d < 3; d++) {
		fake_init(&f[d], "f");
		fake_bar(&f[d], 0, B_MEM32, sizes[2 * d]);
		fake_bar(&f[d], 2, B_MEM64, sizes[2 * d + 1]);
		bridge_and(hh, d + 1, &f[d]);
	}
	assert_int_equal(pci_host_assign_bars(hh, &w), 0);
	for (unsigned int d = 0; d < 3; d++) {
		u64 a0 = f[d].cfg[BAR0] & ~0xfu, a2 = bar64(&f[d], 2);

		assert_int_equal(a0 % sizes[2 * d], 0);
		assert_int_equal(a2 % sizes[2 * d + 1], 0);
		assert_true(a0 >= PCI_MMIO32_BASE && a0 + sizes[2 * d] <= PCI_MMIO32_END);
		assert_true(a2 >= PCI_MMIO32_BASE && a2 + sizes[2 * d + 1] <= PCI_MMIO32_END);
		/* No overlap with any other BAR. */
		for (unsigned int e = 0; e < d; e++) {
			u64 b0 = f[e].cfg[BAR0] & ~0xfu, b2 = bar64(&f[e], 2);

			assert_true(a0 + sizes[2 * d] <= b0 || b0 + sizes[2 * e] <= a0);
			assert_true(a2 + sizes[2 * d + 1] <= b2 || b2 + sizes[2 * e + 1] <= a2);
		}
	}
	pci_host_destroy(hh);
}

static void test_assign_small_windows(void **state UNUSED)
{
	struct pci_windows w = {
	    .mmio32_base = 0x10000000,
	    .mmio32_end = 0x10008000, /* 32 KiB */
	    .mmio64_base = 0x4000000000ULL,
	    .mmio64_end = 0x4000100000ULL, /* 1 MiB */
	    .io_base = 0x1000,
	    .io_end = 0x1040,
	};
	struct pci_host *hh;
	struct fake a, b;

	/* A 64-bit BAR that does not fit the 32-bit window falls to the 64-bit one. */
	fake_init(&a, "a");
	fake_bar(&a, 0, B_MEM32, 16 * KiB);
	fake_bar(&a, 1, B_MEM64, 64 * KiB);
	fake_bar(&a, 3, B_IO, 64);
	assert_int_equal(pci_host_create(&hh), 0);
	bridge_and(hh, 1, &a);
	assert_int_equal(pci_host_assign_bars(hh, &w), 0);
	assert_int_equal(a.cfg[BAR0], 0x10000000);
	assert_int_equal(bar64(&a, 1), 0x4000000000ULL);
	assert_int_equal(a.cfg[BAR0 + 3], 0x1000 | PCI_BASE_ADDRESS_SPACE_IO);
	pci_host_destroy(hh);

	/* A 32-bit BAR that does not fit is an error. */
	fake_init(&b, "b");
	fake_bar(&b, 0, B_MEM32, 64 * KiB);
	assert_int_equal(pci_host_create(&hh), 0);
	bridge_and(hh, 2, &b);
	assert_int_equal(pci_host_assign_bars(hh, &w), -ENOSPC);
	pci_host_destroy(hh);

	/* So is a full I/O window, and a full 64-bit window. */
	fake_init(&b, "b");
	fake_bar(&b, 0, B_IO, 128);
	assert_int_equal(pci_host_create(&hh), 0);
	bridge_and(hh, 2, &b);
	assert_int_equal(pci_host_assign_bars(hh, &w), -ENOSPC);
	pci_host_destroy(hh);
	fake_init(&b, "b");
	fake_bar(&b, 0, B_MEM64, 2 * MiB);
	assert_int_equal(pci_host_create(&hh), 0);
	bridge_and(hh, 2, &b);
	assert_int_equal(pci_host_assign_bars(hh, &w), -ENOSPC);
	pci_host_destroy(hh);
}

static void test_assign_malformed(void **state UNUSED)
{
	struct pci_windows w = PCI_WINDOWS_DEFAULT;
	struct pci_host *hh;
	struct fake f;

	fake_init(&f, "odd");
	fake_bar(&f, 0, B_RAW, 0);
	f.raw[0] = 0xfff0f000; /* a hole in the size mask */
	fake_bar(&f, 1, B_RAW, 0);
	f.raw[1] = 0xffffffff; /* all-ones: I/O with the reserved bit set */
	fake_bar(&f, 2, B_RAW, 0);
	f.raw[2] = 0xfffff006; /* memory type 3 (reserved) */
	fake_bar(&f, 3, B_MEM32, 4 * KiB);
	fake_bar(&f, 4, B_NONE, 0);
	fake_bar(&f, 5, B_RAW, 0);
	f.raw[5] = 0xfffff004; /* 64-bit, but there is no BAR 6 for the upper half */
	assert_int_equal(pci_host_create(&hh), 0);
	bridge_and(hh, 1, &f);
	assert_int_equal(pci_host_assign_bars(hh, &w), 0);
	/* The broken ones are skipped; the good one is placed. */
	assert_int_equal(f.writes[BAR0 + 0], 1);
	assert_int_equal(f.writes[BAR0 + 1], 1);
	assert_int_equal(f.writes[BAR0 + 2], 1);
	assert_int_equal(f.writes[BAR0 + 5], 1);
	assert_int_equal(f.cfg[BAR0 + 3], 0xc0000000);
	pci_host_destroy(hh);
}

/* ---- the PCIe ECAM window: the same slots through MMIO offsets ---- */

static void test_ecam(void **state UNUSED)
{
	struct pci_ecam *e;
	struct device *d;
	struct pci_host_stats st;
	struct fake f;
	u8 b[8];
	u64 slot5 = 5ULL << 15;

	fake_init(&f, "fake");
	assert_int_equal(pci_host_add(h, 5, &f.dev), 0);
	assert_int_equal(pci_ecam_create(&e, h), 0);
	d = pci_ecam_device(e);
	/* dword 0 of 00:05.0, then its device id by itself */
	assert_int_equal(d->ops->mmio(d, slot5, b, 4, false), 0);
	assert_int_equal(get_le32(b), 0x10ca8086);
	assert_int_equal(d->ops->mmio(d, slot5 + 2, b, 2, false), 0);
	assert_int_equal(get_le16(b), 0x10ca);
	/* the host bridge at slot 0 */
	assert_int_equal(d->ops->mmio(d, 0, b, 4, false), 0);
	assert_int_equal(get_le32(b), (u32)PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID);
	/* a byte write lands at its offset in the dword */
	b[0] = 0x42;
	assert_int_equal(d->ops->mmio(d, slot5 + 0x3c + 1, b, 1, true), 0);
	assert_int_equal(f.last_reg, 0x3c / 4);
	assert_int_equal(f.last_off, 1);
	assert_int_equal(f.last_len, 1);
	/* all-ones: an empty slot, another function, extended config space, an
	 * 8-byte access, one that straddles a dword */
	pci_host_get_stats(h, &st);
	{
		const struct {
			u64 off;
			u32 len;
		} none[] = {
		    {7ULL << 15, 4}, {slot5 | 1ULL << 12, 4}, {slot5 + 0x100, 4},
		    {slot5, 8},	     {slot5 + 2, 4},	      {slot5 + 3, 2},
		};

		for (size_t i = 0; i < ARRAY_SIZE(none); i++) {
			memset(b, 0, sizeof(b));
			assert_int_equal(d->ops->mmio(d, none[i].off, b, none[i].len, false), 0);
			for (u32 k = 0; k < none[i].len; k++)
				assert_int_equal(b[k], 0xff);
		}
		assert_int_equal(f.nr_writes, 1);
		/* writes there are dropped */
		assert_int_equal(d->ops->mmio(d, slot5 + 0x100, b, 4, true), 0);
		assert_int_equal(f.nr_writes, 1);
		pci_host_get_stats(h, &st);
		assert_int_equal(st.cfg_unclaimed, ARRAY_SIZE(none) + 1);
	}
	pci_ecam_destroy(e);
	pci_ecam_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ecam, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_address_register, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_bridge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_data_port_offsets, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_past_cff, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_absent_functions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_add_errors, setup, teardown),
	    cmocka_unit_test(test_assign_bars),
	    cmocka_unit_test(test_assign_deterministic),
	    cmocka_unit_test(test_assign_alignment),
	    cmocka_unit_test(test_assign_small_windows),
	    cmocka_unit_test(test_assign_malformed),
	    cmocka_unit_test_setup_teardown(test_hotplug_add_remove, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
