// SPDX-License-Identifier: MIT
/*
 * test_check.c - `tinyvmm check` against fake sys/proc/dev trees: every
 * item's OK and FAIL lines with their fixes, the count and the closing
 * line. The kvm item needs a real KVM behind dev/kvm (a symlink to
 * /dev/kvm); where the machine has none, the assertions that need it skip
 * loudly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/host/preflight.h"
#include "vmm/base/exitcode.h"
#include "tests/fake_sysfs.h"

#define VF  "0000:01:10.0"
#define VF2 "0000:01:10.1"
#define PF  "0000:01:00.0"

static const char intel_cpuinfo[] = "processor\t: 0\nvendor_id\t: GenuineIntel\n"
				    "flags\t\t: fpu vme de pse tsc msr vmx sse sse2\n"
				    "bugs\t\t:\n\nprocessor\t: 1\n";
static const char amd_cpuinfo[] = "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
				  "flags\t\t: fpu vme de pse svm lm\n";
static const char plain_intel_cpuinfo[] = "processor\t: 0\nvendor_id\t: GenuineIntel\n"
					  "flags\t\t: fpu vme vmxnot hypervisor\n";
static const char plain_amd_cpuinfo[] = "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
					"flags\t\t: fpu svmx lm\n";
/* An arm64 host (a Kunpeng 920): implementers, no vendor_id, no vmx/svm. */
static const char arm_cpuinfo[] = "processor\t: 0\nBogoMIPS\t: 200.00\n"
				  "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32\n"
				  "CPU implementer\t: 0x48\nCPU architecture: 8\n";
/* CAP_IPC_LOCK (pinning is not limited) and CAP_SYS_RESOURCE (the sandbox
 * can raise the VM process's memlock limit) */
static const char cap_ipc_lock[] = "Name:\ttest\nCapInh:\t0000000000000000\n"
				   "CapEff:\t0000000001004000\nCapBnd:\t000001ffffffffff\n";
static const char no_caps[] = "Name:\ttest\nCapEff:\t0000000000000000\nCapBnd:\t000001ffffffffff\n";

static char root[FAKE_ROOT_SZ], proc[FAKE_ROOT_SZ + 8], dev[FAKE_ROOT_SZ + 8];
static struct preflight_paths paths;
static struct rlimit saved_memlock;
static char *out;
static bool have_kvm;

/* /dev/kvm answers KVM_GET_API_VERSION here. */
static bool real_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), api;

	if (fd < 0)
		return false;
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	return api == KVM_API_VERSION;
}

static void skip_note(const char *what)
{
	print_message("[ SKIPPED ] %s: /dev/kvm is missing or not usable on this machine\n", what);
}

/* A host where everything passes: IOMMU on, vfio-pci loaded, a viable VF. */
static int setup(void **state UNUSED)
{
	static const char *const vfs[] = {VF};

	fake_sysfs_create(root, "test_check");
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(dev, sizeof(dev), "%s/dev", root);
	paths = (struct preflight_paths){.sys = root, .proc = proc, .dev = dev};
	fake_sysfs_write(root, intel_cpuinfo, "proc/cpuinfo");
	fake_sysfs_write(root, cap_ipc_lock, "proc/self/status");
	fake_sysfs_write(root, "kill_process kill_thread trap errno user_notif trace log allow\n",
			 "proc/sys/kernel/seccomp/actions_avail");
	fake_sysfs_write(root,
			 "MemTotal: 1000 kB\nHugePages_Total:       0\nHugePages_Free:        "
			 "0\n",
			 "proc/meminfo");
	fake_sysfs_write(root, "always [madvise] never\n",
			 "kernel/mm/transparent_hugepage/enabled");
	fake_sysfs_symlink(root, "/dev/kvm", "dev/kvm");
	fake_sysfs_write(root, "", "dev/vfio/vfio");
	fake_sysfs_driver_dir(root, "vfio-pci");
	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_dev(root, VF, 12, "igbvf");
	fake_sysfs_sriov(root, PF, 7, vfs, 1);
	assert_int_equal(getrlimit(RLIMIT_MEMLOCK, &saved_memlock), 0);
	out = NULL;
	return 0;
}

static int teardown(void **state UNUSED)
{
	setrlimit(RLIMIT_MEMLOCK, &saved_memlock);
	free(out);
	out = NULL;
	fake_sysfs_destroy(root);
	return 0;
}

