/*
 * `lakeload optimize`: compacts an Iceberg table and its child tables,
 * each in a snapshot of its own (iceberg/rewrite.h), children first.
 *
 * The child tables of the dlt table tree (TABLE__items, ...) are separate
 * Iceberg tables; merges leave delete files in them too, so optimizing a
 * table optimizes every Iceberg table whose name extends it with "__". A
 * child table can also be optimized alone, by its own name.
 *
 * With a condition (any SQL WHERE clause over the table's columns, as
 * `lakeload delete` takes), the embedded engine finds the _dlt_id of the
 * matching rows; only files holding one of those rows are rewritten, and in
 * child tables with a _dlt_root_id column only files holding rows of those
 * roots (child tables without it are left alone). Files are chosen by the
 * rows they hold, not by their partitions.
 */
#include <stdlib.h>
#include <string.h>

#include "iceberg/rewrite.h"
#include "iceberg/table.h"
#include "lakeload.h"
#include "pipeline/pipeline_internal.h"
#include "util/fs.h"

typedef struct matched_ids {
	ll_keyset ids;
	ll_buf key;
	bool oom;
} matched_ids;

static int collect_match(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	matched_ids *m = user;
	(void)ncols;
	(void)names;
	if (cells[0].kind != LL_CELL_TEXT)
		return 0;
	ll_value v = { .s = cells[0].s, .len = cells[0].len };
	ll_buf_clear(&m->key);
	ll_keyset_encode_value(&v, &m->key);
	ll_keyset_slot *slot;
	bool added;
	if (ll_buf_oom(&m->key) || !ll_keyset_put(&m->ids, m->key.data, m->key.len, 0, &slot, &added)) {
		m->oom = true;
		return 1;
	}
	return 0;
}

/* The _dlt_id of the rows of the table matching where, by the embedded engine. */
static ll_status find_matches(const ll_lake_options *opt, const ll_lake_ref *r, const char *where,
			      matched_ids *m, ll_error *err)
{
	ll_buf sql = LL_BUF_INIT;
	ll_buf_printf(&sql, "SELECT \"_dlt_id\" FROM \"%s\".\"%s\" WHERE (%s)", r->dataset, r->name,
		      where);
	ll_lake_options local_engine = *opt;
	local_engine.embedded_engine = true;
	ll_status st = ll_buf_oom(&sql) ? ll_error_oom(err)
					 : ll_lake_query_opts(&local_engine, ll_buf_cstr(&sql),
							      collect_match, m, err);
	if (st == LL_OK && m->oom)
		st = ll_error_oom(err);
	ll_buf_free(&sql);
	return st;
}

static bool has_column(const ll_catalog_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncolumns; i++)
		if (strcmp(t->columns[i].name, name) == 0)
			return true;
	return false;
}

/* Compacts one Iceberg table, adding what it did to info. */
static ll_status optimize_table(const ll_lake_ref *r, const char *name,
				const ll_iceberg_rewrite_options *ro, ll_optimize_info *info,
				ll_error *err)
{
	char *location = NULL;
	ll_iceberg_table it = { 0 };
	ll_table shape = { 0 };
	ll_iceberg_rewrite_result res = { 0 };
	ll_status st = ll_catalog_iceberg_location(r->catalog, r->dataset, name, &location, err);
	if (st == LL_OK && !location) {
		ll_error_set_table(err, name, NULL);
		st = ll_error_set(err, LL_ENOTFOUND, "%s.%s is not an Iceberg table (only Iceberg "
				  "tables are optimized; load with --table-format iceberg)",
				  r->dataset, name);
	}
	if (st == LL_OK)
		st = ll_iceberg_table_load(&it, r->storage, location, err);
	if (st == LL_OK)
		st = ll_iceberg_table_shape(it.md, name, &shape, err);
	if (st == LL_OK)
		st = ll_iceberg_rewrite(r->catalog, r->storage, r->dataset, &shape, ro, &res, err);
	if (st != LL_OK)
		ll_error_prefix(err, "optimizing %s.%s", r->dataset, name);
	info->tables += res.snapshot_id != 0;
	info->data_files_rewritten += res.data_files_rewritten;
	info->delete_files_removed += res.delete_files_removed;
	info->data_files_written += res.data_files_written;
	info->rows += res.rows;
	free(shape.columns);
	ll_iceberg_table_release(&it);
	free(location);
	return st;
}

/* The child tables of r's table, then the table itself: each compacted. */
static ll_status optimize_tree(const ll_lake_ref *r, const ll_iceberg_rewrite_options *ro,
			       ll_optimize_info *info, ll_error *err)
{
	ll_catalog_table *tables = NULL;
	size_t n = 0, len = strlen(r->name);
	ll_status st = ll_catalog_list_tables(r->catalog, r->dataset, &tables, &n, err);
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		const ll_catalog_table *t = &tables[i];
		if (t->format != LL_FORMAT_ICEBERG || strncmp(t->name, r->name, len) != 0 ||
		    strncmp(t->name + len, "__", 2) != 0)
			continue;
		ll_iceberg_rewrite_options child = *ro;
		child.match_column = "_dlt_root_id";
		if (ro->match && !has_column(t, child.match_column))
			continue;
		st = optimize_table(r, t->name, &child, info, err);
	}
	ll_catalog_tables_free(tables, n);
	if (st == LL_OK)
		st = optimize_table(r, r->name, ro, info, err);
	return st;
}

ll_status ll_lake_optimize(const ll_lake_options *opt, const char *table, const char *where,
			   uint64_t target_file_bytes, ll_optimize_info *info, ll_error *err)
{
	memset(info, 0, sizeof(*info));
	ll_lake_ref r;
	ll_status st = ll_lake_ref_open(&r, opt, table, false, err);
	if (st != LL_OK)
		return st;
	matched_ids m = { .key = LL_BUF_INIT };
	ll_keyset_init(&m.ids);
	if (where)
		st = find_matches(opt, &r, where, &m, err);
	char scratch[4096];
	if (st == LL_OK)
		st = ll_fs_make_temp_dir(scratch, sizeof(scratch), "lakeload-optimize-", err);
	bool made = st == LL_OK;
	ll_iceberg_rewrite_options ro = { .target_file_bytes = target_file_bytes,
					  .match = where ? &m.ids : NULL, .match_column = "_dlt_id",
					  .scratch_dir = scratch };
	/* nothing matched: nothing to rewrite */
	if (st == LL_OK && !(where && m.ids.count == 0))
		st = optimize_tree(&r, &ro, info, err);
	ll_error rm_err;
	if (made)
		ll_fs_remove_tree(scratch, &rm_err);
	ll_keyset_free(&m.ids);
	ll_buf_free(&m.key);
	ll_lake_ref_close(&r);
	return st;
}
