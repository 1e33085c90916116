/*
 * Thrift compact protocol encoder; see thrift_encode.h for the contract.
 *
 * Wire rules followed here (Thrift's compact protocol specification):
 * integers are zigzag ULEB128 varints; a field header is one byte
 * (delta << 4 | type) when the id is 1..15 above the previous field's id,
 * else the type byte followed by the id as a zigzag varint; booleans live in
 * the field header's type (1 true, 2 false); binary is a varint length and
 * the bytes; doubles are 8 bytes little-endian; a list header is one byte
 * (size << 4 | type) below 15 elements, else 0xF0 | type and a varint size;
 * a structure ends with a 0 byte.
 */
#include "formats/parquet/thrift_encode.h"

#include <string.h>

#include "util/number.h"

enum { WIRE_TRUE = 1, WIRE_FALSE = 2 };

static void put_byte(ll_buf *out, unsigned v)
{
	ll_buf_putc(out, (char)(unsigned char)v);
}

void ll_thrift_encoder_init(ll_thrift_encoder *e, ll_buf *out)
{
	e->out = out;
	e->depth = 0;
	e->last_id[0] = 0;
}

static void field_header(ll_thrift_encoder *e, int16_t id, unsigned type)
{
	if (e->depth < 0) {
		e->out->oom = true;
		return;
	}
	int delta = (int)id - (int)e->last_id[e->depth];
	if (delta > 0 && delta <= 15) {
		put_byte(e->out, (unsigned)delta << 4 | type);
	} else {
		put_byte(e->out, type);
		ll_buf_put_uleb128(e->out, ll_zigzag64(id));
	}
	e->last_id[e->depth] = id;
}

static void push(ll_thrift_encoder *e)
{
	if (e->depth < 0 || e->depth + 1 >= LL_THRIFT_MAX_DEPTH) {
		/* a programming error; poison the buffer so the result is never written */
		e->out->oom = true;
		return;
	}
	e->last_id[++e->depth] = 0;
}

void ll_thrift_encode_i32(ll_thrift_encoder *e, int16_t id, int32_t v)
{
	field_header(e, id, LL_THRIFT_WIRE_I32);
	ll_buf_put_uleb128(e->out, ll_zigzag64(v));
}

void ll_thrift_encode_i64(ll_thrift_encoder *e, int16_t id, int64_t v)
{
	field_header(e, id, LL_THRIFT_WIRE_I64);
	ll_buf_put_uleb128(e->out, ll_zigzag64(v));
}

void ll_thrift_encode_bool(ll_thrift_encoder *e, int16_t id, bool v)
{
	field_header(e, id, v ? WIRE_TRUE : WIRE_FALSE);
}

void ll_thrift_encode_double(ll_thrift_encoder *e, int16_t id, double v)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof(bits));
	unsigned char le[8];
	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)(bits >> (8 * i));
	field_header(e, id, LL_THRIFT_WIRE_DOUBLE);
	ll_buf_append(e->out, le, sizeof(le));
}

void ll_thrift_encode_binary(ll_thrift_encoder *e, int16_t id, const void *data, size_t len)
{
	field_header(e, id, LL_THRIFT_WIRE_BINARY);
	ll_thrift_encode_element_binary(e, data, len);
}

void ll_thrift_encode_string(ll_thrift_encoder *e, int16_t id, const char *s)
{
	ll_thrift_encode_binary(e, id, s, strlen(s));
}

void ll_thrift_encode_struct_begin(ll_thrift_encoder *e, int16_t id)
{
	field_header(e, id, LL_THRIFT_WIRE_STRUCT);
	push(e);
}

void ll_thrift_encode_struct_end(ll_thrift_encoder *e)
{
	if (e->depth < 0) {
		/* the outermost structure is already closed: misuse */
		e->out->oom = true;
		return;
	}
	put_byte(e->out, 0);
	e->depth--;
}

void ll_thrift_encode_empty_struct(ll_thrift_encoder *e, int16_t id)
{
	field_header(e, id, LL_THRIFT_WIRE_STRUCT);
	put_byte(e->out, 0);
}

void ll_thrift_encode_list_begin(ll_thrift_encoder *e, int16_t id, ll_thrift_wire elem,
				 size_t count)
{
	field_header(e, id, LL_THRIFT_WIRE_LIST);
	if (count < 15) {
		put_byte(e->out, (unsigned)count << 4 | (unsigned)elem);
	} else {
		put_byte(e->out, 0xF0u | (unsigned)elem);
		ll_buf_put_uleb128(e->out, count);
	}
}

void ll_thrift_encode_element_i32(ll_thrift_encoder *e, int32_t v)
{
	ll_buf_put_uleb128(e->out, ll_zigzag64(v));
}

void ll_thrift_encode_element_i64(ll_thrift_encoder *e, int64_t v)
{
	ll_buf_put_uleb128(e->out, ll_zigzag64(v));
}

void ll_thrift_encode_element_binary(ll_thrift_encoder *e, const void *data, size_t len)
{
	ll_buf_put_uleb128(e->out, len);
	ll_buf_append(e->out, data, len);
}

void ll_thrift_encode_element_string(ll_thrift_encoder *e, const char *s)
{
	ll_thrift_encode_element_binary(e, s, strlen(s));
}

void ll_thrift_encode_element_struct_begin(ll_thrift_encoder *e)
{
	push(e);
}
