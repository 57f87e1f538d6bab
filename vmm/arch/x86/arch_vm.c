// SPDX-License-Identifier: MIT
/*
 * arch_vm.c - the x86 machine around the shared VM core (vmm/arch/arch.h):
 * the KVM capabilities x86 needs, the TSS and identity-map pages, the
 * in-kernel IRQ chip (PIC, IOAPIC, LAPICs) and PIT, KVM's CPUID, and the
 * platform devices on I/O ports: COM1, the ACPI PM registers, the i8042
 * reset line, pvpanic, the POST and ISA DMA page ports, CMOS and the
 * debug exit port.
 */
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>

#include "arch/layout.h"
#include "devices/pci_hotplug.h"
#include "devices/power.h"
#include "devices/serial.h"
#include "devices/x86/acpi_pm.h"
#include "devices/x86/cmos.h"
#include "devices/x86/i8042.h"
#include "vmm/arch/arch.h"
#include "vmm/arch/x86/arch_x86.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/core/console.h"
#include "vmm/core/vm.h"

#define CPUID_MAX_ENTRIES 4096

/* clang-format off */
#define CAP(c) {c, #c}
/* clang-format on */
static const struct {
	long cap;
	const char *name;
} required_caps[] = {
    CAP(KVM_CAP_IRQCHIP),   CAP(KVM_CAP_SET_TSS_ADDR), CAP(KVM_CAP_PIT2),
    CAP(KVM_CAP_EXT_CPUID), CAP(KVM_CAP_MP_STATE),
};

