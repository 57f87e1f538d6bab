#!/bin/sh
# Lab side of bench/boot: boot the guest image to its marker RUNS times each
# with tinyvmm, QEMU's default machine (pc, SeaBIOS) and QEMU microvm (qboot),
# all with direct kernel boot of the bzImage, 1 vCPU, 256 MiB and the same
# command line; and the same kernel as an uncompressed vmlinux with tinyvmm
# and with QEMU pc (which boots an ELF vmlinux through its PVH entry). The
# VMMs take turns, round by round; prints medians and, for each ratio, the
# median of the per-round ratios with their range. Runs in the lab host (see tests/lab/README.md).
# lab-timeout: 1500
. "$LAB_LIB"
# (bench/boot inserts bench/lab/lib.sh here: run_set, median, ratio)
RUNS=${RUNS:-5}
MEM=256
CMDLINE="console=ttyS0 panic=-1 quiet"
K=$GUEST_BZIMAGE
V=$GUEST_VMLINUX
I=$GUEST_INITRD
QEMU="qemu-system-x86_64 -accel kvm -cpu host -m $MEM -nographic -nodefaults -serial stdio -no-reboot -L /usr/share/qemu"

# The five sets run interleaved, round by round (bench/lab/lib.sh: interleave),
# and each tinyvmm/QEMU ratio is the median of the per-round ratios.
CMD_tinyvmm="tinyvmm --mem $MEM --cpus 1 --kernel $K --initrd $I --cmdline '$CMDLINE'"
CMD_qemu_pc="$QEMU -M pc -kernel $K -initrd $I -append '$CMDLINE'"
CMD_qemu_microvm="$QEMU -M microvm -kernel $K -initrd $I -append '$CMDLINE'"
CMD_tinyvmm_vmlinux="tinyvmm --mem $MEM --cpus 1 --kernel $V --initrd $I --cmdline '$CMDLINE'"
CMD_qemu_pc_vmlinux="$QEMU -M pc -kernel $V -initrd $I -append '$CMDLINE'"
interleave tinyvmm qemu_pc qemu_microvm tinyvmm_vmlinux qemu_pc_vmlinux
# The same boot with --expect on the marker and --events: tinyvmm's own
# boot_to_marker (stats event, seconds from vmm-start to the matched line)
# against markertime's external measurement. vmm-start's clock_monotonic
# puts both on one clock: startup_ms is fork/exec/ld.so up to tinyvmm's
# main(), diff_ms what is left (the console pipe, markertime's read).
i=1
: >/tmp/tinyvmm-events.res
while [ $i -le "$RUNS" ]; do
	markertime -g $MEM -t 240 -o "/tmp/tinyvmm-events.$i.log" -- tinyvmm --mem $MEM --cpus 1 \
		--kernel "$K" --initrd "$I" --cmdline "$CMDLINE" --expect TINYVMM-GUEST-READY \
		--events /tmp/tve.jsonl >/tmp/tve.res
	b2m=$(sed -n 's/.*"event": "stats".*"boot_to_marker": \([0-9.]*\).*/\1/p' /tmp/tve.jsonl)
	mono=$(sed -n 's/.*"event": "vmm-start", "clock_monotonic": \([0-9.]*\).*/\1/p' /tmp/tve.jsonl)
	t0=$(sed -n 's/.*t0_mono_ms=\([0-9.]*\).*/\1/p' /tmp/tve.res)
	ext=$(sed -n 's/.*marker_ms=\([-0-9.]*\).*/\1/p' /tmp/tve.res)
	echo "$(cat /tmp/tve.res) $(awk -v e="${b2m:--1}" -v m="${mono:-0}" -v t="${t0:-0}" -v x="${ext:--1}" 'BEGIN {
		s = m * 1000 - t
		printf "events_ms=%.1f startup_ms=%.1f diff_ms=%.1f", e * 1000, s, x - s - e * 1000 }')" >>/tmp/tinyvmm-events.res
	echo "run tinyvmm-events #$i: $(tail -n1 /tmp/tinyvmm-events.res)"
	[ -n "$b2m" ] || fail "tinyvmm --events: no boot_to_marker in the stats event"
	i=$((i + 1))
done

tv=$(median tinyvmm marker_ms)
pc=$(median qemu_pc marker_ms)
mv=$(median qemu_microvm marker_ms)
echo
echo "bench boot: start to TINYVMM-GUEST-READY, median of $RUNS interleaved rounds, $MEM MiB, 1 vCPU (nested KVM in the TCG lab)"
printf '%-14s %12s %14s %12s %12s\n' vmm marker_ms tinyvmm/this vmm_kib maxrss_kib
for n in tinyvmm tinyvmm-events qemu_pc qemu_microvm tinyvmm_vmlinux qemu_pc_vmlinux; do
	m=$(median $n marker_ms)
	printf '%-14s %12s %14s %12s %12s\n' "$n" "$m" \
		"$(awk -v a="$tv" -v b="$m" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }')" \
		"$(median $n vmm_kib)" "$(median $n maxrss_kib)"
done
echo "bench boot: boot_to_marker reported by tinyvmm --events vs measured outside (medians):" \
	"events $(median tinyvmm-events events_ms) ms + start-up before main() $(median tinyvmm-events startup_ms) ms;" \
	"external $(median tinyvmm-events marker_ms) ms; difference $(median tinyvmm-events diff_ms) ms" \
	"(range $(sed -n 's/.*diff_ms=\([-0-9.]*\).*/\1/p' /tmp/tinyvmm-events.res | sort -n | awk 'NR == 1 { a = $1 } { b = $1 } END { print a " to " b }') ms)"
echo "bench boot: tinyvmm/qemu-pc $(pair_ratio tinyvmm qemu_pc marker_ms) (target <= 0.5)," \
	"tinyvmm/qemu-microvm $(pair_ratio tinyvmm qemu_microvm marker_ms) (target <= 1.0):" \
	"median of the per-round ratios (min-max); tinyvmm own memory $(median tinyvmm vmm_kib) KiB (target < 4096)"
echo "bench boot: vmlinux: tinyvmm/qemu-pc-vmlinux $(pair_ratio tinyvmm_vmlinux qemu_pc_vmlinux marker_ms)," \
	"tinyvmm-vmlinux/qemu-pc (bzImage) $(pair_ratio tinyvmm_vmlinux qemu_pc marker_ms)," \
	"tinyvmm vmlinux/bzImage $(pair_ratio tinyvmm_vmlinux tinyvmm marker_ms)"
# the benchmark fails only if a VMM never reached the marker
for n in tinyvmm qemu_pc qemu_microvm tinyvmm_vmlinux qemu_pc_vmlinux; do
	[ "$(median $n marker_ms)" != -1 ] || fail "$n never printed the marker"
done
