/*
 * Query result printers; see result_print.h for the formats.
 *
 * Every value is rendered into a scratch buffer first and each line is
 * written with one fwrite, so a write error is noticed on the row that hit
 * it. TABLE keeps up to LL_PRINT_SAMPLE_ROWS rendered rows (fewer for very
 * wide results; strings in an arena) to size the columns; after that it
 * streams with the widths it has.
 */
#include "engine/result_print.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/number.h"

#define LL_PRINT_SAMPLE_ROWS 1000
#define LL_PRINT_SAMPLE_CELLS 100000
/* TABLE cells wider than this many terminal cells end in "…" (TABLE_WIDE shows them whole) */
#define LL_PRINT_CELL_CAP 60

/* A rendered TABLE cell: display text, its width in terminal cells, its kind. */
typedef struct ll_print_cell {
	const char *text;
	size_t len;
	size_t width;
	ll_cell_kind kind;
} ll_print_cell;

struct ll_result_printer {
	ll_result_format format; /* TABLE_WIDE is TABLE with wide (true) */
	bool wide;
	FILE *out;
	size_t ncols;
	char **names;
	uint64_t rows;
	bool started;  /* TABLE: header written, rows now stream */
	bool oom;
	bool mismatch; /* a row had a different number of columns than the header */
	ll_buf line;   /* the line being assembled */
	ll_buf scratch;
	/* TABLE only */
	ll_arena arena;
	ll_print_cell *sample; /* nsample rows of ncols cells */
	size_t nsample, sample_cap;
	size_t *widths;
	bool *numeric; /* the column's sampled values are all numbers: NULLs align right too */
};

/* ---- UTF-8 and display width ------------------------------------------ */

/* Decodes one UTF-8 sequence; returns its length, or 0 if it is invalid. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t n;
	uint32_t c, min;
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2, c = s[0] & 0x1F, min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3, c = s[0] & 0x0F, min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

typedef struct ll_cp_range {
	uint32_t lo, hi;
} ll_cp_range;

/* Characters that take no cell: combining marks, zero-width characters, variation selectors. */
static const ll_cp_range zero_width[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x0610, 0x061A },
	{ 0x064B, 0x065F }, { 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A }, { 0x1AB0, 0x1AFF },
	{ 0x1DC0, 0x1DFF }, { 0x200B, 0x200F }, { 0x2028, 0x202E }, { 0x2060, 0x2064 },
	{ 0x20D0, 0x20FF }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F }, { 0xFEFF, 0xFEFF },
	{ 0x1F3FB, 0x1F3FF }, { 0xE0000, 0xE0FFF },
};

