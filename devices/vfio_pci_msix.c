// SPDX-License-Identifier: MIT
/*
 * vfio_pci_msix.c - the MSI-X capability, table and PBA as the guest sees
 * them.
 *
 * Table size: the capability's, limited to what the BAR really holds (table
 * and PBA both inside it, neither running into the other when they share a
 * BAR) and to the vectors VFIO offers; the capability's
 * Table Size field advertises the result. The table area, whose pages are
 * trapped and never mapped, is the device's whole table (as far as the BAR
 * holds it), and the PBA area likewise.
 *
 * Accesses (trapped, any vCPU, under irq_lock only):
 *  - table: aligned 4- and 8-byte reads and writes, per the spec. Message
 *    address bits 1:0 and Vector Control bits 31:1 are reserved and read 0.
 *    Entries past the emulated ones (inside the device's table) read
 *    all-ones and ignore writes.
 *  - PBA: aligned 4- and 8-byte reads. A vector's bit is 1 when it is not
 *    delivered by an irqfd right now (masked, function-masked, bad address)
 *    and its eventfd holds an event (polled with a zero timeout). Writes are
 *    ignored (the PBA is read-only).
 *  - anything else (1, 2 or 16 bytes, unaligned, straddling the start of an
 *    area) is logged once per device and ignored: reads return all-ones.
 * Bytes of the trapped pages outside both areas are ordinary BAR registers:
 * vfio_pci_bar.c forwards them to the device. Each table write brings the
 * vector's eventfd/route/irqfd up to date (vp_msix_sync).
 */
#include <stdlib.h>
#include <string.h>

#include "devices/vfio_pci_priv.h"

