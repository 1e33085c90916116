/*
 * Thrift compact protocol decoder; see thrift_decode.h for the contract and
 * thrift_encode.c for the wire rules it reverses.
 *
 * Besides the types the encoder writes, the decoder understands enough of
 * the rest of the compact protocol (bytes, i16, sets and maps) to skip
 * fields a newer writer adds, which is how Thrift schemas evolve.
 */
#include "formats/parquet/thrift_decode.h"

#include <string.h>

/* Wire types that only ever need skipping. */
enum {
	WIRE_BOOL_FALSE = 2,
	WIRE_SET = 10,
	WIRE_MAP = 11,
};

static bool fail(ll_thrift_decoder *d, const char *what)
{
	if (!d->error) {
		d->error = what;
		d->error_offset = ll_thrift_decoder_offset(d);
	}
	return false;
}

void ll_thrift_decoder_init(ll_thrift_decoder *d, const void *data, size_t len)
{
	memset(d, 0, sizeof(*d));
	d->start = data;
	d->p = d->start;
	d->end = d->start + len;
}

static bool get_byte(ll_thrift_decoder *d, uint8_t *out)
{
	if (d->error)
		return false;
	if (d->p >= d->end)
		return fail(d, "truncated");
	*out = *d->p++;
	return true;
}

static bool get_varint(ll_thrift_decoder *d, uint64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b;
		if (!get_byte(d, &b))
			return false;
		/* the tenth byte may only carry the top bit of a 64-bit value */
		if (shift == 63 && b > 1)
			return fail(d, "varint overflows 64 bits");
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return fail(d, "varint longer than ten bytes");
}

static bool get_zigzag(ll_thrift_decoder *d, int64_t *out)
{
	uint64_t u;
	if (!get_varint(d, &u))
		return false;
	*out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return true;
}

static bool get_zigzag_range(ll_thrift_decoder *d, int64_t lo, int64_t hi, int64_t *out)
{
	if (!get_zigzag(d, out))
		return false;
	if (*out < lo || *out > hi)
		return fail(d, "integer out of range for its type");
	return true;
}

static bool expect(ll_thrift_decoder *d, ll_thrift_wire got, ll_thrift_wire want)
{
	if (d->error)
		return false;
	if (got != want)
		return fail(d, "field has an unexpected type");
	return true;
}

static bool push(ll_thrift_decoder *d)
{
	if (d->error)
		return false;
	if (d->depth < 0 || d->depth + 1 >= LL_THRIFT_MAX_DEPTH)
		return fail(d, "structures nested too deeply");
	d->last_id[++d->depth] = 0;
	return true;
}

bool ll_thrift_decode_field(ll_thrift_decoder *d, int16_t *id, ll_thrift_wire *type)
{
	uint8_t b;
	if (d->depth < 0)
		return fail(d, "read past the end of the outermost structure");
	if (!get_byte(d, &b))
		return false;
	if (b == 0) {
		d->depth--;
		return false;
	}
	unsigned wire = b & 0x0f, delta = b >> 4;
	int64_t fid;
	if (delta) {
		fid = (int64_t)d->last_id[d->depth] + delta;
		if (fid > INT16_MAX)
			return fail(d, "field id out of range");
	} else if (!get_zigzag_range(d, INT16_MIN, INT16_MAX, &fid)) {
		return false;
	}
	if (wire == LL_THRIFT_WIRE_BOOL || wire == WIRE_BOOL_FALSE) {
		d->bool_value = wire == LL_THRIFT_WIRE_BOOL;
		wire = LL_THRIFT_WIRE_BOOL;
	}
	d->last_id[d->depth] = (int16_t)fid;
	*id = (int16_t)fid;
	*type = (ll_thrift_wire)wire;
	return true;
}

bool ll_thrift_decode_i32(ll_thrift_decoder *d, ll_thrift_wire type, int32_t *out)
{
	return ll_thrift_decode_element_i32(d, type, out);
}

bool ll_thrift_decode_i64(ll_thrift_decoder *d, ll_thrift_wire type, int64_t *out)
{
	return ll_thrift_decode_element_i64(d, type, out);
}

bool ll_thrift_decode_i8(ll_thrift_decoder *d, ll_thrift_wire type, int8_t *out)
{
	uint8_t b;
	if (!expect(d, type, LL_THRIFT_WIRE_I8) || !get_byte(d, &b))
		return false;
	*out = (int8_t)b;
	return true;
}

bool ll_thrift_decode_bool(ll_thrift_decoder *d, ll_thrift_wire type, bool *out)
{
	if (!expect(d, type, LL_THRIFT_WIRE_BOOL))
		return false;
	*out = d->bool_value;
	return true;
}

bool ll_thrift_decode_double(ll_thrift_decoder *d, ll_thrift_wire type, double *out)
{
	if (!expect(d, type, LL_THRIFT_WIRE_DOUBLE))
		return false;
	if (d->end - d->p < 8)
		return fail(d, "truncated");
	uint64_t bits = 0;
	for (int i = 0; i < 8; i++)
		bits |= (uint64_t)d->p[i] << (8 * i);
	d->p += 8;
	memcpy(out, &bits, sizeof(*out));
	return true;
}

bool ll_thrift_decode_binary(ll_thrift_decoder *d, ll_thrift_wire type, const uint8_t **data,
			     size_t *len)
{
	return ll_thrift_decode_element_binary(d, type, data, len);
}

bool ll_thrift_decode_struct_begin(ll_thrift_decoder *d, ll_thrift_wire type)
{
	return expect(d, type, LL_THRIFT_WIRE_STRUCT) && push(d);
}

