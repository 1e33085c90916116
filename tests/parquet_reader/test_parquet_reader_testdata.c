/*
 * The reader against the reference files in tests/data/parquet, written
 * by DuckDB: every row and column compared with the expected JSON, the
 * statistics compared with the data, and projections compared with full
 * reads.
 */
#include <jansson.h>

#include "test.h"

#include "interop.h"
#include "reader_util.h"

static json_t *expected(const char *name)
{
	char path[1024];
	json_error_t jerr;
	json_t *j = json_load_file(ll_testdata(name, path, sizeof(path)), 0, &jerr);
	if (!j) {
		fprintf(stderr, "cannot load %s: %s\n", path, jerr.text);
		ll_test_failures++;
	}
	return j;
}

static ll_parquet_reader *open_testdata(const char *name)
{
	char path[1024];
	ll_error err;
	ll_parquet_reader *r = NULL;
	CHECK_OK(ll_parquet_reader_open(&r, ll_testdata(name, path, sizeof(path)), &err), &err);
	return r;
}

static void check_file(const char *name, const char *expected_name, size_t batch)
{
	char path[1024];
	json_t *want = expected(expected_name);
	json_t *got = test_read_file(ll_testdata(name, path, sizeof(path)), batch);
	test_check_rows(name, got, want);
	json_decref(got);
	json_decref(want);
}

static void test_types_files(void)
{
	check_file("parquet/types_snappy.parquet", "parquet/types.expected.json", 1000);
	check_file("parquet/types_zstd.parquet", "parquet/types.expected.json", 1000);
	check_file("parquet/types_uncompressed.parquet", "parquet/types.expected.json", 1000);
	/* batches that do not line up with pages or row groups */
	check_file("parquet/types_snappy.parquet", "parquet/types.expected.json", 7);
	check_file("parquet/types_zstd.parquet", "parquet/types.expected.json", 1);
}

static void test_types_fields(void)
{
	static const struct {
		const char *name;
		ll_data_type type;
		int precision, scale;
	} want[] = {
		{ "i32", LL_TYPE_BIGINT, 0, 0 },   { "i64", LL_TYPE_BIGINT, 0, 0 },
		{ "dbl", LL_TYPE_DOUBLE, 0, 0 },   { "flag", LL_TYPE_BOOL, 0, 0 },
		{ "txt", LL_TYPE_TEXT, 0, 0 },     { "d", LL_TYPE_DATE, 0, 0 },
		{ "ts_us", LL_TYPE_TIMESTAMP, 0, 0 }, { "dec18", LL_TYPE_DECIMAL, 18, 3 },
		{ "dec38", LL_TYPE_DECIMAL, 38, 9 }, { "bin", LL_TYPE_BINARY, 0, 0 },
	};
	ll_parquet_reader *r = open_testdata("parquet/types_snappy.parquet");
	if (!r)
		return;
	CHECK_INT(ll_parquet_reader_field_count(r), 10);
	CHECK_INT(ll_parquet_reader_row_count(r), 1000);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const ll_parquet_field *f = ll_parquet_reader_field(r, i);
		CHECK_STR(f->name, want[i].name);
		CHECK_INT(f->type, want[i].type);
		CHECK_INT(f->precision, want[i].precision);
		CHECK_INT(f->scale, want[i].scale);
		CHECK(!f->nested);
		CHECK_INT(f->field_id, -1);
		CHECK_INT(ll_parquet_reader_find_field(r, want[i].name), (long)i);
	}
	CHECK_INT(ll_parquet_reader_field(r, 6)->unit, LL_TS_MICROS);
	CHECK_INT(ll_parquet_reader_find_field(r, "nope"), -1);
	CHECK(ll_parquet_reader_field(r, 10) == NULL);
	ll_parquet_reader_free(r);
}

static void test_nested(void)
{
	check_file("parquet/nested.parquet", "parquet/nested.expected.json", 1000);
	check_file("parquet/nested.parquet", "parquet/nested.expected.json", 3);
	ll_parquet_reader *r = open_testdata("parquet/nested.parquet");
	if (!r)
		return;
	const char *names[] = { "id", "ints", "obj", "kvs" };
	for (size_t i = 0; i < 4; i++) {
		const ll_parquet_field *f = ll_parquet_reader_field(r, i);
		CHECK_STR(f->name, names[i]);
		CHECK(f->nested == (i > 0));
		CHECK_INT(f->type, i > 0 ? LL_TYPE_JSON : LL_TYPE_BIGINT);
		ll_value lo, hi;
		uint64_t nulls;
		/* nested fields have no bounds to skip by */
		CHECK(ll_parquet_reader_stats(r, 0, i, &lo, &hi, &nulls) == (i == 0));
	}
	ll_parquet_reader_free(r);
}

