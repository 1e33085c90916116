/*
 * The AWS credential chain's view of the shared files and its profiles
 * (aws_profiles.c), for the chain itself (aws_credentials.c): a profile's
 * settings, its static keys, its credential_process and web identity, and
 * assuming its role with source_profile chains followed as botocore
 * follows them. Internal to src/config.
 */
#ifndef LL_CONFIG_AWS_CHAIN_H
#define LL_CONFIG_AWS_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "config/aws_sources.h"
#include "config/config.h"
#include "util/buf.h"

/* Longest source_profile chain followed. */
#define LL_AWS_MAX_ROLE_CHAIN 16
#define LL_AWS_PROFILE_NAME_MAX 128

typedef struct ll_aws_chain {
	ll_config *c;
	ll_buf creds_path, config_path, creds_text, config_text;
	char profile[LL_AWS_PROFILE_NAME_MAX];
	const char *profile_origin;
	ll_buf region;       /* for STS */
	const char *region_origin;
	ll_buf sts_endpoint; /* empty: regional AWS endpoint */
	ll_buf tried;        /* sources that had nothing, "; "-separated */
	char visited[LL_AWS_MAX_ROLE_CHAIN][LL_AWS_PROFILE_NAME_MAX]; /* source_profile chain so far */
	size_t nvisited;
} ll_aws_chain;

/** Reads the shared files and settles the profile, region and STS endpoint. */
void ll_aws_chain_init(ll_aws_chain *ch, ll_config *c);
void ll_aws_chain_free(ll_aws_chain *ch);

/** An environment variable, NULL when unset or empty. */
const char *ll_aws_env(const char *name);
/** The first set of two variables (b may be NULL); *origin names the one read. */
const char *ll_aws_first_env(const char *a, const char *b, const char **origin);

bool ll_aws_profile_has(const ll_aws_chain *ch, const char *profile, const char *key);
/** Whether profile has a section in either shared file. */
bool ll_aws_profile_exists(const ll_aws_chain *ch, const char *profile);

/** Static keys of profile in the credentials file; false when it has none. */
bool ll_aws_credentials_file_keys(const ll_aws_chain *ch, const char *profile, ll_aws_creds *out);
/** Static keys of profile in the config file; false when it has none. */
bool ll_aws_config_file_keys(const ll_aws_chain *ch, const char *profile, ll_aws_creds *out);

/** The profile's credential_process; *found false when it has none. */
ll_status ll_aws_profile_process(const ll_aws_chain *ch, const char *profile, ll_aws_creds *out,
				 bool *found, ll_error *err);

/**
 * Web identity for profile: each setting from the environment first when
 * use_env (the chain's own profile), else only from the profile. *found
 * false when no token file is set.
 */
ll_status ll_aws_profile_web_identity(const ll_aws_chain *ch, const char *profile, bool use_env,
				      ll_aws_creds *out, bool *found, ll_error *err);

/** Assumes profile's role_arn; ch->nvisited 0 starts a new source_profile chain. */
ll_status ll_aws_profile_assume_role(ll_aws_chain *ch, const char *profile, ll_aws_creds *out,
				     ll_error *err);

/** Credentials of a credential_source: Environment, Ec2InstanceMetadata or EcsContainer. */
ll_status ll_aws_credential_source(const char *profile, const char *name, ll_aws_creds *out,
				   ll_error *err);

#endif
