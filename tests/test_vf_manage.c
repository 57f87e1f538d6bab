// SPDX-License-Identifier: MIT
/*
 * test_vf_manage.c - managed VFs on a fake sysfs tree (tests/fake_sysfs.h)
 * with TINYVMM_RUN_DIR in the same temp dir: the lock, the crash record,
 * the bind to vfio-pci and its rollback, and `vf restore`.
 *
 * Binding needs a PCI core that reacts to unbind and drivers_probe:
 * fake_kernel_start() provides one. Two paths wait out VF_MANAGE_WAIT_MS
 * (5 s) on purpose: /dev/vfio/<group> never appears for a fake device, and
 * a device whose driver link never changes (plain files, no fake kernel).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "vmm/base/err.h"
#include "vmm/host/vf_manage.h"
#include "tests/fake_sysfs.h"

#define PF	   "0000:01:00.0"
#define VF0	   "0000:01:10.0"
#define VF1	   "0000:01:10.1"
#define BIND_GROUP 4242 /* /dev/vfio/4242 must not exist for the rollback test */

static char root[FAKE_ROOT_SZ], run_dir[FAKE_ROOT_SZ + 8];
static struct fake_kernel *kernel;
static char out[8192], err[8192];

static int setup(void **state UNUSED)
{
	fake_sysfs_create(root, "test_vf_manage");
	snprintf(run_dir, sizeof(run_dir), "%s/run", root);
	setenv("TINYVMM_RUN_DIR", run_dir, 1);
	kernel = NULL;
	return 0;
}

static void race_reset(void);

static int teardown(void **state UNUSED)
{
	race_reset();
	fake_kernel_stop(kernel);
	kernel = NULL;
	fake_sysfs_destroy(root);
	unsetenv("TINYVMM_RUN_DIR");
	return 0;
}

/* ---- stdout and stderr of the code under test, into out and err ---- */

static FILE *cap[2];
static int saved_fd[2];

static void capture(bool begin)
{
	char *bufs[2] = {out, err};

	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < 2; i++) {
		if (begin) {
			cap[i] = tmpfile();
			assert_non_null(cap[i]);
			saved_fd[i] = dup(1 + i);
			dup2(fileno(cap[i]), 1 + i);
			continue;
		}
		dup2(saved_fd[i], 1 + i);
		close(saved_fd[i]);
		rewind(cap[i]);
		bufs[i][fread(bufs[i], 1, sizeof(out) - 1, cap[i])] = '\0';
		fclose(cap[i]);
	}
}

static void expect_err(const char *needle)
{
	if (!strstr(err, needle))
		fail_msg("stderr \"%s\" does not contain \"%s\"", err, needle);
}

/* ---- helpers ---- */

static struct tinyvmm_vf opts(const char *bdf, bool managed)
{
	struct tinyvmm_vf o = {.unmanaged = !managed};

	strcpy(o.bdf, bdf);
	return o;
}

/* The take's plain errno; *usage: whether it was marked as the user's fault. */
static int take(struct vf_manage *m, const struct tinyvmm_vf *o, bool *usage)
{
	int r;

	capture(true);
	r = vf_manage_take(m, o, root);
	capture(false);
	*usage = err_is_user(r);
	return err_errno(r);
}

/*
 * vf_manage_restore() with stderr captured into err, and its results as
 * tinyvmm vf restore prints them (vmm/cmd/vf_cmd.c) in out. The plain errno.
 */
static int restore(const char *bdf)
{
	struct tinyvmm_restored res[8];
	unsigned int nr = 0;
	size_t n = 0;
	int r;

	capture(true);
	r = vf_manage_restore(root, bdf, res, ARRAY_SIZE(res), &nr);
	capture(false);
	assert_true(nr <= ARRAY_SIZE(res));
	out[0] = '\0';
	for (unsigned int i = 0; i < nr; i++) {
		const struct tinyvmm_restored *v = &res[i];

		if (v->status == -EBUSY)
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "vf %s: in use by tinyvmm pid %ld; left alone\n",
					      v->bdf, v->holder_pid);
		else if (v->status == 0)
			n += (size_t)snprintf(
			    out + n, sizeof(out) - n, "vf %s: restored (driver %s%s%s%s)\n", v->bdf,
			    v->driver[0] ? v->driver : "none", v->netdev[0] ? ", netdev " : "",
			    v->netdev, v->pf_settings ? ", PF settings put back" : "");
	}
	if (!nr && r == 0)
		snprintf(out, sizeof(out), "vf restore: nothing to restore%s%s\n",
			 bdf ? " for " : "", bdf ? bdf : "");
	if (r == err_mark_user(-EBUSY))
		return -EBUSY; /* in use: the user's to resolve */
	assert_false(err_is_user(r));
	return r;
}

static const char *driver_of(const char *bdf)
{
	static char drv[PCI_SYSFS_NAME_SZ];

	assert_int_equal(pci_sysfs_driver(root, bdf, drv, sizeof(drv)), 0);
	return drv;
}

