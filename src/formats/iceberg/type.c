/*
 * Iceberg types and schemas: JSON (Appendix C) to ll_iceberg_type trees and
 * back, and the mapping to lakeload's column types. See type.h.
 *
 * Nesting is bounded (LL_ICEBERG_MAX_DEPTH) so a hostile metadata file
 * cannot exhaust the stack; real schemas are a handful of levels deep.
 */
#include "formats/iceberg/type.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/iceberg/json_util.h"
#include "util/error.h"

#define LL_ICEBERG_MAX_DEPTH 64

static const char *const kind_names[] = {
	[LL_ICEBERG_BOOLEAN] = "boolean",   [LL_ICEBERG_INT] = "int",
	[LL_ICEBERG_LONG] = "long",         [LL_ICEBERG_FLOAT] = "float",
	[LL_ICEBERG_DOUBLE] = "double",     [LL_ICEBERG_DECIMAL] = "decimal",
	[LL_ICEBERG_DATE] = "date",         [LL_ICEBERG_TIME] = "time",
	[LL_ICEBERG_TIMESTAMP] = "timestamp", [LL_ICEBERG_TIMESTAMPTZ] = "timestamptz",
	[LL_ICEBERG_STRING] = "string",     [LL_ICEBERG_UUID] = "uuid",
	[LL_ICEBERG_FIXED] = "fixed",       [LL_ICEBERG_BINARY] = "binary",
	[LL_ICEBERG_STRUCT] = "struct",     [LL_ICEBERG_LIST] = "list",
	[LL_ICEBERG_MAP] = "map",
};

static const ll_iceberg_type primitives[] = {
	[LL_ICEBERG_BOOLEAN] = { .kind = LL_ICEBERG_BOOLEAN },
	[LL_ICEBERG_INT] = { .kind = LL_ICEBERG_INT },
	[LL_ICEBERG_LONG] = { .kind = LL_ICEBERG_LONG },
	[LL_ICEBERG_FLOAT] = { .kind = LL_ICEBERG_FLOAT },
	[LL_ICEBERG_DOUBLE] = { .kind = LL_ICEBERG_DOUBLE },
	[LL_ICEBERG_DATE] = { .kind = LL_ICEBERG_DATE },
	[LL_ICEBERG_TIME] = { .kind = LL_ICEBERG_TIME },
	[LL_ICEBERG_TIMESTAMP] = { .kind = LL_ICEBERG_TIMESTAMP },
	[LL_ICEBERG_TIMESTAMPTZ] = { .kind = LL_ICEBERG_TIMESTAMPTZ },
	[LL_ICEBERG_STRING] = { .kind = LL_ICEBERG_STRING },
	[LL_ICEBERG_UUID] = { .kind = LL_ICEBERG_UUID },
	[LL_ICEBERG_BINARY] = { .kind = LL_ICEBERG_BINARY },
};

