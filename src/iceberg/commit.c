/*
 * One snapshot per change, published by compare-and-swap; see commit.h.
 */
#include "iceberg/commit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iceberg/data_file.h"
#include "iceberg/keyset.h"
#include "util/failpoint.h"
#include "util/fs_batch.h"
#include "util/hash.h"
#include "util/random.h"
#include "util/retry.h"
#include "util/time.h"

#define DEFAULT_ATTEMPTS 20
/* Waits between attempts after a lost race: writers that collided spread out. */
#define RETRY_BASE_MS 10
#define RETRY_MAX_MS 500
#define LOAD_ID_KEY "lakeload.load-id"
#define LOAD_NONCE_KEY "lakeload.load-nonce"

static int64_t random_snapshot_id(void)
{
	uint64_t v = 0;
	if (!ll_random_bytes(&v, sizeof(v)))
		v = (uint64_t)ll_time_now_micros() * 6364136223846793005ULL;
	v &= INT64_MAX;
	return v ? (int64_t)v : 1;
}

void ll_iceberg_table_location(ll_storage *storage, const char *dataset, const char *table,
			       ll_buf *out)
{
	ll_buf key = LL_BUF_INIT;
	ll_buf_printf(&key, "%s/%s", dataset, table);
	ll_storage_location(storage, ll_buf_cstr(&key), out);
	ll_buf_free(&key);
}

/* Everything one attempt builds; freed (arena) at the end of the attempt. */
typedef struct attempt {
	const ll_iceberg_commit_target *target;
	ll_iceberg_table table;           /* md NULL for a table not created yet */
	ll_arena arena;
	ll_iceberg_schema schema;         /* the schema of the new snapshot */
	bool new_schema;                  /* schema is not in the base yet */
	ll_iceberg_partition_spec spec;
	const char *location;
	int64_t snapshot_id;
	int64_t sequence_number;
	char *metadata_location;          /* the new metadata file */
	/* what the change's removed files held, for the summary */
	int64_t removed_data_files, removed_records, removed_delete_files, removed_positions,
		removed_bytes;
} attempt;

const char *ll_iceberg_snapshot_load_id(const ll_iceberg_snapshot *s)
{
	return ll_iceberg_snapshot_summary(s, LOAD_ID_KEY);
}

bool ll_iceberg_snapshot_is_load(const ll_iceberg_snapshot *s, const char *load_id,
				 const char *load_nonce)
{
	const char *id = ll_iceberg_snapshot_load_id(s);
	if (!id || strcmp(id, load_id) != 0)
		return false;
	const char *nonce = ll_iceberg_snapshot_summary(s, LOAD_NONCE_KEY);
	return !nonce || !load_nonce || !load_nonce[0] || strcmp(nonce, load_nonce) == 0;
}

static bool has_load(const ll_iceberg_metadata *md, const ll_iceberg_commit_target *t)
{
	for (size_t i = 0; md && t->load_id && i < md->nsnapshots; i++)
		if (ll_iceberg_snapshot_is_load(&md->snapshots[i], t->load_id, t->load_nonce))
			return true;
	return false;
}

/* The spec of a new table, from the lakeload table's partition expressions. */
static ll_status spec_from_hints(attempt *a, ll_error *err)
{
	const ll_table *t = a->target->table;
	ll_iceberg_partition_field *fields = ll_arena_alloc(&a->arena, (t->npartition + 1) * sizeof(*fields));
	if (!fields)
		return ll_error_oom(err);
	for (size_t i = 0; i < t->npartition; i++) {
		ll_iceberg_partition_expr e;
		ll_status st = ll_iceberg_partition_expr_parse(t->partition[i], &e, err);
		if (st != LL_OK)
			return st;
		char *column = ll_arena_strndup(&a->arena, e.column, e.column_len);
		const ll_iceberg_field *src = column ? ll_iceberg_schema_find_column(&a->schema, column) : NULL;
		if (!column)
			return ll_error_oom(err);
		if (!src) {
			ll_error_set_table(err, t->name, column);
			return ll_error_set(err, LL_ESCHEMA,
					    "partition '%s' of table %s names column %s, which the table "
					    "does not have", t->partition[i], t->name, column);
		}
		const ll_iceberg_type *result;
		st = ll_iceberg_transform_result_type(&e.transform, src->type, &result, err);
		if (st != LL_OK) {
			ll_error_set_table(err, t->name, column);
			ll_error_prefix(err, "partition '%s' of table %s", t->partition[i], t->name);
			return st;
		}
		ll_buf name = LL_BUF_INIT;
		ll_iceberg_partition_field_name(&e.transform, column, &name);
		fields[i] = (ll_iceberg_partition_field){
			.source_id = src->id, .field_id = LL_ICEBERG_FIRST_PARTITION_FIELD_ID + (int32_t)i,
			.name = ll_arena_strndup(&a->arena, ll_buf_cstr(&name), name.len),
			.transform = e.transform };
		ll_buf_free(&name);
		if (!fields[i].name)
			return ll_error_oom(err);
	}
	a->spec = (ll_iceberg_partition_spec){ .spec_id = 0, .fields = fields, .nfields = t->npartition };
	return LL_OK;
}

