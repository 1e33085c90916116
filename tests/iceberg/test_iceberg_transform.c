/*
 * Partition transforms: the bucket hash against the values the Iceberg spec
 * publishes (Appendix B), bucket and identity results against the partition
 * directories Spark wrote for the shared rename_column table, the date and
 * time transforms around and before 1970, truncation of negatives, decimals
 * and multi-byte strings, and partition expressions and paths.
 */
#include "formats/iceberg/partition.h"
#include "formats/iceberg/transform.h"
#include "test.h"
#include "util/time.h"

static const ll_iceberg_type *prim(ll_iceberg_kind k)
{
	return ll_iceberg_primitive(k);
}

static int32_t hash_of(const ll_iceberg_type *t, ll_iceberg_value v)
{
	ll_error err;
	int32_t h = 0;
	CHECK_OK(ll_iceberg_hash_value(t, &v, &h, &err), &err);
	return h;
}

static int64_t micros_of(const char *iso)
{
	int64_t v = 0;
	CHECK_INT(ll_time_parse(iso, strlen(iso), &v), LL_TIME_TIMESTAMP);
	return v;
}

static int64_t days_of(int y, unsigned m, unsigned d)
{
	return ll_days_from_civil(y, m, d);
}

/* The "Test value" column of the spec's Appendix B. */
static void test_spec_hash_values(void)
{
	CHECK_INT(hash_of(prim(LL_ICEBERG_INT), ll_iceberg_int(34)), 2017239379);
	CHECK_INT(hash_of(prim(LL_ICEBERG_LONG), ll_iceberg_int(34)), 2017239379);
	ll_iceberg_type dec = { .kind = LL_ICEBERG_DECIMAL, .precision = 9, .scale = 2 };
	CHECK_INT(hash_of(&dec, ll_iceberg_decimal_from_int64(1420)), -500754589);
	CHECK_INT(hash_of(prim(LL_ICEBERG_DATE), ll_iceberg_int(days_of(2017, 11, 16))),
		  -653330422);
	int64_t time = ((22 * 60 + 31) * 60 + 8) * 1000000LL;
	CHECK_INT(hash_of(prim(LL_ICEBERG_TIME), ll_iceberg_int(time)), -662762989);
	CHECK_INT(hash_of(prim(LL_ICEBERG_TIMESTAMP),
			  ll_iceberg_int(micros_of("2017-11-16T22:31:08"))), -2047944441);
	CHECK_INT(hash_of(prim(LL_ICEBERG_TIMESTAMP),
			  ll_iceberg_int(micros_of("2017-11-16T22:31:08.000001"))), -1207196810);
	CHECK_INT(hash_of(prim(LL_ICEBERG_TIMESTAMPTZ),
			  ll_iceberg_int(micros_of("2017-11-16T14:31:08-08:00"))), -2047944441);
	CHECK_INT(hash_of(prim(LL_ICEBERG_TIMESTAMPTZ),
			  ll_iceberg_int(micros_of("2017-11-16T14:31:08.000001-08:00"))),
		  -1207196810);
	CHECK_INT(hash_of(prim(LL_ICEBERG_STRING), ll_iceberg_bytes("iceberg", 7)), 1210000089);
	uint8_t uuid[16];
	CHECK(ll_iceberg_uuid_parse("f79c3e09-677c-4bbd-a479-3f349cb785e7", uuid));
	CHECK_INT(hash_of(prim(LL_ICEBERG_UUID), ll_iceberg_bytes(uuid, 16)), 1488055340);
	static const uint8_t bytes[] = { 0, 1, 2, 3 };
	ll_iceberg_type fixed = { .kind = LL_ICEBERG_FIXED, .length = 4 };
	CHECK_INT(hash_of(&fixed, ll_iceberg_bytes(bytes, 4)), -188683207);
	CHECK_INT(hash_of(prim(LL_ICEBERG_BINARY), ll_iceberg_bytes(bytes, 4)), -188683207);
}

