/*
 * The JSON shapes of the Glue and Athena clients, with no server: Glue
 * tables parsed from documents modelled on the AWS API reference's GetTable
 * replies, the TableInput of lakeload's hive and Iceberg tables, request
 * documents, AWS error shapes and their statuses, endpoint resolution, and
 * Athena result pages turned into rows.
 */
#include <math.h>
#include <stdlib.h>

#include "aws/athena.h"
#include "aws/aws_json.h"
#include "aws/glue.h"
#include "aws_fixture.h"
#include "config/config.h"
#include "test.h"

static const char *member(const json_t *doc, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	const json_t *v = doc;
	for (char *save = NULL, *p = strtok_r(buf, ".", &save); p && v;
	     p = strtok_r(NULL, ".", &save)) {
		char *end;
		long i = strtol(p, &end, 10);
		v = *end == '\0' && json_is_array(v) ? json_array_get(v, (size_t)i)
						      : json_object_get(v, p);
	}
	return json_string_value(v);
}

static void test_parse_hive_table(void)
{
	json_t *doc = aws_fixture("glue_get_table_hive.json");
	ll_glue_table t;
	ll_glue_table_init(&t);
	ll_error err;
	CHECK_OK(ll_glue_table_parse(&t, json_object_get(doc, "Table"), &err), &err);
	CHECK_STR(t.name, "events");
	CHECK_STR(t.database, "shop");
	CHECK_STR(t.table_type, "EXTERNAL_TABLE");
	CHECK_STR(t.version_id, "3");
	CHECK_STR(t.catalog_id, "123456789012");
	CHECK_STR(t.storage.location, "s3://lake-bucket/shop/events");
	CHECK_STR(t.storage.serde_library, LL_GLUE_PARQUET_SERDE);
	CHECK_STR(t.storage.input_format, LL_GLUE_PARQUET_INPUT);
	CHECK_STR(ll_glue_params_get(&t.storage.serde_parameters, "serialization.format"), "1");
	CHECK_INT(t.storage.columns.count, 4);
	CHECK_STR(t.storage.columns.items[2].type, "decimal(38,9)");
	CHECK_STR(t.storage.columns.items[1].comment, "customer name");
	CHECK_INT(t.partition_keys.count, 1);
	CHECK_STR(t.partition_keys.items[0].name, "day");
	CHECK_STR(ll_glue_params_get(&t.parameters, "classification"), "parquet");
	CHECK(!ll_glue_table_is_iceberg(&t));
	CHECK_INT(ll_glue_table_set_metadata_location(&t, "s3://x/m.json", &err), LL_EINVAL);
	CHECK(strstr(err.message, "shop.events") != NULL);
	ll_glue_table_free(&t);
	json_decref(doc);
}

static void test_parse_iceberg_table(void)
{
	json_t *doc = aws_fixture("glue_get_table_iceberg.json");
	ll_glue_table t;
	ll_glue_table_init(&t);
	ll_error err;
	CHECK_OK(ll_glue_table_parse(&t, json_object_get(doc, "Table"), &err), &err);
	CHECK(ll_glue_table_is_iceberg(&t));
	CHECK_STR(ll_glue_params_get(&t.parameters, "metadata_location"),
		  "s3://lake-bucket/shop/orders/metadata/00002-9c3a.metadata.json");
	CHECK_STR(ll_glue_params_get(&t.storage.columns.items[1].parameters, "iceberg.field.id"),
		  "2");
	CHECK(t.storage.serde_library == NULL);
	CHECK_STR(t.version_id, "7");
	/* A commit moves the pointer and keeps the previous one. */
	ll_error_clear(&err);
	CHECK_OK(ll_glue_table_set_metadata_location(
			 &t, "s3://lake-bucket/shop/orders/metadata/00003-77aa.metadata.json", &err),
		 &err);
	json_t *in = ll_glue_table_input(&t);
	CHECK_STR(member(in, "Parameters.metadata_location"),
		  "s3://lake-bucket/shop/orders/metadata/00003-77aa.metadata.json");
	CHECK_STR(member(in, "Parameters.previous_metadata_location"),
		  "s3://lake-bucket/shop/orders/metadata/00002-9c3a.metadata.json");
	CHECK(json_object_get(in, "VersionId") == NULL);
	json_decref(in);
	ll_glue_table_free(&t);
	json_decref(doc);
}