/* The schema the snapshot is written with: the base's, or a new one with the added columns. */
static ll_status choose_schema(attempt *a, ll_error *err)
{
	const ll_iceberg_metadata *md = a->table.md;
	int32_t id = 0;
	for (size_t i = 0; md && i < md->nschemas; i++)
		if (md->schemas[i].schema_id >= id)
			id = md->schemas[i].schema_id + 1;
	ll_status st = ll_iceberg_schema_from_table(a->target->table, md ? id : 0, &a->arena,
						    &a->schema, err);
	if (st != LL_OK || !md) {
		a->new_schema = true;
		return st;
	}
	const ll_iceberg_schema *cur = ll_iceberg_metadata_current_schema(md);
	for (size_t i = 0; i < a->schema.type.nfields; i++) {
		const ll_iceberg_field *mine = &a->schema.type.fields[i];
		const ll_iceberg_field *theirs = ll_iceberg_schema_find_column(cur, mine->name);
		const ll_iceberg_field *by_id = ll_iceberg_schema_find_field(cur, mine->id);
		if ((theirs && theirs->id != mine->id) || (!theirs && by_id)) {
			ll_error_set_table(err, a->target->table->name, mine->name);
			return ll_error_set(err, LL_ESCHEMA,
					    "column %s of Iceberg table %s.%s has field id %d in the table "
					    "but %d in this pipeline's schema (another pipeline added "
					    "columns in a different order); load with the pipeline that "
					    "created the table", mine->name, a->target->dataset,
					    a->target->table->name, theirs ? (int)theirs->id : -1,
					    (int)mine->id);
		}
	}
	bool same = cur->type.nfields == a->schema.type.nfields;
	for (size_t i = 0; same && i < a->schema.type.nfields; i++)
		same = ll_iceberg_schema_find_field(cur, a->schema.type.fields[i].id) != NULL;
	for (size_t i = 0; i < cur->type.nfields; i++) {
		const ll_iceberg_field *f = &cur->type.fields[i];
		if (!ll_iceberg_schema_find_field(&a->schema, f->id)) {
			ll_error_set_table(err, a->target->table->name, f->name);
			return ll_error_set(err, LL_ESCHEMA,
					    "Iceberg table %s.%s has column %s (field id %d) that the "
					    "pipeline's schema lacks; columns are never dropped",
					    a->target->dataset, a->target->table->name, f->name, (int)f->id);
		}
	}
	if (same)
		a->schema = *cur;
	a->new_schema = !same;
	return LL_OK;
}

static ll_status begin_attempt(attempt *a, ll_error *err)
{
	const ll_iceberg_commit_target *t = a->target;
	char *current = NULL;
	ll_status st = ll_catalog_iceberg_location(t->catalog, t->dataset, t->table->name, &current, err);
	if (st == LL_OK && current)
		st = ll_iceberg_table_load(&a->table, t->storage, current, err);
	free(current);
	if (st != LL_OK)
		return st;
	a->table.storage = t->storage;
	const ll_iceberg_metadata *md = a->table.md;
	if (md) {
		a->location = md->location;
		a->spec = *ll_iceberg_metadata_default_spec(md);
	} else {
		ll_buf loc = LL_BUF_INIT;
		ll_iceberg_table_location(t->storage, t->dataset, t->table->name, &loc);
		a->location = ll_arena_strndup(&a->arena, ll_buf_cstr(&loc), loc.len);
		ll_buf_free(&loc);
		if (!a->location)
			return ll_error_oom(err);
	}
	st = choose_schema(a, err);
	if (st == LL_OK && !md)
		st = spec_from_hints(a, err);
	a->snapshot_id = random_snapshot_id();
	a->sequence_number = (md ? md->last_sequence_number : 0) + 1;
	return st;
}

