/*
 * The embedded engine over the reference Parquet files in shared/testdata
 * (written by DuckDB), through a test provider that plays the catalog:
 * values and types, projection, row-group pruning (asserted through the
 * scan statistics), aggregates, datasets as schemas, quoted identifiers,
 * errors, schema evolution, tables wider than SQLite allows, printing.
 */
#include <jansson.h>
#include <math.h>

#include "engine/engine.h"
#include "test.h"
#include "util/buf.h"

/* ---- the test lake -------------------------------------------------------- */

#define TYPES_COLUMNS                                                                  \
	{ "i32", LL_TYPE_BIGINT, 0, 0, LL_TS_MICROS },                                 \
		{ "i64", LL_TYPE_BIGINT, 0, 0, LL_TS_MICROS },                         \
		{ "dbl", LL_TYPE_DOUBLE, 0, 0, LL_TS_MICROS },                         \
		{ "flag", LL_TYPE_BOOL, 0, 0, LL_TS_MICROS },                          \
		{ "txt", LL_TYPE_TEXT, 0, 0, LL_TS_MICROS },                           \
		{ "d", LL_TYPE_DATE, 0, 0, LL_TS_MICROS },                             \
		{ "ts_us", LL_TYPE_TIMESTAMP, 0, 0, LL_TS_MICROS },                    \
		{ "dec18", LL_TYPE_DECIMAL, 18, 3, LL_TS_MICROS },                     \
		{ "dec38", LL_TYPE_DECIMAL, 38, 9, LL_TS_MICROS },                     \
		{ "bin", LL_TYPE_BINARY, 0, 0, LL_TS_MICROS }

static const ll_engine_column types_cols[] = { TYPES_COLUMNS };
/* the same table after two loads added columns the file does not have */
static const ll_engine_column evolved_cols[] = { TYPES_COLUMNS,
						 { "extra", LL_TYPE_TEXT, 0, 0, LL_TS_MICROS },
						 { "score", LL_TYPE_BIGINT, 0, 0, LL_TS_MICROS } };
static const ll_engine_column dict_cols[] = { { "id", LL_TYPE_BIGINT, 0, 0, LL_TS_MICROS },
					      { "cat", LL_TYPE_TEXT, 0, 0, LL_TS_MICROS },
					      { "small", LL_TYPE_BIGINT, 0, 0, LL_TS_MICROS } };
/* two names SQLite takes for the same column */
static const ll_engine_column dup_cols[] = { { "i32", LL_TYPE_BIGINT, 0, 0, LL_TS_MICROS },
					     { "I32", LL_TYPE_BIGINT, 0, 0, LL_TS_MICROS } };
static const ll_engine_column ts_cols[] = { { "id", LL_TYPE_BIGINT, 0, 0, LL_TS_MICROS },
					    { "ts_ms", LL_TYPE_TIMESTAMP, 0, 0, LL_TS_MILLIS },
					    { "s", LL_TYPE_TEXT, 0, 0, LL_TS_MICROS } };

#define WIDE_EXTRA 2100

typedef struct test_lake {
	char snappy[1024], zstd[1024], dict[1024], ts[1024], empty[1024], readme[1024];
	const char *events_files[1], *events2_files[2], *dict_files[1], *ts_files[1],
		*empty_files[1], *broken_files[1], *missing_files[1];
	ll_engine_column wide_cols[10 + WIDE_EXTRA];
	ll_engine_column medium_cols[70 + 10]; /* the real columns after colUsed's 63 bits */
	char wide_names[WIDE_EXTRA][8];
	ll_engine_table tables[16];
	size_t ntables;
	int listed, freed;
	bool fail_listing;
} test_lake;

static test_lake lake;

static void add_table(const char *dataset, const char *name, const ll_engine_column *cols,
		      size_t ncols, const char **files, size_t nfiles, uint64_t rows)
{
	lake.tables[lake.ntables++] = (ll_engine_table){ dataset, name, cols, ncols,
							 files, nfiles, rows, NULL, NULL };
}

static void lake_init(void)
{
	if (lake.ntables)
		return;
	ll_testdata("parquet/types_snappy.parquet", lake.snappy, sizeof(lake.snappy));
	ll_testdata("parquet/types_zstd.parquet", lake.zstd, sizeof(lake.zstd));
	ll_testdata("parquet/dictionary_100k.parquet", lake.dict, sizeof(lake.dict));
	ll_testdata("parquet/timestamp_ms_gzip.parquet", lake.ts, sizeof(lake.ts));
	ll_testdata("parquet/empty.parquet", lake.empty, sizeof(lake.empty));
	ll_testdata("parquet/README.md", lake.readme, sizeof(lake.readme));
	lake.events_files[0] = lake.snappy;
	lake.events2_files[0] = lake.snappy;
	lake.events2_files[1] = lake.zstd;
	lake.dict_files[0] = lake.dict;
	lake.ts_files[0] = lake.ts;
	lake.empty_files[0] = lake.empty;
	lake.broken_files[0] = lake.readme;
	lake.missing_files[0] = "/nonexistent/lake/file.parquet";
	memcpy(lake.wide_cols, types_cols, sizeof(types_cols));
	for (size_t i = 0; i < WIDE_EXTRA; i++) {
		snprintf(lake.wide_names[i], sizeof(lake.wide_names[i]), "c%04zu", i);
		lake.wide_cols[10 + i] = (ll_engine_column){ lake.wide_names[i], LL_TYPE_TEXT, 0, 0,
							     LL_TS_MICROS };
	}
	for (size_t i = 0; i < 70; i++)
		lake.medium_cols[i] = lake.wide_cols[10 + i];
	memcpy(lake.medium_cols + 70, types_cols, sizeof(types_cols));
	add_table("shop", "events", types_cols, 10, lake.events_files, 1, 1000);
	add_table("shop", "events2", types_cols, 10, lake.events2_files, 2, 2000);
	add_table("shop", "evolved", evolved_cols, 12, lake.events_files, 1, 1000);
	add_table("shop", "wide", lake.wide_cols, 10 + WIDE_EXTRA, lake.events_files, 1, 1000);
	add_table("shop", "medium", lake.medium_cols, 80, lake.events_files, 1, 1000);
	add_table("shop", "empty", types_cols, 10, lake.empty_files, 1, 0);
	add_table("shop", "broken", types_cols, 10, lake.broken_files, 1, 0);
	add_table("shop", "gone", types_cols, 10, lake.missing_files, 1, 0);
	add_table("web", "dict", dict_cols, 3, lake.dict_files, 1, 100000);
	add_table("web", "ts", ts_cols, 3, lake.ts_files, 1, 0);
	add_table("odd", "dup", dup_cols, 2, lake.events_files, 1, 0);
}

