/*
 * Reading Iceberg tables other engines wrote (testdata/iceberg-foreign):
 * the embedded engine, given each table's current snapshot as planned by
 * lakeload, returns the rows icebird returned (position deletes, schema
 * evolution, a renamed column read by field id, bucket/date partitions with
 * a null partition); the Java table's equality deletes remove exactly the
 * rows the spec's rule removes; an older snapshot reads as it was; damaged
 * input is an error naming the file.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "iceberg/deletes.h"
#include "iceberg/plan.h"
#include "pipeline/pipeline_internal.h"
#include "test.h"
#include "util/fs.h"

typedef struct foreign {
	ll_storage *storage;
	ll_catalog_table ct;
	ll_iceberg_engine_table *it;
	ll_engine_table et;
} foreign;

static ll_status list_one(void *ctx, ll_engine_table **tables, size_t *n, ll_error *err)
{
	foreign *f = ctx;
	(void)err;
	*tables = &f->et;
	*n = 1;
	return LL_OK;
}

static ll_status open_source(void *ctx, const char *path, ll_parquet_source *out, ll_error *err)
{
	foreign *f = ctx;
	return ll_storage_open_source(f->storage, path, out, err);
}

/* Opens a storage reading the reference bucket from the folder root. */
static ll_storage *mapped_storage(const char *scheme, const char *root)
{
	char from[64], to[PATH_MAX + 2];
	snprintf(from, sizeof(from), "%s://hyperparam-iceberg/", scheme);
	snprintf(to, sizeof(to), "%s/", root);
	ll_storage_options opt = { .map_from = from, .map_to = to };
	ll_storage *s = NULL;
	ll_error err = { 0 };
	CHECK_OK(ll_storage_open(&s, root, &opt, &err), &err);
	return s;
}

/* Opens a storage reading the reference bucket from the testdata folder. */
static ll_storage *foreign_storage(const char *scheme)
{
	char root[1024];
	return mapped_storage(scheme, ll_testdata("iceberg-foreign", root, sizeof(root)));
}

static int collect_row(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	json_t *rows = user, *row = json_object();
	for (size_t i = 0; i < ncols; i++) {
		const ll_cell *c = &cells[i];
		json_t *v = c->kind == LL_CELL_NULL ? json_null()
			    : c->kind == LL_CELL_INT ? json_real((double)c->i)
			    : c->kind == LL_CELL_REAL ? json_real(c->d)
						      : json_stringn(c->s, c->len);
		json_object_set_new(row, names[i], v);
	}
	json_array_append_new(rows, row);
	return 0;
}

