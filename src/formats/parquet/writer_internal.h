/*
 * Internals of ll_parquet_writer shared by its source files (parquet_writer.c
 * for the API and row buffering, writer_dictionary.c, writer_encoding.c,
 * writer_stats.c, writer_chunk.c for column chunks and pages,
 * writer_metadata.c for Thrift structures, writer_scratch.c for encoding
 * buffers, writer_worker.c for the background thread).
 *
 * Buffering invariants, per column of the open row group:
 * - values holds the non-null values of the ended rows (plus, while a row is
 *   being built, the value put for it): PLAIN-encoded (fixed-width values
 *   little-endian, byte arrays as 4-byte length + bytes, booleans one byte
 *   each) or, while use_dict holds, one uint32 dictionary index per value.
 * - def holds one definition level byte (0 null, 1 value) per row, but only
 *   once has_def is set, which happens when the chunk's first row without a
 *   value in the column ends (or when the column is added after rows); until
 *   then every ended row has a value. So has_def holds exactly when the
 *   chunk has a null. Levels are settled lazily: a put writes the zeros of
 *   the rows since the column's last value and then its own 1, and sealing
 *   writes the zeros after its last value, so ending a row touches no
 *   column unless one without levels lacks a value (w->row_dense counts the
 *   values the row put into columns without levels). nnulls counts the
 *   nulls settled; def has room for the row being built and the next
 *   (w->def_room is at most the least capacity among the columns' levels),
 *   so neither a put nor sealing grows it.
 * - the dictionary holds exactly the distinct values inserted in this chunk
 *   (a value popped again by an overwrite leaves its entry; dict_stale says
 *   so, and statistics then walk the indices instead of the entries).
 * - w->buffered is the sum over columns of values.len + the dictionary's
 *   bytes (entries, values and hash slots), kept exact on every append; the
 *   levels add w->ndef (columns with levels) bytes per ended row, settled
 *   or not, so the caller's memory budget sees the truth.
 *
 * Flushing seals the open row group: every column's chunk (its arrays and
 * per-chunk state) moves into w->sealed, a second set of columns, and the
 * column continues on empty arrays and on the dictionary's hash table,
 * emptied. The sealed group is then encoded, compressed and written by the
 * writer's background thread (writer_worker.c) while the caller fills the
 * next one, or inline when there is no thread. A written chunk's values and
 * definition levels stay in its slot of w->sealed, emptied, and come back to
 * the column (returns_due): the caller's first end_row after the group is
 * written moves the column's few values so far into them, so the next chunk
 * fills pages already resident instead of faulting in new ones, and the
 * column holds about one chunk's arrays, not two. The second set holds
 * memory only while a row group is in flight or coming back. There is at
 * most one sealed group: sealing first waits until the previous one is
 * written.
 *
 * While a sealed group is posted to the thread, the thread alone touches
 * sealed, sealed_rows, out, written, fd and groups, and the caller alone
 * touches everything else that changes (the columns, row counters, row
 * state). The worker's mutex hands both over in each direction. ncols, the
 * columns' schema fields and opt are fixed by the first seal and only read
 * afterwards.
 */
#ifndef LL_PARQUET_WRITER_INTERNAL_H
#define LL_PARQUET_WRITER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/parquet/parquet_writer.h"
#include "util/buf.h"
#include "util/hash.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet writer stores values in host order, which must be little-endian like PLAIN"
#endif

/* Parquet's Type, ConvertedType, Encoding, PageType and FieldRepetitionType values. */
enum {
	LL_PQW_TYPE_BOOLEAN = 0,
	LL_PQW_TYPE_INT32 = 1,
	LL_PQW_TYPE_INT64 = 2,
	LL_PQW_TYPE_DOUBLE = 5,
	LL_PQW_TYPE_BYTE_ARRAY = 6,
	LL_PQW_TYPE_FIXED = 7,
};
enum {
	LL_PQW_CONV_UTF8 = 0,
	LL_PQW_CONV_DECIMAL = 5,
	LL_PQW_CONV_DATE = 6,
	LL_PQW_CONV_TIMESTAMP_MILLIS = 9,
	LL_PQW_CONV_TIMESTAMP_MICROS = 10,
	LL_PQW_CONV_JSON = 19,
};
enum {
	LL_PQW_ENC_PLAIN = 0,
	LL_PQW_ENC_RLE = 3,
	LL_PQW_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
	LL_PQW_ENC_RLE_DICTIONARY = 8,
};
enum {
	LL_PQW_PAGE_DATA = 0,
	LL_PQW_PAGE_DICTIONARY = 2,
};
enum {
	LL_PQW_REQUIRED = 0,
	LL_PQW_OPTIONAL = 1,
};

