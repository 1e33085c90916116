/*
 * Files written during the test by DuckDB (tests/interop/duckdb_query.mjs)
 * and hyparquet-writer (hyparquet_write.mjs), read by this reader and by
 * DuckDB (tests/interop/parquet_rows.mjs) and compared row by row: the
 * format v2 encodings DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and
 * BYTE_STREAM_SPLIT, v1 and v2 data pages, RLE booleans, every codec, many
 * row groups, and nested lists, structs and maps. A missing node or npm
 * module is a failure, as in the writer's tests.
 */
#include <jansson.h>

#include "test.h"

#include "interop.h"
#include "reader_util.h"
#include "util/buf.h"

/* Runs one SQL statement in DuckDB. */
static bool duckdb(const char *sql)
{
	const char *dir = getenv("LL_INTEROP_DIR");
	if (!dir) {
		fprintf(stderr, "LL_INTEROP_DIR is not set; run the tests through ctest\n");
		ll_test_failures++;
		return false;
	}
	ll_buf cmd = LL_BUF_INIT;
	ll_buf_printf(&cmd, "node '%s/duckdb_query.mjs' '", dir);
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			ll_buf_puts(&cmd, "'\\''");
		else
			ll_buf_putc(&cmd, *p);
	}
	ll_buf_puts(&cmd, "' >/dev/null");
	bool ok = test_run(ll_buf_cstr(&cmd));
	ll_buf_free(&cmd);
	return ok;
}

/* What DuckDB reads from path, with maps as objects keyed by the key's text, as this reader gives them. */
static json_t *maps_as_objects(json_t *v);

static json_t *map_object(json_t *entries)
{
	json_t *obj = json_object();
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e) {
		json_t *key = json_object_get(e, "key");
		char *text = json_is_string(key) ? strdup(json_string_value(key))
						 : json_dumps(key, JSON_ENCODE_ANY | JSON_COMPACT);
		json_object_set_new(obj, text, maps_as_objects(json_incref(json_object_get(e, "value"))));
		free(text);
	}
	json_decref(entries);
	return obj;
}

static bool is_map_entries(const json_t *v)
{
	size_t i;
	json_t *e;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return false;
	json_array_foreach(v, i, e) {
		if (!json_is_object(e) || json_object_size(e) != 2 || !json_object_get(e, "key") ||
		    !json_object_get(e, "value"))
			return false;
	}
	return true;
}

static json_t *maps_as_objects(json_t *v)
{
	if (is_map_entries(v))
		return map_object(v);
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			json_array_set_new(v, i, maps_as_objects(json_incref(json_array_get(v, i))));
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		void *tmp;
		json_object_foreach_safe(v, tmp, k, x) json_object_set_new(v, k, maps_as_objects(json_incref(x)));
	}
	return v;
}

static json_t *duckdb_rows(const char *path)
{
	char args[2048];
	snprintf(args, sizeof(args), "--reader duckdb '%s'", path);
	json_t *rows = interop_run_json("parquet_rows.mjs", args);
	return rows ? maps_as_objects(rows) : NULL;
}

static const char *tmp_file(const char *name, char *buf, size_t size)
{
	char dir[1024];
	snprintf(buf, size, "%s/%s.parquet", ll_test_tmpdir(name, dir, sizeof(dir)), name);
	return buf;
}

/* Writes the query's rows with DuckDB's options, then compares both readers' rows. */
static void check_query(const char *name, const char *query, const char *options)
{
	char path[1200];
	ll_buf sql = LL_BUF_INIT;
	tmp_file(name, path, sizeof(path));
	ll_buf_printf(&sql, "COPY (%s) TO '%s' (FORMAT parquet, %s)", query, path, options);
	if (duckdb(ll_buf_cstr(&sql))) {
		json_t *want = duckdb_rows(path);
		for (size_t batch = 1; want && batch <= 1000; batch *= 37) {
			json_t *got = test_read_file(path, batch);
			test_check_rows(name, got, want);
			json_decref(got);
		}
		CHECK(json_array_size(want) > 0);
		json_decref(want);
	}
	ll_buf_free(&sql);
}

#define FLAT_QUERY                                                                                 \
	"SELECT i::INT AS i32, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000000007 END AS i64, "     \
	"i::SMALLINT AS i16, (i % 200)::UTINYINT AS u8, (i * 3)::UINTEGER AS u32, "                \
	"CASE WHEN i % 5 = 0 THEN NULL ELSE i / 3.0 END AS dbl, (i / 7.0)::FLOAT AS flt, "         \
	"'row ' || (i % 50) AS txt, CASE WHEN i % 3 = 0 THEN NULL ELSE 'u' || i || repeat('x', i % 40) END AS uniq, " \
	"CASE WHEN i % 11 = 0 THEN NULL ELSE i % 2 = 0 END AS flag, DATE '1960-01-01' + i::INT AS d, " \
	"TIMESTAMP '1969-12-31 23:00:00.123456' + INTERVAL (i * 7) SECOND AS ts, "                  \
	"CAST(TIMESTAMP '2024-02-29 12:00:00.5' + INTERVAL (i) MINUTE AS TIMESTAMP_MS) AS ts_ms, "  \
	"TIME '01:02:03.25' + INTERVAL (i) SECOND AS tm, (i * 1.5 - 700)::DECIMAL(9,2) AS dec9, "  \
	"(i * 123456.789 - 1e8)::DECIMAL(18,3) AS dec18, "                                          \
	"(i::DECIMAL(38,9) * 1234567890123.123456789 - 1e20)::DECIMAL(38,9) AS dec38, "             \
	"CASE WHEN i % 4 = 0 THEN NULL ELSE encode('b' || i)::BLOB END AS bin, "                   \
	"md5(i::VARCHAR)::UUID AS u, "                                                              \
	"CASE WHEN i = 13 THEN 'nan'::DOUBLE WHEN i = 14 THEN 'inf'::DOUBLE ELSE i END AS special " \
	"FROM range(3000) t(i)"

