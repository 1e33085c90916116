/*
 * `lakeload history` and `lakeload delete`: the lake-level commands that
 * only Iceberg tables have. A delete finds the rows to remove with the
 * embedded engine (so the condition is any SQL WHERE clause), by their
 * _dlt_id, then commits position deletes: one snapshot per child table,
 * then one for the table itself. A child table with a _dlt_root_id column
 * (merge tables, as in dlt) loses the rows whose root was removed; one
 * without it (append and replace tables) loses the rows whose
 * _dlt_parent_id is a removed row's _dlt_id, found level by level. Longer
 * table names (deeper levels) go first, so a rerun after a crash still
 * reaches every descendant through the parents that are left.
 *
 * `lakeload vacuum` expires old snapshots in one commit (no new snapshot),
 * then, only once that is published, deletes the files under the table's
 * metadata/ and data/ that the new metadata no longer reaches and that are
 * older than the cutoff. A snapshot of a load missing from the dataset's
 * _dlt_loads is kept: it is how a rerun of that interrupted load knows the
 * table has it, and without it the rerun would commit the load again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "iceberg/load.h"
#include "iceberg/rewrite.h"
#include "lakeload.h"
#include "load/dlt_tables.h"
#include "pipeline/pipeline_internal.h"
#include "util/fs.h"
#include "util/time.h"

ll_status ll_split_table_ref(const char *ref, char *buf, size_t size, const char **dataset,
				 const char **table, ll_error *err)
{
	const char *dot = strchr(ref, '.');
	if (!dot || dot == ref || !dot[1] || strlen(ref) >= size)
		return ll_error_set(err, LL_EINVAL, "name the table as DATASET.TABLE, not \"%s\"", ref);
	memcpy(buf, ref, strlen(ref) + 1);
	buf[dot - ref] = '\0';
	*dataset = buf;
	*table = buf + (dot - ref) + 1;
	return LL_OK;
}

/* Opens the lake's catalog and storage and loads an Iceberg table by name. */
typedef struct lake_table {
	ll_catalog *catalog;
	ll_storage *storage;
	ll_iceberg_table table;
	const char *dataset, *name;
	char ref[512];
} lake_table;

static void lake_table_close(lake_table *lt)
{
	ll_iceberg_table_release(&lt->table);
	ll_catalog_free(lt->catalog);
	ll_storage_free(lt->storage);
}

static ll_status lake_table_open(lake_table *lt, const ll_lake_options *opt, const char *ref,
				 ll_error *err)
{
	memset(lt, 0, sizeof(*lt));
	ll_status st = ll_split_table_ref(ref, lt->ref, sizeof(lt->ref), &lt->dataset, &lt->name, err);
	if (st == LL_OK)
		st = ll_lake_open(opt, NULL, false, &lt->storage, &lt->catalog, err);
	char *location = NULL;
	if (st == LL_OK)
		st = ll_catalog_iceberg_location(lt->catalog, lt->dataset, lt->name, &location, err);
	if (st == LL_OK && !location) {
		ll_error_set_table(err, lt->name, NULL);
		st = ll_error_set(err, LL_ENOTFOUND,
				  "%s is not an Iceberg table of lake %s (only Iceberg tables have "
				  "snapshots and row deletes; load with --table-format iceberg)", ref, opt->lake);
	}
	if (st == LL_OK)
		st = ll_iceberg_table_load(&lt->table, lt->storage, location, err);
	free(location);
	if (st != LL_OK)
		lake_table_close(lt);
	return st;
}

/* ------------------------------------------------------------------ history */

static const char *summary_or(const ll_iceberg_snapshot *s, const char *key, const char *dflt)
{
	const char *v = ll_iceberg_snapshot_summary(s, key);
	return v ? v : dflt;
}

