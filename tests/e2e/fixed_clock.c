/*
 * A clock that stands still, for tests that need two processes to read the
 * same wall-clock time (two pipelines starting loads in the same
 * microsecond). Preloaded with LD_PRELOAD, it answers CLOCK_REALTIME with
 * LL_FIXED_REALTIME_US microseconds since the epoch when that variable is
 * set; every other clock, and every call without it, is the real one.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

int clock_gettime(clockid_t id, struct timespec *ts);

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	const char *fixed = getenv("LL_FIXED_REALTIME_US");
	if (id == CLOCK_REALTIME && fixed) {
		long long us = strtoll(fixed, NULL, 10);
		ts->tv_sec = (time_t)(us / 1000000);
		ts->tv_nsec = (long)(us % 1000000) * 1000;
		return 0;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "clock_gettime");
	return real(id, ts);
}
