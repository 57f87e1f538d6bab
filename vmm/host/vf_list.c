// SPDX-License-Identifier: MIT
/* vf_list.c - SR-IOV PFs and their VFs; see vf_list.h. */
#include <limits.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/json_write.h"
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
static void json_fn(struct json_writer *w, const struct vf_fn *fn)
{
	char id[8];

	kv_str_or_null(w, "bdf", fn->bdf);
	if (fn->index >= 0)
		json_write_kv_int(w, "index", fn->index);
	snprintf(id, sizeof(id), "%04x", fn->vendor_id);
	kv_str_or_null(w, "vendor_id", id);
	snprintf(id, sizeof(id), "%04x", fn->device_id);
	kv_str_or_null(w, "device_id", id);
	kv_str_or_null(w, "vendor", fn->vendor);
	kv_str_or_null(w, "device", fn->device);
	kv_str_or_null(w, "driver", fn->driver);
	kv_str_or_null(w, "netdev", fn->netdev);
	if (fn->group >= 0)
		json_write_kv_int(w, "iommu_group", fn->group);
	else
		json_write_kv_null(w, "iommu_group");
	json_write_kv_bool(w, "viable", fn->viable);
}

static void json_vf(struct json_writer *w, const struct vf_fn *vf)
{
	static const char *const link_states[] = {"auto", "enable", "disable"};
	char mac[RTNL_MAC_STR_LEN];

	json_write_object_begin(w);
	json_fn(w, vf);
	if (vf->has_net) {
		rtnl_mac_format(vf->net.mac, mac);
		json_write_kv_str(w, "mac", mac);
		json_write_kv_uint(w, "vlan", vf->net.vlan);
		json_write_kv_uint(w, "qos", vf->net.qos);
		kv_setting(w, "spoofchk", vf->net.spoofchk);
		kv_setting(w, "trust", vf->net.trust);
		if (vf->net.link_state >= 0 && vf->net.link_state < (int)ARRAY_SIZE(link_states))
			json_write_kv_str(w, "link_state", link_states[vf->net.link_state]);
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
void vf_list_print_json(FILE *f, const struct vf_list *l)
{
	char buf[8192]; /* one PF or VF entry, every string escaped */
	struct json_writer w;

	json_write_init(&w, buf, sizeof(buf));
	json_write_object_begin(&w);
	json_write_kv_int(&w, "version", 1);
	json_write_key(&w, "pfs");
	json_write_array_begin_lines(&w);
	for (unsigned int i = 0; i < l->nr_pfs; i++) {
		const struct vf_pf *pf = &l->pfs[i];

		json_write_object_begin(&w);
		json_fn(&w, &pf->fn);
		json_write_kv_uint(&w, "sriov_numvfs", pf->numvfs);
		json_write_kv_uint(&w, "sriov_totalvfs", pf->totalvfs);
		json_write_key(&w, "vfs");
		json_write_array_begin_lines(&w);
		for (unsigned int k = 0; k < pf->nr_vfs; k++) {
			json_vf(&w, &pf->vfs[k]);
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
