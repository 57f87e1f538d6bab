// SPDX-License-Identifier: MIT
/* dtb.c - the arm64 guest's device tree, with libfdt; see dtb.h. */
#include <libfdt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "arch/layout.h"
#include "firmware/arm64/dtb.h"

#define PHANDLE_GIC 1
#define PHANDLE_ITS 2

/* GIC interrupt specifier cells: type, number, flags. */
#define GIC_SPI	       0
#define GIC_PPI	       1
#define IRQ_LEVEL_HIGH 4

/* PCI address space codes (phys.hi) for ranges. */
#define PCI_SPACE_MEM32 0x02000000u
#define PCI_SPACE_MEM64 0x03000000u

/* Every libfdt call goes through this: the first error sticks. */
struct dtb {
	void *fdt;
	int err;
};

static void check(struct dtb *d, int r)
{
	if (r < 0 && !d->err)
		d->err = r;
}

static void begin(struct dtb *d, const char *name)
{
	if (!d->err)
		check(d, fdt_begin_node(d->fdt, name));
}

static void end(struct dtb *d)
{
	if (!d->err)
		check(d, fdt_end_node(d->fdt));
}

static void prop(struct dtb *d, const char *name, const void *val, size_t len)
{
	if (len > INT_MAX)
		check(d, -FDT_ERR_NOSPACE);
	if (!d->err)
		check(d, fdt_property(d->fdt, name, val, (int)len));
}

static void prop_u32(struct dtb *d, const char *name, u32 v)
{
	if (!d->err)
		check(d, fdt_property_u32(d->fdt, name, v));
}

static void prop_u64(struct dtb *d, const char *name, u64 v)
{
	if (!d->err)
		check(d, fdt_property_u64(d->fdt, name, v));
}

static void prop_str(struct dtb *d, const char *name, const char *s)
{
	prop(d, name, s, strlen(s) + 1);
}

static void prop_empty(struct dtb *d, const char *name)
{
	prop(d, name, NULL, 0);
}

