/*
 * A whole hive pipeline on an S3 lake, through the public C API, against
 * the s3rver emulator: nested NDJSON loaded into s3://lakeload-test/some/
 * prefix with replace and append, queried back through the engine (which
 * reads the Parquet files from S3 by range), the objects checked from the
 * outside with boto3 (where the layout puts them, nothing left of a
 * replaced load) and DuckDB (a downloaded file is readable Parquet with the
 * rows the catalog counts), the catalog kept under the lakeload home, and
 * loads killed between moves, before and after the commit that the next
 * run finishes exactly once, and a load through a proxy injecting 503s,
 * SlowDowns and resets that still arrives whole.
 */
#include <jansson.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "s3/s3_fixture.h"
#include "test.h"
#include "util/buf.h"
#include "util/fs.h"

#define LAKE "s3://" S3_TEST_BUCKET "/some/prefix"

static s3_node server, proxy;
static char endpoint[64], proxy_endpoint[64];
static char tmp[1024], home[1100];

static void stop_servers(void)
{
	s3_node_stop(&proxy);
	s3_node_stop(&server);
}

static void start_servers(void)
{
	ll_test_tmpdir("s3_lake", tmp, sizeof(tmp));
	char dir[1100];
	ll_test_tmpdir("s3_lake/store", dir, sizeof(dir));
	snprintf(home, sizeof(home), "%s/home", tmp);
	s3_emulator_start(&server, dir);
	char port[16];
	snprintf(port, sizeof(port), "%d", server.port);
	const char *args[] = { port, NULL };
	s3_node_start(&proxy, "fault_proxy.mjs", args);
	atexit(stop_servers);
	snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", server.port);
	snprintf(proxy_endpoint, sizeof(proxy_endpoint), "http://127.0.0.1:%d", proxy.port);
}

static ll_s3_options s3_options(const char *url)
{
	return (ll_s3_options){ .endpoint_url = url, .access_key_id = "S3RVER",
				.secret_access_key = "S3RVER", .path_style = true };
}

/* Writes n nested records, ids from first, each with id % 3 + 1 items. */
static const char *write_records(const char *name, int first, int n, char *path, size_t size)
{
	snprintf(path, size, "%s/%s.ndjson", tmp, name);
	ll_buf text = LL_BUF_INIT;
	for (int id = first; id < first + n; id++) {
		ll_buf_printf(&text, "{\"id\": %d, \"name\": \"user %d\", \"tags\": {\"tier\": \"t%d\"},"
			      " \"items\": [", id, id, id % 4);
		for (int k = 0; k <= id % 3; k++)
			ll_buf_printf(&text, "%s{\"sku\": \"s%d-%d\", \"qty\": %d}", k ? ", " : "", id, k, k + 1);
		ll_buf_puts(&text, "]}\n");
	}
	ll_error err;
	CHECK_OK(ll_fs_write_atomic(path, text.data, text.len, &err), &err);
	ll_buf_free(&text);
	return path;
}

static int items_of(int first, int n)
{
	int total = 0;
	for (int id = first; id < first + n; id++)
		total += id % 3 + 1;
	return total;
}

static void load(const char *dataset, const ll_s3_options *s3, const char *file,
		 ll_write_disposition disposition, ll_load_info *info)
{
	ll_pipeline_options opt = { .dataset = dataset, .lake = LAKE, .home = home, .s3 = s3 };
	ll_pipeline *p = NULL;
	ll_error err;
	CHECK_OK(ll_pipeline_open(&p, &opt, &err), &err);
	if (!p)
		return;
	ll_resource res = { .table = "users", .write_disposition = disposition };
	CHECK_OK(ll_pipeline_load_file(p, file, &res, info, &err), &err);
	ll_pipeline_free(p);
}

static int keep_int(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	(void)names;
	if (ncols > 0 && cells[0].kind == LL_CELL_INT)
		*(int64_t *)user = cells[0].i;
	return 0;
}

static int64_t query_int(const ll_s3_options *s3, const char *sql)
{
	ll_lake_options opt = { .lake = LAKE, .s3 = s3, .home = home };
	int64_t v = -1;
	ll_error err;
	CHECK_OK(ll_lake_query_opts(&opt, sql, keep_int, &v, &err), &err);
	return v;
}

/* The keys boto3 lists under prefix. */
static json_t *boto3_keys(const char *prefix)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/tests/storage/boto3_lake.py' %s %s keys '%s'",
		 getenv("LL_SOURCE_DIR"), endpoint, S3_TEST_BUCKET, prefix);
	json_t *keys = s3_run_json(cmd);
	CHECK(json_is_array(keys));
	return keys;
}

