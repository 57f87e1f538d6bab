// SPDX-License-Identifier: MIT
/*
 * test_kvm.c - smoke tests on this machine's /dev/kvm: tiny 64-bit guests
 * entered through the real boot path (boot page tables, GDT, long-mode
 * sregs), first on a bare KVM vCPU, then through vm_create()/vm_start()
 * with the in-kernel IRQ chip, the buses and the platform devices.
 *
 * Without a usable /dev/kvm every test skips and says why.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/serial.h"
#include "vmm/arch/x86/boot.h"
#include "vmm/arch/x86/bzimage.h"
#include "vmm/base/exitcode.h"
#include "arch/layout.h"
#include "vmm/arch/x86/arch_x86.h"
#include "vmm/core/vcpu.h"
#include "vmm/core/vm.h"

static char no_kvm[160]; /* why KVM cannot be used here, or "" */

#define REQUIRE_KVM()                                                                              \
	do {                                                                                       \
		if (no_kvm[0]) {                                                                   \
			print_message("skipped: %s\n", no_kvm);                                    \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static int probe_kvm(void **state UNUSED)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vmfd;

	if (kvm < 0) {
		snprintf(no_kvm, sizeof(no_kvm), "/dev/kvm: %s", strerror(errno));
		return 0;
	}
	vmfd = ioctl_val(kvm, KVM_CREATE_VM, 0);
	if (vmfd < 0)
		snprintf(no_kvm, sizeof(no_kvm), "KVM_CREATE_VM: %s", strerror(-vmfd));
	else
		close(vmfd);
	close(kvm);
	return vcpu_signals_init();
}

/* 64-bit code: a REX.W store proves long mode, then 'K' to COM1. */
static const u8 code_store_and_out[] = {
    0x48, 0xb8, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01, /* mov rax, imm64 */
    0x48, 0x89, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00,		/* mov [0x200000], rax */
    0x66, 0xba, 0xf8, 0x03,					/* mov dx, 0x3f8 */
    0xb0, 'K',							/* mov al, 'K' */
    0xee,							/* out dx, al */
};
static const u8 code_hlt[] = {0xf4};
static const u8 code_poweroff[] = {
    0x66, 0xba, 0x00, 0x06, /* mov dx, ACPI_SLEEP_CTL_PORT */
    0xb0, 0x34,		    /* mov al, SLP_EN | S5 << 2 */
    0xee,		    /* out dx, al */
    0xeb, 0xfe,		    /* jmp $ */
};
static const u8 code_ud2[] = {0x0f, 0x0b};
static const u8 code_spin[] = {0xeb, 0xfe};

/* Boot page tables and GDT, then code at the 64-bit entry point. */
static void put_guest(struct mem *m, const u8 *a, size_t alen, const u8 *b, size_t blen)
{
	gpa_t entry = KERNEL_LOAD_GPA + BZ_ENTRY64_OFFSET;

	assert_int_equal(
	    boot_build_page_tables(mem_gpa_to_hva(m, BOOT_PML4_GPA, BOOT_PT_SIZE), BOOT_PT_SIZE),
	    0);
	assert_int_equal(
	    boot_build_gdt(mem_gpa_to_hva(m, BOOT_GDT_GPA, BOOT_GDT_SIZE), BOOT_GDT_SIZE), 0);
	assert_int_equal(boot_copy(m, entry, a, alen), 0);
	if (b)
		assert_int_equal(boot_copy(m, entry + alen, b, blen), 0);
}

static void check_store(struct mem *m)
{
	assert_int_equal(get_le64(mem_gpa_to_hva(m, 0x200000, 8)), 0x0123456789abcdefULL);
}

/* A bare vCPU (no IRQ chip): OUT exits with 'K', then HLT exits. */
static void test_bare_long_mode(void **state UNUSED)
{
	struct kvm_userspace_memory_region reg;
	struct kvm_sregs s;
	struct kvm_regs r;
	struct kvm_run *run;
	struct mem m;
	int kvm, vmfd, cpu, run_size;

	REQUIRE_KVM();
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	assert_true(kvm >= 0);
	vmfd = ioctl_val(kvm, KVM_CREATE_VM, 0);
	assert_true(vmfd >= 0);
	assert_int_equal(ioctl_val(vmfd, KVM_SET_TSS_ADDR, KVM_TSS_GPA), 0);
	assert_int_equal(mem_create(&m, 16 * MiB, false), 0);
	reg = (struct kvm_userspace_memory_region){
	    .slot = 0,
	    .guest_phys_addr = 0,
	    .memory_size = m.size,
	    .userspace_addr = (u64)(uintptr_t)m.base,
	};
	assert_int_equal(ioctl_ptr(vmfd, KVM_SET_USER_MEMORY_REGION, &reg), 0);
	put_guest(&m, code_store_and_out, sizeof(code_store_and_out), code_hlt, sizeof(code_hlt));

	cpu = ioctl_val(vmfd, KVM_CREATE_VCPU, 0);
	assert_true(cpu >= 0);
	run_size = ioctl_val(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	assert_true(run_size >= (int)sizeof(*run));
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0);
	assert_true(run != MAP_FAILED);
	assert_int_equal(ioctl_ptr(cpu, KVM_GET_SREGS, &s), 0);
	boot_sregs(&s);
	assert_int_equal(ioctl_ptr(cpu, KVM_SET_SREGS, &s), 0);
	boot_regs(&r, KERNEL_LOAD_GPA + BZ_ENTRY64_OFFSET);
	assert_int_equal(ioctl_ptr(cpu, KVM_SET_REGS, &r), 0);

	assert_int_equal(ioctl_val(cpu, KVM_RUN, 0), 0);
	if (run->exit_reason != KVM_EXIT_IO)
		fail_msg("first exit is %s, expected IO", vcpu_exit_reason_name(run->exit_reason));
	assert_int_equal(run->io.direction, KVM_EXIT_IO_OUT);
	assert_int_equal(run->io.port, COM1_PORT);
	assert_int_equal(run->io.size, 1);
	assert_int_equal(run->io.count, 1);
	assert_int_equal(((u8 *)run)[run->io.data_offset], 'K');
	check_store(&m);

	assert_int_equal(ioctl_val(cpu, KVM_RUN, 0), 0);
	if (run->exit_reason != KVM_EXIT_HLT)
		fail_msg("second exit is %s, expected HLT",
			 vcpu_exit_reason_name(run->exit_reason));
	/* Still in 64-bit mode with paging, just past the HLT. */
	assert_int_equal(ioctl_ptr(cpu, KVM_GET_SREGS, &s), 0);
	assert_true(s.efer & EFER_LMA);
	assert_int_equal(s.cs.l, 1);
	assert_int_equal(s.cr3, BOOT_PML4_GPA);
	assert_int_equal(ioctl_ptr(cpu, KVM_GET_REGS, &r), 0);
	assert_int_equal(r.rip, KERNEL_LOAD_GPA + 0x200 + sizeof(code_store_and_out) + 1);

	munmap(run, (size_t)run_size);
	close(cpu);
	close(vmfd);
	close(kvm);
	mem_destroy(&m);
}

/* Run a VM made by vm_create() until it stops (10 s at most). */
static void run_vm(struct vm *vm, unsigned int cpus, const u8 *a, size_t alen, const u8 *b,
		   size_t blen, bool stop_it)
{
	struct pollfd p;

	assert_int_equal(vm_create(vm, 32 * MiB, cpus, false), 0);
	assert_int_equal(vm->nr_vcpus, cpus);
	put_guest(&vm->mem, a, alen, b, blen);
	assert_int_equal(arch_boot_set_entry(&vm->vcpus[0], KERNEL_LOAD_GPA + BZ_ENTRY64_OFFSET),
			 0);
	assert_int_equal(vm_start(vm), 0);
	if (stop_it) {
		usleep(200 * 1000);
		assert_int_equal(vm_stop_reason(vm), VM_RUNNING);
		vm_stop(vm, VM_STOP_SIGNAL, EXIT_SIGNAL_BASE + SIGTERM);
	}
	p = (struct pollfd){.fd = vm->stop_efd, .events = POLLIN};
	if (poll(&p, 1, 10000) != 1) {
		vm_stop(vm, VM_STOP_ERROR, EXIT_HOST);
		vm_join(vm);
		vm_destroy(vm);
		fail_msg("the guest did not stop within 10 s");
	}
	vm_join(vm);
}

static void test_vm_poweroff(void **state UNUSED)
{
	const u8 *tx;
	struct vm vm;

	REQUIRE_KVM();
	run_vm(&vm, 2, code_store_and_out, sizeof(code_store_and_out), code_poweroff,
	       sizeof(code_poweroff), false);
	assert_int_equal(vm_stop_reason(&vm), VM_STOP_POWEROFF);
	assert_int_equal(vm_exit_code(&vm), EXIT_POWEROFF);
	check_store(&vm.mem);
	/* 'K' went through the PIO bus into the UART's transmit ring. */
	assert_int_equal(serial_tx_peek(vm.serial, &tx), 1);
	assert_int_equal(tx[0], 'K');
	assert_int_equal(vm.vcpus[0].exits[VCPU_EXIT_IO], 2);
	assert_int_equal(vm.vcpus[1].exits[VCPU_EXIT_IO], 0); /* the AP never ran */
	vm_destroy(&vm);
}

static void test_vm_triple_fault(void **state UNUSED)
{
	struct vm vm;

	REQUIRE_KVM();
	/* ud2 with an empty IDT: #UD -> #GP -> #DF -> shutdown. */
	run_vm(&vm, 1, code_ud2, sizeof(code_ud2), NULL, 0, false);
	assert_int_equal(vm_stop_reason(&vm), VM_STOP_CRASH);
	assert_int_equal(vm_exit_code(&vm), EXIT_CRASH);
	assert_int_equal(vm.vcpus[0].exits[VCPU_EXIT_SHUTDOWN], 1);
	vm_destroy(&vm);
}

static void test_vm_stop_spinning(void **state UNUSED)
{
	struct vm vm;

	REQUIRE_KVM();
	/* The BSP spins in guest mode and the APs wait for SIPI in the
	 * kernel: the kick must get all of them out. */
	run_vm(&vm, 3, code_spin, sizeof(code_spin), NULL, 0, true);
	assert_int_equal(vm_stop_reason(&vm), VM_STOP_SIGNAL);
	assert_int_equal(vm_exit_code(&vm), EXIT_SIGNAL_BASE + SIGTERM);
	/* A later stop does not override the first. */
	vm_stop(&vm, VM_STOP_POWEROFF, 0);
	assert_int_equal(vm_stop_reason(&vm), VM_STOP_SIGNAL);
	vm_destroy(&vm);
}

/* pthread_create() through the wrap: the call numbered fail_create_at fails, late. */
int __real_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg);
int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg);
static int fail_create_at, creates;

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
	if (fail_create_at && ++creates == fail_create_at) {
		usleep(300 * 1000); /* time for the vCPUs started to run, were they let */
		return EAGAIN;
	}
	return __real_pthread_create(t, a, fn, arg);
}

