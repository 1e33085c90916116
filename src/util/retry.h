/*
 * Retrying a remote call: the limits a client's retry settings must keep,
 * the jittered exponential backoff every AWS client here waits before a
 * retry, and a sleep that survives signals.
 *
 * The backoff doubles from base_ms per attempt up to max_ms, then waits a
 * random point of the upper half of that delay: clients that failed
 * together spread out, and none retries at once.
 */
#ifndef LL_UTIL_RETRY_H
#define LL_UTIL_RETRY_H

#include <stdint.h>

#include "util/error.h"

/**
 * Checks retry settings of the service named (for the message): 0 to 100
 * retries, delays >= 0 with max_ms between base_ms and one hour.
 */
ll_status ll_retry_check_limits(const char *service, int max_retries, long base_ms, long max_ms,
				ll_error *err);

/** The wait before retry number attempt (1-based), in ms; *random is the caller's jitter state. */
long ll_retry_backoff_ms(long base_ms, long max_ms, int attempt, uint64_t *random);

/** Sleeps ms milliseconds, resuming after signals. */
void ll_sleep_ms(long ms);

#endif
