#!/usr/bin/env bash
# `lakeload run` is all or nothing up to its loading: when the third of three
# REST resources fails (401, 404, non-JSON, a redirect loop), the run exits 1
# with that resource's URL (the API key hidden) and status, and nothing of the
# other two becomes visible: no rows, no load, no cursor moved. Fixing the
# server and running again loads all three exactly once. A run killed after
# extracting a resource leaves nothing visible; one killed between publishing
# two packages leaves the published one, which the next run finishes once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
start_rest_project
printf '[sources.shop_api]\napi_key = "k3y-value"\n' >.dlt/secrets.toml
PIPE="$LAKELOAD_HOME/pipelines/shop"

# pipeline FILE RESOURCES...: a rest_api pipeline whose API key goes in the query
pipeline() {
	local file=$1
	shift
	{
		printf '[pipeline]\nname = "shop"\ndataset_name = "shop"\n\n'
		printf '[source]\nkind = "rest_api"\nname = "shop_api"\nbase_url = "https://api.example.invalid/"\n'
		printf 'timeout = 20\n[source.auth]\ntype = "api_key"\nname = "api_key"\nlocation = "query"\n'
		printf '%s\n' "$@"
	} >"$file"
}
resource() { # name path [extra lines]
	printf '[[resources]]\nname = "%s"\n[resources.endpoint]\npath = "%s"\npaginator = { type = "single_page" }\n%s\n' \
		"$1" "$2" "${3:-}"
}
EVENTS=$(resource events events '[resources.incremental]
cursor_path = "updated_at"
initial_value = "2024-01-01"
start_param = "since"')
pipeline seed.toml "$(resource seed apikey/items)"
pipeline three.toml "$EVENTS" "$(resource items apikey/items)" "$(resource switched switch/items)"

# a first load, so the lake, the pipeline state and its loads exist
ll run seed.toml -q
loads() { q "SELECT count(*) FROM shop._dlt_loads"; }
check_eq "seed loaded" "$(loads)" 1
cp "$PIPE/state.json" "$T/state.before"
info_before=$(ll info --pipeline shop)

# counts_in DATASET TABLE...: "rows of each table", or "none" for a table the lake lacks
counts_in() {
	local out=() ds=$1 t n
	for t in "${@:2}"; do
		n=$("$LAKELOAD" query --lake "$LAKE" --format csv "SELECT count(*) FROM $ds.$t" 2>/dev/null |
			tail -n +2 | tr -d '\r') || n=none
		out+=("${n:-none}")
	done
	echo "${out[*]}"
}
counts() { counts_in shop "$@"; }
pending() { find "$PIPE/load/extracting" "$PIPE/load/normalized" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

fails() { # mode want-in-message
	echo "$1" >"$S/switch"
	expect_failure "$1: run fails" ll run three.toml
	check_eq "$1: exit status" "$RC" 1
	check_contains "$1: names the resource" "$ERR" "resource switched"
	check_contains "$1: URL with the key hidden" "$ERR" "$BASE/switch/items?api_key=***"
	check_contains "$1: says why" "$ERR" "$2"
	if [[ $ERR == *k3y-value* ]]; then
		FAIL=$((FAIL + 1))
		echo "FAIL $1: the API key in the message: $ERR" >&2
	else
		PASS=$((PASS + 1))
	fi
	check_eq "$1: no rows of the three tables" "$(counts events items switched)" "none none none"
	check_eq "$1: no new load" "$(loads)" 1
	check_eq "$1: info shows no new load" "$(ll info --pipeline shop)" "$info_before"
	check_eq "$1: pipeline state (cursors) unchanged" "$(cat "$PIPE/state.json")" "$(cat "$T/state.before")"
	check_eq "$1: no package left behind" "$(pending)" 0
}
fails 404 "HTTP 404"
fails 401 "HTTP 401"
fails notjson "not JSON"
fails loop "HTTP 302, more than 10 redirects"
# the events cursor never moved: every failed run asked from the initial value
check_eq "events asked from the initial value each time" "$(sort -u "$S/since.log")" "2024-01-01"

# fixed: one run loads all three, each once
rm "$S/switch"
out=$(ll run three.toml 2>&1)
check_contains "events loaded" "$out" "events: loaded 2 records into shop.events"
check_contains "items loaded" "$out" "items: loaded 7 records into shop.items"
check_contains "switched loaded" "$out" "switched: loaded 7 records into shop.switched"
check_eq "each table once" "$(counts events items switched)" "2 7 7"
check_eq "distinct rows" "$(q "SELECT count(DISTINCT id) FROM shop.switched")" 7
check_eq "three new loads" "$(loads)" 4
check_eq "the cursor moved with the events" \
	"$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sources"]["rest_api"]["resources"]["events"]["incremental"]["updated_at"]["last_value"])' "$PIPE/state.json")" \
	"2024-01-02"

