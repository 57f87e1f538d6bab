/* SPDX-License-Identifier: MIT */
/*
 * vfio_pci_priv.h - internals shared by the vfio_pci_*.c files. Not an API:
 * only devices/vfio_pci*.c include it.
 *
 *   vfio_pci.c       create/destroy, locks, per-device log-once, stats
 *   vfio_pci_cfg.c   virtual config space: capability walk, byte masks,
 *                    guest config reads and writes
 *   vfio_pci_bar.c   BAR types and sizes, the mapped/trapped pieces of each
 *                    BAR, placement in the guest, trapped-access forwarding
 *   vfio_pci_msix.c  MSI-X capability parsing, table and PBA emulation
 *   vfio_pci_irq.c   eventfds, MSI routes, irqfds and VFIO bindings for
 *                    INTx, MSI and MSI-X vectors
 *
 * Locks: cfg_lock guards the config space and BAR placement; irq_lock guards
 * everything interrupt-related. Order: cfg_lock, then irq_lock. Platform map
 * and trap calls happen under cfg_lock only, never under irq_lock, because a
 * vCPU in a trapped MSI-X access holds the bus's read lock while it waits for
 * irq_lock, and untrap needs the bus's write lock.
 */
#ifndef TINYVMM_VFIO_PCI_PRIV_H
#define TINYVMM_VFIO_PCI_PRIV_H

#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <pthread.h>

#include "arch/layout.h"
#include "vmm/base/log.h"
#include "devices/vfio_pci.h"

#define VP_NR_BARS	6
#define VP_CFG_SIZE	PCI_CFG_SPACE_SIZE
#define VP_PAGE		GUEST_PAGE_SIZE
#define VP_MSIX_MAX	2048 /* table size field is 11 bits */
#define VP_CAP_MAX_HOPS 48
/* Mappable intervals of a BAR: the sparse areas, each cut in at most three
 * by the MSI-X table and PBA pages. */
#define VP_MAX_IVALS (VFIO_MAX_SPARSE * 3)

/* Kinds of messages logged once per device (bit numbers in v->logged). */
enum vp_log {
	VPL_CFG_ACCESS,	  /* config access with a bad length/offset */
	VPL_CFG_DEV_IO,	  /* config read/write on the device failed */
	VPL_BAR_REFUSED,  /* BAR address rejected by the platform */
	VPL_BAR_OVERLAP,  /* BAR address overlaps another BAR */
	VPL_BAR_PLACE,	  /* map/trap failed */
	VPL_BAR_IO,	  /* trapped BAR access failed on the device */
	VPL_BAR_RANGE,	  /* trapped access outside the piece */
	VPL_MSIX_ACCESS,  /* bad-sized or unaligned MSI-X table/PBA access */
	VPL_MSIX_BEYOND,  /* access to table entries past the emulated ones */
	VPL_PBA_WRITE,	  /* write to the read-only PBA */
	VPL_MSI_ADDR,	  /* vector programmed with a non-MSI address */
	VPL_ROUTE,	  /* MSI route failed */
	VPL_IRQFD,	  /* irqfd attach/detach failed */
	VPL_SET_IRQS,	  /* VFIO_DEVICE_SET_IRQS failed */
	VPL_EVENTFD,	  /* eventfd() failed */
	VPL_IRQ_CONFLICT, /* MSI and MSI-X enabled together */
	VPL_DMA,	  /* bus-master enable refused: guest RAM not mapped */
	VPL_NR
};
_Static_assert(VPL_NR <= 64, "v->logged is a u64");

/* A piece of a BAR: mapped as guest memory, or trapped. */
struct vp_seg {
	struct device dev; /* trapped pieces: what the platform dispatches to */
	struct vfio_pci *v;
	u8 bar;
	bool mmap;     /* a memory slot over hva; else trapped */
	bool placed;   /* mapped or trapped right now */
	u64 off, size; /* within the BAR */
	void *hva;     /* mmap pieces */
	int handle;    /* plat map handle while placed */
};

struct vp_bar {
	u64 size;   /* power of two; 0: not implemented (or the upper half) */
	u64 rsize;  /* region size: forwarded accesses stay below it */
	u32 rflags; /* VFIO_REGION_INFO_FLAG_* */
	bool io, is64;
	u32 flags; /* read-only low bits of the BAR register */
	unsigned int nr_segs;
	struct vp_seg *segs;
	bool placed;
	u64 addr; /* guest address while placed */
};

/* One MSI or MSI-X vector. */
struct vp_vec {
	int efd;	/* eventfd bound in VFIO, or -1 */
	int gsi;	/* MSI route, or -1 */
	bool irqfd;	/* efd attached to gsi */
	u64 route_addr; /* message the route carries */
	u32 route_data;
};

