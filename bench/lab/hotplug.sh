#!/bin/sh
# Lab side of bench/hotplug: tinyvmm's vf-add/vf-remove against the reference
# QEMU's device_add/device_del of a vfio-pci device (pc machine, ACPI PCI
# hotplug), in one lab run, on a guest that booted with no VF. Measured from
# the request to the guest's "link up" (VF at 0000:00:06.0, igbvf bound,
# carrier), and from the remove request to the device gone in the guest and
# the VMM done with it (tinyvmm: the vf-remove reply; QEMU: the device gone from
# "info pci"), whichever of the two comes later. Both boot the bzImage.
#
# A second pair of rows repeats the add and remove with VF1 in the guest from
# the start (slot 5), so the VMM's VFIO container already has all guest RAM
# pinned and mapped when VF0 comes: what a hot add costs when the container
# outlives the VF before it. After the remove, the VM process's VmLck (RAM
# pinned for DMA) shows what that costs: tinyvmm closes the container with
# the last VF, so it is 0 kB in the first pair and all guest RAM in the second.
# Runs in the lab host.
# lab-timeout: 900
. "$LAB_LIB"
RUNS=${RUNS:-3}
pf_addr 169.254.10.1/24
CMD="console=ttyS0 panic=-1 quiet"
cat >/tmp/g-hp.sh <<'G'
echo hp: up
d=/sys/bus/pci/devices/0000:00:06.0
while [ ! -e $d/net ]; do [ -e $d ] && modprobe -q igbvf; sleep 0.02; done
n=$(ls $d/net); ip l set $n up
while [ "$(cat /sys/class/net/$n/carrier)" != 1 ]; do sleep 0.02; done
echo hp: link up
while [ -e $d ]; do sleep 0.02; done
echo hp: gone
sleep 300
G
# wait_for FILE PATTERN: up to 120 s; 1 if it never came
wait_for() {
	n=0
	while ! tr -d '\r' <"$1" | grep -q "$2"; do
		n=$((n + 1)); [ $n -lt 6000 ] || return 1; sleep 0.02
	done
}
ms() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%d\n", (e - s) * 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
vmlck() { awk '$1 == "VmLck:" { print $2 }' /proc/$1/status; }
# one_run SUFFIX: one tinyvmm and one QEMU add/remove of VF0; SUFFIX "" boots
# with no VF, "k" with VF1 at slot 5 (the container kept, RAM mapped)
one_run() {
	k=$1 tvf= qvf=
	if [ "$k" = k ]; then
		tvf="--vf $VF1,slot=5"
		qvf="-device vfio-pci,host=$VF1,id=kept,bus=pci.0,addr=5"
	fi
	# tinyvmm
	rm -f /tmp/hb.sock /tmp/tv.ev; : >/tmp/tv.log
	# shellcheck disable=SC2086 # $tvf: none or two words
	tinyvmm --mem 256 --kernel "$GUEST_BZIMAGE" --initrd "$GUEST_INITRD" --api-socket /tmp/hb.sock \
		--events /tmp/tv.ev $tvf --cmdline "$CMD $(guest_script_arg /tmp/g-hp.sh)" >/tmp/tv.log 2>&1 &
	p=$!
	wait_for /tmp/tv.log "hp: up" && sleep 1
	t0=$(now)
	tinyvmm ctl /tmp/hb.sock vf-add "$VF0,slot=6" >/dev/null
	wait_for /tmp/tv.log "hp: link up" && ms $t0 "$(now)" >>/tmp/tv.add$k
	sleep 1
	t0=$(now)
	tinyvmm ctl /tmp/hb.sock vf-remove "$VF0" >/dev/null # replies once tinyvmm let go of it
	wait_for /tmp/tv.log "hp: gone" && ms $t0 "$(now)" >>/tmp/tv.rm$k
	vmlck "$(vm_proc $p)" >>/tmp/tv.lck$k
	tinyvmm ctl /tmp/hb.sock stop >/dev/null
	vm_wait_exit $p
	# QEMU, its monitor on a pair of fifos
	rm -f /tmp/qmon.in /tmp/qmon.out; mkfifo /tmp/qmon.in /tmp/qmon.out
	cat /tmp/qmon.out >/tmp/qmon.log &
	c=$!
	: >/tmp/qm.log
	qemu-system-x86_64 -accel kvm -M pc -cpu host -m 256 -nographic -nodefaults -serial stdio \
		-no-reboot -L /usr/share/qemu -kernel "$GUEST_BZIMAGE" -initrd "$GUEST_INITRD" $qvf \
		-append "$CMD $(guest_script_arg /tmp/g-hp.sh)" \
		-chardev pipe,id=mon,path=/tmp/qmon -mon chardev=mon,mode=readline >/tmp/qm.log 2>&1 &
	q=$!
	exec 3>/tmp/qmon.in
	wait_for /tmp/qm.log "hp: up" && sleep 1
	t0=$(now)
	echo "device_add vfio-pci,host=$VF0,id=hp0,bus=pci.0,addr=6" >&3
	wait_for /tmp/qm.log "hp: link up" && ms $t0 "$(now)" >>/tmp/qm.add$k
	sleep 1
	t0=$(now)
	echo "device_del hp0" >&3
	if wait_for /tmp/qm.log "hp: gone"; then
		# QEMU is done once the device has left its PCI tree
		n=0
		while [ $n -lt 500 ]; do
			: >/tmp/qmon.log; echo "info pci" >&3; sleep 0.02
			grep -q "Bus  0" /tmp/qmon.log && ! grep -q "device *6, function" /tmp/qmon.log && break
			n=$((n + 1))
		done
		ms $t0 "$(now)" >>/tmp/qm.rm$k
	fi
	vmlck $q >>/tmp/qm.lck$k
	echo "quit" >&3
	exec 3>&-
	vm_wait_exit $q
	kill $c 2>/dev/null
	# the DMA map of the run (the add's, or VF1's at boot), from its event
	map=$(sed -n 's/.*"dma-mapped".*"seconds": *\([0-9.]*\).*"huge_bytes": *\([0-9a-z]*\).*/\1 s, huge \2/p' /tmp/tv.ev)
	echo "run $i${k:+ (VF1 kept)}: tinyvmm add $(tail -n1 /tmp/tv.add$k) ms remove" \
		"$(tail -n1 /tmp/tv.rm$k) ms VmLck $(tail -n1 /tmp/tv.lck$k) kB (DMA map ${map:-none});" \
		"qemu add $(tail -n1 /tmp/qm.add$k) ms remove $(tail -n1 /tmp/qm.rm$k) ms" \
		"VmLck $(tail -n1 /tmp/qm.lck$k) kB"
}
for f in tv.add tv.rm tv.lck qm.add qm.rm qm.lck; do : >/tmp/$f; : >/tmp/${f}k; done
i=1
while [ $i -le "$RUNS" ]; do
	one_run ""
	one_run k
	i=$((i + 1))
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/ && a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
row() { # row LABEL FILE: tinyvmm's and QEMU's medians of /tmp/tv.FILE, /tmp/qm.FILE
	t=$(median </tmp/tv.$2) q=$(median </tmp/qm.$2)
	printf '%-58s %10s %10s %8s\n' "$1" "$t" "$q" "$(ratio "$t" "$q")"
}
echo
echo "bench hotplug: VF $VF0 (82576 VF, igbvf, on vfio-pci), 256 MiB guests, median of $RUNS runs (nested KVM in the TCG lab)"
printf '%-58s %10s %10s %8s\n' figure tinyvmm qemu-pc ratio
row "add request to VF link up in the guest (ms)" add
row "remove request to VF released (ms)" rm
row "RAM pinned after the remove, VmLck (kB)" lck
row "VF1 in the guest too (RAM mapped): add to link up (ms)" addk
row "VF1 in the guest too: remove request to VF released (ms)" rmk
row "VF1 in the guest too: RAM pinned after the remove (kB)" lckk
for f in add addk; do
	check "every run measured ($f)" test "$(wc -l </tmp/tv.$f)" -eq "$RUNS" -a "$(wc -l </tmp/qm.$f)" -eq "$RUNS"
done
