#!/usr/bin/env bash
# Loads on several threads: an NDJSON input of ~13 MB is cut into pieces
# (4 MiB each) normalized on 1, 3 and 8 threads, from a file, from a gzip
# file and from stdin. Every way gives the same tables, the same columns with
# the same types in the same order, and the same rows: every value but the
# load's own ids, with each child row under the same parent (joined through
# _dlt_parent_id), as DuckDB reads the Parquet files. Ids are unique and
# every child's parent exists. A bad record is reported at the same
# file:line:column whatever the thread count, and nothing of that load lands.
# (That the _dlt_ids themselves are equal for every thread count is checked
# with a fixed load id in test_normalize_pool.)
source "$(dirname "$0")/lib.sh"
cd "$T"

/usr/bin/python3 - <<'PY'
import json, random
random.seed(7)
with open("ev.ndjson", "w") as f:
    n = 40000
    for i in range(n):
        r = {"id": i, "name": "user%d" % i, "score": round(random.random() * 100, 3),
             "tags": ["t%d" % (i % 5), "x"][: i % 3],
             "meta": {"k": i % 7, "v": "v" * (i % 5), "deep": {"z": None}}}
        if i % 4 == 0:
            r["items"] = [{"sku": "s%d" % j, "qty": j, "opts": [{"o": j}, {"o": j + 1}]} for j in range(i % 5)]
        if i % 97 == 0:  # an integer column that later gets text: a variant column
            r["amount"] = "a%d" % i if i > n // 2 and i % 2 else i
        if i > n * 3 // 4 and i % 10 == 0:  # keys first seen in the last piece
            r["late"] = {"flag": i % 20 == 0, "at": "2024-01-%02dT10:00:00Z" % (i % 28 + 1)}
        f.write(json.dumps(r) + "\n")
PY
gzip -k ev.ndjson

ll load ev.ndjson --dataset one --table ev --lake "$LAKE" --threads 1 -q
ll load ev.ndjson --dataset three --table ev --lake "$LAKE" --threads 3 -q
ll load ev.ndjson.gz --dataset gz --table ev --lake "$LAKE" --threads 3 -q
ll load - --dataset stdin --table ev --lake "$LAKE" --threads 8 -q <ev.ndjson

TABLES="ev ev__tags ev__items ev__items__opts"
columns() { "$LAKELOAD" query --lake "$LAKE" --format csv "SELECT * FROM $1 LIMIT 0" | head -1 | tr -d '\r'; }
# The rows of a table without the load's ids, each child row with its parent's own columns.
rows_of() {
	local ds=$1 t=$2
	case $t in
	ev) echo "SELECT * EXCLUDE (_dlt_id, _dlt_load_id) FROM $(files_of "$ds" ev)" ;;
	ev__tags | ev__items)
		echo "SELECT p.id AS parent, c.* EXCLUDE (_dlt_id, _dlt_parent_id) FROM $(files_of "$ds" "$t") c
		      JOIN $(files_of "$ds" ev) p ON c._dlt_parent_id = p._dlt_id" ;;
	ev__items__opts)
		echo "SELECT p.sku AS parent, g.id AS grandparent, c.* EXCLUDE (_dlt_id, _dlt_parent_id)
		      FROM $(files_of "$ds" "$t") c JOIN $(files_of "$ds" ev__items) p ON c._dlt_parent_id = p._dlt_id
		      JOIN $(files_of "$ds" ev) g ON p._dlt_parent_id = g._dlt_id" ;;
	esac
}

check_eq "one thread: the tables" "$(ls "$LAKE/one" | grep -v '^_dlt' | tr '\n' ' ')" \
	"ev ev__items ev__items__opts ev__tags "
check_contains "one thread: a variant column" "$(columns one.ev)" "amount__v_text"
check_contains "one thread: late keys flattened" "$(columns one.ev)" "late__flag,late__at"
for ds in three gz stdin; do
	check_eq "$ds: the tables" "$(ls "$LAKE/$ds" | grep -v '^_dlt' | tr '\n' ' ')" \
		"ev ev__items ev__items__opts ev__tags "
	for t in $TABLES; do
		check_eq "$ds.$t: columns, in order" "$(columns "$ds.$t")" "$(columns "one.$t")"
		check_eq "$ds.$t: row count" "$(q "SELECT count(*) FROM $ds.$t")" "$(q "SELECT count(*) FROM one.$t")"
		check_eq "$ds.$t: the same rows" \
			"$(duck "SELECT count(*) FROM (($(rows_of "$ds" "$t") EXCEPT ALL $(rows_of one "$t"))
			         UNION ALL ($(rows_of one "$t") EXCEPT ALL $(rows_of "$ds" "$t")))")" "0"
		check_eq "$ds.$t: ids unique" "$(q "SELECT count(*) - count(DISTINCT _dlt_id) FROM $ds.$t")" "0"
	done
	check_eq "$ds: column types" \
		"$("$LAKELOAD" show "$ds.ev" --lake "$LAKE" | grep -E '^ +[a-z_]+ ' | sed 's/^ *//')" \
		"$("$LAKELOAD" show one.ev --lake "$LAKE" | grep -E '^ +[a-z_]+ ' | sed 's/^ *//')"
done
check_eq "three threads wrote more than one file" "$(ls "$LAKE/three/ev" | wc -l | awk '{print ($1 > 1)}')" "1"
check_eq "records in the load message" \
	"$(ll load ev.ndjson --dataset again --table ev --lake "$LAKE" --threads 2 2>&1 | grep -o 'loaded [0-9]* records')" \
	"loaded 40000 records"

# A bad record in the last piece: the same message for every thread count, nothing loaded.
/usr/bin/python3 - <<'PY'
lines = open("ev.ndjson").read().splitlines(True)
lines[37000] = '{"id": 37000, "name": tru}\n'
open("bad.ndjson", "w").write("".join(lines))
PY
expect_failure "bad record, 1 thread" ll load bad.ndjson --dataset bad1 --table ev --lake "$LAKE" --threads 1
ONE=$ERR
expect_failure "bad record, 4 threads" ll load bad.ndjson --dataset bad4 --table ev --lake "$LAKE" --threads 4
check_eq "bad record: the same message" "$ERR" "$ONE"
check_contains "bad record: file, line and column" "$ERR" "bad.ndjson:37001:"
check_eq "bad record: nothing loaded" "$(ls "$LAKE" | grep -c '^bad' || true)" "0"

expect_failure "--threads 0" ll load ev.ndjson --dataset x --lake "$LAKE" --threads 0
check_eq "--threads 0 is a usage error" "$RC" "2"
finish
