# Guest side of hotplug-cycle: N (${N:-10}) times, wait for the VF at slot 6,
# let igbvf bind, ping the PF 3 times, print "hp: cycle K ok", then wait for
# the VF to be removed. After N cycles it waits to be stopped (so the host
# measures a running VM); exit 10+K when cycle K failed.
d=/sys/bus/pci/devices/0000:00:06.0;echo hp: up;k=1
while [ $k -le ${N:-10} ];do
i=0;while [ ! -e $d/net ]&&[ $i -lt 900 ];do [ -e $d ]&&modprobe -q igbvf;sleep .1;i=$((i+1));done
n=$(ls $d/net 2>/dev/null);[ -n "$n" ]||{ echo hp: cycle $k no VF;exit $((10+k));}
ip a add 169.254.10.2/24 dev $n;ip l set $n up
i=0;while [ "$(cat /sys/class/net/$n/carrier)" != 1 ]&&[ $i -lt 100 ];do sleep .1;i=$((i+1));done
ping -c3 -i.2 -W3 169.254.10.1 >/dev/null||{ echo hp: cycle $k ping failed;exit $((10+k));}
echo hp: cycle $k ok
i=0;while [ -e $d ]&&[ $i -lt 900 ];do sleep .1;i=$((i+1));done
[ -e $d ]&&{ echo hp: cycle $k not removed;exit $((10+k));}
k=$((k+1));done;echo hp: cycles done;sleep 120;exit 0
