/*
 * Iceberg table metadata: the JSON file a catalog points at, which names a
 * table's schemas, partition specs, sort orders, properties and snapshots
 * (table spec "Table Metadata", "Snapshots", Appendix C).
 *
 * Reading accepts format versions 1 and 2 as other engines write them,
 * gzip-compressed or not. Version 1 files get version 2's defaults where
 * the spec gives them (Appendix E): last-sequence-number and snapshot
 * sequence numbers 0, the deprecated "schema" and "partition-spec" members
 * standing in for "schemas" and "partition-specs", partition field ids from
 * 1000, an unsorted order 0 when "sort-orders" is absent. Without "refs", a
 * current snapshot gets its "main" branch, as the spec requires. Each id the
 * metadata points at (current schema, default spec and sort order, current
 * snapshot, branch heads) must exist.
 *
 * Writing produces the spec's JSON for the model's format version, in the
 * member order the Java library uses; version 1 files also carry "schema"
 * and "partition-spec" for old readers, version 2 files leave them and the
 * other version 1 leftovers out. Members this model does not know (a
 * table's "statistics", a snapshot's "manifests" or "first-row-id", a
 * field's "initial-default", a ref's retention settings, members of newer
 * writers) are kept from the parsed file and written back unchanged after
 * the known ones, so a read-modify-write does not lose them.
 *
 * Ownership. ll_iceberg_metadata_parse returns a model the caller frees with
 * ll_iceberg_metadata_free. Everything in it (strings, arrays, types) lives
 * in the model's arena or the parsed JSON document it holds, until then. A
 * caller building or changing a model allocates new elements from `arena`.
 *
 * Errors. A malformed file is LL_EFORMAT with the file name (the `source`
 * given to the parser) in ll_error's file, the JSON line and column when the
 * text is not JSON, and otherwise the member path in the message
 * ("Iceberg table metadata: snapshots[2]: missing required field
 * \"manifest-list\""). A format version other than 1 and 2 is LL_EFORMAT
 * saying which versions lakeload reads.
 */
#ifndef LL_FORMATS_ICEBERG_METADATA_H
#define LL_FORMATS_ICEBERG_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/iceberg/partition.h"
#include "formats/iceberg/transform.h"
#include "formats/iceberg/type.h"
#include "util/arena.h"
#include "util/buf.h"

/** The snapshot id of "no current snapshot", as Java writes it. */
#define LL_ICEBERG_NO_SNAPSHOT (-1)

/** A string-to-string map entry: table properties, snapshot summaries. */
typedef struct ll_iceberg_kv {
	const char *key;
	const char *value;
} ll_iceberg_kv;

typedef struct ll_iceberg_snapshot {
	int64_t snapshot_id;
	int64_t parent_snapshot_id;     /**< LL_ICEBERG_NO_SNAPSHOT when it has no parent */
	int64_t sequence_number;        /**< 0 in version 1 tables */
	int64_t timestamp_ms;
	const char *manifest_list;      /**< NULL only for a version 1 snapshot listing manifests */
	const ll_iceberg_kv *summary;   /**< "operation" and metrics, in file order */
	size_t nsummary;
	bool has_schema_id;
	int32_t schema_id;
	const struct json_t *json;      /**< the snapshot's JSON object, or NULL */
} ll_iceberg_snapshot;

typedef struct ll_iceberg_snapshot_log_entry {
	int64_t timestamp_ms;
	int64_t snapshot_id;
} ll_iceberg_snapshot_log_entry;

typedef struct ll_iceberg_metadata_log_entry {
	int64_t timestamp_ms;
	const char *metadata_file;
} ll_iceberg_metadata_log_entry;

typedef enum ll_iceberg_sort_direction {
	LL_ICEBERG_SORT_ASC = 0,
	LL_ICEBERG_SORT_DESC,
} ll_iceberg_sort_direction;

typedef enum ll_iceberg_null_order {
	LL_ICEBERG_NULLS_FIRST = 0,
	LL_ICEBERG_NULLS_LAST,
} ll_iceberg_null_order;