static const char *attr(const char *bdf, const char *name)
{
	static char buf[256];

	return fake_sysfs_read(root, buf, sizeof(buf), FAKE_DEVDIR "/%s/%s", bdf, name);
}

static bool has_record(const char *bdf)
{
	return fake_sysfs_exists(root, "run/%s.record", bdf);
}

static bool has_lock(const char *bdf)
{
	return fake_sysfs_exists(root, "run/%s.lock", bdf);
}

/* A record as a tinyvmm that died would have left it; pf_netdev: PF settings saved (vf 1). */
static void write_record(const char *bdf, long pid, const char *driver, bool rebound,
			 const char *pf_netdev)
{
	struct vf_record rec;
	char text[2048];

	memset(&rec, 0, sizeof(rec));
	strcpy(rec.bdf, bdf);
	rec.pid = pid;
	strcpy(rec.driver, driver);
	rec.rebound = rebound;
	rec.vf_index = -1;
	rec.saved.spoofchk = rec.saved.trust = rec.saved.link_state = -1;
	if (pf_netdev) {
		strcpy(rec.pf, PF);
		strcpy(rec.pf_netdev, pf_netdev);
		rec.net_saved = true;
		rec.vf_index = 1;
		rec.saved.index = 1;
	}
	assert_true(vf_record_format(&rec, text, sizeof(text)) > 0);
	fake_sysfs_mkdir(root, "run");
	fake_sysfs_write(root, text, "run/%s.record", bdf);
}

static const char *kernel_log(void)
{
	static char buf[4096];

	fake_kernel_log(kernel, buf, sizeof(buf));
	return buf;
}

/* ---- take and give back without a bind ---- */

static void test_take_on_vfio(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	struct vf_manage m, m2;
	char pidmsg[64];
	bool usage = true;

	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	assert_int_equal(vf_manage_holder(VF0), 0);
	assert_false(has_lock(VF0)); /* asking who holds it leaves no file */
	assert_int_equal(take(&m, &o, &usage), 0);
	assert_false(usage);
	assert_true(m.lock_fd >= 0);
	assert_true(has_lock(VF0));
	assert_false(has_record(VF0)); /* nothing to undo */
	assert_string_equal(attr(VF0, "driver_override"), "");
	assert_string_equal(driver_of(VF0), "vfio-pci");
	assert_int_equal(vf_manage_holder(VF0), (long)getpid());

	/* A second take of the same VF: in use, the user's problem. */
	assert_int_equal(take(&m2, &o, &usage), -EBUSY);
	assert_true(usage);
	assert_int_equal(m2.lock_fd, -1);
	snprintf(pidmsg, sizeof(pidmsg), "in use by another tinyvmm (pid %ld)", (long)getpid());
	expect_err("vf " VF0 ": ");
	expect_err(pidmsg);
	vf_manage_give_back(&m2, root); /* a failed take: harmless */
	assert_int_equal(vf_manage_holder(VF0), (long)getpid());

	assert_true(has_lock(VF0)); /* the failed take left the holder's file */

	/* Giving back releases the lock and removes its file; twice is fine. */
	vf_manage_give_back(&m, root);
	assert_int_equal(m.lock_fd, -1);
	assert_false(has_lock(VF0));
	assert_int_equal(vf_manage_holder(VF0), 0);
	vf_manage_give_back(&m, root);
	assert_int_equal(take(&m2, &o, &usage), 0);
	vf_manage_give_back(&m2, root);
	assert_string_equal(driver_of(VF0), "vfio-pci");
	assert_false(has_lock(VF0));
}

/*
 * flock() takes the place of libc's for the code linked into this test, so
 * a test can act between lock_take()'s open of the lock file and its flock:
 * where another tinyvmm lets go of the VF (removing the file) and maybe a
 * third takes it (making the file again and flocking it).
 */
enum lock_race {
	RACE_NONE,
	RACE_REMOVED,	 /* the holder lets go (removes the file) */
	RACE_RETAKEN,	 /* ... and a third tinyvmm takes it (a new file, flocked) */
	RACE_ALWAYS,	 /* the same at every flock */
	RACE_PROBE,	 /* a probe (vf list) holds the file at this flock... */
	RACE_PROBE_HELD, /* ... and lets go before the next */
};
static enum lock_race race;
static int race_fd = -1; /* the third tinyvmm's lock, or the probe's */

int flock(int fd, int op)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/" VF0 ".lock", run_dir);
	if (race == RACE_PROBE) {
		race_fd = open(path, O_RDWR | O_CLOEXEC);
		assert_true(race_fd >= 0);
		assert_int_equal(syscall(SYS_flock, race_fd, LOCK_EX | LOCK_NB), 0);
		race = RACE_PROBE_HELD;
	} else if (race == RACE_PROBE_HELD) {
		close(race_fd);
		race_fd = -1;
		race = RACE_NONE;
	} else if (race != RACE_NONE) {
		assert_int_equal(unlink(path), 0);
		if (race != RACE_REMOVED) {
			if (race_fd >= 0)
				close(race_fd);
			race_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			assert_true(race_fd >= 0);
			assert_int_equal(dprintf(race_fd, "4242\n"), 5);
			assert_int_equal(syscall(SYS_flock, race_fd, LOCK_EX | LOCK_NB), 0);
		}
		if (race != RACE_ALWAYS)
			race = RACE_NONE;
	}
	return (int)syscall(SYS_flock, fd, op);
}

