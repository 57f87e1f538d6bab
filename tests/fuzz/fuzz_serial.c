// SPDX-License-Identifier: MIT
/*
 * fuzz_serial.c - the 16550A model (devices/serial.c) driven by a program
 * decoded from the input: guest register reads and writes of 1 to 8 bytes
 * at offsets 0-9 (port I/O and MMIO), and the console thread's side
 * (receive, BREAK, draining the transmit ring).
 *
 * Checked: the interrupt callback only ever reports a level change; the
 * receive side never takes more than serial_rx_room(); the transmit ring
 * never holds more than SERIAL_TX_RING bytes, and no byte comes out of it
 * that the guest did not write (peeked + dropped <= THR writes).
 */
#include "tests/fuzz/fuzz.h"

#include "devices/serial.h"

#define UART_LCR  3
#define LCR_DLAB  0x80
#define MAX_STEPS 4096

static volatile u8 sink;

struct state {
	int level; /* the line as the callback last drove it */
	unsigned int irq_calls, kicks;
};

static void on_irq(void *opaque, int level)
{
	struct state *st = opaque;

	FUZZ_CHECK(level == 0 || level == 1);
	FUZZ_CHECK(level != st->level);
	st->level = level;
	st->irq_calls++;
}

static void on_kick(void *opaque)
{
	((struct state *)opaque)->kicks++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	struct state st = {0};
	struct serial *s;
	struct device *d;
	u64 thr_writes = 0, drained = 0; /* upper bound of bytes the guest sent; bytes taken */
	u8 lcr = 0x03;

	fuzz_quiet_logs();
	if (serial_create(&s, on_irq, on_kick, &st) < 0)
		return 0;
	d = serial_device(s);
	for (unsigned int step = 0; step < MAX_STEPS && !fz_empty(&f); step++) {
		u8 op = fz_u8(&f), buf[16], rx[SERIAL_RX_FIFO + 4];
		const u8 *tx;
		u32 len = 1 + (u32)(op >> 5); /* 1..8 */
		u64 off = fz_u8(&f) % 10;     /* 8 and 9 lie past the registers */
		size_t room, n, want;

		switch (op & 7) {
		case 0: /* guest write */
		case 1:
			fz_bytes(&f, buf, len);
			for (u32 i = 0; i < len; i++) {
				if (off + i == 0 && !(lcr & LCR_DLAB))
					thr_writes++;
				if (off + i == UART_LCR)
					lcr = buf[i];
			}
			FUZZ_CHECK(d->ops->pio(d, off, buf, len, true) == 0);
			break;
		case 2: /* guest read */
		case 3:
			memset(buf, 0xa5, sizeof(buf));
			FUZZ_CHECK((op & 1 ? d->ops->mmio : d->ops->pio)(d, off, buf, len, false) ==
				   0);
			for (u32 i = len; i < sizeof(buf); i++)
				FUZZ_CHECK(buf[i] == 0xa5);
			break;
		case 4: /* host input */
			room = serial_rx_room(s);
			FUZZ_CHECK(room <= SERIAL_RX_FIFO);
			want = fz_u8(&f) % sizeof(rx);
			fz_bytes(&f, rx, want);
			n = serial_rx_push(s, rx, want);
			FUZZ_CHECK(n <= want && n <= room);
			break;
		case 5:
			room = serial_rx_room(s);
			FUZZ_CHECK(serial_send_break(s) == 0 ? room > 0 : room == 0);
			break;
		case 6: /* the console thread drains some of the ring */
		case 7:
			n = serial_tx_peek(s, &tx);
			FUZZ_CHECK(n <= SERIAL_TX_RING);
			if (n) /* readable, all of it */
				sink = tx[0] ^ tx[n - 1];
			want = n;
			if (!(op & 1)) {
				want = fz_u8(&f);
				want = MIN(n, want);
			}
			serial_tx_consume(s, want);
			drained += want;
			break;
		}
		FUZZ_CHECK(drained + serial_tx_dropped(s) <= thr_writes);
	}
	serial_destroy(s);
	return 0;
}
