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

# a new column reaches Glue through UpdateTable; json stays json for lakeload, string for Athena
echo '{"id": 99, "amount": 1, "email": "n@x.test", "day": "2024-03-01", "note": "new", "meta": {"a": 1}}' > "$T/c.ndjson"
A load "$T/c.ndjson" --dataset shop --table plain --column meta:json -q
check_eq "the new column is queryable" "$(qa 'SELECT note FROM shop.plain WHERE id = 99')" "new"
columns=$(/usr/bin/python3 - "$moto_port" <<'PY'
import boto3, sys
g = boto3.client("glue", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="S3RVER",
                 aws_secret_access_key="S3RVER", region_name="us-east-1")
cols = g.get_table(DatabaseName="shop", Name="plain")["Table"]["StorageDescriptor"]["Columns"]
print(" ".join(f"{c['Name']}:{c['Type']}" for c in cols if c["Name"] in ("id", "note", "meta")))
PY
)
check_eq "Glue has the columns with Athena types" "$columns" "id:bigint meta:string note:string"
check_contains "show keeps lakeload's json type" "$(A show shop.plain)" "meta                             json"

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
check_eq "a replace leaves only its own files under the hive table's folder, then one append" "$keys" "2"

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
check_eq "info counts an Iceberg table's rows from its metadata" "$(grep -E '^ +shop\.orders +40 rows' <<<"$info" | wc -l | tr -d ' ')" "1"
check_eq "info shows a Glue hive table's files (Glue keeps no row count)" "$(grep -E '^ +shop\.plain +- rows +2 files' <<<"$info" | wc -l | tr -d ' ')" "1"

# a machine that never ran the pipeline: state sync restores it from Glue
before=$(qa 'SELECT count(*) FROM shop.orders')
LAKELOAD_HOME="$T/home2" A load "$T/b.ndjson" --dataset shop --table orders --table-format iceberg --write-disposition merge --primary-key id -q
check_eq "state restored from the _dlt tables in Glue" "$(jq -r .state_version "$T/home2/pipelines/shop/state.json")" "$(($(jq -r .state_version "$LAKELOAD_HOME/pipelines/shop/state.json") + 1))"
# b's rows of u1 (31, 36, 41, 46) were deleted above and come back
check_eq "the fresh home's merge landed in the shared table" "$(qa 'SELECT count(*) FROM shop.orders')" "$((before + 4))"
check_eq "_dlt_loads has the fresh home's load" "$(qa 'SELECT count(*) FROM shop._dlt_loads')" "7"
# two homes, one Glue table, turn by turn: each sees the other's commits (moto does not
# enforce VersionId, so racing homes are not tested here: test_catalog_glue scripts the races)
snapshots=$(A history shop.orders | tail -n +2 | wc -l)
LAKELOAD_HOME="$T/home2" A delete shop.orders --where "email = 'u2@x.test'" -q
check_eq "the first home sees the second home's delete" "$(qa "SELECT count(*) FROM shop.orders WHERE email = 'u2@x.test'")" "0"
M "$T/b.ndjson"
check_eq "the second home sees the first home's merge" "$(LAKELOAD_HOME="$T/home2" A history shop.orders | tail -n +2 | wc -l)" "$((snapshots + 2))"
check_eq "one chain: every commit follows the one before" "$(LAKELOAD_HOME="$T/home2" A query --engine embedded --format csv "SELECT count(*) FROM shop.orders WHERE email = 'u2@x.test'" | tail -n +2 | tr -d '\r')" "4"

# a query on Athena: moto answers with the rows it is given (its Athena runs no SQL);
# what it was asked shows the database, output location and work group lakeload sent
expect_failure "Athena without query_result_bucket" A query --dataset shop "SELECT 1"
check_contains "the missing key is named" "$ERR" "query_result_bucket"
curl -sf -X POST "http://127.0.0.1:$moto_port/moto-api/static/athena/query-results" -H 'Content-Type: application/json' -d '{
  "account_id": "123456789012", "region": "us-east-1", "results": [{
    "rows": [{"Data": [{"VarCharValue": "status"}, {"VarCharValue": "n"}]},
             {"Data": [{"VarCharValue": "paid"}, {"VarCharValue": "3"}]}],
    "column_info": [{"Name": "status", "Label": "status", "Type": "varchar", "CatalogName": "c", "SchemaName": "s", "TableName": "t", "Precision": 0, "Scale": 0, "Nullable": "NULLABLE", "CaseSensitive": true},
                    {"Name": "n", "Label": "n", "Type": "bigint", "CatalogName": "c", "SchemaName": "s", "TableName": "t", "Precision": 19, "Scale": 0, "Nullable": "NULLABLE", "CaseSensitive": true}]}]}' >/dev/null
