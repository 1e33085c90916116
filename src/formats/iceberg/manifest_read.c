/*
 * Reading manifests and manifest lists of format versions 1 and 2; see
 * manifest.h. Fields are found by name in the writer's schema, so the
 * files of every writer read the same way whatever order or extra fields
 * they have.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/iceberg/manifest_internal.h"

typedef struct reading {
	const char *source;
	size_t index;                  /* the record being read, for messages */
	const char *kind;              /* "manifest" or "manifest list" */
	ll_error *err;
} reading;

static ll_status bad(reading *r, const char *what)
{
	ll_error_set(r->err, LL_EFORMAT, "%s %s: entry %zu: %s", r->kind, r->source, r->index, what);
	ll_error_set_location(r->err, r->source, 0, 0);
	return LL_EFORMAT;
}

static const ll_avro_value *get(const ll_avro_value *rec, const ll_avro_node *type, const char *name)
{
	const ll_avro_value *v = ll_avro_record_get(rec, type, name);
	return v && v->type != LL_AVRO_NULL ? v : NULL;
}

static const ll_avro_node *field_type(const ll_avro_node *record, const char *name)
{
	const ll_avro_field *f = ll_avro_node_find_field(record, name, NULL);
	if (!f)
		return NULL;
	const ll_avro_node *t = f->type;
	if (t->type == LL_AVRO_UNION) {
		for (size_t i = 0; i < t->nbranches; i++)
			if (t->branches[i]->type != LL_AVRO_NULL)
				return t->branches[i];
	}
	return t;
}

static bool get_long(const ll_avro_value *rec, const ll_avro_node *type, const char *name, int64_t *out)
{
	const ll_avro_value *v = get(rec, type, name);
	if (!v)
		return false;
	if (v->type == LL_AVRO_INT)
		*out = v->u.i;
	else if (v->type == LL_AVRO_LONG)
		*out = v->u.l;
	else
		return false;
	return true;
}

static const char *get_string(const ll_avro_value *rec, const ll_avro_node *type, const char *name)
{
	const ll_avro_value *v = get(rec, type, name);
	return v && v->type == LL_AVRO_STRING ? v->u.str.ptr : NULL;
}

/* ------------------------------------------------------------------ manifest lists */

static ll_status read_summaries(reading *r, const ll_avro_value *list, ll_arena *arena,
				ll_iceberg_manifest_file *m)
{
	if (!list)
		return LL_OK;
	if (list->type != LL_AVRO_ARRAY)
		return bad(r, "partitions is not a list");
	ll_iceberg_field_summary *fs = ll_arena_alloc(arena, (list->u.list.count + 1) * sizeof(*fs));
	if (!fs)
		return ll_error_oom(r->err);
	for (size_t i = 0; i < list->u.list.count; i++) {
		const ll_avro_value *item = &list->u.list.items[i];
		if (item->type != LL_AVRO_RECORD || item->u.list.count < 1)
			return bad(r, "a partition field summary is not a record");
		/* contains_null, [contains_nan], lower_bound, upper_bound, by position of the spec's record */
		fs[i] = (ll_iceberg_field_summary){ .contains_nan = -1 };
		const ll_avro_value *f = item->u.list.items;
		size_t nf = item->u.list.count;
		fs[i].contains_null = f[0].type == LL_AVRO_BOOLEAN && f[0].u.boolean;
		size_t at = 1;
		if (nf == 4) {
			fs[i].contains_nan = f[1].type == LL_AVRO_BOOLEAN ? f[1].u.boolean : -1;
			at = 2;
		}
		if (at < nf && f[at].type == LL_AVRO_BYTES) {
			fs[i].lower = f[at].u.bytes.ptr;
			fs[i].lower_len = f[at].u.bytes.len;
		}
		if (at + 1 < nf && f[at + 1].type == LL_AVRO_BYTES) {
			fs[i].upper = f[at + 1].u.bytes.ptr;
			fs[i].upper_len = f[at + 1].u.bytes.len;
		}
	}
	m->partitions = fs;
	m->npartitions = list->u.list.count;
	return LL_OK;
}

