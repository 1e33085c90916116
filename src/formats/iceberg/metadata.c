/*
 * Reading Iceberg table metadata JSON into ll_iceberg_metadata. See
 * metadata.h.
 *
 * The parsed jansson document stays with the model: strings point into it
 * and each element keeps its JSON object, so the writer can carry members
 * this code does not model back into the files it writes. Every member is
 * read through json_util's typed readers, which name the member's path when
 * it is missing or of the wrong type; the version-specific rules (what is
 * required in version 2, what version 1 defaults) are decided here, in the
 * order the spec's "Table Metadata Fields" lists them.
 */
#include "formats/iceberg/metadata.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "formats/iceberg/json_util.h"
#include "util/error.h"

/* Decompressed metadata beyond this is not a metadata file. */
#define LL_ICEBERG_METADATA_MAX (256u << 20)

typedef struct md_parser {
	ll_iceberg_metadata *md;
	bool v2;
	ll_error *err;
} md_parser;

/* Zeroed room for n elements in the model's arena; NULL (and LL_OK) when n is 0. */
static ll_status alloc_array(md_parser *p, size_t n, size_t size, void **out)
{
	*out = NULL;
	if (n == 0)
		return LL_OK;
	if (n > SIZE_MAX / size || !(*out = ll_arena_alloc(&p->md->arena, n * size)))
		return ll_error_oom(p->err);
	memset(*out, 0, n * size);
	return LL_OK;
}

static ll_status parse_string_map(md_parser *p, const json_t *obj, const char *where,
				  const char *key, bool required, const ll_iceberg_kv **items,
				  size_t *count)
{
	const json_t *map;
	ll_status st = ll_iceberg_json_object(obj, where, key, required, &map, p->err);
	*items = NULL;
	*count = 0;
	if (st || !map)
		return st;
	ll_iceberg_kv *kv;
	if ((st = alloc_array(p, json_object_size(map), sizeof(*kv), (void **)&kv)))
		return st;
	const char *k;
	json_t *v;
	size_t n = 0;
	json_object_foreach((json_t *)map, k, v) {
		char path[LL_ICEBERG_PATH_MAX];
		if (!json_is_string(v))
			return ll_error_set(p->err, LL_EFORMAT, "field \"%s.%s\" must be a string",
					    ll_iceberg_path(path, where, key), k);
		kv[n++] = (ll_iceberg_kv){ k, json_string_value(v) };
	}
	*items = kv;
	*count = n;
	return LL_OK;
}

/* ------------------------------------------------------------------ schemas and specs */

static ll_status parse_schemas(md_parser *p, const json_t *root)
{
	ll_iceberg_metadata *md = p->md;
	const json_t *list, *single;
	ll_status st;
	if ((st = ll_iceberg_json_array(root, "", "schemas", p->v2, &list, p->err)))
		return st;
	if (!list) {
		/* version 1 before schema evolution: one schema, current by definition */
		ll_iceberg_schema *s;
		if ((st = ll_iceberg_json_member(root, "", "schema", &single, p->err)) ||
		    (st = alloc_array(p, 1, sizeof(*s), (void **)&s)) ||
		    (st = ll_iceberg_schema_parse(single, &md->arena, "schema", false, 0, s,
						  p->err)))
			return st;
		md->schemas = s;
		md->nschemas = 1;
		md->current_schema_id = s->schema_id;
		return LL_OK;
	}
	if ((st = ll_iceberg_json_i32(root, "", "current-schema-id", true, &md->current_schema_id,
				      NULL, p->err)))
		return st;
	size_t n = json_array_size(list);
	ll_iceberg_schema *schemas;
	if ((st = alloc_array(p, n, sizeof(*schemas), (void **)&schemas)))
		return st;
	for (size_t i = 0; i < n; i++) {
		char where[LL_ICEBERG_PATH_MAX];
		ll_iceberg_path_index(where, "", "schemas", i);
		if ((st = ll_iceberg_schema_parse(json_array_get(list, i), &md->arena, where, true, 0,
						  &schemas[i], p->err)))
			return st;
	}
	md->schemas = schemas;
	md->nschemas = n;
	return LL_OK;
}

