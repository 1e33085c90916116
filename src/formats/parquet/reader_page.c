/*
 * The body of one data page: its levels and values, decoded a window of at
 * most LL_PQR_WINDOW entries at a time into the column's window arrays.
 *
 * A window first decodes the entries' repetition and definition levels
 * (rejecting levels above the leaf's maxima, which would make the value
 * count disagree with the levels), counts the entries whose definition
 * level is the maximum (those carry a value) and then decodes exactly that
 * many values with the page's encoding:
 *
 *   PLAIN                   all types
 *   PLAIN/RLE_DICTIONARY    indices into the dictionary page's values
 *   RLE                     booleans
 *   DELTA_BINARY_PACKED     INT32, INT64
 *   DELTA_LENGTH_BYTE_ARRAY BYTE_ARRAY
 *   DELTA_BYTE_ARRAY        BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
 *   BYTE_STREAM_SPLIT       FLOAT, DOUBLE, INT32, INT64, FIXED_LEN_BYTE_ARRAY
 *
 * Byte array values point into the page (or the dictionary); values that
 * DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT have to reassemble live in the
 * decoder's scratch buffer until the next window.
 */
#include "formats/parquet/reader_internal.h"

#include <stdlib.h>

/* ---- levels ---- */

static ll_status levels_v1(ll_pqr_column *c, const uint8_t **p, const uint8_t *end, uint64_t n,
			   int encoding, uint8_t max, ll_pqr_rle *out, ll_error *err)
{
	int width = ll_pqr_bit_width(max);
	size_t avail = (size_t)(end - *p);
	if (max == 0) {
		ll_pqr_rle_init(out, *p, 0, 0);
		return LL_OK;
	}
	if (encoding == LL_PQR_ENC_RLE) {
		if (avail < 4 || ll_pqr_le32(*p) > avail - 4)
			return ll_pqr_column_fail(c, err, "level data is longer than its page");
		size_t len = ll_pqr_le32(*p);
		ll_pqr_rle_init(out, *p + 4, len, width);
		*p += 4 + len;
		return LL_OK;
	}
	if (encoding == LL_PQR_ENC_BIT_PACKED) {
		uint64_t bytes = (n * (uint64_t)width + 7) / 8;
		if (bytes > avail)
			return ll_pqr_column_fail(c, err, "bit-packed levels are longer than their page");
		ll_pqr_rle_init_msb(out, *p, (size_t)bytes, width, n);
		*p += bytes;
		return LL_OK;
	}
	return ll_pqr_column_fail(c, err, "levels use encoding %d, which is not a level encoding",
				  encoding);
}

/* ---- value decoders' setup ---- */

static size_t fixed_width(const ll_pqr_leaf *l)
{
	switch (l->physical) {
	case LL_PQR_INT32:
	case LL_PQR_FLOAT: return 4;
	case LL_PQR_INT64:
	case LL_PQR_DOUBLE: return 8;
	case LL_PQR_INT96:
	case LL_PQR_FIXED: return (size_t)l->type_length;
	default: return 0;
	}
}

static bool encoding_fits(int encoding, int physical)
{
	switch (encoding) {
	case LL_PQR_ENC_PLAIN:
	case LL_PQR_ENC_PLAIN_DICTIONARY:
	case LL_PQR_ENC_RLE_DICTIONARY: return true;
	case LL_PQR_ENC_RLE: return physical == LL_PQR_BOOLEAN;
	case LL_PQR_ENC_DELTA_BINARY_PACKED:
		return physical == LL_PQR_INT32 || physical == LL_PQR_INT64;
	case LL_PQR_ENC_DELTA_LENGTH_BYTE_ARRAY: return physical == LL_PQR_BYTE_ARRAY;
	case LL_PQR_ENC_DELTA_BYTE_ARRAY:
		return physical == LL_PQR_BYTE_ARRAY || physical == LL_PQR_FIXED;
	case LL_PQR_ENC_BYTE_STREAM_SPLIT:
		return physical != LL_PQR_BOOLEAN && physical != LL_PQR_BYTE_ARRAY &&
		       physical != LL_PQR_INT96;
	default: return false;
	}
}

/* Sets up the byte array deltas: lengths (and prefixes) first, then the bytes. */
static const char *deltas_begin(ll_pqr_values *v, bool prefixes)
{
	const uint8_t *at = v->p;
	const char *e;
	if (prefixes) {
		if ((e = ll_pqr_delta_init(&v->prefix, at, (size_t)(v->end - at), false)) ||
		    (e = ll_pqr_delta_end(&v->prefix, &at)))
			return e;
	}
	if ((e = ll_pqr_delta_init(&v->delta, at, (size_t)(v->end - at), false)) ||
	    (e = ll_pqr_delta_end(&v->delta, &at)))
		return e;
	if (prefixes && v->prefix.total != v->delta.total)
		return "DELTA_BYTE_ARRAY has different numbers of prefixes and suffixes";
	v->p = at;
	v->prev.len = 0;
	return NULL;
}

