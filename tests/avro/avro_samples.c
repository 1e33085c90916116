/*
 * Sample schemas, records and value comparisons for the Avro tests.
 */
#include "avro_samples.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text keeps Iceberg's line breaks and docs: writers must copy it unchanged. */
const char *const sample_manifest_schema =
	"{\"type\": \"record\", \"name\": \"manifest_entry\", \"fields\": [\n"
	"  {\"name\": \"status\", \"type\": \"int\", \"field-id\": 0},\n"
	"  {\"name\": \"snapshot_id\", \"type\": [\"null\", \"long\"], \"default\": null, \"field-id\": 1},\n"
	"  {\"name\": \"sequence_number\", \"type\": [\"null\", \"long\"], \"default\": null, \"field-id\": 3},\n"
	"  {\"name\": \"file_sequence_number\", \"type\": [\"null\", \"long\"], \"default\": null, \"field-id\": 4},\n"
	"  {\"name\": \"data_file\", \"type\": {\"type\": \"record\", \"name\": \"r2\", \"fields\": [\n"
	"    {\"name\": \"content\", \"type\": \"int\", \"doc\": \"Contents of the file: 0=data, 1=position deletes, 2=equality deletes\", \"field-id\": 134},\n"
	"    {\"name\": \"file_path\", \"type\": \"string\", \"doc\": \"Location URI with FS scheme\", \"field-id\": 100},\n"
	"    {\"name\": \"file_format\", \"type\": \"string\", \"field-id\": 101},\n"
	"    {\"name\": \"partition\", \"type\": {\"type\": \"record\", \"name\": \"r102\", \"fields\": [\n"
	"      {\"name\": \"event_day\", \"type\": [\"null\", {\"type\": \"int\", \"logicalType\": \"date\"}], \"default\": null, \"field-id\": 1000}]},\n"
	"     \"field-id\": 102},\n"
	"    {\"name\": \"record_count\", \"type\": \"long\", \"field-id\": 103},\n"
	"    {\"name\": \"file_size_in_bytes\", \"type\": \"long\", \"field-id\": 104},\n"
	"    {\"name\": \"column_sizes\", \"type\": [\"null\", {\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"k117_v118\", \"fields\": [\n"
	"      {\"name\": \"key\", \"type\": \"int\", \"field-id\": 117}, {\"name\": \"value\", \"type\": \"long\", \"field-id\": 118}]}, \"logicalType\": \"map\"}],\n"
	"     \"default\": null, \"field-id\": 108},\n"
	"    {\"name\": \"null_value_counts\", \"type\": [\"null\", {\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"k121_v122\", \"fields\": [\n"
	"      {\"name\": \"key\", \"type\": \"int\", \"field-id\": 121}, {\"name\": \"value\", \"type\": \"long\", \"field-id\": 122}]}, \"logicalType\": \"map\"}],\n"
	"     \"default\": null, \"field-id\": 110},\n"
	"    {\"name\": \"lower_bounds\", \"type\": [\"null\", {\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"k126_v127\", \"fields\": [\n"
	"      {\"name\": \"key\", \"type\": \"int\", \"field-id\": 126}, {\"name\": \"value\", \"type\": \"bytes\", \"field-id\": 127}]}, \"logicalType\": \"map\"}],\n"
	"     \"default\": null, \"field-id\": 125},\n"
	"    {\"name\": \"upper_bounds\", \"type\": [\"null\", {\"type\": \"array\", \"items\": {\"type\": \"record\", \"name\": \"k129_v130\", \"fields\": [\n"
	"      {\"name\": \"key\", \"type\": \"int\", \"field-id\": 129}, {\"name\": \"value\", \"type\": \"bytes\", \"field-id\": 130}]}, \"logicalType\": \"map\"}],\n"
	"     \"default\": null, \"field-id\": 128},\n"
	"    {\"name\": \"key_metadata\", \"type\": [\"null\", \"bytes\"], \"default\": null, \"field-id\": 131},\n"
	"    {\"name\": \"split_offsets\", \"type\": [\"null\", {\"type\": \"array\", \"items\": \"long\", \"element-id\": 133}], \"default\": null, \"field-id\": 132},\n"
	"    {\"name\": \"sort_order_id\", \"type\": [\"null\", \"int\"], \"default\": null, \"field-id\": 140}\n"
	"  ]}, \"field-id\": 2}\n"
	"]}\n";