static ll_status parse_specs(md_parser *p, const json_t *root)
{
	ll_iceberg_metadata *md = p->md;
	const json_t *list, *single;
	ll_status st;
	if ((st = ll_iceberg_json_array(root, "", "partition-specs", p->v2, &list, p->err)))
		return st;
	if (!list) {
		ll_iceberg_partition_spec *s;
		if ((st = ll_iceberg_json_member(root, "", "partition-spec", &single, p->err)) ||
		    (st = alloc_array(p, 1, sizeof(*s), (void **)&s)) ||
		    (st = ll_iceberg_partition_spec_parse(single, &md->arena, "partition-spec",
							  true, false, s, p->err)))
			return st;
		md->specs = s;
		md->nspecs = 1;
		md->default_spec_id = 0;
		return LL_OK;
	}
	if ((st = ll_iceberg_json_i32(root, "", "default-spec-id", true, &md->default_spec_id,
				      NULL, p->err)))
		return st;
	size_t n = json_array_size(list);
	ll_iceberg_partition_spec *specs;
	if ((st = alloc_array(p, n, sizeof(*specs), (void **)&specs)))
		return st;
	for (size_t i = 0; i < n; i++) {
		char where[LL_ICEBERG_PATH_MAX];
		ll_iceberg_path_index(where, "", "partition-specs", i);
		if ((st = ll_iceberg_partition_spec_parse(json_array_get(list, i), &md->arena,
							  where, false, p->v2, &specs[i], p->err)))
			return st;
	}
	md->specs = specs;
	md->nspecs = n;
	return LL_OK;
}

/* Version 1 files may leave last-partition-id out: the highest field id in any spec. */
static int32_t highest_partition_field_id(const ll_iceberg_metadata *md)
{
	int32_t max = LL_ICEBERG_FIRST_PARTITION_FIELD_ID - 1;
	for (size_t i = 0; i < md->nspecs; i++)
		for (size_t k = 0; k < md->specs[i].nfields; k++)
			if (md->specs[i].fields[k].field_id > max)
				max = md->specs[i].fields[k].field_id;
	return max;
}

/* ------------------------------------------------------------------ sort orders */

static ll_status parse_sort_field(md_parser *p, const json_t *fj, const char *where,
				  ll_iceberg_sort_field *f)
{
	if (!json_is_object(fj))
		return ll_error_set(p->err, LL_EFORMAT, "%s must be an object", where);
	const char *transform, *direction, *nulls;
	ll_status st;
	if ((st = ll_iceberg_json_str(fj, where, "transform", true, &transform, p->err)) ||
	    (st = ll_iceberg_json_i32(fj, where, "source-id", true, &f->source_id, NULL, p->err)) ||
	    (st = ll_iceberg_json_str(fj, where, "direction", true, &direction, p->err)) ||
	    (st = ll_iceberg_json_str(fj, where, "null-order", true, &nulls, p->err)))
		return st;
	if ((st = ll_iceberg_transform_parse(transform, &f->transform, p->err)))
		return ll_error_prefix(p->err, "%s.transform", where);
	if (strcmp(direction, "asc") != 0 && strcmp(direction, "desc") != 0)
		return ll_error_set(p->err, LL_EFORMAT,
				    "%s.direction must be \"asc\" or \"desc\", not \"%s\"", where,
				    direction);
	if (strcmp(nulls, "nulls-first") != 0 && strcmp(nulls, "nulls-last") != 0)
		return ll_error_set(p->err, LL_EFORMAT,
				    "%s.null-order must be \"nulls-first\" or \"nulls-last\", not "
				    "\"%s\"", where, nulls);
	f->direction = direction[0] == 'd' ? LL_ICEBERG_SORT_DESC : LL_ICEBERG_SORT_ASC;
	f->null_order = strcmp(nulls, "nulls-last") == 0 ? LL_ICEBERG_NULLS_LAST
							 : LL_ICEBERG_NULLS_FIRST;
	f->json = fj;
	return LL_OK;
}