static const char *dictionary_begin(ll_pqr_column *c)
{
	ll_pqr_values *v = &c->vals;
	int width = 0;
	if (!c->has_dict)
		return "dictionary-encoded page without a dictionary page";
	/* a page of nulls only may leave out even the bit width */
	if (v->p < v->end)
		width = *v->p++;
	if (width > 32)
		return "dictionary index bit width is larger than 32";
	ll_pqr_rle_init(&v->rle, v->p, (size_t)(v->end - v->p), width);
	return NULL;
}

static const char *values_begin(ll_pqr_column *c, int encoding, const uint8_t *data, size_t len)
{
	ll_pqr_values *v = &c->vals;
	const ll_pqr_leaf *l = c->leaf;
	v->encoding = encoding;
	v->p = data;
	v->end = data + len;
	v->bit = 0;
	if (!encoding_fits(encoding, l->physical))
		return "the page's value encoding does not apply to the column's type";
	switch (encoding) {
	case LL_PQR_ENC_PLAIN_DICTIONARY:
	case LL_PQR_ENC_RLE_DICTIONARY: return dictionary_begin(c);
	case LL_PQR_ENC_RLE:
		if (len < 4)
			return "RLE boolean data has no length";
		/*
		 * Some writers (hyparquet-writer) put the value count where the
		 * byte length belongs; the page bounds the stream either way.
		 */
		ll_pqr_rle_init(&v->rle, data + 4, len - 4 < ll_pqr_le32(data) ? len - 4 : ll_pqr_le32(data), 1);
		return NULL;
	case LL_PQR_ENC_DELTA_BINARY_PACKED:
		return ll_pqr_delta_init(&v->delta, data, len, l->physical == LL_PQR_INT32);
	case LL_PQR_ENC_DELTA_LENGTH_BYTE_ARRAY: return deltas_begin(v, false);
	case LL_PQR_ENC_DELTA_BYTE_ARRAY: return deltas_begin(v, true);
	case LL_PQR_ENC_BYTE_STREAM_SPLIT:
		if (len % fixed_width(l) != 0)
			return "BYTE_STREAM_SPLIT data is not a whole number of values";
		v->split_n = len / fixed_width(l);
		v->split_i = 0;
		return NULL;
	default: return NULL;
	}
}

ll_status ll_pqr_page_begin_v1(ll_pqr_column *c, const uint8_t *data, size_t len, uint64_t n,
			       int encoding, int rep_encoding, int def_encoding, ll_error *err)
{
	const uint8_t *p = data, *end = data + len;
	ll_status st = levels_v1(c, &p, end, n, rep_encoding, c->leaf->max_rep, &c->rep, err);
	if (st == LL_OK)
		st = levels_v1(c, &p, end, n, def_encoding, c->leaf->max_def, &c->def, err);
	if (st != LL_OK)
		return st;
	const char *e = values_begin(c, encoding, p, (size_t)(end - p));
	return e ? ll_pqr_column_fail(c, err, "%s", e) : LL_OK;
}

ll_status ll_pqr_page_begin_v2(ll_pqr_column *c, const uint8_t *levels, size_t rep_len,
			       size_t def_len, const uint8_t *values, size_t len, int encoding,
			       ll_error *err)
{
	const ll_pqr_leaf *l = c->leaf;
	ll_pqr_rle_init(&c->rep, levels, rep_len, ll_pqr_bit_width(l->max_rep));
	ll_pqr_rle_init(&c->def, levels + rep_len, def_len, ll_pqr_bit_width(l->max_def));
	const char *e = values_begin(c, encoding, values, len);
	return e ? ll_pqr_column_fail(c, err, "%s", e) : LL_OK;
}

/* ---- PLAIN ---- */

static const char *plain_bytes(ll_pqr_values *v, ll_pqr_value *out, size_t m)
{
	for (size_t i = 0; i < m; i++) {
		if (v->end - v->p < 4)
			return "PLAIN byte array length is truncated";
		uint32_t len = ll_pqr_le32(v->p);
		if (len > (size_t)(v->end - v->p) - 4)
			return "PLAIN byte array is longer than its page";
		out[i].s = v->p + 4;
		out[i].len = len;
		v->p += 4 + (size_t)len;
	}
	return NULL;
}

