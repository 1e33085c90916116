/*
 * Lookups in and compact serialization of parsed JSON values.
 */
#include <string.h>

#include "json/json.h"
#include "util/number.h"

const ll_json_value *ll_json_get(const ll_json_value *obj, const char *key)
{
	if (!obj || obj->kind != LL_JSON_OBJECT)
		return NULL;
	size_t len = strlen(key);
	for (size_t i = 0; i < obj->u.obj.count; i++) {
		const ll_json_member *m = &obj->u.obj.members[i];
		if (m->key_len == len && memcmp(m->key, key, len) == 0)
			return m->value;
	}
	return NULL;
}

void ll_json_write(const ll_json_value *v, ll_buf *out)
{
	switch (v->kind) {
	case LL_JSON_NULL: ll_buf_puts(out, "null"); return;
	case LL_JSON_FALSE: ll_buf_puts(out, "false"); return;
	case LL_JSON_TRUE: ll_buf_puts(out, "true"); return;
	case LL_JSON_INT: ll_buf_printf(out, "%lld", (long long)v->u.i); return;
	case LL_JSON_BIGINT: ll_buf_append(out, v->u.s.ptr, v->u.s.len); return;
	case LL_JSON_DOUBLE: {
		char tmp[LL_DOUBLE_TEXT_MAX];
		ll_buf_append(out, tmp, ll_double_json(v->u.d, tmp, sizeof(tmp)));
		return;
	}
	case LL_JSON_STRING: ll_buf_put_json_string(out, v->u.s.ptr, v->u.s.len); return;
	case LL_JSON_ARRAY:
		ll_buf_putc(out, '[');
		for (size_t i = 0; i < v->u.arr.count; i++) {
			if (i)
				ll_buf_putc(out, ',');
			ll_json_write(v->u.arr.items[i], out);
		}
		ll_buf_putc(out, ']');
		return;
	case LL_JSON_OBJECT:
		ll_buf_putc(out, '{');
		for (size_t i = 0; i < v->u.obj.count; i++) {
			const ll_json_member *m = &v->u.obj.members[i];
			if (i)
				ll_buf_putc(out, ',');
			ll_buf_put_json_string(out, m->key, m->key_len);
			ll_buf_putc(out, ':');
			ll_json_write(m->value, out);
		}
		ll_buf_putc(out, '}');
		return;
	}
}
