/*
 * Decoding one Avro datum from bytes in memory into an ll_avro_value tree.
 *
 * Nothing is trusted: varints longer than ten bytes, ints out of range,
 * lengths and item counts beyond the bytes left, booleans other than 0 and
 * 1, invalid UTF-8 in strings and map keys, union and enum indexes out of
 * range and nesting deeper than LL_AVRO_MAX_DEPTH are LL_EFORMAT. Counts are
 * checked against the bytes left before lists are allocated, so the memory a
 * datum takes is bounded by a small multiple of its encoded size.
 */
#include "formats/avro/avro_internal.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/error.h"
#include "util/utf8.h"

ll_status ll_avro_cursor_fail(ll_avro_cursor *c, const char *fmt, ...)
{
	char what[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	size_t at = (size_t)(c->p - c->start);
	ll_error_set_location(c->err, c->name, 0, 0);
	if (!c->in_block)
		return ll_error_set(c->err, LL_EFORMAT, "header, byte %zu: %s", at, what);
	if (c->record == 0)
		return ll_error_set(c->err, LL_EFORMAT, "block %llu at byte %llu: %s",
				    (unsigned long long)c->block,
				    (unsigned long long)c->block_offset, what);
	return ll_error_set(c->err, LL_EFORMAT,
			    "block %llu at byte %llu, record %llu, byte %zu of the block: %s",
			    (unsigned long long)c->block, (unsigned long long)c->block_offset,
			    (unsigned long long)c->record, at, what);
}

ll_status ll_avro_read_long(ll_avro_cursor *c, int64_t *out)
{
	uint64_t z = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (c->p == c->end)
			return ll_avro_cursor_fail(c, "the data ends inside a number");
		uint8_t b = *c->p++;
		/* the tenth byte carries only the top bit of 64 */
		if (shift == 63 && b > 1)
			return ll_avro_cursor_fail(c, "a number does not fit in 64 bits");
		z |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80)) {
			*out = (int64_t)((z >> 1) ^ (0 - (z & 1)));
			return LL_OK;
		}
	}
	return ll_avro_cursor_fail(c, "a number does not fit in 64 bits");
}

ll_status ll_avro_read_span(ll_avro_cursor *c, const uint8_t **p, size_t *len)
{
	int64_t n = 0;
	ll_status st = ll_avro_read_long(c, &n);
	if (st != LL_OK)
		return st;
	if (n < 0)
		return ll_avro_cursor_fail(c, "negative length %lld", (long long)n);
	if ((uint64_t)n > ll_avro_cursor_left(c))
		return ll_avro_cursor_fail(c, "length %lld runs past the %zu bytes left", (long long)n,
					   ll_avro_cursor_left(c));
	*p = c->p;
	*len = (size_t)n;
	c->p += n;
	return LL_OK;
}

/* Bytes or string: copied into the arena with a NUL after them. */
static ll_status decode_span(ll_avro_cursor *c, bool text, const char **out, size_t *len)
{
	const uint8_t *p = NULL;
	ll_status st = ll_avro_read_span(c, &p, len);
	if (st != LL_OK)
		return st;
	if (text && !ll_utf8_valid((const char *)p, *len))
		return ll_avro_cursor_fail(c, "a string is not valid UTF-8");
	*out = ll_arena_strndup(c->arena, (const char *)p, *len);
	return *out ? LL_OK : ll_error_oom(c->err);
}

static ll_status decode_index(ll_avro_cursor *c, size_t limit, const char *what, uint32_t *out)
{
	int64_t i;
	ll_status st = ll_avro_read_long(c, &i);
	if (st != LL_OK)
		return st;
	if (i < 0 || (uint64_t)i >= limit)
		return ll_avro_cursor_fail(c, "%s index %lld is out of range (%zu)", what, (long long)i,
					   limit);
	*out = (uint32_t)i;
	return LL_OK;
}

static ll_status decode_fixed_width(ll_avro_cursor *c, size_t n, uint64_t *bits)
{
	if (ll_avro_cursor_left(c) < n)
		return ll_avro_cursor_fail(c, "the data ends inside a %zu-byte value", n);
	*bits = 0;
	for (size_t i = 0; i < n; i++)
		*bits |= (uint64_t)c->p[i] << (8 * i);
	c->p += n;
	return LL_OK;
}

