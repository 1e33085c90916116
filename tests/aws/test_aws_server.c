/*
 * The Glue and Athena clients against a scripted endpoint on 127.0.0.1
 * (aws_server.py under /usr/bin/python3): what they send (X-Amz-Target,
 * content type, the SigV4 credential scope, the session token, the request
 * documents, paging tokens, an idempotency token kept across retries), how
 * they retry (throttling, 500, a stalled reply) and how AWS errors become
 * statuses and messages that name the action and resource and never a
 * secret. Athena rows go through the engine's CSV printer as a user sees
 * them.
 */
#include <stdlib.h>
#include <unistd.h>

#include "aws/athena.h"
#include "aws/glue.h"
#include "aws_fixture.h"
#include "engine/result_print.h"
#include "test.h"
#include "util/log.h"

static aws_proc server;
static char endpoint[64];
static ll_buf log_text = LL_BUF_INIT;

static void collect_log(void *user, ll_log_level level, const char *msg)
{
	(void)user;
	(void)level;
	ll_buf_printf(&log_text, "%s\n", msg);
}

static const ll_logger logger = { collect_log, NULL, LL_LOG_DEBUG };

static void script(const char *replies)
{
	aws_script(&server, replies);
}

static json_t *received(void)
{
	return aws_received(&server);
}

static const char *header(const json_t *req, const char *name)
{
	return json_string_value(json_object_get(json_object_get(req, "headers"), name));
}

static const json_t *body(const json_t *req)
{
	return json_object_get(req, "body");
}

static void check_no_secret(const char *text)
{
	CHECK(strstr(text, AWS_TEST_SECRET) == NULL);
	CHECK(strstr(text, AWS_TEST_TOKEN) == NULL);
}

/* Checks the protocol headers and the signature's credential scope. */
static void check_signed(const json_t *req, const char *target, const char *service)
{
	CHECK_STR(header(req, "x-amz-target"), target);
	CHECK_STR(header(req, "content-type"), "application/x-amz-json-1.1");
	CHECK_STR(header(req, "x-amz-security-token"), AWS_TEST_TOKEN);
	const char *auth = header(req, "authorization");
	char scope[128];
	snprintf(scope, sizeof(scope), "/eu-west-1/%s/aws4_request", service);
	CHECK(auth && strncmp(auth, "AWS4-HMAC-SHA256 Credential=" AWS_TEST_KEY_ID "/", 45) == 0);
	CHECK(auth && strstr(auth, scope) != NULL);
	CHECK(auth && strstr(auth, "x-amz-target") != NULL);
	CHECK(auth && strstr(auth, AWS_TEST_SECRET) == NULL);
}

static ll_glue *open_glue(const char *catalog_id)
{
	ll_aws_json_config cfg;
	char ep[64];
	aws_test_config(&cfg, LL_AWS_GLUE, ep, sizeof(ep), server.port);
	cfg.logger = &logger;
	ll_glue *g = NULL;
	ll_error err;
	CHECK_OK(ll_glue_open(&g, &cfg, catalog_id, &err), &err);
	return g;
}

static ll_athena *open_athena(const char *output_location)
{
	ll_athena_config cfg;
	ll_athena_config_init(&cfg);
	char ep[64];
	aws_test_config(&cfg.aws, LL_AWS_ATHENA, ep, sizeof(ep), server.port);
	cfg.aws.logger = &logger;
	cfg.output_location = output_location;
	cfg.work_group = "analysts";
	cfg.poll_initial_ms = 5;
	cfg.poll_max_ms = 20;
	ll_athena *a = NULL;
	ll_error err;
	CHECK_OK(ll_athena_open(&a, &cfg, &err), &err);
	return a;
}

