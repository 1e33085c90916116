/*
 * ll_lookup: one lake table's rows held in memory and hashed on one column,
 * so the inner side of a join is read from its files once per query instead
 * of once per outer row.
 *
 * A lookup holds the used columns of every row a scan produced, already as
 * SQL values, within a byte budget; a row that does not fit makes the lookup
 * fail and the caller goes back to scanning files. Strings live in an arena.
 *
 * Probing must return at least every row SQLite would find equal (it checks
 * the rows we return again), so it answers exactly only where equality is
 * plain: numbers against a numeric column (integers and integral reals meet
 * under one key, since SQLite compares them exactly), text against a text
 * column by bytes (BINARY collation, checked by the planner), blobs against a
 * blob column. A probe of another kind, where affinity could convert one
 * side, gets every row; NULL gets none. If a stored key is not of its
 * column's own kind (a file typed differently from the catalog), every probe
 * gets every row.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"

#define LL_LOOKUP_NONE UINT32_MAX

typedef enum ll_key_tag {
	LL_KEY_NULL,
	LL_KEY_INT, /* integers, and reals that are integers */
	LL_KEY_REAL,
	LL_KEY_TEXT,
	LL_KEY_BLOB,
} ll_key_tag;

typedef struct ll_key {
	ll_key_tag tag;
	int64_t i;
	double d;
	const char *s;
	size_t len;
} ll_key;

struct ll_lookup {
	size_t nused;
	size_t key_slot;
	ll_engine_domain domain;
	size_t budget;
	bool mixed; /* a stored key is not of the column's own kind: probes get every row */
	ll_arena strings;
	ll_cell *cells; /* nrows * nused */
	sqlite3_int64 *rowids;
	uint32_t *next; /* hash chains */
	uint32_t *buckets;
	size_t nbuckets;
	size_t nrows, cap;
};

static ll_key key_of(ll_cell_kind kind, int64_t i, double d, const char *s, size_t len)
{
	ll_key k = { LL_KEY_NULL, 0, 0, NULL, 0 };
	switch (kind) {
	case LL_CELL_INT:
		k.tag = LL_KEY_INT;
		k.i = i;
		break;
	case LL_CELL_REAL:
		/* 2^63 is the first double past INT64_MAX; every double below it converts exactly */
		if (d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
			k.tag = LL_KEY_INT;
			k.i = (int64_t)d;
		} else if (!isnan(d)) {
			k.tag = LL_KEY_REAL;
			k.d = d;
		}
		break;
	case LL_CELL_TEXT:
	case LL_CELL_BLOB:
		k.tag = kind == LL_CELL_TEXT ? LL_KEY_TEXT : LL_KEY_BLOB;
		k.s = s;
		k.len = len;
		break;
	case LL_CELL_NULL:
		break;
	}
	return k;
}

/* Whether keys of this kind compare with the column's values without conversion. */
static bool natural(ll_engine_domain domain, ll_key_tag tag)
{
	switch (domain) {
	case LL_DOMAIN_INT:
	case LL_DOMAIN_REAL:
		return tag == LL_KEY_INT || tag == LL_KEY_REAL;
	case LL_DOMAIN_BLOB:
		return tag == LL_KEY_BLOB;
	default:
		return tag == LL_KEY_TEXT;
	}
}

static uint64_t key_hash(const ll_key *k)
{
	switch (k->tag) {
	case LL_KEY_INT:
		return ll_mix64((uint64_t)k->i);
	case LL_KEY_REAL: {
		uint64_t bits;
		memcpy(&bits, &k->d, sizeof(bits));
		return ll_mix64(bits ^ 0x5bd1e995u);
	}
	default:
		return ll_hash64(k->s, k->len, k->tag);
	}
}

