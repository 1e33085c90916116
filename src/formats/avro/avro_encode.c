/*
 * The Avro binary encoding of one datum, driven by its schema node.
 *
 * Ints and longs are zigzag varints, floats and doubles little-endian,
 * bytes and strings length-prefixed, arrays and maps one block of items
 * followed by the empty block. A value that does not fit its node fails with
 * LL_EINVAL naming the path to it ("data_file.lower_bounds[2].value"); the
 * encoder keeps that path on a stack rather than building strings as it
 * descends, so the happy path costs nothing for it.
 */
#include "formats/avro/avro_internal.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/error.h"
#include "util/number.h"
#include "util/utf8.h"

void ll_avro_put_long(ll_buf *b, int64_t v)
{
	ll_buf_put_uleb128(b, ll_zigzag64(v));
}

void ll_avro_put_bytes(ll_buf *b, const void *p, size_t len)
{
	ll_avro_put_long(b, (int64_t)len);
	ll_buf_append(b, p, len);
}

typedef enum path_kind { PATH_FIELD, PATH_ITEM, PATH_KEY } path_kind;

typedef struct path_step {
	path_kind kind;
	const char *name; /* field name or map key */
	size_t len;       /* map key length */
	size_t index;     /* array item */
} path_step;

typedef struct encoder {
	ll_buf *out;
	ll_error *err;
	size_t depth;
	path_step path[LL_AVRO_MAX_DEPTH];
} encoder;

static ll_status encode_fail(encoder *e, const char *fmt, ...) LL_PRINTF(2, 3);

static ll_status encode_fail(encoder *e, const char *fmt, ...)
{
	ll_buf msg = LL_BUF_INIT;
	for (size_t i = 0; i < e->depth; i++) {
		const path_step *s = &e->path[i];
		if (s->kind == PATH_FIELD)
			ll_buf_printf(&msg, "%s%s", i ? "." : "", s->name);
		else if (s->kind == PATH_ITEM)
			ll_buf_printf(&msg, "[%zu]", s->index);
		else
			ll_buf_printf(&msg, "[\"%.*s\"]", (int)(s->len > 40 ? 40 : s->len), s->name);
	}
	if (msg.len == 0)
		ll_buf_puts(&msg, "the record");
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ll_status st = ll_buf_oom(&msg) ? ll_error_oom(e->err)
					: ll_error_set(e->err, LL_EINVAL, "%s: %s", msg.data, what);
	ll_buf_free(&msg);
	return st;
}

static ll_status encode_value(encoder *e, const ll_avro_node *n, const ll_avro_value *v);

static ll_status push_step(encoder *e, path_step step)
{
	if (e->depth == LL_AVRO_MAX_DEPTH)
		return encode_fail(e, "nested deeper than %d levels", LL_AVRO_MAX_DEPTH);
	e->path[e->depth++] = step;
	return LL_OK;
}

static ll_status encode_step(encoder *e, path_step step, const ll_avro_node *n,
			     const ll_avro_value *v)
{
	ll_status st = push_step(e, step);
	if (st != LL_OK)
		return st;
	st = encode_value(e, n, v);
	if (st == LL_OK)
		e->depth--;
	return st;
}

