/*
 * Internals of ll_parquet_reader shared by its source files:
 *
 *   parquet_reader.c   the public API: open, accessors, cursor
 *   reader_source.c    the local file source
 *   reader_footer.c    FileMetaData from the Thrift footer
 *   reader_schema.c    the schema tree: levels, field types, JSON shapes
 *   reader_stats.c     row group statistics as ll_value bounds
 *   reader_column.c    one column chunk: page headers, decompression, windows
 *   reader_page.c      one page body: levels and values, decoded incrementally
 *   reader_rle.c       the RLE/bit-packed hybrid and legacy bit-packed levels
 *   reader_delta.c     DELTA_BINARY_PACKED and the byte array deltas
 *   reader_convert.c   physical values to ll_value and to JSON text
 *   reader_nested.c    JSON text of nested fields from levels
 *
 * Everything read from the file is untrusted: every count, length and offset
 * is checked against the bytes actually present before it is used, and
 * decoders produce values in windows of at most LL_PQR_WINDOW entries, so a
 * page that claims billions of values costs memory only as it is consumed.
 * A value in a window (its bytes may point into the page, the dictionary or
 * a decoder's scratch) stays valid until the next window is decoded; the
 * consumers copy what they keep.
 */
#ifndef LL_PARQUET_READER_INTERNAL_H
#define LL_PARQUET_READER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/parquet/parquet_reader.h"
#include "util/arena.h"
#include "util/buf.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet reader loads PLAIN values in host order, which must be little-endian"
#endif

/* Parquet's physical types (parquet.thrift Type). */
enum {
	LL_PQR_BOOLEAN = 0,
	LL_PQR_INT32 = 1,
	LL_PQR_INT64 = 2,
	LL_PQR_INT96 = 3,
	LL_PQR_FLOAT = 4,
	LL_PQR_DOUBLE = 5,
	LL_PQR_BYTE_ARRAY = 6,
	LL_PQR_FIXED = 7,
};

/* FieldRepetitionType. */
enum { LL_PQR_REQUIRED = 0, LL_PQR_OPTIONAL = 1, LL_PQR_REPEATED = 2 };

/* ConvertedType, the legacy annotation. */
enum {
	LL_PQR_CONV_UTF8 = 0,
	LL_PQR_CONV_MAP = 1,
	LL_PQR_CONV_MAP_KEY_VALUE = 2,
	LL_PQR_CONV_LIST = 3,
	LL_PQR_CONV_ENUM = 4,
	LL_PQR_CONV_DECIMAL = 5,
	LL_PQR_CONV_DATE = 6,
	LL_PQR_CONV_TIME_MILLIS = 7,
	LL_PQR_CONV_TIME_MICROS = 8,
	LL_PQR_CONV_TIMESTAMP_MILLIS = 9,
	LL_PQR_CONV_TIMESTAMP_MICROS = 10,
	LL_PQR_CONV_UINT_8 = 11, /* UINT_8..UINT_64, then INT_8..INT_64 */
	LL_PQR_CONV_INT_64 = 18,
	LL_PQR_CONV_JSON = 19,
	LL_PQR_CONV_BSON = 20,
	LL_PQR_CONV_INTERVAL = 21,
};

/* Encoding. */
enum {
	LL_PQR_ENC_PLAIN = 0,
	LL_PQR_ENC_PLAIN_DICTIONARY = 2,
	LL_PQR_ENC_RLE = 3,
	LL_PQR_ENC_BIT_PACKED = 4,
	LL_PQR_ENC_DELTA_BINARY_PACKED = 5,
	LL_PQR_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
	LL_PQR_ENC_DELTA_BYTE_ARRAY = 7,
	LL_PQR_ENC_RLE_DICTIONARY = 8,
	LL_PQR_ENC_BYTE_STREAM_SPLIT = 9,
};

/* PageType (index pages, 1, are skipped like any other). */
enum {
	LL_PQR_PAGE_DATA = 0,
	LL_PQR_PAGE_DICTIONARY = 2,
	LL_PQR_PAGE_DATA_V2 = 3,
};

