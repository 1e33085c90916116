#!/usr/bin/env bash
# A misspelt key under a known [destination.*] section is an error (exit 2,
# with the nearest known key) instead of a silent load into ./lake, unless
# --lake names the lake on the command line; a --config-dir that is not a
# folder is an error too.
source "$(dirname "$0")/lib.sh"
W="$T/work"
mkdir -p "$W/.dlt"
cd "$W"
printf '{"id":1}\n' > "$T/f.ndjson"
printf '[destination.filesystem]\nbucket_ulr = "%s/configured"\n' "$T" > .dlt/config.toml

expect_failure "misspelt key fails the load" ll load "$T/f.ndjson" --dataset d --table t
check_eq "exit status 2" "$RC" "2"
check_contains "the error names the key and the fix" "$ERR" \
	"config.toml:2: unknown setting destination.filesystem.bucket_ulr; did you mean destination.filesystem.bucket_url?"
check_eq "nothing loaded into ./lake" "$(test -e lake && echo yes || echo no)" "no"
expect_failure "a query fails the same way" ll query "SELECT 1"
check_eq "query exit status 2" "$RC" "2"

out=$(ll load "$T/f.ndjson" --dataset d --table t --lake "$T/given" 2>&1)
check_contains "with --lake it stays a warning" "$out" "did you mean destination.filesystem.bucket_url?"
check_eq "with --lake the load goes there" "$(q_lake() { "$LAKELOAD" query --lake "$T/given" --format csv "SELECT count(*) FROM d.t" | tail -n +2 | tr -d '\r'; }; q_lake)" "1"

# a misspelt section is not a known section: a warning, as before
printf '[destination.filesystm]\nbucket_url = "x"\n' > .dlt/config.toml
out=$(ll load "$T/f.ndjson" --dataset d2 --table t --lake "$T/given" 2>&1)
check_contains "misspelt section warns" "$out" "did you mean destination.filesystem?"

# the fixed key works
printf '[destination.filesystem]\nbucket_url = "%s/configured"\n' "$T" > .dlt/config.toml
ll load "$T/f.ndjson" --dataset d3 --table t -q
check_eq "bucket_url is used once spelt right" "$(test -d "$T/configured/d3" && echo yes)" "yes"

expect_failure "missing --config-dir" ll load "$T/f.ndjson" --dataset d --table t --config-dir "$T/nowhere"
check_eq "missing --config-dir: exit 2" "$RC" "2"
check_contains "missing --config-dir: says so" "$ERR" "--config-dir $T/nowhere is not a folder"
expect_failure "missing --config-dir for config show" ll config show --config-dir "$T/nowhere"
check_eq "config show: exit 2" "$RC" "2"
finish
