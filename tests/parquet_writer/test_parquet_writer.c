/*
 * Tests of ll_parquet_writer. Every file written here is read back by DuckDB
 * and by hyparquet (tests/interop/parquet_rows.mjs) and compared value by
 * value with what was put; footers are checked through DuckDB's
 * parquet_metadata() and parquet_schema() (tests/interop/parquet_meta.mjs).
 * The large-file and dictionary tests are in test_parquet_writer_large.c.
 */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "formats/parquet/parquet_writer.h"
#include "interop.h"
#include "test.h"
#include "util/fs.h"
#include "writer_util.h"

static const char *tmp_path(const char *test, const char *file, char *buf, size_t size)
{
	char dir[1024];
	ll_test_tmpdir(test, dir, sizeof(dir));
	snprintf(buf, size, "%s/%s", dir, file);
	return buf;
}

static ll_parquet_writer *open_writer(const char *path, const ll_parquet_column_spec *cols,
				      size_t n, const ll_parquet_writer_options *opt)
{
	ll_parquet_writer *w = NULL;
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_open(&w, path, cols, n, opt, &err), &err);
	return w;
}

static void close_writer(ll_parquet_writer *w, uint64_t rows, uint32_t groups)
{
	ll_parquet_file_info info = { 0, 0, 0 };
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_close(w, &info, &err), &err);
	CHECK_INT(info.rows, rows);
	CHECK_INT(info.row_groups, groups);
}

static void end_row(ll_parquet_writer *w)
{
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_end_row(w, &err), &err);
}

/* ---- every type, with nulls ---- */

/* Row i of the types file: its values (nulls left out) as write_row takes them, and their bytes. */
typedef struct types_row {
	ll_parquet_value v[11];
	size_t n;
	char text[64], js[64];
	uint8_t dec[16], bin[4];
} types_row;

static void types_value(types_row *r, size_t column, ll_data_type type)
{
	ll_parquet_value *v = &r->v[r->n++];
	memset(v, 0, sizeof(*v));
	v->column = column;
	v->type = type;
}

/* Fills r with row i and row with what the readers print for it. */
static void types_row_make(types_row *r, json_t *row, int i)
{
	r->n = 0;
	types_value(r, 0, LL_TYPE_BIGINT);
	r->v[r->n - 1].u.i = i;
	json_object_set_new(row, "id", json_integer(i));
	snprintf(r->text, sizeof(r->text), "t%d-\xc5\xbc", i % 8);
	if (i % 5 == 0) {
		json_object_set_new(row, "txt", json_null());
	} else {
		types_value(r, 1, LL_TYPE_TEXT);
		r->v[r->n - 1].u.s.ptr = r->text;
		r->v[r->n - 1].u.s.len = strlen(r->text);
		json_object_set_new(row, "txt", json_string(r->text));
	}
	int64_t num = (int64_t)(i - 30) * 1000000000000007LL;
	if (i % 6 == 1) {
		json_object_set_new(row, "num", json_null());
	} else {
		types_value(r, 2, LL_TYPE_BIGINT);
		r->v[r->n - 1].u.i = num;
		json_object_set_new(row, "num", expect_int(num));
	}
	double dbl = (i - 30) / 4.0;
	if (i % 7 != 2) {
		types_value(r, 3, LL_TYPE_DOUBLE);
		r->v[r->n - 1].u.d = dbl;
	}
	json_object_set_new(row, "dbl", i % 7 == 2 ? json_null() : json_real(dbl));
	if (i % 4 != 3) {
		types_value(r, 4, LL_TYPE_BOOL);
		r->v[r->n - 1].u.b = i % 3 == 0;
	}
	json_object_set_new(row, "flag", i % 4 == 3 ? json_null() : json_boolean(i % 3 == 0));
	int64_t ts = (int64_t)(i - 30) * 86400000123LL + 456;
	if (i % 9 != 4) {
		types_value(r, 5, LL_TYPE_TIMESTAMP);
		r->v[r->n - 1].u.i = ts;
	}
	json_object_set_new(row, "ts", i % 9 == 4 ? json_null() : expect_timestamp(ts, 6));
	int32_t d = (i - 30) * 400;
	if (i % 10 != 5) {
		types_value(r, 6, LL_TYPE_DATE);
		r->v[r->n - 1].u.i = d;
	}
	json_object_set_new(row, "d", i % 10 == 5 ? json_null() : expect_date(d));
	__int128 dec = (__int128)(i - 30) * 123456789;
	decimal_bytes(dec, r->dec);
	if (i % 11 != 6) {
		types_value(r, 7, LL_TYPE_DECIMAL);
		memcpy(r->v[r->n - 1].u.dec, r->dec, 16);
	}
	json_object_set_new(row, "dec", i % 11 == 6 ? json_null() : expect_decimal(dec, 3));
	uint8_t bin[4] = { (uint8_t)i, 0xAB, 0, (uint8_t)(255 - i) };
	memcpy(r->bin, bin, sizeof(bin));
	if (i % 12 != 7) {
		types_value(r, 8, LL_TYPE_BINARY);
		r->v[r->n - 1].u.s.ptr = (const char *)r->bin;
		r->v[r->n - 1].u.s.len = sizeof(r->bin);
	}
	json_object_set_new(row, "bin", i % 12 == 7 ? json_null() : expect_hex(bin, sizeof(bin)));
	snprintf(r->js, sizeof(r->js), "{\"k\":[%d,null]}", i);
	if (i % 13 != 8) {
		types_value(r, 9, LL_TYPE_JSON);
		r->v[r->n - 1].u.s.ptr = r->js;
		r->v[r->n - 1].u.s.len = strlen(r->js);
	}
	json_object_set_new(row, "js", i % 13 == 8 ? json_null() : json_string(r->js));
	json_object_set_new(row, "nothing", json_null());
}

/* Puts row i with the setters, and explicit nulls in some rows of num and nothing. */
static void put_types_row(ll_parquet_writer *w, json_t *row, int i)
{
	types_row r;
	types_row_make(&r, row, i);
	for (size_t k = 0; k < r.n; k++) {
		const ll_parquet_value *v = &r.v[k];
		switch (v->type) {
		case LL_TYPE_BIGINT:
		case LL_TYPE_TIMESTAMP: ll_parquet_writer_put_int64(w, v->column, v->u.i); break;
		case LL_TYPE_DATE: ll_parquet_writer_put_int32(w, v->column, (int32_t)v->u.i); break;
		case LL_TYPE_DOUBLE: ll_parquet_writer_put_double(w, v->column, v->u.d); break;
		case LL_TYPE_BOOL: ll_parquet_writer_put_bool(w, v->column, v->u.b); break;
		case LL_TYPE_DECIMAL: ll_parquet_writer_put_decimal(w, v->column, v->u.dec); break;
		default: ll_parquet_writer_put_bytes(w, v->column, v->u.s.ptr, v->u.s.len); break;
		}
	}
	if (i % 6 == 1)
		ll_parquet_writer_put_null(w, 2);
	if (i % 2)
		ll_parquet_writer_put_null(w, 10);
}

