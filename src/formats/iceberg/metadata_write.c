/*
 * Writing ll_iceberg_metadata as table metadata JSON. See metadata.h.
 *
 * Members go out in the Java library's order, known ones first, then the
 * ones the parsed file had that this model does not know. Empty lists and
 * maps (snapshots, logs, refs, properties) are written rather than left
 * out, as Java writes them, so every reader finds the members it expects.
 */
#include "formats/iceberg/metadata.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "formats/iceberg/json_util.h"
#include "util/error.h"

static const char *const root_keys[] = {
	"format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms",
	"last-column-id", "schema", "current-schema-id", "schemas", "partition-spec",
	"default-spec-id", "partition-specs", "last-partition-id", "default-sort-order-id",
	"sort-orders", "properties", "current-snapshot-id", "refs", "snapshots", "snapshot-log",
	"metadata-log", NULL,
};
static const char *const snapshot_keys[] = {
	"sequence-number", "snapshot-id", "parent-snapshot-id", "timestamp-ms", "summary",
	"manifest-list", "schema-id", NULL,
};
static const char *const sort_order_keys[] = { "order-id", "fields", NULL };
static const char *const sort_field_keys[] = { "transform", "source-id", "direction",
					       "null-order", NULL };
static const char *const ref_keys[] = { "snapshot-id", "type", NULL };