static ll_status encode_record(encoder *e, const ll_avro_node *n, const ll_avro_value *v)
{
	if (v->u.list.count != n->nfields)
		return encode_fail(e, "record %s has %zu fields, the value %zu", n->name, n->nfields,
				   v->u.list.count);
	for (size_t i = 0; i < n->nfields; i++) {
		path_step step = { .kind = PATH_FIELD, .name = n->fields[i].name };
		ll_status st = encode_step(e, step, n->fields[i].type, &v->u.list.items[i]);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

static ll_status encode_array(encoder *e, const ll_avro_node *n, const ll_avro_value *v)
{
	if (n->items->may_be_empty && v->u.list.count > LL_AVRO_MAX_EMPTY_ITEMS)
		return encode_fail(e, "%zu items that may encode to no bytes are more than readers accept (%llu)",
				   v->u.list.count, (unsigned long long)LL_AVRO_MAX_EMPTY_ITEMS);
	if (v->u.list.count > 0)
		ll_avro_put_long(e->out, (int64_t)v->u.list.count);
	for (size_t i = 0; i < v->u.list.count; i++) {
		path_step step = { .kind = PATH_ITEM, .index = i };
		ll_status st = encode_step(e, step, n->items, &v->u.list.items[i]);
		if (st != LL_OK)
			return st;
	}
	ll_avro_put_long(e->out, 0);
	return LL_OK;
}

static ll_status encode_map(encoder *e, const ll_avro_node *n, const ll_avro_value *v)
{
	if (v->u.map.count > 0)
		ll_avro_put_long(e->out, (int64_t)v->u.map.count);
	for (size_t i = 0; i < v->u.map.count; i++) {
		const ll_avro_map_entry *m = &v->u.map.entries[i];
		path_step step = { .kind = PATH_KEY, .name = m->key, .len = m->key_len };
		if (!ll_utf8_valid(m->key, m->key_len))
			return encode_fail(e, "map key %zu is not valid UTF-8", i);
		ll_avro_put_bytes(e->out, m->key, m->key_len);
		ll_status st = encode_step(e, step, n->values, &m->value);
		if (st != LL_OK)
			return st;
	}
	ll_avro_put_long(e->out, 0);
	return LL_OK;
}

/*
 * The branch named by v->branch when it has the value's type, otherwise the
 * first branch of that type (see avro.h); -1 when no branch fits.
 */
static long union_branch(const ll_avro_node *n, const ll_avro_value *v)
{
	if (v->branch < n->nbranches && n->branches[v->branch]->type == v->type)
		return (long)v->branch;
	for (size_t i = 0; i < n->nbranches; i++) {
		if (n->branches[i]->type == v->type)
			return (long)i;
	}
	return -1;
}

static ll_status encode_union(encoder *e, const ll_avro_node *n, const ll_avro_value *v)
{
	long b = union_branch(n, v);
	if (b < 0)
		return encode_fail(e, "a %s does not fit the union", ll_avro_type_name(v->type));
	ll_avro_put_long(e->out, b);
	return encode_value(e, n->branches[b], v);
}

static void put_le(ll_buf *b, uint64_t bits, size_t n)
{
	uint8_t out[8];
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(bits >> (8 * i));
	ll_buf_append(b, out, n);
}

static ll_status encode_scalar(encoder *e, const ll_avro_node *n, const ll_avro_value *v)
{
	switch (n->type) {
	case LL_AVRO_NULL: break;
	case LL_AVRO_BOOLEAN: ll_buf_putc(e->out, v->u.boolean ? 1 : 0); break;
	case LL_AVRO_INT: ll_avro_put_long(e->out, v->u.i); break;
	case LL_AVRO_LONG: ll_avro_put_long(e->out, v->u.l); break;
	case LL_AVRO_FLOAT: {
		uint32_t bits;
		memcpy(&bits, &v->u.f, sizeof(bits));
		put_le(e->out, bits, 4);
		break;
	}
	case LL_AVRO_DOUBLE: {
		uint64_t bits;
		memcpy(&bits, &v->u.d, sizeof(bits));
		put_le(e->out, bits, 8);
		break;
	}
	case LL_AVRO_BYTES: ll_avro_put_bytes(e->out, v->u.bytes.ptr, v->u.bytes.len); break;
	case LL_AVRO_STRING:
		if (!ll_utf8_valid(v->u.str.ptr, v->u.str.len))
			return encode_fail(e, "string is not valid UTF-8");
		ll_avro_put_bytes(e->out, v->u.str.ptr, v->u.str.len);
		break;
	case LL_AVRO_FIXED:
		if (v->u.bytes.len != n->size)
			return encode_fail(e, "fixed %s holds %zu bytes, the value %zu", n->name,
					   n->size, v->u.bytes.len);
		ll_buf_append(e->out, v->u.bytes.ptr, n->size);
		break;
	case LL_AVRO_ENUM:
		if (v->u.symbol >= n->nsymbols)
			return encode_fail(e, "enum %s has %zu symbols, the value is symbol %u", n->name,
					   n->nsymbols, v->u.symbol);
		ll_avro_put_long(e->out, v->u.symbol);
		break;
	default: break;
	}
	return LL_OK;
}

static ll_status encode_value(encoder *e, const ll_avro_node *n, const ll_avro_value *v)
{
	if (n->type == LL_AVRO_UNION)
		return encode_union(e, n, v);
	if (v->type != n->type)
		return encode_fail(e, "expected %s, got %s", ll_avro_type_name(n->type),
				   ll_avro_type_name(v->type));
	switch (n->type) {
	case LL_AVRO_RECORD: return encode_record(e, n, v);
	case LL_AVRO_ARRAY: return encode_array(e, n, v);
	case LL_AVRO_MAP: return encode_map(e, n, v);
	default: return encode_scalar(e, n, v);
	}
}

ll_status ll_avro_encode(ll_buf *out, const ll_avro_node *node, const ll_avro_value *v,
			 ll_error *err)
{
	encoder e = { .out = out, .err = err, .depth = 0 };
	ll_status st = encode_value(&e, node, v);
	if (st == LL_OK && ll_buf_oom(out))
		st = ll_error_oom(err);
	return st;
}
