/*
 * Pieces the Avro schema, writer and reader share: the binary encoding's
 * primitives, the datum encoder and decoder, block codecs and limits.
 *
 * Decoding works on an ll_avro_cursor over bytes that are wholly in memory.
 * Every read checks the bytes left first, so a cursor never reads past its
 * end; failures are LL_EFORMAT with the cursor's file name and position.
 */
#ifndef LL_FORMATS_AVRO_INTERNAL_H
#define LL_FORMATS_AVRO_INTERNAL_H

#include "formats/avro/avro.h"

#define LL_AVRO_MAGIC "Obj\x01"
#define LL_AVRO_MAGIC_LEN 4
#define LL_AVRO_SYNC_LEN 16

/* Deeper nesting than this is refused: it bounds recursion on hostile input. */
#define LL_AVRO_MAX_DEPTH 128

/* A block may decompress to at most this much; manifests use far smaller blocks. */
#define LL_AVRO_MAX_BLOCK_BYTES ((size_t)64 << 20)

/*
 * Items that may encode to zero bytes (nulls, empty records) cannot be
 * bounded by the bytes left, so their number per array, map or block is
 * capped instead.
 */
#define LL_AVRO_MAX_EMPTY_ITEMS ((uint64_t)1 << 20)

/** Appends v as a zigzag varint. */
void ll_avro_put_long(ll_buf *b, int64_t v);

/** Appends len and then the bytes. */
void ll_avro_put_bytes(ll_buf *b, const void *p, size_t len);

/** Appends v encoded per node; LL_EINVAL names the path of a value that does not fit. */
ll_status ll_avro_encode(ll_buf *out, const ll_avro_node *node, const ll_avro_value *v,
			 ll_error *err);

typedef struct ll_avro_cursor {
	const uint8_t *start, *p, *end;
	const char *name;     /* file name for messages */
	ll_arena *arena;      /* decoded strings, bytes and lists */
	ll_error *err;
	int depth;
	bool in_block;        /* false: the cursor reads the header */
	uint64_t block;       /* 1-based block number */
	uint64_t block_offset; /* file offset where the block starts */
	uint64_t record;      /* 1-based record number in the file */
} ll_avro_cursor;

/** Fails with LL_EFORMAT, the file name and where the cursor stands. */
ll_status ll_avro_cursor_fail(ll_avro_cursor *c, const char *fmt, ...) LL_PRINTF(2, 3);

static inline size_t ll_avro_cursor_left(const ll_avro_cursor *c)
{
	return (size_t)(c->end - c->p);
}

ll_status ll_avro_read_long(ll_avro_cursor *c, int64_t *out);

/** Reads a length prefix and returns the bytes that follow, in place. */
ll_status ll_avro_read_span(ll_avro_cursor *c, const uint8_t **p, size_t *len);

/** Decodes one datum of type node into out; lists and strings go to c->arena. */
ll_status ll_avro_decode(ll_avro_cursor *c, const ll_avro_node *node, ll_avro_value *out);

/** Appends src compressed with codec to out. */
ll_status ll_avro_compress(ll_avro_codec codec, int level, const void *src, size_t len,
			   ll_buf *out, ll_error *err);

/**
 * Replaces out's contents with src decompressed (deflate or snappy). More
 * than LL_AVRO_MAX_BLOCK_BYTES of output, or corrupt input, is LL_EFORMAT.
 */
ll_status ll_avro_decompress(ll_avro_codec codec, const void *src, size_t len, ll_buf *out,
			     ll_error *err);

#endif
