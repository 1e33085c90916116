/*
 * The Avro module on its own: the binary encoding byte by byte, schema
 * parsing and its errors, files written and read back with every codec,
 * values that do not fit, and malformed files (hand-made defects, then every
 * byte of valid files flipped and every truncation), which must fail with
 * LL_EFORMAT naming the file, never crash.
 */
#include <zlib.h>

#include "avro_samples.h"
#include "formats/avro/avro_internal.h"
#include "test.h"
#include "util/arena.h"
#include "util/buf.h"

static const uint8_t fixed_sync[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static void test_varint_bytes(void)
{
	static const struct {
		int64_t v;
		const char *hex;
	} cases[] = {
		{ 0, "00" }, { -1, "01" }, { 1, "02" }, { -64, "7f" }, { 64, "8001" },
		{ 8191, "fe7f" }, { -8193, "818001" }, { INT32_MAX, "feffffff0f" },
		{ INT32_MIN, "ffffffff0f" }, { INT64_MAX, "feffffffffffffffff01" },
		{ INT64_MIN, "ffffffffffffffffff01" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ll_buf b = LL_BUF_INIT;
		ll_avro_put_long(&b, cases[i].v);
		char hex[32] = "";
		for (size_t k = 0; k < b.len && k < 15; k++)
			snprintf(hex + 2 * k, 3, "%02x", (uint8_t)b.data[k]);
		CHECK_STR(hex, cases[i].hex);
		ll_error err;
		ll_avro_cursor c = { .start = (const uint8_t *)b.data, .p = (const uint8_t *)b.data,
				     .end = (const uint8_t *)b.data + b.len, .name = "t", .err = &err };
		int64_t back = 0;
		CHECK_OK(ll_avro_read_long(&c, &back), &err);
		CHECK(back == cases[i].v);
		CHECK(c.p == c.end);
		ll_buf_free(&b);
	}
}

static ll_status read_long_hex(const char *bytes, size_t len, int64_t *out, ll_error *err)
{
	ll_avro_cursor c = { .start = (const uint8_t *)bytes, .p = (const uint8_t *)bytes,
			     .end = (const uint8_t *)bytes + len, .name = "t.avro", .err = err };
	return ll_avro_read_long(&c, out);
}

static void test_varint_malformed(void)
{
	ll_error err;
	int64_t v;
	CHECK_INT(read_long_hex("\x80\x80", 2, &v, &err), LL_EFORMAT);
	CHECK(strstr(err.message, "ends inside a number"));
	CHECK_STR(err.file, "t.avro");
	CHECK_INT(read_long_hex("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10, &v, &err), LL_EFORMAT);
	CHECK(strstr(err.message, "64 bits"));
	CHECK_INT(read_long_hex("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x81\x00", 11, &v, &err),
		  LL_EFORMAT);
}

static void test_schema_all_types(void)
{
	ll_avro_schema *s = sample_schema(sample_all_types_schema);
	const ll_avro_node *root = ll_avro_schema_root(s);
	CHECK_INT(root->type, LL_AVRO_RECORD);
	CHECK_STR(root->name, "lakeload.test.sample");
	CHECK_INT(root->nfields, 18);
	CHECK_INT(root->fields[0].field_id, 1);
	CHECK_INT(root->fields[1].field_id, -1);
	const ll_avro_node *md5 = ll_avro_schema_find_named(s, "lakeload.test.md5");
	CHECK(md5 && md5->type == LL_AVRO_FIXED && md5->size == 16);
	const ll_avro_node *color = ll_avro_schema_find_named(s, "lakeload.test.color");
	uint32_t sym = 9;
	CHECK(color && ll_avro_node_find_symbol(color, "BLUE", &sym) && sym == 2);
	CHECK(!ll_avro_node_find_symbol(color, "PINK", &sym));
	const ll_avro_field *price = ll_avro_node_find_field(root, "price", NULL);
	CHECK(price && price->type->type == LL_AVRO_BYTES);
	CHECK_STR(price->type->logical_type, "decimal");
	CHECK_INT(price->type->precision, 10);
	CHECK_INT(price->type->scale, 2);
	CHECK_STR(ll_avro_node_find_field(root, "at", NULL)->type->logical_type, "timestamp-micros");
	CHECK_STR(ll_avro_node_find_field(root, "uid", NULL)->type->logical_type, "uuid");
	CHECK(ll_avro_node_find_field(root, "label", NULL)->type->logical_type == NULL);
	size_t len;
	CHECK_STR(ll_avro_schema_text(s, &len), sample_all_types_schema);
	CHECK_INT(len, strlen(sample_all_types_schema));
	ll_avro_schema_free(s);
}

static void test_schema_manifest_attributes(void)
{
	ll_avro_schema *s = sample_schema(sample_manifest_schema);
	const ll_avro_node *root = ll_avro_schema_root(s);
	size_t index = 0;
	const ll_avro_field *df = ll_avro_node_find_field(root, "data_file", &index);
	CHECK(df && index == 4 && df->field_id == 2);
	const ll_avro_field *part = ll_avro_node_find_field(df->type, "partition", NULL);
	CHECK(part && part->field_id == 102);
	const ll_avro_field *day = ll_avro_node_find_field(part->type, "event_day", NULL);
	CHECK(day && day->field_id == 1000);
	CHECK_STR(day->type->branches[1]->logical_type, "date");
	const ll_avro_field *bounds = ll_avro_node_find_field(df->type, "lower_bounds", NULL);
	const ll_avro_node *arr = bounds->type->branches[1];
	CHECK_STR(ll_avro_node_attr_string(arr, "logicalType"), "map");
	CHECK_STR(arr->items->name, "k126_v127");
	CHECK_INT(arr->items->fields[1].field_id, 127);
	int64_t element_id = 0;
	const ll_avro_field *offsets = ll_avro_node_find_field(df->type, "split_offsets", NULL);
	CHECK(ll_avro_node_attr_int(offsets->type->branches[1], "element-id", &element_id));
	CHECK_INT(element_id, 133);
	const ll_avro_field *content = ll_avro_node_find_field(df->type, "content", NULL);
	CHECK(strstr(ll_avro_field_attr_string(content, "doc"), "equality deletes"));
	int64_t id = 0;
	CHECK(ll_avro_field_attr_int(content, "field-id", &id) && id == 134);
	CHECK(!ll_avro_field_attr_int(content, "doc", &id));
	CHECK(ll_avro_node_attr_string(root->fields[0].type, "logicalType") == NULL);
	ll_avro_schema_free(s);
}

static void test_schema_names(void)
{
	static const char text[] =
		"{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a.b\",\"fields\":["
		"{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"]}},"
		"{\"name\":\"short\",\"type\":\"E\"},"
		"{\"name\":\"full\",\"type\":\"a.b.E\"},"
		"{\"name\":\"other\",\"type\":{\"type\":\"fixed\",\"name\":\"c.F\",\"size\":2}},"
		"{\"name\":\"inner\",\"type\":{\"type\":\"record\",\"name\":\"I\",\"namespace\":\"\",\"fields\":["
		"  {\"name\":\"f\",\"type\":\"c.F\"}]}},"
		"{\"name\":\"next\",\"type\":[\"null\",\"R\"]}]}";
	ll_avro_schema *s = sample_schema(text);
	const ll_avro_node *root = ll_avro_schema_root(s);
	CHECK_STR(root->name, "a.b.R");
	CHECK(root->fields[1].type == root->fields[0].type);
	CHECK(root->fields[2].type == root->fields[0].type);
	CHECK_STR(root->fields[3].type->name, "c.F");
	CHECK_STR(root->fields[4].type->name, "I");
	CHECK(root->fields[4].type->fields[0].type == root->fields[3].type);
	CHECK(root->fields[5].type->branches[1] == root);
	CHECK(!root->may_be_empty);
	ll_avro_schema_free(s);
}

static void expect_schema_error(const char *text, const char *needle)
{
	ll_avro_schema *s = NULL;
	ll_error err;
	ll_error_clear(&err);
	ll_status st = ll_avro_schema_parse(&s, text, strlen(text), "bad.avsc", &err);
	CHECK_INT(st, LL_EFORMAT);
	CHECK(s == NULL);
	if (!strstr(err.message, needle))
		fprintf(stderr, "schema %s: message \"%s\" lacks \"%s\"\n", text, err.message, needle);
	CHECK(strstr(err.message, needle));
	CHECK_STR(err.file, "bad.avsc");
}

static void test_schema_errors(void)
{
	expect_schema_error("{\"type\":", "not JSON");
	expect_schema_error("\"lnog\"", "unknown type 'lnog'");
	expect_schema_error("42", "a type must be");
	expect_schema_error("{\"type\":\"record\",\"fields\":[]}", "needs a \"name\"");
	expect_schema_error("{\"type\":\"record\",\"name\":\"1x\",\"fields\":[]}", "not a valid Avro name");
	expect_schema_error("{\"type\":\"record\",\"name\":\"a..b\",\"fields\":[]}", "not a valid Avro name");
	expect_schema_error("{\"type\":\"record\",\"name\":\"r\"}", "\"fields\" array");
	expect_schema_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
			    "{\"name\":\"a\",\"type\":\"long\"}]}",
			    "two fields named 'a'");
	expect_schema_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\"}]}",
			    "field 'a' has no \"type\"");
	expect_schema_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"nope\"}]}",
			    "invalid Avro schema: record 'r': field 'a': unknown type 'nope'");
	expect_schema_error("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":"
			    "{\"type\":\"fixed\",\"name\":\"r\",\"size\":1}}]}",
			    "'r' is defined twice");
	expect_schema_error("{\"type\":\"record\",\"name\":\"int\",\"fields\":[]}", "primitive");
	expect_schema_error("[\"null\",\"null\"]", "union lists null twice");
	expect_schema_error("[\"int\",[\"null\"]]", "itself a union");
	expect_schema_error("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"A\"]}", "lists 'A' twice");
	expect_schema_error("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\"],\"default\":\"B\"}",
			    "\"default\"");
	expect_schema_error("{\"type\":\"fixed\",\"name\":\"f\"}", "\"size\"");
	expect_schema_error("{\"type\":\"fixed\",\"name\":\"f\",\"size\":-1}", "\"size\"");
	expect_schema_error("{\"type\":\"array\"}", "needs \"items\"");
	expect_schema_error("{\"type\":\"map\",\"values\":\"bogus\"}", "map values");
	expect_schema_error("{\"type\":\"record\",\"name\":\"r\",\"name\":\"s\",\"fields\":[]}", "not JSON");
}

