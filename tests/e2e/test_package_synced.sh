#!/usr/bin/env bash
# Durability order of a load's commit points, read from the system calls of
# real loads (strace): everything the package's move into normalized/ makes
# reachable (each job file, whichever normalizer thread wrote it, the
# package's JSON files, jobs/ and the package directory) is fsynced before
# that rename and normalized/ after it, and normalized/, made by the first
# load, has its entry in load/ synced before the package moves into it; the pipeline's new schema and state
# files are fsynced before they are renamed into place, the schema's rename
# is synced before state.json's, and state.json's is followed by the fsync of
# its directory; the job files a load moves into the lake have their new
# directories fsynced before the catalog commit that publishes them, and
# directories made in the lake have their entries synced by then too. Skips
# (exit 77) when strace is not installed or may not trace.
source "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null; then
	echo "SKIP: strace is not installed"
	rm -rf "$T"
	exit 77
fi
if ! strace -f -qq -o /dev/null true 2>/dev/null; then
	echo "SKIP: strace cannot trace here (no ptrace permission)"
	rm -rf "$T"
	exit 77
fi

# Two pieces of input for two normalizer threads, with a child table.
/usr/bin/python3 -c "
import json
for i in range(60000):
    print(json.dumps({'id': i, 'name': 'user %d' % i, 'pad': 'x' * 80, 'items': [{'k': j} for j in range(i % 3)]}))
" >"$T/base.ndjson"
/usr/bin/python3 -c "
import json
for i in range(60000, 60010):
    print(json.dumps({'id': i, 'name': 'user %d' % i, 'note': 'new column %d' % i}))
" >"$T/more.ndjson"

traced() { # trace file, command...
	local out=$1
	shift
	# LeakSanitizer cannot run under ptrace; the sanitizer build's other checks still do
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -y -qq -o "$out" -e trace=fsync,fdatasync,rename,renameat,renameat2,mkdir,mkdirat "$@"
}

# The checks, over one trace: "package ID" checks the publish of the package
# now in normalized/ID; "save" checks every save of the pipeline in the trace.
check_order() { # trace, home, what, [load id]
	/usr/bin/python3 - "$@" <<'PY'
import os, re, sys
trace, home, what = sys.argv[1:4]
pipe = os.path.join(home, "pipelines", "orders")
events = []   # (kind, path or (from, to)), in the order the calls completed
pending = {}
for line in open(trace):
    m = re.match(r"(\d+)\s+(.*)", line)
    if not m:
        continue
    pid, rest = m.groups()
    if rest.endswith("<unfinished ...>"):
        pending[pid] = rest[: -len("<unfinished ...>")].rstrip()
        continue
    r = re.match(r"<\.\.\. \w+ resumed>(.*)", rest)
    if r:
        rest = pending.pop(pid) + r.group(1)
    if not re.search(r"= 0$", rest.strip()):
        continue
    s = re.match(r"(fsync|fdatasync)\(\d+<(.*)>\)", rest)
    if s:
        events.append(("sync", s.group(2)))
        continue
    n = re.match(r"rename\w*\((?:\w+, )?\"(.*?)\", (?:\w+, )?\"(.*?)\"", rest)
    if n:
        events.append(("rename", (n.group(1), n.group(2))))
        continue
    d = re.match(r"mkdir\w*\((?:\w+, )?\"(.*?)\"", rest)
    if d:
        events.append(("mkdir", d.group(1)))

def synced_before(path, index):
    """Whether path's contents were fsynced before events[index], under its name or one renamed to it."""
    synced = set()
    for k, p in events[:index]:
        if k == "sync":
            synced.add(p)
        elif p[0] in synced:
            synced.add(p[1])
    return path in synced

def rename_index(src, dst):
    hits = [i for i, (k, p) in enumerate(events) if k == "rename" and p == (src, dst)]
    return hits[0] if len(hits) == 1 else None

fails = []
if what == "package":
    load_id = sys.argv[4]
    extracting = os.path.join(pipe, "load", "extracting", load_id)
    normalized = os.path.join(pipe, "load", "normalized", load_id)
    at = rename_index(extracting, normalized)
    if at is None:
        fails.append("no single rename of the package into normalized/")
    else:
        reachable = [extracting, os.path.join(extracting, "jobs")]
        for root, dirs, files in os.walk(normalized):
            for f in files:
                reachable.append(os.path.join(extracting, os.path.relpath(os.path.join(root, f), normalized)))
        jobs = [p for p in reachable if p.endswith(".parquet")]
        if len(jobs) < 4:
            fails.append("only %d job files in the package" % len(jobs))
        for p in reachable:
            if not synced_before(p, at):
                fails.append("not fsynced before the package's publish: " + p)
        if not any(k == "sync" and p == os.path.dirname(normalized) for k, p in events[at + 1:]):
            fails.append("normalized/ not fsynced after the publish")
        made = [i for i, (k, p) in enumerate(events) if k == "mkdir" and p == os.path.dirname(normalized)]
        if len(made) != 1 or made[0] > at:
            fails.append("normalized/ not created once before the publish")
        elif not any(k == "sync" and p == os.path.dirname(os.path.dirname(normalized)) for k, p in events[made[0] + 1:at]):
            fails.append("load/ not fsynced after normalized/ was created, before the publish")
    print("checked %d paths" % len(reachable) if at is not None else "")
elif what == "placed":
    lake = sys.argv[4]
    moves = [i for i, (k, p) in enumerate(events)
             if k == "rename" and "/jobs/" in p[0] and p[1].startswith(lake + "/")]
    commits = [i for i, (k, p) in enumerate(events) if k == "sync" and p.endswith("catalog.db-wal")]
    if len(moves) < 5:
        fails.append("only %d job files moved into the lake" % len(moves))
    for i in moves:
        dst = events[i][1][1]
        later = [j for j in commits if j > i]
        if not later:
            fails.append("no catalog commit after the move of " + dst)
        elif not any(k == "sync" and p == os.path.dirname(dst) for k, p in events[i + 1:later[0]]):
            fails.append("directory not fsynced between the move and the catalog commit: " + dst)
    made = [(i, p) for i, (k, p) in enumerate(events) if k == "mkdir" and p.startswith(lake + "/")]
    if len(made) < 2:
        fails.append("only %d directories made in the lake" % len(made))
    for i, d in made:
        later = [j for j in commits if j > i]
        if later and not any(k == "sync" and p == os.path.dirname(d) for k, p in events[i + 1:later[0]]):
            fails.append("new directory's entry not fsynced before the catalog commit: " + d)
    print("checked %d moves, %d new directories" % (len(moves), len(made)))
else:
    state, schema = os.path.join(pipe, "state.json"), os.path.join(pipe, "schemas", "orders.json")
    saves = [i for i, (k, p) in enumerate(events) if k == "rename" and p[1] == state]
    schema_saves = [i for i, (k, p) in enumerate(events) if k == "rename" and p[1] == schema]
    if not saves or not schema_saves:
        fails.append("%d state and %d schema renames, wanted some of each" % (len(saves), len(schema_saves)))
    for i in saves + schema_saves:
        src, dst = events[i][1]
        if not synced_before(src, i):
            fails.append("renamed before it was fsynced: %s" % src)
        nxt = [j for j in saves + schema_saves if j > i]
        until = nxt[0] if nxt else len(events)
        if not any(k == "sync" and p == os.path.dirname(dst) for k, p in events[i + 1:until]):
            fails.append("rename to %s not fsynced before the next rename" % dst)
    for i in schema_saves:
        if not [j for j in saves if j > i]:
            fails.append("the schema's rename is not followed by the state's")
    print("checked %d saves" % len(saves))
for f in fails:
    print("FAIL " + f, file=sys.stderr)
sys.exit(1 if fails else 0)
PY
}

