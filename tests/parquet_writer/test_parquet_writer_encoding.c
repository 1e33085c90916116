/*
 * Byte-level tests of the writer's encoders: the Thrift compact protocol
 * against hand-assembled bytes from the protocol specification, and the
 * RLE/bit-packing hybrid against a small decoder written from Parquet's
 * Encodings.md, over runs, literals and every bit width indices can have,
 * and for runs found wherever they lie.
 * Also the dictionary's hash table: every value is found again at its first
 * index after the table has doubled many times, and in a column's next
 * chunk, which starts on the same table emptied; values whose slots hold
 * zeros; and a byte-array dictionary filled to the offset its slots reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/parquet/thrift_encode.h"
#include "formats/parquet/writer_internal.h"
#include "test.h"

static void check_bytes(const ll_buf *b, const uint8_t *want, size_t n, int line)
{
	bool same = !ll_buf_oom(b) && b->len == n && memcmp(b->data, want, n) == 0;
	if (same)
		return;
	fprintf(stderr, "%s:%d: bytes differ\n  got ", __FILE__, line);
	for (size_t i = 0; i < b->len; i++)
		fprintf(stderr, " %02X", (uint8_t)b->data[i]);
	fprintf(stderr, "\n  want");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %02X", want[i]);
	fprintf(stderr, "\n");
	ll_test_failures++;
}

#define CHECK_BYTES(buf, ...) \
	do { \
		static const uint8_t want_[] = { __VA_ARGS__ }; \
		check_bytes((buf), want_, sizeof(want_), __LINE__); \
	} while (0)

static void test_thrift_fields(void)
{
	ll_buf b = LL_BUF_INIT;
	ll_thrift_encoder e;
	ll_thrift_encoder_init(&e, &b);
	ll_thrift_encode_i32(&e, 1, 0);
	ll_thrift_encode_i32(&e, 2, -1);
	/* a jump of more than 15 ids takes the long form: type byte, zigzag id */
	ll_thrift_encode_i64(&e, 20, 300);
	ll_thrift_encode_bool(&e, 21, true);
	ll_thrift_encode_bool(&e, 22, false);
	ll_thrift_encode_binary(&e, 23, "ab", 2);
	ll_thrift_encode_double(&e, 24, 1.0);
	ll_thrift_encode_struct_begin(&e, 25);
	ll_thrift_encode_i32(&e, 1, 7);
	ll_thrift_encode_struct_end(&e);
	ll_thrift_encode_empty_struct(&e, 26);
	/* going back to a lower id also takes the long form */
	ll_thrift_encode_i32(&e, 3, 64);
	ll_thrift_encode_struct_end(&e);
	CHECK_BYTES(&b, 0x15, 0x00, 0x15, 0x01, 0x06, 0x28, 0xD8, 0x04, 0x11, 0x12, 0x18, 0x02, 'a', 'b',
		    0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x1C, 0x15, 0x0E, 0x00, 0x1C,
		    0x00, 0x05, 0x06, 0x80, 0x01, 0x00);
	ll_buf_free(&b);
}

static void test_thrift_lists(void)
{
	ll_buf b = LL_BUF_INIT;
	ll_thrift_encoder e;
	ll_thrift_encoder_init(&e, &b);
	ll_thrift_encode_list_begin(&e, 1, LL_THRIFT_WIRE_I32, 3);
	for (int i = 1; i <= 3; i++)
		ll_thrift_encode_element_i32(&e, i);
	/* 15 elements or more: the size follows as a varint */
	ll_thrift_encode_list_begin(&e, 2, LL_THRIFT_WIRE_I64, 15);
	for (int i = 0; i < 15; i++)
		ll_thrift_encode_element_i64(&e, -i);
	ll_thrift_encode_list_begin(&e, 3, LL_THRIFT_WIRE_STRUCT, 2);
	for (int i = 0; i < 2; i++) {
		ll_thrift_encode_element_struct_begin(&e);
		ll_thrift_encode_string(&e, 4, "x");
		ll_thrift_encode_struct_end(&e);
	}
	ll_thrift_encode_list_begin(&e, 4, LL_THRIFT_WIRE_BINARY, 1);
	ll_thrift_encode_element_string(&e, "yz");
	ll_thrift_encode_struct_end(&e);
	CHECK_BYTES(&b, 0x19, 0x35, 0x02, 0x04, 0x06, 0x19, 0xF6, 0x0F, 0x00, 0x01, 0x03, 0x05, 0x07,
		    0x09, 0x0B, 0x0D, 0x0F, 0x11, 0x13, 0x15, 0x17, 0x19, 0x1B, 0x19, 0x2C, 0x48, 0x01,
		    'x', 0x00, 0x48, 0x01, 'x', 0x00, 0x19, 0x18, 0x02, 'y', 'z', 0x00);
	ll_buf_free(&b);
}

