// SPDX-License-Identifier: MIT
/*
 * serial.c - 16550A UART register model; see serial.h.
 *
 * Registers (offset from COM1_PORT; DLAB is LCR bit 7):
 *   0  RBR (read) / THR (write); DLL when DLAB
 *   1  IER; DLM when DLAB
 *   2  IIR (read) / FCR (write)
 *   3  LCR   4 MCR   5 LSR   6 MSR   7 SCR
 *
 * The transmitter is the host: a byte written to THR goes straight into the
 * bounded transmit ring, which the console thread drains. THRE reads 1 while
 * the ring can take a whole FIFO load (what Linux writes per THRE interrupt)
 * and TEMT follows it, so a polling printk never waits on the host. The
 * THR-empty interrupt is cleared by a THR write (or an IIR read that reports
 * it) and comes back when the host consumed transmitted bytes, like a real
 * UART whose FIFO drained onto the line, or when IER.ETBEI goes 0 -> 1 while
 * THR is empty (Linux's THRE test and start_tx rely on that).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/log.h"
#include "devices/serial.h"

#define UART_RBR   0
#define UART_IER   1
#define UART_IIR   2
#define UART_LCR   3
#define UART_MCR   4
#define UART_LSR   5
#define UART_MSR   6
#define UART_SCR   7
#define UART_NREGS 8

#define IER_ERBFI 0x01 /* receive data available */
#define IER_ETBEI 0x02 /* THR empty */
#define IER_ELSI  0x04 /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
#define IER_MASK  0x0f

#define IIR_NONE 0x01
#define IIR_MSI	 0x00
#define IIR_THRI 0x02
#define IIR_RDI	 0x04
#define IIR_RLSI 0x06
#define IIR_FIFO 0xc0 /* both FIFO-enabled bits: a 16550A */

#define FCR_FE	 0x01 /* FIFO enable */
#define FCR_RFR	 0x02 /* clear RX FIFO */
#define FCR_XFR	 0x04 /* clear TX FIFO */
#define FCR_KEEP 0xc9 /* RX trigger level, DMA mode, FIFO enable */

#define LCR_DLAB 0x80

#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR	 0x01
#define LSR_OE	 0x02
#define LSR_BI	 0x10 /* break: the byte at the FIFO head came from a BREAK */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS  0x01
#define MSR_DDSR  0x02
#define MSR_TERI  0x04
#define MSR_DDCD  0x08
#define MSR_CTS	  0x10
#define MSR_DSR	  0x20
#define MSR_RI	  0x40
#define MSR_DCD	  0x80
#define MSR_DELTA 0x0f

#define TX_FIFO 16 /* bytes Linux writes per THR-empty interrupt */

_Static_assert(IS_POW2(SERIAL_TX_RING), "tx ring must be a power of two");

struct serial {
	pthread_mutex_t lock;
	struct device dev;
	serial_irq_fn irq;
	serial_kick_fn kick;
	void *opaque;

	u8 ier, lcr, mcr, fcr, scr, dll, dlm;
	u8 lsr_err;	   /* sticky LSR error bits (OE) until LSR is read */
	u8 msr_delta;	   /* MSR bits 3:0 until MSR is read */
	bool thr_ipending; /* THR-empty interrupt pending */
	bool thr_written;  /* THR written since the interrupt was last armed */
	bool irq_level;

	u8 rx[SERIAL_RX_FIFO];
	u16 rx_brk; /* bit i: rx[i] is a BREAK's 0 byte */
	unsigned int rx_head, rx_count;

	u8 *tx;
	size_t tx_head, tx_count;
	u64 tx_dropped;
};

/* What a register access changed that needs the console thread. */
struct serial_wake {
	bool tx_avail; /* the ring went from empty to non-empty */
	bool rx_room;  /* the RX FIFO went from full to having room */
};

static bool serial_loop(const struct serial *s)
{
	return s->mcr & MCR_LOOP;
}

static size_t rx_capacity(const struct serial *s)
{
	return (s->fcr & FCR_FE) ? SERIAL_RX_FIFO : 1;
}

static size_t rx_room_locked(const struct serial *s)
{
	if (serial_loop(s)) /* the receiver hears only the transmitter */
		return 0;
	return rx_capacity(s) - MIN(rx_capacity(s), s->rx_count);
}

static bool thr_empty(const struct serial *s)
{
	if (serial_loop(s))
		return true;
	return SERIAL_TX_RING - s->tx_count >= ((s->fcr & FCR_FE) ? TX_FIFO : 1);
}

_Static_assert(SERIAL_RX_FIFO <= 16, "rx_brk has a bit per FIFO byte");

/* The byte at the head of the receive FIFO is a BREAK. */
static bool rx_head_break(const struct serial *s)
{
	return s->rx_count && (s->rx_brk & (1u << s->rx_head));
}

