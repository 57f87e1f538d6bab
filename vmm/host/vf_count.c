// SPDX-License-Identifier: MIT
/* vf_count.c - a PF's VF count; see vf_count.h. */
#include <stdlib.h>
#include <string.h>

#include "vmm/base/bdf.h"
#include "vmm/base/err.h"
#include "vmm/host/vf_count.h"
#include "vmm/host/vf_manage.h"

int vf_count_resolve_pf(const char *root, const char *arg, char bdf[PCI_SYSFS_BDF_SZ])
{
	if (bdf_parse(arg, bdf) == 0) {
		if (pci_sysfs_exists(root, bdf))
			return 0;
		return err_user(-ENODEV,
				"pf %s: no such PCI device (see tinyvmm vf list or lspci -D)", arg);
	}
	if (pci_sysfs_of_netdev(root, arg, bdf) == 0)
		return 0;
	return err_user(-ENODEV,
			"pf %s: neither a PCI address nor a PCI network interface (see tinyvmm vf "
			"list)",
			arg);
}

/* Refuse to remove VFs a running tinyvmm (or any VFIO user) holds. */
static int check_vfs_free(const char *root, const char *pf)
{
	char(*vfs)[PCI_SYSFS_BDF_SZ] = calloc(PCI_SYSFS_MAX_VFS, sizeof(*vfs));
	char drv[PCI_SYSFS_NAME_SZ];
	unsigned int nr = 0;
	int r = 0;

	if (!vfs)
		return err_host(-ENOMEM, "pf %s: out of memory", pf);
	pci_sysfs_virtfns(root, pf, vfs, PCI_SYSFS_MAX_VFS, &nr);
	for (unsigned int i = 0; i < nr && !r; i++) {
		long pid = vf_manage_holder(vfs[i]);

		if (pid > 0)
			r = err_user(
			    -EBUSY, "pf %s: VF %s is in use by tinyvmm pid %ld; stop that VM first",
			    pf, vfs[i], pid);
		else if (pci_sysfs_driver(root, vfs[i], drv, sizeof(drv)) == 0 &&
			 pci_sysfs_driver_is_vfio(drv) && vf_manage_group_open(vfs[i]))
			r = err_user(
			    -EBUSY,
			    "pf %s: VF %s is open through VFIO (a VM uses it?); stop it first", pf,
			    vfs[i]);
	}
	free(vfs);
	return r;
}

int vf_count_set(const char *root, const char *pf, unsigned int count)
{
	unsigned long total = 0;
	unsigned int nr = 0;
	char(*vfs)[PCI_SYSFS_BDF_SZ];
	int r;

	if (pci_sysfs_read_uint(root, pf, "sriov_totalvfs", &total) < 0)
		return err_user(
		    -EINVAL, "pf %s: not SR-IOV capable (no sriov_totalvfs); see tinyvmm vf list",
		    pf);
	if (count > total)
		return err_user(-ERANGE, "pf %s: VF count \"%u\": give 0 to %lu", pf, count, total);
	r = check_vfs_free(root, pf);
	if (r < 0)
		return r;
	r = pci_sysfs_set_numvfs(root, pf, count);
	if (r < 0)
		return err_host(r, "pf %s: cannot set sriov_numvfs to %u: %s%s", pf, count,
				strerror(-r),
				r == -EACCES || r == -EPERM ? " (run as root)"
				: r == -EBUSY		    ? " (VFs in use?)"
							    : "; check dmesg");
	vfs = calloc(PCI_SYSFS_MAX_VFS, sizeof(*vfs));
	if (!vfs)
		return err_host(-ENOMEM, "pf %s: out of memory", pf);
	pci_sysfs_virtfns(root, pf, vfs, PCI_SYSFS_MAX_VFS, &nr);
	free(vfs);
	if (nr != count)
		return err_host(-EIO, "pf %s: asked for %u VFs, sysfs shows %u", pf, count, nr);
	return 0;
}
