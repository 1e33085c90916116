/*
 * One column chunk: its bytes, read in one range request, walked page by
 * page.
 *
 * The chunk starts at its dictionary page (when there is one) or its first
 * data page and spans total_compressed_size bytes, which must lie between
 * the magic number and the footer. Each page is a Thrift PageHeader and
 * compressed_page_size bytes; a dictionary page may only come first, index
 * pages and page types this reader does not know are skipped. Pages are
 * decompressed into one reused buffer (v2 pages keep their levels
 * uncompressed in front of the values and may not be compressed at all);
 * the dictionary keeps its own buffer for the whole chunk. The chunk's
 * num_values bounds the entries of all its pages together, so a page header
 * cannot make the reader produce more than the footer promised.
 */
#include "formats/parquet/reader_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/parquet/codec.h"
#include "formats/parquet/thrift_decode.h"

typedef struct page_header {
	int32_t type, uncompressed, compressed;
	bool has_data, has_dict, has_v2;
	int32_t num_values, encoding, def_encoding, rep_encoding;
	int32_t def_len, rep_len;
	bool is_compressed;
} page_header;

ll_status ll_pqr_column_fail(const ll_pqr_column *c, ll_error *err, const char *fmt, ...)
{
	char what[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ll_pqr_fail(c->r, err, "column '%s' in row group %zu: %s", c->leaf->path, c->rg, what);
}

void ll_pqr_column_init(ll_pqr_column *c, const ll_parquet_reader *r)
{
	memset(c, 0, sizeof(*c));
	c->r = r;
}

static void release_chunk(ll_pqr_column *c)
{
	free(c->chunk);
	free(c->dict_buf);
	free(c->dict);
	c->chunk = c->dict_buf = NULL;
	c->dict = NULL;
	c->ndict = 0;
	c->has_dict = c->seen_data = false;
	c->n = c->at = c->nvals = c->vat = 0;
	c->page_left = 0;
}

void ll_pqr_column_free(ll_pqr_column *c)
{
	release_chunk(c);
	free(c->page);
	ll_buf_free(&c->vals.prev);
	ll_buf_free(&c->vals.scratch);
	memset(c, 0, sizeof(*c));
}

static bool codec_of(int id, ll_parquet_codec *out)
{
	switch (id) {
	case 0: *out = LL_CODEC_UNCOMPRESSED; return true;
	case 1: *out = LL_CODEC_SNAPPY; return true;
	case 2: *out = LL_CODEC_GZIP; return true;
	case 6: *out = LL_CODEC_ZSTD; return true;
	default: return false;
	}
}

static const char *codec_label(int id)
{
	static const char *const names[] = { "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
					     "BROTLI", "LZ4", "ZSTD", "LZ4_RAW" };
	return id >= 0 && id < 8 ? names[id] : "an unknown codec";
}

/* Checks the chunk's metadata and finds its byte range. */
static ll_status chunk_range(ll_pqr_column *c, const ll_pqr_chunk *k, uint64_t *start,
			     uint64_t *len, ll_error *err)
{
	ll_parquet_codec codec;
	if (k->external)
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "column '%s' in row group %zu is stored in another file", c->leaf->path,
				    c->rg);
	if (!k->has_meta)
		return ll_pqr_column_fail(c, err, "the column chunk has no metadata (is the file encrypted?)");
	if (k->physical != c->leaf->physical)
		return ll_pqr_column_fail(c, err, "the column chunk's type differs from the schema's");
	if (!codec_of(k->codec, &codec))
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "column '%s' is compressed with %s, which lakeload does not read",
				    c->leaf->path, codec_label(k->codec));
	c->codec = (int)codec;
	int64_t first = k->data_page_offset;
	/* 0 is where the magic number is: some writers put it there to mean "no dictionary" */
	if (k->dict_page_offset > 0 && k->dict_page_offset < first)
		first = k->dict_page_offset;
	if (k->num_values < 0)
		return ll_pqr_column_fail(c, err, "the column chunk has a negative value count");
	uint64_t end = c->r->data_end;
	if (first < 4 || k->total_compressed < 0 || (uint64_t)first > end ||
	    (uint64_t)k->total_compressed > end - (uint64_t)first)
		return ll_pqr_column_fail(c, err, "the column chunk extends past the end of the file");
	*start = (uint64_t)first;
	*len = (uint64_t)k->total_compressed;
	return LL_OK;
}

ll_status ll_pqr_column_load(ll_pqr_column *c, size_t leaf, size_t rg, ll_error *err)
{
	const ll_parquet_reader *r = c->r;
	const ll_pqr_chunk *k = &r->groups[rg].chunks[leaf];
	uint64_t start = 0, len = 0;
	release_chunk(c);
	c->leaf = &r->leaves[leaf];
	c->rg = rg;
	ll_status st = chunk_range(c, k, &start, &len, err);
	if (st != LL_OK)
		return st;
	c->chunk = malloc(len ? (size_t)len : 1);
	if (!c->chunk)
		return ll_error_oom(err);
	if (len && (st = r->src.read_at(r->src.ctx, start, c->chunk, (size_t)len, err)) != LL_OK)
		return st;
	c->chunk_len = (size_t)len;
	c->pos = 0;
	c->values_left = (uint64_t)k->num_values;
	return LL_OK;
}

