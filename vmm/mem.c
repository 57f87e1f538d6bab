// SPDX-License-Identifier: MIT
/* mem.c - guest RAM layout and host mapping; see mem.h. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "layout.h"
#include "log.h"
#include "mem.h"

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21U << 26)
#endif

int mem_layout(u64 ram_bytes, struct ram_range *out, unsigned int *nr)
{
	u64 low, high;

	if (ram_bytes == 0 || ram_bytes > GUEST_MAX_RAM || ram_bytes % GUEST_PAGE_SIZE)
		return -EINVAL;
	low = MIN(ram_bytes, MMIO_HOLE_START);
	high = ram_bytes - low;
	out[0] = (struct ram_range){.gpa = 0, .size = low};
	*nr = 1;
	if (high) {
		u64 end;

		/* GUEST_MAX_RAM keeps this below PCI_MMIO64_BASE; check anyway. */
		if (__builtin_add_overflow(HIGH_RAM_START, high, &end) || end > PCI_MMIO64_BASE)
			return -EINVAL;
		out[1] = (struct ram_range){.gpa = HIGH_RAM_START, .size = high};
		*nr = 2;
	}
	return 0;
}

static void hugepage_hint(u64 ram_bytes)
{
	log_err("--hugepages: cannot reserve %llu huge pages of 2 MiB for %llu MiB of guest RAM; "
		"raise /proc/sys/vm/nr_hugepages (e.g. echo %llu > /proc/sys/vm/nr_hugepages) "
		"or drop --hugepages",
		(unsigned long long)(ram_bytes / MEM_HUGEPAGE_SIZE),
		(unsigned long long)(ram_bytes / MiB),
		(unsigned long long)(ram_bytes / MEM_HUGEPAGE_SIZE));
}

int mem_create(struct mem *m, u64 ram_bytes, bool hugepages)
{
	unsigned int mfd_flags = MFD_CLOEXEC;
	int flags = MAP_SHARED;
	u64 off = 0;
	void *p;
	int r;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	r = mem_layout(ram_bytes, m->ranges, &m->nr);
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
		mfd_flags |= MFD_HUGETLB | MFD_HUGE_2MB;
	} else {
		flags |= MAP_NORESERVE;
	}
	/*
	 * Guest RAM is a memfd, not anonymous memory: the host then accounts it
	 * as shared memory (RssShmem in /proc/PID/status), apart from the VMM's
	 * own anonymous memory, and the fd can later be handed to another
	 * process (vhost-user, snapshots).
	 */
	m->fd = memfd_create("tinyvmm-guest-ram", mfd_flags);
	if (m->fd < 0) {
		r = -errno;
		if (hugepages && (r == -EINVAL || r == -ENOENT))
			hugepage_hint(ram_bytes);
		else
			log_err("memory: cannot create the guest RAM memfd: %s", strerror(-r));
		return r;
	}
	if (ftruncate(m->fd, (off_t)ram_bytes) < 0) {
		r = -errno;
		log_err("memory: cannot size guest RAM to %llu MiB: %s",
			(unsigned long long)(ram_bytes / MiB), strerror(-r));
		goto err_fd;
	}
	p = mmap(NULL, ram_bytes, PROT_READ | PROT_WRITE, flags, m->fd, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		if (hugepages)
			hugepage_hint(ram_bytes);
		else
			log_err("memory: cannot map %llu MiB of guest RAM: %s",
				(unsigned long long)(ram_bytes / MiB), strerror(-r));
		goto err_fd;
	}
	m->base = p;
	m->size = ram_bytes;
	m->hugepages = hugepages;
	for (unsigned int i = 0; i < m->nr; i++) {
		m->hva[i] = (u8 *)p + off;
		off += m->ranges[i].size;
	}
	return 0;

err_fd:
	close(m->fd);
	m->fd = -1;
	return r;
}

void mem_destroy(struct mem *m)
{
	if (m->base)
		munmap(m->base, m->size);
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
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
