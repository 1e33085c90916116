/*
 * The S3 client through tests/interop/fault_proxy.mjs, which stands in
 * front of s3rver and injects 5xx, 429, SlowDown, RequestTimeout, errors
 * inside 200 replies, connection resets, truncated replies and stalls, and
 * spoils the LastModified of listings.
 * Retryable faults must not change the outcome (the bytes written and read
 * are checked), the others must fail at once with the right status, and a
 * multipart upload that fails must be aborted, leaving no upload behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3_fixture.h"
#include "test.h"
#include "util/time.h"

#define B S3_TEST_BUCKET

static s3_node server, proxy;
static char endpoint[64];
static char tmpdir[1024];
static int retries_logged;

static void stop_servers(void)
{
	s3_node_stop(&proxy);
	s3_node_stop(&server);
}

static void count_retry(void *user, ll_log_level level, const char *msg)
{
	(void)user;
	if (level == LL_LOG_WARN && strstr(msg, "retrying in"))
		retries_logged++;
}

static const ll_logger retry_counter = { count_retry, NULL, LL_LOG_DEBUG };

/* A config that reaches s3rver through the proxy. */
static ll_s3_config config(void)
{
	if (!server.pid) {
		char dir[1100];
		ll_test_tmpdir("s3_faults", tmpdir, sizeof(tmpdir));
		ll_test_tmpdir("s3_faults/store", dir, sizeof(dir));
		s3_emulator_start(&server, dir);
		char port[16];
		snprintf(port, sizeof(port), "%d", server.port);
		const char *args[] = { port, NULL };
		s3_node_start(&proxy, "fault_proxy.mjs", args);
		atexit(stop_servers);
	}
	ll_s3_config cfg;
	s3_test_config(&cfg, endpoint, sizeof(endpoint), proxy.port);
	cfg.max_retries = 6;
	cfg.logger = &retry_counter;
	return cfg;
}

static void set_rules(const char *rules)
{
	json_t *ok = s3_http_json(proxy.port, "PUT", "/__proxy/rules", rules);
	CHECK(ok != NULL);
	json_decref(ok);
	retries_logged = 0;
}

/* Requests whose URL contains part, with the given fault (NULL: any, "": none). */
static int logged(const char *part, const char *fault)
{
	json_t *log = s3_http_json(proxy.port, "GET", "/__proxy/log", NULL);
	int n = 0;
	size_t i;
	json_t *e;
	json_array_foreach(log, i, e)
	{
		const char *url = json_string_value(json_object_get(e, "url"));
		const char *f = json_string_value(json_object_get(e, "fault"));
		bool fault_ok = !fault || (fault[0] ? f && strcmp(f, fault) == 0 : f == NULL);
		n += url && strstr(url, part) && fault_ok;
	}
	json_decref(log);
	return n;
}

static void check_object(ll_s3_client *c, const char *key, const void *data, size_t len)
{
	ll_buf got = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(ll_s3_get_object(c, B, key, &got, &err), &err);
	CHECK(got.len == len && memcmp(got.data, data, len) == 0);
	ll_buf_free(&got);
}

static void test_retried_faults(void)
{
	ll_s3_config cfg = config();
	ll_s3_client *c = s3_test_client(&cfg);
	set_rules("{\"rules\": ["
		  "{\"match\": \"^HEAD /" B "/retry/\", \"faults\": [\"500\", \"reset\", \"503\"]},"
		  "{\"match\": \"^(PUT|GET) /" B "/retry/\", \"faults\": [\"500\", \"reset\","
		  " \"slowdown\", \"503\", \"429\", \"timeout400\"]}]}");
	ll_error err;
	unsigned char data[3][3000];
	for (int i = 0; i < 3; i++) {
		char key[32];
		snprintf(key, sizeof(key), "retry/obj %d", i);
		s3_fill(data[i], sizeof(data[i]), (uint64_t)i);
		CHECK_OK(ll_s3_put_object(c, B, key, data[i], sizeof(data[i]), &err), &err);
		check_object(c, key, data[i], sizeof(data[i]));
		ll_s3_object_info info;
		CHECK_OK(ll_s3_head_object(c, B, key, &info, &err), &err);
		CHECK_INT(info.size, sizeof(data[i]));
		unsigned char part[100];
		CHECK_OK(ll_s3_get_range(c, B, key, 1000, sizeof(part), part, &err), &err);
		CHECK(memcmp(part, data[i] + 1000, sizeof(part)) == 0);
	}
	static const char *const kinds[] = { "500", "reset", "slowdown", "503", "429", "timeout400" };
	for (size_t k = 0; k < 6; k++)
		CHECK(logged("/retry/", kinds[k]) >= 9);
	/* libcurl itself resends a request whose reused connection was reset
	   before any reply, so not every reset reaches our retry loop. */
	int faults = logged("/retry/", NULL) - logged("/retry/", "");
	CHECK(retries_logged <= faults && retries_logged >= faults - logged("/retry/", "reset"));
	CHECK_INT(logged("/retry/", ""), 12); /* one success per request */
	ll_s3_client_free(c);
}