static int64_t long_or(const ll_avro_value *rec, const ll_avro_node *type, const char *name,
		       const char *old_name, int64_t dflt)
{
	int64_t v;
	if (get_long(rec, type, name, &v) || (old_name && get_long(rec, type, old_name, &v)))
		return v;
	return dflt;
}

static ll_status read_list_entry(reading *r, const ll_avro_value *rec, const ll_avro_node *type,
				 ll_arena *arena, ll_iceberg_manifest_file *m)
{
	memset(m, 0, sizeof(*m));
	m->manifest_path = get_string(rec, type, "manifest_path");
	if (!m->manifest_path)
		return bad(r, "manifest_path is missing");
	if (!get_long(rec, type, "manifest_length", &m->manifest_length))
		return bad(r, "manifest_length is missing");
	int64_t spec = 0;
	if (!get_long(rec, type, "partition_spec_id", &spec))
		return bad(r, "partition_spec_id is missing");
	m->partition_spec_id = (int32_t)spec;
	int64_t content = long_or(rec, type, "content", NULL, 0);
	if (content != 0 && content != 1)
		return bad(r, "content is neither 0 (data) nor 1 (deletes)");
	m->content = content ? LL_ICEBERG_CONTENT_POSITION_DELETES : LL_ICEBERG_CONTENT_DATA;
	m->sequence_number = long_or(rec, type, "sequence_number", NULL, 0);
	m->min_sequence_number = long_or(rec, type, "min_sequence_number", NULL, 0);
	m->added_snapshot_id = long_or(rec, type, "added_snapshot_id", NULL, -1);
	m->added_files_count = (int32_t)long_or(rec, type, "added_files_count", "added_data_files_count", 0);
	m->existing_files_count =
		(int32_t)long_or(rec, type, "existing_files_count", "existing_data_files_count", 0);
	m->deleted_files_count =
		(int32_t)long_or(rec, type, "deleted_files_count", "deleted_data_files_count", 0);
	m->added_rows_count = long_or(rec, type, "added_rows_count", NULL, 0);
	m->existing_rows_count = long_or(rec, type, "existing_rows_count", NULL, 0);
	m->deleted_rows_count = long_or(rec, type, "deleted_rows_count", NULL, 0);
	return read_summaries(r, get(rec, type, "partitions"), arena, m);
}

/* Opens an Avro file and checks its records are of the expected record name. */
static ll_status open_file(const void *data, size_t len, const char *source, const char *record,
			   const char *kind, ll_avro_reader **out, ll_error *err)
{
	ll_status st = ll_avro_reader_open_memory(out, data, len, source, err);
	if (st != LL_OK)
		return st;
	const ll_avro_node *root = ll_avro_schema_root(ll_avro_reader_schema(*out));
	const char *must = strcmp(record, "manifest_file") == 0 ? "manifest_path" : "data_file";
	if (root->type != LL_AVRO_RECORD || !ll_avro_node_find_field(root, must, NULL)) {
		ll_avro_reader_free(*out);
		*out = NULL;
		ll_error_set(err, LL_EFORMAT, "%s is not an Iceberg %s (its records have no %s field)",
			     source, kind, must);
		ll_error_set_location(err, source, 0, 0);
		return LL_EFORMAT;
	}
	return LL_OK;
}


/* Reads one record of the file into slot; ctx is the caller's. */
typedef ll_status (*record_fn)(reading *r, const ll_avro_value *rec, const ll_avro_node *type,
			       const void *ctx, ll_arena *arena, void *slot);

/*
 * Reads every record of an open file into a growing array of size-byte
 * elements in arena (*out, *n), closing the reader. On failure *n is 0.
 */
