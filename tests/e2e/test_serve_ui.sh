#!/usr/bin/env bash
# lakeload serve --ui: the web view's /ui/api endpoints (tables with columns
# and hints, pipelines with their loads, Iceberg snapshots, queries and their
# errors) checked with curl and python3, the loopback-only rule, and the page
# itself in headless Chromium: it opens /?sql=..., runs the query and the
# test reads the rendered result table from the dumped DOM (values with
# markup in them must arrive as text). A screenshot is written next to it;
# it stays, with the rest of the test's files, only when the test fails.
source "$(dirname "$0")/lib.sh"

printf '%s\n' '{"id":1,"name":"<b>bold</b>","tags":["a","b"]}' '{"id":2,"name":"plain","tags":[]}' \
	'{"id":3,"name":null}' > "$T/people.ndjson"
ll load "$T/people.ndjson" --lake "$LAKE" --dataset shop --table people -q
ll load "$T/people.ndjson" --lake "$LAKE" --dataset shop --table ice --table-format iceberg \
	--primary-key id --write-disposition merge -q

# --ui takes no signature, so it is refused on an address others can reach
expect_failure "--ui on a non-loopback address" "$LAKELOAD" serve --ui --host 0.0.0.0 --lake "$LAKE"
check_eq "usage error status" "$RC" "2"
check_contains "says why" "$ERR" "--ui-any-host"

start_serve() {
	local out=$1
	shift
	LAKELOAD_SERVE_ACCESS_KEY_ID=ui-test-key LAKELOAD_SERVE_SECRET_ACCESS_KEY=ui-test-secret \
		"$LAKELOAD" serve --port 0 --lake "$LAKE" "$@" >"$out" 2>"$out.err" &
	SERVE=$!
	for _ in $(seq 1 100); do
		grep -q 'listening on' "$out" && break
		kill -0 $SERVE 2>/dev/null || break
		sleep 0.1
	done
	URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out" || true)
}
stop_serve() {
	kill -TERM $SERVE
	set +e
	wait $SERVE
	RC=$?
	set -e
	check_eq "serve stops cleanly" "$RC" "0"
}

# without --ui nothing of the web view is served: only AWS's signed API
start_serve "$T/plain.out"
trap 'kill $SERVE 2>/dev/null || true' EXIT
check_contains "without --ui: refused" "$(curl -s "$URL/ui/api/tables")" "MissingAuthenticationTokenException"
stop_serve

start_serve "$T/serve.out" --ui
check_contains "serve --ui prints its URL" "$URL" "http://127.0.0.1:"

# the page, and the Glue/Athena API still signed-only beside it
check_contains "page content type" "$(curl -s -o /dev/null -w '%{content_type}' "$URL/")" "text/html"
check_contains "page is the web view" "$(curl -s "$URL/")" '<textarea id="sql"'
check_contains "unsigned Athena call refused with --ui" \
	"$(curl -s -X POST -H 'X-Amz-Target: AmazonAthena.ListWorkGroups' -d '{}' "$URL/")" \
	"MissingAuthenticationTokenException"

# a JSON field of an endpoint's reply, through python3's own JSON reader
jget() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

TABLES=$(curl -s "$URL/ui/api/tables")
check_eq "tables: people's columns, types and nullability" \
	"$(jget "[(c['name'], c['type'], c['nullable']) for t in d['tables'] if t['name'] == 'people' for c in t['columns']]" <<<"$TABLES")" \
	"[('id', 'bigint', True), ('name', 'text', True), ('_dlt_load_id', 'text', False), ('_dlt_id', 'text', False)]"
check_eq "tables: the child table and formats" \
	"$(jget "sorted((t['dataset'], t['name'], t['format']) for t in d['tables'] if not t['name'].startswith('_dlt'))" <<<"$TABLES")" \
	"[('shop', 'ice', 'iceberg'), ('shop', 'ice__tags', 'iceberg'), ('shop', 'people', 'hive'), ('shop', 'people__tags', 'hive')]"
