// SPDX-License-Identifier: MIT
/* test_serial.c - the 16550A register model, with a fake IRQ line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "devices/serial.h"

#define RBR 0
#define IER 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

struct rec {
	int level;
	int raises, lowers, bad_calls;
	int kicks;
};

static void rec_irq(void *opaque, int level)
{
	struct rec *r = opaque;

	if (level == r->level)
		r->bad_calls++; /* must be called on changes only */
	r->level = level;
	if (level)
		r->raises++;
	else
		r->lowers++;
}

static void rec_kick(void *opaque)
{
	struct rec *r = opaque;

	r->kicks++;
}

struct fixture {
	struct serial *s;
	struct device *d;
	struct rec r;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(serial_create(&f->s, rec_irq, rec_kick, &f->r), 0);
	f->d = serial_device(f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->r.bad_calls, 0);
	serial_destroy(f->s);
	free(f);
	return 0;
}

static u8 rd(struct fixture *f, u64 off)
{
	u8 v = 0x5a;

	assert_int_equal(f->d->ops->pio(f->d, off, &v, 1, false), 0);
	return v;
}

static void wr(struct fixture *f, u64 off, u8 v)
{
	assert_int_equal(f->d->ops->pio(f->d, off, &v, 1, true), 0);
}

static size_t tx_pending(struct fixture *f)
{
	const u8 *buf;

	return serial_tx_peek(f->s, &buf);
}

static void test_reset_state(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(f->d->name, "serial");
	assert_null(f->d->ops->destroy);
	assert_int_equal(rd(f, LSR), 0x60); /* THRE | TEMT */
	assert_int_equal(rd(f, IIR), 0x01); /* no interrupt, FIFO off */
	assert_int_equal(rd(f, IER), 0x00);
	assert_int_equal(rd(f, MSR) & 0xf0, 0xb0); /* DCD | DSR | CTS */
	assert_int_equal(rd(f, MCR), 0x00);
	assert_int_equal(f->r.raises, 0);
	assert_int_equal(serial_rx_room(f->s), 1); /* FIFO disabled: one byte */
	assert_int_equal(tx_pending(f), 0);
}

static void test_thr_to_ring(void **state)
{
	struct fixture *f = *state;
	const u8 *buf;

	wr(f, RBR, 'h');
	assert_int_equal(f->r.kicks, 1); /* ring was empty */
	wr(f, RBR, 'i');
	assert_int_equal(f->r.kicks, 1); /* the thread is already awake */
	assert_int_equal(serial_tx_peek(f->s, &buf), 2);
	assert_memory_equal(buf, "hi", 2);
	serial_tx_consume(f->s, 1);
	assert_int_equal(serial_tx_peek(f->s, &buf), 1);
	assert_int_equal(buf[0], 'i');
	serial_tx_consume(f->s, 5); /* more than there is: clamps */
	assert_int_equal(tx_pending(f), 0);
	assert_int_equal(rd(f, LSR) & 0x60, 0x60);
}

static void test_thri(void **state)
{
	struct fixture *f = *state;

	/* ETBEI with THR empty: interrupt at once. */
	wr(f, IER, 0x02);
	assert_int_equal(f->r.level, 1);
	assert_int_equal(rd(f, IIR), 0x02);
	/* Reading IIR that reported it cleared it. */
	assert_int_equal(f->r.level, 0);
	assert_int_equal(rd(f, IIR), 0x01);
	/* Setting ETBEI again while set does not re-arm... */
	wr(f, IER, 0x03);
	assert_int_equal(rd(f, IIR), 0x01);
	/* ...but a 0 -> 1 edge does (Linux's THRE test). */
	wr(f, IER, 0x00);
	wr(f, IER, 0x02);
	assert_int_equal(rd(f, IIR) & 0x0f, 0x02);
	wr(f, IER, 0x00);
	wr(f, IER, 0x02);
	assert_int_equal(f->r.level, 1);
	/* A THR write clears it and lowers the line. */
	wr(f, RBR, 'x');
	assert_int_equal(f->r.level, 0);
	assert_int_equal(rd(f, IIR), 0x01);
	/* The host draining the byte re-raises it. */
	serial_tx_consume(f->s, 1);
	assert_int_equal(f->r.level, 1);
	assert_int_equal(rd(f, IIR), 0x02);
	/* Consuming with nothing newly written does not re-raise. */
	serial_tx_consume(f->s, 0);
	assert_int_equal(rd(f, IIR), 0x01);
	/* Masking the source lowers the line without reading IIR. */
	wr(f, IER, 0x00);
	wr(f, IER, 0x02);
	assert_int_equal(f->r.level, 1);
	wr(f, IER, 0x00);
	assert_int_equal(f->r.level, 0);
}

