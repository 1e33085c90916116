#!/usr/bin/env bash
# Meaning of the Trino-to-SQLite translation: queries as dbt and dlt users
# write them for Athena are translated by src/sql and run by lakeload's
# engine over a loaded table, and the same queries run in DuckDB over the
# same Parquet files (in DuckDB's spelling where it differs); the rows must
# be the same, also through `lakeload query --dialect athena`. Where DuckDB departs from Trino (it rounds 0.5 to even and
# reads '3.5' as a bigint), the data or DuckDB's spelling avoids the
# difference. DuckDB runs in UTC so its TIMESTAMP WITH TIME ZONE prints as
# lakeload's UTC timestamps do.
source "$LL_SOURCE_DIR/tests/e2e/lib.sh"
: "${SQL_TRANSLATE:?run through ctest, which sets SQL_TRANSLATE}"
export TZ=UTC

cat >"$T/orders.ndjson" <<'JSON'
{"id": 1, "category": "books", "amount": 12.74, "qty": 3, "created_at": "2024-03-05T13:04:05.123Z", "day": "2024-03-05", "note": "it's", "code": "12", "active": true}
{"id": 2, "category": "games", "amount": 7.26, "qty": 1, "created_at": "2024-01-31T23:59:59.000Z", "day": "2024-01-15", "note": null, "code": "x", "active": false}
{"id": 3, "category": "books", "amount": 3.1, "qty": 3, "created_at": "2024-02-29T00:30:00.500Z", "day": "2024-02-29", "note": "gift", "code": "3.5", "active": true}
{"id": 4, "category": "tools", "amount": 99.99, "qty": 7, "created_at": "2023-12-31T22:00:00.000Z", "day": "2023-12-31", "note": "bulk", "code": null, "active": false}
{"id": 5, "category": "games", "amount": 0.4, "qty": 2, "created_at": "2024-06-16T08:15:45.999Z", "day": "2024-06-16", "note": "sale", "code": "-4", "active": true}
JSON
ll load "$T/orders.ndjson" --dataset d --table t --lake "$LAKE" >/dev/null
F=$(files_of d t)

