#!/usr/bin/env bash
# One lake, many writers, with the local catalog: an S3 lake's catalog is a
# file on one machine, so a second home loading the same tables with its own
# catalog would start a second metadata chain nobody else sees. It is
# refused, naming --destination athena and lakeload register, and the
# refused load stays pending; a home that names the first catalog with
# --catalog loads on. Needs only the S3 emulator.
NO_MOTO=1
source "$(dirname "$0")/athena_lib.sh"

/usr/bin/python3 -c "
import json
for i in range(1, 11): print(json.dumps({'id': i, 'v': i * 10}))" > "$T/a.ndjson"
I() { "$@" --dataset shop --table orders --table-format iceberg --write-disposition merge --primary-key id -q; }
I L load "$T/a.ndjson"
L load "$T/a.ndjson" --dataset shop --table plain -q

export LAKELOAD_HOME="$T/home2"
expect_failure "a second home's Iceberg merge into the same table" I L load "$T/a.ndjson"
check_contains "the refusal names the athena destination" "$ERR" "--destination athena"
# dlt's own tables are Iceberg tables of the dataset too: the first one committed is refused
check_contains "the refusal names register" "$ERR" "lakeload register shop."
check_contains "the refusal names the file it found" "$ERR" "s3://lakeload-e2e/lake/shop/"
check_contains "the refusal names what it found" "$ERR" "/metadata/00000-"
expect_failure "a second home's hive load into the same table" L load "$T/a.ndjson" --dataset shop --table plain -q
check_contains "the hive refusal too" "$ERR" "--destination athena"
metadata=$(/usr/bin/python3 - "$s3_port" <<'PY'
import boto3, sys
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="S3RVER",
                  aws_secret_access_key="S3RVER", region_name="us-east-1")
keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lakeload-e2e", Prefix="lake/shop/orders/metadata/").get("Contents", [])]
print(sum(k.split("/")[-1].startswith("00000-") and k.endswith(".metadata.json") for k in keys))
PY
)
check_eq "the first home still reads its table" "$(LAKELOAD_HOME="$T/home" L query --format csv 'SELECT count(*) FROM shop.orders' | tail -n +2 | tr -d '\r')" "10"
check_eq "no second chain of orders was started" "$metadata" "1"
check_eq "the refused load stays pending" "$(ls "$T/home2/pipelines/shop/load/normalized" | wc -l | tr -d ' ')" "1"

# or adopt the first home's table under another name: register reads its metadata first
md=$(LAKELOAD_HOME="$T/home" L show shop.orders | sed -n 's/^metadata: //p')
check_contains "show names the metadata" "$md" "s3://lakeload-e2e/lake/shop/orders/metadata/"
expect_failure "register refuses metadata that does not read" L register legacy.orders "s3://lakeload-e2e/lake/shop/orders/metadata/nothing.metadata.json"
check_contains "the refusal names the metadata" "$ERR" "nothing.metadata.json"
L register legacy.orders "$md" -q
L register legacy.orders "$md" -q
check_eq "a registered table reads in the second home" "$(L query --format csv 'SELECT count(*), sum(v) FROM legacy.orders' | tail -n +2 | tr -d '\r')" "10,550"
shown=$(L show legacy.orders)
check_contains "show: format" "$shown" "format: iceberg"
check_contains "show: the adopted table keeps its location" "$shown" "metadata: $md"
check_contains "show: columns" "$shown" "v                                bigint"
check_contains "show: snapshots" "$shown" "snapshots: 1"

# the first home's catalog, named: the same chain goes on
first="$T/home/catalogs/lakeload-e2e/lake/catalog.db"
L load "$T/a.ndjson" --dataset shop --table plain --catalog "$first" -q
check_eq "a home that names the catalog loads on" "$(L query --catalog "$first" --format csv 'SELECT count(*) FROM shop.plain' | tail -n +2 | tr -d '\r')" "20"
finish
