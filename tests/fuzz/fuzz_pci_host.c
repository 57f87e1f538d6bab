// SPDX-License-Identifier: MIT
/*
 * fuzz_pci_host.c - the PCI host bridge (devices/pci_host.c) behind x86's
 * ports 0xcf8-0xcff (devices/x86/pci_cf8.c) and a PCIe ECAM window
 * (devices/pci_ecam.c). The input places up to four functions with BARs of
 * every kind (32/64-bit memory, 32/16-bit I/O, or a register that reads a
 * fixed value) in slots, runs the BIOS-style BAR assignment over default or
 * random windows, then makes configuration accesses of every width at
 * every offset of both mechanisms.
 *
 * Checked: a function only ever sees a dword index below 64 and an access
 * of 1, 2 or 4 bytes inside one dword; a read fills exactly the bytes asked
 * for; the host bridge's IDs never change; every data access is counted
 * once; and each BAR assigned is naturally aligned, inside its window and,
 * with the default windows, overlaps no other.
 */
#include <linux/pci_regs.h>

#include "tests/fuzz/fuzz.h"

#include "arch/layout.h"
#include "devices/pci_ecam.h"
#include "devices/pci_host.h"
#include "devices/x86/pci_cf8.h"

#define NR_FAKES  4
#define CFG_DW	  64
#define MAX_STEPS 2048
#define BAR0	  (PCI_BASE_ADDRESS_0 / 4)

enum kind { B_NONE, B_MEM32, B_MEM64, B_MEM64_HI, B_IO, B_IO16, B_RAW, B_KINDS };

struct fake {
	struct device dev;
	u32 cfg[CFG_DW];
	enum kind kind[6];
	u64 size[6]; /* B_MEM64: the whole size, on the low BAR */
	bool raw;    /* some BAR does not size like hardware: no address checks */
	bool added;
};

static u32 bar_value(const struct fake *f, unsigned int i, u32 v)
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
	case B_IO16:
		return (v & 0xffffu & ~(u32)(f->size[i] - 1) & ~0x3u) | PCI_BASE_ADDRESS_SPACE_IO;
	case B_RAW:
		return (u32)f->size[i];
	default:
		return 0;
	}
}

static u32 fake_read(struct device *d, u16 reg)
{
	struct fake *f = d->priv;

	FUZZ_CHECK(reg < CFG_DW);
	if (reg >= BAR0 && reg < BAR0 + 6)
		return bar_value(f, reg - BAR0, f->cfg[reg]);
	return f->cfg[reg];
}

static void fake_write(struct device *d, u16 reg, u8 off, const void *data, u32 len)
{
	struct fake *f = d->priv;
	u8 b[4];

	FUZZ_CHECK(reg < CFG_DW);
	FUZZ_CHECK(len == 1 || len == 2 || len == 4);
	FUZZ_CHECK(off + len <= 4);
	put_le32(b, f->cfg[reg]);
	memcpy(b + off, data, len);
	f->cfg[reg] = get_le32(b);
}

static const struct dev_ops fake_ops = {
    .cfg_read = fake_read,
    .cfg_write = fake_write,
};

static void fake_init(struct fake *f, struct fz *in)
{
	u8 hdr = fz_u8(in) % 4 == 0 ? fz_u8(in) : 0;

	memset(f, 0, sizeof(*f));
	f->dev = (struct device){.name = "fuzz", .ops = &fake_ops, .priv = f};
	f->cfg[0] = 0x12345678;
	f->cfg[PCI_HEADER_TYPE / 4] = (u32)hdr << 16;
	for (unsigned int i = 0; i < 6; i++) {
		u8 k = fz_u8(in), e = fz_u8(in);

		f->kind[i] = (enum kind)(k % B_KINDS);
		switch (f->kind[i]) {
		case B_MEM64_HI: /* only after B_MEM64 */
			f->kind[i] = B_NONE;
			break;
		case B_MEM64:
			if (i == 5) {
				f->kind[i] = B_MEM32;
				f->size[i] = 1ULL << (4 + e % 28);
				break;
			}
			f->size[i] = 1ULL << (4 + e % 44);
			f->kind[i + 1] = B_MEM64_HI;
			i++;
			fz_u8(in);
			fz_u8(in);
			break;
		case B_MEM32:
			f->size[i] = 1ULL << (4 + e % 28);
			break;
		case B_IO:
			f->size[i] = 1ULL << (2 + e % 30);
			break;
		case B_IO16:
			f->size[i] = 1ULL << (2 + e % 14);
			break;
		case B_RAW:
			f->size[i] = fz_u32(in);
			f->raw = true;
			break;
		default:
			break;
		}
	}
}

struct placed {
	u64 addr, end;
	bool io;
};

/* The BARs of f as the assignment left them: aligned and in their windows. */
static unsigned int check_bars(const struct fake *f, const struct pci_windows *w,
			       struct placed *out)
{
	u8 hdr = (u8)((f->cfg[PCI_HEADER_TYPE / 4] >> 16) & 0x7f);
	unsigned int nbars = hdr == PCI_HEADER_TYPE_NORMAL   ? 6
			     : hdr == PCI_HEADER_TYPE_BRIDGE ? 2
							     : 0;
	unsigned int n = 0;

