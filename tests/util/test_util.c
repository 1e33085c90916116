#include "test.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/fs_batch.h"
#include "util/hash.h"
#include "util/number.h"
#include "util/random.h"
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

/* The inlined fast path and the block-taking slow path hand out the same
 * things: aligned, disjoint room, a non-NULL pointer for size 0 (also when
 * the arena's only block is a big one), and blocks filled to the last byte. */
static void test_arena_edges(void)
{
	ll_arena a;
	ll_arena_init(&a, 256);
	CHECK(ll_arena_alloc(&a, 0) != NULL);
	ll_arena_free(&a);

	ll_arena_init(&a, 256);
	unsigned char *big = ll_arena_alloc(&a, 1024); /* the first block is a big one */
	CHECK(big != NULL);
	CHECK(ll_arena_alloc(&a, 0) != NULL);
	memset(big, 0xAB, 1024);
	unsigned char *prev = NULL;
	for (int i = 0; i < 16; i++) { /* 16 x 16 bytes: one block exactly */
		unsigned char *p = ll_arena_alloc(&a, 1 + (size_t)i);
		CHECK(p && ((uintptr_t)p & 15) == 0);
		CHECK(!prev || p == prev + 16);
		memset(p, i, 16);
		prev = p;
	}
	CHECK(a.total == 256 + 1024);
	CHECK(ll_arena_alloc(&a, 0) != NULL);
	CHECK(a.total == 256 + 1024);
	CHECK(ll_arena_alloc(&a, 1) != NULL);
	CHECK(a.total == 2 * 256 + 1024);
	CHECK(big[0] == 0xAB && big[1023] == 0xAB);
	ll_arena_reset(&a);
	CHECK(a.total == 256);
	unsigned char *again = ll_arena_alloc(&a, 256);
	CHECK(again != NULL && a.total == 256);
	ll_arena_free(&a);

	ll_arena zero = { 0 }; /* as structs that embed one start */
	CHECK(ll_arena_strndup(&zero, "x", 1) != NULL);
	ll_arena_free(&zero);
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
	/* fixed across versions: a load rerun by a newer lakeload gives its rows the same ids */
	CHECK_STR(a, "9/C5vvdqKYbSsA");
	ll_dlt_id(UINT64_C(0x0123456789abcdef), 42, a);
	CHECK_STR(a, "5BcbDLDSQv0CCw");
}

/* ll_bytes_equal at every length up to 40, with one byte changed at every position */
static void test_bytes_equal(void)
{
	unsigned char x[40], y[40];
	for (size_t i = 0; i < sizeof(x); i++)
		x[i] = y[i] = (unsigned char)('a' + i % 26);
	for (size_t len = 0; len <= sizeof(x); len++) {
		CHECK(ll_bytes_equal(x, y, len));
		for (size_t at = 0; at < len; at++) {
			y[at] ^= 0x20;
			CHECK(!ll_bytes_equal(x, y, len));
			y[at] ^= 0x20;
		}
	}
}

/* RFC 4648's vectors; random bytes of every length round-trip through the
 * decoder, and the 10-byte encoder gives the padded encoder's characters. */
static void test_base64(void)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	ll_buf b = LL_BUF_INIT;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		b.len = 0;
		ll_base64_encode(plain[i], strlen(plain[i]), &b);
		CHECK_STR(b.data, coded[i]);
	}
	uint64_t state = 99;
	for (size_t n = 0; n < 2000; n++) {
		unsigned char bytes[40];
		size_t len = n % 41;
		for (size_t k = 0; k < len; k++) {
			state = state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
			bytes[k] = (unsigned char)(state >> 56);
		}
		char text[64];
		size_t padded = (len + 2) / 3 * 4;
		ll_base64_encode_to(bytes, len, text);
		b.len = 0;
		CHECK(ll_base64_decode(text, padded, &b));
		CHECK_INT(b.len, len);
		CHECK(len == 0 || memcmp(b.data, bytes, len) == 0);
	}
	for (int n = 0; n < 100000; n++) {
		unsigned char bytes[10];
		for (size_t k = 0; k < sizeof(bytes); k++) {
			state = state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
			bytes[k] = (unsigned char)(state >> 56);
		}
		char text[16], id[14], portable[14];
		ll_base64_encode_to(bytes, sizeof(bytes), text);
		ll_base64_encode_10_unpadded(bytes, id);
		CHECK(memcmp(id, text, 14) == 0);
		CHECK(memcmp(text + 14, "==", 2) == 0);
		/* the CPU's version (AVX-512 VBMI where it has it) and the portable one agree */
		ll_base64_encode_10_unpadded_portable(bytes, portable);
		CHECK(memcmp(portable, text, 14) == 0);
	}
	ll_buf_free(&b);
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

/* Inside a batch a new file is in place at once, an existing one is replaced
 * whole, and the batch's end reports a path it could not sync, so a caller
 * never publishes files that may not be on disk. */