/* One value in a form both readers agree on: numbers as numbers, dates as YYYY-MM-DD. */
static void canonical(json_t *v, ll_buf *out)
{
	char buf[64];
	if (!v || json_is_null(v)) {
		ll_buf_puts(out, "null");
	} else if (json_is_boolean(v)) {
		ll_buf_puts(out, json_is_true(v) ? "1.000000" : "0.000000");
	} else if (json_is_number(v)) {
		snprintf(buf, sizeof(buf), "%.6f", json_number_value(v));
		ll_buf_puts(out, buf);
	} else {
		const char *s = json_string_value(v);
		char *end;
		double d = strtod(s, &end);
		if (*s && !*end) {
			snprintf(buf, sizeof(buf), "%.6f", d);
			ll_buf_puts(out, buf);
		} else if (strlen(s) == 24 && strcmp(s + 10, "T00:00:00.000Z") == 0) {
			ll_buf_append(out, s, 10);
		} else {
			ll_buf_puts(out, s);
		}
	}
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rows as sorted canonical lines over the given columns. */
static char **canonical_rows(json_t *rows, json_t *columns, size_t *n)
{
	*n = json_array_size(rows);
	char **lines = calloc(*n + 1, sizeof(*lines));
	for (size_t i = 0; i < *n; i++) {
		ll_buf b = LL_BUF_INIT;
		for (size_t c = 0; c < json_array_size(columns); c++) {
			canonical(json_object_get(json_array_get(rows, i), json_string_value(json_array_get(columns, c))), &b);
			ll_buf_putc(&b, '|');
		}
		lines[i] = ll_buf_detach(&b);
	}
	qsort(lines, *n, sizeof(*lines), compare_strings);
	return lines;
}

static json_t *query_foreign(const char *metadata_rel, const char *scheme, const char *sql,
			     ll_engine_stats *stats)
{
	foreign f = { 0 };
	char path[2048], loc[2200];
	ll_error err = { 0 };
	f.storage = foreign_storage(scheme);
	snprintf(loc, sizeof(loc), "%s", ll_testdata(metadata_rel, path, sizeof(path)));
	f.ct = (ll_catalog_table){ .dataset = "t", .name = "x", .format = LL_FORMAT_ICEBERG,
				   .metadata_location = loc };
	json_t *rows = json_array();
	CHECK_OK(ll_iceberg_engine_table_open(f.storage, &f.ct, &f.it, &f.et, &err), &err);
	if (f.it) {
		ll_engine_provider provider = { &f, list_one, NULL, open_source, NULL };
		ll_engine *e = NULL;
		CHECK_OK(ll_engine_open(&e, &provider, &err), &err);
		CHECK_OK(ll_engine_query(e, sql, collect_row, rows, &err), &err);
		if (stats)
			*stats = *ll_engine_last_stats(e);
		ll_engine_free(e);
	}
	ll_iceberg_engine_table_free(f.it);
	ll_storage_free(f.storage);
	return rows;
}

static void check_expected(const char *metadata_rel, const char *scheme, const char *expected_rel)
{
	char path[2048];
	json_error_t jerr;
	json_t *want = json_load_file(ll_testdata(expected_rel, path, sizeof(path)), 0, &jerr);
	CHECK(want != NULL);
	json_t *got = query_foreign(metadata_rel, scheme, "SELECT * FROM t.x", NULL);
	json_t *columns = json_object_get(want, "columns");
	size_t ng, nw;
	char **g = canonical_rows(got, columns, &ng);
	char **w = canonical_rows(json_object_get(want, "data"), columns, &nw);
	CHECK_INT(ng, nw);
	for (size_t i = 0; i < ng && i < nw; i++) {
		if (strcmp(g[i], w[i]) != 0) {
			fprintf(stderr, "%s row %zu:\n  lakeload %s\n  icebird  %s\n", metadata_rel, i, g[i], w[i]);
			ll_test_failures++;
		}
	}
	for (size_t i = 0; i < ng; i++)
		free(g[i]);
	for (size_t i = 0; i < nw; i++)
		free(w[i]);
	free(g);
	free(w);
	json_decref(got);
	json_decref(want);
}

static void test_spark_bunnies(void)
{
	check_expected("iceberg-foreign/spark/bunnies/metadata/v5.metadata.json", "s3a",
		       "iceberg-foreign/spark_bunnies.expected.json");
}

static void test_spark_rename_column(void)
{
	check_expected("iceberg-foreign/spark/rename_column/metadata/v3.metadata.json", "s3a",
		       "iceberg-foreign/spark_rename_column.expected.json");
}

static void test_athena_example(void)
{
	check_expected("iceberg-foreign/athena/example/metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json",
		       "s3", "iceberg-foreign/athena_example.expected.json");
}

/*
 * java/bunnies: 21 rows appended (sequence 1); positions 2-6 and 11 deleted
 * (sequence 2); then an equality delete of "Breed Name" = 'New Zealand' and
 * the re-inserted row, both at sequence 3. The equality delete removes the
 * old row (sequence 1 < 3) but not the new one (3 is not < 3).
 */
static void test_java_bunnies_equality_deletes(void)
{
	json_t *rows = query_foreign("iceberg-foreign/java/bunnies/metadata/v5.metadata.json", "s3a",
				     "SELECT \"Breed Name\" AS name, __happy__ AS happy FROM t.x "
				     "ORDER BY \"Breed Name\"", NULL);
	static const char *const want[] = {
		"American Fuzzy Lop", "Belgian Hare", "Californian", "Dutch", "English Angora",
		"Harlequin", "Himalayan", "Holland Lop", "Mini Rex", "Netherland Dwarf",
		"New Zealand", "Polish", "Satin Angora", "Silver Fox", "Thrianta",
	};
	CHECK_INT(json_array_size(rows), 15);
	for (size_t i = 0; i < 15 && i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i);
		CHECK_STR(json_string_value(json_object_get(row, "name")), want[i]);
		bool nz = strcmp(want[i], "New Zealand") == 0;
		json_t *happy = json_object_get(row, "happy");
		CHECK(nz ? json_number_value(happy) == 1 : json_is_null(happy));
	}
	json_decref(rows);
}

