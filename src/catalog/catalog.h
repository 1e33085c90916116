/*
 * ll_catalog: the lake's catalog, behind one interface with two
 * implementations, chosen once when a pipeline or lake opens:
 *
 *   SQLite  (catalog_sqlite.c; ll_catalog_open, ll_catalog_open_file) a
 *           SQLite file: <lake>/catalog.db for a local lake; an S3 lake has no
 *           compare-and-swap to build on, so its catalog is a local file the
 *           caller names. The Iceberg SQL-catalog tables (iceberg_tables,
 *           iceberg_namespace_properties) are created with the standard layout
 *           so Iceberg tools can open the same file.
 *   Glue    (catalog_glue.c; ll_catalog_open_glue) the AWS Glue Data Catalog,
 *           shared by every machine that loads into the lake; see
 *           ll_catalog_open_glue for what each operation does there.
 *
 * Callers (the loader, Iceberg commits, delete, history, info, drop-table,
 * state sync, queries) use only the functions below and never ask which
 * implementation they hold.
 *
 * It records which datasets and tables exist, each table's columns and the
 * Parquet files that make up its current contents. A load becomes visible
 * at once (ll_catalog_commit_load): its files, its new columns and the
 * removal of the files a replace supersedes. Committing the same load id
 * twice is harmless, which is what makes resuming an interrupted load safe.
 * Files are given as keys relative to the lake root; listings give them
 * back as paths in a local lake and as locations (s3://bucket/prefix/key)
 * otherwise.
 */
#ifndef LL_CATALOG_CATALOG_H
#define LL_CATALOG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema/schema.h"
#include "storage/storage.h"
#include "util/error.h"

struct ll_aws_json_config;

typedef struct ll_catalog ll_catalog;
typedef struct ll_catalog_load ll_catalog_load;
typedef struct ll_catalog_table ll_catalog_table;

/**
 * What an implementation provides; ctx is its own state. Each operation
 * has the contract of the ll_catalog_* function of the same name below.
 */
typedef struct ll_catalog_ops {
	ll_status (*commit_load)(void *ctx, const ll_catalog_load *load, bool *already,
				 ll_error *err);
	ll_status (*collect_garbage)(void *ctx, ll_error *err);
	ll_status (*list_tables)(void *ctx, const char *dataset, ll_catalog_table **tables,
				 size_t *n, ll_error *err);
	ll_status (*drop_table)(void *ctx, const char *dataset, const char *table, bool *found,
				ll_error *err);
	ll_status (*iceberg_location)(void *ctx, const char *dataset, const char *table,
				      char **location, ll_error *err);
	ll_status (*iceberg_commit)(void *ctx, const char *dataset, const ll_table *t,
				    const char *table, const char *expected,
				    const char *new_location, ll_error *err);
	void (*free)(void *ctx);
} ll_catalog_ops;

/**
 * Wraps an implementation: lake names the lake (a directory or a root
 * location), path where the catalog is (a file when is_file, else a
 * description such as "AWS Glue at <endpoint>"), storage the lake's storage
 * (borrowed; NULL: a catalog that only reads). On failure ops->free(ctx)
 * has been called.
 */
ll_status ll_catalog_wrap(ll_catalog **out, const ll_catalog_ops *ops, void *ctx, const char *lake,
			  const char *path, bool is_file, ll_storage *storage, ll_error *err);

/** The lake as a catalog names it (malloc'd): a local root's directory, else its location. */
char *ll_catalog_lake_name(const char *root);

/** Opens (creating when missing) <lake>/catalog.db of a local lake; creates the lake dir. */
ll_status ll_catalog_open(ll_catalog **out, const char *lake, ll_error *err);

/**
 * Opens (creating it and its directory when missing) the SQLite catalog file
 * at path for the lake of storage (borrowed; it must outlive the catalog).
 * Without a storage the catalog only reads, naming the lake lake (a
 * directory or a root location): collecting garbage is then refused.
 */
ll_status ll_catalog_open_file(ll_catalog **out, const char *path, const char *lake,
			       ll_storage *storage, ll_error *err);

/** How to reach Glue: the client's settings and the catalog id (NULL: the caller's own). */
typedef struct ll_catalog_glue_options {
	const struct ll_aws_json_config *aws;
	const char *catalog_id;
} ll_catalog_glue_options;

/**
 * Opens the Glue catalog of the lake of storage (borrowed; required). In
 * Glue a dataset is a database, a table a Glue table whose Location is
 * <lake>/<dataset>/<table>:
 *
 *   hive     its contents are every Parquet file under Location, as Athena
 *            reads it. A load's files are placed first; committing it
 *            creates the table (and database) or updates its columns, and
 *            for a replace deletes the files of other loads under the
 *            table's folder, which is idempotent.
 *   Iceberg  Parameters table_type=ICEBERG and metadata_location; a commit
 *            reads the table with its VersionId, re-checks that
 *            metadata_location is the expected base and sends UpdateTable
 *            with that VersionId (CreateTable for a new table): a
 *            concurrent update or creation is LL_ECONFLICT.
 *
 * Which loads committed is recorded by dlt's _dlt_loads table, written
 * last; committing a load again never reports it as already committed.
 */
