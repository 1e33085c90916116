#!/usr/bin/env bash
# A table wider than SQLite's column limit (2000 in Debian's build): 2,500
# columns, hive and Iceberg. SELECT count(*) answers, a query naming as many
# columns as SQLite can show (1,999 besides its rowid) returns them all with
# their values, and SELECT * or a query naming more fails saying what to do.
source "$(dirname "$0")/lib.sh"

/usr/bin/python3 -c "
import json
for r in range(3): print(json.dumps({f'c{i:04d}': r * 10000 + i for i in range(2500)}))" > "$T/w.ndjson"
ll load "$T/w.ndjson" --lake "$LAKE" --dataset d --table wh -q
ll load "$T/w.ndjson" --lake "$LAKE" --dataset d --table wi --table-format iceberg -q

# "c0502, c0503, ..., c2499": the last 1,998 columns, and c0000 in the filter
named=$(/usr/bin/python3 -c "print(', '.join(f'c{i:04d}' for i in range(502, 2500)))")
want_named=$(/usr/bin/python3 -c "print(','.join(str(10000 + i) for i in range(502, 2500)))")
too_many=$(/usr/bin/python3 -c "print(', '.join(f'c{i:04d}' for i in range(500, 2500)))")

for t in wh wi; do
	check_eq "$t: count(*)" "$(q "SELECT count(*) FROM d.$t")" "3"
	check_eq "$t: count(*) with a filter on the last column" \
		"$(q "SELECT count(*), sum(c2499) FROM d.$t WHERE c2499 > 2499")" "2,34998"
	check_eq "$t: 1,999 named columns (1,998 selected)" "$(q "SELECT $named FROM d.$t WHERE c0000 = 10000")" "$want_named"
	expect_failure "$t: SELECT *" ll query --lake "$LAKE" "SELECT * FROM d.$t"
	check_contains "$t: SELECT * says to name the columns" "$ERR" \
		"has 2502 columns, more than the 1999 SQLite can show in one query"
	expect_failure "$t: 2,000 named columns" ll query --lake "$LAKE" "SELECT $too_many FROM d.$t"
	check_contains "$t: 2,000 named columns says to split the query" "$ERR" \
		"the query names 2000 of them"
done

# DuckDB reads the same 2,502 columns (2,500 and _dlt_load_id, _dlt_id) and values.
check_eq "DuckDB: hive columns and sum" \
	"$(duck "SELECT (SELECT count(*) FROM (DESCRIBE SELECT * FROM $(files_of d wh))), sum(c1234) FROM $(files_of d wh)")" \
	"2502,33702"
check_eq "DuckDB: Iceberg data file columns and sum" \
	"$(duck "SELECT (SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet('$LAKE/d/wi/data/*.parquet'))), sum(c1234) FROM read_parquet('$LAKE/d/wi/data/*.parquet')")" \
	"2502,33702"
finish
