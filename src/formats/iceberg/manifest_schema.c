/*
 * Avro schemas of manifests and manifest lists, field ids and record names
 * as the Java library writes them (table spec "Manifests", "Manifest
 * Lists"), and partition values in their Avro form.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "formats/iceberg/manifest_internal.h"
#include "formats/iceberg/transform.h"

static json_t *field(const char *name, json_t *type, int id, bool optional)
{
	json_t *f = json_object();
	json_object_set_new(f, "name", json_string(name));
	if (optional) {
		json_object_set_new(f, "type", json_pack("[s,o]", "null", type));
		json_object_set_new(f, "default", json_null());
	} else {
		json_object_set_new(f, "type", type);
	}
	json_object_set_new(f, "field-id", json_integer(id));
	return f;
}

static json_t *record(const char *name, json_t *fields)
{
	return json_pack("{s:s,s:s,s:o}", "type", "record", "name", name, "fields", fields);
}

/* An Iceberg map<int, T> as Avro: an array of key/value records, logical type map. */
static json_t *int_map(int key_id, int value_id, const char *value_type)
{
	char name[32];
	snprintf(name, sizeof(name), "k%d_v%d", key_id, value_id);
	json_t *kv = record(name, json_pack("[o,o]", field("key", json_string("int"), key_id, false),
					   field("value", json_string(value_type), value_id, false)));
	return json_pack("{s:s,s:o,s:s}", "type", "array", "items", kv, "logicalType", "map");
}

static json_t *list_of(const char *item_type, int element_id)
{
	return json_pack("{s:s,s:s,s:i}", "type", "array", "items", item_type, "element-id", element_id);
}

/* The Avro type of a primitive Iceberg type. */
static json_t *avro_type(const ll_iceberg_type *t)
{
	char name[48];
	switch (t->kind) {
	case LL_ICEBERG_BOOLEAN: return json_string("boolean");
	case LL_ICEBERG_INT: return json_string("int");
	case LL_ICEBERG_LONG: return json_string("long");
	case LL_ICEBERG_FLOAT: return json_string("float");
	case LL_ICEBERG_DOUBLE: return json_string("double");
	case LL_ICEBERG_DATE: return json_pack("{s:s,s:s}", "type", "int", "logicalType", "date");
	case LL_ICEBERG_TIME:
		return json_pack("{s:s,s:s}", "type", "long", "logicalType", "time-micros");
	case LL_ICEBERG_TIMESTAMP:
	case LL_ICEBERG_TIMESTAMPTZ:
		return json_pack("{s:s,s:s,s:b}", "type", "long", "logicalType", "timestamp-micros",
				 "adjust-to-utc", t->kind == LL_ICEBERG_TIMESTAMPTZ);
	case LL_ICEBERG_STRING: return json_string("string");
	case LL_ICEBERG_UUID:
		return json_pack("{s:s,s:s,s:i,s:s}", "type", "fixed", "name", "uuid_fixed", "size", 16,
				 "logicalType", "uuid");
	case LL_ICEBERG_FIXED:
		snprintf(name, sizeof(name), "fixed_%d", (int)t->length);
		return json_pack("{s:s,s:s,s:i}", "type", "fixed", "name", name, "size", (int)t->length);
	case LL_ICEBERG_DECIMAL: {
		int size = 1;
		while (size < 16 && (size * 8 - 1) * 0.30103 < t->precision)
			size++;
		snprintf(name, sizeof(name), "decimal_%d_%d", t->precision, t->scale);
		return json_pack("{s:s,s:s,s:i,s:s,s:i,s:i}", "type", "fixed", "name", name, "size",
				 size, "logicalType", "decimal", "precision", t->precision, "scale",
				 t->scale);
	}
	default: return json_string("bytes");
	}
}

