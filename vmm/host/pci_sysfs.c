// SPDX-License-Identifier: MIT
/* pci_sysfs.c - a host PCI function as sysfs shows it; see pci_sysfs.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/host/pci_sysfs.h"
#include "vmm/base/util.h"

static int devpath(char *out, size_t len, const char *root, const char *bdf, const char *attr)
{
	int n = snprintf(out, len, "%s/bus/pci/devices/%s%s%s", root, bdf, attr ? "/" : "",
			 attr ? attr : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The last component of the symlink at path ("igbvf", "5"). */
static int link_base(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	const char *b;
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	b = strrchr(buf, '/');
	b = b ? b + 1 : buf;
	if (!*b || strlen(b) >= len)
		return -ENAMETOOLONG;
	strcpy(out, b);
	return 0;
}

bool pci_sysfs_exists(const char *root, const char *bdf)
{
	char path[PATH_MAX];
	struct stat st;

	return devpath(path, sizeof(path), root, bdf, NULL) == 0 && stat(path, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

int pci_sysfs_driver(const char *root, const char *bdf, char *drv, size_t len)
{
	char path[PATH_MAX];
	int r;

	drv[0] = '\0';
	if (!pci_sysfs_exists(root, bdf))
		return -ENODEV;
	r = devpath(path, sizeof(path), root, bdf, "driver");
	if (r < 0)
		return r;
	r = link_base(path, drv, len);
	return r == -ENOENT ? 0 : r;
}

bool pci_sysfs_driver_is_vfio(const char *drv)
{
	size_t n = strlen(drv);

	return strcmp(drv, "vfio-pci") == 0 || (n > 8 && strcmp(drv + n - 8, "vfio_pci") == 0);
}

bool pci_sysfs_driver_dma_safe(const char *drv)
{
	return pci_sysfs_driver_is_vfio(drv) || strcmp(drv, "pci-stub") == 0 ||
	       strcmp(drv, "pcieport") == 0;
}

int pci_sysfs_iommu_group(const char *root, const char *bdf)
{
	char path[PATH_MAX], name[32], *end;
	long g;
	int r = devpath(path, sizeof(path), root, bdf, "iommu_group");

	if (r < 0)
		return r;
	r = link_base(path, name, sizeof(name));
	if (r < 0)
		return -ENOENT;
	g = strtol(name, &end, 10);
	if (*end || end == name || g < 0 || g > INT_MAX)
		return -ENOENT;
	return (int)g;
}

static void appendf(char *buf, size_t len, const char *fmt, ...) PRINTF(3, 4);
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	if (strlen(buf) == len - 1 && len > 4)
		memcpy(buf + len - 4, "...", 4); /* show that the list was cut */
}

static int skip_dots(const struct dirent *e)
{
	return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
}

int pci_sysfs_group_others(const char *root, int group, const char *self, char *bad, size_t badlen,
			   char *ok, size_t oklen)
{
	char dir[PATH_MAX], path[PATH_MAX], drv[NAME_MAX + 1];
	struct dirent **ents;
	int n, nbad = 0;

	bad[0] = ok[0] = '\0';
	if ((size_t)snprintf(dir, sizeof(dir), "%s/kernel/iommu_groups/%d/devices", root, group) >=
	    sizeof(dir))
		return -ENAMETOOLONG;
	n = scandir(dir, &ents, skip_dots, alphasort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if (strcmp(name, self) != 0 && (size_t)snprintf(path, sizeof(path), "%s/%s/driver",
								dir, name) < sizeof(path)) {
			bool has = link_base(path, drv, sizeof(drv)) == 0;

			if (has && !pci_sysfs_driver_dma_safe(drv)) {
				appendf(bad, badlen, "%s%s is bound to %s", nbad ? ", " : "", name,
					drv);
				nbad++;
			} else {
				appendf(ok, oklen, "%s%s (%s)", ok[0] ? ", " : "", name,
					has ? drv : "no driver");
			}
		}
		free(ents[i]);
	}
	free(ents);
	return nbad;
}

/* The first entry of directory dir into out; -ENOENT when empty or missing. */
static int first_entry(const char *dir, char *out, size_t len)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, skip_dots, alphasort);
	int r = -ENOENT;

	if (n < 0)
		return -ENOENT;
	if (n > 0 && strlen(ents[0]->d_name) < len) {
		strcpy(out, ents[0]->d_name);
		r = 0;
	} else if (n > 0) {
		r = -ENAMETOOLONG;
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return r;
}

int pci_sysfs_netdev(const char *root, const char *bdf, char *ifname, size_t len)
{
	char path[PATH_MAX];
	int r = devpath(path, sizeof(path), root, bdf, "net");

	ifname[0] = '\0';
	return r < 0 ? r : first_entry(path, ifname, len);
}

int pci_sysfs_of_netdev(const char *root, const char *ifname, char bdf[PCI_SYSFS_BDF_SZ])
{
	char path[PATH_MAX];

	bdf[0] = '\0';
	if (!*ifname || strchr(ifname, '/') ||
	    (size_t)snprintf(path, sizeof(path), "%s/class/net/%s/device", root, ifname) >=
		sizeof(path))
		return -EINVAL;
	/* A netdev on something other than a PCI function (virtio0, ...) is no PF. */
	if (link_base(path, bdf, PCI_SYSFS_BDF_SZ) < 0 || !pci_sysfs_exists(root, bdf)) {
		bdf[0] = '\0';
		return -ENODEV;
	}
	return 0;
}

