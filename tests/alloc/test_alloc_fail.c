/*
 * Every parser, and the Parquet writer, run on a small input once for each
 * allocation they make, with that one allocation failing: each run must
 * return LL_ENOMEM, must not crash, and must free everything it allocated
 * (checked by alloc_fail.c's live set in any build, and by LeakSanitizer in
 * the sanitizer build). Inputs are seed files of fuzz/corpora.
 */
#include <stdbool.h>
#include <stdint.h>

#include "alloc_fail.h"
#include "config/toml.h"
#include "extract/input.h"
#include "formats/avro/avro.h"
#include "formats/iceberg/manifest.h"
#include "formats/iceberg/metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "json/json_internal.h"
#include "schema/schema.h"
#include "storage/s3_internal.h"
#include "test.h"
#include "util/error.h"
#include "util/fs.h"

typedef ll_status (*scenario_fn)(const void *ctx, ll_error *err);

/*
 * For code that may absorb a failure (the Parquet writer keeps a dictionary
 * encoding when there is no memory to turn it into PLAIN): true when the
 * output of a run that succeeded anyway is complete and right.
 */
typedef bool (*verify_fn)(const void *ctx);

/* Failures printed per scenario; the rest are only counted. */
#define SHOWN_FAILURES 5

/*
 * Runs the scenario once without failures (it must succeed and free all it
 * allocated), then once per allocation that run made, failing that one: the
 * run must then return LL_ENOMEM, or, where verify is given, succeed with
 * output that verify accepts.
 */
static void fail_each_allocation_verified(const char *what, scenario_fn run, verify_fn verify,
					  const void *ctx)
{
	ll_error err;
	ll_error_clear(&err);
	alloc_fail_arm(0);
	ll_status st = run(ctx, &err);
	size_t total = alloc_fail_disarm();
	if (st != LL_OK) {
		char m[2048];
		fprintf(stderr, "%s: fails without an injected failure: %s\n", what,
			ll_error_format(&err, m, sizeof(m)));
		ll_test_failures++;
		return;
	}
	CHECK(total > 0);
	CHECK_INT(alloc_fail_live(), 0);
	CHECK(!verify || verify(ctx));
	size_t bad = 0;
	for (size_t n = 1; n <= total; n++) {
		ll_error_clear(&err);
		alloc_fail_arm(n);
		st = run(ctx, &err);
		alloc_fail_disarm();
		size_t leaked = alloc_fail_live();
		bool handled = st == LL_ENOMEM || (st == LL_OK && verify && verify(ctx));
		if (!alloc_fail_happened() || (handled && leaked == 0))
			continue;
		if (bad++ < SHOWN_FAILURES) {
			char m[2048];
			fprintf(stderr, "%s: allocation %zu of %zu failing: status %d (%s), %zu blocks leaked\n",
				what, n, total, (int)st, st ? ll_error_format(&err, m, sizeof(m)) : "ok",
				leaked);
		}
	}
	if (bad)
		fprintf(stderr, "%s: %zu of %zu injected failures mishandled\n", what, bad, total);
	ll_test_failures += bad > 0;
	printf("%s: %zu allocations, each failed once\n", what, total);
}

static void fail_each_allocation(const char *what, scenario_fn run, const void *ctx)
{
	fail_each_allocation_verified(what, run, NULL, ctx);
}

/* Path of a seed file of fuzz/corpora. */
static const char *corpus_path(const char *rel, char *buf, size_t size)
{
	const char *src = getenv("LL_SOURCE_DIR");
	snprintf(buf, size, "%s/fuzz/corpora/%s", src ? src : "..", rel);
	return buf;
}

/* The bytes of a seed file, read before any failure is armed. */
static ll_buf corpus_file(const char *rel)
{
	char path[4096];
	ll_buf b = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(ll_fs_read_all(corpus_path(rel, path, sizeof(path)), &b, &err), &err);
	return b;
}

/* ------------------------------------------------------------------ JSON */

static const char ndjson[] =
	"{\"id\":1,\"name\":\"caf\\u00e9\",\"tags\":[\"a\",\"b\",{\"k\":[1,2.5,null]}]}\n"
	"{\"id\":18446744073709551616,\"nested\":{\"deep\":{\"deeper\":[true,false]}},\"s\":\"a longer string that crosses the window\"}\n"
	"[{\"x\":1},{\"y\":[[],{}]}]\n";

