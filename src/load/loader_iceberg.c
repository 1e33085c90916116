/*
 * Committing a package's Iceberg tables; see loader_iceberg.h.
 */
#include "load/loader_iceberg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/iceberg/partition.h"
#include "iceberg/data_file.h"
#include "iceberg/load.h"
#include "iceberg/rewrite.h"
#include "load/dlt_tables.h"
#include "iceberg/table.h"
#include "util/failpoint.h"
#include "util/fs.h"

bool ll_loader_is_iceberg(const ll_schema *schema, const char *table)
{
	const ll_table *t = ll_schema_find_table(schema, table);
	return t && ll_schema_root_of(schema, t)->table_format == LL_FORMAT_ICEBERG;
}

/* Whether the table belongs to the tree the package's disposition applies to. */
static bool in_root_tree(const ll_package_manifest *m, const char *table)
{
	for (size_t i = 0; i < m->ntables; i++)
		if (strcmp(m->tables[i], table) == 0)
			return true;
	return strcmp(m->root_table, table) == 0;
}

typedef struct table_jobs {
	const ll_table *table;
	char **paths;
	const char **file_ids;
	size_t n;
} table_jobs;

static void table_jobs_free(table_jobs *tj)
{
	for (size_t i = 0; i < tj->n; i++)
		free(tj->paths[i]);
	free(tj->paths);
	free(tj->file_ids);
}

static ll_status collect_jobs(const char *package_dir, const ll_package_manifest *m,
			      const ll_table *t, table_jobs *out, ll_error *err)
{
	memset(out, 0, sizeof(*out));
	out->table = t;
	out->paths = calloc(m->njobs + 1, sizeof(*out->paths));
	out->file_ids = calloc(m->njobs + 1, sizeof(*out->file_ids));
	if (!out->paths || !out->file_ids)
		return ll_error_oom(err);
	for (size_t i = 0; i < m->njobs; i++) {
		if (strcmp(m->jobs[i].table, t->name) != 0)
			continue;
		ll_buf path = LL_BUF_INIT;
		ll_package_job_path(&path, package_dir, &m->jobs[i]);
		if (ll_buf_oom(&path))
			return ll_error_oom(err);
		out->file_ids[out->n] = m->jobs[i].file_id;
		out->paths[out->n++] = ll_buf_detach(&path);
	}
	return LL_OK;
}

/*
 * The tables to commit: those with jobs, and the root's tree even without
 * for a replace (emptied) or a merge (its child tables lose the rows of
 * removed roots, as dlt's merge deletes from every child table).
 */
static bool is_target(const ll_package_manifest *m, const ll_schema *schema, const ll_table *t)
{
	if (!ll_loader_is_iceberg(schema, t->name))
		return false;
	for (size_t i = 0; i < m->njobs; i++)
		if (strcmp(m->jobs[i].table, t->name) == 0)
			return true;
	return (m->disposition == LL_WRITE_REPLACE || m->disposition == LL_WRITE_MERGE) &&
	       in_root_tree(m, t->name);
}

/*
 * A table whose catalog entry points at metadata that is gone (a deleted
 * file, an emptied bucket) fails every load the same way: say which table
 * and object, and the two ways out.
 */
static void explain_missing_metadata(ll_catalog *catalog, ll_storage *storage, const char *dataset,
				     const char *table, ll_error *err)
{
	char *location = NULL;
	ll_error lookup;
	bool exists = true;
	if (ll_catalog_iceberg_location(catalog, dataset, table, &location, &lookup) != LL_OK ||
	    !location || ll_storage_exists(storage, location, &exists, NULL, &lookup) != LL_OK ||
	    exists) {
		free(location);
		return;
	}
	char cause[sizeof(err->message)];
	snprintf(cause, sizeof(cause), "%s", err->message);
	ll_error_set(err, LL_ENOTFOUND,
		     "Iceberg table %s.%s: the catalog points at %s, which does not exist (%s); "
		     "if the table's files are gone, remove it from the catalog with 'lakeload "
		     "drop-table %s.%s' (the next run creates it anew), or give up this load with "
		     "'lakeload drop-pending'",
		     dataset, table, location, cause, dataset, table);
	ll_error_set_table(err, table, NULL);
	free(location);
}

/*
 * Reads the load's snapshots of one table from its metadata: *found (may
 * be NULL) tells whether it has one, and files (may be NULL) gains the data
 * files they added.
 */
