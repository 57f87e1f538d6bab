/* SPDX-License-Identifier: MIT */
/*
 * jail_root.h - the VM process's view of the file system (jail.h).
 *
 * In two steps, both while the VM process is still root:
 *   jail_root_unshare()  in its only thread, before the run starts: a mount
 *                        namespace of its own (private: nothing it mounts
 *                        reaches the host), which every thread it starts
 *                        then shares;
 *   jail_root_enter()    at lockdown, once the run has opened what it opens
 *                        by path: an empty read-only tmpfs holding only
 *                        read-only binds of /sys and /proc, mounted at /tmp
 *                        in that namespace, becomes the root of every
 *                        thread (they share one fs_struct, so one chroot
 *                        does it):
 *     /sys   the sysfs checks of each boot's VFs and of a hot-added one
 *            (driver, IOMMU group, reserved regions);
 *     /proc  the console's reopen of a pipe or terminal through
 *            /proc/self/fd/N, and the sanitizers' /proc/self/maps.
 * Everything else it opens later (/dev/kvm, the VFIO container and groups,
 * the --console file, --dump-dtb) comes from the privileged parent; the
 * files it writes itself (--events, --console-log) and the API socket are
 * open before. Without root and CAP_SYS_CHROOT it cannot leave the chroot.
 */
#ifndef TINYVMM_JAIL_ROOT_H
#define TINYVMM_JAIL_ROOT_H

/*
 * Each: 0, or -errno after a warning naming the step that failed (a host
 * without mount namespaces, or no /tmp): the VM process then goes on with
 * the host's view of the file system, still unprivileged, with seccomp.
 */
int jail_root_unshare(void);
int jail_root_enter(void);

#endif
