#!/usr/bin/env bash
# A hive replace moves the files it supersedes to the catalog's garbage
# list; after the commit, the loader deletes the listed files and forgets
# them. With several writers, another replace may list its superseded files
# between those two steps: they must stay listed until they are deleted,
# else they stay in the table's folder for good, and every reader of the
# folder (DuckDB here, Athena over the table's location) sees the rows the
# replace removed next to the new ones.
source "$(dirname "$0")/lib.sh"
for w in a b c; do
	/usr/bin/python3 -c "
import json
for i in range(3): print(json.dumps({'who': '$w', 'n': i}))" >"$T/$w.ndjson"
done
R() { "$LAKELOAD" load "$T/$1.ndjson" --dataset ds --table t --lake "$LAKE" --pipeline "$1" -q \
	--write-disposition replace; }
R a
# b replaces a; b's clean-up pauses after deleting a's files, before it forgets them
mkdir "$T/pause"
LAKELOAD_PAUSEPOINT="garbage_deleted:$T/pause" R b &
pid=$!
while [[ ! -e $T/pause/reached ]]; do sleep 0.1; done
# c replaces b and is killed right after its commit, before its own clean-up
killed_at "c killed after its commit" after_commit R c
touch "$T/pause/go"
wait "$pid"
# c's next run finishes its load and cleans up what c superseded
R c
check_eq "the table is c's rows" "$(q 'SELECT who, count(*) FROM ds.t GROUP BY who' | tr '\n' ' ')" "c,3 "
check_eq "DuckDB reads c's rows only from the folder" \
	"$(duck "SELECT who, count(*) FROM $(files_of ds t) GROUP BY who ORDER BY who" | tr '\n' ' ')" "c,3 "
finish
