/*
 * A shared library opened on first use instead of at process start.
 *
 * libcurl and libmicrohttpd bring some thirty libraries with them (two TLS
 * stacks, Kerberos, LDAP, ...), and the dynamic loader mapping and relocating
 * them was most of the start of every lakeload process, also of the many
 * that never speak HTTP (a load into a local lake, a query). Their API is
 * defined here instead (src/lazy/curl.c, src/lazy/microhttpd.c): each
 * function opens the library on its first call, looks up every function it
 * forwards to, and calls the real one.
 *
 * ll_lazy_lib_load is safe to call from any number of threads; the library
 * is opened once and never closed. When the library or one of its functions
 * is missing (a broken installation), every call fails the way the library's
 * own function fails for lack of resources, and the reason is written to
 * stderr once.
 */
#ifndef LL_LAZY_LAZY_LIB_H
#define LL_LAZY_LAZY_LIB_H

#include <pthread.h>
#include <stdbool.h>

typedef struct ll_lazy_lib {
	const char *soname;       /* as the program was linked against, e.g. libcurl.so.4 */
	const char *const *names; /* the functions to look up, NULL-terminated */
	void **functions;         /* filled in names' order */
	pthread_once_t once;
	bool loaded;
} ll_lazy_lib;

#define LL_LAZY_LIB_INIT(soname, names, functions) { soname, names, functions, PTHREAD_ONCE_INIT, false }

/* Opens lib on the first call; whether every function was found. */
bool ll_lazy_lib_load(ll_lazy_lib *lib);

#endif