	for (unsigned int i = 0; i < nbars; i++) {
		u64 size = f->size[i], addr, align;
		bool in;

		if (f->kind[i] == B_NONE || f->kind[i] == B_MEM64_HI)
			continue;
		if (f->kind[i] == B_MEM64 && i + 1 >= nbars)
			continue; /* a 64-bit BAR in the last slot: left alone */
		addr = bar_value(f, i, f->cfg[BAR0 + i]) & ~0xfULL;
		if (f->kind[i] == B_IO || f->kind[i] == B_IO16) {
			addr = bar_value(f, i, f->cfg[BAR0 + i]) & ~0x3ULL;
			align = MAX(size, 4);
			in = addr >= w->io_base && addr + size <= w->io_end;
		} else {
			if (f->kind[i] == B_MEM64)
				addr |= (u64)bar_value(f, i + 1, f->cfg[BAR0 + i + 1]) << 32;
			align = MAX(size, GUEST_PAGE_SIZE);
			in = (addr >= w->mmio32_base && addr + size <= w->mmio32_end) ||
			     (f->kind[i] == B_MEM64 && addr >= w->mmio64_base &&
			      addr + size <= w->mmio64_end);
		}
		FUZZ_CHECK(addr % align == 0);
		FUZZ_CHECK(in);
		out[n++] =
		    (struct placed){addr, addr + align, f->kind[i] == B_IO || f->kind[i] == B_IO16};
		if (f->kind[i] == B_MEM64)
			i++;
	}
	return n;
}

static void assign(struct pci_host *h, struct fake *fakes, struct fz *in)
{
	struct pci_windows w = PCI_WINDOWS_DEFAULT;
	bool def = fz_u8(in) % 4 != 0;
	struct placed p[NR_FAKES * 6];
	unsigned int n = 0;

	if (!def) {
		u64 m32 = fz_u32(in), m32_len = fz_u32(in), io = fz_u16(in), io_len = fz_u16(in);

		w.mmio32_base = m32;
		w.mmio32_end = MIN(m32 + m32_len, 4 * GiB); /* 32-bit BARs */
		w.mmio64_base = fz_u64(in);
		w.mmio64_end = fz_u64(in);
		w.io_base = io;
		w.io_end = MIN(io + io_len, 0x10000ULL); /* x86 has 64 KiB of ports */
	}
	if (pci_host_assign_bars(h, &w) < 0)
		return;
	for (unsigned int k = 0; k < NR_FAKES; k++)
		if (fakes[k].added && !fakes[k].raw)
			n += check_bars(&fakes[k], &w, p + n);
	for (unsigned int a = 0; def && a < n; a++)
		for (unsigned int b = a + 1; b < n; b++)
			FUZZ_CHECK(p[a].io != p[b].io || p[a].end <= p[b].addr ||
				   p[b].end <= p[a].addr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 lens[] = {1, 2, 4, 3, 8, 0};
	static struct fake fakes[NR_FAKES];
	struct fz in = fz_init(data, size);
	struct pci_host_stats st;
	struct pci_host *h;
	struct pci_cf8 *cf8;
	struct pci_ecam *ecam;
	struct device *cd, *ed;
	u64 accesses = 0;
	unsigned int nfakes = fz_u8(&in) % (NR_FAKES + 1);

	fuzz_quiet_logs();
	if (pci_host_create(&h) < 0)
		return 0;
	if (pci_cf8_create(&cf8, h) < 0 || pci_ecam_create(&ecam, h) < 0)
		abort();
	cd = pci_cf8_device(cf8);
	ed = pci_ecam_device(ecam);
	for (unsigned int k = 0; k < NR_FAKES; k++) {
		fakes[k].added = false;
		if (k >= nfakes)
			continue;
		fake_init(&fakes[k], &in);
		fakes[k].added = pci_host_add(h, fz_u8(&in) % 33, &fakes[k].dev) == 0;
	}
	assign(h, fakes, &in);

	for (unsigned int step = 0; step < MAX_STEPS && !fz_empty(&in); step++) {
		u8 op = fz_u8(&in), buf[16], addr[4];
		u32 len = FZ_PICK(&in, lens);
		bool write = op & 0x80;
		u64 off;

		memset(buf, 0xa5, sizeof(buf));
		if (write)
			fz_bytes(&in, buf, len);
		switch (op & 3) {
		case 0: /* the address register: mostly enabled, bus 0, function 0 */
			put_le32(addr, op & 0x40 ? fz_u32(&in)
						 : 0x80000000u | (fz_u8(&in) & 0x1fu) << 11 |
						       (fz_u8(&in) & 0xfcu));
			FUZZ_CHECK(cd->ops->pio(cd, 0, addr, 4, true) == 0);
			break;
		case 1: /* 0xcf8-0xd01, every width */
			off = fz_u8(&in) % 10;
			FUZZ_CHECK(cd->ops->pio(cd, off, buf, len, write) == 0);
			if (off >= 4 && off < 8 && (len == 1 || len == 2 || len == 4))
				accesses++;
			break;
		case 2: /* ECAM, mostly bus 0 */
		case 3:
			off = op & 0x40 ? fz_u32(&in) : fz_u32(&in) % PCI_ECAM_BUS_SIZE;
			FUZZ_CHECK(ed->ops->mmio(ed, off, buf, len, write) == 0);
			accesses++;
			break;
		}
		if (!write)
			for (u32 i = len; i < sizeof(buf); i++)
				FUZZ_CHECK(buf[i] == 0xa5);
		if ((op & 0x3c) == 0) { /* the host bridge's IDs, via ECAM */
			FUZZ_CHECK(ed->ops->mmio(ed, 0, buf, 4, false) == 0);
			FUZZ_CHECK(get_le32(buf) ==
				   ((u32)PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID));
			accesses++;
		}
	}
	pci_host_get_stats(h, &st);
	FUZZ_CHECK(st.cfg_reads + st.cfg_writes + st.cfg_unclaimed == accesses);
	pci_ecam_destroy(ecam);
	pci_cf8_destroy(cf8);
	pci_host_destroy(h);
	return 0;
}
