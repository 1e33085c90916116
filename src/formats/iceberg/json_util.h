/*
 * Reading and writing the members of Iceberg's JSON objects (jansson), for
 * the type and metadata parsers and writers of this module only.
 *
 * Readers take the object, the path of that object in the document
 * ("snapshots[2]", "" for the root) and a member key, and fail with
 * LL_EFORMAT naming "path.key" when a required member is missing or a member
 * has the wrong JSON type. A JSON null counts as absent, as Java's parser
 * treats it. Strings are borrowed from the document.
 *
 * Writers build objects member by member: ll_iceberg_json_put takes the
 * reference to the value (even on failure), and a NULL object or value (an
 * allocation that failed earlier) makes it return false, so a chain of puts
 * needs one check at the end.
 */
#ifndef LL_FORMATS_ICEBERG_JSON_UTIL_H
#define LL_FORMATS_ICEBERG_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lakeload.h"

struct json_t;

/** Room for a member path in messages; longer paths are cut. */
#define LL_ICEBERG_PATH_MAX 256

/** Writes "where.key" (or "key" at the root) into buf; returns buf. */
const char *ll_iceberg_path(char buf[LL_ICEBERG_PATH_MAX], const char *where, const char *key);

/** Writes "where.key[i]" into buf; returns buf. */
const char *ll_iceberg_path_index(char buf[LL_ICEBERG_PATH_MAX], const char *where,
				  const char *key, size_t i);

/** A required member of any JSON type. */
ll_status ll_iceberg_json_member(const struct json_t *obj, const char *where, const char *key,
				 const struct json_t **out, ll_error *err);

/** An integer member in int32 range; *present (may be NULL) says whether it was there. */
ll_status ll_iceberg_json_i32(const struct json_t *obj, const char *where, const char *key,
			      bool required, int32_t *out, bool *present, ll_error *err);

ll_status ll_iceberg_json_i64(const struct json_t *obj, const char *where, const char *key,
			      bool required, int64_t *out, bool *present, ll_error *err);

/** A string member; *out is NULL when an optional one is absent. */
ll_status ll_iceberg_json_str(const struct json_t *obj, const char *where, const char *key,
			      bool required, const char **out, ll_error *err);

/** A boolean member; *out is untouched when an optional one is absent. */
ll_status ll_iceberg_json_bool(const struct json_t *obj, const char *where, const char *key,
			       bool required, bool *out, ll_error *err);

/** An array member; *out is NULL when an optional one is absent. */
ll_status ll_iceberg_json_array(const struct json_t *obj, const char *where, const char *key,
				bool required, const struct json_t **out, ll_error *err);

/** An object member; *out is NULL when an optional one is absent. */
ll_status ll_iceberg_json_object(const struct json_t *obj, const char *where, const char *key,
				 bool required, const struct json_t **out, ll_error *err);

/** Sets o[key] = value, taking the reference to value. False on any failure. */
bool ll_iceberg_json_put(struct json_t *o, const char *key, struct json_t *value);

/**
 * Copies into o every member of src (NULL: none) whose key is not in the
 * NULL-terminated list known, so attributes a newer writer added survive a
 * rewrite. False when out of memory.
 */
bool ll_iceberg_json_copy_unknown(struct json_t *o, const struct json_t *src,
				  const char *const *known);

#endif
