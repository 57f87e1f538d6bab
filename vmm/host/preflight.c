// SPDX-License-Identifier: MIT
/* preflight.c - the preflight report; see preflight.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kvm.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/bdf.h"
#include "vmm/host/preflight.h"
#include "vmm/base/log.h"
#include "vmm/host/pci_sysfs.h"
#include "vmm/pci/vfio.h"

#define CAP_IPC_LOCK_BIT     14
#define CAP_SYS_RESOURCE_BIT 24

struct report {
	struct tinyvmm_check_item *items;
	unsigned int cap, nr;
	int failed;
};

static void PRINTF(4, 5) item(struct report *rep, bool ok, const char *name, const char *fmt, ...)
{
	struct tinyvmm_check_item *it;
	va_list ap;

	if (!ok)
		rep->failed++;
	if (rep->nr == rep->cap)
		return; /* the caller's array is full: counted, not kept */
	it = &rep->items[rep->nr++];
	snprintf(it->name, sizeof(it->name), "%s", name);
	it->ok = ok;
	va_start(ap, fmt);
	vsnprintf(it->detail, sizeof(it->detail), fmt, ap);
	va_end(ap);
}

/* The flags line of the first CPU in cpuinfo contains word. */
static bool cpu_flag(const char *cpuinfo, const char *word)
{
	const char *line = strstr(cpuinfo, "\nflags");
	size_t n = strlen(word);

	if (!line)
		return false;
	for (const char *p = strchr(line + 1, ':'); p && *p && *p != '\n'; p++) {
		if (p[-1] == ' ' && strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\n'))
			return true;
	}
	return false;
}

static bool is_amd(const char *cpuinfo)
{
	return strstr(cpuinfo, "AuthenticAMD") != NULL;
}

/* An arm64 host: its cpuinfo names implementers, not vendors. */
static bool is_arm(const char *cpuinfo)
{
	return strstr(cpuinfo, "CPU implementer") != NULL;
}

/* How to get /dev/kvm on this CPU. */
static const char *kvm_fix(const char *cpuinfo)
{
	return is_arm(cpuinfo) ? "KVM on arm64 needs the host kernel started at EL2 (a firmware "
				 "setting) with CONFIG_KVM; dmesg | grep kvm says why not"
			       : "load KVM: modprobe kvm_intel (Intel) or kvm_amd (AMD)";
}

/* What check_kvm() found: the CPU item needs to know whether KVM is there. */
enum kvm_state { KVM_MISSING, KVM_NO_ACCESS, KVM_WORKS };

static enum kvm_state check_kvm(struct report *rep, const struct preflight_paths *p,
				const char *cpuinfo)
{
	char path[PATH_MAX];
	int fd, api;

	snprintf(path, sizeof(path), "%s/kvm", p->dev);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		item(rep, false, "kvm", "%s: %s; fix: %s", path, strerror(e),
		     e == ENOENT ? kvm_fix(cpuinfo)
		     : e == EACCES
			 ? "add yourself to the kvm group: sudo usermod -aG kvm $USER, log in again"
		     : e == EPERM ? "a device cgroup or security policy denies it (in a container, "
				    "pass the device: --device /dev/kvm)"
				  : "check dmesg");
		/* there, but not this user's to open: KVM itself is loaded */
		return e == EACCES || e == EPERM ? KVM_NO_ACCESS : KVM_MISSING;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (api < 0) {
		item(rep, false, "kvm", "%s is not a KVM device (KVM_GET_API_VERSION: %s); fix: %s",
		     path, strerror(errno), kvm_fix(cpuinfo));
		return KVM_MISSING;
	}
	if (api != KVM_API_VERSION) {
		item(rep, false, "kvm", "%s: KVM API %d, tinyvmm needs %d; fix: a newer kernel",
		     path, api, KVM_API_VERSION);
		return KVM_MISSING;
	}
	item(rep, true, "kvm", "%s: KVM API %d, read-write", path, api);
	return KVM_WORKS;
}

/*
 * The CPU's part. A /dev/kvm that this user may not open still shows the
 * CPU (or the hypervisor below) can run KVM: only the kvm item fails then.
 */
static void check_cpu(struct report *rep, const char *cpuinfo, enum kvm_state kvm)
{
	const char *how = kvm == KVM_WORKS ? "works" : "is there";

	if (is_arm(cpuinfo))
		item(rep, kvm != KVM_MISSING, "cpu", "arm64: %s",
		     kvm == KVM_WORKS	    ? "/dev/kvm works, so the kernel runs at EL2"
		     : kvm == KVM_NO_ACCESS ? "/dev/kvm is there, so the kernel runs at EL2"
					    : "no /dev/kvm; fix: start the host kernel at EL2 "
					      "(firmware setup)");
	else if (cpu_flag(cpuinfo, "vmx"))
		item(rep, true, "cpu", "Intel VT-x (vmx) in cpuinfo");
	else if (cpu_flag(cpuinfo, "svm"))
		item(rep, true, "cpu", "AMD-V (svm) in cpuinfo");
	else if (kvm != KVM_MISSING)
		item(rep, true, "cpu", "no vmx/svm flag, but /dev/kvm %s (paravirtual KVM)", how);
	else
		item(rep, false, "cpu",
		     "no vmx or svm flag in cpuinfo; fix: enable %s in the firmware setup%s",
		     is_amd(cpuinfo) ? "AMD-V (SVM)" : "Intel VT-x",
		     cpu_flag(cpuinfo, "hypervisor")
			 ? ", or nested virtualization on the hypervisor this host runs on"
			 : "");
}

static int count_entries(const char *dir)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void check_iommu(struct report *rep, const struct preflight_paths *p, const char *cpuinfo)
{
	char path[PATH_MAX];
	int n;

	snprintf(path, sizeof(path), "%s/kernel/iommu_groups", p->sys);
	n = count_entries(path);
	if (n > 0) {
		item(rep, true, "iommu", "on: %d IOMMU groups", n);
		return;
	}
	if (is_arm(cpuinfo)) {
		item(rep, false, "iommu",
		     "no IOMMU groups: the SMMU is off; fix: enable the SMMU in the firmware setup "
		     "and use a kernel with its driver (CONFIG_ARM_SMMU_V3)");
		return;
	}
	item(rep, false, "iommu",
	     "no IOMMU groups: the IOMMU is off; fix: boot the host with %s (add it to "
	     "GRUB_CMDLINE_LINUX, update-grub, reboot) and enable %s in the firmware setup",
	     is_amd(cpuinfo) ? "amd_iommu=on iommu=pt" : "intel_iommu=on iommu=pt",
	     is_amd(cpuinfo) ? "AMD-Vi/IOMMU" : "VT-d");
}

static void check_vfio(struct report *rep, const struct preflight_paths *p)
{
	char drv[PATH_MAX], node[PATH_MAX];
	struct stat st;

	snprintf(drv, sizeof(drv), "%s/bus/pci/drivers/vfio-pci", p->sys);
	snprintf(node, sizeof(node), "%s/vfio/vfio", p->dev);
	if (stat(drv, &st) < 0)
		item(rep, false, "vfio-pci",
		     "the vfio-pci driver is not loaded; fix: modprobe "
		     "vfio-pci (and add vfio-pci to /etc/modules)");
	else if (stat(node, &st) < 0)
		item(rep, false, "vfio-pci", "%s is missing; fix: modprobe vfio_iommu_type1", node);
	else
		item(rep, true, "vfio-pci", "driver loaded, %s present", node);
}

/*
 * A VF on vfio-pci: can this user open its group's /dev/vfio/N read-write,
 * as managed=off needs (root always can)? A FAIL item and -1 when not.
 * AT_EACCESS asks for the effective ids and capabilities (faccessat2, Linux
 * 5.8; glibc's fallback on older kernels judges by the mode bits alone).
 */
static int check_group_node(struct report *rep, const struct preflight_paths *p, const char *name,
			    int g)
{
	char node[PATH_MAX], user[64];
	struct passwd *pw;
	int e;

	snprintf(node, sizeof(node), "%s/vfio/%d", p->dev, g);
	if (faccessat(AT_FDCWD, node, R_OK | W_OK, AT_EACCESS) == 0)
		return 0;
	e = errno;
	if (e == ENOENT) {
		item(rep, false, name,
		     "%s: %s, though the device is on vfio-pci; fix: bind it to vfio-pci "
		     "again, and see dmesg (in a container, pass the device: --device %s)",
		     node, strerror(e), node);
		return -1;
	}
	if (e != EACCES) {
		item(rep, false, name,
		     "%s: %s; fix: a device cgroup or security policy denies it (in a "
		     "container, pass the device: --device %s)",
		     node, strerror(e), node);
		return -1;
	}
	pw = getpwuid(geteuid());
	if (pw)
		snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "%u", (unsigned int)geteuid());
	item(rep, false, name,
	     "%s: %s (this user cannot open IOMMU group %d); fix: sudo chown %s %s (and, "
	     "to keep it, a udev rule: SUBSYSTEM==\"vfio\", KERNEL==\"%d\", OWNER=\"%s\")",
	     node, strerror(e), g, user, node, g, user);
	return -1;
}

