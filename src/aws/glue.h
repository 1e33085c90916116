/*
 * AWS Glue Data Catalog: databases and tables, over the JSON protocol client
 * (aws_json.h).
 *
 * A table is a typed struct (ll_glue_table) that a Glue reply parses into
 * and a TableInput is rendered from, with builders for the two shapes
 * lakeload registers:
 *
 *   hive     TableType EXTERNAL_TABLE, Parameters EXTERNAL=TRUE and
 *            classification=parquet, the Parquet SerDe and Mapred input and
 *            output formats, Location the table's folder, Athena column
 *            types from lakeload's types (text and json -> string, bigint,
 *            double, bool -> boolean, timestamp, date, decimal(p,s), binary).
 *   iceberg  as Iceberg's own GlueCatalog writes them (GlueTableOperations,
 *            IcebergToGlueConverter): TableType EXTERNAL_TABLE, Parameters
 *            table_type=ICEBERG, metadata_location and, after the first
 *            commit, previous_metadata_location; Location the table's root;
 *            columns with parameters iceberg.field.id, iceberg.field.optional
 *            and iceberg.field.current.
 *
 * Optimistic commits: GetTable returns Table.VersionId; UpdateTable with
 * that VersionId fails with ConcurrentModificationException (LL_ECONFLICT)
 * when someone else updated the table since; re-read, re-apply, retry.
 *
 * Catalog id: Glue's CatalogId is the AWS account id that owns the catalog
 * (the caller's own when absent). dlt's aws_data_catalog names an Athena data
 * catalog instead; ll_glue_catalog_id_for tells which Glue catalog id that
 * is (none for "awsdatacatalog", the account id itself when one is given;
 * Athena's GetDataCatalog tells it for a named Glue-type catalog, see
 * athena.h).
 *
 * Errors name the action and database/table; a missing database or table
 * is LL_ENOTFOUND, an existing one on create LL_ECONFLICT with
 * ll_glue_already_exists true.
 */
#ifndef LL_AWS_GLUE_H
#define LL_AWS_GLUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/aws_json.h"
#include "lakeload.h"
#include "schema/schema.h"
#include "util/arena.h"

#define LL_GLUE_PARQUET_SERDE "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
#define LL_GLUE_PARQUET_INPUT "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
#define LL_GLUE_PARQUET_OUTPUT "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
#define LL_GLUE_EXTERNAL_TABLE "EXTERNAL_TABLE"
/* Glue's own page size limit for GetTables and GetDatabases. */
#define LL_GLUE_MAX_PAGE 100

/** A key/value pair of Parameters; strings belong to the table's arena. */
typedef struct ll_glue_param {
	const char *key;
	const char *value;
} ll_glue_param;

typedef struct ll_glue_params {
	ll_glue_param *items;
	size_t count, cap;
} ll_glue_params;

typedef struct ll_glue_column {
	const char *name;
	const char *type;    /**< Athena/Hive type: "bigint", "decimal(38,9)" */
	const char *comment; /**< NULL: none */
	ll_glue_params parameters;
} ll_glue_column;

typedef struct ll_glue_columns {
	ll_glue_column *items;
	size_t count, cap;
} ll_glue_columns;

typedef struct ll_glue_storage {
	const char *location;
	const char *input_format;
	const char *output_format;
	const char *serde_library; /**< NULL: no SerDeInfo */
	ll_glue_params serde_parameters;
	ll_glue_columns columns;
} ll_glue_storage;

/**
 * A Glue table. Start from ll_glue_table_init; every string is owned by the
 * table (its arena) and lives until ll_glue_table_free.
 */
typedef struct ll_glue_table {
	const char *database;
	const char *name;
	const char *table_type;  /**< "EXTERNAL_TABLE" */
	const char *description; /**< NULL: none */
	const char *catalog_id;  /**< from a reply; NULL when not given */
	const char *version_id;  /**< from GetTable; NULL when not given */
	ll_glue_params parameters;
	ll_glue_storage storage;
	ll_glue_columns partition_keys;
	ll_arena arena;
} ll_glue_table;

void ll_glue_table_init(ll_glue_table *t);
void ll_glue_table_free(ll_glue_table *t);

/** A copy of s in the table's arena (NULL stays NULL). */
const char *ll_glue_table_str(ll_glue_table *t, const char *s);

/** Sets (or replaces) key in params; strings are copied into t's arena. */
ll_status ll_glue_params_set(ll_glue_table *t, ll_glue_params *params, const char *key,
			     const char *value, ll_error *err);

/** The value of key in params, or NULL. */
const char *ll_glue_params_get(const ll_glue_params *params, const char *key);

/** Appends a column (strings copied) and returns it through *out (may be NULL). */
ll_status ll_glue_columns_add(ll_glue_table *t, ll_glue_columns *cols, const char *name,
			      const char *type, const char *comment, ll_glue_column **out,
			      ll_error *err);

/**
 * The Athena (Hive DDL) type of a lakeload column into buf: string, bigint,
 * double, boolean, timestamp, date, decimal(p,s) (38,9 by default), binary;
 * json as string. A time column is LL_EUNSUPPORTED: Athena tables cannot
 * hold one.
 */
ll_status ll_glue_athena_type(const ll_column *col, char *buf, size_t size, ll_error *err);

/**
 * Fills t (fresh from ll_glue_table_init) as a hive table of Parquet files
 * under location (a folder: its Location gets the trailing '/' that dlt
 * and Athena give a table's LOCATION), with the columns of schema_table.
 */
