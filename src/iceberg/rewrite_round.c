/*
 * A rewrite round: planning, picking, writing, checking; see
 * rewrite_internal.h.
 */
#include "iceberg/rewrite_internal.h"

#include <stdlib.h>
#include <string.h>

#include "iceberg/partition_split.h"
#include "iceberg/plan.h"
#include "iceberg/rows.h"
#include "iceberg/scan.h"

struct ll_rewrite_round {
	ll_rewrite_setup setup;
	ll_iceberg_plan plan;
	bool *picked;                      /* per plan file */
	bool *dropped;                     /* per plan delete file */
	const char **remove;
	size_t nremove;
	ll_iceberg_data_file *written;
	size_t nwritten;
	bool conflict;                     /* a concurrent commit changed what was rewritten */
	ll_arena arena;
};

typedef struct ll_rewrite_round rewrite;

/* ------------------------------------------------------------------ choosing */

static uint64_t target_bytes(const rewrite *rw)
{
	uint64_t t = rw->setup.opt->target_file_bytes;
	return t ? t : LL_ICEBERG_TARGET_FILE_BYTES;
}

typedef struct match_scan {
	const ll_keyset *set;
	const uint64_t *deleted;
	size_t ndeleted, next;
	bool found;
	ll_buf key;
} match_scan;

static ll_status match_row(void *user, uint64_t pos, const ll_value *const *v, ll_error *err)
{
	match_scan *m = user;
	while (m->next < m->ndeleted && m->deleted[m->next] < pos)
		m->next++;
	if (m->found || (m->next < m->ndeleted && m->deleted[m->next] == pos))
		return LL_OK;
	ll_buf_clear(&m->key);
	ll_keyset_encode_value(v[0], &m->key);
	if (ll_buf_oom(&m->key))
		return ll_error_oom(err);
	m->found = ll_keyset_find(m->set, m->key.data, m->key.len) != NULL;
	return LL_OK;
}

/* Whether planned file i holds a live row whose match column is in the match set. */
static ll_status file_matches(rewrite *rw, size_t i, int32_t field_id, bool *matches, ll_error *err)
{
	const ll_iceberg_scan_file *f = &rw->plan.files[i];
	match_scan m = { .set = rw->setup.opt->match, .deleted = f->deleted, .ndeleted = f->ndeleted,
			 .key = LL_BUF_INIT };
	ll_status st = ll_iceberg_read_rows(rw->setup.storage, f->location, &field_id, 1, match_row,
					    &m, err);
	ll_buf_free(&m.key);
	*matches = m.found;
	return st;
}

static bool same_partition(const rewrite *rw, const ll_iceberg_scan_file *a,
			   const ll_iceberg_scan_file *b)
{
	const ll_iceberg_metadata *md = rw->plan.table.md;
	return a->spec_id == b->spec_id && a->file->npartition == b->file->npartition &&
	       ll_iceberg_partitions_equal(ll_iceberg_metadata_spec(md, a->spec_id),
					   ll_iceberg_metadata_current_schema(md), a->file->partition,
					   b->file->partition, a->file->npartition);
}

/* Leaves alone a file without deletes that would be rewritten alone in its partition. */
static void drop_lone_files(rewrite *rw)
{
	const ll_iceberg_plan *p = &rw->plan;
	for (size_t i = 0; i < p->nfiles; i++) {
		if (!rw->picked[i] || p->files[i].ndeleted > 0)
			continue;
		bool company = false;
		for (size_t j = 0; j < p->nfiles && !company; j++)
			company = j != i && rw->picked[j] && same_partition(rw, &p->files[i], &p->files[j]);
		rw->picked[i] = company;
	}
}

