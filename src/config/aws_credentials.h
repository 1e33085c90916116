/*
 * Credentials that keep themselves current: an ll_aws_provider resolves the
 * AWS credential chain (aws_credentials.c) once and remembers which source
 * answered. Temporary credentials (STS, credential_process, container,
 * instance metadata) are fetched again from that source when they come
 * within 15 minutes of expiring, as botocore does; a failed refresh is
 * tolerated (the old credentials are kept) until 10 minutes before expiry,
 * after which it is an error.
 *
 * Threads: ll_aws_provider_get may be called from any number of threads at
 * once (parallel uploads); one of them refreshes while the others wait,
 * then all see the new credentials.
 */
#ifndef LL_CONFIG_AWS_CREDENTIALS_H
#define LL_CONFIG_AWS_CREDENTIALS_H

#include <stdint.h>

#include "config/aws_sources.h"

/** Seconds before expiry a refresh is attempted (botocore's advisory window). */
#define LL_AWS_REFRESH_ADVISORY 900
/** Seconds before expiry a refresh must succeed (botocore's mandatory window). */
#define LL_AWS_REFRESH_MANDATORY 600

typedef struct ll_aws_provider ll_aws_provider;

/**
 * Resolves the chain for the configuration c, which must outlive the
 * provider. Fails as ll_config_resolve_lake does when no source has credentials.
 */
ll_status ll_aws_provider_open(ll_aws_provider **out, ll_config *c, ll_error *err);

/** Copies the current credentials into out, refreshing them first when they are due. */
ll_status ll_aws_provider_get(ll_aws_provider *p, ll_aws_creds *out, ll_error *err);

void ll_aws_provider_free(ll_aws_provider *p);

/**
 * An ll_s3_credentials_fn (storage/s3.h) over a provider: with it as
 * ll_s3_config.credentials and the provider as credentials_user, an S3
 * client signs every request with current credentials.
 */
ll_status ll_aws_provider_s3_credentials(void *provider, ll_buf *access_key_id,
					 ll_buf *secret_access_key, ll_buf *session_token,
					 ll_error *err);

#endif