static void test_throttled_then_success(void)
{
	json_t *table = aws_fixture("glue_get_table_hive.json");
	json_t *steps = json_pack("[{s:i,s:{s:s,s:s}},{s:O}]", "status", 400, "body", "__type",
				  "ThrottlingException", "message", "Rate exceeded", "body", table);
	char *text = json_dumps(steps, JSON_COMPACT);
	script(text);
	free(text);
	json_decref(steps);
	json_decref(table);

	ll_glue *g = open_glue(NULL);
	ll_glue_table t;
	ll_glue_table_init(&t);
	ll_error err;
	CHECK_OK(ll_glue_get_table(g, "shop", "events", &t, &err), &err);
	CHECK_STR(t.version_id, "3");
	CHECK_STR(t.storage.location, "s3://lake-bucket/shop/events");
	ll_glue_table_free(&t);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 2);
	for (size_t i = 0; i < json_array_size(reqs); i++) {
		const json_t *r = json_array_get(reqs, i);
		check_signed(r, "AWSGlue.GetTable", "glue");
		CHECK_STR(json_string_value(json_object_get(body(r), "DatabaseName")), "shop");
		CHECK_STR(json_string_value(json_object_get(body(r), "Name")), "events");
		CHECK(json_object_get(body(r), "CatalogId") == NULL);
	}
	CHECK(strstr(ll_buf_cstr(&log_text), "ThrottlingException") != NULL);
	check_no_secret(ll_buf_cstr(&log_text));
	json_decref(reqs);
	ll_glue_free(g);
}

/* Hands out a new key id per request, as a provider renewing temporary credentials would. */
static ll_status rotating_credentials(void *user, ll_buf *key, ll_buf *secret, ll_buf *token,
				      ll_error *err)
{
	int *calls = user;
	(void)err;
	ll_buf_printf(key, "ASIAROTATING%08d", ++*calls);
	ll_buf_puts(secret, AWS_TEST_SECRET);
	ll_buf_puts(token, AWS_TEST_TOKEN);
	return LL_OK;
}

static void test_credentials_asked_per_request(void)
{
	json_t *table = aws_fixture("glue_get_table_hive.json");
	json_t *steps = json_pack("[{s:O},{s:O}]", "body", table, "body", table);
	char *text = json_dumps(steps, JSON_COMPACT);
	script(text);
	free(text);
	json_decref(steps);
	json_decref(table);

	ll_aws_json_config cfg;
	char ep[64];
	aws_test_config(&cfg, LL_AWS_GLUE, ep, sizeof(ep), server.port);
	cfg.access_key_id = cfg.secret_access_key = cfg.session_token = NULL;
	int calls = 0;
	cfg.credentials = rotating_credentials;
	cfg.credentials_user = &calls;
	ll_glue *g = NULL;
	ll_error err;
	CHECK_OK(ll_glue_open(&g, &cfg, NULL, &err), &err);
	for (int i = 0; i < 2; i++) {
		ll_glue_table t;
		ll_glue_table_init(&t);
		CHECK_OK(ll_glue_get_table(g, "shop", "events", &t, &err), &err);
		ll_glue_table_free(&t);
	}
	CHECK_INT(calls, 2);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 2);
	for (size_t i = 0; i < json_array_size(reqs); i++) {
		const char *auth = header(json_array_get(reqs, i), "authorization");
		char want[64];
		snprintf(want, sizeof(want), "Credential=ASIAROTATING%08d/", (int)i + 1);
		CHECK(auth && strstr(auth, want) != NULL);
		CHECK_STR(header(json_array_get(reqs, i), "x-amz-security-token"), AWS_TEST_TOKEN);
	}
	json_decref(reqs);
	ll_glue_free(g);
}

static void test_server_error_gives_up(void)
{
	script("[{\"status\": 500, \"body\": {\"__type\": \"InternalServiceException\", "
	       "\"message\": \"boom\"}}, {\"status\": 500, \"raw\": \"<html>oops</html>\"}, "
	       "{\"status\": 503, \"raw\": \"\"}, {\"status\": 500, \"raw\": \"\"}]");
	ll_glue *g = open_glue(NULL);
	ll_error err;
	CHECK_INT(ll_glue_delete_table(g, "shop", "events", &err), LL_EIO);
	CHECK(strstr(err.message, "DeleteTable") != NULL);
	CHECK(strstr(err.message, "database shop, table events") != NULL);
	CHECK(strstr(err.message, "gave up after 4 attempts") != NULL);
	check_no_secret(err.message);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 4);
	json_decref(reqs);
	ll_glue_free(g);
}

