/*
 * Files written by our own writer, read back: every type with nulls and
 * extreme values, both timestamp units, every codec, with and without
 * dictionaries, many pages and row groups; statistics against the data of
 * each row group; projections and row group selections against full reads;
 * integer batches against ll_value cells.
 */
#include <math.h>

#include "test.h"

#include "formats/parquet/parquet_writer.h"
#include "util/arena.h"
#include "interop.h"
#include "reader_util.h"
#include "writer_util.h"

#define ROWS 2500

enum { C_T, C_J, C_B, C_D, C_F, C_TS, C_DAY, C_DEC5, C_DEC18, C_DEC38, C_BIN, C_N, NCOLS };

static const ll_parquet_column_spec *columns(void)
{
	static ll_parquet_column_spec cols[NCOLS];
	cols[C_T] = spec("t", LL_TYPE_TEXT, true);
	cols[C_J] = spec("j", LL_TYPE_JSON, true);
	cols[C_B] = spec("b", LL_TYPE_BIGINT, true);
	cols[C_D] = spec("d", LL_TYPE_DOUBLE, true);
	cols[C_F] = spec("f", LL_TYPE_BOOL, false);
	cols[C_TS] = spec("ts", LL_TYPE_TIMESTAMP, true);
	cols[C_DAY] = spec("day", LL_TYPE_DATE, true);
	cols[C_DEC5] = decimal_spec("dec5", 5, 2);
	cols[C_DEC18] = decimal_spec("dec18", 18, 3);
	cols[C_DEC38] = decimal_spec("dec38", 38, 9);
	cols[C_BIN] = spec("bin", LL_TYPE_BINARY, true);
	cols[C_N] = spec("n", LL_TYPE_BIGINT, false);
	cols[C_N].field_id = 42;
	return cols;
}

/* ---- the data: row i's values, put and expected alike ---- */

static int64_t big(int i)
{
	if (i == 1)
		return INT64_MAX;
	if (i == 2)
		return INT64_MIN;
	return (int64_t)((uint64_t)i * 2654435761u) - 1000000000LL;
}

static int64_t ts_micros(int i)
{
	return -86400000000LL * 400 + (int64_t)i * 3600000123LL + (i % 3 ? 999 : 0);
}

static __int128 dec5(int i) { return (i * 37 % 19999) - 9999; }
static __int128 dec18(int i) { return (__int128)i * 123456789012LL * (i % 2 ? 1 : -1); }
static __int128 dec38(int i)
{
	__int128 e30 = (__int128)1000000000000000LL * 1000000000000000LL;
	return (i % 2 ? -1 : 1) * ((__int128)i * e30 + i);
}

static bool is_null(int col, int i)
{
	static const int every[NCOLS] = { 7, 9, 13, 6, 0, 10, 8, 5, 11, 12, 4, 0 };
	return every[col] && i % every[col] == 0;
}

static void text_of(int i, char *buf, size_t size)
{
	snprintf(buf, size, "s%d%s", i * 7919 % 1000, i % 11 == 0 ? " \xc5\xbc\xc3\xb3\xc5\x82w \xf0\x9f\x98\x80" : "");
}

static size_t bin_of(int i, uint8_t *buf)
{
	size_t n = (size_t)(i % 17);
	for (size_t k = 0; k < n; k++)
		buf[k] = (uint8_t)(i + (int)k * 31);
	return n;
}