/* Decoded entries per window: the unit of incremental decoding. */
#define LL_PQR_WINDOW 1024
/* Deepest schema accepted; levels then fit in a byte. */
#define LL_PQR_MAX_DEPTH 64
/* Most entries one row of a nested field may have per leaf (a list of 16M values). */
#define LL_PQR_MAX_ROW_ENTRIES ((size_t)1 << 24)
/* Largest page (decompressed) or footer the reader allocates for. */
#define LL_PQR_MAX_ALLOC ((size_t)1 << 30)

/* The annotation of a schema node, from LogicalType or else ConvertedType. */
typedef enum ll_pqr_logical {
	LL_PQR_L_NONE = 0,
	LL_PQR_L_STRING,
	LL_PQR_L_MAP,
	LL_PQR_L_LIST,
	LL_PQR_L_ENUM,
	LL_PQR_L_DECIMAL,
	LL_PQR_L_DATE,
	LL_PQR_L_TIME,
	LL_PQR_L_TIMESTAMP,
	LL_PQR_L_INTEGER,
	LL_PQR_L_NULL,
	LL_PQR_L_JSON,
	LL_PQR_L_BSON,
	LL_PQR_L_UUID,
	LL_PQR_L_FLOAT16,
	LL_PQR_L_INTERVAL,
	LL_PQR_L_OTHER, /* a type this reader does not know: the physical type decides */
} ll_pqr_logical;

/* Time units of TIME and TIMESTAMP. */
typedef enum ll_pqr_unit { LL_PQR_MILLIS = 0, LL_PQR_MICROS, LL_PQR_NANOS } ll_pqr_unit;

/* One SchemaElement, linked into the tree. */
typedef struct ll_pqr_node {
	const char *name; /* NUL-terminated copy */
	int physical;     /* -1 for a group */
	int32_t type_length;
	int repetition;
	int converted; /* -1 when absent */
	ll_pqr_logical logical;
	int scale, precision;
	ll_pqr_unit unit;
	int bit_width; /* INTEGER */
	bool is_signed;
	int32_t field_id; /* -1 when absent */
	int32_t nchildren;
	size_t *children; /* indices into the node array */
	uint8_t def, rep; /* definition and repetition level of this node */
	size_t leaf_begin, leaf_end; /* leaves at or below this node */
} ll_pqr_node;

/* How a leaf's physical values become lakeload values. */
typedef enum ll_pqr_conv {
	LL_PQR_TO_INT = 0,   /* signed integer -> bigint */
	LL_PQR_TO_UINT32,    /* INT32 holding an unsigned value -> bigint */
	LL_PQR_TO_BOOL,
	LL_PQR_TO_DOUBLE,    /* FLOAT, DOUBLE */
	LL_PQR_TO_FLOAT16,   /* FIXED[2] half precision -> double */
	LL_PQR_TO_TEXT,      /* bytes as they are: text, json */
	LL_PQR_TO_BINARY,
	LL_PQR_TO_UUID,      /* FIXED[16] -> canonical text */
	LL_PQR_TO_DATE,
	LL_PQR_TO_TIMESTAMP, /* INT64 in unit -> micros */
	LL_PQR_TO_INT96,     /* Impala's nanos-of-day + Julian day -> micros */
	LL_PQR_TO_TIME,      /* INT32 millis or INT64 micros/nanos -> micros */
	LL_PQR_TO_DECIMAL_INT,   /* INT32, INT64 unscaled -> text */
	LL_PQR_TO_DECIMAL_BYTES, /* big-endian two's complement -> text */
	LL_PQR_TO_NULL,      /* the UNKNOWN (always null) annotation */
} ll_pqr_conv;

typedef struct ll_pqr_leaf {
	size_t node;
	int physical;
	int32_t type_length;
	uint8_t max_def, max_rep;
	ll_pqr_conv conv;
	ll_pqr_unit unit;
	int scale, precision;
	ll_data_type type;
	bool unsigned_order; /* deprecated min/max (signed order) do not apply */
	const char *path;    /* dotted, for messages */
} ll_pqr_leaf;

/* The JSON form of a nested field, built once from the schema. */
typedef enum ll_pqr_shape_kind {
	LL_PQR_SHAPE_LEAF = 0,
	LL_PQR_SHAPE_STRUCT,
	LL_PQR_SHAPE_LIST,
	LL_PQR_SHAPE_MAP, /* children: key, value */
} ll_pqr_shape_kind;

