# bench/host-load.sh: sourced by the bench/ commands (bash). The lab is
# nested under TCG, so whatever else runs on this host skews its figures,
# even at nice 19: two fuzzers at nice 19 on a 2-CPU host made tinyvmm's
# 1 GiB DMA map take 10-16 s instead of 7-8 s. So each benchmark says how
# much CPU time other processes took while it ran, and warns past 5%.
#
#   bench_load_start         before the lab run
#   bench_run COMMAND...     the lab run, as a child this shell waits for, so
#                            that its CPU time counts as the benchmark's own;
#                            TERM, INT and HUP sent to the bench reach it
#   bench_load_report NAME   after it: one line, and a warning if the host was busy

# "BUSY STEAL": ticks (USER_HZ) all CPUs spent busy so far, and stolen by the hypervisor
bench_cpu_ticks() {
	local cpu user nice system idle iowait irq softirq steal rest
	read -r cpu user nice system idle iowait irq softirq steal rest </proc/stat
	echo $((user + nice + system + irq + softirq)) $((steal))
}
# ticks this shell's waited-for children used so far (their children included):
# cutime and cstime, fields 16 and 17 of /proc/PID/stat (13 and 14 after the name)
bench_child_ticks() {
	local stat
	stat=$(cat "/proc/$$/stat")
	set -- ${stat##*) }
	echo $((${14} + ${15}))
}

bench_load_start() {
	read -r bench_busy0 bench_steal0 < <(bench_cpu_ticks)
	bench_child0=$(bench_child_ticks)
	bench_t0=$(cut -d' ' -f1 /proc/uptime)
}

bench_run() {
	local rc=0
	"$@" &
	bench_child=$!
	# without job control a background child ignores SIGINT: pass TERM on
	trap 'kill -TERM $bench_child 2>/dev/null || true' TERM INT HUP
	wait $bench_child || rc=$?
	while kill -0 $bench_child 2>/dev/null; do # a trapped signal ended the wait
		rc=0
		wait $bench_child || rc=$?
	done
	trap - TERM INT HUP
	return $rc
}

bench_load_report() {
	local busy steal child secs ncpu hz
	read -r busy steal < <(bench_cpu_ticks)
	child=$(bench_child_ticks)
	secs=$(awk -v t0="$bench_t0" '{ print $1 - t0 }' /proc/uptime)
	ncpu=$(grep -c '^cpu[0-9]' /proc/stat) # the CPUs /proc/stat's total covers
	hz=$(getconf CLK_TCK)
	awk -v name="$1" -v other=$((busy - bench_busy0 - (child - bench_child0))) \
		-v steal=$((steal - bench_steal0)) -v secs="$secs" -v ncpu="$ncpu" -v hz="$hz" 'BEGIN {
		if (other < 0) other = 0 # the two counters are read a tick apart
		cap = secs * ncpu * hz
		pct = cap > 0 ? other * 100 / cap : 0
		spct = cap > 0 ? steal * 100 / cap : 0
		printf "%s: other processes on this host used %.1f CPU-s in the %.0f s run (%.1f%% of its %d CPUs); %.1f%% stolen by the hypervisor\n", name, other / hz, secs, pct, ncpu, spct
		if (pct > 5 || spct > 5)
			printf "%s: warning: the host was not idle, so these figures are skewed (the lab is nested under TCG): rerun with nothing else running\n", name
	}'
}