static ll_status table_load_snapshots(ll_catalog *catalog, ll_storage *storage,
				      const ll_package_manifest *m, const char *table, bool *found,
				      uint64_t *files, ll_error *err)
{
	char *location = NULL;
	ll_status st = ll_catalog_iceberg_location(catalog, m->dataset, table, &location, err);
	ll_iceberg_table it = { 0 };
	if (st == LL_OK && location)
		st = ll_iceberg_table_load(&it, storage, location, err);
	for (size_t i = 0; st == LL_OK && location && i < it.md->nsnapshots; i++) {
		const ll_iceberg_snapshot *s = &it.md->snapshots[i];
		if (!ll_iceberg_snapshot_is_load(s, m->load_id, m->nonce))
			continue;
		const char *added = ll_iceberg_snapshot_summary(s, "added-data-files");
		if (found)
			*found = true;
		if (added && files)
			*files += strtoull(added, NULL, 10);
	}
	ll_iceberg_table_release(&it);
	free(location);
	return st;
}

/* What a table of a merged tree does with the _dlt_id of root rows (all NULL: nothing). */
typedef struct tree_roots {
	const ll_keyset *removed; /* a child table: its rows of these roots go */
	ll_keyset *plan;          /* the root, planning: gets the roots its merge would remove */
	const ll_keyset *planned; /* the root, committing: the only roots it may remove */
	bool *replan;             /* set when it would remove another one */
} tree_roots;

/*
 * Commits one table; files (NULL: not counted) gains the data files the
 * load added to it, a data table's: from the commit, or from the table's
 * metadata when an interrupted run committed it already.
 */
static ll_status commit_table(ll_catalog *catalog, ll_storage *storage, const char *package_dir,
			      const ll_package_manifest *m, const ll_schema *schema,
			      const ll_table *t, const tree_roots *roots, uint64_t *files,
			      ll_error *err)
{
	static const tree_roots none = { 0 };
	roots = roots ? roots : &none;
	table_jobs tj = { 0 };
	ll_buf scratch = LL_BUF_INIT;
	ll_path_join(&scratch, package_dir, "iceberg");
	ll_status st = ll_buf_oom(&scratch) ? ll_error_oom(err) : collect_jobs(package_dir, m, t, &tj, err);
	ll_iceberg_load_request req = {
		.catalog = catalog, .storage = storage, .dataset = m->dataset, .load_id = m->load_id,
		.load_nonce = m->nonce, .schema = schema, .table = t,
		.disposition = in_root_tree(m, t->name) ? m->disposition : LL_WRITE_APPEND,
		.jobs = (const char *const *)tj.paths, .file_ids = tj.file_ids, .njobs = tj.n,
		.scratch_dir = ll_buf_cstr(&scratch), .removed_roots = roots->removed,
		.planned_roots = roots->planned, .replan = roots->replan,
	};
	ll_iceberg_commit_result res;
	if (st == LL_OK && roots->plan)
		st = ll_iceberg_merge_plan_roots(&req, roots->plan, err);
	else if (st == LL_OK)
		st = ll_iceberg_load_table(&req, &res, err);
	if (st == LL_OK && !roots->plan && files && !ll_schema_is_dlt_name(t->name)) {
		if (res.already)
			st = table_load_snapshots(catalog, storage, m, t->name, NULL, files, err);
		else
			*files += res.added_data_files;
	}
	if (st == LL_ENOTFOUND)
		explain_missing_metadata(catalog, storage, m->dataset, t->name, err);
	table_jobs_free(&tj);
	ll_buf_free(&scratch);
	return st;
}

/* Whether a table is the one that records the load: it commits after everything else. */
static bool is_loads_table(const ll_table *t)
{
	return strcmp(t->name, LL_DLT_LOADS_TABLE) == 0;
}

/* Whether the package commits a child table of its root (a merge must clean those up). */
static bool commits_children(const ll_package_manifest *m, const ll_schema *schema,
			     const ll_table *root)
{
	for (size_t i = 0; i < schema->ntables; i++) {
		const ll_table *t = schema->tables[i];
		if (t != root && in_root_tree(m, t->name) && is_target(m, schema, t))
			return true;
	}
	return false;
}

/* Adds the keys of from that applied lacks to both fresh and applied. */
static ll_status add_fresh(const ll_keyset *from, ll_keyset *applied, ll_keyset *fresh,
			   ll_error *err)
{
	for (size_t i = 0; i < from->cap; i++) {
		const ll_keyset_slot *k = &from->slots[i];
		ll_keyset_slot *slot;
		bool added;
		if (!k->key || ll_keyset_find(applied, k->key, k->len))
			continue;
		if (!ll_keyset_put(applied, k->key, k->len, 0, &slot, &added) ||
		    !ll_keyset_put(fresh, k->key, k->len, 0, &slot, &added))
			return ll_error_oom(err);
	}
	return LL_OK;
}

/*
 * The child tables of a merged root: plans which root rows the merge
 * removes from the root as it is now, and removes the child rows of those
 * not in applied yet (applied gains them). A child table committed by an
 * earlier plan or run only loses rows then.
 */
