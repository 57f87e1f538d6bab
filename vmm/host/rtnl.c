// SPDX-License-Identifier: MIT
/*
 * rtnl.c - the pure half of rtnl (see rtnl.h): rtnetlink message builders
 * and parsers on plain buffers, and MAC helpers. No sockets, no logging, no
 * other tinyvmm object needed (cli links it alone for the MAC helpers).
 * The socket half is rtnl_sock.c.
 *
 * Layout of what is built and parsed (uapi <linux/if_link.h>):
 *
 *   nlmsghdr | ifinfomsg | IFLA_* ...
 *                          IFLA_VFINFO_LIST
 *                            IFLA_VF_INFO          (one per VF)
 *                              IFLA_VF_MAC         struct ifla_vf_mac  {vf, mac[32]}
 *                              IFLA_VF_VLAN        struct ifla_vf_vlan {vf, vlan, qos}
 *                              IFLA_VF_VLAN_LIST   { IFLA_VF_VLAN_INFO {vf, vlan, qos, proto} }
 *                              IFLA_VF_SPOOFCHK    {vf, setting}  setting ~0: not reported
 *                              IFLA_VF_LINK_STATE  {vf, link_state}
 *                              IFLA_VF_TRUST       {vf, setting}  setting ~0: not reported
 *
 * Netlink is host-endian (except vlan_proto, big-endian); all multi-byte
 * fields are read and written with memcpy, so buffers need no alignment.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "vmm/host/rtnl.h"

#define ETH_P_8021Q_ 0x8100

_Static_assert(RTNL_NLA_ALIGNTO == NLA_ALIGNTO, "RTNL_NLA_ALIGNTO is not NLA_ALIGNTO");
_Static_assert(RTNL_NLA_HDRLEN == sizeof(struct nlattr) && RTNL_NLA_HDRLEN % RTNL_NLA_ALIGNTO == 0,
	       "RTNL_NLA_HDRLEN is not NLA_HDRLEN");
_Static_assert(RTNL_NLA_TYPE_MASK == (u16)NLA_TYPE_MASK, "RTNL_NLA_TYPE_MASK is not NLA_TYPE_MASK");

/* ---- attribute reading ---- */

static u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

struct nla_iter {
	const u8 *p;
	size_t left;
};

/*
 * Next attribute of [p, p + left): 1 with *type (flags masked off), *data and
 * *dlen filled; 0 at the end (fewer than NLA_HDRLEN bytes left, like the
 * kernel's nla_ok()); -EINVAL if nla_len is below the header or runs past
 * the end.
 */
static int nla_next(struct nla_iter *it, u16 *type, const u8 **data, size_t *dlen)
{
	struct nlattr a;
	size_t step;

	if (it->left < RTNL_NLA_HDRLEN)
		return 0;
	memcpy(&a, it->p, sizeof(a));
	if (a.nla_len < RTNL_NLA_HDRLEN || a.nla_len > it->left)
		return -EINVAL;
	*type = a.nla_type & RTNL_NLA_TYPE_MASK;
	*data = it->p + RTNL_NLA_HDRLEN;
	*dlen = a.nla_len - RTNL_NLA_HDRLEN;
	step = MIN(rtnl_nla_align(a.nla_len), it->left);
	it->p += step;
	it->left -= step;
	return 1;
}

/* Every struct inside one IFLA_VF_INFO names the same VF. */
static int vf_same(bool *have, u32 *idx, u32 vf)
{
	if (*have && *idx != vf)
		return -EINVAL;
	*have = true;
	*idx = vf;
	return 0;
}

static int tristate(u32 setting)
{
	return setting == (u32)-1 ? -1 : setting != 0;
}

static int parse_vlan_list(const u8 *p, size_t len, struct rtnl_vf *vf, bool *have, u32 *idx)
{
	struct nla_iter it = {p, len};
	const size_t need = offsetof(struct ifla_vf_vlan_info, vlan_proto) + sizeof(u16);
	const u8 *d;
	size_t dl;
	u16 type, proto;
	int r;

	while ((r = nla_next(&it, &type, &d, &dl)) > 0) {
		if (type != IFLA_VF_VLAN_INFO)
			continue;
		if (dl < need)
			return -EINVAL;
		r = vf_same(have, idx, rd32(d + offsetof(struct ifla_vf_vlan_info, vf)));
		if (r)
			return r;
		memcpy(&proto, d + offsetof(struct ifla_vf_vlan_info, vlan_proto), sizeof(proto));
		if (!vf->vlan_proto)
			vf->vlan_proto = ntohs(proto);
	}
	return r;
}

