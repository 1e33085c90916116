#!/usr/bin/env bash
# `lakeload run` with a rest_api source against a local test server
# (rest_server.py): every paginator, a dependent resource, bearer / API-key /
# basic auth from the secrets, a 429 retried after Retry-After, base_url
# overridden from the environment and .dlt/config.toml, an incremental
# start_param, and the
# failures that must stop a run with the URL (secrets hidden) and the
# status while nothing of it becomes visible.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rest_lib.sh"
start_rest_project
printf '[sources.shop_api]\ntoken = "s3cret-token"\napi_key = "k3y-value"\nusername = "ann"\npassword = "pa55"\n' \
	>.dlt/secrets.toml

# pipeline FILE AUTH_TABLE RESOURCES...: a rest_api pipeline file
pipeline() {
	local file=$1 auth=$2
	shift 2
	{
		printf '[pipeline]\nname = "shop"\ndataset_name = "shop"\n\n'
		printf '[source]\nkind = "rest_api"\nname = "shop_api"\nbase_url = "https://api.example.invalid/"\n'
		printf 'timeout = 20\n%s\n' "$auth"
		printf '%s\n' "$@"
	} >"$file"
}
BEARER='[source.auth]
type = "bearer"'
resource() { # name path paginator-inline [extra lines]
	printf '[[resources]]\nname = "%s"\n[resources.endpoint]\npath = "%s"\n%s\n%s\n' "$1" "$2" "$3" "${4:-}"
}

pipeline all.toml "$BEARER" \
	"$(resource json_link json_link/items 'paginator = { type = "json_link", next_url_path = "next" }')" \
	"$(resource header_link header_link/items 'paginator = { type = "header_link" }')" \
	"$(resource offset offset/items 'paginator = { type = "offset", limit = 3, total_path = "total" }')" \
	"$(resource page_number page/items 'paginator = { type = "page_number", base_page = 0, total_path = "total_pages" }
data_selector = "results"')" \
	"$(resource cursor cursor/items 'paginator = { type = "cursor", cursor_path = "cursors.next", cursor_param = "cursor" }')" \
	"$(resource flaky flaky/items 'paginator = { type = "single_page" }')" \
	"$(resource item_details 'items/{resources.json_link.id}' 'paginator = { type = "single_page" }')"
out=$(ll run all.toml 2>&1)
check_eq "dependent resource: one request per parent record" \
	"$(q "SELECT count(*), min(detail), max(detail) FROM shop.item_details")" "7,detail of 1,detail of 7"
for r in json_link header_link offset page_number cursor flaky; do
	check_eq "$r: every item once" "$(q "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM shop.$r")" "7,7,1,7"
	check_contains "$r reported" "$out" "$r: loaded 7 records into shop.$r"
done
check_eq "nested list to child table" "$(q "SELECT count(*) FROM shop.json_link__tags")" 7
check_contains "429 retried after Retry-After" "$out" "HTTP 429; trying again in 1 s"

# API key in the query and basic auth, from the secrets
pipeline apikey.toml '[source.auth]
type = "api_key"
name = "api_key"
location = "query"' "$(resource by_key apikey/items '')"
ll run apikey.toml -q
check_eq "api key in query" "$(q "SELECT count(*) FROM shop.by_key")" 7
pipeline basic.toml '[source.auth]
type = "http_basic"' "$(resource by_basic basic/items '')"
ll run basic.toml -q
check_eq "basic auth" "$(q "SELECT count(*) FROM shop.by_basic")" 7

# base_url from .dlt/config.toml when the environment has none
unset SOURCES__SHOP_API__BASE_URL
printf '[destination.filesystem]\nbucket_url = "lake"\n[sources.shop_api]\nbase_url = "%s"\n' "$BASE" >.dlt/config.toml
pipeline cfg.toml '' "$(resource from_config events '')"
ll run cfg.toml -q
check_eq "base_url from config.toml" "$(q "SELECT count(*) FROM shop.from_config")" 2
export SOURCES__SHOP_API__BASE_URL="$BASE"

