/* SPDX-License-Identifier: MIT */
/*
 * jail.h - the command's sandbox. Started as root, tinyvmm splits in two:
 *
 *   the privileged parent  takes the VFs (lock, crash record, PF settings,
 *                          vfio-pci), opens the few device files the VM
 *                          process asks for, forwards the stop signals,
 *                          and gives the VFs back when the VM process ends,
 *                          however it ends (a crash or SIGKILL included);
 *   the VM process         runs the VM with the library. Before any of its
 *                          threads starts and before the guest's first
 *                          instruction it gives up root: the --run-as user
 *                          and group, no supplementary groups, no
 *                          capabilities, no_new_privs, RLIMIT_MEMLOCK of the
 *                          guest RAM (the VFIO map) and a bounded RLIMIT_NOFILE;
 *                          its own mount namespace, chrooted into an empty
 *                          root with only /sys, read-only (jail_root.h);
 *                          the seccomp allow-lists then go on per thread.
 *
 * The parent opens on request only /dev/kvm, /dev/vfio/vfio, the
 * /dev/vfio/<group> of each taken VF, the --console file and the
 * --dump-dtb file, each with
 * fixed flags; anything else is refused and logged once. Requests come on
 * a SOCK_SEQPACKET pair, the descriptors go back with SCM_RIGHTS.
 */
#ifndef TINYVMM_JAIL_H
#define TINYVMM_JAIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "include/tinyvmm.h"

struct jail {
	bool on;   /* split (root and not --run-as none) */
	uid_t uid; /* the VM process's user and group */
	gid_t gid;
	char name[64]; /* "nobody", "1000:1000", for messages */
};

/*
 * Decide from --run-as (NULL: the default) and the effective uid. As root
 * the default is the user "nobody"; "none" keeps one root process; a user
 * name, or UID:GID, other than root. Not root: no split (the process is
 * unprivileged already). 0, or a user error after one line.
 */
int jail_parse(const char *run_as, struct jail *j);

/*
 * Run t (created, not started) split in two as above, with stop signals
 * read from sfd (blocked in every thread). The VM process runs t and
 * returns its status, for main() to return. The parent returns the
 * exit status: the VM process's, 128+N when it was killed by signal N
 * (logged), or 64/65 for a failure before it ran.
 */
int jail_run(struct tinyvmm *t, const struct tinyvmm_config *cfg, const struct jail *j, int sfd);

#endif