static ll_status read_records(ll_avro_reader *rd, reading *r, ll_arena *arena, size_t size,
			      record_fn fn, const void *ctx, void **out, size_t *n)
{
	const ll_avro_node *type = ll_avro_schema_root(ll_avro_reader_schema(rd));
	size_t cap = 0;
	char *list = NULL;
	ll_status st;
	for (;;) {
		const ll_avro_value *rec;
		st = ll_avro_reader_next(rd, arena, &rec, r->err);
		if (st != LL_OK || !rec)
			break;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			char *grown = ll_arena_alloc(arena, cap * size);
			if (!grown) {
				st = ll_error_oom(r->err);
				break;
			}
			if (*n)
				memcpy(grown, list, *n * size);
			list = grown;
		}
		r->index = *n;
		st = fn(r, rec, type, ctx, arena, list + *n * size);
		if (st != LL_OK)
			break;
		(*n)++;
	}
	ll_avro_reader_free(rd);
	if (st != LL_OK)
		*n = 0;
	*out = st == LL_OK ? list : NULL;
	return st;
}

static ll_status list_record(reading *r, const ll_avro_value *rec, const ll_avro_node *type,
			     const void *ctx, ll_arena *arena, void *slot)
{
	(void)ctx;
	return read_list_entry(r, rec, type, arena, slot);
}

ll_status ll_iceberg_manifest_list_read(const void *data, size_t len, const char *source,
					ll_arena *arena, ll_iceberg_manifest_file **manifests,
					size_t *n, ll_error *err)
{
	*manifests = NULL;
	*n = 0;
	ll_avro_reader *rd;
	ll_status st = open_file(data, len, source, "manifest_file", "manifest list", &rd, err);
	if (st != LL_OK)
		return st;
	reading r = { source, 0, "manifest list", err };
	void *list;
	st = read_records(rd, &r, arena, sizeof(**manifests), list_record, NULL, &list, n);
	*manifests = list;
	return st;
}

/* ------------------------------------------------------------------ manifests */

typedef enum stat_kind { STAT_SIZE, STAT_VALUES, STAT_NULLS, STAT_NANS, STAT_LOWER, STAT_UPPER } stat_kind;

static ll_iceberg_column_stats *stats_for(ll_iceberg_column_stats *stats, size_t *n, int32_t id)
{
	for (size_t i = 0; i < *n; i++)
		if (stats[i].field_id == id)
			return &stats[i];
	stats[*n] = (ll_iceberg_column_stats){ .field_id = id, .column_size = -1, .value_count = -1,
					       .null_count = -1, .nan_count = -1 };
	return &stats[(*n)++];
}

/* stats has room for every entry of every map, so a new field id always fits. */
static ll_status read_stats_map(reading *r, const ll_avro_value *map, stat_kind kind,
				ll_iceberg_column_stats *stats, size_t *n)
{
	if (!map)
		return LL_OK;
	if (map->type != LL_AVRO_ARRAY)
		return bad(r, "a column stats map is not an array of key/value records");
	for (size_t i = 0; i < map->u.list.count; i++) {
		const ll_avro_value *kv = &map->u.list.items[i];
		if (kv->type != LL_AVRO_RECORD || kv->u.list.count != 2 || kv->u.list.items[0].type != LL_AVRO_INT)
			return bad(r, "a column stats entry is not a key/value record with an int key");
		const ll_avro_value *v = &kv->u.list.items[1];
		ll_iceberg_column_stats *s = stats_for(stats, n, kv->u.list.items[0].u.i);
		bool is_long = v->type == LL_AVRO_LONG, is_bytes = v->type == LL_AVRO_BYTES;
		if ((kind <= STAT_NANS && !is_long) || (kind >= STAT_LOWER && !is_bytes))
			return bad(r, "a column stats value has the wrong type");
		switch (kind) {
		case STAT_SIZE: s->column_size = v->u.l; break;
		case STAT_VALUES: s->value_count = v->u.l; break;
		case STAT_NULLS: s->null_count = v->u.l; break;
		case STAT_NANS: s->nan_count = v->u.l; break;
		case STAT_LOWER: s->lower = v->u.bytes.ptr; s->lower_len = v->u.bytes.len; break;
		default: s->upper = v->u.bytes.ptr; s->upper_len = v->u.bytes.len; break;
		}
	}
	return LL_OK;
}

static size_t array_len(const ll_avro_value *v)
{
	return v && v->type == LL_AVRO_ARRAY ? v->u.list.count : 0;
}

