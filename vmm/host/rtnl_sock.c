// SPDX-License-Identifier: MIT
/*
 * rtnl_sock.c - SR-IOV VF settings of a PF netdev through rtnetlink: the
 * socket half (see rtnl.h). One fresh NETLINK_ROUTE socket per request;
 * messages are built and parsed by the pure functions in rtnl.c.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "vmm/host/rtnl.h"
#include "vmm/base/log.h"

#define RTNL_MAX_DATAGRAMS 64 /* unrelated datagrams skipped before giving up */

/* ---- the socket ---- */

struct rtnl_conn {
	const char *pf; /* for messages */
	int fd;
	u32 portid;
};

static u32 rtnl_next_seq(void)
{
	static u32 seq;

	return __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED) + (u32)getpid();
}

/* Interface index of pf, or -ENODEV (logged). */
static int pf_index(const char *pf)
{
	unsigned int idx = 0;
	int r = -ENODEV;

	if (pf && *pf && strlen(pf) < IF_NAMESIZE) {
		errno = 0;
		idx = if_nametoindex(pf);
		if (!idx && errno && errno != ENXIO)
			r = -errno;
	}
	if (idx > 0 && idx <= INT_MAX)
		return (int)idx;
	if (r == -ENODEV)
		log_err("rtnl PF %s: no such network interface (see ip link)", pf ? pf : "(null)");
	else
		log_err("rtnl PF %s: cannot look up the interface: %s", pf, strerror(-r));
	return r;
}

static int conn_open(struct rtnl_conn *c, const char *pf)
{
	struct timeval tv = {.tv_sec = RTNL_TIMEOUT_SEC};
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	socklen_t sl = sizeof(sa);
	int one = 1, r;

	c->pf = pf;
	c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (c->fd < 0) {
		r = -errno;
		log_err("rtnl PF %s: cannot open a NETLINK_ROUTE socket: %s", pf, strerror(-r));
		return r;
	}
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(c->fd, (struct sockaddr *)&sa, &sl)) {
		r = -errno;
		log_err("rtnl PF %s: cannot set up the netlink socket: %s", pf, strerror(-r));
		close(c->fd);
		return r;
	}
	c->portid = sa.nl_pid;
	/* Best effort: a reason in error ACKs, and no copy of the request in them. */
	(void)setsockopt(c->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(c->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

/*
 * Receive one datagram into a buffer sized for it (peeked first: a PF with
 * many VFs answers with tens of KiB). Returns its length, 0 for a datagram
 * that did not come from the kernel (dropped), or -errno (logged).
 */
static ssize_t conn_recv(struct rtnl_conn *c, u8 **out)
{
	struct sockaddr_nl from;
	struct iovec iov;
	struct msghdr mh = {
	    .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n, got;

	*out = NULL;
	do
		n = recv(c->fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		n = -errno;
		if (n == -EAGAIN || n == -EWOULDBLOCK) {
			log_err("rtnl PF %s: no reply from the kernel within %d s", c->pf,
				RTNL_TIMEOUT_SEC);
			return -ETIMEDOUT;
		}
		log_err("rtnl PF %s: netlink receive: %s", c->pf, strerror((int)-n));
		return n;
	}
	/* Room for at least a header, so an empty or huge datagram is consumed too. */
	iov.iov_len = (size_t)MIN(MAX(n, (ssize_t)NLMSG_HDRLEN), (ssize_t)RTNL_REPLY_MAX);
	iov.iov_base = malloc(iov.iov_len);
	if (!iov.iov_base)
		return -ENOMEM;
	do
		got = recvmsg(c->fd, &mh, MSG_TRUNC);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		got = -errno;
		log_err("rtnl PF %s: netlink receive: %s", c->pf, strerror((int)-got));
	} else if ((mh.msg_flags & MSG_TRUNC) || (size_t)got > iov.iov_len) {
		log_err("rtnl PF %s: netlink reply of %zd bytes is larger than %d", c->pf, got,
			RTNL_REPLY_MAX);
		got = -EMSGSIZE;
	} else if (mh.msg_namelen < sizeof(from) || from.nl_pid != 0) {
		got = 0;
	}
	if (got <= 0) {
		free(iov.iov_base);
		return got;
	}
	*out = iov.iov_base;
	return got;
}

/*
 * Send req and wait for the message answering it (our port id and seq, from
 * the kernel). On success *buf is the datagram to free(), and *msg / *mlen
 * the answer and the bytes from it to the datagram's end.
 */
static int conn_request(struct rtnl_conn *c, const void *req, size_t len, u32 seq, u8 **buf,
			const u8 **msg, size_t *mlen)
{
	struct sockaddr_nl to = {.nl_family = AF_NETLINK};
	struct nlmsghdr h;
	ssize_t n;

	do
		n = sendto(c->fd, req, len, 0, (struct sockaddr *)&to, sizeof(to));
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) {
		n = n < 0 ? -errno : -EIO;
		log_err("rtnl PF %s: netlink send: %s", c->pf, strerror((int)-n));
		return (int)n;
	}
	for (int tries = 0; tries < RTNL_MAX_DATAGRAMS; tries++) {
		n = conn_recv(c, buf);
		if (n < 0)
			return (int)n;
		for (size_t off = 0; n > 0 && (size_t)n - off >= NLMSG_HDRLEN;) {
			memcpy(&h, *buf + off, sizeof(h));
			if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > (size_t)n - off)
				break;
			if (h.nlmsg_seq == seq && h.nlmsg_pid == c->portid) {
				*msg = *buf + off;
				*mlen = (size_t)n - off;
				return 0;
			}
			off += NLMSG_ALIGN(h.nlmsg_len);
		}
		free(*buf);
		*buf = NULL;
	}
	log_err("rtnl PF %s: no reply to our request among %d netlink messages", c->pf,
		RTNL_MAX_DATAGRAMS);
	return -ETIMEDOUT;
}

