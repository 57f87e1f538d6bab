// SPDX-License-Identifier: MIT
/*
 * arch_pci.c - PCI on arm64 (vmm/arch/arch.h): the ECAM window the device
 * tree's pcie node declares, on the MMIO bus; the 32- and 64-bit memory
 * windows (no I/O window); INTx on GIC SPIs as the interrupt-map says; the
 * guest addresses a BAR must keep clear of; and KVM's default arm64
 * routing (GSI n is SPI n).
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

#include "arch/layout.h"
#include "devices/pci_ecam.h"
#include "devices/pci_host.h"
#include "firmware/arm64/dtb.h"
#include "vmm/arch/arch.h"
#include "vmm/arch/arm64/arch_arm64.h"
#include "vmm/base/err.h"
#include "vmm/core/vm.h"
#include "vmm/pci/pci_platform.h"

_Static_assert(MSI_GSI_BASE >= GIC_NR_SPIS, "MSI GSIs must not collide with SPI routes");
_Static_assert(PCI_ECAM_SIZE == PCI_ECAM_BUS_SIZE, "the ECAM window is one bus");

int arch_pci_attach(struct vm *vm, struct pci_host *host)
{
	struct arch_vm *a = vm->arch;
	int r = pci_ecam_create(&a->ecam, host);

	if (r < 0)
		return err_host(r, "pci: cannot create the ECAM window: %s", strerror(-r));
	r = bus_register(&vm->mmio, PCI_ECAM_GPA, PCI_ECAM_SIZE, pci_ecam_device(a->ecam));
	if (r < 0) {
		pci_ecam_destroy(a->ecam);
		a->ecam = NULL;
		return err_host(r, "pci: cannot claim the ECAM window at 0x%llx: %s",
				(unsigned long long)PCI_ECAM_GPA, strerror(-r));
	}
	/* vCPUs reach it without the bus lock (vm.h): config writes move BAR traps */
	vm_set_mmio_direct(vm, PCI_ECAM_GPA, PCI_ECAM_SIZE, pci_ecam_device(a->ecam));
	return 0;
}

void arch_pci_detach(struct vm *vm)
{
	struct arch_vm *a = vm->arch;

	if (!a || !a->ecam)
		return;
	vm_set_mmio_direct(vm, 0, 0, NULL); /* the vCPUs are joined */
	bus_unregister(&vm->mmio, PCI_ECAM_GPA, pci_ecam_device(a->ecam));
	pci_ecam_destroy(a->ecam);
	a->ecam = NULL;
}

void arch_pci_windows(struct pci_windows *w)
{
	*w = PCI_WINDOWS_DEFAULT;
}

u32 arch_pci_intx_gsi(unsigned int slot, unsigned int pin)
{
	return dtb_pci_intx_spi(slot, pin, PCI_INTX_SPI_BASE, PCI_INTX_SPI_COUNT);
}

/* No PCI hotplug on arm64 yet: the device tree has no slot events. */
struct pcihp *arch_pci_hotplug(struct vm *vm UNUSED)
{
	return NULL;
}

int arch_pci_hotplug_ready(struct vm *vm UNUSED, char *msg, size_t cap)
{
	snprintf(msg, cap, "PCI hotplug is not supported on arm64");
	return -EOPNOTSUPP;
}

/* What kvm_vgic_setup_default_irq_routing() installs: GSI n to SPI n. */
int arch_pci_routes_init(struct gsi_routes *t)
{
	int r = pci_platform_routes_init(t);

	for (u32 gsi = 0; r == 0 && gsi < GIC_NR_SPIS; gsi++)
		r = pci_platform_routes_add_irqchip(t, gsi, 0, gsi);
	return r;
}

struct span {
	u64 base, len;
};

static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen; /* callers rule out wrapping */
}

static bool inside(u64 a, u64 alen, u64 base, u64 end)
{
	return a >= base && a + alen <= end;
}

static const struct span fixed_mmio[] = {
    {GIC_DIST_GPA, GIC_REDIST_END - GIC_DIST_GPA}, /* distributor, ITS, redistributors */
    {UART_GPA, UART_SIZE},
    {PVPANIC_GPA, PVPANIC_SIZE},
    {DEBUG_EXIT_GPA, DEBUG_EXIT_SIZE},
    {PCI_ECAM_GPA, PCI_ECAM_SIZE},
};

bool arch_pci_bar_allowed(const struct ram_range *ram, unsigned int nr_ram, bool io, u64 gpa,
			  u64 size)
{
	u64 end;

	if (!size || __builtin_add_overflow(gpa, size, &end))
		return false;
	if (io) /* no I/O window: the ECAM host bridge has none */
		return false;
	if (!inside(gpa, size, PCI_MMIO32_BASE, PCI_MMIO32_END) &&
	    !inside(gpa, size, PCI_MMIO64_BASE, PCI_MMIO64_BASE + PCI_MMIO64_SIZE))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(fixed_mmio); i++)
		if (overlaps(gpa, size, fixed_mmio[i].base, fixed_mmio[i].len))
			return false;
	for (unsigned int i = 0; i < nr_ram; i++)
		if (ram[i].size && overlaps(gpa, size, ram[i].gpa, ram[i].size))
			return false;
	return true;
}
