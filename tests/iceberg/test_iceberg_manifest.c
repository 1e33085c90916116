/*
 * Manifests and manifest lists: every one of the foreign reference tables
 * (Spark, Java, Athena) read by lakeload gives what the official Apache
 * Avro library (python3-avro, tests/iceberg/manifest_check.py) reads from
 * the same file; manifests lakeload writes are read back the same way by
 * both, carry the spec's header metadata and field ids, and corrupt files
 * are errors naming the file.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/iceberg/manifest.h"
#include "formats/iceberg/metadata.h"
#include "test.h"
#include "util/fs.h"

#define FOREIGN_BUCKET "://hyperparam-iceberg/"

/* A location of the reference tables (s3:// or s3a://) as a local path. */
static void local_path(const char *location, char *out, size_t size)
{
	char root[1024];
	ll_testdata("iceberg-foreign/", root, sizeof(root));
	const char *at = strstr(location, FOREIGN_BUCKET);
	if (at)
		snprintf(out, size, "%s%s", root, at + strlen(FOREIGN_BUCKET));
	else
		snprintf(out, size, "%s", location);
}

/* The lines manifest_check.py prints for a file, each parsed as JSON, as one array. */
static json_t *python_view(const char *kind, const char *path)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/tests/iceberg/manifest_check.py' %s '%s'",
		 getenv("LL_SOURCE_DIR"), kind, path);
	FILE *p = popen(cmd, "r");
	json_t *all = json_array();
	char line[65536];
	while (p && fgets(line, sizeof(line), p)) {
		json_error_t jerr;
		json_t *v = json_loads(line, 0, &jerr);
		CHECK(v != NULL);
		json_array_append_new(all, v);
	}
	CHECK(p && pclose(p) == 0);
	return all;
}

static char *hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
	return out;
}

static json_t *partition_json(const ll_iceberg_value *v, const ll_iceberg_type *t)
{
	char buf[512];
	if (v->is_null)
		return json_null();
	switch (t->kind) {
	case LL_ICEBERG_STRING: return json_stringn((const char *)v->bytes.data, v->bytes.len);
	case LL_ICEBERG_BINARY:
	case LL_ICEBERG_FIXED: return json_string(hex(v->bytes.data, v->bytes.len, buf));
	case LL_ICEBERG_BOOLEAN: return json_boolean(v->b);
	case LL_ICEBERG_DOUBLE: return json_real(v->d);
	default: return json_integer(v->i);
	}
}

static int compare_keys(const void *a, const void *b)
{
	return ((const ll_iceberg_column_stats *)a)->field_id - ((const ll_iceberg_column_stats *)b)->field_id;
}

/* lakeload's view of a manifest entry, in manifest_check.py's form. */
static json_t *entry_json(const ll_iceberg_manifest_entry *e, const ll_iceberg_type *const *types)
{
	const ll_iceberg_data_file *f = &e->file;
	json_t *part = json_array(), *ids = json_array(), *lower = json_array();
	for (size_t i = 0; i < f->npartition; i++)
		json_array_append_new(part, partition_json(&f->partition[i], types[i]));
	for (size_t i = 0; i < f->nequality_ids; i++)
		json_array_append_new(ids, json_integer(f->equality_ids[i]));
	ll_iceberg_column_stats *sorted = calloc(f->nstats + 1, sizeof(*sorted));
	memcpy(sorted, f->stats, f->nstats * sizeof(*sorted));
	qsort(sorted, f->nstats, sizeof(*sorted), compare_keys);
	for (size_t i = 0; i < f->nstats; i++) {
		char buf[4096];
		if (sorted[i].lower && sorted[i].lower_len < 2000)
			json_array_append_new(lower, json_pack("[i,s]", sorted[i].field_id,
							       hex(sorted[i].lower, sorted[i].lower_len, buf)));
	}
	free(sorted);
	return json_pack("[i,i,s,I,I,o,o,o]", (int)e->status, (int)f->content, f->file_path,
			 (json_int_t)f->record_count, (json_int_t)f->file_size_in_bytes, part, ids, lower);
}

static void read_file(const char *path, ll_buf *out)
{
	ll_error err = { 0 };
	ll_buf_clear(out);
	CHECK_OK(ll_fs_read_all(path, out, &err), &err);
}

