#!/usr/bin/env bash
# `make bench`: loads one generated NDJSON file with lakeload and converts the
# same file with DuckDB, then prints each tool's time, throughput and peak
# memory side by side.
#
#   bench/run.sh [BUILD_DIR]        (BUILD_DIR defaults to build)
#
# Environment:
#   BENCH_BYTES    input size, a number with an optional K/M/G (powers of
#                  1000) suffix; default 500M
#   BENCH_RUNS     runs per tool; seconds are the best run, memory the
#                  highest; default 1
#   BENCH_SEED     gen_events seed; default 1
#   BENCH_KEEP=1   keep the temporary directory (input, lake, Parquet)
#   DUCKDB_THREADS cap DuckDB's threads (default: every core)
#
# It builds nothing: gen_events and peak_rss come from BUILD_DIR/bench, the
# CLI from BUILD_DIR/src/cli. It prints results only; RESULTS.md is written by
# hand. Exit status 1 if a tool failed, was missing, or lakeload's row count
# differs from the input's line count.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
[[ -d $build ]] || { echo "bench: no build directory '$build'; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
bytes=${BENCH_BYTES:-500M}
runs=${BENCH_RUNS:-1}
seed=${BENCH_SEED:-1}
gen=$build/bench/gen_events
prss=$build/bench/peak_rss
lakeload=$build/src/cli/lakeload
duckdb_pkg=tests/interop/node_modules/@duckdb/node-api/package.json

for tool in "$gen" "$prss"; do
	[[ -x $tool ]] || { echo "bench: $tool is not built (is bench/ in the CMake build?)" >&2; exit 1; }
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_RUNS must be a positive integer" >&2; exit 1; }

tmp=$(mktemp -d "$build/bench.XXXXXX")
if [[ ${BENCH_KEEP:-} == 1 ]]; then
	trap 'echo "bench: kept $tmp"' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi
# Nothing of the benchmark may touch the user's ~/.lakeload.
export LAKELOAD_HOME=$tmp/home
input=$tmp/events.ndjson

declare -A state secs rss_kib rows

# --- one tool, BENCH_RUNS times --------------------------------------------

# Reads "key=value ..." from peak_rss's report file into the named variables.
read_report() {
	local file=$1 kv
	for kv in $(<"$file"); do
		case $kv in
		peak_rss_kib=*) run_kib=${kv#*=} ;;
		wall_s=*) run_s=${kv#*=} ;;
		esac
	done
}

# Keeps the best time and the highest memory over the runs of one tool.
record_run() {
	local tool=$1
	if [[ -z ${secs[$tool]:-} ]] || awk -v a="$run_s" -v b="${secs[$tool]}" 'BEGIN { exit !(a < b) }'; then
		secs[$tool]=$run_s
	fi
	if [[ -z ${rss_kib[$tool]:-} ]] || ((run_kib > rss_kib[$tool])); then
		rss_kib[$tool]=$run_kib
	fi
}

# Runs "$@" under peak_rss with output in $tmp/<tool>.log; false if it failed.
measure() {
	local tool=$1
	shift
	local code=0 run_s run_kib
	"$prss" -o "$tmp/$tool.rss" "$@" >"$tmp/$tool.log" 2>&1 || code=$?
	if ((code != 0)); then
		state[$tool]="failed (exit $code)"
		return 1
	fi
	read_report "$tmp/$tool.rss"
	record_run "$tool"
	state[$tool]=ok
}

# Each run starts from an empty lake and an empty pipeline home, so every run
# does the same work as a first load.
run_lakeload() {
	if [[ ! -x $lakeload ]]; then
		state[lakeload]="not built ($lakeload)"
		return 0
	fi
	local i
	for ((i = 1; i <= runs; i++)); do
		rm -rf "${tmp:?}/lake" "${tmp:?}/home"
		measure lakeload "$lakeload" load "$input" --dataset bench --table events \
			--lake "$tmp/lake" --pipeline bench --home "$tmp/home" || return 0
	done
}

run_duckdb() {
	if ! command -v node >/dev/null; then
		state[duckdb]="not run (node not found)"
		return 0
	fi
	if [[ ! -f $duckdb_pkg ]]; then
		state[duckdb]="not run (@duckdb/node-api missing; run 'make deps')"
		return 0
	fi
	local i
	for ((i = 1; i <= runs; i++)); do
		rm -f "$tmp/duckdb.parquet"
		measure duckdb node bench/duckdb_convert.mjs "$input" "$tmp/duckdb.parquet" || return 0
	done
	rows[duckdb]=$(sed -n 's/^rows=//p' "$tmp/duckdb.log")
}

# --- checks ----------------------------------------------------------------

# lakeload's own engine counts the root table; CSV output is a header line and
# one value line with CRLF endings.
count_lakeload_rows() {
	[[ ${state[lakeload]:-} == ok ]] || return 0
	local out
	if out=$("$lakeload" query "SELECT count(*) FROM bench.events" --lake "$tmp/lake" \
		--format csv 2>"$tmp/query.log"); then
		rows[lakeload]=$(printf '%s\n' "$out" | tail -n 1 | tr -d '\r"')
	else
		rows[lakeload]="query failed: $(head -c 300 "$tmp/query.log")"
	fi
}

# --- report ----------------------------------------------------------------

print_environment() {
	local cpu duckdb_version=unknown lakeload_version=unknown
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	[[ -f $duckdb_pkg ]] && duckdb_version=$(sed -n 's/^ *"version": "\(.*\)",*$/\1/p' "$duckdb_pkg" | head -n 1)
	[[ -x $lakeload ]] && lakeload_version=$("$lakeload" --version 2>&1 | head -n 1 | sed 's/^lakeload //' || true)
	printf 'machine:  %s, %s cores, %s MiB RAM\n' "${cpu:-unknown CPU}" "$(nproc)" \
		"$(awk '/^MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
	printf 'tools:    lakeload %s; DuckDB @duckdb/node-api %s on node %s\n' \
		"$lakeload_version" "$duckdb_version" "$(node --version 2>/dev/null || echo missing)"
}

print_row() {
	local tool=$1
	if [[ ${state[$tool]:-} != ok ]]; then
		printf '%-10s %s\n' "$tool" "${state[$tool]:-not run}"
		return
	fi
	awk -v t="$tool" -v s="${secs[$tool]}" -v b="$size" -v k="${rss_kib[$tool]}" \
		'BEGIN { printf "%-10s %9.3f %9.1f %14.1f\n", t, s, b / 1e6 / s, k / 1024 }'
}

# Shows why a tool failed, since the table only says that it did.
print_failure_log() {
	local tool=$1
	[[ ${state[$tool]:-} == failed* ]] || return 0
	printf '\n%s output (last 20 lines of %s.log):\n' "$tool" "$tool"
	tail -n 20 "$tmp/$tool.log" | sed 's/^/  /'
}

check_rows() {
	local tool=$1
	[[ ${state[$tool]:-} == ok ]] || return 0
	local got=${rows[$tool]:-unknown} verdict=MISMATCH
	[[ $got == "$lines" ]] && verdict=OK
	printf 'rows:     generated %s, %s %s -> %s\n' "$lines" "$tool" "$got" "$verdict"
	[[ $verdict == OK ]]
}

report() {
	local status=0
	printf '\n'
	print_environment
	printf 'input:    %s bytes (%.1f MB), %s lines, gen_events --seed %s\n' \
		"$size" "$(awk -v b="$size" 'BEGIN { print b / 1e6 }')" "$lines" "$seed"
	printf 'runs:     %s per tool (seconds: best run; peak RSS: highest run)\n\n' "$runs"
	printf '%-10s %9s %9s %14s\n' tool seconds MB/s "peak RSS MiB"
	print_row lakeload
	print_row duckdb
	if [[ ${state[lakeload]:-} == ok && ${state[duckdb]:-} == ok ]]; then
		awk -v a="${secs[lakeload]}" -v b="${secs[duckdb]}" \
			'BEGIN { printf "\nthroughput lakeload/duckdb: %.2fx\n", b / a }'
	fi
	printf '\n'
	check_rows lakeload || status=1
	check_rows duckdb || status=1
	print_failure_log lakeload
	print_failure_log duckdb
	[[ ${state[lakeload]:-} == ok && ${state[duckdb]:-} == ok ]] || status=1
	return $status
}

# --- main ------------------------------------------------------------------

echo "bench: generating $bytes of events into $input"
"$gen" --bytes "$bytes" --seed "$seed" >"$input"
size=$(stat -c %s "$input")
lines=$(wc -l <"$input")

echo "bench: lakeload load ($runs run(s))"
run_lakeload
count_lakeload_rows
echo "bench: DuckDB COPY to Parquet ($runs run(s))"
run_duckdb
report
