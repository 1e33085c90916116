#!/usr/bin/env bash
# A replace of an Iceberg table with child tables commits one snapshot per
# table, the children first, the root last. Another writer loading the same
# tree while a replace is between its child commits and its root commit must
# not tear the tree: every child row belongs to a live root row, and the
# root and child tables hold the same loads' rows, as if the two loads had
# run one after the other (either order). Without the tree's lock:
#  1. another replace, in between: children of one load, roots of the other;
#  2. an append, in between: the appended children outlive their roots.
# The replace is paused after its child table's commit (the second table it
# commits: _dlt_pipeline_state comes first); the other writer starts while it
# is paused and waits for the tree.
source "$(dirname "$0")/iceberg_lib.sh"
gen() {
	/usr/bin/python3 -c "
import json
for i in range(1, 4):
    print(json.dumps({'id': i, 'who': '$1', 'items': [{'k': '$1-%d' % i}]}))" >"$T/$1.ndjson"
}
for w in seed a b c d; do gen "$w"; done
L() { ll load "$T/$1.ndjson" --dataset shop --table "$2" --lake "$LAKE" --pipeline "$3" -q \
	--table-format iceberg --write-disposition "$4"; }
# writers of the root rows, of the child rows, and child rows without a live root
tree() {
	q "SELECT group_concat(who, ' ') FROM (SELECT DISTINCT who FROM shop.$1 ORDER BY who)"
	q "SELECT group_concat(w, ' ') FROM (SELECT DISTINCT substr(k, 1, instr(k, '-') - 1) AS w FROM shop.$1__items ORDER BY w)"
	q "SELECT count(*) FROM shop.$1__items WHERE _dlt_parent_id NOT IN (SELECT _dlt_id FROM shop.$1)"
}
# replace_paused TABLE FILE OTHER-FILE OTHER-DISPOSITION: the replace of FILE
# by pipeline p pauses after its child commit while pipeline q loads OTHER-FILE
replace_paused() {
	local dir="$T/pause-$1"
	mkdir "$dir"
	LAKELOAD_PAUSEPOINT="iceberg_between_tables#2:$dir" L "$2" "$1" p replace &
	local pid=$!
	while [[ ! -e $dir/reached ]]; do sleep 0.1; done
	check_eq "$1: paused between the child and the root" "$(tree "$1" | head -2 | tr '\n' ' ')" "seed $2 "
	L "$3" "$1" q "$4" &
	local other=$!
	# the other writer normalizes, then waits for the tree: nothing of it lands yet
	waiting_for_tree q "$other"
	check_eq "$1: the other writer waits for the tree" "$(tree "$1" | head -2 | tr '\n' ' ')" "seed $2 "
	touch "$dir/go"
	wait "$pid"
	wait "$other"
}
for t in replaced appended; do
	L seed "$t" p replace
	L seed "$t" q replace
done

replace_paused replaced a b replace
out=$(tree replaced | tr '\n' ' ')
[[ $out == "a a 0 " || $out == "b b 0 " ]] && check_eq "replace between: one load's tree" ok ok ||
	check_eq "replace between: one load's tree" "$out" "a a 0  or  b b 0 "

replace_paused appended c d append
out=$(tree appended | tr '\n' ' ')
[[ $out == "c c 0 " || $out == "c d c d 0 " ]] && check_eq "append between: a whole tree" ok ok ||
	check_eq "append between: a whole tree" "$out" "c c 0  or  c d c d 0 "
finish
