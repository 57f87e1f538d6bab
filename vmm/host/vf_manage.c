// SPDX-License-Identifier: MIT
/* vf_manage.c - take a VF for a VM and always give it back; see vf_manage.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/base/log.h"
#include "vmm/base/util.h"
#include "vmm/base/err.h"
#include "vmm/host/run_dir.h"
#include "vmm/host/vf_lock.h"
#include "vmm/host/vf_manage.h"

#define VFIO_DRIVER  "vfio-pci"
#define RECORD_MAX   2048
#define POLL_STEP_MS 10

const char *vf_manage_run_dir(void)
{
	const char *d = getenv("TINYVMM_RUN_DIR");

	return d && *d ? d : VF_MANAGE_RUN_DIR;
}

/* The run directory's fd (checked, run_dir.h), or -errno with why filled. */
static int dir_open(bool create, char *why)
{
	return run_dir_open(vf_manage_run_dir(), create, why, RUN_DIR_WHY_SZ);
}

/* Write the record atomically (a temporary file renamed over it). */
static int record_write(struct vf_manage *m)
{
	char name[NAME_MAX], buf[RECORD_MAX], why[RUN_DIR_WHY_SZ];
	int dir, n, r;

	n = vf_record_format(&m->rec, buf, sizeof(buf));
	if (n < 0 || run_dir_name(name, sizeof(name), m->rec.bdf, "record") < 0)
		return -ENOSPC;
	dir = dir_open(false, why);
	if (dir < 0) {
		log_err("%s: cannot write its crash record in %s: %s", m->name, vf_manage_run_dir(),
			why);
		return dir;
	}
	r = run_dir_write(dir, name, buf, (size_t)n);
	close(dir);
	if (r < 0) {
		log_err("%s: cannot write the crash record %s/%s: %s", m->name, vf_manage_run_dir(),
			name, strerror(-r));
		return r;
	}
	m->recorded = true;
	return 0;
}

/*
 * Read bdf's record. It counts only if it is a file of ours that no one else
 * can write (run_dir_read) and it names bdf itself: anything else is
 * reported (why) and not acted on. -ENOENT when there is none.
 */
static int record_read(const char *bdf, struct vf_record *rec, char *why, size_t why_len)
{
	char name[NAME_MAX], buf[RECORD_MAX], dwhy[RUN_DIR_WHY_SZ];
	ssize_t n;
	int dir;

	why[0] = '\0';
	if (run_dir_name(name, sizeof(name), bdf, "record") < 0)
		return -ENAMETOOLONG;
	dir = dir_open(false, dwhy);
	if (dir < 0) {
		snprintf(why, why_len, "the run directory is %.100s", dwhy);
		return dir == -ENOENT ? -ENOENT : dir;
	}
	n = run_dir_read(dir, name, buf, sizeof(buf));
	close(dir);
	if (n == -EPERM || n == -ELOOP) {
		snprintf(why, why_len, "not a file of this user's that only it can write");
		return (int)n;
	}
	if (n < 0) {
		snprintf(why, why_len, "%s", strerror((int)-n));
		return (int)n;
	}
	if (vf_record_parse(buf, (size_t)n, rec) < 0) {
		snprintf(why, why_len, "not a tinyvmm crash record");
		return -EINVAL;
	}
	if (strcmp(rec->bdf, bdf) != 0) {
		snprintf(why, why_len, "it names another function (%s)", rec->bdf);
		return -EINVAL;
	}
	return 0;
}

static void record_remove(struct vf_manage *m)
{
	char name[NAME_MAX], why[RUN_DIR_WHY_SZ];
	int dir;

	if (m->recorded && run_dir_name(name, sizeof(name), m->rec.bdf, "record") == 0) {
		dir = dir_open(false, why);
		if (dir >= 0) {
			run_dir_remove(dir, name);
			close(dir);
		}
	}
	m->recorded = false;
}

/* An unsafe run directory or lock file (not merely an unwritable one). */
static bool untrusted(int r)
{
	return r == -EPERM || r == -ELOOP;
}

/* Wait until the VF's driver is want ("" unbound). */
static bool wait_driver(const char *root, const char *bdf, const char *want, char *now, size_t len)
{
	for (unsigned int t = 0;; t += POLL_STEP_MS) {
		if (pci_sysfs_driver(root, bdf, now, len) == 0 && strcmp(now, want) == 0)
			return true;
		if (t >= VF_MANAGE_WAIT_MS)
			return false;
		sleep_ms(POLL_STEP_MS);
	}
}

