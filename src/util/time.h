/*
 * Calendar arithmetic and ISO-8601 parsing/formatting, in UTC.
 *
 * Timestamps are int64 microseconds since 1970-01-01T00:00:00Z; dates are
 * int32 days since 1970-01-01. Parsing is strict: the whole string must be a
 * date or a date-time, so inference never mistakes free text for a time.
 */
#ifndef LL_UTIL_TIME_H
#define LL_UTIL_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ll_time_kind {
	LL_TIME_NONE = 0,
	LL_TIME_DATE,      /* YYYY-MM-DD */
	LL_TIME_TIMESTAMP, /* YYYY-MM-DD[T ]HH:MM[:SS[.f]][Z|+HH:MM|-HH:MM] */
} ll_time_kind;

int64_t ll_days_from_civil(int64_t y, unsigned m, unsigned d);
void ll_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/**
 * Recognises a date or timestamp. Returns LL_TIME_NONE when s is neither;
 * otherwise sets *value to days (date) or microseconds (timestamp). A
 * timestamp without an offset is taken as UTC.
 */
ll_time_kind ll_time_parse(const char *s, size_t len, int64_t *value);

/** Parses a time of day "HH:MM[:SS[.f]]" into microseconds since midnight. */
bool ll_time_parse_time_of_day(const char *s, size_t len, int64_t *micros);

/**
 * Formats a timestamp as "YYYY-MM-DD HH:MM:SS.fff" (digits = 3) or with six
 * fraction digits (digits = 6); sep is ' ' or 'T'; zulu appends "Z".
 * Returns the length written (buf needs 40 bytes).
 */
size_t ll_time_format_timestamp(int64_t micros, int digits, char sep, bool zulu, char *buf);

/** Formats "YYYY-MM-DD" (buf needs 16 bytes). Returns the length. */
size_t ll_time_format_date(int64_t days, char *buf);

/** Wall-clock time in microseconds since the epoch. */
int64_t ll_time_now_micros(void);

/** Monotonic time in seconds, for measuring durations. */
double ll_time_monotonic(void);

/**
 * Parses a duration "<digits><unit>", unit d, h, m or s ("7d", "12h", "0s"),
 * into milliseconds; false for anything else (or an overflow).
 */
bool ll_time_parse_duration(const char *text, int64_t *ms);

#endif
