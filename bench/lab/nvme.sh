#!/bin/sh
# Lab side of bench/vf's NVMe rows: tinyvmm and the reference QEMU (pc)
# passing the lab host's NVMe controller (QEMU's emulated nvme, plain PCI
# passthrough, not a VF), at each guest RAM size in SIZES (MiB). Each boot
# reads the whole disk in the guest (tests/lab/guest/nvme-read.sh) and its
# sha256 must be the image's. Figures, per size:
#  - start to "guest-nvme: read done" (markertime), the VMMs taking turns
#    boot by boot (tinyvmm, QEMU, tinyvmm, QEMU, ...), ratio the median of
#    the per-round ratios;
#  - the time each VMM takes to DMA-map guest RAM: tinyvmm's from --stats
#    (its VFIO_IOMMU_MAP_DMA calls, made while the guest boots), QEMU's from
#    its own trace (-trace, -msg timestamp=on): from its first
#    vfio_listener_region_add_ram (the listener maps each RAM section as it
#    is announced, before the machine runs) to vfio_get_device, the next
#    event after the last map;
#  - how much of guest RAM was on huge pages when tinyvmm's map was done
#    (huge_mib, from its dma-mapped event), per round;
#  - what the device costs tinyvmm's boot: start to the guest's boot marker
#    (TINYVMM-GUEST-READY, the first line of its init) in the boot above,
#    against the same boot without the device, in the same round.
# Both boot the bzImage. The controller is put on vfio-pci first (QEMU does
# not bind it; tinyvmm then rebinds nothing) and given back to nvme at the end.
# lab-timeout: 2400
. "$LAB_LIB"
# (bench/vf inserts bench/lab/lib.sh here: pair_ratio)
RUNS=${RUNS:-3}
SIZES=${SIZES:-256 1024}
[ -n "$NVME" ] || fail "no NVMe controller in the lab host"
lab_bind "$NVME" vfio-pci || fail "cannot bind $NVME to vfio-pci"
grep -v "^#" /lab/guest/nvme-read.sh >/tmp/nvme-read.sh # without comments: 2 KiB of command line
ARGS="console=ttyS0 panic=-1 quiet $(guest_script_arg /tmp/nvme-read.sh)"
echo "exit 0" >/tmp/nodev.sh
NODEV_ARGS="console=ttyS0 panic=-1 quiet $(guest_script_arg /tmp/nodev.sh)"
MARK="guest-nvme: read done"

