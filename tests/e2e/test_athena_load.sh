#!/usr/bin/env bash
# The athena destination against a Glue emulator (moto) and an S3 emulator
# (s3rver): hive append and replace, Iceberg merge with partitions, delete,
# history and info give the same results as the local destination, the
# tables are registered in Glue where Athena reads them, and state sync
# restores a pipeline in a fresh LAKELOAD_HOME from the _dlt tables in Glue.
# Queries run on the embedded engine over the Glue-registered tables
# (--destination local on the same lake would not see them): moto's Athena
# only answers canned results.
source "$(dirname "$0")/athena_lib.sh"

/usr/bin/python3 -c "
import json
for i in range(1, 41): print(json.dumps({'id': i, 'amount': 100 + i, 'email': f'u{i % 5}@x.test', 'day': f'2024-01-{i % 28 + 1:02d}', 'items': [{'k': j} for j in range(i % 3 + 1)]}))" > "$T/a.ndjson"
/usr/bin/python3 -c "
import json
for i in range(31, 51): print(json.dumps({'id': i, 'amount': 1000 + i, 'email': f'u{i % 5}@x.test', 'day': '2024-02-01', 'items': [{'k': 0}]}))" > "$T/b.ndjson"

M() { A load "$1" --dataset shop --table orders --table-format iceberg --write-disposition merge --primary-key id --column day:date --partition "month(day)" -q; }
M "$T/a.ndjson"
M "$T/b.ndjson"
want=$(/usr/bin/python3 -c "print(sum(100 + i for i in range(1, 31)) + sum(1000 + i for i in range(31, 51)))")
check_eq "Iceberg merge through Glue" "$(qa 'SELECT count(*), sum(amount) FROM shop.orders')" "50,$want"
check_eq "children through Glue" "$(qa 'SELECT count(*) FROM shop.orders__items')" "$(/usr/bin/python3 -c "print(sum(i % 3 + 1 for i in range(1, 31)) + 20)")"
A delete shop.orders --where "email = 'u1@x.test'" -q
check_eq "delete through Glue" "$(qa "SELECT count(*) FROM shop.orders WHERE email = 'u1@x.test'")" "0"
check_eq "history through Glue" "$(A history shop.orders | tail -n +2 | wc -l)" "3"
check_eq "_dlt_loads through Glue" "$(qa 'SELECT count(*) FROM shop._dlt_loads')" "2"

A load "$T/a.ndjson" --dataset shop --table plain -q
A load "$T/b.ndjson" --dataset shop --table plain -q
check_eq "hive append through Glue" "$(qa 'SELECT count(*) FROM shop.plain')" "60"
A load "$T/b.ndjson" --dataset shop --table plain --write-disposition replace -q
check_eq "hive replace through Glue" "$(qa 'SELECT count(*), min(id) FROM shop.plain')" "20,31"

tables=$(glue_tables shop | sort)
check_contains "orders is an Iceberg table in Glue" "$tables" "orders iceberg s3://lakeload-e2e/lake/shop/orders"
check_contains "plain is a hive table in Glue at its folder" "$tables" "plain hive s3://lakeload-e2e/lake/shop/plain"
check_contains "dlt's tables are in Glue" "$tables" "_dlt_loads iceberg"
keys=$(/usr/bin/python3 - "$s3_port" <<'PY'
import boto3, sys
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="S3RVER",
                  aws_secret_access_key="S3RVER", region_name="us-east-1")
keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket="lakeload-e2e", Prefix="lake/shop/plain/")
        for o in p.get("Contents", [])]
print(len(keys))
PY
)
check_eq "a replace leaves only its own files under the hive table's folder" "$keys" "1"

# the same loads with --destination local give the same answers
for f in a b; do
	L load "$T/$f.ndjson" --dataset shop_local --table orders --table-format iceberg --write-disposition merge --primary-key id --column day:date --partition "month(day)" -q
done
L delete shop_local.orders --where "email = 'u1@x.test'" -q
ql() { L query --format csv "$1" | tail -n +2 | tr -d '\r'; }
check_eq "same results as the local destination" \
	"$(qa 'SELECT id, amount, day FROM shop.orders ORDER BY id')" \
	"$(ql 'SELECT id, amount, day FROM shop_local.orders ORDER BY id')"

info=$(A info)
check_contains "info names the destination" "$info" "destination: athena"
check_contains "info lists the Glue tables" "$info" "shop.orders"

# a machine that never ran the pipeline: state sync restores it from Glue
before=$(qa 'SELECT count(*) FROM shop.orders')
LAKELOAD_HOME="$T/home2" A load "$T/b.ndjson" --dataset shop --table orders --table-format iceberg --write-disposition merge --primary-key id -q
check_eq "state restored from the _dlt tables in Glue" "$(jq -r .state_version "$T/home2/pipelines/shop/state.json")" "$(($(jq -r .state_version "$LAKELOAD_HOME/pipelines/shop/state.json") + 1))"
# b's rows of u1 (31, 36, 41, 46) were deleted above and come back
check_eq "the fresh home's merge landed in the shared table" "$(qa 'SELECT count(*) FROM shop.orders')" "$((before + 4))"
check_eq "_dlt_loads has the fresh home's load" "$(qa 'SELECT count(*) FROM shop._dlt_loads')" "6"

expect_failure "a table of another format is refused" A load "$T/a.ndjson" --dataset shop --table plain --table-format iceberg -q
check_contains "switching format is named" "$ERR" "switching"
finish
