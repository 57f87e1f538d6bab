// SPDX-License-Identifier: MIT
/* check_cmd.c - tinyvmm check: the preflight report; see check_cmd.h. */
#include <stdio.h>
#include <string.h>

#include "include/tinyvmm.h"
#include "vmm/base/log.h"
#include "vmm/base/parse.h"
#include "vmm/cmd/check_cmd.h"

int check_cmd_main(int argc, char **argv)
{
	struct tinyvmm_check_item items[TINYVMM_CHECK_MAX_ITEMS];
	const char *vfs[TINYVMM_MAX_VFS];
	struct tinyvmm_check_request req = {.vfs = vfs};
	unsigned int nr = 0, ok = 0;
	int failed;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		u64 mem;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf(
			    "usage: tinyvmm check [--vf BDF]... [--mem SIZE]\n"
			    "Preflight: /dev/kvm, CPU virtualization, IOMMU, vfio-pci, each VF's\n"
			    "IOMMU group, RLIMIT_MEMLOCK for --mem (default %d MiB), hugepages,\n"
			    "and what the sandbox needs (seccomp, the VM process's memlock).\n"
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
			if (parse_size(v, &mem) < 0 || mem < TINYVMM_MIN_MEM_MIB * MiB ||
			    mem / MiB >= 0xffffffffULL) {
				log_err("check: --mem %s: give a size like 512 (MiB) or 2G", v);
				return TINYVMM_EXIT_USAGE;
			}
			req.mem_mib = (unsigned int)((mem + MiB - 1) / MiB);
			i++;
		} else {
			log_err("check: %s: unknown argument or missing value; see tinyvmm check "
				"--help",
				a);
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
