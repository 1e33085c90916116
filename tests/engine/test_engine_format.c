/*
 * What a table format adds to the engine's Parquet files: columns matched
 * by field id (a renamed column still reads its values) or by name when the
 * file has no ids; rows a format deleted, by position across row groups,
 * never reach SQL, also with row groups skipped or rows only counted; and
 * files the format's statistics rule out are not opened while the answer
 * stays the one a full read gives.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "formats/parquet/parquet_writer.h"
#include "test.h"
#include "util/buf.h"

/* Each file: 3 row groups of 10 rows; ids first .. first+29, label "r<id>". */
#define ROWS_PER_GROUP 10
#define GROUPS 3

static void write_file(const char *path, int64_t first, bool with_ids)
{
	ll_error err = { 0 };
	const ll_parquet_column_spec cols[] = {
		{ .name = "id", .type = LL_TYPE_BIGINT, .nullable = true, .field_id = with_ids ? 1 : -1 },
		{ .name = "old_name", .type = LL_TYPE_TEXT, .nullable = true, .field_id = with_ids ? 2 : -1 },
	};
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.disable_background = true;
	ll_parquet_writer *w = NULL;
	CHECK_OK(ll_parquet_writer_open(&w, path, cols, 2, &opt, &err), &err);
	for (int64_t i = 0; i < ROWS_PER_GROUP * GROUPS; i++) {
		char label[32];
		int n = snprintf(label, sizeof(label), "r%lld", (long long)(first + i));
		ll_parquet_writer_put_int64(w, 0, first + i);
		ll_parquet_writer_put_bytes(w, 1, label, (size_t)n);
		CHECK_OK(ll_parquet_writer_end_row(w, &err), &err);
		if ((i + 1) % ROWS_PER_GROUP == 0)
			CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
	}
	CHECK_OK(ll_parquet_writer_close(w, NULL, &err), &err);
}

typedef struct format_lake {
	char with_ids[PATH_MAX], no_ids[PATH_MAX], high[PATH_MAX];
	const char *files[2];
	ll_engine_column renamed_cols[3], by_name_cols[2];
	int32_t ids[3];
	ll_engine_deletes deletes[2];
	ll_engine_table_format format;
	ll_engine_table tables[2];
	int stats_calls;
	bool stats_known;
	size_t deletes_asked[2]; /* per file: how often the engine asked for its deletes */
} format_lake;

static format_lake fl;

/* Positions deleted in the first file: both ends of each row group and one inside. */
static const uint64_t deleted_low[] = { 0, 9, 10, 19, 20, 25, 29 };
/* and in the second */
static const uint64_t deleted_high[] = { 5 };

static ll_status file_deletes(void *ctx, size_t file, ll_engine_deletes *out, ll_error *err)
{
	format_lake *l = ctx;
	(void)err;
	l->deletes_asked[file]++;
	*out = l->deletes[file];
	return LL_OK;
}

/* Column region of the first file is "eu"; the second file has no value for it. */
static bool file_constant(void *ctx, size_t file, size_t column, ll_value *out)
{
	(void)ctx;
	if (column != 2 || file != 0)
		return false;
	*out = (ll_value){ .s = "eu", .len = 2 };
	return true;
}

/* The format's stats of column id: the true ranges of the two files. */
static bool file_stats(void *ctx, size_t file, size_t column, ll_engine_file_stats *out)
{
	format_lake *l = ctx;
	l->stats_calls++;
	if (!l->stats_known || column != 0)
		return false;
	int64_t first = file == 0 ? 0 : 100;
	out->has_bounds = true;
	out->min = (ll_value){ .i = first };
	out->max = (ll_value){ .i = first + ROWS_PER_GROUP * GROUPS - 1 };
	out->null_count = 0;
	out->value_count = ROWS_PER_GROUP * GROUPS;
	return true;
}

