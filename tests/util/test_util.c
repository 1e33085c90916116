#include "test.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/retry.h"
#include "util/time.h"

static void test_error_format(void)
{
	ll_error err;
	char buf[2048];
	ll_error_clear(&err);
	ll_error_set(&err, LL_EFORMAT, "unexpected '}'");
	ll_error_set_location(&err, "events.ndjson", 3, 17);
	ll_error_set_table(&err, "events", "user__name");
	CHECK_STR(ll_error_format(&err, buf, sizeof(buf)),
		  "events.ndjson:3:17: unexpected '}' (table events, column user__name)");
	ll_error_prefix(&err, "loading %s", "shop");
	CHECK(strstr(err.message, "loading shop: unexpected") == err.message);
	CHECK_INT(err.code, LL_EFORMAT);
}

static void test_buf_json_string(void)
{
	ll_buf b = LL_BUF_INIT;
	ll_buf_put_json_string(&b, "a\"b\\c\n\x01\xc3\xa9", 9);
	CHECK_STR(ll_buf_cstr(&b), "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
	ll_buf_printf(&b, "%d", 42);
	CHECK(b.len > 2 && b.data[b.len - 1] == '2');
	ll_buf_free(&b);
}

static void test_arena_reuse(void)
{
	ll_arena a;
	ll_arena_init(&a, 1024);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 1000; i++) {
			char *p = ll_arena_strndup(&a, "hello", 5);
			CHECK(p && strcmp(p, "hello") == 0);
		}
		void *big = ll_arena_alloc(&a, 100000);
		CHECK(big != NULL);
		ll_arena_reset(&a);
		CHECK(a.total <= 1024);
	}
	ll_arena_free(&a);
}

static void test_time_parse(void)
{
	int64_t v;
	CHECK_INT(ll_time_parse("1970-01-01", 10, &v), LL_TIME_DATE);
	CHECK_INT(v, 0);
	CHECK_INT(ll_time_parse("2024-02-29", 10, &v), LL_TIME_DATE);
	CHECK_INT(v, 19782);
	CHECK_INT(ll_time_parse("2023-02-29", 10, &v), LL_TIME_NONE);
	CHECK_INT(ll_time_parse("2024-01-01T00:00:00Z", 20, &v), LL_TIME_TIMESTAMP);
	CHECK_INT(v, 1704067200000000LL);
	const char *s = "2024-01-01T02:00:00.123456+02:00";
	CHECK_INT(ll_time_parse(s, strlen(s), &v), LL_TIME_TIMESTAMP);
	CHECK_INT(v, 1704067200123456LL);
	s = "1969-12-31 23:59:59.5";
	CHECK_INT(ll_time_parse(s, strlen(s), &v), LL_TIME_TIMESTAMP);
	CHECK_INT(v, -500000);
	CHECK_INT(ll_time_parse("2024-01-01 hello", 16, &v), LL_TIME_NONE);
	CHECK_INT(ll_time_parse("2024-13-01", 10, &v), LL_TIME_NONE);
	CHECK_INT(ll_time_parse("20240101", 8, &v), LL_TIME_NONE);

	char buf[40];
	ll_time_format_timestamp(-500000, 3, ' ', false, buf);
	CHECK_STR(buf, "1969-12-31 23:59:59.500");
	ll_time_format_timestamp(1704067200123456LL, 6, 'T', true, buf);
	CHECK_STR(buf, "2024-01-01T00:00:00.123456Z");
	ll_time_format_date(-1, buf);
	CHECK_STR(buf, "1969-12-31");
	for (int64_t d = -800000; d < 800000; d += 997) {
		int64_t y;
		unsigned m, dd;
		ll_civil_from_days(d, &y, &m, &dd);
		CHECK_INT(ll_days_from_civil(y, m, dd), d);
	}
}

static void test_row_id(void)
{
	char a[15], b[15], c[15];
	ll_row_id(1, 2, a);
	ll_row_id(1, 2, b);
	ll_row_id(1, 3, c);
	CHECK_STR(a, b);
	CHECK(strcmp(a, c) != 0);
	CHECK_INT(strlen(a), 14);
	CHECK(ll_hash64("abc", 3, 0) != ll_hash64("abd", 3, 0));
}

/* dlt writes _dlt_id as 10 bytes of standard base64 without padding */
static void test_dlt_id(void)
{
	const unsigned char bytes[10] = { 0xfb, 0xff, 0xbf, 0x00, 0x10, 0x83, 0x61, 0x62, 0x63, 0xff };
	char id[15], a[15], b[15];
	ll_dlt_id_encode(bytes, id);
	CHECK_STR(id, "+/+/ABCDYWJj/w");
	ll_dlt_id(7, 9, a);
	ll_dlt_id(7, 9, b);
	CHECK_STR(a, b);
	CHECK_INT(strlen(a), 14);
}

/* Retry waits double up to the ceiling, in its upper half, and vary. */
static void test_backoff(void)
{
	uint64_t random = 42;
	long lo[] = { 50, 100, 200, 400, 500, 500 }, hi[] = { 100, 200, 400, 800, 1000, 1000 };
	bool varied = false;
	for (int attempt = 1; attempt <= 6; attempt++) {
		long first = ll_retry_backoff_ms(100, 1000, attempt, &random);
		for (int k = 0; k < 50; k++) {
			long d = k ? ll_retry_backoff_ms(100, 1000, attempt, &random) : first;
			CHECK(d >= lo[attempt - 1] && d <= hi[attempt - 1]);
			varied = varied || d != first;
		}
	}
	CHECK(varied);
	ll_error err;
	CHECK_INT(ll_retry_check_limits("S3", 101, 100, 1000, &err), LL_EINVAL);
	CHECK(strstr(err.message, "S3 max_retries") != NULL);
	CHECK_INT(ll_retry_check_limits("AWS", 3, 100, 50, &err), LL_EINVAL);
	CHECK_OK(ll_retry_check_limits("AWS", 3, 100, 1000, &err), &err);
}

static void test_fs_atomic(void)
{
	char dir[1024], path[1100];
	ll_error err;
	ll_test_tmpdir("util_fs", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/a/b/c.txt", dir);
	char parent[1100];
	snprintf(parent, sizeof(parent), "%s/a/b", dir);
	CHECK_OK(ll_fs_mkdirs(parent, &err), &err);
	CHECK_OK(ll_fs_write_atomic(path, "hello", 5, &err), &err);
	ll_buf b = LL_BUF_INIT;
	CHECK_OK(ll_fs_read_all(path, &b, &err), &err);
	CHECK_STR(ll_buf_cstr(&b), "hello");
	char **names;
	size_t n;
	CHECK_OK(ll_fs_list(parent, &names, &n, &err), &err);
	CHECK_INT(n, 1);
	ll_fs_free_list(names, n);
	CHECK_OK(ll_fs_remove_tree(dir, &err), &err);
	CHECK(!ll_fs_exists(dir));
	CHECK_INT(ll_fs_read_all(path, &b, &err), LL_ENOTFOUND);
	ll_buf_free(&b);
}

LL_TEST_MAIN(LL_TEST(test_error_format), LL_TEST(test_buf_json_string), LL_TEST(test_arena_reuse),
	     LL_TEST(test_time_parse), LL_TEST(test_row_id), LL_TEST(test_dlt_id),
	     LL_TEST(test_backoff), LL_TEST(test_fs_atomic))
