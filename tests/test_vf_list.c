// SPDX-License-Identifier: MIT
/*
 * test_vf_list.c - `tinyvmm vf list`: libpci's scan of a fake sysfs tree
 * (tests/fake_sysfs.h) into struct vf_list, and both printers: the JSON
 * document (parsed back with vmm/json.h) and the text columns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/base/json.h"
#include "vmm/host/vf_list.h"
#include "tests/fake_sysfs.h"

#define PF  "0000:01:00.0"
#define PF2 "0000:02:00.0"
#define VF0 "0000:01:10.0"
#define VF1 "0000:01:10.1"
#define PCI_IDS "/usr/share/misc/pci.ids"

static char root[FAKE_ROOT_SZ];

/*
 * libpci 3.9 looks names up in udev's hwdb too; on a host without hwdb.bin
 * udev_hwdb_new() fails and the next lookup calls udev_new() again over
 * the first one (libpci's leak, names-hwdb.c). Not ours: told to LSan.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:udev_new\n";
}

static int setup(void **state UNUSED)
{
	fake_sysfs_create(root, "test_vf_list");
	return 0;
}

static int teardown(void **state UNUSED)
{
	fake_sysfs_destroy(root);
	return 0;
}

/* ---- collect ---- */

static const struct vf_pf *find_pf(const struct vf_list *l, const char *bdf)
{
	for (unsigned int i = 0; i < l->nr_pfs; i++)
		if (!strcmp(l->pfs[i].fn.bdf, bdf))
			return &l->pfs[i];
	fail_msg("PF %s not listed", bdf);
	return NULL;
}

static void test_collect(void **state UNUSED)
{
	static const char *const vfs[] = {VF0, VF1};
	bool names = access(PCI_IDS, R_OK) == 0;
	const struct vf_pf *pf;
	struct vf_list l;

	/* An igb PF with two VFs: one on igbvf with a netdev, one unbound in a shared group. */
	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_ids(root, PF, 0x8086, 0x10c9, 0x020000);
	fake_sysfs_netdev(root, PF, "eth0");
	fake_sysfs_dev(root, VF0, 12, "igbvf");
	fake_sysfs_netdev(root, VF0, "eth1");
	fake_sysfs_dev(root, VF1, 13, NULL);
	fake_sysfs_sriov(root, PF, 7, vfs, 2);
	fake_sysfs_dev(root, "0000:00:19.0", 13, "e1000e"); /* no SR-IOV: not listed */
	/* A PF of an unknown vendor, no driver, no IOMMU, no VFs yet. */
	fake_sysfs_dev(root, PF2, -1, NULL);
	fake_sysfs_ids(root, PF2, 0xf00d, 0x0001, 0x020000);
	fake_sysfs_sriov(root, PF2, 8, NULL, 0);

	assert_int_equal(vf_list_collect(&l, root, false), 0);
	assert_int_equal(l.nr_pfs, 2);

	pf = find_pf(&l, PF);
	assert_int_equal(pf->fn.vendor_id, 0x8086);
	assert_int_equal(pf->fn.device_id, 0x10c9);
	assert_string_equal(pf->fn.driver, "igb");
	assert_string_equal(pf->fn.netdev, "eth0");
	assert_int_equal(pf->fn.group, 1);
	assert_true(pf->fn.viable);
	assert_int_equal(pf->fn.index, -1);
	assert_int_equal(pf->numvfs, 2);
	assert_int_equal(pf->totalvfs, 7);
	assert_int_equal(pf->nr_vfs, 2);
	assert_string_equal(pf->vfs[0].bdf, VF0);
	assert_int_equal(pf->vfs[0].index, 0);
	assert_int_equal(pf->vfs[0].vendor_id, 0x8086);
	assert_int_equal(pf->vfs[0].device_id, 0x10ca);
	assert_string_equal(pf->vfs[0].driver, "igbvf");
	assert_string_equal(pf->vfs[0].netdev, "eth1");
	assert_int_equal(pf->vfs[0].group, 12);
	assert_true(pf->vfs[0].viable);
	assert_false(pf->vfs[0].has_net); /* net == false: no rtnetlink */
	assert_string_equal(pf->vfs[1].bdf, VF1);
	assert_int_equal(pf->vfs[1].index, 1);
	assert_string_equal(pf->vfs[1].driver, "");
	assert_string_equal(pf->vfs[1].netdev, "");
	assert_int_equal(pf->vfs[1].group, 13);
	assert_false(pf->vfs[1].viable); /* 0000:00:19.0 on e1000e shares group 13 */
	if (names) {
		assert_string_equal(pf->fn.vendor, "Intel Corporation");
		assert_string_equal(pf->fn.device, "82576 Gigabit Network Connection");
		assert_string_equal(pf->vfs[0].device, "82576 Virtual Function");
	} else {
		print_message("[ SKIPPED ] name checks: no %s on this machine\n", PCI_IDS);
	}

	pf = find_pf(&l, PF2);
	assert_int_equal(pf->fn.vendor_id, 0xf00d);
	assert_int_equal(pf->fn.device_id, 0x0001);
	assert_string_equal(pf->fn.vendor, "");
	assert_string_equal(pf->fn.device, "");
	assert_string_equal(pf->fn.driver, "");
	assert_int_equal(pf->fn.group, -1);
	assert_false(pf->fn.viable);
	assert_int_equal(pf->numvfs, 0);
	assert_int_equal(pf->totalvfs, 8);
	assert_int_equal(pf->nr_vfs, 0);
	vf_list_free(&l);
	assert_int_equal(l.nr_pfs, 0);
	vf_list_free(&l); /* twice is fine */
}

