#!/usr/bin/env bash
# Concurrent writers on one Iceberg table: 4 processes append 25 times each;
# every commit is a compare-and-swap in the catalog, losers reload and
# retry, so the table ends with 100 snapshots and every row.
source "$(dirname "$0")/lib.sh"

for w in 1 2 3 4; do
	for n in $(seq 1 25); do
		/usr/bin/python3 -c "
import json
for r in range(10):
    print(json.dumps({'writer': $w, 'n': $n, 'id': ($w * 1000 + $n) * 100 + r}))" > "$T/w$w-$n.ndjson"
	done
done
ll load "$T/w1-1.ndjson" --dataset race --table events --lake "$LAKE" --table-format iceberg --pipeline seed -q
pids=()
for w in 1 2 3 4; do
	(
		for n in $(seq 1 25); do
			[[ $w == 1 && $n == 1 ]] && continue
			"$LAKELOAD" load "$T/w$w-$n.ndjson" --dataset race --table events --lake "$LAKE" \
				--table-format iceberg --pipeline "writer$w" -q || exit 1
		done
	) &
	pids+=($!)
done
ok=0
for pid in "${pids[@]}"; do wait "$pid" && ok=$((ok + 1)); done
check_eq "every writer finished" "$ok" "4"
check_eq "every row" "$(q 'SELECT count(*), count(DISTINCT id) FROM race.events')" "1000,1000"
check_eq "every load of every writer" "$(q 'SELECT count(DISTINCT writer * 100 + n) FROM race.events')" "100"
check_eq "100 snapshots" "$(ll history race.events --lake "$LAKE" | tail -n +2 | wc -l)" "100"
finish
