# Guest side of vf-mac-vlan: print the VF netdev's MAC, then check untagged
# traffic from the guest reaches 169.254.42.1 (a VLAN 42 interface on the
# host's PF) and not 169.254.43.1 (the PF's untagged interface).
# Exit codes: 10 no VF netdev, 13 VLAN ping failed, 15 untagged peer answered.
vf=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = 0x8086:0x10ca ] && vf=$d && break
done
nd=$(ls $vf/net 2>/dev/null | head -n1)
[ -n "$nd" ] || { echo "guest-vlan: no VF netdev"; exit 10; }
echo "guest-vlan: netdev=$nd mac=$(cat /sys/class/net/$nd/address)"
ip addr add 169.254.42.2/16 dev $nd
ip link set $nd up
i=0
while [ "$(cat /sys/class/net/$nd/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
ping -c 3 -i 0.2 -W 3 169.254.42.1 || { echo "guest-vlan: VLAN peer unreachable"; exit 13; }
echo "guest-vlan: VLAN 42 peer answered"
if ping -c 2 -i 0.2 -W 2 169.254.43.1; then
	echo "guest-vlan: the untagged peer answered"; exit 15
fi
echo "guest-vlan: untagged peer silent"
