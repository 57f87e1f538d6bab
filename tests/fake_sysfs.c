// SPDX-License-Identifier: MIT
/* fake_sysfs.c - a fake /sys for unit tests; see fake_sysfs.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/fake_sysfs.h"

static void vpath(char *out, size_t len, const char *root, const char *fmt, va_list ap)
{
	int n = snprintf(out, len, "%s/", root);

	assert_true(n > 0 && (size_t)n < len);
	n += vsnprintf(out + n, len - (size_t)n, fmt, ap);
	assert_true((size_t)n < len);
}

#define PATH_OF(buf, root, fmt)                                                                    \
	do {                                                                                       \
		va_list ap_;                                                                       \
		va_start(ap_, fmt);                                                                \
		vpath(buf, sizeof(buf), root, fmt, ap_);                                           \
		va_end(ap_);                                                                       \
	} while (0)

/* mkdir -p of path's parent (whole path when self). */
static void mkdirs(const char *path, bool self)
{
	char p[PATH_MAX];
	size_t n = strlen(path);

	assert_true(n < sizeof(p));
	memcpy(p, path, n + 1);
	if (!self) {
		char *slash = strrchr(p, '/');

		assert_non_null(slash);
		*slash = '\0';
	}
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				fail_msg("fake sysfs: mkdir %s: %s", p, strerror(errno));
			*s = c;
			if (!c)
				break;
		}
	}
}

