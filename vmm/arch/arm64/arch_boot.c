// SPDX-License-Identifier: MIT
/*
 * arch_boot.c - booting arm64 Linux (vmm/arch/arch.h,
 * Documentation/arch/arm64/booting.rst): the Image at RAM_BASE +
 * text_offset, the device tree in the last 2 MiB of RAM, the initrd just
 * below it, and the boot vCPU entering the Image's first byte at EL1 with
 * the MMU off, interrupts masked and x0 = the device tree. The other vCPUs
 * stay off until the guest's PSCI CPU_ON.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/layout.h"
#include "firmware/arm64/dtb.h"
#include "vmm/arch/arch.h"
#include "vmm/arch/arm64/arch_arm64.h"
#include "vmm/arch/arm64/image.h"
#include "vmm/base/out_file.h"
#include "vmm/base/err.h"
#include "vmm/base/input_file.h"
#include "vmm/base/host_open.h"
#include "vmm/base/log.h"
#include "vmm/core/mem.h"
#include "vmm/core/vcpu.h"
#include "vmm/core/vm.h"

#define ARM64_CMDLINE_MAX 2048 /* arm64's COMMAND_LINE_SIZE, with the NUL */

/* PSTATE at entry: EL1h, with D, A, I and F masked (booting.rst). */
#define BOOT_PSTATE (PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT)

struct arch_kernel {
	struct arm64_image img;
	u64 ram;
};

int arch_kernel_open(const struct input_file *f, u64 ram, struct arch_kernel **out)
{
	u8 hdr[IMAGE_PARSE_LEN];
	struct arch_kernel *k;
	size_t len;
	const char *why;
	u64 size = 0;
	int r;

	*out = NULL;
	r = input_file_size(f, &size);
	if (r < 0)
		return r;
	if (size == 0)
		return err_user(-EINVAL, "kernel %s: empty file", f->path);
	len = (size_t)MIN(size, (u64)sizeof(hdr));
	r = input_file_read_at(f, 0, hdr, len);
	if (r < 0)
		return r;
	k = calloc(1, sizeof(*k));
	if (!k)
		return err_host(-ENOMEM, "kernel %s: out of memory", f->path);
	if (image_parse(hdr, len, size, RAM_BASE, ram, DTB_MAX_SIZE, &k->img, &why) < 0) {
		free(k);
		return err_user(-EINVAL, "kernel %s: %s", f->path, why);
	}
	k->ram = ram;
	log_debug("kernel %s: arm64 Image, %llu bytes, text_offset 0x%llx, image_size %llu, flags "
		  "0x%llx",
		  f->path, (unsigned long long)size, (unsigned long long)k->img.text_offset,
		  (unsigned long long)k->img.image_size, (unsigned long long)k->img.flags);
	*out = k;
	return 0;
}

void arch_kernel_free(struct arch_kernel *k)
{
	free(k);
}

static int load_kernel(struct vm *vm, const struct arch_boot *b)
{
	const struct arm64_image *img = &b->kernel->img;
	u8 *dst = mem_gpa_to_hva(&vm->mem, img->load, img->image_size);
	int r;

	if (!dst)
		return err_user(-EINVAL,
				"kernel %s: %llu bytes at 0x%llx run past the end of RAM; "
				"use a bigger --mem",
				b->kernel_file->path, (unsigned long long)img->image_size,
				(unsigned long long)img->load);
	r = input_file_read_at(b->kernel_file, 0, dst, img->file_size);
	if (r < 0)
		return r;
	memset(dst + img->file_size, 0, img->image_size - img->file_size); /* its .bss */
	return 0;
}

