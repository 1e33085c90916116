/*
 * The shared AWS files and their profiles, for the credential chain; see
 * aws_chain.h.
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
 * Assuming a role: botocore's AssumeRoleProvider. role_arn needs exactly
 * one of source_profile and credential_source; mfa_serial is refused (a
 * load cannot answer a prompt).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/aws_chain.h"
#include "util/fs.h"

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


static void shared_file_path(const char *env, const char *rel, ll_buf *out)
{
	const char *v = getenv(env);
	if (v && *v) {
		ll_buf_puts(out, v);
		return;
	}
	ll_buf_printf(out, "%s/%s", getenv("HOME") ? getenv("HOME") : ".", rel);
}

const char *ll_aws_env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

const char *ll_aws_first_env(const char *a, const char *b, const char **origin)
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
static bool profile_get(const ll_aws_chain *ch, const char *profile, const char *key, ll_buf *out,
			const char **where)
{
	const char *ignored;
	where = where ? where : &ignored;
	if (ini_get(ll_buf_cstr(&ch->creds_text), profile, key, out)) {
		*where = ll_buf_cstr(&ch->creds_path);
		return true;
	}
	char section[LL_AWS_PROFILE_NAME_MAX + 16];
	config_section(profile, section, sizeof(section));
	*where = ll_buf_cstr(&ch->config_path);
	return ini_get(ll_buf_cstr(&ch->config_text), section, key, out);
}

bool ll_aws_profile_has(const ll_aws_chain *ch, const char *profile, const char *key)
{
	ll_buf v = LL_BUF_INIT;
	bool found = profile_get(ch, profile, key, &v, NULL);
	ll_buf_free(&v);
	return found;
}

bool ll_aws_profile_exists(const ll_aws_chain *ch, const char *profile)
{
	char section[LL_AWS_PROFILE_NAME_MAX + 16], hdr[LL_AWS_PROFILE_NAME_MAX + 24];
	char plain[LL_AWS_PROFILE_NAME_MAX + 8];
	config_section(profile, section, sizeof(section));
	snprintf(hdr, sizeof(hdr), "[%s]", section);
	snprintf(plain, sizeof(plain), "[%s]", profile);
	return strstr(ll_buf_cstr(&ch->creds_text), plain) || strstr(ll_buf_cstr(&ch->config_text), hdr);
}

/* The region: also what STS is called in, so it is known before any credentials. */
static void chain_region(ll_aws_chain *ch)
{
	const char *v = ll_config_credential(ch->c, "region_name", &ch->region_origin);
	if (!v)
		v = ll_aws_first_env("AWS_REGION", "AWS_DEFAULT_REGION", &ch->region_origin);
	if (v) {
		ll_buf_puts(&ch->region, v);
	} else if (!profile_get(ch, ch->profile, "region", &ch->region, &ch->region_origin)) {
		ll_buf_puts(&ch->region, "us-east-1");
		ch->region_origin = "default";
	}
}

static void chain_sts_endpoint(ll_aws_chain *ch)
{
	const char *origin;
	const char *v = ll_aws_first_env("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", &origin);
	if (v)
		ll_buf_puts(&ch->sts_endpoint, v);
	else
		profile_get(ch, ch->profile, "endpoint_url", &ch->sts_endpoint, NULL);
}

void ll_aws_chain_init(ll_aws_chain *ch, ll_config *c)
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

