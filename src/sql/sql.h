/*
 * ll_sql: Athena's SQL dialects, as lakeload writes and reads them.
 *
 * Athena runs DDL through Hive and queries through Trino, and the two quote
 * differently:
 *   - Hive DDL: identifiers in backticks (a backtick doubled); string
 *     literals in single quotes with backslash escapes (\' \\ \n \t \r,
 *     \uXXXX for other control characters). Hive concatenates adjacent
 *     literals, so 'it''s' would mean "its": a quote must be \'.
 *   - Trino queries: identifiers in double quotes (a quote doubled); string
 *     literals in single quotes with the quote doubled. A backslash is an
 *     ordinary character and control characters stand for themselves.
 *
 * Writing: quoting functions and renderers of the DDL lakeload sends to
 * Athena and shows (`lakeload show --ddl`), from a schema table, with dlt's
 * type mapping (dlt/destinations/impl/athena).
 *
 * Reading: ll_sql_read parses one Athena statement into an ll_sql_statement.
 * Queries (SELECT, WITH, VALUES) and the conditions and sources of DELETE
 * and INSERT are translated from Trino's dialect to SQLite over the engine's
 * value representation (see src/engine/engine.h): timestamps as TEXT
 * 'YYYY-MM-DD HH:MM:SS.fff', dates as TEXT 'YYYY-MM-DD', booleans 0/1.
 * The translation is a rewrite of the token stream: what SQLite reads the
 * same way is kept, Trino's functions, literals and clauses are rewritten,
 * and what has no SQLite equivalent (arrays, maps, lambdas, regular
 * expressions, INTERVAL) is LL_EUNSUPPORTED naming the construct and its
 * line:column. Table names may be catalog.database.table (the catalog
 * `awsdatacatalog`, or the one the caller configures, any case, is
 * dropped), database.table, or a bare table in the caller's default
 * database.
 */
#ifndef LL_SQL_SQL_H
#define LL_SQL_SQL_H

#include <stdbool.h>
#include <stddef.h>

#include "lakeload.h"
#include "schema/schema.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"

/* ------------------------------------------------------------------ quoting */

/** Appends `name` for Hive DDL: in backticks, a backtick doubled. */
void ll_sql_hive_ident(ll_buf *out, const char *name);

/** Appends "name" for Trino queries (and SQLite): in double quotes, a quote doubled. */
void ll_sql_presto_ident(ll_buf *out, const char *name);

/** Appends 's' for Trino queries (and SQLite): the single quote doubled. */
void ll_sql_string_literal(ll_buf *out, const char *s);

/** Appends 's' for Hive DDL: quote, backslash and control characters backslash-escaped. */
void ll_sql_hive_string_literal(ll_buf *out, const char *s);

/* ---------------------------------------------------------------- rendering */

/**
 * Appends the Athena type of a column: string, bigint, double, boolean,
 * timestamp, date, decimal(p,s), binary; json is string. A time column is
 * LL_EUNSUPPORTED (Athena cannot read Parquet times), with dlt's advice.
 */
ll_status ll_sql_athena_type(const ll_table *t, const ll_column *c, ll_buf *out, ll_error *err);

/** CREATE EXTERNAL TABLE IF NOT EXISTS `db`.`t` (...) STORED AS PARQUET LOCATION '...' */
ll_status ll_sql_render_create_external(const char *database, const ll_table *t,
					const char *location, ll_buf *out, ll_error *err);

/**
 * CREATE TABLE `db`.`t` (...) PARTITIONED BY (...) LOCATION '...'
 * TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet'), partitioned by
 * the table's partition hints with the column names quoted.
 */
ll_status ll_sql_render_create_iceberg(const char *database, const ll_table *t,
				       const char *location, ll_buf *out, ll_error *err);

