// SPDX-License-Identifier: MIT
/*
 * test_dtb.c - the arm64 guest's device tree (firmware/arm64/dtb.c): dtc
 * reads it back with no warning, every node and property the guest needs is
 * there with the layout's values (read with libfdt), and the failure paths:
 * every buffer too small, no vCPU, more vCPUs than redistributors. Built
 * natively with the arm64 layout (it is pure code); dtc is
 * device-tree-compiler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/layout.h"
#include "firmware/arm64/dtb.h"

static u8 buf[DTB_MAX_SIZE];
static const u64 mpidr[] = {0x0, 0x1, 0x2};
static const struct ram_range ram = {.gpa = RAM_BASE, .size = 512 * MiB};

static struct dtb_config config(unsigned int ncpus)
{
	return (struct dtb_config){
	    .ncpus = ncpus,
	    .mpidr = mpidr,
	    .ram = &ram,
	    .nr_ram = 1,
	    .cmdline = "console=ttyS0 panic=-1 quiet",
	    .initrd_gpa = RAM_BASE + 400 * MiB,
	    .initrd_size = 3 * MiB + 17,
	};
}

static ssize_t build(unsigned int ncpus)
{
	struct dtb_config c = config(ncpus);

	return dtb_build(buf, sizeof(buf), &c);
}

static const void *getprop(const char *path, const char *name, int *len)
{
	int node = fdt_path_offset(buf, path);
	const void *p;

	if (node < 0)
		fail_msg("no node %s: %s", path, fdt_strerror(node));
	p = fdt_getprop(buf, node, name, len);
	if (!p)
		fail_msg("no property %s in %s", name, path);
	return p;
}

static u32 cell(const void *p, int i)
{
	fdt32_t v;

	memcpy(&v, (const char *)p + 4 * i, sizeof(v));
	return fdt32_to_cpu(v);
}

/* A 64-bit property value; properties are only 4-byte aligned. */
static u64 u64_at(const void *p)
{
	return (u64)cell(p, 0) << 32 | cell(p, 1);
}

static void expect_str(const char *path, const char *name, const char *want)
{
	int len;
	const char *s = getprop(path, name, &len);

	assert_string_equal(s, want);
}

/* dtc decompiles it with no warning; its text goes to dts (malloc'd). */
static char *dtc_decompile(size_t size)
{
	char blob[] = "/tmp/test_dtb.XXXXXX", cmd[256], *dts;
	FILE *p;
	size_t n = 0, cap = 1 << 20;
	int fd = mkstemp(blob), status;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	close(fd);
	/* stderr into stdout, after a marker: warnings show up in the text */
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts %s 2>&1 && echo DTC-OK", blob);
	p = popen(cmd, "r");
	assert_non_null(p);
	dts = malloc(cap);
	assert_non_null(dts);
	n = fread(dts, 1, cap - 1, p);
	dts[n] = '\0';
	status = pclose(p);
	unlink(blob);
	if (status != 0 || !strstr(dts, "DTC-OK"))
		fail_msg("dtc failed:\n%s", dts);
	if (strstr(dts, "Warning") || strstr(dts, "ERROR"))
		fail_msg("dtc warns:\n%s", dts);
	return dts;
}

static void test_dtc_clean(void **state UNUSED)
{
	ssize_t size = build(2);
	char *dts;

	if (system("command -v dtc >/dev/null") != 0) {
		print_message("skipped: no dtc on this machine (package device-tree-compiler)\n");
		skip();
	}
	assert_true(size > 0);
	/* dtc's checks at their default level, plus the ones it keeps for warnings */
	dts = dtc_decompile((size_t)size);
	assert_non_null(strstr(dts, "compatible = \"pci-host-ecam-generic\";"));
	assert_non_null(strstr(dts, "msi-controller;"));
	assert_non_null(strstr(dts, "bootargs = \"console=ttyS0 panic=-1 quiet\";"));
	free(dts);
}

