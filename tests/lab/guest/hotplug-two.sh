# Guest side of hotplug-two: VFs are hot-added at slots 5 and 3; each binds
# igbvf and pings the PF on its own subnet (169.254.15.1, 169.254.13.1).
# Then the one at slot 3 is removed and the one at slot 5 must still ping.
echo hp: up
for s in 05 03;do d=/sys/bus/pci/devices/0000:00:$s.0
i=0;while [ ! -e $d/net ]&&[ $i -lt 900 ];do [ -e $d ]&&modprobe -q igbvf;sleep .1;i=$((i+1));done
n=$(ls $d/net 2>/dev/null);[ -n "$n" ]||{ echo two: no VF at $s;ls /sys/bus/pci/devices;exit 10;}
eval n$s=$n;ip a add 169.254.1${s#0}.2/24 dev $n;ip l set $n up;done
p(){ i=0;while [ "$(cat /sys/class/net/$1/carrier)" != 1 ]&&[ $i -lt 100 ];do sleep .1;i=$((i+1));done;ping -c3 -i.2 -W3 -I $1 169.254.1$2.1 >/dev/null;}
p $n05 5||exit 13;p $n03 3||exit 14;echo two: both ok $n05 $n03
d=/sys/bus/pci/devices/0000:00:03.0;i=0;while [ -e $d ]&&[ $i -lt 900 ];do sleep .1;i=$((i+1));done
[ -e $d ]&&{ echo two: 03 not removed;exit 15;}
p $n05 5||{ echo two: 05 ping failed after the remove;exit 16;};echo two: 05 still ok;exit 0
