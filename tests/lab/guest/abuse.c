// SPDX-License-Identifier: MIT
/*
 * abuse.c - the hostile guest of the guest-abuse lab scenario: for a fixed
 * time, as root in the guest, random writes and reads
 *   - to I/O ports (iopl(3); a quarter of them on the ports tinyvmm emulates),
 *   - to the VF's and the host bridge's config space (sysfs config),
 *   - into the VF's memory BARs (sysfs resourceN, mmap), its MSI-X table
 *     and PBA included,
 *   - into unassigned MMIO (/dev/mem, mmap of the PCI windows' holes).
 * The sequence is a function of SEED alone (xorshift64*), so a run can be
 * replayed; how far it gets in SECONDS depends on the machine's speed
 * (MAX_OPS stops it after that many operations instead).
 *
 *   abuse SEED SECONDS VF_BDF BRIDGE_BDF [MAX_OPS]
 *
 * Left alone, because they are requests and not abuse (the VM would end, or
 * the VF leave the guest, as asked): the debug exit port 0x501, pvpanic
 * 0x505, the ACPI sleep control and reset registers 0x600-0x603, the i8042
 * reset command (0xfe written to 0x64: any other value is written), the PC
 * reset control 0xcf9 and the hotplug eject register B0EJ (0xae08-0xae0b);
 * these mirror DEBUG_EXIT_PORT, PVPANIC_PORT, ACPI_PM_PORT, I8042_CMD_PORT
 * and PCI_HOTPLUG_PORT in vmm/arch/x86/include/arch/layout.h. COM1
 * (0x3f8-0x3ff) is left alone too: it carries the guest's console, which is
 * how the scenario reads these figures.
 * The guest's own stability: the VF's bus mastering stays off (every config
 * write that reaches the command register, through sysfs or 0xcf8/0xcfc,
 * has bit 2 cleared), so random ring registers in BAR0 never make the VF
 * DMA into the guest's RAM; an MSI-X entry's data is written with delivery
 * mode 0 (fixed), so no INIT, SMI or NMI is aimed at the guest's vCPU, and
 * a vector of 0x30-0xdf but 0x80 (the 32-bit system call gate), so the
 * VF (which the random BAR0 and mailbox writes do make interrupt) never
 * raises a CPU exception vector (0-31: a #PF or #DF without its frame
 * crashes the guest's kernel, seen as a triple fault) or one the kernel
 * keeps for its timer and IPIs. And the PIT (0x40-0x43) is read but not
 * written: it is KVM's, not tinyvmm's, and a random reload value can flood
 * the guest with timer interrupts until it stops making progress.
 *
 * Every 512 operations the VF's BARs and memory decode are put back as the
 * guest's kernel set them (restores=), so BAR, MSI-X and PBA accesses keep
 * reaching the device model rather than the hole a moved BAR left.
 *
 * Prints "abuse: progress ..." every 5 s and "abuse: done ..." with the counts at
 * the end; exits 0 when it ran for the whole time, 1 on a usage or setup
 * error. A SIGBUS or SIGSEGV on an access is counted (faults=) and the run
 * goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define COM1	       0x3f8
#define I8042_CMD      0x64
#define I8042_RESET    0xfe
#define PCI_CF8	       0xcf8
#define PCI_CFC	       0xcfc
#define PCI_CMD_REG    0x04
#define PCI_CMD_MASTER 0x04
#define MSIX_ENTRY     16
#define MMIO_HOLE_SIZE 0x100000UL
#define MMIO32_HOLE    0xf0000000UL   /* in the 32-bit PCI window, above the BARs */
#define MMIO64_HOLE    0xc000000000UL /* the middle of the 64-bit PCI window */
#define IORESOURCE_MEM 0x200
#define NR_BARS	       6
#define PROGRESS_SECS  5
#define RESTORE_OPS    512 /* put the VF's BARs and decode back this often */
#define PCI_CMD_MEMORY 0x02
#define PCI_BARS       0x10
#define PCI_BARS_LEN   24

struct port_range {
	unsigned int port, len;
};

static const struct port_range skip_write[] = {
    {0x40, 4},	 /* KVM's PIT (see the top) */
    {0x501, 1},	 /* debug exit */
    {0x505, 1},	 /* pvpanic */
    {0x600, 4},	 /* ACPI sleep control, status, reset */
    {0xcf9, 1},	 /* PC reset control */
    {0xae08, 4}, /* hotplug B0EJ */
    {COM1, 8},	 /* the console */
};
static const struct port_range skip_read[] = {
    {COM1, 8},
};

