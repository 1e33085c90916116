/*
 * The ways out of a load that cannot finish, as dlt offers them:
 * `lakeload drop-pending` drops a pipeline's unfinished packages (dlt's
 * `dlt pipeline NAME drop-pending-packages`), and `lakeload drop-table`
 * removes a table from the lake's catalog, for a table whose files are gone
 * (its catalog entry points at metadata that no longer exists).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "lakeload.h"
#include "load/package.h"
#include "pipeline/pipeline_internal.h"
#include "util/fs.h"

ll_status ll_lake_drop_table(const ll_lake_options *opt, const char *table, ll_error *err)
{
	ll_lake_ref r;
	ll_status st = ll_lake_ref_open(&r, opt, table, false, err);
	bool found = false;
	if (st == LL_OK)
		st = ll_catalog_drop_table(r.catalog, r.dataset, r.name, &found, err);
	if (st == LL_OK && !found) {
		ll_error_set_table(err, r.name, NULL);
		st = ll_error_set(err, LL_ENOTFOUND, "the catalog of lake %s has no table %s", opt->lake,
				  table);
	}
	ll_lake_ref_close(&r);
	return st;
}

/* The pipeline drop-pending works on: the one named, or the only one there is. */
static ll_status pick_pipeline(const char *root, const char *name, ll_buf *dir, ll_error *err)
{
	ll_buf_printf(dir, "%s/pipelines", root);
	if (name) {
		ll_buf_printf(dir, "/%s", name);
		return ll_fs_is_dir(ll_buf_cstr(dir))
			       ? LL_OK
			       : ll_error_set(err, LL_ENOTFOUND, "no pipeline named %s in %s", name, root);
	}
	char **names = NULL;
	size_t n = 0;
	ll_status st = ll_fs_is_dir(ll_buf_cstr(dir)) ? ll_fs_list(ll_buf_cstr(dir), &names, &n, err) : LL_OK;
	if (st == LL_OK && n == 1)
		ll_buf_printf(dir, "/%s", names[0]);
	else if (st == LL_OK)
		st = ll_error_set(err, LL_EINVAL, "%s pipelines in %s; name one with --pipeline NAME",
				  n ? "several" : "no", root);
	ll_fs_free_list(names, n);
	return st;
}

/* Removes the packages of one state, printing each. */
static ll_status drop_state(const char *dir, ll_package_state state, size_t *dropped, FILE *out,
			    ll_error *err)
{
	char **ids;
	size_t n;
	ll_status st = ll_package_list(dir, state, &ids, &n, err);
	if (st != LL_OK)
		return st;
	ll_buf pkg = LL_BUF_INIT;
	for (size_t i = 0; st == LL_OK && i < n; i++) {
		ll_buf_clear(&pkg);
		ll_package_path(&pkg, dir, state, ids[i]);
		ll_package_manifest m;
		ll_error ignored;
		if (state != LL_PACKAGE_EXTRACTING &&
		    ll_package_read_manifest(ll_buf_cstr(&pkg), &m, &ignored) == LL_OK) {
			fprintf(out, "dropped load %s (%s): %s -> %s (%s), %llu records\n", ids[i],
				ll_package_state_name(state), m.source, m.root_table,
				ll_write_disposition_name(m.disposition), (unsigned long long)m.root_rows);
			ll_package_manifest_free(&m);
		} else {
			fprintf(out, "dropped load %s (%s)\n", ids[i], ll_package_state_name(state));
		}
		st = ll_fs_remove_tree(ll_buf_cstr(&pkg), err);
		*dropped += st == LL_OK;
	}
	ll_buf_free(&pkg);
	ll_fs_free_list(ids, n);
	return st;
}

ll_status ll_pipeline_drop_pending(const char *home, const char *pipeline, FILE *out,
				   ll_error *err)
{
	ll_buf root = LL_BUF_INIT, dir = LL_BUF_INIT;
	ll_pipeline_home(home, &root);
	ll_status st = pick_pipeline(ll_buf_cstr(&root), pipeline, &dir, err);
	int fd = -1;
	const char *name = strrchr(ll_buf_cstr(&dir), '/') + 1;
	if (st == LL_OK)
		st = ll_pipeline_lock(ll_buf_cstr(&dir), name, &fd, err);
	size_t dropped = 0;
	if (st == LL_OK)
		st = drop_state(ll_buf_cstr(&dir), LL_PACKAGE_EXTRACTING, &dropped, out, err);
	if (st == LL_OK)
		st = drop_state(ll_buf_cstr(&dir), LL_PACKAGE_NORMALIZED, &dropped, out, err);
	if (st == LL_OK && dropped == 0)
		fprintf(out, "pipeline %s has no pending loads\n", name);
	if (fd >= 0)
		close(fd);
	ll_buf_free(&root);
	ll_buf_free(&dir);
	return st;
}