const char *const sample_all_types_schema =
	"{\"type\": \"record\", \"name\": \"sample\", \"namespace\": \"lakeload.test\", \"fields\": ["
	"{\"name\": \"id\", \"type\": \"long\", \"field-id\": 1},"
	"{\"name\": \"flag\", \"type\": \"boolean\"},"
	"{\"name\": \"small\", \"type\": \"int\"},"
	"{\"name\": \"ratio\", \"type\": \"float\"},"
	"{\"name\": \"amount\", \"type\": \"double\"},"
	"{\"name\": \"blob\", \"type\": \"bytes\"},"
	"{\"name\": \"label\", \"type\": \"string\"},"
	"{\"name\": \"nothing\", \"type\": \"null\"},"
	"{\"name\": \"digest\", \"type\": {\"type\": \"fixed\", \"name\": \"md5\", \"size\": 16}},"
	"{\"name\": \"color\", \"type\": {\"type\": \"enum\", \"name\": \"color\", \"symbols\": [\"RED\", \"GREEN\", \"BLUE\"]}},"
	"{\"name\": \"tags\", \"type\": {\"type\": \"array\", \"items\": \"string\"}},"
	"{\"name\": \"counts\", \"type\": {\"type\": \"map\", \"values\": \"long\"}},"
	"{\"name\": \"maybe\", \"type\": [\"null\", \"string\", \"long\"]},"
	"{\"name\": \"point\", \"type\": [\"null\", {\"type\": \"record\", \"name\": \"point\", \"fields\": ["
	"  {\"name\": \"x\", \"type\": \"double\"}, {\"name\": \"y\", \"type\": \"double\"}]}]},"
	"{\"name\": \"day\", \"type\": {\"type\": \"int\", \"logicalType\": \"date\"}},"
	"{\"name\": \"at\", \"type\": {\"type\": \"long\", \"logicalType\": \"timestamp-micros\"}},"
	"{\"name\": \"price\", \"type\": {\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": 10, \"scale\": 2}},"
	"{\"name\": \"uid\", \"type\": {\"type\": \"string\", \"logicalType\": \"uuid\"}}"
	"]}";

static const char table_schema[] =
	"{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":true,"
	"\"type\":\"long\"},{\"id\":2,\"name\":\"event_day\",\"required\":false,\"type\":\"date\"}]}";
static const char partition_spec[] =
	"[{\"name\":\"event_day\",\"transform\":\"identity\",\"source-id\":2,\"field-id\":1000}]";

const ll_avro_meta sample_manifest_meta[] = {
	{ "schema", table_schema, sizeof(table_schema) - 1 },
	{ "partition-spec", partition_spec, sizeof(partition_spec) - 1 },
	{ "partition-spec-id", "0", 1 },
	{ "format-version", "2", 1 },
	{ "content", "data", 4 },
};
const size_t sample_manifest_meta_count = sizeof(sample_manifest_meta) / sizeof(sample_manifest_meta[0]);

ll_avro_schema *sample_schema(const char *text)
{
	ll_avro_schema *s = NULL;
	ll_error err;
	ll_error_clear(&err);
	if (ll_avro_schema_parse(&s, text, strlen(text), "sample", &err) != LL_OK) {
		char m[2048];
		fprintf(stderr, "sample schema does not parse: %s\n", ll_error_format(&err, m, sizeof(m)));
		exit(2);
	}
	return s;
}

static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void *must(void *p)
{
	if (!p) {
		fprintf(stderr, "out of memory building a sample\n");
		exit(2);
	}
	return p;
}

static void set(ll_avro_value *rec, const ll_avro_node *node, const char *name, ll_avro_value v)
{
	ll_error err;
	if (ll_avro_record_set(rec, node, name, v, &err) != LL_OK) {
		fprintf(stderr, "sample: %s\n", err.message);
		exit(2);
	}
}

static ll_avro_value new_record(ll_arena *a, const ll_avro_node *node)
{
	ll_avro_value rec;
	ll_error err;
	if (ll_avro_record_new(a, node, &rec, &err) != LL_OK) {
		fprintf(stderr, "sample: %s\n", err.message);
		exit(2);
	}
	return rec;
}