/* East Asian Wide and Fullwidth characters and emoji presentation: two cells. */
static const ll_cp_range double_width[] = {
	{ 0x1100, 0x115F },   { 0x231A, 0x231B },   { 0x2329, 0x232A },   { 0x23E9, 0x23EC },
	{ 0x23F0, 0x23F0 },   { 0x23F3, 0x23F3 },   { 0x25FD, 0x25FE },   { 0x2614, 0x2615 },
	{ 0x2648, 0x2653 },   { 0x267F, 0x267F },   { 0x2693, 0x2693 },   { 0x26A1, 0x26A1 },
	{ 0x26AA, 0x26AB },   { 0x26BD, 0x26BE },   { 0x26C4, 0x26C5 },   { 0x26CE, 0x26CE },
	{ 0x26D4, 0x26D4 },   { 0x26EA, 0x26EA },   { 0x26F2, 0x26F5 },   { 0x26FA, 0x26FD },
	{ 0x2705, 0x2705 },   { 0x270A, 0x270B },   { 0x2728, 0x2728 },   { 0x274C, 0x274C },
	{ 0x2753, 0x2755 },   { 0x2757, 0x2757 },   { 0x2795, 0x2797 },   { 0x27B0, 0x27B0 },
	{ 0x27BF, 0x27BF },   { 0x2B1B, 0x2B1C },   { 0x2B50, 0x2B50 },   { 0x2B55, 0x2B55 },
	{ 0x2E80, 0x303E },   { 0x3041, 0x33FF },   { 0x3400, 0x4DBF },   { 0x4E00, 0x9FFF },
	{ 0xA000, 0xA4CF },   { 0xA960, 0xA97F },   { 0xAC00, 0xD7A3 },   { 0xF900, 0xFAFF },
	{ 0xFE10, 0xFE19 },   { 0xFE30, 0xFE6F },   { 0xFF00, 0xFF60 },   { 0xFFE0, 0xFFE6 },
	{ 0x16FE0, 0x16FE4 }, { 0x17000, 0x18CFF }, { 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 },
	{ 0x1F0CF, 0x1F0CF }, { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A }, { 0x1F200, 0x1F251 },
	{ 0x1F300, 0x1F320 }, { 0x1F32D, 0x1F335 }, { 0x1F337, 0x1F37C }, { 0x1F37E, 0x1F393 },
	{ 0x1F3A0, 0x1F3CA }, { 0x1F3CF, 0x1F3D3 }, { 0x1F3E0, 0x1F3F0 }, { 0x1F3F4, 0x1F3F4 },
	{ 0x1F3F8, 0x1F3FA }, { 0x1F400, 0x1F43E }, { 0x1F440, 0x1F440 }, { 0x1F442, 0x1F4FC },
	{ 0x1F4FF, 0x1F53D }, { 0x1F54B, 0x1F54E }, { 0x1F550, 0x1F567 }, { 0x1F57A, 0x1F57A },
	{ 0x1F595, 0x1F596 }, { 0x1F5A4, 0x1F5A4 }, { 0x1F5FB, 0x1F64F }, { 0x1F680, 0x1F6C5 },
	{ 0x1F6CC, 0x1F6CC }, { 0x1F6D0, 0x1F6D2 }, { 0x1F6D5, 0x1F6D7 }, { 0x1F6DC, 0x1F6DF },
	{ 0x1F6EB, 0x1F6EC }, { 0x1F6F4, 0x1F6FC }, { 0x1F7E0, 0x1F7EB }, { 0x1F7F0, 0x1F7F0 },
	{ 0x1F90C, 0x1F93A }, { 0x1F93C, 0x1F945 }, { 0x1F947, 0x1F9FF }, { 0x1FA70, 0x1FAFF },
	{ 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
};

static bool in_ranges(uint32_t cp, const ll_cp_range *r, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static size_t cp_width(uint32_t cp)
{
	if (cp < 0x300)
		return 1;
	if (cp == 0x200D || in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
		return 0;
	if (in_ranges(cp, double_width, sizeof(double_width) / sizeof(double_width[0])))
		return 2;
	return 1;
}

/*
 * Appends s for a terminal: control characters and invalid UTF-8 become
 * escapes, so the result is printable UTF-8. Returns its width in cells.
 */
static size_t put_display_text(ll_buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t width = 0, i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		if (n && cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0)) {
			ll_buf_append(b, s + i, n);
			width += cp_width(cp);
			i += n;
			continue;
		}
		if (n == 1 && (cp == '\n' || cp == '\r' || cp == '\t')) {
			ll_buf_putc(b, '\\');
			ll_buf_putc(b, cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
			width += 2;
			i++;
			continue;
		}
		/* a C1 control is two bytes; escape each, as for invalid bytes */
		for (size_t k = 0; k < (n ? n : 1); k++) {
			ll_buf_printf(b, "\\x%02X", u[i + k]);
			width += 4;
		}
		i += n ? n : 1;
	}
	return width;
}

/*
 * Cuts display text (from put_display_text) of width cells to at most
 * LL_PRINT_CELL_CAP cells, the last one "…", at a character boundary.
 * Returns the new width.
 */
static size_t cap_display_text(ll_buf *b, size_t width)
{
	if (width <= LL_PRINT_CELL_CAP)
		return width;
	const unsigned char *u = (const unsigned char *)b->data;
	size_t used = 0, i = 0;
	while (i < b->len) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, b->len - i, &cp);
		size_t w = cp_width(cp);
		if (used + w > LL_PRINT_CELL_CAP - 1)
			break;
		used += w;
		i += n ? n : 1;
	}
	b->len = i;
	ll_buf_puts(b, "\xE2\x80\xA6"); /* U+2026 HORIZONTAL ELLIPSIS, one cell */
	return used + 1;
}

