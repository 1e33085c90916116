/*
 * The XML that S3 speaks: small documents of nested elements with text
 * (ListBucketResult, DeleteResult, InitiateMultipartUploadResult, Error).
 * The parser builds a flat tree of elements in one pass; text is decoded
 * into an arena as it is read. It accepts well-formed XML 1.0 documents
 * without a DOCTYPE and rejects anything else with LL_EFORMAT, never
 * crashing on hostile input: nesting is bounded and every read is checked
 * against the end of the text.
 */
#include "storage/s3_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "util/utf8.h"

/* S3 documents nest four levels deep; anything much deeper is not from S3. */
#define XML_MAX_DEPTH 64

typedef struct xml_parser {
	ll_s3_xml *doc;
	const char *s;
	size_t len, pos;
	int32_t stack[XML_MAX_DEPTH];
	ll_buf text[XML_MAX_DEPTH]; /* character data of each open element */
	size_t depth;
	ll_error *err;
} xml_parser;

static ll_status xml_fail(xml_parser *p, const char *what)
{
	return ll_error_set(p->err, LL_EFORMAT, "malformed XML from S3 at byte %zu: %s", p->pos,
			    what);
}

static bool at(const xml_parser *p, const char *lit)
{
	size_t n = strlen(lit);
	return p->len - p->pos >= n && memcmp(p->s + p->pos, lit, n) == 0;
}

/* Moves past the next occurrence of end; false when there is none. */
static bool skip_past(xml_parser *p, const char *end)
{
	size_t n = strlen(end);
	for (size_t i = p->pos; i + n <= p->len; i++) {
		if (memcmp(p->s + i, end, n) == 0) {
			p->pos = i + n;
			return true;
		}
	}
	return false;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static void skip_space(xml_parser *p)
{
	while (p->pos < p->len && is_space(p->s[p->pos]))
		p->pos++;
}

static bool is_name_char(unsigned char ch)
{
	return ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.' || ch == ':';
}

/* Reads a name; returns its length (0: none) and where it starts. */
static size_t read_name(xml_parser *p, const char **start)
{
	*start = p->s + p->pos;
	size_t n = 0;
	while (p->pos < p->len && is_name_char((unsigned char)p->s[p->pos])) {
		p->pos++;
		n++;
	}
	return n;
}

/* Decodes "#123" or "#x1F" (the text between & and ;) into a code point. */
static bool char_ref(const char *s, size_t n, uint32_t *cp)
{
	int base = 10;
	size_t i = 1;
	if (n > 1 && s[1] == 'x') {
		base = 16;
		i = 2;
	}
	if (i >= n || n - i > 8)
		return false;
	uint32_t v = 0;
	for (; i < n; i++) {
		char ch = s[i];
		int d = ch >= '0' && ch <= '9'			 ? ch - '0'
			: base == 16 && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: base == 16 && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
							       : -1;
		if (d < 0)
			return false;
		v = v * (uint32_t)base + (uint32_t)d;
	}
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return false;
	*cp = v;
	return true;
}

/* Decodes the reference at p->pos (which is '&') into out. */
static ll_status read_reference(xml_parser *p, ll_buf *out)
{
	static const struct {
		const char *name;
		char ch;
	} named[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' }, { "apos", '\'' },
	};
	const char *start = p->s + p->pos + 1;
	const char *semi = memchr(start, ';', p->len - p->pos - 1 < 12 ? p->len - p->pos - 1 : 12);
	if (!semi)
		return xml_fail(p, "unterminated character reference");
	size_t n = (size_t)(semi - start);
	uint32_t cp;
	if (n > 0 && start[0] == '#') {
		if (!char_ref(start, n, &cp))
			return xml_fail(p, "invalid character reference");
		char u[4];
		ll_buf_append(out, u, ll_utf8_encode(cp, u));
	} else {
		size_t i = 0;
		while (i < sizeof(named) / sizeof(named[0]) &&
		       !(strlen(named[i].name) == n && memcmp(named[i].name, start, n) == 0))
			i++;
		if (i == sizeof(named) / sizeof(named[0]))
			return xml_fail(p, "unknown entity");
		ll_buf_putc(out, named[i].ch);
	}
	p->pos += n + 2;
	return LL_OK;
}

static ll_status read_text(xml_parser *p)
{
	ll_buf *out = p->depth ? &p->text[p->depth - 1] : NULL;
	while (p->pos < p->len && p->s[p->pos] != '<') {
		char ch = p->s[p->pos];
		if (!out && !is_space(ch))
			return xml_fail(p, "text outside the root element");
		if (ch == '&' && out) {
			ll_status st = read_reference(p, out);
			if (st != LL_OK)
				return st;
			continue;
		}
		if (out)
			ll_buf_putc(out, ch);
		p->pos++;
	}
	return LL_OK;
}

