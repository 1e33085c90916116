/*
 * The Glue catalog through the catalog interface, against a scripted Glue
 * endpoint on 127.0.0.1 (tests/aws/aws_server.py under /usr/bin/python3):
 * an Iceberg commit reads the table with its VersionId, re-checks the base
 * metadata location and sends UpdateTable with that VersionId and the new
 * location (the old one as previous_metadata_location); Glue's
 * ConcurrentModificationException, a base someone else moved and a table
 * created meanwhile are all LL_ECONFLICT, which the Iceberg commit answers
 * by reloading. moto does not enforce VersionId, so these races are
 * checked here, where the replies are scripted.
 */
#include <stdlib.h>

#include "aws/aws_fixture.h"
#include "catalog/catalog.h"
#include "test.h"

#define MD1 "s3://b/lake/shop/events/metadata/00001-a.metadata.json"
#define MD2 "s3://b/lake/shop/events/metadata/00002-b.metadata.json"
#define MOVED "s3://b/lake/shop/events/metadata/00002-other.metadata.json"

static aws_proc server;
static char lake[1024];

static void script(const char *replies)
{
	aws_script(&server, replies);
}

static json_t *received(void)
{
	return aws_received(&server);
}

static const char *target(const json_t *req)
{
	return json_string_value(json_object_get(json_object_get(req, "headers"), "x-amz-target"));
}

static const char *table_param(const json_t *req, const char *key)
{
	const json_t *in = json_object_get(json_object_get(req, "body"), "TableInput");
	return json_string_value(json_object_get(json_object_get(in, "Parameters"), key));
}

/* A GetTable reply: the Iceberg table at metadata location md, version 3. */
static void table_reply(char *buf, size_t size, const char *md)
{
	snprintf(buf, size,
		 "{\"body\": {\"Table\": {\"Name\": \"events\", \"DatabaseName\": \"shop\", "
		 "\"TableType\": \"EXTERNAL_TABLE\", \"VersionId\": \"3\", \"Parameters\": "
		 "{\"table_type\": \"ICEBERG\", \"metadata_location\": \"%s\"}, "
		 "\"StorageDescriptor\": {\"Location\": \"s3://b/lake/shop/events\", \"Columns\": "
		 "[{\"Name\": \"id\", \"Type\": \"bigint\"}]}}}}",
		 md);
}

static ll_catalog *open_catalog(ll_storage **storage)
{
	ll_error err;
	CHECK_OK(ll_storage_open(storage, lake, NULL, &err), &err);
	char endpoint[64];
	ll_aws_json_config cfg;
	aws_test_config(&cfg, LL_AWS_GLUE, endpoint, sizeof(endpoint), server.port);
	ll_catalog_glue_options opt = { &cfg, NULL };
	ll_catalog *c;
	CHECK_OK(ll_catalog_open_glue(&c, &opt, *storage, &err), &err);
	CHECK(!ll_catalog_is_file(c));
	return c;
}

static const ll_column id_col = { .name = "id", .type = LL_TYPE_BIGINT, .nullable = true,
				  .field_id = 1 };

static void test_commit_sends_the_version_read_with_the_base(void)
{
	char get[1024], replies[2048];
	table_reply(get, sizeof(get), MD1);
	snprintf(replies, sizeof(replies), "[{\"body\": {}}, %s, {\"body\": {}}]", get);
	script(replies);
	ll_storage *storage;
	ll_catalog *c = open_catalog(&storage);
	ll_table t = { .name = "events", .columns = (ll_column *)&id_col, .ncolumns = 1,
		       .table_format = LL_FORMAT_ICEBERG };
	ll_error err;
	CHECK_OK(ll_catalog_iceberg_commit(c, "shop", &t, "events", MD1, MD2, &err), &err);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 3);
	CHECK_STR(target(json_array_get(reqs, 0)), "AWSGlue.CreateDatabase");
	CHECK_STR(target(json_array_get(reqs, 1)), "AWSGlue.GetTable");
	const json_t *update = json_array_get(reqs, 2);
	CHECK_STR(target(update), "AWSGlue.UpdateTable");
	CHECK_STR(json_string_value(json_object_get(json_object_get(update, "body"), "VersionId")),
		  "3");
	CHECK_STR(table_param(update, "metadata_location"), MD2);
	CHECK_STR(table_param(update, "previous_metadata_location"), MD1);
	json_decref(reqs);
	ll_catalog_free(c);
	ll_storage_free(storage);
}

