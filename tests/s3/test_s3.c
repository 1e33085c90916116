/*
 * The S3 client against the s3rver emulator, which checks every SigV4
 * signature: puts and gets (memory, files, ranges), head, listings across
 * pages and with a delimiter, batch deletes, multipart uploads, copies,
 * keys with characters that need encoding, rejected credentials, connection
 * reuse and the Parquet reader reading through an S3 source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/parquet/parquet_reader.h"
#include "s3_fixture.h"
#include "storage/s3_internal.h"
#include "test.h"

#define B S3_TEST_BUCKET

static s3_node server;
static ll_s3_client *shared;
static char endpoint[64];
static char tmpdir[1024];

static void stop_server(void)
{
	ll_s3_client_free(shared);
	s3_node_stop(&server);
}

static ll_s3_config config(void)
{
	if (!server.pid) {
		ll_test_tmpdir("s3", tmpdir, sizeof(tmpdir));
		char dir[1100];
		ll_test_tmpdir("s3/store", dir, sizeof(dir));
		s3_emulator_start(&server, dir);
		atexit(stop_server);
	}
	ll_s3_config cfg;
	s3_test_config(&cfg, endpoint, sizeof(endpoint), server.port);
	return cfg;
}

static ll_s3_client *client(void)
{
	if (!shared) {
		ll_s3_config cfg = config();
		shared = s3_test_client(&cfg);
	}
	return shared;
}

static void check_object(ll_s3_client *c, const char *key, const void *data, size_t len)
{
	ll_buf got = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(ll_s3_get_object(c, B, key, &got, &err), &err);
	CHECK_INT(got.len, len);
	CHECK(got.len == len && (len == 0 || memcmp(got.data, data, len) == 0));
	ll_buf_free(&got);
}

static void test_put_get_head(void)
{
	ll_s3_client *c = client();
	ll_error err;
	CHECK_OK(ll_s3_put_object(c, B, "hello.txt", "hello, lake", 11, &err), &err);
	check_object(c, "hello.txt", "hello, lake", 11);
	ll_s3_object_info info;
	CHECK_OK(ll_s3_head_object(c, B, "hello.txt", &info, &err), &err);
	CHECK_INT(info.size, 11);
	/* s3rver's ETag of a single PUT is the quoted MD5, as S3's is. */
	CHECK_STR(info.etag, "\"99cbf518b779a7cf750fbc6e0de5ab35\"");
	CHECK(info.last_modified[0] != '\0');
	CHECK_OK(ll_s3_put_object(c, B, "hello.txt", "replaced", 8, &err), &err);
	check_object(c, "hello.txt", "replaced", 8);
	CHECK_OK(ll_s3_put_object(c, B, "empty", NULL, 0, &err), &err);
	check_object(c, "empty", "", 0);
	CHECK_OK(ll_s3_head_object(c, B, "empty", &info, &err), &err);
	CHECK_INT(info.size, 0);
}

