// SPDX-License-Identifier: MIT
/*
 * test_acpi.c - the ACPI tables, read back the way a guest would: from the
 * RSDP through the XSDT, with field offsets taken from the ACPI 6.3 spec
 * (not from acpi.c). When iasl (acpica-tools) is installed the tables are
 * also decompiled, and the DSDT recompiled, by the reference toolchain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "firmware/x86/acpi.h"

#define BUF_LEN	   0x8000
#define GUARD	   64
#define GUARD_BYTE 0xa5

struct tables {
	u8 *buf;
	size_t len; /* bytes acpi_build() used */
	gpa_t gpa;
	const u8 *xsdt, *fadt, *madt, *dsdt;
};

static u8 sum8(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s = (u8)(s + *p++);
	return s;
}

/* The table at guest address gpa, fully inside the built bytes. */
static const u8 *table_at(const struct tables *t, u64 gpa)
{
	u32 len;

	assert_true(gpa >= t->gpa);
	assert_true(range_ok(gpa - t->gpa, 36, t->len));
	len = get_le32(t->buf + (gpa - t->gpa) + 4);
	assert_true(len >= 36);
	assert_true(range_ok(gpa - t->gpa, len, t->len));
	return t->buf + (gpa - t->gpa);
}

static void check_header(const u8 *h, const char *sig, u8 rev)
{
	u32 len = get_le32(h + 4);

	assert_memory_equal(h, sig, 4);
	assert_int_equal(h[8], rev);
	assert_int_equal(sum8(h, len), 0);
	assert_memory_equal(h + 10, "TINYVM", 6);
	assert_memory_equal(h + 16, "TINYVMM ", 8);
	assert_memory_equal(h + 28, "TVMM", 4);
}

/* Build for ncpus at gpa and walk RSDP -> XSDT -> FADT/MADT -> DSDT. */
static void build(struct tables *t, unsigned int ncpus, gpa_t gpa)
{
	struct acpi_config cfg = {.ncpus = ncpus};
	const u8 *r;
	ssize_t n;
	u32 xlen;

	memset(t, 0, sizeof(*t));
	t->buf = calloc(1, BUF_LEN);
	assert_non_null(t->buf);
	t->gpa = gpa;
	n = acpi_build(t->buf, BUF_LEN, gpa, &cfg);
	assert_true(n > 0 && n <= BUF_LEN);
	t->len = (size_t)n;

	r = t->buf;
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum8(r, 20), 0);	/* ACPI 1.0 checksum */
	assert_int_equal(r[15], 2);		/* revision */
	assert_int_equal(get_le32(r + 20), 36); /* length */
	assert_int_equal(sum8(r, 36), 0);	/* extended checksum */
	assert_memory_equal(r + 9, "TINYVM", 6);

	t->xsdt = table_at(t, get_le64(r + 24));
	check_header(t->xsdt, "XSDT", 1);
	xlen = get_le32(t->xsdt + 4);
	assert_int_equal((xlen - 36) % 8, 0);
	for (u32 off = 36; off < xlen; off += 8) {
		const u8 *e = table_at(t, get_le64(t->xsdt + off));

		if (!memcmp(e, "FACP", 4))
			t->fadt = e;
		else if (!memcmp(e, "APIC", 4))
			t->madt = e;
	}
	assert_non_null(t->fadt);
	assert_non_null(t->madt);
	check_header(t->fadt, "FACP", 6);
	check_header(t->madt, "APIC", 5);
	t->dsdt = table_at(t, get_le64(t->fadt + 140));
	check_header(t->dsdt, "DSDT", 2);
}

static void release(struct tables *t)
{
	free(t->buf);
}

static void check_gas_io8(const u8 *g, u16 port)
{
	assert_int_equal(g[0], 1); /* SystemIO */
	assert_int_equal(g[1], 8); /* bit width */
	assert_int_equal(g[2], 0); /* bit offset */
	assert_int_equal(g[3], 1); /* byte access */
	assert_int_equal(get_le64(g + 4), port);
}