/*
 * java/bunnies planned: the position deletes are read, the equality delete
 * is not, until the deletes of the file it applies to are asked for; the
 * re-inserted file (same sequence number as the delete) is not touched.
 */
static void test_equality_deletes_resolve_per_file(void)
{
	char path[2048];
	ll_error err = { 0 };
	ll_storage *s = foreign_storage("s3a");
	ll_testdata("iceberg-foreign/java/bunnies/metadata/v5.metadata.json", path, sizeof(path));
	ll_iceberg_plan p;
	CHECK_OK(ll_iceberg_plan_scan(s, path, LL_ICEBERG_NO_SNAPSHOT, &p, &err), &err);
	CHECK_INT(p.nfiles, 2);
	CHECK_INT(ll_iceberg_equality_deletes_loaded(p.equality), 0);
	for (size_t i = 0; i < p.nfiles; i++) {
		ll_iceberg_scan_file *f = &p.files[i];
		bool original = f->record_count == 21;
		CHECK(original ? f->record_count == 21 : f->record_count == 1);
		CHECK(f->equality_pending == original);
		CHECK_INT(f->ndeleted, original ? 6 : 0);
		const uint64_t *pos = NULL;
		size_t n = 0;
		CHECK_OK(ll_iceberg_plan_file_deletes(&p, i, &pos, &n, &err), &err);
		/* positions 2-6 and 11, and the one 'New Zealand' row */
		CHECK_INT(n, original ? 7 : 0);
		for (size_t k = 1; k < n; k++)
			CHECK(pos[k - 1] < pos[k]);
		CHECK_INT(ll_iceberg_equality_deletes_loaded(p.equality), original ? 1 : 0);
		if (original)
			break;
	}
	ll_iceberg_plan_free(&p);
	ll_storage_free(s);
}

/* The first snapshot of spark/bunnies, before its deletes and added column. */
static void test_time_travel(void)
{
	char path[2048];
	ll_error err = { 0 };
	ll_storage *s = foreign_storage("s3a");
	ll_testdata("iceberg-foreign/spark/bunnies/metadata/v5.metadata.json", path, sizeof(path));
	/* snapshot 1 appends 21 rows; snapshot 2 deletes one by position; 3 rewrites the file */
	ll_iceberg_plan now, first, second;
	CHECK_OK(ll_iceberg_plan_scan(s, path, LL_ICEBERG_NO_SNAPSHOT, &now, &err), &err);
	const ll_iceberg_metadata *md = now.table.md;
	CHECK(md && md->nsnapshots == 3);
	if (!md || md->nsnapshots != 3) {
		ll_iceberg_plan_free(&now);
		ll_storage_free(s);
		return;
	}
	CHECK_OK(ll_iceberg_plan_scan(s, path, md->snapshots[0].snapshot_id, &first, &err), &err);
	CHECK_OK(ll_iceberg_plan_scan(s, path, md->snapshots[1].snapshot_id, &second, &err), &err);
	CHECK_INT(first.rows, 21);
	CHECK_INT(second.rows, 20);
	CHECK(second.nfiles == 1 && second.files[0].ndeleted == 1 && second.files[0].deleted[0] == 0);
	CHECK_INT(second.deletes_skipped, 0);
	/* a filter leaving out the one data file leaves its position delete file unread */
	static const char zebra[] = "Zebra";
	const ll_iceberg_filter after_all = { 1, LL_ICEBERG_FILTER_GE, ll_iceberg_bytes(zebra, 5) };
	ll_iceberg_plan none;
	CHECK_OK(ll_iceberg_plan_scan_filtered(s, path, md->snapshots[1].snapshot_id, &after_all, 1, &none,
					       &err), &err);
	CHECK(none.nfiles == 0 && none.files_skipped == 1 && none.deletes_skipped == 1);
	ll_iceberg_plan_free(&none);
	CHECK_INT(now.rows, 20);
	CHECK(now.nfiles == 1 && now.files[0].ndeleted == 0);
	ll_iceberg_plan_free(&now);
	ll_iceberg_plan_free(&first);
	ll_iceberg_plan_free(&second);

	ll_storage_free(s);
}

