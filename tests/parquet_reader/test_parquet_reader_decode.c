/*
 * The reader's decoders on their own: the Thrift compact protocol (against
 * our encoder and hand-made bytes), the RLE/bit-packed hybrid and
 * DELTA_BINARY_PACKED (with the examples of the Parquet format
 * specification, then round trips through the small encoder in
 * reader_util.c, written from the specification), and value conversions (decimals of any width,
 * INT96, UUID, half floats, time units, JSON text).
 */
#include <math.h>

#include "test.h"

#include "formats/parquet/reader_internal.h"
#include "formats/parquet/thrift_decode.h"
#include "formats/parquet/thrift_encode.h"
#include "reader_util.h"

/* ---- Thrift ---- */

static void encode_sample(ll_buf *out)
{
	ll_thrift_encoder e;
	static const char blob[] = "a\0b";
	ll_thrift_encoder_init(&e, out);
	ll_thrift_encode_i32(&e, 1, -7);
	ll_thrift_encode_i64(&e, 2, INT64_MIN);
	ll_thrift_encode_bool(&e, 3, true);
	ll_thrift_encode_bool(&e, 4, false);
	ll_thrift_encode_double(&e, 5, -2.5);
	ll_thrift_encode_binary(&e, 6, blob, 3);
	ll_thrift_encode_i32(&e, 40, INT32_MAX); /* a jump of more than 15: the long header */
	ll_thrift_encode_struct_begin(&e, 41);
	ll_thrift_encode_i32(&e, 1, 5);
	ll_thrift_encode_empty_struct(&e, 2);
	ll_thrift_encode_struct_end(&e);
	ll_thrift_encode_list_begin(&e, 42, LL_THRIFT_WIRE_I32, 20);
	for (int i = 0; i < 20; i++)
		ll_thrift_encode_element_i32(&e, i - 10);
	ll_thrift_encode_list_begin(&e, 43, LL_THRIFT_WIRE_STRUCT, 3);
	for (int i = 0; i < 3; i++) {
		ll_thrift_encode_element_struct_begin(&e);
		ll_thrift_encode_i64(&e, 7, i);
		ll_thrift_encode_struct_end(&e);
	}
	ll_thrift_encode_list_begin(&e, 44, LL_THRIFT_WIRE_BINARY, 2);
	ll_thrift_encode_element_string(&e, "x");
	ll_thrift_encode_element_string(&e, "yz");
	ll_thrift_encode_struct_end(&e);
}

static void read_nested_struct(ll_thrift_decoder *d, ll_thrift_wire t)
{
	int16_t id;
	int32_t v = 0;
	CHECK(ll_thrift_decode_struct_begin(d, t));
	while (ll_thrift_decode_field(d, &id, &t)) {
		if (id == 1)
			CHECK(ll_thrift_decode_i32(d, t, &v));
		else
			CHECK(ll_thrift_skip(d, t));
	}
	CHECK_INT(v, 5);
}

static void read_lists(ll_thrift_decoder *d, int16_t id, ll_thrift_wire t)
{
	ll_thrift_wire elem;
	size_t n;
	CHECK(ll_thrift_decode_list_begin(d, t, &elem, &n));
	for (size_t i = 0; i < n; i++) {
		if (id == 42) {
			int32_t v;
			CHECK(ll_thrift_decode_element_i32(d, elem, &v));
			CHECK_INT(v, (int)i - 10);
		} else if (id == 43) {
			int16_t fid;
			ll_thrift_wire ft;
			int64_t v = -1;
			CHECK(ll_thrift_decode_element_struct_begin(d, elem));
			while (ll_thrift_decode_field(d, &fid, &ft))
				CHECK(ll_thrift_decode_i64(d, ft, &v));
			CHECK_INT(v, (long long)i);
		} else {
			CHECK(ll_thrift_skip_element(d, elem));
		}
	}
	CHECK_INT(n, id == 42 ? 20 : id == 43 ? 3 : 2);
}

