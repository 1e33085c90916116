/*
 * Avro object container files (Avro 1.11), as Iceberg uses them for
 * manifests and manifest lists.
 *
 * Three parts share one value model:
 *
 *   - ll_avro_schema: a parsed schema. The JSON text given to
 *     ll_avro_schema_parse is kept byte for byte and is what a writer puts in
 *     the header's avro.schema, so custom attributes ("field-id",
 *     "element-id", Iceberg's "logicalType": "map") reach other readers
 *     exactly as written. The parsed tree (ll_avro_node) names every type,
 *     exposes logical types and decimal precision/scale as found, and keeps
 *     each type's and field's JSON object for any other attribute.
 *   - ll_avro_writer: encodes records, given as ll_avro_value trees, into
 *     blocks of the null, deflate (raw RFC 1951, as the spec says) or snappy
 *     codec, and hands the bytes to a sink callback: the header at open, then
 *     each block as it completes.
 *   - ll_avro_reader: decodes a whole file held in memory with the schema in
 *     its header (the writer's schema; no reader-schema resolution), one
 *     record at a time, into ll_avro_value trees in a caller's arena.
 *
 * Values. An ll_avro_value has the type of the datum it holds, never
 * LL_AVRO_UNION: a value in a union position is the branch's value, and
 * `branch` says which branch. The writer picks the branch `branch` names
 * when that branch has the value's type, otherwise the first branch of the
 * value's type; so ll_avro_long(5) goes into ["null","long"] unannotated, and
 * `branch` matters only for unions of several records, enums or fixeds. The
 * reader sets `branch` to the branch it read. Types must match exactly (no
 * int-to-long promotion), so a value built for the wrong field fails loudly.
 * Record values list their fields in schema order; ll_avro_record_new and
 * ll_avro_record_set fill them by name, starting from all null, which suits
 * Iceberg's many optional fields. Iceberg maps with non-string keys (bounds,
 * value counts) are Avro arrays of key/value records, built as such. A
 * manifest entry, for instance (error checks left out):
 *
 *     const ll_avro_node *entry_t = ll_avro_schema_root(schema);
 *     const ll_avro_node *file_t = ll_avro_node_find_field(entry_t, "data_file", NULL)->type;
 *     ll_avro_value entry, file;
 *     ll_avro_record_new(arena, entry_t, &entry, err);
 *     ll_avro_record_set(&entry, entry_t, "status", ll_avro_int(1), err);
 *     ll_avro_record_set(&entry, entry_t, "snapshot_id", ll_avro_long(snapshot), err);
 *     ll_avro_record_new(arena, file_t, &file, err);
 *     ll_avro_record_set(&file, file_t, "file_path", ll_avro_string(path), err);
 *     ...
 *     ll_avro_record_set(&entry, entry_t, "data_file", file, err);
 *     ll_avro_writer_append(writer, &entry, err);
 *
 * Ownership. A parsed schema is owned by its caller (ll_avro_schema_free)
 * and must outlive the writers using it; a reader owns the schema from its
 * file's header. Nodes and fields are borrowed from their schema. Values
 * given to the writer are borrowed for the call; values the reader returns
 * live in the caller's arena until it is reset.
 *
 * Errors. Schema errors are LL_EFORMAT naming the offending type or field. A
 * value that does not fit the schema is LL_EINVAL naming the field path
 * ("data_file.record_count: expected long, got null"), and the writer stays
 * usable: the failed record is dropped. Every defect of a file being read is
 * LL_EFORMAT with the file name in ll_error's file and the byte offset, block
 * and record in the message; lengths and counts are checked against the bytes
 * left before anything is allocated, so a corrupt file never crashes the
 * reader. Codecs the reader does not know (zstandard, bzip2, xz) are
 * LL_EUNSUPPORTED.
 */
#ifndef LL_FORMATS_AVRO_H
#define LL_FORMATS_AVRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lakeload.h"
#include "util/arena.h"
#include "util/buf.h"

/* jansson's object type, for the attribute JSON kept with nodes and fields. */
struct json_t;

