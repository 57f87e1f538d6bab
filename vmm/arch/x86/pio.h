/* SPDX-License-Identifier: MIT */
/*
 * pio.h - route one port I/O access of a vCPU exit.
 *
 * The PCI configuration ports (PCI_CFG_ADDR_PORT, PCI_HOST_PORT_LEN bytes:
 * 0xcf8-0xcff) bypass the pio bus: an access that lies wholly inside them
 * goes straight to the configuration-mechanism device, without the bus's
 * read lock. A guest config write that enables I/O decode can therefore trap
 * the function's I/O BARs on that same bus (bus_register() from inside a
 * bus_access() callback of the bus returns -EDEADLK, see bus.h). Every other
 * access, and one that straddles the edge of those ports, goes through
 * bus_access() as before.
 *
 * The configuration device must be thread-safe on its own (pci_host is) and
 * must outlive every vCPU that may call here: vm.h's vm->pci_cfg is set
 * before the vCPUs start and cleared after they are joined.
 */
#ifndef TINYVMM_PIO_H
#define TINYVMM_PIO_H

#include "devices/device.h"
#include "vmm/core/bus.h"
#include "vmm/base/util.h"

/*
 * One access of len bytes at port. pci_cfg NULL (no PCI) or without a pio
 * callback: everything goes to bus_access(pio, ...). A direct access counts
 * in pci_cfg->accesses like a bus access; if the device fails it (-errno),
 * it is logged once, a read returns all-ones and -EIO is returned. Otherwise
 * returns what bus_access() returns. The guest always runs on.
 */
int pio_dispatch(struct bus *pio, struct device *pci_cfg, u64 port, void *data, u32 len,
		 bool write);

#endif
