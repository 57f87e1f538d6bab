/* SPDX-License-Identifier: MIT */
/*
 * config.h - struct tinyvmm_config (include/tinyvmm.h), the one typed
 * description of a machine: the library's own copy of it, its defaults and
 * its checks. The command line, --config FILE and the library's callers all
 * fill that struct; config_check() is the one place its values are judged,
 * each problem one line naming the --option and the fix, marked as the
 * user's (err.h).
 */
#ifndef TINYVMM_CONFIG_H
#define TINYVMM_CONFIG_H

#include "include/tinyvmm.h"
#include "vmm/base/util.h"

#define CONFIG_MIN_SLOT 1  /* slot 0 is the PCI host bridge */
#define CONFIG_MAX_SLOT 31 /* device numbers on bus 0 */
#define CONFIG_VLAN_MAX 4094
#define CONFIG_QOS_MAX	7

/*
 * Copy src into dst: every string duplicated (config_free() frees them),
 * the defaults filled in for zero fields (cmdline, mem_mib, cpus).
 * -ENOMEM (logged).
 */
int config_copy(struct tinyvmm_config *dst, const struct tinyvmm_config *src);
void config_free(struct tinyvmm_config *c);

/*
 * Check every value of c (after config_copy()), stopping at the first
 * problem: 0, or a user error after its one line. The VFs' BDFs are put in
 * canonical form ("01:10.0" -> "0000:01:10.0").
 */
int config_check(struct tinyvmm_config *c);

/* A seccomp mode the API defines: 0, or -EINVAL after one line. */
int config_check_seccomp(enum tinyvmm_seccomp mode);

/*
 * The checks of one VF (its BDF made canonical). arg is what the user wrote
 * (the --vf argument) for messages; NULL: the BDF.
 */
int config_check_vf(struct tinyvmm_vf *vf, const char *arg);

/*
 * Append vf (checked) to c: a user error when c has TINYVMM_MAX_VFS already
 * or passes the same function. arg as for config_check_vf().
 */
int config_add_vf(struct tinyvmm_config *c, const struct tinyvmm_vf *vf, const char *arg);

/* Guest RAM in bytes. */
static inline u64 config_mem_bytes(const struct tinyvmm_config *c)
{
	return (u64)c->mem_mib * MiB;
}

#endif
