// SPDX-License-Identifier: MIT
/*
 * arch_vm.c - the arm64 machine around the shared VM core
 * (vmm/arch/arch.h): the KVM capabilities arm64 needs, the host CPU's vCPU
 * target, the in-kernel GICv3 with its ITS (the MSI controller), and the
 * platform devices on MMIO: the ns16550a UART, pvpanic-mmio and the debug
 * exit register. Power off and reset are PSCI calls KVM turns into system
 * events (vmm/core/vcpu.c).
 */
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/layout.h"
#include "devices/power.h"
#include "devices/serial.h"
#include "vmm/arch/arch.h"
#include "vmm/arch/arm64/arch_arm64.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/core/console.h"
#include "vmm/core/vm.h"

/* clang-format off */
#define CAP(c) {c, #c}
/* clang-format on */
static const struct {
	long cap;
	const char *name;
} required_caps[] = {
    CAP(KVM_CAP_ARM_PSCI_0_2),
    CAP(KVM_CAP_DEVICE_CTRL),
    CAP(KVM_CAP_ONE_REG),
};

int arch_vm_check(struct vm *vm)
{
	for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++)
		if (ioctl_val(vm->kvm_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			return err_host(-ENOTSUP,
					"/dev/kvm: no %s; tinyvmm needs arm64 KVM with PSCI 0.2 "
					"and in-kernel devices",
					required_caps[i].name);
	if (vm->want_cpus > GIC_MAX_VCPUS)
		return err_user(-ERANGE,
				"vm: %u vCPUs asked for, but tinyvmm's arm64 GIC layout has "
				"redistributors for %llu; ask for fewer",
				vm->want_cpus, (unsigned long long)GIC_MAX_VCPUS);
	return 0;
}

/* Log "vm: WHAT: error" for a failed ioctl and pass the error on. */
static int ioctl_check(int r, const char *what)
{
	return r < 0 ? err_host(r, "vm: %s: %s", what, strerror(-r)) : 0;
}

static int create_device(struct vm *vm, u32 type, const char *what, int *fd)
{
	struct kvm_create_device cd = {.type = type};
	int r = ioctl_ptr(vm->vm_fd, KVM_CREATE_DEVICE, &cd);

	if (r < 0)
		return err_host(r,
				"vm: this host's KVM cannot create a %s: %s; tinyvmm needs a "
				"host with a GICv3",
				what, strerror(-r));
	*fd = (int)cd.fd;
	return 0;
}

static int dev_attr(int fd, u32 group, u64 attr, const void *val, const char *what)
{
	struct kvm_device_attr a = {.group = group, .attr = attr, .addr = (u64)(uintptr_t)val};

	return ioctl_check(ioctl_ptr(fd, KVM_SET_DEVICE_ATTR, &a), what);
}

int arch_vm_create(struct vm *vm)
{
	struct arch_vm *a = calloc(1, sizeof(*vm->arch));
	u64 dist = GIC_DIST_GPA, redist = GIC_REDIST_GPA, its = GIC_ITS_GPA;
	u32 nr_irqs = GIC_SPI_BASE + GIC_NR_SPIS;
	int r;

	if (!a)
		return err_host(-ENOMEM, "vm: out of memory");
	vm->arch = a;
	a->gic_fd = a->its_fd = -1;
	a->mpidr = calloc(vm->want_cpus ? vm->want_cpus : 1, sizeof(*a->mpidr));
	if (!a->mpidr)
		return err_host(-ENOMEM, "vm: out of memory");
	r = ioctl_check(ioctl_ptr(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &a->init),
			"KVM_ARM_PREFERRED_TARGET");
	if (r == 0)
		r = create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V3, "GICv3", &a->gic_fd);
	if (r == 0)
		r = dev_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
			     &dist, "the GIC distributor's address");
	if (r == 0)
		r = dev_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST,
			     &redist, "the GIC redistributors' address");
	if (r == 0)
		r = dev_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs,
			     "the GIC's interrupt count");
	if (r == 0)
		r = create_device(vm, KVM_DEV_TYPE_ARM_VGIC_ITS,
				  "GICv3 ITS (VFs need it for MSI-X)", &a->its_fd);
	if (r == 0)
		r = dev_attr(a->its_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &its,
			     "the GIC ITS's address");
	return r;
}

/* The GIC is initialized once every vCPU exists (KVM requires it). */
int arch_vm_ready(struct vm *vm)
{
	struct arch_vm *a = vm->arch;
	int r;

	r = dev_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
		     "initializing the GIC");
	if (r == 0)
		r = dev_attr(a->its_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
			     "initializing the GIC ITS");
	return r;
}

/* ---- the platform devices ---- */

static void serial_irq(void *opaque, int level)
{
	struct vm *vm = opaque;
	u32 irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | (GIC_SPI_BASE + UART_SPI);
	int r = vm_irq_line(vm, irq, level);

	if (r < 0)
		LOG_ONCE(LOG_ERR, "serial: KVM_IRQ_LINE on SPI %d: %s", UART_SPI, strerror(-r));
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

/* Register d (made by its create function: NULL is out of memory) at [gpa, +len). */
static int add_device(struct vm *vm, struct device **slot, struct device *d, u64 gpa, u64 len)
{
	int r;

	if (!d)
		return err_host(-ENOMEM, "vm: cannot create a device: out of memory");
	*slot = d;
	r = bus_register(&vm->mmio, gpa, len, d);
	if (r < 0)
		return err_host(r, "%s: cannot claim 0x%llx-0x%llx: %s", d->name,
				(unsigned long long)gpa, (unsigned long long)(gpa + len - 1),
				strerror(-r));
	return 0;
}

int arch_vm_devices(struct vm *vm)
{
	struct arch_vm *a = vm->arch;
	int r;

	r = serial_create(&vm->serial, serial_irq, serial_kick, vm);
	if (r < 0)
		return err_host(r, "serial: cannot create the UART: %s", strerror(-r));
	r = bus_register(&vm->mmio, UART_GPA, UART_SIZE, serial_device(vm->serial));
	if (r < 0)
		return err_host(r, "serial: cannot claim 0x%llx: %s", (unsigned long long)UART_GPA,
				strerror(-r));
	r = add_device(vm, &a->pvpanic, pvpanic_create(power_event, vm), PVPANIC_GPA, PVPANIC_SIZE);
	if (r == 0)
		r = add_device(vm, &a->debug_exit, debug_exit_create(debug_exit, vm),
			       DEBUG_EXIT_GPA, DEBUG_EXIT_SIZE);
	return r;
}

void arch_vm_destroy(struct vm *vm)
{
	struct arch_vm *a = vm->arch;

	if (!a)
		return;
	struct device **devs[] = {&a->pvpanic, &a->debug_exit};

	for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
		if (*devs[i] && (*devs[i])->ops->destroy)
			(*devs[i])->ops->destroy(*devs[i]);
		*devs[i] = NULL;
	}
	if (vm->serial)
		serial_destroy(vm->serial);
	vm->serial = NULL;
	if (a->its_fd >= 0)
		close(a->its_fd);
	if (a->gic_fd >= 0)
		close(a->gic_fd);
	free(a->mpidr);
	free(a);
	vm->arch = NULL;
}
