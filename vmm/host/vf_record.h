/* SPDX-License-Identifier: MIT */
/*
 * vf_record.h - what tinyvmm changed on a host VF, written to
 * /run/tinyvmm/<bdf>.record before the change, so `tinyvmm vf restore`
 * can undo it after a SIGKILL or a crash.
 *
 * The file is plain "key=value" lines (one per field, '#' comments), so an
 * operator can read it:
 *
 *   # tinyvmm: VF taken by pid 1234; `tinyvmm vf restore` gives it back
 *   bdf=0000:01:10.0
 *   pid=1234
 *   driver=igbvf
 *   driver_override=
 *   rebound=1
 *   pf=0000:01:00.0
 *   pf_netdev=eth0
 *   vf_index=0
 *   net_saved=1
 *   mac=52:54:00:12:34:56
 *   vlan=0
 *   qos=0
 *   vlan_proto=33024
 *   spoofchk=1
 *   trust=0
 *   link_state=-1
 *
 * vf_record_format()/vf_record_parse() are pure and round-trip.
 */
#ifndef TINYVMM_VF_RECORD_H
#define TINYVMM_VF_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/host/pci_sysfs.h"
#include "vmm/host/rtnl.h"

struct vf_record {
	char bdf[PCI_SYSFS_BDF_SZ];
	long pid;				 /* the tinyvmm that took the VF */
	char driver[PCI_SYSFS_NAME_SZ];		 /* its driver before, "" for none */
	char driver_override[PCI_SYSFS_NAME_SZ]; /* driver_override before, "" for none */
	bool rebound;				 /* tinyvmm moved it to vfio-pci */
	char pf[PCI_SYSFS_BDF_SZ];		 /* "" when not a VF */
	char pf_netdev[PCI_SYSFS_NAME_SZ];
	int vf_index;	/* -1 when not a VF */
	bool net_saved; /* saved holds the PF's settings from before tinyvmm's */
	struct rtnl_vf saved;
};

/* Format r into buf (cap bytes, NUL-terminated). Length, or -ENOSPC. */
int vf_record_format(const struct vf_record *r, char *buf, size_t cap);

/*
 * Parse a record (len bytes, not necessarily NUL-terminated). Unknown keys
 * are skipped (a newer tinyvmm may add some). -EINVAL on a malformed line,
 * a bad value, or a missing bdf/pid.
 */
int vf_record_parse(const char *text, size_t len, struct vf_record *r);

#endif