/* ---- values ------------------------------------------------------------- */

static void put_real(ll_buf *b, double d)
{
	if (isnan(d)) {
		ll_buf_puts(b, "NaN");
		return;
	}
	if (isinf(d)) {
		ll_buf_puts(b, d < 0 ? "-Infinity" : "Infinity");
		return;
	}
	char tmp[LL_DOUBLE_TEXT_MAX];
	ll_buf_append(b, tmp, ll_double_repr(d, tmp, sizeof(tmp)));
}

static void put_hex(ll_buf *b, const char *s, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	if (!ll_buf_reserve(b, len * 2))
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		b->data[b->len++] = digits[c >> 4];
		b->data[b->len++] = digits[c & 15];
	}
	b->data[b->len] = '\0';
}

/* The text of a non-NULL value as CSV and TABLE show it. */
static void put_plain(ll_buf *b, const ll_cell *c)
{
	switch (c->kind) {
	case LL_CELL_INT:
		ll_buf_printf(b, "%lld", (long long)c->i);
		break;
	case LL_CELL_REAL:
		put_real(b, c->d);
		break;
	case LL_CELL_TEXT:
		ll_buf_append(b, c->s, c->len);
		break;
	case LL_CELL_BLOB:
		put_hex(b, c->s, c->len);
		break;
	case LL_CELL_NULL:
		break;
	}
}

/* A JSON string literal; invalid UTF-8 becomes U+FFFD so the output stays JSON. */
static void put_json_string(ll_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	ll_buf_putc(b, '"');
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		if (!n) {
			ll_buf_puts(b, "\\ufffd");
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			ll_buf_putc(b, '\\');
			ll_buf_putc(b, (char)cp);
		} else if (cp == '\n') {
			ll_buf_puts(b, "\\n");
		} else if (cp == '\r') {
			ll_buf_puts(b, "\\r");
		} else if (cp == '\t') {
			ll_buf_puts(b, "\\t");
		} else if (cp < 0x20) {
			char esc[7] = { '\\', 'u', '0', '0', hex[cp >> 4], hex[cp & 15], 0 };
			ll_buf_puts(b, esc);
		} else {
			ll_buf_append(b, s + i, n);
		}
		i += n;
	}
	ll_buf_putc(b, '"');
}

static void put_json_value(ll_buf *b, const ll_cell *c)
{
	switch (c->kind) {
	case LL_CELL_NULL:
		ll_buf_puts(b, "null");
		break;
	case LL_CELL_INT:
		ll_buf_printf(b, "%lld", (long long)c->i);
		break;
	case LL_CELL_REAL:
		if (isfinite(c->d)) {
			put_real(b, c->d);
		} else {
			ll_buf_putc(b, '"');
			put_real(b, c->d);
			ll_buf_putc(b, '"');
		}
		break;
	case LL_CELL_TEXT:
		put_json_string(b, c->s, c->len);
		break;
	case LL_CELL_BLOB:
		ll_buf_putc(b, '"');
		put_hex(b, c->s, c->len);
		ll_buf_putc(b, '"');
		break;
	}
}

/* ---- output ------------------------------------------------------------- */

static bool write_line(ll_result_printer *p)
{
	if (ll_buf_oom(&p->line)) {
		p->oom = true;
		return false;
	}
	if (p->line.len && fwrite(p->line.data, 1, p->line.len, p->out) != p->line.len)
		return false;
	ll_buf_clear(&p->line);
	return !ferror(p->out);
}

