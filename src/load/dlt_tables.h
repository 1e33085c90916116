/*
 * dlt's own tables, written into a load package next to the data.
 *
 * Each load adds one `_dlt_loads` row (status 0: the load is complete), a
 * `_dlt_version` row when the schema changed (the whole schema as JSON with
 * its version and hash), and a `_dlt_pipeline_state` row holding the pipeline
 * state as zlib-compressed, base64-encoded JSON, as dlt stores it. They are
 * Iceberg tables, as in dlt's Athena destination (microsecond timestamps,
 * field ids from the schema). The `_dlt_loads` row is committed last, after
 * every table of the load, so a reader that joins on `_dlt_loads` never sees
 * a load before its data, and a load that fails leaves no row there.
 */
#ifndef LL_LOAD_DLT_TABLES_H
#define LL_LOAD_DLT_TABLES_H

#include <stdbool.h>

#include "formats/parquet/parquet_writer.h"
#include "load/package.h"
#include "schema/schema.h"

/** The table whose row says a load is complete; it is committed last. */
#define LL_DLT_LOADS_TABLE "_dlt_loads"

typedef struct ll_dlt_rows {
	const char *load_id;
	const char *pipeline_name;
	const ll_schema *schema; /* must contain the dlt tables */
	bool schema_changed;
	const char *state_json;
	int64_t state_version;
	ll_parquet_codec codec;
	ll_timestamp_unit timestamp_unit;
} ll_dlt_rows;

/**
 * Writes the rows as job files in package_dir and appends them to m->jobs.
 * Neither the files nor their directory (the package's jobs/) are fsynced:
 * the caller syncs them with the rest of the package before committing it
 * (ll_package_sync_jobs).
 */
ll_status ll_dlt_write_rows(const char *package_dir, const ll_dlt_rows *rows,
			    ll_package_manifest *m, ll_error *err);

/** zlib-compresses and base64-encodes state JSON the way dlt stores it. */
ll_status ll_dlt_encode_state(const char *json, ll_buf *out, ll_error *err);

/** Reverses ll_dlt_encode_state. */
ll_status ll_dlt_decode_state(const char *encoded, size_t len, ll_buf *json, ll_error *err);

#endif