/* ------------------------------------------------------------------ files */

static ll_status write_file(const ll_avro_schema *s, const ll_avro_writer_options *opt,
			    const ll_avro_value *records, size_t n, ll_buf *out, ll_error *err)
{
	ll_avro_writer *w = NULL;
	ll_status st = ll_avro_writer_open(&w, s, opt, ll_avro_sink_buf, out, err);
	for (size_t i = 0; st == LL_OK && i < n; i++)
		st = ll_avro_writer_append(w, &records[i], err);
	if (st != LL_OK) {
		ll_avro_writer_free(w);
		return st;
	}
	return ll_avro_writer_close(w, err);
}

/* Reads every record of the file in buf; returns the status and the count. */
static ll_status read_all(const ll_buf *file, const char *name, ll_arena *arena,
			  const ll_avro_value **got, size_t max, size_t *count, ll_error *err)
{
	ll_avro_reader *r = NULL;
	*count = 0;
	ll_status st = ll_avro_reader_open_memory(&r, file->data, file->len, name, err);
	while (st == LL_OK) {
		const ll_avro_value *v = NULL;
		st = ll_avro_reader_next(r, arena, &v, err);
		if (st != LL_OK || !v)
			break;
		if (got && *count < max)
			got[*count] = v;
		(*count)++;
	}
	ll_avro_reader_free(r);
	return st;
}