static ll_status merge_children(ll_catalog *catalog, ll_storage *storage, const char *package_dir,
				const ll_package_manifest *m, const ll_schema *schema,
				const ll_table *root, ll_keyset *applied, uint64_t *files,
				ll_error *err)
{
	ll_keyset planned, fresh;
	ll_keyset_init(&planned);
	ll_keyset_init(&fresh);
	tree_roots plan = { .plan = &planned }, child = { .removed = &fresh };
	ll_status st = commit_table(catalog, storage, package_dir, m, schema, root, &plan, NULL, err);
	if (st == LL_OK)
		st = add_fresh(&planned, applied, &fresh, err);
	for (size_t i = 0; i < schema->ntables && st == LL_OK; i++) {
		const ll_table *t = schema->tables[i];
		if (t == root || !in_root_tree(m, t->name) || !is_target(m, schema, t))
			continue;
		st = commit_table(catalog, storage, package_dir, m, schema, t, &child, files, err);
		ll_failpoint("iceberg_between_tables");
	}
	ll_keyset_free(&planned);
	ll_keyset_free(&fresh);
	return st;
}

/*
 * Rows with a merge's keys committed between its plan and its root's commit
 * make the root remove roots whose children are still there: the children
 * are merged again with a new plan, at most this many times in all.
 */
#define MERGE_PLANS 5

/* Commits the root; a merged root with children removes only roots whose children went. */
static ll_status commit_root(ll_catalog *catalog, ll_storage *storage, const char *package_dir,
			     const ll_package_manifest *m, const ll_schema *schema,
			     const ll_table *root, bool tree, ll_keyset *applied, uint64_t *files,
			     ll_error *err)
{
	bool replan = false;
	tree_roots checked = { .planned = applied, .replan = &replan };
	ll_status st = commit_table(catalog, storage, package_dir, m, schema, root,
				    tree ? &checked : NULL, files, err);
	for (int plan = 1; st == LL_ECONFLICT && replan && plan < MERGE_PLANS; plan++) {
		replan = false;
		/* the child tables' files were counted by the first plan */
		st = merge_children(catalog, storage, package_dir, m, schema, root, applied, NULL,
				    err);
		if (st == LL_OK)
			st = commit_table(catalog, storage, package_dir, m, schema, root, &checked,
					  files, err);
	}
	return st;
}

static ll_status load_tree(ll_catalog *catalog, ll_storage *storage, const char *package_dir,
			   const ll_package_manifest *m, const ll_schema *schema, uint64_t *files,
			   ll_error *err)
{
	const ll_table *root = ll_schema_find_table(schema, m->root_table);
	bool merge = m->disposition == LL_WRITE_MERGE && root &&
		     ll_loader_is_iceberg(schema, root->name);
	/* the removed root ids are for the children; without any, the root's
	 * own commit finds its removals, and one scan of the table is enough */
	bool tree = merge && commits_children(m, schema, root);
	ll_keyset applied;
	ll_keyset_init(&applied);
	ll_status st = tree ? merge_children(catalog, storage, package_dir, m, schema, root,
					     &applied, files, err)
			    : LL_OK;
	/* then everything else, the root last */
	for (size_t i = 0; i < schema->ntables && st == LL_OK; i++) {
		const ll_table *t = schema->tables[i];
		if (t == root || is_loads_table(t) || !is_target(m, schema, t) ||
		    (tree && in_root_tree(m, t->name)))
			continue;
		st = commit_table(catalog, storage, package_dir, m, schema, t, NULL, files, err);
		ll_failpoint("iceberg_between_tables");
	}
	if (st == LL_OK && root && is_target(m, schema, root))
		st = commit_root(catalog, storage, package_dir, m, schema, root, tree, &applied,
				 files, err);
	ll_keyset_free(&applied);
	return st;
}

ll_status ll_loader_load_iceberg(ll_catalog *catalog, ll_storage *storage,
				 const char *package_dir, const ll_package_manifest *m,
				 const ll_schema *schema, uint64_t *files, ll_error *err)
{
	int lock;
	ll_status st = ll_catalog_lock_tree(catalog, m->dataset, m->root_table, &lock, err);
	if (st == LL_OK)
		st = load_tree(catalog, storage, package_dir, m, schema, files, err);
	ll_catalog_unlock_tree(lock);
	return st;
}