/* Put the driver and driver_override back as rec says. */
static int restore_driver(const char *name, const struct vf_record *rec, const char *root)
{
	char now[PCI_SYSFS_NAME_SZ] = "";
	int r = pci_sysfs_bind(root, rec->bdf, rec->driver);

	if (r < 0)
		pci_sysfs_driver(root, rec->bdf, now, sizeof(now));

	if (r == 0 && !wait_driver(root, rec->bdf, rec->driver, now, sizeof(now)))
		r = -EAGAIN;
	/* The operator's own driver_override, or none. */
	pci_sysfs_write_attr(root, rec->bdf, "driver_override",
			     rec->driver_override[0] ? rec->driver_override : "\n");
	if (r < 0) {
		if (rec->driver[0])
			log_err("%s: could not give it back to %s (%s, now on %s); try: echo %s > "
				"/sys/bus/pci/drivers/%s/bind",
				name, rec->driver, r == -EAGAIN ? "it did not bind" : strerror(-r),
				now[0] ? now : "no driver", rec->bdf, rec->driver);
		else
			log_err("%s: could not unbind it from vfio-pci: %s", name, strerror(-r));
	}
	return r;
}

/* Undo a record: PF settings first (the VF is idle on vfio-pci), then the driver. */
static int restore_record(const char *name, const struct vf_record *rec, const char *root)
{
	int r = 0, e;

	if (rec->net_saved && rec->pf_netdev[0]) {
		e = rtnl_vf_restore(rec->pf_netdev, &rec->saved);
		if (e < 0) {
			log_debug("%s: could not restore its settings on PF %s vf %d: %s", name,
				  rec->pf_netdev, rec->vf_index, strerror(-e));
			r = e;
		}
	}
	if (rec->rebound) {
		e = restore_driver(name, rec, root);
		if (e < 0 && !r)
			r = e;
	}
	return r;
}

static bool wants_net(const struct tinyvmm_vf *o)
{
	return o->set_mac || o->set_vlan || o->spoofchk != TINYVMM_KEEP || o->trust != TINYVMM_KEEP;
}

/* Save the PF's settings for the VF in the record, then apply the new ones. */
static int provision(struct vf_manage *m, const struct tinyvmm_vf *o, const char *root)
{
	struct vf_record *rec = &m->rec;
	struct rtnl_vf_set set = {0};
	unsigned int idx;
	int r;

	if (pci_sysfs_physfn(root, rec->bdf, rec->pf, &idx) < 0)
		return err_user(-EINVAL,
				"%s: not an SR-IOV VF (no physfn), so mac=/vlan=/spoofchk=/trust= "
				"cannot be set through a PF; drop them or pass a VF",
				m->name);
	rec->vf_index = (int)idx;
	r = pci_sysfs_netdev(root, rec->pf, rec->pf_netdev, sizeof(rec->pf_netdev));
	if (r < 0) {
		log_err("%s: its PF %s has no network interface, so mac=/vlan= cannot be set; load "
			"the PF's driver (e.g. modprobe igb)",
			m->name, rec->pf);
		return -ENODEV;
	}
	r = rtnl_vf_get(rec->pf_netdev, idx, &rec->saved);
	if (r < 0) {
		log_debug("%s: cannot read vf %u of PF %s: %s", m->name, idx, rec->pf_netdev,
			  strerror(-r)); /* rtnl said why */
		return r;
	}
	rec->net_saved = true;
	r = record_write(m);
	if (r < 0)
		return r;
	set.has_mac = o->set_mac;
	memcpy(set.mac, o->mac, sizeof(set.mac));
	set.has_vlan = o->set_vlan;
	set.vlan = o->set_vlan ? o->vlan : 0;
	set.qos = o->set_vlan ? o->qos : 0;
	set.has_spoofchk = o->spoofchk != TINYVMM_KEEP;
	set.spoofchk = o->spoofchk == TINYVMM_ON;
	set.has_trust = o->trust != TINYVMM_KEEP;
	set.trust = o->trust == TINYVMM_ON;
	r = rtnl_vf_apply(rec->pf_netdev, idx, &set);
	if (r < 0) {
		log_debug("%s: PF %s refused the settings for vf %u: %s", m->name, rec->pf_netdev,
			  idx, strerror(-r)); /* rtnl said why */
		rtnl_vf_restore(rec->pf_netdev, &rec->saved);
		return r;
	}
	m->provisioned = true;
	log_debug("%s: set through PF %s vf %u", m->name, rec->pf_netdev, idx);
	return 0;
}