/* One request on a fresh socket to the PF's namespace: conn_open + conn_request. */
static int transact(const char *pf, const void *req, size_t len, u32 seq, u8 **buf, const u8 **msg,
		    size_t *mlen)
{
	struct rtnl_conn c;
	int r = conn_open(&c, pf);

	if (r)
		return r;
	r = conn_request(&c, req, len, seq, buf, msg, mlen);
	close(c.fd);
	return r;
}

int rtnl_vf_query(const char *pf, struct rtnl_vf *vfs, unsigned int max, unsigned int *nr)
{
	u8 req[64], *buf = NULL;
	const u8 *msg;
	size_t mlen;
	int idx, len, r;
	u32 seq = rtnl_next_seq();

	if (!nr || (!vfs && max))
		return -EINVAL;
	*nr = 0;
	idx = pf_index(pf);
	if (idx < 0)
		return idx;
	len = rtnl_build_getlink(req, sizeof(req), idx, seq);
	if (len < 0)
		return len;
	r = transact(pf, req, (size_t)len, seq, &buf, &msg, &mlen);
	if (r)
		return r;
	r = rtnl_parse_link(msg, mlen, vfs, max, nr);
	if ((r == 0 || r == -E2BIG) && rtnl_parse_link_index(msg, mlen) != idx) {
		*nr = 0;
		r = -EINVAL;
	}
	free(buf);
	if (r == -E2BIG)
		log_err("rtnl PF %s: more than %u VFs; only the first %u were read", pf, max, max);
	else if (r == -ENODEV)
		log_err("rtnl PF %s: no such network interface (see ip link)", pf);
	else if (r == -EINVAL)
		log_err("rtnl PF %s: malformed RTM_NEWLINK reply from the kernel", pf);
	else if (r)
		log_err("rtnl PF %s: RTM_GETLINK failed: %s", pf, strerror(-r));
	return r;
}

int rtnl_vf_get(const char *pf, unsigned int vf, struct rtnl_vf *out)
{
	struct rtnl_vf *vfs = calloc(RTNL_MAX_VFS, sizeof(*vfs));
	unsigned int nr = 0;
	int r;

	if (!vfs)
		return -ENOMEM;
	r = rtnl_vf_query(pf, vfs, RTNL_MAX_VFS, &nr);
	if (!r) {
		r = -ENOENT;
		for (unsigned int i = 0; i < nr; i++) {
			if (vfs[i].index == vf) {
				*out = vfs[i];
				r = 0;
				break;
			}
		}
		if (r)
			log_err("rtnl PF %s: has no VF %u (it lists %u VFs; see ip link show %s)",
				pf, vf, nr, pf);
	}
	free(vfs);
	return r;
}

