"""Drives `lakeload serve` with Debian's python3-boto3: every Glue and Athena
call serve answers, paging, a stale VersionId, bad signatures, failing and
unsupported statements, and query results that must equal what
`lakeload query` printed for the same lake (expected.csv, given).

usage: serve_boto3.py URL LAKE RESULTS_DIR EXPECTED_CSV EXPECTED_TRINO_CSV
Prints one line per failed check and "N passed, M failed"; exits 1 on failure.
"""
import csv
import datetime
import json
import os
import urllib.error
import urllib.request
import sys
import time

import boto3
import botocore.auth
import botocore.exceptions

URL, LAKE, RESULTS, EXPECTED, EXPECTED_TRINO = sys.argv[1:6]
KEYS = dict(aws_access_key_id="serve-test-key", aws_secret_access_key="serve-test-secret")
passed = failed = 0


def check(name, got, want):
    global passed, failed
    if got == want:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}\n  got:  {got!r}\n  want: {want!r}", file=sys.stderr)


def client(service, **keys):
    return boto3.client(service, endpoint_url=URL, region_name="us-east-1", **(keys or KEYS))


def error_of(call, *args, **kwargs):
    """(code, HTTP status, message) of a call that must fail."""
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"],
                e.response["Error"].get("Message", ""))
    return ("no error", 200, "")


glue = client("glue")
athena = client("athena")

# ---- Glue: databases
glue.create_database(DatabaseInput={"Name": "Analytics", "Description": "made by boto3"})
check("create database twice", error_of(glue.create_database,
      DatabaseInput={"Name": "analytics"})[:2], ("AlreadyExistsException", 400))
db = glue.get_database(Name="analytics")["Database"]
check("database lowercased", (db["Name"], db.get("Description")), ("analytics", "made by boto3"))
check("missing database", error_of(glue.get_database, Name="nope")[:2],
      ("EntityNotFoundException", 400))
for i in range(3):
    glue.create_database(DatabaseInput={"Name": f"extra_{i}"})
pages = list(glue.get_paginator("get_databases").paginate(PaginationConfig={"PageSize": 2}))
names = [d["Name"] for p in pages for d in p["DatabaseList"]]
check("databases over pages", names, ["analytics", "extra_0", "extra_1", "extra_2", "shop"])
check("database pages", len(pages), 3)

# ---- Glue: the lake's own tables, as Glue tables
orders = glue.get_table(DatabaseName="shop", Name="orders")["Table"]
cols = {c["Name"]: c["Type"] for c in orders["StorageDescriptor"]["Columns"]}
check("catalog table columns", (cols.get("id"), cols.get("name"), cols.get("price"), cols.get("ts")),
      ("bigint", "string", "double", "timestamp"))
check("catalog table version", orders["VersionId"], "0")
check("catalog table serde", orders["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"],
      "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")