static ll_status list_tables(void *ctx, ll_engine_table **tables, size_t *n, ll_error *err)
{
	test_lake *l = ctx;
	if (l->fail_listing)
		return ll_error_set(err, LL_EIO, "catalog unavailable");
	l->listed++;
	*tables = l->tables;
	*n = l->ntables;
	return LL_OK;
}

static void free_tables(void *ctx, ll_engine_table *tables, size_t n)
{
	test_lake *l = ctx;
	(void)tables, (void)n;
	l->freed++;
}

static ll_engine *engine_new(void)
{
	lake_init();
	ll_engine_provider provider = { &lake, list_tables, free_tables, NULL, NULL };
	ll_engine *e = NULL;
	ll_error err = { 0 };
	CHECK_OK(ll_engine_open(&e, &provider, &err), &err);
	return e;
}

/* ---- collecting results --------------------------------------------------- */

typedef struct rows_text {
	ll_buf text;
	size_t rows;
	size_t stop_after; /* 0: never */
} rows_text;

static int collect_row(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	rows_text *r = user;
	(void)names;
	for (size_t i = 0; i < ncols; i++) {
		const ll_cell *c = &cells[i];
		if (i)
			ll_buf_putc(&r->text, '|');
		if (c->kind == LL_CELL_NULL)
			ll_buf_puts(&r->text, "NULL");
		else if (c->kind == LL_CELL_INT)
			ll_buf_printf(&r->text, "%lld", (long long)c->i);
		else if (c->kind == LL_CELL_REAL)
			ll_buf_printf(&r->text, "%.15g", c->d);
		else if (c->kind == LL_CELL_TEXT)
			ll_buf_append(&r->text, c->s, c->len);
		else
			for (size_t k = 0; k < c->len; k++)
				ll_buf_printf(&r->text, "%02X", (unsigned char)c->s[k]);
	}
	ll_buf_putc(&r->text, '\n');
	r->rows++;
	return r->stop_after && r->rows >= r->stop_after;
}

/* Runs sql; returns its rows as "a|b\n" lines (caller frees), or NULL on failure. */
static char *query(ll_engine *e, const char *sql, ll_error *err)
{
	rows_text r = { LL_BUF_INIT, 0, 0 };
	ll_status st = ll_engine_query(e, sql, collect_row, &r, err);
	if (st != LL_OK) {
		ll_buf_free(&r.text);
		return NULL;
	}
	char *text = ll_buf_detach(&r.text);
	return text ? text : strdup("");
}

static char *query_ok(ll_engine *e, const char *sql)
{
	ll_error err = { 0 };
	char *rows = query(e, sql, &err);
	if (!rows) {
		char m[2048];
		fprintf(stderr, "query failed: %s\n  %s\n", sql, ll_error_format(&err, m, sizeof(m)));
		ll_test_failures++;
	}
	return rows;
}

#define CHECK_ROWS(e, sql, expected)                   \
	do {                                           \
		char *rows_ = query_ok((e), (sql));    \
		if (rows_)                             \
			CHECK_STR(rows_, (expected));  \
		free(rows_);                           \
	} while (0)

static const ll_engine_stats *stats(ll_engine *e)
{
	return ll_engine_last_stats(e);
}

/* ---- values ---------------------------------------------------------------- */

typedef struct expect_ctx {
	json_t *rows;
	size_t n;
	int mismatches;
} expect_ctx;

/* DuckDB's expected files write timestamps as ISO with 'T' and 'Z'; the engine as SQL text. */
static bool cell_matches(const json_t *v, const ll_cell *c)
{
	char hex[64];
	switch (json_typeof(v)) {
	case JSON_NULL:
		return c->kind == LL_CELL_NULL;
	case JSON_TRUE:
	case JSON_FALSE:
		return c->kind == LL_CELL_INT && c->i == json_is_true(v);
	case JSON_INTEGER:
		return c->kind == LL_CELL_INT && c->i == json_integer_value(v);
	case JSON_REAL:
		return c->kind == LL_CELL_REAL && c->d == json_real_value(v);
	case JSON_STRING:
		break;
	default:
		return false;
	}
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (c->kind == LL_CELL_BLOB) {
		if (c->len * 2 != len || c->len * 2 >= sizeof(hex))
			return false;
		for (size_t k = 0; k < c->len; k++)
			snprintf(hex + 2 * k, 3, "%02X", (unsigned char)c->s[k]);
		return memcmp(hex, s, len) == 0;
	}
	if (c->kind != LL_CELL_TEXT)
		return false;
	if (len > 20 && s[10] == 'T' && s[len - 1] == 'Z')
		return c->len == len - 1 && memcmp(c->s, s, 10) == 0 && c->s[10] == ' ' &&
		       memcmp(c->s + 11, s + 11, len - 12) == 0;
	return c->len == len && memcmp(c->s, s, len) == 0;
}