/* "mac 02:00:00:00:00:01 vlan 10 qos 0 spoofchk on trust off" for messages. */
static void describe_set(const struct rtnl_vf_set *set, char *out, size_t cap)
{
	char mac[RTNL_MAC_STR_LEN];
	size_t o = 0;

	out[0] = '\0';
	if (set->has_mac) {
		rtnl_mac_format(set->mac, mac);
		o += (size_t)snprintf(out + o, cap - o, " mac %s", mac);
	}
	if (set->has_vlan && o < cap)
		o += (size_t)snprintf(out + o, cap - o, " vlan %u qos %u", set->vlan, set->qos);
	if (set->has_spoofchk && o < cap)
		o += (size_t)snprintf(out + o, cap - o, " spoofchk %s",
				      set->spoofchk ? "on" : "off");
	if (set->has_trust && o < cap)
		snprintf(out + o, cap - o, " trust %s", set->trust ? "on" : "off");
}

static const char *apply_hint(int r)
{
	switch (r) {
	case -EPERM:
		return "; needs CAP_NET_ADMIN (run as root)";
	case -EOPNOTSUPP:
		return "; the PF driver does not support this setting";
	case -EINVAL:
		return "; check the VF number (ip link show PF) and the values";
	default:
		return "";
	}
}

int rtnl_vf_apply(const char *pf, unsigned int vf, const struct rtnl_vf_set *set)
{
	u8 req[256], *buf = NULL;
	char what[128], why[160];
	const u8 *msg;
	size_t mlen;
	int idx, len, r;
	u32 seq = rtnl_next_seq();

	if (!set)
		return -EINVAL;
	describe_set(set, what, sizeof(what));
	idx = pf_index(pf);
	if (idx < 0)
		return idx;
	len = rtnl_build_setvf(req, sizeof(req), idx, seq, vf, set);
	if (len < 0) {
		log_err("rtnl PF %s: VF %u: invalid settings%s (need something to set, vlan <= %d, "
			"qos <= %d, a unicast MAC)",
			pf, vf, what, RTNL_VLAN_MAX, RTNL_QOS_MAX);
		return len;
	}
	r = transact(pf, req, (size_t)len, seq, &buf, &msg, &mlen);
	if (r)
		return r;
	r = rtnl_parse_ack_ext(msg, mlen, why, sizeof(why));
	free(buf);
	if (r == -EBADMSG)
		log_err("rtnl PF %s: VF %u: malformed ACK from the kernel", pf, vf);
	else if (r)
		log_err("rtnl PF %s: VF %u: setting%s failed: %s%s%s%s%s", pf, vf, what,
			strerror(-r), why[0] ? " (" : "", why, why[0] ? ")" : "", apply_hint(r));
	return r;
}

int rtnl_vf_restore(const char *pf, const struct rtnl_vf *saved)
{
	struct rtnl_vf_set all, one;
	int r, first = 0;

	if (!saved)
		return -EINVAL;
	rtnl_vf_to_set(saved, &all);
	if (!all.has_vlan) {
		log_err("rtnl PF %s: VF %u: VLAN %u is 802.1ad (0x%04x); not restored, set it with "
			"ip link set %s vf %u vlan %u proto 802.1ad",
			pf, saved->index, saved->vlan, saved->vlan_proto, pf, saved->index,
			saved->vlan);
		first = -EOPNOTSUPP;
	}
	for (int f = 0; f < 4; f++) {
		one = all;
		one.has_mac = f == 0 && all.has_mac;
		one.has_vlan = f == 1 && all.has_vlan;
		one.has_spoofchk = f == 2 && all.has_spoofchk;
		one.has_trust = f == 3 && all.has_trust;
		if (!one.has_mac && !one.has_vlan && !one.has_spoofchk && !one.has_trust)
			continue;
		r = rtnl_vf_apply(pf, saved->index, &one);
		if (r && !first)
			first = r;
		if (r == -ENODEV || r == -EPERM)
			break;
	}
	return first;
}
