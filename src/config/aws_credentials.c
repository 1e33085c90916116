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
 * A profile's setting is read from its section in the credentials file,
 * else in the config file, as botocore merges the two.
 *
 * source_profile chains are followed as botocore follows them: a source
 * profile with role_arn and no static keys assumes its own role first;
 * otherwise its credentials come from its web identity, static keys or
 * credential_process (never from the environment). A profile may name
 * itself as source_profile only when it has static keys; any other repeat
 * is a loop, reported with the chain.
 *
 * The shared files are INI as botocore reads them: [section] headers,
 * "key = value" lines, '#' and ';' comments; indented lines (nested
 * service settings) are skipped.
 *
 * "No credentials" names every source tried, in order. Secrets never
 * appear in a message.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config/aws_credentials.h"
#include "config/config.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/time.h"

/* One value of a section of an INI file into out; false when absent. */
static bool ini_get(const char *text, const char *section, const char *key, ll_buf *out)
{
	ll_buf_clear(out);
	bool in = false;
	size_t klen = strlen(key);
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *p = line;
		line = end ? end + 1 : NULL;
		if (len && (p[0] == ' ' || p[0] == '\t'))
			continue;
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || p[0] == '#' || p[0] == ';')
			continue;
		if (p[0] == '[') {
			const char *close = memchr(p, ']', len);
			size_t n = close ? (size_t)(close - p - 1) : 0;
			const char *name = p + 1;
			while (n && *name == ' ')
				name++, n--;
			while (n && name[n - 1] == ' ')
				n--;
			in = n == strlen(section) && memcmp(name, section, n) == 0;
			continue;
		}
		if (!in || len <= klen || memcmp(p, key, klen) != 0)
			continue;
		const char *q = p + klen;
		while (q < p + len && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= p + len || *q != '=')
			continue;
		q++;
		while (q < p + len && (*q == ' ' || *q == '\t'))
			q++;
		ll_buf_append(out, q, (size_t)(p + len - q));
		return true;
	}
	return false;
}

/* Longest source_profile chain followed. */
#define MAX_ROLE_CHAIN 16
#define PROFILE_NAME_MAX 128

/* Origin of values this chain stores in the configuration, so they are not taken for explicit keys. */
#define CHAIN_ORIGIN "AWS credential chain: "

typedef struct chain {
	ll_config *c;
	ll_buf creds_path, config_path, creds_text, config_text;
	char profile[PROFILE_NAME_MAX];
	const char *profile_origin;
	ll_buf region;       /* for STS */
	const char *region_origin;
	ll_buf sts_endpoint; /* empty: regional AWS endpoint */
	ll_buf tried;        /* sources that had nothing, "; "-separated */
	char visited[MAX_ROLE_CHAIN][PROFILE_NAME_MAX];
	size_t nvisited;
} chain;

static void shared_file_path(const char *env, const char *rel, ll_buf *out)
{
	const char *v = getenv(env);
	if (v && *v) {
		ll_buf_puts(out, v);
		return;
	}
	ll_buf_printf(out, "%s/%s", getenv("HOME") ? getenv("HOME") : ".", rel);
}

