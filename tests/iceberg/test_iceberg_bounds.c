/*
 * Values as Spark wrote them into the manifest of the shared rename_column
 * table (read with lakeload's Avro reader): each data file's lower and upper
 * bounds decode, under the table's column types, to the smallest and largest
 * values of the rows that file holds (per the folder's expected rows), and
 * encode back to Spark's bytes; each file's partition tuple is what our
 * transforms make of those rows; and the manifest header's "schema" and
 * "partition-spec" parse to the table metadata's.
 */
#include <jansson.h>

#include "formats/avro/avro.h"
#include "formats/iceberg/metadata.h"
#include "test.h"
#include "util/fs.h"
#include "util/time.h"

#define TABLE "iceberg-foreign/spark/rename_column/metadata/"
#define MANIFEST TABLE "abf62b15-903b-40b6-9e6b-26bcdceac9b3-m0.avro"

static ll_iceberg_metadata *table_metadata(void)
{
	char path[1024];
	ll_buf text = LL_BUF_INIT;
	ll_error err;
	ll_iceberg_metadata *md = NULL;
	CHECK_OK(ll_fs_read_all(ll_testdata(TABLE "v3.metadata.json", path, sizeof(path)), &text,
				&err), &err);
	CHECK_OK(ll_iceberg_metadata_parse(text.data, text.len, "v3.metadata.json", &md, &err),
		 &err);
	ll_buf_free(&text);
	return md;
}

/* What one data file holds, from spark_rename_column.expected.json. */
typedef struct file_bounds {
	const char *path_part;        /* the partition directory */
	int32_t bucket;
	const char *date;             /* NULL: the null partition */
	int64_t id_lo, id_hi;
	const char *name_lo, *name_hi;
	int64_t price_lo, price_hi;   /* unscaled, scale 2 */
	bool active_lo, active_hi;
} file_bounds;

static const file_bounds files[] = {
	{ "id_bucket=0/date=2022-01-01", 0, "2022-01-01", 1, 2, "Flopsy \xf0\x9f\x90\x87",
	  "Mopsy\xe2\x80\x93Na\xc3\xafve", -500, 999, false, true },
	{ "id_bucket=2/date=2022-01-02", 2, "2022-01-02", 4, 4, "Thumper", "Thumper", 9999999999LL,
	  9999999999LL, false, false },
	{ "id_bucket=3/date=null", 3, NULL, 3, 3, "Cottontail", "Cottontail", 0, 0, true, true },
};

static const file_bounds *file_for(const char *file_path)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strstr(file_path, files[i].path_part))
			return &files[i];
	return NULL;
}

static const ll_avro_value *get(const ll_avro_value *rec, const ll_avro_node *node,
				const char *name, const ll_avro_node **type)
{
	const ll_avro_field *f = ll_avro_node_find_field(node, name, NULL);
	CHECK(f != NULL);
	if (type && f)
		*type = f->type;
	return f ? ll_avro_record_get(rec, node, name) : NULL;
}

/* Decodes one bound, checks it re-encodes to the same bytes, returns the value. */
static ll_iceberg_value decode_bound(const ll_iceberg_type *t, const ll_avro_value *bytes)
{
	ll_error err;
	ll_iceberg_value v = ll_iceberg_null();
	ll_buf again = LL_BUF_INIT;
	CHECK_OK(ll_iceberg_value_decode(t, bytes->u.bytes.ptr, bytes->u.bytes.len, &v, &err),
		 &err);
	CHECK_OK(ll_iceberg_value_encode(t, &v, &again, &err), &err);
	CHECK(again.len == bytes->u.bytes.len &&
	      memcmp(again.data, bytes->u.bytes.ptr, again.len) == 0);
	ll_buf_free(&again);
	return v;
}

static void check_bound(const ll_iceberg_schema *schema, int32_t id, const ll_avro_value *bytes,
			const file_bounds *want, bool upper)
{
	const ll_iceberg_field *f = ll_iceberg_schema_find_field(schema, id);
	CHECK(f != NULL);
	if (!f)
		return;
	ll_iceberg_value v = decode_bound(f->type, bytes), d;
	int64_t days = 0;
	switch (id) {
	case 1: CHECK_INT(v.i, upper ? want->id_hi : want->id_lo); break;
	case 2: {
		const char *s = upper ? want->name_hi : want->name_lo;
		CHECK(v.bytes.len == strlen(s) && memcmp(v.bytes.data, s, v.bytes.len) == 0);
		break;
	}
	case 3:
		CHECK(want->date != NULL);
		if (want->date)
			CHECK_INT(ll_time_parse(want->date, 10, &days), LL_TIME_DATE);
		CHECK_INT(v.i, days);
		break;
	case 4:
		d = ll_iceberg_decimal_from_int64(upper ? want->price_hi : want->price_lo);
		CHECK(memcmp(v.decimal, d.decimal, 16) == 0);
		break;
	case 5: CHECK_INT(v.b, upper ? want->active_hi : want->active_lo); break;
	default: CHECK(!"a bound for a column the table does not have");
	}
}

static size_t check_bounds(const ll_iceberg_schema *schema, const ll_avro_value *map,
			   const file_bounds *want, bool upper)
{
	CHECK(map && map->type == LL_AVRO_ARRAY);
	if (!map || map->type != LL_AVRO_ARRAY)
		return 0;
	for (size_t i = 0; i < map->u.list.count; i++) {
		const ll_avro_value *kv = &map->u.list.items[i];
		check_bound(schema, kv->u.list.items[0].u.i, &kv->u.list.items[1], want, upper);
	}
	return map->u.list.count;
}