/* One IFLA_VF_INFO. *have_mac false: no IFLA_VF_MAC, so no index; skip it. */
static int parse_vf_info(const u8 *p, size_t len, struct rtnl_vf *vf, bool *have_mac)
{
	struct nla_iter it = {p, len};
	bool have = false;
	const u8 *d;
	size_t dl, need;
	u32 idx = 0;
	u16 type;
	int r;

	memset(vf, 0, sizeof(*vf));
	vf->spoofchk = vf->trust = vf->link_state = -1;
	*have_mac = false;
	while ((r = nla_next(&it, &type, &d, &dl)) > 0) {
		switch (type) {
		case IFLA_VF_MAC:
			need = sizeof(struct ifla_vf_mac);
			break;
		case IFLA_VF_VLAN:
			need = sizeof(struct ifla_vf_vlan);
			break;
		case IFLA_VF_SPOOFCHK:
			need = sizeof(struct ifla_vf_spoofchk);
			break;
		case IFLA_VF_TRUST:
			need = sizeof(struct ifla_vf_trust);
			break;
		case IFLA_VF_LINK_STATE:
			need = sizeof(struct ifla_vf_link_state);
			break;
		case IFLA_VF_VLAN_LIST:
			r = parse_vlan_list(d, dl, vf, &have, &idx);
			if (r)
				return r;
			continue;
		default:
			continue;
		}
		if (dl < need)
			return -EINVAL;
		/* vf is the first member of each of these structs. */
		r = vf_same(&have, &idx, rd32(d));
		if (r)
			return r;
		switch (type) {
		case IFLA_VF_MAC:
			memcpy(vf->mac, d + offsetof(struct ifla_vf_mac, mac), sizeof(vf->mac));
			*have_mac = true;
			break;
		case IFLA_VF_VLAN:
			vf->vlan = rd32(d + offsetof(struct ifla_vf_vlan, vlan));
			vf->qos = rd32(d + offsetof(struct ifla_vf_vlan, qos));
			break;
		case IFLA_VF_SPOOFCHK:
			vf->spoofchk =
			    tristate(rd32(d + offsetof(struct ifla_vf_spoofchk, setting)));
			break;
		case IFLA_VF_TRUST:
			vf->trust = tristate(rd32(d + offsetof(struct ifla_vf_trust, setting)));
			break;
		default: /* IFLA_VF_LINK_STATE */
			vf->link_state =
			    (int)MIN(rd32(d + offsetof(struct ifla_vf_link_state, link_state)),
				     (u32)INT_MAX);
			break;
		}
	}
	vf->index = idx;
	return r;
}

/* Header of the first message of msg; -EINVAL unless nlmsg_len fits in len. */
static int msg_header(const void *msg, size_t len, struct nlmsghdr *h)
{
	if (!msg || len < NLMSG_HDRLEN)
		return -EINVAL;
	memcpy(h, msg, sizeof(*h));
	if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len)
		return -EINVAL;
	return 0;
}

int rtnl_parse_ack_ext(const void *msg, size_t len, char *why, size_t cap)
{
	const u8 *m = msg;
	struct nlmsghdr h, orig;
	struct nla_iter it;
	size_t off, dl;
	const u8 *d;
	u16 type;
	int err;

	if (why && cap)
		why[0] = '\0';
	if (msg_header(msg, len, &h) || h.nlmsg_type != NLMSG_ERROR ||
	    h.nlmsg_len < NLMSG_LENGTH(sizeof(int)))
		return -EBADMSG;
	memcpy(&err, m + NLMSG_HDRLEN, sizeof(err));
	if (err > 0 || err < -4095)
		return -EBADMSG;
	if (!why || cap < 2 || !(h.nlmsg_flags & NLM_F_ACK_TLVS) ||
	    h.nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		return err;
	/* The TLVs follow the request's header, or the whole request if not capped. */
	off = sizeof(struct nlmsgerr);
	if (err && !(h.nlmsg_flags & NLM_F_CAPPED)) {
		memcpy(&orig, m + NLMSG_HDRLEN + sizeof(int), sizeof(orig));
		if (orig.nlmsg_len < NLMSG_HDRLEN)
			return err;
		off = sizeof(int) + orig.nlmsg_len;
	}
	off = NLMSG_HDRLEN + NLMSG_ALIGN(off);
	if (off >= h.nlmsg_len)
		return err;
	it = (struct nla_iter){m + off, h.nlmsg_len - off};
	while (nla_next(&it, &type, &d, &dl) > 0) {
		if (type != NLMSGERR_ATTR_MSG)
			continue;
		size_t n = 0;
		while (n < dl && n < cap - 1 && d[n]) {
			/* One log line: no control characters. */
			why[n] = d[n] >= 0x20 && d[n] < 0x7f ? (char)d[n] : '?';
			n++;
		}
		why[n] = '\0';
		break;
	}
	return err;
}

int rtnl_parse_ack(const void *msg, size_t len)
{
	return rtnl_parse_ack_ext(msg, len, NULL, 0);
}

/* Start of the IFLA_* attributes of an RTM_NEWLINK, or -EINVAL/the error. */
static int link_attrs(const void *msg, size_t len, struct nlmsghdr *h)
{
	int r = msg_header(msg, len, h);

	if (r)
		return r;
	if (h->nlmsg_type == NLMSG_ERROR) {
		r = rtnl_parse_ack(msg, len);
		return r == 0 || r == -EBADMSG ? -EINVAL : r;
	}
	if (h->nlmsg_type != RTM_NEWLINK ||
	    h->nlmsg_len < NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg)))
		return -EINVAL;
	return 0;
}