static void test_truncated_and_stalled(void)
{
	ll_s3_config cfg = config();
	cfg.idle_timeout_ms = 1000; /* how long a stalled reply holds us up */
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	set_rules("{\"rules\": []}");
	static unsigned char data[200000];
	s3_fill(data, sizeof(data), 11);
	CHECK_OK(ll_s3_put_object(c, B, "cut/obj", data, sizeof(data), &err), &err);
	set_rules("{\"rules\": [{\"match\": \"^GET /" B "/cut/\", \"faults\": [\"reset-mid\","
		  " \"stall\", \"reset-mid\"]}]}");
	check_object(c, "cut/obj", data, sizeof(data));
	static unsigned char part[50000];
	CHECK_OK(ll_s3_get_range(c, B, "cut/obj", 1000, sizeof(part), part, &err), &err);
	CHECK(memcmp(part, data + 1000, sizeof(part)) == 0);
	CHECK_INT(logged("/cut/", "reset-mid"), 4);
	CHECK_INT(logged("/cut/", "stall"), 2);
	CHECK(retries_logged >= 6); /* a loaded machine may time out once more */
	ll_s3_client_free(c);
}

static void test_not_retried(void)
{
	ll_s3_config cfg = config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	set_rules("{\"rules\": [{\"match\": \"/once/denied\", \"faults\": [\"403\"]},"
		  "{\"match\": \"/once/invalid\", \"faults\": [\"400\"]}]}");
	CHECK_INT(ll_s3_put_object(c, B, "once/denied", "x", 1, &err), LL_EAUTH);
	CHECK(strstr(err.message, "PUT s3://" B "/once/denied: HTTP 403 AccessDenied") != NULL);
	CHECK_INT(ll_s3_put_object(c, B, "once/invalid", "x", 1, &err), LL_EINVAL);
	CHECK(strstr(err.message, "InvalidArgument") != NULL);
	ll_buf got = LL_BUF_INIT;
	CHECK_INT(ll_s3_get_object(c, B, "once/missing", &got, &err), LL_ENOTFOUND);
	ll_buf_free(&got);
	CHECK_INT(logged("/once/denied", NULL), 1);
	CHECK_INT(logged("/once/invalid", NULL), 1);
	CHECK_INT(logged("/once/missing", NULL), 1);
	CHECK_INT(retries_logged, 0);
	ll_s3_client_free(c);
}

static void test_retries_run_out(void)
{
	ll_s3_config cfg = config();
	cfg.max_retries = 2;
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	set_rules("{\"rules\": [{\"match\": \"/hopeless\", \"faults\": [\"500\"],"
		  " \"repeat\": true}]}");
	CHECK_INT(ll_s3_put_object(c, B, "hopeless", "x", 1, &err), LL_EIO);
	CHECK(strstr(err.message, "HTTP 500 InternalError") != NULL);
	CHECK(strstr(err.message, "request id proxy-fault") != NULL);
	CHECK(strstr(err.message, "gave up after 3 attempts") != NULL);
	CHECK_INT(logged("/hopeless", NULL), 3);
	ll_s3_client_free(c);
}

