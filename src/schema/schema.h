/*
 * ll_schema: tables and columns of one pipeline schema, with dlt's rules.
 *
 * A schema owns its tables and a table owns its columns; names are already
 * normalized (snake_case, lowercase) when they get here. Columns only grow:
 * evolution adds columns and never drops or retypes one. A change bumps
 * nothing by itself; ll_schema_update_version compares the content hash with
 * the stored one and bumps `version` when it differs, the way dlt does, so a
 * schema saved after a load carries a version and a hash that readers of
 * `_dlt_version` can trust.
 *
 * Column and table lookup by name is a hash-table probe, because the
 * normalizer looks up every key of every record. Pointers to columns are
 * invalidated when a column is added to the same table; use indexes across
 * additions. Table pointers stay valid until the schema is freed.
 *
 * The version hash is SHA3-256 (base64, as dlt writes it) over a canonical
 * rendering of the content: every field except version and version_hash,
 * tables in name order, columns in their order. It does not depend on how a
 * schema file was formatted, only on what it says.
 *
 * Serialization is JSON close to dlt's schema files:
 *   {"name":..,"version":..,"version_hash":..,"engine_version":..,
 *    "tables":{"events":{"name":"events","parent":..,"write_disposition":..,
 *      "table_format":..,"partition":[..],"x-normalizer":{"max_nesting":..},
 *      "columns":{"id":{"name":"id",
 *      "data_type":"bigint","nullable":true,"primary_key":false,
 *      "merge_key":false,"precision":..,"scale":..,"variant":true,
 *      "variant_of":..,"field_id":..}}}}}
 * precision/scale are written for decimals only, variant/variant_of for
 * variant columns only, field_id only once assigned (>= 0).
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

/* Length of a version hash (base64 of 32 bytes) plus its NUL. */
#define LL_SCHEMA_HASH_SIZE 48

typedef struct ll_column {
	char *name;
	ll_data_type type;
	int precision, scale; /* decimal; 0 means the default (38, 9) */
	bool nullable;
	bool primary_key;
	bool merge_key;
	/* For a variant column (`price__v_text`), the column it is a variant of. */
	char *variant_of;
	/* Iceberg field id, assigned when the table is first written as Iceberg; -1: none. */
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
	/* dlt's max_table_nesting, kept for later loads as dlt keeps its x-normalizer
	 * hint; ll_resource.max_table_nesting's values (0: unset) */
	int max_nesting;
	/* private: open-addressing index name -> column position + 1 (0: empty) */
	size_t columns_cap;
	uint32_t *index;
	size_t index_cap;
} ll_table;

typedef struct ll_schema {
	char *name;
	int64_t version;
	char version_hash[LL_SCHEMA_HASH_SIZE];
	ll_table **tables;
	size_t ntables;
	size_t tables_cap;
	/* private: open-addressing index name -> table position + 1 (0: empty) */
	uint32_t *table_index;
	size_t table_index_cap;
} ll_schema;

/** Creates an empty schema (version 0, no hash). */
ll_status ll_schema_new(const char *name, ll_schema **out, ll_error *err);
void ll_schema_free(ll_schema *s);

/** Deep copy. */
ll_status ll_schema_clone(const ll_schema *s, ll_schema **out, ll_error *err);

/**
 * Brings dst up to from, a schema that grew from it by appending: the
 * tables dst lacks are added (in from's order), each table's columns past
 * dst's are appended, and field ids from assigned are copied.
 */
ll_status ll_schema_adopt(ll_schema *dst, const ll_schema *from, ll_error *err);

ll_table *ll_schema_find_table(const ll_schema *s, const char *name);

/**
 * Adds a table (root when parent is NULL) with append disposition and hive
 * format; if it exists, returns it unchanged. A parent must exist already
 * (LL_EINVAL otherwise). *table may be NULL.
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

/**
 * Adds dlt's own tables (_dlt_loads, _dlt_version, _dlt_pipeline_state) with
 * dlt's columns and nullability; tables that exist are left alone.
 */
