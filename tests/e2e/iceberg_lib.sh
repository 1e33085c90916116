# Shared by the tests of Iceberg table maintenance (test_optimize.sh,
# test_compact_after_merge.sh): a table's current metadata file, its
# current snapshot's summary, and its rows as icebird (an independent
# reader) sees them.
source "$(dirname "$0")/lib.sh"
ICEBIRD="$LL_SOURCE_DIR/tests/iceberg/icebird_rows.mjs"

# The metadata file the catalog names for shop.TABLE, as a path.
metadata_of() { /usr/bin/python3 -c "
import sqlite3
db = sqlite3.connect('$LAKE/catalog.db')
row = db.execute(\"SELECT metadata_location FROM iceberg_tables WHERE table_namespace='shop' AND table_name='$1'\").fetchone()
print(row[0][len('file://'):] if row[0].startswith('file://') else row[0])"; }

# summary_of METADATA KEY: a key of the current snapshot's summary ("0" when absent).
summary_of() { /usr/bin/python3 -c "
import json
md = json.load(open('$1'))
s = [s for s in md['snapshots'] if s['snapshot-id'] == md['current-snapshot-id']][0]
print(s['summary'].get('$2', '0'))"; }
summary() { summary_of "$(metadata_of "$1")" "$2"; }

# rows_at METADATA [COLUMN...]: every row icebird reads, sorted, one JSON object a
# line, without the columns named.
rows_at() {
	local md=$1
	shift
	node "$ICEBIRD" - "$md" | /usr/bin/python3 -c "
import json, sys
drop = set(sys.argv[1:])
for r in sorted(json.dumps({k: v for k, v in r.items() if k not in drop}, sort_keys=True)
                for r in json.load(sys.stdin)):
    print(r)" "$@"
}
rows() { local t=$1; shift; rows_at "$(metadata_of "$t")" "$@"; }
# waiting_for_tree PIPELINE PID: returns once the load PID runs for has
# published its package (then it waits for the table tree a paused load
# holds) or has ended, half a second later, so a check after it sees
# whether anything of that load landed meanwhile
waiting_for_tree() {
	while kill -0 "$2" 2>/dev/null &&
		[[ -z $(find "$LAKELOAD_HOME/pipelines/$1/load/normalized" -mindepth 1 -print -quit 2>/dev/null) ]]; do
		sleep 0.1
	done
	sleep 0.5
}