/* Iceberg's map<int, T> as an array of key/value records. */
static ll_avro_value id_map(ll_arena *a, const ll_avro_node *array, size_t n, uint64_t *rnd,
			    bool bytes)
{
	const ll_avro_node *kv = array->items;
	ll_avro_value *items = must(ll_avro_values_new(a, n));
	for (size_t i = 0; i < n; i++) {
		items[i] = new_record(a, kv);
		set(&items[i], kv, "key", ll_avro_int((int32_t)(i + 1)));
		if (bytes) {
			size_t len = next_random(rnd) % 9;
			uint8_t *p = must(ll_arena_alloc(a, 16));
			for (size_t k = 0; k < len; k++)
				p[k] = (uint8_t)next_random(rnd);
			set(&items[i], kv, "value", ll_avro_bytes(p, len));
		} else {
			set(&items[i], kv, "value", ll_avro_long((int64_t)(next_random(rnd) % 100000)));
		}
	}
	return ll_avro_array(items, n);
}

static const ll_avro_node *field_type(const ll_avro_node *record, const char *name)
{
	const ll_avro_field *f = ll_avro_node_find_field(record, name, NULL);
	if (!f) {
		fprintf(stderr, "sample schema has no field %s\n", name);
		exit(2);
	}
	return f->type;
}

/* The array branch of a ["null", array] field. */
static const ll_avro_node *array_branch(const ll_avro_node *record, const char *name)
{
	return field_type(record, name)->branches[1];
}

static void fill_data_file(ll_arena *a, const ll_avro_node *df, ll_avro_value *rec, uint32_t i,
			   uint64_t *rnd)
{
	char *path = must(ll_arena_alloc(a, 96));
	snprintf(path, 96, "s3://bucket/warehouse/db/events/data/event_day=2024-06-%02u/%05u.parquet",
		 i % 28 + 1, i);
	set(rec, df, "content", ll_avro_int(0));
	set(rec, df, "file_path", ll_avro_string(path));
	set(rec, df, "file_format", ll_avro_string("PARQUET"));
	const ll_avro_node *pnode = field_type(df, "partition");
	ll_avro_value part = new_record(a, pnode);
	if (i % 5)
		set(&part, pnode, "event_day", ll_avro_int((int32_t)(19875 + i % 28)));
	set(rec, df, "partition", part);
	set(rec, df, "record_count", ll_avro_long(1000 + i));
	set(rec, df, "file_size_in_bytes", ll_avro_long(4096 + 37 * (int64_t)i));
	set(rec, df, "column_sizes", id_map(a, array_branch(df, "column_sizes"), 2, rnd, false));
	set(rec, df, "null_value_counts", id_map(a, array_branch(df, "null_value_counts"), i % 3, rnd, false));
	set(rec, df, "lower_bounds", id_map(a, array_branch(df, "lower_bounds"), 2, rnd, true));
	set(rec, df, "upper_bounds", id_map(a, array_branch(df, "upper_bounds"), 2, rnd, true));
	if (i % 2) {
		ll_avro_value *offsets = must(ll_avro_values_new(a, 1));
		offsets[0] = ll_avro_long(4);
		set(rec, df, "split_offsets", ll_avro_array(offsets, 1));
	}
	set(rec, df, "sort_order_id", ll_avro_int(0));
}

ll_avro_value sample_manifest_entry(ll_arena *a, const ll_avro_schema *s, uint32_t i)
{
	uint64_t rnd = i;
	const ll_avro_node *root = ll_avro_schema_root(s);
	ll_avro_value entry = new_record(a, root);
	set(&entry, root, "status", ll_avro_int(1));
	set(&entry, root, "snapshot_id", ll_avro_long(INT64_C(3051729675574597004) + i));
	if (i % 4 == 0)
		set(&entry, root, "sequence_number", ll_avro_long(i));
	const ll_avro_node *df = field_type(root, "data_file");
	ll_avro_value data_file = new_record(a, df);
	fill_data_file(a, df, &data_file, i, &rnd);
	set(&entry, root, "data_file", data_file);
	return entry;
}