static ll_status parse_sort_order(md_parser *p, const json_t *oj, const char *where,
				  ll_iceberg_sort_order *o)
{
	if (!json_is_object(oj))
		return ll_error_set(p->err, LL_EFORMAT, "%s must be an object", where);
	const json_t *fields;
	ll_status st;
	if ((st = ll_iceberg_json_i32(oj, where, "order-id", true, &o->order_id, NULL, p->err)) ||
	    (st = ll_iceberg_json_array(oj, where, "fields", true, &fields, p->err)))
		return st;
	size_t n = json_array_size(fields);
	ll_iceberg_sort_field *fs;
	if ((st = alloc_array(p, n, sizeof(*fs), (void **)&fs)))
		return st;
	for (size_t i = 0; i < n; i++) {
		char sub[LL_ICEBERG_PATH_MAX];
		ll_iceberg_path_index(sub, where, "fields", i);
		if ((st = parse_sort_field(p, json_array_get(fields, i), sub, &fs[i])))
			return st;
	}
	o->fields = fs;
	o->nfields = n;
	o->json = oj;
	return LL_OK;
}

static ll_status parse_sort_orders(md_parser *p, const json_t *root)
{
	ll_iceberg_metadata *md = p->md;
	const json_t *list;
	bool has_default;
	ll_status st;
	if ((st = ll_iceberg_json_array(root, "", "sort-orders", p->v2, &list, p->err)) ||
	    (st = ll_iceberg_json_i32(root, "", "default-sort-order-id", p->v2 || list,
				      &md->default_sort_order_id, &has_default, p->err)))
		return st;
	ll_iceberg_sort_order *orders;
	size_t n = list ? json_array_size(list) : 1;
	if ((st = alloc_array(p, n, sizeof(*orders), (void **)&orders)))
		return st;
	md->sort_orders = orders;
	md->nsort_orders = n;
	if (!list) /* version 1 tables without sort orders are unsorted: order 0, no fields */
		return LL_OK;
	for (size_t i = 0; i < n; i++) {
		char where[LL_ICEBERG_PATH_MAX];
		ll_iceberg_path_index(where, "", "sort-orders", i);
		if ((st = parse_sort_order(p, json_array_get(list, i), where, &orders[i])))
			return st;
	}
	return LL_OK;
}

/* ------------------------------------------------------------------ snapshots */

static ll_status check_summary(md_parser *p, const ll_iceberg_snapshot *s, const char *where)
{
	if (!p->v2 || ll_iceberg_snapshot_summary(s, "operation"))
		return LL_OK;
	return ll_error_set(p->err, LL_EFORMAT, "missing required field \"%s.summary.operation\"",
			    where);
}

static ll_status parse_snapshot(md_parser *p, const json_t *sj, const char *where,
				ll_iceberg_snapshot *s)
{
	if (!json_is_object(sj))
		return ll_error_set(p->err, LL_EFORMAT, "%s must be an object", where);
	bool has_parent;
	const json_t *manifests;
	ll_status st;
	if ((st = ll_iceberg_json_i64(sj, where, "snapshot-id", true, &s->snapshot_id, NULL,
				      p->err)) ||
	    (st = ll_iceberg_json_i64(sj, where, "parent-snapshot-id", false,
				      &s->parent_snapshot_id, &has_parent, p->err)) ||
	    (st = ll_iceberg_json_i64(sj, where, "sequence-number", p->v2, &s->sequence_number,
				      NULL, p->err)) ||
	    (st = ll_iceberg_json_i64(sj, where, "timestamp-ms", true, &s->timestamp_ms, NULL,
				      p->err)) ||
	    (st = ll_iceberg_json_array(sj, where, "manifests", false, &manifests, p->err)) ||
	    (st = ll_iceberg_json_str(sj, where, "manifest-list", p->v2 || !manifests,
				      &s->manifest_list, p->err)) ||
	    (st = parse_string_map(p, sj, where, "summary", p->v2, &s->summary, &s->nsummary)) ||
	    (st = ll_iceberg_json_i32(sj, where, "schema-id", false, &s->schema_id,
				      &s->has_schema_id, p->err)))
		return st;
	if (!has_parent)
		s->parent_snapshot_id = LL_ICEBERG_NO_SNAPSHOT;
	s->json = sj;
	return check_summary(p, s, where);
}