static void put_row(ll_parquet_writer *w, int i)
{
	char text[64];
	uint8_t bytes[32], d16[16];
	for (int c = 0; c < NCOLS; c++) {
		if (is_null(c, i)) {
			ll_parquet_writer_put_null(w, (size_t)c);
			continue;
		}
		switch (c) {
		case C_T: text_of(i, text, sizeof(text)); ll_parquet_writer_put_bytes(w, C_T, text, strlen(text)); break;
		case C_J:
			snprintf(text, sizeof(text), "{\"k\":%d}", i);
			ll_parquet_writer_put_bytes(w, C_J, text, strlen(text));
			break;
		case C_B: ll_parquet_writer_put_int64(w, C_B, big(i)); break;
		case C_D: ll_parquet_writer_put_double(w, C_D, i == 5 ? NAN : i * 0.25 - 100); break;
		case C_F: ll_parquet_writer_put_bool(w, C_F, i % 3 == 0); break;
		case C_TS: ll_parquet_writer_put_int64(w, C_TS, ts_micros(i)); break;
		case C_DAY: ll_parquet_writer_put_int32(w, C_DAY, -1000 + i); break;
		case C_DEC5: decimal_bytes(dec5(i), d16); ll_parquet_writer_put_decimal(w, C_DEC5, d16); break;
		case C_DEC18: decimal_bytes(dec18(i), d16); ll_parquet_writer_put_decimal(w, C_DEC18, d16); break;
		case C_DEC38: decimal_bytes(dec38(i), d16); ll_parquet_writer_put_decimal(w, C_DEC38, d16); break;
		case C_BIN: ll_parquet_writer_put_bytes(w, C_BIN, bytes, bin_of(i, bytes)); break;
		default: ll_parquet_writer_put_int64(w, C_N, i); break;
		}
	}
}

static int64_t floor_millis(int64_t micros)
{
	int64_t q = micros / 1000;
	return (micros % 1000 < 0 ? q - 1 : q) * 1000;
}

static json_t *expected_value(int c, int i, ll_timestamp_unit unit)
{
	char text[64];
	uint8_t bytes[32];
	if (is_null(c, i))
		return json_null();
	switch (c) {
	case C_T: text_of(i, text, sizeof(text)); return json_string(text);
	case C_J: snprintf(text, sizeof(text), "{\"k\":%d}", i); return json_string(text);
	case C_B: return expect_int(big(i));
	case C_D: return i == 5 ? json_string("NaN") : json_real(i * 0.25 - 100);
	case C_F: return json_boolean(i % 3 == 0);
	case C_TS:
		return unit == LL_TS_MILLIS ? expect_timestamp(floor_millis(ts_micros(i)), 3)
					    : expect_timestamp(ts_micros(i), 6);
	case C_DAY: return expect_date(-1000 + i);
	case C_DEC5: return expect_decimal(dec5(i), 2);
	case C_DEC18: return expect_decimal(dec18(i), 3);
	case C_DEC38: return expect_decimal(dec38(i), 9);
	case C_BIN: return expect_hex(bytes, bin_of(i, bytes));
	default: return json_integer(i);
	}
}

static json_t *expected_rows(ll_timestamp_unit unit)
{
	json_t *rows = json_array();
	const ll_parquet_column_spec *cols = columns();
	for (int i = 0; i < ROWS; i++) {
		json_t *row = json_object();
		for (int c = 0; c < NCOLS; c++)
			json_object_set_new(row, cols[c].name, expected_value(c, i, unit));
		json_array_append_new(rows, row);
	}
	return rows;
}

static bool write_file(const char *path, const ll_parquet_writer_options *opt)
{
	ll_error err;
	ll_parquet_writer *w = NULL;
	CHECK_OK(ll_parquet_writer_open(&w, path, columns(), NCOLS, opt, &err), &err);
	if (!w)
		return false;
	for (int i = 0; i < ROWS; i++) {
		put_row(w, i);
		CHECK_OK(ll_parquet_writer_end_row(w, &err), &err);
	}
	ll_status st = ll_parquet_writer_close(w, NULL, &err);
	CHECK_OK(st, &err);
	return st == LL_OK;
}

static const char *file_path(const char *name, char *buf, size_t size)
{
	char dir[1024];
	snprintf(buf, size, "%s/%s.parquet", ll_test_tmpdir(name, dir, sizeof(dir)), name);
	return buf;
}

static void default_options(ll_parquet_writer_options *opt)
{
	ll_parquet_writer_options_init(opt);
	opt->row_group_bytes = 40000;
	opt->page_bytes = 2000;
}

/* ---- the tests ---- */

