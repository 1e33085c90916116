/*
 * Iceberg types and schemas (table spec "Schemas and Data Types"; JSON form
 * in Appendix C), for format versions 1 and 2.
 *
 * The model is the spec's, richer than lakeload's column types: primitives
 * keep their width and zone (int vs long, timestamp vs timestamptz,
 * decimal(P, S), fixed[L]) and structs, lists and maps nest, every field
 * carrying the id that data files and manifests refer to. A list's element
 * and a map's key and value are fields too, named "element", "key" and
 * "value" as the Java library names them, so one walk over `fields` sees
 * every id in a schema.
 *
 * ll_iceberg_type_for_data_type and ll_iceberg_type_data_type map between
 * this model and ll_data_type: lakeload's timestamp is a UTC instant written
 * to Parquet with isAdjustedToUTC, which is Iceberg's timestamptz.
 *
 * Ownership. Parsed types, fields and schemas live in the arena passed to
 * the parser; names and docs point into the JSON document given to it, so
 * both must outlive the schema. `json` members are that document's objects,
 * kept so a writer can carry attributes this model does not know
 * (initial-default, write-default, ...) into the metadata it writes; they
 * are NULL for types built in code.
 *
 * Errors. Parsing fails with LL_EFORMAT and a message naming the offending
 * element by its path in the metadata ("schemas[1].fields[3].type"); the
 * caller sets the file.
 */
#ifndef LL_FORMATS_ICEBERG_TYPE_H
#define LL_FORMATS_ICEBERG_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lakeload.h"
#include "util/arena.h"

/* jansson's value type, for the JSON objects kept with fields and schemas. */
struct json_t;

typedef enum ll_iceberg_kind {
	LL_ICEBERG_BOOLEAN = 0,
	LL_ICEBERG_INT,
	LL_ICEBERG_LONG,
	LL_ICEBERG_FLOAT,
	LL_ICEBERG_DOUBLE,
	LL_ICEBERG_DECIMAL,
	LL_ICEBERG_DATE,        /**< days since 1970-01-01 */
	LL_ICEBERG_TIME,        /**< microseconds since midnight */
	LL_ICEBERG_TIMESTAMP,   /**< microseconds since 1970-01-01 00:00, no zone */
	LL_ICEBERG_TIMESTAMPTZ, /**< microseconds since 1970-01-01 00:00 UTC */
	LL_ICEBERG_STRING,
	LL_ICEBERG_UUID,
	LL_ICEBERG_FIXED,
	LL_ICEBERG_BINARY,
	LL_ICEBERG_STRUCT,
	LL_ICEBERG_LIST,
	LL_ICEBERG_MAP,
} ll_iceberg_kind;

/** The JSON name of a kind ("long", "timestamptz", "struct", ...). */
const char *ll_iceberg_kind_name(ll_iceberg_kind kind);

typedef struct ll_iceberg_type ll_iceberg_type;

typedef struct ll_iceberg_field {
	int32_t id;
	const char *name;
	bool required;
	const ll_iceberg_type *type;
	const char *doc;                /**< NULL when the field has none */
	const struct json_t *json;      /**< the field's JSON object (struct fields only) */
} ll_iceberg_field;

struct ll_iceberg_type {
	ll_iceberg_kind kind;
	int precision, scale;           /**< decimal */
	int32_t length;                 /**< fixed */
	/** struct: its fields; list: the element; map: the key, then the value */
	const ll_iceberg_field *fields;
	size_t nfields;
};

/** A shared instance of a primitive without parameters (not decimal or fixed). */
const ll_iceberg_type *ll_iceberg_primitive(ll_iceberg_kind kind);

/** True for every kind but struct, list and map. */
static inline bool ll_iceberg_type_is_primitive(const ll_iceberg_type *t)
{
	return t->kind < LL_ICEBERG_STRUCT;
}

/**
 * Parses a primitive type name as the spec writes it: "long", "decimal(9,2)"
 * or "decimal(9, 2)", "fixed[16]". Parameterized types are allocated in
 * arena. `where` names the element for the error message.
 */
ll_status ll_iceberg_type_parse_name(const char *name, ll_arena *arena, const char *where,
				     const ll_iceberg_type **out, ll_error *err);

/**
 * Writes a primitive type's JSON name ("decimal(10, 2)" with the space the
 * Java library writes, "fixed[16]") into buf (40 bytes are enough); nested
 * types get their kind name. Returns buf.
 */
const char *ll_iceberg_type_name(const ll_iceberg_type *t, char *buf, size_t size);

/** Whether two types are the same, field ids and names included. */
bool ll_iceberg_type_equal(const ll_iceberg_type *a, const ll_iceberg_type *b);

/**
 * The lakeload column type that holds values of t: int and long are bigint,
 * float and double are double, timestamp and timestamptz are timestamp, uuid
 * is text, fixed is binary, and structs, lists and maps are json.
 */
ll_data_type ll_iceberg_type_data_type(const ll_iceberg_type *t);

/**
 * The Iceberg type lakeload writes for a column of type dt: text and json
 * are string, bigint is long, timestamp is timestamptz, decimal is
 * decimal(precision, scale) (0, 0 meaning lakeload's default 38, 9),
 * allocated in arena. NULL when out of memory.
 */
const ll_iceberg_type *ll_iceberg_type_for_data_type(ll_data_type dt, int precision, int scale,
						     ll_arena *arena);

/* ------------------------------------------------------------------ schemas */

typedef struct ll_iceberg_schema {
	int32_t schema_id;
	ll_iceberg_type type;                /**< kind LL_ICEBERG_STRUCT: the columns */
	const int32_t *identifier_field_ids;
	size_t nidentifier_field_ids;
	const struct json_t *json;           /**< the schema's JSON object, or NULL */
} ll_iceberg_schema;

/**
 * Parses a schema object. Without "schema-id" the id is default_id (v1
 * metadata may leave it out); require_id makes it a required field instead.
 * Field ids must be unique in the schema.
 */
ll_status ll_iceberg_schema_parse(const struct json_t *json, ll_arena *arena, const char *where,
				  bool require_id, int32_t default_id, ll_iceberg_schema *out,
				  ll_error *err);

/**
 * The schema as a new JSON object in the spec's form (caller owns the
 * reference), with the attributes this model does not know copied from the
 * parsed JSON. NULL when out of memory.
 */
struct json_t *ll_iceberg_schema_to_json(const ll_iceberg_schema *s);

/** The field with this id anywhere in the schema (nested ones too), or NULL. */
const ll_iceberg_field *ll_iceberg_schema_find_field(const ll_iceberg_schema *s, int32_t id);

/** The top-level column with this name, or NULL. */
const ll_iceberg_field *ll_iceberg_schema_find_column(const ll_iceberg_schema *s,
						      const char *name);

/** The highest field id in the schema, nested fields included; 0 when empty. */
int32_t ll_iceberg_schema_max_field_id(const ll_iceberg_schema *s);

#endif
