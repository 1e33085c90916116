# Shared helpers for the end-to-end tests. Each test gets a fresh directory
# with its own lake and pipelines home, removed when the test passes and
# kept (its path printed) when it fails.
set -euo pipefail

: "${LAKELOAD:?run through ctest, which sets LAKELOAD}"
: "${LL_INTEROP_DIR:?run through ctest, which sets LL_INTEROP_DIR}"
T=$(mktemp -d "${TMPDIR:-/tmp}/lakeload-e2e.XXXXXX")
# what the programs under test write to temporary files stays in T too
mkdir "$T/tmp"
export TMPDIR="$T/tmp"
export LAKELOAD_HOME="$T/home"
LAKE="$T/lake"
PASS=0
FAIL=0
FINISHED=
# A script stopped before finish (set -e) keeps its files too, and says where.
trap '[[ -z $FINISHED ]] && echo "test files kept in $T" >&2' EXIT

ll() { "$LAKELOAD" "$@"; }

# Rows of a query as CSV without the header line.
q() { "$LAKELOAD" query --lake "$LAKE" --format csv "$1" | tail -n +2 | tr -d '\r'; }

# Rows DuckDB returns for a query (one CSV line per row, no header).
duck() { node "$LL_INTEROP_DIR/duckdb_query.mjs" "$1"; }

# read_parquet() over all of a table's files in the lake.
files_of() { echo "read_parquet('$LAKE/$1/$2/*.parquet', union_by_name=true)"; }

check_eq() {
	local name=$1 got=$2 want=$3
	if [[ "$got" == "$want" ]]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		printf 'FAIL %s\n  got:  %s\n  want: %s\n' "$name" "$got" "$want" >&2
	fi
}

check_contains() {
	local name=$1 haystack=$2 needle=$3
	if [[ "$haystack" == *"$needle"* ]]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		printf 'FAIL %s\n  %s\n  does not contain: %s\n' "$name" "$haystack" "$needle" >&2
	fi
}

# Runs a command that must fail; its stderr lands in $ERR, its status in $RC.
expect_failure() {
	local name=$1
	shift
	set +e
	ERR=$("$@" 2>&1 >/dev/null)
	RC=$?
	set -e
	if [[ $RC -ne 0 ]]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		printf 'FAIL %s: command succeeded but should have failed: %s\n' "$name" "$*" >&2
	fi
}

# killed_at NAME STEP COMMAND...: runs COMMAND (a function too) with
# LAKELOAD_FAILPOINT=STEP and checks it was killed there (status 137).
killed_at() {
	local name=$1 step=$2 rc=0
	shift 2
	LAKELOAD_FAILPOINT=$step "$@" 2>/dev/null || rc=$?
	check_eq "$name" "$rc" "137"
}

finish() {
	FINISHED=1
	echo "$PASS passed, $FAIL failed"
	if [[ $FAIL -eq 0 ]]; then
		rm -rf "$T"
	else
		echo "test files kept in $T" >&2
		exit 1
	fi
}
