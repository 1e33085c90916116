#!/usr/bin/env bash
# Two pipelines that start loads in the same microsecond draw the same load
# id: it is a timestamp, as dlt's are. Each load must still land once, in
# hive and Iceberg tables alike: no file of one overwrites the other's, no
# _dlt_id is shared, the exactly-once check does not take one load for the
# other, and a load killed after its commit is still finished once by the
# next run. The clock is stopped with a preloaded clock_gettime.
source "$(dirname "$0")/lib.sh"
CLOCK="$LL_BUILD_DIR/tests/e2e/ll_fixed_clock.so"
# a preloaded library comes before the sanitizer's runtime in the sanitized build
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
at() { LD_PRELOAD="$CLOCK" LL_FIXED_REALTIME_US="$1" "${@:2}"; }

for w in a b c d; do
	/usr/bin/python3 - "$T/$w.ndjson" "$w" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3):
        f.write(json.dumps({"writer": sys.argv[2], "n": i, "items": [{"k": i}, {"k": i + 1}]}) + "\n")
PY
done
L() { "$LAKELOAD" load "$T/$1.ndjson" --dataset same --lake "$LAKE" --pipeline "$1" "${@:2}"; }

# the microseconds each phase's loads start at, per table format
declare -A SAME=([hive]=1796680195229688 [iceberg]=1796680196000000)
declare -A KILLED=([hive]=1796680200000001 [iceberg]=1796680201000001)
id_of() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }

for fmt in hive iceberg; do
	t="${fmt}_events"
	out_a=$(at "${SAME[$fmt]}" L a --table "$t" --table-format "$fmt" 2>&1)
	out_b=$(at "${SAME[$fmt]}" L b --table "$t" --table-format "$fmt" 2>&1)
	check_contains "$fmt: pipeline a's load id" "$out_a" "(load $(id_of "${SAME[$fmt]}"))"
	check_contains "$fmt: pipeline b's load id is the same" "$out_b" "(load $(id_of "${SAME[$fmt]}"))"
	check_eq "$fmt: both loads' rows" \
		"$(q "SELECT count(*), count(DISTINCT writer), count(DISTINCT _dlt_id), count(DISTINCT _dlt_load_id) FROM same.$t")" \
		"6,2,6,1"
	check_eq "$fmt: both loads' child rows" \
		"$(q "SELECT count(*), count(DISTINCT _dlt_id), count(DISTINCT _dlt_parent_id) FROM same.${t}__items")" \
		"12,12,6"
done
check_eq "hive: DuckDB reads both loads' files" \
	"$(duck "SELECT count(*), count(DISTINCT writer) FROM $(files_of same hive_events)")" "6,2"
check_eq "iceberg: one snapshot per load" "$(ll history same.iceberg_events --lake "$LAKE" | tail -n +2 | wc -l)" "2"

# c loads, d is killed right after its commit at the same microsecond; d's
# next run finishes its load as committed, without loading it twice
for fmt in hive iceberg; do
	t="${fmt}_events"
	at "${KILLED[$fmt]}" L c --table "$t" --table-format "$fmt" -q
	killed_at "$fmt: d killed after its commit" after_commit \
		at "${KILLED[$fmt]}" L d --table "$t" --table-format "$fmt" -q
	out=$(L d --table "$t" --table-format "$fmt" 2>&1)
	check_contains "$fmt: d's rerun finds its load committed" "$out" "already loaded"
	check_eq "$fmt: every load once" \
		"$(q "SELECT writer, count(*) FROM same.$t GROUP BY writer ORDER BY writer" | tr '\n' ' ')" \
		"a,3 b,3 c,3 d,3 "
done
check_eq "one _dlt_loads row per load" \
	"$(q "SELECT count(*), count(DISTINCT load_id) FROM same._dlt_loads")" "8,4"
finish
