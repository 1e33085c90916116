/*
 * Trino to SQLite: each case is a query as dbt or dlt users write it and
 * the exact SQLite text lakeload runs, or the error a user gets (its code
 * and the start of its message, which names the construct and where).
 * Whether the translated text means the same is checked against DuckDB in
 * test_sql_duckdb.sh.
 */
#include "sql/sql.h"
#include "test.h"

typedef struct tcase {
	const char *in, *want;
} tcase;

static const tcase cases[] = {
	/* kept as is */
	{ "SELECT a, \"b c\", 'it''s' FROM shop.events WHERE x = true AND y || z <> 'q'",
	  "SELECT a, \"b c\", 'it''s' FROM shop.events WHERE x = true AND y || z <> 'q'" },
	{ "SELECT coalesce(a, 0), lower(n), upper(n), length(n), substr(n, 2, 3) FROM shop.t",
	  "SELECT coalesce(a, 0), lower(n), upper(n), length(n), substr(n, 2, 3) FROM shop.t" },
	/* names: catalog dropped, bare tables in the default database, WITH names left alone */
	{ "SELECT * FROM AwsDataCatalog.shop.events", "SELECT * FROM shop.events" },
	{ "SELECT * FROM \"awsdatacatalog\".\"shop\".\"events\"", "SELECT * FROM \"shop\".\"events\"" },
	{ "SELECT * FROM `shop`.`ev``ents`", "SELECT * FROM \"shop\".\"ev`ents\"" },
	{ "select e.id from events e join users u on e.uid = u.id, orders",
	  "select e.id from \"dflt\".events e join \"dflt\".users u on e.uid = u.id, \"dflt\".orders" },
	{ "WITH c AS (SELECT id FROM events) SELECT * FROM c WHERE id IN (SELECT id FROM gone)",
	  "WITH c AS (SELECT id FROM \"dflt\".events) SELECT * FROM c WHERE id IN (SELECT id FROM "
	  "\"dflt\".gone)" },
	{ "SELECT * FROM t WHERE a IS NOT DISTINCT FROM b",
	  "SELECT * FROM \"dflt\".t WHERE a IS NOT DISTINCT FROM b" },
	/* names Trino reads as names but SQLite as keywords (dlt keeps "index", "default", ...) */
	{ "SELECT index, t.primary AS unique, \"default\" FROM shop.t WHERE check = 1 ORDER BY to",
	  "SELECT \"index\", t.\"primary\" AS \"unique\", \"default\" FROM shop.t WHERE \"check\" = 1 "
	  "ORDER BY \"to\"" },
	{ "SELECT references, foreign, transaction, commit, collate, isnull, notnull FROM index",
	  "SELECT \"references\", \"foreign\", \"transaction\", \"commit\", \"collate\", \"isnull\", "
	  "\"notnull\" FROM \"dflt\".\"index\"" },
	{ "SELECT a FROM shop.t WHERE a IS NOT NULL AND b LIKE 'x!%' ESCAPE '!' ORDER BY a DESC NULLS LAST",
	  "SELECT a FROM shop.t WHERE a IS NOT NULL AND b LIKE 'x!%' ESCAPE '!' ORDER BY a DESC NULLS LAST" },
	/* literals */
	{ "SELECT 1 FROM shop.t WHERE d = date '2024-03-01' AND ts >= timestamp '2024-03-01 10:20'",
	  "SELECT 1 FROM shop.t WHERE d = '2024-03-01' AND ts >= '2024-03-01 10:20:00.000'" },
	{ "SELECT timestamp '2024-03-01 10:20:30.5', TIMESTAMP '2024-03-01 10:20:30.1234567'",
	  "SELECT '2024-03-01 10:20:30.500', '2024-03-01 10:20:30.123456'" },
	{ "SELECT current_date, current_timestamp, now()",
	  "SELECT date('now'), strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now')" },
	/* date and time functions */
	{ "SELECT year(ts), month(ts), day(ts), hour(ts), minute(ts), second(ts) FROM shop.t",
	  "SELECT CAST(strftime('%Y', ts) AS INTEGER), CAST(strftime('%m', ts) AS INTEGER), "
	  "CAST(strftime('%d', ts) AS INTEGER), CAST(strftime('%H', ts) AS INTEGER), "
	  "CAST(strftime('%M', ts) AS INTEGER), CAST(strftime('%S', ts) AS INTEGER) FROM shop.t" },
	{ "SELECT day_of_week(d), EXTRACT(YEAR FROM d)",
	  "SELECT ((CAST(strftime('%w', d) AS INTEGER) + 6) % 7 + 1), CAST(strftime('%Y', d) AS INTEGER)" },
	{ "SELECT date_trunc('month', ts)",
	  "SELECT substr(strftime('%Y-%m-01 00:00:00.000', ts), 1, length(ts))" },
	{ "SELECT date_trunc('week', year(x))",
	  "SELECT substr(strftime('%Y-%m-%d 00:00:00.000', CAST(strftime('%Y', x) AS INTEGER), "
	  "'-6 days', 'weekday 1'), 1, length(CAST(strftime('%Y', x) AS INTEGER)))" },
	{ "SELECT from_iso8601_timestamp('2024-01-01T10:00:00+02:00'), from_iso8601_date(s)",
	  "SELECT strftime('%Y-%m-%d %H:%M:%f', '2024-01-01T10:00:00+02:00'), date(s)" },
	{ "SELECT date_add('day', -3, d)",
	  "SELECT substr(strftime('%Y-%m-%d %H:%M:%f', d, (-3) || ' days'), 1, length(d))" },
	{ "SELECT date_diff('second', a, b)",
	  "SELECT (CAST(round((julianday(b) - julianday(a)) * 86400000) AS INTEGER) / 1000)" },
	/* functions */
	{ "SELECT approx_distinct(uid), if(a > 1, 'big'), if(a > 1, 'big', 'small'), concat(a, '-', b)",
	  "SELECT count(DISTINCT uid), CASE WHEN a > 1 THEN 'big' END, CASE WHEN a > 1 THEN 'big' "
	  "ELSE 'small' END, (a || '-' || b)" },
	{ "SELECT strpos(s, 'x'), substring(s, 2)", "SELECT instr(s, 'x'), substr(s, 2)" },
	{ "SELECT greatest(a, b, c), least(a, b), starts_with(s, 'ab')",
	  "SELECT max(a, b, c), min(a, b), (substr(s, 1, length('ab')) = 'ab')" },
	{ "SELECT from_unixtime(n), to_unixtime(ts)",
	  "SELECT strftime('%Y-%m-%d %H:%M:%f', n, 'unixepoch'), ((julianday(ts) - 2440587.5) * 86400.0)" },
	/* casts */
	{ "SELECT CAST(x AS varchar), CAST(x AS VARCHAR(10)), CAST(x AS double), CAST(x AS date)",
	  "SELECT CAST(x AS TEXT), CAST(x AS TEXT), CAST(x AS REAL), date(x)" },
	{ "SELECT CAST(x AS bigint)",
	  "SELECT (CASE typeof(x) WHEN 'real' THEN CAST(round(x) AS INTEGER) ELSE CAST(x AS INTEGER) END)" },
	{ "SELECT cast(x AS decimal(10, 2)), CAST(ts AS timestamp)",
	  "SELECT (CASE WHEN x IS NOT NULL THEN printf('%.2f', x) END), strftime('%Y-%m-%d %H:%M:%f', ts)" },
	{ "SELECT try_cast(s AS integer)",
	  "SELECT (CASE typeof(s) WHEN 'integer' THEN s WHEN 'real' THEN CAST(round(s) AS INTEGER) "
	  "WHEN 'text' THEN (CASE WHEN json_valid(trim(s)) THEN (CASE WHEN json_type(trim(s)) IN "
	  "('integer') THEN CAST(trim(s) AS INTEGER) END) END) END)" },
	/* row limits */
	{ "SELECT a FROM shop.t ORDER BY a OFFSET 5 ROWS FETCH FIRST 3 ROWS ONLY",
	  "SELECT a FROM shop.t ORDER BY a LIMIT 3 OFFSET 5" },
	{ "SELECT a FROM shop.t OFFSET 2", "SELECT a FROM shop.t LIMIT -1 OFFSET 2" },
	{ "SELECT a FROM shop.t FETCH NEXT ROW ONLY;", "SELECT a FROM shop.t LIMIT 1" },
	{ "SELECT a FROM (SELECT a FROM shop.t LIMIT 10) s LIMIT 2",
	  "SELECT a FROM (SELECT a FROM shop.t LIMIT 10) s LIMIT 2" },
	/* comments go, spacing is kept */
	{ "SELECT a -- the key\n, b /* why */ FROM shop.t", "SELECT a , b FROM shop.t" },
};