static const struct {
	const char *s;
	size_t len;
} words[] = {
	{ "", 0 }, { "a", 1 }, { "lake", 4 }, { "na\xc3\xafve", 6 },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9 }, { "emoji \xf0\x9f\x8e\x89", 10 },
	{ "nul\0inside", 10 }, { "quote\"s and \\", 13 },
};

static ll_avro_value random_string(uint64_t *rnd)
{
	size_t w = next_random(rnd) % (sizeof(words) / sizeof(words[0]));
	return ll_avro_string_n(words[w].s, words[w].len);
}

static ll_avro_value random_bytes(ll_arena *a, uint64_t *rnd, size_t len)
{
	uint8_t *p = must(ll_arena_alloc(a, len ? len : 1));
	for (size_t k = 0; k < len; k++)
		p[k] = (uint8_t)next_random(rnd);
	return ll_avro_bytes(p, len);
}

static ll_avro_value random_tags(ll_arena *a, uint64_t *rnd)
{
	size_t n = next_random(rnd) % 4;
	ll_avro_value *items = must(ll_avro_values_new(a, n));
	for (size_t k = 0; k < n; k++)
		items[k] = random_string(rnd);
	return ll_avro_array(items, n);
}

static ll_avro_value random_counts(ll_arena *a, uint64_t *rnd)
{
	size_t n = next_random(rnd) % 4;
	ll_avro_map_entry *e = must(ll_avro_map_entries_new(a, n));
	for (size_t k = 0; k < n; k++) {
		char *key = must(ll_arena_alloc(a, 8));
		snprintf(key, 8, "k%zu", k);
		e[k].key = key;
		e[k].key_len = strlen(key);
		e[k].value = ll_avro_long((int64_t)next_random(rnd));
	}
	return ll_avro_map(e, n);
}

static ll_avro_value random_point(ll_arena *a, const ll_avro_node *root, uint64_t *rnd)
{
	if (next_random(rnd) % 3 == 0)
		return ll_avro_null();
	const ll_avro_node *point = field_type(root, "point")->branches[1];
	ll_avro_value v = new_record(a, point);
	set(&v, point, "x", ll_avro_double((double)(int64_t)next_random(rnd) / 1e6));
	set(&v, point, "y", ll_avro_double(-0.0));
	return v;
}

static void fill_scalars(ll_arena *a, const ll_avro_node *root, ll_avro_value *r, uint32_t i,
			 uint64_t *rnd)
{
	static const double doubles[] = { 0.1, -2.5e-300, 1e308, 5e-324, -0.0 };
	set(r, root, "id", ll_avro_long(i % 7 ? (int64_t)i : -(int64_t)i * (INT64_C(1) << 40)));
	set(r, root, "flag", ll_avro_boolean(next_random(rnd) & 1));
	set(r, root, "small", ll_avro_int((int32_t)(uint32_t)next_random(rnd)));
	set(r, root, "ratio", ll_avro_float((float)((int32_t)next_random(rnd)) / 3.0f));
	set(r, root, "amount", ll_avro_double(doubles[next_random(rnd) % 5]));
	set(r, root, "blob", random_bytes(a, rnd, next_random(rnd) % 40));
	set(r, root, "label", random_string(rnd));
	ll_avro_value digest = random_bytes(a, rnd, 16);
	set(r, root, "digest", ll_avro_fixed(digest.u.bytes.ptr, 16));
	set(r, root, "color", ll_avro_enum((uint32_t)(next_random(rnd) % 3)));
	set(r, root, "day", ll_avro_int((int32_t)(next_random(rnd) % 40000) - 10000));
	set(r, root, "at", ll_avro_long((int64_t)next_random(rnd)));
	set(r, root, "price", random_bytes(a, rnd, 1 + next_random(rnd) % 8));
	set(r, root, "uid", ll_avro_string("0f8fad5b-d9cb-469f-a165-70867728950e"));
}

ll_avro_value sample_all_types_record(ll_arena *a, const ll_avro_schema *s, uint32_t i)
{
	uint64_t rnd = 0x5eed0000u + i;
	const ll_avro_node *root = ll_avro_schema_root(s);
	ll_avro_value r = new_record(a, root);
	fill_scalars(a, root, &r, i, &rnd);
	set(&r, root, "tags", random_tags(a, &rnd));
	set(&r, root, "counts", random_counts(a, &rnd));
	switch (next_random(&rnd) % 3) {
	case 0: set(&r, root, "maybe", ll_avro_null()); break;
	case 1: set(&r, root, "maybe", random_string(&rnd)); break;
	default: set(&r, root, "maybe", ll_avro_long((int64_t)next_random(&rnd))); break;
	}
	set(&r, root, "point", random_point(a, root, &rnd));
	return r;
}