static void check_types_schema(const json_t *meta)
{
	const json_t *s;
	CHECK_META(json_object_get(meta, "file"), "created_by", "lakeload version " LL_VERSION);
	CHECK_META(json_object_get(meta, "file"), "num_rows", "60");
	if ((s = interop_schema(meta, "id"))) {
		CHECK_META(s, "type", "INT64");
		CHECK_META(s, "repetition_type", "REQUIRED");
		CHECK_META(s, "field_id", "1");
	}
	if ((s = interop_schema(meta, "txt"))) {
		CHECK_META(s, "type", "BYTE_ARRAY");
		CHECK_META(s, "repetition_type", "OPTIONAL");
		CHECK_META(s, "converted_type", "UTF8");
		CHECK_META(s, "logical_type", "StringType()");
		CHECK_META(s, "field_id", "2");
	}
	if ((s = interop_schema(meta, "ts"))) {
		CHECK_META(s, "converted_type", "TIMESTAMP_MICROS");
		CHECK(strstr(interop_str(s, "logical_type"), "isAdjustedToUTC=1"));
		CHECK(strstr(interop_str(s, "logical_type"), "MICROS=MicroSeconds()"));
	}
	if ((s = interop_schema(meta, "d"))) {
		CHECK_META(s, "type", "INT32");
		CHECK_META(s, "converted_type", "DATE");
		CHECK_META(s, "logical_type", "DateType()");
	}
	if ((s = interop_schema(meta, "dec"))) {
		CHECK_META(s, "type", "FIXED_LEN_BYTE_ARRAY");
		CHECK_META(s, "type_length", "6");
		CHECK_META(s, "converted_type", "DECIMAL");
		CHECK_META(s, "scale", "3");
		CHECK_META(s, "precision", "12");
		CHECK_META(s, "logical_type", "DecimalType(scale=3, precision=12)");
	}
	if ((s = interop_schema(meta, "bin"))) {
		CHECK_META(s, "type", "BYTE_ARRAY");
		CHECK_META(s, "converted_type", "(null)");
		CHECK_META(s, "logical_type", "(null)");
	}
	if ((s = interop_schema(meta, "js"))) {
		CHECK_META(s, "converted_type", "JSON");
		CHECK_META(s, "logical_type", "JsonType()");
	}
	if ((s = interop_schema(meta, "nothing")))
		CHECK_META(s, "field_id", "(null)");
}

