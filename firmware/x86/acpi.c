// SPDX-License-Identifier: MIT
/*
 * acpi.c - RSDP, XSDT, FADT, MADT and DSDT for a hardware-reduced ACPI
 * guest; see acpi.h. Table layouts follow ACPI 6.3 chapter 5; every field
 * not written here is zero.
 */
#include <string.h>

#include "devices/pci_hotplug.h"
#include "vmm/base/log.h"
#include "firmware/x86/acpi.h"
#include "firmware/x86/aml.h"

#define ACPI_OEM_ID	      "TINYVM"	 /* 6 bytes */
#define ACPI_OEM_TABLE_ID     "TINYVMM " /* 8 bytes */
#define ACPI_CREATOR_ID	      "TVMM"	 /* 4 bytes */
#define ACPI_OEM_REVISION     1
#define ACPI_CREATOR_REVISION 1
#define ACPI_HYPERVISOR_ID    "TINYVMM" /* FADT hypervisor vendor identity */
#define ACPI_TABLE_ALIGN      16

/* Common table header (ACPI 6.3 5.2.6) */
#define HDR_SIGNATURE	     0
#define HDR_LENGTH	     4
#define HDR_REVISION	     8
#define HDR_CHECKSUM	     9
#define HDR_OEM_ID	     10
#define HDR_OEM_TABLE_ID     16
#define HDR_OEM_REVISION     24
#define HDR_CREATOR_ID	     28
#define HDR_CREATOR_REVISION 32
#define HDR_LEN		     36

/* RSDP (5.2.5.3) */
#define RSDP_CHECKSUM	  8 /* over the first RSDP_V1_LEN bytes */
#define RSDP_OEM_ID	  9
#define RSDP_REVISION	  15
#define RSDP_RSDT_ADDR	  16
#define RSDP_LENGTH	  20
#define RSDP_XSDT_ADDR	  24
#define RSDP_EXT_CHECKSUM 32 /* over all RSDP_LEN bytes */
#define RSDP_V1_LEN	  20
#define RSDP_LEN	  36

/* XSDT (5.2.8): header then 64-bit table addresses */
#define XSDT_NENTRIES 2 /* FADT, MADT */
#define XSDT_LEN      (HDR_LEN + 8 * XSDT_NENTRIES)

/* FADT (5.2.9), revision 6.3 */
#define FADT_REVISION	       6
#define FADT_MINOR_REVISION    3
#define FADT_DSDT	       40
#define FADT_SCI_INT	       46
#define FADT_IAPC_BOOT_ARCH    109
#define FADT_FLAGS	       112
#define FADT_RESET_REG	       116
#define FADT_RESET_VALUE       128
#define FADT_MINOR_VERSION     131
#define FADT_X_DSDT	       140
#define FADT_SLEEP_CONTROL_REG 244
#define FADT_SLEEP_STATUS_REG  256
#define FADT_HYPERVISOR_ID     268
#define FADT_LEN	       276
#define FADT_BOOT_NO_VGA       (1U << 2)
#define FADT_BOOT_NO_CMOS_RTC  (1U << 5)
#define FADT_F_RESET_REG_SUP   (1U << 10)
#define FADT_F_HW_REDUCED_ACPI (1U << 20)

/* Generic Address Structure (5.2.3.2) */
#define GAS_SYSTEM_IO	1
#define GAS_ACCESS_BYTE 1

/* MADT (5.2.12), revision 5 (ACPI 6.3) */
#define MADT_REVISION	    5
#define MADT_LAPIC_ADDR	    36
#define MADT_FLAGS	    40
#define MADT_ENTRIES	    44
#define MADT_PCAT_COMPAT    1U
#define MADT_TYPE_LAPIC	    0
#define MADT_TYPE_IOAPIC    1
#define MADT_TYPE_ISO	    2
#define MADT_TYPE_LAPIC_NMI 4
#define MADT_LAPIC_LEN	    8
#define MADT_IOAPIC_LEN	    12
#define MADT_ISO_LEN	    10
#define MADT_LAPIC_NMI_LEN  6
#define MADT_LAPIC_ENABLED  1U
#define MADT_ALL_PROCESSORS 0xff

