/*
 * Tests of ll_parquet_writer on many rows: a million rows over several row
 * groups and pages, and the dictionary's fallback to PLAIN. The rows are
 * streamed back from DuckDB and hyparquet and compared one by one with the
 * values they were generated from, so memory stays flat on both sides.
 */
#include <inttypes.h>
#include <string.h>

#include "formats/parquet/parquet_writer.h"
#include "interop.h"
#include "test.h"
#include "writer_util.h"

#define MILLION 1000000

static const char *tmp_path(const char *test, const char *file, char *buf, size_t size)
{
	char dir[1024];
	ll_test_tmpdir(test, dir, sizeof(dir));
	snprintf(buf, size, "%s/%s", dir, file);
	return buf;
}

static const char *const categories[] = {
	"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
	"lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon",
	"phi", "chi", "psi", "omega", "\xc5\xbc\xc3\xb3\xc5\x82w", "\xe6\x97\xa5", "", "x", "yy", "zzz",
};

/* Row i of the million-row file, written and expected alike. */
typedef struct big_row {
	int64_t id;
	const char *cat;
	bool has_val;
	double val;
	bool flag;
	int64_t ts;
	bool has_note;
	char note[32];
} big_row;

static void big_row_at(size_t i, big_row *r)
{
	r->id = (int64_t)i * 3 - 7;
	r->cat = categories[(i * 7 + i / 1000) % 30];
	r->has_val = i % 7 != 3;
	r->val = (double)i * 0.25 - 1000.0;
	r->flag = (i / 3) % 2 == 0;
	r->ts = ((int64_t)i - 500000) * 1234567;
	r->has_note = i % 10 == 0 || (i / 50000) % 5 == 1;
	snprintf(r->note, sizeof(r->note), "note %zu", i % 1234);
}

static json_t *big_row_json(size_t i)
{
	big_row r;
	big_row_at(i, &r);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r.id));
	json_object_set_new(o, "cat", json_string(r.cat));
	json_object_set_new(o, "val", r.has_val ? json_real(r.val) : json_null());
	json_object_set_new(o, "flag", json_boolean(r.flag));
	json_object_set_new(o, "ts", expect_timestamp(r.ts, 3));
	json_object_set_new(o, "note", r.has_note ? json_string(r.note) : json_null());
	return o;
}

static bool compare_big_row(void *user, size_t index, const json_t *row)
{
	const char *reader = user;
	json_t *want = big_row_json(index);
	bool same = interop_same(row, want);
	if (!same) {
		char *got = json_dumps(row, JSON_COMPACT);
		char *exp = json_dumps(want, JSON_COMPACT);
		fprintf(stderr, "%s: row %zu differs\n  got      %s\n  expected %s\n", reader, index,
			got, exp);
		free(got);
		free(exp);
	}
	json_decref(want);
	return same;
}

