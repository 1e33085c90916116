/*
 * ll_schema: tables and columns of one pipeline schema, with dlt's rules.
 *
 * A schema owns its tables and a table owns its columns; names are already
 * normalized (snake_case, lowercase) when they get here. Columns only grow:
 * evolution adds columns and never drops or retypes one. Every change bumps
 * nothing by itself; ll_schema_update_version compares the content hash with
 * the stored one and bumps `version` when it differs, the way dlt does, so a
 * schema saved after a load carries a version and a hash that readers of
 * `_dlt_version` can trust.
 *
 * Column lookup by name is a hash-table probe, because the normalizer looks
 * up every key of every record. Pointers to columns are invalidated when a
 * column is added to the same table; use indexes across additions.
 *
 * Serialization is JSON close to dlt's schema files:
 *   {"name":..,"version":..,"version_hash":..,"engine_version":..,
 *    "tables":{"events":{"name":"events","parent":..,"write_disposition":..,
 *      "table_format":..,"columns":{"id":{"name":"id","data_type":"bigint",
 *      "nullable":true,"primary_key":false,...}}}}}
 */
#ifndef LL_SCHEMA_SCHEMA_H
#define LL_SCHEMA_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lakeload.h"
#include "util/buf.h"
#include "util/error.h"

#define LL_SCHEMA_ENGINE_VERSION 9

typedef struct ll_column {
	char *name;
	ll_data_type type;
	int precision, scale; /* decimal; 0 means the default (38, 9) */
	bool nullable;
	bool primary_key;
	bool merge_key;
	/* For a variant column (`price__v_text`), the column it is a variant of. */
	char *variant_of;
	/* Iceberg field id, assigned when the table is first written as Iceberg. */
	int32_t field_id;
} ll_column;

typedef struct ll_table {
	char *name;
	char *parent; /* NULL for a root table */
	ll_write_disposition write_disposition;
	ll_table_format table_format;
	ll_column *columns;
	size_t ncolumns;
	/* Partition hints, e.g. "category", "month(created_at)"; Iceberg only. */
	char **partition;
	size_t npartition;
	/* private: open-addressing index name -> column position */
	size_t columns_cap;
	uint32_t *index;
	size_t index_cap;
} ll_table;

typedef struct ll_schema {
	char *name;
	int64_t version;
	char version_hash[32];
	ll_table **tables;
	size_t ntables;
	size_t tables_cap;
} ll_schema;

ll_status ll_schema_new(const char *name, ll_schema **out, ll_error *err);
void ll_schema_free(ll_schema *s);

/** Deep copy. */
ll_status ll_schema_clone(const ll_schema *s, ll_schema **out, ll_error *err);

ll_table *ll_schema_find_table(const ll_schema *s, const char *name);

/**
 * Adds a table (root when parent is NULL) with append disposition and hive
 * format; if it exists, returns it unchanged. *table may be NULL.
 */
ll_status ll_schema_add_table(ll_schema *s, const char *name, const char *parent,
			      ll_table **table, ll_error *err);

/** Position of the column with this (normalized) name, or -1. */
long ll_table_find_column(const ll_table *t, const char *name, size_t len);

/**
 * Appends a copy of col (name and variant_of are copied). Fails with
 * LL_ESCHEMA if a column of that name exists. *index may be NULL.
 */
ll_status ll_table_add_column(ll_table *t, const ll_column *col, size_t *index, ll_error *err);

/** The root of a table's tree (the table itself when it has no parent). */
const ll_table *ll_schema_root_of(const ll_schema *s, const ll_table *t);

/** True if t is root or a descendant of root. */
bool ll_schema_in_tree(const ll_schema *s, const ll_table *t, const ll_table *root);

/** Adds dlt's own tables (_dlt_loads, _dlt_version, _dlt_pipeline_state). */
ll_status ll_schema_add_dlt_tables(ll_schema *s, ll_error *err);

/** True for dlt's own tables and columns (names starting with "_dlt"). */
bool ll_schema_is_dlt_name(const char *name);

/**
 * Recomputes the content hash; if it differs from version_hash, stores it
 * and increments version. Returns true when the version changed.
 */
bool ll_schema_update_version(ll_schema *s);

/** Appends the schema as JSON (see the format above). */
void ll_schema_to_json(const ll_schema *s, ll_buf *out);

/** Parses a schema saved by ll_schema_to_json; name says where it came from. */
ll_status ll_schema_from_json(const char *text, size_t len, const char *name, ll_schema **out,
			      ll_error *err);

/*
 * Naming (dlt's snake_case convention): lowercase, camelCase split with "_",
 * characters outside [a-z0-9_] replaced, a leading digit prefixed with "_",
 * runs of "_" collapsed, trailing "_" replaced by "x"; identifiers longer than
 * the limit are shortened with a hash tag so they stay unique. Nested paths
 * join with "__".
 */
#define LL_NAME_MAX 255

/** Normalizes one identifier into out (replacing its contents). */
void ll_naming_normalize(const char *in, size_t len, ll_buf *out);

/** Appends "<prefix>__<name>" (name already normalized) and shortens if needed. */
void ll_naming_join(const char *prefix, const char *name, ll_buf *out);

#endif