static void test_rsdp_xsdt_fadt(void **state)
{
	struct tables t;
	const u8 *f;
	u16 boot;
	u32 flags;
	(void)state;

	build(&t, 2, ACPI_TABLES_GPA);
	f = t.fadt;
	assert_int_equal(get_le32(f + 4), 276);
	assert_int_equal(f[131], 3); /* minor version: 6.3 */
	/* 32-bit DSDT and X_DSDT agree (the tables are below 4 GiB). */
	assert_int_equal(get_le32(f + 40), get_le64(f + 140));
	assert_int_equal(get_le32(f + 36), 0); /* no FACS */
	assert_int_equal(get_le64(f + 132), 0);
	assert_int_equal(get_le16(f + 46), ACPI_SCI_IRQ);

	flags = get_le32(f + 112);
	assert_int_equal(flags, (1U << 20) | (1U << 10)); /* HW_REDUCED | RESET_REG_SUP */
	boot = get_le16(f + 109);
	assert_true(boot & (1U << 5));	/* no CMOS RTC */
	assert_true(boot & (1U << 2));	/* no VGA */
	assert_false(boot & (1U << 3)); /* never "MSI not supported" */
	assert_false(boot & (1U << 4)); /* never "PCIe ASPM controls" */

	check_gas_io8(f + 116, ACPI_RESET_PORT);
	assert_int_equal(f[128], ACPI_RESET_VALUE);
	check_gas_io8(f + 244, ACPI_SLEEP_CTL_PORT);
	check_gas_io8(f + 256, ACPI_SLEEP_STS_PORT);
	/* Nothing claims legacy PM hardware: SMI_CMD, the PM1/PM2/timer/GPE
	 * blocks and their lengths (48..95) and the X_ blocks are zero. */
	for (size_t off = 48; off < 96; off++)
		assert_int_equal(f[off], 0);
	for (size_t off = 148; off < 244; off++)
		assert_int_equal(f[off], 0);
	assert_memory_equal(f + 268, "TINYVMM", 7);

	/* The RSDT is not provided; tables are 16-byte aligned. */
	assert_int_equal(get_le32(t.buf + 16), 0);
	assert_int_equal((t.xsdt - t.buf) % 16, 0);
	assert_int_equal((t.fadt - t.buf) % 16, 0);
	assert_int_equal((t.madt - t.buf) % 16, 0);
	assert_int_equal((t.dsdt - t.buf) % 16, 0);
	/* The DSDT is the last table and ends exactly at the returned size. */
	assert_int_equal(t.dsdt - t.buf + get_le32(t.dsdt + 4), t.len);
	release(&t);
}

/* Above 4 GiB the 32-bit DSDT pointer cannot be used; X_DSDT still is. */
static void test_tables_above_4g(void **state)
{
	struct tables t;
	(void)state;

	build(&t, 1, 0x100000000ULL);
	assert_int_equal(get_le32(t.fadt + 40), 0);
	assert_true(get_le64(t.fadt + 140) > 0x100000000ULL);
	release(&t);
}

static void check_madt(unsigned int ncpus)
{
	unsigned int lapics = 0, ioapics = 0, isos = 0, nmis = 0;
	const u8 *m, *e, *end;
	struct tables t;

	build(&t, ncpus, ACPI_TABLES_GPA);
	m = t.madt;
	assert_int_equal(get_le32(m + 36), LAPIC_GPA);
	assert_int_equal(get_le32(m + 40), 1); /* PCAT_COMPAT */
	end = m + get_le32(m + 4);
	for (e = m + 44; e < end; e += e[1]) {
		assert_true(e[1] >= 2 && e + e[1] <= end);
		switch (e[0]) {
		case 0: /* Processor Local APIC */
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], lapics); /* processor UID */
			assert_int_equal(e[3], lapics); /* APIC id */
			assert_int_equal(get_le32(e + 4), 1);
			lapics++;
			break;
		case 1: /* I/O APIC */
			assert_int_equal(e[1], 12);
			assert_int_equal(e[2], ncpus);
			assert_int_equal(get_le32(e + 4), IOAPIC_GPA);
			assert_int_equal(get_le32(e + 8), 0);
			ioapics++;
			break;
		case 2: /* Interrupt Source Override */
			assert_int_equal(e[1], 10);
			assert_int_equal(e[2], 0);
			assert_int_equal(e[3], 0);
			assert_int_equal(get_le32(e + 4), 2);
			assert_int_equal(get_le16(e + 8), 0);
			isos++;
			break;
		case 4: /* Local APIC NMI */
			assert_int_equal(e[1], 6);
			assert_int_equal(e[2], 0xff);
			assert_int_equal(e[5], 1);
			nmis++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", e[0]);
		}
	}
	assert_ptr_equal(e, end);
	assert_int_equal(lapics, ncpus);
	assert_int_equal(ioapics, 1);
	assert_int_equal(isos, 1);
	assert_int_equal(nmis, 1);
	release(&t);
}

static void test_madt(void **state)
{
	(void)state;
	check_madt(1);
	check_madt(2);
	check_madt(ACPI_MAX_CPUS);
}

