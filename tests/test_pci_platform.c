// SPDX-License-Identifier: MIT
/*
 * test_pci_platform.c - the GSI routing table, the BAR placement rule, and
 * the platform callbacks on a VM without a KVM fd (buses real, ioctls fail).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch/layout.h"
#include "vmm/arch/arch.h"
#include "vmm/pci/pci_platform.h"
#include "vmm/core/vm.h"

/* ---- routing table ---- */

static void test_default_routes(void **state UNUSED)
{
	struct gsi_routes t;
	const struct kvm_irq_routing_entry *e;
	u32 n = 0;

	assert_int_equal(arch_pci_routes_init(&t), 0);
	/* kvm_setup_default_irq_routing(): IOAPIC pin g for every GSI 0-23, and
	 * for GSI 0-15 also the PIC pin (master 0-7, slave 8-15), in that order. */
	assert_int_equal(t.r->nr, 16 * 2 + 8);
	for (u32 g = 0; g < IOAPIC_PINS; g++) {
		e = &t.r->entries[n++];
		assert_int_equal(e->gsi, g);
		assert_int_equal(e->type, KVM_IRQ_ROUTING_IRQCHIP);
		assert_int_equal(e->u.irqchip.irqchip, KVM_IRQCHIP_IOAPIC);
		assert_int_equal(e->u.irqchip.pin, g);
		if (g >= 16)
			continue;
		e = &t.r->entries[n++];
		assert_int_equal(e->gsi, g);
		assert_int_equal(e->type, KVM_IRQ_ROUTING_IRQCHIP);
		assert_int_equal(e->u.irqchip.irqchip,
				 g < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE);
		assert_int_equal(e->u.irqchip.pin, g % 8);
	}
	assert_int_equal(t.r->flags, 0);
	assert_null(pci_platform_routes_find(&t, MSI_GSI_BASE, KVM_IRQ_ROUTING_MSI));
	pci_platform_routes_free(&t);
	assert_null(t.r);
}

struct dma_waiter {
	struct pci_platform *p;
	int r;
};

static void *dma_waiter_fn(void *arg)
{
	struct dma_waiter *w = arg;

	__atomic_store_n(&w->r, w->p->ops->dma_wait(w->p), __ATOMIC_RELEASE);
	return NULL;
}

