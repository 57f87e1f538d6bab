// SPDX-License-Identifier: MIT
/*
 * fuzz_vfio_pci.c - the VFIO PCI device model (devices/vfio_pci*.c) on the
 * in-memory device of tests/fake_vfio.c and the recording platform of
 * tests/fake_plat.c.
 *
 * The input's first 256 bytes become the device's own config space, so
 * vfio_pci_create() walks a random capability list and sizes random BARs;
 * the next bytes give the VFIO regions (sizes, flags, sparse mmap areas)
 * and IRQ indexes. The rest is a guest program: config reads and writes of
 * every width anywhere in the 4 KiB, BAR programming and moves, command
 * register writes, MSI and MSI-X capability writes, MSI-X table and PBA
 * accesses and other BAR accesses through the traps, device interrupts,
 * and platform or VFIO failures (VFIO refusing to bind or to disable
 * vectors, config reads, the INTx unmask; the platform refusing maps,
 * traps, routes, irqfds or DMA).
 *
 * Checked, as the unit tests do: the device never breaks the VFIO or the
 * platform protocol (fake `bad` counters stay 0), and after
 * vfio_pci_destroy() nothing is left mapped, trapped, routed, attached or
 * enabled, and every mmap has its munmap.
 */
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "tests/fuzz/fuzz.h"

#include "arch/layout.h"
#include "devices/vfio_pci.h"
#include "tests/fake_plat.h"
#include "tests/fake_vfio.h"

#define MAX_STEPS 512
#define PAGE	  4096ULL

static struct fake_plat fp;
static bool fail_bind; /* SET_IRQS refuses to bind vectors */

/*
 * The fake's SET_IRQS, made to refuse binds on demand. An MSI bind beyond
 * the vectors VFIO offers is refused as vfio-pci refuses it: the model
 * keeps a device's MSI capability without asking VFIO (vfio-pci counts MSI
 * vectors from that same capability, so on a real host they agree; here
 * the input sets them apart).
 */
static int set_irqs(struct vfio_dev *d, u32 index, u32 start, u32 count, const int *efds)
{
	if (count && index == VFIO_PCI_MSI_IRQ_INDEX && (u64)start + count > d->irq_count[index])
		return -EINVAL;
	if (fail_bind && count)
		return -ENOSPC;
	return fake_vfio_ops.set_irqs(d, index, start, count, efds);
}

static struct vfio_ops ops;

static void setup_device(struct vfio_dev *d, const u8 *cfg, struct fz *in)
{
	u8 ctl = fz_u8(in);

	memcpy(d->cfg, cfg, PCI_CFG_SPACE_SIZE);
	if (!(ctl & 1))
		d->cfg[PCI_HEADER_TYPE] &= 0x80; /* mostly an endpoint */
	if (ctl & 2) /* the device keeps what is written past the header */
		memset(d->cfg_wmask + PCI_STD_HEADER_SIZEOF, 0xff,
		       PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF);
	if (ctl & 4) /* a device VFIO cannot reset */
		d->dev_flags &= ~(u32)VFIO_DEVICE_FLAGS_RESET;
	for (unsigned int i = 0; i < 6; i++) {
		u8 code = fz_u8(in), rf = fz_u8(in);
		u64 size;
		u32 rflags = (rf & 1 ? VFIO_REGION_INFO_FLAG_READ : 0) |
			     (rf & 2 ? VFIO_REGION_INFO_FLAG_WRITE : 0) |
			     (rf & 4 ? VFIO_REGION_INFO_FLAG_MMAP : 0);

		if (!code)
			continue;
		size = 1ULL << (code % 41);
		if (code & 0x80)
			size += fz_u8(in); /* not a power of two */
		if (size > 64 * KiB && size <= FAKE_BACKING_MAX)
			size = 2 * FAKE_BACKING_MAX; /* no backing: keeps each run cheap */
		fake_vfio_bar(d, i, get_le32(cfg + PCI_BASE_ADDRESS_0 + 4 * i), size, rflags);
		for (unsigned int k = fz_u8(in) % 4; k > 0; k--) {
			u64 off = rf & 0x10 ? fz_u64(in) : (u64)fz_u8(in) * PAGE / 2;
			u64 len = rf & 0x20 ? fz_u64(in) : (u64)fz_u8(in) * PAGE / 2;

			fake_vfio_sparse(d, i, off, len);
		}
	}
	fake_vfio_irq(d, VFIO_PCI_INTX_IRQ_INDEX, ctl & 0x10 ? 1 : 0, VFIO_IRQ_INFO_EVENTFD);
	fake_vfio_irq(d, VFIO_PCI_MSI_IRQ_INDEX, ctl & 0x20 ? 1 : 0, VFIO_IRQ_INFO_EVENTFD);
	fake_vfio_irq(d, VFIO_PCI_MSIX_IRQ_INDEX, ctl & 0x40 ? fz_u8(in) : 0,
		      VFIO_IRQ_INFO_EVENTFD | (ctl & 0x80 ? VFIO_IRQ_INFO_NORESIZE : 0));
}

