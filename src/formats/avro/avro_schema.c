/*
 * Avro schema parsing: JSON text (jansson) to a tree of ll_avro_node.
 *
 * The schema owns the JSON document, so node and field names and the
 * attribute objects point into it, and an arena holding the nodes. Named
 * types are registered before their fields are parsed, which lets a record
 * refer to itself; references resolve in the enclosing namespace first, then
 * as full names, as the spec's name resolution says. Nodes for bare
 * primitive names are made per use so every node has one owner in the tree.
 */
#include "formats/avro/avro_internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

struct ll_avro_schema {
	char *text;
	size_t len;
	json_t *json;
	ll_arena arena;
	const ll_avro_node *root;
	ll_avro_node **named; /* defined named types, in definition order */
	size_t nnamed, named_cap;
};

typedef struct schema_parser {
	ll_avro_schema *s;
	ll_error *err;
} schema_parser;

static const char *const type_names[] = {
	[LL_AVRO_NULL] = "null",     [LL_AVRO_BOOLEAN] = "boolean", [LL_AVRO_INT] = "int",
	[LL_AVRO_LONG] = "long",     [LL_AVRO_FLOAT] = "float",     [LL_AVRO_DOUBLE] = "double",
	[LL_AVRO_BYTES] = "bytes",   [LL_AVRO_STRING] = "string",   [LL_AVRO_RECORD] = "record",
	[LL_AVRO_ENUM] = "enum",     [LL_AVRO_ARRAY] = "array",     [LL_AVRO_MAP] = "map",
	[LL_AVRO_UNION] = "union",   [LL_AVRO_FIXED] = "fixed",
};

const char *ll_avro_type_name(ll_avro_type type)
{
	if ((size_t)type < sizeof(type_names) / sizeof(type_names[0]))
		return type_names[type];
	return "unknown";
}

static bool primitive_type(const char *name, ll_avro_type *out)
{
	for (ll_avro_type t = LL_AVRO_NULL; t <= LL_AVRO_STRING; t++) {
		if (strcmp(name, type_names[t]) == 0) {
			*out = t;
			return true;
		}
	}
	return false;
}

static ll_status schema_fail(schema_parser *p, const char *fmt, ...) LL_PRINTF(2, 3);