static const char *env_value(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static const char *first_env(const char *a, const char *b, const char **origin)
{
	const char *v = getenv(a);
	*origin = a;
	if (!v || !*v) {
		v = b ? getenv(b) : NULL;
		*origin = b;
	}
	return v && *v ? v : NULL;
}

static void config_section(const char *profile, char *out, size_t size)
{
	snprintf(out, size, strcmp(profile, "default") == 0 ? "%s" : "profile %s", profile);
}

/* A setting of profile: credentials file first, then the config file. */
static bool profile_get(const chain *ch, const char *profile, const char *key, ll_buf *out,
			const char **where)
{
	const char *ignored;
	where = where ? where : &ignored;
	if (ini_get(ll_buf_cstr(&ch->creds_text), profile, key, out)) {
		*where = ll_buf_cstr(&ch->creds_path);
		return true;
	}
	char section[PROFILE_NAME_MAX + 16];
	config_section(profile, section, sizeof(section));
	*where = ll_buf_cstr(&ch->config_path);
	return ini_get(ll_buf_cstr(&ch->config_text), section, key, out);
}

static bool profile_has(const chain *ch, const char *profile, const char *key)
{
	ll_buf v = LL_BUF_INIT;
	bool found = profile_get(ch, profile, key, &v, NULL);
	ll_buf_free(&v);
	return found;
}

static bool profile_exists(const chain *ch, const char *profile)
{
	char section[PROFILE_NAME_MAX + 16], hdr[PROFILE_NAME_MAX + 24], plain[PROFILE_NAME_MAX + 8];
	config_section(profile, section, sizeof(section));
	snprintf(hdr, sizeof(hdr), "[%s]", section);
	snprintf(plain, sizeof(plain), "[%s]", profile);
	return strstr(ll_buf_cstr(&ch->creds_text), plain) || strstr(ll_buf_cstr(&ch->config_text), hdr);
}

/* The region: also what STS is called in, so it is known before any credentials. */
static void chain_region(chain *ch)
{
	const char *v = ll_config_credential(ch->c, "region_name", &ch->region_origin);
	if (!v)
		v = first_env("AWS_REGION", "AWS_DEFAULT_REGION", &ch->region_origin);
	if (v) {
		ll_buf_puts(&ch->region, v);
	} else if (!profile_get(ch, ch->profile, "region", &ch->region, &ch->region_origin)) {
		ll_buf_puts(&ch->region, "us-east-1");
		ch->region_origin = "default";
	}
}

static void chain_sts_endpoint(chain *ch)
{
	const char *origin;
	const char *v = first_env("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", &origin);
	if (v)
		ll_buf_puts(&ch->sts_endpoint, v);
	else
		profile_get(ch, ch->profile, "endpoint_url", &ch->sts_endpoint, NULL);
}

static void chain_init(chain *ch, ll_config *c)
{
	memset(ch, 0, sizeof(*ch));
	ch->c = c;
	shared_file_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials", &ch->creds_path);
	shared_file_path("AWS_CONFIG_FILE", ".aws/config", &ch->config_path);
	ll_error ignored;
	if (ll_fs_read_all(ll_buf_cstr(&ch->creds_path), &ch->creds_text, &ignored) != LL_OK)
		ll_buf_clear(&ch->creds_text);
	if (ll_fs_read_all(ll_buf_cstr(&ch->config_path), &ch->config_text, &ignored) != LL_OK)
		ll_buf_clear(&ch->config_text);
	const char *origin = NULL;
	const char *p = ll_config_credential(c, "profile_name", &origin);
	ch->profile_origin = origin;
	if (!p && (p = getenv("AWS_PROFILE")) && *p)
		ch->profile_origin = "env AWS_PROFILE";
	if (!p || !*p) {
		p = "default";
		ch->profile_origin = "default";
	}
	snprintf(ch->profile, sizeof(ch->profile), "%s", p);
	chain_region(ch);
	chain_sts_endpoint(ch);
}

static void chain_free(chain *ch)
{
	ll_buf_free(&ch->creds_path);
	ll_buf_free(&ch->config_path);
	ll_buf_wipe(&ch->creds_text);
	ll_buf_wipe(&ch->config_text);
	ll_buf_free(&ch->region);
	ll_buf_free(&ch->sts_endpoint);
	ll_buf_free(&ch->tried);
}

static void tried(chain *ch, const char *fmt, ...) LL_PRINTF(2, 3);

/* Notes a source that had no credentials, for the message if none has. */
static void tried(chain *ch, const char *fmt, ...)
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

/* ------------------------------------------------------------ profile sources */

/* Static keys of profile in one of the shared files (text at path; section name). */
static bool file_keys(const ll_buf *text, const char *section, const char *path, ll_aws_creds *out)
{
	ll_aws_creds_clear(out);
	const char *t = ll_buf_cstr(text);
	if (!ini_get(t, section, "aws_access_key_id", &out->access_key_id) ||
	    !ini_get(t, section, "aws_secret_access_key", &out->secret_access_key)) {
		ll_aws_creds_clear(out);
		return false;
	}
	ini_get(t, section, "aws_session_token", &out->session_token);
	snprintf(out->source, sizeof(out->source), "%s", path);
	return true;
}

static bool credentials_file_keys(const chain *ch, const char *profile, ll_aws_creds *out)
{
	return file_keys(&ch->creds_text, profile, ll_buf_cstr(&ch->creds_path), out);
}

static bool config_file_keys(const chain *ch, const char *profile, ll_aws_creds *out)
{
	char section[PROFILE_NAME_MAX + 16];
	config_section(profile, section, sizeof(section));
	return file_keys(&ch->config_text, section, ll_buf_cstr(&ch->config_path), out);
}

static bool has_static_keys(const chain *ch, const char *profile)
{
	return profile_has(ch, profile, "aws_access_key_id") &&
	       profile_has(ch, profile, "aws_secret_access_key");
}

/* Static keys merged from both files, for a profile that is its own source_profile. */
static ll_status merged_keys(const chain *ch, const char *profile, ll_aws_creds *out)
{
	ll_aws_creds_clear(out);
	const char *where = NULL;
	profile_get(ch, profile, "aws_access_key_id", &out->access_key_id, &where);
	profile_get(ch, profile, "aws_secret_access_key", &out->secret_access_key, NULL);
	profile_get(ch, profile, "aws_session_token", &out->session_token, NULL);
	snprintf(out->source, sizeof(out->source), "%s", where ? where : "?");
	return LL_OK;
}

static ll_status process_source(const chain *ch, const char *profile, ll_aws_creds *out,
				bool *found, ll_error *err)
{
	ll_buf command = LL_BUF_INIT;
	*found = profile_get(ch, profile, "credential_process", &command, NULL);
	ll_status st = *found ? ll_aws_process_credentials(ll_buf_cstr(&command), profile, out, err)
			      : LL_OK;
	ll_buf_free(&command);
	return st;
}

/* Role settings of a profile, held for one STS call. */
typedef struct role_settings {
	ll_buf arn, session_name, external_id, duration;
	ll_aws_role role;
} role_settings;

static void role_settings_read(const chain *ch, const char *profile, role_settings *r)
{
	memset(r, 0, sizeof(*r));
	profile_get(ch, profile, "role_arn", &r->arn, NULL);
	profile_get(ch, profile, "role_session_name", &r->session_name, NULL);
	profile_get(ch, profile, "external_id", &r->external_id, NULL);
	profile_get(ch, profile, "duration_seconds", &r->duration, NULL);
	r->role = (ll_aws_role){
		.role_arn = ll_buf_cstr(&r->arn),
		.session_name = r->session_name.len ? ll_buf_cstr(&r->session_name) : NULL,
		.external_id = r->external_id.len ? ll_buf_cstr(&r->external_id) : NULL,
		.duration_seconds = r->duration.len ? ll_buf_cstr(&r->duration) : NULL,
		.region = ll_buf_cstr(&ch->region),
		.endpoint_url = ch->sts_endpoint.len ? ll_buf_cstr(&ch->sts_endpoint) : NULL,
		.profile = profile,
	};
}

static void role_settings_free(role_settings *r)
{
	ll_buf_free(&r->arn);
	ll_buf_free(&r->session_name);
	ll_buf_free(&r->external_id);
	ll_buf_free(&r->duration);
}

/*
 * Web identity for profile: each setting from the environment first when
 * use_env (the chain's own profile), else only from the profile.
 */
static ll_status web_identity_source(const chain *ch, const char *profile, bool use_env,
				     ll_aws_creds *out, bool *found, ll_error *err)
{
	role_settings r;
	role_settings_read(ch, profile, &r);
	ll_buf file = LL_BUF_INIT;
	const char *env_file = use_env ? env_value("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
	const char *env_arn = use_env ? env_value("AWS_ROLE_ARN") : NULL;
	const char *env_name = use_env ? env_value("AWS_ROLE_SESSION_NAME") : NULL;
	if (env_file)
		ll_buf_puts(&file, env_file);
	else
		profile_get(ch, profile, "web_identity_token_file", &file, NULL);
	if (env_arn)
		r.role.role_arn = env_arn;
	if (env_name)
		r.role.session_name = env_name;
	if (env_arn || env_file)
		r.role.profile = NULL;
	*found = file.len > 0;
	ll_status st = LL_OK;
	if (*found && !*r.role.role_arn)
		st = ll_error_set(err, LL_EINVAL,
				  "a web identity token file is set (%s) but no role ARN: set "
				  "AWS_ROLE_ARN or role_arn in profile %s",
				  ll_buf_cstr(&file), profile);
	else if (*found)
		st = ll_aws_sts_web_identity(&r.role, ll_buf_cstr(&file), out, err);
	ll_buf_free(&file);
	role_settings_free(&r);
	return st;
}

static ll_status assume_role(chain *ch, const char *profile, ll_aws_creds *out, ll_error *err);

/*
 * Credentials of a source_profile, as botocore's
 * _resolve_credentials_from_profile finds them.
 */
static ll_status source_profile_credentials(chain *ch, const char *profile, ll_aws_creds *out,
					    ll_error *err)
{
	bool statics = has_static_keys(ch, profile);
	if (profile_has(ch, profile, "role_arn") && !statics &&
	    !profile_has(ch, profile, "web_identity_token_file"))
		return assume_role(ch, profile, out, err);
	bool found = false;
	ll_status st = web_identity_source(ch, profile, false, out, &found, err);
	if (st != LL_OK || found)
		return st;
	if (credentials_file_keys(ch, profile, out))
		return LL_OK;
	if ((st = process_source(ch, profile, out, &found, err)) != LL_OK || found)
		return st;
	if (config_file_keys(ch, profile, out))
		return LL_OK;
	return ll_error_set(err, LL_EAUTH,
			    "source profile %s has no credentials (static keys, "
			    "web_identity_token_file, credential_process or a role of its own)",
			    profile);
}

static void visited_chain(const chain *ch, const char *next, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < ch->nvisited && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s -> ", ch->visited[i]);
	if (n < size)
		snprintf(out + n, size - n, "%s", next);
}

/* Whether profile may serve as the source of the profile being assumed (parent). */
static ll_status check_source_profile(chain *ch, const char *parent, const char *source,
				      ll_error *err)
{
	if (!profile_exists(ch, source))
		return ll_error_set(err, LL_EINVAL,
				    "profile %s: source_profile %s is in neither %s nor %s", parent,
				    source, ll_buf_cstr(&ch->creds_path), ll_buf_cstr(&ch->config_path));
	bool self = strcmp(parent, source) == 0;
	bool seen = false;
	for (size_t i = 0; i < ch->nvisited; i++)
		seen = seen || strcmp(ch->visited[i], source) == 0;
	if ((seen && !self) || (self && !has_static_keys(ch, source)) ||
	    ch->nvisited == MAX_ROLE_CHAIN) {
		char path[1024];
		visited_chain(ch, source, path, sizeof(path));
		return ll_error_set(err, LL_EINVAL,
				    "the source_profile settings form a loop: %s; a profile may be its "
				    "own source_profile only when it has static keys",
				    path);
	}
	snprintf(ch->visited[ch->nvisited++], PROFILE_NAME_MAX, "%s", source);
	return LL_OK;
}

static ll_status credential_source(const char *profile, const char *name,
				   ll_aws_creds *out, ll_error *err)
{
	bool configured = true;
	ll_status st = LL_OK;
	if (strcmp(name, "Environment") == 0) {
		const char *id = env_value("AWS_ACCESS_KEY_ID");
		const char *secret = env_value("AWS_SECRET_ACCESS_KEY");
		configured = id && secret;
		if (configured) {
			ll_aws_creds_clear(out);
			ll_buf_puts(&out->access_key_id, id);
			ll_buf_puts(&out->secret_access_key, secret);
			if (env_value("AWS_SESSION_TOKEN"))
				ll_buf_puts(&out->session_token, env_value("AWS_SESSION_TOKEN"));
		}
	} else if (strcmp(name, "Ec2InstanceMetadata") == 0) {
		st = ll_aws_imds_credentials(&configured, out, err);
	} else if (strcmp(name, "EcsContainer") == 0) {
		st = ll_aws_container_credentials(&configured, out, err);
	} else {
		return ll_error_set(err, LL_EINVAL,
				    "profile %s: credential_source %s is not one of Environment, "
				    "Ec2InstanceMetadata, EcsContainer",
				    profile, name);
	}
	if (st == LL_OK && !configured)
		st = ll_error_set(err, LL_EAUTH,
				  "profile %s: credential_source %s has no credentials", profile, name);
	return st;
}

/* The credentials role_arn of profile is assumed with. */
static ll_status role_source(chain *ch, const char *profile, ll_aws_creds *out, ll_error *err)
{
	ll_buf source = LL_BUF_INIT, named = LL_BUF_INIT;
	bool has_profile = profile_get(ch, profile, "source_profile", &source, NULL);
	bool has_named = profile_get(ch, profile, "credential_source", &named, NULL);
	ll_status st = LL_OK;
	if (has_profile == has_named)
		st = ll_error_set(err, LL_EINVAL,
				  "profile %s has role_arn and must have exactly one of "
				  "source_profile and credential_source",
				  profile);
	else if (has_named)
		st = credential_source(profile, ll_buf_cstr(&named), out, err);
	else if ((st = check_source_profile(ch, profile, ll_buf_cstr(&source), err)) == LL_OK)
		st = strcmp(profile, ll_buf_cstr(&source)) == 0
			     ? merged_keys(ch, profile, out)
			     : source_profile_credentials(ch, ll_buf_cstr(&source), out, err);
	ll_buf_free(&source);
	ll_buf_free(&named);
	return st;
}

static ll_status assume_role(chain *ch, const char *profile, ll_aws_creds *out, ll_error *err)
{
	/* botocore would prompt for a code; a load runs unattended. */
	if (profile_has(ch, profile, "mfa_serial"))
		return ll_error_set(err, LL_EAUTH,
				    "profile %s needs an MFA code (mfa_serial), which lakeload cannot "
				    "ask for; assume the role beforehand (aws sts assume-role) and pass "
				    "the temporary keys",
				    profile);
	if (ch->nvisited == 0)
		snprintf(ch->visited[ch->nvisited++], PROFILE_NAME_MAX, "%s", profile);
	ll_aws_creds source = { 0 };
	ll_status st = role_source(ch, profile, &source, err);
	if (st == LL_OK) {
		role_settings r;
		role_settings_read(ch, profile, &r);
		st = ll_aws_sts_assume_role(&r.role, &source, out, err);
		role_settings_free(&r);
	}
	ll_aws_creds_clear(&source);
	return st;
}

/* -------------------------------------------------------------- the chain */

/* A source of the chain: fills out and sets *found, or says in ch->tried what it looked at. */
typedef ll_status (*source_fn)(chain *ch, ll_aws_creds *out, bool *found, ll_error *err);

/* Keys this chain stored earlier are its answer, not the user's. */
static const char *explicit_key(const ll_config *c, const char *name, const char **origin)
{
	const char *v = ll_config_credential(c, name, origin);
	return v && strncmp(*origin, CHAIN_ORIGIN, strlen(CHAIN_ORIGIN)) != 0 ? v : NULL;
}

static ll_status src_config_keys(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
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

/* A profile the configuration names: botocore's session profile, which sets the environment's keys aside. */
static bool profile_named_explicitly(const chain *ch)
{
	return strcmp(ch->profile_origin, "default") != 0 &&
	       strcmp(ch->profile_origin, "env AWS_PROFILE") != 0;
}

static ll_status src_environment(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	*found = !profile_named_explicitly(ch) && env_value("AWS_ACCESS_KEY_ID") &&
		 env_value("AWS_SECRET_ACCESS_KEY");
	if (!*found) {
		tried(ch, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY%s",
		      profile_named_explicitly(ch) ? " (not used: profile_name names the profile)" : "");
		return LL_OK;
	}
	ll_status st = credential_source(ch->profile, "Environment", out, err);
	snprintf(out->source, sizeof(out->source), "env AWS_ACCESS_KEY_ID");
	return st;
}

/* A profile named explicitly must exist: botocore's ProfileNotFound. */
static ll_status src_profile_exists(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	(void)out;
	*found = false;
	if (strcmp(ch->profile_origin, "default") == 0 || profile_exists(ch, ch->profile))
		return LL_OK;
	return ll_error_set(err, LL_EAUTH, "AWS profile %s (from %s) is in neither %s nor %s",
			    ch->profile, ch->profile_origin, ll_buf_cstr(&ch->creds_path),
			    ll_buf_cstr(&ch->config_path));
}

static ll_status src_assume_role(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	*found = profile_has(ch, ch->profile, "role_arn") &&
		 !profile_has(ch, ch->profile, "web_identity_token_file");
	if (!*found) {
		tried(ch, "role_arn in profile %s", ch->profile);
		return LL_OK;
	}
	ch->nvisited = 0;
	return assume_role(ch, ch->profile, out, err);
}

static ll_status src_web_identity(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	ll_status st = web_identity_source(ch, ch->profile, true, out, found, err);
	if (st == LL_OK && !*found)
		tried(ch, "AWS_WEB_IDENTITY_TOKEN_FILE and web_identity_token_file in profile %s",
		      ch->profile);
	return st;
}

/* botocore's SSO source sits here; lakeload has none, and says so rather than skip the profile. */
static ll_status src_sso(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	(void)out;
	*found = false;
	if (!profile_has(ch, ch->profile, "sso_session") &&
	    !profile_has(ch, ch->profile, "sso_start_url"))
		return LL_OK;
	return ll_error_set(err, LL_EAUTH,
			    "profile %s signs in through IAM Identity Center (sso_...), which "
			    "lakeload does not do; add to it: credential_process = aws configure "
			    "export-credentials --profile %s --format process, after aws sso login",
			    ch->profile, ch->profile);
}

static ll_status src_credentials_file(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	(void)err;
	*found = credentials_file_keys(ch, ch->profile, out);
	if (!*found)
		tried(ch, "profile %s in %s", ch->profile, ll_buf_cstr(&ch->creds_path));
	return LL_OK;
}

static ll_status src_process(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	ll_status st = process_source(ch, ch->profile, out, found, err);
	if (st == LL_OK && !*found)
		tried(ch, "credential_process in profile %s", ch->profile);
	return st;
}

static ll_status src_config_file(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	(void)err;
	*found = config_file_keys(ch, ch->profile, out);
	if (!*found)
		tried(ch, "profile %s in %s", ch->profile, ll_buf_cstr(&ch->config_path));
	return LL_OK;
}

static ll_status src_container(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
{
	ll_status st = ll_aws_container_credentials(found, out, err);
	if (st == LL_OK && !*found)
		tried(ch, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI");
	return st;
}

/* No instance metadata is not an error: most machines are not EC2 instances. */
static ll_status src_instance_metadata(chain *ch, ll_aws_creds *out, bool *found, ll_error *err)
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
static ll_status run_chain(chain *ch, size_t from, ll_aws_creds *out, size_t *used, ll_error *err)
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
static ll_status keep_credentials(chain *ch, const ll_aws_creds *creds, size_t source,
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
static ll_status resolve_region(chain *ch, ll_s3_options *s3, ll_error *err)
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
			 bool *use_s3, ll_aws_creds *creds, chain *ch, ll_error *err)
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
		s3->endpoint_url = first_env("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", &eo);
	s3->path_style = s3->endpoint_url != NULL;
	size_t used;
	ll_status st = run_chain(ch, 0, creds, &used, err);
	if (st == LL_OK)
		st = keep_credentials(ch, creds, used, s3, err);
	if (st == LL_OK)
		st = resolve_region(ch, s3, err);
	return st;
}

ll_status ll_config_resolve_lake(ll_config *c, const char *lake, const char **lake_out,
				 ll_s3_options *s3, bool *use_s3, ll_error *err)
{
	chain ch;
	chain_init(&ch, c);
	ll_aws_creds creds = { 0 };
	ll_status st = resolve(c, lake, lake_out, s3, use_s3, &creds, &ch, err);
	ll_aws_creds_clear(&creds);
	chain_free(&ch);
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

static void show_credentials(FILE *out, const chain *ch, const ll_s3_options *s3,
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

ll_status ll_config_show(ll_config *c, const char *lake, FILE *out, ll_error *err)
{
	char shown[512];
	for (size_t i = 0; ll_config_known_keys[i]; i++) {
		const char *origin;
		const char *v = ll_config_get(c, ll_config_known_keys[i], &origin);
		if (!v)
			continue;
		masked(ll_config_known_keys[i], v, shown, sizeof(shown));
		fprintf(out, "%s = %s  (%s)\n", ll_config_known_keys[i], shown, origin);
	}
	chain ch;
	chain_init(&ch, c);
	const char *lake_out;
	ll_s3_options s3;
	bool use_s3;
	ll_error chain_err;
	ll_error_clear(&chain_err);
	ll_aws_creds creds = { 0 };
	ll_status st = resolve(c, lake, &lake_out, &s3, &use_s3, &creds, &ch, &chain_err);
	fprintf(out, "lake = %s\n", lake_out);
	if (use_s3 && st == LL_OK)
		show_credentials(out, &ch, &s3, &creds);
	else if (use_s3)
		fprintf(out, "credentials = (none): %s\n", chain_err.message);
	ll_aws_creds_clear(&creds);
	chain_free(&ch);
	(void)err;
	return LL_OK;
}

/* -------------------------------------------------------------- provider */

struct ll_aws_provider {
	pthread_mutex_t lock;
	chain ch;
	size_t source; /* index in chain_sources of the source that answered */
	ll_aws_creds current;
};

ll_status ll_aws_provider_open(ll_aws_provider **out, ll_config *c, ll_error *err)
{
	*out = NULL;
	ll_aws_provider *p = calloc(1, sizeof(*p));
	if (!p)
		return ll_error_oom(err);
	pthread_mutex_init(&p->lock, NULL);
	chain_init(&p->ch, c);
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
	chain_free(&p->ch);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