static ll_status json_reader_run(const void *ctx, ll_error *err)
{
	(void)ctx;
	ll_input *in = NULL;
	ll_status st = ll_input_open_memory(&in, ndjson, sizeof(ndjson) - 1, "events.ndjson", err);
	if (st)
		return st;
	ll_json_reader *r = NULL;
	st = ll_json_reader_open_window(&r, in, 16, err);
	ll_arena arena;
	ll_arena_init(&arena, 0);
	const ll_json_value *rec = NULL;
	while (st == LL_OK && (st = ll_json_reader_next(r, &arena, &rec, err)) == LL_OK && rec)
		ll_arena_reset(&arena);
	ll_arena_free(&arena);
	ll_json_reader_free(r);
	ll_input_free(in);
	return st;
}

static ll_status json_parse_run(const void *ctx, ll_error *err)
{
	(void)ctx;
	static const char doc[] = "{\"a\":[1,2,{\"b\":\"\\ud83d\\ude00\"}],\"c\":{\"d\":-1.5e3,\"e\":null}}";
	ll_arena arena;
	ll_arena_init(&arena, 0);
	const ll_json_value *v = NULL;
	ll_status st = ll_json_parse(doc, sizeof(doc) - 1, "doc.json", &arena, &v, err);
	ll_arena_free(&arena);
	return st;
}

static void test_json(void)
{
	fail_each_allocation("json reader", json_reader_run, NULL);
	fail_each_allocation("json parse", json_parse_run, NULL);
}

/* ------------------------------------------------------------------ TOML */

static const char toml_doc[] =
	"# pipeline settings\n"
	"bucket_url = \"s3://bucket/lake\"\n"
	"[destination.athena]\n"
	"query_result_bucket = 's3://bucket/results'\n"
	"workgroup = \"\"\"primary\"\"\"\n"
	"retries = [1, 2, 3]\n"
	"limits = { rows = 1_000, ratio = 0.5, on = true }\n"
	"[destination.athena.credentials]\n"
	"region_name = \"eu-west-1\"\n"
	"since = 2024-01-02T03:04:05Z\n"
	"[[sources]]\n"
	"name = \"a\"\n"
	"[[sources]]\n"
	"name = \"b\"\n"
	"dotted.key.path = 1\n";

static ll_status toml_run(const void *ctx, ll_error *err)
{
	(void)ctx;
	ll_arena arena;
	ll_arena_init(&arena, 0);
	const ll_toml_value *root = NULL;
	ll_status st = ll_toml_parse(toml_doc, sizeof(toml_doc) - 1, "config.toml", &arena, &root, err);
	ll_arena_free(&arena);
	return st;
}

static void test_toml(void)
{
	fail_each_allocation("toml", toml_run, NULL);
}

/* ------------------------------------------------------------------ Parquet */

static ll_status parquet_read_run(const void *ctx, ll_error *err)
{
	ll_parquet_reader *r = NULL;
	ll_status st = ll_parquet_reader_open(&r, ctx, err);
	if (st)
		return st;
	size_t fields[32], n = ll_parquet_reader_field_count(r);
	if (n > 32)
		n = 32;
	for (size_t i = 0; i < n; i++)
		fields[i] = i;
	ll_parquet_cursor *c = NULL;
	st = ll_parquet_cursor_open(r, fields, n, NULL, &c, err);
	const ll_parquet_batch *batch = NULL;
	while (st == LL_OK && (st = ll_parquet_cursor_next(c, 7, &batch, err)) == LL_OK && batch->rows)
		;
	ll_parquet_cursor_free(c);
	ll_parquet_reader_free(r);
	return st;
}

static void test_parquet_reader(void)
{
	static const char *const files[] = {
		"parquet/nested.parquet",          "parquet/lakeload_zstd_typed.parquet",
		"parquet/timestamp_ms_gzip.parquet", "parquet/edge_cases.parquet",
		"parquet/bunnies-initial.parquet", "parquet/bunnies-pos-deletes.parquet",
		"parquet/lakeload_snappy.parquet", "parquet/empty.parquet",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		fail_each_allocation(files[i], parquet_read_run, corpus_path(files[i], path, sizeof(path)));
	}
}

typedef struct writer_case {
	const char *path;
	bool background;
} writer_case;

static void put_row(ll_parquet_writer *w, int i)
{
	char text[32];
	int len = snprintf(text, sizeof(text), "value %d", i % 3 ? i : 0);
	uint8_t unscaled[16] = { 0 };
	unscaled[15] = (uint8_t)i;
	ll_parquet_writer_put_bytes(w, 0, text, (size_t)len);
	ll_parquet_writer_put_int64(w, 1, (int64_t)i * 1000003);
	if (i % 4)
		ll_parquet_writer_put_double(w, 2, i / 3.0);
	ll_parquet_writer_put_bool(w, 3, i & 1);
	ll_parquet_writer_put_int64(w, 4, 1700000000000000 + i);
	ll_parquet_writer_put_decimal(w, 5, unscaled);
}