/* The ports tinyvmm (or KVM) emulates, where a quarter of the port I/O goes. */
static const struct port_range hot_ports[] = {
    {0x20, 2},	{0x40, 4},   {0x60, 5},	  {0x70, 2},  {0x80, 16},   {0x92, 1},	   {0xa0, 2},
    {0x4d0, 2}, {0x500, 16}, {0x600, 16}, {0xcf8, 8}, {0xae00, 16}, {0xc000, 256},
};

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int rnd_width(void)
{
	static const unsigned int w[] = {1, 2, 4};

	return w[rnd() % 3];
}

enum {
	PORT_W,
	PORT_R,
	PORT_SKIP,
	VFCFG_W,
	VFCFG_R,
	HBCFG_W,
	HBCFG_R,
	BAR_W,
	BAR_R,
	MSIX_W,
	MSIX_R,
	PBA_W,
	PBA_R,
	MMIO_W,
	MMIO_R,
	RESTORES,
	FAULTS,
	ERRORS,
	NR_COUNTS
};
static const char *const count_name[NR_COUNTS] = {
    "port_w",  "port_r", "port_skipped", "vfcfg_w",  "vfcfg_r", "hbcfg_w",
    "hbcfg_r", "bar_w",	 "bar_r",	 "msix_w",   "msix_r",	"pba_w",
    "pba_r",   "mmio_w", "mmio_r",	 "restores", "faults",	"errors",
};
static unsigned long count[NR_COUNTS];

struct region {
	volatile uint8_t *p;
	size_t len;
};

static struct {
	int vf_cfg, hb_cfg;
	size_t vf_cfg_len, hb_cfg_len;
	unsigned int vf_slot;
	uint8_t vf_bars[PCI_BARS_LEN]; /* as the guest's kernel placed them */
	uint16_t vf_cmd;
	struct region bar[NR_BARS];
	int nr_bars;
	struct region msix, pba; /* inside a BAR */
	unsigned int msix_entries;
	struct region mmio[2];
	int nr_mmio;
	int ports;
} m;

static sigjmp_buf fault_env;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(fault_env, 1);
}

static int overlaps(unsigned int port, unsigned int len, unsigned int p, unsigned int l)
{
	return port < p + l && p < port + len;
}

static int skipped(unsigned int port, unsigned int len, int write)
{
	size_t i;

	if (write) {
		for (i = 0; i < sizeof(skip_write) / sizeof(skip_write[0]); i++)
			if (overlaps(port, len, skip_write[i].port, skip_write[i].len))
				return 1;
	} else {
		for (i = 0; i < sizeof(skip_read) / sizeof(skip_read[0]); i++)
			if (overlaps(port, len, skip_read[i].port, skip_read[i].len))
				return 1;
	}
	return 0;
}

/* 0xcf8 never selects the VF's command register (bus mastering stays off). */
static uint32_t cf8_value(uint32_t v)
{
	if (((v >> 16) & 0xff) == 0 && ((v >> 11) & 0x1f) == m.vf_slot && (v & 0xfc) == PCI_CMD_REG)
		v += 4;
	return v;
}

static void port_op(int write)
{
	unsigned int port, len = rnd_width();
	uint32_t v = (uint32_t)rnd();

	if (rnd() % 4 == 0) {
		size_t i = rnd() % (sizeof(hot_ports) / sizeof(hot_ports[0]));

		port = hot_ports[i].port + (unsigned int)(rnd() % hot_ports[i].len);
	} else {
		port = (unsigned int)(rnd() & 0xffff);
	}
	if (port + len > 0x10000)
		len = 1;
	if (skipped(port, len, write)) {
		count[PORT_SKIP]++;
		return;
	}
	if (!write) {
		if (len == 1)
			(void)inb((unsigned short)port);
		else if (len == 2)
			(void)inw((unsigned short)port);
		else
			(void)inl((unsigned short)port);
		count[PORT_R]++;
		return;
	}
	if (overlaps(port, len, I8042_CMD, 1)) {
		port = I8042_CMD; /* a byte, never the reset command */
		len = 1;
		if ((v & 0xff) == I8042_RESET)
			v ^= 1;
	}
	if (port == PCI_CF8 && len == 4)
		v = cf8_value(v);
	if (len == 1)
		outb((uint8_t)v, (unsigned short)port);
	else if (len == 2)
		outw((uint16_t)v, (unsigned short)port);
	else
		outl(v, (unsigned short)port);
	count[PORT_W]++;
}

