/*
 * Files put together byte by byte here (Thrift footer, page headers, levels
 * and values as the format specification lays them out), for what neither
 * our writer nor DuckDB writes: INT96, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT
 * of fixed-length values, deprecated BIT_PACKED levels, TIME_MILLIS,
 * unsigned integers, UUID and FLOAT16, two-level lists, maps with integer
 * keys, a repeated top-level field; and files that are wrong in one
 * precise way, each of which must fail with a message that says so.
 */
#include <jansson.h>

#include "test.h"

#include "formats/parquet/reader_internal.h"
#include "formats/parquet/thrift_encode.h"
#include "interop.h"
#include "reader_util.h"

/* One schema element. logical is a LogicalType member without fields (UUID 14, FLOAT16 15) or 0. */
typedef struct hm_elem {
	const char *name;
	int type, type_length, repetition, nchildren, converted, logical;
} hm_elem;

#define GROUP(name, rep, n, conv) { name, -1, 0, rep, n, conv, 0 }
#define LEAF(name, type, rep, conv) { name, type, 0, rep, 0, conv, 0 }

/* One column chunk: an optional dictionary page and one v1 data page. */
typedef struct hm_chunk {
	int type, encoding, rep_encoding, def_encoding, codec;
	size_t num_values;
	ll_buf page; /* levels and values */
	ll_buf dict; /* PLAIN values of the dictionary page, when ndict > 0 */
	size_t ndict;
	bool external;
} hm_chunk;

static void hm_chunk_init(hm_chunk *c, int type, int encoding, size_t num_values)
{
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->encoding = encoding;
	c->rep_encoding = c->def_encoding = LL_PQR_ENC_RLE;
	c->num_values = num_values;
}

/* ---- pieces of pages ---- */

static void put_u32(ll_buf *b, uint32_t v)
{
	ll_buf_append(b, &v, 4);
}

static void put_uleb(ll_buf *b, uint64_t v)
{
	do {
		uint8_t c = (uint8_t)(v & 0x7f);
		v >>= 7;
		ll_buf_putc(b, (char)(v ? c | 0x80 : c));
	} while (v);
}

/* Levels as one bit-packed hybrid run, prefixed by their length (v1 pages). */
static void put_levels(ll_buf *b, const uint8_t *lv, size_t n, int width)
{
	ll_buf run = LL_BUF_INIT;
	size_t groups = (n + 7) / 8;
	put_uleb(&run, groups << 1 | 1);
	size_t start = run.len;
	for (size_t i = 0; i < groups * (size_t)width; i++)
		ll_buf_putc(&run, 0);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < width; k++) {
			size_t bit = i * (size_t)width + (size_t)k;
			if ((lv[i] >> k) & 1)
				run.data[start + bit / 8] |= (char)(1 << (bit % 8));
		}
	}
	put_u32(b, (uint32_t)run.len);
	ll_buf_append(b, run.data, run.len);
	ll_buf_free(&run);
}

/* The deprecated BIT_PACKED levels: most significant bit first, no length. */
static void put_levels_msb(ll_buf *b, const uint8_t *lv, size_t n, int width)
{
	size_t start = b->len, bytes = (n * (size_t)width + 7) / 8;
	for (size_t i = 0; i < bytes; i++)
		ll_buf_putc(b, 0);
	for (size_t i = 0; i < n; i++) {
		for (int k = width - 1; k >= 0; k--) {
			size_t bit = i * (size_t)width + (size_t)(width - 1 - k);
			if ((lv[i] >> k) & 1)
				b->data[start + bit / 8] |= (char)(0x80 >> (bit % 8));
		}
	}
}

static void put_bytes(ll_buf *b, const char *s)
{
	put_u32(b, (uint32_t)strlen(s));
	ll_buf_puts(b, s);
}

/* ---- the file ---- */

static void encode_elem(ll_thrift_encoder *e, const hm_elem *el, bool root)
{
	ll_thrift_encode_element_struct_begin(e);
	if (el->type >= 0)
		ll_thrift_encode_i32(e, 1, el->type);
	if (el->type_length)
		ll_thrift_encode_i32(e, 2, el->type_length);
	if (!root)
		ll_thrift_encode_i32(e, 3, el->repetition);
	ll_thrift_encode_string(e, 4, el->name);
	if (el->nchildren)
		ll_thrift_encode_i32(e, 5, el->nchildren);
	if (el->converted >= 0)
		ll_thrift_encode_i32(e, 6, el->converted);
	if (el->logical) {
		ll_thrift_encode_struct_begin(e, 10);
		ll_thrift_encode_empty_struct(e, (int16_t)el->logical);
		ll_thrift_encode_struct_end(e);
	}
	ll_thrift_encode_struct_end(e);
}