/* Every manifest of every snapshot of a reference table, compared with python3-avro. */
static void check_foreign_table(const char *metadata_rel)
{
	char path[2048];
	ll_error err = { 0 };
	ll_buf text = LL_BUF_INIT, bytes = LL_BUF_INIT;
	read_file(ll_testdata(metadata_rel, path, sizeof(path)), &text);
	ll_iceberg_metadata *md = NULL;
	CHECK_OK(ll_iceberg_metadata_parse(text.data, text.len, path, &md, &err), &err);
	if (!md)
		return;
	ll_arena arena;
	ll_arena_init(&arena, 0);
	size_t manifests_seen = 0;
	for (size_t s = 0; s < md->nsnapshots; s++) {
		local_path(md->snapshots[s].manifest_list, path, sizeof(path));
		read_file(path, &bytes);
		ll_iceberg_manifest_file *list = NULL;
		size_t n = 0;
		CHECK_OK(ll_iceberg_manifest_list_read(bytes.data, bytes.len, path, &arena, &list, &n, &err), &err);
		json_t *py = python_view("list", path);
		CHECK_INT(json_array_size(py), n);
		for (size_t i = 0; i < n && i < json_array_size(py); i++) {
			const ll_iceberg_manifest_file *m = &list[i];
			json_t *mine = json_pack("[s,I,i,i,I,i,I,i]", m->manifest_path,
						 (json_int_t)m->manifest_length, (int)m->partition_spec_id,
						 m->content == LL_ICEBERG_CONTENT_DATA ? 0 : 1,
						 (json_int_t)m->sequence_number, (int)m->added_files_count,
						 (json_int_t)m->added_rows_count, (int)m->npartitions);
			if (!json_equal(mine, json_array_get(py, i))) {
				char *a = json_dumps(mine, 0), *b = json_dumps(json_array_get(py, i), 0);
				fprintf(stderr, "manifest list %s entry %zu:\n  lakeload %s\n  python   %s\n", path, i, a, b);
				free(a);
				free(b);
				ll_test_failures++;
			}
			json_decref(mine);
			const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_spec(md, m->partition_spec_id);
			CHECK(spec != NULL);
			if (!spec)
				continue;
			char mpath[2048];
			local_path(m->manifest_path, mpath, sizeof(mpath));
			read_file(mpath, &bytes);
			ll_iceberg_manifest_entry *entries = NULL;
			size_t ne = 0;
			const ll_iceberg_schema *schema = ll_iceberg_metadata_current_schema(md);
			CHECK_OK(ll_iceberg_manifest_read(bytes.data, bytes.len, mpath, m, spec, schema, &arena,
							  &entries, &ne, &err), &err);
			const ll_iceberg_type *types[16];
			for (size_t k = 0; k < spec->nfields && k < 16; k++) {
				const ll_iceberg_field *src = ll_iceberg_schema_find_field(schema, spec->fields[k].source_id);
				CHECK_OK(ll_iceberg_transform_result_type(&spec->fields[k].transform, src->type, &types[k], &err), &err);
			}
			json_t *pm = python_view("manifest", mpath);
			CHECK_INT(json_array_size(pm), ne);
			for (size_t e = 0; e < ne && e < json_array_size(pm); e++) {
				json_t *mine_e = entry_json(&entries[e], types);
				if (!json_equal(mine_e, json_array_get(pm, e))) {
					char *a = json_dumps(mine_e, 0), *b = json_dumps(json_array_get(pm, e), 0);
					fprintf(stderr, "manifest %s entry %zu:\n  lakeload %s\n  python   %s\n", mpath, e, a, b);
					free(a);
					free(b);
					ll_test_failures++;
				}
				json_decref(mine_e);
				/* inherited numbers: an added entry has its manifest's snapshot and sequence */
				if (entries[e].status == LL_ICEBERG_ENTRY_ADDED && md->format_version >= 2)
					CHECK_INT(entries[e].sequence_number, m->sequence_number);
				CHECK(entries[e].snapshot_id > 0);
			}
			json_decref(pm);
			manifests_seen++;
		}
		json_decref(py);
	}
	CHECK(manifests_seen > 0);
	ll_arena_free(&arena);
	ll_iceberg_metadata_free(md);
	ll_buf_free(&text);
	ll_buf_free(&bytes);
}