/* A schema table with one column of every loadable type. */
static ll_table *sample_table(ll_column *cols, ll_table *t)
{
	static const struct {
		const char *name;
		ll_data_type type;
		int p, s;
	} defs[] = {
		{ "id", LL_TYPE_BIGINT, 0, 0 },	    { "name", LL_TYPE_TEXT, 0, 0 },
		{ "score", LL_TYPE_DOUBLE, 0, 0 },  { "ok", LL_TYPE_BOOL, 0, 0 },
		{ "at", LL_TYPE_TIMESTAMP, 0, 0 },  { "day", LL_TYPE_DATE, 0, 0 },
		{ "price", LL_TYPE_DECIMAL, 10, 2 }, { "amount", LL_TYPE_DECIMAL, 0, 0 },
		{ "raw", LL_TYPE_BINARY, 0, 0 },    { "doc", LL_TYPE_JSON, 0, 0 },
	};
	for (size_t i = 0; i < 10; i++)
		cols[i] = (ll_column){ .name = (char *)defs[i].name, .type = defs[i].type,
				       .precision = defs[i].p, .scale = defs[i].s,
				       .nullable = i != 0, .field_id = (int32_t)i + 1 };
	*t = (ll_table){ .name = "events", .columns = cols, .ncolumns = 10 };
	return t;
}

