/*
 * Interop with AWS's own SDK: Debian's boto3 (run with /usr/bin/python3,
 * whose packages hold it) lists and reads back what the client wrote, and
 * the client reads what boto3 wrote, keys with spaces, "+", "=", "%" and
 * UTF-8 included, multipart uploads both ways. Both sides talk to the same
 * s3rver, which checks every signature. tests/s3/boto3_peer.py is the boto3
 * side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3_fixture.h"
#include "storage/sigv4.h"
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

static ll_s3_client *client(void)
{
	if (!shared) {
		char dir[1100];
		ll_test_tmpdir("s3_boto3", tmpdir, sizeof(tmpdir));
		ll_test_tmpdir("s3_boto3/store", dir, sizeof(dir));
		s3_emulator_start(&server, dir);
		atexit(stop_server);
		ll_s3_config cfg;
		s3_test_config(&cfg, endpoint, sizeof(endpoint), server.port);
		cfg.multipart_threshold = 8 << 20;
		cfg.part_size = 5 << 20;
		shared = s3_test_client(&cfg);
	}
	return shared;
}

/* Runs boto3_peer.py with the given command line tail. */
static json_t *boto3(const char *args)
{
	const char *src = getenv("LL_SOURCE_DIR");
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/tests/s3/boto3_peer.py' '%s' %s %s",
		 src ? src : ".", endpoint, B, args);
	json_t *j = s3_run_json(cmd);
	CHECK(j != NULL);
	return j;
}

/* What boto3_peer.py's content(key) holds. */
static void content(const char *key, ll_buf *out)
{
	ll_buf_clear(out);
	for (int i = 0; i < 3; i++)
		ll_buf_printf(out, "lakeload:%s\n", key);
}

/* Keys our side writes; s3rver mangles & < > ' in listings, so none here. */
static const char *const our_keys[] = {
	"ours/a b/\xC3\xBC+=%.txt",
	"ours/plus+plus=equals",
	"ours/percent%41-literal",
	"ours/deep/er/\xE2\x82\xAC uro \xF0\x9F\x98\x80.parquet",
	"ours/tilde~star*(1)!,;:@$",
};
#define NOURS (sizeof(our_keys) / sizeof(our_keys[0]))

static json_t *find_key(json_t *list, const char *key)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *k = json_string_value(json_object_get(e, "key"));
		if (k && strcmp(k, key) == 0)
			return e;
	}
	return NULL;
}

static void check_dumped(json_t *dump, const char *key, const void *data, size_t len)
{
	json_t *e = find_key(dump, key);
	CHECK(e != NULL);
	if (!e) {
		fprintf(stderr, "boto3 did not list %s\n", key);
		return;
	}
	char sha[65];
	ll_error err;
	CHECK_OK(ll_sigv4_sha256_hex(data, len, sha, &err), &err);
	CHECK_INT(json_integer_value(json_object_get(e, "size")), len);
	CHECK_STR(json_string_value(json_object_get(e, "sha256")), sha);
}

static void test_boto3_reads_ours(void)
{
	ll_s3_client *c = client();
	ll_error err;
	ll_buf body = LL_BUF_INIT;
	for (size_t i = 0; i < NOURS; i++) {
		content(our_keys[i], &body);
		CHECK_OK(ll_s3_put_object(c, B, our_keys[i], body.data, body.len, &err), &err);
	}
	size_t len = (12 << 20) + 5;
	char path[1200];
	snprintf(path, sizeof(path), "%s/ours.bin", tmpdir);
	s3_write_file(path, len, 31);
	CHECK_OK(ll_s3_put_file(c, B, "ours/multipart \xC3\xA9.bin", path, &err), &err);

	json_t *dump = boto3("dump 'ours/'");
	CHECK_INT(json_array_size(dump), NOURS + 1);
	for (size_t i = 0; i < NOURS; i++) {
		content(our_keys[i], &body);
		check_dumped(dump, our_keys[i], body.data, body.len);
	}
	unsigned char *data = malloc(len);
	s3_fill(data, len, 31);
	check_dumped(dump, "ours/multipart \xC3\xA9.bin", data, len);
	free(data);
	json_decref(dump);
	ll_buf_free(&body);
}

typedef struct names {
	char keys[32][256];
	size_t count;
} names;

static int remember(void *user, const ll_s3_list_entry *e)
{
	names *n = user;
	if (n->count < 32)
		snprintf(n->keys[n->count++], sizeof(n->keys[0]), "%s", e->key);
	return 0;
}

static bool has_name(const names *n, const char *key)
{
	for (size_t i = 0; i < n->count; i++) {
		if (strcmp(n->keys[i], key) == 0)
			return true;
	}
	return false;
}

static void test_we_read_boto3s(void)
{
	ll_s3_client *c = client();
	ll_error err;
	json_t *keys = boto3("put-keys 'theirs/'");
	CHECK(json_array_size(keys) >= 5);
	names listed = { .count = 0 };
	CHECK_OK(ll_s3_list_objects_v2(c, B, "theirs/", NULL, remember, &listed, &err), &err);
	CHECK_INT(listed.count, json_array_size(keys));
	ll_buf want = LL_BUF_INIT, got = LL_BUF_INIT;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k)
	{
		const char *key = json_string_value(k);
		content(key, &want);
		CHECK_OK(ll_s3_get_object(c, B, key, &got, &err), &err);
		CHECK(got.len == want.len && memcmp(got.data, want.data, want.len) == 0);
		ll_s3_object_info info;
		CHECK_OK(ll_s3_head_object(c, B, key, &info, &err), &err);
		CHECK_INT(info.size, want.len);
		if (!strpbrk(key, "&<>'"))
			CHECK(has_name(&listed, key));
	}
	CHECK(has_name(&listed, "theirs/a b/\xC3\xBC+=%.txt"));
	json_decref(keys);
	ll_buf_free(&want);
	ll_buf_free(&got);
}

static void test_we_read_boto3_multipart(void)
{
	ll_s3_client *c = client();
	ll_error err;
	size_t len = (11 << 20) + 77;
	char path[1200], args[1400];
	snprintf(path, sizeof(path), "%s/theirs.bin", tmpdir);
	s3_write_file(path, len, 41);
	snprintf(args, sizeof(args), "upload 'theirs/big \xC3\xBC.bin' '%s'", path);
	json_decref(boto3(args));
	unsigned char *data = malloc(len);
	s3_fill(data, len, 41);
	ll_buf got = LL_BUF_INIT;
	CHECK_OK(ll_s3_get_object(c, B, "theirs/big \xC3\xBC.bin", &got, &err), &err);
	CHECK(got.len == len && memcmp(got.data, data, len) == 0);
	unsigned char window[10000];
	CHECK_OK(ll_s3_get_range(c, B, "theirs/big \xC3\xBC.bin", (5 << 20) - 5000, sizeof(window),
				 window, &err),
		 &err);
	CHECK(memcmp(window, data + (5 << 20) - 5000, sizeof(window)) == 0);
	ll_buf_free(&got);
	free(data);
}

LL_TEST_MAIN(LL_TEST(test_boto3_reads_ours), LL_TEST(test_we_read_boto3s),
	     LL_TEST(test_we_read_boto3_multipart))
