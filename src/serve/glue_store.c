/*
 * The Glue documents lakeload serve keeps, in tables of its own in the
 * lake's catalog file (the catalog module's tables are only read, through
 * its API):
 *
 *   serve_glue_databases(name, doc)              DatabaseInput documents
 *   serve_glue_tables(database, name, doc, version)  TableInput documents
 *
 * version is Glue's VersionId: 1 on create, one more per update, so an
 * UpdateTable with a stale one is refused (compare-and-swap in one UPDATE).
 * Each thread uses its own connection; SQLite serializes writers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_internal.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS serve_glue_databases ("
	" name TEXT PRIMARY KEY, doc TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS serve_glue_tables ("
	" database TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL,"
	" version INTEGER NOT NULL, PRIMARY KEY (database, name));";

static ll_status db_error(sqlite3 *db, const char *what, ll_error *err)
{
	return ll_error_set(err, LL_EIO, "Glue store (%s): %s", what, sqlite3_errmsg(db));
}

char *serve_lower(const char *s)
{
	char *out = strdup(s ? s : "");
	for (char *p = out; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

ll_status serve_store_open(const char *path, sqlite3 **out, ll_error *err)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(db, 10000);
	if (rc != SQLITE_OK || sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		ll_status st = ll_error_set(err, LL_EIO, "Glue store in %s: %s", path,
					    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return st;
	}
	*out = db;
	return LL_OK;
}

static json_t *column_json(sqlite3_stmt *stmt, int col)
{
	const char *text = (const char *)sqlite3_column_text(stmt, col);
	return text ? json_loads(text, 0, NULL) : NULL;
}

json_t *serve_store_get_database(sqlite3 *db, const char *name)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "SELECT doc FROM serve_glue_databases WHERE name = ?", -1, &stmt,
			       NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
	json_t *doc = sqlite3_step(stmt) == SQLITE_ROW ? column_json(stmt, 0) : NULL;
	sqlite3_finalize(stmt);
	return doc;
}

static bool catalog_has_dataset(ll_catalog *catalog, const char *name)
{
	ll_catalog_table *tables;
	size_t n;
	ll_error err;
	if (!catalog || ll_catalog_list_tables(catalog, name, &tables, &n, &err) != LL_OK)
		return false;
	ll_catalog_tables_free(tables, n);
	return n > 0;
}

bool serve_store_has_database(sqlite3 *db, ll_catalog *catalog, const char *name)
{
	json_t *doc = serve_store_get_database(db, name);
	json_decref(doc);
	return doc || catalog_has_dataset(catalog, name);
}

ll_status serve_store_create_database(sqlite3 *db, ll_catalog *catalog, const json_t *input,
				      ll_error *err)
{
	const char *name = serve_str(input, "Name");
	if (serve_store_has_database(db, catalog, name))
		return ll_error_set(err, LL_ECONFLICT, "Database %s already exists.", name);
	char *text = json_dumps(input, JSON_COMPACT | JSON_SORT_KEYS);
	sqlite3_stmt *stmt;
	ll_status st = LL_OK;
	if (!text || sqlite3_prepare_v2(db, "INSERT INTO serve_glue_databases VALUES (?, ?)", -1,
					&stmt, NULL) != SQLITE_OK) {
		free(text);
		return db_error(db, "create database", err);
	}
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, text, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		st = db_error(db, "create database", err);
	sqlite3_finalize(stmt);
	free(text);
	return st;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *serve_store_database_names(sqlite3 *db, ll_catalog *catalog)
{
	json_t *names = json_array();
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "SELECT name FROM serve_glue_databases UNION "
				   "SELECT database FROM serve_glue_tables", -1, &stmt, NULL) == SQLITE_OK) {
		while (sqlite3_step(stmt) == SQLITE_ROW)
			json_array_append_new(names, json_string((const char *)sqlite3_column_text(stmt, 0)));
		sqlite3_finalize(stmt);
	}
	ll_catalog_table *tables = NULL;
	size_t n = 0;
	ll_error err;
	if (catalog && ll_catalog_list_tables(catalog, NULL, &tables, &n, &err) == LL_OK) {
		for (size_t i = 0; i < n; i++)
			json_array_append_new(names, json_string(tables[i].dataset));
		ll_catalog_tables_free(tables, n);
	}
	/* sort and drop repeats */
	size_t count = json_array_size(names);
	const char **sorted = calloc(count + 1, sizeof(*sorted));
	for (size_t i = 0; sorted && i < count; i++)
		sorted[i] = json_string_value(json_array_get(names, i));
	if (sorted)
		qsort(sorted, count, sizeof(*sorted), compare_names);
	json_t *out = json_array();
	for (size_t i = 0; sorted && i < count; i++)
		if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0)
			json_array_append_new(out, json_string(sorted[i]));
	free(sorted);
	json_decref(names);
	return out;
}

