#!/usr/bin/env bash
# Automatic compaction: with [load] compact_after_delete_files = 4 in
# .dlt/config.toml, a merge into an Iceberg table whose live delete files
# exceed 4 is followed by a replace snapshot that leaves none, and a merge
# that stays within 4 is not; the rows equal, row for row (icebird), those
# of the same loads into a table where compaction is off (the setting 0,
# from the environment), which keeps its delete files. The key shows in
# `config show --all`, and a bad value is refused before anything loads.
source "$(dirname "$0")/iceberg_lib.sh"

gen() { # round: updates 6 of 30 ids, so older files keep live rows
	/usr/bin/python3 - "$@" <<'PY'
import json, sys
k = int(sys.argv[1])
ids = range(1, 31) if k == 0 else range(k % 25 + 1, k % 25 + 7)
for i in ids:
    print(json.dumps({"id": i, "cat": f"c{i % 2}", "amount": k * 1000 + i,
                      "tags": [{"t": f"r{k}"}]}))
PY
}
merge() { # table file
	ll load "$2" --dataset shop --table "$1" --table-format iceberg --partition cat \
		--write-disposition merge --primary-key id --lake "$LAKE" -q
}
# rows without dlt's ids, which differ between the two tables
ids=(_dlt_load_id _dlt_id _dlt_root_id _dlt_parent_id)
replaces() { ll history "shop.$1" --lake "$LAKE" | grep -c ' replace ' || true; }

mkdir -p "$T/work/.dlt" "$T/off"
printf '[load]\ncompact_after_delete_files = 4\n' > "$T/work/.dlt/config.toml"
out=$(cd "$T/work" && ll config show --all)
check_contains "config show --all lists the key" "$out" "load.compact_after_delete_files = 4"

compacted=0 within=0
for k in $(seq 0 12); do
	gen "$k" > "$T/m$k.ndjson"
	before=$( [[ $k -eq 0 ]] && echo 0 || summary auto total-delete-files)
	(cd "$T/work" && merge auto "$T/m$k.ndjson")
	(cd "$T/off" && LOAD__COMPACT_AFTER_DELETE_FILES=0 merge off "$T/m$k.ndjson")
	op=$(summary auto operation)
	after=$(summary auto total-delete-files)
	if [[ $op == replace ]]; then
		compacted=$((compacted + 1))
		check_eq "merge $k: compaction leaves no delete files" "$after" "0"
	else
		within=$((within + 1))
		[[ $after -le 4 ]] && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL merge $k: $after delete files left, past 4, without compaction" >&2; }
	fi
done
[[ $compacted -ge 2 && $within -ge 4 ]] && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL compactions: $compacted, merges within the limit: $within" >&2; }
check_eq "no compaction with the setting 0" "$(replaces off)" "0"
off_deletes=$(summary off total-delete-files)
[[ $off_deletes -gt 4 ]] && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL the table without compaction has $off_deletes delete files" >&2; }
[[ $(replaces auto__tags) -ge 1 ]] && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL the child table was never compacted" >&2; }
check_eq "same rows, row for row" "$(rows auto "${ids[@]}")" "$(rows off "${ids[@]}")"
check_eq "same child rows" "$(rows auto__tags "${ids[@]}")" "$(rows off__tags "${ids[@]}")"
check_eq "30 rows" "$(q 'SELECT count(*) FROM shop.auto')" "30"
check_eq "same sums" "$(q 'SELECT sum(amount) FROM shop.auto')" "$(q 'SELECT sum(amount) FROM shop.off')"

printf '[load]\ncompact_after_delete_files = "many"\n' > "$T/work/.dlt/config.toml"
expect_failure "a bad value is refused" bash -c "cd '$T/work' && '$LAKELOAD' load '$T/m1.ndjson' --dataset shop --table auto --table-format iceberg --write-disposition merge --primary-key id --lake '$LAKE'"
check_contains "the message names the key" "$ERR" "compact_after_delete_files"

finish
