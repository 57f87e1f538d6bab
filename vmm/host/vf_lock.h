/* SPDX-License-Identifier: MIT */
/*
 * vf_lock.h - a VF's lock: <run dir>/<bdf>.lock, flock()ed by the process
 * that holds the VF, with that process's pid inside.
 *
 * The holder removes the file as it lets go (while it still holds the
 * flock, and only if the name is still its own file), so a run directory
 * with no VF taken is empty. dir_path is the run directory (run_dir.h
 * checks it and opens its files).
 */
#ifndef TINYVMM_VF_LOCK_H
#define TINYVMM_VF_LOCK_H

#include <stdbool.h>

/*
 * flock bdf's lock file (the run directory made if need be): 0 with the
 * fd in *fd_out; -EBUSY (with *holder, the pid in the file, 0 if none)
 * when another process has it; another -errno with why (RUN_DIR_WHY_SZ)
 * filled. A lock won on a file that is no longer the one named (removed,
 * or removed and made again, while we opened it) is let go and taken
 * again; a file that changes under every try counts as in use. patient:
 * a lock held is tried again for up to 70 ms, so a take is not refused
 * for a probe (vf list, vf create: they take the lock and let go at once);
 * a probe itself is not patient.
 */
int vf_lock_take(const char *dir_path, const char *bdf, bool patient, int *fd_out, long *holder,
		 char *why);

/*
 * Let go of a lock vf_lock_take() gave: the file is removed while it is
 * still held, then the flock goes with fd. Only if it is still our file:
 * one removed by hand and made again by another tinyvmm is that one's lock.
 */
void vf_lock_drop(const char *dir_path, const char *bdf, int fd);

/*
 * Lock files no one holds (left by a tinyvmm that was killed and had
 * nothing to undo, so left no record), all or only bdf's: taken and let
 * go, which removes them. Those of running tinyvmms stay.
 */
void vf_lock_sweep(const char *dir_path, const char *bdf);

#endif
