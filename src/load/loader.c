/*
 * Loading into the lake through its storage; see loader.h for the protocol.
 */
#include "load/loader.h"

#include <stdlib.h>
#include <string.h>

#include "load/layout.h"
#include "load/loader_iceberg.h"
#include "util/failpoint.h"
#include "util/fs.h"
#include "util/fs_batch.h"
#include "util/log.h"

/*
 * Moves one job file into the lake under key. When the local file is gone,
 * the move completed before a crash, which the lake must confirm.
 */
static ll_status place_job(ll_storage *storage, const char *package_dir, const char *key,
			   const ll_package_job *job, ll_error *err)
{
	ll_buf src = LL_BUF_INIT;
	ll_package_job_path(&src, package_dir, job);
	if (ll_buf_oom(&src))
		return ll_error_oom(err);
	ll_status st;
	if (ll_fs_exists(src.data)) {
		st = ll_storage_put_file(storage, key, src.data, true, err);
	} else {
		bool placed = false;
		st = ll_storage_exists(storage, key, &placed, NULL, err);
		if (st == LL_OK && !placed) {
			ll_buf loc = LL_BUF_INIT;
			ll_storage_location(storage, key, &loc);
			st = ll_error_set(err, LL_EIO,
					  "load package %s is damaged: job file %s is missing and was "
					  "never placed in the lake at %s",
					  package_dir, src.data, ll_buf_cstr(&loc));
			ll_buf_free(&loc);
		}
	}
	ll_buf_free(&src);
	return st;
}

/* Distinct table names of the jobs plus the replaced tables. */
static ll_status collect_tables(const ll_package_manifest *m, const char ***out, size_t *n,
				ll_error *err)
{
	const char **names = calloc(m->njobs + m->ntables + 1, sizeof(*names));
	if (!names)
		return ll_error_oom(err);
	size_t count = 0;
	for (size_t i = 0; i < m->njobs + m->ntables; i++) {
		const char *t = i < m->njobs ? m->jobs[i].table : m->tables[i - m->njobs];
		bool seen = false;
		for (size_t k = 0; k < count && !seen; k++)
			seen = strcmp(names[k], t) == 0;
		if (!seen)
			names[count++] = t;
	}
	*out = names;
	*n = count;
	return LL_OK;
}

static ll_status commit_package(ll_catalog *catalog, const ll_package_manifest *m,
				const ll_schema *schema, const char *const *paths, bool *already,
				ll_error *err)
{
	ll_catalog_file *files = calloc(m->njobs + 1, sizeof(*files));
	const char **tables = NULL;
	size_t ntables = 0;
	ll_status st = files ? collect_tables(m, &tables, &ntables, err) : ll_error_oom(err);
	if (st != LL_OK) {
		free(files);
		return st;
	}
	for (size_t i = 0; i < m->njobs; i++)
		files[i] = (ll_catalog_file){ m->jobs[i].table, paths[i], m->jobs[i].rows, m->jobs[i].bytes };
	bool replace = m->disposition == LL_WRITE_REPLACE;
	ll_catalog_load load = {
		.dataset = m->dataset,
		.load_id = m->load_id,
		.nonce = m->nonce,
		.pipeline = m->pipeline,
		.schema = schema,
		.tables = tables,
		.ntables = ntables,
		.replace = replace ? (const char *const *)m->tables : NULL,
		.nreplace = replace ? m->ntables : 0,
		.files = files,
		.nfiles = m->njobs,
	};
	st = ll_catalog_commit_load(catalog, &load, already, err);
	free(files);
	free(tables);
	return st;
}

static ll_status read_package_schema(const char *package_dir, ll_schema **schema, ll_error *err)
{
	ll_buf path = LL_BUF_INIT, text = LL_BUF_INIT;
	ll_path_join(&path, package_dir, "schema.json");
	ll_status st = ll_buf_oom(&path) ? ll_error_oom(err) : ll_fs_read_all(path.data, &text, err);
	if (st == LL_OK)
		st = ll_schema_from_json(ll_buf_cstr(&text), text.len, path.data, schema, err);
	ll_buf_free(&path);
	ll_buf_free(&text);
	return st;
}

