/*
 * Filename layouts: where a job file lands inside its dataset directory.
 *
 * The default is "{table_name}/{load_id}.{file_id}.{ext}". A layout must
 * start with "{table_name}/" and contain "{file_id}" after it, the rules
 * Athena needs to build a table from a folder; anything else is a
 * configuration error that says which rule was broken. Placeholders:
 * {table_name} {load_id} {file_id} {ext} {schema_name} {timestamp} (the load
 * id's seconds) {curr_date} (YYYY-MM-DD of the load).
 */
#ifndef LL_LOAD_LAYOUT_H
#define LL_LOAD_LAYOUT_H

#include "util/buf.h"

#define LL_LAYOUT_DEFAULT "{table_name}/{load_id}.{file_id}.{ext}"

ll_status ll_layout_validate(const char *layout, ll_error *err);

typedef struct ll_layout_values {
	const char *table_name;
	const char *load_id;
	const char *file_id;
	const char *ext;
	const char *schema_name;
} ll_layout_values;

/** Appends the rendered path; the layout must have been validated. */
void ll_layout_render(const char *layout, const ll_layout_values *v, ll_buf *out);

#endif