static void test_fs_batch(void)
{
	char dir[1024], fresh[1100], old[1100];
	ll_error err;
	ll_test_tmpdir("util_fs_batch", dir, sizeof(dir));
	snprintf(fresh, sizeof(fresh), "%s/new.json", dir);
	snprintf(old, sizeof(old), "%s/old.json", dir);
	CHECK_OK(ll_fs_write_atomic(old, "before", 6, &err), &err);
	ll_fs_batch_begin();
	CHECK(ll_fs_batch_open());
	CHECK_OK(ll_fs_write_atomic(fresh, "fresh", 5, &err), &err);
	CHECK_OK(ll_fs_write_atomic(old, "after", 5, &err), &err);
	CHECK_OK(ll_fs_sync_path(dir, &err), &err);
	ll_buf b = LL_BUF_INIT;
	CHECK_OK(ll_fs_read_all(fresh, &b, &err), &err);
	CHECK_STR(ll_buf_cstr(&b), "fresh");
	CHECK_OK(ll_fs_read_all(old, &b, &err), &err);
	CHECK_STR(ll_buf_cstr(&b), "after");
	CHECK_OK(ll_fs_batch_end(&err), &err);
	CHECK(!ll_fs_batch_open());
	char **names;
	size_t n;
	CHECK_OK(ll_fs_list(dir, &names, &n, &err), &err);
	CHECK_INT(n, 2); /* no temporary file left behind */
	ll_fs_free_list(names, n);

	/* more paths than sync threads; one vanishes before the end, nested */
	char path[1100], gone[1100];
	ll_fs_batch_begin();
	ll_fs_batch_begin();
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "%s/f%02d", dir, i);
		CHECK_OK(ll_fs_write_atomic(path, "x", 1, &err), &err);
	}
	snprintf(gone, sizeof(gone), "%s/f17", dir);
	CHECK_INT(unlink(gone), 0);
	CHECK_INT(ll_fs_batch_end(&err), LL_EIO);
	CHECK(strstr(err.message, gone) != NULL);
	CHECK(ll_fs_batch_open()); /* the outer level is still open, with nothing noted */
	CHECK_OK(ll_fs_batch_end(&err), &err);
	CHECK(!ll_fs_batch_open());

	/* ending after failed work keeps the work's error, and the batch closes */
	ll_fs_batch_begin();
	CHECK_OK(ll_fs_sync_path(gone, &err), &err);
	CHECK_INT(ll_fs_batch_end_after(ll_error_set(&err, LL_EFORMAT, "bad input"), &err), LL_EFORMAT);
	CHECK_STR(err.message, "bad input");
	CHECK(!ll_fs_batch_open());
	ll_fs_batch_begin();
	CHECK_OK(ll_fs_sync_path(gone, &err), &err);
	CHECK_INT(ll_fs_batch_end_after(LL_OK, &err), LL_EIO);
	CHECK(!ll_fs_batch_open());
	ll_buf_free(&b);
}

/*
 * Batches ending on several threads at once share the sync threads, and each
 * batch, however many ran before it, reports its own paths and only those:
 * a path gone from one thread's batch fails that batch alone.
 */
typedef struct batch_worker {
	const char *dir;
	int id;
	int failures; /* batches that did not report what they should */
} batch_worker;

static void *end_batches(void *arg)
{
	batch_worker *w = arg;
	char path[1100];
	ll_error err;
	for (int round = 0; round < 6; round++) {
		ll_fs_batch_begin();
		for (int i = 0; i < 5; i++) {
			snprintf(path, sizeof(path), "%s/w%d-r%d-%d", w->dir, w->id, round, i);
			if (ll_fs_write_atomic(path, "x", 1, &err) != LL_OK)
				w->failures++;
		}
		bool lose_one = w->id == 0 && round % 2 == 1;
		if (lose_one)
			unlink(path);
		ll_status st = ll_fs_batch_end(&err);
		if (lose_one ? st != LL_EIO || !strstr(err.message, path) : st != LL_OK)
			w->failures++;
	}
	return NULL;
}