static void test_rx_interrupt(void **state)
{
	struct fixture *f = *state;

	wr(f, FCR, 0x01);
	assert_int_equal(serial_rx_push(f->s, (const u8 *)"ab", 2), 2);
	assert_int_equal(rd(f, LSR) & 0x01, 0x01);
	assert_int_equal(f->r.level, 0); /* ERBFI off */
	wr(f, IER, 0x01);
	assert_int_equal(f->r.level, 1);
	assert_int_equal(rd(f, IIR), 0xc4);
	assert_int_equal(rd(f, RBR), 'a');
	assert_int_equal(f->r.level, 1); /* still data */
	assert_int_equal(rd(f, RBR), 'b');
	assert_int_equal(f->r.level, 0);
	assert_int_equal(rd(f, LSR) & 0x01, 0);
	assert_int_equal(rd(f, IIR), 0xc1);
	/* An empty FIFO reads 0 and stays sane. */
	assert_int_equal(rd(f, RBR), 0);
	assert_int_equal(f->r.raises, 1);
	/* RX data outranks THR empty. */
	wr(f, IER, 0x03);
	serial_rx_push(f->s, (const u8 *)"c", 1);
	assert_int_equal(rd(f, IIR), 0xc4);
	assert_int_equal(rd(f, RBR), 'c');
	assert_int_equal(rd(f, IIR), 0xc2);
}

static void test_rx_fifo_full(void **state)
{
	struct fixture *f = *state;
	u8 in[20];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (u8)('A' + i);
	/* FIFO off: a single holding register. */
	assert_int_equal(serial_rx_push(f->s, in, 3), 1);
	assert_int_equal(serial_rx_room(f->s), 0);
	assert_int_equal(rd(f, RBR), 'A');
	assert_int_equal(f->r.kicks, 1); /* room freed from full */
	/* FIFO on: 16 bytes, then partial pushes. */
	wr(f, FCR, 0x01);
	assert_int_equal(serial_rx_room(f->s), 16);
	assert_int_equal(serial_rx_push(f->s, in, 10), 10);
	assert_int_equal(serial_rx_room(f->s), 6);
	assert_int_equal(serial_rx_push(f->s, in + 10, 10), 6);
	assert_int_equal(serial_rx_room(f->s), 0);
	assert_int_equal(serial_rx_push(f->s, in, 1), 0);
	/* Host input never overruns: it is flow-controlled. */
	assert_int_equal(rd(f, LSR) & 0x02, 0);
	int kicks = f->r.kicks;
	for (int i = 0; i < 16; i++)
		assert_int_equal(rd(f, RBR), 'A' + i);
	assert_int_equal(f->r.kicks, kicks + 1); /* only the full -> room edge */
	assert_int_equal(serial_rx_room(f->s), 16);
}