/* Stores bytes under <location>/metadata/<name>; *where gets the file's location. */
static ll_status put_metadata_file(attempt *a, const char *name, const ll_buf *bytes,
				   const char **where, ll_error *err)
{
	ll_buf loc = LL_BUF_INIT;
	ll_buf_printf(&loc, "%s/metadata/%s", a->location, name);
	ll_status st = ll_buf_oom(&loc) ? ll_error_oom(err)
					 : ll_storage_put(a->target->storage, ll_buf_cstr(&loc),
							  bytes->data, bytes->len, err);
	if (st == LL_OK && !(*where = ll_arena_strndup(&a->arena, ll_buf_cstr(&loc), loc.len)))
		st = ll_error_oom(err);
	ll_buf_free(&loc);
	return st;
}

/* Writes a manifest of ADDED entries for files and appends its list entry to out. */
static ll_status write_manifest(attempt *a, const ll_iceberg_data_file *files, size_t n,
				bool deletes, int index, ll_iceberg_manifest_file *out, ll_error *err)
{
	ll_iceberg_manifest_entry *entries = ll_arena_alloc(&a->arena, (n + 1) * sizeof(*entries));
	if (!entries)
		return ll_error_oom(err);
	for (size_t i = 0; i < n; i++)
		entries[i] = (ll_iceberg_manifest_entry){ .status = LL_ICEBERG_ENTRY_ADDED,
							  .snapshot_id = a->snapshot_id,
							  .sequence_number = a->sequence_number,
							  .file_sequence_number = a->sequence_number,
							  .file = files[i] };
	ll_iceberg_manifest_target mt = { .format_version = 2, .schema = &a->schema, .spec = &a->spec,
					  .deletes = deletes, .snapshot_id = a->snapshot_id,
					  .sequence_number = a->sequence_number };
	ll_buf bytes = LL_BUF_INIT;
	ll_status st = ll_iceberg_manifest_write(&mt, entries, n, &a->arena, &bytes, out, err);
	char uuid[37], name[64];
	ll_random_uuid(uuid);
	snprintf(name, sizeof(name), "%s-m%d.avro", uuid, index);
	if (st == LL_OK)
		st = put_metadata_file(a, name, &bytes, &out->manifest_path, err);
	out->manifest_length = (int64_t)bytes.len;
	ll_buf_free(&bytes);
	return st;
}

/* The base snapshot's manifests, kept by a change that does not remove everything. */
static ll_status base_manifests(attempt *a, ll_iceberg_manifest_file **out, size_t *n, ll_error *err)
{
	*out = NULL;
	*n = 0;
	const ll_iceberg_snapshot *s = a->table.md ? ll_iceberg_metadata_current_snapshot(a->table.md) : NULL;
	if (!s)
		return LL_OK;
	if (!s->manifest_list)
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "Iceberg table %s: snapshot %lld lists manifests inline (format "
				    "version 1 without a manifest list); lakeload does not write on top "
				    "of it", a->table.metadata_location, (long long)s->snapshot_id);
	ll_buf bytes = LL_BUF_INIT;
	ll_status st = ll_storage_get(a->target->storage, s->manifest_list, &bytes, err);
	if (st == LL_OK)
		st = ll_iceberg_manifest_list_read(bytes.data, bytes.len, s->manifest_list, &a->arena,
						   out, n, err);
	ll_buf_free(&bytes);
	return st;
}

/* Notes a removed entry's file in the attempt's totals and marks it DELETED by this snapshot. */
static void remove_entry(attempt *a, ll_iceberg_manifest_entry *e)
{
	e->status = LL_ICEBERG_ENTRY_DELETED;
	e->snapshot_id = a->snapshot_id;
	a->removed_bytes += e->file.file_size_in_bytes;
	if (e->file.content == LL_ICEBERG_CONTENT_DATA) {
		a->removed_data_files++;
		a->removed_records += e->file.record_count;
	} else {
		a->removed_delete_files++;
		a->removed_positions += e->file.record_count;
	}
}

/*
 * Base manifest *m without the files in gone: written anew (in place of
 * *m) when it holds any, the removed entries DELETED, the others EXISTING
 * with their snapshot and sequence numbers; entries deleted before are
 * dropped. *found counts the files of gone it held.
 */