static void test_v2_pages_and_encodings(void)
{
	check_query("pqr_duck_v2", FLAT_QUERY, "PARQUET_VERSION V2, ROW_GROUP_SIZE 1000");
	check_query("pqr_duck_v2_none", FLAT_QUERY, "PARQUET_VERSION V2, COMPRESSION 'uncompressed'");
	check_query("pqr_duck_v2_gzip", FLAT_QUERY, "PARQUET_VERSION V2, COMPRESSION 'gzip'");
}

static void test_v1_pages(void)
{
	check_query("pqr_duck_v1_zstd", FLAT_QUERY, "PARQUET_VERSION V1, COMPRESSION 'zstd', ROW_GROUP_SIZE 700");
	check_query("pqr_duck_v1_none", FLAT_QUERY, "PARQUET_VERSION V1, COMPRESSION 'uncompressed'");
}

#define NESTED_QUERY                                                                               \
	"SELECT i AS id, "                                                                         \
	"CASE WHEN i % 5 = 0 THEN NULL ELSE [[i, NULL], [], NULL, [i + 1]] END AS lol, "           \
	"CASE WHEN i % 6 = 0 THEN NULL ELSE {'a': i, 'b': CASE WHEN i % 4 = 0 THEN NULL ELSE {'c': [i::VARCHAR, NULL], 'd': DATE '2000-01-01' + i::INT} END} END AS st, " \
	"CASE WHEN i % 3 = 0 THEN NULL ELSE MAP {i: [i * 2], i + 1: NULL} END AS mp, "              \
	"[{'k': 'x' || i, 'v': (i / 4)::DECIMAL(10,2)}, NULL, {'k': NULL, 'v': NULL}] AS los, "    \
	"CASE WHEN i % 2 = 0 THEN [] ELSE list_transform(range(i % 9), x -> x % 2 = 0) END AS bools, " \
	"[TIMESTAMP '2020-01-01 00:00:00.000001' + INTERVAL (i) DAY, NULL] AS tss, "                \
	"[encode('z' || i)::BLOB] AS blobs, range(i % 1500) AS big, "                               \
	"[i / 2.0, 'nan'::DOUBLE] AS dbls "                                                         \
	"FROM range(2000) t(i)"

static void test_nested(void)
{
	check_query("pqr_duck_nested_v1", NESTED_QUERY, "ROW_GROUP_SIZE 600");
	check_query("pqr_duck_nested_v2", NESTED_QUERY, "PARQUET_VERSION V2, COMPRESSION 'zstd'");
}

/* Files of v2 data pages from hyparquet-writer (DuckDB writes v1 pages only). */
static void test_v2_data_pages(void)
{
	static const char *const modes[] = { "compressed", "uncompressed" };
	const char *src = getenv("LL_SOURCE_DIR");
	for (size_t m = 0; m < 2; m++) {
		char path[1200], name[64];
		ll_buf cmd = LL_BUF_INIT;
		snprintf(name, sizeof(name), "pqr_hyparquet_%s", modes[m]);
		tmp_file(name, path, sizeof(path));
		ll_buf_printf(&cmd, "node '%s/tests/parquet_reader/hyparquet_write.mjs' '%s' %s",
			      src ? src : ".", path, modes[m]);
		if (test_run(ll_buf_cstr(&cmd))) {
			json_t *want = duckdb_rows(path), *got = test_read_file(path, 128);
			CHECK_INT(json_array_size(want), 1000);
			test_check_rows(name, got, want);
			json_decref(got);
			json_decref(want);
		}
		ll_buf_free(&cmd);
	}
}

/* Flipped bytes over a v2 file: the delta and split decoders fail cleanly too. */
static void test_v2_damage(void)
{
	char path[1200];
	uint8_t *data;
	size_t len;
	tmp_file("pqr_duck_damage", path, sizeof(path));
	ll_buf sql = LL_BUF_INIT;
	ll_buf_printf(&sql, "COPY (SELECT * FROM (%s) LIMIT 300) TO '%s' "
			    "(FORMAT parquet, PARQUET_VERSION V2, COMPRESSION 'uncompressed', ROW_GROUP_SIZE 100)",
		      FLAT_QUERY, path);
	if (duckdb(ll_buf_cstr(&sql)) && test_load_file(path, &data, &len)) {
		uint8_t *copy = malloc(len);
		for (size_t at = 0; at < len; at += 3) {
			static const uint8_t masks[] = { 0xff, 0x01, 0x40 };
			for (size_t m = 0; m < 3; m++) {
				ll_error err;
				ll_error_clear(&err);
				memcpy(copy, data, len);
				copy[at] ^= masks[m];
				ll_status st = test_read_everything(copy, len, &err);
				if (st != LL_OK && st != LL_EFORMAT && st != LL_EUNSUPPORTED) {
					char msg[2048];
					fprintf(stderr, "byte %zu ^ %02x: %s\n", at, masks[m],
						ll_error_format(&err, msg, sizeof(msg)));
					ll_test_failures++;
				}
			}
		}
		free(copy);
		free(data);
	}
	ll_buf_free(&sql);
}

LL_TEST_MAIN(LL_TEST(test_v2_pages_and_encodings), LL_TEST(test_v1_pages), LL_TEST(test_nested),
	     LL_TEST(test_v2_data_pages), LL_TEST(test_v2_damage))
