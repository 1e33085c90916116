#!/usr/bin/env bash
# A pipeline whose working directory is lost restores its state and schema
# from the destination's _dlt tables and continues: its next load adds to
# the same tables, the state version goes on, and nothing is loaded twice.
source "$(dirname "$0")/lib.sh"
EX="$LL_SOURCE_DIR/examples/events.ndjson"
L() { ll load "$@" --dataset shop --table events --lake "$LAKE"; }

L "$EX" -q
rm -rf "$LAKELOAD_HOME"
out=$(L "$EX" 2>&1)
check_contains "state restored" "$out" "restored the state of pipeline shop (version 1)"
check_contains "schema restored" "$out" "restored schema shop version 1"
check_eq "rows of both loads, once each" "$(q 'SELECT count(*) FROM shop.events')" "120"
check_eq "two loads" "$(q 'SELECT count(*) FROM shop._dlt_loads')" "2"
check_eq "state versions continue" "$(q 'SELECT min(version), max(version), count(*) FROM shop._dlt_pipeline_state')" "1,2,2"
check_eq "the schema did not start over" "$(q 'SELECT count(*) FROM shop._dlt_version')" "1"
check_eq "working dir written again" "$(ls "$LAKELOAD_HOME/pipelines/shop/state.json" | wc -l)" "1"

# an Iceberg table merged by a pipeline that lost its working directory
M() { ll load "$1" --dataset ice --table orders --lake "$LAKE" -q --table-format iceberg \
	--write-disposition merge --primary-key id; }
/usr/bin/python3 -c "
import json
for i in range(20): print(json.dumps({'id': i, 'v': i, 'tags': ['a', 'b']}))" > "$T/a.ndjson"
/usr/bin/python3 -c "
import json
for i in range(10, 30): print(json.dumps({'id': i, 'v': 100 + i, 'tags': ['c']}))" > "$T/b.ndjson"
M "$T/a.ndjson"
rm -rf "$LAKELOAD_HOME"
M "$T/b.ndjson"
check_eq "merge after restore: no duplicates" "$(q 'SELECT count(*), count(DISTINCT id), sum(v) FROM ice.orders')" "30,30,$((45 + 2390))"
check_eq "children after restore" "$(q 'SELECT count(*) FROM ice.orders__tags')" "$((10 * 2 + 20))"
check_eq "same field ids: one Iceberg schema" "$(/usr/bin/python3 -c "
import json, sqlite3
loc = sqlite3.connect('$LAKE/catalog.db').execute(\"SELECT metadata_location FROM iceberg_tables WHERE table_name='orders'\").fetchone()[0]
print(len(json.load(open(loc[len('file://'):]))['schemas']))")" "1"

# a pipeline that never ran against this lake restores nothing
out=$(ll load "$EX" --dataset other --table events --lake "$LAKE" 2>&1)
check_eq "fresh pipeline: nothing restored" "$(grep -c restored <<<"$out" || true)" "0"
finish
