// SPDX-License-Identifier: MIT
/*
 * arch_boot.c - booting x86 Linux (vmm/arch/arch.h): the kernel image (a
 * bzImage or a vmlinux, kernel_image.h), and the 64-bit boot protocol
 * (boot.h): everything into RAM, then the BSP's registers.
 */
#include <stdlib.h>
#include <string.h>

#include "vmm/arch/arch.h"
#include "vmm/arch/x86/arch_x86.h"
#include "vmm/arch/x86/boot.h"
#include "vmm/arch/x86/kernel_image.h"
#include "vmm/base/err.h"
#include "vmm/base/input_file.h"
#include "vmm/base/log.h"
#include "vmm/core/vcpu.h"
#include "vmm/core/vm.h"

struct arch_kernel {
	u8 *headers; /* the file's first bytes; img.setup points in */
	struct kernel_image img;
};

int arch_kernel_open(const struct input_file *f, u64 ram, struct arch_kernel **out)
{
	struct arch_kernel *k = calloc(1, sizeof(*k));
	const struct kernel_image *img;
	const char *why;
	size_t len;
	u64 file_len;
	int r;

	*out = NULL;
	if (!k)
		return err_host(-ENOMEM, "kernel %s: out of memory", f->path);
	img = &k->img;
	r = boot_read_kernel_header(f, &k->headers, &len, &file_len);
	if (r < 0) {
		free(k);
		return r;
	}
	if (kernel_image_parse(k->headers, len, file_len, ram, &k->img, &why) < 0) {
		arch_kernel_free(k);
		return err_user(-EINVAL, "kernel %s: %s", f->path, why);
	}
	if (img->format == KERNEL_BZIMAGE)
		log_debug("kernel %s: bzImage protocol %u.%02u, %llu-byte payload, needs RAM up to "
			  "0x%llx",
			  f->path, img->protocol >> 8, img->protocol & 0xff,
			  (unsigned long long)img->seg[0].filesz,
			  (unsigned long long)img->kernel_end);
	else
		log_debug("kernel %s: vmlinux, %u segment(s) in 0x%llx-0x%llx, entry 0x%llx",
			  f->path, img->nr_seg, (unsigned long long)img->seg[0].gpa,
			  (unsigned long long)img->kernel_end, (unsigned long long)img->entry);
	*out = k;
	return 0;
}

void arch_kernel_free(struct arch_kernel *k)
{
	if (!k)
		return;
	free(k->headers);
	free(k);
}

int arch_boot_set_entry(struct vcpu *v, gpa_t entry)
{
	struct kvm_sregs s;
	struct kvm_regs regs;
	int r;

	r = ioctl_ptr(v->fd, KVM_GET_SREGS, &s);
	if (r == 0) {
		boot_sregs(&s);
		r = ioctl_ptr(v->fd, KVM_SET_SREGS, &s);
	}
	if (r == 0) {
		boot_regs(&regs, entry);
		r = ioctl_ptr(v->fd, KVM_SET_REGS, &regs);
	}
	if (r < 0)
		return err_host(r, "vcpu %u: cannot set the boot registers: %s", v->id,
				strerror(-r));
	return 0;
}

int arch_boot(struct vm *vm, const struct arch_boot *b)
{
	struct boot_input in = {
	    .kernel_file = b->kernel_file,
	    .kernel = &b->kernel->img,
	    .cmdline = b->cmdline,
	    .initrd = b->initrd,
	    .ncpus = b->ncpus,
	};
	struct boot_info info;
	int r = boot_load(&vm->mem, &in, &info);

	if (r < 0)
		return r;
	log_debug("boot: entry 0x%llx, zero page 0x%llx, initrd %llu bytes at 0x%llx",
		  (unsigned long long)info.entry, (unsigned long long)info.zero_page,
		  (unsigned long long)info.initrd_size, (unsigned long long)info.initrd_gpa);
	/* The APs wait in the in-kernel LAPIC for INIT/SIPI. */
	return arch_boot_set_entry(&vm->vcpus[0], info.entry);
}