#define DSDT_REVISION 2 /* 64-bit integers */
#define XSDT_REVISION 1
#define RSDP_REV2     2

#define PRT_ENTRIES ((PCI_MAX_SLOTS - PCI_FIRST_DEVICE_SLOT) * 4)
_Static_assert(PRT_ENTRIES <= 255, "_PRT needs a VarPackage");
_Static_assert(PCIHP_REG_UP == 0 && PCIHP_REG_DOWN == 4 && PCIHP_REG_EJECT == 8 &&
		   PCIHP_REG_LEN == PCI_HOTPLUG_PORT_LEN,
	       "the DSDT's PCST field is PCIU, PCID, B0EJ in this order");
_Static_assert(ACPI_GED_GSI >= PCI_INTX_GSI_BASE + PCI_INTX_GSI_COUNT && ACPI_GED_GSI < IOAPIC_PINS,
	       "the GED's GSI is an IOAPIC pin of its own");
_Static_assert(ACPI_MAX_CPUS <= 255, "an IOAPIC id and LAPIC ids must fit a byte");

struct acpi_layout {
	size_t xsdt, fadt, madt, madt_len, dsdt, dsdt_len, end;
};

static u8 acpi_checksum(const u8 *p, size_t n)
{
	u8 sum = 0;

	while (n--)
		sum = (u8)(sum + *p++);
	return (u8)-sum;
}

static void table_header(u8 *t, const char *sig, size_t len, u8 rev)
{
	memcpy(t + HDR_SIGNATURE, sig, 4);
	put_le32(t + HDR_LENGTH, (u32)len);
	t[HDR_REVISION] = rev;
	memcpy(t + HDR_OEM_ID, ACPI_OEM_ID, 6);
	memcpy(t + HDR_OEM_TABLE_ID, ACPI_OEM_TABLE_ID, 8);
	put_le32(t + HDR_OEM_REVISION, ACPI_OEM_REVISION);
	memcpy(t + HDR_CREATOR_ID, ACPI_CREATOR_ID, 4);
	put_le32(t + HDR_CREATOR_REVISION, ACPI_CREATOR_REVISION);
}

/* Call last, once every other byte of the table is final. */
static void table_checksum(u8 *t, size_t len)
{
	t[HDR_CHECKSUM] = 0;
	t[HDR_CHECKSUM] = acpi_checksum(t, len);
}

/* An 8-bit System I/O register, accessed a byte at a time. */
static void gas_io8(u8 *g, u16 port)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = 8; /* bit width */
	g[2] = 0; /* bit offset */
	g[3] = GAS_ACCESS_BYTE;
	put_le64(g + 4, port);
}

/* ---- DSDT ---- */

/* The slot's name: S01 .. S1F. */
static void slot_name(char out[5], unsigned int slot)
{
	static const char hex[] = "0123456789ABCDEF";

	out[0] = 'S';
	out[1] = hex[(slot >> 4) & 0xf];
	out[2] = hex[slot & 0xf];
	out[3] = '\0';
}

/*
 * PCI hotplug inside \_SB.PCI0 (QEMU's and Cloud Hypervisor's design; Linux
 * drives it with acpiphp):
 *   OperationRegion (PCST, SystemIO, PCI_HOTPLUG_PORT, 12)
 *   Field (PCST, DWordAcc, NoLock, Preserve) { PCIU, 32, PCID, 32, B0EJ, 32 }
 *   Method (PCEJ, 1, Serialized) { B0EJ = 1 << Arg0 }
 *   Method (PCNT, 0, Serialized) {     // the GED's _EVT calls it
 *     Local0 = PCIU; Local1 = PCID     // both clear on read
 *     If (Local0 & (1 << s)) { Notify (Sss, 1) }   // device check: scan it
 *     If (Local1 & (1 << s)) { Notify (Sss, 3) }   // eject request
 *     ... for every slot s
 *   }
 *   Device (Sss) { Name (_ADR, s << 16) Name (_SUN, s) Method (_EJ0, 1) { PCEJ (s) } }
 */
