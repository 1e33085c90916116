/*
 * ll_buf: growable byte buffer with sticky allocation failure. See buf.h.
 */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ll_buf_reserve(ll_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra > SIZE_MAX - b->len - 1) {
		b->oom = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void ll_buf_append(ll_buf *b, const void *data, size_t len)
{
	if (!ll_buf_reserve(b, len))
		return;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void ll_buf_puts(ll_buf *b, const char *s)
{
	ll_buf_append(b, s, strlen(s));
}

void ll_buf_putc(ll_buf *b, char c)
{
	ll_buf_append(b, &c, 1);
}

void ll_buf_put_uleb128(ll_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;
	while (v >= 0x80) {
		tmp[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (unsigned char)v;
	ll_buf_append(b, tmp, n);
}

void ll_buf_printf(ll_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !ll_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void ll_buf_put_json_string(ll_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	ll_buf_putc(b, '"');
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		ll_buf_append(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': ll_buf_puts(b, "\\\""); break;
		case '\\': ll_buf_puts(b, "\\\\"); break;
		case '\n': ll_buf_puts(b, "\\n"); break;
		case '\r': ll_buf_puts(b, "\\r"); break;
		case '\t': ll_buf_puts(b, "\\t"); break;
		case '\b': ll_buf_puts(b, "\\b"); break;
		case '\f': ll_buf_puts(b, "\\f"); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			ll_buf_append(b, u, 6);
		}
		}
	}
	ll_buf_append(b, s + start, len - start);
	ll_buf_putc(b, '"');
}

void ll_buf_clear(ll_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void ll_buf_free(ll_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void ll_buf_wipe(ll_buf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->cap);
	ll_buf_free(b);
}

char *ll_buf_detach(ll_buf *b)
{
	char *p = b->data;
	if (!p && !b->oom)
		p = calloc(1, 1);
	if (b->oom) {
		free(p);
		p = NULL;
	}
	memset(b, 0, sizeof(*b));
	return p;
}