/* The appendix's table of types that are not bucketed, and the promotion example. */
static void test_spec_hash_values_unbucketed(void)
{
	ll_iceberg_value t = { .b = true };
	CHECK_INT(hash_of(prim(LL_ICEBERG_BOOLEAN), t), 1392991556);
	ll_iceberg_value f = { .f = 1.0f }, fz = { .f = 0.0f }, fnz = { .f = -0.0f };
	CHECK_INT(hash_of(prim(LL_ICEBERG_FLOAT), f), -142385009);
	CHECK_INT(hash_of(prim(LL_ICEBERG_FLOAT), fz), 1669671676);
	CHECK_INT(hash_of(prim(LL_ICEBERG_FLOAT), fnz), 1669671676);
	ll_iceberg_value d = { .d = 1.0 }, dz = { .d = 0.0 }, dnz = { .d = -0.0 };
	CHECK_INT(hash_of(prim(LL_ICEBERG_DOUBLE), d), -142385009);
	CHECK_INT(hash_of(prim(LL_ICEBERG_DOUBLE), dz), 1669671676);
	CHECK_INT(hash_of(prim(LL_ICEBERG_DOUBLE), dnz), 1669671676);
	/* "bucket[N] produces different hash values for 34 and "34" (2017239379 != -427558391)" */
	CHECK_INT(hash_of(prim(LL_ICEBERG_STRING), ll_iceberg_bytes("34", 2)), -427558391);
	ll_error err;
	int32_t h;
	ll_iceberg_type list = { .kind = LL_ICEBERG_LIST };
	CHECK_INT(ll_iceberg_hash_value(&list, &t, &h, &err), LL_ESCHEMA);
}

static ll_iceberg_value apply(const char *transform, const ll_iceberg_type *source,
			      ll_iceberg_value in)
{
	ll_error err;
	ll_iceberg_transform t;
	ll_iceberg_value out = ll_iceberg_null();
	CHECK_OK(ll_iceberg_transform_parse(transform, &t, &err), &err);
	CHECK_OK(ll_iceberg_transform_apply(&t, source, &in, &out, &err), &err);
	return out;
}

static int64_t apply_int(const char *transform, const ll_iceberg_type *source,
			 ll_iceberg_value in)
{
	ll_iceberg_value out = apply(transform, source, in);
	CHECK(!out.is_null);
	return out.i;
}

/*
 * Spark wrote spark/rename_column partitioned by bucket[4] of the int id:
 * ids 1 and 2 are in id_bucket=0, id 3 in id_bucket=3, id 4 in id_bucket=2
 * (the expected rows tie ids to dates, the directories dates to buckets).
 */
static void test_bucket_matches_spark(void)
{
	const ll_iceberg_type *i = prim(LL_ICEBERG_INT);
	CHECK_INT(apply_int("bucket[4]", i, ll_iceberg_int(1)), 0);
	CHECK_INT(apply_int("bucket[4]", i, ll_iceberg_int(2)), 0);
	CHECK_INT(apply_int("bucket[4]", i, ll_iceberg_int(3)), 3);
	CHECK_INT(apply_int("bucket[4]", i, ll_iceberg_int(4)), 2);
	/* the sign bit is dropped before the modulo: -2047944441 & INT32_MAX */
	CHECK_INT(apply_int("bucket[1000]", prim(LL_ICEBERG_TIMESTAMP),
			    ll_iceberg_int(micros_of("2017-11-16T22:31:08"))),
		  (-2047944441 & INT32_MAX) % 1000);
	CHECK_INT(apply_int("bucket[16]", prim(LL_ICEBERG_STRING), ll_iceberg_bytes("iceberg", 7)),
		  1210000089 % 16);
	CHECK(apply("bucket[16]", i, ll_iceberg_null()).is_null);
}

static void check_temporal(const ll_iceberg_type *t, int64_t v, int64_t year, int64_t month,
			   int64_t day, int64_t hour)
{
	CHECK_INT(apply_int("year", t, ll_iceberg_int(v)), year);
	CHECK_INT(apply_int("month", t, ll_iceberg_int(v)), month);
	CHECK_INT(apply_int("day", t, ll_iceberg_int(v)), day);
	if (t->kind != LL_ICEBERG_DATE)
		CHECK_INT(apply_int("hour", t, ll_iceberg_int(v)), hour);
}

