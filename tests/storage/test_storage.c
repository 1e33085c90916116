/*
 * ll_storage: one behaviour suite run against a local directory and against
 * an S3 prefix on the s3rver emulator, so the loader, the catalog and the
 * engine can rely on the same answers from both: puts and gets by key and by
 * location, keys that need encoding, moves, sorted recursive listings past
 * one S3 page, listed sizes and modification times, deletes, ranged reads,
 * missing objects, and location mapping.
 * Then what only one backend has: rejected S3 credentials, roots, threads.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "s3/s3_fixture.h"
#include "storage/storage.h"
#include "test.h"
#include "util/fs.h"
#include "util/time.h"

static s3_node server;
static char server_dir[1024]; /* where s3rver keeps the objects */
static char endpoint[64];
static char tmp[1024];

static void stop_server(void)
{
	s3_node_stop(&server);
}

static ll_s3_config s3_config(void)
{
	if (!server.pid) {
		ll_test_tmpdir("storage-s3rver", server_dir, sizeof(server_dir));
		s3_emulator_start(&server, server_dir);
		atexit(stop_server);
	}
	ll_s3_config cfg;
	s3_test_config(&cfg, endpoint, sizeof(endpoint), server.port);
	return cfg;
}

static ll_storage *open_storage(const char *root, const ll_storage_options *opt)
{
	ll_storage *s = NULL;
	ll_error err;
	CHECK_OK(ll_storage_open(&s, root, opt, &err), &err);
	if (!s)
		exit(2);
	return s;
}

/* A local file with the given contents, in the test's scratch directory. */
static const char *scratch_file(const char *name, const char *contents, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", tmp, name);
	ll_error err;
	CHECK_OK(ll_fs_write_atomic(buf, contents, strlen(contents), &err), &err);
	return buf;
}

static void check_get(ll_storage *s, const char *key, const char *want)
{
	ll_buf got = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(ll_storage_get(s, key, &got, &err), &err);
	CHECK_STR(ll_buf_cstr(&got), want);
	ll_buf_free(&got);
}

static const char *const odd_keys[] = {
	"odd/with space/a b.txt",
	"odd/unicode/\xc3\xa9t\xc3\xa9 \xe2\x9c\x93.txt",
	"odd/plus+equals=percent%20.txt",
	"odd/year=2024/month=01/part+1.parquet",
};

static void suite_put_get(ll_storage *s)
{
	ll_error err;
	CHECK_OK(ll_storage_put(s, "ds/t/one.txt", "one", 3, &err), &err);
	check_get(s, "ds/t/one.txt", "one");
	CHECK_OK(ll_storage_put(s, "ds/t/one.txt", "uno", 3, &err), &err);
	check_get(s, "ds/t/one.txt", "uno");
	for (size_t i = 0; i < sizeof(odd_keys) / sizeof(odd_keys[0]); i++) {
		CHECK_OK(ll_storage_put(s, odd_keys[i], odd_keys[i], strlen(odd_keys[i]), &err), &err);
		check_get(s, odd_keys[i], odd_keys[i]);
		bool exists = false;
		uint64_t size = 0;
		CHECK_OK(ll_storage_exists(s, odd_keys[i], &exists, &size, &err), &err);
		CHECK(exists);
		CHECK_INT(size, strlen(odd_keys[i]));
	}
	/* The same object by its location. */
	ll_buf loc = LL_BUF_INIT;
	ll_storage_location(s, odd_keys[0], &loc);
	check_get(s, ll_buf_cstr(&loc), odd_keys[0]);
	ll_buf_free(&loc);
}