static void test_reads_spark_bunnies(void) { check_foreign_table("iceberg-foreign/spark/bunnies/metadata/v5.metadata.json"); }
static void test_reads_spark_rename_column(void) { check_foreign_table("iceberg-foreign/spark/rename_column/metadata/v3.metadata.json"); }
static void test_reads_java_bunnies(void) { check_foreign_table("iceberg-foreign/java/bunnies/metadata/v5.metadata.json"); }
static void test_reads_athena_example(void)
{
	check_foreign_table("iceberg-foreign/athena/example/metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json");
}

/* A table schema and a spec with identity, month, bucket and truncate fields. */
static const char schema_json[] =
	"{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
	"{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
	"{\"id\":2,\"name\":\"name\",\"required\":false,\"type\":\"string\"},"
	"{\"id\":3,\"name\":\"ts\",\"required\":false,\"type\":\"timestamptz\"},"
	"{\"id\":4,\"name\":\"amount\",\"required\":false,\"type\":\"double\"}]}";
static const char spec_json[] =
	"{\"spec-id\":0,\"fields\":["
	"{\"source-id\":2,\"field-id\":1000,\"name\":\"name\",\"transform\":\"identity\"},"
	"{\"source-id\":3,\"field-id\":1001,\"name\":\"ts_month\",\"transform\":\"month\"},"
	"{\"source-id\":1,\"field-id\":1002,\"name\":\"id_bucket\",\"transform\":\"bucket[16]\"},"
	"{\"source-id\":2,\"field-id\":1003,\"name\":\"name_trunc\",\"transform\":\"truncate[4]\"}]}";

typedef struct written_table {
	json_t *sj, *pj;
	ll_arena arena;
	ll_iceberg_schema schema;
	ll_iceberg_partition_spec spec;
} written_table;

static void written_table_init(written_table *t)
{
	ll_error err = { 0 };
	json_error_t jerr;
	ll_arena_init(&t->arena, 0);
	t->sj = json_loads(schema_json, 0, &jerr);
	t->pj = json_loads(spec_json, 0, &jerr);
	CHECK_OK(ll_iceberg_schema_parse(t->sj, &t->arena, "schema", true, 0, &t->schema, &err), &err);
	CHECK_OK(ll_iceberg_partition_spec_parse(t->pj, &t->arena, "spec", false, true, &t->spec, &err), &err);
}

static void written_table_free(written_table *t)
{
	json_decref(t->sj);
	json_decref(t->pj);
	ll_arena_free(&t->arena);
}