static ll_status drop_removed(attempt *a, const ll_keyset *gone, ll_iceberg_manifest_file *m,
			      int index, size_t *found, ll_error *err)
{
	const ll_iceberg_metadata *md = a->table.md;
	const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_spec(md, m->partition_spec_id);
	if (!spec)
		return ll_error_set(err, LL_EFORMAT, "manifest %s names partition spec %d, which the "
				    "table metadata %s does not have", m->manifest_path,
				    (int)m->partition_spec_id, a->table.metadata_location);
	ll_buf bytes = LL_BUF_INIT;
	ll_iceberg_manifest_entry *entries = NULL;
	size_t n = 0, kept = 0, hits = 0;
	const ll_iceberg_schema *schema = ll_iceberg_metadata_current_schema(md);
	ll_status st = ll_storage_get(a->target->storage, m->manifest_path, &bytes, err);
	if (st == LL_OK)
		st = ll_iceberg_manifest_read(bytes.data, bytes.len, m->manifest_path, m, spec, schema,
					      &a->arena, &entries, &n, err);
	for (size_t i = 0; st == LL_OK && i < n; i++) {
		ll_iceberg_manifest_entry *e = &entries[i];
		if (e->status == LL_ICEBERG_ENTRY_DELETED)
			continue;
		e->status = LL_ICEBERG_ENTRY_EXISTING;
		if (ll_keyset_find(gone, e->file.file_path, strlen(e->file.file_path))) {
			remove_entry(a, e);
			hits++;
		}
		entries[kept++] = *e;
	}
	ll_buf_free(&bytes);
	*found += hits;
	if (st != LL_OK || hits == 0)
		return st;
	ll_iceberg_manifest_target mt = { .format_version = 2, .schema = schema, .spec = spec,
					  .deletes = m->content != LL_ICEBERG_CONTENT_DATA,
					  .snapshot_id = a->snapshot_id,
					  .sequence_number = a->sequence_number };
	st = ll_iceberg_manifest_write(&mt, entries, kept, &a->arena, &bytes, m, err);
	char uuid[37], name[64];
	ll_random_uuid(uuid);
	snprintf(name, sizeof(name), "%s-m%d.avro", uuid, index);
	if (st == LL_OK)
		st = put_metadata_file(a, name, &bytes, &m->manifest_path, err);
	m->manifest_length = (int64_t)bytes.len;
	ll_buf_free(&bytes);
	return st;
}

/* Rewrites the base manifests holding the change's removed files; each must be live in the base. */
static ll_status remove_files(attempt *a, const ll_iceberg_change *c, ll_iceberg_manifest_file *kept,
			      size_t nkept, ll_error *err)
{
	ll_keyset gone;
	ll_keyset_init(&gone);
	ll_status st = LL_OK;
	for (size_t i = 0; i < c->nremove && st == LL_OK; i++) {
		ll_keyset_slot *slot;
		bool added;
		if (!ll_keyset_put(&gone, c->remove[i], strlen(c->remove[i]), i, &slot, &added))
			st = ll_error_oom(err);
	}
	size_t found = 0;
	for (size_t i = 0; i < nkept && st == LL_OK; i++)
		st = drop_removed(a, &gone, &kept[i], 2 + (int)i, &found, err);
	size_t wanted = gone.count;
	ll_keyset_free(&gone);
	if (st == LL_OK && found != wanted)
		st = ll_error_set(err, LL_ETERMINAL, "Iceberg table %s.%s: %zu of the %zu files to "
				  "remove are no longer in the table", a->target->dataset,
				  a->target->table->name, wanted - found, wanted);
	return st;
}

static int64_t summary_int(const ll_iceberg_snapshot *s, const char *key)
{
	const char *v = s ? ll_iceberg_snapshot_summary(s, key) : NULL;
	return v ? strtoll(v, NULL, 10) : 0;
}

typedef struct summary_builder {
	ll_iceberg_kv *items;
	size_t n;
	ll_arena *arena;
} summary_builder;

static void summary_put(summary_builder *b, const char *key, const char *value)
{
	b->items[b->n++] = (ll_iceberg_kv){ key, ll_arena_strndup(b->arena, value, strlen(value)) };
}

static void summary_put_int(summary_builder *b, const char *key, int64_t v)
{
	char text[32];
	snprintf(text, sizeof(text), "%lld", (long long)v);
	summary_put(b, key, text);
}