typedef enum ll_avro_type {
	LL_AVRO_NULL = 0,
	LL_AVRO_BOOLEAN,
	LL_AVRO_INT,
	LL_AVRO_LONG,
	LL_AVRO_FLOAT,
	LL_AVRO_DOUBLE,
	LL_AVRO_BYTES,
	LL_AVRO_STRING,
	LL_AVRO_RECORD,
	LL_AVRO_ENUM,
	LL_AVRO_ARRAY,
	LL_AVRO_MAP,
	LL_AVRO_UNION,
	LL_AVRO_FIXED,
} ll_avro_type;

/** The type's name as Avro spells it ("long", "record", ...). */
const char *ll_avro_type_name(ll_avro_type type);

/* ------------------------------------------------------------------ schema */

typedef struct ll_avro_node ll_avro_node;

typedef struct ll_avro_field {
	const char *name;
	const ll_avro_node *type;
	int32_t field_id;           /**< "field-id", or -1 when absent or not an int32 */
	const struct json_t *json;  /**< the field's JSON object */
} ll_avro_field;

struct ll_avro_node {
	ll_avro_type type;
	const char *name;           /**< full name of a record, enum or fixed; else NULL */
	const char *logical_type;   /**< "logicalType" when it is a string; else NULL */
	int precision, scale;       /**< "precision"/"scale" when integers; else 0 */
	const ll_avro_field *fields;        /**< record */
	size_t nfields;
	const char *const *symbols;         /**< enum */
	size_t nsymbols;
	const ll_avro_node *items;          /**< array */
	const ll_avro_node *values;         /**< map */
	const ll_avro_node *const *branches; /**< union */
	size_t nbranches;
	size_t size;                /**< fixed */
	const struct json_t *json;  /**< the type's JSON object; NULL for a bare name or a union */
	bool may_be_empty;          /**< a datum can encode to zero bytes (null, {} ...) */
};

typedef struct ll_avro_schema ll_avro_schema;

/**
 * Parses the schema JSON in text[0..len) and keeps a copy of the text. name
 * is for messages (may be NULL). Fails with LL_EFORMAT for invalid JSON, an
 * unknown type, a missing or invalid name, duplicate fields, symbols or
 * definitions, an undefined type reference, or an invalid union.
 */
ll_status ll_avro_schema_parse(ll_avro_schema **out, const char *text, size_t len,
			       const char *name, ll_error *err);

void ll_avro_schema_free(ll_avro_schema *s);

/** The top-level type. */
const ll_avro_node *ll_avro_schema_root(const ll_avro_schema *s);

/** The schema text exactly as parsed (NUL-terminated); *len may be NULL. */
const char *ll_avro_schema_text(const ll_avro_schema *s, size_t *len);

/** The record, enum or fixed with this full name, or NULL. */
const ll_avro_node *ll_avro_schema_find_named(const ll_avro_schema *s, const char *full_name);

/** The field of a record called name, or NULL; *index (may be NULL) gets its position. */
const ll_avro_field *ll_avro_node_find_field(const ll_avro_node *record, const char *name,
					     size_t *index);

/** The position of an enum symbol; false when the enum has no such symbol. */
bool ll_avro_node_find_symbol(const ll_avro_node *enumeration, const char *symbol,
			      uint32_t *index);

/** An integer attribute of a type; false when absent or not an integer. */
bool ll_avro_node_attr_int(const ll_avro_node *n, const char *key, int64_t *out);

/** A string attribute of a type, or NULL when absent or not a string. */
const char *ll_avro_node_attr_string(const ll_avro_node *n, const char *key);

bool ll_avro_field_attr_int(const ll_avro_field *f, const char *key, int64_t *out);
const char *ll_avro_field_attr_string(const ll_avro_field *f, const char *key);

/* ------------------------------------------------------------------ values */

typedef struct ll_avro_value ll_avro_value;
typedef struct ll_avro_map_entry ll_avro_map_entry;

struct ll_avro_value {
	ll_avro_type type; /**< the datum's type; never LL_AVRO_UNION */
	uint32_t branch;   /**< in a union position: the branch (see the contract above) */
	union {
		bool boolean;
		int32_t i;     /**< int */
		int64_t l;     /**< long */
		float f;
		double d;
		uint32_t symbol; /**< enum: index into the symbols */
		struct {
			const char *ptr; /**< UTF-8; NUL-terminated when read */
			size_t len;
		} str;
		struct {
			const uint8_t *ptr; /**< bytes and fixed */
			size_t len;
		} bytes;
		struct {
			ll_avro_value *items; /**< array items; record fields in schema order */
			size_t count;
		} list;
		struct {
			ll_avro_map_entry *entries;
			size_t count;
		} map;
	} u;
};

