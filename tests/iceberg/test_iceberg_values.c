/*
 * Iceberg single-value serialization (table spec Appendix D) byte by byte,
 * round trips at each type's limits, the 4-byte bounds promoted columns
 * carry, malformed bounds, uuids and decimal text.
 */
#include <math.h>

#include "formats/iceberg/values.h"
#include "test.h"

static const ll_iceberg_type *prim(ll_iceberg_kind k)
{
	return ll_iceberg_primitive(k);
}

static const char *hex_of(const ll_buf *b, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t k = 0; k < b->len && 2 * k + 2 < size; k++)
		snprintf(out + 2 * k, 3, "%02x", (uint8_t)b->data[k]);
	return out;
}

/* Encodes v, checks the bytes, decodes them and re-encodes the result. */
static void check_bytes(const ll_iceberg_type *t, ll_iceberg_value v, const char *hex)
{
	ll_error err;
	ll_buf b = LL_BUF_INIT, again = LL_BUF_INIT;
	char got[128], back[128];
	CHECK_OK(ll_iceberg_value_encode(t, &v, &b, &err), &err);
	CHECK_STR(hex_of(&b, got, sizeof(got)), hex);
	ll_iceberg_value d;
	CHECK_OK(ll_iceberg_value_decode(t, (const uint8_t *)b.data, b.len, &d, &err), &err);
	CHECK_OK(ll_iceberg_value_encode(t, &d, &again, &err), &err);
	CHECK_STR(hex_of(&again, back, sizeof(back)), hex);
	ll_buf_free(&b);
	ll_buf_free(&again);
}

static void test_spec_encodings(void)
{
	ll_iceberg_value yes = { .b = true }, no = { .b = false };
	check_bytes(prim(LL_ICEBERG_BOOLEAN), yes, "01");
	check_bytes(prim(LL_ICEBERG_BOOLEAN), no, "00");
	check_bytes(prim(LL_ICEBERG_INT), ll_iceberg_int(34), "22000000");
	check_bytes(prim(LL_ICEBERG_INT), ll_iceberg_int(-1), "ffffffff");
	check_bytes(prim(LL_ICEBERG_INT), ll_iceberg_int(INT32_MIN), "00000080");
	check_bytes(prim(LL_ICEBERG_LONG), ll_iceberg_int(34), "2200000000000000");
	check_bytes(prim(LL_ICEBERG_LONG), ll_iceberg_int(INT64_MIN), "0000000000000080");
	ll_iceberg_value one_f = { .f = 1.0f }, one_d = { .d = 1.0 }, neg_d = { .d = -2.5 };
	check_bytes(prim(LL_ICEBERG_FLOAT), one_f, "0000803f");
	check_bytes(prim(LL_ICEBERG_DOUBLE), one_d, "000000000000f03f");
	check_bytes(prim(LL_ICEBERG_DOUBLE), neg_d, "00000000000004c0");
	/* 2017-11-16 is day 17486 = 0x444e */
	check_bytes(prim(LL_ICEBERG_DATE), ll_iceberg_int(17486), "4e440000");
	check_bytes(prim(LL_ICEBERG_TIME), ll_iceberg_int(81068000000LL), "008307e012000000");
	check_bytes(prim(LL_ICEBERG_TIMESTAMP), ll_iceberg_int(1510871468000000LL),
		    "00c3262d215e0500");
	check_bytes(prim(LL_ICEBERG_TIMESTAMPTZ), ll_iceberg_int(-1), "ffffffffffffffff");
	check_bytes(prim(LL_ICEBERG_STRING), ll_iceberg_bytes("iceberg", 7), "69636562657267");
	check_bytes(prim(LL_ICEBERG_STRING), ll_iceberg_bytes("", 0), "");
	uint8_t uuid[16];
	CHECK(ll_iceberg_uuid_parse("f79c3e09-677c-4bbd-a479-3f349cb785e7", uuid));
	check_bytes(prim(LL_ICEBERG_UUID), ll_iceberg_bytes(uuid, 16),
		    "f79c3e09677c4bbda4793f349cb785e7");
	static const uint8_t raw[] = { 0, 1, 2, 0xff };
	ll_iceberg_type fixed4 = { .kind = LL_ICEBERG_FIXED, .length = 4 };
	check_bytes(&fixed4, ll_iceberg_bytes(raw, 4), "000102ff");
	check_bytes(prim(LL_ICEBERG_BINARY), ll_iceberg_bytes(raw, 4), "000102ff");
}

