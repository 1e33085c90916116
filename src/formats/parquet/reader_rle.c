/*
 * The RLE/bit-packed hybrid encoding (levels, dictionary indices, RLE
 * booleans) and the deprecated BIT_PACKED level encoding, decoded a window
 * at a time.
 *
 * A hybrid stream is a sequence of runs, each introduced by a ULEB128
 * header: an even header is an RLE run of header/2 copies of one value held
 * in ceil(width/8) little-endian bytes; an odd header is header/2 groups of
 * eight values bit-packed least significant bit first. Writers may end the
 * last bit-packed run early when the values they needed are complete, so a
 * run is only required to hold the values actually read from it.
 */
#include "formats/parquet/reader_internal.h"

#include <string.h>

/* Bounds the value count of one run so that counts never overflow. */
#define MAX_GROUPS ((uint64_t)1 << 32)

int ll_pqr_bit_width(uint32_t max)
{
	int w = 0;
	while (max) {
		w++;
		max >>= 1;
	}
	return w;
}

uint64_t ll_pqr_get_bits(const uint8_t *p, uint64_t bit, int width)
{
	if (width == 0)
		return 0;
	const uint8_t *q = p + (bit >> 3);
	unsigned shift = (unsigned)(bit & 7);
	unsigned need = (shift + (unsigned)width + 7) / 8;
	uint64_t lo = 0;
	for (unsigned k = 0; k < need && k < 8; k++)
		lo |= (uint64_t)q[k] << (8 * k);
	uint64_t v = lo >> shift;
	if (need == 9) /* only when shift > 0 */
		v |= (uint64_t)q[8] << (64 - shift);
	return width < 64 ? v & (((uint64_t)1 << width) - 1) : v;
}

void ll_pqr_rle_init(ll_pqr_rle *d, const uint8_t *data, size_t len, int width)
{
	memset(d, 0, sizeof(*d));
	d->p = data;
	d->end = data + len;
	d->width = width;
}

void ll_pqr_rle_init_msb(ll_pqr_rle *d, const uint8_t *data, size_t len, int width, uint64_t count)
{
	ll_pqr_rle_init(d, data, len, width);
	d->msb = true;
	d->literal = true;
	d->run = count;
	d->lit = data;
	d->lit_bytes = len;
	d->p = d->end;
}

static const char *read_uleb(ll_pqr_rle *d, uint64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (d->p >= d->end)
			return "RLE run header is truncated";
		uint8_t b = *d->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return NULL;
		}
	}
	return "RLE run header is too long";
}

static const char *next_run(ll_pqr_rle *d)
{
	uint64_t h;
	const char *e;
	if (d->msb || d->p >= d->end)
		return "RLE data ends before all values were read";
	if ((e = read_uleb(d, &h)))
		return e;
	if (h & 1) {
		uint64_t groups = h >> 1;
		if (groups > MAX_GROUPS)
			return "bit-packed run is implausibly long";
		uint64_t bytes = groups * (uint64_t)d->width;
		size_t avail = (size_t)(d->end - d->p);
		d->literal = true;
		d->run = groups * 8;
		d->lit = d->p;
		d->lit_bytes = bytes < avail ? (size_t)bytes : avail;
		d->lit_bit = 0;
		d->p += d->lit_bytes;
		return NULL;
	}
	size_t nbytes = ((size_t)d->width + 7) / 8;
	if ((size_t)(d->end - d->p) < nbytes)
		return "RLE run value is truncated";
	uint32_t v = 0;
	for (size_t k = 0; k < nbytes; k++)
		v |= (uint32_t)d->p[k] << (8 * k);
	d->p += nbytes;
	if (d->width < 32 && (v >> d->width) != 0)
		return "RLE run value is wider than its bit width";
	d->literal = false;
	d->run = h >> 1;
	d->value = v;
	return NULL;
}

static uint32_t msb_bits(const uint8_t *p, uint64_t bit, int width)
{
	uint32_t v = 0;
	for (int k = 0; k < width; k++, bit++)
		v = v << 1 | ((p[bit >> 3] >> (7 - (bit & 7))) & 1);
	return v;
}

static const char *take_literal(ll_pqr_rle *d, uint32_t *out, size_t take)
{
	uint64_t bits = (uint64_t)take * (uint64_t)d->width;
	if (d->lit_bit + bits > (uint64_t)d->lit_bytes * 8)
		return "bit-packed run ends before its values";
	for (size_t i = 0; i < take; i++, d->lit_bit += (uint64_t)d->width) {
		out[i] = d->msb ? msb_bits(d->lit, d->lit_bit, d->width)
				: (uint32_t)ll_pqr_get_bits(d->lit, d->lit_bit, d->width);
	}
	return NULL;
}

const char *ll_pqr_rle_next(ll_pqr_rle *d, uint32_t *out, size_t n)
{
	while (n > 0) {
		if (d->run == 0) {
			const char *e = next_run(d);
			if (e)
				return e;
			continue;
		}
		size_t take = d->run < n ? (size_t)d->run : n;
		if (d->literal) {
			const char *e = take_literal(d, out, take);
			if (e)
				return e;
		} else {
			for (size_t i = 0; i < take; i++)
				out[i] = d->value;
		}
		d->run -= take;
		out += take;
		n -= take;
	}
	return NULL;
}
