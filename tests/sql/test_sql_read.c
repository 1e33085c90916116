/*
 * The statement reader on what dlt's Athena client and dbt send: DDL in
 * Hive's quoting, SHOW/DESCRIBE, DELETE and INSERT with Trino conditions
 * and sources, names with or without catalog and database, and the errors
 * for what lakeload does not run.
 */
#include "sql/sql.h"
#include "test.h"

static const ll_sql_context ctx = { .database = "dflt" };

static ll_status read(const char *sql, ll_sql_statement *st, ll_error *err)
{
	memset(err, 0, sizeof(*err));
	return ll_sql_read(sql, &ctx, st, err);
}

static void test_external_table(void)
{
	ll_sql_statement st;
	ll_error err;
	/* as dlt renders it, with a column whose name needs quoting */
	CHECK_OK(read("CREATE EXTERNAL TABLE `awsdatacatalog`.`shop`.`my events`\n"
		      "        (`id` bigint, `we``ird` string COMMENT 'x\\'s', `amount` decimal(12,3),"
		      " `at` timestamp, `ok` boolean)\n"
		      "        PARTITIONED BY (`dt` string)\n"
		      "        STORED AS PARQUET\n"
		      "        LOCATION 's3://bucket/shop/my events/'\n"
		      "        TBLPROPERTIES ('parquet.compression'='SNAPPY');",
		      &st, &err),
		 &err);
	CHECK_INT(st.kind, LL_SQL_CREATE_EXTERNAL_TABLE);
	CHECK_STR(st.database, "shop");
	CHECK_STR(st.table, "my events");
	CHECK_INT(st.ncolumns, 5);
	if (st.ncolumns == 5) {
		CHECK_STR(st.columns[1].name, "we`ird");
		CHECK_STR(st.columns[1].comment, "x's");
		CHECK_STR(st.columns[2].type, "decimal(12,3)");
		CHECK_INT(st.columns[2].data_type, LL_TYPE_DECIMAL);
		CHECK_INT(st.columns[2].precision, 12);
		CHECK_INT(st.columns[2].scale, 3);
		CHECK_INT(st.columns[3].data_type, LL_TYPE_TIMESTAMP);
		CHECK_INT(st.columns[4].data_type, LL_TYPE_BOOL);
	}
	CHECK_INT(st.npartition_columns, 1);
	CHECK_STR(st.location, "s3://bucket/shop/my events/");
	CHECK_INT(st.nproperties, 1);
	if (st.nproperties == 1)
		CHECK_STR(st.properties[0].value, "SNAPPY");
	ll_sql_statement_free(&st);
}

static void test_rendered_ddl_reads_back(void)
{
	ll_schema *s;
	ll_table *t;
	ll_error err = { 0 };
	CHECK_OK(ll_schema_new("s", &s, &err), &err);
	CHECK_OK(ll_schema_add_table(s, "o'rders; x", NULL, &t, &err), &err);
	ll_column c = { .name = "created_at", .type = LL_TYPE_TIMESTAMP, .field_id = -1 };
	CHECK_OK(ll_table_add_column(t, &c, NULL, &err), &err);
	t->partition = calloc(1, sizeof(char *));
	t->partition[0] = strdup("day(created_at)");
	t->npartition = 1;
	ll_buf b = LL_BUF_INIT;
	CHECK_OK(ll_sql_render_create_iceberg("shop", t, "s3://b/it's\\here", &b, &err), &err);
	ll_sql_statement st;
	CHECK_OK(read(ll_buf_cstr(&b), &st, &err), &err);
	CHECK_INT(st.kind, LL_SQL_CREATE_ICEBERG_TABLE);
	CHECK_STR(st.table, "o'rders; x");
	CHECK_STR(st.location, "s3://b/it's\\here");
	CHECK_INT(st.ncolumns, 1);
	CHECK_INT(st.npartition, 1);
	if (st.npartition == 1)
		CHECK_STR(st.partition[0], "day(created_at)");
	ll_sql_statement_free(&st);
	ll_buf_free(&b);
	ll_schema_free(s);
}

