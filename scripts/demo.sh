#!/usr/bin/env bash
# `make demo`: loads examples/events.ndjson (nested events with lists of
# items) into a fresh local lake at ./demo-lake, then queries it, so a new
# user sees the whole path: schema inference, nested data normalized into a
# root table and child tables, Parquet files, the catalog and SQL.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ll="$build/src/cli/lakeload"
lake=demo-lake
export LAKELOAD_HOME="$PWD/$build/demo-home"
rm -rf "$lake" "$LAKELOAD_HOME"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step "$ll" load examples/events.ndjson --dataset shop --table events --lake "$lake"
step "$ll" query --lake "$lake" \
	"SELECT event_type, count(*) AS events, round(sum(amount), 2) AS revenue
	   FROM shop.events GROUP BY 1 ORDER BY 2 DESC"
step "$ll" query --lake "$lake" \
	"SELECT e.user__address__city AS city, i.sku, sum(i.qty) AS units
	   FROM shop.events e JOIN shop.events__items i ON i._dlt_parent_id = e._dlt_id
	  GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 5"
step "$ll" query --lake "$lake" --format json \
	"SELECT load_id, schema_name, status FROM shop._dlt_loads"
step "$ll" info --pipeline shop
printf '\nThe lake is in ./%s: Parquet files under shop/<table>/, the catalog in catalog.db.\n' "$lake"
