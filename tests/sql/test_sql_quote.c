/*
 * Quoting for Athena's two dialects and the DDL lakeload sends: names with
 * backticks, quotes, semicolons, spaces and unicode stay one identifier;
 * literals with quotes and backslashes stay one literal; types map as dlt
 * maps them and a time column is refused with dlt's advice.
 */
#include "sql/sql.h"
#include "test.h"

static const char *hive(const char *s, ll_buf *b)
{
	ll_buf_clear(b);
	ll_sql_hive_ident(b, s);
	return ll_buf_cstr(b);
}

static const char *presto(const char *s, ll_buf *b)
{
	ll_buf_clear(b);
	ll_sql_presto_ident(b, s);
	return ll_buf_cstr(b);
}

static const char *lit(const char *s, bool hive_rules, ll_buf *b)
{
	ll_buf_clear(b);
	if (hive_rules)
		ll_sql_hive_string_literal(b, s);
	else
		ll_sql_string_literal(b, s);
	return ll_buf_cstr(b);
}

static void test_identifiers(void)
{
	ll_buf b = LL_BUF_INIT;
	CHECK_STR(hive("events", &b), "`events`");
	CHECK_STR(hive("a`b", &b), "`a``b`");
	CHECK_STR(hive("x; DROP TABLE y", &b), "`x; DROP TABLE y`");
	CHECK_STR(hive("has \"quote\" and space", &b), "`has \"quote\" and space`");
	CHECK_STR(hive("größe_日本", &b), "`größe_日本`");
	CHECK_STR(presto("events", &b), "\"events\"");
	CHECK_STR(presto("a\"b", &b), "\"a\"\"b\"");
	CHECK_STR(presto("a`b;c", &b), "\"a`b;c\"");
	CHECK_STR(presto("größe", &b), "\"größe\"");
	ll_buf_free(&b);
}

static void test_literals(void)
{
	ll_buf b = LL_BUF_INIT;
	/* Trino: the quote doubled, a backslash is itself */
	CHECK_STR(lit("it's", false, &b), "'it''s'");
	CHECK_STR(lit("C:\\dir\\", false, &b), "'C:\\dir\\'");
	CHECK_STR(lit("two\nlines", false, &b), "'two\nlines'");
	/* Hive: backslash escapes, since 'a''b' would be two adjacent literals */
	CHECK_STR(lit("it's", true, &b), "'it\\'s'");
	CHECK_STR(lit("s3://b/C:\\x", true, &b), "'s3://b/C:\\\\x'");
	CHECK_STR(lit("a\nb\tc\x01", true, &b), "'a\\nb\\tc\\u0001'");
	CHECK_STR(lit("ünï", true, &b), "'ünï'");
	ll_buf_free(&b);
}

static ll_table *make_table(ll_schema **schema, const char *name)
{
	ll_error err = { 0 };
	ll_table *t = NULL;
	CHECK_OK(ll_schema_new("s", schema, &err), &err);
	CHECK_OK(ll_schema_add_table(*schema, name, NULL, &t, &err), &err);
	static const struct {
		const char *name;
		ll_data_type type;
		int p, s;
	} cols[] = {
		{ "id", LL_TYPE_BIGINT, 0, 0 },       { "name", LL_TYPE_TEXT, 0, 0 },
		{ "price", LL_TYPE_DOUBLE, 0, 0 },    { "ok", LL_TYPE_BOOL, 0, 0 },
		{ "created_at", LL_TYPE_TIMESTAMP, 0, 0 }, { "day", LL_TYPE_DATE, 0, 0 },
		{ "amount", LL_TYPE_DECIMAL, 12, 3 }, { "total", LL_TYPE_DECIMAL, 0, 0 },
		{ "raw", LL_TYPE_BINARY, 0, 0 },      { "meta", LL_TYPE_JSON, 0, 0 },
		{ "we`ird; name", LL_TYPE_TEXT, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		ll_column c = { .name = (char *)cols[i].name, .type = cols[i].type,
				.precision = cols[i].p, .scale = cols[i].s, .nullable = true,
				.field_id = -1 };
		CHECK_OK(ll_table_add_column(t, &c, NULL, &err), &err);
	}
	return t;
}

#define COLUMNS_DDL \
	"(`id` bigint, `name` string, `price` double, `ok` boolean, `created_at` timestamp, " \
	"`day` date, `amount` decimal(12,3), `total` decimal(38,9), `raw` binary, " \
	"`meta` string, `we``ird; name` string)"

static void test_render_tables(void)
{
	ll_schema *s;
	ll_table *t = make_table(&s, "my events");
	ll_buf b = LL_BUF_INIT;
	ll_error err = { 0 };
	CHECK_OK(ll_sql_render_create_external("sh`op", t, "s3://bucket/shop/my events/", &b, &err),
		 &err);
	CHECK_STR(ll_buf_cstr(&b), "CREATE EXTERNAL TABLE IF NOT EXISTS `sh``op`.`my events` "
				   COLUMNS_DDL " STORED AS PARQUET LOCATION "
				   "'s3://bucket/shop/my events/'");

	ll_buf_clear(&b);
	CHECK_OK(ll_sql_render_add_columns("shop", t, 9, &b, &err), &err);
	CHECK_STR(ll_buf_cstr(&b),
		  "ALTER TABLE `shop`.`my events` ADD COLUMNS (`meta` string, `we``ird; name` string)");
	CHECK_INT(ll_sql_render_add_columns("shop", t, 11, &b, &err), LL_EINVAL);

	ll_buf_clear(&b);
	ll_sql_render_drop_table("shop", "o'k`", &b);
	CHECK_STR(ll_buf_cstr(&b), "DROP TABLE IF EXISTS `shop`.`o'k```");

	t->partition = calloc(3, sizeof(char *));
	t->partition[0] = strdup("name");
	t->partition[1] = strdup("month(created_at)");
	t->partition[2] = strdup("bucket(16, id)");
	t->npartition = 3;
	ll_buf_clear(&b);
	CHECK_OK(ll_sql_render_create_iceberg("shop", t, "s3://bucket/shop/it's", &b, &err), &err);
	CHECK_STR(ll_buf_cstr(&b),
		  "CREATE TABLE `shop`.`my events` " COLUMNS_DDL
		  " PARTITIONED BY (`name`, month(`created_at`), bucket(16, `id`)) LOCATION "
		  "'s3://bucket/shop/it\\'s' TBLPROPERTIES ('table_type'='ICEBERG', "
		  "'format'='parquet')");
	ll_buf_free(&b);
	ll_schema_free(s);
}

static void test_time_is_refused(void)
{
	ll_schema *s;
	ll_table *t = make_table(&s, "events");
	ll_error err = { 0 };
	ll_column c = { .name = "opens_at", .type = LL_TYPE_TIME, .nullable = true, .field_id = -1 };
	CHECK_OK(ll_table_add_column(t, &c, NULL, &err), &err);
	ll_buf b = LL_BUF_INIT;
	CHECK_INT(ll_sql_render_create_external("shop", t, "s3://b/x", &b, &err), LL_EUNSUPPORTED);
	CHECK(strstr(err.message, "opens_at") != NULL);
	CHECK(strstr(err.message, "Please convert `datetime.time` objects") != NULL);
	CHECK_STR(err.column_name, "opens_at");
	ll_buf_free(&b);
	ll_schema_free(s);
}

LL_TEST_MAIN(LL_TEST(test_identifiers), LL_TEST(test_literals), LL_TEST(test_render_tables),
	     LL_TEST(test_time_is_refused))
