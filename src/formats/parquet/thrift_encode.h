/*
 * Thrift compact protocol encoder, for the Parquet footer and page headers.
 *
 * The encoder appends to a caller's ll_buf and never fails on its own: an
 * allocation failure is remembered by the buffer (ll_buf_oom), so a caller
 * encodes a whole structure and checks the buffer once at the end.
 *
 * Structures are written field by field in increasing field id order, as the
 * compact protocol's delta field headers assume. The encoder keeps the last
 * field id of every open structure on a small stack: a struct (or a struct
 * element of a list) is opened with a _begin call and closed with
 * ll_thrift_encode_struct_end, which writes the stop byte. The outermost
 * structure is opened with ll_thrift_encoder_init and closed with
 * ll_thrift_encode_struct_end like any other. Nesting deeper than
 * LL_THRIFT_MAX_DEPTH, or closing more than was opened, is a programming
 * error that sets the buffer's oom flag so the result is never used.
 */
#ifndef LL_PARQUET_THRIFT_ENCODE_H
#define LL_PARQUET_THRIFT_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Element types of the compact protocol, as they appear in list headers. */
typedef enum ll_thrift_wire {
	LL_THRIFT_WIRE_BOOL = 1,
	LL_THRIFT_WIRE_I8 = 3,
	LL_THRIFT_WIRE_I16 = 4,
	LL_THRIFT_WIRE_I32 = 5,
	LL_THRIFT_WIRE_I64 = 6,
	LL_THRIFT_WIRE_DOUBLE = 7,
	LL_THRIFT_WIRE_BINARY = 8,
	LL_THRIFT_WIRE_LIST = 9,
	LL_THRIFT_WIRE_STRUCT = 12,
} ll_thrift_wire;

#define LL_THRIFT_MAX_DEPTH 16

typedef struct ll_thrift_encoder {
	ll_buf *out;
	int depth;
	int16_t last_id[LL_THRIFT_MAX_DEPTH];
} ll_thrift_encoder;

/** Starts encoding the outermost structure into out (appending). */
void ll_thrift_encoder_init(ll_thrift_encoder *e, ll_buf *out);

void ll_thrift_encode_i32(ll_thrift_encoder *e, int16_t id, int32_t v);
void ll_thrift_encode_i64(ll_thrift_encoder *e, int16_t id, int64_t v);
void ll_thrift_encode_bool(ll_thrift_encoder *e, int16_t id, bool v);
void ll_thrift_encode_double(ll_thrift_encoder *e, int16_t id, double v);
void ll_thrift_encode_binary(ll_thrift_encoder *e, int16_t id, const void *data, size_t len);
/** A NUL-terminated string as a binary field. */
void ll_thrift_encode_string(ll_thrift_encoder *e, int16_t id, const char *s);

/** Opens a struct-valued field; close it with ll_thrift_encode_struct_end. */
void ll_thrift_encode_struct_begin(ll_thrift_encoder *e, int16_t id);
/** Writes the stop byte of the innermost open structure and closes it. */
void ll_thrift_encode_struct_end(ll_thrift_encoder *e);
/** A field holding an empty struct (Parquet's marker types, like StringType). */
void ll_thrift_encode_empty_struct(ll_thrift_encoder *e, int16_t id);

/**
 * Writes a list field's header; exactly count elements of type elem must
 * follow, written with the ll_thrift_encode_element_* calls.
 */
void ll_thrift_encode_list_begin(ll_thrift_encoder *e, int16_t id, ll_thrift_wire elem,
				 size_t count);
void ll_thrift_encode_element_i32(ll_thrift_encoder *e, int32_t v);
void ll_thrift_encode_element_i64(ll_thrift_encoder *e, int64_t v);
void ll_thrift_encode_element_binary(ll_thrift_encoder *e, const void *data, size_t len);
void ll_thrift_encode_element_string(ll_thrift_encoder *e, const char *s);
/** Opens a struct element of a list; close it with ll_thrift_encode_struct_end. */
void ll_thrift_encode_element_struct_begin(ll_thrift_encoder *e);

#endif