static int check_expected_row(void *user, size_t ncols, const char *const *names,
			      const ll_cell *cells)
{
	expect_ctx *x = user;
	json_t *row = json_array_get(x->rows, x->n++ % json_array_size(x->rows));
	for (size_t i = 0; i < ncols; i++) {
		json_t *v = json_object_get(row, names[i]);
		if (v && cell_matches(v, &cells[i]))
			continue;
		if (x->mismatches++ < 5)
			fprintf(stderr, "row %zu column %s differs from the expected file\n", x->n - 1,
				names[i]);
	}
	return 0;
}

static json_t *load_expected(const char *name)
{
	char path[1024];
	json_error_t jerr;
	json_t *rows = json_load_file(ll_testdata(name, path, sizeof(path)), 0, &jerr);
	if (!rows)
		fprintf(stderr, "%s: %s\n", path, jerr.text);
	CHECK(rows != NULL);
	return rows;
}

static void test_select_star_matches_expected(void)
{
	ll_engine *e = engine_new();
	ll_error err = { 0 };
	expect_ctx x = { load_expected("parquet/types.expected.json"), 0, 0 };
	if (!x.rows)
		return;
	CHECK_OK(ll_engine_query(e, "SELECT * FROM shop.events", check_expected_row, &x, &err),
		 &err);
	CHECK_INT(x.n, 1000);
	CHECK_INT(x.mismatches, 0);
	CHECK_INT(stats(e)->files_opened, 1);
	CHECK_INT(stats(e)->row_groups_scanned, 1);
	CHECK_INT(stats(e)->row_groups_skipped, 0);
	CHECK_INT(stats(e)->fields_decoded, 10);
	CHECK_INT(stats(e)->rows_scanned, 1000);
	/* two files (snappy and zstd, one row group each) read as one table */
	x.n = 0;
	CHECK_OK(ll_engine_query(e, "SELECT * FROM shop.events2", check_expected_row, &x, &err),
		 &err);
	CHECK_INT(x.n, 2000);
	CHECK_INT(x.mismatches, 0);
	CHECK_INT(stats(e)->files_opened, 2);
	CHECK_INT(stats(e)->row_groups_scanned, 2);
	json_decref(x.rows);
	CHECK_INT(lake.listed, lake.freed);
	ll_engine_free(e);
}

static void test_value_types(void)
{
	ll_engine *e = engine_new();
	CHECK_ROWS(e,
		   "SELECT i32, typeof(i64), dbl, flag, txt, d, ts_us, dec18, dec38, hex(bin)"
		   " FROM shop.events WHERE i32 IN (3, 7)",
		   "3|integer|1|0|row 3 żółw 😀|2020-03-02|2024-03-10 04:59:59.123456|37037.034|"
		   "4.500000000|0003\n"
		   "7|integer|NULL|0|row 7|2020-03-06|2024-03-10 08:59:59.123456|86419.746|"
		   "10.500000000|0007\n");
	CHECK_ROWS(e, "SELECT typeof(dbl), typeof(flag), typeof(d), typeof(bin), typeof(dec18)"
		      " FROM shop.events WHERE i32 = 1",
		   "real|integer|text|blob|text\n");
	/* date functions work on the text form */
	CHECK_ROWS(e, "SELECT strftime('%Y-%m', ts_us), date(d, '+1 day') FROM shop.events"
		      " WHERE i32 = 0",
		   "2024-03|2020-02-29\n");
	/* millisecond columns show three digits; times before 1970 round down */
	CHECK_ROWS(e, "SELECT id, ts_ms, s FROM web.ts WHERE id < 3",
		   "0|1969-12-31 23:59:58.500|v0\n1|1970-01-01 00:00:00.000|v1\n"
		   "2|1970-01-01 00:00:01.500|v2\n");
	CHECK_ROWS(e, "SELECT count(*) FROM shop.empty", "0\n");
	ll_engine_free(e);
}

static void test_projection_decodes_used_columns(void)
{
	ll_engine *e = engine_new();
	CHECK_ROWS(e, "SELECT count(txt), count(*) FROM shop.events", "800|1000\n");
	CHECK_INT(stats(e)->fields_decoded, 1);
	CHECK_ROWS(e, "SELECT count(*) FROM shop.events", "1000\n");
	CHECK_INT(stats(e)->fields_decoded, 0);
	CHECK_INT(stats(e)->rows_scanned, 1000);
	CHECK_ROWS(e, "SELECT sum(i32 * 2) FROM shop.events WHERE flag", "499000\n");
	CHECK_INT(stats(e)->fields_decoded, 2);
	ll_engine_free(e);
}

/* ---- pruning --------------------------------------------------------------- */

typedef struct prune_case {
	const char *sql;
	const char *rows;
	int scanned, skipped, files_skipped;
} prune_case;

/* types_snappy: one row group of 1000 rows sorted by i32, d, ts_us (DuckDB wrote one group
 * despite the README's 300), so its cases prune whole files; web.dict's four row groups
 * prune within a file. */