/* Runs sql on spark/rename_column (three files, one per partition) and checks what was opened. */
static void check_pruned(const char *sql, size_t want_rows, uint64_t want_opened)
{
	ll_engine_stats stats = { 0 };
	json_t *rows = query_foreign("iceberg-foreign/spark/rename_column/metadata/v3.metadata.json", "s3a",
				     sql, &stats);
	CHECK_INT(json_array_size(rows), want_rows);
	CHECK_INT(stats.files_opened, want_opened);
	CHECK_INT(stats.files_pruned, 3 - want_opened);
	json_decref(rows);
}

/*
 * Files the manifests' bounds, null counts and identity partitions rule
 * out are never opened; the answer stays the same.
 */
static void test_engine_prunes_files_by_manifest_stats(void)
{
	check_pruned("SELECT name FROM t.x WHERE id = 4", 1, 1);
	check_pruned("SELECT name FROM t.x WHERE id > 100", 0, 0);
	check_pruned("SELECT name FROM t.x WHERE event_date IS NULL", 1, 1);
	check_pruned("SELECT name FROM t.x WHERE event_date = '2022-01-01'", 2, 1);
	check_pruned("SELECT name FROM t.x WHERE event_date >= '2022-01-02'", 1, 1);
	check_pruned("SELECT name FROM t.x WHERE name < 'G'", 2, 2);
	/* decimals are text in SQL ('9.99' > '1000'), whose order their bounds do not give */
	check_pruned("SELECT name FROM t.x WHERE price > 1000", 2, 3);
}

/* Plans spark/rename_column under filters; checks the files kept and what was skipped. */
static void check_filtered(const ll_iceberg_filter *filters, size_t n, size_t want_files,
			   size_t want_manifests_skipped, const char *want_first_file_part)
{
	char path[2048];
	ll_error err = { 0 };
	ll_storage *s = foreign_storage("s3a");
	ll_testdata("iceberg-foreign/spark/rename_column/metadata/v3.metadata.json", path, sizeof(path));
	ll_iceberg_plan p;
	CHECK_OK(ll_iceberg_plan_scan_filtered(s, path, LL_ICEBERG_NO_SNAPSHOT, filters, n, &p, &err), &err);
	CHECK_INT(p.nfiles, want_files);
	CHECK_INT(p.manifests_skipped, want_manifests_skipped);
	CHECK_INT(p.files_skipped, want_manifests_skipped ? 0 : 3 - want_files);
	if (want_first_file_part && p.nfiles && !strstr(p.files[0].location, want_first_file_part))
		fprintf(stderr, "kept %s, not a file under %s\n", p.files[0].location, want_first_file_part),
			ll_test_failures++;
	ll_iceberg_plan_free(&p);
	ll_storage_free(s);
}

/*
 * spark/rename_column: one manifest (partition summaries: bucket 0..3, date
 * 2022-01-01..2022-01-02 and null) of three files: ids 1, 2 on 2022-01-01
 * (bucket 0), id 4 on 2022-01-02 (bucket 2), id 3 with a null date
 * (bucket 3). Field ids: 1 id, 2 name, 3 event_date, 4 price, 5 active.
 */
