// SPDX-License-Identifier: MIT
/*
 * vf_spec.c - the --vf syntax, BDF[,key=value]..., into a struct
 * tinyvmm_vf: tinyvmm_vf_parse() of the public header. Each key is a row
 * in vf_keys[] and a setter; the checks of a filled struct are config.c's.
 */
#include <string.h>

#include "include/tinyvmm.h"
#include "vmm/base/bdf.h"
#include "vmm/api/config.h"
#include "vmm/base/err.h"
#include "vmm/base/parse.h"
#include "vmm/host/rtnl.h"

#define VF_ARG_MAX   256
#define VF_KEYS_HELP "slot, mac, vlan, qos, spoofchk, trust, managed"

static int vf_slot(struct tinyvmm_vf *o, const char *arg, const char *val)
{
	unsigned long n;

	if (parse_uint(val, CONFIG_MAX_SLOT, &n) < 0)
		return err_user(-EINVAL, "--vf %s: slot=%s: give a guest slot from %d to %d", arg,
				val, CONFIG_MIN_SLOT, CONFIG_MAX_SLOT);
	if (n == 0)
		return err_user(-EINVAL, "--vf %s: slot=0 is the PCI host bridge; use slot=%d..%d",
				arg, CONFIG_MIN_SLOT, CONFIG_MAX_SLOT);
	o->slot = (unsigned int)n;
	return 0;
}

static int vf_mac(struct tinyvmm_vf *o, const char *arg, const char *val)
{
	if (rtnl_mac_parse(val, o->mac) < 0)
		return err_user(-EINVAL,
				"--vf %s: mac=%s: give six hex bytes, e.g. mac=52:54:00:6d:90:02",
				arg, val);
	o->set_mac = true;
	return 0; /* multicast and zero: config_check() */
}

static int vf_vlan(struct tinyvmm_vf *o, const char *arg, const char *val)
{
	unsigned long n;

	if (parse_uint(val, CONFIG_VLAN_MAX, &n) < 0)
		return err_user(-EINVAL, "--vf %s: vlan=%s: give a VLAN id from 0 (none) to %d",
				arg, val, CONFIG_VLAN_MAX);
	o->set_vlan = true;
	o->vlan = (unsigned int)n;
	return 0;
}

static int vf_qos(struct tinyvmm_vf *o, const char *arg, const char *val)
{
	unsigned long n;

	if (parse_uint(val, CONFIG_QOS_MAX, &n) < 0)
		return err_user(-EINVAL, "--vf %s: qos=%s: give an 802.1p priority from 0 to %d",
				arg, val, CONFIG_QOS_MAX);
	o->qos = (unsigned int)n;
	return 0;
}

/* on|off|yes|no|1|0 into *on. */
static int vf_bool(const char *arg, const char *key, const char *val, bool *on)
{
	if (!strcmp(val, "on") || !strcmp(val, "yes") || !strcmp(val, "1"))
		*on = true;
	else if (!strcmp(val, "off") || !strcmp(val, "no") || !strcmp(val, "0"))
		*on = false;
	else
		return err_user(-EINVAL, "--vf %s: %s=%s: give on or off", arg, key, val);
	return 0;
}

static int vf_spoofchk(struct tinyvmm_vf *o, const char *arg, const char *val)
{
	bool on = false;
	int r = vf_bool(arg, "spoofchk", val, &on);

	if (r == 0)
		o->spoofchk = on ? TINYVMM_ON : TINYVMM_OFF;
	return r;
}

static int vf_trust(struct tinyvmm_vf *o, const char *arg, const char *val)
{
	bool on = false;
	int r = vf_bool(arg, "trust", val, &on);

	if (r == 0)
		o->trust = on ? TINYVMM_ON : TINYVMM_OFF;
	return r;
}

static int vf_managed(struct tinyvmm_vf *o, const char *arg, const char *val)
{
	bool on = true;
	int r = vf_bool(arg, "managed", val, &on);

	if (r == 0)
		o->unmanaged = !on;
	return r;
}

static const struct {
	const char *name;
	int (*set)(struct tinyvmm_vf *o, const char *arg, const char *val);
} vf_keys[] = {
    {"slot", vf_slot},	       {"mac", vf_mac},	    {"vlan", vf_vlan},	     {"qos", vf_qos},
    {"spoofchk", vf_spoofchk}, {"trust", vf_trust}, {"managed", vf_managed},
};

int tinyvmm_vf_parse(const char *arg, struct tinyvmm_vf *out)
{
	char buf[VF_ARG_MAX], *p, *next;
	unsigned int seen = 0;
	int r;

	_Static_assert(ARRAY_SIZE(vf_keys) <= 32, "seen is a 32-bit mask");
	if (!arg || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (strlen(arg) >= sizeof(buf))
		return err_user(-EINVAL,
				"--vf: argument too long (%zu bytes); give BDF[,key=value]...",
				strlen(arg));
	strcpy(buf, arg);
	next = strchr(buf, ',');
	if (next)
		*next++ = '\0';
	if (bdf_parse(buf, out->bdf) < 0)
		return err_user(
		    -EINVAL,
		    "--vf %s: \"%s\" is not a PCI address; give DDDD:BB:DD.F or BB:DD.F "
		    "as lspci -D shows it, e.g. --vf 0000:01:10.0",
		    arg, buf);
	while ((p = next)) {
		char *val;
		size_t k;

		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		val = strchr(p, '=');
		if (!*p || p == val)
			return err_user(
			    -EINVAL, "--vf %s: empty option; give BDF[,key=value]... with keys %s",
			    arg, VF_KEYS_HELP);
		if (val)
			*val++ = '\0';
		/* the key first: "color=" is an unknown key, not a missing value */
		for (k = 0; k < ARRAY_SIZE(vf_keys); k++)
			if (strcmp(p, vf_keys[k].name) == 0)
				break;
		if (k == ARRAY_SIZE(vf_keys))
			return err_user(-EINVAL, "--vf %s: unknown key \"%s\"; the keys are: %s",
					arg, p, VF_KEYS_HELP);
		if (!val || !*val)
			return err_user(-EINVAL, "--vf %s: %s needs a value: %s=VALUE", arg, p, p);
		if (seen & 1u << k)
			return err_user(-EINVAL, "--vf %s: %s given twice", arg, p);
		seen |= 1u << k;
		r = vf_keys[k].set(out, arg, val);
		if (r < 0)
			return r;
	}
	return config_check_vf(out, arg);
}
