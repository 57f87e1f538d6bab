// SPDX-License-Identifier: MIT
/*
 * test_vf_print.c - `tinyvmm vf list`'s output: the JSON document (parsed
 * back with vmm/base/json.h) and the text columns, from a hand-made list
 * and a fake name lookup; and the real lookup in pci.ids through libpci.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/base/json.h"
#include "vmm/base/util.h"
#include "vmm/cmd/pci_names.h"
#include "vmm/cmd/vf_print.h"

#define PF	"0000:01:00.0"
#define PF2	"0000:02:00.0"
#define VF0	"0000:01:10.0"
#define VF1	"0000:01:10.1"
#define PCI_IDS "/usr/share/misc/pci.ids"

/*
 * libpci 3.9 looks names up in udev's hwdb too; on a host without hwdb.bin
 * udev_hwdb_new() fails and the next lookup calls udev_new() again over
 * the first one (libpci's leak, names-hwdb.c). Not ours: told to LSan
 * (<sanitizer/lsan_interface.h> declares the hook).
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:udev_new\n";
}

/* ---- a hand-made list for the printers ---- */

static struct tinyvmm_pci_fn vfs_mem[2];
static struct tinyvmm_pf pfs_mem[2];

static void sample(struct tinyvmm_vf_list *l)
{
	static const u8 mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	struct tinyvmm_pf *pf = &pfs_mem[0];

	memset(l, 0, sizeof(*l));
	memset(vfs_mem, 0, sizeof(vfs_mem));
	memset(pfs_mem, 0, sizeof(pfs_mem));
	l->pfs = pfs_mem;
	l->nr_pfs = 1;
	strcpy(pf->fn.bdf, PF);
	pf->fn.vendor_id = 0x8086;
	pf->fn.device_id = 0x10c9;
	strcpy(pf->fn.driver, "igb");
	strcpy(pf->fn.netdev, "eth0");
	pf->fn.iommu_group = 1;
	pf->fn.viable = true;
	pf->fn.index = -1;
	pf->sriov_numvfs = 2;
	pf->sriov_totalvfs = 7;
	pf->nr_vfs = 2;
	pf->vfs = vfs_mem;

	strcpy(vfs_mem[0].bdf, VF0);
	vfs_mem[0].vendor_id = 0x8086;
	vfs_mem[0].device_id = 0x10ca;
	strcpy(vfs_mem[0].driver, "igbvf");
	strcpy(vfs_mem[0].netdev, "eth1");
	vfs_mem[0].iommu_group = 12;
	vfs_mem[0].viable = true;
	vfs_mem[0].index = 0;
	vfs_mem[0].has_settings = true;
	memcpy(vfs_mem[0].mac, mac, 6);
	vfs_mem[0].vlan = 100;
	vfs_mem[0].qos = 3;
	vfs_mem[0].spoofchk = 1;
	vfs_mem[0].trust = 0;
	vfs_mem[0].link_state = 0;

	strcpy(vfs_mem[1].bdf, VF1);
	vfs_mem[1].vendor_id = 0xf00d; /* no names: every missing value is null */
	vfs_mem[1].device_id = 0x0002;
	vfs_mem[1].iommu_group = -1;
	vfs_mem[1].index = 1;
	vfs_mem[1].spoofchk = vfs_mem[1].trust = vfs_mem[1].link_state = -1;
}

/* Names as pci.ids has them for the sample's ids; vendor_override replaces the vendor's. */
static const char *vendor_override, *device_override;

static void fake_names(unsigned int vendor_id, unsigned int device_id, char *vendor,
		       size_t vendor_len, char *device, size_t device_len)
{
	vendor[0] = device[0] = '\0';
	if (vendor_id != 0x8086)
		return;
	snprintf(vendor, vendor_len, "%s", vendor_override ? vendor_override : "Intel Corporation");
	if (device_id == 0x10c9)
		snprintf(device, device_len, "%s",
			 device_override ? device_override : "82576 Gigabit Network Connection");
	else if (device_id == 0x10ca)
		snprintf(device, device_len, "82576 Virtual Function");
}

