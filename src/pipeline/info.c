/*
 * `lakeload info`: what a pipeline knows, for people. Reads the working
 * directory and the catalog without taking the pipeline's lock, so it works
 * while a load runs (and may then show that load as in progress).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "iceberg/table.h"
#include "lakeload.h"
#include "load/package.h"
#include "pipeline/pipeline_internal.h"
#include "util/fs.h"

/* Appends a pipeline's packages in one state to loads, each as an object. */
static void gather_packages(const char *dir, ll_package_state state, json_t *loads)
{
	char **ids;
	size_t n;
	ll_error err;
	if (ll_package_list(dir, state, &ids, &n, &err) != LL_OK)
		return;
	ll_buf pkg = LL_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		json_t *load = json_pack("{s:s, s:s}", "load_id", ids[i], "state",
					 ll_package_state_name(state));
		json_array_append_new(loads, load);
		ll_buf_clear(&pkg);
		ll_package_path(&pkg, dir, state, ids[i]);
		ll_package_manifest m;
		if (state == LL_PACKAGE_EXTRACTING ||
		    ll_package_read_manifest(ll_buf_cstr(&pkg), &m, &err) != LL_OK)
			continue;
		json_object_set_new(load, "source", json_string(m.source));
		json_object_set_new(load, "table", json_string(m.root_table));
		json_object_set_new(load, "write_disposition",
				    json_string(ll_write_disposition_name(m.disposition)));
		json_object_set_new(load, "records", json_integer((json_int_t)m.root_rows));
		json_object_set_new(load, "files", json_integer((json_int_t)m.njobs));
		ll_package_manifest_free(&m);
		if (state == LL_PACKAGE_FAILED) {
			ll_buf reason = LL_BUF_INIT;
			ll_package_failure_reason(ll_buf_cstr(&pkg), &reason);
			json_object_set_new(load, "reason", json_string(ll_buf_cstr(&reason)));
			ll_buf_free(&reason);
		}
	}
	ll_buf_free(&pkg);
	ll_fs_free_list(ids, n);
}

/*
 * Opens the catalog state.json names (older working directories name only
 * the lake: then <lake>/catalog.db), without the lake's storage: info only
 * reads, and needs no S3 credentials for an S3 lake.
 */
static ll_status open_catalog(const char *lake, const char *catalog, ll_catalog **cat,
			      ll_error *err)
{
	ll_buf path = LL_BUF_INIT;
	if (catalog)
		ll_buf_puts(&path, catalog);
	else
		ll_path_join(&path, lake, "catalog.db");
	ll_status st = ll_buf_oom(&path)	      ? ll_error_oom(err)
		       : !ll_fs_exists(path.data) ? ll_error_set(err, LL_ENOTFOUND, "no catalog")
						  : ll_catalog_open_file(cat, path.data, lake, NULL, err);
	ll_buf_free(&path);
	return st;
}

/*
 * The lake's storage and catalog: an S3 lake's through the credentials the
 * configuration resolves for it; without them (no config, or none found)
 * only a file catalog, and *storage stays NULL. A pipeline of the athena
 * destination has its tables in Glue, which needs the credentials.
 */
static ll_status open_lake(const char *home, const char *lake, const char *catalog, bool athena,
			   ll_config *config, ll_storage **storage, ll_catalog **cat, ll_error *err)
{
	*storage = NULL;
	ll_s3_options s3;
	ll_athena_options ao;
	bool use_s3 = false;
	const char *resolved = lake;
	bool remote = strncmp(lake, "s3://", 5) == 0;
	ll_status st = LL_OK;
	if (athena && !config)
		return ll_error_set(err, LL_EAUTH, "no configuration to reach Glue with");
	if (remote && (!config || ll_config_resolve_lake(config, lake, &resolved, &s3, &use_s3,
							 err) != LL_OK))
		return athena ? LL_EAUTH : open_catalog(lake, catalog, cat, err);
	if (athena)
		st = ll_config_athena_options(config, use_s3 ? &s3 : NULL, &ao, err);
	ll_lake_options lo = { .lake = lake, .s3 = use_s3 ? &s3 : NULL, .catalog = catalog,
			       .home = home, .athena = athena ? &ao : NULL };
	return st == LL_OK ? ll_lake_open(&lo, NULL, false, storage, cat, err) : st;
}