static void put_csv_field(ll_buf *b, const char *s, size_t len, bool quote_empty)
{
	bool quote = (len == 0 && quote_empty) || memchr(s, ',', len) || memchr(s, '"', len) ||
		     memchr(s, '\r', len) || memchr(s, '\n', len);
	if (!quote) {
		ll_buf_append(b, s, len);
		return;
	}
	ll_buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			ll_buf_putc(b, '"');
		ll_buf_putc(b, s[i]);
	}
	ll_buf_putc(b, '"');
}

static bool csv_header(ll_result_printer *p)
{
	for (size_t i = 0; i < p->ncols; i++) {
		if (i)
			ll_buf_putc(&p->line, ',');
		put_csv_field(&p->line, p->names[i], strlen(p->names[i]), true);
	}
	ll_buf_puts(&p->line, "\r\n");
	return write_line(p);
}

static bool csv_row(ll_result_printer *p, const ll_cell *cells)
{
	for (size_t i = 0; i < p->ncols; i++) {
		if (i)
			ll_buf_putc(&p->line, ',');
		if (cells[i].kind == LL_CELL_NULL)
			continue;
		ll_buf_clear(&p->scratch);
		put_plain(&p->scratch, &cells[i]);
		put_csv_field(&p->line, ll_buf_cstr(&p->scratch), p->scratch.len,
			      cells[i].kind == LL_CELL_TEXT);
	}
	ll_buf_puts(&p->line, "\r\n");
	if (ll_buf_oom(&p->scratch))
		p->oom = true;
	return write_line(p);
}

static bool json_row(ll_result_printer *p, const ll_cell *cells)
{
	ll_buf_puts(&p->line, p->rows ? ",\n{" : "[\n{");
	for (size_t i = 0; i < p->ncols; i++) {
		if (i)
			ll_buf_putc(&p->line, ',');
		put_json_string(&p->line, p->names[i], strlen(p->names[i]));
		ll_buf_putc(&p->line, ':');
		put_json_value(&p->line, &cells[i]);
	}
	ll_buf_putc(&p->line, '}');
	return write_line(p);
}

/* ---- TABLE -------------------------------------------------------------- */

static void table_pad(ll_buf *b, size_t n)
{
	while (n--)
		ll_buf_putc(b, ' ');
}

/* Ends a TABLE line: psql pads every cell, but trailing blanks only get in the way. */
static bool table_end_line(ll_result_printer *p)
{
	while (p->line.len && p->line.data[p->line.len - 1] == ' ')
		p->line.len--;
	ll_buf_putc(&p->line, '\n');
	return write_line(p);
}

static bool table_header(ll_result_printer *p)
{
	for (size_t i = 0; i < p->ncols; i++) {
		ll_buf_clear(&p->scratch);
		size_t w = put_display_text(&p->scratch, p->names[i], strlen(p->names[i]));
		size_t left = (p->widths[i] - w) / 2;
		ll_buf_puts(&p->line, i ? "| " : " ");
		table_pad(&p->line, left);
		ll_buf_append(&p->line, ll_buf_cstr(&p->scratch), p->scratch.len);
		table_pad(&p->line, p->widths[i] - w - left + 1);
	}
	if (!table_end_line(p))
		return false;
	for (size_t i = 0; i < p->ncols; i++) {
		if (i)
			ll_buf_putc(&p->line, '+');
		for (size_t k = 0; k < p->widths[i] + 2; k++)
			ll_buf_putc(&p->line, '-');
	}
	return table_end_line(p);
}

static bool table_line(ll_result_printer *p, const ll_print_cell *cells)
{
	for (size_t i = 0; i < p->ncols; i++) {
		const ll_print_cell *c = &cells[i];
		size_t pad = p->widths[i] > c->width ? p->widths[i] - c->width : 0;
		bool right = c->kind == LL_CELL_INT || c->kind == LL_CELL_REAL ||
			     (c->kind == LL_CELL_NULL && p->numeric[i]);
		ll_buf_puts(&p->line, i ? "| " : " ");
		if (right)
			table_pad(&p->line, pad);
		ll_buf_append(&p->line, c->text, c->len);
		if (!right)
			table_pad(&p->line, pad);
		ll_buf_putc(&p->line, ' ');
	}
	return table_end_line(p);
}

