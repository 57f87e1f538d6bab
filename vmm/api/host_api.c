// SPDX-License-Identifier: MIT
/*
 * host_api.c - the operator's VF workflow as library calls
 * (include/tinyvmm.h): list the host's SR-IOV functions, set a PF's VF
 * count, give back what a killed tinyvmm left taken, and the preflight
 * check. Each is a thin front of its vmm/host module on the real sysfs.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "include/tinyvmm.h"
#include "vmm/base/bdf.h"
#include "vmm/base/err.h"
#include "vmm/host/pci_sysfs.h"
#include "vmm/host/preflight.h"
#include "vmm/host/vf_count.h"
#include "vmm/host/vf_list.h"
#include "vmm/host/vf_manage.h"
#include "vmm/pci/passthrough.h"

int tinyvmm_vf_list(struct tinyvmm_vf_list *out)
{
	if (!out)
		return -EINVAL;
	return vf_list_collect(out, PCI_SYSFS_SYSFS, true);
}

void tinyvmm_vf_list_free(struct tinyvmm_vf_list *l)
{
	if (l)
		vf_list_free(l);
}

void tinyvmm_pf_free(struct tinyvmm_pf *pf)
{
	if (pf)
		vf_list_free_pf(pf);
}

int tinyvmm_vf_set_count(const char *pf, unsigned int count, struct tinyvmm_pf *out)
{
	char bdf[PCI_SYSFS_BDF_SZ];
	int r;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!pf)
		return -EINVAL;
	r = vf_count_resolve_pf(PCI_SYSFS_SYSFS, pf, bdf);
	if (r == 0)
		r = vf_count_set(PCI_SYSFS_SYSFS, bdf, count);
	if (r == 0 && out)
		r = vf_list_pf(out, PCI_SYSFS_SYSFS, bdf, true);
	return r;
}

int tinyvmm_vf_restore(const char *bdf, struct tinyvmm_restored *out, unsigned int cap,
		       unsigned int *nr)
{
	char canon[PCI_SYSFS_BDF_SZ];

	if (!nr || (cap && !out))
		return -EINVAL;
	*nr = 0;
	if (bdf && bdf_parse(bdf, canon) < 0)
		return err_user(-EINVAL, "vf restore %s: not a PCI address (0000:01:10.0)", bdf);
	return vf_manage_restore(PCI_SYSFS_SYSFS, bdf ? canon : NULL, out, cap, nr);
}

int tinyvmm_check(const struct tinyvmm_check_request *req, struct tinyvmm_check_item *items,
		  unsigned int cap, unsigned int *nr)
{
	static const struct preflight_paths sys = {.sys = "/sys", .proc = "/proc", .dev = "/dev"};
	struct preflight_req pr;

	if (!req || !nr || (cap && !items) || req->nr_vfs > TINYVMM_MAX_VFS ||
	    (req->nr_vfs && !req->vfs))
		return -EINVAL;
	pr.mem = (u64)(req->mem_mib ? req->mem_mib : TINYVMM_DEFAULT_MEM_MIB) * MiB;
	pr.vfs = req->vfs;
	pr.nr_vfs = req->nr_vfs;
	return preflight_run(items, cap, nr, &sys, &pr);
}

/* ---- VFs taken by a privileged process for a VM run in another ---- */

struct tinyvmm_vf_hold {
	unsigned int nr;
	struct vf_manage m[TINYVMM_MAX_VFS];
	int groups[TINYVMM_MAX_VFS];
};

int tinyvmm_vf_take(const struct tinyvmm_vf *vfs, unsigned int n, struct tinyvmm_vf_hold **out)
{
	struct tinyvmm_vf_hold *h;
	int r;

	if (!out || (n && !vfs))
		return -EINVAL; /* a misuse: not logged, not the user's */
	if (n > TINYVMM_MAX_VFS)
		return err_user(-EINVAL, "vf: %u VFs to take: at most %d can be passed through", n,
				TINYVMM_MAX_VFS);
	*out = NULL;
	r = passthrough_check_slots(vfs, n);
	if (r < 0)
		return r;
	h = calloc(1, sizeof(*h));
	if (!h)
		return err_host(-ENOMEM, "vf: out of memory");
	r = vf_manage_take_all(vfs, n, h->m, &h->nr);
	if (r < 0) {
		free(h);
		return r;
	}
	for (unsigned int i = 0; i < h->nr; i++)
		h->groups[i] = pci_sysfs_iommu_group(PCI_SYSFS_SYSFS, vfs[i].bdf);
	*out = h;
	return 0;
}

void tinyvmm_vf_give_back(struct tinyvmm_vf_hold *h)
{
	if (!h)
		return;
	vf_manage_give_back_all(h->m, h->nr);
	free(h);
}

int tinyvmm_vf_give_back_one(struct tinyvmm_vf_hold *h, const char *bdf)
{
	for (unsigned int i = 0; h && bdf && i < h->nr; i++) {
		if (!h->m[i].held || strcmp(h->m[i].rec.bdf, bdf) != 0)
			continue;
		vf_manage_give_back(&h->m[i], PCI_SYSFS_SYSFS);
		h->groups[i] = -1;
		return 0;
	}
	return -ENOENT;
}

bool tinyvmm_vf_group_busy(const char *bdf)
{
	return bdf && vf_manage_group_open(bdf);
}

void tinyvmm_vf_hold_drop(struct tinyvmm_vf_hold *h)
{
	if (!h)
		return;
	for (unsigned int i = 0; i < h->nr; i++)
		if (h->m[i].lock_fd >= 0)
			close(h->m[i].lock_fd);
	free(h);
}

unsigned int tinyvmm_vf_hold_groups(const struct tinyvmm_vf_hold *h, int *groups, unsigned int cap)
{
	unsigned int n = 0;

	for (; h && groups && n < h->nr && n < cap; n++)
		groups[n] = h->groups[n];
	return n;
}
