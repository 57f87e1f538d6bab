# Guest side of the VF traffic checks (runs in the guest image via tv.script).
# Finds the 82576 VF (8086:10ca), checks igbvf bound it, pings the PF at
# 169.254.10.1 and checks the VF's MSI-X interrupt counts rose.
# Prints "guest-vf: slot=<pci address> netdev=<name>". Exit codes: 10 no VF,
# 11 wrong driver, 12 no netdev, 13 ping failed, 14 no MSI-X interrupts.
vf=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = 0x8086:0x10ca ] && vf=$d && break
done
[ -n "$vf" ] || { echo "guest-vf: no 8086:10ca device"; ls /sys/bus/pci/devices; exit 10; }
drv=$(basename "$(readlink $vf/driver)")
[ "$drv" = igbvf ] || { echo "guest-vf: driver is '$drv', not igbvf"; exit 11; }
nd=$(ls $vf/net 2>/dev/null | head -n1)
[ -n "$nd" ] || { echo "guest-vf: igbvf has no netdev"; exit 12; }
echo "guest-vf: slot=$(basename $vf) netdev=$nd"
ip addr add 169.254.10.2/24 dev $nd
ip link set $nd up
i=0
while [ "$(cat /sys/class/net/$nd/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
irqs() { awk -v n="$nd" '$NF ~ n { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break } END { print s + 0 }' /proc/interrupts; }
b=$(irqs)
ping -c ${PINGS:-3} -i 0.2 -W 3 169.254.10.1 || { echo "guest-vf: ping failed"; exit 13; }
a=$(irqs)
grep "$nd" /proc/interrupts
echo "guest-vf: msix interrupts before=$b after=$a"
[ "$a" -gt "$b" ] || exit 14