ll_status ll_lake_history_print(const ll_lake_options *opt, const char *table, FILE *out,
				ll_error *err)
{
	lake_table lt;
	ll_status st = lake_table_open(&lt, opt, table, err);
	if (st != LL_OK)
		return st;
	const ll_iceberg_metadata *md = lt.table.md;
	fprintf(out, "%-20s %-24s %-9s %10s %10s %12s %s\n", "snapshot_id", "committed_at",
		"operation", "added", "removed", "total_rows", "load_id");
	for (size_t i = 0; i < md->nsnapshots; i++) {
		const ll_iceberg_snapshot *s = &md->snapshots[i];
		char when[40];
		ll_time_format_timestamp(s->timestamp_ms * 1000, 3, 'T', true, when);
		long long removed = atoll(summary_or(s, "deleted-records", "0")) +
				    atoll(summary_or(s, "added-position-deletes", "0"));
		fprintf(out, "%-20lld %-24s %-9s %10s %10lld %12s %s%s\n", (long long)s->snapshot_id,
			when, summary_or(s, "operation", "?"), summary_or(s, "added-records", "0"),
			removed, summary_or(s, "total-records", "?"),
			summary_or(s, "lakeload.load-id", "-"),
			s->snapshot_id == md->current_snapshot_id ? "  (current)" : "");
	}
	lake_table_close(&lt);
	return LL_OK;
}

/* ------------------------------------------------------------------ delete */

typedef struct id_collector {
	ll_keyset ids;
	ll_buf key;
	bool oom;
} id_collector;

/* Row ids are text; they are keyed the way the Parquet scan of the table will see them. */
static int collect_id(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	id_collector *c = user;
	(void)ncols;
	(void)names;
	if (cells[0].kind != LL_CELL_TEXT)
		return 0;
	ll_value v = { .s = cells[0].s, .len = cells[0].len };
	ll_buf_clear(&c->key);
	ll_keyset_encode_value(&v, &c->key);
	ll_keyset_slot *slot;
	bool added;
	if (ll_buf_oom(&c->key) || !ll_keyset_put(&c->ids, c->key.data, c->key.len, 0, &slot, &added)) {
		c->oom = true;
		return 1;
	}
	return 0;
}

/* Removes the rows of dataset.name whose column `match` is in ids: one snapshot. */
static ll_status delete_matching(ll_catalog *catalog, ll_storage *storage, const char *dataset,
				 const char *name, const char *match, const ll_keyset *ids,
				 const char *scratch, uint64_t *rows, ll_error *err)
{
	char *location = NULL;
	ll_iceberg_table it = { 0 };
	ll_table shape = { 0 };
	ll_status st = ll_catalog_iceberg_location(catalog, dataset, name, &location, err);
	if (st == LL_OK && location)
		st = ll_iceberg_table_load(&it, storage, location, err);
	if (st == LL_OK && location)
		st = ll_iceberg_table_shape(it.md, name, &shape, err);
	ll_iceberg_load_request req = { .catalog = catalog, .storage = storage, .dataset = dataset,
					.table = &shape, .disposition = LL_WRITE_MERGE,
					.scratch_dir = scratch, .removed_roots = ids,
					.match_column = match };
	ll_iceberg_commit_result res = { 0 };
	if (st == LL_OK && location)
		st = ll_iceberg_load_table(&req, &res, err);
	if (st == LL_OK && location) {
		ll_iceberg_table_release(&it);
		st = ll_iceberg_table_load(&it, storage, location, err);
	}
	*rows = 0;
	free(location);
	free(shape.columns);
	ll_iceberg_table_release(&it);
	if (st == LL_OK && res.snapshot_id) {
		char *now = NULL;
		st = ll_catalog_iceberg_location(catalog, dataset, name, &now, err);
		ll_iceberg_table after = { 0 };
		if (st == LL_OK && now)
			st = ll_iceberg_table_load(&after, storage, now, err);
		const ll_iceberg_snapshot *s = after.md ? ll_iceberg_metadata_current_snapshot(after.md) : NULL;
		const char *v = s ? ll_iceberg_snapshot_summary(s, "added-position-deletes") : NULL;
		*rows = v ? strtoull(v, NULL, 10) : 0;
		ll_iceberg_table_release(&after);
		free(now);
	}
	return st;
}

/* Adds the _dlt_id of each row whose parent is in the set, counting the new ones. */
typedef struct descendant_collector {
	id_collector *ids;
	size_t added;
} descendant_collector;

