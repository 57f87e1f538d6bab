// SPDX-License-Identifier: MIT
/*
 * test_pio.c - the vCPU port I/O path: PCI config ports straight to the host
 * bridge, outside the pio bus lock, so a config write can trap an I/O BAR on
 * that bus; everything else through the bus as before.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/pci_regs.h>
#include <pthread.h>
#include <string.h>

#include "devices/pci_host.h"
#include "devices/x86/pci_cf8.h"
#include "vmm/arch/x86/pio.h"

#define SLOT	 3
#define IO_BASE	 0xc000
#define IO_LEN	 32
#define CMD_REG	 (PCI_COMMAND / 4)
#define CFG_ADDR (0x80000000u | SLOT << 11 | CMD_REG << 2)

/*
 * A PCI function with one I/O BAR at IO_BASE that, like vfio_pci, traps it
 * on the pio bus from cfg_write when I/O decode is turned on and releases
 * it when it is turned off.
 */
struct iofn {
	struct device dev; /* the PCI function */
	struct device io;  /* the trapped I/O BAR */
	struct bus *pio;
	u16 cmd;
	bool trapped;
	int trap_ret, untrap_ret, trap_calls, untrap_calls;
	unsigned int io_hits;
};

static u32 iofn_cfg_read(struct device *d, u16 reg)
{
	struct iofn *f = d->priv;

	if (reg == 0)
		return 0x1234u << 16 | 0x10ec;
	return reg == CMD_REG ? f->cmd : 0;
}

static void iofn_cfg_write(struct device *d, u16 reg, u8 off, const void *data, u32 len)
{
	struct iofn *f = d->priv;

	if (reg != CMD_REG || off != 0 || len < 2)
		return;
	f->cmd = get_le16(data);
	if ((f->cmd & PCI_COMMAND_IO) && !f->trapped) {
		f->trap_calls++;
		f->trap_ret = bus_register(f->pio, IO_BASE, IO_LEN, &f->io);
		f->trapped = f->trap_ret == 0;
	} else if (!(f->cmd & PCI_COMMAND_IO) && f->trapped) {
		f->untrap_calls++;
		f->untrap_ret = bus_unregister(f->pio, IO_BASE, &f->io);
		f->trapped = f->untrap_ret != 0;
	}
}

static int iofn_io(struct device *d, u64 off, void *data, u32 len, bool write)
{
	struct iofn *f = d->priv;

	__atomic_add_fetch(&f->io_hits, 1, __ATOMIC_RELAXED);
	if (!write)
		memset(data, (int)(0xa0 + off), len);
	return 0;
}

static const struct dev_ops iofn_ops = {
    .cfg_read = iofn_cfg_read,
    .cfg_write = iofn_cfg_write,
};
static const struct dev_ops iofn_io_ops = {.pio = iofn_io};

struct fx {
	struct bus pio;
	struct pci_host *host;
	struct pci_cf8 *cf8;
	struct device *cfg; /* what the x86 arch_vm's pci_cfg holds */
	struct iofn fn;
};

static int fx_setup(void **state)
{
	struct fx *x = test_calloc(1, sizeof(*x));

	assert_int_equal(bus_init(&x->pio, "pio"), 0);
	assert_int_equal(pci_host_create(&x->host), 0);
	assert_int_equal(pci_cf8_create(&x->cf8, x->host), 0);
	x->cfg = pci_cf8_device(x->cf8);
	/* As passthrough.c does: the bridge is on the bus too (stats, overlaps). */
	assert_int_equal(bus_register(&x->pio, PCI_CFG_ADDR_PORT, PCI_HOST_PORT_LEN, x->cfg), 0);
	x->fn.dev = (struct device){.name = "iofn", .ops = &iofn_ops, .priv = &x->fn};
	x->fn.io = (struct device){.name = "iofn io", .ops = &iofn_io_ops, .priv = &x->fn};
	x->fn.pio = &x->pio;
	assert_int_equal(pci_host_add(x->host, SLOT, &x->fn.dev), 0);
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;

	bus_destroy(&x->pio);
	pci_cf8_destroy(x->cf8);
	pci_host_destroy(x->host);
	test_free(x);
	return 0;
}

/* Select the command register, then write cmd to it, through pio_dispatch. */
static void set_cmd(struct fx *x, u16 cmd)
{
	u8 a[4], c[2];

	put_le32(a, CFG_ADDR);
	put_le16(c, cmd);
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, PCI_CFG_ADDR_PORT, a, 4, true), 0);
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, PCI_CFG_DATA_PORT, c, 2, true), 0);
}

static void test_cfg_write_traps_io_bar(void **state)
{
	struct fx *x = *state;
	u8 v[4] = {0};

	/* Nothing at the BAR before decode is on. */
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, IO_BASE + 4, v, 1, false), -ENOENT);
	assert_int_equal(v[0], 0xff);

	set_cmd(x, PCI_COMMAND_IO);
	assert_int_equal(x->fn.trap_calls, 1);
	assert_int_equal(x->fn.trap_ret, 0); /* was -EDEADLK under the bus lock */
	assert_int_equal(x->pio.nr, 2);
	assert_int_equal(x->fn.cmd, PCI_COMMAND_IO);
	assert_int_equal(x->cfg->accesses, 2); /* counted as a bus access would be */

	/* The trapped BAR now answers, through the same dispatch. */
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, IO_BASE + 4, v, 2, false), 0);
	assert_int_equal(v[0], 0xa4);
	assert_int_equal(x->fn.io_hits, 1);
	assert_int_equal(x->fn.io.accesses, 1);

	/* The config read back goes the same way. */
	memset(v, 0, sizeof(v));
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, PCI_CFG_DATA_PORT, v, 2, false), 0);
	assert_int_equal(get_le16(v), PCI_COMMAND_IO);

	/* Decode off: the trap is released from inside the config write too. */
	set_cmd(x, 0);
	assert_int_equal(x->fn.untrap_calls, 1);
	assert_int_equal(x->fn.untrap_ret, 0);
	assert_int_equal(x->pio.nr, 1);
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, IO_BASE + 4, v, 1, false), -ENOENT);
	assert_int_equal(x->fn.io_hits, 1);
}