/* How a column's values are held. */
typedef enum ll_pqw_kind {
	LL_PQW_I64 = 0,
	LL_PQW_I32,
	LL_PQW_DOUBLE,
	LL_PQW_BOOL,
	LL_PQW_BYTES,
	LL_PQW_FIXED,
} ll_pqw_kind;

/*
 * A growable byte array; the hot path appends inline, growth is out of line.
 * A dictionary's arrays are freed once its chunk is written, and hint
 * remembers how large the last chunk's grew, so the next chunk allocates
 * that once instead of doubling its way up (values and levels come back to
 * their column instead, see above). The memory comes from util/bigmem, and every
 * array but a small one (see ll_pqw_vec_grow) is a mapping of its own, so it
 * goes back to the kernel when freed instead of fragmenting the heap.
 */
typedef struct ll_pqw_vec {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t hint;
} ll_pqw_vec;

bool ll_pqw_vec_grow(ll_pqw_vec *v, size_t extra);
/** Frees the memory; hint stays. */
void ll_pqw_vec_free(ll_pqw_vec *v);
/**
 * Empties v for reuse by an array of about its length: its pages past that
 * length go back to the kernel (an earlier, larger use may have left them
 * resident), and all of its memory when v is empty.
 */
void ll_pqw_vec_empty(ll_pqw_vec *v);

static inline bool ll_pqw_vec_reserve(ll_pqw_vec *v, size_t extra)
{
	return v->cap - v->len >= extra || ll_pqw_vec_grow(v, extra);
}

/* One dictionary entry of a byte-array column: where its bytes are in values. */
typedef struct ll_pqw_dict_entry {
	uint32_t offset; /* of the bytes, after the 4-byte length */
	uint32_t len;
} ll_pqw_dict_entry;

/*
 * Distinct values of one column chunk. values is the dictionary page body
 * (PLAIN); slots is an open-addressing table kept at most half full, each
 * slot 0 (empty) or one entry, laid out by the values' width (see below).
 */
typedef struct ll_pqw_dict {
	/* what a lookup reads, first (see ll_pqw_column) */
	/* the entry interned last, tried before any hashing (ll_pqw_dict_find):
	 * its index + 1 (0 for none), and where its bytes are in values and how
	 * many, so the try reads neither entries nor values.data */
	uint32_t last;
	uint32_t last_len;
	const uint8_t *last_bytes;
	uint64_t *slots;
	size_t nslots; /* a power of two, or 0 before the first insert */
	size_t returns; /* values found by their hash: ones that came back after others */
	ll_pqw_vec values;
	ll_pqw_vec entries; /* ll_pqw_dict_entry per entry, byte arrays only */
	size_t count;
} ll_pqw_dict;

/*
 * A slot holds what a lookup needs to settle a probe with the fewest reads
 * after it, each of which is usually a cache miss:
 * - 4-byte values: the value above entry index + 1; a probe reads nothing
 *   but the slot.
 * - byte arrays: entry index (20 bits), the offset in values of the value's
 *   bytes (22 bits) and the tag's low 21 bits, high to low; a probe goes
 *   from the slot straight to the bytes and the 4-byte length PLAIN keeps
 *   just before them, never to the entry.
 * - other widths: the 32-bit tag above entry index + 1; a probe reads the
 *   value at index * width in values.
 * A slot of a byte array is never 0, since its bytes start 4 bytes or more
 * into values; its top bit stays free for growth (ll_pqw_dict_insert), as
 * bit 31 does in the other layouts. The byte arrays' fields bound their
 * dictionary: the bytes of its last entry start below 4 MiB, which allows
 * fewer than 2^20 entries (each takes 4 bytes or more) and so at most 2^21
 * slots, which a 21-bit tag still places.
 */
