// SPDX-License-Identifier: MIT
/* vf_list.c - SR-IOV PFs and their VFs; see vf_list.h. */
#include <limits.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/core/events.h"
#include "vmm/base/log.h"
#include "vmm/host/vf_list.h"

/* libpci's error callback must not return: jump back out of the call. */
static jmp_buf pci_jmp;
static char pci_errmsg[256];

static void PRINTF(1, 2) __attribute__((noreturn)) pci_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_errmsg, sizeof(pci_errmsg), msg, ap);
	va_end(ap);
	longjmp(pci_jmp, 1);
}

static void PRINTF(1, 2) pci_quiet(char *msg UNUSED, ...)
{
}

static void fn_names(struct pci_access *acc, struct vf_fn *fn)
{
	char *s;

	s = pci_lookup_name(acc, fn->vendor, sizeof(fn->vendor),
			    PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS, fn->vendor_id);
	if (!s)
		fn->vendor[0] = '\0';
	s = pci_lookup_name(acc, fn->device, sizeof(fn->device),
			    PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS, fn->vendor_id, fn->device_id);
	if (!s)
		fn->device[0] = '\0';
}

/* Driver, netdev, IOMMU group and viability from sysfs. */
static void fn_sysfs(const char *root, struct vf_fn *fn)
{
	char bad[256], ok[256];

	pci_sysfs_driver(root, fn->bdf, fn->driver, sizeof(fn->driver));
	pci_sysfs_netdev(root, fn->bdf, fn->netdev, sizeof(fn->netdev));
	fn->group = pci_sysfs_iommu_group(root, fn->bdf);
	fn->viable =
	    fn->group >= 0 && pci_sysfs_group_others(root, fn->group, fn->bdf, bad, sizeof(bad), ok,
						  sizeof(ok)) == 0;
	if (fn->group < 0)
		fn->group = -1;
}

/* Vendor/device ids of a function libpci did not list (fallback: sysfs files). */
static void fn_ids(struct pci_access *acc, const char *root, struct vf_fn *fn)
{
	unsigned int dom, bus, dev, func;
	char buf[16];

	if (sscanf(fn->bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &func) == 4) {
		for (struct pci_dev *d = acc->devices; d; d = d->next) {
			if ((unsigned int)d->domain == dom && d->bus == bus && d->dev == dev &&
			    d->func == func) {
				pci_fill_info(d, PCI_FILL_IDENT);
				fn->vendor_id = d->vendor_id;
				fn->device_id = d->device_id;
				return;
			}
		}
	}
	if (pci_sysfs_read_attr(root, fn->bdf, "vendor", buf, sizeof(buf)) == 0)
		fn->vendor_id = (unsigned int)strtoul(buf, NULL, 16);
	if (pci_sysfs_read_attr(root, fn->bdf, "device", buf, sizeof(buf)) == 0)
		fn->device_id = (unsigned int)strtoul(buf, NULL, 16);
}

static int add_pf(struct vf_list *l, struct pci_access *acc, const char *root, struct pci_dev *d,
		  bool net)
{
	struct vf_pf *pf = &l->pfs[l->nr_pfs];
	char (*bdfs)[PCI_SYSFS_BDF_SZ];
	struct rtnl_vf *nets = NULL;
	unsigned int nr, nr_net = 0;

	memset(pf, 0, sizeof(*pf));
	snprintf(pf->fn.bdf, sizeof(pf->fn.bdf), "%04x:%02x:%02x.%x",
		 (unsigned int)d->domain & 0xffff, d->bus, d->dev & 0x1f, d->func & 7);
	if (pci_sysfs_read_uint(root, pf->fn.bdf, "sriov_totalvfs", &pf->totalvfs) < 0)
		return 0; /* not SR-IOV capable */
	pci_sysfs_read_uint(root, pf->fn.bdf, "sriov_numvfs", &pf->numvfs);
	pci_fill_info(d, PCI_FILL_IDENT);
	pf->fn.vendor_id = d->vendor_id;
	pf->fn.device_id = d->device_id;
	pf->fn.index = -1;
	fn_names(acc, &pf->fn);
	fn_sysfs(root, &pf->fn);
	l->nr_pfs++;

	bdfs = calloc(PCI_SYSFS_MAX_VFS, sizeof(*bdfs));
	if (!bdfs)
		return -ENOMEM;
	pci_sysfs_virtfns(root, pf->fn.bdf, bdfs, PCI_SYSFS_MAX_VFS, &nr);
	pf->vfs = calloc(nr ? nr : 1, sizeof(*pf->vfs));
	if (net && pf->fn.netdev[0] && nr) {
		nets = calloc(RTNL_MAX_VFS, sizeof(*nets));
		if (nets && rtnl_vf_query(pf->fn.netdev, nets, RTNL_MAX_VFS, &nr_net) < 0 &&
		    nr_net == 0)
			log_debug("vf list: PF %s: no VF settings over rtnetlink", pf->fn.netdev);
	}
	for (unsigned int i = 0; pf->vfs && i < nr; i++) {
		struct vf_fn *vf = &pf->vfs[i];

		strcpy(vf->bdf, bdfs[i]);
		vf->index = (int)i;
		fn_ids(acc, root, vf);
		fn_names(acc, vf);
		fn_sysfs(root, vf);
		for (unsigned int k = 0; nets && k < nr_net; k++) {
			if (nets[k].index == i) {
				vf->net = nets[k];
				vf->has_net = true;
			}
		}
		pf->nr_vfs++;
	}
	free(nets);
	free(bdfs);
	return pf->vfs ? 0 : -ENOMEM;
}

