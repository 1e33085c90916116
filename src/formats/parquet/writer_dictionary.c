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

#include <sys/mman.h>
#include <unistd.h>

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
	/* a block this large is a mapping of its own (util/bigmem.h): its pages can go */
	if (v->cap >= LL_BIG_MIN) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		size_t used = (v->len + page - 1) & ~(page - 1);
		if (used < v->cap)
			madvise(v->data + used, v->cap - used, MADV_DONTNEED);
	}
	v->len = 0;
}

static void slots_free(ll_pqw_dict *d)
{
	ll_big_free(d->slots, d->nslots * sizeof(*d->slots));
	d->slots = NULL;
	d->nslots = 0;
}

/* Doubles the table (or creates it) and moves every slot to its place in the new one. */
static bool dict_grow(ll_pqw_dict *d)
{
	size_t nslots = d->nslots ? d->nslots * 2 : 256;
	/* a tag places a value in at most 2^32 slots */
	if (nslots > (size_t)1 << 32)
		return false;
	uint64_t *slots = ll_big_resize(NULL, 0, nslots * sizeof(*slots), 0);
	if (!slots)
		return false;
	memset(slots, 0, nslots * sizeof(*slots));
	size_t mask = nslots - 1;
	for (size_t i = 0; i < d->nslots; i++) {
		uint64_t slot = d->slots[i];
		if (!slot)
			continue;
		size_t s = (size_t)(slot >> 32) & mask;
		while (slots[s])
			s = (s + 1) & mask;
		slots[s] = slot;
	}
	slots_free(d);
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
	if (!append_entry(d, v, width, len))
		return -1;
	d->count++;
	d->last = (uint32_t)d->count;
	d->slots[s] = (uint64_t)tag << 32 | d->last;
	d->bytes = d->values.len + d->entries.len + d->nslots * sizeof(*d->slots);
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
	d->bytes = 0;
	d->last = 0;
	ll_pqw_vec_free(&d->values);
	ll_pqw_vec_free(&d->entries);
}
