#!/usr/bin/env bash
# The types in GetQueryResults' ResultSetMetadata, as an Athena client
# (boto3 here; pyathena and dbt convert values by them) reads them from
# lakeload serve: a column selected as it is has its table type, whatever
# its values look like (a text column of date-like strings is varchar, not
# date; an empty result keeps its types), booleans are boolean with
# Athena's true/false, decimals carry their precision and scale; a
# computed column is typed from its values.
NO_MOTO=1
source "$(dirname "$0")/athena_lib.sh"
start_serve

cat >"$T/a.ndjson" <<'JSON'
{"id": 1, "label": "2024-01-05", "ok": true, "amount": "12.34", "day": "2024-03-01", "at": "2024-03-01T10:00:00Z", "ratio": 0.5, "meta": {"k": 1}}
{"id": 2, "label": "2024-01-06", "ok": false, "amount": "7.10", "day": "2024-03-02", "at": "2024-03-02T11:00:00Z", "ratio": 1.5, "meta": {"k": 2}}
JSON
A load "$T/a.ndjson" --dataset shop --table t --column "amount:decimal(10,2)" --column day:date --column meta:json -q

athena() {
	/usr/bin/python3 - "$SERVE_URL" "$T/results/" "$1" <<'PY'
import boto3, sys, time
a = boto3.client("athena", endpoint_url=sys.argv[1], aws_access_key_id="S3RVER",
                 aws_secret_access_key="S3RVER", region_name="us-east-1")
qid = a.start_query_execution(QueryString=sys.argv[3], QueryExecutionContext={"Database": "shop"},
                              ResultConfiguration={"OutputLocation": sys.argv[2]})["QueryExecutionId"]
while a.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]["State"] in ("QUEUED", "RUNNING"):
    time.sleep(0.05)
rs = a.get_query_results(QueryExecutionId=qid)["ResultSet"]
types = []
for c in rs["ResultSetMetadata"]["ColumnInfo"]:
    types.append(c["Type"] + (f"({c['Precision']},{c['Scale']})" if c["Type"] == "decimal" else ""))
print(" ".join(types))
for row in rs["Rows"][1:]:
    print(",".join(d.get("VarCharValue", "NULL") for d in row["Data"]))
PY
}

check_eq "columns as they are: their table types" \
	"$(athena 'SELECT id, label, ok, amount, day, at, ratio, meta FROM t ORDER BY id')" \
	"bigint varchar boolean decimal(10,2) date timestamp double varchar
1,2024-01-05,true,12.34,2024-03-01,2024-03-01 10:00:00.000,0.5,{\"k\":1}
2,2024-01-06,false,7.10,2024-03-02,2024-03-02 11:00:00.000,1.5,{\"k\":2}"
check_eq "an empty result keeps the types" "$(athena 'SELECT id, ok, day FROM t WHERE id > 5')" \
	"bigint boolean date"
check_eq "a qualified and renamed column keeps its type" \
	"$(athena 'SELECT x.label AS l, x.ok AS flag FROM t x WHERE id = 1')" "varchar boolean
2024-01-05,true"
check_eq "computed columns are typed by their values" \
	"$(athena 'SELECT count(*) AS n, max(ratio) AS r FROM t')" "bigint double
2,1.5"
finish
