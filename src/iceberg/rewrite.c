/*
 * Compacting an Iceberg table's data files in one snapshot; see rewrite.h.
 */
#include "iceberg/rewrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iceberg/commit.h"
#include "iceberg/rewrite_internal.h"
#include "util/random.h"

/* Rounds of plan, write and commit before a rewrite gives up on concurrent changes. */
#define REWRITE_ROUNDS 3

ll_status ll_iceberg_table_shape(const ll_iceberg_metadata *md, const char *name, ll_table *t,
				 ll_error *err)
{
	const ll_iceberg_schema *s = ll_iceberg_metadata_current_schema(md);
	memset(t, 0, sizeof(*t));
	t->name = (char *)name;
	t->table_format = LL_FORMAT_ICEBERG;
	t->columns = calloc(s->type.nfields + 1, sizeof(*t->columns));
	if (!t->columns)
		return ll_error_oom(err);
	for (size_t i = 0; i < s->type.nfields; i++) {
		const ll_iceberg_field *f = &s->type.fields[i];
		t->columns[i] = (ll_column){ .name = (char *)f->name,
					     .type = ll_iceberg_type_data_type(f->type),
					     .precision = f->type->precision, .scale = f->type->scale,
					     .nullable = !f->required, .field_id = f->id };
	}
	t->ncolumns = s->type.nfields;
	return LL_OK;
}

int64_t ll_iceberg_live_delete_files(const ll_iceberg_metadata *md)
{
	const ll_iceberg_snapshot *s = ll_iceberg_metadata_current_snapshot(md);
	const char *v = s ? ll_iceberg_snapshot_summary(s, "total-delete-files") : NULL;
	return v ? strtoll(v, NULL, 10) : 0;
}

/* The change of a round, checked against a base that moved on since the plan. */
typedef struct rewrite_ctx {
	ll_rewrite_round *round;
	int64_t planned;                   /* the snapshot the round planned */
	const ll_table *table;
} rewrite_ctx;

static ll_status prepare(void *ctx, const ll_iceberg_base *base, ll_arena *arena,
			 ll_iceberg_change *out, ll_error *err)
{
	(void)arena;
	rewrite_ctx *c = ctx;
	const ll_iceberg_metadata *md = base->table->md;
	if (!md)
		return ll_error_set(err, LL_ENOTFOUND, "Iceberg table %s no longer exists",
				    c->table->name);
	ll_status st = md->current_snapshot_id == c->planned
			       ? LL_OK
			       : ll_rewrite_round_check(c->round, base->table->metadata_location, err);
	*out = (ll_iceberg_change){ .operation = "replace" };
	ll_rewrite_round_change(c->round, &out->data, &out->ndata, &out->remove, &out->nremove);
	return st;
}

/* Plans, picks, writes and commits once. */
static ll_status round_run(const ll_iceberg_commit_target *t, const ll_rewrite_setup *setup,
			   ll_rewrite_round **round, ll_iceberg_rewrite_result *res, ll_error *err)
{
	char *location = NULL;
	ll_status st = ll_catalog_iceberg_location(t->catalog, t->dataset, t->table->name, &location, err);
	if (st == LL_OK && !location)
		st = ll_error_set(err, LL_ENOTFOUND, "%s.%s is not an Iceberg table", t->dataset,
				  t->table->name);
	if (st == LL_OK)
		st = ll_rewrite_round_plan(round, setup, location, err);
	free(location);
	if (st != LL_OK)
		return st;
	size_t picked, dropped;
	rewrite_ctx c = { *round, ll_rewrite_round_snapshot(*round, &picked, &dropped), t->table };
	if (picked == 0 && dropped == 0)
		return LL_OK;
	st = ll_rewrite_round_write(*round, err);
	ll_iceberg_commit_result cr;
	if (st == LL_OK)
		st = ll_iceberg_commit(t, prepare, &c, &cr, err);
	if (st != LL_OK)
		return st;
	const ll_iceberg_data_file *data;
	const char *const *remove;
	size_t ndata, nremove;
	ll_rewrite_round_change(*round, &data, &ndata, &remove, &nremove);
	res->snapshot_id = cr.snapshot_id;
	res->data_files_rewritten = picked;
	res->delete_files_removed = dropped;
	res->data_files_written = ndata;
	for (size_t i = 0; i < ndata; i++)
		res->rows += (uint64_t)data[i].record_count;
	return LL_OK;
}

ll_status ll_iceberg_rewrite(ll_catalog *catalog, ll_storage *storage, const char *dataset,
			     const ll_table *table, const ll_iceberg_rewrite_options *opt,
			     ll_iceberg_rewrite_result *res, ll_error *err)
{
	memset(res, 0, sizeof(*res));
	ll_iceberg_commit_target target = { .catalog = catalog, .storage = storage,
					    .dataset = dataset, .table = table };
	ll_rewrite_setup setup = { storage, dataset, table, opt, NULL };
	ll_status st = LL_ECONFLICT;
	for (int round = 0; round < REWRITE_ROUNDS && st == LL_ECONFLICT; round++) {
		ll_rewrite_round *r = NULL;
		char uuid[37], name[64];
		ll_random_uuid(uuid);
		snprintf(name, sizeof(name), "rewrite-%s", uuid);
		setup.name = name;
		st = round_run(&target, &setup, &r, res, err);
		if (st != LL_OK && r && ll_rewrite_round_conflict(r))
			st = LL_ECONFLICT;
		ll_rewrite_round_free(r);
	}
	if (st == LL_ECONFLICT)
		ll_error_prefix(err, "rewrite abandoned after %d tries, nothing of it committed; run it "
				"again", REWRITE_ROUNDS);
	return st;
}
