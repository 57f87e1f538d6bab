// SPDX-License-Identifier: MIT
/*
 * test_rtnl_msg.c - the rest of rtnl.c's pure side: the RTM_GETLINK and
 * RTM_SETLINK builders byte by byte (and every too-small buffer), ACK
 * parsing (error 0, -EPERM, extended-ACK reasons, malformed ACKs), MAC
 * parsing/formatting, rtnl_vf_to_set() and link-state names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <sys/socket.h>

#include "tests/rtnl_fixture.h"

/* ---- builders ---- */

static void test_build_getlink(void **state)
{
	struct nlmsghdr h;
	struct ifinfomsg ifi;
	struct nlattr a;
	u32 mask;
	u8 *buf = malloc(40);
	int len;

	(void)state;
	assert_non_null(buf);
	len = rtnl_build_getlink(buf, 40, 7, 0x1234);
	assert_int_equal(len, 40);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.nlmsg_len, 40);
	assert_int_equal(h.nlmsg_type, RTM_GETLINK);
	assert_int_equal(h.nlmsg_flags, NLM_F_REQUEST);
	assert_int_equal(h.nlmsg_seq, 0x1234);
	assert_int_equal(h.nlmsg_pid, 0);
	memcpy(&ifi, buf + NLMSG_HDRLEN, sizeof(ifi));
	assert_int_equal(ifi.ifi_family, AF_UNSPEC);
	assert_int_equal(ifi.ifi_index, 7);
	assert_int_equal(ifi.ifi_flags, 0);
	assert_int_equal(ifi.ifi_change, 0);
	memcpy(&a, buf + ATTRS, sizeof(a));
	assert_int_equal(a.nla_type, IFLA_EXT_MASK);
	assert_int_equal(a.nla_len, 8);
	memcpy(&mask, buf + ATTRS + RTNL_NLA_HDRLEN, sizeof(mask));
	assert_true(mask & RTEXT_FILTER_VF);
	assert_true(mask & RTEXT_FILTER_SKIP_STATS);

	for (size_t cap = 0; cap < 40; cap++)
		assert_int_equal(rtnl_build_getlink(buf, cap, 7, 1), -ENOSPC);
	assert_int_equal(rtnl_build_getlink(NULL, 0, 7, 1), -ENOSPC);
	assert_int_equal(rtnl_build_getlink(buf, 40, 0, 1), -EINVAL);
	assert_int_equal(rtnl_build_getlink(buf, 40, -3, 1), -EINVAL);
	free(buf);
}

static void expect_attr(const u8 *p, u16 type, u16 len)
{
	struct nlattr a;

	memcpy(&a, p, sizeof(a));
	assert_int_equal(a.nla_type, type);
	assert_int_equal(a.nla_len, len);
}

static u32 u32_at(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void test_build_setvf_all(void **state)
{
	const struct rtnl_vf_set set = {.has_mac = true,
					.has_vlan = true,
					.has_spoofchk = true,
					.has_trust = true,
					.mac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55},
					.vlan = 100,
					.qos = 5,
					.spoofchk = true,
					.trust = false};
	const size_t want = ATTRS + 4 + 4 + (4 + 36) + (4 + 12) + (4 + 8) + (4 + 8);
	u8 *buf = malloc(want);
	const u8 *p;
	struct nlmsghdr h;
	struct ifinfomsg ifi;
	int len;

	(void)state;
	assert_non_null(buf);
	len = rtnl_build_setvf(buf, want, 12, 77, 3, &set);
	assert_int_equal(len, want);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.nlmsg_len, want);
	assert_int_equal(h.nlmsg_type, RTM_SETLINK);
	assert_int_equal(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(h.nlmsg_seq, 77);
	memcpy(&ifi, buf + NLMSG_HDRLEN, sizeof(ifi));
	assert_int_equal(ifi.ifi_index, 12);
	assert_int_equal(ifi.ifi_family, AF_UNSPEC);

	p = buf + ATTRS;
	expect_attr(p, IFLA_VFINFO_LIST, (u16)(want - ATTRS));
	p += 4;
	expect_attr(p, IFLA_VF_INFO, (u16)(want - ATTRS - 4));
	p += 4;
	expect_attr(p, IFLA_VF_MAC, 40);
	assert_int_equal(u32_at(p + 4), 3);
	assert_memory_equal(p + 8, set.mac, 6);
	for (int i = 6; i < 32; i++)
		assert_int_equal(p[8 + i], 0);
	p += 40;
	expect_attr(p, IFLA_VF_VLAN, 16);
	assert_int_equal(u32_at(p + 4), 3);
	assert_int_equal(u32_at(p + 8), 100);
	assert_int_equal(u32_at(p + 12), 5);
	p += 16;
	expect_attr(p, IFLA_VF_SPOOFCHK, 12);
	assert_int_equal(u32_at(p + 4), 3);
	assert_int_equal(u32_at(p + 8), 1);
	p += 12;
	expect_attr(p, IFLA_VF_TRUST, 12);
	assert_int_equal(u32_at(p + 4), 3);
	assert_int_equal(u32_at(p + 8), 0);
	p += 12;
	assert_ptr_equal(p, buf + want);

	/* Every smaller buffer: -ENOSPC, and nothing written past cap (ASan). */
	for (size_t cap = 0; cap < want; cap++) {
		u8 *small = malloc(cap ? cap : 1);

		assert_int_equal(rtnl_build_setvf(small, cap, 12, 77, 3, &set), -ENOSPC);
		free(small);
	}
	free(buf);
}