static void test_overrun_loopback(void **state)
{
	struct fixture *f = *state;

	wr(f, FCR, 0x07);
	wr(f, MCR, 0x10);
	wr(f, IER, 0x05); /* RDI | RLSI */
	for (int i = 0; i < 17; i++)
		wr(f, RBR, (u8)i);
	assert_int_equal(tx_pending(f), 0);	   /* loopback never reaches the host */
	assert_int_equal(rd(f, IIR), 0xc6);	   /* line status outranks data */
	assert_int_equal(rd(f, LSR) & 0x63, 0x63); /* DR | OE | THRE | TEMT */
	assert_int_equal(rd(f, LSR) & 0x02, 0);	   /* OE clears on read */
	assert_int_equal(rd(f, IIR), 0xc4);
	for (int i = 0; i < 16; i++)
		assert_int_equal(rd(f, RBR), i);
	assert_int_equal(rd(f, LSR) & 0x01, 0);
	assert_int_equal(f->r.level, 0);
}

static void test_divisor_latch(void **state)
{
	struct fixture *f = *state;

	wr(f, IER, 0x05);
	wr(f, LCR, 0x83);
	wr(f, RBR, 0x01); /* DLL */
	wr(f, IER, 0x00); /* DLM */
	assert_int_equal(rd(f, RBR), 0x01);
	assert_int_equal(rd(f, IER), 0x00);
	assert_int_equal(tx_pending(f), 0);
	assert_int_equal(f->r.kicks, 0);
	wr(f, LCR, 0x03);
	assert_int_equal(rd(f, LCR), 0x03);
	assert_int_equal(rd(f, IER), 0x05); /* untouched by the latch */
	wr(f, LCR, 0x80);
	assert_int_equal(rd(f, RBR), 0x01);
	/* IIR/FCR are not behind DLAB. */
	wr(f, FCR, 0x01);
	assert_int_equal(rd(f, IIR) & 0xc0, 0xc0);
}

static void test_loopback_modem(void **state)
{
	struct fixture *f = *state;

	rd(f, MSR);
	wr(f, MCR, 0x10 | 0x0a);		   /* LOOP | RTS | OUT2 */
	assert_int_equal(rd(f, MSR) & 0xf0, 0x90); /* CTS | DCD */
	assert_int_equal(serial_rx_room(f->s), 0); /* host input held off */
	wr(f, MCR, 0x1f);
	assert_int_equal(rd(f, MSR), 0xf0 | 0x02 | 0x00); /* all on; DSR changed */
	wr(f, MCR, 0x10 | 0x01);			  /* drop RTS, OUT1, OUT2 */
	u8 msr = rd(f, MSR);
	assert_int_equal(msr & 0xf0, 0x20);
	assert_int_equal(msr & 0x0f, 0x01 | 0x04 | 0x08); /* DCTS, TERI, DDCD */
	assert_int_equal(rd(f, MSR) & 0x0f, 0);		  /* deltas clear on read */
	/* Modem status interrupt, lowest priority. */
	wr(f, IER, 0x08);
	wr(f, MCR, 0x10 | 0x03);
	assert_int_equal(f->r.level, 1);
	assert_int_equal(rd(f, IIR), 0x00);
	rd(f, MSR);
	assert_int_equal(f->r.level, 0);
	assert_int_equal(rd(f, IIR), 0x01);
	/* Leaving loopback: the line is ready again and the host may send. */
	int kicks = f->r.kicks;
	wr(f, MCR, 0x0b);
	assert_int_equal(rd(f, MSR) & 0xf0, 0xb0);
	assert_int_equal(f->r.kicks, kicks + 1);
	assert_int_equal(serial_rx_room(f->s), 1);
}

static void test_scratch_and_readonly(void **state)
{
	struct fixture *f = *state;

	wr(f, SCR, 0xa5);
	assert_int_equal(rd(f, SCR), 0xa5);
	wr(f, SCR, 0x5a);
	assert_int_equal(rd(f, SCR), 0x5a);
	wr(f, LSR, 0x00); /* factory test: ignored */
	assert_int_equal(rd(f, LSR), 0x60);
	wr(f, MSR, 0x00);
	assert_int_equal(rd(f, MSR) & 0xf0, 0xb0);
	wr(f, IER, 0xff); /* upper bits do not stick (no XScale UUE) */
	assert_int_equal(rd(f, IER), 0x0f);
	wr(f, MCR, 0xff);
	assert_int_equal(rd(f, MCR), 0x1f);
}