/* The snapshot summary Java writes, plus the load id. */
static ll_status build_summary(attempt *a, const ll_iceberg_change *c, ll_iceberg_kv **out,
			       size_t *n, ll_error *err)
{
	summary_builder b = { ll_arena_alloc(&a->arena, 32 * sizeof(ll_iceberg_kv)), 0, &a->arena };
	if (!b.items)
		return ll_error_oom(err);
	const ll_iceberg_snapshot *base = a->table.md ? ll_iceberg_metadata_current_snapshot(a->table.md) : NULL;
	int64_t records = 0, size = 0, pos_deletes = 0, del_size = 0;
	for (size_t i = 0; i < c->ndata; i++) {
		records += c->data[i].record_count;
		size += c->data[i].file_size_in_bytes;
	}
	for (size_t i = 0; i < c->ndeletes; i++) {
		pos_deletes += c->deletes[i].record_count;
		del_size += c->deletes[i].file_size_in_bytes;
	}
	int64_t keep = c->remove_all ? 0 : 1;
	summary_put(&b, "operation", c->operation);
	if (c->nremove) {
		summary_put_int(&b, "deleted-data-files", a->removed_data_files);
		summary_put_int(&b, "deleted-records", a->removed_records);
		summary_put_int(&b, "removed-delete-files", a->removed_delete_files);
		summary_put_int(&b, "removed-position-delete-files", a->removed_delete_files);
		summary_put_int(&b, "removed-position-deletes", a->removed_positions);
		summary_put_int(&b, "removed-files-size", a->removed_bytes);
	}
	if (a->target->load_id)
		summary_put(&b, LOAD_ID_KEY, a->target->load_id);
	if (a->target->load_id && a->target->load_nonce && a->target->load_nonce[0])
		summary_put(&b, LOAD_NONCE_KEY, a->target->load_nonce);
	if (c->ndata) {
		summary_put_int(&b, "added-data-files", (int64_t)c->ndata);
		summary_put_int(&b, "added-records", records);
		summary_put_int(&b, "added-files-size", size + del_size);
	}
	if (c->ndeletes) {
		summary_put_int(&b, "added-delete-files", (int64_t)c->ndeletes);
		summary_put_int(&b, "added-position-delete-files", (int64_t)c->ndeletes);
		summary_put_int(&b, "added-position-deletes", pos_deletes);
	}
	if (c->remove_all && base) {
		summary_put_int(&b, "deleted-data-files", summary_int(base, "total-data-files"));
		summary_put_int(&b, "deleted-records", summary_int(base, "total-records"));
		summary_put_int(&b, "removed-delete-files", summary_int(base, "total-delete-files"));
	}
	summary_put_int(&b, "total-records",
			keep * summary_int(base, "total-records") - a->removed_records + records);
	summary_put_int(&b, "total-files-size",
			keep * summary_int(base, "total-files-size") - a->removed_bytes + size + del_size);
	summary_put_int(&b, "total-data-files", keep * summary_int(base, "total-data-files") -
							a->removed_data_files + (int64_t)c->ndata);
	summary_put_int(&b, "total-delete-files", keep * summary_int(base, "total-delete-files") -
							  a->removed_delete_files + (int64_t)c->ndeletes);
	summary_put_int(&b, "total-position-deletes",
			keep * summary_int(base, "total-position-deletes") - a->removed_positions +
				pos_deletes);
	summary_put_int(&b, "total-equality-deletes",
			keep * summary_int(base, "total-equality-deletes"));
	for (size_t i = 0; i < b.n; i++)
		if (!b.items[i].value)
			return ll_error_oom(err);
	*out = b.items;
	*n = b.n;
	return LL_OK;
}

/* Copies n elements of size into a new arena array with room for extra more. */
static void *grow_copy(ll_arena *arena, const void *src, size_t n, size_t size, size_t extra)
{
	void *dst = ll_arena_alloc(arena, (n + extra) * size + 1);
	if (dst && n)
		memcpy(dst, src, n * size);
	return dst;
}

/* A fresh model for a table lakeload creates. */
static ll_status new_metadata(attempt *a, ll_iceberg_metadata *md, ll_error *err)
{
	memset(md, 0, sizeof(*md));
	char uuid[37];
	ll_random_uuid(uuid);
	md->format_version = 2;
	md->table_uuid = ll_arena_strndup(&a->arena, uuid, 36);
	md->location = a->location;
	md->current_snapshot_id = LL_ICEBERG_NO_SNAPSHOT;
	md->last_partition_id = LL_ICEBERG_FIRST_PARTITION_FIELD_ID - 1 + (int32_t)a->spec.nfields;
	md->specs = &a->spec;
	md->nspecs = 1;
	ll_iceberg_sort_order *unsorted = ll_arena_alloc(&a->arena, sizeof(*unsorted));
	if (!unsorted || !md->table_uuid)
		return ll_error_oom(err);
	memset(unsorted, 0, sizeof(*unsorted));
	md->sort_orders = unsorted;
	md->nsort_orders = 1;
	return LL_OK;
}

