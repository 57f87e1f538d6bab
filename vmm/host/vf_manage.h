/* SPDX-License-Identifier: MIT */
/*
 * vf_manage.h - managed VFs: what libvirt's managed='yes' does, plus the
 * PF-side provisioning, and never a VF left stranded.
 *
 * vf_manage_take(), for one --vf, before anything else touches it:
 *   1. takes an exclusive lock, <run dir>/<bdf>.lock (flock, holds our pid),
 *      so a second tinyvmm gets "in use by tinyvmm pid N" (usage error);
 *      the file is removed when the lock is let go (vf_manage_restore()
 *      removes those a killed tinyvmm left), so a run directory with no
 *      VF taken is empty;
 *      a record left by a tinyvmm that died is restored first;
 *   2. writes <run dir>/<bdf>.record (vf_record.h) before each change;
 *   3. with mac=/vlan=/qos=/spoofchk=/trust=: saves the PF's settings for
 *      the VF (rtnetlink) and applies the new ones;
 *   4. managed (the default): remembers the driver, binds the VF to
 *      vfio-pci (driver_override, unbind, drivers_probe) and waits until
 *      /dev/vfio/<group> is usable.
 * vf_manage_give_back() undoes it in reverse order: PF settings, then the
 * original driver and driver_override; then the record goes. It is called
 * on every exit path (poweroff, error, a stop signal). After a
 * SIGKILL the record stays and vf_manage_restore() (tinyvmm vf restore)
 * finishes the job.
 *
 * The run directory is /run/tinyvmm, or $TINYVMM_RUN_DIR. It is acted on
 * only when it is ours and private, and a record only when it is our own
 * file that names the VF it is filed under (run_dir.h); an unsafe directory
 * is the user's error, a forged record is reported and ignored.
 */
#ifndef TINYVMM_VF_MANAGE_H
#define TINYVMM_VF_MANAGE_H

#include <stdbool.h>

#include "include/tinyvmm.h"
#include "vmm/host/vf_record.h"

#define VF_MANAGE_RUN_DIR "/run/tinyvmm"
#define VF_MANAGE_WAIT_MS 5000 /* driver bind and /dev/vfio/N appearing */

struct vf_manage {
	struct vf_record rec;
	char name[24]; /* "vf 0000:01:10.0" for messages */
	int lock_fd;   /* -1: not locked */
	bool recorded; /* the record file exists */
	bool provisioned;
	bool remote; /* taken by the privileged side (vf_manage_set_remote()) */
	bool held;   /* taken and not given back yet */
};

/*
 * A sandboxed VM process (it gave up root; a privileged parent took its VFs):
 * vf_manage_take() refuses from then on, as a user error naming the fix,
 * unless the parent takes VFs on request: with take set, vf_manage_take()
 * asks it (0 or -errno; it logs why) and vf_manage_give_back() hands the VF
 * back to it. Process-wide; NULL take: refuse.
 */
typedef int (*vf_manage_take_fn)(void *opaque, const struct tinyvmm_vf *o);
typedef void (*vf_manage_give_back_fn)(void *opaque, const char *bdf);
void vf_manage_set_sandboxed(bool on, vf_manage_take_fn take, vf_manage_give_back_fn give_back,
			     void *opaque);

/* The run directory: $TINYVMM_RUN_DIR or VF_MANAGE_RUN_DIR. */
const char *vf_manage_run_dir(void);

/*
 * Take the VF o->bdf (see above) against sysfs at root. 0 or -errno after
 * one line naming the VF and the fix, marked as the user's (err.h) when
 * their input is at fault (the VF is in use, mac= given for a function that
 * is not a VF); vfio-pci missing is a host error. On failure whatever was
 * changed is already given back.
 * A VF that does not exist is left to vfio_device_check() to report (0).
 */
int vf_manage_take(struct vf_manage *m, const struct tinyvmm_vf *o, const char *root);

/* Give the VF back (see above) and release the lock. Safe twice and on a failed take. */
void vf_manage_give_back(struct vf_manage *m, const char *root);

/*
 * m stands for bdf, which the privileged side of a sandboxed run took
 * before the VM process started (vf_manage_set_sandboxed()): giving m back
 * asks that side to give bdf back.
 */
void vf_manage_remote_held(struct vf_manage *m, const char *bdf);

/*
 * tinyvmm_vf_restore(): give back every VF (or only bdf) whose record is in
 * the run directory and whose lock is free (its tinyvmm is gone); a locked
 * one is left alone (status -EBUSY, its holder's pid). One result per
 * record in out (cap of them; *nr counts all). Lock files whose lock is
 * free (a killed tinyvmm that had nothing to undo) are removed, silently.
 * Returns 0 when everything found was restored, a user error -EBUSY when
 * some VF is still in use, another -errno on a failure (logged).
 */
int vf_manage_restore(const char *root, const char *bdf, struct tinyvmm_restored *out,
		      unsigned int cap, unsigned int *nr);

/* The pid of the tinyvmm holding bdf's lock (1 if unknown), 0 when free. */
long vf_manage_holder(const char *bdf);
/* /dev/vfio/<group of bdf> is open in some process (EBUSY on open). */
bool vf_manage_group_open(const char *bdf);

/* Take vfs[0..n) in order (m has n entries); on failure the ones taken are given back. */
int vf_manage_take_all(const struct tinyvmm_vf *vfs, unsigned int n, struct vf_manage *m,
		       unsigned int *nr);
/* Give back m[0..nr) in reverse order. */
void vf_manage_give_back_all(struct vf_manage *m, unsigned int nr);

#endif