static void test_planner_filters_skip_manifests_and_files(void)
{
	const int64_t jan1 = 18993, jan2 = 18994; /* days since 1970-01-01 */
	static const char thumper[] = "Thumper";
	/* bucket[4](4) and the id bounds single out one file */
	check_filtered(&(ll_iceberg_filter){ 1, LL_ICEBERG_FILTER_EQ, ll_iceberg_int(4) }, 1, 1, 0,
		       "date=2022-01-02");
	/* identity partitions: a null partition holds only nulls, a set one none */
	check_filtered(&(ll_iceberg_filter){ 3, LL_ICEBERG_FILTER_IS_NULL, ll_iceberg_null() }, 1, 1, 0,
		       "date=null");
	check_filtered(&(ll_iceberg_filter){ 3, LL_ICEBERG_FILTER_NOT_NULL, ll_iceberg_null() }, 1, 2, 0, NULL);
	check_filtered(&(ll_iceberg_filter){ 3, LL_ICEBERG_FILTER_EQ, ll_iceberg_int(jan1) }, 1, 1, 0,
		       "date=2022-01-01");
	check_filtered(&(ll_iceberg_filter){ 3, LL_ICEBERG_FILTER_LT, ll_iceberg_int(jan2) }, 1, 1, 0,
		       "date=2022-01-01");
	/* outside the manifest's date summary: the manifest is not even read */
	check_filtered(&(ll_iceberg_filter){ 3, LL_ICEBERG_FILTER_GT, ll_iceberg_int(jan2) }, 1, 0, 1, NULL);
	check_filtered(&(ll_iceberg_filter){ 3, LL_ICEBERG_FILTER_LT, ll_iceberg_int(jan1) }, 1, 0, 1, NULL);
	/* string and decimal bounds */
	check_filtered(&(ll_iceberg_filter){ 2, LL_ICEBERG_FILTER_EQ, ll_iceberg_bytes(thumper, 7) }, 1, 1, 0,
		       "date=2022-01-02");
	check_filtered(&(ll_iceberg_filter){ 4, LL_ICEBERG_FILTER_GT, ll_iceberg_decimal_from_int64(100000) },
		       1, 1, 0, "date=2022-01-02");
	check_filtered(&(ll_iceberg_filter){ 4, LL_ICEBERG_FILTER_LT, ll_iceberg_decimal_from_int64(-100) },
		       1, 1, 0, "date=2022-01-01");
	/* filters combine; a field the schema lacks rules nothing out */
	const ll_iceberg_filter both[] = { { 1, LL_ICEBERG_FILTER_LE, ll_iceberg_int(3) },
					   { 5, LL_ICEBERG_FILTER_EQ, { .b = true } } };
	check_filtered(both, 2, 2, 0, NULL);
	check_filtered(&(ll_iceberg_filter){ 99, LL_ICEBERG_FILTER_EQ, ll_iceberg_int(1) }, 1, 3, 0, NULL);
}

/*
 * Partition tuples as equality deletes match them: by value of the
 * transform's result type, so an empty string equals an empty string and
 * integers compare by value, never by how their bytes happen to lie.
 */
static void test_partition_tuples_compare_by_type(void)
{
	const ll_iceberg_field cols[] = {
		{ .id = 1, .name = "s", .type = ll_iceberg_primitive(LL_ICEBERG_STRING) },
		{ .id = 2, .name = "n", .type = ll_iceberg_primitive(LL_ICEBERG_LONG) },
	};
	ll_iceberg_schema schema = { .type = { .kind = LL_ICEBERG_STRUCT, .fields = cols, .nfields = 2 } };
	const ll_iceberg_partition_field fields[] = {
		{ .source_id = 1, .field_id = 1000, .name = "s", .transform = { LL_ICEBERG_TRANSFORM_IDENTITY, 0, NULL } },
		{ .source_id = 2, .field_id = 1001, .name = "n_bucket", .transform = { LL_ICEBERG_TRANSFORM_BUCKET, 8, NULL } },
	};
	ll_iceberg_partition_spec spec = { .spec_id = 0, .fields = fields, .nfields = 2 };
	char empty1[1] = "", empty2[1] = "";
	const ll_iceberg_value a[] = { ll_iceberg_bytes(empty1, 0), ll_iceberg_int(5) };
	const ll_iceberg_value same[] = { ll_iceberg_bytes(empty2, 0), ll_iceberg_int(5) };
	const ll_iceberg_value other_int[] = { ll_iceberg_bytes(empty2, 0), ll_iceberg_int(6) };
	const ll_iceberg_value other_text[] = { ll_iceberg_bytes("x", 1), ll_iceberg_int(5) };
	const ll_iceberg_value nulls[] = { ll_iceberg_null(), ll_iceberg_null() };
	CHECK(ll_iceberg_partitions_equal(&spec, &schema, a, same, 2));
	CHECK(!ll_iceberg_partitions_equal(&spec, &schema, a, other_int, 2));
	CHECK(!ll_iceberg_partitions_equal(&spec, &schema, a, other_text, 2));
	CHECK(!ll_iceberg_partitions_equal(&spec, &schema, a, nulls, 2));
	CHECK(ll_iceberg_partitions_equal(&spec, &schema, nulls, nulls, 2));
}