static void write_big_file(char *path, size_t size, size_t len, uint64_t seed)
{
	snprintf(path, size, "%s/big-%llu.bin", tmpdir, (unsigned long long)seed);
	s3_write_file(path, len, seed);
}

/* Every upload the proxy saw start was completed or aborted. */
static void check_no_open_uploads(int *started, int *completed, int *aborted)
{
	json_t *u = s3_http_json(proxy.port, "GET", "/__proxy/uploads", NULL);
	json_t *s = json_object_get(u, "started"), *c = json_object_get(u, "completed"),
	       *a = json_object_get(u, "aborted");
	*started = (int)json_array_size(s);
	*completed = (int)json_array_size(c);
	*aborted = (int)json_array_size(a);
	size_t i;
	json_t *id;
	json_array_foreach(s, i, id)
	{
		bool closed = false;
		for (size_t k = 0; k < json_array_size(c); k++)
			closed = closed || json_equal(id, json_array_get(c, k));
		for (size_t k = 0; k < json_array_size(a); k++)
			closed = closed || json_equal(id, json_array_get(a, k));
		CHECK(closed);
	}
	json_decref(u);
}

static ll_s3_config multipart_config(void)
{
	ll_s3_config cfg = config();
	cfg.multipart_threshold = 8 << 20;
	cfg.part_size = 5 << 20;
	return cfg;
}

static void test_multipart_faults(void)
{
	ll_s3_config cfg = multipart_config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	size_t len = (12 << 20) + 7;
	char path[1200];
	write_big_file(path, sizeof(path), len, 21);
	set_rules("{\"rules\": ["
		  "{\"match\": \"^PUT .*partNumber=\", \"faults\": [\"500\", \"reset\"]},"
		  "{\"match\": \"^POST .*uploadId=\", \"faults\": [\"error200\", \"503\"]},"
		  "{\"match\": \"^POST .*uploads\", \"faults\": [\"slowdown\"]}]}");
	int before_started, before_completed, before_aborted;
	check_no_open_uploads(&before_started, &before_completed, &before_aborted);
	CHECK_OK(ll_s3_put_file(c, B, "mp/faulty.bin", path, &err), &err);
	unsigned char *data = malloc(len);
	s3_fill(data, len, 21);
	check_object(c, "mp/faulty.bin", data, len);
	free(data);
	CHECK_INT(logged("partNumber=1&", ""), 1);
	CHECK_INT(logged("partNumber=2&", ""), 1);
	CHECK_INT(logged("partNumber=3&", ""), 1);
	CHECK_INT(logged("partNumber=4&", NULL), 0);
	CHECK_INT(logged("partNumber=", "reset"), 3);
	CHECK_INT(logged("uploadId=", "error200"), 1);
	int started, completed, aborted;
	check_no_open_uploads(&started, &completed, &aborted);
	CHECK_INT(started - before_started, 1);
	CHECK_INT(completed - before_completed, 1);
	CHECK_INT(aborted - before_aborted, 0);
	ll_s3_client_free(c);
}

static void test_multipart_aborted(void)
{
	ll_s3_config cfg = multipart_config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	char path[1200];
	write_big_file(path, sizeof(path), (11 << 20) + 1, 22);
	int started0, completed0, aborted0, started, completed, aborted;
	check_no_open_uploads(&started0, &completed0, &aborted0);

	set_rules("{\"rules\": [{\"match\": \"partNumber=2&\", \"faults\": [\"400\"],"
		  " \"repeat\": true}]}");
	CHECK_INT(ll_s3_put_file(c, B, "mp/refused.bin", path, &err), LL_EINVAL);
	CHECK(strstr(err.message, "upload part 2 of 3 to s3://" B "/mp/refused.bin") != NULL);
	check_no_open_uploads(&started, &completed, &aborted);
	CHECK_INT(started - started0, 1);
	CHECK_INT(completed - completed0, 0);
	CHECK_INT(aborted - aborted0, 1);
	ll_s3_object_info info;
	CHECK_INT(ll_s3_head_object(c, B, "mp/refused.bin", &info, &err), LL_ENOTFOUND);

	/* When even the abort is refused, the message names the upload. */
	set_rules("{\"rules\": [{\"match\": \"partNumber=3&\", \"faults\": [\"400\"],"
		  " \"repeat\": true},"
		  "{\"match\": \"^DELETE .*uploadId=\", \"faults\": [\"403\"], \"repeat\": true}]}");
	CHECK_INT(ll_s3_put_file(c, B, "mp/stuck.bin", path, &err), LL_EINVAL);
	CHECK(strstr(err.message, "could not be aborted") != NULL);
	CHECK(strstr(err.message, "upload id ") != NULL);
	CHECK(strstr(err.message, "AccessDenied") != NULL);
	ll_s3_client_free(c);
}

