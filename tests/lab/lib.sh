# tests/lab/lib.sh - helpers for lab scenarios, installed in the lab host as
# /lab/lib.sh. Scenarios start with:  . "$LAB_LIB"
# busybox ash; keep it POSIX.

# Find the igb PF: sets PF (BDF) and PF_NETDEV.
lab_find_pf() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x8086 ] && [ "$(cat "$d/device")" = 0x10c9 ] || continue
		PF=$(basename "$d")
		PF_NETDEV=$(ls "$d/net" 2>/dev/null | head -n1)
		return 0
	done
	return 1
}

# lab_bind BDF DRIVER: bind a device to DRIVER through driver_override
# ("none" leaves it unbound). Waits for /dev/vfio/<group> for vfio-pci.
lab_bind() {
	local bdf=$1 drv=$2 dev=/sys/bus/pci/devices/$1 g i
	if [ -e "$dev/driver" ]; then
		echo "$bdf" >"$dev/driver/unbind" || return 1
	fi
	[ "$drv" = none ] && return 0
	echo "$drv" >"$dev/driver_override" || return 1
	echo "$bdf" >/sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(basename "$(readlink "$dev/driver")")" = "$drv" ] || {
		echo "lab: $bdf did not bind to $drv"
		return 1
	}
	if [ "$drv" = vfio-pci ]; then
		g=$(basename "$(readlink "$dev/iommu_group")")
		i=0
		while [ ! -e "/dev/vfio/$g" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -e "/dev/vfio/$g" ] || { echo "lab: /dev/vfio/$g did not appear for $bdf"; return 1; }
	fi
	return 0
}

# lab_make_vfs N DRIVER: (re)create N VFs on $PF and bind them to DRIVER.
# Exports VF0..VF{N-1}.
lab_make_vfs() {
	local n=$1 drv=$2 i=0 vf
	echo 0 >"/sys/bus/pci/devices/$PF/sriov_numvfs" || return 1
	[ "$n" -eq 0 ] && return 0
	echo "$n" >"/sys/bus/pci/devices/$PF/sriov_numvfs" || return 1
	while [ $i -lt "$n" ]; do
		vf=$(basename "$(readlink "/sys/bus/pci/devices/$PF/virtfn$i")")
		[ -n "$vf" ] || return 1
		export "VF$i=$vf"
		lab_bind "$vf" "$drv" || return 1
		i=$((i + 1))
	done
}

# guest_script_arg FILE: the kernel command-line argument that makes the guest
# image's init run FILE (tv.script=<base64>). Keep scripts under ~1.4 KiB:
# the whole command line is limited to 2 KiB.
guest_script_arg() {
	printf 'tv.script=%s' "$(base64 "$1" | tr -d '\n')"
}

# guest_cmdline FILE [CONSOLE]: the guest image's default command line, plus
# a script. CONSOLE defaults to $GUEST_CONSOLE (ttyS0: tinyvmm's 16550 on x86
# and arm64); the reference QEMU's is $REF_GUEST_CONSOLE (ttyAMA0 on arm64).
# Keep "quiet": on arm64 each console character is a nested MMIO exit.
guest_cmdline() {
	printf 'console=%s panic=-1 quiet %s' "${2:-${GUEST_CONSOLE:-ttyS0}}" "$(guest_script_arg "$1")"
}

# guest_exit_arg: the guest command-line argument that makes the guest
# image's init write its script's status to tinyvmm's debug exit register:
# port 0x501 on x86, the MMIO byte at 0x9020000 on arm64 (DEBUG_EXIT_PORT,
# DEBUG_EXIT_GPA in each vmm/arch/*/include/arch/layout.h).
guest_exit_arg() {
	if [ "${LAB_ARCH:-x86}" = arm64 ]; then
		printf 'tv.exitmmio=0x9020000'
	else
		printf 'tv.exitport=1'
	fi
}

