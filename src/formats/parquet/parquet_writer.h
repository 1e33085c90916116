/*
 * ll_parquet_writer: writes one Parquet file row by row.
 *
 * Values are put column by column for the current row, then the row is
 * ended; columns not put in a row are null. Rows accumulate in per-column
 * buffers (values already encoded, dictionary kept while it stays small) and
 * are flushed as a row group when the buffered size reaches
 * options.row_group_bytes or on close, so memory is bounded by the row group
 * size whatever the file size. Every column chunk carries min/max/null_count
 * statistics; pages use RLE/bit-packed definition levels, RLE_DICTIONARY
 * with a PLAIN fallback, and the chosen codec.
 *
 * Columns are flat (one leaf per column, optional unless nullable is false).
 * A column may be added while no row group has been flushed yet: rows
 * already buffered read as null in it. Once a row group is out, the file's
 * schema is fixed and ll_parquet_writer_add_column fails with LL_ECONFLICT,
 * telling the caller to start a new file.
 *
 * Type mapping (DESIGN §4): text/json -> BYTE_ARRAY STRING; bigint -> INT64;
 * double -> DOUBLE; bool -> BOOLEAN; date -> INT32 DATE; timestamp -> INT64
 * TIMESTAMP(isAdjustedToUTC, MILLIS or MICROS per options); decimal(p,s) ->
 * FIXED_LEN_BYTE_ARRAY(minimal bytes for p) DECIMAL; binary -> BYTE_ARRAY.
 * time is refused at add_column with LL_ETERMINAL.
 *
 * The file is written to "<path>.tmp" and renamed to path by close, so a
 * reader never sees a half-written file under the final name.
 *
 * Threads: a flushed row group is encoded, compressed and written by a
 * background thread the writer starts at its first flush, while the caller
 * goes on filling the next row group; close writes the last one itself.
 * options.disable_background writes every row group on the caller's thread
 * instead (as does a writer whose thread cannot start). The file's bytes
 * are the same either way, because where a row group ends depends only on
 * the rows put, never on the thread's progress. A writer is still used by
 * one caller thread at a time.
 *
 * Memory: a flush first waits until the previous row group is written, so
 * a writer holds at most two row groups, the one being filled and the one
 * being written (whose arrays are freed once it is), plus one dictionary
 * per column for each. buffered_bytes and the row_group_bytes threshold
 * count the row group being filled only: counting the other would make
 * flush decisions, and with them the file, depend on the thread's timing.
 * A caller that budgets memory across writers should allow for one more
 * row group per writer that flushed. The buffers a row group is encoded in
 * (a page and its compressed copy) are not a writer's own: the writers of a
 * process share sets of them, at most one per core, so a writer may wait
 * for one while others encode.
 *
 * Failures of the background write (I/O such as ENOSPC, memory) are
 * reported, with their message, by the caller's next call that returns a
 * status: end_row, flush_row_group, add_column or close. The file is then
 * broken as after any I/O failure: later calls say so, close removes the
 * temporary file. abort stops the thread (letting a row group it is
 * writing finish) and removes the temporary file.
 */
#ifndef LL_PARQUET_WRITER_H
#define LL_PARQUET_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lakeload.h"
#include "util/error.h"

typedef enum ll_parquet_codec {
	LL_CODEC_UNCOMPRESSED = 0,
	LL_CODEC_SNAPPY,
	LL_CODEC_GZIP,
	LL_CODEC_ZSTD,
} ll_parquet_codec;

/** Parses "snappy", "zstd", "gzip", "none"/"uncompressed". */
bool ll_parquet_codec_parse(const char *name, ll_parquet_codec *out);

typedef enum ll_timestamp_unit {
	LL_TS_MILLIS = 0, /* hive tables (Athena) */
	LL_TS_MICROS,     /* Iceberg tables */
} ll_timestamp_unit;

typedef struct ll_parquet_column_spec {
	const char *name;
	ll_data_type type;
	int precision; /* decimal only, 1..38 */
	int scale;     /* decimal only, 0..precision */
	bool nullable;
	int32_t field_id; /* written as the schema element's field_id when >= 0 */
} ll_parquet_column_spec;

typedef struct ll_parquet_writer_options {
	ll_parquet_codec codec;
	int compression_level;     /* 0: the codec's default */
	ll_timestamp_unit timestamp_unit;
	size_t row_group_bytes;    /* 0: 64 MiB of buffered, encoded data */
	size_t page_bytes;         /* 0: 1 MiB */
	bool disable_dictionary;
	const char *created_by;    /* NULL: "lakeload version X" */
	bool disable_background;   /* write row groups on the caller's thread (see above) */
	/* close renames the file into place without fsyncing it or its
	 * directory: for a caller that syncs every file it closed, together,
	 * before anything refers to them (a load package's job files) */
	bool defer_sync;
} ll_parquet_writer_options;

