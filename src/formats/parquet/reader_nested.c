/*
 * JSON text of nested fields, rebuilt row by row from their leaves'
 * repetition and definition levels (the record assembly of the Dremel
 * paper, specialised to writing JSON).
 *
 * For one row, each leaf contributes the entries from one at repetition
 * level 0 up to the next one: its values (already rendered as JSON text)
 * and their levels. The field's shape (reader_schema.c) is then walked with,
 * per leaf, the slice of entries that belongs to the value being written:
 *
 * - a value whose first entry has a definition level below the value's own
 *   is null (or, for a list or map whose repeated node is not reached, empty);
 * - a struct writes each child with the same slices;
 * - a list or map splits the slices into elements, a new element starting at
 *   each entry whose repetition level is at most the repeated node's.
 *
 * All leaves of a value must agree on where its elements start; a file
 * whose leaves disagree is reported, never read past.
 */
#include "formats/parquet/reader_internal.h"

#include <stdlib.h>

typedef struct render_ctx {
	ll_pqr_nested *n;
	const ll_pqr_field *f;
	const ll_pqr_column *cols;
	ll_error *err;
	ll_status st;
} render_ctx;

ll_status ll_pqr_nested_init(ll_pqr_nested *n, const ll_pqr_field *f, ll_error *err)
{
	memset(n, 0, sizeof(*n));
	n->nleaves = f->leaf_end - f->leaf_begin;
	size_t nl = n->nleaves ? n->nleaves : 1;
	n->entries = calloc(nl, sizeof(*n->entries));
	n->count = calloc(nl, sizeof(*n->count));
	n->cap = calloc(nl, sizeof(*n->cap));
	n->slots = calloc((f->nslots + 1) * 2 * nl, sizeof(*n->slots));
	if (!n->entries || !n->count || !n->cap || !n->slots) {
		ll_pqr_nested_free(n);
		return ll_error_oom(err);
	}
	return LL_OK;
}

void ll_pqr_nested_free(ll_pqr_nested *n)
{
	for (size_t l = 0; n->entries && l < n->nleaves; l++)
		free(n->entries[l]);
	free(n->entries);
	free(n->count);
	free(n->cap);
	free(n->slots);
	ll_buf_free(&n->text);
	ll_buf_free(&n->out);
	ll_buf_free(&n->key);
	memset(n, 0, sizeof(*n));
}

/* ---- gathering one row's entries ---- */

static bool push_entry(ll_pqr_nested *n, size_t l, const ll_pqr_entry *e)
{
	if (n->count[l] == n->cap[l]) {
		size_t cap = n->cap[l] ? 2 * n->cap[l] : 16;
		ll_pqr_entry *p = realloc(n->entries[l], cap * sizeof(*p));
		if (!p)
			return false;
		n->entries[l] = p;
		n->cap[l] = cap;
	}
	n->entries[l][n->count[l]++] = *e;
	return true;
}

/* Takes the window's next entry, rendering its value. */
static ll_status take_entry(ll_pqr_nested *n, size_t l, ll_pqr_column *c, ll_error *err)
{
	ll_pqr_entry e = { .rep = c->wrep[c->at], .def = c->wdef[c->at], .off = n->text.len };
	if (e.def == c->leaf->max_def) {
		if (ll_pqr_value_json(c->leaf, &c->wval[c->vat++], &n->text) != LL_OK)
			return ll_pqr_column_fail(c, err, "a decimal value is too long");
		if (ll_buf_oom(&n->text))
			return ll_error_oom(err);
	}
	if (n->count[l] >= LL_PQR_MAX_ROW_ENTRIES || n->text.len - e.off > UINT32_MAX)
		return ll_pqr_column_fail(c, err, "a row holds more values than lakeload reads (%zu)",
					  LL_PQR_MAX_ROW_ENTRIES);
	e.len = (uint32_t)(n->text.len - e.off);
	c->at++;
	return push_entry(n, l, &e) ? LL_OK : ll_error_oom(err);
}

static ll_status gather(ll_pqr_nested *n, size_t l, ll_pqr_column *c, ll_error *err)
{
	bool more;
	n->count[l] = 0;
	ll_status st = ll_pqr_column_fill(c, &more, err);
	if (st != LL_OK)
		return st;
	if (!more)
		return ll_pqr_column_fail(c, err, "the column chunk holds fewer rows than its row group");
	if (c->wrep[c->at] != 0)
		return ll_pqr_column_fail(c, err, "a row does not start at repetition level 0");
	do {
		if ((st = take_entry(n, l, c, err)) != LL_OK ||
		    (st = ll_pqr_column_fill(c, &more, err)) != LL_OK)
			return st;
	} while (more && c->wrep[c->at] != 0);
	return LL_OK;
}

/* ---- writing the JSON ---- */

static bool render(render_ctx *x, const ll_pqr_shape *s, const size_t *b, const size_t *e);

static bool disagree(render_ctx *x)
{
	if (x->st == LL_OK)
		x->st = ll_pqr_column_fail(&x->cols[0], x->err,
					   "the levels of the nested field's columns disagree");
	return false;
}

static const ll_pqr_entry *first_entry(render_ctx *x, const ll_pqr_shape *s, const size_t *b,
				       const size_t *e)
{
	size_t l = s->leaf_begin - x->f->leaf_begin;
	return b[l] < e[l] ? &x->n->entries[l][b[l]] : NULL;
}