static void test_fifo_clear(void **state)
{
	struct fixture *f = *state;

	wr(f, FCR, 0x01);
	wr(f, IER, 0x01);
	assert_int_equal(serial_rx_push(f->s, (const u8 *)"12345", 5), 5);
	assert_int_equal(f->r.level, 1);
	wr(f, FCR, 0x03); /* enable | clear RX */
	assert_int_equal(rd(f, LSR) & 0x01, 0);
	assert_int_equal(f->r.level, 0);
	assert_int_equal(serial_rx_room(f->s), 16);
	assert_int_equal(rd(f, IIR), 0xc1);
	/* Disabling the FIFO drops its contents too and leaves one byte. */
	serial_rx_push(f->s, (const u8 *)"67", 2);
	wr(f, FCR, 0x00);
	assert_int_equal(rd(f, LSR) & 0x01, 0);
	assert_int_equal(rd(f, IIR), 0x01);
	assert_int_equal(serial_rx_room(f->s), 1);
	/* Clear TX leaves bytes already handed to the host alone. */
	wr(f, RBR, 'z');
	wr(f, FCR, 0x05);
	assert_int_equal(tx_pending(f), 1);
}

static void test_tx_ring_full(void **state)
{
	struct fixture *f = *state;
	u8 lsr;

	wr(f, FCR, 0x01);
	wr(f, IER, 0x02);
	rd(f, IIR);
	/* Room for a whole FIFO load: THRE. */
	for (size_t i = 0; i < SERIAL_TX_RING - 16; i++)
		wr(f, RBR, (u8)i);
	assert_int_equal(rd(f, LSR) & 0x60, 0x60);
	/* Less than that: the line is busy. */
	wr(f, RBR, 0xee);
	lsr = rd(f, LSR);
	assert_int_equal(lsr & 0x60, 0);
	for (int i = 0; i < 15 + 10; i++)
		wr(f, RBR, 0xee);
	assert_int_equal(serial_tx_dropped(f->s), 10);
	assert_int_equal(rd(f, IIR), 0xc1); /* no THRI while full */
	assert_int_equal(f->r.level, 0);
	/* Even an ETBEI edge does not raise it while THR is not empty. */
	wr(f, IER, 0x00);
	wr(f, IER, 0x02);
	assert_int_equal(f->r.level, 0);
	/* Peek returns at most up to the ring's end; consuming 8 is not enough. */
	const u8 *buf;
	assert_int_equal(serial_tx_peek(f->s, &buf), SERIAL_TX_RING);
	serial_tx_consume(f->s, 8);
	assert_int_equal(rd(f, LSR) & 0x60, 0);
	assert_int_equal(f->r.level, 0);
	serial_tx_consume(f->s, 100);
	assert_int_equal(rd(f, LSR) & 0x60, 0x60);
	assert_int_equal(f->r.level, 1);
	assert_int_equal(rd(f, IIR), 0xc2);
	/* The ring wraps: new bytes come after the old ones. */
	wr(f, RBR, 0x77);
	assert_int_equal(serial_tx_peek(f->s, &buf), SERIAL_TX_RING - 108);
	assert_int_equal(buf[0], (u8)(108 & 0xff));
	serial_tx_consume(f->s, SERIAL_TX_RING - 108);
	assert_int_equal(serial_tx_peek(f->s, &buf), 1);
	assert_int_equal(buf[0], 0x77);
	assert_int_equal(serial_tx_dropped(f->s), 10);
}

