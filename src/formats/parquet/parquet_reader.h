/*
 * ll_parquet_reader: reads Parquet files written by any conforming writer.
 *
 * The reader parses the footer once and exposes the file's top-level fields
 * mapped to lakeload types, per-row-group statistics for skipping, and a
 * cursor that decodes only the requested fields of only the requested row
 * groups, in batches, so memory is bounded by one column chunk per field.
 *
 * Bytes come from an ll_parquet_source (a local file by default; an object
 * store later), read by range: the footer first, then each needed column
 * chunk, never the whole file.
 *
 * Field mapping: INT32/INT64 without a logical type -> bigint (INT8/16/32
 * and UINT logical types too); FLOAT/DOUBLE -> double; BOOLEAN -> bool;
 * STRING/UTF8/ENUM/UUID -> text; JSON -> json; BYTE_ARRAY/FIXED without
 * annotation -> binary; DATE -> date; TIMESTAMP (millis, micros, nanos) and
 * INT96 -> timestamp in microseconds (nanos truncated); DECIMAL (INT32,
 * INT64, FIXED_LEN_BYTE_ARRAY, BYTE_ARRAY) -> decimal, delivered as text with
 * its full scale ("-12.340"); TIME -> time (microseconds). A nested field
 * (LIST, MAP, STRUCT, repeated) is one field of type json whose values are
 * JSON text assembled from its leaves (lists as arrays, maps and structs as
 * objects, dates/timestamps as ISO strings, binary as uppercase hex, decimals
 * as strings).
 *
 * Errors are LL_EFORMAT with the file name and what is wrong ("column chunk
 * for 'x' in row group 2 extends past the end of the file"); a corrupt file
 * never crashes the reader.
 */
#ifndef LL_PARQUET_READER_H
#define LL_PARQUET_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/parquet/parquet_writer.h"
#include "lakeload.h"
#include "util/error.h"

/** Random-access bytes. The reader owns the source and calls close once. */
typedef struct ll_parquet_source {
	void *ctx;
	uint64_t size;
	ll_status (*read_at)(void *ctx, uint64_t offset, void *buf, size_t len, ll_error *err);
	void (*close)(void *ctx);
} ll_parquet_source;

typedef struct ll_parquet_field {
	const char *name;
	ll_data_type type;
	int precision, scale;       /* decimal */
	ll_timestamp_unit unit;     /* timestamp: the unit stored in the file */
	int32_t field_id;           /* -1 when the file has none */
	bool nested;                /* true: values are JSON text */
} ll_parquet_field;

typedef struct ll_parquet_reader ll_parquet_reader;

ll_status ll_parquet_reader_open(ll_parquet_reader **out, const char *path, ll_error *err);

/**
 * The source ll_parquet_reader_open reads a local file with: pread by range.
 * A missing file is LL_ENOTFOUND naming the path.
 */
ll_status ll_parquet_file_source(const char *path, ll_parquet_source *out, ll_error *err);

/** Opens from a source (taken, even on failure); name is for messages. */
ll_status ll_parquet_reader_open_source(ll_parquet_reader **out, ll_parquet_source src,
					const char *name, ll_error *err);

void ll_parquet_reader_free(ll_parquet_reader *r);

uint64_t ll_parquet_reader_row_count(const ll_parquet_reader *r);
size_t ll_parquet_reader_row_group_count(const ll_parquet_reader *r);
uint64_t ll_parquet_reader_row_group_rows(const ll_parquet_reader *r, size_t rg);
size_t ll_parquet_reader_field_count(const ll_parquet_reader *r);
const ll_parquet_field *ll_parquet_reader_field(const ll_parquet_reader *r, size_t i);
/** Index of the field with this name (exact match), or -1. */
long ll_parquet_reader_find_field(const ll_parquet_reader *r, const char *name);

/**
 * A single value: statistics bounds and cursor cells use it. For text, json,
 * binary and decimal, s/len point into reader-owned memory.
 */
typedef struct ll_value {
	bool is_null;
	int64_t i; /* bigint, bool (0/1), timestamp (micros), date (days), time (micros) */
	double d;  /* double */
	const char *s;
	size_t len;
} ll_value;

/**
 * Min/max/null count of a flat field in a row group. Returns false when the
 * file has no usable statistics for it (then the row group cannot be
 * skipped). Bounds of text are the raw bytes; decimals as text.
 */
bool ll_parquet_reader_stats(const ll_parquet_reader *r, size_t rg, size_t field, ll_value *min,
			     ll_value *max, uint64_t *null_count);

/** One decoded batch: columns[k] holds the values of fields[k] of the cursor. */
typedef struct ll_parquet_batch {
	size_t rows;
	size_t ncolumns;
	ll_value **columns; /* columns[k][row] */
} ll_parquet_batch;

typedef struct ll_parquet_cursor ll_parquet_cursor;

/**
 * Starts a scan of the given fields over the row groups whose entry in
 * row_groups is true (NULL: all). The reader must outlive the cursor.
 */
ll_status ll_parquet_cursor_open(ll_parquet_reader *r, const size_t *fields, size_t nfields,
				 const bool *row_groups, ll_parquet_cursor **out, ll_error *err);

/**
 * Decodes up to max_rows more rows. The batch and the strings it points to
 * are valid until the next call; batch->rows == 0 means the scan is done.
 */
ll_status ll_parquet_cursor_next(ll_parquet_cursor *c, size_t max_rows,
				 const ll_parquet_batch **batch, ll_error *err);

/**
 * Like ll_parquet_cursor_next, for a cursor of one flat field whose values
 * are integers (bigint, bool, date, timestamp, time; see
 * ll_parquet_field_is_integer): row i of up to max_rows more rows goes to
 * values[i] (as ll_value.i would hold it) and nulls[i]; *rows == 0 means the
 * scan is done. No ll_value cells, no arena: what reading the key column of
 * a whole table costs per row is the page's decoding and a copy.
 */
ll_status ll_parquet_cursor_next_ints(ll_parquet_cursor *c, size_t max_rows, int64_t *values,
				      bool *nulls, size_t *rows, ll_error *err);

/** Whether a field can be read with ll_parquet_cursor_next_ints. */
bool ll_parquet_field_is_integer(const ll_parquet_field *f);

/** Row group the rows of the last batch came from. */
size_t ll_parquet_cursor_row_group(const ll_parquet_cursor *c);

void ll_parquet_cursor_free(ll_parquet_cursor *c);

#endif
