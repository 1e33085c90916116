/*
 * Block compression for Parquet pages: snappy, gzip, zstd, or none.
 *
 * Compression appends to a growable buffer. Decompression writes into a
 * caller buffer of the exact uncompressed size the page header states, and a
 * stream that does not decompress to exactly that size is LL_EFORMAT, so a
 * corrupt page can never overrun memory.
 */
#ifndef LL_PARQUET_CODEC_H
#define LL_PARQUET_CODEC_H

#include <stddef.h>

#include "formats/parquet/parquet_writer.h"
#include "util/buf.h"

/** Appends the compressed form of src to out. level 0: the codec default. */
ll_status ll_codec_compress(ll_parquet_codec codec, int level, const void *src, size_t len,
			    ll_buf *out, ll_error *err);

/** Decompresses src into exactly dst_len bytes at dst. */
ll_status ll_codec_decompress(ll_parquet_codec codec, const void *src, size_t len, void *dst,
			      size_t dst_len, ll_error *err);

const char *ll_codec_name(ll_parquet_codec codec);

#endif