/* Highest-priority pending interrupt, as IIR bits 3:0. */
static u8 serial_iir_id(const struct serial *s)
{
	if ((s->ier & IER_ELSI) && ((s->lsr_err & LSR_OE) || rx_head_break(s)))
		return IIR_RLSI;
	if ((s->ier & IER_ERBFI) && s->rx_count)
		return IIR_RDI;
	if ((s->ier & IER_ETBEI) && s->thr_ipending && thr_empty(s))
		return IIR_THRI;
	if ((s->ier & IER_EDSSI) && (s->msr_delta & MSR_DELTA))
		return IIR_MSI;
	return IIR_NONE;
}

/* Drive the line on level changes only. Called with the lock held. */
static void serial_update_irq(struct serial *s)
{
	bool level = serial_iir_id(s) != IIR_NONE;

	if (level != s->irq_level) {
		s->irq_level = level;
		if (s->irq)
			s->irq(s->opaque, level);
	}
}

static u8 msr_status(u8 mcr)
{
	u8 v = 0;

	if (!(mcr & MCR_LOOP))
		return MSR_CTS | MSR_DSR | MSR_DCD; /* a present, ready line */
	if (mcr & MCR_RTS)
		v |= MSR_CTS;
	if (mcr & MCR_DTR)
		v |= MSR_DSR;
	if (mcr & MCR_OUT1)
		v |= MSR_RI;
	if (mcr & MCR_OUT2)
		v |= MSR_DCD;
	return v;
}

static void rx_clear(struct serial *s, struct serial_wake *w)
{
	if (rx_room_locked(s) == 0)
		w->rx_room = true;
	s->rx_head = s->rx_count = 0;
	s->rx_brk = 0;
}

static void rx_put(struct serial *s, u8 v, bool brk)
{
	unsigned int i = (s->rx_head + s->rx_count) % SERIAL_RX_FIFO;

	s->rx[i] = v;
	s->rx_brk = (u16)((s->rx_brk & ~(1u << i)) | (unsigned int)brk << i);
	s->rx_count++;
}

static u8 rx_get(struct serial *s, struct serial_wake *w)
{
	u8 v;

	if (!s->rx_count)
		return 0;
	if (rx_room_locked(s) == 0)
		w->rx_room = true;
	v = s->rx[s->rx_head];
	s->rx_brk &= (u16) ~(1u << s->rx_head);
	s->rx_head = (s->rx_head + 1) % SERIAL_RX_FIFO;
	s->rx_count--;
	return v;
}

static void serial_write_thr(struct serial *s, u8 v, struct serial_wake *w)
{
	s->thr_ipending = false;
	if (serial_loop(s)) {
		/* The byte loops back to the receiver, and THR is empty again. */
		if (s->rx_count < rx_capacity(s))
			rx_put(s, v, false);
		else
			s->lsr_err |= LSR_OE;
		s->thr_ipending = true;
		return;
	}
	if (s->tx_count == SERIAL_TX_RING) {
		s->tx_dropped++;
		return;
	}
	if (s->tx_count == 0)
		w->tx_avail = true;
	s->tx[(s->tx_head + s->tx_count) % SERIAL_TX_RING] = v;
	s->tx_count++;
	s->thr_written = true;
}

static void serial_write_ier(struct serial *s, u8 v)
{
	u8 old = s->ier;

	s->ier = v & IER_MASK;
	if (!(old & IER_ETBEI) && (s->ier & IER_ETBEI) && thr_empty(s))
		s->thr_ipending = true;
}

static void serial_write_fcr(struct serial *s, u8 v, struct serial_wake *w)
{
	/* Toggling FIFO enable resets the FIFOs, as on the real part. */
	if ((v ^ s->fcr) & FCR_FE)
		v |= FCR_RFR | FCR_XFR;
	if (v & FCR_RFR) {
		rx_clear(s, w);
		s->lsr_err = 0;
	}
	/*
	 * FCR_XFR: bytes already in the ring have left the UART (they are the
	 * line, not the FIFO), so there is nothing to drop; THR is empty.
	 */
	s->fcr = v & FCR_KEEP;
}

static void serial_write_mcr(struct serial *s, u8 v, struct serial_wake *w)
{
	u8 before = msr_status(s->mcr), after;
	size_t room = rx_room_locked(s);

	v &= MCR_MASK;
	after = msr_status(v);
	if ((before ^ after) & MSR_CTS)
		s->msr_delta |= MSR_DCTS;
	if ((before ^ after) & MSR_DSR)
		s->msr_delta |= MSR_DDSR;
	if ((before & MSR_RI) && !(after & MSR_RI))
		s->msr_delta |= MSR_TERI;
	if ((before ^ after) & MSR_DCD)
		s->msr_delta |= MSR_DDCD;
	s->mcr = v;
	if (!room && rx_room_locked(s))
		w->rx_room = true; /* left loopback: host input may flow again */
}

