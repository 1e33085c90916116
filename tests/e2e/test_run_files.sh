#!/usr/bin/env bash
# `lakeload run` with a files source: NDJSON, JSON, gzip and CSV files matched
# by globs load as one load per resource with the resource's hints; an
# incremental resource loads only new records, also after its working
# directory is lost (the cursor comes back from _dlt_pipeline_state); an
# interrupted run finishes exactly once; mistakes in pipeline.toml are usage
# errors naming file:line and the key.
source "$(dirname "$0")/lib.sh"

P="$T/project"
mkdir -p "$P/data" "$P/updates"
cd "$P"
LAKE="$P/lake" # bucket_url of the local .dlt/config.toml
ll init filesystem local >/dev/null
printf '{"id":1,"name":"a","tags":["x","y"]}\n{"id":2,"name":"b","tags":[]}\n' >data/one.ndjson
printf '[{"id":3,"name":"c"}]' | gzip >data/two.json.gz
printf 'id,name,amount,active,note\n4,d,1.25,true,"comma, and ""quote"""\n5,"6",,FALSE,"two\nlines"\n' >data/three.csv
cat >pipeline.toml <<'TOML'
[pipeline]
name = "files"
dataset_name = "Files Data"
destination = "local"

[[resources]]
name = "events"
write_disposition = "replace"
[resources.files]
bucket_url = "data"
file_glob = ["*.ndjson", "*.gz", "*.csv"]
[resources.columns]
amount = "decimal(10,2)"

[[resources]]
name = "updates"
table_name = "Customer Updates"
write_disposition = "merge"
primary_key = "id"
table_format = "iceberg"
[resources.files]
bucket_url = "updates"
file_glob = "*.jsonl"
format = "json"
[resources.incremental]
cursor_path = "meta.updated_at"
initial_value = "2024-01-02"
TOML
printf '%s\n' '{"id":1,"v":"old","meta":{"updated_at":"2024-01-01"}}' \
	'{"id":2,"v":"b1","meta":{"updated_at":"2024-01-02"}}' >updates/a.jsonl

out=$(ll run 2>&1)
check_contains "run reports events" "$out" "events: loaded 5 records into files_data.events"
check_contains "run reports updates" "$out" "updates: loaded 1 records into files_data.customer_updates"
check_eq "all formats loaded" "$(q "SELECT id, name FROM files_data.events ORDER BY id" | tr '\n' ' ')" \
	"1,a 2,b 3,c 4,d 5,6 "
check_eq "CSV values typed as pandas types them" \
	"$(q "SELECT amount, active, note FROM files_data.events WHERE id = 4")" '1.25,1,"comma, and ""quote"""'
check_eq "CSV empty field is null, quoted digits text" \
	"$(q "SELECT amount IS NULL, typeof(name) FROM files_data.events WHERE id = 5")" "1,text"
check_eq "nested list to child table" "$(q "SELECT count(*) FROM files_data.events__tags")" 2
check_eq "decimal hint seen by duckdb" \
	"$(duck "SELECT typeof(amount) FROM $(files_of files_data events) LIMIT 1")" "DECIMAL(10,2)"
check_eq "initial_value is inclusive" "$(q "SELECT id, v FROM files_data.customer_updates")" "2,b1"

# replace: a second run replaces, the table does not double
ll run --resource events -q
check_eq "replace keeps one copy" "$(q "SELECT count(*) FROM files_data.events")" 5

# incremental: nothing new, then only the new and changed records
out=$(ll run --resource updates 2>&1)
check_contains "nothing new" "$out" "updates: nothing new"
printf '%s\n' '{"id":2,"v":"b2","meta":{"updated_at":"2024-01-05"}}' \
	'{"id":3,"v":"c1","meta":{"updated_at":"2024-01-04"}}' >updates/b.jsonl
out=$(ll run --resource updates 2>&1)
check_contains "only new records" "$out" "updates: loaded 2 records"
check_eq "merged by primary key" "$(q "SELECT id, v FROM files_data.customer_updates ORDER BY id" | tr '\n' ' ')" \
	"2,b2 3,c1 "

# a fresh machine: the cursor comes back with the state from the destination
rm -rf "$LAKELOAD_HOME"
printf '%s\n' '{"id":4,"v":"d1","meta":{"updated_at":"2024-01-06"}}' >updates/c.jsonl
out=$(ll run --resource updates 2>&1)
check_contains "state restored: only the newest" "$out" "updates: loaded 1 records"
check_eq "after restore" "$(q "SELECT count(*) FROM files_data.customer_updates")" 3

# an interrupted run is finished by the next one, exactly once
printf '{"id":6,"name":"f"}\n' >data/four.ndjson
set +e
LAKELOAD_FAILPOINT=after_normalize "$LAKELOAD" run --resource events -q 2>/dev/null
set -e
out=$(ll run --resource events 2>&1)
check_contains "interrupted load not repeated" "$out" "already loaded by the interrupted run"
check_eq "rows after the interrupted run" "$(q "SELECT count(*) FROM files_data.events")" 6
check_eq "loads recorded once" "$(q "SELECT count(*) FROM files_data._dlt_loads")" 6

# mistakes in pipeline.toml: exit 2 with file:line and the key
cp pipeline.toml good.toml
sed 's/^write_disposition = "replace"/write_dispositon = "replace"/' good.toml >bad1.toml
expect_failure "misspelt key" ll run bad1.toml
check_eq "misspelt key status" "$RC" 2
check_contains "misspelt key named with its line" "$ERR" 'bad1.toml:8:1: unknown key "write_dispositon"'
sed 's/^cursor_path = .*//' good.toml >bad2.toml
expect_failure "missing required key" ll run bad2.toml
check_eq "missing key status" "$RC" 2
check_contains "missing key named" "$ERR" 'missing required key "cursor_path" in incremental'
check_contains "missing key line" "$ERR" "bad2.toml:25:"
sed 's/^dataset_name = .*/dataset_name = 7/' good.toml >bad3.toml
expect_failure "wrong type" ll run bad3.toml
check_contains "wrong type named" "$ERR" 'bad3.toml:3:1: key "dataset_name" must be a string, not integer'
printf '[pipeline\n' >bad4.toml
expect_failure "not TOML" ll run bad4.toml
check_eq "not TOML status" "$RC" 2
check_contains "not TOML position" "$ERR" "bad4.toml:1:"
expect_failure "unknown resource" ll run --resource nope
check_eq "unknown resource status" "$RC" 2
check_contains "unknown resource lists them" "$ERR" "it has: events, updates"
expect_failure "no pipeline file" ll run missing.toml
check_eq "no pipeline file status" "$RC" 2

# a malformed record fails the run and leaves nothing of it visible
printf '{"id":7,"name":\n' >data/five.ndjson
expect_failure "malformed record" ll run --resource events
check_eq "malformed status" "$RC" 1
check_contains "malformed names the file" "$ERR" "five.ndjson:2:"
check_eq "nothing of the failed run" "$(q "SELECT count(*) FROM files_data.events")" 6

cd "$T"
finish
