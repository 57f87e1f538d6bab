// SPDX-License-Identifier: MIT
/* vf_record.c - the crash record of a taken VF; see vf_record.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/bdf.h"
#include "vmm/host/vf_record.h"
#include "vmm/pci/vfio.h"

#define LINE_MAX_LEN 256

int vf_record_format(const struct vf_record *r, char *buf, size_t cap)
{
	char mac[RTNL_MAC_STR_LEN];
	int n;

	rtnl_mac_format(r->saved.mac, mac);
	n = snprintf(buf, cap,
		     "# tinyvmm: VF taken by pid %ld; `tinyvmm vf restore` gives it back\n"
		     "bdf=%s\npid=%ld\ndriver=%s\ndriver_override=%s\nrebound=%d\n"
		     "pf=%s\npf_netdev=%s\nvf_index=%d\nnet_saved=%d\n"
		     "mac=%s\nvlan=%u\nqos=%u\nvlan_proto=%u\nspoofchk=%d\ntrust=%d\n"
		     "link_state=%d\n",
		     r->pid, r->bdf, r->pid, r->driver, r->driver_override, r->rebound, r->pf,
		     r->pf_netdev, r->vf_index, r->net_saved, mac, r->saved.vlan, r->saved.qos,
		     r->saved.vlan_proto, r->saved.spoofchk, r->saved.trust, r->saved.link_state);
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

static int parse_long(const char *v, long min, long max, long *out)
{
	char *end;

	if (!*v)
		return -EINVAL;
	errno = 0;
	*out = strtol(v, &end, 10);
	return errno || *end || *out < min || *out > max ? -EINVAL : 0;
}

static int copy_str(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap || strchr(v, '/'))
		return -EINVAL;
	strcpy(dst, v);
	return 0;
}

static int parse_line(struct vf_record *r, const char *key, const char *v)
{
	long n;
	int e;

	if (!strcmp(key, "bdf"))
		return bdf_parse(v, r->bdf);
	if (!strcmp(key, "pf"))
		return *v ? bdf_parse(v, r->pf) : (r->pf[0] = '\0', 0);
	if (!strcmp(key, "driver"))
		return copy_str(r->driver, sizeof(r->driver), v);
	if (!strcmp(key, "driver_override"))
		return copy_str(r->driver_override, sizeof(r->driver_override), v);
	if (!strcmp(key, "pf_netdev"))
		return copy_str(r->pf_netdev, sizeof(r->pf_netdev), v);
	if (!strcmp(key, "mac"))
		return rtnl_mac_parse(v, r->saved.mac);
	if (!strcmp(key, "pid")) {
		e = parse_long(v, 1, 0x7fffffff, &r->pid);
		return e;
	}
	if (!strcmp(key, "rebound") || !strcmp(key, "net_saved")) {
		e = parse_long(v, 0, 1, &n);
		if (!e)
			*(key[0] == 'r' ? &r->rebound : &r->net_saved) = n;
		return e;
	}
	if (!strcmp(key, "vf_index")) {
		e = parse_long(v, -1, 65535, &n);
		r->vf_index = (int)n;
		return e;
	}
	if (!strcmp(key, "vlan") || !strcmp(key, "qos")) {
		e = parse_long(v, 0, key[0] == 'v' ? RTNL_VLAN_MAX : RTNL_QOS_MAX, &n);
		*(key[0] == 'v' ? &r->saved.vlan : &r->saved.qos) = (unsigned int)n;
		return e;
	}
	if (!strcmp(key, "vlan_proto")) {
		e = parse_long(v, 0, 0xffff, &n);
		r->saved.vlan_proto = (unsigned int)n;
		return e;
	}
	if (!strcmp(key, "spoofchk") || !strcmp(key, "trust") || !strcmp(key, "link_state")) {
		e = parse_long(v, -1, key[0] == 'l' ? 2 : 1, &n);
		*(key[0] == 's'	  ? &r->saved.spoofchk
		  : key[0] == 't' ? &r->saved.trust
				  : &r->saved.link_state) = (int)n;
		return e;
	}
	return 0; /* a key from a newer tinyvmm */
}

int vf_record_parse(const char *text, size_t len, struct vf_record *r)
{
	size_t i = 0;

	memset(r, 0, sizeof(*r));
	r->vf_index = -1;
	r->saved.spoofchk = r->saved.trust = r->saved.link_state = -1;
	while (i < len) {
		char line[LINE_MAX_LEN], *eq;
		size_t n = 0;

		while (i < len && text[i] != '\n') {
			if (n + 1 >= sizeof(line) || !text[i])
				return -EINVAL;
			line[n++] = text[i++];
		}
		i++; /* the newline */
		line[n] = '\0';
		if (!n || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq || eq == line)
			return -EINVAL;
		*eq = '\0';
		if (parse_line(r, line, eq + 1) < 0)
			return -EINVAL;
	}
	if (!r->bdf[0] || r->pid <= 0)
		return -EINVAL;
	r->saved.index = r->vf_index >= 0 ? (unsigned int)r->vf_index : 0;
	return 0;
}