/* Bind the VF to vfio-pci and wait for /dev/vfio/<group>. */
static int bind_vfio(struct vf_manage *m, const char *root)
{
	char path[PATH_MAX], now[PCI_SYSFS_NAME_SZ];
	struct stat st;
	int r, group;

	snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s", root, VFIO_DRIVER);
	if (stat(path, &st) < 0) {
		log_err("%s: the vfio-pci driver is not loaded; run: modprobe vfio-pci", m->name);
		return -ENOENT;
	}
	group = pci_sysfs_iommu_group(root, m->rec.bdf);
	if (group < 0)
		return 0; /* no IOMMU: vfio_device_check() says so with the fix */
	m->rec.rebound = true;
	r = record_write(m);
	if (r < 0)
		return r;
	log_info("%s: moving it from %s to vfio-pci", m->name,
		 m->rec.driver[0] ? m->rec.driver : "no driver");
	r = pci_sysfs_bind(root, m->rec.bdf, VFIO_DRIVER);
	if (r < 0) {
		log_err("%s: cannot bind it to vfio-pci: %s", m->name, strerror(-r));
		return r;
	}
	if (!wait_driver(root, m->rec.bdf, VFIO_DRIVER, now, sizeof(now))) {
		log_err("%s: still on %s %d ms after asking for vfio-pci; check dmesg", m->name,
			now[0] ? now : "no driver", VF_MANAGE_WAIT_MS);
		return -ETIMEDOUT;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	for (unsigned int t = 0; access(path, R_OK | W_OK) < 0; t += POLL_STEP_MS) {
		if (t >= VF_MANAGE_WAIT_MS) {
			log_err("%s: %s did not appear after the bind: %s", m->name, path,
				strerror(errno));
			return -ETIMEDOUT;
		}
		sleep_ms(POLL_STEP_MS);
	}
	return 0;
}

/* vf_manage_set_sandboxed(); set before the run's threads start */
static bool sandboxed;
static vf_manage_take_fn remote_take;
static vf_manage_give_back_fn remote_give_back;
static void *remote_opaque;

void vf_manage_set_sandboxed(bool on, vf_manage_take_fn take, vf_manage_give_back_fn give_back,
			     void *opaque)
{
	remote_take = on ? take : NULL;
	remote_give_back = on ? give_back : NULL;
	remote_opaque = on ? opaque : NULL;
	__atomic_store_n(&sandboxed, on, __ATOMIC_RELEASE);
}

void vf_manage_remote_held(struct vf_manage *m, const char *bdf)
{
	memset(m, 0, sizeof(*m));
	m->lock_fd = -1;
	snprintf(m->name, sizeof(m->name), "vf %s", bdf);
	snprintf(m->rec.bdf, sizeof(m->rec.bdf), "%s", bdf);
	m->remote = true;
	m->held = true;
}

/* vf_manage_take()'s work; it marks the VF held when this succeeds. */
static int take_one(struct vf_manage *m, const struct tinyvmm_vf *o, const char *root)
{
	struct vf_record *rec = &m->rec;
	char drv[PCI_SYSFS_NAME_SZ], why[RUN_DIR_WHY_SZ];
	bool rebind;
	long holder;
	int r;

	memset(m, 0, sizeof(*m));
	m->lock_fd = -1;
	snprintf(m->name, sizeof(m->name), "vf %s", o->bdf);
	snprintf(m->rec.bdf, sizeof(m->rec.bdf), "%s", o->bdf);
	if (__atomic_load_n(&sandboxed, __ATOMIC_ACQUIRE) && remote_take) {
		r = remote_take(remote_opaque, o);
		m->remote = r == 0;
		return r;
	}
	if (__atomic_load_n(&sandboxed, __ATOMIC_ACQUIRE))
		return err_user(
		    -EPERM,
		    "%s: taking a VF while the VM runs needs root, which the sandboxed VM "
		    "process gave up; start tinyvmm with --run-as none to hot-add VFs",
		    m->name);
	if (pci_sysfs_driver(root, o->bdf, drv, sizeof(drv)) < 0)
		return 0; /* no such device: vfio_device_check() reports it */
	rebind = !o->unmanaged && !pci_sysfs_driver_is_vfio(drv);
	r = vf_lock_take(vf_manage_run_dir(), o->bdf, true, &m->lock_fd, &holder, why);
	if (r == -EBUSY) {
		char pid[32] = "";

		if (holder > 0)
			snprintf(pid, sizeof(pid), " (pid %ld)", holder);
		return err_user(r,
				"%s: in use by another tinyvmm%s; stop that VM or pick another VF",
				m->name, pid);
	}
	if (untrusted(r))
		return err_user(r,
				"%s: the run directory %s is not safe to act on: %s; remove it, or "
				"set TINYVMM_RUN_DIR to a directory of your own that only you can "
				"write (mkdir -m 700)",
				m->name, vf_manage_run_dir(), why);
	if (r < 0) {
		if (!rebind && !wants_net(o)) {
			/* Nothing to undo; VFIO itself keeps a second user out. */
			log_debug("%s: no lock in %s (%s)", m->name, vf_manage_run_dir(), why);
			return 0;
		}
		log_err("%s: cannot lock it in %s: %s; run as root or set TINYVMM_RUN_DIR to a "
			"writable directory",
			m->name, vf_manage_run_dir(), why);
		return r;
	}
	/* A tinyvmm that died holding this VF left a record: finish its job. */
	r = record_read(o->bdf, &m->rec, why, sizeof(why));
	if (r < 0 && r != -ENOENT)
		log_err("%s: ignoring its crash record in %s: %s", m->name, vf_manage_run_dir(),
			why);
	if (r == 0) {
		log_info("%s: giving it back for tinyvmm pid %ld, which did not exit cleanly",
			 m->name, m->rec.pid);
		if (restore_record(m->name, &m->rec, root) < 0) {
			/* Keep the record: it holds the driver to go back to. */
			log_err("%s: tinyvmm pid %ld left it taken and it cannot be given back; "
				"fix the above, then run tinyvmm vf restore %s",
				m->name, m->rec.pid, o->bdf);
			vf_lock_drop(vf_manage_run_dir(), o->bdf, m->lock_fd);
			m->lock_fd = -1;
			return -EIO;
		}
		m->recorded = true;
		record_remove(m);
		pci_sysfs_driver(root, o->bdf, drv, sizeof(drv));
		rebind = !o->unmanaged && !pci_sysfs_driver_is_vfio(drv);
	}
	memset(rec, 0, sizeof(*rec));
	strcpy(rec->bdf, o->bdf);
	rec->pid = (long)getpid();
	rec->vf_index = -1;
	rec->saved.spoofchk = rec->saved.trust = rec->saved.link_state = -1;
	strcpy(rec->driver, drv);
	if (pci_sysfs_read_attr(root, o->bdf, "driver_override", rec->driver_override,
				sizeof(rec->driver_override)) < 0 ||
	    !strcmp(rec->driver_override, "(null)"))
		rec->driver_override[0] = '\0';
	r = wants_net(o) ? provision(m, o, root) : 0;
	if (r == 0 && rebind)
		r = bind_vfio(m, root);
	if (r < 0) {
		vf_manage_give_back(m, root);
		return r;
	}
	if (!m->rec.rebound && !m->provisioned)
		record_remove(m); /* nothing to undo */
	return 0;
}

int vf_manage_take(struct vf_manage *m, const struct tinyvmm_vf *o, const char *root)
{
	int r = take_one(m, o, root);

	m->held = r == 0;
	return r;
}

void vf_manage_give_back(struct vf_manage *m, const char *root)
{
	int r = 0;

	m->held = false;
	if (m->remote) {
		if (remote_give_back)
			remote_give_back(remote_opaque, m->rec.bdf);
		m->remote = false;
		return;
	}
	if (m->recorded) {
		r = restore_record(m->name, &m->rec, root);
		if (r == 0) {
			record_remove(m);
			if (m->rec.rebound)
				log_info("%s: back on %s", m->name,
					 m->rec.driver[0] ? m->rec.driver : "no driver");
		} else {
			log_err("%s: the record stays in %s; retry with: tinyvmm vf restore %s",
				m->name, vf_manage_run_dir(), m->rec.bdf);
		}
		m->recorded = false;
	}
	m->provisioned = false;
	if (m->lock_fd >= 0)
		vf_lock_drop(vf_manage_run_dir(), m->name + 3, m->lock_fd); /* "vf " BDF */
	m->lock_fd = -1;
}

static int is_record(const struct dirent *e)
{
	return run_dir_is(e->d_name, "record");
}

int vf_manage_restore(const char *root, const char *bdf, struct tinyvmm_restored *out,
		      unsigned int cap, unsigned int *nr)
{
	struct dirent **ents = NULL;
	char dwhy[RUN_DIR_WHY_SZ];
	int n, r = 0, dir;

	*nr = 0;
	dir = dir_open(false, dwhy);
	if (dir == -ENOENT)
		return 0; /* no run directory: nothing was ever taken */
	if (untrusted(dir))
		return err_user(dir,
				"tinyvmm vf restore: the run directory %s is not safe to act on: "
				"%s; check who wrote its records, then remove it",
				vf_manage_run_dir(), dwhy);
	if (dir < 0)
		return err_host(dir, "tinyvmm vf restore: cannot open the run directory %s: %s",
				vf_manage_run_dir(), dwhy);
	close(dir);
	n = scandir(vf_manage_run_dir(), &ents, is_record, alphasort);
	if (n < 0)
		n = 0;
	for (int i = 0; i < n; i++) {
		struct vf_manage m = {.lock_fd = -1};
		struct tinyvmm_restored res = {.holder_pid = 0};
		char name[PCI_SYSFS_BDF_SZ], why[RUN_DIR_WHY_SZ];
		int e;

		snprintf(name, sizeof(name), "%.*s", (int)(strlen(ents[i]->d_name) - 7),
			 ents[i]->d_name);
		free(ents[i]);
		if (bdf && strcmp(name, bdf) != 0)
			continue;
		snprintf(res.bdf, sizeof(res.bdf), "%s", name);
		snprintf(m.name, sizeof(m.name), "vf %s", name);
		e = vf_lock_take(vf_manage_run_dir(), name, true, &m.lock_fd, &res.holder_pid, why);
		if (e == -EBUSY) {
			r = r ? r : err_mark_user(-EBUSY);
		} else {
			if (e == 0)
				e = record_read(name, &m.rec, why, sizeof(why));
			if (e < 0) {
				log_err("vf %s: cannot use its record in %s: %s", name,
					vf_manage_run_dir(), why);
			} else {
				m.recorded = true;
				e = restore_record(m.name, &m.rec, root);
			}
			if (e == 0) {
				record_remove(&m);
				pci_sysfs_driver(root, name, res.driver, sizeof(res.driver));
				pci_sysfs_netdev(root, name, res.netdev, sizeof(res.netdev));
				res.pf_settings = m.rec.net_saved;
			} else {
				r = e;
			}
			m.recorded = false;
			vf_manage_give_back(&m, root);
		}
		res.status = e;
		if (*nr < cap)
			out[*nr] = res;
		(*nr)++;
	}
	free(ents);
	vf_lock_sweep(vf_manage_run_dir(), bdf);
	return r;
}

int vf_manage_take_all(const struct tinyvmm_vf *vfs, unsigned int n, struct vf_manage *m,
		       unsigned int *nr)
{
	*nr = 0;
	for (unsigned int i = 0; i < n; i++) {
		int r = vf_manage_take(&m[i], &vfs[i], PCI_SYSFS_SYSFS);

		if (r < 0) {
			vf_manage_give_back_all(m, *nr);
			*nr = 0;
			return r;
		}
		*nr = i + 1;
	}
	return 0;
}

void vf_manage_give_back_all(struct vf_manage *m, unsigned int nr)
{
	for (unsigned int i = nr; i-- > 0;)
		vf_manage_give_back(&m[i], PCI_SYSFS_SYSFS);
}

long vf_manage_holder(const char *bdf)
{
	char why[RUN_DIR_WHY_SZ];
	long holder = 0;
	int fd = -1, r = vf_lock_take(vf_manage_run_dir(), bdf, false, &fd, &holder, why);

	if (r == 0)
		vf_lock_drop(vf_manage_run_dir(), bdf, fd);
	return r == -EBUSY ? (holder > 0 ? holder : 1) : 0;
}

bool vf_manage_group_open(const char *bdf)
{
	char path[64];
	int g = pci_sysfs_iommu_group(PCI_SYSFS_SYSFS, bdf), fd;

	if (g < 0)
		return false;
	snprintf(path, sizeof(path), "/dev/vfio/%d", g);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EBUSY;
}
