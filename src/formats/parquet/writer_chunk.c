/*
 * One column chunk out of the buffered values: an optional dictionary page,
 * then data pages (v1) cut at about options.page_bytes of uncompressed data,
 * each compressed with the file's codec and preceded by its Thrift header.
 *
 * A data page of an optional column starts with its definition levels
 * (RLE/bit-packed, bit width 1, behind a 4-byte little-endian length); a
 * required column has none. Values follow: RLE_DICTIONARY pages hold the
 * index bit width in one byte and the hybrid-encoded indices; without a
 * dictionary, byte arrays are DELTA_LENGTH_BYTE_ARRAY (writer_encoding.c
 * says why) and other values PLAIN, as buffered (booleans bit-packed here).
 * Pages always end on a row boundary; with flat columns every row is one
 * level.
 */
#include "formats/parquet/writer_internal.h"

#include <stdint.h>

#include "formats/parquet/codec.h"

/* Payloads of at least this size skip w->out, which then stays small: a copy of
 * every large page there would hold a page's worth of memory per writer. */
#define DIRECT_BYTES ((size_t)64 << 10)

/* Appends a page's payload after its header in w->out: large ones go straight to the file. */
static ll_status append_payload(ll_parquet_writer *w, const void *payload, size_t len,
				ll_error *err)
{
	if (len < DIRECT_BYTES) {
		ll_buf_append(&w->out, payload, len);
		return ll_pqw_drain(w, false, err);
	}
	ll_status st = ll_pqw_drain(w, true, err);
	return st == LL_OK ? ll_pqw_write(w, payload, len, err) : st;
}

/* Compresses and appends one page with its header; counts its sizes into m. */
static ll_status emit_page(ll_parquet_writer *w, ll_pqw_scratch *s, const ll_pqw_column *c,
			   int type, const void *body, size_t len, size_t num_values, int encoding,
			   ll_pqw_chunk_meta *m, ll_error *err)
{
	const void *payload = body;
	size_t plen = len;
	if (w->opt.codec != LL_CODEC_UNCOMPRESSED) {
		ll_buf_clear(&s->zpage);
		ll_status st = ll_codec_compress(w->opt.codec, w->opt.compression_level, body, len,
						 &s->zpage, err);
		if (st != LL_OK)
			return ll_error_prefix(err, "cannot compress a page of column %s", c->name);
		payload = s->zpage.data;
		plen = s->zpage.len;
	}
	if (len > INT32_MAX || plen > INT32_MAX || num_values > INT32_MAX)
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "a page of column %s holds %zu bytes, more than Parquet's 2 GiB "
				    "page limit; write smaller values",
				    c->name, len);
	ll_buf_clear(&s->header);
	ll_pqw_encode_page_header(&s->header, type, len, plen, num_values, encoding);
	ll_buf_append(&w->out, s->header.data, s->header.len);
	if (ll_buf_oom(&s->header))
		return ll_error_oom(err);
	m->total_uncompressed += (int64_t)(s->header.len + len);
	m->total_compressed += (int64_t)(s->header.len + plen);
	return append_payload(w, payload, plen, err);
}

static size_t count_levels(const uint8_t *def, size_t n)
{
	size_t ones = 0, i = 0;
	/* levels are 0 or 1, so a word's 8 bytes sum to at most 8: the multiply
	 * gathers that sum in its top byte */
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, def + i, 8);
		ones += (size_t)((x * 0x0101010101010101ULL) >> 56);
	}
	for (; i < n; i++)
		ones += def[i];
	return ones;
}

static uint32_t read_len(const uint8_t *p)
{
	uint32_t len;
	memcpy(&len, p, 4);
	return len;
}

/* Rows per page for values of a known encoded size (bits per value). */
static size_t rows_per_page(size_t page_bytes, size_t bits)
{
	size_t rows = page_bytes / bits * 8;
	if (rows < 1)
		rows = 1;
	return rows > INT32_MAX / 2 ? INT32_MAX / 2 : rows;
}

/* The row, value and byte position pages are cut at. */
typedef struct page_cut {
	size_t row, value, offset;
} page_cut;

/*
 * Where the page starting at `at` ends. Byte arrays without a dictionary are
 * cut at page_bytes of PLAIN data, their lengths read out into lens for the
 * encoder on the way.
 */
