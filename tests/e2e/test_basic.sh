#!/usr/bin/env bash
# Loading nested NDJSON: root and child tables, dlt columns, the catalog and
# _dlt_loads, checked with lakeload's own SQL and with DuckDB reading the
# Parquet files directly.
source "$(dirname "$0")/lib.sh"
EX="$LL_SOURCE_DIR/examples/events.ndjson"

out=$(ll load "$EX" --dataset shop --table events --lake "$LAKE" 2>&1)
check_contains "load summary" "$out" "loaded 60 records"

check_eq "root rows" "$(q 'SELECT count(*) FROM shop.events')" "60"
check_eq "root rows via duckdb" "$(duck "SELECT count(*) FROM $(files_of shop events)")" "60"
items=$(/usr/bin/python3 -c "import json,sys; print(sum(len(json.loads(l).get('items',[])) for l in open('$EX')))")
check_eq "child rows" "$(q 'SELECT count(*) FROM shop.events__items')" "$items"
check_eq "child rows via duckdb" "$(duck "SELECT count(*) FROM $(files_of shop events__items)")" "$items"

# nested objects flatten with __, and the values survive
check_eq "flattened column" "$(q "SELECT user__address__city FROM shop.events WHERE id = 3")" \
	"$(/usr/bin/python3 -c "import json; print([json.loads(l) for l in open('$EX')][2]['user']['address']['city'])")"
check_eq "sum of amounts" "$(q 'SELECT round(sum(amount), 2) FROM shop.events')" \
	"$(duck "SELECT round(sum(amount), 2) FROM $(files_of shop events)")"

# children link to parents through _dlt_parent_id, with list positions; an append
# table's children have no _dlt_root_id (dlt adds it for merge only)
check_eq "orphan children" "$(q 'SELECT count(*) FROM shop.events__items i LEFT JOIN shop.events e ON i._dlt_parent_id = e._dlt_id WHERE e._dlt_id IS NULL')" "0"
check_eq "child columns as dlt's" "$(duck "SELECT string_agg(name, ' ' ORDER BY name) FROM parquet_schema('$LAKE/shop/events__items/*.parquet') WHERE name LIKE '_dlt%'")" \
	"_dlt_id _dlt_list_idx _dlt_parent_id"
check_eq "child ids in dlt's alphabet" "$(q "SELECT count(*) FROM shop.events__items WHERE length(_dlt_id) = 14 AND _dlt_id NOT GLOB '*[^A-Za-z0-9+/]*'")" "$items"
check_eq "list index" "$(q 'SELECT min(_dlt_list_idx) FROM shop.events__items')" "0"
check_eq "lists of scalars" "$(q "SELECT count(*) FROM shop.events__tags WHERE value = 'promo'")" \
	"$(grep -o '"promo"' "$EX" | wc -l)"
check_eq "unique _dlt_id" "$(q 'SELECT count(DISTINCT _dlt_id) FROM shop.events')" "60"
check_eq "load id on root rows" "$(q 'SELECT count(DISTINCT _dlt_load_id) FROM shop.events')" "1"

# types: timestamps are UTC millisecond timestamps, booleans are booleans
schema=$(duck "SELECT name, type, logical_type FROM parquet_schema('$LAKE/shop/events/*.parquet') WHERE name IN ('created_at','is_mobile','id','amount') ORDER BY name")
check_contains "timestamp type" "$schema" "created_at,INT64"
check_contains "timestamp millis" "$schema" "TimeUnit(MILLIS=MilliSeconds()"
check_contains "bool type" "$schema" "is_mobile,BOOLEAN"
check_eq "timestamp value" "$(q "SELECT created_at FROM shop.events WHERE id = 1")" "2024-02-21 01:04:52.548"
check_eq "timestamp via duckdb" "$(duck "SELECT strftime(created_at, '%Y-%m-%d %H:%M:%S.%g') FROM $(files_of shop events) WHERE id = 1")" "2024-02-21 01:04:52.548"

# _dlt_loads records the committed load with status 0
check_eq "_dlt_loads" "$(q 'SELECT count(*), min(status) FROM shop._dlt_loads')" "1,0"
check_eq "_dlt_loads matches rows" "$(q 'SELECT count(*) FROM shop.events e JOIN shop._dlt_loads l ON e._dlt_load_id = l.load_id')" "60"
check_eq "_dlt_version" "$(q 'SELECT count(*) FROM shop._dlt_version')" "1"
check_eq "_dlt_pipeline_state" "$(q "SELECT pipeline_name FROM shop._dlt_pipeline_state")" "shop"

# the lake layout is <lake>/<dataset>/<table>/<load_id>.<file_id>.parquet
load_id=$(q 'SELECT load_id FROM shop._dlt_loads')
n=$(find "$LAKE/shop/events" -name "$load_id.*.parquet" | wc -l)
check_eq "file layout" "$((n > 0))" "1"

# stdin, a JSON array and a single object, gzip detected by magic bytes
head -5 "$EX" | ll load - --dataset other --table ev --lake "$LAKE" -q
check_eq "stdin" "$(q 'SELECT count(*) FROM other.ev')" "5"
/usr/bin/python3 -c "import json; print(json.dumps([json.loads(l) for l in open('$EX')][:7]))" > "$T/array.json"
ll load "$T/array.json" --dataset other --table arr --lake "$LAKE" -q
check_eq "json array" "$(q 'SELECT count(*) FROM other.arr')" "7"
echo '{"a": {"b": 1}, "c": [1, 2, 3]}' > "$T/one.json"
ll load "$T/one.json" --dataset other --table one --lake "$LAKE" -q
check_eq "single object" "$(q 'SELECT a__b FROM other.one')" "1"
check_eq "single object child" "$(q 'SELECT sum(value) FROM other.one__c')" "6"
gzip -c "$EX" > "$T/events.data"
ll load "$T/events.data" --dataset other --table gz --lake "$LAKE" -q
check_eq "gzip input" "$(q 'SELECT count(*) FROM other.gz')" "60"
: > "$T/empty.ndjson"
ll load "$T/empty.ndjson" --dataset other --table empty --lake "$LAKE" -q
check_eq "empty input is a load" "$(q "SELECT count(*) FROM other._dlt_loads")" "5"

# table name defaults to the file name; Presto-style quoted identifiers work
cp "$EX" "$T/clicks.ndjson"
ll load "$T/clicks.ndjson" --dataset other --lake "$LAKE" -q
check_eq "default table name" "$(q 'SELECT count(*) FROM "other"."clicks" WHERE "is_mobile"')" \
	"$(grep -c '"is_mobile": true' "$EX")"

# info shows the pipeline, its loads and tables with row counts
info=$(ll info --pipeline shop)
check_contains "info dataset" "$info" "dataset: shop"
check_contains "info loaded package" "$info" "loaded"
check_contains "info table rows" "$info" "60 rows"

# every Parquet file lakeload wrote is readable by hyparquet too
for f in $(find "$LAKE/shop" -name '*.parquet'); do
	rows_h=$(node "$LL_INTEROP_DIR/parquet_rows.mjs" --reader hyparquet "$f" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	rows_d=$(duck "SELECT count(*) FROM read_parquet('$f')")
	check_eq "hyparquet reads $(basename "$(dirname "$f")")/$(basename "$f")" "$rows_h" "$rows_d"
done
finish
