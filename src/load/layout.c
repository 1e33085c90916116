/*
 * Filename layout validation and rendering; see layout.h.
 */
#include "load/layout.h"

#include <stdlib.h>
#include <string.h>

#include "util/time.h"

static const char *const placeholders[] = { "table_name", "load_id",   "file_id",  "ext",
					    "schema_name", "timestamp", "curr_date" };

static int placeholder_index(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
		if (strlen(placeholders[i]) == len && memcmp(placeholders[i], name, len) == 0)
			return (int)i;
	}
	return -1;
}

ll_status ll_layout_validate(const char *layout, ll_error *err)
{
	static const char hint[] = " (the default is " LL_LAYOUT_DEFAULT ")";
	if (strncmp(layout, "{table_name}/", 13) != 0)
		return ll_error_set(err, LL_EINVAL,
				    "layout \"%s\" must start with {table_name}/ so each table gets its "
				    "own folder%s", layout, hint);
	bool file_id = false;
	for (const char *p = layout; *p; p++) {
		if (*p == '}')
			return ll_error_set(err, LL_EINVAL, "layout \"%s\" has an unmatched '}'", layout);
		if (*p != '{')
			continue;
		const char *end = strchr(p, '}');
		if (!end)
			return ll_error_set(err, LL_EINVAL, "layout \"%s\" has an unclosed '{'", layout);
		int idx = placeholder_index(p + 1, (size_t)(end - p - 1));
		if (idx < 0)
			return ll_error_set(err, LL_EINVAL,
					    "layout \"%s\" uses unknown placeholder {%.*s}; known: {table_name} "
					    "{load_id} {file_id} {ext} {schema_name} {timestamp} {curr_date}",
					    layout, (int)(end - p - 1), p + 1);
		if (idx == 0 && p != layout)
			return ll_error_set(err, LL_EINVAL,
					    "layout \"%s\" must use {table_name} only once, at the start", layout);
		if (idx == 2)
			file_id = true;
		p = end;
	}
	if (!file_id)
		return ll_error_set(err, LL_EINVAL,
				    "layout \"%s\" must contain {file_id} after {table_name}/ so file names "
				    "are unique%s", layout, hint);
	return LL_OK;
}

void ll_layout_render(const char *layout, const ll_layout_values *v, ll_buf *out)
{
	for (const char *p = layout; *p; p++) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		if (!end) {
			ll_buf_putc(out, *p);
			continue;
		}
		switch (placeholder_index(p + 1, (size_t)(end - p - 1))) {
		case 0: ll_buf_puts(out, v->table_name); break;
		case 1: ll_buf_puts(out, v->load_id); break;
		case 2: ll_buf_puts(out, v->file_id); break;
		case 3: ll_buf_puts(out, v->ext); break;
		case 4: ll_buf_puts(out, v->schema_name ? v->schema_name : ""); break;
		case 5: ll_buf_append(out, v->load_id, strcspn(v->load_id, ".")); break;
		case 6: {
			char date[16];
			ll_time_format_date(strtoll(v->load_id, NULL, 10) / 86400, date);
			ll_buf_puts(out, date);
			break;
		}
		default: break;
		}
		p = end;
	}
}