static void page_header(ll_buf *out, int type, size_t len, size_t count, const hm_chunk *c)
{
	ll_thrift_encoder e;
	ll_thrift_encoder_init(&e, out);
	ll_thrift_encode_i32(&e, 1, type);
	ll_thrift_encode_i32(&e, 2, (int32_t)len);
	ll_thrift_encode_i32(&e, 3, (int32_t)len);
	ll_thrift_encode_struct_begin(&e, type == LL_PQR_PAGE_DICTIONARY ? 7 : 5);
	ll_thrift_encode_i32(&e, 1, (int32_t)count);
	if (type == LL_PQR_PAGE_DICTIONARY) {
		ll_thrift_encode_i32(&e, 2, LL_PQR_ENC_PLAIN);
	} else {
		ll_thrift_encode_i32(&e, 2, c->encoding);
		ll_thrift_encode_i32(&e, 3, c->def_encoding);
		ll_thrift_encode_i32(&e, 4, c->rep_encoding);
	}
	ll_thrift_encode_struct_end(&e);
	ll_thrift_encode_struct_end(&e);
}

/* Writes the chunk's pages at the end of out; returns where they start. */
static size_t put_chunk(ll_buf *out, const hm_chunk *c, size_t *data_offset)
{
	size_t start = out->len;
	if (c->ndict) {
		page_header(out, LL_PQR_PAGE_DICTIONARY, c->dict.len, c->ndict, c);
		ll_buf_append(out, c->dict.data, c->dict.len);
	}
	*data_offset = out->len;
	page_header(out, LL_PQR_PAGE_DATA, c->page.len, c->num_values, c);
	ll_buf_append(out, c->page.data, c->page.len);
	return start;
}

static void encode_chunk_meta(ll_thrift_encoder *e, const hm_chunk *c, const char *name, size_t start,
			      size_t data_offset, size_t end)
{
	ll_thrift_encode_element_struct_begin(e);
	if (c->external)
		ll_thrift_encode_string(e, 1, "elsewhere.parquet");
	ll_thrift_encode_i64(e, 2, (int64_t)start);
	ll_thrift_encode_struct_begin(e, 3);
	ll_thrift_encode_i32(e, 1, c->type);
	ll_thrift_encode_list_begin(e, 2, LL_THRIFT_WIRE_I32, 1);
	ll_thrift_encode_element_i32(e, c->encoding);
	ll_thrift_encode_list_begin(e, 3, LL_THRIFT_WIRE_BINARY, 1);
	ll_thrift_encode_element_string(e, name);
	ll_thrift_encode_i32(e, 4, c->codec);
	ll_thrift_encode_i64(e, 5, (int64_t)c->num_values);
	ll_thrift_encode_i64(e, 6, (int64_t)(end - start));
	ll_thrift_encode_i64(e, 7, (int64_t)(end - start));
	ll_thrift_encode_i64(e, 9, (int64_t)data_offset);
	if (c->ndict)
		ll_thrift_encode_i64(e, 11, (int64_t)start);
	ll_thrift_encode_struct_end(e);
	ll_thrift_encode_struct_end(e);
}