enum vp_irq_mode { VP_IRQ_NONE, VP_IRQ_INTX, VP_IRQ_MSI, VP_IRQ_MSIX };

struct vfio_pci {
	struct device dev; /* the PCI function: cfg_read/cfg_write */
	char name[64];
	const struct vfio_ops *ops;
	struct vfio_dev *vdev;
	struct pci_platform *plat;
	u8 slot;
	u32 intx_gsi;
	pthread_mutex_t cfg_lock, irq_lock;

	/*
	 * Virtual config space, byte by byte:
	 *   emu    bits served from cfg[]; the others are read from the device
	 *   wmask  emulated bits the guest may write (a subset of emu)
	 *   fwd    bits of a guest write sent to the device
	 *   w0     bits sent as 0 when not in fwd (write-1-to-clear registers);
	 *          other bits not in fwd are read from the device and written
	 *          back unchanged
	 */
	u8 cfg[VP_CFG_SIZE], emu[VP_CFG_SIZE], wmask[VP_CFG_SIZE];
	u8 fwd[VP_CFG_SIZE], w0[VP_CFG_SIZE];
	u8 msi_cap, msix_cap; /* offsets of the kept MSI/MSI-X capabilities; 0: none */

	struct vp_bar bars[VP_NR_BARS];

	struct {
		u32 n; /* entries emulated (advertised table size) */
		u8 table_bar, pba_bar;
		u64 table_off, table_len; /* table area: the device's whole table */
		u64 pba_off, pba_len;
		bool dynamic; /* VFIO can add vectors while enabled */
		/* under irq_lock: */
		u32 *table; /* n entries of 4 dwords */
		struct vp_vec *vec;
		bool enabled, fmask;
		u32 nr_bound; /* vectors [0, nr_bound) allocated in VFIO */
	} msix;

	struct {
		bool is64, pvm;
		u8 mask_off, pend_off; /* from the capability (PVM only) */
		struct vp_vec vec;     /* under irq_lock */
		bool enabled;
	} msi;

	struct {
		bool present;
		int trigger, resample; /* under irq_lock; -1 when off */
	} intx;

	enum vp_irq_mode mode; /* under irq_lock */
	/* under irq_lock: the VFIO IRQ index enabled, -1 none. It can outlive
	 * mode when a disable failed: VFIO then refuses any other index, so the
	 * disable is retried before the next mode is enabled. */
	int vfio_irq;

	u64 logged;		     /* enum vp_log bits; atomic */
	struct vfio_pci_stats stats; /* atomic counters */
};

/* vfio_pci.c */
void vp_log_once(struct vfio_pci *v, enum vp_log kind, enum log_level level, const char *fmt, ...)
    PRINTF(4, 5);
static inline void vp_count(u64 *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* vfio_pci_cfg.c: build from the device's config dcfg; the BARs are known. */
int vp_cfg_init(struct vfio_pci *v, const u8 *dcfg);
u32 vp_cfg_read(struct vfio_pci *v, u16 reg);
void vp_cfg_write(struct vfio_pci *v, u16 reg, u8 off, const void *data, u32 len);

/* vfio_pci_bar.c */
int vp_bars_init(struct vfio_pci *v, const u8 *dcfg); /* sizes and types */
int vp_bars_split(struct vfio_pci *v);		      /* pieces and mmaps; after the MSI-X parse */
/* Place/unplace every BAR per the decode bits in cmd and the BAR registers. */
void vp_bars_update(struct vfio_pci *v, u16 cmd);
void vp_bars_fini(struct vfio_pci *v);
u64 vp_bar_addr(const struct vfio_pci *v, unsigned int i); /* from cfg[] */

/* vfio_pci_msix.c */
int vp_msix_init(struct vfio_pci *v, u8 cap, const u8 *dcfg); /* -errno: hide the capability */
/* Does [off, off+len) of BAR bar touch the MSI-X table or PBA? */
bool vp_msix_claims(const struct vfio_pci *v, u8 bar, u64 off, u32 len);
void vp_msix_access(struct vfio_pci *v, u8 bar, u64 off, void *data, u32 len, bool write);
void vp_msix_fini(struct vfio_pci *v);

/* vfio_pci_irq.c; vp_irq_update runs under cfg_lock and takes irq_lock. */
void vp_irq_init(struct vfio_pci *v, const u8 *dcfg);
void vp_irq_update(struct vfio_pci *v);
void vp_irq_fini(struct vfio_pci *v);
void vp_msix_sync(struct vfio_pci *v, u32 i); /* under irq_lock */
bool vp_vec_pending(const struct vp_vec *vec);
u32 vp_msi_pending(struct vfio_pci *v); /* the MSI pending register */

#endif
