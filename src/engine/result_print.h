/*
 * ll_result_printer: writes query results to a FILE* as a table for people,
 * as CSV or as JSON.
 *
 * Feed it column names (ll_result_printer_columns, optional: without it the
 * names of the first row are used) and rows (ll_result_printer_row, an
 * ll_row_fn), then call ll_result_printer_finish. The two callbacks fit
 * ll_engine_sink, so a printer can be the sink of a query directly.
 *
 * Formats:
 *   TABLE  psql's layout: centered header, a rule, numbers right-aligned,
 *          text left-aligned (NULL as its column's numbers), "(N rows)" last. NULL shows as "NULL" (as in
 *          DuckDB), so it differs from an empty string. Widths count
 *          terminal cells (East Asian wide characters and emoji take two,
 *          combining marks none); control characters and invalid UTF-8
 *          are shown escaped (\n, \x1B) so a value cannot break the layout.
 *          Widths come from the first 1000 rows; later rows are printed as
 *          they arrive, so memory stays bounded on large results. A cell
 *          wider than 60 cells is cut to 59 and "…" (the width of a JSON
 *          document or a long text would push the other columns off the
 *          screen); TABLE_WIDE is TABLE with every cell whole.
 *   CSV    RFC 4180: header line first, CRLF line ends, a field quoted when
 *          it holds a comma, quote, CR or LF (quotes doubled). NULL is an
 *          empty field, an empty string is "".
 *   JSON   an array of objects, one per line; integers and reals as JSON
 *          numbers (non-finite reals as the strings "Infinity", "-Infinity",
 *          "NaN"), NULL as null, text as strings (invalid UTF-8 replaced by
 *          U+FFFD), BLOBs as uppercase hex strings.
 * Reals are written with the fewest digits that read back to the same
 * double, with ".0" when that looks like an integer.
 *
 * Output errors stop the row feed (the row callback returns non-zero) and
 * are reported by finish as LL_EIO.
 */
#ifndef LL_ENGINE_RESULT_PRINT_H
#define LL_ENGINE_RESULT_PRINT_H

#include <stddef.h>
#include <stdio.h>

#include "lakeload.h"
#include "util/error.h"

typedef struct ll_result_printer ll_result_printer;

/** Creates a printer writing to out (borrowed). Free with ll_result_printer_free. */
ll_status ll_result_printer_new(ll_result_printer **printer, ll_result_format format, FILE *out,
				ll_error *err);

/** Sets the column names (void * so it fits ll_engine_sink.columns). */
void ll_result_printer_columns(void *printer, size_t ncols, const char *const *names);

/** Prints (or, for TABLE, may buffer) one row; an ll_row_fn. */
int ll_result_printer_row(void *printer, size_t ncols, const char *const *names,
			  const ll_cell *cells);

/** Writes what is buffered and the trailer, flushes out, reports write errors. */
ll_status ll_result_printer_finish(ll_result_printer *p, ll_error *err);

void ll_result_printer_free(ll_result_printer *p);

#endif