static void suite_put_file(ll_storage *s)
{
	ll_error err;
	char path[1200];
	scratch_file("moved.txt", "moved bytes", path, sizeof(path));
	CHECK_OK(ll_storage_put_file(s, "ds/files/moved.txt", path, true, &err), &err);
	CHECK(!ll_fs_exists(path));
	check_get(s, "ds/files/moved.txt", "moved bytes");
	scratch_file("kept.txt", "kept bytes", path, sizeof(path));
	CHECK_OK(ll_storage_put_file(s, "ds/files/kept.txt", path, false, &err), &err);
	CHECK(ll_fs_exists(path));
	check_get(s, "ds/files/kept.txt", "kept bytes");
	/* A missing local file is an error naming it, and nothing is stored. */
	snprintf(path, sizeof(path), "%s/never-written.txt", tmp);
	CHECK(ll_storage_put_file(s, "ds/files/none.txt", path, true, &err) != LL_OK);
	CHECK(strstr(err.message, "never-written.txt") != NULL);
	bool exists = true;
	CHECK_OK(ll_storage_exists(s, "ds/files/none.txt", &exists, NULL, &err), &err);
	CHECK(!exists);
}

static void suite_missing(ll_storage *s)
{
	ll_error err;
	ll_buf got = LL_BUF_INIT;
	CHECK_INT(ll_storage_get(s, "ds/missing/nothing.txt", &got, &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "ds/missing/nothing.txt") != NULL);
	ll_parquet_source src;
	CHECK_INT(ll_storage_open_source(s, "ds/missing/nothing.parquet", &src, &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "ds/missing/nothing.parquet") != NULL);
	bool exists = true;
	CHECK_OK(ll_storage_exists(s, "ds/missing/nothing.txt", &exists, NULL, &err), &err);
	CHECK(!exists);
	ll_buf_free(&got);
}

static void suite_source(ll_storage *s)
{
	char data[5000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3);
	ll_error err;
	CHECK_OK(ll_storage_put(s, "ds/bin/ranges.bin", data, sizeof(data), &err), &err);
	ll_parquet_source src;
	CHECK_OK(ll_storage_open_source(s, "ds/bin/ranges.bin", &src, &err), &err);
	CHECK_INT(src.size, sizeof(data));
	char got[1000];
	CHECK_OK(src.read_at(src.ctx, 4000, got, 1000, &err), &err);
	CHECK(memcmp(got, data + 4000, 1000) == 0);
	CHECK_OK(src.read_at(src.ctx, 17, got, 5, &err), &err);
	CHECK(memcmp(got, data + 17, 5) == 0);
	src.close(src.ctx);
}

static void suite_list_delete(ll_storage *s)
{
	enum { N = 1100 };
	ll_error err;
	char key[64];
	/* Written in reverse so a listing has to sort. */
	for (int i = N - 1; i >= 0; i--) {
		snprintf(key, sizeof(key), "many/p%02d/k%05d", i % 3, i);
		CHECK_OK(ll_storage_put(s, key, "x", 1, &err), &err);
	}
	/*
	 * '_' sorts after '/': s3rver pages through its directories in walk
	 * order, so a sibling sorting before "many/" would fall between pages
	 * there, which real S3 does not do.
	 */
	CHECK_OK(ll_storage_put(s, "many_other/k", "x", 1, &err), &err);
	char **keys;
	size_t n;
	CHECK_OK(ll_storage_list(s, "many/", &keys, &n, &err), &err);
	CHECK_INT(n, N);
	bool sorted = true;
	for (size_t i = 1; i < n; i++)
		sorted &= strcmp(keys[i - 1], keys[i]) < 0;
	CHECK(sorted);
	CHECK_STR(n ? keys[0] : NULL, "many/p00/k00000");
	ll_storage_free_list(keys, n);
	/* A prefix need not end at a '/'. */
	CHECK_OK(ll_storage_list(s, "many", &keys, &n, &err), &err);
	CHECK_INT(n, N + 1);
	CHECK_STR(n ? keys[n - 1] : NULL, "many_other/k");
	/* Delete them all in one call, with a key that never existed. */
	char **doomed = calloc(n + 1, sizeof(*doomed));
	memcpy(doomed, keys, n * sizeof(*keys));
	doomed[n] = "many/never/existed";
	CHECK_OK(ll_storage_delete(s, (const char *const *)doomed, n + 1, &err), &err);
	free(doomed);
	ll_storage_free_list(keys, n);
	CHECK_OK(ll_storage_list(s, "many", &keys, &n, &err), &err);
	CHECK_INT(n, 0);
	ll_storage_free_list(keys, n);
	CHECK_OK(ll_storage_list(s, "nothing-here/", &keys, &n, &err), &err);
	CHECK_INT(n, 0);
	ll_storage_free_list(keys, n);
	CHECK_OK(ll_storage_delete(s, NULL, 0, &err), &err);
}

