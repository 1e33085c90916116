#!/usr/bin/env bash
# Iceberg compaction: the cost of a merge into a table that earlier merges
# left full of delete files, without compaction, with the compaction merges
# do by themselves ([load] compact_after_delete_files, default 16), and
# after `lakeload optimize`; in one run on one machine.
#
#   bench/iceberg_compact.sh [BUILD_DIR]     (BUILD_DIR defaults to build)
#
# Environment: COMPACT_ROWS (table rows, default 200000), COMPACT_CHANGED
# (keys each merge changes, default 20000), COMPACT_MERGES (merges before the
# measured one, default 31), BENCH_KEEP=1 keeps the temporary directory.
# Prints each measured step's seconds and the table's file counts;
# RESULTS.md is written by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[[ -d $build ]] || { echo "bench: no build directory '$build'; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
rows=${COMPACT_ROWS:-200000}
changed=${COMPACT_CHANGED:-20000}
merges=${COMPACT_MERGES:-31}
lakeload=$build/src/cli/lakeload
prss=$build/bench/peak_rss
tmp=$(mktemp -d "$build/bench-compact.XXXXXX")
[[ ${BENCH_KEEP:-} == 1 ]] || trap 'rm -rf "$tmp"' EXIT
export LAKELOAD_HOME=$tmp/home

/usr/bin/python3 - "$tmp" "$rows" "$changed" "$merges" <<'PY'
import json, random, sys
tmp, rows, changed, merges = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def row(i, amount):
    return json.dumps({"id": i, "user_id": i % 9973, "amount": amount, "note": f"order {i}"})
with open(f"{tmp}/table.ndjson", "w") as f:
    for i in range(rows):
        f.write(row(i, i % 1000) + "\n")
rng = random.Random(1)
for m in range(merges + 1):
    with open(f"{tmp}/merge{m}.ndjson", "w") as f:
        for k in rng.sample(range(rows), changed):
            f.write(row(k, 5000 + m) + "\n")
PY

step() { # name, command...
	local name=$1
	shift
	"$prss" -o "$tmp/step.log" "$@"
	printf '%-44s %8s s\n' "$name" "$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$tmp/step.log")"
}
files() { # table: data and delete files of the current snapshot
	/usr/bin/python3 - "$tmp/lake/catalog.db" "$1" <<'PY'
import json, sqlite3, sys
loc = sqlite3.connect(sys.argv[1]).execute(
    "SELECT metadata_location FROM iceberg_tables WHERE table_name = ?", (sys.argv[2],)).fetchone()[0]
md = json.load(open(loc[len("file://"):] if loc.startswith("file://") else loc))
s = [s for s in md["snapshots"] if s["snapshot-id"] == md["current-snapshot-id"]][0]["summary"]
print(f"{s['total-data-files']} data files, {s['total-delete-files']} delete files")
PY
}
load() { # table, file, compaction setting
	LOAD__COMPACT_AFTER_DELETE_FILES=$3 "$lakeload" load "$2" --table "$1" --dataset bench \
		--lake "$tmp/lake" --table-format iceberg --write-disposition merge --primary-key id -q
}

echo "table: $rows rows; $merges merges of $changed changed keys, then one more measured"
for t in plain auto; do
	load "$t" "$tmp/table.ndjson" 0
	for m in $(seq 0 $((merges - 1))); do
		load "$t" "$tmp/merge$m.ndjson" "$([[ $t == auto ]] && echo 16 || echo 0)"
	done
done
echo "without compaction: $(files plain)"
echo "compacting past 16 delete files: $(files auto)"
cp -r "$tmp/lake" "$tmp/lake-before"
step "merge, no compaction" env LOAD__COMPACT_AFTER_DELETE_FILES=0 "$lakeload" load \
	"$tmp/merge$merges.ndjson" --table plain --dataset bench --lake "$tmp/lake" \
	--table-format iceberg --write-disposition merge --primary-key id -q
step "merge, compacted by earlier merges" env LOAD__COMPACT_AFTER_DELETE_FILES=0 "$lakeload" load \
	"$tmp/merge$merges.ndjson" --table auto --dataset bench --lake "$tmp/lake" \
	--table-format iceberg --write-disposition merge --primary-key id -q
rm -rf "$tmp/lake" && mv "$tmp/lake-before" "$tmp/lake"
step "optimize of the uncompacted table" "$lakeload" optimize bench.plain --lake "$tmp/lake" -q
echo "after optimize: $(files plain)"
step "merge after optimize" env LOAD__COMPACT_AFTER_DELETE_FILES=0 "$lakeload" load \
	"$tmp/merge$merges.ndjson" --table plain --dataset bench --lake "$tmp/lake" \
	--table-format iceberg --write-disposition merge --primary-key id -q
count=$("$lakeload" query --lake "$tmp/lake" --format csv \
	"SELECT count(*), count(DISTINCT id) FROM bench.plain" | tail -1 | tr -d '\r')
[[ $count == "$rows,$rows" ]] || { echo "bench: table has $count rows, want $rows" >&2; exit 1; }