static void test_thrift_round_trip(void)
{
	ll_buf b = LL_BUF_INIT;
	encode_sample(&b);
	ll_thrift_decoder d;
	ll_thrift_decoder_init(&d, b.data, b.len);
	int16_t id;
	ll_thrift_wire t;
	int fields = 0;
	while (ll_thrift_decode_field(&d, &id, &t)) {
		fields++;
		int32_t i32;
		int64_t i64;
		bool flag;
		double dbl;
		const uint8_t *s;
		size_t len;
		switch (id) {
		case 1: CHECK(ll_thrift_decode_i32(&d, t, &i32) && i32 == -7); break;
		case 2: CHECK(ll_thrift_decode_i64(&d, t, &i64) && i64 == INT64_MIN); break;
		case 3: CHECK(ll_thrift_decode_bool(&d, t, &flag) && flag); break;
		case 4: CHECK(ll_thrift_decode_bool(&d, t, &flag) && !flag); break;
		case 5: CHECK(ll_thrift_decode_double(&d, t, &dbl) && dbl == -2.5); break;
		case 6: CHECK(ll_thrift_decode_binary(&d, t, &s, &len) && len == 3 && memcmp(s, "a\0b", 3) == 0); break;
		case 40: CHECK(ll_thrift_decode_i32(&d, t, &i32) && i32 == INT32_MAX); break;
		case 41: read_nested_struct(&d, t); break;
		default: read_lists(&d, id, t); break;
		}
	}
	CHECK(!ll_thrift_decoder_failed(&d));
	CHECK_INT(fields, 11);
	CHECK_INT(ll_thrift_decoder_offset(&d), b.len);

	/* skipping everything lands exactly at the end too */
	ll_thrift_decoder_init(&d, b.data, b.len);
	while (ll_thrift_decode_field(&d, &id, &t))
		CHECK(ll_thrift_skip(&d, t));
	CHECK(!ll_thrift_decoder_failed(&d));
	CHECK_INT(ll_thrift_decoder_offset(&d), b.len);

	/* a value read with the wrong type is an error, not a guess */
	ll_thrift_decoder_init(&d, b.data, b.len);
	CHECK(ll_thrift_decode_field(&d, &id, &t));
	int64_t wrong;
	CHECK(!ll_thrift_decode_i64(&d, t, &wrong));
	CHECK(ll_thrift_decoder_failed(&d));
	CHECK(!ll_thrift_decode_field(&d, &id, &t)); /* errors are sticky */
	ll_buf_free(&b);
}

/* Skips a whole structure; false when the decoder failed. */
static bool skip_all(const uint8_t *data, size_t len)
{
	ll_thrift_decoder d;
	int16_t id;
	ll_thrift_wire t;
	ll_thrift_decoder_init(&d, data, len);
	while (ll_thrift_decode_field(&d, &id, &t))
		ll_thrift_skip(&d, t);
	return !ll_thrift_decoder_failed(&d);
}

static void test_thrift_truncated(void)
{
	ll_buf b = LL_BUF_INIT;
	encode_sample(&b);
	for (size_t n = 0; n < b.len; n++) {
		/* an exact-size copy, so the sanitizers see any read past it */
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, b.data, n);
		CHECK(!skip_all(copy, n));
		free(copy);
	}
	CHECK(skip_all((const uint8_t *)b.data, b.len));
	ll_buf_free(&b);
}

