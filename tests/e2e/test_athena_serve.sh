#!/usr/bin/env bash
# The athena destination against lakeload serve (its Glue and Athena) over an
# S3 emulator (s3rver): hive append and replace, Iceberg merge with
# partitions, delete, history, info and show through Glue; queries on serve's
# Athena equal the embedded engine's over the same Glue tables and the local
# destination's over the same input in another lake; state sync restores the
# pipeline in a fresh LAKELOAD_HOME, which continues the merge without
# duplicating keys; a load that cannot reach Glue is finished exactly once by
# the next run. Needs no moto: serve is part of lakeload.
NO_MOTO=1
source "$(dirname "$0")/athena_lib.sh"
start_serve
export DESTINATION__ATHENA__QUERY_RESULT_BUCKET=s3://lakeload-e2e/athena-results
LOCAL_LAKE="$T/local-lake"
# the local destination keeps its pipelines in a home of its own
Lo() { LAKELOAD_HOME="$T/home-local" ll "$@" --lake "$LOCAL_LAKE" --destination local; }
ql() { Lo query --format csv "$1" | tail -n +2 | tr -d '\r'; }
# a query on serve's Athena: --dataset names the database, Trino SQL
qs() { A query --dataset shop --format csv "$1" | tail -n +2 | tr -d '\r'; }
same() { # description, query: Athena (serve) == embedded over Glue == local destination
	local athena
	athena=$(qs "$2")
	check_eq "$1: Athena through serve = embedded engine" "$athena" "$(qa "$2")"
	check_eq "$1: Athena through serve = local destination" "$athena" "$(ql "$2")"
}

/usr/bin/python3 -c "
import json
for i in range(1, 41): print(json.dumps({'id': i, 'amount': 100 + i, 'email': f'u{i % 5}@x.test', 'day': f'2024-01-{i % 28 + 1:02d}', 'items': [{'k': j} for j in range(i % 3 + 1)]}))" > "$T/a.ndjson"
/usr/bin/python3 -c "
import json
for i in range(31, 51): print(json.dumps({'id': i, 'amount': 1000 + i, 'email': f'u{i % 5}@x.test', 'day': '2024-02-01', 'items': [{'k': 0}]}))" > "$T/b.ndjson"

# every step runs on both destinations: athena (serve + S3) and local (another lake)
both() { A "$@"; Lo "$@"; }
M() { both load "$1" --dataset shop --table orders --table-format iceberg --write-disposition merge --primary-key id --column day:date --partition "month(day)" -q; }
M "$T/a.ndjson"
M "$T/b.ndjson"
want=$(/usr/bin/python3 -c "print(sum(100 + i for i in range(1, 31)) + sum(1000 + i for i in range(31, 51)))")
check_eq "Iceberg merge through serve's Glue" "$(qs 'SELECT count(*), sum(amount) FROM orders')" "50,$want"
same "merged rows" "SELECT id, amount, email, day FROM shop.orders ORDER BY id"
same "children" "SELECT count(*) FROM shop.orders__items"
both delete shop.orders --where "email = 'u1@x.test'" -q
check_eq "delete through serve's Glue" "$(qs "SELECT count(*) FROM orders WHERE email = 'u1@x.test'")" "0"
same "after the delete" "SELECT email, count(*), sum(amount) FROM shop.orders GROUP BY email ORDER BY email"
check_eq "history through serve's Glue" "$(A history shop.orders | tail -n +2 | wc -l)" "3"
ops() { tail -n +2 | awk '{print $3, $4, $5, $6}'; }
check_eq "history equals the local destination's: operations and row counts" \
	"$(A history shop.orders | ops)" "$(Lo history shop.orders | ops)"
same "_dlt_loads" "SELECT count(*) FROM shop._dlt_loads"