static const char *plain_booleans(ll_pqr_values *v, ll_pqr_value *out, size_t m)
{
	if (v->bit + m > (uint64_t)(v->end - v->p) * 8)
		return "PLAIN booleans end before the page's values";
	for (size_t i = 0; i < m; i++, v->bit++)
		out[i].u.i = (v->p[v->bit >> 3] >> (v->bit & 7)) & 1;
	return NULL;
}

/* Decodes m PLAIN values into out, which is zeroed; also used for dictionary pages. */
static const char *plain_values(const ll_pqr_leaf *l, ll_pqr_values *v, ll_pqr_value *out, size_t m)
{
	if (l->physical == LL_PQR_BOOLEAN)
		return plain_booleans(v, out, m);
	if (l->physical == LL_PQR_BYTE_ARRAY)
		return plain_bytes(v, out, m);
	size_t w = fixed_width(l);
	if ((size_t)(v->end - v->p) / w < m)
		return "PLAIN values end before the page's values";
	/* integers, the common key columns, without a call per value (out is zeroed) */
	if (l->physical == LL_PQR_INT64) {
		for (size_t i = 0; i < m; i++, v->p += 8)
			out[i].u.i = (int64_t)ll_pqr_le64(v->p);
		return NULL;
	}
	if (l->physical == LL_PQR_INT32) {
		for (size_t i = 0; i < m; i++, v->p += 4)
			out[i].u.i = (int32_t)ll_pqr_le32(v->p);
		return NULL;
	}
	for (size_t i = 0; i < m; i++, v->p += w)
		ll_pqr_plain_single(l, v->p, w, &out[i]);
	return NULL;
}

/* ---- the other encodings ---- */

static const char *dictionary_values(ll_pqr_column *c, ll_pqr_value *out, size_t m)
{
	const char *e = ll_pqr_rle_next(&c->vals.rle, c->scratch, m);
	if (e)
		return e;
	for (size_t i = 0; i < m; i++) {
		if (c->scratch[i] >= c->ndict)
			return "dictionary index out of range";
		out[i] = c->dict[c->scratch[i]];
	}
	return NULL;
}

static const char *rle_booleans(ll_pqr_column *c, ll_pqr_value *out, size_t m)
{
	const char *e = ll_pqr_rle_next(&c->vals.rle, c->scratch, m);
	for (size_t i = 0; !e && i < m; i++)
		out[i].u.i = c->scratch[i];
	return e;
}

static const char *delta_integers(ll_pqr_values *v, ll_pqr_value *out, size_t m)
{
	int64_t tmp[LL_PQR_WINDOW];
	const char *e = ll_pqr_delta_next(&v->delta, tmp, m);
	for (size_t i = 0; !e && i < m; i++)
		out[i].u.i = tmp[i];
	return e;
}

static const char *delta_length_bytes(ll_pqr_values *v, ll_pqr_value *out, size_t m)
{
	int64_t len[LL_PQR_WINDOW];
	const char *e = ll_pqr_delta_next(&v->delta, len, m);
	for (size_t i = 0; !e && i < m; i++) {
		if (len[i] < 0 || (uint64_t)len[i] > (uint64_t)(v->end - v->p))
			return "DELTA_LENGTH_BYTE_ARRAY length is out of range";
		out[i].s = v->p;
		out[i].len = (size_t)len[i];
		v->p += len[i];
	}
	return e;
}

/* Each value is the previous one's first prefix[i] bytes and then its own suffix. */
static const char *delta_bytes(const ll_pqr_leaf *l, ll_pqr_values *v, ll_pqr_value *out, size_t m)
{
	int64_t prefix[LL_PQR_WINDOW], suffix[LL_PQR_WINDOW];
	size_t off[LL_PQR_WINDOW]; /* in scratch, which may move while it grows */
	const char *e;
	if ((e = ll_pqr_delta_next(&v->prefix, prefix, m)) ||
	    (e = ll_pqr_delta_next(&v->delta, suffix, m)))
		return e;
	ll_buf_clear(&v->scratch);
	for (size_t i = 0; i < m; i++) {
		if (prefix[i] < 0 || (uint64_t)prefix[i] > v->prev.len || suffix[i] < 0 ||
		    (uint64_t)suffix[i] > (uint64_t)(v->end - v->p))
			return "DELTA_BYTE_ARRAY prefix or suffix length is out of range";
		v->prev.len = (size_t)prefix[i];
		ll_buf_append(&v->prev, v->p, (size_t)suffix[i]);
		v->p += suffix[i];
		if (l->physical == LL_PQR_FIXED && v->prev.len != (size_t)l->type_length)
			return "DELTA_BYTE_ARRAY value does not have the column's fixed length";
		out[i].len = v->prev.len;
		off[i] = v->scratch.len;
		ll_buf_append(&v->scratch, v->prev.data, v->prev.len);
		if (ll_buf_oom(&v->prev) || ll_buf_oom(&v->scratch) || v->scratch.len > LL_PQR_MAX_ALLOC)
			return "DELTA_BYTE_ARRAY values do not fit in memory";
	}
	for (size_t i = 0; i < m; i++)
		out[i].s = (const uint8_t *)v->scratch.data + off[i];
	return NULL;
}