static json_t *string_map(const ll_iceberg_kv *items, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < n; i++) {
		if (!ll_iceberg_json_put(o, items[i].key, json_string(items[i].value))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* Appends v to arr, taking the reference; false on any failure. */
static bool append(json_t *arr, json_t *v)
{
	if (!arr || !v) {
		json_decref(v);
		return false;
	}
	return json_array_append_new(arr, v) == 0;
}

static json_t *snapshot_json(const ll_iceberg_snapshot *s, bool v2)
{
	json_t *o = json_object();
	bool ok = (!v2 || ll_iceberg_json_put(o, "sequence-number",
					      json_integer(s->sequence_number))) &&
		  ll_iceberg_json_put(o, "snapshot-id", json_integer(s->snapshot_id)) &&
		  (s->parent_snapshot_id == LL_ICEBERG_NO_SNAPSHOT ||
		   ll_iceberg_json_put(o, "parent-snapshot-id",
				       json_integer(s->parent_snapshot_id))) &&
		  ll_iceberg_json_put(o, "timestamp-ms", json_integer(s->timestamp_ms)) &&
		  (!s->summary ||
		   ll_iceberg_json_put(o, "summary", string_map(s->summary, s->nsummary))) &&
		  (!s->manifest_list ||
		   ll_iceberg_json_put(o, "manifest-list", json_string(s->manifest_list))) &&
		  (!s->has_schema_id ||
		   ll_iceberg_json_put(o, "schema-id", json_integer(s->schema_id))) &&
		  ll_iceberg_json_copy_unknown(o, s->json, snapshot_keys);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *sort_field_json(const ll_iceberg_sort_field *f)
{
	char transform[64];
	json_t *o = json_object();
	bool ok = ll_iceberg_json_put(o, "transform",
				      json_string(ll_iceberg_transform_format(
					      &f->transform, transform, sizeof(transform)))) &&
		  ll_iceberg_json_put(o, "source-id", json_integer(f->source_id)) &&
		  ll_iceberg_json_put(o, "direction",
				      json_string(f->direction == LL_ICEBERG_SORT_DESC ? "desc"
										: "asc")) &&
		  ll_iceberg_json_put(o, "null-order",
				      json_string(f->null_order == LL_ICEBERG_NULLS_LAST
							  ? "nulls-last"
							  : "nulls-first")) &&
		  ll_iceberg_json_copy_unknown(o, f->json, sort_field_keys);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *sort_order_json(const ll_iceberg_sort_order *order)
{
	json_t *o = json_object(), *fields = json_array();
	bool ok = ll_iceberg_json_put(o, "order-id", json_integer(order->order_id)) &&
		  ll_iceberg_json_put(o, "fields", json_incref(fields));
	for (size_t i = 0; ok && i < order->nfields; i++)
		ok = append(fields, sort_field_json(&order->fields[i]));
	ok = ok && ll_iceberg_json_copy_unknown(o, order->json, sort_order_keys);
	json_decref(fields);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *ref_json(const ll_iceberg_ref *r)
{
	json_t *o = json_object();
	bool ok = ll_iceberg_json_put(o, "snapshot-id", json_integer(r->snapshot_id)) &&
		  ll_iceberg_json_put(o, "type", json_string(r->is_tag ? "tag" : "branch")) &&
		  ll_iceberg_json_copy_unknown(o, r->json, ref_keys);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *refs_json(const ll_iceberg_metadata *md)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < md->nrefs; i++) {
		if (!ll_iceberg_json_put(o, md->refs[i].name, ref_json(&md->refs[i]))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *log_entry_json(int64_t timestamp_ms, const char *key, json_t *value)
{
	json_t *o = json_object();
	bool ok = ll_iceberg_json_put(o, "timestamp-ms", json_integer(timestamp_ms)) &&
		  ll_iceberg_json_put(o, key, value);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

/* Builds each list member with its own function, by index. */
typedef json_t *(*element_fn)(const ll_iceberg_metadata *md, size_t i);

static json_t *list_json(const ll_iceberg_metadata *md, size_t n, element_fn fn)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		if (!append(arr, fn(md, i))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *schema_at(const ll_iceberg_metadata *md, size_t i)
{
	return ll_iceberg_schema_to_json(&md->schemas[i]);
}

static json_t *spec_at(const ll_iceberg_metadata *md, size_t i)
{
	return ll_iceberg_partition_spec_to_json(&md->specs[i]);
}

static json_t *sort_order_at(const ll_iceberg_metadata *md, size_t i)
{
	return sort_order_json(&md->sort_orders[i]);
}

static json_t *snapshot_at(const ll_iceberg_metadata *md, size_t i)
{
	return snapshot_json(&md->snapshots[i], md->format_version >= 2);
}

static json_t *snapshot_log_at(const ll_iceberg_metadata *md, size_t i)
{
	const ll_iceberg_snapshot_log_entry *e = &md->snapshot_log[i];
	return log_entry_json(e->timestamp_ms, "snapshot-id", json_integer(e->snapshot_id));
}

static json_t *metadata_log_at(const ll_iceberg_metadata *md, size_t i)
{
	const ll_iceberg_metadata_log_entry *e = &md->metadata_log[i];
	return log_entry_json(e->timestamp_ms, "metadata-file", json_string(e->metadata_file));
}

/* Version 1 readers know only the single current schema and spec. */
static bool put_v1_members(json_t *root, const ll_iceberg_metadata *md, bool schema)
{
	if (md->format_version != 1)
		return true;
	if (schema) {
		const ll_iceberg_schema *s = ll_iceberg_metadata_current_schema(md);
		return s && ll_iceberg_json_put(root, "schema", ll_iceberg_schema_to_json(s));
	}
	const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_default_spec(md);
	return spec && ll_iceberg_json_put(root, "partition-spec",
					   ll_iceberg_partition_fields_to_json(spec));
}

static bool put_table_members(json_t *root, const ll_iceberg_metadata *md)
{
	bool v2 = md->format_version >= 2;
	return ll_iceberg_json_put(root, "format-version", json_integer(md->format_version)) &&
	       (!md->table_uuid ||
		ll_iceberg_json_put(root, "table-uuid", json_string(md->table_uuid))) &&
	       ll_iceberg_json_put(root, "location", json_string(md->location)) &&
	       (!v2 || ll_iceberg_json_put(root, "last-sequence-number",
					   json_integer(md->last_sequence_number))) &&
	       ll_iceberg_json_put(root, "last-updated-ms", json_integer(md->last_updated_ms)) &&
	       ll_iceberg_json_put(root, "last-column-id", json_integer(md->last_column_id));
}

static bool put_layout_members(json_t *root, const ll_iceberg_metadata *md)
{
	return put_v1_members(root, md, true) &&
	       ll_iceberg_json_put(root, "current-schema-id",
				   json_integer(md->current_schema_id)) &&
	       ll_iceberg_json_put(root, "schemas", list_json(md, md->nschemas, schema_at)) &&
	       put_v1_members(root, md, false) &&
	       ll_iceberg_json_put(root, "default-spec-id", json_integer(md->default_spec_id)) &&
	       ll_iceberg_json_put(root, "partition-specs", list_json(md, md->nspecs, spec_at)) &&
	       ll_iceberg_json_put(root, "last-partition-id",
				   json_integer(md->last_partition_id)) &&
	       ll_iceberg_json_put(root, "default-sort-order-id",
				   json_integer(md->default_sort_order_id)) &&
	       ll_iceberg_json_put(root, "sort-orders",
				   list_json(md, md->nsort_orders, sort_order_at));
}

static bool put_history_members(json_t *root, const ll_iceberg_metadata *md)
{
	return ll_iceberg_json_put(root, "properties",
				   string_map(md->properties, md->nproperties)) &&
	       ll_iceberg_json_put(root, "current-snapshot-id",
				   json_integer(md->current_snapshot_id)) &&
	       ll_iceberg_json_put(root, "refs", refs_json(md)) &&
	       ll_iceberg_json_put(root, "snapshots",
				   list_json(md, md->nsnapshots, snapshot_at)) &&
	       ll_iceberg_json_put(root, "snapshot-log",
				   list_json(md, md->nsnapshot_log, snapshot_log_at)) &&
	       ll_iceberg_json_put(root, "metadata-log",
				   list_json(md, md->nmetadata_log, metadata_log_at));
}

ll_status ll_iceberg_metadata_write(const ll_iceberg_metadata *md, ll_buf *out, ll_error *err)
{
	if (md->format_version != 1 && md->format_version != 2)
		return ll_error_set(err, LL_EINVAL, "cannot write format-version %d metadata",
				    md->format_version);
	if (!md->location || (md->format_version == 2 && !md->table_uuid))
		return ll_error_set(err, LL_EINVAL, "table metadata needs a location%s",
				    md->format_version == 2 ? " and a table-uuid" : "");
	if (!ll_iceberg_metadata_current_schema(md) || !ll_iceberg_metadata_default_spec(md))
		return ll_error_set(err, LL_EINVAL,
				    "current-schema-id %d or default-spec-id %d names nothing",
				    (int)md->current_schema_id, (int)md->default_spec_id);
	json_t *root = json_object();
	bool ok = root && put_table_members(root, md) && put_layout_members(root, md) &&
		  put_history_members(root, md) &&
		  ll_iceberg_json_copy_unknown(root, md->document, root_keys);
	char *text = ok ? json_dumps(root, JSON_INDENT(2)) : NULL;
	json_decref(root);
	if (!text)
		return ll_error_oom(err);
	ll_buf_puts(out, text);
	ll_buf_putc(out, '\n');
	free(text);
	return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
}