/*
 * A vCPU thread that fails to start stops the VM as a host error before
 * any vCPU runs: vCPU 0, whose code powers off at once, is held until all
 * have started, so the run cannot end as that poweroff (exit 0).
 */
static void test_vm_start_fails(void **state UNUSED)
{
	struct vm vm;

	REQUIRE_KVM();
	assert_int_equal(vm_create(&vm, 32 * MiB, 2, false), 0);
	put_guest(&vm.mem, code_store_and_out, sizeof(code_store_and_out), code_poweroff,
		  sizeof(code_poweroff));
	assert_int_equal(arch_boot_set_entry(&vm.vcpus[0], KERNEL_LOAD_GPA + BZ_ENTRY64_OFFSET), 0);
	creates = 0;
	fail_create_at = 2; /* vCPU 1's thread */
	assert_int_equal(vm_start(&vm), -EAGAIN);
	fail_create_at = 0;
	vm_join(&vm);
	assert_int_equal(vm_stop_reason(&vm), VM_STOP_ERROR);
	assert_int_equal(vm_exit_code(&vm), EXIT_HOST);
	assert_int_equal(vm.vcpus[0].exits[VCPU_EXIT_IO], 0); /* held, then stopped */
	vm_destroy(&vm);
}

static u64 counter(struct vm *vm)
{
	return __atomic_load_n((u64 *)mem_gpa_to_hva(&vm->mem, 0x200000, 8), __ATOMIC_RELAXED);
}

