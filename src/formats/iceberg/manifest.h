/*
 * Iceberg manifests and manifest lists (table spec "Manifests", "Manifest
 * Lists"): the Avro object container files a snapshot is made of.
 *
 * A snapshot's manifest list names its manifests, each with the spec id of
 * its partitions, its content (data or deletes), sequence numbers, file and
 * row counts and per-partition-field summaries. A manifest lists data files
 * or delete files with a status (existing, added, deleted), the snapshot
 * and sequence numbers they came with, their partition tuple and per-column
 * stats (sizes, value, null and NaN counts, lower and upper bounds in the
 * single-value serialization of values.h).
 *
 * Writing produces format version 2 files (version 1 when asked) with the
 * spec's Avro schemas: every field carries its "field-id" (manifest entry
 * 0..4, data_file 100..146, manifest_file 500..519), maps with int keys are
 * arrays of key/value records with "logicalType": "map" and key/value ids,
 * the partition struct's fields carry the partition field ids, and the
 * header metadata has what readers require: manifests "schema",
 * "schema-id", "partition-spec", "partition-spec-id", "format-version",
 * "content" ("data" or "deletes"); manifest lists "snapshot-id",
 * "parent-snapshot-id", "sequence-number", "format-version". The codec is
 * deflate.
 *
 * Reading accepts versions 1 and 2 as Spark, Java, Athena and lakeload
 * write them. Partition values are matched to the spec's fields by
 * partition field id (by position in files without ids) and typed by the
 * transform's result type. Null snapshot ids and sequence numbers of
 * entries are inherited from the manifest's list entry as the spec says
 * (added entries take the manifest's sequence number; version 1 has 0).
 *
 * Ownership. Everything read or summarized lives in the caller's arena;
 * byte members (paths, bounds) point into it.
 *
 * Errors. A file that is not a manifest (bad Avro, a missing required
 * field, a partition value of the wrong type) is LL_EFORMAT naming the file
 * (`source`) and the entry.
 */
#ifndef LL_FORMATS_ICEBERG_MANIFEST_H
#define LL_FORMATS_ICEBERG_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/iceberg/partition.h"
#include "formats/iceberg/type.h"
#include "formats/iceberg/values.h"
#include "util/arena.h"
#include "util/buf.h"

typedef enum ll_iceberg_content {
	LL_ICEBERG_CONTENT_DATA = 0,
	LL_ICEBERG_CONTENT_POSITION_DELETES = 1,
	LL_ICEBERG_CONTENT_EQUALITY_DELETES = 2,
} ll_iceberg_content;

typedef enum ll_iceberg_entry_status {
	LL_ICEBERG_ENTRY_EXISTING = 0,
	LL_ICEBERG_ENTRY_ADDED = 1,
	LL_ICEBERG_ENTRY_DELETED = 2,
} ll_iceberg_entry_status;

/** Stats of one column of a data file; -1 / NULL where the file has none. */
typedef struct ll_iceberg_column_stats {
	int32_t field_id;
	int64_t column_size;
	int64_t value_count;
	int64_t null_count;
	int64_t nan_count;
	const uint8_t *lower;
	size_t lower_len;
	const uint8_t *upper;
	size_t upper_len;
} ll_iceberg_column_stats;

typedef struct ll_iceberg_data_file {
	ll_iceberg_content content;
	const char *file_path;               /**< a location */
	const char *file_format;             /**< "PARQUET" (as written; compare case-insensitively) */
	const ll_iceberg_value *partition;   /**< one per field of the manifest's spec */
	size_t npartition;
	int64_t record_count;
	int64_t file_size_in_bytes;
	const ll_iceberg_column_stats *stats;
	size_t nstats;
	const int64_t *split_offsets;
	size_t nsplit_offsets;
	const int32_t *equality_ids;         /**< equality delete files */
	size_t nequality_ids;
	bool has_sort_order_id;
	int32_t sort_order_id;
} ll_iceberg_data_file;

