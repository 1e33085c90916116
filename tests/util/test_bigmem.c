/*
 * util/bigmem: big blocks keep their bytes across resizes, a freed mapping
 * serves the next block that fits in it, and the cache of freed mappings
 * never holds more than its bound, from one thread or several.
 */
#include <pthread.h>
#include <stdint.h>

#include "test.h"
#include "util/bigmem.h"

#define MIB ((size_t)1 << 20)

static void fill(unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 31 + seed);
}

static bool holds(const unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != (unsigned char)(i * 31 + seed))
			return false;
	}
	return true;
}

static void test_resize_keeps_bytes(void)
{
	/* malloc'd, then mapped, grown across classes, shrunk, back to malloc */
	static const size_t sizes[] = { 100, LL_BIG_MIN - 1, LL_BIG_MIN, 3 * MIB + 5, 7 * MIB,
					 MIB / 2, LL_BIG_MIN + 1, 50 };
	size_t n = sizeof(sizes) / sizeof(sizes[0]);
	unsigned char *p = ll_big_resize(NULL, 0, sizes[0], 0);
	CHECK(p != NULL);
	fill(p, sizes[0], 7);
	for (size_t i = 1; p && i < n; i++) {
		size_t keep = sizes[i] < sizes[i - 1] ? sizes[i] : sizes[i - 1];
		unsigned char *q = ll_big_resize(p, sizes[i - 1], sizes[i], keep);
		CHECK(q != NULL);
		if (!q)
			break;
		CHECK(holds(q, keep, 7));
		fill(q, sizes[i], 7); /* all of it is writable */
		p = q;
	}
	ll_big_free(p, sizes[n - 1]);
	ll_big_free(NULL, MIB);
}

static void test_freed_mapping_is_reused(void)
{
	ll_big_trim();
	CHECK_INT(ll_big_cached_bytes(), 0);
	unsigned char *p = ll_big_resize(NULL, 0, MIB, 0);
	CHECK(p != NULL);
	fill(p, MIB, 1);
	ll_big_free(p, MIB);
	CHECK_INT(ll_big_cached_bytes(), MIB);
	/* a smaller block is cut from it: the same pages, the cache empty again */
	unsigned char *q = ll_big_resize(NULL, 0, MIB / 2, 0);
	CHECK(q == p);
	CHECK_INT(ll_big_cached_bytes(), 0);
	fill(q, MIB / 2, 2);
	/* growing into a cached mapping copies what is kept */
	unsigned char *r = ll_big_resize(NULL, 0, 2 * MIB, 0);
	ll_big_free(r, 2 * MIB);
	unsigned char *g = ll_big_resize(q, MIB / 2, 2 * MIB, MIB / 2);
	CHECK(g == r);
	CHECK(g && holds(g, MIB / 2, 2));
	CHECK_INT(ll_big_cached_bytes(), MIB / 2);
	ll_big_free(g, 2 * MIB);
	CHECK_INT(ll_big_cached_bytes(), MIB / 2 + 2 * MIB);
	/* a block larger than every cached one is a new mapping */
	unsigned char *big = ll_big_resize(NULL, 0, 3 * MIB, 0);
	CHECK(big != NULL && big != g && big != q);
	CHECK_INT(ll_big_cached_bytes(), MIB / 2 + 2 * MIB);
	ll_big_free(big, 3 * MIB);
}

static void test_cache_is_bounded(void)
{
	size_t n = 3 * LL_BIG_CACHE_BYTES / MIB;
	void **p = calloc(n, sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		p[i] = ll_big_resize(NULL, 0, MIB, 0);
		CHECK(p[i] != NULL);
		if (p[i])
			fill(p[i], MIB, 3);
	}
	for (size_t i = 0; i < n; i++) {
		ll_big_free(p[i], MIB);
		CHECK(ll_big_cached_bytes() <= LL_BIG_CACHE_BYTES);
	}
	CHECK_INT(ll_big_cached_bytes(), LL_BIG_CACHE_BYTES);
	/* a block larger than the whole cache goes straight back to the kernel */
	void *huge = ll_big_resize(NULL, 0, LL_BIG_CACHE_BYTES + 1, 0);
	CHECK(huge != NULL);
	ll_big_free(huge, LL_BIG_CACHE_BYTES + 1);
	CHECK_INT(ll_big_cached_bytes(), LL_BIG_CACHE_BYTES);
	/* the cache's blocks serve new ones */
	for (size_t i = 0; i < n; i++)
		p[i] = ll_big_resize(NULL, 0, MIB, 0);
	CHECK_INT(ll_big_cached_bytes(), 0);
	for (size_t i = 0; i < n; i++)
		ll_big_free(p[i], MIB);
	free(p);
	ll_big_trim();
	CHECK_INT(ll_big_cached_bytes(), 0);
}

typedef struct churn {
	unsigned seed;
	bool ok;
} churn;

/* Blocks of many sizes made, grown, checked and freed, as a load's threads do. */
static void *churn_main(void *arg)
{
	churn *c = arg;
	uint64_t x = c->seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
	c->ok = true;
	for (int i = 0; i < 200 && c->ok; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t a = LL_BIG_MIN / 2 + (size_t)(x % MIB), b = a / 2 + (size_t)(x >> 40) % (2 * MIB);
		unsigned char *p = ll_big_resize(NULL, 0, a, 0);
		if (!p) {
			c->ok = false;
			break;
		}
		fill(p, a, c->seed + (unsigned)i);
		size_t keep = a < b ? a : b;
		unsigned char *q = ll_big_resize(p, a, b, keep);
		c->ok = q && holds(q, keep, c->seed + (unsigned)i);
		ll_big_free(q ? q : p, q ? b : a);
	}
	return NULL;
}

static void test_threads_share_the_cache(void)
{
	enum { N = 4 };
	pthread_t t[N];
	churn c[N];
	for (int i = 0; i < N; i++) {
		c[i] = (churn){ (unsigned)i + 1, false };
		CHECK_INT(pthread_create(&t[i], NULL, churn_main, &c[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		CHECK(c[i].ok);
	}
	CHECK(ll_big_cached_bytes() <= LL_BIG_CACHE_BYTES);
}

/* Releasing a block's tail keeps its head and leaves the whole block usable. */
static void test_release_after_keeps_head(void)
{
	size_t size = 4 * MIB, keep = MIB + 100;
	unsigned char *p = ll_big_resize(NULL, 0, size, 0);
	CHECK(p != NULL);
	memset(p, 0xab, size);
	ll_big_release_after(p, size, keep);
	bool head = true;
	for (size_t i = 0; i < keep; i++)
		head = head && p[i] == 0xab;
	CHECK(head);
	memset(p + keep, 0xcd, size - keep); /* the released pages come back when written */
	CHECK(p[size - 1] == 0xcd && p[keep - 1] == 0xab);
	ll_big_free(p, size);
	/* a small block is malloc'd: nothing to release, nothing lost */
	unsigned char *q = ll_big_resize(NULL, 0, 1000, 0);
	CHECK(q != NULL);
	memset(q, 7, 1000);
	ll_big_release_after(q, 1000, 10);
	CHECK(q[999] == 7);
	ll_big_free(q, 1000);
}

LL_TEST_MAIN(LL_TEST(test_resize_keeps_bytes), LL_TEST(test_freed_mapping_is_reused),
	     LL_TEST(test_cache_is_bounded), LL_TEST(test_threads_share_the_cache),
	     LL_TEST(test_release_after_keeps_head))