static void test_temporal_transforms(void)
{
	const ll_iceberg_type *ts = prim(LL_ICEBERG_TIMESTAMP), *tz = prim(LL_ICEBERG_TIMESTAMPTZ);
	const ll_iceberg_type *date = prim(LL_ICEBERG_DATE);
	check_temporal(ts, micros_of("2017-11-16T22:31:08"), 47, 47 * 12 + 10, 17486,
		       17486 * 24 + 22);
	check_temporal(tz, micros_of("1970-01-01T00:00:00"), 0, 0, 0, 0);
	/* one microsecond before the epoch is in the previous year, month, day and hour */
	check_temporal(ts, -1, -1, -1, -1, -1);
	check_temporal(tz, micros_of("1969-12-31T23:00:00"), -1, -1, -1, -1);
	check_temporal(tz, micros_of("1969-12-31T22:59:59.999999"), -1, -1, -1, -2);
	check_temporal(ts, micros_of("1969-01-01T00:00:00"), -1, -12, -365, -365 * 24);
	check_temporal(ts, micros_of("1968-12-31T23:59:59.999999"), -2, -13, -366, -366 * 24 + 23);
	check_temporal(ts, micros_of("1900-03-01T12:00:00"), -70, -70 * 12 + 2,
		       days_of(1900, 3, 1), days_of(1900, 3, 1) * 24 + 12);
	check_temporal(date, days_of(1969, 12, 31), -1, -1, -1, 0);
	check_temporal(date, days_of(1969, 1, 1), -1, -12, -365, 0);
	check_temporal(date, days_of(2024, 2, 29), 54, 54 * 12 + 1, days_of(2024, 2, 29), 0);

	ll_error err;
	ll_iceberg_transform hour;
	const ll_iceberg_type *result;
	CHECK_OK(ll_iceberg_transform_parse("hour", &hour, &err), &err);
	CHECK_INT(ll_iceberg_transform_result_type(&hour, date, &result, &err), LL_ESCHEMA);
	CHECK(strstr(err.message, "hour") && strstr(err.message, "date"));
	CHECK(apply("month", ts, ll_iceberg_null()).is_null);
}

static void test_truncate_numbers(void)
{
	static const struct {
		int64_t in, out;
	} cases[] = { { 1, 0 }, { -1, -10 }, { 0, 0 }, { 10, 10 }, { -10, -10 }, { -11, -20 },
		      { 19, 10 }, { 5, 0 } };
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		CHECK_INT(apply_int("truncate[10]", prim(LL_ICEBERG_INT), ll_iceberg_int(cases[k].in)),
			  cases[k].out);
		CHECK_INT(apply_int("truncate[10]", prim(LL_ICEBERG_LONG),
				    ll_iceberg_int(cases[k].in)), cases[k].out);
	}
	CHECK_INT(apply_int("truncate[1]", prim(LL_ICEBERG_LONG), ll_iceberg_int(INT64_MIN)),
		  INT64_MIN);
	CHECK_INT(apply_int("truncate[3]", prim(LL_ICEBERG_LONG), ll_iceberg_int(INT64_MAX)),
		  INT64_MAX - INT64_MAX % 3);

	/* the spec's example: W=50, scale 2: 10.65 becomes 10.50 */
	ll_iceberg_type dec = { .kind = LL_ICEBERG_DECIMAL, .precision = 9, .scale = 2 };
	ll_iceberg_value out = apply("truncate[50]", &dec, ll_iceberg_decimal_from_int64(1065));
	ll_iceberg_value want = ll_iceberg_decimal_from_int64(1050);
	CHECK(memcmp(out.decimal, want.decimal, 16) == 0);
	out = apply("truncate[10]", &dec, ll_iceberg_decimal_from_int64(-5));
	want = ll_iceberg_decimal_from_int64(-10);
	CHECK(memcmp(out.decimal, want.decimal, 16) == 0);
	char text[LL_ICEBERG_DECIMAL_TEXT_MAX];
	CHECK_STR(ll_iceberg_decimal_format(out.decimal, 2, text), "-0.10");
}

static void check_truncated(const char *transform, const ll_iceberg_type *t, const char *in,
			    size_t in_len, const char *want, size_t want_len)
{
	ll_iceberg_value out = apply(transform, t, ll_iceberg_bytes(in, in_len));
	CHECK_INT(out.bytes.len, want_len);
	CHECK(out.bytes.data == (const uint8_t *)in);
	CHECK(memcmp(out.bytes.data, want, want_len) == 0);
}

