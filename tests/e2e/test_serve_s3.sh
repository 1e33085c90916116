#!/usr/bin/env bash
# lakeload serve over an S3 lake (the s3rver emulator, signatures checked),
# driven by boto3: Glue shows S3 locations, a table defined with Athena DDL
# on an S3 LOCATION is read by listing it, and results go to an s3://
# OutputLocation as <query id>.csv. Serve accepts the credentials the
# configuration's AWS chain resolves (here AWS_ACCESS_KEY_ID/SECRET).
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/s3"
coproc S3 { node "$LL_INTEROP_DIR/s3_server.mjs" "$T/s3" lakeload-e2e; }
read -r -t 60 ready <&"${S3[0]}"
port=$(/usr/bin/python3 -c "import json, sys; print(json.loads(sys.argv[1])['port'])" "$ready")
SERVE=""
stop_all() {
	[[ -n "$SERVE" ]] && kill "$SERVE" 2>/dev/null
	kill "$S3_PID" 2>/dev/null || true
}
trap stop_all EXIT
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
export DESTINATION__FILESYSTEM__CREDENTIALS__ENDPOINT_URL="http://127.0.0.1:$port"
LAKE="s3://lakeload-e2e/lake"

/usr/bin/python3 -c "
import json
for i in range(1, 21): print(json.dumps({'id': i, 'amount': 100 + i}))" > "$T/a.ndjson"
ll load "$T/a.ndjson" --lake "$LAKE" --dataset shop --table plain -q
expected=$(ll query --lake "$LAKE" --format csv "SELECT id, amount FROM shop.plain ORDER BY id" | tr -d '\r')

"$LAKELOAD" serve --port 0 --lake "$LAKE" >"$T/serve.out" 2>"$T/serve.err" &
SERVE=$!
for _ in $(seq 1 100); do
	grep -q 'listening on' "$T/serve.out" && break
	kill -0 "$SERVE" 2>/dev/null || break
	sleep 0.1
done
URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$T/serve.out" || true)
check_contains "serve prints its URL" "$URL" "http://127.0.0.1:"

out=$(/usr/bin/python3 - "$URL" "http://127.0.0.1:$port" <<'PY'
import sys, time
import boto3
url, s3_url = sys.argv[1:3]
kw = dict(region_name="us-east-1", aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER")
glue = boto3.client("glue", endpoint_url=url, **kw)
athena = boto3.client("athena", endpoint_url=url, **kw)
s3 = boto3.client("s3", endpoint_url=s3_url, **kw)

def run(sql):
    qid = athena.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": "shop"},
        ResultConfiguration={"OutputLocation": "s3://lakeload-e2e/results/"})["QueryExecutionId"]
    while True:
        e = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if e["Status"]["State"] not in ("QUEUED", "RUNNING"):
            return qid, e

t = glue.get_table(DatabaseName="shop", Name="plain")["Table"]
print("location", t["StorageDescriptor"]["Location"])
qid, e = run("CREATE EXTERNAL TABLE shop.plain_ext (id bigint, amount bigint) "
             "STORED AS PARQUET LOCATION 's3://lakeload-e2e/lake/shop/plain/'")
print("ddl", e["Status"]["State"], e["Status"].get("StateChangeReason", ""))
qid, e = run("SELECT count(*) AS n, sum(amount) AS total FROM plain_ext")
rows = athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]
print("ext", ",".join(d.get("VarCharValue", "") for d in rows[1]["Data"]))
qid, e = run("SELECT id, amount FROM plain ORDER BY id")
print("output", e["ResultConfiguration"]["OutputLocation"] == f"s3://lakeload-e2e/results/{qid}.csv")
body = s3.get_object(Bucket="lakeload-e2e", Key=f"results/{qid}.csv")["Body"].read().decode()
print("csv", body.replace('"', "").strip().replace("\n", "|"))
PY
)
check_contains "Glue location on S3" "$out" "location s3://lakeload-e2e/lake/shop/plain"
check_contains "DDL on an S3 location" "$out" "ddl SUCCEEDED"
check_contains "table read by listing its S3 location" "$out" "ext 20,$((20 * 100 + 210))"
check_contains "result location" "$out" "output True"
check_contains "result CSV in S3 equals lakeload query" "$out" "csv $(echo "$expected" | tr '\n' '|' | sed 's/|$//')"

kill -TERM "$SERVE"
set +e
wait "$SERVE"
RC=$?
set -e
SERVE=""
check_eq "serve stops cleanly" "$RC" "0"
finish
