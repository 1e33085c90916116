#!/usr/bin/env bash
# A merge into an Iceberg table with child tables removes the child rows of
# every root row it removes, whoever wrote them: child rows always belong to
# a live root row (no orphans, no children of a replaced version left).
#  1. a merged record without its list (or with an empty one) loses the
#     children of the row it replaces, as dlt's merge deletes from every
#     child table of the root;
#  2. a merge paused after committing its child tables while another
#     pipeline merges the same keys: the other merge waits for the tree
#     (ll_catalog_lock_tree) and lands whole after it;
#  3. the same with the first merge killed after its child commits and
#     finished by its next run after the other pipeline's merge.
# Counted with the embedded engine and, independently, with icebird.
source "$(dirname "$0")/iceberg_lib.sh"
gen() { # gen NAME: ids 1..3, each with two items naming the writer
	/usr/bin/python3 -c "
import json
for i in range(1, 4):
    print(json.dumps({'id': i, 'who': '$1', 'items': [{'k': '$1-%d' % i}, {'k': '$1-x'}]}))" >"$T/$1.ndjson"
}
for w in seed a b c d; do gen "$w"; done
M() { ll load "$T/$1.ndjson" --dataset shop --table "$2" --lake "$LAKE" --pipeline "$3" -q \
	--table-format iceberg --write-disposition merge --primary-key id; }
# a table's tree: root rows by writer, child rows by writer, and child rows without a live root
tree() {
	q "SELECT group_concat(who || ':' || n, ' ') FROM (SELECT who, count(*) AS n FROM shop.$1 GROUP BY who ORDER BY who)"
	q "SELECT group_concat(w || ':' || n, ' ') FROM (SELECT substr(k, 1, instr(k, '-') - 1) AS w, count(*) AS n FROM shop.$1__items GROUP BY w ORDER BY w)"
	q "SELECT count(*) FROM shop.$1__items WHERE _dlt_root_id NOT IN (SELECT _dlt_id FROM shop.$1)"
}
# the same counts from icebird's rows
tree_icebird() {
	rows "$1" | /usr/bin/python3 -c "
import collections, json, sys
print(' '.join('%s:%d' % kv for kv in sorted(collections.Counter(json.loads(l)['who'] for l in sys.stdin).items())))"
	local ids
	ids=$(rows "$1" | /usr/bin/python3 -c "
import json, sys
print(' '.join(json.loads(l)['_dlt_id'] for l in sys.stdin))")
	rows "$1__items" | /usr/bin/python3 -c "
import collections, json, sys
roots = set(sys.argv[1].split())
rows = [json.loads(l) for l in sys.stdin]
print(' '.join('%s:%d' % kv for kv in sorted(collections.Counter(r['k'].split('-')[0] for r in rows).items())))
print(sum(r['_dlt_root_id'] not in roots for r in rows))" "$ids"
}

# 1. one writer: a record without its list, then with an empty one
/usr/bin/python3 -c "
import json
print(json.dumps({'id': 1, 'who': 'bare'}))
print(json.dumps({'id': 2, 'who': 'empty', 'items': []}))" >"$T/bare.ndjson"
M seed lists p
M bare lists p
check_eq "record without its list: its old children are gone" "$(tree lists | tr '\n' ' ')" \
	"bare:1 empty:1 seed:1 seed:2 0 "
check_eq "icebird agrees" "$(tree_icebird lists | tr '\n' ' ')" "bare:1 empty:1 seed:1 seed:2 0 "

# 2. a's merge pauses after its child commits; b merges the same keys meanwhile
M seed paused p
mkdir "$T/pause"
LAKELOAD_PAUSEPOINT="iceberg_between_tables:$T/pause" M a paused p &
pid=$!
while [[ ! -e $T/pause/reached ]]; do sleep 0.1; done
M b paused q &
other=$!
waiting_for_tree q "$other"
check_eq "the other merge waits for the tree" "$(tree paused | tr '\n' ' ' | cut -d' ' -f1-2)" "seed:3 a:6"
touch "$T/pause/go"
wait "$pid"
wait "$other"
check_eq "merged one after the other: the later one's rows and children only" \
	"$(tree paused | tr '\n' ' ')" "b:3 b:6 0 "
check_eq "icebird agrees" "$(tree_icebird paused | tr '\n' ' ')" "b:3 b:6 0 "

# 3. c's merge is killed after its child commits; d merges; c's next run finishes it
M seed killed p
killed_at "c killed after its child commits" iceberg_between_tables M c killed p
M d killed q
M c killed p
check_eq "finished merge: its rows and children only" "$(tree killed | tr '\n' ' ')" "c:3 c:6 0 "
check_eq "icebird agrees" "$(tree_icebird killed | tr '\n' ' ')" "c:3 c:6 0 "
check_eq "one _dlt_loads row per load" "$(q 'SELECT count(*), count(DISTINCT load_id) FROM shop._dlt_loads')" "8,8"

# the next ordinary merge works and keeps the tree whole
M b killed q
check_eq "next merge" "$(tree killed | tr '\n' ' ')" "b:3 b:6 0 "
finish