static void test_truncate_strings(void)
{
	const ll_iceberg_type *s = prim(LL_ICEBERG_STRING), *b = prim(LL_ICEBERG_BINARY);
	check_truncated("truncate[3]", s, "iceberg", 7, "ice", 3);
	check_truncated("truncate[10]", s, "ice", 3, "ice", 3);
	/* code points, not bytes: the rabbit is one code point of four bytes */
	const char *flopsy = "Flopsy \xf0\x9f\x90\x87";
	check_truncated("truncate[7]", s, flopsy, 11, "Flopsy ", 7);
	check_truncated("truncate[8]", s, flopsy, 11, flopsy, 11);
	check_truncated("truncate[3]", s, "Na\xc3\xafve", 6, "Na\xc3\xaf", 4);
	check_truncated("truncate[3]", b, "\x01\x02\x03\x04\x05", 5, "\x01\x02\x03", 3);
	check_truncated("truncate[2]", b, "\xc3\xaf\x01", 3, "\xc3\xaf", 2);
}

static void test_transform_text(void)
{
	static const char *const valid[] = { "identity", "bucket[16]", "truncate[4]", "year",
					     "month", "day", "hour", "void", "bucket[2147483647]" };
	ll_error err;
	for (size_t k = 0; k < sizeof(valid) / sizeof(valid[0]); k++) {
		ll_iceberg_transform t;
		char back[64];
		CHECK_OK(ll_iceberg_transform_parse(valid[k], &t, &err), &err);
		CHECK(t.kind != LL_ICEBERG_TRANSFORM_UNKNOWN);
		CHECK_STR(ll_iceberg_transform_format(&t, back, sizeof(back)), valid[k]);
	}
	static const char *const malformed[] = { "bucket[0]", "bucket[-1]", "bucket[x]",
						 "truncate[2147483648]", "bucket[16", "truncate[]" };
	for (size_t k = 0; k < sizeof(malformed) / sizeof(malformed[0]); k++) {
		ll_iceberg_transform t;
		CHECK_INT(ll_iceberg_transform_parse(malformed[k], &t, &err), LL_EFORMAT);
		CHECK(strstr(err.message, malformed[k]));
	}
	/* transforms of newer specs are kept as written and refused when applied */
	ll_iceberg_transform t;
	char back[64];
	CHECK_OK(ll_iceberg_transform_parse("zorder", &t, &err), &err);
	CHECK_INT(t.kind, LL_ICEBERG_TRANSFORM_UNKNOWN);
	CHECK_STR(ll_iceberg_transform_format(&t, back, sizeof(back)), "zorder");
	ll_iceberg_value in = ll_iceberg_int(1), out;
	CHECK_INT(ll_iceberg_transform_apply(&t, prim(LL_ICEBERG_INT), &in, &out, &err),
		  LL_EUNSUPPORTED);
	CHECK_OK(ll_iceberg_transform_parse("years", &t, &err), &err);
	CHECK_INT(t.kind, LL_ICEBERG_TRANSFORM_UNKNOWN);
}