/**
 * Fills o with the defaults (snappy, millis, 64 MiB row groups, 1 MiB pages,
 * row groups written in the background).
 */
void ll_parquet_writer_options_init(ll_parquet_writer_options *o);

typedef struct ll_parquet_writer ll_parquet_writer;

/** Creates "<path>.tmp" with the given columns (ncols may be 0; add later). */
ll_status ll_parquet_writer_open(ll_parquet_writer **out, const char *path,
				 const ll_parquet_column_spec *cols, size_t ncols,
				 const ll_parquet_writer_options *opt, ll_error *err);

/** Adds a column at the end; see the contract above. Sets *index. */
ll_status ll_parquet_writer_add_column(ll_parquet_writer *w, const ll_parquet_column_spec *col,
				       size_t *index, ll_error *err);

size_t ll_parquet_writer_column_count(const ll_parquet_writer *w);

/*
 * Value setters for the current row. The setter must match the column's
 * type: int64 for bigint and timestamp (microseconds; converted to millis
 * when the unit is MILLIS, truncating toward negative infinity), int32 for
 * date (days), double, bool, bytes for text/json/binary (copied), decimal as
 * a 16-byte big-endian two's-complement unscaled value. Putting a value for
 * the same column twice in one row keeps the last one. These cannot fail;
 * a memory failure is reported by end_row.
 */
void ll_parquet_writer_put_null(ll_parquet_writer *w, size_t col);
void ll_parquet_writer_put_int64(ll_parquet_writer *w, size_t col, int64_t v);
void ll_parquet_writer_put_int32(ll_parquet_writer *w, size_t col, int32_t v);
void ll_parquet_writer_put_double(ll_parquet_writer *w, size_t col, double v);
void ll_parquet_writer_put_bool(ll_parquet_writer *w, size_t col, bool v);
void ll_parquet_writer_put_bytes(ll_parquet_writer *w, size_t col, const void *data, size_t len);
void ll_parquet_writer_put_decimal(ll_parquet_writer *w, size_t col, const uint8_t unscaled_be[16]);

/**
 * Ends the current row. Fails with LL_ESCHEMA if a non-nullable column got
 * no value (naming the column). May flush a row group.
 */
ll_status ll_parquet_writer_end_row(ll_parquet_writer *w, ll_error *err);

/**
 * One value of a row for ll_parquet_writer_write_row. type says which
 * member is set and which setter takes it: i for bigint and timestamp
 * (put_int64) and date (put_int32, days); d for double; b for bool; s for
 * text, json and binary (put_bytes; borrowed for the call); dec for decimal
 * (put_decimal).
 */
typedef struct ll_parquet_value {
	size_t column;
	ll_data_type type;
	union {
		int64_t i;
		double d;
		bool b;
		struct {
			const char *ptr;
			size_t len;
		} s;
		uint8_t dec[16];
	} u;
} ll_parquet_value;

/**
 * Puts n values of the current row, each with the setter its type names
 * (a value the column's type does not take fails the row, as that setter
 * would), then ends the row as end_row does. The same as those calls, in
 * one: a caller that has the row at hand (the normalizer) makes no call
 * per value.
 */
ll_status ll_parquet_writer_write_row(ll_parquet_writer *w, const ll_parquet_value *values,
				      size_t n, ll_error *err);

/**
 * Flushes buffered rows as a row group now (no-op when none are buffered):
 * hands them to the background thread, after waiting for the row group it
 * is writing, if any.
 */
ll_status ll_parquet_writer_flush_row_group(ll_parquet_writer *w, ll_error *err);

/** Bytes buffered for the row group being filled (for memory budgets; see above). */
size_t ll_parquet_writer_buffered_bytes(const ll_parquet_writer *w);

/** Rows written so far, flushed or buffered. */
uint64_t ll_parquet_writer_row_count(const ll_parquet_writer *w);

/** Statistics of a finished file, for the catalog. */
typedef struct ll_parquet_file_info {
	uint64_t rows;
	uint64_t file_size;
	uint32_t row_groups;
} ll_parquet_file_info;

/**
 * Waits for the background thread, writes the buffered rows and the footer,
 * fsyncs (unless options.defer_sync) and renames to the final path, then frees the writer (also on
 * failure, removing the temporary file). info may be NULL.
 */
ll_status ll_parquet_writer_close(ll_parquet_writer *w, ll_parquet_file_info *info, ll_error *err);

/** Stops the thread, frees the writer and removes its temporary file (for error paths). */
void ll_parquet_writer_abort(ll_parquet_writer *w);

#endif