static void test_build_setvf_one_field(void **state)
{
	const struct rtnl_vf_set set = {.has_trust = true, .trust = true};
	u8 buf[128];
	int len;

	(void)state;
	len = rtnl_build_setvf(buf, sizeof(buf), 2, 1, 0, &set);
	assert_int_equal(len, ATTRS + 4 + 4 + 12);
	expect_attr(buf + ATTRS, IFLA_VFINFO_LIST, 20);
	expect_attr(buf + ATTRS + 4, IFLA_VF_INFO, 16);
	expect_attr(buf + ATTRS + 8, IFLA_VF_TRUST, 12);
	assert_int_equal(u32_at(buf + ATTRS + 12), 0);
	assert_int_equal(u32_at(buf + ATTRS + 16), 1);
}

static void test_build_setvf_invalid(void **state)
{
	struct rtnl_vf_set set = {0};
	u8 buf[256];

	(void)state;
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 2, 1, 0, &set), -EINVAL);
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 2, 1, 0, NULL), -EINVAL);
	set.has_vlan = true;
	set.vlan = 4096;
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 2, 1, 0, &set), -EINVAL);
	set.vlan = 4095;
	set.qos = 8;
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 2, 1, 0, &set), -EINVAL);
	set.qos = 7;
	assert_true(rtnl_build_setvf(buf, sizeof(buf), 2, 1, 0, &set) > 0);
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 0, 1, 0, &set), -EINVAL);
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 2, 1, INT_MAX, &set), -EINVAL);
	assert_true(rtnl_build_setvf(buf, sizeof(buf), 2, 1, INT_MAX - 1, &set) > 0);

	set = (struct rtnl_vf_set){.has_mac = true, .mac = {0x01, 0, 0x5e, 0, 0, 1}};
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 2, 1, 0, &set), -EINVAL);
	memset(set.mac, 0xff, 6);
	assert_int_equal(rtnl_build_setvf(buf, sizeof(buf), 2, 1, 0, &set), -EINVAL);
	/* All zero is allowed: it clears the administrative MAC on drivers that can. */
	memset(set.mac, 0, 6);
	assert_true(rtnl_build_setvf(buf, sizeof(buf), 2, 1, 0, &set) > 0);
}

/* ---- ACKs ---- */

/* NLMSG_ERROR carrying err; echo: the request follows in full (not capped). */
static void build_ack(struct mb *m, int err, bool echo, const char *why)
{
	struct nlmsghdr h = {.nlmsg_type = NLMSG_ERROR, .nlmsg_seq = 5};
	u8 req[64];
	int rl = rtnl_build_getlink(req, sizeof(req), 3, 5);

	assert_true(rl > 0);
	h.nlmsg_flags = (echo ? 0 : NLM_F_CAPPED) | (why ? NLM_F_ACK_TLVS : 0);
	m->len = 0;
	mb_put(m, &h, sizeof(h));
	mb_put(m, &err, sizeof(err));
	if (echo)
		mb_put(m, req, (size_t)rl);
	else
		mb_put(m, req, sizeof(struct nlmsghdr));
	if (why) {
		u32 offs = 16;

		mb_attr(m, NLMSGERR_ATTR_OFFS, &offs, sizeof(offs));
		mb_attr(m, NLMSGERR_ATTR_MSG, why, strlen(why) + 1);
	}
	mb_done(m);
}