static page_cut next_cut(const ll_parquet_writer *w, const ll_pqw_column *c, size_t nrows,
			 page_cut at, size_t per_page, ll_buf *lens)
{
	const uint8_t *def = c->has_def ? c->def.data : NULL;
	page_cut end = at;
	if (c->kind == LL_PQW_BYTES && !c->use_dict) {
		/* every value takes at least its 4-byte length, so a page holds at most this many */
		size_t most = w->opt.page_bytes / 4 + 1;
		most = nrows - at.row < most ? nrows - at.row : most;
		ll_buf_clear(lens);
		if (!ll_buf_reserve(lens, most * sizeof(uint32_t)))
			return end;
		uint32_t *len = (uint32_t *)lens->data;
		size_t size = 0;
		while (end.row < nrows && size < w->opt.page_bytes) {
			if (!def || def[end.row]) {
				uint32_t l = read_len(c->values.data + end.offset);
				len[end.value - at.value] = l;
				end.offset += 4 + (size_t)l;
				size += 4 + (size_t)l;
				end.value++;
			}
			end.row++;
		}
		lens->len = (end.value - at.value) * sizeof(uint32_t);
		return end;
	}
	end.row = nrows - at.row > per_page ? at.row + per_page : nrows;
	end.value += def ? count_levels(def + at.row, end.row - at.row) : end.row - at.row;
	return end;
}

static void encode_levels(const ll_pqw_column *c, page_cut a, page_cut b, ll_buf *page)
{
	size_t start = page->len;
	uint32_t len = 0;
	ll_buf_append(page, &len, 4);
	if (c->has_def)
		ll_pqw_encode_levels(c->def.data + a.row, b.row - a.row, page);
	else
		ll_pqw_encode_run(1, b.row - a.row, 1, page);
	if (ll_buf_oom(page))
		return;
	len = (uint32_t)(page->len - start - 4);
	memcpy(page->data + start, &len, 4);
}

/* bit_width > 0: the chunk is dictionary encoded with indices of that width. lens: as
 * next_cut left it. */
static void encode_values(const ll_pqw_column *c, page_cut a, page_cut b, int bit_width,
			  const ll_buf *lens, ll_buf *page)
{
	size_t n = b.value - a.value;
	if (bit_width > 0) {
		ll_buf_putc(page, (char)bit_width);
		ll_pqw_encode_indices((const uint32_t *)c->values.data + a.value, n, bit_width, page);
	} else if (c->kind == LL_PQW_BOOL) {
		ll_pqw_encode_bools(c->values.data + a.value, n, page);
	} else if (c->kind == LL_PQW_BYTES) {
		ll_pqw_encode_delta_length((const uint8_t *)c->values.data + a.offset,
					   b.offset - a.offset, (const uint32_t *)lens->data, n, page);
	} else {
		ll_buf_append(page, c->values.data + a.value * c->width, n * c->width);
	}
}

ll_status ll_pqw_chunk_write(ll_parquet_writer *w, ll_pqw_scratch *s, ll_pqw_column *c,
			     size_t rows, ll_pqw_chunk_meta *m, ll_error *err)
{
	memset(m, 0, sizeof(*m));
	m->dict_page_offset = -1;
	m->num_values = (int64_t)rows;
	ll_pqw_stats_compute(c, m);
	int bit_width = 0;
	size_t bits = c->kind == LL_PQW_BOOL ? 1 : 8 * (size_t)c->width;
	if (c->use_dict && c->dict.count > 0) {
		m->used_dict = true;
		m->dict_page_offset = (int64_t)ll_pqw_offset(w);
		ll_status st = emit_page(w, s, c, LL_PQW_PAGE_DICTIONARY, c->dict.values.data,
					 c->dict.values.len, c->dict.count, LL_PQW_ENC_PLAIN, m, err);
		if (st != LL_OK)
			return st;
		/* a one-entry dictionary still gets width 1: some readers refuse width 0 */
		bit_width = ll_pqw_bit_width(c->dict.count - 1);
		bit_width = bit_width ? bit_width : 1;
		bits = (size_t)bit_width;
	}
	m->data_page_offset = (int64_t)ll_pqw_offset(w);
	size_t per_page = rows_per_page(w->opt.page_bytes, bits ? bits : 1);
	int encoding = ll_pqw_chunk_encoding(c, m);
	page_cut at = { 0, 0, 0 };
	while (at.row < rows) {
		page_cut end = next_cut(w, c, rows, at, per_page, &s->lens);
		if (ll_buf_oom(&s->lens))
			return ll_error_oom(err);
		ll_buf_clear(&s->page);
		if (c->nullable)
			encode_levels(c, at, end, &s->page);
		encode_values(c, at, end, bit_width, &s->lens, &s->page);
		if (ll_buf_oom(&s->page))
			return ll_error_oom(err);
		ll_status st = emit_page(w, s, c, LL_PQW_PAGE_DATA, s->page.data, s->page.len,
					 end.row - at.row, encoding, m, err);
		if (st != LL_OK)
			return st;
		at = end;
	}
	return LL_OK;
}