/* Where a key's bytes lie on disk: dir/key followed by suffix. */
typedef struct backing {
	const char *dir;
	const char *suffix;
} backing;

/*
 * A listing gives each object's size and when it was last written: an
 * object just put is dated now (to the second, as S3 dates them), and one
 * whose file is dated 2001-02-03T04:05:06Z (the local file, or the file
 * s3rver keeps it in) lists with that time to the millisecond.
 */
static void suite_list_entries(ll_storage *s, const backing *b)
{
	ll_error err;
	int64_t before_ms = ll_time_now_micros() / 1000;
	CHECK_OK(ll_storage_put(s, "ages/new", "abc", 3, &err), &err);
	CHECK_OK(ll_storage_put(s, "ages/old", "0123456789", 10, &err), &err);
	char path[2200];
	snprintf(path, sizeof(path), "%s/ages/old%s", b->dir, b->suffix);
	const struct timespec then[2] = { { 981173106, 0 }, { 981173106, 0 } };
	CHECK(utimensat(AT_FDCWD, path, then, 0) == 0);
	ll_storage_entry *e = NULL;
	size_t n = 0;
	CHECK_OK(ll_storage_list_entries(s, "ages/", &e, &n, &err), &err);
	int64_t after_ms = ll_time_now_micros() / 1000;
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(e[0].key, "ages/new");
		CHECK_INT(e[0].size, 3);
		CHECK(e[0].modified_ms >= before_ms / 1000 * 1000 && e[0].modified_ms <= after_ms);
		CHECK_STR(e[1].key, "ages/old");
		CHECK_INT(e[1].size, 10);
		CHECK_INT(e[1].modified_ms, INT64_C(981173106000));
	}
	const char *keys[] = { "ages/new", "ages/old" };
	CHECK_OK(ll_storage_delete(s, keys, 2, &err), &err);
	ll_storage_free_entries(e, n);
	CHECK_OK(ll_storage_list_entries(s, "ages/", &e, &n, &err), &err);
	CHECK_INT(n, 0);
	ll_storage_free_entries(e, n);
}

static void suite_odd_listing(ll_storage *s)
{
	ll_error err;
	char **keys;
	size_t n;
	CHECK_OK(ll_storage_list(s, "odd/", &keys, &n, &err), &err);
	CHECK_INT(n, sizeof(odd_keys) / sizeof(odd_keys[0]));
	for (size_t i = 0; i < n; i++) {
		bool known = false;
		for (size_t k = 0; k < sizeof(odd_keys) / sizeof(odd_keys[0]); k++)
			known |= strcmp(keys[i], odd_keys[k]) == 0;
		CHECK(known);
	}
	ll_storage_free_list(keys, n);
}

/* Reads a location that map_from/map_to rewrite onto this storage's root. */
static void suite_mapping(const char *root, const ll_storage_options *base)
{
	ll_storage *plain = open_storage(root, base);
	ll_error err;
	CHECK_OK(ll_storage_put(plain, "mapped/data.txt", "mapped", 6, &err), &err);
	ll_buf to = LL_BUF_INIT;
	ll_buf_printf(&to, "%s/mapped/", ll_storage_root(plain));
	ll_storage_options opt = *base;
	opt.map_from = "s3://hyperparam-iceberg/warehouse/";
	opt.map_to = ll_buf_cstr(&to);
	ll_storage *mapped = open_storage(root, &opt);
	check_get(mapped, "s3://hyperparam-iceberg/warehouse/data.txt", "mapped");
	bool exists = false;
	CHECK_OK(ll_storage_exists(mapped, "s3://hyperparam-iceberg/warehouse/data.txt", &exists, NULL,
				   &err), &err);
	CHECK(exists);
	ll_buf_free(&to);
	ll_storage_free(mapped);
	ll_storage_free(plain);
}

