/*
 * Allocation failure injection for tests. The test executable is linked
 * with --wrap=malloc,calloc,realloc,free,strdup,strndup, so every call the
 * project's static libraries make to those functions reaches the wrappers
 * in alloc_fail.c (calls from inside shared libraries such as jansson or
 * libc do not). While armed, the wrappers count allocations, make the Nth
 * one return NULL, and keep the set of blocks they handed out that are not
 * yet freed, so a test can tell a leak on a failure path in any build, with
 * or without ASan (which still supplies the real allocator underneath).
 */
#ifndef LL_TEST_ALLOC_FAIL_H
#define LL_TEST_ALLOC_FAIL_H

#include <stdbool.h>
#include <stddef.h>

/** Starts counting; allocation number fail_at (1-based) fails, 0: none does. */
void alloc_fail_arm(size_t fail_at);

/** Stops counting and failing; returns how many allocations were made. */
size_t alloc_fail_disarm(void);

/** True once the armed failure has happened. */
bool alloc_fail_happened(void);

/** Blocks allocated while armed and not freed since. */
size_t alloc_fail_live(void);

#endif