static void test_nodes(void **state UNUSED)
{
	char path[64];
	const void *p;
	int len;

	assert_true(build(3) > 0);
	assert_int_equal(fdt_check_header(buf), 0);
	expect_str("/", "compatible", "linux,dummy-virt");
	/* chosen */
	expect_str("/chosen", "bootargs", "console=ttyS0 panic=-1 quiet");
	snprintf(path, sizeof(path), "/uart@%llx", (unsigned long long)UART_GPA);
	expect_str("/chosen", "stdout-path", path);
	p = getprop("/chosen", "linux,pci-probe-only", &len);
	assert_int_equal(cell(p, 0), 1);
	p = getprop("/chosen", "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_int_equal(u64_at(p), RAM_BASE + 400 * MiB);
	p = getprop("/chosen", "linux,initrd-end", &len);
	assert_int_equal(u64_at(p), RAM_BASE + 403 * MiB + 17);
	/* memory */
	snprintf(path, sizeof(path), "/memory@%llx", (unsigned long long)RAM_BASE);
	expect_str(path, "device_type", "memory");
	p = getprop(path, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cell(p, 1), (u32)RAM_BASE);
	assert_int_equal(cell(p, 3), 512 * MiB);
	/* cpus and psci */
	for (unsigned int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		expect_str(path, "enable-method", "psci");
		p = getprop(path, "reg", &len);
		assert_int_equal(cell(p, 0), (u32)mpidr[i]);
	}
	expect_str("/psci", "compatible", "arm,psci-0.2");
	expect_str("/psci", "method", "hvc");
	/* the GIC: distributor and 3 redistributors, and the ITS */
	snprintf(path, sizeof(path), "/intc@%llx", (unsigned long long)GIC_DIST_GPA);
	expect_str(path, "compatible", "arm,gic-v3");
	p = getprop(path, "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(cell(p, 5), (u32)GIC_REDIST_GPA);
	assert_int_equal(cell(p, 7), 3 * GIC_REDIST_SIZE);
	getprop(path, "interrupt-controller", &len);
	snprintf(path, sizeof(path), "/intc@%llx/its@%llx", (unsigned long long)GIC_DIST_GPA,
		 (unsigned long long)GIC_ITS_GPA);
	expect_str(path, "compatible", "arm,gic-v3-its");
	getprop(path, "msi-controller", &len);
	/* timer, UART, pvpanic */
	expect_str("/timer", "compatible", "arm,armv8-timer");
	p = getprop("/timer", "interrupts", &len);
	assert_int_equal(len, 12 * 4);
	assert_int_equal(cell(p, 4), TIMER_PPI_NS);
	snprintf(path, sizeof(path), "/uart@%llx", (unsigned long long)UART_GPA);
	expect_str(path, "compatible", "ns16550a");
	p = getprop(path, "clock-frequency", &len);
	assert_int_equal(cell(p, 0), UART_CLOCK_HZ);
	p = getprop(path, "interrupts", &len);
	assert_int_equal(cell(p, 1), UART_SPI);
	snprintf(path, sizeof(path), "/pvpanic@%llx", (unsigned long long)PVPANIC_GPA);
	expect_str(path, "compatible", "qemu,pvpanic-mmio");
	/* PCI: ECAM, windows, INTx map, MSIs to the ITS by BDF */
	snprintf(path, sizeof(path), "/pcie@%llx", (unsigned long long)PCI_ECAM_GPA);
	expect_str(path, "compatible", "pci-host-ecam-generic");
	getprop(path, "dma-coherent", &len);
	p = getprop(path, "msi-map", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cell(p, 0), 0);
	assert_int_equal(cell(p, 3), 0x10000);
	p = getprop(path, "ranges", &len);
	assert_int_equal(len, 14 * 4);
	assert_int_equal(cell(p, 2), (u32)PCI_MMIO32_BASE);
	assert_int_equal(cell(p, 7), 0x03000000);
	assert_int_equal(u64_at((const char *)p + 8 * 4), PCI_MMIO64_BASE);
	assert_int_equal(u64_at((const char *)p + 12 * 4), PCI_MMIO64_SIZE);
	p = getprop(path, "interrupt-map", &len);
	assert_int_equal(len, PCI_MAX_SLOTS * 4 * 10 * 4);
	/* slot 5, INTB: SPI 4 + (5 + 1) % 4 */
	assert_int_equal(cell(p, (5 * 4 + 1) * 10 + 0), 5 << 11);
	assert_int_equal(cell(p, (5 * 4 + 1) * 10 + 3), 2);
	assert_int_equal(cell(p, (5 * 4 + 1) * 10 + 8), PCI_INTX_SPI_BASE + 2);
}

static void test_no_initrd(void **state UNUSED)
{
	struct dtb_config c = config(1);
	int node;

	c.initrd_size = 0;
	c.cmdline = NULL;
	assert_true(dtb_build(buf, sizeof(buf), &c) > 0);
	node = fdt_path_offset(buf, "/chosen");
	assert_true(node >= 0);
	assert_null(fdt_getprop(buf, node, "linux,initrd-start", NULL));
	expect_str("/chosen", "bootargs", "");
}

static void test_failures(void **state UNUSED)
{
	struct dtb_config c = config(2);
	ssize_t size = dtb_build(buf, sizeof(buf), &c);
	u8 *small;

	assert_true(size > 0);
	/* Every buffer that is too small says so, and writes only inside it (ASan). */
	for (size_t cap = 0; cap < (size_t)size; cap += cap < 256 ? 1 : 61) {
		small = malloc(cap ? cap : 1);
		assert_non_null(small);
		assert_int_equal(dtb_build(small, cap, &c), -ENOSPC);
		free(small);
	}
	small = malloc((size_t)size);
	assert_non_null(small);
	assert_int_equal(dtb_build(small, (size_t)size, &c), size);
	free(small);
	c.ncpus = 0;
	assert_int_equal(dtb_build(buf, sizeof(buf), &c), -EINVAL);
	c.ncpus = GIC_MAX_VCPUS + 1;
	assert_int_equal(dtb_build(buf, sizeof(buf), &c), -EINVAL);
	c = config(2);
	c.nr_ram = 0;
	assert_int_equal(dtb_build(buf, sizeof(buf), &c), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dtc_clean),
	    cmocka_unit_test(test_nodes),
	    cmocka_unit_test(test_no_initrd),
	    cmocka_unit_test(test_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