/* A whole file: one row group of rows rows, one chunk per leaf. */
static void build_file(const hm_elem *elems, size_t nelems, const hm_chunk *chunks, size_t nchunks,
		       size_t rows, ll_buf *out)
{
	size_t start[16], data[16], end[16];
	ll_buf_clear(out);
	ll_buf_puts(out, "PAR1");
	for (size_t k = 0; k < nchunks; k++) {
		start[k] = put_chunk(out, &chunks[k], &data[k]);
		end[k] = out->len;
	}
	size_t footer = out->len;
	ll_thrift_encoder e;
	ll_thrift_encoder_init(&e, out);
	ll_thrift_encode_i32(&e, 1, 1);
	ll_thrift_encode_list_begin(&e, 2, LL_THRIFT_WIRE_STRUCT, nelems);
	for (size_t i = 0; i < nelems; i++)
		encode_elem(&e, &elems[i], i == 0);
	ll_thrift_encode_i64(&e, 3, (int64_t)rows);
	ll_thrift_encode_list_begin(&e, 4, LL_THRIFT_WIRE_STRUCT, 1);
	ll_thrift_encode_element_struct_begin(&e);
	ll_thrift_encode_list_begin(&e, 1, LL_THRIFT_WIRE_STRUCT, nchunks);
	size_t leaf = 0;
	for (size_t i = 0; i < nelems && leaf < nchunks; i++) {
		if (elems[i].type >= 0 && i > 0) {
			encode_chunk_meta(&e, &chunks[leaf], elems[i].name, start[leaf], data[leaf], end[leaf]);
			leaf++;
		}
	}
	ll_thrift_encode_i64(&e, 2, (int64_t)(footer - 4));
	ll_thrift_encode_i64(&e, 3, (int64_t)rows);
	ll_thrift_encode_struct_end(&e);
	ll_thrift_encode_struct_end(&e);
	put_u32(out, (uint32_t)(out->len - footer));
	ll_buf_puts(out, "PAR1");
}

/* Reads the file's rows as JSON; NULL and err filled on failure. */
static json_t *read_built(const ll_buf *file, ll_error *err)
{
	ll_parquet_reader *r = NULL;
	if (ll_parquet_reader_open_source(&r, test_memory_source(file->data, file->len), "mem.parquet",
					  err) != LL_OK)
		return NULL;
	json_t *rows = test_read_rows(r, 2, err);
	ll_parquet_reader_free(r);
	return rows;
}

static void check_built(const char *what, const ll_buf *file, const char *expected)
{
	ll_error err;
	json_error_t jerr;
	json_t *want = json_loads(expected, 0, &jerr);
	json_t *got = read_built(file, &err);
	if (!got)
		CHECK_OK(err.code, &err);
	test_check_rows(what, got, want);
	json_decref(got);
	json_decref(want);
}

static void free_chunks(hm_chunk *c, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		ll_buf_free(&c[k].page);
		ll_buf_free(&c[k].dict);
	}
}

/* ---- flat columns in encodings and types no other test writes ---- */

static void int96_chunk(hm_chunk *c)
{
	/* 1970-01-02T00:00:00.000001 and 1969-12-31T23:59:59.999999 (one nanosecond rounds down) */
	static const uint64_t nanos[3] = { 1000, 86399999999001ULL, 0 };
	static const uint32_t days[3] = { 2440589, 2440587, 2440588 };
	hm_chunk_init(c, LL_PQR_INT96, LL_PQR_ENC_PLAIN, 3);
	for (int i = 0; i < 3; i++) {
		ll_buf_append(&c->page, &nanos[i], 8);
		put_u32(&c->page, days[i]);
	}
}

/* "axis", null, "axle" as DELTA_BYTE_ARRAY: prefix lengths, suffix lengths, suffixes. */
static void delta_bytes_chunk(hm_chunk *c)
{
	static const uint8_t def[3] = { 1, 0, 1 };
	static const int64_t prefix[2] = { 0, 2 }, suffix[2] = { 4, 2 };
	hm_chunk_init(c, LL_PQR_BYTE_ARRAY, LL_PQR_ENC_DELTA_BYTE_ARRAY, 3);
	put_levels(&c->page, def, 3, 1);
	test_delta_encode(prefix, 2, false, &c->page);
	test_delta_encode(suffix, 2, false, &c->page);
	ll_buf_puts(&c->page, "axisle");
}

static void fixed_split_chunk(hm_chunk *c)
{
	/* FIXED[3] "abc", "abd", "xyz" byte stream split: all first bytes, then seconds, thirds */
	hm_chunk_init(c, LL_PQR_FIXED, LL_PQR_ENC_BYTE_STREAM_SPLIT, 3);
	ll_buf_puts(&c->page, "aaxbbycdz");
}

