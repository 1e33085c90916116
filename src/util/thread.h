/*
 * Starting lakeload's own threads: every signal blocked in them, so signals
 * meant for the application (Ctrl-C, SIGTERM) reach its threads only, and a
 * name that top -H and profilers show.
 */
#ifndef LL_UTIL_THREAD_H
#define LL_UTIL_THREAD_H

#include <pthread.h>
#include <stdbool.h>

/** pthread_create with signals blocked in the new thread; false when it could not start. */
bool ll_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg, const char *name);

/** The number of processors online, at least 1. */
unsigned ll_cpu_count(void);

#endif
