// SPDX-License-Identifier: MIT
/*
 * fuzz_pci_hotplug.c - the PCI hotplug controller (devices/pci_hotplug.c)
 * driven by a program decoded from the input: the guest's register reads
 * and writes (any width 1-8, any offset 0-15, port I/O or MMIO) and the
 * VMM's side (add/eject requests for any slot, taking the guest's ejects,
 * waking a waiter).
 *
 * Checked against a model of the three registers: only aligned 4-byte
 * accesses inside them are served (else -EINVAL and nothing changes); PCIU
 * and PCID read back exactly the requested slots and clear; a request
 * withdraws the other direction; slot 0 and slots >= 32 are refused;
 * B0EJ reads 0 and its writes collect (bit 0 never) until taken; the notify
 * callback runs once per accepted request.
 */
#include "tests/fuzz/fuzz.h"

#include "devices/pci_hotplug.h"

#define MAX_STEPS 4096
#define SLOTS	  0xfffffffeU

static void on_notify(void *opaque)
{
	(*(unsigned int *)opaque)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	unsigned int notified = 0, accepted = 0;
	u32 up = 0, down = 0, ejected = 0; /* the model */
	struct pcihp *h;
	struct device *d;

	fuzz_quiet_logs();
	if (pcihp_create(&h, on_notify, &notified) < 0)
		return 0;
	d = pcihp_device(h);
	for (unsigned int step = 0; step < MAX_STEPS && !fz_empty(&f); step++) {
		u8 op = fz_u8(&f), buf[16];
		u32 len = 1 + (u32)(op >> 5) % 8, v, mu, md;
		u64 off = fz_u8(&f) % 16;
		bool ok = len == 4 && off % 4 == 0 && off < PCIHP_REG_LEN;
		unsigned int slot;
		int r;

		switch (op & 7) {
		case 0: /* guest write */
		case 1:
			fz_bytes(&f, buf, len);
			r = (op & 1 ? d->ops->mmio : d->ops->pio)(d, off, buf, len, true);
			FUZZ_CHECK(ok ? r == 0 : r == -EINVAL);
			if (ok && off == PCIHP_REG_EJECT) {
				memcpy(&v, buf, 4);
				ejected |= v & SLOTS;
			}
			break;
		case 2: /* guest read */
		case 3:
			memset(buf, 0xa5, sizeof(buf));
			r = (op & 1 ? d->ops->mmio : d->ops->pio)(d, off, buf, len, false);
			FUZZ_CHECK(ok ? r == 0 : r == -EINVAL);
			for (u32 i = ok ? 4 : 0; i < sizeof(buf); i++)
				FUZZ_CHECK(buf[i] ==
					   0xa5); /* nothing past the access, nothing on error */
			if (!ok)
				break;
			memcpy(&v, buf, 4);
			if (off == PCIHP_REG_UP) {
				FUZZ_CHECK(v == up);
				up = 0;
			} else if (off == PCIHP_REG_DOWN) {
				FUZZ_CHECK(v == down);
				down = 0;
			} else {
				FUZZ_CHECK(v == 0);
			}
			break;
		case 4: /* the VMM adds or ejects a slot */
		case 5:
			slot = fz_u8(&f) % 40;
			r = pcihp_request(h, slot, op & 1);
			if (slot == 0 || slot >= PCIHP_SLOTS) {
				FUZZ_CHECK(r == -EINVAL);
				break;
			}
			FUZZ_CHECK(r == 0);
			accepted++;
			if (op & 1) {
				up |= 1U << slot;
				down &= ~(1U << slot);
			} else {
				down |= 1U << slot;
				up &= ~(1U << slot);
			}
			break;
		case 6: /* the VMM takes the guest's ejects (never waits here) */
			if (!ejected)
				pcihp_wake(h); /* with none, a wait must not block */
			v = pcihp_wait_ejected(h, 0);
			FUZZ_CHECK(v == ejected);
			ejected = 0;
			break;
		case 7:
			pcihp_pending(h, &mu, &md);
			FUZZ_CHECK(mu == up && md == down && !((mu | md) & 1));
			break;
		}
		FUZZ_CHECK(notified == accepted);
	}
	pcihp_destroy(h);
	return 0;
}