static void lake_init(void)
{
	if (fl.files[0])
		return;
	char dir[PATH_MAX - 32];
	ll_test_tmpdir("engine_format", dir, sizeof(dir));
	snprintf(fl.with_ids, sizeof(fl.with_ids), "%s/ids.parquet", dir);
	snprintf(fl.no_ids, sizeof(fl.no_ids), "%s/no_ids.parquet", dir);
	snprintf(fl.high, sizeof(fl.high), "%s/high.parquet", dir);
	write_file(fl.with_ids, 0, true);
	write_file(fl.no_ids, 0, false);
	write_file(fl.high, 100, true);
	fl.files[0] = fl.with_ids;
	fl.files[1] = fl.high;
	/* "label" was "old_name" when the files were written; its id stayed 2 */
	fl.renamed_cols[0] = (ll_engine_column){ "id", LL_TYPE_BIGINT, 0, 0, LL_TS_MICROS };
	fl.renamed_cols[1] = (ll_engine_column){ "label", LL_TYPE_TEXT, 0, 0, LL_TS_MICROS };
	fl.by_name_cols[0] = fl.renamed_cols[0];
	fl.by_name_cols[1] = (ll_engine_column){ "old_name", LL_TYPE_TEXT, 0, 0, LL_TS_MICROS };
	/* "region" is in no file: the format gives it for the first one, as a partition would */
	fl.renamed_cols[2] = (ll_engine_column){ "region", LL_TYPE_TEXT, 0, 0, LL_TS_MICROS };
	fl.ids[0] = 1;
	fl.ids[1] = 2;
	fl.ids[2] = 3;
	fl.deletes[0] = (ll_engine_deletes){ deleted_low, sizeof(deleted_low) / sizeof(deleted_low[0]) };
	fl.deletes[1] = (ll_engine_deletes){ deleted_high, 1 };
	fl.format = (ll_engine_table_format){ file_deletes, file_stats, file_constant, &fl };
	fl.tables[0] = (ll_engine_table){ "ice", "t", fl.renamed_cols, 3, fl.files, 2, 60, fl.ids, &fl.format };
	/* the same ids given, but the file has none: columns match by name */
	static const char *no_ids_files[1];
	no_ids_files[0] = fl.no_ids;
	fl.tables[1] = (ll_engine_table){ "ice", "plain", fl.by_name_cols, 2, no_ids_files, 1, 30, fl.ids, NULL };
}

static ll_status list_tables(void *ctx, ll_engine_table **tables, size_t *n, ll_error *err)
{
	(void)ctx, (void)err;
	*tables = fl.tables;
	*n = 2;
	return LL_OK;
}

static int append_row(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	ll_buf *out = user;
	(void)names;
	for (size_t i = 0; i < ncols; i++) {
		if (cells[i].kind == LL_CELL_INT)
			ll_buf_printf(out, "%lld", (long long)cells[i].i);
		else if (cells[i].kind == LL_CELL_NULL)
			ll_buf_puts(out, "NULL");
		else
			ll_buf_append(out, cells[i].s, cells[i].len);
		ll_buf_putc(out, i + 1 < ncols ? ',' : ';');
	}
	return 0;
}

/* Runs sql and returns its rows as "a,b;a,b;" (caller frees); *stats gets the scan stats. */
static char *run(const char *sql, ll_engine_stats *stats)
{
	lake_init();
	ll_engine_provider provider = { &fl, list_tables, NULL, NULL, NULL };
	ll_engine *e = NULL;
	ll_error err = { 0 };
	ll_buf out = LL_BUF_INIT;
	CHECK_OK(ll_engine_open(&e, &provider, &err), &err);
	CHECK_OK(ll_engine_query(e, sql, append_row, &out, &err), &err);
	if (stats)
		*stats = *ll_engine_last_stats(e);
	ll_engine_free(e);
	ll_buf_putc(&out, '\0');
	return ll_buf_detach(&out);
}