static u32 cfg_rd(struct device *dev, u32 off)
{
	return dev->ops->cfg_read(dev, (u16)(off / 4)) >> (8 * (off % 4));
}

static void cfg_wr(struct device *dev, u32 off, u32 len, u32 val)
{
	u8 b[8] = {0};

	put_le32(b, val);
	dev->ops->cfg_write(dev, (u16)(off / 4), (u8)(off % 4), b, len);
}

/* The guest's walk of the capability list: the offset of id, or 0. */
static u8 find_cap(struct device *dev, u8 id)
{
	u8 p = (u8)cfg_rd(dev, PCI_CAPABILITY_LIST);

	for (int hops = 0; p && hops < 48; hops++) {
		if ((u8)cfg_rd(dev, p) == id)
			return p;
		p = (u8)cfg_rd(dev, p + 1u);
	}
	return 0;
}

/* Where the guest has BAR i right now (I/O or memory), from its registers. */
static u64 bar_addr(struct device *dev, unsigned int i, bool *io)
{
	u32 lo = dev->ops->cfg_read(dev, (u16)(PCI_BASE_ADDRESS_0 / 4 + i));

	*io = lo & PCI_BASE_ADDRESS_SPACE_IO;
	if (*io)
		return lo & ~3u;
	if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 && i < 5)
		return (lo & ~0xfULL) |
		       (u64)dev->ops->cfg_read(dev, (u16)(PCI_BASE_ADDRESS_0 / 4 + i + 1)) << 32;
	return lo & ~0xfULL;
}

static void bar_access(struct fz *in, u64 addr, bool io)
{
	static const u32 lens[] = {4, 8, 1, 2, 3, 16};
	u32 len = FZ_PICK(in, lens);
	bool write = fz_bool(in);
	u8 buf[16];

	memset(buf, 0, sizeof(buf));
	if (write)
		fz_bytes(in, buf, len);
	fake_plat_access(&fp, io, addr, buf, len, write);
}