static bool render_leaf(render_ctx *x, const ll_pqr_shape *s, const ll_pqr_entry *first)
{
	ll_pqr_nested *n = x->n;
	if (first->def < x->cols[s->leaf - x->f->leaf_begin].leaf->max_def)
		ll_buf_puts(&n->out, "null");
	else
		ll_buf_append(&n->out, n->text.data + first->off, first->len);
	return true;
}

static bool render_struct(render_ctx *x, const ll_pqr_shape *s, const size_t *b, const size_t *e)
{
	ll_pqr_nested *n = x->n;
	ll_buf_putc(&n->out, '{');
	for (size_t k = 0; k < s->nchildren; k++) {
		if (k)
			ll_buf_putc(&n->out, ',');
		ll_buf_put_json_string(&n->out, s->children[k]->name, strlen(s->children[k]->name));
		ll_buf_putc(&n->out, ':');
		if (!render(x, s->children[k], b, e))
			return false;
	}
	ll_buf_putc(&n->out, '}');
	return true;
}

/* A map key as a JSON object key: strings stay, anything else becomes its text. */
static bool render_key(render_ctx *x, const ll_pqr_shape *s, const size_t *b, const size_t *e)
{
	ll_pqr_nested *n = x->n;
	size_t start = n->out.len;
	if (!render(x, s, b, e))
		return false;
	if (ll_buf_oom(&n->out) || n->out.data[start] == '"')
		return true;
	ll_buf_clear(&n->key);
	ll_buf_append(&n->key, n->out.data + start, n->out.len - start);
	n->out.len = start;
	ll_buf_put_json_string(&n->out, ll_buf_cstr(&n->key), n->key.len);
	return !ll_buf_oom(&n->key);
}

static bool render_element(render_ctx *x, const ll_pqr_shape *s, const size_t *b, const size_t *e)
{
	if (s->kind == LL_PQR_SHAPE_LIST)
		return render(x, s->children[0], b, e);
	if (!render_key(x, s->children[0], b, e))
		return false;
	ll_buf_putc(&x->n->out, ':');
	return render(x, s->children[1], b, e);
}

/* Splits the slices [b, e) of s's leaves into elements and writes each. */
static bool render_elements(render_ctx *x, const ll_pqr_shape *s, const size_t *b, const size_t *e)
{
	ll_pqr_nested *n = x->n;
	size_t nl = n->nleaves, lb = s->leaf_begin - x->f->leaf_begin;
	size_t le = s->leaf_end - x->f->leaf_begin;
	size_t *pos = n->slots + s->slot * 2 * nl, *stop = pos + nl;
	for (size_t l = lb; l < le; l++)
		pos[l] = b[l];
	for (bool first = true; pos[lb] < e[lb]; first = false) {
		for (size_t l = lb; l < le; l++) {
			if (pos[l] >= e[l])
				return disagree(x);
			size_t j = pos[l] + 1;
			while (j < e[l] && n->entries[l][j].rep > s->rep)
				j++;
			stop[l] = j;
		}
		if (!first)
			ll_buf_putc(&n->out, ',');
		if (!render_element(x, s, pos, stop))
			return false;
		for (size_t l = lb; l < le; l++)
			pos[l] = stop[l];
	}
	for (size_t l = lb; l < le; l++) {
		if (pos[l] != e[l])
			return disagree(x);
	}
	return true;
}

static bool render(render_ctx *x, const ll_pqr_shape *s, const size_t *b, const size_t *e)
{
	ll_pqr_nested *n = x->n;
	const ll_pqr_entry *first = first_entry(x, s, b, e);
	if (!first)
		return disagree(x);
	if (s->kind == LL_PQR_SHAPE_LEAF)
		return render_leaf(x, s, first);
	if (s->nullable && first->def < s->def) {
		ll_buf_puts(&n->out, "null");
		return true;
	}
	if (s->kind == LL_PQR_SHAPE_STRUCT)
		return render_struct(x, s, b, e);
	bool map = s->kind == LL_PQR_SHAPE_MAP;
	ll_buf_putc(&n->out, map ? '{' : '[');
	if (first->def >= s->elem_def && !render_elements(x, s, b, e))
		return false;
	ll_buf_putc(&n->out, map ? '}' : ']');
	return true;
}

ll_status ll_pqr_nested_row(ll_pqr_nested *n, const ll_pqr_field *f, ll_pqr_column *cols,
			    ll_arena *a, ll_value *out, ll_error *err)
{
	ll_buf_clear(&n->text);
	ll_buf_clear(&n->out);
	memset(out, 0, sizeof(*out));
	for (size_t l = 0; l < n->nleaves; l++) {
		ll_status st = gather(n, l, &cols[l], err);
		if (st != LL_OK)
			return st;
	}
	render_ctx x = { n, f, cols, err, LL_OK };
	const ll_pqr_shape *s = f->shape;
	size_t *b = n->slots + f->nslots * 2 * n->nleaves, *e = b + n->nleaves;
	for (size_t l = 0; l < n->nleaves; l++) {
		b[l] = 0;
		e[l] = n->count[l];
	}
	const ll_pqr_entry *first = first_entry(&x, s, b, e);
	if (s->kind != LL_PQR_SHAPE_LEAF && s->nullable && first && first->def < s->def) {
		out->is_null = true;
		return LL_OK;
	}
	if (!render(&x, s, b, e))
		return x.st;
	if (ll_buf_oom(&n->out))
		return ll_error_oom(err);
	char *text = ll_arena_strndup(a, ll_buf_cstr(&n->out), n->out.len);
	if (!text)
		return ll_error_oom(err);
	out->s = text;
	out->len = n->out.len;
	return LL_OK;
}