typedef struct ll_pqr_shape {
	ll_pqr_shape_kind kind;
	const char *name;   /* key in the enclosing struct */
	bool nullable;
	uint8_t def;        /* nullable: null when an entry's level is below this */
	uint8_t elem_def;   /* list, map: empty when an entry's level is below this */
	uint8_t rep;        /* list, map: a level at most this starts an element */
	size_t leaf;        /* leaf: its index */
	size_t leaf_begin, leaf_end;
	size_t slot;        /* list, map: index of its scratch in the cursor */
	size_t nchildren;
	struct ll_pqr_shape **children;
} ll_pqr_shape;

/* Statistics of a column chunk as stored (pointers into the footer). */
typedef struct ll_pqr_raw_stats {
	bool has_null_count;
	int64_t null_count;
	const uint8_t *min, *max; /* min_value / max_value */
	size_t min_len, max_len;
	const uint8_t *old_min, *old_max; /* deprecated min / max */
	size_t old_min_len, old_max_len;
} ll_pqr_raw_stats;

typedef struct ll_pqr_chunk {
	int physical;
	int codec; /* parquet.thrift CompressionCodec */
	int64_t num_values;
	int64_t data_page_offset;
	int64_t dict_page_offset; /* -1 when absent */
	int64_t total_compressed;
	bool has_meta;
	bool external; /* file_path set: the data lives in another file */
	bool has_stats;
	ll_pqr_raw_stats stats;
} ll_pqr_chunk;

/* Statistics of one field in one row group, converted once at open. */
typedef struct ll_pqr_field_stats {
	bool usable;
	ll_value min, max;
	uint64_t null_count;
} ll_pqr_field_stats;

typedef struct ll_pqr_row_group {
	int64_t num_rows;
	size_t nchunks;
	ll_pqr_chunk *chunks;       /* one per leaf, in leaf order */
	ll_pqr_field_stats *stats;  /* one per field */
} ll_pqr_row_group;

/* A top-level field and where its leaves are. */
typedef struct ll_pqr_field {
	size_t node;
	size_t leaf_begin, leaf_end;
	ll_pqr_shape *shape; /* nested fields only */
	size_t nslots;       /* list and map shapes in it */
} ll_pqr_field;

struct ll_parquet_reader {
	char *name;
	ll_parquet_source src;
	uint8_t *footer; /* the raw FileMetaData; statistics point into it */
	size_t footer_len;
	uint64_t data_end; /* first byte of the footer: column chunks end before it */
	ll_arena arena;  /* names, children, shapes, statistics text */

	ll_pqr_node *nodes;
	size_t nnodes;
	ll_pqr_leaf *leaves;
	size_t nleaves;
	int64_t num_rows;
	ll_pqr_row_group *groups;
	size_t ngroups;
	bool *type_order; /* per leaf: min_value/max_value may be used */
	size_t norders;
	bool has_column_orders;

	ll_parquet_field *fields;
	ll_pqr_field *finfo;
	size_t nfields;
};

/* ---- errors ---- */

/** Sets LL_EFORMAT with the reader's file name as the location. */
ll_status ll_pqr_fail(const ll_parquet_reader *r, ll_error *err, const char *fmt, ...)
	LL_PRINTF(3, 4);

/* ---- source, footer, schema, statistics ---- */

/** Parses r->footer into nodes, row groups and column orders. */
ll_status ll_pqr_parse_footer(ll_parquet_reader *r, ll_error *err);

/** Links the nodes into a tree, computes levels, leaves, fields and shapes. */
ll_status ll_pqr_build_schema(ll_parquet_reader *r, ll_error *err);

/** Converts every row group's statistics into r->groups[].stats. */
ll_status ll_pqr_build_stats(ll_parquet_reader *r, ll_error *err);

/* ---- decoded values ---- */

/** One physical value as decoded from a page. */
typedef struct ll_pqr_value {
	union {
		int64_t i; /* BOOLEAN, INT32 (sign-extended), INT64 */
		double d;  /* FLOAT, DOUBLE */
	} u;
	const uint8_t *s; /* INT96, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY */
	size_t len;
} ll_pqr_value;

/**
 * Reads one PLAIN value of the leaf's physical type from p[0..len), as
 * statistics store them (byte arrays without their length prefix). False
 * when the bytes do not have the type's size.
 */
bool ll_pqr_plain_single(const ll_pqr_leaf *leaf, const uint8_t *p, size_t len, ll_pqr_value *out);

