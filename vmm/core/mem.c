// SPDX-License-Identifier: MIT
/* mem.c - guest RAM layout and host mapping; see mem.h. */
#include <string.h>
#include <sys/mman.h>

#include "arch/layout.h"
#include "vmm/arch/arch.h"
#include "vmm/base/log.h"
#include "vmm/core/mem.h"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif

static void hugepage_hint(u64 ram_bytes)
{
	log_err("--hugepages: cannot reserve %llu huge pages of 2 MiB for %llu MiB of guest RAM; "
		"raise /proc/sys/vm/nr_hugepages (e.g. echo %llu > /proc/sys/vm/nr_hugepages) "
		"or drop --hugepages",
		(unsigned long long)(ram_bytes / MEM_HUGEPAGE_SIZE),
		(unsigned long long)(ram_bytes / MiB),
		(unsigned long long)(ram_bytes / MEM_HUGEPAGE_SIZE));
}

/*
 * Map len bytes aligned to MEM_HUGEPAGE_SIZE: over-map, then trim the ends,
 * so transparent huge pages can back all of guest RAM (as QEMU aligns it).
 */
static void *map_aligned(u64 len, int flags)
{
	u64 extra = MEM_HUGEPAGE_SIZE, head;
	u8 *p, *start;

	p = mmap(NULL, len + extra, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return p;
	start = (u8 *)ALIGN_UP((uintptr_t)p, MEM_HUGEPAGE_SIZE);
	head = (u64)(start - p);
	if (head)
		munmap(p, head);
	if (extra - head)
		munmap(start + len, extra - head);
	return start;
}

int mem_create(struct mem *m, u64 ram_bytes, bool hugepages)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	u64 off = 0;
	void *p;
	int r;

	memset(m, 0, sizeof(*m));
	r = arch_ram_layout(ram_bytes, m->ranges, &m->nr);
	if (r < 0) {
		log_err("memory: %llu bytes of guest RAM is not a valid size",
			(unsigned long long)ram_bytes);
		return r;
	}
	if (hugepages) {
		if (ram_bytes % MEM_HUGEPAGE_SIZE) {
			log_err("--hugepages: guest RAM must be a multiple of 2 MiB");
			return -EINVAL;
		}
		/* No MAP_NORESERVE: a shortage must fail here, not SIGBUS later. */
		flags |= MAP_HUGETLB | MAP_HUGE_2MB;
		p = mmap(NULL, ram_bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
	} else {
		flags |= MAP_NORESERVE;
		p = map_aligned(ram_bytes, flags);
	}
	if (p == MAP_FAILED) {
		r = -errno;
		if (hugepages)
			hugepage_hint(ram_bytes);
		else
			log_err("memory: cannot map %llu MiB of guest RAM: %s",
				(unsigned long long)(ram_bytes / MiB), strerror(-r));
		return r;
	}
	/*
	 * Transparent huge pages: far fewer guest page faults and TLB misses
	 * (each costs a nested exit under nested virtualization). Best effort.
	 */
	if (!hugepages)
		madvise(p, ram_bytes, MADV_HUGEPAGE);
	m->base = p;
	m->size = ram_bytes;
	m->hugepages = hugepages;
	for (unsigned int i = 0; i < m->nr; i++) {
		m->hva[i] = (u8 *)p + off;
		off += m->ranges[i].size;
	}
	return 0;
}

void mem_destroy(struct mem *m)
{
	if (m->base)
		munmap(m->base, m->size);
	memset(m, 0, sizeof(*m));
}

void *mem_gpa_to_hva(const struct mem *m, gpa_t gpa, u64 len)
{
	u64 end;

	if (len == 0)
		len = 1;
	if (__builtin_add_overflow(gpa, len, &end))
		return NULL;
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct ram_range *r = &m->ranges[i];

		if (gpa >= r->gpa && end <= r->gpa + r->size)
			return (u8 *)m->hva[i] + (gpa - r->gpa);
	}
	return NULL;
}

u64 mem_low_end(const struct mem *m)
{
	return m->nr ? m->ranges[0].gpa + m->ranges[0].size : 0;
}
