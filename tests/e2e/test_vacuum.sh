#!/usr/bin/env bash
# vacuum: an Iceberg table after appends, a merge and a delete keeps its
# rows (lakeload and icebird agree) while old snapshots expire and every
# file the current snapshot does not reference is deleted; a second vacuum
# changes nothing; --retain-last keeps snapshots; hive tables are refused.
source "$(dirname "$0")/lib.sh"
ICEBIRD="$LL_SOURCE_DIR/tests/iceberg/icebird_rows.mjs"

gen() { # first last amount_base
	/usr/bin/python3 - "$@" <<'PY'
import json, sys
first, last, base = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for i in range(first, last + 1):
    print(json.dumps({"id": i, "email": f"u{i % 10}@shop.test", "amount": base + i}))
PY
}
L() { ll load "$@" --dataset shop --table orders --table-format iceberg --lake "$LAKE" -q; }
metadata_of() { /usr/bin/python3 -c "
import sqlite3
db = sqlite3.connect('$LAKE/catalog.db')
row = db.execute(\"SELECT metadata_location FROM iceberg_tables WHERE table_namespace='shop' AND table_name='$1'\").fetchone()
print(row[0][len('file://'):] if row[0].startswith('file://') else row[0])"; }
icebird_sum() { node "$ICEBIRD" - "$(metadata_of orders)" | /usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print(len(r), sum(int(x['amount']) for x in r))"; }
snapshots() { ll history shop.orders --lake "$LAKE" | tail -n +2 | wc -l; }
# the files the current metadata reaches: itself, its log, manifest lists, manifests, data and delete files
referenced() {
	/usr/bin/python3 - "$(metadata_of orders)" <<'PY'
import json, sys
from avro.datafile import DataFileReader
from avro.io import DatumReader
def local(p): return p[len("file://"):] if p.startswith("file://") else p
md_path = sys.argv[1]
md = json.load(open(md_path))
files = {md_path} | {local(e["metadata-file"]) for e in md.get("metadata-log", [])}
for s in md.get("snapshots", []):
    files.add(local(s["manifest-list"]))
    for m in DataFileReader(open(local(s["manifest-list"]), "rb"), DatumReader()):
        files.add(local(m["manifest_path"]))
        for e in DataFileReader(open(local(m["manifest_path"]), "rb"), DatumReader()):
            files.add(local(e["data_file"]["file_path"]))
print(len(files))
PY
}
on_disk() { find "$LAKE/shop/orders/metadata" "$LAKE/shop/orders/data" -type f | wc -l; }

gen 1 20 100 > "$T/a.ndjson"; L "$T/a.ndjson"
gen 21 40 100 > "$T/b.ndjson"; L "$T/b.ndjson"
gen 41 50 100 > "$T/c.ndjson"; L "$T/c.ndjson"
gen 31 45 1000 > "$T/m.ndjson"; L "$T/m.ndjson" --write-disposition merge --primary-key id
ll delete shop.orders --where "email = 'u3@shop.test'" --lake "$LAKE" -q
want=$(q 'SELECT count(*), sum(amount) FROM shop.orders')
want_ice=$(icebird_sum)
check_eq "icebird agrees before vacuum" "$want_ice" "$(echo "$want" | tr , ' ')"
check_eq "five snapshots before" "$(snapshots)" "5"

ll vacuum shop.orders --lake "$LAKE" -q
check_eq "default age keeps young snapshots" "$(snapshots)" "5"

ll vacuum shop.orders --older-than 0s --retain-last 3 --lake "$LAKE" -q
check_eq "--retain-last 3 keeps three" "$(snapshots)" "3"
check_eq "rows after retain 3" "$(q 'SELECT count(*), sum(amount) FROM shop.orders')" "$want"
check_eq "files on disk: what the retained snapshots reach" "$(on_disk)" "$(referenced)"

before=$(on_disk)
ll vacuum shop.orders --older-than 0s --retain-last 1 --lake "$LAKE" -q
check_eq "one snapshot left" "$(snapshots)" "1"
check_eq "rows unchanged" "$(q 'SELECT count(*), sum(amount) FROM shop.orders')" "$want"
check_eq "icebird reads the vacuumed table" "$(icebird_sum)" "$want_ice"
after=$(on_disk)
check_eq "files on disk: exactly what the current snapshot references" "$after" "$(referenced)"
[[ $after -lt $before ]] && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL files dropped: $before -> $after" >&2; }

# an orphan a lost commit race could leave: removed once older than the cutoff, kept while young
echo '{}' > "$LAKE/shop/orders/metadata/00099-lost-race.metadata.json"
ll vacuum shop.orders --older-than 1h --lake "$LAKE" -q
check_eq "a young orphan is kept" "$(test -f "$LAKE/shop/orders/metadata/00099-lost-race.metadata.json" && echo kept)" "kept"
ll vacuum shop.orders --older-than 0s --lake "$LAKE" -q
check_eq "an old orphan goes" "$(test -f "$LAKE/shop/orders/metadata/00099-lost-race.metadata.json" || echo gone)" "gone"

meta=$(metadata_of orders)
out=$(ll vacuum shop.orders --older-than 0s --lake "$LAKE" 2>&1)
check_contains "second vacuum is a no-op" "$out" "expired 0 snapshots, removed 0 files"
check_eq "still one snapshot" "$(snapshots)" "1"
check_eq "rows after second vacuum" "$(q 'SELECT count(*), sum(amount) FROM shop.orders')" "$want"
check_eq "file count stable" "$(on_disk)" "$(referenced)"
check_eq "metadata unchanged" "$(metadata_of orders)" "$meta"

gen 1 3 100 > "$T/h.ndjson"
ll load "$T/h.ndjson" --dataset shop --table plain --lake "$LAKE" -q
expect_failure "hive has no vacuum" ll vacuum shop.plain --lake "$LAKE"
check_contains "hive message" "$ERR" "not an Iceberg table"
expect_failure "bad duration" ll vacuum shop.orders --older-than 5x --lake "$LAKE"
check_contains "duration message" "$ERR" "7d, 12h, 30m or 0s"
expect_failure "bad retain" ll vacuum shop.orders --retain-last 0 --lake "$LAKE"

finish
