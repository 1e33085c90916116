/*
 * What the files of lakeload serve share: the server's state, the reply a
 * handler fills, and the functions each file offers the others.
 *
 *   http.c        the libmicrohttpd daemon, request bodies, dispatch, signals
 *   auth.c        SigV4 verification of a request
 *   glue_store.c  the Glue documents in the catalog file (serve_glue_*)
 *   glue_api.c    the Glue actions
 *   athena_api.c  the Athena actions and the table of query executions
 *   athena_run.c  running one query execution (on its worker thread)
 *   athena_iceberg.c  CREATE TABLE ... ICEBERG and DELETE on the catalog's tables
 *   info_schema.c information_schema.tables/columns/schemata for queries
 *   provider.c    the engine's table provider over the Glue store and catalog
 *   cli.c         the command's options, keys and lake
 *   ui.c          the web view (--ui): the page and its /ui/api endpoints
 */
#ifndef LL_SERVE_INTERNAL_H
#define LL_SERVE_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "engine/engine.h"
#include "lakeload.h"
#include "sql/sql.h"
#include "storage/storage.h"
#include "util/buf.h"

/** An access key the server accepts, with its secret. */
typedef struct serve_key {
	char *access_key_id;
	char *secret_access_key;
} serve_key;

typedef struct serve_query serve_query;

typedef struct ll_serve {
	const char *host;
	int port;
	serve_key *keys;
	size_t nkeys;
	const char **workgroups; /* configured work groups besides "primary" */
	size_t nworkgroups;
	ll_storage *storage;     /* the lake's; used from every thread */
	const char *catalog_path;
	const char *lake;
	ll_lake_options lake_options; /* for ll_lake_delete, the web view's queries and history */
	const char *home;             /* pipelines' home for the web view; NULL: the default */
	bool ui;                      /* --ui: serve the web view at / and /ui/api/ */
	/* The request thread's connections (one request at a time). */
	ll_catalog *catalog;
	sqlite3 *store;
	/* Query executions, newest first; mu guards the list and every query's state. */
	pthread_mutex_t mu;
	serve_query *queries;
	uint64_t query_seq;
} ll_serve;

/** What a handler answers: an HTTP status and a JSON document (owned). */
typedef struct serve_reply {
	unsigned status;
	json_t *body;
} serve_reply;