static void check_rows(const char *sql, const char *want)
{
	char *got = run(sql, NULL);
	CHECK_STR(got, want);
	free(got);
}

static void test_renamed_column_reads_by_field_id(void)
{
	check_rows("SELECT id, label FROM ice.t WHERE id IN (1, 101)", "1,r1;101,r101;");
	check_rows("SELECT id, old_name FROM ice.plain WHERE id = 3", "3,r3;");
}

static void test_deleted_rows_never_reach_sql(void)
{
	/* 30 - 7 rows of the first file, 30 - 1 of the second */
	check_rows("SELECT count(*) FROM ice.t", "52;");
	check_rows("SELECT count(id) FROM ice.t", "52;");
	check_rows("SELECT group_concat(id) FROM (SELECT id FROM ice.t WHERE id < 30 ORDER BY id)",
		   "1,2,3,4,5,6,7,8,11,12,13,14,15,16,17,18,21,22,23,24,26,27,28;");
	check_rows("SELECT id FROM ice.t WHERE id IN (0, 9, 10, 19, 20, 25, 29, 105)", "");
	/* row groups skipped before the deleted positions still count from the file's start */
	ll_engine_stats stats;
	char *got = run("SELECT group_concat(id) FROM ice.t WHERE id >= 20 AND id < 30", &stats);
	CHECK_STR(got, "21,22,23,24,26,27,28;");
	CHECK(stats.row_groups_skipped >= 2);
	free(got);
}

static void test_files_ruled_out_by_format_stats_are_not_opened(void)
{
	ll_engine_stats stats;
	fl.stats_known = true;
	memset(fl.deletes_asked, 0, sizeof(fl.deletes_asked));
	char *got = run("SELECT count(*) FROM ice.t WHERE id >= 100", &stats);
	CHECK_STR(got, "29;");
	CHECK_INT(stats.files_pruned, 1);
	CHECK_INT(stats.files_opened, 1);
	/* the deletes of a file never read are never asked for */
	CHECK_INT(fl.deletes_asked[0], 0);
	CHECK_INT(fl.deletes_asked[1], 1);
	free(got);
	got = run("SELECT count(*) FROM ice.t WHERE id = 50", &stats);
	CHECK_STR(got, "0;");
	CHECK_INT(stats.files_pruned, 2);
	CHECK_INT(stats.files_opened, 0);
	free(got);
	/* a constraint on a column the format knows nothing of prunes nothing */
	got = run("SELECT count(*) FROM ice.t WHERE label = 'r3'", &stats);
	CHECK_STR(got, "1;");
	CHECK_INT(stats.files_pruned, 0);
	free(got);
	/* nor do unknown stats */
	fl.stats_known = false;
	fl.stats_calls = 0;
	got = run("SELECT count(*) FROM ice.t WHERE id >= 100", &stats);
	CHECK_STR(got, "29;");
	CHECK_INT(stats.files_pruned, 0);
	CHECK_INT(stats.files_opened, 2);
	CHECK(fl.stats_calls > 0);
	free(got);
}

static void test_missing_column_reads_the_format_constant(void)
{
	check_rows("SELECT region, count(*) FROM ice.t GROUP BY region ORDER BY region", "NULL,29;eu,23;");
	/* the file's (absent) statistics do not rule the constant out */
	check_rows("SELECT count(*) FROM ice.t WHERE region = 'eu' AND id > 20", "7;");
	check_rows("SELECT count(region) FROM ice.t", "23;");
	check_rows("SELECT id, label, region FROM ice.t WHERE id IN (1, 101)", "1,r1,eu;101,r101,NULL;");
}

LL_TEST_MAIN(LL_TEST(test_renamed_column_reads_by_field_id), LL_TEST(test_deleted_rows_never_reach_sql),
	     LL_TEST(test_files_ruled_out_by_format_stats_are_not_opened),
	     LL_TEST(test_missing_column_reads_the_format_constant))
