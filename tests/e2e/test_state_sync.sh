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

# a pipeline that never ran against this lake restores nothing
out=$(ll load "$EX" --dataset other --table events --lake "$LAKE" 2>&1)
check_eq "fresh pipeline: nothing restored" "$(grep -c restored <<<"$out" || true)" "0"
finish
