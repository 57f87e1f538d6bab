// SPDX-License-Identifier: MIT
/* pio.c - route one port I/O access of a vCPU exit; see pio.h. */
#include <string.h>

#include "devices/x86/pci_cf8.h"
#include "arch/layout.h"
#include "vmm/base/log.h"
#include "vmm/arch/x86/pio.h"

/* Does [port, port+len) lie inside the PCI configuration ports? */
static bool is_pci_cfg(u64 port, u32 len)
{
	return (len == 1 || len == 2 || len == 4 || len == 8) && port >= PCI_CFG_ADDR_PORT &&
	       port - PCI_CFG_ADDR_PORT <= PCI_HOST_PORT_LEN - len;
}

int pio_dispatch(struct bus *pio, struct device *pci_cfg, u64 port, void *data, u32 len, bool write)
{
	int ret;

	if (!pci_cfg || !pci_cfg->ops || !pci_cfg->ops->pio || !is_pci_cfg(port, len))
		return bus_access(pio, port, data, len, write);

	__atomic_add_fetch(&pci_cfg->accesses, 1, __ATOMIC_RELAXED);
	ret = pci_cfg->ops->pio(pci_cfg, port - PCI_CFG_ADDR_PORT, data, len, write);
	if (ret < 0) {
		LOG_ONCE(LOG_WARN, "pio: %u-byte %s port %#llx failed in %s: %s (logged once)", len,
			 write ? "write to" : "read from", (unsigned long long)port,
			 pci_cfg->name ? pci_cfg->name : "device", strerror(-ret));
		if (!write)
			memset(data, 0xff, len);
		return -EIO;
	}
	return 0;
}
