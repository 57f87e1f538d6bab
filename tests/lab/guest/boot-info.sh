# Guest side of the boot scenario: report what the guest sees.
echo "guest-info: cpus=$(grep -c ^processor /proc/cpuinfo)"
echo "guest-info: memtotal_kib=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
echo "guest-info: $(dmesg | grep -m1 'Memory: ')"
echo "guest-info: clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "guest-info: e820 $(dmesg | grep -c 'BIOS-e820')"
dmesg | grep -i -E "smp: Brought up|ACPI: (FACP|APIC|DSDT)|ttyS0 at|kvm-clock" | head -n 8
