/*
 * Value and level encodings of the Parquet writer: the RLE/bit-packing hybrid
 * (definition levels, dictionary indices), PLAIN booleans and
 * DELTA_LENGTH_BYTE_ARRAY.
 *
 * Hybrid rules (Parquet Encodings.md): a run is either RLE, a ULEB128 header
 * (count << 1) followed by the value in ceil(bit_width / 8) little-endian
 * bytes, or bit-packed, a header (groups << 1 | 1) followed by groups of 8
 * values packed least significant bit first. A bit-packed run therefore
 * covers a multiple of 8 values; only the last run of a page may be padded
 * with zeros, since the page header gives the real count. Runs of 8 or more
 * equal values become RLE runs; a literal stretch that is not yet a multiple
 * of 8 long borrows values from the following run to fill its last group.
 *
 * DELTA_LENGTH_BYTE_ARRAY (Encodings.md) stores the lengths of a page's byte
 * arrays as DELTA_BINARY_PACKED and then their bytes back to back. It is
 * what byte array chunks without a dictionary get instead of PLAIN: with no
 * 4-byte length before every value, distinct values such as `_dlt_id`s leave
 * snappy nothing it can match, so it passes over them about ten times faster
 * than over PLAIN, where every length is a 4-byte match to encode, and the
 * page comes out smaller than PLAIN compressed. DELTA_BINARY_PACKED here
 * uses blocks of 128 deltas in 4 miniblocks of 32; each block stores its
 * smallest delta (zigzag ULEB128), one bit width byte per miniblock and the
 * miniblocks' deltas minus that minimum, bit-packed least significant bit
 * first like the hybrid's groups. The last block has bodies only for the
 * miniblocks that hold values, the widths of the others are 0.
 *
 * Every function reserves the worst case once and then writes through a
 * pointer, so the per-value cost is a compare and a shift, not a call.
 */
#include "formats/parquet/writer_internal.h"

#include <string.h>

#include "util/number.h"

int ll_pqw_bit_width(uint64_t max)
{
	int w = 0;
	while (max) {
		w++;
		max >>= 1;
	}
	return w;
}