/* Picks the data files to rewrite (rw->picked). */
static ll_status pick_files(rewrite *rw, ll_error *err)
{
	ll_iceberg_plan *p = &rw->plan;
	const ll_iceberg_metadata *md = p->table.md;
	int32_t match_id = 0;
	if (rw->setup.opt->match) {
		const ll_iceberg_field *f = ll_iceberg_schema_find_column(
			ll_iceberg_metadata_current_schema(md), rw->setup.opt->match_column);
		if (!f) {
			ll_error_set_table(err, rw->setup.table->name, rw->setup.opt->match_column);
			return ll_error_set(err, LL_ESCHEMA, "Iceberg table %s.%s has no column %s",
					    rw->setup.dataset, rw->setup.table->name,
					    rw->setup.opt->match_column);
		}
		match_id = f->id;
	}
	ll_status st = LL_OK;
	for (size_t i = 0; i < p->nfiles && st == LL_OK; i++) {
		const uint64_t *pos;
		size_t n;
		if (p->files[i].spec_id != md->default_spec_id)
			continue;
		st = ll_iceberg_plan_file_deletes(p, i, &pos, &n, err);
		bool small = (uint64_t)p->files[i].file->file_size_in_bytes < target_bytes(rw);
		rw->picked[i] = st == LL_OK && (n > 0 || (small && !rw->setup.opt->only_with_deletes));
		if (st == LL_OK && rw->picked[i] && rw->setup.opt->match)
			st = file_matches(rw, i, match_id, &rw->picked[i], err);
	}
	if (st == LL_OK)
		drop_lone_files(rw);
	return st;
}

/* Marks the delete files no data file that stays can be touched by (rw->dropped). */
static void pick_deletes(rewrite *rw)
{
	const ll_iceberg_plan *p = &rw->plan;
	for (size_t k = 0; k < p->ndeletes; k++) {
		bool applies = false;
		for (size_t i = 0; i < p->nfiles && !applies; i++)
			applies = !rw->picked[i] && ll_iceberg_plan_delete_may_apply(&p->deletes[k], &p->files[i]);
		rw->dropped[k] = !applies;
	}
}

/* ------------------------------------------------------------------ writing */

/* Writes the live rows of the picked files into new files; lists what goes. */
ll_status ll_rewrite_round_write(ll_rewrite_round *rw, ll_error *err)
{
	const ll_iceberg_plan *p = &rw->plan;
	const ll_iceberg_metadata *md = p->table.md;
	ll_partition_input *in = ll_arena_alloc(&rw->arena, (p->nfiles + 1) * sizeof(*in));
	rw->remove = ll_arena_alloc(&rw->arena, (p->nfiles + p->ndeletes + 1) * sizeof(*rw->remove));
	if (!in || !rw->remove)
		return ll_error_oom(err);
	size_t n = 0;
	for (size_t i = 0; i < p->nfiles; i++) {
		const ll_iceberg_scan_file *f = &p->files[i];
		if (!rw->picked[i])
			continue;
		in[n++] = (ll_partition_input){ .location = f->location, .deleted = f->deleted,
						.ndeleted = f->ndeleted, .record_count = f->record_count,
						.file_size = f->file->file_size_in_bytes };
		rw->remove[rw->nremove++] = f->location;
	}
	for (size_t k = 0; k < p->ndeletes; k++)
		if (rw->dropped[k])
			rw->remove[rw->nremove++] = p->deletes[k].file->file_path;
	ll_partition_split ps = { rw->setup.storage, rw->setup.table,
				  ll_iceberg_metadata_current_schema(md),
				  ll_iceberg_metadata_default_spec(md), md->location,
				  rw->setup.opt->scratch_dir, rw->setup.name };
	return ll_partition_split_rewrite(&ps, in, n, target_bytes(rw), &rw->arena, &rw->written,
					  &rw->nwritten, err);
}

/* ------------------------------------------------------------------ checking */