#define LL_PQW_DICT_TAG_BITS 21
/* The tag's bits in a byte array's slot, its lowest. */
#define LL_PQW_DICT_TAG_MASK (((uint32_t)1 << LL_PQW_DICT_TAG_BITS) - 1)
#define LL_PQW_DICT_OFFSET_BITS 22
#define LL_PQW_DICT_INDEX_SHIFT (LL_PQW_DICT_TAG_BITS + LL_PQW_DICT_OFFSET_BITS)
/* The largest offset a byte array's bytes may start at in values. */
#define LL_PQW_DICT_MAX_OFFSET (((size_t)1 << LL_PQW_DICT_OFFSET_BITS) - 1)

/* Entry index of an occupied slot. */
static inline size_t ll_pqw_slot_index(uint64_t slot, size_t width)
{
	return width ? (size_t)(uint32_t)slot - 1 : (size_t)(slot >> LL_PQW_DICT_INDEX_SHIFT);
}

/* Where in values a byte array's slot has its bytes. */
static inline size_t ll_pqw_slot_offset(uint64_t slot)
{
	return (size_t)(slot >> LL_PQW_DICT_TAG_BITS) & LL_PQW_DICT_MAX_OFFSET;
}

/*
 * Bytes a dictionary holds (entries, values and, while it has entries,
 * slots), for the budget. Derived, since only an insert reads it.
 */
static inline size_t ll_pqw_dict_bytes(const ll_pqw_dict *d)
{
	return d->count ? d->values.len + d->entries.len + d->nslots * sizeof(*d->slots) : 0;
}

/*
 * Adds v (width bytes; or, for byte arrays, width 0 and len bytes), which
 * the dictionary does not hold, with its tag (ll_pqw_dict_tag). Returns the
 * new entry's index, or -1 when memory runs out or a byte array's bytes
 * would start past LL_PQW_DICT_MAX_OFFSET (the entries are unchanged then).
 */
int64_t ll_pqw_dict_insert(ll_pqw_dict *d, const void *v, size_t width, size_t len, uint32_t tag);

/*
 * The 32-bit hash a value is tagged and placed with: ll_mix64 for one-word
 * values, ll_hash_fast for the rest (byte arrays, decimals).
 */
static inline uint32_t ll_pqw_dict_tag(const void *v, size_t width, size_t len)
{
	if (width == 8)
		return (uint32_t)ll_mix64(ll_load64(v));
	if (width == 4)
		return (uint32_t)ll_mix64(ll_load32(v));
	return (uint32_t)ll_hash_fast(v, width ? width : len);
}

/* Whether the value at p (width bytes, or len for byte arrays) is v. */
static inline bool ll_pqw_value_is(const uint8_t *p, const void *v, size_t width, size_t len)
{
	if (width == 8)
		return ll_load64(p) == ll_load64(v);
	if (width == 4)
		return ll_load32(p) == ll_load32(v);
	return ll_bytes_equal(p, v, width ? width : len);
}

/* Whether occupied slot slot holds v, whose tag is t. */
static inline bool ll_pqw_slot_holds(const ll_pqw_dict *d, uint64_t slot, const void *v,
				     size_t width, size_t len, uint32_t t)
{
	if (width == 4)
		return slot >> 32 == ll_load32(v);
	if (width)
		return (uint32_t)(slot >> 32) == t &&
		       ll_pqw_value_is(d->values.data + ll_pqw_slot_index(slot, width) * width, v,
				       width, len);
	if ((slot ^ t) & LL_PQW_DICT_TAG_MASK)
		return false;
	const uint8_t *p = d->values.data + ll_pqw_slot_offset(slot);
	return ll_load32(p - 4) == len && ll_pqw_value_is(p, v, 0, len);
}