static unsigned int count_prefix(const char *text, const char *prefix)
{
	unsigned int n = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		n += strncmp(p, prefix, strlen(prefix)) == 0;
	return n;
}

/*
 * preflight_run() into out, with vfs and mem; every run must be consistent: the
 * return is the FAIL count and the closing line counts the OK and FAIL lines.
 */
static int run(const char *const *vfs, unsigned int nr, u64 mem)
{
	struct preflight_req req = {.mem = mem, .vfs = vfs, .nr_vfs = nr};
	struct tinyvmm_check_item items[TINYVMM_CHECK_MAX_ITEMS];
	char closing[64], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned int ok, failed, n = 0, nok = 0;
	int r;

	assert_non_null(f);
	r = preflight_run(items, TINYVMM_CHECK_MAX_ITEMS, &n, &paths, &req);
	/* the lines tinyvmm check prints (vmm/cmd/check_cmd.c) */
	for (unsigned int i = 0; i < n; i++) {
		fprintf(f, "%-5s %-10s %s\n", items[i].ok ? "OK" : "FAIL", items[i].name,
			items[i].detail);
		nok += items[i].ok;
	}
	fprintf(f, "check: %u ok, %d failed\n", nok, r);
	assert_int_equal(fclose(f), 0);
	free(out);
	out = buf;
	ok = count_prefix(out, "OK    ");
	failed = count_prefix(out, "FAIL  ");
	if (r != (int)failed)
		fail_msg("preflight_run returned %d with %u FAIL lines:\n%s", r, failed, out);
	snprintf(closing, sizeof(closing), "check: %u ok, %u failed\n", ok, failed);
	assert_true(strlen(out) >= strlen(closing));
	assert_string_equal(out + strlen(out) - strlen(closing), closing);
	/* 7 items plus one per VF, nothing else. */
	assert_int_equal(ok + failed, 7 + nr);
	assert_int_equal(count_prefix(out, ""), 7 + nr + 1);
	return r;
}

/* The line of item name (a prefix "OK    name" or "FAIL  name" must match). */
static const char *line_of(const char *status, const char *name)
{
	static char line[1024];
	char prefix[64];
	const char *p;

	snprintf(prefix, sizeof(prefix), "%-5s %-10s ", status, name);
	for (p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			size_t n = strcspn(p, "\n");

			assert_true(n < sizeof(line));
			memcpy(line, p, n);
			line[n] = '\0';
			return line;
		}
	}
	fail_msg("no \"%s\" line in:\n%s", prefix, out);
	return NULL;
}

static void expect(const char *status, const char *name, const char *needle)
{
	const char *l = line_of(status, name);

	if (!strstr(l, needle))
		fail_msg("\"%s\" does not contain \"%s\"", l, needle);
}

static void expect_not(const char *status, const char *name, const char *needle)
{
	const char *l = line_of(status, name);

	if (strstr(l, needle))
		fail_msg("\"%s\" contains \"%s\"", l, needle);
}

static void test_all_ok(void **state UNUSED)
{
	static const char *const vfs[] = {VF};
	char kvm_line[256];

	assert_int_equal(run(vfs, 1, 512 * MiB), have_kvm ? 0 : 1);
	if (have_kvm) {
		snprintf(kvm_line, sizeof(kvm_line),
			 "OK    kvm        %s/kvm: KVM API %d, read-write", dev, KVM_API_VERSION);
		assert_string_equal(line_of("OK", "kvm"), kvm_line);
		assert_non_null(strstr(out, "check: 8 ok, 0 failed\n"));
	} else {
		skip_note("kvm OK line");
	}
	assert_string_equal(line_of("OK", "cpu"), "OK    cpu        Intel VT-x (vmx) in cpuinfo");
	assert_string_equal(line_of("OK", "iommu"), "OK    iommu      on: 2 IOMMU groups");
	expect("OK", "vfio-pci", "driver loaded, ");
	expect("OK", "vfio-pci", "/dev/vfio/vfio present");
	assert_string_equal(line_of("OK", "vf " VF),
			    "OK    vf " VF
			    " IOMMU group 12, viable, an SR-IOV VF, on igbvf (tinyvmm "
			    "moves it to vfio-pci; managed=off needs it there)");
	expect("OK", "memlock", "512 MiB");
	assert_string_equal(
	    line_of("OK", "hugepages"),
	    "OK    hugepages  transparent huge pages: madvise (tinyvmm asks for them); "
	    "0 free 2 MiB pages for --hugepages (256 needed)");
	/* Items in their documented order. */
	assert_true(strstr(out, " kvm ") < strstr(out, " cpu "));
	assert_true(strstr(out, " cpu ") < strstr(out, " iommu "));
	assert_true(strstr(out, " iommu ") < strstr(out, " vfio-pci "));
	assert_true(strstr(out, " vfio-pci ") < strstr(out, " vf " VF));
	assert_true(strstr(out, " vf " VF) < strstr(out, " memlock "));
	assert_true(strstr(out, " memlock ") < strstr(out, " hugepages "));
	assert_true(strstr(out, " hugepages ") < strstr(out, " sandbox "));
	if (geteuid() == 0)
		expect("OK", "sandbox",
		       "seccomp filters (trap, log); the VM process runs as nobody (uid ");
}