static void test_exact_file_bytes(void)
{
	ll_avro_schema *s = sample_schema("\"long\"");
	ll_avro_writer_options opt = { .sync = fixed_sync };
	ll_avro_value values[] = { ll_avro_long(1), ll_avro_long(-65) };
	ll_buf file = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(write_file(s, &opt, values, 2, &file, &err), &err);
	static const char expected[] =
		"Obj\x01"
		"\x04"                          /* two metadata entries */
		"\x16" "avro.schema" "\x0c" "\"long\""
		"\x14" "avro.codec" "\x08" "null"
		"\x00"                          /* end of the map */
		"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
		"\x04"                          /* two records */
		"\x06" "\x02\x81\x01"           /* three bytes: 1, -65 */
		"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f";
	CHECK_INT(file.len, sizeof(expected) - 1);
	CHECK(file.len == sizeof(expected) - 1 && memcmp(file.data, expected, file.len) == 0);
	ll_buf_free(&file);
	ll_avro_schema_free(s);
}

static void roundtrip(const char *schema_text, ll_avro_codec codec, size_t block_records,
		      size_t block_bytes, size_t n, bool manifest)
{
	ll_avro_schema *s = sample_schema(schema_text);
	ll_arena wa, ra;
	ll_arena_init(&wa, 0);
	ll_arena_init(&ra, 0);
	ll_avro_value *values = malloc(n * sizeof(*values));
	for (size_t i = 0; i < n; i++)
		values[i] = manifest ? sample_manifest_entry(&wa, s, (uint32_t)i)
				     : sample_all_types_record(&wa, s, (uint32_t)i);
	ll_avro_writer_options opt = { .codec = codec, .block_records = block_records,
				       .block_bytes = block_bytes, .meta = sample_manifest_meta,
				       .nmeta = sample_manifest_meta_count };
	ll_buf file = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(write_file(s, &opt, values, n, &file, &err), &err);

	ll_avro_reader *r = NULL;
	CHECK_OK(ll_avro_reader_open_memory(&r, file.data, file.len, "roundtrip.avro", &err), &err);
	if (!r)
		goto out;
	CHECK_INT(ll_avro_reader_codec(r), codec);
	CHECK_STR(ll_avro_schema_text(ll_avro_reader_schema(r), NULL), schema_text);
	CHECK_INT(ll_avro_reader_meta_count(r), 2 + sample_manifest_meta_count);
	CHECK_STR(ll_avro_reader_meta_at(r, 0)->key, "avro.schema");
	for (size_t i = 0; i < sample_manifest_meta_count; i++) {
		const ll_avro_meta *m = ll_avro_reader_meta(r, sample_manifest_meta[i].key);
		CHECK(m && m->len == sample_manifest_meta[i].len &&
		      memcmp(m->value, sample_manifest_meta[i].value, m->len) == 0);
	}
	const ll_avro_node *root = ll_avro_schema_root(ll_avro_reader_schema(r));
	size_t i = 0;
	for (;; i++) {
		const ll_avro_value *v = NULL;
		ll_status st = ll_avro_reader_next(r, &ra, &v, &err);
		CHECK_OK(st, &err);
		if (st != LL_OK || !v)
			break;
		if (i < n && !sample_value_equal(root, &values[i], v)) {
			fprintf(stderr, "record %zu differs (codec %s)\n", i, ll_avro_codec_name(codec));
			ll_test_failures++;
			break;
		}
		ll_arena_reset(&ra);
	}
	CHECK_INT(i, n);
	ll_avro_reader_free(r);
out:
	ll_buf_free(&file);
	free(values);
	ll_arena_free(&wa);
	ll_arena_free(&ra);
	ll_avro_schema_free(s);
}

static void test_roundtrip(void)
{
	for (ll_avro_codec c = LL_AVRO_CODEC_NULL; c <= LL_AVRO_CODEC_SNAPPY; c++) {
		roundtrip(sample_all_types_schema, c, 37, 0, 500, false);
		roundtrip(sample_all_types_schema, c, 0, 1000, 300, false);
		roundtrip(sample_manifest_schema, c, 0, 0, 200, true);
		roundtrip(sample_manifest_schema, c, 1, 0, 3, true);
		roundtrip(sample_manifest_schema, c, 0, 0, 0, true);
	}
}

