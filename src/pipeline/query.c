/*
 * Queries over a lake: the catalog as the engine's table provider, and the
 * lake's storage opening the files it lists (local paths, or S3 objects
 * read by range).
 *
 * Each query reads the catalog's current tables (one consistent set of
 * files, since a load commits in one transaction) and hands their names to
 * the embedded engine; the engine then has the tables its query names
 * described: a hive table from the catalog's columns and files, an Iceberg
 * table by planning its snapshot from the metadata location listed. Hive
 * tables hold millisecond timestamps, so their timestamp columns print with
 * three fraction digits.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "engine/result_print.h"
#include "engine/engine.h"
#include "lakeload.h"
#include "pipeline/pipeline_internal.h"
#include "util/fs.h"

typedef struct lake_provider {
	ll_catalog *catalog;
	ll_catalog_table *tables;
	size_t ntables;
	ll_iceberg_engine_table **iceberg; /* per table: its plan once opened, else NULL */
} lake_provider;

static void free_engine_tables(void *ctx, ll_engine_table *tables, size_t n)
{
	lake_provider *lp = ctx;
	for (size_t i = 0; i < n; i++) {
		if (lp->iceberg && lp->iceberg[i])
			ll_iceberg_engine_table_free(lp->iceberg[i]);
		else
			free((void *)tables[i].columns);
	}
	free(lp->iceberg);
	lp->iceberg = NULL;
	free(tables);
	ll_catalog_tables_free(lp->tables, lp->ntables);
	lp->tables = NULL;
	lp->ntables = 0;
}

/*
 * Lists the catalog's tables by name only: the catalog is one local SQLite
 * read, while describing an Iceberg table reads its metadata and manifests
 * from the lake, which open_engine_table does for the tables a query names.
 */
static ll_status list_engine_tables(void *ctx, ll_engine_table **out, size_t *n, ll_error *err)
{
	lake_provider *lp = ctx;
	ll_status st = ll_catalog_list_tables(lp->catalog, NULL, &lp->tables, &lp->ntables, err);
	if (st != LL_OK)
		return st;
	ll_engine_table *tables = calloc(lp->ntables + 1, sizeof(*tables));
	lp->iceberg = calloc(lp->ntables + 1, sizeof(*lp->iceberg));
	if (!tables || !lp->iceberg) {
		free_engine_tables(lp, tables, 0);
		return ll_error_oom(err);
	}
	for (size_t i = 0; i < lp->ntables; i++)
		tables[i] = (ll_engine_table){ .dataset = lp->tables[i].dataset,
					       .name = lp->tables[i].name };
	*out = tables;
	*n = lp->ntables;
	return LL_OK;
}

/*
 * A table the catalog describes itself (hive, or Iceberg before its first
 * commit): hive tables hold millisecond timestamps, Iceberg ones microseconds.
 */
static ll_status open_table_from_catalog(const ll_catalog_table *ct, ll_engine_table *et,
					  ll_error *err)
{
	if (ct->unreadable)
		return ll_error_set(err, LL_EUNSUPPORTED, "%s", ct->unreadable);
	ll_engine_column *cols = calloc(ct->ncolumns + 1, sizeof(*cols));
	if (!cols)
		return ll_error_oom(err);
	for (size_t k = 0; k < ct->ncolumns; k++) {
		cols[k] = (ll_engine_column){ ct->columns[k].name, ct->columns[k].type,
					      ct->columns[k].precision, ct->columns[k].scale,
					      ct->format == LL_FORMAT_ICEBERG ? LL_TS_MICROS : LL_TS_MILLIS };
	}
	*et = (ll_engine_table){ ct->dataset, ct->name, cols, ct->ncolumns,
				 (const char *const *)ct->files, ct->nfiles, ct->rows, NULL, NULL };
	return LL_OK;
}

static ll_status open_engine_table(void *ctx, size_t i, ll_engine_table *et, ll_error *err)
{
	lake_provider *lp = ctx;
	const ll_catalog_table *ct = &lp->tables[i];
	if (ct->format == LL_FORMAT_ICEBERG && ct->metadata_location)
		return ll_iceberg_engine_table_open(ll_catalog_storage(lp->catalog), ct,
						    &lp->iceberg[i], et, err);
	return open_table_from_catalog(ct, et, err);
}

