// SPDX-License-Identifier: MIT
/*
 * test_rtnl.c - the RTM_NEWLINK parser (rtnl.c) against hand-made replies:
 * three VFs with every field, odd entries skipped, a builder round trip,
 * and malformed replies (truncated, lying nla_len at every level, short
 * structs, too many VFs, wrong message types, disagreeing vf fields, every
 * byte mutated). Buffers are malloc'd to their exact length (ASan).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>

#include "tests/rtnl_fixture.h"

/* ---- parser: good replies ---- */

static void test_parse_three_vfs(void **state)
{
	struct rtnl_vf vfs[4];
	unsigned int nr = 99;
	struct mb m;
	const u8 zero[6] = {0};

	(void)state;
	build_reply(&m, three_vfs, 3);
	assert_int_equal(parse_exact(&m, m.len, vfs, 4, &nr), 0);
	assert_int_equal(nr, 3);

	assert_int_equal(vfs[0].index, 0);
	assert_memory_equal(vfs[0].mac, three_vfs[0].mac, 6);
	assert_int_equal(vfs[0].vlan, 0);
	assert_int_equal(vfs[0].qos, 0);
	assert_int_equal(vfs[0].vlan_proto, 0x8100);
	assert_int_equal(vfs[0].spoofchk, 1);
	assert_int_equal(vfs[0].trust, 0);
	assert_int_equal(vfs[0].link_state, IFLA_VF_LINK_STATE_AUTO);

	assert_int_equal(vfs[1].index, 1);
	assert_memory_equal(vfs[1].mac, three_vfs[1].mac, 6);
	assert_int_equal(vfs[1].vlan, 100);
	assert_int_equal(vfs[1].qos, 3);
	assert_int_equal(vfs[1].vlan_proto, 0);
	assert_int_equal(vfs[1].spoofchk, 0);
	assert_int_equal(vfs[1].trust, 1);
	assert_int_equal(vfs[1].link_state, IFLA_VF_LINK_STATE_ENABLE);

	/* Index from IFLA_VF_MAC, not the position; ~0 settings = not reported. */
	assert_int_equal(vfs[2].index, 5);
	assert_memory_equal(vfs[2].mac, zero, 6);
	assert_int_equal(vfs[2].vlan, 4095);
	assert_int_equal(vfs[2].qos, 7);
	assert_int_equal(vfs[2].vlan_proto, 0x88a8);
	assert_int_equal(vfs[2].spoofchk, -1);
	assert_int_equal(vfs[2].trust, -1);
	assert_int_equal(vfs[2].link_state, -1);

	assert_int_equal(rtnl_parse_link_index(m.buf, m.len), 7);
}

static void test_parse_no_vfs(void **state)
{
	struct rtnl_vf vfs[1];
	unsigned int nr = 99;
	struct mb m;

	(void)state;
	mb_hdr(&m, RTM_NEWLINK, 1);
	mb_attr(&m, IFLA_IFNAME, "lo", 3);
	mb_done(&m);
	assert_int_equal(parse_exact(&m, m.len, vfs, 1, &nr), 0);
	assert_int_equal(nr, 0);
	/* An empty list is no VFs either; max 0 with no array is fine then. */
	build_reply(&m, three_vfs, 0);
	assert_int_equal(parse_exact(&m, m.len, NULL, 0, &nr), 0);
	assert_int_equal(nr, 0);
}