static void test_million_rows(void)
{
	char path[1200];
	tmp_path("pqw_million", "million.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = {
		spec("id", LL_TYPE_BIGINT, false), spec("cat", LL_TYPE_TEXT, false),
		spec("val", LL_TYPE_DOUBLE, true), spec("flag", LL_TYPE_BOOL, true),
		spec("ts", LL_TYPE_TIMESTAMP, true), spec("note", LL_TYPE_TEXT, true),
	};
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.row_group_bytes = 6 << 20;
	opt.page_bytes = 64 << 10;
	ll_parquet_writer *w = NULL;
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_open(&w, path, cols, 6, &opt, &err), &err);
	if (!w)
		return;
	for (size_t i = 0; i < MILLION; i++) {
		big_row r;
		big_row_at(i, &r);
		ll_parquet_writer_put_int64(w, 0, r.id);
		ll_parquet_writer_put_bytes(w, 1, r.cat, strlen(r.cat));
		if (r.has_val)
			ll_parquet_writer_put_double(w, 2, r.val);
		ll_parquet_writer_put_bool(w, 3, r.flag);
		ll_parquet_writer_put_int64(w, 4, r.ts);
		if (r.has_note)
			ll_parquet_writer_put_bytes(w, 5, r.note, strlen(r.note));
		ll_status st = ll_parquet_writer_end_row(w, &err);
		if (st != LL_OK) {
			CHECK_OK(st, &err);
			ll_parquet_writer_abort(w);
			return;
		}
		CHECK(ll_parquet_writer_buffered_bytes(w) < opt.row_group_bytes);
	}
	ll_parquet_file_info info = { 0, 0, 0 };
	CHECK_OK(ll_parquet_writer_close(w, &info, &err), &err);
	CHECK_INT(info.rows, MILLION);
	CHECK(info.row_groups >= 3);
	for (size_t r = 0; r < 2; r++) {
		long n = interop_each_row(interop_readers[r], path, compare_big_row,
					  (void *)interop_readers[r]);
		CHECK_INT(n, MILLION);
	}
	json_t *meta = interop_meta(path);
	if (!meta)
		return;
	uint64_t rows = 0;
	for (size_t rg = 0; rg < info.row_groups; rg++) {
		const json_t *id = interop_chunk(meta, rg, "id");
		const json_t *cat = interop_chunk(meta, rg, "cat");
		if (!id || !cat)
			break;
		uint64_t first = rows;
		rows += strtoull(interop_str(id, "row_group_num_rows"), NULL, 10);
		char want[32];
		snprintf(want, sizeof(want), "%lld", (long long)first * 3 - 7);
		CHECK_STR(interop_str(id, "stats_min_value"), want);
		snprintf(want, sizeof(want), "%lld", (long long)(rows - 1) * 3 - 7);
		CHECK_STR(interop_str(id, "stats_max_value"), want);
		/* pages were cut at page_bytes: many per chunk */
		CHECK(json_array_size(json_object_get(id, "pages")) > 10);
		const json_t *pages = json_object_get(cat, "pages");
		CHECK_STR(json_string_value(json_object_get(json_array_get(pages, 0), "type")),
			  "DICTIONARY_PAGE");
		CHECK(json_array_size(pages) > 2);
		CHECK_STR(interop_str(cat, "encodings"), "PLAIN, RLE_DICTIONARY");
		CHECK_STR(interop_str(cat, "stats_min_value"), "");
		CHECK_STR(interop_str(cat, "stats_max_value"), "\xe6\x97\xa5");
	}
	CHECK_INT(rows, MILLION);
	json_decref(meta);
}

/* ---- dictionary fallback ---- */

static void write_dictionary_file(const char *path, bool disable, size_t nrows)
{
	ll_parquet_column_spec cols[] = {
		spec("big_dict", LL_TYPE_TEXT, false), spec("unique_ids", LL_TYPE_BIGINT, false),
		spec("low_card", LL_TYPE_TEXT, false), spec("few_ints", LL_TYPE_BIGINT, false),
		spec("dates", LL_TYPE_DATE, true),
	};
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.disable_dictionary = disable;
	opt.codec = LL_CODEC_ZSTD;
	ll_parquet_writer *w = NULL;
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_open(&w, path, cols, 5, &opt, &err), &err);
	if (!w)
		return;
	json_t *rows = json_array();
	for (size_t i = 0; i < nrows; i++) {
		char text[64];
		/* 40 distinct bytes per row: past 1 MiB of dictionary after ~26,000 rows */
		snprintf(text, sizeof(text), "distinct value number %018zu", i * 7919);
		ll_parquet_writer_put_bytes(w, 0, text, strlen(text));
		ll_parquet_writer_put_int64(w, 1, (int64_t)(i * 2654435761u % 1000000007u));
		const char *low = categories[i % 5];
		ll_parquet_writer_put_bytes(w, 2, low, strlen(low));
		ll_parquet_writer_put_int64(w, 3, (int64_t)(i % 3) - 1);
		if (i % 4)
			ll_parquet_writer_put_int32(w, 4, (int32_t)(i % 20));
		CHECK_OK(ll_parquet_writer_end_row(w, &err), &err);
		json_t *row = json_object();
		json_object_set_new(row, "big_dict", json_string(text));
		json_object_set_new(row, "unique_ids", json_integer((int64_t)(i * 2654435761u % 1000000007u)));
		json_object_set_new(row, "low_card", json_string(low));
		json_object_set_new(row, "few_ints", json_integer((int64_t)(i % 3) - 1));
		json_object_set_new(row, "dates", i % 4 ? expect_date((int32_t)(i % 20)) : json_null());
		json_array_append_new(rows, row);
	}
	CHECK_OK(ll_parquet_writer_close(w, NULL, &err), &err);
	interop_check_rows(path, rows);
	json_decref(rows);
}