/**
 * Converts a value to an ll_value; text is copied into a. Returns LL_OK,
 * LL_ENOMEM, or LL_EFORMAT for a decimal too long to be one.
 */
ll_status ll_pqr_convert(const ll_pqr_leaf *leaf, const ll_pqr_value *v, ll_arena *a,
			 ll_value *out);

/** The integer a value of an integer-like conversion (int, bool, date, times) stands for. */
int64_t ll_pqr_integer(const ll_pqr_leaf *leaf, const ll_pqr_value *v);

/** Appends the value as JSON text (numbers, strings, true/false). LL_EFORMAT as above. */
ll_status ll_pqr_value_json(const ll_pqr_leaf *leaf, const ll_pqr_value *v, ll_buf *out);

static inline uint32_t ll_pqr_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t ll_pqr_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---- RLE / bit-packed hybrid ---- */

typedef struct ll_pqr_rle {
	const uint8_t *p, *end;
	int width;
	bool msb;          /* the deprecated BIT_PACKED level encoding */
	uint64_t run;      /* values left in the current run */
	bool literal;      /* the current run is bit-packed */
	uint32_t value;    /* the repeated value of an RLE run */
	const uint8_t *lit;
	size_t lit_bytes;  /* bytes of the bit-packed run actually present */
	uint64_t lit_bit;
} ll_pqr_rle;

/** A hybrid stream of values of width bits (0..32) in data[0..len). */
void ll_pqr_rle_init(ll_pqr_rle *d, const uint8_t *data, size_t len, int width);
/** The deprecated BIT_PACKED encoding: count values, packed from the most significant bit. */
void ll_pqr_rle_init_msb(ll_pqr_rle *d, const uint8_t *data, size_t len, int width, uint64_t count);
/** Decodes the next n values; NULL on success, else what is wrong. */
const char *ll_pqr_rle_next(ll_pqr_rle *d, uint32_t *out, size_t n);

/** Bits needed for values up to max (0 for 0). */
int ll_pqr_bit_width(uint32_t max);

/**
 * The width (0..64) bits at bit offset bit of p, least significant first.
 * The caller has checked that they lie within the buffer.
 */
uint64_t ll_pqr_get_bits(const uint8_t *p, uint64_t bit, int width);

/* ---- DELTA_BINARY_PACKED ---- */

typedef struct ll_pqr_delta {
	const uint8_t *p, *end;
	bool is32;
	uint64_t block_size, miniblocks, per_mini;
	uint64_t total, left; /* values in the stream, values not yet returned */
	bool first_pending;
	uint64_t last;
	uint64_t min_delta;
	const uint8_t *widths; /* bit widths of the current block's miniblocks */
	uint64_t mini;         /* current miniblock */
	uint64_t mini_left;    /* values left in it */
	int width;             /* its bit width */
	const uint8_t *body;   /* its packed values, body_bytes of them present */
	size_t body_bytes;
	uint64_t bit;
} ll_pqr_delta;

/** Reads the stream header at data; NULL on success, else what is wrong. */
const char *ll_pqr_delta_init(ll_pqr_delta *d, const uint8_t *data, size_t len, bool is32);
/** Decodes the next n values. */
const char *ll_pqr_delta_next(ll_pqr_delta *d, int64_t *out, size_t n);
/** Where the stream ends (walking its remaining blocks without decoding them). */
const char *ll_pqr_delta_end(const ll_pqr_delta *d, const uint8_t **end);

/* ---- pages and column chunks ---- */

/* Value decoder state of one data page. */
typedef struct ll_pqr_values {
	int encoding;
	const uint8_t *p, *end;  /* PLAIN bytes; byte array bytes of the deltas */
	uint64_t bit;            /* PLAIN booleans */
	ll_pqr_rle rle;          /* dictionary indices, RLE booleans */
	ll_pqr_delta delta;      /* integers; byte array lengths */
	ll_pqr_delta prefix;     /* DELTA_BYTE_ARRAY prefix lengths */
	size_t split_n, split_i; /* BYTE_STREAM_SPLIT: values in the page, next one */
	ll_buf prev;             /* DELTA_BYTE_ARRAY: the previous value */
	ll_buf scratch;          /* DELTA_BYTE_ARRAY: the window's values */
} ll_pqr_values;

