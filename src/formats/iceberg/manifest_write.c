/*
 * Writing manifests and manifest lists; see manifest.h.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/iceberg/manifest_internal.h"

/* An Iceberg map<int, long> or map<int, binary> of the present stats, as an Avro array. */
typedef enum stat_kind { STAT_SIZE, STAT_VALUES, STAT_NULLS, STAT_NANS, STAT_LOWER, STAT_UPPER } stat_kind;

static ll_avro_value stats_map(const ll_iceberg_data_file *f, stat_kind kind, ll_arena *arena)
{
	size_t n = 0;
	ll_avro_value *items = ll_avro_values_new(arena, f->nstats + 1);
	ll_avro_value *kv = ll_avro_values_new(arena, 2 * f->nstats + 2);
	if (!items || !kv)
		return ll_avro_null();
	for (size_t i = 0; i < f->nstats; i++) {
		const ll_iceberg_column_stats *s = &f->stats[i];
		ll_avro_value v;
		switch (kind) {
		case STAT_SIZE: v = ll_avro_long(s->column_size); break;
		case STAT_VALUES: v = ll_avro_long(s->value_count); break;
		case STAT_NULLS: v = ll_avro_long(s->null_count); break;
		case STAT_NANS: v = ll_avro_long(s->nan_count); break;
		case STAT_LOWER: v = ll_avro_bytes(s->lower, s->lower_len); break;
		default: v = ll_avro_bytes(s->upper, s->upper_len); break;
		}
		bool present = kind == STAT_LOWER ? s->lower != NULL
			       : kind == STAT_UPPER ? s->upper != NULL
						    : v.u.l >= 0;
		if (!present)
			continue;
		kv[2 * n] = ll_avro_int(s->field_id);
		kv[2 * n + 1] = v;
		items[n] = ll_avro_record(&kv[2 * n], 2);
		n++;
	}
	return n ? ll_avro_array(items, n) : ll_avro_null();
}

static ll_status data_file_value(const ll_avro_node *type, const ll_iceberg_data_file *f,
				 const ll_iceberg_type *const *ptypes, size_t npart, int version,
				 ll_arena *arena, ll_avro_value *out, ll_error *err)
{
	ll_status st = ll_avro_record_new(arena, type, out, err);
	const ll_avro_node *ptype = st == LL_OK ? ll_avro_node_find_field(type, "partition", NULL)->type : NULL;
	ll_avro_value part;
	if (st == LL_OK)
		st = ll_avro_record_new(arena, ptype, &part, err);
	if (st == LL_OK && f->npartition != npart)
		st = ll_error_set(err, LL_EINVAL, "data file %s has %zu partition values; the spec has %zu",
				  f->file_path, f->npartition, npart);
	for (size_t i = 0; st == LL_OK && i < npart; i++)
		part.u.list.items[i] = ll_manifest_partition_to_avro(ptypes[i], &f->partition[i], arena);
	ll_avro_value *ids = ll_avro_values_new(arena, f->nequality_ids + 1);
	ll_avro_value *offsets = ll_avro_values_new(arena, f->nsplit_offsets + 1);
	if (st == LL_OK && (!ids || !offsets))
		st = ll_error_oom(err);
	for (size_t i = 0; st == LL_OK && i < f->nequality_ids; i++)
		ids[i] = ll_avro_int(f->equality_ids[i]);
	for (size_t i = 0; st == LL_OK && i < f->nsplit_offsets; i++)
		offsets[i] = ll_avro_long(f->split_offsets[i]);
	struct { const char *name; ll_avro_value v; } set[] = {
		{ "content", ll_avro_int((int32_t)f->content) },
		{ "file_path", ll_avro_string(f->file_path) },
		{ "file_format", ll_avro_string(f->file_format ? f->file_format : "PARQUET") },
		{ "partition", part },
		{ "record_count", ll_avro_long(f->record_count) },
		{ "file_size_in_bytes", ll_avro_long(f->file_size_in_bytes) },
		{ "block_size_in_bytes", ll_avro_long(64 << 20) },
		{ "column_sizes", stats_map(f, STAT_SIZE, arena) },
		{ "value_counts", stats_map(f, STAT_VALUES, arena) },
		{ "null_value_counts", stats_map(f, STAT_NULLS, arena) },
		{ "nan_value_counts", stats_map(f, STAT_NANS, arena) },
		{ "lower_bounds", stats_map(f, STAT_LOWER, arena) },
		{ "upper_bounds", stats_map(f, STAT_UPPER, arena) },
		{ "split_offsets", f->nsplit_offsets ? ll_avro_array(offsets, f->nsplit_offsets) : ll_avro_null() },
		{ "equality_ids", f->nequality_ids ? ll_avro_array(ids, f->nequality_ids) : ll_avro_null() },
		{ "sort_order_id", f->has_sort_order_id ? ll_avro_int(f->sort_order_id) : ll_avro_null() },
	};
	for (size_t i = 0; st == LL_OK && i < sizeof(set) / sizeof(set[0]); i++) {
		if ((version < 2 && (strcmp(set[i].name, "content") == 0 ||
				     strcmp(set[i].name, "equality_ids") == 0)) ||
		    (version >= 2 && strcmp(set[i].name, "block_size_in_bytes") == 0))
			continue;
		st = ll_avro_record_set(out, type, set[i].name, set[i].v, err);
	}
	return st;
}