/* Print into a malloc'd string. */
static char *print(void (*fn)(FILE *, const struct tinyvmm_vf_list *, vf_print_names_fn),
		   const struct tinyvmm_vf_list *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, l, fake_names);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static struct json *parse_json(const char *text)
{
	struct json *v = NULL;
	char err[128];

	if (json_parse(text, strlen(text), &v, err, sizeof(err)) < 0)
		fail_msg("invalid JSON (%s):\n%s", err, text);
	return v;
}

static void expect_keys(const struct json *obj, const char *const *keys, size_t n)
{
	assert_int_equal(obj->type, JSON_OBJECT);
	assert_int_equal(obj->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(obj->keys[i], keys[i]);
}

static void expect_int(const struct json *obj, const char *key, int64_t want)
{
	int64_t v;

	assert_int_equal(json_int(json_get(obj, key), INT64_MIN / 2, INT64_MAX / 2, &v), 0);
	assert_int_equal(v, want);
}

static void expect_null(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	assert_non_null(v);
	if (v->type != JSON_NULL)
		fail_msg("\"%s\" is a %s, not null", key, json_type_name(v->type));
}

static void expect_bool(const struct json *obj, const char *key, bool want)
{
	const struct json *v = json_get(obj, key);

	assert_non_null(v);
	assert_int_equal(v->type, JSON_BOOL);
	assert_int_equal(v->boolean, want);
}

static void test_json_empty(void **state UNUSED)
{
	struct tinyvmm_vf_list l = {0};
	char *out = print(vf_print_json, &l);
	struct json *v = parse_json(out);
	const struct json *pfs = json_get(v, "pfs");

	expect_int(v, "version", 1);
	assert_non_null(pfs);
	assert_int_equal(pfs->type, JSON_ARRAY);
	assert_int_equal(pfs->n, 0);
	assert_int_equal(out[strlen(out) - 1], '\n');
	json_free(v);
	free(out);
}

static void test_json_document(void **state UNUSED)
{
	static const char *const pf_keys[] = {
	    "bdf",    "vendor_id",   "device_id", "vendor",	  "device",	    "driver",
	    "netdev", "iommu_group", "viable",	  "sriov_numvfs", "sriov_totalvfs", "vfs"};
	static const char *const vf_keys[] = {"bdf",	     "index",	 "vendor_id", "device_id",
					      "vendor",	     "device",	 "driver",    "netdev",
					      "iommu_group", "viable",	 "mac",	      "vlan",
					      "qos",	     "spoofchk", "trust",     "link_state"};
	struct tinyvmm_vf_list l;
	const struct json *pf, *vfs, *vf;
	struct json *v;
	char *out;

	sample(&l);
	out = print(vf_print_json, &l);
	v = parse_json(out);
	expect_int(v, "version", 1);
	assert_int_equal(json_get(v, "pfs")->n, 1);
	pf = &json_get(v, "pfs")->items[0];
	expect_keys(pf, pf_keys, ARRAY_SIZE(pf_keys));
	assert_string_equal(json_get_str(pf, "bdf"), PF);
	assert_string_equal(json_get_str(pf, "vendor_id"), "8086");
	assert_string_equal(json_get_str(pf, "device_id"), "10c9");
	assert_string_equal(json_get_str(pf, "vendor"), "Intel Corporation");
	assert_string_equal(json_get_str(pf, "driver"), "igb");
	assert_string_equal(json_get_str(pf, "netdev"), "eth0");
	expect_int(pf, "iommu_group", 1);
	expect_bool(pf, "viable", true);
	expect_int(pf, "sriov_numvfs", 2);
	expect_int(pf, "sriov_totalvfs", 7);
	vfs = json_get(pf, "vfs");
	assert_int_equal(vfs->type, JSON_ARRAY);
	assert_int_equal(vfs->n, 2);

	/* The VF with settings from the PF. */
	vf = &vfs->items[0];
	expect_keys(vf, vf_keys, ARRAY_SIZE(vf_keys));
	assert_string_equal(json_get_str(vf, "bdf"), VF0);
	expect_int(vf, "index", 0);
	assert_string_equal(json_get_str(vf, "device_id"), "10ca");
	assert_string_equal(json_get_str(vf, "device"), "82576 Virtual Function");
	assert_string_equal(json_get_str(vf, "netdev"), "eth1");
	expect_int(vf, "iommu_group", 12);
	assert_string_equal(json_get_str(vf, "mac"), "52:54:00:12:34:56");
	expect_int(vf, "vlan", 100);
	expect_int(vf, "qos", 3);
	expect_bool(vf, "spoofchk", true);
	expect_bool(vf, "trust", false);
	assert_string_equal(json_get_str(vf, "link_state"), "auto");

	/* The one without: every missing value is null. */
	vf = &vfs->items[1];
	expect_keys(vf, vf_keys, ARRAY_SIZE(vf_keys));
	expect_int(vf, "index", 1);
	expect_null(vf, "vendor");
	expect_null(vf, "device");
	expect_null(vf, "driver");
	expect_null(vf, "netdev");
	expect_null(vf, "iommu_group");
	expect_bool(vf, "viable", false);
	for (size_t i = 10; i < ARRAY_SIZE(vf_keys); i++)
		expect_null(vf, vf_keys[i]);
	json_free(v);
	free(out);
}

static void test_json_values(void **state UNUSED)
{
	static const struct {
		int v;
		const char *name; /* NULL: null */
	} states[] = {{0, "auto"}, {1, "enable"}, {2, "disable"}, {-1, NULL}, {3, NULL}};
	const struct json *vf;
	struct tinyvmm_vf_list l;
	struct json *v;
	char *out;

	sample(&l);
	for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
		vfs_mem[0].link_state = states[i].v;
		vfs_mem[0].spoofchk = -1; /* not reported by the driver */
		vfs_mem[0].trust = 1;
		out = print(vf_print_json, &l);
		v = parse_json(out);
		vf = &json_get(&json_get(v, "pfs")->items[0], "vfs")->items[0];
		if (states[i].name)
			assert_string_equal(json_get_str(vf, "link_state"), states[i].name);
		else
			expect_null(vf, "link_state");
		expect_null(vf, "spoofchk");
		expect_bool(vf, "trust", true);
		json_free(v);
		free(out);
	}
}

