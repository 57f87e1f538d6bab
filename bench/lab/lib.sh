# bench/lab/lib.sh: what the boot benchmarks share. bench/boot puts it into
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
# median NAME KEY: the median of field KEY over the runs of NAME (-1 when none)
median() {
	sed -n "s/.*$2=\([-0-9.]*\).*/\1/p" "/tmp/$1.res" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) print -1; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# ratio A B: A/B to two places, or n/a when either is missing
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'
}