static int ack_exact(const struct mb *m, size_t len, char *why, size_t cap)
{
	u8 *p = dup_exact(m->buf, len);
	int r = rtnl_parse_ack_ext(p, len, why, cap);

	free(p);
	return r;
}

static void test_ack(void **state)
{
	char why[64];
	struct mb m;

	(void)state;
	build_ack(&m, 0, false, NULL);
	assert_int_equal(ack_exact(&m, m.len, NULL, 0), 0);
	assert_int_equal(rtnl_parse_ack(m.buf, m.len), 0);
	build_ack(&m, -EPERM, true, NULL);
	assert_int_equal(rtnl_parse_ack(m.buf, m.len), -EPERM);
	assert_int_equal(ack_exact(&m, m.len, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "");
	build_ack(&m, -EPERM, false, NULL);
	assert_int_equal(ack_exact(&m, m.len, NULL, 0), -EPERM);
	/* Only the error code is needed for the result. */
	assert_int_equal(ack_exact(&m, NLMSG_HDRLEN + 4, NULL, 0), -EBADMSG); /* nlmsg_len > len */
	{
		struct mb t = m;

		t.len = NLMSG_HDRLEN + 4;
		mb_done(&t);
		assert_int_equal(ack_exact(&t, t.len, NULL, 0), -EPERM);
	}
}

static void test_ack_ext_message(void **state)
{
	char why[64], tiny[6];
	struct mb m;

	(void)state;
	/* Capped and uncapped: the TLVs sit after the header or the whole request. */
	build_ack(&m, -EOPNOTSUPP, false, "VF does not exist");
	assert_int_equal(ack_exact(&m, m.len, why, sizeof(why)), -EOPNOTSUPP);
	assert_string_equal(why, "VF does not exist");
	build_ack(&m, -EINVAL, true, "bad vlan");
	assert_int_equal(ack_exact(&m, m.len, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "bad vlan");
	/* Cut to fit; control characters replaced so the log stays one line. */
	build_ack(&m, -EINVAL, false, "line\none");
	assert_int_equal(ack_exact(&m, m.len, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line?one");
	assert_int_equal(ack_exact(&m, m.len, tiny, sizeof(tiny)), -EINVAL);
	assert_string_equal(tiny, "line?");
	/* A lying TLV length: the error still counts, no reason, no overrun. */
	build_ack(&m, -EBUSY, false, "x");
	mb_setlen16(&m, NLMSG_HDRLEN + sizeof(struct nlmsgerr), 0x100);
	strcpy(why, "stale");
	assert_int_equal(ack_exact(&m, m.len, why, sizeof(why)), -EBUSY);
	assert_string_equal(why, "");
}

static void test_ack_malformed(void **state)
{
	struct mb m;
	int err;

	(void)state;
	build_ack(&m, -EPERM, false, NULL);
	for (size_t len = 0; len < NLMSG_HDRLEN + 4; len++)
		assert_int_equal(ack_exact(&m, len, NULL, 0), -EBADMSG);
	assert_int_equal(rtnl_parse_ack(NULL, 64), -EBADMSG);
	/* Not an NLMSG_ERROR. */
	build_reply(&m, three_vfs, 1);
	assert_int_equal(ack_exact(&m, m.len, NULL, 0), -EBADMSG);
	/* Error codes that are not -errno. */
	build_ack(&m, 5, false, NULL);
	assert_int_equal(ack_exact(&m, m.len, NULL, 0), -EBADMSG);
	build_ack(&m, -5000, false, NULL);
	assert_int_equal(ack_exact(&m, m.len, NULL, 0), -EBADMSG);
	build_ack(&m, INT_MIN, false, NULL);
	assert_int_equal(ack_exact(&m, m.len, NULL, 0), -EBADMSG);
	/* nlmsg_len below the header. */
	build_ack(&m, -EPERM, false, NULL);
	err = 8;
	memcpy(m.buf, &err, sizeof(err));
	assert_int_equal(ack_exact(&m, m.len, NULL, 0), -EBADMSG);
}

/* ---- helpers ---- */

static void test_mac_parse(void **state)
{
	static const char *const bad[] = {
	    "",
	    "02:00:00:00:00",
	    "02:00:00:00:00:0",
	    "02:00:00:00:00:0g",
	    "02:00:00:00:00:01x",
	    "02:00:00:00:00:01:",
	    "02-00-00-00-00-01",
	    "2:0:0:0:0:1",
	    " 02:00:00:00:00:01",
	    "02:00:00:00:00:01 ",
	    "0x:00:00:00:00:01",
	    "020000000001",
	    "02:00:00:00:0001:",
	};
	const u8 want[6] = {0x02, 0xab, 0xcd, 0xef, 0x00, 0x9f};
	u8 mac[6];

	(void)state;
	assert_int_equal(rtnl_mac_parse("02:ab:cd:ef:00:9f", mac), 0);
	assert_memory_equal(mac, want, 6);
	memset(mac, 0, 6);
	assert_int_equal(rtnl_mac_parse("02:AB:Cd:eF:00:9F", mac), 0);
	assert_memory_equal(mac, want, 6);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(mac, 0x5a, 6);
		if (rtnl_mac_parse(bad[i], mac) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		for (int j = 0; j < 6; j++)
			assert_int_equal(mac[j], 0x5a); /* untouched on failure */
	}
	assert_int_equal(rtnl_mac_parse(NULL, mac), -EINVAL);
}

static void test_mac_format_and_kinds(void **state)
{
	const u8 a[6] = {0x02, 0xAB, 0x0c, 0, 0xff, 0x01};
	const u8 mcast[6] = {0x01, 0, 0x5e, 0, 0, 1};
	const u8 bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const u8 zero[6] = {0};
	const u8 last[6] = {0, 0, 0, 0, 0, 1};
	char s[RTNL_MAC_STR_LEN];
	u8 back[6];

	(void)state;
	rtnl_mac_format(a, s);
	assert_string_equal(s, "02:ab:0c:00:ff:01");
	assert_int_equal(rtnl_mac_parse(s, back), 0);
	assert_memory_equal(back, a, 6);
	assert_false(rtnl_mac_is_multicast(a));
	assert_true(rtnl_mac_is_multicast(mcast));
	assert_true(rtnl_mac_is_multicast(bcast));
	assert_false(rtnl_mac_is_multicast(zero));
	assert_true(rtnl_mac_is_zero(zero));
	assert_false(rtnl_mac_is_zero(last));
	assert_false(rtnl_mac_is_zero(a));
}

static void test_to_set_and_names(void **state)
{
	struct rtnl_vf vf = {.index = 2,
			     .mac = {2, 0, 0, 0, 0, 7},
			     .vlan = 10,
			     .qos = 1,
			     .spoofchk = 1,
			     .trust = -1,
			     .link_state = 1};
	struct rtnl_vf_set set;

	(void)state;
	rtnl_vf_to_set(&vf, &set);
	assert_true(set.has_mac);
	assert_memory_equal(set.mac, vf.mac, 6);
	assert_true(set.has_vlan);
	assert_int_equal(set.vlan, 10);
	assert_int_equal(set.qos, 1);
	assert_true(set.has_spoofchk);
	assert_true(set.spoofchk);
	assert_false(set.has_trust);
	vf.spoofchk = 0;
	vf.trust = 0;
	vf.vlan_proto = 0x8100;
	rtnl_vf_to_set(&vf, &set);
	assert_true(set.has_spoofchk && !set.spoofchk);
	assert_true(set.has_trust && !set.trust);
	assert_true(set.has_vlan);
	vf.vlan_proto = 0x88a8; /* IFLA_VF_VLAN cannot express it */
	rtnl_vf_to_set(&vf, &set);
	assert_false(set.has_vlan);

	assert_string_equal(rtnl_link_state_name(IFLA_VF_LINK_STATE_AUTO), "auto");
	assert_string_equal(rtnl_link_state_name(IFLA_VF_LINK_STATE_ENABLE), "enable");
	assert_string_equal(rtnl_link_state_name(IFLA_VF_LINK_STATE_DISABLE), "disable");
	assert_string_equal(rtnl_link_state_name(-1), "?");
	assert_string_equal(rtnl_link_state_name(3), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_getlink),
	    cmocka_unit_test(test_build_setvf_all),
	    cmocka_unit_test(test_build_setvf_one_field),
	    cmocka_unit_test(test_build_setvf_invalid),
	    cmocka_unit_test(test_ack),
	    cmocka_unit_test(test_ack_ext_message),
	    cmocka_unit_test(test_ack_malformed),
	    cmocka_unit_test(test_mac_parse),
	    cmocka_unit_test(test_mac_format_and_kinds),
	    cmocka_unit_test(test_to_set_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
