// SPDX-License-Identifier: MIT
/* pci_cf8.c - configuration mechanism #1 on ports 0xcf8-0xcff; see pci_cf8.h. */
#include <stdlib.h>
#include <string.h>

#include "arch/layout.h"
#include "devices/x86/pci_cf8.h"
#include "vmm/base/log.h"

#define CFG_ENABLE     (1u << 31)
#define CFG_EXT_REG(a) (((a) >> 24) & 0xf) /* AMD extended register bits 11:8 */
#define CFG_BUS(a)     (((a) >> 16) & 0xff)
#define CFG_SLOT(a)    (((a) >> 11) & 0x1f)
#define CFG_FN(a)      (((a) >> 8) & 0x7)
#define CFG_REG(a)     ((a)&0xfc)
#define CFG_DATA_OFF   (PCI_CFG_DATA_PORT - PCI_CFG_ADDR_PORT)

_Static_assert(PCI_CFG_DATA_PORT == PCI_CFG_ADDR_PORT + 4, "CF8/CFC layout");
_Static_assert(PCI_IO_WINDOW_BASE >= PCI_CFG_ADDR_PORT + PCI_HOST_PORT_LEN &&
		   PCI_IO_WINDOW_END <= 0x10000,
	       "the I/O BAR window must lie above the fixed ports and inside 64 KiB");

struct pci_cf8 {
	struct device dev;
	struct pci_host *host;
	u32 addr; /* CF8; atomic */
};

static void cfg_data(struct pci_cf8 *c, u32 off, u8 *data, u32 len, bool write)
{
	u32 a = __atomic_load_n(&c->addr, __ATOMIC_ACQUIRE);

	if (off + len > 4) {
		LOG_ONCE(LOG_WARN,
			 "pci: %u-byte %s at port 0x%x runs past 0x%x; ignored (logged once)", len,
			 write ? "write" : "read", PCI_CFG_DATA_PORT + off, PCI_CFG_DATA_PORT + 3);
		a = 0; /* counted as unclaimed below */
	}
	if (!(a & CFG_ENABLE) || CFG_EXT_REG(a)) {
		/* bus 256: no such bus, so pci_host counts it and reads all-ones */
		pci_host_config(c->host, 256, 0, 0, 0, data, len, write);
		return;
	}
	pci_host_config(c->host, CFG_BUS(a), CFG_SLOT(a), CFG_FN(a), CFG_REG(a) + off, data, len,
			write);
}

static int cf8_pio(struct device *dev, u64 off, void *data, u32 len, bool write)
{
	struct pci_cf8 *c = dev->priv;
	bool sized = len == 1 || len == 2 || len == 4;

	if (off >= CFG_DATA_OFF && off < PCI_HOST_PORT_LEN && sized) {
		cfg_data(c, (u32)(off - CFG_DATA_OFF), data, len, write);
		return 0;
	}
	if (off == 0 && len == 4) {
		if (write)
			__atomic_store_n(&c->addr, get_le32(data) & ~3u, __ATOMIC_RELEASE);
		else
			put_le32(data, __atomic_load_n(&c->addr, __ATOMIC_ACQUIRE));
		return 0;
	}
	/* Byte/word accesses to 0xcf8-0xcfb are not configuration cycles. */
	LOG_ONCE(LOG_DEBUG, "pci: %u-byte %s at port 0x%llx is not a config access; ignored", len,
		 write ? "write" : "read", (unsigned long long)(PCI_CFG_ADDR_PORT + off));
	if (!write)
		memset(data, 0xff, MIN(len, 8u));
	return 0;
}

static const struct dev_ops cf8_ops = {
    .pio = cf8_pio,
};

int pci_cf8_create(struct pci_cf8 **out, struct pci_host *h)
{
	struct pci_cf8 *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->dev = (struct device){.name = "pci-host", .ops = &cf8_ops, .priv = c};
	c->host = h;
	*out = c;
	return 0;
}

void pci_cf8_destroy(struct pci_cf8 *c)
{
	free(c);
}

struct device *pci_cf8_device(struct pci_cf8 *c)
{
	return &c->dev;
}