/* The sandbox item: seccomp that traps, and the VM process's memlock. */
static void test_sandbox(void **state UNUSED)
{
	static const char *const vfs[] = {VF};
	struct rlimit rl;

	fake_sysfs_write(root, "kill_process kill_thread errno allow\n",
			 "proc/sys/kernel/seccomp/actions_avail");
	run(NULL, 0, 512 * MiB);
	expect("FAIL", "sandbox", "no seccomp filters that trap in this kernel (");
	expect("FAIL", "sandbox",
	       "fix: a kernel with CONFIG_SECCOMP_FILTER, or run with --seccomp=off");
	fake_sysfs_remove(root, "proc/sys/kernel/seccomp/actions_avail");
	run(NULL, 0, 512 * MiB);
	line_of("FAIL", "sandbox");
	fake_sysfs_write(root, "trap log allow\n", "proc/sys/kernel/seccomp/actions_avail");
	if (geteuid() != 0) {
		run(NULL, 0, 512 * MiB);
		expect("OK", "sandbox", "not root: the VM runs in this process as uid ");
		return;
	}
	/* Root without CAP_SYS_RESOURCE: a VF's guest RAM over the hard memlock
	 * limit cannot be given to the VM process. */
	fake_sysfs_write(root, no_caps, "proc/self/status");
	assert_int_equal(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
	run(vfs, 1, 1ULL << 40);
	if (rl.rlim_max == RLIM_INFINITY)
		line_of("OK", "sandbox");
	else
		expect("FAIL", "sandbox",
		       "needs RLIMIT_MEMLOCK of 1048640 MiB to map guest RAM for its VFs, and "
		       "without CAP_SYS_RESOURCE the hard limit cannot be raised; fix: raise the "
		       "hard limit (ulimit -Hl 1073807360), or run with --run-as none");
	/* No VF: nothing to pin, so nothing to raise. */
	run(NULL, 0, 1ULL << 40);
	line_of("OK", "sandbox");
}

static void test_kvm_and_cpu(void **state UNUSED)
{
	/* No dev/kvm: the fix is to load the module; no vmx/svm then fails the cpu item. */
	fake_sysfs_remove(root, "dev/kvm");
	fake_sysfs_write(root, plain_intel_cpuinfo, "proc/cpuinfo");
	assert_int_equal(run(NULL, 0, 512 * MiB), 2);
	expect("FAIL", "kvm",
	       "dev/kvm: No such file or directory; fix: load KVM: modprobe kvm_intel");
	expect("FAIL", "cpu",
	       "no vmx or svm flag in cpuinfo; fix: enable Intel VT-x in the "
	       "firmware setup, or nested virtualization");
	fake_sysfs_write(root, plain_amd_cpuinfo, "proc/cpuinfo");
	run(NULL, 0, 512 * MiB);
	expect("FAIL", "cpu", "fix: enable AMD-V (SVM) in the firmware setup");
	expect_not("FAIL", "cpu", "nested"); /* no hypervisor flag */
	/* Flags still name the vendor's extension. */
	fake_sysfs_write(root, amd_cpuinfo, "proc/cpuinfo");
	assert_int_equal(run(NULL, 0, 512 * MiB), 1);
	assert_string_equal(line_of("OK", "cpu"), "OK    cpu        AMD-V (svm) in cpuinfo");
	/* arm64: KVM needs EL2, not a module or a CPU flag. */
	fake_sysfs_write(root, arm_cpuinfo, "proc/cpuinfo");
	assert_int_equal(run(NULL, 0, 512 * MiB), 2);
	expect("FAIL", "kvm", "KVM on arm64 needs the host kernel started at EL2");
	expect_not("FAIL", "kvm", "modprobe");
	expect("FAIL", "cpu", "arm64: no /dev/kvm; fix: start the host kernel at EL2");
	expect_not("FAIL", "cpu", "vmx");
	/* No cpuinfo at all: the cpu item fails rather than crash. */
	fake_sysfs_remove(root, "proc/cpuinfo");
	assert_int_equal(run(NULL, 0, 512 * MiB), 2);
	line_of("FAIL", "cpu");

	/* dev/kvm that is not KVM: a FAIL with a fix. */
	fake_sysfs_write(root, "", "dev/kvm");
	run(NULL, 0, 512 * MiB);
	expect("FAIL", "kvm", "fix: ");

	/* A working /dev/kvm without the flags: a paravirtual KVM is fine. */
	if (!have_kvm) {
		skip_note("paravirtual KVM cpu line");
		return;
	}
	fake_sysfs_symlink(root, "/dev/kvm", "dev/kvm");
	fake_sysfs_write(root, plain_intel_cpuinfo, "proc/cpuinfo");
	assert_int_equal(run(NULL, 0, 512 * MiB), 0);
	expect("OK", "cpu", "no vmx/svm flag, but /dev/kvm works");
	/* arm64 with a working /dev/kvm: the kernel is at EL2 */
	fake_sysfs_write(root, arm_cpuinfo, "proc/cpuinfo");
	assert_int_equal(run(NULL, 0, 512 * MiB), 0);
	expect("OK", "cpu", "arm64: /dev/kvm works, so the kernel runs at EL2");
}

/*
 * preflight_run() in a child without CAP_DAC_OVERRIDE (the tests run as
 * root), so a dev/kvm of mode 0 gives EACCES as it does an ordinary user
 * outside the kvm group; its lines into out.
 */
static void run_without_dac(const char *const *vfs, unsigned int nr_vfs)
{
	struct preflight_req req = {.mem = 512 * MiB, .vfs = vfs, .nr_vfs = nr_vfs};
	int fds[2], status;
	static char buf[8192];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
		struct __user_cap_data_struct d[2];
		struct tinyvmm_check_item items[TINYVMM_CHECK_MAX_ITEMS];
		unsigned int nr = 0;
		FILE *f = fdopen(fds[1], "w");

		close(fds[0]);
		if (!f || syscall(SYS_capget, &h, d) != 0)
			_exit(2);
		d[0].effective &= ~(1u << CAP_DAC_OVERRIDE | 1u << CAP_DAC_READ_SEARCH);
		if (syscall(SYS_capset, &h, d) != 0)
			_exit(3);
		preflight_run(items, TINYVMM_CHECK_MAX_ITEMS, &nr, &paths, &req);
		for (unsigned int i = 0; i < nr; i++)
			fprintf(f, "%-5s %-10s %s\n", items[i].ok ? "OK" : "FAIL", items[i].name,
				items[i].detail);
		_exit(fclose(f) == 0 ? 0 : 4);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	buf[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(out);
	out = strdup(buf);
	assert_non_null(out);
}

/* /dev/kvm there but not this user's: the kvm item names the group, and the
 * cpu item does not blame the CPU (it did, with no vmx/svm flag). */
static void test_kvm_no_access(void **state UNUSED)
{
	char kvm[256];

	fake_sysfs_remove(root, "dev/kvm");
	fake_sysfs_write(root, "", "dev/kvm");
	snprintf(kvm, sizeof(kvm), "%s/kvm", paths.dev);
	assert_int_equal(chmod(kvm, 0), 0); /* the tree's directories are the owner's */
	fake_sysfs_write(root, plain_intel_cpuinfo, "proc/cpuinfo");
	run_without_dac(NULL, 0);
	expect("FAIL", "kvm", "Permission denied; fix: add yourself to the kvm group");
	expect("OK", "cpu", "no vmx/svm flag, but /dev/kvm is there (paravirtual KVM)");
	fake_sysfs_write(root, arm_cpuinfo, "proc/cpuinfo");
	run_without_dac(NULL, 0);
	expect("OK", "cpu", "arm64: /dev/kvm is there, so the kernel runs at EL2");
	fake_sysfs_write(root, intel_cpuinfo, "proc/cpuinfo");
	run_without_dac(NULL, 0);
	expect("OK", "cpu", "Intel VT-x (vmx) in cpuinfo");
}

static void test_iommu_off(void **state UNUSED)
{
	fake_sysfs_destroy(root); /* a tree without kernel/iommu_groups */
	fake_sysfs_create(root, "test_check");
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(dev, sizeof(dev), "%s/dev", root);
	fake_sysfs_write(root, intel_cpuinfo, "proc/cpuinfo");
	fake_sysfs_write(root, cap_ipc_lock, "proc/self/status");
	fake_sysfs_write(root, "trap log\n", "proc/sys/kernel/seccomp/actions_avail");
	fake_sysfs_write(root, "always [madvise] never\n",
			 "kernel/mm/transparent_hugepage/enabled");
	fake_sysfs_symlink(root, "/dev/kvm", "dev/kvm");
	fake_sysfs_write(root, "", "dev/vfio/vfio");
	fake_sysfs_driver_dir(root, "vfio-pci");

	assert_int_equal(run(NULL, 0, 512 * MiB), have_kvm ? 1 : 2);
	expect("FAIL", "iommu",
	       "no IOMMU groups: the IOMMU is off; fix: boot the host with "
	       "intel_iommu=on iommu=pt");
	expect("FAIL", "iommu", "enable VT-d in the firmware setup");
	expect_not("FAIL", "iommu", "amd_iommu");
	fake_sysfs_write(root, amd_cpuinfo, "proc/cpuinfo");
	run(NULL, 0, 512 * MiB);
	expect("FAIL", "iommu", "fix: boot the host with amd_iommu=on iommu=pt");
	expect("FAIL", "iommu", "AMD-Vi");
	expect_not("FAIL", "iommu", "intel_iommu");
	/* The directory there but empty is the same. */
	fake_sysfs_mkdir(root, "kernel/iommu_groups");
	run(NULL, 0, 512 * MiB);
	expect("FAIL", "iommu", "amd_iommu=on");
	/* arm64: the SMMU */
	fake_sysfs_write(root, arm_cpuinfo, "proc/cpuinfo");
	run(NULL, 0, 512 * MiB);
	expect("FAIL", "iommu", "no IOMMU groups: the SMMU is off; fix: enable the SMMU");
	expect_not("FAIL", "iommu", "_iommu=on");
}

static void test_vfio_missing(void **state UNUSED)
{
	fake_sysfs_remove(root, "bus/pci/drivers/vfio-pci/bind");
	fake_sysfs_remove(root, "bus/pci/drivers/vfio-pci/unbind");
	fake_sysfs_remove(root, "bus/pci/drivers/vfio-pci");
	assert_false(fake_sysfs_exists(root, "bus/pci/drivers/vfio-pci"));
	assert_int_equal(run(NULL, 0, 512 * MiB), have_kvm ? 1 : 2);
	expect("FAIL", "vfio-pci", "the vfio-pci driver is not loaded; fix: modprobe vfio-pci");
	/* Driver loaded, container node missing. */
	fake_sysfs_driver_dir(root, "vfio-pci");
	fake_sysfs_remove(root, "dev/vfio/vfio");
	run(NULL, 0, 512 * MiB);
	expect("FAIL", "vfio-pci", "/dev/vfio/vfio is missing; fix: modprobe vfio_iommu_type1");
}

static void test_vf_items(void **state UNUSED)
{
	static const char *const not_viable[] = {VF};
	static const char *const bad[] = {"0000:01:10", "0000:07:00.0", VF2};
	int base = have_kvm ? 0 : 1;

	/* A host driver in the VF's group: named, with the fix. */
	fake_sysfs_dev(root, "0000:00:19.0", 12, "e1000e");
	assert_int_equal(run(not_viable, 1, 512 * MiB), base + 1);
	assert_string_equal(line_of("FAIL", "vf " VF),
			    "FAIL  vf " VF " IOMMU group 12 is not viable: 0000:00:19.0 is bound "
			    "to e1000e; fix: bind it to vfio-pci or pass it with --vf too");
	/* Two of them: both named, "them". */
	fake_sysfs_dev(root, VF2, 12, "igbvf");
	run(not_viable, 1, 512 * MiB);
	expect("FAIL", "vf " VF, "0000:00:19.0 is bound to e1000e, " VF2 " is bound to igbvf");
	expect("FAIL", "vf " VF, "fix: bind them to vfio-pci or pass them with --vf too");

	/* Not an address, no such device, no IOMMU group. */
	fake_sysfs_remove(root, FAKE_DEVDIR "/" VF2 "/iommu_group");
	assert_int_equal(run(bad, 3, 512 * MiB), base + 3);
	expect("FAIL", "vf 0000:01:10", "not a PCI address; fix: give DDDD:BB:DD.F");
	expect("FAIL", "vf 0000:07:00.0", "no such PCI device; fix: create VFs");
	expect("FAIL", "vf " VF2, "no IOMMU group; fix: turn the IOMMU on");
}

static void test_vf_ok_variants(void **state UNUSED)
{
	static const char *const vfs[] = {VF, VF2, "01:10.2"};
	int base = have_kvm ? 0 : 1;

	fake_sysfs_bind(root, VF, "vfio-pci");
	fake_sysfs_write(root, "", "dev/vfio/12");
	fake_sysfs_dev(root, VF2, 13, NULL);		      /* not a VF, unbound */
	fake_sysfs_dev(root, "0000:01:10.2", 14, "pci-stub"); /* given in the short form */
	assert_int_equal(run(vfs, 3, 512 * MiB), base);
	assert_string_equal(line_of("OK", "vf " VF),
			    "OK    vf " VF " IOMMU group 12, viable, an SR-IOV VF, on vfio-pci, "
			    "its group's device read-write");
	assert_string_equal(line_of("OK", "vf " VF2),
			    "OK    vf " VF2
			    " IOMMU group 13, viable, on no driver (tinyvmm moves it "
			    "to vfio-pci; managed=off needs it there)");
	expect("OK", "vf 0000:01:10.2", "IOMMU group 14, viable, on pci-stub (tinyvmm moves it");
}

/*
 * A VF already on vfio-pci (as managed=off needs): its group's /dev/vfio/N
 * must be this user's to open read-write, or the VM cannot use it. A node
 * of mode 0 is what an ordinary user meets on a default host (root's, 0600).
 */
static void test_vf_group_node(void **state UNUSED)
{
	static const char *const vfs[] = {VF};
	char node[PATH_MAX], line[3 * PATH_MAX], user[64];
	struct passwd *pw = getpwuid(geteuid());

	fake_sysfs_bind(root, VF, "vfio-pci");
	/* No node although the VF is on vfio-pci. */
	run(vfs, 1, 512 * MiB);
	snprintf(node, sizeof(node), "%s/vfio/12", paths.dev);
	snprintf(line, sizeof(line),
		 "FAIL  vf " VF " %s: No such file or directory, though the device is on "
		 "vfio-pci; fix: bind it to vfio-pci again, and see dmesg (in a container, "
		 "pass the device: --device %s)",
		 node, node);
	assert_string_equal(line_of("FAIL", "vf " VF), line);

	/* There, but not this user's. */
	fake_sysfs_write(root, "", "dev/vfio/12");
	assert_int_equal(chmod(node, 0), 0);
	run_without_dac(vfs, 1);
	if (pw) /* as the check names the user: by name, or by uid without one */
		snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "%u", (unsigned int)geteuid());
	snprintf(line, sizeof(line),
		 "FAIL  vf " VF " %s: Permission denied (this user cannot open IOMMU group 12); "
		 "fix: sudo chown %s %s (and, to keep it, a udev rule: SUBSYSTEM==\"vfio\", "
		 "KERNEL==\"12\", OWNER=\"%s\")",
		 node, user, node, user);
	assert_string_equal(line_of("FAIL", "vf " VF), line);

	/* Read-write for this user. */
	assert_int_equal(chmod(node, 0600), 0);
	run_without_dac(vfs, 1);
	expect("OK", "vf " VF, "on vfio-pci, its group's device read-write");
}

static void test_memlock(void **state UNUSED)
{
	struct rlimit rl = saved_memlock;
	int base = have_kvm ? 0 : 1;
	char want[256];
	u64 lim = 16 * MiB;

	/* A soft limit of at most 16 MiB, under the hard one (which may not be raised here). */
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < lim)
		lim = rl.rlim_max & ~(MiB - 1);
	if (lim < 2 * MiB) {
		print_message("[ SKIPPED ] memlock items: hard RLIMIT_MEMLOCK below 2 MiB\n");
		skip();
	}
	rl.rlim_cur = lim;
	assert_int_equal(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
	/* CAP_IPC_LOCK lifts the limit. */
	assert_int_equal(run(NULL, 0, 512 * MiB), base);
	snprintf(want, sizeof(want),
		 "OK    memlock    CAP_IPC_LOCK: pinning 512 MiB is not limited by RLIMIT_MEMLOCK "
		 "(%llu KiB)",
		 (unsigned long long)(lim / KiB));
	assert_string_equal(line_of("OK", "memlock"), want);
	/* Without it: enough, then not enough. */
	fake_sysfs_write(root, no_caps, "proc/self/status");
	assert_int_equal(run(NULL, 0, lim), base);
	snprintf(want, sizeof(want),
		 "OK    memlock    RLIMIT_MEMLOCK %llu KiB covers %llu MiB of guest RAM",
		 (unsigned long long)(lim / KiB), (unsigned long long)(lim / MiB));
	assert_string_equal(line_of("OK", "memlock"), want);
	assert_int_equal(run(NULL, 0, lim + MiB), base + 1);
	snprintf(
	    want, sizeof(want),
	    "RLIMIT_MEMLOCK is %llu KiB, pinning %llu MiB of guest RAM for DMA needs %llu KiB; "
	    "fix: ulimit -l %llu",
	    (unsigned long long)(lim / KiB), (unsigned long long)(lim / MiB + 1),
	    (unsigned long long)((lim + MiB) / KiB), (unsigned long long)((lim + MiB) / KiB));
	expect("FAIL", "memlock", want);
	/* No status file: no capability assumed. */
	fake_sysfs_remove(root, "proc/self/status");
	assert_int_equal(run(NULL, 0, 512 * MiB), base + 1);
	line_of("FAIL", "memlock");
	/* Unlimited, when this process may raise it. */
	rl.rlim_cur = RLIM_INFINITY;
	rl.rlim_max = RLIM_INFINITY;
	if (setrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
		assert_int_equal(run(NULL, 0, 512 * MiB), base);
		expect("OK", "memlock",
		       "RLIMIT_MEMLOCK unlimited; 512 MiB of guest RAM can be pinned");
	} else {
		print_message("[ SKIPPED ] memlock unlimited line: cannot raise RLIMIT_MEMLOCK\n");
	}
}

static void test_hugepages(void **state UNUSED)
{
	int base = have_kvm ? 0 : 1;

	fake_sysfs_write(root, "always madvise [never]\n",
			 "kernel/mm/transparent_hugepage/enabled");
	assert_int_equal(run(NULL, 0, 512 * MiB), base + 1);
	expect("FAIL", "hugepages",
	       "no transparent huge pages and 0 free 2 MiB pages (256 needed)");
	expect("FAIL", "hugepages",
	       "fix: echo madvise > /sys/kernel/mm/transparent_hugepage/enabled");
	expect("FAIL", "hugepages", "echo 256 > /proc/sys/vm/nr_hugepages and use --hugepages");
	/* Enough reserved 2 MiB pages make up for it. */
	fake_sysfs_write(root, "HugePages_Total:     300\nHugePages_Free:      256\n",
			 "proc/meminfo");
	assert_int_equal(run(NULL, 0, 512 * MiB), base);
	assert_string_equal(line_of("OK", "hugepages"),
			    "OK    hugepages  256 free 2 MiB pages: run with --hugepages");
	assert_int_equal(run(NULL, 0, 514 * MiB), base + 1);
	expect("FAIL", "hugepages", "256 free 2 MiB pages (257 needed)");
	/* always counts like madvise; no THP file at all is "never". */
	fake_sysfs_write(root, "[always] madvise never\n",
			 "kernel/mm/transparent_hugepage/enabled");
	assert_int_equal(run(NULL, 0, 1024 * MiB), base);
	expect("OK", "hugepages", "transparent huge pages: always (tinyvmm asks for them)");
	fake_sysfs_remove(root, "kernel/mm/transparent_hugepage/enabled");
	fake_sysfs_remove(root, "proc/meminfo");
	assert_int_equal(run(NULL, 0, 512 * MiB), base + 1);
	line_of("FAIL", "hugepages");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_all_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sandbox, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kvm_and_cpu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kvm_no_access, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_iommu_off, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vfio_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vf_items, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vf_ok_variants, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vf_group_node, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_memlock, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hugepages, setup, teardown),
	};

	have_kvm = real_kvm();
	if (!have_kvm)
		skip_note("the kvm item's OK assertions (it is expected to FAIL instead)");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