static void test_thrift_misuse(void)
{
	ll_buf b = LL_BUF_INIT;
	ll_thrift_encoder e;
	ll_thrift_encoder_init(&e, &b);
	ll_thrift_encode_struct_end(&e);
	CHECK(!ll_buf_oom(&b));
	/* closing more than was opened poisons the buffer instead of writing garbage */
	ll_thrift_encode_struct_end(&e);
	CHECK(ll_buf_oom(&b));
	ll_buf_free(&b);
	ll_thrift_encoder_init(&e, &b);
	for (int i = 0; i < LL_THRIFT_MAX_DEPTH + 2; i++)
		ll_thrift_encode_struct_begin(&e, 1);
	CHECK(ll_buf_oom(&b));
	ll_buf_free(&b);
}

/* ---- the RLE/bit-packing hybrid ---- */

static uint64_t read_uleb(const uint8_t **p, const uint8_t *end, bool *ok)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end) {
			*ok = false;
			return 0;
		}
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	*ok = false;
	return 0;
}

/* Decodes n values of width bw; false on malformed input or a count mismatch. */
static bool hybrid_decode(const uint8_t *p, size_t len, int bw, size_t n, uint32_t *out)
{
	const uint8_t *end = p + len;
	size_t got = 0;
	bool ok = true;
	while (p < end && ok) {
		uint64_t h = read_uleb(&p, end, &ok);
		if (h & 1) {
			size_t count = (size_t)(h >> 1) * 8;
			if ((size_t)(end - p) < (size_t)(h >> 1) * (size_t)bw)
				return false;
			for (size_t i = 0; i < count; i++) {
				uint32_t v = 0;
				for (int b = 0; b < bw; b++) {
					size_t bit = i * (size_t)bw + (size_t)b;
					v |= (uint32_t)((p[bit / 8] >> (bit % 8)) & 1) << b;
				}
				if (got < n)
					out[got] = v;
				got++;
			}
			p += (h >> 1) * (size_t)bw;
		} else {
			size_t count = (size_t)(h >> 1);
			uint32_t v = 0;
			for (int b = 0; b < (bw + 7) / 8; b++) {
				if (p >= end)
					return false;
				v |= (uint32_t)*p++ << (8 * b);
			}
			for (size_t i = 0; i < count; i++) {
				if (got < n)
					out[got] = v;
				got++;
			}
		}
	}
	/* only the last, bit-packed, run may carry padding */
	return ok && got >= n && got < n + 8;
}