static u8 serial_read_reg(struct serial *s, unsigned int reg, struct serial_wake *w)
{
	u8 v;

	switch (reg) {
	case UART_RBR:
		if (s->lcr & LCR_DLAB)
			return s->dll;
		return rx_get(s, w);
	case UART_IER:
		return (s->lcr & LCR_DLAB) ? s->dlm : s->ier;
	case UART_IIR:
		v = serial_iir_id(s);
		if (v == IIR_THRI)
			s->thr_ipending = false;
		return v | ((s->fcr & FCR_FE) ? IIR_FIFO : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		v = s->lsr_err;
		s->lsr_err = 0;
		if (s->rx_count)
			v |= LSR_DR;
		if (rx_head_break(s))
			v |= LSR_BI;
		if (thr_empty(s))
			v |= LSR_THRE | LSR_TEMT;
		return v;
	case UART_MSR:
		v = msr_status(s->mcr) | s->msr_delta;
		s->msr_delta = 0;
		return v;
	case UART_SCR:
		return s->scr;
	default:
		return 0xff;
	}
}

static void serial_write_reg(struct serial *s, unsigned int reg, u8 v, struct serial_wake *w)
{
	switch (reg) {
	case UART_RBR:
		if (s->lcr & LCR_DLAB)
			s->dll = v;
		else
			serial_write_thr(s, v, w);
		break;
	case UART_IER:
		if (s->lcr & LCR_DLAB)
			s->dlm = v;
		else
			serial_write_ier(s, v);
		break;
	case UART_IIR:
		serial_write_fcr(s, v, w);
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		serial_write_mcr(s, v, w);
		break;
	case UART_SCR:
		s->scr = v;
		break;
	default: /* LSR and MSR are read-only (factory test writes ignored) */
		break;
	}
}

static void serial_wake(struct serial *s, const struct serial_wake *w)
{
	if ((w->tx_avail || w->rx_room) && s->kick)
		s->kick(s->opaque);
}

/* A multi-byte access touches consecutive registers, like an 8-bit ISA part. */
static int serial_pio(struct device *d, u64 off, void *data, u32 len, bool write)
{
	struct serial *s = d->priv;
	struct serial_wake w = {0};
	u8 *p = data;

	pthread_mutex_lock(&s->lock);
	for (u32 i = 0; i < len; i++) {
		u64 reg = off + i;

		if (reg >= UART_NREGS) {
			if (!write)
				p[i] = 0xff;
			continue;
		}
		if (write)
			serial_write_reg(s, (unsigned int)reg, p[i], &w);
		else
			p[i] = serial_read_reg(s, (unsigned int)reg, &w);
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	serial_wake(s, &w);
	return 0;
}

static const struct dev_ops serial_ops = {
    .pio = serial_pio, .mmio = serial_pio, /* ns16550a with byte registers (arm64) */
};

int serial_create(struct serial **out, serial_irq_fn irq, serial_kick_fn kick, void *opaque)
{
	struct serial *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->tx = malloc(SERIAL_TX_RING);
	if (!s->tx) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = -pthread_mutex_init(&s->lock, NULL);
	if (ret)
		goto err_free;
	s->dev.name = "serial";
	s->dev.ops = &serial_ops;
	s->dev.priv = s;
	s->irq = irq;
	s->kick = kick;
	s->opaque = opaque;
	s->dll = 12;   /* 9600 baud, as firmware would leave it */
	s->lcr = 0x03; /* 8N1 */
	*out = s;
	return 0;

err_free:
	free(s->tx);
	free(s);
	return ret;
}

void serial_destroy(struct serial *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->tx);
	free(s);
}

struct device *serial_device(struct serial *s)
{
	return &s->dev;
}

size_t serial_rx_room(struct serial *s)
{
	size_t room;

	pthread_mutex_lock(&s->lock);
	room = rx_room_locked(s);
	pthread_mutex_unlock(&s->lock);
	return room;
}

size_t serial_rx_push(struct serial *s, const u8 *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = MIN(len, rx_room_locked(s));
	for (size_t i = 0; i < n; i++)
		rx_put(s, buf[i], false);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return n;
}

int serial_send_break(struct serial *s)
{
	int r = -EAGAIN;

	pthread_mutex_lock(&s->lock);
	if (rx_room_locked(s)) {
		rx_put(s, 0, true);
		serial_update_irq(s);
		r = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

size_t serial_tx_peek(struct serial *s, const u8 **buf)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = MIN(s->tx_count, SERIAL_TX_RING - s->tx_head);
	*buf = s->tx + s->tx_head;
	pthread_mutex_unlock(&s->lock);
	return n;
}

void serial_tx_consume(struct serial *s, size_t n)
{
	pthread_mutex_lock(&s->lock);
	n = MIN(n, s->tx_count);
	s->tx_head = (s->tx_head + n) % SERIAL_TX_RING;
	s->tx_count -= n;
	if (n && s->thr_written && thr_empty(s)) {
		/* The bytes went out on the line: THR-empty interrupt again. */
		s->thr_written = false;
		s->thr_ipending = true;
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

u64 serial_tx_dropped(struct serial *s)
{
	u64 n;

	pthread_mutex_lock(&s->lock);
	n = s->tx_dropped;
	pthread_mutex_unlock(&s->lock);
	return n;
}