typedef struct ecase {
	const char *in;
	ll_status code;
	const char *message; /* start of the message */
} ecase;

static const ecase errors[] = {
	{ "SELECT regexp_like(a, 'x') FROM shop.t", LL_EUNSUPPORTED,
	  "line 1:8: function regexp_like() is not supported" },
	{ "SELECT cardinality(a) FROM shop.t", LL_EUNSUPPORTED,
	  "line 1:8: function cardinality() is not supported" },
	{ "SELECT a[1] FROM shop.t", LL_EUNSUPPORTED, "line 1:9: array subscript" },
	{ "SELECT\n  ts + INTERVAL '1' DAY", LL_EUNSUPPORTED, "line 2:8: INTERVAL" },
	{ "SELECT transform(a, x -> x + 1)", LL_EUNSUPPORTED, "line 1:8: function transform()" },
	{ "SELECT a FROM shop.t CROSS JOIN UNNEST(xs)", LL_EUNSUPPORTED,
	  "line 1:33: function UNNEST() is not supported" },
	{ "SELECT CAST(a AS json)", LL_EUNSUPPORTED, "line 1:18: CAST to json is not supported" },
	{ "SELECT timestamp '2024-01-01 10:00 UTC'", LL_EINVAL,
	  "line 1:18: '2024-01-01 10:00 UTC' is not a timestamp" },
	{ "SELECT date_trunc('fortnight', ts)", LL_EINVAL,
	  "line 1:19: date_trunc: unknown unit 'fortnight'" },
	{ "SELECT date_add(unit, 1, ts)", LL_EUNSUPPORTED, "line 1:17: date_add: the unit must be a string literal" },
	{ "SELECT if(a)", LL_EINVAL, "line 1:8: wrong number of arguments to if()" },
	{ "SELECT greatest(a)", LL_EINVAL, "line 1:8: wrong number of arguments to greatest()" },
	{ "SELECT 1 FROM hive.shop.t", LL_EUNSUPPORTED, "line 1:15: catalog hive is not supported" },
	{ "SELECT 'open", LL_EINVAL, "line 1:8: unterminated string literal" },
	{ "SELECT (a", LL_EINVAL, "line 1:8: missing ')'" },
	{ "SELECT 1; SELECT 2", LL_EINVAL, "line 1:9: only one statement is allowed" },
	{ "SELECT a FROM shop.t FETCH FIRST 1 ROWS WITH TIES", LL_EUNSUPPORTED,
	  "line 1:41: FETCH ... WITH TIES" },
	{ "UPDATE shop.t SET a = 1", LL_EUNSUPPORTED, "line 1:1: statement UPDATE is not supported" },
	{ "SHOW TABLES", LL_EINVAL, "SHOW TABLES is not a query" },
};