static void test_record_helpers(void)
{
	ll_avro_schema *s = sample_schema(sample_manifest_schema);
	const ll_avro_node *root = ll_avro_schema_root(s);
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_error err;
	ll_avro_value rec;
	CHECK_OK(ll_avro_record_new(&a, root, &rec, &err), &err);
	CHECK_INT(rec.u.list.count, 5);
	CHECK_INT(rec.u.list.items[1].type, LL_AVRO_NULL);
	CHECK_OK(ll_avro_record_set(&rec, root, "status", ll_avro_int(2), &err), &err);
	CHECK_INT(ll_avro_record_get(&rec, root, "status")->u.i, 2);
	CHECK(ll_avro_record_get(&rec, root, "nope") == NULL);
	CHECK_INT(ll_avro_record_set(&rec, root, "nope", ll_avro_int(1), &err), LL_EINVAL);
	CHECK(strstr(err.message, "manifest_entry has no field 'nope'"));
	CHECK_INT(ll_avro_record_new(&a, root->fields[0].type, &rec, &err), LL_EINVAL);
	ll_arena_free(&a);
	ll_avro_schema_free(s);
}

static void expect_append_error(ll_avro_writer *w, const ll_avro_value *v, const char *needle)
{
	ll_error err;
	ll_error_clear(&err);
	CHECK_INT(ll_avro_writer_append(w, v, &err), LL_EINVAL);
	if (!strstr(err.message, needle))
		fprintf(stderr, "append error \"%s\" lacks \"%s\"\n", err.message, needle);
	CHECK(strstr(err.message, needle));
}

/* Bad values fail with their path and leave the writer usable. */
static void test_value_errors(void)
{
	ll_avro_schema *s = sample_schema(sample_manifest_schema);
	const ll_avro_node *root = ll_avro_schema_root(s);
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_buf file = LL_BUF_INIT;
	ll_error err;
	ll_avro_writer *w = NULL;
	CHECK_OK(ll_avro_writer_open(&w, s, NULL, ll_avro_sink_buf, &file, &err), &err);

	ll_avro_value good = sample_manifest_entry(&a, s, 7);
	CHECK_OK(ll_avro_writer_append(w, &good, &err), &err);

	ll_avro_value bad = sample_manifest_entry(&a, s, 8);
	ll_avro_value *df = bad.u.list.items + 4;
	ll_avro_value saved = df->u.list.items[4];
	df->u.list.items[4] = ll_avro_null();
	expect_append_error(w, &bad, "data_file.record_count: expected long, got null");
	df->u.list.items[4] = ll_avro_int(5);
	expect_append_error(w, &bad, "data_file.record_count: expected long, got int");
	df->u.list.items[4] = saved;

	ll_avro_value *bounds = &df->u.list.items[8];
	ll_avro_value keep = bounds->u.list.items[1].u.list.items[1];
	bounds->u.list.items[1].u.list.items[1] = ll_avro_string("x");
	expect_append_error(w, &bad, "data_file.lower_bounds[1].value: expected bytes, got string");
	bounds->u.list.items[1].u.list.items[1] = keep;

	ll_avro_value snap = bad.u.list.items[1];
	bad.u.list.items[1] = ll_avro_string("x");
	expect_append_error(w, &bad, "snapshot_id: a string does not fit the union");
	bad.u.list.items[1] = snap;

	df->u.list.items[1] = ll_avro_string_n("\xc3\x28", 2);
	expect_append_error(w, &bad, "data_file.file_path: string is not valid UTF-8");
	df->u.list.items[1] = ll_avro_string("ok");

	bad.u.list.count = 4;
	expect_append_error(w, &bad, "the record: record manifest_entry has 5 fields, the value 4");
	bad.u.list.count = 5;
	CHECK_OK(ll_avro_writer_append(w, &bad, &err), &err);
	CHECK_INT(ll_avro_writer_count(w), 2);
	CHECK_OK(ll_avro_writer_close(w, &err), &err);

	const ll_avro_value *got[4];
	size_t count = 0;
	CHECK_OK(read_all(&file, "errors.avro", &a, got, 4, &count, &err), &err);
	CHECK_INT(count, 2);
	if (count == 2) {
		CHECK(sample_value_equal(root, &good, got[0]));
		CHECK(sample_value_equal(root, &bad, got[1]));
	}
	ll_buf_free(&file);
	ll_arena_free(&a);
	ll_avro_schema_free(s);
}

static void test_fixed_enum_errors(void)
{
	ll_avro_schema *s = sample_schema(sample_all_types_schema);
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_buf file = LL_BUF_INIT;
	ll_error err;
	ll_avro_writer *w = NULL;
	CHECK_OK(ll_avro_writer_open(&w, s, NULL, ll_avro_sink_buf, &file, &err), &err);
	ll_avro_value r = sample_all_types_record(&a, s, 1);
	r.u.list.items[8].u.bytes.len = 15;
	expect_append_error(w, &r, "digest: fixed lakeload.test.md5 holds 16 bytes, the value 15");
	r.u.list.items[8].u.bytes.len = 16;
	r.u.list.items[9] = ll_avro_enum(3);
	expect_append_error(w, &r, "color: enum lakeload.test.color has 3 symbols, the value is symbol 3");
	r.u.list.items[9] = ll_avro_enum(0);
	ll_avro_map_entry e = { "\xff", 1, ll_avro_long(1) };
	r.u.list.items[11] = ll_avro_map(&e, 1);
	expect_append_error(w, &r, "counts: map key 0 is not valid UTF-8");
	e = (ll_avro_map_entry){ "k", 1, ll_avro_int(1) };
	expect_append_error(w, &r, "counts[\"k\"]: expected long, got int");
	CHECK_OK(ll_avro_writer_close(w, &err), &err);
	ll_buf_free(&file);
	ll_arena_free(&a);
	ll_avro_schema_free(s);
}

