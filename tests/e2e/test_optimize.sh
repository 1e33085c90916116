#!/usr/bin/env bash
# optimize: after 20 merges a partitioned Iceberg table and its child table
# hold one data file per partition and no delete files, with the same rows
# row for row (icebird, an independent reader, before and after); the new
# files keep their partition; the snapshot before optimize still reads;
# --where rewrites only the files holding matching rows; --target-size sizes
# the new files; a second optimize
# changes nothing; a commit made while optimize runs (an append, a delete of
# rows being rewritten) is kept and deleted rows stay deleted, and a merge
# that loses its race to optimize still merges correctly.
source "$(dirname "$0")/iceberg_lib.sh"

gen() { # round first last [with_items]
	/usr/bin/python3 - "$@" <<'PY'
import json, sys
k, first, last = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
items = len(sys.argv) > 4
for i in range(first, last + 1):
    r = {"id": i, "cat": f"c{i % 3}", "amount": k * 1000 + i}
    if items:
        r["items"] = [{"x": i}, {"x": k}]
    print(json.dumps(r))
PY
}
# compaction after merges off: optimize is what this test is about
merge() { # table file [load options]
	local table=$1 file=$2
	shift 2
	LOAD__COMPACT_AFTER_DELETE_FILES=0 ll load "$file" --dataset shop --table "$table" --table-format iceberg \
		--write-disposition merge --primary-key id "$@" --lake "$LAKE" -q
}
# the live data files of the current snapshot, one path a line
live_files() {
	/usr/bin/python3 - "$(metadata_of "$1")" <<'PY'
import json, sys
from avro.datafile import DataFileReader
from avro.io import DatumReader
def local(p): return p[len("file://"):] if p.startswith("file://") else p
md = json.load(open(sys.argv[1]))
s = [s for s in md["snapshots"] if s["snapshot-id"] == md["current-snapshot-id"]][0]
for m in DataFileReader(open(local(s["manifest-list"]), "rb"), DatumReader()):
    for e in DataFileReader(open(local(m["manifest_path"]), "rb"), DatumReader()):
        if e["status"] != 2 and e["data_file"]["content"] == 0:
            print(local(e["data_file"]["file_path"]))
PY
}
operation() { summary "$1" operation; }

# ---------------------------------------------------------------- 20 merges
for k in $(seq 1 20); do
	gen "$k" 1 30 items > "$T/m$k.ndjson"
	merge orders "$T/m$k.ndjson" --partition cat
done
deletes_before=$(summary orders total-delete-files)
[[ $deletes_before -ge 20 ]] && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL merges left delete files: $deletes_before" >&2; }
want=$(q 'SELECT count(*), sum(amount) FROM shop.orders')
want_rows=$(rows orders)
want_items=$(rows orders__items)
old_meta=$(metadata_of orders)

out=$(ll optimize shop.orders --lake "$LAKE" 2>&1)
check_contains "optimize reports both tables" "$out" "in 2 tables"
check_eq "one data file per partition" "$(summary orders total-data-files)" "3"
check_eq "no delete files left" "$(summary orders total-delete-files)" "0"
check_eq "child table: one data file" "$(summary orders__items total-data-files)" "1"
check_eq "child table: no delete files" "$(summary orders__items total-delete-files)" "0"
check_eq "the snapshot is a replace" "$(operation orders)" "replace"
check_eq "rows per lakeload" "$(q 'SELECT count(*), sum(amount) FROM shop.orders')" "$want"
check_eq "rows per icebird, row for row" "$(rows orders)" "$want_rows"
check_eq "child rows per icebird, row for row" "$(rows orders__items)" "$want_items"
check_eq "30 live rows" "$(echo "$want_rows" | wc -l)" "30"
for c in c0 c1 c2; do
	check_eq "partition $c: one live file, in its folder" \
		"$(live_files orders | grep -c "/data/cat=$c/")" "1"
	check_eq "partition $c: file holds only its rows" \
		"$(duck "SELECT DISTINCT cat FROM read_parquet('$(live_files orders | grep "/data/cat=$c/")')")" "$c"