static void check_fields(ll_parquet_reader *r, ll_timestamp_unit unit)
{
	const ll_parquet_column_spec *cols = columns();
	CHECK_INT(ll_parquet_reader_field_count(r), NCOLS);
	for (size_t c = 0; c < NCOLS; c++) {
		const ll_parquet_field *f = ll_parquet_reader_field(r, c);
		CHECK_STR(f->name, cols[c].name);
		CHECK_INT(f->type, cols[c].type);
		CHECK_INT(f->precision, cols[c].precision);
		CHECK_INT(f->scale, cols[c].scale);
		CHECK_INT(f->field_id, cols[c].field_id);
		CHECK(!f->nested);
	}
	CHECK_INT(ll_parquet_reader_field(r, C_TS)->unit, unit);
}

/* Writes the test file under name and opens it; NULL (a check failed) when either fails. */
static ll_parquet_reader *write_and_open(const char *name, const ll_parquet_writer_options *opt)
{
	char path[1200];
	if (!write_file(file_path(name, path, sizeof(path)), opt))
		return NULL;
	ll_error err;
	ll_parquet_reader *r = NULL;
	CHECK_OK(ll_parquet_reader_open(&r, path, &err), &err);
	return r;
}

static void roundtrip(const char *name, const ll_parquet_writer_options *opt, size_t batch)
{
	ll_parquet_reader *r = write_and_open(name, opt);
	if (!r)
		return;
	ll_error err;
	CHECK_INT(ll_parquet_reader_row_count(r), ROWS);
	check_fields(r, opt->timestamp_unit);
	json_t *got = test_read_rows(r, batch, &err);
	if (!got)
		CHECK_OK(err.code, &err);
	json_t *want = expected_rows(opt->timestamp_unit);
	test_check_rows(name, got, want);
	json_decref(got);
	json_decref(want);
	ll_parquet_reader_free(r);
}

static void test_every_codec_and_encoding(void)
{
	static const ll_parquet_codec codecs[] = { LL_CODEC_UNCOMPRESSED, LL_CODEC_SNAPPY,
						   LL_CODEC_GZIP, LL_CODEC_ZSTD };
	ll_parquet_writer_options opt;
	char name[64];
	for (size_t k = 0; k < 4; k++) {
		for (int dict = 0; dict < 2; dict++) {
			default_options(&opt);
			opt.codec = codecs[k];
			opt.disable_dictionary = dict;
			opt.timestamp_unit = dict ? LL_TS_MICROS : LL_TS_MILLIS;
			snprintf(name, sizeof(name), "pqr_rt_%d_%d", (int)k, dict);
			roundtrip(name, &opt, k == 1 ? 1 : 333);
		}
	}
}

static void test_one_row_group_one_page(void)
{
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	roundtrip("pqr_rt_big_pages", &opt, 100000);
}

/* ---- statistics ---- */

static int cmp_values(int c, const ll_value *a, const ll_value *b)
{
	switch (c) {
	case C_D: return a->d < b->d ? -1 : a->d > b->d;
	case C_T:
	case C_J:
	case C_BIN: {
		size_t n = a->len < b->len ? a->len : b->len;
		int r = n ? memcmp(a->s, b->s, n) : 0;
		return r ? r : (a->len > b->len) - (a->len < b->len);
	}
	default: return a->i < b->i ? -1 : a->i > b->i;
	}
}

static bool same_value(const ll_parquet_field *f, const ll_value *a, const ll_value *b)
{
	json_t *x = test_value_json(f, a), *y = test_value_json(f, b);
	bool same = interop_same(x, y);
	json_decref(x);
	json_decref(y);
	return same;
}

/* Reads one column of one row group with a projection and a selection of just that group. */
static ll_value *read_group_column(ll_parquet_reader *r, size_t g, size_t c, ll_arena *a, size_t *n)
{
	ll_error err;
	bool *groups = calloc(ll_parquet_reader_row_group_count(r), sizeof(bool));
	groups[g] = true;
	ll_parquet_cursor *cur = NULL;
	CHECK_OK(ll_parquet_cursor_open(r, &c, 1, groups, &cur, &err), &err);
	free(groups);
	ll_value *out = calloc((size_t)ll_parquet_reader_row_group_rows(r, g) + 1, sizeof(*out));
	*n = 0;
	for (const ll_parquet_batch *b; cur;) {
		CHECK_OK(ll_parquet_cursor_next(cur, 500, &b, &err), &err);
		if (b->rows == 0)
			break;
		CHECK_INT(ll_parquet_cursor_row_group(cur), g);
		for (size_t i = 0; i < b->rows; i++, (*n)++) {
			out[*n] = b->columns[0][i];
			if (out[*n].s)
				out[*n].s = ll_arena_strndup(a, out[*n].s, out[*n].len);
		}
	}
	ll_parquet_cursor_free(cur);
	return out;
}

