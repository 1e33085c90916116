#!/usr/bin/env bash
# A load killed after its commit, before its package moved to loaded/, is
# finished by the next run as committed. Meanwhile another pipeline's
# replace may have superseded it, and the replace's clean-up deleted its
# files from the lake: the rerun must still see that the load is in, not
# take its package for damaged (which failed every later run of the
# pipeline until drop-pending). Hive and Iceberg tables alike.
source "$(dirname "$0")/lib.sh"
for w in s a b c; do
	/usr/bin/python3 -c "
import json
for i in range(3): print(json.dumps({'who': '$w', 'n': i, 'items': [{'k': i}]}))" >"$T/$w.ndjson"
done
for fmt in hive iceberg; do
	L() { "$LAKELOAD" load "$T/$1.ndjson" --dataset ds --table "$fmt" --lake "$LAKE" \
		--pipeline "$2$fmt" --table-format "$fmt" --write-disposition replace -q; }
	L s pa
	killed_at "$fmt: a killed after its commit" after_commit L a pa
	L b pb
	out=$(L a pa 2>&1) && rc=0 || rc=$?
	check_eq "$fmt: a's rerun finishes its load" "$rc" "0"
	check_eq "$fmt: b's replace is the table" \
		"$(q "SELECT who, count(*) FROM ds.$fmt GROUP BY who" | tr '\n' ' ')" "b,3 "
	L c pa 2>/dev/null || check_eq "$fmt: the next run of a's pipeline succeeds" "failed" "ok"
	check_eq "$fmt: the next run of a's pipeline" \
		"$(q "SELECT who, count(*) FROM ds.$fmt GROUP BY who" | tr '\n' ' ')" "c,3 "
	check_eq "$fmt: children follow" "$(q "SELECT count(*) FROM ds.${fmt}__items")" "3"
done
check_eq "one _dlt_loads row per load" "$(q 'SELECT count(*), count(DISTINCT load_id) FROM ds._dlt_loads')" "8,8"
finish
