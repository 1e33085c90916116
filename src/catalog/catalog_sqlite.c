/*
 * The SQLite catalog, one implementation of catalog.h. A load commits in one
 * transaction: its files, new columns, the removal of the files a replace
 * supersedes and its row in ll_loads appear together or not at all; a load
 * found in ll_loads (its load id and package nonce) is already committed.
 * Every write runs inside BEGIN IMMEDIATE so concurrent writers serialize on
 * SQLite's lock instead of failing halfway; readers see only committed
 * loads.
 *
 * Files a replace supersedes are not deleted in the transaction: they move
 * to a garbage list and are deleted from disk afterwards (collect_garbage),
 * so a crash never leaves the catalog pointing at missing files.
 */
#include "catalog/catalog.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/storage.h"
#include "util/buf.h"
#include "util/failpoint.h"
#include "util/fs.h"
#include "util/time.h"

typedef struct sqlite_catalog {
	sqlite3 *db;
	char *lake;  /* a local lake's directory, or the lake's root location */
	char *path;
	ll_storage *storage;       /* borrowed, or owned_storage; NULL: no deletes */
	ll_storage *owned_storage; /* the local storage ll_catalog_open made */
} sqlite_catalog;

/*
 * A load is its load id and its package's nonce (load/package.h): two
 * pipelines may start loads in the same microsecond. Loads committed before
 * nonces have '' and match a load id whatever its nonce.
 */
#define LOADS_COLUMNS                                                                        \
	" dataset TEXT NOT NULL, load_id TEXT NOT NULL, nonce TEXT NOT NULL DEFAULT '',"     \
	" pipeline TEXT, schema_name TEXT, committed_at TEXT NOT NULL,"                      \
	" PRIMARY KEY(dataset, load_id, nonce)"

static const char catalog_ddl[] =
	"CREATE TABLE IF NOT EXISTS ll_datasets("
	" name TEXT PRIMARY KEY, created_at TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS ll_tables("
	" dataset TEXT NOT NULL, name TEXT NOT NULL, table_format TEXT NOT NULL,"
	" location TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	" PRIMARY KEY(dataset, name));"
	"CREATE TABLE IF NOT EXISTS ll_columns("
	" dataset TEXT NOT NULL, table_name TEXT NOT NULL, position INTEGER NOT NULL,"
	" name TEXT NOT NULL, data_type TEXT NOT NULL, precision INTEGER, scale INTEGER,"
	" nullable INTEGER NOT NULL, PRIMARY KEY(dataset, table_name, name));"
	"CREATE TABLE IF NOT EXISTS ll_files("
	" dataset TEXT NOT NULL, table_name TEXT NOT NULL, path TEXT NOT NULL,"
	" load_id TEXT NOT NULL, rows INTEGER NOT NULL, bytes INTEGER NOT NULL,"
	" PRIMARY KEY(dataset, table_name, path));"
	"CREATE TABLE IF NOT EXISTS ll_loads(" LOADS_COLUMNS ");"
	"CREATE TABLE IF NOT EXISTS ll_garbage("
	" path TEXT PRIMARY KEY, dataset TEXT, table_name TEXT, load_id TEXT);"
	"CREATE TABLE IF NOT EXISTS iceberg_tables("
	" catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) NOT NULL,"
	" table_name VARCHAR(255) NOT NULL, metadata_location VARCHAR(1000),"
	" previous_metadata_location VARCHAR(1000),"
	" PRIMARY KEY(catalog_name, table_namespace, table_name));"
	"CREATE TABLE IF NOT EXISTS iceberg_namespace_properties("
	" catalog_name VARCHAR(255) NOT NULL, namespace VARCHAR(255) NOT NULL,"
	" property_key VARCHAR(255), property_value VARCHAR(1000),"
	" PRIMARY KEY(catalog_name, namespace, property_key));";

static ll_status db_error(sqlite_catalog *c, ll_error *err, const char *what)
{
	return ll_error_set(err, LL_EIO, "catalog %s: %s: %s", c->path, what, sqlite3_errmsg(c->db));
}

static ll_status exec_sql(sqlite_catalog *c, const char *sql, ll_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ll_status st = ll_error_set(err, LL_EIO, "catalog %s: %s", c->path, msg ? msg : "?");
		sqlite3_free(msg);
		return st;
	}
	return LL_OK;
}

/*
 * The catalog's tables are current when user_version says so. Creating them
 * is one transaction, so a new lake costs one commit's syncs instead of one
 * per table; a catalog of an older version (0) gets the tables it lacks. The
 * check reads only the header, so opening an existing catalog writes nothing
 * and takes no lock a writer could wait on.
 */
#define CATALOG_VERSION 2
#define SQL_NUMBER_(n) #n
#define SQL_NUMBER(n) SQL_NUMBER_(n)

