// SPDX-License-Identifier: MIT
/* bootparams.c - the Linux zero page and its e820 map; see bootparams.h. */
#include <stddef.h>
#include <string.h>

#include "arch/layout.h"
#include "vmm/base/log.h"
#include "firmware/x86/bootparams.h"

#define E820_HOLE 0 /* carved out of RAM and not listed */

/*
 * Legacy areas below 1 MiB, sorted: the EBDA and the BIOS area (where the
 * ACPI tables live) are listed as reserved whether or not RAM backs them;
 * the VGA/ROM hole between them is never reported as RAM.
 */
static const struct {
	u64 start, end;
	u32 type;
} e820_fixed[] = {
    {EBDA_GPA, LOW_RAM_END, E820_TYPE_RESERVED},
    {LOW_RAM_END, BIOS_AREA_GPA, E820_HOLE},
    {BIOS_AREA_GPA, BIOS_AREA_END, E820_TYPE_RESERVED},
};
_Static_assert(EBDA_GPA < LOW_RAM_END && LOW_RAM_END <= BIOS_AREA_GPA &&
		   BIOS_AREA_GPA < BIOS_AREA_END,
	       "e820_fixed[] must be sorted and non-overlapping");

_Static_assert(offsetof(struct boot_params, hdr) == BOOTPARAMS_HDR_OFFSET,
	       "struct setup_header is not at 0x1f1");
_Static_assert(offsetof(struct boot_params, acpi_rsdp_addr) == 0x70,
	       "acpi_rsdp_addr is not at 0x70");
_Static_assert(sizeof(struct boot_params) == 4096, "the zero page is one page");

struct e820_out {
	struct boot_e820_entry *e;
	unsigned int n, max;
	unsigned int next_fixed; /* first e820_fixed[] entry not yet listed */
	u64 ram;		 /* bytes of RAM listed */
	bool full;
};

/* Append an entry, merging it into the previous one if they touch. */
static void e820_add(struct e820_out *o, u64 addr, u64 size, u32 type)
{
	struct boot_e820_entry *prev = o->n ? &o->e[o->n - 1] : NULL;

	if (type == E820_HOLE || size == 0)
		return;
	if (prev && prev->type == type && prev->addr + prev->size == addr) {
		prev->size += size;
		return;
	}
	if (o->n == o->max) {
		o->full = true;
		return;
	}
	o->e[o->n].addr = addr;
	o->e[o->n].size = size;
	o->e[o->n].type = type;
	o->n++;
}

/* List the fixed areas that start below addr, then RAM [addr, end). */
static void e820_add_ram(struct e820_out *o, u64 addr, u64 end)
{
	while (o->next_fixed < ARRAY_SIZE(e820_fixed) && e820_fixed[o->next_fixed].start < addr) {
		e820_add(o, e820_fixed[o->next_fixed].start,
			 e820_fixed[o->next_fixed].end - e820_fixed[o->next_fixed].start,
			 e820_fixed[o->next_fixed].type);
		o->next_fixed++;
	}
	e820_add(o, addr, end - addr, E820_TYPE_RAM);
	o->ram += end - addr;
}

static int e820_check(const struct ram_range *ram, unsigned int nr)
{
	u64 end, prev_end = 0;

	if (!ram || nr == 0) {
		log_err("e820: no guest RAM");
		return -EINVAL;
	}
	for (unsigned int i = 0; i < nr; i++) {
		if (ram[i].size == 0 || __builtin_add_overflow(ram[i].gpa, ram[i].size, &end) ||
		    (i > 0 && ram[i].gpa < prev_end)) {
			log_err(
			    "e820: RAM range %u [%#llx, +%#llx) is empty, overflows or is out of "
			    "order",
			    i, (unsigned long long)ram[i].gpa, (unsigned long long)ram[i].size);
			return -EINVAL;
		}
		prev_end = end;
	}
	return 0;
}

int e820_build(const struct ram_range *ram, unsigned int nr, struct boot_e820_entry *out,
	       unsigned int max)
{
	struct e820_out o = {.e = out, .max = out ? max : 0};
	int r;

	r = e820_check(ram, nr);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < nr; i++) {
		u64 cur = ram[i].gpa, end = ram[i].gpa + ram[i].size;

		/* Carve the fixed areas out of this range. */
		for (unsigned int w = 0; w < ARRAY_SIZE(e820_fixed) && cur < end; w++) {
			if (e820_fixed[w].end <= cur || e820_fixed[w].start >= end)
				continue;
			if (e820_fixed[w].start > cur)
				e820_add_ram(&o, cur, e820_fixed[w].start);
			cur = e820_fixed[w].end;
		}
		if (cur < end)
			e820_add_ram(&o, cur, end);
	}
	for (; o.next_fixed < ARRAY_SIZE(e820_fixed); o.next_fixed++)
		e820_add(&o, e820_fixed[o.next_fixed].start,
			 e820_fixed[o.next_fixed].end - e820_fixed[o.next_fixed].start,
			 e820_fixed[o.next_fixed].type);

	if (o.ram == 0) {
		log_err("e820: no guest RAM outside the reserved legacy areas");
		return -EINVAL;
	}
	if (o.full) {
		log_err("e820: the memory map needs more than %u entries", max);
		return -ENOSPC;
	}
	return (int)o.n;
}

