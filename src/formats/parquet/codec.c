/*
 * Parquet page codecs over the system libraries (snappy, zlib, zstd). gzip
 * means the gzip container (RFC 1952), as the Parquet spec requires; on read
 * zlib's automatic header detection also accepts raw zlib streams, which some
 * writers produce.
 */
#include "formats/parquet/codec.h"

#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

const char *ll_codec_name(ll_parquet_codec codec)
{
	switch (codec) {
	case LL_CODEC_UNCOMPRESSED: return "uncompressed";
	case LL_CODEC_SNAPPY: return "snappy";
	case LL_CODEC_GZIP: return "gzip";
	case LL_CODEC_ZSTD: return "zstd";
	}
	return "unknown";
}

bool ll_parquet_codec_parse(const char *name, ll_parquet_codec *out)
{
	static const struct { const char *name; ll_parquet_codec codec; } names[] = {
		{ "snappy", LL_CODEC_SNAPPY }, { "zstd", LL_CODEC_ZSTD },
		{ "gzip", LL_CODEC_GZIP },     { "none", LL_CODEC_UNCOMPRESSED },
		{ "uncompressed", LL_CODEC_UNCOMPRESSED },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].codec;
			return true;
		}
	}
	return false;
}

static ll_status gzip_compress(int level, const void *src, size_t len, ll_buf *out, ll_error *err)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level ? level : 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return ll_error_oom(err);
	size_t bound = deflateBound(&zs, (uLong)len);
	if (!ll_buf_reserve(out, bound)) {
		deflateEnd(&zs);
		return ll_error_oom(err);
	}
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out->data + out->len;
	zs.avail_out = (uInt)bound;
	int rc = deflate(&zs, Z_FINISH);
	size_t produced = bound - zs.avail_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END)
		return ll_error_set(err, LL_EIO, "gzip compression failed (%d)", rc);
	out->len += produced;
	out->data[out->len] = '\0';
	return LL_OK;
}

static ll_status gzip_decompress(const void *src, size_t len, void *dst, size_t dst_len, ll_error *err)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		return ll_error_oom(err);
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	zs.next_out = dst;
	zs.avail_out = (uInt)dst_len;
	int rc = inflate(&zs, Z_FINISH);
	size_t produced = dst_len - zs.avail_out;
	inflateEnd(&zs);
	if (rc != Z_STREAM_END || produced != dst_len)
		return ll_error_set(err, LL_EFORMAT,
				    "gzip page does not decompress to its stated %zu bytes", dst_len);
	return LL_OK;
}

ll_status ll_codec_compress(ll_parquet_codec codec, int level, const void *src, size_t len,
			    ll_buf *out, ll_error *err)
{
	switch (codec) {
	case LL_CODEC_UNCOMPRESSED:
		ll_buf_append(out, src, len);
		return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
	case LL_CODEC_SNAPPY: {
		size_t cap = snappy_max_compressed_length(len);
		if (!ll_buf_reserve(out, cap))
			return ll_error_oom(err);
		if (snappy_compress(src, len, out->data + out->len, &cap) != SNAPPY_OK)
			return ll_error_set(err, LL_EIO, "snappy compression failed");
		out->len += cap;
		out->data[out->len] = '\0';
		return LL_OK;
	}
	case LL_CODEC_GZIP:
		return gzip_compress(level, src, len, out, err);
	case LL_CODEC_ZSTD: {
		size_t cap = ZSTD_compressBound(len);
		if (!ll_buf_reserve(out, cap))
			return ll_error_oom(err);
		size_t n = ZSTD_compress(out->data + out->len, cap, src, len, level ? level : 3);
		if (ZSTD_isError(n))
			return ll_error_set(err, LL_EIO, "zstd compression failed: %s", ZSTD_getErrorName(n));
		out->len += n;
		out->data[out->len] = '\0';
		return LL_OK;
	}
	}
	return ll_error_set(err, LL_EUNSUPPORTED, "unknown codec %d", (int)codec);
}

ll_status ll_codec_decompress(ll_parquet_codec codec, const void *src, size_t len, void *dst,
			      size_t dst_len, ll_error *err)
{
	switch (codec) {
	case LL_CODEC_UNCOMPRESSED:
		if (len != dst_len)
			return ll_error_set(err, LL_EFORMAT,
					    "uncompressed page has %zu bytes, header says %zu", len, dst_len);
		memcpy(dst, src, len);
		return LL_OK;
	case LL_CODEC_SNAPPY: {
		size_t n;
		if (snappy_uncompressed_length(src, len, &n) != SNAPPY_OK || n != dst_len)
			return ll_error_set(err, LL_EFORMAT,
					    "snappy page does not decompress to its stated %zu bytes", dst_len);
		if (snappy_uncompress(src, len, dst, &n) != SNAPPY_OK)
			return ll_error_set(err, LL_EFORMAT, "corrupt snappy page");
		return LL_OK;
	}
	case LL_CODEC_GZIP:
		return gzip_decompress(src, len, dst, dst_len, err);
	case LL_CODEC_ZSTD: {
		size_t n = ZSTD_decompress(dst, dst_len, src, len);
		if (ZSTD_isError(n) || n != dst_len)
			return ll_error_set(err, LL_EFORMAT,
					    "zstd page does not decompress to its stated %zu bytes", dst_len);
		return LL_OK;
	}
	}
	return ll_error_set(err, LL_EUNSUPPORTED, "unknown codec %d", (int)codec);
}
