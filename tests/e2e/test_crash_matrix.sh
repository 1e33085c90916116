#!/usr/bin/env bash
# Crash matrix: each write a user makes (append, replace, merge, a second load
# that adds a column and a child table, and `lakeload delete` on Iceberg), on
# hive and Iceberg tables, killed with SIGKILL at every failpoint its path
# passes. Right after the kill the root table holds its old rows or its new
# ones; the rerun of the same command then leaves exactly what one
# uninterrupted run leaves: every row once, no duplicate primary key where the
# disposition promises one, no child row without its root, one _dlt_loads row
# per load and no load recorded twice or missing, nothing left pending in the
# pipeline, and no stray file in a hive table's folder.
source "$(dirname "$0")/lib.sh"

gen() { # first last amount_base [a column to add, with a new child table tags]
	/usr/bin/python3 -c "
import json
for i in range($1, $2 + 1):
    r = {'id': i, 'amount': $3 + i, 'items': [{'k': j} for j in range(i % 3 + 1)]}
    if '${4:-}':
        r['${4:-}'] = 'n%d' % i
        r['tags'] = ['t%d' % j for j in range(i % 2 + 1)]
    print(json.dumps(r))"
}
# sum of `amount` and number of child rows over the ids in a range
sums() { /usr/bin/python3 -c "print(sum($3 + i for i in range($1, $2 + 1)), sum(i % 3 + 1 for i in range($1, $2 + 1)))"; }
gen 1 40 100 > "$T/base.ndjson"
gen 31 50 1000 > "$T/changes.ndjson"
gen 31 50 1000 note > "$T/evolve.ndjson"
read -r base_sum base_items < <(sums 1 40 100)
read -r new_sum new_items < <(sums 31 50 1000)
read -r kept_sum kept_items < <(sums 1 30 100)

# What one uninterrupted run leaves, as the columns of state() below: root rows,
# distinct ids, sum of amount, child rows, orphan children, _dlt_loads rows,
# loads recorded once, root rows of an unrecorded load.
before="40,40,$base_sum,$base_items,0,1,1,0"
expected() { # op format
	case $1/$2 in
	append/* | evolve/* | merge/hive) # hive merge falls back to append
		echo "60,50,$((base_sum + new_sum)),$((base_items + new_items)),0,2,2,0" ;;
	replace/*) echo "20,20,$new_sum,$new_items,0,2,2,0" ;;
	merge/iceberg) echo "50,50,$((kept_sum + new_sum)),$((kept_items + new_items)),0,2,2,0" ;;
	delete/iceberg) echo "30,30,$kept_sum,$kept_items,0,1,1,0" ;;
	esac
}
state() {
	local d=$1
	q "SELECT count(*), count(DISTINCT id), sum(amount),
		(SELECT count(*) FROM $d.orders__items),
		(SELECT count(*) FROM $d.orders__items WHERE _dlt_root_id NOT IN (SELECT _dlt_id FROM $d.orders)),
		(SELECT count(*) FROM $d._dlt_loads),
		(SELECT count(DISTINCT load_id) FROM $d._dlt_loads WHERE status = 0),
		(SELECT count(*) FROM $d.orders WHERE _dlt_load_id NOT IN (SELECT load_id FROM $d._dlt_loads))
		FROM $d.orders"
}
root_rows() { q "SELECT count(*), sum(amount) FROM $1.orders"; }

# The operation under test, the same command for the killed run and the rerun.
run_op() { # op format dataset
	local op=$1 fmt=$2 d=$3 file=$T/changes.ndjson disposition=append
	case $op in
	delete)
		"$LAKELOAD" delete "$d.orders" --where "id > 30" --lake "$LAKE"
		return ;;
	evolve) file=$T/evolve.ndjson ;;
	*) disposition=$op ;;
	esac
	"$LAKELOAD" load "$file" --dataset "$d" --table orders --lake "$LAKE" --table-format "$fmt" \
		--write-disposition "$disposition" --primary-key id
}

crash_case() { # format op failpoint
	local fmt=$1 op=$2 fp=$3 d="${1}_${2}_${3}" rc want
	want=$(expected "$op" "$fmt")
	ll load "$T/base.ndjson" --dataset "$d" --table orders --lake "$LAKE" --table-format "$fmt" \
		--write-disposition merge --primary-key id -q 2>/dev/null
	rc=0
	LAKELOAD_FAILPOINT=$fp run_op "$op" "$fmt" "$d" >/dev/null 2>&1 || rc=$?
	check_eq "$d: killed" "$rc" "137"
	local root
	root=$(root_rows "$d")
	if [[ "$root" == "$(cut -d, -f1,3 <<<"$before")" || "$root" == "$(cut -d, -f1,3 <<<"$want")" ]]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		printf 'FAIL %s: root table between its old and new rows after the kill: %s\n' "$d" "$root" >&2
	fi
	rc=0
	run_op "$op" "$fmt" "$d" >/dev/null 2>&1 || rc=$?
	check_eq "$d: rerun succeeds" "$rc" "0"
	check_eq "$d: state after the rerun" "$(state "$d")" "$want"
	if [[ $op == evolve ]]; then
		check_eq "$d: added column and child table" \
			"$(q "SELECT count(note), min(note), max(note), (SELECT count(*) FROM $d.orders__tags) FROM $d.orders")" \
			"20,n31,n50,30"
	fi
	if [[ $fmt == hive ]]; then
		# checked by DuckDB at the end: root and child rows in the table folders
		hive_files_sql+="${hive_files_sql:+ UNION ALL }SELECT '$d', (SELECT count(*) FROM $(files_of "$d" orders)), (SELECT count(*) FROM $(files_of "$d" orders__items))"
		hive_files_want+="$d,$(cut -d, -f1,4 <<<"$want")"$'\n'
	else
		check_eq "$d: one snapshot per commit" \
			"$(ll history "$d.orders" --lake "$LAKE" | tail -n +2 | wc -l)" "2"
	fi
	check_eq "$d: nothing pending" \
		"$(find "$LAKELOAD_HOME/pipelines/$d/load/normalized" -mindepth 1 -maxdepth 1 | wc -l)" "0"
}

hive_files_sql= hive_files_want=
# every failpoint each path passes: hive loads never reach the Iceberg commit,
# Iceberg loads move no hive files, a delete is an Iceberg commit and no load
for op in append replace merge evolve; do
	for fp in after_normalize between_moves before_commit after_commit; do
		crash_case hive "$op" "$fp"
	done
	for fp in after_normalize before_commit after_commit iceberg_between_tables iceberg_before_swap; do
		crash_case iceberg "$op" "$fp"
	done
done
crash_case iceberg delete iceberg_before_swap

# DuckDB reads every hive table's folder (one query, as starting DuckDB is the
# slow part): no file of a killed run is left beside the committed ones
check_eq "hive folders hold the committed rows only" "$(duck "$hive_files_sql ORDER BY 1")" \
	"$(LC_ALL=C sort <<<"${hive_files_want%$'\n'}")"
finish
