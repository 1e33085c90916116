/*
 * Athena's information_schema for lakeload serve: dlt reads a destination's
 * tables and columns from information_schema.tables and .columns (its
 * get_storage_tables), so a query that names information_schema runs on an
 * in-memory SQLite database holding those two tables, filled from every
 * table the served lake has (the Glue store's and the catalog's unshadowed
 * ones, as queries see them), with Athena's (Trino's) type names: varchar,
 * bigint, double, boolean, timestamp(3), date, decimal(p,s), varbinary.
 * Such a query reads only information_schema; it cannot join lake tables.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/serve_internal.h"

static const char schema_sql[] =
	"ATTACH ':memory:' AS information_schema;"
	"CREATE TABLE information_schema.tables (table_catalog TEXT, table_schema TEXT,"
	" table_name TEXT, table_type TEXT);"
	"CREATE TABLE information_schema.columns (table_catalog TEXT, table_schema TEXT,"
	" table_name TEXT, column_name TEXT, ordinal_position INTEGER, column_default TEXT,"
	" is_nullable TEXT, data_type TEXT, comment TEXT, extra_info TEXT);"
	"CREATE TABLE information_schema.schemata (catalog_name TEXT, schema_name TEXT);";

bool serve_names_info_schema(const char *sql)
{
	return strcasestr(sql, "information_schema") != NULL;
}

/* Trino's name for a Hive type as Glue stores it. */
static void trino_type(const char *hive, ll_buf *out)
{
	if (strcmp(hive, "string") == 0 || strncmp(hive, "char", 4) == 0)
		ll_buf_puts(out, "varchar");
	else if (strcmp(hive, "binary") == 0)
		ll_buf_puts(out, "varbinary");
	else if (strcmp(hive, "timestamp") == 0)
		ll_buf_puts(out, "timestamp(3)");
	else if (strcmp(hive, "int") == 0)
		ll_buf_puts(out, "integer");
	else
		ll_buf_puts(out, hive);
}