static void cfg_op(int fd, size_t size, int write, int is_vf)
{
	unsigned int len = rnd_width();
	off_t off = (off_t)(rnd() % size);
	uint8_t b[4];
	uint32_t v = (uint32_t)rnd();
	ssize_t n;

	if ((size_t)off + len > size)
		len = 1;
	memcpy(b, &v, 4);
	if (write && is_vf && off <= PCI_CMD_REG && PCI_CMD_REG < off + len)
		b[PCI_CMD_REG - off] &= (uint8_t)~PCI_CMD_MASTER;
	n = write ? pwrite(fd, b, len, off) : pread(fd, b, len, off);
	if (n != (ssize_t)len)
		count[ERRORS]++;
	else if (is_vf)
		count[write ? VFCFG_W : VFCFG_R]++;
	else
		count[write ? HBCFG_W : HBCFG_R]++;
}

/* One access; a SIGBUS or SIGSEGV is counted instead. */
static void poke(volatile uint8_t *p, unsigned int len, int write, uint64_t v, int what)
{
	if (sigsetjmp(fault_env, 0)) {
		count[FAULTS]++;
		return;
	}
	if (write) {
		if (len == 1)
			*p = (uint8_t)v;
		else if (len == 2)
			*(volatile uint16_t *)(volatile void *)p = (uint16_t)v;
		else if (len == 4)
			*(volatile uint32_t *)(volatile void *)p = (uint32_t)v;
		else
			*(volatile uint64_t *)(volatile void *)p = v;
	} else {
		if (len == 1)
			(void)*p;
		else if (len == 2)
			(void)*(volatile uint16_t *)(volatile void *)p;
		else if (len == 4)
			(void)*(volatile uint32_t *)(volatile void *)p;
		else
			(void)*(volatile uint64_t *)(volatile void *)p;
	}
	count[what]++;
}

/* One access of 1, 2, 4 or 8 bytes at a random aligned offset of r. */
static void mem_op(const struct region *r, int write, uint64_t v, int what)
{
	static const unsigned int w[] = {1, 2, 4, 8};
	unsigned int len = w[rnd() % 4];
	size_t off;

	if (r->len < 8)
		len = 1;
	off = (size_t)(rnd() % (r->len - len + 1)) & ~(size_t)(len - 1);
	poke(r->p + off, len, write, v, what);
}

/* An MSI-X table dword: a random entry (a few past the end too), data with delivery mode 0. */
static void msix_write(void)
{
	unsigned int entry = (unsigned int)(rnd() % (m.msix_entries + 2));
	unsigned int dw = (unsigned int)(rnd() % 4);
	uint32_t v = (uint32_t)rnd();
	size_t off = (size_t)entry * MSIX_ENTRY + dw * 4;

	if (off + 4 > m.msix.len)
		off = (m.msix.len - 4) & ~(size_t)3;
	if (dw == 0 && rnd() % 2)
		v = 0xfee00000u | (v & 0xff00cu); /* a plausible address: an APIC ID, modes */
	if (dw == 2) {
		/* delivery mode fixed; a device vector: 0x30-0xdf, not 0x80 */
		uint32_t vec = 0x30u + (uint32_t)(rnd() % 0xafu);

		v = (v & ~0x7ffu) | (vec >= 0x80u ? vec + 1 : vec);
	}
	poke(m.msix.p + off, 4, 1, v, MSIX_W);
}

/* A BAR access outside the MSI-X table (the table has its own, tamer, writes). */
static void bar_op(int write)
{
	const struct region *r = &m.bar[rnd() % (unsigned int)m.nr_bars];
	struct region sub = *r;
	uint64_t v = rnd();

	if (m.msix.p && r->p <= m.msix.p && m.msix.p < r->p + r->len) {
		size_t before = (size_t)(m.msix.p - r->p);
		size_t after = before + m.msix_entries * MSIX_ENTRY;

		if (rnd() % 2 && before >= 8) {
			sub.len = before;
		} else if (r->len >= after + 8) {
			sub.p = r->p + after;
			sub.len = r->len - after;
		} else {
			return;
		}
	}
	mem_op(&sub, write, v, write ? BAR_W : BAR_R);
}

