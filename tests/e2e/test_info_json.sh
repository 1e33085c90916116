#!/usr/bin/env bash
# `lakeload info --format json` prints what `lakeload info` prints (loads
# with their states and a failed one's reason, tables with rows and files)
# as one JSON document, read here with python's json module.
source "$(dirname "$0")/lib.sh"
F="$T/f.ndjson"
printf '{"id":%d,"c":"x%d"}\n' 1 1 2 2 3 3 > "$F"
G="$T/g.ndjson"
printf '{"id":%d,"c":"y%d"}\n' 6 6 7 7 > "$G"
crash() { set +e; LAKELOAD_FAILPOINT=$1 "$LAKELOAD" "${@:2}" -q 2>/dev/null; set -e; }

# a package of pa normalized for an Iceberg s.t, which pb then makes a hive table: it fails
crash after_normalize load "$F" --dataset s --table t --lake "$LAKE" --table-format iceberg --pipeline pa
ll load "$F" --dataset s --table t --lake "$LAKE" --pipeline pb -q
ll load "$G" --dataset s --table u --lake "$LAKE" --pipeline pa -q 2>/dev/null || true

text=$(ll info --pipeline pa)
json=$(ll info --pipeline pa --format json)
check_eq "--format table is the default" "$(ll info --pipeline pa --format table)" "$text"

field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$json"; }
check_eq "one pipeline" "$(field 'len(d["pipelines"])')" "1"
check_eq "its name" "$(field 'd["pipelines"][0]["name"]')" "pa"
check_eq "its dataset" "$(field 'd["pipelines"][0]["dataset"]')" "s"
check_eq "its lake" "$(field 'd["pipelines"][0]["lake"]')" "$LAKE"
check_eq "the load states" "$(field '" ".join(sorted(l["state"] for l in d["pipelines"][0]["loads"]))')" "failed loaded"
failed_id=$(field '[l for l in d["pipelines"][0]["loads"] if l["state"]=="failed"][0]["load_id"]')
reason=$(field '[l for l in d["pipelines"][0]["loads"] if l["state"]=="failed"][0]["reason"]')
check_contains "the text names the failed load" "$text" "$failed_id  failed"
check_contains "the reason is the one the text gives" "$text" "reason: $reason"
check_contains "the reason names the table" "$reason" "s.t"
check_eq "the loaded load's table, records and files" \
	"$(field '[(l["table"],l["records"],l["write_disposition"]) for l in d["pipelines"][0]["loads"] if l["state"]=="loaded"][0]')" \
	"('u', 2, 'append')"
check_contains "the text gives the same" "$text" "-> u (append), 2 records"
# each table's line in the text, rebuilt from the JSON
while IFS= read -r line; do
	check_contains "the text lists $line" "$(tr -s ' ' <<<"$text")" "$line"
done < <(field '"\n".join("%s.%s %d rows %d files %d columns %s" % (t["dataset"], t["name"], t["rows"], t["files"], t["columns"], t["format"]) for t in d["pipelines"][0]["tables"])')
check_eq "tables s.t and s.u" "$(field '" ".join(t["name"] for t in d["pipelines"][0]["tables"] if not t["name"].startswith("_dlt"))')" "t u"
check_eq "s.u has 2 rows" "$(field '[t["rows"] for t in d["pipelines"][0]["tables"] if t["name"]=="u"][0]')" "2"

# a load stopped after normalizing stays normalized (pending)
crash after_normalize load "$G" --dataset s --table v --lake "$LAKE" --pipeline pc
json=$(ll info --format json)
check_eq "without --pipeline, every pipeline" "$(field '" ".join(sorted(p["name"] for p in d["pipelines"]))')" "pa pb pc"
check_eq "pc's load is normalized" \
	"$(field '[l["state"] + " " + l["table"] for p in d["pipelines"] if p["name"]=="pc" for l in p["loads"]][0]')" "normalized v"
check_contains "as the text says" "$(ll info --pipeline pc)" "normalized  $G -> v"
rc=0
ll info --format yaml 2>/dev/null || rc=$?
check_eq "an unknown format is a usage error" "$rc" "2"
rc=0
ll info --pipeline nope --format json >/dev/null 2>&1 || rc=$?
check_eq "an unknown pipeline fails" "$rc" "1"

finish