/* The next model: the base (or a new table) with the snapshot, schema and logs added. */
static ll_status next_metadata(attempt *a, const ll_iceberg_snapshot *snap, ll_iceberg_metadata *md,
			       ll_error *err)
{
	const ll_iceberg_metadata *base = a->table.md;
	ll_status st = LL_OK;
	if (base) {
		*md = *base;
		md->arena = (ll_arena){ 0 };
	} else {
		st = new_metadata(a, md, err);
	}
	if (st != LL_OK)
		return st;
	if (a->new_schema) {
		ll_iceberg_schema *schemas = grow_copy(&a->arena, md->schemas, md->nschemas, sizeof(*schemas), 1);
		if (!schemas)
			return ll_error_oom(err);
		schemas[md->nschemas++] = a->schema;
		md->schemas = schemas;
		md->current_schema_id = a->schema.schema_id;
		int32_t max_id = ll_iceberg_schema_max_field_id(&a->schema);
		if (max_id > md->last_column_id)
			md->last_column_id = max_id;
	}
	ll_iceberg_snapshot *snaps = grow_copy(&a->arena, md->snapshots, md->nsnapshots, sizeof(*snaps), 1);
	ll_iceberg_snapshot_log_entry *log = grow_copy(&a->arena, md->snapshot_log, md->nsnapshot_log,
						       sizeof(*log), 1);
	ll_iceberg_metadata_log_entry *mlog = grow_copy(&a->arena, md->metadata_log, md->nmetadata_log,
							sizeof(*mlog), 1);
	ll_iceberg_ref *refs = grow_copy(&a->arena, md->refs, md->nrefs, sizeof(*refs), 1);
	if (!snaps || !log || !mlog || !refs)
		return ll_error_oom(err);
	snaps[md->nsnapshots++] = *snap;
	log[md->nsnapshot_log++] = (ll_iceberg_snapshot_log_entry){ snap->timestamp_ms, snap->snapshot_id };
	if (base)
		mlog[md->nmetadata_log++] = (ll_iceberg_metadata_log_entry){ base->last_updated_ms,
									      a->table.metadata_location };
	size_t main_ref = md->nrefs;
	for (size_t i = 0; i < md->nrefs; i++)
		if (strcmp(refs[i].name, "main") == 0)
			main_ref = i;
	refs[main_ref] = (ll_iceberg_ref){ .name = "main", .snapshot_id = snap->snapshot_id };
	md->nrefs += main_ref == md->nrefs;
	md->snapshots = snaps;
	md->snapshot_log = log;
	md->metadata_log = mlog;
	md->refs = refs;
	md->current_snapshot_id = snap->snapshot_id;
	md->last_sequence_number = snap->sequence_number;
	md->last_updated_ms = snap->timestamp_ms;
	return LL_OK;
}

/* Writes manifests, manifest list and metadata of the change; sets a->metadata_location. */
static ll_status write_snapshot(attempt *a, const ll_iceberg_change *c, ll_error *err)
{
	ll_iceberg_manifest_file *kept = NULL;
	size_t nkept = 0;
	ll_status st = c->remove_all ? LL_OK : base_manifests(a, &kept, &nkept, err);
	ll_iceberg_manifest_file *list = st == LL_OK ? ll_arena_alloc(&a->arena, (nkept + 3) * sizeof(*list)) : NULL;
	if (st != LL_OK)
		return st;
	if (!list)
		return ll_error_oom(err);
	if (c->nremove)
		st = remove_files(a, c, kept, nkept, err);
	size_t n = 0;
	if (st == LL_OK && c->ndata)
		st = write_manifest(a, c->data, c->ndata, false, 0, &list[n++], err);
	if (st == LL_OK && c->ndeletes)
		st = write_manifest(a, c->deletes, c->ndeletes, true, 1, &list[n++], err);
	for (size_t i = 0; i < nkept; i++)
		list[n++] = kept[i];
	const ll_iceberg_snapshot *parent = a->table.md ? ll_iceberg_metadata_current_snapshot(a->table.md) : NULL;
	ll_iceberg_manifest_list_target lt = { 2, a->snapshot_id,
					       parent ? parent->snapshot_id : LL_ICEBERG_NO_SNAPSHOT,
					       a->sequence_number };
	ll_buf bytes = LL_BUF_INIT;
	char uuid[37], name[96];
	ll_random_uuid(uuid);
	snprintf(name, sizeof(name), "snap-%lld-1-%s.avro", (long long)a->snapshot_id, uuid);
	ll_iceberg_snapshot snap = { .snapshot_id = a->snapshot_id,
				     .parent_snapshot_id = lt.parent_snapshot_id,
				     .sequence_number = a->sequence_number,
				     .timestamp_ms = ll_time_now_micros() / 1000,
				     .has_schema_id = true, .schema_id = a->schema.schema_id };
	if (st == LL_OK)
		st = ll_iceberg_manifest_list_write(&lt, list, n, &bytes, err);
	if (st == LL_OK)
		st = put_metadata_file(a, name, &bytes, &snap.manifest_list, err);
	ll_iceberg_kv *summary = NULL;
	if (st == LL_OK)
		st = build_summary(a, c, &summary, &snap.nsummary, err);
	snap.summary = summary;
	ll_iceberg_metadata md;
	if (st == LL_OK)
		st = next_metadata(a, &snap, &md, err);
	ll_buf_clear(&bytes);
	if (st == LL_OK)
		st = ll_iceberg_metadata_write(&md, &bytes, err);
	ll_random_uuid(uuid);
	snprintf(name, sizeof(name), "%05zu-%s.metadata.json", md.nmetadata_log, uuid);
	const char *where = NULL;
	if (st == LL_OK)
		st = put_metadata_file(a, name, &bytes, &where, err);
	if (st == LL_OK && !(a->metadata_location = strdup(where)))
		st = ll_error_oom(err);
	ll_buf_free(&bytes);
	return st;
}

