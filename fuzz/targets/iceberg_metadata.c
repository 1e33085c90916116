/* Fuzz target: Iceberg table metadata JSON (or gzip), parsed and written back. */
#include "formats/iceberg/metadata.h"
#include "fuzz.h"
#include "util/buf.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ll_error err = { 0 };
	ll_iceberg_metadata *md = NULL;
	if (ll_iceberg_metadata_parse(data, size, "fuzz.metadata.json", &md, &err) != LL_OK)
		return 0;
	ll_buf out = LL_BUF_INIT;
	ll_iceberg_metadata_write(md, &out, &err);
	ll_buf_free(&out);
	ll_iceberg_metadata_free(md);
	return 0;
}