static void test_thrift_maps_sets_and_limits(void)
{
	/* 1: map<i32,binary> of 2; 2: set<i32> of 2; 3: i8; 4: i16 7; 5: i32 9; stop */
	static const uint8_t ok[] = { 0x1B, 0x02, 0x58, 0x02, 0x01, 'a', 0x04, 0x02, 'b', 'c',
				      0x1A, 0x25, 0x02, 0x04, 0x13, 0xFF, 0x14, 0x0E, 0x15, 0x12, 0x00 };
	ll_thrift_decoder d;
	int16_t id;
	ll_thrift_wire t;
	int32_t v = 0;
	ll_thrift_decoder_init(&d, ok, sizeof(ok));
	while (ll_thrift_decode_field(&d, &id, &t)) {
		if (id == 5)
			CHECK(ll_thrift_decode_i32(&d, t, &v));
		else
			CHECK(ll_thrift_skip(&d, t));
	}
	CHECK(!ll_thrift_decoder_failed(&d));
	CHECK_INT(v, 9);
	CHECK_INT(ll_thrift_decoder_offset(&d), sizeof(ok));

	/* nested deeper than the limit */
	uint8_t deep[64];
	memset(deep, 0x1C, sizeof(deep));
	CHECK(!skip_all(deep, sizeof(deep)));
	/* a list claiming more elements than bytes */
	static const uint8_t long_list[] = { 0x19, 0xF5, 0xE8, 0x07, 0x00, 0x00 };
	CHECK(!skip_all(long_list, sizeof(long_list)));
	/* a varint of eleven bytes */
	static const uint8_t long_varint[] = { 0x15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
					       0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00 };
	CHECK(!skip_all(long_varint, sizeof(long_varint)));
	/* an i32 beyond 32 bits */
	static const uint8_t big_i32[] = { 0x15, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00 };
	ll_thrift_decoder_init(&d, big_i32, sizeof(big_i32));
	CHECK(ll_thrift_decode_field(&d, &id, &t));
	CHECK(!ll_thrift_decode_i32(&d, t, &v));
	/* an unknown wire type */
	static const uint8_t bad_type[] = { 0x1D, 0x00 };
	CHECK(!skip_all(bad_type, sizeof(bad_type)));
	/* reading past the outermost stop byte */
	static const uint8_t empty[] = { 0x00, 0x15, 0x02 };
	ll_thrift_decoder_init(&d, empty, sizeof(empty));
	CHECK(!ll_thrift_decode_field(&d, &id, &t));
	CHECK(!ll_thrift_decoder_failed(&d));
	CHECK(!ll_thrift_decode_field(&d, &id, &t));
	CHECK(ll_thrift_decoder_failed(&d));
}

/* ---- RLE / bit-packed hybrid ---- */

static void test_rle_spec_examples(void)
{
	uint32_t out[16];
	ll_pqr_rle d;
	/* bit-packed 0..7 at width 3, from the specification */
	static const uint8_t packed[] = { 0x03, 0x88, 0xC6, 0xFA };
	ll_pqr_rle_init(&d, packed, sizeof(packed), 3);
	CHECK(ll_pqr_rle_next(&d, out, 3) == NULL);
	CHECK(ll_pqr_rle_next(&d, out + 3, 5) == NULL);
	for (uint32_t i = 0; i < 8; i++)
		CHECK_INT(out[i], i);
	CHECK(ll_pqr_rle_next(&d, out, 1) != NULL); /* nothing more */
	/* the deprecated BIT_PACKED: the same values, most significant bit first */
	static const uint8_t msb[] = { 0x05, 0x39, 0x77 };
	ll_pqr_rle_init_msb(&d, msb, sizeof(msb), 3, 8);
	CHECK(ll_pqr_rle_next(&d, out, 8) == NULL);
	for (uint32_t i = 0; i < 8; i++)
		CHECK_INT(out[i], i);
	CHECK(ll_pqr_rle_next(&d, out, 1) != NULL);
	/* an RLE run of eight 5s, then a run of 300 1s at width 1 */
	static const uint8_t runs[] = { 0x10, 0x05 };
	ll_pqr_rle_init(&d, runs, sizeof(runs), 3);
	CHECK(ll_pqr_rle_next(&d, out, 8) == NULL);
	CHECK(out[0] == 5 && out[7] == 5);
	static const uint8_t wide[] = { 0xD8, 0x04, 0x01 };
	ll_pqr_rle_init(&d, wide, sizeof(wide), 1);
	uint32_t many[300];
	CHECK(ll_pqr_rle_next(&d, many, 300) == NULL);
	CHECK(many[0] == 1 && many[299] == 1);
	/* width 0: zeros without any bytes */
	ll_pqr_rle_init(&d, wide, 0, 0);
	CHECK(ll_pqr_rle_next(&d, out, 4) != NULL);
	static const uint8_t zero_run[] = { 0x20 };
	ll_pqr_rle_init(&d, zero_run, 1, 0);
	CHECK(ll_pqr_rle_next(&d, out, 16) == NULL && out[15] == 0);
}