# killed after the first resource is extracted: nothing visible, the next run loads it all once
echo '[{"id":2,"updated_at":"2024-01-02"},{"id":3,"updated_at":"2024-01-03"}]' >"$S/events.json"
rc=0
LAKELOAD_FAILPOINT=run_after_extract "$LAKELOAD" run three.toml -q 2>/dev/null || rc=$?
check_eq "killed after extracting" "$rc" 137
check_eq "killed after extracting: nothing visible" "$(counts events items switched)" "2 7 7"
check_eq "killed after extracting: no new load" "$(loads)" 4
out=$(ll run three.toml 2>&1)
check_contains "the unpublished package is discarded" "$out" "discarded 1 incomplete load"
check_eq "after the rerun: the new event once, the others once more" \
	"$(counts events items switched)" "3 14 14"
check_eq "after the rerun: three new loads" "$(loads)" 7

# killed between publishing the first and the second package: the next run
# loads the published one (the events), discards the others and runs them again
echo '[{"id":3,"updated_at":"2024-01-03"},{"id":4,"updated_at":"2024-01-04"}]' >"$S/events.json"
rc=0
LAKELOAD_FAILPOINT=after_normalize "$LAKELOAD" run three.toml -q 2>/dev/null || rc=$?
check_eq "killed between publishing" "$rc" 137
check_eq "killed between publishing: one package published" \
	"$(find "$PIPE/load/normalized" -mindepth 1 -maxdepth 1 | wc -l)" 1
check_eq "killed between publishing: the others unpublished" \
	"$(find "$PIPE/load/extracting" -mindepth 1 -maxdepth 1 | wc -l)" 2
check_eq "killed between publishing: nothing loaded yet" "$(counts events items switched)" "3 14 14"
out=$(ll run three.toml 2>&1)
check_contains "the published package is finished" "$out" "finishing interrupted load"
check_contains "then the events have nothing new" "$out" "events: nothing new"
check_eq "after the rerun: the new event exactly once" \
	"$(q "SELECT id FROM shop.events ORDER BY id" | tr '\n' ' ')" "1 2 3 4 "
check_eq "after the rerun: the others once more" "$(counts items switched)" "21 21"
check_eq "after the rerun: the finished load and two new ones" "$(loads)" 10
check_eq "nothing pending" "$(pending)" 0

# a package that fails for good while the run loads (its table is a hive table
# another pipeline made, and it asks for Iceberg) takes the run's later
# packages, built on its schema, to failed/ with it; the earlier one landed
pipeline clash.toml "$EVENTS" \
	"$(resource items apikey/items | sed 's/^\[resources.endpoint\]$/table_format = "iceberg"\n&/')" \
	"$(resource switched switch/items)"
sed -i 's/name = "shop"/name = "clash"/; s/dataset_name = "shop"/dataset_name = "clash"/' clash.toml
echo '{"id":1}' >"$T/one.ndjson"
ll load "$T/one.ndjson" --dataset clash --table items --pipeline other --lake "$LAKE" -q
expect_failure "clash: run fails" ll run clash.toml
check_contains "clash: says the later resources were not loaded" "$ERR" \
	"resource items (the resources after it were not loaded either; their loads are in failed/ too)"
check_contains "clash: and why" "$ERR" "switching it to iceberg is not supported"
check_eq "clash: both in failed/" "$(ls "$LAKELOAD_HOME/pipelines/clash/load/failed" | wc -l)" 2
check_contains "clash: the later one says why" "$(cat "$LAKELOAD_HOME"/pipelines/clash/load/failed/*/reason.txt)" \
	"of the same run failed for good before it"
check_eq "clash: the first resource landed, the third did not" \
	"$(q "SELECT count(*) FROM clash.events"),$(counts_in clash switched)" "2,none"

# each package of a run built on the one before: one state version per load,
# in load order, and the live schema holds every table of the run
check_eq "state versions follow the loads" \
	"$(q "SELECT version FROM shop._dlt_pipeline_state ORDER BY _dlt_load_id" | tr '\n' ' ')" \
	"1 2 3 4 5 6 7 8 9 10 "
check_eq "live schema has every table" \
	"$(/usr/bin/python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tables"]; print(" ".join(sorted(n for n in t if not n.startswith("_dlt"))))' "$PIPE/schemas/shop.json")" \
	"events items items__tags seed seed__tags switched switched__tags"
cd "$T"
finish