static int collect_descendant(void *user, size_t ncols, const char *const *names,
			      const ll_cell *cells)
{
	descendant_collector *d = user;
	if (cells[1].kind != LL_CELL_TEXT)
		return 0;
	ll_value parent = { .s = cells[1].s, .len = cells[1].len };
	ll_buf_clear(&d->ids->key);
	ll_keyset_encode_value(&parent, &d->ids->key);
	if (ll_buf_oom(&d->ids->key)) {
		d->ids->oom = true;
		return 1;
	}
	if (!ll_keyset_find(&d->ids->ids, d->ids->key.data, d->ids->key.len))
		return 0;
	size_t before = d->ids->ids.count;
	int stop = collect_id(d->ids, ncols, names, cells);
	d->added += d->ids->ids.count - before;
	return stop;
}

static bool has_column(const ll_catalog_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncolumns; i++) {
		if (strcmp(t->columns[i].name, name) == 0)
			return true;
	}
	return false;
}

/* Child tables named deeper (longer) first: a table's name extends its parent's. */
static int by_name_length_desc(const void *a, const void *b)
{
	size_t la = strlen((*(const ll_catalog_table *const *)a)->name);
	size_t lb = strlen((*(const ll_catalog_table *const *)b)->name);
	return la < lb ? 1 : la > lb ? -1 : 0;
}

/*
 * Grows ids (the removed rows) by the rows of child tables without a root
 * key whose parent is removed, until no level adds any.
 */
static ll_status collect_descendants(const ll_lake_options *opt, lake_table *lt,
				     ll_catalog_table **kids, size_t nkids, id_collector *ids,
				     ll_error *err)
{
	descendant_collector d = { .ids = ids, .added = 1 };
	ll_buf sql = LL_BUF_INIT;
	ll_status st = LL_OK;
	while (d.added > 0 && st == LL_OK) {
		d.added = 0;
		for (size_t i = 0; i < nkids && st == LL_OK; i++) {
			if (has_column(kids[i], "_dlt_root_id"))
				continue;
			ll_buf_clear(&sql);
			ll_buf_printf(&sql, "SELECT \"_dlt_id\", \"_dlt_parent_id\" FROM \"%s\".\"%s\"",
				      lt->dataset, kids[i]->name);
			st = ll_buf_oom(&sql) ? ll_error_oom(err)
					      : ll_lake_query_opts(opt, ll_buf_cstr(&sql), collect_descendant, &d,
								   err);
			if (st == LL_OK && ids->oom)
				st = ll_error_oom(err);
		}
	}
	ll_buf_free(&sql);
	return st;
}

/*
 * Removes the descendants of the removed rows in ids (which grows by the
 * removed child rows): by _dlt_root_id where a table has it, else by
 * _dlt_parent_id. The removed rows' ids are all distinct, so one set serves.
 */
static ll_status delete_children(const ll_lake_options *opt, lake_table *lt, id_collector *ids,
				 const char *scratch, ll_delete_info *info, ll_error *err)
{
	ll_catalog_table *tables;
	size_t n;
	ll_status st = ll_catalog_list_tables(lt->catalog, lt->dataset, &tables, &n, err);
	if (st != LL_OK)
		return st;
	ll_catalog_table **kids = calloc(n + 1, sizeof(*kids));
	size_t nkids = 0, len = strlen(lt->name);
	for (size_t i = 0; i < n && kids; i++) {
		const char *t = tables[i].name;
		if (tables[i].format == LL_FORMAT_ICEBERG && strncmp(t, lt->name, len) == 0 &&
		    strncmp(t + len, "__", 2) == 0)
			kids[nkids++] = &tables[i];
	}
	st = kids ? LL_OK : ll_error_oom(err);
	if (st == LL_OK) {
		qsort(kids, nkids, sizeof(*kids), by_name_length_desc);
		st = collect_descendants(opt, lt, kids, nkids, ids, err);
	}
	for (size_t i = 0; i < nkids && st == LL_OK; i++) {
		bool root_key = has_column(kids[i], "_dlt_root_id");
		uint64_t rows = 0;
		st = delete_matching(lt->catalog, lt->storage, lt->dataset, kids[i]->name,
				     root_key ? "_dlt_root_id" : "_dlt_parent_id", &ids->ids, scratch, &rows, err);
		info->child_rows += rows;
		info->tables += rows > 0;
	}
	free(kids);
	ll_catalog_tables_free(tables, n);
	return st;
}