static void test_parse_skips_odd_entries(void **state)
{
	struct ifla_vf_vlan vlan = {.vf = 3, .vlan = 7};
	struct rtnl_vf vfs[4];
	unsigned int nr;
	struct mb m;
	size_t list, info;

	(void)state;
	mb_hdr(&m, RTM_NEWLINK, 7);
	list = mb_nest(&m, IFLA_VFINFO_LIST);
	mb_vf(&m, &three_vfs[0]);
	mb_u32(&m, 7, 1);		  /* not IFLA_VF_INFO: skipped */
	info = mb_nest(&m, IFLA_VF_INFO); /* no IFLA_VF_MAC: no index, skipped */
	mb_attr(&m, IFLA_VF_VLAN, &vlan, sizeof(vlan));
	mb_end(&m, info);
	mb_vf(&m, &three_vfs[1]);
	mb_end(&m, list);
	mb_done(&m);
	assert_int_equal(parse_exact(&m, m.len, vfs, 4, &nr), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(vfs[0].index, 0);
	assert_int_equal(vfs[1].index, 1);
	assert_int_equal(vfs[1].vlan, 100);
}

/* The builder's RTM_SETLINK, relabelled RTM_NEWLINK, parses back to the set. */
static void test_build_parse_roundtrip(void **state)
{
	struct rtnl_vf_set set = {.has_mac = true,
				  .has_vlan = true,
				  .has_spoofchk = true,
				  .has_trust = true,
				  .mac = {0x52, 0x54, 0, 0x12, 0x34, 0x56},
				  .vlan = 42,
				  .qos = 2,
				  .spoofchk = false,
				  .trust = true};
	struct rtnl_vf vf;
	unsigned int nr;
	u8 buf[256];
	u16 type = RTM_NEWLINK;
	int len;

	(void)state;
	len = rtnl_build_setvf(buf, sizeof(buf), 3, 1, 9, &set);
	assert_true(len > 0);
	memcpy(buf + offsetof(struct nlmsghdr, nlmsg_type), &type, sizeof(type));
	assert_int_equal(rtnl_parse_link(buf, (size_t)len, &vf, 1, &nr), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(vf.index, 9);
	assert_memory_equal(vf.mac, set.mac, 6);
	assert_int_equal(vf.vlan, 42);
	assert_int_equal(vf.qos, 2);
	assert_int_equal(vf.spoofchk, 0);
	assert_int_equal(vf.trust, 1);
	assert_int_equal(vf.link_state, -1);
}

/* ---- parser: malformed replies ---- */

static void test_parse_truncated(void **state)
{
	struct rtnl_vf vfs[4];
	unsigned int nr;
	struct mb m;

	(void)state;
	build_reply(&m, three_vfs, 3);
	/* nlmsg_len says more than the buffer holds: rejected at every cut. */
	for (size_t len = 0; len < m.len; len++) {
		nr = 99;
		assert_int_equal(parse_exact(&m, len, vfs, 4, &nr), -EINVAL);
		assert_int_equal(nr, 0);
	}
	/*
	 * nlmsg_len itself cut short, buffer full size: anything that cuts an
	 * attribute (the list above all) is rejected; cuts between attributes
	 * give what lies before them.
	 */
	size_t list = find_attr(&m, ATTRS, IFLA_VFINFO_LIST), list_end;
	struct nlattr a;

	memcpy(&a, m.buf + list, sizeof(a));
	list_end = list + a.nla_len;
	for (size_t cut = 0; cut < m.len; cut += 4) {
		struct mb t = m;
		u32 l = (u32)cut;
		int r;

		memcpy(t.buf, &l, sizeof(l));
		r = parse_exact(&t, m.len, vfs, 4, &nr);
		if (cut <= list) {
			/* Header too short, or a link without VFs. */
			assert_true(r == -EINVAL || (r == 0 && nr == 0));
		} else if (cut == list_end) {
			assert_int_equal(r, 0);
			assert_int_equal(nr, 3);
		} else {
			assert_int_equal(r, -EINVAL);
			assert_int_equal(nr, 0);
		}
	}
}

static void test_parse_lying_nla_len(void **state)
{
	struct rtnl_vf vfs[4];
	unsigned int nr;
	struct mb m, t;
	size_t list, info, mac;

	(void)state;
	build_reply(&m, three_vfs, 3);
	list = find_attr(&m, ATTRS, IFLA_VFINFO_LIST);
	info = list + RTNL_NLA_HDRLEN;
	mac = find_attr(&m, info + RTNL_NLA_HDRLEN, IFLA_VF_MAC);

	/* The list claims more than the message has. */
	t = m;
	mb_setlen16(&t, list, 0xffff);
	assert_int_equal(parse_exact(&t, t.len, vfs, 4, &nr), -EINVAL);
	assert_int_equal(nr, 0);
	/* An nla_len below the attribute header, at each level. */
	for (u16 bad = 0; bad < RTNL_NLA_HDRLEN; bad++) {
		t = m;
		mb_setlen16(&t, info, bad);
		assert_int_equal(parse_exact(&t, t.len, vfs, 4, &nr), -EINVAL);
		t = m;
		mb_setlen16(&t, mac, bad);
		assert_int_equal(parse_exact(&t, t.len, vfs, 4, &nr), -EINVAL);
	}
	/* The first VF_INFO runs past the end of its list. */
	t = m;
	{
		struct nlattr a;

		memcpy(&a, t.buf + info, sizeof(a));
		mb_setlen16(&t, list, RTNL_NLA_HDRLEN + a.nla_len - 8);
	}
	assert_int_equal(parse_exact(&t, t.len, vfs, 4, &nr), -EINVAL);
	/* An IFLA_VF_MAC that claims to run past its VF_INFO. */
	t = m;
	mb_setlen16(&t, mac, 0x400);
	assert_int_equal(parse_exact(&t, t.len, vfs, 4, &nr), -EINVAL);
}

/* Each per-VF struct one byte (or more) too short is rejected, not read past. */
static void test_parse_short_structs(void **state)
{
	static const struct {
		u16 type;
		size_t len;
	} cases[] = {
	    {IFLA_VF_MAC, sizeof(struct ifla_vf_mac) - 1},
	    {IFLA_VF_MAC, 10},
	    {IFLA_VF_MAC, 0},
	    {IFLA_VF_VLAN, sizeof(struct ifla_vf_vlan) - 4},
	    {IFLA_VF_SPOOFCHK, 4},
	    {IFLA_VF_TRUST, 7},
	    {IFLA_VF_LINK_STATE, 4},
	};
	u8 zeros[64] = {0};
	struct rtnl_vf vfs[2];
	unsigned int nr;
	struct mb m;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t list, info;
		struct ifla_vf_mac mac = {.vf = 0};

		mb_hdr(&m, RTM_NEWLINK, 7);
		list = mb_nest(&m, IFLA_VFINFO_LIST);
		info = mb_nest(&m, IFLA_VF_INFO);
		if (cases[i].type != IFLA_VF_MAC)
			mb_attr(&m, IFLA_VF_MAC, &mac, sizeof(mac));
		/* Put the short attribute last so it ends exactly at the message end. */
		mb_attr(&m, cases[i].type, zeros, cases[i].len);
		mb_end(&m, info);
		mb_end(&m, list);
		mb_done(&m);
		nr = 99;
		assert_int_equal(parse_exact(&m, m.len, vfs, 2, &nr), -EINVAL);
		assert_int_equal(nr, 0);
	}
	/* A VLAN_INFO inside VLAN_LIST without its vlan_proto. */
	{
		size_t list, info, vl;
		struct ifla_vf_mac mac = {.vf = 0};

		mb_hdr(&m, RTM_NEWLINK, 7);
		list = mb_nest(&m, IFLA_VFINFO_LIST);
		info = mb_nest(&m, IFLA_VF_INFO);
		mb_attr(&m, IFLA_VF_MAC, &mac, sizeof(mac));
		vl = mb_nest(&m, IFLA_VF_VLAN_LIST);
		mb_attr(&m, IFLA_VF_VLAN_INFO, zeros, 12);
		mb_end(&m, vl);
		mb_end(&m, info);
		mb_end(&m, list);
		mb_done(&m);
		assert_int_equal(parse_exact(&m, m.len, vfs, 2, &nr), -EINVAL);
	}
}

static void test_parse_too_many_vfs(void **state)
{
	struct rtnl_vf vfs[3];
	unsigned int nr;
	struct mb m;

	(void)state;
	build_reply(&m, three_vfs, 3);
	memset(vfs, 0xa5, sizeof(vfs));
	assert_int_equal(parse_exact(&m, m.len, vfs, 2, &nr), -E2BIG);
	assert_int_equal(nr, 2);
	assert_int_equal(vfs[0].index, 0);
	assert_int_equal(vfs[1].index, 1);
	assert_int_equal(vfs[2].index, 0xa5a5a5a5); /* untouched */
	assert_int_equal(parse_exact(&m, m.len, NULL, 0, &nr), -E2BIG);
	assert_int_equal(nr, 0);
	assert_int_equal(parse_exact(&m, m.len, vfs, 3, &nr), 0);
	assert_int_equal(nr, 3);
	/* Bad arguments. */
	assert_int_equal(rtnl_parse_link(m.buf, m.len, NULL, 3, &nr), -EINVAL);
	assert_int_equal(rtnl_parse_link(m.buf, m.len, vfs, 3, NULL), -EINVAL);
	assert_int_equal(rtnl_parse_link(NULL, 100, vfs, 3, &nr), -EINVAL);
}

static void test_parse_wrong_messages(void **state)
{
	struct rtnl_vf vfs[3];
	unsigned int nr;
	struct mb m;
	struct nlmsghdr h = {.nlmsg_len = 36, .nlmsg_type = NLMSG_ERROR};
	int err;

	(void)state;
	/* The kernel's error for the request comes back as the result. */
	m.len = 0;
	mb_put(&m, &h, sizeof(h));
	err = -ENODEV;
	mb_put(&m, &err, sizeof(err));
	mb_put(&m, &h, sizeof(h)); /* the (capped) request header */
	mb_done(&m);
	assert_int_equal(parse_exact(&m, m.len, vfs, 3, &nr), -ENODEV);
	assert_int_equal(rtnl_parse_link_index(m.buf, m.len), -EINVAL);
	/* A plain ACK is no answer to RTM_GETLINK. */
	err = 0;
	memcpy(m.buf + NLMSG_HDRLEN, &err, sizeof(err));
	assert_int_equal(parse_exact(&m, m.len, vfs, 3, &nr), -EINVAL);

	/* Another message type. */
	build_reply(&m, three_vfs, 1);
	{
		u16 t = RTM_NEWADDR;

		memcpy(m.buf + offsetof(struct nlmsghdr, nlmsg_type), &t, sizeof(t));
	}
	assert_int_equal(parse_exact(&m, m.len, vfs, 3, &nr), -EINVAL);
	/* An RTM_NEWLINK with no room for its ifinfomsg. */
	mb_hdr(&m, RTM_NEWLINK, 7);
	m.len = NLMSG_HDRLEN + 8;
	mb_done(&m);
	assert_int_equal(parse_exact(&m, m.len, vfs, 3, &nr), -EINVAL);
	assert_int_equal(rtnl_parse_link_index(m.buf, m.len), -EINVAL);
}

static void test_parse_vf_mismatch(void **state)
{
	struct ifla_vf_mac mac = {.vf = 1};
	struct ifla_vf_vlan vlan = {.vf = 2};
	struct rtnl_vf vfs[2];
	unsigned int nr;
	struct mb m;
	size_t list, info;

	(void)state;
	mb_hdr(&m, RTM_NEWLINK, 7);
	list = mb_nest(&m, IFLA_VFINFO_LIST);
	info = mb_nest(&m, IFLA_VF_INFO);
	mb_attr(&m, IFLA_VF_MAC, &mac, sizeof(mac));
	mb_attr(&m, IFLA_VF_VLAN, &vlan, sizeof(vlan));
	mb_end(&m, info);
	mb_end(&m, list);
	mb_done(&m);
	assert_int_equal(parse_exact(&m, m.len, vfs, 2, &nr), -EINVAL);
	assert_int_equal(nr, 0);
}

/* Every byte flipped several ways: results stay sane and ASan stays quiet. */
static void test_parse_mutations(void **state)
{
	static const u8 flips[] = {0x01, 0x04, 0x80, 0xff, 0x7f};
	struct rtnl_vf vfs[3];
	unsigned int nr;
	struct mb m, t;
	int counts[3] = {0};

	(void)state;
	build_reply(&m, three_vfs, 3);
	for (size_t i = 0; i < m.len; i++) {
		for (size_t f = 0; f < ARRAY_SIZE(flips); f++) {
			int r;

			t = m;
			t.buf[i] ^= flips[f];
			r = parse_exact(&t, t.len, vfs, 3, &nr);
			assert_true(r == 0 || r == -EINVAL || r == -E2BIG);
			assert_true(nr <= 3);
			counts[r == 0 ? 0 : r == -EINVAL ? 1 : 2]++;
		}
	}
	/* Both outcomes occur: mutations inside values parse, lengths do not. */
	assert_true(counts[0] > 0);
	assert_true(counts[1] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_three_vfs),
	    cmocka_unit_test(test_parse_no_vfs),
	    cmocka_unit_test(test_parse_skips_odd_entries),
	    cmocka_unit_test(test_build_parse_roundtrip),
	    cmocka_unit_test(test_parse_truncated),
	    cmocka_unit_test(test_parse_lying_nla_len),
	    cmocka_unit_test(test_parse_short_structs),
	    cmocka_unit_test(test_parse_too_many_vfs),
	    cmocka_unit_test(test_parse_wrong_messages),
	    cmocka_unit_test(test_parse_vf_mismatch),
	    cmocka_unit_test(test_parse_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
