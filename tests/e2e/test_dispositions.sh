#!/usr/bin/env bash
# Write dispositions on hive tables: append adds, replace swaps the whole
# table tree in one commit (old files deleted only afterwards), merge falls
# back to append with a warning.
source "$(dirname "$0")/lib.sh"
EX="$LL_SOURCE_DIR/examples/events.ndjson"
L() { ll load "$@" --dataset shop --table events --lake "$LAKE" -q; }

L "$EX"
L "$EX"
check_eq "append twice" "$(q 'SELECT count(*) FROM shop.events')" "120"
check_eq "two loads" "$(q 'SELECT count(*) FROM shop._dlt_loads')" "2"
old_files=$(find "$LAKE/shop/events" -name '*.parquet' | sort)

head -10 "$EX" > "$T/ten.ndjson"
L "$T/ten.ndjson" --write-disposition replace
check_eq "replace" "$(q 'SELECT count(*) FROM shop.events')" "10"
check_eq "replace via duckdb" "$(duck "SELECT count(*) FROM $(files_of shop events)")" "10"
items=$(/usr/bin/python3 -c "import json; print(sum(len(json.loads(l).get('items',[])) for l in open('$T/ten.ndjson')))")
check_eq "replace child table" "$(q 'SELECT count(*) FROM shop.events__items')" "$items"
gone=0
for f in $old_files; do [[ -e $f ]] || gone=$((gone + 1)); done
check_eq "replaced files deleted" "$gone" "$(echo "$old_files" | wc -l)"
check_eq "dlt tables are never replaced" "$(q 'SELECT count(*) FROM shop._dlt_loads')" "3"

# a replace whose data has no items empties the child table too
grep -v '"items"' "$EX" | head -3 > "$T/noitems.ndjson"
L "$T/noitems.ndjson" --write-disposition replace
check_eq "replace empties child tables" "$(q 'SELECT count(*) FROM shop.events__items')" "0"

out=$(ll load "$T/ten.ndjson" --dataset shop --table events --lake "$LAKE" --write-disposition merge --primary-key id 2>&1)
check_contains "merge falls back with a warning" "$out" "falls back to append"
check_eq "merge appended" "$(q 'SELECT count(*) FROM shop.events')" "13"

expect_failure "bad disposition" ll load "$T/ten.ndjson" --dataset shop --table events --lake "$LAKE" --write-disposition upsert
check_contains "bad disposition message" "$ERR" "append, replace or merge"
check_eq "usage error status" "$RC" "2"
finish