static void check_group_stats(ll_parquet_reader *r, size_t g, size_t c)
{
	ll_arena a;
	ll_arena_init(&a, 0);
	size_t n;
	ll_value *vals = read_group_column(r, g, c, &a, &n);
	CHECK_INT(n, ll_parquet_reader_row_group_rows(r, g));
	const ll_value *lo = NULL, *hi = NULL;
	uint64_t nulls = 0;
	for (size_t i = 0; i < n; i++) {
		if (vals[i].is_null) {
			nulls++;
			continue;
		}
		if (c == C_D && isnan(vals[i].d))
			continue;
		if (c == C_DEC5 || c == C_DEC18 || c == C_DEC38)
			continue; /* text does not sort like numbers; checked by value below */
		if (!lo || cmp_values((int)c, &vals[i], lo) < 0)
			lo = &vals[i];
		if (!hi || cmp_values((int)c, &vals[i], hi) > 0)
			hi = &vals[i];
	}
	ll_value min, max;
	uint64_t got_nulls;
	const ll_parquet_field *f = ll_parquet_reader_field(r, c);
	CHECK(ll_parquet_reader_stats(r, g, c, &min, &max, &got_nulls));
	CHECK_INT(got_nulls, nulls);
	if (lo && (!same_value(f, &min, lo) || !same_value(f, &max, hi))) {
		fprintf(stderr, "statistics of %s in row group %zu differ from its data\n", f->name, g);
		ll_test_failures++;
	}
	ll_arena_free(&a);
	free(vals);
}

static void test_statistics(void)
{
	char path[1200];
	ll_parquet_writer_options opt;
	default_options(&opt);
	opt.timestamp_unit = LL_TS_MICROS;
	if (!write_file(file_path("pqr_stats", path, sizeof(path)), &opt))
		return;
	ll_error err;
	ll_parquet_reader *r = NULL;
	CHECK_OK(ll_parquet_reader_open(&r, path, &err), &err);
	if (!r)
		return;
	CHECK(ll_parquet_reader_row_group_count(r) >= 3);
	for (size_t g = 0; g < ll_parquet_reader_row_group_count(r); g++) {
		for (size_t c = 0; c < NCOLS; c++)
			check_group_stats(r, g, c);
	}
	/* decimal bounds come as text with the full scale */
	ll_value min, max;
	uint64_t nulls;
	CHECK(ll_parquet_reader_stats(r, 0, C_DEC38, &min, &max, &nulls));
	CHECK(!min.is_null && min.s && strchr(min.s, '.') && strlen(strchr(min.s, '.')) == 10);
	CHECK(!ll_parquet_reader_stats(r, 0, NCOLS, &min, &max, &nulls));
	ll_parquet_reader_free(r);
}

/* ---- projection and row group selection ---- */

