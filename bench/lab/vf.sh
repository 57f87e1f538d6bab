#!/bin/sh
# Lab side of bench/vf: tinyvmm and the reference QEMU (pc) passing the same
# VF, in one lab run: start to the guest's VF link up, median ping RTT over
# 200 pings, tinyvmm's time to DMA-map guest RAM, and each VMM's VM exits per
# 1000 packets (exits to the VMM in steady state, from one run each: counts
# before and after 200 pings, console I/O left out). Both boot the bzImage;
# the link-up row is also measured with the uncompressed vmlinux, each VMM's
# fastest way to start this kernel (tinyvmm's ELF entry, QEMU pc's PVH entry):
# no decompression in the guest.
# Runs in the lab host (see tests/lab/README.md).
# lab-timeout: 1500
. "$LAB_LIB"
# (bench/vf inserts bench/lab/lib.sh here: pair_ratio)
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
dma_ms() { tr -d '\r' <"$1" | sed -n 's/.*mapped \([0-9]*\) MiB of guest RAM for DMA in \([0-9.]*\) ms.*/\2/p' | tail -n1; }

: >/tmp/tv.res; : >/tmp/qm.res; : >/tmp/tvv.res; : >/tmp/qmv.res; : >/tmp/tv.rtt; : >/tmp/qm.rtt; : >/tmp/dma256
# link_pair KERNEL SCRIPT TV QM I: a boot of each VMM to VF link up, tinyvmm
# first; results in /tmp/TV.res and /tmp/QM.res, consoles in /tmp/TVI.log
# and /tmp/QMI.log
link_pair() {
	markertime -m "guest-vf: link up" -t 300 -o "/tmp/$3$5.log" -- \
		tinyvmm --mem 256 --vf "$VF0" --stats --kernel "$1" --initrd "$GUEST_INITRD" \
		--cmdline "$CMD $(guest_script_arg "$2")" >>"/tmp/$3.res"
	markertime -m "guest-vf: link up" -t 300 -o "/tmp/$4$5.log" -- \
		qemu-system-x86_64 -accel kvm -M pc -cpu host -m 256 -nographic -nodefaults -serial stdio \
		-no-reboot -L /usr/share/qemu -kernel "$1" -initrd "$GUEST_INITRD" \
		-append "$CMD $(guest_script_arg "$2")" -device vfio-pci,host="$VF0" >>"/tmp/$4.res"
}
i=1
while [ $i -le "$RUNS" ]; do
	link_pair "$GUEST_BZIMAGE" /tmp/g200.sh tv qm $i
	echo "run $i: tinyvmm $(tail -n1 /tmp/tv.res | cut -d' ' -f1-3) rtt=$(rtt /tmp/tv$i.log); qemu $(tail -n1 /tmp/qm.res | cut -d' ' -f1-3) rtt=$(rtt /tmp/qm$i.log)"
	link_pair "$GUEST_VMLINUX" /tmp/g3.sh tvv qmv $i
	echo "run $i, vmlinux: tinyvmm $(tail -n1 /tmp/tvv.res | cut -d' ' -f1-3); qemu $(tail -n1 /tmp/qmv.res | cut -d' ' -f1-3)"
	rtt /tmp/tv$i.log >>/tmp/tv.rtt
	rtt /tmp/qm$i.log >>/tmp/qm.rtt
	dma_ms /tmp/tv$i.log >>/tmp/dma256
	i=$((i + 1))
