/*
 * ll_input: a sequential byte source for the extract stage.
 *
 * Opens a file path, or "-" for standard input, and transparently
 * decompresses gzip when the first bytes are gzip's magic number (so
 * `events.ndjson.gz` and `zcat | lakeload load -` both work). Reads go through
 * a caller-supplied buffer; nothing is read ahead beyond one compressed chunk,
 * so memory stays bounded whatever the input size. The name given at open is
 * kept for error messages.
 */
#ifndef LL_EXTRACT_INPUT_H
#define LL_EXTRACT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct ll_input ll_input;

/** Opens path ("-" is stdin). Errors name the path. */
ll_status ll_input_open(ll_input **out, const char *path, ll_error *err);

/**
 * Opens an in-memory buffer (borrowed until ll_input_free); name is used in
 * error messages. gzip is detected here too.
 */
ll_status ll_input_open_memory(ll_input **out, const void *data, size_t len, const char *name,
			       ll_error *err);

/**
 * Reads up to cap decompressed bytes into buf. *got == 0 with LL_OK means
 * end of input. A truncated or corrupt gzip stream is an LL_EFORMAT error.
 */
ll_status ll_input_read(ll_input *in, void *buf, size_t cap, size_t *got, ll_error *err);

/**
 * Gives back bytes already read (a look at the input's start): the next
 * reads return them first, then continue where the input was.
 */
ll_status ll_input_unread(ll_input *in, const void *data, size_t len, ll_error *err);

/** The name given at open ("<stdin>" for "-"). */
const char *ll_input_name(const ll_input *in);

/** Compressed bytes consumed so far (for progress reporting). */
uint64_t ll_input_bytes_read(const ll_input *in);

void ll_input_free(ll_input *in);

#endif