static void test_projection(void)
{
	char path[1200];
	ll_parquet_writer_options opt;
	default_options(&opt);
	if (!write_file(file_path("pqr_projection", path, sizeof(path)), &opt))
		return;
	ll_error err;
	ll_parquet_reader *r = NULL;
	CHECK_OK(ll_parquet_reader_open(&r, path, &err), &err);
	if (!r)
		return;
	size_t ng = ll_parquet_reader_row_group_count(r);
	CHECK(ng >= 3);
	bool *groups = calloc(ng, sizeof(bool));
	size_t *first = calloc(ng + 1, sizeof(size_t));
	for (size_t g = 0; g < ng; g++) {
		groups[g] = g % 2 == 1;
		first[g + 1] = first[g] + (size_t)ll_parquet_reader_row_group_rows(r, g);
	}
	size_t fields[3] = { C_DEC38, C_N, C_T };
	ll_parquet_cursor *c = NULL;
	CHECK_OK(ll_parquet_cursor_open(r, fields, 3, groups, &c, &err), &err);
	size_t seen_rows = 0, last_group = SIZE_MAX, in_group = 0;
	for (const ll_parquet_batch *b; c;) {
		CHECK_OK(ll_parquet_cursor_next(c, 77, &b, &err), &err);
		if (b->rows == 0)
			break;
		size_t g = ll_parquet_cursor_row_group(c);
		CHECK(groups[g]);
		CHECK_INT(b->ncolumns, 3);
		CHECK(b->rows <= 77);
		in_group = g == last_group ? in_group : 0;
		last_group = g;
		for (size_t i = 0; i < b->rows; i++) {
			int row = (int)(first[g] + in_group + i);
			CHECK_INT(b->columns[1][i].i, row);
			json_t *want = expected_value(C_DEC38, row, opt.timestamp_unit);
			json_t *got = test_value_json(ll_parquet_reader_field(r, C_DEC38), &b->columns[0][i]);
			CHECK(json_equal(want, got));
			json_decref(want);
			json_decref(got);
			want = expected_value(C_T, row, opt.timestamp_unit);
			got = test_value_json(ll_parquet_reader_field(r, C_T), &b->columns[2][i]);
			CHECK(json_equal(want, got));
			json_decref(want);
			json_decref(got);
		}
		in_group += b->rows;
		CHECK(in_group <= ll_parquet_reader_row_group_rows(r, g));
		seen_rows += b->rows;
	}
	size_t want_rows = 0;
	for (size_t g = 1; g < ng; g += 2)
		want_rows += (size_t)ll_parquet_reader_row_group_rows(r, g);
	CHECK_INT(seen_rows, want_rows);
	/* a finished scan stays finished */
	const ll_parquet_batch *b = NULL;
	if (c)
		CHECK_OK(ll_parquet_cursor_next(c, 10, &b, &err), &err);
	CHECK(b && b->rows == 0);
	if (c)
		CHECK_INT(ll_parquet_cursor_next(c, 0, &b, &err), LL_EINVAL);
	ll_parquet_cursor_free(c);

	/* no fields at all still counts the rows */
	CHECK_OK(ll_parquet_cursor_open(r, NULL, 0, NULL, &c, &err), &err);
	size_t counted = 0;
	for (; c;) {
		CHECK_OK(ll_parquet_cursor_next(c, 1000, &b, &err), &err);
		if (b->rows == 0)
			break;
		CHECK_INT(b->ncolumns, 0);
		counted += b->rows;
	}
	CHECK_INT(counted, ROWS);
	ll_parquet_cursor_free(c);
	free(groups);
	free(first);
	ll_parquet_reader_free(r);
}

/* Two cursors over one reader do not disturb each other. */
static void test_two_cursors(void)
{
	char path[1200];
	ll_parquet_writer_options opt;
	default_options(&opt);
	if (!write_file(file_path("pqr_two_cursors", path, sizeof(path)), &opt))
		return;
	ll_error err;
	ll_parquet_reader *r = NULL;
	CHECK_OK(ll_parquet_reader_open(&r, path, &err), &err);
	if (!r)
		return;
	size_t f1[1] = { C_N }, f2[2] = { C_T, C_N };
	ll_parquet_cursor *a = NULL, *b = NULL;
	CHECK_OK(ll_parquet_cursor_open(r, f1, 1, NULL, &a, &err), &err);
	CHECK_OK(ll_parquet_cursor_open(r, f2, 2, NULL, &b, &err), &err);
	int64_t next_a = 0, next_b = 0;
	while (a && b) {
		const ll_parquet_batch *ba, *bb;
		CHECK_OK(ll_parquet_cursor_next(a, 100, &ba, &err), &err);
		CHECK_OK(ll_parquet_cursor_next(b, 37, &bb, &err), &err);
		for (size_t i = 0; i < ba->rows; i++)
			CHECK_INT(ba->columns[0][i].i, next_a++);
		for (size_t i = 0; i < bb->rows; i++)
			CHECK_INT(bb->columns[1][i].i, next_b++);
		if (ba->rows == 0 && bb->rows == 0)
			break;
	}
	CHECK_INT(next_a, ROWS);
	CHECK_INT(next_b, ROWS);
	ll_parquet_cursor_free(a);
	ll_parquet_cursor_free(b);
	ll_parquet_reader_free(r);
}