static const prune_case prune_cases[] = {
	{ "SELECT count(*) FROM shop.events WHERE i32 < 10", "10\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 >= 900", "100\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 > 899", "100\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 <= 299", "300\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 = 450", "1\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 BETWEEN 250 AND 350", "101\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE 10 > i32", "10\n", 1, 0, 0 },
	/* a text constant meets a bigint column as a number, as SQLite compares */
	{ "SELECT count(*) FROM shop.events WHERE i32 < '10'", "10\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 < 10.5", "11\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 > 998.5", "1\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 = 'abc'", "0\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 = NULL", "0\n", 0, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE i32 < 0", "0\n", 0, 1, 1 },
	{ "SELECT count(*) FROM shop.events WHERE dbl > 1000", "0\n", 0, 1, 1 },
	{ "SELECT count(*) FROM shop.events WHERE dbl < 1", "2\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE dbl <= 1", "3\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE flag = 1", "500\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE txt IS NULL", "200\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE dbl IS NOT NULL", "857\n", 1, 0, 0 },
	/* text compares bytewise; every value starts with "row" */
	{ "SELECT count(*) FROM shop.events WHERE txt < 'a'", "0\n", 0, 1, 1 },
	{ "SELECT count(*) FROM shop.events WHERE txt > 's'", "0\n", 0, 1, 1 },
	/* NOCASE is not the statistics' order: no pruning, same answer */
	{ "SELECT count(*) FROM shop.events WHERE txt > 'S' COLLATE NOCASE", "0\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE d < '2020-03-01'", "2\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE d = '2022-11-23'", "1\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE ts_us >= '2024-04-20'", "17\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE ts_us < '2024-03-10 02:00'", "1\n", 1, 0, 0 },
	/* 'T' sorts after ' ': SQLite finds the whole first day below this, and so do we */
	{ "SELECT count(*) FROM shop.events WHERE ts_us < '2024-03-10T00:00:00'", "23\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.events WHERE bin < x'0100'", "256\n", 1, 0, 0 },
	/* decimals are text whose order is not numeric: never pruned */
	{ "SELECT count(*) FROM shop.events WHERE dec18 < '1'", "1\n", 1, 0, 0 },
	{ "SELECT count(*) FROM web.ts WHERE ts_ms < '1970-01-01 00:00:01'", "2\n", 1, 0, 0 },
	{ "SELECT count(*) FROM web.ts WHERE ts_ms < '1969'", "0\n", 0, 1, 1 },
	/* the file has no extra or score column: NULL everywhere, whole file skipped */
	{ "SELECT count(*) FROM shop.evolved WHERE extra = 'x'", "0\n", 0, 1, 1 },
	{ "SELECT count(*) FROM shop.evolved WHERE score IS NOT NULL", "0\n", 0, 1, 1 },
	{ "SELECT count(*) FROM shop.evolved WHERE extra IS NULL", "1000\n", 1, 0, 0 },
	{ "SELECT count(*) FROM shop.evolved WHERE extra IS NULL AND i32 < 5", "5\n", 1, 0, 0 },
	{ "SELECT count(*) FROM web.dict WHERE id < 1000", "1000\n", 1, 3, 0 },
};

static void test_pruning(void)
{
	ll_engine *e = engine_new();
	for (size_t i = 0; i < sizeof(prune_cases) / sizeof(prune_cases[0]); i++) {
		const prune_case *c = &prune_cases[i];
		char *rows = query_ok(e, c->sql);
		if (!rows)
			continue;
		const ll_engine_stats *s = stats(e);
		if (strcmp(rows, c->rows) != 0 || (int)s->row_groups_scanned != c->scanned ||
		    (int)s->row_groups_skipped != c->skipped ||
		    (int)s->files_skipped != c->files_skipped) {
			fprintf(stderr,
				"%s\n  got %s  scanned %d skipped %d files skipped %d; expected %s"
				"  scanned %d skipped %d files skipped %d\n",
				c->sql, rows, (int)s->row_groups_scanned, (int)s->row_groups_skipped,
				(int)s->files_skipped, c->rows, c->scanned, c->skipped,
				c->files_skipped);
			ll_test_failures++;
		}
		free(rows);
	}
	ll_engine_free(e);
}

/* Pruning must never change an answer: each query against the same query without pushdown. */
static void test_pruning_agrees_with_full_scan(void)
{
	static const char *const preds[] = {
		"i32 < 10", "i32 >= 900", "i32 = 450", "dbl > 100.5", "d >= '2021-01-01'",
		"ts_us > '2024-04-01 12'", "txt = 'row 4'", "txt >= 'row 9'", "bin = x'0002'",
		"flag = 0", "i64 < 5000000000", "d < 20200301", "ts_us < 2024",
	};
	ll_engine *e = engine_new();
	for (size_t i = 0; i < sizeof(preds) / sizeof(preds[0]); i++) {
		char pushed[256], unpushed[256];
		snprintf(pushed, sizeof(pushed),
			 "SELECT count(*), sum(i32) FROM shop.events WHERE %s", preds[i]);
		/* inside a function call the comparison is no WHERE term SQLite could offer */
		snprintf(unpushed, sizeof(unpushed),
			 "SELECT count(*), sum(i32) FROM shop.events WHERE coalesce(%s, 0)",
			 preds[i]);
		char *a = query_ok(e, pushed);
		char *b = query_ok(e, unpushed);
		CHECK_INT(stats(e)->row_groups_skipped, 0);
		if (a && b && strcmp(a, b) != 0) {
			fprintf(stderr, "%s: %s with pruning, %s without\n", preds[i], a, b);
			ll_test_failures++;
		}
		free(a);
		free(b);
	}
	ll_engine_free(e);
}

/* SQLite merges the scans of an OR by rowid, so a rowid must not depend on pruning. */
static void test_rowid_names_the_row(void)
{
	ll_engine *e = engine_new();
	CHECK_ROWS(e, "SELECT rowid, i32 FROM shop.events WHERE i32 = 450", "450|450\n");
	CHECK_ROWS(e, "SELECT rowid FROM shop.events2 WHERE i32 = 5", "5\n1099511627781\n");
	CHECK_ROWS(e, "SELECT rowid FROM shop.evolved WHERE score IS NULL LIMIT 2 OFFSET 600",
		   "600\n601\n");
	CHECK_INT(stats(e)->fields_decoded, 0);
	CHECK_ROWS(e, "SELECT count(*), sum(i32) FROM shop.events WHERE i32 < 3 OR i32 > 997"
		      " OR i32 = 1",
		   "5|2000\n");
	ll_engine_free(e);
}

/* ---- queries ---------------------------------------------------------------- */

static void test_aggregates_match_expected(void)
{
	ll_engine *e = engine_new();
	json_t *exp = load_expected("parquet/dictionary_100k.expected.json");
	if (!exp)
		return;
	json_t *row = json_array_get(exp, 0);
	char want[256];
	snprintf(want, sizeof(want), "%lld|%lld|%lld|%lld\n",
		 (long long)json_integer_value(json_object_get(row, "rows")),
		 (long long)json_integer_value(json_object_get(row, "sum_id")),
		 (long long)json_integer_value(json_object_get(row, "gamma")),
		 (long long)json_integer_value(json_object_get(row, "sum_small")));
	CHECK_ROWS(e, "SELECT count(*), sum(id), sum(cat = 'gamma'), sum(small) FROM web.dict",
		   want);
	CHECK_ROWS(e, "SELECT cat, count(*) FROM web.dict GROUP BY 1 ORDER BY 1",
		   "alpha|25000\nbeta|25000\ndelta|25000\ngamma|25000\n");
	json_decref(exp);
	ll_engine_free(e);
}

static void test_two_datasets(void)
{
	ll_engine *e = engine_new();
	CHECK_ROWS(e,
		   "SELECT (SELECT count(*) FROM shop.events), (SELECT count(*) FROM web.dict)",
		   "1000|100000\n");
	CHECK_ROWS(e,
		   "SELECT e.i32, e.txt, t.s FROM shop.events e JOIN web.ts t ON t.id = e.i32"
		   " WHERE e.i32 BETWEEN 1 AND 3 ORDER BY 1",
		   "1|row 1|v1\n2|row 2|v2\n3|row 3 żółw 😀|v3\n");
	ll_engine_free(e);
}

/* The inner side of a join is read once into a hash lookup, not once per outer row. */
static void test_joins_read_the_inner_table_once(void)
{
	static const struct {
		const char *on, *rows;
	} cases[] = {
		{ "b.i32 = a.i32", "2000|999000\n" },
		{ "b.txt = a.txt", "1600|800000\n" },
		{ "b.dbl = a.dbl", "1714|856858\n" },
		{ "b.d = a.d", "2000|999000\n" },
		{ "b.dec18 = a.dec18", "2000|999000\n" },
		{ "b.bin = a.bin", "2000|999000\n" },
		/* integers meet integral reals; text never equals a number */
		{ "b.i32 = a.dbl", "572|95430\n" },
		{ "b.txt = a.i32", "0|NULL\n" },
	};
	ll_engine *e = engine_new();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char sql[256];
		snprintf(sql, sizeof(sql),
			 "SELECT count(*), sum(b.i32) FROM shop.events a JOIN shop.events2 b ON %s",
			 cases[i].on);
		CHECK_ROWS(e, sql, cases[i].rows);
		CHECK_INT(stats(e)->join_lookups, 1);
		CHECK_INT(stats(e)->files_opened, 3);
	}
	/* without join memory, or with too little, the files are read for each outer row */
	static const char sql[] = "SELECT count(*), sum(b.i32) FROM shop.events a JOIN "
				  "shop.events2 b ON b.txt = a.txt WHERE a.i32 < 20";
	CHECK_ROWS(e, sql, "32|320\n");
	CHECK_INT(stats(e)->join_lookups, 1);
	ll_engine_set_join_memory(e, 0);
	CHECK_ROWS(e, sql, "32|320\n");
	CHECK_INT(stats(e)->join_lookups, 0);
	CHECK(stats(e)->files_opened > 3);
	ll_engine_set_join_memory(e, 50000);
	CHECK_ROWS(e, sql, "32|320\n");
	CHECK_INT(stats(e)->join_lookups, 0);
	ll_engine_free(e);
}