static ll_status add_node(xml_parser *p, const char *name, size_t n)
{
	ll_s3_xml *doc = p->doc;
	if (doc->count == doc->cap) {
		size_t cap = doc->cap ? doc->cap * 2 : 64;
		ll_s3_xml_node *nodes = realloc(doc->nodes, cap * sizeof(*nodes));
		if (!nodes)
			return ll_error_oom(p->err);
		doc->nodes = nodes;
		doc->cap = cap;
	}
	const char *colon = memchr(name, ':', n);
	if (colon) {
		n -= (size_t)(colon + 1 - name);
		name = colon + 1;
	}
	int32_t idx = (int32_t)doc->count++;
	int32_t parent = p->depth ? p->stack[p->depth - 1] : -1;
	ll_s3_xml_node *node = &doc->nodes[idx];
	*node = (ll_s3_xml_node){ ll_arena_strndup(&doc->arena, name, n), "", 0, parent, -1, -1, -1 };
	if (!node->name)
		return ll_error_oom(p->err);
	if (parent >= 0) {
		ll_s3_xml_node *par = &doc->nodes[parent];
		if (par->last_child >= 0)
			doc->nodes[par->last_child].next_sibling = idx;
		else
			par->first_child = idx;
		par->last_child = idx;
	}
	return LL_OK;
}

static ll_status close_element(xml_parser *p)
{
	ll_buf *text = &p->text[p->depth - 1];
	if (ll_buf_oom(text))
		return ll_error_oom(p->err);
	ll_s3_xml_node *node = &p->doc->nodes[p->stack[p->depth - 1]];
	node->text = ll_arena_strndup(&p->doc->arena, ll_buf_cstr(text), text->len);
	node->text_len = text->len;
	if (!node->text)
		return ll_error_oom(p->err);
	ll_buf_clear(text);
	p->depth--;
	return LL_OK;
}

/* Skips attributes up to '>' or "/>"; sets *empty for the latter. */
static ll_status skip_attributes(xml_parser *p, bool *empty)
{
	for (;;) {
		skip_space(p);
		if (at(p, "/>")) {
			p->pos += 2;
			*empty = true;
			return LL_OK;
		}
		if (at(p, ">")) {
			p->pos++;
			*empty = false;
			return LL_OK;
		}
		const char *name;
		if (read_name(p, &name) == 0)
			return xml_fail(p, "expected an attribute");
		skip_space(p);
		if (!at(p, "="))
			return xml_fail(p, "expected '=' after an attribute name");
		p->pos++;
		skip_space(p);
		if (p->pos >= p->len || (p->s[p->pos] != '"' && p->s[p->pos] != '\''))
			return xml_fail(p, "expected a quoted attribute value");
		char quote[2] = { p->s[p->pos++], '\0' };
		if (!skip_past(p, quote))
			return xml_fail(p, "unterminated attribute value");
	}
}

static ll_status read_start_tag(xml_parser *p)
{
	p->pos++;
	const char *name;
	size_t n = read_name(p, &name);
	if (n == 0)
		return xml_fail(p, "expected an element name");
	if (p->depth == 0 && p->doc->count > 0)
		return xml_fail(p, "more than one root element");
	if (p->depth == XML_MAX_DEPTH)
		return xml_fail(p, "elements nested too deeply");
	bool empty = false;
	ll_status st = skip_attributes(p, &empty);
	if (st == LL_OK)
		st = add_node(p, name, n);
	if (st != LL_OK)
		return st;
	p->stack[p->depth++] = (int32_t)p->doc->count - 1;
	return empty ? close_element(p) : LL_OK;
}

static ll_status read_end_tag(xml_parser *p)
{
	p->pos += 2;
	const char *name;
	size_t n = read_name(p, &name);
	if (p->depth == 0)
		return xml_fail(p, "end tag without a start tag");
	/* The stored name lost its prefix; compare the local part. */
	const char *colon = memchr(name, ':', n);
	if (colon) {
		n -= (size_t)(colon + 1 - name);
		name = colon + 1;
	}
	const char *open = p->doc->nodes[p->stack[p->depth - 1]].name;
	if (strlen(open) != n || memcmp(open, name, n) != 0)
		return xml_fail(p, "end tag does not match its start tag");
	skip_space(p);
	if (!at(p, ">"))
		return xml_fail(p, "expected '>'");
	p->pos++;
	return close_element(p);
}

static ll_status read_markup(xml_parser *p)
{
	if (at(p, "<?")) {
		return skip_past(p, "?>") ? LL_OK : xml_fail(p, "unterminated processing instruction");
	}
	if (at(p, "<!--"))
		return skip_past(p, "-->") ? LL_OK : xml_fail(p, "unterminated comment");
	if (at(p, "<![CDATA[")) {
		if (p->depth == 0)
			return xml_fail(p, "CDATA outside the root element");
		size_t start = p->pos + 9;
		p->pos = start;
		if (!skip_past(p, "]]>"))
			return xml_fail(p, "unterminated CDATA section");
		ll_buf_append(&p->text[p->depth - 1], p->s + start, p->pos - 3 - start);
		return LL_OK;
	}
	if (at(p, "<!"))
		return xml_fail(p, "DOCTYPE and other declarations are not accepted");
	if (at(p, "</"))
		return read_end_tag(p);
	return read_start_tag(p);
}

