/*
 * ll_logger: where library code sends progress and warnings.
 *
 * The logger is carried by the object doing the work (a pipeline passes its
 * own down), never global. A NULL logger or a NULL callback drops messages.
 * Messages must never contain secrets.
 */
#ifndef LL_UTIL_LOG_H
#define LL_UTIL_LOG_H

#include "lakeload.h"
#include "util/error.h"

typedef struct ll_logger {
	ll_log_fn fn;
	void *user;
	ll_log_level min_level;
} ll_logger;

void ll_log(const ll_logger *logger, ll_log_level level, const char *fmt, ...) LL_PRINTF(3, 4);

#endif