/* Every key matches the default layout {table_name}/{load_id}.{file_id}.parquet. */
static bool keys_follow_layout(json_t *keys, const char *table_prefix)
{
	char pattern[512];
	snprintf(pattern, sizeof(pattern), "^%s[0-9]+\\.[0-9]{6}\\.[0-9A-Za-z_-]+\\.parquet$", table_prefix);
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	bool ok = json_array_size(keys) > 0;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k)
		ok &= regexec(&re, json_string_value(k), 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* Downloads the object with boto3 and counts its rows with DuckDB. */
static long duckdb_rows(const char *key)
{
	char path[1200], cmd[4096];
	snprintf(path, sizeof(path), "%s/downloaded.parquet", tmp);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/tests/storage/boto3_lake.py' %s %s download '%s' '%s'",
		 getenv("LL_SOURCE_DIR"), endpoint, S3_TEST_BUCKET, key, path);
	json_t *got = s3_run_json(cmd);
	CHECK(json_integer_value(json_object_get(got, "size")) > 0);
	json_decref(got);
	snprintf(cmd, sizeof(cmd),
		 "node '%s/duckdb_query.mjs' \"SELECT count(*) FROM read_parquet('%s')\"",
		 getenv("LL_INTEROP_DIR"), path);
	FILE *p = popen(cmd, "r");
	long rows = -1;
	if (p) {
		if (fscanf(p, "%ld", &rows) != 1)
			rows = -1;
		pclose(p);
	}
	return rows;
}

static void test_replace_append_query(void)
{
	start_servers();
	ll_s3_options s3 = s3_options(endpoint);
	char path[1200];
	ll_load_info info;
	load("shop", &s3, write_records("first", 1, 30, path, sizeof(path)), LL_WRITE_REPLACE, &info);
	CHECK_INT(info.records, 30);
	CHECK_INT(query_int(&s3, "SELECT count(*) FROM shop.users"), 30);
	CHECK_INT(query_int(&s3, "SELECT count(*) FROM shop.users__items"), items_of(1, 30));
	load("shop", &s3, write_records("second", 31, 20, path, sizeof(path)), LL_WRITE_APPEND, &info);
	CHECK_INT(query_int(&s3, "SELECT count(*) FROM shop.users"), 50);
	CHECK_INT(query_int(&s3, "SELECT sum(id) FROM shop.users"), 50 * 51 / 2);
	CHECK_INT(query_int(&s3, "SELECT count(*) FROM shop.users__items"), items_of(1, 50));
	CHECK_INT(query_int(&s3, "SELECT sum(qty) FROM shop.users__items i JOIN shop.users u"
				 " ON i._dlt_parent_id = u._dlt_id WHERE u.id = 5"),
		  1 + 2 + 3);
	/* The catalog is under the home, not in the bucket. */
	char catalog[1300];
	snprintf(catalog, sizeof(catalog), "%s/catalogs/" S3_TEST_BUCKET "/some/prefix/catalog.db", home);
	CHECK(ll_fs_exists(catalog));

	json_t *users = boto3_keys("some/prefix/shop/users/");
	json_t *items = boto3_keys("some/prefix/shop/users__items/");
	CHECK_INT(json_array_size(users), 2);
	CHECK(keys_follow_layout(users, "some/prefix/shop/users/"));
	CHECK(keys_follow_layout(items, "some/prefix/shop/users__items/"));
	json_t *all = boto3_keys("some/prefix/");
	size_t i;
	json_t *k;
	json_array_foreach(all, i, k)
		CHECK(strstr(json_string_value(k), "catalog") == NULL);
	long rows = duckdb_rows(json_string_value(json_array_get(users, 0)));
	CHECK_INT(rows, 30);
	json_decref(users);
	json_decref(items);
	json_decref(all);

	/* A replace leaves only its own files once it has committed. */
	load("shop", &s3, write_records("third", 100, 4, path, sizeof(path)), LL_WRITE_REPLACE, &info);
	CHECK_INT(query_int(&s3, "SELECT count(*) FROM shop.users"), 4);
	CHECK_INT(query_int(&s3, "SELECT min(id) FROM shop.users"), 100);
	CHECK_INT(query_int(&s3, "SELECT count(*) FROM shop.users__items"), items_of(100, 4));
	users = boto3_keys("some/prefix/shop/users/");
	items = boto3_keys("some/prefix/shop/users__items/");
	CHECK_INT(json_array_size(users), 1);
	CHECK_INT(json_array_size(items), 1);
	CHECK_INT(duckdb_rows(json_string_value(json_array_get(users, 0))), 4);
	json_decref(users);
	json_decref(items);
}

