/*
 * See failpoint.h. The variable is read on every call because failpoints sit
 * on a handful of per-load steps, never on per-row paths.
 */
#include "util/failpoint.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

void ll_failpoint(const char *name)
{
	const char *want = getenv("LAKELOAD_FAILPOINT");
	if (want && strcmp(want, name) == 0)
		raise(SIGKILL);
}
