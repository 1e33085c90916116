/*
 * The schema tree of a Parquet file and what the reader makes of it.
 *
 * The footer lists the schema depth first, each group giving its number of
 * children. This file links that list into a tree (refusing counts that do
 * not add up, and trees deeper than LL_PQR_MAX_DEPTH), gives every node its
 * definition and repetition level (the number of optional-or-repeated and of
 * repeated nodes from the root down to it), numbers the leaves in order
 * (the order of the column chunks in every row group), and decides:
 *
 * - per leaf, how its physical values become lakeload values (the mapping of
 *   parquet_reader.h), taking the LogicalType when the writer gave one and
 *   the legacy ConvertedType otherwise;
 * - per top-level field, its ll_parquet_field, and for a nested one the
 *   shape of its JSON: structs become objects, LIST groups and repeated
 *   fields arrays, MAP groups objects keyed by the key's text. LIST groups
 *   follow the format's backward-compatibility rules, so the two-level lists
 *   of older writers read as lists too.
 */
#include "formats/parquet/reader_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct schema_ctx {
	ll_parquet_reader *r;
	ll_error *err;
	ll_status st;
} schema_ctx;

static bool schema_fail(schema_ctx *c, const char *fmt, const char *name)
{
	if (c->st == LL_OK)
		c->st = ll_pqr_fail(c->r, c->err, fmt, name);
	return false;
}

static bool schema_oom(schema_ctx *c)
{
	if (c->st == LL_OK)
		c->st = ll_error_oom(c->err);
	return false;
}

/* The LogicalType a legacy ConvertedType stands for. */
static void apply_converted(ll_pqr_node *n)
{
	switch (n->converted) {
	case LL_PQR_CONV_UTF8: n->logical = LL_PQR_L_STRING; break;
	case LL_PQR_CONV_MAP:
	case LL_PQR_CONV_MAP_KEY_VALUE: n->logical = LL_PQR_L_MAP; break;
	case LL_PQR_CONV_LIST: n->logical = LL_PQR_L_LIST; break;
	case LL_PQR_CONV_ENUM: n->logical = LL_PQR_L_ENUM; break;
	case LL_PQR_CONV_DECIMAL: n->logical = LL_PQR_L_DECIMAL; break;
	case LL_PQR_CONV_DATE: n->logical = LL_PQR_L_DATE; break;
	case LL_PQR_CONV_TIME_MILLIS:
	case LL_PQR_CONV_TIME_MICROS:
		n->logical = LL_PQR_L_TIME;
		n->unit = n->converted == LL_PQR_CONV_TIME_MILLIS ? LL_PQR_MILLIS : LL_PQR_MICROS;
		break;
	case LL_PQR_CONV_TIMESTAMP_MILLIS:
	case LL_PQR_CONV_TIMESTAMP_MICROS:
		n->logical = LL_PQR_L_TIMESTAMP;
		n->unit = n->converted == LL_PQR_CONV_TIMESTAMP_MILLIS ? LL_PQR_MILLIS : LL_PQR_MICROS;
		break;
	case LL_PQR_CONV_JSON: n->logical = LL_PQR_L_JSON; break;
	case LL_PQR_CONV_BSON: n->logical = LL_PQR_L_BSON; break;
	case LL_PQR_CONV_INTERVAL: n->logical = LL_PQR_L_INTERVAL; break;
	default:
		if (n->converted >= LL_PQR_CONV_UINT_8 && n->converted <= LL_PQR_CONV_INT_64) {
			int k = n->converted - LL_PQR_CONV_UINT_8;
			n->logical = LL_PQR_L_INTEGER;
			n->is_signed = k >= 4;
			n->bit_width = 8 << (k % 4);
		} else {
			n->logical = LL_PQR_L_NONE;
		}
		break;
	}
}

static bool check_node(schema_ctx *c, ll_pqr_node *n, bool root)
{
	if (n->nchildren < 0)
		return schema_fail(c, "schema element '%s' has a negative number of children", n->name);
	if (!root && (n->repetition < LL_PQR_REQUIRED || n->repetition > LL_PQR_REPEATED))
		return schema_fail(c, "schema element '%s' has an unknown repetition", n->name);
	if (n->logical == LL_PQR_L_NONE || n->logical == LL_PQR_L_OTHER)
		apply_converted(n);
	if (n->nchildren > 0 || root) {
		n->physical = -1;
		return true;
	}
	if (n->physical < LL_PQR_BOOLEAN || n->physical > LL_PQR_FIXED)
		return schema_fail(c, "schema element '%s' is a group without fields or has an unknown type",
				   n->name);
	if (n->physical == LL_PQR_INT96)
		n->type_length = 12;
	if (n->physical == LL_PQR_FIXED && (n->type_length <= 0 || n->type_length > (1 << 24)))
		return schema_fail(c, "column '%s' has an invalid FIXED_LEN_BYTE_ARRAY length", n->name);
	if (n->logical == LL_PQR_L_DECIMAL &&
	    (n->precision < 1 || n->precision > 1000 || n->scale < 0 || n->scale > n->precision))
		return schema_fail(c, "column '%s' has an invalid DECIMAL precision or scale", n->name);
	return true;
}