static int pf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vf_pf *)a)->fn.bdf, ((const struct vf_pf *)b)->fn.bdf);
}

int vf_list_collect(struct vf_list *l, const char *root, bool net)
{
	struct pci_access *acc;
	char path[PATH_MAX];
	volatile int r = 0;

	memset(l, 0, sizeof(*l));
	acc = pci_alloc();
	if (!acc)
		return -ENOMEM;
	acc->error = pci_error;
	acc->warning = pci_quiet;
	acc->debug = pci_quiet;
	acc->method = PCI_ACCESS_SYS_BUS_PCI;
	snprintf(path, sizeof(path), "%s/bus/pci", root);
	if (setjmp(pci_jmp)) {
		log_err("vf list: libpci: %s", pci_errmsg);
		return -EIO; /* acc leaks: libpci's state is unknown after its error */
	}
	pci_set_param(acc, (char *)"sysfs.path", path);
	pci_set_param(acc, (char *)"hwdb.disable", (char *)"1"); /* names from pci.ids only */
	pci_init(acc);
	pci_scan_bus(acc);
	for (struct pci_dev *d = acc->devices; d && !r; d = d->next) {
		if (l->nr_pfs == VF_LIST_MAX_PFS) {
			log_warn("vf list: more than %d SR-IOV PFs; showing the first %d",
				 VF_LIST_MAX_PFS, VF_LIST_MAX_PFS);
			break;
		}
		r = add_pf(l, acc, root, d, net);
	}
	pci_cleanup(acc);
	if (r < 0)
		log_err("vf list: %s", strerror(-r));
	qsort(l->pfs, l->nr_pfs, sizeof(l->pfs[0]), pf_cmp); /* by BDF, not scan order */
	return r;
}