static int count_entry(void *user, const ll_s3_list_entry *e)
{
	(void)e;
	(*(int *)user)++;
	return 0;
}

static void test_list_and_delete_faults(void)
{
	ll_s3_config cfg = config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	set_rules("{\"rules\": []}");
	char keys[20][32];
	const char *ptrs[20];
	for (int i = 0; i < 20; i++) {
		snprintf(keys[i], sizeof(keys[i]), "batch/%02d", i);
		ptrs[i] = keys[i];
		CHECK_OK(ll_s3_put_object(c, B, keys[i], "x", 1, &err), &err);
	}
	set_rules("{\"rules\": ["
		  "{\"match\": \"^GET .*list-type=2\", \"faults\": [\"503\", \"reset-mid\"]},"
		  "{\"match\": \"^POST .*delete\", \"faults\": [\"500\", \"reset\"]}]}");
	int n = 0;
	CHECK_OK(ll_s3_list_objects_v2(c, B, "batch/", NULL, count_entry, &n, &err), &err);
	CHECK_INT(n, 20);
	CHECK_OK(ll_s3_delete_objects(c, B, ptrs, 20, &err), &err);
	n = 0;
	set_rules("{\"rules\": []}");
	CHECK_OK(ll_s3_list_objects_v2(c, B, "batch/", NULL, count_entry, &n, &err), &err);
	CHECK_INT(n, 0);
	ll_s3_client_free(c);
}

/* The listed objects' times, in key order. */
typedef struct listed_times {
	int64_t ms[8];
	int n;
} listed_times;

static int note_time(void *user, const ll_s3_list_entry *e)
{
	listed_times *t = user;
	if (t->n < 8)
		t->ms[t->n] = e->last_modified_ms;
	t->n++;
	return 0;
}

/*
 * Objects S3 lists without a LastModified, or with one that does not read,
 * are dated when the listing began, however old they are, so whatever
 * deletes by age keeps them.
 */
static void test_list_without_last_modified(void)
{
	ll_s3_config cfg = config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	set_rules("{\"rules\": []}");
	const char *keys[] = { "undated/0", "undated/1", "undated/2", "undated/3" };
	for (int i = 0; i < 4; i++)
		CHECK_OK(ll_s3_put_object(c, B, keys[i], "x", 1, &err), &err);
	listed_times told = { 0 };
	CHECK_OK(ll_s3_list_objects_v2(c, B, "undated/", NULL, note_time, &told, &err), &err);
	int64_t written_ms = ll_time_now_micros() / 1000;
	set_rules("{\"rules\": [{\"match\": \"^GET .*list-type=2\", "
		  "\"faults\": [\"bad-last-modified\"], \"repeat\": true}]}");
	listed_times spoiled = { 0 };
	int64_t before_ms = ll_time_now_micros() / 1000;
	CHECK_OK(ll_s3_list_objects_v2(c, B, "undated/", NULL, note_time, &spoiled, &err), &err);
	int64_t after_ms = ll_time_now_micros() / 1000;
	CHECK_INT(logged("list-type=2", "bad-last-modified"), 1);
	CHECK_INT(told.n, 4);
	CHECK_INT(spoiled.n, 4);
	for (int i = 0; i < 4 && i < spoiled.n; i++) {
		/* as S3 sent them: to the second, when they were written */
		CHECK(told.ms[i] <= written_ms && told.ms[i] % 1000 == 0);
		CHECK(spoiled.ms[i] >= before_ms && spoiled.ms[i] <= after_ms);
	}
	set_rules("{\"rules\": []}");
	CHECK_OK(ll_s3_delete_objects(c, B, keys, 4, &err), &err);
	ll_s3_client_free(c);
}

