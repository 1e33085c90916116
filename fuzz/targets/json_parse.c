/* Fuzz target: ll_json_parse on a whole document, then writing it back. */
#include "fuzz.h"
#include "json/json.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_error err = { 0 };
	const ll_json_value *v = NULL;
	if (ll_json_parse((const char *)data, size, "fuzz.json", &arena, &v, &err) == LL_OK) {
		ll_buf out = LL_BUF_INIT;
		ll_json_write(v, &out);
		ll_buf_free(&out);
	}
	ll_arena_free(&arena);
	return 0;
}