/* Size and element type of a list or set header. */
static bool list_header(ll_thrift_decoder *d, unsigned *elem, size_t *count)
{
	uint8_t b;
	if (!get_byte(d, &b))
		return false;
	uint64_t n = b >> 4;
	if (n == 15 && !get_varint(d, &n))
		return false;
	/* every element takes at least one byte, so this bounds the work too */
	if (n > (uint64_t)(d->end - d->p))
		return fail(d, "list longer than the bytes that remain");
	*elem = b & 0x0f;
	*count = (size_t)n;
	return true;
}

bool ll_thrift_decode_list_begin(ll_thrift_decoder *d, ll_thrift_wire type, ll_thrift_wire *elem,
				 size_t *count)
{
	unsigned e;
	if (!expect(d, type, LL_THRIFT_WIRE_LIST) || !list_header(d, &e, count))
		return false;
	*elem = (ll_thrift_wire)(e == WIRE_BOOL_FALSE ? LL_THRIFT_WIRE_BOOL : e);
	return true;
}

bool ll_thrift_decode_element_i32(ll_thrift_decoder *d, ll_thrift_wire elem, int32_t *out)
{
	int64_t v;
	if (!expect(d, elem, LL_THRIFT_WIRE_I32) || !get_zigzag_range(d, INT32_MIN, INT32_MAX, &v))
		return false;
	*out = (int32_t)v;
	return true;
}

bool ll_thrift_decode_element_i64(ll_thrift_decoder *d, ll_thrift_wire elem, int64_t *out)
{
	return expect(d, elem, LL_THRIFT_WIRE_I64) && get_zigzag(d, out);
}

bool ll_thrift_decode_element_binary(ll_thrift_decoder *d, ll_thrift_wire elem,
				     const uint8_t **data, size_t *len)
{
	uint64_t n;
	if (!expect(d, elem, LL_THRIFT_WIRE_BINARY) || !get_varint(d, &n))
		return false;
	if (n > (uint64_t)(d->end - d->p))
		return fail(d, "binary value longer than the bytes that remain");
	*data = d->p;
	*len = (size_t)n;
	d->p += n;
	return true;
}

bool ll_thrift_decode_element_struct_begin(ll_thrift_decoder *d, ll_thrift_wire elem)
{
	return ll_thrift_decode_struct_begin(d, elem);
}

static bool skip_value(ll_thrift_decoder *d, unsigned type, int level);

static bool skip_elements(ll_thrift_decoder *d, unsigned type, size_t count, int level)
{
	for (size_t i = 0; i < count; i++) {
		if (!skip_value(d, type, level))
			return false;
	}
	return true;
}

static bool skip_struct(ll_thrift_decoder *d)
{
	int16_t id;
	ll_thrift_wire type;
	int depth = d->depth;
	while (ll_thrift_decode_field(d, &id, &type)) {
		if (!ll_thrift_skip(d, type))
			return false;
	}
	return !d->error && d->depth == depth - 1;
}

static bool skip_map(ll_thrift_decoder *d, int level)
{
	uint64_t n;
	uint8_t types;
	if (!get_varint(d, &n))
		return false;
	if (n == 0)
		return true;
	if (n > (uint64_t)(d->end - d->p) / 2)
		return fail(d, "map longer than the bytes that remain");
	if (!get_byte(d, &types))
		return false;
	for (uint64_t i = 0; i < n; i++) {
		if (!skip_value(d, types >> 4, level) || !skip_value(d, types & 0x0f, level))
			return false;
	}
	return true;
}

/*
 * level counts the containers (lists, sets, maps) entered while skipping;
 * structures count in d->depth. Both stay under LL_THRIFT_MAX_DEPTH.
 */
static bool skip_value(ll_thrift_decoder *d, unsigned type, int level)
{
	uint8_t b;
	uint64_t u;
	if (d->error)
		return false;
	if (level + d->depth >= LL_THRIFT_MAX_DEPTH)
		return fail(d, "values nested too deeply");
	switch (type) {
	case LL_THRIFT_WIRE_BOOL:
	case WIRE_BOOL_FALSE:
		/* inside a list a bool is one byte; as a field it was in the header */
		return level == 0 || get_byte(d, &b);
	case LL_THRIFT_WIRE_I8:
		return get_byte(d, &b);
	case LL_THRIFT_WIRE_I16:
	case LL_THRIFT_WIRE_I32:
	case LL_THRIFT_WIRE_I64:
		return get_varint(d, &u);
	case LL_THRIFT_WIRE_DOUBLE:
		if (d->end - d->p < 8)
			return fail(d, "truncated");
		d->p += 8;
		return true;
	case LL_THRIFT_WIRE_BINARY: {
		const uint8_t *data;
		size_t len;
		return ll_thrift_decode_element_binary(d, LL_THRIFT_WIRE_BINARY, &data, &len);
	}
	case LL_THRIFT_WIRE_LIST:
	case WIRE_SET: {
		unsigned elem;
		size_t count;
		return list_header(d, &elem, &count) && skip_elements(d, elem, count, level + 1);
	}
	case WIRE_MAP:
		return skip_map(d, level + 1);
	case LL_THRIFT_WIRE_STRUCT:
		return push(d) && skip_struct(d);
	default:
		return fail(d, "unknown wire type");
	}
}

bool ll_thrift_skip(ll_thrift_decoder *d, ll_thrift_wire type)
{
	return skip_value(d, (unsigned)type, 0);
}

bool ll_thrift_skip_element(ll_thrift_decoder *d, ll_thrift_wire elem)
{
	return skip_value(d, (unsigned)elem, 1);
}