static void test_hive_table_input(void)
{
	ll_column cols[10];
	ll_table st;
	ll_glue_table t;
	ll_glue_table_init(&t);
	ll_error err;
	CHECK_OK(ll_glue_table_hive(&t, "shop", sample_table(cols, &st), "s3://b/lake/shop/events",
				    &err),
		 &err);
	json_t *in = ll_glue_table_input(&t);
	CHECK_STR(member(in, "Name"), "events");
	CHECK_STR(member(in, "TableType"), "EXTERNAL_TABLE");
	CHECK_STR(member(in, "Parameters.EXTERNAL"), "TRUE");
	CHECK_STR(member(in, "Parameters.classification"), "parquet");
	CHECK_STR(member(in, "StorageDescriptor.Location"), "s3://b/lake/shop/events/");
	CHECK_STR(member(in, "StorageDescriptor.SerdeInfo.SerializationLibrary"),
		  "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
	CHECK_STR(member(in, "StorageDescriptor.InputFormat"),
		  "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
	CHECK_STR(member(in, "StorageDescriptor.OutputFormat"),
		  "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat");
	static const char *const types[] = { "bigint", "string",  "double",	    "boolean",
					     "timestamp", "date", "decimal(10,2)", "decimal(38,9)",
					     "binary", "string" };
	for (size_t i = 0; i < 10; i++) {
		char path[64];
		snprintf(path, sizeof(path), "StorageDescriptor.Columns.%zu.Type", i);
		CHECK_STR(member(in, path), types[i]);
	}
	CHECK(json_object_get(json_array_get(json_object_get(json_object_get(in, "StorageDescriptor"),
							     "Columns"),
					     0),
			      "Parameters") == NULL);
	/* The same document reads back as the same table. */
	ll_glue_table back;
	ll_glue_table_init(&back);
	json_object_set_new(in, "DatabaseName", json_string("shop"));
	CHECK_OK(ll_glue_table_parse(&back, in, &err), &err);
	CHECK_INT(back.storage.columns.count, 10);
	CHECK_STR(back.storage.columns.items[6].type, "decimal(10,2)");
	CHECK_STR(back.storage.serde_library, LL_GLUE_PARQUET_SERDE);
	ll_glue_table_free(&back);
	json_decref(in);
	ll_glue_table_free(&t);
}

static void test_time_column_refused(void)
{
	ll_column col = { .name = "opens_at", .type = LL_TYPE_TIME };
	ll_table st = { .name = "shops", .columns = &col, .ncolumns = 1 };
	ll_glue_table t;
	ll_glue_table_init(&t);
	ll_error err;
	ll_error_clear(&err);
	CHECK_INT(ll_glue_table_hive(&t, "shop", &st, "s3://b/shops", &err), LL_EUNSUPPORTED);
	CHECK(strstr(err.message, "opens_at") != NULL);
	CHECK_STR(err.table, "shops");
	ll_glue_table_free(&t);
}

static void test_iceberg_table_input(void)
{
	ll_column cols[10];
	ll_table st;
	ll_glue_table t;
	ll_glue_table_init(&t);
	ll_error err;
	CHECK_OK(ll_glue_table_iceberg(&t, "shop", sample_table(cols, &st), "s3://b/shop/events",
				       "s3://b/shop/events/metadata/00002-b.metadata.json",
				       "s3://b/shop/events/metadata/00001-a.metadata.json", &err),
		 &err);
	json_t *in = ll_glue_table_input(&t);
	CHECK_STR(member(in, "TableType"), "EXTERNAL_TABLE");
	CHECK_STR(member(in, "Parameters.table_type"), "ICEBERG");
	CHECK_STR(member(in, "Parameters.metadata_location"),
		  "s3://b/shop/events/metadata/00002-b.metadata.json");
	CHECK_STR(member(in, "Parameters.previous_metadata_location"),
		  "s3://b/shop/events/metadata/00001-a.metadata.json");
	CHECK_STR(member(in, "StorageDescriptor.Location"), "s3://b/shop/events");
	const json_t *p0 = json_object_get(
		json_array_get(json_object_get(json_object_get(in, "StorageDescriptor"), "Columns"),
			       0),
		"Parameters");
	CHECK_STR(json_string_value(json_object_get(p0, "iceberg.field.id")), "1");
	CHECK_STR(json_string_value(json_object_get(p0, "iceberg.field.optional")), "false");
	CHECK_STR(json_string_value(json_object_get(p0, "iceberg.field.current")), "true");
	CHECK(json_object_get(json_object_get(in, "StorageDescriptor"), "SerdeInfo") == NULL);
	json_decref(in);
	ll_glue_table_free(&t);

	/* A new table has no previous metadata. */
	ll_glue_table_init(&t);
	CHECK_OK(ll_glue_table_iceberg(&t, "shop", &st, "s3://b/shop/events",
				       "s3://b/shop/events/metadata/00000-a.metadata.json", NULL,
				       &err),
		 &err);
	CHECK(ll_glue_params_get(&t.parameters, "previous_metadata_location") == NULL);
	CHECK(ll_glue_table_is_iceberg(&t));
	ll_glue_table_free(&t);
}

static void test_requests(void)
{
	ll_glue_table t;
	ll_glue_table_init(&t);
	t.database = "shop";
	t.name = "events";
	json_t *req = ll_glue_update_table_request("123456789012", &t, "41");
	CHECK_STR(member(req, "VersionId"), "41");
	CHECK_STR(member(req, "CatalogId"), "123456789012");
	CHECK_STR(member(req, "DatabaseName"), "shop");
	CHECK_STR(member(req, "TableInput.Name"), "events");
	json_decref(req);
	req = ll_glue_get_table_request(NULL, "shop", "events");
	CHECK(json_object_get(req, "CatalogId") == NULL);
	CHECK_STR(member(req, "Name"), "events");
	json_decref(req);
	ll_glue_table_free(&t);
}

static void test_catalog_id(void)
{
	const char *id = "x";
	CHECK(ll_glue_catalog_id_for(NULL, &id) && id == NULL);
	CHECK(ll_glue_catalog_id_for("AwsDataCatalog", &id) && id == NULL);
	CHECK(ll_glue_catalog_id_for("123456789012", &id));
	CHECK_STR(id, "123456789012");
	CHECK(!ll_glue_catalog_id_for("my_lambda_catalog", &id));
}

static void test_parse_rejects(void)
{
	static const char *const bad[] = {
		"[]",
		"{}",
		"{\"Name\": 3}",
		"{\"Name\": \"t\", \"Parameters\": []}",
		"{\"Name\": \"t\", \"Parameters\": {\"a\": 1}}",
		"{\"Name\": \"t\", \"StorageDescriptor\": {\"Columns\": {}}}",
		"{\"Name\": \"t\", \"StorageDescriptor\": {\"Columns\": [{\"Type\": \"int\"}]}}",
		"{\"Name\": \"t\", \"StorageDescriptor\": {\"SerdeInfo\": \"x\"}}",
		"{\"Name\": \"t\", \"PartitionKeys\": [7]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *doc = json_loads(bad[i], 0, NULL);
		ll_glue_table t;
		ll_glue_table_init(&t);
		ll_error err;
		ll_error_clear(&err);
		CHECK_INT(ll_glue_table_parse(&t, doc, &err), LL_EFORMAT);
		CHECK(strstr(err.message, "Glue table") != NULL);
		ll_glue_table_free(&t);
		json_decref(doc);
	}
}

static void test_error_shapes(void)
{
	char code[64], msg[256];
	const char *e1 = "{\"__type\":\"com.amazonaws.glue#EntityNotFoundException:"
			 "http://internal.amazon.com/\",\"Message\":\"Table events not found.\"}";
	CHECK(ll_aws_json_parse_error(e1, strlen(e1), NULL, code, sizeof(code), msg, sizeof(msg)));
	CHECK_STR(code, "EntityNotFoundException");
	CHECK_STR(msg, "Table events not found.");
	const char *e2 = "{\"__type\":\"InvalidRequestException\",\"message\":\"bad query\"}";
	CHECK(ll_aws_json_parse_error(e2, strlen(e2), NULL, code, sizeof(code), msg, sizeof(msg)));
	CHECK_STR(code, "InvalidRequestException");
	CHECK_STR(msg, "bad query");
	const char *e3 = "<html>gateway</html>";
	CHECK(ll_aws_json_parse_error(e3, strlen(e3), "ThrottlingException:http://x", code,
				      sizeof(code), msg, sizeof(msg)));
	CHECK_STR(code, "ThrottlingException");
	CHECK(!ll_aws_json_parse_error(e3, strlen(e3), NULL, code, sizeof(code), msg, sizeof(msg)));

	CHECK_INT(ll_aws_json_status_for("EntityNotFoundException", 400), LL_ENOTFOUND);
	CHECK_INT(ll_aws_json_status_for("ConcurrentModificationException", 400), LL_ECONFLICT);
	CHECK_INT(ll_aws_json_status_for("AlreadyExistsException", 400), LL_ECONFLICT);
	CHECK_INT(ll_aws_json_status_for("AccessDeniedException", 400), LL_EAUTH);
	CHECK_INT(ll_aws_json_status_for("UnrecognizedClientException", 400), LL_EAUTH);
	CHECK_INT(ll_aws_json_status_for("InvalidInputException", 400), LL_EINVAL);
	CHECK_INT(ll_aws_json_status_for("", 403), LL_EAUTH);
	CHECK_INT(ll_aws_json_status_for("InternalServiceException", 500), LL_EIO);
	CHECK(ll_aws_json_retryable("ThrottlingException", 400));
	CHECK(ll_aws_json_retryable("TooManyRequestsException", 400));
	CHECK(ll_aws_json_retryable("", 429));
	CHECK(ll_aws_json_retryable("", 503));
	CHECK(!ll_aws_json_retryable("AccessDeniedException", 400));
	CHECK(!ll_aws_json_retryable("EntityNotFoundException", 400));
}

static void test_endpoint_resolution(void)
{
	aws_clear_endpoint_env();
	ll_buf b = LL_BUF_INIT;
	const char *origin;
	ll_aws_resolve_endpoint(LL_AWS_GLUE, NULL, "eu-central-1", &b, &origin);
	CHECK_STR(ll_buf_cstr(&b), "https://glue.eu-central-1.amazonaws.com");
	CHECK_STR(origin, "default");
	ll_buf_clear(&b);
	ll_aws_resolve_endpoint(LL_AWS_ATHENA, NULL, NULL, &b, NULL);
	CHECK_STR(ll_buf_cstr(&b), "https://athena.us-east-1.amazonaws.com");
	ll_buf_clear(&b);
	ll_aws_resolve_endpoint(LL_AWS_ATHENA, "http://127.0.0.1:4566/", "eu-west-1", &b, &origin);
	CHECK_STR(ll_buf_cstr(&b), "http://127.0.0.1:4566");
	CHECK_STR(origin, "endpoint_url");
	setenv("AWS_ENDPOINT_URL", "http://generic:1", 1);
	ll_buf_clear(&b);
	ll_aws_resolve_endpoint(LL_AWS_GLUE, "http://configured:2", NULL, &b, &origin);
	CHECK_STR(ll_buf_cstr(&b), "http://generic:1");
	CHECK_STR(origin, "env AWS_ENDPOINT_URL");
	setenv("AWS_ENDPOINT_URL_GLUE", "http://glue-only:3", 1);
	ll_buf_clear(&b);
	ll_aws_resolve_endpoint(LL_AWS_GLUE, "http://configured:2", NULL, &b, &origin);
	CHECK_STR(ll_buf_cstr(&b), "http://glue-only:3");
	CHECK_STR(origin, "env AWS_ENDPOINT_URL_GLUE");
	ll_buf_clear(&b);
	ll_aws_resolve_endpoint(LL_AWS_ATHENA, "http://configured:2", NULL, &b, NULL);
	CHECK_STR(ll_buf_cstr(&b), "http://generic:1");
	aws_clear_endpoint_env();
	ll_buf_free(&b);

	/* A malformed endpoint or one with a password fails at open, unrepeated. */
	ll_aws_json_config cfg;
	ll_aws_json_config_init(&cfg, LL_AWS_GLUE);
	cfg.access_key_id = AWS_TEST_KEY_ID;
	cfg.secret_access_key = AWS_TEST_SECRET;
	cfg.endpoint_url = "http://user:hunter2@host:1";
	ll_aws_json_client *c;
	ll_error err;
	CHECK_INT(ll_aws_json_open(&c, &cfg, &err), LL_EINVAL);
	CHECK(strstr(err.message, "hunter2") == NULL);
	cfg.endpoint_url = "ftp://host";
	CHECK_INT(ll_aws_json_open(&c, &cfg, &err), LL_EINVAL);
	cfg.endpoint_url = NULL;
	cfg.secret_access_key = NULL;
	CHECK_INT(ll_aws_json_open(&c, &cfg, &err), LL_EAUTH);
}

static void test_config_from_lake(void)
{
	char dir[512], path[600];
	ll_test_tmpdir("aws_config_from_lake", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/config.toml", dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "[destination.athena.credentials]\n"
		   "aws_access_key_id = \"" AWS_TEST_KEY_ID "\"\n"
		   "aws_secret_access_key = \"" AWS_TEST_SECRET "\"\n"
		   "region_name = \"eu-north-1\"\n");
	fclose(f);
	aws_clear_endpoint_env();
	/* An S3-only endpoint must not send Glue calls to the S3 store. */
	setenv("AWS_ENDPOINT_URL_S3", "http://s3-only:9000", 1);
	ll_config *conf = NULL;
	ll_error err;
	CHECK_OK(ll_config_load(&conf, dir, NULL, NULL, &err), &err);
	ll_s3_options s3;
	const char *lake;
	bool use_s3;
	CHECK_OK(ll_config_resolve_lake(conf, "s3://bucket/lake", &lake, &s3, &use_s3, &err), &err);
	CHECK_STR(s3.endpoint_url, "http://s3-only:9000");
	ll_aws_json_config cfg;
	ll_aws_json_config_init(&cfg, LL_AWS_GLUE);
	ll_aws_json_config_from_lake(&cfg, conf, &s3);
	CHECK(cfg.endpoint_url == NULL);
	CHECK_STR(cfg.region, "eu-north-1");
	CHECK_STR(cfg.access_key_id, AWS_TEST_KEY_ID);
	ll_aws_json_client *c = NULL;
	CHECK_OK(ll_aws_json_open(&c, &cfg, &err), &err);
	CHECK_STR(ll_aws_json_endpoint(c), "https://glue.eu-north-1.amazonaws.com/");
	ll_aws_json_free(c);

	/* A configured endpoint_url serves Glue too. */
	CHECK_OK(ll_config_set(conf, "destination.athena.credentials.endpoint_url",
			       "http://127.0.0.1:4566", "flag --endpoint-url", &err),
		 &err);
	ll_aws_json_config_from_lake(&cfg, conf, &s3);
	CHECK_STR(cfg.endpoint_url, "http://127.0.0.1:4566");
	unsetenv("AWS_ENDPOINT_URL_S3");
	ll_config_free(conf);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);
}

typedef struct captured {
	size_t rows;
	char text[8][8][64];
	ll_cell_kind kind[8][8];
	int64_t ints[8][8];
	double reals[8][8];
	size_t ncols;
	char names[8][32];
} captured;

static int capture(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	captured *c = user;
	c->ncols = ncols;
	for (size_t i = 0; i < ncols && i < 8; i++) {
		snprintf(c->names[i], sizeof(c->names[i]), "%s", names[i]);
		c->kind[c->rows][i] = cells[i].kind;
		c->ints[c->rows][i] = cells[i].i;
		c->reals[c->rows][i] = cells[i].d;
		if (cells[i].kind == LL_CELL_TEXT || cells[i].kind == LL_CELL_BLOB)
			snprintf(c->text[c->rows][i], sizeof(c->text[0][0]), "%.*s",
				 (int)cells[i].len, cells[i].s);
	}
	c->rows++;
	return c->rows >= 8;
}

static void test_athena_rows(void)
{
	json_t *page = aws_fixture("athena_get_query_results.json");
	ll_athena_rows r;
	ll_athena_rows_init(&r, true);
	captured cap = { 0 };
	bool stop;
	ll_error err;
	CHECK_OK(ll_athena_rows_page(&r, page, capture, &cap, &stop, &err), &err);
	CHECK_INT(cap.rows, 2); /* the header row is dropped */
	CHECK_INT(cap.ncols, 7);
	CHECK_STR(cap.names[2], "avg_price");
	CHECK_INT(cap.kind[0][0], LL_CELL_TEXT);
	CHECK_STR(cap.text[0][0], "books");
	CHECK_INT(cap.kind[0][1], LL_CELL_INT);
	CHECK_INT(cap.ints[0][1], 12);
	CHECK_INT(cap.kind[0][2], LL_CELL_REAL);
	CHECK(cap.reals[0][2] == 9.5);
	CHECK_INT(cap.kind[0][3], LL_CELL_INT);
	CHECK_INT(cap.ints[0][3], 1);
	CHECK_INT(cap.kind[0][4], LL_CELL_TEXT); /* decimals stay exact */
	CHECK_STR(cap.text[0][4], "114.000000000");
	CHECK_INT(cap.kind[0][5], LL_CELL_BLOB);
	CHECK_STR(cap.text[0][5], "Hi");
	CHECK_STR(cap.text[0][6], "2024-05-01");
	CHECK_INT(cap.kind[1][0], LL_CELL_NULL);
	CHECK_INT(cap.ints[1][1], -3);
	CHECK(isnan(cap.reals[1][2]));
	CHECK_INT(cap.ints[1][3], 0);
	CHECK_INT(cap.kind[1][5], LL_CELL_NULL);

	/* The next page has no header: its first row is data. */
	json_t *rows = json_object_get(json_object_get(page, "ResultSet"), "Rows");
	CHECK_OK(ll_athena_rows_page(&r, page, capture, &cap, &stop, &err), &err);
	CHECK_INT(cap.rows, 5);
	CHECK_STR(cap.text[2][0], "category");

	/* A row that does not match ColumnInfo is malformed, not a crash. */
	json_array_append_new(rows, json_loads("{\"Data\": [{}]}", 0, NULL));
	captured more = { 0 };
	CHECK_INT(ll_athena_rows_page(&r, page, capture, &more, &stop, &err), LL_EFORMAT);
	CHECK_INT(more.rows, 3);
	ll_athena_rows_free(&r);

	/* Without skip_header (DDL output) the first row is kept. */
	ll_athena_rows_init(&r, false);
	captured all = { 0 };
	json_array_remove(rows, json_array_size(rows) - 1);
	CHECK_OK(ll_athena_rows_page(&r, page, capture, &all, &stop, &err), &err);
	CHECK_INT(all.rows, 3);
	ll_athena_rows_free(&r);
	json_decref(page);

	CHECK_INT(ll_athena_cell_kind("integer"), LL_CELL_INT);
	CHECK_INT(ll_athena_cell_kind("real"), LL_CELL_REAL);
	CHECK_INT(ll_athena_cell_kind("timestamp"), LL_CELL_TEXT);
	CHECK_INT(ll_athena_cell_kind("array"), LL_CELL_TEXT);
}

LL_TEST_MAIN(LL_TEST(test_parse_hive_table), LL_TEST(test_parse_iceberg_table),
	     LL_TEST(test_hive_table_input), LL_TEST(test_time_column_refused),
	     LL_TEST(test_iceberg_table_input), LL_TEST(test_requests), LL_TEST(test_catalog_id),
	     LL_TEST(test_parse_rejects), LL_TEST(test_error_shapes),
	     LL_TEST(test_endpoint_resolution), LL_TEST(test_config_from_lake),
	     LL_TEST(test_athena_rows))