static void check_types_stats(const json_t *meta)
{
	static const struct {
		const char *col, *min, *max, *nulls;
	} want[] = {
		{ "id", "0", "59", "0" },
		{ "txt", "t0-\xc5\xbc", "t7-\xc5\xbc", "12" },
		{ "num", "-30000000000000210", "29000000000000203", "10" },
		{ "dbl", "-7.5", "7.25", "9" },
		{ "flag", "false", "true", "15" },
		{ "d", "1937-02-23", "2001-10-05", "6" },
		{ "dec", "-3703703.670", "3580246.881", "5" },
		{ "bin", "\\x00\\xAB\\x00\\xFF", ";\\xAB\\x00\\xC4", "5" },
		{ "nothing", "(null)", "(null)", "60" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const json_t *c = interop_chunk(meta, 0, want[i].col);
		if (!c)
			continue;
		CHECK_META(c, "stats_min_value", want[i].min);
		CHECK_META(c, "stats_max_value", want[i].max);
		CHECK_META(c, "stats_null_count", want[i].nulls);
		CHECK_META(c, "compression", "SNAPPY");
		CHECK_META(c, "num_values", "60");
	}
	const json_t *c = interop_chunk(meta, 0, "ts");
	if (c) {
		CHECK_META(c, "stats_min_value", "1969-12-01 23:59:59.996766+00");
		CHECK_META(c, "stats_max_value", "1970-01-30 00:00:00.004023+00");
	}
}

static const ll_parquet_column_spec types_cols[] = {
	{ "id", LL_TYPE_BIGINT, 0, 0, false, 1 },   { "txt", LL_TYPE_TEXT, 0, 0, true, 2 },
	{ "num", LL_TYPE_BIGINT, 0, 0, true, 3 },   { "dbl", LL_TYPE_DOUBLE, 0, 0, true, 4 },
	{ "flag", LL_TYPE_BOOL, 0, 0, true, 5 },    { "ts", LL_TYPE_TIMESTAMP, 0, 0, true, 6 },
	{ "d", LL_TYPE_DATE, 0, 0, true, 7 },       { "dec", LL_TYPE_DECIMAL, 12, 3, true, 8 },
	{ "bin", LL_TYPE_BINARY, 0, 0, true, 9 },   { "js", LL_TYPE_JSON, 0, 0, true, 10 },
	{ "nothing", LL_TYPE_TEXT, 0, 0, true, -1 },
};
#define TYPES_NCOLS (sizeof(types_cols) / sizeof(types_cols[0]))

/* Writes the 60 rows of the types file, with the setters or with write_row; rows gets them. */
static void write_types_file(const char *path, bool whole_rows, json_t *rows)
{
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.timestamp_unit = LL_TS_MICROS;
	ll_parquet_writer *w = open_writer(path, types_cols, TYPES_NCOLS, &opt);
	if (!w)
		return;
	for (int i = 0; i < 60; i++) {
		json_t *row = json_object();
		types_row r;
		ll_error err;
		ll_error_clear(&err);
		if (whole_rows) {
			types_row_make(&r, row, i);
			CHECK_OK(ll_parquet_writer_write_row(w, r.v, r.n, &err), &err);
		} else {
			put_types_row(w, row, i);
			end_row(w);
		}
		json_array_append_new(rows, row);
	}
	CHECK_INT(ll_parquet_writer_row_count(w), 60);
	close_writer(w, 60, 1);
}

static void test_types_and_nulls(void)
{
	char path[1200];
	tmp_path("pqw_types", "types.parquet", path, sizeof(path));
	json_t *rows = json_array();
	write_types_file(path, false, rows);
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	if (meta) {
		check_types_schema(meta);
		check_types_stats(meta);
	}
	json_decref(meta);
}

/* ---- whole rows ---- */

/*
 * write_row puts each value with the setter its type names and ends the
 * row: the types file written that way is the one the setters write, byte
 * for byte, and a value its column does not take fails the row as the
 * setter would, leaving the rows around it.
 */
static void test_write_row(void)
{
	char path[1200], setters[1200];
	tmp_path("pqw_write_row", "rows.parquet", path, sizeof(path));
	tmp_path("pqw_write_row", "setters.parquet", setters, sizeof(setters));
	json_t *rows = json_array(), *again = json_array();
	write_types_file(path, true, rows);
	write_types_file(setters, false, again);
	CHECK(same_file_bytes(path, setters));
	interop_check_rows(path, rows);
	json_decref(rows);
	json_decref(again);

	tmp_path("pqw_write_row", "errors.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = { spec("id", LL_TYPE_BIGINT, false),
					  spec("name", LL_TYPE_TEXT, true) };
	ll_parquet_writer *w = open_writer(path, cols, 2, NULL);
	if (!w)
		return;
	ll_parquet_value v[2];
	memset(v, 0, sizeof(v));
	v[0].column = 0;
	v[0].type = LL_TYPE_BIGINT;
	v[0].u.i = 1;
	v[1].column = 1;
	v[1].type = LL_TYPE_DOUBLE;
	v[1].u.d = 1.5;
	ll_error err;
	ll_error_clear(&err);
	CHECK_INT(ll_parquet_writer_write_row(w, v, 2, &err), LL_EINVAL);
	CHECK_STR(err.column_name, "name");
	CHECK(strstr(err.message, "put_double") != NULL);
	v[1].type = (ll_data_type)99;
	ll_error_clear(&err);
	CHECK_INT(ll_parquet_writer_write_row(w, v, 2, &err), LL_EINVAL);
	CHECK_STR(err.column_name, "name");
	CHECK(strstr(err.message, "unknown type 99") != NULL);
	v[1].column = 5;
	CHECK_INT(ll_parquet_writer_write_row(w, v, 2, &err), LL_EINVAL);
	/* a required column without a value */
	v[1].column = 1;
	v[1].type = LL_TYPE_TEXT;
	v[1].u.s.ptr = "kept";
	v[1].u.s.len = 4;
	ll_error_clear(&err);
	CHECK_INT(ll_parquet_writer_write_row(w, v + 1, 1, &err), LL_ESCHEMA);
	CHECK_STR(err.column_name, "id");
	CHECK_OK(ll_parquet_writer_write_row(w, v, 2, &err), &err);
	CHECK_OK(ll_parquet_writer_write_row(w, v, 1, &err), &err);
	close_writer(w, 2, 1);
	rows = json_array();
	json_array_append_new(rows, json_pack("{s:i, s:s}", "id", 1, "name", "kept"));
	json_array_append_new(rows, json_pack("{s:i, s:n}", "id", 1, "name"));
	interop_check_rows(path, rows);
	json_decref(rows);
}

/* ---- doubles: NaN, signed zeros, infinities ---- */

static void test_double_stats(void)
{
	char path[1200];
	tmp_path("pqw_doubles", "doubles.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = {
		spec("mixed", LL_TYPE_DOUBLE, true), spec("zeros", LL_TYPE_DOUBLE, true),
		spec("nans", LL_TYPE_DOUBLE, true),  spec("neg", LL_TYPE_DOUBLE, true),
		spec("inf", LL_TYPE_DOUBLE, true),
	};
	const double nan = NAN;
	const double v[5][4] = {
		{ -0.0, 0.0, nan, 1.5 },
		{ 0.0, -0.0, 0.0, -0.0 },
		{ nan, nan, nan, nan },
		{ -2.5, nan, 0.0, -0.0 },
		{ INFINITY, -INFINITY, 3.0, nan },
	};
	ll_parquet_writer *w = open_writer(path, cols, 5, NULL);
	if (!w)
		return;
	json_t *rows = json_array();
	for (int r = 0; r < 5; r++) {
		json_t *row = json_object();
		for (int c = 0; c < 5; c++) {
			char name[16];
			snprintf(name, sizeof(name), "%s", cols[c].name);
			if (r == 4) {
				json_object_set_new(row, name, json_null());
				continue;
			}
			double x = v[c][r];
			ll_parquet_writer_put_double(w, (size_t)c, x);
			json_t *want = isnan(x) ? json_string("NaN")
				       : isinf(x) ? json_string(x > 0 ? "Infinity" : "-Infinity")
						  : json_real(x);
			json_object_set_new(row, name, want);
		}
		end_row(w);
		json_array_append_new(rows, row);
	}
	close_writer(w, 5, 1);
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	/* DuckDB shows infinite bounds as null; min_is_exact tells they are there */
	static const struct {
		const char *col, *min, *max, *present;
	} want[] = {
		{ "mixed", "-0.0", "1.5", "true" },        { "zeros", "-0.0", "0.0", "true" },
		{ "nans", "(null)", "(null)", "(null)" },  { "neg", "-2.5", "0.0", "true" },
		{ "inf", "(null)", "(null)", "true" },
	};
	for (size_t i = 0; meta && i < 5; i++) {
		const json_t *c = interop_chunk(meta, 0, want[i].col);
		if (!c)
			continue;
		CHECK_META(c, "stats_min_value", want[i].min);
		CHECK_META(c, "stats_max_value", want[i].max);
		CHECK_META(c, "min_is_exact", want[i].present);
		CHECK_META(c, "stats_null_count", "1");
	}
	json_decref(meta);
}

/* ---- decimals ---- */

static __int128 pow10_i128(int p)
{
	__int128 v = 1;
	while (p-- > 0)
		v *= 10;
	return v;
}

static void test_decimals(void)
{
	char path[1200];
	tmp_path("pqw_decimals", "decimals.parquet", path, sizeof(path));
	static const struct {
		int precision, scale;
		const char *length;
	} types[] = { { 1, 0, "1" }, { 9, 2, "4" }, { 18, 4, "8" }, { 19, 0, "9" }, { 38, 10, "16" } };
	ll_parquet_column_spec cols[5];
	char names[5][16];
	for (int c = 0; c < 5; c++) {
		snprintf(names[c], sizeof(names[c]), "p%ds%d", types[c].precision, types[c].scale);
		cols[c] = decimal_spec(names[c], types[c].precision, types[c].scale);
	}
	ll_parquet_writer *w = open_writer(path, cols, 5, NULL);
	if (!w)
		return;
	json_t *rows = json_array();
	ll_error err;
	for (int r = 0; r < 10; r++) {
		json_t *row = json_object();
		for (int c = 0; c < 5; c++) {
			__int128 max = pow10_i128(types[c].precision) - 1;
			__int128 vals[10] = { 0, 1, -1, max, -max, max / 3, -(max / 7), 0, max / 10 + 7, -(max / 10) - 3 };
			if (r == 7) {
				json_object_set_new(row, names[c], json_null());
				continue;
			}
			uint8_t be[16];
			decimal_bytes(vals[r], be);
			ll_parquet_writer_put_decimal(w, (size_t)c, be);
			json_object_set_new(row, names[c], expect_decimal(vals[r], types[c].scale));
		}
		end_row(w);
		json_array_append_new(rows, row);
	}
	/* one digit too many, either sign, fails the row and leaves the writer usable */
	for (int c = 0; c < 5; c++) {
		for (int sign = -1; sign <= 1; sign += 2) {
			uint8_t be[16];
			decimal_bytes(sign * pow10_i128(types[c].precision), be);
			ll_parquet_writer_put_decimal(w, (size_t)c, be);
			ll_error_clear(&err);
			CHECK_INT(ll_parquet_writer_end_row(w, &err), LL_ESCHEMA);
			CHECK_STR(err.column_name, names[c]);
		}
	}
	close_writer(w, 10, 1);
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	for (int c = 0; meta && c < 5; c++) {
		const json_t *s = interop_schema(meta, names[c]);
		if (s) {
			CHECK_META(s, "type", "FIXED_LEN_BYTE_ARRAY");
			CHECK_META(s, "type_length", types[c].length);
		}
		const json_t *ch = interop_chunk(meta, 0, names[c]);
		if (!ch)
			continue;
		__int128 max = pow10_i128(types[c].precision) - 1;
		json_t *lo = expect_decimal(-max, types[c].scale), *hi = expect_decimal(max, types[c].scale);
		CHECK_META(ch, "stats_min_value", json_string_value(lo));
		CHECK_META(ch, "stats_max_value", json_string_value(hi));
		CHECK_META(ch, "stats_null_count", "1");
		json_decref(lo);
		json_decref(hi);
	}
	json_decref(meta);
}

/* ---- timestamps and dates, before and after 1970 ---- */

static void write_times(const char *path, ll_timestamp_unit unit)
{
	static const int64_t micros[] = {
		0, 1, -1, 999, -999, 1000, -1000, -1001, 1500000, -1500000, 1700000000123456LL,
		-62135596800000000LL, 253402300799999999LL, -86400000001LL,
	};
	static const int32_t days[] = { 0, 1, -1, -719162, 2932896, 19000, -25000 };
	const size_t n = sizeof(micros) / sizeof(micros[0]);
	ll_parquet_column_spec cols[] = { spec("ts", LL_TYPE_TIMESTAMP, true), spec("d", LL_TYPE_DATE, true) };
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.timestamp_unit = unit;
	ll_parquet_writer *w = open_writer(path, cols, 2, &opt);
	if (!w)
		return;
	int digits = unit == LL_TS_MILLIS ? 3 : 6;
	json_t *rows = json_array();
	for (size_t i = 0; i <= n; i++) {
		json_t *row = json_object();
		if (i < n) {
			ll_parquet_writer_put_int64(w, 0, micros[i]);
			json_object_set_new(row, "ts", expect_timestamp(micros[i], digits));
		} else {
			json_object_set_new(row, "ts", json_null());
		}
		size_t di = i % (sizeof(days) / sizeof(days[0]) + 1);
		if (di < sizeof(days) / sizeof(days[0])) {
			ll_parquet_writer_put_int32(w, 1, days[di]);
			json_object_set_new(row, "d", expect_date(days[di]));
		} else {
			json_object_set_new(row, "d", json_null());
		}
		end_row(w);
		json_array_append_new(rows, row);
	}
	close_writer(w, n + 1, 1);
	/* the floor matters before 1970: -1 us is the last millisecond of 1969 */
	json_t *minus_one = json_object_get(json_array_get(rows, 2), "ts");
	CHECK_STR(json_string_value(minus_one), unit == LL_TS_MILLIS ? "1969-12-31T23:59:59.999Z"
								 : "1969-12-31T23:59:59.999999Z");
	CHECK_STR(json_string_value(json_object_get(json_array_get(rows, 3), "d")), "0001-01-01");
	interop_check_rows(path, rows);
	json_decref(rows);
}

static void test_timestamps(void)
{
	char millis[1200], micros[1200];
	tmp_path("pqw_timestamps", "millis.parquet", millis, sizeof(millis));
	snprintf(micros, sizeof(micros), "%.*smicros.parquet", (int)(strlen(millis) - strlen("millis.parquet")), millis);
	write_times(millis, LL_TS_MILLIS);
	write_times(micros, LL_TS_MICROS);
	json_t *meta = interop_meta(millis);
	const json_t *s = meta ? interop_schema(meta, "ts") : NULL;
	if (s) {
		CHECK_META(s, "converted_type", "TIMESTAMP_MILLIS");
		CHECK(strstr(interop_str(s, "logical_type"), "isAdjustedToUTC=1"));
		CHECK(strstr(interop_str(s, "logical_type"), "MILLIS=MilliSeconds()"));
	}
	const json_t *c = meta ? interop_chunk(meta, 0, "ts") : NULL;
	if (c) {
		CHECK_META(c, "stats_min_value", "0001-01-01 00:00:00+00");
		CHECK_META(c, "stats_max_value", "9999-12-31 23:59:59.999+00");
	}
	json_decref(meta);
	meta = interop_meta(micros);
	s = meta ? interop_schema(meta, "ts") : NULL;
	if (s) {
		CHECK_META(s, "converted_type", "TIMESTAMP_MICROS");
		CHECK(strstr(interop_str(s, "logical_type"), "MICROS=MicroSeconds()"));
	}
	c = meta ? interop_chunk(meta, 0, "ts") : NULL;
	if (c)
		CHECK_META(c, "stats_max_value", "9999-12-31 23:59:59.999999+00");
	c = meta ? interop_chunk(meta, 0, "d") : NULL;
	if (c) {
		CHECK_META(c, "stats_min_value", "0001-01-01");
		CHECK_META(c, "stats_max_value", "9999-12-31");
	}
	json_decref(meta);
}

/* ---- strings: unicode, escapes, long values and the 64-byte statistics bound ---- */

static void put_text_row(ll_parquet_writer *w, json_t *rows, const char *text, size_t len)
{
	json_t *row = json_object();
	ll_parquet_writer_put_bytes(w, 0, text, len);
	json_object_set_new(row, "s", json_stringn(text, len));
	ll_parquet_writer_put_bytes(w, 1, text, len);
	json_object_set_new(row, "b", expect_hex(text, len));
	end_row(w);
	json_array_append_new(rows, row);
}

static void test_strings(void)
{
	char path[1200];
	tmp_path("pqw_strings", "strings.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = { spec("s", LL_TYPE_TEXT, true), spec("b", LL_TYPE_BINARY, true) };
	ll_parquet_writer *w = open_writer(path, cols, 2, NULL);
	if (!w)
		return;
	ll_error err;
	json_t *rows = json_array();
	char bound[70];
	/* row group 0: ASCII, the largest exactly 64 bytes: statistics kept */
	memset(bound, '~', sizeof(bound));
	const char *ascii[] = { "", "abc", "quote \" backslash \\ slash / newline \n tab \t" };
	for (size_t i = 0; i < 3; i++)
		put_text_row(w, rows, ascii[i], strlen(ascii[i]));
	/* the empty value again, found through the dictionary's table, not as the value put last */
	put_text_row(w, rows, ascii[0], 0);
	put_text_row(w, rows, bound, 64);
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
	/* row group 1: a 65-byte maximum: no statistics */
	put_text_row(w, rows, "abc", 3);
	put_text_row(w, rows, bound, 65);
	CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
	/* row group 2: unicode, control bytes, and values of 100 KiB and 1.5 MiB */
	const char *unicode[] = {
		"\xc5\xbc\xc3\xb3\xc5\x82w", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		"emoji \xf0\x9f\x98\x80\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
		"zero\xe2\x80\x8bwidth", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d RTL", "bell \x07 escape \x1b",
		"e\xcc\x81 combining",
	};
	for (size_t i = 0; i < sizeof(unicode) / sizeof(unicode[0]); i++)
		put_text_row(w, rows, unicode[i], strlen(unicode[i]));
	size_t big[] = { 100 * 1024, 1536 * 1024 };
	for (size_t i = 0; i < 2; i++) {
		char *text = malloc(big[i]);
		for (size_t k = 0; k < big[i]; k++)
			text[k] = (char)('a' + (k * 7 + i) % 26);
		put_text_row(w, rows, text, big[i]);
		free(text);
	}
	put_text_row(w, rows, unicode[0], strlen(unicode[0]));
	close_writer(w, json_array_size(rows), 3);
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	const json_t *c;
	if (meta && (c = interop_chunk(meta, 0, "s"))) {
		CHECK_META(c, "stats_min_value", "");
		CHECK_STR(interop_str(c, "stats_max_value"), "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"
							     "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~");
	}
	for (size_t rg = 1; meta && rg < 3; rg++) {
		if ((c = interop_chunk(meta, rg, "s"))) {
			CHECK_META(c, "stats_min_value", "(null)");
			CHECK_META(c, "stats_max_value", "(null)");
			CHECK_META(c, "stats_null_count", "0");
		}
	}
	/* a 1.5 MiB value does not fit a dictionary: that chunk has none */
	if (meta && (c = interop_chunk(meta, 2, "s")))
		CHECK_META(c, "encodings", "RLE, DELTA_LENGTH_BYTE_ARRAY");
	json_decref(meta);
}

/*
 * Byte arrays without a dictionary are DELTA_LENGTH_BYTE_ARRAY: lengths that
 * jump up and down (0 to 70000 bytes, so every miniblock width from 0 to 17
 * bits), pages of every value count across the 32-value miniblocks and
 * 128-value blocks, nulls, and a last page that holds nulls alone.
 */
static void test_delta_lengths(void)
{
	static const size_t lens[] = { 0, 1, 2, 31, 32, 33, 127, 128, 129, 1000, 5, 70000, 7, 7, 7 };
	char path[1200];
	tmp_path("pqw_delta_lengths", "delta.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = { spec("s", LL_TYPE_TEXT, true), spec("b", LL_TYPE_BINARY, true) };
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.disable_dictionary = true;
	opt.page_bytes = 8192;
	ll_parquet_writer *w = open_writer(path, cols, 2, &opt);
	if (!w)
		return;
	char *text = malloc(70000);
	for (size_t k = 0; k < 70000; k++)
		text[k] = (char)('a' + k % 26);
	json_t *rows = json_array();
	uint32_t x = 1;
	for (int i = 0; i < 3000; i++) {
		x = x * 1103515245u + 12345u;
		if (i % 7 == 3) {
			end_row(w);
			json_array_append_new(rows, json_pack("{s:n, s:n}", "s", "b"));
			continue;
		}
		/* mostly short values, so that most pages hold hundreds of them */
		size_t len = lens[(x >> 16) % (sizeof(lens) / sizeof(lens[0]))];
		len = len >= 1000 && (x >> 8) % 8 ? len % 97 : len;
		put_text_row(w, rows, text + i % 26, len > 70000 - 26 ? 70000 - 26 : len);
	}
	/* a value of a page's size, then nulls: the last page has no values */
	put_text_row(w, rows, text, 9000);
	for (int i = 0; i < 50; i++) {
		end_row(w);
		json_array_append_new(rows, json_pack("{s:n, s:n}", "s", "b"));
	}
	close_writer(w, json_array_size(rows), 1);
	free(text);
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	const json_t *c;
	if (meta && (c = interop_chunk(meta, 0, "b")))
		CHECK_META(c, "encodings", "RLE, DELTA_LENGTH_BYTE_ARRAY");
	json_decref(meta);
}

/* ---- adding columns ---- */

/*
 * Text bounds among values that share their first 8 bytes or are prefixes of
 * one another, where only the bytes past the 8th or the length decide, in a
 * dictionary chunk, a PLAIN one, and a dictionary chunk with an overwritten
 * value (whose bounds come from the indices).
 */
static void test_text_bounds(void)
{
	static const char *values[] = { "prefix00-b", "prefix00-a", "prefix00-c", "prefix00",
					"prefix00-bb", "prefix0", "prefix00-c0", "prefix",
					"prefix00-a", "prefix0" };
	char path[1200];
	tmp_path("pqw_text_bounds", "bounds.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = { spec("s", LL_TYPE_TEXT, false), spec("b", LL_TYPE_BINARY, false) };
	for (int mode = 0; mode < 3; mode++) {
		ll_parquet_writer_options opt;
		ll_parquet_writer_options_init(&opt);
		opt.disable_dictionary = mode == 1;
		ll_parquet_writer *w = open_writer(path, cols, 2, &opt);
		if (!w)
			return;
		json_t *rows = json_array();
		/* repeated, so that a dictionary pays */
		for (size_t i = 0; i < 50 * sizeof(values) / sizeof(values[0]); i++) {
			const char *v = values[i % (sizeof(values) / sizeof(values[0]))];
			if (mode == 2)
				ll_parquet_writer_put_bytes(w, 0, "zzz", 3);
			put_text_row(w, rows, v, strlen(v));
		}
		close_writer(w, json_array_size(rows), 1);
		interop_check_rows(path, rows);
		json_decref(rows);
		json_t *meta = interop_meta(path);
		const json_t *c;
		if (meta && (c = interop_chunk(meta, 0, "s"))) {
			CHECK_META(c, "stats_min_value", "prefix");
			CHECK_META(c, "stats_max_value", "prefix00-c0");
			CHECK_META(c, "encodings",
				   mode == 1 ? "DELTA_LENGTH_BYTE_ARRAY" : "PLAIN, RLE_DICTIONARY");
		}
		json_decref(meta);
	}
}

static void test_add_column(void)
{
	char path[1200];
	tmp_path("pqw_add_column", "added.parquet", path, sizeof(path));
	ll_parquet_column_spec id = spec("id", LL_TYPE_BIGINT, false);
	ll_parquet_writer *w = open_writer(path, &id, 1, NULL);
	if (!w)
		return;
	ll_error err;
	json_t *rows = json_array();
	for (int i = 0; i < 5; i++) {
		ll_parquet_writer_put_int64(w, 0, i);
		end_row(w);
		json_array_append_new(rows, json_pack("{s:i, s:n, s:n}", "id", i, "name", "score"));
	}
	size_t index = 0;
	ll_parquet_column_spec name = spec("name", LL_TYPE_TEXT, true);
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_add_column(w, &name, &index, &err), &err);
	CHECK_INT(index, 1);
	/* a required column cannot be added once rows are buffered: they would lack it */
	ll_parquet_column_spec must = spec("must", LL_TYPE_BIGINT, false);
	CHECK_INT(ll_parquet_writer_add_column(w, &must, &index, &err), LL_ESCHEMA);
	/* the same name twice is refused */
	CHECK_INT(ll_parquet_writer_add_column(w, &name, &index, &err), LL_EINVAL);
	ll_parquet_column_spec score = spec("score", LL_TYPE_DOUBLE, true);
	CHECK_OK(ll_parquet_writer_add_column(w, &score, &index, &err), &err);
	CHECK_INT(index, 2);
	CHECK_INT(ll_parquet_writer_column_count(w), 3);
	for (int i = 5; i < 10; i++) {
		char text[16];
		snprintf(text, sizeof(text), "n%d", i);
		ll_parquet_writer_put_int64(w, 0, i);
		ll_parquet_writer_put_bytes(w, 1, text, strlen(text));
		if (i % 2)
			ll_parquet_writer_put_double(w, 2, i + 0.5);
		end_row(w);
		json_array_append_new(rows, json_pack("{s:i, s:s, s:o}", "id", i, "name", text, "score",
						      i % 2 ? json_real(i + 0.5) : json_null()));
	}
	CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
	/* a written row group fixes the schema */
	ll_parquet_column_spec late = spec("late", LL_TYPE_TEXT, true);
	CHECK_INT(ll_parquet_writer_add_column(w, &late, &index, &err), LL_ECONFLICT);
	CHECK(strstr(err.message, "new file") != NULL);
	CHECK_INT(ll_parquet_writer_column_count(w), 3);
	ll_parquet_writer_put_int64(w, 0, 10);
	end_row(w);
	json_array_append_new(rows, json_pack("{s:i, s:n, s:n}", "id", 10, "name", "score"));
	close_writer(w, 11, 2);
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	const json_t *c;
	if (meta && (c = interop_chunk(meta, 0, "name")))
		CHECK_META(c, "stats_null_count", "5");
	json_decref(meta);
}

/* A writer that starts without columns and gets them before its first row. */
static void test_columns_added_before_rows(void)
{
	char path[1200];
	tmp_path("pqw_no_columns", "late.parquet", path, sizeof(path));
	ll_parquet_writer *w = open_writer(path, NULL, 0, NULL);
	if (!w)
		return;
	ll_error err;
	ll_error_clear(&err);
	size_t index = 9;
	ll_parquet_column_spec id = spec("id", LL_TYPE_BIGINT, false);
	CHECK_OK(ll_parquet_writer_add_column(w, &id, &index, &err), &err);
	CHECK_INT(index, 0);
	ll_parquet_writer_put_int64(w, 0, 42);
	end_row(w);
	close_writer(w, 1, 1);
	json_t *rows = json_pack("[{s:i}]", "id", 42);
	interop_check_rows(path, rows);
	json_decref(rows);
}

/* ---- rows that fail ---- */

static void test_row_errors(void)
{
	char path[1200];
	tmp_path("pqw_row_errors", "errors.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = { spec("id", LL_TYPE_BIGINT, false), spec("name", LL_TYPE_TEXT, true) };
	ll_parquet_writer *w = open_writer(path, cols, 2, NULL);
	if (!w)
		return;
	ll_error err;
	json_t *rows = json_array();
	/* a required column without a value */
	ll_parquet_writer_put_bytes(w, 1, "x", 1);
	ll_error_clear(&err);
	CHECK_INT(ll_parquet_writer_end_row(w, &err), LL_ESCHEMA);
	CHECK_STR(err.column_name, "id");
	CHECK(strstr(err.message, "id") != NULL);
	/* ... or with an explicit null */
	ll_parquet_writer_put_null(w, 0);
	CHECK_INT(ll_parquet_writer_end_row(w, &err), LL_ESCHEMA);
	/* a setter that does not match the column's type */
	ll_parquet_writer_put_int64(w, 0, 1);
	ll_parquet_writer_put_int64(w, 1, 5);
	ll_error_clear(&err);
	CHECK_INT(ll_parquet_writer_end_row(w, &err), LL_EINVAL);
	CHECK_STR(err.column_name, "name");
	CHECK(strstr(err.message, "put_int64") != NULL);
	/* a column index that does not exist */
	ll_parquet_writer_put_int64(w, 0, 1);
	ll_parquet_writer_put_double(w, 7, 1.0);
	CHECK_INT(ll_parquet_writer_end_row(w, &err), LL_EINVAL);
	/* flushing in the middle of a row */
	ll_parquet_writer_put_int64(w, 0, 1);
	CHECK_INT(ll_parquet_writer_flush_row_group(w, &err), LL_EINVAL);
	ll_parquet_writer_put_bytes(w, 1, "kept", 4);
	end_row(w);
	json_array_append_new(rows, json_pack("{s:i, s:s}", "id", 1, "name", "kept"));
	/* none of the failed rows counted */
	CHECK_INT(ll_parquet_writer_row_count(w), 1);
	ll_parquet_writer_put_int64(w, 0, 2);
	end_row(w);
	json_array_append_new(rows, json_pack("{s:i, s:n}", "id", 2, "name"));
	/* a row begun but never ended is not written */
	ll_parquet_writer_put_int64(w, 0, 3);
	close_writer(w, 2, 1);
	interop_check_rows(path, rows);
	json_decref(rows);
}

/*
 * Definition levels are settled by the puts and at the end of the row
 * group, not row by row: a column whose values are far apart, one whose
 * values stop early (and one row group where it has none), one added after
 * rows, an overwritten value and a value taken back by put_null, and a
 * failed row whose put settled the nulls before it. The rows read back and
 * every chunk's null count are those of levels written row by row.
 */
static void test_sparse_levels(void)
{
	char path[1200];
	tmp_path("pqw_sparse_levels", "sparse.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = { spec("id", LL_TYPE_BIGINT, false),
					  spec("rare", LL_TYPE_TEXT, true),
					  spec("early", LL_TYPE_BIGINT, true),
					  spec("flag", LL_TYPE_BOOL, true) };
	ll_parquet_writer *w = open_writer(path, cols, 4, NULL);
	if (!w)
		return;
	ll_error err;
	json_t *rows = json_array();
	for (int i = 0; i < 1000; i++) {
		if (i == 100) {
			ll_parquet_column_spec late = spec("late", LL_TYPE_TEXT, true);
			ll_error_clear(&err);
			CHECK_OK(ll_parquet_writer_add_column(w, &late, NULL, &err), &err);
		}
		if (i == 800) {
			/* a failed row: its puts settle the nulls of early since row 10 */
			ll_parquet_writer_put_int64(w, 2, -1);
			ll_parquet_writer_put_bytes(w, 1, "no", 2);
			CHECK_INT(ll_parquet_writer_end_row(w, &err), LL_ESCHEMA);
			CHECK_STR(err.column_name, "id");
		}
		json_t *row = json_pack("{s:i}", "id", i);
		ll_parquet_writer_put_int64(w, 0, i);
		bool rare = i % 300 == 0 || i == 700;
		if (i == 700)
			ll_parquet_writer_put_bytes(w, 1, "first", 5);
		if (rare)
			ll_parquet_writer_put_bytes(w, 1, "r", 1);
		json_object_set_new(row, "rare", rare ? json_string("r") : json_null());
		if (i < 10)
			ll_parquet_writer_put_int64(w, 2, i * 7);
		json_object_set_new(row, "early", i < 10 ? json_integer(i * 7) : json_null());
		if (i != 5)
			ll_parquet_writer_put_bool(w, 3, i % 2);
		json_object_set_new(row, "flag", i != 5 ? json_boolean(i % 2) : json_null());
		bool late = i >= 100 && i % 3 == 0;
		if (late)
			ll_parquet_writer_put_bytes(w, 4, "l", 1);
		if (i == 702)
			ll_parquet_writer_put_null(w, 4);
		if (i >= 100)
			json_object_set_new(row, "late", late && i != 702 ? json_string("l") : json_null());
		else
			json_object_set_new(row, "late", json_null());
		end_row(w);
		json_array_append_new(rows, row);
		if (i == 599) {
			ll_error_clear(&err);
			CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
		}
	}
	close_writer(w, 1000, 2);
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	static const struct {
		size_t rg;
		const char *col, *nulls;
	} want[] = {
		{ 0, "id", "0" },     { 0, "rare", "598" }, { 0, "early", "590" },
		{ 0, "flag", "1" },   { 0, "late", "434" }, { 1, "id", "0" },
		{ 1, "rare", "397" }, { 1, "early", "400" }, { 1, "flag", "0" },
		{ 1, "late", "267" },
	};
	for (size_t k = 0; meta && k < sizeof(want) / sizeof(want[0]); k++) {
		const json_t *c = interop_chunk(meta, want[k].rg, want[k].col);
		if (c)
			CHECK_META(c, "stats_null_count", want[k].nulls);
	}
	json_decref(meta);
}

/*
 * A row that fails at a required column late in the schema leaves the
 * columns before it as they were: a null there that would have been the
 * chunk's first gives its definition levels back, and the rows read back,
 * their null counts and the buffered size show nothing of the failed rows.
 */
static void test_failed_row_leaves_levels(void)
{
	char path[1200];
	tmp_path("pqw_failed_levels", "levels.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = { spec("a", LL_TYPE_TEXT, true), spec("b", LL_TYPE_BIGINT, true),
					  spec("c", LL_TYPE_BIGINT, false) };
	/* PLAIN, so the buffered size is the values and levels alone (a dictionary
	 * keeps the entries a failed row added) */
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.disable_dictionary = true;
	ll_parquet_writer *w = open_writer(path, cols, 3, &opt);
	if (!w)
		return;
	ll_error err;
	json_t *rows = json_array();
	ll_parquet_writer_put_bytes(w, 0, "x", 1);
	ll_parquet_writer_put_int64(w, 1, 1);
	ll_parquet_writer_put_int64(w, 2, 1);
	end_row(w);
	json_array_append_new(rows, json_pack("{s:s, s:i, s:i}", "a", "x", "b", 1, "c", 1));
	size_t before = ll_parquet_writer_buffered_bytes(w);
	/* a's first null and b's value, then c is missing */
	ll_parquet_writer_put_null(w, 0);
	ll_parquet_writer_put_int64(w, 1, 2);
	CHECK_INT(ll_parquet_writer_end_row(w, &err), LL_ESCHEMA);
	CHECK_STR(err.column_name, "c");
	CHECK_INT(ll_parquet_writer_buffered_bytes(w), before);
	/* now b has levels: its first null */
	ll_parquet_writer_put_bytes(w, 0, "y", 1);
	ll_parquet_writer_put_int64(w, 2, 3);
	end_row(w);
	json_array_append_new(rows, json_pack("{s:s, s:n, s:i}", "a", "y", "b", "c", 3));
	/* a's first null again, b's second, and c missing: both are taken back */
	before = ll_parquet_writer_buffered_bytes(w);
	ll_parquet_writer_put_null(w, 1);
	CHECK_INT(ll_parquet_writer_end_row(w, &err), LL_ESCHEMA);
	CHECK_INT(ll_parquet_writer_buffered_bytes(w), before);
	/* and a value next to b's levels */
	ll_parquet_writer_put_bytes(w, 0, "z", 1);
	ll_parquet_writer_put_int64(w, 1, 5);
	CHECK_INT(ll_parquet_writer_end_row(w, &err), LL_ESCHEMA);
	CHECK_INT(ll_parquet_writer_buffered_bytes(w), before);
	ll_parquet_writer_put_bytes(w, 0, "z", 1);
	ll_parquet_writer_put_int64(w, 1, 5);
	ll_parquet_writer_put_int64(w, 2, 5);
	end_row(w);
	json_array_append_new(rows, json_pack("{s:s, s:i, s:i}", "a", "z", "b", 5, "c", 5));
	close_writer(w, 3, 1);
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	const json_t *c;
	if ((c = interop_chunk(meta, 0, "a")))
		CHECK_META(c, "stats_null_count", "0");
	if ((c = interop_chunk(meta, 0, "b")))
		CHECK_META(c, "stats_null_count", "1");
	json_decref(meta);
}

static void test_bad_columns(void)
{
	char path[1200];
	tmp_path("pqw_bad_columns", "bad.parquet", path, sizeof(path));
	ll_parquet_writer *w = NULL;
	ll_error err;
	ll_parquet_column_spec time = spec("t", LL_TYPE_TIME, true);
	ll_error_clear(&err);
	CHECK_INT(ll_parquet_writer_open(&w, path, &time, 1, NULL, &err), LL_ETERMINAL);
	CHECK(strstr(err.message, "text or timestamp") != NULL);
	CHECK(w == NULL);
	ll_parquet_column_spec decs[] = { decimal_spec("d0", 0, 0), decimal_spec("d39", 39, 2),
					  decimal_spec("neg", 10, -1), decimal_spec("big", 5, 6) };
	for (size_t i = 0; i < 4; i++)
		CHECK_INT(ll_parquet_writer_open(&w, path, &decs[i], 1, NULL, &err), LL_EINVAL);
	ll_parquet_column_spec twice[] = { spec("a", LL_TYPE_TEXT, true), spec("a", LL_TYPE_BIGINT, true) };
	CHECK_INT(ll_parquet_writer_open(&w, path, twice, 2, NULL, &err), LL_EINVAL);
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.codec = (ll_parquet_codec)42;
	CHECK_INT(ll_parquet_writer_open(&w, path, twice, 1, &opt, &err), LL_EINVAL);
	CHECK_INT(ll_parquet_writer_open(&w, "/nonexistent-dir/x.parquet", twice, 1, NULL, &err), LL_EIO);
	CHECK(!ll_fs_exists(path));
	/* time is refused when added later, too */
	w = open_writer(path, twice, 1, NULL);
	if (!w)
		return;
	size_t index;
	CHECK_INT(ll_parquet_writer_add_column(w, &time, &index, &err), LL_ETERMINAL);
	ll_parquet_writer_abort(w);
}

/* ---- a second put in a row replaces the first ---- */

static void test_overwrite(void)
{
	char path[1200];
	tmp_path("pqw_overwrite", "overwrite.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = { spec("n", LL_TYPE_BIGINT, true), spec("s", LL_TYPE_TEXT, true),
					  spec("p", LL_TYPE_TEXT, true) };
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	ll_parquet_writer *w = open_writer(path, cols, 3, &opt);
	if (!w)
		return;
	json_t *rows = json_array();
	for (int i = 0; i < 6; i++) {
		/* the replaced values are the extremes, so stale statistics would show */
		ll_parquet_writer_put_int64(w, 0, -1000);
		ll_parquet_writer_put_int64(w, 0, i);
		ll_parquet_writer_put_bytes(w, 1, "zzz", 3);
		if (i == 2) {
			ll_parquet_writer_put_null(w, 1);
		} else {
			ll_parquet_writer_put_bytes(w, 1, i % 2 ? "b" : "a", 1);
		}
		ll_parquet_writer_put_null(w, 2);
		ll_parquet_writer_put_bytes(w, 2, "plain", 5);
		end_row(w);
		json_array_append_new(rows, json_pack("{s:i, s:o, s:s}", "n", i, "s",
						      i == 2 ? json_null() : json_string(i % 2 ? "b" : "a"),
						      "p", "plain"));
	}
	close_writer(w, 6, 1);
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	const json_t *c;
	if (meta && (c = interop_chunk(meta, 0, "n"))) {
		CHECK_META(c, "stats_min_value", "0");
		CHECK_META(c, "stats_max_value", "5");
	}
	if (meta && (c = interop_chunk(meta, 0, "s"))) {
		CHECK_META(c, "stats_min_value", "a");
		CHECK_META(c, "stats_max_value", "b");
		CHECK_META(c, "stats_null_count", "1");
	}
	json_decref(meta);
}

/* ---- files without rows ---- */

static void test_empty_file(void)
{
	char path[1200], tmp[1300];
	tmp_path("pqw_empty", "empty.parquet", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ll_parquet_column_spec cols[] = { spec("id", LL_TYPE_BIGINT, false), spec("s", LL_TYPE_TEXT, true),
					  decimal_spec("d", 20, 2), spec("ts", LL_TYPE_TIMESTAMP, true) };
	ll_parquet_writer *w = open_writer(path, cols, 4, NULL);
	if (!w)
		return;
	/* until close, only the temporary file exists */
	CHECK(ll_fs_exists(tmp));
	CHECK(!ll_fs_exists(path));
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
	CHECK_INT(ll_parquet_writer_buffered_bytes(w), 0);
	close_writer(w, 0, 0);
	CHECK(ll_fs_exists(path));
	CHECK(!ll_fs_exists(tmp));
	json_t *rows = json_array();
	interop_check_rows(path, rows);
	json_decref(rows);
	json_t *meta = interop_meta(path);
	if (meta) {
		CHECK_META(json_object_get(meta, "file"), "num_rows", "0");
		CHECK_META(json_object_get(meta, "file"), "num_row_groups", "0");
		CHECK_INT(json_array_size(json_object_get(meta, "schema")), 5);
	}
	json_decref(meta);
}

static void test_abort_removes_file(void)
{
	char path[1200], tmp[1300];
	tmp_path("pqw_abort", "aborted.parquet", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ll_parquet_column_spec col = spec("id", LL_TYPE_BIGINT, true);
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.row_group_bytes = 1024;
	ll_parquet_writer *w = open_writer(path, &col, 1, &opt);
	if (!w)
		return;
	for (int i = 0; i < 10000; i++) {
		ll_parquet_writer_put_int64(w, 0, i);
		end_row(w);
	}
	CHECK(ll_fs_exists(tmp));
	ll_parquet_writer_abort(w);
	CHECK(!ll_fs_exists(tmp));
	CHECK(!ll_fs_exists(path));
}

/* ---- every codec ---- */

static void test_codecs(void)
{
	static const struct {
		ll_parquet_codec codec;
		const char *name;
	} codecs[] = { { LL_CODEC_UNCOMPRESSED, "UNCOMPRESSED" }, { LL_CODEC_SNAPPY, "SNAPPY" },
		       { LL_CODEC_GZIP, "GZIP" }, { LL_CODEC_ZSTD, "ZSTD" } };
	char dir[1024];
	ll_test_tmpdir("pqw_codecs", dir, sizeof(dir));
	ll_parquet_column_spec cols[] = { spec("id", LL_TYPE_BIGINT, false), spec("s", LL_TYPE_TEXT, true),
					  spec("x", LL_TYPE_DOUBLE, true), spec("b", LL_TYPE_BOOL, true) };
	for (size_t k = 0; k < 4; k++) {
		char path[1200];
		snprintf(path, sizeof(path), "%s/%s.parquet", dir, codecs[k].name);
		ll_parquet_writer_options opt;
		ll_parquet_writer_options_init(&opt);
		opt.codec = codecs[k].codec;
		opt.page_bytes = 4096;
		opt.compression_level = k == 3 ? 3 : 0;
		ll_parquet_writer *w = open_writer(path, cols, 4, &opt);
		if (!w)
			return;
		json_t *rows = json_array();
		for (int i = 0; i < 3000; i++) {
			char text[32];
			snprintf(text, sizeof(text), "value %d", i % 17);
			ll_parquet_writer_put_int64(w, 0, i);
			if (i % 10)
				ll_parquet_writer_put_bytes(w, 1, text, strlen(text));
			ll_parquet_writer_put_double(w, 2, i * 0.5);
			ll_parquet_writer_put_bool(w, 3, i % 3 == 1);
			end_row(w);
			json_array_append_new(rows, json_pack("{s:i, s:o, s:f, s:b}", "id", i, "s",
							      i % 10 ? json_string(text) : json_null(), "x",
							      i * 0.5, "b", i % 3 == 1));
		}
		close_writer(w, 3000, 1);
		interop_check_rows(path, rows);
		json_decref(rows);
		json_t *meta = interop_meta(path);
		for (size_t c = 0; meta && c < 4; c++) {
			const json_t *ch = interop_chunk(meta, 0, cols[c].name);
			if (ch)
				CHECK_META(ch, "compression", codecs[k].name);
		}
		json_decref(meta);
	}
	ll_parquet_codec parsed;
	CHECK(ll_parquet_codec_parse("zstd", &parsed) && parsed == LL_CODEC_ZSTD);
	CHECK(!ll_parquet_codec_parse("lzo", &parsed));
}

/* ---- the memory the caller budgets ---- */

static void test_buffered_bytes(void)
{
	char path[1200];
	tmp_path("pqw_buffered", "buffered.parquet", path, sizeof(path));
	ll_parquet_column_spec cols[] = { spec("n", LL_TYPE_BIGINT, false), spec("s", LL_TYPE_TEXT, true) };
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.disable_dictionary = true;
	opt.row_group_bytes = 100000;
	ll_parquet_writer *w = open_writer(path, cols, 2, &opt);
	if (!w)
		return;
	CHECK_INT(ll_parquet_writer_buffered_bytes(w), 0);
	/* PLAIN: 8 bytes per bigint, 4 + length per string */
	ll_parquet_writer_put_int64(w, 0, 1);
	ll_parquet_writer_put_bytes(w, 1, "hello", 5);
	end_row(w);
	CHECK_INT(ll_parquet_writer_buffered_bytes(w), 8 + 9);
	/* a second put in a row replaces the first, in the count too */
	ll_parquet_writer_put_int64(w, 0, 2);
	ll_parquet_writer_put_bytes(w, 1, "a much longer value", 19);
	ll_parquet_writer_put_bytes(w, 1, "hi", 2);
	end_row(w);
	CHECK_INT(ll_parquet_writer_buffered_bytes(w), 2 * 8 + 9 + 6);
	/* the first null adds a definition level per row so far */
	ll_parquet_writer_put_int64(w, 0, 3);
	end_row(w);
	CHECK_INT(ll_parquet_writer_buffered_bytes(w), 3 * 8 + 9 + 6 + 3);
	/* the row group is flushed once the budget is reached, and the count starts over */
	size_t max = 0;
	for (int i = 0; i < 20000; i++) {
		ll_parquet_writer_put_int64(w, 0, i);
		ll_parquet_writer_put_bytes(w, 1, "0123456789", 10);
		end_row(w);
		size_t now = ll_parquet_writer_buffered_bytes(w);
		max = now > max ? now : max;
	}
	CHECK(max < 100000);
	CHECK(max > 100000 - 100);
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
	CHECK_INT(ll_parquet_writer_buffered_bytes(w), 0);
	ll_parquet_file_info info = { 0, 0, 0 };
	CHECK_OK(ll_parquet_writer_close(w, &info, &err), &err);
	CHECK_INT(info.rows, 20003);
	CHECK(info.row_groups >= 4);
	uint64_t size = 0;
	int64_t mtime;
	CHECK_OK(ll_fs_stat(path, &size, &mtime, &err), &err);
	CHECK_INT(info.file_size, size);
}

LL_TEST_MAIN(LL_TEST(test_types_and_nulls), LL_TEST(test_write_row), LL_TEST(test_double_stats), LL_TEST(test_decimals),
	     LL_TEST(test_timestamps), LL_TEST(test_strings), LL_TEST(test_text_bounds),
	     LL_TEST(test_delta_lengths),
	     LL_TEST(test_add_column),
	     LL_TEST(test_columns_added_before_rows), LL_TEST(test_row_errors),
	     LL_TEST(test_failed_row_leaves_levels), LL_TEST(test_sparse_levels),
	     LL_TEST(test_bad_columns), LL_TEST(test_overwrite), LL_TEST(test_empty_file),
	     LL_TEST(test_abort_removes_file), LL_TEST(test_codecs), LL_TEST(test_buffered_bytes))
