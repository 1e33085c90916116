/*
 * ll_error: the one place failures are described. See error.h.
 */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ll_error_clear(ll_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

ll_status ll_error_set(ll_error *err, ll_status code, const char *fmt, ...)
{
	if (!err)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->code = code;
	return code;
}

void ll_error_set_location(ll_error *err, const char *file, uint64_t line, uint64_t column)
{
	if (!err)
		return;
	if (file)
		snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	err->column = column;
}

void ll_error_set_table(ll_error *err, const char *table, const char *column)
{
	if (!err)
		return;
	snprintf(err->table, sizeof(err->table), "%s", table ? table : "");
	snprintf(err->column_name, sizeof(err->column_name), "%s", column ? column : "");
}

ll_status ll_error_prefix(ll_error *err, const char *fmt, ...)
{
	if (!err)
		return LL_EINVAL;
	char prefix[512];
	char old[sizeof(err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof(old));
	/* truncation keeps the start of both parts, which is what a reader needs */
	size_t plen = strlen(prefix), cap = sizeof(err->message) - 1;
	if (plen > cap - 2)
		plen = cap - 2;
	memcpy(err->message, prefix, plen);
	memcpy(err->message + plen, ": ", 2);
	size_t olen = strnlen(old, sizeof(old) - 1);
	if (olen > cap - plen - 2)
		olen = cap - plen - 2;
	memcpy(err->message + plen + 2, old, olen);
	err->message[plen + 2 + olen] = '\0';
	return err->code;
}

ll_status ll_error_oom(ll_error *err)
{
	return ll_error_set(err, LL_ENOMEM, "out of memory");
}

const char *ll_error_format(const ll_error *err, char *buf, size_t size)
{
	size_t n = 0;
	if (size == 0)
		return buf;
	buf[0] = '\0';
#define LL_APPEND(...) \
	do { \
		if (n < size) { \
			int w_ = snprintf(buf + n, size - n, __VA_ARGS__); \
			if (w_ > 0) \
				n += (size_t)w_; \
		} \
	} while (0)
	if (err->file[0]) {
		LL_APPEND("%s", err->file);
		if (err->line) {
			LL_APPEND(":%llu", (unsigned long long)err->line);
			if (err->column)
				LL_APPEND(":%llu", (unsigned long long)err->column);
		}
		LL_APPEND(": ");
	}
	LL_APPEND("%s", err->message[0] ? err->message : ll_status_name(err->code));
	if (err->table[0] && err->column_name[0])
		LL_APPEND(" (table %s, column %s)", err->table, err->column_name);
	else if (err->table[0])
		LL_APPEND(" (table %s)", err->table);
#undef LL_APPEND
	return buf;
}

const char *ll_status_name(ll_status status)
{
	switch (status) {
	case LL_OK: return "ok";
	case LL_EINVAL: return "invalid argument";
	case LL_EIO: return "input/output error";
	case LL_ENOMEM: return "out of memory";
	case LL_EFORMAT: return "malformed input";
	case LL_ESCHEMA: return "schema error";
	case LL_ECONFLICT: return "conflicting change";
	case LL_ENOTFOUND: return "not found";
	case LL_EUNSUPPORTED: return "not supported";
	case LL_ETERMINAL: return "job failed permanently";
	case LL_ESQL: return "query failed";
	case LL_EAUTH: return "authentication failed";
	}
	return "unknown error";
}
