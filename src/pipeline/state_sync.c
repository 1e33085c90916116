/*
 * Restoring a pipeline from its destination, as dlt does when the local
 * working directory is gone: the newest `_dlt_pipeline_state` row of the
 * pipeline gives the state (its version), the newest `_dlt_version` row of
 * its schema gives the schema, field ids and all, each among the rows of
 * loads that finished (as dlt joins the state on `_dlt_loads`), so the next load
 * continues the same tables instead of starting new ones. Nothing is
 * loaded again: what was loaded is in the lake already.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "load/dlt_tables.h"
#include "pipeline/pipeline_internal.h"

typedef struct first_row {
	ll_buf text;
	int64_t number;
	bool found;
} first_row;

static int keep_first_row(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	first_row *r = user;
	(void)names;
	r->found = true;
	if (ncols > 0 && cells[0].kind == LL_CELL_INT)
		r->number = cells[0].i;
	if (ncols > 1 && cells[1].kind == LL_CELL_TEXT)
		ll_buf_append(&r->text, cells[1].s, cells[1].len);
	return 1;
}

/* Appends s as a SQL string literal. */
static void sql_literal(ll_buf *out, const char *s)
{
	ll_buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			ll_buf_putc(out, '\'');
		ll_buf_putc(out, *s);
	}
	ll_buf_putc(out, '\'');
}

/*
 * Whether the dataset has the dlt table and _dlt_loads, so a query on them
 * cannot fail for their absence.
 */
static ll_status has_tables(ll_pipeline *p, const char *table, bool *out, ll_error *err)
{
	ll_catalog_table *tables;
	size_t n;
	ll_status st = ll_catalog_list_tables(p->catalog, p->dataset, &tables, &n, err);
	bool found = false, loads = false;
	for (size_t i = 0; st == LL_OK && i < n; i++) {
		found = found || strcmp(tables[i].name, table) == 0;
		loads = loads || strcmp(tables[i].name, LL_DLT_LOADS_TABLE) == 0;
	}
	*out = found && loads;
	if (st == LL_OK)
		ll_catalog_tables_free(tables, n);
	return st;
}

/*
 * The newest row of the table whose key is value, among the rows of loads
 * that finished: its column `own` must be some `loads_column` of a
 * _dlt_loads row. A load's _dlt_version and _dlt_pipeline_state rows commit
 * before its data, so a load that failed for good or was dropped after
 * them leaves rows there that describe nothing in the lake.
 */
static ll_status newest_row(ll_pipeline *p, const char *table, const char *columns,
			    const char *key, const char *value, const char *own,
			    const char *loads_column, first_row *row, ll_error *err)
{
	bool exists;
	ll_status st = has_tables(p, table, &exists, err);
	if (st != LL_OK || !exists)
		return st;
	ll_buf sql = LL_BUF_INIT;
	ll_buf_printf(&sql, "SELECT %s FROM \"%s\".\"%s\" WHERE %s = ", columns, p->dataset, table, key);
	sql_literal(&sql, value);
	ll_buf_printf(&sql, " AND %s IN (SELECT %s FROM \"%s\".\"%s\" WHERE status = 0)", own,
		      loads_column, p->dataset, LL_DLT_LOADS_TABLE);
	ll_buf_puts(&sql, " ORDER BY version DESC LIMIT 1");
	st = ll_buf_oom(&sql) ? ll_error_oom(err)
			       : ll_pipeline_query(p, ll_buf_cstr(&sql), keep_first_row, row, err);
	ll_buf_free(&sql);
	return st;
}

static ll_status restore_schema(ll_pipeline *p, ll_error *err)
{
	first_row row = { LL_BUF_INIT, 0, false };
	ll_status st = newest_row(p, "_dlt_version", "version, schema", "schema_name", p->name,
				  "version_hash", "schema_version_hash", &row, err);
	ll_schema *schema = NULL;
	if (st == LL_OK && row.found)
		st = ll_schema_from_json(ll_buf_cstr(&row.text), row.text.len, "_dlt_version", &schema, err);
	if (st == LL_OK && schema)
		st = ll_schema_add_dlt_tables(schema, err);
	if (st == LL_OK && schema) {
		ll_schema_free(p->schema);
		p->schema = schema;
		ll_log(&p->logger, LL_LOG_INFO,
		       "restored schema %s version %lld from the destination", schema->name,
		       (long long)schema->version);
	} else {
		ll_schema_free(schema);
	}
	ll_buf_free(&row.text);
	return st;
}

static ll_status restore_state(ll_pipeline *p, ll_error *err)
{
	first_row row = { LL_BUF_INIT, 0, false };
	ll_status st = newest_row(p, "_dlt_pipeline_state", "version, state", "pipeline_name",
				  p->name, "_dlt_load_id", "load_id", &row, err);
	ll_buf json = LL_BUF_INIT;
	if (st == LL_OK && row.found)
		st = ll_dlt_decode_state(ll_buf_cstr(&row.text), row.text.len, &json, err);
	if (st == LL_OK && row.found)
		st = ll_pipeline_adopt_state(p, json.data, json.len, err);
	if (st == LL_OK && row.found) {
		p->state_version = row.number;
		ll_log(&p->logger, LL_LOG_INFO,
		       "restored the state of pipeline %s (version %lld) from the destination", p->name,
		       (long long)row.number);
	}
	ll_buf_free(&json);
	ll_buf_free(&row.text);
	return st;
}

ll_status ll_pipeline_restore_from_lake(ll_pipeline *p, ll_error *err)
{
	ll_status st = restore_state(p, err);
	if (st == LL_OK)
		st = restore_schema(p, err);
	if (st != LL_OK)
		ll_error_prefix(err, "restoring pipeline %s from its destination", p->name);
	return st;
}