/* Byte k of value i is at k * n + i: the streams of each byte position follow each other. */
static const char *split_values(const ll_pqr_leaf *l, ll_pqr_values *v, ll_pqr_value *out, size_t m)
{
	size_t w = fixed_width(l), n = v->split_n;
	if (m > n - v->split_i)
		return "BYTE_STREAM_SPLIT data ends before the page's values";
	ll_buf_clear(&v->scratch);
	if (!ll_buf_reserve(&v->scratch, m * w))
		return "BYTE_STREAM_SPLIT values do not fit in memory";
	uint8_t *dst = (uint8_t *)v->scratch.data;
	for (size_t i = 0; i < m; i++, v->split_i++) {
		for (size_t k = 0; k < w; k++)
			dst[i * w + k] = v->p[k * n + v->split_i];
		ll_pqr_plain_single(l, dst + i * w, w, &out[i]);
	}
	return NULL;
}

static const char *decode_values(ll_pqr_column *c, ll_pqr_value *out, size_t m)
{
	ll_pqr_values *v = &c->vals;
	switch (v->encoding) {
	case LL_PQR_ENC_PLAIN: return plain_values(c->leaf, v, out, m);
	case LL_PQR_ENC_PLAIN_DICTIONARY:
	case LL_PQR_ENC_RLE_DICTIONARY: return dictionary_values(c, out, m);
	case LL_PQR_ENC_RLE: return rle_booleans(c, out, m);
	case LL_PQR_ENC_DELTA_BINARY_PACKED: return delta_integers(v, out, m);
	case LL_PQR_ENC_DELTA_LENGTH_BYTE_ARRAY: return delta_length_bytes(v, out, m);
	case LL_PQR_ENC_DELTA_BYTE_ARRAY: return delta_bytes(c->leaf, v, out, m);
	default: return split_values(c->leaf, v, out, m);
	}
}

/* ---- windows ---- */

static const char *decode_levels(ll_pqr_column *c, ll_pqr_rle *d, uint8_t max, uint8_t *out,
				 size_t n)
{
	if (max == 0) {
		memset(out, 0, n);
		return NULL;
	}
	const char *e = ll_pqr_rle_next(d, c->scratch, n);
	if (e)
		return e;
	for (size_t i = 0; i < n; i++) {
		if (c->scratch[i] > max)
			return "a level is above the column's maximum";
		out[i] = (uint8_t)c->scratch[i];
	}
	return NULL;
}

ll_status ll_pqr_page_window(ll_pqr_column *c, size_t n, ll_error *err)
{
	const ll_pqr_leaf *l = c->leaf;
	const char *e;
	if ((e = decode_levels(c, &c->rep, l->max_rep, c->wrep, n)) ||
	    (e = decode_levels(c, &c->def, l->max_def, c->wdef, n)))
		return ll_pqr_column_fail(c, err, "%s", e);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += c->wdef[i] == l->max_def;
	memset(c->wval, 0, m * sizeof(c->wval[0]));
	if ((e = decode_values(c, c->wval, m)))
		return ll_pqr_column_fail(c, err, "%s", e);
	c->n = n;
	c->at = 0;
	c->nvals = m;
	c->vat = 0;
	return LL_OK;
}

/* ---- dictionary pages ---- */

/* Whether len bytes can hold count PLAIN values, so a count cannot outgrow its page. */
static bool count_fits(const ll_pqr_leaf *l, size_t count, size_t len)
{
	switch (l->physical) {
	case LL_PQR_BOOLEAN: return count / 8 <= len;
	case LL_PQR_BYTE_ARRAY: return count <= len / 4;
	default: return count <= len / fixed_width(l);
	}
}

ll_status ll_pqr_page_dictionary(ll_pqr_column *c, const uint8_t *data, size_t len, size_t count,
				 ll_error *err)
{
	if (!count_fits(c->leaf, count, len))
		return ll_pqr_column_fail(c, err, "dictionary page holds fewer values than it claims");
	c->dict = calloc(count ? count : 1, sizeof(*c->dict));
	if (!c->dict)
		return ll_error_oom(err);
	ll_pqr_values v = { .p = data, .end = data + len };
	const char *e = plain_values(c->leaf, &v, c->dict, count);
	if (e)
		return ll_pqr_column_fail(c, err, "dictionary page: %s", e);
	c->ndict = count;
	c->has_dict = true;
	return LL_OK;
}