static void test_rle_damage(void)
{
	uint32_t out[16];
	ll_pqr_rle d;
	/* a last bit-packed run cut short still gives the values it holds */
	static const uint8_t cut[] = { 0x03, 0x88, 0xC6 };
	ll_pqr_rle_init(&d, cut, sizeof(cut), 3);
	CHECK(ll_pqr_rle_next(&d, out, 5) == NULL);
	CHECK_INT(out[4], 4);
	CHECK(ll_pqr_rle_next(&d, out, 1) != NULL);
	/* a run value wider than the bit width */
	static const uint8_t wide_value[] = { 0x02, 0x02 };
	ll_pqr_rle_init(&d, wide_value, sizeof(wide_value), 1);
	CHECK(ll_pqr_rle_next(&d, out, 1) != NULL);
	/* a run value cut off */
	static const uint8_t no_value[] = { 0x02 };
	ll_pqr_rle_init(&d, no_value, sizeof(no_value), 8);
	CHECK(ll_pqr_rle_next(&d, out, 1) != NULL);
	/* a header that never ends */
	static const uint8_t endless[] = { 0x80, 0x80 };
	ll_pqr_rle_init(&d, endless, sizeof(endless), 1);
	CHECK(ll_pqr_rle_next(&d, out, 1) != NULL);
	CHECK_INT(ll_pqr_bit_width(0), 0);
	CHECK_INT(ll_pqr_bit_width(1), 1);
	CHECK_INT(ll_pqr_bit_width(7), 3);
	CHECK_INT(ll_pqr_bit_width(8), 4);
	CHECK_INT(ll_pqr_bit_width(UINT32_MAX), 32);
}

/* ---- DELTA_BINARY_PACKED ---- */

static void check_delta(const int64_t *v, size_t n, bool is32)
{
	ll_buf b = LL_BUF_INIT;
	test_delta_encode(v, n, is32, &b);
	ll_buf_append(&b, "tail", 4);
	ll_pqr_delta d;
	const uint8_t *end = NULL;
	CHECK(ll_pqr_delta_init(&d, (const uint8_t *)b.data, b.len, is32) == NULL);
	CHECK(ll_pqr_delta_end(&d, &end) == NULL);
	CHECK(end == (const uint8_t *)b.data + b.len - 4);
	int64_t *out = malloc((n + 1) * sizeof(*out));
	size_t done = 0;
	for (size_t step = 1; done < n; step = step * 3 + 1) {
		size_t k = n - done < step ? n - done : step;
		CHECK(ll_pqr_delta_next(&d, out + done, k) == NULL);
		done += k;
	}
	for (size_t i = 0; i < n; i++) {
		if (out[i] != v[i]) {
			fprintf(stderr, "delta value %zu of %zu: %lld, expected %lld\n", i, n,
				(long long)out[i], (long long)v[i]);
			ll_test_failures++;
			break;
		}
	}
	CHECK(ll_pqr_delta_next(&d, out, 1) != NULL); /* no more values */
	CHECK(ll_pqr_delta_end(&d, &end) == NULL && end == (const uint8_t *)b.data + b.len - 4);
	free(out);
	ll_buf_free(&b);
}

