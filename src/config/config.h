/*
 * Configuration resolved the way dlt resolves it, for the destination
 * settings lakeload uses (DESIGN §8).
 *
 * Sources, later winning: .dlt/config.toml, then .dlt/secrets.toml (both
 * from the directory given, by default ./.dlt as dlt looks them up), then
 * environment variables named by the key's section path joined with "__" in
 * upper case (DESTINATION__FILESYSTEM__BUCKET_URL), then values a caller
 * sets from command-line flags. Every value keeps where it came from
 * ("./.dlt/config.toml:3", "env DESTINATION__ATHENA__CREDENTIALS__...",
 * "flag --endpoint-url").
 *
 * Known keys are those of the table below (the destination's, with
 * credentials under both destination.filesystem.credentials and
 * destination.athena.credentials). A key under [destination...] that is
 * not known gets a warning naming the file and line and the nearest known
 * key or section ("did you mean destination.athena?"); other sections
 * (sources, runtime, a pipeline's own settings) are left alone, as dlt
 * users keep other settings there.
 *
 * Credentials: dlt lets the credentials given for the filesystem staging
 * serve Athena and the other way round; lakeload looks a credential key up
 * under destination.athena.credentials first, then
 * destination.filesystem.credentials (ll_config_credential).
 */
#ifndef LL_CONFIG_CONFIG_H
#define LL_CONFIG_CONFIG_H

#include <stdbool.h>

#include "lakeload.h"

/** Whether a known key holds a secret (never printed, logged or put in errors). */
bool ll_config_key_is_secret(const char *key);

/** The known key names, NULL-terminated. */
extern const char *const ll_config_known_keys[];

/**
 * A credential key ("aws_access_key_id", ...) from the Athena credentials,
 * else the filesystem ones; NULL when neither has it. *origin (may be NULL)
 * gets where it came from.
 */
const char *ll_config_credential(const ll_config *c, const char *name, const char **origin);

struct ll_aws_provider;

/** Gives c a credentials provider to free with it (one given before is freed now). */
void ll_config_keep_provider(ll_config *c, struct ll_aws_provider *p);

#endif
