/*
 * Iceberg partition specs: their JSON form (Appendix C), the partition
 * expressions lakeload's users write, and the Hive-style directory names of
 * a partition ("created_at_month=2024-03/user_id_bucket=5").
 *
 * Expressions. A user partitions a table with 'category' (identity),
 * 'month(created_at)', 'bucket(16, user_id)' or 'truncate(4, name)', as in
 * Spark's and Athena's PARTITIONED BY; year, day and hour work like month,
 * Spark's plural names (years, months, days, hours) and the number after
 * the column ('bucket(user_id, 16)') are accepted too. The partition
 * field's name is the one the Java library gives it: the column for
 * identity, else column + "_year", "_month", "_day", "_hour", "_bucket",
 * "_trunc" (or "_null" for void).
 *
 * Paths. Each value is written as Java's Transform.toHumanString writes it
 * (years "2024", months "2024-03", days "2024-03-05", hours "2024-03-05-13",
 * timestamps "2024-03-05T13:04:05.123456", binary as base64, decimals
 * "10.50", null as "null"), and names and values are escaped as Java's
 * URLEncoder does (UTF-8, letters, digits and ".-*_" kept, space as "+",
 * everything else %XX), so lakeload puts files where Spark would.
 *
 * Ownership. Parsed specs live in the arena given to the parser, names and
 * unknown transform texts pointing into the JSON document.
 */
#ifndef LL_FORMATS_ICEBERG_PARTITION_H
#define LL_FORMATS_ICEBERG_PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/iceberg/transform.h"
#include "formats/iceberg/type.h"
#include "formats/iceberg/values.h"
#include "util/arena.h"
#include "util/buf.h"

/** Partition field ids start here in v1 tables, which did not record them. */
#define LL_ICEBERG_FIRST_PARTITION_FIELD_ID 1000

typedef struct ll_iceberg_partition_field {
	int32_t source_id;
	int32_t field_id;
	const char *name;
	ll_iceberg_transform transform;
	const struct json_t *json;    /**< the field's JSON object, or NULL */
} ll_iceberg_partition_field;

typedef struct ll_iceberg_partition_spec {
	int32_t spec_id;
	const ll_iceberg_partition_field *fields;
	size_t nfields;
	const struct json_t *json;    /**< the spec's JSON object, or NULL */
} ll_iceberg_partition_spec;

/**
 * Parses a partition spec object ({"spec-id", "fields"}) or, when fields_only
 * (v1's "partition-spec" member, manifests' "partition-spec" header), just
 * the fields array, which gets spec id 0. A field without "field-id" gets
 * 1000 plus its position, as the Java library numbers v1 specs;
 * require_field_ids (v2) makes the id required instead.
 */
ll_status ll_iceberg_partition_spec_parse(const struct json_t *json, ll_arena *arena,
					  const char *where, bool fields_only,
					  bool require_field_ids, ll_iceberg_partition_spec *out,
					  ll_error *err);

/** The spec's fields as a new JSON array (caller owns it); NULL when out of memory. */
struct json_t *ll_iceberg_partition_fields_to_json(const ll_iceberg_partition_spec *spec);

/** The spec as a new JSON object {"spec-id", "fields"}; NULL when out of memory. */
struct json_t *ll_iceberg_partition_spec_to_json(const ll_iceberg_partition_spec *spec);

/** A partition expression, resolved only as far as text goes. */
typedef struct ll_iceberg_partition_expr {
	ll_iceberg_transform transform;
	const char *column;   /**< the source column name, borrowed from the expression */
	size_t column_len;
} ll_iceberg_partition_expr;

/**
 * Parses 'category', 'month(created_at)', 'bucket(16, user_id)', ...
 * LL_EINVAL with the expression quoted when it is none of these.
 */
ll_status ll_iceberg_partition_expr_parse(const char *text, ll_iceberg_partition_expr *out,
					  ll_error *err);

/** Writes Java's default partition field name for a transform of column into out. */
void ll_iceberg_partition_field_name(const ll_iceberg_transform *t, const char *column,
				     ll_buf *out);

/**
 * Appends the human string of a partition value: v (possibly null) is the
 * output of transform t on a column of type source.
 */
ll_status ll_iceberg_partition_value_human(const ll_iceberg_transform *t,
					   const ll_iceberg_type *source,
					   const ll_iceberg_value *v, ll_buf *out, ll_error *err);

/**
 * Appends the partition's relative directory, "name=value/name=value", for
 * a tuple of values (one per spec field, transform outputs) of a table with
 * this schema. LL_ESCHEMA when a field's source column is not in the schema.
 */
ll_status ll_iceberg_partition_path(const ll_iceberg_partition_spec *spec,
				    const ll_iceberg_schema *schema, const ll_iceberg_value *values,
				    ll_buf *out, ll_error *err);

#endif
