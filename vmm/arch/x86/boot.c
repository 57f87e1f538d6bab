// SPDX-License-Identifier: MIT
/* boot.c - load a kernel for the Linux 64-bit boot protocol; see boot.h. */
#include <stdlib.h>
#include <string.h>

#include "firmware/x86/acpi.h"
#include "firmware/x86/bootparams.h"
#include "vmm/arch/x86/boot.h"
#include "arch/layout.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"

_Static_assert(BOOT_PDPT_GPA == BOOT_PML4_GPA + GUEST_PAGE_SIZE, "page tables are contiguous");
_Static_assert(BOOT_PD_GPA == BOOT_PDPT_GPA + GUEST_PAGE_SIZE, "page tables are contiguous");
_Static_assert(BOOT_PD_PAGES * 512 * 2 * MiB == 4 * GiB, "the PDs map exactly 0-4 GiB");
_Static_assert(BOOT_GDT_GPA + BOOT_GDT_SIZE <= BOOT_ZEROPAGE_GPA, "GDT overlaps the zero page");
_Static_assert(BOOT_ZEROPAGE_GPA + sizeof(struct boot_params) <= BOOT_PML4_GPA,
	       "zero page overlaps the page tables");
_Static_assert(BOOT_PML4_GPA + BOOT_PT_SIZE <= BOOT_CMDLINE_GPA, "page tables overlap cmdline");
_Static_assert(BOOT_CMDLINE_GPA + BOOT_CMDLINE_MAX <= EBDA_GPA, "cmdline overlaps the EBDA");

/* Descriptor access/flag bits: flags (G, D/B, L, AVL) << 12 | P DPL S type. */
#define DESC_CODE64 0xa09bU /* G, L, P, S, execute/read, accessed */
#define DESC_DATA   0xc093U /* G, D/B, P, S, read/write, accessed */
#define DESC_TSS64  0x008bU /* P, busy 64-bit TSS */
#define TSS_LIMIT   0x67U

static u64 gdt_desc(u32 flags, u32 base, u32 limit)
{
	return ((u64)(base & 0xff000000U) << 32) | ((u64)(flags & 0xf0ffU) << 40) |
	       ((u64)(limit & 0x000f0000U) << 32) | ((u64)(base & 0x00ffffffU) << 16) |
	       (u64)(limit & 0xffffU);
}

int boot_build_gdt(void *buf, size_t len)
{
	u8 *g = buf;

	if (len < BOOT_GDT_SIZE)
		return -ENOSPC;
	memset(g, 0, BOOT_GDT_SIZE);
	put_le64(g + BOOT_CS_SEL, gdt_desc(DESC_CODE64, 0, 0xfffff));
	put_le64(g + BOOT_DS_SEL, gdt_desc(DESC_DATA, 0, 0xfffff));
	/* 16-byte system descriptor; the upper half (base 63:32) stays 0. */
	put_le64(g + BOOT_TSS_SEL, gdt_desc(DESC_TSS64, 0, TSS_LIMIT));
	return 0;
}

int boot_build_page_tables(void *buf, size_t len)
{
	u8 *pml4 = buf, *pdpt = pml4 + GUEST_PAGE_SIZE, *pd = pdpt + GUEST_PAGE_SIZE;

	if (len < BOOT_PT_SIZE)
		return -ENOSPC;
	memset(buf, 0, BOOT_PT_SIZE);
	put_le64(pml4, BOOT_PDPT_GPA | PTE_P | PTE_RW);
	for (u64 i = 0; i < BOOT_PD_PAGES; i++)
		put_le64(pdpt + 8 * i, (BOOT_PD_GPA + i * GUEST_PAGE_SIZE) | PTE_P | PTE_RW);
	for (u64 i = 0; i < BOOT_PD_PAGES * 512; i++)
		put_le64(pd + 8 * i, (i * 2 * MiB) | PTE_P | PTE_RW | PTE_PS);
	return 0;
}