static void test_msi_routes(void **state UNUSED)
{
	const struct kvm_irq_routing_entry *e;
	struct gsi_routes t;
	int a = -1, b = -1, c = -1, x;

	assert_int_equal(arch_pci_routes_init(&t), 0);
	assert_int_equal(pci_platform_routes_set_msi(&t, &a, 0xfee01000, 0x4041, -1), 0);
	assert_int_equal(pci_platform_routes_set_msi(&t, &b, 0x1fee02000ULL, 0x4042, -1), 0);
	assert_int_equal(a, MSI_GSI_BASE);
	assert_int_equal(b, MSI_GSI_BASE + 1);
	assert_int_equal(t.r->nr, 42);
	e = pci_platform_routes_find(&t, (u32)b, KVM_IRQ_ROUTING_MSI);
	assert_non_null(e);
	assert_int_equal(e->u.msi.address_lo, 0xfee02000);
	assert_int_equal(e->u.msi.address_hi, 1);
	assert_int_equal(e->u.msi.data, 0x4042);
	assert_int_equal(e->flags, 0); /* no requester ID asked for */

	/* With a requester ID (arm64's ITS): KVM_MSI_VALID_DEVID and the ID. */
	x = -1;
	assert_int_equal(pci_platform_routes_set_msi(&t, &x, 0x08090040, 0x11, 0x28), 0);
	e = pci_platform_routes_find(&t, (u32)x, KVM_IRQ_ROUTING_MSI);
	assert_non_null(e);
	assert_int_equal(e->flags, KVM_MSI_VALID_DEVID);
	assert_int_equal(e->u.msi.devid, 0x28);
	assert_int_equal(pci_platform_routes_remove(&t, x), 0);

	/* Update in place: same GSI, same size, new message. */
	x = a;
	assert_int_equal(pci_platform_routes_set_msi(&t, &x, 0xfee03000, 0x4051, -1), 0);
	assert_int_equal(x, a);
	assert_int_equal(t.r->nr, 42);
	e = pci_platform_routes_find(&t, (u32)a, KVM_IRQ_ROUTING_MSI);
	assert_int_equal(e->u.msi.address_lo, 0xfee03000);
	assert_int_equal(e->u.msi.data, 0x4051);

	/* Freed GSIs are reused, lowest first. */
	assert_int_equal(pci_platform_routes_remove(&t, a), 0);
	assert_int_equal(t.r->nr, 41);
	assert_null(pci_platform_routes_find(&t, (u32)a, KVM_IRQ_ROUTING_MSI));
	assert_int_equal(pci_platform_routes_set_msi(&t, &c, 0xfee04000, 0x4061, -1), 0);
	assert_int_equal(c, MSI_GSI_BASE);
	/* b is untouched by all this. */
	e = pci_platform_routes_find(&t, (u32)b, KVM_IRQ_ROUTING_MSI);
	assert_int_equal(e->u.msi.data, 0x4042);

	/* IRQ chip entries are not MSI routes: neither updated nor removed. */
	x = 4;
	assert_int_equal(pci_platform_routes_set_msi(&t, &x, 0xfee00000, 1, -1), -ENOENT);
	assert_int_equal(pci_platform_routes_remove(&t, 4), -ENOENT);
	assert_int_equal(pci_platform_routes_remove(&t, 999), -ENOENT);
	assert_int_equal(pci_platform_routes_remove(&t, -1), -ENOENT);
	x = 999;
	assert_int_equal(pci_platform_routes_set_msi(&t, &x, 0xfee00000, 1, -1), -ENOENT);
	assert_int_equal(t.r->nr, 42);
	assert_non_null(pci_platform_routes_find(&t, 4, KVM_IRQ_ROUTING_IRQCHIP));
	pci_platform_routes_free(&t);
}

static void test_routes_full(void **state UNUSED)
{
	struct gsi_routes t;
	int n = 0, g = -1, r;

	assert_int_equal(arch_pci_routes_init(&t), 0);
	while ((r = pci_platform_routes_set_msi(&t, &g, 0xfee00000, (u32)n, -1)) == 0) {
		n++;
		g = -1;
	}
	/* KVM takes at most KVM_MAX_IRQ_ROUTES entries, the 40 defaults included. */
	assert_int_equal(r, -ENOSPC);
	assert_int_equal(n, PCI_PLATFORM_GSI_LIMIT - 40);
	assert_int_equal(t.r->nr, PCI_PLATFORM_GSI_LIMIT);
	/* After one goes, one more fits, on the freed GSI. */
	assert_int_equal(pci_platform_routes_remove(&t, MSI_GSI_BASE + 100), 0);
	g = -1;
	assert_int_equal(pci_platform_routes_set_msi(&t, &g, 0xfee00000, 7, -1), 0);
	assert_int_equal(g, MSI_GSI_BASE + 100);
	pci_platform_routes_free(&t);
}

/* ---- BAR placement ---- */

