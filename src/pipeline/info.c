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

static void print_packages(const char *dir, ll_package_state state, FILE *out)
{
	char **ids;
	size_t n;
	ll_error err;
	if (ll_package_list(dir, state, &ids, &n, &err) != LL_OK)
		return;
	ll_buf pkg = LL_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		ll_buf_clear(&pkg);
		ll_package_path(&pkg, dir, state, ids[i]);
		ll_package_manifest m;
		if (state == LL_PACKAGE_EXTRACTING ||
		    ll_package_read_manifest(ll_buf_cstr(&pkg), &m, &err) != LL_OK) {
			fprintf(out, "    %s  %-10s\n", ids[i], ll_package_state_name(state));
			continue;
		}
		fprintf(out, "    %s  %-10s  %s -> %s (%s), %llu records, %zu files\n", ids[i],
			ll_package_state_name(state), m.source, m.root_table,
			ll_write_disposition_name(m.disposition), (unsigned long long)m.root_rows, m.njobs);
		ll_package_manifest_free(&m);
		if (state == LL_PACKAGE_FAILED) {
			ll_buf reason = LL_BUF_INIT;
			ll_package_failure_reason(ll_buf_cstr(&pkg), &reason);
			fprintf(out, "      reason: %s\n", ll_buf_cstr(&reason));
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

static void print_tables(const char *home, const char *lake, const char *catalog, bool athena,
			 const char *dataset, ll_config *config, FILE *out)
{
	ll_catalog *cat;
	ll_storage *storage;
	ll_error err;
	ll_error_clear(&err);
	if (open_lake(home, lake, catalog, athena, config, &storage, &cat, &err) != LL_OK) {
		if (athena)
			fprintf(out, "  tables: (in AWS Glue, not reachable: %s)\n", err.message);
		else
			fprintf(out, "  tables: (lake %s not found)\n", lake);
		return;
	}
	ll_catalog_table *tables;
	size_t n;
	bool unknown = false;
	if (ll_catalog_list_tables(cat, dataset, &tables, &n, &err) == LL_OK) {
		fprintf(out, "  tables:%s\n", n ? "" : " none yet");
		for (size_t i = 0; i < n; i++) {
			uint64_t rows = tables[i].rows;
			size_t files = tables[i].nfiles;
			char counts[64];
			if (tables[i].format == LL_FORMAT_ICEBERG &&
			    !iceberg_counts(storage, &tables[i], &rows, &files)) {
				snprintf(counts, sizeof(counts), "%10s rows  %4s files", "?", "?");
				unknown = true;
			} else if (tables[i].counts_unknown) {
				snprintf(counts, sizeof(counts), "%10s rows  %4zu files", "-", files);
			} else {
				snprintf(counts, sizeof(counts), "%10llu rows  %4zu files",
					 (unsigned long long)rows, files);
			}
			fprintf(out, "    %s.%-32s %s  %3zu columns  %s\n", tables[i].dataset,
				tables[i].name, counts, tables[i].ncolumns,
				ll_table_format_name(tables[i].format));
		}
		ll_catalog_tables_free(tables, n);
	}
	if (unknown)
		fprintf(out, "  (? : the table's Iceberg metadata could not be read%s)\n",
			storage ? "" : "; an S3 lake needs credentials and --endpoint-url as for a query");
	ll_catalog_free(cat);
	ll_storage_free(storage);
}

static void print_pipeline(const char *home, const char *name, ll_config *config, FILE *out)
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
	fprintf(out, "pipeline %s\n  working dir: %s\n  dataset: %s\n  lake: %s\n  loads:\n", name,
		ll_buf_cstr(&dir), dataset ? dataset : "?", lake ? lake : "?");
	for (int s = 0; s < LL_PACKAGE_STATES; s++)
		print_packages(ll_buf_cstr(&dir), (ll_package_state)s, out);
	const char *destination = json_string_value(json_object_get(doc, "destination"));
	bool athena = destination && strcmp(destination, "athena") == 0;
	if (athena)
		fprintf(out, "  destination: athena (tables in AWS Glue)\n");
	if (lake && dataset)
		print_tables(home, lake, json_string_value(json_object_get(doc, "catalog")), athena,
			     dataset, config, out);
	json_decref(doc);
	ll_buf_free(&dir);
	ll_buf_free(&path);
	ll_buf_free(&text);
}

ll_status ll_info_print(const char *home, const char *pipeline, FILE *out, ll_error *err)
{
	return ll_info_print_config(home, pipeline, NULL, out, err);
}

ll_status ll_info_print_config(const char *home, const char *pipeline, ll_config *config,
			       FILE *out, ll_error *err)
{
	ll_buf root = LL_BUF_INIT, dir = LL_BUF_INIT;
	ll_pipeline_home(home, &root);
	ll_buf_printf(&dir, "%s/pipelines", ll_buf_cstr(&root));
	ll_status st = LL_OK;
	if (pipeline) {
		ll_buf_printf(&dir, "/%s", pipeline);
		if (!ll_fs_is_dir(ll_buf_cstr(&dir)))
			st = ll_error_set(err, LL_ENOTFOUND, "no pipeline named %s in %s", pipeline,
					  ll_buf_cstr(&root));
		else
			print_pipeline(ll_buf_cstr(&root), pipeline, config, out);
	} else {
		char **names;
		size_t n;
		st = ll_fs_list(ll_buf_cstr(&dir), &names, &n, err);
		if (st == LL_OK && n == 0)
			fprintf(out, "no pipelines in %s yet; run lakeload load first\n", ll_buf_cstr(&root));
		for (size_t i = 0; st == LL_OK && i < n; i++)
			print_pipeline(ll_buf_cstr(&root), names[i], config, out);
		if (st == LL_OK)
			ll_fs_free_list(names, n);
	}
	ll_buf_free(&root);
	ll_buf_free(&dir);
	return st;
}
