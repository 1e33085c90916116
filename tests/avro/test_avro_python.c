/*
 * The Avro module against Apache Avro's Python library (Debian's
 * python3-avro), an implementation nobody here wrote: files we write with
 * each codec are read by python-avro and every record compared exactly with
 * what we wrote, along with the header metadata and the schema as python
 * parses it; files python-avro writes (several blocks, null and deflate)
 * are read by our reader and compared exactly with what python wrote.
 */
#include <jansson.h>

#include "avro_samples.h"
#include "test.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/fs.h"

#define PYTHON "/usr/bin/python3"

/* The test's scratch directory, made empty on first use. */
static const char *scratch_dir(void)
{
	static char dir[1024];
	if (!dir[0])
		ll_test_tmpdir("avro_python", dir, sizeof(dir));
	return dir;
}

/* Runs avro_check.py with the given arguments and parses what it prints. */
static json_t *run_checker(const char *mode, const char *path, const char *codec)
{
	const char *src = getenv("LL_SOURCE_DIR");
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "%s '%s/tests/avro/avro_check.py' %s '%s' %s", PYTHON,
		 src ? src : ".", mode, path, codec ? codec : "");
	FILE *p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "cannot run %s\n", cmd);
		return NULL;
	}
	ll_buf out = LL_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		ll_buf_append(&out, chunk, n);
	int rc = pclose(p);
	json_t *doc = NULL;
	if (rc != 0) {
		fprintf(stderr, "%s failed (status %d)\n", cmd, rc);
	} else {
		json_error_t jerr;
		doc = json_loadb(ll_buf_cstr(&out), out.len, JSON_ALLOW_NUL, &jerr);
		if (!doc)
			fprintf(stderr, "%s printed invalid JSON: %s\n", cmd, jerr.text);
	}
	ll_buf_free(&out);
	return doc;
}

static bool meta_hex_is(const json_t *meta, const char *key, const void *value, size_t len)
{
	const char *hex = json_string_value(json_object_get(meta, key));
	if (!hex || strlen(hex) != 2 * len)
		return false;
	const uint8_t *p = value;
	for (size_t i = 0; i < len; i++) {
		char two[3];
		snprintf(two, sizeof(two), "%02x", p[i]);
		if (memcmp(two, hex + 2 * i, 2) != 0)
			return false;
	}
	return true;
}

/* Writes records with our writer to path. */
static void write_ours(const ll_avro_schema *s, const ll_avro_writer_options *opt,
		       const ll_avro_value *values, size_t n, const char *path)
{
	ll_buf file = LL_BUF_INIT;
	ll_error err;
	ll_avro_writer *w = NULL;
	CHECK_OK(ll_avro_writer_open(&w, s, opt, ll_avro_sink_buf, &file, &err), &err);
	for (size_t i = 0; w && i < n; i++)
		CHECK_OK(ll_avro_writer_append(w, &values[i], &err), &err);
	if (w)
		CHECK_OK(ll_avro_writer_close(w, &err), &err);
	CHECK_OK(ll_fs_write_atomic(path, file.data, file.len, &err), &err);
	ll_buf_free(&file);
}

static void check_records(const ll_avro_node *root, const ll_avro_value *values, size_t n,
			  const json_t *records, const char *what)
{
	CHECK_INT(json_array_size(records), n);
	for (size_t i = 0; i < n && i < json_array_size(records); i++) {
		if (!sample_value_matches_json(root, &values[i], json_array_get(records, i))) {
			fprintf(stderr, "%s: record %zu differs\n", what, i);
			ll_test_failures++;
			return;
		}
	}
}

static void check_meta(const json_t *meta, const char *schema_text, ll_avro_codec codec)
{
	CHECK(meta_hex_is(meta, "avro.schema", schema_text, strlen(schema_text)));
	const char *codec_name = ll_avro_codec_name(codec);
	CHECK(meta_hex_is(meta, "avro.codec", codec_name, strlen(codec_name)));
	for (size_t i = 0; i < sample_manifest_meta_count; i++) {
		const ll_avro_meta *m = &sample_manifest_meta[i];
		if (!meta_hex_is(meta, m->key, m->value, m->len)) {
			fprintf(stderr, "python-avro sees metadata %s differently\n", m->key);
			ll_test_failures++;
		}
	}
	CHECK_INT(json_object_size(meta), 2 + sample_manifest_meta_count);
}

