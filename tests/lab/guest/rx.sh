# Guest side of console-flood's input half: stop echoing console input, then
# keep running for 10 s while the host floods the console's input.
stty -F /dev/console -echo -icanon 2>/dev/null
s=$(cut -d' ' -f1 /proc/uptime)
( while :; do read up _ </proc/uptime; echo $up; sleep 0.1; done ) >/tmp/hb &
sleep 10
kill $!
echo "guest-rx: heartbeats=$(wc -l </tmp/hb) maxgap=$(awk 'NR > 1 { g = $1 - p; if (g > m) m = g } { p = $1 } END { printf "%.2f", m }' /tmp/hb)"
grep -i ttyS /proc/interrupts
