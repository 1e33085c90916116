/*
 * DELTA_BINARY_PACKED, decoded a window at a time.
 *
 * The stream starts with a header (block size, miniblocks per block, value
 * count, first value as zigzag ULEB128); then come blocks, each a zigzag
 * minimum delta, one bit width byte per miniblock and the miniblocks, each
 * holding block_size/miniblocks deltas (minus the minimum) bit-packed least
 * significant bit first. Values are sums of deltas in two's complement
 * arithmetic that wraps, at 32 bits for INT32 columns. The last block only
 * holds bodies for the miniblocks that carry values, and the bit widths of
 * the others may be anything, so a miniblock is only looked at when a value
 * needs it.
 *
 * The byte array encodings put a second section right after such a stream,
 * so ll_pqr_delta_end finds its end by walking the block headers.
 */
#include "formats/parquet/reader_internal.h"

#include <string.h>

/* Larger blocks are not something a writer does; the bound keeps products small. */
#define MAX_BLOCK ((uint64_t)1 << 24)

static const char *uleb(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return "DELTA_BINARY_PACKED data is truncated";
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return NULL;
		}
	}
	return "DELTA_BINARY_PACKED varint is too long";
}

static const char *zigzag(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	uint64_t u;
	const char *e = uleb(p, end, &u);
	if (!e)
		*out = (u >> 1) ^ (uint64_t)-(int64_t)(u & 1);
	return e;
}

const char *ll_pqr_delta_init(ll_pqr_delta *d, const uint8_t *data, size_t len, bool is32)
{
	const char *e;
	memset(d, 0, sizeof(*d));
	d->p = data;
	d->end = data + len;
	d->is32 = is32;
	if ((e = uleb(&d->p, d->end, &d->block_size)) || (e = uleb(&d->p, d->end, &d->miniblocks)) ||
	    (e = uleb(&d->p, d->end, &d->total)) || (e = zigzag(&d->p, d->end, &d->last)))
		return e;
	if (d->block_size == 0 || d->block_size > MAX_BLOCK || d->miniblocks == 0 ||
	    d->block_size % d->miniblocks != 0 || (d->block_size / d->miniblocks) % 8 != 0)
		return "DELTA_BINARY_PACKED header has an invalid block layout";
	d->per_mini = d->block_size / d->miniblocks;
	d->left = d->total;
	d->first_pending = d->total > 0;
	return NULL;
}

/* Moves to the next miniblock, reading a block header when the block is done. */
static const char *next_miniblock(ll_pqr_delta *d)
{
	if (!d->widths || d->mini + 1 >= d->miniblocks) {
		const char *e = zigzag(&d->p, d->end, &d->min_delta);
		if (e)
			return e;
		if ((uint64_t)(d->end - d->p) < d->miniblocks)
			return "DELTA_BINARY_PACKED block header is truncated";
		d->widths = d->p;
		d->p += d->miniblocks;
		d->mini = 0;
	} else {
		d->mini++;
	}
	d->width = d->widths[d->mini];
	if (d->width > (d->is32 ? 32 : 64))
		return "DELTA_BINARY_PACKED bit width is larger than the type";
	uint64_t bytes = d->per_mini * (uint64_t)d->width / 8;
	size_t avail = (size_t)(d->end - d->p);
	d->body = d->p;
	d->body_bytes = bytes < avail ? (size_t)bytes : avail;
	d->p += d->body_bytes;
	d->mini_left = d->per_mini;
	d->bit = 0;
	return NULL;
}

static int64_t as_value(const ll_pqr_delta *d, uint64_t v)
{
	return d->is32 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
}

const char *ll_pqr_delta_next(ll_pqr_delta *d, int64_t *out, size_t n)
{
	if (n > d->left)
		return "DELTA_BINARY_PACKED stream holds fewer values than the page";
	for (size_t i = 0; i < n; i++) {
		d->left--;
		if (d->first_pending) {
			d->first_pending = false;
			out[i] = as_value(d, d->last);
			continue;
		}
		if (d->mini_left == 0) {
			const char *e = next_miniblock(d);
			if (e)
				return e;
		}
		if (d->bit + (uint64_t)d->width > (uint64_t)d->body_bytes * 8)
			return "DELTA_BINARY_PACKED miniblock is truncated";
		uint64_t delta = ll_pqr_get_bits(d->body, d->bit, d->width);
		d->bit += (uint64_t)d->width;
		d->mini_left--;
		d->last += d->min_delta + delta;
		out[i] = as_value(d, d->last);
	}
	return NULL;
}

const char *ll_pqr_delta_end(const ll_pqr_delta *d, const uint8_t **end)
{
	ll_pqr_delta w = *d;
	uint64_t rest = w.left - (w.first_pending ? 1 : 0);
	rest -= rest < w.mini_left ? rest : w.mini_left;
	while (rest > 0) {
		const char *e = next_miniblock(&w);
		if (e)
			return e;
		rest -= rest < w.per_mini ? rest : w.per_mini;
	}
	*end = w.p;
	return NULL;
}