static void test_delta_spec_examples(void)
{
	static const uint8_t ex1[] = { 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t ex2[] = { 0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00,
				       0xC0, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	int64_t out[8];
	ll_pqr_delta d;
	const uint8_t *end;
	CHECK(ll_pqr_delta_init(&d, ex1, sizeof(ex1), false) == NULL);
	CHECK(ll_pqr_delta_end(&d, &end) == NULL && end == ex1 + sizeof(ex1));
	CHECK(ll_pqr_delta_next(&d, out, 5) == NULL);
	for (int i = 0; i < 5; i++)
		CHECK_INT(out[i], i + 1);
	static const int64_t want2[] = { 7, 5, 3, 1, 2, 3, 4, 5 };
	CHECK(ll_pqr_delta_init(&d, ex2, sizeof(ex2), true) == NULL);
	CHECK(ll_pqr_delta_end(&d, &end) == NULL && end == ex2 + sizeof(ex2));
	CHECK(ll_pqr_delta_next(&d, out, 8) == NULL);
	for (int i = 0; i < 8; i++)
		CHECK_INT(out[i], want2[i]);
}

static void test_delta_round_trips(void)
{
	enum { N = 1000 };
	int64_t v[N] = { 0 };
	uint64_t x = 88172645463325252ULL;
	for (size_t n = 0; n <= N; n = n < 10 ? n + 1 : n * 2 + 7) {
		size_t m = n > N ? N : n;
		for (size_t i = 0; i < m; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			v[i] = i % 50 == 7 ? (int64_t)x : (int64_t)(x % 1000) - 500;
		}
		if (m > 3) {
			v[1] = INT64_MAX;
			v[2] = INT64_MIN;
		}
		check_delta(v, m, false);
		for (size_t i = 0; i < m; i++)
			v[i] = (int32_t)(uint32_t)v[i];
		if (m > 3) {
			v[1] = INT32_MAX;
			v[2] = INT32_MIN;
		}
		check_delta(v, m, true);
	}
}

static void test_delta_damage(void)
{
	ll_pqr_delta d;
	int64_t out[200];
	static const uint8_t zero_block[] = { 0x00, 0x04, 0x05, 0x02 };
	CHECK(ll_pqr_delta_init(&d, zero_block, sizeof(zero_block), false) != NULL);
	static const uint8_t uneven[] = { 0x80, 0x01, 0x03, 0x05, 0x02 };
	CHECK(ll_pqr_delta_init(&d, uneven, sizeof(uneven), false) != NULL);
	/* a bit width of 65 in a used miniblock */
	static const uint8_t too_wide[] = { 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x41, 0x00, 0x00, 0x00 };
	CHECK(ll_pqr_delta_init(&d, too_wide, sizeof(too_wide), false) == NULL);
	CHECK(ll_pqr_delta_next(&d, out, 2) != NULL);
	/* 33 bits is too wide for INT32 */
	static const uint8_t wide32[] = { 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x21, 0x00, 0x00, 0x00 };
	CHECK(ll_pqr_delta_init(&d, wide32, sizeof(wide32), true) == NULL);
	CHECK(ll_pqr_delta_next(&d, out, 2) != NULL);
	/* a miniblock body cut short */
	static const uint8_t cut[] = { 0x80, 0x01, 0x04, 0x22, 0x02, 0x02, 0x08, 0x00, 0x00, 0x00, 0x01, 0x02 };
	CHECK(ll_pqr_delta_init(&d, cut, sizeof(cut), false) == NULL);
	CHECK(ll_pqr_delta_next(&d, out, 3) == NULL);
	CHECK(ll_pqr_delta_next(&d, out, 2) != NULL);
	/* more values asked for than the stream holds */
	static const uint8_t ex1[] = { 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00 };
	CHECK(ll_pqr_delta_init(&d, ex1, sizeof(ex1), false) == NULL);
	CHECK(ll_pqr_delta_next(&d, out, 6) != NULL);
	/* every truncation fails or ends early, never reads past */
	for (size_t n = 0; n < sizeof(ex1); n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, ex1, n);
		const uint8_t *end;
		const char *e = ll_pqr_delta_init(&d, copy, n, false);
		if (!e)
			e = ll_pqr_delta_end(&d, &end);
		if (!e)
			e = ll_pqr_delta_next(&d, out, 5);
		CHECK(e != NULL);
		free(copy);
	}
}

/* ---- conversions ---- */

static ll_pqr_leaf leaf_of(int physical, ll_pqr_conv conv, int type_length, int scale)
{
	ll_pqr_leaf l;
	memset(&l, 0, sizeof(l));
	l.physical = physical;
	l.conv = conv;
	l.type_length = type_length;
	l.scale = scale;
	l.unit = LL_PQR_MICROS;
	return l;
}

static const char *convert_text(const ll_pqr_leaf *l, const ll_pqr_value *v, ll_arena *a)
{
	ll_value out;
	if (ll_pqr_convert(l, v, a, &out) != LL_OK)
		return "(failed)";
	CHECK_INT(strlen(out.s), out.len);
	return out.s;
}

static void test_decimals(void)
{
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_pqr_leaf l = leaf_of(LL_PQR_INT64, LL_PQR_TO_DECIMAL_INT, 0, 3);
	ll_pqr_value v = { .u.i = -12340 };
	CHECK_STR(convert_text(&l, &v, &a), "-12.340");
	v.u.i = 5;
	CHECK_STR(convert_text(&l, &v, &a), "0.005");
	v.u.i = 0;
	CHECK_STR(convert_text(&l, &v, &a), "0.000");
	v.u.i = INT64_MIN;
	CHECK_STR(convert_text(&l, &v, &a), "-9223372036854775.808");
	l.scale = 0;
	v.u.i = -1;
	CHECK_STR(convert_text(&l, &v, &a), "-1");
	/* big-endian two's complement of any width */
	static const uint8_t minus_one[3] = { 0xff, 0xff, 0xff };
	l = leaf_of(LL_PQR_FIXED, LL_PQR_TO_DECIMAL_BYTES, 3, 2);
	v.s = minus_one;
	v.len = 3;
	CHECK_STR(convert_text(&l, &v, &a), "-0.01");
	uint8_t max38[16]; /* 10^38 - 1 */
	static const uint8_t hex38[16] = { 0x4B, 0x3B, 0x4C, 0xA8, 0x5A, 0x86, 0xC4, 0x7A,
					   0x09, 0x8A, 0x22, 0x3F, 0xFF, 0xFF, 0xFF, 0xFF };
	memcpy(max38, hex38, 16);
	l = leaf_of(LL_PQR_FIXED, LL_PQR_TO_DECIMAL_BYTES, 16, 9);
	v.s = max38;
	v.len = 16;
	CHECK_STR(convert_text(&l, &v, &a), "99999999999999999999999999999.999999999");
	uint8_t two130[20] = { 0 }; /* 2^130, wider than any machine integer */
	two130[3] = 0x04;
	l = leaf_of(LL_PQR_BYTE_ARRAY, LL_PQR_TO_DECIMAL_BYTES, 0, 0);
	v.s = two130;
	v.len = 20;
	CHECK_STR(convert_text(&l, &v, &a), "1361129467683753853853498429727072845824");
	v.len = 0;
	l.scale = 2;
	CHECK_STR(convert_text(&l, &v, &a), "0.00");
	uint8_t huge[200] = { 0 };
	v.s = huge;
	v.len = sizeof(huge);
	ll_value out;
	CHECK_INT(ll_pqr_convert(&l, &v, &a, &out), LL_EFORMAT);
	ll_arena_free(&a);
}

static void test_temporal_and_special(void)
{
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_value out;
	ll_pqr_leaf l = leaf_of(LL_PQR_INT64, LL_PQR_TO_TIMESTAMP, 0, 0);
	ll_pqr_value v = { .u.i = -1500 };
	l.unit = LL_PQR_NANOS;
	CHECK_OK(ll_pqr_convert(&l, &v, &a, &out), NULL);
	CHECK_INT(out.i, -2); /* toward negative infinity */
	l.unit = LL_PQR_MILLIS;
	v.u.i = INT64_MAX / 10;
	CHECK_OK(ll_pqr_convert(&l, &v, &a, &out), NULL);
	CHECK(out.i == INT64_MAX); /* saturates instead of wrapping */
	/* INT96: nanoseconds of the day, then the Julian day (2440589 is 1970-01-02) */
	uint8_t i96[12] = { 0 };
	uint64_t nanos = 3723000001000ULL; /* 01:02:03.000001 */
	for (int k = 0; k < 8; k++)
		i96[k] = (uint8_t)(nanos >> (8 * k));
	uint32_t jd = 2440589;
	for (int k = 0; k < 4; k++)
		i96[8 + k] = (uint8_t)(jd >> (8 * k));
	l = leaf_of(LL_PQR_INT96, LL_PQR_TO_INT96, 12, 0);
	v.s = i96;
	v.len = 12;
	CHECK_OK(ll_pqr_convert(&l, &v, &a, &out), NULL);
	CHECK_INT(out.i, 86400000000LL + 3723000001LL);
	/* UUID and half floats */
	uint8_t uuid[16];
	for (int k = 0; k < 16; k++)
		uuid[k] = (uint8_t)(k * 17);
	l = leaf_of(LL_PQR_FIXED, LL_PQR_TO_UUID, 16, 0);
	v.s = uuid;
	v.len = 16;
	CHECK_STR(convert_text(&l, &v, &a), "00112233-4455-6677-8899-aabbccddeeff");
	static const uint8_t halves[][2] = { { 0x00, 0x3C }, { 0x00, 0xC0 }, { 0x01, 0x00 }, { 0x00, 0x7C } };
	static const double want[] = { 1.0, -2.0, 5.9604644775390625e-08, INFINITY };
	l = leaf_of(LL_PQR_FIXED, LL_PQR_TO_FLOAT16, 2, 0);
	for (int k = 0; k < 4; k++) {
		v.s = halves[k];
		CHECK_OK(ll_pqr_convert(&l, &v, &a, &out), NULL);
		CHECK(out.d == want[k]);
	}
	l = leaf_of(LL_PQR_INT32, LL_PQR_TO_UINT32, 0, 0);
	v.u.i = -1;
	CHECK_OK(ll_pqr_convert(&l, &v, &a, &out), NULL);
	CHECK_INT(out.i, 4294967295LL);
	ll_arena_free(&a);
}

static const char *json_of(const ll_pqr_leaf *l, const ll_pqr_value *v, ll_buf *b)
{
	ll_buf_clear(b);
	CHECK_OK(ll_pqr_value_json(l, v, b), NULL);
	return ll_buf_cstr(b);
}

static void test_json_text(void)
{
	ll_buf b = LL_BUF_INIT;
	ll_pqr_leaf l = leaf_of(LL_PQR_BYTE_ARRAY, LL_PQR_TO_TEXT, 0, 0);
	ll_pqr_value v = { .s = (const uint8_t *)"a\"b\\\n\x01", .len = 6 };
	CHECK_STR(json_of(&l, &v, &b), "\"a\\\"b\\\\\\n\\u0001\"");
	l.conv = LL_PQR_TO_BINARY;
	v.s = (const uint8_t *)"\x00\xab";
	v.len = 2;
	CHECK_STR(json_of(&l, &v, &b), "\"00AB\"");
	l = leaf_of(LL_PQR_DOUBLE, LL_PQR_TO_DOUBLE, 0, 0);
	v.u.d = NAN;
	CHECK_STR(json_of(&l, &v, &b), "\"NaN\"");
	v.u.d = -INFINITY;
	CHECK_STR(json_of(&l, &v, &b), "\"-Infinity\"");
	v.u.d = 0.1;
	CHECK_STR(json_of(&l, &v, &b), "0.1");
	l = leaf_of(LL_PQR_INT32, LL_PQR_TO_DATE, 0, 0);
	v.u.i = -1;
	CHECK_STR(json_of(&l, &v, &b), "\"1969-12-31\"");
	l = leaf_of(LL_PQR_INT64, LL_PQR_TO_TIMESTAMP, 0, 0);
	l.unit = LL_PQR_MILLIS;
	v.u.i = -1500;
	CHECK_STR(json_of(&l, &v, &b), "\"1969-12-31T23:59:58.500Z\"");
	l = leaf_of(LL_PQR_INT64, LL_PQR_TO_TIME, 0, 0);
	v.u.i = 3723000004LL;
	CHECK_STR(json_of(&l, &v, &b), "\"01:02:03.000004\"");
	l = leaf_of(LL_PQR_INT32, LL_PQR_TO_DECIMAL_INT, 0, 2);
	v.u.i = -5;
	CHECK_STR(json_of(&l, &v, &b), "\"-0.05\"");
	l = leaf_of(LL_PQR_BOOLEAN, LL_PQR_TO_BOOL, 0, 0);
	v.u.i = 1;
	CHECK_STR(json_of(&l, &v, &b), "true");
	l = leaf_of(LL_PQR_INT64, LL_PQR_TO_INT, 0, 0);
	v.u.i = INT64_MIN;
	CHECK_STR(json_of(&l, &v, &b), "-9223372036854775808");
	ll_buf_free(&b);
}

LL_TEST_MAIN(LL_TEST(test_thrift_round_trip), LL_TEST(test_thrift_truncated),
	     LL_TEST(test_thrift_maps_sets_and_limits), LL_TEST(test_rle_spec_examples),
	     LL_TEST(test_rle_damage), LL_TEST(test_delta_spec_examples),
	     LL_TEST(test_delta_round_trips), LL_TEST(test_delta_damage), LL_TEST(test_decimals),
	     LL_TEST(test_temporal_and_special), LL_TEST(test_json_text))
