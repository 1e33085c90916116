#!/usr/bin/env bash
# vacuum on an S3 lake (the s3rver emulator): unreferenced objects are
# deleted by their LastModified exactly as local files are by mtime. Lost
# commits' orphans (metadata, manifest list, manifest, data file) older
# than the cutoff go, younger ones stay, and nothing outside metadata/ and
# data/ is touched; through a proxy that spoils LastModified in listings,
# nothing goes. Then expiring snapshots removes what only they reached,
# while every retained snapshot reads the same rows in icebird as before
# and the table's query result is unchanged.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/s3"
coproc S3 { node "$LL_INTEROP_DIR/s3_server.mjs" "$T/s3" lakeload-e2e; }
read -r -t 60 ready <&"${S3[0]}"
port=$(/usr/bin/python3 -c "import json, sys; print(json.loads(sys.argv[1])['port'])" "$ready")
# the fault proxy in front of it spoils the LastModified of every listing; like the
# emulator it runs until its stdin (held open on fd 3) closes
mkfifo "$T/proxy.in" "$T/proxy.out"
node "$LL_INTEROP_DIR/fault_proxy.mjs" "$port" <"$T/proxy.in" >"$T/proxy.out" &
PROXY_PID=$!
exec 3>"$T/proxy.in" 4<"$T/proxy.out"
read -r -t 60 ready <&4
proxy_port=$(/usr/bin/python3 -c "import json, sys; print(json.loads(sys.argv[1])['port'])" "$ready")
stop_servers() { kill "$PROXY_PID" "$S3_PID" 2>/dev/null || true; }
trap stop_servers EXIT
/usr/bin/python3 - "$proxy_port" <<'PY'
import json, sys, urllib.request
rules = {"rules": [{"match": "^GET .*list-type=2", "faults": ["bad-last-modified"], "repeat": True}]}
urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/__proxy/rules",
                                              data=json.dumps(rules).encode(), method="PUT"))
PY
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
ENDPOINT="http://127.0.0.1:$port"
LAKE="s3://lakeload-e2e/lake"
TABLE="lake/shop/orders"
S() { ll "$@" --lake "$LAKE" --endpoint-url "$ENDPOINT"; }
qs() { S query --format csv "$1" | tail -n +2 | tr -d '\r'; }

gen() { # first last amount_base
	/usr/bin/python3 - "$@" <<'PY'
import json, sys
first, last, base = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for i in range(first, last + 1):
    print(json.dumps({"id": i, "email": f"u{i % 10}@shop.test", "amount": base + i}))
PY
}
L() { S load "$@" --dataset shop --table orders --table-format iceberg -q; }
metadata_of() {
	/usr/bin/python3 - "$LAKELOAD_HOME/catalogs/lakeload-e2e/lake/catalog.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT metadata_location FROM iceberg_tables "
                 "WHERE table_namespace='shop' AND table_name='orders'").fetchone()[0])
PY
}
# every snapshot of the table as icebird reads it: "<sequence number> <rows> <digest>"
snapshot_rows() { node "$LL_SOURCE_DIR/tests/e2e/icebird_s3_snapshots.mjs" "$ENDPOINT" "$(metadata_of)"; }
snapshots() { S history shop.orders | tail -n +2 | wc -l; }
# the emulator keeps each object in a file it reads LastModified from: age them
age() { find "$T/s3/lakeload-e2e/$TABLE" -name '*._S3rver_object' -exec touch -d '3 hours ago' {} +; }
# boto3 on the emulator: "put KEY...", "has KEY" (yes/no), "check": the objects under
# metadata/ and data/ against what the current metadata reaches
s3py() {
	/usr/bin/python3 -W ignore - "$port" "$(metadata_of)" "$@" <<'PY'
import io, json, sys
import boto3
from avro.datafile import DataFileReader
from avro.io import DatumReader
port, current, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id="S3RVER",
                  aws_secret_access_key="S3RVER", region_name="us-east-1")
B = "lakeload-e2e"
def key(loc): return loc[len(f"s3://{B}/"):]
def get(loc): return s3.get_object(Bucket=B, Key=key(loc))["Body"].read()
def avro(loc): return list(DataFileReader(io.BytesIO(get(loc)), DatumReader()))
if cmd == "put":
    for k in args:
        s3.put_object(Bucket=B, Key=k, Body=b"left by a commit that lost its race")
elif cmd == "has":
    print("yes" if s3.list_objects_v2(Bucket=B, Prefix=args[0]).get("KeyCount", 0) else "no")