ll_status ll_glue_table_hive(ll_glue_table *t, const char *database, const ll_table *schema_table,
			     const char *location, ll_error *err);

/**
 * Fills t (fresh) as an Iceberg table whose current metadata file is
 * metadata_location; previous (NULL for a new table) is the one it replaces.
 * Columns carry their Iceberg field ids (ll_column.field_id).
 */
ll_status ll_glue_table_iceberg(ll_glue_table *t, const char *database,
				const ll_table *schema_table, const char *location,
				const char *metadata_location, const char *previous,
				ll_error *err);

/**
 * Points an Iceberg table read with GetTable at a new metadata file, as
 * Iceberg's GlueTableOperations commits: previous_metadata_location becomes
 * the current metadata_location, every other parameter and the columns stay.
 * Send it with ll_glue_update_table and the VersionId it was read with. A
 * table that is not Iceberg is LL_EINVAL.
 */
ll_status ll_glue_table_set_metadata_location(ll_glue_table *t, const char *metadata_location,
					      ll_error *err);

/** Whether t is an Iceberg table (Parameters table_type, any case, is ICEBERG). */
bool ll_glue_table_is_iceberg(const ll_glue_table *t);

/** The TableInput document for CreateTable and UpdateTable (new reference). */
json_t *ll_glue_table_input(const ll_glue_table *t);

/**
 * Reads a Glue Table document (GetTable's "Table", an element of GetTables'
 * "TableList") into t (fresh). LL_EFORMAT naming the member when it is not
 * of Glue's shape.
 */
ll_status ll_glue_table_parse(ll_glue_table *t, const json_t *doc, ll_error *err);

/** A Glue database as GetDatabase returns it; strings owned by the struct. */
typedef struct ll_glue_database {
	char *name;
	char *description;  /**< NULL: none */
	char *location_uri; /**< NULL: none */
	char *catalog_id;   /**< NULL: not given */
} ll_glue_database;

void ll_glue_database_free(ll_glue_database *db);

/** Reads a Glue Database document into db (zeroed first). */
ll_status ll_glue_database_parse(ll_glue_database *db, const json_t *doc, ll_error *err);

/**
 * The Glue catalog id for dlt's aws_data_catalog: *id is NULL for the
 * default catalog ("awsdatacatalog", any case, or NULL), the value itself
 * for a 12-digit account id. Any other name is an Athena data catalog whose
 * Glue catalog id only Athena knows (ll_athena_glue_catalog_id): then
 * returns false.
 */
bool ll_glue_catalog_id_for(const char *aws_data_catalog, const char **id);

typedef struct ll_glue ll_glue;

/**
 * A Glue client for cfg (service LL_AWS_GLUE is forced); catalog_id is the
 * CatalogId sent with every call, NULL for the caller's own catalog.
 */
ll_status ll_glue_open(ll_glue **out, const ll_aws_json_config *cfg, const char *catalog_id,
		       ll_error *err);
void ll_glue_free(ll_glue *g);

/** The protocol client underneath, e.g. for ll_aws_json_error_code. */
ll_aws_json_client *ll_glue_client(ll_glue *g);

/** Whether the last call failed because the database or table already existed. */
bool ll_glue_already_exists(const ll_glue *g);

/**
 * Creates a database (location_uri and description may be NULL). One that
 * exists already is fine: *created (may be NULL) tells which.
 */
ll_status ll_glue_create_database(ll_glue *g, const char *name, const char *description,
				  const char *location_uri, bool *created, ll_error *err);

ll_status ll_glue_get_database(ll_glue *g, const char *name, ll_glue_database *out,
			       ll_error *err);

/** Receives a database or table, borrowed for the call; non-zero stops the listing. */
typedef int (*ll_glue_database_fn)(void *user, const ll_glue_database *db);
typedef int (*ll_glue_table_fn)(void *user, const ll_glue_table *t);

/** Lists every database, page by page (NextToken). */
ll_status ll_glue_get_databases(ll_glue *g, ll_glue_database_fn fn, void *user, ll_error *err);

/** Creates t; an existing table is LL_ECONFLICT with ll_glue_already_exists. */
ll_status ll_glue_create_table(ll_glue *g, const ll_glue_table *t, ll_error *err);

/** Reads database.name into out (fresh), VersionId included. */
ll_status ll_glue_get_table(ll_glue *g, const char *database, const char *name,
			    ll_glue_table *out, ll_error *err);

/**
 * Lists the tables of a database, page by page (NextToken); expression
 * (NULL: all) is Glue's name pattern.
 */
ll_status ll_glue_get_tables(ll_glue *g, const char *database, const char *expression,
			     ll_glue_table_fn fn, void *user, ll_error *err);

/**
 * Replaces the definition of t->database.t->name with t. version_id (from
 * GetTable; NULL: unconditional) makes it a compare-and-swap: a stale one
 * is LL_ECONFLICT.
 */
ll_status ll_glue_update_table(ll_glue *g, const ll_glue_table *t, const char *version_id,
			       ll_error *err);

/** Deletes database.name; a missing table is LL_ENOTFOUND. */
ll_status ll_glue_delete_table(ll_glue *g, const char *database, const char *name,
			       ll_error *err);

/** Request documents, for tests and the local endpoint (new references). */
json_t *ll_glue_get_table_request(const char *catalog_id, const char *database, const char *name);
json_t *ll_glue_update_table_request(const char *catalog_id, const ll_glue_table *t,
				     const char *version_id);

#endif