/* Makes entry i, whose len bytes are at p, the one interned last. */
static inline void ll_pqw_dict_set_last(ll_pqw_dict *d, size_t i, const uint8_t *p, size_t len)
{
	d->last = (uint32_t)i + 1;
	d->last_len = (uint32_t)len;
	d->last_bytes = p;
}

/*
 * Finds v in the dictionary. Returns its entry index, or -1 when it is
 * absent, with *tag set for ll_pqw_dict_insert. Inline, with width a
 * constant at each caller, since nearly every put of a dictionary column
 * comes here. The entry interned last is tried before any hashing: columns
 * often repeat a value row after row (a load id, a parent's id down its
 * list, a run of one country), and then a put costs one comparison, made
 * against the copy of that entry's place and length the dictionary keeps.
 */
static inline __attribute__((always_inline)) int64_t
ll_pqw_dict_find(ll_pqw_dict *d, const void *v, size_t width, size_t len, uint32_t *tag)
{
	if (d->last && d->last_len == len && ll_pqw_value_is(d->last_bytes, v, width, len))
		return (int64_t)d->last - 1;
	uint32_t t = ll_pqw_dict_tag(v, width, len);
	*tag = t;
	size_t mask = d->nslots - 1;
	for (size_t s = t & mask; d->nslots; s = (s + 1) & mask) {
		uint64_t slot = d->slots[s];
		if (!slot)
			return -1;
		if (ll_pqw_slot_holds(d, slot, v, width, len, t)) {
			size_t i = ll_pqw_slot_index(slot, width);
			ll_pqw_dict_set_last(d, i,
					     d->values.data +
						     (width ? i * width : ll_pqw_slot_offset(slot)),
					     len);
			d->returns++;
			return (int64_t)i;
		}
	}
	return -1;
}

/*
 * Finds v in the dictionary, adding it when absent. Returns the entry index,
 * or -1 when memory runs out (the entries are unchanged then).
 */
static inline int64_t ll_pqw_dict_intern(ll_pqw_dict *d, const void *v, size_t width, size_t len)
{
	uint32_t tag;
	int64_t i = ll_pqw_dict_find(d, v, width, len, &tag);
	return i >= 0 ? i : ll_pqw_dict_insert(d, v, width, len, tag);
}

/*
 * Starts next, a column's dictionary for its next chunk, on the emptied
 * slot table of sealed, the dictionary of the chunk just sealed (which keeps
 * its entries), and with sealed's sizes as hints for its arrays.
 */
void ll_pqw_dict_hand_on(ll_pqw_dict *next, ll_pqw_dict *sealed);
/** Frees the slots and the arrays; the arrays' hints stay. */
void ll_pqw_dict_free(ll_pqw_dict *d);

/*
 * A column: what a put touches first, laid out by cache line (the columns
 * are 64-byte aligned). A put reads and writes line 0 alone when its column
 * has no dictionary and no levels; a dictionary adds line 1, which holds
 * all that a lookup reads of the column, and levels line 2. Every line a
 * put touches is usually a cache miss, since the rest of the record's work
 * evicts the columns between one row and the next. Then the rest of the chunk's state,
 * and the schema the encoder and error messages read.
 */
typedef struct ll_pqw_column {
	/* line 0. The row being built: mark is that row's number + 1 when it holds a value */
	_Alignas(64) uint64_t mark;
	ll_pqw_kind kind;
	bool nullable;
	/* the chunk: of the open row group in w->cols, of the sealed one in w->sealed */
	bool has_def;
	bool use_dict;
	bool to_millis; /* a timestamp column written in milliseconds */
	ll_pqw_vec values;
	size_t plain_bytes; /* PLAIN size of the values, tracked in dictionary mode */
	size_t last_start;  /* where the row's value starts in values */
	/* lines 1 and 2 */
	ll_pqw_dict dict;
	ll_pqw_vec def;
	size_t nnulls;
	bool dict_stale;
	bool dict_fresh;   /* the last judged chunk dropped its dictionary for fresh_runs */
	size_t next_check; /* value count at which the dictionary's payoff is judged */
	uint32_t width;    /* bytes per PLAIN value; 0 for byte arrays */
	ll_data_type type;

	char *name;
	int precision, scale;
	int32_t field_id;
	int physical; /* LL_PQW_TYPE_* */
	uint64_t dec_limit_hi, dec_limit_lo; /* decimal: 10^precision, as 128 bits */
} ll_pqw_column;

