#!/usr/bin/env bash
# A query reads only the tables it names. A damaged table (a manifest of
# _dlt_loads whose Avro schema is broken, a table whose metadata file is
# gone) fails the queries that read it, naming the file, and no other; on an
# S3 lake a query makes no request for the objects of tables it does not
# name (every request is counted at a proxy in front of the emulator).
source "$(dirname "$0")/lib.sh"

/usr/bin/python3 -c "
import json
for i in range(1, 31): print(json.dumps({'id': i, 'amount': i * 10}))" > "$T/a.ndjson"

# ---- a local lake --------------------------------------------------------
ll load "$T/a.ndjson" --lake "$LAKE" --dataset d --table hv -q
ll load "$T/a.ndjson" --lake "$LAKE" --dataset d --table ice --table-format iceberg -q
ll load "$T/a.ndjson" --lake "$LAKE" --dataset e --table gone --table-format iceberg -q

# Break the Avro schema in the header of every manifest of d._dlt_loads.
manifests=("$LAKE"/d/_dlt_loads/metadata/*-m0.avro)
check_eq "_dlt_loads has a manifest per load" "${#manifests[@]}" "2"
for f in "${manifests[@]}"; do
	/usr/bin/python3 -c "
import sys
p = sys.argv[1]
b = open(p, 'rb').read()
i = b.index(b'\"record\"')
open(p, 'wb').write(b[:i] + b'\"recXrd\"' + b[i + 8:])" "$f"
done
# Take away the metadata file of e.gone, so planning it cannot even start.
rm "$LAKE"/e/gone/metadata/*.metadata.json

check_eq "SELECT 1 reads no table" "$(q 'SELECT 1')" "1"
check_eq "a hive table beside the damaged one" "$(q 'SELECT count(*), sum(amount) FROM d.hv')" "30,4650"
check_eq "an Iceberg table beside the damaged one" "$(q 'SELECT count(*) FROM d.ice WHERE id > 20')" "10"
check_eq "a join of two sound tables" \
	"$(q 'SELECT count(*) FROM d.hv JOIN d.ice USING (id) WHERE d.ice.amount > 100')" "20"
check_eq "sound tables of the same dataset (_dlt_version)" "$(q 'SELECT count(*) FROM d._dlt_version')" "2"
expect_failure "querying the damaged table" ll query --lake "$LAKE" 'SELECT count(*) FROM d._dlt_loads'
check_contains "the error names the table" "$ERR" "Iceberg table d._dlt_loads"
check_contains "the error names the damaged manifest" "$ERR" "d/_dlt_loads/metadata/"
check_contains "the error names the damaged manifest file" "$ERR" "-m0.avro"
check_contains "the error says what is wrong" "$ERR" "invalid Avro schema"
expect_failure "a join with the damaged table" ll query --lake "$LAKE" \
	'SELECT count(*) FROM d.hv h JOIN d._dlt_loads l ON h._dlt_load_id = l.load_id'
check_contains "the join's error names the damaged table" "$ERR" "d._dlt_loads"
expect_failure "querying a table without its metadata" ll query --lake "$LAKE" 'SELECT * FROM e.gone'
check_contains "that error names the table" "$ERR" "Iceberg table e.gone"
check_contains "that error names the missing file" "$ERR" "e/gone/metadata/"
check_eq "the other dataset's sound table" "$(q 'SELECT count(*) FROM e._dlt_loads')" "1"
check_eq "a table named like the damaged one, of another dataset, beside d's tables" \
	"$(q 'SELECT count(*) FROM e._dlt_loads l JOIN d.hv h ON h.id > 0')" "30"

# ---- an S3 lake, behind a proxy that logs every request -------------------
mkdir -p "$T/s3"
coproc S3 { node "$LL_INTEROP_DIR/s3_server.mjs" "$T/s3" lakeload-e2e; }
read -r -t 60 ready <&"${S3[0]}"
s3_port=$(/usr/bin/python3 -c "import json, sys; print(json.loads(sys.argv[1])['port'])" "$ready")
# bash keeps one coproc at a time: the proxy reads a fifo held open here
# (it stops when that closes) and prints its port to a file.
mkfifo "$T/proxy.in"
node "$LL_INTEROP_DIR/fault_proxy.mjs" "$s3_port" <"$T/proxy.in" >"$T/proxy.out" &
PROXY_PID=$!
exec 7>"$T/proxy.in"
for _ in $(seq 600); do [[ -s "$T/proxy.out" ]] && break; sleep 0.1; done
proxy_port=$(/usr/bin/python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['port'])" "$T/proxy.out")
stop_servers() {
	exec 7>&-
	kill "$PROXY_PID" 2>/dev/null || true
	kill "$S3_PID" 2>/dev/null || true
}
trap stop_servers EXIT
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
PROXY="http://127.0.0.1:$proxy_port"
S3LAKE="s3://lakeload-e2e/lake"
S() { ll "$@" --lake "$S3LAKE" --endpoint-url "$PROXY"; }
# A control request to the proxy (method, path, body): prints its reply.
proxy() {
	/usr/bin/python3 -c "
import sys, urllib.request
req = urllib.request.Request(sys.argv[1] + sys.argv[3], method=sys.argv[2], data=sys.argv[4].encode() or None)
print(urllib.request.urlopen(req, timeout=60).read().decode())" "$PROXY" "$@"
}

S load "$T/a.ndjson" --dataset d --table hv -q
for _ in 1 2 3; do S load "$T/a.ndjson" --dataset d --table ice --table-format iceberg -q; done
S load "$T/a.ndjson" --dataset d --table other --table-format iceberg -q

# Runs a query through the proxy; prints its rows, then the tables (the
# key's path after lake/<dataset>/) of the objects it requested, one a line
# as "<dataset>/<table> <requests>".
requests_of() {
	proxy PUT /__proxy/rules '{"rules": []}' >/dev/null
	S query --format csv "$1" | tail -n +2 | tr -d '\r'
	proxy GET /__proxy/log "" | /usr/bin/python3 -c "
import collections, json, re, sys
seen = collections.Counter()
for r in json.load(sys.stdin):
    m = re.match(r'/lakeload-e2e/lake/([^/?]+)/([^/?]+)/', r['url'])
    seen[f'{m.group(1)}/{m.group(2)}' if m else r['method'] + ' ' + r['url']] += 1
for k in sorted(seen): print(k, seen[k] > 0)"
}
check_eq "SELECT 1 on S3 makes no request" "$(requests_of 'SELECT 1')" "1"
check_eq "a hive query requests only its table's objects" \
	"$(requests_of 'SELECT count(*) FROM d.hv')" $'30\nd/hv True'
check_eq "an Iceberg query requests only its table's objects" \
	"$(requests_of 'SELECT count(*) FROM d.ice WHERE id <= 5')" $'15\nd/ice True'
check_eq "a join requests the objects of its two tables" \
	"$(requests_of 'SELECT count(*) FROM d.ice JOIN d.other USING (id)')" $'90\nd/ice True\nd/other True'

# The three manifests of d.ice (one per load) are fetched together: the proxy
# holds each 300 ms, so fetched one after another they would never overlap.
proxy PUT /__proxy/rules \
	'{"rules": [{"match": "^GET .*/d/ice/metadata/.*-m0\\.avro", "faults": ["delay"]}]}' >/dev/null
check_eq "a table's manifests over S3" "$(S query --format csv 'SELECT count(*) FROM d.ice' | tail -1 | tr -d '\r')" "90"
overlap=$(proxy GET /__proxy/stats "" | /usr/bin/python3 -c "import json, sys; print(json.load(sys.stdin)['max_in_flight'])")
check_eq "the manifests were fetched in parallel" "$((overlap >= 2))" "1"
finish