static int load_initrd(struct vm *vm, const struct arch_boot *b, gpa_t dtb, struct dtb_config *c)
{
	const struct input_file *f = b->initrd;
	u64 size = 0;
	gpa_t gpa;
	void *dst;
	int r;

	r = input_file_size(f, &size);
	if (r < 0)
		return r;
	if (size == 0)
		return err_user(-EINVAL, "initrd %s: empty file", f->path);
	if (image_place_initrd(&b->kernel->img, RAM_BASE, dtb, size, &gpa) < 0)
		return err_user(
		    -EINVAL,
		    "initrd %s: %llu MiB does not fit between the kernel (%llu MiB) "
		    "and the device tree at the top of RAM; use a bigger --mem",
		    f->path, (unsigned long long)((size + MiB - 1) / MiB),
		    (unsigned long long)((b->kernel->img.end - RAM_BASE + MiB - 1) / MiB));
	dst = mem_gpa_to_hva(&vm->mem, gpa, size);
	if (!dst)
		return err_host(-EFAULT, "initrd %s: 0x%llx is not in guest RAM", f->path,
				(unsigned long long)gpa);
	r = input_file_read_at(f, 0, dst, size);
	if (r < 0)
		return r;
	c->initrd_gpa = gpa;
	c->initrd_size = size;
	log_debug("initrd %s: %llu bytes at 0x%llx", f->path, (unsigned long long)size,
		  (unsigned long long)gpa);
	return 0;
}

/* Write len bytes of buf to a new or truncated file at path; -errno. */
static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = host_open(path, OUT_FILE_FLAGS(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC), 0644),
	    r = 0;
	const u8 *p = buf;

	fd = out_file_opened(fd); /* a FIFO with no reader: ENXIO */
	if (fd < 0)
		return fd;
	while (len && r == 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0) {
			p += w;
			len -= (size_t)w;
		}
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int set_entry(struct vcpu *v, gpa_t pc, gpa_t dtb)
{
	int r = arch_reg_set(v, ARM64_CORE_REG(regs.pstate), BOOT_PSTATE);

	if (r == 0)
		r = arch_reg_set(v, ARM64_CORE_REG(regs.regs[0]), dtb);
	for (unsigned int i = 1; r == 0 && i < 4; i++)
		r = arch_reg_set(v, ARM64_CORE_REG(regs.regs[i]), 0);
	if (r == 0)
		r = arch_reg_set(v, ARM64_CORE_REG(regs.pc), pc);
	if (r < 0)
		return err_host(r, "vcpu %u: cannot set the boot registers: %s", v->id,
				strerror(-r));
	return 0;
}

int arch_boot(struct vm *vm, const struct arch_boot *b)
{
	const struct arm64_image *img = &b->kernel->img;
	gpa_t dtb = RAM_BASE + vm->mem.size - DTB_MAX_SIZE;
	struct dtb_config c = {
	    .ncpus = b->ncpus,
	    .mpidr = vm->arch->mpidr,
	    .ram = vm->mem.ranges,
	    .nr_ram = vm->mem.nr,
	    .cmdline = b->cmdline,
	};
	void *dst;
	ssize_t n;
	int r;

	if (strlen(b->cmdline) >= ARM64_CMDLINE_MAX)
		return err_user(-EINVAL,
				"kernel %s: command line is %zu bytes, arm64 Linux accepts at "
				"most %d",
				b->kernel_file->path, strlen(b->cmdline), ARM64_CMDLINE_MAX - 1);
	r = load_kernel(vm, b);
	if (r == 0 && b->initrd && b->initrd->path)
		r = load_initrd(vm, b, dtb, &c);
	if (r < 0)
		return r;
	dst = mem_gpa_to_hva(&vm->mem, dtb, DTB_MAX_SIZE);
	if (!dst)
		return err_host(-EFAULT, "boot: the device tree at 0x%llx is not in guest RAM",
				(unsigned long long)dtb);
	n = dtb_build(dst, DTB_MAX_SIZE, &c);
	if (n < 0) /* our tree, not the user's input: a host error */
		return err_host((int)n, "dtb: cannot build the device tree for %u vCPUs: %s",
				b->ncpus, strerror((int)-n));
	if (b->dump_dtb) {
		r = write_file(b->dump_dtb, dst, (size_t)n);
		if (r < 0)
			return err_file(r, "--dump-dtb %s: %s", b->dump_dtb,
					out_file_why(b->dump_dtb, -r));
	}
	log_debug("boot: Image at 0x%llx-0x%llx, device tree %zd bytes at 0x%llx, initrd %llu "
		  "bytes at 0x%llx",
		  (unsigned long long)img->load, (unsigned long long)img->end, n,
		  (unsigned long long)dtb, (unsigned long long)c.initrd_size,
		  (unsigned long long)c.initrd_gpa);
	return set_entry(&vm->vcpus[0], img->load, dtb);
}
