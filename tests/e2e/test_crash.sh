#!/usr/bin/env bash
# Exactly-once loading: a load killed with SIGKILL at any step is finished by
# the next run of the same command, with no row lost and none doubled.
source "$(dirname "$0")/lib.sh"
EX="$LL_SOURCE_DIR/examples/events.ndjson"

# deterministic crash points at each step of the load protocol
for fp in after_normalize between_moves before_commit after_commit; do
	ds="crash_$fp"
	set +e
	LAKELOAD_FAILPOINT=$fp "$LAKELOAD" load "$EX" --dataset "$ds" --table events --lake "$LAKE" -q 2>/dev/null
	rc=$?
	set -e
	check_eq "$fp: killed" "$rc" "137"
	out=$(ll load "$EX" --dataset "$ds" --table events --lake "$LAKE" 2>&1)
	check_contains "$fp: rerun finishes the interrupted load" "$out" "already loaded"
	check_eq "$fp: rows once" "$(q "SELECT count(*) FROM $ds.events")" "60"
	check_eq "$fp: child rows once" "$(q "SELECT count(*) FROM $ds.events__items")" \
		"$(duck "SELECT count(*) FROM $(files_of "$ds" events__items)")"
	check_eq "$fp: one load" "$(q "SELECT count(*) FROM $ds._dlt_loads")" "1"
	check_eq "$fp: nothing pending" "$(find "$LAKELOAD_HOME/pipelines/$ds/load/normalized" -mindepth 1 | wc -l)" "0"
	# and the next load of the same file is a new, second load
	ll load "$EX" --dataset "$ds" --table events --lake "$LAKE" -q
	check_eq "$fp: later loads append" "$(q "SELECT count(*) FROM $ds.events")" "120"
done

# a crash while reading input discards the partial package; the rerun loads once
/usr/bin/python3 -c "
import json
for i in range(200000):
    print(json.dumps({'id': i, 'kind': 'k%d' % (i % 7), 'tags': ['x', 'y'][: i % 3], 'm': {'a': i * 0.5}}))
" > "$T/big.ndjson"
N=200000
start=$(date +%s%N)
ll load "$T/big.ndjson" --dataset timing --table big --lake "$LAKE" -q
dur_ms=$((($(date +%s%N) - start) / 1000000))

loads=0
for i in 1 2 3 4 5; do
	# kill somewhere between 5% and 80% of a normal run, so the process is mid-load
	delay_ms=$((dur_ms * (5 + (i * 37) % 75) / 100))
	"$LAKELOAD" load "$T/big.ndjson" --dataset killed --table big --lake "$LAKE" -q 2>/dev/null &
	pid=$!
	sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# On a busy machine the kill can land after the commit, whatever the exit
	# status says: the catalog, not the exit status, tells whether it did.
	killed_loads=$(q 'SELECT count(*) FROM killed._dlt_loads' 2>/dev/null || echo 0)
	ll load "$T/big.ndjson" --dataset killed --table big --lake "$LAKE" -q
	now=$(q 'SELECT count(*) FROM killed._dlt_loads')
	# The rerun finishes an interrupted load exactly once: one load more. A
	# killed run that had committed may also have finished, and then the
	# rerun appends again as in dlt: two loads more.
	added=$((now - loads))
	if ((killed_loads == loads)); then
		check_eq "kill $i after ${delay_ms}ms: one load added" "$added" 1
	else
		check_eq "kill $i after ${delay_ms}ms (committed before the kill): loads added" \
			"$( ((added == 1 || added == 2)) && echo ok || echo "$added")" ok
	fi
	loads=$now
	got=$(q 'SELECT count(*) FROM killed.big')
	check_eq "kill $i after ${delay_ms}ms: rows exactly once per load" "$got" "$((N * loads))"
	check_eq "kill $i: child rows" "$(q 'SELECT count(*) FROM killed.big__tags')" \
		"$(duck "SELECT count(*) FROM $(files_of killed big__tags)")"
done
finish