/*
 * Rows and files of an Iceberg table from its current snapshot's summary
 * (rows less those its position deletes remove); false when its metadata
 * cannot be read.
 */
static bool iceberg_counts(ll_storage *storage, const ll_catalog_table *t, uint64_t *rows,
			   size_t *files)
{
	ll_iceberg_table it;
	ll_error err;
	*rows = 0;
	*files = 0;
	if (!storage || !t->metadata_location ||
	    ll_iceberg_table_load(&it, storage, t->metadata_location, &err) != LL_OK)
		return false;
	const ll_iceberg_snapshot *snap = ll_iceberg_metadata_current_snapshot(it.md);
	const char *r = snap ? ll_iceberg_snapshot_summary(snap, "total-records") : NULL;
	const char *f = snap ? ll_iceberg_snapshot_summary(snap, "total-data-files") : NULL;
	const char *d = snap ? ll_iceberg_snapshot_summary(snap, "total-position-deletes") : NULL;
	*rows = (r ? strtoull(r, NULL, 10) : 0) - (d ? strtoull(d, NULL, 10) : 0);
	*files = f ? (size_t)strtoull(f, NULL, 10) : 0;
	ll_iceberg_table_release(&it);
	return true;
}

/*
 * Sets the pipeline's "tables" (each with its rows and files; null where
 * unknown), or "tables_error" when the lake or Glue cannot be read, and
 * "tables_note" when some Iceberg metadata could not be read.
 */
static void gather_tables(const char *home, const char *lake, const char *catalog, bool athena,
			  const char *dataset, ll_config *config, json_t *pipeline)
{
	ll_catalog *cat;
	ll_storage *storage;
	ll_error err;
	ll_error_clear(&err);
	if (open_lake(home, lake, catalog, athena, config, &storage, &cat, &err) != LL_OK) {
		json_object_set_new(pipeline, "tables_error",
				    athena ? json_sprintf("in AWS Glue, not reachable: %s", err.message)
					   : json_sprintf("lake %s not found", lake));
		return;
	}
	ll_catalog_table *tables;
	size_t n;
	bool unknown = false;
	if (ll_catalog_list_tables(cat, dataset, &tables, &n, &err) == LL_OK) {
		json_t *list = json_array();
		json_object_set_new(pipeline, "tables", list);
		for (size_t i = 0; i < n; i++) {
			uint64_t rows = tables[i].rows;
			size_t files = tables[i].nfiles;
			bool unreadable = tables[i].format == LL_FORMAT_ICEBERG &&
					  !iceberg_counts(storage, &tables[i], &rows, &files);
			unknown |= unreadable;
			json_array_append_new(
				list,
				json_pack("{s:s, s:s, s:o, s:o, s:I, s:s}", "dataset", tables[i].dataset,
					  "name", tables[i].name, "rows",
					  unreadable || tables[i].counts_unknown
						  ? json_null()
						  : json_integer((json_int_t)rows),
					  "files", unreadable ? json_null() : json_integer((json_int_t)files),
					  "columns", (json_int_t)tables[i].ncolumns, "format",
					  ll_table_format_name(tables[i].format)));
		}
		ll_catalog_tables_free(tables, n);
	}
	if (unknown)
		json_object_set_new(
			pipeline, "tables_note",
			json_sprintf("the table's Iceberg metadata could not be read%s",
				     storage ? "" : "; an S3 lake needs credentials and --endpoint-url as for a query"));
	ll_catalog_free(cat);
	ll_storage_free(storage);
}