static void test_bar_allowed_mmio(void **state UNUSED)
{
	const struct ram_range small[] = {{0, 512 * MiB}};
	const struct ram_range big[] = {{0, MMIO_HOLE_START}, {HIGH_RAM_START, 8 * GiB}};
	/* A layout whose RAM reaches into the 32-bit window (not one mem.c makes). */
	const struct ram_range odd[] = {{0, PCI_MMIO32_BASE + 16 * MiB}};

	assert_true(arch_pci_bar_allowed(small, 1, false, PCI_MMIO32_BASE, 16 * KiB));
	assert_true(arch_pci_bar_allowed(big, 2, false, PCI_MMIO32_BASE, 16 * KiB));
	assert_true(arch_pci_bar_allowed(small, 1, false, PCI_MMIO32_END - 4 * KiB, 4 * KiB));
	assert_true(arch_pci_bar_allowed(big, 2, false, PCI_MMIO64_BASE, 1 * GiB));
	assert_true(arch_pci_bar_allowed(big, 2, false, PCI_MMIO64_BASE + PCI_MMIO64_SIZE - 4 * KiB,
					 4 * KiB));
	/* Over the IOAPIC, the LAPIC, the KVM TSS: outside the window, and refused. */
	assert_false(arch_pci_bar_allowed(small, 1, false, PCI_MMIO32_END - 4 * KiB, 8 * KiB));
	assert_false(arch_pci_bar_allowed(small, 1, false, IOAPIC_GPA, 4 * KiB));
	assert_false(arch_pci_bar_allowed(small, 1, false, LAPIC_GPA, 4 * KiB));
	assert_false(arch_pci_bar_allowed(small, 1, false, KVM_TSS_GPA, 4 * KiB));
	assert_false(arch_pci_bar_allowed(small, 1, false, KVM_IDENTITY_MAP_GPA, 4 * KiB));
	/* RAM, the boot and BIOS areas below 1 MiB. */
	assert_false(arch_pci_bar_allowed(small, 1, false, 0x1000, 4 * KiB));
	assert_false(arch_pci_bar_allowed(small, 1, false, BIOS_AREA_GPA, 4 * KiB));
	assert_false(arch_pci_bar_allowed(small, 1, false, LOW_RAM_END, 4 * KiB));
	assert_false(arch_pci_bar_allowed(small, 1, false, 256 * MiB, 4 * KiB));
	assert_false(arch_pci_bar_allowed(big, 2, false, HIGH_RAM_START, 4 * KiB));
	assert_false(arch_pci_bar_allowed(big, 2, false, HIGH_RAM_START + 8 * GiB, 4 * KiB));
	assert_false(arch_pci_bar_allowed(odd, 1, false, PCI_MMIO32_BASE, 4 * KiB));
	assert_true(arch_pci_bar_allowed(odd, 1, false, PCI_MMIO32_BASE + 16 * MiB, 4 * KiB));
	/* Straddling a window's edge, past the 64-bit window, size 0, wrapping. */
	assert_false(arch_pci_bar_allowed(small, 1, false, PCI_MMIO32_BASE - 4 * KiB, 8 * KiB));
	assert_false(arch_pci_bar_allowed(big, 2, false, PCI_MMIO64_BASE - 4 * KiB, 8 * KiB));
	assert_false(
	    arch_pci_bar_allowed(big, 2, false, PCI_MMIO64_BASE + PCI_MMIO64_SIZE, 4 * KiB));
	assert_false(arch_pci_bar_allowed(small, 1, false, PCI_MMIO32_BASE, 0));
	assert_false(arch_pci_bar_allowed(small, 1, false, ~0ULL - 4095, 8 * KiB));
	assert_false(arch_pci_bar_allowed(small, 1, false, 0xfffff000ULL, 4 * KiB));
}

