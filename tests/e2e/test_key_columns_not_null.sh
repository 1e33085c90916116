#!/usr/bin/env bash
# Primary and merge key columns are not nullable, as dlt makes them
# (dlt/extract/hints.py, _merge_key: new_column(key, nullable=False)): a
# record without a value for a key fails the load, the first one too, with
# file:line, table and column; nothing of it reaches the lake. The key
# columns of a load whose records all have them are REQUIRED in the Parquet
# files from the first load on, as in the loads after it.
source "$(dirname "$0")/lib.sh"
cd "$T"
printf '%s\n' '{"id":1,"region":"eu","v":"a"}' '{"id":2,"region":"us","v":"b"}' >good.ndjson
printf '%s\n' '{"id":3,"region":"eu","v":"c"}' '{"region":"us","v":"d"}' >no_id.ndjson
printf '%s\n' '{"id":4,"region":null,"v":"e"}' >null_region.ndjson

required() {
	duck "SELECT name || '=' || repetition_type FROM parquet_schema('$LAKE/$1/$2/*.parquet')
	      WHERE name IN ('id', 'region', 'v') ORDER BY file_name, name" | sort -u | tr '\n' ' '
}

expect_failure "first load: a record without its primary key" \
	ll load no_id.ndjson --dataset first --table t --primary-key id --lake "$LAKE" -q
check_contains "the error names file:line" "$ERR" "no_id.ndjson:2:"
check_contains "the error names the key column" "$ERR" "column id"
check_eq "nothing of the failed load reached the lake" "$(ls "$LAKE/first" 2>/dev/null | grep -v '^_dlt' || true)" ""

expect_failure "first load: a null merge key" \
	ll load null_region.ndjson --dataset merged --table t --merge-key region --lake "$LAKE" -q
check_contains "the error names the merge key column" "$ERR" "column region"

ll load good.ndjson --dataset keyed --table t --primary-key id --merge-key region --lake "$LAKE" -q
check_eq "key columns are REQUIRED from the first load on" "$(required keyed t)" \
	"id=REQUIRED region=REQUIRED v=OPTIONAL "
ll load good.ndjson --dataset keyed --table t --primary-key id --merge-key region --lake "$LAKE" -q
check_eq "and stay so in the next load" "$(required keyed t)" \
	"id=REQUIRED region=REQUIRED v=OPTIONAL "
check_eq "both loads' rows" "$(q "SELECT count(*), count(id) FROM keyed.t")" "4,4"
expect_failure "a later load: a record without its primary key" \
	ll load no_id.ndjson --dataset keyed --table t --primary-key id --merge-key region --lake "$LAKE" -q
check_contains "the later load names the same column" "$ERR" "column id"

# a key on a column an earlier load made nullable: required from this load on
ll load good.ndjson --dataset later --table t --lake "$LAKE" -q
ll load good.ndjson --dataset later --table t --primary-key id --lake "$LAKE" -q
# (a file per load, named after its load id, so in load order)
check_eq "the keyed load's file has the key column REQUIRED" \
	"$(duck "SELECT repetition_type FROM parquet_schema('$LAKE/later/t/*.parquet')
	         WHERE name = 'id' ORDER BY file_name" | tr '\n' ' ')" "OPTIONAL REQUIRED "
finish