static void run_suite(const char *root, const ll_storage_options *opt, const backing *b)
{
	ll_storage *s = open_storage(root, opt);
	suite_put_get(s);
	suite_put_file(s);
	suite_missing(s);
	suite_source(s);
	suite_list_delete(s);
	suite_list_entries(s, b);
	suite_odd_listing(s);
	ll_storage_free(s);
	suite_mapping(root, opt);
}

static void test_local_suite(void)
{
	ll_test_tmpdir("storage", tmp, sizeof(tmp));
	char root[1100];
	snprintf(root, sizeof(root), "%s/lake", tmp);
	ll_storage_options opt = { 0 };
	run_suite(root, &opt, &(backing){ root, "" });
}

static void test_s3_suite(void)
{
	ll_test_tmpdir("storage", tmp, sizeof(tmp));
	ll_s3_config cfg = s3_config();
	ll_storage_options opt = { .s3 = &cfg };
	char dir[1200];
	snprintf(dir, sizeof(dir), "%s/" S3_TEST_BUCKET "/suite/prefix", server_dir);
	run_suite("s3://" S3_TEST_BUCKET "/suite/prefix", &opt, &(backing){ dir, "._S3rver_object" });
}

static void test_local_locations(void)
{
	ll_test_tmpdir("storage-local", tmp, sizeof(tmp));
	char root[1100], want[1200];
	snprintf(root, sizeof(root), "%s/lake/", tmp);
	ll_storage *s = open_storage(root, NULL);
	CHECK(ll_storage_is_local(s));
	snprintf(want, sizeof(want), "file://%s/lake", tmp);
	CHECK_STR(ll_storage_root(s), want);
	ll_buf loc = LL_BUF_INIT;
	ll_storage_location(s, "ds/t/f.parquet", &loc);
	snprintf(want, sizeof(want), "file://%s/lake/ds/t/f.parquet", tmp);
	CHECK_STR(ll_buf_cstr(&loc), want);
	ll_error err;
	CHECK_OK(ll_storage_put(s, "ds/t/f.parquet", "pq", 2, &err), &err);
	/* A plain absolute path and a file:// URL reach the same file. */
	check_get(s, ll_buf_cstr(&loc), "pq");
	check_get(s, ll_buf_cstr(&loc) + strlen("file://"), "pq");
	/* A file:// root opens the same lake. */
	snprintf(want, sizeof(want), "file://%s/lake", tmp);
	ll_storage *again = open_storage(want, NULL);
	check_get(again, "ds/t/f.parquet", "pq");
	CHECK_STR(ll_storage_root(again), want);
	ll_storage_free(again);
	ll_buf_free(&loc);
	ll_storage_free(s);
}