/* Orders two non-null partition values of type t as Iceberg compares them. */
static int compare_values(const ll_iceberg_type *t, const ll_iceberg_value *a,
			  const ll_iceberg_value *b)
{
	switch (t->kind) {
	case LL_ICEBERG_BOOLEAN: return (int)a->b - (int)b->b;
	case LL_ICEBERG_FLOAT: return (a->f > b->f) - (a->f < b->f);
	case LL_ICEBERG_DOUBLE: return (a->d > b->d) - (a->d < b->d);
	case LL_ICEBERG_DECIMAL: {
		uint8_t x[16], y[16];
		memcpy(x, a->decimal, 16);
		memcpy(y, b->decimal, 16);
		x[0] ^= 0x80;
		y[0] ^= 0x80;
		return memcmp(x, y, 16);
	}
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_BINARY:
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_UUID: {
		size_t n = a->bytes.len < b->bytes.len ? a->bytes.len : b->bytes.len;
		int c = n ? memcmp(a->bytes.data, b->bytes.data, n) : 0;
		return c ? c : (a->bytes.len > b->bytes.len) - (a->bytes.len < b->bytes.len);
	}
	default: return (a->i > b->i) - (a->i < b->i);
	}
}

static ll_status encode_bound(const ll_iceberg_type *t, const ll_iceberg_value *v, ll_arena *arena,
			      const uint8_t **data, size_t *len, ll_error *err)
{
	ll_buf b = LL_BUF_INIT;
	ll_status st = ll_iceberg_value_encode(t, v, &b, err);
	uint8_t *copy = st == LL_OK ? ll_arena_alloc(arena, b.len + 1) : NULL;
	if (st == LL_OK && !copy)
		st = ll_error_oom(err);
	if (st == LL_OK) {
		memcpy(copy, b.data, b.len);
		*data = copy;
		*len = b.len;
	}
	ll_buf_free(&b);
	return st;
}

/* The manifest list's per-field summary over the live entries. */
static ll_status summarize_partitions(const ll_iceberg_manifest_entry *entries, size_t n,
				      const ll_iceberg_type *const *ptypes, size_t npart,
				      ll_arena *arena, ll_iceberg_manifest_file *summary,
				      ll_error *err)
{
	ll_iceberg_field_summary *fs = ll_arena_alloc(arena, (npart + 1) * sizeof(*fs));
	if (!fs)
		return ll_error_oom(err);
	ll_status st = LL_OK;
	for (size_t k = 0; k < npart && st == LL_OK; k++) {
		const ll_iceberg_value *lo = NULL, *hi = NULL;
		bool floating = ptypes[k]->kind == LL_ICEBERG_FLOAT || ptypes[k]->kind == LL_ICEBERG_DOUBLE;
		fs[k] = (ll_iceberg_field_summary){ .contains_nan = floating ? 0 : -1 };
		for (size_t i = 0; i < n; i++) {
			if (entries[i].status == LL_ICEBERG_ENTRY_DELETED)
				continue;
			const ll_iceberg_value *v = &entries[i].file.partition[k];
			if (v->is_null) {
				fs[k].contains_null = true;
				continue;
			}
			double d = ptypes[k]->kind == LL_ICEBERG_FLOAT ? v->f : v->d;
			if (floating && d != d) {
				fs[k].contains_nan = 1;
				continue;
			}
			if (!lo || compare_values(ptypes[k], v, lo) < 0)
				lo = v;
			if (!hi || compare_values(ptypes[k], v, hi) > 0)
				hi = v;
		}
		if (lo)
			st = encode_bound(ptypes[k], lo, arena, &fs[k].lower, &fs[k].lower_len, err);
		if (hi && st == LL_OK)
			st = encode_bound(ptypes[k], hi, arena, &fs[k].upper, &fs[k].upper_len, err);
	}
	summary->partitions = fs;
	summary->npartitions = npart;
	return st;
}