static void check_vf(struct report *rep, const struct preflight_paths *p, const char *arg)
{
	char bdf[PCI_SYSFS_BDF_SZ], drv[PCI_SYSFS_NAME_SZ], name[32], bad[256], ok[256],
	    pf[PCI_SYSFS_BDF_SZ];
	unsigned int idx;
	int g, nbad;

	snprintf(name, sizeof(name), "vf %s", arg);
	if (bdf_parse(arg, bdf) < 0) {
		item(rep, false, name,
		     "not a PCI address; fix: give DDDD:BB:DD.F as lspci -D shows");
		return;
	}
	snprintf(name, sizeof(name), "vf %s", bdf);
	if (pci_sysfs_driver(p->sys, bdf, drv, sizeof(drv)) < 0) {
		item(rep, false, name,
		     "no such PCI device; fix: create VFs with tinyvmm vf create "
		     "PF N, see tinyvmm vf list");
		return;
	}
	g = pci_sysfs_iommu_group(p->sys, bdf);
	if (g < 0) {
		item(rep, false, name, "no IOMMU group; fix: turn the IOMMU on (see iommu above)");
		return;
	}
	nbad = pci_sysfs_group_others(p->sys, g, bdf, bad, sizeof(bad), ok, sizeof(ok));
	if (nbad != 0) {
		item(rep, false, name,
		     "IOMMU group %d is not viable: %s; fix: bind %s to vfio-pci "
		     "or pass %s with --vf too",
		     g, nbad > 0 ? bad : strerror(-nbad), nbad > 1 ? "them" : "it",
		     nbad > 1 ? "them" : "it");
		return;
	}
	if (pci_sysfs_driver_is_vfio(drv) && check_group_node(rep, p, name, g) < 0)
		return;
	item(rep, true, name, "IOMMU group %d, viable, %s%s%s%s", g,
	     pci_sysfs_physfn(p->sys, bdf, pf, &idx) == 0 ? "an SR-IOV VF, " : "",
	     drv[0] ? "on " : "on no driver", drv,
	     pci_sysfs_driver_is_vfio(drv) ? ", its group's device read-write"
					   : " (tinyvmm moves it to vfio-pci; managed=off "
					     "needs it there)");
}