typedef struct ll_iceberg_sort_field {
	ll_iceberg_transform transform;
	int32_t source_id;
	ll_iceberg_sort_direction direction;
	ll_iceberg_null_order null_order;
	const struct json_t *json;
} ll_iceberg_sort_field;

typedef struct ll_iceberg_sort_order {
	int32_t order_id;                   /**< 0 is the unsorted order */
	const ll_iceberg_sort_field *fields;
	size_t nfields;
	const struct json_t *json;
} ll_iceberg_sort_order;

/** A branch or tag; retention settings stay in json. */
typedef struct ll_iceberg_ref {
	const char *name;
	int64_t snapshot_id;
	bool is_tag;
	const struct json_t *json;
} ll_iceberg_ref;

typedef struct ll_iceberg_metadata {
	int format_version;                 /**< 1 or 2 */
	const char *table_uuid;             /**< NULL only in version 1 files without one */
	const char *location;
	int64_t last_sequence_number;
	int64_t last_updated_ms;
	int32_t last_column_id;
	const ll_iceberg_schema *schemas;
	size_t nschemas;
	int32_t current_schema_id;
	const ll_iceberg_partition_spec *specs;
	size_t nspecs;
	int32_t default_spec_id;
	int32_t last_partition_id;
	const ll_iceberg_kv *properties;
	size_t nproperties;
	int64_t current_snapshot_id;        /**< LL_ICEBERG_NO_SNAPSHOT when the table is empty */
	const ll_iceberg_snapshot *snapshots;
	size_t nsnapshots;
	const ll_iceberg_snapshot_log_entry *snapshot_log;
	size_t nsnapshot_log;
	const ll_iceberg_metadata_log_entry *metadata_log;
	size_t nmetadata_log;
	const ll_iceberg_sort_order *sort_orders;
	size_t nsort_orders;
	int32_t default_sort_order_id;
	const ll_iceberg_ref *refs;
	size_t nrefs;
	struct json_t *document;            /**< the parsed file (owned), or NULL */
	ll_arena arena;                     /**< owns the arrays and types above */
} ll_iceberg_metadata;

/**
 * Parses table metadata JSON (or its gzip compression) of len bytes; source
 * names the file in errors. On success *out is a new model.
 */
ll_status ll_iceberg_metadata_parse(const void *data, size_t len, const char *source,
				    ll_iceberg_metadata **out, ll_error *err);

void ll_iceberg_metadata_free(ll_iceberg_metadata *md);

/** Appends the metadata JSON to out (pretty-printed, UTF-8, ending in a newline). */
ll_status ll_iceberg_metadata_write(const ll_iceberg_metadata *md, ll_buf *out, ll_error *err);

/** The schema with this id, or NULL. */
const ll_iceberg_schema *ll_iceberg_metadata_schema(const ll_iceberg_metadata *md, int32_t id);

/** The current schema (never NULL in a parsed model). */
const ll_iceberg_schema *ll_iceberg_metadata_current_schema(const ll_iceberg_metadata *md);

/** The partition spec with this id, or NULL. */
const ll_iceberg_partition_spec *ll_iceberg_metadata_spec(const ll_iceberg_metadata *md,
							  int32_t id);

/** The default partition spec (never NULL in a parsed model). */
const ll_iceberg_partition_spec *ll_iceberg_metadata_default_spec(const ll_iceberg_metadata *md);

/** The snapshot with this id, or NULL. */
const ll_iceberg_snapshot *ll_iceberg_metadata_snapshot(const ll_iceberg_metadata *md,
							int64_t id);

/** The current snapshot, or NULL when the table has none. */
const ll_iceberg_snapshot *ll_iceberg_metadata_current_snapshot(const ll_iceberg_metadata *md);

/** A table property, or NULL. */
const char *ll_iceberg_metadata_property(const ll_iceberg_metadata *md, const char *key);

/** A snapshot summary entry ("operation", "total-records", ...), or NULL. */
const char *ll_iceberg_snapshot_summary(const ll_iceberg_snapshot *s, const char *key);

#endif
