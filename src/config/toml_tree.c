/*
 * Building and searching the TOML tree.
 *
 * Tables and arrays grow while the document is read (a table may gain keys
 * from several sections), so their arrays double inside the arena and the
 * outgrown copies stay there until the arena is reset: at most twice the
 * final size. While parsing, members are found through a hash index of
 * (table, key) pairs that lives only as long as the parser; once the tree
 * is built, lookups scan a table's members, which suits a caller reading a
 * few settings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/toml_internal.h"
#include "util/hash.h"

ll_toml_value *ll_toml_scalar_new(ll_toml_parser *ps, ll_toml_kind kind, uint64_t line,
				  uint64_t column)
{
	ll_toml_value *v = ll_arena_alloc(ps->arena, sizeof(*v));
	if (!v) {
		ll_toml_oom(ps);
		return NULL;
	}
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->line = line;
	v->column = column;
	return v;
}

ll_toml_value *ll_toml_container_new(ll_toml_parser *ps, ll_toml_kind kind,
				     ll_toml_origin origin, uint64_t line, uint64_t column)
{
	ll_toml_node *n = ll_arena_alloc(ps->arena, sizeof(*n));
	if (!n) {
		ll_toml_oom(ps);
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->value.kind = kind;
	n->value.line = line;
	n->value.column = column;
	n->origin = origin;
	return &n->value;
}

/* Makes room for one more element of `size` bytes in *items. */
static bool grow(ll_toml_parser *ps, void **items, size_t count, size_t *capacity, size_t size)
{
	if (count < *capacity)
		return true;
	size_t cap = *capacity ? *capacity * 2 : 4;
	void *bigger = ll_arena_alloc(ps->arena, cap * size);
	if (!bigger) {
		ll_toml_oom(ps);
		return false;
	}
	if (count)
		memcpy(bigger, *items, count * size);
	*items = bigger;
	*capacity = cap;
	return true;
}

/* The member named key: a scan, for callers of the finished tree. */
static ll_toml_member *member_find(const ll_toml_value *table, const char *key, size_t len)
{
	if (!table || table->kind != LL_TOML_TABLE)
		return NULL;
	for (size_t i = 0; i < table->u.table.count; i++) {
		ll_toml_member *m = &table->u.table.members[i];
		if (m->key_len == len && memcmp(m->key, key, len) == 0)
			return m;
	}
	return NULL;
}

static uint64_t key_hash(const ll_toml_value *table, const char *key, size_t len)
{
	return ll_hash64(key, len, ll_mix64((uint64_t)(uintptr_t)table));
}

/* The slot holding (table, key), or the empty slot where it would go. */
static ll_toml_slot *slot_find(const ll_toml_parser *ps, const ll_toml_value *table,
			       const char *key, size_t len, uint64_t hash)
{
	size_t mask = ps->slots_cap - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		ll_toml_slot *s = &ps->slots[i];
		if (!s->table)
			return s;
		const ll_toml_member *m = &s->table->u.table.members[s->member];
		if (s->hash == hash && s->table == table && m->key_len == len &&
		    memcmp(m->key, key, len) == 0)
			return s;
	}
}

ll_toml_member *ll_toml_member_find(const ll_toml_parser *ps, ll_toml_value *table,
				    const ll_toml_key_part *part)
{
	if (!ps->slots_used)
		return NULL;
	ll_toml_slot *s = slot_find(ps, table, part->ptr, part->len,
				    key_hash(table, part->ptr, part->len));
	return s->table ? &table->u.table.members[s->member] : NULL;
}

/* Keeps the index at most half full, so probe runs stay short. */
static ll_status index_reserve(ll_toml_parser *ps)
{
	if (2 * (ps->slots_used + 1) <= ps->slots_cap)
		return LL_OK;
	size_t cap = ps->slots_cap ? ps->slots_cap * 2 : 64;
	ll_toml_slot *old = ps->slots, *bigger = calloc(cap, sizeof(*bigger));
	if (!bigger)
		return ll_toml_oom(ps);
	size_t old_cap = ps->slots_cap;
	ps->slots = bigger;
	ps->slots_cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].table)
			continue;
		size_t j = old[i].hash & (cap - 1);
		while (bigger[j].table)
			j = (j + 1) & (cap - 1);
		bigger[j] = old[i];
	}
	free(old);
	return LL_OK;
}

ll_status ll_toml_table_add(ll_toml_parser *ps, ll_toml_value *table,
			    const ll_toml_key_part *key, ll_toml_value *value)
{
	ll_toml_node *n = ll_toml_node_of(table);
	void *members = table->u.table.members;
	if (index_reserve(ps) ||
	    !grow(ps, &members, table->u.table.count, &n->capacity, sizeof(ll_toml_member)))
		return LL_ENOMEM;
	table->u.table.members = members;
	table->u.table.members[table->u.table.count] = (ll_toml_member){
		.key = key->ptr,
		.key_len = key->len,
		.value = value,
		.line = key->line,
		.column = key->column,
	};
	uint64_t hash = key_hash(table, key->ptr, key->len);
	*slot_find(ps, table, key->ptr, key->len, hash) = (ll_toml_slot){
		.table = table,
		.member = table->u.table.count++,
		.hash = hash,
	};
	ps->slots_used++;
	return LL_OK;
}

ll_status ll_toml_array_push(ll_toml_parser *ps, ll_toml_value *array, ll_toml_value *item)
{
	ll_toml_node *n = ll_toml_node_of(array);
	void *items = array->u.arr.items;
	if (!grow(ps, &items, array->u.arr.count, &n->capacity, sizeof(ll_toml_value *)))
		return LL_ENOMEM;
	array->u.arr.items = items;
	array->u.arr.items[array->u.arr.count++] = item;
	return LL_OK;
}

const ll_toml_member *ll_toml_find(const ll_toml_value *table, const char *key)
{
	return member_find(table, key, strlen(key));
}

const ll_toml_value *ll_toml_get(const ll_toml_value *table, const char *key)
{
	const ll_toml_member *m = ll_toml_find(table, key);
	return m ? m->value : NULL;
}

const ll_toml_value *ll_toml_get_path(const ll_toml_value *table, const char *path)
{
	const char *p = path;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		const ll_toml_member *m = member_find(table, p, len);
		if (!m)
			return NULL;
		if (!dot)
			return m->value;
		table = m->value;
		p = dot + 1;
	}
}

const char *ll_toml_kind_name(ll_toml_kind kind)
{
	switch (kind) {
	case LL_TOML_STRING: return "string";
	case LL_TOML_INTEGER: return "integer";
	case LL_TOML_FLOAT: return "float";
	case LL_TOML_BOOL: return "boolean";
	case LL_TOML_OFFSET_DATETIME: return "offset date-time";
	case LL_TOML_LOCAL_DATETIME: return "local date-time";
	case LL_TOML_LOCAL_DATE: return "local date";
	case LL_TOML_LOCAL_TIME: return "local time";
	case LL_TOML_ARRAY: return "array";
	case LL_TOML_TABLE: return "table";
	}
	return "unknown";
}
