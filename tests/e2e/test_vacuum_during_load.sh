#!/usr/bin/env bash
# vacuum deletes the files no snapshot references that are older than its
# cutoff, and keeps younger ones: they may be a concurrent writer's, placed
# and about to be committed. A load places its job files by moving them out
# of its package, so a file must arrive in the lake as new, whatever the
# age of its package (one normalized days ago, its load retried now): else
# a vacuum running while the load commits deletes the file, and the commit
# publishes a snapshot whose data is gone.
source "$(dirname "$0")/iceberg_lib.sh"
/usr/bin/python3 -c "
import json
for i in range(1, 4): print(json.dumps({'id': i, 'v': 'old', 'items': [{'k': i}]}))" >"$T/a.ndjson"
/usr/bin/python3 -c "
import json
for i in range(2, 6): print(json.dumps({'id': i, 'v': 'new', 'items': [{'k': i}, {'k': 10 * i}]}))" >"$T/b.ndjson"
M() { "$LAKELOAD" load "$T/$1.ndjson" --dataset shop --table ev --lake "$LAKE" --pipeline p -q \
	--table-format iceberg --write-disposition merge --primary-key id; }
M a

# b's package is normalized, then waits three days before it is loaded
killed_at "b stopped after normalizing" after_normalize M b
find "$LAKELOAD_HOME" -path '*/normalized/*' -type f -exec touch -d '3 days ago' {} +

# b's load stops before its first swap (a child table's); the root's data
# file is placed by then (its merge was planned). vacuum runs meanwhile.
mkdir "$T/pause"
LAKELOAD_PAUSEPOINT="iceberg_before_swap:$T/pause" M b &
pid=$!
while [[ ! -e $T/pause/reached ]]; do sleep 0.1; done
ll vacuum shop.ev --lake "$LAKE" --older-than 1h -q
ll vacuum shop.ev__items --lake "$LAKE" --older-than 1h -q
touch "$T/pause/go"
wait "$pid" || check_eq "b's load finishes" "failed" "ok"

check_eq "every row, b's merged in" "$(q 'SELECT id, v FROM shop.ev ORDER BY id' | tr '\n' ' ')" \
	"1,old 2,new 3,new 4,new 5,new "
check_eq "every child row" "$(q 'SELECT count(*) FROM shop.ev__items')" "9"
check_eq "icebird reads every row" "$(rows ev | wc -l),$(rows ev__items | wc -l)" "5,9"
check_eq "the next load works" "$(M a 2>&1 && q 'SELECT count(*) FROM shop.ev')" "5"
finish