const char *ll_iceberg_kind_name(ll_iceberg_kind kind)
{
	if ((size_t)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "?";
	return kind_names[kind];
}

const ll_iceberg_type *ll_iceberg_primitive(ll_iceberg_kind kind)
{
	if (kind == LL_ICEBERG_DECIMAL || kind == LL_ICEBERG_FIXED || kind >= LL_ICEBERG_STRUCT)
		return NULL;
	return &primitives[kind];
}

/* ------------------------------------------------------------------ names */

/* Reads a decimal integer at *p, skipping blanks around it. */
static bool read_number(const char **p, long max, long *out)
{
	const char *s = *p;
	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end;
	long v = strtol(s, &end, 10);
	if (errno || v > max)
		return false;
	while (*end == ' ')
		end++;
	*p = end;
	*out = v;
	return true;
}

static ll_iceberg_type *type_new(ll_arena *arena, ll_iceberg_kind kind)
{
	ll_iceberg_type *t = ll_arena_alloc(arena, sizeof(*t));
	if (t) {
		memset(t, 0, sizeof(*t));
		t->kind = kind;
	}
	return t;
}

static ll_status parse_decimal(const char *name, ll_arena *arena, const char *where,
			       const ll_iceberg_type **out, ll_error *err)
{
	const char *p = name + strlen("decimal(");
	long precision, scale;
	if (!read_number(&p, 1000, &precision) || *p++ != ',' || !read_number(&p, 1000, &scale) ||
	    strcmp(p, ")") != 0)
		return ll_error_set(err, LL_EFORMAT, "%s: malformed type \"%s\"", where, name);
	if (precision < 1 || precision > 38 || scale > precision)
		return ll_error_set(err, LL_EFORMAT,
				    "%s: type \"%s\" is out of range (precision 1 to 38, scale "
				    "at most the precision)", where, name);
	ll_iceberg_type *t = type_new(arena, LL_ICEBERG_DECIMAL);
	if (!t)
		return ll_error_oom(err);
	t->precision = (int)precision;
	t->scale = (int)scale;
	*out = t;
	return LL_OK;
}

static ll_status parse_fixed(const char *name, ll_arena *arena, const char *where,
			     const ll_iceberg_type **out, ll_error *err)
{
	const char *p = name + strlen("fixed[");
	long length;
	if (!read_number(&p, INT32_MAX, &length) || strcmp(p, "]") != 0 || length < 1)
		return ll_error_set(err, LL_EFORMAT, "%s: malformed type \"%s\"", where, name);
	ll_iceberg_type *t = type_new(arena, LL_ICEBERG_FIXED);
	if (!t)
		return ll_error_oom(err);
	t->length = (int32_t)length;
	*out = t;
	return LL_OK;
}

ll_status ll_iceberg_type_parse_name(const char *name, ll_arena *arena, const char *where,
				     const ll_iceberg_type **out, ll_error *err)
{
	for (int k = 0; k < LL_ICEBERG_STRUCT; k++) {
		const ll_iceberg_type *t = ll_iceberg_primitive((ll_iceberg_kind)k);
		if (t && strcmp(name, kind_names[k]) == 0) {
			*out = t;
			return LL_OK;
		}
	}
	if (strncmp(name, "decimal(", 8) == 0)
		return parse_decimal(name, arena, where, out, err);
	if (strncmp(name, "fixed[", 6) == 0)
		return parse_fixed(name, arena, where, out, err);
	return ll_error_set(err, LL_EFORMAT,
			    "%s: unknown type \"%s\" (format versions 1 and 2 define boolean, int, "
			    "long, float, double, decimal(P,S), date, time, timestamp, timestamptz, "
			    "string, uuid, fixed[L], binary, struct, list and map)", where, name);
}

const char *ll_iceberg_type_name(const ll_iceberg_type *t, char *buf, size_t size)
{
	if (t->kind == LL_ICEBERG_DECIMAL)
		snprintf(buf, size, "decimal(%d, %d)", t->precision, t->scale);
	else if (t->kind == LL_ICEBERG_FIXED)
		snprintf(buf, size, "fixed[%d]", (int)t->length);
	else
		snprintf(buf, size, "%s", ll_iceberg_kind_name(t->kind));
	return buf;
}

static bool field_equal(const ll_iceberg_field *a, const ll_iceberg_field *b)
{
	if (a->id != b->id || a->required != b->required || strcmp(a->name, b->name) != 0)
		return false;
	if ((a->doc == NULL) != (b->doc == NULL) || (a->doc && strcmp(a->doc, b->doc) != 0))
		return false;
	return ll_iceberg_type_equal(a->type, b->type);
}

bool ll_iceberg_type_equal(const ll_iceberg_type *a, const ll_iceberg_type *b)
{
	if (a->kind != b->kind || a->nfields != b->nfields)
		return false;
	if (a->kind == LL_ICEBERG_DECIMAL)
		return a->precision == b->precision && a->scale == b->scale;
	if (a->kind == LL_ICEBERG_FIXED)
		return a->length == b->length;
	for (size_t i = 0; i < a->nfields; i++)
		if (!field_equal(&a->fields[i], &b->fields[i]))
			return false;
	return true;
}

/* ------------------------------------------------------------------ mapping */

ll_data_type ll_iceberg_type_data_type(const ll_iceberg_type *t)
{
	switch (t->kind) {
	case LL_ICEBERG_BOOLEAN: return LL_TYPE_BOOL;
	case LL_ICEBERG_INT:
	case LL_ICEBERG_LONG: return LL_TYPE_BIGINT;
	case LL_ICEBERG_FLOAT:
	case LL_ICEBERG_DOUBLE: return LL_TYPE_DOUBLE;
	case LL_ICEBERG_DECIMAL: return LL_TYPE_DECIMAL;
	case LL_ICEBERG_DATE: return LL_TYPE_DATE;
	case LL_ICEBERG_TIME: return LL_TYPE_TIME;
	case LL_ICEBERG_TIMESTAMP:
	case LL_ICEBERG_TIMESTAMPTZ: return LL_TYPE_TIMESTAMP;
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_UUID: return LL_TYPE_TEXT;
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_BINARY: return LL_TYPE_BINARY;
	case LL_ICEBERG_STRUCT:
	case LL_ICEBERG_LIST:
	case LL_ICEBERG_MAP: return LL_TYPE_JSON;
	}
	return LL_TYPE_JSON;
}

const ll_iceberg_type *ll_iceberg_type_for_data_type(ll_data_type dt, int precision, int scale,
						     ll_arena *arena)
{
	switch (dt) {
	case LL_TYPE_TEXT:
	case LL_TYPE_JSON:
	case LL_TYPE_COUNT_: return ll_iceberg_primitive(LL_ICEBERG_STRING);
	case LL_TYPE_BIGINT: return ll_iceberg_primitive(LL_ICEBERG_LONG);
	case LL_TYPE_DOUBLE: return ll_iceberg_primitive(LL_ICEBERG_DOUBLE);
	case LL_TYPE_BOOL: return ll_iceberg_primitive(LL_ICEBERG_BOOLEAN);
	case LL_TYPE_TIMESTAMP: return ll_iceberg_primitive(LL_ICEBERG_TIMESTAMPTZ);
	case LL_TYPE_DATE: return ll_iceberg_primitive(LL_ICEBERG_DATE);
	case LL_TYPE_TIME: return ll_iceberg_primitive(LL_ICEBERG_TIME);
	case LL_TYPE_BINARY: return ll_iceberg_primitive(LL_ICEBERG_BINARY);
	case LL_TYPE_DECIMAL: break;
	}
	ll_iceberg_type *t = type_new(arena, LL_ICEBERG_DECIMAL);
	if (t) {
		bool dflt = precision == 0 && scale == 0;
		t->precision = dflt ? 38 : precision;
		t->scale = dflt ? 9 : scale;
	}
	return t;
}

/* ------------------------------------------------------------------ parsing */

typedef struct type_parser {
	ll_arena *arena;
	ll_error *err;
} type_parser;

static ll_status parse_type(type_parser *p, const json_t *j, const char *where, int depth,
			    const ll_iceberg_type **out);

static ll_status parse_field(type_parser *p, const json_t *fj, const char *where, int depth,
			     ll_iceberg_field *f)
{
	if (!json_is_object(fj))
		return ll_error_set(p->err, LL_EFORMAT, "%s must be an object", where);
	const json_t *type;
	ll_status st;
	if ((st = ll_iceberg_json_i32(fj, where, "id", true, &f->id, NULL, p->err)) ||
	    (st = ll_iceberg_json_str(fj, where, "name", true, &f->name, p->err)) ||
	    (st = ll_iceberg_json_bool(fj, where, "required", true, &f->required, p->err)) ||
	    (st = ll_iceberg_json_str(fj, where, "doc", false, &f->doc, p->err)) ||
	    (st = ll_iceberg_json_member(fj, where, "type", &type, p->err)))
		return st;
	f->json = fj;
	char sub[LL_ICEBERG_PATH_MAX];
	return parse_type(p, type, ll_iceberg_path(sub, where, "type"), depth + 1, &f->type);
}

static ll_status parse_struct(type_parser *p, const json_t *obj, const char *where, int depth,
			      ll_iceberg_type *t)
{
	const json_t *fields;
	ll_status st = ll_iceberg_json_array(obj, where, "fields", true, &fields, p->err);
	if (st)
		return st;
	size_t n = json_array_size(fields);
	ll_iceberg_field *fs = NULL;
	if (n && !(fs = ll_arena_alloc(p->arena, n * sizeof(*fs))))
		return ll_error_oom(p->err);
	for (size_t i = 0; i < n; i++) {
		char sub[LL_ICEBERG_PATH_MAX];
		ll_iceberg_path_index(sub, where, "fields", i);
		memset(&fs[i], 0, sizeof(fs[i]));
		if ((st = parse_field(p, json_array_get(fields, i), sub, depth, &fs[i])))
			return st;
	}
	t->fields = fs;
	t->nfields = n;
	return LL_OK;
}

/*
 * Reads the id, requiredness and type of a list element or a map key or
 * value, which the spec spells as sibling members ("element-id",
 * "element-required", "element").
 */
static ll_status parse_member_field(type_parser *p, const json_t *obj, const char *where,
				    int depth, const char *name, bool always_required,
				    ll_iceberg_field *f)
{
	char key[32];
	const json_t *type;
	ll_status st;
	snprintf(key, sizeof(key), "%s-id", name);
	if ((st = ll_iceberg_json_i32(obj, where, key, true, &f->id, NULL, p->err)))
		return st;
	f->required = always_required;
	if (!always_required) {
		snprintf(key, sizeof(key), "%s-required", name);
		if ((st = ll_iceberg_json_bool(obj, where, key, true, &f->required, p->err)))
			return st;
	}
	if ((st = ll_iceberg_json_member(obj, where, name, &type, p->err)))
		return st;
	f->name = name;
	char sub[LL_ICEBERG_PATH_MAX];
	return parse_type(p, type, ll_iceberg_path(sub, where, name), depth + 1, &f->type);
}

static ll_status parse_container(type_parser *p, const json_t *obj, const char *where, int depth,
				 ll_iceberg_type *t)
{
	size_t n = t->kind == LL_ICEBERG_MAP ? 2 : 1;
	ll_iceberg_field *fs = ll_arena_alloc(p->arena, n * sizeof(*fs));
	if (!fs)
		return ll_error_oom(p->err);
	memset(fs, 0, n * sizeof(*fs));
	t->fields = fs;
	t->nfields = n;
	if (t->kind == LL_ICEBERG_LIST)
		return parse_member_field(p, obj, where, depth, "element", false, &fs[0]);
	ll_status st = parse_member_field(p, obj, where, depth, "key", true, &fs[0]);
	return st ? st : parse_member_field(p, obj, where, depth, "value", false, &fs[1]);
}

static ll_status parse_nested(type_parser *p, const json_t *obj, const char *where, int depth,
			      const ll_iceberg_type **out)
{
	const char *kind;
	ll_status st = ll_iceberg_json_str(obj, where, "type", true, &kind, p->err);
	if (st)
		return st;
	ll_iceberg_kind k;
	if (strcmp(kind, "struct") == 0)
		k = LL_ICEBERG_STRUCT;
	else if (strcmp(kind, "list") == 0)
		k = LL_ICEBERG_LIST;
	else if (strcmp(kind, "map") == 0)
		k = LL_ICEBERG_MAP;
	else
		return ll_error_set(p->err, LL_EFORMAT,
				    "%s.type: \"%s\" is not a nested type (struct, list or map)",
				    where, kind);
	ll_iceberg_type *t = type_new(p->arena, k);
	if (!t)
		return ll_error_oom(p->err);
	st = k == LL_ICEBERG_STRUCT ? parse_struct(p, obj, where, depth, t)
				    : parse_container(p, obj, where, depth, t);
	*out = t;
	return st;
}

static ll_status parse_type(type_parser *p, const json_t *j, const char *where, int depth,
			    const ll_iceberg_type **out)
{
	if (depth > LL_ICEBERG_MAX_DEPTH)
		return ll_error_set(p->err, LL_EFORMAT, "%s: types nest deeper than %d levels",
				    where, LL_ICEBERG_MAX_DEPTH);
	if (json_is_string(j))
		return ll_iceberg_type_parse_name(json_string_value(j), p->arena, where, out,
						  p->err);
	if (json_is_object(j))
		return parse_nested(p, j, where, depth, out);
	return ll_error_set(p->err, LL_EFORMAT, "%s must be a type name or a type object", where);
}

static int compare_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static void collect_ids(const ll_iceberg_type *t, int32_t *ids, size_t *n)
{
	for (size_t i = 0; i < t->nfields; i++) {
		ids[(*n)++] = t->fields[i].id;
		collect_ids(t->fields[i].type, ids, n);
	}
}

static size_t count_fields(const ll_iceberg_type *t)
{
	size_t n = t->nfields;
	for (size_t i = 0; i < t->nfields; i++)
		n += count_fields(t->fields[i].type);
	return n;
}

/* Java refuses schemas that reuse an id; a reader resolving columns by id must too. */
static ll_status check_unique_ids(const ll_iceberg_schema *s, const char *where, ll_error *err)
{
	size_t total = count_fields(&s->type), n = 0;
	if (total < 2)
		return LL_OK;
	int32_t *ids = malloc(total * sizeof(*ids));
	if (!ids)
		return ll_error_oom(err);
	collect_ids(&s->type, ids, &n);
	qsort(ids, n, sizeof(*ids), compare_i32);
	ll_status st = LL_OK;
	for (size_t i = 1; i < n && !st; i++)
		if (ids[i] == ids[i - 1])
			st = ll_error_set(err, LL_EFORMAT, "%s: field id %d is used more than once",
					  where, (int)ids[i]);
	free(ids);
	return st;
}

static ll_status parse_identifier_ids(type_parser *p, const json_t *obj, const char *where,
				      ll_iceberg_schema *s)
{
	const json_t *ids;
	ll_status st = ll_iceberg_json_array(obj, where, "identifier-field-ids", false, &ids,
					     p->err);
	if (st || !ids)
		return st;
	size_t n = json_array_size(ids);
	int32_t *out = n ? ll_arena_alloc(p->arena, n * sizeof(*out)) : NULL;
	if (n && !out)
		return ll_error_oom(p->err);
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_array_get(ids, i);
		json_int_t id = json_integer_value(v);
		if (!json_is_integer(v) || id < INT32_MIN || id > INT32_MAX)
			return ll_error_set(p->err, LL_EFORMAT,
					    "%s.identifier-field-ids[%zu] must be an integer field id",
					    where, i);
		out[i] = (int32_t)id;
	}
	s->identifier_field_ids = out;
	s->nidentifier_field_ids = n;
	return LL_OK;
}

