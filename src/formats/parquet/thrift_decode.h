/*
 * Thrift compact protocol decoder, for the Parquet footer and page headers.
 *
 * Every byte it reads is untrusted. The decoder never reads outside the
 * buffer it was given, refuses lists that claim more elements than bytes
 * remain, refuses varints longer than ten bytes or values outside their
 * type, and limits nesting to LL_THRIFT_MAX_DEPTH (shared with the encoder),
 * so a hostile footer costs at most its own length in work.
 *
 * Errors are sticky: the first failure is recorded in the decoder (a static
 * description and the offset it happened at) and every later call does
 * nothing and returns false or zero, so a caller walks a whole structure and
 * checks ll_thrift_decoder_failed once at the end.
 *
 * Structures are read field by field, as they were written:
 *
 *     ll_thrift_decoder_init(&d, data, len);          (opens the outermost struct)
 *     while (ll_thrift_decode_field(&d, &id, &type)) {
 *             switch (id) {
 *             case 1: ll_thrift_decode_i32(&d, type, &x); break;
 *             default: ll_thrift_skip(&d, type); break;
 *             }
 *     }
 *
 * ll_thrift_decode_field returns false at the structure's stop byte (and
 * closes it) or on an error. A struct-valued field is opened with
 * ll_thrift_decode_struct_begin and read with the same loop. Each value
 * reader takes the wire type the field header announced and fails when it is
 * not the one the caller expects, which would mean a different schema.
 */
#ifndef LL_PARQUET_THRIFT_DECODE_H
#define LL_PARQUET_THRIFT_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/parquet/thrift_encode.h"

typedef struct ll_thrift_decoder {
	const uint8_t *start, *p, *end;
	int depth; /* innermost open structure; -1 once the outermost is closed */
	int16_t last_id[LL_THRIFT_MAX_DEPTH];
	bool bool_value;   /* a bool field's value travels in its header */
	const char *error; /* first failure, NULL while the input is well formed */
	size_t error_offset;
} ll_thrift_decoder;

/** Starts decoding the outermost structure held in data[0..len). */
void ll_thrift_decoder_init(ll_thrift_decoder *d, const void *data, size_t len);

static inline bool ll_thrift_decoder_failed(const ll_thrift_decoder *d)
{
	return d->error != NULL;
}

/** Bytes consumed so far. */
static inline size_t ll_thrift_decoder_offset(const ll_thrift_decoder *d)
{
	return (size_t)(d->p - d->start);
}

/**
 * Reads the next field header of the innermost open structure into *id and
 * *type. Returns false at the stop byte, closing the structure, or on error.
 */
bool ll_thrift_decode_field(ll_thrift_decoder *d, int16_t *id, ll_thrift_wire *type);

/* Field values; type is what the field header said. False on error. */
bool ll_thrift_decode_i32(ll_thrift_decoder *d, ll_thrift_wire type, int32_t *out);
bool ll_thrift_decode_i64(ll_thrift_decoder *d, ll_thrift_wire type, int64_t *out);
/** An i8 field (one raw byte on the wire). */
bool ll_thrift_decode_i8(ll_thrift_decoder *d, ll_thrift_wire type, int8_t *out);
bool ll_thrift_decode_bool(ll_thrift_decoder *d, ll_thrift_wire type, bool *out);
bool ll_thrift_decode_double(ll_thrift_decoder *d, ll_thrift_wire type, double *out);
/** Binary and string fields: *data points into the decoder's buffer. */
bool ll_thrift_decode_binary(ll_thrift_decoder *d, ll_thrift_wire type, const uint8_t **data,
			     size_t *len);

/** Opens a struct-valued field; read it with ll_thrift_decode_field. */
bool ll_thrift_decode_struct_begin(ll_thrift_decoder *d, ll_thrift_wire type);

/**
 * Reads a list field's header: *elem is the element type and *count the
 * number of elements, which must then be read with the element calls below
 * or skipped one by one with ll_thrift_skip_element.
 */
bool ll_thrift_decode_list_begin(ll_thrift_decoder *d, ll_thrift_wire type, ll_thrift_wire *elem,
				 size_t *count);
bool ll_thrift_decode_element_i32(ll_thrift_decoder *d, ll_thrift_wire elem, int32_t *out);
bool ll_thrift_decode_element_i64(ll_thrift_decoder *d, ll_thrift_wire elem, int64_t *out);
bool ll_thrift_decode_element_binary(ll_thrift_decoder *d, ll_thrift_wire elem,
				     const uint8_t **data, size_t *len);
/** Opens a struct element of a list; read it with ll_thrift_decode_field. */
bool ll_thrift_decode_element_struct_begin(ll_thrift_decoder *d, ll_thrift_wire elem);

/** Skips the value of a field whose header said type. */
bool ll_thrift_skip(ll_thrift_decoder *d, ll_thrift_wire type);
/** Skips one element of a list whose header said elem. */
bool ll_thrift_skip_element(ll_thrift_decoder *d, ll_thrift_wire elem);

#endif
