/* SPDX-License-Identifier: MIT */
/*
 * rtnl.h - SR-IOV VF settings of a PF netdev through rtnetlink.
 *
 * What `ip link show PF` and `ip link set PF vf N mac M vlan V spoofchk on
 * trust off` do, without running ip:
 *
 *   rtnl_vf_query()   RTM_GETLINK on the PF with IFLA_EXT_MASK asking for the
 *                     VF list; parses IFLA_VFINFO_LIST into struct rtnl_vf.
 *   rtnl_vf_apply()   RTM_SETLINK on the PF with one IFLA_VF_INFO carrying
 *                     IFLA_VF_MAC / IFLA_VF_VLAN / IFLA_VF_SPOOFCHK /
 *                     IFLA_VF_TRUST; waits for the kernel's ACK.
 *   rtnl_vf_restore() puts back what an earlier query saw, field by field.
 *
 * The socket functions open a fresh NETLINK_ROUTE socket per call (receive
 * timeout RTNL_TIMEOUT_SEC, so nothing hangs), log one line prefixed
 * "rtnl PF <name>: " on failure and return -errno. Setting needs
 * CAP_NET_ADMIN (-EPERM otherwise); querying does not.
 *
 * Everything else is pure: message builders and parsers that work on plain
 * buffers, bounds-check every length they read, never log and never touch a
 * socket, so they are unit-tested against hand-made messages.
 *
 * Files: rtnl.c holds the pure functions and links alone; rtnl_sock.c the
 * socket functions (it needs rtnl.c and log.c).
 */
#ifndef TINYVMM_RTNL_H
#define TINYVMM_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include "vmm/base/util.h"

#define RTNL_MAX_VFS	 256
#define RTNL_TIMEOUT_SEC 3	   /* receive timeout of one request */
#define RTNL_REPLY_MAX	 (1 << 20) /* largest reply accepted (bytes) */
#define RTNL_VLAN_MAX	 4095
#define RTNL_QOS_MAX	 7
#define RTNL_MAC_STR_LEN 18 /* "xx:xx:xx:xx:xx:xx" + NUL */

/*
 * Unsigned forms of the uapi's NLA_HDRLEN, NLA_TYPE_MASK and NLA_ALIGN():
 * those are int expressions built with ~ (~3, ~0xc000), negative ints that
 * change sign when they meet a size_t or a u16. Same values, checked
 * against <linux/netlink.h> in rtnl.c.
 */
#define RTNL_NLA_ALIGNTO   4u	   /* NLA_ALIGNTO */
#define RTNL_NLA_HDRLEN	   4u	   /* NLA_HDRLEN: struct nlattr, aligned */
#define RTNL_NLA_TYPE_MASK 0x3fffu /* NLA_TYPE_MASK: without NLA_F_NESTED, NLA_F_NET_BYTEORDER */

/* NLA_ALIGN(): len rounded up to a multiple of RTNL_NLA_ALIGNTO. */
static inline size_t rtnl_nla_align(size_t len)
{
	return (len + RTNL_NLA_ALIGNTO - 1) & ~(size_t)(RTNL_NLA_ALIGNTO - 1);
}

/* One VF as the PF reports it. */
struct rtnl_vf {
	unsigned int index; /* VF number on the PF (IFLA_VF_MAC's vf field) */
	u8 mac[6];	    /* all zero: no administrative MAC */
	unsigned int vlan;  /* 0 = none */
	unsigned int qos;
	unsigned int vlan_proto; /* 0x8100 / 0x88a8 (host order); 0 not reported */
	int spoofchk;		 /* 1 on, 0 off, -1 not reported by the driver */
	int trust;		 /* same */
	int link_state;		 /* IFLA_VF_LINK_STATE_AUTO/ENABLE/DISABLE, -1 not reported */
};

/*
 * What to change on one VF: a field is applied only when its has_ flag is
 * set. vlan 0 with qos 0 removes the VF's VLAN (802.1Q only). An all-zero
 * mac asks the driver to drop the administrative MAC; not every driver
 * accepts it (-EINVAL).
 */
struct rtnl_vf_set {
	bool has_mac, has_vlan, has_spoofchk, has_trust;
	u8 mac[6];
	unsigned int vlan, qos; /* vlan <= RTNL_VLAN_MAX, qos <= RTNL_QOS_MAX */
	bool spoofchk, trust;
};

/* ---- socket side, rtnl_sock.c (logs on failure) ---- */

/*
 * Query the PF by interface name: fills up to max entries of vfs, in the
 * order the kernel lists them, and sets *nr. A netdev without VFs (or
 * without SR-IOV at all, like lo) gives 0 with *nr == 0.
 * Returns 0 or -errno: -ENODEV no such netdev, -E2BIG more than max VFs
 * (the first max are filled and *nr == max), -ETIMEDOUT no reply,
 * -EINVAL a malformed reply, or the kernel's error.
 */
int rtnl_vf_query(const char *pf_ifname, struct rtnl_vf *vfs, unsigned int max, unsigned int *nr);

/*
 * Query the PF and return in *out the VF whose index is vf.
 * Returns 0, -ENOENT if the PF does not list that VF, or rtnl_vf_query()'s
 * errors.
 */
int rtnl_vf_get(const char *pf_ifname, unsigned int vf, struct rtnl_vf *out);

