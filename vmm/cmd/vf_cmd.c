// SPDX-License-Identifier: MIT
/*
 * vf_cmd.c - `tinyvmm vf list|create|destroy|restore`: the operator's VF
 * workflow as subcommands; see vf_cmd.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/bdf.h"
#include "vmm/base/parse.h"
#include "vmm/base/exitcode.h"
#include "vmm/base/log.h"
#include "vmm/cmd/vf_cmd.h"
#include "vmm/host/vf_list.h"
#include "vmm/host/vf_manage.h"
#include "vmm/pci/vfio.h"

void vf_cmd_usage(FILE *f)
{
	fprintf(f,
		"usage: tinyvmm vf list [--json]       SR-IOV PFs and their VFs: names, driver,\n"
		"                                      IOMMU group, MAC/VLAN as the PF reports\n"
		"       tinyvmm vf create PF N         set PF's VF count to N (through 0 if needed)\n"
		"       tinyvmm vf destroy PF          remove all of PF's VFs\n"
		"       tinyvmm vf restore [BDF]       give back VFs a killed tinyvmm left on\n"
		"                                      vfio-pci (records in %s)\n"
		"PF is a PCI address (0000:01:00.0) or the PF's network interface (eth0).\n",
		vf_manage_run_dir());
}

/* A PF given as a BDF or a netdev name into its canonical BDF. */
static int resolve_pf(const char *arg, char bdf[PCI_SYSFS_BDF_SZ])
{
	if (bdf_parse(arg, bdf) == 0) {
		if (pci_sysfs_exists(PCI_SYSFS_SYSFS, bdf))
			return 0;
		log_err("pf %s: no such PCI device (see tinyvmm vf list or lspci -D)", arg);
		return -ENODEV;
	}
	if (pci_sysfs_of_netdev(PCI_SYSFS_SYSFS, arg, bdf) == 0)
		return 0;
	log_err("pf %s: neither a PCI address nor a PCI network interface (see tinyvmm vf list)",
		arg);
	return -ENODEV;
}

/* Refuse to remove VFs a running tinyvmm holds. */
static int check_vfs_free(const char *pf)
{
	char (*vfs)[PCI_SYSFS_BDF_SZ] = calloc(PCI_SYSFS_MAX_VFS, sizeof(*vfs));
	char drv[PCI_SYSFS_NAME_SZ];
	unsigned int nr = 0;
	int r = 0;

	if (!vfs)
		return -ENOMEM;
	pci_sysfs_virtfns(PCI_SYSFS_SYSFS, pf, vfs, PCI_SYSFS_MAX_VFS, &nr);
	for (unsigned int i = 0; i < nr && !r; i++) {
		long pid = vf_manage_holder(vfs[i]);

		if (pid > 0) {
			log_err("pf %s: VF %s is in use by tinyvmm pid %ld; stop that VM first", pf,
				vfs[i], pid);
			r = -EBUSY;
		} else if (pci_sysfs_driver(PCI_SYSFS_SYSFS, vfs[i], drv, sizeof(drv)) == 0 &&
			   pci_sysfs_driver_is_vfio(drv) && vf_manage_group_open(vfs[i])) {
			log_err("pf %s: VF %s is open through VFIO (a VM uses it?); stop it first",
				pf, vfs[i]);
			r = -EBUSY;
		}
	}
	free(vfs);
	return r;
}

static int cmd_numvfs(const char *pf_arg, const char *count)
{
	char pf[PCI_SYSFS_BDF_SZ], (*vfs)[PCI_SYSFS_BDF_SZ];
	unsigned long n, total = 0;
	unsigned int nr = 0;
	int r;

	if (resolve_pf(pf_arg, pf) < 0)
		return EXIT_USAGE;
	if (pci_sysfs_read_uint(PCI_SYSFS_SYSFS, pf, "sriov_totalvfs", &total) < 0) {
		log_err("pf %s: not SR-IOV capable (no sriov_totalvfs); see tinyvmm vf list", pf);
		return EXIT_USAGE;
	}
	if (parse_uint(count, 65535, &n) < 0 || n > total) {
		log_err("pf %s: VF count \"%s\": give 0 to %lu", pf, count, total);
		return EXIT_USAGE;
	}
	if (check_vfs_free(pf) < 0)
		return EXIT_USAGE;
	r = pci_sysfs_set_numvfs(PCI_SYSFS_SYSFS, pf, (unsigned int)n);
	if (r < 0) {
		log_err("pf %s: cannot set sriov_numvfs to %lu: %s%s", pf, n, strerror(-r),
			r == -EACCES || r == -EPERM ? " (run as root)"
			: r == -EBUSY		    ? " (VFs in use?)"
						    : "; check dmesg");
		return EXIT_HOST;
	}
	vfs = calloc(PCI_SYSFS_MAX_VFS, sizeof(*vfs));
	if (vfs)
		pci_sysfs_virtfns(PCI_SYSFS_SYSFS, pf, vfs, PCI_SYSFS_MAX_VFS, &nr);
	printf("pf %s: %u VF%s", pf, nr, nr == 1 ? "" : "s");
	for (unsigned int i = 0; i < nr; i++)
		printf("%s%s", i ? " " : ": ", vfs[i]);
	printf("\n");
	free(vfs);
	if (nr != n) {
		log_err("pf %s: asked for %lu VFs, sysfs shows %u", pf, n, nr);
		return EXIT_HOST;
	}
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct vf_list l;
	bool json = false;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else {
			log_err("vf list: unknown argument %s; see tinyvmm vf --help", argv[i]);
			return EXIT_USAGE;
		}
	}
	r = vf_list_collect(&l, PCI_SYSFS_SYSFS, true);
	if (r == 0) {
		if (json)
			vf_list_print_json(stdout, &l);
		else
			vf_list_print_text(stdout, &l);
	}
	vf_list_free(&l);
	return r < 0 ? EXIT_HOST : 0;
}

int vf_cmd_main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	int r;

	if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		vf_cmd_usage(cmd ? stdout : stderr);
		return cmd ? 0 : EXIT_USAGE;
	}
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "create")) {
		if (argc != 4) {
			log_err("vf create: give PF and N, e.g. tinyvmm vf create eth0 4");
			return EXIT_USAGE;
		}
		return cmd_numvfs(argv[2], argv[3]);
	}
	if (!strcmp(cmd, "destroy")) {
		if (argc != 3) {
			log_err("vf destroy: give the PF, e.g. tinyvmm vf destroy 0000:01:00.0");
			return EXIT_USAGE;
		}
		return cmd_numvfs(argv[2], "0");
	}
	if (!strcmp(cmd, "restore")) {
		char bdf[PCI_SYSFS_BDF_SZ];

		if (argc > 3 || (argc == 3 && bdf_parse(argv[2], bdf) < 0)) {
			log_err("vf restore: give no argument or one PCI address (0000:01:10.0)");
			return EXIT_USAGE;
		}
		r = vf_manage_restore(PCI_SYSFS_SYSFS, argc == 3 ? bdf : NULL);
		return r == 0 ? 0 : r == -EBUSY ? EXIT_USAGE : EXIT_HOST;
	}
	log_err("vf %s: unknown command; the commands are list, create, destroy, restore", cmd);
	return EXIT_USAGE;
}