/* What one pipeline knows, as the object both printers read. */
static json_t *gather_pipeline(const char *home, const char *name, ll_config *config)
{
	ll_buf dir = LL_BUF_INIT, path = LL_BUF_INIT, text = LL_BUF_INIT;
	ll_buf_printf(&dir, "%s/pipelines/%s", home, name);
	ll_path_join(&path, ll_buf_cstr(&dir), "state.json");
	ll_error err;
	json_t *doc = NULL;
	if (ll_fs_read_all(ll_buf_cstr(&path), &text, &err) == LL_OK)
		doc = json_loadb(ll_buf_cstr(&text), text.len, 0, NULL);
	const char *dataset = json_string_value(json_object_get(doc, "dataset_name"));
	const char *lake = json_string_value(json_object_get(doc, "lake"));
	const char *destination = json_string_value(json_object_get(doc, "destination"));
	json_t *loads = json_array();
	json_t *p = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:o}", "name", name, "working_dir",
			      ll_buf_cstr(&dir), "dataset", dataset, "lake", lake, "destination",
			      destination, "loads", loads);
	for (int s = 0; s < LL_PACKAGE_STATES; s++)
		gather_packages(ll_buf_cstr(&dir), (ll_package_state)s, loads);
	bool athena = destination && strcmp(destination, "athena") == 0;
	if (lake && dataset)
		gather_tables(home, lake, json_string_value(json_object_get(doc, "catalog")), athena,
			      dataset, config, p);
	json_decref(doc);
	ll_buf_free(&dir);
	ll_buf_free(&path);
	ll_buf_free(&text);
	return p;
}

/* A string member of obj, or "?" when it has none. */
static const char *member(const json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));
	return v ? v : "?";
}

static void print_load_text(const json_t *load, FILE *out)
{
	if (!json_object_get(load, "table")) {
		fprintf(out, "    %s  %-10s\n", member(load, "load_id"), member(load, "state"));
		return;
	}
	fprintf(out, "    %s  %-10s  %s -> %s (%s), %" JSON_INTEGER_FORMAT " records, %" JSON_INTEGER_FORMAT " files\n",
		member(load, "load_id"), member(load, "state"), member(load, "source"),
		member(load, "table"), member(load, "write_disposition"),
		json_integer_value(json_object_get(load, "records")),
		json_integer_value(json_object_get(load, "files")));
	if (json_object_get(load, "reason"))
		fprintf(out, "      reason: %s\n", member(load, "reason"));
}

static void print_table_text(const json_t *t, FILE *out)
{
	const json_t *rows = json_object_get(t, "rows"), *files = json_object_get(t, "files");
	char counts[64];
	if (json_is_null(files))
		snprintf(counts, sizeof(counts), "%10s rows  %4s files", "?", "?");
	else if (json_is_null(rows))
		snprintf(counts, sizeof(counts), "%10s rows  %4" JSON_INTEGER_FORMAT " files", "-",
			 json_integer_value(files));
	else
		snprintf(counts, sizeof(counts), "%10" JSON_INTEGER_FORMAT " rows  %4" JSON_INTEGER_FORMAT " files",
			 json_integer_value(rows), json_integer_value(files));
	fprintf(out, "    %s.%-32s %s  %3" JSON_INTEGER_FORMAT " columns  %s\n", member(t, "dataset"),
		member(t, "name"), counts, json_integer_value(json_object_get(t, "columns")),
		member(t, "format"));
}

