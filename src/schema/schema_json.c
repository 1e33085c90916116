/*
 * Schema files and the version hash; see schema.h for the format.
 *
 * The file is rendered from the in-memory schema in a fixed field order, so
 * the same schema always gives the same bytes. Reading is strict about
 * types (a column without a known data_type is an error, not a text column)
 * and lenient about absence (missing optional fields take their defaults),
 * so files from older versions stay readable. Every reading error is
 * LL_EFORMAT naming the file, and the table and column when known.
 */
#include "schema/schema.h"

#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"

static json_t *column_to_json(const ll_column *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "data_type", json_string(ll_data_type_name(c->type)));
	json_object_set_new(o, "nullable", json_boolean(c->nullable));
	json_object_set_new(o, "primary_key", json_boolean(c->primary_key));
	json_object_set_new(o, "merge_key", json_boolean(c->merge_key));
	if (c->type == LL_TYPE_DECIMAL) {
		json_object_set_new(o, "precision", json_integer(c->precision));
		json_object_set_new(o, "scale", json_integer(c->scale));
	}
	if (c->variant_of) {
		json_object_set_new(o, "variant", json_true());
		json_object_set_new(o, "variant_of", json_string(c->variant_of));
	}
	if (c->field_id >= 0)
		json_object_set_new(o, "field_id", json_integer(c->field_id));
	return o;
}

static json_t *table_to_json(const ll_table *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(t->name));
	if (t->parent)
		json_object_set_new(o, "parent", json_string(t->parent));
	json_object_set_new(o, "write_disposition",
			    json_string(ll_write_disposition_name(t->write_disposition)));
	json_object_set_new(o, "table_format", json_string(ll_table_format_name(t->table_format)));
	if (t->npartition) {
		json_t *parts = json_array();
		for (size_t i = 0; i < t->npartition; i++)
			json_array_append_new(parts, json_string(t->partition[i]));
		json_object_set_new(o, "partition", parts);
	}
	if (t->max_nesting != 0)
		json_object_set_new(o, "x-normalizer",
				    json_pack("{s:i}", "max_nesting",
					      t->max_nesting == LL_TABLE_NESTING_NONE ? 0 : t->max_nesting));
	json_t *cols = json_object();
	for (size_t i = 0; i < t->ncolumns; i++)
		json_object_set_new(cols, t->columns[i].name, column_to_json(&t->columns[i]));
	json_object_set_new(o, "columns", cols);
	return o;
}

/* Everything but version and version_hash: what the hash covers. */
static json_t *content_to_json(const ll_schema *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "engine_version", json_integer(LL_SCHEMA_ENGINE_VERSION));
	json_t *tables = json_object();
	for (size_t i = 0; i < s->ntables; i++)
		json_object_set_new(tables, s->tables[i]->name, table_to_json(s->tables[i]));
	json_object_set_new(o, "tables", tables);
	return o;
}

void ll_schema_to_json(const ll_schema *s, ll_buf *out)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "version", json_integer(s->version));
	json_object_set_new(o, "version_hash", json_string(s->version_hash));
	json_object_set_new(o, "engine_version", json_integer(LL_SCHEMA_ENGINE_VERSION));
	json_t *content = content_to_json(s);
	json_object_set(o, "tables", json_object_get(content, "tables"));
	json_decref(content);
	char *text = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	if (!text) {
		out->oom = true;
		return;
	}
	ll_buf_puts(out, text);
	ll_buf_putc(out, '\n');
	free(text);
}

static int compare_tables(const void *a, const void *b)
{
	return strcmp((*(const ll_table *const *)a)->name, (*(const ll_table *const *)b)->name);
}

/*
 * dlt's generate_version_hash: SHA3-256 of the content with sorted keys,
 * then table names in order with their column names in column order, so a
 * reordering of columns is a change too.
 */
