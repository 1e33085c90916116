#!/usr/bin/env bash
# A saved package is finished with the options it was made with
# (disposition, layout), not with those of the run that finishes it.
source "$(dirname "$0")/lib.sh"
F="$T/f.ndjson"
printf '{"id":%d,"c":"x%d","ts":"2024-0%d-01T00:00:00Z"}\n' 1 1 1 2 2 2 3 3 3 4 4 4 5 5 5 > "$F"
G="$T/g.ndjson"
printf '{"id":%d,"c":"y%d"}\n' 6 6 7 7 > "$G"
pending() { find "$LAKELOAD_HOME/pipelines/$1/load/normalized" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
crash() { set +e; LAKELOAD_FAILPOINT=$1 "$LAKELOAD" "${@:2}" -q 2>/dev/null; set -e; }

ll load "$F" --dataset o --table t --lake "$LAKE" -q
crash after_normalize load "$F" --dataset o --table t --lake "$LAKE" --write-disposition replace \
	--layout '{table_name}/saved/{load_id}.{file_id}.{ext}'
check_eq "the replace is saved" "$(pending o)" "1"
ll load "$G" --dataset o --table t2 --lake "$LAKE" --layout '{table_name}/other/{load_id}.{file_id}.{ext}' -q
check_eq "finished as a replace, not as the finishing run's append" "$(q 'SELECT count(*) FROM o.t')" "5"
check_eq "finished with its own layout" "$(find "$LAKE/o/t/saved" -name '*.parquet' | wc -l)" "1"
check_eq "nothing of it in the finishing run's layout" "$(test -e "$LAKE/o/t/other" && echo yes || echo no)" "no"

# table format, partition, key and column hints travel with the package too
crash after_normalize load "$F" --dataset o --table p --lake "$LAKE" --table-format iceberg \
	--partition c --write-disposition merge --primary-key id --column id:double
ll load "$G" --dataset o --table t3 --lake "$LAKE" -q
check_eq "finished as a partitioned Iceberg table" "$(find "$LAKE/o/p/data" -name '*.parquet' | wc -l)" "5"
check_eq "with its column hint" "$(q "SELECT typeof(id) FROM o.p LIMIT 1")" "real"
ll load "$F" --dataset o --table p --lake "$LAKE" --table-format iceberg --write-disposition merge \
	--primary-key id --column id:double -q
check_eq "its primary key merges the next load" "$(q 'SELECT count(*) FROM o.p')" "5"

finish
