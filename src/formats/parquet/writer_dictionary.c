/*
 * Growable arrays and the per-chunk dictionary of the Parquet writer.
 *
 * The dictionary maps a value to its entry index with an open-addressing
 * table (linear probing, at most half full). A slot holds the value's 32-bit
 * hash as a tag above its entry index + 1, and the tag's low bits are its
 * home slot: a probe compares values only when the tags agree, so a miss
 * never touches the entries, and growth rehashes from the slots alone.
 * Entries are kept in insertion order, already PLAIN-encoded, so the
 * dictionary page is the values array as it stands. The lookup, which
 * nearly every put of a dictionary column makes, is inline in
 * writer_internal.h; insertion and growth are here.
 *
 * The slot table is an ll_big block, and a column's next chunk takes it
 * over, emptied, from the chunk just sealed (which needs only its entries
 * to be written): the next chunk then starts at the size the last one
 * reached instead of doubling up to it again, and clearing the table's
 * resident pages costs far less than the page faults of fresh ones.
 */
#include "formats/parquet/writer_internal.h"


#include "util/bigmem.h"

/*
 * Arrays live in ll_big blocks: from LL_BIG_MIN up they are mappings of
 * their own, reused through bigmem's cache. A load's normalizer threads fill
 * arrays of tens to hundreds of KiB (definition levels, the columns of child
 * tables) and the writers' threads free them in another order; from malloc,
 * they fragmented the normalizer threads' heaps into a resident size that
 * kept growing for the first seconds of a load.
 */
bool ll_pqw_vec_grow(ll_pqw_vec *v, size_t extra)
{
	if (extra > SIZE_MAX / 2 - v->len)
		return false;
	size_t need = v->len + extra;
	if (need <= v->cap)
		return true;
	size_t cap = v->cap ? v->cap : (v->hint > 256 ? v->hint : 256);
	while (cap < need)
		cap *= 2;
	uint8_t *p = ll_big_resize(v->data, v->cap, cap, v->len);
	if (!p)
		return false;
	v->data = p;
	v->cap = cap;
	return true;
}

void ll_pqw_vec_free(ll_pqw_vec *v)
{
	ll_big_free(v->data, v->cap);
	v->data = NULL;
	v->len = v->cap = 0;
}

void ll_pqw_vec_empty(ll_pqw_vec *v)
{
	if (!v->len) {
		ll_pqw_vec_free(v);
		return;
	}
	ll_big_release_after(v->data, v->cap, v->len);
	v->len = 0;
}

static void slots_free(ll_pqw_dict *d)
{
	ll_big_free(d->slots, d->nslots * sizeof(*d->slots));
	d->slots = NULL;
	d->nslots = 0;
}

/*
 * While the table doubles, the mark of a slot whose entry is not yet in its
 * place in the doubled table. Entry index + 1 is below 2^31 then (the table
 * is at most half full and has at most 2^31 slots before it doubles), so the
 * mark is a bit the slot does not use.
 */
#define SLOT_UNPLACED ((uint64_t)1 << 31)

/*
 * Doubles the table (or creates it) in place: the block grows keeping its
 * pages, so only the new half is new memory, and every slot moves to its
 * place in the doubled table. Each is marked unplaced, then placed in turn:
 * a probe passes placed slots and takes the first empty or unplaced one,
 * and the unplaced slot it displaces is placed next. A placed slot never
 * moves again, so every probe path stays unbroken.
 */
static bool dict_grow(ll_pqw_dict *d)
{
	size_t n = d->nslots, nslots = n ? n * 2 : 256;
	/* a tag places a value in at most 2^32 slots */
	if (nslots > (size_t)1 << 32)
		return false;
	uint64_t *slots = ll_big_resize(d->slots, n * sizeof(*slots), nslots * sizeof(*slots),
					n * sizeof(*slots));
	if (!slots)
		return false;
	memset(slots + n, 0, (nslots - n) * sizeof(*slots));
	for (size_t i = 0; i < n; i++) {
		if (slots[i])
			slots[i] |= SLOT_UNPLACED;
	}
	size_t mask = nslots - 1;
	for (size_t i = 0; i < n; i++) {
		if (!(slots[i] & SLOT_UNPLACED))
			continue;
		uint64_t carry = slots[i] & ~SLOT_UNPLACED;
		slots[i] = 0;
		size_t s = (size_t)(carry >> 32) & mask;
		for (;;) {
			uint64_t at = slots[s];
			if (at && !(at & SLOT_UNPLACED)) {
				s = (s + 1) & mask;
				continue;
			}
			slots[s] = carry;
			if (!at)
				break;
			carry = at & ~SLOT_UNPLACED;
			s = (size_t)(carry >> 32) & mask;
		}
	}
	d->slots = slots;
	d->nslots = nslots;
	return true;
}

static bool append_entry(ll_pqw_dict *d, const void *v, size_t width, size_t len)
{
	if (width) {
		if (!ll_pqw_vec_reserve(&d->values, width))
			return false;
		memcpy(d->values.data + d->values.len, v, width);
		d->values.len += width;
		return true;
	}
	if (!ll_pqw_vec_reserve(&d->values, 4 + len) ||
	    !ll_pqw_vec_reserve(&d->entries, sizeof(ll_pqw_dict_entry)))
		return false;
	uint32_t len32 = (uint32_t)len;
	ll_pqw_dict_entry e = { (uint32_t)(d->values.len + 4), len32 };
	memcpy(d->values.data + d->values.len, &len32, 4);
	if (len)
		memcpy(d->values.data + d->values.len + 4, v, len);
	d->values.len += 4 + len;
	memcpy(d->entries.data + d->entries.len, &e, sizeof(e));
	d->entries.len += sizeof(e);
	return true;
}

int64_t ll_pqw_dict_insert(ll_pqw_dict *d, const void *v, size_t width, size_t len, uint32_t tag)
{
	if (d->count * 2 >= d->nslots && !dict_grow(d))
		return -1;
	size_t mask = d->nslots - 1;
	size_t s = tag & mask;
	while (d->slots[s])
		s = (s + 1) & mask;
	if (!append_entry(d, v, width, len)) {
		/* the values may have moved: the last entry's copied place is stale */
		d->last = 0;
		return -1;
	}
	d->count++;
	ll_pqw_dict_set_last(d, d->count - 1, width, len);
	d->slots[s] = (uint64_t)tag << 32 | d->last;
	return (int64_t)d->count - 1;
}

void ll_pqw_dict_hand_on(ll_pqw_dict *next, ll_pqw_dict *sealed)
{
	memset(next, 0, sizeof(*next));
	next->values.hint = sealed->values.len;
	next->entries.hint = sealed->entries.len;
	next->slots = sealed->slots;
	next->nslots = sealed->nslots;
	sealed->slots = NULL;
	sealed->nslots = 0;
	if (sealed->count)
		memset(next->slots, 0, next->nslots * sizeof(*next->slots));
}

void ll_pqw_dict_free(ll_pqw_dict *d)
{
	slots_free(d);
	d->count = 0;
	d->last = 0;
	d->returns = 0;
	ll_pqw_vec_free(&d->values);
	ll_pqw_vec_free(&d->entries);
}