static bool is_expired(const ll_iceberg_change *c, int64_t id)
{
	for (size_t i = 0; i < c->nexpire; i++)
		if (c->expire[i] == id)
			return true;
	return false;
}

/* The base without the expired snapshots and the old metadata-log entries. */
static ll_status expired_metadata(attempt *a, const ll_iceberg_change *c, ll_iceberg_metadata *md,
				  ll_error *err)
{
	const ll_iceberg_metadata *base = a->table.md;
	*md = *base;
	md->arena = (ll_arena){ 0 };
	ll_iceberg_snapshot *snaps = grow_copy(&a->arena, NULL, 0, sizeof(*snaps), base->nsnapshots);
	ll_iceberg_snapshot_log_entry *log = grow_copy(&a->arena, NULL, 0, sizeof(*log), base->nsnapshot_log);
	ll_iceberg_metadata_log_entry *mlog = grow_copy(&a->arena, NULL, 0, sizeof(*mlog), base->nmetadata_log + 1);
	ll_iceberg_ref *refs = grow_copy(&a->arena, NULL, 0, sizeof(*refs), base->nrefs);
	if (!snaps || !log || !mlog || !refs)
		return ll_error_oom(err);
	md->nsnapshots = md->nsnapshot_log = md->nmetadata_log = md->nrefs = 0;
	for (size_t i = 0; i < base->nsnapshots; i++)
		if (!is_expired(c, base->snapshots[i].snapshot_id) ||
		    base->snapshots[i].snapshot_id == base->current_snapshot_id)
			snaps[md->nsnapshots++] = base->snapshots[i];
	for (size_t i = 0; i < base->nsnapshot_log; i++)
		if (!is_expired(c, base->snapshot_log[i].snapshot_id))
			log[md->nsnapshot_log++] = base->snapshot_log[i];
	for (size_t i = 0; i < base->nrefs; i++)
		if (!is_expired(c, base->refs[i].snapshot_id))
			refs[md->nrefs++] = base->refs[i];
	for (size_t i = 0; i < base->nmetadata_log; i++)
		if (base->metadata_log[i].timestamp_ms >= c->log_after_ms)
			mlog[md->nmetadata_log++] = base->metadata_log[i];
	if (base->last_updated_ms >= c->log_after_ms)
		mlog[md->nmetadata_log++] = (ll_iceberg_metadata_log_entry){ base->last_updated_ms,
									      a->table.metadata_location };
	md->snapshots = snaps;
	md->snapshot_log = log;
	md->metadata_log = mlog;
	md->refs = refs;
	md->last_updated_ms = ll_time_now_micros() / 1000;
	a->snapshot_id = base->current_snapshot_id;
	return LL_OK;
}

/* Writes the metadata of an expiry; sets a->metadata_location. */
static ll_status write_expiry(attempt *a, const ll_iceberg_change *c, ll_error *err)
{
	if (!a->table.md)
		return ll_error_set(err, LL_ENOTFOUND, "Iceberg table %s.%s does not exist yet",
				    a->target->dataset, a->target->table->name);
	ll_iceberg_metadata md;
	ll_status st = expired_metadata(a, c, &md, err);
	ll_buf bytes = LL_BUF_INIT;
	if (st == LL_OK)
		st = ll_iceberg_metadata_write(&md, &bytes, err);
	char uuid[37], name[96];
	ll_random_uuid(uuid);
	/* the version number goes on counting although the log got shorter */
	snprintf(name, sizeof(name), "%05zu-%s.metadata.json", a->table.md->nmetadata_log + 1, uuid);
	const char *where = NULL;
	if (st == LL_OK)
		st = put_metadata_file(a, name, &bytes, &where, err);
	if (st == LL_OK && !(a->metadata_location = strdup(where)))
		st = ll_error_oom(err);
	ll_buf_free(&bytes);
	return st;
}