static void test_multibyte_access(void **state)
{
	struct fixture *f = *state;
	u8 b[4];
	u32 v;

	/* A word read at MCR returns MCR then LSR. */
	assert_int_equal(f->d->ops->pio(f->d, MCR, b, 2, false), 0);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(b[1], 0x60);
	/* A dword write at MCR sets MCR and SCR, ignores LSR/MSR. */
	v = 0x42000003;
	assert_int_equal(f->d->ops->pio(f->d, MCR, &v, 4, true), 0);
	assert_int_equal(rd(f, MCR), 0x03);
	assert_int_equal(rd(f, SCR), 0x42);
	/* Bytes past the 8 registers read all-ones and are otherwise ignored. */
	memset(b, 0, sizeof(b));
	assert_int_equal(f->d->ops->pio(f->d, SCR, b, 4, false), 0);
	assert_int_equal(b[0], 0x42);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(b[3], 0xff);
	assert_int_equal(f->d->ops->pio(f->d, 100, b, 4, true), 0);
}

/*
 * What Linux's 8250 driver does at boot (autoconfig, autoconfig_16550a,
 * size_fifo, then serial8250_do_startup's THRE and TXEN tests), with the
 * decisions it takes on the answers.
 */
static void test_linux_autoconfig(void **state)
{
	struct fixture *f = *state;
	u8 scratch, scratch2, scratch3, status1, status2, save_mcr, save_lcr, iir, iir1, lsr;
	int count;

	/* IER existence test. */
	scratch = rd(f, IER);
	wr(f, IER, 0);
	scratch2 = rd(f, IER) & 0x0f;
	wr(f, IER, 0x0f);
	scratch3 = rd(f, IER) & 0x0f;
	wr(f, IER, scratch);
	assert_int_equal(scratch2, 0);
	assert_int_equal(scratch3, 0x0f);

	save_mcr = rd(f, MCR);
	save_lcr = rd(f, LCR);
	/* Loopback test (skipped on COM1-4, but a real 16550 passes it). */
	wr(f, MCR, 0x10 | 0x0a);
	status1 = rd(f, MSR) & 0xf0;
	wr(f, MCR, save_mcr);
	assert_int_equal(status1, 0x90);

	/* EFR init, FIFO enable, IIR type bits. */
	wr(f, LCR, 0xbf);
	wr(f, 2, 0);
	wr(f, LCR, 0);
	wr(f, FCR, 0x01);
	assert_int_equal(rd(f, IIR) >> 6, 3); /* 16550A */

	/* autoconfig_16550a: no EFR under either config mode. */
	wr(f, LCR, 0x80);
	assert_int_not_equal(rd(f, 2), 0);
	wr(f, LCR, 0xbf);
	assert_int_not_equal(rd(f, 2), 0);
	/* Not an NS SuperIO: EXCR1 (IIR here) does not follow MCR.LOOP. */
	wr(f, LCR, 0);
	status1 = rd(f, MCR);
	wr(f, LCR, 0xe0);
	status2 = rd(f, 2);
	if (!((status2 ^ status1) & 0x10)) {
		wr(f, LCR, 0);
		wr(f, MCR, status1 ^ 0x10);
		wr(f, LCR, 0xe0);
		status2 = rd(f, 2);
		wr(f, LCR, 0);
		wr(f, MCR, status1);
		assert_int_equal((status2 ^ status1) & 0x10, 0);
	}
	/* Not a 16750: IIR bit 5 never set. */
	wr(f, LCR, 0);
	wr(f, FCR, 0x01 | 0x20);
	status1 = rd(f, IIR) & 0xe0;
	wr(f, FCR, 0x01);
	wr(f, LCR, 0x80);
	wr(f, FCR, 0x01 | 0x20);
	status2 = rd(f, IIR) & 0xe0;
	wr(f, FCR, 0x01);
	wr(f, LCR, 0);
	assert_int_equal(status1, 0xc0);
	assert_int_not_equal(status2, 0xe0);
	/* Not an XScale: IER.UUE does not stick. */
	scratch = rd(f, IER);
	wr(f, IER, (u8)(scratch & ~0x40));
	assert_int_equal(rd(f, IER) & 0x40, 0);
	wr(f, IER, scratch | 0x40);
	assert_int_equal(rd(f, IER) & 0x40, 0);
	wr(f, IER, scratch);

	/* size_fifo: a 16-byte FIFO, not a 64-byte U6. */
	u8 old_lcr = rd(f, LCR), old_fcr, old_mcr, old_dll, old_dlm;
	wr(f, LCR, 0);
	old_fcr = rd(f, FCR);
	old_mcr = rd(f, MCR);
	wr(f, FCR, 0x07);
	wr(f, MCR, 0x10);
	wr(f, LCR, 0x80);
	old_dll = rd(f, 0);
	old_dlm = rd(f, 1);
	wr(f, 0, 1);
	wr(f, 1, 0);
	wr(f, LCR, 0x03);
	for (count = 0; count < 256; count++)
		wr(f, RBR, (u8)count);
	for (count = 0; (rd(f, LSR) & 0x01) && count < 256; count++)
		rd(f, RBR);
	wr(f, FCR, old_fcr);
	wr(f, MCR, old_mcr);
	wr(f, LCR, 0x80);
	wr(f, 0, old_dll);
	wr(f, 1, old_dlm);
	wr(f, LCR, old_lcr);
	assert_int_equal(count, 16);
	assert_int_equal(tx_pending(f), 0); /* the probe never reached the host */

	/* End of autoconfig: reset the UART. */
	wr(f, LCR, save_lcr);
	wr(f, MCR, save_mcr);
	wr(f, FCR, 0x01);
	wr(f, FCR, 0x07);
	wr(f, FCR, 0x00);
	rd(f, RBR);
	wr(f, IER, 0);

	/* serial8250_do_startup. */
	wr(f, FCR, 0x01);
	wr(f, FCR, 0x07);
	wr(f, FCR, 0x00);
	rd(f, LSR);
	rd(f, RBR);
	rd(f, IIR);
	rd(f, MSR);
	assert_int_not_equal(rd(f, LSR), 0xff); /* LSR safety check */
	/* THRE test: the interrupt must come back after being cleared. */
	assert_int_equal(rd(f, LSR) & 0x20, 0x20);
	wr(f, IER, 0x02);
	iir1 = rd(f, IIR);
	wr(f, IER, 0);
	wr(f, IER, 0x02);
	iir = rd(f, IIR);
	wr(f, IER, 0);
	assert_int_equal(iir1 & 0x01, 0);
	assert_int_equal(iir & 0x01, 0); /* else UART_BUG_THRE */
	/* TXEN test. */
	wr(f, LCR, 0x03);
	wr(f, MCR, 0x0b);
	wr(f, IER, 0x02);
	lsr = rd(f, LSR);
	iir = rd(f, IIR);
	wr(f, IER, 0);
	assert_true(lsr & 0x40);
	assert_int_equal(iir & 0x01, 0); /* else UART_BUG_TXEN */
	/* set_termios: FIFO with an 8-byte trigger; then a line goes out. */
	wr(f, FCR, 0x81);
	wr(f, IER, 0x05);
	assert_int_equal(rd(f, IIR), 0xc1);
	wr(f, IER, 0x07); /* start_tx */
	assert_int_equal(f->r.level, 1);
	assert_int_equal(rd(f, IIR), 0xc2);
	assert_int_equal(rd(f, LSR) & 0x20, 0x20);
	for (int i = 0; i < 16; i++)
		wr(f, RBR, (u8)('a' + i));
	assert_int_equal(rd(f, IIR), 0xc1);
	assert_int_equal(f->r.level, 0);
	assert_int_equal(tx_pending(f), 16);
	serial_tx_consume(f->s, 16);
	assert_int_equal(f->r.level, 1); /* a fresh edge for the next load */
}