/* No race for the next test, even after a failed one. */
static void race_reset(void)
{
	race = RACE_NONE;
	if (race_fd >= 0)
		close(race_fd);
	race_fd = -1;
}

/*
 * A holder removes its lock file as it lets go, so the file lock_take()
 * opened may be gone by the time its flock is won: that lock is no one's,
 * and the take starts over on the file the run directory names now.
 */
static void test_lock_file_replaced(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	struct vf_manage m;
	bool usage;

	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	/* The holder let go as we opened: ours on the second try. */
	fake_sysfs_write(root, "1\n", "run/" VF0 ".lock");
	race = RACE_REMOVED;
	assert_int_equal(take(&m, &o, &usage), 0);
	assert_true(has_lock(VF0));
	assert_int_equal(vf_manage_holder(VF0), (long)getpid());
	vf_manage_give_back(&m, root);
	assert_false(has_lock(VF0));

	/* ...and a third tinyvmm took it meanwhile: in use by that one. */
	fake_sysfs_write(root, "1\n", "run/" VF0 ".lock");
	race = RACE_RETAKEN;
	assert_int_equal(take(&m, &o, &usage), -EBUSY);
	assert_true(usage);
	expect_err("vf " VF0 ": in use by another tinyvmm (pid 4242)");
	assert_int_equal(vf_manage_holder(VF0), 4242);
	/* Giving back a failed take leaves the third one's file alone. */
	vf_manage_give_back(&m, root);
	assert_true(has_lock(VF0));
	close(race_fd);
	race_fd = -1;

	/* The file changes under every try: in use, not a host error. */
	race = RACE_ALWAYS;
	assert_int_equal(take(&m, &o, &usage), -EBUSY);
	race = RACE_NONE;
	assert_true(usage);
	expect_err("vf " VF0 ": in use by another tinyvmm (pid 4242)");
	close(race_fd);
	race_fd = -1;
	assert_int_equal(take(&m, &o, &usage), 0);
	vf_manage_give_back(&m, root);
	assert_false(has_lock(VF0));
}

/*
 * vf list and vf create take a VF's lock for a moment to see who holds it.
 * A take that meets such a probe tries again and gets the VF; a probe that
 * meets a probe reports it held, as it only looks.
 */
static void test_lock_probe_meets_take(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	struct vf_manage m;
	bool usage;

	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	fake_sysfs_write(root, "", "run/" VF0 ".lock");
	race = RACE_PROBE;
	assert_int_equal(take(&m, &o, &usage), 0);
	assert_int_equal(race, RACE_NONE); /* it met the probe, then took it */
	assert_int_equal(vf_manage_holder(VF0), (long)getpid());
	vf_manage_give_back(&m, root);

	fake_sysfs_write(root, "", "run/" VF0 ".lock");
	race = RACE_PROBE;
	assert_int_equal(vf_manage_holder(VF0), 1); /* held, by no pid it can name */
	race_reset();
}

/* A lock file whose holder was removed by hand and made again by another
 * tinyvmm is that one's: giving back does not remove it. */
static void test_lock_file_not_ours(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	char path[PATH_MAX];
	struct vf_manage m;
	bool usage;
	int other;

	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	assert_int_equal(take(&m, &o, &usage), 0);
	snprintf(path, sizeof(path), "%s/" VF0 ".lock", run_dir);
	assert_int_equal(unlink(path), 0);
	other = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(other >= 0);
	vf_manage_give_back(&m, root);
	assert_true(has_lock(VF0));
	close(other);
}

static void test_take_no_device(void **state UNUSED)
{
	struct tinyvmm_vf o = opts("0000:07:00.0", true);
	struct vf_manage m;
	bool usage = true;

	/* Left to vfio_device_check(): no lock, no run directory even. */
	assert_int_equal(take(&m, &o, &usage), 0);
	assert_false(usage);
	assert_int_equal(m.lock_fd, -1);
	assert_false(fake_sysfs_exists(root, "run"));
	vf_manage_give_back(&m, root);
}

static void test_take_unmanaged(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, false);
	struct vf_manage m;
	bool usage;

	fake_sysfs_dev(root, VF0, 12, "igbvf");
	fake_sysfs_driver_dir(root, "vfio-pci");
	assert_int_equal(take(&m, &o, &usage), 0);
	assert_string_equal(driver_of(VF0), "igbvf");
	assert_string_equal(attr(VF0, "driver_override"), "");
	assert_string_equal(fake_sysfs_read(root, out, sizeof(out), "bus/pci/drivers_probe"), "");
	assert_false(has_record(VF0));
	assert_int_equal(vf_manage_holder(VF0), (long)getpid()); /* locked all the same */
	vf_manage_give_back(&m, root);
	assert_string_equal(driver_of(VF0), "igbvf");
}