static void test_iceberg_table(void)
{
	ll_sql_statement st;
	ll_error err;
	CHECK_OK(read("CREATE TABLE IF NOT EXISTS `shop`.`events` (`category` string, `created_at` "
		      "timestamp, `user_id` bigint) PARTITIONED BY (`category`, month(`created_at`), "
		      "bucket(16, `user_id`)) LOCATION 's3://b/shop/events' TBLPROPERTIES "
		      "('table_type'='ICEBERG', 'format'='parquet')",
		      &st, &err),
		 &err);
	CHECK_INT(st.kind, LL_SQL_CREATE_ICEBERG_TABLE);
	CHECK(st.if_not_exists);
	CHECK_INT(st.npartition, 3);
	if (st.npartition == 3) {
		CHECK_STR(st.partition[0], "category");
		CHECK_STR(st.partition[1], "month(created_at)");
		CHECK_STR(st.partition[2], "bucket(16, user_id)");
	}
	CHECK_INT(st.nproperties, 2);
	ll_sql_statement_free(&st);
}

static void test_small_statements(void)
{
	ll_sql_statement st;
	ll_error err;
	CHECK_OK(read("SHOW TABLES IN shop LIKE 'ev*'", &st, &err), &err);
	CHECK_INT(st.kind, LL_SQL_SHOW_TABLES);
	CHECK_STR(st.database, "shop");
	CHECK_STR(st.like, "ev*");
	ll_sql_statement_free(&st);

	CHECK_OK(read("show tables", &st, &err), &err);
	CHECK_STR(st.database, "dflt");
	CHECK(st.like == NULL);
	ll_sql_statement_free(&st);

	CHECK_OK(read("SHOW SCHEMAS", &st, &err), &err);
	CHECK_INT(st.kind, LL_SQL_SHOW_DATABASES);
	ll_sql_statement_free(&st);

	CHECK_OK(read("DESCRIBE events", &st, &err), &err);
	CHECK_INT(st.kind, LL_SQL_DESCRIBE);
	CHECK_STR(st.database, "dflt");
	CHECK_STR(st.table, "events");
	ll_sql_statement_free(&st);

	CHECK_OK(read("CREATE DATABASE `awsdatacatalog`.`shop` LOCATION 's3://b/shop'", &st, &err),
		 &err);
	CHECK_INT(st.kind, LL_SQL_CREATE_DATABASE);
	CHECK_STR(st.database, "shop");
	CHECK_STR(st.location, "s3://b/shop");
	ll_sql_statement_free(&st);

	CHECK_OK(read("CREATE SCHEMA IF NOT EXISTS shop", &st, &err), &err);
	CHECK(st.if_not_exists);
	ll_sql_statement_free(&st);

	CHECK_OK(read("DROP DATABASE `awsdatacatalog`.`shop` CASCADE", &st, &err), &err);
	CHECK_INT(st.kind, LL_SQL_DROP_DATABASE);
	CHECK(st.cascade);
	ll_sql_statement_free(&st);

	CHECK_OK(read("DROP TABLE IF EXISTS `awsdatacatalog`.`shop_staging`.`events`", &st, &err),
		 &err);
	CHECK_INT(st.kind, LL_SQL_DROP_TABLE);
	CHECK(st.if_exists);
	CHECK_STR(st.database, "shop_staging");
	ll_sql_statement_free(&st);

	CHECK_OK(read("ALTER TABLE `awsdatacatalog`.`shop`.`events` ADD COLUMNS (`n` double, `m` date)",
		      &st, &err),
		 &err);
	CHECK_INT(st.kind, LL_SQL_ALTER_ADD_COLUMNS);
	CHECK_INT(st.ncolumns, 2);
	ll_sql_statement_free(&st);
}

static void test_delete_and_insert(void)
{
	ll_sql_statement st;
	ll_error err;
	/* dlt's truncation of an Iceberg table */
	CHECK_OK(read("DELETE FROM \"awsdatacatalog\".\"shop\".\"events\" WHERE 1=1", &st, &err), &err);
	CHECK_INT(st.kind, LL_SQL_DELETE);
	CHECK_STR(st.database, "shop");
	CHECK_STR(st.sql, "1=1");
	ll_sql_statement_free(&st);

	CHECK_OK(read("DELETE FROM events WHERE created_at < timestamp '2024-01-01 00:00:00'", &st,
		      &err),
		 &err);
	CHECK_STR(st.sql, "created_at < '2024-01-01 00:00:00.000'");
	ll_sql_statement_free(&st);

	CHECK_OK(read("DELETE FROM shop.events", &st, &err), &err);
	CHECK(st.sql == NULL);
	ll_sql_statement_free(&st);

	/* dlt's bookkeeping rows */
	CHECK_OK(read("INSERT INTO \"shop\".\"_dlt_loads\"(load_id, schema_name, status, inserted_at)"
		      " VALUES('1', 'shop', 0, timestamp '2024-01-01 00:00:00.123456')",
		      &st, &err),
		 &err);
	CHECK_INT(st.kind, LL_SQL_INSERT);
	CHECK_STR(st.table, "_dlt_loads");
	CHECK_INT(st.ninsert_columns, 4);
	CHECK_STR(st.sql, "VALUES('1', 'shop', 0, '2024-01-01 00:00:00.123456')");
	ll_sql_statement_free(&st);

	CHECK_OK(read("INSERT INTO shop.t (SELECT * FROM staging)", &st, &err), &err);
	CHECK_INT(st.ninsert_columns, 0);
	CHECK_STR(st.sql, "(SELECT * FROM \"dflt\".staging)");
	ll_sql_statement_free(&st);
}

