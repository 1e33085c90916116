#!/usr/bin/env bash
# A hive load moves its job files into the table's folder before the
# catalog transaction that publishes them. A load that fails for good at
# that commit (here: another pipeline registered a column with another
# type) must not leave them there: readers of the folder (DuckDB here;
# Athena and every engine reading a hive table's location) would see rows
# of a load that is not in _dlt_loads.
source "$(dirname "$0")/lib.sh"
echo '{"id": 1, "x": 5}' >"$T/a.ndjson"
echo '{"id": 2, "x": "five"}' >"$T/b.ndjson"
echo '{"id": 3, "x": 7}' >"$T/c.ndjson"
L() { "$LAKELOAD" load "$T/$1.ndjson" --dataset ds --table ev --lake "$LAKE" --pipeline "$2" -q; }
folder() { duck "SELECT string_agg(CAST(id AS VARCHAR), ' ' ORDER BY id) FROM $(files_of ds ev)"; }

L a pa
expect_failure "b fails for good at its commit" L b pb
check_eq "the catalog has a's row" "$(q 'SELECT id FROM ds.ev')" "1"
check_eq "the folder has a's row only" "$(folder)" "1"

check_eq "_dlt_loads: a's load" "$(q 'SELECT count(*) FROM ds._dlt_loads')" "1"
L c pb
check_eq "pb loads on" "$(folder)" "1 3"
finish