static void dsdt_hotplug(struct aml *a)
{
	char name[5];

	aml_opregion(a, "PCST", AML_SPACE_SYSTEM_IO, PCI_HOTPLUG_PORT, PCI_HOTPLUG_PORT_LEN);
	aml_field_begin(a, "PCST", AML_FIELD_DWORD_ACC);
	aml_field_unit(a, "PCIU", 32);
	aml_field_unit(a, "PCID", 32);
	aml_field_unit(a, "B0EJ", 32);
	aml_end(a);

	aml_method_begin(a, "PCEJ", 1, true);
	aml_byte(a, AML_STORE_OP);
	aml_byte(a, AML_SHIFT_LEFT_OP);
	aml_integer(a, 1);
	aml_byte(a, AML_ARG0_OP);
	aml_byte(a, AML_NULL_NAME);
	aml_namestring(a, "B0EJ");
	aml_end(a);

	aml_method_begin(a, "PCNT", 0, true);
	aml_byte(a, AML_STORE_OP);
	aml_namestring(a, "PCIU");
	aml_byte(a, AML_LOCAL0_OP);
	aml_byte(a, AML_STORE_OP);
	aml_namestring(a, "PCID");
	aml_byte(a, AML_LOCAL0_OP + 1);
	for (unsigned int slot = PCI_FIRST_DEVICE_SLOT; slot < PCI_MAX_SLOTS; slot++) {
		slot_name(name, slot);
		for (unsigned int down = 0; down < 2; down++) {
			aml_if_begin(a);
			aml_byte(a, AML_AND_OP);
			aml_byte(a, (u8)(AML_LOCAL0_OP + down));
			aml_integer(a, 1ULL << slot);
			aml_byte(a, AML_NULL_NAME);
			aml_notify(a, name, down ? 3 : 1);
			aml_end(a);
		}
	}
	aml_end(a);

	for (unsigned int slot = PCI_FIRST_DEVICE_SLOT; slot < PCI_MAX_SLOTS; slot++) {
		slot_name(name, slot);
		aml_device_begin(a, name);
		aml_name(a, "_ADR");
		aml_integer(a, (u64)slot << 16);
		aml_name(a, "_SUN");
		aml_integer(a, slot);
		aml_method_begin(a, "_EJ0", 1, false);
		aml_namestring(a, "PCEJ");
		aml_integer(a, slot);
		aml_end(a);
		aml_end(a);
	}
}

/* The Generic Event Device: its interrupt runs _EVT, which scans the slots. */
static void dsdt_ged(struct aml *a)
{
	aml_device_begin(a, "GED0");
	aml_name(a, "_HID");
	aml_string(a, "ACPI0013");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_name(a, "_CRS");
	aml_restemplate_begin(a);
	aml_res_interrupt(a, ACPI_GED_GSI, true, false);
	aml_restemplate_end(a);
	aml_method_begin(a, "_EVT", 1, true);
	aml_namestring(a, "\\_SB.PCI0.PCNT");
	aml_end(a);
	aml_end(a);
}