# name @@ Trino query @@ DuckDB query ("" = the Trino text over the Parquet files)
MS="'%Y-%m-%d %H:%M:%S.%g'"
cases=(
	"parts of a timestamp@@SELECT id, year(created_at), month(created_at), day(created_at), hour(created_at), minute(created_at), second(created_at) FROM awsdatacatalog.d.t ORDER BY id@@"
	"day of week and quarter@@SELECT id, day_of_week(created_at), quarter(created_at), day_of_year(created_at) FROM t ORDER BY id@@SELECT id, isodow(created_at), quarter(created_at), dayofyear(created_at) FROM d.t ORDER BY id"
	"extract@@SELECT id, EXTRACT(YEAR FROM created_at), EXTRACT(MONTH FROM CAST(day AS date)) FROM d.t ORDER BY id@@"
	"date_trunc of timestamps@@SELECT id, CAST(date_trunc('month', created_at) AS varchar), CAST(date_trunc('hour', created_at) AS varchar), CAST(date_trunc('week', created_at) AS varchar), CAST(date_trunc('quarter', created_at) AS varchar), CAST(date_trunc('year', created_at) AS varchar) FROM d.t ORDER BY id@@SELECT id, strftime(date_trunc('month', created_at), $MS), strftime(date_trunc('hour', created_at), $MS), strftime(date_trunc('week', created_at), $MS), strftime(date_trunc('quarter', created_at), $MS), strftime(date_trunc('year', created_at), $MS) FROM d.t ORDER BY id"
	"date_trunc of dates stays a date@@SELECT id, date_trunc('month', CAST(day AS date)), date_trunc('week', CAST(day AS date)) FROM d.t ORDER BY id@@SELECT id, CAST(date_trunc('month', CAST(day AS date)) AS DATE), CAST(date_trunc('week', CAST(day AS date)) AS DATE) FROM d.t ORDER BY id"
	"timestamp literal in a filter@@SELECT count(*) FROM d.t WHERE created_at >= timestamp '2024-02-29 00:30:00.500'@@"
	"date literal in a filter@@SELECT id FROM d.t WHERE CAST(day AS date) < date '2024-02-29' ORDER BY id@@"
	"aggregates@@SELECT category, count(*), approx_distinct(qty), sum(qty) FROM d.t GROUP BY category ORDER BY category@@SELECT category, count(*), count(DISTINCT qty), sum(qty) FROM d.t GROUP BY category ORDER BY category"
	"if, coalesce, concat@@SELECT id, if(amount > 10, 'big', 'small'), coalesce(note, '-'), concat(category, '/', note) FROM d.t ORDER BY id@@SELECT id, CASE WHEN amount > 10 THEN 'big' ELSE 'small' END, coalesce(note, '-'), category || '/' || note FROM d.t ORDER BY id"
	"string functions@@SELECT lower(category), upper(note), length(category), substr(category, 2, 3), category || '-' || CAST(qty AS varchar) FROM d.t ORDER BY id@@"
	"casts@@SELECT id, CAST(amount AS bigint), CAST(qty AS varchar), CAST(amount AS decimal(10,1)), CAST(created_at AS date) FROM d.t ORDER BY id@@"
	"try_cast@@SELECT id, try_cast(code AS bigint), CASE WHEN try_cast(code AS double) IS NULL THEN 0 ELSE 1 END FROM d.t ORDER BY id@@SELECT id, CASE WHEN code NOT LIKE '%.%' THEN try_cast(code AS bigint) END, CASE WHEN try_cast(code AS double) IS NULL THEN 0 ELSE 1 END FROM d.t ORDER BY id"
	"booleans@@SELECT count(*) FROM d.t WHERE active = true AND NOT active = false@@"
	"date_add@@SELECT id, CAST(date_add('day', 3, created_at) AS varchar), CAST(date_add('hour', -2, created_at) AS varchar), date_add('month', 1, CAST(day AS date)) FROM d.t WHERE id <> 3 ORDER BY id@@SELECT id, strftime(created_at + INTERVAL 3 DAY, $MS), strftime(created_at - INTERVAL 2 HOUR, $MS), CAST(CAST(day AS date) + INTERVAL 1 MONTH AS DATE) FROM d.t WHERE id <> 3 ORDER BY id"
	"date_diff@@SELECT id, date_diff('hour', timestamp '2024-01-01 00:00:00', created_at), date_diff('day', CAST(day AS date), created_at), date_diff('month', timestamp '2023-12-31 23:00:00', created_at), date_diff('second', created_at, timestamp '2024-06-16 08:15:46') FROM d.t ORDER BY id@@SELECT id, date_sub('hour', TIMESTAMPTZ '2024-01-01 00:00:00+00', created_at), date_sub('day', CAST(day AS TIMESTAMPTZ), created_at), date_sub('month', TIMESTAMPTZ '2023-12-31 23:00:00+00', created_at), date_sub('second', created_at, TIMESTAMPTZ '2024-06-16 08:15:46+00') FROM d.t ORDER BY id"
	"from_iso8601@@SELECT CAST(from_iso8601_timestamp('2024-03-05T15:04:05.123+02:00') AS varchar), from_iso8601_date('2024-03-05')@@SELECT strftime(CAST('2024-03-05T15:04:05.123+02:00' AS TIMESTAMPTZ), $MS), CAST('2024-03-05' AS DATE)"
	"offset and fetch@@SELECT id FROM d.t ORDER BY id OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY@@SELECT id FROM d.t ORDER BY id LIMIT 2 OFFSET 1"
	"with and subquery@@WITH big AS (SELECT id, category FROM t WHERE amount > 5) SELECT category, count(*) FROM big WHERE id IN (SELECT id FROM \"d\".\"t\" WHERE active) GROUP BY category ORDER BY 1@@WITH big AS (SELECT id, category FROM d.t WHERE amount > 5) SELECT category, count(*) FROM big WHERE id IN (SELECT id FROM d.t WHERE active) GROUP BY category ORDER BY 1"
)

for c in "${cases[@]}"; do
	name=${c%%@@*}
	rest=${c#*@@}
	trino=${rest%%@@*}
	duck_sql=${rest#*@@}
	[[ -n "$duck_sql" ]] || duck_sql=$trino
	duck_sql=${duck_sql//awsdatacatalog.d.t/$F}
	duck_sql=${duck_sql//d.t/$F}
	if ! sqlite=$("$SQL_TRANSLATE" "$trino" d); then
		check_eq "$name: translation" "failed" "ok"
		continue
	fi
	got=$(q "$sqlite" 2>&1) || got="lakeload failed: $got"
	want=$(duck "$duck_sql" 2>&1) || want="duckdb failed: $want"
	check_eq "$name ($sqlite)" "$got" "$want"
done

# The same translation through the command line, bare names in --dataset.
got=$(ll query --lake "$LAKE" --dialect athena --dataset d --format csv \
	"SELECT id, year(created_at), date_trunc('month', CAST(day AS date)) FROM t WHERE active = true ORDER BY id" |
	tail -n +2 | tr -d '\r')
want=$(duck "SELECT id, year(created_at), CAST(date_trunc('month', CAST(day AS date)) AS DATE) FROM $F WHERE active = true ORDER BY id")
check_eq "lakeload query --dialect athena" "$got" "$want"
expect_failure "unsupported function" ll query --lake "$LAKE" --dialect athena "SELECT regexp_like(note, 'g') FROM d.t"
check_contains "unsupported function: message" "$ERR" "line 1:8: function regexp_like() is not supported"
expect_failure "unknown dialect" ll query --lake "$LAKE" --dialect presto "SELECT 1"

finish