static void test_json_escaped(void **state UNUSED)
{
	static const char vendor[] = "Acme \"Quoted\" \\Back\\slash\\";
	static const char device[] = "tab\there, newline\nthere, bell\a";
	const struct json *pf;
	struct tinyvmm_vf_list l;
	struct json *v;
	char *out;

	sample(&l);
	vendor_override = vendor;
	device_override = device;
	strcpy(vfs_mem[1].driver, "drv\"x");
	strcpy(vfs_mem[1].netdev, "n\\1");
	out = print(vf_print_json, &l);
	v = parse_json(out);
	pf = &json_get(v, "pfs")->items[0];
	assert_string_equal(json_get_str(pf, "vendor"), vendor);
	assert_string_equal(json_get_str(pf, "device"), device);
	assert_string_equal(json_get_str(&json_get(pf, "vfs")->items[1], "driver"), "drv\"x");
	assert_string_equal(json_get_str(&json_get(pf, "vfs")->items[1], "netdev"), "n\\1");
	vendor_override = device_override = NULL;
	json_free(v);
	free(out);
}

/* ---- text ---- */

/* Line n (0-based) of text into line. */
static void nth_line(const char *text, int n, char *line, size_t len)
{
	const char *p = text, *e;

	for (int i = 0; i < n; i++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	e = strchr(p, '\n');
	assert_non_null(e);
	assert_true((size_t)(e - p) < len);
	memcpy(line, p, (size_t)(e - p));
	line[e - p] = '\0';
}

/* Each value of row starts in the column of its header word. */
static void expect_columns(const char *header, const char *row, const char *const *cols,
			   const char *const *vals, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *h = strstr(header, cols[i]);
		size_t at;

		assert_non_null(h);
		at = (size_t)(h - header);
		if (strlen(row) < at || strncmp(row + at, vals[i], strlen(vals[i])) != 0 ||
		    (row[at + strlen(vals[i])] != ' ' && row[at + strlen(vals[i])] != '\0') ||
		    row[at - 1] != ' ')
			fail_msg("column %s (offset %zu): expected \"%s\" in\n%s\n%s", cols[i], at,
				 vals[i], header, row);
	}
}

