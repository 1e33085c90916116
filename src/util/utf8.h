/*
 * UTF-8 as RFC 3629 defines it, for every parser that must refuse what is
 * not: overlong forms, UTF-16 surrogates and code points above U+10FFFF are
 * invalid, exactly as Python's and jansson's decoders say.
 */
#ifndef LL_UTIL_UTF8_H
#define LL_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Length (1 to 4) of the sequence at p, given avail readable bytes; 0 when
 * it is invalid, -1 when the avail bytes are a valid but incomplete start.
 * Bytes are read in order and reading stops at the first bad one, so text
 * that ends in a NUL may pass SIZE_MAX.
 */
int ll_utf8_sequence(const unsigned char *p, size_t avail);

/** True when all len bytes of s are valid UTF-8. */
bool ll_utf8_valid(const char *s, size_t len);

/** Writes code point cp (at most U+10FFFF) to out; returns its length, 1 to 4. */
size_t ll_utf8_encode(uint32_t cp, char out[4]);

#endif