static bool key_equal(const ll_key *a, const ll_key *b)
{
	if (a->tag != b->tag)
		return false;
	if (a->tag == LL_KEY_INT)
		return a->i == b->i;
	if (a->tag == LL_KEY_REAL)
		return a->d == b->d;
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static ll_key row_key(const ll_lookup *l, size_t row)
{
	const ll_cell *c = &l->cells[row * l->nused + l->key_slot];
	return key_of(c->kind, c->i, c->d, c->s, c->len);
}

ll_lookup *ll_lookup_new(size_t nused, size_t key_slot, ll_engine_domain domain, size_t budget)
{
	ll_lookup *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->nused = nused;
	l->key_slot = key_slot;
	l->domain = domain;
	l->budget = budget;
	ll_arena_init(&l->strings, 0);
	return l;
}

void ll_lookup_free(ll_lookup *l)
{
	if (!l)
		return;
	ll_arena_free(&l->strings);
	free(l->cells);
	free(l->rowids);
	free(l->next);
	free(l->buckets);
	free(l);
}

static size_t lookup_bytes(const ll_lookup *l, size_t cap)
{
	return cap * (l->nused * sizeof(ll_cell) + sizeof(sqlite3_int64) + sizeof(uint32_t)) +
	       l->strings.total;
}

static bool lookup_grow(ll_lookup *l)
{
	size_t cap = l->cap ? l->cap * 2 : 1024;
	if (cap >= LL_LOOKUP_NONE || lookup_bytes(l, cap) > l->budget)
		return false;
	ll_cell *cells = realloc(l->cells, cap * l->nused * sizeof(*cells) + 1);
	if (cells)
		l->cells = cells;
	sqlite3_int64 *rowids = realloc(l->rowids, cap * sizeof(*rowids));
	if (rowids)
		l->rowids = rowids;
	if (!cells || !rowids)
		return false;
	l->cap = cap;
	return true;
}

bool ll_lookup_add(ll_lookup *l, sqlite3_int64 rowid, const ll_cell *cells)
{
	if (l->nrows == l->cap && !lookup_grow(l))
		return false;
	ll_cell *dst = &l->cells[l->nrows * l->nused];
	for (size_t k = 0; k < l->nused; k++) {
		dst[k] = cells[k];
		if (cells[k].kind != LL_CELL_TEXT && cells[k].kind != LL_CELL_BLOB)
			continue;
		dst[k].s = ll_arena_strndup(&l->strings, cells[k].s, cells[k].len);
		if (!dst[k].s)
			return false;
	}
	if (lookup_bytes(l, l->cap) > l->budget)
		return false;
	l->rowids[l->nrows++] = rowid;
	return true;
}

/* Builds the hash chains once every row is in. */
bool ll_lookup_seal(ll_lookup *l)
{
	size_t n = 16;
	while (n < l->nrows * 2)
		n *= 2;
	l->buckets = malloc(n * sizeof(*l->buckets));
	l->next = malloc((l->nrows ? l->nrows : 1) * sizeof(*l->next));
	if (!l->buckets || !l->next)
		return false;
	l->nbuckets = n;
	memset(l->buckets, 0xff, n * sizeof(*l->buckets));
	/* chains run in row order so equal keys come back in file order */
	for (size_t r = l->nrows; r-- > 0;) {
		ll_key k = row_key(l, r);
		l->next[r] = LL_LOOKUP_NONE;
		if (k.tag == LL_KEY_NULL)
			continue;
		if (!natural(l->domain, k.tag))
			l->mixed = true;
		size_t b = key_hash(&k) & (n - 1);
		l->next[r] = l->buckets[b];
		l->buckets[b] = (uint32_t)r;
	}
	return true;
}

void ll_lookup_probe(const ll_lookup *l, sqlite3_value *v, ll_lookup_iter *it)
{
	int t = sqlite3_value_type(v);
	ll_cell_kind kind = t == SQLITE_INTEGER ? LL_CELL_INT
			    : t == SQLITE_FLOAT	    ? LL_CELL_REAL
			    : t == SQLITE_TEXT	    ? LL_CELL_TEXT
			    : t == SQLITE_BLOB	    ? LL_CELL_BLOB
						    : LL_CELL_NULL;
	const void *s = kind == LL_CELL_TEXT ? (const void *)sqlite3_value_text(v)
			: kind == LL_CELL_BLOB ? sqlite3_value_blob(v)
					       : NULL;
	ll_key k = key_of(kind, kind == LL_CELL_INT ? sqlite3_value_int64(v) : 0,
			  kind == LL_CELL_REAL ? sqlite3_value_double(v) : 0, s ? s : "",
			  s ? (size_t)sqlite3_value_bytes(v) : 0);
	it->all = false;
	it->next = LL_LOOKUP_NONE;
	if (k.tag == LL_KEY_NULL)
		return;
	if (l->mixed || !natural(l->domain, k.tag)) {
		it->all = true;
		it->next = 0;
		return;
	}
	it->key_tag = k.tag;
	it->i = k.i;
	it->d = k.d;
	/* the value dies with xFilter; the iterator lives until the next one */
	ll_buf_clear(&it->bytes);
	ll_buf_append(&it->bytes, k.s, k.len);
	if (ll_buf_oom(&it->bytes)) {
		it->all = true;
		it->next = 0;
		return;
	}
	it->next = l->buckets[key_hash(&k) & (l->nbuckets - 1)];
}

void ll_lookup_iter_free(ll_lookup_iter *it)
{
	ll_buf_free(&it->bytes);
}

bool ll_lookup_next(const ll_lookup *l, ll_lookup_iter *it, size_t *row)
{
	if (it->all) {
		if (it->next >= l->nrows)
			return false;
		*row = it->next++;
		return true;
	}
	ll_key want = { (ll_key_tag)it->key_tag, it->i, it->d, ll_buf_cstr(&it->bytes),
			it->bytes.len };
	while (it->next != LL_LOOKUP_NONE) {
		size_t r = it->next;
		it->next = l->next[r];
		ll_key k = row_key(l, r);
		if (key_equal(&k, &want)) {
			*row = r;
			return true;
		}
	}
	return false;
}

const ll_cell *ll_lookup_row(const ll_lookup *l, size_t row)
{
	return &l->cells[row * l->nused];
}

sqlite3_int64 ll_lookup_rowid(const ll_lookup *l, size_t row)
{
	return l->rowids[row];
}