/* ---- page headers ---- */

static void parse_data_header(ll_thrift_decoder *d, ll_thrift_wire type, page_header *h)
{
	int16_t id;
	ll_thrift_wire t;
	if (!ll_thrift_decode_struct_begin(d, type))
		return;
	h->has_data = true;
	while (ll_thrift_decode_field(d, &id, &t)) {
		switch (id) {
		case 1: ll_thrift_decode_i32(d, t, &h->num_values); break;
		case 2: ll_thrift_decode_i32(d, t, &h->encoding); break;
		case 3: ll_thrift_decode_i32(d, t, &h->def_encoding); break;
		case 4: ll_thrift_decode_i32(d, t, &h->rep_encoding); break;
		default: ll_thrift_skip(d, t); break;
		}
	}
}

static void parse_dict_header(ll_thrift_decoder *d, ll_thrift_wire type, page_header *h)
{
	int16_t id;
	ll_thrift_wire t;
	if (!ll_thrift_decode_struct_begin(d, type))
		return;
	h->has_dict = true;
	while (ll_thrift_decode_field(d, &id, &t)) {
		if (id == 1)
			ll_thrift_decode_i32(d, t, &h->num_values);
		else if (id == 2)
			ll_thrift_decode_i32(d, t, &h->encoding);
		else
			ll_thrift_skip(d, t);
	}
}

static void parse_v2_header(ll_thrift_decoder *d, ll_thrift_wire type, page_header *h)
{
	int16_t id;
	ll_thrift_wire t;
	if (!ll_thrift_decode_struct_begin(d, type))
		return;
	h->has_v2 = true;
	while (ll_thrift_decode_field(d, &id, &t)) {
		switch (id) {
		case 1: ll_thrift_decode_i32(d, t, &h->num_values); break;
		case 4: ll_thrift_decode_i32(d, t, &h->encoding); break;
		case 5: ll_thrift_decode_i32(d, t, &h->def_len); break;
		case 6: ll_thrift_decode_i32(d, t, &h->rep_len); break;
		case 7: ll_thrift_decode_bool(d, t, &h->is_compressed); break;
		default: ll_thrift_skip(d, t); break;
		}
	}
}

static ll_status read_page_header(ll_pqr_column *c, page_header *h, ll_error *err)
{
	ll_thrift_decoder d;
	int16_t id;
	ll_thrift_wire t;
	memset(h, 0, sizeof(*h));
	h->type = -1;
	h->uncompressed = h->compressed = -1;
	h->is_compressed = true;
	ll_thrift_decoder_init(&d, c->chunk + c->pos, c->chunk_len - c->pos);
	while (ll_thrift_decode_field(&d, &id, &t)) {
		switch (id) {
		case 1: ll_thrift_decode_i32(&d, t, &h->type); break;
		case 2: ll_thrift_decode_i32(&d, t, &h->uncompressed); break;
		case 3: ll_thrift_decode_i32(&d, t, &h->compressed); break;
		case 5: parse_data_header(&d, t, h); break;
		case 7: parse_dict_header(&d, t, h); break;
		case 8: parse_v2_header(&d, t, h); break;
		default: ll_thrift_skip(&d, t); break;
		}
	}
	if (ll_thrift_decoder_failed(&d))
		return ll_pqr_column_fail(c, err, "corrupt page header at byte %zu of the chunk: %s",
					  c->pos, d.error);
	c->pos += ll_thrift_decoder_offset(&d);
	if (h->compressed < 0 || h->uncompressed < 0 || (size_t)h->compressed > c->chunk_len - c->pos)
		return ll_pqr_column_fail(c, err, "a page extends past the end of its column chunk");
	if ((size_t)h->uncompressed > LL_PQR_MAX_ALLOC)
		return ll_pqr_column_fail(c, err, "a page claims %d bytes, more than lakeload reads",
					  h->uncompressed);
	return LL_OK;
}

/* ---- page bodies ---- */

/* Decompresses len bytes at src into *dst (the page buffer, or dict's own). */
static ll_status inflate(ll_pqr_column *c, const uint8_t *src, size_t len, size_t ulen,
			 uint8_t **buf, size_t *cap, const uint8_t **out, ll_error *err)
{
	if (c->codec == LL_CODEC_UNCOMPRESSED) {
		if (len != ulen)
			return ll_pqr_column_fail(c, err, "uncompressed page has %zu bytes, its header says %zu",
						  len, ulen);
		*out = src;
		return LL_OK;
	}
	if (ulen > *cap || !*buf) {
		uint8_t *p = realloc(*buf, ulen ? ulen : 1);
		if (!p)
			return ll_error_oom(err);
		*buf = p;
		*cap = ulen;
	}
	ll_status st = ll_codec_decompress((ll_parquet_codec)c->codec, src, len, *buf, ulen, err);
	if (st != LL_OK) {
		char why[sizeof(err->message)];
		snprintf(why, sizeof(why), "%s", err ? err->message : "corrupt compressed page");
		return ll_pqr_column_fail(c, err, "%s", why);
	}
	*out = *buf;
	return LL_OK;
}