static void test_access_denied(void)
{
	script("[{\"status\": 400, \"body\": {\"__type\": \"AccessDeniedException\", \"Message\": "
	       "\"User: arn:aws:iam::123456789012:user/loader is not authorized to perform: "
	       "glue:UpdateTable on resource: arn:aws:glue:eu-west-1:123456789012:table/shop/events\"}}]");
	ll_glue *g = open_glue(NULL);
	ll_glue_table t;
	ll_glue_table_init(&t);
	t.database = "shop";
	t.name = "events";
	ll_error err;
	CHECK_INT(ll_glue_update_table(g, &t, "3", &err), LL_EAUTH);
	CHECK(strstr(err.message, "UpdateTable") != NULL);
	CHECK(strstr(err.message, "database shop, table events") != NULL);
	CHECK(strstr(err.message, "AccessDeniedException") != NULL);
	CHECK(strstr(err.message, "not authorized to perform") != NULL);
	CHECK(strstr(err.message, "IAM policy") != NULL);
	check_no_secret(err.message);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 1); /* not retried */
	json_decref(reqs);
	ll_glue_table_free(&t);
	ll_glue_free(g);
}

static void test_stale_version_conflicts(void)
{
	script("[{\"status\": 400, \"body\": {\"__type\": \"ConcurrentModificationException\", "
	       "\"message\": \"Update table failed due to concurrent modifications.\"}}]");
	ll_glue *g = open_glue("123456789012");
	ll_column col = { .name = "id", .type = LL_TYPE_BIGINT };
	ll_table st = { .name = "events", .columns = &col, .ncolumns = 1 };
	ll_glue_table t;
	ll_glue_table_init(&t);
	ll_error err;
	CHECK_OK(ll_glue_table_iceberg(&t, "shop", &st, "s3://b/shop/events",
				       "s3://b/shop/events/metadata/00002-b.metadata.json",
				       "s3://b/shop/events/metadata/00001-a.metadata.json", &err),
		 &err);
	CHECK_INT(ll_glue_update_table(g, &t, "6", &err), LL_ECONFLICT);
	CHECK(strstr(err.message, "version 6") != NULL);
	CHECK_STR(ll_aws_json_error_code(ll_glue_client(g)), "ConcurrentModificationException");
	CHECK(!ll_glue_already_exists(g));
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 1);
	const json_t *b = body(json_array_get(reqs, 0));
	CHECK_STR(json_string_value(json_object_get(b, "VersionId")), "6");
	CHECK_STR(json_string_value(json_object_get(b, "CatalogId")), "123456789012");
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(json_object_get(b, "TableInput"), "Parameters"),
			  "table_type")),
		  "ICEBERG");
	json_decref(reqs);
	ll_glue_table_free(&t);
	ll_glue_free(g);
}

static void test_already_exists(void)
{
	const char *exists = "{\"status\": 400, \"body\": {\"__type\": \"AlreadyExistsException\", "
			     "\"message\": \"Database already exists.\"}}";
	char replies[512];
	snprintf(replies, sizeof(replies), "[%s, %s, {\"status\": 200, \"body\": {}}]", exists,
		 exists);
	script(replies);
	ll_glue *g = open_glue(NULL);
	ll_error err;
	bool created = true;
	CHECK_OK(ll_glue_create_database(g, "shop", NULL, NULL, &created, &err), &err);
	CHECK(!created);
	ll_column col = { .name = "id", .type = LL_TYPE_BIGINT };
	ll_table st = { .name = "events", .columns = &col, .ncolumns = 1 };
	ll_glue_table t;
	ll_glue_table_init(&t);
	CHECK_OK(ll_glue_table_hive(&t, "shop", &st, "s3://b/shop/events", &err), &err);
	CHECK_INT(ll_glue_create_table(g, &t, &err), LL_ECONFLICT);
	CHECK(ll_glue_already_exists(g));
	CHECK_OK(ll_glue_create_database(g, "other", "d", "s3://b/other", &created, &err), &err);
	CHECK(created);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 3);
	check_signed(json_array_get(reqs, 1), "AWSGlue.CreateTable", "glue");
	const json_t *in = json_object_get(body(json_array_get(reqs, 2)), "DatabaseInput");
	CHECK_STR(json_string_value(json_object_get(in, "LocationUri")), "s3://b/other");
	json_decref(reqs);
	ll_glue_table_free(&t);
	ll_glue_free(g);
}