static void test_hybrid_known_bytes(void)
{
	ll_buf b = LL_BUF_INIT;
	uint8_t eight[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	ll_pqw_encode_levels(eight, 8, &b);
	CHECK_BYTES(&b, 0x10, 0x01);
	ll_buf_clear(&b);
	uint8_t three[3] = { 1, 0, 1 };
	ll_pqw_encode_levels(three, 3, &b);
	CHECK_BYTES(&b, 0x03, 0x05);
	ll_buf_clear(&b);
	/* 3 literals then a run: the literal group borrows 5 of the run's values */
	uint8_t mixed[20] = { 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	ll_pqw_encode_levels(mixed, 20, &b);
	CHECK_BYTES(&b, 0x03, 0xFA, 0x18, 0x01);
	ll_buf_clear(&b);
	ll_pqw_encode_run(5, 1000, 3, &b);
	CHECK_BYTES(&b, 0xD0, 0x0F, 0x05);
	ll_buf_clear(&b);
	uint8_t bools[9] = { 1, 0, 1, 1, 0, 0, 0, 1, 1 };
	ll_pqw_encode_bools(bools, 9, &b);
	CHECK_BYTES(&b, 0x8D, 0x01);
	ll_buf_free(&b);
	CHECK_INT(ll_pqw_bit_width(0), 0);
	CHECK_INT(ll_pqw_bit_width(1), 1);
	CHECK_INT(ll_pqw_bit_width(3), 2);
	CHECK_INT(ll_pqw_bit_width(255), 8);
	CHECK_INT(ll_pqw_bit_width(256), 9);
	CHECK_INT(ll_pqw_bit_width(UINT32_MAX), 32);
}

/* Values with runs of every length, literals, and a tail of any size. */
static size_t make_values(uint32_t *v, size_t n, int bw, unsigned seed)
{
	uint32_t mask = bw == 32 ? UINT32_MAX : ((uint32_t)1 << bw) - 1;
	size_t i = 0;
	while (i < n) {
		seed = seed * 1103515245u + 12345u;
		size_t run = (seed >> 16) % 4 == 0 ? 1 + (seed >> 8) % 40 : 1;
		uint32_t x = (seed * 2654435761u) & mask;
		for (size_t k = 0; k < run && i < n; k++)
			v[i++] = x;
	}
	return n;
}

static void test_hybrid_round_trip(void)
{
	enum { N = 3001 };
	uint32_t *v = malloc(N * sizeof(*v)), *back = malloc(N * sizeof(*back));
	uint8_t *levels = malloc(N);
	ll_buf b = LL_BUF_INIT;
	for (int bw = 1; bw <= 32; bw++) {
		for (size_t n = 0; n < N; n += n < 40 ? 1 : 397) {
			make_values(v, n, bw, (unsigned)(bw * 7919 + n));
			ll_buf_clear(&b);
			ll_pqw_encode_indices(v, n, bw, &b);
			bool ok = hybrid_decode((const uint8_t *)b.data, b.len, bw, n, back) &&
				  memcmp(v, back, n * sizeof(*v)) == 0;
			if (!ok) {
				fprintf(stderr, "indices of width %d, %zu values, do not round-trip\n", bw, n);
				ll_test_failures++;
			}
			if (bw != 1)
				continue;
			for (size_t i = 0; i < n; i++)
				levels[i] = (uint8_t)v[i];
			ll_buf_clear(&b);
			ll_pqw_encode_levels(levels, n, &b);
			ok = hybrid_decode((const uint8_t *)b.data, b.len, 1, n, back);
			for (size_t i = 0; ok && i < n; i++)
				ok = back[i] == levels[i];
			if (!ok) {
				fprintf(stderr, "%zu levels do not round-trip\n", n);
				ll_test_failures++;
			}
		}
	}
	ll_buf_free(&b);
	free(v);
	free(back);
	free(levels);
}

/* The count of the longest RLE run in a hybrid encoding of width bw (0 when malformed). */
static size_t longest_rle_run(const uint8_t *p, size_t len, int bw)
{
	const uint8_t *end = p + len;
	size_t longest = 0;
	bool ok = true;
	while (p < end && ok) {
		uint64_t h = read_uleb(&p, end, &ok);
		size_t skip = h & 1 ? (size_t)(h >> 1) * (size_t)bw : (size_t)(bw + 7) / 8;
		if (!(h & 1) && (size_t)(h >> 1) > longest)
			longest = (size_t)(h >> 1);
		if ((size_t)(end - p) < skip)
			return 0;
		p += skip;
	}
	return ok ? longest : 0;
}

/*
 * The RLE run the hybrid rules give one run of equal values [start, end)
 * among values that otherwise never repeat 8 times: the literal values
 * before it must fill whole groups of 8, so the run lends up to 7 of its
 * first values to them, and what is left becomes an RLE run if at least 8.
 */
static size_t expected_rle_run(size_t start, size_t end)
{
	size_t pad = (8 - start % 8) % 8;
	return end - start >= 8 + pad ? end - start - pad : 0;
}

/* Checks that the values' encoding round-trips and holds exactly the RLE run expected. */
static bool check_one_run(const uint32_t *v, size_t n, int bw, size_t at, size_t run)
{
	uint32_t back[256];
	size_t start = at, end = at + run;
	while (start > 0 && v[start - 1] == v[at])
		start--;
	while (end < n && v[end] == v[at])
		end++;
	ll_buf b = LL_BUF_INIT;
	if (bw == 1) {
		uint8_t levels[256];
		for (size_t i = 0; i < n; i++)
			levels[i] = (uint8_t)v[i];
		ll_pqw_encode_levels(levels, n, &b);
	} else {
		ll_pqw_encode_indices(v, n, bw, &b);
	}
	bool ok = hybrid_decode((const uint8_t *)b.data, b.len, bw, n, back) &&
		  memcmp(v, back, n * sizeof(*v)) == 0 &&
		  longest_rle_run((const uint8_t *)b.data, b.len, bw) == expected_rle_run(start, end);
	ll_buf_free(&b);
	return ok;
}

/*
 * One run of 8 to 16 equal values, among values that never repeat, at every
 * place across the first windows of 64 neighbours the encoder compares at a
 * time: it becomes exactly the RLE run the rules give, for indices (the
 * others all differ from their neighbours) and for levels (alternating 0
 * and 1, so the run may take in a neighbour). With a decoy, a run of 9 at
 * 1 that stays literal (it would lend 7), the windows start where the decoy
 * ends, out of step with the groups of 8.
 */
static void test_hybrid_finds_runs(void)
{
	enum { N = 200, DECOY_START = 1, DECOY_END = 10 };
	uint32_t v[N];
	for (size_t run = 8; run <= 16; run++) {
		for (size_t at = 0; at + run <= N; at++) {
			for (int mode = 0; mode < 4; mode++) {
				int bw = mode % 2 ? 3 : 1;
				bool decoy = mode >= 2;
				if (decoy && at <= DECOY_END)
					continue;
				for (size_t i = 0; i < N; i++) {
					bool in_run = i >= at && i < at + run;
					bool in_decoy = decoy && i >= DECOY_START && i < DECOY_END;
					v[i] = bw == 1 ? (in_run || in_decoy ? 1 : (uint32_t)(i % 2))
						       : (in_run ? 0 : in_decoy ? 7 : 1 + (uint32_t)(i % 5));
				}
				if (!check_one_run(v, N, bw, at, run)) {
					fprintf(stderr, "width %d%s: a run of %zu at %zu is not encoded "
							"as the rules say\n", bw, decoy ? " after a decoy" : "",
						run, at);
					ll_test_failures++;
				}
			}
		}
	}
}

/* The kinds of values the dictionary lays out differently in its slots. */
typedef enum value_kind { INT64, INT32, TEXT } value_kind;
static const char *const kind_names[] = { "int64", "int32", "text" };

/* Interns n distinct values of a kind; checks the indices. */
static void intern_all(ll_pqw_dict *d, size_t n, value_kind kind, size_t first_index)
{
	for (size_t i = 0; i < n; i++) {
		int64_t v = (int64_t)i * 7919 - 1000;
		int32_t v32 = (int32_t)v;
		char s[32];
		int len = snprintf(s, sizeof(s), "key-%zu", i);
		int64_t idx = kind == TEXT    ? ll_pqw_dict_intern(d, s, 0, (size_t)len)
			      : kind == INT32 ? ll_pqw_dict_intern(d, &v32, 4, 4)
					      : ll_pqw_dict_intern(d, &v, 8, 8);
		if (idx != (int64_t)(first_index + i)) {
			fprintf(stderr, "%s value %zu: index %lld, want %zu\n", kind_names[kind], i,
				(long long)idx, first_index + i);
			ll_test_failures++;
			return;
		}
	}
}

static void test_dictionary_growth(void)
{
	enum { N = 200000 };
	for (value_kind kind = INT64; kind <= TEXT; kind++) {
		ll_pqw_dict d, next;
		memset(&d, 0, sizeof(d));
		intern_all(&d, N, kind, 0);
		CHECK_INT(d.count, N);
		/* the table doubled from 256 slots to hold them; all are found again */
		CHECK(d.nslots >= 2 * N);
		intern_all(&d, N, kind, 0);
		CHECK_INT(d.count, N);
		/* the next chunk starts on the emptied table, at its size */
		size_t nslots = d.nslots;
		ll_pqw_dict_hand_on(&next, &d);
		CHECK(d.slots == NULL);
		CHECK_INT(next.nslots, nslots);
		CHECK_INT(next.count, 0);
		intern_all(&next, 1000, kind, 0);
		CHECK_INT(next.count, 1000);
		ll_pqw_dict_free(&d);
		ll_pqw_dict_free(&next);
	}
}

/*
 * Values whose slot could look empty: an empty byte array and the 4-byte 0
 * as entry 0 (a 4-byte value is kept in its slot, a byte array's offset
 * is), found again through the table after other values were interned, and
 * as the dictionary page has them.
 */
static void test_dictionary_zero_values(void)
{
	ll_pqw_dict d;
	memset(&d, 0, sizeof(d));
	CHECK_INT(ll_pqw_dict_intern(&d, "", 0, 0), 0);
	CHECK_INT(ll_pqw_dict_intern(&d, "a", 0, 1), 1);
	CHECK_INT(ll_pqw_dict_intern(&d, "", 0, 0), 0);
	CHECK_INT(ll_pqw_dict_intern(&d, "a", 0, 1), 1);
	CHECK_INT(d.count, 2);
	static const uint8_t page[] = { 0, 0, 0, 0, 1, 0, 0, 0, 'a' };
	CHECK(d.values.len == sizeof(page) && memcmp(d.values.data, page, sizeof(page)) == 0);
	ll_pqw_dict_free(&d);

	memset(&d, 0, sizeof(d));
	int32_t zero = 0, minus = -1;
	CHECK_INT(ll_pqw_dict_intern(&d, &zero, 4, 4), 0);
	CHECK_INT(ll_pqw_dict_intern(&d, &minus, 4, 4), 1);
	CHECK_INT(ll_pqw_dict_intern(&d, &zero, 4, 4), 0);
	CHECK_INT(ll_pqw_dict_intern(&d, &minus, 4, 4), 1);
	CHECK_INT(d.count, 2);
	ll_pqw_dict_free(&d);
}

/* The 3-byte value of entry i. */
static void short_value(size_t i, char out[3])
{
	out[0] = (char)(i & 0xff);
	out[1] = (char)(i >> 8 & 0xff);
	out[2] = (char)(i >> 16);
}

/*
 * A byte array dictionary fills up to the offset its slots can point to:
 * the first value whose bytes would start past LL_PQW_DICT_MAX_OFFSET is
 * refused, leaving the entries as they were, and every value before it is
 * found at its index. Values of 3 bytes (7 in the page) take the table to
 * 2^21 slots, all that a byte array's tag places.
 */
static void test_dictionary_offset_limit(void)
{
	ll_pqw_dict d;
	memset(&d, 0, sizeof(d));
	char v[3];
	size_t n = 0;
	for (;; n++) {
		short_value(n, v);
		size_t before = d.values.len;
		int64_t idx = ll_pqw_dict_intern(&d, v, 0, 3);
		if (idx < 0) {
			CHECK(before + 4 > LL_PQW_DICT_MAX_OFFSET);
			CHECK_INT(d.values.len, before);
			break;
		}
		if (idx != (int64_t)n || n > LL_PQW_DICT_MAX_OFFSET) {
			fprintf(stderr, "value %zu: index %lld\n", n, (long long)idx);
			ll_test_failures++;
			break;
		}
	}
	CHECK_INT(d.count, n);
	CHECK_INT(d.count, (LL_PQW_DICT_MAX_OFFSET - 4) / 7 + 1);
	CHECK_INT(d.nslots, (size_t)1 << LL_PQW_DICT_TAG_BITS);
	CHECK_INT(d.entries.len, n * sizeof(ll_pqw_dict_entry));
	size_t wrong = 0;
	for (size_t i = 0; i < n; i++) {
		short_value(i, v);
		uint32_t tag;
		d.last = 0; /* through the table, not the entry interned last */
		wrong += ll_pqw_dict_find(&d, v, 0, 3, &tag) != (int64_t)i;
	}
	CHECK_INT(wrong, 0);
	/* a value already held is still found, though no new one fits */
	short_value(n / 2, v);
	CHECK_INT(ll_pqw_dict_intern(&d, v, 0, 3), n / 2);
	ll_pqw_dict_free(&d);
}

LL_TEST_MAIN(LL_TEST(test_thrift_fields), LL_TEST(test_thrift_lists), LL_TEST(test_thrift_misuse),
	     LL_TEST(test_hybrid_known_bytes), LL_TEST(test_hybrid_round_trip),
	     LL_TEST(test_hybrid_finds_runs),
	     LL_TEST(test_dictionary_growth), LL_TEST(test_dictionary_zero_values),
	     LL_TEST(test_dictionary_offset_limit))