static void test_result_types(void)
{
	static const struct {
		const char *transform;
		ll_iceberg_kind source;
		int result; /* -1: does not apply */
	} cases[] = {
		{ "identity", LL_ICEBERG_DOUBLE, LL_ICEBERG_DOUBLE },
		{ "bucket[4]", LL_ICEBERG_STRING, LL_ICEBERG_INT },
		{ "bucket[4]", LL_ICEBERG_DOUBLE, -1 },
		{ "bucket[4]", LL_ICEBERG_BOOLEAN, -1 },
		{ "truncate[4]", LL_ICEBERG_STRING, LL_ICEBERG_STRING },
		{ "truncate[4]", LL_ICEBERG_DATE, -1 },
		{ "truncate[4]", LL_ICEBERG_UUID, -1 },
		{ "year", LL_ICEBERG_TIMESTAMPTZ, LL_ICEBERG_INT },
		{ "month", LL_ICEBERG_DATE, LL_ICEBERG_INT },
		{ "month", LL_ICEBERG_STRING, -1 },
		{ "day", LL_ICEBERG_TIMESTAMP, LL_ICEBERG_DATE },
		{ "hour", LL_ICEBERG_TIMESTAMP, LL_ICEBERG_INT },
		{ "hour", LL_ICEBERG_DATE, -1 },
		{ "void", LL_ICEBERG_LONG, LL_ICEBERG_LONG },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		ll_error err;
		ll_iceberg_transform t;
		const ll_iceberg_type *result = NULL;
		CHECK_OK(ll_iceberg_transform_parse(cases[k].transform, &t, &err), &err);
		ll_status st = ll_iceberg_transform_result_type(&t, prim(cases[k].source), &result,
								&err);
		if (cases[k].result < 0) {
			CHECK_INT(st, LL_ESCHEMA);
		} else {
			CHECK_INT(st, LL_OK);
			CHECK(result && result->kind == (ll_iceberg_kind)cases[k].result);
		}
	}
	CHECK(apply("void", prim(LL_ICEBERG_LONG), ll_iceberg_int(7)).is_null);
	CHECK_INT(apply_int("identity", prim(LL_ICEBERG_LONG), ll_iceberg_int(7)), 7);
}

static void check_expr(const char *text, ll_iceberg_transform_kind kind, int32_t param,
		       const char *column, const char *field_name)
{
	ll_error err;
	ll_iceberg_partition_expr e;
	CHECK_OK(ll_iceberg_partition_expr_parse(text, &e, &err), &err);
	CHECK_INT(e.transform.kind, kind);
	CHECK_INT(e.transform.param, param);
	CHECK_INT(e.column_len, strlen(column));
	CHECK(e.column && strncmp(e.column, column, e.column_len) == 0);
	ll_buf name = LL_BUF_INIT;
	ll_iceberg_partition_field_name(&e.transform, column, &name);
	CHECK_STR(ll_buf_cstr(&name), field_name);
	ll_buf_free(&name);
}

static void test_partition_expressions(void)
{
	check_expr("month(created_at)", LL_ICEBERG_TRANSFORM_MONTH, 0, "created_at",
		   "created_at_month");
	check_expr("bucket(16, user_id)", LL_ICEBERG_TRANSFORM_BUCKET, 16, "user_id",
		   "user_id_bucket");
	check_expr("category", LL_ICEBERG_TRANSFORM_IDENTITY, 0, "category", "category");
	check_expr("  truncate( 4 ,name )  ", LL_ICEBERG_TRANSFORM_TRUNCATE, 4, "name",
		   "name_trunc");
	check_expr("bucket(user_id, 8)", LL_ICEBERG_TRANSFORM_BUCKET, 8, "user_id",
		   "user_id_bucket");
	check_expr("years(ts)", LL_ICEBERG_TRANSFORM_YEAR, 0, "ts", "ts_year");
	check_expr("day(ts)", LL_ICEBERG_TRANSFORM_DAY, 0, "ts", "ts_day");
	check_expr("hours(ts)", LL_ICEBERG_TRANSFORM_HOUR, 0, "ts", "ts_hour");
	check_expr("identity(c)", LL_ICEBERG_TRANSFORM_IDENTITY, 0, "c", "c");
	check_expr("void(c)", LL_ICEBERG_TRANSFORM_VOID, 0, "c", "c_null");
	static const char *const bad[] = { "", "  ", "bucket(user_id)", "bucket(0, x)",
					   "bucket(4, 5)", "bucket(a, b)", "minute(ts)", "month(ts",
					   "month(ts) x", "month()", "a b", "bucket(, x)" };
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		ll_error err;
		ll_iceberg_partition_expr e;
		CHECK_INT(ll_iceberg_partition_expr_parse(bad[k], &e, &err), LL_EINVAL);
		CHECK(strstr(err.message, "partition expression"));
	}
}

static void check_human(const char *transform, const ll_iceberg_type *source,
			ll_iceberg_value in, const char *want)
{
	ll_error err;
	ll_iceberg_transform t;
	ll_iceberg_value out;
	ll_buf b = LL_BUF_INIT;
	CHECK_OK(ll_iceberg_transform_parse(transform, &t, &err), &err);
	CHECK_OK(ll_iceberg_transform_apply(&t, source, &in, &out, &err), &err);
	CHECK_OK(ll_iceberg_partition_value_human(&t, source, &out, &b, &err), &err);
	CHECK_STR(ll_buf_cstr(&b), want);
	ll_buf_free(&b);
}

