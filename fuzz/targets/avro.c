/* Fuzz target: an Avro object container file: header, schema, blocks, records. */
#include "formats/avro/avro.h"
#include "fuzz.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ll_error err = { 0 };
	ll_avro_reader *r = NULL;
	if (ll_avro_reader_open_memory(&r, data, size, "fuzz.avro", &err) != LL_OK)
		return 0;
	ll_arena arena;
	ll_arena_init(&arena, 0);
	const ll_avro_value *rec = NULL;
	while (ll_avro_reader_next(r, &arena, &rec, &err) == LL_OK && rec)
		ll_arena_reset(&arena);
	ll_arena_free(&arena);
	ll_avro_reader_free(r);
	return 0;
}
