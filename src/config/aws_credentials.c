/*
 * The AWS credential chain, as botocore walks it, and the lake settings
 * built from it; see ll_config_resolve_lake in lakeload.h.
 *
 *   keys      aws_access_key_id / aws_secret_access_key / aws_session_token
 *             from the configuration (Athena credentials, else filesystem)
 *             -> AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
 *                unless profile_name names the profile (dlt then gives
 *                botocore a session profile, which drops these)
 *             -> assume role: role_arn in the profile (without
 *                web_identity_token_file), with source_profile or
 *                credential_source (Environment, Ec2InstanceMetadata,
 *                EcsContainer)
 *             -> web identity: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
 *                AWS_ROLE_SESSION_NAME, each else the profile's
 *                web_identity_token_file, role_arn, role_session_name
 *             -> (SSO: not supported; a profile with sso_session or
 *                sso_start_url is an error saying what to use instead)
 *             -> the shared credentials file (AWS_SHARED_CREDENTIALS_FILE,
 *                else ~/.aws/credentials), section [<profile>]
 *             -> credential_process in the profile
 *             -> the shared config file (AWS_CONFIG_FILE, else ~/.aws/config),
 *                section [profile <profile>] ([default] for default)
 *             -> the container credentials endpoint
 *             -> EC2 instance metadata
 *   profile   profile_name -> AWS_PROFILE -> "default"
 *   region    region_name -> AWS_REGION -> AWS_DEFAULT_REGION -> the
 *             profile's region in the config file -> us-east-1
 *   endpoint  endpoint_url -> AWS_ENDPOINT_URL_S3 -> AWS_ENDPOINT_URL
 *   STS       AWS_ENDPOINT_URL_STS -> AWS_ENDPOINT_URL -> the profile's
 *             endpoint_url in the config file -> https://sts.<region>.amazonaws.com
 *
 * Profiles, the shared files and roles are read in aws_profiles.c.
 *
 * "No credentials" names every source tried, in order. Secrets never
 * appear in a message.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/aws_chain.h"
#include "config/aws_credentials.h"
#include "util/time.h"

/* Origin of the values the chain keeps in the configuration: not to be taken for explicit keys. */
#define CHAIN_ORIGIN "AWS credential chain: "

/* -------------------------------------------------------------- the chain */

static void tried(ll_aws_chain *ch, const char *fmt, ...) LL_PRINTF(2, 3);

