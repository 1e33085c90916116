/*
 * Fuzz target: the streaming JSON reader with a tiny window. The first byte
 * picks the starting window (1 to 64 bytes) so records keep crossing window
 * edges and the refill and grow paths run; the rest is the input.
 */
#include "extract/input.h"
#include "fuzz.h"
#include "json/json_internal.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t window = (size_t)(data[0] % 64) + 1;
	ll_error err = { 0 };
	ll_input *in = NULL;
	if (ll_input_open_memory(&in, data + 1, size - 1, "fuzz.ndjson", &err) != LL_OK)
		return 0;
	ll_json_reader *r = NULL;
	if (ll_json_reader_open_window(&r, in, window, &err) == LL_OK) {
		ll_arena arena;
		ll_arena_init(&arena, 0);
		const ll_json_value *rec = NULL;
		while (ll_json_reader_next(r, &arena, &rec, &err) == LL_OK && rec) {
			uint64_t line, column;
			ll_json_reader_record_position(r, &line, &column);
			ll_arena_reset(&arena);
		}
		ll_arena_free(&arena);
		ll_json_reader_free(r);
	}
	ll_input_free(in);
	return 0;
}