/* \_SB.PCI0: the host bridge, bus 0 only, and its INTx routing. */
static void dsdt_pci0(struct aml *a)
{
	aml_device_begin(a, "PCI0");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0A03");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_name(a, "_SEG");
	aml_integer(a, 0);
	aml_name(a, "_BBN");
	aml_integer(a, 0);

	aml_name(a, "_CRS");
	aml_restemplate_begin(a);
	aml_res_word_bus(a, 0, 0);
	aml_res_io(a, PCI_CFG_ADDR_PORT, PCI_CFG_ADDR_PORT, 1, 8);
	aml_res_word_io(a, 0x0000, PCI_CFG_ADDR_PORT - 1);
	aml_res_word_io(a, PCI_CFG_ADDR_PORT + 8, 0xffff);
	/*
	 * Neither window is Prefetchable: Linux refuses to claim a
	 * non-prefetchable BAR inside a prefetchable window, and the VMM
	 * places BARs of both kinds.
	 */
	aml_res_dword_mem(a, PCI_MMIO32_BASE, PCI_MMIO32_END - 1, AML_MEM_NONCACHEABLE, true);
	aml_res_qword_mem(a, PCI_MMIO64_BASE, PCI_MMIO64_BASE + PCI_MMIO64_SIZE - 1,
			  AML_MEM_NONCACHEABLE, true);
	aml_restemplate_end(a);

	/* Package { Address (slot, any function), Pin, Source (Zero: a GSI),
	 * SourceIndex (the GSI) } for every pin of every device slot. */
	aml_name(a, "_PRT");
	aml_package_begin(a, PRT_ENTRIES);
	for (unsigned int slot = PCI_FIRST_DEVICE_SLOT; slot < PCI_MAX_SLOTS; slot++) {
		for (unsigned int pin = 0; pin < 4; pin++) {
			aml_package_begin(a, 4);
			aml_integer(a, (u64)slot << 16 | 0xffff);
			aml_integer(a, pin);
			aml_integer(a, 0);
			aml_integer(a, acpi_pci_intx_gsi(slot, pin));
			aml_end(a);
		}
	}
	aml_end(a);
	dsdt_hotplug(a);
	aml_end(a);
}

static void dsdt_com1(struct aml *a)
{
	aml_device_begin(a, "COM1");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0501");
	aml_name(a, "_UID");
	aml_integer(a, 1);
	aml_name(a, "_CRS");
	aml_restemplate_begin(a);
	aml_res_io(a, COM1_PORT, COM1_PORT, 1, COM1_PORT_LEN);
	aml_res_irq_noflags(a, COM1_IRQ);
	aml_restemplate_end(a);
	aml_end(a);
}

/* QEMU-compatible pvpanic: Linux's pvpanic driver binds to QEMU0001. */
static void dsdt_pvpanic(struct aml *a)
{
	aml_device_begin(a, "PEVT");
	aml_name(a, "_HID");
	aml_string(a, "QEMU0001");
	aml_name(a, "_CRS");
	aml_restemplate_begin(a);
	aml_res_io(a, PVPANIC_PORT, PVPANIC_PORT, 1, 1);
	aml_restemplate_end(a);
	aml_name(a, "_STA");
	aml_integer(a, 0x0f); /* present, enabled, shown, functioning */
	aml_end(a);
}

/* The DSDT's definition block, without the table header. */
static void dsdt_body(struct aml *a)
{
	/* Package { SLP_TYPa, SLP_TYPb, reserved, reserved }; with the
	 * hardware-reduced sleep control register only SLP_TYPa is used. */
	aml_name(a, "\\_S5_");
	aml_package_begin(a, 4);
	aml_integer(a, ACPI_S5_SLP_TYP);
	aml_integer(a, ACPI_S5_SLP_TYP);
	aml_integer(a, 0);
	aml_integer(a, 0);
	aml_end(a);

	aml_scope_begin(a, "\\_SB");
	dsdt_pci0(a);
	dsdt_com1(a);
	dsdt_pvpanic(a);
	dsdt_ged(a);
	aml_end(a);
}

/* ---- fixed tables ---- */

