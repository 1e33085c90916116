#!/usr/bin/env bash
# A merge killed with SIGKILL at any step leaves each Iceberg table at its
# previous snapshot or its new one, never between, and the rerun of the
# same command completes it exactly once.
source "$(dirname "$0")/lib.sh"

gen() { # first last amount_base
	/usr/bin/python3 -c "
import json, sys
for i in range($1, $2 + 1):
    print(json.dumps({'id': i, 'amount': $3 + i, 'items': [{'k': j} for j in range(i % 3 + 1)]}))"
}
gen 1 40 100 > "$T/base.ndjson"
gen 31 50 1000 > "$T/changes.ndjson"
old_sum=$(/usr/bin/python3 -c "print(sum(100 + i for i in range(1, 41)))")
new_sum=$(/usr/bin/python3 -c "print(sum(100 + i for i in range(1, 31)) + sum(1000 + i for i in range(31, 51)))")
new_items=$(/usr/bin/python3 -c "print(sum(i % 3 + 1 for i in range(1, 51)))")

for fp in iceberg_before_swap iceberg_between_tables before_commit after_commit; do
	ds="crash_$fp"
	M() { "$LAKELOAD" load "$1" --dataset "$ds" --table orders --lake "$LAKE" -q \
		--table-format iceberg --write-disposition merge --primary-key id; }
	M "$T/base.ndjson"
	set +e
	LAKELOAD_FAILPOINT=$fp M "$T/changes.ndjson" 2>/dev/null
	rc=$?
	set -e
	check_eq "$fp: killed" "$rc" "137"
	state=$(q "SELECT count(*), sum(amount) FROM $ds.orders")
	if [[ "$state" == "40,$old_sum" || "$state" == "50,$new_sum" ]]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		echo "FAIL $fp: table between snapshots: $state" >&2
	fi
	M "$T/changes.ndjson" 2>/dev/null
	check_eq "$fp: rerun completes the merge once" "$(q "SELECT count(*), sum(amount) FROM $ds.orders")" "50,$new_sum"
	check_eq "$fp: children once" "$(q "SELECT count(*) FROM $ds.orders__items")" "$new_items"
	check_eq "$fp: two loads recorded" "$(q "SELECT count(*) FROM $ds._dlt_loads")" "2"
	check_eq "$fp: one snapshot per load" "$(ll history "$ds.orders" --lake "$LAKE" | tail -n +2 | wc -l)" "2"
done
finish