void boot_segment_from_desc(u64 desc, u16 sel, struct kvm_segment *seg)
{
	u32 limit = (u32)((desc & 0xffff) | ((desc >> 32) & 0xf0000));

	memset(seg, 0, sizeof(*seg));
	seg->base = ((desc >> 16) & 0xffffff) | (((desc >> 56) & 0xff) << 24);
	seg->g = (desc >> 55) & 1;
	seg->limit = seg->g ? (limit << 12) | 0xfff : limit;
	seg->selector = sel;
	seg->type = (desc >> 40) & 0xf;
	seg->s = (desc >> 44) & 1;
	seg->dpl = (desc >> 45) & 3;
	seg->present = (desc >> 47) & 1;
	seg->avl = (desc >> 52) & 1;
	seg->l = (desc >> 53) & 1;
	seg->db = (desc >> 54) & 1;
	seg->unusable = !seg->present;
}

void boot_sregs(struct kvm_sregs *s)
{
	struct kvm_segment code, data, tss;

	boot_segment_from_desc(gdt_desc(DESC_CODE64, 0, 0xfffff), BOOT_CS_SEL, &code);
	boot_segment_from_desc(gdt_desc(DESC_DATA, 0, 0xfffff), BOOT_DS_SEL, &data);
	boot_segment_from_desc(gdt_desc(DESC_TSS64, 0, TSS_LIMIT), BOOT_TSS_SEL, &tss);
	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->tr = tss;
	s->gdt.base = BOOT_GDT_GPA;
	s->gdt.limit = BOOT_GDT_SIZE - 1;
	s->idt.base = 0;
	s->idt.limit = 0;
	s->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	s->cr3 = BOOT_PML4_GPA;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA;
}

void boot_regs(struct kvm_regs *r, gpa_t entry)
{
	memset(r, 0, sizeof(*r));
	r->rip = entry;
	r->rsi = BOOT_ZEROPAGE_GPA;
	r->rsp = BOOT_STACK_GPA;
	r->rflags = RFLAGS_RESERVED;
}

int boot_cmdline_check(size_t len, u32 cmdline_size)
{
	if (len > cmdline_size || len >= BOOT_CMDLINE_MAX)
		return -E2BIG;
	return 0;
}

int boot_place_initrd(u64 size, u64 low_ram_end, u32 initrd_addr_max, u64 kernel_end, gpa_t *out)
{
	u64 limit = MIN(low_ram_end, (u64)initrd_addr_max + 1);
	u64 addr;

	if (size == 0)
		return -EINVAL;
	if (size > limit)
		return -ENOSPC;
	addr = ALIGN_DOWN(limit - size, GUEST_PAGE_SIZE);
	if (addr < kernel_end)
		return -ENOSPC;
	*out = addr;
	return 0;
}