static void build_rsdp(u8 *p, gpa_t xsdt)
{
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + RSDP_OEM_ID, ACPI_OEM_ID, 6);
	p[RSDP_REVISION] = RSDP_REV2;
	put_le32(p + RSDP_RSDT_ADDR, 0); /* no RSDT: the XSDT is enough */
	put_le32(p + RSDP_LENGTH, RSDP_LEN);
	put_le64(p + RSDP_XSDT_ADDR, xsdt);
	p[RSDP_CHECKSUM] = acpi_checksum(p, RSDP_V1_LEN);
	p[RSDP_EXT_CHECKSUM] = acpi_checksum(p, RSDP_LEN);
}

static void build_xsdt(u8 *t, gpa_t fadt, gpa_t madt)
{
	table_header(t, "XSDT", XSDT_LEN, XSDT_REVISION);
	put_le64(t + HDR_LEN, fadt);
	put_le64(t + HDR_LEN + 8, madt);
	table_checksum(t, XSDT_LEN);
}

static void build_fadt(u8 *t, gpa_t dsdt)
{
	table_header(t, "FACP", FADT_LEN, FADT_REVISION);
	t[FADT_MINOR_VERSION] = FADT_MINOR_REVISION;
	/* The 32-bit pointer only if the DSDT is below 4 GiB; X_DSDT always. */
	if (dsdt <= 0xffffffffULL)
		put_le32(t + FADT_DSDT, (u32)dsdt);
	put_le64(t + FADT_X_DSDT, dsdt);
	put_le16(t + FADT_SCI_INT, ACPI_SCI_IRQ);
	/* No VGA, no CMOS RTC (the guest uses kvmclock); the 8042 flag stays
	 * clear. Never "MSI not supported" or "PCIe ASPM controls". */
	put_le16(t + FADT_IAPC_BOOT_ARCH, FADT_BOOT_NO_VGA | FADT_BOOT_NO_CMOS_RTC);
	/* No PM timer, PM1/GPE blocks or FACS: hardware-reduced. */
	put_le32(t + FADT_FLAGS, FADT_F_HW_REDUCED_ACPI | FADT_F_RESET_REG_SUP);
	gas_io8(t + FADT_RESET_REG, ACPI_RESET_PORT);
	t[FADT_RESET_VALUE] = ACPI_RESET_VALUE;
	gas_io8(t + FADT_SLEEP_CONTROL_REG, ACPI_SLEEP_CTL_PORT);
	gas_io8(t + FADT_SLEEP_STATUS_REG, ACPI_SLEEP_STS_PORT);
	memcpy(t + FADT_HYPERVISOR_ID, ACPI_HYPERVISOR_ID, sizeof(ACPI_HYPERVISOR_ID));
	table_checksum(t, FADT_LEN);
}

static size_t madt_len(unsigned int ncpus)
{
	return MADT_ENTRIES + (size_t)ncpus * MADT_LAPIC_LEN + MADT_IOAPIC_LEN + MADT_ISO_LEN +
	       MADT_LAPIC_NMI_LEN;
}

static void build_madt(u8 *t, unsigned int ncpus)
{
	size_t len = madt_len(ncpus);
	u8 *e = t + MADT_ENTRIES;

	table_header(t, "APIC", len, MADT_REVISION);
	put_le32(t + MADT_LAPIC_ADDR, (u32)LAPIC_GPA);
	put_le32(t + MADT_FLAGS, MADT_PCAT_COMPAT);

	for (unsigned int i = 0; i < ncpus; i++, e += MADT_LAPIC_LEN) {
		e[0] = MADT_TYPE_LAPIC;
		e[1] = MADT_LAPIC_LEN;
		e[2] = (u8)i; /* ACPI processor UID */
		e[3] = (u8)i; /* APIC id */
		put_le32(e + 4, MADT_LAPIC_ENABLED);
	}

	e[0] = MADT_TYPE_IOAPIC;
	e[1] = MADT_IOAPIC_LEN;
	e[2] = (u8)ncpus; /* IOAPIC id: the first one after the LAPICs */
	put_le32(e + 4, (u32)IOAPIC_GPA);
	put_le32(e + 8, 0); /* GSI base */
	e += MADT_IOAPIC_LEN;

	/* ISA IRQ 0 (the PIT) is wired to IOAPIC pin 2, as on every PC. */
	e[0] = MADT_TYPE_ISO;
	e[1] = MADT_ISO_LEN;
	e[2] = 0; /* bus: ISA */
	e[3] = 0; /* source IRQ */
	put_le32(e + 4, 2);
	put_le16(e + 8, 0); /* flags: conforms to the bus */
	e += MADT_ISO_LEN;

	/* NMI arrives on LINT1 of every processor. */
	e[0] = MADT_TYPE_LAPIC_NMI;
	e[1] = MADT_LAPIC_NMI_LEN;
	e[2] = MADT_ALL_PROCESSORS;
	put_le16(e + 3, 0); /* flags: conforms to the bus */
	e[5] = 1;	    /* LINT1 */

	table_checksum(t, len);
}