/* Three columns of each kind of encoding, two row groups. */
static ll_status parquet_write_run(const void *ctx, ll_error *err)
{
	const writer_case *wc = ctx;
	static const ll_parquet_column_spec cols[] = {
		{ "name", LL_TYPE_TEXT, 0, 0, true, 1 },     { "id", LL_TYPE_BIGINT, 0, 0, false, 2 },
		{ "ratio", LL_TYPE_DOUBLE, 0, 0, true, 3 },  { "ok", LL_TYPE_BOOL, 0, 0, true, 4 },
		{ "at", LL_TYPE_TIMESTAMP, 0, 0, true, 5 }, { "amount", LL_TYPE_DECIMAL, 10, 2, true, 6 },
	};
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.disable_background = !wc->background;
	opt.page_bytes = 64;
	ll_parquet_writer *w = NULL;
	ll_status st = ll_parquet_writer_open(&w, wc->path, cols, 6, &opt, err);
	if (st)
		return st;
	for (int i = 0; i < 40 && st == LL_OK; i++) {
		put_row(w, i);
		st = ll_parquet_writer_end_row(w, err);
		if (st == LL_OK && i == 19)
			st = ll_parquet_writer_flush_row_group(w, err);
	}
	if (st) {
		ll_parquet_writer_abort(w);
		return st;
	}
	return ll_parquet_writer_close(w, NULL, err);
}

/* The file holds the 40 rows put_row wrote, as the reader sees them. */
static bool parquet_written_right(const void *ctx)
{
	const writer_case *wc = ctx;
	ll_error err;
	ll_parquet_reader *r = NULL;
	if (ll_parquet_reader_open(&r, wc->path, &err) != LL_OK)
		return false;
	size_t fields[] = { 0, 1, 2, 5 };
	ll_parquet_cursor *c = NULL;
	bool right = ll_parquet_reader_row_count(r) == 40 &&
		     ll_parquet_cursor_open(r, fields, 4, NULL, &c, &err) == LL_OK;
	const ll_parquet_batch *b = NULL;
	int row = 0;
	while (right && ll_parquet_cursor_next(c, 16, &b, &err) == LL_OK && b->rows) {
		for (size_t i = 0; i < b->rows; i++, row++) {
			char text[32], amount[32];
			int len = snprintf(text, sizeof(text), "value %d", row % 3 ? row : 0);
			snprintf(amount, sizeof(amount), "%d.%02d", row / 100, row % 100);
			const ll_value *name = &b->columns[0][i], *dec = &b->columns[3][i];
			right = right && name->len == (size_t)len && memcmp(name->s, text, name->len) == 0 &&
				b->columns[1][i].i == (int64_t)row * 1000003 &&
				b->columns[2][i].is_null == !(row % 4) &&
				dec->len == strlen(amount) && memcmp(dec->s, amount, dec->len) == 0;
		}
	}
	ll_parquet_cursor_free(c);
	ll_parquet_reader_free(r);
	return right && row == 40;
}