static void test_writer_options(void)
{
	ll_avro_schema *s = sample_schema("\"int\"");
	ll_buf file = LL_BUF_INIT;
	ll_error err;
	ll_avro_writer *w = NULL;
	ll_avro_meta reserved[] = { { "avro.codec", "x", 1 } };
	ll_avro_writer_options opt = { .meta = reserved, .nmeta = 1 };
	CHECK_INT(ll_avro_writer_open(&w, s, &opt, ll_avro_sink_buf, &file, &err), LL_EINVAL);
	CHECK(strstr(err.message, "reserved"));
	ll_avro_meta twice[] = { { "k", "1", 1 }, { "k", "2", 1 } };
	opt = (ll_avro_writer_options){ .meta = twice, .nmeta = 2 };
	CHECK_INT(ll_avro_writer_open(&w, s, &opt, ll_avro_sink_buf, &file, &err), LL_EINVAL);
	CHECK(strstr(err.message, "given twice"));
	opt = (ll_avro_writer_options){ .codec = LL_AVRO_CODEC_DEFLATE, .deflate_level = 10 };
	CHECK_INT(ll_avro_writer_open(&w, s, &opt, ll_avro_sink_buf, &file, &err), LL_EINVAL);
	opt = (ll_avro_writer_options){ .block_bytes = (size_t)1 << 30 };
	CHECK_INT(ll_avro_writer_open(&w, s, &opt, ll_avro_sink_buf, &file, &err), LL_EINVAL);
	CHECK(w == NULL);
	CHECK_INT(file.len, 0);

	/* two writers without a fixed sync marker get different random ones */
	ll_buf other = LL_BUF_INIT;
	CHECK_OK(write_file(s, NULL, NULL, 0, &file, &err), &err);
	CHECK_OK(write_file(s, NULL, NULL, 0, &other, &err), &err);
	CHECK(file.len == other.len && file.len > 16 &&
	      memcmp(file.data + file.len - 16, other.data + other.len - 16, 16) != 0);
	ll_buf_free(&other);
	ll_buf_free(&file);
	ll_avro_schema_free(s);
}

static ll_status failing_sink(void *user, const void *data, size_t len, ll_error *err)
{
	(void)data;
	(void)len;
	int *calls = user;
	if (++*calls > 1)
		return ll_error_set(err, LL_EIO, "disk full");
	return LL_OK;
}

static void test_sink_failure(void)
{
	ll_avro_schema *s = sample_schema("\"int\"");
	int calls = 0;
	ll_error err;
	ll_avro_writer *w = NULL;
	ll_avro_writer_options opt = { .block_records = 1 };
	CHECK_OK(ll_avro_writer_open(&w, s, &opt, failing_sink, &calls, &err), &err);
	ll_avro_value v = ll_avro_int(1);
	CHECK_INT(ll_avro_writer_append(w, &v, &err), LL_EIO);
	CHECK_STR(err.message, "disk full");
	CHECK_INT(ll_avro_writer_append(w, &v, &err), LL_EIO);
	CHECK(strstr(err.message, "failed earlier"));
	CHECK_INT(ll_avro_writer_close(w, &err), LL_EIO);
	ll_avro_schema_free(s);
}

/* Data that encodes to no bytes at all: nulls, empty records, arrays of them. */
static void test_empty_encodings(void)
{
	static const char text[] =
		"{\"type\":\"record\",\"name\":\"e\",\"fields\":[{\"name\":\"n\",\"type\":\"null\"},"
		"{\"name\":\"z\",\"type\":{\"type\":\"fixed\",\"name\":\"z0\",\"size\":0}},"
		"{\"name\":\"r\",\"type\":{\"type\":\"record\",\"name\":\"none\",\"fields\":[]}}]}";
	ll_avro_schema *s = sample_schema(text);
	CHECK(ll_avro_schema_root(s)->may_be_empty);
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_avro_value fields[3] = { ll_avro_null(), ll_avro_fixed("", 0), ll_avro_record(NULL, 0) };
	ll_avro_value recs[50];
	for (size_t i = 0; i < 50; i++)
		recs[i] = ll_avro_record(fields, 3);
	ll_buf file = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(write_file(s, NULL, recs, 50, &file, &err), &err);
	size_t count = 0;
	CHECK_OK(read_all(&file, "empty.avro", &a, NULL, 0, &count, &err), &err);
	CHECK_INT(count, 50);
	ll_buf_free(&file);
	ll_avro_schema_free(s);

	s = sample_schema("{\"type\":\"array\",\"items\":\"null\"}");
	ll_avro_value *nulls = ll_avro_values_new(&a, 1000);
	ll_avro_value arr = ll_avro_array(nulls, 1000);
	CHECK_OK(write_file(s, NULL, &arr, 1, &file, &err), &err);
	const ll_avro_value *got = NULL;
	CHECK_OK(read_all(&file, "nulls.avro", &a, &got, 1, &count, &err), &err);
	CHECK(count == 1 && got && got->u.list.count == 1000);
	ll_buf_free(&file);
	ll_arena_free(&a);
	ll_avro_schema_free(s);
}