/* Renders every job's key (relative to the lake root) into paths[]. */
static ll_status render_paths(const ll_package_manifest *m, const ll_schema *schema,
			      const char *layout, char **paths, ll_error *err)
{
	for (size_t i = 0; i < m->njobs; i++) {
		ll_buf rel = LL_BUF_INIT;
		ll_layout_values v = { m->jobs[i].table, m->load_id, m->jobs[i].file_id, "parquet",
				       schema->name };
		ll_buf_printf(&rel, "%s/", m->dataset);
		ll_layout_render(layout, &v, &rel);
		if (ll_buf_oom(&rel))
			return ll_error_oom(err);
		paths[i] = ll_buf_detach(&rel);
	}
	return LL_OK;
}

/*
 * Moves the hive job files into the lake. The syncs of the directories they
 * moved into are one batch, each directory synced once however many files
 * it received, all before the catalog commit that refers to the files.
 */
static ll_status place_jobs(ll_catalog *catalog, const char *package_dir,
			    const ll_package_manifest *m, char *const *paths, ll_error *err)
{
	ll_storage *storage = ll_catalog_storage(catalog);
	ll_status st = LL_OK;
	ll_fs_batch_begin();
	for (size_t i = 0; i < m->njobs && st == LL_OK; i++) {
		if (i == 1)
			ll_failpoint("between_moves");
		st = place_job(storage, package_dir, paths[i], &m->jobs[i], err);
	}
	return ll_fs_batch_end_after(st, err);
}

/*
 * After a hive commit the catalog refused for the load's schema (checked
 * before it changes anything, so nothing of the load was published, and the
 * package fails for good), deletes the job files it had moved into the
 * lake: readers of a table's folder (Athena over its location, DuckDB)
 * would see its rows. Any other failure keeps them for the next run, which
 * finds them placed.
 */
static void discard_refused(ll_catalog *catalog, const ll_package_manifest *hive, char *const *paths,
			    ll_status st, const ll_loader_options *opt)
{
	if (st != LL_ESCHEMA || hive->njobs == 0)
		return;
	ll_error err;
	if (ll_storage_delete(ll_catalog_storage(catalog), (const char *const *)paths, hive->njobs,
			      &err) != LL_OK)
		ll_log(opt ? opt->logger : NULL, LL_LOG_WARN, "the files of failed load %s stay in "
		       "the lake: %s", hive->load_id, err.message);
}

/*
 * The hive part of a package: m without the jobs and tables of Iceberg
 * tables (arrays new, elements borrowed from m).
 */
static ll_status hive_part(const ll_package_manifest *m, const ll_schema *schema,
			   ll_package_manifest *hive, ll_error *err)
{
	*hive = *m;
	hive->jobs = calloc(m->njobs + 1, sizeof(*hive->jobs));
	hive->tables = calloc(m->ntables + 1, sizeof(*hive->tables));
	if (!hive->jobs || !hive->tables) {
		free(hive->jobs);
		free(hive->tables);
		return ll_error_oom(err);
	}
	hive->njobs = hive->ntables = 0;
	for (size_t i = 0; i < m->njobs; i++)
		if (!ll_loader_is_iceberg(schema, m->jobs[i].table))
			hive->jobs[hive->njobs++] = m->jobs[i];
	for (size_t i = 0; i < m->ntables; i++)
		if (!ll_loader_is_iceberg(schema, m->tables[i]))
			hive->tables[hive->ntables++] = m->tables[i];
	return LL_OK;
}

/*
 * What the load wrote into data tables (dlt's own tables left out): the
 * rows of its jobs and its hive job files; iceberg_files are the files its
 * Iceberg snapshots added (a partitioned table's job is split into one file
 * per partition).
 */
static void count_result(const ll_package_manifest *m, const ll_schema *schema,
			 uint64_t iceberg_files, ll_load_result *result)
{
	for (size_t i = 0; i < m->njobs; i++) {
		if (ll_schema_is_dlt_name(m->jobs[i].table))
			continue;
		result->rows += m->jobs[i].rows;
		result->files += !ll_loader_is_iceberg(schema, m->jobs[i].table);
	}
	result->files += iceberg_files;
}

