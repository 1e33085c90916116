/*
 * Opening a library on first use; see lazy_lib.h.
 */
#include "lazy/lazy_lib.h"

#include <dlfcn.h>
#include <stdio.h>

/* pthread_once takes no argument: the library being opened is passed here. */
static _Thread_local ll_lazy_lib *opening;

static void open_library(void)
{
	ll_lazy_lib *lib = opening;
	void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		fprintf(stderr, "lakeload: cannot load %s: %s\n", lib->soname, dlerror());
		return;
	}
	for (size_t i = 0; lib->names[i]; i++) {
		if (!(lib->functions[i] = dlsym(handle, lib->names[i]))) {
			fprintf(stderr, "lakeload: %s has no function %s: it is older than the one "
					"lakeload was built with\n", lib->soname, lib->names[i]);
			return;
		}
	}
	lib->loaded = true;
}

bool ll_lazy_lib_load(ll_lazy_lib *lib)
{
	opening = lib;
	pthread_once(&lib->once, open_library);
	return lib->loaded;
}