/* A guest step. */
static void step(struct vfio_dev *d, struct device *dev, struct fz *in)
{
	static const u32 lens[] = {4, 2, 1, 3, 8, 0};
	u8 op = fz_u8(in);
	u32 off, len, val;
	unsigned int bar;
	u64 addr;
	bool io;
	u8 cap;

	switch (op % 12) {
	case 0: /* config write anywhere, any width */
		off = fz_u16(in) % 0x1010;
		len = FZ_PICK(in, lens);
		val = fz_u32(in);
		{
			u8 b[8] = {0};

			put_le32(b, val);
			dev->ops->cfg_write(dev, (u16)(off / 4), (u8)(fz_u8(in) % 5), b, len);
		}
		break;
	case 1: /* config read anywhere */
		off = fz_u16(in) % 0x1010;
		val = dev->ops->cfg_read(dev, (u16)(off / 4));
		if (off / 4 >= PCI_CFG_SPACE_SIZE / 4)
			FUZZ_CHECK(val == 0);
		break;
	case 2: /* BAR programming: sizing, or an address in a window */
		bar = fz_u8(in) % 6;
		switch (fz_u8(in) % 4) {
		case 0:
			val = ~0u;
			break;
		case 1:
			val = (u32)PCI_MMIO32_BASE + (u32)fz_u16(in) * 0x1000u;
			break;
		case 2:
			val = 0xc000u + fz_u8(in) * 0x40u;
			break;
		default:
			val = fz_u32(in);
		}
		cfg_wr(dev, PCI_BASE_ADDRESS_0 + 4 * bar, 4, val);
		break;
	case 3: /* the command register */
		cfg_wr(dev, PCI_COMMAND, 2, fz_u16(in));
		break;
	case 4: /* MSI capability */
	case 5: /* MSI-X capability */
		cap = find_cap(dev, op % 12 == 4 ? PCI_CAP_ID_MSI : PCI_CAP_ID_MSIX);
		if (!cap)
			break;
		off = cap + fz_u8(in) % 24u;
		len = FZ_PICK(in, lens);
		cfg_wr(dev, off, len, fz_u32(in));
		break;
	case 6: /* a trapped BAR access anywhere in the BAR */
	case 7:
		bar = fz_u8(in) % 6;
		addr = bar_addr(dev, bar, &io) + fz_u16(in) % 0x4010u;
		bar_access(in, addr, io);
		break;
	case 8: /* MSI-X table entry or PBA, where the capability says */
		cap = find_cap(dev, PCI_CAP_ID_MSIX);
		if (!cap)
			break;
		val = cfg_rd(dev, cap + (fz_bool(in) ? PCI_MSIX_PBA : PCI_MSIX_TABLE));
		addr = bar_addr(dev, val & 7, &io) + (val & ~7u) + fz_u16(in) % 0x100u;
		bar_access(in, addr, false);
		break;
	case 9: { /* the device signals a vector */
		u32 index = fz_u8(in) % 3, vec = fz_u8(in);
		int efd = fake_vfio_efd(d, index, vec);

		/*
		 * After a refused disable VFIO still holds the eventfds (its own
		 * references) that the model has closed; the fake holds just the
		 * numbers, so only an open one can be signalled.
		 */
		if (efd >= 0 && fcntl(efd, F_GETFD) >= 0)
			fake_vfio_fire(d, index, vec);
		break;
	}
	case 10: /* Linux's MSI-X bring-up order on a random vector */
		cap = find_cap(dev, PCI_CAP_ID_MSIX);
		if (!cap)
			break;
		cfg_wr(dev, cap + PCI_MSIX_FLAGS, 2,
		       PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
		val = cfg_rd(dev, cap + PCI_MSIX_TABLE);
		addr = bar_addr(dev, val & 7, &io) + (val & ~7u) + 16u * (fz_u8(in) % 8);
		{
			u8 b[8];

			put_le32(b, 0xfee00000u | (u32)fz_u8(in) << 12);
			fake_plat_access(&fp, false, addr, b, 4, true);
			put_le32(b, 0);
			fake_plat_access(&fp, false, addr + 4, b, 4, true);
			put_le32(b, 0x4000u | fz_u8(in));
			fake_plat_access(&fp, false, addr + 8, b, 4, true);
			fake_plat_access(&fp, false, addr + 12, b + 4, 4, true); /* unmask */
		}
		cfg_wr(dev, cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
		break;
	case 11: /* the platform or VFIO starts or stops failing */
		switch (fz_u8(in) % 9) {
		case 0:
			fp.fail_map = fp.fail_map ? 0 : -ENOMEM;
			break;
		case 1:
			fp.fail_trap = fp.fail_trap ? 0 : -ENOSPC;
			break;
		case 2:
			fp.fail_route = fp.fail_route ? 0 : -ENOSPC;
			break;
		case 3:
			fp.fail_irqfd = fp.fail_irqfd ? 0 : -EBUSY;
			break;
		case 4:
			fp.fail_dma = fp.fail_dma ? 0 : -EINTR;
			break;
		case 5:
			fail_bind = !fail_bind;
			break;
		case 6:
			d->fail_cfg_read = !d->fail_cfg_read;
			break;
		case 7:
			d->fail_disable = d->fail_disable ? 0 : -EIO;
			break;
		default:
			d->fail_intx_unmask = !d->fail_intx_unmask;
			break;
		}
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_init(data, size);
	u8 cfg[PCI_CFG_SPACE_SIZE];
	struct vfio_dev *d;
	struct vfio_pci *v = NULL;
	struct device *dev;

	fuzz_quiet_logs();
	ops = fake_vfio_ops;
	ops.set_irqs = set_irqs;
	fail_bind = false;
	fake_plat_init(&fp);
	d = fake_vfio_new();
	fz_bytes(&in, cfg, sizeof(cfg));
	if (!cfg[0] && !cfg[1]) /* an all-zero start: the stock 82576 VF IDs */
		put_le32(cfg, 0x10ca8086);
	setup_device(d, cfg, &in);
	d->fail_mmap = fz_u8(&in) % 16 == 0;

	if (vfio_pci_create(&v, &ops, d, &fp.p, "vfio 0000:01:10.0", 1, 17) == 0) {
		dev = vfio_pci_device(v);
		for (unsigned int i = 0; i < MAX_STEPS && !fz_empty(&in); i++)
			step(d, dev, &in);
		/* a refused disable ends with the device's close; the fake cannot tell */
		d->fail_disable = 0;
		vfio_pci_destroy(v);
	} else {
		FUZZ_CHECK(v == NULL);
	}
	FUZZ_CHECK(fake_plat_live_maps(&fp) == 0);
	FUZZ_CHECK(fake_plat_live_traps(&fp) == 0);
	FUZZ_CHECK(fake_plat_live_routes(&fp) == 0);
	FUZZ_CHECK(fake_plat_live_irqfds(&fp) == 0);
	FUZZ_CHECK(d->irq_index == -1);
	FUZZ_CHECK(d->mmaps == d->munmaps);
	FUZZ_CHECK(fp.bad == 0);
	FUZZ_CHECK(d->bad == 0);
	fake_vfio_free(d);
	return 0;
}
