/* SPDX-License-Identifier: MIT */
/*
 * rtnl_fixture.h - hand-made rtnetlink messages for the rtnl tests: a tiny
 * attribute writer, a three-VF RTM_NEWLINK reply, and exact-size heap
 * copies so ASan reports any read past a message. Include after cmocka.h.
 */
#ifndef TINYVMM_RTNL_FIXTURE_H
#define TINYVMM_RTNL_FIXTURE_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "vmm/host/rtnl.h"

/* ---- a tiny message writer for hand-made replies ---- */

struct mb {
	u8 buf[4096];
	size_t len;
};

static inline size_t mb_put(struct mb *m, const void *d, size_t n)
{
	size_t off = m->len;

	assert_true(off + rtnl_nla_align(n) <= sizeof(m->buf));
	memset(m->buf + off, 0, rtnl_nla_align(n));
	if (n)
		memcpy(m->buf + off, d, n);
	m->len += rtnl_nla_align(n);
	return off;
}

static inline void mb_setlen16(struct mb *m, size_t off, size_t v)
{
	u16 l = (u16)v;

	memcpy(m->buf + off, &l, sizeof(l));
}

static inline size_t mb_attr(struct mb *m, u16 type, const void *d, size_t n)
{
	struct nlattr a = {.nla_len = (u16)(RTNL_NLA_HDRLEN + n), .nla_type = type};
	size_t off = mb_put(m, &a, sizeof(a));

	mb_put(m, d, n);
	return off;
}

static inline size_t mb_nest(struct mb *m, u16 type)
{
	struct nlattr a = {.nla_len = RTNL_NLA_HDRLEN, .nla_type = type};

	return mb_put(m, &a, sizeof(a));
}

static inline void mb_end(struct mb *m, size_t off)
{
	mb_setlen16(m, off, m->len - off);
}

static inline void mb_u32(struct mb *m, u16 type, u32 v)
{
	mb_attr(m, type, &v, sizeof(v));
}

static inline void mb_hdr(struct mb *m, u16 type, int ifindex)
{
	struct nlmsghdr h = {.nlmsg_type = type, .nlmsg_seq = 9, .nlmsg_pid = 1234};
	struct ifinfomsg ifi = {.ifi_index = ifindex};

	m->len = 0;
	mb_put(m, &h, sizeof(h));
	mb_put(m, &ifi, sizeof(ifi));
}

static inline void mb_done(struct mb *m)
{
	u32 l = (u32)m->len;

	memcpy(m->buf, &l, sizeof(l));
}

/* An exact-size heap copy, so ASan catches reads past len. */
static inline u8 *dup_exact(const void *p, size_t len)
{
	u8 *q = malloc(len ? len : 1);

	assert_non_null(q);
	memcpy(q, p, len);
	return q;
}

struct vf_desc {
	u32 index;
	u8 mac[6];
	u32 vlan, qos, spoofchk, trust, link_state;
	u16 proto;	  /* IFLA_VF_VLAN_LIST with this proto; 0 none */
	bool no_link;	  /* leave IFLA_VF_LINK_STATE out */
	bool extras;	  /* broadcast, rate, stats and an unknown attribute too */
	bool nested_flag; /* NLA_F_NESTED on IFLA_VF_INFO */
};

