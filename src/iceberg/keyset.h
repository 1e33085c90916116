/*
 * A set of byte strings (encoded key tuples), for merges: which primary
 * keys arrive, which root row ids go. Keys are copied into the set's arena;
 * lookups compare whole keys, never just hashes, so a hash collision can
 * never delete a row it should not.
 */
#ifndef LL_ICEBERG_KEYSET_H
#define LL_ICEBERG_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/parquet/parquet_reader.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"

typedef struct ll_keyset_slot {
	uint64_t hash;
	const uint8_t *key; /* NULL: empty slot */
	size_t len;
	uint64_t value;
} ll_keyset_slot;

typedef struct ll_keyset {
	ll_keyset_slot *slots;
	uint64_t *filter; /* a bit per key's hash: most absent keys are found absent here */
	size_t cap, count;
	ll_arena arena;
} ll_keyset;

void ll_keyset_init(ll_keyset *s);
void ll_keyset_free(ll_keyset *s);

/**
 * Inserts key with value, or finds it. *slot is the key's slot (its value
 * may be changed); *added says whether it is new. False when out of memory.
 */
bool ll_keyset_put(ll_keyset *s, const void *key, size_t len, uint64_t value,
		   ll_keyset_slot **slot, bool *added);

/** The slot of key, or NULL. */
ll_keyset_slot *ll_keyset_find(const ll_keyset *s, const void *key, size_t len);

/** Appends a value's key encoding (type-independent, unambiguous) to out. */
void ll_keyset_encode_value(const ll_value *v, ll_buf *out);

/*
 * A set of integers, for the common merge on one integer primary key (ids,
 * timestamps, dates): a lookup mixes the value itself, no encoding, and a
 * filter of 8 bits per member answers most misses from the cache. The sorted
 * members answer whether any lies between two bounds (a data file's or a row
 * group's key statistics). Members are added first, then the set is sealed
 * and only read, from any number of threads.
 */
typedef struct ll_intset {
	int64_t *sorted; /* the members, ascending and distinct once sealed */
	size_t count, cap;
	int64_t *slots;  /* INT64_MIN: empty */
	uint64_t *filter;
	size_t mask, filter_mask;
	bool has_min;    /* whether INT64_MIN, the empty slot's mark, is a member */
} ll_intset;

void ll_intset_init(ll_intset *s);
void ll_intset_free(ll_intset *s);
/** Adds a member (before ll_intset_seal). False when out of memory. */
bool ll_intset_add(ll_intset *s, int64_t v);
/** Sorts the members and builds the lookup table. False when out of memory. */
bool ll_intset_seal(ll_intset *s);
/** Whether v is a member of the sealed set. Inline: a merge asks once per existing row. */
static inline bool ll_intset_has(const ll_intset *s, int64_t v)
{
	if (v == INT64_MIN)
		return s->has_min;
	uint64_t h = ll_mix64((uint64_t)v);
	size_t bit = (size_t)(h >> 32) & s->filter_mask;
	if (!(s->filter[bit / 64] >> (bit % 64) & 1))
		return false;
	for (size_t at = h & s->mask; s->slots[at] != INT64_MIN; at = (at + 1) & s->mask) {
		if (s->slots[at] == v)
			return true;
	}
	return false;
}
/** Whether a member of the sealed set lies in [lo, hi]. */
bool ll_intset_any_between(const ll_intset *s, int64_t lo, int64_t hi);

#endif
