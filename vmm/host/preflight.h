/* SPDX-License-Identifier: MIT */
/*
 * preflight.h - tinyvmm_check(): can this host run a VM with these VFs?
 * One item per thing checked, OK or FAIL, each FAIL with the fix; the
 * tinyvmm check command prints them as
 *
 *   OK    kvm        /dev/kvm: KVM API 12, read-write
 *   OK    cpu        AMD-V (svm) in /proc/cpuinfo
 *   FAIL  iommu      no IOMMU groups: the IOMMU is off; fix: boot with amd_iommu=on ...
 *   OK    vfio-pci   driver loaded, /dev/vfio/vfio present
 *   OK    vf 0000:01:10.0  IOMMU group 12, viable, on igbvf (tinyvmm moves it to vfio-pci)
 *   OK    memlock    RLIMIT_MEMLOCK unlimited; 512 MiB of guest RAM can be pinned
 *   OK    hugepages  transparent huge pages: madvise (tinyvmm asks for them)
 *   check: 6 ok, 1 failed
 *
 * The files read are under paths (sysfs, procfs, /dev), so unit tests run
 * the items against a fake tree.
 */
#ifndef TINYVMM_PREFLIGHT_H
#define TINYVMM_PREFLIGHT_H

#include "include/tinyvmm.h"
#include "vmm/base/util.h"

struct preflight_paths {
	const char *sys;  /* "/sys" */
	const char *proc; /* "/proc" */
	const char *dev;  /* "/dev" */
};

struct preflight_req {
	u64 mem; /* guest RAM to pin, bytes */
	const char *const *vfs;
	unsigned int nr_vfs;
};

/*
 * Run every item into items[0..*nr) (cap of them: 6 + one per VF is
 * enough; more are counted but not kept). Returns the number that failed.
 */
int preflight_run(struct tinyvmm_check_item *items, unsigned int cap, unsigned int *nr,
		  const struct preflight_paths *p, const struct preflight_req *req);

#endif