/usr/bin/python3 -c "
import boto3, sys
boto3.client('athena', endpoint_url='http://127.0.0.1:$moto_port', aws_access_key_id='S3RVER',
             aws_secret_access_key='S3RVER', region_name='us-east-1').create_work_group(Name='analysts')"
export DESTINATION__ATHENA__QUERY_RESULT_BUCKET=s3://lakeload-e2e/athena-results DESTINATION__ATHENA__ATHENA_WORK_GROUP=analysts
check_eq "rows from Athena through the same printer" "$(A query --dataset shop --format json 'SELECT status, count(*) AS n FROM orders GROUP BY 1' | tr -d '\n')" '[{"status":"paid","n":3}]'
sent=$(/usr/bin/python3 - "$moto_port" <<'PY'
import boto3, sys
a = boto3.client("athena", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="S3RVER",
                 aws_secret_access_key="S3RVER", region_name="us-east-1")
for i in a.list_query_executions()["QueryExecutionIds"]:
    e = a.get_query_execution(QueryExecutionId=i)["QueryExecution"]
    print(e["Query"], e["QueryExecutionContext"]["Database"], e["ResultConfiguration"]["OutputLocation"].startswith("s3://lakeload-e2e/athena-results/"), e["WorkGroup"])
PY
)
check_eq "the query ran in the dataset's database, results under query_result_bucket, in the work group" "$sent" "SELECT status, count(*) AS n FROM orders GROUP BY 1 shop True analysts"
unset DESTINATION__ATHENA__QUERY_RESULT_BUCKET DESTINATION__ATHENA__ATHENA_WORK_GROUP

# register: adopt an Iceberg table into Glue at its own location; show reads it back from Glue
first_md=$(/usr/bin/python3 - "$s3_port" <<'PY'
import boto3, sys
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="S3RVER",
                  aws_secret_access_key="S3RVER", region_name="us-east-1")
keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="lakeload-e2e", Prefix="lake/shop/orders/metadata/").get("Contents", [])
              if o["Key"].endswith(".metadata.json"))
print("s3://lakeload-e2e/" + keys[0])
PY
)
A register shop.first_version "$first_md" -q
check_eq "a registered table reads through Glue" "$(qa 'SELECT count(*) FROM shop.first_version')" "40"
check_contains "it is in Glue at the table's own location" "$(glue_tables shop)" "first_version iceberg s3://lakeload-e2e/lake/shop/orders"
shown=$(A show shop.orders)
check_contains "show through Glue: the location" "$shown" "location: s3://lakeload-e2e/lake/shop/orders"
check_contains "show through Glue: the partition" "$shown" "partition: day_month"
check_contains "show through Glue: columns" "$shown" "amount"
check_contains "show through Glue: a hive table's files" "$(A show shop.plain)" "files: 2"
# metadata that is gone: one error naming the table and the missing object
/usr/bin/python3 - "$s3_port" "${first_md#s3://lakeload-e2e/}" <<'PY'
import boto3, sys
boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="S3RVER",
             aws_secret_access_key="S3RVER", region_name="us-east-1").delete_object(Bucket="lakeload-e2e", Key=sys.argv[2])
PY
expect_failure "a query of a table whose metadata is gone" A query --engine embedded "SELECT count(*) FROM shop.first_version"
check_contains "the missing object is named" "$ERR" "$first_md"
check_contains "the table is named" "$ERR" "first_version"
A drop-table shop.first_version -q
check_eq "drop-table removes it from Glue" "$(glue_tables shop | grep -c first_version || true)" "0"

expect_failure "a table of another format is refused" A load "$T/a.ndjson" --dataset shop --table plain --table-format iceberg -q
check_contains "switching format is named" "$ERR" "switching"
finish
