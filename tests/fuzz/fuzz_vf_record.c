// SPDX-License-Identifier: MIT
/*
 * fuzz_vf_record.c - the crash record parser (vmm/host/vf_record.c): the
 * input is the text of a /run/tinyvmm/<bdf>.record file. What it accepts
 * must be sane (a canonical BDF, a pid, names without '/', values in
 * range) and survive vf_record_format() and a second parse unchanged;
 * formatting into too small a buffer is refused whole.
 */
#include "tests/fuzz/fuzz.h"

#include "vmm/base/bdf.h"
#include "vmm/host/vf_record.h"

static bool same(const struct vf_record *a, const struct vf_record *b)
{
	return !strcmp(a->bdf, b->bdf) && a->pid == b->pid && !strcmp(a->driver, b->driver) &&
	       !strcmp(a->driver_override, b->driver_override) && a->rebound == b->rebound &&
	       !strcmp(a->pf, b->pf) && !strcmp(a->pf_netdev, b->pf_netdev) &&
	       a->vf_index == b->vf_index && a->net_saved == b->net_saved &&
	       a->saved.index == b->saved.index && !memcmp(a->saved.mac, b->saved.mac, 6) &&
	       a->saved.vlan == b->saved.vlan && a->saved.qos == b->saved.qos &&
	       a->saved.vlan_proto == b->saved.vlan_proto &&
	       a->saved.spoofchk == b->saved.spoofchk && a->saved.trust == b->saved.trust &&
	       a->saved.link_state == b->saved.link_state;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vf_record r, back;
	char text[2048], canon[BDF_SIZE];
	int n;

	if (vf_record_parse((const char *)data, size, &r) < 0)
		return 0;
	FUZZ_CHECK(bdf_parse(r.bdf, canon) == 0 && strcmp(canon, r.bdf) == 0);
	FUZZ_CHECK(!r.pf[0] || (bdf_parse(r.pf, canon) == 0 && strcmp(canon, r.pf) == 0));
	FUZZ_CHECK(r.pid > 0);
	FUZZ_CHECK(!strchr(r.driver, '/') && !strchr(r.driver_override, '/') &&
		   !strchr(r.pf_netdev, '/'));
	FUZZ_CHECK(r.vf_index >= -1 && r.vf_index <= 65535);
	FUZZ_CHECK(r.saved.vlan <= RTNL_VLAN_MAX && r.saved.qos <= RTNL_QOS_MAX);
	FUZZ_CHECK(r.saved.spoofchk >= -1 && r.saved.spoofchk <= 1);
	FUZZ_CHECK(r.saved.trust >= -1 && r.saved.trust <= 1);
	FUZZ_CHECK(r.saved.link_state >= -1 && r.saved.link_state <= 2);

	n = vf_record_format(&r, text, sizeof(text));
	FUZZ_CHECK(n > 0 && (size_t)n == strlen(text));
	FUZZ_CHECK(vf_record_format(&r, text, (size_t)n) == -ENOSPC);
	n = vf_record_format(&r, text, sizeof(text));
	FUZZ_CHECK(vf_record_parse(text, (size_t)n, &back) == 0);
	FUZZ_CHECK(same(&r, &back));
	return 0;
}