json_t *serve_store_get_table(sqlite3 *db, const char *database, const char *name,
			      int64_t *version)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "SELECT doc, version FROM serve_glue_tables "
				   "WHERE database = ? AND name = ?", -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(stmt, 1, database, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_TRANSIENT);
	json_t *doc = NULL;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		doc = column_json(stmt, 0);
		*version = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	return doc;
}

ll_status serve_store_put_table(sqlite3 *db, const char *database, const char *name,
				const json_t *input, int64_t expect_version, ll_error *err)
{
	const char *sql = expect_version == 0
		? "INSERT OR IGNORE INTO serve_glue_tables VALUES (?1, ?2, ?3, 1)"
		: "UPDATE serve_glue_tables SET doc = ?3, version = version + 1 "
		  "WHERE database = ?1 AND name = ?2 AND version = ?4";
	char *text = json_dumps(input, JSON_COMPACT | JSON_SORT_KEYS);
	sqlite3_stmt *stmt;
	if (!text || sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		free(text);
		return db_error(db, "put table", err);
	}
	sqlite3_bind_text(stmt, 1, database, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, text, -1, SQLITE_TRANSIENT);
	if (expect_version)
		sqlite3_bind_int64(stmt, 4, expect_version);
	ll_status st = LL_OK;
	if (sqlite3_step(stmt) != SQLITE_DONE)
		st = db_error(db, "put table", err);
	else if (sqlite3_changes(db) == 0)
		st = expect_version == 0
			? ll_error_set(err, LL_ECONFLICT, "Table %s already exists.", name)
			: ll_error_set(err, LL_ECONFLICT,
				       "Update table failed due to concurrent modifications: table "
				       "%s.%s is no longer at version %lld",
				       database, name, (long long)expect_version);
	sqlite3_finalize(stmt);
	free(text);
	return st;
}

static ll_status delete_stored_table(sqlite3 *db, const char *database, const char *name,
				   bool *found, ll_error *err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "DELETE FROM serve_glue_tables WHERE database = ? AND name = ?",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(db, "delete table", err);
	sqlite3_bind_text(stmt, 1, database, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_TRANSIENT);
	ll_status st = sqlite3_step(stmt) == SQLITE_DONE ? LL_OK : db_error(db, "delete table", err);
	*found = sqlite3_changes(db) > 0;
	sqlite3_finalize(stmt);
	return st;
}

ll_status serve_store_drop_table(sqlite3 *db, ll_catalog *catalog, const char *database,
				 const char *name, bool *found, ll_error *err)
{
	bool dropped = false;
	ll_status st = delete_stored_table(db, database, name, found, err);
	if (st == LL_OK && !*found && catalog)
		st = ll_catalog_drop_table(catalog, database, name, &dropped, err);
	*found = *found || dropped;
	return st;
}

ll_status serve_store_each_table(sqlite3 *db, const char *database, serve_table_fn fn, void *user,
				 ll_error *err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, "SELECT database, name, doc, version FROM serve_glue_tables "
				   "WHERE ?1 IS NULL OR database = ?1 ORDER BY database, name",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(db, "list tables", err);
	if (database)
		sqlite3_bind_text(stmt, 1, database, -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *doc = column_json(stmt, 2);
		int stop = doc ? fn(user, (const char *)sqlite3_column_text(stmt, 0),
				    (const char *)sqlite3_column_text(stmt, 1), doc,
				    sqlite3_column_int64(stmt, 3)) : 0;
		json_decref(doc);
		if (stop)
			break;
	}
	ll_status st = rc == SQLITE_ROW || rc == SQLITE_DONE ? LL_OK : db_error(db, "list tables", err);
	sqlite3_finalize(stmt);
	return st;
}