ll_status ll_schema_add_dlt_tables(ll_schema *s, ll_error *err);

/** True for dlt's own tables and columns (names starting with "_dlt"). */
bool ll_schema_is_dlt_name(const char *name);

/** Writes the content hash (see above) into hash. */
void ll_schema_content_hash(const ll_schema *s, char hash[LL_SCHEMA_HASH_SIZE]);

/**
 * Recomputes the content hash; if it differs from version_hash, stores it
 * and increments version. Returns true when the version changed.
 */
bool ll_schema_update_version(ll_schema *s);

/** Appends the schema as JSON (see the format above). */
void ll_schema_to_json(const ll_schema *s, ll_buf *out);

/**
 * Parses a schema saved by ll_schema_to_json; name says where it came from
 * (a path, for messages). Anything malformed or inconsistent (unknown type,
 * duplicate column, missing parent) is LL_EFORMAT naming the table and column.
 */
ll_status ll_schema_from_json(const char *text, size_t len, const char *name, ll_schema **out,
			      ll_error *err);

/*
 * Naming: dlt's snake_case convention, exactly (dlt/common/normalizers/naming/
 * snake_case.py): surrounding whitespace trimmed; "+-*@|" become "x_xal";
 * every run of characters other than ASCII letters, digits, "_" and Unicode
 * decimal digits becomes one "_"; camelCase and acronyms split with "_"
 * ("getHTTPResponse" -> "get_http_response"); lowercase; a leading digit
 * gets a "_" in front; each trailing "_" becomes "x"; runs of "_" collapse.
 * An identifier longer than LL_NAME_MAX characters is cut to that length
 * with a 6-character tag (SHAKE-128 of the original) in the middle, so two
 * long names stay distinct. Nested paths join with "__".
 */
#define LL_NAME_MAX 255

/**
 * Normalizes one identifier into out (replacing its contents). An input
 * that is empty or only whitespace gives an empty result; callers decide
 * what that means.
 */
void ll_naming_normalize(const char *in, size_t len, ll_buf *out);

/**
 * Normalizes a key or table name the way dlt's relational normalizer does
 * (normalize_path): split at "__", normalize each non-blank part, join with
 * "__", shorten the whole. "a__b" stays "a__b" (a path) where
 * ll_naming_normalize gives "a_b". Replaces out's contents; empty when no
 * part is left.
 */
void ll_naming_normalize_path(const char *in, size_t len, ll_buf *out);

/**
 * Appends name, shortened to LL_NAME_MAX with a tag computed from name
 * itself (dlt's shorten_fragments of an already joined path).
 */
void ll_naming_shorten(const char *name, size_t len, ll_buf *out);

/** Appends "<prefix>__<name>" (both already normalized) and shortens if needed. */
void ll_naming_join(const char *prefix, const char *name, ll_buf *out);

/*
 * Type detections (dlt's schema setting `detections`, see detections.c).
 */
typedef enum ll_iso_kind {
	LL_ISO_NONE = 0,
	LL_ISO_DATE,     /* *value: days since 1970-01-01 */
	LL_ISO_TIME,     /* a time of day alone: no value */
	LL_ISO_DATETIME, /* *value: microseconds since the epoch, UTC (naive times are UTC) */
} ll_iso_kind;

/** dlt's parse_iso_like_datetime: what s is, when dlt can read it as one. */
ll_iso_kind ll_parse_iso_like(const char *s, size_t len, int64_t *value);

/** ll_parse_iso_like without its fast path for the common timestamp shape; tests hold the two equal. */
ll_iso_kind ll_parse_iso_like_general(const char *s, size_t len, int64_t *value);

/**
 * dlt's autodetect_sc_type for a string starting a new column: timestamp
 * (LL_DETECT_ISO_TIMESTAMP and s a date-time), date (LL_DETECT_ISO_DATE and
 * s a date without a time), else text.
 */
ll_data_type ll_detect_text_type(const char *s, size_t len, unsigned detections);

#endif