# killed right after the publish: the package stays in normalized/ as published
rc=0
LAKELOAD_FAILPOINT=after_normalize traced "$T/publish.trace" "$LAKELOAD" load "$T/base.ndjson" \
	--dataset shop --pipeline orders --table orders --lake "$LAKE" --table-format iceberg \
	--threads 2 -q || rc=$?
check_eq "killed after the publish" "$rc" "137"
pending=$(ls "$LAKELOAD_HOME/pipelines/orders/load/normalized")
check_eq "one package published" "$(wc -w <<<"$pending")" "1"
rc=0
check_order "$T/publish.trace" "$LAKELOAD_HOME" package "$pending" || rc=$?
check_eq "package synced before its publish" "$rc" "0"

# the next load finishes the published one and adds a column: two saves, the
# second with a changed schema
rc=0
traced "$T/save.trace" "$LAKELOAD" load "$T/more.ndjson" --dataset shop --pipeline orders \
	--table orders --lake "$LAKE" --table-format iceberg --threads 2 -q || rc=$?
check_eq "second load" "$rc" "0"
rc=0
check_order "$T/save.trace" "$LAKELOAD_HOME" save || rc=$?
check_eq "schema and state synced around their renames" "$rc" "0"

# a hive load into a new dataset: each job file moved into the lake has its
# new directory fsynced before the catalog commit that publishes it, and each
# directory the load made (the dataset's, the tables') its entry in its parent
rc=0
traced "$T/placed.trace" "$LAKELOAD" load "$T/base.ndjson" --dataset hive --pipeline hive \
	--table orders --lake "$LAKE" --threads 2 -q || rc=$?
check_eq "hive load" "$rc" "0"
rc=0
check_order "$T/placed.trace" "$LAKELOAD_HOME" placed "$(cd "$LAKE" && pwd -P)" || rc=$?
check_eq "moved files synced before the catalog commit" "$rc" "0"
check_eq "hive rows" "$(q "SELECT count(*), count(DISTINCT id) FROM hive.orders")" "60000,60000"

check_eq "every row once" \
	"$(q "SELECT count(*), count(DISTINCT id), count(note), (SELECT count(*) FROM shop.orders__items) FROM shop.orders")" \
	"60010,60010,10,60000"
check_eq "nothing left staged" \
	"$(find "$LAKELOAD_HOME/pipelines/orders" -name '*.next' | wc -l)" "0"
check_contains "the live schema has the new column" \
	"$(cat "$LAKELOAD_HOME/pipelines/orders/schemas/orders.json")" '"note"'
finish
