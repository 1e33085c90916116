#!/usr/bin/env bash
# A catalog entry whose Iceberg metadata is gone fails naming the table,
# the object and the way out; `lakeload drop-table` removes the entry (the
# files stay) and the saved load then creates the table anew.
source "$(dirname "$0")/lib.sh"
F="$T/f.ndjson"
printf '{"id":%d,"c":"x%d","ts":"2024-0%d-01T00:00:00Z"}\n' 1 1 1 2 2 2 3 3 3 4 4 4 5 5 5 > "$F"
G="$T/g.ndjson"
printf '{"id":%d,"c":"y%d"}\n' 6 6 7 7 > "$G"

ll load "$F" --dataset m --table t --lake "$LAKE" --table-format iceberg -q
rm "$LAKE"/m/t/metadata/*.metadata.json
expect_failure "missing metadata fails" ll load "$G" --dataset m --table t --lake "$LAKE" --table-format iceberg
check_contains "names the table" "$ERR" "Iceberg table m.t"
check_contains "names the object" "$ERR" "$LAKE/m/t/metadata/"
check_contains "says how to drop the table" "$ERR" "lakeload drop-table m.t"
check_contains "says how to drop the load" "$ERR" "lakeload drop-pending"
out=$(ll drop-table m.t --lake "$LAKE" 2>&1)
check_contains "drop-table confirms" "$out" "dropped m.t from the catalog"
ll load "$G" --dataset m --table other --lake "$LAKE" --table-format iceberg -q
check_eq "the table is created anew by the saved load" "$(q 'SELECT count(*) FROM m.t')" "2"
expect_failure "drop-table of an unknown table" ll drop-table m.nope --lake "$LAKE"

finish
