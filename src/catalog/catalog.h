/*
 * ll_catalog: the lake's catalog, a SQLite file: <lake>/catalog.db for a
 * local lake; an S3 lake has no compare-and-swap to build on, so its
 * catalog is a local file the caller names (ll_catalog_open_file).
 *
 * It records which datasets and tables exist, each table's columns and the
 * Parquet files that make up its current contents, and which loads have been
 * committed. A load becomes visible in exactly one SQLite transaction
 * (ll_catalog_commit_load): its files, its new columns, the removal of the
 * files a replace supersedes and its row in ll_loads appear together or not
 * at all. Committing the same load id twice is a no-op that reports it was
 * already committed, which is what makes resuming an interrupted load safe.
 *
 * Files a replace supersedes are not deleted in the transaction: they move to
 * a garbage list and are deleted from disk afterwards
 * (ll_catalog_collect_garbage), so a crash never leaves the catalog pointing
 * at missing files. Files are stored as keys relative to the lake root and
 * deleted through the lake's ll_storage; listings give them back as paths
 * in a local lake and as locations (s3://bucket/prefix/key) otherwise.
 *
 * The Iceberg SQL-catalog tables (iceberg_tables,
 * iceberg_namespace_properties) are created with the standard layout so
 * Iceberg tools can open the same file.
 */
#ifndef LL_CATALOG_CATALOG_H
#define LL_CATALOG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema/schema.h"
#include "storage/storage.h"
#include "util/error.h"

typedef struct ll_catalog ll_catalog;

/** Opens (creating when missing) <lake>/catalog.db of a local lake; creates the lake dir. */
ll_status ll_catalog_open(ll_catalog **out, const char *lake, ll_error *err);

/**
 * Opens (creating it and its directory when missing) the catalog file at
 * path for the lake of storage (borrowed; it must outlive the catalog).
 * Without a storage the catalog only reads, naming the lake lake (a
 * directory or a root location): collecting garbage is then refused.
 */
ll_status ll_catalog_open_file(ll_catalog **out, const char *path, const char *lake,
			       ll_storage *storage, ll_error *err);
void ll_catalog_free(ll_catalog *c);

/** The lake: a local lake's absolute directory, or its root location ("s3://b/p"). */
const char *ll_catalog_lake(const ll_catalog *c);

/** The catalog file's path. */
const char *ll_catalog_path(const ll_catalog *c);

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
typedef struct ll_catalog_load {
	const char *dataset;
	const char *load_id;
	const char *pipeline;
	const ll_schema *schema;       /* columns of the tables below come from here */
	const char *const *tables;     /* tables the load writes (files or replace) */
	size_t ntables;
	const char *const *replace;    /* tables whose current files the load replaces */
	size_t nreplace;
	const ll_catalog_file *files;
	size_t nfiles;
} ll_catalog_load;

/**
 * Commits a load in one transaction. *already is set when the load id was
 * committed before (then nothing changes). Fails with LL_ESCHEMA if a
 * column's type differs from the one registered, or if a table would switch
 * between hive and iceberg.
 */
ll_status ll_catalog_commit_load(ll_catalog *c, const ll_catalog_load *load, bool *already,
				 ll_error *err);

/** True if the load id is committed in the dataset. */
ll_status ll_catalog_has_load(ll_catalog *c, const char *dataset, const char *load_id, bool *out,
			      ll_error *err);

/** Deletes superseded files through the lake's storage and forgets them. */
ll_status ll_catalog_collect_garbage(ll_catalog *c, ll_error *err);

/** A registered table with its columns and current files. */
typedef struct ll_catalog_table {
	char *dataset;
	char *name;
	ll_table_format format;
	ll_column *columns;
	size_t ncolumns;
	char **files; /* absolute paths in a local lake, else locations */
	size_t nfiles;
	uint64_t rows;
	uint64_t bytes;
	char *metadata_location; /* Iceberg tables: the current metadata file; else NULL */
} ll_catalog_table;

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
