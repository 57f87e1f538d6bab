// SPDX-License-Identifier: MIT
/*
 * vf_cmd.c - `tinyvmm vf list|create|destroy|restore`: the operator's VF
 * workflow as subcommands, on the library's calls; see vf_cmd.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/tinyvmm.h"
#include "vmm/base/log.h"
#include "vmm/base/parse.h"
#include "vmm/cmd/pci_names.h"
#include "vmm/cmd/vf_cmd.h"
#include "vmm/cmd/vf_print.h"

#define RESTORE_MAX 256 /* VFs a restore reports on */

/* The exit status of a library error: its mark says whose fault it is. */
static int status_of(int r)
{
	return tinyvmm_is_user_error(r) ? TINYVMM_EXIT_USAGE : TINYVMM_EXIT_HOST;
}

void vf_cmd_usage(FILE *f)
{
	const char *dir = getenv("TINYVMM_RUN_DIR");

	fprintf(
	    f,
	    "usage: tinyvmm vf list [--json]       SR-IOV PFs and their VFs: names, driver,\n"
	    "                                      IOMMU group, MAC/VLAN as the PF reports\n"
	    "       tinyvmm vf create PF N         set PF's VF count to N (through 0 if needed)\n"
	    "       tinyvmm vf destroy PF          remove all of PF's VFs\n"
	    "       tinyvmm vf restore [BDF]       give back VFs a killed tinyvmm left on\n"
	    "                                      vfio-pci (records in %s)\n"
	    "PF is a PCI address (0000:01:00.0) or the PF's network interface (eth0).\n",
	    dir && *dir ? dir : "/run/tinyvmm");
}

static int cmd_count(const char *pf_arg, const char *count)
{
	struct tinyvmm_pf pf;
	unsigned long n;
	int r;

	if (parse_uint(count, 65535, &n) < 0) {
		log_err("pf %s: VF count \"%s\": give a number of VFs, e.g. 4", pf_arg, count);
		return TINYVMM_EXIT_USAGE;
	}
	r = tinyvmm_vf_set_count(pf_arg, (unsigned int)n, &pf);
	if (r < 0)
		return status_of(r);
	printf("pf %s: %u VF%s", pf.fn.bdf, pf.nr_vfs, pf.nr_vfs == 1 ? "" : "s");
	for (unsigned int i = 0; i < pf.nr_vfs; i++)
		printf("%s%s", i ? " " : ": ", pf.vfs[i].bdf);
	printf("\n");
	tinyvmm_pf_free(&pf);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct tinyvmm_vf_list l;
	bool json = false;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else {
			log_err("vf list: unknown argument %s; see tinyvmm vf --help", argv[i]);
			return TINYVMM_EXIT_USAGE;
		}
	}
	r = tinyvmm_vf_list(&l);
	if (r == 0) {
		if (json)
			vf_print_json(stdout, &l, pci_names_lookup);
		else
			vf_print_text(stdout, &l, pci_names_lookup);
	}
	tinyvmm_vf_list_free(&l);
	pci_names_close();
	return r < 0 ? status_of(r) : 0;
}

static int cmd_restore(const char *bdf)
{
	static struct tinyvmm_restored res[RESTORE_MAX];
	unsigned int nr = 0;
	int r = tinyvmm_vf_restore(bdf, res, RESTORE_MAX, &nr);

	for (unsigned int i = 0; i < nr && i < RESTORE_MAX; i++) {
		const struct tinyvmm_restored *v = &res[i];

		if (v->status == -EBUSY)
			printf("vf %s: in use by tinyvmm pid %ld; left alone\n", v->bdf,
			       v->holder_pid);
		else if (v->status == 0)
			printf("vf %s: restored (driver %s%s%s%s)\n", v->bdf,
			       v->driver[0] ? v->driver : "none", v->netdev[0] ? ", netdev " : "",
			       v->netdev, v->pf_settings ? ", PF settings put back" : "");
	}
	if (nr > RESTORE_MAX)
		printf("vf restore: %u more VFs handled, not listed\n", nr - RESTORE_MAX);
	if (!nr && r == 0)
		printf("vf restore: nothing to restore%s%s\n", bdf ? " for " : "", bdf ? bdf : "");
	return r < 0 ? status_of(r) : 0;
}

int vf_cmd_main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		vf_cmd_usage(cmd ? stdout : stderr);
		return cmd ? 0 : TINYVMM_EXIT_USAGE;
	}
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "create")) {
		if (argc != 4) {
			log_err("vf create: give PF and N, e.g. tinyvmm vf create eth0 4");
			return TINYVMM_EXIT_USAGE;
		}
		return cmd_count(argv[2], argv[3]);
	}
	if (!strcmp(cmd, "destroy")) {
		if (argc != 3) {
			log_err("vf destroy: give the PF, e.g. tinyvmm vf destroy 0000:01:00.0");
			return TINYVMM_EXIT_USAGE;
		}
		return cmd_count(argv[2], "0");
	}
	if (!strcmp(cmd, "restore")) {
		if (argc > 3) {
			log_err("vf restore: give no argument or one PCI address (0000:01:10.0)");
			return TINYVMM_EXIT_USAGE;
		}
		return cmd_restore(argc == 3 ? argv[2] : NULL);
	}
	log_err("vf %s: unknown command; the commands are list, create, destroy, restore", cmd);
	return TINYVMM_EXIT_USAGE;
}