static void test_quoted_identifiers(void)
{
	ll_engine *e = engine_new();
	CHECK_ROWS(e, "SELECT \"i32\", \"txt\" FROM \"shop\".\"events\" WHERE \"i32\" = 3",
		   "3|row 3 żółw 😀\n");
	CHECK_INT(stats(e)->row_groups_scanned, 1);
	CHECK_ROWS(e, "SELECT [i32] FROM `SHOP`.Events WHERE I32 = 4", "4\n");
	ll_engine_free(e);
}

static void test_default_dataset(void)
{
	ll_engine *e = engine_new();
	ll_error err = { 0 };
	CHECK(query(e, "SELECT count(*) FROM events", &err) == NULL);
	CHECK_OK(ll_engine_set_dataset(e, "shop", &err), &err);
	CHECK_ROWS(e, "SELECT count(*) FROM events", "1000\n");
	CHECK_ROWS(e, "SELECT count(*) FROM events JOIN web.ts ON ts.id = events.i32", "50\n");
	CHECK_OK(ll_engine_set_dataset(e, NULL, &err), &err);
	ll_engine_free(e);
}

static void test_missing_table(void)
{
	ll_engine *e = engine_new();
	ll_error err = { 0 };
	CHECK(query(e, "SELECT * FROM shop.nope", &err) == NULL);
	CHECK_INT(err.code, LL_ESQL);
	CHECK_STR(err.message, "no such table: shop.nope; dataset shop has tables: events, events2, "
			       "evolved, wide, medium, empty, broken, gone");
	CHECK_STR(err.table, "shop.nope");
	CHECK(query(e, "SELECT * FROM \"nowhere\".\"events\"", &err) == NULL);
	CHECK_STR(err.message,
		  "no such table: nowhere.events; the lake has no dataset nowhere (datasets: "
		  "shop, web, odd)");
	CHECK(query(e, "SELECT * FROM events", &err) == NULL);
	CHECK_STR(err.message, "no such table: events; name tables as <dataset>.<table> "
			       "(datasets: shop, web, odd)");
	CHECK_INT(lake.listed, lake.freed);
	ll_engine_free(e);
}