/* Longest string statistic kept; a longer bound drops min/max for the chunk. */
#define LL_PQW_STAT_MAX 64

typedef struct ll_pqw_chunk_meta {
	int64_t data_page_offset;
	int64_t dict_page_offset; /* -1: no dictionary page */
	int64_t total_uncompressed;
	int64_t total_compressed;
	int64_t num_values;
	int64_t null_count;
	int64_t nan_count; /* doubles only */
	bool used_dict;
	bool has_minmax;
	uint8_t min_len, max_len;
	uint8_t min[LL_PQW_STAT_MAX];
	uint8_t max[LL_PQW_STAT_MAX];
} ll_pqw_chunk_meta;

typedef struct ll_pqw_row_group {
	ll_pqw_chunk_meta *chunks; /* one per column */
	int64_t num_rows;
	int64_t file_offset;
	int64_t total_byte_size;
	int64_t total_compressed;
} ll_pqw_row_group;

struct ll_parquet_writer {
	/* what every put and end_row touch, first */
	ll_pqw_column *cols; /* 64-byte aligned */
	size_t ncols, cols_cap;
	uint64_t rows;   /* rows ended, flushed or buffered */
	size_t rg_rows;  /* rows of the open row group */
	size_t buffered; /* see the invariants above */
	size_t ndef;       /* columns with levels */
	size_t def_room;   /* rows every column's levels have room for (SIZE_MAX: none has levels) */
	size_t row_dense;  /* values of the row being built in columns without levels */
	bool row_open; /* a put happened since the last end_row */

	char *path;
	char *tmp_path;
	int fd;
	ll_parquet_writer_options opt;
	char *created_by;

	/* the first failure of a put in the row being built, reported by end_row */
	ll_status row_status;
	ll_error row_err;
	/* set after an I/O or encoding failure: only abort/close remain */
	bool broken;

	uint64_t written; /* bytes written to the file so far */
	ll_buf out;       /* small encoded bytes not yet written; file offset = written + out.len */

	ll_pqw_row_group *groups;
	size_t ngroups, groups_cap;

	/* the sealed row group: NULL until the first seal, which fixes the columns */
	ll_pqw_column *sealed; /* ncols chunks; their names are borrowed from cols */
	size_t sealed_rows;
	bool returns_due; /* the sealed set's arrays are still to come back to the columns */
	struct ll_pqw_worker *worker; /* NULL: row groups are written inline */
};

/* Offset in the file of the next byte appended to w->out. */
static inline uint64_t ll_pqw_offset(const ll_parquet_writer *w)
{
	return w->written + w->out.len;
}

/* Writes buffered output to the file once it is large (or always, when force). */
ll_status ll_pqw_drain(ll_parquet_writer *w, bool force, ll_error *err);

/* Writes len bytes straight to the file; w->out must be empty (drained) first. */
ll_status ll_pqw_write(ll_parquet_writer *w, const void *data, size_t len, ll_error *err);

/* Writes the sealed row group and empties its arrays; on the thread that owns it (see above). */
ll_status ll_pqw_row_group_write(ll_parquet_writer *w, ll_error *err);

/* ---- writer_scratch.c ---- */

/* Buffers for encoding one row group, taken from the process's shared sets. */
typedef struct ll_pqw_scratch {
	ll_buf page;   /* one uncompressed page */
	ll_buf zpage;  /* one compressed page */
	ll_buf header; /* one page header */
	ll_buf lens;   /* the lengths of one page's byte arrays, uint32 each */
	struct ll_pqw_scratch *next;
} ll_pqw_scratch;

/** An open writer holds the sets: the last one to release them frees them. */
void ll_pqw_scratch_hold(void);
void ll_pqw_scratch_release(void);

