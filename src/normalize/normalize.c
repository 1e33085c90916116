/*
 * The record walk: turns one JSON record into rows of the root table and
 * its child tables, in dlt's order (a row is complete and written before
 * the rows of its lists), and drives the normalizer's lifecycle.
 *
 * Invariants: a table has at most one row being built at a time, because a
 * row is written before any row of a child table starts and child tables
 * are always other tables. Lists found while a row is flattened wait on the
 * pending stack; the entries a row pushed (from `base` up) are consumed and
 * popped right after that row is written, so the stack never holds more
 * than one path's worth of lists above the root rows' lists of the batch
 * being pushed (walk_batch). `level` counts down dlt's max_nesting the
 * way relational.py does: minus one per nested object and per list, minus
 * two for a list inside a list; at zero nested values are kept whole.
 */
#include "normalize/normalize_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/log.h"

/* Small enough that a load reaches it within its first ~30 MB of input, so
 * peak memory is the same for any larger input (two row groups per budget,
 * the open one and the one being written, and the encoders' page buffers:
 * about 60-70 MiB resident); row groups of up to 32 MiB encoded are still
 * large enough for Athena's readers. */
#define DEFAULT_BUDGET ((size_t)32 << 20)
#define DEFAULT_MAX_NESTING 1000
#define DEFAULT_MAX_OPEN_FILES 256

/* A string that need not be NUL-terminated. */
typedef struct norm_str {
	const char *ptr;
	size_t len;
} norm_str;

static ll_status walk_object(ll_normalizer *n, uint32_t table, uint32_t node,
			     const ll_json_value *obj, int level, ll_error *err);
static ll_status walk_pending(ll_normalizer *n, size_t base, norm_str parent_id, norm_str root_id,
			      int row_level, ll_error *err);

/* ---- the row being built ---- */

static void row_begin(ll_norm_table *nt)
{
	if (++nt->gen == 0) {
		memset(nt->slots, 0, nt->slots_cap * sizeof(*nt->slots));
		nt->gen = 1;
	}
	nt->nvalues = 0;
}

/* The value of column c in the row being built: the one set before, or a new one. */
static inline ll_row_value *row_slot(ll_norm_table *nt, size_t c)
{
	ll_norm_slot *slot = &nt->slots[c];
	if (slot->gen != nt->gen) {
		slot->gen = nt->gen;
		slot->pos = (uint32_t)nt->nvalues++;
	}
	return &nt->values[slot->pos];
}

/*
 * The value of column c, its column and type set: the caller fills u. Values
 * are written in place, field by field, not built aside and copied: a copy
 * of a struct just written reads it back wider than it was stored, which
 * stalls the load until the stores retire.
 */
static inline ll_row_value *row_put(ll_norm_table *nt, uint32_t c, ll_data_type type)
{
	ll_row_value *out = row_slot(nt, c);
	out->column = c;
	out->type = type;
	return out;
}

/* Sets v into the row, copying only the member of u its type uses (see row_put). */
static inline void row_set(ll_norm_table *nt, const ll_row_value *v)
{
	ll_row_value *out = row_put(nt, (uint32_t)v->column, v->type);
	switch (v->type) {
	case LL_TYPE_BIGINT:
	case LL_TYPE_TIMESTAMP:
	case LL_TYPE_DATE: out->u.i = v->u.i; break;
	case LL_TYPE_DOUBLE: out->u.d = v->u.d; break;
	case LL_TYPE_BOOL: out->u.b = v->u.b; break;
	case LL_TYPE_DECIMAL: memcpy(out->u.dec, v->u.dec, sizeof(out->u.dec)); break;
	default:
		out->u.s.ptr = v->u.s.ptr;
		out->u.s.len = v->u.s.len;
		break;
	}
}

/* A later null for a key that had a value in this row wins, as in a Python dict. */
static void row_unset(ll_norm_table *nt, uint32_t c)
{
	if (nt->slots[c].gen != nt->gen)
		return;
	uint32_t pos = nt->slots[c].pos;
	nt->slots[c].gen = 0;
	if (pos != --nt->nvalues) {
		nt->values[pos] = nt->values[nt->nvalues];
		nt->slots[nt->values[pos].column].pos = pos;
	}
}