done
check_eq "the snapshot before optimize still reads" "$(rows_at "$old_meta")" "$want_rows"

snaps=$(ll history shop.orders --lake "$LAKE" | wc -l)
out=$(ll optimize shop.orders --lake "$LAKE" 2>&1)
check_contains "second optimize has nothing to do" "$out" "rewrote 0 data files into 0"
check_eq "second optimize commits nothing" "$(ll history shop.orders --lake "$LAKE" | wc -l)" "$snaps"

# a child table optimized by its own name: only it changes
for k in 21 22; do
	gen "$k" 1 30 items > "$T/m$k.ndjson"
	merge orders "$T/m$k.ndjson" --partition cat
done
want_items=$(rows orders__items)
ll optimize shop.orders__items --lake "$LAKE" -q
check_eq "child by name: no delete files left" "$(summary orders__items total-delete-files)" "0"
check_eq "child by name: rows unchanged" "$(rows orders__items)" "$want_items"
check_eq "child by name: the root is left alone" "$(operation orders)" "overwrite"

# ---------------------------------------------------------------- --where
for k in 1 2 3; do
	gen "$k" $((k * 10)) $((k * 10 + 8)) > "$T/e$k.ndjson"
	ll load "$T/e$k.ndjson" --dataset shop --table events --table-format iceberg --partition cat \
		--lake "$LAKE" -q
done
c1_before=$(live_files events | grep "/cat=c1/" | sort)
want_events=$(rows events)
ll optimize shop.events --where "cat = 'c0'" --lake "$LAKE" -q
check_eq "--where: the matching partition is compacted" "$(live_files events | grep -c "/cat=c0/")" "1"
check_eq "--where: other files untouched" "$(live_files events | grep "/cat=c1/" | sort)" "$c1_before"
check_eq "--where: rows unchanged" "$(rows events)" "$want_events"
# rows 13 and 22 are in two of the three files of partition c1: those two become one
ll optimize shop.events --where "id IN (13, 22)" --lake "$LAKE" -q
check_eq "--where by rows: only the files holding them are compacted" \
	"$(live_files events | grep -c "/cat=c0/")/$(live_files events | grep -c "/cat=c1/")/$(live_files events | grep -c "/cat=c2/")" "1/2/3"
check_eq "--where by rows: rows unchanged" "$(rows events)" "$want_events"

# ---------------------------------------------------------------- --target-size
# three files of about 16 KB each (random text): small against 32KiB, and written
# back as files of about 32 KiB, so two of them
for k in 1 2 3; do
	/usr/bin/python3 -c "
import json, random
rng = random.Random($k)
for i in range($k * 1000, $k * 1000 + 300):
    print(json.dumps({'id': i, 'note': '%032x' % rng.getrandbits(128)}))" > "$T/s$k.ndjson"
	ll load "$T/s$k.ndjson" --dataset shop --table sized --table-format iceberg --lake "$LAKE" -q
done
want_sized=$(rows sized)
ll optimize shop.sized --target-size 32KiB --lake "$LAKE" -q
check_eq "--target-size: three small files become two of about that size" \
	"$(summary sized total-data-files)" "2"
check_eq "--target-size: rows unchanged" "$(rows sized)" "$want_sized"

# ---------------------------------------------------------------- concurrent commits
for k in 1 2 3; do
	gen "$k" 1 12 > "$T/c$k.ndjson"
	merge conc "$T/c$k.ndjson"