int vp_msix_init(struct vfio_pci *v, u8 cap, const u8 *dcfg)
{
	u32 dev_n = (get_le16(dcfg + cap + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE) + 1;
	u32 table = get_le32(dcfg + cap + PCI_MSIX_TABLE);
	u32 pba = get_le32(dcfg + cap + PCI_MSIX_PBA);
	u8 tbir = table & PCI_MSIX_TABLE_BIR, pbir = pba & PCI_MSIX_PBA_BIR;
	u64 toff = table & PCI_MSIX_TABLE_OFFSET, poff = pba & PCI_MSIX_PBA_OFFSET;
	u32 count = 0, flags = 0, tfit, pfit, n;
	u64 tend, pend;
	int r;

	if (tbir >= VP_NR_BARS || pbir >= VP_NR_BARS || !v->bars[tbir].size ||
	    !v->bars[pbir].size || v->bars[tbir].io || v->bars[pbir].io) {
		log_warn(
		    "%s: MSI-X table (BAR%u) or PBA (BAR%u) is not in a memory BAR; hiding MSI-X",
		    v->name, tbir, pbir);
		return -EINVAL;
	}
	if (toff >= v->bars[tbir].rsize || poff >= v->bars[pbir].rsize) {
		log_warn("%s: MSI-X table or PBA offset lies outside its BAR; hiding MSI-X",
			 v->name);
		return -EINVAL;
	}
	/* What fits before the end of the BAR, and before the other area when they share it. */
	tend = v->bars[tbir].rsize;
	pend = v->bars[pbir].rsize;
	if (tbir == pbir && poff > toff)
		tend = poff;
	else if (tbir == pbir && toff > poff)
		pend = toff;
	tfit = (u32)MIN((tend - toff) / PCI_MSIX_ENTRY_SIZE, (u64)VP_MSIX_MAX);
	pfit = (u32)MIN((pend - poff) / 8 * 64, (u64)VP_MSIX_MAX);
	r = v->ops->irq_info(v->vdev, VFIO_PCI_MSIX_IRQ_INDEX, &count, &flags);
	if (r < 0 || !count || !(flags & VFIO_IRQ_INFO_EVENTFD)) {
		log_warn("%s: VFIO offers no MSI-X vectors; hiding MSI-X", v->name);
		return -ENODEV;
	}
	n = MIN(MIN(dev_n, tfit), MIN(pfit, count));
	if (!n) {
		log_warn("%s: MSI-X table or PBA does not fit its BAR; hiding MSI-X", v->name);
		return -EINVAL;
	}
	if (n < dev_n)
		log_info("%s: MSI-X: exposing %u of the device's %u vectors", v->name, n, dev_n);

	v->msix.table = calloc(n, 4 * sizeof(u32));
	v->msix.vec = calloc(n, sizeof(*v->msix.vec));
	if (!v->msix.table || !v->msix.vec) {
		log_warn("%s: out of memory for the MSI-X table; hiding MSI-X", v->name);
		vp_msix_fini(v);
		return -ENOMEM;
	}
	for (u32 i = 0; i < n; i++) {
		v->msix.table[4 * i + 3] = PCI_MSIX_ENTRY_CTRL_MASKBIT; /* reset: masked */
		v->msix.vec[i].efd = v->msix.vec[i].gsi = -1;
	}
	v->msix.n = n;
	v->msix.table_bar = tbir;
	v->msix.table_off = toff;
	v->msix.table_len = (u64)MIN(dev_n, tfit) * PCI_MSIX_ENTRY_SIZE;
	v->msix.pba_bar = pbir;
	v->msix.pba_off = poff;
	v->msix.pba_len = ALIGN_UP((u64)MIN(dev_n, pfit), 64) / 8;
	v->msix.dynamic = !(flags & VFIO_IRQ_INFO_NORESIZE);
	return 0;
}

void vp_msix_fini(struct vfio_pci *v)
{
	free(v->msix.table);
	free(v->msix.vec);
	v->msix.table = NULL;
	v->msix.vec = NULL;
	v->msix.n = 0;
}

static bool overlaps(u64 off, u32 len, u64 start, u64 size)
{
	return off < start + size && start < off + len;
}

bool vp_msix_claims(const struct vfio_pci *v, u8 bar, u64 off, u32 len)
{
	if (!v->msix_cap)
		return false;
	return (bar == v->msix.table_bar &&
		overlaps(off, len, v->msix.table_off, v->msix.table_len)) ||
	       (bar == v->msix.pba_bar && overlaps(off, len, v->msix.pba_off, v->msix.pba_len));
}

/* A 4- or 8-byte access aligned to its size, starting inside the area. */
static bool access_ok(u64 off, u32 len, u64 start)
{
	return off >= start && (len == 4 || len == 8) && (off - start) % len == 0;
}

static void table_access(struct vfio_pci *v, u64 rel, u8 *data, u32 len, bool write)
{
	u32 first = (u32)(rel / 4), entry = first / 4;

	if (entry >= v->msix.n) {
		vp_log_once(v, VPL_MSIX_BEYOND, LOG_WARN,
			    "MSI-X table access to entry %u of %u ignored", entry, v->msix.n);
		if (!write)
			memset(data, 0xff, len);
		return;
	}
	/* An aligned 8-byte access stays inside one 16-byte entry. */
	for (u32 k = 0; k < len / 4; k++) {
		u32 dw = first + k;

		if (!write) {
			put_le32(data + 4 * k, v->msix.table[dw]);
			continue;
		}
		switch (dw % 4) {
		case PCI_MSIX_ENTRY_LOWER_ADDR / 4:
			v->msix.table[dw] = get_le32(data + 4 * k) & ~3u;
			break;
		case PCI_MSIX_ENTRY_VECTOR_CTRL / 4:
			v->msix.table[dw] = get_le32(data + 4 * k) & PCI_MSIX_ENTRY_CTRL_MASKBIT;
			break;
		default:
			v->msix.table[dw] = get_le32(data + 4 * k);
		}
	}
	if (write)
		vp_msix_sync(v, entry);
}

static void pba_read(struct vfio_pci *v, u64 rel, u8 *data, u32 len)
{
	u64 bits = 0;

	for (u32 b = 0; b < len * 8; b++) {
		u64 i = rel * 8 + b;

		if (i < v->msix.n && vp_vec_pending(&v->msix.vec[i]))
			bits |= 1ULL << b;
	}
	if (len == 8)
		put_le64(data, bits);
	else
		put_le32(data, (u32)bits);
}

void vp_msix_access(struct vfio_pci *v, u8 bar, u64 off, void *data, u32 len, bool write)
{
	bool table =
	    bar == v->msix.table_bar && overlaps(off, len, v->msix.table_off, v->msix.table_len);
	u64 start = table ? v->msix.table_off : v->msix.pba_off;

	vp_count(table ? &v->stats.msix_table : &v->stats.msix_pba);
	if (!access_ok(off, len, start)) {
		vp_log_once(v, VPL_MSIX_ACCESS, LOG_WARN,
			    "MSI-X %s access of %u bytes at BAR%u+0x%llx ignored (only aligned 4 "
			    "or 8 bytes)",
			    table ? "table" : "PBA", len, bar, (unsigned long long)off);
		if (!write)
			memset(data, 0xff, len);
		return;
	}
	pthread_mutex_lock(&v->irq_lock);
	if (table)
		table_access(v, off - start, data, len, write);
	else if (!write)
		pba_read(v, off - start, data, len);
	else
		vp_log_once(v, VPL_PBA_WRITE, LOG_WARN, "write to the read-only MSI-X PBA ignored");
	pthread_mutex_unlock(&v->irq_lock);
}
