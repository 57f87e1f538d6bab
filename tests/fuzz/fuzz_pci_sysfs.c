// SPDX-License-Identifier: MIT
/*
 * fuzz_pci_sysfs.c - the sysfs readers of vmm/host/pci_sysfs.c on a fake
 * /sys built from the input in a private temporary directory: attribute
 * contents (sriov_totalvfs, sriov_numvfs, ...), the names the symlinks
 * point to (driver, iommu_group, physfn, virtfnN, a netdev's device) and
 * the devices of an IOMMU group with their drivers; then every reader with
 * buffers of every size, the VF count change and the driver bind (their
 * writes land in the same directory).
 *
 * Every symlink the code follows (driver/unbind in pci_sysfs_bind()) is
 * made relative with one sanitised last component, so nothing outside the
 * directory is ever touched.
 *
 * Checked: results NUL-terminated and inside their buffers, lists cut with
 * "..." when full, counts within their maximum, numbers read only from
 * digits.
 */
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

#include "vmm/host/pci_sysfs.h"

#define PF    "0000:01:00.0"
#define VF    "0000:01:10.0"
#define OTHER "0000:01:10.1"
#define NAME  320 /* longer than NAME_MAX: some names are too long on purpose */

/* The fake /sys: $TMPDIR (tests/fuzz/run sets it under build/, so as deep as the checkout) */
static char root[1024];

static int rm_one(const char *path, const struct stat *st UNUSED, int flag UNUSED,
		  struct FTW *ftw UNUSED)
{
	remove(path);
	return 0;
}

/* rm -rf root/<sub> (or root itself for ""). */
static void rm_tree(const char *sub)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, sub);
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void)
{
	rm_tree("");
}

static void mkdirs(const char *path);
static void put_file(const char *path, const char *text, size_t len);

/* What every input has: the drivers and the two functions' directories. */
static void skeleton(void)
{
	mkdirs("bus/pci/drivers/vfio-pci");
	mkdirs("bus/pci/drivers/igbvf");
	put_file("bus/pci/drivers/vfio-pci/unbind", "", 0);
	put_file("bus/pci/drivers/igbvf/unbind", "", 0);
	put_file("bus/pci/drivers_probe", "", 0);
	mkdirs("bus/pci/devices/" PF);
	mkdirs("bus/pci/devices/" VF);
}

/* Back to the skeleton: what the last input made goes. */
static void clear_input(void)
{
	static const char *const links[] = {
	    "bus/pci/devices/" VF "/driver",	  "bus/pci/devices/" PF "/driver",
	    "bus/pci/devices/" VF "/iommu_group", "bus/pci/devices/" VF "/physfn",
	    "bus/pci/devices/" PF "/virtfn0",	  "bus/pci/devices/" PF "/virtfn1",
	    "bus/pci/devices/" PF "/virtfn2",	  "bus/pci/devices/" PF "/virtfn3",
	};
	char p[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, links[i]);
		unlink(p);
	}
	rm_tree("class");
	rm_tree("kernel");
	rm_tree("bus/pci/devices/" PF "/net");
}

int LLVMFuzzerInitialize(int *argc UNUSED, char ***argv UNUSED)
{
	const char *tmp = getenv("TMPDIR");

	int n = snprintf(root, sizeof(root), "%s/tinyvmm-fuzz-sysfs.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");

	if (n < 0 || (size_t)n >= sizeof(root)) {
		fprintf(stderr,
			"fuzz_pci_sysfs: TMPDIR %s: longer than %zu bytes; set a shorter one\n",
			tmp, sizeof(root) - 32);
		exit(1);
	}
	if (!mkdtemp(root)) {
		fprintf(stderr, "fuzz_pci_sysfs: %s: %s\n", root, strerror(errno));
		exit(1);
	}
	atexit(cleanup);
	skeleton();
	return 0;
}

