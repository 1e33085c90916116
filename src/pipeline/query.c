/*
 * Queries over a lake: the local catalog as the engine's table provider.
 *
 * Each query reads the catalog's current tables (one consistent set of
 * files, since a load commits in one transaction) and hands them to the
 * embedded engine. Hive tables hold millisecond timestamps, so their
 * timestamp columns print with three fraction digits.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "engine/engine.h"
#include "lakeload.h"
#include "util/fs.h"

typedef struct lake_provider {
	ll_catalog *catalog;
	ll_catalog_table *tables;
	size_t ntables;
} lake_provider;

static void free_engine_tables(void *ctx, ll_engine_table *tables, size_t n)
{
	lake_provider *lp = ctx;
	for (size_t i = 0; i < n; i++)
		free((void *)tables[i].columns);
	free(tables);
	ll_catalog_tables_free(lp->tables, lp->ntables);
	lp->tables = NULL;
	lp->ntables = 0;
}

static ll_status list_engine_tables(void *ctx, ll_engine_table **out, size_t *n, ll_error *err)
{
	lake_provider *lp = ctx;
	ll_status st = ll_catalog_list_tables(lp->catalog, NULL, &lp->tables, &lp->ntables, err);
	if (st != LL_OK)
		return st;
	ll_engine_table *tables = calloc(lp->ntables + 1, sizeof(*tables));
	if (!tables)
		return ll_error_oom(err);
	for (size_t i = 0; i < lp->ntables; i++) {
		const ll_catalog_table *ct = &lp->tables[i];
		ll_engine_column *cols = calloc(ct->ncolumns + 1, sizeof(*cols));
		if (!cols) {
			free_engine_tables(lp, tables, i);
			return ll_error_oom(err);
		}
		for (size_t k = 0; k < ct->ncolumns; k++) {
			cols[k] = (ll_engine_column){ ct->columns[k].name, ct->columns[k].type,
						      ct->columns[k].precision, ct->columns[k].scale,
						      ct->format == LL_FORMAT_ICEBERG ? LL_TS_MICROS : LL_TS_MILLIS };
		}
		tables[i] = (ll_engine_table){ ct->dataset, ct->name, cols, ct->ncolumns,
					       (const char *const *)ct->files, ct->nfiles, ct->rows };
	}
	*out = tables;
	*n = lp->ntables;
	return LL_OK;
}

/* Opens the lake's catalog and an engine over it; the lake must exist. */
static ll_status open_lake_engine(const char *lake, lake_provider *lp, ll_engine **engine,
				  ll_error *err)
{
	memset(lp, 0, sizeof(*lp));
	if (!ll_fs_is_dir(lake))
		return ll_error_set(err, LL_ENOTFOUND,
				    "lake %s does not exist; load data first or pass --lake DIR", lake);
	ll_status st = ll_catalog_open(&lp->catalog, lake, err);
	if (st != LL_OK)
		return st;
	ll_engine_provider provider = { lp, list_engine_tables, free_engine_tables, NULL };
	st = ll_engine_open(engine, &provider, err);
	if (st != LL_OK)
		ll_catalog_free(lp->catalog);
	return st;
}

ll_status ll_lake_query_opts(const ll_lake_options *opt, const char *sql, ll_row_fn fn,
			     void *user, ll_error *err)
{
	lake_provider lp;
	ll_engine *engine;
	ll_status st = open_lake_engine(opt->lake, &lp, &engine, err);
	if (st != LL_OK)
		return st;
	st = ll_engine_query(engine, sql, fn, user, err);
	ll_engine_free(engine);
	ll_catalog_free(lp.catalog);
	return st;
}

ll_status ll_lake_query_print_opts(const ll_lake_options *opt, const char *sql,
				   ll_result_format format, FILE *out, ll_error *err)
{
	lake_provider lp;
	ll_engine *engine;
	ll_status st = open_lake_engine(opt->lake, &lp, &engine, err);
	if (st != LL_OK)
		return st;
	st = ll_engine_query_print(engine, sql, format, out, err);
	ll_engine_free(engine);
	ll_catalog_free(lp.catalog);
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
