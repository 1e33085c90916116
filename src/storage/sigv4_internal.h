/*
 * Internals shared by the SigV4 files: sigv4_canonical.c builds the canonical
 * forms of a request that sigv4.c has validated, and sigv4.c signs them.
 * The builders allocate from the caller's arena and return false only when
 * memory runs out.
 */
#ifndef LL_STORAGE_SIGV4_INTERNAL_H
#define LL_STORAGE_SIGV4_INTERNAL_H

#include "storage/sigv4.h"
#include "util/arena.h"

/** A header or query parameter in canonical form, with its input position. */
typedef struct ll_sigv4_entry {
	const char *name;
	const char *value;
	size_t order;
} ll_sigv4_entry;

/** Appends the canonical URI of a path (see ll_sigv4_config for the flags). */
void ll_sigv4_canonical_path(ll_buf *out, const char *path, bool normalize, bool double_encode);

/** Appends "name=value&..." encoded and sorted by encoded name, then value. */
bool ll_sigv4_canonical_query(ll_buf *out, const ll_sigv4_pair *q, size_t n, ll_arena *arena);

/**
 * Appends "name:value\n" per distinct lowercased header name to canon, with
 * repeated headers joined by ",", and "name;name" to signed_names.
 */
bool ll_sigv4_canonical_headers(ll_buf *canon, ll_buf *signed_names, const ll_sigv4_pair *h,
				size_t n, ll_arena *arena);

#endif