ll_status ll_iceberg_schema_parse(const json_t *json, ll_arena *arena, const char *where,
				  bool require_id, int32_t default_id, ll_iceberg_schema *out,
				  ll_error *err)
{
	type_parser p = { arena, err };
	memset(out, 0, sizeof(*out));
	if (!json_is_object(json))
		return ll_error_set(err, LL_EFORMAT, "%s must be an object", where);
	const char *kind;
	bool has_id;
	ll_status st;
	if ((st = ll_iceberg_json_str(json, where, "type", true, &kind, err)))
		return st;
	if (strcmp(kind, "struct") != 0)
		return ll_error_set(err, LL_EFORMAT, "%s.type must be \"struct\", not \"%s\"", where,
				    kind);
	if ((st = ll_iceberg_json_i32(json, where, "schema-id", require_id, &out->schema_id,
				      &has_id, err)))
		return st;
	if (!has_id)
		out->schema_id = default_id;
	out->type.kind = LL_ICEBERG_STRUCT;
	out->json = json;
	if ((st = parse_struct(&p, json, where, 0, &out->type)) ||
	    (st = parse_identifier_ids(&p, json, where, out)))
		return st;
	return check_unique_ids(out, where, err);
}

/* ------------------------------------------------------------------ writing */

static json_t *type_to_json(const ll_iceberg_type *t);