# sum LOG: the sha256 the guest read; dma_tv LOG: tinyvmm's DMA-map ms
sum() { tr -d '\r' <"$1" | sed -n 's/.*guest-nvme: sha256=\([0-9a-f]*\) .*/\1/p' | tail -n1; }
dma_tv() { tr -d '\r' <"$1" | sed -n 's/.*mapped [0-9]* MiB of guest RAM for DMA in \([0-9.]*\) ms.*/\1/p' | tail -n1; }
# huge_tv EVENTS: how much of guest RAM was on huge pages when tinyvmm's map
# was done, in MiB (its dma-mapped event's huge_bytes; - when unknown)
huge_tv() { sed -n 's/.*"dma-mapped".*"huge_bytes": \([0-9][0-9]*\).*/\1/p' "$1" 2>/dev/null | awk 'NR == 1 { printf "%d", $1 / 1048576 } END { if (!NR) printf "-" }'; }
# dma_qm TRACE: QEMU's DMA-map ms (trace lines "PID@SECS.USECS:event ...")
dma_qm() {
	awk -F'[@:]' '$3 ~ /^vfio_listener_region_add_ram/ && !t0 { t0 = $2 }
		t0 && $3 ~ /^vfio_get_device/ { if ($2 >= t0) printf "%.1f\n", ($2 - t0) * 1000; exit }' "$1"
}
# med NAME KEY: the median of the values of KEY in /tmp/NAME.res, leaving out
# the missing ones and markertime's -1 (marker never seen); -1 when none
med() {
	sed -n "s/.*$2=\([0-9.][0-9.]*\).*/\1/p" "/tmp/$1.res" | sort -n | awk '{ v[NR] = $1 }
		END { if (!NR) print -1; else printf "%.1f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# bad_boot LOG: what a boot that did not read the disk said: its VMM's and
# guest script's lines (a stuck read's kernel messages included), its last
# lines, and the lab host's free memory and last kernel messages
bad_boot() {
	echo "info: a bad boot, $1:"
	tr -d '\r' <"$1" | grep -a "guest-nvme\|tinyvmm\|qemu" | tail -n 40
	tr -d '\r' <"$1" | tail -n 10
	echo "info: lab host: $(awk '/MemAvailable/ { printf "%d MiB available", $2 / 1024 }' /proc/meminfo); its last kernel lines:"
	dmesg | tail -n 10
}
bad=0
for m in $SIZES; do : >"/tmp/nt$m.res"; : >"/tmp/nq$m.res"; : >"/tmp/nn$m.res"; : >"/tmp/dt$m.res"; : >"/tmp/dq$m.res"; done
i=1
while [ $i -le "$RUNS" ]; do
	for m in $SIZES; do
		markertime -m "$MARK" -M TINYVMM-GUEST-READY -g "$m" -t 600 -o "/tmp/nt$m.$i.log" -- \
			tinyvmm --mem "$m" --vf "$NVME" --stats --events "/tmp/nt$m.$i.jsonl" --kernel "$GUEST_BZIMAGE" \
			--initrd "$GUEST_INITRD" --cmdline "$ARGS" >>"/tmp/nt$m.res"
		markertime -m "$MARK" -g "$m" -t 600 -o "/tmp/nq$m.$i.log" -- \
			qemu-system-x86_64 -accel kvm -M pc -cpu host -m "$m" -nographic -nodefaults \
			-serial stdio -no-reboot -L /usr/share/qemu -kernel "$GUEST_BZIMAGE" \
			-initrd "$GUEST_INITRD" -append "$ARGS" -device vfio-pci,host="$NVME" \
			-msg timestamp=on -trace vfio_listener_region_add_ram -trace vfio_get_device \
			-D "/tmp/nq$m.$i.trace" >>"/tmp/nq$m.res"
		markertime -g "$m" -t 600 -o "/tmp/nn$m.$i.log" -- tinyvmm --mem "$m" \
			--kernel "$GUEST_BZIMAGE" --initrd "$GUEST_INITRD" --cmdline "$NODEV_ARGS" >>"/tmp/nn$m.res"
		st=$(sum "/tmp/nt$m.$i.log") sq=$(sum "/tmp/nq$m.$i.log")
		dt=$(dma_tv "/tmp/nt$m.$i.log") dq=$(dma_qm "/tmp/nq$m.$i.trace")
		echo "dma_ms=$dt" >>"/tmp/dt$m.res"
		echo "dma_ms=$dq" >>"/tmp/dq$m.res"
		echo "round $i, $m MiB: tinyvmm $(tail -n1 "/tmp/nt$m.res" | cut -d' ' -f1-3) dma_ms=${dt:--}" \
			"huge_mib=$(huge_tv "/tmp/nt$m.$i.jsonl")" \
			"sha256 $([ "$st" = "$NVME_SHA256" ] && echo ok || echo "BAD (${st:-none})");" \
			"qemu $(tail -n1 "/tmp/nq$m.res" | cut -d' ' -f1-3) dma_ms=${dq:--}" \
			"sha256 $([ "$sq" = "$NVME_SHA256" ] && echo ok || echo "BAD (${sq:-none})");" \
			"tinyvmm ready $(tail -n1 "/tmp/nt$m.res" | sed -n 's/.*marker2_ms=\([-0-9.]*\).*/\1/p') ms," \
			"without the device $(tail -n1 "/tmp/nn$m.res" | sed -n 's/.*marker_ms=\([-0-9.]*\).*/\1/p') ms;" \
			"lab host $(awk '/MemAvailable/ { printf "%d", $2 / 1024 }' /proc/meminfo) MiB available"
		[ "$st" = "$NVME_SHA256" ] || { bad=$((bad + 1)); bad_boot "/tmp/nt$m.$i.log"; }
		[ "$sq" = "$NVME_SHA256" ] || { bad=$((bad + 1)); bad_boot "/tmp/nq$m.$i.log"; }
	done
	i=$((i + 1))
done
# what QEMU's DMA-map figure spans, from round 1's trace
for m in $SIZES; do
	awk -F'[@:]' '{ split($3, e, " ") } e[1] == "vfio_listener_region_add_ram" { n++; if (!a) a = $2; z = $2 }
		e[1] == "vfio_get_device" && !g { g = $2; k = n }
		END { printf "info: qemu %s MiB trace: %d vfio_listener_region_add_ram, the first at 0 ms, the last at %.1f ms; vfio_get_device at %.1f ms, after %d of them\n",
			m, n, (z - a) * 1000, g ? (g - a) * 1000 : -1, k }' m="$m" "/tmp/nq$m.1.trace"
done
lab_bind "$NVME" nvme
echo "" >"/sys/bus/pci/devices/$NVME/driver_override"

echo
echo "bench vf: NVMe $NVME (QEMU nvme, plain passthrough), $RUNS round(s), lab host $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo)"
printf '%-34s %12s %12s %24s\n' figure tinyvmm qemu-pc "ratio (min-max, pairs)"
for m in $SIZES; do
	printf '%-34s %12s %12s %24s\n' "start to disk read done $m MiB (ms)" \
		"$(med "nt$m" marker_ms)" "$(med "nq$m" marker_ms)" "$(pair_ratio "nt$m" "nq$m" marker_ms)"
done
for m in $SIZES; do
	printf '%-34s %12s %12s %24s\n' "DMA map $m MiB (ms)" \
		"$(med "dt$m" dma_ms)" "$(med "dq$m" dma_ms)" "$(pair_ratio "dt$m" "dq$m" dma_ms)"
done
for m in $SIZES; do
	printf '%-34s %12s %12s %24s\n' "tinyvmm to guest ready $m MiB (ms)" \
		"$(med "nt$m" marker2_ms)" "$(med "nn$m" marker_ms)" "$(pair_ratio "nt$m" "nn$m" marker2_ms marker_ms)"
done
echo "bench vf: 'to guest ready': tinyvmm with the device (first column) and without it (second), the same boot otherwise"
echo "bench vf: figures are medians (-1: none), ratios tinyvmm/QEMU, the median of the per-round ratios; every boot read the whole disk and checked its sha256 ($bad bad)"
echo "bench vf: tinyvmm maps RAM while the guest boots; QEMU maps it before the guest runs"
[ $bad -eq 0 ] || fail "$bad boot(s) did not read the disk's bytes"