# incremental: the last value goes back to the server as start_param
pipeline incr.toml '' "$(resource events events '' '[resources.incremental]
cursor_path = "updated_at"
initial_value = "2024-01-02"
start_param = "since"')"
ll run incr.toml -q
check_eq "first run from initial_value" "$(q "SELECT id FROM shop.events")" 2
echo '[{"id":1,"updated_at":"2024-01-01"},{"id":2,"updated_at":"2024-01-02"},{"id":3,"updated_at":"2024-01-03"}]' \
	>"$S/events.json"
out=$(ll run incr.toml 2>&1)
check_contains "second run loads only the new" "$out" "events: loaded 1 records"
check_eq "rows after two runs" "$(q "SELECT id FROM shop.events ORDER BY id" | tr '\n' ' ')" "2 3 "
ll run incr.toml -q
check_eq "third run: nothing new" "$(q "SELECT count(*) FROM shop.events")" 2
# the run of cfg.toml asked without since; then the initial value, then the last values
check_eq "start_param sent" "$(tr '\n' ' ' <"$S/since.log")" " 2024-01-02 2024-01-02 2024-01-03 "
# a run killed after its package is saved: the next run finishes it and the
# cursor it carried, so the new event lands exactly once
echo '[{"id":3,"updated_at":"2024-01-03"},{"id":4,"updated_at":"2024-01-04"}]' >"$S/events.json"
set +e
LAKELOAD_FAILPOINT=after_normalize "$LAKELOAD" run incr.toml -q 2>/dev/null
set -e
out=$(ll run incr.toml 2>&1)
check_contains "interrupted run finished, nothing new after it" "$out" "events: nothing new"
check_eq "the new event once" "$(q "SELECT id FROM shop.events ORDER BY id" | tr '\n' ' ')" "2 3 4 "

# failures: the URL without secrets, the status, nothing visible
fails() { # name path want-in-message [auth]
	pipeline "f_$1.toml" "${4:-$BEARER}" "$(resource "f_$1" "$2" 'paginator = { type = "json_link" }')"
	expect_failure "$1 fails" ll run "f_$1.toml"
	check_eq "$1 status" "$RC" 1
	check_contains "$1 names URL" "$ERR" "$BASE/$2"
	check_contains "$1 says why" "$ERR" "$3"
	check_eq "$1 leaves nothing" "$(q "SELECT count(*) FROM shop._dlt_loads WHERE load_id IN (SELECT _dlt_load_id FROM shop.json_link)")" 1
	if [[ $ERR == *s3cret* || $ERR == *k3y-value* || $ERR == *pa55* ]]; then
		FAIL=$((FAIL + 1))
		echo "FAIL $1: a secret in the message: $ERR" >&2
	else
		PASS=$((PASS + 1))
	fi
}
fails unauthorized json_link/items "HTTP 401" '[source.auth]
type = "api_key"
name = "X-Api-Key"'
fails forbidden forbidden "HTTP 403"
fails missing no/such/endpoint "HTTP 404"
fails notjson notjson "not JSON"
fails loop loop "HTTP 302, more than 10 redirects"
fails midway failing/items "HTTP 503"
check_contains "mid-way failure retried then gave up" "$ERR" "gave up after 5 attempts"
check_contains "mid-way failure names page 2" "$ERR" "failing/items?page=2"
tables=$(q "SELECT count(*) FROM shop._dlt_loads")
check_eq "failed runs made no loads" "$tables" 13
pipeline f_keyq.toml '[source.auth]
type = "api_key"
name = "api_key"
location = "query"' "$(resource f_keyq forbidden '')"
expect_failure "query key hidden" ll run f_keyq.toml
check_contains "query key redacted" "$ERR" "forbidden?api_key=***"

# a missing secret is named, never shown
printf '' >.dlt/secrets.toml
expect_failure "missing token" ll run all.toml --resource flaky
check_contains "says where the token goes" "$ERR" "set token in [sources.shop_api] of .dlt/secrets.toml"

cd "$T"
finish
