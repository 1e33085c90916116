/*
 * Tests of ll_parse_iso_like's fast path for the common timestamp shape
 * (YYYY-MM-DD[T ]hh:mm:ss[.f][offset]): on every string, shaped or not, it
 * must give what the general parsers (ll_parse_iso_like_general) give, the
 * kind and the instant.
 */
#include <stdio.h>
#include <string.h>

#include "schema/schema.h"
#include "test.h"
#include "util/time.h"

static uint64_t next_random(uint64_t *state)
{
	*state = *state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return *state >> 17;
}

/* True when both paths agree on s; prints the first disagreements. */
static bool paths_agree(const char *s, size_t len)
{
	int64_t fast = 0, general = 0;
	ll_iso_kind kf = ll_parse_iso_like(s, len, &fast);
	ll_iso_kind kg = ll_parse_iso_like_general(s, len, &general);
	bool same = kf == kg && (kf == LL_ISO_NONE || kf == LL_ISO_TIME || fast == general);
	if (!same)
		fprintf(stderr, "\"%.*s\": fast path %d %lld, general %d %lld\n", (int)len, s, kf,
			(long long)fast, kg, (long long)general);
	return same;
}

static bool agrees(const char *s)
{
	return paths_agree(s, strlen(s));
}

/* Shapes close to the fast one that the general parser accepts or refuses. */
static void test_shape_cases(void)
{
	static const char *const cases[] = {
		"2024-01-01T00:00:01.710Z", "2024-01-01T00:00:01Z", "2024-01-01 00:00:01",
		"2024-01-01T00:00:01", "2024-01-01T00:00:01,5", "2024-01-01T00:00:01.123456789",
		"2024-01-01T00:00:01.", "2024-01-01T00:00:01.Z", "2024-01-01T00:00:01,Z",
		"2024-01-01T00:00:01+05", "2024-01-01T00:00:01+05:30", "2024-01-01T00:00:01+0530",
		"2024-01-01T00:00:01+05:", "2024-01-01T00:00:01+05:3", "2024-01-01T00:00:01+053",
		"2024-01-01T00:00:01+05:300", "2024-01-01T00:00:01+5", "2024-01-01T00:00:01+",
		"2024-01-01T00:00:01-", "2024-01-01T00:00:01-99:99", "2024-01-01T00:00:01+24:00",
		"2024-01-01T00:00:01+24:01", "2024-01-01T00:00:01+00:99", "2024-01-01T00:00:01-24:01",
		"2024-01-01T00:00:01ZZ", "2024-01-01T00:00:01Z ", "2024-01-01T00:00:01z",
		"2024-01-01T00:00:01\n", "2024-01-01T00:00:01.5\n", "2024-01-01t00:00:01",
		"2024-01-01T24:00:00", "2024-01-01T23:60:00", "2024-01-01T23:59:60",
		"2024-02-29T00:00:00", "2023-02-29T00:00:00", "1900-02-29T00:00:00",
		"2000-02-29T00:00:00", "2024-13-01T00:00:00", "2024-00-01T00:00:00",
		"2024-01-00T00:00:00", "2024-01-32T00:00:00", "0000-01-01T00:00:00",
		"0001-01-01T00:00:00", "9999-12-31T23:59:59.999999", "9999-12-31T23:59:59-01:00",
		"0001-01-01T00:00:00+01:00", "2024/01/01T00:00:01", "2024/01/01 00:00:01",
		"2024:01:01 00:00:01", "2024-01-01T00:00:1", "2024-01-01T0:00:01",
		"2024-1-01T00:00:01", "2024-01-01T00:00:01/2024-01-02", "2024-01-01T00:00", "2024-01-01T00",
		"2024-01-01T00:00:01.710Z\n", "+024-01-01T00:00:01", "２024-01-01T00:00:01",
		"2024-01-01T00:00:01.0000000000000000000001", "P024-01-01T00:00:01",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(agrees(cases[i]));
	int64_t v = 0;
	CHECK_INT(ll_parse_iso_like("2024-01-01T00:00:01.710Z", 24, &v), LL_ISO_DATETIME);
	CHECK_INT(v, INT64_C(1704067201710000));
	CHECK_INT(ll_parse_iso_like("2024-02-29 12:30:00-01:30", 25, &v), LL_ISO_DATETIME);
	char buf[40];
	ll_time_format_timestamp(v, 6, 'T', true, buf);
	CHECK_STR(buf, "2024-02-29T14:00:00.000000Z");
}

/* A random timestamp of the fast shape: years 0001-9999 (leap days included,
 * and days past a month's end now and then), 0-9 fraction digits, every
 * offset form. Returns its length. */
static size_t random_timestamp(uint64_t *state, char *buf, size_t size)
{
	uint64_t r = next_random(state);
	int year = 1 + (int)(r % 9999), month = 1 + (int)((r >> 14) % 12);
	int day = (r >> 18) % 16 == 0 ? 28 + (int)((r >> 22) % 4) : 1 + (int)((r >> 22) % 28);
	if ((r >> 26) % 8 == 0)
		month = 2, day = 29;
	uint64_t t = next_random(state);
	size_t n = (size_t)snprintf(buf, size, "%04d-%02d-%02d%c%02d:%02d:%02d", year, month, day,
				    t % 5 == 0 ? ' ' : 'T', (int)((t >> 3) % 24), (int)((t >> 8) % 60),
				    (int)((t >> 14) % 60));
	int digits = (int)((t >> 20) % 10);
	if (digits) {
		buf[n++] = (t >> 24) % 4 == 0 ? ',' : '.';
		for (int k = 0; k < digits; k++)
			buf[n++] = (char)('0' + next_random(state) % 10);
	}
	uint64_t o = next_random(state);
	int hours = (int)((o >> 3) % 26), minutes = (int)((o >> 8) % 60);
	char sign = (o >> 14) % 2 ? '+' : '-';
	switch (o % 7) {
	case 0: break;
	case 1: buf[n++] = 'Z'; break;
	case 2: n += (size_t)snprintf(buf + n, size - n, "%c%02d", sign, hours); break;
	case 3: n += (size_t)snprintf(buf + n, size - n, "%c%02d%02d", sign, hours, minutes); break;
	case 4: n += (size_t)snprintf(buf + n, size - n, "%c%02d:", sign, hours); break;
	default: n += (size_t)snprintf(buf + n, size - n, "%c%02d:%02d", sign, hours, minutes); break;
	}
	buf[n] = '\0';
	return n;
}

static void test_random_timestamps(void)
{
	uint64_t state = 2024;
	size_t mismatches = 0, datetimes = 0;
	char buf[64];
	for (int i = 0; i < 300000 && mismatches < 10; i++) {
		size_t len = random_timestamp(&state, buf, sizeof(buf));
		int64_t v;
		datetimes += ll_parse_iso_like(buf, len, &v) == LL_ISO_DATETIME;
		mismatches += !paths_agree(buf, len);
	}
	CHECK_INT(mismatches, 0);
	CHECK(datetimes > 200000); /* most are valid: the fast path was exercised */
}

/* Random timestamps with characters replaced, inserted, removed or cut off:
 * near misses of the shape must fall back and read as before. */
static void test_mutated_timestamps(void)
{
	static const char pool[] = "0123456789-:T Z+.,/W\nt;?\xb0";
	uint64_t state = 77;
	size_t mismatches = 0;
	char buf[80];
	for (int i = 0; i < 300000 && mismatches < 10; i++) {
		size_t len = random_timestamp(&state, buf, sizeof(buf));
		int edits = 1 + (int)(next_random(&state) % 3);
		for (int e = 0; e < edits && len > 0; e++) {
			uint64_t r = next_random(&state);
			size_t at = (size_t)(r % len);
			char ch = pool[(r >> 8) % (sizeof(pool) - 1)];
			switch ((r >> 16) % 4) {
			case 0: buf[at] = ch; break;
			case 1:
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = ch;
				len++;
				break;
			case 2:
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			default: len = at; break;
			}
		}
		mismatches += !paths_agree(buf, len);
	}
	CHECK_INT(mismatches, 0);
}

LL_TEST_MAIN(LL_TEST(test_shape_cases), LL_TEST(test_random_timestamps), LL_TEST(test_mutated_timestamps))