elif cmd == "check":
    md = json.loads(get(current))
    reached = {key(current)} | {key(e["metadata-file"]) for e in md.get("metadata-log", [])}
    for snap in md.get("snapshots", []):
        reached.add(key(snap["manifest-list"]))
        for m in avro(snap["manifest-list"]):
            reached.add(key(m["manifest_path"]))
            reached.update(key(e["data_file"]["file_path"]) for e in avro(m["manifest_path"]))
    stored = {o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=B, Prefix="lake/shop/orders/")
              for o in page.get("Contents", [])
              if o["Key"].startswith(("lake/shop/orders/metadata/", "lake/shop/orders/data/"))}
    print("same" if stored == reached else f"missing {sorted(reached - stored)} extra {sorted(stored - reached)}")
PY
}

gen 1 20 100 > "$T/a.ndjson"; L "$T/a.ndjson"
gen 21 40 100 > "$T/b.ndjson"; L "$T/b.ndjson"
gen 41 50 100 > "$T/c.ndjson"; L "$T/c.ndjson"
gen 31 45 1000 > "$T/m.ndjson"; L "$T/m.ndjson" --write-disposition merge --primary-key id
S delete shop.orders --where "email = 'u3@shop.test'" -q
want=$(qs 'SELECT count(*), sum(amount) FROM shop.orders')
before=$(snapshot_rows)
check_eq "five snapshots, each read by icebird" "$(echo "$before" | wc -l)" "5"
check_eq "icebird's current snapshot agrees with lakeload" \
	"$(echo "$before" | tail -n 1 | cut -d' ' -f2)" "${want%%,*}"
check_eq "nothing unreferenced yet" "$(s3py check)" "same"

# everything so far was written three hours ago; then lost commits' leftovers, old and young
age
lost() { echo "$TABLE/metadata/00099-$1.metadata.json $TABLE/metadata/snap-99-$1.avro $TABLE/metadata/$1-m0.avro $TABLE/data/$1.parquet"; }
s3py put $(lost old-race) "$TABLE/other/notes.txt"
age
s3py put $(lost young-race)

# a listing that does not say how old objects are: they count as new, nothing goes
out=$(ll vacuum shop.orders --older-than 1h --lake "$LAKE" --endpoint-url "http://127.0.0.1:$proxy_port" 2>&1)
check_contains "without LastModified nothing is deleted" "$out" \
	"expired 0 snapshots, removed 0 files (8 unreferenced files kept: younger than the cutoff)"
for k in $(lost old-race); do check_eq "old orphan $k is kept while its age is unknown" "$(s3py has "$k")" "yes"; done

out=$(S vacuum shop.orders --older-than 1h 2>&1)
check_contains "old orphans removed, young kept" "$out" \
	"expired 0 snapshots, removed 4 files (4 unreferenced files kept: younger than the cutoff)"
for k in $(lost old-race); do check_eq "old orphan $k is gone" "$(s3py has "$k")" "no"; done
for k in $(lost young-race); do check_eq "young orphan $k is kept" "$(s3py has "$k")" "yes"; done
check_eq "outside metadata/ and data/ nothing goes" "$(s3py has "$TABLE/other/notes.txt")" "yes"
check_eq "every snapshot reads as before" "$(snapshot_rows)" "$before"
check_eq "rows unchanged" "$(qs 'SELECT count(*), sum(amount) FROM shop.orders')" "$want"

S vacuum shop.orders --older-than 0s --retain-last 2 -q
check_eq "two snapshots retained" "$(snapshots)" "2"
check_eq "the retained snapshots read as before" "$(snapshot_rows)" "$(echo "$before" | tail -n 2)"
check_eq "rows unchanged after expiry" "$(qs 'SELECT count(*), sum(amount) FROM shop.orders')" "$want"
check_eq "objects under metadata/ and data/: exactly what the metadata reaches" "$(s3py check)" "same"
for k in $(lost young-race); do check_eq "orphan $k goes once older than the cutoff" "$(s3py has "$k")" "no"; done

meta=$(metadata_of)
out=$(S vacuum shop.orders --older-than 0s --retain-last 2 2>&1)
check_contains "a second vacuum changes nothing" "$out" "expired 0 snapshots, removed 0 files"
check_eq "metadata unchanged" "$(metadata_of)" "$meta"
check_eq "rows after the second vacuum" "$(qs 'SELECT count(*), sum(amount) FROM shop.orders')" "$want"
finish