ll_status ll_catalog_open_glue(ll_catalog **out, const ll_catalog_glue_options *opt,
			       ll_storage *storage, ll_error *err);

void ll_catalog_free(ll_catalog *c);

/** The lake: a local lake's absolute directory, or its root location ("s3://b/p"). */
const char *ll_catalog_lake(const ll_catalog *c);

/** Where the catalog is: its file's path, or a description of the remote catalog. */
const char *ll_catalog_path(const ll_catalog *c);

/** Whether the catalog is a local file (ll_catalog_path names it) others cannot see. */
bool ll_catalog_is_file(const ll_catalog *c);

/** The lake's storage, or NULL for a catalog opened without one. */
ll_storage *ll_catalog_storage(const ll_catalog *c);

/** A file of a load, to be registered for a table. */
typedef struct ll_catalog_file {
	const char *table;
	const char *path; /* key relative to the lake root */
	uint64_t rows;
	uint64_t bytes;
} ll_catalog_file;

/** Everything one load changes, committed atomically. */
struct ll_catalog_load {
	const char *dataset;
	const char *load_id;
	const char *nonce;             /* the package's (load/package.h); NULL or "": none */
	const char *pipeline;
	const ll_schema *schema;       /* columns of the tables below come from here */
	const char *const *tables;     /* tables the load writes (files or replace) */
	size_t ntables;
	const char *const *replace;    /* tables whose current files the load replaces */
	size_t nreplace;
	const ll_catalog_file *files;
	size_t nfiles;
};

/** Whether the load writes the file key (relative to the lake root) of table. */
bool ll_catalog_load_has_file(const ll_catalog_load *load, const char *table, const char *key);

/**
 * Commits a load at once. *already is set when the catalog knows the load
 * (its load id and nonce) was committed before (then nothing changes).
 * Fails with LL_ESCHEMA if a column's type differs from the one registered,
 * or if a table would switch between hive and iceberg.
 */
ll_status ll_catalog_commit_load(ll_catalog *c, const ll_catalog_load *load, bool *already,
				 ll_error *err);

/** Deletes superseded files through the lake's storage and forgets them. */
ll_status ll_catalog_collect_garbage(ll_catalog *c, ll_error *err);

/**
 * Holds the table tree of dataset.root (the root table and its children,
 * which a load commits one snapshot each, children first) until
 * ll_catalog_unlock_tree, waiting while another process holds it, so that
 * no other load's commits of the tree come between this one's and leave it
 * torn. A catalog file locks a file beside it (`<catalog>.locks/`, flock:
 * released when the process ends, however it ends); Glue has nothing to
 * lock (*lock is -1), and its trees commit as before.
 */
ll_status ll_catalog_lock_tree(ll_catalog *c, const char *dataset, const char *root, int *lock,
			       ll_error *err);
void ll_catalog_unlock_tree(int lock);

/** A registered table with its columns and current files. */
struct ll_catalog_table {
	char *dataset;
	char *name;
	ll_table_format format;
	ll_column *columns;
	size_t ncolumns;
	char **files; /* absolute paths in a local lake, else locations */
	size_t nfiles;
	uint64_t rows;
	uint64_t bytes;
	bool counts_unknown;     /* rows and bytes are not recorded (a Glue hive table) */
	char *metadata_location; /* Iceberg tables: the current metadata file; else NULL */
	char *location;          /* the table's folder (a path or a location) */
	char *unreadable;        /* why its files could not be listed (its Glue Location is
				    outside the lake): a query of it fails with this; else NULL */
};

/** Lists tables (of one dataset, or all when dataset is NULL). */
ll_status ll_catalog_list_tables(ll_catalog *c, const char *dataset, ll_catalog_table **tables,
				 size_t *n, ll_error *err);
void ll_catalog_tables_free(ll_catalog_table *tables, size_t n);

/**
 * Removes a table from the catalog: its entry, columns and file list, and
 * for an Iceberg table its iceberg_tables row. Files in the lake stay.
 * *found says whether the catalog had the table.
 */
ll_status ll_catalog_drop_table(ll_catalog *c, const char *dataset, const char *table,
				bool *found, ll_error *err);

/* ------------------------------------------------------------ Iceberg tables */

/** The name lakeload's tables have in iceberg_tables.catalog_name. */
#define LL_CATALOG_ICEBERG_NAME "lakeload"

/**
 * The current metadata location of an Iceberg table (the caller frees it),
 * or *location NULL when the table has none (not created yet, or hive).
 */
ll_status ll_catalog_iceberg_location(ll_catalog *c, const char *dataset, const char *table,
				      char **location, ll_error *err);

/**
 * Publishes new metadata for an Iceberg table: a compare-and-swap of
 * iceberg_tables.metadata_location from expected (NULL: the table must not
 * exist yet, and is created) to new_location, the old one kept as
 * previous_metadata_location. The table's columns (columns of t, may be
 * NULL) are registered in the same transaction, so catalog listings show
 * them. LL_ECONFLICT when the current location is not expected (another
 * writer committed first: reload and retry); LL_ESCHEMA when a hive table of
 * that name exists or a column would be retyped.
 */
ll_status ll_catalog_iceberg_commit(ll_catalog *c, const char *dataset, const ll_table *t,
				    const char *table, const char *expected,
				    const char *new_location, ll_error *err);

#endif
