// SPDX-License-Identifier: MIT
/*
 * cli_vf.c - the VF options: --vf BDF[,key=value]... and --vf-from-env VAR;
 * see cli.h. Each key is a row in vf_keys[] and a setter.
 */
#include <stdlib.h>
#include <string.h>

#include "vmm/cmd/cli.h"
#include "arch/layout.h"
#include "vmm/base/log.h"
#include "vmm/host/rtnl.h"
#include "vmm/pci/vfio.h"

#define VF_ARG_MAX   256
#define VF_VLAN_MAX  4094
#define VF_QOS_MAX   7
#define VF_KEYS_HELP "slot, mac, vlan, qos, spoofchk, trust, managed"

static int vf_slot(struct vf_opts *o, const char *val)
{
	unsigned long n;

	if (cli_parse_uint(val, PCI_MAX_SLOTS - 1, &n) < 0) {
		log_err("--vf %s: slot=%s: give a guest slot from %d to %d", o->arg, val,
			PCI_FIRST_DEVICE_SLOT, PCI_MAX_SLOTS - 1);
		return -EINVAL;
	}
	if (n == PCI_HOST_BRIDGE_SLOT) {
		log_err("--vf %s: slot=0 is the PCI host bridge; use slot=%d..%d", o->arg,
			PCI_FIRST_DEVICE_SLOT, PCI_MAX_SLOTS - 1);
		return -EINVAL;
	}
	o->slot = (int)n;
	return 0;
}

static int vf_mac(struct vf_opts *o, const char *val)
{
	if (rtnl_mac_parse(val, o->mac) < 0) {
		log_err("--vf %s: mac=%s: give six hex bytes, e.g. mac=52:54:00:6d:90:02", o->arg,
			val);
		return -EINVAL;
	}
	if (rtnl_mac_is_multicast(o->mac)) {
		log_err("--vf %s: mac=%s is a multicast address (low bit of the first byte set); "
			"give a unicast one, e.g. 52:54:00:..",
			o->arg, val);
		return -EINVAL;
	}
	if (rtnl_mac_is_zero(o->mac)) {
		log_err("--vf %s: mac=%s: the all-zero address is not a MAC; give a unicast one",
			o->arg, val);
		return -EINVAL;
	}
	o->has_mac = true;
	return 0;
}

static int vf_vlan(struct vf_opts *o, const char *val)
{
	unsigned long n;

	if (cli_parse_uint(val, VF_VLAN_MAX, &n) < 0) {
		log_err("--vf %s: vlan=%s: give a VLAN id from 0 (none) to %d", o->arg, val,
			VF_VLAN_MAX);
		return -EINVAL;
	}
	o->vlan = (int)n;
	return 0;
}

static int vf_qos(struct vf_opts *o, const char *val)
{
	unsigned long n;

	if (cli_parse_uint(val, VF_QOS_MAX, &n) < 0) {
		log_err("--vf %s: qos=%s: give an 802.1p priority from 0 to %d", o->arg, val,
			VF_QOS_MAX);
		return -EINVAL;
	}
	o->qos = (int)n;
	return 0;
}

/* on|off|yes|no|1|0 into *out; -EINVAL after naming key. */
static int vf_bool(struct vf_opts *o, const char *key, const char *val, int *out)
{
	if (!strcmp(val, "on") || !strcmp(val, "yes") || !strcmp(val, "1"))
		*out = 1;
	else if (!strcmp(val, "off") || !strcmp(val, "no") || !strcmp(val, "0"))
		*out = 0;
	else {
		log_err("--vf %s: %s=%s: give on or off", o->arg, key, val);
		return -EINVAL;
	}
	return 0;
}

static int vf_spoofchk(struct vf_opts *o, const char *val)
{
	return vf_bool(o, "spoofchk", val, &o->spoofchk);
}

static int vf_trust(struct vf_opts *o, const char *val)
{
	return vf_bool(o, "trust", val, &o->trust);
}

static int vf_managed(struct vf_opts *o, const char *val)
{
	int v = 1, r = vf_bool(o, "managed", val, &v);

	o->managed = v;
	return r;
}

static const struct {
	const char *name;
	int (*set)(struct vf_opts *o, const char *val);
} vf_keys[] = {
    {"slot", vf_slot},	       {"mac", vf_mac},	    {"vlan", vf_vlan},	     {"qos", vf_qos},
    {"spoofchk", vf_spoofchk}, {"trust", vf_trust}, {"managed", vf_managed},
};