/*
 * A column a data file does not store reads as its identity partition
 * value, in the form the Parquet reader gives the column: decimals as
 * plain text with their scale, uuids in canonical form.
 */
static void test_identity_partition_values_for_missing_columns(void)
{
	static const ll_iceberg_type dec8 = { .kind = LL_ICEBERG_DECIMAL, .precision = 18, .scale = 8 };
	static const ll_iceberg_type dec2 = { .kind = LL_ICEBERG_DECIMAL, .precision = 10, .scale = 2 };
	const ll_iceberg_field cols[] = {
		{ .id = 1, .name = "region", .type = ll_iceberg_primitive(LL_ICEBERG_STRING) },
		{ .id = 2, .name = "tiny", .type = &dec8 },
		{ .id = 3, .name = "price", .type = &dec2 },
		{ .id = 4, .name = "u", .type = ll_iceberg_primitive(LL_ICEBERG_UUID) },
		{ .id = 5, .name = "day", .type = ll_iceberg_primitive(LL_ICEBERG_DATE) },
		{ .id = 6, .name = "n", .type = ll_iceberg_primitive(LL_ICEBERG_LONG) },
	};
	ll_iceberg_partition_field fields[6];
	for (int i = 0; i < 6; i++)
		fields[i] = (ll_iceberg_partition_field){ .source_id = i + 1, .field_id = 1000 + i,
							  .name = cols[i].name,
							  .transform = { LL_ICEBERG_TRANSFORM_IDENTITY, 0, NULL } };
	fields[5].transform = (ll_iceberg_transform){ LL_ICEBERG_TRANSFORM_BUCKET, 4, NULL };
	ll_iceberg_partition_spec spec = { .spec_id = 0, .fields = fields, .nfields = 6 };
	static const uint8_t uuid[16] = { 0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd,
					  0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7 };
	const ll_iceberg_value values[] = { ll_iceberg_bytes("eu", 2), ll_iceberg_decimal_from_int64(1),
					    ll_iceberg_decimal_from_int64(-5), ll_iceberg_bytes(uuid, 16),
					    ll_iceberg_null(), ll_iceberg_int(3) };
	ll_iceberg_data_file f = { .partition = values, .npartition = 6, .record_count = 10 };
	ll_arena arena;
	ll_arena_init(&arena, 0);
	static const char *const want[] = { "eu", "0.00000001", "-0.05",
					    "f79c3e09-677c-4bbd-a479-3f349cb785e7" };
	for (int i = 0; i < 4; i++) {
		ll_value v;
		CHECK(ll_iceberg_scan_file_identity(&f, &spec, &cols[i], &arena, &v));
		CHECK(!v.is_null && v.len == strlen(want[i]) && memcmp(v.s, want[i], v.len) == 0);
	}
	ll_value v;
	CHECK(ll_iceberg_scan_file_identity(&f, &spec, &cols[4], &arena, &v) && v.is_null);
	/* bucket[4] says which bucket, not the value */
	CHECK(!ll_iceberg_scan_file_identity(&f, &spec, &cols[5], &arena, &v));
	ll_arena_free(&arena);
}