typedef struct ecase {
	const char *in;
	ll_status code;
	const char *message;
} ecase;

static const ecase errors[] = {
	{ "CREATE VIEW v AS SELECT 1", LL_EUNSUPPORTED, "line 1:8: CREATE VIEW is not supported" },
	{ "CREATE TABLE shop.t AS SELECT 1", LL_EUNSUPPORTED,
	  "line 1:21: CREATE TABLE AS SELECT is not supported" },
	{ "CREATE TABLE shop.t (a int) LOCATION 's3://x'", LL_EUNSUPPORTED,
	  "line 1:46: CREATE TABLE needs TBLPROPERTIES ('table_type'='ICEBERG')" },
	{ "CREATE EXTERNAL TABLE shop.t (a int) STORED AS ORC LOCATION 's3://x'", LL_EUNSUPPORTED,
	  "line 1:48: STORED AS ORC is not supported" },
	{ "CREATE EXTERNAL TABLE shop.t (a int) ROW FORMAT SERDE 'x' LOCATION 's3://x'",
	  LL_EUNSUPPORTED, "line 1:38: table clause ROW is not supported" },
	{ "CREATE EXTERNAL TABLE shop.t (a array<int>) STORED AS PARQUET LOCATION 's3://x'",
	  LL_EUNSUPPORTED, "line 1:33: column type array is not supported" },
	{ "CREATE EXTERNAL TABLE shop.t (a int) STORED AS PARQUET", LL_EINVAL,
	  "line 1:55: expected LOCATION" },
	{ "ALTER TABLE shop.t REPLACE COLUMNS (a int)", LL_EUNSUPPORTED,
	  "line 1:20: ALTER TABLE ... REPLACE is not supported" },
	{ "DESCRIBE hive.shop.t", LL_EUNSUPPORTED, "line 1:10: catalog hive is not supported" },
	{ "MERGE INTO shop.t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", LL_EUNSUPPORTED,
	  "line 1:1: statement MERGE is not supported" },
	{ "DROP TABLE shop.t extra", LL_EINVAL, "line 1:19: unexpected 'extra' after the statement" },
	{ "DELETE FROM shop.t WHERE regexp_like(a, 'x')", LL_EUNSUPPORTED,
	  "line 1:26: function regexp_like() is not supported" },
	{ "CREATE EXTERNAL TABLE shop.t (a int) STORED AS PARQUET LOCATION 's3://x", LL_EINVAL,
	  "line 1:65: unterminated string literal" },
	{ "  -- nothing\n", LL_EINVAL, "line 2:1: no statement" },
};

static void test_errors(void)
{
	ll_sql_context no_default = { 0 };
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		ll_sql_statement st;
		ll_error err = { 0 };
		CHECK_INT(ll_sql_read(errors[i].in, &no_default, &st, &err), errors[i].code);
		if (strncmp(err.message, errors[i].message, strlen(errors[i].message)) != 0) {
			fprintf(stderr, "%s:\n  got:  %s\n  want: %s...\n", errors[i].in, err.message,
				errors[i].message);
			ll_test_failures++;
		}
		ll_sql_statement_free(&st);
	}
	/* a bare table with no default database */
	ll_sql_statement st;
	ll_error err = { 0 };
	CHECK_INT(ll_sql_read("DROP TABLE t", &no_default, &st, &err), LL_EINVAL);
	CHECK_STR(err.message, "line 1:12: table t needs a database: write database.table");
	ll_sql_statement_free(&st);
}

LL_TEST_MAIN(LL_TEST(test_external_table), LL_TEST(test_rendered_ddl_reads_back),
	     LL_TEST(test_iceberg_table), LL_TEST(test_small_statements),
	     LL_TEST(test_delete_and_insert), LL_TEST(test_errors))
