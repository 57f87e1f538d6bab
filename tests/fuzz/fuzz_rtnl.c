// SPDX-License-Identifier: MIT
/*
 * fuzz_rtnl.c - the rtnetlink reply parsers (vmm/host/rtnl.c) on a reply
 * of random bytes, as the kernel would hand it over: the RTM_NEWLINK VF
 * list for every list size, the interface index, and the ACK with its
 * extended message for every buffer size; then the MAC text helpers on
 * the input's first bytes as a string.
 *
 * Checked beyond the sanitizers: the documented results and counts, a
 * NUL-terminated printable reason that fits its buffer, and a round trip:
 * each VF parsed, turned into the RTM_SETLINK that would restore it
 * (rtnl_vf_to_set(), rtnl_build_setvf()) and read back as a reply, gives
 * the same settings.
 */
#include <ctype.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "tests/fuzz/fuzz.h"

#include "vmm/host/rtnl.h"

#define MAX_VFS 8

/* The RTM_SETLINK that restores vf, read back as if the kernel listed it. */
static void round_trip(const struct rtnl_vf *vf)
{
	struct rtnl_vf_set set;
	struct rtnl_vf back;
	struct nlmsghdr h;
	unsigned int nr = 0;
	u8 msg[256];
	int n;

	rtnl_vf_to_set(vf, &set);
	n = rtnl_build_setvf(msg, sizeof(msg), 3, 1, vf->index, &set);
	if (n == -EINVAL) /* multicast MAC, VLAN or QoS out of range, index too big */
		return;
	FUZZ_CHECK(n > 0 && (size_t)n <= sizeof(msg));
	FUZZ_CHECK(rtnl_build_setvf(msg, (size_t)n - 1, 3, 1, vf->index, &set) == -ENOSPC);
	n = rtnl_build_setvf(msg, sizeof(msg), 3, 1, vf->index, &set);
	memcpy(&h, msg, sizeof(h));
	FUZZ_CHECK(h.nlmsg_len == (u32)n && h.nlmsg_type == RTM_SETLINK);
	h.nlmsg_type = RTM_NEWLINK;
	memcpy(msg, &h, sizeof(h));
	FUZZ_CHECK(rtnl_parse_link_index(msg, (size_t)n) == 3);
	FUZZ_CHECK(rtnl_parse_link(msg, (size_t)n, &back, 1, &nr) == 0 && nr == 1);
	FUZZ_CHECK(back.index == vf->index);
	FUZZ_CHECK(memcmp(back.mac, vf->mac, 6) == 0);
	if (set.has_vlan)
		FUZZ_CHECK(back.vlan == vf->vlan && back.qos == vf->qos);
	FUZZ_CHECK(back.spoofchk == vf->spoofchk && back.trust == vf->trust);
}

static void check_link(const u8 *data, size_t size)
{
	static const unsigned int maxes[] = {0, 1, 3, MAX_VFS};
	struct rtnl_vf vfs[MAX_VFS];
	unsigned int nr;
	int r, idx;

	for (size_t i = 0; i < ARRAY_SIZE(maxes); i++) {
		nr = 12345;
		r = rtnl_parse_link(data, size, maxes[i] ? vfs : NULL, maxes[i], &nr);
		FUZZ_CHECK(r <= 0 && r >= -4095);
		FUZZ_CHECK(nr <= maxes[i]);
		if (r == -E2BIG) /* the list was cut, or the kernel said E2BIG */
			FUZZ_CHECK(nr == maxes[i] ||
				   (nr == 0 && rtnl_parse_ack(data, size) == -E2BIG));
		else if (r < 0)
			FUZZ_CHECK(nr == 0);
		for (unsigned int k = 0; r == 0 && k < nr; k++) {
			FUZZ_CHECK(vfs[k].spoofchk >= -1 && vfs[k].spoofchk <= 1);
			FUZZ_CHECK(vfs[k].trust >= -1 && vfs[k].trust <= 1);
			FUZZ_CHECK(vfs[k].link_state >= -1);
			FUZZ_CHECK(rtnl_link_state_name(vfs[k].link_state) != NULL);
			round_trip(&vfs[k]);
		}
	}
	idx = rtnl_parse_link_index(data, size);
	FUZZ_CHECK(idx > 0 || idx == -EINVAL);
}

static void check_ack(const u8 *data, size_t size)
{
	static const size_t caps[] = {0, 1, 2, 7, 64};
	char why[64 + 8];
	int plain = rtnl_parse_ack(data, size), r;

	FUZZ_CHECK(plain <= 0 && plain >= -4095);
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		memset(why, 'x', sizeof(why));
		r = rtnl_parse_ack_ext(data, size, why, caps[i]);
		FUZZ_CHECK(r == plain);
		for (size_t k = caps[i]; k < sizeof(why); k++)
			FUZZ_CHECK(why[k] == 'x');
		if (!caps[i])
			continue;
		FUZZ_CHECK(memchr(why, '\0', caps[i]));
		for (const char *p = why; *p; p++)
			FUZZ_CHECK(*p >= 0x20 && *p < 0x7f);
	}
	FUZZ_CHECK(rtnl_parse_ack_ext(data, size, NULL, 64) == plain);
}

static void check_mac(const u8 *data, size_t size)
{
	char s[RTNL_MAC_STR_LEN + 8], out[RTNL_MAC_STR_LEN];
	size_t n = MIN(size, sizeof(s) - 1);
	u8 mac[6], before[6];

	memcpy(s, data, n);
	s[n] = '\0';
	memset(mac, 0x5a, sizeof(mac));
	memcpy(before, mac, sizeof(mac));
	if (rtnl_mac_parse(s, mac) < 0) {
		FUZZ_CHECK(memcmp(mac, before, 6) == 0); /* written only on success */
		return;
	}
	rtnl_mac_format(mac, out);
	FUZZ_CHECK(strlen(s) == RTNL_MAC_STR_LEN - 1);
	for (size_t i = 0; i < RTNL_MAC_STR_LEN - 1; i++)
		FUZZ_CHECK(out[i] == tolower((unsigned char)s[i]));
	FUZZ_CHECK(rtnl_mac_is_zero(mac) == (strcmp(out, "00:00:00:00:00:00") == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 req[64];

	check_link(data, size);
	check_ack(data, size);
	check_mac(data, size);
	FUZZ_CHECK(rtnl_build_getlink(req, sizeof(req), size > 0 ? data[0] : 1, 7) ==
		   (size > 0 && data[0] == 0 ? -EINVAL : 40));
	return 0;
}