# Assertions: print what failed and exit non-zero.
# fail_show FILE...: the files (a VM's output, say) whose last 40 lines
# fail() shows after its line, so a failure says what the VM was doing.
# Removed now: a failure before the VM starts shows nothing stale.
LAB_SHOW=
fail_show() {
	local f
	LAB_SHOW="$*"
	for f in $LAB_SHOW; do rm -f "$f"; done
}
fail() {
	local f
	echo "FAIL: $*"
	for f in $LAB_SHOW; do
		[ -s "$f" ] || continue
		echo "--- $f, its last 40 lines:"
		tail -n 40 "$f" | tr -d '\r'
	done
	exit 1
}
pass() {
	echo "ok: $*"
}
check() {
	# check "description" command...
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# guest_exit LOG: the status the guest's test script reported, or empty.
guest_exit() {
	sed -n 's/.*TINYVMM-GUEST-SCRIPT-EXIT=\([0-9]*\).*/\1/p' "$1" | tail -n1
}

# irq_sum NAME: total interrupts over all CPUs for /proc/interrupts lines
# whose name matches NAME (runs anywhere: host or guest).
irq_sum() {
	awk -v pat="$1" '$0 ~ pat { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break } END { print s + 0 }' /proc/interrupts
}

# now: seconds since the host booted, with centiseconds (for timings).
now() {
	cut -d' ' -f1 /proc/uptime
}
elapsed() {
	# elapsed START: seconds since START (a value from now)
	awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.2f", e - s }'
}

# pf_addr ADDR/LEN: put an address on the PF netdev and bring it up.
pf_addr() {
	ip addr add "$1" dev "$PF_NETDEV" && ip link set "$PF_NETDEV" up
}

# join_log RAW ERR LOG: one log for a VM that has exited: the guest's
# console (RAW, its \r dropped), then tinyvmm's own lines (ERR). The two
# went to files of their own while it ran, so neither could land inside a
# line of the other.
join_log() {
	tr -d '\r' <"$1" >"$3"
	cat "$2" >>"$3"
}

# The reference VMM (QEMU) booting the guest image with VF BDFs passed through:
# ref_qemu LOG SCRIPT BDF...   (waits for it to finish; returns its status)
# x86: the pc board and the bzImage; arm64: the virt board (GICv3, in-kernel
# vGIC and ITS) and the Image, with the console on its PL011.
ref_qemu() {
	local log=$1 script=$2 dev=
	shift 2
	for b in "$@"; do dev="$dev -device vfio-pci,host=$b"; done
	if [ "${LAB_ARCH:-x86}" = arm64 ]; then
		# shellcheck disable=SC2086
		qemu-system-aarch64 -accel kvm -M virt,gic-version=3 -cpu host -m 256 -nographic \
			-nodefaults -serial stdio -no-reboot \
			-kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" \
			-append "$(guest_cmdline "$script" "$REF_GUEST_CONSOLE")" $dev >"$log.raw" 2>&1
	else
		# shellcheck disable=SC2086
		qemu-system-x86_64 -accel kvm -M pc -cpu host -m 256 -nographic -nodefaults \
			-serial stdio -no-reboot -L /usr/share/qemu \
			-kernel "$GUEST_BZIMAGE" -initrd "$GUEST_INITRD" \
			-append "$(guest_cmdline "$script")" $dev >"$log.raw" 2>&1
	fi
	local rc=$?
	tr -d '\r' <"$log.raw" >"$log"
	return $rc
}

# iproute2's ip (busybox's ash runs its own applets before PATH, and busybox
# ip cannot show or set a VF's MAC/VLAN).
ipr() {
	/usr/local/bin/ip "$@"
}

# vf_line_back BEFORE AFTER OURS: the PF's "vf N" line (ip link show PF)
# after tinyvmm gave the VF back is BEFORE again. But for one case: igb
# gives a VF whose MAC was never set through the PF (00:00:00:00:00:00) a
# random one at each function-level reset (igb_vf_reset_event), and the
# reset vfio-pci makes as tinyvmm lets go of the VF can reach the PF after
# tinyvmm put the zero MAC back. So a zero MAC may come back as any locally
# administered unicast MAC but OURS (the one tinyvmm set), the rest of the
# line as before.
vf_line_back() {
	local b a o
	[ "$1" = "$2" ] && return 0
	b=$(echo "$1" | sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p')
	a=$(echo "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p')
	[ "$b" = 00:00:00:00:00:00 ] && [ -n "$a" ] && [ "$a" != "$3" ] || return 1
	o=$((0x${a%%:*}))
	[ $((o & 3)) -eq 2 ] || return 1 # locally administered, unicast
	[ "$(echo "$1" | sed "s/$b/MAC/")" = "$(echo "$2" | sed "s/$a/MAC/")" ] || return 1
	echo "info: the VF's MAC came back as $a: igb's random one after its reset"
}

# wait_carrier NETDEV [TENTHS]: wait until the link has carrier (default 10 s).
wait_carrier() {
	local i=0
	while [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" != 1 ]; do
		[ $i -ge "${2:-100}" ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# vmm_own_kib PID GUEST_MIB: a VMM's own resident memory in KiB: its total
# RSS less the resident part of its guest-RAM mapping (the largest mapping of
# exactly GUEST_MIB MiB). Guest RAM the guest touches is not the VMM's.
vmm_own_kib() {
	awk -v want=$(($2 * 1024)) '
		/^Size:/ { size = $2 }
		/^Rss:/ { total += $2; if (size == want && $2 > guest) guest = $2 }
		END { if (total == 0) print -1; else print total - guest }' "/proc/$1/smaps" 2>/dev/null
}

# The shared IOMMU group: two e1000 functions (8086:100e) behind a
# conventional PCI bridge, so the IOMMU cannot isolate them: one group.
# Sets SHARED0 and SHARED1 (their BDFs); both start on the e1000 driver.
lab_find_shared() {
	local d
	SHARED0= SHARED1=
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x8086:0x100e ] || continue
		if [ -z "$SHARED0" ]; then SHARED0=$(basename "$d"); else SHARED1=$(basename "$d"); fi
	done
	[ -n "$SHARED1" ]
}

# vm_start_wait LOG [tinyvmm args...]: start a guest that prints
# "guest-wait: up" and sleeps, in the background; sets VM_PID once it is up
# (returns 1 if it is not up within 150 s). The guest's console goes to LOG,
# tinyvmm's own lines to LOG.err: in one file, a line tinyvmm logs could
# land inside one of the guest's (the same goes for every scenario's VMs).
vm_start_wait() {
	local log=$1 i=0
	shift
	printf 'echo guest-wait: up\nsleep 600\n' >/tmp/wait-up.sh
	: >"$log"
	tinyvmm --mem 256 --kernel "$GUEST_KERNEL" --initrd "$GUEST_INITRD" \
		--cmdline "$(guest_cmdline /tmp/wait-up.sh)" "$@" >"$log" 2>"$log.err" &
	VM_PID=$!
	while ! grep -q "guest-wait: up" "$log"; do
		kill -0 $VM_PID 2>/dev/null || return 1
		[ $i -ge 1500 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# vm_wait_exit PID [TENTHS]: wait for a background tinyvmm (a child of this
# shell: not from a $(...) subshell); sets VM_RC to its status (137 if it had
# to be killed after TENTHS, default 30 s).
vm_wait_exit() {
	local i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt "${2:-300}" ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 "$1" 2>/dev/null && kill -KILL "$1"
	wait "$1"
	VM_RC=$?
}

# vm_proc PID: the VM process of tinyvmm PID: a root tinyvmm runs it as a
# child (the sandbox); else PID itself.
vm_proc() {
	local s
	for s in /proc/[0-9]*/status; do
		awk -v p="$1" '$1 == "PPid:" && $2 == p { f = 1 } END { exit !f }' "$s" 2>/dev/null || continue
		s=${s%/status}; echo "${s#/proc/}"; return
	done
	echo "$1"
}

# drv BDF: the device's driver, or "none".
drv() {
	local d
	d=$(readlink "/sys/bus/pci/devices/$1/driver") && basename "$d" || echo none
}

# The NVMe controller (x86 lab host only): a PCI function of class 0x010802
# (NVM Express) on a root port of its own. Sets NVME (its BDF); it starts on
# the lab host's nvme driver.
lab_find_nvme() {
	local d
	NVME=
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/class")" = 0x010802 ] || continue
		NVME=$(basename "$d")
		return 0
	done
	return 1
}