/* Why pio_dispatch exists: the same write under the bus's own dispatch cannot trap. */
static void test_bus_path_cannot_trap(void **state)
{
	struct fx *x = *state;
	u8 a[4], c[2];

	put_le32(a, CFG_ADDR);
	put_le16(c, PCI_COMMAND_IO);
	assert_int_equal(bus_access(&x->pio, PCI_CFG_ADDR_PORT, a, 4, true), 0);
	assert_int_equal(bus_access(&x->pio, PCI_CFG_DATA_PORT, c, 2, true), 0);
	assert_int_equal(x->fn.trap_ret, -EDEADLK);
	assert_int_equal(x->pio.nr, 1);

	/* Without a config device pio_dispatch is exactly that path. */
	x->fn.cmd = 0;
	assert_int_equal(pio_dispatch(&x->pio, NULL, PCI_CFG_DATA_PORT, c, 2, true), 0);
	assert_int_equal(x->fn.trap_calls, 2);
	assert_int_equal(x->fn.trap_ret, -EDEADLK);
	assert_int_equal(x->pio.nr, 1);
}

static void test_edges_go_through_the_bus(void **state)
{
	struct fx *x = *state;
	u8 v[8];

	memset(v, 0, sizeof(v));
	/* Straddling the end or the start of 0xcf8-0xcff: the bus rejects them. */
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, PCI_CFG_DATA_PORT + 2, v, 4, false),
			 -ENOENT);
	assert_int_equal(get_le32(v), 0xffffffffu);
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, PCI_CFG_ADDR_PORT - 2, v, 4, true), -ENOENT);
	assert_int_equal(x->pio.unclaimed, 2);
	/* A bad size: the bus's -EINVAL. */
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, PCI_CFG_ADDR_PORT, v, 3, false), -EINVAL);
	assert_int_equal(x->pio.unclaimed, 3);
	assert_int_equal(x->cfg->accesses, 0);

	/* An 8-byte access inside the ports reaches the bridge (which ignores it). */
	memset(v, 0, sizeof(v));
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, PCI_CFG_ADDR_PORT, v, 8, false), 0);
	assert_int_equal(x->cfg->accesses, 1);
	/* The last byte of the data port is inside. */
	assert_int_equal(pio_dispatch(&x->pio, x->cfg, PCI_CFG_DATA_PORT + 3, v, 1, false), 0);
	assert_int_equal(x->cfg->accesses, 2);
	assert_int_equal(x->pio.unclaimed, 3);
}

static int failing_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	(void)d;
	(void)off;
	(void)data;
	(void)len;
	(void)write;
	return -EIO;
}

static void test_failing_cfg_device(void **state)
{
	static const struct dev_ops ops = {.pio = failing_pio};
	struct device bad = {.name = "bad", .ops = &ops};
	static const struct dev_ops none = {.cfg_read = iofn_cfg_read};
	struct device nopio = {.name = "nopio", .ops = &none};
	struct fx *x = *state;
	u8 v[4] = {0};

	assert_int_equal(pio_dispatch(&x->pio, &bad, PCI_CFG_ADDR_PORT, v, 4, false), -EIO);
	assert_int_equal(get_le32(v), 0xffffffffu);
	assert_int_equal(bad.accesses, 1);
	assert_int_equal(pio_dispatch(&x->pio, &bad, PCI_CFG_ADDR_PORT, v, 4, true), -EIO);
	assert_int_equal(bad.accesses, 2);
	/* A config device without a pio handler: the bus (the real bridge) answers. */
	memset(v, 0, sizeof(v));
	assert_int_equal(pio_dispatch(&x->pio, &nopio, PCI_CFG_ADDR_PORT, v, 4, false), 0);
	assert_int_equal(nopio.accesses, 0);
	assert_int_equal(x->cfg->accesses, 1);
}

/* One vCPU toggles I/O decode while another hammers the BAR: no deadlock. */
#define TOGGLES 2000

static bool hammer_stop;

static void *hammer(void *arg)
{
	struct fx *x = arg;
	u8 v[4];

	while (!__atomic_load_n(&hammer_stop, __ATOMIC_ACQUIRE)) {
		int r = pio_dispatch(&x->pio, x->cfg, IO_BASE, v, 4, false);

		if (r != 0 && r != -ENOENT)
			return (void *)1;
	}
	return NULL;
}

static void test_toggle_while_accessing(void **state)
{
	struct fx *x = *state;
	pthread_t t;
	void *res;

	hammer_stop = false;
	assert_int_equal(pthread_create(&t, NULL, hammer, x), 0);
	for (int i = 0; i < TOGGLES; i++)
		set_cmd(x, i % 2 ? 0 : PCI_COMMAND_IO);
	__atomic_store_n(&hammer_stop, true, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(t, &res), 0);
	assert_null(res);
	assert_int_equal(x->fn.trap_calls, TOGGLES / 2);
	assert_int_equal(x->fn.untrap_calls, TOGGLES / 2);
	assert_int_equal(x->fn.trap_ret, 0);
	assert_int_equal(x->fn.untrap_ret, 0);
	assert_int_equal(x->pio.nr, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cfg_write_traps_io_bar, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bus_path_cannot_trap, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_edges_go_through_the_bus, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_failing_cfg_device, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_toggle_while_accessing, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
