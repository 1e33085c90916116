/*
 * Metadata lakeload writes, read by a reader nobody here wrote: each
 * reference table's metadata is parsed, written by ll_iceberg_metadata_write
 * to a file, and icebird (tests/interop, run by icebird_rows.mjs under node)
 * reads the table's manifests and data files through that file. It must
 * return the rows of the folder's expected files. A second pass changes the
 * model before writing (the renamed column's older schema made current) and
 * checks that icebird follows the change.
 *
 * A missing node or icebird is a failure, not a skip, as in the other
 * interop tests.
 */
#include <jansson.h>

#include "formats/iceberg/metadata.h"
#include "test.h"
#include "util/fs.h"

static ll_iceberg_metadata *parse_file(const char *rel)
{
	char path[1024];
	ll_buf text = LL_BUF_INIT;
	ll_error err;
	ll_iceberg_metadata *md = NULL;
	CHECK_OK(ll_fs_read_all(ll_testdata(rel, path, sizeof(path)), &text, &err), &err);
	CHECK_OK(ll_iceberg_metadata_parse(text.data, text.len, rel, &md, &err), &err);
	ll_buf_free(&text);
	return md;
}

/* Writes md to dir/name and returns what icebird reads through it (NULL on failure). */
static json_t *icebird_rows(const ll_iceberg_metadata *md, const char *dir, const char *name)
{
	char path[1024], bucket[1024], cmd[4096];
	ll_buf text = LL_BUF_INIT;
	ll_error err;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK_OK(ll_iceberg_metadata_write(md, &text, &err), &err);
	CHECK_OK(ll_fs_write_atomic(path, text.data, text.len, &err), &err);
	ll_buf_free(&text);
	const char *src = getenv("LL_SOURCE_DIR");
	snprintf(cmd, sizeof(cmd), "node '%s/tests/iceberg/icebird_rows.mjs' '%s' '%s'",
		 src ? src : ".", ll_testdata("iceberg-foreign", bucket, sizeof(bucket)), path);
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!p)
		return NULL;
	json_error_t jerr;
	json_t *rows = json_loadf(p, 0, &jerr);
	int rc = pclose(p);
	CHECK_INT(rc, 0);
	if (!rows)
		fprintf(stderr, "%s: icebird printed no rows: %s\n", name, jerr.text);
	CHECK(json_is_array(rows));
	return rows;
}

static json_t *expected_rows(const char *rel)
{
	char path[1024];
	json_t *doc = json_load_file(ll_testdata(rel, path, sizeof(path)), 0, NULL);
	CHECK(doc != NULL);
	json_t *data = json_incref(json_object_get(doc, "data"));
	json_decref(doc);
	return data;
}

static void check_rows(json_t *got, json_t *want, const char *what)
{
	CHECK(got && want && json_equal(got, want));
	if (got && want && !json_equal(got, want)) {
		char *g = json_dumps(got, JSON_COMPACT), *w = json_dumps(want, JSON_COMPACT);
		fprintf(stderr, "%s: icebird read\n%s\nexpected\n%s\n", what, g, w);
		free(g);
		free(w);
	}
}

static void test_rewritten_tables(void)
{
	static const struct {
		const char *metadata, *expected;
	} tables[] = {
		{ "iceberg-foreign/spark/bunnies/metadata/v5.metadata.json",
		  "iceberg-foreign/spark_bunnies.expected.json" },
		{ "iceberg-foreign/spark/rename_column/metadata/v3.metadata.json",
		  "iceberg-foreign/spark_rename_column.expected.json" },
		{ "iceberg-foreign/athena/example/metadata/"
		  "00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json",
		  "iceberg-foreign/athena_example.expected.json" },
	};
	char dir[1024];
	ll_test_tmpdir("iceberg_icebird", dir, sizeof(dir));
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		ll_iceberg_metadata *md = parse_file(tables[i].metadata);
		if (!md)
			continue;
		char name[32];
		snprintf(name, sizeof(name), "t%zu.metadata.json", i);
		json_t *got = icebird_rows(md, dir, name), *want = expected_rows(tables[i].expected);
		check_rows(got, want, tables[i].metadata);
		json_decref(got);
		json_decref(want);
		ll_iceberg_metadata_free(md);
	}
}

/* With schema 0 current, column 3 is read by its id under its first name, "date". */
static void test_changed_current_schema(void)
{
	char dir[1024];
	ll_test_tmpdir("iceberg_icebird_schema", dir, sizeof(dir));
	ll_iceberg_metadata *md =
		parse_file("iceberg-foreign/spark/rename_column/metadata/v3.metadata.json");
	if (!md)
		return;
	md->current_schema_id = 0;
	json_t *got = icebird_rows(md, dir, "schema0.metadata.json");
	json_t *want = expected_rows("iceberg-foreign/spark_rename_column.expected.json");
	size_t i;
	json_t *row;
	json_array_foreach(want, i, row) {
		json_object_set(row, "date", json_object_get(row, "event_date"));
		json_object_del(row, "event_date");
	}
	check_rows(got, want, "rename_column with schema 0");
	json_decref(got);
	json_decref(want);
	ll_iceberg_metadata_free(md);
}

LL_TEST_MAIN(LL_TEST(test_rewritten_tables), LL_TEST(test_changed_current_schema))