static bool same_positions(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

static ll_status concurrent_change(rewrite *rw, const ll_iceberg_plan *now, const char *file,
				   const char *what, ll_error *err)
{
	rw->conflict = true;
	return ll_error_set(err, LL_ETERMINAL, "Iceberg table %s.%s: a commit made while the files "
			    "were rewritten (now snapshot %lld) %s %s", rw->setup.dataset,
			    rw->setup.table->name, (long long)now->table.md->current_snapshot_id,
			    what, file);
}

ll_status ll_rewrite_round_check(ll_rewrite_round *rw, const char *location, ll_error *err)
{
	ll_iceberg_plan now;
	ll_status st = ll_iceberg_plan_scan(rw->setup.storage, location, LL_ICEBERG_NO_SNAPSHOT, &now,
					    err);
	if (st != LL_OK)
		return st;
	ll_keyset live;
	ll_keyset_init(&live);
	for (size_t j = 0; j < now.nfiles && st == LL_OK; j++) {
		ll_keyset_slot *slot;
		bool added;
		if (!ll_keyset_put(&live, now.files[j].location, strlen(now.files[j].location), j,
				   &slot, &added))
			st = ll_error_oom(err);
	}
	for (size_t i = 0; i < rw->plan.nfiles && st == LL_OK; i++) {
		const ll_iceberg_scan_file *f = &rw->plan.files[i];
		if (!rw->picked[i])
			continue;
		ll_keyset_slot *slot = ll_keyset_find(&live, f->location, strlen(f->location));
		const uint64_t *pos;
		size_t n;
		if (!slot) {
			st = concurrent_change(rw, &now, f->location, "removed data file", err);
			break;
		}
		st = ll_iceberg_plan_file_deletes(&now, (size_t)slot->value, &pos, &n, err);
		if (st == LL_OK && !same_positions(f->deleted, f->ndeleted, pos, n))
			st = concurrent_change(rw, &now, f->location, "deleted rows of data file", err);
	}
	for (size_t k = 0; k < rw->plan.ndeletes && st == LL_OK; k++) {
		const char *path = rw->plan.deletes[k].file->file_path;
		bool still = !rw->dropped[k];
		for (size_t j = 0; j < now.ndeletes && !still; j++)
			still = strcmp(now.deletes[j].file->file_path, path) == 0;
		if (!still)
			st = concurrent_change(rw, &now, path, "removed delete file", err);
	}
	ll_keyset_free(&live);
	ll_iceberg_plan_free(&now);
	return st;
}

/* ------------------------------------------------------------------ the round */

ll_status ll_rewrite_round_plan(ll_rewrite_round **out, const ll_rewrite_setup *setup,
				const char *location, ll_error *err)
{
	rewrite *rw = calloc(1, sizeof(*rw));
	*out = rw;
	if (!rw)
		return ll_error_oom(err);
	rw->setup = *setup;
	ll_arena_init(&rw->arena, 0);
	ll_status st = ll_iceberg_plan_scan(setup->storage, location, LL_ICEBERG_NO_SNAPSHOT,
					    &rw->plan, err);
	if (st != LL_OK)
		return st;
	rw->picked = calloc(rw->plan.nfiles + 1, sizeof(*rw->picked));
	rw->dropped = calloc(rw->plan.ndeletes + 1, sizeof(*rw->dropped));
	if (!rw->picked || !rw->dropped)
		return ll_error_oom(err);
	st = pick_files(rw, err);
	if (st == LL_OK)
		pick_deletes(rw);
	return st;
}

int64_t ll_rewrite_round_snapshot(const ll_rewrite_round *rw, size_t *picked, size_t *dropped)
{
	*picked = *dropped = 0;
	for (size_t i = 0; i < rw->plan.nfiles; i++)
		*picked += rw->picked[i];
	for (size_t k = 0; k < rw->plan.ndeletes; k++)
		*dropped += rw->dropped[k];
	return rw->plan.table.md ? rw->plan.table.md->current_snapshot_id : LL_ICEBERG_NO_SNAPSHOT;
}

void ll_rewrite_round_change(const ll_rewrite_round *rw, const ll_iceberg_data_file **data,
			     size_t *ndata, const char *const **remove, size_t *nremove)
{
	*data = rw->written;
	*ndata = rw->nwritten;
	*remove = rw->remove;
	*nremove = rw->nremove;
}

bool ll_rewrite_round_conflict(const ll_rewrite_round *rw)
{
	return rw->conflict;
}

void ll_rewrite_round_free(ll_rewrite_round *rw)
{
	if (!rw)
		return;
	ll_iceberg_plan_free(&rw->plan);
	free(rw->picked);
	free(rw->dropped);
	ll_arena_free(&rw->arena);
	free(rw);
}