/*
 * Config writes soon move the BARs or turn decode off; from then on the BAR,
 * MSI-X and PBA accesses would all land where the BARs were, which is just
 * unassigned MMIO. So every RESTORE_OPS operations the VF's BARs and memory
 * decode are put back as the guest's kernel set them (bus mastering off).
 */
static void restore_vf(void)
{
	uint16_t cmd = (uint16_t)((m.vf_cmd | PCI_CMD_MEMORY) & ~PCI_CMD_MASTER);

	if (pwrite(m.vf_cfg, m.vf_bars, sizeof(m.vf_bars), PCI_BARS) != sizeof(m.vf_bars) ||
	    pwrite(m.vf_cfg, &cmd, 2, PCI_CMD_REG) != 2)
		count[ERRORS]++;
	else
		count[RESTORES]++;
}

static int map_file(const char *path, off_t off, size_t len, struct region *r)
{
	int fd = open(path, O_RDWR | O_SYNC);
	void *p;

	if (fd < 0)
		return -errno;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	r->p = p;
	r->len = len;
	return 0;
}

static int open_cfg(const char *bdf, size_t *len)
{
	char path[128];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 64) {
		printf("abuse: %s: cannot open it: %s\n", path, strerror(errno));
		return -1;
	}
	*len = (size_t)st.st_size;
	return fd;
}

/* The VF's memory BARs, mapped; the MSI-X table and PBA found through its config space. */
static void map_vf(const char *bdf)
{
	char path[128], line[128];
	unsigned long long start[NR_BARS] = {0}, end[NR_BARS] = {0}, flags[NR_BARS] = {0};
	struct region *by_bar[NR_BARS] = {0};
	uint8_t cfg[256];
	FILE *f;
	int i, hops;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "r");
	for (i = 0; f && i < NR_BARS && fgets(line, sizeof(line), f); i++)
		sscanf(line, "%llx %llx %llx", &start[i], &end[i], &flags[i]);
	if (f)
		fclose(f);
	for (i = 0; i < NR_BARS; i++) {
		size_t len;
		int r;

		if (!(flags[i] & IORESOURCE_MEM) || end[i] <= start[i])
			continue;
		len = (size_t)(end[i] - start[i] + 1);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d", bdf, i);
		r = map_file(path, 0, (len + 4095) & ~(size_t)4095, &m.bar[m.nr_bars]);
		printf("abuse: BAR%d at 0x%llx, 0x%zx bytes: %s\n", i, start[i], len,
		       r ? strerror(-r) : "mapped");
		if (r)
			continue;
		m.bar[m.nr_bars].len = len;
		by_bar[i] = &m.bar[m.nr_bars++];
	}
	if (pread(m.vf_cfg, cfg, sizeof(cfg), 0) != (ssize_t)sizeof(cfg))
		return;
	memcpy(m.vf_bars, cfg + PCI_BARS, sizeof(m.vf_bars));
	m.vf_cmd = (uint16_t)(cfg[PCI_CMD_REG] | cfg[PCI_CMD_REG + 1] << 8);
	for (i = cfg[0x34] & 0xfc, hops = 0; i >= 0x40 && i < 0xfc && hops < 48;
	     i = cfg[i + 1] & 0xfc, hops++) {
		uint32_t table, pba;

		if (cfg[i] != 0x11)
			continue;
		m.msix_entries = ((unsigned int)(cfg[i + 2] | cfg[i + 3] << 8) & 0x7ff) + 1;
		memcpy(&table, cfg + i + 4, 4);
		memcpy(&pba, cfg + i + 8, 4);
		if (table % 8 < NR_BARS && by_bar[table % 8] &&
		    (table & ~7u) + m.msix_entries * MSIX_ENTRY <= by_bar[table % 8]->len) {
			m.msix.p = by_bar[table % 8]->p + (table & ~7u);
			m.msix.len = m.msix_entries * MSIX_ENTRY;
		}
		if (pba % 8 < NR_BARS && by_bar[pba % 8] &&
		    (pba & ~7u) + 8 <= by_bar[pba % 8]->len) {
			m.pba.p = by_bar[pba % 8]->p + (pba & ~7u);
			m.pba.len = 8;
		}
		printf("abuse: MSI-X: %u entries, table BAR%u+0x%x%s, PBA BAR%u+0x%x%s\n",
		       m.msix_entries, table % 8, table & ~7u, m.msix.p ? "" : " (not mapped)",
		       pba % 8, pba & ~7u, m.pba.p ? "" : " (not mapped)");
		break;
	}
}