int rtnl_parse_link_index(const void *msg, size_t len)
{
	struct ifinfomsg ifi;
	struct nlmsghdr h;

	if (link_attrs(msg, len, &h))
		return -EINVAL;
	memcpy(&ifi, (const u8 *)msg + NLMSG_HDRLEN, sizeof(ifi));
	return ifi.ifi_index > 0 ? ifi.ifi_index : -EINVAL;
}

static int parse_vfinfo_list(const u8 *p, size_t len, struct rtnl_vf *vfs, unsigned int max,
			     unsigned int *nr)
{
	struct nla_iter it = {p, len};
	struct rtnl_vf vf;
	bool have_mac;
	const u8 *d;
	size_t dl;
	u16 type;
	int r;

	while ((r = nla_next(&it, &type, &d, &dl)) > 0) {
		if (type != IFLA_VF_INFO)
			continue;
		r = parse_vf_info(d, dl, &vf, &have_mac);
		if (r)
			return r;
		if (!have_mac)
			continue;
		if (*nr >= max)
			return -E2BIG;
		vfs[(*nr)++] = vf;
	}
	return r;
}

int rtnl_parse_link(const void *msg, size_t len, struct rtnl_vf *vfs, unsigned int max,
		    unsigned int *nr)
{
	const size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg));
	struct nlmsghdr h;
	struct nla_iter it;
	const u8 *d;
	size_t dl;
	u16 type;
	int r;

	if (!nr)
		return -EINVAL;
	*nr = 0;
	if (!vfs && max)
		return -EINVAL;
	r = link_attrs(msg, len, &h);
	if (r)
		return r;
	it = (struct nla_iter){(const u8 *)msg + hdr, h.nlmsg_len - hdr};
	while ((r = nla_next(&it, &type, &d, &dl)) > 0) {
		if (type != IFLA_VFINFO_LIST)
			continue;
		r = parse_vfinfo_list(d, dl, vfs, max, nr);
		if (r)
			break;
	}
	if (r && r != -E2BIG)
		*nr = 0;
	return r;
}

/* ---- message building ---- */

struct nlbuf {
	u8 *p;
	size_t cap, len;
	bool full;
};

/* Reserve n bytes (zeroed, padded to 4), or note that the buffer is full. */
static u8 *nb_reserve(struct nlbuf *b, size_t n)
{
	size_t a = NLMSG_ALIGN(n);
	u8 *q;

	if (b->full || a > b->cap - b->len) {
		b->full = true;
		return NULL;
	}
	q = b->p + b->len;
	memset(q, 0, a);
	b->len += a;
	return q;
}

static void nb_put(struct nlbuf *b, const void *data, size_t n)
{
	u8 *q = nb_reserve(b, n);

	if (q)
		memcpy(q, data, n);
}

/* Attribute header; returns its offset for nb_end() (payload put after). */
static size_t nb_begin(struct nlbuf *b, u16 type)
{
	struct nlattr a = {.nla_len = RTNL_NLA_HDRLEN, .nla_type = type};
	size_t off = b->len;

	nb_put(b, &a, sizeof(a));
	return off;
}

/* Close the attribute started at off: its nla_len covers everything since. */
static void nb_end(struct nlbuf *b, size_t off)
{
	u16 l = (u16)(b->len - off);

	if (!b->full)
		memcpy(b->p + off + offsetof(struct nlattr, nla_len), &l, sizeof(l));
}

static void nb_attr(struct nlbuf *b, u16 type, const void *data, size_t n)
{
	size_t off = nb_begin(b, type);
	u8 *q = nb_reserve(b, n);

	if (q)
		memcpy(q, data, n);
	/* nla_len is the unpadded length, as nla_put() writes it. */
	if (!b->full) {
		u16 l = (u16)(RTNL_NLA_HDRLEN + n);

		memcpy(b->p + off + offsetof(struct nlattr, nla_len), &l, sizeof(l));
	}
}