check_eq "tables: the primary key hint" \
	"$(jget "[c['name'] for t in d['tables'] if t['name'] == 'ice' for c in t['columns'] if c['primary_key']]" <<<"$TABLES")" \
	"['id']"
check_eq "tables: the write disposition" \
	"$(jget "[t['write_disposition'] for t in d['tables'] if t['name'] in ('ice', 'people')]" <<<"$TABLES")" \
	"['merge', 'append']"
check_eq "tables: hive row count" "$(jget "[t['rows'] for t in d['tables'] if t['name'] == 'people']" <<<"$TABLES")" "[3]"

# pipelines: what `lakeload info` prints, loads with their states
PIPELINES=$(curl -s "$URL/ui/api/pipelines" | jget "d['text']")
check_eq "pipelines: same as lakeload info" "$PIPELINES" "$("$LAKELOAD" info)"
check_eq "pipelines: both loads loaded" "$(grep -c ' loaded ' <<<"$PIPELINES")" "2"

HISTORY=$(curl -s "$URL/ui/api/history?table=shop.ice" | jget "d['text']")
check_eq "history: same as lakeload history" "$HISTORY" "$("$LAKELOAD" history shop.ice --lake "$LAKE")"
check_eq "history of a missing table: 404" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$URL/ui/api/history?table=shop.nope")" "404"

check_eq "query: columns and typed rows" \
	"$(curl -s "$URL/ui/api/query" -G --data-urlencode 'sql=SELECT id, name FROM shop.people ORDER BY id' | jget "(d['columns'], d['rows'], d['truncated'])")" \
	"(['id', 'name'], [[1, '<b>bold</b>'], [2, 'plain'], [3, None]], False)"
check_eq "query: bad SQL is a 400" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$URL/ui/api/query" -G --data-urlencode 'sql=SELEC 1')" "400"
check_contains "query: bad SQL says why" \
	"$(curl -s "$URL/ui/api/query" -G --data-urlencode 'sql=SELEC 1' | jget "d['error']")" "syntax error"
check_contains "query: missing table named" \
	"$(curl -s "$URL/ui/api/query" -G --data-urlencode 'sql=SELECT * FROM shop.nope' | jget "d['error']")" "nope"
check_eq "unknown endpoint: 404" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/ui/api/nothing")" "404"
check_eq "POST to the web view: 405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/ui/api/tables")" "405"

# the page in a real browser: a query given in the URL runs on load
CHROMIUM=$(command -v chromium || true)
if [[ -z $CHROMIUM ]]; then
	echo "SKIP the browser checks: chromium is not installed (scripts/install-deps.sh installs it)"
else
	browse() {
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$T/chromium" --virtual-time-budget=5000 --window-size=1280,900 "$@" \
			2>>"$T/chromium.err"
	}
	PAGE="$URL/?sql=SELECT%20id%2C%20name%20FROM%20shop.people%20ORDER%20BY%20id"
	DOM=$(browse --dump-dom "$PAGE")
	check_eq "browser: the rendered result table" \
		"$(grep -o '<table id="result">.*</table>' <<<"$DOM" | sed 's|</table>.*|</table>|')" \
		'<table id="result"><thead><tr><th>id</th><th>name</th></tr></thead><tbody><tr><td>1</td><td>&lt;b&gt;bold&lt;/b&gt;</td></tr><tr><td>2</td><td>plain</td></tr><tr><td>3</td><td>NULL</td></tr></tbody></table>'
	check_contains "browser: row count shown" "$DOM" '3 rows'
	check_contains "browser: tables listed with columns" "$DOM" '<h3>shop.people__tags</h3>'
	check_contains "browser: pipelines shown" "$DOM" 'people.ndjson -&gt; people'
	check_contains "browser: a failing query shows its error" \
		"$(browse --dump-dom "$URL/?sql=SELEC%201")" '<div class="error">SQL error'
	browse --screenshot="$T/ui.png" "$PAGE" >/dev/null
	check_eq "browser: screenshot written" "$([[ -s $T/ui.png ]] && echo yes)" "yes"
fi

stop_serve
trap - EXIT
finish
