/*
 * Member readers and writers for Iceberg JSON. See json_util.h.
 */
#include "formats/iceberg/json_util.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

const char *ll_iceberg_path(char buf[LL_ICEBERG_PATH_MAX], const char *where, const char *key)
{
	snprintf(buf, LL_ICEBERG_PATH_MAX, "%s%s%s", where, *where ? "." : "", key);
	return buf;
}

const char *ll_iceberg_path_index(char buf[LL_ICEBERG_PATH_MAX], const char *where,
				  const char *key, size_t i)
{
	snprintf(buf, LL_ICEBERG_PATH_MAX, "%s%s%s[%zu]", where, *where ? "." : "", key, i);
	return buf;
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a fractional number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* Finds a member; a missing or null one is *out = NULL, an error only when required. */
static ll_status lookup(const json_t *obj, const char *where, const char *key, bool required,
			const json_t **out, ll_error *err)
{
	const json_t *v = json_object_get(obj, key);
	*out = json_is_null(v) ? NULL : v;
	if (*out || !required)
		return LL_OK;
	char path[LL_ICEBERG_PATH_MAX];
	return ll_error_set(err, LL_EFORMAT, "missing required field \"%s\"",
			    ll_iceberg_path(path, where, key));
}

static ll_status wrong_type(const json_t *v, const char *where, const char *key,
			    const char *expected, ll_error *err)
{
	char path[LL_ICEBERG_PATH_MAX];
	return ll_error_set(err, LL_EFORMAT, "field \"%s\" must be %s, not %s",
			    ll_iceberg_path(path, where, key), expected, json_kind(v));
}

ll_status ll_iceberg_json_member(const json_t *obj, const char *where, const char *key,
				 const json_t **out, ll_error *err)
{
	return lookup(obj, where, key, true, out, err);
}

ll_status ll_iceberg_json_i64(const json_t *obj, const char *where, const char *key,
			      bool required, int64_t *out, bool *present, ll_error *err)
{
	const json_t *v;
	ll_status st = lookup(obj, where, key, required, &v, err);
	if (present)
		*present = v != NULL;
	if (st || !v)
		return st;
	if (!json_is_integer(v))
		return wrong_type(v, where, key, "an integer", err);
	*out = json_integer_value(v);
	return LL_OK;
}

ll_status ll_iceberg_json_i32(const json_t *obj, const char *where, const char *key,
			      bool required, int32_t *out, bool *present, ll_error *err)
{
	const json_t *v;
	ll_status st = lookup(obj, where, key, required, &v, err);
	if (present)
		*present = v != NULL;
	if (st || !v)
		return st;
	json_int_t i = json_integer_value(v);
	if (!json_is_integer(v) || i < INT32_MIN || i > INT32_MAX)
		return wrong_type(v, where, key, "a 32-bit integer", err);
	*out = (int32_t)i;
	return LL_OK;
}

ll_status ll_iceberg_json_str(const json_t *obj, const char *where, const char *key,
			      bool required, const char **out, ll_error *err)
{
	const json_t *v;
	ll_status st = lookup(obj, where, key, required, &v, err);
	*out = NULL;
	if (st || !v)
		return st;
	if (!json_is_string(v))
		return wrong_type(v, where, key, "a string", err);
	*out = json_string_value(v);
	return LL_OK;
}

ll_status ll_iceberg_json_bool(const json_t *obj, const char *where, const char *key,
			       bool required, bool *out, ll_error *err)
{
	const json_t *v;
	ll_status st = lookup(obj, where, key, required, &v, err);
	if (st || !v)
		return st;
	if (!json_is_boolean(v))
		return wrong_type(v, where, key, "a boolean", err);
	*out = json_is_true(v);
	return LL_OK;
}

ll_status ll_iceberg_json_array(const json_t *obj, const char *where, const char *key,
				bool required, const json_t **out, ll_error *err)
{
	ll_status st = lookup(obj, where, key, required, out, err);
	if (st || !*out)
		return st;
	return json_is_array(*out) ? LL_OK : wrong_type(*out, where, key, "an array", err);
}

ll_status ll_iceberg_json_object(const json_t *obj, const char *where, const char *key,
				 bool required, const json_t **out, ll_error *err)
{
	ll_status st = lookup(obj, where, key, required, out, err);
	if (st || !*out)
		return st;
	return json_is_object(*out) ? LL_OK : wrong_type(*out, where, key, "an object", err);
}

bool ll_iceberg_json_put(json_t *o, const char *key, json_t *value)
{
	if (!o || !value) {
		json_decref(value);
		return false;
	}
	return json_object_set_new(o, key, value) == 0;
}

static bool is_known(const char *key, const char *const *known)
{
	for (; *known; known++)
		if (strcmp(key, *known) == 0)
			return true;
	return false;
}

bool ll_iceberg_json_copy_unknown(json_t *o, const json_t *src, const char *const *known)
{
	if (!src)
		return true;
	const char *key;
	json_t *value;
	/* jansson's iteration macro takes a non-const object; it only reads it */
	json_object_foreach((json_t *)src, key, value) {
		if (!is_known(key, known) && json_object_set(o, key, value) != 0)
			return false;
	}
	return true;
}