static void test_bad_config(void **state)
{
	struct acpi_config cfg = {.ncpus = 0};
	u8 *buf = malloc(BUF_LEN);
	(void)state;

	assert_non_null(buf);
	memset(buf, GUARD_BYTE, BUF_LEN);
	assert_int_equal(acpi_build(buf, BUF_LEN, ACPI_TABLES_GPA, &cfg), -EINVAL);
	cfg.ncpus = ACPI_MAX_CPUS + 1;
	assert_int_equal(acpi_build(buf, BUF_LEN, ACPI_TABLES_GPA, &cfg), -EINVAL);
	assert_int_equal(acpi_build(buf, BUF_LEN, ACPI_TABLES_GPA, NULL), -EINVAL);
	cfg.ncpus = 1;
	assert_int_equal(acpi_build(buf, BUF_LEN, ACPI_TABLES_GPA + 8, &cfg), -EINVAL);
	assert_int_equal(acpi_build(buf, BUF_LEN, ACPI_TABLES_GPA + 1, &cfg), -EINVAL);
	/* Tables that would run past the top of the address space */
	assert_int_equal(acpi_build(buf, BUF_LEN, ~0ULL & ~15ULL, &cfg), -EINVAL);
	for (size_t i = 0; i < BUF_LEN; i++)
		assert_int_equal(buf[i], GUARD_BYTE);
	free(buf);
}

/* Every length short of the need: -ENOSPC, and nothing written at all. */
static void test_short_buffers(void **state)
{
	struct acpi_config cfg = {.ncpus = 4};
	ssize_t need;
	u8 *buf;
	(void)state;

	need = acpi_build(NULL, 0, ACPI_TABLES_GPA, &cfg);
	assert_int_equal(need, -ENOSPC);
	buf = malloc(BUF_LEN);
	assert_non_null(buf);
	need = acpi_build(buf, BUF_LEN, ACPI_TABLES_GPA, &cfg);
	assert_true(need > 0);
	free(buf);

	for (size_t len = 0; len < (size_t)need; len++) {
		/* Exactly len + GUARD bytes, so ASan also sees any overrun. */
		buf = malloc(len + GUARD);
		assert_non_null(buf);
		memset(buf, GUARD_BYTE, len + GUARD);
		assert_int_equal(acpi_build(buf, len, ACPI_TABLES_GPA, &cfg), -ENOSPC);
		for (size_t i = 0; i < len + GUARD; i++)
			assert_int_equal(buf[i], GUARD_BYTE);
		free(buf);
	}
	/* And exactly the need is enough. */
	buf = malloc((size_t)need);
	assert_non_null(buf);
	assert_int_equal(acpi_build(buf, (size_t)need, ACPI_TABLES_GPA, &cfg), need);
	free(buf);
	/* The whole set must fit the BIOS area the layout gives it. */
	cfg.ncpus = ACPI_MAX_CPUS;
	buf = malloc(ACPI_TABLES_MAX);
	assert_non_null(buf);
	assert_true(acpi_build(buf, ACPI_TABLES_MAX, ACPI_TABLES_GPA, &cfg) > 0);
	free(buf);
}

static const u8 *find(const u8 *p, size_t n, const void *what, size_t wn)
{
	return memmem(p, n, what, wn);
}