/*
 * vm_pause(): the BSP counts in guest memory, the APs wait for SIPI in the
 * kernel; every one parks, the count stands still until vm_resume(), and a
 * stop while paused wakes them for vm_join().
 */
static void test_vm_pause(void **state UNUSED)
{
	static const u8 code_count[] = {
	    0x48, 0xff, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00, /* 1: inc qword [0x200000] */
	    0xeb, 0xf6,					    /* jmp 1b */
	};
	struct pollfd p;
	struct vm vm;
	u64 c;

	REQUIRE_KVM();
	assert_int_equal(vm_create(&vm, 32 * MiB, 3, false), 0);
	put_guest(&vm.mem, code_count, sizeof(code_count), NULL, 0);
	assert_int_equal(arch_boot_set_entry(&vm.vcpus[0], KERNEL_LOAD_GPA + BZ_ENTRY64_OFFSET), 0);
	/* paused before it starts: the vCPUs park at once */
	assert_int_equal(vm_pause(&vm), 0);
	assert_int_equal(vm_start(&vm), 0);
	usleep(100 * 1000);
	assert_int_equal(counter(&vm), 0);
	vm_resume(&vm);
	for (int i = 0; i < 200 && counter(&vm) == 0; i++)
		usleep(10 * 1000);
	assert_true(counter(&vm) > 0);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(vm_pause(&vm), 0);
		assert_true(vm_paused(&vm));
		assert_int_equal(vm.parked, 3);
		assert_int_equal(vm_pause(&vm), 0); /* idempotent */
		c = counter(&vm);
		usleep(150 * 1000);
		assert_int_equal(counter(&vm), c);
		vm_resume(&vm);
		vm_resume(&vm);
		assert_false(vm_paused(&vm));
		for (int i = 0; i < 200 && counter(&vm) == c; i++)
			usleep(10 * 1000);
		assert_true(counter(&vm) > c);
	}
	/* stop while paused */
	assert_int_equal(vm_pause(&vm), 0);
	vm_stop(&vm, VM_STOP_SIGNAL, EXIT_SIGNAL_BASE + SIGTERM);
	p = (struct pollfd){.fd = vm.stop_efd, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 1000), 1);
	vm_join(&vm);
	assert_int_equal(vm.parked, 0);
	assert_int_equal(vm_pause(&vm), -ESRCH);
	assert_int_equal(vm_stop_reason(&vm), VM_STOP_SIGNAL);
	vm_destroy(&vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bare_long_mode),  cmocka_unit_test(test_vm_poweroff),
	    cmocka_unit_test(test_vm_triple_fault), cmocka_unit_test(test_vm_stop_spinning),
	    cmocka_unit_test(test_vm_pause),	    cmocka_unit_test(test_vm_start_fails),
	};

	return cmocka_run_group_tests(tests, probe_kvm, NULL);
}