/* Copy the image's setup header into hdr (zeroed first), or -EINVAL. */
static int copy_setup_header(struct setup_header *hdr, const u8 *setup, size_t setup_len)
{
	size_t hdr_end;

	if (!setup)
		return -EINVAL;
	if (setup_len <= BOOTPARAMS_HDR_JUMP_OFFSET) {
		log_err("kernel bzImage: %zu setup bytes end before the setup header", setup_len);
		return -EINVAL;
	}
	hdr_end = BOOTPARAMS_HDR_JUMP_OFFSET + 1 + setup[BOOTPARAMS_HDR_JUMP_OFFSET];
	if (hdr_end > setup_len) {
		log_err("kernel bzImage: setup header ends at %#zx, past the %zu setup bytes",
			hdr_end, setup_len);
		return -EINVAL;
	}
	/* A header longer than ours (a newer kernel) is cut to what we know;
	 * a shorter one (an older kernel) leaves the rest zero. */
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr, setup + BOOTPARAMS_HDR_OFFSET,
	       MIN(hdr_end - BOOTPARAMS_HDR_OFFSET, sizeof(*hdr)));
	return 0;
}

int bootparams_build(void *zp, size_t zp_len, const struct bootparams_cfg *cfg)
{
	struct boot_e820_entry e820[E820_MAX_ENTRIES_ZEROPAGE];
	struct boot_params *bp = zp;
	struct setup_header hdr;
	u32 cmdline_max;
	u64 end, initrd;
	int n, r;

	if (!zp || !cfg)
		return -EINVAL;
	if (zp_len < sizeof(*bp)) {
		log_err("zero page: %zu bytes, need %zu", zp_len, sizeof(*bp));
		return -EINVAL;
	}
	/* Check everything before writing to the zero page. */
	r = copy_setup_header(&hdr, cfg->setup, cfg->setup_len);
	if (r < 0)
		return r;
	/* Before protocol 2.06 the limit is fixed at 255 bytes. */
	cmdline_max = hdr.version >= 0x0206 ? hdr.cmdline_size : 255;
	if (cfg->cmdline_len > cmdline_max) {
		log_err("kernel command line: %u bytes, but this kernel accepts at most %u",
			cfg->cmdline_len, cmdline_max);
		return -EINVAL;
	}
	if (__builtin_add_overflow(cfg->cmdline_gpa, (u64)cfg->cmdline_len + 1, &end) ||
	    (cfg->initrd_size && __builtin_add_overflow(cfg->initrd_gpa, cfg->initrd_size, &end))) {
		log_err("zero page: the command line or initrd wraps around the address space");
		return -EINVAL;
	}
	n = e820_build(cfg->ram, cfg->nr_ram, e820, E820_MAX_ENTRIES_ZEROPAGE);
	if (n < 0)
		return n;

	memset(bp, 0, sizeof(*bp));
	bp->hdr = hdr;
	bp->hdr.type_of_loader = BOOTPARAMS_LOADER_UNDEFINED;
	bp->hdr.loadflags |= CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = BOOTPARAMS_HEAP_END;
	bp->hdr.vid_mode = BOOTPARAMS_VID_MODE_NORMAL;

	bp->hdr.cmd_line_ptr = (u32)cfg->cmdline_gpa;
	bp->ext_cmd_line_ptr = (u32)(cfg->cmdline_gpa >> 32);
	/* Always written: the image's own values must not leak through. */
	initrd = cfg->initrd_size ? cfg->initrd_gpa : 0;
	bp->hdr.ramdisk_image = (u32)initrd;
	bp->ext_ramdisk_image = (u32)(initrd >> 32);
	bp->hdr.ramdisk_size = (u32)cfg->initrd_size;
	bp->ext_ramdisk_size = (u32)(cfg->initrd_size >> 32);
	if (cfg->acpi_rsdp_gpa && hdr.version >= BOOTPARAMS_PROTO_RSDP)
		bp->acpi_rsdp_addr = cfg->acpi_rsdp_gpa;

	memcpy(bp->e820_table, e820, (size_t)n * sizeof(e820[0]));
	bp->e820_entries = (u8)n;
	return 0;
}
