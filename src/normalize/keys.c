/*
 * The key cache and schema evolution: what a key of a record means, worked
 * out once per distinct (node, raw key) and remembered.
 *
 * Invariants: a key entry belongs to one node and a node to one table, so an
 * entry's column, variants and child table are all in that table or its
 * child. owner[c] names the one key that writes column c of a table; a
 * second key that normalizes to the same column is a collision and fails
 * the load (see normalize.h). Columns that exist before any key writes them
 * (hints, earlier loads) have no owner until the first key binds them. Link
 * columns are written by the normalizer itself and are never owned.
 */
#include "normalize/normalize_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/log.h"

ll_status ll_norm_fail(ll_normalizer *n, ll_error *err, ll_status code, const char *table,
		       const char *column, const char *fmt, ...)
{
	char msg[sizeof(((ll_error *)0)->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ll_error_set_location(err, n->source ? n->source : "", n->line, n->column);
	ll_error_set_table(err, table, column);
	return ll_error_set(err, code, "%s", msg);
}

void ll_norm_key_path(const ll_normalizer *n, uint32_t key, ll_buf *out)
{
	const ll_norm_key *k = &n->keys[key];
	const ll_norm_node *node = &n->nodes[k->node];
	const ll_norm_table *t = &n->tables[node->table];
	if (node->via_key != LL_NORM_NONE) {
		ll_norm_key_path(n, node->via_key, out);
		ll_buf_putc(out, '.');
	} else if (t->via_key != LL_NORM_NONE) {
		ll_norm_key_path(n, t->via_key, out);
		ll_buf_puts(out, "[].");
	}
	ll_buf_append(out, k->raw, k->raw_len);
}

/* Grows *arr (elements of size elem) to hold at least need; new elements are zeroed. */
static bool grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	void **p = arr;
	unsigned char *grown = realloc(*p, c * elem);
	if (!grown)
		return false;
	memset(grown + *cap * elem, 0, (c - *cap) * elem);
	*p = grown;
	*cap = c;
	return true;
}

/* Per-column arrays of a table, sized for ncolumns. */
static bool ensure_slots(ll_norm_table *nt, size_t ncolumns)
{
	if (ncolumns <= nt->slots_cap)
		return true;
	size_t cap = nt->slots_cap, c2 = cap, c3 = cap;
	if (!grow(&nt->slots, &cap, ncolumns, sizeof(ll_norm_slot)) ||
	    !grow(&nt->owner, &c2, ncolumns, sizeof(uint32_t)) ||
	    !grow(&nt->values, &c3, ncolumns, sizeof(ll_row_value)))
		return false;
	/* all three grew to the same capacity from the same start */
	nt->slots_cap = cap;
	return true;
}

static const char *names_dup(ll_normalizer *n, const char *s, size_t len)
{
	return ll_arena_strndup(&n->names, s, len);
}

ll_status ll_norm_set_key_columns(ll_normalizer *n, const char *const *names, size_t count,
				  ll_error *err)
{
	if (count == 0)
		return LL_OK;
	n->key_columns = ll_arena_alloc(&n->names, count * sizeof(*n->key_columns));
	n->key_lens = ll_arena_alloc(&n->names, count * sizeof(*n->key_lens));
	if (!n->key_columns || !n->key_lens)
		return ll_error_oom(err);
	for (size_t i = 0; i < count; i++) {
		n->key_lens[i] = strlen(names[i]);
		if (!(n->key_columns[i] = names_dup(n, names[i], n->key_lens[i])))
			return ll_error_oom(err);
	}
	n->nkey_columns = count;
	return LL_OK;
}

/* A primary or merge key column of the root table (table 0), which dlt makes not nullable. */
static bool is_key_column(const ll_normalizer *n, uint32_t table, const char *name)
{
	for (size_t i = 0; table == 0 && i < n->nkey_columns; i++) {
		if (strcmp(n->key_columns[i], name) == 0)
			return true;
	}
	return false;
}

static ll_status node_new(ll_normalizer *n, uint32_t table, uint32_t via_key, const char *path,
			  uint32_t *index, ll_error *err)
{
	if (n->nnodes >= LL_NORM_NONE - 1 || !grow(&n->nodes, &n->nodes_cap, n->nnodes + 1, sizeof(ll_norm_node)))
		return ll_error_oom(err);
	ll_norm_node *node = &n->nodes[n->nnodes];
	node->table = table;
	node->via_key = via_key;
	node->first_guess = LL_NORM_NONE;
	node->path = names_dup(n, path, strlen(path));
	if (!node->path)
		return ll_error_oom(err);
	*index = (uint32_t)n->nnodes++;
	return LL_OK;
}

/* Link columns a table fills itself: not "required" from the data. */
static bool is_link_column(const char *name, bool root)
{
	if (strcmp(name, "_dlt_id") == 0)
		return true;
	if (root)
		return strcmp(name, "_dlt_load_id") == 0;
	return strcmp(name, "_dlt_parent_id") == 0 || strcmp(name, "_dlt_list_idx") == 0 ||
	       strcmp(name, "_dlt_root_id") == 0;
}

static ll_status table_required(ll_norm_table *nt, ll_error *err)
{
	const ll_table *t = nt->t;
	for (size_t i = 0; i < t->ncolumns; i++) {
		if (t->columns[i].nullable || is_link_column(t->columns[i].name, nt->parent == LL_NORM_NONE))
			continue;
		uint32_t *r = realloc(nt->required, (nt->nrequired + 1) * sizeof(*r));
		if (!r)
			return ll_error_oom(err);
		nt->required = r;
		nt->required[nt->nrequired++] = (uint32_t)i;
	}
	return LL_OK;
}

ll_status ll_norm_table_refresh(ll_normalizer *n, uint32_t table, ll_error *err)
{
	ll_norm_table *nt = &n->tables[table];
	const ll_table *t = nt->t;
	for (size_t i = 0; i < t->ncolumns; i++) {
		if (t->columns[i].field_id >= nt->next_field_id)
			nt->next_field_id = t->columns[i].field_id + 1;
	}
	return ensure_slots(nt, t->ncolumns) ? LL_OK : ll_error_oom(err);
}

ll_status ll_norm_table_new(ll_normalizer *n, ll_table *t, uint32_t parent, uint32_t via_key,
			    const char *path, uint32_t *index, ll_error *err)
{
	if (n->ntables >= LL_NORM_NONE - 1 || !grow(&n->tables, &n->tables_cap, n->ntables + 1, sizeof(ll_norm_table)))
		return ll_error_oom(err);
	uint32_t ti = (uint32_t)n->ntables;
	ll_norm_table *nt = &n->tables[ti];
	memset(nt, 0, sizeof(*nt));
	nt->t = t;
	nt->name_len = strlen(t->name);
	nt->parent = parent;
	nt->via_key = via_key;
	nt->c_id = nt->c_load_id = nt->c_parent_id = nt->c_list_idx = nt->c_root_id = LL_NORM_NONE;
	nt->path = names_dup(n, path, strlen(path));
	nt->id_seed = ll_hash64(t->name, nt->name_len, n->load_seed);
	const ll_table *root = ll_schema_root_of(n->schema, t);
	nt->iceberg = root->table_format == LL_FORMAT_ICEBERG;
	nt->unit = nt->iceberg ? LL_TS_MICROS : LL_TS_MILLIS;
	nt->next_field_id = 1;
	n->ntables++;
	ll_status st = nt->path ? ll_norm_table_refresh(n, ti, err) : ll_error_oom(err);
	if (st == LL_OK)
		st = table_required(nt, err);
	if (st == LL_OK)
		st = node_new(n, ti, LL_NORM_NONE, "", &n->tables[ti].top, err);
	*index = ti;
	return st;
}

/* ---- the key cache ---- */

static uint64_t key_hash(uint32_t node, const char *raw, size_t len)
{
	return ll_hash64(raw, len, ll_mix64(node));
}

static bool key_is(const ll_norm_key *k, uint32_t node, const char *raw, size_t len)
{
	return k->node == node && k->raw_len == len && ll_bytes_equal(k->raw, raw, len);
}

static bool key_index_grow(ll_normalizer *n)
{
	size_t cap = n->key_index_cap ? n->key_index_cap * 2 : 1024;
	uint32_t *index = calloc(cap, sizeof(*index));
	if (!index)
		return false;
	for (size_t i = 0; i < n->nkeys; i++) {
		size_t slot = (size_t)n->keys[i].hash & (cap - 1);
		while (index[slot])
			slot = (slot + 1) & (cap - 1);
		index[slot] = (uint32_t)(i + 1);
	}
	free(n->key_index);
	n->key_index = index;
	n->key_index_cap = cap;
	return true;
}

/* Room for need keys, in an array aligned to cache lines (see ll_norm_key). */
static bool keys_grow(ll_normalizer *n, size_t need)
{
	if (need <= n->keys_cap)
		return true;
	size_t cap = n->keys_cap ? n->keys_cap * 2 : 16;
	while (cap < need)
		cap *= 2;
	ll_norm_key *keys = aligned_alloc(LL_NORM_KEY_ALIGN, cap * sizeof(*keys));
	if (!keys)
		return false;
	if (n->nkeys)
		memcpy(keys, n->keys, n->nkeys * sizeof(*keys));
	free(n->keys);
	n->keys = keys;
	n->keys_cap = cap;
	return true;
}

/* Fills a new entry: the raw key, its normalized form and its column name. */
static ll_status key_new(ll_normalizer *n, uint32_t node, const char *raw, size_t len, uint64_t hash,
			 uint32_t *index, ll_error *err)
{
	if (len > UINT32_MAX || n->nkeys >= LL_NORM_NONE - 1 ||
	    !keys_grow(n, n->nkeys + 1))
		return ll_error_oom(err);
	if ((n->nkeys + 1) * 2 > n->key_index_cap && !key_index_grow(n))
		return ll_error_oom(err);
	ll_norm_key *k = &n->keys[n->nkeys];
	memset(k, 0, sizeof(*k));
	k->hash = hash;
	k->node = node;
	k->raw_len = (uint32_t)len;
	k->next_guess = k->column = k->object_node = k->child = LL_NORM_NONE;
	for (int i = 0; i < LL_TYPE_COUNT_; i++)
		k->variants[i] = LL_NORM_NONE;
	k->seen_columns = UINT32_MAX;
	ll_naming_normalize_path(raw, len, &n->name);
	/* dlt names empty and blank keys "_empty" */
	if (n->name.len == 0)
		ll_buf_puts(&n->name, "_empty");
	memcpy(k->head, raw, len < sizeof(k->head) ? len : sizeof(k->head));
	k->raw = names_dup(n, raw, len);
	k->norm = names_dup(n, ll_buf_cstr(&n->name), n->name.len);
	ll_buf_clear(&n->name);
	ll_naming_join(n->nodes[node].path, k->norm ? k->norm : "", &n->name);
	k->name = names_dup(n, ll_buf_cstr(&n->name), n->name.len);
	if (!k->raw || !k->norm || !k->name || ll_buf_oom(&n->name))
		return ll_error_oom(err);
	size_t slot = (size_t)hash & (n->key_index_cap - 1);
	while (n->key_index[slot])
		slot = (slot + 1) & (n->key_index_cap - 1);
	n->key_index[slot] = (uint32_t)(n->nkeys + 1);
	*index = (uint32_t)n->nkeys++;
	return LL_OK;
}

/*
 * After the guess failed: one of the next keys in the chain, if the record
 * lacks the guessed key and up to SKIP_ABSENT - 1 after it (optional keys
 * that come and go). The chain is left as it is, so the records that have
 * those keys keep hitting the guess.
 */
#define SKIP_ABSENT 3

static uint32_t key_after_absent(const ll_normalizer *n, uint32_t node, uint32_t prev,
				 const char *raw, size_t len)
{
	uint32_t k = prev == LL_NORM_NONE ? n->nodes[node].first_guess : n->keys[prev].next_guess;
	for (int i = 0; i < SKIP_ABSENT && k != LL_NORM_NONE; i++) {
		k = n->keys[k].next_guess;
		if (k != LL_NORM_NONE && key_is(&n->keys[k], node, raw, len))
			return k;
	}
	return LL_NORM_NONE;
}

ll_status ll_norm_key_find(ll_normalizer *n, uint32_t node, uint32_t prev, const char *raw,
			   size_t len, uint32_t *key, ll_error *err)
{
	*key = key_after_absent(n, node, prev, raw, len);
	if (*key != LL_NORM_NONE)
		return LL_OK;
	uint64_t hash = key_hash(node, raw, len);
	uint32_t found = LL_NORM_NONE;
	if (n->key_index_cap) {
		size_t slot = (size_t)hash & (n->key_index_cap - 1);
		for (uint32_t pos; (pos = n->key_index[slot]) != 0; slot = (slot + 1) & (n->key_index_cap - 1)) {
			if (n->keys[pos - 1].hash == hash && key_is(&n->keys[pos - 1], node, raw, len)) {
				found = pos - 1;
				break;
			}
		}
	}
	if (found == LL_NORM_NONE) {
		ll_status st = key_new(n, node, raw, len, hash, &found, err);
		if (st != LL_OK)
			return st;
	}
	/* key_new may have moved the arrays the guess pointed into */
	if (prev == LL_NORM_NONE)
		n->nodes[node].first_guess = found;
	else
		n->keys[prev].next_guess = found;
	*key = found;
	return LL_OK;
}

ll_status ll_norm_object_node_new(ll_normalizer *n, uint32_t key, uint32_t *node, ll_error *err)
{
	const ll_norm_key *k = &n->keys[key];
	const ll_norm_node *parent = &n->nodes[k->node];
	ll_buf_clear(&n->name);
	ll_buf_puts(&n->name, parent->path);
	if (parent->path[0])
		ll_buf_puts(&n->name, "__");
	ll_buf_puts(&n->name, k->norm);
	if (ll_buf_oom(&n->name))
		return ll_error_oom(err);
	uint32_t created = LL_NORM_NONE;
	ll_status st = node_new(n, parent->table, key, n->name.data, &created, err);
	if (st == LL_OK)
		*node = n->keys[key].object_node = created;
	return st;
}

ll_status ll_norm_collision(ll_error *err, const char *source, uint64_t line, uint64_t column,
			    const char *owner_path, const char *key_path, const char *table,
			    const char *col)
{
	ll_error_set_location(err, source ? source : "", line, column);
	ll_error_set_table(err, table, col);
	return ll_error_set(err, LL_ESCHEMA,
			    "keys \"%s\" and \"%s\" both normalize to %s %s%s%s; rename one of them in "
			    "the source data (lakeload keeps one column per name)",
			    owner_path, key_path, col ? "column" : "table", col ? col : table,
			    col ? " of table " : "", col ? table : "");
}

/* Two keys want one name: the message names both, the table and what to do. */
static ll_status collision(ll_normalizer *n, const char *owner_path, uint32_t key, const char *table,
			   const char *column, ll_error *err)
{
	ll_buf b = LL_BUF_INIT;
	ll_norm_key_path(n, key, &b);
	ll_status st = ll_buf_oom(&b) ? ll_error_oom(err)
				      : ll_norm_collision(err, n->source, n->line, n->column, owner_path,
							  b.data, table, column);
	ll_buf_free(&b);
	return st;
}

static ll_status key_collision(ll_normalizer *n, uint32_t owner, uint32_t key, const char *table,
			       const char *column, ll_error *err)
{
	ll_buf a = LL_BUF_INIT;
	ll_norm_key_path(n, owner, &a);
	ll_status st = ll_buf_oom(&a) ? ll_error_oom(err) : collision(n, a.data, key, table, column, err);
	ll_buf_free(&a);
	return st;
}

ll_status ll_norm_acquire(ll_normalizer *n, ll_error *err)
{
	if (!n->sync || n->synced)
		return LL_OK;
	ll_status st = n->sync->acquire(n->sync->user, n, err);
	n->synced = st == LL_OK;
	return st;
}

/*
 * In a parallel load, key takes a table or column (column NULL: the table)
 * for the whole load, unless another key took it first.
 */
static ll_status load_claim(ll_normalizer *n, uint32_t key, const char *table, const char *column,
			    ll_error *err)
{
	if (!n->sync)
		return LL_OK;
	ll_status st = ll_norm_acquire(n, err);
	ll_buf path = LL_BUF_INIT;
	ll_norm_key_path(n, key, &path);
	if (st == LL_OK && ll_buf_oom(&path))
		st = ll_error_oom(err);
	const char *owner = NULL;
	if (st == LL_OK)
		st = n->sync->claim(n->sync->user, table, column, path.data, &owner, err);
	if (st == LL_OK && owner && strcmp(owner, path.data) != 0)
		st = collision(n, owner, key, table, column, err);
	ll_buf_free(&path);
	return st;
}

/* The norm table of a schema table, if this load has one. */
static uint32_t table_state_of(const ll_normalizer *n, const ll_table *t)
{
	for (size_t i = 0; i < n->ntables; i++) {
		if (n->tables[i].t == t)
			return (uint32_t)i;
	}
	return LL_NORM_NONE;
}

/* Finds or adds the schema table a list key leads to; named from unshortened paths like dlt. */
static ll_status child_schema_table(ll_normalizer *n, uint32_t key, ll_table **out, ll_error *err)
{
	const ll_norm_key *k = &n->keys[key];
	const ll_norm_node *node = &n->nodes[k->node];
	const ll_norm_table *parent = &n->tables[node->table];
	const char *name = ll_buf_cstr(&n->tmp);
	ll_table *t = ll_schema_find_table(n->schema, name);
	if (t && (!t->parent || strcmp(t->parent, parent->t->name) != 0))
		return ll_norm_fail(n, err, LL_ESCHEMA, name, NULL,
				    "the list under key \"%.*s\" of table %s becomes table %s, but that table "
				    "exists as %s %s; rename the key in the source data",
				    (int)k->raw_len, k->raw, parent->t->name, name,
				    t->parent ? "a child of" : "a root table", t->parent ? t->parent : "");
	if (!t) {
		const ll_table *root = ll_schema_root_of(n->schema, parent->t);
		ll_status st = ll_schema_add_table(n->schema, name, parent->t->name, &t, err);
		if (st != LL_OK)
			return st;
		t->write_disposition = root->write_disposition;
		t->table_format = root->table_format;
		ll_log(n->logger, LL_LOG_DEBUG, "new table %s (child of %s)", name, parent->t->name);
	}
	*out = t;
	return LL_OK;
}

ll_status ll_norm_child_table(ll_normalizer *n, uint32_t key, uint32_t *table, ll_error *err)
{
	if (n->keys[key].child != LL_NORM_NONE) {
		*table = n->keys[key].child;
		return LL_OK;
	}
	ll_status st = ll_norm_acquire(n, err);
	if (st != LL_OK)
		return st;
	const ll_norm_key *k = &n->keys[key];
	const ll_norm_node *node = &n->nodes[k->node];
	uint32_t parent = node->table;
	ll_buf_clear(&n->name);
	ll_buf_puts(&n->name, n->tables[parent].path);
	if (node->path[0]) {
		ll_buf_puts(&n->name, "__");
		ll_buf_puts(&n->name, node->path);
	}
	ll_buf_puts(&n->name, "__");
	ll_buf_puts(&n->name, k->norm);
	ll_buf_clear(&n->tmp);
	ll_naming_shorten(ll_buf_cstr(&n->name), n->name.len, &n->tmp);
	if (ll_buf_oom(&n->name) || ll_buf_oom(&n->tmp))
		return ll_error_oom(err);
	ll_table *t = NULL;
	st = child_schema_table(n, key, &t, err);
	if (st != LL_OK)
		return st;
	uint32_t existing = table_state_of(n, t);
	if (existing != LL_NORM_NONE)
		return key_collision(n, n->tables[existing].via_key, key, t->name, NULL, err);
	st = load_claim(n, key, t->name, NULL, err);
	if (st != LL_OK)
		return st;
	uint32_t created = LL_NORM_NONE;
	st = ll_norm_table_new(n, t, parent, key, ll_buf_cstr(&n->name), &created, err);
	if (st == LL_OK)
		*table = n->keys[key].child = created;
	return st;
}

uint32_t ll_norm_key_column_lookup(ll_normalizer *n, uint32_t key)
{
	ll_norm_key *k = &n->keys[key];
	const ll_table *t = n->tables[n->nodes[k->node].table].t;
	long c = ll_table_find_column(t, k->name, strlen(k->name));
	k->column = c < 0 ? LL_NORM_NONE : (uint32_t)c;
	k->seen_columns = (uint32_t)t->ncolumns;
	return k->column;
}

static ll_status column_add(ll_normalizer *n, uint32_t table, ll_column *col, uint32_t *index,
			    ll_error *err)
{
	ll_norm_table *nt = &n->tables[table];
	size_t idx;
	ll_status st = ll_table_add_column(nt->t, col, &idx, err);
	if (st != LL_OK)
		return st;
	if (!ensure_slots(nt, nt->t->ncolumns))
		return ll_error_oom(err);
	ll_log(n->logger, LL_LOG_DEBUG, "table %s: new column %s (%s)", nt->t->name, col->name,
	       ll_data_type_name(col->type));
	*index = (uint32_t)idx;
	return LL_OK;
}

ll_status ll_norm_own_column(ll_normalizer *n, uint32_t table, uint32_t key, uint32_t c,
			     ll_error *err)
{
	ll_norm_table *nt = &n->tables[table];
	if (nt->owner[c] == 0) {
		ll_status st = load_claim(n, key, nt->t->name, nt->t->columns[c].name, err);
		if (st != LL_OK)
			return st;
		n->tables[table].owner[c] = key + 1;
	} else if (nt->owner[c] != key + 1) {
		return key_collision(n, nt->owner[c] - 1, key, nt->t->name, nt->t->columns[c].name, err);
	}
	return LL_OK;
}

ll_status ll_norm_check_null_owner(ll_normalizer *n, uint32_t table, uint32_t key, uint32_t c,
				   ll_error *err)
{
	ll_norm_key *k = &n->keys[key];
	/* the load hears of a key's nulls once per piece: the first one's place is what counts */
	if (!n->sync || n->tables[table].owner[c] != 0 || k->null_piece == n->piece_serial)
		return LL_OK;
	k->null_piece = n->piece_serial;
	const ll_norm_table *nt = &n->tables[table];
	ll_buf path = LL_BUF_INIT;
	ll_norm_key_path(n, key, &path);
	const char *owner = NULL;
	ll_status st = ll_buf_oom(&path)
			       ? ll_error_oom(err)
			       : n->sync->null_use(n->sync->user, nt->t->name, nt->t->columns[c].name,
						   path.data, n->source, n->line, n->column, &owner, err);
	if (st == LL_OK && owner && strcmp(owner, path.data) == 0)
		n->tables[table].owner[c] = key + 1; /* the load's owner is this key: ask no more */
	else if (st == LL_OK && owner)
		st = collision(n, owner, key, nt->t->name, nt->t->columns[c].name, err);
	ll_buf_free(&path);
	return st;
}

/* The JSON kinds a column of type t takes without a conversion. */
static uint16_t direct_kinds(ll_data_type t)
{
	switch (t) {
	case LL_TYPE_TEXT: return 1u << LL_JSON_STRING;
	case LL_TYPE_BIGINT: return 1u << LL_JSON_INT;
	case LL_TYPE_DOUBLE: return 1u << LL_JSON_DOUBLE;
	case LL_TYPE_BOOL: return 1u << LL_JSON_TRUE | 1u << LL_JSON_FALSE;
	default: return 0;
	}
}

ll_status ll_norm_bind_column(ll_normalizer *n, uint32_t key, const ll_json_value *v,
			      uint32_t *column, ll_error *err)
{
	/* the load may have the column already, from another piece */
	ll_status st = ll_norm_acquire(n, err);
	if (st != LL_OK)
		return st;
	uint32_t table = n->nodes[n->keys[key].node].table;
	uint32_t c = ll_norm_key_column(n, key);
	if (c == LL_NORM_NONE) {
		ll_column col = { .name = (char *)n->keys[key].name,
				  .nullable = !is_key_column(n, table, n->keys[key].name), .field_id = -1 };
		ll_norm_infer_column(v, n->detections, &col);
		st = column_add(n, table, &col, &c, err);
		if (st != LL_OK)
			return st;
	}
	st = ll_norm_own_column(n, table, key, c, err);
	if (st != LL_OK)
		return st;
	ll_norm_key *k = &n->keys[key];
	k->column = c;
	k->type = n->tables[table].t->columns[c].type;
	k->bound = true;
	k->direct_kinds = direct_kinds(k->type);
	*column = c;
	return LL_OK;
}

ll_status ll_norm_variant_column(ll_normalizer *n, uint32_t key, const ll_json_value *v,
				 uint32_t *column, ll_error *err)
{
	ll_data_type vt = ll_norm_value_type(v);
	if (n->keys[key].variants[vt] != LL_NORM_NONE) {
		*column = n->keys[key].variants[vt];
		return LL_OK;
	}
	ll_status st = ll_norm_acquire(n, err);
	if (st != LL_OK)
		return st;
	uint32_t table = n->nodes[n->keys[key].node].table;
	char suffix[32];
	snprintf(suffix, sizeof(suffix), "v_%s", ll_data_type_name(vt));
	ll_buf_clear(&n->tmp);
	ll_naming_join(n->keys[key].name, suffix, &n->tmp);
	if (ll_buf_oom(&n->tmp))
		return ll_error_oom(err);
	const ll_table *t = n->tables[table].t;
	long found = ll_table_find_column(t, n->tmp.data, n->tmp.len);
	uint32_t c = found < 0 ? LL_NORM_NONE : (uint32_t)found;
	if (c == LL_NORM_NONE) {
		ll_column col = { .name = n->tmp.data, .nullable = true, .field_id = -1,
				  .variant_of = (char *)n->keys[key].name };
		ll_norm_infer_column(v, n->detections, &col);
		st = column_add(n, table, &col, &c, err);
	}
	if (st == LL_OK)
		st = ll_norm_own_column(n, table, key, c, err);
	if (st == LL_OK)
		*column = n->keys[key].variants[vt] = c;
	return st;
}

ll_status ll_norm_link_column(ll_normalizer *n, uint32_t table, uint32_t *slot, const char *name,
			      ll_data_type type, ll_error *err)
{
	ll_status st = ll_norm_acquire(n, err);
	if (st != LL_OK)
		return st;
	const ll_table *t = n->tables[table].t;
	long found = ll_table_find_column(t, name, strlen(name));
	if (found >= 0 && t->columns[found].type != type)
		return ll_norm_fail(n, err, LL_ESCHEMA, t->name, name,
				    "column %s of table %s has type %s, but dlt's %s column is %s; remove the "
				    "hint or the column that changed it",
				    name, t->name, ll_data_type_name(t->columns[found].type), name,
				    ll_data_type_name(type));
	if (found >= 0) {
		*slot = (uint32_t)found;
		return LL_OK;
	}
	ll_column col = { .name = (char *)name, .type = type, .nullable = false, .field_id = -1 };
	return column_add(n, table, &col, slot, err);
}
