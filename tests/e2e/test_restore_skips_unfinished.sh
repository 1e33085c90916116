#!/usr/bin/env bash
# A pipeline without a working directory restores its state and schema from
# the destination, but only from loads that finished: a load's _dlt_version
# and _dlt_pipeline_state rows commit before its data, so a load that then
# failed for good (here: another pipeline registered the column with another
# type) or was dropped with drop-pending leaves rows there that no
# _dlt_loads row vouches for. Restoring them would hand the pipeline a
# schema the lake never took (every later load of the table fails the same
# way) or a state whose data never arrived (incremental cursors would skip it).
source "$(dirname "$0")/lib.sh"
L() { ll load "$T/$1.ndjson" --dataset ds --table ev --lake "$LAKE" --pipeline "$2" "${@:3}"; }
echo '{"id": 1, "x": 5}' >"$T/a.ndjson"
echo '{"id": 2, "x": "five"}' >"$T/b.ndjson"
echo '{"id": 3, "x": 7}' >"$T/c.ndjson"
echo '{"id": 4, "x": 9}' >"$T/d.ndjson"

L a pa -q
# pb's first load writes x as text: it fails for good at the commit
expect_failure "a text x after a bigint x fails" L b pb -q
check_contains "it fails for the column's type" "$ERR" "columns are never retyped"
check_eq "the failed load is not in the table" "$(q 'SELECT count(*) FROM ds.ev')" "1"

# pb has no state of its own yet: its next load must not take the failed
# load's schema (x as text) from the destination
out=$(L c pb 2>&1) || { echo "$out" >&2; check_eq "pb's next load succeeds" "failed" "ok"; }
check_eq "nothing of the failed load was restored" "$(grep -c restored <<<"$out" || true)" "0"
check_eq "pb's next load is in" "$(q 'SELECT id, x FROM ds.ev ORDER BY id' | tr '\n' ' ')" "1,5 3,7 "
check_eq "one _dlt_loads row per finished load" "$(q 'SELECT count(*) FROM ds._dlt_loads')" "2"

# pc is killed before its data commits, after its dlt rows did; its package
# is dropped: the next run starts afresh too
killed_at "pc killed before its commit" before_commit \
	"$LAKELOAD" load "$T/d.ndjson" --dataset ds --table ev --lake "$LAKE" --pipeline pc -q
check_eq "pc's dlt rows are in before its data" \
	"$(q "SELECT count(*) FROM ds._dlt_pipeline_state WHERE pipeline_name = 'pc'")" "1"
ll drop-pending --pipeline pc >/dev/null
out=$(L d pc 2>&1)
check_eq "nothing of the dropped load was restored" "$(grep -c restored <<<"$out" || true)" "0"
check_eq "pc's load is in once" "$(q 'SELECT count(*) FROM ds.ev WHERE id = 4')" "1"

# a finished load is still restored from
rm -rf "$LAKELOAD_HOME/pipelines/pb"
out=$(L a pb 2>&1)
check_contains "pb's finished load restored" "$out" "restored schema pb"
check_eq "and it loads on" "$(q 'SELECT count(*) FROM ds.ev WHERE id = 1')" "2"
finish
