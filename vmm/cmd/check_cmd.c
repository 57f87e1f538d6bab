// SPDX-License-Identifier: MIT
/* check_cmd.c - tinyvmm check: the preflight report; see check_cmd.h. */
#include <stdio.h>
#include <string.h>

#include "include/tinyvmm.h"
#include "vmm/base/log.h"
#include "vmm/base/parse.h"
#include "vmm/cmd/check_cmd.h"
#include "vmm/host/preflight.h"

int check_cmd_main(int argc, char **argv)
{
	static const struct preflight_paths sys = {.sys = "/sys", .proc = "/proc", .dev = "/dev"};
	const char *vfs[TINYVMM_MAX_VFS];
	struct preflight_req req = {.mem = TINYVMM_DEFAULT_MEM_MIB * MiB, .vfs = vfs};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf("usage: tinyvmm check [--vf BDF]... [--mem SIZE]\n"
			       "Preflight: /dev/kvm, CPU virtualization, IOMMU, vfio-pci, each VF's\n"
			       "IOMMU group, RLIMIT_MEMLOCK for --mem (default %d MiB), hugepages.\n"
			       "One OK/FAIL line per item, each FAIL with its fix. Exit 0 when all\n"
			       "pass, 1 otherwise.\n",
			       TINYVMM_DEFAULT_MEM_MIB);
			return 0;
		}
		if (!strcmp(a, "--vf") && v) {
			if (req.nr_vfs == TINYVMM_MAX_VFS) {
				log_err("check: at most %d --vf", TINYVMM_MAX_VFS);
				return TINYVMM_EXIT_USAGE;
			}
			vfs[req.nr_vfs++] = v;
			i++;
		} else if (!strcmp(a, "--mem") && v) {
			if (parse_size(v, &req.mem) < 0 || req.mem < TINYVMM_MIN_MEM_MIB * MiB) {
				log_err("check: --mem %s: give a size like 512 (MiB) or 2G", v);
				return TINYVMM_EXIT_USAGE;
			}
			i++;
		} else {
			log_err("check: %s: unknown argument or missing value; see tinyvmm check "
				"--help",
				a);
			return TINYVMM_EXIT_USAGE;
		}
	}
	return preflight_run(stdout, &sys, &req) ? 1 : 0;
}
