#!/bin/sh
# Lab side of bench/vf: tinyvmm and the reference QEMU (pc) passing the same
# VF, in one lab run: start to the guest's VF link up, median ping RTT over
# 200 pings, tinyvmm's time to DMA-map guest RAM, tinyvmm's VM exits per 1000
# packets. Both boot the bzImage. Runs in the lab host (see tests/lab/README.md).
# lab-timeout: 1500
. "$LAB_LIB"
RUNS=${RUNS:-3}
pf_addr 169.254.10.1/24
CMD="console=ttyS0 panic=-1 quiet"

# guest: print a line when the VF's link is up, then ping quietly N times
# and print each RTT (one line for all, to keep console exits out)
cat >/tmp/g-link.sh <<'G'
d=$(grep -l 0x10ca /sys/bus/pci/devices/*/device | head -n1); d=${d%/device}
nd=$(ls $d/net | head -n1)
ip addr add 169.254.10.2/24 dev $nd; ip link set $nd up
while [ "$(cat /sys/class/net/$nd/carrier)" != 1 ]; do sleep 0.01; done
echo "guest-vf: link up"
ping -c @N@ -i 0.05 -W 2 169.254.10.1 >/tmp/p
echo "guest-vf: rtts $(sed -n 's/.*time=\([0-9.]*\) ms/\1/p' /tmp/p | sort -n | awk '{ v[NR] = $1 } END { print NR, v[int((NR + 1) / 2)] }')"
G
sed 's/@N@/200/' /tmp/g-link.sh >/tmp/g200.sh
sed 's/@N@/3/' /tmp/g-link.sh >/tmp/g3.sh

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print -1 }'; }
field() { sed -n "s/.*$1=\([-0-9.]*\).*/\1/p"; }
tvcmd() { # MEM SCRIPT
	echo tinyvmm --mem "$1" --vf "$VF0" --stats --kernel "$GUEST_BZIMAGE" --initrd "$GUEST_INITRD"
}
rtt() { tr -d '\r' <"$1" | sed -n 's/.*guest-vf: rtts [0-9]* \([0-9.]*\).*/\1/p'; }
exits() { tr -d '\r' <"$1" | awk '/VM exits/ { t = 1 } t && $1 == "total" { s = 0; for (i = 2; i <= NF; i++) s += $i; print s; exit }'; }
dma_ms() { tr -d '\r' <"$1" | sed -n 's/.*mapped \([0-9]*\) MiB of guest RAM for DMA in \([0-9.]*\) ms.*/\2/p' | tail -n1; }

: >/tmp/tv.res; : >/tmp/qm.res; : >/tmp/tv.rtt; : >/tmp/qm.rtt; : >/tmp/dma256
i=1
while [ $i -le "$RUNS" ]; do
	markertime -m "guest-vf: link up" -t 300 -o /tmp/tv$i.log -- \
		tinyvmm --mem 256 --vf "$VF0" --stats --kernel "$GUEST_BZIMAGE" --initrd "$GUEST_INITRD" \
		--cmdline "$CMD $(guest_script_arg /tmp/g200.sh)" >>/tmp/tv.res
	markertime -m "guest-vf: link up" -t 300 -o /tmp/qm$i.log -- \
		qemu-system-x86_64 -accel kvm -M pc -cpu host -m 256 -nographic -nodefaults -serial stdio \
		-no-reboot -L /usr/share/qemu -kernel "$GUEST_BZIMAGE" -initrd "$GUEST_INITRD" \
		-append "$CMD $(guest_script_arg /tmp/g200.sh)" -device vfio-pci,host="$VF0" >>/tmp/qm.res
	echo "run $i: tinyvmm $(tail -n1 /tmp/tv.res | cut -d' ' -f1-3) rtt=$(rtt /tmp/tv$i.log); qemu $(tail -n1 /tmp/qm.res | cut -d' ' -f1-3) rtt=$(rtt /tmp/qm$i.log)"
	rtt /tmp/tv$i.log >>/tmp/tv.rtt
	rtt /tmp/qm$i.log >>/tmp/qm.rtt
	dma_ms /tmp/tv$i.log >>/tmp/dma256
	i=$((i + 1))
done
# exits per 1000 packets: 200 pings versus 3 (400 vs 6 packets on the VF)
tinyvmm --mem 256 --vf "$VF0" --stats --kernel "$GUEST_BZIMAGE" --initrd "$GUEST_INITRD" \
	--cmdline "$CMD $(guest_script_arg /tmp/g3.sh)" >/tmp/tv3.log 2>&1
e3=$(exits /tmp/tv3.log)
e200=$(exits /tmp/tv1.log)
# DMA map of a 1 GiB guest (the lab host has 2 GiB: 2 GiB guests do not fit)
tinyvmm --mem 1024 --vf "$VF0" --stats --kernel "$GUEST_BZIMAGE" --initrd "$GUEST_INITRD" \
	--cmdline "$CMD $(guest_script_arg /tmp/g3.sh)" >/tmp/tv1g.log 2>&1

tl=$(field marker_ms </tmp/tv.res | median)
ql=$(field marker_ms </tmp/qm.res | median)
tr_=$(median </tmp/tv.rtt)
qr=$(median </tmp/qm.rtt)
echo
echo "bench vf: VF $VF0 (82576 VF, igbvf), 256 MiB guests, median of $RUNS runs (nested KVM in the TCG lab)"
printf '%-30s %12s %12s %10s\n' figure tinyvmm qemu-pc ratio
printf '%-30s %12s %12s %10s\n' "start to VF link up (ms)" "$tl" "$ql" "$(awk -v a="$tl" -v b="$ql" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }')"
printf '%-30s %12s %12s %10s\n' "median ping RTT (ms)" "$tr_" "$qr" "$(awk -v a="$tr_" -v b="$qr" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }')"
printf '%-30s %12s\n' "DMA map 256 MiB (ms)" "$(median </tmp/dma256)"
printf '%-30s %12s\n' "DMA map 1024 MiB (ms)" "$(dma_ms /tmp/tv1g.log)"
printf '%-30s %12s\n' "DMA map 2048 MiB (ms)" "n/a: the lab host has 2 GiB"
printf '%-30s %12s\n' "VM exits per 1000 packets" "$(awk -v a="${e200:-0}" -v b="${e3:-0}" 'BEGIN { printf "%.1f", (a - b) * 1000 / 394 }')"
echo "bench vf: targets: link-up ratio <= 0.5, RTT ratio <= 1.0, exits per packet about 0"
[ "$tl" != -1 ] || fail "tinyvmm never reported the VF link up"
[ "$ql" != -1 ] || fail "QEMU never reported the VF link up"
