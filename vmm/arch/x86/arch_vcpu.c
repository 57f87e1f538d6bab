// SPDX-License-Identifier: MIT
/*
 * arch_vcpu.c - an x86 vCPU (vmm/arch/arch.h): its CPUID (APIC id = index),
 * reset MSRs and LAPIC LINT pins, the exits only x86 has (port I/O, a triple
 * fault), and its registers for a dump. The BSP's boot state is boot.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "vmm/arch/arch.h"
#include "vmm/arch/x86/arch_x86.h"
#include "vmm/arch/x86/cpu.h"
#include "vmm/arch/x86/pio.h"
#include "vmm/base/err.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/log.h"
#include "vmm/core/vcpu.h"
#include "vmm/core/vm.h"

static int set_cpuid(struct vcpu *v)
{
	const struct kvm_cpuid2 *sup = v->vm->arch->cpuid;
	size_t sz = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	struct kvm_cpuid2 *c = malloc(sz);
	int r;

	if (!c)
		return err_host(-ENOMEM, "vcpu %u: out of memory for its CPUID", v->id);
	memcpy(c, sup, sz);
	cpu_fixup_cpuid(c, v->id);
	r = ioctl_ptr(v->fd, KVM_SET_CPUID2, c);
	free(c);
	if (r < 0)
		return err_host(r, "vcpu %u: KVM_SET_CPUID2: %s", v->id, strerror(-r));
	return 0;
}

static int set_msrs(struct vcpu *v)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[CPU_BOOT_MSRS];
	} m;
	int r;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = cpu_boot_msrs(m.e);
	r = ioctl_ptr(v->fd, KVM_SET_MSRS, &m.hdr);
	if (r < 0)
		return err_host(r, "vcpu %u: KVM_SET_MSRS: %s", v->id, strerror(-r));
	/* KVM stops at the first MSR it refuses; the guest can live without it. */
	if ((u32)r < m.hdr.nmsrs)
		log_warn("vcpu %u: KVM refused MSR 0x%x; continuing without it", v->id,
			 m.e[r].index);
	return 0;
}

static int set_lapic(struct vcpu *v)
{
	struct kvm_lapic_state l;
	int r;

	r = ioctl_ptr(v->fd, KVM_GET_LAPIC, &l);
	if (r == 0) {
		cpu_lapic_lints(&l);
		r = ioctl_ptr(v->fd, KVM_SET_LAPIC, &l);
	}
	if (r < 0)
		return err_host(r, "vcpu %u: cannot set the LAPIC LINT pins: %s", v->id,
				strerror(-r));
	return 0;
}

int arch_vcpu_init(struct vcpu *v)
{
	int r = set_cpuid(v);

	if (r == 0)
		r = set_msrs(v);
	if (r == 0)
		r = set_lapic(v);
	return r;
}

void arch_vcpu_dump(struct vcpu *v)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl_ptr(v->fd, KVM_GET_REGS, &r) < 0 || ioctl_ptr(v->fd, KVM_GET_SREGS, &s) < 0) {
		log_err("vcpu %u: cannot read the registers for a dump", v->id);
		return;
	}
	log_err("vcpu %u: RIP=%016llx RSP=%016llx RFLAGS=%08llx RAX=%016llx RSI=%016llx", v->id,
		(unsigned long long)r.rip, (unsigned long long)r.rsp, (unsigned long long)r.rflags,
		(unsigned long long)r.rax, (unsigned long long)r.rsi);
	log_err("vcpu %u: CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx EFER=%08llx", v->id,
		(unsigned long long)s.cr0, (unsigned long long)s.cr2, (unsigned long long)s.cr3,
		(unsigned long long)s.cr4, (unsigned long long)s.efer);
	log_err("vcpu %u: CS=%04x base=%016llx limit=%08x type=%x l=%u db=%u dpl=%u", v->id,
		s.cs.selector, (unsigned long long)s.cs.base, s.cs.limit, s.cs.type, s.cs.l,
		s.cs.db, s.cs.dpl);
	/* KVM on AMD reinitializes the VMCB on a shutdown intercept, so after a
	 * triple fault the state read back is the reset state, not the crash. */
	if (r.rip == 0xfff0 && s.cs.base == 0xffff0000)
		log_err(
		    "vcpu %u: (these are reset-state registers: KVM on AMD resets the vCPU on a "
		    "triple fault; the faulting state is lost)",
		    v->id);
}

static int handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	u32 size = run->io.size, count = run->io.count;
	u64 off = run->io.data_offset, total = (u64)size * count;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;
	u8 *data = (u8 *)run + off;

	if (!range_ok(off, total, v->vm->run_size)) {
		LOG_ONCE(LOG_ERR, "vcpu %u: port I/O data outside kvm_run (offset %llu, %u x %u)",
			 v->id, (unsigned long long)off, count, size);
		return -EIO;
	}
	for (u32 i = 0; i < count; i++)
		pio_dispatch(&v->vm->pio, v->vm->arch->pci_cfg, run->io.port, data + (u64)i * size,
			     size, write);
	return 0;
}

int arch_vcpu_exit(struct vcpu *v)
{
	switch (v->run->exit_reason) {
	case KVM_EXIT_IO:
		v->exits[VCPU_EXIT_IO]++;
		if (handle_io(v) < 0) {
			vm_stop(v->vm, VM_STOP_ERROR, EXIT_HOST);
			return 0;
		}
		return 1;
	case KVM_EXIT_SHUTDOWN:
		v->exits[VCPU_EXIT_SHUTDOWN]++;
		log_err("vcpu %u: triple fault (KVM_EXIT_SHUTDOWN): the guest crashed", v->id);
		arch_vcpu_dump(v);
		vm_stop(v->vm, VM_STOP_CRASH, EXIT_CRASH);
		return 0;
	default:
		return -ENOENT;
	}
}