static void count_entries(const ll_iceberg_manifest_entry *entries, size_t n,
			  ll_iceberg_manifest_file *s)
{
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		const ll_iceberg_manifest_entry *e = &entries[i];
		int64_t rows = e->file.record_count;
		switch (e->status) {
		case LL_ICEBERG_ENTRY_ADDED: s->added_files_count++; s->added_rows_count += rows; break;
		case LL_ICEBERG_ENTRY_EXISTING: s->existing_files_count++; s->existing_rows_count += rows; break;
		default: s->deleted_files_count++; s->deleted_rows_count += rows; break;
		}
		if (e->status != LL_ICEBERG_ENTRY_DELETED && (first || e->sequence_number < s->min_sequence_number)) {
			s->min_sequence_number = e->sequence_number;
			first = false;
		}
	}
}

static ll_status header_meta(const ll_iceberg_manifest_target *t, ll_buf *schema_json,
			     ll_buf *spec_json, char ids[3][24], ll_avro_meta meta[6], ll_error *err)
{
	json_t *s = ll_iceberg_schema_to_json(t->schema);
	json_t *p = ll_iceberg_partition_fields_to_json(t->spec);
	char *stext = s ? json_dumps(s, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	char *ptext = p ? json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(s);
	json_decref(p);
	if (stext)
		ll_buf_puts(schema_json, stext);
	if (ptext)
		ll_buf_puts(spec_json, ptext);
	free(stext);
	free(ptext);
	if (!stext || !ptext || ll_buf_oom(schema_json) || ll_buf_oom(spec_json))
		return ll_error_oom(err);
	snprintf(ids[0], 24, "%d", (int)t->schema->schema_id);
	snprintf(ids[1], 24, "%d", (int)t->spec->spec_id);
	snprintf(ids[2], 24, "%d", t->format_version);
	const char *content = t->deletes ? "deletes" : "data";
	meta[0] = (ll_avro_meta){ "schema", schema_json->data, schema_json->len };
	meta[1] = (ll_avro_meta){ "schema-id", ids[0], strlen(ids[0]) };
	meta[2] = (ll_avro_meta){ "partition-spec", spec_json->data, spec_json->len };
	meta[3] = (ll_avro_meta){ "partition-spec-id", ids[1], strlen(ids[1]) };
	meta[4] = (ll_avro_meta){ "format-version", ids[2], strlen(ids[2]) };
	meta[5] = (ll_avro_meta){ "content", content, strlen(content) };
	return LL_OK;
}

ll_status ll_iceberg_manifest_write(const ll_iceberg_manifest_target *target,
				    const ll_iceberg_manifest_entry *entries, size_t n,
				    ll_arena *arena, ll_buf *out, ll_iceberg_manifest_file *summary,
				    ll_error *err)
{
	memset(summary, 0, sizeof(*summary));
	int version = target->format_version >= 2 ? 2 : 1;
	size_t npart = target->spec->nfields;
	const ll_iceberg_type **ptypes = ll_arena_alloc(arena, (npart + 1) * sizeof(*ptypes));
	if (!ptypes)
		return ll_error_oom(err);
	ll_buf schema_text = LL_BUF_INIT, sj = LL_BUF_INIT, pj = LL_BUF_INIT;
	ll_status st = ll_manifest_partition_types(target->spec, target->schema, ptypes, err);
	if (st == LL_OK)
		st = ll_manifest_entry_schema(version, target->spec, target->schema, &schema_text, err);
	ll_avro_schema *schema = NULL;
	if (st == LL_OK)
		st = ll_avro_schema_parse(&schema, schema_text.data, schema_text.len, "manifest_entry", err);
	char ids[3][24];
	ll_avro_meta meta[6];
	if (st == LL_OK)
		st = header_meta(target, &sj, &pj, ids, meta, err);
	ll_avro_writer_options opt = { .codec = LL_AVRO_CODEC_DEFLATE, .meta = meta, .nmeta = 6 };
	ll_avro_writer *w = NULL;
	if (st == LL_OK)
		st = ll_avro_writer_open(&w, schema, &opt, ll_avro_sink_buf, out, err);
	const ll_avro_node *entry_t = schema ? ll_avro_schema_root(schema) : NULL;
	const ll_avro_node *file_t = entry_t ? ll_avro_node_find_field(entry_t, "data_file", NULL)->type : NULL;
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		const ll_iceberg_manifest_entry *e = &entries[i];
		ll_avro_value entry, file;
		st = ll_avro_record_new(arena, entry_t, &entry, err);
		if (st == LL_OK)
			st = data_file_value(file_t, &e->file, ptypes, npart, version, arena, &file, err);
		if (st == LL_OK)
			st = ll_avro_record_set(&entry, entry_t, "status", ll_avro_int((int32_t)e->status), err);
		if (st == LL_OK)
			st = ll_avro_record_set(&entry, entry_t, "snapshot_id", ll_avro_long(e->snapshot_id), err);
		if (st == LL_OK && version >= 2)
			st = ll_avro_record_set(&entry, entry_t, "sequence_number",
						ll_avro_long(e->sequence_number), err);
		if (st == LL_OK && version >= 2)
			st = ll_avro_record_set(&entry, entry_t, "file_sequence_number",
						ll_avro_long(e->file_sequence_number), err);
		if (st == LL_OK)
			st = ll_avro_record_set(&entry, entry_t, "data_file", file, err);
		if (st == LL_OK)
			st = ll_avro_writer_append(w, &entry, err);
	}
	if (w && st == LL_OK)
		st = ll_avro_writer_close(w, err);
	else if (w)
		ll_avro_writer_free(w);
	ll_avro_schema_free(schema);
	ll_buf_free(&schema_text);
	ll_buf_free(&sj);
	ll_buf_free(&pj);
	if (st != LL_OK)
		return st;
	summary->partition_spec_id = target->spec->spec_id;
	summary->content = target->deletes ? LL_ICEBERG_CONTENT_POSITION_DELETES : LL_ICEBERG_CONTENT_DATA;
	summary->sequence_number = target->sequence_number;
	summary->added_snapshot_id = target->snapshot_id;
	summary->min_sequence_number = target->sequence_number;
	count_entries(entries, n, summary);
	return summarize_partitions(entries, n, ptypes, npart, arena, summary, err);
}