static ll_status catalog_version(sqlite_catalog *c, int *version, ll_error *err)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, err, "reading its version");
	int rc = sqlite3_step(stmt);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? LL_OK : db_error(c, err, "reading its version");
}

/*
 * Version 2 keys ll_loads by nonce too. SQLite cannot change a primary key,
 * so an older ll_loads is copied into the new table; a catalog used by an
 * older lakeload afterwards still works, its loads getting the nonce ''.
 */
static ll_status add_load_nonces(sqlite_catalog *c, ll_error *err)
{
	sqlite3_stmt *stmt = NULL;
	bool has = sqlite3_prepare_v2(c->db, "SELECT nonce FROM ll_loads", -1, &stmt, NULL) == SQLITE_OK;
	sqlite3_finalize(stmt);
	if (has)
		return LL_OK;
	return exec_sql(c,
			"ALTER TABLE ll_loads RENAME TO ll_loads_without_nonce;"
			"CREATE TABLE ll_loads(" LOADS_COLUMNS ");"
			"INSERT INTO ll_loads(dataset,load_id,pipeline,schema_name,committed_at)"
			" SELECT dataset,load_id,pipeline,schema_name,committed_at"
			" FROM ll_loads_without_nonce;"
			"DROP TABLE ll_loads_without_nonce;",
			err);
}