/*
 * Commits the package's Iceberg tables, then its hive files in one catalog
 * transaction, then its _dlt_loads row: a load is recorded only once all
 * of its data is in.
 */
static ll_status load_parts(ll_catalog *catalog, const char *package_dir,
			    const ll_package_manifest *m, const ll_schema *schema,
			    const char *layout, const ll_loader_options *opt,
			    ll_load_result *result, ll_error *err)
{
	ll_package_manifest hive;
	ll_status st = hive_part(m, schema, &hive, err);
	if (st != LL_OK)
		return st;
	ll_storage *storage = ll_catalog_storage(catalog);
	uint64_t iceberg_files = 0;
	char **paths = calloc(hive.njobs + 1, sizeof(*paths));
	if (!paths)
		st = ll_error_oom(err);
	if (st == LL_OK && (hive.njobs < m->njobs || hive.ntables < m->ntables))
		st = ll_loader_load_iceberg(catalog, storage, package_dir, m, schema, &iceberg_files,
					    err);
	if (st == LL_OK)
		st = render_paths(&hive, schema, layout, paths, err);
	if (st == LL_OK)
		st = place_jobs(catalog, package_dir, &hive, paths, err);
	ll_failpoint("before_commit");
	if (st == LL_OK) {
		st = commit_package(catalog, &hive, schema, (const char *const *)paths,
				    &result->already_committed, err);
		discard_refused(catalog, &hive, paths, st, opt);
	}
	if (st == LL_OK)
		st = ll_loader_commit_loads_row(catalog, storage, package_dir, m, schema, err);
	if (st == LL_OK)
		count_result(m, schema, iceberg_files, result);
	for (size_t i = 0; paths && i < hive.njobs; i++)
		free(paths[i]);
	free(paths);
	free(hive.jobs);
	free(hive.tables);
	return st;
}

ll_status ll_loader_load_package(ll_catalog *catalog, const char *pipeline_dir,
				 const char *load_id, const ll_loader_options *opt,
				 ll_load_result *result, ll_error *err)
{
	memset(result, 0, sizeof(*result));
	ll_buf dir = LL_BUF_INIT;
	ll_package_path(&dir, pipeline_dir, LL_PACKAGE_NORMALIZED, load_id);
	if (ll_buf_oom(&dir))
		return ll_error_oom(err);
	ll_package_manifest m;
	ll_schema *schema = NULL;
	ll_status st = ll_package_read_manifest(dir.data, &m, err);
	if (st != LL_OK) {
		ll_buf_free(&dir);
		return st;
	}
	const char *layout = m.layout ? m.layout : LL_LAYOUT_DEFAULT;
	st = ll_layout_validate(layout, err);
	if (st == LL_OK)
		st = read_package_schema(dir.data, &schema, err);
	/* recorded before a crash: its files may be gone since (superseded by a replace) */
	if (st == LL_OK)
		st = ll_loader_loads_row_committed(catalog, ll_catalog_storage(catalog), &m, schema,
						   &result->already_committed, err);
	if (st == LL_OK && !result->already_committed)
		st = load_parts(catalog, dir.data, &m, schema, layout, opt, result, err);
	if (st == LL_OK && opt)
		ll_loader_compact_iceberg(catalog, ll_catalog_storage(catalog), dir.data, &m, schema,
					  opt->compact_after_delete_files, opt->logger);
	ll_failpoint("after_commit");
	if (st == LL_OK)
		st = ll_package_move(pipeline_dir, load_id, LL_PACKAGE_NORMALIZED, LL_PACKAGE_LOADED, err);
	ll_error gc_err;
	if (st == LL_OK && ll_catalog_collect_garbage(catalog, &gc_err) != LL_OK)
		ll_log(opt ? opt->logger : NULL, LL_LOG_WARN, "%s", gc_err.message);
	if (st != LL_OK)
		ll_error_prefix(err, "loading package %s", load_id);
	ll_schema_free(schema);
	ll_package_manifest_free(&m);
	ll_buf_free(&dir);
	return st;
}