static inline void mb_vf(struct mb *m, const struct vf_desc *v)
{
	struct ifla_vf_mac mac = {.vf = v->index};
	struct ifla_vf_vlan vlan = {.vf = v->index, .vlan = v->vlan, .qos = v->qos};
	struct ifla_vf_spoofchk sp = {.vf = v->index, .setting = v->spoofchk};
	struct ifla_vf_trust tr = {.vf = v->index, .setting = v->trust};
	struct ifla_vf_link_state ls = {.vf = v->index, .link_state = v->link_state};
	size_t info = mb_nest(m, IFLA_VF_INFO | (v->nested_flag ? NLA_F_NESTED : 0));

	memcpy(mac.mac, v->mac, 6);
	mb_attr(m, IFLA_VF_MAC, &mac, sizeof(mac));
	if (v->extras) {
		struct ifla_vf_broadcast bc;
		struct ifla_vf_rate rate = {.vf = v->index, .max_tx_rate = 1000};
		size_t st;

		memset(&bc, 0xff, sizeof(bc));
		mb_attr(m, IFLA_VF_BROADCAST, &bc, sizeof(bc));
		mb_attr(m, IFLA_VF_RATE, &rate, sizeof(rate));
		st = mb_nest(m, IFLA_VF_STATS);
		u64 pk[2] = {1, 2};
		mb_attr(m, IFLA_VF_STATS_RX_PACKETS, &pk[0], 8);
		mb_attr(m, IFLA_VF_STATS_TX_PACKETS, &pk[1], 8);
		mb_end(m, st);
		mb_u32(m, 200, 0xdeadbeef);
	}
	mb_attr(m, IFLA_VF_VLAN, &vlan, sizeof(vlan));
	if (v->proto) {
		struct ifla_vf_vlan_info vi = {
		    .vf = v->index, .vlan = v->vlan, .qos = v->qos, .vlan_proto = htons(v->proto)};
		size_t vl = mb_nest(m, IFLA_VF_VLAN_LIST);

		mb_attr(m, IFLA_VF_VLAN_INFO, &vi, sizeof(vi));
		mb_end(m, vl);
	}
	mb_attr(m, IFLA_VF_SPOOFCHK, &sp, sizeof(sp));
	if (!v->no_link)
		mb_attr(m, IFLA_VF_LINK_STATE, &ls, sizeof(ls));
	mb_attr(m, IFLA_VF_TRUST, &tr, sizeof(tr));
	mb_end(m, info);
}

static const struct vf_desc three_vfs[] = {
    {.index = 0,
     .mac = {0x02, 0, 0, 0, 0, 0x10},
     .spoofchk = 1,
     .trust = 0,
     .link_state = IFLA_VF_LINK_STATE_AUTO,
     .proto = 0x8100,
     .extras = true},
    {.index = 1,
     .mac = {0x02, 0, 0, 0, 0, 0x11},
     .vlan = 100,
     .qos = 3,
     .spoofchk = 0,
     .trust = 1,
     .link_state = IFLA_VF_LINK_STATE_ENABLE},
    {.index = 5,
     .vlan = 4095,
     .qos = 7,
     .spoofchk = ~0u,
     .trust = ~0u,
     .proto = 0x88a8,
     .no_link = true,
     .nested_flag = true},
};

/* RTM_NEWLINK for ifindex 7 with the given VFs, framed by other attributes. */
static inline void build_reply(struct mb *m, const struct vf_desc *v, size_t n)
{
	size_t list;

	mb_hdr(m, RTM_NEWLINK, 7);
	mb_attr(m, IFLA_IFNAME, "eth0", 5);
	mb_u32(m, IFLA_MTU, 1500);
	mb_u32(m, IFLA_NUM_VF, (u32)n);
	list = mb_nest(m, IFLA_VFINFO_LIST);
	for (size_t i = 0; i < n; i++)
		mb_vf(m, &v[i]);
	mb_end(m, list);
	mb_u32(m, IFLA_GROUP, 0);
	mb_done(m);
}

static inline int parse_exact(const struct mb *m, size_t len, struct rtnl_vf *vfs, unsigned int max,
			      unsigned int *nr)
{
	u8 *p = dup_exact(m->buf, len);
	int r = rtnl_parse_link(p, len, vfs, max, nr);

	free(p);
	return r;
}

/* Offset of the first attribute of type inside [from, m->len), top level walk. */
static inline size_t find_attr(const struct mb *m, size_t from, u16 type)
{
	for (size_t off = from; off + RTNL_NLA_HDRLEN <= m->len;) {
		struct nlattr a;

		memcpy(&a, m->buf + off, sizeof(a));
		if ((a.nla_type & RTNL_NLA_TYPE_MASK) == type)
			return off;
		assert_true(a.nla_len >= RTNL_NLA_HDRLEN);
		off += rtnl_nla_align(a.nla_len);
	}
	fail_msg("attribute %u not found", type);
	return 0;
}

#define ATTRS (NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg)))

#endif