/* Notes a source that had no credentials, for the message if none has. */
static void tried(ll_aws_chain *ch, const char *fmt, ...)
{
	char what[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (ch->tried.len)
		ll_buf_puts(&ch->tried, "; ");
	ll_buf_puts(&ch->tried, what);
}

/* A source of the chain: fills out and sets *found, or says in ch->tried what it looked at. */
typedef ll_status (*source_fn)(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err);

/* Keys this chain stored earlier are its answer, not the user's. */
static const char *explicit_key(const ll_config *c, const char *name, const char **origin)
{
	const char *v = ll_config_credential(c, name, origin);
	return v && strncmp(*origin, CHAIN_ORIGIN, strlen(CHAIN_ORIGIN)) != 0 ? v : NULL;
}

static ll_status src_config_keys(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	const char *origin, *ignored;
	const char *id = explicit_key(ch->c, "aws_access_key_id", &origin);
	const char *secret = explicit_key(ch->c, "aws_secret_access_key", &ignored);
	const char *token = explicit_key(ch->c, "aws_session_token", &ignored);
	*found = id && secret;
	if (*found) {
		ll_aws_creds_clear(out);
		ll_buf_puts(&out->access_key_id, id);
		ll_buf_puts(&out->secret_access_key, secret);
		if (token)
			ll_buf_puts(&out->session_token, token);
		snprintf(out->source, sizeof(out->source), "%s", origin);
	} else {
		tried(ch, "aws_access_key_id and aws_secret_access_key in "
			  "destination.athena.credentials and destination.filesystem.credentials "
			  "(.dlt/config.toml, .dlt/secrets.toml and their DESTINATION__... "
			  "environment variables)");
	}
	(void)err;
	return LL_OK;
}

/* A profile the configuration names: botocore's session profile, which sets env keys aside. */
static bool profile_named_explicitly(const ll_aws_chain *ch)
{
	return strcmp(ch->profile_origin, "default") != 0 &&
	       strcmp(ch->profile_origin, "env AWS_PROFILE") != 0;
}

static ll_status src_environment(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	*found = !profile_named_explicitly(ch) && ll_aws_env("AWS_ACCESS_KEY_ID") &&
		 ll_aws_env("AWS_SECRET_ACCESS_KEY");
	if (!*found) {
		tried(ch, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY%s",
		      profile_named_explicitly(ch) ? " (not used: profile_name names the profile)" : "");
		return LL_OK;
	}
	ll_status st = ll_aws_credential_source(ch->profile, "Environment", out, err);
	snprintf(out->source, sizeof(out->source), "env AWS_ACCESS_KEY_ID");
	return st;
}

/* A profile named explicitly must exist: botocore's ProfileNotFound. */
static ll_status src_profile_exists(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	(void)out;
	*found = false;
	if (strcmp(ch->profile_origin, "default") == 0 || ll_aws_profile_exists(ch, ch->profile))
		return LL_OK;
	return ll_error_set(err, LL_EAUTH, "AWS profile %s (from %s) is in neither %s nor %s",
			    ch->profile, ch->profile_origin, ll_buf_cstr(&ch->creds_path),
			    ll_buf_cstr(&ch->config_path));
}

static ll_status src_assume_role(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	*found = ll_aws_profile_has(ch, ch->profile, "role_arn") &&
		 !ll_aws_profile_has(ch, ch->profile, "web_identity_token_file");
	if (!*found) {
		tried(ch, "role_arn in profile %s", ch->profile);
		return LL_OK;
	}
	ch->nvisited = 0;
	return ll_aws_profile_assume_role(ch, ch->profile, out, err);
}

static ll_status src_web_identity(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	ll_status st = ll_aws_profile_web_identity(ch, ch->profile, true, out, found, err);
	if (st == LL_OK && !*found)
		tried(ch, "AWS_WEB_IDENTITY_TOKEN_FILE and web_identity_token_file in profile %s",
		      ch->profile);
	return st;
}

/* botocore's SSO source sits here; lakeload has none, and says so rather than skip the profile. */
static ll_status src_sso(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	(void)out;
	*found = false;
	if (!ll_aws_profile_has(ch, ch->profile, "sso_session") &&
	    !ll_aws_profile_has(ch, ch->profile, "sso_start_url"))
		return LL_OK;
	return ll_error_set(err, LL_EAUTH,
			    "profile %s signs in through IAM Identity Center (sso_...), which "
			    "lakeload does not do; add to it: credential_process = aws configure "
			    "export-credentials --profile %s --format process, after aws sso login",
			    ch->profile, ch->profile);
}

static ll_status src_credentials_file(ll_aws_chain *ch, ll_aws_creds *out, bool *found,
				       ll_error *err)
{
	(void)err;
	*found = ll_aws_credentials_file_keys(ch, ch->profile, out);
	if (!*found)
		tried(ch, "profile %s in %s", ch->profile, ll_buf_cstr(&ch->creds_path));
	return LL_OK;
}

static ll_status src_process(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	ll_status st = ll_aws_profile_process(ch, ch->profile, out, found, err);
	if (st == LL_OK && !*found)
		tried(ch, "credential_process in profile %s", ch->profile);
	return st;
}

static ll_status src_config_file(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	(void)err;
	*found = ll_aws_config_file_keys(ch, ch->profile, out);
	if (!*found)
		tried(ch, "profile %s in %s", ch->profile, ll_buf_cstr(&ch->config_path));
	return LL_OK;
}

static ll_status src_container(ll_aws_chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	ll_status st = ll_aws_container_credentials(found, out, err);
	if (st == LL_OK && !*found)
		tried(ch, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI");
	return st;
}

/* No instance metadata is not an error: most machines are not EC2 instances. */
static ll_status src_instance_metadata(ll_aws_chain *ch, ll_aws_creds *out, bool *found,
					ll_error *err)
{
	(void)err;
	bool enabled;
	ll_error why;
	ll_error_clear(&why);
	*found = ll_aws_imds_credentials(&enabled, out, &why) == LL_OK && enabled;
	if (!enabled)
		tried(ch, "EC2 instance metadata (off: AWS_EC2_METADATA_DISABLED)");
	else if (!*found)
		tried(ch, "EC2 instance metadata (%s)", why.message);
	return LL_OK;
}

static const source_fn chain_sources[] = {
	src_config_keys,      src_environment, src_profile_exists, src_assume_role,
	src_web_identity,     src_sso,         src_credentials_file, src_process,
	src_config_file,      src_container,   src_instance_metadata,
};
#define NSOURCES (sizeof(chain_sources) / sizeof(chain_sources[0]))

/* Source index `from` onwards, the first with credentials; *used gets its index. */
static ll_status run_chain(ll_aws_chain *ch, size_t from, ll_aws_creds *out, size_t *used,
			   ll_error *err)
{
	ll_buf_clear(&ch->tried);
	for (size_t i = from; i < NSOURCES; i++) {
		bool found = false;
		ll_status st = chain_sources[i](ch, out, &found, err);
		if (st != LL_OK)
			return st;
		if (found && !ll_aws_creds_complete(out))
			return ll_error_oom(err);
		if (found) {
			*used = i;
			return LL_OK;
		}
	}
	return ll_error_set(err, LL_EAUTH, "no AWS credentials found for profile %s; tried, in order: %s",
			    ch->profile, ll_buf_cstr(&ch->tried));
}

/* ---------------------------------------------------------- lake settings */

/* Owned copies live in the config as flags would, so the strings outlive this call. */
static ll_status keep(ll_config *c, const char *key, const char *value, const char *origin,
		      const char **out, ll_error *err)
{
	ll_status st = ll_config_set(c, key, value, origin, err);
	*out = st == LL_OK ? ll_config_get(c, key, NULL) : NULL;
	return st;
}

#define RESOLVED "destination.athena.credentials."

/*
 * Points s3 at the credentials: the configuration's own when they came from
 * it, else copies kept in the configuration under CHAIN_ORIGIN.
 */
static ll_status keep_credentials(ll_aws_chain *ch, const ll_aws_creds *creds, size_t source,
				  ll_s3_options *s3, ll_error *err)
{
	if (chain_sources[source] == src_config_keys) {
		const char *origin;
		s3->access_key_id = explicit_key(ch->c, "aws_access_key_id", &origin);
		s3->secret_access_key = explicit_key(ch->c, "aws_secret_access_key", &origin);
		s3->session_token = explicit_key(ch->c, "aws_session_token", &origin);
		return LL_OK;
	}
	char origin[sizeof(creds->source) + sizeof(CHAIN_ORIGIN)];
	snprintf(origin, sizeof(origin), CHAIN_ORIGIN "%s", creds->source);
	ll_status st = keep(ch->c, RESOLVED "aws_access_key_id", ll_buf_cstr(&creds->access_key_id),
			    origin, &s3->access_key_id, err);
	if (st == LL_OK)
		st = keep(ch->c, RESOLVED "aws_secret_access_key",
			  ll_buf_cstr(&creds->secret_access_key), origin, &s3->secret_access_key, err);
	if (st == LL_OK && creds->session_token.len)
		st = keep(ch->c, RESOLVED "aws_session_token", ll_buf_cstr(&creds->session_token),
			  origin, &s3->session_token, err);
	return st;
}

/* The chain's region; only one read from a profile needs a copy kept in the configuration. */
static ll_status resolve_region(ll_aws_chain *ch, ll_s3_options *s3, ll_error *err)
{
	s3->region = ll_config_credential(ch->c, "region_name", NULL);
	if (!s3->region && strcmp(ch->region_origin, "default") == 0)
		s3->region = "us-east-1";
	else if (!s3->region && strncmp(ch->region_origin, "AWS_", 4) == 0)
		s3->region = getenv(ch->region_origin);
	if (s3->region)
		return LL_OK;
	return keep(ch->c, RESOLVED "region_name", ll_buf_cstr(&ch->region), ch->region_origin,
		    &s3->region, err);
}

static ll_status resolve(ll_config *c, const char *lake, const char **lake_out, ll_s3_options *s3,
			 bool *use_s3, ll_aws_creds *creds, ll_aws_chain *ch, size_t *used,
			 ll_error *err)
{
	memset(s3, 0, sizeof(*s3));
	*use_s3 = false;
	*lake_out = lake ? lake : ll_config_get(c, "destination.filesystem.bucket_url", NULL);
	if (!*lake_out)
		*lake_out = "lake";
	if (strncmp(*lake_out, "s3://", 5) != 0)
		return LL_OK;
	*use_s3 = true;
	const char *eo;
	s3->endpoint_url = ll_config_credential(c, "endpoint_url", &eo);
	if (!s3->endpoint_url)
		s3->endpoint_url = ll_aws_first_env("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", &eo);
	s3->path_style = s3->endpoint_url != NULL;
	ll_status st = run_chain(ch, 0, creds, used, err);
	if (st == LL_OK)
		st = keep_credentials(ch, creds, *used, s3, err);
	if (st == LL_OK)
		st = resolve_region(ch, s3, err);
	return st;
}

static ll_status keep_provider(ll_config *c, ll_aws_chain *ch, const ll_aws_creds *creds,
			       size_t source, ll_s3_options *s3, ll_error *err);

ll_status ll_config_resolve_lake(ll_config *c, const char *lake, const char **lake_out,
				 ll_s3_options *s3, bool *use_s3, ll_error *err)
{
	ll_aws_chain ch;
	ll_aws_chain_init(&ch, c);
	ll_aws_creds creds = { 0 };
	size_t used = 0;
	ll_status st = resolve(c, lake, lake_out, s3, use_s3, &creds, &ch, &used, err);
	if (st == LL_OK && *use_s3 && creds.expires)
		st = keep_provider(c, &ch, &creds, used, s3, err);
	else
		ll_aws_chain_free(&ch);
	ll_aws_creds_clear(&creds);
	return st;
}

/* ------------------------------------------------------------------ show */

static void masked(const char *key, const char *value, char *out, size_t size)
{
	size_t n = strlen(value);
	if (ll_config_key_is_secret(key))
		snprintf(out, size, "********");
	else if (strstr(key, "aws_access_key_id"))
		snprintf(out, size, "****************%s", n > 4 ? value + n - 4 : "");
	else
		snprintf(out, size, "%s", value);
}

static void show_credentials(FILE *out, const ll_aws_chain *ch, const ll_s3_options *s3,
			     const ll_aws_creds *creds)
{
	char shown[512];
	masked("aws_access_key_id", s3->access_key_id, shown, sizeof(shown));
	fprintf(out, "credentials = %s from %s (profile %s)\n", shown, creds->source, ch->profile);
	fprintf(out, "session token = %s\n", s3->session_token ? "********" : "(none)");
	if (creds->expires) {
		char when[40];
		ll_time_format_timestamp(creds->expires * 1000000, 3, 'T', true, when);
		fprintf(out, "credentials expire = %s\n", when);
	}
	fprintf(out, "region = %s (%s)\n", s3->region, ch->region_origin ? ch->region_origin : "?");
	fprintf(out, "endpoint = %s\n", s3->endpoint_url ? s3->endpoint_url : "(AWS)");
}

/* The settings and the lake with its credentials; all: also the keys nothing sets. */
static ll_status show(ll_config *c, const char *lake, bool all, FILE *out)
{
	char shown[512];
	for (size_t i = 0; ll_config_known_keys[i]; i++) {
		const char *origin;
		const char *v = ll_config_get(c, ll_config_known_keys[i], &origin);
		if (!v) {
			if (all)
				fprintf(out, "%s = (unset)\n", ll_config_known_keys[i]);
			continue;
		}
		masked(ll_config_known_keys[i], v, shown, sizeof(shown));
		fprintf(out, "%s = %s  (%s)\n", ll_config_known_keys[i], shown, origin);
	}
	ll_aws_chain ch;
	ll_aws_chain_init(&ch, c);
	const char *lake_out;
	ll_s3_options s3;
	bool use_s3;
	ll_error chain_err;
	ll_error_clear(&chain_err);
	ll_aws_creds creds = { 0 };
	size_t used;
	ll_status st = resolve(c, lake, &lake_out, &s3, &use_s3, &creds, &ch, &used, &chain_err);
	fprintf(out, "lake = %s\n", lake_out);
	if (use_s3 && st == LL_OK)
		show_credentials(out, &ch, &s3, &creds);
	else if (use_s3)
		fprintf(out, "credentials = (none): %s\n", chain_err.message);
	ll_aws_creds_clear(&creds);
	ll_aws_chain_free(&ch);
	return LL_OK;
}

ll_status ll_config_show(ll_config *c, const char *lake, FILE *out, ll_error *err)
{
	(void)err;
	return show(c, lake, false, out);
}

ll_status ll_config_show_all(ll_config *c, const char *lake, FILE *out, ll_error *err)
{
	(void)err;
	return show(c, lake, true, out);
}

/* -------------------------------------------------------------- provider */

struct ll_aws_provider {
	pthread_mutex_t lock;
	ll_aws_chain ch;
	size_t source; /* index in chain_sources of the source that answered */
	ll_aws_creds current;
};

/*
 * Temporary credentials the lake resolved renew themselves: a provider that
 * starts from them and their source (it takes over ch, freeing it on
 * failure), kept by the configuration, named in s3 for the clients to ask.
 */
static ll_status keep_provider(ll_config *c, ll_aws_chain *ch, const ll_aws_creds *creds,
			       size_t source, ll_s3_options *s3, ll_error *err)
{
	ll_aws_provider *p = calloc(1, sizeof(*p));
	if (!p) {
		ll_aws_chain_free(ch);
		return ll_error_oom(err);
	}
	pthread_mutex_init(&p->lock, NULL);
	p->ch = *ch;
	p->source = source;
	ll_aws_creds_copy(&p->current, creds);
	ll_config_keep_provider(c, p);
	s3->credentials_provider = p;
	return LL_OK;
}

ll_status ll_aws_provider_open(ll_aws_provider **out, ll_config *c, ll_error *err)
{
	*out = NULL;
	ll_aws_provider *p = calloc(1, sizeof(*p));
	if (!p)
		return ll_error_oom(err);
	pthread_mutex_init(&p->lock, NULL);
	ll_aws_chain_init(&p->ch, c);
	ll_status st = run_chain(&p->ch, 0, &p->current, &p->source, err);
	if (st != LL_OK) {
		ll_aws_provider_free(p);
		return st;
	}
	*out = p;
	return LL_OK;
}

/* Asks the same source again; the old credentials stay unless new ones came. */
static ll_status refresh(ll_aws_provider *p, int64_t now, ll_error *err)
{
	ll_aws_creds fresh = { 0 };
	size_t used;
	ll_status st = run_chain(&p->ch, p->source, &fresh, &used, err);
	if (st == LL_OK && used != p->source)
		st = ll_error_set(err, LL_EAUTH, "%s no longer gives credentials", p->current.source);
	if (st == LL_OK)
		ll_aws_creds_copy(&p->current, &fresh);
	else if (p->current.expires - now > LL_AWS_REFRESH_MANDATORY)
		st = LL_OK;
	else
		ll_error_prefix(err, "the AWS credentials from %s expire at a time too close to use them, "
				     "and fetching new ones failed",
				p->current.source);
	ll_aws_creds_clear(&fresh);
	return st;
}

ll_status ll_aws_provider_get(ll_aws_provider *p, ll_aws_creds *out, ll_error *err)
{
	pthread_mutex_lock(&p->lock);
	int64_t now = (int64_t)time(NULL);
	ll_status st = LL_OK;
	if (p->current.expires && p->current.expires - now <= LL_AWS_REFRESH_ADVISORY)
		st = refresh(p, now, err);
	if (st == LL_OK)
		ll_aws_creds_copy(out, &p->current);
	pthread_mutex_unlock(&p->lock);
	if (st == LL_OK && !ll_aws_creds_complete(out))
		st = ll_error_oom(err);
	return st;
}

ll_status ll_aws_provider_s3_credentials(void *provider, ll_buf *access_key_id,
					 ll_buf *secret_access_key, ll_buf *session_token,
					 ll_error *err)
{
	ll_aws_creds now = { 0 };
	ll_status st = ll_aws_provider_get(provider, &now, err);
	if (st == LL_OK) {
		ll_buf_append(access_key_id, now.access_key_id.data, now.access_key_id.len);
		ll_buf_append(secret_access_key, now.secret_access_key.data, now.secret_access_key.len);
		ll_buf_append(session_token, now.session_token.data, now.session_token.len);
	}
	ll_aws_creds_clear(&now);
	return st;
}

void ll_aws_provider_free(ll_aws_provider *p)
{
	if (!p)
		return;
	ll_aws_creds_clear(&p->current);
	ll_aws_chain_free(&p->ch);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
