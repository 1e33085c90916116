/*
 * ll_buf: a growable byte buffer.
 *
 * An allocation failure does not need checking at every append: the buffer
 * remembers it (ll_buf_oom) and ignores further appends, so a caller builds a
 * whole value and checks once at the end. The contents are always followed
 * by a NUL byte that is not counted in len, so text can be used as a C
 * string. A zeroed ll_buf (LL_BUF_INIT) is empty and valid.
 */
#ifndef LL_UTIL_BUF_H
#define LL_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct ll_buf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;
} ll_buf;

#define LL_BUF_INIT { NULL, 0, 0, false }

/** Makes room for `extra` more bytes. Returns false (and sets oom) on failure. */
bool ll_buf_reserve(ll_buf *b, size_t extra);
void ll_buf_append(ll_buf *b, const void *data, size_t len);
void ll_buf_puts(ll_buf *b, const char *s);
void ll_buf_putc(ll_buf *b, char c);
/** Appends v as an unsigned LEB128 varint (7 bits a byte, low bits first). */
void ll_buf_put_uleb128(ll_buf *b, uint64_t v);
void ll_buf_printf(ll_buf *b, const char *fmt, ...) LL_PRINTF(2, 3);
/** Appends s as a JSON string literal, quotes included. */
void ll_buf_put_json_string(ll_buf *b, const char *s, size_t len);
void ll_buf_clear(ll_buf *b);
void ll_buf_free(ll_buf *b);
/** ll_buf_free for a buffer that held a secret: its memory is zeroed first. */
void ll_buf_wipe(ll_buf *b);
/** Hands the contents to the caller (free with free()); the buffer is reset. */
char *ll_buf_detach(ll_buf *b);

static inline bool ll_buf_oom(const ll_buf *b)
{
	return b->oom;
}

/** The contents as a C string ("" when empty). */
static inline const char *ll_buf_cstr(const ll_buf *b)
{
	return b->data ? b->data : "";
}

#endif
