#!/usr/bin/env bash
# Every lakeload command on an S3 lake (the s3rver emulator, signatures
# checked): Iceberg merge, delete, history and query, hive replace, and
# the _dlt tables; boto3 sees the objects where the layout puts them.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/s3"
coproc S3 { node "$LL_INTEROP_DIR/s3_server.mjs" "$T/s3" lakeload-e2e; }
read -r -t 60 ready <&"${S3[0]}"
port=$(/usr/bin/python3 -c "import json, sys; print(json.loads(sys.argv[1])['port'])" "$ready")
stop_s3() { kill "$S3_PID" 2>/dev/null || true; }
trap stop_s3 EXIT
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
ENDPOINT="http://127.0.0.1:$port"
LAKE="s3://lakeload-e2e/lake"
S() { ll "$@" --lake "$LAKE" --endpoint-url "$ENDPOINT"; }
qs() { S query --format csv "$1" | tail -n +2 | tr -d '\r'; }

/usr/bin/python3 -c "
import json
for i in range(1, 41): print(json.dumps({'id': i, 'amount': 100 + i, 'email': f'u{i % 5}@x.test', 'items': [{'k': j} for j in range(i % 3 + 1)]}))" > "$T/a.ndjson"
/usr/bin/python3 -c "
import json
for i in range(31, 51): print(json.dumps({'id': i, 'amount': 1000 + i, 'email': f'u{i % 5}@x.test', 'items': [{'k': 0}]}))" > "$T/b.ndjson"
M() { S load "$1" --dataset shop --table orders --table-format iceberg --write-disposition merge --primary-key id -q; }
M "$T/a.ndjson"
M "$T/b.ndjson"
want=$(/usr/bin/python3 -c "print(sum(100 + i for i in range(1, 31)) + sum(1000 + i for i in range(31, 51)))")
check_eq "merge on S3" "$(qs 'SELECT count(*), sum(amount) FROM shop.orders')" "50,$want"
check_eq "children on S3" "$(qs 'SELECT count(*) FROM shop.orders__items')" "$(/usr/bin/python3 -c "print(sum(i % 3 + 1 for i in range(1, 31)) + 20)")"
S delete shop.orders --where "email = 'u1@x.test'" -q
check_eq "delete on S3" "$(qs "SELECT count(*) FROM shop.orders WHERE email = 'u1@x.test'")" "0"
check_eq "history on S3" "$(S history shop.orders | tail -n +2 | wc -l)" "3"
check_eq "dlt tables on S3" "$(qs 'SELECT count(*) FROM shop._dlt_loads')" "2"
S load "$T/a.ndjson" --dataset shop --table plain --write-disposition replace -q
S load "$T/b.ndjson" --dataset shop --table plain --write-disposition replace -q
check_eq "hive replace on S3" "$(qs 'SELECT count(*) FROM shop.plain')" "20"
keys=$(/usr/bin/python3 - "$port" <<'PY'
import boto3, sys
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", aws_access_key_id="S3RVER",
                  aws_secret_access_key="S3RVER", region_name="us-east-1")
keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket="lakeload-e2e", Prefix="lake/")
        for o in p.get("Contents", [])]
print(sum(k.startswith("lake/shop/orders/metadata/") and k.endswith(".metadata.json") for k in keys),
      sum(k.startswith("lake/shop/plain/") for k in keys))
PY
)
check_eq "objects where the layout puts them (3 metadata versions, 1 hive file left)" "$keys" "3 1"
expect_failure "wrong secret" env AWS_SECRET_ACCESS_KEY=wrong "$LAKELOAD" query --lake "$LAKE" --endpoint-url "$ENDPOINT" "SELECT 1 FROM shop.orders"
check_contains "wrong secret is reported" "$ERR" "lakeload-e2e"
finish