int arch_vm_check(struct vm *vm)
{
	for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++)
		if (ioctl_val(vm->kvm_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			return err_host(-ENOTSUP,
					"/dev/kvm: no %s; tinyvmm needs x86 KVM with an in-kernel "
					"IRQ chip",
					required_caps[i].name);
	return 0;
}

static int get_supported_cpuid(struct vm *vm)
{
	for (u32 nent = 128; nent <= CPUID_MAX_ENTRIES; nent *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		int r;

		if (!c)
			return err_host(-ENOMEM, "vm: out of memory for the CPUID table");
		c->nent = nent;
		r = ioctl_ptr(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (r == 0) {
			vm->arch->cpuid = c;
			return 0;
		}
		free(c);
		if (r != -E2BIG)
			return err_host(r, "/dev/kvm: KVM_GET_SUPPORTED_CPUID: %s", strerror(-r));
	}
	return err_host(-E2BIG, "/dev/kvm: KVM_GET_SUPPORTED_CPUID needs more than %d entries",
			CPUID_MAX_ENTRIES);
}

/* Log "vm: WHAT: error" for a failed ioctl and pass the error on. */
static int ioctl_check(int r, const char *what)
{
	return r < 0 ? err_host(r, "vm: %s: %s", what, strerror(-r)) : 0;
}

int arch_vm_create(struct vm *vm)
{
	struct kvm_pit_config pit = {.flags = 0};
	u64 idmap = KVM_IDENTITY_MAP_GPA;
	int r;

	vm->arch = calloc(1, sizeof(*vm->arch));
	if (!vm->arch)
		return err_host(-ENOMEM, "vm: out of memory");
	r = ioctl_check(ioctl_val(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_GPA), "KVM_SET_TSS_ADDR");
	if (r == 0 && ioctl_val(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0)
		r = ioctl_check(ioctl_ptr(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap),
				"KVM_SET_IDENTITY_MAP_ADDR");
	if (r == 0)
		r = ioctl_check(ioctl_val(vm->vm_fd, KVM_CREATE_IRQCHIP, 0), "KVM_CREATE_IRQCHIP");
	if (r == 0)
		r = ioctl_check(ioctl_ptr(vm->vm_fd, KVM_CREATE_PIT2, &pit), "KVM_CREATE_PIT2");
	if (r == 0)
		r = get_supported_cpuid(vm);
	return r;
}

/* ---- the platform devices ---- */

static void serial_irq(void *opaque, int level)
{
	struct vm *vm = opaque;
	int r = vm_irq_line(vm, COM1_IRQ, level);

	if (r < 0)
		LOG_ONCE(LOG_ERR, "serial: KVM_IRQ_LINE on IRQ %d: %s", COM1_IRQ, strerror(-r));
}

static void serial_kick(void *opaque)
{
	struct vm *vm = opaque;

	console_kick(__atomic_load_n(&vm->console, __ATOMIC_ACQUIRE));
}

static void power_event(void *opaque, enum power_event ev)
{
	vm_power_event(opaque, ev);
}

static void debug_exit(void *opaque, u8 code)
{
	vm_guest_exit(opaque, code);
}

/* A hotplug event: an edge on the ACPI GED's interrupt (the DSDT's GED0 _CRS). */
static void ged_notify(void *opaque)
{
	struct vm *vm = opaque;
	int r = vm_irq_line(vm, ACPI_GED_GSI, 1);

	if (r == 0)
		r = vm_irq_line(vm, ACPI_GED_GSI, 0);
	if (r < 0)
		LOG_ONCE(LOG_ERR, "pci-hotplug: KVM_IRQ_LINE on GSI %d: %s", ACPI_GED_GSI,
			 strerror(-r));
}

/* Register d (made by its create function: NULL is out of memory) on ports [port, +len). */
static int add_device(struct vm *vm, struct device **slot, struct device *d, u64 port, u64 len)
{
	int r;

	if (!d)
		return err_host(-ENOMEM, "vm: cannot create a device: out of memory");
	*slot = d;
	r = bus_register(&vm->pio, port, len, d);
	if (r < 0)
		return err_host(r, "%s: cannot claim ports 0x%llx-0x%llx: %s", d->name,
				(unsigned long long)port, (unsigned long long)(port + len - 1),
				strerror(-r));
	return 0;
}

int arch_vm_devices(struct vm *vm)
{
	struct arch_vm *a = vm->arch;
	int r;

	r = serial_create(&vm->serial, serial_irq, serial_kick, vm);
	if (r < 0)
		return err_host(r, "serial: cannot create COM1: %s", strerror(-r));
	r = bus_register(&vm->pio, COM1_PORT, COM1_PORT_LEN, serial_device(vm->serial));
	if (r < 0)
		return err_host(r, "serial: cannot claim COM1: %s", strerror(-r));
	r = add_device(vm, &a->power_acpi, power_acpi_create(power_event, vm), ACPI_PM_PORT,
		       ACPI_PM_PORT_LEN);
	if (r == 0)
		r = add_device(vm, &a->i8042, i8042_create(power_event, vm), I8042_DATA_PORT,
			       I8042_PORT_LEN);
	if (r == 0)
		r = add_device(vm, &a->pvpanic, pvpanic_create(power_event, vm), PVPANIC_PORT, 1);
	if (r == 0)
		r = add_device(vm, &a->post, post_create(), POST_PORT, POST_PORT_LEN);
	if (r == 0)
		r = add_device(vm, &a->cmos, cmos_create(), CMOS_PORT, CMOS_PORT_LEN);
	if (r == 0)
		r = add_device(vm, &a->debug_exit, debug_exit_create(debug_exit, vm),
			       DEBUG_EXIT_PORT, 1);
	if (r == 0) {
		r = pcihp_create(&a->pcihp, ged_notify, vm);
		if (r < 0)
			return err_host(r, "pci-hotplug: cannot create the controller: %s",
					strerror(-r));
		r = bus_register(&vm->pio, PCI_HOTPLUG_PORT, PCI_HOTPLUG_PORT_LEN,
				 pcihp_device(a->pcihp));
		if (r < 0)
			return err_host(r, "pci-hotplug: cannot claim ports 0x%x-0x%x: %s",
					PCI_HOTPLUG_PORT,
					PCI_HOTPLUG_PORT + PCI_HOTPLUG_PORT_LEN - 1, strerror(-r));
	}
	return r;
}

int arch_vm_ready(struct vm *vm)
{
	(void)vm;
	return 0;
}

void arch_vm_destroy(struct vm *vm)
{
	struct arch_vm *a = vm->arch;

	if (!a)
		return;
	struct device **devs[] = {&a->power_acpi, &a->i8042,	  &a->pvpanic,
				  &a->post,	  &a->debug_exit, &a->cmos};

	for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
		if (*devs[i] && (*devs[i])->ops->destroy)
			(*devs[i])->ops->destroy(*devs[i]);
		*devs[i] = NULL;
	}
	pcihp_destroy(a->pcihp); /* the vCPUs are joined */
	a->pcihp = NULL;
	if (vm->serial)
		serial_destroy(vm->serial);
	vm->serial = NULL;
	free(a->cpuid);
	free(a);
	vm->arch = NULL;
}
