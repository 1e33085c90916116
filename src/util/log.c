/*
 * ll_log: format once, hand to the callback.
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>

void ll_log(const ll_logger *logger, ll_log_level level, const char *fmt, ...)
{
	if (!logger || !logger->fn || level < logger->min_level)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logger->fn(logger->user, level, msg);
}
