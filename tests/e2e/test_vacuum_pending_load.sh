#!/usr/bin/env bash
# An Iceberg table knows which loads it holds from its snapshots' summaries
# (lakeload.load-id, lakeload.load-nonce): a rerun of an interrupted load
# skips the tables that have its snapshot. vacuum expires old snapshots; it
# must not make a table forget a load whose package is still pending, else
# the rerun commits the load's files a second time.
# b is killed after its Iceberg commits, before its _dlt_loads row; c (another
# pipeline) commits on top; vacuum expires everything but the current
# snapshot; b's rerun finishes its load: once.
source "$(dirname "$0")/lib.sh"
for w in a b c; do echo "{\"id\": 1, \"w\": \"$w\"}" >"$T/$w.ndjson"; done
L() { "$LAKELOAD" load "$T/$1.ndjson" --dataset ds --table ev --lake "$LAKE" --pipeline "$2" \
	--table-format iceberg -q; }
L a p
killed_at "b killed before its _dlt_loads row" before_commit L b p
L c q
ll vacuum ds.ev --lake "$LAKE" --older-than 0s -q
L b p
check_eq "every load's rows once" "$(q 'SELECT w, count(*) FROM ds.ev GROUP BY w ORDER BY w' | tr '\n' ' ')" \
	"a,1 b,1 c,1 "
check_eq "one _dlt_loads row per load" "$(q 'SELECT count(*), count(DISTINCT load_id) FROM ds._dlt_loads')" "3,3"
finish