static bool insert_column(sqlite3_stmt *ins, const char *database, const char *table,
			  const json_t *col, int position)
{
	ll_buf type = LL_BUF_INIT;
	const char *hive = serve_str(col, "Type");
	trino_type(hive ? hive : "varchar", &type);
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, database, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 2, table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 3, serve_str(col, "Name"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(ins, 4, position);
	sqlite3_bind_text(ins, 5, ll_buf_cstr(&type), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 6, serve_str(col, "Comment"), -1, SQLITE_TRANSIENT);
	bool ok = sqlite3_step(ins) == SQLITE_DONE;
	ll_buf_free(&type);
	return ok;
}

/* One table's row in .tables and its columns (then partition keys) in .columns. */
static bool insert_table(sqlite3_stmt *ins_table, sqlite3_stmt *ins_column, const char *database,
			 const char *table, const json_t *doc)
{
	sqlite3_reset(ins_table);
	sqlite3_bind_text(ins_table, 1, database, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins_table, 2, table, -1, SQLITE_TRANSIENT);
	bool ok = sqlite3_step(ins_table) == SQLITE_DONE;
	int position = 0;
	const json_t *lists[] = { json_object_get(json_object_get(doc, "StorageDescriptor"), "Columns"),
				  json_object_get(doc, "PartitionKeys") };
	for (size_t l = 0; ok && l < 2; l++) {
		size_t i;
		json_t *col;
		json_array_foreach(lists[l], i, col)
			ok = ok && insert_column(ins_column, database, table, col, ++position);
	}
	return ok;
}

static ll_status fill(ll_serve *s, sqlite3 *db, ll_catalog *catalog, sqlite3 *mem, ll_error *err)
{
	ll_engine_provider provider;
	serve_provider *p;
	ll_engine_table *tables = NULL;
	size_t n = 0;
	ll_status st = serve_provider_new(&p, s, db, catalog, &provider, err);
	if (st == LL_OK)
		st = provider.list_tables(provider.ctx, &tables, &n, err);
	sqlite3_stmt *ins_table = NULL, *ins_column = NULL, *ins_schema = NULL;
	if (st == LL_OK &&
	    (sqlite3_prepare_v2(mem, "INSERT INTO information_schema.tables VALUES "
				     "('awsdatacatalog', ?1, ?2, 'BASE TABLE')", -1, &ins_table, NULL) ||
	     sqlite3_prepare_v2(mem, "INSERT INTO information_schema.columns VALUES "
				     "('awsdatacatalog', ?1, ?2, ?3, ?4, NULL, 'YES', ?5, ?6, NULL)",
				-1, &ins_column, NULL) ||
	     sqlite3_prepare_v2(mem, "INSERT INTO information_schema.schemata VALUES "
				     "('awsdatacatalog', ?1)", -1, &ins_schema, NULL)))
		st = ll_error_set(err, LL_EIO, "information_schema: %s", sqlite3_errmsg(mem));
	for (size_t i = 0; st == LL_OK && i < n; i++) {
		json_t *doc = serve_glue_table_doc(s, db, catalog, tables[i].dataset, tables[i].name);
		if (doc && !insert_table(ins_table, ins_column, tables[i].dataset, tables[i].name, doc))
			st = ll_error_set(err, LL_EIO, "information_schema: %s", sqlite3_errmsg(mem));
		json_decref(doc);
	}
	json_t *names = st == LL_OK ? serve_store_database_names(db, catalog) : NULL;
	size_t i;
	json_t *name;
	json_array_foreach(names, i, name) {
		sqlite3_reset(ins_schema);
		sqlite3_bind_text(ins_schema, 1, json_string_value(name), -1, SQLITE_TRANSIENT);
		sqlite3_step(ins_schema);
	}
	json_decref(names);
	sqlite3_finalize(ins_table);
	sqlite3_finalize(ins_column);
	sqlite3_finalize(ins_schema);
	if (tables)
		provider.free_tables(provider.ctx, tables, n);
	serve_provider_free(p);
	return st;
}

static ll_status run(sqlite3 *mem, const char *sql, const ll_engine_sink *sink, ll_error *err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(mem, sql, -1, &stmt, NULL) != SQLITE_OK)
		return ll_error_set(err, LL_ESQL, "%s", sqlite3_errmsg(mem));
	int ncols = sqlite3_column_count(stmt);
	const char **names = calloc((size_t)ncols + 1, sizeof(*names));
	ll_cell *cells = calloc((size_t)ncols + 1, sizeof(*cells));
	ll_status st = names && cells ? LL_OK : ll_error_oom(err);
	for (int i = 0; st == LL_OK && i < ncols; i++)
		names[i] = sqlite3_column_name(stmt, i);
	if (st == LL_OK)
		sink->columns(sink->user, (size_t)ncols, names);
	int rc = SQLITE_ROW;
	while (st == LL_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++)
			ll_engine_cell_from_sqlite(stmt, i, &cells[i]);
		if (sink->row(sink->user, (size_t)ncols, names, cells))
			break;
	}
	if (st == LL_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = ll_error_set(err, LL_ESQL, "%s", sqlite3_errmsg(mem));
	free(names);
	free(cells);
	sqlite3_finalize(stmt);
	return st;
}

ll_status serve_info_schema_query(ll_serve *s, sqlite3 *db, ll_catalog *catalog, const char *sql,
				  const ll_engine_sink *sink, ll_error *err)
{
	sqlite3 *mem = NULL;
	if (sqlite3_open(":memory:", &mem) != SQLITE_OK ||
	    sqlite3_exec(mem, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		ll_status st = ll_error_set(err, LL_EIO, "information_schema: %s",
					    mem ? sqlite3_errmsg(mem) : "out of memory");
		sqlite3_close(mem);
		return st;
	}
	ll_status st = fill(s, db, catalog, mem, err);
	if (st == LL_OK)
		st = run(mem, sql, sink, err);
	sqlite3_close(mem);
	return st;
}