/* python's parsed schema keeps the field ids and Iceberg's map annotation. */
static void check_python_manifest_schema(const json_t *schema)
{
	const json_t *fields = json_object_get(schema, "fields");
	CHECK_INT(json_integer_value(json_object_get(json_array_get(fields, 0), "field-id")), 0);
	const json_t *df = json_array_get(fields, 4);
	CHECK_STR(json_string_value(json_object_get(df, "name")), "data_file");
	CHECK_INT(json_integer_value(json_object_get(df, "field-id")), 2);
	const json_t *dff = json_object_get(json_object_get(df, "type"), "fields");
	const json_t *part = json_array_get(dff, 3);
	CHECK_INT(json_integer_value(json_object_get(part, "field-id")), 102);
	const json_t *day = json_array_get(json_object_get(json_object_get(part, "type"), "fields"), 0);
	CHECK_INT(json_integer_value(json_object_get(day, "field-id")), 1000);
	const json_t *lower = json_array_get(dff, 8);
	CHECK_STR(json_string_value(json_object_get(lower, "name")), "lower_bounds");
	const json_t *arr = json_array_get(json_object_get(lower, "type"), 1);
	CHECK_STR(json_string_value(json_object_get(arr, "logicalType")), "map");
	const json_t *kv = json_object_get(arr, "items");
	CHECK_INT(json_integer_value(json_object_get(json_array_get(json_object_get(kv, "fields"), 1),
						     "field-id")),
		  127);
}

static void python_reads_ours(const char *schema_text, bool manifest, ll_avro_codec codec,
			      size_t n, const ll_avro_writer_options *shape)
{
	ll_avro_schema *s = sample_schema(schema_text);
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_avro_value *values = malloc((n ? n : 1) * sizeof(*values));
	for (size_t i = 0; i < n; i++)
		values[i] = manifest ? sample_manifest_entry(&a, s, (uint32_t)i)
				     : sample_all_types_record(&a, s, (uint32_t)i);
	ll_avro_writer_options opt = *shape;
	opt.codec = codec;
	opt.meta = sample_manifest_meta;
	opt.nmeta = sample_manifest_meta_count;
	char path[1200];
	snprintf(path, sizeof(path), "%s/ours-%s-%s-%zu.avro", scratch_dir(), manifest ? "manifest" : "all",
		 ll_avro_codec_name(codec), n);
	write_ours(s, &opt, values, n, path);

	json_t *doc = run_checker("read", path, NULL);
	CHECK(doc != NULL);
	if (doc) {
		char what[1300];
		snprintf(what, sizeof(what), "python-avro reading %s", path);
		check_records(ll_avro_schema_root(s), values, n, json_object_get(doc, "records"), what);
		check_meta(json_object_get(doc, "meta"), schema_text, codec);
		if (manifest)
			check_python_manifest_schema(json_object_get(doc, "schema"));
		json_decref(doc);
	}
	free(values);
	ll_arena_free(&a);
	ll_avro_schema_free(s);
}

static void test_python_reads_ours(void)
{
	ll_avro_writer_options by_count = { .block_records = 16 };
	ll_avro_writer_options by_size = { .block_bytes = 2000 };
	ll_avro_writer_options one_block = { 0 };
	for (ll_avro_codec c = LL_AVRO_CODEC_NULL; c <= LL_AVRO_CODEC_DEFLATE; c++) {
		python_reads_ours(sample_manifest_schema, true, c, 120, &by_count);
		python_reads_ours(sample_manifest_schema, true, c, 0, &one_block);
		python_reads_ours(sample_all_types_schema, false, c, 300, &by_size);
		python_reads_ours(sample_all_types_schema, false, c, 5, &one_block);
	}
}

static void read_python_file(const char *codec)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/python-%s.avro", scratch_dir(), codec);
	json_t *doc = run_checker("write", path, codec);
	CHECK(doc != NULL);
	if (!doc)
		return;
	const json_t *expected = json_object_get(doc, "records");
	ll_avro_reader *r = NULL;
	ll_error err;
	CHECK_OK(ll_avro_reader_open(&r, path, &err), &err);
	if (!r) {
		json_decref(doc);
		return;
	}
	CHECK_STR(ll_avro_codec_name(ll_avro_reader_codec(r)), codec);
	const ll_avro_meta *note = ll_avro_reader_meta(r, "lakeload.note");
	CHECK(note && note->len == 22 && memcmp(note->value, "written by python-avro", 22) == 0);
	const ll_avro_node *root = ll_avro_schema_root(ll_avro_reader_schema(r));
	CHECK_STR(root->name, "lakeload.test.sample");
	CHECK_INT(root->fields[0].field_id, 1);
	CHECK_STR(ll_avro_node_find_field(root, "price", NULL)->type->logical_type, "decimal");
	ll_arena a;
	ll_arena_init(&a, 0);
	size_t i = 0;
	for (;; i++) {
		const ll_avro_value *v = NULL;
		ll_status st = ll_avro_reader_next(r, &a, &v, &err);
		CHECK_OK(st, &err);
		if (st != LL_OK || !v)
			break;
		if (!sample_value_matches_json(root, v, json_array_get(expected, i))) {
			fprintf(stderr, "record %zu of python's %s file differs\n", i, codec);
			ll_test_failures++;
			break;
		}
		ll_arena_reset(&a);
	}
	CHECK_INT(i, json_array_size(expected));
	CHECK_INT(i, 1000);
	ll_arena_free(&a);
	ll_avro_reader_free(r);
	json_decref(doc);
}

static void test_we_read_python(void)
{
	read_python_file("null");
	read_python_file("deflate");
}

LL_TEST_MAIN(LL_TEST(test_python_reads_ours), LL_TEST(test_we_read_python))
