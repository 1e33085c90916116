/*
 * Streaming JSON reader for the extract hot path.
 *
 * The reader pulls bytes from an ll_input through a bounded buffer and yields
 * one record at a time as a small tree allocated in a caller-owned arena; the
 * caller resets the arena between records, so memory is bounded by the
 * largest record, never by the file. Input may be NDJSON (one value per line),
 * a sequence of whitespace-separated values, a single JSON array whose
 * elements are the records, or a single object.
 *
 * Strictness (RFC 8259): UTF-8 is validated (overlongs, surrogates and
 * out-of-range code points are errors), escapes are checked (\u surrogate
 * pairs must be paired), NaN/Infinity and numbers that overflow a double
 * (1e400) are errors. Integers that fit int64 are LL_JSON_INT; integers that
 * do not are LL_JSON_BIGINT with their digits kept as text; numbers with a
 * fraction or exponent are LL_JSON_DOUBLE. Every error is LL_EFORMAT with
 * file, line and column (1-based, column counted in bytes) set in ll_error.
 */
#ifndef LL_JSON_JSON_H
#define LL_JSON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/input.h"
#include "util/arena.h"
#include "util/buf.h"

typedef enum ll_json_kind {
	LL_JSON_NULL = 0,
	LL_JSON_FALSE,
	LL_JSON_TRUE,
	LL_JSON_INT,    /* u.i */
	LL_JSON_BIGINT, /* u.s: the integer literal, e.g. "-123456789012345678901234" */
	LL_JSON_DOUBLE, /* u.d, always finite */
	LL_JSON_STRING, /* u.s: unescaped UTF-8, NUL-terminated, may contain NUL */
	LL_JSON_ARRAY,  /* u.arr */
	LL_JSON_OBJECT, /* u.obj, members in document order; duplicate keys kept */
} ll_json_kind;

typedef struct ll_json_value ll_json_value;

typedef struct ll_json_member {
	/* key_len unescaped bytes, not NUL-terminated: a key without escapes
	 * points into the input, which the tree's lifetime therefore covers */
	const char *key;
	size_t key_len;
	ll_json_value *value;
} ll_json_member;

struct ll_json_value {
	ll_json_kind kind;
	union {
		int64_t i;
		double d;
		struct {
			const char *ptr;
			size_t len;
		} s;
		struct {
			ll_json_value **items;
			size_t count;
		} arr;
		struct {
			ll_json_member *members;
			size_t count;
		} obj;
	} u;
};

typedef struct ll_json_reader ll_json_reader;

/** Borrows in until ll_json_reader_free. */
ll_status ll_json_reader_open(ll_json_reader **out, ll_input *in, ll_error *err);

/** Zero bytes that must follow the text given to ll_json_reader_restart. */
#define LL_JSON_READER_PAD 16

/** A reader of text in memory, with none yet: see ll_json_reader_restart. */
ll_status ll_json_reader_open_memory(ll_json_reader **out, ll_error *err);

/**
 * Points r (from ll_json_reader_open_memory) at the len bytes at text, a
 * whole input of its own named name (for messages), its first line numbered
 * line. The text is parsed where it is, not copied: it must be followed by
 * LL_JSON_READER_PAD zero bytes and stay unchanged until the next restart or
 * ll_json_reader_free. The reader keeps its buffers, so one reader serves
 * text after text without allocating.
 */
void ll_json_reader_restart(ll_json_reader *r, const char *text, size_t len, const char *name,
			    uint64_t line);

/**
 * Parses the next record into arena. *record is NULL at the end of input.
 * The tree stays valid until the arena is reset or the next call on r (next,
 * restart, free): its keys may point into the reader's window or text, and
 * its arrays of members and items are the reader's, reused by the next record
 * (or, after ll_json_reader_keep, by the first after ll_json_reader_release).
 */
ll_status ll_json_reader_next(ll_json_reader *r, ll_arena *arena, const ll_json_value **record,
			      ll_error *err);

/**
 * Keeps the trees of the records r returns from now on valid across its
 * later calls, until ll_json_reader_release (their arena must be kept as
 * well), so a caller can gather records before using them. For a reader of
 * text in memory only: a window over an input moves under the keys.
 */
void ll_json_reader_keep(ll_json_reader *r);

/** Lets the kept records go: the next records reuse their arrays. */
void ll_json_reader_release(ll_json_reader *r);

/** 1-based line and column where the record last returned starts. */
void ll_json_reader_record_position(const ll_json_reader *r, uint64_t *line, uint64_t *column);

/** Byte offset from the start of input where the record last returned starts. */
uint64_t ll_json_reader_record_offset(const ll_json_reader *r);

/**
 * Numbers lines from line instead of 1, for input that is a piece of a
 * larger one starting at a line's beginning. Call before the first record.
 */
void ll_json_reader_start_line(ll_json_reader *r, uint64_t line);

void ll_json_reader_free(ll_json_reader *r);

/**
 * Parses one complete JSON document held in memory (config, API bodies).
 * The tree, and a copy of text its keys point into, live in arena.
 */
ll_status ll_json_parse(const char *text, size_t len, const char *name, ll_arena *arena,
			const ll_json_value **out, ll_error *err);

/** Looks up a key in an object (first match); NULL if absent or not an object. */
const ll_json_value *ll_json_get(const ll_json_value *obj, const char *key);

/** Appends v as compact JSON text (for json columns), numbers as dlt's orjson writes them. */
void ll_json_write(const ll_json_value *v, ll_buf *out);

#endif