static void test_damaged_input_names_the_file(void)
{
	char dir[1024], md_path[4200], root[1024];
	ll_error err = { 0 };
	ll_test_tmpdir("iceberg_scan_damaged", dir, sizeof(dir));
	ll_testdata("iceberg-foreign/spark/bunnies/metadata/v5.metadata.json", root, sizeof(root));
	ll_buf text = LL_BUF_INIT;
	CHECK_OK(ll_fs_read_all(root, &text, &err), &err);
	/* the current snapshot (the last one listed) names a manifest list that is not there */
	char *at = NULL;
	for (char *p = strstr(text.data, "snap-"); p; p = strstr(p + 1, "snap-"))
		at = p;
	if (at)
		memcpy(at, "snaq-", 5);
	char abs[4096];
	snprintf(md_path, sizeof(md_path), "%s/v5.metadata.json", realpath(dir, abs) ? abs : dir);
	CHECK_OK(ll_fs_write_atomic(md_path, text.data, text.len, &err), &err);
	ll_storage *s = foreign_storage("s3a");
	ll_iceberg_plan p;
	ll_status st = ll_iceberg_plan_scan(s, md_path, LL_ICEBERG_NO_SNAPSHOT, &p, &err);
	CHECK(st == LL_ENOTFOUND);
	if (st == LL_OK)
		ll_iceberg_plan_free(&p);
	else if (!strstr(err.message, "snaq-"))
		fprintf(stderr, "missing manifest list: %s\n", err.message), ll_test_failures++;
	/* a format version nobody writes yet */
	const char *fv = "\"format-version\" : 2";
	char *v = strstr(text.data, fv);
	if (!v)
		v = strstr(text.data, "\"format-version\":2");
	CHECK(v != NULL);
	if (v) {
		char *digit = strchr(v, '2');
		*digit = '9';
	}
	CHECK_OK(ll_fs_write_atomic(md_path, text.data, text.len, &err), &err);
	st = ll_iceberg_plan_scan(s, md_path, LL_ICEBERG_NO_SNAPSHOT, &p, &err);
	CHECK(st == LL_EFORMAT);
	if (st != LL_EFORMAT || !strstr(err.message, "format-version 9"))
		fprintf(stderr, "format version 9: %d %s\n", st, err.message), ll_test_failures++;
	ll_buf_free(&text);
	ll_storage_free(s);
}

/* Plans the copy of spark/rename_column under root; expects failure st naming `names`. */
static void check_plan_fails(const char *root, ll_status want, const char *names)
{
	char path[PATH_MAX + 128];
	ll_error err = { 0 };
	ll_storage *s = mapped_storage("s3a", root);
	snprintf(path, sizeof(path), "%s/spark/rename_column/metadata/v3.metadata.json", root);
	ll_iceberg_plan p;
	ll_status st = ll_iceberg_plan_scan(s, path, LL_ICEBERG_NO_SNAPSHOT, &p, &err);
	CHECK_INT(st, want);
	if (st == LL_OK)
		ll_iceberg_plan_free(&p);
	else if (!strstr(err.message, names) && !strstr(err.file, names))
		fprintf(stderr, "error does not name %s: %s\n", names, err.message), ll_test_failures++;
	ll_storage_free(s);
}

/*
 * A copy of spark/rename_column damaged file by file: a missing or
 * malformed manifest, and a data file that is not Parquet, each fail with
 * the file's name, at planning or at the query.
 */
