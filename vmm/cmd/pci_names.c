// SPDX-License-Identifier: MIT
/* pci_names.c - PCI names from pci.ids with libpci; see pci_names.h. */
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>

#include "vmm/base/log.h"
#include "vmm/base/util.h"
#include "vmm/cmd/pci_names.h"

static struct pci_access *acc;
static bool failed; /* libpci reported an error once: no names from here on */
static jmp_buf pci_jmp;
static char pci_errmsg[256];

/* libpci's error callback must not return: jump back out of the lookup. */
static void PRINTF(1, 2) __attribute__((noreturn)) pci_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_errmsg, sizeof(pci_errmsg), msg, ap);
	va_end(ap);
	longjmp(pci_jmp, 1);
}

static void PRINTF(1, 2) pci_quiet(char *msg UNUSED, ...)
{
}

static bool names_open(void)
{
	if (acc || failed)
		return acc != NULL;
	acc = pci_alloc();
	if (!acc) {
		failed = true;
		return false;
	}
	acc->error = pci_error;
	acc->warning = pci_quiet;
	acc->debug = pci_quiet;
	pci_set_param(acc, (char *)"hwdb.disable", (char *)"1"); /* names from pci.ids only */
	return true;
}

void pci_names_lookup(unsigned int vendor_id, unsigned int device_id, char *vendor,
		      size_t vendor_len, char *device, size_t device_len)
{
	vendor[0] = device[0] = '\0';
	if (!names_open())
		return;
	if (setjmp(pci_jmp)) {
		log_warn("vf list: libpci: %s; no device names", pci_errmsg);
		acc = NULL; /* libpci's state is unknown after its error: left as it is */
		failed = true;
		vendor[0] = device[0] = '\0';
		return;
	}
	if (!pci_lookup_name(acc, vendor, (int)vendor_len,
			     PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS, vendor_id))
		vendor[0] = '\0';
	if (!pci_lookup_name(acc, device, (int)device_len,
			     PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS, vendor_id, device_id))
		device[0] = '\0';
}

void pci_names_close(void)
{
	if (acc)
		pci_cleanup(acc);
	acc = NULL;
}
