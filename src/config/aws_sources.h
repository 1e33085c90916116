/*
 * The AWS credential sources behind the chain in aws_credentials.c, each as
 * botocore implements it:
 *
 *   aws_sts.c       STS AssumeRole (signed with the source credentials) and
 *                   AssumeRoleWithWebIdentity (unsigned), at the regional
 *                   endpoint or AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL / the
 *                   profile's endpoint_url
 *   aws_process.c   credential_process: the command run without a shell,
 *                   its JSON answer read
 *   aws_metadata.c  the container credentials endpoint and EC2 instance
 *                   metadata (IMDSv2)
 *
 * A source fills an ll_aws_creds. Secrets live only in its buffers, which
 * ll_aws_creds_clear wipes; messages name the source, the profile, the
 * role or URL, never a secret key, session token, web identity token or
 * authorization token.
 */
#ifndef LL_CONFIG_AWS_SOURCES_H
#define LL_CONFIG_AWS_SOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "util/buf.h"

typedef struct ll_aws_creds {
	ll_buf access_key_id;
	ll_buf secret_access_key;
	ll_buf session_token; /**< empty: long-term credentials */
	int64_t expires;      /**< seconds since the epoch; 0: they do not expire */
	char source[256];     /**< what gave them, for messages ("sts AssumeRole ...") */
} ll_aws_creds;

/** Wipes the secrets and empties c (it stays usable). */
void ll_aws_creds_clear(ll_aws_creds *c);

/** Copies src into dst (dst cleared first). */
void ll_aws_creds_copy(ll_aws_creds *dst, const ll_aws_creds *src);

/** Whether c holds both an access key id and a secret. */
bool ll_aws_creds_complete(const ll_aws_creds *c);

/**
 * Reads the JSON object the container endpoint, instance metadata and
 * credential_process answer with: AccessKeyId, SecretAccessKey, the token
 * under token_key ("Token" or "SessionToken"; optional) and Expiration
 * (optional); credential_process answers also carry "Version": 1, which
 * need_version checks. Returns a description of what is wrong, or NULL
 * when out was filled. The description never quotes the text.
 */
const char *ll_aws_creds_from_json(const char *text, size_t len, const char *token_key,
				   bool need_version, ll_aws_creds *out);

/** An ISO-8601 expiration ("2026-12-07T05:00:00Z") in seconds since the epoch; false if bad. */
bool ll_aws_parse_expiration(const char *s, int64_t *out);

/** A role to assume and how (from a profile, or AWS_ROLE_ARN and friends). */
typedef struct ll_aws_role {
	const char *role_arn;
	const char *session_name; /**< NULL: botocore-session-<unix time> */
	const char *external_id;  /**< NULL: none */
	const char *duration_seconds; /**< NULL: STS's default (one hour) */
	const char *region;
	const char *endpoint_url; /**< NULL: https://sts.<region>.amazonaws.com */
	const char *profile;      /**< for messages; NULL when the role came from the environment */
} ll_aws_role;

/** STS AssumeRole, signed with source. */
ll_status ll_aws_sts_assume_role(const ll_aws_role *role, const ll_aws_creds *source,
				 ll_aws_creds *out, ll_error *err);

/** STS AssumeRoleWithWebIdentity with the token read from token_file. */
ll_status ll_aws_sts_web_identity(const ll_aws_role *role, const char *token_file,
				  ll_aws_creds *out, ll_error *err);

/** Runs a credential_process command line of profile and reads its answer. */
ll_status ll_aws_process_credentials(const char *command, const char *profile, ll_aws_creds *out,
				     ll_error *err);

/**
 * The container credentials endpoint. *configured is false (and nothing is
 * sent) when neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor _FULL_URI is set.
 */
ll_status ll_aws_container_credentials(bool *configured, ll_aws_creds *out, ll_error *err);

/**
 * EC2 instance metadata. *configured is false (and nothing is sent) when
 * AWS_EC2_METADATA_DISABLED is true.
 */
ll_status ll_aws_imds_credentials(bool *configured, ll_aws_creds *out, ll_error *err);

#endif