static void test_collect_empty(void **state UNUSED)
{
	struct vf_list l;

	fake_sysfs_dev(root, "0000:00:19.0", 3, "e1000e");
	assert_int_equal(vf_list_collect(&l, root, false), 0);
	assert_int_equal(l.nr_pfs, 0);
	vf_list_free(&l);
}

static void test_collect_no_sysfs(void **state UNUSED)
{
	char missing[FAKE_ROOT_SZ + 16];
	struct vf_list l;
	int r;

	/* libpci's error is caught, not fatal. vf_list.c leaks libpci's state then, on purpose. */
	snprintf(missing, sizeof(missing), "%s/nothing", root);
	__lsan_disable();
	r = vf_list_collect(&l, missing, false);
	__lsan_enable();
	assert_int_equal(r, -EIO);
	assert_int_equal(l.nr_pfs, 0);
	vf_list_free(&l);
	/* The same for a function libpci cannot read (no vendor file). */
	fake_sysfs_dev(root, PF, 1, "igb");
	fake_sysfs_sriov(root, PF, 7, NULL, 0);
	fake_sysfs_remove(root, FAKE_DEVDIR "/%s/vendor", PF);
	__lsan_disable();
	r = vf_list_collect(&l, root, false);
	__lsan_enable();
	assert_int_equal(r, -EIO);
	vf_list_free(&l);
}

/* ---- a hand-made list for the printers ---- */

static struct vf_fn vfs_mem[2];

static void sample(struct vf_list *l)
{
	static const u8 mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	struct vf_pf *pf = &l->pfs[0];

	memset(l, 0, sizeof(*l));
	memset(vfs_mem, 0, sizeof(vfs_mem));
	l->nr_pfs = 1;
	strcpy(pf->fn.bdf, PF);
	pf->fn.vendor_id = 0x8086;
	pf->fn.device_id = 0x10c9;
	strcpy(pf->fn.vendor, "Intel Corporation");
	strcpy(pf->fn.device, "82576 Gigabit Network Connection");
	strcpy(pf->fn.driver, "igb");
	strcpy(pf->fn.netdev, "eth0");
	pf->fn.group = 1;
	pf->fn.viable = true;
	pf->fn.index = -1;
	pf->numvfs = 2;
	pf->totalvfs = 7;
	pf->nr_vfs = 2;
	pf->vfs = vfs_mem;

	strcpy(vfs_mem[0].bdf, VF0);
	vfs_mem[0].vendor_id = 0x8086;
	vfs_mem[0].device_id = 0x10ca;
	strcpy(vfs_mem[0].vendor, "Intel Corporation");
	strcpy(vfs_mem[0].device, "82576 Virtual Function");
	strcpy(vfs_mem[0].driver, "igbvf");
	strcpy(vfs_mem[0].netdev, "eth1");
	vfs_mem[0].group = 12;
	vfs_mem[0].viable = true;
	vfs_mem[0].index = 0;
	vfs_mem[0].has_net = true;
	memcpy(vfs_mem[0].net.mac, mac, 6);
	vfs_mem[0].net.vlan = 100;
	vfs_mem[0].net.qos = 3;
	vfs_mem[0].net.spoofchk = 1;
	vfs_mem[0].net.trust = 0;
	vfs_mem[0].net.link_state = 0;

	strcpy(vfs_mem[1].bdf, VF1);
	vfs_mem[1].vendor_id = 0x8086;
	vfs_mem[1].device_id = 0x10ca;
	vfs_mem[1].group = -1;
	vfs_mem[1].index = 1;
}

