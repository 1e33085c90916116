/*
 * The key set merges use to find existing rows whose key arrives: every key
 * put is found with its value, across the set's growth, for keys of every
 * length (the hash reads whole words and a tail); keys never put are not
 * found, whatever the filter in front of the slots says; encoded values of
 * different types never collide. The integer set finds exactly its members
 * (the extremes of int64 too) and whether one lies between two bounds.
 */
#include "test.h"

#include "iceberg/keyset.h"

/* Key i: "k<i>" padded with a pattern to a length that cycles 0..40. */
static size_t make_key(uint64_t i, char *out)
{
	size_t len = (size_t)(i % 41);
	for (size_t k = 0; k < len; k++)
		out[k] = (char)('a' + (i * 7 + k) % 26);
	if (len >= sizeof(i))
		memcpy(out, &i, sizeof(i)); /* distinct keys of one length */
	return len;
}

static void test_keyset_put_find(void)
{
	ll_keyset s;
	ll_keyset_init(&s);
	char key[64];
	const uint64_t n = 50000;
	size_t distinct = 0;
	for (uint64_t i = 0; i < n; i++) {
		size_t len = make_key(i, key);
		ll_keyset_slot *slot;
		bool added;
		CHECK(ll_keyset_put(&s, key, len, i, &slot, &added));
		distinct += added;
	}
	CHECK_INT(s.count, distinct);
	for (uint64_t i = 0; i < n; i++) {
		size_t len = make_key(i, key);
		const ll_keyset_slot *slot = ll_keyset_find(&s, key, len);
		CHECK(slot != NULL);
		/* short keys repeat (one per length below 8); the first put keeps its value */
		if (slot && len >= sizeof(i))
			CHECK_INT(slot->value, i);
	}
	/* keys of the same lengths that were never put */
	int found = 0;
	for (uint64_t i = n; i < 4 * n; i++) {
		size_t len = make_key(i, key);
		if (len >= sizeof(i))
			found += ll_keyset_find(&s, key, len) != NULL;
	}
	CHECK_INT(found, 0);
	ll_keyset_free(&s);
}

static void test_keyset_encoded_values(void)
{
	ll_keyset s;
	ll_keyset_init(&s);
	ll_buf k = LL_BUF_INIT;
	ll_value text = { .s = "7", .len = 1 }, number = { .i = 7 }, null = { .is_null = true };
	const ll_value *values[] = { &text, &number, &null };
	for (size_t i = 0; i < 3; i++) {
		ll_buf_clear(&k);
		ll_keyset_encode_value(values[i], &k);
		ll_keyset_slot *slot;
		bool added;
		CHECK(ll_keyset_put(&s, k.data, k.len, i, &slot, &added));
		CHECK(added);
	}
	ll_value other = { .i = 8 };
	ll_buf_clear(&k);
	ll_keyset_encode_value(&other, &k);
	CHECK(ll_keyset_find(&s, k.data, k.len) == NULL);
	ll_buf_clear(&k);
	ll_keyset_encode_value(&number, &k);
	const ll_keyset_slot *slot = ll_keyset_find(&s, k.data, k.len);
	CHECK(slot && slot->value == 1);
	ll_buf_free(&k);
	ll_keyset_free(&s);
}

static void test_intset_members(void)
{
	ll_intset s;
	ll_intset_init(&s);
	/* multiples of 3 (each put twice), and the extremes */
	for (int64_t i = 30000; i-- > 0;)
		CHECK(ll_intset_add(&s, i * 3) && ll_intset_add(&s, i * 3));
	CHECK(ll_intset_add(&s, INT64_MIN) && ll_intset_add(&s, INT64_MAX));
	CHECK(ll_intset_seal(&s));
	CHECK_INT(s.count, 30002);
	int wrong = 0;
	for (int64_t v = -10; v < 100000; v++)
		wrong += ll_intset_has(&s, v) != (v >= 0 && v < 90000 && v % 3 == 0);
	CHECK_INT(wrong, 0);
	CHECK(ll_intset_has(&s, INT64_MIN));
	CHECK(ll_intset_has(&s, INT64_MAX));
	CHECK(!ll_intset_has(&s, INT64_MIN + 1));
	CHECK(ll_intset_any_between(&s, 1, 3));
	CHECK(!ll_intset_any_between(&s, 1, 2));
	CHECK(!ll_intset_any_between(&s, 89998, 1000000));
	CHECK(ll_intset_any_between(&s, 89998, INT64_MAX));
	CHECK(ll_intset_any_between(&s, INT64_MIN, -5));
	CHECK(!ll_intset_any_between(&s, INT64_MIN + 1, -1));
	ll_intset_free(&s);
}

static void test_intset_empty(void)
{
	ll_intset s;
	ll_intset_init(&s);
	CHECK(ll_intset_seal(&s));
	CHECK(!ll_intset_has(&s, 0));
	CHECK(!ll_intset_has(&s, INT64_MIN));
	CHECK(!ll_intset_any_between(&s, INT64_MIN, INT64_MAX));
	ll_intset_free(&s);
}

LL_TEST_MAIN(LL_TEST(test_keyset_put_find), LL_TEST(test_keyset_encoded_values),
	     LL_TEST(test_intset_members), LL_TEST(test_intset_empty))
