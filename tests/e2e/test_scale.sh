#!/usr/bin/env bash
# Large inputs: a million rows, ten thousand columns, deep nesting and
# lists of lists, read back by lakeload and by DuckDB.
source "$(dirname "$0")/lib.sh"

awk 'BEGIN { for (i = 0; i < 1000000; i++)
	printf "{\"id\":%d,\"v\":%d.5,\"s\":\"s%d\",\"t\":\"2024-01-01T00:%02d:00Z\",\"ok\":%s}\n", i, i, i % 100, i % 60, (i % 2 ? "true" : "false") }' \
	> "$T/million.ndjson"
ll load "$T/million.ndjson" --dataset big --table rows --lake "$LAKE" -q
check_eq "1M rows" "$(q 'SELECT count(*), sum(id) FROM big.rows')" "1000000,499999500000"
check_eq "1M rows via duckdb" "$(duck "SELECT count(*), sum(id), sum(v) FROM $(files_of big rows)")" \
	"1000000,499999500000,500000000000"
check_eq "pushdown query" "$(q "SELECT count(*) FROM big.rows WHERE id >= 999990")" "10"
check_eq "distinct strings" "$(q 'SELECT count(DISTINCT s) FROM big.rows')" "100"

/usr/bin/python3 -c "
import json
rec = {'id': 0}
rec.update({'col_%d' % i: i for i in range(10000)})
print(json.dumps(rec))
print(json.dumps({'id': 1, 'col_9999': -1}))" > "$T/wide.ndjson"
ll load "$T/wide.ndjson" --dataset big --table wide --lake "$LAKE" -q
check_eq "10k columns in parquet" \
	"$(duck "SELECT count(*) FROM parquet_schema('$LAKE/big/wide/*.parquet') WHERE name LIKE 'col_%'")" "10000"
check_eq "10k columns queried" "$(q 'SELECT col_9999 FROM big.wide ORDER BY id')" $'9999\n-1'
check_eq "10k columns via duckdb" "$(duck "SELECT sum(col_5000) FROM $(files_of big wide)")" "5000"

/usr/bin/python3 -c "
import json
deep = {'leaf': 1}
for i in range(60): deep = {'n%d' % i: deep}
print(json.dumps({'id': 1, 'deep': deep, 'grid': [[1, 2], [3], []], 'emoji_🦆': 'quack', 'naïve': 'café'}))" > "$T/deep.ndjson"
ll load "$T/deep.ndjson" --dataset big --table deep --lake "$LAKE" -q
cols=$(duck "SELECT name FROM parquet_schema('$LAKE/big/deep/*.parquet')")
check_contains "deep names are shortened" "$cols" "deep__n59__n58"
check_eq "deep value" "$(duck "SELECT count(*) FROM parquet_schema('$LAKE/big/deep/*.parquet') WHERE length(name) <= 255")" \
	"$(duck "SELECT count(*) FROM parquet_schema('$LAKE/big/deep/*.parquet')")"
check_eq "lists of lists" "$(q 'SELECT sum(value) FROM big.deep__grid__list')" "6"
check_eq "unicode names" "$(q 'SELECT na_ve FROM big.deep')" "café"
finish
