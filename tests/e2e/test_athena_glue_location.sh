#!/usr/bin/env bash
# A Glue hive table is the Parquet files under its StorageDescriptor's
# Location, wherever in the lake that is: a table defined in Glue by someone
# else (a crawler, Athena DDL, dlt with another layout) under a name that is
# not its folder reads the same rows through lakeload's embedded engine as
# through Athena (here serve's), not an empty folder named after the table;
# a Location outside the lake is an error naming it, never zero rows. The
# tables lakeload registers carry the Location dlt gives them, the table's
# folder with a trailing slash, as Athena asks of a LOCATION; a load into a
# table Glue has at another folder is refused, leaving it as it was.
NO_MOTO=1
source "$(dirname "$0")/athena_lib.sh"
start_serve
export DESTINATION__ATHENA__QUERY_RESULT_BUCKET=s3://lakeload-e2e/athena-results
qs() { A query --dataset shop --format csv "$1" | tail -n +2 | tr -d '\r'; }

/usr/bin/python3 -c "
import json
for i in range(1, 8): print(json.dumps({'id': i, 'name': f'n{i}'}))" > "$T/a.ndjson"
A load "$T/a.ndjson" --dataset shop --table orders -q

check_eq "lakeload registers a hive table at its folder with a trailing slash, as dlt does" \
	"$(glue_tables shop | grep '^orders ')" "orders hive s3://lakeload-e2e/lake/shop/orders/"

# another definition of the same folder under another name, and one outside the lake
/usr/bin/python3 - "$SERVE_URL" <<'PY'
import boto3, sys
g = boto3.client("glue", endpoint_url=sys.argv[1], aws_access_key_id="S3RVER",
                 aws_secret_access_key="S3RVER", region_name="us-east-1")
t = g.get_table(DatabaseName="shop", Name="orders")["Table"]
def define(name, location):
    sd = dict(t["StorageDescriptor"], Location=location)
    g.create_table(DatabaseName="shop", TableInput={
        "Name": name, "TableType": "EXTERNAL_TABLE", "StorageDescriptor": sd,
        "Parameters": {"EXTERNAL": "TRUE", "classification": "parquet"}})
define("orders_view", "s3://lakeload-e2e/lake/shop/orders/")
define("orders_no_slash", "s3://lakeload-e2e/lake/shop/orders")
define("elsewhere", "s3://another-bucket/data/orders/")
define("legacy", "s3://lakeload-e2e/lake/shop/legacy")  # as lakeload registered tables before
PY

check_eq "Athena reads a table defined at another table's folder" "$(qs 'SELECT count(*) FROM orders_view')" "7"
check_eq "the embedded engine reads the rows under the table's Glue Location" \
	"$(qa 'SELECT count(*), sum(id) FROM shop.orders_view')" "7,28"
check_eq "a Location without the trailing slash is the same folder" \
	"$(qa 'SELECT count(*) FROM shop.orders_no_slash')" "7"
expect_failure "a Location outside the lake" A query --engine embedded "SELECT count(*) FROM shop.elsewhere"
check_contains "the error names the Location" "$ERR" "s3://another-bucket/data/orders/"
check_contains "the error names the table" "$ERR" "shop.elsewhere"

# a load into a table Glue has at another folder is refused: its files would
# land where Athena does not read them, and Glue's Location would move away
# from the rows it holds
echo '{"id": 100, "name": "late", "note": "a new column"}' > "$T/b.ndjson"
expect_failure "a load into a table registered at another folder" A load "$T/b.ndjson" --dataset shop --table orders_view -q
check_contains "the error names the table's Glue Location" "$ERR" "s3://lakeload-e2e/lake/shop/orders/"
check_eq "Glue keeps the table's Location" "$(glue_tables shop | grep '^orders_view ')" \
	"orders_view hive s3://lakeload-e2e/lake/shop/orders/"
check_eq "the table keeps its rows" "$(qs 'SELECT count(*) FROM orders_view')" "7"
A load "$T/b.ndjson" --dataset shop --table legacy -q
check_eq "a table at its own folder without the trailing slash takes the load" \
	"$(qs 'SELECT count(*), max(note) FROM legacy')" "1,a new column"
finish