static void test_take_no_vfio_driver(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	struct vf_manage m;
	bool usage = true;

	fake_sysfs_dev(root, VF0, 12, "igbvf");
	assert_int_equal(take(&m, &o, &usage), -ENOENT);
	assert_false(usage); /* a host problem */
	expect_err("vf " VF0 ": the vfio-pci driver is not loaded; run: modprobe vfio-pci");
	assert_string_equal(driver_of(VF0), "igbvf");
	assert_string_equal(attr(VF0, "driver_override"), "");
	assert_false(has_record(VF0));
	assert_int_equal(m.lock_fd, -1);
	assert_int_equal(vf_manage_holder(VF0), 0);
}

static void test_take_no_iommu(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	struct vf_manage m;
	bool usage;

	/* No IOMMU group: not bound, left to vfio_device_check() to explain. */
	fake_sysfs_dev(root, VF0, -1, "igbvf");
	fake_sysfs_driver_dir(root, "vfio-pci");
	assert_int_equal(take(&m, &o, &usage), 0);
	assert_string_equal(driver_of(VF0), "igbvf");
	assert_string_equal(attr(VF0, "driver_override"), "");
	assert_string_equal(fake_sysfs_read(root, out, sizeof(out), "bus/pci/drivers_probe"), "");
	assert_false(has_record(VF0));
	vf_manage_give_back(&m, root);
	assert_int_equal(vf_manage_holder(VF0), 0);
}

static void test_run_dir(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	char bad[FAKE_ROOT_SZ + 16];
	struct vf_manage m;
	bool usage;

	assert_string_equal(vf_manage_run_dir(), run_dir);
	unsetenv("TINYVMM_RUN_DIR");
	assert_string_equal(vf_manage_run_dir(), VF_MANAGE_RUN_DIR);
	setenv("TINYVMM_RUN_DIR", "", 1);
	assert_string_equal(vf_manage_run_dir(), VF_MANAGE_RUN_DIR);

	/* A run directory that cannot be made (under a plain file). */
	fake_sysfs_write(root, "", "file");
	snprintf(bad, sizeof(bad), "%s/file/run", root);
	setenv("TINYVMM_RUN_DIR", bad, 1);
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	fake_sysfs_dev(root, VF1, 13, "igbvf");
	fake_sysfs_driver_dir(root, "vfio-pci");
	/* Nothing to undo: goes on without a lock. */
	assert_int_equal(take(&m, &o, &usage), 0);
	assert_int_equal(m.lock_fd, -1);
	vf_manage_give_back(&m, root);
	/* A bind to undo needs the record: refused before touching the VF. */
	o = opts(VF1, true);
	assert_int_equal(take(&m, &o, &usage), -ENOTDIR);
	assert_false(usage);
	expect_err("vf " VF1 ": cannot lock it in ");
	expect_err("set TINYVMM_RUN_DIR to a writable directory");
	assert_string_equal(driver_of(VF1), "igbvf");
	assert_string_equal(attr(VF1, "driver_override"), "");
	assert_int_equal(vf_manage_holder(VF1), 0);
}

/* ---- PF-side settings (mac= ...) up to the rtnetlink call ---- */

static void sriov_tree(const char *pf_netdev)
{
	static const char *const vfs[] = {VF0, VF1};

	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	fake_sysfs_dev(root, VF1, 13, "vfio-pci");
	fake_sysfs_sriov(root, PF, 7, vfs, 2);
	if (pf_netdev)
		fake_sysfs_netdev(root, PF, pf_netdev);
}

static void test_take_mac_not_vf(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	struct vf_manage m;
	bool usage = false;

	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	o.set_mac = true;
	o.mac[0] = 0x52;
	assert_int_equal(take(&m, &o, &usage), -EINVAL);
	assert_true(usage);
	expect_err("vf " VF0 ": not an SR-IOV VF (no physfn)");
	assert_false(has_record(VF0));
	assert_int_equal(vf_manage_holder(VF0), 0);
	/* vlan= alone takes the same path. */
	o = opts(VF0, true);
	o.set_vlan = true;
	o.vlan = 5;
	usage = false;
	assert_int_equal(take(&m, &o, &usage), -EINVAL);
	assert_true(usage);
}

static void test_take_pf_without_netdev(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF1, true);
	struct vf_manage m;
	bool usage = true;

	sriov_tree(NULL);
	o.trust = TINYVMM_ON;
	assert_int_equal(take(&m, &o, &usage), -ENODEV);
	assert_false(usage);
	expect_err("vf " VF1 ": its PF " PF " has no network interface");
	assert_false(has_record(VF1));
	assert_int_equal(vf_manage_holder(VF1), 0);
}

