// SPDX-License-Identifier: MIT
/*
 * arch_pci.c - PCI on x86 (vmm/arch/arch.h): configuration mechanism #1 on
 * ports 0xcf8-0xcff, the windows the DSDT's PCI0 declares, INTx on the
 * IOAPIC as its _PRT says, the guest addresses a BAR must keep clear of, and
 * KVM's default x86 interrupt routing.
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

#include "arch/layout.h"
#include "devices/pci_host.h"
#include "devices/x86/pci_cf8.h"
#include "firmware/x86/acpi.h"
#include "vmm/arch/arch.h"
#include "vmm/arch/x86/arch_x86.h"
#include "vmm/base/err.h"
#include "vmm/core/vm.h"
#include "vmm/pci/pci_platform.h"

#define PIC_PINS 8 /* per 8259 */
#define PIC_GSIS 16

_Static_assert(MSI_GSI_BASE >= IOAPIC_PINS, "MSI GSIs must not collide with IOAPIC pins");

int arch_pci_attach(struct vm *vm, struct pci_host *host)
{
	struct arch_vm *a = vm->arch;
	int r = pci_cf8_create(&a->cf8, host);

	if (r < 0)
		return err_host(r, "pci: cannot create ports 0xcf8-0xcff: %s", strerror(-r));
	r = bus_register(&vm->pio, PCI_CFG_ADDR_PORT, PCI_HOST_PORT_LEN, pci_cf8_device(a->cf8));
	if (r < 0) {
		pci_cf8_destroy(a->cf8);
		a->cf8 = NULL;
		return err_host(r, "pci: cannot claim ports 0x%x-0x%x: %s", PCI_CFG_ADDR_PORT,
				PCI_CFG_ADDR_PORT + PCI_HOST_PORT_LEN - 1, strerror(-r));
	}
	a->pci_cfg = pci_cf8_device(a->cf8); /* before any vCPU runs */
	return 0;
}

void arch_pci_detach(struct vm *vm)
{
	struct arch_vm *a = vm->arch;

	if (!a || !a->cf8)
		return;
	a->pci_cfg = NULL; /* the vCPUs are joined */
	bus_unregister(&vm->pio, PCI_CFG_ADDR_PORT, pci_cf8_device(a->cf8));
	pci_cf8_destroy(a->cf8);
	a->cf8 = NULL;
}

struct pcihp *arch_pci_hotplug(struct vm *vm)
{
	return vm->arch ? vm->arch->pcihp : NULL;
}

int arch_pci_hotplug_ready(struct vm *vm, char *msg, size_t cap)
{
	struct kvm_irqchip chip = {.chip_id = KVM_IRQCHIP_IOAPIC};
	int r;

	if (!arch_pci_hotplug(vm)) {
		snprintf(msg, cap, "this VM has no PCI hotplug controller");
		return -EOPNOTSUPP;
	}
	r = ioctl_ptr(vm->vm_fd, KVM_GET_IRQCHIP, &chip);
	if (r < 0) {
		snprintf(msg, cap, "cannot read the IOAPIC (KVM_GET_IRQCHIP): %s", strerror(-r));
		return r;
	}
	if (chip.chip.ioapic.redirtbl[ACPI_GED_GSI].fields.mask) {
		snprintf(msg, cap,
			 "the guest is not ready for hotplug: its ACPI GED interrupt (GSI %d) is "
			 "masked (still booting, or a kernel without ACPI GED support); try again "
			 "once it has booted",
			 ACPI_GED_GSI);
		return -EAGAIN;
	}
	return 0;
}

void arch_pci_windows(struct pci_windows *w)
{
	*w = PCI_WINDOWS_DEFAULT;
}

u32 arch_pci_intx_gsi(unsigned int slot, unsigned int pin)
{
	return acpi_pci_intx_gsi(slot, pin);
}

/* What kvm_setup_default_irq_routing() installs on x86, in its order. */
int arch_pci_routes_init(struct gsi_routes *t)
{
	int r = pci_platform_routes_init(t);

	for (u32 gsi = 0; r == 0 && gsi < IOAPIC_PINS; gsi++) {
		r = pci_platform_routes_add_irqchip(t, gsi, KVM_IRQCHIP_IOAPIC, gsi);
		if (r == 0 && gsi < PIC_GSIS)
			r = pci_platform_routes_add_irqchip(
			    t, gsi, gsi < PIC_PINS ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE,
			    gsi % PIC_PINS);
	}
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
    {0, BIOS_AREA_END}, /* IVT, boot GDT/page tables/zero page, EBDA, VGA hole, BIOS/ACPI */
    {IOAPIC_GPA, IOAPIC_SIZE},
    {LAPIC_GPA, LAPIC_SIZE},
    {KVM_IDENTITY_MAP_GPA, KVM_TSS_GPA + KVM_TSS_SIZE - KVM_IDENTITY_MAP_GPA},
};

static const struct span fixed_ports[] = {
    {PCI_CFG_ADDR_PORT, 8},
    {COM1_PORT, COM1_PORT_LEN},
    {ACPI_PM_PORT, ACPI_PM_PORT_LEN},
    {I8042_DATA_PORT, I8042_PORT_LEN},
    {POST_PORT, 1},
    {PVPANIC_PORT, 1},
    {DEBUG_EXIT_PORT, 1},
};

bool arch_pci_bar_allowed(const struct ram_range *ram, unsigned int nr_ram, bool io, u64 gpa,
			  u64 size)
{
	u64 end;

	if (!size || __builtin_add_overflow(gpa, size, &end))
		return false;
	if (io) {
		if (!inside(gpa, size, PCI_IO_WINDOW_BASE, PCI_IO_WINDOW_END))
			return false;
		for (size_t i = 0; i < ARRAY_SIZE(fixed_ports); i++)
			if (overlaps(gpa, size, fixed_ports[i].base, fixed_ports[i].len))
				return false;
		return true;
	}
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
