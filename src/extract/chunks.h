/*
 * ll_chunker: cuts a stream of JSON records into pieces that parse on their
 * own, so several threads can normalize one input.
 *
 * A piece ends at a newline between two top-level objects: the last
 * non-blank byte before it is '}' and the first one after it is '{'. In
 * valid JSON no such place is inside a value (a string holds no raw
 * newline, and two values inside an array or object are always separated
 * by ',' or ':'), so a piece holds whole records and a reader starting at
 * its first byte reads exactly the records a reader of the whole stream
 * reads there. Pieces are about `target` bytes; one grows past it only while
 * no such place comes (a record longer than the target). Each piece knows
 * its byte offset in the (decompressed) stream, so ids derived from offsets
 * are those of the whole input. Pieces start at a line's start but do not
 * know which line: counting them would cost the reading thread a pass over
 * every byte, and whoever parses a piece counts its lines anyway.
 *
 * Only a stream whose first value is an object can be cut (a top-level
 * array is one value): ll_chunker_open looks at the start of the input and,
 * when it cannot be cut, gives what it read back to the input (*out NULL).
 */
#ifndef LL_EXTRACT_CHUNKS_H
#define LL_EXTRACT_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

#include "extract/input.h"

/* Zero bytes after every piece's data, so a parser can read it in place. */
#define LL_CHUNK_PAD 64

typedef struct ll_chunk {
	char *data;      /* the receiver frees it with ll_chunk_free; LL_CHUNK_PAD zero bytes follow len */
	size_t len;
	size_t cap;      /* bytes allocated */
	uint64_t index;  /* 0, 1, ... in stream order */
	uint64_t offset; /* of data[0] in the stream, always at a line's start */
} ll_chunk;

typedef struct ll_chunker ll_chunker;

/** Borrows in until ll_chunker_free. *out is NULL when the input cannot be cut. */
ll_status ll_chunker_open(ll_chunker **out, ll_input *in, size_t target, ll_error *err);

/** The next piece; data NULL at the end of input. */
ll_status ll_chunker_next(ll_chunker *c, ll_chunk *out, ll_error *err);

/** Frees a piece's bytes (the receiver's job); NULL data is fine. */
void ll_chunk_free(ll_chunk *c);

/**
 * Gives a piece's bytes back to c for a later piece, from any thread, or
 * frees them (c keeps a few); the piece's data is NULL after.
 */
void ll_chunker_recycle(ll_chunker *c, ll_chunk *piece);

/** Bytes of the stream handed out so far. */
uint64_t ll_chunker_offset(const ll_chunker *c);

void ll_chunker_free(ll_chunker *c);

#endif