static void test_s3_roots(void)
{
	ll_s3_config cfg = s3_config();
	ll_storage_options opt = { .s3 = &cfg };
	ll_storage *s = open_storage("s3://" S3_TEST_BUCKET "/a/b/", &opt);
	CHECK(!ll_storage_is_local(s));
	CHECK_STR(ll_storage_root(s), "s3://" S3_TEST_BUCKET "/a/b");
	ll_buf loc = LL_BUF_INIT;
	ll_storage_location(s, "k/v", &loc);
	CHECK_STR(ll_buf_cstr(&loc), "s3://" S3_TEST_BUCKET "/a/b/k/v");
	ll_buf_free(&loc);
	ll_storage_free(s);
	s = open_storage("s3://" S3_TEST_BUCKET, &opt);
	CHECK_STR(ll_storage_root(s), "s3://" S3_TEST_BUCKET);
	ll_error err;
	CHECK_OK(ll_storage_put(s, "at-bucket-root.txt", "top", 3, &err), &err);
	ll_storage_free(s);
	/* The object is where a client of the bucket finds it. */
	ll_s3_client *c = s3_test_client(&cfg);
	ll_buf got = LL_BUF_INIT;
	CHECK_OK(ll_s3_get_object(c, S3_TEST_BUCKET, "at-bucket-root.txt", &got, &err), &err);
	CHECK_STR(ll_buf_cstr(&got), "top");
	ll_buf_free(&got);
	ll_s3_client_free(c);
	/* Without S3 options an s3:// lake is refused with what to give. */
	s = NULL;
	CHECK_INT(ll_storage_open(&s, "s3://" S3_TEST_BUCKET "/x", NULL, &err), LL_EINVAL);
	CHECK(strstr(err.message, "credentials") != NULL);
	CHECK_INT(ll_storage_open(&s, "gs://bucket/x", NULL, &err), LL_EINVAL);
	CHECK(s == NULL);
	/* A local lake cannot reach S3 locations without options either. */
	ll_test_tmpdir("storage-local", tmp, sizeof(tmp));
	ll_storage *local = open_storage(tmp, NULL);
	CHECK_INT(ll_storage_get(local, "s3://" S3_TEST_BUCKET "/at-bucket-root.txt", &got, &err),
		  LL_EINVAL);
	ll_storage_free(local);
}

static void test_s3_wrong_secret(void)
{
	ll_s3_config cfg = s3_config();
	cfg.secret_access_key = "wrong-secret-value-77";
	ll_storage_options opt = { .s3 = &cfg };
	ll_storage *s = open_storage("s3://" S3_TEST_BUCKET "/denied", &opt);
	ll_error err;
	CHECK_INT(ll_storage_put(s, "k", "x", 1, &err), LL_EAUTH);
	CHECK(strstr(err.message, "s3://" S3_TEST_BUCKET "/denied/k") != NULL);
	CHECK(strstr(err.message, "wrong-secret-value-77") == NULL);
	ll_buf got = LL_BUF_INIT;
	CHECK_INT(ll_storage_get(s, "k", &got, &err), LL_EAUTH);
	CHECK(strstr(err.message, "wrong-secret-value-77") == NULL);
	char **keys;
	size_t n;
	CHECK_INT(ll_storage_list(s, "", &keys, &n, &err), LL_EAUTH);
	CHECK(strstr(err.message, "wrong-secret-value-77") == NULL);
	ll_buf_free(&got);
	ll_storage_free(s);
}

typedef struct worker {
	ll_storage *s;
	int id;
	int failures;
} worker;

static void *work(void *arg)
{
	worker *w = arg;
	char key[64], body[64];
	ll_buf got = LL_BUF_INIT;
	for (int i = 0; i < 20; i++) {
		ll_error err;
		snprintf(key, sizeof(key), "threads/w%d/%02d", w->id, i);
		snprintf(body, sizeof(body), "worker %d item %d", w->id, i);
		if (ll_storage_put(w->s, key, body, strlen(body), &err) != LL_OK ||
		    ll_storage_get(w->s, key, &got, &err) != LL_OK || strcmp(ll_buf_cstr(&got), body) != 0)
			w->failures++;
	}
	ll_buf_free(&got);
	return NULL;
}

static void test_s3_threads(void)
{
	ll_s3_config cfg = s3_config();
	ll_storage_options opt = { .s3 = &cfg };
	ll_storage *s = open_storage("s3://" S3_TEST_BUCKET "/shared", &opt);
	pthread_t t[4];
	worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (worker){ s, i, 0 };
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(w[i].failures, 0);
	}
	char **keys;
	size_t n;
	ll_error err;
	CHECK_OK(ll_storage_list(s, "threads/", &keys, &n, &err), &err);
	CHECK_INT(n, 80);
	ll_storage_free_list(keys, n);
	ll_storage_free(s);
}

LL_TEST_MAIN(LL_TEST(test_local_suite), LL_TEST(test_local_locations), LL_TEST(test_s3_suite),
	     LL_TEST(test_s3_roots), LL_TEST(test_s3_wrong_secret), LL_TEST(test_s3_threads))
