#!/usr/bin/env bash
# Query planning cost on a lake of many Iceberg tables: 50 tables of 20
# snapshots each (one append of 10 rows per snapshot, so 20 manifests per
# table, and _dlt_loads with 1,000), then the wall time of `SELECT 1` and of
# one-table queries through the lakeload command, process start included.
# A query plans only the tables it names, so neither should grow with the
# number of tables in the lake.
#
#   bench/query_planning.sh [BUILD_DIR]     (BUILD_DIR defaults to build)
#
# Environment: PLAN_TABLES (default 50), PLAN_SNAPSHOTS (default 20),
# BENCH_RUNS (runs per query, default 9; the median is printed with the
# fastest and slowest), BENCH_KEEP=1 keeps the temporary directory,
# PLAN_LAKE=DIR measures the lake DIR a kept run built (with the same
# PLAN_TABLES and PLAN_SNAPSHOTS) instead of building one, so two builds
# can be compared on one lake; building takes minutes.
# Prints the figures; RESULTS.md is written by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[[ -d $build ]] || { echo "bench: no build directory '$build'; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
tables=${PLAN_TABLES:-50}
snapshots=${PLAN_SNAPSHOTS:-20}
runs=${BENCH_RUNS:-9}
lakeload=$build/src/cli/lakeload
prss=$build/bench/peak_rss
tmp=$(mktemp -d "$build/bench-plan.XXXXXX")
[[ ${BENCH_KEEP:-} == 1 ]] || trap 'rm -rf "$tmp"' EXIT
export LAKELOAD_HOME=$tmp/home

lake=${PLAN_LAKE:-$tmp/lake}
# Builds the lake: one append per table and snapshot, snapshot by snapshot.
build_lake() {
	/usr/bin/python3 - "$tmp" "$snapshots" <<'PY'
import json, sys
tmp, snapshots = sys.argv[1], int(sys.argv[2])
for s in range(snapshots):
    with open(f"{tmp}/s{s}.ndjson", "w") as f:
        for i in range(10):
            f.write(json.dumps({"id": s * 10 + i, "snapshot": s, "amount": i * 1.5}) + "\n")
PY

	start=$(date +%s)
	for s in $(seq 0 $((snapshots - 1))); do
		for t in $(seq -w 0 $((tables - 1))); do
			"$lakeload" load "$tmp/s$s.ndjson" --lake "$lake" --dataset bench --table "t$t" \
				--table-format iceberg -q
		done
	done
	echo "lake: $tables Iceberg tables x $snapshots snapshots, built in $(($(date +%s) - start)) s"
}
if [[ -n ${PLAN_LAKE:-} ]]; then
	echo "lake: $lake ($tables Iceberg tables x $snapshots snapshots)"
else
	build_lake
fi

# Median (fastest .. slowest) of sorted numbers, one a line.
spread() { awk '{ v[NR] = $1 } END { printf "%6.1f (%.1f .. %.1f)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }

# Runs a query $runs times; prints its wall and CPU time in ms.
measure() { # name, sql, expected csv row
	local name=$1 sql=$2 want=$3 got
	got=$("$lakeload" query --lake "$lake" --format csv "$sql" | tail -1 | tr -d '\r')
	if [[ $got != "$want" ]]; then
		echo "bench: $name returned '$got', expected '$want'" >&2
		exit 1
	fi
	: >"$tmp/times"
	for _ in $(seq "$runs"); do
		"$prss" -o "$tmp/q.log" "$lakeload" query --lake "$lake" --format csv "$sql" >/dev/null
		sed -n 's/.*wall_s=\([0-9.]*\) user_s=\([0-9.]*\) sys_s=\([0-9.]*\).*/\1 \2 \3/p' \
			"$tmp/q.log" >>"$tmp/times"
	done
	# CPU time (user + sys) moves less than wall time on a machine shared with other work.
	local wall cpu
	wall=$(awk '{ print $1 * 1000 }' "$tmp/times" | sort -g | spread)
	cpu=$(awk '{ print ($2 + $3) * 1000 }' "$tmp/times" | sort -g | spread)
	printf '%-40s wall %s  cpu %s  (ms, %d runs)\n' "$name" "$wall" "$cpu" "$runs"
}

target=bench.t$(seq -w 0 $((tables - 1)) | tail -1)
measure "SELECT 1" "SELECT 1" "1"
measure "count(*) of one table" "SELECT count(*) FROM $target" "$((snapshots * 10))"
measure "filtered sum of one table" "SELECT sum(amount) FROM $target WHERE snapshot = 0" "67.5"
measure "count(*) of _dlt_loads ($((tables * snapshots)) snapshots)" \
	"SELECT count(*) FROM bench._dlt_loads" "$((tables * snapshots))"
