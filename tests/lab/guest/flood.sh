# Guest side of console-flood: write FLOOD_KB KiB of '#' to the console while
# a heartbeat records the guest's progress every 100 ms, then report the
# longest gap between heartbeats (a stalled vCPU would show up as a gap).
kb=@FLOOD_KB@
( while :; do read up _ </proc/uptime; echo $up; sleep 0.1; done ) >/tmp/hb &
hb=$!
start=$(cut -d' ' -f1 /proc/uptime)
head -c $((kb * 1024)) /dev/zero | tr '\0' '#' >/dev/console
end=$(cut -d' ' -f1 /proc/uptime)
kill $hb
echo
echo "guest-flood: wrote $kb KiB in $(awk -v s=$start -v e=$end 'BEGIN { printf "%.2f", e - s }') s"
echo "guest-flood: heartbeats=$(wc -l </tmp/hb) maxgap=$(awk 'NR > 1 { g = $1 - p; if (g > m) m = g } { p = $1 } END { printf "%.2f", m }' /tmp/hb)"