void ll_aws_chain_free(ll_aws_chain *ch)
{
	ll_buf_free(&ch->creds_path);
	ll_buf_free(&ch->config_path);
	ll_buf_wipe(&ch->creds_text);
	ll_buf_wipe(&ch->config_text);
	ll_buf_free(&ch->region);
	ll_buf_free(&ch->sts_endpoint);
	ll_buf_free(&ch->tried);
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

bool ll_aws_credentials_file_keys(const ll_aws_chain *ch, const char *profile, ll_aws_creds *out)
{
	return file_keys(&ch->creds_text, profile, ll_buf_cstr(&ch->creds_path), out);
}

bool ll_aws_config_file_keys(const ll_aws_chain *ch, const char *profile, ll_aws_creds *out)
{
	char section[LL_AWS_PROFILE_NAME_MAX + 16];
	config_section(profile, section, sizeof(section));
	return file_keys(&ch->config_text, section, ll_buf_cstr(&ch->config_path), out);
}

static bool has_static_keys(const ll_aws_chain *ch, const char *profile)
{
	return ll_aws_profile_has(ch, profile, "aws_access_key_id") &&
	       ll_aws_profile_has(ch, profile, "aws_secret_access_key");
}

/* Static keys merged from both files, for a profile that is its own source_profile. */
static ll_status merged_keys(const ll_aws_chain *ch, const char *profile, ll_aws_creds *out)
{
	ll_aws_creds_clear(out);
	const char *where = NULL;
	profile_get(ch, profile, "aws_access_key_id", &out->access_key_id, &where);
	profile_get(ch, profile, "aws_secret_access_key", &out->secret_access_key, NULL);
	profile_get(ch, profile, "aws_session_token", &out->session_token, NULL);
	snprintf(out->source, sizeof(out->source), "%s", where ? where : "?");
	return LL_OK;
}

ll_status ll_aws_profile_process(const ll_aws_chain *ch, const char *profile, ll_aws_creds *out,
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

static void role_settings_read(const ll_aws_chain *ch, const char *profile, role_settings *r)
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
ll_status ll_aws_profile_web_identity(const ll_aws_chain *ch, const char *profile, bool use_env,
				     ll_aws_creds *out, bool *found, ll_error *err)
{
	role_settings r;
	role_settings_read(ch, profile, &r);
	ll_buf file = LL_BUF_INIT;
	const char *env_file = use_env ? ll_aws_env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
	const char *env_arn = use_env ? ll_aws_env("AWS_ROLE_ARN") : NULL;
	const char *env_name = use_env ? ll_aws_env("AWS_ROLE_SESSION_NAME") : NULL;
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

/*
 * Credentials of a source_profile, as botocore's
 * _resolve_credentials_from_profile finds them.
 */
static ll_status source_profile_credentials(ll_aws_chain *ch, const char *profile,
					    ll_aws_creds *out, ll_error *err)
{
	bool statics = has_static_keys(ch, profile);
	if (ll_aws_profile_has(ch, profile, "role_arn") && !statics &&
	    !ll_aws_profile_has(ch, profile, "web_identity_token_file"))
		return ll_aws_profile_assume_role(ch, profile, out, err);
	bool found = false;
	ll_status st = ll_aws_profile_web_identity(ch, profile, false, out, &found, err);
	if (st != LL_OK || found)
		return st;
	if (ll_aws_credentials_file_keys(ch, profile, out))
		return LL_OK;
	if ((st = ll_aws_profile_process(ch, profile, out, &found, err)) != LL_OK || found)
		return st;
	if (ll_aws_config_file_keys(ch, profile, out))
		return LL_OK;
	return ll_error_set(err, LL_EAUTH,
			    "source profile %s has no credentials (static keys, "
			    "web_identity_token_file, credential_process or a role of its own)",
			    profile);
}

static void visited_chain(const ll_aws_chain *ch, const char *next, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < ch->nvisited && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s -> ", ch->visited[i]);
	if (n < size)
		snprintf(out + n, size - n, "%s", next);
}

/* Whether profile may serve as the source of the profile being assumed (parent). */
static ll_status check_source_profile(ll_aws_chain *ch, const char *parent, const char *source,
				      ll_error *err)
{
	if (!ll_aws_profile_exists(ch, source))
		return ll_error_set(err, LL_EINVAL,
				    "profile %s: source_profile %s is in neither %s nor %s", parent,
				    source, ll_buf_cstr(&ch->creds_path), ll_buf_cstr(&ch->config_path));
	bool self = strcmp(parent, source) == 0;
	bool seen = false;
	for (size_t i = 0; i < ch->nvisited; i++)
		seen = seen || strcmp(ch->visited[i], source) == 0;
	if ((seen && !self) || (self && !has_static_keys(ch, source)) ||
	    ch->nvisited == LL_AWS_MAX_ROLE_CHAIN) {
		char path[1024];
		visited_chain(ch, source, path, sizeof(path));
		return ll_error_set(err, LL_EINVAL,
				    "the source_profile settings form a loop: %s; a profile may be its "
				    "own source_profile only when it has static keys",
				    path);
	}
	snprintf(ch->visited[ch->nvisited++], LL_AWS_PROFILE_NAME_MAX, "%s", source);
	return LL_OK;
}

ll_status ll_aws_credential_source(const char *profile, const char *name,
				   ll_aws_creds *out, ll_error *err)
{
	bool configured = true;
	ll_status st = LL_OK;
	if (strcmp(name, "Environment") == 0) {
		const char *id = ll_aws_env("AWS_ACCESS_KEY_ID");
		const char *secret = ll_aws_env("AWS_SECRET_ACCESS_KEY");
		configured = id && secret;
		if (configured) {
			ll_aws_creds_clear(out);
			ll_buf_puts(&out->access_key_id, id);
			ll_buf_puts(&out->secret_access_key, secret);
			if (ll_aws_env("AWS_SESSION_TOKEN"))
				ll_buf_puts(&out->session_token, ll_aws_env("AWS_SESSION_TOKEN"));
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
static ll_status role_source(ll_aws_chain *ch, const char *profile, ll_aws_creds *out,
			     ll_error *err)
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
		st = ll_aws_credential_source(profile, ll_buf_cstr(&named), out, err);
	else if ((st = check_source_profile(ch, profile, ll_buf_cstr(&source), err)) == LL_OK)
		st = strcmp(profile, ll_buf_cstr(&source)) == 0
			     ? merged_keys(ch, profile, out)
			     : source_profile_credentials(ch, ll_buf_cstr(&source), out, err);
	ll_buf_free(&source);
	ll_buf_free(&named);
	return st;
}

ll_status ll_aws_profile_assume_role(ll_aws_chain *ch, const char *profile, ll_aws_creds *out,
				     ll_error *err)
{
	/* botocore would prompt for a code; a load runs unattended. */
	if (ll_aws_profile_has(ch, profile, "mfa_serial"))
		return ll_error_set(err, LL_EAUTH,
				    "profile %s needs an MFA code (mfa_serial), which lakeload cannot "
				    "ask for; assume the role beforehand (aws sts assume-role) and pass "
				    "the temporary keys",
				    profile);
	if (ch->nvisited == 0)
		snprintf(ch->visited[ch->nvisited++], LL_AWS_PROFILE_NAME_MAX, "%s", profile);
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