static void test_write_then_read_both_ways(void)
{
	written_table t;
	written_table_init(&t);
	ll_error err = { 0 };
	static const uint8_t lo[] = { 1, 0, 0, 0, 0, 0, 0, 0 }, hi[] = { 9, 0, 0, 0, 0, 0, 0, 0 };
	ll_iceberg_column_stats stats[] = {
		{ 1, 80, 3, 0, -1, lo, 8, hi, 8 },
		{ 2, 40, 3, 1, -1, (const uint8_t *)"ab", 2, (const uint8_t *)"zz", 2 },
	};
	ll_iceberg_value parts[3][4] = {
		{ ll_iceberg_bytes("apple", 5), ll_iceberg_int(650), ll_iceberg_int(3), ll_iceberg_bytes("appl", 4) },
		{ ll_iceberg_null(), ll_iceberg_null(), ll_iceberg_int(15), ll_iceberg_null() },
		{ ll_iceberg_bytes("kiwi", 4), ll_iceberg_int(-2), ll_iceberg_int(0), ll_iceberg_bytes("kiwi", 4) },
	};
	int64_t offsets[] = { 4 };
	int32_t eq[] = { 1, 2 };
	ll_iceberg_manifest_entry entries[3];
	for (int i = 0; i < 3; i++) {
		entries[i] = (ll_iceberg_manifest_entry){
			.status = i == 2 ? LL_ICEBERG_ENTRY_EXISTING : LL_ICEBERG_ENTRY_ADDED,
			.snapshot_id = 77, .sequence_number = i == 2 ? 3 : 5, .file_sequence_number = 5,
			.file = { .content = LL_ICEBERG_CONTENT_DATA, .file_path = i == 0 ? "file:///l/a.parquet" : i == 1 ? "file:///l/b c.parquet" : "file:///l/ü.parquet",
				  .file_format = "PARQUET", .partition = parts[i], .npartition = 4,
				  .record_count = 3 + i, .file_size_in_bytes = 1000 + i, .stats = stats,
				  .nstats = 2, .split_offsets = offsets, .nsplit_offsets = 1 } };
	}
	ll_iceberg_manifest_target target = { 2, &t.schema, &t.spec, false, 77, 5 };
	ll_buf out = LL_BUF_INIT;
	ll_iceberg_manifest_file summary;
	CHECK_OK(ll_iceberg_manifest_write(&target, entries, 3, &t.arena, &out, &summary, &err), &err);
	CHECK_INT(summary.added_files_count, 2);
	CHECK_INT(summary.existing_files_count, 1);
	CHECK_INT(summary.added_rows_count, 3 + 4);
	CHECK_INT(summary.min_sequence_number, 3);
	CHECK_INT(summary.npartitions, 4);
	CHECK(summary.partitions[0].contains_null && !summary.partitions[2].contains_null);
	CHECK(summary.partitions[0].lower_len == 5 && memcmp(summary.partitions[0].lower, "apple", 5) == 0);
	CHECK(summary.partitions[0].upper_len == 4 && memcmp(summary.partitions[0].upper, "kiwi", 4) == 0);
	CHECK(summary.partitions[1].lower_len == 4 && (int32_t)(summary.partitions[1].lower[0] | summary.partitions[1].lower[1] << 8 | summary.partitions[1].lower[2] << 16 | (uint32_t)summary.partitions[1].lower[3] << 24) == -2);

	char dir[1024], path[1200];
	ll_test_tmpdir("iceberg_manifest", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/m0.avro", dir);
	CHECK_OK(ll_fs_write_atomic(path, out.data, out.len, &err), &err);
	summary.manifest_path = path;
	summary.manifest_length = (int64_t)out.len;

	/* read back by lakeload */
	ll_iceberg_manifest_entry *back = NULL;
	size_t n = 0;
	CHECK_OK(ll_iceberg_manifest_read(out.data, out.len, path, &summary, &t.spec, &t.schema, &t.arena, &back, &n, &err), &err);
	CHECK_INT(n, 3);
	const ll_iceberg_type *types[4];
	for (int k = 0; k < 4; k++) {
		const ll_iceberg_field *src = ll_iceberg_schema_find_field(&t.schema, t.spec.fields[k].source_id);
		CHECK_OK(ll_iceberg_transform_result_type(&t.spec.fields[k].transform, src->type, &types[k], &err), &err);
	}
	json_t *py = python_view("manifest", path);
	CHECK_INT(json_array_size(py), 3);
	for (size_t i = 0; i < n && i < json_array_size(py); i++) {
		json_t *mine = entry_json(&back[i], types);
		json_t *orig = entry_json(&entries[i], types);
		CHECK(json_equal(mine, orig));
		if (!json_equal(mine, json_array_get(py, i))) {
			char *a = json_dumps(mine, 0), *b = json_dumps(json_array_get(py, i), 0);
			fprintf(stderr, "written manifest entry %zu:\n  lakeload %s\n  python   %s\n", i, a, b);
			free(a);
			free(b);
			ll_test_failures++;
		}
		json_decref(mine);
		json_decref(orig);
		CHECK_INT(back[i].sequence_number, entries[i].sequence_number);
		CHECK_INT(back[i].file.nsplit_offsets, 1);
	}
	json_decref(py);

	/* the header and field ids other readers rely on */
	json_t *headers = python_view("header", path);
	json_t *header = json_array_get(headers, 0);
	json_t *meta = json_object_get(header, "meta"), *ids = json_object_get(header, "ids");
	const char *keys[] = { "content", "format-version", "partition-spec", "partition-spec-id", "schema", "schema-id" };
	CHECK_INT(json_array_size(meta), 6);
	for (size_t i = 0; i < 6 && i < json_array_size(meta); i++)
		CHECK_STR(json_string_value(json_array_get(meta, i)), keys[i]);
	struct { const char *path; int id; } want[] = {
		{ "status", 0 }, { "snapshot_id", 1 }, { "sequence_number", 3 }, { "file_sequence_number", 4 },
		{ "data_file", 2 }, { "data_file.content", 134 }, { "data_file.file_path", 100 },
		{ "data_file.partition", 102 }, { "data_file.partition.name", 1000 },
		{ "data_file.partition.id_bucket", 1002 }, { "data_file.record_count", 103 },
		{ "data_file.value_counts", 109 }, { "data_file.value_counts.key", 119 },
		{ "data_file.value_counts.value", 120 }, { "data_file.lower_bounds.value", 127 },
		{ "data_file.equality_ids", 135 }, { "data_file.sort_order_id", 140 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		json_t *got = json_object_get(ids, want[i].path);
		if (!got || json_integer_value(got) != want[i].id) {
			fprintf(stderr, "field id of %s: %lld, expected %d\n", want[i].path,
				got ? (long long)json_integer_value(got) : -1LL, want[i].id);
			ll_test_failures++;
		}
	}
	json_decref(headers);

	/* delete files: content and equality ids */
	entries[0].file.content = LL_ICEBERG_CONTENT_EQUALITY_DELETES;
	entries[0].file.equality_ids = eq;
	entries[0].file.nequality_ids = 2;
	target.deletes = true;
	ll_buf_clear(&out);
	CHECK_OK(ll_iceberg_manifest_write(&target, entries, 1, &t.arena, &out, &summary, &err), &err);
	CHECK(summary.content == LL_ICEBERG_CONTENT_POSITION_DELETES);
	summary.content = LL_ICEBERG_CONTENT_POSITION_DELETES;
	CHECK_OK(ll_iceberg_manifest_read(out.data, out.len, "deletes", &summary, &t.spec, &t.schema, &t.arena, &back, &n, &err), &err);
	CHECK(n == 1 && back[0].file.content == LL_ICEBERG_CONTENT_EQUALITY_DELETES && back[0].file.nequality_ids == 2);

	/* manifest list */
	summary.manifest_path = path;
	ll_iceberg_manifest_list_target lt = { 2, 88, LL_ICEBERG_NO_SNAPSHOT, 5 };
	ll_buf list = LL_BUF_INIT;
	CHECK_OK(ll_iceberg_manifest_list_write(&lt, &summary, 1, &list, &err), &err);
	snprintf(path, sizeof(path), "%s/snap.avro", dir);
	CHECK_OK(ll_fs_write_atomic(path, list.data, list.len, &err), &err);
	ll_iceberg_manifest_file *mf = NULL;
	CHECK_OK(ll_iceberg_manifest_list_read(list.data, list.len, path, &t.arena, &mf, &n, &err), &err);
	CHECK(n == 1 && mf[0].content == LL_ICEBERG_CONTENT_POSITION_DELETES && mf[0].npartitions == 4);
	CHECK(n == 1 && mf[0].partitions[0].lower_len == 5);
	json_t *pl = python_view("list", path);
	CHECK_INT(json_array_size(pl), 1);
	CHECK_INT(json_integer_value(json_array_get(json_array_get(pl, 0), 3)), 1);
	json_decref(pl);
	json_t *lheaders = python_view("header", path);
	json_t *lh = json_array_get(lheaders, 0);
	const char *lkeys[] = { "format-version", "parent-snapshot-id", "sequence-number", "snapshot-id" };
	for (size_t i = 0; i < 4; i++)
		CHECK_STR(json_string_value(json_array_get(json_object_get(lh, "meta"), i)), lkeys[i]);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(lh, "ids"), "partitions.contains_null")), 509);
	json_decref(lheaders);

	/* corrupt input: errors name the file, nothing crashes */
	for (size_t cut = 0; cut < out.len; cut += out.len / 23 + 1) {
		ll_error e2 = { 0 };
		ll_iceberg_manifest_entry *x = NULL;
		size_t nx = 0;
		ll_status st = ll_iceberg_manifest_read(out.data, cut, "cut.avro", &summary, &t.spec, &t.schema, &t.arena, &x, &nx, &e2);
		CHECK(st == LL_EFORMAT || st == LL_OK);
		if (st != LL_OK)
			CHECK(strstr(e2.file, "cut.avro") || strstr(e2.message, "cut.avro"));
	}
	ll_error e3 = { 0 };
	ll_iceberg_manifest_entry *x = NULL;
	CHECK(ll_iceberg_manifest_read(list.data, list.len, "snap.avro", &summary, &t.spec, &t.schema, &t.arena, &x, &n, &e3) == LL_EFORMAT);
	CHECK(strstr(e3.message, "not an Iceberg manifest") != NULL);
	ll_buf_free(&list);
	ll_buf_free(&out);
	written_table_free(&t);
}

LL_TEST_MAIN(LL_TEST(test_reads_spark_bunnies), LL_TEST(test_reads_spark_rename_column),
	     LL_TEST(test_reads_java_bunnies), LL_TEST(test_reads_athena_example),
	     LL_TEST(test_write_then_read_both_ways))
