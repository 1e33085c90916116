/*
 * The text half of SigV4: the canonical URI, query string and headers.
 *
 * These functions only rearrange text that has already been validated
 * (sigv4.c checks names, values and the path first), so they cannot fail
 * except for memory, which the ll_bufs and the arena record and the caller
 * checks once. Sorting is by byte order of the encoded or lowercased text,
 * as AWS specifies; repeated headers keep the order the caller gave them,
 * which is why every entry carries its input position.
 */
#include "storage/sigv4_internal.h"

#include <stdlib.h>
#include <string.h>

static const char upper_hex[] = "0123456789ABCDEF";

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

void ll_sigv4_uri_encode(ll_buf *out, const char *s, size_t len, bool keep_slash)
{
	size_t run = 0; /* start of the pending run of bytes that stay as they are */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_unreserved(c) || (keep_slash && c == '/'))
			continue;
		ll_buf_append(out, s + run, i - run);
		char esc[3] = { '%', upper_hex[c >> 4], upper_hex[c & 15] };
		ll_buf_append(out, esc, 3);
		run = i + 1;
	}
	ll_buf_append(out, s + run, len - run);
}

/*
 * Removes "." and ".." segments (RFC 3986 section 5.2.4) and empty segments.
 * The result keeps a trailing "/" when the last segment was empty, "." or
 * "..", as remove_dot_segments does; an empty result is "/".
 */
static void normalize_path(ll_buf *out, const char *path)
{
	bool trailing = false;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		trailing = n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.');
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (out->len > 0 && out->data[out->len - 1] != '/')
				out->len--;
			if (out->len > 0)
				out->len--;
			if (out->data)
				out->data[out->len] = '\0';
		} else if (!trailing) {
			ll_buf_putc(out, '/');
			ll_buf_append(out, p, n);
		}
		p += n;
	}
	if (out->len == 0 || trailing)
		ll_buf_putc(out, '/');
}

/* Encodes what the client left unencoded and keeps its %XX escapes. */
static void encode_path_once(ll_buf *out, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '%' && i + 2 < len && is_hex((unsigned char)p[i + 1]) &&
		    is_hex((unsigned char)p[i + 2])) {
			char esc[3] = { '%', to_upper(p[i + 1]), to_upper(p[i + 2]) };
			ll_buf_append(out, esc, 3);
			i += 2;
		} else {
			ll_sigv4_uri_encode(out, p + i, 1, true);
		}
	}
}

void ll_sigv4_canonical_path(ll_buf *out, const char *path, bool normalize, bool double_encode)
{
	ll_buf norm = LL_BUF_INIT;
	const char *p = path;
	if (!*p) {
		p = "/";
	} else if (normalize) {
		normalize_path(&norm, path);
		if (ll_buf_oom(&norm)) {
			out->oom = true;
			ll_buf_free(&norm);
			return;
		}
		p = ll_buf_cstr(&norm);
	}
	if (double_encode)
		ll_sigv4_uri_encode(out, p, strlen(p), true);
	else
		encode_path_once(out, p, strlen(p));
	ll_buf_free(&norm);
}

static int compare_entries(const void *a, const void *b)
{
	const ll_sigv4_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	c = strcmp(x->value, y->value);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static char *arena_encode(ll_arena *arena, ll_buf *tmp, const char *s)
{
	ll_buf_clear(tmp);
	ll_sigv4_uri_encode(tmp, s, strlen(s), false);
	if (ll_buf_oom(tmp))
		return NULL;
	return ll_arena_strndup(arena, ll_buf_cstr(tmp), tmp->len);
}

bool ll_sigv4_canonical_query(ll_buf *out, const ll_sigv4_pair *q, size_t n, ll_arena *arena)
{
	ll_sigv4_entry *e = n ? ll_arena_alloc(arena, n * sizeof(*e)) : NULL;
	if (n && !e)
		return false;
	ll_buf tmp = LL_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		e[i].name = arena_encode(arena, &tmp, q[i].name);
		e[i].value = arena_encode(arena, &tmp, q[i].value ? q[i].value : "");
		e[i].order = i;
		if (!e[i].name || !e[i].value) {
			ll_buf_free(&tmp);
			return false;
		}
	}
	ll_buf_free(&tmp);
	if (n)
		qsort(e, n, sizeof(*e), compare_entries);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ll_buf_putc(out, '&');
		ll_buf_printf(out, "%s=%s", e[i].name, e[i].value);
	}
	return !ll_buf_oom(out);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims the value and collapses each inner run of white space to one space. */
static char *arena_trim(ll_arena *arena, const char *v)
{
	char *t = ll_arena_alloc(arena, strlen(v) + 1);
	if (!t)
		return NULL;
	size_t n = 0;
	bool gap = false;
	for (; *v; v++) {
		if (is_space(*v)) {
			gap = n > 0;
			continue;
		}
		if (gap)
			t[n++] = ' ';
		gap = false;
		t[n++] = *v;
	}
	t[n] = '\0';
	return t;
}

static char *arena_lower(ll_arena *arena, const char *s)
{
	char *t = ll_arena_strndup(arena, s, strlen(s));
	for (char *c = t; c && *c; c++)
		*c = to_lower(*c);
	return t;
}

static int compare_headers(const void *a, const void *b)
{
	const ll_sigv4_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

bool ll_sigv4_canonical_headers(ll_buf *canon, ll_buf *signed_names, const ll_sigv4_pair *h,
				size_t n, ll_arena *arena)
{
	ll_sigv4_entry *e = n ? ll_arena_alloc(arena, n * sizeof(*e)) : NULL;
	if (n && !e)
		return false;
	for (size_t i = 0; i < n; i++) {
		e[i].name = arena_lower(arena, h[i].name);
		e[i].value = arena_trim(arena, h[i].value);
		e[i].order = i;
		if (!e[i].name || !e[i].value)
			return false;
	}
	if (n)
		qsort(e, n, sizeof(*e), compare_headers);
	for (size_t i = 0; i < n; i++) {
		bool repeat = i > 0 && strcmp(e[i].name, e[i - 1].name) == 0;
		if (repeat) {
			ll_buf_printf(canon, ",%s", e[i].value);
			continue;
		}
		if (i) {
			ll_buf_putc(canon, '\n');
			ll_buf_putc(signed_names, ';');
		}
		ll_buf_printf(canon, "%s:%s", e[i].name, e[i].value);
		ll_buf_puts(signed_names, e[i].name);
	}
	if (n)
		ll_buf_putc(canon, '\n');
	return !ll_buf_oom(canon) && !ll_buf_oom(signed_names);
}