/* A capability in CapEff of procfs self/status. */
static bool has_cap(const struct preflight_paths *p, unsigned int bit)
{
	char path[PATH_MAX], buf[4096];
	const char *cap;

	snprintf(path, sizeof(path), "%s/self/status", p->proc);
	if (pci_sysfs_read_file(path, buf, sizeof(buf)) < 0 || !(cap = strstr(buf, "\nCapEff:")))
		return false;
	return strtoull(cap + 8, NULL, 16) >> bit & 1;
}

static void check_memlock(struct report *rep, const struct preflight_paths *p, u64 mem)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
		item(rep, false, "memlock", "getrlimit: %s", strerror(errno));
	} else if (rl.rlim_cur == RLIM_INFINITY) {
		item(rep, true, "memlock",
		     "RLIMIT_MEMLOCK unlimited; %llu MiB of guest RAM can be "
		     "pinned for DMA",
		     (unsigned long long)(mem / MiB));
	} else if (has_cap(p, CAP_IPC_LOCK_BIT)) {
		item(rep, true, "memlock",
		     "CAP_IPC_LOCK: pinning %llu MiB is not limited by "
		     "RLIMIT_MEMLOCK (%llu KiB)",
		     (unsigned long long)(mem / MiB), (unsigned long long)(rl.rlim_cur / KiB));
	} else if (rl.rlim_cur >= mem) {
		item(rep, true, "memlock", "RLIMIT_MEMLOCK %llu KiB covers %llu MiB of guest RAM",
		     (unsigned long long)(rl.rlim_cur / KiB), (unsigned long long)(mem / MiB));
	} else {
		item(rep, false, "memlock",
		     "RLIMIT_MEMLOCK is %llu KiB, pinning %llu MiB of guest RAM for DMA needs "
		     "%llu KiB; fix: ulimit -l %llu (or LimitMEMLOCK= in a systemd unit, "
		     "memlock in /etc/security/limits.conf), or run as root",
		     (unsigned long long)(rl.rlim_cur / KiB), (unsigned long long)(mem / MiB),
		     (unsigned long long)(mem / KiB), (unsigned long long)(mem / KiB));
	}
}