static void check_encoding(const json_t *meta, const char *column, const char *encodings)
{
	const json_t *c = interop_chunk(meta, 0, column);
	if (!c)
		return;
	CHECK_STR(interop_str(c, "encodings"), encodings);
	const json_t *first = json_array_get(json_object_get(c, "pages"), 0);
	bool dict = strstr(encodings, "DICTIONARY") != NULL;
	CHECK_STR(json_string_value(json_object_get(first, "type")),
		  dict ? "DICTIONARY_PAGE" : "DATA_PAGE");
	if (!dict)
		CHECK_META(c, "dictionary_page_offset", "(null)");
}

static void test_dictionary_fallback(void)
{
	char dir[1024], path[1200], plain[1200], small[1200];
	ll_test_tmpdir("pqw_dictionary", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/dict.parquet", dir);
	snprintf(plain, sizeof(plain), "%s/plain.parquet", dir);
	snprintf(small, sizeof(small), "%s/small.parquet", dir);
	write_dictionary_file(path, false, 50000);
	write_dictionary_file(plain, true, 50000);
	write_dictionary_file(small, false, 100);
	json_t *meta = interop_meta(path);
	if (meta) {
		/* past 1 MiB of distinct strings: byte arrays without a dictionary */
		check_encoding(meta, "big_dict", "DELTA_LENGTH_BYTE_ARRAY");
		/* distinct integers: a dictionary would not pay */
		check_encoding(meta, "unique_ids", "PLAIN");
		check_encoding(meta, "low_card", "PLAIN, RLE_DICTIONARY");
		check_encoding(meta, "few_ints", "PLAIN, RLE_DICTIONARY");
		check_encoding(meta, "dates", "PLAIN, RLE, RLE_DICTIONARY");
		const json_t *c = interop_chunk(meta, 0, "few_ints");
		if (c) {
			CHECK_META(c, "stats_min_value", "-1");
			CHECK_META(c, "stats_max_value", "1");
		}
		c = interop_chunk(meta, 0, "dates");
		if (c) {
			CHECK_META(c, "stats_min_value", "1970-01-02");
			CHECK_META(c, "stats_max_value", "1970-01-20");
			CHECK_META(c, "stats_null_count", "12500");
		}
		c = interop_chunk(meta, 0, "big_dict");
		if (c) {
			CHECK_META(c, "stats_min_value", "distinct value number 000000000000000000");
			CHECK_META(c, "stats_max_value", "distinct value number 000000000395942081");
		}
	}
	json_decref(meta);
	meta = interop_meta(plain);
	if (meta) {
		check_encoding(meta, "low_card", "DELTA_LENGTH_BYTE_ARRAY");
		check_encoding(meta, "few_ints", "PLAIN");
		check_encoding(meta, "dates", "PLAIN, RLE");
	}
	json_decref(meta);
	/* a chunk too small for the running checks is judged when it is written */
	meta = interop_meta(small);
	if (meta) {
		check_encoding(meta, "big_dict", "DELTA_LENGTH_BYTE_ARRAY");
		check_encoding(meta, "unique_ids", "PLAIN");
		check_encoding(meta, "low_card", "PLAIN, RLE_DICTIONARY");
	}
	json_decref(meta);
}

/*
 * Each chunk judges its dictionary afresh: a column of distinct values in
 * some row groups (PLAIN, the later ones given up early) gets a dictionary
 * in the next once its values repeat.
 */
static void test_dictionary_per_chunk(void)
{
	char dir[1024], path[1200];
	ll_test_tmpdir("pqw_dictionary_chunks", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/chunks.parquet", dir);
	ll_parquet_column_spec cols[] = { spec("ids", LL_TYPE_BIGINT, false),
					  spec("codes", LL_TYPE_TEXT, false) };
	ll_parquet_writer *w = NULL;
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_open(&w, path, cols, 2, NULL, &err), &err);
	if (!w)
		return;
	json_t *rows = json_array();
	for (int64_t i = 0; i < 4 * 6000; i++) {
		int64_t rg = i / 6000;
		/* ids: distinct in row groups 0 to 2, then 10 values; codes: distinct in
		 * row group 0, then 500 values, then distinct in row groups 2 and 3 */
		int64_t id = rg < 3 ? i * 7919 : i % 10;
		char code[32];
		int64_t k = rg == 1 ? i % 500 : i;
		snprintf(code, sizeof(code), "code-%06" PRId64, k);
		ll_parquet_writer_put_int64(w, 0, id);
		ll_parquet_writer_put_bytes(w, 1, code, strlen(code));
		CHECK_OK(ll_parquet_writer_end_row(w, &err), &err);
		json_array_append_new(rows, json_pack("{s:I, s:s}", "ids", (json_int_t)id, "codes", code));
		if (i % 6000 == 5999)
			CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
		/* 2000 rows into a chunk: the first holds its dictionaries until the check
		 * at 4096 values; the third, after a chunk of distinct values, dropped
		 * them at 1024 and holds PLAIN values alone (8 + 4 + 11 bytes a row) */
		if (i == 1999)
			CHECK(ll_parquet_writer_buffered_bytes(w) > 2000 * 23);
		if (i == 2 * 6000 + 1999)
			CHECK_INT(ll_parquet_writer_buffered_bytes(w), 2000 * 23);
	}
	CHECK_OK(ll_parquet_writer_close(w, NULL, &err), &err);
	interop_check_rows(path, rows);
	json_decref(rows);
	static const struct {
		const char *col;
		const char *enc[4];
	} want[] = {
		{ "ids", { "PLAIN", "PLAIN", "PLAIN", "PLAIN, RLE_DICTIONARY" } },
		{ "codes", { "DELTA_LENGTH_BYTE_ARRAY", "PLAIN, RLE_DICTIONARY", "DELTA_LENGTH_BYTE_ARRAY",
			     "DELTA_LENGTH_BYTE_ARRAY" } },
	};
	json_t *meta = interop_meta(path);
	for (size_t i = 0; meta && i < 2; i++) {
		for (size_t rg = 0; rg < 4; rg++) {
			const json_t *c = interop_chunk(meta, rg, want[i].col);
			if (c)
				CHECK_STR(interop_str(c, "encodings"), want[i].enc[rg]);
		}
	}
	json_decref(meta);
}

/*
 * Fresh runs: parents' ids down their lists (1 to 3 rows each, no id comes
 * back) give up the dictionary when pages are compressed, and keep it when
 * they are not; list positions (0, 1, 2, 0, 1, ...) come back and keep it.
 */
static void test_dictionary_fresh_runs(void)
{
	char dir[1024], path[1200];
	ll_test_tmpdir("pqw_dictionary_runs", dir, sizeof(dir));
	ll_parquet_column_spec cols[] = { spec("parent", LL_TYPE_TEXT, false),
					  spec("idx", LL_TYPE_BIGINT, false) };
	for (int codec = 0; codec < 2; codec++) {
		ll_parquet_writer_options opt;
		ll_parquet_writer_options_init(&opt);
		opt.codec = codec ? LL_CODEC_UNCOMPRESSED : LL_CODEC_SNAPPY;
		snprintf(path, sizeof(path), "%s/runs%d.parquet", dir, codec);
		ll_parquet_writer *w = NULL;
		ll_error err;
		ll_error_clear(&err);
		CHECK_OK(ll_parquet_writer_open(&w, path, cols, 2, &opt, &err), &err);
		if (!w)
			return;
		json_t *rows = json_array();
		for (int64_t p = 0; p < 8000; p++) {
			char id[32];
			snprintf(id, sizeof(id), "parent-%08" PRId64 "-%04" PRId64, p * 7919 % 100003, p % 9973);
			for (int64_t k = 0; k <= p % 3; k++) {
				ll_parquet_writer_put_bytes(w, 0, id, strlen(id));
				ll_parquet_writer_put_int64(w, 1, k);
				CHECK_OK(ll_parquet_writer_end_row(w, &err), &err);
				json_array_append_new(rows, json_pack("{s:s, s:I}", "parent", id, "idx", (json_int_t)k));
			}
		}
		CHECK_OK(ll_parquet_writer_close(w, NULL, &err), &err);
		interop_check_rows(path, rows);
		json_decref(rows);
		json_t *meta = interop_meta(path);
		if (meta) {
			check_encoding(meta, "parent", codec ? "PLAIN, RLE_DICTIONARY" : "DELTA_LENGTH_BYTE_ARRAY");
			check_encoding(meta, "idx", "PLAIN, RLE_DICTIONARY");
		}
		json_decref(meta);
	}
}

LL_TEST_MAIN(LL_TEST(test_million_rows), LL_TEST(test_dictionary_fallback),
	     LL_TEST(test_dictionary_per_chunk), LL_TEST(test_dictionary_fresh_runs))
