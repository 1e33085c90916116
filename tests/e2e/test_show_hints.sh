#!/usr/bin/env bash
# `lakeload show DATASET.TABLE` prints the table's hints, which the catalog
# does not keep, from the saved schema of the pipeline that loaded it: write
# disposition, primary and merge keys, partition, and per column its
# primary_key / merge_key / variant markers.
source "$(dirname "$0")/lib.sh"
F="$T/f.ndjson"
printf '%s\n' '{"id":1,"k":"a","n":5,"ts":"2024-01-01T00:00:00Z"}' \
	'{"id":2,"k":"b","n":"five","ts":"2024-02-01T00:00:00Z"}' > "$F"
ll load "$F" --dataset s --table t --lake "$LAKE" --write-disposition merge --primary-key id \
	--merge-key k --table-format iceberg --partition 'month(ts)' -q
out=$(ll show s.t --lake "$LAKE")
check_contains "the write disposition" "$out" "write disposition: merge"
check_contains "the primary key" "$out" "primary key: id"
check_contains "the merge key" "$out" "merge key: k"
check_contains "the partition hint" "$out" "partition hint: month(ts)"
col() { grep -E "^  $1 " <<<"$out" | tr -s ' '; }
check_eq "id is marked primary_key" "$(col id)" " id bigint not null primary_key"
# key columns are not nullable, as dlt makes them
check_eq "k is marked merge_key" "$(col k)" " k text not null merge_key"
check_eq "a column without hints has no marker" "$(col n)" " n bigint"
check_eq "the variant says of which column" "$(col n__v_text)" " n__v_text text variant of n"

# an append table of another pipeline into the same lake
printf '{"a":1}\n' > "$T/g.ndjson"
ll load "$T/g.ndjson" --dataset s --table u --lake "$LAKE" --pipeline other -q
out=$(ll show s.u --lake "$LAKE")
check_contains "the other pipeline's table: append" "$out" "write disposition: append"
check_contains "no primary key" "$out" "primary key: none"
check_contains "no partition" "$out" "partition hint: none"

# a home with no pipeline that loads into this catalog cannot know the hints
out=$(LAKELOAD_HOME="$T/elsewhere" ll show s.t --lake "$LAKE")
check_contains "without the pipeline, hints are unknown" "$out" "hints: unknown"
check_contains "the columns are still listed" "$out" "  id"

finish