static ll_status read_stats(reading *r, const ll_avro_value *file, const ll_avro_node *type,
			    ll_arena *arena, ll_iceberg_data_file *out)
{
	static const char *const names[] = { "column_sizes", "value_counts", "null_value_counts",
					      "nan_value_counts", "lower_bounds", "upper_bounds" };
	size_t cap = 0;
	for (size_t k = 0; k < 6; k++)
		cap += array_len(get(file, type, names[k]));
	ll_iceberg_column_stats *stats = ll_arena_alloc(arena, (cap + 1) * sizeof(*stats));
	if (!stats)
		return ll_error_oom(r->err);
	size_t n = 0;
	for (size_t k = 0; k < 6; k++) {
		ll_status st = read_stats_map(r, get(file, type, names[k]), (stat_kind)k, stats, &n);
		if (st != LL_OK)
			return st;
	}
	out->stats = stats;
	out->nstats = n;
	return LL_OK;
}

static ll_status read_lists(reading *r, const ll_avro_value *file, const ll_avro_node *type,
			    ll_arena *arena, ll_iceberg_data_file *out)
{
	const ll_avro_value *offsets = get(file, type, "split_offsets");
	const ll_avro_value *ids = get(file, type, "equality_ids");
	size_t no = array_len(offsets), ni = array_len(ids);
	int64_t *o = ll_arena_alloc(arena, (no + 1) * sizeof(*o));
	int32_t *e = ll_arena_alloc(arena, (ni + 1) * sizeof(*e));
	if (!o || !e)
		return ll_error_oom(r->err);
	for (size_t i = 0; i < no; i++) {
		if (offsets->u.list.items[i].type != LL_AVRO_LONG)
			return bad(r, "split_offsets holds a value that is not a long");
		o[i] = offsets->u.list.items[i].u.l;
	}
	for (size_t i = 0; i < ni; i++) {
		if (ids->u.list.items[i].type != LL_AVRO_INT)
			return bad(r, "equality_ids holds a value that is not an int");
		e[i] = ids->u.list.items[i].u.i;
	}
	out->split_offsets = o;
	out->nsplit_offsets = no;
	out->equality_ids = e;
	out->nequality_ids = ni;
	return LL_OK;
}

/* The partition tuple in spec order: matched by field id, else by position. */
static ll_status read_partition(reading *r, const ll_avro_value *part, const ll_avro_node *ptype,
				const ll_iceberg_partition_spec *spec,
				const ll_iceberg_type *const *types, ll_arena *arena,
				ll_iceberg_data_file *out)
{
	if (!part || part->type != LL_AVRO_RECORD)
		return bad(r, "partition is missing or not a record");
	ll_iceberg_value *values = ll_arena_alloc(arena, (spec->nfields + 1) * sizeof(*values));
	if (!values)
		return ll_error_oom(r->err);
	for (size_t k = 0; k < spec->nfields; k++) {
		size_t at = SIZE_MAX;
		for (size_t i = 0; i < ptype->nfields && at == SIZE_MAX; i++)
			if (ptype->fields[i].field_id == spec->fields[k].field_id)
				at = i;
		if (at == SIZE_MAX && ptype->nfields == spec->nfields)
			at = k;
		if (at == SIZE_MAX || at >= part->u.list.count)
			return bad(r, "the partition tuple does not have the spec's fields");
		if (!ll_manifest_partition_from_avro(types[k], &part->u.list.items[at], &values[k]))
			return bad(r, "a partition value does not have its transform's type");
	}
	out->partition = values;
	out->npartition = spec->nfields;
	return LL_OK;
}