struct ll_avro_map_entry {
	const char *key; /**< UTF-8; NUL-terminated when read */
	size_t key_len;
	ll_avro_value value;
};

static inline ll_avro_value ll_avro_null(void)
{
	return (ll_avro_value){ .type = LL_AVRO_NULL };
}

static inline ll_avro_value ll_avro_boolean(bool v)
{
	return (ll_avro_value){ .type = LL_AVRO_BOOLEAN, .u.boolean = v };
}

static inline ll_avro_value ll_avro_int(int32_t v)
{
	return (ll_avro_value){ .type = LL_AVRO_INT, .u.i = v };
}

static inline ll_avro_value ll_avro_long(int64_t v)
{
	return (ll_avro_value){ .type = LL_AVRO_LONG, .u.l = v };
}

static inline ll_avro_value ll_avro_float(float v)
{
	return (ll_avro_value){ .type = LL_AVRO_FLOAT, .u.f = v };
}

static inline ll_avro_value ll_avro_double(double v)
{
	return (ll_avro_value){ .type = LL_AVRO_DOUBLE, .u.d = v };
}

/** A string of len bytes (borrowed). */
static inline ll_avro_value ll_avro_string_n(const char *s, size_t len)
{
	return (ll_avro_value){ .type = LL_AVRO_STRING, .u.str = { s, len } };
}

/** A NUL-terminated string (borrowed). */
static inline ll_avro_value ll_avro_string(const char *s)
{
	return ll_avro_string_n(s, strlen(s));
}

static inline ll_avro_value ll_avro_bytes(const void *p, size_t len)
{
	return (ll_avro_value){ .type = LL_AVRO_BYTES, .u.bytes = { (const uint8_t *)p, len } };
}

static inline ll_avro_value ll_avro_fixed(const void *p, size_t len)
{
	return (ll_avro_value){ .type = LL_AVRO_FIXED, .u.bytes = { (const uint8_t *)p, len } };
}

static inline ll_avro_value ll_avro_enum(uint32_t symbol)
{
	return (ll_avro_value){ .type = LL_AVRO_ENUM, .u.symbol = symbol };
}

static inline ll_avro_value ll_avro_array(ll_avro_value *items, size_t count)
{
	return (ll_avro_value){ .type = LL_AVRO_ARRAY, .u.list = { items, count } };
}

static inline ll_avro_value ll_avro_map(ll_avro_map_entry *entries, size_t count)
{
	return (ll_avro_value){ .type = LL_AVRO_MAP, .u.map = { entries, count } };
}

/** A record from its field values in schema order (borrowed). */
static inline ll_avro_value ll_avro_record(ll_avro_value *fields, size_t count)
{
	return (ll_avro_value){ .type = LL_AVRO_RECORD, .u.list = { fields, count } };
}

/** count null values in arena, for array items or record fields; NULL when out of memory. */
ll_avro_value *ll_avro_values_new(ll_arena *arena, size_t count);

/** count map entries in arena with empty keys and null values; NULL when out of memory. */
ll_avro_map_entry *ll_avro_map_entries_new(ll_arena *arena, size_t count);

/**
 * A record value of type record (an LL_AVRO_RECORD node) in arena with every
 * field null. Returns LL_ENOMEM, or LL_EINVAL when record is not a record.
 */
ll_status ll_avro_record_new(ll_arena *arena, const ll_avro_node *record, ll_avro_value *out,
			     ll_error *err);

/** Sets the field called name; LL_EINVAL naming the record when it has none. */
ll_status ll_avro_record_set(ll_avro_value *rec, const ll_avro_node *record, const char *name,
			     ll_avro_value v, ll_error *err);

/** The value of the field called name, or NULL when there is no such field. */
const ll_avro_value *ll_avro_record_get(const ll_avro_value *rec, const ll_avro_node *record,
					const char *name);

/* ------------------------------------------------------------------ files */