done
# exits per 1000 packets, one run per VMM: the guest brings the link up, says
# so ("phase A"), waits, pings 200 times, says so ("phase B N replies"),
# waits; the VMM's exit counts are read in each wait, and their difference is
# divided by the packets on the VF (200 requests plus the replies). Exits to
# the VMM (returns from KVM_RUN) are counted, all kinds but port I/O, which
# is the console (the phase lines) on x86: tinyvmm's from its control API
# (ctl stats), QEMU's from its kvm_run_exit trace (reason 2 is KVM_EXIT_IO).
cat >/tmp/g-exits.sh <<'G'
d=$(grep -l 0x10ca /sys/bus/pci/devices/*/device | head -n1); d=${d%/device}
nd=$(ls $d/net | head -n1)
ip addr add 169.254.10.2/24 dev $nd; ip link set $nd up
while [ "$(cat /sys/class/net/$nd/carrier)" != 1 ]; do sleep 0.01; done
ping -c 1 -W 2 169.254.10.1 >/dev/null
echo "guest-vf: phase A"; sleep 6
ping -c 200 -i 0.05 -W 2 169.254.10.1 >/tmp/p
echo "guest-vf: phase B $(grep -c 'bytes from' /tmp/p) replies"; sleep 6
G
# tv_exits: tinyvmm's exits so far, from ctl stats: "NON-I/O I/O" (- - if no reply)
tv_exits() {
	tinyvmm ctl /tmp/bv.sock stats 2>/dev/null | sed -n 's/.*"exits": {\([^}]*\)}.*/\1/p' | tr ',' '\n' |
		awk -F': ' 'NF == 2 { k = $1; gsub(/[ "]/, "", k); n++; if (k == "io") i += $2; else s += $2 }
			END { if (n) print s + 0, i + 0; else print "- -" }'
}
# qm_exits: QEMU's exits so far, from its trace: "NON-I/O I/O" (- - if none)
qm_exits() {
	awk '/kvm_run_exit/ { n++; if ($NF == 2) i++; else s++ } END { if (n) print s + 0, i + 0; else print "- -" }' \
		/tmp/qmx.trace 2>/dev/null
}
# wait_line PID FILE PATTERN: wait up to 300 s for a console line while PID runs
wait_line() {
	n=0
	while ! tr -d '\r' <"$2" | grep -q "$3"; do
		kill -0 "$1" 2>/dev/null || return 1
		n=$((n + 1))
		[ $n -lt 1500 ] || return 1
		sleep 0.2
	done
}
# exits_run NAME SAMPLER COMMAND...: boot the exits guest with COMMAND (console
# in /tmp/NAME.log); prints "NON-I/O-BEFORE NON-I/O-AFTER REPLIES I/O-BEFORE
# I/O-AFTER" ("-" for what it could not get)
exits_run() {
	name=$1 sampler=$2
	shift 2
	ea=- eb=- rp= ia=- ib=-
	: >"/tmp/$name.log" # before the VMM starts: wait_line reads it at once
	"$@" >"/tmp/$name.log" 2>&1 &
	pid=$!
	if wait_line $pid "/tmp/$name.log" "guest-vf: phase A"; then
		sleep 1
		set -- $($sampler)
		ea=$1 ia=$2
		if wait_line $pid "/tmp/$name.log" "guest-vf: phase B"; then
			sleep 1
			set -- $($sampler)
			eb=$1 ib=$2
			rp=$(tr -d '\r' <"/tmp/$name.log" | sed -n 's/.*guest-vf: phase B \([0-9]*\) replies.*/\1/p')
		fi
	fi
	n=0
	while kill -0 $pid 2>/dev/null && [ $n -lt 300 ]; do sleep 0.2; n=$((n + 1)); done
	kill -KILL $pid 2>/dev/null
	wait $pid
	echo "$ea $eb ${rp:--} $ia $ib"
}
# per1000 BEFORE AFTER REPLIES: exits per 1000 packets, or n/a
per1000() {
	awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN {
		if (a !~ /^[0-9]+$/ || b !~ /^[0-9]+$/ || r !~ /^[0-9]+$/ || r < 1 || b < a) print "n/a"
		else printf "%.1f", (b - a) * 1000 / (200 + r) }'
}
rm -f /tmp/bv.sock /tmp/qmx.trace
set -- $(exits_run tvx tv_exits tinyvmm --mem 256 --vf "$VF0" --api-socket /tmp/bv.sock \
	--kernel "$GUEST_BZIMAGE" --initrd "$GUEST_INITRD" --cmdline "$CMD $(guest_script_arg /tmp/g-exits.sh)")
tx=$(per1000 "$1" "$2" "$3")
echo "exits run: tinyvmm: non-I/O exits $1 before the pings, $2 after; I/O exits $4, $5; $3 replies"
set -- $(exits_run qmx qm_exits qemu-system-x86_64 -accel kvm -M pc -cpu host -m 256 -nographic \
	-nodefaults -serial stdio -no-reboot -L /usr/share/qemu -kernel "$GUEST_BZIMAGE" \
	-initrd "$GUEST_INITRD" -append "$CMD $(guest_script_arg /tmp/g-exits.sh)" \
	-device vfio-pci,host="$VF0" -trace kvm_run_exit -D /tmp/qmx.trace)
qx=$(per1000 "$1" "$2" "$3")
echo "exits run: qemu: non-I/O exits $1 before the pings, $2 after; I/O exits $4, $5; $3 replies"
# the ratio: n/a when QEMU's figure is 0 or missing (0/0: both VMMs had none)
xratio=$(awk -v a="$tx" -v b="$qx" 'BEGIN {
	if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) print "n/a: not measured"
	else if (b > 0) printf "%.2f", a / b
	else if (a > 0) print "n/a: qemu 0"
	else print "n/a: 0/0" }')
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
lr=$(pair_ratio tv qm marker_ms)
printf '%-30s %12s %12s %10s\n' "start to VF link up (ms)" "$tl" "$ql" "${lr%% *}"
lv=$(pair_ratio tvv qmv marker_ms)
printf '%-30s %12s %12s %10s\n' "link up, vmlinux (ms)" "$(field marker_ms </tmp/tvv.res | median)" \
	"$(field marker_ms </tmp/qmv.res | median)" "${lv%% *}"
printf '%-30s %12s %12s %10s\n' "median ping RTT (ms)" "$tr_" "$qr" "$(awk -v a="$tr_" -v b="$qr" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }')"
printf '%-30s %12s\n' "DMA map 256 MiB (ms)" "$(median </tmp/dma256)"
printf '%-30s %12s\n' "DMA map 1024 MiB (ms)" "$(dma_ms /tmp/tv1g.log)"
printf '%-30s %12s\n' "DMA map 2048 MiB (ms)" "n/a: the lab host has 2 GiB"
printf '%-30s %12s %12s %10s\n' "VM exits per 1000 packets" "$tx" "$qx" "$xratio"
echo "bench vf: link-up ratio $lr (vmlinux: $lv): the median of the per-run ratios (the VMMs take turns, run by run)"
echo "bench vf: targets: link-up ratio <= 0.5, RTT ratio <= 1.0, exits per packet about 0"
[ "$tl" != -1 ] || fail "tinyvmm never reported the VF link up"
[ "$ql" != -1 ] || fail "QEMU never reported the VF link up"