/* A BREAK: a 0 byte flagged BI at the FIFO head, as Linux's 8250 driver reads it. */
static void test_break(void **state)
{
	struct fixture *f = *state;

	wr(f, FCR, 0x01);
	wr(f, IER, 0x05); /* RDI | RLSI, as Linux enables them */
	assert_int_equal(serial_rx_push(f->s, (const u8 *)"x", 1), 1);
	assert_int_equal(serial_send_break(f->s), 0);
	assert_int_equal(serial_rx_push(f->s, (const u8 *)"s", 1), 1);
	assert_int_equal(serial_rx_room(f->s), 13); /* the break took a byte */
	assert_int_equal(f->r.level, 1);
	/* 'x' first: no BI for it */
	assert_int_equal(rd(f, IIR), 0xc4);
	assert_int_equal(rd(f, LSR) & 0x11, 0x01);
	assert_int_equal(rd(f, RBR), 'x');
	/* now the break is at the head: BI with DR (not cleared by reading LSR
	 * alone), and the line status interrupt outranks data */
	assert_int_equal(rd(f, IIR), 0xc6);
	assert_int_equal(rd(f, LSR) & 0x11, 0x11);
	assert_int_equal(rd(f, LSR) & 0x11, 0x11);
	assert_int_equal(rd(f, RBR), 0);
	/* read: BI gone, the next byte is ordinary */
	assert_int_equal(rd(f, LSR) & 0x11, 0x01);
	assert_int_equal(rd(f, IIR), 0xc4);
	assert_int_equal(rd(f, RBR), 's');
	assert_int_equal(rd(f, LSR) & 0x11, 0);
	assert_int_equal(f->r.level, 0);
	/* With RLSI off the break still raises the receive data interrupt. */
	wr(f, IER, 0x01);
	assert_int_equal(serial_send_break(f->s), 0);
	assert_int_equal(f->r.level, 1);
	assert_int_equal(rd(f, IIR), 0xc4);
	assert_int_equal(rd(f, RBR), 0);
	assert_int_equal(f->r.level, 0);
	/* Wrapping round the FIFO keeps the flag on the right byte. */
	for (int i = 0; i < 40; i++) {
		assert_int_equal(serial_send_break(f->s), 0);
		assert_int_equal(serial_rx_push(f->s, (const u8 *)"ab", 2), 2);
		assert_int_equal(rd(f, LSR) & 0x10, 0x10);
		assert_int_equal(rd(f, RBR), 0);
		assert_int_equal(rd(f, LSR) & 0x10, 0);
		assert_int_equal(rd(f, RBR), 'a');
		assert_int_equal(rd(f, RBR), 'b');
	}
	/* A full FIFO has no room for a break; an FCR clear drops a pending one. */
	for (int i = 0; i < 16; i++)
		assert_int_equal(serial_send_break(f->s), 0);
	assert_int_equal(serial_send_break(f->s), -EAGAIN);
	wr(f, FCR, 0x03);
	assert_int_equal(rd(f, LSR) & 0x11, 0);
	assert_int_equal(serial_rx_push(f->s, (const u8 *)"q", 1), 1);
	assert_int_equal(rd(f, LSR) & 0x11, 0x01);
	assert_int_equal(rd(f, RBR), 'q');
	/* Loopback: the line is not connected, no break gets in. */
	wr(f, MCR, 0x10);
	assert_int_equal(serial_send_break(f->s), -EAGAIN);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_reset_state),      T(test_thr_to_ring),    T(test_thri),
	    T(test_rx_interrupt),     T(test_rx_fifo_full),   T(test_overrun_loopback),
	    T(test_divisor_latch),    T(test_loopback_modem), T(test_scratch_and_readonly),
	    T(test_fifo_clear),	      T(test_tx_ring_full),   T(test_multibyte_access),
	    T(test_linux_autoconfig), T(test_break),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
