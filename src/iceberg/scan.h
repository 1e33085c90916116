/*
 * What a planned Iceberg scan knows of its data files before reading them,
 * and how it uses that to leave files out.
 *
 * Two users, one source of truth (the manifests' partition values, value
 * and null counts, lower and upper bounds, and the manifest list's
 * partition summaries):
 *   - the query engine asks for a column's range in a planned file
 *     (ll_iceberg_scan_file_range) and skips the files its constraints rule
 *     out without opening them, and for the identity partition value of a
 *     column a file does not store (ll_iceberg_scan_file_identity);
 *   - a caller that knows its predicates up front (a delete, a merge, a
 *     test) passes filters to the planner (ll_iceberg_plan_scan_filtered in
 *     plan.h), which then skips whole manifests by their partition
 *     summaries and data files by their partition values and bounds.
 *
 * Every decision is conservative: a file or manifest is left out only when
 * no row in it can satisfy a filter. Anything the metadata does not say
 * (no bounds, a transform that does not keep order, a nested column) keeps
 * the file. Bounds may be truncated (Iceberg shortens long strings);
 * truncated bounds still enclose the values, so they still decide
 * correctly. Filters never apply to delete files: they say nothing about
 * which rows a delete removes.
 *
 * Partition tuples compare here too (ll_iceberg_partitions_equal), by the
 * same value order. Results point into the manifests, except the text of
 * an identity value, which goes to the caller's arena.
 */
#ifndef LL_ICEBERG_SCAN_H
#define LL_ICEBERG_SCAN_H

#include "formats/iceberg/manifest.h"
#include "formats/iceberg/metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "util/arena.h"

/**
 * A column's values over one data file in the Parquet reader's form
 * (ll_value: i for int, long, boolean, date days, time and timestamp
 * micros; d for float and double; s/len for string, fixed and binary).
 */
typedef struct ll_iceberg_column_range {
	bool has_bounds;      /**< min and max are set: every non-null value lies within them */
	ll_value min, max;
	int64_t null_count;   /**< -1: unknown */
	int64_t value_count;  /**< values including nulls; -1: unknown */
} ll_iceberg_column_range;

/**
 * The range of field (a top-level field of the scan's schema) in data
 * file f written with partition spec spec: from the file's bounds and
 * counts, or, when it has none, from an identity partition on the field.
 * False when the metadata says nothing usable (decimal and uuid values,
 * whose reader form differs from their bounds, say nothing).
 */
bool ll_iceberg_scan_file_range(const ll_iceberg_data_file *f,
				const ll_iceberg_partition_spec *spec,
				const ll_iceberg_field *field, ll_iceberg_column_range *out);

/**
 * The value field has in every row of data file f by an identity partition
 * on it (spec is f's partition spec), in the Parquet reader's form, as a
 * reader uses it for a column the file does not store: decimals and uuids
 * become their text (in arena), a null partition a null value. False when
 * no identity partition field of spec has field as its source.
 */
bool ll_iceberg_scan_file_identity(const ll_iceberg_data_file *f,
				   const ll_iceberg_partition_spec *spec,
				   const ll_iceberg_field *field, ll_arena *arena, ll_value *out);

typedef enum ll_iceberg_filter_op {
	LL_ICEBERG_FILTER_EQ,
	LL_ICEBERG_FILTER_LT,
	LL_ICEBERG_FILTER_LE,
	LL_ICEBERG_FILTER_GT,
	LL_ICEBERG_FILTER_GE,
	LL_ICEBERG_FILTER_IS_NULL,
	LL_ICEBERG_FILTER_NOT_NULL,
} ll_iceberg_filter_op;

/**
 * A predicate `column op value` on the column with field_id, value of the
 * column's Iceberg type (unused for IS NULL / IS NOT NULL). A scan keeps
 * the rows satisfying every filter it is given.
 */
typedef struct ll_iceberg_filter {
	int32_t field_id;
	ll_iceberg_filter_op op;
	ll_iceberg_value value;
} ll_iceberg_filter;

/**
 * False when no data file a manifest lists can hold a row satisfying all
 * filters, judged by the manifest list's partition summaries. schema types
 * the filtered columns; spec is the manifest's partition spec.
 */
bool ll_iceberg_manifest_may_match(const ll_iceberg_manifest_file *m,
				   const ll_iceberg_partition_spec *spec,
				   const ll_iceberg_schema *schema, const ll_iceberg_filter *filters,
				   size_t n);

/** False when data file f holds no row satisfying all filters, by partition values and bounds. */
bool ll_iceberg_data_file_may_match(const ll_iceberg_data_file *f,
				    const ll_iceberg_partition_spec *spec,
				    const ll_iceberg_schema *schema, const ll_iceberg_filter *filters,
				    size_t n);

/**
 * Whether two partition tuples of spec (n values each, as manifests give
 * them) are the same partition: values compare by their transform's result
 * type, null equals null. schema types the spec's source columns (the one
 * the manifests were read with). Used to match equality deletes to data
 * files of their partition.
 */
bool ll_iceberg_partitions_equal(const ll_iceberg_partition_spec *spec,
				 const ll_iceberg_schema *schema, const ll_iceberg_value *a,
				 const ll_iceberg_value *b, size_t n);

#endif
