/*
 * Tables and columns of a schema; see schema.h.
 *
 * Invariants: every table and column name is unique within its scope and is
 * indexed; an index slot holds position + 1 (0 is empty) and the index is at
 * most half full, so a probe always ends at an empty slot. Columns are
 * stored by value in one array per table (so a column pointer moves when
 * the array grows); tables are stored by pointer (so a table pointer
 * does not).
 */
#include "schema/schema.h"

#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

static uint64_t name_hash(const char *name, size_t len)
{
	return ll_hash64(name, len, 0x5eed);
}

static bool name_equals(const char *stored, const char *name, size_t len)
{
	return strncmp(stored, name, len) == 0 && stored[len] == '\0';
}

/* Rebuilds an index of `count` names (name_of(i)) at capacity cap. */
static uint32_t *index_build(size_t cap, size_t count, const char *(*name_of)(const void *, size_t),
			     const void *owner)
{
	uint32_t *index = calloc(cap, sizeof(*index));
	if (!index)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		const char *n = name_of(owner, i);
		size_t slot = (size_t)name_hash(n, strlen(n)) & (cap - 1);
		while (index[slot])
			slot = (slot + 1) & (cap - 1);
		index[slot] = (uint32_t)(i + 1);
	}
	return index;
}

static const char *column_name_at(const void *t, size_t i)
{
	return ((const ll_table *)t)->columns[i].name;
}

static const char *table_name_at(const void *s, size_t i)
{
	return ((const ll_schema *)s)->tables[i]->name;
}

long ll_table_find_column(const ll_table *t, const char *name, size_t len)
{
	if (!t->index_cap)
		return -1;
	size_t slot = (size_t)name_hash(name, len) & (t->index_cap - 1);
	for (uint32_t pos; (pos = t->index[slot]) != 0; slot = (slot + 1) & (t->index_cap - 1)) {
		if (name_equals(t->columns[pos - 1].name, name, len))
			return (long)(pos - 1);
	}
	return -1;
}

ll_table *ll_schema_find_table(const ll_schema *s, const char *name)
{
	if (!s->table_index_cap || !name)
		return NULL;
	size_t len = strlen(name);
	size_t slot = (size_t)name_hash(name, len) & (s->table_index_cap - 1);
	for (uint32_t pos; (pos = s->table_index[slot]) != 0; slot = (slot + 1) & (s->table_index_cap - 1)) {
		if (name_equals(s->tables[pos - 1]->name, name, len))
			return s->tables[pos - 1];
	}
	return NULL;
}

static void column_free(ll_column *c)
{
	free(c->name);
	free(c->variant_of);
}

static void table_free(ll_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncolumns; i++)
		column_free(&t->columns[i]);
	for (size_t i = 0; i < t->npartition; i++)
		free(t->partition[i]);
	free(t->partition);
	free(t->columns);
	free(t->index);
	free(t->name);
	free(t->parent);
	free(t);
}

void ll_schema_free(ll_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntables; i++)
		table_free(s->tables[i]);
	free(s->tables);
	free(s->table_index);
	free(s->name);
	free(s);
}

ll_status ll_schema_new(const char *name, ll_schema **out, ll_error *err)
{
	*out = NULL;
	ll_schema *s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name ? name : ""))) {
		free(s);
		return ll_error_oom(err);
	}
	*out = s;
	return LL_OK;
}

/* Makes room for one more column and keeps the index at most half full. */
static bool table_grow(ll_table *t)
{
	if (t->ncolumns == t->columns_cap) {
		size_t cap = t->columns_cap ? t->columns_cap * 2 : 8;
		ll_column *cols = realloc(t->columns, cap * sizeof(*cols));
		if (!cols)
			return false;
		t->columns = cols;
		t->columns_cap = cap;
	}
	if ((t->ncolumns + 1) * 2 > t->index_cap) {
		size_t cap = t->index_cap ? t->index_cap * 2 : 16;
		uint32_t *index = index_build(cap, t->ncolumns, column_name_at, t);
		if (!index)
			return false;
		free(t->index);
		t->index = index;
		t->index_cap = cap;
	}
	return true;
}