static ll_status schema_fail(schema_parser *p, const char *fmt, ...)
{
	char msg[sizeof(p->err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ll_error_set(p->err, LL_EFORMAT, "%s", msg);
}

static ll_avro_node *node_new(schema_parser *p, ll_avro_type type, const json_t *json)
{
	ll_avro_node *n = ll_arena_alloc(&p->s->arena, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->json = json;
	n->may_be_empty = type == LL_AVRO_NULL || type == LL_AVRO_RECORD;
	return n;
}

/* One component of a name: [A-Za-z_][A-Za-z0-9_]*. */
static bool name_part_valid(const char *s, size_t len)
{
	if (len == 0 || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];
		if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* A dotted name whose every component is valid; "" is the null namespace. */
static bool dotted_name_valid(const char *s, bool allow_empty)
{
	if (*s == '\0')
		return allow_empty;
	for (;;) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		if (!name_part_valid(s, len))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

static const ll_avro_node *find_named(const ll_avro_schema *s, const char *full)
{
	for (size_t i = 0; i < s->nnamed; i++) {
		if (strcmp(s->named[i]->name, full) == 0)
			return s->named[i];
	}
	return NULL;
}

static char *join_name(schema_parser *p, const char *ns, const char *name)
{
	size_t nl = strlen(ns), ml = strlen(name);
	char *full = ll_arena_alloc(&p->s->arena, nl + ml + 2);
	if (!full)
		return NULL;
	memcpy(full, ns, nl);
	full[nl] = '.';
	memcpy(full + nl + 1, name, ml + 1);
	return full;
}

/* A reference to a named type: qualified by the enclosing namespace first. */
static const ll_avro_node *lookup_reference(schema_parser *p, const char *ref, const char *ns)
{
	if (!strchr(ref, '.') && *ns) {
		char *full = join_name(p, ns, ref);
		const ll_avro_node *n = full ? find_named(p->s, full) : NULL;
		if (n)
			return n;
	}
	return find_named(p->s, ref);
}

static ll_status register_named(schema_parser *p, ll_avro_node *n)
{
	ll_avro_schema *s = p->s;
	if (find_named(s, n->name))
		return schema_fail(p, "%s '%s' is defined twice", ll_avro_type_name(n->type), n->name);
	if (s->nnamed == s->named_cap) {
		size_t cap = s->named_cap ? s->named_cap * 2 : 16;
		ll_avro_node **grown = realloc(s->named, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(p->err);
		s->named = grown;
		s->named_cap = cap;
	}
	s->named[s->nnamed++] = n;
	return LL_OK;
}

/*
 * Sets n->name to the full name of the named type described by obj and
 * *ns_out to its namespace, which the types defined inside it inherit.
 */
static ll_status define_name(schema_parser *p, ll_avro_node *n, const json_t *obj, const char *ns,
			     const char **ns_out)
{
	const char *kind = ll_avro_type_name(n->type);
	const char *name = json_string_value(json_object_get(obj, "name"));
	if (!name)
		return schema_fail(p, "a %s needs a \"name\" string", kind);
	const char *dot = strrchr(name, '.');
	if (dot) {
		char *space = ll_arena_strndup(&p->s->arena, name, (size_t)(dot - name));
		if (!space)
			return ll_error_oom(p->err);
		ns = space;
		name = dot + 1;
	} else {
		const json_t *space = json_object_get(obj, "namespace");
		if (space && !json_is_string(space))
			return schema_fail(p, "%s '%s': \"namespace\" must be a string", kind, name);
		if (space)
			ns = json_string_value(space);
	}
	if (!name_part_valid(name, strlen(name)) || !dotted_name_valid(ns, true))
		return schema_fail(p, "%s name '%s%s%s' is not a valid Avro name", kind, ns,
				   *ns ? "." : "", name);
	ll_avro_type prim;
	if (primitive_type(name, &prim))
		return schema_fail(p, "%s may not be named '%s', a primitive type", kind, name);
	n->name = *ns ? join_name(p, ns, name) : name;
	if (!n->name)
		return ll_error_oom(p->err);
	*ns_out = ns;
	return register_named(p, n);
}

static ll_status parse_type(schema_parser *p, const json_t *j, const char *ns,
			    const ll_avro_node **out);

static ll_status parse_field(schema_parser *p, const json_t *fj, const char *ns,
			     ll_avro_field *f)
{
	if (!json_is_object(fj))
		return schema_fail(p, "a record field must be a JSON object");
	f->name = json_string_value(json_object_get(fj, "name"));
	if (!f->name || !name_part_valid(f->name, strlen(f->name)))
		return schema_fail(p, "a record field needs a \"name\" that is a valid Avro name");
	const json_t *type = json_object_get(fj, "type");
	if (!type)
		return schema_fail(p, "field '%s' has no \"type\"", f->name);
	ll_status st = parse_type(p, type, ns, &f->type);
	if (st != LL_OK)
		return ll_error_prefix(p->err, "field '%s'", f->name);
	const json_t *id = json_object_get(fj, "field-id");
	json_int_t v = json_integer_value(id);
	f->field_id = json_is_integer(id) && v >= INT32_MIN && v <= INT32_MAX ? (int32_t)v : -1;
	f->json = fj;
	return LL_OK;
}

static ll_status parse_record(schema_parser *p, ll_avro_node *n, const json_t *obj,
			      const char *ns)
{
	ll_status st = define_name(p, n, obj, ns, &ns);
	if (st != LL_OK)
		return st;
	const json_t *fields = json_object_get(obj, "fields");
	if (!json_is_array(fields))
		return schema_fail(p, "record '%s' needs a \"fields\" array", n->name);
	size_t count = json_array_size(fields);
	ll_avro_field *fs = ll_arena_alloc(&p->s->arena, (count ? count : 1) * sizeof(*fs));
	if (!fs)
		return ll_error_oom(p->err);
	for (size_t i = 0; i < count; i++) {
		st = parse_field(p, json_array_get(fields, i), ns, &fs[i]);
		if (st != LL_OK)
			return ll_error_prefix(p->err, "record '%s'", n->name);
		for (size_t k = 0; k < i; k++) {
			if (strcmp(fs[k].name, fs[i].name) == 0)
				return schema_fail(p, "record '%s' has two fields named '%s'", n->name,
						   fs[i].name);
		}
	}
	n->fields = fs;
	n->nfields = count;
	return LL_OK;
}

static ll_status parse_enum(schema_parser *p, ll_avro_node *n, const json_t *obj, const char *ns)
{
	ll_status st = define_name(p, n, obj, ns, &ns);
	if (st != LL_OK)
		return st;
	const json_t *symbols = json_object_get(obj, "symbols");
	if (!json_is_array(symbols))
		return schema_fail(p, "enum '%s' needs a \"symbols\" array", n->name);
	size_t count = json_array_size(symbols);
	const char **syms = ll_arena_alloc(&p->s->arena, (count ? count : 1) * sizeof(*syms));
	if (!syms)
		return ll_error_oom(p->err);
	for (size_t i = 0; i < count; i++) {
		syms[i] = json_string_value(json_array_get(symbols, i));
		if (!syms[i] || !name_part_valid(syms[i], strlen(syms[i])))
			return schema_fail(p, "enum '%s': symbol %zu is not a valid Avro name", n->name,
					   i + 1);
		for (size_t k = 0; k < i; k++) {
			if (strcmp(syms[k], syms[i]) == 0)
				return schema_fail(p, "enum '%s' lists '%s' twice", n->name, syms[i]);
		}
	}
	n->symbols = syms;
	n->nsymbols = count;
	const json_t *def = json_object_get(obj, "default");
	uint32_t index;
	if (def && !(json_is_string(def) && ll_avro_node_find_symbol(n, json_string_value(def), &index)))
		return schema_fail(p, "enum '%s': \"default\" is not one of its symbols", n->name);
	return LL_OK;
}

static ll_status parse_fixed(schema_parser *p, ll_avro_node *n, const json_t *obj, const char *ns)
{
	ll_status st = define_name(p, n, obj, ns, &ns);
	if (st != LL_OK)
		return st;
	const json_t *size = json_object_get(obj, "size");
	json_int_t v = json_integer_value(size);
	if (!json_is_integer(size) || v < 0 || v > INT32_MAX)
		return schema_fail(p, "fixed '%s' needs a \"size\" from 0 to %d", n->name, INT32_MAX);
	n->size = (size_t)v;
	n->may_be_empty = n->size == 0;
	return LL_OK;
}

/* Two branches clash when they have the same unnamed type or the same name. */
static bool branches_clash(const ll_avro_node *a, const ll_avro_node *b)
{
	if (a->type != b->type)
		return false;
	if (a->name && b->name)
		return strcmp(a->name, b->name) == 0;
	return true;
}

static ll_status parse_union(schema_parser *p, const json_t *arr, const char *ns,
			     const ll_avro_node **out)
{
	ll_avro_node *n = node_new(p, LL_AVRO_UNION, NULL);
	size_t count = json_array_size(arr);
	const ll_avro_node **bs = ll_arena_alloc(&p->s->arena, (count ? count : 1) * sizeof(*bs));
	if (!n || !bs)
		return ll_error_oom(p->err);
	for (size_t i = 0; i < count; i++) {
		ll_status st = parse_type(p, json_array_get(arr, i), ns, &bs[i]);
		if (st != LL_OK)
			return ll_error_prefix(p->err, "union branch %zu", i);
		if (bs[i]->type == LL_AVRO_UNION)
			return schema_fail(p, "union branch %zu is itself a union", i);
		for (size_t k = 0; k < i; k++) {
			if (branches_clash(bs[k], bs[i]))
				return schema_fail(p, "union lists %s twice", bs[i]->name ? bs[i]->name
										 : ll_avro_type_name(bs[i]->type));
		}
	}
	n->branches = bs;
	n->nbranches = count;
	*out = n;
	return LL_OK;
}

/* A bare type name: a primitive or a reference to a named type defined earlier. */
static ll_status parse_type_name(schema_parser *p, const char *name, const char *ns,
				 const ll_avro_node **out)
{
	ll_avro_type t;
	if (primitive_type(name, &t)) {
		*out = node_new(p, t, NULL);
		return *out ? LL_OK : ll_error_oom(p->err);
	}
	*out = lookup_reference(p, name, ns);
	if (!*out)
		return schema_fail(p, "unknown type '%s'", name);
	return LL_OK;
}

static void read_logical_attrs(ll_avro_node *n, const json_t *obj)
{
	n->logical_type = json_string_value(json_object_get(obj, "logicalType"));
	const json_t *precision = json_object_get(obj, "precision");
	const json_t *scale = json_object_get(obj, "scale");
	json_int_t pv = json_integer_value(precision), sv = json_integer_value(scale);
	n->precision = json_is_integer(precision) && pv >= INT32_MIN && pv <= INT32_MAX ? (int)pv : 0;
	n->scale = json_is_integer(scale) && sv >= INT32_MIN && sv <= INT32_MAX ? (int)sv : 0;
}

static ll_status parse_container(schema_parser *p, ll_avro_node *n, const json_t *obj,
				 const char *ns)
{
	const char *key = n->type == LL_AVRO_ARRAY ? "items" : "values";
	const json_t *inner = json_object_get(obj, key);
	if (!inner)
		return schema_fail(p, "%s needs \"%s\"", ll_avro_type_name(n->type), key);
	const ll_avro_node **slot = n->type == LL_AVRO_ARRAY ? &n->items : &n->values;
	ll_status st = parse_type(p, inner, ns, slot);
	return st == LL_OK ? LL_OK : ll_error_prefix(p->err, "%s %s", ll_avro_type_name(n->type), key);
}

static ll_status parse_object(schema_parser *p, const json_t *obj, const char *ns,
			      const ll_avro_node **out)
{
	const char *type = json_string_value(json_object_get(obj, "type"));
	if (!type)
		return schema_fail(p, "a type object needs a \"type\" string");
	ll_avro_type t;
	if (strcmp(type, "record") == 0 || strcmp(type, "error") == 0)
		t = LL_AVRO_RECORD;
	else if (strcmp(type, "enum") == 0)
		t = LL_AVRO_ENUM;
	else if (strcmp(type, "array") == 0)
		t = LL_AVRO_ARRAY;
	else if (strcmp(type, "map") == 0)
		t = LL_AVRO_MAP;
	else if (strcmp(type, "fixed") == 0)
		t = LL_AVRO_FIXED;
	else if (!primitive_type(type, &t))
		return parse_type_name(p, type, ns, out);

	ll_avro_node *n = node_new(p, t, obj);
	if (!n)
		return ll_error_oom(p->err);
	read_logical_attrs(n, obj);
	*out = n;
	switch (t) {
	case LL_AVRO_RECORD: return parse_record(p, n, obj, ns);
	case LL_AVRO_ENUM: return parse_enum(p, n, obj, ns);
	case LL_AVRO_FIXED: return parse_fixed(p, n, obj, ns);
	case LL_AVRO_ARRAY:
	case LL_AVRO_MAP: return parse_container(p, n, obj, ns);
	default: return LL_OK; /* a primitive with attributes */
	}
}

static ll_status parse_type(schema_parser *p, const json_t *j, const char *ns,
			    const ll_avro_node **out)
{
	if (json_is_string(j))
		return parse_type_name(p, json_string_value(j), ns, out);
	if (json_is_array(j))
		return parse_union(p, j, ns, out);
	if (json_is_object(j))
		return parse_object(p, j, ns, out);
	return schema_fail(p, "a type must be a name, an array (union) or an object");
}

/*
 * Whether a record can encode to zero bytes: all of its fields can. Records
 * start out as "may be empty" and lose it until nothing changes, so records
 * that refer to each other settle too.
 */
static void settle_may_be_empty(ll_avro_schema *s)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < s->nnamed; i++) {
			ll_avro_node *n = s->named[i];
			if (n->type != LL_AVRO_RECORD || !n->may_be_empty)
				continue;
			for (size_t f = 0; f < n->nfields; f++) {
				if (!n->fields[f].type->may_be_empty) {
					n->may_be_empty = false;
					changed = true;
					break;
				}
			}
		}
	}
}

static ll_status schema_load(ll_avro_schema *s, ll_error *err)
{
	json_error_t jerr;
	s->json = json_loadb(s->text, s->len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!s->json)
		return ll_error_set(err, LL_EFORMAT, "not JSON at line %d, column %d: %s", jerr.line,
				    jerr.column, jerr.text);
	schema_parser p = { s, err };
	ll_status st = parse_type(&p, s->json, "", &s->root);
	if (st == LL_OK)
		settle_may_be_empty(s);
	return st;
}

ll_status ll_avro_schema_parse(ll_avro_schema **out, const char *text, size_t len,
			       const char *name, ll_error *err)
{
	*out = NULL;
	ll_avro_schema *s = calloc(1, sizeof(*s));
	char *copy = malloc(len + 1);
	if (!s || !copy) {
		free(s);
		free(copy);
		return ll_error_oom(err);
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	s->text = copy;
	s->len = len;
	ll_arena_init(&s->arena, 16 * 1024);
	ll_status st = schema_load(s, err);
	if (st != LL_OK) {
		if (st == LL_EFORMAT)
			ll_error_prefix(err, "invalid Avro schema");
		if (name)
			ll_error_set_location(err, name, 0, 0);
		ll_avro_schema_free(s);
		return st;
	}
	*out = s;
	return LL_OK;
}

void ll_avro_schema_free(ll_avro_schema *s)
{
	if (!s)
		return;
	if (s->json)
		json_decref(s->json);
	ll_arena_free(&s->arena);
	free(s->named);
	free(s->text);
	free(s);
}

const ll_avro_node *ll_avro_schema_root(const ll_avro_schema *s)
{
	return s->root;
}

const char *ll_avro_schema_text(const ll_avro_schema *s, size_t *len)
{
	if (len)
		*len = s->len;
	return s->text;
}

const ll_avro_node *ll_avro_schema_find_named(const ll_avro_schema *s, const char *full_name)
{
	return find_named(s, full_name);
}

const ll_avro_field *ll_avro_node_find_field(const ll_avro_node *record, const char *name,
					     size_t *index)
{
	if (record->type != LL_AVRO_RECORD)
		return NULL;
	for (size_t i = 0; i < record->nfields; i++) {
		if (strcmp(record->fields[i].name, name) == 0) {
			if (index)
				*index = i;
			return &record->fields[i];
		}
	}
	return NULL;
}

bool ll_avro_node_find_symbol(const ll_avro_node *enumeration, const char *symbol,
			      uint32_t *index)
{
	if (enumeration->type != LL_AVRO_ENUM)
		return false;
	for (size_t i = 0; i < enumeration->nsymbols; i++) {
		if (strcmp(enumeration->symbols[i], symbol) == 0) {
			*index = (uint32_t)i;
			return true;
		}
	}
	return false;
}

static bool attr_int(const json_t *obj, const char *key, int64_t *out)
{
	const json_t *v = obj ? json_object_get(obj, key) : NULL;
	if (!json_is_integer(v))
		return false;
	*out = (int64_t)json_integer_value(v);
	return true;
}

static const char *attr_string(const json_t *obj, const char *key)
{
	return obj ? json_string_value(json_object_get(obj, key)) : NULL;
}

bool ll_avro_node_attr_int(const ll_avro_node *n, const char *key, int64_t *out)
{
	return attr_int(n->json, key, out);
}

const char *ll_avro_node_attr_string(const ll_avro_node *n, const char *key)
{
	return attr_string(n->json, key);
}

bool ll_avro_field_attr_int(const ll_avro_field *f, const char *key, int64_t *out)
{
	return attr_int(f->json, key, out);
}

const char *ll_avro_field_attr_string(const ll_avro_field *f, const char *key)
{
	return attr_string(f->json, key);
}