static int count_tables(void *user, const ll_glue_table *t)
{
	(void)t;
	(*(int *)user)++;
	return 0;
}

static void test_get_tables_pages(void)
{
	script("[{\"body\": {\"TableList\": [{\"Name\": \"a\", \"DatabaseName\": \"shop\"}, "
	       "{\"Name\": \"b\", \"DatabaseName\": \"shop\"}], \"NextToken\": \"page-2\"}}, "
	       "{\"body\": {\"TableList\": [{\"Name\": \"c\", \"DatabaseName\": \"shop\"}]}}]");
	ll_glue *g = open_glue(NULL);
	int n = 0;
	ll_error err;
	CHECK_OK(ll_glue_get_tables(g, "shop", NULL, count_tables, &n, &err), &err);
	CHECK_INT(n, 3);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 2);
	CHECK(json_object_get(body(json_array_get(reqs, 0)), "NextToken") == NULL);
	CHECK_STR(json_string_value(json_object_get(body(json_array_get(reqs, 1)), "NextToken")),
		  "page-2");
	json_decref(reqs);
	ll_glue_free(g);
}

static int collect_database(void *user, const ll_glue_database *db)
{
	ll_buf_printf(user, "%s=%s;", db->name, db->location_uri ? db->location_uri : "");
	return 0;
}

static void test_get_databases_pages(void)
{
	script("[{\"body\": {\"DatabaseList\": [{\"Name\": \"shop\", \"LocationUri\": "
	       "\"s3://b/shop\"}], \"NextToken\": \"n2\"}}, "
	       "{\"body\": {\"DatabaseList\": [{\"Name\": \"crm\"}], \"NextToken\": \"\"}}]");
	ll_glue *g = open_glue("123456789012");
	ll_buf names = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(ll_glue_get_databases(g, collect_database, &names, &err), &err);
	CHECK_STR(ll_buf_cstr(&names), "shop=s3://b/shop;crm=;");
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 2);
	check_signed(json_array_get(reqs, 1), "AWSGlue.GetDatabases", "glue");
	const json_t *b = body(json_array_get(reqs, 1));
	CHECK_STR(json_string_value(json_object_get(b, "NextToken")), "n2");
	CHECK_STR(json_string_value(json_object_get(b, "CatalogId")), "123456789012");
	json_decref(reqs);
	ll_buf_free(&names);
	ll_glue_free(g);
}