static void test_dsdt_names(void **state)
{
	static const char *const segs[] = {"_S5_", "_SB_", "PCI0", "_PRT",    "_CRS",
					   "COM1", "PEVT", "_STA", "QEMU0001"};
	/* Name (\_S5_, Package (4) { 5, 5, 0, 0 }) */
	static const u8 s5[] = {0x08,
				'\\',
				'_',
				'S',
				'5',
				'_',
				0x12,
				0x08,
				0x04,
				0x0a,
				ACPI_S5_SLP_TYP,
				0x0a,
				ACPI_S5_SLP_TYP,
				0x00,
				0x00};
	/* _HID EISAID("PNP0A03") and EISAID("PNP0501") as DWordConsts */
	static const u8 pnp0a03[] = {'_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03};
	static const u8 pnp0501[] = {'_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01};
	struct tables t;
	size_t len;
	(void)state;

	build(&t, 1, ACPI_TABLES_GPA);
	len = get_le32(t.dsdt + 4);
	for (size_t i = 0; i < ARRAY_SIZE(segs); i++)
		assert_non_null(find(t.dsdt, len, segs[i], strlen(segs[i])));
	assert_non_null(find(t.dsdt, len, s5, sizeof(s5)));
	assert_non_null(find(t.dsdt, len, pnp0a03, sizeof(pnp0a03)));
	assert_non_null(find(t.dsdt, len, pnp0501, sizeof(pnp0501)));
	release(&t);
}

/* Decode an AML integer at *p, advancing it. */
static u64 read_int(const u8 **p)
{
	const u8 *b = *p;

	switch (b[0]) {
	case 0x00:
	case 0x01:
		*p += 1;
		return b[0];
	case 0x0a:
		*p += 2;
		return b[1];
	case 0x0b:
		*p += 3;
		return get_le16(b + 1);
	case 0x0c:
		*p += 5;
		return get_le32(b + 1);
	case 0x0e:
		*p += 9;
		return get_le64(b + 1);
	}
	fail_msg("not an AML integer: opcode %#x", b[0]);
	return 0;
}

static size_t pkglen_size(const u8 *p)
{
	return (size_t)(p[0] >> 6) + 1;
}

/* Walk the _PRT package and check every entry against the swizzle. */
static void test_prt(void **state)
{
	const u8 *p, *pkg_end;
	struct tables t;
	unsigned int nentries, i = 0;
	u32 plen;
	(void)state;

	build(&t, 1, ACPI_TABLES_GPA);
	p = find(t.dsdt, get_le32(t.dsdt + 4), "_PRT", 4);
	assert_non_null(p);
	p += 4;
	assert_int_equal(*p++, 0x12); /* PackageOp */
	plen = (p[0] & 0x0f) | (u32)p[1] << 4;
	assert_int_equal(pkglen_size(p), 2);
	pkg_end = p + plen;
	p += 2;
	nentries = *p++;
	assert_int_equal(nentries, (PCI_MAX_SLOTS - PCI_FIRST_DEVICE_SLOT) * 4);
	for (unsigned int slot = PCI_FIRST_DEVICE_SLOT; slot < PCI_MAX_SLOTS; slot++) {
		for (unsigned int pin = 0; pin < 4; pin++, i++) {
			const u8 *entry_end;

			assert_int_equal(*p++, 0x12);
			entry_end = p + (p[0] & 0x3f);
			assert_int_equal(pkglen_size(p), 1);
			p++;
			assert_int_equal(*p++, 4);
			assert_int_equal(read_int(&p), (u64)slot << 16 | 0xffff);
			assert_int_equal(read_int(&p), pin);
			assert_int_equal(read_int(&p), 0); /* Source: Zero, a GSI */
			assert_int_equal(read_int(&p), 16 + (slot + pin) % 4);
			assert_ptr_equal(p, entry_end);
		}
	}
	assert_int_equal(i, nentries);
	assert_ptr_equal(p, pkg_end);
	release(&t);
}

static void test_intx_gsi(void **state)
{
	(void)state;
	assert_int_equal(acpi_pci_intx_gsi(1, 0), 17);
	assert_int_equal(acpi_pci_intx_gsi(1, 3), 16);
	assert_int_equal(acpi_pci_intx_gsi(2, 2), 16);
	assert_int_equal(acpi_pci_intx_gsi(3, 0), 19);
	assert_int_equal(acpi_pci_intx_gsi(4, 0), 16);
	assert_int_equal(acpi_pci_intx_gsi(31, 1), 16);
	for (unsigned int s = 0; s < PCI_MAX_SLOTS; s++)
		for (unsigned int p = 0; p < 4; p++) {
			assert_true(acpi_pci_intx_gsi(s, p) >= 16);
			assert_true(acpi_pci_intx_gsi(s, p) < IOAPIC_PINS);
		}
}

/* ---- iasl ---- */

static bool have_iasl(void)
{
	return system("command -v iasl >/dev/null 2>&1") == 0;
}

static void write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *dir, const char *name)
{
	char path[256], *s;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s was not written", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

/* Run an iasl command in dir, its output in dir/log; return its status. */
static int run_iasl(const char *dir, const char *args)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), "cd '%s' && iasl %s >log 2>&1", dir, args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void iasl_disassemble(const char *dir, const char *name, const u8 *table)
{
	char file[64], args[128], *out;
	int rc;

	snprintf(file, sizeof(file), "%s.dat", name);
	write_file(dir, file, table, get_le32(table + 4));
	snprintf(args, sizeof(args), "-d %s", file);
	rc = run_iasl(dir, args);
	out = read_file(dir, "log");
	if (rc != 0 || strstr(out, "Error") || strstr(out, "Warning"))
		fail_msg("iasl -d %s exited %d:\n%s", file, rc, out);
	free(out);
}

static char iasl_dir[] = "/tmp/tinyvmm-acpi-XXXXXX";
static bool iasl_dir_made;

/* Remove the scratch directory and its files, pass or fail. */
static int iasl_teardown(void **state)
{
	char path[512];
	struct dirent *de;
	DIR *d;
	(void)state;

	if (!iasl_dir_made)
		return 0;
	d = opendir(iasl_dir);
	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", iasl_dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	iasl_dir_made = false;
	return rmdir(iasl_dir);
}

static void test_iasl(void **state)
{
	char *dir = iasl_dir;
	struct tables t;
	char *dsl, *out;
	int rc;
	(void)state;

	if (!have_iasl()) {
		print_message("[  SKIP    ] test_iasl: iasl not found; install acpica-tools "
			      "(scripts/setup) to decompile the tables with the ACPICA reference "
			      "tools. NOT counted as a pass.\n");
		skip();
	}
	assert_non_null(mkdtemp(dir));
	iasl_dir_made = true;
	build(&t, 4, ACPI_TABLES_GPA);
	iasl_disassemble(dir, "dsdt", t.dsdt);
	iasl_disassemble(dir, "facp", t.fadt);
	iasl_disassemble(dir, "apic", t.madt);
	iasl_disassemble(dir, "xsdt", t.xsdt);

	dsl = read_file(dir, "dsdt.dsl");
	assert_non_null(strstr(dsl, "Name (\\_S5, Package (0x04)"));
	assert_non_null(strstr(dsl, "Device (PCI0)"));
	assert_non_null(strstr(dsl, "EisaId (\"PNP0A03\")"));
	assert_non_null(strstr(dsl, "WordBusNumber (ResourceProducer, MinFixed, MaxFixed"));
	assert_non_null(strstr(dsl, "DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, "
				    "NonCacheable, ReadWrite"));
	assert_non_null(strstr(dsl, "0x000000FFFFFFFFFF, // Range Maximum"));
	assert_non_null(strstr(dsl, "Name (_PRT, Package (0x7C)"));
	assert_non_null(strstr(dsl, "IRQNoFlags ()"));
	assert_non_null(strstr(dsl, "{4}"));
	assert_non_null(strstr(dsl, "Name (_HID, \"QEMU0001\")"));
	/* PCI hotplug: the GED, the controller's registers, every slot. */
	assert_non_null(strstr(dsl, "Device (GED0)"));
	assert_non_null(strstr(dsl, "Name (_HID, \"ACPI0013\""));
	assert_non_null(
	    strstr(dsl, "Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )"));
	assert_non_null(strstr(dsl, "0x00000014,"));
	assert_non_null(strstr(dsl, "\\_SB.PCI0.PCNT ()"));
	assert_non_null(strstr(dsl, "OperationRegion (PCST, SystemIO, 0xAE00, 0x0C)"));
	assert_non_null(strstr(dsl, "Field (PCST, DWordAcc, NoLock, Preserve)"));
	assert_non_null(strstr(dsl, "B0EJ,   32"));
	assert_non_null(strstr(dsl, "Device (S01)"));
	assert_non_null(strstr(dsl, "Device (S1F)"));
	assert_non_null(strstr(dsl, "Name (_ADR, 0x00060000)"));
	assert_non_null(strstr(dsl, "Name (_SUN, 0x06)"));
	assert_non_null(strstr(dsl, "Local0 = PCIU"));
	assert_non_null(strstr(dsl, "B0EJ = (One << Arg0)"));
	assert_non_null(strstr(dsl, "If ((Local0 & 0x40))"));
	assert_non_null(strstr(dsl, "Notify (S06, One)"));
	assert_non_null(strstr(dsl, "Notify (S06, 0x03)"));
	assert_non_null(strstr(dsl, "PCEJ (0x06)"));
	free(dsl);
	dsl = read_file(dir, "facp.dsl");
	assert_non_null(strstr(dsl, "Hardware Reduced (V5) : 1"));
	assert_non_null(strstr(dsl, "Reset Register Supported (V2) : 1"));
	free(dsl);

	/* The decompiled DSDT must compile back cleanly. */
	rc = run_iasl(dir, "-p recompiled dsdt.dsl");
	out = read_file(dir, "log");
	if (rc != 0 || !strstr(out, "Compilation successful. 0 Errors"))
		fail_msg("iasl could not recompile the DSDT (exit %d):\n%s", rc, out);
	free(out);

	release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rsdp_xsdt_fadt),
	    cmocka_unit_test(test_tables_above_4g),
	    cmocka_unit_test(test_madt),
	    cmocka_unit_test(test_bad_config),
	    cmocka_unit_test(test_short_buffers),
	    cmocka_unit_test(test_dsdt_names),
	    cmocka_unit_test(test_prt),
	    cmocka_unit_test(test_intx_gsi),
	    cmocka_unit_test_teardown(test_iasl, iasl_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
