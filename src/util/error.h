/*
 * Filling ll_error values.
 *
 * Library code reports a failure by calling ll_error_set (or one of the
 * location variants) and returning the status it returns, so a failure path
 * is one line: `return ll_error_set(err, LL_EIO, "cannot open %s: %s", ...)`.
 * Every function tolerates err == NULL, for callers that only want the code.
 * Messages say what happened and what to do; they never contain secrets.
 */
#ifndef LL_UTIL_ERROR_H
#define LL_UTIL_ERROR_H

#include "lakeload.h"

#if defined(__GNUC__)
#define LL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LL_PRINTF(f, a)
#endif

/** Sets code and message; keeps location fields already set. Returns code. */
ll_status ll_error_set(ll_error *err, ll_status code, const char *fmt, ...) LL_PRINTF(3, 4);

/** Sets the input location; file may be NULL to keep the current one. */
void ll_error_set_location(ll_error *err, const char *file, uint64_t line, uint64_t column);

/** Names the table and (optionally) the column the error is about. */
void ll_error_set_table(ll_error *err, const char *table, const char *column);

/** Puts "<context>: " in front of the current message. Returns err->code. */
ll_status ll_error_prefix(ll_error *err, const char *fmt, ...) LL_PRINTF(2, 3);

/** Reports an allocation failure. */
ll_status ll_error_oom(ll_error *err);

#endif
