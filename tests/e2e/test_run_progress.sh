#!/usr/bin/env bash
# The progress line of load and run: drawn in place on a terminal (a
# pseudo-terminal made by script(1)) with records, MB, MB/s and the share
# of a known size; absent when stderr is not a terminal unless
# --progress always; never with --progress never.
source "$(dirname "$0")/lib.sh"

# Runs the CLI with its stderr and stdout on a pseudo-terminal; prints what it wrote.
on_tty() { script -qec "$(printf '%q ' "$LAKELOAD" "$@")" /dev/null </dev/null; }

cd "$T"
seq 1 5000 | sed 's/.*/{"id":&,"name":"row &"}/' >rows.ndjson
size_mb=$(awk -v b="$(stat -c %s rows.ndjson)" 'BEGIN { printf "%.1f", b / 1048576 }')

out=$(on_tty load rows.ndjson --dataset p --lake "$LAKE")
check_contains "terminal: line redrawn in place" "$out" $'\r''lakeload: rows.ndjson: 5000 records'
check_contains "terminal: size and share" "$out" "of $size_mb MB (100%)"
check_contains "terminal: rate" "$out" "MB/s"
check_contains "terminal: erase to end of line" "$out" $'\033[K'

err=$(ll load rows.ndjson --dataset p --lake "$LAKE" 2>&1 >/dev/null)
if [[ $err == *$'\r'* || $err == *"MB/s"* ]]; then
	FAIL=$((FAIL + 1))
	echo "FAIL progress drawn when stderr is not a terminal: $err" >&2
else
	PASS=$((PASS + 1))
fi
err=$(ll load rows.ndjson --dataset p --lake "$LAKE" --progress always 2>&1 >/dev/null)
check_contains "always: drawn without a terminal" "$err" "5000 records"
out=$(on_tty load rows.ndjson --dataset p --lake "$LAKE" --progress never)
if [[ $out == *"MB/s"* ]]; then
	FAIL=$((FAIL + 1))
	echo "FAIL progress drawn with --progress never" >&2
else
	PASS=$((PASS + 1))
fi

# run: the same line for a resource's files
mkdir data
cp rows.ndjson data/
gzip -c rows.ndjson >data/more.ndjson.gz
printf '[pipeline]\ndataset_name = "p"\n[[resources]]\nname = "rows"\n[resources.files]\nbucket_url = "data"\nfile_glob = "*"\n' >pipeline.toml
out=$(on_tty run --lake "$LAKE")
check_contains "run: progress of the resource" "$out" "10000 records"
check_contains "run: the load's report follows" "$out" "rows: loaded 10000 records"

expect_failure "unknown mode" ll load rows.ndjson --dataset p --lake "$LAKE" --progress sometimes
check_eq "unknown mode status" "$RC" 2
check_contains "unknown mode named" "$ERR" 'unknown --progress "sometimes"'
check_eq "rows loaded" "$(q "SELECT count(*) FROM p.rows")" 30000

finish
