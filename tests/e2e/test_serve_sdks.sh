#!/usr/bin/env bash
# lakeload serve driven by the official AWS SDKs, Debian's python3-boto3 and
# the JavaScript SDK v3 (@aws-sdk/client-glue and client-athena, tests/interop):
# Glue and Athena calls, paging, stale VersionId, bad signatures, failing
# queries, and results equal to `lakeload query` on the same lake.
source "$(dirname "$0")/lib.sh"

for i in $(seq 1 25); do
	printf '{"id":%d,"name":"n%d","price":%d.25,"ts":"2024-%02d-02T03:04:05Z"}\n' "$i" "$i" "$i" $((i % 12 + 1))
done > "$T/orders.ndjson"
ll load "$T/orders.ndjson" --lake "$LAKE" --dataset shop --table orders -q
ll load "$T/orders.ndjson" --lake "$LAKE" --dataset shop --table ice --table-format iceberg -q
"$LAKELOAD" query --lake "$LAKE" --format csv "SELECT id, name, price, ts FROM shop.orders ORDER BY id" \
	| tr -d '\r' > "$T/expected.csv"
"$LAKELOAD" query --lake "$LAKE" --format csv --dialect athena --dataset shop \
	"SELECT \"name\", CAST(id AS varchar) AS sid, date_trunc('month', ts) AS m FROM shop.orders WHERE id <= 5 ORDER BY id" \
	| tr -d '\r' > "$T/expected_trino.csv"

# serve on a free port of 127.0.0.1; the test stops it
LAKELOAD_SERVE_ACCESS_KEY_ID=serve-test-key LAKELOAD_SERVE_SECRET_ACCESS_KEY=serve-test-secret \
	"$LAKELOAD" serve --port 0 --lake "$LAKE" --work-group team >"$T/serve.out" 2>"$T/serve.err" &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
	grep -q 'listening on' "$T/serve.out" && break
	kill -0 $SERVE 2>/dev/null || break
	sleep 0.1
done
URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$T/serve.out" || true)
check_contains "serve prints its URL" "$URL" "http://127.0.0.1:"

# the test's endpoint only: no AWS configuration of the machine may leak in
set +e
env -u AWS_PROFILE -u AWS_ENDPOINT_URL AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
	/usr/bin/python3 "$LL_SOURCE_DIR/tests/serve/serve_boto3.py" "$URL" "$LAKE" "$T/results/" \
	"$T/expected.csv" "$T/expected_trino.csv"
RC=$?
set -e
check_eq "boto3 checks" "$RC" "0"
set +e
node "$LL_SOURCE_DIR/tests/serve/serve_aws_sdk.mjs" "$URL" "$LAKE" "$T/results/" "$T/expected.csv"
RC=$?
set -e
check_eq "AWS SDK for JavaScript checks" "$RC" "0"

kill -TERM $SERVE
set +e
wait $SERVE
RC=$?
set -e
trap - EXIT
check_eq "serve stops cleanly on SIGTERM" "$RC" "0"
check_contains "serve says it stopped" "$(cat "$T/serve.err")" "stopped (SIGTERM)"

# what serve committed is the lake's: lakeload sees the DELETE and the new table
check_eq "lakeload query after the Athena DELETE" "$(q "SELECT count(*), min(id) FROM shop.ice")" "22,4"
check_eq "lakeload history shows the delete" "$("$LAKELOAD" history shop.ice --lake "$LAKE" | grep -c delete || true)" "1"
check_eq "Iceberg table created through Athena" "$(q "SELECT count(*) FROM shop.ice_new")" "0"
finish