/* Renders a row's cells into the arena, so they can wait for the column widths. */
static bool table_render(ll_result_printer *p, const ll_cell *cells, ll_print_cell *outc)
{
	for (size_t i = 0; i < p->ncols; i++) {
		ll_buf_clear(&p->scratch);
		size_t w;
		if (cells[i].kind == LL_CELL_NULL) {
			ll_buf_puts(&p->scratch, "NULL");
			w = 4;
		} else if (cells[i].kind == LL_CELL_TEXT) {
			w = put_display_text(&p->scratch, cells[i].s, cells[i].len);
		} else {
			put_plain(&p->scratch, &cells[i]);
			w = p->scratch.len;
		}
		if (!p->wide)
			w = cap_display_text(&p->scratch, w);
		if (ll_buf_oom(&p->scratch))
			return false;
		outc[i].kind = cells[i].kind;
		outc[i].width = w;
		outc[i].len = p->scratch.len;
		outc[i].text = ll_arena_strndup(&p->arena, ll_buf_cstr(&p->scratch), p->scratch.len);
		if (!outc[i].text)
			return false;
	}
	return true;
}

/* Sizes the columns from the header and the sample, then prints both. */
static bool table_flush_sample(ll_result_printer *p)
{
	ll_buf tmp = LL_BUF_INIT;
	for (size_t i = 0; i < p->ncols; i++) {
		ll_buf_clear(&tmp);
		p->widths[i] = put_display_text(&tmp, p->names[i], strlen(p->names[i]));
		size_t numbers = 0, others = 0;
		for (size_t r = 0; r < p->nsample; r++) {
			const ll_print_cell *c = &p->sample[r * p->ncols + i];
			if (c->width > p->widths[i])
				p->widths[i] = c->width;
			numbers += c->kind == LL_CELL_INT || c->kind == LL_CELL_REAL;
			others += c->kind == LL_CELL_TEXT || c->kind == LL_CELL_BLOB;
		}
		p->numeric[i] = numbers > 0 && others == 0;
	}
	ll_buf_free(&tmp);
	bool ok = table_header(p);
	for (size_t r = 0; ok && r < p->nsample; r++)
		ok = table_line(p, &p->sample[r * p->ncols]);
	p->nsample = 0;
	ll_arena_reset(&p->arena);
	p->started = true;
	return ok;
}

static bool table_row(ll_result_printer *p, const ll_cell *cells)
{
	ll_print_cell *row = &p->sample[p->started ? 0 : p->nsample * p->ncols];
	if (!table_render(p, cells, row)) {
		p->oom = true;
		return false;
	}
	if (p->started) {
		bool ok = table_line(p, row);
		ll_arena_reset(&p->arena);
		return ok;
	}
	if (++p->nsample == p->sample_cap)
		return table_flush_sample(p);
	return true;
}

static bool table_finish(ll_result_printer *p)
{
	if (!p->started && p->ncols && !table_flush_sample(p))
		return false;
	ll_buf_printf(&p->line, "(%llu row%s)\n", (unsigned long long)p->rows,
		      p->rows == 1 ? "" : "s");
	return write_line(p);
}

/* ---- the printer ---------------------------------------------------------- */

ll_status ll_result_printer_new(ll_result_printer **printer, ll_result_format format, FILE *out,
				ll_error *err)
{
	*printer = NULL;
	if (format != LL_RESULT_TABLE && format != LL_RESULT_TABLE_WIDE && format != LL_RESULT_CSV &&
	    format != LL_RESULT_JSON)
		return ll_error_set(err, LL_EINVAL, "unknown result format %d; use table, csv or json",
				    (int)format);
	ll_result_printer *p = calloc(1, sizeof(*p));
	if (!p)
		return ll_error_oom(err);
	p->wide = format == LL_RESULT_TABLE_WIDE;
	p->format = p->wide ? LL_RESULT_TABLE : format;
	p->out = out;
	ll_arena_init(&p->arena, 0);
	*printer = p;
	return LL_OK;
}