/* Reads field f both ways, in batches of different sizes; true when every row agrees. */
static bool ints_match_cells(ll_parquet_reader *r, size_t f)
{
	ll_error err;
	ll_parquet_cursor *cells = NULL, *ints = NULL;
	CHECK_OK(ll_parquet_cursor_open(r, &f, 1, NULL, &cells, &err), &err);
	CHECK_OK(ll_parquet_cursor_open(r, &f, 1, NULL, &ints, &err), &err);
	int64_t values[77];
	bool nulls[77];
	size_t rows = 0, wrong = 0, n = 0, at = 0;
	const ll_parquet_batch *b = NULL;
	if (ints)
		CHECK_OK(ll_parquet_cursor_next_ints(ints, 77, values, nulls, &n, &err), &err);
	while (cells && ints) {
		if (at == n && n > 0) {
			CHECK_OK(ll_parquet_cursor_next_ints(ints, 77, values, nulls, &n, &err), &err);
			at = 0;
		}
		if (!b || rows == b->rows) {
			CHECK_OK(ll_parquet_cursor_next(cells, 50, &b, &err), &err);
			rows = 0;
		}
		if (n == 0 || b->rows == 0) {
			CHECK(n == 0 && b->rows == 0);
			break;
		}
		const ll_value *v = &b->columns[0][rows++];
		wrong += nulls[at] != v->is_null || (!v->is_null && values[at] != v->i);
		at++;
	}
	ll_parquet_cursor_free(cells);
	ll_parquet_cursor_free(ints);
	return cells && ints && wrong == 0;
}

/* Integer batches hold what ll_value cells hold: every integer type, nulls, both units. */
static void test_integer_batches(void)
{
	static const size_t integer_fields[] = { C_B, C_F, C_TS, C_DAY, C_N };
	for (int dict = 0; dict < 2; dict++) {
		char name[64];
		ll_parquet_writer_options opt;
		default_options(&opt);
		opt.disable_dictionary = dict;
		opt.timestamp_unit = dict ? LL_TS_MICROS : LL_TS_MILLIS;
		snprintf(name, sizeof(name), "pqr_ints_%d", dict);
		ll_parquet_reader *r = write_and_open(name, &opt);
		if (!r)
			return;
		ll_error err;
		for (size_t k = 0; k < sizeof(integer_fields) / sizeof(integer_fields[0]); k++) {
			CHECK(ll_parquet_field_is_integer(ll_parquet_reader_field(r, integer_fields[k])));
			CHECK(ints_match_cells(r, integer_fields[k]));
		}
		/* text, and two fields at once, are refused */
		size_t text = C_T, two[2] = { C_B, C_N }, n;
		int64_t values[8];
		bool nulls[8];
		CHECK(!ll_parquet_field_is_integer(ll_parquet_reader_field(r, C_T)));
		CHECK(!ll_parquet_field_is_integer(ll_parquet_reader_field(r, C_DEC18)));
		ll_parquet_cursor *c = NULL;
		CHECK_OK(ll_parquet_cursor_open(r, &text, 1, NULL, &c, &err), &err);
		CHECK_INT(ll_parquet_cursor_next_ints(c, 8, values, nulls, &n, &err), LL_EINVAL);
		ll_parquet_cursor_free(c);
		CHECK_OK(ll_parquet_cursor_open(r, two, 2, NULL, &c, &err), &err);
		CHECK_INT(ll_parquet_cursor_next_ints(c, 8, values, nulls, &n, &err), LL_EINVAL);
		ll_parquet_cursor_free(c);
		ll_parquet_reader_free(r);
	}
}

LL_TEST_MAIN(LL_TEST(test_every_codec_and_encoding), LL_TEST(test_one_row_group_one_page),
	     LL_TEST(test_statistics), LL_TEST(test_projection), LL_TEST(test_two_cursors),
	     LL_TEST(test_integer_batches))
