# bench/lab/lib.sh: what the benchmarks share. bench/boot and bench/vf put it into
# the lab script after its ". $LAB_LIB" line (the lab host gets one file).

# run_set NAME COMMAND...: RUNS boots to the marker with markertime, each
# result line appended to /tmp/NAME.res
run_set() {
	name=$1
	shift
	i=1
	: >"/tmp/$name.res"
	while [ $i -le "$RUNS" ]; do
		markertime -g $MEM -t 240 -o "/tmp/$name.$i.log" -- "$@" >>"/tmp/$name.res"
		echo "run $name #$i: $(tail -n1 "/tmp/$name.res")"
		i=$((i + 1))
	done
}
# interleave NAME...: RUNS rounds, each booting every named set once in the
# order given, so every VMM meets the same lab noise (the lab is nested
# under TCG and its speed drifts). Set NAME's command is the variable
# CMD_NAME (words; quotes for a word with spaces). Results as run_set's.
interleave() {
	sets=$*
	for n in $sets; do : >"/tmp/$n.res"; done
	i=1
	while [ $i -le "$RUNS" ]; do
		for n in $sets; do
			eval "cmd=\$CMD_$n"
			eval "set -- $cmd"
			markertime -g $MEM -t 240 -o "/tmp/$n.$i.log" -- "$@" >>"/tmp/$n.res"
			echo "round $i $n: $(tail -n1 "/tmp/$n.res")"
		done
		i=$((i + 1))
	done
}
# pair_ratio A B KEY [KEY_B]: A/B of field KEY (of B: KEY_B, default KEY)
# round by round (the runs of one round paired); "median (min-max, N pairs)",
# or n/a when no pair has both values
pair_ratio() {
	sed -n "s/.*$3=\([-0-9.]*\).*/\1/p" "/tmp/$1.res" >/tmp/pr.a
	sed -n "s/.*${4:-$3}=\([-0-9.]*\).*/\1/p" "/tmp/$2.res" >/tmp/pr.b
	paste -d' ' /tmp/pr.a /tmp/pr.b | awk '$1 > 0 && $2 > 0 { print $1 / $2 }' | sort -n |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "n/a"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.2f (%.2f-%.2f, %d pairs)", m, v[1], v[NR], NR }'
}
# median NAME KEY: the median of field KEY over the runs of NAME (-1 when none)
median() {
	sed -n "s/.*$2=\([-0-9.]*\).*/\1/p" "/tmp/$1.res" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) print -1; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# ratio A B: A/B to two places, or n/a when either is missing
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'
}
