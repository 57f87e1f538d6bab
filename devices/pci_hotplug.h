/* SPDX-License-Identifier: MIT */
/*
 * pci_hotplug.h - the PCI hotplug controller the guest's ACPI code drives
 * (the PCIU/PCID/B0EJ design of QEMU's PIIX hotplug and Cloud Hypervisor).
 *
 * Three 32-bit registers, one bit per slot of bus 0, at offsets into the
 * device's range (x86: PCI_HOTPLUG_PORT):
 *   PCIHP_REG_UP    PCIU  slots with a device added since the last read
 *                         (the guest scans them: Notify(Sxx, 1)); the read
 *                         clears them
 *   PCIHP_REG_DOWN  PCID  slots the VMM asks the guest to eject
 *                         (Notify(Sxx, 3)); the read clears them
 *   PCIHP_REG_EJECT B0EJ  the guest's _EJ0 writes the slot's bit: it has
 *                         let go of the device. Reads 0.
 * Only aligned 4-byte accesses count; any other returns -EINVAL (the bus
 * logs it once, reads all-ones and drops the write).
 *
 * pcihp_request() sets a slot's up or down bit and calls the notify
 * callback (the VMM raises the guest's ACPI GED interrupt, whose _EVT
 * reads PCIU and PCID). The guest's ejects collect in a mask the VMM takes
 * with pcihp_wait_ejected(). Every function is thread-safe: vCPU threads
 * make the register accesses, the VMM's threads the requests.
 */
#ifndef TINYVMM_PCI_HOTPLUG_H
#define TINYVMM_PCI_HOTPLUG_H

#include "devices/device.h"

#define PCIHP_REG_UP	0x0
#define PCIHP_REG_DOWN	0x4
#define PCIHP_REG_EJECT 0x8
#define PCIHP_REG_LEN	12
#define PCIHP_SLOTS	32 /* bits 1..31; bit 0 (the host bridge) is never set */

struct pcihp;

/* Raise the guest's hotplug event (x86: an edge on the GED's GSI). */
typedef void (*pcihp_notify_fn)(void *opaque);

/* -ENOMEM. notify may be NULL (tests). */
int pcihp_create(struct pcihp **out, pcihp_notify_fn notify, void *opaque);
/* Wakes every waiter first; NULL is a no-op. */
void pcihp_destroy(struct pcihp *h);
struct device *pcihp_device(struct pcihp *h);

/*
 * Tell the guest a device was added to slot (add) or is to be ejected
 * (!add), then notify. -EINVAL for slot 0 or >= PCIHP_SLOTS. A request for
 * the other direction pending on the same slot is withdrawn.
 */
int pcihp_request(struct pcihp *h, unsigned int slot, bool add);

/*
 * Take (and clear) the slots the guest has ejected. Waits up to timeout_ms
 * (< 0: for ever) for one when there is none, or until pcihp_wake().
 * Returns the mask (0 on a timeout or a wake).
 */
u32 pcihp_wait_ejected(struct pcihp *h, int timeout_ms);
/* Wake pcihp_wait_ejected() callers (e.g. to stop a thread); with none
 * waiting, the next call returns at once. */
void pcihp_wake(struct pcihp *h);

/* For tests and stats: the pending up/down bits (not cleared). */
void pcihp_pending(struct pcihp *h, u32 *up, u32 *down);

#endif
