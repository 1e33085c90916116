/*
 * Scan planning with delete files; see plan.h.
 */
#include "iceberg/plan.h"

#include <stdlib.h>
#include <string.h>

#include "iceberg/deletes.h"
#include "iceberg/keyset.h"
#include "iceberg/rows.h"
#include "util/parallel.h"

#define FIELD_FILE_PATH 2147483546
#define FIELD_POS 2147483545

typedef struct planner {
	ll_iceberg_plan *plan;
	ll_storage *storage;
	const ll_iceberg_filter *filters;
	size_t nfilters;
	size_t deletes_cap;
	size_t files_cap;
	ll_keyset by_path;                 /* data file location -> index */
	ll_iceberg_positions *pos;         /* per data file, collected before sorting */
} planner;

static ll_status add_data_file(planner *pl, const ll_iceberg_manifest_entry *e, int32_t spec_id,
			       ll_error *err)
{
	ll_iceberg_plan *p = pl->plan;
	if (p->nfiles == pl->files_cap) {
		size_t cap = pl->files_cap ? pl->files_cap * 2 : 64;
		ll_iceberg_scan_file *grown = realloc(p->files, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		p->files = grown;
		pl->files_cap = cap;
	}
	p->files[p->nfiles] = (ll_iceberg_scan_file){ .location = e->file.file_path,
						      .record_count = e->file.record_count,
						      .sequence_number = e->sequence_number,
						      .file = &e->file, .spec_id = spec_id };
	ll_keyset_slot *slot;
	bool added;
	if (!ll_keyset_put(&pl->by_path, e->file.file_path, strlen(e->file.file_path), p->nfiles,
			   &slot, &added))
		return ll_error_oom(err);
	p->nfiles++;
	return LL_OK;
}

static ll_status add_delete_file(planner *pl, const ll_iceberg_manifest_entry *e, int32_t spec_id,
				 ll_error *err)
{
	if (pl->plan->ndeletes == pl->deletes_cap) {
		size_t cap = pl->deletes_cap ? pl->deletes_cap * 2 : 16;
		ll_iceberg_plan_delete *grown = realloc(pl->plan->deletes, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		pl->plan->deletes = grown;
		pl->deletes_cap = cap;
	}
	pl->plan->deletes[pl->plan->ndeletes++] =
		(ll_iceberg_plan_delete){ &e->file, e->sequence_number, spec_id };
	return LL_OK;
}

/*
 * Manifests fetched at once from an object store, where each GET costs a
 * round trip; a local read costs less than starting a thread.
 */
#define PARALLEL_FETCHES 8

typedef struct fetch {
	ll_storage *storage;
	const char *location;
	ll_buf bytes;
	ll_status st;
	ll_error err;
} fetch;

static void fetch_piece(void *ctx, size_t i, size_t thread)
{
	(void)thread;
	fetch *f = (fetch *)ctx + i;
	f->st = ll_storage_get(f->storage, f->location, &f->bytes, &f->err);
}

/* Fetches f[0..n), at once for remote storage; the first failure in order wins. */
static ll_status fetch_all(fetch *f, size_t n, ll_error *err)
{
	bool remote = n > 1 && !ll_storage_is_local(f[0].storage);
	ll_parallel(n, remote ? n : 1, "lakeload-fetch", fetch_piece, f);
	for (size_t i = 0; i < n; i++) {
		if (f[i].st != LL_OK) {
			*err = f[i].err;
			return f[i].st;
		}
	}
	return LL_OK;
}

/* Adds a manifest's live entries: data files the filters admit, and delete files. */
static ll_status add_manifest_entries(planner *pl, const ll_iceberg_manifest_file *m,
				      const ll_iceberg_partition_spec *spec, const ll_buf *bytes,
				      ll_error *err)
{
	ll_iceberg_plan *p = pl->plan;
	ll_iceberg_manifest_entry *entries = NULL;
	size_t ne = 0;
	ll_status st = ll_iceberg_manifest_read(bytes->data, bytes->len, m->manifest_path, m, spec,
						ll_iceberg_metadata_current_schema(p->table.md),
						&p->arena, &entries, &ne, err);
	for (size_t k = 0; k < ne && st == LL_OK; k++) {
		if (entries[k].status == LL_ICEBERG_ENTRY_DELETED)
			continue;
		if (entries[k].file.content == LL_ICEBERG_CONTENT_DATA &&
		    !ll_iceberg_data_file_may_match(&entries[k].file, spec, p->schema, pl->filters,
						    pl->nfilters)) {
			p->files_skipped++;
			continue;
		}
		st = entries[k].file.content == LL_ICEBERG_CONTENT_DATA
			     ? add_data_file(pl, &entries[k], spec->spec_id, err)
			     : add_delete_file(pl, &entries[k], spec->spec_id, err);
	}
	return st;
}

/*
 * The spec of manifest m, or NULL (and *skip) when the filters rule out
 * every data file in it; fails when the table has no such spec.
 */
static ll_status manifest_spec(planner *pl, const ll_iceberg_manifest_file *m,
			       const ll_iceberg_partition_spec **spec, bool *skip, ll_error *err)
{
	ll_iceberg_plan *p = pl->plan;
	*spec = ll_iceberg_metadata_spec(p->table.md, m->partition_spec_id);
	if (!*spec)
		return ll_error_set(err, LL_EFORMAT, "manifest %s names partition spec %d, which the "
				    "table metadata %s does not have", m->manifest_path,
				    (int)m->partition_spec_id, p->table.metadata_location);
	*skip = m->content == LL_ICEBERG_CONTENT_DATA &&
		!ll_iceberg_manifest_may_match(m, *spec, p->schema, pl->filters, pl->nfilters);
	p->manifests_skipped += *skip;
	return LL_OK;
}

/*
 * Reads the manifests of the snapshot: live data files and delete files.
 * They are fetched PARALLEL_FETCHES at a time and read in list order.
 */
static ll_status read_manifests(planner *pl, const ll_iceberg_snapshot *snap, ll_error *err)
{
	ll_iceberg_plan *p = pl->plan;
	ll_buf bytes = LL_BUF_INIT;
	ll_iceberg_manifest_file *list = NULL;
	size_t n = 0;
	ll_status st = ll_storage_get(pl->storage, snap->manifest_list, &bytes, err);
	if (st == LL_OK)
		st = ll_iceberg_manifest_list_read(bytes.data, bytes.len, snap->manifest_list, &p->arena,
						   &list, &n, err);
	ll_buf_free(&bytes);
	fetch batch[PARALLEL_FETCHES];
	const ll_iceberg_manifest_file *manifests[PARALLEL_FETCHES];
	const ll_iceberg_partition_spec *specs[PARALLEL_FETCHES];
	for (size_t i = 0; i < n && st == LL_OK;) {
		size_t nb = 0;
		for (; i < n && nb < PARALLEL_FETCHES && st == LL_OK; i++) {
			bool skip = false;
			st = manifest_spec(pl, &list[i], &specs[nb], &skip, err);
			if (st != LL_OK || skip)
				continue;
			manifests[nb] = &list[i];
			batch[nb++] = (fetch){ .storage = pl->storage,
					       .location = list[i].manifest_path,
					       .bytes = LL_BUF_INIT };
		}
		if (st == LL_OK)
			st = fetch_all(batch, nb, err);
		for (size_t k = 0; k < nb && st == LL_OK; k++)
			st = add_manifest_entries(pl, manifests[k], specs[k], &batch[k].bytes, err);
		for (size_t k = 0; k < nb; k++)
			ll_buf_free(&batch[k].bytes);
	}
	return st;
}

static ll_status add_position(planner *pl, size_t file, uint64_t pos, ll_error *err)
{
	return ll_iceberg_positions_push(&pl->pos[file], pos) ? LL_OK : ll_error_oom(err);
}

typedef struct position_ctx {
	planner *pl;
	int64_t sequence_number;
} position_ctx;

static ll_status position_row(void *user, uint64_t pos, const ll_value *const *v, ll_error *err)
{
	(void)pos;
	position_ctx *c = user;
	if (v[0]->is_null || !v[0]->s || v[1]->is_null)
		return LL_OK;
	ll_keyset_slot *slot = ll_keyset_find(&c->pl->by_path, v[0]->s, v[0]->len);
	if (!slot)
		return LL_OK;
	const ll_iceberg_scan_file *f = &c->pl->plan->files[slot->value];
	if (f->sequence_number > c->sequence_number || v[1]->i < 0)
		return LL_OK;
	return add_position(c->pl, (size_t)slot->value, (uint64_t)v[1]->i, err);
}

static int compare_bytes(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;
	return c ? c : (alen > blen) - (alen < blen);
}

/* Whether a position delete file's file_path bounds (when it has them) admit path. */
static bool path_in_bounds(const ll_iceberg_data_file *del, const char *path)
{
	size_t len = strlen(path);
	for (size_t i = 0; i < del->nstats; i++) {
		const ll_iceberg_column_stats *st = &del->stats[i];
		if (st->field_id != FIELD_FILE_PATH)
			continue;
		return (!st->lower || compare_bytes(st->lower, st->lower_len, path, len) <= 0) &&
		       (!st->upper || compare_bytes(st->upper, st->upper_len, path, len) >= 0);
	}
	return true;
}

/*
 * Whether a position delete file may remove rows of some planned data file,
 * judged from the manifests alone, so a delete file for files a filter left
 * out, or older than every file it names, is never read.
 */
static bool position_delete_may_apply(const planner *pl, const ll_iceberg_plan_delete *d)
{
	for (size_t i = 0; i < pl->plan->nfiles; i++)
		if (ll_iceberg_plan_delete_may_apply(d, &pl->plan->files[i]))
			return true;
	return false;
}

bool ll_iceberg_plan_delete_may_apply(const ll_iceberg_plan_delete *d, const ll_iceberg_scan_file *f)
{
	if (d->file->content == LL_ICEBERG_CONTENT_EQUALITY_DELETES)
		return f->sequence_number < d->sequence_number;
	return f->sequence_number <= d->sequence_number && path_in_bounds(d->file, f->location);
}

/*
 * Reads the position delete files that apply; hands the equality delete
 * files to the plan, which resolves them per data file when it is read
 * (ll_iceberg_plan_file_deletes), and marks the files they touch.
 */
static ll_status apply_deletes(planner *pl, ll_error *err)
{
	ll_iceberg_plan *p = pl->plan;
	pl->pos = calloc(p->nfiles + 1, sizeof(*pl->pos));
	p->equality = ll_iceberg_equality_deletes_new(pl->storage, p->table.md);
	if (!pl->pos || !p->equality)
		return ll_error_oom(err);
	ll_status st = LL_OK;
	static const int32_t position_ids[] = { FIELD_FILE_PATH, FIELD_POS };
	for (size_t i = 0; i < pl->plan->ndeletes && st == LL_OK; i++) {
		const ll_iceberg_plan_delete *d = &pl->plan->deletes[i];
		if (d->file->content == LL_ICEBERG_CONTENT_POSITION_DELETES) {
			if (!position_delete_may_apply(pl, d)) {
				p->deletes_skipped++;
				continue;
			}
			position_ctx c = { pl, d->sequence_number };
			st = ll_iceberg_read_rows(pl->storage, d->file->file_path, position_ids, 2, position_row, &c, err);
		} else {
			st = ll_iceberg_equality_deletes_add(p->equality, d->file, d->sequence_number,
							     d->spec_id, err);
		}
	}
	for (size_t i = 0; i < p->nfiles && st == LL_OK; i++) {
		ll_iceberg_scan_file *f = &p->files[i];
		f->equality_pending = ll_iceberg_equality_deletes_touch(p->equality, f->file,
									f->sequence_number, f->spec_id);
	}
	return st;
}

/* Sorts and deduplicates each file's positions into the plan's arena. */
static ll_status finish_positions(planner *pl, ll_error *err)
{
	ll_iceberg_plan *p = pl->plan;
	p->rows = 0;
	for (size_t i = 0; i < p->nfiles; i++) {
		size_t kept = 0;
		if (pl->pos && pl->pos[i].n) {
			ll_iceberg_positions_sort_unique(&pl->pos[i]);
			kept = pl->pos[i].n;
			p->files[i].deleted = ll_arena_alloc(&p->arena, kept * sizeof(uint64_t));
			if (!p->files[i].deleted)
				return ll_error_oom(err);
			memcpy(p->files[i].deleted, pl->pos[i].v, kept * sizeof(uint64_t));
			p->files[i].ndeleted = kept;
		}
		int64_t live = p->files[i].record_count - (int64_t)kept;
		p->rows += live > 0 ? (uint64_t)live : 0;
	}
	return LL_OK;
}

static void planner_free(planner *pl)
{
	for (size_t i = 0; pl->pos && i < pl->plan->nfiles; i++)
		ll_iceberg_positions_free(&pl->pos[i]);
	free(pl->pos);
	ll_keyset_free(&pl->by_path);
}

ll_status ll_iceberg_plan_scan(ll_storage *storage, const char *location, int64_t snapshot_id,
			       ll_iceberg_plan *out, ll_error *err)
{
	return ll_iceberg_plan_scan_filtered(storage, location, snapshot_id, NULL, 0, out, err);
}

ll_status ll_iceberg_plan_scan_filtered(ll_storage *storage, const char *location,
					int64_t snapshot_id, const ll_iceberg_filter *filters,
					size_t nfilters, ll_iceberg_plan *out, ll_error *err)
{
	memset(out, 0, sizeof(*out));
	ll_arena_init(&out->arena, 0);
	planner pl = { .plan = out, .storage = storage, .filters = filters, .nfilters = nfilters };
	ll_keyset_init(&pl.by_path);
	ll_status st = ll_iceberg_table_load(&out->table, storage, location, err);
	const ll_iceberg_metadata *md = out->table.md;
	const ll_iceberg_snapshot *snap = NULL;
	if (st == LL_OK) {
		snap = snapshot_id == LL_ICEBERG_NO_SNAPSHOT ? ll_iceberg_metadata_current_snapshot(md)
							     : ll_iceberg_metadata_snapshot(md, snapshot_id);
		if (!snap && snapshot_id != LL_ICEBERG_NO_SNAPSHOT)
			st = ll_error_set(err, LL_ENOTFOUND, "table %s has no snapshot %lld", location,
					  (long long)snapshot_id);
		out->schema = snap && snap->has_schema_id && ll_iceberg_metadata_schema(md, snap->schema_id)
				      ? ll_iceberg_metadata_schema(md, snap->schema_id)
				      : md ? ll_iceberg_metadata_current_schema(md) : NULL;
		if (snapshot_id == LL_ICEBERG_NO_SNAPSHOT && md)
			out->schema = ll_iceberg_metadata_current_schema(md);
	}
	if (st == LL_OK && snap && !snap->manifest_list)
		st = ll_error_set(err, LL_EUNSUPPORTED, "table %s: snapshot %lld lists its manifests "
				  "inline (format version 1 without a manifest list)", location,
				  (long long)snap->snapshot_id);
	if (st == LL_OK && snap)
		st = read_manifests(&pl, snap, err);
	if (st == LL_OK && out->ndeletes)
		st = apply_deletes(&pl, err);
	if (st == LL_OK)
		st = finish_positions(&pl, err);
	planner_free(&pl);
	if (st != LL_OK)
		ll_iceberg_plan_free(out);
	return st;
}

ll_status ll_iceberg_plan_file_deletes(ll_iceberg_plan *p, size_t i, const uint64_t **positions,
				       size_t *n, ll_error *err)
{
	ll_iceberg_scan_file *f = &p->files[i];
	if (f->equality_pending) {
		ll_iceberg_positions all = { 0 };
		ll_status st = LL_OK;
		for (size_t k = 0; k < f->ndeleted && st == LL_OK; k++)
			if (!ll_iceberg_positions_push(&all, f->deleted[k]))
				st = ll_error_oom(err);
		if (st == LL_OK)
			st = ll_iceberg_equality_deletes_resolve(p->equality, f->file, f->sequence_number,
								 f->spec_id, &all, err);
		ll_iceberg_positions_sort_unique(&all);
		uint64_t *kept = st == LL_OK && all.n ? ll_arena_alloc(&p->arena, all.n * sizeof(uint64_t))
						      : NULL;
		if (st == LL_OK && all.n && !kept)
			st = ll_error_oom(err);
		if (st == LL_OK) {
			if (all.n)
				memcpy(kept, all.v, all.n * sizeof(uint64_t));
			f->deleted = kept;
			f->ndeleted = all.n;
			f->equality_pending = false;
		}
		ll_iceberg_positions_free(&all);
		if (st != LL_OK)
			return st;
	}
	*positions = f->deleted;
	*n = f->ndeleted;
	return LL_OK;
}

void ll_iceberg_plan_free(ll_iceberg_plan *p)
{
	ll_iceberg_equality_deletes_free(p->equality);
	free(p->files);
	free(p->deletes);
	ll_iceberg_table_release(&p->table);
	ll_arena_free(&p->arena);
	memset(p, 0, sizeof(*p));
}