static ll_status list_entry_value(const ll_avro_node *type, const ll_iceberg_manifest_file *m,
				  int version, ll_arena *arena, ll_avro_value *out, ll_error *err)
{
	ll_status st = ll_avro_record_new(arena, type, out, err);
	const ll_avro_node *parts_t = ll_avro_node_find_field(type, "partitions", NULL)->type;
	const ll_avro_node *fs_t = parts_t->branches[1]->items;
	ll_avro_value *items = ll_avro_values_new(arena, m->npartitions + 1);
	if (st == LL_OK && !items)
		st = ll_error_oom(err);
	for (size_t i = 0; st == LL_OK && i < m->npartitions; i++) {
		const ll_iceberg_field_summary *s = &m->partitions[i];
		st = ll_avro_record_new(arena, fs_t, &items[i], err);
		if (st == LL_OK)
			st = ll_avro_record_set(&items[i], fs_t, "contains_null", ll_avro_boolean(s->contains_null), err);
		if (st == LL_OK && s->contains_nan >= 0)
			st = ll_avro_record_set(&items[i], fs_t, "contains_nan", ll_avro_boolean(s->contains_nan), err);
		if (st == LL_OK && s->lower)
			st = ll_avro_record_set(&items[i], fs_t, "lower_bound", ll_avro_bytes(s->lower, s->lower_len), err);
		if (st == LL_OK && s->upper)
			st = ll_avro_record_set(&items[i], fs_t, "upper_bound", ll_avro_bytes(s->upper, s->upper_len), err);
	}
	bool v2 = version >= 2;
	struct { const char *name; ll_avro_value v; } set[] = {
		{ "manifest_path", ll_avro_string(m->manifest_path) },
		{ "manifest_length", ll_avro_long(m->manifest_length) },
		{ "partition_spec_id", ll_avro_int(m->partition_spec_id) },
		{ "content", ll_avro_int(m->content == LL_ICEBERG_CONTENT_DATA ? 0 : 1) },
		{ "sequence_number", ll_avro_long(m->sequence_number) },
		{ "min_sequence_number", ll_avro_long(m->min_sequence_number) },
		{ "added_snapshot_id", ll_avro_long(m->added_snapshot_id) },
		{ v2 ? "added_files_count" : "added_data_files_count", ll_avro_int(m->added_files_count) },
		{ v2 ? "existing_files_count" : "existing_data_files_count", ll_avro_int(m->existing_files_count) },
		{ v2 ? "deleted_files_count" : "deleted_data_files_count", ll_avro_int(m->deleted_files_count) },
		{ "added_rows_count", ll_avro_long(m->added_rows_count) },
		{ "existing_rows_count", ll_avro_long(m->existing_rows_count) },
		{ "deleted_rows_count", ll_avro_long(m->deleted_rows_count) },
		{ "partitions", ll_avro_array(items, m->npartitions) },
	};
	for (size_t i = 0; st == LL_OK && i < sizeof(set) / sizeof(set[0]); i++) {
		if (!v2 && (i >= 3 && i <= 5))
			continue;
		st = ll_avro_record_set(out, type, set[i].name, set[i].v, err);
	}
	return st;
}

