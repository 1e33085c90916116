#!/usr/bin/env bash
# Iceberg merge cost: merges 10,000 changed keys into a 1,000,000-row
# Iceberg table (dlt delete-insert as one snapshot with position deletes)
# and compares it with a plain append of the same rows to the same table
# (an append commit), in one run on one machine.
#
#   bench/iceberg_merge.sh [BUILD_DIR]     (BUILD_DIR defaults to build)
#
# Environment: MERGE_ROWS (table rows, default 1000000), MERGE_CHANGED
# (changed keys, default 10000), BENCH_KEEP=1 keeps the temporary directory.
# Prints seconds and peak RSS of each step; RESULTS.md is written by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[[ -d $build ]] || { echo "bench: no build directory '$build'; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
rows=${MERGE_ROWS:-1000000}
changed=${MERGE_CHANGED:-10000}
lakeload=$build/src/cli/lakeload
prss=$build/bench/peak_rss
tmp=$(mktemp -d "$build/bench-merge.XXXXXX")
[[ ${BENCH_KEEP:-} == 1 ]] || trap 'rm -rf "$tmp"' EXIT
export LAKELOAD_HOME=$tmp/home

/usr/bin/python3 bench/merge_data.py "$tmp" "$rows" "$changed"

# Runs a step under peak_rss and prints its wall time and peak memory.
step() { # name, command...
	local name=$1
	shift
	"$prss" -o "$tmp/step.log" "$@"
	local kib wall
	kib=$(sed -n 's/.*peak_rss_kib=\([0-9]*\).*/\1/p' "$tmp/step.log")
	wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$tmp/step.log")
	printf '%-36s %8s s %8s MiB\n' "$name" "$wall" "$((kib / 1024))"
}
common=(--dataset bench --lake "$tmp/lake" --table-format iceberg -q)

echo "table: $rows rows; changes: $changed keys"
step "initial load ($rows rows)" "$lakeload" load "$tmp/table.ndjson" --table orders \
	--write-disposition merge --primary-key id "${common[@]}"
cp -r "$tmp/lake" "$tmp/lake-before"
count() { "$lakeload" query --lake "$tmp/lake" --format csv "$1" | tail -1 | tr -d '\r '; }
step "merge of $changed changed keys" "$lakeload" load "$tmp/changes.ndjson" --table orders \
	--write-disposition merge --primary-key id "${common[@]}"
merged=$(count "SELECT count(*), sum(amount >= 5000) FROM bench.orders")
[[ $merged == "$rows,$changed" ]] || { echo "bench: merge left $merged (rows, changed rows)" >&2; exit 1; }
rm -rf "$tmp/lake" && mv "$tmp/lake-before" "$tmp/lake"
step "append of the same $changed rows" "$lakeload" load "$tmp/changes.ndjson" --table orders \
	"${common[@]}"
appended=$(count "SELECT count(*) FROM bench.orders")
[[ $appended == $((rows + changed)) ]] || { echo "bench: append left $appended rows" >&2; exit 1; }