static void test_damaged_table_files(void)
{
	char dir[1024], root[PATH_MAX], src[1024], cmd[2 * PATH_MAX + 64], manifest[PATH_MAX + 128];
	ll_error err = { 0 };
	ll_test_tmpdir("iceberg_scan_damaged_files", dir, sizeof(dir));
	if (!realpath(dir, root))
		snprintf(root, sizeof(root), "%s", dir);
	ll_testdata("iceberg-foreign/spark", src, sizeof(src));
	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s/spark'", src, root);
	CHECK(system(cmd) == 0);
	const char *m0 = "abf62b15-903b-40b6-9e6b-26bcdceac9b3-m0.avro";
	snprintf(manifest, sizeof(manifest), "%s/spark/rename_column/metadata/%s", root, m0);
	ll_buf good = LL_BUF_INIT;
	CHECK_OK(ll_fs_read_all(manifest, &good, &err), &err);

	CHECK(remove(manifest) == 0);
	check_plan_fails(root, LL_ENOTFOUND, m0);
	static const char junk[] = "Obj\x01 this is not an Avro container";
	CHECK_OK(ll_fs_write_atomic(manifest, junk, sizeof(junk) - 1, &err), &err);
	check_plan_fails(root, LL_EFORMAT, m0);
	CHECK_OK(ll_fs_write_atomic(manifest, good.data, good.len / 2, &err), &err);
	check_plan_fails(root, LL_EFORMAT, m0);
	CHECK_OK(ll_fs_write_atomic(manifest, good.data, good.len, &err), &err);
	check_plan_fails(root, LL_OK, m0);

	/* the data file of 2022-01-02 is not Parquet: planning works, reading it fails */
	char data_dir[PATH_MAX + 128];
	snprintf(data_dir, sizeof(data_dir), "%s/spark/rename_column/data/id_bucket=2/date=2022-01-02", root);
	char **names = NULL;
	size_t n = 0;
	CHECK_OK(ll_fs_list(data_dir, &names, &n, &err), &err);
	CHECK_INT(n, 1);
	if (n == 1) {
		char data[2 * PATH_MAX];
		snprintf(data, sizeof(data), "%s/%s", data_dir, names[0]);
		CHECK_OK(ll_fs_write_atomic(data, junk, sizeof(junk) - 1, &err), &err);
		foreign f = { 0 };
		f.storage = mapped_storage("s3a", root);
		char loc[PATH_MAX + 128];
		snprintf(loc, sizeof(loc), "%s/spark/rename_column/metadata/v3.metadata.json", root);
		f.ct = (ll_catalog_table){ .dataset = "t", .name = "x", .format = LL_FORMAT_ICEBERG,
					   .metadata_location = loc };
		CHECK_OK(ll_iceberg_engine_table_open(f.storage, &f.ct, &f.it, &f.et, &err), &err);
		ll_engine_provider provider = { &f, list_one, NULL, open_source, NULL };
		ll_engine *e = NULL;
		CHECK_OK(ll_engine_open(&e, &provider, &err), &err);
		json_t *rows = json_array();
		/* the other files are fine, and a query that does not need this one never opens it */
		CHECK_OK(ll_engine_query(e, "SELECT name FROM t.x WHERE id <> 4 AND event_date IS NULL",
					 collect_row, rows, &err), &err);
		ll_status st = ll_engine_query(e, "SELECT name FROM t.x", collect_row, rows, &err);
		CHECK_INT(st, LL_EFORMAT);
		if (!strstr(err.message, names[0]) && !strstr(err.file, names[0]))
			fprintf(stderr, "error does not name %s: %s\n", names[0], err.message), ll_test_failures++;
		json_decref(rows);
		ll_engine_free(e);
		ll_iceberg_engine_table_free(f.it);
		ll_storage_free(f.storage);
	}
	ll_fs_free_list(names, n);
	ll_buf_free(&good);
}

LL_TEST_MAIN(LL_TEST(test_spark_bunnies), LL_TEST(test_spark_rename_column),
	     LL_TEST(test_athena_example), LL_TEST(test_java_bunnies_equality_deletes),
	     LL_TEST(test_equality_deletes_resolve_per_file),
	     LL_TEST(test_time_travel),
	     LL_TEST(test_engine_prunes_files_by_manifest_stats),
	     LL_TEST(test_planner_filters_skip_manifests_and_files),
	     LL_TEST(test_partition_tuples_compare_by_type),
	     LL_TEST(test_identity_partition_values_for_missing_columns), LL_TEST(test_damaged_input_names_the_file),
	     LL_TEST(test_damaged_table_files))