/** A set for encoding one row group, or NULL when memory runs out. */
ll_pqw_scratch *ll_pqw_scratch_take(void);
void ll_pqw_scratch_give(ll_pqw_scratch *s);

/* ---- writer_worker.c ---- */

typedef struct ll_pqw_worker ll_pqw_worker;

/** Starts the writer's background thread unless it runs; false when it cannot start. */
bool ll_pqw_worker_start(ll_parquet_writer *w);

/** Has the thread write the sealed row group; only after ll_pqw_worker_wait succeeded. */
void ll_pqw_worker_post(ll_parquet_writer *w);

/** Waits until the posted row group is written; returns the thread's failure, if any. */
ll_status ll_pqw_worker_wait(ll_parquet_writer *w, ll_error *err);

/**
 * Whether no posted row group is left to write, without waiting; when true,
 * the caller sees everything the thread did to the sealed set.
 */
bool ll_pqw_worker_idle(ll_parquet_writer *w);

/** The thread's failure, if any, without waiting (cheap enough for every row). */
ll_status ll_pqw_worker_check(ll_parquet_writer *w, ll_error *err);

/** Ends the thread, after the row group it is writing; a posted, unstarted one is dropped. */
void ll_pqw_worker_stop(ll_parquet_writer *w);

/* ---- writer_encoding.c ---- */

/** Bits needed for values up to max (0 for max 0). */
int ll_pqw_bit_width(uint64_t max);

/** Appends levels (0/1 bytes) RLE/bit-packed with bit width 1. */
void ll_pqw_encode_levels(const uint8_t *levels, size_t n, ll_buf *out);

/** Appends n repeats of value as one RLE run of the given bit width. */
void ll_pqw_encode_run(uint32_t value, size_t n, int bit_width, ll_buf *out);

/** Appends indices RLE/bit-packed with bit_width (the width byte not included). */
void ll_pqw_encode_indices(const uint32_t *idx, size_t n, int bit_width, ll_buf *out);

/** Appends booleans (0/1 bytes) PLAIN: bit-packed, least significant bit first. */
void ll_pqw_encode_bools(const uint8_t *v, size_t n, ll_buf *out);

/**
 * Appends n byte arrays, given in their PLAIN layout (plain_len bytes of
 * 4-byte length + bytes) and with their lengths read out into lens, as
 * DELTA_LENGTH_BYTE_ARRAY.
 */
void ll_pqw_encode_delta_length(const uint8_t *plain, size_t plain_len, const uint32_t *lens,
				size_t n, ll_buf *out);

/* ---- writer_stats.c ---- */

/** Fills m's null_count, nan_count and min/max from the column's buffered values. */
void ll_pqw_stats_compute(const ll_pqw_column *c, ll_pqw_chunk_meta *m);

/* ---- writer_chunk.c ---- */

/** Encodes a column's chunk of rows rows into pages, in s, and writes them after w->out. */
ll_status ll_pqw_chunk_write(ll_parquet_writer *w, ll_pqw_scratch *s, ll_pqw_column *c,
			     size_t rows, ll_pqw_chunk_meta *m, ll_error *err);

/* ---- writer_metadata.c ---- */

/** The encoding of the values of a chunk's data pages. */
static inline int ll_pqw_chunk_encoding(const ll_pqw_column *c, const ll_pqw_chunk_meta *m)
{
	return m->used_dict		 ? LL_PQW_ENC_RLE_DICTIONARY
	       : c->kind == LL_PQW_BYTES ? LL_PQW_ENC_DELTA_LENGTH_BYTE_ARRAY
					 : LL_PQW_ENC_PLAIN;
}

/** Appends a data page (LL_PQW_PAGE_DATA) or dictionary page header. */
void ll_pqw_encode_page_header(ll_buf *out, int page_type, size_t uncompressed,
			       size_t compressed, size_t num_values, int encoding);

/** Appends the serialized FileMetaData of everything written. */
void ll_pqw_encode_footer(const ll_parquet_writer *w, ll_buf *out);

#endif