/* Where each table goes; the DSDT body is measured by a dry run. */
static int acpi_plan(struct acpi_layout *l, unsigned int ncpus)
{
	struct aml a;

	aml_init(&a, NULL, 0);
	dsdt_body(&a);
	if (a.invalid || a.depth)
		return -EINVAL; /* a bug in dsdt_body() */
	l->dsdt_len = HDR_LEN + a.pos;
	l->madt_len = madt_len(ncpus);

	l->xsdt = ALIGN_UP((size_t)RSDP_LEN, ACPI_TABLE_ALIGN);
	l->fadt = ALIGN_UP(l->xsdt + XSDT_LEN, ACPI_TABLE_ALIGN);
	l->madt = ALIGN_UP(l->fadt + FADT_LEN, ACPI_TABLE_ALIGN);
	l->dsdt = ALIGN_UP(l->madt + l->madt_len, ACPI_TABLE_ALIGN);
	l->end = l->dsdt + l->dsdt_len;
	return 0;
}

ssize_t acpi_build(void *buf, size_t len, gpa_t gpa, const struct acpi_config *cfg)
{
	struct acpi_layout l;
	struct aml a;
	u8 *p = buf;
	gpa_t last;
	int r;

	if (!cfg)
		return -EINVAL;
	if (cfg->ncpus < 1 || cfg->ncpus > ACPI_MAX_CPUS) {
		log_err("acpi: %u vCPUs requested; the tables describe 1 to %d", cfg->ncpus,
			ACPI_MAX_CPUS);
		return -EINVAL;
	}
	if (gpa % ACPI_TABLE_ALIGN) {
		log_err("acpi: tables at %#llx are not %d-byte aligned", (unsigned long long)gpa,
			ACPI_TABLE_ALIGN);
		return -EINVAL;
	}
	r = acpi_plan(&l, cfg->ncpus);
	if (r < 0)
		return r;
	if (__builtin_add_overflow(gpa, l.end - 1, &last)) {
		log_err("acpi: tables at %#llx would run past the top of the address space",
			(unsigned long long)gpa);
		return -EINVAL;
	}
	if (!buf || len < l.end)
		return -ENOSPC;

	memset(p, 0, l.end);
	table_header(p + l.dsdt, "DSDT", l.dsdt_len, DSDT_REVISION);
	aml_init(&a, p + l.dsdt + HDR_LEN, l.dsdt_len - HDR_LEN);
	dsdt_body(&a);
	if (aml_finish(&a) != (ssize_t)(l.dsdt_len - HDR_LEN))
		return -EINVAL; /* dsdt_body() is not deterministic: a bug */
	table_checksum(p + l.dsdt, l.dsdt_len);

	build_madt(p + l.madt, cfg->ncpus);
	build_fadt(p + l.fadt, gpa + l.dsdt);
	build_xsdt(p + l.xsdt, gpa + l.fadt, gpa + l.madt);
	build_rsdp(p, gpa + l.xsdt);
	return (ssize_t)l.end;
}
