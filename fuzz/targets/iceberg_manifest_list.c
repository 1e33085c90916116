/* Fuzz target: an Iceberg manifest list (an Avro file of manifest_file records). */
#include "formats/iceberg/manifest.h"
#include "fuzz.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_error err = { 0 };
	ll_iceberg_manifest_file *manifests = NULL;
	size_t n = 0;
	ll_iceberg_manifest_list_read(data, size, "fuzz-snap.avro", &arena, &manifests, &n, &err);
	ll_arena_free(&arena);
	return 0;
}