ll_status ll_table_add_column(ll_table *t, const ll_column *col, size_t *index, ll_error *err)
{
	size_t len = strlen(col->name);
	if (ll_table_find_column(t, col->name, len) >= 0) {
		ll_error_set_table(err, t->name, col->name);
		return ll_error_set(err, LL_ESCHEMA, "table %s already has a column %s", t->name, col->name);
	}
	if (t->ncolumns >= UINT32_MAX - 1)
		return ll_error_set(err, LL_ESCHEMA, "table %s has too many columns", t->name);
	if (!table_grow(t))
		return ll_error_oom(err);
	ll_column c = *col;
	c.name = strdup(col->name);
	c.variant_of = col->variant_of ? strdup(col->variant_of) : NULL;
	if (!c.name || (col->variant_of && !c.variant_of)) {
		column_free(&c);
		return ll_error_oom(err);
	}
	size_t slot = (size_t)name_hash(c.name, len) & (t->index_cap - 1);
	while (t->index[slot])
		slot = (slot + 1) & (t->index_cap - 1);
	t->index[slot] = (uint32_t)(t->ncolumns + 1);
	t->columns[t->ncolumns] = c;
	if (index)
		*index = t->ncolumns;
	t->ncolumns++;
	return LL_OK;
}

/* Appends an allocated table, indexing it. Takes t even on failure. */
static ll_status schema_append_table(ll_schema *s, ll_table *t, ll_error *err)
{
	if (s->ntables == s->tables_cap) {
		size_t cap = s->tables_cap ? s->tables_cap * 2 : 8;
		ll_table **tables = realloc(s->tables, cap * sizeof(*tables));
		if (!tables) {
			table_free(t);
			return ll_error_oom(err);
		}
		s->tables = tables;
		s->tables_cap = cap;
	}
	if ((s->ntables + 1) * 2 > s->table_index_cap) {
		size_t cap = s->table_index_cap ? s->table_index_cap * 2 : 16;
		uint32_t *index = index_build(cap, s->ntables, table_name_at, s);
		if (!index) {
			table_free(t);
			return ll_error_oom(err);
		}
		free(s->table_index);
		s->table_index = index;
		s->table_index_cap = cap;
	}
	size_t slot = (size_t)name_hash(t->name, strlen(t->name)) & (s->table_index_cap - 1);
	while (s->table_index[slot])
		slot = (slot + 1) & (s->table_index_cap - 1);
	s->table_index[slot] = (uint32_t)(s->ntables + 1);
	s->tables[s->ntables++] = t;
	return LL_OK;
}

ll_status ll_schema_add_table(ll_schema *s, const char *name, const char *parent, ll_table **table,
			      ll_error *err)
{
	ll_table *t = ll_schema_find_table(s, name);
	if (t) {
		if (table)
			*table = t;
		return LL_OK;
	}
	if (parent && !ll_schema_find_table(s, parent)) {
		ll_error_set_table(err, name, NULL);
		return ll_error_set(err, LL_EINVAL, "table %s names %s as its parent, which is not in schema %s",
				    name, parent, s->name);
	}
	t = calloc(1, sizeof(*t));
	if (!t || !(t->name = strdup(name)) || (parent && !(t->parent = strdup(parent)))) {
		table_free(t);
		return ll_error_oom(err);
	}
	ll_status st = schema_append_table(s, t, err);
	if (st == LL_OK && table)
		*table = t;
	return st;
}