/** Fills r with AWS's error shape {"__type": type, "message": ...}. */
void serve_error(serve_reply *r, unsigned status, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** Fills r with 200 and body (taken; NULL: out of memory, a 500). */
void serve_ok(serve_reply *r, json_t *body);

/** A string member of a request, or NULL when it is missing or not a string. */
const char *serve_str(const json_t *req, const char *name);

/* ---- http.c */

/** Serves until SIGINT or SIGTERM, printing the URL it listens on. */
ll_status serve_run(ll_serve *s, ll_error *err);

/* ---- auth.c */

/** A request as the verifier needs it; header lookups go through get_header. */
typedef struct serve_request {
	const char *method;
	const char *path;
	const char *(*get_header)(void *ctx, const char *name);
	void *ctx;
	const char *body;
	size_t body_len;
} serve_request;

/** Whether req is signed with a known key; else fills r with AWS's error. */
bool serve_verify_signature(const ll_serve *s, const serve_request *req, serve_reply *r);

/* ---- glue_store.c: the documents, usable from any thread with its own connection */

/** Opens the store in the catalog file, creating its tables when missing. */
ll_status serve_store_open(const char *path, sqlite3 **out, ll_error *err);

/** Whether a database exists in the store or as a dataset of the catalog. */
bool serve_store_has_database(sqlite3 *db, ll_catalog *catalog, const char *name);

/** Creates a database document; LL_ECONFLICT when it exists. */
ll_status serve_store_create_database(sqlite3 *db, ll_catalog *catalog, const json_t *input,
				      ll_error *err);

/**
 * The stored TableInput document of database.name (new reference) and its
 * version, or NULL when the store has no such table.
 */
json_t *serve_store_get_table(sqlite3 *db, const char *database, const char *name,
			      int64_t *version);

/**
 * Stores a table's TableInput: created when expect_version is 0 (LL_ECONFLICT
 * when it exists), else replaced when its version is expect_version
 * (LL_ECONFLICT when not): the version goes up by one.
 */
ll_status serve_store_put_table(sqlite3 *db, const char *database, const char *name,
				const json_t *input, int64_t expect_version, ll_error *err);

/**
 * Deletes a stored table, else drops the catalog's table of that name (its
 * files stay); *found says whether either had it.
 */
ll_status serve_store_drop_table(sqlite3 *db, ll_catalog *catalog, const char *database,
				 const char *name, bool *found, ll_error *err);

/** Receives a stored table (borrowed); non-zero stops. */
typedef int (*serve_table_fn)(void *user, const char *database, const char *name,
			      const json_t *input, int64_t version);

/** Lists stored tables of database (NULL: all), ordered by database and name. */
ll_status serve_store_each_table(sqlite3 *db, const char *database, serve_table_fn fn, void *user,
				 ll_error *err);

/** Database names: stored ones and the catalog's datasets, sorted, distinct (new array). */
json_t *serve_store_database_names(sqlite3 *db, ll_catalog *catalog);

/** A stored database document (new reference), or NULL. */
json_t *serve_store_get_database(sqlite3 *db, const char *name);

/** Glue lowercases database and table names. */
char *serve_lower(const char *s);

/* ---- glue_api.c */

/**
 * The Glue Table document of database.name: a stored one, else the
 * catalog's table rendered as Glue would show it (VersionId "0"). NULL
 * when neither has it.
 */
json_t *serve_glue_table_doc(ll_serve *s, sqlite3 *db, ll_catalog *catalog, const char *database,
			     const char *name);

void serve_glue_dispatch(ll_serve *s, const char *action, const json_t *req, serve_reply *r);

/* ---- athena_api.c / athena_run.c */

typedef enum serve_query_state {
	SQ_QUEUED = 0,
	SQ_RUNNING,
	SQ_SUCCEEDED,
	SQ_FAILED,
	SQ_CANCELLED,
} serve_query_state;

struct serve_query {
	serve_query *next;
	char id[40];
	char *sql, *database, *catalog, *output, *workgroup, *token;
	const char *statement_type; /* DML, DDL, UTILITY */
	serve_query_state state;
	char *reason;
	int64_t update_count; /* rows a DELETE removed */
	int64_t submitted, started, completed; /* micros since the epoch */
	bool cancel;
	pthread_t thread;
	bool has_thread;
	/* the result: column names and Athena types, rows of ncols cells (NULL: null) */
	size_t ncols;
	char **names;
	const char **types;
	int *precision, *scale; /* of the decimal columns */
	char **cells;
	size_t nrows, cap;
	ll_serve *server;
};

void serve_athena_dispatch(ll_serve *s, const char *action, const json_t *req, serve_reply *r);

/** The worker thread of a query execution. */
void *serve_query_run(void *query);

/** Joins every query thread and frees the executions. */
void serve_queries_free(ll_serve *s);

/* ---- athena_iceberg.c */

/** CREATE TABLE ... ICEBERG: a new table in the catalog, with an empty first snapshot. */
ll_status serve_create_iceberg_table(ll_serve *s, ll_catalog *catalog,
				     const ll_sql_statement *stmt, ll_error *err);

/** DELETE FROM an Iceberg table of the catalog; *rows: how many went. */
ll_status serve_delete_rows(ll_serve *s, sqlite3 *db, ll_catalog *catalog,
			    const ll_sql_statement *stmt, int64_t *rows, ll_error *err);

/* ---- info_schema.c */

/** Whether a query names information_schema (and so runs on it alone). */
bool serve_names_info_schema(const char *sql);

/** Runs a query over information_schema.tables, .columns and .schemata of the served lake. */
ll_status serve_info_schema_query(ll_serve *s, sqlite3 *db, ll_catalog *catalog, const char *sql,
				  const ll_engine_sink *sink, ll_error *err);

/* ---- ui.c */

struct MHD_Connection;

/** Whether a request is the web view's: GET / (the page) or anything under /ui/. */
bool serve_ui_wants(const char *url, const char *method);

/** Answers a request of the web view (unsigned; only served with --ui). */
int serve_ui_handle(ll_serve *s, struct MHD_Connection *conn, const char *url,
		    const char *method);

/* ---- provider.c */

typedef struct serve_provider serve_provider;

/**
 * An engine provider over the Glue store and the catalog (both borrowed,
 * for the calling thread) and the lake's storage.
 */
ll_status serve_provider_new(serve_provider **out, ll_serve *s, sqlite3 *db, ll_catalog *catalog,
			     ll_engine_provider *provider, ll_error *err);
void serve_provider_free(serve_provider *p);

/** Athena's type for a lakeload column type (varchar, bigint, ...). */
const char *serve_athena_type(ll_data_type type);

/** lakeload's type for an Athena/Hive type name; false for nested types. */
bool serve_type_from_athena(const char *type, ll_data_type *out, int *precision, int *scale);

#endif
