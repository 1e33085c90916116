#!/usr/bin/env bash
# Eight processes append to one Iceberg table at once, 25 loads each. Every
# commit is a compare-and-swap in the catalog and losers retry, so the table
# ends with 200 snapshots in one unbroken parent chain (sequence numbers 1 to
# 200, 10 rows added by each), every row once, and one _dlt_loads row per load;
# DuckDB reads every data file the last snapshot lists.
source "$(dirname "$0")/lib.sh"
WRITERS=8
LOADS=25

/usr/bin/python3 - "$T" "$WRITERS" "$LOADS" <<'PY'
import json, sys
out, writers, loads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for w in range(1, writers + 1):
    for n in range(1, loads + 1):
        with open(f"{out}/w{w}-{n}.ndjson", "w") as f:
            for r in range(10):
                f.write(json.dumps({"writer": w, "n": n, "id": (w * 1000 + n) * 100 + r}) + "\n")
PY
L() { "$LAKELOAD" load "$1" --dataset race --table events --lake "$LAKE" --table-format iceberg \
	--pipeline "$2" -q; }
L "$T/w1-1.ndjson" seed
pids=()
for w in $(seq 1 $WRITERS); do
	(
		for n in $(seq 1 $LOADS); do
			[[ $w == 1 && $n == 1 ]] && continue
			L "$T/w$w-$n.ndjson" "writer$w" || exit 1
		done
	) &
	pids+=($!)
done
ok=0
for pid in "${pids[@]}"; do wait "$pid" && ok=$((ok + 1)); done
total=$((WRITERS * LOADS))
check_eq "every writer finished" "$ok" "$WRITERS"
check_eq "every row once" "$(q 'SELECT count(*), count(DISTINCT id) FROM race.events')" \
	"$((total * 10)),$((total * 10))"
check_eq "every load of every writer" "$(q 'SELECT count(DISTINCT writer * 100 + n) FROM race.events')" "$total"
check_eq "one _dlt_loads row per load" \
	"$(q 'SELECT count(*), count(DISTINCT load_id), (SELECT count(DISTINCT _dlt_load_id) FROM race.events) FROM race._dlt_loads')" \
	"$total,$total,$total"
check_eq "rows of unrecorded loads" \
	"$(q 'SELECT count(*) FROM race.events WHERE _dlt_load_id NOT IN (SELECT load_id FROM race._dlt_loads)')" "0"
check_eq "$total snapshots" "$(ll history race.events --lake "$LAKE" | tail -n +2 | wc -l)" "$total"

# The table's current metadata, read with Python: the snapshots form one chain
# from the current one back to the first, numbered 1..200 in commit order, each
# adding 10 rows; it prints the data files of the current snapshot for DuckDB.
chain=$(/usr/bin/python3 - "$LAKE" "$total" <<'PY'
import json, sqlite3, sys, warnings
import avro.errors
from avro.datafile import DataFileReader
from avro.io import DatumReader
# Iceberg's maps are arrays of key/value records to Avro: that is expected
warnings.filterwarnings("ignore", category=avro.errors.IgnoredLogicalType)
lake, total = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(f"{lake}/catalog.db")
loc, = db.execute("SELECT metadata_location FROM iceberg_tables "
                  "WHERE table_namespace = 'race' AND table_name = 'events'").fetchone()
local = lambda uri: uri[len("file://"):] if uri.startswith("file://") else uri
md = json.load(open(local(loc)))
snaps = {s["snapshot-id"]: s for s in md["snapshots"]}
chain, sid = [], md["current-snapshot-id"]
while sid is not None and sid in snaps:
    chain.append(snaps[sid])
    sid = snaps[sid].get("parent-snapshot-id")
chain.reverse()
problems = []
if len(chain) != len(snaps) or len(snaps) != total:
    problems.append(f"{len(snaps)} snapshots, {len(chain)} in the current one's chain")
if [s["sequence-number"] for s in chain] != list(range(1, len(chain) + 1)):
    problems.append("sequence numbers are not 1..%d in chain order" % len(chain))
if md.get("last-sequence-number") != len(chain):
    problems.append(f"last-sequence-number {md.get('last-sequence-number')}")
added = [s["summary"].get("added-records") for s in chain]
if any(a != "10" for a in added):
    problems.append(f"added-records {sorted(set(added))}")
files = []
for m in DataFileReader(open(local(chain[-1]["manifest-list"]), "rb"), DatumReader()):
    for e in DataFileReader(open(local(m["manifest_path"]), "rb"), DatumReader()):
        if e["status"] != 2:
            files.append(local(e["data_file"]["file_path"]))
print("; ".join(problems) or "one chain")
print("[%s]" % ", ".join("'%s'" % f for f in files))
PY
)
check_eq "snapshot chain" "$(head -1 <<<"$chain")" "one chain"
files=$(tail -1 <<<"$chain")
check_eq "DuckDB reads the current snapshot's files" \
	"$(duck "SELECT count(*), count(DISTINCT id), count(DISTINCT writer * 100 + n) FROM read_parquet($files)")" \
	"$((total * 10)),$((total * 10)),$total"
finish
