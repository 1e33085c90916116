/*
 * See retry.h.
 */
#include "util/retry.h"

#include <errno.h>
#include <time.h>

#include "util/hash.h"

ll_status ll_retry_check_limits(const char *service, int max_retries, long base_ms, long max_ms,
				ll_error *err)
{
	if (max_retries < 0 || max_retries > 100)
		return ll_error_set(err, LL_EINVAL, "%s max_retries must be between 0 and 100",
				    service);
	if (base_ms < 0 || max_ms < base_ms || max_ms > 3600000)
		return ll_error_set(err, LL_EINVAL,
				    "%s retry delays must be >= 0, with the maximum between the base "
				    "and one hour",
				    service);
	return LL_OK;
}

long ll_retry_backoff_ms(long base_ms, long max_ms, int attempt, uint64_t *random)
{
	long d = base_ms;
	for (int i = 1; i < attempt && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	*random = ll_mix64(*random);
	return d / 2 + (long)(*random % (uint64_t)(d / 2 + 1));
}

void ll_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}
