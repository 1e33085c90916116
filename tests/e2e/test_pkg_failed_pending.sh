#!/usr/bin/env bash
# One bad option never blocks a pipeline: hints are checked before anything
# is saved; a package that fails for good moves to load/failed/ with its
# reason, is reported once and blocks nothing; `lakeload drop-pending`
# drops unfinished packages; a saved package is finished with its own
# options, not those of the run that finishes it; a catalog entry whose
# Iceberg metadata is gone says which table and object and what to do
# (`lakeload drop-table`); job files do not depend on a table name's length.
source "$(dirname "$0")/lib.sh"
F="$T/f.ndjson"
G="$T/g.ndjson"
printf '{"id":%d,"c":"x%d","ts":"2024-0%d-01T00:00:00Z"}\n' 1 1 1 2 2 2 3 3 3 4 4 4 5 5 5 > "$F"
printf '{"id":%d,"c":"y%d"}\n' 6 6 7 7 > "$G"
pending() { find "$LAKELOAD_HOME/pipelines/$1/load/normalized" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
crash() { set +e; LAKELOAD_FAILPOINT=$1 "$LAKELOAD" "${@:2}" -q 2>/dev/null; set -e; }

# --- bad options fail before anything is saved, and leave the pipeline as it was
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

# --- a saved package keeps its own options
ll load "$F" --dataset o --table t --lake "$LAKE" -q
crash after_normalize load "$F" --dataset o --table t --lake "$LAKE" --write-disposition replace \
	--layout '{table_name}/saved/{load_id}.{file_id}.{ext}'
check_eq "the replace is saved" "$(pending o)" "1"
ll load "$G" --dataset o --table t2 --lake "$LAKE" --layout '{table_name}/other/{load_id}.{file_id}.{ext}' -q
check_eq "finished as a replace, not as the finishing run's append" "$(q 'SELECT count(*) FROM o.t')" "5"
check_eq "finished with its own layout" "$(find "$LAKE/o/t/saved" -name '*.parquet' | wc -l)" "1"
check_eq "nothing of it in the finishing run's layout" "$(test -e "$LAKE/o/t/other" && echo yes || echo no)" "no"

# --- a package that fails for good moves to failed/ and blocks nothing
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

# --- drop-pending
crash after_normalize load "$F" --dataset dp --table t --lake "$LAKE"
out=$(ll drop-pending --pipeline dp)
check_contains "drop-pending says what it dropped" "$out" "dropped load"
check_contains "drop-pending names the load's input" "$out" "f.ndjson -> t (append), 5 records"
check_eq "nothing pending" "$(pending dp)" "0"
ll load "$G" --dataset dp --table t2 --lake "$LAKE" -q
expect_failure "the dropped load never happens" q 'SELECT count(*) FROM dp.t'
check_contains "drop-pending with nothing pending" "$(ll drop-pending --pipeline dp)" "no pending loads"

# --- Iceberg metadata that is gone
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

# --- job files never carry a table's name: a 255-character child table
key=$(printf 'k%.0s' $(seq 252))
printf '{"id":1,"%s":[1,2,3]}\n' "$key" > "$T/long.ndjson"
ll load "$T/long.ndjson" --dataset lng --table t --lake "$LAKE" -q
check_eq "the child table with a 255-character name is loaded" "$(q "SELECT count(*) FROM lng.t__$key")" "3"
finish
