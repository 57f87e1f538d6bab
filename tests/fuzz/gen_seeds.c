// SPDX-License-Identifier: MIT
/*
 * gen_seeds.c - writes the seed corpora of tests/fuzz/corpus/<name>/: small
 * meaningful inputs that get each fuzz target past its first checks (a
 * valid bzImage, vmlinux and arm64 Image, real command lines, config files
 * and API requests, the tests' rtnetlink reply, device programs that bring
 * a UART, the PCI host and a VFIO function up the way Linux does, ...).
 *
 *   make fuzz-seeds     (build/fuzz/gen_seeds tests/fuzz/corpus)
 *
 * The seeds are committed; this program is how they were made. Each seed
 * matches the input format its target's header comment describes.
 */
#include <elf.h>
#include <errno.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* rtnl_fixture.h and the fakes assert like cmocka tests; here a failure is fatal. */
#define assert_true(x)                                                                             \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)
#define assert_non_null(x) assert_true((x) != NULL)
#define fail_msg(...)	   abort()

#include "tests/fake_bzimage.h"
#include "tests/fake_vmlinux.h"
#include "tests/rtnl_fixture.h"

static const char *dir;

struct seed {
	u8 b[16384];
	size_t n;
};

static struct seed s;

static void reset(void)
{
	memset(&s, 0, sizeof(s));
}

static void b8(unsigned int v)
{
	if (s.n >= sizeof(s.b))
		abort();
	s.b[s.n++] = (u8)v;
}

static void b16(unsigned int v)
{
	b8(v & 0xff);
	b8(v >> 8);
}

static void b32(u32 v)
{
	b16(v & 0xffff);
	b16(v >> 16);
}

static void bytes(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b8(((const u8 *)p)[i]);
}

/* A string and its NUL. */
static void str0(const char *t)
{
	bytes(t, strlen(t) + 1);
}