static const char *const field_keys[] = { "id", "name", "required", "type", "doc", NULL };
static const char *const schema_keys[] = { "type", "schema-id", "identifier-field-ids", "fields",
					   NULL };

static json_t *field_to_json(const ll_iceberg_field *f)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	bool ok = ll_iceberg_json_put(o, "id", json_integer(f->id)) &&
		  ll_iceberg_json_put(o, "name", json_string(f->name)) &&
		  ll_iceberg_json_put(o, "required", json_boolean(f->required)) &&
		  ll_iceberg_json_put(o, "type", type_to_json(f->type)) &&
		  (!f->doc || ll_iceberg_json_put(o, "doc", json_string(f->doc))) &&
		  ll_iceberg_json_copy_unknown(o, f->json, field_keys);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static bool put_fields(json_t *o, const ll_iceberg_type *t)
{
	json_t *arr = json_array();
	if (!ll_iceberg_json_put(o, "fields", arr))
		return false;
	for (size_t i = 0; i < t->nfields; i++) {
		json_t *f = field_to_json(&t->fields[i]);
		if (!f || json_array_append_new(arr, f) != 0)
			return false;
	}
	return true;
}

/* Writes a list element or map key/value as the spec's sibling members. */
static bool put_member_field(json_t *o, const ll_iceberg_field *f, bool with_required)
{
	char key[32];
	snprintf(key, sizeof(key), "%s-id", f->name);
	if (!ll_iceberg_json_put(o, key, json_integer(f->id)) ||
	    !ll_iceberg_json_put(o, f->name, type_to_json(f->type)))
		return false;
	snprintf(key, sizeof(key), "%s-required", f->name);
	return !with_required || ll_iceberg_json_put(o, key, json_boolean(f->required));
}