typedef struct ll_iceberg_manifest_entry {
	ll_iceberg_entry_status status;
	int64_t snapshot_id;
	int64_t sequence_number;             /**< data sequence number */
	int64_t file_sequence_number;
	ll_iceberg_data_file file;
} ll_iceberg_manifest_entry;

/** A manifest list's summary of one partition field over a manifest's files. */
typedef struct ll_iceberg_field_summary {
	bool contains_null;
	int contains_nan;                    /**< 1, 0, or -1 when not recorded */
	const uint8_t *lower;                /**< NULL when absent */
	size_t lower_len;
	const uint8_t *upper;
	size_t upper_len;
} ll_iceberg_field_summary;

/** An entry of a manifest list. */
typedef struct ll_iceberg_manifest_file {
	const char *manifest_path;           /**< a location */
	int64_t manifest_length;
	int32_t partition_spec_id;
	ll_iceberg_content content;          /**< DATA, or POSITION_DELETES standing for "deletes" */
	int64_t sequence_number;
	int64_t min_sequence_number;
	int64_t added_snapshot_id;
	int32_t added_files_count;
	int32_t existing_files_count;
	int32_t deleted_files_count;
	int64_t added_rows_count;
	int64_t existing_rows_count;
	int64_t deleted_rows_count;
	const ll_iceberg_field_summary *partitions; /**< one per spec field */
	size_t npartitions;
} ll_iceberg_manifest_file;

/* ------------------------------------------------------------------ writing */

/** What a manifest is written for. */
typedef struct ll_iceberg_manifest_target {
	int format_version;                  /**< 1 or 2 */
	const ll_iceberg_schema *schema;     /**< the table schema the files were written with */
	const ll_iceberg_partition_spec *spec;
	bool deletes;                        /**< content "deletes" instead of "data" */
	int64_t snapshot_id;                 /**< the snapshot adding the manifest */
	int64_t sequence_number;             /**< that snapshot's sequence number */
} ll_iceberg_manifest_target;

/**
 * Appends a manifest of the entries to out and fills *summary for the
 * manifest list: everything but manifest_path and manifest_length, which
 * the caller sets once it has stored the bytes (summary arrays live in
 * arena). An added entry's snapshot id and sequence number are written as
 * given; pass the target's to have them explicit, as lakeload does.
 */
ll_status ll_iceberg_manifest_write(const ll_iceberg_manifest_target *target,
				    const ll_iceberg_manifest_entry *entries, size_t n,
				    ll_arena *arena, ll_buf *out, ll_iceberg_manifest_file *summary,
				    ll_error *err);

/** What a manifest list is written for. */
typedef struct ll_iceberg_manifest_list_target {
	int format_version;
	int64_t snapshot_id;
	int64_t parent_snapshot_id;          /**< LL_ICEBERG_NO_SNAPSHOT (-1) for none */
	int64_t sequence_number;
} ll_iceberg_manifest_list_target;

/** Appends a manifest list naming the manifests to out. */
ll_status ll_iceberg_manifest_list_write(const ll_iceberg_manifest_list_target *target,
					 const ll_iceberg_manifest_file *manifests, size_t n,
					 ll_buf *out, ll_error *err);

/* ------------------------------------------------------------------ reading */

/** Reads a manifest list of len bytes into *manifests (n entries, in arena). */
ll_status ll_iceberg_manifest_list_read(const void *data, size_t len, const char *source,
					ll_arena *arena, ll_iceberg_manifest_file **manifests,
					size_t *n, ll_error *err);

/**
 * Reads a manifest of len bytes into *entries (n, in arena). listed is the
 * manifest list's entry for it (for inheritance and content); spec is the
 * table's partition spec with listed->partition_spec_id and schema the
 * table's current schema (partition source types).
 */
ll_status ll_iceberg_manifest_read(const void *data, size_t len, const char *source,
				   const ll_iceberg_manifest_file *listed,
				   const ll_iceberg_partition_spec *spec,
				   const ll_iceberg_schema *schema, ll_arena *arena,
				   ll_iceberg_manifest_entry **entries, size_t *n, ll_error *err);

#endif