static ll_status decode_int(ll_avro_cursor *c, int32_t *out)
{
	int64_t l;
	ll_status st = ll_avro_read_long(c, &l);
	if (st != LL_OK)
		return st;
	if (l < INT32_MIN || l > INT32_MAX)
		return ll_avro_cursor_fail(c, "int %lld is out of range", (long long)l);
	*out = (int32_t)l;
	return LL_OK;
}

static ll_status decode_scalar(ll_avro_cursor *c, const ll_avro_node *n, ll_avro_value *out)
{
	uint64_t bits = 0;
	ll_status st;
	switch (n->type) {
	case LL_AVRO_BOOLEAN:
		if (c->p == c->end || *c->p > 1)
			return ll_avro_cursor_fail(c, "a boolean is not 0 or 1");
		out->u.boolean = *c->p++ == 1;
		return LL_OK;
	case LL_AVRO_INT: return decode_int(c, &out->u.i);
	case LL_AVRO_LONG: return ll_avro_read_long(c, &out->u.l);
	case LL_AVRO_FLOAT: {
		st = decode_fixed_width(c, 4, &bits);
		uint32_t b32 = (uint32_t)bits;
		memcpy(&out->u.f, &b32, sizeof(b32));
		return st;
	}
	case LL_AVRO_DOUBLE:
		st = decode_fixed_width(c, 8, &bits);
		memcpy(&out->u.d, &bits, sizeof(bits));
		return st;
	case LL_AVRO_BYTES: {
		const char *p = NULL;
		st = decode_span(c, false, &p, &out->u.bytes.len);
		out->u.bytes.ptr = (const uint8_t *)p;
		return st;
	}
	case LL_AVRO_STRING: return decode_span(c, true, &out->u.str.ptr, &out->u.str.len);
	case LL_AVRO_ENUM: return decode_index(c, n->nsymbols, "enum symbol", &out->u.symbol);
	default: return LL_OK; /* null */
	}
}

static ll_status decode_fixed(ll_avro_cursor *c, const ll_avro_node *n, ll_avro_value *out)
{
	if (ll_avro_cursor_left(c) < n->size)
		return ll_avro_cursor_fail(c, "fixed %s needs %zu bytes, %zu are left", n->name,
					   n->size, ll_avro_cursor_left(c));
	uint8_t *p = ll_arena_alloc(c->arena, n->size ? n->size : 1);
	if (!p)
		return ll_error_oom(c->err);
	memcpy(p, c->p, n->size);
	c->p += n->size;
	out->u.bytes.ptr = p;
	out->u.bytes.len = n->size;
	return LL_OK;
}