static void test_parquet_writer(void)
{
	char dir[4096], path[4200];
	ll_test_tmpdir("alloc_fail_parquet_writer", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/out.parquet", dir);
	writer_case inline_case = { path, false }, background_case = { path, true };
	fail_each_allocation_verified("parquet writer", parquet_write_run, parquet_written_right,
				      &inline_case);
	fail_each_allocation_verified("parquet writer, background thread", parquet_write_run,
				      parquet_written_right, &background_case);
	ll_error err;
	CHECK_OK(ll_fs_remove_tree(dir, &err), &err);
}

/* ------------------------------------------------------------------ Avro */

static ll_status avro_run(const void *ctx, ll_error *err)
{
	ll_avro_reader *r = NULL;
	ll_status st = ll_avro_reader_open(&r, ctx, err);
	if (st)
		return st;
	ll_arena arena;
	ll_arena_init(&arena, 0);
	const ll_avro_value *rec = NULL;
	while ((st = ll_avro_reader_next(r, &arena, &rec, err)) == LL_OK && rec)
		ll_arena_reset(&arena);
	ll_arena_free(&arena);
	ll_avro_reader_free(r);
	return st;
}

static void test_avro(void)
{
	static const char *const files[] = { "avro/all_types_null.avro", "avro/all_types_deflate.avro",
					     "avro/spark_manifest.avro", "avro/java_manifest_list.avro",
					     "avro/snappy.avro" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		fail_each_allocation(files[i], avro_run, corpus_path(files[i], path, sizeof(path)));
	}
}

/* ------------------------------------------------------------------ Iceberg */

static ll_status metadata_run(const void *ctx, ll_error *err)
{
	const ll_buf *b = ctx;
	ll_iceberg_metadata *md = NULL;
	ll_status st = ll_iceberg_metadata_parse(b->data, b->len, "v3.metadata.json", &md, err);
	ll_iceberg_metadata_free(md);
	return st;
}

static ll_status manifest_list_run(const void *ctx, ll_error *err)
{
	const ll_buf *b = ctx;
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_iceberg_manifest_file *m = NULL;
	size_t n = 0;
	ll_status st = ll_iceberg_manifest_list_read(b->data, b->len, "snap.avro", &arena, &m, &n, err);
	ll_arena_free(&arena);
	return st;
}

typedef struct manifest_case {
	ll_buf bytes; /* the fuzz seed: one selector byte, then the manifest */
	const ll_iceberg_metadata *md;
} manifest_case;

static ll_status manifest_run(const void *ctx, ll_error *err)
{
	const manifest_case *mc = ctx;
	const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_default_spec(mc->md);
	ll_iceberg_manifest_file listed = {
		.manifest_path = "m0.avro",
		.manifest_length = (int64_t)mc->bytes.len - 1,
		.partition_spec_id = spec->spec_id,
		.sequence_number = 1,
		.min_sequence_number = 1,
		.added_snapshot_id = 1,
	};
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_iceberg_manifest_entry *entries = NULL;
	size_t n = 0;
	ll_status st = ll_iceberg_manifest_read(mc->bytes.data + 1, mc->bytes.len - 1, "m0.avro",
						&listed, spec,
						ll_iceberg_metadata_current_schema(mc->md), &arena,
						&entries, &n, err);
	ll_arena_free(&arena);
	return st;
}

static void test_iceberg(void)
{
	static const char *const documents[] = {
		"iceberg_metadata/spark_rename_v1.metadata.json.gz",
		"iceberg_metadata/java_bunnies_v5.metadata.json",
		"iceberg_metadata/lakeload_partitioned.metadata.json",
		"iceberg_manifest_list/java_bunnies.avro",
		"iceberg_manifest_list/lakeload.avro",
	};
	for (size_t i = 0; i < sizeof(documents) / sizeof(documents[0]); i++) {
		ll_buf b = corpus_file(documents[i]);
		bool is_list = strstr(documents[i], "manifest_list") != NULL;
		fail_each_allocation(documents[i], is_list ? manifest_list_run : metadata_run, &b);
		ll_buf_free(&b);
	}
	ll_buf md_json = corpus_file("iceberg_metadata/spark_rename_v3.metadata.json");
	ll_buf list = corpus_file("iceberg_manifest_list/spark_rename.avro");
	fail_each_allocation("iceberg metadata", metadata_run, &md_json);
	fail_each_allocation("iceberg manifest list", manifest_list_run, &list);

	manifest_case mc = { corpus_file("iceberg_manifest/spark_rename_partitioned"), NULL };
	ll_iceberg_metadata *md = NULL;
	ll_error err;
	CHECK_OK(ll_iceberg_metadata_parse(md_json.data, md_json.len, "v3.metadata.json", &md, &err), &err);
	mc.md = md;
	if (md && mc.bytes.len > 1)
		fail_each_allocation("iceberg manifest", manifest_run, &mc);
	ll_iceberg_metadata_free(md);
	ll_buf_free(&mc.bytes);
	ll_buf_free(&md_json);
	ll_buf_free(&list);
}

/* ------------------------------------------------------------------ S3 XML, schemas */

static ll_status s3_xml_run(const void *ctx, ll_error *err)
{
	const ll_buf *b = ctx;
	ll_s3_xml doc;
	ll_status st = ll_s3_xml_parse(&doc, b->data, b->len, err);
	ll_s3_xml_free(&doc);
	return st;
}

static ll_status schema_run(const void *ctx, ll_error *err)
{
	const ll_buf *b = ctx;
	ll_schema *s = NULL;
	ll_status st = ll_schema_from_json(b->data, b->len, "schema.json", &s, err);
	ll_schema_free(s);
	return st;
}

static void test_s3_xml_and_schema(void)
{
	ll_buf list = corpus_file("s3_xml/list.xml"), schema = corpus_file("schema_json/typed_iceberg.json");
	fail_each_allocation("s3 xml", s3_xml_run, &list);
	fail_each_allocation("schema json", schema_run, &schema);
	ll_buf_free(&list);
	ll_buf_free(&schema);
}

LL_TEST_MAIN(LL_TEST(test_json), LL_TEST(test_toml), LL_TEST(test_parquet_reader),
	     LL_TEST(test_parquet_writer), LL_TEST(test_avro), LL_TEST(test_iceberg),
	     LL_TEST(test_s3_xml_and_schema))