static void test_text(void **state UNUSED)
{
	static const char *const cols[] = {"VF",  "BDF",  "DRIVER", "NETDEV",	"GROUP", "VIABLE",
					   "MAC", "VLAN", "QOS",    "SPOOFCHK", "TRUST", "DEVICE"};
	static const char *const row0[] = {"0",
					   VF0,
					   "igbvf",
					   "eth1",
					   "12",
					   "yes",
					   "52:54:00:12:34:56",
					   "100",
					   "3",
					   "on",
					   "off",
					   "82576 Virtual Function"};
	static const char *const row1[] = {"1", VF1, "-", "-", "-", "no",
					   "-", "-", "-", "-", "-", "-"}; /* f00d:0002: no name */
	char line[4][256];
	struct tinyvmm_vf_list l;
	char *out;

	sample(&l);
	out = print(vf_print_text, &l);
	for (int i = 0; i < 4; i++)
		nth_line(out, i, line[i], sizeof(line[i]));
	assert_string_equal(
	    line[0], "PF " PF "  8086:10c9  Intel Corporation 82576 Gigabit Network Connection");
	assert_string_equal(line[1], "   driver igb, netdev eth0, IOMMU group 1, 2 of 7 VFs");
	assert_memory_equal(line[2], "   VF ", 6);
	expect_columns(line[2], line[3], cols, row0, ARRAY_SIZE(cols));
	nth_line(out, 4, line[3], sizeof(line[3]));
	expect_columns(line[2], line[3], cols, row1, ARRAY_SIZE(cols));
	/* Nothing after the last VF. */
	assert_int_equal(strchr(strstr(out, VF1), '\n')[1], '\0');
	free(out);

	/* A second PF without an IOMMU group or VFs: blank line, no VF table. */
	l.nr_pfs = 2;
	strcpy(l.pfs[1].fn.bdf, PF2);
	l.pfs[1].fn.vendor_id = 0xf00d;
	l.pfs[1].fn.device_id = 1;
	l.pfs[1].fn.iommu_group = -1;
	l.pfs[1].fn.index = -1;
	l.pfs[1].sriov_totalvfs = 8;
	out = print(vf_print_text, &l);
	assert_non_null(strstr(out, "\n\nPF " PF2 "  f00d:0001  -"));
	assert_non_null(strstr(out, "\n   driver -, netdev -, IOMMU group none (IOMMU off), "
				    "0 of 8 VFs\n"));
	assert_int_equal(strlen(strstr(out, "0 of 8 VFs\n")), strlen("0 of 8 VFs\n"));
	free(out);

	l.nr_pfs = 0;
	out = print(vf_print_text, &l);
	assert_string_equal(out, "no SR-IOV capable PCI functions found\n");
	free(out);
}

/* ---- names from pci.ids ---- */

static void test_pci_names(void **state UNUSED)
{
	char vendor[128], device[128];

	if (access(PCI_IDS, R_OK) != 0) {
		print_message("skipped: no %s on this machine (package pci.ids)\n", PCI_IDS);
		skip();
	}
	pci_names_lookup(0x8086, 0x10c9, vendor, sizeof(vendor), device, sizeof(device));
	assert_string_equal(vendor, "Intel Corporation");
	assert_string_equal(device, "82576 Gigabit Network Connection");
	pci_names_lookup(0x8086, 0x10ca, vendor, sizeof(vendor), device, sizeof(device));
	assert_string_equal(device, "82576 Virtual Function");
	/* Unknown ids: empty names, not numbers. */
	pci_names_lookup(0xf00d, 0x0001, vendor, sizeof(vendor), device, sizeof(device));
	assert_string_equal(vendor, "");
	assert_string_equal(device, "");
	/* A buffer too small for the name: cut, still a C string. */
	pci_names_lookup(0x8086, 0x10c9, vendor, 6, device, 8);
	assert_true(strlen(vendor) < 6 && strlen(device) < 8);
	pci_names_close();
	pci_names_close(); /* twice is fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_empty),	cmocka_unit_test(test_json_document),
	    cmocka_unit_test(test_json_values), cmocka_unit_test(test_json_escaped),
	    cmocka_unit_test(test_text),	cmocka_unit_test(test_pci_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
