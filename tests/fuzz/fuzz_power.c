// SPDX-License-Identifier: MIT
/*
 * fuzz_power.c - the small port devices a guest uses to end or restart the
 * VM, and CMOS: the ACPI sleep/reset registers and the POST ports
 * (devices/x86/acpi_pm.c), the i8042 (devices/x86/i8042.c), the CMOS RAM
 * (devices/x86/cmos.c), pvpanic and the debug exit port (devices/power.c).
 * The input is a program of reads and writes of 1 to 8 bytes at every
 * offset of each range (and a little past it).
 *
 * Each device is checked against a model of what its header promises:
 * every byte a read returns, and every event it reports (power-off, reset,
 * panic, a debug exit status), in order, and only for a write that asks for it.
 */
#include "tests/fuzz/fuzz.h"

#include "arch/layout.h"
#include "devices/power.h"
#include "devices/x86/acpi_pm.h"
#include "devices/x86/cmos.h"
#include "devices/x86/i8042.h"

#define MAX_STEPS  4096
#define MAX_EVENTS 16
#define EV_EXIT	   0x100 /* + the status byte */

enum { D_ACPI, D_POST, D_I8042, D_CMOS, D_PVPANIC, D_EXIT, D_NR };

struct events {
	unsigned int n;
	int ev[MAX_EVENTS];
};

static void record(struct events *e, int ev)
{
	FUZZ_CHECK(e->n < MAX_EVENTS);
	e->ev[e->n++] = ev;
}

static void on_power(void *opaque, enum power_event ev)
{
	record(opaque, (int)ev);
}

static void on_exit_code(void *opaque, u8 code)
{
	record(opaque, EV_EXIT + code);
}

/* The model: what a read of byte reg returns (cmos: its own state). */
static u8 model_read(int dev, u64 reg, u32 len, u64 off, const u8 *cmos, u8 index)
{
	switch (dev) {
	case D_ACPI:
		return 0;
	case D_I8042:
		return reg == 0 ? 0 : reg == 4 ? I8042_STATUS : 0xff;
	case D_CMOS:
		if (len != 1 || off > 1)
			return 0xff;
		return off == 0 ? index : cmos[index & (CMOS_SIZE - 1)];
	case D_PVPANIC:
		return reg == 0 ? PVPANIC_PANICKED | PVPANIC_CRASH_LOADED : 0;
	default: /* POST and the debug exit port */
		return 0xff;
	}
}

/* The model: the events a write of buf[0..len) at off reports; cmos state updated. */
static void model_write(int dev, u64 off, const u8 *buf, u32 len, struct events *e, u8 *cmos,
			u8 *index)
{
	for (u32 i = 0; i < len; i++) {
		u64 reg = off + i;
		u8 b = buf[i];

		switch (dev) {
		case D_ACPI:
			if (reg == 0 && (b & ACPI_SLP_EN) && ACPI_SLP_TYP(b) == ACPI_S5_SLP_TYP)
				record(e, POWER_OFF);
			if (reg == 2 && b == ACPI_RESET_VALUE)
				record(e, POWER_RESET);
			break;
		case D_I8042:
			if (reg == 4 && b == I8042_CMD_RESET)
				record(e, POWER_RESET);
			break;
		case D_CMOS:
			if (len != 1 || off > 1)
				return;
			if (off == 0)
				*index = b;
			else
				cmos[*index & (CMOS_SIZE - 1)] = b;
			break;
		case D_PVPANIC:
			if (reg == 0 && (b & PVPANIC_PANICKED))
				record(e, POWER_PANIC);
			break;
		case D_EXIT:
			if (off == 0 && i == 0)
				record(e, EV_EXIT + b);
			break;
		default:
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u64 range[D_NR] = {
	    ACPI_PM_PORT_LEN, POST_PORT_LEN, I8042_PORT_LEN, CMOS_PORT_LEN, 1, 1};
	struct fz in = fz_init(data, size);
	struct events got = {0}, want = {0};
	struct device *dev[D_NR];
	u8 cmos[CMOS_SIZE] = {0}, index = 0;

	fuzz_quiet_logs();
	dev[D_ACPI] = power_acpi_create(on_power, &got);
	dev[D_POST] = post_create();
	dev[D_I8042] = i8042_create(on_power, &got);
	dev[D_CMOS] = cmos_create();
	dev[D_PVPANIC] = pvpanic_create(on_power, &got);
	dev[D_EXIT] = debug_exit_create(on_exit_code, &got);
	for (int k = 0; k < D_NR; k++)
		if (!dev[k])
			abort();

	for (unsigned int step = 0; step < MAX_STEPS && !fz_empty(&in); step++) {
		u8 op = fz_u8(&in), buf[16];
		int k = (op & 7) % D_NR;
		struct device *d = dev[k];
		u32 len = 1 + (u32)((op >> 3) & 7); /* 1..8 */
		u64 off = fz_u8(&in) % (range[k] + 2);
		bool write = op & 0x40;
		bool mmio = (op & 0x80) && (k == D_PVPANIC || k == D_EXIT);
		int (*access)(struct device *, u64, void *, u32, bool) =
		    mmio ? d->ops->mmio : d->ops->pio;

		got.n = want.n = 0;
		memset(buf, 0xa5, sizeof(buf));
		if (write) {
			fz_bytes(&in, buf, len);
			model_write(k, off, buf, len, &want, cmos, &index);
		}
		FUZZ_CHECK(access(d, off, buf, len, write) == 0);
		if (!write) {
			for (u32 i = 0; i < len; i++)
				FUZZ_CHECK(buf[i] == model_read(k, off + i, len, off, cmos, index));
			for (u32 i = len; i < sizeof(buf); i++)
				FUZZ_CHECK(buf[i] == 0xa5);
		}
		FUZZ_CHECK(got.n == want.n);
		for (unsigned int i = 0; i < got.n; i++)
			FUZZ_CHECK(got.ev[i] == want.ev[i]);
	}
	for (int k = 0; k < D_NR; k++)
		dev[k]->ops->destroy(dev[k]);
	return 0;
}