static const ll_row_value *row_get(const ll_norm_table *nt, uint32_t c)
{
	return c != LL_NORM_NONE && nt->slots[c].gen == nt->gen ? &nt->values[nt->slots[c].pos] : NULL;
}

/* The value as short JSON text, for messages. */
static const char *value_preview(ll_normalizer *n, const ll_json_value *v)
{
	ll_buf_clear(&n->tmp);
	ll_json_write(v, &n->tmp);
	if (n->tmp.len > 80) {
		n->tmp.len = 77;
		ll_buf_puts(&n->tmp, "...");
	}
	return ll_buf_cstr(&n->tmp);
}

/* A value its key's column takes as is, without a call: most values of most records. */
static inline bool put_direct(ll_norm_table *nt, const ll_norm_key *k, const ll_json_value *v)
{
	if (!(k->direct_kinds >> v->kind & 1))
		return false;
	ll_row_value *out = row_put(nt, k->column, k->type);
	/* text, bigint and double are the value's bytes as they are (one 16-byte move,
	 * no branch on the type); a bool is its kind */
	memcpy(&out->u, &v->u, sizeof(v->u.s));
	if (k->type == LL_TYPE_BOOL)
		out->u.b = v->kind == LL_JSON_TRUE;
	return true;
}

/* A value that needs its column found or created, a conversion or a variant column. */
static ll_status put_converted(ll_normalizer *n, uint32_t table, uint32_t key, const ll_json_value *v,
			       ll_error *err)
{
	uint32_t c = n->keys[key].column;
	ll_status st = n->keys[key].bound ? LL_OK : ll_norm_bind_column(n, key, v, &c, err);
	if (st != LL_OK)
		return st;
	ll_row_value val;
	ll_coerce_result r = ll_norm_coerce(v, &n->tables[table].t->columns[c], &n->scratch, &n->tmp, &val);
	if (r == LL_COERCE_NO) {
		uint32_t base = c;
		st = ll_norm_variant_column(n, key, v, &c, err);
		if (st != LL_OK)
			return st;
		const ll_table *t = n->tables[table].t;
		r = ll_norm_coerce(v, &t->columns[c], &n->scratch, &n->tmp, &val);
		if (r == LL_COERCE_NO)
			return ll_norm_fail(n, err, LL_ESCHEMA, t->name, t->columns[c].name,
					    "value %s of key \"%.*s\" fits neither column %s (%s) nor its "
					    "variant column %s (%s) of table %s; fix the value in the source "
					    "data or the variant column's type in the schema",
					    value_preview(n, v), (int)n->keys[key].raw_len, n->keys[key].raw,
					    t->columns[base].name, ll_data_type_name(t->columns[base].type),
					    t->columns[c].name, ll_data_type_name(t->columns[c].type), t->name);
	}
	if (r == LL_COERCE_NOMEM)
		return ll_error_oom(err);
	val.column = c;
	row_set(&n->tables[table], &val);
	return LL_OK;
}

static ll_status put_value(ll_normalizer *n, uint32_t table, uint32_t key, const ll_json_value *v,
			   ll_error *err)
{
	if (put_direct(&n->tables[table], &n->keys[key], v))
		return LL_OK;
	return put_converted(n, table, key, v, err);
}

/* A null creates no column (dlt infers nothing from it) and may not go into a non-nullable one. */
static ll_status put_null(ll_normalizer *n, uint32_t table, uint32_t key, ll_error *err)
{
	uint32_t c = ll_norm_key_column(n, key);
	if (c == LL_NORM_NONE)
		return LL_OK;
	ll_norm_table *nt = &n->tables[table];
	/* a null does not claim a column, but it may not blank out another key's value either */
	if (nt->owner[c] != 0 && nt->owner[c] != key + 1)
		return ll_norm_own_column(n, table, key, c, err);
	ll_status st = ll_norm_check_null_owner(n, table, key, c, err);
	if (st != LL_OK)
		return st;
	nt = &n->tables[table];
	const ll_column *col = &nt->t->columns[c];
	/* dlt's own columns are filled by the normalizer, whatever the record says */
	if (!col->nullable && !ll_schema_is_dlt_name(col->name))
		return ll_norm_fail(n, err, LL_ESCHEMA, nt->t->name, col->name,
				    "key \"%.*s\" is null, but column %s of table %s is not nullable; give it "
				    "a value or make the column nullable",
				    (int)n->keys[key].raw_len, n->keys[key].raw, col->name, nt->t->name);
	row_unset(nt, c);
	return LL_OK;
}

