/* SPDX-License-Identifier: MIT */
/*
 * arch.h - what an architecture provides: the small interface between the
 * code every architecture shares (vmm/core, vmm/pci, vmm/api) and the code
 * one architecture owns (vmm/arch/<arch>/, devices/<arch>/,
 * firmware/<arch>/). The build picks the folder (make ARCH=x86); its guest
 * addresses, ports and IRQ numbers are in its include/arch/layout.h, which
 * also gives the shared code a few names every architecture defines:
 * GUEST_PAGE_SIZE, GUEST_MAX_RAM, MSI_GSI_BASE, PCI_MAX_SLOTS,
 * PCI_HOST_BRIDGE_SLOT and PCI_FIRST_DEVICE_SLOT.
 *
 * The VM (vmm/core/vm.c), in this order:
 *   arch_vm_check(vm)    the KVM capabilities this architecture needs
 *   arch_vm_create(vm)   VM-wide state after KVM_CREATE_VM, before RAM and
 *                        vCPUs (x86: TSS and identity map, IRQ chip, PIT)
 *   arch_vm_devices(vm)  the platform devices on vm->pio and vm->mmio: the
 *                        UART (vm->serial), power off, reset, panic and the
 *                        guest's debug exit, wired to vm_power_event() and
 *                        vm_guest_exit()
 *   arch_vcpu_init(v)    each vCPU after KVM_CREATE_VCPU (x86: CPUID, MSRs,
 *                        LAPIC pins; arm64: KVM_ARM_VCPU_INIT)
 *   arch_vm_ready(vm)    once every vCPU exists (arm64: the GIC's init)
 *   arch_vm_destroy(vm)  all of it; safe on a partial create
 * The vCPU loop (vmm/core/vcpu.c) handles MMIO, interrupted runs and KVM's
 * system events itself and hands every other exit to arch_vcpu_exit().
 *
 * Booting (vmm/api/library_run.c): arch_kernel_open() reads and checks the
 * kernel file's headers (the user's errors come out before KVM is touched),
 * arch_boot() puts the kernel, initrd, command line and firmware tables
 * into guest RAM and sets the boot vCPU's registers.
 *
 * PCI (vmm/pci): arch_pci_attach() gives the guest the configuration
 * mechanism it reaches the host bridge by (x86: ports 0xcf8-0xcff); the
 * windows, legacy interrupt wiring, free guest addresses and KVM's default
 * interrupt routing are the architecture's too.
 *
 * Functions that can fail log one line where they fail and return -errno,
 * marked as the user's where the user's input is at fault (err.h).
 */
#ifndef TINYVMM_ARCH_H
#define TINYVMM_ARCH_H

#include "vmm/base/util.h"

struct gsi_routes;
struct pcihp;
struct input_file;
struct pci_host;
struct pci_windows;
struct vcpu;
struct vm;

/* ---- the VM ---- */

struct arch_vm; /* the architecture's part of struct vm (vm->arch) */

int arch_vm_check(struct vm *vm);
int arch_vm_create(struct vm *vm);
int arch_vm_devices(struct vm *vm);
int arch_vm_ready(struct vm *vm);
void arch_vm_destroy(struct vm *vm);

/* ---- vCPUs ---- */

int arch_vcpu_init(struct vcpu *v);

/*
 * An exit the core loop does not handle (counted in v->exits by the arch).
 * Returns 1 to run on, 0 when the VM was stopped (vm_stop()), -ENOENT for
 * an exit this architecture does not know either.
 */
int arch_vcpu_exit(struct vcpu *v);

/* Log where the vCPU is (its registers), a few lines. */
void arch_vcpu_dump(struct vcpu *v);

/* ---- guest RAM ---- */

#define ARCH_MAX_RAM_RANGES 2

/*
 * The guest physical ranges of ram bytes of RAM (out has room for
 * ARCH_MAX_RAM_RANGES); -EINVAL for 0, more than GUEST_MAX_RAM or a size
 * that is not page-aligned. Pure.
 */
int arch_ram_layout(u64 ram, struct ram_range *out, unsigned int *nr);

/* ---- boot ---- */

struct arch_kernel; /* a kernel image whose headers were read and checked */

/* Read and check the headers of kernel file f for a guest with ram bytes of RAM. */
int arch_kernel_open(const struct input_file *f, u64 ram, struct arch_kernel **out);
void arch_kernel_free(struct arch_kernel *k); /* NULL is a no-op */

struct arch_boot {
	const struct input_file *kernel_file;
	const struct arch_kernel *kernel; /* from arch_kernel_open() on kernel_file */
	const char *cmdline;
	const struct input_file *initrd; /* path NULL: none */
	unsigned int ncpus;
	const char *dump_dtb; /* ARCH_HAS_DTB: also write the device tree to this file */
};

/* Load everything into vm's RAM (fresh, zeroed) and set the boot vCPU to enter. */
int arch_boot(struct vm *vm, const struct arch_boot *b);

/* ---- PCI ---- */

/* Route the guest's configuration accesses to host (its mechanism on its bus). */
int arch_pci_attach(struct vm *vm, struct pci_host *host);
/* Undo arch_pci_attach() once the vCPUs are joined; safe when it failed or never ran. */
void arch_pci_detach(struct vm *vm);

/* The guest address windows the BARs are placed in. */
void arch_pci_windows(struct pci_windows *w);

/* The GSI that INTx pin (0 = INTA) of the function in slot raises. */
u32 arch_pci_intx_gsi(unsigned int slot, unsigned int pin);

/*
 * May a BAR sit at [gpa, gpa+size)? Inside a PCI window, clear of RAM and of
 * everything the platform puts at fixed guest addresses or ports. Pure.
 */
bool arch_pci_bar_allowed(const struct ram_range *ram, unsigned int nr_ram, bool io, u64 gpa,
			  u64 size);

/* t filled with KVM's default interrupt routing for this architecture's IRQ chip. */
int arch_pci_routes_init(struct gsi_routes *t);

/* The VM's PCI hotplug controller (devices/pci_hotplug.h); NULL without one (arm64). */
struct pcihp *arch_pci_hotplug(struct vm *vm);
/*
 * Can the guest take a hotplug event now? 0, or -EAGAIN with the reason in
 * msg (x86: its ACPI GED interrupt is still masked: the guest has not
 * finished booting, or its kernel has no ACPI GED driver), -EOPNOTSUPP
 * when the architecture has no PCI hotplug.
 */
int arch_pci_hotplug_ready(struct vm *vm, char *msg, size_t cap);

/* ---- the sandbox (arch_seccomp.c; vmm/sandbox/seccomp.c) ---- */

/*
 * The ioctl requests this architecture adds to a kind of thread's set
 * (vmm/sandbox/seccomp.h): the vCPU threads', the run's (which holds the
 * vCPUs': the vCPU threads keep the run thread's filter) and the api's (a
 * hot add; the api thread starts before the run's filter goes on).
 */
extern const unsigned long arch_vcpu_ioctls[];
extern const unsigned int arch_nr_vcpu_ioctls;
extern const unsigned long arch_run_ioctls[];
extern const unsigned int arch_nr_run_ioctls;
extern const unsigned long arch_api_ioctls[];
extern const unsigned int arch_nr_api_ioctls;
/* Argument i (0-5) of the system call a SIGSYS handler's ucontext trapped. */
unsigned long arch_syscall_arg(const void *uc, unsigned int i);

#endif