static void nb_header(struct nlbuf *b, u16 type, u16 flags, u32 seq, int ifindex)
{
	struct nlmsghdr h = {.nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq};
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};

	nb_put(b, &h, sizeof(h));
	nb_put(b, &ifi, sizeof(ifi));
}

static int nb_finish(struct nlbuf *b)
{
	u32 l = (u32)b->len;

	if (b->full)
		return -ENOSPC;
	memcpy(b->p + offsetof(struct nlmsghdr, nlmsg_len), &l, sizeof(l));
	return (int)l;
}

int rtnl_build_getlink(void *buf, size_t cap, int ifindex, u32 seq)
{
	struct nlbuf b = {buf, cap, 0, !buf};
	u32 mask = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS;

	if (ifindex <= 0)
		return -EINVAL;
	nb_header(&b, RTM_GETLINK, NLM_F_REQUEST, seq, ifindex);
	nb_attr(&b, IFLA_EXT_MASK, &mask, sizeof(mask));
	return nb_finish(&b);
}

int rtnl_build_setvf(void *buf, size_t cap, int ifindex, u32 seq, unsigned int vf,
		     const struct rtnl_vf_set *set)
{
	struct nlbuf b = {buf, cap, 0, !buf};
	size_t list, info;

	if (ifindex <= 0 || vf >= INT_MAX || !set)
		return -EINVAL;
	if (!set->has_mac && !set->has_vlan && !set->has_spoofchk && !set->has_trust)
		return -EINVAL;
	if (set->has_vlan && (set->vlan > RTNL_VLAN_MAX || set->qos > RTNL_QOS_MAX))
		return -EINVAL;
	if (set->has_mac && rtnl_mac_is_multicast(set->mac))
		return -EINVAL;

	nb_header(&b, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq, ifindex);
	list = nb_begin(&b, IFLA_VFINFO_LIST);
	info = nb_begin(&b, IFLA_VF_INFO);
	if (set->has_mac) {
		struct ifla_vf_mac m = {.vf = vf};

		memcpy(m.mac, set->mac, sizeof(set->mac));
		nb_attr(&b, IFLA_VF_MAC, &m, sizeof(m));
	}
	if (set->has_vlan) {
		struct ifla_vf_vlan v = {.vf = vf, .vlan = set->vlan, .qos = set->qos};

		nb_attr(&b, IFLA_VF_VLAN, &v, sizeof(v));
	}
	if (set->has_spoofchk) {
		struct ifla_vf_spoofchk s = {.vf = vf, .setting = set->spoofchk};

		nb_attr(&b, IFLA_VF_SPOOFCHK, &s, sizeof(s));
	}
	if (set->has_trust) {
		struct ifla_vf_trust t = {.vf = vf, .setting = set->trust};

		nb_attr(&b, IFLA_VF_TRUST, &t, sizeof(t));
	}
	nb_end(&b, info);
	nb_end(&b, list);
	return nb_finish(&b);
}

/* ---- pure helpers ---- */

void rtnl_vf_to_set(const struct rtnl_vf *vf, struct rtnl_vf_set *set)
{
	memset(set, 0, sizeof(*set));
	set->has_mac = true;
	memcpy(set->mac, vf->mac, sizeof(set->mac));
	set->has_vlan = !vf->vlan_proto || vf->vlan_proto == ETH_P_8021Q_;
	set->vlan = vf->vlan;
	set->qos = vf->qos;
	set->has_spoofchk = vf->spoofchk >= 0;
	set->spoofchk = vf->spoofchk > 0;
	set->has_trust = vf->trust >= 0;
	set->trust = vf->trust > 0;
}

const char *rtnl_link_state_name(int link_state)
{
	switch (link_state) {
	case IFLA_VF_LINK_STATE_AUTO:
		return "auto";
	case IFLA_VF_LINK_STATE_ENABLE:
		return "enable";
	case IFLA_VF_LINK_STATE_DISABLE:
		return "disable";
	default:
		return "?";
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rtnl_mac_parse(const char *s, u8 mac[6])
{
	u8 out[6];

	if (!s)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		const char *g = s + 3 * i;
		int hi = hexval(g[0]), lo = hi < 0 ? -1 : hexval(g[1]);

		if (lo < 0 || g[2] != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		out[i] = (u8)(hi << 4 | lo);
	}
	memcpy(mac, out, sizeof(out));
	return 0;
}

void rtnl_mac_format(const u8 mac[6], char out[RTNL_MAC_STR_LEN])
{
	snprintf(out, RTNL_MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
}

bool rtnl_mac_is_multicast(const u8 mac[6])
{
	return mac[0] & 1;
}

bool rtnl_mac_is_zero(const u8 mac[6])
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}