static void test_athena_stop_and_catalog(void)
{
	script("[{\"body\": {\"QueryExecutionId\": \"q-9\"}}, {\"body\": {}}]");
	ll_athena_config cfg;
	ll_athena_config_init(&cfg);
	char ep[64];
	aws_test_config(&cfg.aws, LL_AWS_ATHENA, ep, sizeof(ep), server.port);
	cfg.output_location = "s3://r/";
	cfg.catalog = "shared";
	ll_athena *a = NULL;
	ll_error err;
	CHECK_OK(ll_athena_open(&a, &cfg, &err), &err);
	ll_buf id = LL_BUF_INIT;
	const char *token = "load-2024-05-01T10:00:00.123456-events-0001";
	CHECK_OK(ll_athena_start(a, "SELECT 1", NULL, token, &id, &err), &err);
	CHECK_STR(ll_buf_cstr(&id), "q-9");
	CHECK_OK(ll_athena_stop(a, "q-9", &err), &err);
	CHECK_INT(ll_athena_start(a, "SELECT 1", NULL, "short", &id, &err), LL_EINVAL);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 2);
	const json_t *start = body(json_array_get(reqs, 0));
	CHECK_STR(json_string_value(json_object_get(start, "ClientRequestToken")), token);
	const json_t *ctx = json_object_get(start, "QueryExecutionContext");
	CHECK_STR(json_string_value(json_object_get(ctx, "Catalog")), "shared");
	CHECK(json_object_get(ctx, "Database") == NULL);
	check_signed(json_array_get(reqs, 1), "AmazonAthena.StopQueryExecution", "athena");
	CHECK_STR(json_string_value(json_object_get(body(json_array_get(reqs, 1)),
						    "QueryExecutionId")),
		  "q-9");
	json_decref(reqs);
	ll_buf_free(&id);
	ll_athena_free(a);
}

/* A wait whose cancel flag is set (as Ctrl-C sets it) stops the query instead of polling. */
static void test_athena_wait_cancelled(void)
{
	script("[{\"body\": {\"QueryExecutionId\": \"q-7\"}}, {\"body\": {}}]");
	ll_athena_config cfg;
	ll_athena_config_init(&cfg);
	char ep[64];
	aws_test_config(&cfg.aws, LL_AWS_ATHENA, ep, sizeof(ep), server.port);
	cfg.output_location = "s3://r/";
	static volatile sig_atomic_t cancel;
	cfg.cancel = &cancel;
	ll_athena *a = NULL;
	ll_error err;
	CHECK_OK(ll_athena_open(&a, &cfg, &err), &err);
	ll_buf id = LL_BUF_INIT;
	CHECK_OK(ll_athena_start(a, "SELECT 1", "shop", NULL, &id, &err), &err);
	cancel = 1;
	ll_athena_execution ex;
	CHECK_INT(ll_athena_wait(a, ll_buf_cstr(&id), &ex, &err), LL_ESQL);
	CHECK(strstr(err.message, "Athena query q-7 was cancelled") != NULL);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 2);
	check_signed(json_array_get(reqs, 1), "AmazonAthena.StopQueryExecution", "athena");
	CHECK_STR(json_string_value(json_object_get(body(json_array_get(reqs, 1)),
						    "QueryExecutionId")),
		  "q-7");
	json_decref(reqs);
	ll_buf_free(&id);
	ll_athena_free(a);
}

static void test_stalled_reply_retried(void)
{
	script("[{\"sleep\": 3, \"body\": {}}, {\"body\": {}}]");
	ll_aws_json_config cfg;
	char ep[64];
	aws_test_config(&cfg, LL_AWS_GLUE, ep, sizeof(ep), server.port);
	cfg.request_timeout_ms = 300;
	ll_glue *g = NULL;
	ll_error err;
	CHECK_OK(ll_glue_open(&g, &cfg, NULL, &err), &err);
	CHECK_OK(ll_glue_delete_table(g, "shop", "events", &err), &err);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 2);
	json_decref(reqs);
	ll_glue_free(g);
}

static void test_athena_needs_output_location(void)
{
	script("[{\"body\": {\"WorkGroup\": {\"Name\": \"analysts\", \"State\": \"ENABLED\", "
	       "\"Configuration\": {\"ResultConfiguration\": {}}}}}]");
	ll_athena *a = open_athena(NULL);
	ll_error err;
	CHECK_INT(ll_athena_query(a, "SELECT 1", "shop", NULL, NULL, &err), LL_EINVAL);
	CHECK(strstr(err.message, "query_result_bucket") != NULL);
	CHECK(strstr(err.message, "analysts") != NULL);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 1); /* nothing was started */
	check_signed(json_array_get(reqs, 0), "AmazonAthena.GetWorkGroup", "athena");
	json_decref(reqs);
	ll_athena_free(a);
}

