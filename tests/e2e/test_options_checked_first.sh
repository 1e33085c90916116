#!/usr/bin/env bash
# One bad option never blocks a pipeline: --partition, --layout,
# --primary-key and --column are checked before anything is saved (those
# that name the data's columns after normalizing, before the package is
# published), so a failure leaves the pipeline as it was, later runs do not
# replay it, and no bad hint reaches _dlt_version.
source "$(dirname "$0")/lib.sh"
F="$T/f.ndjson"
printf '{"id":%d,"c":"x%d","ts":"2024-0%d-01T00:00:00Z"}\n' 1 1 1 2 2 2 3 3 3 4 4 4 5 5 5 > "$F"
G="$T/g.ndjson"
printf '{"id":%d,"c":"y%d"}\n' 6 6 7 7 > "$G"
pending() { find "$LAKELOAD_HOME/pipelines/$1/load/normalized" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

expect_failure "partition on a missing column" ll load "$F" --dataset v --table t --lake "$LAKE" \
	--table-format iceberg --partition 'month(nope)'
check_contains "says which partition and column" "$ERR" "partition 'month(nope)' of table t names column nope"
check_eq "nothing saved for the bad partition" "$(pending v)" "0"
expect_failure "partition transform that does not fit the type" ll load "$F" --dataset v --table t \
	--lake "$LAKE" --table-format iceberg --partition 'month(c)'
check_eq "nothing saved for the bad transform" "$(pending v)" "0"
expect_failure "bad layout" ll load "$F" --dataset v --table t --lake "$LAKE" --layout '{table_name}/x'
check_contains "layout error" "$ERR" "must contain {file_id}"
check_eq "nothing saved for the bad layout" "$(pending v)" "0"
expect_failure "primary key not in the data" ll load "$F" --dataset v --table t --lake "$LAKE" \
	--write-disposition merge --table-format iceberg --primary-key nope
check_eq "nothing saved for the bad key" "$(pending v)" "0"
expect_failure "time column hint" ll load "$F" --dataset v --table t --lake "$LAKE" --column ts:time
check_eq "nothing saved for the bad column" "$(pending v)" "0"
expect_failure "a file that does not exist" ll load "$T/missing.ndjson" --dataset v --table t --lake "$LAKE"
check_contains "only the missing file is reported" "$ERR" "missing.ndjson"
check_eq "no replay of an earlier load" "$(grep -c 'finishing interrupted' <<<"$ERR" || true)" "0"
ll load "$F" --dataset v --table t --lake "$LAKE" --table-format iceberg --partition 'month(ts)' -q
check_eq "the pipeline loads once the options are right" "$(q 'SELECT count(*) FROM v.t')" "5"
check_eq "no bad hint reached _dlt_version" \
	"$(q "SELECT count(*) FROM v._dlt_version WHERE schema LIKE '%nope%'")" "0"
rm -rf "$LAKELOAD_HOME/pipelines/v"
ll load "$G" --dataset v --table t --lake "$LAKE" --table-format iceberg -q
check_eq "a lost working dir restores a good schema" "$(q 'SELECT count(*) FROM v.t')" "7"

finish