static void test_flat_types(void)
{
	hm_elem elems[] = {
		GROUP("schema", 0, 7, -1),
		LEAF("i96", LL_PQR_INT96, LL_PQR_REQUIRED, -1),
		LEAF("dba", LL_PQR_BYTE_ARRAY, LL_PQR_OPTIONAL, LL_PQR_CONV_UTF8),
		{ "fx", LL_PQR_FIXED, 3, LL_PQR_REQUIRED, 0, -1, 0 },
		LEAF("tm", LL_PQR_INT32, LL_PQR_OPTIONAL, LL_PQR_CONV_TIME_MILLIS),
		LEAF("u32", LL_PQR_INT32, LL_PQR_REQUIRED, 13 /* UINT_32 */),
		{ "u", LL_PQR_FIXED, 16, LL_PQR_REQUIRED, 0, -1, 14 /* UUID */ },
		{ "h", LL_PQR_FIXED, 2, LL_PQR_REQUIRED, 0, -1, 15 /* FLOAT16 */ },
	};
	hm_chunk c[7];
	int96_chunk(&c[0]);
	delta_bytes_chunk(&c[1]);
	fixed_split_chunk(&c[2]);
	/* TIME_MILLIS with the deprecated BIT_PACKED definition levels */
	static const uint8_t tm_def[3] = { 1, 0, 1 };
	hm_chunk_init(&c[3], LL_PQR_INT32, LL_PQR_ENC_PLAIN, 3);
	c[3].def_encoding = LL_PQR_ENC_BIT_PACKED;
	put_levels_msb(&c[3].page, tm_def, 3, 1);
	put_u32(&c[3].page, 3723004);
	put_u32(&c[3].page, 86399999);
	hm_chunk_init(&c[4], LL_PQR_INT32, LL_PQR_ENC_PLAIN, 3);
	put_u32(&c[4].page, UINT32_MAX);
	put_u32(&c[4].page, 7);
	put_u32(&c[4].page, 1u << 31);
	hm_chunk_init(&c[5], LL_PQR_FIXED, LL_PQR_ENC_PLAIN, 3);
	for (int i = 0; i < 48; i++)
		ll_buf_putc(&c[5].page, (char)(i % 16 * 17));
	static const uint8_t halves[6] = { 0x00, 0x3C, 0x00, 0xC0, 0x00, 0x7E };
	hm_chunk_init(&c[6], LL_PQR_FIXED, LL_PQR_ENC_PLAIN, 3);
	ll_buf_append(&c[6].page, halves, 6);

	ll_buf file = LL_BUF_INIT;
	build_file(elems, 8, c, 7, 3, &file);
	check_built("flat types", &file,
		    "[{\"i96\":\"1970-01-02T00:00:00.000001Z\",\"dba\":\"axis\",\"fx\":\"616263\","
		    "\"tm\":\"01:02:03.004000\",\"u32\":4294967295,"
		    "\"u\":\"00112233-4455-6677-8899-aabbccddeeff\",\"h\":1.0},"
		    "{\"i96\":\"1969-12-31T23:59:59.999999Z\",\"dba\":null,\"fx\":\"616264\",\"tm\":null,"
		    "\"u32\":7,\"u\":\"00112233-4455-6677-8899-aabbccddeeff\",\"h\":-2.0},"
		    "{\"i96\":\"1970-01-01T00:00:00.000000Z\",\"dba\":\"axle\",\"fx\":\"78797A\","
		    "\"tm\":\"23:59:59.999000\",\"u32\":2147483648,"
		    "\"u\":\"00112233-4455-6677-8899-aabbccddeeff\",\"h\":\"NaN\"}]");
	ll_error err;
	ll_parquet_reader *r = NULL;
	CHECK_OK(ll_parquet_reader_open_source(&r, test_memory_source(file.data, file.len), "m", &err), &err);
	if (r) {
		static const ll_data_type types[7] = { LL_TYPE_TIMESTAMP, LL_TYPE_TEXT, LL_TYPE_BINARY,
						       LL_TYPE_TIME, LL_TYPE_BIGINT, LL_TYPE_TEXT,
						       LL_TYPE_DOUBLE };
		for (size_t k = 0; k < 7; k++)
			CHECK_INT(ll_parquet_reader_field(r, k)->type, types[k]);
		ll_parquet_reader_free(r);
	}
	ll_buf_free(&file);
	free_chunks(c, 7);
}

/* ---- nested shapes other writers do not produce ---- */

