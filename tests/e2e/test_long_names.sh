#!/usr/bin/env bash
# Deeply nested records and very long keys load and can be queried: names
# past Athena's 255 characters are shortened the way dlt shortens them
# (head and tail around a tag of the full name), checked by reading the
# columns back with lakeload's SQL and with DuckDB from the Parquet files.
source "$(dirname "$0")/lib.sh"

/usr/bin/python3 - "$T" <<'PY'
import json, sys
d = {"v": 42}
for i in range(300):
    d = {"k%d" % i: d}
rows = [
    {"id": 1, "deep": d},
    {"id": 2, "a" * 5000: "long", "items": [{"b" * 5000: 7}]},
]
with open(sys.argv[1] + "/nested.ndjson", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
PY

ll load "$T/nested.ndjson" --dataset shop --table nested --lake "$LAKE" -q

# the names dlt gives these keys (snake_case, max_identifier_length 255)
deep_col="deep__k299__k298__k297__k296__k295__k294__k293__k292__k291__k290__k289__k288__k287__k286__k285__k284__k283__k282__k281__k280_dg99lq6__k25__k24__k23__k22__k21__k20__k19__k18__k17__k16__k15__k14__k13__k12__k11__k10__k9__k8__k7__k6__k5__k4__k3__k2__k1__k0__v"
a_col="$(printf 'a%.0s' $(seq 125))damlzq$(printf 'a%.0s' $(seq 124))"
b_col="$(printf 'b%.0s' $(seq 125))vmaf4a$(printf 'b%.0s' $(seq 124))"

check_eq "300 levels deep" "$(q "SELECT \"$deep_col\" FROM shop.nested WHERE id = 1")" "42"
check_eq "300 levels via duckdb" "$(duck "SELECT \"$deep_col\" FROM $(files_of shop nested) WHERE id = 1")" "42"
check_eq "5000-character key" "$(q "SELECT \"$a_col\" FROM shop.nested WHERE id = 2")" "long"
check_eq "5000-character key via duckdb" "$(duck "SELECT \"$a_col\" FROM $(files_of shop nested) WHERE id = 2")" "long"
check_eq "long key in a child table" "$(q "SELECT \"$b_col\" FROM shop.nested__items")" "7"
check_eq "names fit Athena" "$(duck "SELECT max(length(name)) FROM parquet_schema('$LAKE/shop/nested/*.parquet')")" "255"
finish