ssize_t pci_sysfs_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int e, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	return n;
}

/* read_attr's work; *raw: the bytes read before the trailing blanks went
 * (len - 1: the file may be longer than buf). */
static int read_attr_raw(const char *root, const char *bdf, const char *attr, char *buf, size_t len,
			 size_t *raw)
{
	char path[PATH_MAX];
	ssize_t n;
	int r = devpath(path, sizeof(path), root, bdf, attr);

	if (r < 0)
		return r;
	n = pci_sysfs_read_file(path, buf, len);
	if (n < 0)
		return (int)n;
	*raw = (size_t)n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int pci_sysfs_read_attr(const char *root, const char *bdf, const char *attr, char *buf, size_t len)
{
	size_t raw;

	return read_attr_raw(root, bdf, attr, buf, len, &raw);
}

int pci_sysfs_read_uint(const char *root, const char *bdf, const char *attr, unsigned long *out)
{
	char buf[32], *end;
	size_t raw;
	int r = read_attr_raw(root, bdf, attr, buf, sizeof(buf), &raw);

	if (r < 0)
		return r;
	/* A file that fills buf is longer than any number and its newline: its
	 * start ("4" of "4\n\n...\n5") is not its value. */
	if (raw == sizeof(buf) - 1 || buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(buf, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int write_path(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int r = 0, fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	close(fd);
	return r;
}

int pci_sysfs_write_attr(const char *root, const char *bdf, const char *attr, const char *val)
{
	char path[PATH_MAX];
	int r = devpath(path, sizeof(path), root, bdf, attr);

	return r < 0 ? r : write_path(path, val);
}

int pci_sysfs_physfn(const char *root, const char *vf, char pf[PCI_SYSFS_BDF_SZ],
		     unsigned int *index)
{
	char path[PATH_MAX], name[PCI_SYSFS_BDF_SZ];
	int r = devpath(path, sizeof(path), root, vf, "physfn");

	pf[0] = '\0';
	if (r < 0)
		return r;
	if (link_base(path, pf, PCI_SYSFS_BDF_SZ) < 0)
		return -ENOENT;
	for (unsigned int i = 0; i < PCI_SYSFS_MAX_VFS; i++) {
		char link[32];

		snprintf(link, sizeof(link), "virtfn%u", i);
		if (devpath(path, sizeof(path), root, pf, link) < 0 ||
		    link_base(path, name, sizeof(name)) < 0)
			break;
		if (strcmp(name, vf) == 0) {
			*index = i;
			return 0;
		}
	}
	return -ENOENT;
}

int pci_sysfs_virtfns(const char *root, const char *pf, char (*vfs)[PCI_SYSFS_BDF_SZ],
		      unsigned int max, unsigned int *nr)
{
	char path[PATH_MAX];

	*nr = 0;
	if (!pci_sysfs_exists(root, pf))
		return -ENODEV;
	for (unsigned int i = 0; i < max; i++) {
		char link[32];

		snprintf(link, sizeof(link), "virtfn%u", i);
		if (devpath(path, sizeof(path), root, pf, link) < 0 ||
		    link_base(path, vfs[i], PCI_SYSFS_BDF_SZ) < 0)
			break;
		(*nr)++;
	}
	return 0;
}

int pci_sysfs_bind(const char *root, const char *bdf, const char *drv)
{
	char cur[NAME_MAX + 1], path[PATH_MAX];
	int r = pci_sysfs_driver(root, bdf, cur, sizeof(cur));

	if (r < 0)
		return r;
	/* "\n" clears driver_override; an empty write would not reach the kernel. */
	r = pci_sysfs_write_attr(root, bdf, "driver_override", *drv ? drv : "\n");
	if (r < 0)
		return r;
	if (cur[0] && strcmp(cur, drv) != 0) {
		r = pci_sysfs_write_attr(root, bdf, "driver/unbind", bdf);
		if (r < 0 && r != -ENODEV && r != -ENOENT)
			return r;
	}
	if (!*drv || strcmp(cur, drv) == 0)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", root) >= sizeof(path))
		return -ENAMETOOLONG;
	r = write_path(path, bdf);
	/* drivers_probe says -EINVAL or -ENODEV when no driver took it; the caller checks. */
	return r == -EINVAL || r == -ENODEV ? 0 : r;
}

int pci_sysfs_set_numvfs(const char *root, const char *pf, unsigned int n)
{
	unsigned long cur, total;
	char val[16];
	int r = pci_sysfs_read_uint(root, pf, "sriov_totalvfs", &total);

	if (r < 0)
		return r == -ENOENT ? -EOPNOTSUPP : r;
	if (n > total)
		return -ERANGE;
	r = pci_sysfs_read_uint(root, pf, "sriov_numvfs", &cur);
	if (r < 0)
		return r;
	if (cur == n)
		return 0;
	/* The kernel refuses to change a non-zero count to another non-zero one. */
	if (cur != 0 && n != 0) {
		r = pci_sysfs_write_attr(root, pf, "sriov_numvfs", "0");
		if (r < 0)
			return r;
	}
	snprintf(val, sizeof(val), "%u", n);
	return pci_sysfs_write_attr(root, pf, "sriov_numvfs", val);
}
