/*
 * The normalizer writing real Parquet files, read back with the Parquet
 * reader: the job files exist under their names, hold the rows and types
 * the schema says, timestamps are in the table's unit, decimals keep their
 * scale, and a table whose schema grows after a row group is out continues
 * in a second file that has the new column.
 */
#include <string.h>
#include <unistd.h>

#include "formats/parquet/parquet_reader.h"
#include "harness.h"
#include "test.h"

typedef struct pq_fixture {
	ll_schema *schema;
	ll_table *root;
	ll_normalizer *n;
	ll_arena arena;
	ll_job_file *files;
	size_t nfiles;
	char dir[512];
	ll_error err;
} pq_fixture;

static void pq_open(pq_fixture *f, const char *name, ll_table_format format, size_t row_group_bytes)
{
	memset(f, 0, sizeof(*f));
	ll_test_tmpdir(name, f->dir, sizeof(f->dir));
	ll_arena_init(&f->arena, 0);
	CHECK_OK(ll_schema_new("pq", &f->schema, &f->err), &f->err);
	CHECK_OK(ll_schema_add_table(f->schema, "events", NULL, &f->root, &f->err), &f->err);
	f->root->table_format = format;
	ll_column price = { .name = "price", .type = LL_TYPE_DECIMAL, .precision = 12, .scale = 3,
			    .nullable = true, .field_id = -1 };
	CHECK_OK(ll_table_add_column(f->root, &price, NULL, &f->err), &f->err);
	ll_normalize_options opt = { .load_id = "1700000000.000001", .out_dir = f->dir };
	ll_parquet_writer_options_init(&opt.parquet);
	opt.parquet.row_group_bytes = row_group_bytes;
	CHECK_OK(ll_normalizer_open(&f->n, f->schema, "events", &opt, &f->err), &f->err);
}

static void pq_push(pq_fixture *f, const char *json)
{
	ll_arena_reset(&f->arena);
	CHECK_OK(ll_normalizer_push(f->n, rec_json(&f->arena, json), "pq.ndjson", 1, 1, &f->err), &f->err);
}

static void pq_free(pq_fixture *f)
{
	ll_normalizer_free(f->n);
	ll_job_files_free(f->files, f->nfiles);
	ll_schema_free(f->schema);
	ll_arena_free(&f->arena);
}

/* Reads one column of a file as text ("<null>" for null) into out, one value per line. */
static void read_column(const char *path, const char *column, ll_buf *out)
{
	ll_error err;
	ll_parquet_reader *r = NULL;
	CHECK_OK(ll_parquet_reader_open(&r, path, &err), &err);
	if (!r)
		return;
	long field = ll_parquet_reader_find_field(r, column);
	CHECK(field >= 0);
	ll_parquet_cursor *c = NULL;
	size_t fields[1] = { (size_t)(field < 0 ? 0 : field) };
	if (field >= 0)
		CHECK_OK(ll_parquet_cursor_open(r, fields, 1, NULL, &c, &err), &err);
	const ll_parquet_field *info = field >= 0 ? ll_parquet_reader_field(r, (size_t)field) : NULL;
	for (const ll_parquet_batch *b = NULL; c;) {
		CHECK_OK(ll_parquet_cursor_next(c, 64, &b, &err), &err);
		if (!b || b->rows == 0)
			break;
		for (size_t i = 0; i < b->rows; i++) {
			const ll_value *v = &b->columns[0][i];
			if (v->is_null)
				ll_buf_puts(out, "<null>");
			else if (info->type == LL_TYPE_TEXT || info->type == LL_TYPE_DECIMAL || info->type == LL_TYPE_JSON)
				ll_buf_append(out, v->s, v->len);
			else if (info->type == LL_TYPE_DOUBLE)
				ll_buf_printf(out, "%g", v->d);
			else
				ll_buf_printf(out, "%lld", (long long)v->i);
			ll_buf_putc(out, '\n');
		}
	}
	ll_parquet_cursor_free(c);
	ll_parquet_reader_free(r);
}

static const ll_job_file *job_of(const pq_fixture *f, const char *table, size_t nth)
{
	for (size_t i = 0; i < f->nfiles; i++) {
		if (strcmp(f->files[i].table, table) == 0 && nth-- == 0)
			return &f->files[i];
	}
	return NULL;
}