void vf_list_free(struct vf_list *l)
{
	for (unsigned int i = 0; i < l->nr_pfs; i++)
		free(l->pfs[i].vfs);
	l->nr_pfs = 0;
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
static void col_widths(const struct vf_pf *pf, int *wi, int *wd, int *wn)
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

void vf_list_print_text(FILE *f, const struct vf_list *l)
{
	if (!l->nr_pfs) {
		fprintf(f, "no SR-IOV capable PCI functions found\n");
		return;
	}
	for (unsigned int i = 0; i < l->nr_pfs; i++) {
		const struct vf_pf *pf = &l->pfs[i];
		char group[16];
		int wi, wd, wn;

		snprintf(group, sizeof(group), "%d", pf->fn.group);
		fprintf(f, "%sPF %s  %04x:%04x  %s %s\n", i ? "\n" : "", pf->fn.bdf,
			pf->fn.vendor_id, pf->fn.device_id, or_dash(pf->fn.vendor),
			or_dash(pf->fn.device));
		fprintf(f, "   driver %s, netdev %s, IOMMU group %s, %lu of %lu VFs\n",
			or_dash(pf->fn.driver), or_dash(pf->fn.netdev),
			pf->fn.group >= 0 ? group : "none (IOMMU off)", pf->numvfs, pf->totalvfs);
		if (!pf->nr_vfs)
			continue;
		col_widths(pf, &wi, &wd, &wn);
		fprintf(f, "   %-*s %-12s  %-*s %-*s %-5s %-6s %-17s %-4s %-3s %-8s %-5s %s\n", wi,
			"VF", "BDF", wd, "DRIVER", wn, "NETDEV", "GROUP", "VIABLE", "MAC", "VLAN", "QOS",
			"SPOOFCHK", "TRUST", "DEVICE");
		for (unsigned int k = 0; k < pf->nr_vfs; k++) {
			const struct vf_fn *vf = &pf->vfs[k];
			char mac[RTNL_MAC_STR_LEN] = "-", vlan[8] = "-", qos[8] = "-";

			snprintf(group, sizeof(group), "%d", vf->group);
			if (vf->has_net) {
				rtnl_mac_format(vf->net.mac, mac);
				snprintf(vlan, sizeof(vlan), "%u", vf->net.vlan);
				snprintf(qos, sizeof(qos), "%u", vf->net.qos);
			}
			fprintf(f, "   %-*d %-12s  %-*s %-*s %-5s %-6s %-17s %-4s %-3s %-8s %-5s %s\n",
				wi, vf->index, vf->bdf, wd, or_dash(vf->driver), wn,
				or_dash(vf->netdev), vf->group >= 0 ? group : "-",
				vf->viable ? "yes" : "no", mac, vlan, qos,
				vf->has_net ? onoff(vf->net.spoofchk) : "-",
				vf->has_net ? onoff(vf->net.trust) : "-", or_dash(vf->device));
		}
	}
}

/* A JSON string, or null for "". */
static void json_str(FILE *f, const char *key, const char *s, bool last)
{
	char esc[512];

	if (s[0]) {
		events_json_escape(esc, sizeof(esc), s, strlen(s));
		fprintf(f, "\"%s\": \"%s\"%s", key, esc, last ? "" : ", ");
	} else {
		fprintf(f, "\"%s\": null%s", key, last ? "" : ", ");
	}
}

static void json_fn(FILE *f, const struct vf_fn *fn)
{
	char id[8];

	json_str(f, "bdf", fn->bdf, false);
	if (fn->index >= 0)
		fprintf(f, "\"index\": %d, ", fn->index);
	snprintf(id, sizeof(id), "%04x", fn->vendor_id);
	json_str(f, "vendor_id", id, false);
	snprintf(id, sizeof(id), "%04x", fn->device_id);
	json_str(f, "device_id", id, false);
	json_str(f, "vendor", fn->vendor, false);
	json_str(f, "device", fn->device, false);
	json_str(f, "driver", fn->driver, false);
	json_str(f, "netdev", fn->netdev, false);
	if (fn->group >= 0)
		fprintf(f, "\"iommu_group\": %d, ", fn->group);
	else
		fprintf(f, "\"iommu_group\": null, ");
	fprintf(f, "\"viable\": %s", fn->viable ? "true" : "false");
}

static void json_bool(FILE *f, const char *key, int v)
{
	fprintf(f, ", \"%s\": %s", key, v < 0 ? "null" : v ? "true" : "false");
}

void vf_list_print_json(FILE *f, const struct vf_list *l)
{
	static const char *const link_states[] = {"auto", "enable", "disable"};

	fprintf(f, "{\"version\": 1, \"pfs\": [");
	for (unsigned int i = 0; i < l->nr_pfs; i++) {
		const struct vf_pf *pf = &l->pfs[i];

		fprintf(f, "%s\n  {", i ? "," : "");
		json_fn(f, &pf->fn);
		fprintf(f, ", \"sriov_numvfs\": %lu, \"sriov_totalvfs\": %lu, \"vfs\": [",
			pf->numvfs, pf->totalvfs);
		for (unsigned int k = 0; k < pf->nr_vfs; k++) {
			const struct vf_fn *vf = &pf->vfs[k];
			char mac[RTNL_MAC_STR_LEN];

			fprintf(f, "%s\n    {", k ? "," : "");
			json_fn(f, vf);
			if (vf->has_net) {
				rtnl_mac_format(vf->net.mac, mac);
				fprintf(f, ", \"mac\": \"%s\", \"vlan\": %u, \"qos\": %u", mac,
					vf->net.vlan, vf->net.qos);
				json_bool(f, "spoofchk", vf->net.spoofchk);
				json_bool(f, "trust", vf->net.trust);
				if (vf->net.link_state >= 0 && vf->net.link_state < 3)
					fprintf(f, ", \"link_state\": \"%s\"",
						link_states[vf->net.link_state]);
				else
					fprintf(f, ", \"link_state\": null");
			} else {
				fprintf(f, ", \"mac\": null, \"vlan\": null, \"qos\": null, "
					   "\"spoofchk\": null, \"trust\": null, "
					   "\"link_state\": null");
			}
			fprintf(f, "}");
		}
		fprintf(f, "%s]}", pf->nr_vfs ? "\n  " : "");
	}
	fprintf(f, "%s]}\n", l->nr_pfs ? "\n" : "");
}