static void test_timestamp_millis_gzip(void)
{
	check_file("parquet/timestamp_ms_gzip.parquet", "parquet/timestamp_ms_gzip.expected.json", 1000);
	ll_parquet_reader *r = open_testdata("parquet/timestamp_ms_gzip.parquet");
	if (!r)
		return;
	const ll_parquet_field *f = ll_parquet_reader_field(r, 1);
	CHECK_INT(f->type, LL_TYPE_TIMESTAMP);
	CHECK_INT(f->unit, LL_TS_MILLIS);
	ll_value lo, hi;
	uint64_t nulls;
	CHECK(ll_parquet_reader_stats(r, 0, 1, &lo, &hi, &nulls));
	CHECK_INT(lo.i, -1500000); /* 1969-12-31T23:59:58.500Z, in microseconds */
	CHECK_INT(nulls, 0);
	ll_parquet_reader_free(r);
}

/* The aggregates of the expected file, over the given fields and row groups. */
static void aggregate(ll_parquet_reader *r, const bool *groups, int64_t *rows, int64_t *sum_id,
		      int64_t *gamma, int64_t *sum_small)
{
	ll_error err;
	long id = ll_parquet_reader_find_field(r, "id"), cat = ll_parquet_reader_find_field(r, "cat");
	long small = ll_parquet_reader_find_field(r, "small");
	CHECK(id >= 0 && cat >= 0 && small >= 0);
	size_t fields[3] = { (size_t)small, (size_t)cat, (size_t)id }; /* not the file's order */
	ll_parquet_cursor *c = NULL;
	*rows = *sum_id = *gamma = *sum_small = 0;
	CHECK_OK(ll_parquet_cursor_open(r, fields, 3, groups, &c, &err), &err);
	for (const ll_parquet_batch *b; c;) {
		CHECK_OK(ll_parquet_cursor_next(c, 4096, &b, &err), &err);
		if (b->rows == 0)
			break;
		CHECK(b->rows <= 4096);
		CHECK(groups == NULL || groups[ll_parquet_cursor_row_group(c)]);
		for (size_t i = 0; i < b->rows; i++) {
			*sum_small += b->columns[0][i].i;
			*gamma += b->columns[1][i].len == 5 && memcmp(b->columns[1][i].s, "gamma", 5) == 0;
			*sum_id += b->columns[2][i].i;
		}
		*rows += (int64_t)b->rows;
	}
	ll_parquet_cursor_free(c);
}

static void test_dictionary_100k(void)
{
	json_t *want = expected("parquet/dictionary_100k.expected.json");
	ll_parquet_reader *r = open_testdata("parquet/dictionary_100k.parquet");
	if (!r || !want) {
		ll_parquet_reader_free(r);
		json_decref(want);
		return;
	}
	const json_t *w = json_array_get(want, 0);
	int64_t rows, sum_id, gamma, sum_small;
	aggregate(r, NULL, &rows, &sum_id, &gamma, &sum_small);
	CHECK_INT(rows, json_integer_value(json_object_get(w, "rows")));
	CHECK_INT(sum_id, json_integer_value(json_object_get(w, "sum_id")));
	CHECK_INT(gamma, json_integer_value(json_object_get(w, "gamma")));
	CHECK_INT(sum_small, json_integer_value(json_object_get(w, "sum_small")));
	CHECK_INT(ll_parquet_reader_row_group_count(r), 4);
	CHECK_INT(ll_parquet_reader_field(r, 2)->type, LL_TYPE_BIGINT); /* INT16 */

	/* row groups one at a time add up to the whole */
	int64_t t_rows = 0, t_id = 0, t_gamma = 0, t_small = 0;
	for (size_t g = 0; g < ll_parquet_reader_row_group_count(r); g++) {
		bool groups[4] = { false, false, false, false };
		groups[g] = true;
		aggregate(r, groups, &rows, &sum_id, &gamma, &sum_small);
		CHECK_INT(rows, ll_parquet_reader_row_group_rows(r, g));
		t_rows += rows, t_id += sum_id, t_gamma += gamma, t_small += sum_small;
	}
	CHECK_INT(t_rows, json_integer_value(json_object_get(w, "rows")));
	CHECK_INT(t_id, json_integer_value(json_object_get(w, "sum_id")));
	CHECK_INT(t_gamma, json_integer_value(json_object_get(w, "gamma")));
	CHECK_INT(t_small, json_integer_value(json_object_get(w, "sum_small")));
	bool none[4] = { false, false, false, false };
	aggregate(r, none, &rows, &sum_id, &gamma, &sum_small);
	CHECK_INT(rows, 0);
	ll_parquet_reader_free(r);
	json_decref(want);
}