static ll_status table_clone(const ll_table *src, ll_table **out, ll_error *err)
{
	ll_table *t = calloc(1, sizeof(*t));
	*out = t;
	if (!t || !(t->name = strdup(src->name)) || (src->parent && !(t->parent = strdup(src->parent))))
		return ll_error_oom(err);
	t->write_disposition = src->write_disposition;
	t->table_format = src->table_format;
	t->max_nesting = src->max_nesting;
	if (src->npartition) {
		if (!(t->partition = calloc(src->npartition, sizeof(char *))))
			return ll_error_oom(err);
		for (; t->npartition < src->npartition; t->npartition++) {
			if (!(t->partition[t->npartition] = strdup(src->partition[t->npartition])))
				return ll_error_oom(err);
		}
	}
	for (size_t i = 0; i < src->ncolumns; i++) {
		ll_status st = ll_table_add_column(t, &src->columns[i], NULL, err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

ll_status ll_schema_clone(const ll_schema *s, ll_schema **out, ll_error *err)
{
	ll_schema *c = NULL;
	ll_status st = ll_schema_new(s->name, &c, err);
	if (st != LL_OK)
		return st;
	c->version = s->version;
	memcpy(c->version_hash, s->version_hash, sizeof(c->version_hash));
	for (size_t i = 0; i < s->ntables && st == LL_OK; i++) {
		ll_table *t = NULL;
		st = table_clone(s->tables[i], &t, err);
		if (st == LL_OK)
			st = schema_append_table(c, t, err);
		else
			table_free(t);
	}
	if (st != LL_OK) {
		ll_schema_free(c);
		return st;
	}
	*out = c;
	return LL_OK;
}

/* Appends the columns of from past dst's and takes the field ids from assigned. */
static ll_status table_adopt(ll_table *dst, const ll_table *from, ll_error *err)
{
	size_t have = dst->ncolumns < from->ncolumns ? dst->ncolumns : from->ncolumns;
	for (size_t i = 0; i < have; i++) {
		if (dst->columns[i].field_id < 0)
			dst->columns[i].field_id = from->columns[i].field_id;
	}
	ll_status st = LL_OK;
	for (size_t i = dst->ncolumns; i < from->ncolumns && st == LL_OK; i++)
		st = ll_table_add_column(dst, &from->columns[i], NULL, err);
	return st;
}

ll_status ll_schema_adopt(ll_schema *dst, const ll_schema *from, ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = 0; i < from->ntables && st == LL_OK; i++) {
		const ll_table *ft = from->tables[i];
		ll_table *t = ll_schema_find_table(dst, ft->name);
		if (t)
			st = table_adopt(t, ft, err);
		else if ((st = table_clone(ft, &t, err)) == LL_OK && (st = schema_append_table(dst, t, err)) != LL_OK)
			table_free(t);
	}
	return st;
}

const ll_table *ll_schema_root_of(const ll_schema *s, const ll_table *t)
{
	/* bounded by the table count, so a parent cycle in a corrupt schema cannot loop */
	for (size_t hops = 0; t && t->parent && hops <= s->ntables; hops++) {
		const ll_table *p = ll_schema_find_table(s, t->parent);
		if (!p)
			break;
		t = p;
	}
	return t;
}

bool ll_schema_in_tree(const ll_schema *s, const ll_table *t, const ll_table *root)
{
	for (size_t hops = 0; t && hops <= s->ntables; hops++) {
		if (t == root)
			return true;
		t = t->parent ? ll_schema_find_table(s, t->parent) : NULL;
	}
	return false;
}

bool ll_schema_is_dlt_name(const char *name)
{
	return strncmp(name, "_dlt", 4) == 0;
}

typedef struct dlt_column_def {
	const char *name;
	ll_data_type type;
	bool nullable;
} dlt_column_def;

static ll_status add_dlt_table(ll_schema *s, const char *name, const dlt_column_def *cols, size_t n,
			       ll_error *err)
{
	if (ll_schema_find_table(s, name))
		return LL_OK;
	ll_table *t = NULL;
	ll_status st = ll_schema_add_table(s, name, NULL, &t, err);
	if (st == LL_OK)
		t->table_format = LL_FORMAT_ICEBERG;
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		ll_column c = { .name = (char *)cols[i].name, .type = cols[i].type,
				.nullable = cols[i].nullable, .field_id = (int32_t)i + 1 };
		st = ll_table_add_column(t, &c, NULL, err);
	}
	return st;
}

ll_status ll_schema_add_dlt_tables(ll_schema *s, ll_error *err)
{
	/* dlt's loads_table(), version_table() and pipeline_state_table(add_dlt_id=True) */
	static const dlt_column_def loads[] = {
		{ "load_id", LL_TYPE_TEXT, false },     { "schema_name", LL_TYPE_TEXT, true },
		{ "status", LL_TYPE_BIGINT, false },    { "inserted_at", LL_TYPE_TIMESTAMP, false },
		{ "schema_version_hash", LL_TYPE_TEXT, true },
	};
	static const dlt_column_def version[] = {
		{ "version", LL_TYPE_BIGINT, false },         { "engine_version", LL_TYPE_BIGINT, false },
		{ "inserted_at", LL_TYPE_TIMESTAMP, false }, { "schema_name", LL_TYPE_TEXT, false },
		{ "version_hash", LL_TYPE_TEXT, false },      { "schema", LL_TYPE_TEXT, false },
	};
	static const dlt_column_def state[] = {
		{ "version", LL_TYPE_BIGINT, false },      { "engine_version", LL_TYPE_BIGINT, false },
		{ "pipeline_name", LL_TYPE_TEXT, false },  { "state", LL_TYPE_TEXT, false },
		{ "created_at", LL_TYPE_TIMESTAMP, false }, { "version_hash", LL_TYPE_TEXT, true },
		{ "_dlt_load_id", LL_TYPE_TEXT, false },   { "_dlt_id", LL_TYPE_TEXT, false },
	};
	ll_status st = add_dlt_table(s, "_dlt_loads", loads, sizeof(loads) / sizeof(loads[0]), err);
	if (st == LL_OK)
		st = add_dlt_table(s, "_dlt_version", version, sizeof(version) / sizeof(version[0]), err);
	if (st == LL_OK)
		st = add_dlt_table(s, "_dlt_pipeline_state", state, sizeof(state) / sizeof(state[0]), err);
	return st;
}
