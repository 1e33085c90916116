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

/** Appends the decoded bytes; false on characters or padding that are not base64. */
bool ll_base64_decode(const char *text, size_t len, ll_buf *out);

#endif
