# Guest side of guest-abuse (runs in the guest image via tv.script, with
# tv.coldplug=0: the VF has no driver). Finds the 82576 VF (8086:10ca) and
# runs /usr/bin/abuse (tests/lab/guest/abuse.c) on it and on the host bridge
# for ${ABUSE_SECS} s from seed ${ABUSE_SEED}, then prints
# "guest-abuse: done rc=<status>" and waits to be stopped.
vf=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = 0x8086:0x10ca ] && vf=$d && break
done
[ -n "$vf" ] || { echo "guest-abuse: no 8086:10ca device"; exit 10; }
abuse ${ABUSE_SEED} ${ABUSE_SECS} $(basename $vf) 0000:00:00.0
echo "guest-abuse: done rc=$?"
sleep 600