static void test_take_pf_query_fails(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF1, true);
	struct vf_manage m;
	bool usage = true;
	int r;

	/* "lo" stands in for the PF: rtnetlink answers, but it lists no VF 1. */
	sriov_tree("lo");
	o.spoofchk = TINYVMM_OFF;
	r = take(&m, &o, &usage);
	assert_int_equal(r, -ENOENT);
	assert_false(usage);
	expect_err("rtnl PF lo: "); /* rtnl_sock.c says why; vf_manage adds nothing */
	/* Nothing was saved, so nothing is recorded or restored. */
	assert_false(has_record(VF1));
	assert_int_equal(vf_manage_holder(VF1), 0);
}

/* ---- the bind, with a fake PCI core ---- */

struct watch {
	pthread_t thread;
	volatile bool stop;
	bool seen;	   /* VF0 was seen on vfio-pci with a record */
	char record[2048]; /* the record file then */
};

static void *watch_thread(void *arg)
{
	struct watch *w = arg;
	struct timespec ms = {0, 1000000};
	char path[PATH_MAX], drv[PCI_SYSFS_NAME_SZ];

	snprintf(path, sizeof(path), "%s/" VF0 ".record", run_dir);
	while (!w->stop) {
		FILE *f = fopen(path, "r");

		if (f) {
			char buf[2048];
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);

			fclose(f);
			buf[n] = '\0';
			if (n && !w->seen && pci_sysfs_driver(root, VF0, drv, sizeof(drv)) == 0 &&
			    !strcmp(drv, "vfio-pci")) {
				memcpy(w->record, buf, n + 1);
				w->seen = true;
			}
		}
		nanosleep(&ms, NULL);
	}
	return NULL;
}

static void test_take_bind_rollback(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	struct watch w = {0};
	struct vf_record rec;
	struct vf_manage m;
	char path[64];
	bool usage = true;

	snprintf(path, sizeof(path), "/dev/vfio/%d", BIND_GROUP);
	if (access(path, F_OK) == 0) {
		print_message("[ SKIPPED ] %s exists on this machine\n", path);
		skip();
	}
	fake_sysfs_dev(root, VF0, BIND_GROUP, "igbvf");
	fake_sysfs_driver_dir(root, "vfio-pci");
	kernel = fake_kernel_start(root);
	assert_int_equal(pthread_create(&w.thread, NULL, watch_thread, &w), 0);
	/* Bound to vfio-pci, then /dev/vfio/N never shows: given back to igbvf. */
	assert_int_equal(take(&m, &o, &usage), -ETIMEDOUT);
	w.stop = true;
	pthread_join(w.thread, NULL);
	assert_false(usage);
	expect_err("vf " VF0 ": moving it from igbvf to vfio-pci");
	expect_err("/dev/vfio/4242 did not appear after the bind");
	expect_err("vf " VF0 ": back on igbvf");
	assert_string_equal(kernel_log(), "unbind igbvf " VF0 "; probe " VF0 " vfio-pci; "
					  "unbind vfio-pci " VF0 "; probe " VF0 " igbvf; ");
	assert_string_equal(driver_of(VF0), "igbvf");
	assert_string_equal(attr(VF0, "driver_override"), "\n"); /* the operator had none */
	assert_false(has_record(VF0));
	assert_int_equal(m.lock_fd, -1);
	assert_int_equal(vf_manage_holder(VF0), 0);

	/* While on vfio-pci, the record said how to undo it. */
	assert_true(w.seen);
	assert_int_equal(vf_record_parse(w.record, strlen(w.record), &rec), 0);
	assert_string_equal(rec.bdf, VF0);
	assert_int_equal(rec.pid, (long)getpid());
	assert_string_equal(rec.driver, "igbvf");
	assert_string_equal(rec.driver_override, "");
	assert_true(rec.rebound);
	assert_false(rec.net_saved);
}

static void test_take_after_crash(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, false);
	struct vf_manage m;
	bool usage;

	/* A tinyvmm that died left VF0 on vfio-pci; it was on igbvf. */
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	fake_sysfs_driver_dir(root, "igbvf");
	write_record(VF0, 999999, "igbvf", true, NULL);
	kernel = fake_kernel_start(root);
	assert_int_equal(take(&m, &o, &usage), 0);
	expect_err("vf " VF0 ": giving it back for tinyvmm pid 999999, which did not exit cleanly");
	assert_string_equal(kernel_log(), "unbind vfio-pci " VF0 "; probe " VF0 " igbvf; ");
	assert_string_equal(driver_of(VF0), "igbvf");
	assert_false(has_record(VF0));
	assert_int_equal(vf_manage_holder(VF0), (long)getpid());
	vf_manage_give_back(&m, root);
	assert_string_equal(driver_of(VF0), "igbvf"); /* managed=off: left there */
}

