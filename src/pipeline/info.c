/*
 * `lakeload info`: what a pipeline knows, for people. Reads the working
 * directory and the catalog without taking the pipeline's lock, so it works
 * while a load runs (and may then show that load as in progress).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "formats/iceberg/metadata.h"
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
 * Rows and files of an Iceberg table from its current snapshot's summary.
 * Only a local lake's metadata is read: info runs without credentials.
 */
static void iceberg_counts(const ll_catalog_table *t, uint64_t *rows, size_t *files)
{
	const char *loc = t->metadata_location;
	if (!loc || (strncmp(loc, "file://", 7) != 0 && loc[0] != '/'))
		return;
	ll_buf text = LL_BUF_INIT;
	ll_error err;
	ll_iceberg_metadata *md = NULL;
	const char *path = strncmp(loc, "file://", 7) == 0 ? loc + 7 : loc;
	if (ll_fs_read_all(path, &text, &err) == LL_OK &&
	    ll_iceberg_metadata_parse(text.data, text.len, loc, &md, &err) == LL_OK) {
		const ll_iceberg_snapshot *snap = ll_iceberg_metadata_current_snapshot(md);
		const char *r = snap ? ll_iceberg_snapshot_summary(snap, "total-records") : NULL;
		const char *f = snap ? ll_iceberg_snapshot_summary(snap, "total-data-files") : NULL;
		const char *d = snap ? ll_iceberg_snapshot_summary(snap, "total-position-deletes") : NULL;
		*rows = (r ? strtoull(r, NULL, 10) : 0) - (d ? strtoull(d, NULL, 10) : 0);
		*files = f ? (size_t)strtoull(f, NULL, 10) : 0;
	}
	ll_iceberg_metadata_free(md);
	ll_buf_free(&text);
}

static void print_tables(const char *lake, const char *catalog, const char *dataset, FILE *out)
{
	ll_catalog *cat;
	ll_error err;
	if (open_catalog(lake, catalog, &cat, &err) != LL_OK) {
		fprintf(out, "  tables: (lake %s not found)\n", lake);
		return;
	}
	ll_catalog_table *tables;
	size_t n;
	if (ll_catalog_list_tables(cat, dataset, &tables, &n, &err) == LL_OK) {
		fprintf(out, "  tables:%s\n", n ? "" : " none yet");
		for (size_t i = 0; i < n; i++) {
			uint64_t rows = tables[i].rows;
			size_t files = tables[i].nfiles;
			if (tables[i].format == LL_FORMAT_ICEBERG)
				iceberg_counts(&tables[i], &rows, &files);
			fprintf(out, "    %s.%-32s %10llu rows  %4zu files  %3zu columns  %s\n", tables[i].dataset,
				tables[i].name, (unsigned long long)rows, files, tables[i].ncolumns,
				ll_table_format_name(tables[i].format));
		}
		ll_catalog_tables_free(tables, n);
	}
	ll_catalog_free(cat);
}

static void print_pipeline(const char *home, const char *name, FILE *out)
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
	if (lake && dataset)
		print_tables(lake, json_string_value(json_object_get(doc, "catalog")), dataset, out);
	json_decref(doc);
	ll_buf_free(&dir);
	ll_buf_free(&path);
	ll_buf_free(&text);
}

ll_status ll_info_print(const char *home, const char *pipeline, FILE *out, ll_error *err)
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
			print_pipeline(ll_buf_cstr(&root), pipeline, out);
	} else {
		char **names;
		size_t n;
		st = ll_fs_list(ll_buf_cstr(&dir), &names, &n, err);
		if (st == LL_OK && n == 0)
			fprintf(out, "no pipelines in %s yet; run lakeload load first\n", ll_buf_cstr(&root));
		for (size_t i = 0; st == LL_OK && i < n; i++)
			print_pipeline(ll_buf_cstr(&root), names[i], out);
		if (st == LL_OK)
			ll_fs_free_list(names, n);
	}
	ll_buf_free(&root);
	ll_buf_free(&dir);
	return st;
}