static void test_empty(void)
{
	ll_error err;
	ll_parquet_reader *r = open_testdata("parquet/empty.parquet");
	if (!r)
		return;
	CHECK_INT(ll_parquet_reader_row_count(r), 0);
	CHECK_INT(ll_parquet_reader_field_count(r), 10);
	size_t fields[2] = { 0, 9 };
	ll_parquet_cursor *c = NULL;
	CHECK_OK(ll_parquet_cursor_open(r, fields, 2, NULL, &c, &err), &err);
	const ll_parquet_batch *b = NULL;
	if (c)
		CHECK_OK(ll_parquet_cursor_next(c, 10, &b, &err), &err);
	CHECK(b && b->rows == 0);
	ll_parquet_cursor_free(c);
	size_t bad[1] = { 10 };
	c = NULL;
	CHECK_INT(ll_parquet_cursor_open(r, bad, 1, NULL, &c, &err), LL_EINVAL);
	CHECK(c == NULL);
	ll_parquet_reader_free(r);
}

static int cmp_json(const json_t *a, const json_t *b)
{
	if (json_is_number(a))
		return json_number_value(a) < json_number_value(b) ? -1 : json_number_value(a) > json_number_value(b);
	if (json_is_boolean(a))
		return (int)json_is_true(a) - (int)json_is_true(b);
	return strcmp(json_string_value(a), json_string_value(b));
}

/* Statistics of every flat field equal what the data holds (DuckDB writes exact bounds). */
static void check_stats(const char *name)
{
	char path[1024];
	ll_parquet_reader *r = open_testdata(name);
	json_t *rows = test_read_file(ll_testdata(name, path, sizeof(path)), 1000);
	if (!r || !rows) {
		ll_parquet_reader_free(r);
		json_decref(rows);
		return;
	}
	size_t first = 0;
	for (size_t g = 0; g < ll_parquet_reader_row_group_count(r); g++) {
		size_t n = (size_t)ll_parquet_reader_row_group_rows(r, g);
		for (size_t k = 0; k < ll_parquet_reader_field_count(r); k++) {
			const ll_parquet_field *f = ll_parquet_reader_field(r, k);
			if (f->type == LL_TYPE_BINARY || f->type == LL_TYPE_DECIMAL)
				continue; /* bounds are bytes / text, compared below only as values */
			json_t *lo = NULL, *hi = NULL;
			uint64_t nulls = 0, want_nulls = 0;
			for (size_t i = first; i < first + n; i++) {
				json_t *v = json_object_get(json_array_get(rows, i), f->name);
				if (json_is_null(v)) {
					want_nulls++;
					continue;
				}
				if (!lo || cmp_json(v, lo) < 0)
					lo = v;
				if (!hi || cmp_json(v, hi) > 0)
					hi = v;
			}
			ll_value min, max;
			CHECK(ll_parquet_reader_stats(r, g, k, &min, &max, &nulls));
			CHECK_INT(nulls, want_nulls);
			json_t *jmin = test_value_json(f, &min), *jmax = test_value_json(f, &max);
			if (!lo || !interop_same(jmin, lo) || !interop_same(jmax, hi)) {
				fprintf(stderr, "%s: statistics of %s in row group %zu differ from its data\n",
					name, f->name, g);
				ll_test_failures++;
			}
			json_decref(jmin);
			json_decref(jmax);
		}
		first += n;
	}
	ll_parquet_reader_free(r);
	json_decref(rows);
}

static void test_statistics(void)
{
	check_stats("parquet/types_snappy.parquet");
	check_stats("parquet/timestamp_ms_gzip.parquet");
	ll_parquet_reader *r = open_testdata("parquet/types_zstd.parquet");
	if (!r)
		return;
	ll_value min, max;
	uint64_t nulls;
	CHECK(ll_parquet_reader_stats(r, 0, 8, &min, &max, &nulls)); /* dec38 */
	CHECK(!min.is_null && min.len == 11 && memcmp(min.s, "0.000000000", 11) == 0);
	CHECK(!ll_parquet_reader_stats(r, 1, 0, &min, &max, &nulls)); /* no such row group */
	ll_parquet_reader_free(r);
}

static void test_missing_file(void)
{
	ll_error err;
	ll_parquet_reader *r = NULL;
	CHECK_INT(ll_parquet_reader_open(&r, "/nonexistent/x.parquet", &err), LL_ENOTFOUND);
	CHECK(r == NULL);
	CHECK_STR(err.file, "/nonexistent/x.parquet");
}

LL_TEST_MAIN(LL_TEST(test_types_files), LL_TEST(test_types_fields), LL_TEST(test_nested),
	     LL_TEST(test_timestamp_millis_gzip), LL_TEST(test_dictionary_100k), LL_TEST(test_empty),
	     LL_TEST(test_statistics), LL_TEST(test_missing_file))
