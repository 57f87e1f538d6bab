/* SPDX-License-Identifier: MIT */
/*
 * dtb.h - the device tree an arm64 guest boots with, built with libfdt.
 * Pure: writes into a buffer, never touches KVM or guest memory.
 *
 *   /                 "linux,dummy-virt", 2 address and size cells
 *   chosen            bootargs, stdout-path (the UART), linux,initrd-start/end,
 *                     linux,pci-probe-only (Linux keeps tinyvmm's BAR addresses)
 *   memory@...        one node per RAM range
 *   cpus/cpu@N        "arm,arm-v8", enable-method "psci", reg = the vCPU's MPIDR
 *   psci              "arm,psci-0.2" over hvc (KVM handles it in the kernel)
 *   intc@8000000      "arm,gic-v3": distributor, one redistributor per vCPU,
 *     its@8080000     "arm,gic-v3-its", the MSI controller
 *   timer             "arm,armv8-timer" on its four PPIs
 *   uart@9000000      "ns16550a" (ttyS0), clock-frequency, SPI UART_SPI
 *   pvpanic@9010000   "qemu,pvpanic-mmio"
 *   pcie@3f000000     "pci-host-ecam-generic" for bus 0: the 32- and 64-bit
 *                     memory windows, INTx of every slot to its SPI
 *                     (interrupt-map), msi-map to the ITS with the BDF as
 *                     device id, dma-coherent
 * Addresses and interrupts are the layout's (vmm/arch/arm64/include/arch/layout.h).
 */
#ifndef TINYVMM_DTB_H
#define TINYVMM_DTB_H

#include <sys/types.h>

#include "vmm/base/util.h"

struct dtb_config {
	unsigned int ncpus;
	const u64 *mpidr; /* ncpus: each vCPU's MPIDR_EL1 affinity, its cpu node's reg */
	const struct ram_range *ram;
	unsigned int nr_ram;
	const char *cmdline;
	gpa_t initrd_gpa; /* with initrd_size 0: no initrd */
	u64 initrd_size;
};

/*
 * Build the tree into buf (len bytes). Returns its size, or -ENOSPC when it
 * does not fit, -EINVAL for a config it cannot describe (no vCPUs, more
 * than the GIC has redistributors for, no RAM).
 */
ssize_t dtb_build(void *buf, size_t len, const struct dtb_config *cfg);

/* INTx pin (0 = INTA) of slot: the SPI the interrupt-map sends it to. */
static inline u32 dtb_pci_intx_spi(unsigned int slot, unsigned int pin, u32 spi_base, u32 nspis)
{
	return spi_base + (slot + pin) % nspis;
}

#endif