/* Decimals: the unscaled value in the fewest big-endian two's complement bytes. */
static void test_decimal_encodings(void)
{
	ll_iceberg_type dec = { .kind = LL_ICEBERG_DECIMAL, .precision = 38, .scale = 2 };
	static const struct {
		int64_t unscaled;
		const char *hex;
	} cases[] = { { 1420, "058c" }, { 0, "00" },       { -1, "ff" },      { 127, "7f" },
		      { 128, "0080" },  { -128, "80" },    { -129, "ff7f" },  { 255, "00ff" },
		      { 32767, "7fff" }, { 32768, "008000" }, { INT64_MAX, "7fffffffffffffff" },
		      { INT64_MIN, "8000000000000000" } };
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		check_bytes(&dec, ll_iceberg_decimal_from_int64(cases[k].unscaled), cases[k].hex);
	/* 10^38 - 1, the largest unscaled value of a decimal(38, s) */
	ll_iceberg_value max = { 0 };
	static const uint8_t be[16] = { 0x4b, 0x3b, 0x4c, 0xa8, 0x5a, 0x86, 0xc4, 0x7a,
					0x09, 0x8a, 0x22, 0x3f, 0xff, 0xff, 0xff, 0xff };
	memcpy(max.decimal, be, 16);
	check_bytes(&dec, max, "4b3b4ca85a86c47a098a223fffffffff");
	char text[LL_ICEBERG_DECIMAL_TEXT_MAX];
	CHECK_STR(ll_iceberg_decimal_format(max.decimal, 0, text),
		  "99999999999999999999999999999999999999");
	for (int k = 0; k < 16; k++)
		max.decimal[k] = (uint8_t)~be[k];
	max.decimal[15]++;
	CHECK_STR(ll_iceberg_decimal_format(max.decimal, 38, text),
		  "-0.99999999999999999999999999999999999999");
}

/* BigDecimal.toString, which the partition paths and messages use. */
static void test_decimal_text(void)
{
	static const struct {
		int64_t unscaled;
		int scale;
		const char *want;
	} cases[] = { { 1420, 2, "14.20" }, { -5, 2, "-0.05" },      { 0, 2, "0.00" },
		      { 0, 0, "0" },        { 1, 8, "1E-8" },         { 123, 10, "1.23E-8" },
		      { 1, 6, "0.000001" }, { 0, 8, "0E-8" },         { -123456, 3, "-123.456" },
		      { 2, -20, "2E+20" },  { 999999999999LL, 2, "9999999999.99" } };
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char text[LL_ICEBERG_DECIMAL_TEXT_MAX];
		ll_iceberg_value v = ll_iceberg_decimal_from_int64(cases[k].unscaled);
		CHECK_STR(ll_iceberg_decimal_format(v.decimal, cases[k].scale, text), cases[k].want);
	}
}