/* Compacts table t when it holds more than threshold live delete files. */
static ll_status compact_table(ll_catalog *catalog, ll_storage *storage, const char *scratch,
			       const char *dataset, const ll_table *t, int64_t threshold,
			       const ll_logger *logger, ll_error *err)
{
	char *location = NULL;
	ll_iceberg_table it = { 0 };
	ll_status st = ll_catalog_iceberg_location(catalog, dataset, t->name, &location, err);
	if (st == LL_OK && location)
		st = ll_iceberg_table_load(&it, storage, location, err);
	int64_t deletes = it.md ? ll_iceberg_live_delete_files(it.md) : 0;
	ll_iceberg_table_release(&it);
	free(location);
	if (st != LL_OK || deletes <= threshold)
		return st;
	ll_iceberg_rewrite_options ro = { .only_with_deletes = true, .scratch_dir = scratch };
	ll_iceberg_rewrite_result res;
	st = ll_iceberg_rewrite(catalog, storage, dataset, t, &ro, &res, err);
	if (st == LL_OK)
		ll_log(logger, LL_LOG_INFO, "compacted Iceberg table %s.%s (%lld delete files, more "
		       "than %lld): rewrote %zu data files into %zu, removed %zu delete files",
		       dataset, t->name, (long long)deletes, (long long)threshold,
		       res.data_files_rewritten, res.data_files_written, res.delete_files_removed);
	return st;
}

void ll_loader_compact_iceberg(ll_catalog *catalog, ll_storage *storage, const char *package_dir,
			       const ll_package_manifest *m, const ll_schema *schema,
			       int64_t threshold, const ll_logger *logger)
{
	const ll_table *root = ll_schema_find_table(schema, m->root_table);
	if (threshold <= 0 || m->disposition != LL_WRITE_MERGE || !root ||
	    !ll_loader_is_iceberg(schema, root->name))
		return;
	ll_buf scratch = LL_BUF_INIT;
	ll_path_join(&scratch, package_dir, "compact");
	for (size_t i = 0; i < schema->ntables && !ll_buf_oom(&scratch); i++) {
		const ll_table *t = schema->tables[i];
		if (!in_root_tree(m, t->name) || is_loads_table(t))
			continue;
		ll_error err;
		ll_error_clear(&err);
		if (compact_table(catalog, storage, ll_buf_cstr(&scratch), m->dataset, t, threshold,
				  logger, &err) != LL_OK)
			ll_log(logger, LL_LOG_WARN, "compacting Iceberg table %s.%s after the merge "
			       "failed, the load is in and the table as it left it (run lakeload "
			       "optimize %s.%s): %s", m->dataset, t->name, m->dataset, t->name,
			       err.message);
	}
	ll_buf_free(&scratch);
}

ll_status ll_loader_loads_row_committed(ll_catalog *catalog, ll_storage *storage,
					const ll_package_manifest *m, const ll_schema *schema,
					bool *committed, ll_error *err)
{
	*committed = false;
	const ll_table *t = ll_schema_find_table(schema, LL_DLT_LOADS_TABLE);
	if (!t || !is_target(m, schema, t))
		return LL_OK;
	ll_status st = table_load_snapshots(catalog, storage, m, t->name, committed, NULL, err);
	if (st == LL_ENOTFOUND)
		explain_missing_metadata(catalog, storage, m->dataset, t->name, err);
	return st;
}

ll_status ll_loader_commit_loads_row(ll_catalog *catalog, ll_storage *storage,
				     const char *package_dir, const ll_package_manifest *m,
				     const ll_schema *schema, ll_error *err)
{
	const ll_table *t = ll_schema_find_table(schema, LL_DLT_LOADS_TABLE);
	if (!t || !is_target(m, schema, t))
		return LL_OK;
	return commit_table(catalog, storage, package_dir, m, schema, t, NULL, NULL, err);
}

/* Checks one partition expression against the Iceberg schema of its table. */
static ll_status check_partition(const ll_table *t, const char *expr,
				 const ll_iceberg_schema *schema, ll_error *err)
{
	ll_iceberg_partition_expr e;
	ll_status st = ll_iceberg_partition_expr_parse(expr, &e, err);
	if (st != LL_OK)
		return st;
	char column[256];
	snprintf(column, sizeof(column), "%.*s", (int)e.column_len, e.column);
	const ll_iceberg_field *src = ll_iceberg_schema_find_column(schema, column);
	ll_error_set_table(err, t->name, column);
	if (!src)
		return ll_error_set(err, LL_ESCHEMA,
				    "partition '%s' of table %s names column %s, which the data does not "
				    "have; nothing was loaded",
				    expr, t->name, column);
	const ll_iceberg_type *result;
	st = ll_iceberg_transform_result_type(&e.transform, src->type, &result, err);
	if (st != LL_OK)
		ll_error_prefix(err, "partition '%s' of table %s", expr, t->name);
	return st;
}

ll_status ll_loader_check_partitions(const ll_table *t, ll_error *err)
{
	if (t->npartition == 0)
		return LL_OK;
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_iceberg_schema schema;
	ll_status st = ll_iceberg_schema_from_table(t, 0, &arena, &schema, err);
	for (size_t i = 0; i < t->npartition && st == LL_OK; i++)
		st = check_partition(t, t->partition[i], &schema, err);
	ll_arena_free(&arena);
	return st;
}