static void test_nested_shapes(void)
{
	hm_elem elems[] = {
		GROUP("schema", 0, 3, -1),
		GROUP("arr", LL_PQR_OPTIONAL, 1, LL_PQR_CONV_LIST),
		LEAF("array", LL_PQR_INT32, LL_PQR_REPEATED, -1),
		GROUP("m", LL_PQR_OPTIONAL, 1, LL_PQR_CONV_MAP),
		GROUP("key_value", LL_PQR_REPEATED, 2, -1),
		LEAF("key", LL_PQR_INT32, LL_PQR_REQUIRED, -1),
		LEAF("value", LL_PQR_BYTE_ARRAY, LL_PQR_OPTIONAL, LL_PQR_CONV_UTF8),
		LEAF("r", LL_PQR_INT32, LL_PQR_REPEATED, -1),
	};
	hm_chunk c[4];
	/* arr: [1, 2], [], null (a two-level list: the repeated field is the element) */
	static const uint8_t arr_rep[4] = { 0, 1, 0, 0 }, arr_def[4] = { 2, 2, 1, 0 };
	hm_chunk_init(&c[0], LL_PQR_INT32, LL_PQR_ENC_PLAIN, 4);
	put_levels(&c[0].page, arr_rep, 4, 1);
	put_levels(&c[0].page, arr_def, 4, 2);
	put_u32(&c[0].page, 1);
	put_u32(&c[0].page, 2);
	/* m: {1: "a", 2: null}, {}, null; keys from a dictionary */
	static const uint8_t m_rep[4] = { 0, 1, 0, 0 }, key_def[4] = { 2, 2, 1, 0 },
			     val_def[4] = { 3, 2, 1, 0 };
	hm_chunk_init(&c[1], LL_PQR_INT32, LL_PQR_ENC_RLE_DICTIONARY, 4);
	put_levels(&c[1].page, m_rep, 4, 1);
	put_levels(&c[1].page, key_def, 4, 2);
	static const uint8_t indices[] = { 1, 0x03, 0x02 }; /* width 1; one group: 0, 1 */
	ll_buf_append(&c[1].page, indices, sizeof(indices));
	put_u32(&c[1].dict, 1);
	put_u32(&c[1].dict, 2);
	c[1].ndict = 2;
	hm_chunk_init(&c[2], LL_PQR_BYTE_ARRAY, LL_PQR_ENC_PLAIN, 4);
	put_levels(&c[2].page, m_rep, 4, 1);
	put_levels(&c[2].page, val_def, 4, 2);
	put_bytes(&c[2].page, "a");
	/* r: [7], [], [8, 9] (a repeated field outside any LIST) */
	static const uint8_t r_rep[4] = { 0, 0, 0, 1 }, r_def[4] = { 1, 0, 1, 1 };
	hm_chunk_init(&c[3], LL_PQR_INT32, LL_PQR_ENC_PLAIN, 4);
	put_levels(&c[3].page, r_rep, 4, 1);
	put_levels(&c[3].page, r_def, 4, 1);
	put_u32(&c[3].page, 7);
	put_u32(&c[3].page, 8);
	put_u32(&c[3].page, 9);
	ll_buf file = LL_BUF_INIT;
	build_file(elems, 8, c, 4, 3, &file);
	check_built("nested shapes", &file,
		    "[{\"arr\":[1,2],\"m\":{\"1\":\"a\",\"2\":null},\"r\":[7]},"
		    "{\"arr\":[],\"m\":{},\"r\":[]},{\"arr\":null,\"m\":null,\"r\":[8,9]}]");

	/* leaves that disagree on where a map's entries start */
	ll_buf_clear(&c[2].page);
	static const uint8_t bad_rep[4] = { 0, 0, 0, 0 };
	put_levels(&c[2].page, bad_rep, 4, 1);
	put_levels(&c[2].page, val_def, 4, 2);
	put_bytes(&c[2].page, "a");
	build_file(elems, 8, c, 4, 3, &file);
	ll_error err;
	CHECK(read_built(&file, &err) == NULL);
	CHECK_INT(err.code, LL_EFORMAT);
	CHECK(strstr(err.message, "disagree") != NULL);
	ll_buf_free(&file);
	free_chunks(c, 4);
}

