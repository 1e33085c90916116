/*
 * Fuzz target: ll_json_parse on a whole document. A document that parses
 * is written back with ll_json_write, and that text must parse again and
 * write back to the same text: a json column never holds text its own
 * reader refuses, and a second round trip changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json/json.h"
#include "util/error.h"

/* Parses text and appends its compact form to out; false when it does not parse. */
static bool rewrite(const char *text, size_t len, ll_arena *arena, ll_buf *out)
{
	ll_error err = { 0 };
	const ll_json_value *v = NULL;
	if (ll_json_parse(text, len, "fuzz.json", arena, &v, &err) != LL_OK)
		return false;
	ll_json_write(v, out);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_buf once = LL_BUF_INIT, twice = LL_BUF_INIT;
	if (rewrite((const char *)data, size, &arena, &once) && !ll_buf_oom(&once)) {
		if (!rewrite(once.data, once.len, &arena, &twice))
			abort(); /* what ll_json_write wrote does not parse */
		if (!ll_buf_oom(&twice) &&
		    (twice.len != once.len || memcmp(twice.data, once.data, once.len) != 0))
			abort(); /* the second round trip changed the text */
	}
	ll_buf_free(&once);
	ll_buf_free(&twice);
	ll_arena_free(&arena);
	return 0;
}
