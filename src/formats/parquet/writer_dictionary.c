/*
 * Growable arrays and the per-chunk dictionary of the Parquet writer.
 *
 * The dictionary maps a value to its entry index with an open-addressing
 * table (linear probing, at most half full). A slot holds the entry index
 * and what a probe compares first: the value itself when it is 4 bytes,
 * else the low bits of the value's hash as a tag (and for a byte array,
 * where its bytes are), laid out as writer_internal.h says. The hash's low
 * bits are the home slot, and a probe compares values only when the tags
 * agree, so a miss never touches the values, and growth rehashes from the
 * slots alone.
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
 * place in the doubled table: a bit the slot's layout leaves free
 * (writer_internal.h). Entry index + 1 is below 2^31 in the layouts of
 * fixed-width values, since the table is at most half full and has at most
 * 2^32 slots before it doubles.
 */
static uint64_t slot_unplaced(size_t width)
{
	return width ? (uint64_t)1 << 31 : (uint64_t)1 << 63;
}

/* The tag an occupied slot places its entry with (its low bits are the home slot). */
static uint32_t slot_tag(uint64_t slot, size_t width)
{
	if (width == 4)
		return (uint32_t)ll_mix64(slot >> 32);
	if (width)
		return (uint32_t)(slot >> 32);
	return (uint32_t)slot & LL_PQW_DICT_TAG_MASK;
}

/*
 * Doubles the table (or creates it) in place: the block grows keeping its
 * pages, so only the new half is new memory, and every slot moves to its
 * place in the doubled table. Each is marked unplaced, then placed in turn:
 * a probe passes placed slots and takes the first empty or unplaced one,
 * and the unplaced slot it displaces is placed next. A placed slot never
 * moves again, so every probe path stays unbroken.
 */
static bool dict_grow(ll_pqw_dict *d, size_t width)
{
	size_t n = d->nslots, nslots = n ? n * 2 : 256;
	/* a tag places a value in at most 2^32 slots, a byte array's in 2^21 */
	if (nslots > (size_t)1 << (width ? 32 : LL_PQW_DICT_TAG_BITS))
		return false;
	uint64_t *slots = ll_big_resize(d->slots, n * sizeof(*slots), nslots * sizeof(*slots),
					n * sizeof(*slots));
	if (!slots)
		return false;
	memset(slots + n, 0, (nslots - n) * sizeof(*slots));
	uint64_t unplaced = slot_unplaced(width);
	for (size_t i = 0; i < n; i++) {
		if (slots[i])
			slots[i] |= unplaced;
	}
	size_t mask = nslots - 1;
	for (size_t i = 0; i < n; i++) {
		if (!(slots[i] & unplaced))
			continue;
		uint64_t carry = slots[i] & ~unplaced;
		slots[i] = 0;
		size_t s = slot_tag(carry, width) & mask;
		for (;;) {
			uint64_t at = slots[s];
			if (at && !(at & unplaced)) {
				s = (s + 1) & mask;
				continue;
			}
			slots[s] = carry;
			if (!at)
				break;
			carry = at & ~unplaced;
			s = slot_tag(carry, width) & mask;
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

/* The slot of entry i, v, whose tag is tag and whose bytes (byte arrays) start at offset. */
static uint64_t slot_make(const void *v, size_t width, uint32_t tag, size_t i, size_t offset)
{
	if (width == 4)
		return (uint64_t)ll_load32(v) << 32 | (i + 1);
	if (width)
		return (uint64_t)tag << 32 | (i + 1);
	return (uint64_t)i << LL_PQW_DICT_INDEX_SHIFT | (uint64_t)offset << LL_PQW_DICT_TAG_BITS |
	       (tag & LL_PQW_DICT_TAG_MASK);
}

int64_t ll_pqw_dict_insert(ll_pqw_dict *d, const void *v, size_t width, size_t len, uint32_t tag)
{
	/* where a byte array's bytes go, which its slot must be able to say */
	size_t offset = d->values.len + 4;
	if (!width && offset > LL_PQW_DICT_MAX_OFFSET)
		return -1;
	if (d->count * 2 >= d->nslots && !dict_grow(d, width))
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
	size_t i = d->count++;
	ll_pqw_dict_set_last(d, i, d->values.data + (width ? i * width : offset), len);
	d->slots[s] = slot_make(v, width, tag, i, offset);
	return (int64_t)i;
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
