#!/usr/bin/env bash
# `lakeload drop-pending` drops a pipeline's unfinished packages, as dlt's
# drop-pending-packages does, and says what it dropped.
source "$(dirname "$0")/lib.sh"
F="$T/f.ndjson"
printf '{"id":%d,"c":"x%d","ts":"2024-0%d-01T00:00:00Z"}\n' 1 1 1 2 2 2 3 3 3 4 4 4 5 5 5 > "$F"
G="$T/g.ndjson"
printf '{"id":%d,"c":"y%d"}\n' 6 6 7 7 > "$G"
pending() { find "$LAKELOAD_HOME/pipelines/$1/load/normalized" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
crash() { set +e; LAKELOAD_FAILPOINT=$1 "$LAKELOAD" "${@:2}" -q 2>/dev/null; set -e; }

crash after_normalize load "$F" --dataset dp --table t --lake "$LAKE"
out=$(ll drop-pending --pipeline dp)
check_contains "drop-pending says what it dropped" "$out" "dropped load"
check_contains "drop-pending names the load's input" "$out" "f.ndjson -> t (append), 5 records"
check_eq "nothing pending" "$(pending dp)" "0"
ll load "$G" --dataset dp --table t2 --lake "$LAKE" -q
expect_failure "the dropped load never happens" q 'SELECT count(*) FROM dp.t'
check_contains "drop-pending with nothing pending" "$(ll drop-pending --pipeline dp)" "no pending loads"

finish