static const char *join_path(schema_ctx *c, const char *parent, const char *name)
{
	if (!*parent)
		return name;
	size_t a = strlen(parent), b = strlen(name);
	char *p = ll_arena_alloc(&c->r->arena, a + b + 2);
	if (!p)
		return NULL;
	memcpy(p, parent, a);
	p[a] = '.';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

/* ---- leaves ---- */

static ll_pqr_conv int32_conv(const ll_pqr_node *n, ll_data_type *type)
{
	switch (n->logical) {
	case LL_PQR_L_DATE: *type = LL_TYPE_DATE; return LL_PQR_TO_DATE;
	case LL_PQR_L_DECIMAL: *type = LL_TYPE_DECIMAL; return LL_PQR_TO_DECIMAL_INT;
	case LL_PQR_L_TIME: *type = LL_TYPE_TIME; return LL_PQR_TO_TIME;
	case LL_PQR_L_INTEGER:
		*type = LL_TYPE_BIGINT;
		return n->is_signed ? LL_PQR_TO_INT : LL_PQR_TO_UINT32;
	default: *type = LL_TYPE_BIGINT; return LL_PQR_TO_INT;
	}
}

static ll_pqr_conv int64_conv(const ll_pqr_node *n, ll_data_type *type)
{
	switch (n->logical) {
	case LL_PQR_L_TIMESTAMP: *type = LL_TYPE_TIMESTAMP; return LL_PQR_TO_TIMESTAMP;
	case LL_PQR_L_TIME: *type = LL_TYPE_TIME; return LL_PQR_TO_TIME;
	case LL_PQR_L_DECIMAL: *type = LL_TYPE_DECIMAL; return LL_PQR_TO_DECIMAL_INT;
	default: *type = LL_TYPE_BIGINT; return LL_PQR_TO_INT;
	}
}

static ll_pqr_conv bytes_conv(const ll_pqr_node *n, ll_data_type *type)
{
	switch (n->logical) {
	case LL_PQR_L_STRING:
	case LL_PQR_L_ENUM: *type = LL_TYPE_TEXT; return LL_PQR_TO_TEXT;
	case LL_PQR_L_JSON: *type = LL_TYPE_JSON; return LL_PQR_TO_TEXT;
	case LL_PQR_L_DECIMAL: *type = LL_TYPE_DECIMAL; return LL_PQR_TO_DECIMAL_BYTES;
	case LL_PQR_L_UUID:
		if (n->physical == LL_PQR_FIXED && n->type_length == 16) {
			*type = LL_TYPE_TEXT;
			return LL_PQR_TO_UUID;
		}
		break;
	case LL_PQR_L_FLOAT16:
		if (n->physical == LL_PQR_FIXED && n->type_length == 2) {
			*type = LL_TYPE_DOUBLE;
			return LL_PQR_TO_FLOAT16;
		}
		break;
	default: break;
	}
	*type = LL_TYPE_BINARY;
	return LL_PQR_TO_BINARY;
}

static void classify_leaf(const ll_pqr_node *n, ll_pqr_leaf *l)
{
	l->physical = n->physical;
	l->type_length = n->type_length;
	l->unit = n->unit;
	l->scale = n->scale;
	l->precision = n->precision;
	l->unsigned_order = n->logical == LL_PQR_L_INTEGER && !n->is_signed;
	switch (n->physical) {
	case LL_PQR_BOOLEAN: l->conv = LL_PQR_TO_BOOL; l->type = LL_TYPE_BOOL; break;
	case LL_PQR_INT32: l->conv = int32_conv(n, &l->type); break;
	case LL_PQR_INT64: l->conv = int64_conv(n, &l->type); break;
	case LL_PQR_INT96:
		l->conv = LL_PQR_TO_INT96;
		l->type = LL_TYPE_TIMESTAMP;
		l->unit = LL_PQR_NANOS;
		break;
	case LL_PQR_FLOAT:
	case LL_PQR_DOUBLE: l->conv = LL_PQR_TO_DOUBLE; l->type = LL_TYPE_DOUBLE; break;
	default: l->conv = bytes_conv(n, &l->type); break;
	}
	if (n->logical == LL_PQR_L_NULL) {
		l->conv = LL_PQR_TO_NULL;
		l->type = LL_TYPE_TEXT;
	}
}

/* ---- the tree ---- */

/*
 * Links node *next (and, recursively, its children) under the given levels.
 * Advances *next past the subtree.
 */
static bool link_node(schema_ctx *c, size_t *next, int depth, uint8_t def, uint8_t rep,
		      const char *path)
{
	ll_parquet_reader *r = c->r;
	size_t i = (*next)++;
	ll_pqr_node *n = &r->nodes[i];
	bool root = depth == 0;
	if (depth > LL_PQR_MAX_DEPTH)
		return schema_fail(c, "the schema is nested more than 64 levels deep at '%s'", n->name);
	if (!check_node(c, n, root))
		return false;
	n->def = (uint8_t)(def + (!root && n->repetition != LL_PQR_REQUIRED));
	n->rep = (uint8_t)(rep + (!root && n->repetition == LL_PQR_REPEATED));
	const char *my_path = root ? "" : join_path(c, path, n->name);
	if (!my_path)
		return schema_oom(c);
	n->leaf_begin = r->nleaves;
	if (n->physical >= 0) {
		ll_pqr_leaf *l = &r->leaves[r->nleaves++];
		memset(l, 0, sizeof(*l));
		l->node = i;
		l->max_def = n->def;
		l->max_rep = n->rep;
		l->path = my_path;
		classify_leaf(n, l);
		n->leaf_end = r->nleaves;
		return true;
	}
	if ((size_t)n->nchildren > r->nnodes - *next)
		return schema_fail(c, "group '%s' has more children than the schema has elements",
				   n->name);
	n->children = ll_arena_alloc(&r->arena, (size_t)n->nchildren * sizeof(size_t) + 1);
	if (!n->children)
		return schema_oom(c);
	for (int32_t k = 0; k < n->nchildren; k++) {
		n->children[k] = *next;
		if (*next >= r->nnodes)
			return schema_fail(c, "group '%s' has more children than the schema has elements",
					   n->name);
		if (!link_node(c, next, depth + 1, n->def, n->rep, my_path))
			return false;
	}
	n->leaf_end = r->nleaves;
	return true;
}

/* ---- shapes of nested fields ---- */

static ll_pqr_shape *shape_value(schema_ctx *c, size_t node, size_t *slots);

static ll_pqr_shape *new_shape(schema_ctx *c, ll_pqr_shape_kind kind, const ll_pqr_node *n,
			       size_t nchildren)
{
	ll_pqr_shape *s = ll_arena_alloc(&c->r->arena, sizeof(*s));
	ll_pqr_shape **kids = ll_arena_alloc(&c->r->arena, (nchildren + 1) * sizeof(*kids));
	if (!s || !kids) {
		schema_oom(c);
		return NULL;
	}
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->name = n->name;
	s->nullable = n->repetition == LL_PQR_OPTIONAL;
	s->def = n->def;
	s->leaf_begin = n->leaf_begin;
	s->leaf_end = n->leaf_end;
	s->nchildren = nchildren;
	s->children = kids;
	return s;
}

static ll_pqr_shape *shape_struct(schema_ctx *c, const ll_pqr_node *n, size_t *slots)
{
	ll_pqr_shape *s = new_shape(c, LL_PQR_SHAPE_STRUCT, n, (size_t)n->nchildren);
	for (size_t k = 0; s && k < s->nchildren; k++) {
		s->children[k] = shape_value(c, n->children[k], slots);
		if (!s->children[k])
			return NULL;
	}
	return s;
}

/* A repeated node seen as one element of its list: a value that is always there. */
static ll_pqr_shape *shape_element(schema_ctx *c, size_t node, size_t *slots)
{
	const ll_pqr_node *n = &c->r->nodes[node];
	ll_pqr_shape *s;
	if (n->physical >= 0) {
		s = new_shape(c, LL_PQR_SHAPE_LEAF, n, 0);
		if (s)
			s->leaf = n->leaf_begin;
	} else {
		s = shape_struct(c, n, slots);
	}
	if (s)
		s->nullable = false;
	return s;
}

/* A list (or map) whose entries are the repeated node rep_node. */
static ll_pqr_shape *shape_repeated(schema_ctx *c, ll_pqr_shape_kind kind, const ll_pqr_node *outer,
				    const ll_pqr_node *rep_node, size_t nchildren, size_t *slots)
{
	ll_pqr_shape *s = new_shape(c, kind, outer, nchildren);
	if (!s)
		return NULL;
	s->elem_def = rep_node->def;
	s->rep = rep_node->rep;
	s->slot = (*slots)++;
	return s;
}

/* The element of a LIST group l whose repeated child is r (the format's compatibility rules). */
static ll_pqr_shape *list_element(schema_ctx *c, const ll_pqr_node *l, size_t rnode, size_t *slots)
{
	const ll_pqr_node *rn = &c->r->nodes[rnode];
	if (rn->physical >= 0 || rn->nchildren > 1 || strcmp(rn->name, "array") == 0)
		return shape_element(c, rnode, slots);
	size_t ln = strlen(l->name);
	if (strncmp(rn->name, l->name, ln) == 0 && strcmp(rn->name + ln, "_tuple") == 0)
		return shape_element(c, rnode, slots);
	return shape_value(c, rn->children[0], slots);
}

static bool is_repeated_child(const ll_parquet_reader *r, const ll_pqr_node *n, int nkids)
{
	if (n->nchildren != 1)
		return false;
	const ll_pqr_node *k = &r->nodes[n->children[0]];
	return k->repetition == LL_PQR_REPEATED && (nkids < 0 || k->nchildren == nkids);
}

static ll_pqr_shape *shape_value(schema_ctx *c, size_t node, size_t *slots)
{
	const ll_parquet_reader *r = c->r;
	const ll_pqr_node *n = &r->nodes[node];
	ll_pqr_shape *s;
	if (n->repetition == LL_PQR_REPEATED) {
		s = shape_repeated(c, LL_PQR_SHAPE_LIST, n, n, 1, slots);
		if (s && !(s->children[0] = shape_element(c, node, slots)))
			return NULL;
		return s;
	}
	if (n->physical >= 0) {
		s = new_shape(c, LL_PQR_SHAPE_LEAF, n, 0);
		if (s)
			s->leaf = n->leaf_begin;
		return s;
	}
	if (n->logical == LL_PQR_L_LIST && is_repeated_child(r, n, -1)) {
		size_t rnode = n->children[0];
		s = shape_repeated(c, LL_PQR_SHAPE_LIST, n, &r->nodes[rnode], 1, slots);
		if (s && !(s->children[0] = list_element(c, n, rnode, slots)))
			return NULL;
		return s;
	}
	if (n->logical == LL_PQR_L_MAP && is_repeated_child(r, n, 2)) {
		const ll_pqr_node *kv = &r->nodes[n->children[0]];
		s = shape_repeated(c, LL_PQR_SHAPE_MAP, n, kv, 2, slots);
		for (size_t k = 0; s && k < 2; k++) {
			if (!(s->children[k] = shape_value(c, kv->children[k], slots)))
				return NULL;
		}
		return s;
	}
	return shape_struct(c, n, slots);
}

/* ---- fields ---- */

static bool build_field(schema_ctx *c, size_t k, size_t node)
{
	ll_parquet_reader *r = c->r;
	const ll_pqr_node *n = &r->nodes[node];
	ll_parquet_field *f = &r->fields[k];
	ll_pqr_field *fi = &r->finfo[k];
	fi->node = node;
	fi->leaf_begin = n->leaf_begin;
	fi->leaf_end = n->leaf_end;
	f->name = n->name;
	f->field_id = n->field_id;
	f->unit = LL_TS_MICROS;
	if (n->physical >= 0 && n->repetition != LL_PQR_REPEATED) {
		const ll_pqr_leaf *l = &r->leaves[n->leaf_begin];
		f->type = l->type;
		f->precision = l->type == LL_TYPE_DECIMAL ? l->precision : 0;
		f->scale = l->type == LL_TYPE_DECIMAL ? l->scale : 0;
		if (l->type == LL_TYPE_TIMESTAMP && l->unit == LL_PQR_MILLIS)
			f->unit = LL_TS_MILLIS;
		return true;
	}
	f->type = LL_TYPE_JSON;
	f->nested = true;
	fi->shape = shape_value(c, node, &fi->nslots);
	return fi->shape != NULL;
}

ll_status ll_pqr_build_schema(ll_parquet_reader *r, ll_error *err)
{
	schema_ctx c = { r, err, LL_OK };
	r->leaves = calloc(r->nnodes, sizeof(*r->leaves));
	if (!r->leaves)
		return ll_error_oom(err);
	size_t next = 0;
	if (!link_node(&c, &next, 0, 0, 0, ""))
		return c.st;
	if (next != r->nnodes)
		return ll_pqr_fail(r, err, "the schema has %zu elements outside the root's tree",
				   r->nnodes - next);
	const ll_pqr_node *root = &r->nodes[0];
	r->nfields = (size_t)root->nchildren;
	r->fields = calloc(r->nfields + 1, sizeof(*r->fields));
	r->finfo = calloc(r->nfields + 1, sizeof(*r->finfo));
	if (!r->fields || !r->finfo)
		return ll_error_oom(err);
	for (size_t k = 0; k < r->nfields; k++) {
		if (!build_field(&c, k, root->children[k]))
			return c.st;
	}
	return LL_OK;
}