static void test_fs_batch_threads(void)
{
	char dir[1024];
	ll_test_tmpdir("util_fs_batch_threads", dir, sizeof(dir));
	pthread_t threads[4];
	batch_worker workers[4];
	for (int i = 0; i < 4; i++) {
		workers[i] = (batch_worker){ dir, i, 0 };
		CHECK_INT(pthread_create(&threads[i], NULL, end_batches, &workers[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		CHECK_INT(workers[i].failures, 0);
	}
	char **names;
	size_t n;
	ll_error err;
	CHECK_OK(ll_fs_list(dir, &names, &n, &err), &err);
	CHECK_INT(n, 4 * 6 * 5 - 3); /* worker 0 removed one file in each of 3 rounds */
	ll_fs_free_list(names, n);
}

/* Random bytes fill the whole buffer, and two draws differ (ids built from them must not collide). */
static void test_random_bytes(void)
{
	unsigned char a[64], b[64], zero[64] = { 0 };
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK(ll_random_bytes(a, sizeof(a)));
	CHECK(ll_random_bytes(b, sizeof(b)));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(memcmp(a + 48, zero, 16) != 0); /* the tail is written too */
}

/* Version 4 UUIDs as text: 8-4-4-4-12 lowercase hex digits, version 4, variant 10xx. */
static void test_random_uuid(void)
{
	char a[37], b[37];
	ll_random_uuid(a);
	ll_random_uuid(b);
	CHECK_INT(strlen(a), 36);
	CHECK(strcmp(a, b) != 0);
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		CHECK(dash ? a[i] == '-' : strchr("0123456789abcdef", a[i]) != NULL);
	}
	CHECK(a[14] == '4');
	CHECK(strchr("89ab", a[19]) != NULL);
}

/* The fast path must give strtod's double, bit for bit, for every text it
 * accepts (-0.0 included), and must accept the common shapes of data. */
static bool same_as_strtod(const char *text)
{
	double fast;
	if (!ll_double_parse_exact(text, strlen(text), &fast))
		return true;
	double slow = strtod(text, NULL);
	if (memcmp(&fast, &slow, sizeof(fast)) != 0) {
		fprintf(stderr, "%s: fast path %.17g, strtod %.17g\n", text, fast, slow);
		return false;
	}
	return true;
}

static bool takes_fast_path(const char *text)
{
	double d;
	return ll_double_parse_exact(text, strlen(text), &d);
}

static void test_double_parse_exact_cases(void)
{
	static const char *const fast[] = {
		"0", "-0", "-0.0", "0.1", "21.64", "-37.52", "1e22", "1e23", "1e-22", "12345678901234e-5",
		"9007199254740992", "4.35", "0.000001", "1E+5", "0e999999", "100.000", "2.5e-3",
		"0.0000000000000000000000000001e30", "-0.000", "0.0", "10.5", "900719925474099.2",
	};
	static const char *const slow[] = {
		"9007199254740993",      /* 2^53 + 1: above the exact mantissa range */
		"1e-23", "1e400", "1e-400", /* powers of ten a double does not hold */
		"12345678901234567890",  /* twenty significant digits */
		"0.1000000000000000000001", "1.7976931348623157e308", "4.9e-324",
	};
	for (size_t i = 0; i < sizeof(fast) / sizeof(fast[0]); i++) {
		CHECK(takes_fast_path(fast[i]));
		CHECK(same_as_strtod(fast[i]));
	}
	for (size_t i = 0; i < sizeof(slow) / sizeof(slow[0]); i++)
		CHECK(!takes_fast_path(slow[i]));
	double d = 1;
	CHECK(ll_double_parse_exact("-0.0", 4, &d) && d == 0 && signbit(d));
	/* a fraction too long to count its digits in an int exponent is left to strtod */
	static char tiny[200010];
	memset(tiny, '0', sizeof(tiny));
	tiny[1] = '.';
	memcpy(tiny + sizeof(tiny) - 5, "1e10", 4);
	CHECK(!ll_double_parse_exact(tiny, sizeof(tiny) - 1, &d));
	CHECK(same_as_strtod("0.00000000000000000000000000000000000000000000012e40"));
}

/* Random JSON numbers of every shape: 1-20 significant digits, leading and
 * trailing zeros, a decimal point anywhere, exponents in and far outside the
 * fast range. Each must read as strtod reads it; most must take the fast path. */
static void test_double_parse_exact_random(void)
{
	uint64_t state = 12345;
	size_t accepted = 0, total = 3000000, mismatches = 0;
	char text[64];
	for (size_t n = 0; n < total; n++) {
		state = state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
		uint64_t r = state >> 11;
		size_t len = 0;
		if (r & 1)
			text[len++] = '-';
		int ndigits = 1 + (int)((r >> 1) % 20), point = (int)((r >> 6) % 22);
		uint64_t digits = state ^ (state >> 29) * UINT64_C(0x9e3779b97f4a7c15);
		for (int i = 0; i < ndigits; i++) {
			if (i == point && i > 0)
				text[len++] = '.';
			/* a leading '0' only alone before the point, as JSON allows */
			int dv = (int)(digits % 10);
			digits = digits / 10 ^ (digits << 7);
			text[len++] = (char)('0' + (i == 0 && ndigits > 1 && point != 1 && dv == 0 ? 1 : dv));
		}
		if ((r >> 11) % 3 == 0)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "e%d", (int)((r >> 13) % 81) - 40);
		text[len] = '\0';
		if (takes_fast_path(text))
			accepted++;
		if (!same_as_strtod(text) && ++mismatches > 10)
			break;
	}
	CHECK_INT(mismatches, 0);
	CHECK(accepted > total / 2);
}

LL_TEST_MAIN(LL_TEST(test_error_format), LL_TEST(test_buf_json_string), LL_TEST(test_arena_reuse), LL_TEST(test_arena_edges),
	     LL_TEST(test_time_parse), LL_TEST(test_row_id), LL_TEST(test_dlt_id), LL_TEST(test_bytes_equal), LL_TEST(test_base64),
	     LL_TEST(test_backoff), LL_TEST(test_fs_atomic), LL_TEST(test_fs_batch), LL_TEST(test_fs_batch_threads),
	     LL_TEST(test_random_bytes), LL_TEST(test_random_uuid),
	     LL_TEST(test_double_parse_exact_cases),
	     LL_TEST(test_double_parse_exact_random))