ll_status ll_manifest_partition_types(const ll_iceberg_partition_spec *spec,
				      const ll_iceberg_schema *schema,
				      const ll_iceberg_type **types, ll_error *err)
{
	for (size_t i = 0; i < spec->nfields; i++) {
		const ll_iceberg_partition_field *pf = &spec->fields[i];
		const ll_iceberg_field *src = ll_iceberg_schema_find_field(schema, pf->source_id);
		if (!src)
			return ll_error_set(err, LL_EFORMAT,
					    "partition field %s has source id %d, which the schema lacks",
					    pf->name, (int)pf->source_id);
		ll_status st = ll_iceberg_transform_result_type(&pf->transform, src->type, &types[i], err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

static json_t *data_file_type(int v, json_t *partition)
{
	json_t *f = json_array();
	if (v >= 2)
		json_array_append_new(f, field("content", json_string("int"), 134, false));
	json_array_append_new(f, field("file_path", json_string("string"), 100, false));
	json_array_append_new(f, field("file_format", json_string("string"), 101, false));
	json_array_append_new(f, field("partition", partition, 102, false));
	json_array_append_new(f, field("record_count", json_string("long"), 103, false));
	json_array_append_new(f, field("file_size_in_bytes", json_string("long"), 104, false));
	if (v == 1)
		json_array_append_new(f, field("block_size_in_bytes", json_string("long"), 105, false));
	json_array_append_new(f, field("column_sizes", int_map(117, 118, "long"), 108, true));
	json_array_append_new(f, field("value_counts", int_map(119, 120, "long"), 109, true));
	json_array_append_new(f, field("null_value_counts", int_map(121, 122, "long"), 110, true));
	json_array_append_new(f, field("nan_value_counts", int_map(138, 139, "long"), 137, true));
	json_array_append_new(f, field("lower_bounds", int_map(126, 127, "bytes"), 125, true));
	json_array_append_new(f, field("upper_bounds", int_map(129, 130, "bytes"), 128, true));
	json_array_append_new(f, field("key_metadata", json_string("bytes"), 131, true));
	json_array_append_new(f, field("split_offsets", list_of("long", 133), 132, true));
	if (v >= 2)
		json_array_append_new(f, field("equality_ids", list_of("int", 136), 135, true));
	json_array_append_new(f, field("sort_order_id", json_string("int"), 140, true));
	return record("r2", f);
}

ll_status ll_manifest_entry_schema(int format_version, const ll_iceberg_partition_spec *spec,
				   const ll_iceberg_schema *schema, ll_buf *out, ll_error *err)
{
	const ll_iceberg_type *types[256];
	if (spec->nfields > 256)
		return ll_error_set(err, LL_EUNSUPPORTED, "a partition spec of %zu fields", spec->nfields);
	ll_status st = ll_manifest_partition_types(spec, schema, types, err);
	if (st != LL_OK)
		return st;
	json_t *pfields = json_array();
	for (size_t i = 0; i < spec->nfields; i++)
		json_array_append_new(pfields, field(spec->fields[i].name, avro_type(types[i]),
						     spec->fields[i].field_id, true));
	json_t *entry = json_array();
	json_array_append_new(entry, field("status", json_string("int"), 0, false));
	json_array_append_new(entry, field("snapshot_id", json_string("long"), 1, format_version >= 2));
	if (format_version >= 2) {
		json_array_append_new(entry, field("sequence_number", json_string("long"), 3, true));
		json_array_append_new(entry, field("file_sequence_number", json_string("long"), 4, true));
	}
	json_array_append_new(entry, field("data_file", data_file_type(format_version,
								      record("r102", pfields)),
					   2, false));
	json_t *root = record("manifest_entry", entry);
	char *text = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	if (!text)
		return ll_error_oom(err);
	ll_buf_puts(out, text);
	free(text);
	return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
}

void ll_manifest_list_schema(int format_version, ll_buf *out)
{
	bool v2 = format_version >= 2;
	json_t *summary = json_array();
	json_array_append_new(summary, field("contains_null", json_string("boolean"), 509, false));
	json_array_append_new(summary, field("contains_nan", json_string("boolean"), 518, true));
	json_array_append_new(summary, field("lower_bound", json_string("bytes"), 510, true));
	json_array_append_new(summary, field("upper_bound", json_string("bytes"), 511, true));
	json_t *partitions = json_pack("{s:s,s:o,s:i}", "type", "array", "items",
				       record("r508", summary), "element-id", 508);
	json_t *f = json_array();
	json_array_append_new(f, field("manifest_path", json_string("string"), 500, false));
	json_array_append_new(f, field("manifest_length", json_string("long"), 501, false));
	json_array_append_new(f, field("partition_spec_id", json_string("int"), 502, false));
	if (v2) {
		json_array_append_new(f, field("content", json_string("int"), 517, false));
		json_array_append_new(f, field("sequence_number", json_string("long"), 515, false));
		json_array_append_new(f, field("min_sequence_number", json_string("long"), 516, false));
	}
	json_array_append_new(f, field("added_snapshot_id", json_string("long"), 503, !v2));
	json_array_append_new(f, field(v2 ? "added_files_count" : "added_data_files_count",
				       json_string("int"), 504, !v2));
	json_array_append_new(f, field(v2 ? "existing_files_count" : "existing_data_files_count",
				       json_string("int"), 505, !v2));
	json_array_append_new(f, field(v2 ? "deleted_files_count" : "deleted_data_files_count",
				       json_string("int"), 506, !v2));
	json_array_append_new(f, field("added_rows_count", json_string("long"), 512, !v2));
	json_array_append_new(f, field("existing_rows_count", json_string("long"), 513, !v2));
	json_array_append_new(f, field("deleted_rows_count", json_string("long"), 514, !v2));
	json_array_append_new(f, field("partitions", partitions, 507, true));
	json_array_append_new(f, field("key_metadata", json_string("bytes"), 519, true));
	json_t *root = record("manifest_file", f);
	char *text = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	if (text)
		ll_buf_puts(out, text);
	else
		out->oom = true;
	free(text);
}

static bool holds_bytes(const ll_iceberg_type *t)
{
	return t->kind == LL_ICEBERG_STRING || t->kind == LL_ICEBERG_BINARY ||
	       t->kind == LL_ICEBERG_FIXED || t->kind == LL_ICEBERG_UUID;
}

ll_avro_value ll_manifest_partition_to_avro(const ll_iceberg_type *t, const ll_iceberg_value *v,
					    ll_arena *arena)
{
	if (v->is_null)
		return ll_avro_null();
	switch (t->kind) {
	case LL_ICEBERG_BOOLEAN: return ll_avro_boolean(v->b);
	case LL_ICEBERG_INT:
	case LL_ICEBERG_DATE: return ll_avro_int((int32_t)v->i);
	case LL_ICEBERG_FLOAT: return ll_avro_float(v->f);
	case LL_ICEBERG_DOUBLE: return ll_avro_double(v->d);
	case LL_ICEBERG_STRING: return ll_avro_string_n((const char *)v->bytes.data, v->bytes.len);
	case LL_ICEBERG_BINARY: return ll_avro_bytes(v->bytes.data, v->bytes.len);
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_UUID: return ll_avro_fixed(v->bytes.data, v->bytes.len);
	case LL_ICEBERG_DECIMAL: {
		int size = 1;
		while (size < 16 && (size * 8 - 1) * 0.30103 < t->precision)
			size++;
		uint8_t *b = ll_arena_alloc(arena, (size_t)size);
		if (b)
			memcpy(b, v->decimal + 16 - size, (size_t)size);
		return ll_avro_fixed(b, (size_t)size);
	}
	default: return ll_avro_long(v->i);
	}
}

bool ll_manifest_partition_from_avro(const ll_iceberg_type *t, const ll_avro_value *a,
				     ll_iceberg_value *out)
{
	memset(out, 0, sizeof(*out));
	if (a->type == LL_AVRO_NULL) {
		out->is_null = true;
		return true;
	}
	switch (a->type) {
	case LL_AVRO_BOOLEAN: out->b = a->u.boolean; return t->kind == LL_ICEBERG_BOOLEAN;
	case LL_AVRO_INT: out->i = a->u.i; return !holds_bytes(t);
	case LL_AVRO_LONG: out->i = a->u.l; return !holds_bytes(t);
	case LL_AVRO_FLOAT: out->f = a->u.f; out->d = a->u.f; return true;
	case LL_AVRO_DOUBLE: out->d = a->u.d; return true;
	case LL_AVRO_STRING:
		*out = ll_iceberg_bytes(a->u.str.ptr, a->u.str.len);
		return holds_bytes(t);
	case LL_AVRO_BYTES:
	case LL_AVRO_FIXED:
		if (t->kind == LL_ICEBERG_DECIMAL) {
			size_t n = a->u.bytes.len;
			if (n == 0 || n > 16)
				return false;
			memset(out->decimal, (a->u.bytes.ptr[0] & 0x80) ? 0xff : 0, 16);
			memcpy(out->decimal + 16 - n, a->u.bytes.ptr, n);
			return true;
		}
		*out = ll_iceberg_bytes(a->u.bytes.ptr, a->u.bytes.len);
		return holds_bytes(t);
	default: return false;
	}
}
