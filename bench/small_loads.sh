#!/usr/bin/env bash
# Small Iceberg loads and merge cost, the figures of the performance issue:
#
#   1. a 10-record load into an existing Iceberg table (the table and the
#      _dlt_* tables exist from earlier loads): median wall and CPU time of
#      SMALL_RUNS loads, process start included, and the fsync/fdatasync
#      calls of one such load (counted with strace when it is installed);
#   2. a merge of MERGE_CHANGED changed keys into a MERGE_ROWS-row Iceberg
#      table against a plain append of the same rows to the same table, each
#      MERGE_RUNS times from the same saved table, interleaved; prints the
#      medians and merge/append.
#
#   bench/small_loads.sh [BUILD_DIR]     (BUILD_DIR defaults to build)
#
# Environment: SMALL_RUNS (default 20), MERGE_ROWS (default 1000000),
# MERGE_CHANGED (default 10000), MERGE_RUNS (default 5; 0 skips part 2),
# BENCH_KEEP=1 keeps the temporary directory. Wall times on a machine shared
# with other work (and other disk traffic) move a lot; CPU time (user + sys)
# moves less. Prints the figures; RESULTS.md is written by hand. Exits 1 if
# a load fails or leaves the wrong rows.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[[ -d $build ]] || { echo "bench: no build directory '$build'; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
small_runs=${SMALL_RUNS:-20}
rows=${MERGE_ROWS:-1000000}
changed=${MERGE_CHANGED:-10000}
merge_runs=${MERGE_RUNS:-5}
lakeload=$build/src/cli/lakeload
prss=$build/bench/peak_rss
for tool in "$lakeload" "$prss"; do
	[[ -x $tool ]] || { echo "bench: $tool is not built" >&2; exit 1; }
done
tmp=$(mktemp -d "$build/bench-small.XXXXXX")
[[ ${BENCH_KEEP:-} == 1 ]] || trap 'rm -rf "$tmp"' EXIT
export LAKELOAD_HOME=$tmp/home

# Runs a command under peak_rss, appending "wall_ms cpu_ms" to the file $1.
timed() {
	local out=$1
	shift
	"$prss" -o "$tmp/run.log" "$@" >/dev/null
	sed -n 's/.*wall_s=\([0-9.]*\) user_s=\([0-9.]*\) sys_s=\([0-9.]*\).*/\1 \2 \3/p' "$tmp/run.log" |
		awk '{ printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000 }' >>"$out"
}

# Median of column $2 of file $1.
median() { awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
fastest() { awk -v c="$2" '{ print $c }' "$1" | sort -g | head -n 1; }

count() { # lake, sql: the query's one CSV value row
	"$lakeload" query --lake "$1" --format csv "$2" | tail -n 1 | tr -d '\r '
}

# fsyncs of the filesystem calls that make data durable, summed over threads.
count_syncs() {
	if ! command -v strace >/dev/null; then
		echo "not counted (strace not installed)"
		return
	fi
	strace -f -c -o "$tmp/strace.txt" -e trace=fsync,fdatasync,syncfs,sync_file_range "$@" >/dev/null
	awk '$NF ~ /^(fsync|fdatasync|syncfs|sync_file_range)$/ { n[$NF] = $4; total += $4 }
	     END { printf "%d (fsync %d, fdatasync %d)", total, n["fsync"], n["fdatasync"] }' \
		"$tmp/strace.txt"
}

printf 'machine: %s, %s cores, load average %s\n' \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(nproc)" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'lake on: %s\n' "$(df -PT "$tmp" | awk 'NR == 2 { print $2 " (" $1 ")" }')"

# --- 1. ten records into an existing Iceberg table -------------------------
/usr/bin/python3 - "$tmp/ten.ndjson" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(10):
        f.write(json.dumps({"id": i, "name": f"user {i}", "score": i * 1.5}) + "\n")
PY
small=("$lakeload" load "$tmp/ten.ndjson" --dataset bench --table events --lake "$tmp/small"
	--table-format iceberg -q)
"${small[@]}"
"${small[@]}"
: >"$tmp/small.times"
for _ in $(seq "$small_runs"); do
	timed "$tmp/small.times" "${small[@]}"
done
syncs=$(count_syncs "${small[@]}")
loaded=$(count "$tmp/small" "SELECT count(*) FROM bench.events")
expected=$((10 * (small_runs + 3)))
[[ $loaded == "$expected" ]] || { echo "bench: the table has $loaded rows, expected $expected" >&2; exit 1; }
printf '\n10-record Iceberg load into an existing table (%s runs):\n' "$small_runs"
printf '  wall  median %s ms, fastest %s ms\n' "$(median "$tmp/small.times" 1)" "$(fastest "$tmp/small.times" 1)"
printf '  cpu   median %s ms (user + sys)\n' "$(median "$tmp/small.times" 2)"
printf '  syncs %s per load\n' "$syncs"

# --- 2. merge against append -----------------------------------------------
((merge_runs > 0)) || exit 0
/usr/bin/python3 bench/merge_data.py "$tmp" "$rows" "$changed"
common=(--dataset bench --lake "$tmp/lake" --table-format iceberg -q)
"$lakeload" load "$tmp/table.ndjson" --table orders --write-disposition merge --primary-key id \
	"${common[@]}"
# Metadata holds absolute paths: each run restores the saved table at the same path.
cp -a "$tmp/lake" "$tmp/lake-saved"
cp -a "$tmp/home" "$tmp/home-saved"
restore() {
	rm -rf "$tmp/lake" "$tmp/home"
	cp -a "$tmp/lake-saved" "$tmp/lake"
	cp -a "$tmp/home-saved" "$tmp/home"
	# the copy's dirty pages are written out now, not inside the timed load
	find "$tmp/lake" "$tmp/home" -type f -exec sync {} +
}
: >"$tmp/merge.times"
: >"$tmp/append.times"
for _ in $(seq "$merge_runs"); do
	restore
	timed "$tmp/merge.times" "$lakeload" load "$tmp/changes.ndjson" --table orders \
		--write-disposition merge --primary-key id "${common[@]}"
	merged=$(count "$tmp/lake" "SELECT count(*), sum(amount >= 5000) FROM bench.orders")
	[[ $merged == "$rows,$changed" ]] || { echo "bench: merge left $merged (rows, changed rows)" >&2; exit 1; }
	restore
	timed "$tmp/append.times" "$lakeload" load "$tmp/changes.ndjson" --table orders "${common[@]}"
	appended=$(count "$tmp/lake" "SELECT count(*) FROM bench.orders")
	[[ $appended == $((rows + changed)) ]] || { echo "bench: append left $appended rows" >&2; exit 1; }
done
mw=$(median "$tmp/merge.times" 1) mc=$(median "$tmp/merge.times" 2)
aw=$(median "$tmp/append.times" 1) ac=$(median "$tmp/append.times" 2)
printf '\nmerge of %s changed keys into %s rows vs append of the same rows (%s runs each):\n' \
	"$changed" "$rows" "$merge_runs"
printf '  merge   wall median %s ms, cpu %s ms\n' "$mw" "$mc"
printf '  append  wall median %s ms, cpu %s ms\n' "$aw" "$ac"
awk -v mw="$mw" -v aw="$aw" -v mc="$mc" -v ac="$ac" \
	'BEGIN { printf "  merge/append: wall %.2fx, cpu %.2fx\n", mw / aw, mc / ac }'