static uint8_t *put_uleb(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* Gathers the low bits of 8 bytes that are each 0 or 1 into one byte, byte i to bit i. */
static inline uint8_t pack_bits8(const uint8_t *b)
{
	uint64_t x;
	memcpy(&x, b, 8);
	/* each byte's bit lands in the top byte at its own position; no two products collide */
	return (uint8_t)((x * 0x0102040810204080ULL) >> 56);
}

static uint8_t *pack_bytes_bw1(const uint8_t *v, size_t n, uint8_t *p)
{
	size_t full = n / 8;
	for (size_t g = 0; g < full; g++)
		*p++ = pack_bits8(v + 8 * g);
	if (n % 8) {
		uint8_t tail[8] = { 0 };
		memcpy(tail, v + 8 * full, n % 8);
		*p++ = pack_bits8(tail);
	}
	return p;
}

/*
 * Packs groups of 8 values of bw bits, bw at most 16: each half group is
 * gathered in one word and the group, bw bytes, stored as two whole words
 * (the bounds reserved leave 16 bytes of room past the end). Inlined with a
 * constant bw by pack_u32, so the shifts are constants.
 */
static inline __attribute__((always_inline)) uint8_t *pack_groups(const uint32_t *v,
								   size_t groups, int bw, uint8_t *p)
{
	const int half = 4 * bw;
	for (; groups; groups--, v += 8) {
		uint64_t lo = (uint64_t)v[0] | (uint64_t)v[1] << bw | (uint64_t)v[2] << 2 * bw |
			      (uint64_t)v[3] << 3 * bw;
		uint64_t hi = (uint64_t)v[4] | (uint64_t)v[5] << bw | (uint64_t)v[6] << 2 * bw |
			      (uint64_t)v[7] << 3 * bw;
		uint64_t first = half < 64 ? lo | hi << (half % 64) : lo;
		uint64_t second = half > 32 ? hi >> ((64 - half) % 64) : 0;
		memcpy(p, &first, 8);
		memcpy(p + 8, &second, 8);
		p += bw;
	}
	return p;
}

#define PACK_CASE(b) \
	case b: return pack_groups(v, groups, b, p);

/* Whole groups of 8 values of width bw (at most 16), one copy of the loop per width. */
static uint8_t *pack_groups_of_width(const uint32_t *v, size_t groups, int bw, uint8_t *p)
{
	switch (bw) {
	case 0: return p;
	PACK_CASE(1) PACK_CASE(2) PACK_CASE(3) PACK_CASE(4) PACK_CASE(5) PACK_CASE(6)
	PACK_CASE(7) PACK_CASE(8) PACK_CASE(9) PACK_CASE(10) PACK_CASE(11) PACK_CASE(12)
	PACK_CASE(13) PACK_CASE(14) PACK_CASE(15)
	default: return pack_groups(v, groups, 16, p);
	}
}

#undef PACK_CASE

static uint8_t *pack_u32(const uint32_t *v, size_t n, int bw, uint8_t *p)
{
	if (bw <= 16) {
		size_t whole = n / 8 * 8;
		p = pack_groups_of_width(v, whole / 8, bw, p);
		v += whole;
		n -= whole;
	}
	uint64_t acc = 0;
	int bits = 0;
	size_t padded = (n + 7) / 8 * 8;
	for (size_t i = 0; i < padded; i++) {
		acc |= (uint64_t)(i < n ? v[i] : 0) << bits;
		bits += bw;
		while (bits >= 8) {
			*p++ = (uint8_t)acc;
			acc >>= 8;
			bits -= 8;
		}
	}
	return p;
}

static uint8_t *put_run(uint8_t *p, uint32_t value, size_t count, int bw)
{
	p = put_uleb(p, (uint64_t)count << 1);
	for (int b = 0; b < (bw + 7) / 8; b++)
		*p++ = (uint8_t)(value >> (8 * b));
	return p;
}

/* Worst case of the hybrid: every stretch of 8 its own run, plus one literal run. */
static size_t hybrid_bound(size_t n, int bw)
{
	return (n / 8 + 2) * (size_t)(bw + 16) + 16;
}

static void commit(ll_buf *out, uint8_t *end)
{
	out->len = (size_t)((char *)end - out->data);
	out->data[out->len] = '\0';
}

static inline uint32_t load(const void *v, size_t i, bool bytes)
{
	return bytes ? ((const uint8_t *)v)[i] : ((const uint32_t *)v)[i];
}

static inline uint8_t *pack(const void *v, size_t start, size_t count, int bw, bool bytes,
			    uint8_t *p)
{
	p = put_uleb(p, ((uint64_t)(count + 7) / 8) << 1 | 1);
	if (bytes)
		return pack_bytes_bw1((const uint8_t *)v + start, count, p);
	return pack_u32((const uint32_t *)v + start, count, bw, p);
}

/* Bit k set when values start + k and start + k + 1 are equal, for k < count (at most 64). */
static inline uint64_t equal_pairs(const void *v, size_t start, size_t count, bool bytes)
{
	uint64_t bits = 0;
	for (size_t k = 0; k < count; k++)
		bits |= (uint64_t)(load(v, start + k, bytes) == load(v, start + k + 1, bytes)) << k;
	return bits;
}

/*
 * Where the first 8 equal values in a row at or after i begin, or n. Pairs
 * of neighbours are compared 64 at a time without a branch, so a literal
 * stretch costs no mispredicted branch at the end of each short run of
 * equal values, as a value-by-value scan does: with dictionary indices and
 * levels such runs are the common case.
 */
static inline size_t next_run_of_8(const void *v, size_t i, size_t n, bool bytes)
{
	while (n - i >= 8) {
		size_t count = n - 1 - i < 64 ? n - 1 - i : 64;
		uint64_t e = equal_pairs(v, i, count, bytes);
		/* bit k: pairs k..k+6 are all equal, so values k..k+7 are */
		uint64_t two = e & e >> 1, four = two & two >> 2, seven = four & four >> 3;
		if (seven)
			return i + (size_t)__builtin_ctzll(seven);
		/* a run beginning in the last 6 pairs is not seen whole: start there next */
		i += count - 6;
	}
	return n;
}

/* The end of the run of values equal to value k, at or after `from`. */
static inline size_t run_end(const void *v, size_t k, size_t from, size_t n, bool bytes)
{
	uint32_t x = load(v, k, bytes);
	size_t j = from;
	if (bytes) {
		/* levels: 8 at a time, the first byte that differs found by its bit */
		uint64_t all = x * 0x0101010101010101ULL;
		for (; n - j >= 8; j += 8) {
			uint64_t w;
			memcpy(&w, (const uint8_t *)v + j, 8);
			if (w != all)
				return j + (size_t)__builtin_ctzll(w ^ all) / 8;
		}
	}
	while (j < n && load(v, j, bytes) == x)
		j++;
	return j;
}

/*
 * The hybrid encoder over 0/1 level bytes (bytes, bit width 1) or uint32
 * indices. Both callers pass a constant `bytes`, so each gets its own
 * branch-free copy once this is inlined. Only a run of at least 8 equal
 * values can become an RLE run, so the encoder jumps from one such run to
 * the next; i is always where a run of equal values begins.
 */
static inline __attribute__((always_inline)) void hybrid(const void *v, size_t n, int bw,
							    bool bytes, ll_buf *out)
{
	if (!ll_buf_reserve(out, hybrid_bound(n, bw)))
		return;
	uint8_t *p = (uint8_t *)out->data + out->len;
	size_t i = 0, lit = 0; /* values [lit, i) wait to be bit-packed */
	while ((i = next_run_of_8(v, i, n, bytes)) < n) {
		/* the run holding those 8 may begin before them (never before where the
		 * search began: that is where a run begins) and go on after them */
		size_t start = i, end = run_end(v, i, i + 8, n, bytes);
		uint32_t x = load(v, i, bytes);
		while (start > lit && load(v, start - 1, bytes) == x)
			start--;
		size_t pad = (8 - (start - lit) % 8) % 8;
		if (end - start >= 8 + pad) {
			start += pad;
			if (start > lit)
				p = pack(v, lit, start - lit, bw, bytes, p);
			p = put_run(p, x, end - start, bw);
			lit = end;
		}
		i = end;
	}
	if (n > lit)
		p = pack(v, lit, n - lit, bw, bytes, p);
	commit(out, p);
}

void ll_pqw_encode_levels(const uint8_t *levels, size_t n, ll_buf *out)
{
	hybrid(levels, n, 1, true, out);
}

void ll_pqw_encode_indices(const uint32_t *idx, size_t n, int bit_width, ll_buf *out)
{
	hybrid(idx, n, bit_width, false, out);
}

void ll_pqw_encode_run(uint32_t value, size_t n, int bw, ll_buf *out)
{
	if (!ll_buf_reserve(out, 16))
		return;
	uint8_t *p = (uint8_t *)out->data + out->len;
	p = put_run(p, value, n, bw);
	commit(out, p);
}

void ll_pqw_encode_bools(const uint8_t *v, size_t n, ll_buf *out)
{
	if (!ll_buf_reserve(out, n / 8 + 1))
		return;
	uint8_t *p = (uint8_t *)out->data + out->len;
	p = pack_bytes_bw1(v, n, p);
	commit(out, p);
}

#define DELTA_BLOCK 128
#define DELTA_MINIBLOCKS 4
#define DELTA_MINI (DELTA_BLOCK / DELTA_MINIBLOCKS)

/* Worst case of the lengths: the header, then per block its minimum, widths and
 * miniblocks at 32 bits, plus the 16 bytes pack_u32 may store past its end. */
static size_t delta_bound(size_t n)
{
	return 4 * 10 + (n / DELTA_BLOCK + 1) * (10 + DELTA_MINIBLOCKS + DELTA_BLOCK * 4) + 16;
}

/* Values up to this long are copied as one block of this size, not by a call each. */
#define SHORT_VALUE 32

/*
 * Copies the bytes of the n byte arrays in plain[0, plain_len) (PLAIN: 4-byte
 * length + bytes), whose lengths are lens, back to back to p, which has
 * SHORT_VALUE bytes of room past their end. Most values are short (ids,
 * names, codes), and a fixed-size copy is two loads and two stores where a
 * memcpy call per value cost more than the bytes it moved.
 */
static uint8_t *copy_values(const uint8_t *plain, size_t plain_len, const uint32_t *lens,
			    size_t n, uint8_t *p)
{
	const uint8_t *end = plain + plain_len, *at = plain;
	for (size_t i = 0; i < n; i++) {
		size_t l = lens[i];
		at += 4;
		if (l <= SHORT_VALUE && end - at >= SHORT_VALUE)
			memcpy(p, at, SHORT_VALUE);
		else
			memcpy(p, at, l);
		p += l;
		at += l;
	}
	return p;
}

/* One block: the deltas of len[0, count) from prev, count at most DELTA_BLOCK. */
static uint8_t *delta_block(const uint32_t *len, size_t count, uint32_t prev, uint8_t *p)
{
	int64_t delta[DELTA_BLOCK];
	int64_t min = INT64_MAX;
	for (size_t i = 0; i < count; i++) {
		delta[i] = (int64_t)len[i] - (int64_t)(i ? len[i - 1] : prev);
		min = delta[i] < min ? delta[i] : min;
	}
	p = put_uleb(p, ll_zigzag64(min));
	uint8_t *widths = p;
	p += DELTA_MINIBLOCKS;
	for (size_t m = 0; m < DELTA_MINIBLOCKS; m++) {
		size_t start = m * DELTA_MINI;
		widths[m] = 0;
		if (start >= count)
			continue;
		uint32_t mini[DELTA_MINI], bits = 0;
		size_t held = count - start < DELTA_MINI ? count - start : DELTA_MINI;
		for (size_t i = 0; i < held; i++) {
			/* lengths are below 2^31, so every delta minus the minimum fits 32 bits */
			mini[i] = (uint32_t)(delta[start + i] - min);
			bits |= mini[i];
		}
		/* only the last miniblock is short: zeroing all of each one first cost a
		 * string store per miniblock */
		for (size_t i = held; i < DELTA_MINI; i++)
			mini[i] = 0;
		int bw = ll_pqw_bit_width(bits);
		widths[m] = (uint8_t)bw;
		p = pack_u32(mini, DELTA_MINI, bw, p);
	}
	return p;
}

/*
 * The lengths come read out: walking the PLAIN layout itself, each value's
 * place known only once the length before it is loaded, is a chain of
 * dependent loads, which the page cut (writer_chunk.c) already walks once.
 */
void ll_pqw_encode_delta_length(const uint8_t *plain, size_t plain_len, const uint32_t *lens,
				size_t n, ll_buf *out)
{
	size_t bytes = plain_len - 4 * n;
	if (!ll_buf_reserve(out, delta_bound(n) + bytes + SHORT_VALUE))
		return;
	uint8_t *p = (uint8_t *)out->data + out->len;
	p = put_uleb(p, DELTA_BLOCK);
	p = put_uleb(p, DELTA_MINIBLOCKS);
	p = put_uleb(p, n);
	p = put_uleb(p, ll_zigzag64(n ? lens[0] : 0));
	for (size_t done = n ? 1 : 0; done < n;) {
		size_t count = n - done < DELTA_BLOCK ? n - done : DELTA_BLOCK;
		p = delta_block(lens + done, count, lens[done - 1], p);
		done += count;
	}
	commit(out, copy_values(plain, plain_len, lens, n, p));
}