ll_status ll_iceberg_manifest_list_write(const ll_iceberg_manifest_list_target *target,
					 const ll_iceberg_manifest_file *manifests, size_t n,
					 ll_buf *out, ll_error *err)
{
	int version = target->format_version >= 2 ? 2 : 1;
	ll_buf text = LL_BUF_INIT;
	ll_manifest_list_schema(version, &text);
	ll_avro_schema *schema = NULL;
	ll_status st = ll_buf_oom(&text) ? ll_error_oom(err)
					  : ll_avro_schema_parse(&schema, text.data, text.len,
								 "manifest_file", err);
	char snap[24], parent[24], seq[24], fv[8];
	snprintf(snap, sizeof(snap), "%lld", (long long)target->snapshot_id);
	snprintf(parent, sizeof(parent), "%lld", (long long)target->parent_snapshot_id);
	snprintf(seq, sizeof(seq), "%lld", (long long)target->sequence_number);
	snprintf(fv, sizeof(fv), "%d", version);
	ll_avro_meta meta[4] = {
		{ "snapshot-id", snap, strlen(snap) },
		{ "parent-snapshot-id", parent, target->parent_snapshot_id < 0 ? 4 : strlen(parent) },
		{ "sequence-number", seq, strlen(seq) },
		{ "format-version", fv, strlen(fv) },
	};
	if (target->parent_snapshot_id < 0)
		meta[1].value = "null";
	ll_avro_writer_options opt = { .codec = LL_AVRO_CODEC_DEFLATE, .meta = meta, .nmeta = 4 };
	if (version < 2) {
		meta[2] = meta[3];
		opt.nmeta = 3;
	}
	ll_avro_writer *w = NULL;
	if (st == LL_OK)
		st = ll_avro_writer_open(&w, schema, &opt, ll_avro_sink_buf, out, err);
	ll_arena arena;
	ll_arena_init(&arena, 0);
	const ll_avro_node *type = schema ? ll_avro_schema_root(schema) : NULL;
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		ll_avro_value v;
		st = list_entry_value(type, &manifests[i], version, &arena, &v, err);
		if (st == LL_OK)
			st = ll_avro_writer_append(w, &v, err);
	}
	if (w && st == LL_OK)
		st = ll_avro_writer_close(w, err);
	else if (w)
		ll_avro_writer_free(w);
	ll_arena_free(&arena);
	ll_avro_schema_free(schema);
	ll_buf_free(&text);
	return st;
}