static ll_status parse_snapshots(md_parser *p, const json_t *root)
{
	const json_t *list;
	ll_status st = ll_iceberg_json_array(root, "", "snapshots", false, &list, p->err);
	if (st || !list)
		return st;
	size_t n = json_array_size(list);
	ll_iceberg_snapshot *snaps;
	if ((st = alloc_array(p, n, sizeof(*snaps), (void **)&snaps)))
		return st;
	for (size_t i = 0; i < n; i++) {
		char where[LL_ICEBERG_PATH_MAX];
		ll_iceberg_path_index(where, "", "snapshots", i);
		if ((st = parse_snapshot(p, json_array_get(list, i), where, &snaps[i])))
			return st;
	}
	p->md->snapshots = snaps;
	p->md->nsnapshots = n;
	return LL_OK;
}

static ll_status parse_snapshot_log(md_parser *p, const json_t *root)
{
	const json_t *list;
	ll_status st = ll_iceberg_json_array(root, "", "snapshot-log", false, &list, p->err);
	if (st || !list)
		return st;
	size_t n = json_array_size(list);
	ll_iceberg_snapshot_log_entry *log;
	if ((st = alloc_array(p, n, sizeof(*log), (void **)&log)))
		return st;
	for (size_t i = 0; i < n; i++) {
		char where[LL_ICEBERG_PATH_MAX];
		const json_t *e = json_array_get(list, i);
		ll_iceberg_path_index(where, "", "snapshot-log", i);
		if (!json_is_object(e))
			return ll_error_set(p->err, LL_EFORMAT, "%s must be an object", where);
		if ((st = ll_iceberg_json_i64(e, where, "timestamp-ms", true, &log[i].timestamp_ms,
					      NULL, p->err)) ||
		    (st = ll_iceberg_json_i64(e, where, "snapshot-id", true, &log[i].snapshot_id,
					      NULL, p->err)))
			return st;
	}
	p->md->snapshot_log = log;
	p->md->nsnapshot_log = n;
	return LL_OK;
}

static ll_status parse_metadata_log(md_parser *p, const json_t *root)
{
	const json_t *list;
	ll_status st = ll_iceberg_json_array(root, "", "metadata-log", false, &list, p->err);
	if (st || !list)
		return st;
	size_t n = json_array_size(list);
	ll_iceberg_metadata_log_entry *log;
	if ((st = alloc_array(p, n, sizeof(*log), (void **)&log)))
		return st;
	for (size_t i = 0; i < n; i++) {
		char where[LL_ICEBERG_PATH_MAX];
		const json_t *e = json_array_get(list, i);
		ll_iceberg_path_index(where, "", "metadata-log", i);
		if (!json_is_object(e))
			return ll_error_set(p->err, LL_EFORMAT, "%s must be an object", where);
		if ((st = ll_iceberg_json_i64(e, where, "timestamp-ms", true, &log[i].timestamp_ms,
					      NULL, p->err)) ||
		    (st = ll_iceberg_json_str(e, where, "metadata-file", true,
					      &log[i].metadata_file, p->err)))
			return st;
	}
	p->md->metadata_log = log;
	p->md->nmetadata_log = n;
	return LL_OK;
}

/* ------------------------------------------------------------------ refs */

