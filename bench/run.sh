#!/usr/bin/env bash
# `make bench`: loads generated NDJSON files with lakeload and converts the
# same files with DuckDB, then prints each tool's time, throughput and peak
# memory side by side, and lakeload's throughput as a multiple of DuckDB's.
#
#   bench/run.sh [BUILD_DIR]        (BUILD_DIR defaults to build)
#
# Two comparisons:
#   fair       for each size in BENCH_SIZES, input whose keys all appear in
#              the first rows (gen_events --keys-early 1), DuckDB's read_json
#              with its defaults (schema from a sample of the first records)
#   late keys  input with keys that first appear deep in the file (the
#              default gen_events stream), DuckDB with sample_size = -1,
#              which it needs there to keep every column
# and a lakeload-only run on BENCH_BIG bytes (2 GB by default) for the
# memory table: lakeload's peak RSS must not grow with the input's size.
#
# Environment:
#   BENCH_SIZES      sizes of the fair comparison, numbers with an optional
#                    K/M/G (powers of 1000) suffix; default "100M 500M"
#   BENCH_LATE_BYTES size of the late-key comparison; default 100M, 0 skips it
#   BENCH_BIG        size of the lakeload-only memory run; default 2G, 0 skips it
#   BENCH_RUNS       runs per tool and input; seconds are the best run, memory
#                    the highest; default 3
#   BENCH_SEED       gen_events seed; default 1
#   BENCH_KEEP=1     keep the temporary directory (inputs, lakes, Parquet)
#   DUCKDB_THREADS   cap DuckDB's threads (default: every core)
#
# Times: lakeload's is the wall time of the `lakeload load` process (its
# start-up is a few milliseconds); DuckDB's is the COPY statement alone, timed
# inside node (bench/duckdb_convert.mjs), so node's start-up is not counted.
# Peak RSS is each process's (DuckDB's includes node's own ~40 MiB).
#
# It builds nothing: gen_events and peak_rss come from BUILD_DIR/bench, the
# CLI from BUILD_DIR/src/cli. It prints results only; RESULTS.md is written by
# hand. Exit status 1 if a tool failed, was missing, or a row count differs
# from the input's line count.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
[[ -d $build ]] || { echo "bench: no build directory '$build'; run 'make build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
sizes=${BENCH_SIZES:-100M 500M}
late_bytes=${BENCH_LATE_BYTES:-100M}
big_bytes=${BENCH_BIG:-2G}
[[ $big_bytes == 0 ]] && big_bytes=
runs=${BENCH_RUNS:-3}
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

# Results of the current case, per tool; reset by run_case.
declare -A state secs rss_kib rows
# One line per case for the summary at the end, and lakeload's peak RSS (KiB)
# per case for the memory ratio.
summary=()
lakeload_kib=()
status=0

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
# A tool that times itself prints "seconds=S", which replaces the wall time.
measure() {
	local tool=$1
	shift
	local code=0 run_s run_kib own_s
	"$prss" -o "$tmp/$tool.rss" "$@" >"$tmp/$tool.log" 2>&1 || code=$?
	if ((code != 0)); then
		state[$tool]="failed (exit $code)"
		return 1
	fi
	read_report "$tmp/$tool.rss"
	own_s=$(sed -n 's/^seconds=//p' "$tmp/$tool.log")
	[[ -n $own_s ]] && run_s=$own_s
	record_run "$tool"
	state[$tool]=ok
}

# Each run starts from an empty lake and an empty pipeline home, so every run
# does the same work as a first load.
run_lakeload() {
	local input=$1 i
	if [[ ! -x $lakeload ]]; then
		state[lakeload]="not built ($lakeload)"
		return 0
	fi
	for ((i = 1; i <= runs; i++)); do
		rm -rf "${tmp:?}/lake" "${tmp:?}/home"
		measure lakeload "$lakeload" load "$input" --dataset bench --table events \
			--lake "$tmp/lake" --pipeline bench --home "$tmp/home" || return 0
	done
	count_lakeload_rows
}

# $2 is empty or --sample-all (bench/duckdb_convert.mjs).
run_duckdb() {
	local input=$1 mode=$2 i
	if ! command -v node >/dev/null; then
		state[duckdb]="not run (node not found)"
		return 0
	fi
	if [[ ! -f $duckdb_pkg ]]; then
		state[duckdb]="not run (@duckdb/node-api missing; run 'make deps')"
		return 0
	fi
	for ((i = 1; i <= runs; i++)); do
		rm -f "$tmp/duckdb.parquet"
		measure duckdb node bench/duckdb_convert.mjs $mode "$input" "$tmp/duckdb.parquet" || return 0
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
	printf 'machine:  %s, %s cores, %s MiB RAM, load average %s\n' "${cpu:-unknown CPU}" "$(nproc)" \
		"$(awk '/^MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)" "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf 'tools:    lakeload %s; DuckDB @duckdb/node-api %s on node %s\n' \
		"$lakeload_version" "$duckdb_version" "$(node --version 2>/dev/null || echo missing)"
	printf 'runs:     %s per tool and input (seconds: best run; peak RSS: highest run)\n' "$runs"
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

# Prints the current case's table; adds its line to the summary.
report_case() {
	local title=$1 tools=$2 tool ratio=
	printf '\n== %s: %s bytes (%.1f MB), %s lines ==\n' "$title" "$size" \
		"$(awk -v b="$size" 'BEGIN { print b / 1e6 }')" "$lines"
	printf '%-10s %9s %9s %14s\n' tool seconds MB/s "peak RSS MiB"
	for tool in $tools; do
		print_row "$tool"
	done
	if [[ $tools == *duckdb* && ${state[lakeload]:-} == ok && ${state[duckdb]:-} == ok ]]; then
		ratio=$(awk -v a="${secs[lakeload]}" -v b="${secs[duckdb]}" 'BEGIN { printf "%.2f", b / a }')
		printf 'throughput lakeload/duckdb: %sx\n' "$ratio"
	fi
	for tool in $tools; do
		check_rows "$tool" || status=1
		[[ ${state[$tool]:-} == ok ]] || status=1
		print_failure_log "$tool"
	done
	lakeload_kib+=("${rss_kib[lakeload]:-0}")
	summary+=("$(printf '%-28s %10s %8s %10s %10s %8s' "$title" "$size" \
		"${secs[lakeload]:--}" "$(awk -v k="${rss_kib[lakeload]:-0}" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"${secs[duckdb]:--}" "${ratio:--}")")
}

# One input: generates it, runs the tools named in $4 on it, reports.
run_case() {
	local title=$1 bytes=$2 gen_args=$3 tools=$4 duckdb_mode=${5:-}
	local input=$tmp/events.ndjson
	state=() secs=() rss_kib=() rows=()
	echo "bench: $title: generating $bytes of events" >&2
	"$gen" --bytes "$bytes" --seed "$seed" $gen_args >"$input"
	# written back before any tool runs: the kernel's writeback of a fresh
	# input would otherwise contend with the first tool's runs (and with
	# lakeload's syncs of its files) and be over by the time the second runs
	sync "$input"
	size=$(stat -c %s "$input")
	lines=$(wc -l <"$input")
	echo "bench: $title: lakeload load ($runs run(s))" >&2
	run_lakeload "$input"
	if [[ $tools == *duckdb* ]]; then
		echo "bench: $title: DuckDB COPY to Parquet ($runs run(s))" >&2
		run_duckdb "$input" "$duckdb_mode"
	fi
	report_case "$title" "$tools"
	rm -f "$input" "$tmp/duckdb.parquet"
	rm -rf "${tmp:?}/lake" "${tmp:?}/home"
}

# --- main ------------------------------------------------------------------

print_environment
for bytes in $sizes; do
	run_case "fair, keys early" "$bytes" "--keys-early 1" "lakeload duckdb"
done
if [[ $late_bytes != 0 ]]; then
	run_case "late keys, sample_size=-1" "$late_bytes" "" "lakeload duckdb" --sample-all
fi
if [[ -n $big_bytes ]]; then
	run_case "memory, keys early" "$big_bytes" "--keys-early 1" "lakeload"
fi

printf '\n== summary (seconds: best of %s; lakeload peak RSS in MiB) ==\n' "$runs"
printf '%-28s %10s %8s %10s %10s %8s\n' case bytes lakeload "RSS MiB" duckdb ratio
printf '%s\n' "${summary[@]}"
# The first case is the smallest fair input, the last the BENCH_BIG one.
if [[ -n $big_bytes ]]; then
	awk -v a="${lakeload_kib[0]}" -v b="${lakeload_kib[-1]}" \
		'BEGIN { if (a > 0) printf "\nlakeload peak RSS, %s input / first input: %.2fx\n", "'"$big_bytes"'", b / a }'
fi
exit $status