static void test_take_after_crash_restore_fails(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	struct vf_manage m;
	bool usage;

	/* The dead tinyvmm's record says igbvf, but igbvf never binds (plain
	 * files, no fake kernel): the take fails and the record stays, so the
	 * original driver is not lost to a new record saying vfio-pci. */
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	write_record(VF0, 999999, "igbvf", true, NULL);
	assert_int_equal(take(&m, &o, &usage), -EIO);
	assert_false(usage);
	expect_err("left it taken and it cannot be given back");
	assert_true(has_record(VF0));
	{
		char buf[2048];

		assert_non_null(
		    strstr(fake_sysfs_read(root, buf, sizeof(buf), "run/%s.record", VF0),
			   "driver=igbvf\n"));
	}
	assert_int_equal(m.lock_fd, -1);
	assert_int_equal(vf_manage_holder(VF0), 0);
}

/* ---- vf restore ---- */

static void test_restore_nothing(void **state UNUSED)
{
	/* No run directory at all. */
	assert_int_equal(restore(NULL), 0);
	assert_string_equal(out, "vf restore: nothing to restore\n");
	fake_sysfs_mkdir(root, "run");
	fake_sysfs_write(root, "", "run/" VF0 ".lock");
	fake_sysfs_write(root, "junk", "run/" VF0 ".record.tmp");
	assert_int_equal(restore(NULL), 0);
	assert_string_equal(out, "vf restore: nothing to restore\n");
	assert_false(has_lock(VF0)); /* a lock no one holds, left by a kill: gone */
	/* ...but one that is held stays, and a restore of one VF sweeps only its own. */
	{
		struct tinyvmm_vf o = opts(VF0, true);
		struct vf_manage m;
		bool usage;

		fake_sysfs_dev(root, VF0, 12, "vfio-pci");
		assert_int_equal(take(&m, &o, &usage), 0);
		fake_sysfs_write(root, "", "run/" VF1 ".lock");
		assert_int_equal(restore(VF0), 0); /* no record: nothing to restore */
		assert_true(has_lock(VF0));
		assert_true(has_lock(VF1));
		vf_manage_give_back(&m, root);
		assert_int_equal(restore(NULL), 0);
		assert_false(has_lock(VF1));
	}
	/* A record of another VF does not count for this one. */
	write_record(VF1, 999999, "igbvf", true, NULL);
	assert_int_equal(restore(VF0), 0);
	assert_string_equal(out, "vf restore: nothing to restore for " VF0 "\n");
	assert_true(has_record(VF1));
	assert_int_equal(vf_manage_holder(VF0), 0);
	assert_int_equal(vf_manage_holder(VF1), 0);
}

static void test_restore_unbind(void **state UNUSED)
{
	/* Taken while unbound: giving it back means unbinding it from vfio-pci. */
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	fake_sysfs_dev(root, VF1, 13, "vfio-pci");
	fake_sysfs_driver_dir(root, "igbvf");
	fake_sysfs_netdev(root, VF1, "eth7"); /* what igbvf will have made */
	write_record(VF0, 999999, "", true, NULL);
	write_record(VF1, 999998, "igbvf", true, NULL);
	kernel = fake_kernel_start(root);
	assert_int_equal(restore(NULL), 0);
	assert_string_equal(out, "vf " VF0 ": restored (driver none)\n"
				 "vf " VF1 ": restored (driver igbvf, netdev eth7)\n");
	assert_string_equal(kernel_log(), "unbind vfio-pci " VF0 "; unbind vfio-pci " VF1 "; "
					  "probe " VF1 " igbvf; ");
	assert_string_equal(driver_of(VF0), "");
	assert_string_equal(driver_of(VF1), "igbvf");
	assert_string_equal(attr(VF0, "driver_override"), "\n");
	assert_false(has_record(VF0));
	assert_false(has_record(VF1));
	assert_int_equal(vf_manage_holder(VF0), 0);
}

static void test_restore_no_change(void **state UNUSED)
{
	/* Plain files: the unbind is written, but the driver link never goes. */
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	write_record(VF0, 999999, "", true, NULL);
	assert_int_equal(restore(VF0), -EAGAIN);
	assert_string_equal(out, "");
	expect_err("vf " VF0 ": could not unbind it from vfio-pci");
	assert_string_equal(attr(VF0, "driver_override"), "\n");
	assert_string_equal(
	    fake_sysfs_read(root, out, sizeof(out), "bus/pci/drivers/vfio-pci/unbind"), VF0);
	assert_string_equal(driver_of(VF0), "vfio-pci");
	/* The record stays for the next try, the lock does not. */
	assert_true(has_record(VF0));
	assert_int_equal(vf_manage_holder(VF0), 0);
}