static void test_round_trips(void)
{
	static const int64_t longs[] = { 0, 1, -1, INT32_MAX, INT32_MIN, (int64_t)INT32_MAX + 1,
					 INT64_MAX, INT64_MIN, 1743405316247LL };
	ll_error err;
	for (size_t k = 0; k < sizeof(longs) / sizeof(longs[0]); k++) {
		static const ll_iceberg_kind kinds[] = { LL_ICEBERG_LONG, LL_ICEBERG_TIME,
							 LL_ICEBERG_TIMESTAMP,
							 LL_ICEBERG_TIMESTAMPTZ };
		for (size_t t = 0; t < 4; t++) {
			ll_buf b = LL_BUF_INIT;
			ll_iceberg_value v = ll_iceberg_int(longs[k]), d;
			CHECK_OK(ll_iceberg_value_encode(prim(kinds[t]), &v, &b, &err), &err);
			CHECK_OK(ll_iceberg_value_decode(prim(kinds[t]), (const uint8_t *)b.data,
							 b.len, &d, &err), &err);
			CHECK(d.i == longs[k]);
			ll_buf_free(&b);
		}
	}
	static const double doubles[] = { 0.0, -0.0, 1e-300, -1e300, INFINITY, -INFINITY, NAN,
					  0.1 };
	for (size_t k = 0; k < sizeof(doubles) / sizeof(doubles[0]); k++) {
		ll_buf b = LL_BUF_INIT;
		ll_iceberg_value v = { .d = doubles[k] }, d;
		CHECK_OK(ll_iceberg_value_encode(prim(LL_ICEBERG_DOUBLE), &v, &b, &err), &err);
		CHECK_OK(ll_iceberg_value_decode(prim(LL_ICEBERG_DOUBLE), (const uint8_t *)b.data,
						 b.len, &d, &err), &err);
		CHECK(memcmp(&d.d, &v.d, sizeof(double)) == 0);
		ll_buf_free(&b);
	}
}

/* Appendix D: a promoted column keeps the bounds its files were written with. */
static void test_promoted_bounds(void)
{
	ll_error err;
	ll_iceberg_value v;
	CHECK_OK(ll_iceberg_value_decode(prim(LL_ICEBERG_LONG), (const uint8_t *)"\xfe\xff\xff\xff",
					 4, &v, &err), &err);
	CHECK_INT(v.i, -2);
	CHECK_OK(ll_iceberg_value_decode(prim(LL_ICEBERG_DOUBLE), (const uint8_t *)"\x00\x00\xc0\x3f",
					 4, &v, &err), &err);
	CHECK(v.d == 1.5);
	/* a date bound under a timestamp column: midnight of that day */
	CHECK_OK(ll_iceberg_value_decode(prim(LL_ICEBERG_TIMESTAMP),
					 (const uint8_t *)"\x4e\x44\x00\x00", 4, &v, &err), &err);
	CHECK_INT(v.i, 17486LL * 86400 * 1000000);
	CHECK_INT(ll_iceberg_value_decode(prim(LL_ICEBERG_TIMESTAMP),
					  (const uint8_t *)"\xff\xff\xff\x7f", 4, &v, &err),
		  LL_EFORMAT);
	CHECK_INT(ll_iceberg_value_decode(prim(LL_ICEBERG_TIME), (const uint8_t *)"\0\0\0\0", 4, &v,
					  &err), LL_EFORMAT);
	/* any non-zero byte is true */
	CHECK_OK(ll_iceberg_value_decode(prim(LL_ICEBERG_BOOLEAN), (const uint8_t *)"\x02", 1, &v,
					 &err), &err);
	CHECK(v.b);
	/* fixed bounds may be cut short by the writer's metrics */
	ll_iceberg_type fixed4 = { .kind = LL_ICEBERG_FIXED, .length = 4 };
	CHECK_OK(ll_iceberg_value_decode(&fixed4, (const uint8_t *)"\x01\x02", 2, &v, &err), &err);
	CHECK_INT(v.bytes.len, 2);
}