/* After losing a race: may a change that removes rows go on top of what won? */
static ll_status check_concurrent(attempt *a, int64_t base_snapshot, ll_error *err)
{
	const ll_iceberg_metadata *md = a->table.md;
	for (const ll_iceberg_snapshot *s = ll_iceberg_metadata_current_snapshot(md);
	     s && s->snapshot_id != base_snapshot;
	     s = ll_iceberg_metadata_snapshot(md, s->parent_snapshot_id)) {
		const char *op = ll_iceberg_snapshot_summary(s, "operation");
		/* a replace rewrote files, rows unchanged: the change is computed again on top of it */
		if (!op || (strcmp(op, "append") != 0 && strcmp(op, "replace") != 0))
			return ll_error_set(err, LL_ECONFLICT,
					    "Iceberg table %s.%s: snapshot %lld (%s) committed concurrently "
					    "also removed rows; this change was not applied, run it again",
					    a->target->dataset, a->target->table->name,
					    (long long)s->snapshot_id, op ? op : "unknown operation");
	}
	return LL_OK;
}

static void end_attempt(attempt *a)
{
	ll_iceberg_table_release(&a->table);
	ll_arena_free(&a->arena);
	free(a->metadata_location);
}

ll_status ll_iceberg_plan(const ll_iceberg_commit_target *target, ll_iceberg_prepare_fn prepare,
			  void *ctx, ll_error *err)
{
	attempt a = { .target = target };
	ll_arena_init(&a.arena, 0);
	ll_status st = begin_attempt(&a, err);
	ll_iceberg_change change = { 0 };
	ll_iceberg_base base = { &a.table, &a.schema, &a.spec, a.location, false };
	if (st == LL_OK && !has_load(a.table.md, target))
		st = prepare(ctx, &base, &a.arena, &change, err);
	end_attempt(&a);
	return st;
}

ll_status ll_iceberg_commit(const ll_iceberg_commit_target *target, ll_iceberg_prepare_fn prepare,
			    void *ctx, ll_iceberg_commit_result *result, ll_error *err)
{
	memset(result, 0, sizeof(*result));
	int max = target->max_attempts > 0 ? target->max_attempts : DEFAULT_ATTEMPTS;
	bool removes = false;
	int64_t first_base = LL_ICEBERG_NO_SNAPSHOT;
	uint64_t jitter = ll_mix64((uint64_t)ll_time_now_micros() ^ (uint64_t)getpid() << 40 ^
				   (uint64_t)(uintptr_t)result);
	for (int i = 0; i < max; i++) {
		if (i > 0)
			ll_sleep_ms(ll_retry_backoff_ms(RETRY_BASE_MS, RETRY_MAX_MS, i, &jitter));
		attempt a = { .target = target };
		ll_arena_init(&a.arena, 0);
		result->attempts = i + 1;
		ll_status st = begin_attempt(&a, err);
		const ll_iceberg_metadata *md = a.table.md;
		result->already = st == LL_OK && has_load(md, target);
		if (result->already && !target->again) {
			end_attempt(&a);
			return LL_OK;
		}
		if (st == LL_OK && i > 0 && removes)
			st = check_concurrent(&a, first_base, err);
		if (st == LL_OK && i == 0 && md)
			first_base = md->current_snapshot_id;
		ll_iceberg_change change = { 0 };
		ll_iceberg_base base = { &a.table, &a.schema, &a.spec, a.location, result->already };
		/* the snapshot's files are synced together, all before the pointer moves */
		ll_fs_batch_begin();
		if (st == LL_OK)
			st = prepare(ctx, &base, &a.arena, &change, err);
		removes = removes || change.remove_all || change.ndeletes > 0;
		bool commits = st == LL_OK && !change.nothing;
		if (commits)
			st = change.operation ? write_snapshot(&a, &change, err)
					      : write_expiry(&a, &change, err);
		st = ll_fs_batch_end_after(st, err);
		if (commits)
			ll_failpoint("iceberg_before_swap");
		bool lost = false;
		if (commits && st == LL_OK) {
			st = ll_catalog_iceberg_commit(target->catalog, target->dataset, target->table,
						       target->table->name,
						       md ? a.table.metadata_location : NULL,
						       a.metadata_location, err);
			lost = st == LL_ECONFLICT;
		}
		result->snapshot_id = commits ? a.snapshot_id : 0;
		result->added_data_files = commits && st == LL_OK && change.operation ? change.ndata : 0;
		end_attempt(&a);
		if (!lost || i + 1 == max)
			return st;
	}
	return LL_ECONFLICT;
}