static void test_human_strings(void)
{
	const ll_iceberg_type *ts = prim(LL_ICEBERG_TIMESTAMP), *tz = prim(LL_ICEBERG_TIMESTAMPTZ);
	int64_t t = micros_of("2024-03-05T13:04:05.123456");
	check_human("year", ts, ll_iceberg_int(t), "2024");
	check_human("month", ts, ll_iceberg_int(t), "2024-03");
	check_human("day", ts, ll_iceberg_int(t), "2024-03-05");
	check_human("hour", ts, ll_iceberg_int(t), "2024-03-05-13");
	check_human("month", tz, ll_iceberg_int(-1), "1969-12");
	check_human("hour", tz, ll_iceberg_int(-1), "1969-12-31-23");
	check_human("year", prim(LL_ICEBERG_DATE), ll_iceberg_int(days_of(1969, 6, 1)), "1969");
	/* java.time's toString: seconds only when set, fractions in groups of three */
	check_human("identity", ts, ll_iceberg_int(t), "2024-03-05T13:04:05.123456");
	check_human("identity", tz, ll_iceberg_int(t), "2024-03-05T13:04:05.123456Z");
	check_human("identity", ts, ll_iceberg_int(micros_of("2017-11-16T22:31:00")),
		    "2017-11-16T22:31");
	check_human("identity", ts, ll_iceberg_int(micros_of("2017-11-16T22:31:08.120")),
		    "2017-11-16T22:31:08.120");
	check_human("identity", prim(LL_ICEBERG_TIME), ll_iceberg_int(8000000), "00:00:08");
	check_human("identity", prim(LL_ICEBERG_DATE), ll_iceberg_int(-1), "1969-12-31");
	check_human("bucket[16]", prim(LL_ICEBERG_STRING), ll_iceberg_bytes("iceberg", 7), "9");
	check_human("identity", prim(LL_ICEBERG_STRING), ll_iceberg_null(), "null");
	ll_iceberg_value yes = { .b = true };
	check_human("identity", prim(LL_ICEBERG_BOOLEAN), yes, "true");
	static const uint8_t bin[] = { 1, 2, 3 };
	check_human("identity", prim(LL_ICEBERG_BINARY), ll_iceberg_bytes(bin, 3), "AQID");
	ll_iceberg_type dec = { .kind = LL_ICEBERG_DECIMAL, .precision = 10, .scale = 2 };
	check_human("truncate[50]", &dec, ll_iceberg_decimal_from_int64(1065), "10.50");
	/* Double.toString: plain from 1e-3 to 1e7, scientific outside */
	static const struct {
		double v;
		const char *want;
	} doubles[] = { { 1.0, "1.0" },        { 0.1, "0.1" },          { 123.456, "123.456" },
			{ 1e7, "1.0E7" },      { 9999999.0, "9999999.0" }, { 0.001, "0.001" },
			{ 1e-4, "1.0E-4" },    { -2.5e-10, "-2.5E-10" },   { 0.0, "0.0" },
			{ -0.0, "-0.0" },      { 1e21, "1.0E21" },         { 100.0, "100.0" } };
	for (size_t k = 0; k < sizeof(doubles) / sizeof(doubles[0]); k++) {
		ll_iceberg_value v = { .d = doubles[k].v };
		check_human("identity", prim(LL_ICEBERG_DOUBLE), v, doubles[k].want);
	}
	ll_iceberg_value f = { .f = 1.1f };
	check_human("identity", prim(LL_ICEBERG_FLOAT), f, "1.1");
	uint8_t uuid[16];
	CHECK(ll_iceberg_uuid_parse("f79c3e09-677c-4bbd-a479-3f349cb785e7", uuid));
	check_human("identity", prim(LL_ICEBERG_UUID), ll_iceberg_bytes(uuid, 16),
		    "f79c3e09-677c-4bbd-a479-3f349cb785e7");
	ll_error err;
	ll_iceberg_transform identity = { .kind = LL_ICEBERG_TRANSFORM_IDENTITY };
	ll_iceberg_value short_uuid = ll_iceberg_bytes(uuid, 15);
	ll_buf b = LL_BUF_INIT;
	CHECK_INT(ll_iceberg_partition_value_human(&identity, prim(LL_ICEBERG_UUID), &short_uuid,
						   &b, &err), LL_EINVAL);
	ll_buf_free(&b);
}

