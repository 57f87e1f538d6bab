// SPDX-License-Identifier: MIT
/* check_cmd.c - tinyvmm check: the preflight report; see check_cmd.h. */
#include <stdio.h>
#include <string.h>

#include "include/tinyvmm.h"
#include "vmm/base/log.h"
#include "vmm/cmd/check_cmd.h"
#include "vmm/cmd/cli.h"

int check_cmd_main(int argc, char **argv)
{
	struct tinyvmm_check_item items[TINYVMM_CHECK_MAX_ITEMS];
	const char *vfs[TINYVMM_MAX_VFS], *argv_vfs[TINYVMM_MAX_VFS];
	struct tinyvmm_vf specs[TINYVMM_MAX_VFS];
	struct tinyvmm_check_request req = {.vfs = vfs};
	unsigned int nr = 0, ok = 0;
	int failed;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL,
			   *eq = strchr(a, '=');
		char name[16];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf(
			    "usage: tinyvmm check [--vf BDF[,key=value]...]... [--mem SIZE]\n"
			    "Preflight: /dev/kvm, CPU virtualization, IOMMU, vfio-pci, each VF's\n"
			    "IOMMU group, RLIMIT_MEMLOCK for --mem (default %d MiB), hugepages,\n"
			    "and what the sandbox needs (seccomp, the VM process's memlock).\n"
			    "--vf and --mem take what the main command takes (--vf=..., --mem=...\n"
			    "too). One OK/FAIL line per item, each FAIL with its fix. Exit 0 when\n"
			    "all pass, 1 otherwise, 64 for a bad argument.\n",
			    TINYVMM_DEFAULT_MEM_MIB);
			return 0;
		}
		/* --opt=value, as the main command takes it */
		if (eq && (size_t)(eq - a) < sizeof(name)) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
			a = name;
			v = eq + 1;
		} else {
			i++; /* the value's word, if a takes one */
		}
		if (!strcmp(a, "--vf") && v) {
			if (req.nr_vfs == TINYVMM_MAX_VFS) {
				log_err("check: at most %d --vf", TINYVMM_MAX_VFS);
				return TINYVMM_EXIT_USAGE;
			}
			/* the whole --vf syntax; only the address is checked */
			if (tinyvmm_vf_parse(v, &specs[req.nr_vfs]) < 0)
				return TINYVMM_EXIT_USAGE; /* logged */
			for (unsigned int k = 0; k < req.nr_vfs; k++) {
				if (!strcmp(vfs[k], specs[req.nr_vfs].bdf)) {
					log_err("check: --vf %s: %s is already passed by --vf %s; "
						"give each function once",
						v, vfs[k], argv_vfs[k]);
					return TINYVMM_EXIT_USAGE;
				}
			}
			vfs[req.nr_vfs] = specs[req.nr_vfs].bdf;
			argv_vfs[req.nr_vfs] = v;
			req.nr_vfs++;
		} else if (!strcmp(a, "--mem") && v) {
			if (cli_mem(v, &req.mem_mib) < 0)
				return TINYVMM_EXIT_USAGE; /* logged */
		} else {
			log_err("check: %s: unknown argument or missing value; see tinyvmm check "
				"--help",
				argv[eq ? i : i - 1]);
			return TINYVMM_EXIT_USAGE;
		}
	}
	failed = tinyvmm_check(&req, items, TINYVMM_CHECK_MAX_ITEMS, &nr);
	if (failed < 0) {
		log_err("check: %s", strerror(-tinyvmm_errno(failed)));
		return TINYVMM_EXIT_HOST;
	}
	for (unsigned int i = 0; i < nr; i++) {
		printf("%-5s %-10s %s\n", items[i].ok ? "OK" : "FAIL", items[i].name,
		       items[i].detail);
		ok += items[i].ok;
	}
	printf("check: %u ok, %d failed\n", ok, failed);
	return failed ? 1 : 0;
}