static void test_schema_evolution_reads_null(void)
{
	ll_engine *e = engine_new();
	CHECK_ROWS(e, "SELECT i32, extra, score, txt FROM shop.evolved WHERE i32 = 6",
		   "6|NULL|NULL|row 6 żółw 😀\n");
	CHECK_INT(stats(e)->fields_decoded, 2);
	CHECK_ROWS(e, "SELECT count(*), count(extra), count(score) FROM shop.evolved", "1000|0|0\n");
	ll_engine_free(e);
}

static void test_wide_table(void)
{
	ll_engine *e = engine_new();
	ll_error err = { 0 };
	CHECK_ROWS(e, "SELECT i32, c0005, \"c2099\", bin FROM shop.wide WHERE i32 < 2",
		   "0|NULL|NULL|0000\n1|NULL|NULL|0001\n");
	CHECK_INT(stats(e)->row_groups_scanned, 1);
	CHECK(query(e, "SELECT * FROM shop.wide WHERE i32 < 2", &err) == NULL);
	CHECK_INT(err.code, LL_EUNSUPPORTED);
	CHECK_STR(err.message, "table shop.wide has 2110 columns, more than the 1999 SQLite can "
			       "show in one query, and the query selects * (or joins NATURAL); "
			       "name the columns you need (SELECT a, b FROM ...)");
	/* a query naming none of the columns reads none */
	CHECK_ROWS(e, "SELECT count(*) FROM shop.wide", "1000\n");
	CHECK_INT(stats(e)->fields_decoded, 0);
	CHECK_ROWS(e, "SELECT count(*) FROM shop.wide WHERE c0001 IS NULL AND i32 < 10", "10\n");
	/* the other tables of the dataset are unaffected */
	CHECK_ROWS(e, "SELECT count(*) FROM shop.events", "1000\n");
	ll_engine_free(e);
}

static void test_columns_past_63(void)
{
	ll_engine *e = engine_new();
	CHECK_ROWS(e, "SELECT txt, c0001 FROM shop.medium WHERE i32 = 5", "NULL|NULL\n");
	CHECK_INT(stats(e)->fields_decoded, 2);
	CHECK_ROWS(e, "SELECT d FROM shop.medium WHERE i32 * 2 = 10", "2020-03-04\n");
	CHECK_INT(stats(e)->fields_decoded, 2);
	char *rows = query_ok(e, "SELECT * FROM shop.medium WHERE i32 = 5");
	CHECK(rows && strstr(rows, "|5|5000000035|1.66666666666667|0|NULL|2020-03-04|") != NULL);
	CHECK_INT(stats(e)->fields_decoded, 10);
	free(rows);
	ll_engine_free(e);
}

/* ---- printing ---------------------------------------------------------------- */

static char *print_query(ll_engine *e, const char *sql, ll_result_format fmt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ll_error err = { 0 };
	CHECK_OK(ll_engine_query_print(e, sql, fmt, out, &err), &err);
	fclose(out);
	return text;
}

#define PRINT_SQL "SELECT i32, txt, dbl, flag, d, ts_us, dec18, bin FROM shop.events WHERE i32 < 3"

static void test_print_formats(void)
{
	ll_engine *e = engine_new();
	char *out = print_query(e, PRINT_SQL, LL_RESULT_CSV);
	CHECK_STR(out, "i32,txt,dbl,flag,d,ts_us,dec18,bin\r\n"
		       "0,,,1,2020-02-28,2024-03-10 01:59:59.123456,0.000,0000\r\n"
		       "1,row 1,0.3333333333333333,0,2020-02-29,2024-03-10 02:59:59.123456,"
		       "12345.678,0001\r\n"
		       "2,row 2,0.6666666666666666,1,2020-03-01,2024-03-10 03:59:59.123456,"
		       "24691.356,0002\r\n");
	free(out);
	out = print_query(e, PRINT_SQL, LL_RESULT_JSON);
	CHECK_STR(out, "[\n"
		       "{\"i32\":0,\"txt\":null,\"dbl\":null,\"flag\":1,\"d\":\"2020-02-28\","
		       "\"ts_us\":\"2024-03-10 01:59:59.123456\",\"dec18\":\"0.000\",\"bin\":\"0000\"},\n"
		       "{\"i32\":1,\"txt\":\"row 1\",\"dbl\":0.3333333333333333,\"flag\":0,"
		       "\"d\":\"2020-02-29\",\"ts_us\":\"2024-03-10 02:59:59.123456\","
		       "\"dec18\":\"12345.678\",\"bin\":\"0001\"},\n"
		       "{\"i32\":2,\"txt\":\"row 2\",\"dbl\":0.6666666666666666,\"flag\":1,"
		       "\"d\":\"2020-03-01\",\"ts_us\":\"2024-03-10 03:59:59.123456\","
		       "\"dec18\":\"24691.356\",\"bin\":\"0002\"}\n"
		       "]\n");
	free(out);
	out = print_query(e, PRINT_SQL, LL_RESULT_TABLE);
	CHECK_STR(out,
		  " i32 |  txt  |        dbl         | flag |     d      |           ts_us            |   dec18   | bin\n"
		  "-----+-------+--------------------+------+------------+----------------------------+-----------+------\n"
		  "   0 | NULL  |               NULL |    1 | 2020-02-28 | 2024-03-10 01:59:59.123456 | 0.000     | 0000\n"
		  "   1 | row 1 | 0.3333333333333333 |    0 | 2020-02-29 | 2024-03-10 02:59:59.123456 | 12345.678 | 0001\n"
		  "   2 | row 2 | 0.6666666666666666 |    1 | 2020-03-01 | 2024-03-10 03:59:59.123456 | 24691.356 | 0002\n"
		  "(3 rows)\n");
	free(out);
	out = print_query(e, "SELECT i32 AS \"n\" FROM shop.events WHERE i32 < 0", LL_RESULT_TABLE);
	CHECK_STR(out, " n\n---\n(0 rows)\n");
	free(out);
	ll_engine_free(e);
}