static void test_ranges(void)
{
	ll_s3_client *c = client();
	ll_error err;
	unsigned char data[1000], got[1000];
	s3_fill(data, sizeof(data), 7);
	CHECK_OK(ll_s3_put_object(c, B, "range.bin", data, sizeof(data), &err), &err);
	static const size_t cases[][2] = {
		{ 0, 10 }, { 990, 10 }, { 500, 1 }, { 0, 1000 }, { 123, 456 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(got, 0, sizeof(got));
		CHECK_OK(ll_s3_get_range(c, B, "range.bin", cases[i][0], cases[i][1], got, &err),
			 &err);
		CHECK(memcmp(got, data + cases[i][0], cases[i][1]) == 0);
	}
	CHECK_OK(ll_s3_get_range(c, B, "range.bin", 5000, 0, got, &err), &err);
	CHECK_INT(ll_s3_get_range(c, B, "range.bin", 995, 10, got, &err), LL_EIO);
	CHECK(strstr(err.message, "shorter") != NULL);
	CHECK_INT(ll_s3_get_range(c, B, "range.bin", 2000, 10, got, &err), LL_EINVAL);
	CHECK(strstr(err.message, "416") != NULL);
}

static void test_not_found(void)
{
	ll_s3_client *c = client();
	ll_error err;
	ll_buf got = LL_BUF_INIT;
	CHECK_INT(ll_s3_get_object(c, B, "no/such key", &got, &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "s3://" B "/no/such key") != NULL);
	CHECK(strstr(err.message, "HTTP 404 NoSuchKey") != NULL);
	ll_s3_object_info info;
	CHECK_INT(ll_s3_head_object(c, B, "no/such key", &info, &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "HEAD s3://" B "/no/such key: HTTP 404") != NULL);
	CHECK_INT(ll_s3_get_object(c, "no-such-bucket", "k", &got, &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "NoSuchBucket") != NULL);
	CHECK_INT(ll_s3_put_object(c, "Bad/Bucket", "k", "x", 1, &err), LL_EINVAL);
	CHECK_INT(ll_s3_put_object(c, B, "", "x", 1, &err), LL_EINVAL);
	CHECK_INT(ll_s3_get_object(c, B, NULL, &got, &err), LL_EINVAL);
	ll_buf_free(&got);
}

static void check_rejected(ll_s3_config cfg, const char *expect_code)
{
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	ll_buf got = LL_BUF_INIT;
	CHECK_INT(ll_s3_put_object(c, B, "denied/k", "x", 1, &err), LL_EAUTH);
	CHECK(strstr(err.message, "PUT s3://" B "/denied/k") != NULL);
	CHECK(strstr(err.message, "HTTP 403") != NULL);
	CHECK(strstr(err.message, expect_code) != NULL);
	CHECK(strstr(err.message, "attempts") == NULL); /* a 403 is not retried */
	CHECK(strstr(err.message, cfg.secret_access_key) == NULL);
	CHECK_INT(ll_s3_get_object(c, B, "hello.txt", &got, &err), LL_EAUTH);
	ll_buf_free(&got);
	ll_s3_client_free(c);
}

static void test_wrong_credentials(void)
{
	ll_s3_config cfg = config();
	cfg.secret_access_key = "not-the-secret-42";
	check_rejected(cfg, "SignatureDoesNotMatch");
	cfg = config();
	cfg.access_key_id = "NOBODY";
	check_rejected(cfg, "InvalidAccessKeyId");
}

static void test_session_token(void)
{
	ll_s3_config cfg = config();
	cfg.session_token = "token-value-that-must-stay-secret";
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	CHECK_OK(ll_s3_put_object(c, B, "token/k", "with token", 10, &err), &err);
	check_object(c, "token/k", "with token", 10);
	ll_buf got = LL_BUF_INIT;
	CHECK_INT(ll_s3_get_object(c, B, "token/missing", &got, &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "token-value") == NULL);
	ll_buf_free(&got);
	ll_s3_client_free(c);
}

/*
 * Keys that need encoding. s3rver escapes & < > ' twice in its listings
 * (it lists "a&b" as "a&amp;b"), so those keys are checked by name only;
 * test_s3_unit shows the XML reader decodes them.
 */
static const struct {
	const char *key;
	bool listable;
} special_keys[] = {
	{ "special/a b/\xC3\xBC+=%.txt", true },
	{ "special/plus+plus", true },
	{ "special/percent%20is-not-a-space", true },
	{ "special/%2F", true },
	{ "special/semi;colon,comma:colon@at$dollar=", true },
	{ "special/emoji \xF0\x9F\x98\x80 and \xE4\xB8\xAD\xE6\x96\x87", true },
	{ "special/question?hash#", true },
	{ "special/tilde~star*paren(1)!", true },
	{ "special/quote'and\"angle<b>&amp", false },
};
#define NSPECIAL (sizeof(special_keys) / sizeof(special_keys[0]))

typedef struct seen {
	size_t count;
	size_t prefixes;
	char keys[64][256];
	uint64_t total;
	int stop_after;
} seen;

static int remember(void *user, const ll_s3_list_entry *e)
{
	seen *s = user;
	if (s->count < 64)
		snprintf(s->keys[s->count], sizeof(s->keys[0]), "%s", e->key);
	s->count++;
	s->prefixes += e->is_prefix;
	s->total += e->size;
	return s->stop_after && (int)s->count >= s->stop_after;
}

static bool listed(const seen *s, const char *key)
{
	for (size_t i = 0; i < s->count && i < 64; i++) {
		if (strcmp(s->keys[i], key) == 0)
			return true;
	}
	return false;
}

static void test_special_keys(void)
{
	ll_s3_client *c = client();
	ll_error err;
	for (size_t i = 0; i < NSPECIAL; i++) {
		const char *k = special_keys[i].key;
		CHECK_OK(ll_s3_put_object(c, B, k, k, strlen(k), &err), &err);
		check_object(c, k, k, strlen(k));
		ll_s3_object_info info;
		CHECK_OK(ll_s3_head_object(c, B, k, &info, &err), &err);
		CHECK_INT(info.size, strlen(k));
	}
	seen s = { 0 };
	CHECK_OK(ll_s3_list_objects_v2(c, B, "special/", NULL, remember, &s, &err), &err);
	CHECK_INT(s.count, NSPECIAL);
	for (size_t i = 0; i < NSPECIAL; i++)
		CHECK(!special_keys[i].listable || listed(&s, special_keys[i].key));
	seen sub = { 0 };
	CHECK_OK(ll_s3_list_objects_v2(c, B, "special/a b/", NULL, remember, &sub, &err), &err);
	CHECK_INT(sub.count, 1);
	CHECK(listed(&sub, special_keys[0].key));
}

static void test_list_pages_and_delete(void)
{
	ll_s3_client *c = client();
	ll_error err;
	enum { N = 1100 };
	char **keys = calloc(N + 1, sizeof(*keys));
	for (size_t i = 0; i < N; i++) {
		keys[i] = malloc(32);
		snprintf(keys[i], 32, "many/k%05zu", i);
		CHECK_OK(ll_s3_put_object(c, B, keys[i], keys[i], strlen(keys[i]), &err), &err);
	}
	seen s = { 0 };
	CHECK_OK(ll_s3_list_objects_v2(c, B, "many/", NULL, remember, &s, &err), &err);
	CHECK_INT(s.count, N);
	CHECK_INT(s.total, (uint64_t)N * strlen("many/k00000"));
	CHECK_STR(s.keys[0], "many/k00000");
	seen early = { .stop_after = 5 };
	CHECK_OK(ll_s3_list_objects_v2(c, B, "many/", NULL, remember, &early, &err), &err);
	CHECK_INT(early.count, 5);
	/* Two batches, and a key that does not exist, which S3 reports deleted. */
	keys[N] = "many/never-existed";
	CHECK_OK(ll_s3_delete_objects(c, B, (const char *const *)keys, N + 1, &err), &err);
	seen after = { 0 };
	CHECK_OK(ll_s3_list_objects_v2(c, B, "many/", NULL, remember, &after, &err), &err);
	CHECK_INT(after.count, 0);
	for (size_t i = 0; i < N; i++)
		free(keys[i]);
	free(keys);
	CHECK_OK(ll_s3_delete_objects(c, B, NULL, 0, &err), &err);
}

static void test_delimiter(void)
{
	ll_s3_client *c = client();
	ll_error err;
	static const char *const keys[] = { "tree/a/1", "tree/a/2", "tree/b/1", "tree/c", "tree/d" };
	for (size_t i = 0; i < 5; i++)
		CHECK_OK(ll_s3_put_object(c, B, keys[i], "x", 1, &err), &err);
	seen s = { 0 };
	CHECK_OK(ll_s3_list_objects_v2(c, B, "tree/", "/", remember, &s, &err), &err);
	CHECK_INT(s.count, 4);
	CHECK_INT(s.prefixes, 2);
	CHECK(listed(&s, "tree/a/") && listed(&s, "tree/b/"));
	CHECK(listed(&s, "tree/c") && listed(&s, "tree/d"));
	CHECK_OK(ll_s3_delete_objects(c, B, keys, 5, &err), &err);
}

static void test_multipart(void)
{
	ll_s3_config cfg = config();
	cfg.multipart_threshold = 8 << 20;
	cfg.part_size = 5 << 20;
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	size_t len = (12 << 20) + 123;
	char path[1200];
	snprintf(path, sizeof(path), "%s/big.bin", tmpdir);
	s3_write_file(path, len, 99);
	CHECK_OK(ll_s3_put_file(c, B, "multi/big.bin", path, &err), &err);
	ll_s3_object_info info;
	CHECK_OK(ll_s3_head_object(c, B, "multi/big.bin", &info, &err), &err);
	CHECK_INT(info.size, len);
	unsigned char *data = malloc(len);
	s3_fill(data, len, 99);
	check_object(c, "multi/big.bin", data, len);
	unsigned char window[4096];
	uint64_t across = (5 << 20) - 2048; /* straddles parts 1 and 2 */
	CHECK_OK(ll_s3_get_range(c, B, "multi/big.bin", across, sizeof(window), window, &err), &err);
	CHECK(memcmp(window, data + across, sizeof(window)) == 0);
	/* From memory too. test_s3_faults counts the parts each upload sends. */
	CHECK_OK(ll_s3_put_object(c, B, "multi/mem.bin", data, 11 << 20, &err), &err);
	check_object(c, "multi/mem.bin", data, 11 << 20);
	free(data);
	ll_s3_client_free(c);
}

static void test_put_file(void)
{
	ll_s3_client *c = client();
	ll_error err;
	char path[1200];
	snprintf(path, sizeof(path), "%s/small.bin", tmpdir);
	s3_write_file(path, 100000, 5);
	CHECK_OK(ll_s3_put_file(c, B, "files/small.bin", path, &err), &err);
	unsigned char data[100000];
	s3_fill(data, sizeof(data), 5);
	check_object(c, "files/small.bin", data, sizeof(data));
	snprintf(path, sizeof(path), "%s/missing.bin", tmpdir);
	CHECK_INT(ll_s3_put_file(c, B, "files/missing.bin", path, &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "missing.bin") != NULL);
	CHECK_INT(ll_s3_put_file(c, B, "files/dir", tmpdir, &err), LL_EINVAL);
}

static void test_copy(void)
{
	ll_s3_client *c = client();
	ll_error err;
	CHECK_OK(ll_s3_put_object(c, B, "copy src/\xC3\xBC.txt", "copied", 6, &err), &err);
	CHECK_OK(ll_s3_copy_object(c, B, "copy src/\xC3\xBC.txt", B, "copy dst/\xC3\xBC.txt", &err),
		 &err);
	check_object(c, "copy dst/\xC3\xBC.txt", "copied", 6);
	CHECK_INT(ll_s3_copy_object(c, B, "copy src/none", B, "copy dst/none", &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "copy from s3://" B "/copy src/none to s3://" B "/copy dst/none") !=
	      NULL);
}

static void test_connection_reuse(void)
{
	ll_s3_config cfg = config();
	ll_s3_client *c = s3_test_client(&cfg);
	ll_error err;
	for (int i = 0; i < 20; i++) {
		char key[32];
		snprintf(key, sizeof(key), "reuse/%d", i);
		CHECK_OK(ll_s3_put_object(c, B, key, key, strlen(key), &err), &err);
		check_object(c, key, key, strlen(key));
	}
	CHECK_INT(c->connections, 1);
	ll_s3_client_free(c);
}

/* Compares every value of every row group read locally and through S3. */
static void compare_readers(ll_parquet_reader *a, ll_parquet_reader *b)
{
	ll_error err;
	size_t nf = ll_parquet_reader_field_count(a);
	CHECK_INT(ll_parquet_reader_field_count(b), nf);
	size_t *fields = calloc(nf, sizeof(*fields));
	for (size_t i = 0; i < nf; i++)
		fields[i] = i;
	ll_parquet_cursor *ca = NULL, *cb = NULL;
	CHECK_OK(ll_parquet_cursor_open(a, fields, nf, NULL, &ca, &err), &err);
	CHECK_OK(ll_parquet_cursor_open(b, fields, nf, NULL, &cb, &err), &err);
	uint64_t rows = 0;
	for (;;) {
		const ll_parquet_batch *ba, *bb;
		CHECK_OK(ll_parquet_cursor_next(ca, 1000, &ba, &err), &err);
		CHECK_OK(ll_parquet_cursor_next(cb, 1000, &bb, &err), &err);
		CHECK_INT(ba->rows, bb->rows);
		if (ba->rows == 0 || ba->rows != bb->rows)
			break;
		for (size_t f = 0; f < nf; f++) {
			for (size_t r = 0; r < ba->rows; r++) {
				const ll_value *x = &ba->columns[f][r], *y = &bb->columns[f][r];
				bool same = x->is_null == y->is_null && x->i == y->i &&
					    x->len == y->len &&
					    (x->len == 0 || memcmp(x->s, y->s, x->len) == 0);
				CHECK(same);
			}
		}
		rows += ba->rows;
	}
	CHECK_INT(rows, ll_parquet_reader_row_count(a));
	ll_parquet_cursor_free(ca);
	ll_parquet_cursor_free(cb);
	free(fields);
}

static void test_parquet_source(void)
{
	ll_s3_client *c = client();
	ll_error err;
	char path[1024];
	ll_testdata("parquet/dictionary_100k.parquet", path, sizeof(path));
	CHECK_OK(ll_s3_put_file(c, B, "parquet/dict.parquet", path, &err), &err);
	ll_parquet_source src;
	CHECK_OK(ll_s3_parquet_source(c, B, "parquet/dict.parquet", &src, &err), &err);
	ll_parquet_reader *remote = NULL, *local = NULL;
	CHECK_OK(ll_parquet_reader_open_source(&remote, src, "s3://" B "/parquet/dict.parquet", &err),
		 &err);
	CHECK_OK(ll_parquet_reader_open(&local, path, &err), &err);
	if (remote && local) {
		CHECK(ll_parquet_reader_row_count(remote) == 100000);
		compare_readers(local, remote);
	}
	ll_parquet_reader_free(remote);
	ll_parquet_reader_free(local);
	CHECK_INT(ll_s3_parquet_source(c, B, "parquet/none.parquet", &src, &err), LL_ENOTFOUND);
}

LL_TEST_MAIN(LL_TEST(test_put_get_head), LL_TEST(test_ranges), LL_TEST(test_not_found),
	     LL_TEST(test_wrong_credentials), LL_TEST(test_session_token),
	     LL_TEST(test_special_keys), LL_TEST(test_list_pages_and_delete),
	     LL_TEST(test_delimiter), LL_TEST(test_multipart), LL_TEST(test_put_file),
	     LL_TEST(test_copy), LL_TEST(test_connection_reuse), LL_TEST(test_parquet_source))