static void test_query_errors(void)
{
	ll_s3_options s3 = s3_options(endpoint);
	ll_error err;
	int64_t v;
	/* A lake nothing was loaded into has no catalog: say so, create nothing. */
	ll_lake_options never = { .lake = "s3://" S3_TEST_BUCKET "/never/loaded", .s3 = &s3, .home = home };
	CHECK_INT(ll_lake_query_opts(&never, "SELECT 1", keep_int, &v, &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "s3://" S3_TEST_BUCKET "/never/loaded") != NULL);
	/* Without credentials an S3 lake cannot be read. */
	ll_lake_options bare = { .lake = LAKE, .home = home };
	CHECK_INT(ll_lake_query_opts(&bare, "SELECT 1", keep_int, &v, &err), LL_EINVAL);
	/* A wrong secret is refused by S3 when the files are read, and not repeated. */
	ll_s3_options wrong = s3;
	wrong.secret_access_key = "not-the-secret-1234";
	ll_lake_options denied = { .lake = LAKE, .s3 = &wrong, .home = home };
	CHECK_INT(ll_lake_query_opts(&denied, "SELECT count(*) FROM shop.users", keep_int, &v, &err),
		  LL_EAUTH);
	CHECK(strstr(err.message, "not-the-secret-1234") == NULL);
}

static void set_rules(const char *rules)
{
	json_t *ok = s3_http_json(proxy.port, "PUT", "/__proxy/rules", rules);
	CHECK(ok != NULL);
	json_decref(ok);
}

static int faults_injected(void)
{
	json_t *log = s3_http_json(proxy.port, "GET", "/__proxy/log", NULL);
	int n = 0;
	size_t i;
	json_t *e;
	json_array_foreach(log, i, e)
		n += json_string_value(json_object_get(e, "fault")) != NULL;
	json_decref(log);
	return n;
}

static void test_faults(void)
{
	ll_s3_options s3 = s3_options(proxy_endpoint);
	set_rules("{\"rules\": ["
		  "{\"match\": \"^PUT /" S3_TEST_BUCKET "/some/prefix/faulty/\","
		  " \"faults\": [\"503\", \"slowdown\", \"reset\"]},"
		  "{\"match\": \"^(GET|HEAD) /" S3_TEST_BUCKET "/some/prefix/faulty/\","
		  " \"faults\": [\"reset\", \"slowdown\"]},"
		  "{\"match\": \"^(GET /" S3_TEST_BUCKET "\\\\?|POST /" S3_TEST_BUCKET "\\\\?delete)\","
		  " \"faults\": [\"503\"]}]}");
	char path[1200];
	ll_load_info info;
	load("faulty", &s3, write_records("faulty1", 1, 200, path, sizeof(path)), LL_WRITE_REPLACE,
	     &info);
	load("faulty", &s3, write_records("faulty2", 201, 100, path, sizeof(path)), LL_WRITE_APPEND,
	     &info);
	load("faulty", &s3, write_records("faulty3", 1000, 50, path, sizeof(path)), LL_WRITE_REPLACE,
	     &info);
	CHECK_INT(query_int(&s3, "SELECT count(*) FROM faulty.users"), 50);
	CHECK_INT(query_int(&s3, "SELECT count(*) FROM faulty.users__items"), items_of(1000, 50));
	CHECK(faults_injected() >= 10);
	set_rules("{\"rules\": []}");
	json_t *users = boto3_keys("some/prefix/faulty/users/");
	CHECK_INT(json_array_size(users), 1);
	json_decref(users);
}

/* Loads file in a child process killed at the crash point; returns whether it was killed. */
static bool load_killed_at(const char *failpoint, const ll_s3_options *s3, const char *dataset,
			   const char *file)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		setenv("LAKELOAD_FAILPOINT", failpoint, 1);
		ll_load_info info;
		load(dataset, s3, file, LL_WRITE_APPEND, &info);
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static void test_crash_resume(void)
{
	ll_s3_options s3 = s3_options(endpoint);
	static const char *const points[] = { "between_moves", "before_commit", "after_commit" };
	char path[1200], name[64], dataset[64];
	for (size_t i = 0; i < 3; i++) {
		snprintf(dataset, sizeof(dataset), "crash%zu", i);
		snprintf(name, sizeof(name), "crash%zu", i);
		write_records(name, 1, 40, path, sizeof(path));
		CHECK(load_killed_at(points[i], &s3, dataset, path));
		/* The next run finishes the interrupted load and does not load the file twice. */
		ll_load_info info;
		load(dataset, &s3, path, LL_WRITE_APPEND, &info);
		CHECK(info.already_loaded);
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.users", dataset);
		CHECK_INT(query_int(&s3, sql), 40);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.users__items", dataset);
		CHECK_INT(query_int(&s3, sql), items_of(1, 40));
	}
}

LL_TEST_MAIN(LL_TEST(test_replace_append_query), LL_TEST(test_query_errors),
	     LL_TEST(test_crash_resume), LL_TEST(test_faults))