static ll_status parse_ref(md_parser *p, const char *name, const json_t *rj, ll_iceberg_ref *r)
{
	char where[LL_ICEBERG_PATH_MAX];
	const char *type;
	ll_status st;
	ll_iceberg_path(where, "refs", name);
	if (!json_is_object(rj))
		return ll_error_set(p->err, LL_EFORMAT, "%s must be an object", where);
	if ((st = ll_iceberg_json_i64(rj, where, "snapshot-id", true, &r->snapshot_id, NULL,
				      p->err)) ||
	    (st = ll_iceberg_json_str(rj, where, "type", true, &type, p->err)))
		return st;
	if (strcmp(type, "branch") != 0 && strcmp(type, "tag") != 0)
		return ll_error_set(p->err, LL_EFORMAT,
				    "%s.type must be \"branch\" or \"tag\", not \"%s\"", where, type);
	r->name = name;
	r->is_tag = type[0] == 't';
	r->json = rj;
	return LL_OK;
}

static ll_status parse_refs(md_parser *p, const json_t *root)
{
	ll_iceberg_metadata *md = p->md;
	const json_t *refs;
	ll_status st = ll_iceberg_json_object(root, "", "refs", false, &refs, p->err);
	if (st)
		return st;
	ll_iceberg_ref *r;
	if (!refs) {
		/* the spec: there is always a main branch, even when refs is absent */
		if (md->current_snapshot_id == LL_ICEBERG_NO_SNAPSHOT)
			return LL_OK;
		if ((st = alloc_array(p, 1, sizeof(*r), (void **)&r)))
			return st;
		*r = (ll_iceberg_ref){ "main", md->current_snapshot_id, false, NULL };
		md->refs = r;
		md->nrefs = 1;
		return LL_OK;
	}
	if ((st = alloc_array(p, json_object_size(refs), sizeof(*r), (void **)&r)))
		return st;
	const char *name;
	json_t *rj;
	size_t n = 0;
	json_object_foreach((json_t *)refs, name, rj) {
		if ((st = parse_ref(p, name, rj, &r[n++])))
			return st;
	}
	md->refs = r;
	md->nrefs = n;
	return LL_OK;
}

/* ------------------------------------------------------------------ consistency */

static const ll_iceberg_sort_order *find_sort_order(const ll_iceberg_metadata *md, int32_t id)
{
	for (size_t i = 0; i < md->nsort_orders; i++)
		if (md->sort_orders[i].order_id == id)
			return &md->sort_orders[i];
	return NULL;
}

static ll_status check_refs(md_parser *p)
{
	const ll_iceberg_metadata *md = p->md;
	for (size_t i = 0; i < md->nrefs; i++) {
		const ll_iceberg_ref *r = &md->refs[i];
		if (!ll_iceberg_metadata_snapshot(md, r->snapshot_id))
			return ll_error_set(p->err, LL_EFORMAT,
					    "refs.%s points at snapshot %lld, which is not in "
					    "\"snapshots\"", r->name, (long long)r->snapshot_id);
		if (strcmp(r->name, "main") == 0 && r->snapshot_id != md->current_snapshot_id)
			return ll_error_set(p->err, LL_EFORMAT,
					    "refs.main (%lld) differs from current-snapshot-id (%lld)",
					    (long long)r->snapshot_id,
					    (long long)md->current_snapshot_id);
	}
	return LL_OK;
}

static ll_status check_ids(md_parser *p)
{
	const ll_iceberg_metadata *md = p->md;
	if (!ll_iceberg_metadata_schema(md, md->current_schema_id))
		return ll_error_set(p->err, LL_EFORMAT,
				    "current-schema-id %d names no schema in \"schemas\"",
				    (int)md->current_schema_id);
	if (!ll_iceberg_metadata_spec(md, md->default_spec_id))
		return ll_error_set(p->err, LL_EFORMAT,
				    "default-spec-id %d names no spec in \"partition-specs\"",
				    (int)md->default_spec_id);
	if (!find_sort_order(md, md->default_sort_order_id))
		return ll_error_set(p->err, LL_EFORMAT,
				    "default-sort-order-id %d names no order in \"sort-orders\"",
				    (int)md->default_sort_order_id);
	if (md->current_snapshot_id != LL_ICEBERG_NO_SNAPSHOT &&
	    !ll_iceberg_metadata_snapshot(md, md->current_snapshot_id))
		return ll_error_set(p->err, LL_EFORMAT,
				    "current-snapshot-id %lld names no snapshot in \"snapshots\"",
				    (long long)md->current_snapshot_id);
	return check_refs(p);
}