static void test_translations(void)
{
	ll_sql_context ctx = { .database = "dflt" };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ll_buf out = LL_BUF_INIT;
		ll_error err = { 0 };
		CHECK_OK(ll_sql_translate_query(cases[i].in, &ctx, &out, &err), &err);
		CHECK_STR(ll_buf_cstr(&out), cases[i].want);
		ll_buf_free(&out);
	}
}

/* Long lists are not function arguments: IN (...) and VALUES rows of any length pass. */
static void test_long_lists(void)
{
	ll_buf in = LL_BUF_INIT, out = LL_BUF_INIT;
	ll_error err = { 0 };
	ll_buf_puts(&in, "SELECT * FROM shop.t WHERE id IN (0");
	for (int i = 1; i < 500; i++)
		ll_buf_printf(&in, ", %d", i);
	ll_buf_puts(&in, ")");
	CHECK_OK(ll_sql_translate_query(ll_buf_cstr(&in), NULL, &out, &err), &err);
	CHECK_STR(ll_buf_cstr(&out), ll_buf_cstr(&in));
	ll_buf_clear(&in);
	ll_buf_puts(&in, "VALUES (0");
	for (int i = 1; i < 100; i++)
		ll_buf_printf(&in, ", concat('a', 'b')");
	ll_buf_puts(&in, ")");
	CHECK_OK(ll_sql_translate_query(ll_buf_cstr(&in), NULL, &out, &err), &err);
	CHECK(strstr(ll_buf_cstr(&out), "VALUES (0, ('a' || 'b'), ") != NULL);
	ll_buf_free(&in);
	ll_buf_free(&out);
}

static void test_errors(void)
{
	ll_sql_context ctx = { .database = "dflt" };
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		ll_buf out = LL_BUF_INIT;
		ll_error err = { 0 };
		CHECK_INT(ll_sql_translate_query(errors[i].in, &ctx, &out, &err), errors[i].code);
		if (strncmp(err.message, errors[i].message, strlen(errors[i].message)) != 0) {
			fprintf(stderr, "%s:\n  got:  %s\n  want: %s...\n", errors[i].in, err.message,
				errors[i].message);
			ll_test_failures++;
		}
		ll_buf_free(&out);
	}
}

/* The configured catalog is dropped instead of awsdatacatalog; no default database: names stay. */
static void test_context(void)
{
	ll_sql_context ctx = { .catalog = "lake" };
	ll_buf out = LL_BUF_INIT;
	ll_error err = { 0 };
	CHECK_OK(ll_sql_translate_query("SELECT * FROM LAKE.shop.t, events", &ctx, &out, &err), &err);
	CHECK_STR(ll_buf_cstr(&out), "SELECT * FROM shop.t, events");
	CHECK_INT(ll_sql_translate_query("SELECT * FROM awsdatacatalog.shop.t", &ctx, &out, &err),
		  LL_EUNSUPPORTED);
	ll_buf_free(&out);
}

LL_TEST_MAIN(LL_TEST(test_translations), LL_TEST(test_long_lists), LL_TEST(test_errors), LL_TEST(test_context))