static void test_partition_paths(void)
{
	const ll_iceberg_field cols[] = {
		{ .id = 1, .name = "created_at", .type = prim(LL_ICEBERG_TIMESTAMPTZ) },
		{ .id = 2, .name = "user_id", .type = prim(LL_ICEBERG_LONG) },
		{ .id = 3, .name = "note", .type = prim(LL_ICEBERG_STRING) },
	};
	ll_iceberg_schema schema = { .type = { .kind = LL_ICEBERG_STRUCT, .fields = cols,
					       .nfields = 3 } };
	ll_iceberg_partition_field pf[] = {
		{ .source_id = 1, .field_id = 1000, .name = "created_at_month",
		  .transform = { .kind = LL_ICEBERG_TRANSFORM_MONTH } },
		{ .source_id = 2, .field_id = 1001, .name = "user_id_bucket",
		  .transform = { .kind = LL_ICEBERG_TRANSFORM_BUCKET, .param = 16 } },
		{ .source_id = 3, .field_id = 1002, .name = "note",
		  .transform = { .kind = LL_ICEBERG_TRANSFORM_IDENTITY } },
	};
	ll_iceberg_partition_spec spec = { .fields = pf, .nfields = 3 };
	const char *note = "a b/c=\xc3\xaf%+~";
	ll_iceberg_value values[] = { ll_iceberg_int(650), ll_iceberg_int(5),
				      ll_iceberg_bytes(note, strlen(note)) };
	ll_error err;
	ll_buf b = LL_BUF_INIT;
	CHECK_OK(ll_iceberg_partition_path(&spec, &schema, values, &b, &err), &err);
	CHECK_STR(ll_buf_cstr(&b),
		  "created_at_month=2024-03/user_id_bucket=5/note=a+b%2Fc%3D%C3%AF%25%2B%7E");
	values[2] = ll_iceberg_null();
	ll_buf_clear(&b);
	CHECK_OK(ll_iceberg_partition_path(&spec, &schema, values, &b, &err), &err);
	CHECK_STR(ll_buf_cstr(&b), "created_at_month=2024-03/user_id_bucket=5/note=null");
	pf[2].source_id = 9;
	CHECK_INT(ll_iceberg_partition_path(&spec, &schema, values, &b, &err), LL_ESCHEMA);
	CHECK(strstr(err.message, "note"));
	ll_buf_free(&b);
}

static void test_murmur3_empty_and_tails(void)
{
	/* the reference implementation's well-known values for seed 0 */
	CHECK_INT(ll_iceberg_murmur3_32("", 0), 0);
	CHECK_INT((uint32_t)ll_iceberg_murmur3_32("\x00\x00\x00\x00", 4), 0x2362f9deu);
	CHECK_INT((uint32_t)ll_iceberg_murmur3_32("\x21\x43\x65\x87", 4), 0xf55b516bu);
	CHECK_INT((uint32_t)ll_iceberg_murmur3_32("\x21\x43\x65", 3), 0x7e4a8634u);
	CHECK_INT((uint32_t)ll_iceberg_murmur3_32("\x21\x43", 2), 0xa0f7b07au);
	CHECK_INT((uint32_t)ll_iceberg_murmur3_32("\x21", 1), 0x72661cf4u);
}

LL_TEST_MAIN(LL_TEST(test_spec_hash_values), LL_TEST(test_spec_hash_values_unbucketed),
	     LL_TEST(test_bucket_matches_spark), LL_TEST(test_temporal_transforms),
	     LL_TEST(test_truncate_numbers), LL_TEST(test_truncate_strings),
	     LL_TEST(test_transform_text), LL_TEST(test_result_types),
	     LL_TEST(test_partition_expressions), LL_TEST(test_human_strings),
	     LL_TEST(test_partition_paths), LL_TEST(test_murmur3_empty_and_tails))
