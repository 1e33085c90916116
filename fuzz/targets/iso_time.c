/*
 * Fuzz target: ll_parse_iso_like, whose fast path for the common timestamp
 * shape must agree with the general parser on every string: same kind, same
 * value. A difference aborts, so the fuzzer reports it as a crash.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "schema/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int64_t fast = 0, general = 0;
	ll_iso_kind a = ll_parse_iso_like(s, size, &fast);
	ll_iso_kind b = ll_parse_iso_like_general(s, size, &general);
	if (a != b || ((a == LL_ISO_DATE || a == LL_ISO_DATETIME) && fast != general))
		abort();
	return 0;
}