/*
 * Change VF vf of the PF as set says, in one RTM_SETLINK (what one
 * `ip link set PF vf N ...` does), and wait for the kernel's ACK.
 * Returns 0 or -errno: -ENODEV no such netdev, -EINVAL a bad set (nothing
 * to change, vlan/qos out of range, multicast MAC), -EPERM without
 * CAP_NET_ADMIN, -EOPNOTSUPP when the PF driver lacks the operation, or
 * whatever the driver returns. The kernel applies MAC, VLAN, spoofchk,
 * trust in that order and stops at the first failure, so after an error
 * the fields before the failing one may already have changed: restore
 * from a saved query with rtnl_vf_restore().
 */
int rtnl_vf_apply(const char *pf_ifname, unsigned int vf, const struct rtnl_vf_set *set);

/*
 * Put back the settings saved (a struct from rtnl_vf_query()) on VF
 * saved->index: one RTM_SETLINK per field so a field the driver refuses does
 * not keep the others from being restored. Fields the driver did not report
 * (-1) are left alone; a VLAN reported as 802.1ad is not restored
 * (-EOPNOTSUPP, logged). Returns 0 or the first error.
 */
int rtnl_vf_restore(const char *pf_ifname, const struct rtnl_vf *saved);

/* ---- pure, rtnl.c: builders ---- */

/*
 * RTM_GETLINK request (NLM_F_REQUEST) for ifindex with IFLA_EXT_MASK =
 * RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS (the VF list without per-VF
 * counters, which keeps a long list inside one attribute), nlmsg_pid 0.
 * Returns the message length, -ENOSPC if it does not fit in cap bytes, or
 * -EINVAL for ifindex <= 0.
 */
int rtnl_build_getlink(void *buf, size_t cap, int ifindex, u32 seq);

/*
 * RTM_SETLINK request (NLM_F_REQUEST | NLM_F_ACK) for ifindex with
 * IFLA_VFINFO_LIST { IFLA_VF_INFO { [IFLA_VF_MAC] [IFLA_VF_VLAN]
 * [IFLA_VF_SPOOFCHK] [IFLA_VF_TRUST] } }, each carrying vf.
 * Returns the message length, -ENOSPC if it does not fit in cap bytes, or
 * -EINVAL for ifindex <= 0, vf >= INT_MAX, an empty set, vlan or qos out of
 * range, or a multicast MAC.
 */
int rtnl_build_setvf(void *buf, size_t cap, int ifindex, u32 seq, unsigned int vf,
		     const struct rtnl_vf_set *set);

/* ---- pure: parsers ---- */

/*
 * Parse the first netlink message in msg (len bytes available), the reply
 * to rtnl_build_getlink(): an RTM_NEWLINK whose IFLA_VFINFO_LIST is decoded
 * into vfs (up to max) and *nr. An NLMSG_ERROR reply returns its -errno.
 * Unknown attributes, list entries that are not IFLA_VF_INFO and entries
 * without IFLA_VF_MAC are skipped. Returns 0, -E2BIG (more VFs than max:
 * the first max are filled, *nr == max), or -EINVAL when any length is
 * inconsistent (nlmsg_len beyond len, an nla_len below its header or beyond
 * its parent, IFLA_VF_MAC/VLAN/SPOOFCHK/TRUST/LINK_STATE shorter than their
 * struct, vf fields that disagree inside one entry) or the message is not
 * RTM_NEWLINK (*nr == 0 then). Nothing outside msg[0..len) is read.
 */
int rtnl_parse_link(const void *msg, size_t len, struct rtnl_vf *vfs, unsigned int max,
		    unsigned int *nr);

/* The ifi_index of an RTM_NEWLINK message, or -EINVAL if msg is not one. */
int rtnl_parse_link_index(const void *msg, size_t len);

/*
 * Parse the first netlink message in msg as the kernel's ACK: returns 0 or
 * the NLMSG_ERROR's -errno, -EBADMSG if it is not a well-formed
 * NLMSG_ERROR (so a broken reply is not mistaken for a kernel -EINVAL).
 */
int rtnl_parse_ack(const void *msg, size_t len);

/*
 * rtnl_parse_ack() that also copies the extended ACK's message
 * (NLMSGERR_ATTR_MSG, present when NETLINK_EXT_ACK is on and the kernel
 * gave a reason) into why (cap bytes, NUL-terminated, cut to fit); why is
 * "" when there is none. why may be NULL.
 */
int rtnl_parse_ack_ext(const void *msg, size_t len, char *why, size_t cap);

/* ---- pure: helpers ---- */

/*
 * Settings that restore vf as queried: the MAC always, VLAN/QoS unless the
 * VLAN was reported as 802.1ad (IFLA_VF_VLAN can only set 802.1Q), spoofchk
 * and trust when the driver reported them.
 */
void rtnl_vf_to_set(const struct rtnl_vf *vf, struct rtnl_vf_set *set);

/* "auto", "enable", "disable", or "?" for anything else (-1 included). */
const char *rtnl_link_state_name(int link_state);

/*
 * Parse "xx:xx:xx:xx:xx:xx" (exactly six pairs of hex digits, either case,
 * ':' between them, nothing after). Returns 0 or -EINVAL; mac is written
 * only on success.
 */
int rtnl_mac_parse(const char *s, u8 mac[6]);

/* Format mac as "xx:xx:xx:xx:xx:xx" (lower case) into out. */
void rtnl_mac_format(const u8 mac[6], char out[RTNL_MAC_STR_LEN]);

/* The group bit (bit 0 of the first octet): multicast or broadcast. */
bool rtnl_mac_is_multicast(const u8 mac[6]);

/* All six octets zero. */
bool rtnl_mac_is_zero(const u8 mac[6]);

#endif