static void test_athena_query_rows(void)
{
	json_t *page = aws_fixture("athena_get_query_results.json");
	json_t *page2 = json_deep_copy(page);
	json_t *rows2 = json_object_get(json_object_get(page2, "ResultSet"), "Rows");
	json_array_remove(rows2, 0); /* later pages have no header */
	json_array_remove(rows2, 0);
	json_object_del(page2, "NextToken");
	json_t *steps = json_array();
	json_array_append_new(steps, json_pack("{s:i,s:{s:s}}", "status", 400, "body", "__type",
					       "TooManyRequestsException"));
	json_array_append_new(steps, json_pack("{s:{s:s}}", "body", "QueryExecutionId", "q-1"));
	json_array_append_new(steps, json_pack("{s:{s:{s:{s:s}}}}", "body", "QueryExecution",
					       "Status", "State", "RUNNING"));
	json_array_append_new(steps, json_pack("{s:{s:{s:{s:s},s:s}}}", "body", "QueryExecution",
					       "Status", "State", "SUCCEEDED", "StatementType",
					       "DML"));
	json_array_append_new(steps, json_pack("{s:O}", "body", page));
	json_array_append_new(steps, json_pack("{s:O}", "body", page2));
	char *text = json_dumps(steps, JSON_COMPACT);
	script(text);
	free(text);
	json_decref(steps);

	ll_athena *a = open_athena("s3://results-bucket/athena/");
	char path[] = "/tmp/lakeload-athena-csv-XXXXXX";
	int fd = mkstemp(path);
	FILE *out = fdopen(fd, "w+");
	ll_result_printer *p = NULL;
	ll_error err;
	CHECK_OK(ll_result_printer_new(&p, LL_RESULT_CSV, out, &err), &err);
	CHECK_OK(ll_athena_query(a, "SELECT * FROM events", "shop", ll_result_printer_row, p, &err),
		 &err);
	CHECK_OK(ll_result_printer_finish(p, &err), &err);
	ll_result_printer_free(p);
	rewind(out);
	char csv[1024] = "";
	size_t n = fread(csv, 1, sizeof(csv) - 1, out);
	csv[n] = '\0';
	fclose(out);
	unlink(path);
	/* The header row Athena sends is not a data row; a blob prints as hex. */
	CHECK_STR(csv, "category,n,avg_price,active,total,raw,day\r\n"
		       "books,12,9.5,1,114.000000000,4869,2024-05-01\r\n"
		       ",-3,NaN,0,0.000000001,,2024-05-02\r\n"
		       ",-3,NaN,0,0.000000001,,2024-05-02\r\n");

	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 6);
	const json_t *s1 = body(json_array_get(reqs, 0)), *s2 = body(json_array_get(reqs, 1));
	check_signed(json_array_get(reqs, 1), "AmazonAthena.StartQueryExecution", "athena");
	const char *tok = json_string_value(json_object_get(s1, "ClientRequestToken"));
	CHECK(tok && strlen(tok) >= 32);
	CHECK_STR(json_string_value(json_object_get(s2, "ClientRequestToken")), tok);
	CHECK_STR(json_string_value(json_object_get(s2, "QueryString")), "SELECT * FROM events");
	CHECK_STR(json_string_value(json_object_get(s2, "WorkGroup")), "analysts");
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(s2, "QueryExecutionContext"), "Database")),
		  "shop");
	/* The default catalog is Athena's own: no Catalog is sent. */
	CHECK(json_object_get(json_object_get(s2, "QueryExecutionContext"), "Catalog") == NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(s2, "ResultConfiguration"),
						    "OutputLocation")),
		  "s3://results-bucket/athena/");
	check_signed(json_array_get(reqs, 2), "AmazonAthena.GetQueryExecution", "athena");
	check_signed(json_array_get(reqs, 4), "AmazonAthena.GetQueryResults", "athena");
	CHECK_STR(json_string_value(json_object_get(body(json_array_get(reqs, 5)), "NextToken")),
		  "AYAAAG-page-2");
	CHECK_INT(json_integer_value(json_object_get(body(json_array_get(reqs, 4)), "MaxResults")),
		  1000);
	json_decref(reqs);
	json_decref(page);
	json_decref(page2);
	ll_athena_free(a);
}

