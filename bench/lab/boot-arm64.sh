#!/bin/sh
# Lab side of bench/boot --arch arm64: boot the arm64 guest Image to its
# marker in RUNS rounds of tinyvmm then the reference, QEMU's virt
# board (GICv3, in-kernel irqchip), both with direct kernel boot, 1 vCPU,
# 256 MiB and the same command line but for the console device (ttyS0 on
# tinyvmm's 16550, ttyAMA0 on QEMU's PL011). Prints medians and ratios.
# Runs in the arm64 lab host (see tests/lab/README.md).
# lab-arch: arm64
# lab-timeout: 1500
. "$LAB_LIB"
# (bench/boot inserts bench/lab/lib.sh here: run_set, median, ratio)
RUNS=${RUNS:-5}
MEM=256
CMDLINE="panic=-1 quiet"
K=$GUEST_KERNEL
I=$GUEST_INITRD
QEMU="$REF_QEMU -M virt,gic-version=3 -accel kvm -cpu host -m $MEM -nographic -nodefaults -serial stdio -no-reboot"

# The two take turns, round by round (bench/lab/lib.sh: interleave).
CMD_tinyvmm="tinyvmm --mem $MEM --cpus 1 --kernel $K --initrd $I --cmdline 'console=ttyS0 $CMDLINE'"
CMD_qemu_virt="$QEMU -kernel $K -initrd $I -append 'console=ttyAMA0 $CMDLINE'"
interleave tinyvmm qemu_virt

tv=$(median tinyvmm marker_ms)
echo
echo "bench boot arm64: start to TINYVMM-GUEST-READY, median of $RUNS interleaved rounds, $MEM MiB, 1 vCPU (nested KVM in the TCG arm64 lab)"
printf '%-14s %12s %14s %12s %12s\n' vmm marker_ms tinyvmm/this vmm_kib maxrss_kib
for n in tinyvmm qemu_virt; do
	m=$(median $n marker_ms)
	printf '%-14s %12s %14s %12s %12s\n' "$n" "$m" "$(ratio "$tv" "$m")" \
		"$(median $n vmm_kib)" "$(median $n maxrss_kib)"
done
echo "bench boot arm64: tinyvmm/qemu-virt $(pair_ratio tinyvmm qemu_virt marker_ms) (target <= 0.5;" \
	"median of the per-round ratios, min-max)," \
	"tinyvmm own memory $(median tinyvmm vmm_kib) KiB (target < 4096)"
for n in tinyvmm qemu_virt; do
	[ "$(median $n marker_ms)" != -1 ] || fail "$n never printed the marker"
done