/* ---- errors and limits ---------------------------------------------------------- */

static void test_refused_statements(void)
{
	ll_engine *e = engine_new();
	ll_error err = { 0 };
	static const struct {
		const char *sql;
		const char *message;
	} cases[] = {
		{ "CREATE TABLE t(a)", "only read-only statements run here" },
		{ "DELETE FROM shop.events", "table events may not be modified" },
		{ "SELECT 1; SELECT 2", "more than one statement" },
		{ "ATTACH '/tmp/x.db' AS x", "not authorized" },
		{ "  -- nothing\n", "the query is empty" },
		{ "SELEC 1", "SQL error: near \"SELEC\": syntax error" },
		{ "PRAGMA temp_store_directory = '/tmp'", "not authorized" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(query(e, cases[i].sql, &err) == NULL);
		CHECK_INT(err.code, LL_ESQL);
		if (!strstr(err.message, cases[i].message)) {
			fprintf(stderr, "%s: unexpected message: %s\n", cases[i].sql, err.message);
			ll_test_failures++;
		}
	}
	CHECK_ROWS(e, "SELECT 1; -- trailing comment\n ;", "1\n");
	ll_engine_free(e);
}

static void test_bad_files(void)
{
	ll_engine *e = engine_new();
	ll_error err = { 0 };
	CHECK(query(e, "SELECT count(*) FROM shop.broken", &err) == NULL);
	CHECK(err.code == LL_EFORMAT || err.code == LL_EIO);
	CHECK(strstr(err.message, "reading table shop.broken") != NULL);
	CHECK(strstr(err.message, "README.md") != NULL || strstr(err.file, "README.md") != NULL);
	CHECK(query(e, "SELECT count(*) FROM shop.gone", &err) == NULL);
	CHECK(err.code == LL_EIO || err.code == LL_ENOTFOUND);
	CHECK(strstr(err.message, "file.parquet") != NULL || strstr(err.file, "file.parquet"));
	CHECK(query(e, "SELECT * FROM odd.dup", &err) == NULL);
	CHECK_STR(err.message, "table odd.dup: declaring the table: duplicate column name: I32");
	CHECK_INT(lake.listed, lake.freed);
	ll_engine_free(e);
}

static void test_stop_early(void)
{
	ll_engine *e = engine_new();
	ll_error err = { 0 };
	rows_text r = { LL_BUF_INIT, 0, 5 };
	CHECK_OK(ll_engine_query(e, "SELECT i32 FROM shop.events", collect_row, &r, &err), &err);
	CHECK_INT(r.rows, 5);
	CHECK_STR(ll_buf_cstr(&r.text), "0\n1\n2\n3\n4\n");
	/* one batch at most was decoded */
	CHECK(stats(e)->rows_scanned <= 5);
	ll_buf_free(&r.text);
	ll_engine_free(e);
}

static void test_provider_failure(void)
{
	ll_engine *e = engine_new();
	ll_error err = { 0 };
	lake.fail_listing = true;
	CHECK(query(e, "SELECT 1", &err) == NULL);
	lake.fail_listing = false;
	CHECK_INT(err.code, LL_EIO);
	CHECK_STR(err.message, "listing the lake's tables: catalog unavailable");
	ll_engine_free(e);
	ll_engine *none = NULL;
	CHECK_INT(ll_engine_open(&none, NULL, &err), LL_EINVAL);
	CHECK(none == NULL);
}

/*
 * A provider that lists names only and describes a table when the engine
 * asks, as the lake's catalog does for Iceberg tables; one table's
 * description can be made to fail, as a damaged manifest makes it.
 */
typedef struct lazy_lake {
	ll_engine_table names[16];
	size_t opened[16];
	const char *damaged;
} lazy_lake;

static ll_status lazy_list(void *ctx, ll_engine_table **tables, size_t *n, ll_error *err)
{
	lazy_lake *l = ctx;
	(void)err;
	for (size_t i = 0; i < lake.ntables; i++)
		l->names[i] = (ll_engine_table){ .dataset = lake.tables[i].dataset,
						 .name = lake.tables[i].name };
	/* last, a table of shop named like one of web, which cannot be described */
	l->names[lake.ntables] = (ll_engine_table){ .dataset = "shop", .name = "dict" };
	*tables = l->names;
	*n = lake.ntables + 1;
	return LL_OK;
}

static ll_status lazy_open(void *ctx, size_t i, ll_engine_table *t, ll_error *err)
{
	lazy_lake *l = ctx;
	l->opened[i]++;
	if (i == lake.ntables || (l->damaged && strcmp(t->name, l->damaged) == 0))
		return ll_error_set(err, LL_EFORMAT, "table %s.%s: /lake/m0.avro: invalid Avro schema",
				    t->dataset, t->name);
	*t = lake.tables[i];
	return LL_OK;
}

static size_t lazy_opened_total(const lazy_lake *l)
{
	size_t n = 0;
	for (size_t i = 0; i <= lake.ntables; i++)
		n += l->opened[i];
	return n;
}

static void test_tables_open_only_when_named(void)
{
	lake_init();
	lazy_lake l = { 0 };
	ll_engine_provider provider = { &l, lazy_list, NULL, NULL, lazy_open };
	ll_engine *e;
	ll_error err = { 0 };
	CHECK_OK(ll_engine_open(&e, &provider, &err), &err);
	CHECK_ROWS(e, "SELECT 1", "1\n");
	CHECK_INT(lazy_opened_total(&l), 0);
	CHECK_ROWS(e, "SELECT count(*) FROM shop.events", "1000\n");
	CHECK_INT(l.opened[0], 1);
	CHECK_INT(lazy_opened_total(&l), 1);
	/* a missing table still gets the list of the dataset's tables, none of them opened */
	CHECK(query(e, "SELECT * FROM shop.nope", &err) == NULL);
	CHECK(strstr(err.message, "dataset shop has tables: events, events2, evolved") != NULL);
	CHECK_INT(lazy_opened_total(&l), 1);
	/* a table that cannot be described fails only the queries naming it */
	l.damaged = "events2";
	CHECK_ROWS(e, "SELECT count(*) FROM shop.events", "1000\n");
	CHECK(query(e, "SELECT count(*) FROM shop.events2", &err) == NULL);
	CHECK_INT(err.code, LL_EFORMAT);
	CHECK_STR(err.message, "table shop.events2: /lake/m0.avro: invalid Avro schema");
	CHECK(query(e, "SELECT count(*) FROM shop.events JOIN shop.events2 USING (i32)", &err) == NULL);
	CHECK_INT(err.code, LL_EFORMAT);
	/* web.dict, written qualified, is not taken for shop's table of that name */
	memset(l.opened, 0, sizeof(l.opened));
	CHECK_ROWS(e, "SELECT count(*) FROM web.dict d JOIN shop.events e ON d.id = e.i32",
		   "1000\n");
	CHECK_INT(l.opened[lake.ntables], 0);
	CHECK_INT(lazy_opened_total(&l), 2);
	/* unqualified, it may be any attached dataset's */
	CHECK(query(e, "SELECT count(*) FROM web.dict JOIN shop.events ON dict.id = i32", &err) ==
	      NULL);
	CHECK_STR(err.message, "table shop.dict: /lake/m0.avro: invalid Avro schema");
	ll_engine_free(e);
}

/* Eleven datasets, each with one table: SQLite attaches ten at most. */
static ll_status list_many(void *ctx, ll_engine_table **tables, size_t *n, ll_error *err)
{
	static char names[11][8];
	static ll_engine_table many[11];
	(void)ctx, (void)err;
	for (size_t i = 0; i < 11; i++) {
		snprintf(names[i], sizeof(names[i]), "ds%zu", i);
		many[i] = (ll_engine_table){ names[i], "t", types_cols, 10, lake.events_files, 1, 1000, NULL, NULL };
	}
	*tables = many;
	*n = 11;
	return LL_OK;
}

static void test_attach_limit(void)
{
	lake_init();
	ll_engine_provider provider = { NULL, list_many, NULL, NULL, NULL };
	ll_engine *e;
	ll_error err = { 0 };
	CHECK_OK(ll_engine_open(&e, &provider, &err), &err);
	ll_buf sql = LL_BUF_INIT;
	ll_buf_puts(&sql, "SELECT 0");
	for (int i = 0; i < 10; i++)
		ll_buf_printf(&sql, " + (SELECT count(*) FROM ds%d.t WHERE i32 < 1)", i);
	CHECK_ROWS(e, ll_buf_cstr(&sql), "10\n");
	ll_buf_printf(&sql, " + (SELECT count(*) FROM ds10.t)");
	CHECK(query(e, ll_buf_cstr(&sql), &err) == NULL);
	CHECK_INT(err.code, LL_EUNSUPPORTED);
	CHECK(strstr(err.message, "names 11 datasets (ds0, ds1,") != NULL);
	CHECK(strstr(err.message, "at most 10") != NULL);
	ll_buf_free(&sql);
	ll_engine_free(e);
}

LL_TEST_MAIN(LL_TEST(test_select_star_matches_expected), LL_TEST(test_value_types),
	     LL_TEST(test_projection_decodes_used_columns), LL_TEST(test_pruning), LL_TEST(test_rowid_names_the_row),
	     LL_TEST(test_pruning_agrees_with_full_scan), LL_TEST(test_aggregates_match_expected),
	     LL_TEST(test_two_datasets),
	     LL_TEST(test_joins_read_the_inner_table_once), LL_TEST(test_quoted_identifiers),
	     LL_TEST(test_default_dataset), LL_TEST(test_missing_table),
	     LL_TEST(test_schema_evolution_reads_null), LL_TEST(test_wide_table),
	     LL_TEST(test_columns_past_63), LL_TEST(test_print_formats),
	     LL_TEST(test_refused_statements), LL_TEST(test_bad_files), LL_TEST(test_stop_early),
	     LL_TEST(test_provider_failure), LL_TEST(test_tables_open_only_when_named),
	     LL_TEST(test_attach_limit))