static ll_status read_entry(reading *r, const ll_avro_value *rec, const ll_avro_node *type,
			    const ll_iceberg_manifest_file *listed,
			    const ll_iceberg_partition_spec *spec, const ll_iceberg_type *const *ptypes,
			    ll_arena *arena, ll_iceberg_manifest_entry *e)
{
	memset(e, 0, sizeof(*e));
	int64_t status;
	if (!get_long(rec, type, "status", &status) || status < 0 || status > 2)
		return bad(r, "status is missing or not 0, 1 or 2");
	e->status = (ll_iceberg_entry_status)status;
	const ll_avro_node *file_t = field_type(type, "data_file");
	const ll_avro_value *file = get(rec, type, "data_file");
	if (!file || !file_t || file->type != LL_AVRO_RECORD)
		return bad(r, "data_file is missing");
	/* inheritance (spec "Sequence Number Inheritance") */
	bool added = e->status == LL_ICEBERG_ENTRY_ADDED;
	if (!get_long(rec, type, "snapshot_id", &e->snapshot_id))
		e->snapshot_id = listed->added_snapshot_id;
	if (!get_long(rec, type, "sequence_number", &e->sequence_number)) {
		if (!added && listed->sequence_number > 0)
			return bad(r, "an existing or deleted entry has no sequence_number");
		e->sequence_number = listed->sequence_number;
	}
	if (!get_long(rec, type, "file_sequence_number", &e->file_sequence_number))
		e->file_sequence_number = added ? listed->sequence_number : e->sequence_number;
	ll_iceberg_data_file *f = &e->file;
	int64_t content = 0;
	get_long(file, file_t, "content", &content);
	if (content < 0 || content > 2)
		return bad(r, "content is not 0, 1 or 2");
	f->content = (ll_iceberg_content)content;
	f->file_path = get_string(file, file_t, "file_path");
	f->file_format = get_string(file, file_t, "file_format");
	if (!f->file_path || !f->file_format)
		return bad(r, "file_path or file_format is missing");
	if (!get_long(file, file_t, "record_count", &f->record_count) ||
	    !get_long(file, file_t, "file_size_in_bytes", &f->file_size_in_bytes))
		return bad(r, "record_count or file_size_in_bytes is missing");
	int64_t order;
	if ((f->has_sort_order_id = get_long(file, file_t, "sort_order_id", &order)))
		f->sort_order_id = (int32_t)order;
	ll_status st = read_partition(r, ll_avro_record_get(file, file_t, "partition"),
				      field_type(file_t, "partition"), spec, ptypes, arena, f);
	if (st == LL_OK)
		st = read_stats(r, file, file_t, arena, f);
	if (st == LL_OK)
		st = read_lists(r, file, file_t, arena, f);
	return st;
}

/* What reading a manifest's entries needs besides the record. */
typedef struct entry_ctx {
	const ll_iceberg_manifest_file *listed;
	const ll_iceberg_partition_spec *spec;
	const ll_iceberg_type *const *ptypes;
} entry_ctx;

static ll_status entry_record(reading *r, const ll_avro_value *rec, const ll_avro_node *type,
			      const void *ctx, ll_arena *arena, void *slot)
{
	const entry_ctx *c = ctx;
	return read_entry(r, rec, type, c->listed, c->spec, c->ptypes, arena, slot);
}

ll_status ll_iceberg_manifest_read(const void *data, size_t len, const char *source,
				   const ll_iceberg_manifest_file *listed,
				   const ll_iceberg_partition_spec *spec,
				   const ll_iceberg_schema *schema, ll_arena *arena,
				   ll_iceberg_manifest_entry **entries, size_t *n, ll_error *err)
{
	*entries = NULL;
	*n = 0;
	const ll_iceberg_type **ptypes = ll_arena_alloc(arena, (spec->nfields + 1) * sizeof(*ptypes));
	if (!ptypes)
		return ll_error_oom(err);
	ll_status st = ll_manifest_partition_types(spec, schema, ptypes, err);
	if (st != LL_OK) {
		ll_error_prefix(err, "manifest %s", source);
		return st;
	}
	ll_avro_reader *rd;
	st = open_file(data, len, source, "manifest_entry", "manifest", &rd, err);
	if (st != LL_OK)
		return st;
	reading r = { source, 0, "manifest", err };
	entry_ctx ctx = { listed, spec, ptypes };
	void *list;
	st = read_records(rd, &r, arena, sizeof(**entries), entry_record, &ctx, &list, n);
	*entries = list;
	return st;
}
