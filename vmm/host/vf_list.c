// SPDX-License-Identifier: MIT
/* vf_list.c - SR-IOV PFs and their VFs from sysfs; see vf_list.h. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/bdf.h"
#include "vmm/base/err.h"
#include "vmm/base/log.h"
#include "vmm/host/pci_sysfs.h"
#include "vmm/host/rtnl.h"
#include "vmm/host/vf_list.h"

_Static_assert(TINYVMM_BDF_SIZE == PCI_SYSFS_BDF_SZ && TINYVMM_NAME_SIZE == PCI_SYSFS_NAME_SZ,
	       "the public sizes are sysfs's");

/* A hex id attribute ("0x8086"); 0 when unreadable. */
static unsigned int read_id(const char *root, const char *bdf, const char *attr)
{
	char buf[16];

	if (pci_sysfs_read_attr(root, bdf, attr, buf, sizeof(buf)) < 0)
		return 0;
	return (unsigned int)strtoul(buf, NULL, 16) & 0xffff;
}

/* Ids, driver, netdev, IOMMU group and viability from sysfs. */
static void fn_sysfs(const char *root, struct tinyvmm_pci_fn *fn)
{
	char bad[256], ok[256];

	fn->vendor_id = read_id(root, fn->bdf, "vendor");
	fn->device_id = read_id(root, fn->bdf, "device");
	pci_sysfs_driver(root, fn->bdf, fn->driver, sizeof(fn->driver));
	pci_sysfs_netdev(root, fn->bdf, fn->netdev, sizeof(fn->netdev));
	fn->iommu_group = pci_sysfs_iommu_group(root, fn->bdf);
	fn->viable =
	    fn->iommu_group >= 0 && pci_sysfs_group_others(root, fn->iommu_group, fn->bdf, bad,
							   sizeof(bad), ok, sizeof(ok)) == 0;
	if (fn->iommu_group < 0)
		fn->iommu_group = -1;
}

/* The PF's view of a VF (rtnetlink) into fn. */
static void fn_settings(struct tinyvmm_pci_fn *fn, const struct rtnl_vf *net)
{
	fn->has_settings = true;
	memcpy(fn->mac, net->mac, sizeof(fn->mac));
	fn->vlan = net->vlan;
	fn->qos = net->qos;
	fn->spoofchk = net->spoofchk;
	fn->trust = net->trust;
	fn->link_state = net->link_state;
}

void vf_list_free_pf(struct tinyvmm_pf *pf)
{
	free(pf->vfs);
	pf->vfs = NULL;
	pf->nr_vfs = 0;
}

int vf_list_pf(struct tinyvmm_pf *pf, const char *root, const char *bdf, bool net)
{
	char(*bdfs)[PCI_SYSFS_BDF_SZ];
	struct rtnl_vf *nets = NULL;
	unsigned int nr = 0, nr_net = 0;

	memset(pf, 0, sizeof(*pf));
	snprintf(pf->fn.bdf, sizeof(pf->fn.bdf), "%s", bdf);
	if (pci_sysfs_read_uint(root, bdf, "sriov_totalvfs", &pf->sriov_totalvfs) < 0)
		return -ENODEV; /* not SR-IOV capable */
	pci_sysfs_read_uint(root, bdf, "sriov_numvfs", &pf->sriov_numvfs);
	pf->fn.index = -1;
	pf->fn.spoofchk = pf->fn.trust = pf->fn.link_state = -1;
	fn_sysfs(root, &pf->fn);

	bdfs = calloc(PCI_SYSFS_MAX_VFS, sizeof(*bdfs));
	if (!bdfs)
		return err_host(-ENOMEM, "vf list: out of memory");
	pci_sysfs_virtfns(root, bdf, bdfs, PCI_SYSFS_MAX_VFS, &nr);
	pf->vfs = calloc(nr ? nr : 1, sizeof(*pf->vfs));
	if (net && pf->fn.netdev[0] && nr) {
		nets = calloc(RTNL_MAX_VFS, sizeof(*nets));
		if (nets && rtnl_vf_query(pf->fn.netdev, nets, RTNL_MAX_VFS, &nr_net) < 0 &&
		    nr_net == 0)
			log_debug("vf list: PF %s: no VF settings over rtnetlink", pf->fn.netdev);
	}
	for (unsigned int i = 0; pf->vfs && i < nr; i++) {
		struct tinyvmm_pci_fn *vf = &pf->vfs[i];

		strcpy(vf->bdf, bdfs[i]);
		vf->index = (int)i;
		vf->spoofchk = vf->trust = vf->link_state = -1;
		fn_sysfs(root, vf);
		for (unsigned int k = 0; nets && k < nr_net; k++)
			if (nets[k].index == i)
				fn_settings(vf, &nets[k]);
		pf->nr_vfs++;
	}
	free(nets);
	free(bdfs);
	if (!pf->vfs)
		return err_host(-ENOMEM, "vf list: out of memory");
	return 0;
}

static int pf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tinyvmm_pf *)a)->fn.bdf,
		      ((const struct tinyvmm_pf *)b)->fn.bdf);
}

int vf_list_collect(struct tinyvmm_vf_list *l, const char *root, bool net)
{
	char path[PATH_MAX], bdf[BDF_SIZE];
	struct dirent *e;
	DIR *d;
	int r = 0;

	memset(l, 0, sizeof(*l));
	snprintf(path, sizeof(path), "%s/bus/pci/devices", root);
	d = opendir(path);
	if (!d) {
		r = -errno;
		return err_host(r, "vf list: %s: %s", path, strerror(-r));
	}
	l->pfs = calloc(VF_LIST_MAX_PFS, sizeof(*l->pfs));
	if (!l->pfs) {
		closedir(d);
		return err_host(-ENOMEM, "vf list: out of memory");
	}
	while (r == 0 && (e = readdir(d))) {
		if (bdf_parse(e->d_name, bdf) < 0)
			continue; /* "." and "..", or not a PCI address */
		if (l->nr_pfs == VF_LIST_MAX_PFS) {
			log_warn("vf list: more than %d SR-IOV PFs; showing the first %d",
				 VF_LIST_MAX_PFS, VF_LIST_MAX_PFS);
			break;
		}
		r = vf_list_pf(&l->pfs[l->nr_pfs], root, bdf, net);
		if (r == 0) {
			l->nr_pfs++;
		} else {
			vf_list_free_pf(&l->pfs[l->nr_pfs]);
			r = r == -ENODEV ? 0 : r; /* not SR-IOV: not listed */
		}
	}
	closedir(d);
	qsort(l->pfs, l->nr_pfs, sizeof(l->pfs[0]), pf_cmp); /* by BDF, not directory order */
	return r;
}

void vf_list_free(struct tinyvmm_vf_list *l)
{
	for (unsigned int i = 0; i < l->nr_pfs; i++)
		vf_list_free_pf(&l->pfs[i]);
	free(l->pfs);
	l->pfs = NULL;
	l->nr_pfs = 0;
}
