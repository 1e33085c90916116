/*
 * The --wrap allocation wrappers of alloc_fail.h. strdup and strndup are
 * built on the malloc wrapper so their blocks are counted like any other.
 * The live set is an open-addressed table of pointers; a mutex guards it
 * because the Parquet writer allocates on its background thread too.
 */
#include "alloc_fail.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

#define LIVE_SLOTS (1u << 20) /* far more than a small test input allocates */
#define TOMBSTONE ((void *)1)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool armed, happened;
static size_t count, fail_at, live;
static void *slots[LIVE_SLOTS];

static size_t slot_of(const void *p)
{
	return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull) & (LIVE_SLOTS - 1);
}

static void live_add(void *p)
{
	size_t i = slot_of(p);
	while (slots[i] && slots[i] != TOMBSTONE)
		i = (i + 1) & (LIVE_SLOTS - 1);
	slots[i] = p;
	live++;
}

/* Forgets p if it is one of ours; blocks from before arming are not. */
static void live_remove(const void *p)
{
	for (size_t i = slot_of(p); slots[i]; i = (i + 1) & (LIVE_SLOTS - 1))
		if (slots[i] == p) {
			slots[i] = TOMBSTONE;
			live--;
			return;
		}
}

/* Counts one allocation; true when it is the one to fail. */
static bool next_fails(void)
{
	if (!armed)
		return false;
	if (++count != fail_at)
		return false;
	happened = true;
	return true;
}

void alloc_fail_arm(size_t n)
{
	pthread_mutex_lock(&lock);
	memset(slots, 0, sizeof(slots));
	live = count = 0;
	fail_at = n;
	happened = false;
	armed = true;
	pthread_mutex_unlock(&lock);
}

size_t alloc_fail_disarm(void)
{
	pthread_mutex_lock(&lock);
	armed = false;
	size_t n = count;
	pthread_mutex_unlock(&lock);
	return n;
}

bool alloc_fail_happened(void)
{
	pthread_mutex_lock(&lock);
	bool h = happened;
	pthread_mutex_unlock(&lock);
	return h;
}

size_t alloc_fail_live(void)
{
	pthread_mutex_lock(&lock);
	size_t n = live;
	pthread_mutex_unlock(&lock);
	return n;
}

void *__wrap_malloc(size_t size)
{
	pthread_mutex_lock(&lock);
	void *p = next_fails() ? NULL : __real_malloc(size);
	if (p && armed)
		live_add(p);
	pthread_mutex_unlock(&lock);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	pthread_mutex_lock(&lock);
	void *p = next_fails() ? NULL : __real_calloc(n, size);
	if (p && armed)
		live_add(p);
	pthread_mutex_unlock(&lock);
	return p;
}

void *__wrap_realloc(void *old, size_t size)
{
	pthread_mutex_lock(&lock);
	void *p = next_fails() ? NULL : __real_realloc(old, size);
	if (p && armed) {
		if (old)
			live_remove(old);
		live_add(p);
	}
	pthread_mutex_unlock(&lock);
	return p;
}

void __wrap_free(void *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&lock);
	live_remove(p);
	pthread_mutex_unlock(&lock);
	__real_free(p);
}

char *__wrap_strdup(const char *s)
{
	size_t len = strlen(s);
	char *p = __wrap_malloc(len + 1);
	if (p)
		memcpy(p, s, len + 1);
	return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = __wrap_malloc(len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}