static void save(const char *target, const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void save_seed(const char *target, const char *name)
{
	save(target, name, s.b, s.n);
}

static void save_text(const char *target, const char *name, const char *text)
{
	save(target, name, text, strlen(text));
}

/* ---- kernels ---- */

static void kernels(void)
{
	static u8 img[8192];
	struct fake_bz bz = {.setup_sects = 1,
			     .payload_len = 0x400,
			     .cmdline_size = 2047,
			     .init_size = 0x200000,
			     .xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G};
	const struct fake_seg segs[] = {
	    {.flags = PF_R | PF_X,
	     .paddr = 0x1000000,
	     .vaddr = 0xffffffff81000000ULL,
	     .filesz = 0x200,
	     .memsz = 0x200},
	    {.flags = PF_R | PF_W, .paddr = 0x1200000, .filesz = 0x100, .memsz = 0x4000},
	    {.type = PT_NOTE, .flags = PF_R, .paddr = 0x1000100, .filesz = 0x20, .memsz = 0x20},
	};
	size_t len;

	memset(img, 0, sizeof(img));
	fake_bzimage_header(img, &bz);
	save("bzimage", "minimal-2.15", img, 1024 + 0x400);
	bz.setup_sects = 0; /* means 4 */
	bz.payload_len = 0x400;
	memset(img, 0, sizeof(img));
	fake_bzimage_header(img, &bz);
	img[0x1f1 + offsetof(struct setup_header, relocatable_kernel)] = 0;
	save("bzimage", "setup-sects-0", img, 2560 + 0x400 + 64);
	save("vmlinux", "bzimage", img, 2560 + 0x400);

	len = fake_vmlinux(img, sizeof(img), 0x1000000, segs, 3);
	save("vmlinux", "three-segments", img, len);
	save("bzimage", "vmlinux", img, 256);
	len = fake_vmlinux(img, sizeof(img), 0xffffffff81000010ULL, segs, 1);
	save("vmlinux", "virtual-entry", img, len);

	/* arm64: a plain Image (4K pages, anywhere in RAM) and an EFI-stub one */
	memset(img, 0, sizeof(img));
	put_le32(img, 0x14000010); /* b #0x40 */
	put_le64(img + 16, 0x10000);
	put_le64(img + 24, 0xa);
	put_le32(img + 56, 0x644d5241);
	save("arm64_image", "plain", img, 4096);
	img[0] = 'M';
	img[1] = 'Z';
	put_le32(img + 60, 0x40); /* the PE header */
	memcpy(img + 0x40, "PE\0\0", 4);
	put_le16(img + 0x40 + 4, 0xaa64);
	put_le16(img + 0x40 + 6, 1);	 /* one section */
	put_le16(img + 0x40 + 20, 0x70); /* optional header */
	memcpy(img + 0x40 + 24 + 0x70, ".text", 5);
	put_le32(img + 0x40 + 24 + 0x70 + 16, 0xc00); /* SizeOfRawData */
	put_le32(img + 0x40 + 24 + 0x70 + 20, 0x400); /* PointerToRawData */
	save("arm64_image", "efi-stub", img, 4096);
}

/* ---- the command line, --config, JSON, the control API ---- */

static const char config_json[] =
    "{\"kernel\": \"bzImage\", \"mem\": \"2G\", \"cpus\": 2, \"timeout\": 0.5, \"stats\": true,\n"
    " \"vf\": [\"0000:01:10.0,slot=3\", {\"bdf\": \"0000:01:10.2\", \"slot\": 5, \"managed\": "
    "false, \"mac\": \"52:54:00:6d:90:02\", \"vlan\": 42, \"spoofchk\": true}]}\n";

static void text_seeds(void)
{
	char buf[1024];
	int n;

	save_text("cli", "boot-vf",
		  "--kernel\nbzImage\n--mem\n512\n--cpus\n2\n--initrd\ninitramfs.cpio.gz\n"
		  "--cmdline\nconsole=ttyS0 panic=-1 quiet\n"
		  "--vf\n0000:01:10.0,mac=52:54:00:6d:90:02,vlan=42,qos=1,spoofchk=on,trust=off\n"
		  "--vf\n01:10.2,slot=5,managed=off");
	save_text("cli", "ci-mode",
		  "--kernel=bzImage\n--timeout\n0.5\n--expect\n^login:\n--console-log\nlog\n"
		  "--console-log-timestamps\n--events\nfd:2\n--reboot=restart\n--stats\n-v\n"
		  "--hugepages\n--api-socket\napi.sock\n--console\nout");
	save_text("cli", "help", "-h");
	save_text("cli", "vf-from-env", "--kernel\nbzImage\n--vf-from-env\nPCIDEVICE_FUZZ");
	save_text("cli", "bad", "--mem\n12Q\n-x\n--cpus=0\nstray");
	n = snprintf(buf, sizeof(buf), "--config\nvm.json\n--cpus\n4%c%s", 0, config_json);
	save("cli", "config", buf, (size_t)n);

	save_text("config", "example", config_json);
	save_text(
	    "config", "flags",
	    "{\"kernel\": \"vmlinux\", \"hugepages\": false, \"verbose\": true, \"mem\": 1024,"
	    " \"cmdline\": \"console=ttyS0\", \"reboot\": \"restart\", \"events\": "
	    "\"events.jsonl\", \"expect\": \"Run /init\", \"timeout\": 1e1}");
	save_text("config", "refused", "{\"config\": \"other.json\", \"help\": true}");

	save_text("json", "config", config_json);
	save_text("json", "api-reply",
		  "{\"version\": 1, \"ok\": false, \"id\": \"a\\\"b\\n\\u00e9\\ud83d\\ude00\", "
		  "\"error\": {\"code\": \"bad-json\", \"message\": \"\"}}");
	save_text("json", "numbers",
		  "[0, -0, 1.5, -2e-3, 1E+300, 9007199254740993, 123456789012345678901234, "
		  "4.9e-324, [[[[[]]]]], {}, null, true, false, \"\\/\\b\\f\\r\\t\"]");

	save_text("api", "status", "{\"op\": \"status\"}");
	save_text("api", "shutdown",
		  "{\"op\": \"shutdown\", \"timeout\": 5, \"id\": 7, \"version\": 1}\r");
	save_text("api", "id-string", "{\"op\": \"info\", \"id\": \"a\\\"b\\n\\u00e9\"}");
	save_text("api", "unknown-op", "{\"op\": \"reboot\\u0001\", \"id\": 1.5e300}");
	save_text("api", "bad-member", "{\"op\": \"stats\", \"verbose\": true}");
}

/* ---- device programs (see each target's step decoding) ---- */

/* fuzz_serial: op (kind | (len - 1) << 5), offset, data */
static void ser_w(unsigned int reg, unsigned int v)
{
	b8(0);
	b8(reg);
	b8(v);
}

static void ser_r(unsigned int reg)
{
	b8(2);
	b8(reg);
}

static void serial_seeds(void)
{
	const char *hello = "hello\r\n";

	reset();
	/* Linux's 8250 probe and setup: 115200 8N1, FIFOs, interrupts */
	ser_w(3, 0x80);
	ser_w(0, 0x01);
	ser_w(1, 0x00);
	ser_w(3, 0x03);
	ser_w(2, 0xc7);
	ser_w(4, 0x0b);
	ser_w(1, 0x0f);
	ser_r(2);
	ser_r(5);
	for (const char *p = hello; *p; p++)
		ser_w(0, (u8)*p);
	ser_r(5);
	ser_r(2);
	b8(7); /* drain everything */
	b8(0);
	ser_r(2);
	b8(4); /* host input "ls\r" */
	b8(0);
	b8(3);
	bytes("ls\r", 3);
	ser_r(5);
	ser_r(0);
	ser_r(0);
	ser_r(0);
	b8(5); /* a BREAK */
	b8(0);
	ser_r(2);
	ser_r(5);
	ser_r(0);
	/* loopback, modem status, scratch */
	ser_w(4, 0x1f);
	ser_w(0, 'x');
	ser_r(5);
	ser_r(0);
	ser_r(6);
	ser_w(4, 0x0b);
	ser_r(6);
	ser_w(7, 0x55);
	ser_r(7);
	b8(3 | 3 << 5); /* a 4-byte MMIO read */
	b8(4);
	save_seed("serial", "linux-8250");
}

/* fuzz_pci_host: an op, its width (index into 1, 2, 4, 3, 8, 0), data, arguments */
static void cf8_addr(unsigned int slot, unsigned int reg)
{
	b8(0x00);
	b8(2);
	b8(slot);
	b8(reg);
}

static void cfc(bool write, unsigned int width, unsigned int off, u32 v)
{
	b8(write ? 0x81 : 0x01);
	b8(width);
	if (write)
		bytes(&v, width == 0 ? 1 : width == 1 ? 2 : 4);
	b8(off);
}

static void pci_host_seeds(void)
{
	reset();
	b8(1); /* one function */
	b8(1); /* header type 0 */
	b8(1); /* BAR0: 32-bit memory, 4 KiB */
	b8(8);
	b8(2); /* BAR1-2: 64-bit memory, 1 MiB */
	b8(16);
	b8(0);
	b8(0);
	b8(4); /* BAR3: I/O, 256 ports */
	b8(6);
	b8(0); /* BAR4: none */
	b8(0);
	b8(5); /* BAR5: 16-bit I/O, 16 ports */
	b8(2);
	b8(3); /* slot 3 */
	b8(1); /* the default windows */
	/* what Linux's probe does: IDs, header, BARs sized and read back */
	cf8_addr(0, 0);
	cfc(false, 2, 4, 0);
	cf8_addr(3, 0);
	cfc(false, 2, 4, 0);
	cf8_addr(3, 0x0c);
	cfc(false, 0, 6, 0);
	cf8_addr(3, 0x10);
	cfc(false, 2, 4, 0);
	cfc(true, 2, 4, 0xffffffff);
	cfc(false, 2, 4, 0);
	cfc(true, 2, 4, 0xc0000000);
	cf8_addr(3, 0x04);
	cfc(true, 1, 4, 0x0007);
	cfc(false, 1, 6, 0);
	cfc(false, 3, 7, 0); /* runs past 0xcff */
	/* ECAM: the same function's BAR3, and a byte of bus 1 */
	b8(0x02);
	b8(2);
	b32(3 << 15 | 0x1c);
	b8(0x42);
	b8(0);
	b32(1 << 20);
	save_seed("pci_host", "linux-probe");
}

/* fuzz_vfio_pci: the 82576 VF of tests/vfio_pci_fixture.h, or one with MSI and INTx */
static void vfio_cfg(bool msi)
{
	u8 cfg[256] = {0};

	put_le16(cfg + PCI_VENDOR_ID, 0x8086);
	put_le16(cfg + PCI_DEVICE_ID, 0x10ca);
	cfg[PCI_REVISION_ID] = 1;
	put_le16(cfg + PCI_CLASS_DEVICE, 0x0200);
	put_le16(cfg + PCI_SUBSYSTEM_VENDOR_ID, 0x8086);
	put_le16(cfg + PCI_SUBSYSTEM_ID, 0xa02c);
	put_le16(cfg + PCI_STATUS, PCI_STATUS_CAP_LIST);
	put_le32(cfg + PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_MEM_TYPE_64);
	put_le32(cfg + PCI_BASE_ADDRESS_3, PCI_BASE_ADDRESS_MEM_TYPE_64);
	cfg[PCI_CAPABILITY_LIST] = 0x40;
	cfg[0x40] = PCI_CAP_ID_PM; /* PM, then VPD (hidden), then MSI-X or MSI, then PCIe */
	cfg[0x41] = 0x50;
	put_le16(cfg + 0x42, 0xc803);
	cfg[0x50] = PCI_CAP_ID_VPD;
	cfg[0x51] = 0x70;
	if (msi) {
		cfg[0x70] = PCI_CAP_ID_MSI;
		put_le16(cfg + 0x72, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
		cfg[PCI_INTERRUPT_PIN] = 1;
	} else {
		cfg[0x70] = PCI_CAP_ID_MSIX;
		put_le16(cfg + 0x72, 2);	  /* 3 vectors */
		put_le32(cfg + 0x74, 3);	  /* table: BAR3 + 0 */
		put_le32(cfg + 0x78, 0x2000 | 3); /* PBA: BAR3 + 0x2000 */
	}
	cfg[0x71] = 0xa0;
	cfg[0xa0] = PCI_CAP_ID_EXP;
	put_le16(cfg + 0xa2, 0x0002);
	put_le16(cfg + 0xa8, 0x2810);
	bytes(cfg, sizeof(cfg));
}

static void vfio_regions(u8 ctl)
{
	b8(ctl);
	b8(14); /* BAR0: 16 KiB, mmap */
	b8(7);
	b8(0);
	for (int i = 1; i < 3; i++) {
		b8(0);
		b8(0);
	}
	b8(14); /* BAR3: 16 KiB, mmap but the table page */
	b8(7);
	b8(1);
	b8(2);
	b8(6);
	for (int i = 4; i < 6; i++) {
		b8(0);
		b8(0);
	}
	if (ctl & 0x40)
		b8(3); /* MSI-X vectors */
	b8(1);	       /* mmap works */
}

/* The op of fuzz_vfio_pci's step() (op % 12) and its arguments. */
static void vp_bar(unsigned int bar, unsigned int mode, u32 arg)
{
	b8(2);
	b8(bar);
	b8(mode);
	if (mode == 1)
		b16(arg);
	else if (mode == 2)
		b8(arg);
	else if (mode == 3)
		b32(arg);
}

static void vp_program(void)
{
	vp_bar(0, 1, 0);
	vp_bar(1, 3, 0);
	vp_bar(3, 1, 0x10);
	vp_bar(4, 3, 0);
	b8(3); /* command: memory, bus master */
	b16(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static void vfio_seeds(void)
{
	reset();
	vfio_cfg(false);
	vfio_regions(0x40 | 0x80);
	vp_program();
	b8(10); /* MSI-X up, vector 0 */
	b8(0);
	b8(0);
	b8(0x20);
	b8(10); /* and vector 2 */
	b8(2);
	b8(1);
	b8(0x21);
	b8(9); /* the device fires vector 1 (masked: pending) */
	b8(2);
	b8(1);
	b8(8); /* PBA read */
	b8(1);
	b16(0);
	b8(1); /* 8 bytes */
	b8(0);
	b8(8); /* table read, entry 1 */
	b8(0);
	b16(16);
	b8(0);
	b8(0);
	b8(6); /* BAR0 register write */
	b8(0);
	b16(0x100);
	b8(0);
	b8(1);
	b32(0x12345678);
	vp_bar(0, 0, 0); /* sizing, then a move */
	vp_bar(0, 1, 0x40);
	b8(5); /* MSI-X off */
	b8(2);
	b8(1);
	b32(0);
	save_seed("vfio_pci", "82576-vf-msix");

	reset();
	vfio_cfg(true);
	vfio_regions(0x10 | 0x20);
	vp_program();
	b8(4); /* MSI: address, data, enable, unmask */
	b8(4);
	b8(0);
	b32(0xfee00000);
	b8(4);
	b8(12);
	b8(1);
	b32(0x4041);
	b8(4);
	b8(2);
	b8(1);
	b32(PCI_MSI_FLAGS_ENABLE);
	b8(9); /* MSI fires */
	b8(1);
	b8(0);
	b8(1); /* the pending register */
	b16(0x70 + 20);
	b8(4);
	b8(2);
	b8(0);
	b32(0);
	save_seed("vfio_pci", "msi-intx");
}

/* fuzz_power: op (device | (len - 1) << 3 | write 0x40 | mmio 0x80), offset, data */
static void pw(unsigned int dev, unsigned int off, unsigned int v)
{
	b8(0x40 | dev);
	b8(off);
	b8(v);
}

static void power_seeds(void)
{
	reset();
	pw(3, 0, 0x8f); /* CMOS: warm reset code */
	pw(3, 1, 0x0a);
	b8(3);
	b8(1);
	b8(2); /* i8042 status */
	b8(4);
	b8(4); /* pvpanic events */
	b8(0);
	pw(1, 0, 0);	 /* io_delay */
	pw(4, 0, 0x02);	 /* crash kernel loaded */
	b8(0x40 | 0x18); /* a 4-byte ACPI write: sleep type 0 */
	b8(0);
	b32(0x00000020);
	pw(0, 0, 0x34); /* S5: power off */
	pw(0, 2, 0x04); /* reset register */
	pw(2, 4, 0xfe); /* i8042 reset */
	pw(4, 0, 0x01); /* panic */
	b8(0xc5);	/* debug exit over MMIO */
	b8(0);
	b8(0x21);
	save_seed("power", "guest-exits");
}

/* ---- what the kernel hands over ---- */

static void rtnl_seeds(void)
{
	struct mb m;
	struct nlmsghdr h = {.nlmsg_type = NLMSG_ERROR,
			     .nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED};
	struct nlmsgerr e = {.error = -EINVAL};
	size_t a;

	build_reply(&m, three_vfs, 3);
	save("rtnl", "three-vfs", m.buf, m.len);
	build_reply(&m, three_vfs, 0);
	save("rtnl", "no-vfs", m.buf, m.len);

	m.len = 0;
	mb_put(&m, &h, sizeof(h));
	mb_put(&m, &e, sizeof(e));
	a = mb_attr(&m, NLMSGERR_ATTR_MSG, "VF index out of range\x01", 23);
	(void)a;
	mb_done(&m);
	save("rtnl", "ack-ext", m.buf, m.len);
	e.error = 0;
	h.nlmsg_flags = 0;
	m.len = 0;
	mb_put(&m, &h, sizeof(h));
	mb_put(&m, &e, sizeof(e));
	mb_done(&m);
	save("rtnl", "ack", m.buf, m.len);
	save_text("rtnl", "mac", "52:54:00:6D:90:02");
}

/* fuzz_pci_sysfs: see build() there */
static void sysfs_link(const char *name)
{
	b8(1);
	str0(name);
}

static void sysfs_seeds(void)
{
	reset();
	b8(0x0f);
	str0("8\n");
	str0("2\n");
	str0("0x8086\n");
	str0("\n");
	sysfs_link("igbvf");	    /* VF's driver */
	sysfs_link("igb");	    /* PF's driver */
	sysfs_link("1");	    /* VF's IOMMU group */
	sysfs_link("0000:01:00.0"); /* physfn */
	b8(2);
	sysfs_link("0000:01:10.0");
	sysfs_link("0000:01:10.2");
	b8(1);
	str0("eth0");
	sysfs_link("0000:01:00.0");
	b8(1); /* group 1: the VF and a sibling on a host driver */
	b8(2);
	str0("0000:01:10.0");
	b8(1);
	sysfs_link("vfio-pci");
	str0("0000:01:10.1");
	b8(1);
	sysfs_link("igbvf");
	b8(4); /* buffer sizes */
	b8(4);
	b8(4);
	b8(4);
	str0("eth0");
	b8(4);
	b8(3);
	str0("vfio-pci");
	save_seed("pci_sysfs", "sriov-pf");
}

static const char record[] =
    "# tinyvmm: VF taken by pid 1234; `tinyvmm vf restore` gives it back\n"
    "bdf=0000:01:10.0\npid=1234\ndriver=igbvf\ndriver_override=\nrebound=1\n"
    "pf=0000:01:00.0\npf_netdev=eth0\nvf_index=0\nnet_saved=1\nmac=52:54:00:12:34:56\n"
    "vlan=0\nqos=0\nvlan_proto=33024\nspoofchk=1\ntrust=0\nlink_state=-1\n";

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	mkdir(dir, 0755);
	kernels();
	text_seeds();
	serial_seeds();
	pci_host_seeds();
	vfio_seeds();
	power_seeds();
	rtnl_seeds();
	sysfs_seeds();
	save_text("vf_record", "record", record);
	save_text("vf_record", "not-a-vf",
		  "bdf=01:10.0\npid=99\ndriver=\ndriver_override=vfio-pci\nrebound=0\npf=\n"
		  "vf_index=-1\nnewer_key=1\n");
	save_text("iommu_resv", "x86", "0x00000000fee00000 0x00000000feefffff msi\n");
	save_text("iommu_resv", "arm64",
		  "0x0000000008000000 0x00000000080fffff msi\n"
		  "0x00000000fff00000 0x00000000ffffffff direct-relaxable\n"
		  "0x0000008000000000 0x00000080000fffff reserved\n");
	save_text("smaps", "ram",
		  "7f0000000000-7f0040000000 rw-p 00000000 00:00 0 \n"
		  "Size:            1048576 kB\n"
		  "AnonHugePages:   1024000 kB\n"
		  "VmFlags: rd wr mr mw me nr hg\n"
		  "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0      [stack]\n"
		  "AnonHugePages:         0 kB\n");
	return 0;
}