done
want_conc=$(q 'SELECT count(*), sum(amount) FROM shop.conc')
mkdir "$T/p1"
LAKELOAD_PAUSEPOINT="iceberg_before_swap:$T/p1" ll optimize shop.conc --lake "$LAKE" -q &
pid=$!
while [[ ! -e $T/p1/reached ]] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
check_eq "paused before its compare-and-swap (p1)" "$([[ -e $T/p1/reached ]] && echo yes)" "yes"
gen 9 100 104 > "$T/append.ndjson"
ll load "$T/append.ndjson" --dataset shop --table conc --table-format iceberg --lake "$LAKE" -q
touch "$T/p1/go"
wait "$pid" && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL optimize over a concurrent append" >&2; }
check_eq "concurrent append kept" "$(q 'SELECT count(*) FROM shop.conc WHERE id >= 100')" "5"
check_eq "rows: the merged ones and the appended ones" \
	"$(q 'SELECT count(*), sum(amount) FROM shop.conc WHERE id < 100')" "$want_conc"
check_eq "optimize went on top of the append" "$(operation conc)" "replace"
check_eq "no delete files after" "$(summary conc total-delete-files)" "0"
check_eq "icebird agrees" "$(rows conc | wc -l)" "17"

gen 4 1 12 > "$T/c4.ndjson"
merge conc "$T/c4.ndjson"
mkdir "$T/p2"
LAKELOAD_PAUSEPOINT="iceberg_before_swap:$T/p2" ll optimize shop.conc --lake "$LAKE" -q &
pid=$!
while [[ ! -e $T/p2/reached ]] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
check_eq "paused before its compare-and-swap (p2)" "$([[ -e $T/p2/reached ]] && echo yes)" "yes"
ll delete shop.conc --where "id = 5" --lake "$LAKE" -q
touch "$T/p2/go"
wait "$pid" && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL optimize over a concurrent delete" >&2; }
check_eq "a row deleted meanwhile stays deleted" "$(q 'SELECT count(*) FROM shop.conc WHERE id = 5')" "0"
check_eq "the other rows are there" "$(q 'SELECT count(*) FROM shop.conc')" "16"
check_eq "icebird agrees after the redone rewrite" "$(rows conc | grep -c '"id": "5"}' || true)" "0"
check_eq "optimize committed last" "$(operation conc)" "replace"

# a merge that loses its race to optimize computes its deletes again on the new files
gen 9 200 201 > "$T/append2.ndjson"
ll load "$T/append2.ndjson" --dataset shop --table conc --table-format iceberg --lake "$LAKE" -q
gen 5 1 12 > "$T/c5.ndjson"
mkdir "$T/p3"
LAKELOAD_PAUSEPOINT="iceberg_before_swap:$T/p3" merge conc "$T/c5.ndjson" &
pid=$!
while [[ ! -e $T/p3/reached ]] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
check_eq "paused before its compare-and-swap (p3)" "$([[ -e $T/p3/reached ]] && echo yes)" "yes"
out=$(ll optimize shop.conc --lake "$LAKE" 2>&1)
check_contains "optimize under a paused merge" "$out" "in 1 table"
touch "$T/p3/go"
wait "$pid" && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL merge after a concurrent optimize" >&2; }
check_eq "the merge replaced every merged row once" \
	"$(q 'SELECT count(*), count(DISTINCT id), sum(amount) FROM shop.conc WHERE id < 100')" "12,12,60078"
check_eq "the appended rows are still there" "$(q 'SELECT count(*) FROM shop.conc WHERE id >= 100')" "7"
check_eq "icebird agrees after the merge" "$(rows conc | wc -l)" "19"

# ---------------------------------------------------------------- refusals
gen 1 1 3 > "$T/h.ndjson"
ll load "$T/h.ndjson" --dataset shop --table plain --lake "$LAKE" -q
expect_failure "hive has no optimize" ll optimize shop.plain --lake "$LAKE"
check_contains "hive message" "$ERR" "not an Iceberg table"
expect_failure "bad size" ll optimize shop.orders --target-size 5x --lake "$LAKE"
check_contains "size message" "$ERR" "128MiB"
out=$(ll optimize --help 2>&1)
check_contains "optimize --help documents children" "$out" "child tables"

finish