/* The file's partition tuple is bucket[4](id) and identity(date) of its rows. */
static void check_partition(const ll_iceberg_metadata *md, const ll_avro_value *part,
			    const file_bounds *want)
{
	const ll_iceberg_schema *schema = ll_iceberg_metadata_current_schema(md);
	const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_default_spec(md);
	ll_error err;
	ll_iceberg_value in = ll_iceberg_int(want->id_lo), bucket;
	CHECK_OK(ll_iceberg_transform_apply(&spec->fields[0].transform,
					    ll_iceberg_schema_find_field(schema, 1)->type, &in,
					    &bucket, &err), &err);
	CHECK_INT(bucket.i, want->bucket);
	CHECK_INT(part->u.list.items[0].u.i, want->bucket);
	const ll_avro_value *date = &part->u.list.items[1];
	CHECK_INT(date->type == LL_AVRO_NULL, want->date == NULL);
	int64_t days;
	if (want->date && ll_time_parse(want->date, 10, &days) == LL_TIME_DATE)
		CHECK_INT(date->u.i, days);
}

static void check_entry(const ll_iceberg_metadata *md, const ll_avro_node *entry_t,
			const ll_avro_value *entry)
{
	const ll_avro_node *file_t = NULL;
	const ll_avro_value *file = get(entry, entry_t, "data_file", &file_t);
	const ll_avro_value *path = get(file, file_t, "file_path", NULL);
	const file_bounds *want = file_for(path->u.str.ptr);
	CHECK(want != NULL);
	if (!want)
		return;
	const ll_iceberg_schema *schema = ll_iceberg_metadata_current_schema(md);
	size_t lower = check_bounds(schema, get(file, file_t, "lower_bounds", NULL), want, false);
	size_t upper = check_bounds(schema, get(file, file_t, "upper_bounds", NULL), want, true);
	/* every column has bounds, except the date of the file whose dates are all null */
	CHECK_INT(lower, want->date ? 5 : 4);
	CHECK_INT(upper, lower);
	check_partition(md, get(file, file_t, "partition", NULL), want);
}

static void test_manifest_bounds(void)
{
	ll_iceberg_metadata *md = table_metadata();
	char path[1024];
	ll_error err;
	ll_avro_reader *r = NULL;
	CHECK_OK(ll_avro_reader_open(&r, ll_testdata(MANIFEST, path, sizeof(path)), &err), &err);
	if (!md || !r) {
		ll_avro_reader_free(r);
		ll_iceberg_metadata_free(md);
		return;
	}
	const ll_avro_node *entry_t = ll_avro_schema_root(ll_avro_reader_schema(r));
	ll_arena arena;
	ll_arena_init(&arena, 0);
	size_t entries = 0;
	const ll_avro_value *entry;
	while (ll_avro_reader_next(r, &arena, &entry, &err) == LL_OK && entry) {
		check_entry(md, entry_t, entry);
		entries++;
	}
	CHECK_INT(entries, 3);
	ll_arena_free(&arena);
	ll_avro_reader_free(r);
	ll_iceberg_metadata_free(md);
}

/* Java puts the schema and the spec's fields into every manifest's header. */
static void test_manifest_header(void)
{
	ll_iceberg_metadata *md = table_metadata();
	char path[1024];
	ll_error err;
	ll_avro_reader *r = NULL;
	CHECK_OK(ll_avro_reader_open(&r, ll_testdata(MANIFEST, path, sizeof(path)), &err), &err);
	const ll_avro_meta *schema_text = r ? ll_avro_reader_meta(r, "schema") : NULL;
	const ll_avro_meta *spec_text = r ? ll_avro_reader_meta(r, "partition-spec") : NULL;
	CHECK(md && schema_text && spec_text);
	if (md && schema_text && spec_text) {
		json_t *sj = json_loadb((const char *)schema_text->value, schema_text->len, 0, NULL);
		json_t *pj = json_loadb((const char *)spec_text->value, spec_text->len, 0, NULL);
		ll_arena arena;
		ll_arena_init(&arena, 0);
		ll_iceberg_schema schema;
		ll_iceberg_partition_spec spec;
		CHECK_OK(ll_iceberg_schema_parse(sj, &arena, "schema", false, 0, &schema, &err), &err);
		CHECK_OK(ll_iceberg_partition_spec_parse(pj, &arena, "partition-spec", true, true,
							 &spec, &err), &err);
		/* the manifest was written with schema 0, before the rename */
		CHECK(ll_iceberg_type_equal(&schema.type, &ll_iceberg_metadata_schema(md, 0)->type));
		const ll_iceberg_partition_spec *table_spec = ll_iceberg_metadata_default_spec(md);
		CHECK_INT(spec.nfields, table_spec->nfields);
		for (size_t i = 0; i < spec.nfields && i < table_spec->nfields; i++) {
			CHECK_STR(spec.fields[i].name, table_spec->fields[i].name);
			CHECK_INT(spec.fields[i].field_id, table_spec->fields[i].field_id);
			CHECK_INT(spec.fields[i].transform.kind, table_spec->fields[i].transform.kind);
			CHECK_INT(spec.fields[i].transform.param, table_spec->fields[i].transform.param);
		}
		json_t *written = ll_iceberg_partition_fields_to_json(&spec);
		CHECK(json_equal(written, pj));
		json_decref(written);
		ll_arena_free(&arena);
		json_decref(sj);
		json_decref(pj);
	}
	ll_avro_reader_free(r);
	ll_iceberg_metadata_free(md);
}

LL_TEST_MAIN(LL_TEST(test_manifest_bounds), LL_TEST(test_manifest_header))