/* ------------------------------------------------------------------ the root */

static ll_status parse_version(md_parser *p, const json_t *root)
{
	int32_t version;
	ll_status st = ll_iceberg_json_i32(root, "", "format-version", true, &version, NULL,
					   p->err);
	if (st)
		return st;
	if (version != 1 && version != 2)
		return ll_error_set(p->err, LL_EFORMAT,
				    "format-version %d is not one lakeload reads (1 and 2)",
				    (int)version);
	p->md->format_version = version;
	p->v2 = version == 2;
	return LL_OK;
}

static ll_status parse_table_fields(md_parser *p, const json_t *root)
{
	ll_iceberg_metadata *md = p->md;
	ll_status st;
	if ((st = ll_iceberg_json_str(root, "", "table-uuid", p->v2, &md->table_uuid, p->err)) ||
	    (st = ll_iceberg_json_str(root, "", "location", true, &md->location, p->err)) ||
	    (st = ll_iceberg_json_i64(root, "", "last-sequence-number", p->v2,
				      &md->last_sequence_number, NULL, p->err)) ||
	    (st = ll_iceberg_json_i64(root, "", "last-updated-ms", true, &md->last_updated_ms,
				      NULL, p->err)) ||
	    (st = ll_iceberg_json_i32(root, "", "last-column-id", true, &md->last_column_id, NULL,
				      p->err)))
		return st;
	return parse_string_map(p, root, "", "properties", false, &md->properties,
				&md->nproperties);
}

static ll_status parse_root(md_parser *p, const json_t *root)
{
	ll_iceberg_metadata *md = p->md;
	bool has_last_partition, has_current;
	ll_status st;
	if (!json_is_object(root))
		return ll_error_set(p->err, LL_EFORMAT, "the document is not a JSON object");
	if ((st = parse_version(p, root)) || (st = parse_table_fields(p, root)) ||
	    (st = parse_schemas(p, root)) || (st = parse_specs(p, root)) ||
	    (st = ll_iceberg_json_i32(root, "", "last-partition-id", p->v2,
				      &md->last_partition_id, &has_last_partition, p->err)) ||
	    (st = ll_iceberg_json_i64(root, "", "current-snapshot-id", false,
				      &md->current_snapshot_id, &has_current, p->err)) ||
	    (st = parse_snapshots(p, root)) || (st = parse_snapshot_log(p, root)) ||
	    (st = parse_metadata_log(p, root)) || (st = parse_sort_orders(p, root)))
		return st;
	if (!has_last_partition)
		md->last_partition_id = highest_partition_field_id(md);
	if (!has_current)
		md->current_snapshot_id = LL_ICEBERG_NO_SNAPSHOT;
	if ((st = parse_refs(p, root)))
		return st;
	return check_ids(p);
}

/* ------------------------------------------------------------------ entry points */

static ll_status gunzip(const void *data, size_t len, ll_buf *out, ll_error *err)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return ll_error_oom(err);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	int rc = Z_OK;
	while (rc == Z_OK && out->len < LL_ICEBERG_METADATA_MAX && ll_buf_reserve(out, 65536)) {
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = (uInt)(out->cap - out->len - 1);
		rc = inflate(&z, Z_NO_FLUSH);
		out->len = (size_t)((char *)z.next_out - out->data);
	}
	inflateEnd(&z);
	if (ll_buf_oom(out))
		return ll_error_oom(err);
	if (rc != Z_STREAM_END)
		return ll_error_set(err, LL_EFORMAT, "the gzip-compressed metadata is %s",
				    out->len >= LL_ICEBERG_METADATA_MAX ? "larger than 256 MiB"
									: "damaged or cut short");
	return LL_OK;
}

