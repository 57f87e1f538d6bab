// SPDX-License-Identifier: MIT
/* vf_print.c - tinyvmm vf list's text columns and JSON document; see vf_print.h. */
#include <stdio.h>
#include <string.h>

#include "vmm/base/json_write.h"
#include "vmm/base/log.h"
#include "vmm/base/util.h"
#include "vmm/cmd/vf_print.h"

#define MAC_STR_LEN 18 /* "52:54:00:12:34:56" and its NUL */

struct fn_names {
	char vendor[128], device[128];
};

/* The names of fn's ids, "" when unknown or without a lookup. */
static void lookup(vf_print_names_fn names, const struct tinyvmm_pci_fn *fn, struct fn_names *out)
{
	out->vendor[0] = out->device[0] = '\0';
	if (names)
		names(fn->vendor_id, fn->device_id, out->vendor, sizeof(out->vendor), out->device,
		      sizeof(out->device));
}

static void mac_format(const unsigned char *mac, char out[MAC_STR_LEN])
{
	snprintf(out, MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

static const char *or_dash(const char *s)
{
	return s[0] ? s : "-";
}

static const char *onoff(int v)
{
	return v < 0 ? "-" : v ? "on" : "off";
}

/* Widths of the VF index, DRIVER and NETDEV columns: the widest value or header. */
static void col_widths(const struct tinyvmm_pf *pf, int *wi, int *wd, int *wn)
{
	*wi = 3;
	*wd = *wn = 10;
	for (unsigned int k = 0; k < pf->nr_vfs; k++) {
		char idx[16];

		*wi = MAX(*wi, snprintf(idx, sizeof(idx), "%d", pf->vfs[k].index));
		*wd = MAX(*wd, (int)strlen(pf->vfs[k].driver));
		*wn = MAX(*wn, (int)strlen(pf->vfs[k].netdev));
	}
}

void vf_print_text(FILE *f, const struct tinyvmm_vf_list *l, vf_print_names_fn names)
{
	if (!l->nr_pfs) {
		fprintf(f, "no SR-IOV capable PCI functions found\n");
		return;
	}
	for (unsigned int i = 0; i < l->nr_pfs; i++) {
		const struct tinyvmm_pf *pf = &l->pfs[i];
		char group[16];
		int wi, wd, wn;

		struct fn_names pn;

		lookup(names, &pf->fn, &pn);
		snprintf(group, sizeof(group), "%d", pf->fn.iommu_group);
		fprintf(f, "%sPF %s  %04x:%04x  %s %s\n", i ? "\n" : "", pf->fn.bdf,
			pf->fn.vendor_id, pf->fn.device_id, or_dash(pn.vendor), or_dash(pn.device));
		fprintf(f, "   driver %s, netdev %s, IOMMU group %s, %lu of %lu VFs\n",
			or_dash(pf->fn.driver), or_dash(pf->fn.netdev),
			pf->fn.iommu_group >= 0 ? group : "none (IOMMU off)", pf->sriov_numvfs,
			pf->sriov_totalvfs);
		if (!pf->nr_vfs)
			continue;
		col_widths(pf, &wi, &wd, &wn);
		fprintf(f, "   %-*s %-12s  %-*s %-*s %-5s %-6s %-17s %-4s %-3s %-8s %-5s %s\n", wi,
			"VF", "BDF", wd, "DRIVER", wn, "NETDEV", "GROUP", "VIABLE", "MAC", "VLAN",
			"QOS", "SPOOFCHK", "TRUST", "DEVICE");
		for (unsigned int k = 0; k < pf->nr_vfs; k++) {
			const struct tinyvmm_pci_fn *vf = &pf->vfs[k];
			char mac[MAC_STR_LEN] = "-", vlan[8] = "-", qos[8] = "-";
			struct fn_names vn;

			lookup(names, vf, &vn);
			snprintf(group, sizeof(group), "%d", vf->iommu_group);
			if (vf->has_settings) {
				mac_format(vf->mac, mac);
				snprintf(vlan, sizeof(vlan), "%u", vf->vlan);
				snprintf(qos, sizeof(qos), "%u", vf->qos);
			}
			fprintf(f,
				"   %-*d %-12s  %-*s %-*s %-5s %-6s %-17s %-4s %-3s %-8s %-5s %s\n",
				wi, vf->index, vf->bdf, wd, or_dash(vf->driver), wn,
				or_dash(vf->netdev), vf->iommu_group >= 0 ? group : "-",
				vf->viable ? "yes" : "no", mac, vlan, qos,
				vf->has_settings ? onoff(vf->spoofchk) : "-",
				vf->has_settings ? onoff(vf->trust) : "-", or_dash(vn.device));
		}
	}
}

/* A string member, null for "". */
static void kv_str_or_null(struct json_writer *w, const char *key, const char *s)
{
	if (s[0])
		json_write_kv_str(w, key, s);
	else
		json_write_kv_null(w, key);
}

/* A setting the PF may not report: true, false or (v < 0) null. */
static void kv_setting(struct json_writer *w, const char *key, int v)
{
	if (v < 0)
		json_write_kv_null(w, key);
	else
		json_write_kv_bool(w, key, v);
}

/* The members a PF and a VF share. */
static void json_fn(struct json_writer *w, const struct tinyvmm_pci_fn *fn, vf_print_names_fn names)
{
	struct fn_names n;
	char id[8];

	lookup(names, fn, &n);
	kv_str_or_null(w, "bdf", fn->bdf);
	if (fn->index >= 0)
		json_write_kv_int(w, "index", fn->index);
	snprintf(id, sizeof(id), "%04x", fn->vendor_id);
	kv_str_or_null(w, "vendor_id", id);
	snprintf(id, sizeof(id), "%04x", fn->device_id);
	kv_str_or_null(w, "device_id", id);
	kv_str_or_null(w, "vendor", n.vendor);
	kv_str_or_null(w, "device", n.device);
	kv_str_or_null(w, "driver", fn->driver);
	kv_str_or_null(w, "netdev", fn->netdev);
	if (fn->iommu_group >= 0)
		json_write_kv_int(w, "iommu_group", fn->iommu_group);
	else
		json_write_kv_null(w, "iommu_group");
	json_write_kv_bool(w, "viable", fn->viable);
}

static void json_vf(struct json_writer *w, const struct tinyvmm_pci_fn *vf, vf_print_names_fn names)
{
	static const char *const link_states[] = {"auto", "enable", "disable"};
	char mac[MAC_STR_LEN];

	json_write_object_begin(w);
	json_fn(w, vf, names);
	if (vf->has_settings) {
		mac_format(vf->mac, mac);
		json_write_kv_str(w, "mac", mac);
		json_write_kv_uint(w, "vlan", vf->vlan);
		json_write_kv_uint(w, "qos", vf->qos);
		kv_setting(w, "spoofchk", vf->spoofchk);
		kv_setting(w, "trust", vf->trust);
		if (vf->link_state >= 0 && vf->link_state < (int)ARRAY_SIZE(link_states))
			json_write_kv_str(w, "link_state", link_states[vf->link_state]);
		else
			json_write_kv_null(w, "link_state");
	} else {
		static const char *const unknown[] = {"mac",	  "vlan",  "qos",
						      "spoofchk", "trust", "link_state"};

		for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
			json_write_kv_null(w, unknown[i]);
	}
	json_write_object_end(w);
}

/* Print the text w holds and empty it: false (logged) when it did not fit. */
static bool print_part(FILE *f, struct json_writer *w)
{
	int n = json_write_part(w);

	if (n < 0) {
		log_err("vf list --json: a PF or VF entry does not fit in %zu bytes", w->cap);
		return false;
	}
	fwrite(w->buf, 1, (size_t)n, f);
	json_write_clear(w);
	return true;
}

/* Built with the writer, printed an entry at a time: PFs and VFs one a line. */
void vf_print_json(FILE *f, const struct tinyvmm_vf_list *l, vf_print_names_fn names)
{
	char buf[8192]; /* one PF or VF entry, every string escaped */
	struct json_writer w;

	json_write_init(&w, buf, sizeof(buf));
	json_write_object_begin(&w);
	json_write_kv_int(&w, "version", 1);
	json_write_key(&w, "pfs");
	json_write_array_begin_lines(&w);
	for (unsigned int i = 0; i < l->nr_pfs; i++) {
		const struct tinyvmm_pf *pf = &l->pfs[i];

		json_write_object_begin(&w);
		json_fn(&w, &pf->fn, names);
		json_write_kv_uint(&w, "sriov_numvfs", pf->sriov_numvfs);
		json_write_kv_uint(&w, "sriov_totalvfs", pf->sriov_totalvfs);
		json_write_key(&w, "vfs");
		json_write_array_begin_lines(&w);
		for (unsigned int k = 0; k < pf->nr_vfs; k++) {
			json_vf(&w, &pf->vfs[k], names);
			if (!print_part(f, &w))
				return;
		}
		json_write_array_end(&w);
		json_write_object_end(&w);
		if (!print_part(f, &w))
			return;
	}
	json_write_array_end(&w);
	json_write_object_end(&w);
	if (json_write_finish_line(&w) < 0)
		log_err("vf list --json: cannot finish the document");
	else
		fputs(buf, f);
}