/* Print into a malloc'd string. */
static char *print(void (*fn)(FILE *, const struct vf_list *), const struct vf_list *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, l);
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
	struct vf_list l = {0};
	char *out = print(vf_list_print_json, &l);
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
	    "bdf",    "vendor_id",   "device_id",    "vendor",	  "device",	    "driver",
	    "netdev", "iommu_group", "viable",	     "sriov_numvfs", "sriov_totalvfs", "vfs"};
	static const char *const vf_keys[] = {
	    "bdf",	   "index",  "vendor_id", "device_id", "vendor", "device",
	    "driver",	   "netdev", "iommu_group", "viable",   "mac",	 "vlan",
	    "qos",	   "spoofchk", "trust",	 "link_state"};
	struct vf_list l;
	const struct json *pf, *vfs, *vf;
	struct json *v;
	char *out;

	sample(&l);
	out = print(vf_list_print_json, &l);
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
	struct vf_list l;
	struct json *v;
	char *out;

	sample(&l);
	for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
		vfs_mem[0].net.link_state = states[i].v;
		vfs_mem[0].net.spoofchk = -1; /* not reported by the driver */
		vfs_mem[0].net.trust = 1;
		out = print(vf_list_print_json, &l);
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
	struct vf_list l;
	struct json *v;
	char *out;

	sample(&l);
	strcpy(l.pfs[0].fn.vendor, vendor);
	strcpy(l.pfs[0].fn.device, device);
	strcpy(vfs_mem[1].driver, "drv\"x");
	strcpy(vfs_mem[1].netdev, "n\\1");
	out = print(vf_list_print_json, &l);
	v = parse_json(out);
	pf = &json_get(v, "pfs")->items[0];
	assert_string_equal(json_get_str(pf, "vendor"), vendor);
	assert_string_equal(json_get_str(pf, "device"), device);
	assert_string_equal(json_get_str(&json_get(pf, "vfs")->items[1], "driver"), "drv\"x");
	assert_string_equal(json_get_str(&json_get(pf, "vfs")->items[1], "netdev"), "n\\1");
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
	static const char *const cols[] = {"VF",   "BDF", "DRIVER",   "NETDEV", "GROUP", "VIABLE",
					   "MAC",  "VLAN", "QOS",	  "SPOOFCHK", "TRUST",
					   "DEVICE"};
	static const char *const row0[] = {"0",   VF0, "igbvf", "eth1", "12", "yes",
					   "52:54:00:12:34:56", "100", "3", "on", "off",
					   "82576 Virtual Function"};
	static const char *const row1[] = {"1", VF1, "-", "-", "-", "no",
					   "-", "-",  "-", "-", "-", "-"};
	char line[4][256];
	struct vf_list l;
	char *out;

	sample(&l);
	out = print(vf_list_print_text, &l);
	for (int i = 0; i < 4; i++)
		nth_line(out, i, line[i], sizeof(line[i]));
	assert_string_equal(line[0],
			    "PF " PF "  8086:10c9  Intel Corporation 82576 Gigabit Network Connection");
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
	memset(&l.pfs[1], 0, sizeof(l.pfs[1]));
	strcpy(l.pfs[1].fn.bdf, PF2);
	l.pfs[1].fn.vendor_id = 0xf00d;
	l.pfs[1].fn.device_id = 1;
	l.pfs[1].fn.group = -1;
	l.pfs[1].fn.index = -1;
	l.pfs[1].totalvfs = 8;
	out = print(vf_list_print_text, &l);
	assert_non_null(strstr(out, "\n\nPF " PF2 "  f00d:0001  -"));
	assert_non_null(strstr(out, "\n   driver -, netdev -, IOMMU group none (IOMMU off), "
				    "0 of 8 VFs\n"));
	assert_int_equal(strlen(strstr(out, "0 of 8 VFs\n")), strlen("0 of 8 VFs\n"));
	free(out);

	l.nr_pfs = 0;
	out = print(vf_list_print_text, &l);
	assert_string_equal(out, "no SR-IOV capable PCI functions found\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_collect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_collect_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_collect_no_sysfs, setup, teardown),
	    cmocka_unit_test(test_json_empty),
	    cmocka_unit_test(test_json_document),
	    cmocka_unit_test(test_json_values),
	    cmocka_unit_test(test_json_escaped),
	    cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