static void write_path(const char *path, const void *data, size_t len)
{
	int fd;

	mkdirs(path, false);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fail_msg("fake sysfs: create %s: %s", path, strerror(errno));
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

void fake_sysfs_create(char root[FAKE_ROOT_SZ], const char *tag)
{
	snprintf(root, FAKE_ROOT_SZ, "/tmp/%s.XXXXXX", tag);
	if (!mkdtemp(root))
		fail_msg("fake sysfs: mkdtemp %s: %s", root, strerror(errno));
	fake_sysfs_mkdir(root, "bus/pci/devices");
	fake_sysfs_mkdir(root, "bus/pci/drivers");
	fake_sysfs_write(root, "", "bus/pci/drivers_probe");
	fake_sysfs_mkdir(root, FAKE_DEVDIR);
}

static int rm_one(const char *path, const struct stat *st UNUSED, int type UNUSED,
		  struct FTW *ftw UNUSED)
{
	return remove(path) < 0 ? -1 : 0;
}

void fake_sysfs_destroy(const char *root)
{
	if (root[0] && nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fail_msg("fake sysfs: cannot remove %s: %s", root, strerror(errno));
}

void fake_sysfs_mkdir(const char *root, const char *fmt, ...)
{
	char path[PATH_MAX];

	PATH_OF(path, root, fmt);
	mkdirs(path, true);
}

void fake_sysfs_write(const char *root, const char *text, const char *fmt, ...)
{
	char path[PATH_MAX];

	PATH_OF(path, root, fmt);
	write_path(path, text, strlen(text));
}

void fake_sysfs_symlink(const char *root, const char *target, const char *fmt, ...)
{
	char path[PATH_MAX];

	PATH_OF(path, root, fmt);
	mkdirs(path, false);
	unlink(path);
	if (symlink(target, path) < 0)
		fail_msg("fake sysfs: symlink %s: %s", path, strerror(errno));
}

void fake_sysfs_remove(const char *root, const char *fmt, ...)
{
	char path[PATH_MAX];

	PATH_OF(path, root, fmt);
	if (remove(path) < 0 && errno != ENOENT)
		fail_msg("fake sysfs: remove %s: %s", path, strerror(errno));
}

bool fake_sysfs_exists(const char *root, const char *fmt, ...)
{
	char path[PATH_MAX];
	struct stat st;

	PATH_OF(path, root, fmt);
	return lstat(path, &st) == 0;
}

const char *fake_sysfs_read(const char *root, char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	PATH_OF(path, root, fmt);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		fail_msg("fake sysfs: open %s: %s", path, strerror(errno));
	n = read(fd, buf, len - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

/* ---- PCI functions ---- */

void fake_sysfs_ids(const char *root, const char *bdf, unsigned int vendor, unsigned int device,
		    unsigned int class_code)
{
	char path[PATH_MAX], val[32];
	u8 cfg[256] = {0};

	snprintf(val, sizeof(val), "0x%04x\n", vendor);
	fake_sysfs_write(root, val, FAKE_DEVDIR "/%s/vendor", bdf);
	snprintf(val, sizeof(val), "0x%04x\n", device);
	fake_sysfs_write(root, val, FAKE_DEVDIR "/%s/device", bdf);
	snprintf(val, sizeof(val), "0x%06x\n", class_code);
	fake_sysfs_write(root, val, FAKE_DEVDIR "/%s/class", bdf);
	put_le16(cfg + 0x00, (u16)vendor);
	put_le16(cfg + 0x02, (u16)device);
	cfg[0x08] = 0x01;			      /* revision */
	put_le16(cfg + 0x0a, (u16)(class_code >> 8)); /* sub-class, base class */
	cfg[0x09] = (u8)class_code;		      /* prog-if */
	cfg[0x0e] = 0x00;			      /* header type 0 */
	snprintf(path, sizeof(path), "%s/" FAKE_DEVDIR "/%s/config", root, bdf);
	write_path(path, cfg, sizeof(cfg));
}

void fake_sysfs_dev(const char *root, const char *bdf, int group, const char *drv)
{
	char target[PATH_MAX];
	static const char res_line[] = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";
	char res[7 * sizeof(res_line)] = "";

	fake_sysfs_mkdir(root, FAKE_DEVDIR "/%s", bdf);
	fake_sysfs_ids(root, bdf, 0x8086, 0x10ca, 0x020000);
	fake_sysfs_write(root, "0\n", FAKE_DEVDIR "/%s/irq", bdf);
	for (int i = 0; i < 7; i++)
		strcat(res, res_line);
	fake_sysfs_write(root, res, FAKE_DEVDIR "/%s/resource", bdf);
	fake_sysfs_write(root, "", FAKE_DEVDIR "/%s/driver_override", bdf);
	snprintf(target, sizeof(target), "../../../" FAKE_DEVDIR "/%s", bdf);
	fake_sysfs_symlink(root, target, "bus/pci/devices/%s", bdf);
	if (group >= 0) {
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", group);
		fake_sysfs_symlink(root, target, FAKE_DEVDIR "/%s/iommu_group", bdf);
		snprintf(target, sizeof(target), "../../../../" FAKE_DEVDIR "/%s", bdf);
		fake_sysfs_symlink(root, target, "kernel/iommu_groups/%d/devices/%s", group, bdf);
	}
	fake_sysfs_bind(root, bdf, drv);
}

void fake_sysfs_driver_dir(const char *root, const char *drv)
{
	if (!fake_sysfs_exists(root, "bus/pci/drivers/%s/unbind", drv))
		fake_sysfs_write(root, "", "bus/pci/drivers/%s/unbind", drv);
	if (!fake_sysfs_exists(root, "bus/pci/drivers/%s/bind", drv))
		fake_sysfs_write(root, "", "bus/pci/drivers/%s/bind", drv);
}

void fake_sysfs_bind(const char *root, const char *bdf, const char *drv)
{
	char target[PATH_MAX];

	if (!drv) {
		fake_sysfs_remove(root, FAKE_DEVDIR "/%s/driver", bdf);
		return;
	}
	fake_sysfs_driver_dir(root, drv);
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", drv);
	fake_sysfs_symlink(root, target, FAKE_DEVDIR "/%s/driver", bdf);
}

void fake_sysfs_sriov(const char *root, const char *pf, unsigned int total, const char *const *vfs,
		      unsigned int nr)
{
	char val[32], target[64];

	snprintf(val, sizeof(val), "%u\n", total);
	fake_sysfs_write(root, val, FAKE_DEVDIR "/%s/sriov_totalvfs", pf);
	snprintf(val, sizeof(val), "%u\n", nr);
	fake_sysfs_write(root, val, FAKE_DEVDIR "/%s/sriov_numvfs", pf);
	for (unsigned int i = 0; i < nr; i++) {
		snprintf(target, sizeof(target), "../%s", vfs[i]);
		fake_sysfs_symlink(root, target, FAKE_DEVDIR "/%s/virtfn%u", pf, i);
		snprintf(target, sizeof(target), "../%s", pf);
		fake_sysfs_symlink(root, target, FAKE_DEVDIR "/%s/physfn", vfs[i]);
	}
}

void fake_sysfs_netdev(const char *root, const char *bdf, const char *ifname)
{
	char target[PATH_MAX];

	snprintf(target, sizeof(target), "../../../%s", bdf);
	fake_sysfs_symlink(root, target, FAKE_DEVDIR "/%s/net/%s/device", bdf, ifname);
	snprintf(target, sizeof(target), "../../" FAKE_DEVDIR "/%s/net/%s", bdf, ifname);
	fake_sysfs_symlink(root, target, "class/net/%s", ifname);
}

/* ---- the fake PCI core ---- */

#define FK_MAX_FIFOS 16

struct fk_fifo {
	char path[PATH_MAX];
	char drv[64]; /* "" for drivers_probe */
	int fd;
};

struct fake_kernel {
	char root[FAKE_ROOT_SZ];
	pthread_t thread;
	pthread_mutex_t lock;
	int stop[2];
	unsigned int nr;
	struct fk_fifo fifo[FK_MAX_FIFOS];
	char log[4096];
};

static void fk_log(struct fake_kernel *k, const char *fmt, ...) PRINTF(2, 3);
static void fk_log(struct fake_kernel *k, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	pthread_mutex_lock(&k->lock);
	n = strlen(k->log);
	va_start(ap, fmt);
	vsnprintf(k->log + n, sizeof(k->log) - n, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&k->lock);
}

static int fk_open(struct fk_fifo *f)
{
	f->fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return f->fd;
}

/* Everything written to f so far (NUL-terminated, newlines dropped). */
static size_t fk_drain(struct fk_fifo *f, char *buf, size_t len)
{
	size_t n = 0;

	for (;;) {
		ssize_t r = read(f->fd, buf + n, len - 1 - n);

		if (r > 0) {
			n += (size_t)r;
			if (n < len - 1)
				continue;
		} else if (r == 0) { /* every writer gone: reopen, or poll says POLLHUP forever */
			close(f->fd);
			fk_open(f);
		}
		break;
	}
	buf[n] = '\0';
	for (char *p = buf; (p = strchr(p, '\n'));)
		memmove(p, p + 1, strlen(p));
	return strlen(buf);
}

static void fk_unbind(struct fake_kernel *k, const char *drv, const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", k->root, bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		fk_log(k, "unbind %s %s: not bound; ", drv, bdf);
		return;
	}
	link[n] = '\0';
	base = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	if (strcmp(base, drv) != 0) {
		fk_log(k, "unbind %s %s: bound to %s; ", drv, bdf, base);
		return;
	}
	/* Logged before the effect: a test that saw the effect sees the log. */
	fk_log(k, "unbind %s %s; ", drv, bdf);
	unlink(path);
}

static void fk_probe(struct fake_kernel *k, const char *bdf)
{
	char path[PATH_MAX], ovr[64] = "", target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", k->root, bdf);
	if (lstat(path, &st) == 0) {
		fk_log(k, "probe %s: already bound; ", bdf);
		return;
	}
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override", k->root, bdf);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fk_log(k, "probe %s: no device; ", bdf);
		return;
	}
	n = read(fd, ovr, sizeof(ovr) - 1);
	ovr[n > 0 ? n : 0] = '\0';
	ovr[strcspn(ovr, "\n")] = '\0';
	if (ftruncate(fd, 0) < 0)
		fk_log(k, "probe %s: cannot empty driver_override; ", bdf);
	close(fd);
	snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s", k->root, ovr);
	if (!ovr[0] || stat(path, &st) < 0) {
		fk_log(k, "probe %s: no driver for \"%s\"; ", bdf, ovr);
		return;
	}
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", ovr);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", k->root, bdf);
	fk_log(k, "probe %s %s; ", bdf, ovr); /* before the effect, as in fk_unbind() */
	if (symlink(target, path) < 0)
		fk_log(k, "probe %s: symlink: %s; ", bdf, strerror(errno));
}

/* Act on the BDFs written to f (12 characters each). */
static void fk_serve(struct fake_kernel *k, struct fk_fifo *f)
{
	char buf[512], bdf[13];
	size_t n = fk_drain(f, buf, sizeof(buf));

	if (!f->drv[0]) {
		/* Unbinds written before this probe are in their FIFOs: do them first. */
		for (unsigned int i = 0; i < k->nr; i++)
			if (k->fifo[i].drv[0])
				fk_serve(k, &k->fifo[i]);
	}
	for (size_t off = 0; off + 12 <= n; off += 12) {
		memcpy(bdf, buf + off, 12);
		bdf[12] = '\0';
		if (f->drv[0])
			fk_unbind(k, f->drv, bdf);
		else
			fk_probe(k, bdf);
	}
	if (n % 12)
		fk_log(k, "%s: odd write \"%s\"; ", f->drv[0] ? f->drv : "drivers_probe", buf);
}

static void *fk_thread(void *arg)
{
	struct fake_kernel *k = arg;
	struct pollfd pfd[FK_MAX_FIFOS + 1];

	for (;;) {
		for (unsigned int i = 0; i < k->nr; i++)
			pfd[i] = (struct pollfd){.fd = k->fifo[i].fd, .events = POLLIN};
		pfd[k->nr] = (struct pollfd){.fd = k->stop[0], .events = POLLIN};
		if (poll(pfd, k->nr + 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd[k->nr].revents)
			break;
		for (unsigned int i = 0; i < k->nr; i++)
			if (pfd[i].revents & (POLLIN | POLLHUP))
				fk_serve(k, &k->fifo[i]);
	}
	return NULL;
}

static void fk_add(struct fake_kernel *k, const char *path, const char *drv)
{
	struct fk_fifo *f = &k->fifo[k->nr++];

	assert_true(k->nr <= FK_MAX_FIFOS);
	snprintf(f->path, sizeof(f->path), "%s", path);
	snprintf(f->drv, sizeof(f->drv), "%s", drv);
	unlink(path);
	if (mkfifo(path, 0600) < 0 || fk_open(f) < 0)
		fail_msg("fake kernel: fifo %s: %s", path, strerror(errno));
}

struct fake_kernel *fake_kernel_start(const char *root)
{
	struct fake_kernel *k = calloc(1, sizeof(*k));
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	assert_non_null(k);
	snprintf(k->root, sizeof(k->root), "%s", root);
	pthread_mutex_init(&k->lock, NULL);
	assert_int_equal(pipe2(k->stop, O_CLOEXEC), 0);
	snprintf(path, sizeof(path), "%s/bus/pci/drivers", root);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s/unbind", root, e->d_name);
		fk_add(k, path, e->d_name);
	}
	closedir(d);
	snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", root);
	fk_add(k, path, "");
	assert_int_equal(pthread_create(&k->thread, NULL, fk_thread, k), 0);
	return k;
}

void fake_kernel_log(struct fake_kernel *k, char *buf, size_t len)
{
	pthread_mutex_lock(&k->lock);
	snprintf(buf, len, "%s", k->log);
	pthread_mutex_unlock(&k->lock);
}

void fake_kernel_stop(struct fake_kernel *k)
{
	if (!k)
		return;
	assert_int_equal(write(k->stop[1], "x", 1), 1);
	pthread_join(k->thread, NULL);
	for (unsigned int i = 0; i < k->nr; i++)
		if (k->fifo[i].fd >= 0)
			close(k->fifo[i].fd);
	close(k->stop[0]);
	close(k->stop[1]);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

/* ---- one attribute as a FIFO ---- */

#define FIFO_WAIT_MS 3000

struct fake_fifo {
	char path[PATH_MAX];
	char value[64];
	bool has_value;
	pthread_t thread;
	volatile bool stop;
	char writes[512];
};

static void nap(void)
{
	struct timespec ts = {0, 1000000};

	nanosleep(&ts, NULL);
}

/* Answer the first reader with value, and wait until it took it all. */
static void ff_offer(struct fake_fifo *f)
{
	int fd = -1, queued = 1;

	for (int t = 0; fd < 0 && t < FIFO_WAIT_MS && !f->stop; t++) {
		fd = open(f->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC); /* ENXIO: no reader yet */
		if (fd < 0)
			nap();
	}
	if (fd < 0)
		return;
	if (write(fd, f->value, strlen(f->value)) < 0)
		queued = 0;
	for (int t = 0; queued > 0 && t < FIFO_WAIT_MS && !f->stop; t++) {
		if (ioctl(fd, FIONREAD, &queued) < 0)
			break;
		if (queued > 0)
			nap();
	}
	close(fd);
}

/* Append what is in the FIFO now; reopen after the last writer left. */
static void ff_drain(struct fake_fifo *f, int *fd)
{
	char buf[128];
	ssize_t r;

	while ((r = read(*fd, buf, sizeof(buf) - 1)) > 0) {
		size_t used = strlen(f->writes);

		buf[r] = '\0';
		snprintf(f->writes + used, sizeof(f->writes) - used, "%s", buf);
	}
	if (r == 0) { /* no writer: reopen, or poll reports POLLHUP forever */
		close(*fd);
		*fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
}

static void *ff_thread(void *arg)
{
	struct fake_fifo *f = arg;
	int fd;

	if (f->has_value)
		ff_offer(f);
	/*
	 * Read and write: the FIFO then always has a reader (a writer's open
	 * never waits, its write never gets EPIPE) and never reads as EOF, so
	 * there is no close-and-reopen window in which a writer that opened
	 * just before it would be left without a reader (SIGPIPE).
	 */
	fd = open(f->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	while (fd >= 0 && !f->stop) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, 1) > 0)
			ff_drain(f, &fd);
	}
	if (fd >= 0) {
		ff_drain(f, &fd); /* what the last writer left */
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

struct fake_fifo *fake_fifo_start(const char *root, const char *rel, const char *value)
{
	struct fake_fifo *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->path, sizeof(f->path), "%s/%s", root, rel);
	if (value) {
		snprintf(f->value, sizeof(f->value), "%s", value);
		f->has_value = true;
	}
	unlink(f->path);
	if (mkfifo(f->path, 0600) < 0)
		fail_msg("fake fifo %s: %s", f->path, strerror(errno));
	assert_int_equal(pthread_create(&f->thread, NULL, ff_thread, f), 0);
	return f;
}

void fake_fifo_stop(struct fake_fifo *f, char *writes, size_t len)
{
	f->stop = true;
	pthread_join(f->thread, NULL);
	snprintf(writes, len, "%s", f->writes);
	free(f);
}
