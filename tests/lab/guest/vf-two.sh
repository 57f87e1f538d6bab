# Guest side of vf-two: a VF with MAC 52:54:00:00:00:05 must sit at slot 5
# and one with 52:54:00:00:00:03 at slot 3; each binds igbvf and pings the PF
# on its own subnet (169.254.15.1 and 169.254.13.1).
for s in 05 03; do
	d=/sys/bus/pci/devices/0000:00:$s.0
	[ "$(cat $d/vendor 2>/dev/null):$(cat $d/device 2>/dev/null)" = 0x8086:0x10ca ] || { echo "guest-two: no VF at 00:$s.0"; ls /sys/bus/pci/devices; exit 10; }
	[ "$(basename "$(readlink $d/driver)")" = igbvf ] || { echo "guest-two: 00:$s.0 not on igbvf"; exit 11; }
	nd=$(ls $d/net | head -n1)
	mac=$(cat /sys/class/net/$nd/address)
	[ "$mac" = "52:54:00:00:00:$s" ] || { echo "guest-two: 00:$s.0 has MAC $mac"; exit 12; }
	ip addr add 169.254.1$((${s#0})).2/24 dev $nd
	ip link set $nd up
	i=0
	while [ "$(cat /sys/class/net/$nd/carrier)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	ping -c 3 -i 0.2 -W 3 -I $nd 169.254.1$((${s#0})).1 >/dev/null || { echo "guest-two: ping via $nd failed"; exit 13; }
	echo "guest-two: 00:$s.0 $nd $mac ping ok, $(grep -c "$nd" /proc/interrupts) MSI-X vectors"
done
