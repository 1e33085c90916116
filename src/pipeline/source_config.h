/*
 * A source's settings and secrets, resolved as dlt resolves them:
 * environment SOURCES__<NAME>__<KEY> first, then [sources.<name>] of
 * .dlt/secrets.toml, then of .dlt/config.toml (dir NULL: ./.dlt). Values
 * are strings; a number or boolean reads as its TOML text. Secret values
 * (token, api_key, password) are handed to the request that needs them and
 * never appear in messages.
 */
#ifndef LL_PIPELINE_SOURCE_CONFIG_H
#define LL_PIPELINE_SOURCE_CONFIG_H

#include <stdio.h>

#include "config/toml.h"
#include "util/arena.h"

typedef struct ll_source_config {
	ll_arena arena;
	const char *name;
	const ll_toml_value *secrets, *config; /* the [sources.<name>] tables; may be NULL */
	char text[64];                        /* a number's text, for the last get */
} ll_source_config;

ll_status ll_source_config_open(ll_source_config *c, const char *dir, const char *name,
				ll_error *err);
void ll_source_config_close(ll_source_config *c);

/** The value of key, or NULL; valid until the next call or close. */
const char *ll_source_config_get(ll_source_config *c, const char *key);

/**
 * A list setting (chess's players): a TOML array of strings, or from the
 * environment a JSON array of strings or comma-separated names. *items is
 * NULL-terminated and lives until close; *n is 0 when unset.
 */
ll_status ll_source_config_get_list(ll_source_config *c, const char *key, const char ***items,
				    size_t *n, ll_error *err);

/**
 * Prints "sources.<name>.<key> = value  (origin)" for each of the keys a
 * source reads, "(unset)" when nothing sets it; secrets print as "****".
 * A list set in TOML prints as its items joined with ", ".
 */
ll_status ll_source_config_show(ll_source_config *c, const char *const *keys, FILE *out,
				ll_error *err);

#endif