static void test_athena_failed_query(void)
{
	json_t *failed = aws_fixture("athena_get_query_execution_failed.json");
	json_t *steps = json_pack("[{s:{s:s}},{s:O}]", "body", "QueryExecutionId",
				  "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", "body", failed);
	char *text = json_dumps(steps, JSON_COMPACT);
	script(text);
	free(text);
	json_decref(steps);
	json_decref(failed);
	ll_athena *a = open_athena("s3://results-bucket/");
	ll_error err;
	CHECK_INT(ll_athena_query(a, "SELECT * FROM shop.missing", "shop", NULL, NULL, &err),
		  LL_ESQL);
	CHECK(strstr(err.message, "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111") != NULL);
	CHECK(strstr(err.message, "TABLE_NOT_FOUND") != NULL);
	json_decref(received());
	ll_athena_free(a);
}

static void test_athena_catalog_id(void)
{
	script("[{\"body\": {\"DataCatalog\": {\"Name\": \"shared\", \"Type\": \"GLUE\", "
	       "\"Parameters\": {\"catalog-id\": \"210987654321\"}}}}, "
	       "{\"body\": {\"DataCatalog\": {\"Name\": \"fn\", \"Type\": \"LAMBDA\", "
	       "\"Parameters\": {\"function\": \"arn:aws:lambda:x\"}}}}]");
	ll_athena *a = open_athena("s3://r/");
	ll_buf id = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(ll_athena_glue_catalog_id(a, "awsdatacatalog", &id, &err), &err);
	CHECK_INT(id.len, 0);
	CHECK_OK(ll_athena_glue_catalog_id(a, "shared", &id, &err), &err);
	CHECK_STR(ll_buf_cstr(&id), "210987654321");
	CHECK_INT(ll_athena_glue_catalog_id(a, "fn", &id, &err), LL_EUNSUPPORTED);
	CHECK(strstr(err.message, "LAMBDA") != NULL);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 2);
	check_signed(json_array_get(reqs, 0), "AmazonAthena.GetDataCatalog", "athena");
	json_decref(reqs);
	ll_buf_free(&id);
	ll_athena_free(a);
}

static void start_server(void)
{
	aws_clear_endpoint_env();
	char path[1024];
	const char *argv[] = { "/usr/bin/python3", aws_test_file("aws_server.py", path, sizeof(path)),
			       NULL };
	if (!aws_proc_start(&server, argv)) {
		fprintf(stderr, "cannot start %s\n", path);
		exit(2);
	}
	snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", server.port);
}

static void test_stop_server(void)
{
	check_no_secret(ll_buf_cstr(&log_text));
	aws_proc_stop(&server);
	ll_buf_free(&log_text);
}

static void test_start_server(void)
{
	start_server();
}

LL_TEST_MAIN(LL_TEST(test_start_server), LL_TEST(test_throttled_then_success),
	     LL_TEST(test_credentials_asked_per_request),
	     LL_TEST(test_server_error_gives_up), LL_TEST(test_access_denied),
	     LL_TEST(test_stale_version_conflicts), LL_TEST(test_already_exists),
	     LL_TEST(test_get_tables_pages), LL_TEST(test_get_databases_pages),
	     LL_TEST(test_athena_stop_and_catalog), LL_TEST(test_athena_wait_cancelled),
	     LL_TEST(test_stalled_reply_retried),
	     LL_TEST(test_athena_needs_output_location), LL_TEST(test_athena_query_rows),
	     LL_TEST(test_athena_failed_query), LL_TEST(test_athena_catalog_id),
	     LL_TEST(test_stop_server))