static ll_status parse_document(xml_parser *p)
{
	if (at(p, "\xEF\xBB\xBF"))
		p->pos += 3;
	while (p->pos < p->len) {
		ll_status st = p->s[p->pos] == '<' ? read_markup(p) : read_text(p);
		if (st != LL_OK)
			return st;
	}
	if (p->depth > 0)
		return xml_fail(p, "the document ends inside an element");
	if (p->doc->count == 0)
		return xml_fail(p, "no root element");
	return LL_OK;
}

ll_status ll_s3_xml_parse(ll_s3_xml *doc, const char *text, size_t len, ll_error *err)
{
	*doc = (ll_s3_xml){ 0 };
	ll_arena_init(&doc->arena, 0);
	xml_parser *p = calloc(1, sizeof(*p));
	if (!p)
		return ll_error_oom(err);
	p->doc = doc;
	p->s = text ? text : "";
	p->len = text ? len : 0;
	p->err = err;
	ll_status st = parse_document(p);
	for (size_t i = 0; i < XML_MAX_DEPTH; i++)
		ll_buf_free(&p->text[i]);
	free(p);
	if (st != LL_OK) {
		ll_s3_xml_free(doc);
		ll_arena_init(&doc->arena, 0);
	}
	return st;
}

void ll_s3_xml_free(ll_s3_xml *doc)
{
	free(doc->nodes);
	ll_arena_free(&doc->arena);
	doc->nodes = NULL;
	doc->count = doc->cap = 0;
}

int32_t ll_s3_xml_child(const ll_s3_xml *doc, int32_t node, const char *name)
{
	if (node < 0 || (size_t)node >= doc->count)
		return -1;
	for (int32_t c = doc->nodes[node].first_child; c >= 0; c = doc->nodes[c].next_sibling) {
		if (strcmp(doc->nodes[c].name, name) == 0)
			return c;
	}
	return -1;
}

int32_t ll_s3_xml_next(const ll_s3_xml *doc, int32_t node)
{
	if (node < 0 || (size_t)node >= doc->count)
		return -1;
	const char *name = doc->nodes[node].name;
	for (int32_t c = doc->nodes[node].next_sibling; c >= 0; c = doc->nodes[c].next_sibling) {
		if (strcmp(doc->nodes[c].name, name) == 0)
			return c;
	}
	return -1;
}

const char *ll_s3_xml_child_text(const ll_s3_xml *doc, int32_t node, const char *name)
{
	int32_t c = ll_s3_xml_child(doc, node, name);
	return c >= 0 ? doc->nodes[c].text : NULL;
}

int64_t ll_s3_xml_child_time_ms(const ll_s3_xml *doc, int32_t node, const char *name,
				int64_t fallback_ms)
{
	int32_t c = ll_s3_xml_child(doc, node, name);
	int64_t micros;
	if (c < 0 || ll_time_parse(doc->nodes[c].text, doc->nodes[c].text_len, &micros) !=
			     LL_TIME_TIMESTAMP)
		return fallback_ms;
	return micros / 1000;
}

void ll_s3_xml_escape(ll_buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		switch (ch) {
		case '<':
			ll_buf_puts(out, "&lt;");
			break;
		case '>':
			ll_buf_puts(out, "&gt;");
			break;
		case '&':
			ll_buf_puts(out, "&amp;");
			break;
		case '"':
			ll_buf_puts(out, "&quot;");
			break;
		default:
			/* S3 asks for control characters in keys as references. */
			if (ch < 0x20)
				ll_buf_printf(out, "&#%u;", ch);
			else
				ll_buf_putc(out, (char)ch);
		}
	}
}

bool ll_s3_xml_error(const char *text, size_t len, char *code, size_t code_size, char *message,
		     size_t message_size)
{
	code[0] = '\0';
	message[0] = '\0';
	ll_s3_xml doc;
	bool is_error = false;
	if (ll_s3_xml_parse(&doc, text, len, NULL) == LL_OK &&
	    strcmp(doc.nodes[0].name, "Error") == 0) {
		const char *c = ll_s3_xml_child_text(&doc, 0, "Code");
		const char *m = ll_s3_xml_child_text(&doc, 0, "Message");
		snprintf(code, code_size, "%s", c ? c : "");
		snprintf(message, message_size, "%s", m ? m : "");
		is_error = true;
	}
	ll_s3_xml_free(&doc);
	return is_error;
}