int cli_parse_vf(const char *arg, struct vf_opts *out)
{
	char buf[VF_ARG_MAX], *p, *next;
	unsigned int seen = 0;

	_Static_assert(ARRAY_SIZE(vf_keys) <= 32, "seen is a 32-bit mask");
	memset(out, 0, sizeof(*out));
	out->arg = arg;
	out->slot = -1;
	out->vlan = -1;
	out->qos = -1;
	out->spoofchk = -1;
	out->trust = -1;
	out->managed = true;
	if (strlen(arg) >= sizeof(buf)) {
		log_err("--vf: argument too long (%zu bytes); give BDF[,key=value]...", strlen(arg));
		return -EINVAL;
	}
	strcpy(buf, arg);
	next = strchr(buf, ',');
	if (next)
		*next++ = '\0';
	if (vfio_parse_bdf(buf, out->bdf) < 0) {
		log_err("--vf %s: \"%s\" is not a PCI address; give DDDD:BB:DD.F or BB:DD.F as lspci "
			"-D shows it, e.g. --vf 0000:01:10.0",
			arg, buf);
		return -EINVAL;
	}
	while ((p = next)) {
		char *val;
		size_t k;

		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		val = strchr(p, '=');
		if (!*p || p == val) {
			log_err("--vf %s: empty option; give BDF[,key=value]... with keys %s", arg,
				VF_KEYS_HELP);
			return -EINVAL;
		}
		if (!val || !val[1]) {
			log_err("--vf %s: %s needs a value, e.g. slot=3", arg, p);
			return -EINVAL;
		}
		*val++ = '\0';
		for (k = 0; k < ARRAY_SIZE(vf_keys); k++)
			if (strcmp(p, vf_keys[k].name) == 0)
				break;
		if (k == ARRAY_SIZE(vf_keys)) {
			log_err("--vf %s: unknown key \"%s\"; the keys are: %s", arg, p,
				VF_KEYS_HELP);
			return -EINVAL;
		}
		if (seen & 1u << k) {
			log_err("--vf %s: %s given twice", arg, p);
			return -EINVAL;
		}
		seen |= 1u << k;
		if (vf_keys[k].set(out, val) < 0)
			return -EINVAL;
	}
	if (out->qos > 0 && out->vlan <= 0) {
		log_err("--vf %s: qos= applies to a VLAN; give vlan=N (1-%d) too", arg,
			VF_VLAN_MAX);
		return -EINVAL;
	}
	return 0;
}

int cli_add_vf(struct config *cfg, const char *arg)
{
	struct vf_opts o;

	if (cfg->nr_vfs == CLI_MAX_VFS) {
		log_err("--vf %s: too many; at most %d functions can be passed through", arg,
			CLI_MAX_VFS);
		return -EINVAL;
	}
	if (cli_parse_vf(arg, &o) < 0)
		return -EINVAL;
	for (unsigned int i = 0; i < cfg->nr_vfs; i++) {
		if (strcmp(cfg->vfs[i].bdf, o.bdf) == 0) {
			log_err("--vf %s: %s is already passed by --vf %s; give each function once",
				arg, o.bdf, cfg->vfs[i].arg);
			return -EINVAL;
		}
	}
	cfg->vfs[cfg->nr_vfs++] = o;
	return 0;
}

int cli_vf_from_env(struct config *cfg, const char *var)
{
	const char *val = *var ? getenv(var) : NULL;
	char *p, *next;

	if (!*var) {
		log_err("--vf-from-env: empty variable name; give e.g. "
			"PCIDEVICE_INTEL_COM_SRIOV_NETDEVICE");
		return -EINVAL;
	}
	if (!val || !*val) {
		log_err("--vf-from-env %s: the variable is %s; the SR-IOV device plugin sets it "
			"in a pod that requested VFs (comma-separated PCI addresses)",
			var, val ? "empty" : "not set");
		return -EINVAL;
	}
	free(cfg->vf_env);
	cfg->vf_env = strdup(val);
	if (!cfg->vf_env) {
		log_err("--vf-from-env %s: out of memory", var);
		return -ENOMEM;
	}
	for (p = cfg->vf_env; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		p += strspn(p, " \t");
		p[strcspn(p, " \t\n")] = '\0';
		if (!*p)
			continue; /* "a,,b" or a trailing comma */
		if (cli_add_vf(cfg, p) < 0)
			return -EINVAL; /* named the entry */
	}
	return 0;
}
