#!/usr/bin/env bash
# A load is recorded in _dlt_loads only after every table of it has
# committed: a run killed before its hive files or between its Iceberg
# tables leaves no _dlt_loads row, and the next run adds it with the data.
# The load message and `lakeload info` count the data files really written
# (an Iceberg table split into one file per partition).
source "$(dirname "$0")/lib.sh"
printf '{"id":%d,"cat":"c%d","items":[{"n":1}]}\n' 1 1 2 2 3 3 4 4 5 5 > "$T/f.ndjson"

# Completed loads of a dataset; 0 while it has no _dlt_loads table yet.
loads() {
	local n
	n=$("$LAKELOAD" query --lake "$LAKE" --format csv \
		"SELECT count(*) FROM $1._dlt_loads WHERE status = 0" 2>/dev/null | tail -n +2 | tr -d "\r") || true
	echo "${n:-0}"
}

# hive data table: killed after its files are placed, before the catalog commit
set +e
LAKELOAD_FAILPOINT=before_commit ll load "$T/f.ndjson" --dataset h --table t --lake "$LAKE" -q 2>/dev/null
set -e
check_eq "hive: no _dlt_loads row before the data commits" "$(loads h)" "0"
expect_failure "hive: the data is not there yet" q "SELECT count(*) FROM h.t"
ll load "$T/f.ndjson" --dataset h --table other --lake "$LAKE" -q
check_eq "hive: the rerun finishes the load and records both" "$(loads h)" "2"
check_eq "hive: data once" "$(q 'SELECT count(*) FROM h.t')" "5"

# Iceberg: killed after the first table of the load committed
set +e
LAKELOAD_FAILPOINT=iceberg_between_tables ll load "$T/f.ndjson" --dataset i --table t \
	--table-format iceberg --lake "$LAKE" -q 2>/dev/null
set -e
check_eq "iceberg: no _dlt_loads row while a table is missing" "$(loads i)" "0"
ll load "$T/f.ndjson" --dataset i --table other --table-format iceberg --lake "$LAKE" -q
check_eq "iceberg: recorded after the rerun" "$(loads i)" "2"
check_eq "iceberg: root rows once" "$(q 'SELECT count(*) FROM i.t')" "5"
check_eq "iceberg: child rows once" "$(q 'SELECT count(*) FROM i.t__items')" "5"

# a load whose data table cannot commit records nothing
expect_failure "bad partition fails" ll load "$T/f.ndjson" --dataset p --table t \
	--table-format iceberg --partition 'month(nope)' --lake "$LAKE"
check_eq "failed load: no _dlt_loads row" "$(loads p)" "0"

# files actually written: five partitions, five files
out=$(ll load "$T/f.ndjson" --dataset parts --table t --table-format iceberg --partition cat \
	--lake "$LAKE" 2>&1)
check_contains "load message counts the partition files" "$out" "10 rows in 2 tables, 6 files"
check_eq "info: rows and files of the current snapshot" \
	"$(ll info --pipeline parts | awk '$1 == "parts.t" { print $2, $4 }')" "5 5"
finish