static ll_status open_engine_source(void *ctx, const char *path, ll_parquet_source *out,
				    ll_error *err)
{
	lake_provider *lp = ctx;
	return ll_storage_open_source(ll_catalog_storage(lp->catalog), path, out, err);
}

static ll_status open_engine(lake_provider *lp, ll_engine **engine, ll_error *err)
{
	ll_engine_provider provider = { lp, list_engine_tables, free_engine_tables,
					open_engine_source, open_engine_table };
	return ll_engine_open(engine, &provider, err);
}

/* Opens the lake's storage, its catalog and an engine over them; the lake must exist. */
static ll_status open_lake_engine(const ll_lake_options *opt, lake_provider *lp,
				  ll_storage **storage, ll_engine **engine, ll_error *err)
{
	memset(lp, 0, sizeof(*lp));
	ll_status st = ll_lake_open(opt, NULL, false, storage, &lp->catalog, err);
	if (st != LL_OK)
		return st;
	st = open_engine(lp, engine, err);
	if (st != LL_OK) {
		ll_catalog_free(lp->catalog);
		ll_storage_free(*storage);
	}
	return st;
}

static void close_lake_engine(lake_provider *lp, ll_storage *storage, ll_engine *engine)
{
	ll_engine_free(engine);
	ll_catalog_free(lp->catalog);
	ll_storage_free(storage);
}

/* Whether the lake's queries run on Athena rather than the embedded engine. */
static bool on_athena(const ll_lake_options *opt)
{
	return opt->athena && !opt->embedded_engine;
}

static ll_status print_from_athena(const ll_lake_options *opt, const char *sql,
				   ll_result_format format, FILE *out, ll_error *err)
{
	ll_result_printer *printer;
	ll_status st = ll_result_printer_new(&printer, format, out, err);
	if (st != LL_OK)
		return st;
	st = ll_lake_athena_query(opt, sql, ll_result_printer_row, printer, err);
	if (st == LL_OK)
		st = ll_result_printer_finish(printer, err);
	ll_result_printer_free(printer);
	return st;
}

ll_status ll_lake_query_opts(const ll_lake_options *opt, const char *sql, ll_row_fn fn,
			     void *user, ll_error *err)
{
	if (on_athena(opt))
		return ll_lake_athena_query(opt, sql, fn, user, err);
	lake_provider lp;
	ll_storage *storage;
	ll_engine *engine;
	ll_status st = open_lake_engine(opt, &lp, &storage, &engine, err);
	if (st != LL_OK)
		return st;
	st = ll_engine_query(engine, sql, fn, user, err);
	close_lake_engine(&lp, storage, engine);
	return st;
}

ll_status ll_lake_query_print_opts(const ll_lake_options *opt, const char *sql,
				   ll_result_format format, FILE *out, ll_error *err)
{
	if (on_athena(opt))
		return print_from_athena(opt, sql, format, out, err);
	lake_provider lp;
	ll_storage *storage;
	ll_engine *engine;
	ll_status st = open_lake_engine(opt, &lp, &storage, &engine, err);
	if (st != LL_OK)
		return st;
	st = ll_engine_query_print(engine, sql, format, out, err);
	close_lake_engine(&lp, storage, engine);
	return st;
}

ll_status ll_lake_query(const char *lake, const char *sql, ll_row_fn fn, void *user, ll_error *err)
{
	ll_lake_options opt = { .lake = lake };
	return ll_lake_query_opts(&opt, sql, fn, user, err);
}

ll_status ll_lake_query_print(const char *lake, const char *sql, ll_result_format format,
			      FILE *out, ll_error *err)
{
	ll_lake_options opt = { .lake = lake };
	return ll_lake_query_print_opts(&opt, sql, format, out, err);
}

ll_status ll_pipeline_query(ll_pipeline *p, const char *sql, ll_row_fn fn, void *user,
			    ll_error *err)
{
	lake_provider lp = { .catalog = p->catalog };
	ll_engine *engine;
	ll_status st = open_engine(&lp, &engine, err);
	if (st != LL_OK)
		return st;
	st = ll_engine_query(engine, sql, fn, user, err);
	ll_engine_free(engine);
	return st;
}