/* ---------------------------------------------------------- comparisons */

static bool differ(const char *what, const ll_avro_node *n)
{
	fprintf(stderr, "values differ: %s (type %s%s%s)\n", what, ll_avro_type_name(n->type),
		n->name ? " " : "", n->name ? n->name : "");
	return false;
}

static bool same_span(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* The branch the writer puts v in (avro.h): v->branch if it fits, else the first that does. */
static size_t branch_of(const ll_avro_node *n, const ll_avro_value *v)
{
	if (v->branch < n->nbranches && n->branches[v->branch]->type == v->type)
		return v->branch;
	for (size_t i = 0; i < n->nbranches; i++) {
		if (n->branches[i]->type == v->type)
			return i;
	}
	return n->nbranches;
}

static bool list_equal(const ll_avro_node *n, const ll_avro_value *a, const ll_avro_value *b)
{
	if (a->u.list.count != b->u.list.count)
		return differ("item or field counts", n);
	for (size_t i = 0; i < a->u.list.count; i++) {
		const ll_avro_node *t = n->type == LL_AVRO_ARRAY ? n->items : n->fields[i].type;
		if (!sample_value_equal(t, &a->u.list.items[i], &b->u.list.items[i]))
			return false;
	}
	return true;
}

static bool map_equal(const ll_avro_node *n, const ll_avro_value *a, const ll_avro_value *b)
{
	if (a->u.map.count != b->u.map.count)
		return differ("entry counts", n);
	for (size_t i = 0; i < a->u.map.count; i++) {
		const ll_avro_map_entry *x = &a->u.map.entries[i], *y = &b->u.map.entries[i];
		if (!same_span(x->key, x->key_len, y->key, y->key_len))
			return differ("map keys", n);
		if (!sample_value_equal(n->values, &x->value, &y->value))
			return false;
	}
	return true;
}

bool sample_value_equal(const ll_avro_node *n, const ll_avro_value *a, const ll_avro_value *b)
{
	if (n->type == LL_AVRO_UNION) {
		size_t branch = branch_of(n, a);
		if (branch == n->nbranches || branch != branch_of(n, b))
			return differ("union branches", n);
		return sample_value_equal(n->branches[branch], a, b);
	}
	if (a->type != n->type || b->type != n->type)
		return differ("types", n);
	switch (n->type) {
	case LL_AVRO_NULL: return true;
	case LL_AVRO_BOOLEAN: return a->u.boolean == b->u.boolean || differ("booleans", n);
	case LL_AVRO_INT: return a->u.i == b->u.i || differ("ints", n);
	case LL_AVRO_LONG: return a->u.l == b->u.l || differ("longs", n);
	case LL_AVRO_FLOAT: return memcmp(&a->u.f, &b->u.f, 4) == 0 || differ("floats", n);
	case LL_AVRO_DOUBLE: return memcmp(&a->u.d, &b->u.d, 8) == 0 || differ("doubles", n);
	case LL_AVRO_STRING:
		return same_span(a->u.str.ptr, a->u.str.len, b->u.str.ptr, b->u.str.len) ||
		       differ("strings", n);
	case LL_AVRO_BYTES:
	case LL_AVRO_FIXED:
		return same_span(a->u.bytes.ptr, a->u.bytes.len, b->u.bytes.ptr, b->u.bytes.len) ||
		       differ("bytes", n);
	case LL_AVRO_ENUM: return a->u.symbol == b->u.symbol || differ("enum symbols", n);
	case LL_AVRO_MAP: return map_equal(n, a, b);
	default: return list_equal(n, a, b);
	}
}

static bool json_differs(const char *what, const ll_avro_node *n, const json_t *j)
{
	char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
	fprintf(stderr, "value differs from python-avro's: %s (type %s), JSON %.200s\n", what,
		ll_avro_type_name(n->type), text ? text : "?");
	free(text);
	return false;
}

static bool hex_matches(const uint8_t *p, size_t len, const json_t *j)
{
	const char *hex = json_string_value(j);
	if (!hex || strlen(hex) != 2 * len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char two[3];
		snprintf(two, sizeof(two), "%02x", p[i]);
		if (memcmp(two, hex + 2 * i, 2) != 0)
			return false;
	}
	return true;
}

static bool bits_match(uint64_t bits, size_t width, const json_t *j)
{
	uint8_t be[8];
	for (size_t i = 0; i < width; i++)
		be[i] = (uint8_t)(bits >> (8 * (width - 1 - i)));
	return hex_matches(be, width, j);
}

static bool list_matches(const ll_avro_node *n, const ll_avro_value *v, const json_t *j)
{
	if (!json_is_array(j) || json_array_size(j) != v->u.list.count)
		return json_differs("item or field count", n, j);
	for (size_t i = 0; i < v->u.list.count; i++) {
		const ll_avro_node *t = n->type == LL_AVRO_ARRAY ? n->items : n->fields[i].type;
		if (!sample_value_matches_json(t, &v->u.list.items[i], json_array_get(j, i)))
			return false;
	}
	return true;
}

static bool map_matches(const ll_avro_node *n, const ll_avro_value *v, const json_t *j)
{
	if (!json_is_array(j) || json_array_size(j) != v->u.map.count)
		return json_differs("map entry count", n, j);
	for (size_t i = 0; i < v->u.map.count; i++) {
		const ll_avro_map_entry *e = &v->u.map.entries[i];
		const json_t *pair = json_array_get(j, i), *key = json_array_get(pair, 0);
		if (!json_is_string(key) ||
		    !same_span(e->key, e->key_len, json_string_value(key), json_string_length(key)))
			return json_differs("map key", n, j);
		if (!sample_value_matches_json(n->values, &e->value, json_array_get(pair, 1)))
			return false;
	}
	return true;
}

static bool union_matches(const ll_avro_node *n, const ll_avro_value *v, const json_t *j)
{
	const json_t *branch = json_object_get(j, "branch");
	size_t b = branch_of(n, v);
	if (b == n->nbranches || !json_is_integer(branch) ||
	    (json_int_t)b != json_integer_value(branch))
		return json_differs("union branch", n, j);
	return sample_value_matches_json(n->branches[b], v, json_object_get(j, "value"));
}

static bool scalar_matches(const ll_avro_node *n, const ll_avro_value *v, const json_t *j)
{
	uint32_t f32;
	uint64_t f64;
	switch (n->type) {
	case LL_AVRO_NULL: return json_is_null(j);
	case LL_AVRO_BOOLEAN: return json_is_boolean(j) && json_is_true(j) == v->u.boolean;
	case LL_AVRO_INT: return json_is_integer(j) && json_integer_value(j) == v->u.i;
	case LL_AVRO_LONG: return json_is_integer(j) && json_integer_value(j) == v->u.l;
	case LL_AVRO_FLOAT: memcpy(&f32, &v->u.f, 4); return bits_match(f32, 4, j);
	case LL_AVRO_DOUBLE: memcpy(&f64, &v->u.d, 8); return bits_match(f64, 8, j);
	case LL_AVRO_STRING:
		return json_is_string(j) && same_span(v->u.str.ptr, v->u.str.len, json_string_value(j),
						      json_string_length(j));
	case LL_AVRO_BYTES:
	case LL_AVRO_FIXED: return hex_matches(v->u.bytes.ptr, v->u.bytes.len, j);
	case LL_AVRO_ENUM:
		return json_is_string(j) && v->u.symbol < n->nsymbols &&
		       strcmp(n->symbols[v->u.symbol], json_string_value(j)) == 0;
	default: return false;
	}
}

bool sample_value_matches_json(const ll_avro_node *n, const ll_avro_value *v, const json_t *j)
{
	if (n->type == LL_AVRO_UNION)
		return union_matches(n, v, j);
	if (v->type != n->type)
		return json_differs("type", n, j);
	switch (n->type) {
	case LL_AVRO_RECORD:
	case LL_AVRO_ARRAY: return list_matches(n, v, j);
	case LL_AVRO_MAP: return map_matches(n, v, j);
	default: return scalar_matches(n, v, j) || json_differs("value", n, j);
	}
}