static json_t *type_to_json(const ll_iceberg_type *t)
{
	if (ll_iceberg_type_is_primitive(t)) {
		char name[48];
		return json_string(ll_iceberg_type_name(t, name, sizeof(name)));
	}
	json_t *o = json_object();
	bool ok = ll_iceberg_json_put(o, "type", json_string(ll_iceberg_kind_name(t->kind)));
	if (ok && t->kind == LL_ICEBERG_STRUCT)
		ok = put_fields(o, t);
	else if (ok && t->kind == LL_ICEBERG_LIST)
		ok = put_member_field(o, &t->fields[0], true);
	else if (ok)
		ok = put_member_field(o, &t->fields[0], false) &&
		     put_member_field(o, &t->fields[1], true);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static bool put_identifier_ids(json_t *o, const ll_iceberg_schema *s)
{
	if (s->nidentifier_field_ids == 0)
		return true;
	json_t *arr = json_array();
	if (!ll_iceberg_json_put(o, "identifier-field-ids", arr))
		return false;
	for (size_t i = 0; i < s->nidentifier_field_ids; i++)
		if (json_array_append_new(arr, json_integer(s->identifier_field_ids[i])) != 0)
			return false;
	return true;
}

json_t *ll_iceberg_schema_to_json(const ll_iceberg_schema *s)
{
	json_t *o = json_object();
	bool ok = ll_iceberg_json_put(o, "type", json_string("struct")) &&
		  ll_iceberg_json_put(o, "schema-id", json_integer(s->schema_id)) &&
		  put_identifier_ids(o, s) && put_fields(o, &s->type) &&
		  ll_iceberg_json_copy_unknown(o, s->json, schema_keys);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

/* ------------------------------------------------------------------ lookups */

static const ll_iceberg_field *find_in(const ll_iceberg_type *t, int32_t id)
{
	for (size_t i = 0; i < t->nfields; i++) {
		if (t->fields[i].id == id)
			return &t->fields[i];
		const ll_iceberg_field *f = find_in(t->fields[i].type, id);
		if (f)
			return f;
	}
	return NULL;
}

const ll_iceberg_field *ll_iceberg_schema_find_field(const ll_iceberg_schema *s, int32_t id)
{
	return find_in(&s->type, id);
}

const ll_iceberg_field *ll_iceberg_schema_find_column(const ll_iceberg_schema *s,
						      const char *name)
{
	for (size_t i = 0; i < s->type.nfields; i++)
		if (strcmp(s->type.fields[i].name, name) == 0)
			return &s->type.fields[i];
	return NULL;
}

static int32_t max_id_in(const ll_iceberg_type *t)
{
	int32_t max = 0;
	for (size_t i = 0; i < t->nfields; i++) {
		int32_t nested = max_id_in(t->fields[i].type);
		if (t->fields[i].id > max)
			max = t->fields[i].id;
		if (nested > max)
			max = nested;
	}
	return max;
}

int32_t ll_iceberg_schema_max_field_id(const ll_iceberg_schema *s)
{
	return max_id_in(&s->type);
}