static ll_status create_tables(sqlite_catalog *c, ll_error *err)
{
	int version = 0;
	ll_status st = catalog_version(c, &version, err);
	if (st != LL_OK || version >= CATALOG_VERSION)
		return st;
	st = exec_sql(c, "BEGIN IMMEDIATE", err);
	if (st != LL_OK)
		return st;
	st = exec_sql(c, catalog_ddl, err);
	if (st == LL_OK)
		st = add_load_nonces(c, err);
	if (st == LL_OK)
		st = exec_sql(c, "PRAGMA user_version = " SQL_NUMBER(CATALOG_VERSION), err);
	if (st == LL_OK)
		return exec_sql(c, "COMMIT", err);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

/*
 * A new catalog is built under a temporary name without syncs or journal,
 * then synced once and linked into place: built in place, a new lake paid seven syncs
 * (the switch to WAL through a rollback journal, the WAL's first commit,
 * their directory). A crash leaves at most the temporary file, never a
 * half-built catalog.db; when another process linked its catalog first,
 * that one is used and this one dropped. Where link() fails for another
 * reason (a file system without hard links), open_db creates the catalog in
 * place as before.
 */
static ll_status build_new_db(sqlite_catalog *c, const char *tmp, ll_error *err)
{
	unlink(tmp); /* left by a crashed process of the same pid */
	if (sqlite3_open_v2(tmp, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return ll_error_set(err, LL_EIO, "cannot create catalog %s: %s", tmp,
				    c->db ? sqlite3_errmsg(c->db) : "out of memory");
	/* no journal while building: a failed build is dropped whole, and WAL
	 * mode, set last, creates no file until the catalog is used */
	ll_status st = exec_sql(c, "PRAGMA synchronous=OFF; PRAGMA journal_mode=OFF;", err);
	if (st == LL_OK)
		st = create_tables(c, err);
	if (st == LL_OK)
		st = exec_sql(c, "PRAGMA journal_mode=WAL;", err);
	if (sqlite3_close(c->db) != SQLITE_OK && st == LL_OK)
		st = ll_error_set(err, LL_EIO, "cannot close catalog %s: %s", tmp, sqlite3_errmsg(c->db));
	c->db = NULL;
	if (st == LL_OK)
		st = ll_fs_sync_path(tmp, err);
	/* a file system without hard links: open_db builds the catalog in place */
	if (st == LL_OK)
		link(tmp, c->path);
	return st;
}

static ll_status create_db(sqlite_catalog *c, ll_error *err)
{
	ll_buf tmp = LL_BUF_INIT, dir = LL_BUF_INIT;
	ll_buf_printf(&tmp, "%s.new.%ld", c->path, (long)getpid());
	const char *slash = strrchr(c->path, '/');
	ll_buf_append(&dir, c->path, slash ? (size_t)(slash - c->path) : 0);
	if (!slash)
		ll_buf_puts(&dir, ".");
	ll_status st = ll_buf_oom(&tmp) || ll_buf_oom(&dir) ? ll_error_oom(err)
							      : build_new_db(c, tmp.data, err);
	if (st == LL_OK)
		st = ll_fs_sync_path(dir.data, err);
	if (!ll_buf_oom(&tmp))
		unlink(tmp.data);
	ll_buf_free(&tmp);
	ll_buf_free(&dir);
	return st;
}

/* Opens (creating) the SQLite file at c->path with the catalog's tables. */
static ll_status open_db(sqlite_catalog *c, ll_error *err)
{
	if (!ll_fs_exists(c->path)) {
		ll_status st = create_db(c, err);
		if (st != LL_OK)
			return st;
	}
	if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return ll_error_set(err, LL_EIO, "cannot open catalog %s: %s", c->path,
				    c->db ? sqlite3_errmsg(c->db) : "out of memory");
	sqlite3_busy_timeout(c->db, 30000);
	/*
	 * synchronous=FULL: a commit is on disk when COMMIT returns, since a load
	 * moves its package to loaded/ right after. Closing does not checkpoint:
	 * that would cost two more syncs (the WAL, the database) in every
	 * process, and one more in the next, whose first commit restarts the
	 * emptied WAL with a new header; committed transactions are as safe in
	 * the WAL, and SQLite checkpoints on its own once it holds 1000 pages.
	 */
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	ll_status st = exec_sql(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err);
	return st == LL_OK ? create_tables(c, err) : st;
}

static void sqlite_free(void *ctx)
{
	sqlite_catalog *c = ctx;
	if (!c)
		return;
	sqlite3_close(c->db);
	ll_storage_free(c->owned_storage);
	free(c->lake);
	free(c->path);
	free(c);
}

static ll_status sqlite_iceberg_location(void *ctx, const char *dataset, const char *table,
				       char **location, ll_error *err);
static const ll_catalog_ops *sqlite_ops(void);

/* Opens the file at path; owned (may be NULL) is the storage the catalog frees. */
static ll_status open_sqlite(ll_catalog **out, const char *path, const char *lake,
			     ll_storage *storage, ll_storage *owned, ll_error *err)
{
	*out = NULL;
	ll_buf dir = LL_BUF_INIT;
	const char *slash = strrchr(path, '/');
	if (slash && slash != path)
		ll_buf_append(&dir, path, (size_t)(slash - path));
	ll_status st = ll_buf_oom(&dir) ? ll_error_oom(err)
		       : dir.len	 ? ll_fs_mkdirs(dir.data, err)
					 : LL_OK;
	ll_buf_free(&dir);
	sqlite_catalog *c = st == LL_OK ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		ll_storage_free(owned);
		return st != LL_OK ? st : ll_error_oom(err);
	}
	c->storage = storage;
	c->owned_storage = owned;
	c->lake = storage ? ll_catalog_lake_name(ll_storage_root(storage)) : strdup(lake);
	c->path = strdup(path);
	st = c->lake && c->path ? open_db(c, err) : ll_error_oom(err);
	if (st != LL_OK) {
		sqlite_free(c);
		return st;
	}
	return ll_catalog_wrap(out, sqlite_ops(), c, c->lake, c->path, true, storage, err);
}

ll_status ll_catalog_open_file(ll_catalog **out, const char *path, const char *lake,
			       ll_storage *storage, ll_error *err)
{
	return open_sqlite(out, path, lake, storage, NULL, err);
}

ll_status ll_catalog_open(ll_catalog **out, const char *lake, ll_error *err)
{
	*out = NULL;
	ll_storage *storage;
	ll_status st = ll_storage_open(&storage, lake, NULL, err);
	if (st != LL_OK)
		return st;
	char *dir = ll_catalog_lake_name(ll_storage_root(storage));
	ll_buf path = LL_BUF_INIT;
	if (dir)
		ll_path_join(&path, dir, "catalog.db");
	if (dir && !ll_buf_oom(&path)) {
		st = open_sqlite(out, path.data, NULL, storage, storage, err);
	} else {
		ll_storage_free(storage);
		st = ll_error_oom(err);
	}
	free(dir);
	ll_buf_free(&path);
	return st;
}

/* Where a file key of the lake is: a path in a local lake, else a location. */
static void file_location(const sqlite_catalog *c, const char *key, ll_buf *out)
{
	if (c->lake[0] == '/')
		ll_path_join(out, c->lake, key);
	else
		ll_buf_printf(out, "%s/%s", c->lake, key);
}

/* Runs a one-shot statement with text parameters (NULL-terminated list). */
static ll_status run_stmt(sqlite_catalog *c, const char *sql, const char *const *params, ll_error *err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	for (int i = 0; params && params[i]; i++)
		sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(c, err, sql);
	return LL_OK;
}

static ll_status sqlite_drop_table(void *ctx, const char *dataset, const char *table,
				bool *found, ll_error *err)
{
	sqlite_catalog *c = ctx;
	static const char *const deletes[] = {
		"DELETE FROM ll_tables WHERE dataset=?1 AND name=?2",
		"DELETE FROM ll_columns WHERE dataset=?1 AND table_name=?2",
		"DELETE FROM ll_files WHERE dataset=?1 AND table_name=?2",
		"DELETE FROM iceberg_tables WHERE table_namespace=?1 AND table_name=?2"
		" AND catalog_name='" LL_CATALOG_ICEBERG_NAME "'",
	};
	const char *params[] = { dataset, table, NULL };
	*found = false;
	ll_status st = exec_sql(c, "BEGIN IMMEDIATE", err);
	for (size_t i = 0; st == LL_OK && i < sizeof(deletes) / sizeof(deletes[0]); i++) {
		st = run_stmt(c, deletes[i], params, err);
		if (i == 0 || i == 3)
			*found = *found || sqlite3_changes(c->db) > 0;
	}
	if (st == LL_OK)
		return exec_sql(c, "COMMIT", err);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

static ll_status sqlite_has_load(sqlite_catalog *c, const ll_catalog_load *load, bool *out,
				 ll_error *err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT 1 FROM ll_loads WHERE dataset=?1 AND load_id=?2"
			       " AND (nonce=?3 OR nonce='' OR ?3='')",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	sqlite3_bind_text(stmt, 1, load->dataset, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, load->load_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, load->nonce ? load->nonce : "", -1, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(c, err, "look up load");
	*out = rc == SQLITE_ROW;
	return LL_OK;
}

static void now_text(char buf[40])
{
	ll_time_format_timestamp(ll_time_now_micros(), 6, 'T', true, buf);
}

/* Registers the table (checking its format) and any columns new to the catalog. */
static ll_status register_table(sqlite_catalog *c, const char *dataset, const ll_table *t, ll_error *err)
{
	char now[40];
	now_text(now);
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db, "SELECT table_format FROM ll_tables WHERE dataset=? AND name=?",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	sqlite3_bind_text(stmt, 1, dataset, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, t->name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	const char *fmt = ll_table_format_name(t->table_format);
	ll_status st = LL_OK;
	if (rc == SQLITE_ROW) {
		const char *have = (const char *)sqlite3_column_text(stmt, 0);
		if (have && strcmp(have, fmt) != 0) {
			ll_error_set_table(err, t->name, NULL);
			st = ll_error_set(err, LL_ESCHEMA,
					  "table %s.%s is a %s table; switching it to %s is not supported "
					  "(load into a new table, or drop the old one first)",
					  dataset, t->name, have, fmt);
		}
	} else if (rc != SQLITE_DONE) {
		st = db_error(c, err, "look up table");
	}
	sqlite3_finalize(stmt);
	if (st != LL_OK)
		return st;
	ll_buf location = LL_BUF_INIT;
	ll_buf_printf(&location, "%s/%s", dataset, t->name);
	const char *insert[] = { dataset, t->name, fmt, ll_buf_cstr(&location), now, now, NULL };
	st = run_stmt(c,
		      "INSERT INTO ll_tables(dataset,name,table_format,location,created_at,updated_at)"
		      " VALUES(?,?,?,?,?,?) ON CONFLICT(dataset,name) DO UPDATE SET updated_at=excluded.updated_at",
		      insert, err);
	ll_buf_free(&location);
	return st;
}

static ll_status register_columns(sqlite_catalog *c, const char *dataset, const ll_table *t, ll_error *err)
{
	sqlite3_stmt *get, *put;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT data_type FROM ll_columns WHERE dataset=? AND table_name=? AND name=?",
			       -1, &get, NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	if (sqlite3_prepare_v2(c->db,
			       "INSERT INTO ll_columns(dataset,table_name,position,name,data_type,precision,"
			       "scale,nullable) VALUES(?1,?2,(SELECT count(*) FROM ll_columns WHERE "
			       "dataset=?1 AND table_name=?2),?3,?4,?5,?6,?7)",
			       -1, &put, NULL) != SQLITE_OK) {
		sqlite3_finalize(get);
		return db_error(c, err, "prepare");
	}
	ll_status st = LL_OK;
	for (size_t i = 0; i < t->ncolumns && st == LL_OK; i++) {
		const ll_column *col = &t->columns[i];
		const char *type = ll_data_type_name(col->type);
		sqlite3_reset(get);
		sqlite3_bind_text(get, 1, dataset, -1, SQLITE_STATIC);
		sqlite3_bind_text(get, 2, t->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(get, 3, col->name, -1, SQLITE_STATIC);
		int rc = sqlite3_step(get);
		if (rc == SQLITE_ROW) {
			const char *have = (const char *)sqlite3_column_text(get, 0);
			if (have && strcmp(have, type) != 0) {
				ll_error_set_table(err, t->name, col->name);
				st = ll_error_set(err, LL_ESCHEMA,
						  "column %s of %s.%s is registered as %s but the load "
						  "writes %s; columns are never retyped",
						  col->name, dataset, t->name, have, type);
			}
			continue;
		}
		if (rc != SQLITE_DONE) {
			st = db_error(c, err, "look up column");
			break;
		}
		sqlite3_reset(put);
		sqlite3_bind_text(put, 1, dataset, -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 2, t->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 3, col->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 4, type, -1, SQLITE_STATIC);
		sqlite3_bind_int(put, 5, col->precision);
		sqlite3_bind_int(put, 6, col->scale);
		sqlite3_bind_int(put, 7, col->nullable);
		if (sqlite3_step(put) != SQLITE_DONE)
			st = db_error(c, err, "register column");
	}
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return st;
}

static ll_status replace_table_files(sqlite_catalog *c, const ll_catalog_load *load, const char *table,
				     ll_error *err)
{
	const char *params[] = { load->dataset, table, load->load_id, NULL };
	ll_status st = run_stmt(c,
				"INSERT OR IGNORE INTO ll_garbage(path,dataset,table_name,load_id) "
				"SELECT path,dataset,table_name,?3 FROM ll_files WHERE dataset=?1 AND table_name=?2",
				params, err);
	if (st == LL_OK)
		st = run_stmt(c, "DELETE FROM ll_files WHERE dataset=?1 AND table_name=?2", params, err);
	return st;
}

static ll_status insert_files(sqlite_catalog *c, const ll_catalog_load *load, ll_error *err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db,
			       "INSERT OR REPLACE INTO ll_files(dataset,table_name,path,load_id,rows,bytes)"
			       " VALUES(?,?,?,?,?,?)",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	ll_status st = LL_OK;
	for (size_t i = 0; i < load->nfiles && st == LL_OK; i++) {
		const ll_catalog_file *f = &load->files[i];
		sqlite3_reset(stmt);
		sqlite3_bind_text(stmt, 1, load->dataset, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, f->table, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, f->path, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, load->load_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 5, (sqlite3_int64)f->rows);
		sqlite3_bind_int64(stmt, 6, (sqlite3_int64)f->bytes);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			st = db_error(c, err, "register file");
	}
	sqlite3_finalize(stmt);
	return st;
}

/* Whether the catalog has the table. */
static ll_status table_known(sqlite_catalog *c, const char *dataset, const char *table, bool *known,
			     ll_error *err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM ll_tables WHERE dataset=? AND name=?", -1, &stmt,
			       NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	sqlite3_bind_text(stmt, 1, dataset, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, table, -1, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(c, err, "look up table");
	*known = rc == SQLITE_ROW;
	return LL_OK;
}

/* Tells whether a key in a table's folder is one the commit at hand wrote. */
typedef bool (*own_key_fn)(const void *arg, const char *table, const char *key);

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * One lake, many writers: this catalog is a file on one machine, so a file
 * in a remote table's folder it does not know (a key ending in suffix that
 * the commit did not write) came from a writer with another catalog, and
 * committing would fork the table. Refused, with what to do instead; the
 * load stays pending. A local lake's catalog is the lake's own: no check.
 */
static ll_status refuse_foreign_files(sqlite_catalog *c, const char *dataset, const char *table,
				      const char *suffix, own_key_fn own, const void *arg,
				      ll_error *err)
{
	if (!c->storage || ll_storage_is_local(c->storage))
		return LL_OK;
	bool known = false;
	ll_status st = table_known(c, dataset, table, &known, err);
	if (st != LL_OK || known)
		return st;
	ll_buf prefix = LL_BUF_INIT, where = LL_BUF_INIT;
	ll_buf_printf(&prefix, "%s/%s/", dataset, table);
	char **keys = NULL;
	size_t n = 0;
	st = ll_buf_oom(&prefix) ? ll_error_oom(err)
				 : ll_storage_list(c->storage, prefix.data, &keys, &n, err);
	for (size_t i = 0; st == LL_OK && i < n; i++) {
		if (!ends_with(keys[i], suffix) || own(arg, table, keys[i]))
			continue;
		ll_storage_location(c->storage, keys[i], &where);
		ll_error_set_table(err, table, NULL);
		st = ll_error_set(err, LL_EINVAL,
				  "table %s.%s already has files in the lake that catalog %s does not "
				  "know (%s): another machine or home loads it with its own catalog, "
				  "and loading on would fork the table. Load with --destination athena "
				  "to share the Glue catalog, or adopt an Iceberg table with 'lakeload "
				  "register %s.%s METADATA_JSON', or name the catalog file the other "
				  "loads use with --catalog FILE",
				  dataset, table, c->path, ll_buf_cstr(&where), dataset, table);
	}
	ll_storage_free_list(keys, n);
	ll_buf_free(&prefix);
	ll_buf_free(&where);
	return st;
}

static bool is_load_file(const void *arg, const char *table, const char *key)
{
	return ll_catalog_load_has_file(arg, table, key);
}

typedef struct new_metadata {
	sqlite_catalog *c;
	const char *location;
} new_metadata;

static bool is_new_metadata(const void *arg, const char *table, const char *key)
{
	(void)table;
	const new_metadata *m = arg;
	ll_buf where = LL_BUF_INIT;
	ll_storage_location(m->c->storage, key, &where);
	bool same = strcmp(ll_buf_cstr(&where), m->location) == 0;
	ll_buf_free(&where);
	return same;
}

static ll_status apply_load(sqlite_catalog *c, const ll_catalog_load *load, ll_error *err)
{
	char now[40];
	now_text(now);
	const char *ds[] = { load->dataset, now, NULL };
	ll_status st = run_stmt(c, "INSERT OR IGNORE INTO ll_datasets(name,created_at) VALUES(?,?)", ds, err);
	for (size_t i = 0; i < load->ntables && st == LL_OK; i++) {
		const ll_table *t = ll_schema_find_table(load->schema, load->tables[i]);
		if (!t) {
			return ll_error_set(err, LL_EINVAL, "load %s writes table %s which is not in its schema",
					    load->load_id, load->tables[i]);
		}
		st = refuse_foreign_files(c, load->dataset, t->name, ".parquet", is_load_file, load, err);
		if (st == LL_OK)
			st = register_table(c, load->dataset, t, err);
		if (st == LL_OK)
			st = register_columns(c, load->dataset, t, err);
	}
	for (size_t i = 0; i < load->nreplace && st == LL_OK; i++)
		st = replace_table_files(c, load, load->replace[i], err);
	if (st == LL_OK)
		st = insert_files(c, load, err);
	const char *row[] = { load->dataset, load->load_id, load->nonce ? load->nonce : "",
			      load->pipeline ? load->pipeline : "", load->schema ? load->schema->name : "",
			      now, NULL };
	if (st == LL_OK)
		st = run_stmt(c,
			      "INSERT INTO ll_loads(dataset,load_id,nonce,pipeline,schema_name,committed_at)"
			      " VALUES(?,?,?,?,?,?)",
			      row, err);
	return st;
}

static ll_status sqlite_commit_load(void *ctx, const ll_catalog_load *load, bool *already,
				 ll_error *err)
{
	sqlite_catalog *c = ctx;
	*already = false;
	ll_status st = exec_sql(c, "BEGIN IMMEDIATE", err);
	if (st != LL_OK)
		return st;
	bool exists = false;
	st = sqlite_has_load(c, load, &exists, err);
	if (st == LL_OK && exists) {
		*already = true;
		return exec_sql(c, "ROLLBACK", err);
	}
	if (st == LL_OK)
		st = apply_load(c, load, err);
	if (st == LL_OK)
		return exec_sql(c, "COMMIT", err);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

/* Reads the garbage list: keys of superseded files. */
static ll_status read_garbage(sqlite_catalog *c, char ***keys, size_t *n, ll_error *err)
{
	*keys = NULL;
	*n = 0;
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db, "SELECT path FROM ll_garbage ORDER BY path", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return db_error(c, err, "prepare");
	size_t cap = 0;
	ll_status st = LL_OK;
	while (st == LL_OK && sqlite3_step(stmt) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **grown = realloc(*keys, cap * sizeof(*grown));
			if (!grown) {
				st = ll_error_oom(err);
				break;
			}
			*keys = grown;
		}
		if (!((*keys)[*n] = strdup((const char *)sqlite3_column_text(stmt, 0))))
			st = ll_error_oom(err);
		else
			(*n)++;
	}
	sqlite3_finalize(stmt);
	return st;
}

/*
 * Forgets the garbage keys that were deleted, and only those: another
 * writer's replace may have listed more since they were read.
 */
static ll_status forget_garbage(sqlite_catalog *c, char *const *keys, size_t n, ll_error *err)
{
	sqlite3_stmt *stmt = NULL;
	ll_status st = exec_sql(c, "BEGIN IMMEDIATE", err);
	if (st != LL_OK)
		return st;
	if (sqlite3_prepare_v2(c->db, "DELETE FROM ll_garbage WHERE path=?", -1, &stmt, NULL) !=
	    SQLITE_OK)
		st = db_error(c, err, "prepare");
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		sqlite3_reset(stmt);
		sqlite3_bind_text(stmt, 1, keys[i], -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			st = db_error(c, err, "forget deleted files");
	}
	sqlite3_finalize(stmt);
	if (st == LL_OK)
		return exec_sql(c, "COMMIT", err);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

static ll_status sqlite_collect_garbage(void *ctx, ll_error *err)
{
	sqlite_catalog *c = ctx;
	if (!c->storage)
		return ll_error_set(err, LL_EINVAL, "catalog %s was opened without its lake's storage; "
				    "superseded files cannot be deleted", c->path);
	char **keys;
	size_t n;
	ll_status st = read_garbage(c, &keys, &n, err);
	if (st == LL_OK && n)
		st = ll_storage_delete(c->storage, (const char *const *)keys, n, err);
	if (st == LL_OK && n)
		ll_failpoint("garbage_deleted");
	if (st != LL_OK && n)
		ll_error_prefix(err, "cannot delete superseded files of lake %s", c->lake);
	if (st == LL_OK && n)
		st = forget_garbage(c, keys, n, err);
	ll_storage_free_list(keys, n);
	return st;
}

static ll_status load_table_columns(sqlite_catalog *c, ll_catalog_table *t, ll_error *err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT name,data_type,precision,scale,nullable FROM ll_columns"
			       " WHERE dataset=? AND table_name=? ORDER BY position",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	sqlite3_bind_text(stmt, 1, t->dataset, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, t->name, -1, SQLITE_STATIC);
	size_t cap = 0;
	ll_status st = LL_OK;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (t->ncolumns == cap) {
			cap = cap ? cap * 2 : 16;
			ll_column *grown = realloc(t->columns, cap * sizeof(*grown));
			if (!grown) {
				st = ll_error_oom(err);
				break;
			}
			t->columns = grown;
		}
		ll_column *col = &t->columns[t->ncolumns];
		memset(col, 0, sizeof(*col));
		col->name = strdup((const char *)sqlite3_column_text(stmt, 0));
		if (!col->name) {
			st = ll_error_oom(err);
			break;
		}
		t->ncolumns++;
		if (!ll_data_type_parse((const char *)sqlite3_column_text(stmt, 1), &col->type))
			col->type = LL_TYPE_TEXT;
		col->precision = sqlite3_column_int(stmt, 2);
		col->scale = sqlite3_column_int(stmt, 3);
		col->nullable = sqlite3_column_int(stmt, 4) != 0;
		col->field_id = -1;
	}
	sqlite3_finalize(stmt);
	return st;
}

static ll_status load_table_files(sqlite_catalog *c, ll_catalog_table *t, ll_error *err)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT path,rows,bytes FROM ll_files WHERE dataset=? AND table_name=?"
			       " ORDER BY load_id, path",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	sqlite3_bind_text(stmt, 1, t->dataset, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, t->name, -1, SQLITE_STATIC);
	size_t cap = 0;
	ll_status st = LL_OK;
	ll_buf abs = LL_BUF_INIT;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (t->nfiles == cap) {
			cap = cap ? cap * 2 : 16;
			char **grown = realloc(t->files, cap * sizeof(*grown));
			if (!grown) {
				st = ll_error_oom(err);
				break;
			}
			t->files = grown;
		}
		ll_buf_clear(&abs);
		file_location(c, (const char *)sqlite3_column_text(stmt, 0), &abs);
		if (!(t->files[t->nfiles] = strdup(ll_buf_cstr(&abs)))) {
			st = ll_error_oom(err);
			break;
		}
		t->nfiles++;
		t->rows += (uint64_t)sqlite3_column_int64(stmt, 1);
		t->bytes += (uint64_t)sqlite3_column_int64(stmt, 2);
	}
	ll_buf_free(&abs);
	sqlite3_finalize(stmt);
	return st;
}

static ll_status sqlite_list_tables(void *ctx, const char *dataset, ll_catalog_table **tables,
				 size_t *n, ll_error *err)
{
	sqlite_catalog *c = ctx;
	*tables = NULL;
	*n = 0;
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT dataset,name,table_format FROM ll_tables"
			       " WHERE ?1 IS NULL OR dataset=?1 ORDER BY dataset,name",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	if (dataset)
		sqlite3_bind_text(stmt, 1, dataset, -1, SQLITE_STATIC);
	size_t count = 0, cap = 0;
	ll_catalog_table *list = NULL;
	ll_status st = LL_OK;
	while (st == LL_OK && sqlite3_step(stmt) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 8;
			ll_catalog_table *grown = realloc(list, cap * sizeof(*grown));
			if (!grown) {
				st = ll_error_oom(err);
				break;
			}
			list = grown;
		}
		ll_catalog_table *t = &list[count++];
		memset(t, 0, sizeof(*t));
		t->dataset = strdup((const char *)sqlite3_column_text(stmt, 0));
		t->name = strdup((const char *)sqlite3_column_text(stmt, 1));
		if (!ll_table_format_parse((const char *)sqlite3_column_text(stmt, 2), &t->format))
			t->format = LL_FORMAT_HIVE;
		ll_buf key = LL_BUF_INIT, where = LL_BUF_INIT;
		ll_buf_printf(&key, "%s/%s", (const char *)sqlite3_column_text(stmt, 0),
			      (const char *)sqlite3_column_text(stmt, 1));
		file_location(c, ll_buf_cstr(&key), &where);
		t->location = ll_buf_oom(&where) ? NULL : ll_buf_detach(&where);
		ll_buf_free(&key);
		if (!t->dataset || !t->name || !t->location)
			st = ll_error_oom(err);
	}
	sqlite3_finalize(stmt);
	for (size_t i = 0; i < count && st == LL_OK; i++) {
		st = load_table_columns(c, &list[i], err);
		if (st == LL_OK)
			st = load_table_files(c, &list[i], err);
		if (st == LL_OK && list[i].format == LL_FORMAT_ICEBERG)
			st = sqlite_iceberg_location(c, list[i].dataset, list[i].name,
							 &list[i].metadata_location, err);
	}
	if (st != LL_OK) {
		ll_catalog_tables_free(list, count);
		return st;
	}
	*tables = list;
	*n = count;
	return LL_OK;
}

static ll_status sqlite_iceberg_location(void *ctx, const char *dataset, const char *table,
				      char **location, ll_error *err)
{
	sqlite_catalog *c = ctx;
	*location = NULL;
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT metadata_location FROM iceberg_tables WHERE catalog_name=?"
			       " AND table_namespace=? AND table_name=?",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, err, "prepare");
	sqlite3_bind_text(stmt, 1, LL_CATALOG_ICEBERG_NAME, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, dataset, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, table, -1, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	ll_status st = LL_OK;
	if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
		if (!(*location = strdup((const char *)sqlite3_column_text(stmt, 0))))
			st = ll_error_oom(err);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		st = db_error(c, err, "look up Iceberg table");
	}
	sqlite3_finalize(stmt);
	return st;
}

/* The swap itself; runs inside the caller's transaction. */
static ll_status swap_metadata_location(sqlite_catalog *c, const char *dataset, const char *table,
					const char *expected, const char *new_location, ll_error *err)
{
	char *current = NULL;
	ll_status st = sqlite_iceberg_location(c, dataset, table, &current, err);
	if (st != LL_OK)
		return st;
	bool matches = expected ? current && strcmp(current, expected) == 0 : !current;
	if (!matches) {
		st = ll_error_set(err, LL_ECONFLICT,
				  "Iceberg table %s.%s was changed by another writer (its metadata is now %s, "
				  "this commit started from %s)",
				  dataset, table, current ? current : "(none)", expected ? expected : "(none)");
		free(current);
		return st;
	}
	free(current);
	const char *params[] = { LL_CATALOG_ICEBERG_NAME, dataset, table, new_location, expected, NULL };
	if (!expected)
		return run_stmt(c,
				"INSERT INTO iceberg_tables(catalog_name,table_namespace,table_name,"
				"metadata_location,previous_metadata_location) VALUES(?1,?2,?3,?4,NULL)",
				params, err);
	return run_stmt(c,
			"UPDATE iceberg_tables SET metadata_location=?4, previous_metadata_location=?5"
			" WHERE catalog_name=?1 AND table_namespace=?2 AND table_name=?3",
			params, err);
}

static ll_status register_namespace(sqlite_catalog *c, const char *dataset, ll_error *err)
{
	char now[40];
	now_text(now);
	const char *ds[] = { dataset, now, NULL };
	ll_status st = run_stmt(c, "INSERT OR IGNORE INTO ll_datasets(name,created_at) VALUES(?,?)", ds, err);
	const char *ns[] = { LL_CATALOG_ICEBERG_NAME, dataset, NULL };
	if (st == LL_OK)
		st = run_stmt(c,
			      "INSERT OR IGNORE INTO iceberg_namespace_properties(catalog_name,namespace,"
			      "property_key,property_value) VALUES(?1,?2,'exists','true')",
			      ns, err);
	return st;
}

static ll_status sqlite_iceberg_commit(void *ctx, const char *dataset, const ll_table *t,
				    const char *table, const char *expected,
				    const char *new_location, ll_error *err)
{
	sqlite_catalog *c = ctx;
	ll_status st = exec_sql(c, "BEGIN IMMEDIATE", err);
	if (st != LL_OK)
		return st;
	new_metadata mine = { c, new_location };
	if (!expected)
		st = refuse_foreign_files(c, dataset, table, ".metadata.json", is_new_metadata, &mine,
					  err);
	if (st == LL_OK)
		st = register_namespace(c, dataset, err);
	ll_table shape = { .name = (char *)table, .table_format = LL_FORMAT_ICEBERG };
	if (t) {
		shape = *t;
		shape.table_format = LL_FORMAT_ICEBERG;
	}
	if (st == LL_OK)
		st = register_table(c, dataset, &shape, err);
	if (st == LL_OK && t)
		st = register_columns(c, dataset, &shape, err);
	if (st == LL_OK)
		st = swap_metadata_location(c, dataset, table, expected, new_location, err);
	if (st == LL_OK)
		return exec_sql(c, "COMMIT", err);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

static const ll_catalog_ops *sqlite_ops(void)
{
	static const ll_catalog_ops ops = {
		.commit_load = sqlite_commit_load,
		.collect_garbage = sqlite_collect_garbage,
		.list_tables = sqlite_list_tables,
		.drop_table = sqlite_drop_table,
		.iceberg_location = sqlite_iceberg_location,
		.iceberg_commit = sqlite_iceberg_commit,
		.free = sqlite_free,
	};
	return &ops;
}
