// SPDX-License-Identifier: MIT
/* pci_ecam.c - PCIe ECAM configuration accesses; see pci_ecam.h. */
#include <stdlib.h>

#include "devices/pci_ecam.h"

struct pci_ecam {
	struct device dev;
	struct pci_host *host;
};

static int ecam_mmio(struct device *dev, u64 off, void *data, u32 len, bool write)
{
	struct pci_ecam *e = dev->priv;

	pci_host_config(e->host, (unsigned int)(off >> 20), (unsigned int)(off >> 15) & 0x1f,
			(unsigned int)(off >> 12) & 7, (u32)(off & 0xfff), data, len, write);
	return 0;
}

static const struct dev_ops ecam_ops = {
    .mmio = ecam_mmio,
};

int pci_ecam_create(struct pci_ecam **out, struct pci_host *h)
{
	struct pci_ecam *e = calloc(1, sizeof(*e));

	*out = NULL;
	if (!e)
		return -ENOMEM;
	e->dev = (struct device){.name = "pci-ecam", .ops = &ecam_ops, .priv = e};
	e->host = h;
	*out = e;
	return 0;
}

void pci_ecam_destroy(struct pci_ecam *e)
{
	free(e);
}

struct device *pci_ecam_device(struct pci_ecam *e)
{
	return &e->dev;
}