static ll_status decode_record(ll_avro_cursor *c, const ll_avro_node *n, ll_avro_value *out)
{
	ll_avro_value *fields = ll_avro_values_new(c->arena, n->nfields);
	if (!fields)
		return ll_error_oom(c->err);
	out->u.list.items = fields;
	out->u.list.count = n->nfields;
	for (size_t i = 0; i < n->nfields; i++) {
		ll_status st = ll_avro_decode(c, n->fields[i].type, &fields[i]);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

/*
 * Reads the item count of the next array or map block (0 at the end). A
 * negative count is followed by the block's size in bytes, which is only
 * checked, since items are decoded one by one anyway. The count is bounded
 * by the bytes left when every item takes at least one byte, and by
 * LL_AVRO_MAX_EMPTY_ITEMS in total otherwise.
 */
static ll_status read_block_count(ll_avro_cursor *c, bool items_may_be_empty, uint64_t total,
				  uint64_t *count)
{
	int64_t n = 0, size = 0;
	ll_status st = ll_avro_read_long(c, &n);
	if (st != LL_OK)
		return st;
	if (n < 0) {
		if (n == INT64_MIN)
			return ll_avro_cursor_fail(c, "item count %lld is out of range", (long long)n);
		n = -n;
		st = ll_avro_read_long(c, &size);
		if (st != LL_OK)
			return st;
		if (size < 0 || (uint64_t)size > ll_avro_cursor_left(c))
			return ll_avro_cursor_fail(c, "block size %lld does not fit the %zu bytes left",
						   (long long)size, ll_avro_cursor_left(c));
	}
	uint64_t limit = items_may_be_empty ? LL_AVRO_MAX_EMPTY_ITEMS - total
					    : ll_avro_cursor_left(c);
	if ((uint64_t)n > limit)
		return ll_avro_cursor_fail(c, "item count %lld is more than the data can hold",
					   (long long)n);
	*count = (uint64_t)n;
	return LL_OK;
}

/* Makes room for `more` elements of `size` bytes after `used`, doubling in the arena. */
static void *grow_list(ll_avro_cursor *c, void *items, size_t used, size_t more, size_t size,
		       size_t *cap)
{
	if (used + more <= *cap)
		return items;
	size_t want = used + more > 2 * *cap ? used + more : 2 * *cap;
	void *grown = ll_arena_alloc(c->arena, want * size);
	if (!grown)
		return NULL;
	if (used)
		memcpy(grown, items, used * size);
	*cap = want;
	return grown;
}

static ll_status decode_array(ll_avro_cursor *c, const ll_avro_node *n, ll_avro_value *out)
{
	ll_avro_value *items = NULL;
	size_t used = 0, cap = 0;
	for (;;) {
		uint64_t count = 0;
		ll_status st = read_block_count(c, n->items->may_be_empty, used, &count);
		if (st != LL_OK)
			return st;
		if (count == 0)
			break;
		items = grow_list(c, items, used, (size_t)count, sizeof(*items), &cap);
		if (!items)
			return ll_error_oom(c->err);
		for (uint64_t i = 0; i < count; i++, used++) {
			items[used] = ll_avro_null();
			st = ll_avro_decode(c, n->items, &items[used]);
			if (st != LL_OK)
				return st;
		}
	}
	out->u.list.items = items;
	out->u.list.count = used;
	return LL_OK;
}

static ll_status decode_map(ll_avro_cursor *c, const ll_avro_node *n, ll_avro_value *out)
{
	ll_avro_map_entry *entries = NULL;
	size_t used = 0, cap = 0;
	for (;;) {
		uint64_t count = 0;
		/* every entry has at least its key's length byte */
		ll_status st = read_block_count(c, false, used, &count);
		if (st != LL_OK)
			return st;
		if (count == 0)
			break;
		entries = grow_list(c, entries, used, (size_t)count, sizeof(*entries), &cap);
		if (!entries)
			return ll_error_oom(c->err);
		for (uint64_t i = 0; i < count; i++, used++) {
			ll_avro_map_entry *m = &entries[used];
			m->value = ll_avro_null();
			st = decode_span(c, true, &m->key, &m->key_len);
			if (st == LL_OK)
				st = ll_avro_decode(c, n->values, &m->value);
			if (st != LL_OK)
				return st;
		}
	}
	out->u.map.entries = entries;
	out->u.map.count = used;
	return LL_OK;
}

static ll_status decode_union(ll_avro_cursor *c, const ll_avro_node *n, ll_avro_value *out)
{
	uint32_t b = 0;
	ll_status st = decode_index(c, n->nbranches, "union branch", &b);
	if (st != LL_OK)
		return st;
	st = ll_avro_decode(c, n->branches[b], out);
	out->branch = b;
	return st;
}

static ll_status decode_nested(ll_avro_cursor *c, const ll_avro_node *n, ll_avro_value *out)
{
	if (c->depth >= LL_AVRO_MAX_DEPTH)
		return ll_avro_cursor_fail(c, "values nest deeper than %d levels", LL_AVRO_MAX_DEPTH);
	c->depth++;
	ll_status st;
	switch (n->type) {
	case LL_AVRO_RECORD: st = decode_record(c, n, out); break;
	case LL_AVRO_ARRAY: st = decode_array(c, n, out); break;
	case LL_AVRO_MAP: st = decode_map(c, n, out); break;
	default: st = decode_union(c, n, out); break;
	}
	c->depth--;
	return st;
}

ll_status ll_avro_decode(ll_avro_cursor *c, const ll_avro_node *node, ll_avro_value *out)
{
	*out = ll_avro_null();
	out->type = node->type;
	switch (node->type) {
	case LL_AVRO_RECORD:
	case LL_AVRO_ARRAY:
	case LL_AVRO_MAP:
	case LL_AVRO_UNION: return decode_nested(c, node, out);
	case LL_AVRO_FIXED: return decode_fixed(c, node, out);
	default: return decode_scalar(c, node, out);
	}
}