void ll_schema_content_hash(const ll_schema *s, char hash[LL_SCHEMA_HASH_SIZE])
{
	hash[0] = '\0';
	json_t *content = content_to_json(s);
	char *canonical = json_dumps(content, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(content);
	const ll_table **sorted = calloc(s->ntables ? s->ntables : 1, sizeof(*sorted));
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char digest[32];
	unsigned int dlen = 0;
	if (canonical && sorted && ctx && EVP_DigestInit_ex(ctx, EVP_sha3_256(), NULL) == 1) {
		EVP_DigestUpdate(ctx, canonical, strlen(canonical));
		if (s->ntables) /* a schema with no tables has no array to copy */
			memcpy(sorted, s->tables, s->ntables * sizeof(*sorted));
		qsort(sorted, s->ntables, sizeof(*sorted), compare_tables);
		for (size_t i = 0; i < s->ntables; i++) {
			EVP_DigestUpdate(ctx, sorted[i]->name, strlen(sorted[i]->name));
			for (size_t c = 0; c < sorted[i]->ncolumns; c++)
				EVP_DigestUpdate(ctx, sorted[i]->columns[c].name, strlen(sorted[i]->columns[c].name));
		}
		if (EVP_DigestFinal_ex(ctx, digest, &dlen) == 1 && dlen == sizeof(digest)) {
			ll_buf b64 = LL_BUF_INIT;
			ll_base64_encode(digest, sizeof(digest), &b64);
			if (!ll_buf_oom(&b64) && b64.len < LL_SCHEMA_HASH_SIZE)
				memcpy(hash, b64.data, b64.len + 1);
			ll_buf_free(&b64);
		}
	}
	EVP_MD_CTX_free(ctx);
	free(sorted);
	free(canonical);
}

bool ll_schema_update_version(ll_schema *s)
{
	char hash[LL_SCHEMA_HASH_SIZE];
	ll_schema_content_hash(s, hash);
	if (!hash[0] || strcmp(hash, s->version_hash) == 0)
		return false;
	memcpy(s->version_hash, hash, sizeof(hash));
	s->version++;
	return true;
}

/* Context of one parse, for messages. */
typedef struct json_ctx {
	const char *file;
	const char *table;
	const char *column;
	ll_error *err;
} json_ctx;

static ll_status bad(const json_ctx *x, const char *what)
{
	ll_error_set_location(x->err, x->file, 0, 0);
	ll_error_set_table(x->err, x->table, x->column);
	if (x->column)
		return ll_error_set(x->err, LL_EFORMAT,
				    "schema file %s: column %s of table %s: %s; fix or delete the file",
				    x->file, x->column, x->table, what);
	if (x->table)
		return ll_error_set(x->err, LL_EFORMAT, "schema file %s: table %s: %s; fix or delete the file",
				    x->file, x->table, what);
	return ll_error_set(x->err, LL_EFORMAT, "schema file %s: %s; fix or delete the file", x->file, what);
}

/* Reads an optional boolean member; false when it is present but not a boolean. */
static bool get_bool(const json_t *o, const char *key, bool dflt, bool *out)
{
	const json_t *v = json_object_get(o, key);
	*out = v ? json_is_true(v) : dflt;
	return !v || json_is_boolean(v);
}

static bool get_int(const json_t *o, const char *key, long long lo, long long hi, long long dflt,
		    long long *out)
{
	const json_t *v = json_object_get(o, key);
	*out = v && json_is_integer(v) ? json_integer_value(v) : dflt;
	return !v || (json_is_integer(v) && *out >= lo && *out <= hi);
}

static ll_status column_from_json(ll_table *t, const char *key, const json_t *o, json_ctx *x)
{
	x->column = key;
	if (!json_is_object(o))
		return bad(x, "the column is not an object");
	const json_t *name = json_object_get(o, "name");
	const json_t *type = json_object_get(o, "data_type");
	const json_t *variant_of = json_object_get(o, "variant_of");
	ll_column c = { .name = (char *)key, .field_id = -1 };
	long long precision, scale, field_id;
	if (name && (!json_is_string(name) || strcmp(json_string_value(name), key) != 0))
		return bad(x, "\"name\" differs from the column's key");
	if (!json_is_string(type) || !ll_data_type_parse(json_string_value(type), &c.type))
		return bad(x, "\"data_type\" is missing or not a known type");
	if (!get_bool(o, "nullable", true, &c.nullable) || !get_bool(o, "primary_key", false, &c.primary_key) ||
	    !get_bool(o, "merge_key", false, &c.merge_key))
		return bad(x, "\"nullable\", \"primary_key\" and \"merge_key\" must be true or false");
	if (!get_int(o, "precision", 0, 38, 0, &precision) || !get_int(o, "scale", 0, 38, 0, &scale) ||
	    scale > (precision ? precision : 38))
		return bad(x, "decimal precision must be 1..38 and scale 0..precision");
	if (!get_int(o, "field_id", -1, INT32_MAX, -1, &field_id))
		return bad(x, "\"field_id\" must be a non-negative integer");
	if (variant_of && !json_is_string(variant_of))
		return bad(x, "\"variant_of\" must be a column name");
	c.precision = (int)precision;
	c.scale = (int)scale;
	c.field_id = (int32_t)field_id;
	c.variant_of = variant_of ? (char *)json_string_value(variant_of) : NULL;
	ll_status st = ll_table_add_column(t, &c, NULL, x->err);
	x->column = NULL;
	return st;
}

/* dlt's {"max_nesting": N} table hint; N = 0 is LL_TABLE_NESTING_NONE. */
static ll_status max_nesting_from_json(ll_table *t, const json_t *normalizer, json_ctx *x)
{
	const json_t *n = json_is_object(normalizer) ? json_object_get(normalizer, "max_nesting") : NULL;
	if (!json_is_object(normalizer) ||
	    (n && (!json_is_integer(n) || json_integer_value(n) < 0 || json_integer_value(n) > INT_MAX)))
		return bad(x, "\"x-normalizer\" must be an object whose \"max_nesting\" is an integer >= 0");
	if (n)
		t->max_nesting = json_integer_value(n) == 0 ? LL_TABLE_NESTING_NONE : (int)json_integer_value(n);
	return LL_OK;
}

static ll_status table_options_from_json(ll_table *t, const json_t *o, json_ctx *x)
{
	const json_t *wd = json_object_get(o, "write_disposition");
	const json_t *fmt = json_object_get(o, "table_format");
	const json_t *parts = json_object_get(o, "partition");
	if (wd && (!json_is_string(wd) || !ll_write_disposition_parse(json_string_value(wd), &t->write_disposition)))
		return bad(x, "\"write_disposition\" must be append, replace or merge");
	if (fmt && (!json_is_string(fmt) || !ll_table_format_parse(json_string_value(fmt), &t->table_format)))
		return bad(x, "\"table_format\" must be hive or iceberg");
	const json_t *normalizer = json_object_get(o, "x-normalizer");
	ll_status st = normalizer ? max_nesting_from_json(t, normalizer, x) : LL_OK;
	if (st != LL_OK || !parts)
		return st;
	if (!json_is_array(parts))
		return bad(x, "\"partition\" must be a list of strings");
	t->partition = calloc(json_array_size(parts) + 1, sizeof(char *));
	if (!t->partition)
		return ll_error_oom(x->err);
	for (size_t i = 0; i < json_array_size(parts); i++) {
		const json_t *p = json_array_get(parts, i);
		if (!json_is_string(p))
			return bad(x, "\"partition\" must be a list of strings");
		if (!(t->partition[t->npartition++] = strdup(json_string_value(p))))
			return ll_error_oom(x->err);
	}
	return LL_OK;
}

static ll_status table_from_json(ll_schema *s, const char *key, const json_t *o, json_ctx *x)
{
	x->table = key;
	if (!json_is_object(o))
		return bad(x, "the table is not an object");
	const json_t *name = json_object_get(o, "name");
	const json_t *parent = json_object_get(o, "parent");
	const json_t *cols = json_object_get(o, "columns");
	if (name && (!json_is_string(name) || strcmp(json_string_value(name), key) != 0))
		return bad(x, "\"name\" differs from the table's key");
	if (parent && !json_is_null(parent) && !json_is_string(parent))
		return bad(x, "\"parent\" must be a table name");
	if (cols && !json_is_object(cols))
		return bad(x, "\"columns\" must be an object");
	ll_table *t = NULL;
	ll_status st = ll_schema_add_table(s, key, NULL, &t, x->err);
	if (st == LL_OK && json_is_string(parent) && !(t->parent = strdup(json_string_value(parent))))
		st = ll_error_oom(x->err);
	if (st == LL_OK)
		st = table_options_from_json(t, o, x);
	const char *ckey;
	const json_t *col;
	json_object_foreach((json_t *)cols, ckey, col) {
		if (st != LL_OK)
			break;
		st = column_from_json(t, ckey, col, x);
	}
	return st;
}

/* Parents are checked once every table is in, so the file's table order does not matter. */
static ll_status check_parents(const ll_schema *s, json_ctx *x)
{
	for (size_t i = 0; i < s->ntables; i++) {
		const ll_table *t = s->tables[i];
		x->table = t->name;
		if (t->parent && !ll_schema_find_table(s, t->parent))
			return bad(x, "its parent table is not in the file");
		if (t->parent && ll_schema_root_of(s, t)->parent)
			return bad(x, "its parent tables form a cycle");
	}
	x->table = NULL;
	return LL_OK;
}

static ll_status schema_fields_from_json(ll_schema *s, const json_t *root, json_ctx *x)
{
	const json_t *version = json_object_get(root, "version");
	const json_t *hash = json_object_get(root, "version_hash");
	const json_t *tables = json_object_get(root, "tables");
	if (version && !json_is_integer(version))
		return bad(x, "\"version\" must be an integer");
	if (hash && (!json_is_string(hash) || strlen(json_string_value(hash)) >= LL_SCHEMA_HASH_SIZE))
		return bad(x, "\"version_hash\" must be a hash string");
	if (tables && !json_is_object(tables))
		return bad(x, "\"tables\" must be an object");
	s->version = version ? json_integer_value(version) : 0;
	snprintf(s->version_hash, sizeof(s->version_hash), "%s", hash ? json_string_value(hash) : "");
	const char *key;
	const json_t *t;
	json_object_foreach((json_t *)tables, key, t) {
		ll_status st = table_from_json(s, key, t, x);
		if (st != LL_OK)
			return st;
	}
	x->table = NULL;
	return check_parents(s, x);
}

ll_status ll_schema_from_json(const char *text, size_t len, const char *name, ll_schema **out,
			      ll_error *err)
{
	*out = NULL;
	json_ctx x = { .file = name ? name : "<schema>", .err = err };
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		ll_error_set_location(err, x.file, (uint64_t)(jerr.line > 0 ? jerr.line : 0),
				      (uint64_t)(jerr.column > 0 ? jerr.column : 0));
		return ll_error_set(err, LL_EFORMAT, "schema file %s is not valid JSON: %s; fix or delete the file",
				    x.file, jerr.text);
	}
	const json_t *sname = json_object_get(root, "name");
	ll_status st;
	if (!json_is_object(root) || !json_is_string(sname))
		st = bad(&x, "a schema is an object with a \"name\"");
	else
		st = ll_schema_new(json_string_value(sname), out, err);
	if (st == LL_OK)
		st = schema_fields_from_json(*out, root, &x);
	json_decref(root);
	if (st != LL_OK) {
		ll_schema_free(*out);
		*out = NULL;
	}
	return st;
}