both load "$T/a.ndjson" --dataset shop --table plain -q
both load "$T/b.ndjson" --dataset shop --table plain -q
check_eq "hive append through serve's Glue" "$(qs 'SELECT count(*) FROM plain')" "60"
same "hive append" "SELECT id, count(*) FROM shop.plain GROUP BY id ORDER BY id"
both load "$T/b.ndjson" --dataset shop --table plain --write-disposition replace -q
check_eq "hive replace through serve's Glue" "$(qs 'SELECT count(*), min(id) FROM plain')" "20,31"
same "hive replace" "SELECT id, amount FROM shop.plain ORDER BY id"
same "a join across the two tables" \
	"SELECT p.id, o.amount FROM shop.plain p JOIN shop.orders o ON o.id = p.id ORDER BY p.id"

info=$(A info)
check_contains "info names the destination" "$info" "destination: athena"
check_eq "info counts the Iceberg table's rows" "$(grep -cE '^ +shop\.orders +40 rows' <<<"$info" || true)" "1"
shown=$(A show shop.orders)
check_contains "show through serve's Glue: the location" "$shown" "location: s3://lakeload-e2e/lake/shop/orders"
check_contains "show through serve's Glue: the partition" "$shown" "partition: day_month"
check_contains "show through serve's Glue: a hive table's files" "$(A show shop.plain)" "files: 1"

# a machine that never ran the pipeline: state sync restores it from serve's Glue,
# and its merge continues the same table: b's deleted u1 rows (31, 36, 41, 46)
# come back, every key once
LAKELOAD_HOME="$T/home2" A load "$T/b.ndjson" --dataset shop --table orders --table-format iceberg --write-disposition merge --primary-key id -q
check_eq "state restored from the _dlt tables in serve's Glue" "$(jq -r .state_version "$T/home2/pipelines/shop/state.json")" \
	"$(($(jq -r .state_version "$LAKELOAD_HOME/pipelines/shop/state.json") + 1))"
check_eq "the fresh home's merge: no duplicate keys" "$(qs 'SELECT count(*), count(DISTINCT id) FROM orders')" "44,44"
check_eq "_dlt_loads has the fresh home's load" "$(qs 'SELECT count(*) FROM _dlt_loads')" "6"
Lo load "$T/b.ndjson" --dataset shop --table orders --table-format iceberg --write-disposition merge --primary-key id -q
same "after the fresh home's merge" "SELECT id, amount FROM shop.orders ORDER BY id"
check_eq "the first home sees the fresh home's commit" "$(A history shop.orders | tail -n +2 | wc -l)" "4"

# Glue unreachable during a load: the load fails, and the next run finishes
# it exactly once (one more _dlt_loads row, each row once)
loads_before=$(qs 'SELECT count(*) FROM _dlt_loads')
rc=0
AWS_ENDPOINT_URL_GLUE=http://127.0.0.1:9 AWS_MAX_ATTEMPTS=1 A load "$T/a.ndjson" --dataset shop --table plain -q \
	2>"$T/glue-down.err" || rc=$?
check_eq "a load with Glue unreachable fails" "$((rc != 0))" "1"
check_contains "its error names Glue" "$(cat "$T/glue-down.err")" "lue"
A load "$T/a.ndjson" --dataset shop --table plain -q
check_eq "the rerun finishes it: every row once" "$(qs 'SELECT count(*), count(DISTINCT id) FROM plain')" "60,50"
check_eq "the rerun finishes it: one load recorded" "$(qs 'SELECT count(*) FROM _dlt_loads')" "$((loads_before + 1))"

ran=$(find "$T/s3/lakeload-e2e/athena-results" -name '*.csv._S3rver_object' 2>/dev/null | wc -l)
check_eq "the Athena queries ran on serve, results in query_result_bucket" "$((ran >= 10))" "1"

kill -TERM "$SERVE_PID"
set +e
wait "$SERVE_PID"
RC=$?
set -e
check_eq "serve stops cleanly" "$RC" "0"
finish
