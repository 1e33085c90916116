/*
 * Fuzz target: a saved lakeload schema read back and its version hash
 * computed, as a load does to tell a change. A schema that reads is saved
 * again, and that text must read back and save to the same text: what
 * lakeload writes it can always read.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "schema/schema.h"
#include "util/buf.h"
#include "util/error.h"

/* Reads text, updates the version, appends the saved form to out; false when it does not read. */
static bool resave(const char *text, size_t len, ll_buf *out)
{
	ll_error err = { 0 };
	ll_schema *s = NULL;
	if (ll_schema_from_json(text, len, "fuzz.schema.json", &s, &err) != LL_OK)
		return false;
	ll_schema_update_version(s);
	ll_schema_to_json(s, out);
	ll_schema_free(s);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ll_buf once = LL_BUF_INIT, twice = LL_BUF_INIT;
	if (resave((const char *)data, size, &once) && !ll_buf_oom(&once)) {
		if (!resave(once.data, once.len, &twice))
			abort(); /* a schema lakeload saved does not read back */
		if (!ll_buf_oom(&twice) &&
		    (twice.len != once.len || memcmp(twice.data, once.data, once.len) != 0))
			abort(); /* saving it again changed it */
	}
	ll_buf_free(&once);
	ll_buf_free(&twice);
	return 0;
}