/* A list that refers to itself: fine while shallow, refused past the nesting limit. */
static void test_recursion_depth(void)
{
	ll_avro_schema *s = sample_schema(
		"{\"type\":\"record\",\"name\":\"node\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"},"
		"{\"name\":\"next\",\"type\":[\"null\",\"node\"]}]}");
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_avro_value *cells = ll_avro_values_new(&a, 2 * 200);
	ll_avro_value head = ll_avro_null();
	for (int i = 0; i < 200; i++) {
		cells[2 * i] = ll_avro_int(i);
		cells[2 * i + 1] = head;
		head = ll_avro_record(&cells[2 * i], 2);
		if (i == 20) {
			ll_buf file = LL_BUF_INIT;
			ll_error err;
			size_t count = 0;
			const ll_avro_value *got = NULL;
			CHECK_OK(write_file(s, NULL, &head, 1, &file, &err), &err);
			CHECK_OK(read_all(&file, "list.avro", &a, &got, 1, &count, &err), &err);
			CHECK(count == 1 && sample_value_equal(ll_avro_schema_root(s), &head, got));
			ll_buf_free(&file);
		}
	}
	ll_buf file = LL_BUF_INIT;
	ll_error err;
	CHECK_INT(write_file(s, NULL, &head, 1, &file, &err), LL_EINVAL);
	CHECK(strstr(err.message, "nested deeper than 128 levels"));

	/* the same nesting, encoded by hand, is refused by the reader */
	ll_buf data = LL_BUF_INIT;
	for (int i = 0; i < 200; i++) {
		ll_avro_put_long(&data, i);
		ll_avro_put_long(&data, 1);
	}
	ll_avro_put_long(&data, 0);
	ll_avro_put_long(&data, 0);
	ll_avro_cursor c = { .start = (const uint8_t *)data.data, .p = (const uint8_t *)data.data,
			     .end = (const uint8_t *)data.data + data.len, .name = "deep.avro",
			     .arena = &a, .err = &err };
	ll_avro_value out;
	CHECK_INT(ll_avro_decode(&c, ll_avro_schema_root(s), &out), LL_EFORMAT);
	CHECK(strstr(err.message, "deeper than 128"));
	ll_buf_free(&data);
	ll_buf_free(&file);
	ll_arena_free(&a);
	ll_avro_schema_free(s);
}

/* ------------------------------------------------------- malformed files */

/* A header with the given metadata entries, sync 0..15, then body. */
static void craft_file(ll_buf *out, const ll_avro_meta *meta, size_t n, const void *body,
		       size_t body_len)
{
	ll_buf_clear(out);
	ll_buf_append(out, "Obj\x01", 4);
	ll_avro_put_long(out, (int64_t)n);
	for (size_t i = 0; i < n; i++) {
		ll_avro_put_bytes(out, meta[i].key, strlen(meta[i].key));
		ll_avro_put_bytes(out, meta[i].value, meta[i].len);
	}
	ll_avro_put_long(out, 0);
	ll_buf_append(out, fixed_sync, 16);
	ll_buf_append(out, body, body_len);
}

static void expect_read_error(const ll_buf *file, ll_status code, const char *needle)
{
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_error err;
	ll_error_clear(&err);
	size_t count;
	CHECK_INT(read_all(file, "bad.avro", &a, NULL, 0, &count, &err), code);
	if (!strstr(err.message, needle))
		fprintf(stderr, "read error \"%s\" lacks \"%s\"\n", err.message, needle);
	CHECK(strstr(err.message, needle));
	CHECK_STR(err.file, "bad.avro");
	ll_arena_free(&a);
}

static void test_malformed_headers(void)
{
	ll_buf f = LL_BUF_INIT;
	expect_read_error(&f, LL_EFORMAT, "not an Avro object container file"); /* no bytes at all */
	ll_buf_append(&f, "Obj\x02", 4);
	expect_read_error(&f, LL_EFORMAT, "not an Avro object container file");

	ll_avro_meta none[] = { { "k", "v", 1 } };
	craft_file(&f, none, 1, NULL, 0);
	expect_read_error(&f, LL_EFORMAT, "no avro.schema");

	ll_avro_meta zstd[] = { { "avro.schema", "\"int\"", 5 }, { "avro.codec", "zstandard", 9 } };
	craft_file(&f, zstd, 2, NULL, 0);
	expect_read_error(&f, LL_EUNSUPPORTED, "codec 'zstandard' is not supported");

	ll_avro_meta dup[] = { { "avro.schema", "\"int\"", 5 }, { "avro.schema", "\"int\"", 5 } };
	craft_file(&f, dup, 2, NULL, 0);
	expect_read_error(&f, LL_EFORMAT, "metadata key 'avro.schema' appears twice");

	ll_avro_meta badschema[] = { { "avro.schema", "{\"type\":\"wat\"}", 14 } };
	craft_file(&f, badschema, 1, NULL, 0);
	expect_read_error(&f, LL_EFORMAT, "header avro.schema: invalid Avro schema: unknown type 'wat'");

	ll_avro_meta ok[] = { { "avro.schema", "\"int\"", 5 } };
	craft_file(&f, ok, 1, NULL, 0);
	f.len -= 3; /* inside the sync marker */
	expect_read_error(&f, LL_EFORMAT, "header, byte 24: the file ends inside the header's sync marker");
	ll_buf_free(&f);
}