static void test_restore_in_use(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, true);
	struct vf_manage m;
	char line[128];
	bool usage;

	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	fake_sysfs_dev(root, VF1, 13, "vfio-pci");
	assert_int_equal(take(&m, &o, &usage), 0);
	write_record(VF0, (long)getpid(), "igbvf", true, NULL);
	write_record(VF1, 999999, "", false, NULL); /* nothing to undo, but a record */
	assert_int_equal(restore(NULL), -EBUSY);
	snprintf(line, sizeof(line), "vf " VF0 ": in use by tinyvmm pid %ld; left alone\n",
		 (long)getpid());
	assert_memory_equal(out, line, strlen(line));
	assert_string_equal(out + strlen(line), "vf " VF1 ": restored (driver vfio-pci)\n");
	assert_true(has_record(VF0));
	assert_false(has_record(VF1));
	assert_string_equal(driver_of(VF0), "vfio-pci");
	vf_manage_give_back(&m, root);
	assert_true(has_record(VF0)); /* the take recorded nothing, so it removes nothing */
}

static void test_restore_bad_record(void **state UNUSED)
{
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	fake_sysfs_mkdir(root, "run");
	fake_sysfs_write(root, "bdf=" VF0 "\nthis is not a record\n", "run/" VF0 ".record");
	assert_int_equal(restore(NULL), -EINVAL);
	expect_err("vf " VF0 ": cannot use its record in ");
	expect_err("not a tinyvmm crash record");
	assert_string_equal(out, "");
	assert_true(has_record(VF0));
	assert_string_equal(driver_of(VF0), "vfio-pci");
	assert_int_equal(vf_manage_holder(VF0), 0);
}

static void test_restore_pf_settings_fail(void **state UNUSED)
{
	/* The PF is gone: its settings cannot be put back, so the record stays. */
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	write_record(VF0, 999999, "", false, "tvnope0");
	assert_true(restore(NULL) < 0);
	expect_err("rtnl PF tvnope0: ");
	assert_string_equal(out, "");
	assert_true(has_record(VF0));
	assert_string_equal(driver_of(VF0), "vfio-pci");
}

/* In the sandboxed VM process nothing can be taken: refused, nothing touched. */
static void test_take_sandboxed(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF1, true);
	struct vf_manage m;
	bool usage;

	fake_sysfs_dev(root, VF1, 13, "igbvf");
	fake_sysfs_driver_dir(root, "vfio-pci");
	vf_manage_set_sandboxed(true, NULL, NULL, NULL);
	assert_int_equal(take(&m, &o, &usage), -EPERM);
	vf_manage_set_sandboxed(false, NULL, NULL, NULL);
	assert_true(usage);
	expect_err("vf " VF1 ": taking a VF while the VM runs needs root, which the sandboxed VM "
		   "process gave up; start tinyvmm with --run-as none to hot-add VFs");
	assert_string_equal(driver_of(VF1), "igbvf");
	assert_false(has_record(VF1));
	vf_manage_give_back(&m, root); /* safe on a refused take */
}

/* held: set by a take that worked, cleared by the give-back; not by a refused take. */
static void test_take_marks_held(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, false);
	struct vf_manage m;
	bool usage;

	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	assert_int_equal(take(&m, &o, &usage), 0);
	assert_true(m.held);
	assert_string_equal(m.rec.bdf, VF0);
	vf_manage_give_back(&m, root);
	assert_false(m.held);
	vf_manage_give_back(&m, root); /* twice: nothing more */
	assert_false(m.held);
	vf_manage_set_sandboxed(true, NULL, NULL, NULL);
	assert_int_equal(take(&m, &o, &usage), -EPERM);
	vf_manage_set_sandboxed(false, NULL, NULL, NULL);
	assert_false(m.held);
}

static char given_back[64];
static int given_back_calls;

static void remote_give_back(void *opaque, const char *bdf)
{
	assert_ptr_equal(opaque, given_back);
	snprintf(given_back, sizeof(given_back), "%s", bdf);
	given_back_calls++;
}

/* A --vf VF the privileged side holds: giving it back asks that side, once. */
static void test_remote_held_give_back(void **state UNUSED)
{
	struct vf_manage m;

	vf_manage_remote_held(&m, VF1);
	assert_true(m.held);
	assert_int_equal(m.lock_fd, -1);
	vf_manage_set_sandboxed(true, NULL, remote_give_back, given_back);
	given_back_calls = 0;
	vf_manage_give_back(&m, root);
	vf_manage_give_back(&m, root);
	vf_manage_set_sandboxed(false, NULL, NULL, NULL);
	assert_int_equal(given_back_calls, 1);
	assert_string_equal(given_back, VF1);
	assert_false(m.held);
	assert_false(has_record(VF1));
}

/* ---- a run directory or files someone else could have planted ---- */

