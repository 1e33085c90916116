#!/usr/bin/env bash
# A load that adds columns to a hive table in Glue changes it as Athena's
# ALTER TABLE ... ADD COLUMNS (what dlt runs) does: the new columns are
# appended and everything else a Glue user set on the table stays, its
# Description, table parameters and column comments.
NO_MOTO=1
source "$(dirname "$0")/athena_lib.sh"
start_serve

echo '{"id": 1, "name": "a"}' > "$T/a.ndjson"
echo '{"id": 2, "name": "b", "extra": "x"}' > "$T/b.ndjson"
A load "$T/a.ndjson" --dataset shop --table orders -q

glue() {
	/usr/bin/python3 - "$SERVE_URL" "$1" <<'PY'
import boto3, sys
g = boto3.client("glue", endpoint_url=sys.argv[1], aws_access_key_id="S3RVER",
                 aws_secret_access_key="S3RVER", region_name="us-east-1")
t = g.get_table(DatabaseName="shop", Name="orders")["Table"]
if sys.argv[2] == "annotate":
    ti = {k: t[k] for k in ("Name", "StorageDescriptor", "PartitionKeys", "TableType", "Parameters")}
    ti["Description"] = "orders from the shop"
    ti["Parameters"]["owner_team"] = "data"
    ti["StorageDescriptor"]["Columns"][0]["Comment"] = "the order id"
    g.update_table(DatabaseName="shop", TableInput=ti, VersionId=t["VersionId"])
else:
    cols = t["StorageDescriptor"]["Columns"]
    print(t.get("Description"), t["Parameters"].get("owner_team"), cols[0].get("Comment"))
    print(" ".join(c["Name"] + ":" + c["Type"] for c in cols))
PY
}
glue annotate
A load "$T/b.ndjson" --dataset shop --table orders -q
check_eq "the table keeps what Glue users set on it, and gains the new column at the end" "$(glue show)" \
	"orders from the shop data the order id
id:bigint name:string _dlt_load_id:string _dlt_id:string extra:string"
check_eq "the new column is queryable" "$(qa 'SELECT count(*), max(extra) FROM shop.orders')" "2,x"
finish