ll_status ll_lake_delete(const ll_lake_options *opt, const char *table, const char *where,
			 ll_delete_info *info, ll_error *err)
{
	memset(info, 0, sizeof(*info));
	lake_table lt;
	ll_status st = lake_table_open(&lt, opt, table, err);
	if (st != LL_OK)
		return st;
	id_collector ids = { 0 };
	ll_keyset_init(&ids.ids);
	ll_buf sql = LL_BUF_INIT;
	ll_buf_printf(&sql, "SELECT \"_dlt_id\" FROM \"%s\".\"%s\" WHERE (%s)", lt.dataset, lt.name, where);
	char scratch[4096];
	st = ll_fs_make_temp_dir(scratch, sizeof(scratch), "lakeload-delete-", err);
	bool made = st == LL_OK;
	/* the rows are found by the embedded engine, whatever the destination: the commit is lakeload's own */
	ll_lake_options local_engine = *opt;
	local_engine.embedded_engine = true;
	if (st == LL_OK)
		st = ll_lake_query_opts(&local_engine, ll_buf_cstr(&sql), collect_id, &ids, err);
	if (st == LL_OK && ids.oom)
		st = ll_error_oom(err);
	if (st == LL_OK && ids.ids.count > 0)
		st = delete_children(opt, &lt, &ids, scratch, info, err);
	uint64_t rows = 0;
	if (st == LL_OK && ids.ids.count > 0)
		st = delete_matching(lt.catalog, lt.storage, lt.dataset, lt.name, "_dlt_id", &ids.ids,
				     scratch, &rows, err);
	info->rows = rows;
	info->tables += rows > 0;
	ll_error rm_err;
	if (made)
		ll_fs_remove_tree(scratch, &rm_err);
	ll_keyset_free(&ids.ids);
	ll_buf_free(&ids.key);
	ll_buf_free(&sql);
	lake_table_close(&lt);
	if (st != LL_OK)
		ll_error_prefix(err, "deleting from %s", table);
	return st;
}

/* ------------------------------------------------------------------ vacuum */

typedef struct expiry {
	int64_t cutoff_ms;
	size_t retain_last;
	const ll_keyset *finished; /* load ids of _dlt_loads (ll_keyset_encode_value of the text) */
	ll_buf key;
	size_t expired;
	size_t old_log;  /* metadata-log entries older than the cutoff */
} expiry;

/*
 * Whether a snapshot may go: one a load wrote is what tells a rerun of
 * that load that the table has it, so it stays until the load is in
 * _dlt_loads (an interrupted load's package may be run again any time).
 */
static bool load_finished(expiry *e, const ll_iceberg_snapshot *s)
{
	const char *id = ll_iceberg_snapshot_load_id(s);
	if (!id)
		return true;
	ll_value v = { .s = id, .len = strlen(id) };
	ll_buf_clear(&e->key);
	ll_keyset_encode_value(&v, &e->key);
	return !ll_buf_oom(&e->key) && ll_keyset_find(e->finished, e->key.data, e->key.len);
}

/*
 * Expires the snapshots older than the cutoff but the last retain_last, the
 * current one and those of loads that did not finish.
 */
static ll_status prepare_expiry(void *ctx, const ll_iceberg_base *base, ll_arena *arena,
				ll_iceberg_change *out, ll_error *err)
{
	expiry *e = ctx;
	const ll_iceberg_metadata *md = base->table->md;
	size_t n = md ? md->nsnapshots : 0;
	int64_t *ids = ll_arena_alloc(arena, (n + 1) * sizeof(*ids));
	if (!ids)
		return ll_error_oom(err);
	out->nexpire = 0;
	for (size_t i = 0; i + e->retain_last < n; i++) {
		const ll_iceberg_snapshot *s = &md->snapshots[i];
		if (s->timestamp_ms < e->cutoff_ms && s->snapshot_id != md->current_snapshot_id &&
		    load_finished(e, s))
			ids[out->nexpire++] = s->snapshot_id;
	}
	out->expire = ids;
	out->log_after_ms = e->cutoff_ms;
	e->expired = out->nexpire;
	e->old_log = 0;
	for (size_t i = 0; md && i < md->nmetadata_log; i++)
		e->old_log += md->metadata_log[i].timestamp_ms < e->cutoff_ms;
	return LL_OK;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The files a table's metadata still reaches: every retained snapshot's, and the metadata log. */
typedef struct reachable {
	const char **files;
	size_t n, cap;
	ll_arena arena;
} reachable;

static ll_status reach(reachable *r, const char *file, ll_error *err)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		const char **grown = realloc(r->files, r->cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		r->files = grown;
	}
	r->files[r->n++] = file;
	return LL_OK;
}

