/*
 * Base64 (RFC 4648, standard alphabet, padded), for state blobs and HTTP.
 */
#ifndef LL_UTIL_BASE64_H
#define LL_UTIL_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

void ll_base64_encode(const void *data, size_t len, ll_buf *out);

/** Writes the (len + 2) / 3 * 4 padded characters of data to out, no NUL; for hot paths. */
void ll_base64_encode_to(const void *data, size_t len, char *out);

/** Writes the 14 characters of 10 bytes, without the "==" padding or a NUL (dlt's _dlt_id). */
void ll_base64_encode_10_unpadded(const unsigned char in[10], char out[14]);

/** The same in portable C, whatever the CPU has (tests compare the two). */
void ll_base64_encode_10_unpadded_portable(const unsigned char in[10], char out[14]);

/** Appends the decoded bytes; false on characters or padding that are not base64. */
bool ll_base64_decode(const char *text, size_t len, ll_buf *out);

#endif