typedef enum ll_avro_codec {
	LL_AVRO_CODEC_NULL = 0,
	LL_AVRO_CODEC_DEFLATE,
	LL_AVRO_CODEC_SNAPPY,
} ll_avro_codec;

/** "null", "deflate" or "snappy". */
const char *ll_avro_codec_name(ll_avro_codec codec);

/** A header metadata entry. value is bytes; NUL-terminated when read. */
typedef struct ll_avro_meta {
	const char *key;
	const void *value;
	size_t len;
} ll_avro_meta;

/** Receives the file's bytes in order; a failure stops the writer. */
typedef ll_status (*ll_avro_sink_fn)(void *user, const void *data, size_t len, ll_error *err);

/** A sink appending to the ll_buf passed as user. */
ll_status ll_avro_sink_buf(void *user, const void *data, size_t len, ll_error *err);

/*
 * Blocks end by record count, by size or both. Readers here accept blocks up
 * to 64 MiB, so block_bytes is at most 32 MiB and a single record may encode
 * to at most 32 MiB (LL_EINVAL otherwise).
 */
typedef struct ll_avro_writer_options {
	ll_avro_codec codec;
	int deflate_level;       /**< 1..9; 0: zlib's default */
	size_t block_records;    /**< end a block after this many records; 0: no limit */
	size_t block_bytes;      /**< end a block once it holds this many bytes; 0: 64 KiB */
	const ll_avro_meta *meta; /**< user metadata (keys must not start with "avro.") */
	size_t nmeta;
	const uint8_t *sync;     /**< 16-byte sync marker; NULL: random */
} ll_avro_writer_options;

typedef struct ll_avro_writer ll_avro_writer;

/**
 * Writes the header (magic, metadata, sync marker) to sink and returns a
 * writer for records of schema's root type. opt may be NULL (null codec,
 * 64 KiB blocks, random sync). LL_EINVAL for a reserved or duplicate
 * metadata key.
 */
ll_status ll_avro_writer_open(ll_avro_writer **out, const ll_avro_schema *schema,
			      const ll_avro_writer_options *opt, ll_avro_sink_fn sink, void *user,
			      ll_error *err);

/** Encodes one record; may end a block. See the contract for failures. */
ll_status ll_avro_writer_append(ll_avro_writer *w, const ll_avro_value *record, ll_error *err);

/** Ends the current block now (no-op when it is empty). */
ll_status ll_avro_writer_flush(ll_avro_writer *w, ll_error *err);

/** Records appended so far. */
uint64_t ll_avro_writer_count(const ll_avro_writer *w);

/** Flushes the last block and frees the writer, also on failure. */
ll_status ll_avro_writer_close(ll_avro_writer *w, ll_error *err);

/** Frees the writer without flushing (for error paths). */
void ll_avro_writer_free(ll_avro_writer *w);

typedef struct ll_avro_reader ll_avro_reader;

/**
 * Reads the header of the file in data[0..len), which is borrowed until
 * ll_avro_reader_free. name is the file name for messages.
 */
ll_status ll_avro_reader_open_memory(ll_avro_reader **out, const void *data, size_t len,
				     const char *name, ll_error *err);

/** Reads the whole file at path and its header. */
ll_status ll_avro_reader_open(ll_avro_reader **out, const char *path, ll_error *err);

void ll_avro_reader_free(ll_avro_reader *r);

/** The writer's schema from the header; borrowed from the reader. */
const ll_avro_schema *ll_avro_reader_schema(const ll_avro_reader *r);

ll_avro_codec ll_avro_reader_codec(const ll_avro_reader *r);

/** Header metadata, avro.* keys included, in file order; borrowed from the reader. */
size_t ll_avro_reader_meta_count(const ll_avro_reader *r);
const ll_avro_meta *ll_avro_reader_meta_at(const ll_avro_reader *r, size_t i);

/** The metadata entry with this key, or NULL. */
const ll_avro_meta *ll_avro_reader_meta(const ll_avro_reader *r, const char *key);

/**
 * Decodes the next record into arena. *record is NULL at the end of the
 * file. The tree stays valid until the arena is reset.
 */
ll_status ll_avro_reader_next(ll_avro_reader *r, ll_arena *arena, const ll_avro_value **record,
			      ll_error *err);

#endif