static void test_bar_allowed_io(void **state UNUSED)
{
	const struct ram_range ram[] = {{0, 512 * MiB}};

	assert_true(arch_pci_bar_allowed(ram, 1, true, PCI_IO_WINDOW_BASE, 32));
	assert_true(arch_pci_bar_allowed(ram, 1, true, PCI_IO_WINDOW_END - 256, 256));
	assert_false(arch_pci_bar_allowed(ram, 1, true, PCI_IO_WINDOW_END - 4, 8));
	assert_false(arch_pci_bar_allowed(ram, 1, true, PCI_IO_WINDOW_BASE - 4, 8));
	/* The fixed ports, each outside the window and refused anyway. */
	assert_false(arch_pci_bar_allowed(ram, 1, true, PCI_CFG_ADDR_PORT, 8));
	assert_false(arch_pci_bar_allowed(ram, 1, true, 0xcf0, 16));
	assert_false(arch_pci_bar_allowed(ram, 1, true, COM1_PORT, 8));
	assert_false(arch_pci_bar_allowed(ram, 1, true, ACPI_PM_PORT, 4));
	assert_false(arch_pci_bar_allowed(ram, 1, true, I8042_DATA_PORT, 8));
	assert_false(arch_pci_bar_allowed(ram, 1, true, 0x0, 0x100));
	assert_false(arch_pci_bar_allowed(ram, 1, true, PCI_IO_WINDOW_BASE, 0));
	/* A memory address is no I/O address. */
	assert_false(arch_pci_bar_allowed(ram, 1, true, PCI_MMIO32_BASE, 32));
}

/* ---- the callbacks, with the buses real and the KVM fd absent ---- */

struct rec {
	struct device dev;
	u64 off;
	u32 len;
	int hits;
};

static int rec_access(struct device *d, u64 off, void *data, u32 len, bool write)
{
	struct rec *r = d->priv;

	r->off = off;
	r->len = len;
	r->hits++;
	if (!write)
		memset(data, 0x42, len);
	return 0;
}

static const struct dev_ops rec_ops = {.pio = rec_access, .mmio = rec_access};

static void fake_vm(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = -1;
	assert_int_equal(bus_init(&vm->pio, "pio"), 0);
	assert_int_equal(bus_init(&vm->mmio, "mmio"), 0);
	vm->mem.nr = 1;
	vm->mem.ranges[0] = (struct ram_range){0, 256 * MiB};
}