static void test_malformed_blocks(void)
{
	ll_avro_meta ok[] = { { "avro.schema", "\"int\"", 5 } };
	ll_buf f = LL_BUF_INIT;
	/* count 2, size 2, ints 1 and 2, wrong sync */
	craft_file(&f, ok, 1, "\x04\x04\x02\x04" "0123456789abcdef", 20);
	expect_read_error(&f, LL_EFORMAT, "block 1 at byte 40: the sync marker after the block differs");

	ll_buf body = LL_BUF_INIT;
	ll_buf_append(&body, "\x04\x06\x02\x04\x06", 5); /* three bytes of data for two ints */
	ll_buf_append(&body, fixed_sync, 16);
	craft_file(&f, ok, 1, body.data, body.len);
	expect_read_error(&f, LL_EFORMAT, "record 2, byte 2 of the block: 1 bytes are left over");

	ll_buf_clear(&body);
	ll_buf_append(&body, "\x06\x04\x02\x04", 4); /* three records in two bytes */
	ll_buf_append(&body, fixed_sync, 16);
	craft_file(&f, ok, 1, body.data, body.len);
	expect_read_error(&f, LL_EFORMAT, "block 1 at byte 40: record count 3 is more than the block can hold");

	ll_buf_clear(&body);
	ll_buf_append(&body, "\x04\x04\x02\x80", 4); /* the second int is cut short */
	ll_buf_append(&body, fixed_sync, 16);
	craft_file(&f, ok, 1, body.data, body.len);
	expect_read_error(&f, LL_EFORMAT, "record 2, byte 2 of the block: the data ends inside a number");

	craft_file(&f, ok, 1, "\x01\x00", 2);
	expect_read_error(&f, LL_EFORMAT, "negative record count -1");
	craft_file(&f, ok, 1, "\x02\x7e\x02", 3);
	expect_read_error(&f, LL_EFORMAT, "length 63 runs past the 1 bytes left");
	craft_file(&f, ok, 1, "\x02\x02\x02", 3);
	expect_read_error(&f, LL_EFORMAT, "the file ends before the block's sync marker");

	ll_avro_meta str[] = { { "avro.schema", "\"string\"", 8 } };
	ll_buf_clear(&body);
	ll_buf_append(&body, "\x02\x06\x04\xc3\x28", 5);
	ll_buf_append(&body, fixed_sync, 16);
	craft_file(&f, str, 1, body.data, body.len);
	expect_read_error(&f, LL_EFORMAT, "a string is not valid UTF-8");

	ll_avro_meta defl[] = { { "avro.schema", "\"int\"", 5 }, { "avro.codec", "deflate", 7 } };
	ll_buf_clear(&body);
	ll_buf_append(&body, "\x02\x06\xff\xff\xff", 5);
	ll_buf_append(&body, fixed_sync, 16);
	craft_file(&f, defl, 2, body.data, body.len);
	expect_read_error(&f, LL_EFORMAT, "block 1 at byte 59: corrupt deflate data (invalid block type)");
	ll_buf_free(&body);
	ll_buf_free(&f);
}

/* A deflate block that would inflate past the block limit is refused. */
static void test_inflate_limit(void)
{
	size_t big = LL_AVRO_MAX_BLOCK_BYTES + 4096;
	uint8_t *zeros = calloc(1, big);
	ll_buf packed = LL_BUF_INIT, body = LL_BUF_INIT, f = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(ll_avro_compress(LL_AVRO_CODEC_DEFLATE, 9, zeros, big, &packed, &err), &err);
	free(zeros);
	ll_avro_put_long(&body, 1);
	ll_avro_put_bytes(&body, packed.data, packed.len);
	ll_buf_append(&body, fixed_sync, 16);
	ll_avro_meta defl[] = { { "avro.schema", "\"bytes\"", 7 }, { "avro.codec", "deflate", 7 } };
	craft_file(&f, defl, 2, body.data, body.len);
	expect_read_error(&f, LL_EFORMAT, "inflates past 64 MiB");
	ll_buf_free(&packed);
	ll_buf_free(&body);
	ll_buf_free(&f);
}

/* Python's avro leaves three bytes of the zlib checksum after the deflate stream. */
static void test_deflate_trailing_bytes(void)
{
	uint8_t zlib_out[64];
	uLongf zlen = sizeof(zlib_out);
	CHECK(compress(zlib_out, &zlen, (const Bytef *)"\x02\x04", 2) == Z_OK);
	ll_buf body = LL_BUF_INIT, f = LL_BUF_INIT;
	ll_avro_put_long(&body, 2);
	ll_avro_put_bytes(&body, zlib_out + 2, zlen - 3);
	ll_buf_append(&body, fixed_sync, 16);
	ll_avro_meta defl[] = { { "avro.schema", "\"int\"", 5 }, { "avro.codec", "deflate", 7 } };
	craft_file(&f, defl, 2, body.data, body.len);
	ll_arena a;
	ll_arena_init(&a, 0);
	const ll_avro_value *got[2];
	size_t count;
	ll_error err;
	CHECK_OK(read_all(&f, "py.avro", &a, got, 2, &count, &err), &err);
	CHECK(count == 2 && got[0]->u.i == 1 && got[1]->u.i == 2);
	ll_arena_free(&a);
	ll_buf_free(&body);
	ll_buf_free(&f);
}

