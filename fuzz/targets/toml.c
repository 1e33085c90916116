/* Fuzz target: ll_toml_parse on a whole document. */
#include "config/toml.h"
#include "fuzz.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_error err = { 0 };
	const ll_toml_value *root = NULL;
	ll_toml_parse((const char *)data, size, "fuzz.toml", &arena, &root, &err);
	ll_arena_free(&arena);
	return 0;
}