static ll_status dictionary_page(ll_pqr_column *c, const page_header *h, const uint8_t *body,
				 ll_error *err)
{
	const uint8_t *data;
	size_t cap = 0;
	if (c->has_dict || c->seen_data)
		return ll_pqr_column_fail(c, err, "a dictionary page follows other pages");
	if (!h->has_dict || h->num_values < 0)
		return ll_pqr_column_fail(c, err, "a dictionary page has no valid header");
	if (h->encoding != LL_PQR_ENC_PLAIN && h->encoding != LL_PQR_ENC_PLAIN_DICTIONARY)
		return ll_pqr_column_fail(c, err, "a dictionary page uses encoding %d, not PLAIN",
					  h->encoding);
	ll_status st = inflate(c, body, (size_t)h->compressed, (size_t)h->uncompressed, &c->dict_buf,
			       &cap, &data, err);
	if (st != LL_OK)
		return st;
	return ll_pqr_page_dictionary(c, data, (size_t)h->uncompressed, (size_t)h->num_values, err);
}

static ll_status check_entries(ll_pqr_column *c, int32_t n, ll_error *err)
{
	if (n < 0 || (uint64_t)n > c->values_left)
		return ll_pqr_column_fail(c, err, "a page holds more values than its column chunk declares");
	c->values_left -= (uint64_t)n;
	c->page_left = (uint64_t)n;
	c->seen_data = true;
	return LL_OK;
}

static ll_status data_page_v1(ll_pqr_column *c, const page_header *h, const uint8_t *body,
			      ll_error *err)
{
	const uint8_t *data;
	if (!h->has_data)
		return ll_pqr_column_fail(c, err, "a data page has no data page header");
	ll_status st = inflate(c, body, (size_t)h->compressed, (size_t)h->uncompressed, &c->page,
			       &c->page_cap, &data, err);
	if (st == LL_OK)
		st = check_entries(c, h->num_values, err);
	if (st != LL_OK)
		return st;
	return ll_pqr_page_begin_v1(c, data, (size_t)h->uncompressed, (uint64_t)h->num_values,
				    h->encoding, h->rep_encoding, h->def_encoding, err);
}

static ll_status data_page_v2(ll_pqr_column *c, const page_header *h, const uint8_t *body,
			      ll_error *err)
{
	if (!h->has_v2)
		return ll_pqr_column_fail(c, err, "a v2 data page has no v2 header");
	if (h->rep_len < 0 || h->def_len < 0 ||
	    (int64_t)h->rep_len + h->def_len > (int64_t)h->compressed ||
	    (int64_t)h->rep_len + h->def_len > (int64_t)h->uncompressed)
		return ll_pqr_column_fail(c, err, "a v2 page's levels are longer than the page");
	size_t levels = (size_t)h->rep_len + (size_t)h->def_len;
	size_t clen = (size_t)h->compressed - levels, ulen = (size_t)h->uncompressed - levels;
	const uint8_t *values = body + levels;
	ll_status st = LL_OK;
	if (h->is_compressed)
		st = inflate(c, values, clen, ulen, &c->page, &c->page_cap, &values, err);
	else if (clen != ulen)
		st = ll_pqr_column_fail(c, err, "an uncompressed v2 page's sizes disagree");
	if (st == LL_OK)
		st = check_entries(c, h->num_values, err);
	if (st != LL_OK)
		return st;
	return ll_pqr_page_begin_v2(c, body, (size_t)h->rep_len, (size_t)h->def_len, values, ulen,
				    h->encoding, err);
}

/* Reads the next page; a data page sets c->page_left. */
static ll_status next_page(ll_pqr_column *c, ll_error *err)
{
	page_header h;
	ll_status st = read_page_header(c, &h, err);
	if (st != LL_OK)
		return st;
	const uint8_t *body = c->chunk + c->pos;
	c->pos += (size_t)h.compressed;
	switch (h.type) {
	case LL_PQR_PAGE_DICTIONARY: return dictionary_page(c, &h, body, err);
	case LL_PQR_PAGE_DATA: return data_page_v1(c, &h, body, err);
	case LL_PQR_PAGE_DATA_V2: return data_page_v2(c, &h, body, err);
	default: return LL_OK; /* index pages and newer page types carry no values */
	}
}

ll_status ll_pqr_column_fill(ll_pqr_column *c, bool *more, ll_error *err)
{
	if (c->at < c->n) {
		*more = true;
		return LL_OK;
	}
	while (c->page_left == 0) {
		if (c->values_left == 0 || c->pos >= c->chunk_len) {
			*more = false;
			return LL_OK;
		}
		ll_status st = next_page(c, err);
		if (st != LL_OK)
			return st;
	}
	size_t n = c->page_left < LL_PQR_WINDOW ? (size_t)c->page_left : LL_PQR_WINDOW;
	ll_status st = ll_pqr_page_window(c, n, err);
	if (st != LL_OK)
		return st;
	c->page_left -= n;
	*more = true;
	return LL_OK;
}