static ll_status reach_snapshot(reachable *r, ll_storage *storage, const ll_iceberg_metadata *md,
				const ll_iceberg_snapshot *s, ll_error *err)
{
	ll_iceberg_manifest_file *manifests = NULL;
	size_t nmanifests = 0;
	ll_buf bytes = LL_BUF_INIT;
	ll_status st = reach(r, s->manifest_list, err);
	if (st == LL_OK)
		st = ll_storage_get(storage, s->manifest_list, &bytes, err);
	if (st == LL_OK)
		st = ll_iceberg_manifest_list_read(bytes.data, bytes.len, s->manifest_list, &r->arena,
						   &manifests, &nmanifests, err);
	for (size_t i = 0; st == LL_OK && i < nmanifests; i++) {
		const ll_iceberg_manifest_file *m = &manifests[i];
		ll_iceberg_manifest_entry *entries = NULL;
		size_t n = 0;
		ll_buf_clear(&bytes);
		st = reach(r, m->manifest_path, err);
		if (st == LL_OK)
			st = ll_storage_get(storage, m->manifest_path, &bytes, err);
		if (st == LL_OK)
			st = ll_iceberg_manifest_read(bytes.data, bytes.len, m->manifest_path, m,
						      ll_iceberg_metadata_spec(md, m->partition_spec_id),
						      ll_iceberg_metadata_current_schema(md), &r->arena,
						      &entries, &n, err);
		for (size_t j = 0; st == LL_OK && j < n; j++)
			st = reach(r, entries[j].file.file_path, err);
	}
	ll_buf_free(&bytes);
	return st;
}

static ll_status reach_table(reachable *r, ll_storage *storage, const ll_iceberg_table *t,
			     ll_error *err)
{
	const ll_iceberg_metadata *md = t->md;
	ll_status st = reach(r, t->metadata_location, err);
	for (size_t i = 0; st == LL_OK && i < md->nmetadata_log; i++)
		st = reach(r, md->metadata_log[i].metadata_file, err);
	for (size_t i = 0; st == LL_OK && i < md->nsnapshots; i++)
		if (md->snapshots[i].manifest_list)
			st = reach_snapshot(r, storage, md, &md->snapshots[i], err);
	if (st == LL_OK)
		qsort(r->files, r->n, sizeof(*r->files), by_string);
	return st;
}

/*
 * Deletes the files under the table's metadata/ and data/ nothing reaches,
 * last written before the cutoff. The age is what the listing says (the
 * local mtime, S3's LastModified); an S3 object whose age cannot be read
 * lists as written now, so it is kept.
 */
static ll_status remove_unreached(lake_table *lt, const reachable *r, int64_t cutoff_ms,
				  ll_vacuum_info *info, ll_error *err)
{
	ll_buf prefix = LL_BUF_INIT, where = LL_BUF_INIT;
	ll_buf_printf(&prefix, "%s/%s/", lt->dataset, lt->name);
	ll_storage_entry *entries = NULL;
	size_t n = 0, ngone = 0;
	ll_status st = ll_storage_list_entries(lt->storage, ll_buf_cstr(&prefix), &entries, &n, err);
	const char **gone = st == LL_OK ? calloc(n + 1, sizeof(*gone)) : NULL;
	if (st == LL_OK && !gone)
		st = ll_error_oom(err);
	for (size_t i = 0; st == LL_OK && i < n; i++) {
		const char *rest = entries[i].key + prefix.len;
		if (strncmp(rest, "metadata/", 9) != 0 && strncmp(rest, "data/", 5) != 0)
			continue;
		ll_buf_clear(&where);
		ll_storage_location(lt->storage, entries[i].key, &where);
		const char *loc = ll_buf_cstr(&where);
		if (bsearch(&loc, r->files, r->n, sizeof(*r->files), by_string))
			continue;
		if (entries[i].modified_ms < cutoff_ms)
			gone[ngone++] = entries[i].key;
		else
			info->kept_young++;
	}
	if (st == LL_OK && ngone)
		st = ll_storage_delete(lt->storage, gone, ngone, err);
	if (st == LL_OK)
		info->files_removed = ngone;
	free(gone);
	ll_storage_free_entries(entries, n);
	ll_buf_free(&prefix);
	ll_buf_free(&where);
	return st;
}

