#!/usr/bin/env bash
# Iceberg tables end to end: append, merge (dlt delete-insert, children
# following their root), replace, partitions, delete --where and history,
# each checked with lakeload's own query and with icebird, an Iceberg reader
# nobody here wrote; manifests are read with Debian's python3-avro.
source "$(dirname "$0")/lib.sh"
ICEBIRD="$LL_SOURCE_DIR/tests/iceberg/icebird_rows.mjs"

# Orders: ids 1..40, a few items each; emails repeat every 10 orders.
gen_orders() { # first last amount_base
	/usr/bin/python3 - "$@" <<'PY'
import json, sys
first, last, base = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for i in range(first, last + 1):
    print(json.dumps({"id": i, "category": ["books", "games", "tools"][i % 3],
                      "user_id": i % 7, "email": f"u{i % 10}@shop.test",
                      "created_at": f"2024-{(i % 4) + 1:02d}-{(i % 27) + 1:02d}T10:00:00Z",
                      "amount": base + i,
                      "items": [{"sku": f"s{i}-{k}", "qty": k + 1} for k in range(i % 3 + 1)]}))
PY
}
L() { ll load "$@" --dataset shop --lake "$LAKE" -q; }
metadata_of() { /usr/bin/python3 -c "
import sqlite3, sys
db = sqlite3.connect('$LAKE/catalog.db')
row = db.execute(\"SELECT metadata_location FROM iceberg_tables WHERE table_namespace='shop' AND table_name=?\", (sys.argv[1],)).fetchone()
print(row[0][len('file://'):])" "$1"; }
icebird_count() { node "$ICEBIRD" - "$(metadata_of "$1")" | /usr/bin/python3 -c "import json,sys; print(len(json.load(sys.stdin)))"; }
icebird_sum() { node "$ICEBIRD" - "$(metadata_of "$1")" | /usr/bin/python3 -c "import json,sys; print(sum(int(r['$2']) for r in json.load(sys.stdin)))"; }

gen_orders 1 40 100 > "$T/orders.ndjson"
L "$T/orders.ndjson" --table orders --table-format iceberg --write-disposition merge --primary-key id
check_eq "first merge loads all" "$(q 'SELECT count(*), sum(amount) FROM shop.orders')" "40,4820"
check_eq "icebird reads the table" "$(icebird_count orders)" "40"
check_eq "child table" "$(q 'SELECT count(*) FROM shop.orders__items')" "80"
check_eq "icebird reads the child table" "$(icebird_count orders__items)" "80"

# ids 31..50 again, with new amounts, and id 45 twice: the last one wins
{ gen_orders 31 50 1000; gen_orders 45 45 5000; } > "$T/changes.ndjson"
L "$T/changes.ndjson" --table orders --table-format iceberg --write-disposition merge --primary-key id
check_eq "merge replaces by key" "$(q 'SELECT count(*) FROM shop.orders')" "50"
check_eq "merge keeps the last duplicate" "$(q 'SELECT amount FROM shop.orders WHERE id = 45')" "5045"
want_sum=$(/usr/bin/python3 -c "print(sum(100+i for i in range(1,31)) + sum(1000+i for i in range(31,51) if i != 45) + 5045)")
check_eq "merge sum" "$(q 'SELECT sum(amount) FROM shop.orders')" "$want_sum"
check_eq "icebird sees the merge" "$(icebird_sum orders amount)" "$want_sum"
want_items=$(/usr/bin/python3 -c "print(sum(i % 3 + 1 for i in range(1, 51)))")
check_eq "children follow their root" "$(q 'SELECT count(*) FROM shop.orders__items')" "$want_items"
check_eq "icebird children" "$(icebird_count orders__items)" "$want_items"
check_eq "no orphan children" "$(q 'SELECT count(*) FROM shop.orders__items i LEFT JOIN shop.orders o ON i._dlt_root_id = o._dlt_id WHERE o._dlt_id IS NULL')" "0"

# delete: GDPR by email, with the children of the removed rows
ll delete shop.orders --where "email = 'u3@shop.test'" --lake "$LAKE" -q
check_eq "delete removes matching rows" "$(q "SELECT count(*) FROM shop.orders WHERE email = 'u3@shop.test'")" "0"
check_eq "delete leaves the rest" "$(q 'SELECT count(*) FROM shop.orders')" "45"
check_eq "icebird after delete" "$(icebird_count orders)" "45"
check_eq "delete removes children" "$(q 'SELECT count(*) FROM shop.orders__items i LEFT JOIN shop.orders o ON i._dlt_root_id = o._dlt_id WHERE o._dlt_id IS NULL')" "0"
hist=$(ll history shop.orders --lake "$LAKE")
check_eq "history: one snapshot per change" "$(echo "$hist" | tail -n +2 | wc -l)" "3"
check_contains "history shows the delete" "$hist" "delete"
check_contains "history marks the current snapshot" "$hist" "(current)"

# an append table's children have no _dlt_root_id (as in dlt): delete follows
# _dlt_parent_id down every level instead
gen_orders 1 6 100 | /usr/bin/python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    r['notes'] = [{'text': 'n%d' % r['id'], 'tags': ['t'] * r['id']}]
    print(json.dumps(r))" > "$T/appended.ndjson"
L "$T/appended.ndjson" --table appended --table-format iceberg
check_eq "append children have no root key" "$(duck "SELECT count(*) FROM parquet_schema('$LAKE/shop/appended__items/data/*.parquet') WHERE name = '_dlt_root_id'")" "0"
ll delete shop.appended --where "id IN (2, 5)" --lake "$LAKE" -q
check_eq "delete without root key" "$(q 'SELECT count(*) FROM shop.appended')" "4"
check_eq "children of deleted rows gone" "$(q 'SELECT count(*) FROM shop.appended__items')" \
	"$(/usr/bin/python3 -c "print(sum(i % 3 + 1 for i in (1, 3, 4, 6)))")"
check_eq "grandchildren of deleted rows gone" "$(q 'SELECT count(*) FROM shop.appended__notes__tags')" "14"
check_eq "no orphans left" "$(q 'SELECT count(*) FROM shop.appended__notes__tags t LEFT JOIN shop.appended__notes n ON t._dlt_parent_id = n._dlt_id WHERE n._dlt_id IS NULL')" "0"
check_eq "icebird sees the grandchildren" "$(icebird_count appended__notes__tags)" "14"

# manifests are Avro files the official library reads, with the spec's field ids
avro_check=$(/usr/bin/python3 - "$(metadata_of orders)" <<'PY'
import json, sys, warnings, avro.datafile, avro.io
warnings.simplefilter("ignore")
md = json.load(open(sys.argv[1]))
snap = [s for s in md["snapshots"] if s["snapshot-id"] == md["current-snapshot-id"]][0]
path = lambda loc: loc[len("file://"):]
with avro.datafile.DataFileReader(open(path(snap["manifest-list"]), "rb"), avro.io.DatumReader()) as r:
    meta = {k: r.get_meta(k) for k in ("format-version", "snapshot-id", "sequence-number")}
    manifests = list(r)
contents = sorted(m["content"] for m in manifests)
with avro.datafile.DataFileReader(open(path(manifests[0]["manifest_path"]), "rb"), avro.io.DatumReader()) as r:
    schema = json.loads(r.get_meta("avro.schema"))
    keys = all(r.get_meta(k) is not None for k in ("schema", "partition-spec", "format-version", "content"))
ids = {f["name"]: f.get("field-id") for f in schema["fields"]}
print(meta["format-version"].decode(), contents[-1], keys, ids.get("status"), ids.get("data_file"))
PY
)
check_eq "python3-avro reads our manifests" "$avro_check" "2 1 True 0 2"

# replace
gen_orders 1 5 7 > "$T/five.ndjson"
L "$T/five.ndjson" --table orders --table-format iceberg --write-disposition replace
check_eq "replace" "$(q 'SELECT count(*) FROM shop.orders')" "5"
check_eq "replace children" "$(q 'SELECT count(*) FROM shop.orders__items')" "$(/usr/bin/python3 -c "print(sum(i % 3 + 1 for i in range(1, 6)))")"
check_eq "icebird after replace" "$(icebird_count orders)" "5"

check_eq "info counts an Iceberg table's live rows" "$(ll info --pipeline shop | awk '$1 == "shop.orders" { print $2, $4 }')" "5 1"

# partitions, as in Athena's PARTITIONED BY
L "$T/orders.ndjson" --table parts --table-format iceberg --partition category \
	--partition 'month(created_at)' --partition 'bucket(16, user_id)'
check_eq "partitioned load" "$(q 'SELECT count(*), sum(amount) FROM shop.parts')" "40,4820"
check_eq "icebird reads partitions" "$(icebird_count parts)" "40"
dirs=$(find "$LAKE/shop/parts/data" -mindepth 3 -maxdepth 3 -type d | sed "s|$LAKE/shop/parts/data/||" | sort | head -1)
check_contains "partition directories" "$dirs" "category=books/created_at_month=2024-"
check_contains "bucket directory" "$dirs" "user_id_bucket="
check_eq "partition pruning answers" "$(q "SELECT count(*) FROM shop.parts WHERE category = 'games'")" "14"
L "$T/changes.ndjson" --table parts --table-format iceberg --write-disposition merge --primary-key id
check_eq "merge into a partitioned table" "$(q 'SELECT count(*) FROM shop.parts')" "50"
check_eq "icebird after partitioned merge" "$(icebird_sum parts amount)" "$want_sum"

# a merge skips data files whose key bounds hold none of its keys, and still finds the rest
for r in 0 1 2; do
	/usr/bin/python3 -c "
import json
for i in range($r * 10 + 1, $r * 10 + 11): print(json.dumps({'id': i, 'v': i}))" > "$T/r$r.ndjson"
	L "$T/r$r.ndjson" --table ranges --table-format iceberg --write-disposition merge --primary-key id
done
printf '{"id": 15, "v": 1500}\n{"id": 25, "v": 2500}\n{"id": 31, "v": 31}\n' > "$T/rm.ndjson"
L "$T/rm.ndjson" --table ranges --table-format iceberg --write-disposition merge --primary-key id
check_eq "merge across ranged files" "$(q 'SELECT count(*), sum(v) FROM shop.ranges')" "31,$((465 + 1485 + 2475 + 31))"
check_eq "icebird after ranged merge" "$(icebird_count ranges)" "31"
# keys on both sides of a file (5 and 28 around 11..20): that file holds none of them and is
# not read, the files around it still lose the rows of theirs
printf '{"id": 5, "v": 500}\n{"id": 28, "v": 2800}\n' > "$T/rs.ndjson"
L "$T/rs.ndjson" --table ranges --table-format iceberg --write-disposition merge --primary-key id
check_eq "merge around a file without keys" "$(q 'SELECT count(*), sum(v) FROM shop.ranges')" "31,$((4456 + 495 + 2772))"
check_eq "icebird after merge around a file" "$(icebird_sum ranges v)" "$((4456 + 495 + 2772))"

# merges by a text key and by a key of two columns
printf '{"code": "a", "n": 1}\n{"code": "b", "n": 2}\n{"code": "c", "n": 3}\n' > "$T/s1.ndjson"
printf '{"code": "b", "n": 20}\n{"code": "d", "n": 4}\n' > "$T/s2.ndjson"
L "$T/s1.ndjson" --table codes --table-format iceberg --write-disposition merge --primary-key code
L "$T/s2.ndjson" --table codes --table-format iceberg --write-disposition merge --primary-key code
check_eq "merge by a text key" "$(q 'SELECT count(*), sum(n) FROM shop.codes')" "4,28"
printf '{"k1": 1, "k2": "x", "n": 1}\n{"k1": 1, "k2": "y", "n": 2}\n{"k1": 2, "k2": "x", "n": 3}\n' > "$T/c1.ndjson"
printf '{"k1": 1, "k2": "y", "n": 20}\n{"k1": 2, "k2": "y", "n": 4}\n' > "$T/c2.ndjson"
L "$T/c1.ndjson" --table pairs --table-format iceberg --write-disposition merge --primary-key k1 --primary-key k2
L "$T/c2.ndjson" --table pairs --table-format iceberg --write-disposition merge --primary-key k1 --primary-key k2
check_eq "merge by a key of two columns" "$(q 'SELECT count(*), sum(n) FROM shop.pairs')" "4,28"
check_eq "icebird after a two-column merge" "$(icebird_sum pairs n)" "28"

# schema evolution: a new column is a new Iceberg schema with a new field id
echo '{"id": 1, "a": "x"}' > "$T/e1.ndjson"
echo '{"id": 2, "a": "y", "b": 5}' > "$T/e2.ndjson"
L "$T/e1.ndjson" --table ev --table-format iceberg
L "$T/e2.ndjson" --table ev --table-format iceberg
check_eq "added column" "$(q 'SELECT id, a, b FROM shop.ev ORDER BY id' | tr '\n' ' ')" "1,x, 2,y,5 "
check_eq "new schema id" "$(/usr/bin/python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d['schemas']), d['current-schema-id'], max(f['id'] for f in d['schemas'][-1]['fields']))" "$(metadata_of ev)")" "2 1 5"
check_eq "icebird reads the evolved table" "$(icebird_count ev)" "2"

# foreign or damaged metadata is reported, never overwritten
L "$T/five.ndjson" --table damaged --table-format iceberg --pipeline dmg
md=$(metadata_of damaged)
/usr/bin/python3 -c "
import json, sys
d = json.load(open(sys.argv[1])); d['format-version'] = 3
json.dump(d, open(sys.argv[1], 'w'))" "$md"
before=$(md5sum "$md")
expect_failure "unknown format version" ll load "$T/five.ndjson" --dataset shop --table damaged --lake "$LAKE" --table-format iceberg --pipeline dmg
check_contains "format version message" "$ERR" "format"
check_contains "message names the file" "$ERR" "$md"
check_eq "metadata untouched" "$(md5sum "$md")" "$before"
check_eq "catalog still points at it" "$(metadata_of damaged)" "$md"
printf 'not json' > "$md"
expect_failure "metadata that is not JSON" ll load "$T/five.ndjson" --dataset shop --table damaged --lake "$LAKE" --table-format iceberg --pipeline dmg
check_contains "bad metadata message names the file" "$ERR" "$md"

# a table stays what it is
expect_failure "iceberg to hive" ll load "$T/five.ndjson" --dataset shop --table orders --lake "$LAKE"
check_contains "switch message" "$ERR" "switching it to hive is not supported"
L "$T/five.ndjson" --table plain
expect_failure "hive has no delete" ll delete shop.plain --where "1=1" --lake "$LAKE"
check_contains "delete names what to do" "$ERR" "--table-format iceberg"
finish
