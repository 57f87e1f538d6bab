# Guest side of nvme-boot and bench/vf's NVMe rows (via tv.script): loads
# nvme, reads all of /dev/nvme0n1 and prints "guest-nvme: sha256=<hex>
# bytes=<n>", "guest-nvme: irq nvmeXqN <count> |<line>" per queue vector,
# "guest-nvme: msix vectors <n>", "guest-nvme: read done". Exit 20: no
# modprobe, 21: no namespace, 22: short read, 23: a queue vector never
# fired (or fewer than 2). A read not done after 60 s prints the guest
# kernel's NVMe and IOMMU messages and the queue interrupts, as
# "guest-nvme: stuck ..." lines, for a boot the host will kill. Passed
# without its comment lines (the kernel command line holds 2 KiB).
modprobe nvme || exit 20
(sleep 60; echo "guest-nvme: stuck: no read done after 60 s"
dmesg | grep -i "nvme\|dmar\|iommu\|timeout" | tail -n 20 | sed 's/^/guest-nvme: stuck: /'
grep nvme /proc/interrupts | sed 's/^/guest-nvme: stuck: /') &
w=$!
i=0
while [ ! -b /dev/nvme0n1 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
[ -b /dev/nvme0n1 ] || { echo "guest-nvme: no /dev/nvme0n1"; exit 21; }
n=$(blockdev --getsize64 /dev/nvme0n1)
s=$(dd if=/dev/nvme0n1 bs=1M 2>/tmp/dd | sha256sum | cut -d' ' -f1)
kill $w 2>/dev/null
set -- $(sed -n "s/^\([0-9]*\)+\([0-9]*\) records in/\1 \2/p" /tmp/dd)
b=$((${1:-0} * 1048576)) p=${2:-1}
echo "guest-nvme: sha256=$s bytes=$b"
awk '$NF ~ /^nvme[0-9]+q[0-9]+$/ { s = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break
	print "guest-nvme: irq " $NF " " s " |" $0; if (!s) z = 1; q++ }
	END { exit q < 2 || z }' /proc/interrupts
r=$?
echo "guest-nvme: msix vectors $(cat /sys/class/nvme/nvme0/device/msi_irqs/* | grep -c msix)"
echo "guest-nvme: read done"
[ "$b" = "$n" ] && [ "$p" = 0 ] || { echo "guest-nvme: read $b of $n bytes (+$p part)"; exit 22; }
[ $r = 0 ] || exit 23