static void test_parquet_rows_and_types(void)
{
	pq_fixture f;
	pq_open(&f, "norm_pq_rows", LL_FORMAT_HIVE, 0);
	pq_push(&f, "{\"id\": 1, \"at\": \"2024-01-02T03:04:05.678901Z\", \"price\": \"12.5\", "
		    "\"tags\": [\"a\", \"b\"]}");
	pq_push(&f, "{\"id\": 2, \"at\": \"2024-01-02\", \"price\": 7, \"note\": \"x\"}");
	CHECK_OK(ll_normalizer_finish(f.n, &f.files, &f.nfiles, &f.err), &f.err);
	CHECK_INT(f.nfiles, 2);
	const ll_job_file *root = job_of(&f, "events", 0), *tags = job_of(&f, "events__tags", 0);
	CHECK(root && tags);
	if (!root || !tags) {
		pq_free(&f);
		return;
	}
	CHECK(access(root->path, F_OK) == 0);
	CHECK_INT(root->rows, 2);
	CHECK(root->bytes > 0);
	ll_buf col = LL_BUF_INIT;
	read_column(root->path, "id", &col);
	CHECK_STR(ll_buf_cstr(&col), "1\n2\n");
	ll_buf_clear(&col);
	/* hive tables store milliseconds: the microseconds are gone */
	read_column(root->path, "at", &col);
	CHECK_STR(ll_buf_cstr(&col), "1704164645678000\n1704153600000000\n");
	ll_buf_clear(&col);
	read_column(root->path, "price", &col);
	CHECK_STR(ll_buf_cstr(&col), "12.500\n7.000\n");
	ll_buf_clear(&col);
	read_column(root->path, "note", &col);
	CHECK_STR(ll_buf_cstr(&col), "<null>\nx\n");
	ll_buf_clear(&col);
	read_column(tags->path, "value", &col);
	CHECK_STR(ll_buf_cstr(&col), "a\nb\n");
	ll_buf_free(&col);
	pq_free(&f);
}

static void test_parquet_new_file_after_row_group(void)
{
	pq_fixture f;
	/* tiny row groups: every row flushes, so a new column needs a new file */
	pq_open(&f, "norm_pq_split", LL_FORMAT_ICEBERG, 1);
	pq_push(&f, "{\"a\": 1, \"at\": \"2024-01-02T03:04:05.678901Z\"}");
	pq_push(&f, "{\"a\": 2, \"b\": \"new\"}");
	CHECK_OK(ll_normalizer_finish(f.n, &f.files, &f.nfiles, &f.err), &f.err);
	CHECK_INT(f.nfiles, 2);
	const ll_job_file *first = job_of(&f, "events", 0), *second = job_of(&f, "events", 1);
	CHECK(first && second);
	if (first && second) {
		ll_buf col = LL_BUF_INIT;
		read_column(second->path, "b", &col);
		CHECK_STR(ll_buf_cstr(&col), "new\n");
		ll_buf_clear(&col);
		/* Iceberg tables keep microseconds */
		read_column(first->path, "at", &col);
		CHECK_STR(ll_buf_cstr(&col), "1704164645678901\n");
		ll_buf_free(&col);
		ll_parquet_reader *r = NULL;
		CHECK_OK(ll_parquet_reader_open(&r, second->path, &f.err), &f.err);
		long b = r ? ll_parquet_reader_find_field(r, "b") : -1;
		CHECK(b >= 0);
		if (b >= 0)
			CHECK(ll_parquet_reader_field(r, (size_t)b)->field_id > 0);
		ll_parquet_reader_free(r);
	}
	pq_free(&f);
}

/*
 * ll_normalizer_flush hands each table's rows to its writer as a row group;
 * a normalizer that gets more records after it goes on in the same files,
 * with one more row group, and loses nothing.
 */
static void test_parquet_flush_then_more_rows(void)
{
	pq_fixture f;
	pq_open(&f, "norm_pq_flush", LL_FORMAT_HIVE, (size_t)64 << 20);
	pq_push(&f, "{\"a\": 1, \"l\": [10, 11]}");
	pq_push(&f, "{\"a\": 2, \"l\": [12]}");
	CHECK_OK(ll_normalizer_flush(f.n, &f.err), &f.err);
	pq_push(&f, "{\"a\": 3, \"l\": [13]}");
	CHECK_OK(ll_normalizer_finish(f.n, &f.files, &f.nfiles, &f.err), &f.err);
	CHECK_INT(f.nfiles, 2);
	const ll_job_file *events = job_of(&f, "events", 0), *items = job_of(&f, "events__l", 0);
	CHECK(events && items);
	if (events && items) {
		ll_buf col = LL_BUF_INIT;
		read_column(events->path, "a", &col);
		CHECK_STR(ll_buf_cstr(&col), "1\n2\n3\n");
		ll_buf_clear(&col);
		read_column(items->path, "value", &col);
		CHECK_STR(ll_buf_cstr(&col), "10\n11\n12\n13\n");
		ll_buf_free(&col);
		ll_parquet_reader *r = NULL;
		CHECK_OK(ll_parquet_reader_open(&r, events->path, &f.err), &f.err);
		CHECK_INT(r ? (long long)ll_parquet_reader_row_group_count(r) : 0, 2);
		CHECK_INT(r ? (long long)ll_parquet_reader_row_group_rows(r, 0) : 0, 2);
		ll_parquet_reader_free(r);
	}
	pq_free(&f);
}

static void test_parquet_free_removes_files(void)
{
	pq_fixture f;
	pq_open(&f, "norm_pq_abort", LL_FORMAT_HIVE, 1);
	pq_push(&f, "{\"a\": 1}");
	pq_push(&f, "{\"a\": 2, \"b\": 3}");
	ll_normalizer_free(f.n);
	f.n = NULL;
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", f.dir);
	CHECK(system(cmd) == 0);
	pq_free(&f);
}

LL_TEST_MAIN(LL_TEST(test_parquet_rows_and_types), LL_TEST(test_parquet_new_file_after_row_group),
	     LL_TEST(test_parquet_flush_then_more_rows), LL_TEST(test_parquet_free_removes_files))