static void test_concurrent_modification_is_a_conflict(void)
{
	char get[1024], replies[2048];
	table_reply(get, sizeof(get), MD1);
	snprintf(replies, sizeof(replies),
		 "[{\"body\": {}}, %s, {\"status\": 400, \"body\": {\"__type\": "
		 "\"ConcurrentModificationException\", \"message\": \"concurrent update\"}}]",
		 get);
	script(replies);
	ll_storage *storage;
	ll_catalog *c = open_catalog(&storage);
	ll_error err;
	CHECK_INT(ll_catalog_iceberg_commit(c, "shop", NULL, "events", MD1, MD2, &err), LL_ECONFLICT);
	json_decref(received());
	ll_catalog_free(c);
	ll_storage_free(storage);
}

static void test_moved_base_is_a_conflict_before_any_update(void)
{
	char get[1024], replies[2048];
	table_reply(get, sizeof(get), MOVED);
	snprintf(replies, sizeof(replies), "[{\"body\": {}}, %s]", get);
	script(replies);
	ll_storage *storage;
	ll_catalog *c = open_catalog(&storage);
	ll_error err;
	CHECK_INT(ll_catalog_iceberg_commit(c, "shop", NULL, "events", MD1, MD2, &err), LL_ECONFLICT);
	CHECK(strstr(err.message, MOVED) != NULL);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 2); /* no UpdateTable */
	json_decref(reqs);
	ll_catalog_free(c);
	ll_storage_free(storage);
}

static void test_table_created_meanwhile_is_a_conflict(void)
{
	char get[1024], replies[2048];
	table_reply(get, sizeof(get), MOVED);
	snprintf(replies, sizeof(replies),
		 "[{\"body\": {}}, {\"status\": 400, \"body\": {\"__type\": "
		 "\"AlreadyExistsException\", \"message\": \"Table already exists.\"}}, %s]",
		 get);
	script(replies);
	ll_storage *storage;
	ll_catalog *c = open_catalog(&storage);
	ll_error err;
	CHECK_INT(ll_catalog_iceberg_commit(c, "shop", NULL, "events", NULL, MD1, &err), LL_ECONFLICT);
	json_t *reqs = received();
	CHECK_INT(json_array_size(reqs), 3);
	CHECK_STR(target(json_array_get(reqs, 1)), "AWSGlue.CreateTable");
	json_decref(reqs);
	ll_catalog_free(c);
	ll_storage_free(storage);
}

static void test_location_of_a_missing_table_is_none(void)
{
	script("[{\"status\": 400, \"body\": {\"__type\": \"EntityNotFoundException\", "
	       "\"message\": \"Table not found.\"}}]");
	ll_storage *storage;
	ll_catalog *c = open_catalog(&storage);
	ll_error err;
	char *location = (char *)"unset";
	CHECK_OK(ll_catalog_iceberg_location(c, "shop", "events", &location, &err), &err);
	CHECK(location == NULL);
	json_decref(received());
	ll_catalog_free(c);
	ll_storage_free(storage);
}

static void test_start_server(void)
{
	aws_clear_endpoint_env();
	ll_test_tmpdir("catalog_glue", lake, sizeof(lake));
	char path[1024];
	const char *argv[] = { "/usr/bin/python3", aws_test_file("aws_server.py", path, sizeof(path)),
			       NULL };
	if (!aws_proc_start(&server, argv)) {
		fprintf(stderr, "cannot start %s\n", path);
		exit(2);
	}
}

static void test_stop_server(void)
{
	aws_proc_stop(&server);
}

LL_TEST_MAIN(LL_TEST(test_start_server), LL_TEST(test_commit_sends_the_version_read_with_the_base),
	     LL_TEST(test_concurrent_modification_is_a_conflict),
	     LL_TEST(test_moved_base_is_a_conflict_before_any_update),
	     LL_TEST(test_table_created_meanwhile_is_a_conflict),
	     LL_TEST(test_location_of_a_missing_table_is_none), LL_TEST(test_stop_server))
