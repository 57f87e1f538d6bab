/* SPDX-License-Identifier: MIT */
/*
 * serial.h - 16550A UART model (COM1).
 *
 * Pure register model: no file descriptors, no KVM. The owner wires it up:
 *  - the device from serial_device() goes on the PIO bus at COM1_PORT,
 *    COM1_PORT_LEN bytes;
 *  - irq(opaque, level) drives the interrupt line (KVM_IRQ_LINE on COM1_IRQ).
 *    It is called only when the level changes, with the UART lock held (so
 *    level changes from the vCPU and console threads stay ordered); it must
 *    not call back into this UART. It may run on any thread that calls into
 *    the UART, including the console thread;
 *  - kick(opaque) is called (from the vCPU thread, without the serial lock
 *    held) when transmit data became available (the ring was empty) or
 *    receive room was freed (the FIFO was full, or loopback mode ended), so
 *    the console thread can wake up and move bytes.
 * The device is part of the UART: it has no destroy callback; unregister it,
 * then call serial_destroy().
 *
 * Transmit: bytes the guest writes to THR go into a bounded ring
 * (SERIAL_TX_RING bytes). The console thread drains it with
 * serial_tx_peek()/serial_tx_consume(). While the ring is full (here: has
 * less room than one 16-byte FIFO load, which Linux writes per THR-empty
 * interrupt without re-reading LSR), LSR.THRE and TEMT read as 0 and the
 * THR-empty interrupt is held back, exactly like a
 * real UART whose line is busy: the guest driver waits, the VMM never blocks
 * and never buffers more than the ring. A write to THR while the ring is full
 * is dropped and counted. A THR write clears the THR-empty interrupt; it is
 * raised again when serial_tx_consume() moved the bytes out (the "line"
 * drained) or when the guest sets IER.ETBEI while THR is empty.
 *
 * Receive: serial_rx_push() accepts at most serial_rx_room() bytes (the
 * 16-byte FIFO's free space; 1 byte while the guest has the FIFO disabled,
 * 0 in loopback mode); the console thread reads no more from its input than
 * that, so a flood on stdin never grows memory. Host input never overruns;
 * LSR.OE is set only by loopback writes into a full FIFO.
 *
 * All functions are thread-safe (one mutex per UART).
 */
#ifndef TINYVMM_SERIAL_H
#define TINYVMM_SERIAL_H

#include "vmm/base/util.h"
#include "devices/device.h"

#define SERIAL_TX_RING (64 * 1024)
#define SERIAL_RX_FIFO 16

struct serial;

typedef void (*serial_irq_fn)(void *opaque, int level);
typedef void (*serial_kick_fn)(void *opaque);

int serial_create(struct serial **out, serial_irq_fn irq, serial_kick_fn kick, void *opaque);
void serial_destroy(struct serial *s);

/* The PIO device to register at COM1_PORT. */
struct device *serial_device(struct serial *s);

/* Receive side (host -> guest). */
size_t serial_rx_room(struct serial *s);
size_t serial_rx_push(struct serial *s, const u8 *buf, size_t len);
/*
 * A BREAK condition on the receive line: a 0 byte enters the receive FIFO
 * (it takes one byte of serial_rx_room()) flagged as a break. While it is at
 * the head of the FIFO, LSR reads BI (0x10) with DR, and the receiver line
 * status interrupt is pending (IER.ELSI), besides the usual receive data
 * interrupt; reading it from RBR clears both. Linux takes a BREAK on its
 * serial console as the start of a magic SysRq key. -EAGAIN when the FIFO
 * has no room (or in loopback mode).
 */
int serial_send_break(struct serial *s);

/* Transmit side (guest -> host): contiguous pending bytes, then consume. */
size_t serial_tx_peek(struct serial *s, const u8 **buf);
void serial_tx_consume(struct serial *s, size_t n);

/* Bytes the guest wrote while the ring was full (dropped). */
u64 serial_tx_dropped(struct serial *s);

#endif
