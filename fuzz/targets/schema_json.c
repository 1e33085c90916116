/*
 * Fuzz target: a saved lakeload schema read back, its version hash computed
 * as a load does to tell a change, then saved again.
 */
#include "fuzz.h"
#include "schema/schema.h"
#include "util/buf.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ll_error err = { 0 };
	ll_schema *s = NULL;
	if (ll_schema_from_json((const char *)data, size, "fuzz.schema.json", &s, &err) != LL_OK)
		return 0;
	ll_schema_update_version(s);
	ll_buf out = LL_BUF_INIT;
	ll_schema_to_json(s, &out);
	ll_buf_free(&out);
	ll_schema_free(s);
	return 0;
}