# ---- Glue: tables
def table_input(name, location, extra_cols=()):
    cols = [{"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "string"}]
    cols += [{"Name": c, "Type": "string"} for c in extra_cols]
    return {"Name": name, "TableType": "EXTERNAL_TABLE",
            "Parameters": {"EXTERNAL": "TRUE", "classification": "parquet"},
            "StorageDescriptor": {
                "Columns": cols, "Location": location,
                "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "SerdeInfo": {"SerializationLibrary":
                              "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}}


orders_dir = os.path.join(LAKE, "shop", "orders")
glue.create_table(DatabaseName="analytics", TableInput=table_input("orders_ext", orders_dir))
check("create table twice", error_of(glue.create_table, DatabaseName="analytics",
      TableInput=table_input("orders_ext", orders_dir))[:2], ("AlreadyExistsException", 400))
check("create table in missing database", error_of(glue.create_table, DatabaseName="nope",
      TableInput=table_input("t", orders_dir))[:2], ("EntityNotFoundException", 400))
for i in range(5):
    glue.create_table(DatabaseName="analytics", TableInput=table_input(f"t{i}", orders_dir))
t = glue.get_table(DatabaseName="analytics", Name="orders_ext")["Table"]
check("get table", (t["Name"], t["DatabaseName"], t["VersionId"],
      t["StorageDescriptor"]["Location"]), ("orders_ext", "analytics", "1", orders_dir))
pages = list(glue.get_paginator("get_tables").paginate(DatabaseName="analytics",
                                                       PaginationConfig={"PageSize": 2}))
check("tables over pages", [x["Name"] for p in pages for x in p["TableList"]],
      ["orders_ext", "t0", "t1", "t2", "t3", "t4"])
check("table pages", len(pages), 3)
check("tables by expression", [x["Name"] for x in glue.get_tables(DatabaseName="analytics",
      Expression="t[0-2]")["TableList"]], ["t0", "t1", "t2"])
# Glue reads a bare * as a wildcard, as Hive's table patterns do (moto too)
check("tables by wildcard", [x["Name"] for x in glue.get_tables(DatabaseName="analytics",
      Expression="t*")["TableList"]], ["t0", "t1", "t2", "t3", "t4"])
check("tables by wildcard prefix", [x["Name"] for x in glue.get_tables(DatabaseName="analytics",
      Expression="orders*")["TableList"]], ["orders_ext"])
check("tables by regex wildcard", [x["Name"] for x in glue.get_tables(DatabaseName="analytics",
      Expression="orders.*")["TableList"]], ["orders_ext"])
check("missing table", error_of(glue.get_table, DatabaseName="analytics", Name="nope")[:2],
      ("EntityNotFoundException", 400))

glue.update_table(DatabaseName="analytics", VersionId="1",
                  TableInput=table_input("orders_ext", orders_dir, ["note"]))
stale = error_of(glue.update_table, DatabaseName="analytics", VersionId="1",
                 TableInput=table_input("orders_ext", orders_dir, ["other"]))
check("stale VersionId", stale[:2], ("ConcurrentModificationException", 400))
t = glue.get_table(DatabaseName="analytics", Name="orders_ext")["Table"]
check("updated table", (t["VersionId"], [c["Name"] for c in t["StorageDescriptor"]["Columns"]]),
      ("2", ["id", "name", "note"]))
glue.delete_table(DatabaseName="analytics", Name="t4")
check("delete table twice", error_of(glue.delete_table, DatabaseName="analytics", Name="t4")[:2],
      ("EntityNotFoundException", 400))

# ---- signatures: a wrong secret or an unknown key gets AWS's error, never data
for service, call in (("glue", lambda c: c.get_databases()),
                      ("athena", lambda c: c.list_work_groups())):
    wrong = client(service, aws_access_key_id="serve-test-key", aws_secret_access_key="wrong")
    code, status, _ = error_of(call, wrong)
    check(f"{service} wrong secret", (code, status), ("InvalidSignatureException", 400))
    unknown = client(service, aws_access_key_id="someone-else", aws_secret_access_key="x")
    check(f"{service} unknown key", error_of(call, unknown)[:2],
          ("UnrecognizedClientException", 400))

# no signature at all
request = urllib.request.Request(URL + "/", data=b"{}", method="POST", headers={
    "X-Amz-Target": "AWSGlue.GetDatabases", "Content-Type": "application/x-amz-json-1.1"})
try:
    urllib.request.urlopen(request)
    unsigned = (200, "")
except urllib.error.HTTPError as e:
    unsigned = (e.code, json.loads(e.read()).get("__type"))
check("unsigned request", unsigned, (400, "MissingAuthenticationTokenException"))


# a body changed after it was signed
def tamper(request, **kwargs):
    request.body = request.body.replace(b"analytics", b"analytica")


tampered = client("glue")
tampered.meta.events.register("before-send.glue.GetDatabase", tamper)
check("body changed after signing", error_of(tampered.get_database, Name="analytics")[:2],
      ("InvalidSignatureException", 400))


# a request signed an hour ago (botocore's signing clock set back): refused as AWS refuses it
class HourAgo(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return datetime.datetime.utcnow() - datetime.timedelta(hours=1)


class ClockHourAgo:
    datetime = HourAgo


signing_clock = botocore.auth.datetime
botocore.auth.datetime = ClockHourAgo
try:
    old = error_of(client("glue").get_databases)
finally:
    botocore.auth.datetime = signing_clock
check("request signed an hour ago", (old[0], old[1], "expired" in old[2]),
      ("InvalidSignatureException", 400, True))


# ---- Athena
def run(sql, database="shop", **extra):
    qid = athena.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": database},
        ResultConfiguration={"OutputLocation": RESULTS}, **extra)["QueryExecutionId"]
    while True:
        e = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if e["Status"]["State"] not in ("QUEUED", "RUNNING"):
            return qid, e
        time.sleep(0.05)


def rows_of(qid, page_size=1000):
    pages = list(athena.get_paginator("get_query_results").paginate(
        QueryExecutionId=qid, PaginationConfig={"PageSize": page_size}))
    rows = [[d.get("VarCharValue") for d in r["Data"]] for p in pages for r in p["ResultSet"]["Rows"]]
    return rows, pages


def expected_rows(path):
    with open(path, newline="") as f:
        return [[v if v != "" else None for v in row] for row in csv.reader(f)]


sql = "SELECT id, name, price, ts FROM orders ORDER BY id"
qid, e = run(sql)
check("query state", e["Status"]["State"], "SUCCEEDED")
check("statement type", e["StatementType"], "DML")
check("statistics", "TotalExecutionTimeInMillis" in e["Statistics"], True)
rows, pages = rows_of(qid, page_size=10)
want = expected_rows(EXPECTED)
check("results equal lakeload query", rows, want)
check("result pages", len(pages), (len(want) + 9) // 10)
first_cells = [p["ResultSet"]["Rows"][0]["Data"][0].get("VarCharValue") for p in pages[:2]]
check("header first on the first page only", first_cells, ["id", "10"])
info = pages[0]["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
check("column types", [(c["Name"], c["Type"]) for c in info],
      [("id", "bigint"), ("name", "varchar"), ("price", "double"), ("ts", "timestamp")])
out = e["ResultConfiguration"]["OutputLocation"]
check("output location", out, os.path.join(RESULTS, qid + ".csv"))
with open(out, newline="") as f:
    check("result CSV", [[v if v != "" else None for v in r] for r in csv.reader(f)], want)

trino = ('SELECT "name", CAST(id AS varchar) AS sid, date_trunc(\'month\', ts) AS m '
         "FROM awsdatacatalog.shop.orders WHERE id <= 5 ORDER BY id")
qid, e = run(trino)
check("Trino dialect query", rows_of(qid)[0], expected_rows(EXPECTED_TRINO))

# what dlt asks a destination for its tables' columns (get_storage_tables)
qid, e = run("SELECT table_name, column_name, data_type, is_nullable "
             "FROM INFORMATION_SCHEMA.COLUMNS WHERE table_schema = 'shop' "
             "AND table_name IN ('orders') ORDER BY table_name, ordinal_position")
check("information_schema.columns", rows_of(qid)[0][1:5],
      [["orders", "id", "bigint", "YES"], ["orders", "name", "varchar", "YES"],
       ["orders", "price", "double", "YES"], ["orders", "ts", "timestamp(3)", "YES"]])
qid, e = run("SELECT table_name FROM information_schema.tables WHERE table_schema = 'analytics' "
             "ORDER BY 1")
check("information_schema.tables", rows_of(qid)[0][1:],
      [["orders_ext"], ["t0"], ["t1"], ["t2"], ["t3"]])

qid, e = run("SELECT count(*) AS n, count(note) AS notes FROM orders_ext", database="analytics")
check("query over a Glue table", rows_of(qid)[0][1:], [[str(len(want) - 1), "0"]])

token = "same-token-0001-0001-0001-000000000001"
first = athena.start_query_execution(QueryString="SELECT 1", ClientRequestToken=token,
                                     ResultConfiguration={"OutputLocation": RESULTS})
again = athena.start_query_execution(QueryString="SELECT 1", ClientRequestToken=token,
                                     ResultConfiguration={"OutputLocation": RESULTS})
check("ClientRequestToken idempotence", first["QueryExecutionId"], again["QueryExecutionId"])

qid, e = run("SELECT * FROM no_such_table")
check("failing query", e["Status"]["State"], "FAILED")
check("failure reason names the table", "no_such_table" in e["Status"].get("StateChangeReason", ""),
      True)
check("results of a failed query", error_of(athena.get_query_results, QueryExecutionId=qid)[:2],
      ("InvalidRequestException", 400))
qid, e = run("DELETE FROM orders WHERE id = 1")
check("DELETE on a hive table", (e["Status"]["State"],
      "NOT_SUPPORTED" in e["Status"].get("StateChangeReason", "")), ("FAILED", True))
qid, e = run("INSERT INTO orders (id) VALUES (99)")
check("unsupported statement", (e["Status"]["State"],
      "INSERT is not supported" in e["Status"].get("StateChangeReason", "")), ("FAILED", True))

# Iceberg: DELETE as lakeload delete does it, CREATE TABLE ... ICEBERG
qid, e = run("DELETE FROM ice WHERE id <= 3")
check("DELETE on Iceberg", (e["Status"]["State"], e["StatementType"]), ("SUCCEEDED", "DML"))
check("DELETE update count", athena.get_query_results(QueryExecutionId=qid)["UpdateCount"], 3)
qid, e = run("SELECT count(*) AS n, min(id) AS low FROM ice")
check("rows after DELETE", rows_of(qid)[0], [["n", "low"], [str(len(want) - 4), "4"]])
ice_dir = os.path.join(LAKE, "shop", "ice_new")
qid, e = run("CREATE TABLE shop.ice_new (id bigint, name string, ts timestamp) "
             f"PARTITIONED BY (day(ts)) LOCATION '{ice_dir}' "
             "TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet')")
check("CREATE TABLE ICEBERG", (e["Status"]["State"], e["Status"].get("StateChangeReason")),
      ("SUCCEEDED", None))
t = glue.get_table(DatabaseName="shop", Name="ice_new")["Table"]
check("Iceberg table in Glue", (t["Parameters"].get("table_type"),
      t["Parameters"].get("metadata_location", "").startswith(ice_dir + "/metadata/")
      or t["Parameters"].get("metadata_location", "").startswith("file://" + ice_dir + "/metadata/")),
      ("ICEBERG", True))
qid, e = run("SELECT count(*) AS n FROM ice_new")
check("new Iceberg table is empty", rows_of(qid)[0], [["n"], ["0"]])
qid, e = run("CREATE TABLE shop.elsewhere (id bigint) LOCATION '/somewhere/else' "
             "TBLPROPERTIES ('table_type'='ICEBERG')")
check("Iceberg table elsewhere refused", (e["Status"]["State"],
      "/somewhere/else" in e["Status"].get("StateChangeReason", "")), ("FAILED", True))
qid, e = run("SELECT x FROM orders WHERE regexp_like(name, 'a')")
check("untranslatable query fails", e["Status"]["State"], "FAILED")

# DDL as dlt sends it
for stmt in ("CREATE DATABASE IF NOT EXISTS ddl_db",
             "CREATE EXTERNAL TABLE IF NOT EXISTS `ddl_db`.`items` (`id` bigint, `name` string) "
             f"STORED AS PARQUET LOCATION '{orders_dir}'",
             "ALTER TABLE `ddl_db`.`items` ADD COLUMNS (`extra` string)"):
    qid, e = run(stmt, database="ddl_db")
    check(f"DDL {stmt[:30]}", (e["Status"]["State"], e["StatementType"]), ("SUCCEEDED", "DDL"))
t = glue.get_table(DatabaseName="ddl_db", Name="items")["Table"]
check("DDL table in Glue", ([c["Name"] for c in t["StorageDescriptor"]["Columns"]], t["VersionId"]),
      (["id", "name", "extra"], "2"))
qid, e = run("SELECT count(*), count(extra) FROM items", database="ddl_db")
check("query the DDL table", rows_of(qid)[0][1:], [[str(len(want) - 1), "0"]])
qid, e = run("SHOW TABLES", database="ddl_db")
check("SHOW TABLES", rows_of(qid)[0], [["items"]])
qid, e = run("SHOW DATABASES LIKE 'ddl*'")
check("SHOW DATABASES", rows_of(qid)[0], [["ddl_db"]])
qid, e = run("DESCRIBE ddl_db.items")
check("DESCRIBE", [r[:2] for r in rows_of(qid)[0]],
      [["id", "bigint"], ["name", "string"], ["extra", "string"]])
qid, e = run("DROP TABLE ddl_db.items", database="ddl_db")
check("DROP TABLE", e["Status"]["State"], "SUCCEEDED")
check("dropped table gone from Glue", error_of(glue.get_table, DatabaseName="ddl_db",
      Name="items")[:2], ("EntityNotFoundException", 400))

# a query stopped while it runs (five-way cross join: millions of rows)
qid = athena.start_query_execution(
    QueryString="SELECT a.id FROM orders a, orders b, orders c, orders d, orders e",
    QueryExecutionContext={"Database": "shop"},
    ResultConfiguration={"OutputLocation": RESULTS})["QueryExecutionId"]
athena.stop_query_execution(QueryExecutionId=qid)
e = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
check("stopped query", e["Status"]["State"], "CANCELLED")

# work groups
check("GetWorkGroup primary", athena.get_work_group(WorkGroup="primary")["WorkGroup"]["Name"],
      "primary")
check("ListWorkGroups", [w["Name"] for w in athena.list_work_groups()["WorkGroups"]],
      ["primary", "team"])
check("unknown work group", error_of(athena.get_work_group, WorkGroup="nope")[:2],
      ("InvalidRequestException", 400))
check("query in unknown work group", error_of(athena.start_query_execution, QueryString="SELECT 1",
      WorkGroup="nope", ResultConfiguration={"OutputLocation": RESULTS})[:2],
      ("InvalidRequestException", 400))
qid, e = run("SELECT 1 AS one", WorkGroup="team")
check("query in configured work group", (e["WorkGroup"], rows_of(qid)[0]), ("team", [["one"], ["1"]]))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