/* A few bytes of levels claiming a list of 16M nulls stop at the row limit, not at memory's. */
static void test_huge_row(void)
{
	hm_elem elems[] = {
		GROUP("schema", 0, 1, -1),
		GROUP("l", LL_PQR_OPTIONAL, 1, LL_PQR_CONV_LIST),
		GROUP("list", LL_PQR_REPEATED, 1, -1),
		LEAF("element", LL_PQR_INT32, LL_PQR_OPTIONAL, -1),
	};
	size_t n = LL_PQR_MAX_ROW_ENTRIES + 1;
	hm_chunk c;
	hm_chunk_init(&c, LL_PQR_INT32, LL_PQR_ENC_PLAIN, n);
	ll_buf runs = LL_BUF_INIT;
	put_uleb(&runs, 1 << 1); /* one 0 */
	ll_buf_putc(&runs, 0);
	put_uleb(&runs, (uint64_t)(n - 1) << 1); /* then 1s */
	ll_buf_putc(&runs, 1);
	put_u32(&c.page, (uint32_t)runs.len);
	ll_buf_append(&c.page, runs.data, runs.len);
	ll_buf_clear(&runs);
	put_uleb(&runs, (uint64_t)n << 1); /* every element null: level 2 of 3 */
	ll_buf_putc(&runs, 2);
	put_u32(&c.page, (uint32_t)runs.len);
	ll_buf_append(&c.page, runs.data, runs.len);
	ll_buf_free(&runs);
	ll_buf file = LL_BUF_INIT;
	build_file(elems, 4, &c, 1, 1, &file);
	ll_error err;
	CHECK(read_built(&file, &err) == NULL);
	CHECK_INT(err.code, LL_EFORMAT);
	CHECK(strstr(err.message, "more values") != NULL);
	ll_buf_free(&file);
	free_chunks(&c, 1);
}

/* ---- files wrong in one precise way ---- */

static void one_int_column(hm_chunk *c)
{
	hm_chunk_init(c, LL_PQR_INT32, LL_PQR_ENC_PLAIN, 2);
	put_u32(&c->page, 1);
	put_u32(&c->page, 2);
}

static void expect_failure(const hm_chunk *c, ll_status code, const char *words)
{
	hm_elem elems[] = { GROUP("schema", 0, 1, -1), LEAF("x", LL_PQR_INT32, LL_PQR_REQUIRED, -1) };
	ll_buf file = LL_BUF_INIT;
	build_file(elems, 2, c, 1, 2, &file);
	ll_error err;
	ll_error_clear(&err);
	json_t *rows = read_built(&file, &err);
	CHECK(rows == NULL);
	json_decref(rows);
	CHECK_INT(err.code, code);
	if (!strstr(err.message, words)) {
		fprintf(stderr, "message \"%s\" does not say \"%s\"\n", err.message, words);
		ll_test_failures++;
	}
	ll_buf_free(&file);
}

static void test_precise_errors(void)
{
	hm_chunk c;
	one_int_column(&c);
	ll_buf file = LL_BUF_INIT;
	hm_elem elems[] = { GROUP("schema", 0, 1, -1), LEAF("x", LL_PQR_INT32, LL_PQR_REQUIRED, -1) };
	build_file(elems, 2, &c, 1, 2, &file);
	check_built("one column", &file, "[{\"x\":1},{\"x\":2}]");
	ll_buf_free(&file);

	c.encoding = LL_PQR_ENC_RLE_DICTIONARY;
	expect_failure(&c, LL_EFORMAT, "without a dictionary page");
	c.encoding = LL_PQR_ENC_DELTA_LENGTH_BYTE_ARRAY;
	expect_failure(&c, LL_EFORMAT, "does not apply to the column's type");
	c.encoding = LL_PQR_ENC_PLAIN;
	c.codec = 5;
	expect_failure(&c, LL_EUNSUPPORTED, "LZ4");
	c.codec = 0;
	c.external = true;
	expect_failure(&c, LL_EUNSUPPORTED, "another file");
	c.external = false;
	c.num_values = 3; /* the page has two values for three entries */
	expect_failure(&c, LL_EFORMAT, "PLAIN values end");
	c.num_values = 1; /* one entry for two rows */
	expect_failure(&c, LL_EFORMAT, "fewer rows than its row group");
	free_chunks(&c, 1);

	/* a dictionary index beyond the dictionary */
	hm_chunk_init(&c, LL_PQR_INT32, LL_PQR_ENC_RLE_DICTIONARY, 2);
	static const uint8_t indices[] = { 2, 0x03, 0x0d }; /* width 2: 1, 3 */
	ll_buf_append(&c.page, indices, sizeof(indices));
	put_u32(&c.dict, 10);
	put_u32(&c.dict, 20);
	c.ndict = 2;
	expect_failure(&c, LL_EFORMAT, "dictionary index out of range");
	free_chunks(&c, 1);
}

LL_TEST_MAIN(LL_TEST(test_flat_types), LL_TEST(test_nested_shapes), LL_TEST(test_huge_row),
	     LL_TEST(test_precise_errors))