/* The load ids of the dataset's _dlt_loads, by the embedded engine; none without the table. */
static ll_status finished_loads(const ll_lake_options *opt, lake_table *lt, id_collector *ids,
				ll_error *err)
{
	ll_catalog_table *tables = NULL;
	size_t n = 0;
	bool has = false;
	ll_status st = ll_catalog_list_tables(lt->catalog, lt->dataset, &tables, &n, err);
	for (size_t i = 0; st == LL_OK && i < n; i++)
		has = has || strcmp(tables[i].name, LL_DLT_LOADS_TABLE) == 0;
	if (st == LL_OK)
		ll_catalog_tables_free(tables, n);
	if (st != LL_OK || !has)
		return st;
	ll_buf sql = LL_BUF_INIT;
	ll_buf_printf(&sql, "SELECT load_id FROM \"%s\".\"%s\"", lt->dataset, LL_DLT_LOADS_TABLE);
	ll_lake_options local_engine = *opt;
	local_engine.embedded_engine = true;
	st = ll_buf_oom(&sql) ? ll_error_oom(err)
			       : ll_lake_query_opts(&local_engine, ll_buf_cstr(&sql), collect_id, ids, err);
	if (st == LL_OK && ids->oom)
		st = ll_error_oom(err);
	ll_buf_free(&sql);
	return st;
}

ll_status ll_lake_vacuum(const ll_lake_options *opt, const char *table, int64_t older_than_ms,
			 size_t retain_last, ll_vacuum_info *info, ll_error *err)
{
	memset(info, 0, sizeof(*info));
	lake_table lt;
	ll_status st = lake_table_open(&lt, opt, table, err);
	if (st != LL_OK)
		return st;
	id_collector finished = { 0 };
	ll_keyset_init(&finished.ids);
	expiry e = { ll_time_now_micros() / 1000 - older_than_ms, retain_last ? retain_last : 1,
		     &finished.ids, LL_BUF_INIT, 0, 0 };
	ll_table shape = { 0 };
	st = finished_loads(opt, &lt, &finished, err);
	if (st == LL_OK)
		st = ll_iceberg_table_shape(lt.table.md, lt.name, &shape, err);
	ll_iceberg_commit_target target = { .catalog = lt.catalog, .storage = lt.storage,
					    .dataset = lt.dataset, .table = &shape };
	ll_iceberg_commit_result res;
	if (st == LL_OK)
		st = ll_iceberg_plan(&target, prepare_expiry, &e, err);
	/* nothing to expire: no new metadata, so a second vacuum changes nothing */
	if (st == LL_OK && (e.expired || e.old_log))
		st = ll_iceberg_commit(&target, prepare_expiry, &e, &res, err);
	free(shape.columns);
	info->snapshots_expired = e.expired;
	char *now = NULL;
	ll_iceberg_table after = { 0 };
	reachable r = { 0 };
	ll_arena_init(&r.arena, 0);
	/* files go only once the commit is published: a failed commit leaves everything */
	if (st == LL_OK)
		st = ll_catalog_iceberg_location(lt.catalog, lt.dataset, lt.name, &now, err);
	if (st == LL_OK)
		st = ll_iceberg_table_load(&after, lt.storage, now, err);
	if (st == LL_OK)
		st = reach_table(&r, lt.storage, &after, err);
	if (st == LL_OK)
		st = remove_unreached(&lt, &r, e.cutoff_ms, info, err);
	free(r.files);
	ll_arena_free(&r.arena);
	ll_iceberg_table_release(&after);
	free(now);
	ll_keyset_free(&finished.ids);
	ll_buf_free(&finished.key);
	ll_buf_free(&e.key);
	lake_table_close(&lt);
	return st;
}