/* root/<path>, created with its parents as directories. */
static void mkdirs(const char *path)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, path);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void put_file(const char *path, const char *text, size_t len)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, path);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, text, len) < 0)
		(void)0; /* a name too long for the file system: no file */
	close(fd);
}

static void put_link(const char *path, const char *target)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, path);
	if (symlink(target, p) < 0)
		(void)0; /* as above */
}

/* The next NUL-terminated string of the input, at most cap - 1 bytes. */
static void fz_str(struct fz *in, char *out, size_t cap)
{
	size_t n = 0;

	while (!fz_empty(in) && n + 1 < cap) {
		u8 c = fz_u8(in);

		if (!c)
			break;
		out[n++] = (char)c;
	}
	out[n] = '\0';
}

/* A name for one path component: no '/', not "", "." or "..". */
static void fz_name(struct fz *in, char *out, size_t cap)
{
	fz_str(in, out, cap - 1);
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '_';
	if (!out[0] || !strcmp(out, ".") || !strcmp(out, "..")) {
		memmove(out + 1, out, strlen(out) + 1);
		out[0] = '_';
	}
}

/* A link at path to <up><name>, maybe with a trailing '/' (an empty last component). */
static void fz_link(struct fz *in, const char *path, const char *up)
{
	char name[NAME], target[NAME + 64];
	bool slash = fz_u8(in) % 8 == 0;

	fz_name(in, name, sizeof(name));
	snprintf(target, sizeof(target), "%s%s%s", up, name, slash ? "/" : "");
	put_link(path, target);
}

static void fz_attr(struct fz *in, const char *dev, const char *attr)
{
	char path[128], text[48];

	fz_str(in, text, sizeof(text));
	snprintf(path, sizeof(path), "bus/pci/devices/%s/%s", dev, attr);
	put_file(path, text, strlen(text));
}

static void build(struct fz *in, int *group)
{
	char path[NAME + 128], name[NAME];
	u8 flags = fz_u8(in), n;

	clear_input();
	mkdirs("bus/pci/devices/" PF "/net");
	fz_attr(in, PF, "sriov_totalvfs");
	fz_attr(in, PF, "sriov_numvfs");
	fz_attr(in, VF, "vendor");
	fz_attr(in, VF, "driver_override");
	if (flags & 1)
		fz_link(in, "bus/pci/devices/" VF "/driver", "../../drivers/");
	if (flags & 2)
		fz_link(in, "bus/pci/devices/" PF "/driver", "../../drivers/");
	if (flags & 4)
		fz_link(in, "bus/pci/devices/" VF "/iommu_group",
			"../../../../kernel/iommu_groups/");
	if (flags & 8)
		fz_link(in, "bus/pci/devices/" VF "/physfn", "../");
	n = fz_u8(in) % 5;
	for (u8 i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "bus/pci/devices/" PF "/virtfn%u", i);
		fz_link(in, path, "../");
	}
	n = fz_u8(in) % 3;
	for (u8 i = 0; i < n; i++) {
		fz_name(in, name, sizeof(name));
		snprintf(path, sizeof(path), "bus/pci/devices/" PF "/net/%s", name);
		mkdirs(path);
		snprintf(path, sizeof(path), "class/net/%s", name);
		mkdirs(path);
		snprintf(path, sizeof(path), "class/net/%s/device", name);
		fz_link(in, path, "../../../bus/pci/devices/");
	}
	/* an IOMMU group and its devices, some with drivers */
	*group = fz_u8(in) % 4;
	n = fz_u8(in) % 4;
	snprintf(path, sizeof(path), "kernel/iommu_groups/%d/devices", *group);
	mkdirs(path);
	for (u8 i = 0; i < n; i++) {
		fz_name(in, name, sizeof(name));
		snprintf(path, sizeof(path), "kernel/iommu_groups/%d/devices/%s", *group, name);
		mkdirs(path);
		if (fz_u8(in) & 1) {
			snprintf(path, sizeof(path), "kernel/iommu_groups/%d/devices/%s/driver",
				 *group, name);
			fz_link(in, path, "../../../../../bus/pci/drivers/");
		}
	}
}