static void test_reader_stops_after_error(void)
{
	ll_avro_meta ok[] = { { "avro.schema", "\"int\"", 5 } };
	ll_buf f = LL_BUF_INIT;
	craft_file(&f, ok, 1, "\x01", 1);
	ll_avro_reader *r = NULL;
	ll_error err;
	ll_arena a;
	ll_arena_init(&a, 0);
	CHECK_OK(ll_avro_reader_open_memory(&r, f.data, f.len, "stop.avro", &err), &err);
	const ll_avro_value *v;
	CHECK_INT(ll_avro_reader_next(r, &a, &v, &err), LL_EFORMAT);
	CHECK_INT(ll_avro_reader_next(r, &a, &v, &err), LL_EFORMAT);
	CHECK(strstr(err.message, "earlier error"));
	CHECK(v == NULL);
	ll_avro_reader_free(r);
	ll_arena_free(&a);
	ll_buf_free(&f);
}

/*
 * Every single-byte change and every truncation of a valid file must read
 * as records or fail cleanly; ASan and UBSan catch anything worse.
 */
static void mutate_file(const ll_buf *good, const char *what)
{
	static const uint8_t flips[] = { 0x01, 0x80, 0xff, 0x7f };
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_buf copy = LL_BUF_INIT;
	size_t failures = 0, clean = 0;
	for (size_t pos = 0; pos <= good->len; pos++) {
		for (size_t k = 0; k <= sizeof(flips); k++) {
			ll_buf_clear(&copy);
			ll_buf_append(&copy, good->data, good->len);
			if (k == sizeof(flips))
				copy.len = pos; /* truncated */
			else if (pos < good->len)
				copy.data[pos] ^= (char)flips[k];
			else
				continue;
			ll_error err;
			ll_error_clear(&err);
			size_t count;
			ll_status st = read_all(&copy, "mutant.avro", &a, NULL, 0, &count, &err);
			ll_arena_reset(&a);
			if (st == LL_OK) {
				clean++;
				continue;
			}
			failures++;
			if ((st != LL_EFORMAT && st != LL_EUNSUPPORTED) || strcmp(err.file, "mutant.avro") != 0 ||
			    !err.message[0]) {
				fprintf(stderr, "%s: byte %zu change %zu: status %d, \"%s\" in %s\n", what,
					pos, k, st, err.message, err.file);
				ll_test_failures++;
			}
		}
	}
	/* most changes break something; some (data bytes) just change values */
	CHECK(failures > clean);
	printf("# %s: %zu mutants refused, %zu read\n", what, failures, clean);
	ll_buf_free(&copy);
	ll_arena_free(&a);
}

static void test_mutated_files(void)
{
	ll_avro_schema *s = sample_schema(sample_manifest_schema);
	ll_arena a;
	ll_arena_init(&a, 0);
	ll_avro_value values[3];
	for (uint32_t i = 0; i < 3; i++)
		values[i] = sample_manifest_entry(&a, s, i);
	for (ll_avro_codec c = LL_AVRO_CODEC_NULL; c <= LL_AVRO_CODEC_SNAPPY; c++) {
		ll_avro_writer_options opt = { .codec = c, .block_records = 2,
					       .sync = fixed_sync };
		ll_buf file = LL_BUF_INIT;
		ll_error err;
		CHECK_OK(write_file(s, &opt, values, 3, &file, &err), &err);
		mutate_file(&file, ll_avro_codec_name(c));
		ll_buf_free(&file);
	}
	ll_arena_free(&a);
	ll_avro_schema_free(s);

	s = sample_schema(sample_all_types_schema);
	ll_arena_init(&a, 0);
	for (uint32_t i = 0; i < 3; i++)
		values[i] = sample_all_types_record(&a, s, i);
	ll_buf file = LL_BUF_INIT;
	ll_error err;
	CHECK_OK(write_file(s, NULL, values, 3, &file, &err), &err);
	mutate_file(&file, "all types");
	ll_buf_free(&file);
	ll_arena_free(&a);
	ll_avro_schema_free(s);
}

LL_TEST_MAIN(LL_TEST(test_varint_bytes), LL_TEST(test_varint_malformed),
	     LL_TEST(test_schema_all_types), LL_TEST(test_schema_manifest_attributes),
	     LL_TEST(test_schema_names), LL_TEST(test_schema_errors), LL_TEST(test_exact_file_bytes),
	     LL_TEST(test_roundtrip), LL_TEST(test_record_helpers), LL_TEST(test_value_errors),
	     LL_TEST(test_fixed_enum_errors), LL_TEST(test_writer_options), LL_TEST(test_sink_failure),
	     LL_TEST(test_empty_encodings), LL_TEST(test_recursion_depth),
	     LL_TEST(test_malformed_headers), LL_TEST(test_malformed_blocks),
	     LL_TEST(test_inflate_limit), LL_TEST(test_deflate_trailing_bytes),
	     LL_TEST(test_reader_stops_after_error), LL_TEST(test_mutated_files))