static inline ll_status put_text(ll_normalizer *n, uint32_t table, uint32_t *slot,
				 const char *name, norm_str s, ll_error *err)
{
	ll_status st = *slot == LL_NORM_NONE ? ll_norm_link_column(n, table, slot, name, LL_TYPE_TEXT, err) : LL_OK;
	if (st != LL_OK)
		return st;
	ll_row_value *out = row_put(&n->tables[table], *slot, LL_TYPE_TEXT);
	out->u.s.ptr = s.ptr;
	out->u.s.len = s.len;
	return LL_OK;
}

/* Nested values stay whole past max_nesting and under keys whose column is json. */
static inline bool keep_whole(ll_normalizer *n, uint32_t table, uint32_t key, int level)
{
	if (level <= 0)
		return true;
	uint32_t c = ll_norm_key_column(n, key);
	return c != LL_NORM_NONE && n->tables[table].t->columns[c].type == LL_TYPE_JSON;
}

static ll_status pending_push(ll_normalizer *n, uint32_t table, uint32_t key,
			      const ll_json_value *list, ll_error *err)
{
	if (n->npending == n->pending_cap) {
		size_t cap = n->pending_cap ? n->pending_cap * 2 : 64;
		ll_norm_pending *p = realloc(n->pending, cap * sizeof(*p));
		if (!p)
			return ll_error_oom(err);
		n->pending = p;
		n->pending_cap = cap;
	}
	n->pending[n->npending++] = (ll_norm_pending){ table, key, list, LL_NORM_NO_IDS };
	return LL_OK;
}

/* A nested object dlt flattens (not kept whole, not empty): its walk is deferred. */
static bool is_flattened_object(ll_normalizer *n, uint32_t table, uint32_t key,
				const ll_json_value *v, int level)
{
	return v->kind == LL_JSON_OBJECT && v->u.obj.count && !keep_whole(n, table, key, level);
}

static ll_status walk_member(ll_normalizer *n, uint32_t table, uint32_t key, const ll_json_value *v,
			     int level, ll_error *err)
{
	switch (v->kind) {
	case LL_JSON_NULL:
		return put_null(n, table, key, err);
	case LL_JSON_OBJECT:
	case LL_JSON_ARRAY:
		if (keep_whole(n, table, key, level))
			return put_value(n, table, key, v, err);
		if (v->kind == LL_JSON_ARRAY)
			return v->u.arr.count ? pending_push(n, table, key, v, err) : LL_OK;
		return LL_OK; /* empty objects add nothing; others are walked after their siblings */
	default:
		return put_value(n, table, key, v, err);
	}
}

typedef struct deferred_object {
	uint32_t key;
	const ll_json_value *value;
} deferred_object;

/*
 * dlt's _flatten works a stack: an object's scalars (and lists) first, in
 * document order, then its nested objects, the last one first. Walking the
 * nested objects in reverse after the members gives the same column and
 * list order.
 */