static void check_str(const char *s, size_t cap)
{
	FUZZ_CHECK(memchr(s, '\0', cap) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t lens[] = {1, 2, 5, 13, 64, 256};
	struct fz in = fz_init(data, size);
	char buf[300], bad[300], ok[300], bdf[PCI_SYSFS_BDF_SZ], vfs[8][PCI_SYSFS_BDF_SZ];
	char name[NAME];
	unsigned long v;
	unsigned int idx, nr;
	int group, g, r;
	size_t len, badlen, oklen;

	build(&in, &group);

	FUZZ_CHECK(pci_sysfs_exists(root, PF) && pci_sysfs_exists(root, VF));
	len = FZ_PICK(&in, lens);
	r = pci_sysfs_driver(root, VF, buf, len);
	check_str(buf, len);
	if (r == 0) {
		FUZZ_CHECK(!strchr(buf, '/'));
		pci_sysfs_driver_is_vfio(buf);
		pci_sysfs_driver_dma_safe(buf);
	}
	g = pci_sysfs_iommu_group(root, VF);
	FUZZ_CHECK(g >= 0 || g == -ENOENT || g == -ENAMETOOLONG);

	badlen = FZ_PICK(&in, lens);
	oklen = FZ_PICK(&in, lens);
	r = pci_sysfs_group_others(root, g >= 0 ? g : group, VF, bad, badlen, ok, oklen);
	if (r >= 0) {
		check_str(bad, badlen);
		check_str(ok, oklen);
		FUZZ_CHECK((r == 0) == (bad[0] == '\0') || badlen == 1);
		if (badlen > 4 && strlen(bad) == badlen - 1)
			FUZZ_CHECK(!strcmp(bad + badlen - 4, "..."));
	}

	len = FZ_PICK(&in, lens);
	r = pci_sysfs_netdev(root, PF, buf, len);
	check_str(buf, len);
	if (r == 0) {
		if (pci_sysfs_of_netdev(root, buf, bdf) == 0)
			FUZZ_CHECK(pci_sysfs_exists(root, bdf));
		check_str(bdf, sizeof(bdf));
	}
	fz_str(&in, name, sizeof(name));
	if (pci_sysfs_of_netdev(root, name, bdf) == 0)
		FUZZ_CHECK(bdf[0] && pci_sysfs_exists(root, bdf));

	r = pci_sysfs_read_uint(root, PF, "sriov_totalvfs", &v);
	if (r == 0) {
		FUZZ_CHECK(pci_sysfs_read_attr(root, PF, "sriov_totalvfs", buf, sizeof(buf)) == 0);
		FUZZ_CHECK(buf[0] && strspn(buf, "0123456789") == strlen(buf));
	}
	len = FZ_PICK(&in, lens);
	if (pci_sysfs_read_attr(root, VF, "driver_override", buf, len) == 0)
		check_str(buf, len);

	r = pci_sysfs_physfn(root, VF, bdf, &idx);
	check_str(bdf, sizeof(bdf));
	if (r == 0)
		FUZZ_CHECK(idx < PCI_SYSFS_MAX_VFS);
	for (unsigned int max = 0; max <= 8; max += 4) {
		FUZZ_CHECK(pci_sysfs_virtfns(root, PF, vfs, max, &nr) == 0);
		FUZZ_CHECK(nr <= max);
		for (unsigned int i = 0; i < nr; i++)
			check_str(vfs[i], sizeof(vfs[i]));
	}

	r = pci_sysfs_set_numvfs(root, PF, fz_u8(&in) % 8);
	(void)r;
	fz_str(&in, name, 64);
	r = pci_sysfs_bind(root, VF, name);
	(void)r;
	return 0;
}