typedef struct ll_pqr_column {
	const ll_parquet_reader *r;
	const ll_pqr_leaf *leaf;
	size_t rg;
	int codec;

	uint8_t *chunk; /* the column chunk's bytes */
	size_t chunk_len, pos;
	uint64_t values_left; /* entries the chunk metadata still promises */

	uint8_t *dict_buf;
	ll_pqr_value *dict;
	size_t ndict;
	bool has_dict, seen_data;

	uint8_t *page;
	size_t page_cap;
	uint64_t page_left; /* entries of the page not yet in a window */
	ll_pqr_rle rep, def;
	ll_pqr_values vals;

	/* the window: entries [at, n) not yet consumed, values [vat, nvals) */
	uint8_t wrep[LL_PQR_WINDOW], wdef[LL_PQR_WINDOW];
	ll_pqr_value wval[LL_PQR_WINDOW];
	uint32_t scratch[LL_PQR_WINDOW];
	size_t n, at, nvals, vat;
} ll_pqr_column;

void ll_pqr_column_init(ll_pqr_column *c, const ll_parquet_reader *r);
/** Reads leaf's column chunk of row group rg, replacing whatever c held. */
ll_status ll_pqr_column_load(ll_pqr_column *c, size_t leaf, size_t rg, ll_error *err);
/**
 * Makes c->at < c->n unless the chunk is exhausted (then *more = false).
 * Decodes the next window, reading page headers as needed.
 */
ll_status ll_pqr_column_fill(ll_pqr_column *c, bool *more, ll_error *err);
void ll_pqr_column_free(ll_pqr_column *c);

/** Fails with the column chunk's name: "column 'a.b' in row group 3: ...". */
ll_status ll_pqr_column_fail(const ll_pqr_column *c, ll_error *err, const char *fmt, ...)
	LL_PRINTF(3, 4);

/**
 * Starts decoding a v1 data page of n entries: data[0..len) holds the
 * repetition and definition levels (each prefixed by its byte length when
 * RLE-encoded) and then the values. Sets c->rep, c->def and c->vals.
 */
ll_status ll_pqr_page_begin_v1(ll_pqr_column *c, const uint8_t *data, size_t len, uint64_t n,
			       int encoding, int rep_encoding, int def_encoding, ll_error *err);
/**
 * Starts decoding a v2 data page: levels holds rep_len bytes of repetition
 * and then def_len bytes of definition levels (RLE, no length prefix);
 * values[0..len) holds the values.
 */
ll_status ll_pqr_page_begin_v2(ll_pqr_column *c, const uint8_t *levels, size_t rep_len,
			       size_t def_len, const uint8_t *values, size_t len, int encoding,
			       ll_error *err);
/** Decodes the next n entries of the page into the window. */
ll_status ll_pqr_page_window(ll_pqr_column *c, size_t n, ll_error *err);
/** Decodes a dictionary page's count PLAIN values into c->dict. */
ll_status ll_pqr_page_dictionary(ll_pqr_column *c, const uint8_t *data, size_t len, size_t count,
				 ll_error *err);

/* ---- nested fields ---- */

/* Per-cursor scratch for one nested field. */
typedef struct ll_pqr_entry {
	uint8_t rep, def;
	uint32_t len; /* the value's JSON text in the row buffer */
	size_t off;
} ll_pqr_entry;

typedef struct ll_pqr_nested {
	size_t nleaves;
	ll_pqr_entry **entries; /* per leaf, the current row's entries */
	size_t *count, *cap;
	size_t *slots; /* per list/map shape: 2 * nleaves positions */
	ll_buf text;   /* the row's leaf values as JSON */
	ll_buf out;    /* the row's JSON */
	ll_buf key;    /* a map key being turned into a string */
} ll_pqr_nested;

ll_status ll_pqr_nested_init(ll_pqr_nested *n, const ll_pqr_field *f, ll_error *err);
void ll_pqr_nested_free(ll_pqr_nested *n);
/**
 * Reads one row of the field from its columns (one per leaf) and sets *out
 * to its JSON text (copied into a), or null.
 */
ll_status ll_pqr_nested_row(ll_pqr_nested *n, const ll_pqr_field *f, ll_pqr_column *cols,
			    ll_arena *a, ll_value *out, ll_error *err);

#endif
