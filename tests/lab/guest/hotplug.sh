# Guest side of the hotplug scenarios: boots with no VF, waits for one at
# slot ${SLOT:-06}, loads igbvf, pings the PF (MSI-X counts must rise), then
# waits until the device is removed again (with EJ set: ejects it itself)
# and checks the kernel's PCI list (/proc/bus/pci/devices, which had it)
# no longer has it; with HOLD set it then stays up (for checks while the VM
# runs) instead of exiting. The guest image has no lspci.
# Exit codes: 10 no VF added, 11 not on igbvf, 13 ping failed, 14 no MSI-X,
# 15 never removed, 16 still in /proc/bus/pci, 17 not there when added.
s=${SLOT:-06};d=/sys/bus/pci/devices/0000:00:$s.0
echo hp: up
i=0;while [ ! -e $d/driver ]&&[ $i -lt 1200 ];do [ -e $d ]&&modprobe -q igbvf;sleep .1;i=$((i+1));done
[ -e $d ]||{ echo hp: no VF at $s;ls /sys/bus/pci/devices;exit 10;}
x=00$(printf %02x $((0x$s*8)));grep -q "^$x" /proc/bus/pci/devices||{ echo hp: no VF $x in /proc/bus/pci;exit 17;}
r=$(readlink $d/driver);[ "${r##*/}" = igbvf ]||{ echo "hp: driver '$r'";exit 11;}
n=$(ls $d/net);echo "hp: added slot=$s $(cat $d/vendor):$(cat $d/device) netdev=$n after $i"
ip a add 169.254.10.2/24 dev $n;ip l set $n up
i=0;while [ "$(cat /sys/class/net/$n/carrier)" != 1 ]&&[ $i -lt 100 ];do sleep .1;i=$((i+1));done
q(){ awk -v n=$n '$NF~n{for(i=2;i<=NF;i++)if($i~/^[0-9]+$/)s+=$i;else break}END{print s+0}' /proc/interrupts;}
b=$(q);ping -c3 -i.2 -W3 169.254.10.1||exit 13;a=$(q)
echo "hp: ping-ok msix before=$b after=$a";[ $a -gt $b ]||exit 14
[ -n "$EJ" ]&&echo 0 >/sys/bus/pci/slots/${s#0}/power
i=0;while [ -e $d ]&&[ $i -lt 1200 ];do sleep .1;i=$((i+1));done
[ -e $d ]&&{ echo hp: not removed;exit 15;}
grep -q "^$x" /proc/bus/pci/devices&&{ echo hp: still in /proc/bus/pci;exit 16;}
echo "hp: removed after $i";[ -n "$HOLD" ]&&sleep 600;exit 0