static void map_mmio(void)
{
	static const unsigned long holes[] = {MMIO32_HOLE, MMIO64_HOLE};

	for (size_t i = 0; i < 2; i++) {
		int r = map_file("/dev/mem", (off_t)holes[i], MMIO_HOLE_SIZE, &m.mmio[m.nr_mmio]);

		printf("abuse: unassigned MMIO at 0x%lx (/dev/mem): %s\n", holes[i],
		       r ? strerror(-r) : "mapped");
		if (!r)
			m.nr_mmio++;
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void print_counts(const char *what, unsigned long ops, double t)
{
	printf("abuse: %s t=%.0f ops=%lu", what, t, ops);
	for (int i = 0; i < NR_COUNTS; i++)
		printf(" %s=%lu", count_name[i], count[i]);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_fault, .sa_flags = SA_NODEFER};
	unsigned long long seed, max_ops = ~0ULL;
	unsigned long ops = 0;
	double secs, t0, next;
	const char *slot;

	if (argc < 5) {
		fprintf(stderr, "usage: abuse SEED SECONDS VF_BDF BRIDGE_BDF [MAX_OPS]\n");
		return 1;
	}
	seed = strtoull(argv[1], NULL, 0);
	secs = strtod(argv[2], NULL);
	if (argc > 5)
		max_ops = strtoull(argv[5], NULL, 0);
	rng = seed ? seed : 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	slot = strrchr(argv[3], ':');
	m.vf_slot = slot ? (unsigned int)strtoul(slot + 1, NULL, 16) : 0;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	m.ports = iopl(3) == 0;
	if (!m.ports)
		printf("abuse: iopl(3): %s; no port I/O\n", strerror(errno));
	m.vf_cfg = open_cfg(argv[3], &m.vf_cfg_len);
	m.hb_cfg = open_cfg(argv[4], &m.hb_cfg_len);
	if (m.vf_cfg < 0 || m.hb_cfg < 0)
		return 1;
	map_vf(argv[3]);
	map_mmio();
	printf("abuse: seed=%llu secs=%.0f vf=%s (config %zu bytes, %d BARs mapped) bridge=%s "
	       "(config %zu bytes)\n",
	       seed, secs, argv[3], m.vf_cfg_len, m.nr_bars, argv[4], m.hb_cfg_len);
	t0 = now();
	next = t0 + PROGRESS_SECS;
	while (ops < max_ops) {
		unsigned int what = (unsigned int)(rnd() % 10);

		if (!(ops & 63)) {
			double t = now();

			if (t - t0 >= secs)
				break;
			if (t >= next) {
				print_counts("progress", ops, t - t0);
				next += PROGRESS_SECS;
			}
		}
		ops++;
		if (!(ops % RESTORE_OPS))
			restore_vf();
		switch (what) {
		case 0:
		case 1:
			if (m.ports)
				port_op(what == 0);
			break;
		case 2:
			cfg_op(m.vf_cfg, m.vf_cfg_len, rnd() % 4 != 0, 1);
			break;
		case 3:
			cfg_op(m.hb_cfg, m.hb_cfg_len, rnd() % 4 != 0, 0);
			break;
		case 4:
		case 5:
			if (m.nr_bars)
				bar_op(what == 4);
			break;
		case 6:
			if (m.msix.p)
				msix_write();
			else if (m.nr_bars)
				bar_op(1);
			break;
		case 7:
			if (m.msix.p && rnd() % 2) {
				mem_op(&m.msix, 0, 0, MSIX_R);
			} else if (m.pba.p) {
				int w = (int)(rnd() % 2);

				mem_op(&m.pba, w, rnd(), w ? PBA_W : PBA_R);
			}
			break;
		default:
			if (m.nr_mmio) {
				int w = (int)(rnd() % 2);

				mem_op(&m.mmio[rnd() % (unsigned int)m.nr_mmio], w, rnd(),
				       w ? MMIO_W : MMIO_R);
			}
			break;
		}
	}
	print_counts("done", ops, now() - t0);
	return 0;
}
