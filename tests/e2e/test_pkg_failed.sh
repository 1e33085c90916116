#!/usr/bin/env bash
# A package that fails for good (a schema error) moves to load/failed/
# with its reason, is reported once and blocks nothing; `lakeload info`
# shows it with the reason.
source "$(dirname "$0")/lib.sh"
F="$T/f.ndjson"
printf '{"id":%d,"c":"x%d","ts":"2024-0%d-01T00:00:00Z"}\n' 1 1 1 2 2 2 3 3 3 4 4 4 5 5 5 > "$F"
G="$T/g.ndjson"
printf '{"id":%d,"c":"y%d"}\n' 6 6 7 7 > "$G"
crash() { set +e; LAKELOAD_FAILPOINT=$1 "$LAKELOAD" "${@:2}" -q 2>/dev/null; set -e; }

crash after_normalize load "$F" --dataset s --table t --lake "$LAKE" --table-format iceberg --pipeline pa
ll load "$F" --dataset s --table t --lake "$LAKE" --pipeline pb -q   # s.t is a hive table now
out=$(ll load "$G" --dataset s --table u --lake "$LAKE" --pipeline pa 2>&1)
check_contains "the failure is reported with its reason" "$out" "failed for good and was moved to"
check_contains "the reason names the table" "$out" "s.t"
check_eq "the package is in failed/" "$(ls "$LAKELOAD_HOME/pipelines/pa/load/failed" | wc -l)" "1"
check_eq "its reason is kept" "$(cat "$LAKELOAD_HOME"/pipelines/pa/load/failed/*/reason.txt | grep -c 's.t' || true)" "1"
check_eq "the run's own load went in" "$(q 'SELECT count(*) FROM s.u')" "2"
out=$(ll load "$G" --dataset s --table u2 --lake "$LAKE" --pipeline pa 2>&1)
check_eq "reported once" "$(grep -c 'failed' <<<"$out" || true)" "0"
check_contains "info shows the failed load and why" "$(ll info --pipeline pa)" "reason:"

finish
