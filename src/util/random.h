/*
 * Random bytes from the kernel, for names and ids that must not collide
 * (Iceberg file names and snapshot ids, Avro sync markers, query ids).
 *
 * getrandom(2) costs a system call; OpenSSL's RAND_bytes, which these used,
 * first instantiates a DRBG (fetching its cipher from the provider), about
 * a million instructions in every process that writes an Iceberg commit.
 */
#ifndef LL_UTIL_RANDOM_H
#define LL_UTIL_RANDOM_H

#include <stdbool.h>
#include <stddef.h>

/* Fills out with n random bytes; false when the kernel gave none (the caller falls back). */
bool ll_random_bytes(void *out, size_t n);

/*
 * Writes a random (version 4) UUID in lowercase text, 36 characters and a
 * NUL; when the kernel gives no random bytes, the clock and a counter stand
 * in, which keeps ids of one process distinct.
 */
void ll_random_uuid(char out[37]);

#endif