/* A property of n big-endian cells. */
static void prop_cells(struct dtb *d, const char *name, const u32 *cells, size_t n)
{
	fdt32_t be[64];

	if (n > ARRAY_SIZE(be)) {
		check(d, -FDT_ERR_NOSPACE);
		return;
	}
	for (size_t i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	prop(d, name, be, n * sizeof(be[0]));
}

/* reg = <addr size> in 2+2 cells. */
static void prop_reg(struct dtb *d, u64 addr, u64 size)
{
	const u32 c[] = {(u32)(addr >> 32), (u32)addr, (u32)(size >> 32), (u32)size};

	prop_cells(d, "reg", c, ARRAY_SIZE(c));
}

static void node_name(char *buf, size_t len, const char *base, u64 addr)
{
	snprintf(buf, len, "%s@%llx", base, (unsigned long long)addr);
}

static void add_chosen(struct dtb *d, const struct dtb_config *c)
{
	char uart[32];

	node_name(uart, sizeof(uart), "/uart", UART_GPA);
	begin(d, "chosen");
	prop_str(d, "bootargs", c->cmdline ? c->cmdline : "");
	prop_str(d, "stdout-path", uart);
	/* tinyvmm assigns the BARs (stable addresses, clear of the MSI-X
	 * traps), as kvmtool does: Linux keeps them */
	prop_u32(d, "linux,pci-probe-only", 1);
	if (c->initrd_size) {
		prop_u64(d, "linux,initrd-start", c->initrd_gpa);
		prop_u64(d, "linux,initrd-end", c->initrd_gpa + c->initrd_size);
	}
	end(d);
}

static void add_memory(struct dtb *d, const struct dtb_config *c)
{
	char name[32];

	for (unsigned int i = 0; i < c->nr_ram; i++) {
		node_name(name, sizeof(name), "memory", c->ram[i].gpa);
		begin(d, name);
		prop_str(d, "device_type", "memory");
		prop_reg(d, c->ram[i].gpa, c->ram[i].size);
		end(d);
	}
}

static void add_cpus(struct dtb *d, const struct dtb_config *c)
{
	char name[32];

	begin(d, "cpus");
	prop_u32(d, "#address-cells", 1);
	prop_u32(d, "#size-cells", 0);
	for (unsigned int i = 0; i < c->ncpus; i++) {
		node_name(name, sizeof(name), "cpu", c->mpidr[i]);
		begin(d, name);
		prop_str(d, "device_type", "cpu");
		prop_str(d, "compatible", "arm,arm-v8");
		prop_str(d, "enable-method", "psci");
		prop_u32(d, "reg", (u32)c->mpidr[i]);
		end(d);
	}
	end(d);
	begin(d, "psci");
	prop_str(d, "compatible", "arm,psci-0.2");
	prop_str(d, "method", "hvc");
	end(d);
}

static void add_gic(struct dtb *d, const struct dtb_config *c)
{
	const u32 regs[] = {
	    (u32)(GIC_DIST_GPA >> 32),	 (u32)GIC_DIST_GPA,   0, (u32)GIC_DIST_SIZE,
	    (u32)(GIC_REDIST_GPA >> 32), (u32)GIC_REDIST_GPA, 0, (u32)(GIC_REDIST_SIZE * c->ncpus),
	};
	char name[32];

	node_name(name, sizeof(name), "intc", GIC_DIST_GPA);
	begin(d, name);
	prop_str(d, "compatible", "arm,gic-v3");
	prop_u32(d, "#interrupt-cells", 3);
	prop_empty(d, "interrupt-controller");
	prop_u32(d, "#address-cells", 2);
	prop_u32(d, "#size-cells", 2);
	prop_empty(d, "ranges");
	prop_cells(d, "reg", regs, ARRAY_SIZE(regs));
	prop_u32(d, "phandle", PHANDLE_GIC);
	node_name(name, sizeof(name), "its", GIC_ITS_GPA);
	begin(d, name);
	prop_str(d, "compatible", "arm,gic-v3-its");
	prop_empty(d, "msi-controller");
	prop_u32(d, "#msi-cells", 1);
	prop_reg(d, GIC_ITS_GPA, GIC_ITS_SIZE);
	prop_u32(d, "phandle", PHANDLE_ITS);
	end(d);
	end(d);
}

static void add_timer(struct dtb *d)
{
	const u32 irqs[] = {
	    GIC_PPI, TIMER_PPI_SEC,  IRQ_LEVEL_HIGH, GIC_PPI, TIMER_PPI_NS,  IRQ_LEVEL_HIGH,
	    GIC_PPI, TIMER_PPI_VIRT, IRQ_LEVEL_HIGH, GIC_PPI, TIMER_PPI_HYP, IRQ_LEVEL_HIGH,
	};

	begin(d, "timer");
	prop_str(d, "compatible", "arm,armv8-timer");
	prop_cells(d, "interrupts", irqs, ARRAY_SIZE(irqs));
	prop_empty(d, "always-on");
	end(d);
}

static void add_devices(struct dtb *d)
{
	const u32 uart_irq[] = {GIC_SPI, UART_SPI, IRQ_LEVEL_HIGH};
	char name[32];

	node_name(name, sizeof(name), "uart", UART_GPA);
	begin(d, name);
	prop_str(d, "compatible", "ns16550a");
	prop_reg(d, UART_GPA, UART_SIZE);
	prop_u32(d, "clock-frequency", UART_CLOCK_HZ);
	prop_cells(d, "interrupts", uart_irq, ARRAY_SIZE(uart_irq));
	end(d);
	node_name(name, sizeof(name), "pvpanic", PVPANIC_GPA);
	begin(d, name);
	prop_str(d, "compatible", "qemu,pvpanic-mmio");
	prop_reg(d, PVPANIC_GPA, PVPANIC_SIZE);
	end(d);
}

static void add_pci(struct dtb *d)
{
	const u32 bus_range[] = {0, 0};
	const u32 ranges[] = {
	    PCI_SPACE_MEM32,
	    (u32)(PCI_MMIO32_BASE >> 32),
	    (u32)PCI_MMIO32_BASE,
	    (u32)(PCI_MMIO32_BASE >> 32),
	    (u32)PCI_MMIO32_BASE,
	    (u32)((PCI_MMIO32_END - PCI_MMIO32_BASE) >> 32),
	    (u32)(PCI_MMIO32_END - PCI_MMIO32_BASE),
	    PCI_SPACE_MEM64,
	    (u32)(PCI_MMIO64_BASE >> 32),
	    (u32)PCI_MMIO64_BASE,
	    (u32)(PCI_MMIO64_BASE >> 32),
	    (u32)PCI_MMIO64_BASE,
	    (u32)(PCI_MMIO64_SIZE >> 32),
	    (u32)PCI_MMIO64_SIZE,
	};
	const u32 map_mask[] = {0x1f << 11, 0, 0, 7};
	const u32 msi_map[] = {0, PHANDLE_ITS, 0, 0x10000};
	/* per slot and pin: child unit address (3), pin, parent, parent unit address (2), SPI (3)
	 */
	u32 imap[PCI_MAX_SLOTS * 4 * 10];
	size_t n = 0;
	char name[32];

	for (u32 slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		for (u32 pin = 0; pin < 4; pin++) {
			u32 *e = &imap[n];

			e[0] = slot << 11;
			e[1] = e[2] = 0;
			e[3] = pin + 1; /* INTA = 1 */
			e[4] = PHANDLE_GIC;
			e[5] = e[6] = 0;
			e[7] = GIC_SPI;
			e[8] = dtb_pci_intx_spi(slot, pin, PCI_INTX_SPI_BASE, PCI_INTX_SPI_COUNT);
			e[9] = IRQ_LEVEL_HIGH;
			n += 10;
		}
	}
	node_name(name, sizeof(name), "pcie", PCI_ECAM_GPA);
	begin(d, name);
	prop_str(d, "compatible", "pci-host-ecam-generic");
	prop_str(d, "device_type", "pci");
	prop_u32(d, "#address-cells", 3);
	prop_u32(d, "#size-cells", 2);
	prop_u32(d, "#interrupt-cells", 1);
	prop_u32(d, "linux,pci-domain", 0);
	prop_cells(d, "bus-range", bus_range, ARRAY_SIZE(bus_range));
	prop_reg(d, PCI_ECAM_GPA, PCI_ECAM_SIZE);
	prop_cells(d, "ranges", ranges, ARRAY_SIZE(ranges));
	prop_cells(d, "interrupt-map-mask", map_mask, ARRAY_SIZE(map_mask));
	if (!d->err) { /* too long for prop_cells */
		for (size_t i = 0; i < n; i++)
			imap[i] = cpu_to_fdt32(imap[i]);
		prop(d, "interrupt-map", imap, n * sizeof(imap[0]));
	}
	prop_cells(d, "msi-map", msi_map, ARRAY_SIZE(msi_map));
	prop_empty(d, "dma-coherent");
	end(d);
}

ssize_t dtb_build(void *buf, size_t len, const struct dtb_config *c)
{
	struct dtb d = {.fdt = buf};

	if (!c->ncpus || c->ncpus > GIC_MAX_VCPUS || !c->mpidr || !c->nr_ram || !c->ram)
		return -EINVAL;
	if (len > INT32_MAX)
		len = INT32_MAX;
	check(&d, fdt_create(buf, (int)len));
	if (!d.err)
		check(&d, fdt_finish_reservemap(buf));
	begin(&d, "");
	prop_str(&d, "compatible", "linux,dummy-virt");
	prop_str(&d, "model", "tinyvmm");
	prop_u32(&d, "#address-cells", 2);
	prop_u32(&d, "#size-cells", 2);
	prop_u32(&d, "interrupt-parent", PHANDLE_GIC);
	add_chosen(&d, c);
	add_memory(&d, c);
	add_cpus(&d, c);
	add_gic(&d, c);
	add_timer(&d);
	add_devices(&d);
	add_pci(&d);
	end(&d);
	if (!d.err)
		check(&d, fdt_finish(buf));
	if (d.err)
		return d.err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
	return (ssize_t)fdt_totalsize(buf);
}