static void test_untrusted_run_dir(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF1, true);
	struct tinyvmm_restored res[4];
	unsigned int nr;
	struct vf_manage m;
	bool usage;
	int r;

	fake_sysfs_dev(root, VF1, 13, "igbvf");
	fake_sysfs_driver_dir(root, "vfio-pci");
	/* TINYVMM_RUN_DIR writable by everyone: not acted on at all. */
	write_record(VF1, 999999, "igbvf", true, NULL);
	assert_int_equal(chmod(run_dir, 0777), 0);
	assert_int_equal(take(&m, &o, &usage), -EPERM);
	assert_true(usage);
	expect_err("vf " VF1 ": the run directory ");
	expect_err("is not safe to act on: writable by every user (mode 0777); remove it, or "
		   "set TINYVMM_RUN_DIR");
	assert_string_equal(driver_of(VF1), "igbvf");
	assert_string_equal(attr(VF1, "driver_override"), "");
	assert_int_equal(vf_manage_holder(VF1), 0);
	capture(true);
	r = vf_manage_restore(root, NULL, res, ARRAY_SIZE(res), &nr);
	capture(false);
	assert_int_equal(r, err_mark_user(-EPERM));
	assert_int_equal(nr, 0);
	expect_err("tinyvmm vf restore: the run directory ");
	assert_true(has_record(VF1));
	/* Owned by another user. */
	assert_int_equal(chmod(run_dir, 0700), 0);
	assert_int_equal(chown(run_dir, 1000, 1000), 0);
	assert_int_equal(take(&m, &o, &usage), -EPERM);
	assert_true(usage);
	expect_err("owned by uid 1000, not by this user (uid 0)");
	assert_string_equal(driver_of(VF1), "igbvf");
}

static void test_planted_lock_link(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF1, true);
	char victim[FAKE_ROOT_SZ + 16], link[FAKE_ROOT_SZ + 32];
	struct vf_manage m;
	bool usage;

	fake_sysfs_dev(root, VF1, 13, "igbvf");
	fake_sysfs_driver_dir(root, "vfio-pci");
	fake_sysfs_mkdir(root, "run");
	fake_sysfs_write(root, "precious\n", "victim");
	snprintf(victim, sizeof(victim), "%s/victim", root);
	snprintf(link, sizeof(link), "%s/" VF1 ".lock", run_dir);
	assert_int_equal(symlink(victim, link), 0);
	/* vf list's holder query neither truncates nor writes through the link. */
	assert_int_equal(vf_manage_holder(VF1), 0);
	assert_string_equal(fake_sysfs_read(root, out, sizeof(out), "victim"), "precious\n");
	assert_int_equal(take(&m, &o, &usage), -ELOOP);
	assert_true(usage);
	expect_err(VF1 ".lock: not a file of this user's that only it can write");
	assert_string_equal(fake_sysfs_read(root, out, sizeof(out), "victim"), "precious\n");
	assert_string_equal(driver_of(VF1), "igbvf");
}

static void test_forged_record(void **state UNUSED)
{
	struct tinyvmm_vf o = opts(VF0, false);
	char path[FAKE_ROOT_SZ + 32];
	struct vf_manage m;
	bool usage;

	/* VF0's record names VF1: taking VF0 must not rebind VF1. */
	fake_sysfs_dev(root, VF0, 12, "vfio-pci");
	fake_sysfs_dev(root, VF1, 13, "vfio-pci");
	fake_sysfs_driver_dir(root, "igbvf");
	kernel = fake_kernel_start(root);
	write_record(VF1, 999999, "igbvf", true, NULL);
	snprintf(path, sizeof(path), "%s/" VF1 ".record", run_dir);
	snprintf(out, sizeof(out), "%s/" VF0 ".record", run_dir);
	assert_int_equal(rename(path, out), 0);
	assert_int_equal(take(&m, &o, &usage), 0);
	expect_err("vf " VF0 ": ignoring its crash record in ");
	expect_err("it names another function (" VF1 ")");
	assert_string_equal(kernel_log(), "");
	assert_string_equal(driver_of(VF1), "vfio-pci");
	vf_manage_give_back(&m, root);
	/* The same in vf restore: reported, not acted on, and kept. */
	assert_int_equal(restore(NULL), -EINVAL);
	expect_err("it names another function");
	assert_string_equal(kernel_log(), "");
	/* A record of the right name that another user owns (or could write). */
	write_record(VF0, 999999, "igbvf", true, NULL);
	snprintf(path, sizeof(path), "%s/" VF0 ".record", run_dir);
	assert_int_equal(chown(path, 1000, 1000), 0);
	assert_int_equal(take(&m, &o, &usage), 0);
	expect_err("ignoring its crash record");
	expect_err("not a file of this user's that only it can write");
	vf_manage_give_back(&m, root);
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(chmod(path, 0646), 0);
	assert_int_equal(take(&m, &o, &usage), 0);
	expect_err("ignoring its crash record");
	vf_manage_give_back(&m, root);
	assert_string_equal(kernel_log(), "");
	assert_string_equal(driver_of(VF0), "vfio-pci");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_take_on_vfio, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_no_device, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_unmanaged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_no_vfio_driver, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_no_iommu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_run_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_mac_not_vf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_pf_without_netdev, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_pf_query_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_bind_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_after_crash_restore_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_after_crash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restore_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restore_unbind, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restore_no_change, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restore_in_use, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restore_bad_record, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restore_pf_settings_fail, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_sandboxed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_take_marks_held, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_remote_held_give_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_untrusted_run_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_planted_lock_link, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_file_replaced, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_file_not_ours, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_probe_meets_take, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forged_record, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