int boot_copy(struct mem *m, gpa_t gpa, const void *src, u64 len)
{
	void *dst = mem_gpa_to_hva(m, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int boot_read_kernel_header(const struct input_file *f, u8 **buf, size_t *len, u64 *file_len)
{
	u64 size = 0, n;
	u8 *b;
	int r;

	r = input_file_size(f, &size);
	if (r < 0)
		return r;
	if (size == 0)
		return err_user(-EINVAL, "kernel %s: empty file", f->path);
	n = MIN(size, (u64)KERNEL_HEADER_MAX);
	b = malloc(n);
	if (!b)
		return err_host(-ENOMEM, "kernel %s: cannot allocate %llu bytes", f->path,
				(unsigned long long)n);
	r = input_file_read_at(f, 0, b, n);
	if (r < 0) {
		free(b);
		return r;
	}
	*buf = b;
	*len = (size_t)n;
	*file_len = size;
	return 0;
}

static int load_cmdline(struct mem *m, const struct boot_input *in, struct boot_info *info)
{
	size_t len = strlen(in->cmdline);
	u32 max = in->kernel->cmdline_size;

	if (boot_cmdline_check(len, max) < 0) {
		if (len > max)
			return err_user(-EINVAL,
					"kernel %s: command line is %zu bytes, the kernel accepts "
					"at most %u (%s)",
					in->kernel_file->path, len, max,
					in->kernel->format == KERNEL_VMLINUX
					    ? "x86's COMMAND_LINE_SIZE"
					    : "cmdline_size");
		return err_user(-EINVAL,
				"--cmdline: %zu bytes is more than tinyvmm's %llu-byte limit", len,
				(unsigned long long)BOOT_CMDLINE_MAX - 1);
	}
	/* len + 1 copies the NUL. */
	if (boot_copy(m, BOOT_CMDLINE_GPA, in->cmdline, len + 1) < 0)
		return err_host(-EFAULT, "boot: the command line at 0x%llx is not in guest RAM",
				(unsigned long long)BOOT_CMDLINE_GPA);
	info->cmdline_len = len;
	return 0;
}

static int load_initrd(struct mem *m, const struct boot_input *in, struct boot_info *info)
{
	const struct input_file *f = in->initrd;
	const struct kernel_image *k = in->kernel;
	u64 low_end = mem_low_end(m), size = 0, limit;
	gpa_t gpa;
	void *dst;
	int r;

	r = input_file_size(f, &size);
	if (r < 0)
		return r;
	if (size == 0)
		return err_user(-EINVAL, "initrd %s: empty file", f->path);
	r = boot_place_initrd(size, low_end, k->initrd_addr_max, k->kernel_end, &gpa);
	if (r < 0) {
		limit = MIN(low_end, (u64)k->initrd_addr_max + 1);
		/* More RAM helps only while low RAM sets the limit, alone, and can
		 * still grow enough (it ends at the MMIO hole at the most). */
		u64 most = MIN((u64)k->initrd_addr_max + 1, MMIO_HOLE_START);
		bool more = low_end < most && size <= most - MIN(most, (u64)k->kernel_end);

		return err_user(
		    -EINVAL,
		    "initrd %s: %llu MiB does not fit between the kernel (up to %llu "
		    "MiB) and %llu MiB (%s); %s",
		    f->path, (unsigned long long)((size + MiB - 1) / MiB),
		    (unsigned long long)((k->kernel_end + MiB - 1) / MiB),
		    (unsigned long long)(limit / MiB),
		    limit == low_end ? "end of low RAM" : "the kernel's initrd_addr_max",
		    more ? "use a bigger --mem" : "more --mem cannot help: use a smaller initrd");
	}
	dst = mem_gpa_to_hva(m, gpa, size);
	if (!dst)
		return err_host(-EFAULT, "initrd %s: 0x%llx is not in guest RAM", f->path,
				(unsigned long long)gpa);
	r = input_file_read_at(f, 0, dst, size);
	if (r < 0)
		return r;
	info->initrd_gpa = gpa;
	info->initrd_size = size;
	log_debug("initrd %s: %llu bytes at 0x%llx", f->path, (unsigned long long)size,
		  (unsigned long long)gpa);
	return 0;
}

static int load_tables(struct mem *m, const struct boot_input *in, struct boot_info *info)
{
	struct acpi_config acfg = {.ncpus = in->ncpus};
	const struct kernel_image *k = in->kernel;
	struct bootparams_cfg bcfg;
	u8 synth[BOOTPARAMS_HDR_OFFSET + sizeof(struct setup_header)];
	void *acpi = mem_gpa_to_hva(m, ACPI_TABLES_GPA, ACPI_TABLES_MAX);
	void *zp = mem_gpa_to_hva(m, BOOT_ZEROPAGE_GPA, sizeof(struct boot_params));
	void *gdt = mem_gpa_to_hva(m, BOOT_GDT_GPA, BOOT_GDT_SIZE);
	void *pt = mem_gpa_to_hva(m, BOOT_PML4_GPA, BOOT_PT_SIZE);
	ssize_t n;
	int r;

	if (!acpi || !zp || !gdt || !pt)
		return err_host(-EFAULT, "boot: the boot tables are not in guest RAM");
	n = acpi_build(acpi, ACPI_TABLES_MAX, ACPI_TABLES_GPA, &acfg);
	if (n < 0) /* our tables, not the user's input: a host error */
		return err_host(-EIO, "acpi: cannot build the tables for %u vCPUs: %s", in->ncpus,
				strerror((int)-n));
	info->acpi_len = (size_t)n;

	bcfg = (struct bootparams_cfg){
	    .setup = k->setup,
	    .setup_len = k->setup_len,
	    .cmdline_gpa = BOOT_CMDLINE_GPA,
	    .cmdline_len = (u32)info->cmdline_len,
	    .initrd_gpa = info->initrd_gpa,
	    .initrd_size = info->initrd_size,
	    .acpi_rsdp_gpa = ACPI_TABLES_GPA,
	    .ram = m->ranges,
	    .nr_ram = m->nr,
	};
	if (!k->setup) {
		/* a vmlinux has no setup header: the zero page gets the one a loader assumes */
		n = kernel_image_synth_setup(k, synth, sizeof(synth));
		if (n < 0)
			return err_host((int)n, "kernel %s: cannot make its setup header: %s",
					in->kernel_file->path, strerror((int)-n));
		bcfg.setup = synth;
		bcfg.setup_len = (size_t)n;
	}
	r = bootparams_build(zp, sizeof(struct boot_params), &bcfg);
	if (r < 0)
		return err_host(-EIO, "kernel %s: cannot build the zero page: %s",
				in->kernel_file->path, strerror(-r));
	r = boot_build_gdt(gdt, BOOT_GDT_SIZE);
	if (r == 0)
		r = boot_build_page_tables(pt, BOOT_PT_SIZE);
	if (r < 0)
		return err_host(r, "boot: cannot build the GDT and page tables: %s", strerror(-r));
	return 0;
}

/* Read each segment from the file to its address and zero its tail (.bss). */
static int load_kernel(struct mem *m, const struct boot_input *in)
{
	const struct kernel_image *k = in->kernel;
	int r;

	for (unsigned int i = 0; i < k->nr_seg; i++) {
		const struct kernel_segment *s = &k->seg[i];
		u8 *dst = mem_gpa_to_hva(m, s->gpa, s->memsz);

		if (!dst)
			return err_user(-EINVAL,
					"kernel %s: %llu bytes at 0x%llx run past the end of RAM; "
					"use a bigger --mem",
					in->kernel_file->path, (unsigned long long)s->memsz,
					(unsigned long long)s->gpa);
		r = input_file_read_at(in->kernel_file, s->offset, dst, s->filesz);
		if (r < 0)
			return r;
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}

int boot_load(struct mem *m, const struct boot_input *in, struct boot_info *info)
{
	const struct kernel_image *k = in->kernel;
	int r;

	memset(info, 0, sizeof(*info));
	r = load_cmdline(m, in, info);
	if (r < 0)
		return r;
	r = load_kernel(m, in);
	if (r < 0)
		return r;
	if (in->initrd && in->initrd->path) {
		r = load_initrd(m, in, info);
		if (r < 0)
			return r;
	}
	r = load_tables(m, in, info);
	if (r < 0)
		return r;
	info->entry = k->entry;
	info->zero_page = BOOT_ZEROPAGE_GPA;
	log_debug("kernel %s: %s, %u segment(s) in 0x%llx-0x%llx, entry 0x%llx, cmdline %zu "
		  "bytes, ACPI %zu bytes",
		  in->kernel_file->path, kernel_image_format_name(k->format), k->nr_seg,
		  (unsigned long long)k->seg[0].gpa, (unsigned long long)k->kernel_end,
		  (unsigned long long)k->entry, info->cmdline_len, info->acpi_len);
	return 0;
}