/** ALTER TABLE `db`.`t` ADD COLUMNS (...) for the table's columns from index `first` on. */
ll_status ll_sql_render_add_columns(const char *database, const ll_table *t, size_t first,
				    ll_buf *out, ll_error *err);

/** DROP TABLE IF EXISTS `db`.`t` */
void ll_sql_render_drop_table(const char *database, const char *table, ll_buf *out);

/* ------------------------------------------------------------------ reading */

typedef enum ll_sql_kind {
	LL_SQL_QUERY = 0,            /**< SELECT, WITH, VALUES: `sql` is its SQLite text */
	LL_SQL_SHOW_TABLES,          /**< database (maybe the default), like (or NULL) */
	LL_SQL_SHOW_DATABASES,       /**< like (or NULL) */
	LL_SQL_DESCRIBE,             /**< database, table */
	LL_SQL_CREATE_DATABASE,      /**< database, if_not_exists, location (or NULL) */
	LL_SQL_DROP_DATABASE,        /**< database, if_exists, cascade */
	LL_SQL_CREATE_EXTERNAL_TABLE,/**< columns, partition_columns, location, properties */
	LL_SQL_CREATE_ICEBERG_TABLE, /**< columns, partition (expressions), location, properties */
	LL_SQL_ALTER_ADD_COLUMNS,    /**< columns */
	LL_SQL_DROP_TABLE,           /**< if_exists */
	LL_SQL_DELETE,               /**< `sql`: the SQLite condition, NULL: every row */
	LL_SQL_INSERT,               /**< insert_columns (maybe none), `sql`: the SQLite source */
} ll_sql_kind;

/** What an ll_sql_kind is called in SQL ("SHOW TABLES", ...). */
const char *ll_sql_kind_name(ll_sql_kind kind);

typedef struct ll_sql_column {
	const char *name;     /**< as written, unquoted */
	const char *type;     /**< Athena's type, lowercase: "bigint", "decimal(10,2)" */
	ll_data_type data_type;
	int precision, scale; /**< decimal */
	const char *comment;  /**< or NULL */
} ll_sql_column;

typedef struct ll_sql_property {
	const char *key, *value;
} ll_sql_property;

/** Which database a bare name belongs to and which catalog name to drop. */
typedef struct ll_sql_context {
	const char *database; /**< default database; NULL: a bare table name is an error */
	const char *catalog;  /**< the configured catalog; NULL: "awsdatacatalog" */
} ll_sql_context;

/** One parsed statement; every string lives in its arena. */
typedef struct ll_sql_statement {
	ll_sql_kind kind;
	const char *database, *table;
	bool if_exists, if_not_exists, cascade;
	const char *like;
	const char *location;
	const char *sql;
	ll_sql_column *columns;
	size_t ncolumns;
	ll_sql_column *partition_columns; /**< Hive: PARTITIONED BY (name type, ...) */
	size_t npartition_columns;
	const char **partition;           /**< Iceberg: "category", "month(created_at)" */
	size_t npartition;
	ll_sql_property *properties;      /**< TBLPROPERTIES, keys and values as written */
	size_t nproperties;
	const char **insert_columns;
	size_t ninsert_columns;
	ll_arena arena;
} ll_sql_statement;

/**
 * Parses one statement (a trailing ';' is allowed). Syntax errors are
 * LL_EINVAL, constructs lakeload does not run LL_EUNSUPPORTED; both name
 * what was found and set the error's line and column. Free *out with
 * ll_sql_statement_free, also after a failure.
 */
ll_status ll_sql_read(const char *text, const ll_sql_context *ctx, ll_sql_statement *out,
		      ll_error *err);

void ll_sql_statement_free(ll_sql_statement *st);

/**
 * Translates a Trino query (SELECT, WITH or VALUES) to SQLite text, which
 * replaces out's contents. Errors as ll_sql_read's.
 */
ll_status ll_sql_translate_query(const char *text, const ll_sql_context *ctx, ll_buf *out,
				 ll_error *err);

#endif