static void print_pipeline_text(const json_t *p, FILE *out)
{
	fprintf(out, "pipeline %s\n  working dir: %s\n  dataset: %s\n  lake: %s\n  loads:\n",
		member(p, "name"), member(p, "working_dir"), member(p, "dataset"), member(p, "lake"));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(p, "loads"), i, v)
		print_load_text(v, out);
	const char *destination = json_string_value(json_object_get(p, "destination"));
	if (destination && strcmp(destination, "athena") == 0)
		fprintf(out, "  destination: athena (tables in AWS Glue)\n");
	const json_t *tables = json_object_get(p, "tables");
	if (json_object_get(p, "tables_error"))
		fprintf(out, "  tables: (%s)\n", member(p, "tables_error"));
	else if (tables)
		fprintf(out, "  tables:%s\n", json_array_size(tables) ? "" : " none yet");
	json_array_foreach(tables, i, v)
		print_table_text(v, out);
	if (json_object_get(p, "tables_note"))
		fprintf(out, "  (? : %s)\n", member(p, "tables_note"));
}

/*
 * Gathers {"home", "pipelines": [...]}: the named pipeline, or every
 * pipeline in home.
 */
static ll_status gather_info(const char *home, const char *pipeline, ll_config *config,
			     json_t **info, ll_error *err)
{
	ll_buf root = LL_BUF_INIT, dir = LL_BUF_INIT;
	ll_pipeline_home(home, &root);
	ll_buf_printf(&dir, "%s/pipelines", ll_buf_cstr(&root));
	json_t *list = json_array();
	*info = json_pack("{s:s, s:o}", "home", ll_buf_cstr(&root), "pipelines", list);
	ll_status st = LL_OK;
	if (pipeline) {
		ll_buf_printf(&dir, "/%s", pipeline);
		if (!ll_fs_is_dir(ll_buf_cstr(&dir)))
			st = ll_error_set(err, LL_ENOTFOUND, "no pipeline named %s in %s", pipeline,
					  ll_buf_cstr(&root));
		else
			json_array_append_new(list, gather_pipeline(ll_buf_cstr(&root), pipeline, config));
	} else {
		char **names;
		size_t n;
		st = ll_fs_list(ll_buf_cstr(&dir), &names, &n, err);
		for (size_t i = 0; st == LL_OK && i < n; i++)
			json_array_append_new(list, gather_pipeline(ll_buf_cstr(&root), names[i], config));
		if (st == LL_OK)
			ll_fs_free_list(names, n);
	}
	ll_buf_free(&root);
	ll_buf_free(&dir);
	if (st != LL_OK) {
		json_decref(*info);
		*info = NULL;
	}
	return st;
}

/* Prints the gathered info to out, one way. */
typedef ll_status (*info_printer)(const json_t *info, FILE *out, ll_error *err);

static ll_status print_info_text(const json_t *info, FILE *out, ll_error *err)
{
	(void)err;
	const json_t *list = json_object_get(info, "pipelines");
	if (json_array_size(list) == 0)
		fprintf(out, "no pipelines in %s yet; run lakeload load first\n",
			json_string_value(json_object_get(info, "home")));
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p)
		print_pipeline_text(p, out);
	return LL_OK;
}

static ll_status print_info_json(const json_t *info, FILE *out, ll_error *err)
{
	return json_dumpf(info, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF
		       ? LL_OK
		       : ll_error_set(err, LL_EIO, "could not write the information");
}

static ll_status print_info(const char *home, const char *pipeline, ll_config *config,
			    info_printer print, FILE *out, ll_error *err)
{
	json_t *info;
	ll_status st = gather_info(home, pipeline, config, &info, err);
	if (st == LL_OK)
		st = print(info, out, err);
	json_decref(info);
	return st;
}

ll_status ll_info_print(const char *home, const char *pipeline, FILE *out, ll_error *err)
{
	return ll_info_print_config(home, pipeline, NULL, out, err);
}

ll_status ll_info_print_config(const char *home, const char *pipeline, ll_config *config,
			       FILE *out, ll_error *err)
{
	return print_info(home, pipeline, config, print_info_text, out, err);
}

ll_status ll_info_print_json(const char *home, const char *pipeline, ll_config *config,
			     FILE *out, ll_error *err)
{
	return print_info(home, pipeline, config, print_info_json, out, err);
}