static void check_hugepages(struct report *rep, const struct preflight_paths *p, u64 mem)
{
	char path[PATH_MAX], thp[256], meminfo[8192];
	const char *sel, *fr;
	unsigned long long free_pages = 0;

	snprintf(path, sizeof(path), "%s/meminfo", p->proc);
	if (pci_sysfs_read_file(path, meminfo, sizeof(meminfo)) >= 0 &&
	    (fr = strstr(meminfo, "HugePages_Free:")))
		free_pages = strtoull(fr + 15, NULL, 10);
	snprintf(path, sizeof(path), "%s/kernel/mm/transparent_hugepage/enabled", p->sys);
	sel = pci_sysfs_read_file(path, thp, sizeof(thp)) >= 0 ? strchr(thp, '[') : NULL;
	if (sel && (strncmp(sel, "[always]", 8) == 0 || strncmp(sel, "[madvise]", 9) == 0)) {
		item(rep, true, "hugepages",
		     "transparent huge pages: %.*s (tinyvmm asks for them); %llu free 2 MiB pages "
		     "for --hugepages (%llu needed)",
		     (int)strcspn(sel + 1, "]"), sel + 1, free_pages,
		     (unsigned long long)(mem / (2 * MiB)));
	} else if (free_pages * 2 * MiB >= mem) {
		item(rep, true, "hugepages", "%llu free 2 MiB pages: run with --hugepages",
		     free_pages);
	} else {
		item(rep, false, "hugepages",
		     "no transparent huge pages and %llu free 2 MiB pages (%llu needed): guest RAM "
		     "gets 4 KiB pages; fix: echo madvise > "
		     "/sys/kernel/mm/transparent_hugepage/enabled, or echo %llu > "
		     "/proc/sys/vm/nr_hugepages and use --hugepages",
		     free_pages, (unsigned long long)(mem / (2 * MiB)),
		     (unsigned long long)(mem / (2 * MiB)));
	}
}

/*
 * What the sandbox needs (the command's, vmm/cmd/jail.h): seccomp filters
 * that trap and log; as root, a user for the VM process and, with VFs, a
 * memlock limit of guest RAM it can be given (CAP_SYS_RESOURCE, or a hard
 * limit high enough already).
 */
static void check_sandbox(struct report *rep, const struct preflight_paths *p,
			  const struct preflight_req *req)
{
	char path[PATH_MAX], acts[256];
	u64 need = req->mem + TINYVMM_MEMLOCK_SLACK;
	struct rlimit rl;
	struct passwd *pw;

	snprintf(path, sizeof(path), "%s/sys/kernel/seccomp/actions_avail", p->proc);
	if (pci_sysfs_read_file(path, acts, sizeof(acts)) < 0 || !strstr(acts, "trap")) {
		item(rep, false, "sandbox",
		     "no seccomp filters that trap in this kernel (%s); fix: a kernel with "
		     "CONFIG_SECCOMP_FILTER, or run with --seccomp=off",
		     path);
		return;
	}
	if (geteuid() != 0) {
		item(rep, true, "sandbox",
		     "seccomp filters (%s); not root: the VM runs in this process as uid %u",
		     strstr(acts, "log") ? "trap, log" : "trap", (unsigned int)geteuid());
		return;
	}
	pw = getpwnam("nobody");
	if (req->nr_vfs && !has_cap(p, CAP_SYS_RESOURCE_BIT) &&
	    (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 ||
	     (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need))) {
		item(rep, false, "sandbox",
		     "the VM process (as nobody) needs RLIMIT_MEMLOCK of %llu MiB to map guest RAM "
		     "for its VFs, and without CAP_SYS_RESOURCE the hard limit cannot be raised; "
		     "fix: raise the hard limit (ulimit -Hl %llu), or run with --run-as none",
		     (unsigned long long)(need / MiB), (unsigned long long)(need / KiB));
		return;
	}
	item(rep, true, "sandbox",
	     "seccomp filters (%s); the VM process runs as nobody (uid %u) with RLIMIT_MEMLOCK "
	     "%llu MiB",
	     strstr(acts, "log") ? "trap, log" : "trap", pw ? (unsigned int)pw->pw_uid : 65534u,
	     (unsigned long long)(need / MiB));
}

int preflight_run(struct tinyvmm_check_item *items, unsigned int cap, unsigned int *nr,
		  const struct preflight_paths *p, const struct preflight_req *req)
{
	struct report rep = {.items = items, .cap = cap};
	char path[PATH_MAX];
	static char cpuinfo[1 << 16];
	enum kvm_state kvm;

	snprintf(path, sizeof(path), "%s/cpuinfo", p->proc);
	if (pci_sysfs_read_file(path, cpuinfo, sizeof(cpuinfo)) < 0)
		cpuinfo[0] = '\0';
	kvm = check_kvm(&rep, p, cpuinfo);
	check_cpu(&rep, cpuinfo, kvm);
	check_iommu(&rep, p, cpuinfo);
	check_vfio(&rep, p);
	for (unsigned int i = 0; i < req->nr_vfs; i++)
		check_vf(&rep, p, req->vfs[i]);
	check_memlock(&rep, p, req->mem);
	check_hugepages(&rep, p, req->mem);
	check_sandbox(&rep, p, req);
	*nr = rep.nr;
	return rep.failed;
}