static void test_malformed(void)
{
	static const struct {
		ll_iceberg_kind kind;
		size_t len;
	} bad[] = { { LL_ICEBERG_BOOLEAN, 0 }, { LL_ICEBERG_BOOLEAN, 2 }, { LL_ICEBERG_INT, 3 },
		    { LL_ICEBERG_INT, 8 },     { LL_ICEBERG_DATE, 5 },    { LL_ICEBERG_LONG, 7 },
		    { LL_ICEBERG_FLOAT, 8 },   { LL_ICEBERG_DOUBLE, 5 },  { LL_ICEBERG_UUID, 15 },
		    { LL_ICEBERG_UUID, 17 },   { LL_ICEBERG_TIMESTAMPTZ, 0 } };
	static const uint8_t zeros[32];
	ll_error err;
	ll_iceberg_value v;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		CHECK_INT(ll_iceberg_value_decode(prim(bad[k].kind), zeros, bad[k].len, &v, &err),
			  LL_EFORMAT);
		CHECK(strstr(err.message, ll_iceberg_kind_name(bad[k].kind)));
	}
	ll_iceberg_type dec = { .kind = LL_ICEBERG_DECIMAL, .precision = 38, .scale = 0 };
	CHECK_INT(ll_iceberg_value_decode(&dec, zeros, 0, &v, &err), LL_EFORMAT);
	CHECK_INT(ll_iceberg_value_decode(&dec, zeros, 17, &v, &err), LL_EFORMAT);
	ll_iceberg_type fixed4 = { .kind = LL_ICEBERG_FIXED, .length = 4 };
	CHECK_INT(ll_iceberg_value_decode(&fixed4, zeros, 5, &v, &err), LL_EFORMAT);
	ll_iceberg_type list = { .kind = LL_ICEBERG_LIST };
	CHECK_INT(ll_iceberg_value_decode(&list, zeros, 4, &v, &err), LL_EFORMAT);

	ll_buf b = LL_BUF_INIT;
	ll_iceberg_value big = ll_iceberg_int((int64_t)INT32_MAX + 1), null = ll_iceberg_null();
	CHECK_INT(ll_iceberg_value_encode(prim(LL_ICEBERG_INT), &big, &b, &err), LL_EINVAL);
	CHECK_INT(ll_iceberg_value_encode(prim(LL_ICEBERG_DATE), &big, &b, &err), LL_EINVAL);
	CHECK_INT(ll_iceberg_value_encode(prim(LL_ICEBERG_STRING), &null, &b, &err), LL_EINVAL);
	ll_iceberg_value short_uuid = ll_iceberg_bytes(zeros, 15);
	CHECK_INT(ll_iceberg_value_encode(prim(LL_ICEBERG_UUID), &short_uuid, &b, &err), LL_EINVAL);
	ll_iceberg_value long_fixed = ll_iceberg_bytes(zeros, 5);
	CHECK_INT(ll_iceberg_value_encode(&fixed4, &long_fixed, &b, &err), LL_EINVAL);
	CHECK_INT(ll_iceberg_value_encode(&list, &big, &b, &err), LL_EINVAL);
	CHECK_INT(b.len, 0);
	ll_buf_free(&b);
}

static void test_uuid_text(void)
{
	uint8_t u[16];
	char text[37];
	CHECK(ll_iceberg_uuid_parse("F79C3E09-677C-4BBD-A479-3F349CB785E7", u));
	CHECK_STR(ll_iceberg_uuid_format(u, text), "f79c3e09-677c-4bbd-a479-3f349cb785e7");
	CHECK(u[0] == 0xf7 && u[15] == 0xe7);
	static const char *const bad[] = { "", "f79c3e09-677c-4bbd-a479-3f349cb785e",
					   "f79c3e09-677c-4bbd-a479-3f349cb785e7a",
					   "f79c3e09x677c-4bbd-a479-3f349cb785e7",
					   "g79c3e09-677c-4bbd-a479-3f349cb785e7",
					   "f79c3e09677c4bbda4793f349cb785e7" };
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		CHECK(!ll_iceberg_uuid_parse(bad[k], u));
}

LL_TEST_MAIN(LL_TEST(test_spec_encodings), LL_TEST(test_decimal_encodings),
	     LL_TEST(test_decimal_text), LL_TEST(test_round_trips), LL_TEST(test_promoted_bounds),
	     LL_TEST(test_malformed), LL_TEST(test_uuid_text))
