/*
 * Block codecs of Avro container files.
 *
 * deflate is raw RFC 1951 data, no zlib header or checksum. Decompression
 * stops at the end of the deflate stream and ignores bytes after it: Python's
 * avro writes zlib output minus the two header bytes and the last checksum
 * byte, leaving three checksum bytes behind the stream. snappy blocks are
 * one snappy buffer followed by the big-endian CRC-32 of the uncompressed
 * bytes, which is verified. Output beyond LL_AVRO_MAX_BLOCK_BYTES is refused
 * so a small hostile block cannot inflate without bound.
 */
#include "formats/avro/avro_internal.h"

#include <snappy-c.h>
#include <zlib.h>

#include "util/error.h"

static ll_status deflate_block(int level, const void *src, size_t len, ll_buf *out, ll_error *err)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level ? level : Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return ll_error_set(err, LL_EINVAL, "cannot start deflate at level %d", level);
	size_t bound = deflateBound(&z, (uLong)len);
	if (!ll_buf_reserve(out, bound)) {
		deflateEnd(&z);
		return ll_error_oom(err);
	}
	z.next_in = (Bytef *)(uintptr_t)src;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->data + out->len;
	z.avail_out = (uInt)bound;
	int rc = deflate(&z, Z_FINISH);
	size_t produced = bound - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END)
		return ll_error_set(err, LL_EIO, "deflate failed (zlib error %d)", rc);
	out->len += produced;
	out->data[out->len] = '\0';
	return LL_OK;
}

static ll_status snappy_block(const void *src, size_t len, ll_buf *out, ll_error *err)
{
	size_t cap = snappy_max_compressed_length(len);
	if (!ll_buf_reserve(out, cap + 4))
		return ll_error_oom(err);
	if (snappy_compress(src, len, out->data + out->len, &cap) != SNAPPY_OK)
		return ll_error_set(err, LL_EIO, "snappy compression failed");
	out->len += cap;
	uint32_t crc = (uint32_t)crc32(0L, src, (uInt)len);
	uint8_t be[4] = { (uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8),
			  (uint8_t)crc };
	ll_buf_append(out, be, 4);
	return LL_OK;
}

ll_status ll_avro_compress(ll_avro_codec codec, int level, const void *src, size_t len,
			   ll_buf *out, ll_error *err)
{
	if (len > UINT32_MAX)
		return ll_error_set(err, LL_EINVAL, "an Avro block of %zu bytes is too large", len);
	switch (codec) {
	case LL_AVRO_CODEC_DEFLATE: return deflate_block(level, src, len, out, err);
	case LL_AVRO_CODEC_SNAPPY: return snappy_block(src, len, out, err);
	case LL_AVRO_CODEC_NULL: break;
	}
	ll_buf_append(out, src, len);
	return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
}

static ll_status too_big(ll_error *err)
{
	return ll_error_set(err, LL_EFORMAT, "block inflates past %zu MiB, more than lakeload reads",
			    LL_AVRO_MAX_BLOCK_BYTES >> 20);
}

/* Runs inflate into out, growing it, until the stream ends. */
static ll_status inflate_into(z_stream *z, ll_buf *out, ll_error *err)
{
	for (;;) {
		if (out->len > LL_AVRO_MAX_BLOCK_BYTES)
			return too_big(err);
		if (out->cap - out->len < 2 &&
		    !ll_buf_reserve(out, out->len < 64 * 1024 ? 64 * 1024 : out->len))
			return ll_error_oom(err);
		/* one byte past the limit is enough to tell the block is too big */
		size_t room = out->cap - out->len - 1;
		if (room > LL_AVRO_MAX_BLOCK_BYTES + 1 - out->len)
			room = LL_AVRO_MAX_BLOCK_BYTES + 1 - out->len;
		z->next_out = (Bytef *)out->data + out->len;
		z->avail_out = (uInt)room;
		int rc = inflate(z, Z_NO_FLUSH);
		out->len += room - z->avail_out;
		if (rc == Z_STREAM_END)
			return out->len > LL_AVRO_MAX_BLOCK_BYTES ? too_big(err) : LL_OK;
		if (rc == Z_BUF_ERROR && z->avail_in == 0)
			return ll_error_set(err, LL_EFORMAT, "deflate data ends before its stream does");
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return ll_error_set(err, LL_EFORMAT, "corrupt deflate data (%s)",
					    z->msg ? z->msg : "zlib error");
	}
}

static ll_status inflate_block(const void *src, size_t len, ll_buf *out, ll_error *err)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		return ll_error_oom(err);
	z.next_in = (Bytef *)(uintptr_t)src;
	z.avail_in = (uInt)len;
	ll_status st = inflate_into(&z, out, err);
	inflateEnd(&z);
	if (st == LL_OK)
		out->data[out->len] = '\0';
	return st;
}

static ll_status unsnappy_block(const uint8_t *src, size_t len, ll_buf *out, ll_error *err)
{
	size_t n;
	if (len < 4)
		return ll_error_set(err, LL_EFORMAT, "snappy block is shorter than its checksum");
	len -= 4;
	if (snappy_uncompressed_length((const char *)src, len, &n) != SNAPPY_OK)
		return ll_error_set(err, LL_EFORMAT, "corrupt snappy data");
	if (n > LL_AVRO_MAX_BLOCK_BYTES)
		return too_big(err);
	if (!ll_buf_reserve(out, n))
		return ll_error_oom(err);
	if (snappy_uncompress((const char *)src, len, out->data, &n) != SNAPPY_OK)
		return ll_error_set(err, LL_EFORMAT, "corrupt snappy data");
	out->len = n;
	out->data[n] = '\0';
	uint32_t want = (uint32_t)src[len] << 24 | (uint32_t)src[len + 1] << 16 |
			(uint32_t)src[len + 2] << 8 | src[len + 3];
	if ((uint32_t)crc32(0L, (const Bytef *)out->data, (uInt)n) != want)
		return ll_error_set(err, LL_EFORMAT, "snappy block fails its CRC-32 check");
	return LL_OK;
}

ll_status ll_avro_decompress(ll_avro_codec codec, const void *src, size_t len, ll_buf *out,
			     ll_error *err)
{
	ll_buf_clear(out);
	if (len > UINT32_MAX)
		return ll_error_set(err, LL_EFORMAT, "a compressed block of %zu bytes is too large", len);
	if (codec == LL_AVRO_CODEC_SNAPPY)
		return unsnappy_block(src, len, out, err);
	return inflate_block(src, len, out, err);
}
