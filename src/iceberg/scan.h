/*
 * What a planned Iceberg scan knows of its data files before reading them:
 * the manifests' partition values, value and null counts, lower and upper
 * bounds. The query engine asks for a column's range in a planned file
 * (ll_iceberg_scan_file_range) and skips the files its constraints rule
 * out without opening them.
 *
 * Bounds may be truncated (Iceberg shortens long strings); truncated
 * bounds still enclose the values, so they still decide correctly.
 *
 * Nothing here allocates; results point into the manifests.
 */
#ifndef LL_ICEBERG_SCAN_H
#define LL_ICEBERG_SCAN_H

#include "formats/iceberg/manifest.h"
#include "formats/iceberg/metadata.h"
#include "formats/parquet/parquet_reader.h"

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

#endif