static void test_delete_refused(void)
{
	ll_s3_config cfg = config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	set_rules("{\"rules\": []}");
	char keys[20][32];
	const char *ptrs[20];
	for (int i = 0; i < 20; i++) {
		snprintf(keys[i], sizeof(keys[i]), "refused/%02d", i);
		ptrs[i] = keys[i];
		CHECK_OK(ll_s3_put_object(c, B, keys[i], "x", 1, &err), &err);
	}
	set_rules("{\"rules\": [{\"match\": \"^POST .*delete\", \"faults\": [\"partial-delete\"]}]}");
	CHECK_INT(ll_s3_delete_objects(c, B, ptrs, 20, &err), LL_EAUTH);
	CHECK(strstr(err.message, "2 of 20 keys were not deleted; the first, s3://" B
				  "/refused/00: AccessDenied: Access Denied") != NULL);
	CHECK_OK(ll_s3_delete_objects(c, B, ptrs, 20, &err), &err);
	int n = 0;
	CHECK_OK(ll_s3_list_objects_v2(c, B, "refused/", NULL, count_entry, &n, &err), &err);
	CHECK_INT(n, 0);
	ll_s3_client_free(c);
}

static void test_parts_in_parallel(void)
{
	ll_s3_config cfg = multipart_config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	char path[1200];
	write_big_file(path, sizeof(path), (14 << 20) + 3, 23);
	set_rules("{\"rules\": [{\"match\": \"^PUT .*partNumber=\", \"faults\": [\"delay\"]}]}");
	CHECK_OK(ll_s3_put_file(c, B, "mp/parallel.bin", path, &err), &err);
	json_t *stats = s3_http_json(proxy.port, "GET", "/__proxy/stats", NULL);
	CHECK_INT(json_integer_value(json_object_get(stats, "max_in_flight")), 3);
	json_decref(stats);
	ll_s3_client_free(c);
}

static void test_wrong_region(void)
{
	ll_s3_config cfg = config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	set_rules("{\"rules\": [{\"match\": \"elsewhere\", \"faults\": [\"wrong-region\"]}]}");
	CHECK_INT(ll_s3_put_object(c, B, "elsewhere", "x", 1, &err), LL_EINVAL);
	CHECK(strstr(err.message, "HTTP 301 PermanentRedirect") != NULL);
	CHECK(strstr(err.message, "the bucket is in region eu-north-1") != NULL);
	ll_s3_client_free(c);
}

static void test_changed_while_read(void)
{
	ll_s3_config cfg = config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	set_rules("{\"rules\": [{\"match\": \"^GET .*pinned\", \"faults\": [\"412\"]}]}");
	CHECK_OK(ll_s3_put_object(c, B, "pinned.parquet", "PAR1....PAR1", 12, &err), &err);
	ll_parquet_source src;
	CHECK_OK(ll_s3_parquet_source(c, B, "pinned.parquet", &src, &err), &err);
	CHECK_INT(src.size, 12);
	char buf[4];
	CHECK_INT(src.read_at(src.ctx, 8, buf, 4, &err), LL_ECONFLICT);
	CHECK(strstr(err.message, "changed while it was being read") != NULL);
	CHECK_OK(src.read_at(src.ctx, 8, buf, 4, &err), &err);
	CHECK(memcmp(buf, "PAR1", 4) == 0);
	src.close(src.ctx);
	ll_s3_client_free(c);
}

LL_TEST_MAIN(LL_TEST(test_retried_faults), LL_TEST(test_truncated_and_stalled),
	     LL_TEST(test_not_retried), LL_TEST(test_retries_run_out),
	     LL_TEST(test_multipart_faults), LL_TEST(test_multipart_aborted),
	     LL_TEST(test_parts_in_parallel), LL_TEST(test_list_and_delete_faults),
	     LL_TEST(test_list_without_last_modified),
	     LL_TEST(test_delete_refused), LL_TEST(test_wrong_region),
	     LL_TEST(test_changed_while_read))
