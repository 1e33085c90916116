/*
 * The hints of a lake's tables (write disposition, keys, partition, per
 * column primary_key/merge_key): the catalog keeps columns and types only,
 * so they come from the saved schemas (<home>/pipelines/NAME/schemas/NAME.json)
 * of the pipelines whose state.json names that catalog. Read by `lakeload
 * show` and serve's web view.
 */
#include <glob.h>
#include <string.h>

#include "pipeline/pipeline_internal.h"

/* Adds the tables of a pipeline's saved schemas to hints[dataset] when it loads into catalog. */
static void add_pipeline_hints(const char *dir, const char *catalog_path, json_t *hints)
{
	ll_buf path = LL_BUF_INIT;
	ll_buf_printf(&path, "%s/state.json", dir);
	json_t *state = json_load_file(ll_buf_cstr(&path), 0, NULL);
	const char *catalog = json_string_value(json_object_get(state, "catalog"));
	const char *dataset = json_string_value(json_object_get(state, "dataset_name"));
	glob_t g = { 0 };
	ll_buf_clear(&path);
	ll_buf_printf(&path, "%s/schemas/*.json", dir);
	if (catalog && dataset && strcmp(catalog, catalog_path) == 0 &&
	    glob(ll_buf_cstr(&path), 0, NULL, &g) == 0) {
		json_t *tables = json_object_get(hints, dataset);
		if (!tables) {
			tables = json_object();
			json_object_set_new(hints, dataset, tables);
		}
		for (size_t i = 0; i < g.gl_pathc; i++) {
			json_t *schema = json_load_file(g.gl_pathv[i], 0, NULL);
			json_object_update(tables, json_object_get(schema, "tables"));
			json_decref(schema);
		}
	}
	globfree(&g);
	json_decref(state);
	ll_buf_free(&path);
}

json_t *ll_pipeline_schema_hints(const char *home, const char *catalog_path)
{
	json_t *hints = json_object();
	ll_buf pattern = LL_BUF_INIT;
	ll_pipeline_home(home, &pattern);
	ll_buf_puts(&pattern, "/pipelines/*");
	glob_t g = { 0 };
	if (glob(ll_buf_cstr(&pattern), GLOB_ONLYDIR, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc; i++)
			add_pipeline_hints(g.gl_pathv[i], catalog_path, hints);
	globfree(&g);
	ll_buf_free(&pattern);
	return hints;
}