static void test_callbacks(void **state UNUSED)
{
	struct rec rc = {.dev = {.name = "rec", .ops = &rec_ops}};
	const struct pci_platform_ops *ops;
	struct pci_platform *p;
	struct vm vm;
	u8 data[4];
	int gsi = -1;

	rc.dev.priv = &rc;
	fake_vm(&vm);
	assert_int_equal(pci_platform_create(&vm), 0);
	p = &vm.pci->plat;
	ops = p->ops;
	assert_int_equal(vm.pci->first_slot, 1); /* after the RAM slot */

	/* trap/untrap go to the right bus, with offsets from the base. */
	assert_int_equal(ops->trap(p, true, 0xc000, 0x20, &rc.dev), 0);
	assert_int_equal(ops->trap(p, true, 0xc010, 0x20, &rc.dev), -EEXIST);
	assert_int_equal(bus_access(&vm.pio, 0xc004, data, 2, false), 0);
	assert_int_equal(rc.off, 4);
	assert_int_equal(rc.len, 2);
	assert_int_equal(bus_access(&vm.mmio, 0xc004, data, 2, false), -ENOENT);
	ops->untrap(p, true, 0xc000, &rc.dev);
	assert_int_equal(bus_access(&vm.pio, 0xc004, data, 2, false), -ENOENT);
	assert_int_equal(ops->trap(p, false, 0xc0000000, 0x1000, &rc.dev), 0);
	assert_int_equal(bus_access(&vm.mmio, 0xc0000ffc, data, 4, true), 0);
	assert_int_equal(rc.off, 0xffc);
	ops->untrap(p, false, 0xc0000000, &rc.dev);
	ops->untrap(p, false, 0xc0000000, &rc.dev); /* twice: logged, harmless */

	/* map: alignment checked first; a failing ioctl takes no slot. */
	assert_int_equal(ops->map(p, 0xc0000800, 0x1000, (void *)0x10000), -EINVAL);
	assert_int_equal(ops->map(p, 0xc0000000, 0x800, (void *)0x10000), -EINVAL);
	assert_int_equal(ops->map(p, 0xc0000000, 0x1000, (void *)0x10010), -EINVAL);
	assert_int_equal(ops->map(p, 0xc0000000, 0, (void *)0x10000), -EINVAL);
	assert_int_equal(ops->map(p, 0xc0000000, 0x1000, (void *)0x10000), -EBADF);
	assert_false(vm.pci->slot_used[1]);
	ops->unmap(p, 1);  /* not mapped: logged, harmless */
	ops->unmap(p, -5); /* nonsense handle */

	/* A route KVM refuses leaves the table as KVM has it. */
	assert_int_equal(ops->msi_route(p, &gsi, 0xfee00000, 0x4041, 0x08), -EBADF);
	assert_int_equal(gsi, -1);
	assert_int_equal(vm.pci->routes.r->nr, 40);
	ops->msi_unroute(p, MSI_GSI_BASE); /* none: logged, harmless */

	/* irqfd: bad numbers refused before the ioctl. */
	assert_int_equal(ops->irqfd(p, -1, 5, -1, true), -EINVAL);
	assert_int_equal(ops->irqfd(p, 16, -1, -1, true), -EINVAL);
	assert_int_equal(ops->irqfd(p, 16, 5, 6, true), -EBADF);
	assert_int_equal(ops->irqfd(p, 16, 5, -1, false), -EBADF);

	/* dma_wait: at once when nothing is being mapped; a waiter is woken by
	 * the map's end; a failed map is the waiter's error; a stopping VM
	 * wakes it too. */
	assert_int_equal(ops->dma_wait(p), 0);
	pci_platform_dma_pending(&vm);
	{
		struct dma_waiter w = {.p = p, .r = 1};
		struct timespec t0, t1;
		pthread_t t;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_int_equal(pthread_create(&t, NULL, dma_waiter_fn, &w), 0);
		usleep(50 * 1000);
		assert_int_equal(__atomic_load_n(&w.r, __ATOMIC_ACQUIRE), 1); /* still waiting */
		pci_platform_dma_done(&vm, 0);
		pthread_join(t, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		assert_int_equal(w.r, 0);
		/* The wait is counted, and no longer than the test waited: how
		 * long exactly depends on when the waiter thread got to run (a
		 * loaded machine can start it late), so no lower bound. */
		assert_int_equal(vm.pci->dma_waits, 1);
		assert_true(vm.pci->dma_wait_ns > 0);
		assert_true(vm.pci->dma_wait_ns <= (u64)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
							 (t1.tv_nsec - t0.tv_nsec)));
	}
	assert_int_equal(ops->dma_wait(p), 0);
	pci_platform_dma_pending(&vm);
	pci_platform_dma_done(&vm, -ENOMEM);
	assert_int_equal(ops->dma_wait(p), -ENOMEM);
	pci_platform_dma_pending(&vm);
	vm.stop_state = VM_STOP_ERROR << 8;
	assert_int_equal(ops->dma_wait(p), -ESHUTDOWN);
	vm.stop_state = 0;
	pci_platform_dma_done(&vm, 0);

	/* bar_ok sees the VM's RAM. */
	assert_true(ops->bar_ok(p, false, PCI_MMIO32_BASE, 0x4000));
	assert_false(ops->bar_ok(p, false, 128 * MiB, 0x4000));
	assert_true(ops->bar_ok(p, true, PCI_IO_WINDOW_BASE, 0x20));

	pci_platform_destroy(&vm);
	assert_null(vm.pci);
	pci_platform_destroy(&vm); /* twice is fine */
	bus_destroy(&vm.pio);
	bus_destroy(&vm.mmio);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_routes), cmocka_unit_test(test_msi_routes),
	    cmocka_unit_test(test_routes_full),	   cmocka_unit_test(test_bar_allowed_mmio),
	    cmocka_unit_test(test_bar_allowed_io), cmocka_unit_test(test_callbacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