static ll_status walk_object(ll_normalizer *n, uint32_t table, uint32_t node,
			     const ll_json_value *obj, int level, ll_error *err)
{
	deferred_object *deferred = NULL;
	size_t ndeferred = 0;
	uint32_t prev = LL_NORM_NONE;
	for (size_t i = 0; i < obj->u.obj.count; i++) {
		const ll_json_member *m = &obj->u.obj.members[i];
		uint32_t key = ll_norm_key_guess(n, node, prev, m->key, m->key_len);
		if (key == LL_NORM_NONE) {
			ll_status st = ll_norm_key_find(n, node, prev, m->key, m->key_len, &key, err);
			if (st != LL_OK)
				return st;
		}
		prev = key;
		if (put_direct(&n->tables[table], &n->keys[key], m->value))
			continue;
		if (is_flattened_object(n, table, key, m->value, level)) {
			if (!deferred) {
				deferred = ll_arena_alloc(&n->scratch, obj->u.obj.count * sizeof(*deferred));
				if (!deferred)
					return ll_error_oom(err);
			}
			deferred[ndeferred++] = (deferred_object){ key, m->value };
			continue;
		}
		ll_status st = walk_member(n, table, key, m->value, level, err);
		if (st != LL_OK)
			return st;
	}
	while (ndeferred > 0) {
		deferred_object d = deferred[--ndeferred];
		uint32_t child = LL_NORM_NONE;
		ll_status st = ll_norm_object_node(n, d.key, &child, err);
		if (st == LL_OK)
			st = walk_object(n, table, child, d.value, level - 1, err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

/* ---- finishing rows ---- */

/*
 * The row's _dlt_id: the record's own non-empty one (as dlt keeps it), else a
 * fresh one: derived from the table and ordinal for a root row, or for a
 * child row child_id, hashed beforehand from the parent's id and the list
 * index (NULL for a root).
 */
static ll_status row_id(ll_normalizer *n, uint32_t table, const char *child_id, char buf[15],
			norm_str *id, ll_error *err)
{
	if (n->tables[table].c_id == LL_NORM_NONE) {
		ll_status st = ll_norm_link_column(n, table, &n->tables[table].c_id, "_dlt_id", LL_TYPE_TEXT, err);
		if (st != LL_OK)
			return st;
	}
	ll_norm_table *nt = &n->tables[table];
	const ll_row_value *own = row_get(nt, nt->c_id);
	uint64_t counter = nt->rows++;
	/* ordinals and counters take different seeds: one load may have both */
	uint64_t seed = nt->id_seed;
	if (!child_id && n->has_ordinal) {
		counter = n->ordinal;
		seed = ll_mix64(seed ^ 0x6f7264696e616cULL);
	}
	if (own && own->u.s.len > 0) {
		id->ptr = own->u.s.ptr;
		id->len = own->u.s.len;
		return LL_OK;
	}
	if (child_id)
		memcpy(buf, child_id, 15);
	else
		ll_dlt_id(seed, counter, buf);
	id->ptr = buf;
	id->len = 14;
	return put_text(n, table, &n->tables[table].c_id, "_dlt_id", *id, err);
}

static ll_status check_required(ll_normalizer *n, uint32_t table, ll_error *err)
{
	const ll_norm_table *nt = &n->tables[table];
	for (size_t i = 0; i < nt->nrequired; i++) {
		if (!row_get(nt, nt->required[i])) {
			const char *col = nt->t->columns[nt->required[i]].name;
			return ll_norm_fail(n, err, LL_ESCHEMA, nt->t->name, col,
					    "column %s of table %s is not nullable, but the record has no value "
					    "for it; add the value to every record or make the column nullable",
					    col, nt->t->name);
		}
	}
	return LL_OK;
}

/*
 * dlt's primary and merge key columns are not nullable: the root row needs a
 * value in each (a value that went to a variant column is none).
 */
static ll_status check_key_columns(ll_normalizer *n, ll_error *err)
{
	const ll_norm_table *nt = &n->tables[0];
	for (size_t i = 0; i < n->nkey_columns; i++) {
		long c = ll_table_find_column(nt->t, n->key_columns[i], n->key_lens[i]);
		/* a column another thread added and this one never used is empty here */
		if (c >= 0 && (size_t)c < nt->slots_cap && row_get(nt, (uint32_t)c))
			continue;
		return ll_norm_fail(n, err, LL_ESCHEMA, nt->t->name, n->key_columns[i],
				    "column %s of table %s is a primary or merge key, which dlt makes not "
				    "nullable, but the record has no value for it; give every record a "
				    "value for it or drop the key",
				    n->key_columns[i], nt->t->name);
	}
	return LL_OK;
}

/* Link columns, the id, the write; then the rows of the lists this row holds. */
static ll_status finish_child_row(ll_normalizer *n, uint32_t table, size_t base, norm_str parent_id,
				  norm_str root_id, int64_t idx, size_t id_slot, int row_level,
				  ll_error *err)
{
	/* dlt's order: propagated root key, parent key, list index, then the id */
	ll_status st = n->root_key ? put_text(n, table, &n->tables[table].c_root_id, "_dlt_root_id",
					       root_id, err)
				   : LL_OK;
	if (st == LL_OK)
		st = put_text(n, table, &n->tables[table].c_parent_id, "_dlt_parent_id", parent_id, err);
	if (st == LL_OK && n->tables[table].c_list_idx == LL_NORM_NONE)
		st = ll_norm_link_column(n, table, &n->tables[table].c_list_idx, "_dlt_list_idx",
					 LL_TYPE_BIGINT, err);
	if (st != LL_OK)
		return st;
	ll_norm_table *nt = &n->tables[table];
	ll_row_value v = { .column = nt->c_list_idx, .type = LL_TYPE_BIGINT, .u.i = idx };
	row_set(nt, &v);
	char buf[15];
	norm_str id;
	st = row_id(n, table, n->child_ids.ids[id_slot], buf, &id, err);
	if (st == LL_OK)
		st = check_required(n, table, err);
	if (st == LL_OK)
		st = ll_norm_write_row(n, table, err);
	/* most child rows hold no lists: no call then */
	if (st != LL_OK || n->npending == base)
		return st;
	return walk_pending(n, base, id, root_id, row_level, err);
}

/* dlt wraps what is not an object: scalars as {"value": x}, lists in lists as {"list": x}. */
static void wrap(ll_json_member *m, ll_json_value *obj, const char *key, const ll_json_value *v)
{
	m->key = key;
	m->key_len = strlen(key);
	m->value = (ll_json_value *)v;
	obj->kind = LL_JSON_OBJECT;
	obj->u.obj.members = m;
	obj->u.obj.count = 1;
}

/* The rows of a pending list; their ids were added by walk_pending unless its table is new. */
static ll_status walk_list(ll_normalizer *n, ll_norm_pending p, norm_str parent_id,
			   norm_str root_id, int level, ll_error *err)
{
	const ll_json_value *list = p.list;
	uint32_t table = LL_NORM_NONE;
	ll_status st = ll_norm_child_table(n, p.key, &table, err);
	if (st == LL_OK && p.first_id == LL_NORM_NO_IDS) {
		st = ll_norm_child_ids_add(n, parent_id.ptr, parent_id.len, table, list->u.arr.count,
					   &p.first_id, err);
		ll_norm_child_ids_hash(n);
	}
	for (size_t i = 0; i < list->u.arr.count && st == LL_OK; i++) {
		const ll_json_value *item = list->u.arr.items[i];
		ll_json_member m;
		ll_json_value wrapped;
		int row_level = level;
		if (item->kind == LL_JSON_ARRAY) {
			wrap(&m, &wrapped, "list", item);
			item = &wrapped;
			row_level = level - 1;
		} else if (item->kind != LL_JSON_OBJECT) {
			wrap(&m, &wrapped, "value", item);
			item = &wrapped;
		}
		row_begin(&n->tables[table]);
		size_t base = n->npending;
		st = walk_object(n, table, n->tables[table].top, item, row_level, err);
		if (st == LL_OK)
			st = finish_child_row(n, table, base, parent_id, root_id, (int64_t)i,
					      p.first_id + i, row_level, err);
	}
	return st;
}

/*
 * A list's row ids, added when its child table exists: its name is known
 * without creating tables out of dlt's order. walk_list adds the others.
 */
static ll_status add_list_ids(ll_normalizer *n, ll_norm_pending *p, norm_str parent_id,
			      ll_error *err)
{
	uint32_t table = n->keys[p->key].child;
	if (table == LL_NORM_NONE)
		return LL_OK;
	return ll_norm_child_ids_add(n, parent_id.ptr, parent_id.len, table, p->list->u.arr.count,
				     &p->first_id, err);
}

/* The ids of the rows of pending lists lo..hi, children of parent_id, queued for hashing. */
static ll_status add_pending_ids(ll_normalizer *n, size_t lo, size_t hi, norm_str parent_id,
				 ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = lo; i < hi && st == LL_OK; i++)
		st = add_list_ids(n, &n->pending[i], parent_id, err);
	return st;
}

/* The rows of pending lists lo..hi, their ids hashed; lists they hold are pushed above hi. */
static ll_status walk_lists(ll_normalizer *n, size_t lo, size_t hi, norm_str parent_id,
			    norm_str root_id, int level, ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = lo; i < hi && st == LL_OK; i++)
		st = walk_list(n, n->pending[i], parent_id, root_id, level, err);
	return st;
}

/* The rows of the lists a row holds; the ids of all of them are hashed in one batch first. */
static ll_status walk_pending(ll_normalizer *n, size_t base, norm_str parent_id, norm_str root_id,
			      int row_level, ll_error *err)
{
	size_t end = n->npending, ids_mark = n->child_ids.count;
	ll_status st = add_pending_ids(n, base, end, parent_id, err);
	ll_norm_child_ids_hash(n);
	if (st == LL_OK)
		st = walk_lists(n, base, end, parent_id, root_id, row_level - 1, err);
	n->npending = base;
	n->child_ids.count = ids_mark;
	return st;
}

/* A record's root row as the batch keeps it: its id, and its lists on the pending stack. */
typedef struct batch_root {
	char buf[15];
	norm_str id;
	size_t lo, hi;
} batch_root;

/* The record whose rows are being made, for messages and its root row's id. */
static void set_record(ll_normalizer *n, const char *source, const ll_norm_record *r)
{
	n->source = source;
	n->line = r->line;
	n->column = r->column;
	n->ordinal = r->ordinal;
}

/*
 * Writes the record's root row, then queues the ids of the lists it holds
 * (left on the pending stack, from r->lo to r->hi) for hashing.
 */
static ll_status walk_root(ll_normalizer *n, const ll_json_value *record, batch_root *r,
			   ll_error *err)
{
	ll_json_member m;
	ll_json_value wrapped;
	if (record->kind != LL_JSON_OBJECT) {
		wrap(&m, &wrapped, "value", record);
		record = &wrapped;
	}
	const uint32_t root = 0;
	row_begin(&n->tables[root]);
	r->lo = r->hi = n->npending;
	ll_status st = walk_object(n, root, n->tables[root].top, record, n->max_nesting, err);
	norm_str load_id = { n->load_id, strlen(n->load_id) };
	if (st == LL_OK)
		st = put_text(n, root, &n->tables[root].c_load_id, "_dlt_load_id", load_id, err);
	if (st == LL_OK)
		st = row_id(n, root, NULL, r->buf, &r->id, err);
	if (st == LL_OK)
		st = check_key_columns(n, err);
	if (st == LL_OK)
		st = check_required(n, root, err);
	if (st == LL_OK)
		st = ll_norm_write_row(n, root, err);
	r->hi = n->npending;
	return st == LL_OK ? add_pending_ids(n, r->lo, r->hi, r->id, err) : st;
}

/*
 * The records' root rows, one after another, then each record's nested rows.
 * Every table still gets its rows in input order (a record's nested rows only
 * go to child tables), and the ids of the root rows' lists, a few per record,
 * are hashed together, filling the permutation's lanes. A record that fails
 * stops the batch; the nested rows of the records before it are still made,
 * and the first failure in input order is the one returned, as pushing the
 * records one by one would.
 */
static ll_status walk_batch(ll_normalizer *n, const ll_norm_record *records, size_t count,
			    const char *source, ll_error *err)
{
	batch_root roots[LL_NORM_BATCH];
	size_t ids_mark = n->child_ids.count, walked = 0;
	ll_status st = LL_OK;
	n->npending = 0;
	for (; walked < count && st == LL_OK; walked++) {
		set_record(n, source, &records[walked]);
		st = walk_root(n, records[walked].value, &roots[walked], err);
	}
	ll_error root_err;
	if (st != LL_OK) {
		walked--;
		root_err = *err;
		ll_error_clear(err);
	}
	ll_norm_child_ids_hash(n);
	ll_status lists = LL_OK;
	for (size_t i = 0; i < walked && lists == LL_OK; i++) {
		set_record(n, source, &records[i]);
		lists = walk_lists(n, roots[i].lo, roots[i].hi, roots[i].id, roots[i].id,
				   n->max_nesting - 1, err);
	}
	n->npending = 0;
	n->child_ids.count = ids_mark;
	if (lists != LL_OK)
		return lists;
	if (st != LL_OK)
		*err = root_err;
	return st;
}

static ll_status push(ll_normalizer *n, const ll_norm_record *records, size_t count,
		      const char *source, ll_error *err)
{
	if (n->failed || n->finished)
		return ll_error_set(err, LL_EINVAL,
				    "the normalizer %s; start a new load",
				    n->failed ? "failed on an earlier record" : "is finished");
	for (size_t i = 0; i < count; i++) {
		if (!records[i].value)
			return ll_error_set(err, LL_EINVAL, "no record to normalize");
	}
	if (count > LL_NORM_BATCH)
		return ll_error_set(err, LL_EINVAL, "%zu records in one batch; at most %d", count,
				    LL_NORM_BATCH);
	ll_arena_reset(&n->scratch);
	ll_status st = walk_batch(n, records, count, source, err);
	n->failed = st != LL_OK;
	return st;
}

ll_status ll_normalizer_push(ll_normalizer *n, const ll_json_value *record, const char *source,
			     uint64_t line, uint64_t column, ll_error *err)
{
	n->has_ordinal = false;
	ll_norm_record r = { record, line, column, 0 };
	return push(n, &r, 1, source, err);
}

ll_status ll_normalizer_push_batch(ll_normalizer *n, const ll_norm_record *records, size_t count,
				   const char *source, ll_error *err)
{
	n->has_ordinal = true;
	return push(n, records, count, source, err);
}

void ll_normalizer_set_sync(ll_normalizer *n, const ll_normalize_sync *sync)
{
	n->sync = sync;
	n->synced = false;
}

void ll_normalizer_begin_piece(ll_normalizer *n)
{
	n->synced = false;
	n->piece_serial++;
}

ll_status ll_normalizer_adopt(ll_normalizer *n, const ll_schema *from, ll_error *err)
{
	ll_status st = ll_schema_adopt(n->schema, from, err);
	for (size_t i = 0; st == LL_OK && i < n->ntables; i++)
		st = ll_norm_table_refresh(n, (uint32_t)i, err);
	return st;
}

/* ---- lifecycle ---- */

/* Athena reads no TIME from Parquet, so a table tree with a time column can never load. */
static ll_status check_no_time(const ll_schema *s, const ll_table *root, ll_error *err)
{
	for (size_t i = 0; i < s->ntables; i++) {
		const ll_table *t = s->tables[i];
		if (!ll_schema_in_tree(s, t, root))
			continue;
		for (size_t c = 0; c < t->ncolumns; c++) {
			if (t->columns[c].type != LL_TYPE_TIME)
				continue;
			ll_error_set_table(err, t->name, t->columns[c].name);
			return ll_error_set(err, LL_ETERMINAL,
					    "column %s of table %s has type time, and Athena cannot load TIME "
					    "values from Parquet; convert the values to text or timestamp (change "
					    "the column's type hint) and load again",
					    t->columns[c].name, t->name);
		}
	}
	return LL_OK;
}

/*
 * dlt propagates the root key (_dlt_root_id) into child tables of merge
 * tables (its default merge strategy, delete-insert, needs it), and into any
 * table tree that has one already, so an existing layout is kept.
 */
static bool propagates_root_key(const ll_schema *s, const ll_table *root)
{
	if (root->write_disposition == LL_WRITE_MERGE)
		return true;
	for (size_t i = 0; i < s->ntables; i++) {
		const ll_table *t = s->tables[i];
		if (t != root && ll_schema_in_tree(s, t, root) &&
		    ll_table_find_column(t, "_dlt_root_id", strlen("_dlt_root_id")) >= 0)
			return true;
	}
	return false;
}

static ll_status check_open_args(ll_schema *schema, const char *root_table,
				 const ll_normalize_options *opt, const ll_row_sink *sink,
				 ll_table **root, ll_error *err)
{
	if (!schema || !root_table || !opt || !opt->load_id || !opt->out_dir || !sink || !sink->open ||
	    !sink->add_column || !sink->write_row || !sink->buffered_bytes || !sink->flush ||
	    !sink->close || !sink->abort)
		return ll_error_set(err, LL_EINVAL,
				    "normalizer: schema, root table, load_id, out_dir and a complete sink "
				    "are required");
	*root = ll_schema_find_table(schema, root_table);
	if (!*root) {
		ll_error_set_table(err, root_table, NULL);
		return ll_error_set(err, LL_EINVAL, "table %s is not in schema %s; add it before normalizing",
				    root_table, schema->name);
	}
	if ((*root)->parent) {
		ll_error_set_table(err, root_table, NULL);
		return ll_error_set(err, LL_EINVAL,
				    "table %s is a child table of %s; records load into root tables",
				    root_table, (*root)->parent);
	}
	return check_no_time(schema, *root, err);
}

ll_status ll_normalizer_open_sink(ll_normalizer **out, ll_schema *schema, const char *root_table,
				  const ll_normalize_options *opt, const ll_row_sink *sink,
				  ll_error *err)
{
	*out = NULL;
	ll_table *root = NULL;
	ll_status st = check_open_args(schema, root_table, opt, sink, &root, err);
	if (st != LL_OK)
		return st;
	ll_normalizer *n = calloc(1, sizeof(*n));
	if (!n)
		return ll_error_oom(err);
	n->schema = schema;
	n->sink = *sink;
	n->parquet = opt->parquet;
	n->budget = opt->memory_budget ? opt->memory_budget : DEFAULT_BUDGET;
	n->max_nesting = opt->max_nesting > 0 ? opt->max_nesting : opt->max_nesting < 0 ? 0 : DEFAULT_MAX_NESTING;
	n->max_open_files = opt->max_open_files ? opt->max_open_files : DEFAULT_MAX_OPEN_FILES;
	n->logger = opt->logger;
	ll_arena_init(&n->names, 0);
	ll_arena_init(&n->scratch, 0);
	n->load_id = strdup(opt->load_id);
	n->out_dir = strdup(opt->out_dir);
	if (!n->load_id || !n->out_dir) {
		ll_normalizer_free(n);
		return ll_error_oom(err);
	}
	n->load_seed = ll_hash64(n->load_id, strlen(n->load_id), 0x6c6f6164ULL ^ opt->nonce);
	n->root_key = propagates_root_key(schema, root);
	n->detections = opt->detections ? opt->detections : LL_DETECT_DEFAULT;
	n->file_salt = opt->file_salt;
	uint32_t index = 0;
	st = ll_norm_set_key_columns(n, opt->key_columns, opt->nkey_columns, err);
	if (st == LL_OK)
		st = ll_norm_table_new(n, root, LL_NORM_NONE, LL_NORM_NONE, root->name, &index, err);
	if (st != LL_OK) {
		ll_normalizer_free(n);
		return st;
	}
	*out = n;
	return LL_OK;
}

/* Fails when the normalizer failed or finished: its files are gone or closed. */
static ll_status files_usable(const ll_normalizer *n, ll_error *err)
{
	if (!n->failed && !n->finished)
		return LL_OK;
	return ll_error_set(err, LL_EINVAL, "the normalizer %s; start a new load",
			    n->failed ? "failed on an earlier record" : "is finished already");
}

ll_status ll_normalizer_flush(ll_normalizer *n, ll_error *err)
{
	ll_status st = files_usable(n, err);
	if (st != LL_OK)
		return st;
	st = ll_norm_flush_files(n, err);
	n->failed = st != LL_OK;
	return st;
}

ll_status ll_normalizer_finish(ll_normalizer *n, ll_job_file **files, size_t *nfiles, ll_error *err)
{
	*files = NULL;
	*nfiles = 0;
	ll_status st = files_usable(n, err);
	if (st != LL_OK)
		return st;
	st = ll_norm_close_files(n, err);
	if (st != LL_OK) {
		n->failed = true;
		return st;
	}
	*files = n->done;
	*nfiles = n->ndone;
	n->done = NULL;
	n->ndone = n->done_cap = 0;
	n->finished = true;
	return LL_OK;
}

void ll_job_files_free(ll_job_file *files, size_t n)
{
	for (size_t i = 0; files && i < n; i++) {
		free(files[i].table);
		free(files[i].file_id);
		free(files[i].path);
	}
	free(files);
}

void ll_normalizer_free(ll_normalizer *n)
{
	if (!n)
		return;
	if (!n->finished)
		ll_norm_discard_files(n);
	ll_job_files_free(n->done, n->ndone);
	for (size_t i = 0; i < n->ntables; i++) {
		ll_norm_table *nt = &n->tables[i];
		free(nt->values);
		free(nt->slots);
		free(nt->owner);
		free(nt->required);
		free(nt->file_path);
	}
	free(n->tables);
	free(n->nodes);
	free(n->keys);
	free(n->key_index);
	free(n->pending);
	ll_arena_free(&n->names);
	ll_arena_free(&n->scratch);
	ll_buf_free(&n->tmp);
	ll_buf_free(&n->name);
	ll_norm_child_ids_free(n);
	free(n->load_id);
	free(n->out_dir);
	free(n);
}
