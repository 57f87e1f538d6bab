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
 *                        by path: an empty read-only tmpfs holding only a
 *                        read-only bind of /sys (the sysfs checks of each
 *                        boot's VFs and of a hot-added one: driver, IOMMU
 *                        group, reserved regions), mounted at /tmp in that
 *                        namespace, becomes the root of every thread (they
 *                        share one fs_struct). pivot_root, then the host's
 *                        root detached: the namespace keeps no host mount
 *                        but /sys. Where the host's root cannot be pivoted
 *                        (an initramfs), a chroot alone, the host's mounts
 *                        kept in the namespace out of reach. Any directory
 *                        fd is closed first.
 * No /proc: through /proc/PID/root of any process of the same user (nobody
 * is shared) the chroot could be left. What the run reads there is opened
 * before (/proc/self/smaps, smaps_keep_open()); the console's stdin and
 * stdout are the VM process's own descriptions (jail.c), so the console
 * needs no /proc/self/fd reopen. Everything else it opens later (/dev/kvm,
 * the VFIO container and groups, the --console file, --dump-dtb) comes from
 * the privileged parent; the files it writes itself (--events,
 * --console-log) and the API socket are open before. Without root and
 * CAP_SYS_CHROOT it cannot leave the chroot.
 */
#ifndef TINYVMM_JAIL_ROOT_H
#define TINYVMM_JAIL_ROOT_H

/*
 * Each: 0, or -errno after one line naming the step that failed (a host
 * without mount namespaces, or no /tmp): the VM process must not run then
 * (it fails closed; --run-as none is the way to run without the sandbox).
 */
int jail_root_unshare(void);
int jail_root_enter(void);

#endif