static ll_status load_document(const void *data, size_t len, const char *source, json_t **out,
			       ll_error *err)
{
	ll_buf inflated = LL_BUF_INIT;
	const uint8_t *bytes = data;
	if (len > LL_ICEBERG_METADATA_MAX) {
		ll_error_set_location(err, source, 0, 0);
		return ll_error_set(err, LL_EFORMAT, "%zu bytes is too large for table metadata",
				    len);
	}
	if (len >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
		ll_status st = gunzip(data, len, &inflated, err);
		if (st) {
			ll_error_set_location(err, source, 0, 0);
			ll_buf_free(&inflated);
			return st;
		}
		data = inflated.data;
		len = inflated.len;
	}
	json_error_t jerr;
	*out = json_loadb(data, len, 0, &jerr);
	ll_buf_free(&inflated);
	if (*out)
		return LL_OK;
	ll_error_set_location(err, source, (uint64_t)(jerr.line > 0 ? jerr.line : 0),
			      (uint64_t)(jerr.column > 0 ? jerr.column : 0));
	return ll_error_set(err, LL_EFORMAT, "not valid JSON: %s", jerr.text);
}

ll_status ll_iceberg_metadata_parse(const void *data, size_t len, const char *source,
				    ll_iceberg_metadata **out, ll_error *err)
{
	*out = NULL;
	ll_iceberg_metadata *md = calloc(1, sizeof(*md));
	if (!md)
		return ll_error_oom(err);
	ll_arena_init(&md->arena, 16384);
	md_parser p = { md, false, err };
	ll_status st = load_document(data, len, source, &md->document, err);
	if (!st && (st = parse_root(&p, md->document)))
		ll_error_set_location(err, source, 0, 0);
	if (st) {
		ll_error_prefix(err, "Iceberg table metadata");
		ll_iceberg_metadata_free(md);
		return st;
	}
	*out = md;
	return LL_OK;
}

void ll_iceberg_metadata_free(ll_iceberg_metadata *md)
{
	if (!md)
		return;
	json_decref(md->document);
	ll_arena_free(&md->arena);
	free(md);
}

/* ------------------------------------------------------------------ lookups */

const ll_iceberg_schema *ll_iceberg_metadata_schema(const ll_iceberg_metadata *md, int32_t id)
{
	for (size_t i = 0; i < md->nschemas; i++)
		if (md->schemas[i].schema_id == id)
			return &md->schemas[i];
	return NULL;
}

const ll_iceberg_schema *ll_iceberg_metadata_current_schema(const ll_iceberg_metadata *md)
{
	return ll_iceberg_metadata_schema(md, md->current_schema_id);
}

const ll_iceberg_partition_spec *ll_iceberg_metadata_spec(const ll_iceberg_metadata *md,
							  int32_t id)
{
	for (size_t i = 0; i < md->nspecs; i++)
		if (md->specs[i].spec_id == id)
			return &md->specs[i];
	return NULL;
}

const ll_iceberg_partition_spec *ll_iceberg_metadata_default_spec(const ll_iceberg_metadata *md)
{
	return ll_iceberg_metadata_spec(md, md->default_spec_id);
}

const ll_iceberg_snapshot *ll_iceberg_metadata_snapshot(const ll_iceberg_metadata *md,
							int64_t id)
{
	for (size_t i = 0; i < md->nsnapshots; i++)
		if (md->snapshots[i].snapshot_id == id)
			return &md->snapshots[i];
	return NULL;
}

const ll_iceberg_snapshot *ll_iceberg_metadata_current_snapshot(const ll_iceberg_metadata *md)
{
	if (md->current_snapshot_id == LL_ICEBERG_NO_SNAPSHOT)
		return NULL;
	return ll_iceberg_metadata_snapshot(md, md->current_snapshot_id);
}

static const char *kv_find(const ll_iceberg_kv *items, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].key, key) == 0)
			return items[i].value;
	return NULL;
}

const char *ll_iceberg_metadata_property(const ll_iceberg_metadata *md, const char *key)
{
	return kv_find(md->properties, md->nproperties, key);
}

const char *ll_iceberg_snapshot_summary(const ll_iceberg_snapshot *s, const char *key)
{
	return kv_find(s->summary, s->nsummary, key);
}