/* Copies the names and allocates what the format needs per column. */
static bool set_columns(ll_result_printer *p, size_t ncols, const char *const *names)
{
	p->names = calloc(ncols ? ncols : 1, sizeof(*p->names));
	if (!p->names)
		return false;
	p->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		p->names[i] = strdup(names[i] ? names[i] : "");
		if (!p->names[i])
			return false;
	}
	if (p->format != LL_RESULT_TABLE)
		return true;
	/* wide results sample fewer rows, so the sample stays a few MiB */
	p->sample_cap = ncols ? LL_PRINT_SAMPLE_CELLS / ncols : LL_PRINT_SAMPLE_ROWS;
	if (p->sample_cap > LL_PRINT_SAMPLE_ROWS)
		p->sample_cap = LL_PRINT_SAMPLE_ROWS;
	if (p->sample_cap == 0)
		p->sample_cap = 1;
	p->widths = calloc(ncols ? ncols : 1, sizeof(*p->widths));
	p->numeric = calloc(ncols ? ncols : 1, sizeof(*p->numeric));
	p->sample = calloc(ncols ? ncols * p->sample_cap : 1, sizeof(*p->sample));
	return p->widths && p->numeric && p->sample;
}

void ll_result_printer_columns(void *printer, size_t ncols, const char *const *names)
{
	ll_result_printer *p = printer;
	if (p->names || p->oom)
		return;
	if (!set_columns(p, ncols, names)) {
		p->oom = true;
		return;
	}
	/* a write error here shows in ferror() at the first row or at finish */
	if (p->format == LL_RESULT_CSV)
		csv_header(p);
}

int ll_result_printer_row(void *printer, size_t ncols, const char *const *names,
			  const ll_cell *cells)
{
	ll_result_printer *p = printer;
	if (!p->names)
		ll_result_printer_columns(p, ncols, names);
	if (p->oom || ferror(p->out))
		return 1;
	if (ncols != p->ncols) {
		p->mismatch = true;
		return 1;
	}
	bool ok;
	if (p->format == LL_RESULT_CSV)
		ok = csv_row(p, cells);
	else if (p->format == LL_RESULT_JSON)
		ok = json_row(p, cells);
	else
		ok = table_row(p, cells);
	if (!ok)
		return 1;
	p->rows++;
	return 0;
}

ll_status ll_result_printer_finish(ll_result_printer *p, ll_error *err)
{
	bool ok = !p->oom && !p->mismatch && !ferror(p->out);
	if (ok && p->format == LL_RESULT_TABLE) {
		ok = table_finish(p);
	} else if (ok && p->format == LL_RESULT_JSON) {
		ll_buf_puts(&p->line, p->rows ? "\n]\n" : "[]\n");
		ok = write_line(p);
	}
	if (fflush(p->out) != 0)
		ok = false;
	if (p->oom)
		return ll_error_oom(err);
	if (p->mismatch)
		return ll_error_set(err, LL_EINVAL,
				    "a result row has a different number of columns than the "
				    "header (%zu); print one query's result per printer",
				    p->ncols);
	if (!ok || ferror(p->out))
		return ll_error_set(err, LL_EIO,
				    "writing the query result failed (disk full or the reader "
				    "went away?); nothing after row %llu was written",
				    (unsigned long long)p->rows);
	return LL_OK;
}

void ll_result_printer_free(ll_result_printer *p)
{
	if (!p)
		return;
	for (size_t i = 0; p->names && i < p->ncols; i++)
		free(p->names[i]);
	free(p->names);
	free(p->widths);
	free(p->numeric);
	free(p->sample);
	ll_buf_free(&p->line);
	ll_buf_free(&p->scratch);
	ll_arena_free(&p->arena);
	free(p);
}
